"""Layouts the rewritings of the tuning texts showed read wrongly: a mirror's wrapped lines
joined with spaces, a flattened page's items run on from their heading, a portal's
metadata table printed a cell a line. Found by parsing every prefix of the tuning texts
(e001's figures) and every text rewritten a table cell a line. The sentences are our own.
"""

from __future__ import annotations

from fiscal_eval import parse_file, parse_text
from fiscal_eval.parse.context import Context
from fiscal_eval.sources.text import document_from_text


def test_a_figure_broken_after_its_point_where_a_line_wrapped_is_one_figure():
    # a Word file printed by a mirror: each wrapped line joined again with a space
    report = parse_text("甲市乙处2022年度项目支出绩效自评报告\n一、项目情况\n维修项目预算35. 3万元,2022年全 年实际"
                        "支付35. 3 万元,使用率100%。\n")
    assert (report.budget_yuan, report.spent_yuan) == (353000.0, 353000.0)
    # a list item's number is not a figure's integer part
    report = parse_text("甲市乙处2022年度项目支出绩效自评报告\n主要成效:\n1. 3万元用于维修,全年实际支付3万元。\n")
    assert report.spent_yuan == 30000.0


def test_an_item_run_on_from_its_heading_on_a_flattened_page_is_an_item():
    text = ("甲市乙处2022年度项目支出绩效自评报告 一、项目绩效目标情况(一)乙处2022年度共有3个项目1、烈士纪念设施"
            "维修项目:预算35.3万元,2022年全年实际支付35.3万元,使用率100%。2、专项资金项目:预算20万元,2022年全年"
            "实际支付20万元,使用率100%。3、改造工程项目:预算16万元,2022年全年实际支付16万元。")
    report = parse_text(text)
    # three projects' figures and no total: none is the report's
    assert report.budget_yuan is None and report.spent_yuan is None
    assert sorted({c.value for c in report.candidates["budget_yuan"]}) == [160000.0, 200000.0, 353000.0]
    # not an enumeration: a year's months, an ordinal
    report = parse_text("甲市乙处2022年度项目支出绩效自评报告\n2022年1、2月份预算安排20万元,实际支付18万元。\n")
    assert (report.budget_yuan, report.spent_yuan) == (200000.0, 180000.0)


def test_a_portal_category_printed_a_cell_a_line_is_no_title():
    # the page's metadata table, a cell a line: 公开目录's value is a category of pages
    text = ("索引号\n01526405-X/20240326-00056\n发布机构\n甲县教育体育局\n公开目录\n绩效自评报告\n发布日期\n2024-03-26\n"
            "甲县第一小学2023年度项目支出绩效自评报告\n(教育专项工作经费)\n一、自评结论\n"
            "我校教育专项工作经费项目自评得分100分。\n")
    report = parse_text(text)
    assert report.agency == "甲县第一小学" and report.project_name == "教育专项工作经费"
    assert report.evidence["title"].sentence.startswith("甲县第一小学2023年度")


def test_a_department_forms_unit_cell_read_through_the_html_reader(tmp_path):
    # the HTML reader prints a table's cells with tabs between them: 部门\t甲县…中心
    page = tmp_path / "form.html"
    page.write_text(
        "<html><body><table><tr><td colspan='8'>部门整体支出绩效自评表</td></tr>"
        "<tr><td colspan='8'>(2023年度)</td></tr>"
        "<tr><td>部门</td><td colspan='7'>甲县乡村建设服务中心</td></tr>"
        "<tr><td rowspan='2'>预算资金(万元)</td><td></td><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td>"
        "<td>分值</td><td>执行率</td><td>得分</td></tr>"
        "<tr><td>年度资金总额</td><td>329.77</td><td>329.77</td><td>318.31</td><td>10</td><td>96.52%</td>"
        "<td>9.65</td></tr></table></body></html>", encoding="utf-8")
    report = parse_file(page)
    assert report.agency == "甲县乡村建设服务中心"
    assert (report.budget_yuan, report.spent_yuan) == (3297700.0, 3183100.0)
    # a 部门 cell ending a longer cell is not the field ("主管部门\t…" is the supervisor's)
    report = parse_text("部门整体支出绩效自评表\n(2023年度)\n主管部门\t甲县农业农村局\n")
    assert report.evidence["agency"].label == "主管部门"


def test_a_line_of_portal_buttons_between_two_lines_of_the_report_parts_nothing():
    # "扫一扫在手机打开当前页" under the title, before its "(项目名)" line
    report = parse_text("甲县第一小学2023年度项目支出绩效自评报告\n扫一扫在手机打开当前页\n(教育专项工作经费)\n"
                        "一、自评结论\n我校教育专项工作经费项目自评得分96分。\n")
    assert report.project_name == "教育专项工作经费"
    # a form printed a cell a line, a line of buttons between a label and its value
    report = parse_text("项目支出绩效自评表\n(2020年度)\n项目名称 |\n【打印本页】 【关闭窗口】\n乙县农村公路养护 |\n"
                        "计划安排资金 (万元) |\n字号：大 中 小\n700 |\n实际支出 (万元) |\n680 |\n")
    assert (report.project_name, report.budget_yuan, report.spent_yuan) == ("乙县农村公路养护", 7000000.0, 6800000.0)
    # only lines of buttons go: a grade cell alone is the report's ("中" is a font size too)
    text = "字号：大 中 小\n甲县乙局2023年度项目支出绩效自评报告\n自评等级\n中\n"
    assert Context(document_from_text(text, "t.txt")).f == " " * len("字号：大 中 小") + text[text.index("\n"):]


def test_links_to_other_reports_name_none_of_this_ones_fields():
    body = ("项目支出绩效自评报告\n一、基本情况\n本项目年初预算100万元，全年实际支出95万元。\n")
    # 上一篇/下一篇 under the text, a document-sharing site's list of other reports, a
    # recommendation under the title: other reports' units and years
    for page in (body + "上一篇：丙县水利局2021年度项目支出绩效自评报告\n下一篇：丁县财政局2020年度部门整体支出绩效自评报告\n",
                 body + "相关推荐\n丙县水利局2021年度项目支出绩效自评报告\n丁县财政局2020年度部门整体支出绩效自评报告(通用5篇)\n",
                 body.replace("\n", "\n【相关推荐】：丙县水利局2021年度项目支出绩效自评报告\n", 1)):
        report = parse_text(page)
        assert (report.agency, report.year, report.budget_yuan) == (None, None, 1000000.0), page
    # the report's own title and body are read as before
    report = parse_text("甲县水利局2023年度" + body + "上一篇：丙县水利局2021年度项目支出绩效自评报告\n")
    assert (report.agency, report.year, report.spent_yuan) == ("甲县水利局", 2023, 950000.0)
