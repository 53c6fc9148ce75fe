"""Tables written for a spreadsheet: Chinese headers, numbers as numbers with number
formats (amounts in 万元 ``#,##0.00``, rates as fractions shown ``0.00%``), codes as
their Chinese words, and document text kept text.

An analyst who exports a selection sums and sorts it in Excel: "71.00" as text sums to
nothing. :func:`frame_sheet` and :func:`facts_sheet` turn views' frames and key figures
into :class:`Sheet` rows of typed cells; :func:`write_xlsx` writes them with their
formats (openpyxl), :func:`write_csv` as UTF-8 with a BOM (Excel then reads the Chinese).

Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first: document
text is untrusted) is written as text with a leading ``'`` in CSV and as a string cell in
a workbook.

>>> import polars as pl
>>> s = frame_sheet(pl.DataFrame({"budget_yuan": [710000.0], "execution_rate_budget": [0.846], "kind": ["project"]}))
>>> s.header, s.rows
(('预算（万元）', '执行率（支出÷预算）', '报告类型'), (((71.0, '#,##0.00'), (0.846, '0.00%'), ('项目', None)),))
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from fiscal_eval.present.display import YUAN_PER_WAN
from fiscal_eval.present.labels import ITEM, NO, VALUE, VALUE_LABELS, YES, label, value_label

__all__ = ["FORMATS", "PERCENT_COLUMNS", "Cell", "Sheet", "frame_sheet", "facts_sheet", "side_by_side",
           "write_xlsx", "write_csv"]

#: Number formats by kind of figure.
FORMATS: dict[str, str] = {"wan": "#,##0.00", "percent": "0.00%", "points": "0.00", "int": "0", "number": "0.####"}
#: Columns holding rates (fractions).
PERCENT_COLUMNS = frozenset({"arrival_rate", "execution_rate_budget", "execution_rate_available",
                             "execution_rate_reported", "template_share", "specificity", "pefa_values"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")

Cell = tuple[Any, str | None]  # a value and its number format (None: as it is)


@dataclass(frozen=True)
class Sheet:
    """A header and rows of typed cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _cell(column: str, value: Any) -> Cell:
    if value is None:
        return None, None
    if isinstance(value, bool):
        return (YES if value else NO), None
    if isinstance(value, list):
        return "、".join(str(_cell(column, v)[0]) if not isinstance(v, float) or column not in PERCENT_COLUMNS
                        else f"{v:.2%}" for v in value), None
    if isinstance(value, (int, float)):
        if column.endswith("_yuan"):
            return value / YUAN_PER_WAN, FORMATS["wan"]
        if column in PERCENT_COLUMNS:
            return float(value), FORMATS["percent"]
        if isinstance(value, int):
            return value, FORMATS["int"]
        return float(value), FORMATS["points"] if column in ("score", "points", "max_points") else FORMATS["number"]
    if column in VALUE_LABELS and isinstance(value, str):
        return value_label(column, value), None
    return str(value), None


def frame_sheet(frame: pl.DataFrame) -> Sheet:
    """A view's frame as a sheet: columns labelled, values typed (see module doc)."""
    columns = frame.columns
    rows = tuple(tuple(_cell(c, v) for c, v in zip(columns, row)) for row in frame.iter_rows())
    return Sheet(tuple(label(c) for c in columns), rows)


def _fact_cell(value: Any, how: str) -> Cell:
    if value is None:
        return None, None
    if how == "wan":
        return value / YUAN_PER_WAN, FORMATS["wan"]
    if how in ("percent", "points", "int"):
        return value, FORMATS[how]
    return value, None


def facts_sheet(facts: Any) -> Sheet:
    """A :class:`fiscal_eval.present.views.Facts` as 项目 / 数值 rows, each value typed."""
    return Sheet((ITEM, VALUE), tuple((( label(k), None), _fact_cell(v, how)) for k, v, how in facts.items()))


def side_by_side(named: Mapping[str, Any]) -> Sheet:
    """Several :class:`~fiscal_eval.present.views.Facts` side by side (项目 | first | second …)."""
    columns = [f.items() for f in named.values()]
    rows = []
    for i, (key, _, _) in enumerate(columns[0]):
        rows.append(((label(key), None), *(_fact_cell(items[i][1], items[i][2]) for items in columns)))
    return Sheet((ITEM, *named), tuple(rows))


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(path: str | Path, sheet: Sheet) -> Path:
    """The sheet as CSV (UTF-8 with BOM): numbers as numbers, a rate as ``84.60%`` (read
    as a number by a spreadsheet), formula-like text quoted with ``'``."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([_safe(h) for h in sheet.header])  # headers name agencies too: document text
        for row in sheet.rows:
            out.writerow([f"{v:.2%}" if fmt == FORMATS["percent"] and v is not None
                          else ("" if v is None else _safe(v)) for v, fmt in row])
    return path


def write_xlsx(path: str | Path, sheets: Mapping[str, Sheet], note: str | None = None) -> Path:
    """A workbook, a sheet each (a 说明 sheet first when ``note``): numbers stored as
    numbers with their formats, text as text (never a formula), columns sized to fit."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # pyright: ignore[reportArgumentType]  # a new Workbook has one sheet
    if note:
        book.create_sheet("说明").append([note])
    for name, sheet in sheets.items():
        ws = book.create_sheet(name[:31])
        ws.append(list(sheet.header))
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # a header naming an agency "=…": text, as in the rows
                cell.data_type = "s"
        for row in sheet.rows:
            ws.append([v for v, _ in row])
            for cell, (_, fmt) in zip(ws[ws.max_row], row):
                if fmt is not None:
                    cell.number_format = fmt
                if cell.data_type == "f":  # document text starting with "=": keep it text
                    cell.data_type = "s"
        for i, column in enumerate(_widths(sheet), start=1):
            ws.column_dimensions[get_column_letter(i)].width = column
        ws.freeze_panes = "A2"
    path = Path(path)
    book.save(path)
    return path


def _widths(sheet: Sheet) -> Iterable[float]:
    """Column widths: the longest value's, Chinese characters counted double, 8 to 60."""
    def width(value: Any) -> int:
        text = "" if value is None else str(value)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:200])

    cols: Sequence[Sequence[Any]] = list(zip(sheet.header, *[[v for v, _ in row] for row in sheet.rows]))
    return [min(60, max(8, max(width(v) for v in col) + 2)) for col in cols]
