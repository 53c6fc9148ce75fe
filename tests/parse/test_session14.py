"""Rules of the fourteenth session, each from failures on real pages kept outside the
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


# A page with no title and no heading of either kind: a fund's words throughout and no
# word of a unit's whole make it a fund's (project) report.
UNTITLED_FUND = ("根据相关文件规定,现将上级转移支付资金使用情况报告如下:\n"
                 "一、资金基本情况\n"
                 "2021年中央财政困难群众救助补助资金下达我区111万元,已全额划转各街道。\n"
                 "二、资金使用范围\n资金要求专款专用。\n")


def test_an_untitled_page_about_one_fund_is_a_project_report():
    report = _parse(UNTITLED_FUND)
    assert report.kind == "project"
    assert report.evidence["kind"].span[0] == UNTITLED_FUND.index("转移支付")


@pytest.mark.parametrize("text", [
    # a unit's remit, staff or budget named: the text does not say which kind it is
    UNTITLED_FUND + "本局主要职能:负责全区社会救助工作。\n",
    UNTITLED_FUND + "核定编制数6名,在职人员6人。\n",
    UNTITLED_FUND.replace("现将", "现将部门预算及"),
    # a unit's accounts, budget lines, sections or staff (a review's department texts,
    # none of them with 部门整体 or 职能 in it)
    "一、基本情况\n本单位2023年收入合计523.6万元,支出合计518.2万元,其中基本支出402.1万元,项目支出116.1万元。\n"
    "二、绩效目标完成情况\n“三公”经费支出2.3万元。\n三、存在的问题\n部分项目资金支付进度偏慢。\n",
    "一、学校基本概况\n我校现有教学班36个。\n二、年度收支情况\n人员经费1860万元,公用经费338万元,"
    "学生资助补助资金100万元。\n三、绩效情况\n生均公用经费按标准足额拨付。\n",
    "一、单位概述\n市档案馆为公益一类事业单位,核定编制22名,内设股室5个。\n二、预算执行\n"
    "年初预算资金386万元,全年支出381万元,其中档案数字化项目经费60万元。\n",
    "根据区财政局要求,我单位对2023年度部门整\n体支出情况开展了绩效自评。\n一、收支情况\n"
    "项目支出143.5万元,主要为环境监测经费和执法专项资金。\n",
    # fewer than three words of money or projects: too little to say
    "现将有关情况报告如下:\n一、基本情况\n全年下达资金111万元。\n",
])
def test_a_page_with_a_units_words_or_too_few_fund_words_keeps_its_kind_open(text):
    assert _parse(text).kind is None


# An allocation of a works project's budgeted money ("下达…建设项目预算资金1465万元") names
# the project; …项目资金 is often a fund's own name (a review: 省级工业企业技术改造项目资金
# for 15 firms, 中央预算内投资建设项目资金 for six projects) and keeps its words.
@pytest.mark.parametrize("sentence, name", [
    ("2023年中央下达水稻集中育秧设施建设项目预算资金1465万元。", "水稻集中育秧设施建设项目"),
    ("2023年省财政下达我市省级工业企业技术改造项目资金800万元,支持全市15家企业。", "省级工业企业技术改造项目资金"),
    ("2023年下达中央预算内投资建设项目资金2000万元,用于县人民医院等6个项目。", "中央预算内投资建设项目资金"),
    ("2023年下达中央支持地方公共文化项目资金300万元。", "中央支持地方公共文化项目资金"),
])
def test_an_allocation_of_a_works_projects_money_names_the_project(sentence, name):
    text = "一、绩效目标分解下达情况\n" + sentence + "\n二、绩效目标完成情况\n"
    assert _parse(text).project_name == name


# "得分合计100" closing a form glued into prose: the sum of the indicators' points, the
# report's total (as 总得分 is); a section's 得分合计 stays a section's.
@pytest.mark.parametrize("tail, score", [
    ("满意度指标 服务对象满意度≥80% 100% 5% 5 得分合计100。", 100),
    ("合计得分:96.5分。", 96.5),
    ("产出指标得分合计45分,效益指标得分合计30分。", None),
])
def test_the_sum_of_points_closing_a_form_is_the_score(tail, score):
    assert _parse("甲县专项资金绩效自评表\n一级指标 二级指标 三级指标 指标值 完成值 权重 得分\n" + tail + "\n").score == score


# A title broken over three lines ("…七星镇人民" / "政府2024年部门整体支出" / "绩效自评报告"):
# its last lines alone open with 政府, a unit's word with no name — no unit of their own
# beside the joined title's.
def test_a_units_word_alone_on_a_broken_title_line_is_no_unit():
    text = ("名 称: 甲县七星镇人民政府2024年部门整体支出绩效自评报告\n\n甲县七星镇人民\n\n政府2024年部门整体支出\n\n"
            "绩效自评报告\n\n部门名称:甲县七星镇人民政府\n\n一、部门概况\n")
    report = _parse(text)
    assert report.agency == "甲县七星镇人民政府"
    fragment = [c for c in report.candidates.get("agency", ()) if c.value == "政府"]
    assert all(not c.chosen and "残片" in c.reason for c in fragment)


# "主管部门:儿童福利处" under a province's transfer title: the division handling the fund,
# no unit; a supervisor field naming a unit is still read.
@pytest.mark.parametrize("field, agency", [
    ("主管部门:儿童福利处", None),
    ("主管部门:甲省民政厅", "甲省民政厅"),
])
def test_a_supervisor_field_naming_a_division_names_no_unit(field, agency):
    text = f"中央集中彩票公益金转移支付(孤儿助学工程项目)2020年度绩效自评报告\n{field}\n填报人:张三\n一、绩效目标分解下达情况\n"
    assert _parse(text).agency == agency


# Items only ("(二)各项目安排情况 1. …到位资金共5548万元… 2. …到位资金共17万元"): the first
# item's own 共 totals that item, not the list; a total after the items, above each,
# closes them (test_blind_sets.py: "…合计500万元").
def test_an_items_own_total_is_no_total_of_the_list():
    text = ("甲市城市维护费专项资金绩效自评报告\n(二)2018年各项目安排情况\n"
            "1. 路灯设施电费、维护费预算安排资金5548万元,项目实际到位资金共5548万元,项目实际使用资金共5548万元。\n"
            "2.路灯窨井盖管控资金17万元,项目实际到位资金共17万元,项目实际使用资金共17万元。\n")
    report = _parse(text)
    assert (report.available_yuan, report.spent_yuan) == (None, None)


# "…关于印发2018年某区预算绩效评价工作方案的通知…要求,对我单位2017年…项目经费进行绩效评价":
# the year the writer says it evaluated, its own name between 对 and the year.
@pytest.mark.parametrize("writer", ["我单位", "我局", "本中心"])
def test_the_year_a_writer_says_it_evaluated(writer):
    text = ("一、基本情况\n依据关于印发2018年甲区预算绩效评价工作方案的通知要求,"
            f"对{writer}2017年道路交通管理项目经费进行绩效评价。\n")
    assert _parse(text).year == 2017


# Money allocated stands for what arrived only where words near it say it all arrived: a
# form glued into one line is one "sentence", and a 地方配套到位率100% far along it is
# another figure's.
def test_an_arrival_rate_far_along_a_glued_form_is_not_the_allocations():
    glued = ("专项名称普惠金融发展专项资金资金情况(万元)年度金额(提前下达):208万元资金使用情况(万元)合计:109.8万元"
             + "年度总体目标目标1:支持农村金融组织体系建设,扩大农村金融服务覆盖面" * 4
             + "产出指标数量指标创业担保贷款发放额增长率≥10%115.25%20%20地方配套到位率100%100%10%10得分合计100。")
    report = _parse(glued + "\n")
    assert report.budget_yuan == 2_080_000 and report.available_yuan is None
    near = "2023年下达我县专项资金208万元,资金到位率100%。\n"
    assert _parse("一、资金情况\n" + near).available_yuan == 2_080_000


# "对2021年度市电子政务外网…项目开展了绩效自评": the year evaluated is no part of the name
# (度 of 年度 is no place's name: a year stays only before a place, 2024年固始县…项目).
def test_the_year_before_a_level_word_is_no_part_of_a_projects_name():
    text = ("一、基本情况\n根据通知要求,我单位成立了绩效评价小组,对2021年度市电子政务外网平台中心机房租赁费"
            "及运行维护费项目开展了绩效自评工作。\n")
    assert _parse(text).project_name == "市电子政务外网平台中心机房租赁费及运行维护费项目"


# A fund named …扶助金 is a fund as …救助金 is ("关于2016年度移民困难扶助金绩效评价报告").
def test_a_relief_fund_named_jin_is_the_reports_project():
    text = ("关于2016年度移民困难扶助金绩效评价报告\n省财政厅:\n根据通知要求,我局对2016年度移民困难扶助专项资金"
            "(6778万元)认真进行了绩效评价。现将有关情况报告如下:\n一、项目基本情况\n")
    assert _parse(text).project_name == "移民困难扶助金"

