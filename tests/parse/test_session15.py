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


# A results notice: its table's header row one cell a line, 项目名称 followed by the next
# column's header (with its unit), the rows below naming several projects.
BOND_NOTICE = ("某县某镇人民政府2022年度专项债券项目资金绩效评价结果公示\n"
               "某县某镇人民政府2022年度专项债券项目资金绩效评价情况表\n"
               "序号\n\n主管部门\n\n项目单位\n\n项目名称\n\n{column}\n\n评价得分\n\n评价结果\n\n"
               "1\n\n某县某镇人民政府\n\n某县城建公司\n\n某县工业园区四期\n\n0.7\n\n92\n\n项目单位自评\n\n"
               "2\n\n某县某镇人民政府\n\n某县开发公司\n\n某镇科创产业园工程\n\n0.1\n\n83\n\n第三方评价\n")


@pytest.mark.parametrize("column", ["发行金额(亿元)", "预算数(万元)", "得分(分)"])
def test_a_column_header_after_the_name_field_is_no_project_name(column):
    report = _parse(BOND_NOTICE.format(column=column))
    assert report.project_name is None


def test_a_name_cell_is_still_read_in_a_form():
    report = _parse("项目支出绩效自评表\n(2022年度)\n项目名称 | 某镇科创产业园工程(二期)\n主管部门 | 某县发改局\n")
    assert report.project_name == "某镇科创产业园工程(二期)"


# An essay site's copy with every year masked (20xx): "现将我馆20xx年度项目支出绩效自评
# 情况报告如下" names the genre's 项目, not a project.
@pytest.mark.parametrize("year", ["20xx", "20XX", "20**", "202x"])
def test_a_masked_year_and_the_genres_word_name_no_project(year):
    text = (f"根据县财政局关于开展{year}年项目支出绩效评价工作的通知要求,我馆成立了绩效评价工作小组。"
            f"现将我馆{year}年度项目支出绩效自评情况报告如下:\n一、项目概况\n")
    assert _parse(text).project_name is None


def test_a_masked_year_before_a_named_project_leaves_the_name():
    text = ("项目支出绩效评估报告(精选5篇)\n根据县财政局关于开展20xx年项目支出绩效评价工作的通知要求,"
            "我馆成立了绩效评价工作小组。现将我馆20xx年度档案数字化建设项目支出绩效自评情况报告如下:\n一、项目概况\n")
    report = _parse(text)
    assert report.project_name == "档案数字化建设项目"
    assert report.year is None


# Public farms, forests and grounds are budget units of their own (国有林场 above all).
@pytest.mark.parametrize("unit", ["某县沙坝国有林场", "某州体育场", "某县良种场", "某市苗圃"])
def test_a_forest_farm_or_ground_is_a_unit(unit):
    text = (f"根据通知要求,现将{unit}2020年度项目资金使用和管理自评报告公示如下。\n"
            "一、项目基本情况\n")
    assert _parse(text).agency == unit


@pytest.mark.parametrize("place", ["某县城区农贸市场", "某市人民广场"])
def test_a_market_or_square_is_no_unit(place):
    text = (f"根据通知要求,现将{place}2020年度改造项目资金使用和管理自评报告公示如下。\n"
            "一、项目基本情况\n")
    assert _parse(text).agency is None
