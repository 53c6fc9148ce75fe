"""Web pages from government portals: the report's words and tables, without the portal.

The page is parsed with the standard library's :class:`html.parser.HTMLParser` into a
small tree (tolerant of the unclosed ``<p>``, ``<td>`` and ``<tr>`` such pages are full
of), then rendered to text: block elements end lines, a data table becomes one line a
row with its cells joined by tabs (the same shape the text reader finds tables in), and
each table is also returned as a :class:`~fiscal_eval.model.Table` whose cell spans
point into that text.

What is left out: ``<head>`` (its ``<title>`` and ``<meta name=… content=…>`` become
metadata), scripts, styles, forms' widgets, hidden elements, and navigation chrome —
``<nav>``, ``<header>``, ``<footer>``, ``<aside>`` and any element whose id or class
names a nav, menu, header, footer, breadcrumb, sidebar, share, copyright, top bar,
toolbar or back-to-top block.
"""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from typing import NamedTuple

from fiscal_eval.model import Cell, Document, Table
from fiscal_eval.sources.text import decode_bytes

__all__ = ["RenderedHtml", "looks_like_html", "declared_charset", "render_html", "read_html"]


class RenderedHtml(NamedTuple):
    """A page rendered to text: the text, its tables (spans into the text), its metadata."""

    text: str
    tables: tuple[Table, ...]
    metadata: dict[str, str]


# --------------------------------------------------------------------------- sniffing

_HTML_START = re.compile(r"<(?:!doctype\s+html|html)\b", re.IGNORECASE)
_HTML_INSIDE = re.compile(r"<(?:body|table)\b", re.IGNORECASE)
_SNIFF_BYTES = 65536


def _skip_spaces(text: str, position: int) -> int:
    """The first position at or after ``position`` that is no white space."""
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def looks_like_html(data: bytes) -> bool:
    """Whether bytes of unknown type are an HTML page.

    True when the text starts with ``<!doctype html`` or ``<html`` (after a BOM,
    whitespace or comments) or contains ``<body`` or ``<table`` in its first 64 KB.

    Examples
    --------
    >>> looks_like_html(b"  <!DOCTYPE html><html><body>x</body></html>")
    True
    >>> looks_like_html("预算<执行率>".encode())
    False
    """
    head = data[:_SNIFF_BYTES]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", "ignore")
    else:
        # Tag names are ASCII in every encoding we meet; latin-1 maps bytes 1:1 and never fails.
        text = head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf")
    # Leading comments are skipped with find(), not a regex: a regex over many comments
    # backtracks badly when no <html> follows them.
    position = _skip_spaces(text, 0)
    while text.startswith("<!--", position):
        end = text.find("-->", position + 4)
        if end < 0:
            return False
        position = _skip_spaces(text, end + 3)
    return bool(_HTML_START.match(text, position) or _HTML_INSIDE.search(text))


_META_CHARSET = re.compile(rb"<meta\b[^>]{0,1024}?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{1,40})", re.IGNORECASE)


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in ``<meta charset>`` or ``http-equiv`` (first 8 KB).

    Examples
    --------
    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    >>> declared_charset(b"<p>no declaration</p>") is None
    True
    """
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii") if match else None


# --------------------------------------------------------------------------- the tree

_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
# Subtrees never rendered. <title> is rendered into metadata instead.
_DROP = frozenset(
    "script style noscript head title template iframe object svg canvas select button textarea "
    "nav header footer aside".split()
)
_CHROME = re.compile(
    r"nav|menu|header|footer|breadcrumb|sidebar|share|copyright|top[-_]?bar|toolbar|(?:go|back)[-_]?top",
    re.IGNORECASE,
)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Never judged chrome by id/class: the page itself (a <body class="has-navbar"> must not
# vanish) and row groups. A chrome cell (<td class="left_nav">) is dropped only when its
# table turns out to be layout: in a data table, dropping it would shift the columns.
_NEVER_CHROME = frozenset("html body main article thead tbody tfoot tr".split())
_CELLS = frozenset({"td", "th"})
_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li "
    "main menu nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
# A start tag of these closes an open <p> (HTML's implied end tags, simplified).
_CLOSES_P = frozenset(
    "address article aside blockquote center dd details div dl dt fieldset figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main menu nav ol p pre section table ul".split()
)
_TABLE_PARTS = frozenset("table caption thead tbody tfoot tr td th".split())
# Deeper nesting is flattened (its elements' text goes to the deepest element kept that
# shows text). Building and rendering the tree use no recursion; the bound keeps hostile
# nesting from costing memory for nothing (no page nests this deep: 67 nested tables were
# 201 levels, and lost their text to the old bound of 200).
_MAX_DEPTH = 10_000


class _Node:
    """An element: its tag, attributes, children (nodes and text), whether it is dropped."""

    __slots__ = ("tag", "attrs", "children", "drop")

    def __init__(self, tag: str, attrs: dict[str, str], drop: bool = False) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []
        self.drop = drop


def _dropped(tag: str, attrs: dict[str, str]) -> bool:
    """Whether an element is left out of the text (chrome, hidden, not content)."""
    if tag in _DROP or "hidden" in attrs or _HIDDEN.search(attrs.get("style", "")):
        return True
    if tag in _NEVER_CHROME:
        return False
    return bool(_CHROME.search(f"{attrs.get('id', '')} {attrs.get('class', '')}"))


# --------------------------------------------------------------------------- defusing

_TAG_START = re.compile(r"<[a-zA-Z/!?]")
_RAW_TEXT = re.compile(r"<(script|style)\b", re.IGNORECASE)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _find(text: str, char: str, start: int) -> int:
    """``text.find(char, start)``, with ``len(text)`` for not found."""
    found = text.find(char, start)
    return len(text) if found < 0 else found


def _defuse(markup: str) -> str:
    """The markup without what makes :class:`HTMLParser` slow or is dropped anyway.

    Python's HTMLParser takes quadratic time or worse on a tag or comment that never
    closes (24 KB of ``<a <a <a`` took 8 s here; 96 KB would take minutes). In one
    linear pass this removes comments (an unclosed one runs to the end, as in browsers),
    scripts and styles (their bodies may hold any ``<``), and writes as ``&lt;`` every
    ``<`` that would open a tag but has no ``>`` before the next ``<``: text, in effect,
    which the parser then reads in one go. The price: a ``<`` inside a quoted attribute
    value breaks that one tag.
    """
    if "<" not in markup:
        return markup
    out: list[str] = []
    end = len(markup)
    lower: str | None = None  # ASCII-lowered copy (same length), made when first needed
    next_gt = next_lt = 0
    position = 0
    while (match := _TAG_START.search(markup, position)) is not None:
        start = match.start()
        out.append(markup[position:start])
        if markup.startswith("<!--", start):
            close = markup.find("-->", start + 4)
            position = end if close < 0 else close + 3
            continue
        # The next ">" and "<" are cached: each find() scans new ground, so the pass is linear.
        if next_gt <= start:
            next_gt = _find(markup, ">", start + 1)
        if next_lt <= start:
            next_lt = _find(markup, "<", start + 1)
        if next_gt == end or next_lt < next_gt:
            out.append("&lt;")
            position = start + 1
            continue
        raw = _RAW_TEXT.match(markup, start)
        if raw is not None:
            lower = lower if lower is not None else markup.translate(_ASCII_LOWER)
            close = lower.find("</" + raw.group(1).lower(), next_gt)
            close_end = markup.find(">", close) if close >= 0 else -1
            position = end if close_end < 0 else close_end + 1
            continue
        out.append(markup[start : next_gt + 1])
        position = next_gt + 1
    out.append(markup[position:])
    return "".join(out)


class _TreeBuilder(HTMLParser):
    """Builds a :class:`_Node` tree, closing what sloppy pages leave open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]
        # NOTE: where each tag is open in the stack (indices, rising), and where the open
        # elements that show text are: closing finds its element without walking the
        # stack, which 10,000 nested <div>s made quadratic (each start tag closes a <p>).
        self.open: dict[str, list[int]] = {}
        self.shows = [0]
        self.title: _Node | None = None
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = attributes.get("name") or attributes.get("property")
            if key and "content" in attributes:
                self.meta.setdefault(key.strip().lower(), attributes["content"])
            return
        self._close_implied(tag)
        node = _Node(tag, attributes, _dropped(tag, attributes))
        if tag == "title" and self.title is None:
            self.title = node
        self.stack[-1].children.append(node)
        if tag not in _VOID and len(self.stack) < _MAX_DEPTH:
            self.open.setdefault(tag, []).append(len(self.stack))
            if tag not in _TABLE_PARTS or tag in _CELLS:
                self.shows.append(len(self.stack))
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> is one line break, not a <br> and a </br> (which HTML reads as another <br>).
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":
            self.stack[-1].children.append(_Node("br", {}))
            return
        # Table parts close up to their table; other tags stop at a cell or table, so a
        # stray </div> inside a cell cannot close a <div> the table sits in.
        if tag == "table":
            self._close({tag}, frozenset())
        elif tag in _TABLE_PARTS:
            self._close({tag}, {"table"})
        else:
            self._close({tag}, _TABLE_PARTS)

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(self.stack) >= _MAX_DEPTH:
            # NOTE: flattened nesting: text in a table or row (not a cell) would not show.
            parent = self.stack[self.shows[-1]]
        parent.children.append(data)

    def _close(self, tags: set[str] | frozenset[str], stop: set[str] | frozenset[str]) -> None:
        """Pop the nearest open element in ``tags`` and all inside it, unless ``stop`` comes first."""
        found = max((self.open[t][-1] for t in tags if self.open.get(t)), default=0)
        if not found or found < max((self.open[t][-1] for t in stop if self.open.get(t)), default=0):
            return
        for node in self.stack[found:]:  # NOTE: each element is popped once: linear overall
            self.open[node.tag].pop()
        while self.shows[-1] >= found:
            self.shows.pop()
        del self.stack[found:]

    def _close_implied(self, tag: str) -> None:
        """Close what a start tag implicitly ends: an open <p>, a previous cell, row or item."""
        if tag in ("td", "th"):
            self._close({"td", "th"}, {"tr", "table"})
        elif tag == "tr":
            self._close({"tr"}, {"table"})
        elif tag in ("thead", "tbody", "tfoot"):
            self._close({"thead", "tbody", "tfoot"}, {"table"})
        elif tag == "li":
            self._close({"li"}, {"ul", "ol", "table"})
        elif tag in ("dt", "dd"):
            self._close({"dt", "dd"}, {"dl", "table"})
        if tag in _CLOSES_P:
            self._close({"p"}, _TABLE_PARTS)


# --------------------------------------------------------------------------- rendering

_SPACE = re.compile(r"\s+")
# Zero-width characters carry nothing and would split words for the parser.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _collapse(text: str) -> str:
    """Runs of whitespace (&nbsp; and ideographic spaces too) become one space; ends stripped."""
    return _SPACE.sub(" ", text.translate(_ZERO_WIDTH)).strip()


class _Row(NamedTuple):
    table: int
    cells: list[str]


def _span_attr(attrs: dict[str, str], name: str, cap: int) -> int:
    """colspan/rowspan as an int in 1..cap (HTML ignores junk after the digits)."""
    match = re.match(r"\s*(\d+)", attrs.get(name, ""))
    return min(max(int(match.group(1)), 1), cap) if match else 1


def _walk(node: _Node, stop: frozenset[str], *, cells: bool = False):
    """Descendant elements of ``node`` not dropped (but any cell if ``cells``), not
    entering elements in ``stop``."""
    pending = list(reversed(node.children))
    while pending:
        child = pending.pop()
        if isinstance(child, str) or (child.drop and not (cells and child.tag in _CELLS)):
            continue
        yield child
        if child.tag not in stop:
            pending.extend(reversed(child.children))


_TABLE_STOP = frozenset({"tr", "td", "th", "table"})
_ROW_STOP = frozenset({"td", "th", "table"})


def _table_rows(table: _Node) -> list[list[_Node]]:
    """The table's rows of cells, not those of tables nested in it; stray cells make a row."""
    rows: list[list[_Node]] = []
    loose = False  # whether the last row is made of cells outside any <tr>
    for element in _walk(table, _TABLE_STOP, cells=True):
        if element.tag == "tr":
            rows.append([c for c in _walk(element, _ROW_STOP, cells=True) if c.tag in _CELLS])
            loose = False
        elif element.tag in ("td", "th"):
            if not loose:
                rows.append([])
                loose = True
            rows[-1].append(element)
    return rows


_LAYOUT_BLOCKS = frozenset("p div h1 h2 h3 h4 h5 h6 ul ol li section article blockquote br".split())


def _is_layout(table: _Node, rows: list[list[_Node]]) -> bool:
    """Whether a table only lays out the page (its cells then flow as blocks of text).

    Layout: marked presentational, at most one cell a row, holding another table, or at
    most three rows with a cell of several paragraphs of real text (a page wrapper). A
    form whose long cells hold paragraphs (a 自评表) has more rows and stays a table.
    """
    if table.attrs.get("role", "").lower() in ("presentation", "none"):
        return True
    if all(len(row) <= 1 for row in rows):
        return True
    cells = [cell for row in rows for cell in row]
    if any(element.tag == "table" for cell in cells for element in _walk(cell, frozenset())):
        return True
    if len(rows) <= 3:
        for cell in cells:
            blocks = sum(1 for element in _walk(cell, frozenset()) if element.tag in _LAYOUT_BLOCKS)
            if blocks >= 3 and len(_inline_text(cell)) >= 200:
                return True
    return False


def _inline_text(node: _Node) -> str:
    """All the text under ``node`` on one line; block boundaries and <br> become spaces."""
    parts: list[str] = []
    pending: list[_Node | str] = list(reversed(node.children))
    while pending:
        child = pending.pop()
        if isinstance(child, str):
            parts.append(child)
        elif not child.drop:
            if child.tag == "br" or child.tag in _BLOCK:
                parts.append(" ")
            if child.tag in _BLOCK:
                pending.append(" ")  # popped after the children: the block's end
            pending.extend(reversed(child.children))
    return _collapse("".join(parts))


def _grid(rows: list[list[_Node]]) -> list[list[str]]:
    """Cell texts laid out in columns: colspan repeats as empty cells, rowspan leaves the
    covered cell empty in the rows below, so a column index means one column throughout."""
    covering: dict[int, int] = {}  # column -> rows (this one included) a rowspan still covers
    grid: list[list[str]] = []
    for cells in rows:
        covered = {column for column, left in covering.items() if left > 0}
        row: list[str] = []
        column = 0
        for cell in cells:
            while column in covered:
                row.append("")
                column += 1
            colspan = _span_attr(cell.attrs, "colspan", 1000)
            rowspan = _span_attr(cell.attrs, "rowspan", 65534)
            row.append(_inline_text(cell))
            row.extend([""] * (colspan - 1))
            if rowspan > 1:
                for c in range(column, column + colspan):
                    covering[c] = rowspan
            column += colspan
        if covered:  # columns covered from above, right of this row's last cell
            row.extend([""] * (max(covered) + 1 - column))
        covering = {c: left - 1 for c, left in covering.items() if left > 1}
        grid.append(row)
    return grid


class _Renderer:
    """Turns the tree into lines: prose lines (str) and table rows (:class:`_Row`)."""

    def __init__(self) -> None:
        self.lines: list[str | _Row] = []
        self.current: list[str] = []
        self.tables = 0

    def flush(self, *, force: bool = False) -> None:
        """End the current line; an empty one is kept only when ``force`` (a <br>)."""
        line = _collapse("".join(self.current))
        if line or force:
            self.lines.append(line)
        self.current = []

    def render(self, node: _Node, pre: bool = False) -> None:
        """Render ``node``'s children. NOTE: a stack of steps, not recursion: nesting as
        deep as the tree builder keeps (tables in tables in tables) keeps its text."""
        steps: list[tuple] = [("children", node, pre)]
        while steps:
            step = steps.pop()
            kind = step[0]
            if kind == "text":
                self.text(step[1], step[2])
            elif kind == "flush":
                self.flush()
            elif kind == "br":
                self.flush(force=True)
            elif kind == "grid":
                self.grid(step[1])
            elif kind == "table":
                steps.extend(reversed(self.table(step[1])))
            else:
                _, parent, in_pre = step
                steps.extend(reversed(self._steps(parent, in_pre)))

    def _steps(self, node: _Node, pre: bool) -> list[tuple]:
        """The steps that render ``node``'s children, in order."""
        out: list[tuple] = []
        for child in node.children:
            if isinstance(child, str):
                out.append(("text", child, pre))
            elif child.drop:
                continue
            elif child.tag == "br":
                out.append(("br",))
            elif child.tag == "table":
                out.append(("table", child))
            elif child.tag in _BLOCK:
                out += [("flush",), ("children", child, pre or child.tag == "pre"), ("flush",)]
            else:
                out.append(("children", child, pre))
        return out

    def text(self, text: str, pre: bool) -> None:
        if pre:
            first, *rest = text.split("\n")
            self.current.append(first)
            for line in rest:
                self.flush(force=True)
                self.current.append(line)
        else:
            self.current.append(text)

    def table(self, table: _Node) -> list[tuple]:
        """Start a table: the steps that render it (captions, then its cells as blocks of a
        layout table or its rows as a data table)."""
        self.flush()
        rows = _table_rows(table)
        steps: list[tuple] = []
        for child in table.children:
            if isinstance(child, _Node) and child.tag == "caption" and not child.drop:
                steps += [("children", child, False), ("flush",)]
        if _is_layout(table, rows):
            for cell in (cell for row in rows for cell in row if not cell.drop):
                steps += [("children", cell, False), ("flush",)]
            return steps
        return [*steps, ("grid", rows)]

    def grid(self, rows: list[list[_Node]]) -> None:
        grid = [row for row in _grid(rows) if any(row)]  # spacer rows carry nothing
        if grid:
            self.lines.extend(_Row(self.tables, row) for row in grid)
            self.tables += 1


def _assemble(lines: list[str | _Row]) -> tuple[str, tuple[Table, ...]]:
    """Join lines into the text (one blank line at most in a row) and place table cells."""
    out: list[str] = []
    rows: dict[int, list[tuple[Cell, ...]]] = {}
    spans: dict[int, list[int]] = {}
    position = 0
    blank = True  # no blank line at the very start
    for item in lines:
        if isinstance(item, str):
            if not item and blank:
                continue
            blank = not item
            line = item
        else:
            blank = False
            line = "\t".join(item.cells)
            cells, offset = [], position
            for text in item.cells:
                cells.append(Cell(text, (offset, offset + len(text))))
                offset += len(text) + 1
            rows.setdefault(item.table, []).append(tuple(cells))
            spans.setdefault(item.table, [position, 0])[1] = position + len(line)
        out.append(line)
        position += len(line) + 1
    while out and not out[-1]:
        out.pop()
    tables = tuple(Table(tuple(rows[i]), (spans[i][0], spans[i][1])) for i in sorted(rows))
    return "\n".join(out), tables


def render_html(markup: str) -> RenderedHtml:
    r"""Render an HTML page (already decoded) to text, tables and metadata.

    Parameters
    ----------
    markup : str
        The page's HTML source.

    Returns
    -------
    RenderedHtml
        ``text``: one line a block, runs of spaces collapsed, at most one blank line in a
        row, entities decoded (``&nbsp;`` as a space); a data table as one line a row,
        cells joined by tabs, ``colspan`` repeated as empty cells and ``rowspan`` leaving
        the cells it covers below empty, so columns line up. ``tables``: those tables,
        cell spans into ``text``. ``metadata``: ``title`` and every ``<meta name|property
        =… content=…>`` (names lower-cased).

    Examples
    --------
    >>> page = render_html('''<title>自评报告</title><nav>首页</nav>
    ... <p>预算执行率为84.61%&nbsp;。</p>
    ... <table><tr><td rowspan="2">资金</td><td>预算</td><td>710000</td></tr>
    ... <tr><td>支出</td><td>600651.81</td></tr></table>''')
    >>> page.text.split("\n")
    ['预算执行率为84.61% 。', '资金\t预算\t710000', '\t支出\t600651.81']
    >>> [c.text for c in page.tables[0].rows[1]], page.metadata["title"]
    (['', '支出', '600651.81'], '自评报告')
    """
    builder = _TreeBuilder()
    builder.feed(_defuse(markup))
    builder.close()
    renderer = _Renderer()
    renderer.render(builder.root)
    renderer.flush()
    text, tables = _assemble(renderer.lines)
    metadata = {key: _collapse(value) for key, value in builder.meta.items()}
    if builder.title is not None:
        metadata["title"] = _collapse("".join(c for c in builder.title.children if isinstance(c, str)))
    return RenderedHtml(text, tables, metadata)


def read_html(data: bytes, source: str = "<bytes>") -> Document:
    """Read an HTML page from its raw bytes.

    The bytes are decoded with the encoding the page declares (``<meta charset>`` or
    ``http-equiv``; GBK/GB2312 read as GB18030) when it fits, else detected as
    :func:`fiscal_eval.sources.text.decode_bytes` detects plain text.

    Parameters
    ----------
    data : bytes
        The file's bytes; never modified.
    source : str
        The path as given, recorded in the Document and named in errors.

    Returns
    -------
    Document
        ``format="html"``, text and tables as :func:`render_html` renders them, ``sha256``
        of ``data``.

    Raises
    ------
    ReadError
        Empty, binary or undecodable input.

    Examples
    --------
    >>> page = '<meta charset="gb2312"><body><p>自评得分&lt;98&gt;分</p></body>'
    >>> doc = read_html(page.encode("gbk"), "a.html")
    >>> doc.text, doc.encoding
    ('自评得分<98>分', 'gb18030')
    """
    decoded = decode_bytes(data, source, declared=declared_charset(data))
    page = render_html(decoded.text)
    return Document(
        source=source,
        text=page.text,
        format="html",
        tables=page.tables,
        encoding=decoded.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        # Bytes replaced in decoding: a figure may be lost there (the report is partial).
        metadata={**page.metadata, "incomplete": decoded.warnings[-1]} if decoded.repaired and decoded.warnings
        else page.metadata,
        warnings=decoded.warnings,
    )
