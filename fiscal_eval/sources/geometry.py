"""Page geometry shared by the PDF and OCR readers: from positioned text and ruling lines
to the Document text, its tables and its anchors.

A page arrives as :class:`Run` s (a character of a PDF's text layer, or a box of text read
by OCR, each with its box) and :class:`Rule` s (the horizontal and vertical lines a table
is drawn with: path objects of a PDF, or lines found in a scan). Boxes are in a top-down
coordinate system (``top`` < ``bottom``), in points for PDF pages.

What :func:`assemble` does with them:

* **Ruled tables.** Rules that touch form a table; the distinct rule positions make a
  grid, and a grid line missing between two cells merges them (a category printed once
  beside the rows it spans). Every run whose centre lies in a cell is that cell's text.
  A table becomes one line a row, cells joined by tabs, as the HTML reader renders a
  ``<table>``: a merged cell's text sits in its first row and column, the cells it
  covers are empty, trailing empty cells are dropped. A single ruled box (a frame
  around a paragraph) is not a table.
* **Lines in reading order.** The other runs are grouped into lines by their vertical
  centre and ordered left to right; a gap wider than :data:`COLUMN_GAP` text heights
  splits a line into tab-separated cells (a form laid out with spaces, not rules).
  Page items (lines and tables) are read top to bottom.
* **Paragraphs re-joined.** A PDF breaks a paragraph wherever the line is full; left
  so, a sentence (and a figure: ``投入绩效为1`` / ``3分``) would be cut in two. A line
  joins the next one when it reaches the right edge of the page's text, starts at the
  left margin (or a first-line indent), does not end a sentence (。！？), and the next
  line starts at the margin without extra space above — also across a page break.
  A wrapped centred title joins the same way.
* **Page furniture dropped.** A page number (``- 3 -``, ``第3页 共9页``, ``3/9``) in the
  top or bottom margin is not text of the report.

Each visual line (a piece of a joined paragraph) and each table cell gets an
:class:`~fiscal_eval.model.Anchor` naming its page (``第3页``) and box; text read by OCR
carries the lowest confidence of the boxes it was read from.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fiscal_eval.model import Anchor, Cell, Table

__all__ = ["Run", "Rule", "Page", "Assembled", "assemble", "table_rules", "COLUMN_GAP"]

COLUMN_GAP = 1.8
"""A horizontal gap wider than this many text heights separates two cells of a line."""

# Rules farther apart than this (points) do not meet; positions closer are one.
_TOLERANCE = 2.5
# A page with more rules than this is a drawing (a chart, hatching), not a form: its
# tables are not looked for (keeps the pairwise rule test bounded on hostile pages).
_MAX_RULES = 3000
# The top and bottom share of a page where headers, footers and page numbers sit.
_MARGIN_BAND = 0.1
_PAGE_NUMBER = re.compile(
    r"[-—–·•\s]*(?:第\s*)?\d{1,4}\s*页?\s*(?:(?:[/／]|共|of)\s*\d{1,4}\s*页?)?[-—–·•\s]*"
    r"|[-—–·•\s]*(?:[Pp]age\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[-—–·•\s]*"
)
_SENTENCE_END = tuple("。！？!?")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text and its box: one character of a text layer, or one OCR box."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None = None  # set when read by OCR (0–1)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line: ``at`` is the y of a horizontal rule or the x of a vertical one,
    ``start``/``end`` its extent along itself."""

    horizontal: bool
    at: float
    start: float
    end: float


@dataclass(frozen=True)
class Page:
    """One page's runs and rules; ``number`` counts from 1."""

    number: int
    width: float
    height: float
    runs: tuple[Run, ...]
    rules: tuple[Rule, ...] = ()
    tolerance: float = _TOLERANCE
    # Spaces from gaps between runs (a text layer that positions words without a space
    # character); off for OCR, whose character boxes are too rough for it and whose
    # recogniser writes the spaces it reads into its runs.
    gap_spaces: bool = True


@dataclass(frozen=True)
class Assembled:
    """The text of a document's pages, its tables (spans into the text) and anchors."""

    text: str
    tables: tuple[Table, ...]
    anchors: tuple[Anchor, ...]
    tables_found: int = 0  # ruled tables (the rest of ``tables`` are gap-separated rows)


# --------------------------------------------------------------------------- pieces


@dataclass(slots=True)
class _Piece:
    """Text with the box it came from, on a page (a visual line, a cell, a cell of a line)."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float | None

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class _Line:
    """A visual line: one piece, or several when wide gaps split it into cells."""

    pieces: list[_Piece]
    page: int

    @property
    def x0(self) -> float:
        return self.pieces[0].x0

    @property
    def x1(self) -> float:
        return self.pieces[-1].x1

    @property
    def top(self) -> float:
        return min(p.top for p in self.pieces)

    @property
    def bottom(self) -> float:
        return max(p.bottom for p in self.pieces)

    @property
    def height(self) -> float:
        return statistics.median(p.height for p in self.pieces)


@dataclass(slots=True)
class _Grid:
    """A ruled table: rows of cells (None where a merged cell covers the position)."""

    page: int
    top: float
    bottom: float
    rows: list[list[_Piece | None]]
    xs: list[float]  # its column borders, to tell a table continued on the next page


def _lowest(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


# --------------------------------------------------------------------------- lines


def _group_lines(runs: Sequence[Run]) -> list[list[Run]]:
    """Runs grouped into lines by vertical centre, each line ordered left to right."""
    lines: list[list[Run]] = []
    centre = height = 0.0
    for run in sorted(runs, key=lambda r: (r.top + r.bottom) / 2):
        mid = (run.top + run.bottom) / 2
        if lines and abs(mid - centre) <= 0.5 * max(height, run.height):
            lines[-1].append(run)
            continue
        lines.append([run])
        centre, height = mid, run.height
    for line in lines:
        line.sort(key=lambda r: r.x0)
    return lines


def _join_runs(runs: Sequence[Run], gap_spaces: bool = True) -> str:
    """The runs of one line as text: a space between two Latin words set apart, none
    between CJK characters; a character drawn twice (fake bold) once."""
    out: list[str] = []
    previous: Run | None = None
    for run in runs:
        if previous is not None:
            width = max(previous.x1 - previous.x0, 1e-6)
            if run.text == previous.text and abs(run.x0 - previous.x0) < 0.3 * width:
                continue  # the same glyph overprinted
            gap = run.x0 - previous.x1
            if gap_spaces and gap > 0.2 * max(run.height, previous.height) and _needs_space(out[-1], run.text):
                out.append(" ")
        out.append(run.text)
        previous = run
    return "".join(out).strip()


def _needs_space(left: str, right: str) -> bool:
    """Whether two texts set apart need a space between them (both Latin or digits)."""
    a, b = left[-1:], right[:1]
    return bool(a and b and a.isascii() and b.isascii() and a.isalnum() and b.isalnum())


def _split_cells(runs: list[Run]) -> list[list[Run]]:
    """A line's runs cut where the gap exceeds :data:`COLUMN_GAP` text heights."""
    cells = [[runs[0]]]
    tallest = runs[0].bottom - runs[0].top  # of the cell being built
    for previous, run in zip(runs, runs[1:]):
        height = run.bottom - run.top
        if run.x0 - previous.x1 > COLUMN_GAP * max(tallest, height):
            cells.append([run])
            tallest = height
        else:
            cells[-1].append(run)
            tallest = max(tallest, height)
    return cells


def _piece(runs: Sequence[Run], page: int, gap_spaces: bool = True) -> _Piece:
    return _Piece(
        text=_join_runs(runs, gap_spaces),
        page=page,
        x0=min(r.x0 for r in runs),
        top=min(r.top for r in runs),
        x1=max(r.x1 for r in runs),
        bottom=max(r.bottom for r in runs),
        confidence=_lowest(r.confidence for r in runs),
    )


# --------------------------------------------------------------------------- ruled tables


def _merge_rules(rules: Iterable[Rule], tol: float) -> list[Rule]:
    """Collinear rules that overlap or touch as one (a table's border drawn cell by cell)."""
    merged: list[Rule] = []
    ordered = sorted(rules, key=lambda r: (r.at, r.start))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1].at - ordered[i].at <= tol:
            j += 1
        group = sorted(ordered[i : j + 1], key=lambda r: r.start)
        at = statistics.fmean(r.at for r in group)
        start, end = group[0].start, group[0].end
        for rule in group[1:]:
            if rule.start <= end + tol:
                end = max(end, rule.end)
            else:
                merged.append(Rule(group[0].horizontal, at, start, end))
                start, end = rule.start, rule.end
        merged.append(Rule(group[0].horizontal, at, start, end))
        i = j + 1
    return merged


def _meet(h: Rule, v: Rule, tol: float) -> bool:
    return v.start - tol <= h.at <= v.end + tol and h.start - tol <= v.at <= h.end + tol


def _positions(values: Iterable[float], tol: float) -> list[float]:
    """Sorted distinct positions, values within ``tol`` of each other as one."""
    out: list[list[float]] = []
    for value in sorted(values):
        if out and value - out[-1][-1] <= tol:
            out[-1].append(value)
        else:
            out.append([value])
    return [statistics.fmean(group) for group in out]


def _covered(rules: list[Rule], at: float, start: float, end: float, tol: float) -> bool:
    """Whether some rule lies at ``at`` and spans ``start``–``end`` (within ``tol``)."""
    return any(abs(r.at - at) <= tol and r.start <= start + tol and r.end >= end - tol for r in rules)


@dataclass
class _Frame:
    """A grid of rule positions and its merged cells (grid cell → owner cell)."""

    xs: list[float]
    ys: list[float]
    owner: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)  # the (merged) rules it is drawn with


def _frames(rules: Sequence[Rule], tol: float) -> list[_Frame]:
    """The ruled tables of a page as grids with merged cells."""
    if len(rules) > _MAX_RULES:
        return []
    hs = _merge_rules((r for r in rules if r.horizontal), tol)
    vs = _merge_rules((r for r in rules if not r.horizontal), tol)
    if len(hs) < 2 or len(vs) < 2:
        return []
    # Connected components of rules that meet (union-find over h + v).
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _meet(h, v, tol):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    frames = []
    for group_h, group_v in groups.values():
        ys = _positions((r.at for r in group_h), tol)
        xs = _positions((r.at for r in group_v), tol)
        if len(ys) < 2 or len(xs) < 2 or (len(ys) == 2 and len(xs) == 2):
            continue  # a lone rule, an underline, or a frame around a paragraph
        frame = _Frame(xs, ys, rules=group_h + group_v)
        rows, cols = len(ys) - 1, len(xs) - 1
        # Union-find over grid cells: a missing rule between neighbours merges them.
        cell_parent = {(i, j): (i, j) for i in range(rows) for j in range(cols)}

        def root(c: tuple[int, int]) -> tuple[int, int]:
            while cell_parent[c] != c:
                cell_parent[c] = cell_parent[cell_parent[c]]
                c = cell_parent[c]
            return c

        def union(a: tuple[int, int], b: tuple[int, int]) -> None:
            ra, rb = root(a), root(b)
            if ra != rb:
                first, second = min(ra, rb), max(ra, rb)
                cell_parent[second] = first  # the top-left cell owns the merged one

        for i in range(rows):
            for j in range(cols):
                if j + 1 < cols and not _covered(group_v, xs[j + 1], ys[i], ys[i + 1], tol):
                    union((i, j), (i, j + 1))
                if i + 1 < rows and not _covered(group_h, ys[i + 1], xs[j], xs[j + 1], tol):
                    union((i, j), (i + 1, j))
        frame.owner = {c: root(c) for c in cell_parent}
        frames.append(frame)
    return frames


def table_rules(rules: Sequence[Rule], tolerance: float = _TOLERANCE) -> list[Rule]:
    """The rules that draw tables (merged where collinear); lone rules (an underline, a
    long dash, a frame around a paragraph) are left out.

    >>> grid = [Rule(True, y, 0, 100) for y in (0, 20, 40)] + [Rule(False, x, 0, 40) for x in (0, 50, 100)]
    >>> len(table_rules(grid + [Rule(True, 300, 0, 80)]))
    6
    """
    return [rule for frame in _frames(rules, tolerance) for rule in frame.rules]


def _cut_run(run: Run, cuts: list[float]) -> list[Run]:
    """An OCR box that spans cell borders, cut at them in proportion to its characters'
    widths (a CJK character counted 1, a Latin one 0.55)."""
    weights = [0.55 if ch.isascii() else 1.0 for ch in run.text]
    total = sum(weights) or 1.0
    width = run.x1 - run.x0
    pieces: list[Run] = []
    start_char, start_x, acc = 0, run.x0, 0.0
    bounds = iter(sorted(cuts))
    cut = next(bounds, None)
    for index, weight in enumerate(weights):
        acc += weight
        x = run.x0 + width * acc / total
        if cut is not None and x >= cut and index + 1 < len(weights):
            # NOTE: the character straddling the border goes to the side holding most of it.
            mid = x - width * weight / total / 2
            end = index + 1 if mid < cut else index
            if end > start_char:
                pieces.append(Run(run.text[start_char:end], start_x, run.top, cut, run.bottom, run.confidence))
                start_char, start_x = end, cut
            cut = next(bounds, None)
    pieces.append(Run(run.text[start_char:], start_x, run.top, run.x1, run.bottom, run.confidence))
    return [p for p in pieces if p.text.strip()]


def _place(frame: _Frame, runs: list[Run], page: int, tol: float, gap_spaces: bool) -> tuple[_Grid, list[Run]]:
    """The frame's runs placed in its cells; returns the grid and the runs outside it."""
    xs, ys = frame.xs, frame.ys
    inside: dict[tuple[int, int], list[Run]] = {}
    outside: list[Run] = []
    for run in runs:
        cx, cy = (run.x0 + run.x1) / 2, (run.top + run.bottom) / 2
        if not (xs[0] < cx < xs[-1] and ys[0] < cy < ys[-1]):
            outside.append(run)
            continue
        at_row = bisect.bisect_right(ys, cy) - 1
        pieces = [run]
        if len(run.text) > 1:
            # A box crossing a real border between two cells of its row is cut there.
            cuts = [x for k, x in enumerate(xs[1:-1], 1)
                    if run.x0 + tol < x < run.x1 - tol and frame.owner[(at_row, k - 1)] != frame.owner[(at_row, k)]]
            if cuts:
                pieces = _cut_run(run, cuts)
        for piece in pieces:
            col = min(max(bisect.bisect_right(xs, (piece.x0 + piece.x1) / 2) - 1, 0), len(xs) - 2)
            inside.setdefault(frame.owner[(at_row, col)], []).append(piece)
    rows: list[list[_Piece | None]] = []
    for i in range(len(ys) - 1):
        row: list[_Piece | None] = []
        for j in range(len(xs) - 1):
            owner = frame.owner[(i, j)]
            if owner != (i, j):
                row.append(None)
                continue
            members = [c for c, o in frame.owner.items() if o == owner]
            bottom = ys[max(c[0] for c in members) + 1]
            right = xs[max(c[1] for c in members) + 1]
            cell_runs = inside.get(owner, [])
            text = _cell_text(cell_runs, gap_spaces)
            row.append(_Piece(text, page, xs[j], ys[i], right, bottom,
                              _lowest(r.confidence for r in cell_runs)))
        rows.append(row)
    return _Grid(page, ys[0], ys[-1], rows, list(xs)), outside


def _cell_text(runs: list[Run], gap_spaces: bool = True) -> str:
    """A cell's runs as one line of text: its lines in order, joined where they wrapped."""
    text = ""
    for line in _group_lines(runs):
        part = _join_runs(line, gap_spaces)
        if text and part and _LATIN.match(text[-1]) and _LATIN.match(part[0]):
            text += " "
        text += part
    return " ".join(text.split("\t"))


# --------------------------------------------------------------------------- pages


def _page_items(page: Page) -> list[_Line | _Grid]:
    """A page's lines and tables, top to bottom, page numbers in the margins dropped."""
    runs = [r for r in page.runs if r.text and r.x1 >= r.x0 and r.bottom > r.top]
    items: list[_Line | _Grid] = []
    for frame in _frames(page.rules, page.tolerance):
        grid, runs = _place(frame, runs, page.number, page.tolerance, page.gap_spaces)
        if any(cell is not None and cell.text for row in grid.rows for cell in row):
            items.append(grid)
    for line in _group_lines(runs):
        pieces = [_piece(cell, page.number, page.gap_spaces) for cell in _split_cells(line)]
        pieces = [p for p in pieces if p.text]
        if not pieces:
            continue
        item = _Line(pieces, page.number)
        in_margin = item.bottom < page.height * _MARGIN_BAND or item.top > page.height * (1 - _MARGIN_BAND)
        if in_margin and _PAGE_NUMBER.fullmatch("".join(p.text for p in pieces)):
            continue
        items.append(item)
    items.sort(key=lambda item: item.top)
    return items


@dataclass
class _Body:
    """Where a page's prose lines sit: the left margin, right edge and centre."""

    left: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def _body(items: list[_Line | _Grid]) -> _Body | None:
    every = [item for item in items if isinstance(item, _Line)]
    lines = [item for item in every if len(item.pieces) == 1] or every
    if not lines:
        return None
    return _Body(min(line.x0 for line in lines), max(line.x1 for line in lines))


def _joins(prev: _Line, nxt: _Line, body_prev: _Body, body_next: _Body, same_page: bool) -> bool:
    """Whether ``nxt`` continues the paragraph ``prev`` wrapped out of."""
    if len(prev.pieces) > 1 or len(nxt.pieces) > 1:
        return False
    text = prev.pieces[0].text
    if text.endswith(_SENTENCE_END):
        return False
    h = max(prev.height, nxt.height)
    if same_page and nxt.top - prev.bottom > 0.8 * h:
        return False  # space above: a new paragraph
    if abs(prev.height - nxt.height) > 0.25 * h:
        return False  # another font size: a heading and its text
    full = prev.x1 >= body_prev.right - 1.5 * h
    if full and prev.x0 <= body_prev.left + 2.6 * h and nxt.x0 <= body_next.left + 0.6 * h:
        return True
    # A wrapped centred title: both lines centred, the first nearly as wide as the body.
    centred = (abs((prev.x0 + prev.x1) / 2 - body_prev.centre) < h
               and abs((nxt.x0 + nxt.x1) / 2 - body_next.centre) < h)
    return centred and prev.x1 - prev.x0 >= 0.85 * (body_prev.right - body_prev.left) and nxt.x0 > prev.x0


# --------------------------------------------------------------------------- assembly


def assemble(pages: Sequence[Page], *, where: str = "第{page}页") -> Assembled:
    """The text, tables and anchors of ``pages`` (see the module docstring).

    Parameters
    ----------
    pages : sequence of Page
        In document order.
    where : str
        How an anchor names its page; ``{page}`` is the page number.

    Returns
    -------
    Assembled

    Examples
    --------
    >>> runs = [Run(c, 10 + 10 * i, 10, 20 + 10 * i, 20) for i, c in enumerate("预算执行率为")]
    >>> runs += [Run(c, 10 + 10 * i, 24, 20 + 10 * i, 34) for i, c in enumerate("84.61%。")]
    >>> rules = [Rule(True, y, 0, 100) for y in (50, 65, 80)]
    >>> rules += [Rule(False, x, 50, 80) for x in (0, 50, 100)]
    >>> runs += [Run("甲", 5, 52, 15, 62), Run("1", 55, 52, 60, 62), Run("乙", 5, 67, 15, 77)]
    >>> out = assemble([Page(1, 200, 200, tuple(runs), tuple(rules))])
    >>> out.text.split("\\n")
    ['预算执行率为84.61%。', '甲\\t1', '乙']
    >>> out.anchors[0].where, [c.text for c in out.tables[0].rows[0]]
    ('第1页', ['甲', '1'])
    """
    items_by_page = [_page_items(page) for page in pages]
    bodies = [_body(items) for items in items_by_page]
    lines: list[str] = []
    anchors: list[Anchor] = []
    tables: list[Table] = []
    position = 0
    ruled = 0
    # The paragraph being built: its pieces, and the last line (to test the next join).
    para: list[_Piece] = []
    last: tuple[_Line, _Body, int] | None = None
    gap_rows: list[tuple[Cell, ...]] = []  # rows of a table made of wide-gap lines
    gap_span: list[int] = []
    # The ruled table being written: its rows, span and column borders. A table that
    # goes on with the same columns (over a page break, or split by an empty line) is
    # the same table: Word repeats no header and starts no new table there.
    ruled_rows: list[tuple[Cell, ...]] = []
    ruled_span: list[int] = []
    ruled_xs: list[float] = []

    def anchor(piece: _Piece, start: int) -> None:
        if piece.text:
            box = (round(piece.x0, 1), round(piece.top, 1), round(piece.x1, 1), round(piece.bottom, 1))
            anchors.append(Anchor((start, start + len(piece.text)), where.format(page=piece.page),
                                  piece.confidence, box))

    def emit_line(text: str) -> int:
        nonlocal position
        start = position
        lines.append(text)
        position += len(text) + 1
        return start

    def flush_para() -> None:
        nonlocal para
        if not para:
            return
        text = ""
        starts = []
        for piece in para:
            if text and _LATIN.match(text[-1]) and _LATIN.match(piece.text[0]):
                text += " "
            starts.append(len(text))
            text += piece.text
        start = emit_line(text)
        for piece, offset in zip(para, starts):
            anchor(piece, start + offset)
        para = []

    def flush_gap_rows() -> None:
        nonlocal gap_rows, gap_span
        if gap_rows:
            tables.append(Table(tuple(gap_rows), (gap_span[0], gap_span[1])))
        gap_rows, gap_span = [], []

    def flush_ruled() -> None:
        nonlocal ruled_rows, ruled_span, ruled_xs, ruled
        if ruled_rows:
            tables.append(Table(tuple(ruled_rows), (ruled_span[0], ruled_span[1])))
            ruled += 1
        ruled_rows, ruled_span, ruled_xs = [], [], []

    def emit_row(cells: Sequence[_Piece | None]) -> tuple[tuple[Cell, ...], int, int]:
        texts = [c.text if c is not None else "" for c in cells]
        while texts and not texts[-1]:
            texts.pop()
        start = emit_line("\t".join(texts))
        out, offset = [], start
        for cell, text in zip(cells, texts):
            out.append(Cell(text, (offset, offset + len(text))))
            if cell is not None:
                anchor(cell, offset)
            offset += len(text) + 1
        return tuple(out), start, start + len("\t".join(texts))

    previous_bottom: float | None = None
    for page_items, body in zip(items_by_page, bodies):
        previous_bottom = None
        for item in page_items:
            if isinstance(item, _Grid):
                flush_para()
                flush_gap_rows()
                last = None
                tol = 2 * pages[0].tolerance
                same = len(item.xs) == len(ruled_xs) and all(abs(a - b) <= tol for a, b in zip(item.xs, ruled_xs))
                if not same:
                    flush_ruled()
                    ruled_span = [position, position]
                    ruled_xs = item.xs
                for row in item.rows:
                    if any(c is not None and c.text for c in row):
                        cells, _, end = emit_row(row)
                        ruled_rows.append(cells)
                        ruled_span[1] = end
                previous_bottom = item.bottom
                continue
            flush_ruled()
            assert body is not None
            if len(item.pieces) > 1:  # a line of cells set apart by wide gaps
                flush_para()
                last = None
                cells, start, end = emit_row(item.pieces)
                if not gap_rows:
                    gap_span = [start, end]
                gap_rows.append(cells)
                gap_span[1] = end
                previous_bottom = item.bottom
                continue
            flush_gap_rows()
            if last is not None and _joins(last[0], item, last[1], body, last[2] == item.page):
                para.append(item.pieces[0])
            else:
                flush_para()
                if (previous_bottom is not None and item.top - previous_bottom > 0.8 * item.height
                        and lines and lines[-1]):
                    emit_line("")  # space above: a paragraph break, as a blank line
                para = [item.pieces[0]]
            last = (item, body, item.page)
            previous_bottom = item.bottom
    flush_para()
    flush_gap_rows()
    flush_ruled()
    text = "\n".join(lines)
    anchors.sort(key=lambda a: a.span[0])
    return Assembled(text, tuple(sorted(tables, key=lambda t: t.span[0])), tuple(anchors), ruled)
