"""Helpers for form tables (自评表): what a cell holds, a table's money unit."""

from __future__ import annotations

import re
from functools import lru_cache

from fiscal_eval.model import Cell, Table
from fiscal_eval.parse.numbers import decimals_of, fold, parse_number, parse_percent
from fiscal_eval.parse.vocab import vocab
from fiscal_eval.util.records import record

__all__ = ["CellValue", "read_cell", "split_max", "table_unit", "row_label", "column_measure",
           "FundGrid", "fund_grid", "GridRow", "grid_row", "declared_unit", "FUND_TOTAL", "MAX_POINTS_HEADER"]

# (a "?" after the number: a character the page's encoding lost, 4,764,453.11?)
_PLAIN = re.compile(
    r"^\s*(?P<num>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\. ?\d+)?)\s*(?P<pct>%)?\s*(?P<unit>亿元|万元|千元|元|万)?\s*\??\s*$"
)
_RATE_POINTS = re.compile(r"\s*(?:预算)?执行率\s*(?:权重|得分|分值)")
_MAX_IN_LABEL = re.compile(r"\s*\(\s*(?P<num>\d+(?:\.\d+)?)\s*分?\s*\)\s*$")
# A unit per head, area or item ("补助标准(元/亩)", "(元/生)", "(元/人·月)"): a standard's,
# not money's. ("单位:万元/%" is two units, the money's and the rates': money in 万元.)
_PER = r"\s*(?:[/／](?!\s*[%％])|每)"
_UNIT_DECL = re.compile(rf"(?:单位\s*:?\s*|\(|\[)(亿元|万元|千元|元)(?!{_PER})")
_PER_UNIT = re.compile(rf"\(\s*(?:亿元|万元|千元|元){_PER}")


@record
class CellValue:
    """A numeric cell: the value (a fraction for percents), its precision and unit."""

    value: float
    decimals: int
    percent: bool
    unit: str | None


def read_cell(cell: Cell) -> CellValue | None:
    """The number a cell holds, or None if it holds words.

    >>> read_cell(Cell("100. 60%", (0, 8)))
    CellValue(value=1.006, decimals=2, percent=True, unit=None)
    >>> read_cell(Cell("2,700,000", (0, 9))).value, read_cell(Cell("预算安排", (0, 4)))
    (2700000.0, None)
    """
    return _read_text(cell.text)


@lru_cache(maxsize=16384)
def _read_text(text: str) -> CellValue | None:
    # Forms repeat the same cell texts (numbers, "—", row labels) across rows, tables
    # and three extractors: memoised, each distinct text is read once per process.
    m = _PLAIN.match(fold(text))
    if not m:
        return None
    num = m.group("num")
    if m.group("pct"):
        return CellValue(parse_percent(num), decimals_of(num), True, None)
    return CellValue(parse_number(num), decimals_of(num), False, m.group("unit"))


@lru_cache(maxsize=8192)  # forms repeat their level cells row after row, and reports each other's
def split_max(label: str) -> tuple[str, float | None]:
    """A label with its points in parentheses split: "项目论证 (1 分)" -> ("项目论证", 1.0).

    >>> split_max("项目论证 (1 分)"), split_max("绩效目标(20)"), split_max("数量")
    (('项目论证', 1.0), ('绩效目标', 20.0), ('数量', None))
    """
    f = fold(label)
    m = _MAX_IN_LABEL.search(f)
    if not m:
        return label.strip(), None
    return label[: m.start()].strip(), float(m.group("num"))


def declared_unit(text: str) -> str | None:
    """The money unit ``text`` declares ("(万元)", "单位：万元"), or None."""
    m = _UNIT_DECL.search(fold(text))
    return m.group(1) if m else None


def per_unit(text: str) -> bool:
    """Whether ``text`` declares a unit per head, area or item ("年度预算资金(元/生)"): the
    figures under it are standards, not amounts."""
    return _PER_UNIT.search(fold(text)) is not None


def table_unit(table: Table, before: str) -> str:
    """The money unit a table declares ("(万元)", "单位：万元") in its first rows or the
    line before it; 元 if it declares none."""
    head = " ".join(c.text for row in table.rows[:3] for c in row)
    return declared_unit(head) or declared_unit(before) or "元"


def row_label(row: tuple[Cell, ...]) -> tuple[int, str] | None:
    """The first cell of a row that holds words (not a number, not a row number)."""
    return _row_label(tuple(c.text for c in row))


@lru_cache(maxsize=8192)
def _row_label(texts: tuple[str, ...]) -> tuple[int, str] | None:
    for i, text in enumerate(texts):
        t = text.strip()
        if t and _read_text(text) is None and not re.fullmatch(r"[\d.()]+", fold(t)):
            return i, t
    return None


# ---------------------------------------------------------------- the money grid of a 自评表

_MONEY = ("budget_init", "budget_adj", "available", "spent")
# Numbers a row holds under the grid (vocab.toml [fund_columns]); the percents among them.
_NUMERIC = _MONEY + ("rate", "points", "row_no", "budget_net", "money_other", "arrival_rate")
_RATES = ("rate", "arrival_rate")
_UNIT_IN_HEADER = re.compile(r"\((?:亿元|万元|千元|元)\)")
_BLANK = re.compile(r"^[\s—\-–/／|]*$")
# The money grid's total row label (年度资金总额: …), folded, with or without its colon.
FUND_TOTAL = re.compile(r"(?:年度(?:财政)?[ \t]*资金总额|资金总额|总金额|总额|合计|总计)(?:\((?:亿元|万元|千元|元)\))?[:：]?")
# A [fund_columns] points header naming the maximum (分值 10), not the points earned (得分).
MAX_POINTS_HEADER = re.compile(r"^(?:分值|权重|满分)")


@lru_cache(maxsize=8192)
def column_measure(text: str) -> str | None:
    """What a 自评表 money-grid header cell names (vocab.toml [fund_columns]), or None.

    >>> column_measure("全年预算数(A)"), column_measure("执行率(B/A)"), column_measure("项目名称")
    ('budget_adj', 'rate', None)
    """
    t = re.sub(r"\s+", "", fold(text))
    for measure, rx in vocab().fund_columns:
        if rx.match(t):
            return measure
    return None


@record
class FundGrid:
    """A money-grid header row: the measure each cell names, and where its data begins
    (after its label cells, and after a group cell such as "年度预算数(万元)")."""

    measures: tuple[str | None, ...]
    start: int


@lru_cache(maxsize=4096)  # asked of every row of every table, by two extractors
def fund_grid(texts: tuple[str, ...]) -> FundGrid | None:
    """The money grid a header row declares (two money columns at least), or None."""
    # (a cell "执行率权重" / "执行率得分" holds the execution item's points, not the rate;
    # flattened headers are read word by word in flat_forms, where 执行率 | 得分 run together)
    measures = [None if _RATE_POINTS.match(fold(t)) else column_measure(t) for t in texts]
    if sum(m in _MONEY for m in measures) < 2:
        return None
    start = next(i for i, m in enumerate(measures) if m is not None)
    # "年度预算数(万元) | 年初预算 | 调整后预算数 …": a group cell over the budget columns.
    if (_UNIT_IN_HEADER.search(fold(texts[start])) and start + 1 < len(measures)
            and measures[start + 1] in ("budget_init", "budget_adj")):
        measures[start] = None
        start += 1
    return FundGrid(tuple(measures), start)


@record
class GridRow:
    """One row's values under a money grid: cell index and value by measure, and whether
    the row's own 执行率 confirms the mapping (``checked``) or contradicts it."""

    cells: dict[str, tuple[int, CellValue]]
    checked: bool
    conflict: bool
    complete: bool = True  # every numeric column got a number

    @property
    def sound(self) -> bool:
        """Whether the mapping may be trusted: its rate agrees, or it has no rate and
        a number in every numeric column."""
        return self.checked or (not self.conflict and self.complete)


def _rate_agrees(rate: CellValue, spent: float, budgets: list[float]) -> bool:
    unit = 10.0 ** -(rate.decimals + 2)  # one unit of the rate's last stated digit
    return any(b and abs(spent / b - rate.value) <= unit + 1e-12 for b in budgets)


def _map(grid: FundGrid, texts: tuple[str, ...], pairs: list[tuple[int, int]]) -> GridRow | None:
    """The row read through ``pairs`` (header column, row cell); None when a numeric
    column gets words (the mapping is shifted) or no budget and spent are read."""
    cells: dict[str, tuple[int, CellValue]] = {}
    complete = True
    for col, i in pairs:
        measure = grid.measures[col]
        if measure not in _NUMERIC:
            continue
        if i >= len(texts) or _BLANK.match(texts[i]):
            complete = False
            continue
        val = _read_text(texts[i])
        if measure in _RATES and val is not None and not val.percent and val.decimals >= 2 and val.value <= 2:
            # "0.958" under 执行率: the rate printed as a fraction (95.8 %); the row's
            # arithmetic below confirms it or the mapping is not sound.
            val = CellValue(val.value, val.decimals - 2, True, None)
        elif measure in _RATES and val is not None and not val.percent and not val.unit and 2 < val.value <= 300:
            # "96.85" under 执行率: the percent without its sign; confirmed the same way
            val = CellValue(val.value / 100, val.decimals, True, None)
        if val is None or val.percent != (measure in _RATES):
            return None
        cells.setdefault(measure, (i, val))
    # The net budget (扣除统筹整合资金后) is what the transfer form's rates divide by.
    budgets = [cells[m][1].value for m in ("budget_init", "budget_adj", "budget_net") if m in cells]
    if not budgets or "spent" not in cells:
        return None
    rate = cells.get("rate")
    complete = complete and len(pairs) >= sum(m in _NUMERIC for m in grid.measures[grid.start:])
    # 预算到位 (D/C) states what arrived over the budget: a row it contradicts is shifted.
    arrival = cells.get("arrival_rate")
    consistent = arrival is None or ("available" in cells
                                  and _rate_agrees(arrival[1], cells["available"][1].value, budgets))
    # 扣除统筹整合资金后预算金额 (C) is 全年预算数 (A) less 统筹整合资金数 (B, blank for none).
    if "budget_net" in cells:
        net = cells.get("budget_adj", (0, None))[1]
        moved = cells["money_other"][1].value if "money_other" in cells else 0.0
        consistent = consistent and net is not None and abs(net.value - moved - cells["budget_net"][1].value) <= 1e-6
    if rate is None:
        return GridRow(cells, False, not consistent, complete)
    ok = _rate_agrees(rate[1], cells["spent"][1].value, budgets) and consistent
    return GridRow(cells, ok, not ok, complete)


def grid_row(grid: FundGrid, texts: tuple[str, ...], label_at: int) -> GridRow | None:
    """A data row's values under ``grid``, mapped by position only when that is sound.

    The row's cells are laid against the header's columns three ways: cell for cell;
    from the cell after the row's label against the header's first data column (a
    header without the label cell, or with a merged one, shifts the grid by one); the
    same after empty cells. A mapping that puts words under a numeric column is out.
    One mapping whose 执行率 agrees with 执行数 ÷ 预算数 wins; with no rate, the
    mappings must agree. Else None: the row does not say which number is which.

    >>> g = fund_grid(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"))
    >>> r = grid_row(g, ("年度资金总额", "329.77", "329.77", "338.31", "10", "102.59%"), 0)
    >>> r.cells["spent"][1].value, r.checked
    (338.31, True)
    """
    width = len(grid.measures)
    data = [i for i in range(label_at + 1, len(texts))]
    filled = [i for i in data if not _BLANK.match(texts[i])]
    layouts = [
        [(c, c) for c in range(grid.start, width) if c > label_at],
        list(zip(range(grid.start, width), data)),
    ]
    if filled and filled[0] != label_at + 1:
        layouts.append(list(zip(range(grid.start, width), range(filled[0], len(texts)))))
    rows = [r for r in (_map(grid, texts, pairs) for pairs in layouts) if r is not None]
    checked = [r for r in rows if r.checked]
    # No rate to check by: only a row with a number in every numeric column is read.
    pick = checked or [r for r in rows if not r.conflict and r.complete]
    money = {tuple((m, r.cells[m][1].value) for m in _MONEY if m in r.cells) for r in pick}
    if len(money) == 1:
        return pick[0]
    if not pick and rows:
        return rows[0]  # read, but not confirmed (see GridRow.sound): the caller abstains
    return None
