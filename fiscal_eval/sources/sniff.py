"""What a file is, from its bytes: magic numbers, then a ZIP's member names, then an OLE2
compound file's streams. The suffix a file carries is a claim; these bytes are the fact.

:func:`sniff_format` names the format (a key of the reader registry, or a format known
here that has no reader); :data:`FORMAT_NAMES` says each in words for messages.
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["FORMAT_NAMES", "SUFFIX_FORMATS", "sniff_format", "zip_names", "ole_streams"]

# Format name -> how a message names it (Chinese readers see the Chinese word alongside).
FORMAT_NAMES: dict[str, str] = {
    "text": "plain text",
    "html": "HTML page",
    "docx": "Word document (DOCX)",
    "doc": "legacy Word document (DOC/WPS)",
    "odt": "OpenDocument text (ODT)",
    "xlsx": "Excel workbook (XLSX)",
    "xls": "legacy Excel workbook (XLS/ET)",
    "ods": "OpenDocument spreadsheet (ODS)",
    "pdf": "PDF document",
    "image": "image",
    "ofd": "OFD document",
    "zip": "ZIP archive",
    "7z": "7z archive",
    "rar": "RAR archive",
    "encrypted": "password-protected Office document",
    "ooxml": "Office Open XML package",
    "ole": "OLE2 compound file",
}

# What a suffix claims, for the warning when the bytes say otherwise. Suffixes of formats
# read by the same reader (.wps and .doc, .et and .xls) claim the same format.
SUFFIX_FORMATS: dict[str, str] = {
    ".docx": "docx", ".docm": "docx", ".dotx": "docx",
    ".doc": "doc", ".wps": "doc", ".dot": "doc",
    ".odt": "odt",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".xls": "xls", ".et": "xls",
    ".ods": "ods",
    ".pdf": "pdf",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
    ".bmp": "image", ".gif": "image", ".webp": "image",
    ".ofd": "ofd",
    ".zip": "zip", ".7z": "7z", ".rar": "rar",
}

# None: a signature too weak alone, checked below with more bytes.
_MAGIC: tuple[tuple[bytes, str | None], ...] = (
    (b"%PDF-", "pdf"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),  # JPEG
    (b"II*\x00", "image"),  # TIFF, little-endian
    (b"MM\x00*", "image"),  # TIFF, big-endian
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"BM", None),  # BMP: two bytes is too weak alone; checked below
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A PDF's header may follow a little junk (some servers prepend a BOM or whitespace).
_PDF_WINDOW = 1024

# Member names that say what an Office Open XML / OFD package is (first match wins).
_ZIP_MARKERS: tuple[tuple[str, str], ...] = (
    ("word/document.xml", "docx"),
    ("xl/workbook.xml", "xlsx"),
    ("xl/workbook.bin", "xlsx"),  # .xlsb: calamine reads it too
    ("OFD.xml", "ofd"),
)
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# OLE2 streams that say what a compound file holds (first match wins): an encrypted
# OOXML package sits in an OLE2 file beside its EncryptionInfo.
_OLE_MARKERS: tuple[tuple[str, str], ...] = (
    ("EncryptedPackage", "encrypted"),
    ("WordDocument", "doc"),
    ("Workbook", "xls"),
    ("Book", "xls"),  # BIFF5 (Excel 95); WPS .et files written as Excel 95 too
)


def zip_names(data: bytes) -> list[str] | None:
    """The member names of a ZIP archive, or None when the bytes are no readable ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def ole_streams(data: bytes) -> list[str] | None:
    """The stream names ("WordDocument", "1Table" …) of an OLE2 compound file, or None."""
    import olefile  # NOTE: late: only OLE2 files need it (msoffcrypto-tool brings it)

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ["/".join(entry) for entry in ole.listdir(streams=True, storages=False)]
    except (OSError, ValueError, IndexError, TypeError, EOFError):  # NOTE: olefile raises these on damage
        return None


def _zip_format(data: bytes) -> str:
    names = zip_names(data)
    if names is None:
        return "zip"  # a damaged ZIP; the archive reader says what is wrong with it
    present = set(names)
    for marker, name in _ZIP_MARKERS:
        if marker in present:
            return name
    if "mimetype" in present:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
            mimetype = ""
        if mimetype in _ODF_MIMETYPES:
            return _ODF_MIMETYPES[mimetype]
    if "[Content_Types].xml" in present:
        return "ooxml"  # a .pptx or another OOXML package: no report reader
    return "zip"


def _ole_format(data: bytes) -> str:
    streams = ole_streams(data)
    if streams is None:
        return "ole"
    top = {s.split("/")[-1] for s in streams}
    for marker, name in _OLE_MARKERS:
        if marker in top:
            return name
    return "ole"


def sniff_format(data: bytes) -> str | None:
    """The format the bytes are, when their content says so; None for bytes that carry no
    binary signature (text or HTML, told apart by the suffix and the HTML sniffer).

    Examples
    --------
    >>> sniff_format(b"%PDF-1.7 ..."), sniff_format(b"7z\\xbc\\xaf\\x27\\x1c..."), sniff_format("预算".encode())
    ('pdf', '7z', None)
    >>> import io, zipfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("[Content_Types].xml", "<Types/>")
    ...     z.writestr("word/document.xml", "<w:document/>")
    >>> sniff_format(buffer.getvalue())
    'docx'
    """
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # NOTE: 05 06: an empty archive
        return _zip_format(data)
    if data.startswith(_OLE):
        return _ole_format(data)
    for magic, name in _MAGIC:
        if name is not None and data.startswith(magic):
            return name
    if data.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\0\0\0\0":
        return "image"  # BMP: reserved bytes are zero
    if b"%PDF-" in data[:_PDF_WINDOW] and b"\0" in data[:_PDF_WINDOW]:
        return "pdf"
    return None
