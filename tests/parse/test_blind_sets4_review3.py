"""Review of the rules of 7bebf71..40424ec (projects listed one by one, a second MoF form,
a title's and a form's year, a file named …项目自评价, a row label's own unit): texts of
our own, written the way real reports put things, where each rule as committed gave a
wrong or invented value or lost a right one. Each test failed at 40424ec.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str, name: str = "t.txt") -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, name)))


# ------------------------------------------------------------------ projects listed one by one


def test_a_titled_projects_numbered_works_are_its_parts_not_several_projects():
    # one project's construction items, each written "…项目:": the title names the project
    text = ("某县2022年度某村基础设施建设项目绩效自评报告\n一、项目概况\n该项目主要建设内容包括:\n"
            "1.道路硬化项目:硬化村内道路2公里。\n2.路灯安装项目:安装太阳能路灯50盏。\n")
    assert _parse(text).project_name == "某村基础设施建设项目"
    text = ("某县2022年度高标准农田建设项目绩效自评报告\n一、项目基本情况\n(一)项目建设内容\n"
            "1.土地平整项目:平整土地500亩。\n2.灌溉排水项目:新建渠道3公里。\n")
    assert _parse(text).project_name == "高标准农田建设项目"


def test_a_titled_projects_money_split_into_its_parts_is_one_projects():
    # "其中水源工程项目180万元、管网改造项目120万元": the parts of the titled project's money
    text = ("某县水利局2022年度农村饮水安全巩固提升工程项目绩效自评报告\n一、项目概况\n"
            "本项目下达资金300万元,其中水源工程项目180万元、管网改造项目120万元。\n")
    assert _parse(text).project_name == "农村饮水安全巩固提升工程项目"
    # a fund's projects (the title names the fund's …资金项目) are still several
    text = ("某县2023年度中央财政衔接推进乡村振兴补助资金项目绩效自评报告\n一、基本情况\n"
            "1.某村道路硬化项目:下达资金48万元。\n2.某村产业园建设项目:下达资金15万元。\n")
    assert _parse(text).project_name is None


# ------------------------------------------------------------------ a second MoF form


_PAGE_1 = ("财政项目支出绩效自评表 (2022 年度)\n项目名称 社区体育设施维护经费\n"
           "主管部门 某区体育局 实施单位 某区体育事业管理中心\n"
           "项目资金 (元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
           "年度资金总额 250000.00 250000.00 215457.60 10 86.18% 8.62\n年度总体目标 完成社区体育设施维护。\n")


def test_a_forms_heading_repeated_over_its_second_page_is_one_form():
    # the PDF repeats the form's heading over its indicators' page: one form, its figures stand
    page_2 = ("财政项目支出绩效自评表 (2022 年度)\n绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
              "产出指标 数量指标 维护设施数 50处 50处 20 20\n总分 100 92.62\n")
    r = _parse(_PAGE_1 + page_2)
    assert (r.project_name, r.budget_yuan, r.spent_yuan, r.score) == ("社区体育设施维护经费", 250000.0, 215457.6, 92.62)


def test_one_projects_forms_for_two_years_name_the_project():
    # both forms' 项目名称 cells name one project: its name is stated; the figures are two years'
    second = _PAGE_1.replace("2022 年度", "2023 年度").replace("250000.00", "300000.00")
    r = _parse(_PAGE_1 + second)
    assert (r.project_name, r.budget_yuan) == ("社区体育设施维护经费", None)


# ------------------------------------------------------------------ a file named …项目自评价


def test_a_sentence_or_notice_ending_项目自评价_is_no_title():
    # a notice's lines, broken after 开展项目自评价: no report's title, no project, no unit
    text = ("某区财政局关于做好2022年度预算项目自评价\n工作的通知\n各预算单位:\n请对照要求开展项目自评价\n")
    r = _parse(text)
    assert (r.project_name, r.agency) == (None, None)
    # the unit's file name stays a title
    text = ("某区体育事业管理中心2022年度项目自评价.pdf\n财政项目支出绩效自评表 (2022 年度) 主管部门 某区体育局 "
            "年初预算数 全年预算数 全年执行数\n")
    assert _parse(text).agency == "某区体育事业管理中心"


# ------------------------------------------------------------------ a row label's own unit


def test_a_row_label_with_a_unit_per_head_is_a_standard_not_an_amount():
    # "年度预算资金(元/生) | 1200": the money per student, no budget (read in its unit or the
    # table's, 1,200 or 12,000,000 yuan, it was invented either way)
    text = ("某县2020年度学生资助项目绩效自评报告\n项目名称 学生资助项目\n"
            "单位:万元 | ||||\n项目负责人 | 李某 | 联系电话 | 64810000 | |||\n地 址 | 某县某镇 | |||\n"
            "项目起止时间 | 2020年度 | |||\n年度预算资金(元/生) | 1200 | ||||\n实际支出 | 1000.00 | |||\n")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan) == (None, 10000000.0)
