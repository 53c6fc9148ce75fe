"""Rules of the fifteenth session, each from failures on real pages kept outside the
repository, written as short texts in the style of the templates (no real report is
copied here): each with the value the rule must give and the cases where it must not.
"""

from __future__ import annotations

import pytest

import fiscal_eval
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


# The MoF 项目支出绩效自评表 flattened to text, its total row holding one cell more than
# the header has columns (a column the extraction lost from the header, not the row).
def _form(row: str) -> str:
    return ("某县特殊教育补助资金转移支付绩效目标自评表\n(2024年度)\n"
            "转移支付(项目)名称 特殊教育补助资金\n市级主管部门 某市教育局\n"
            "项目资金(万元) 年初预算数 全年预算数(A) 全年执行数(B) 分值 预算执行率(B/A) 得分\n"
            f"年度资金总额: {row}\n"
            "       其中:中央资金 28.1 28.1 28.1\n"
            "年度总体目标 完成情况\n")


def test_a_total_row_with_a_cell_more_than_its_header_is_read_where_every_reading_agrees():
    # Drop one 28.1 (or the first 10) and the row reads 28.1 | 28.1 | 28.1 | 10 | 100% | 10:
    # the budget and the spent are 28.1万元 whichever cell was the lost column's.
    text = _form("28.1 28.1 28.1 28.1 10 100% 10")
    report = _parse(text)
    assert report.budget_yuan == pytest.approx(281_000)
    assert report.spent_yuan == pytest.approx(281_000)
    assert report.execution_rate_reported == pytest.approx(1.0)
    assert text[slice(*report.evidence["spent_yuan"].span)] == "28.1"


@pytest.mark.parametrize("row", [
    # two readings the rate confirms, with different budgets (90 | 90 | 81 or 100 | 90 | 81)
    "100 90 90 81 10 90% 9",
    # a rate without its %: no arithmetic says which cell is which
    "28.1 28.1 28.1 28.1 10 100 10",
    # three cells too many: not a lost column
    "28.1 28.1 28.1 28.1 28.1 28.1 10 100% 10",
])
def test_a_row_too_long_is_not_read_where_the_readings_differ_or_nothing_checks_them(row):
    report = _parse(_form(row))
    assert report.budget_yuan is None
    assert report.spent_yuan is None


def test_a_row_its_rate_confirms_is_read_as_the_header_says_whatever_follows():
    # Six cells the 执行率 checks (40 ÷ 50 = 80%): the reading the header gives, with or
    # without a number after them on the line.
    for row in ("50 50 40 10 80% 8", "50 50 40 10 80% 8 5"):
        report = _parse(_form(row))
        assert (report.budget_yuan, report.spent_yuan) == (pytest.approx(500_000), pytest.approx(400_000))
        assert report.execution_rate_reported == pytest.approx(0.8)
