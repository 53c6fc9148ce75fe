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
    # the one reading the rate confirms that leaves out a budget's repeat (100 | 90 | 81)
    # has budgets that disagree: which is the lost column's, the text does not say
    "100 90 90 81 10 90% 9",
    # a rate without its %: no arithmetic says which cell is which
    "28.1 28.1 28.1 28.1 10 100 10",
    # three cells too many: not a lost column
    "28.1 28.1 28.1 28.1 28.1 28.1 10 100% 10",
    # the cell left out states a figure of its own: 72 ÷ 80 = 90% may divide by a 到位数
    # the header lost, and 80 is then no budget (a review's case)
    "100 100 80 72 10 90% 9",
    # a row number before the cells: 1 is no budget
    "1 28.1 28.1 28.1 10 100% 10",
])
def test_a_row_too_long_is_not_read_where_the_readings_differ_or_nothing_checks_them(row):
    report = _parse(_form(row))
    assert report.budget_yuan is None
    assert report.spent_yuan is None


def test_a_total_row_one_cell_a_line_with_a_cell_more_is_read_too():
    text = _form("28.1 28.1 28.1 28.1 10 100% 10").replace("项目资金(万元) 年初预算数 全年预算数(A) 全年执行数(B) 分值 预算执行率(B/A) 得分",
                                                        "项目资金(万元)\n年初预算数\n全年预算数(A)\n全年执行数(B)\n分值\n预算执行率(B/A)\n得分")
    text = text.replace("年度资金总额: 28.1 28.1 28.1 28.1 10 100% 10", "年度资金总额:\n28.1\n28.1\n28.1\n28.1\n10\n100%\n10")
    report = _parse(text)
    assert (report.budget_yuan, report.spent_yuan) == (pytest.approx(281_000), pytest.approx(281_000))


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


@pytest.mark.parametrize("column", ["发行金额(亿元)", "预算数(万元)", "得分(分)", "项目总投资", "评价结果", "评价等次",
                                    "项目编码", "资金来源"])
def test_a_column_header_after_the_name_field_is_no_project_name(column):
    report = _parse(BOND_NOTICE.format(column=column))
    assert report.project_name is None


@pytest.mark.parametrize("name", ["某镇科创产业园工程(二期)", "城乡居民养老保险补助(元)", "2022年农村公路养护项目"])
def test_a_name_cell_is_still_read_in_a_form(name):
    report = _parse(f"项目支出绩效自评表\n(2022年度)\n项目名称 | {name}\n主管部门 | 某县发改局\n")
    assert report.project_name == name


@pytest.mark.parametrize("cell", ["20XX年度项目", "2022年度项目", "2022年度专项资金"])
def test_a_name_cell_left_with_the_templates_words_names_no_project(cell):
    assert _parse(f"项目支出绩效自评表\n(2022年度)\n项目名称 | {cell}\n主管部门 | 某县发改局\n").project_name is None


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


# A template's placeholders name no unit, with a year written or masked (a review's case).
@pytest.mark.parametrize("title", ["XX县XX局20XX年度部门整体支出绩效自评报告", "XX县XX局2022年度部门整体支出绩效自评报告",
                                   "xx中心20xx年度部门整体支出绩效自评报告"])
def test_a_placeholder_names_no_unit(title):
    report = _parse(f"{title}\n一、部门基本情况\n")
    assert report.agency is None
    assert [c.value for c in report.candidates["agency"]] and not any(c.chosen for c in report.candidates["agency"])


@pytest.mark.parametrize("text, name", [
    # 20××年 (the × the official templates print; the normaliser's masks make it **××)
    ("某县教育局20××年度学生资助项目绩效自评报告\n一、基本情况\n", "学生资助项目"),
    ("某市20XX年中央财政农业生产发展资金绩效自评报告\n一、基本情况\n", "中央财政农业生产发展资金"),
    # the announcing sentence as the first line: the genre's 项目, no name
    ("现将我局20xx年度项目支出绩效自评情况报告如下:\n一、基本情况\n", None),
])
def test_a_masked_year_in_a_title(text, name):
    report = _parse(text)
    assert report.project_name == name
    assert report.year is None


# "对…年度…评价" names the year evaluated, not the years before one: "对2019年度以前结转的
# 项目资金进行了绩效评价" (the guard had let 年 alone match, its 度以前 unread).
@pytest.mark.parametrize("before", ["对2019年度以前结转的项目资金", "对我单位2019年度以前结转的项目资金",
                                    "对2019年以来结转的项目资金"])
def test_the_years_before_one_are_not_the_year_evaluated(before):
    text = ("某县水利局项目支出绩效自评报告\n"
            f"根据县财政局通知要求,{before}进行了绩效评价。\n"
            "一、项目概况\n2021年度项目预算安排资金50万元,2021年度实际支出48万元。\n")
    assert _parse(text).year == 2021


def test_a_bonds_year_is_not_the_year_evaluated_with_its_du_either():
    # "2020年度国债…绩效自评": the 国债's year (the guard had let 年 alone match before 度国债)
    text = ("某县交通局报告\n一、基本情况\n2020年度国债项目绩效自评工作按要求开展。\n"
            "2021年度本局项目预算安排资金50万元,2021年度实际支出48万元。\n")
    assert _parse(text).year == 2021
