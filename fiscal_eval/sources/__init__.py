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

import os
import stat
from pathlib import Path
from typing import Callable, Iterable

from fiscal_eval.errors import ReadError, UnsupportedFormatError
from fiscal_eval.model import Document
from fiscal_eval.sources import html as _html
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
    ".pdf": "PDF document: PDF reader not available yet",
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
    (b"%PDF-", "PDF document: PDF reader not available yet"),
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
    ``.shtml`` → html), else by the bytes (an HTML page, else text).

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
        The file is missing, a directory, empty, larger than :data:`MAX_BYTES`, binary,
        or undecodable; the message names the file and the reason.
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
        raise ReadError(source, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadError(source, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(source, "not a regular file")
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
            data = handle.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except PermissionError:
        raise ReadError(source, "permission denied") from None
    except OSError as exc:
        raise ReadError(source, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ReadError(source, f"file too large (over the limit of {_megabytes(MAX_BYTES)})")
    return read_bytes(data, source, format=name)


def iter_input_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The input files named by ``paths``, folders expanded, in a deterministic order.

    A folder contributes every regular file under it, recursively, leaving out hidden
    files and folders (names starting with ".") and following no folder symlinks; its
    files come sorted by path. A path that is not a folder is kept as given, whatever its
    suffix, even if it does not exist, so the caller can report it as failed: no input is
    silently dropped. Symlinks inside a folder that point nowhere are kept for the same
    reason. Order follows ``paths``; nothing is de-duplicated.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     for name in ("b.txt", "a.html", ".hidden.txt", "sub/c.txt"):
    ...         Path(folder, name).parent.mkdir(exist_ok=True)
    ...         _ = Path(folder, name).write_text("x")
    ...     found = iter_input_files([folder, "missing.pdf"])
    ...     [p.relative_to(folder).as_posix() if p.is_absolute() else str(p) for p in found]
    ['a.html', 'b.txt', 'sub/c.txt', 'missing.pdf']
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            out.append(path)
            continue
        found: list[str] = []
        _walk(str(path), found)
        # Sorting strings, not Paths: a re-ingest of 100k unchanged files is mostly this.
        out.extend(Path(p) for p in sorted(found))
    return out


def _walk(folder: str, found: list[str]) -> None:
    """Non-hidden regular files (and dangling links, so they fail visibly) under ``folder``,
    without following folder links; DirEntry types come from the directory listing, so no
    stat per file."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, found)
            elif entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path)):
                found.append(entry.path)


# --------------------------------------------------------------------------- the readers
# One line a reader. Sniffers are asked in this order; text is the default.
register("html", _html.read_html, suffixes=(".html", ".htm", ".shtml", ".xhtml"), sniff=_html.looks_like_html)
register("text", _text.read_text, suffixes=(".txt", ".text"))
