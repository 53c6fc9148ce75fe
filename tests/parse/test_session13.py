"""Rules of the thirteenth session, each from failures on real pages kept outside the
repository, written as short texts in the style of the templates (no real report is
copied here): each with the value the rule must give and the cases where it must not.
"""

from __future__ import annotations

import pytest

import fiscal_eval
from fiscal_eval.api import parse_text
from fiscal_eval.parse import parse_document
from fiscal_eval.parse.funds import LOST_COARSER
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


HEAD = "甲县乙项目2024年度绩效自评报告\n一、资金情况\n"


@pytest.mark.parametrize("sentence, spent", [
    ("财政下达项目资金50万元,目前已拨付10万元,预算执行率为20%。", 100_000),
    ("财政下达项目资金50万元,目前已拨付10万元。", 100_000),  # (money allocated is no giver paying it)
    ("该项目下达资金2373.51万元。目前已拨付财政补助资金1002.2739万元,其余正在申请拨付。", 10_022_739),
    ("该项目申请专项债券资金11亿元,2024年已拨付资金6亿元,已全部投入使用。", 600_000_000),
    ("项目已实施完成,全年共拨付2646.45万元。", 26_464_500),
])
def test_money_paid_out_in_a_progress_report_is_what_was_spent(sentence, spent):
    assert _parse(HEAD + sentence + "\n").spent_yuan == spent


@pytest.mark.parametrize("sentence", [
    # a giver opens the clause: money issued to the unit
    "市财政局已拨付我局资金20万元。",
    "上级已拨付资金20万元。",
    # a recipient follows: money passed on, not spent by the report's unit
    "资金已拨付到各乡镇20万元。",
    "县财政已拨付给项目实施单位20万元。",
    # arrived, not paid out
    "项目资金已拨付到位20万元。",
    # paid out later, or asked for
    "计划拨付资金20万元。",
])
def test_money_issued_passed_on_or_planned_is_not_spent(sentence):
    assert _parse(HEAD + sentence + "\n").spent_yuan is None


FINANCE = "甲县财政局2024年度衔接推进乡村振兴补助资金绩效自评报告\n一、资金情况\n"


@pytest.mark.parametrize("text", [
    # (a review's texts) it arrived: 到位 in its sentence
    HEAD + "2024年省级财政下达该项目资金100万元,资金已拨付100万元,资金到位率100%。",
    HEAD + "项目预算100万元,项目资金已拨付100万元,已全部到位。",
    HEAD + "项目预算100万元,资金已拨付本单位100万元。",
    HEAD + "项目预算100万元,县财政已将资金拨付我单位,目前已拨付100万元。",
    # passed on by the finance bureau that writes
    FINANCE + "全年共拨付资金3000万元,全部拨付至项目实施单位。",
    FINANCE + "县财政局及时将资金拨付项目主管部门,全年共拨付1500万元。",
    HEAD + "已拨付50万元到各乡镇。",
    HEAD + "已拨付资金50万元至乡镇财政所。",
    # another year, over years, part of the year, next steps
    HEAD + "2024年预算300万元。2023年已拨付资金200万元。",
    HEAD + "项目自2021年实施以来,累计拨付资金800万元。",
    HEAD + "项目全年预算100万元,截至6月底,已拨付资金30万元。",
    HEAD + "项目全年预算100万元。\n三、下一步工作\n全年共拨付资金100万元。",
    # (a second review's) passed on to units named before the figure, by a finance bureau,
    # from a giver earlier in the sentence, over years
    FINANCE + "截至12月31日,已拨付项目单位2800万元。",
    HEAD + "已拨付12个乡镇资金2800万元。",
    HEAD + "资金已拨付县农业农村局2000万元。",
    HEAD + "已拨付32所学校500万元。",
    FINANCE + "截至12月31日,已拨付3000万元,拨付率100%。",
    HEAD + "项目预算100万元,县财政局按进度拨付资金,目前已拨付80万元。",
    HEAD + "本年预算100万元,项目已拨付工程款400万元(含以前年度)。",
    # one item of a department's spending
    "甲县民政局2024年度部门整体支出绩效自评报告\n一、部门收支情况\n2024年部门预算收入5000万元。全年已拨付学生资助资金300万元。",
])
def test_money_paid_out_that_arrived_was_passed_on_or_is_not_the_years_is_not_spent(text):
    assert _parse(text + "\n").spent_yuan is None


def test_money_paid_out_that_the_stated_rate_contradicts_stays_and_is_flagged():
    # (the labels keep 已拨付 as spent where the report's own rate disagrees, real pages e010
    # and l007: the disagreement is the report's, and the audit says so)
    r = parse_text(HEAD + "项目预算100万元,已拨付80万元,预算执行率75%。\n", "t.txt")
    assert r.spent_yuan == 800_000 and "rate_mismatch" in [f.code for f in r.flags]


def test_a_contractor_or_household_paid_is_spending():
    assert _parse(HEAD + "项目预算50万元,已拨付施工单位工程款45万元。\n").spent_yuan == 450_000
    assert _parse(HEAD + "项目预算100万元,已拨付农户补贴资金90万元,惠及农户500户。\n").spent_yuan == 900_000


def test_spending_named_outright_beats_money_paid_out():
    r = _parse(HEAD + "目前已拨付资金30万元,实际支出28万元。\n")
    assert r.spent_yuan == 280_000


def test_a_portal_welcome_spells_out_a_unit_its_source_line_names_by_level_alone():
    text = ("欢迎进入甲州市生态环境局网站!\n您当前所在位置:首页 > 财政公开\n"
            "甲州市中央水污染防治转移支付资金2023年度绩效自评报告\n来源:市生态环境局  发布日期: 2024-03-29\n"
            "一、基本情况\n2023年下达我市中央水污染防治资金500万元。\n")
    assert _parse(text).agency == "甲州市生态环境局"
    # the welcome of another unit's site lends nothing
    other = text.replace("欢迎进入甲州市生态环境局网站", "欢迎进入甲州市人民政府网站")
    assert _parse(other).agency != "甲州市人民政府"


def test_a_documents_own_title_line_spells_out_its_issuer():
    text = ("首页 > 区部门网站 > 区民政局 > 通知公告\n\n甲市乙区民政局关于“2021年中央财政困难群众救助补助资金”管理使用情况\n\n"
            "信息提供日期 : 2023-03-27 16:25来源 : 乙区民政局\n\n根据相关文件规定,现将上级转移支付资金使用情况报告如下:\n"
            "一、资金基本情况\n2021年中央财政困难群众救助补助资金下达我区111万元。\n")
    assert _parse(text).agency == "甲市乙区民政局"
    # a line opening with 根据…关于 names no issuer
    text = text.replace("甲市乙区民政局关于“2021年", "根据甲市乙区民政局关于“2021年")
    assert _parse(text).agency == "乙区民政局"


@pytest.mark.parametrize("sentence", [
    "项目全年预算数、全年执行数分别为120万元、110万元,执行率91.67%。",
    "项目预算资金、实际支出分别为120万元和110万元。",
    "年初预算数、全年预算数、全年执行数分别为100万元、120万元、110万元。",
])
def test_stages_named_together_then_their_figures_give_none_the_wrong_figure(sentence):
    # "A、B分别为X、Y": the figure nearest the words is A's, not B's; the names are not
    # matched to the figures, so none is taken (before: 120万元 as the spending)
    r = _parse(HEAD + sentence + "\n")
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_levels_named_together_are_no_stages():
    r = _parse(HEAD + "项目预算100万元,中央资金、省级资金分别为60万元、40万元,实际支出95万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (1_000_000, 950_000)


GRID = ("附件: 项目支出绩效自评表 (2022年度) 项目名称 委托业务项目 主管部门 甲镇人民政府 实施单位 甲镇人民政府 "
        "项目资金 (万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 0 0 0 10 0 0 ")


def test_a_total_row_left_at_zero_over_one_filled_part_row_is_read_from_that_row():
    r = _parse(GRID + "其中:本年财政拨款 90 89.974 89.974 上年结转资金 其他资金 年度总体目标 预期目标 实际完成情况\n")
    # (90 the year-start budget, 89.974 the adjusted one: within 90's rounding, still two figures)
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan) == (900_000, 899_740, 899_740)
    # another part row with money: the part is not the whole
    r = _parse(GRID + "其中:本年财政拨款 90 89.974 89.974 上年结转资金 10 10 10 其他资金 年度总体目标\n")
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_one_figure_written_twice_is_taken_to_its_finer_digits():
    r = _parse(GRID + "其中:本年财政拨款 202.64 132.912 132.912 上年结转资金 其他资金 年度总体目标 预期目标 "
               "本项目共申请预算资金2026400元。本项目共完成预算资金1329120.67元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (2_026_400, 1_329_120.67)
    assert {c.value: c.lost for c in r.candidates["spent_yuan"]}[1_329_120.0] == LOST_COARSER


@pytest.mark.parametrize("sentence", ["项目预算100万元。中央下达资金996000元。", "项目预算100万元,省级资金预算99.6万元。"])
def test_a_close_figure_of_a_level_or_an_allocation_is_not_the_finer_writing(sentence):
    assert _parse(HEAD + sentence + "\n").budget_yuan == 1_000_000


@pytest.mark.parametrize("tail", [
    # (a review's texts) the other parts hold figures, however their cells or captions are written
    "上年结转资金 / / / 其他资金 20 20 20 年度总体目标",
    "上年结转 资金 20 20 20 其他资金 年度总体目标",
    "上年结转资金 其他资 金 20 20 20 年度总体目标",
    "上年结转资金 其他资金(自筹) 20 20 20 年度总体目标",
    "上年结转资金 其他资金 自筹资金 20 20 20 年度总体目标",
])
def test_a_part_row_is_no_whole_where_another_part_holds_figures(tail):
    r = _parse(GRID + "其中:本年财政拨款 90 89.974 89.974 " + tail + "\n")
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


PROJECT = "甲县农业农村局2023年度农田水利设施维护项目绩效自评报告\n一、项目基本情况\n"


@pytest.mark.parametrize("text, field, value", [
    # (a review's texts) a coarse figure is not replaced by a close one of other meaning
    ("项目年度预算资金2亿元,全年实际支出2亿元,预算执行率100%。截至12月底,完成支付工程款1.65亿元。", "spent_yuan", 2e8),
    ("项目预算资金100万元,实际支出98万元,执行率98%。全年支出资金97.65万元用于渠道维护。", "spent_yuan", 980_000),
    ("2023年项目预算资金50万元,实际支出50万元。2022年该项目预算资金49.86万元。", "budget_yuan", 500_000),
    ("项目预算资金1.2亿元,实际支出1.1亿元,执行率91.67%。项目计划总投资1.23亿元。", "budget_yuan", 1.2e8),
    ("项目预算资金50万元,实际支出50万元,执行率100%。\n四、下一步工作计划\n2024年拟安排预算资金50.2万元。", "budget_yuan", 500_000),
])
def test_a_coarse_figure_keeps_its_value_beside_a_close_one(text, field, value):
    assert getattr(_parse(PROJECT + text + "\n"), field) == value
