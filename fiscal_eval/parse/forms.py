"""Helpers for form tables (自评表): what a cell holds, a table's money unit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from fiscal_eval.model import Cell, Table
from fiscal_eval.parse.numbers import decimals_of, fold, parse_number, parse_percent

__all__ = ["CellValue", "read_cell", "split_max", "table_unit", "row_label"]

_PLAIN = re.compile(
    r"^\s*(?P<num>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\. ?\d+)?)\s*(?P<pct>%)?\s*(?P<unit>亿元|万元|千元|元)?\s*$"
)
_MAX_IN_LABEL = re.compile(r"\s*\(\s*(?P<num>\d+(?:\.\d+)?)\s*分?\s*\)\s*$")
_UNIT_DECL = re.compile(r"(?:单位\s*:?\s*|\(|\[)(亿元|万元|千元|元)")


@dataclass(frozen=True)
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


def table_unit(table: Table, before: str) -> str:
    """The money unit a table declares ("(万元)", "单位：万元") in its first rows or the
    line before it; 元 if it declares none."""
    head = " ".join(c.text for row in table.rows[:3] for c in row)
    for source in (fold(head), fold(before)):
        m = _UNIT_DECL.search(source)
        if m:
            return m.group(1)
    return "元"


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
