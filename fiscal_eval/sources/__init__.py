"""Readers: one module a format, each turning a file's bytes into a :class:`Document`.

A reader is a function ``read(data: bytes, source: str) -> Document``. This module keeps
the registry (:data:`READERS`, format name → reader) and picks a reader for a file: by its
suffix, else by sniffing its bytes. Adding a reader is adding its module and one
:func:`register` line at the bottom of this file.

Files that cannot be read raise :class:`~fiscal_eval.errors.ReadError` (or its subclass
:class:`~fiscal_eval.errors.UnsupportedFormatError`) whose message names the file and
says why in plain words; the caller records it as a failed input and goes on.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Callable, Iterable, Iterator

from fiscal_eval.errors import ReadError, UnsupportedFormatError
from fiscal_eval.model import Document
from fiscal_eval.sources import html as _html
from fiscal_eval.sources import image as _image
from fiscal_eval.sources import pdf as _pdf
from fiscal_eval.sources import text as _text
from fiscal_eval.sources.text import document_from_text

__all__ = [
    "Reader",
    "READERS",
    "SUFFIXES",
    "MAX_BYTES",
    "register",
    "read_document",
    "read_bytes",
    "iter_input_files",
    "folder_problem",
    "display_path",
    "document_from_text",
]

Reader = Callable[[bytes, str], Document]

READERS: dict[str, Reader] = {}
"""Format name → reader."""

SUFFIXES: dict[str, str] = {}
"""File suffix (lower case, with the dot) → format name."""

_SNIFFERS: dict[str, Callable[[bytes], bool]] = {}

# Bytes of unknown type that no sniffer claims are read as this format.
_DEFAULT_FORMAT = "text"

MAX_BYTES = 50 * 1024 * 1024
"""Files larger than this are refused: no self-evaluation report is near it."""

# Formats we know and do not read yet; a registered reader for the suffix takes precedence.
_NOT_YET: dict[str, str] = {
    ".doc": "Word document: Word reader not available yet",
    ".docx": "Word document: Word reader not available yet",
    ".wps": "WPS document: Word reader not available yet",
    ".ofd": "OFD document: OFD reader not available yet",
    ".xls": "spreadsheet: spreadsheet reader not available yet",
    ".xlsx": "spreadsheet: spreadsheet reader not available yet",
    ".et": "WPS spreadsheet: spreadsheet reader not available yet",
    # Data files that sit beside reports (a generator's truth.jsonl, a store's tables):
    # never a report, whatever words they hold.
    ".json": "JSON data file, not a report",
    ".jsonl": "JSON Lines data file, not a report",
    ".parquet": "Parquet data file, not a report",
}
# The same, recognised by content when the suffix says nothing.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "Word/Excel document (OLE2): Word and spreadsheet readers not available yet",
    ),
    (b"PK\x03\x04", "ZIP container (.docx/.xlsx/.ofd?): Word and spreadsheet readers not available yet"),
)


def register(
    name: str,
    reader: Reader,
    *,
    suffixes: Iterable[str] = (),
    sniff: Callable[[bytes], bool] | None = None,
) -> Reader:
    """Register ``reader`` as the reader of format ``name``.

    Parameters
    ----------
    name : str
        The format name; becomes ``Document.format`` by convention.
    reader : callable
        ``reader(data: bytes, source: str) -> Document``.
    suffixes : iterable of str
        File suffixes (with the dot, any case) read with this reader.
    sniff : callable, optional
        ``sniff(data) -> bool``: whether bytes of a file with an unknown suffix are this
        format. Sniffers are asked in registration order.

    Returns
    -------
    callable
        ``reader``, unchanged (so ``register`` can wrap a definition).

    Examples
    --------
    >>> def read_md(data: bytes, source: str) -> Document:
    ...     return Document(source=source, text=data.decode(), format="markdown")
    >>> _ = register("markdown", read_md, suffixes=[".md"])
    >>> SUFFIXES[".md"], READERS["markdown"] is read_md
    ('markdown', True)
    >>> _ = (READERS.pop("markdown"), SUFFIXES.pop(".md"))  # leave the registry as it was
    """
    READERS[name] = reader
    for suffix in suffixes:
        SUFFIXES[suffix.lower()] = name
    if sniff is not None:
        _SNIFFERS[name] = sniff
    return reader


def _megabytes(size: int) -> str:
    """A byte count in MB for messages."""
    return f"{size / (1024 * 1024):.1f} MB"


def _sniff_format(data: bytes, source: str) -> str:
    """The format of bytes whose suffix says nothing; known unreadable formats raise."""
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise UnsupportedFormatError(source, reason)
    for name, sniff in _SNIFFERS.items():
        if sniff(data):
            return name
    return _DEFAULT_FORMAT


def read_bytes(data: bytes, source: str = "<bytes>", *, format: str | None = None) -> Document:
    """Read bytes already in memory with the reader of ``format`` (sniffed if None).

    Parameters
    ----------
    data : bytes
        The raw bytes; never modified.
    source : str
        Names the input in the Document and in errors.
    format : str, optional
        A registered format name; by default sniffed from the bytes (HTML, else text).

    Returns
    -------
    Document

    Raises
    ------
    ReadError
        Empty, binary or undecodable bytes.
    UnsupportedFormatError
        No reader for ``format``, or the bytes are a known format not read yet (PDF …).

    Examples
    --------
    >>> read_bytes(b"<html><body><p>a &amp; b</p></body></html>").text
    'a & b'
    >>> read_bytes("自评得分98分".encode("gb18030"), format="text").encoding
    'gb18030'
    """
    if not data:
        raise ReadError(source, "empty file (0 bytes)")
    name = format or _sniff_format(data, source)
    reader = READERS.get(name)
    if reader is None:
        raise UnsupportedFormatError(source, f"no reader for format {name!r}")
    return reader(data, source)


def read_document(path: str | os.PathLike[str]) -> Document:
    """Read one input file into a :class:`Document`.

    The reader is chosen by suffix (``.txt``/``.text`` → text, ``.html``/``.htm``/
    ``.shtml`` → html), else by the bytes (an HTML page, else text). Only regular files
    (or symlinks to them) are opened: a FIFO would block the read forever.

    Parameters
    ----------
    path : str or path-like
        The file; recorded as given in ``Document.source``.

    Returns
    -------
    Document

    Raises
    ------
    ReadError
        The file is missing, a folder, a FIFO/socket/device, a symlink loop, empty,
        larger than :data:`MAX_BYTES`, binary, or undecodable; the message names the
        file and the reason.
    UnsupportedFormatError
        A format not read yet (.doc/.docx/.pdf/.xls/.xlsx …).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder, "r.txt")
    ...     _ = path.write_bytes("预算执行率为84.61%".encode("gbk"))
    ...     doc = read_document(path)
    >>> doc.text, doc.format, doc.encoding
    ('预算执行率为84.61%', 'text', 'gb18030')
    >>> read_document("no/such/report.txt")
    Traceback (most recent call last):
    fiscal_eval.errors.ReadError: no/such/report.txt: file not found
    """
    source = os.fspath(path)
    file = Path(source)
    try:
        info = file.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise ReadError(source, "file not found") from None
    except PermissionError:
        raise ReadError(source, "permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError(source, "symlink loop (too many levels of symbolic links)") from None
        raise ReadError(source, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(source, folder_problem(source))
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(source, f"not a regular file ({_kind(info.st_mode)})")
    if info.st_size == 0:
        raise ReadError(source, "empty file (0 bytes)")
    if info.st_size > MAX_BYTES:
        limit = _megabytes(MAX_BYTES)
        raise ReadError(source, f"file too large ({_megabytes(info.st_size)}; the limit is {limit})")
    suffix = file.suffix.lower()
    name = SUFFIXES.get(suffix)
    if name is None and suffix in _NOT_YET:
        raise UnsupportedFormatError(source, _NOT_YET[suffix])
    try:
        with file.open("rb") as handle:
            # The size stat() gave, and one byte more to see whether the file has grown
            # since; only then read on to the limit. (read(MAX_BYTES + 1) outright would
            # allocate 50 MB for every 3 KB report: a fifth of the time a report takes.)
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(MAX_BYTES + 1 - len(data))
    except PermissionError:
        raise ReadError(source, "permission denied") from None
    except OSError as exc:
        raise ReadError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ReadError(source, f"file too large (over the limit of {_megabytes(MAX_BYTES)})")
    return read_bytes(data, source, format=name)


def _kind(mode: int) -> str:
    """What a file that is not a regular file or a folder is, for messages."""
    for test, kind in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
    ):
        if test(mode):
            return kind
    return "unknown file type"


def folder_problem(folder: str | os.PathLike[str]) -> str:
    """Why a folder is not an input file, as :func:`read_document` says it.

    :func:`iter_input_files` hands a folder on as an input only when it cannot be read as
    a folder of reports: a named folder with no input files, one that cannot be listed,
    or a symlink to a folder met inside a folder (not followed: it could loop or read a
    tree twice). Each then fails with this reason instead of vanishing from the output.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     folder_problem(folder)
    'folder holds no input files (hidden files are skipped)'
    """
    folder = os.fspath(folder)
    try:
        with os.scandir(folder) as entries:
            top = [entry.name for entry in entries if not entry.name.startswith(".")]
    except OSError as exc:
        return f"cannot list folder: {exc.strerror or exc}"
    if os.path.islink(folder):
        # NOTE: no walk under a symlink: it may point at an ancestor, i.e. the whole tree.
        return "symlink to a folder, not followed (name the folder itself to read it)" if top else (
            "folder holds no input files (hidden files are skipped)"
        )
    if next(_inputs(folder), None) is None:
        return "folder holds no input files (hidden files are skipped)"
    return "is a directory, not a file"


def display_path(text: str | os.PathLike[str]) -> str:
    """A path (or a message naming one) as text any UTF-8 output can hold.

    A file name that is not UTF-8 reaches Python as lone surrogates (``b"\\xff"`` →
    ``"\\udcff"``), which Parquet, Arrow, JSON and a UTF-8 terminal all refuse; its
    bytes are shown as ``\\xff`` escapes instead. Open the real path, store and show
    this one.

    Examples
    --------
    >>> display_path(os.fsdecode(b"/data/\\xff\\xfe.txt"))
    '/data/\\\\xff\\\\xfe.txt'
    >>> display_path("/data/报告.txt")
    '/data/报告.txt'
    """
    text = os.fspath(text)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = os.fsencode(text)  # the bytes the file system holds
    except UnicodeEncodeError:  # NOTE: a surrogate no file name decodes to (not U+DC80–DCFF)
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The input files named by ``paths``, folders expanded, in a deterministic order.

    A folder contributes every entry under it, recursively, that is not a folder,
    leaving out hidden files and folders (names starting with ".") and following no
    folder symlinks; its entries come sorted by path. Anything that cannot be read as a
    report is kept, so that reading it fails with a message naming it: a FIFO, socket or
    device (never opened), a dangling symlink or a symlink loop, a symlink to a folder,
    a folder that cannot be listed, and a named folder holding no input files at all. A
    path that is not a folder is kept as given, whatever its suffix, even if it does not
    exist. No input is silently dropped. Order follows ``paths``; nothing is
    de-duplicated.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for name in ("b.txt", "a.html", ".hidden.txt", "sub/c.txt", "empty/"):
    ...         Path(folder, name).parent.mkdir(exist_ok=True)
    ...         _ = name.endswith("/") or Path(folder, name).write_text("x")
    ...     found = iter_input_files([folder, "missing.pdf", Path(folder, "empty")])
    ...     [p.relative_to(folder).as_posix() if p.is_absolute() else str(p) for p in found]
    ['a.html', 'b.txt', 'sub/c.txt', 'missing.pdf', 'empty']
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():  # NOTE: False, not an error, for a symlink loop
            out.append(path)
            continue
        # Sorting strings, not Paths: a re-ingest of 100k unchanged files is mostly this.
        found = sorted(_inputs(str(path)))
        if found:
            out.extend(Path(p) for p in found)
        else:  # a named folder with nothing to read is itself the input, and fails saying so
            out.append(path)
    return out


def _inputs(folder: str) -> Iterator[str]:
    """Every non-hidden entry under ``folder`` that is not a folder, without following
    folder links; a folder that cannot be listed is yielded itself. DirEntry types come
    from the directory listing, so there is no stat per file."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        yield folder  # NOTE: read_document says why (permission denied, I/O error …)
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:  # NOTE: kept as an input; reading it names the problem
            is_folder = False
        if is_folder:
            yield from _inputs(entry.path)
        else:
            yield entry.path


# --------------------------------------------------------------------------- the readers
# One line a reader. Sniffers are asked in this order; text is the default.
register("pdf", _pdf.read_pdf, suffixes=(".pdf",), sniff=_pdf.looks_like_pdf)
register("image", _image.read_image, suffixes=(".png", ".jpg", ".jpeg", ".tif", ".tiff"), sniff=_image.looks_like_image)
register("html", _html.read_html, suffixes=(".html", ".htm", ".shtml", ".xhtml"), sniff=_html.looks_like_html)
register("text", _text.read_text, suffixes=(".txt", ".text"))
