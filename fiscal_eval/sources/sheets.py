"""Spreadsheets (XLSX, XLS, ODS, WPS .et) through python-calamine: every visible sheet, as
the form it is.

A sheet becomes what the HTML reader makes of a page: the lines above its first row of two
or more cells (the form's title, "（2022年度）", "单位：万元") and below its last (the
signatures) are prose lines; the rows between are one table, one line a row, cells joined
by tabs, each cell in its own column. A merged range's value sits in its first cell and
the cells it covers are empty, as a ``colspan``/``rowspan`` is in HTML, so a column index
means one column throughout: the MoF 项目支出绩效自评表's 年初预算数 / 全年预算数 /
全年执行数 / 分值 / 执行率 / 得分 header stands over its figures and the parser reads them
by column.

Numbers are written as a person reads them in the sheet, without binary float noise
(387664.62 stays 387664.62, 0.1+0.2 is 0.3), integers without ".0". A percentage is
written with its % sign: in an XLSX by the cell's number format; in any sheet when a
fraction (at most 2) stands under a header naming a rate (…率) that does not say it is
in percent already ("执行率(%)"): Excel keeps 99.97% as 0.9997.

Anchors: ``自评表!C7`` (sheet and cell, the first cell of a merged range).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from decimal import Decimal, InvalidOperation

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources.layout import TextBuilder, collapse, column_letters
from fiscal_eval.sources.limits import LIMITS, Deadline, read_member

__all__ = ["read_sheets", "format_number"]

_RATE_HEADER = re.compile(r"率")
_PERCENT_HEADER = re.compile(r"%|％|百分")
_FRACTION_MAX = 2.0


def format_number(value: float, percent: bool = False) -> str:
    """A sheet number as written: 15 significant digits at most (what Excel shows), no
    exponent, no trailing zeros; as a percentage when ``percent``.

    >>> format_number(387664.62), format_number(0.1 + 0.2), format_number(5.0), format_number(1e20)
    ('387664.62', '0.3', '5', '100000000000000000000')
    >>> format_number(0.9997, percent=True), format_number(1.0, percent=True)
    ('99.97%', '100%')
    """
    if math.isnan(value) or math.isinf(value):
        return ""
    try:
        exact = Decimal(f"{value:.15g}")
    except InvalidOperation:
        return ""
    if percent:
        exact *= 100
    text = format(exact.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text + ("%" if percent else "")


def _cell_text(value: object, percent: bool) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return format_number(float(value), percent)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return collapse(str(value))


def _quoted(name: str) -> str:
    """A sheet name as a reference writes it: quoted when it has spaces or punctuation."""
    return name if re.fullmatch(r"[\w\u4e00-\u9fff]+", name) else "'" + name.replace("'", "''") + "'"


# --------------------------------------------------------------------------- XLSX extras
# calamine gives values, not number formats or a sheet's extent before loading it. For an
# XLSX both come cheaply from the package: the cells styled as percentages, and the extent
# a sheet would load (two cells at opposite corners would make calamine allocate the whole
# grid between them).

_XLSX_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\s([^>]*)>")
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_ATTR_S = re.compile(rb'\bs="(\d+)"')
_BUILTIN_PERCENT = {9, 10}


def _column_index(letters: bytes) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ch - 64)
    return index - 1


def _xml_root(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def _xlsx_extras(data: bytes, source: str) -> dict[str, set[tuple[int, int]]]:
    """Sheet name -> the (row, column) of its percent-formatted cells; raises when a sheet
    spans more cells than :data:`LIMITS.sheet_cells` or the package unpacks too far."""
    out: dict[str, set[tuple[int, int]]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError(source, f"damaged workbook: not a readable ZIP package ({exc})") from None
    with archive:
        infos = {info.filename: info for info in archive.infolist()}
        total = sum(info.file_size for info in infos.values())
        if total > LIMITS.unpacked_bytes:
            raise ReadError(source, f"workbook unpacks to {total:,} bytes, over the limit of {LIMITS.unpacked_bytes:,}")
        if "xl/workbook.xml" not in infos:
            return out  # .xlsb: binary parts; calamine alone
        try:
            percent_styles = _percent_styles(archive, infos, source)
            sheets = _sheet_parts(archive, infos, source)
        except ReadError:
            raise
        except Exception:  # NOTE: extras are a refinement; calamine reports real damage
            return out
        for name, part in sheets.items():
            info = infos.get(part)
            if info is None:
                continue
            xml = read_member(archive, info, source, LIMITS.xml_part_bytes)
            rows: list[int] = []
            columns: list[int] = []
            percent: set[tuple[int, int]] = set()
            for match in _CELL_TAG.finditer(xml):
                attrs = match.group(1)
                ref = _ATTR_R.search(attrs)
                if ref is None:
                    continue
                row, column = int(ref.group(2)) - 1, _column_index(ref.group(1))
                rows.append(row)
                columns.append(column)
                style = _ATTR_S.search(attrs)
                if style is not None and int(style.group(1)) in percent_styles:
                    percent.add((row, column))
            if rows:
                cells = (max(rows) - min(rows) + 1) * (max(columns) - min(columns) + 1)
                if cells > LIMITS.sheet_cells:
                    raise ReadError(
                        source, f"sheet {name} spans {cells:,} cells, over the limit of {LIMITS.sheet_cells:,}"
                    )
            out[name] = percent
    return out


def _percent_styles(archive: zipfile.ZipFile, infos: dict, source: str) -> set[int]:
    info = infos.get("xl/styles.xml")
    if info is None:
        return set()
    root = _xml_root(read_member(archive, info, source, LIMITS.xml_part_bytes))
    custom = {
        int(fmt.get("numFmtId", "-1"))
        for fmt in root.iterfind("m:numFmts/m:numFmt", _XLSX_NS)
        if "%" in re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
    }
    percent_ids = _BUILTIN_PERCENT | custom
    return {
        i
        for i, xf in enumerate(root.iterfind("m:cellXfs/m:xf", _XLSX_NS))
        if int(xf.get("numFmtId", "0")) in percent_ids
    }


def _sheet_parts(archive: zipfile.ZipFile, infos: dict, source: str) -> dict[str, str]:
    """Sheet name -> its part's path in the package."""
    workbook = _xml_root(read_member(archive, infos["xl/workbook.xml"], source, LIMITS.xml_part_bytes))
    rels_info = infos.get("xl/_rels/workbook.xml.rels")
    if rels_info is None:
        return {}
    rels = _xml_root(read_member(archive, rels_info, source, LIMITS.xml_part_bytes))
    targets = {}
    for rel in rels.iterfind("rel:Relationship", _XLSX_NS):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    rid = f"{{{_XLSX_NS['r']}}}id"
    return {
        sheet.get("name", ""): targets.get(sheet.get(rid), "")
        for sheet in workbook.iterfind("m:sheets/m:sheet", _XLSX_NS)
    }


# --------------------------------------------------------------------------- rendering


def _rate_columns(grid: list[list[str | object]]) -> dict[tuple[int, int], bool]:
    """(row, column) of numeric cells that are fractions under a rate header (see the
    module docstring); the header is the nearest text cell above, numbers skipped."""
    out: dict[tuple[int, int], bool] = {}
    width = max((len(r) for r in grid), default=0)
    for column in range(width):
        header = ""
        for r, row in enumerate(grid):
            value = row[column] if column < len(row) else ""
            if isinstance(value, str):
                if value.strip():
                    header = value
                continue
            if (isinstance(value, float) and not isinstance(value, bool) and 0 < value <= _FRACTION_MAX
                    and _RATE_HEADER.search(header) and not _PERCENT_HEADER.search(header)):
                out[(r, column)] = True
    return out


def _render_sheet(out: TextBuilder, name: str, sheet, percent_cells: set[tuple[int, int]],
                  deadline: Deadline) -> int:
    """One sheet into ``out``; returns the cells it rendered."""
    if sheet.start is None:
        return 0
    top, left = sheet.start
    grid = sheet.to_python(skip_empty_area=True)
    rates = _rate_columns(grid)
    rows: list[tuple[int, list[tuple[int, str]]]] = []
    cells = 0
    for r, values in enumerate(grid):
        if r % 256 == 0:
            deadline.check()
        texts = []
        for c, value in enumerate(values):
            if value == "" or value is None:
                continue
            percent = (top + r, left + c) in percent_cells or (r, c) in rates
            text = _cell_text(value, percent)
            if text:
                texts.append((c, text))
        cells += len(values)
        if texts:
            rows.append((r, texts))
    if not rows:
        return cells
    sheet = _quoted(name)
    letters = {c: column_letters(left + c) for _, texts in rows for c, _ in texts}
    table_rows = [i for i, (_, texts) in enumerate(rows) if len(texts) >= 2]
    first, last = (table_rows[0], table_rows[-1]) if table_rows else (len(rows), len(rows) - 1)
    for i, (r, texts) in enumerate(rows):
        if first <= i <= last:
            line: list[tuple[str, str]] = [("", "")] * (texts[-1][0] + 1)
            for c, text in texts:
                line[c] = (text, f"{sheet}!{letters[c]}{top + r + 1}")
            out.row(line)
        else:
            out.end_table()
            c, text = texts[0]
            out.line(" ".join(t for _, t in texts), f"{sheet}!{letters[c]}{top + r + 1}")
    out.end_table()
    out.line("")
    return cells


def read_sheets(data: bytes, source: str = "<bytes>", *, format: str = "xlsx") -> Document:
    """Read a workbook (XLSX, XLS, ODS or WPS .et) from its bytes: every visible worksheet.

    Returns
    -------
    Document
        ``format`` as given; the text and tables as the module docstring describes; an
        anchor a cell; ``metadata["sheets"]`` the sheets read, and ``hidden_sheets`` the
        hidden ones left out (dropdown lists and lookups, not the report).

    Raises
    ------
    ReadError
        A damaged or password-protected workbook (calamine's reason named), a sheet over
        the cell ceiling, or over the time limit.
    """
    import python_calamine as calamine

    deadline = Deadline(source)
    percent = _xlsx_extras(data, source) if format == "xlsx" else {}
    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        raise ReadError(source, "password-protected workbook: cannot be read without its password") from None
    except Exception as exc:  # NOTE: calamine raises its own errors, and ValueError/OSError, on damage
        raise ReadError(source, f"damaged workbook: {type(exc).__name__}: {collapse(str(exc))[:200]}") from None
    out = TextBuilder()
    read: list[str] = []
    hidden: list[str] = []
    cells = 0
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                hidden.append(meta.name)
                continue
            try:
                sheet = workbook.get_sheet_by_name(meta.name)
            except Exception as exc:  # NOTE: as above: calamine's own errors on a damaged sheet
                raise ReadError(source, f"damaged workbook: sheet {meta.name}: {collapse(str(exc))[:200]}") from None
            if sheet.height * sheet.width + cells > LIMITS.sheet_cells:
                raise ReadError(source, f"workbook has more than {LIMITS.sheet_cells:,} cells (the limit)")
            cells += _render_sheet(out, meta.name, sheet, percent.get(meta.name, set()), deadline)
            read.append(meta.name)
    text, tables, anchors = out.build()
    metadata = {"sheets": "、".join(read)}
    if hidden:
        metadata["hidden_sheets"] = "、".join(hidden)
    return Document(
        source=source,
        text=text,
        format=format,
        tables=tables,
        sha256=hashlib.sha256(data).hexdigest(),
        metadata=metadata,
        anchors=anchors,
    )


def read_xlsx(data: bytes, source: str = "<bytes>") -> Document:
    """:func:`read_sheets` of an XLSX (or XLSM/XLSB) workbook."""
    return read_sheets(data, source, format="xlsx")


def read_xls(data: bytes, source: str = "<bytes>") -> Document:
    """:func:`read_sheets` of a legacy XLS (BIFF) workbook, WPS .et files included."""
    return read_sheets(data, source, format="xls")


def read_ods(data: bytes, source: str = "<bytes>") -> Document:
    """:func:`read_sheets` of an OpenDocument spreadsheet."""
    return read_sheets(data, source, format="ods")
