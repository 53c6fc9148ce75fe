"""Wordings of the budget / arrived / spent / 执行率 seen in reports outside the shared
corpus (issue 11: recall on reports nobody here has seen). The sentences are our own,
written after the way those reports state their figures; each rule is one that at least
two independent reports (or the MoF form) use. Precision first: every rule also has a
sentence where it must not give a value.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text

HEAD = "某县2023年度专项资金绩效自评报告\n一、资金投入及使用情况\n"


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(HEAD + text, "t.txt")))


# ------------------------------------------------------------------ 执行 = spent


def test_money_executed_is_money_spent():
    r = _parse("上级下达救灾资金共计500万元。截至年底，资金已执行300万元，预算执行率60%。\n")
    assert r.budget_yuan == 5_000_000
    assert r.spent_yuan == 3_000_000
    assert r.execution_rate_reported == 0.6


def test_actual_execution_is_money_spent():
    r = _parse("项目年初预算80万元，全年实际执行76万元，执行率95%。\n")
    assert (r.budget_yuan, r.spent_yuan) == (800_000, 760_000)


def test_payment_completed_is_money_spent():
    r = _parse("路网项目资金120万元列入部门预算，年内已完成支付120万元。\n")
    assert r.spent_yuan == 1_200_000


def test_an_execution_standard_is_no_amount_spent():
    # "执行…标准": a rate of pay, not money executed.
    r = _parse("护理费按每人每月300元的标准执行。\n")
    assert r.spent_yuan is None


# ------------------------------------------------------------------ lists end at a later stage


def test_money_spent_after_a_list_of_levels_is_not_an_item():
    r = _parse("2023年共下达资金180万元，其中中央资金100万元、省级资金80万元，"
               "截至12月31日已支付170万元。\n")
    assert r.budget_yuan == 1_800_000
    assert r.spent_yuan == 1_700_000


def test_spent_of_a_budget_listed_with_其中_is_spent():
    r = _parse("该项目预算资金100万元，其中已支出90万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (1_000_000, 900_000)


def test_items_of_the_same_stage_stay_items():
    # Spending broken down by level: the parts are not the report's spent.
    r = _parse("全年实际支出100万元，其中中央资金支出60万元，省级资金支出40万元。\n")
    assert r.spent_yuan == 1_000_000
    r = _parse("下达资金100万元，其中中央下达60万元、省级下达40万元。\n")
    assert r.budget_yuan == 1_000_000


def test_an_indicators_cost_cap_is_not_the_budget():
    r = _parse("成本指标：项目总成本≤90万元，实际完成值90万元。\n")
    assert r.budget_yuan is None and r.spent_yuan is None


# ------------------------------------------------------------------ arrived, allocated


def test_money_that_all_arrived_is_available():
    r = _parse("县财政共下达我局衔接资金500万元。\n项目资金500万元均已到位。\n"
               "项目资金共500万元，已完成拨付480万元，执行率96%。\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (5_000_000, 5_000_000, 4_800_000)


def test_an_allocation_issued_as_a_budget_quota_is_the_budget():
    r = _parse("根据省财政厅预算文件，2023年我县燃煤锅炉淘汰专项资金指标154万元。\n")
    assert r.budget_yuan == 1_540_000
    # 指标 as an indicator is not money allocated.
    r = _parse("资金指标完成情况良好，数量指标5项。\n")
    assert r.budget_yuan is None


def test_per_project_figures_with_no_total_leave_the_report_figures_unknown():
    r = _parse("项目一：集体经济项目，全年预算数50万元，执行数50万元。\n"
               "项目二：加工车间项目，全年预算数80万元，执行数80万元。\n")
    assert r.budget_yuan is None and r.spent_yuan is None
    assert {c.value for c in r.candidates["budget_yuan"]} == {500_000, 800_000}


def test_a_plan_column_of_a_funds_table_is_the_budget():
    table = ("资金使用情况表（单位：万元）\n资金来源 | 计划安排 | 实际到位 | 实际支出\n"
             "中央资金 | 100 | 100 | 90\n省级资金 | 50 | 50 | 45\n")
    r = _parse(table + "合计 | 150 | 150 | 135\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (1_500_000, 1_500_000, 1_350_000)
    # Rows of levels and no total row: the total is not stated.
    r = _parse(table)
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (None, None, None)


# ------------------------------------------------------------------ rates


def test_progress_of_payment_or_budget_execution_is_the_execution_rate():
    assert _parse("全年预算150万元，资金支付进度80%。\n").execution_rate_reported == 0.8
    assert _parse("项目资金150万元，预算执行进度为80%。\n").execution_rate_reported == 0.8
    # A project's progress of work is not its money's.
    assert _parse("项目执行进度80%，工程进度90%。\n").execution_rate_reported is None


def test_money_issued_right_before_the_figure_keeps_its_verb():
    # "…共下达105万元": the label ends in 下达, not in a stray 下 (达 is filler only as 达到).
    r = _parse("我局2022年衔接资金共下达105万元，用于灌溉项目。\n衔接资金105万元已全部到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (1_050_000, 1_050_000)
    r = _parse("我局2022年衔接资金累计下达105万元。\n")
    assert r.budget_yuan == 1_050_000 and r.available_yuan is None


def test_money_spent_named_as_资金支出_right_before_the_figure():
    r = _parse("全年资金支出120万元，资金支出率80%。\n")
    assert (r.spent_yuan, r.execution_rate_reported) == (1_200_000, 0.8)
    # A section about spending is no figure of it.
    r = _parse("补助资金支出情况：按进度拨付。\n")
    assert r.spent_yuan is None
    # a cost's payment is an item of what was spent, not the whole (a review's case)
    r = _parse("实际支出9万元。资金使用情况:演出费支付5.2万元,劳务费支付3万元,其他0.8万元。\n")
    assert r.spent_yuan == 90_000


def test_execution_amount_and_money_actually_issued():
    r = _parse("至2023年底我局项目执行金额900万元，执行率90%。\n")
    assert (r.spent_yuan, r.execution_rate_reported) == (9_000_000, 0.9)
    # 实际下拨: what arrived, and (named by no budget word) the budget it stands for.
    r = _parse("财政预算实际下拨166万元，实际支付161.5万元，结余4.5万元。\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (1_660_000, 1_660_000, 1_615_000)
    # Money received (收到…下拨) is what arrived, never the budget.
    r = _parse("我校收到上级下拨专项资金合计149.63万元，实际发放107.78万元。\n")
    assert (r.budget_yuan, r.available_yuan) == (None, 1_496_300)
    # A subsidy paid out (兑现) is spent; one still to pay (应兑现) is not.
    r = _parse("到位资金14280元。已兑现困难群众临时救助资金14280元。\n")
    assert r.spent_yuan == 14_280
    assert _parse("到位资金14280元。应兑现困难群众临时救助资金14280元。\n").spent_yuan is None


def test_spending_of_named_items_under_a_list_stays_items():
    r = _parse("全年实际支出100万元。预算资金100万元，其中：甲项目实际支出60万元，乙项目实际支出40万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (1_000_000, 1_000_000)


def test_bare_execution_planned_total_investment_and_renminbi():
    r = _parse("2023年预算150.00万元，执行120.00万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (1_500_000, 1_200_000)
    r = _parse("项目计划总投资150万元，实际完成投资120万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (1_500_000, 1_200_000)
    # "人民币" is no name of the figure: the words before the colon are.
    r = _parse("项目预算资金：人民币150万元。\n")
    assert r.budget_yuan == 1_500_000


def test_a_departments_budgeted_revenue_is_its_budget():
    r = _parse("2023年部门预算收入1500万元，全年支出1200万元，预算执行率80%。\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (15_000_000, 12_000_000, 0.8)
    # One source of revenue is a part, not the budget.
    r = _parse("2023年一般公共预算收入1500万元。\n")
    assert r.budget_yuan is None


def test_a_budget_plan_and_money_approved_are_the_budget():
    # "项目支出预算计划121万元" (a county's projects together), "项目批复资金350万已全部到位"
    r = audit(parse_document(document_from_text(
        "某县政法委2020年度项目支出绩效评价报告\n一、项目基本情况\n"
        "本单位参与绩效评价的项目共5个,项目支出预算计划121万元。其中:甲专项30万元,乙专项91万元。\n", "t.txt")))
    assert r.budget_yuan == 1_210_000
    r = _parse("项目批复资金350万元已全部到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (3_500_000, 3_500_000)
    # 批复资金 names the figure only right before it (a review's cases)
    r = _parse("严格按照批复资金用途使用资金290万元。\n")
    assert r.budget_yuan is None
    # a plan of work, or approved investment of a building, is no budget of the year
    r = _parse("年度工作计划完成率100%,该楼批复投资概算中未列支。\n")
    assert r.budget_yuan is None
