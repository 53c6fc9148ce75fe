"""Plain-text reports: decode the bytes, clean the text in place, find the tables in it.

The text a reader returns is what every span points into, so cleaning here never moves a
character when it can be helped: newlines are normalised (``\\r\\n`` and ``\\r`` become
``\\n``, the one change that shifts offsets) and HTML remnants left by copy-paste from a
web page (``<p>``, ``&nbsp;`` …) are overwritten with spaces of the same length.

Encoding detection is deterministic and cheap; see :func:`decode_bytes` for the order.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import re
from typing import NamedTuple

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Cell, Document, Table

__all__ = [
    "Decoded",
    "decode_bytes",
    "normalize_newlines",
    "blank_markup",
    "find_tables",
    "read_text",
    "document_from_text",
]


class Decoded(NamedTuple):
    """Text decoded from bytes, the codec that decoded them, and what went wrong on the way.

    ``data.decode(encoding)`` gives ``text`` back unless a warning says bytes were dropped
    or replaced; ``repaired`` says bytes of the text were replaced (U+FFFD), so a figure
    there may be lost: the report is then partial (``Document.metadata["incomplete"]``).
    """

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()
    repaired: bool = False


# --------------------------------------------------------------------------- decoding

# UTF-32 LE's BOM starts with UTF-16 LE's, so it is tried first. The BOM-aware codecs
# ("utf-16", not "utf-16-le") are recorded so that data.decode(encoding) == text.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Encodings tried strictly, in order, once BOMs and NUL bytes are ruled out. UTF-8 first:
# it almost never decodes text written in another encoding by accident. GB18030 is a
# superset of GBK and GB2312, the encodings of older Chinese government pages.
_STRICT = ("utf-8", "gb18030")

# C0 controls other than \t \n \v \f \r, DEL, and C1 controls: text files carry few.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BINARY_SHARE = 0.01

# Characters a Chinese report plausibly contains; used to tell UTF-16 text without a BOM
# from binary data whose NUL bytes happen to favour one parity.
_IMPLAUSIBLE = re.compile(
    r"[^\t\n\r\x20-\x7e\xa0-\u024f\u0370-\u04ff\u2000-\u27bf\u3000-\u30ff"
    r"\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]"
)
_PLAUSIBLE_SHARE = 0.9

# A strict decode that fails on this small a share of bytes is damaged text, not another
# encoding: decode it with U+FFFD for the bad bytes and say so. A small file may have a
# damaged byte or two whatever its size (one in a 1.9 KB report was rejected as binary),
# but no more than one a hundred bytes.
_DAMAGED_SHARE = 0.001
_DAMAGED_SPOTS = 3  # two bad bytes can spoil three spots
_BYTES_A_SPOT = 100
# One damaged spot: replacement characters at most three characters apart (a bad byte
# inside a UTF-8 character, or one that unpairs a GB18030 pair, spoils its neighbours).
_BAD_RUN = re.compile("\ufffd(?:[^\ufffd]{0,3}\ufffd)*")


def _damage_allowed(size: int) -> int:
    """How many damaged spots (bad bytes, a few in a row) text of ``size`` bytes may have."""
    return max(int(size * _DAMAGED_SHARE), min(_DAMAGED_SPOTS, size // _BYTES_A_SPOT))


def decode_bytes(data: bytes, source: str = "<bytes>", *, declared: str | None = None) -> Decoded:
    """Decode ``data`` as text, detecting the encoding.

    The order, first match wins: a byte-order mark (UTF-8, UTF-16, UTF-32); UTF-16
    without BOM, recognised by its NUL bytes (any other NUL bytes mean binary); the
    ``declared`` encoding if it is a multi-byte one and decodes strictly; strict UTF-8;
    strict GB18030 (covers GBK and GB2312); a declared single-byte Western encoding
    (trusted only now: Chinese pages often declare one wrongly); a file truncated inside
    a character, or with a few damaged bytes (decoded with a warning); charset-normalizer's
    guess (with a warning). Decoded text with many control characters is binary.

    Parameters
    ----------
    data : bytes
        The raw bytes; never modified.
    source : str
        Names the input in error messages.
    declared : str, optional
        An encoding the container declares (an HTML ``<meta charset>``).

    Returns
    -------
    Decoded
        ``(text, encoding, warnings)``; ``encoding`` is a Python codec name.

    Raises
    ------
    ReadError
        Empty input, binary content, or bytes no encoding fits.

    Examples
    --------
    >>> decode_bytes("预算执行率".encode("gbk"))
    Decoded(text='预算执行率', encoding='gb18030', warnings=(), repaired=False)
    >>> decode_bytes(codecs.BOM_UTF8 + "自评".encode()).encoding
    'utf-8-sig'
    """
    if not data:
        raise ReadError(source, "empty file (0 bytes)")
    decoded = _decode_bom(data)
    # NUL bytes first: a declared UTF-8 would "decode" UTF-16 text, NULs and all.
    nuls = 0
    if decoded is None and b"\x00" in data:
        decoded = _decode_utf16_unmarked(data)
        if decoded is None:
            nuls = data.count(0)
            if nuls > _damage_allowed(len(data)):
                raise ReadError(source, "binary file, not text: NUL bytes")
            # A byte or two zeroed in text (a damaged disk block, a bad copy): decoded
            # as the rest of the text is, the NULs replaced below.
    weak: str | None = None
    warnings: tuple[str, ...] = ()
    if decoded is None and declared:
        decoded, weak, warnings = _decode_declared(data, declared)
    failures: dict[str, UnicodeDecodeError] = {}
    if decoded is None:
        decoded = _decode_strict(data, failures)
    if decoded is None and weak:
        decoded = _decode_strict(data, failures, (weak,))
    if decoded is None:
        decoded = _decode_damaged(data, failures)
    if decoded is None:
        decoded = _decode_guess(data)
    if decoded is None:
        raise ReadError(source, "binary file, not text: undecodable as UTF-8, UTF-16, GB18030 or any encoding")
    if nuls:
        decoded = decoded._replace(
            text=decoded.text.replace("\x00", "\ufffd"), repaired=True,
            warnings=(*decoded.warnings, f"{nuls} NUL byte(s) in {decoded.encoding} text replaced by U+FFFD"))
    reason = _binary_reason(decoded.text)
    if reason:
        raise ReadError(source, f"binary file, not text: {reason}")
    return decoded._replace(warnings=warnings + decoded.warnings)


def _codec(label: str) -> str | None:
    """The Python codec for an encoding label, GBK/GB2312 widened to GB18030 (None if unknown)."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    # NOTE: pages labelled gb2312 or gbk routinely use characters only GBK/GB18030 have.
    return "gb18030" if name in {"gbk", "gb2312", "hz", "cp936"} else name


def _decode_bom(data: bytes) -> Decoded | None:
    """Decode by byte-order mark, if there is one that decodes."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError:
                continue  # FF FE 00 00 may be UTF-16 LE after all
    return None


def _decode_declared(data: bytes, label: str) -> tuple[Decoded | None, str | None, tuple[str, ...]]:
    """Decode with a declared encoding: (decoded, weak single-byte codec to try later, warnings)."""
    codec = _codec(label)
    if codec is None:
        return None, None, (f"declared encoding {label!r} is unknown; detected instead",)
    try:
        "中".encode(codec)
    except UnicodeEncodeError:
        return None, codec, ()  # single-byte Western: only if UTF-8 and GB18030 do not fit
    try:
        return Decoded(data.decode(codec), codec), None, ()
    except UnicodeDecodeError:
        return None, None, (f"declared encoding {label!r} does not fit the bytes; detected instead",)


def _decode_utf16_unmarked(data: bytes) -> Decoded | None:
    """UTF-16 without BOM: ASCII code units put a NUL in every other byte, on one side."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    body, warnings = data, ()
    if len(data) % 2:
        body, warnings = data[:-1], ("odd number of bytes for UTF-16 (truncated?); last byte dropped",)
    for codec, hits, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if hits <= 3 * other:
            continue
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or len(_IMPLAUSIBLE.findall(text)) > (1 - _PLAUSIBLE_SHARE) * len(text):
            continue
        return Decoded(text, codec, warnings)
    return None


def _decode_strict(
    data: bytes, failures: dict[str, UnicodeDecodeError], names: tuple[str, ...] = _STRICT
) -> Decoded | None:
    """The first encoding of ``names`` that decodes strictly; records each failure."""
    for codec in names:
        try:
            return Decoded(data.decode(codec), codec)
        except UnicodeDecodeError as exc:
            failures[codec] = exc
    return None


def _decode_damaged(data: bytes, failures: dict[str, UnicodeDecodeError]) -> Decoded | None:
    """Text cut inside its last character, or with a few bad bytes, in a strict encoding."""
    for codec in _STRICT:
        exc = failures.get(codec)
        if exc is not None and exc.end == len(data) and len(data) - exc.start <= 3:
            try:
                text = data[: exc.start].decode(codec)
            except UnicodeDecodeError:
                continue
            dropped = len(data) - exc.start
            note = f"file ends inside a {codec} character (truncated?); the last {dropped} byte(s) were dropped"
            return Decoded(text, codec, (note,))
    # Damage is counted in spots (see _BAD_RUN), not replacement characters.
    best: Decoded | None = None
    fewest = _damage_allowed(len(data)) + 1
    for codec in _STRICT:
        text = data.decode(codec, "replace")
        spots = sum(1 for _ in _BAD_RUN.finditer(text))
        if 0 < spots < fewest:
            fewest = spots
            bad = text.count("\ufffd")
            note = f"{bad} undecodable byte sequence(s) in {codec} text replaced by U+FFFD"
            best = Decoded(text, codec, (note,), repaired=True)
    return best


def _decode_guess(data: bytes) -> Decoded | None:
    """charset-normalizer's best guess, the last resort (slower, and only a guess)."""
    from charset_normalizer import from_bytes  # imported late: costly, rarely needed

    match = from_bytes(data).best()
    if match is None:
        return None
    codec = _codec(match.encoding) or match.encoding
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = str(match)
    note = f"encoding not UTF-8, UTF-16 or GB18030; guessed {codec} (charset-normalizer)"
    return Decoded(text, codec, (note,))


def _binary_reason(text: str) -> str | None:
    """Why decoded ``text`` looks like binary data, or None if it looks like text."""
    if "\x00" in text:
        return "NUL bytes"
    controls = len(_CONTROL.findall(text))
    if controls and controls > _BINARY_SHARE * len(text):
        return f"{controls} control characters ({controls / len(text):.0%} of the text)"
    return None


# --------------------------------------------------------------------------- cleaning


def normalize_newlines(text: str) -> str:
    r"""``\r\n`` and lone ``\r`` become ``\n``; nothing else changes.

    Examples
    --------
    >>> normalize_newlines("一\r\n二\r三\n")
    '一\n二\n三\n'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Tags only by name from HTML (or a namespaced Word tag like <o:p>), on one line, so that
# a Chinese title in angle brackets (<党委(党组)…规定>) or "a<b" stays as written.
_TAG_NAMES = (
    "a|abbr|article|aside|b|big|blockquote|body|br|caption|center|code|col|colgroup|dd|del|"
    "div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|img|ins|"
    "label|li|link|main|meta|nav|nobr|ol|option|p|pre|s|section|select|small|span|strike|"
    "strong|sub|sup|table|tbody|td|tfoot|th|thead|title|tr|tt|u|ul|wbr"
)
_MARKUP = re.compile(
    r"(?P<tag><!--[^\n]*?-->"
    rf"|</?(?:{_TAG_NAMES}|[a-z][a-z0-9]*:[a-z][a-z0-9]*)\b(?:\s[^<>\n]*)?/?>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});)",
    re.IGNORECASE,
)
# What a decoded entity may not put into the text: line and cell breaks, odd spaces.
_ENTITY_SPACES = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\xa0\u2002\u2003\u2009\u3000"})


def _blank(match: re.Match[str]) -> str:
    """A same-length replacement: spaces for a tag, the character then spaces for an entity."""
    raw = match.group()
    if match.group("tag"):
        return " " * len(raw)
    char = html.unescape(raw)
    if char == raw:
        return raw  # not an entity HTML knows: leave the text alone
    char = char.translate(_ENTITY_SPACES)
    return char + " " * (len(raw) - len(char))


def blank_markup(text: str) -> str:
    """Overwrite HTML remnants with spaces, keeping every other character where it was.

    Tags (``<p>``, ``</p>``, ``<br/>``, ``<span style=…>``, ``<o:p>``) and comments on
    one line become spaces; entities become their character followed by spaces
    (``&amp;`` → ``"&    "``, ``&nbsp;`` → six spaces). The result has the length of the
    input, so offsets into it are offsets into the input.

    Examples
    --------
    >>> blank_markup("<p>预算&amp;决算</p>")
    '   预算&    决算    '
    >>> blank_markup("《<党委(党组)规定>》 a<b")
    '《<党委(党组)规定>》 a<b'
    """
    if "<" not in text and "&" not in text:
        return text
    return _MARKUP.sub(_blank, text)


# --------------------------------------------------------------------------- tables

# A pipe separates cells when it stands between spaces or at a line's edge ("a | b |").
_PIPE = re.compile(r"(?:^|(?<=\s))\|(?=\s|$)")


def _cells(line: str, start: int, pieces: list[tuple[int, int]]) -> tuple[Cell, ...]:
    """Cells for the (begin, end) pieces of ``line``, which starts at ``start`` in the text."""
    return tuple(_cell(line[begin:end], start + begin) for begin, end in pieces)


def _cell(piece: str, at: int) -> Cell:
    """The cell of ``piece``, which starts at ``at`` in the text: its stripped text, or an
    empty cell (a zero-width span where it sits)."""
    value = piece.strip()
    if not value:
        return Cell("", (at, at))
    # Where the stripped text starts: it opens with what strip() left, which no run of
    # leading spaces holds, so its first occurrence is there (one scan in C).
    lead = at + piece.find(value)
    return Cell(value, (lead, lead + len(value)))


def _tab_cells(line: str, start: int) -> tuple[Cell, ...]:
    """Every tab separates two cells, so a leading tab is a leading empty cell."""
    # _cell's reading, written out here: forms are mostly tab rows, a call a cell was a
    # tenth of reading one.
    cells, at = [], start
    for part in line.split("\t"):
        value = part.strip()
        if value:
            lead = at + part.find(value)
            cells.append(Cell(value, (lead, lead + len(value))))
        else:
            cells.append(Cell("", (at, at)))
        at += len(part) + 1
    return tuple(cells)


def _pipe_pieces(line: str, seps: list[int]) -> list[tuple[int, int]]:
    """Cells between pipes; a pipe at the line's very edge only closes the row."""
    bounds = [-1, *seps, len(line)]
    pieces = [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]
    if not line[: seps[0]].strip():
        pieces = pieces[1:]
    if not line[seps[-1] + 1 :].strip():
        pieces = pieces[:-1]
    return pieces


class _Row(NamedTuple):
    line_no: int
    kind: str  # "tab" or "pipe"
    strong: bool  # has at least two cells of its own
    start: int
    end: int
    cells: tuple[Cell, ...]


def _rows(text: str) -> list[_Row | None]:
    """One entry a line: its row, or None for a blank line; other lines are left out."""
    out: list[_Row | None] = []
    start = 0
    for line_no, line in enumerate(text.split("\n")):
        end = start + len(line)
        stripped = line.strip()
        if "\t" in line and stripped:
            cells = _tab_cells(line, start)
            out.append(_Row(line_no, "tab", "\t" in stripped, start, end, cells))
        elif "|" in line and len(seps := [m.start() for m in _PIPE.finditer(line)]) >= 2:
            cells = _cells(line, start, _pipe_pieces(line, seps))
            out.append(_Row(line_no, "pipe", True, start, end, cells))
        elif not stripped:
            out.append(None)
        start = end + 1
    return out


def find_tables(text: str) -> tuple[Table, ...]:
    """Tables in plain text: runs of tab-separated or pipe-separated lines.

    A line is a row when it has a tab between two non-blank parts, or at least two
    `` | `` separators (a pipe at the line's edge counts). A line with only leading or
    trailing tabs ("1\\t\\t", a form's empty numbered row) joins a table it touches but
    never starts one. Rows separated by at most one blank line form one table; tab rows
    and pipe rows never share one. Cells keep their column: every tab separates two cells,
    so a leading tab is a leading empty cell. Each cell's span slices ``text`` to exactly
    its stripped text (an empty cell has a zero-width span where it sits).

    Examples
    --------
    >>> text = "说明\\n\\t预算安排\\t(1)\\t2700000\\n\\t实际支出\\t(4)\\t2683950\\n"
    >>> table = find_tables(text)[0]
    >>> [c.text for c in table.rows[0]]
    ['', '预算安排', '(1)', '2700000']
    >>> cell = table.rows[1][3]
    >>> cell.span, text[cell.span[0] : cell.span[1]]
    ((31, 38), '2683950')
    """
    if "\t" not in text and "|" not in text:
        return ()
    entries = _rows(text)
    # Blocks: consecutive rows of one kind on adjacent lines; keep those with a strong row.
    blocks: list[list[_Row]] = []
    previous: _Row | None = None
    for entry in entries:
        if entry is None:
            pass
        elif previous is not None and entry.kind == previous.kind and entry.line_no == previous.line_no + 1:
            blocks[-1].append(entry)
        else:
            blocks.append([entry])
        previous = entry
    kept = [block for block in blocks if any(row.strong for row in block)]
    # Tables: kept blocks of one kind with at most one blank line between them. Prose
    # lines are not among the entries, so the text between two blocks is what tells.
    tables: list[list[_Row]] = []
    for block in kept:
        if tables:
            last = tables[-1][-1]
            gap = text[last.end : block[0].start]
            if last.kind == block[0].kind and gap.count("\n") <= 2 and not gap.strip():
                tables[-1].extend(block)
                continue
        tables.append(list(block))
    return tuple(Table(tuple(row.cells for row in rows), (rows[0].start, rows[-1].end)) for rows in tables)


# --------------------------------------------------------------------------- documents


def _document(
    text: str, source: str, *, encoding: str | None, sha256: str, warnings: tuple[str, ...],
    repaired: bool = False,
) -> Document:
    """The text reader's pipeline on decoded text: newlines, markup, tables."""
    clean = blank_markup(normalize_newlines(text))
    return Document(
        source=source,
        text=clean,
        format="text",
        tables=find_tables(clean),
        encoding=encoding,
        sha256=sha256,
        # A figure may sit where bytes were replaced: the report is partial, its warning says why.
        metadata={"incomplete": warnings[-1]} if repaired and warnings else {},
        warnings=warnings,
    )


def read_text(data: bytes, source: str = "<bytes>") -> Document:
    """Read a plain-text report from its raw bytes.

    Parameters
    ----------
    data : bytes
        The file's bytes, as read; never modified.
    source : str
        The path as given, recorded in the Document and named in errors.

    Returns
    -------
    Document
        ``format="text"``; ``encoding`` as detected by :func:`decode_bytes`; ``sha256``
        of ``data``; tables from :func:`find_tables`.

    Raises
    ------
    ReadError
        Empty, binary or undecodable input.

    Examples
    --------
    >>> doc = read_text("<p>预算安排\\t2700000</p>\\r\\n".encode("gbk"), "a.txt")
    >>> doc.encoding, doc.text
    ('gb18030', '   预算安排\\t2700000    \\n')
    >>> [c.text for c in doc.tables[0].rows[0]]
    ['预算安排', '2700000']
    """
    decoded = decode_bytes(data, source)
    return _document(
        decoded.text,
        source,
        encoding=decoded.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=decoded.warnings,
        repaired=decoded.repaired,
    )


def document_from_text(text: str, source: str = "<text>") -> Document:
    """A Document from text already in memory, cleaned as :func:`read_text` cleans a file.

    ``encoding`` is None and ``sha256`` is the hash of the text's UTF-8 bytes.

    Examples
    --------
    >>> doc = document_from_text("索引号 | 57980172 | 发布机构 | 保山市政务服务管理局 |")
    >>> [c.text for c in doc.tables[0].rows[0]]
    ['索引号', '57980172', '发布机构', '保山市政务服务管理局']
    """
    return _document(
        text,
        source,
        encoding=None,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        warnings=(),
    )
