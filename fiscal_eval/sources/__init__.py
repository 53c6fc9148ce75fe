"""Readers: one module a format, each turning a file's bytes into a :class:`Document`.

A reader is a function ``read(data: bytes, source: str) -> Document``. This module keeps
the registry (:data:`READERS`, format name → reader) and picks a reader for a file **by
its content**: magic bytes, then a ZIP's member names (``word/document.xml`` → DOCX,
``xl/workbook.xml`` → XLSX, ``mimetype`` → ODS/ODT), then an OLE2 file's streams
(``WordDocument`` → DOC/WPS, ``Workbook`` → XLS/ET), see :mod:`.sniff`. Bytes with no
binary signature are HTML or text, told apart by the suffix and then by sniffing. A
suffix that says otherwise than the content is reported as a warning on the Document
(the content is read); a suffix that claims a binary format the bytes do not have fails
("damaged or not a …"), unless the bytes are an HTML page or text (portals serve HTML
saved as .doc). Adding a reader is adding its module and one :func:`register` line at
the bottom of this file.

One file can hold several inputs: an archive's members (``a.zip!b.docx``) and the reports
of a compilation (汇编; ``a.docx#2``). :func:`read_documents` returns them all, each a
Document or the :class:`ReadError` that says why it could not be read;
:func:`read_document` reads a file that is one document.

Files that cannot be read raise :class:`~fiscal_eval.errors.ReadError` (or its subclass
:class:`~fiscal_eval.errors.UnsupportedFormatError`) whose message names the file and
says why in plain words; the caller records it as a failed input and goes on.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from fiscal_eval.errors import ReadError, UnsupportedFormatError
from fiscal_eval.model import Document
from fiscal_eval.sources import convert as _convert
from fiscal_eval.sources import docx as _docx
from fiscal_eval.sources import html as _html
from fiscal_eval.sources import image as _image
from fiscal_eval.sources import pdf as _pdf
from fiscal_eval.sources import sheets as _sheets
from fiscal_eval.sources import text as _text
from fiscal_eval.sources.archives import ARCHIVE_FORMATS, expand_archive, member_suffix
from fiscal_eval.sources.limits import LIMITS, Deadline
from fiscal_eval.sources.sniff import FORMAT_NAMES, SUFFIX_FORMATS, sniff_format
from fiscal_eval.sources.text import document_from_text

__all__ = [
    "Reader",
    "READERS",
    "SUFFIXES",
    "MAX_BYTES",
    "Inputs",
    "register",
    "read_document",
    "read_documents",
    "read_bytes",
    "iter_input_files",
    "folder_problem",
    "display_path",
    "display_names",
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

# Data files that sit beside reports (a generator's truth.jsonl, a store's tables): never
# a report, whatever words they hold.
_NOT_REPORTS: dict[str, str] = {
    ".json": "JSON data file, not a report",
    ".jsonl": "JSON Lines data file, not a report",
    ".parquet": "Parquet data file, not a report",
}
# Formats recognised by content that have no reader (yet, or at all): why, in words.
_NO_READER: dict[str, str] = {
    "ofd": "OFD document: OFD reader not available yet",
    "ooxml": ("Office Open XML package that is neither a Word document nor a workbook (a presentation?): "
              "no reader for it"),
    "ole": ("OLE2 compound file that is neither a Word document nor a workbook (a presentation, an e-mail?): "
            "no reader for it"),
    "encrypted": "password-protected Office document (encrypted): cannot be read without its password",
}


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
        The format name; becomes ``Document.format`` by convention. Formats recognised by
        content (:func:`~fiscal_eval.sources.sniff.sniff_format`: "docx", "pdf" …) go to
        the reader registered under their name.
    reader : callable
        ``reader(data: bytes, source: str) -> Document``.
    suffixes : iterable of str
        File suffixes (with the dot, any case) read with this reader when the content has
        no binary signature of its own.
    sniff : callable, optional
        ``sniff(data) -> bool``: whether bytes without a binary signature and of an unknown
        suffix are this format. Sniffers are asked in registration order.

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


# Formats whose files are a ZIP (or an OLE2 file): bytes sniffed as a bare container of
# that kind, with such a suffix, go to that suffix's reader.
_CONTAINER_OF = {"zip": ("docx", "xlsx", "ods", "odt"), "ooxml": ("docx", "xlsx"), "ole": ("doc", "xls")}


def _claimed(suffix: str) -> str | None:
    """The format a suffix claims: a registered reader's, else a binary format known here."""
    return SUFFIXES.get(suffix) or SUFFIX_FORMATS.get(suffix)


def _choose(data: bytes, source: str, suffix: str) -> tuple[str, str | None]:
    """(format, warning): what the bytes are, and what to say when the suffix disagrees."""
    claimed = _claimed(suffix)
    sniffed = sniff_format(data)
    if sniffed is None:
        for name, sniff in _SNIFFERS.items():
            if name not in ("text", "html") and sniff(data):
                sniffed = name  # NOTE: a registered binary sniffer (another reader's)
                break
    if sniffed in _CONTAINER_OF and claimed is not None and claimed in _CONTAINER_OF[sniffed]:
        # A .docx whose ZIP is broken or lacks its parts: its own reader says what is wrong.
        return claimed, None
    if sniffed is not None:
        if claimed is not None and claimed != sniffed and claimed not in ("text", "html"):
            return sniffed, (f"the name says {suffix} ({FORMAT_NAMES.get(claimed, claimed)}) but the content is "
                             f"a {FORMAT_NAMES.get(sniffed, sniffed)}; read as what it is")
        if claimed in ("text", "html"):
            return sniffed, (f"the name says {suffix} but the content is a "
                             f"{FORMAT_NAMES.get(sniffed, sniffed)}; read as what it is")
        return sniffed, None
    if claimed is not None and claimed not in ("text", "html"):
        # A binary suffix over bytes without its signature: an HTML page saved as .doc
        # (portals do this), text, or a damaged file.
        what = FORMAT_NAMES.get(claimed, claimed)
        if _html.looks_like_html(data):
            return "html", f"the name says {suffix} ({what}) but the content is an HTML page; read as HTML"
        try:
            _text.decode_bytes(data[:65536], source)
        except ReadError:
            raise ReadError(source, f"damaged or not a {what}: the bytes do not start as one") from None
        return "text", f"the name says {suffix} ({what}) but the content is plain text; read as text"
    if claimed is not None:
        return claimed, None
    for name, sniff in _SNIFFERS.items():
        if sniff(data):
            return name, None
    return _DEFAULT_FORMAT, None


def read_bytes(
    data: bytes, source: str = "<bytes>", *, format: str | None = None, suffix: str = ""
) -> Document:
    """Read bytes already in memory with the reader of ``format`` (by content if None).

    Parameters
    ----------
    data : bytes
        The raw bytes; never modified.
    source : str
        Names the input in the Document and in errors.
    format : str, optional
        A registered format name; by default chosen from the bytes (see the module
        docstring), with ``suffix`` deciding between HTML and text.
    suffix : str
        The file's suffix (".docx"), when it has one: a claim the content is checked against.

    Returns
    -------
    Document
        With a warning when the suffix and the content disagree.

    Raises
    ------
    ReadError
        Empty, binary, damaged, password-protected or undecodable bytes.
    UnsupportedFormatError
        No reader for ``format``, or the bytes are a known format not read (an archive,
        which :func:`read_documents` opens; a PDF before its reader is registered …).

    Examples
    --------
    >>> read_bytes(b"<html><body><p>a &amp; b</p></body></html>").text
    'a & b'
    >>> read_bytes("自评得分98分".encode("gb18030"), format="text").encoding
    'gb18030'
    """
    if not data:
        raise ReadError(source, "empty file (0 bytes)")
    warning = None
    if format is None:
        format, warning = _choose(data, source, suffix.lower())
    reader = READERS.get(format)
    if reader is None:
        if format in ARCHIVE_FORMATS:
            raise UnsupportedFormatError(source, f"{FORMAT_NAMES[format]}: holds files; read it with read_documents")
        if format in _NO_READER:
            exc = UnsupportedFormatError if format not in ("encrypted",) else ReadError
            raise exc(source, _NO_READER[format])
        raise UnsupportedFormatError(source, f"no reader for format {format!r}")
    doc = reader(data, source)
    if warning:
        doc = dataclasses.replace(doc, warnings=(warning, *doc.warnings))
    return doc


def _suffix(path: str) -> str:
    """``Path(path).suffix``, without making a Path."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _read_file(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """(source, bytes) of one input file, every reason it cannot be read a ReadError."""
    # os rather than pathlib: a Path made, stat()-ed and opened cost a fifth of reading
    # a short report.
    source = os.fspath(path)
    try:
        info = os.stat(source)
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
    suffix = _suffix(source).lower()
    if suffix in _NOT_REPORTS:
        raise UnsupportedFormatError(source, _NOT_REPORTS[suffix])
    try:
        with open(source, "rb") as handle:
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
    return source, data


def read_document(path: str | os.PathLike[str]) -> Document:
    """Read one input file that is one document into a :class:`Document`.

    The reader is chosen by content (see the module docstring): a ``.docx`` that is an
    HTML page is read as HTML, with a warning. Only regular files (or symlinks to them)
    are opened: a FIFO would block the read forever.

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
        larger than :data:`MAX_BYTES`, binary, damaged, password-protected or
        undecodable; the message names the file and the reason.
    UnsupportedFormatError
        A format not read (a PDF before its reader is registered, a data file), or an
        archive (:func:`read_documents` opens those).

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
    source, data = _read_file(path)
    return read_bytes(data, source, suffix=Path(source).suffix)


class Inputs(NamedTuple):
    """What one file holds: its documents, each a Document or the ReadError saying why it
    could not be read, in order; and the SHA-256 of the file's bytes (None if unread)."""

    items: list[Document | ReadError]
    sha256: str | None


def read_documents(path: str | os.PathLike[str], *, source: str | None = None) -> Inputs:
    """Every document one file holds: the file itself, an archive's members (nested
    archives opened once more), and each report of a compilation, split.

    Never raises for content: a file or member that cannot be read is a ReadError in the
    list. ``source`` names the file in the Documents (default: the path as given);
    members are ``source!member`` and parts of a compilation ``source#2``.

    Examples
    --------
    >>> import io, tempfile, zipfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder, "a.zip")
    ...     with zipfile.ZipFile(path, "w") as z:
    ...         z.writestr("1.txt", "自评得分90分"); z.writestr("2.docx", b"PK\\x03\\x04 broken")
    ...     found = read_documents(path, source="a.zip")
    >>> [(d.source, type(d).__name__) for d in found.items]
    [('a.zip!1.txt', 'Document'), ('a.zip!2.docx', 'ReadError')]
    """
    try:
        name, data = _read_file(path)
    except ReadError as exc:
        if source is not None:
            exc = type(exc)(source, exc.reason)
        return Inputs([exc], None)
    source = name if source is None else source
    sha = hashlib.sha256(data).hexdigest()
    items: list[Document | ReadError] = []
    _expand(data, source, _suffix(name), 0, Deadline(source), items)
    return Inputs(items, sha)


def _expand(data: bytes, source: str, suffix: str, depth: int, deadline: Deadline,
            items: list[Document | ReadError]) -> None:
    """Append the documents ``data`` holds to ``items`` (archives opened to one level)."""
    from fiscal_eval.sources.compilations import split_compilation

    if not data:
        items.append(ReadError(source, "empty file (0 bytes)"))
        return
    try:
        format, warning = _choose(data, source, suffix.lower())
        if format in ARCHIVE_FORMATS and format not in READERS:
            if depth > LIMITS.nesting:
                items.append(ReadError(
                    source, f"{FORMAT_NAMES[format]} nested deeper than {LIMITS.nesting} level: not opened"))
                return
            members = expand_archive(data, source, format, deadline)
            if not members:
                items.append(ReadError(source, f"{FORMAT_NAMES[format]} holds no files"))
            for member in members:
                inner = f"{source}!{member.name}"
                if member.data is None:
                    items.append(ReadError(inner, member.problem or "not read"))
                else:
                    _expand(member.data, inner, member_suffix(member.name), depth + 1, deadline, items)
            return
        doc = read_bytes(data, source, format=format)
        if warning:
            doc = dataclasses.replace(doc, warnings=(warning, *doc.warnings))
    except ReadError as exc:
        items.append(exc)
        return
    except Exception as exc:  # NOTE: a reader's bug on hostile bytes is this input's failure, not the run's
        items.append(ReadError(source, f"internal reader error ({type(exc).__name__}: {exc})"))
        return
    items.extend(split_compilation(doc))


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


def display_names(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[str, str]]:
    """``(name, path)`` for each path, in order: the name it is shown and stored under,
    :func:`display_path` of it, unless another path shows the same.

    A file name of non-UTF-8 bytes shows them as ``\\xNN``, so the byte 0xff and the four
    characters ``\\xff`` written out display alike; two such files must stay two inputs.
    Then the one whose name is UTF-8 shows its backslashes doubled (``\\\\xff``, as an
    escaped name writes a backslash) and any other its name and the first 8 hex digits of
    the SHA-256 of its bytes
    (``a\\xff.txt~1f2e3d4c``). The same path given twice keeps one name.

    Examples
    --------
    >>> raw, typed = os.fsdecode(b"a\\xff.txt"), "a\\\\xff.txt"
    >>> [name for name, _ in display_names([typed, raw, "b.txt"])]
    ['a\\\\\\\\xff.txt', 'a\\\\xff.txt', 'b.txt']
    """
    pairs = [(display_path(p), os.fspath(p)) for p in paths]
    shared: dict[str, list[str]] = {}
    for name, path in pairs:
        group = shared.setdefault(name, [])
        if path not in group:
            group.append(path)
    renamed: dict[str, str] = {}
    taken = set(shared)
    for name, group in shared.items():
        if len(group) < 2:
            continue
        # The name as shown goes to a non-UTF-8 one (whose bytes it spells out).
        keeper = next((path for path in group if path != name), group[0])
        for path in group:
            if path == keeper:
                continue
            other = name.replace("\\", "\\\\") if path == name else ""
            if not other or other in taken:
                raw = os.fsencode(path) if path != name else path.encode("utf-8")
                other = f"{name}~{hashlib.sha256(raw).hexdigest()[:8]}"
            taken.add(other)
            renamed[path] = other
    return [(renamed.get(path, name), path) for name, path in pairs]


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
    from the directory listing, so there is no stat per file.

    NOTE: a stack of folders, not recursion: a tree nested deeper than Python's
    recursion limit (1,100 folders deep) is listed like any other.
    """
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            yield current  # NOTE: read_document says why (permission denied, name too long …)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:  # NOTE: kept as an input; reading it names the problem
                is_folder = False
            if is_folder:
                pending.append(entry.path)
            else:
                yield entry.path


# --------------------------------------------------------------------------- the readers
# One line a reader. Binary formats are recognised by content (sniff.py); for the rest,
# sniffers are asked in this order; text is the default.
register("html", _html.read_html, suffixes=(".html", ".htm", ".shtml", ".xhtml"), sniff=_html.looks_like_html)
register("text", _text.read_text, suffixes=(".txt", ".text"))
register("docx", _docx.read_docx, suffixes=(".docx", ".docm", ".dotx"))
register("xlsx", _sheets.read_xlsx, suffixes=(".xlsx", ".xlsm", ".xlsb"))
register("xls", _convert.read_legacy_sheets, suffixes=(".xls", ".et"))
register("ods", _sheets.read_ods, suffixes=(".ods",))
register("doc", _convert.read_legacy_word, suffixes=(".doc", ".wps"))
register("odt", _convert.read_odt, suffixes=(".odt",))
register("pdf", _pdf.read_pdf, suffixes=(".pdf",))
register("image", _image.read_image, suffixes=(".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"))
