"""The indicator table (一级/二级/三级 指标, max points, points) from form tables and
from prose ("……根据评分标准该项得分6分")."""

from __future__ import annotations

import re
from functools import lru_cache

from fiscal_eval.model import Cell, Indicator
from fiscal_eval.parse.context import Context, clean_label
from fiscal_eval.parse.forms import (FUND_TOTAL, MAX_POINTS_HEADER, CellValue, fund_grid, grid_row, read_cell,
                                     row_label, split_max)
from fiscal_eval.parse.numbers import fold, parse_number
from fiscal_eval.parse.scores import Found
from fiscal_eval.parse.sections import MARKER_RE
from fiscal_eval.parse.vocab import vocab

__all__ = ["table_indicators", "prose_indicators", "EXECUTION_LEVEL1"]

_LEVELS = ("level1", "level2", "level3")
# The MoF 自评表 (财预〔2020〕10号) scores the budget execution rate (10 points) in its
# money grid, not in the indicator table (90 points): read, it is an indicator of its own.
EXECUTION_LEVEL1 = "预算执行率"
_EXECUTION_NAME = re.compile(r"预算执行|执行率")


def _header_map(row) -> dict[str, int] | None:
    """Column of each field in an indicator-table header row, or None if not a header."""
    texts = tuple(c.text for c in row)
    # Every level column's name (一级指标, 指标内容 …) holds 标 (tests/parse/test_vocab.py
    # keeps vocab.toml so), and a header names two levels and points: most rows are ruled
    # out without the column regexes.
    if len(texts) < 3 or not any("标" in t for t in texts):
        return None
    found = _header_of(texts)
    return dict(found) if found is not None else None


@lru_cache(maxsize=8192)
def _header_of(texts: tuple[str, ...]) -> tuple[tuple[str, int], ...] | None:
    cols = vocab().indicator_columns
    found: dict[str, int] = {}
    for i, text in enumerate(texts):
        t = fold(text).replace(" ", "")
        for name, rx in cols.items():
            if name not in found and rx.search(t):
                found[name] = i
                break
    levels = sum(1 for k in _LEVELS if k in found)
    if levels >= 2 and ("points" in found or "max_points" in found):
        return tuple(found.items())
    return None


def _points_cell(cell: Cell) -> CellValue | None:
    """A cell writing its points with 分 ("99.55分"): the number."""
    text = cell.text.strip()
    return read_cell(Cell(text[:-1], cell.span)) if text.endswith("分") else None


def table_indicators(ctx: Context) -> tuple[list[Indicator], Found | None]:
    """Indicators of every indicator table, and the table's total row (合计 | | 88) if any."""
    total_rx = vocab().score_total_row
    out: list[Indicator] = []
    total: Found | None = None
    for table in ctx.tables:
        header: dict[str, int] | None = None
        current: dict[str, str | None] = {k: None for k in _LEVELS}
        for row in table.rows:
            hm = _header_map(row)
            if hm is not None:
                header, current = hm, {k: None for k in _LEVELS}
                continue
            if header is None:
                continue
            cells = [c.text.strip() for c in row]
            first = next((c for c in cells if c), "")
            if total_rx.match(first.replace(" ", "")):
                # The total is the points column's value; else, in a table with no
                # maximum column, the first number (merged cells shift the row). With a
                # maximum (权重/分值) column, another number is the weights' sum
                # ("合计 | 100"), and an empty points cell states no score.
                pi = header.get("points")
                candidates = [row[pi]] if pi is not None and pi < len(row) else []
                if header.get("max_points") is None:
                    candidates += list(row[1:])
                for c in candidates:
                    val = read_cell(c) or _points_cell(c)
                    if val is not None and not val.percent:
                        total = Found(val.value, c.span, first, 3)
                        break
                ctx.cover((row[0].span[0], row[-1].span[1]))
                continue

            columns = header  # not None here: the closure below cannot see the check above

            def cell(name: str):
                i = columns.get(name)  # noqa: B023 - columns is fixed for this row
                return row[i] if i is not None and i < len(row) else None

            names: dict[str, str | None] = {}
            maxes: dict[str, float | None] = {}
            for k in _LEVELS:
                c = cell(k)
                text = c.text.strip() if c is not None else ""
                names[k], maxes[k] = split_max(text) if text else (None, None)
            # Fill down: an empty level cell continues the row above; a new upper level
            # starts afresh below it.
            for i, k in enumerate(_LEVELS):
                if names[k]:
                    current[k] = names[k]
                    for lower in _LEVELS[i + 1:]:
                        if not names[lower]:
                            current[lower] = None
                else:
                    names[k] = current[k]
            pts_cell, max_cell = cell("points"), cell("max_points")
            pts = read_cell(pts_cell) if pts_cell is not None else None
            mx = read_cell(max_cell) if max_cell is not None else None
            leaf = "level3" if names["level3"] else ("level2" if names["level2"] else "level1")
            max_points = mx.value if mx is not None else maxes[leaf]
            points = pts.value if pts is not None and not pts.percent else None
            if points is None and max_points is None:
                continue
            if not any(names.values()):
                continue
            span_cell = pts_cell if pts_cell is not None and pts is not None else (row[header.get(leaf, 0)] if header.get(leaf, 0) < len(row) else row[0])

            def text_of(name: str) -> str | None:
                c = cell(name)
                return c.text.strip() or None if c is not None else None

            out.append(Indicator(
                level1=names["level1"], level2=names["level2"], level3=names["level3"],
                max_points=max_points, points=points, span=span_cell.span,
                target=text_of("target"), actual=text_of("actual"), note=text_of("note"),
                origin="table",
            ))
            ctx.cover((row[0].span[0], row[-1].span[1]))
    if any(i.points is not None for i in out) and not any(
            _EXECUTION_NAME.search(n) for i in out for n in (i.level1, i.level2, i.level3) if n):
        # Only beside an indicator table that does not score the execution rate itself
        # (local forms put 预算执行率 among the indicators: counted once).
        execution = _execution_points(ctx)
        if execution is not None:
            out.append(execution)
    return out, total


def _execution_points(ctx: Context) -> Indicator | None:
    """The money grid's execution-rate points: 分值 and 得分 of its 年度资金总额 row
    ("年度资金总额 | 43.2 | 43.2 | 37.24 | 10 | 86% | 9"), read only where the row's cells
    are placed soundly under the header (see :func:`~fiscal_eval.parse.forms.grid_row`)."""
    for table in ctx.tables:
        grid = header = None
        for row in table.rows:
            texts = tuple(c.text for c in row)
            found = fund_grid(texts)
            if found is not None:
                grid, header = found, texts
                continue
            if grid is None or header is None:
                continue
            label = row_label(row)
            if label is None or not FUND_TOTAL.fullmatch(fold(label[1]).replace(" ", "")):
                continue
            read = grid_row(grid, texts, label[0])
            if read is None or not read.sound or "spent" not in read.cells:
                break
            # Where the row's cells sit against the header's columns (shifted or not).
            shift = read.cells["spent"][0] - grid.measures.index("spent")
            max_points = points = None
            span = None
            for col, measure in enumerate(grid.measures):
                at = col + shift
                if measure != "points" or not 0 <= at < len(row):
                    continue
                val = read_cell(row[at])
                if val is None or val.percent:
                    continue
                if MAX_POINTS_HEADER.match(fold(header[col]).replace(" ", "")):
                    max_points = max_points if max_points is not None else val.value
                elif points is None:
                    points, span = val.value, row[at].span
            if points is None and max_points is None:
                break
            return Indicator(level1=EXECUTION_LEVEL1, level2=None, level3=None, max_points=max_points,
                             points=points, span=span or row[label[0]].span, origin="table")
    return None


_LABEL_STOP = re.compile(r"[,;。:]")
_LABEL_MAX = 30


def _paragraph_label(ctx: Context, pos: int) -> str | None:
    """The label of a numbered paragraph holding ``pos`` ("（1）本部门在…" -> its first clause)."""
    lo, hi = ctx.line_bounds(pos)
    # The line's marker, read once a line (a line may hold many scored items).
    markers = ctx.__dict__.setdefault("_paragraph_markers", {})
    m = markers[lo] if lo in markers else markers.setdefault(lo, MARKER_RE.match(ctx.f, lo))
    if not m or m.lastgroup is None or m.end() > pos:
        return None
    if ctx.heading_at(lo) is not None:
        return None  # a heading line: its title is already in the chain
    # The first clause, at most _LABEL_MAX characters of it: only that far is looked at.
    end = min(hi, m.end() + _LABEL_MAX)
    stop = _LABEL_STOP.search(ctx.f, m.end(), end)
    return ctx.text[m.end():stop.start() if stop else end].strip() or None


@lru_cache(maxsize=4)
def _item_patterns(item: str, item_max: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The points and the maximum of an item written in prose, built from the vocabulary
    once (not at every report)."""
    # Possessive spaces (\s*+): a run of spaces is all taken or the match fails there,
    # where plain \s*…\s* tried every split of a long run (the same matches: neither
    # [为:] nor a digit is a space).
    return (re.compile(rf"(?:{item})\s*+[为:]?\s*+(?P<num>\d{{1,3}}(?:\.\d+)?)\s*分"),
            re.compile(rf"(?:{item_max})\s*+[为:]?\s*+(\d{{1,3}}(?:\.\d+)?)\s*分"))


def prose_indicators(ctx: Context) -> list[Indicator]:
    """Points written in prose, placed in the section tree: the sections under the chapter
    give level1/level2, the item's own heading or numbered paragraph gives level3."""
    v = vocab()
    rx, max_rx = _item_patterns(v.score_item.pattern, v.score_item_max.pattern)
    maxima: dict[tuple[int, int], re.Match[str] | None] = {}  # a sentence's stated maximum
    out: list[Indicator] = []
    for m in rx.finditer(ctx.f):
        start = m.start("num")
        if ctx.in_covered(start):
            continue
        chain = ctx.chain(start)
        names = [s.title for s in chain[1:]] if len(chain) > 1 else [s.title for s in chain]
        para = _paragraph_label(ctx, start)
        if para:
            names.append(para)
        names = [clean_label(n.rstrip(":。")) for n in names if n]
        level1 = names[0] if names else None
        level2 = names[1] if len(names) > 1 else None
        level3 = names[-1] if len(names) > 2 else None
        bounds = ctx.sentence_bounds(start)
        if bounds not in maxima:  # once a sentence: one may hold many items
            maxima[bounds] = max_rx.search(ctx.f[bounds[0]:bounds[1]])
        mx = maxima[bounds]
        out.append(Indicator(
            level1=level1, level2=level2, level3=level3,
            max_points=parse_number(mx.group(1)) if mx else None,
            points=parse_number(m.group("num")),
            span=(start, m.end("num")),
            origin="prose",
        ))
    return out
