"""Issue 15: a CSV export escapes header cells that a spreadsheet would run as a formula,
as it escapes data cells (headers name agencies: document text); so does an XLSX."""

from __future__ import annotations

import csv

import openpyxl

from fiscal_eval.present.sheets import Sheet, write_csv, write_xlsx

HEADER = ("项目", "=HYPERLINK(\"http://x\",\"点我\")", "@SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "+1", "-12.5", "某局")
ROW = tuple((v, None) for v in ("预算", "=1+1", "@x", "-y", 1.0, -12.5, "甲"))


def test_csv_header_cells_are_escaped_like_data_cells(tmp_path):
    path = write_csv(tmp_path / "a.csv", Sheet(HEADER, (ROW,)))
    with path.open(encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))
    assert header == ["项目", "'=HYPERLINK(\"http://x\",\"点我\")", "'@SUM(A1:A9)", "'-2+3+cmd|' /C calc'!A0",
                      "+1", "-12.5", "某局"]
    assert row == ["预算", "'=1+1", "'@x", "'-y", "1.0", "-12.5", "甲"]


def test_xlsx_header_cells_are_text(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"表": Sheet(HEADER, (ROW,))})
    ws = openpyxl.load_workbook(path)["表"]
    assert [c.data_type for c in ws[1]] == ["s"] * len(HEADER)
    assert [c.value for c in ws[1]] == list(HEADER)
