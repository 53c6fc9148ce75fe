"""Rules about what a figure means (issue 11, second round on unseen real pages): the
verb's role, levels without a total, formulas and scoring standards, an item's points,
totals after 安排/支出, and 自评表 rows glued or printed without their label.

Short texts written for each rule in the style of the templates (no real report is
copied here), each with the value the rule must give and a case where it must abstain.
"""

from __future__ import annotations

import pytest

import fiscal_eval
from fiscal_eval.parse import parse_document
from fiscal_eval.parse.choose import LOST_ITEM_SCORE, LOST_LEVEL, LOST_LISTED
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


HEAD = "某县2023年度中央财政转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n"


# ------------------------------------------------------------------ 1. the verb's role

def test_money_allocated_as_a_transfer_payment_is_the_budget_not_spending():
    r = _parse(HEAD + "根据《关于下达2022年林业改革发展资金预算的通知》，下达我县2022年中央财政林业改革发展"
                      "转移支付资金500.5万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (5005000.0, None)


def test_money_paid_out_is_still_spending():
    r = _parse(HEAD + "下达我县项目资金200万元。截至12月31日，已支付资金180万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (2000000.0, 1800000.0)


def test_project_money_takes_the_allocation_verb_of_its_sentence():
    r = _parse(HEAD + "2021年批复我局项目5个，项目资金850万元。分别为：甲项目500万元，乙项目350万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (8500000.0, None)


def test_project_money_after_another_amount_takes_no_verb():
    # "项目资金" after the sentence's first amount is not what 批复 names.
    r = _parse(HEAD + "2021年批复我局项目5个，涉及人员30人，安置补助10万元，项目资金850万元。\n")
    assert r.budget_yuan is None


# ------------------------------------------------------------------ 2. levels without a total

def test_levels_listed_without_a_total_give_no_budget_nor_arrival():
    r = _parse(HEAD + "2023年收到中央下达生活补助资金1,200.5万元，自治区下达80.2万元，地方匹配600万元。\n")
    assert (r.budget_yuan, r.available_yuan) == (None, None)
    lost = {c.value: c.lost for c in r.candidates["budget_yuan"]}
    assert lost == {802000.0: LOST_LEVEL}
    assert {c.value: c.lost for c in r.candidates["available_yuan"]} == {12005000.0: LOST_LEVEL}


def test_levels_in_separate_sections_without_a_total_give_no_arrival():
    r = _parse(HEAD + "(一)中央下达预算情况\n2021年我局共收到中央下达救助补助资金9,000万元。\n"
                      "(二)省内资金安排情况\n省级下达资金800万元。\n(三)市县资金安排情况\n市县下达资金2,000万元。\n")
    assert (r.budget_yuan, r.available_yuan) == (None, None)


def test_levels_with_their_stated_total_give_the_total():
    r = _parse(HEAD + "中央下达资金100万元，自治区下达20万元，地方匹配30万元，共计150万元。\n")
    assert r.budget_yuan == 1500000.0


def test_one_level_alone_is_the_budget():
    r = _parse(HEAD + "2023年中央下达我县生活补助资金1,200.5万元，已全部到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (12005000.0, 12005000.0)


def test_amounts_listed_side_by_side_without_a_total_are_each_one_of_several():
    r = _parse(HEAD + "上年结转资金2万元，中央下达专项预算资金3万元。本年度收到《关于下达补助资金的通知》"
                      "中央补助1.5万元、《关于提前下达补助资金的通知》中央补助1.5万元，用于监管工作。\n")
    assert (r.budget_yuan, r.available_yuan) == (30000.0, None)
    assert {c.lost for c in r.candidates["available_yuan"]} == {LOST_LISTED}


def test_a_budget_and_its_spending_side_by_side_are_two_figures_not_a_list():
    r = _parse(HEAD + "项目预算资金100万元、实际支出90万元，执行率90%。\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (1000000.0, 900000.0, 0.9)


def test_the_most_explicit_figure_of_a_list_is_the_reports():
    r = _parse(HEAD + "年初预算100万元、调整后预算120万元，用于项目建设。\n")
    assert r.budget_yuan == 1200000.0


def test_a_component_the_allocation_lists_by_name_is_one_item_of_it():
    r = _parse(HEAD + "下达我县2022年中央财政林业改革发展资金921.25万元，包含国有林管护补助、"
                      "天然商品林停伐管护补助、森林防火补助。\n二、绩效情况分析\n"
                      "2022年下达我县林业局国有林管护补助444.2万元，用于管护。\n")
    assert r.budget_yuan == 9212500.0
    assert {c.value: c.lost for c in r.candidates["budget_yuan"]}[4442000.0] == "分项数字，不是总数"


def test_two_allocations_with_no_listed_components_stay_undecided():
    r = _parse(HEAD + "下达我县2022年中央财政林业改革发展资金921.25万元。\n二、绩效情况分析\n"
                      "2022年下达我县林业局国有林管护补助444.2万元，用于管护。\n")
    assert r.budget_yuan is None


# ------------------------------------------------------------------ 3. formulas and standards

def test_a_formulas_hundred_percent_is_no_execution_rate():
    r = _parse("部门整体支出绩效评价指标表\n预算完成率5预算完成率=(上年结转+年初预算-年末结余)/(上年结转+年初预算)"
               "X100%.预算控制率=(本年追加预算/年初预算)×100%。新建楼堂馆所面积控制率100%以下(含)计满分。\n")
    assert r.execution_rate_reported is None


def test_a_formulas_result_is_the_rate():
    r = _parse(HEAD + "预算执行率=实际支出/预算数×100%=95.5%。\n")
    assert r.execution_rate_reported == pytest.approx(0.955)


# ------------------------------------------------------------------ 4. an item's points

def test_indicator_rows_points_are_never_the_total():
    rows = "".join(f"{i}.指标{i},年初目标值≥90%,实际完成值≥90%,自评得分20分;\n" for i in range(1, 6))
    r = _parse(HEAD + "(一)自评得分\n因此评价分100分,自评等级为优秀。\n" + rows)
    assert (r.score, r.grade) == (100.0, "优秀")
    r = _parse(HEAD + "(一)自评得分\n" + rows)
    assert r.score is None
    assert {c.lost for c in r.candidates["score"]} == {LOST_ITEM_SCORE}


def test_a_grade_after_its_conclusion_label():
    r = _parse(HEAD + "2021年度项目资金绩效自评得分为98分,自评结论为“优秀")
    assert (r.score, r.grade) == (98.0, "优秀")


# ------------------------------------------------------------------ 5. totals after 安排, 支出共计

def test_a_total_after_an_arrangement_per_head_is_the_budget():
    r = _parse("某校专项资金绩效自评价报告一、基本情况(一)项目概况我校项目为一个:生均公用经费项目"
               "(二)资金及项目绩效目标我校2022年按生均1000元安排,共计239万元,其中上级资金179.25万元,"
               "本级59.75万元,项目绩效目标是保证学校的正常运转三、预算支出组织实施情况我校2022年财政安排"
               "支出共计87.06万元,余款安排下年支出四、其他")
    assert (r.budget_yuan, r.spent_yuan) == (2390000.0, 870600.0)


def test_a_standard_per_head_is_never_the_budget():
    r = _parse(HEAD + "补助标准为每人500元，按季度发放。\n")
    assert r.budget_yuan is None


def test_a_marked_total_equal_to_the_allocations_before_it_takes_their_role():
    r = _parse(HEAD + "中央以《关于提前下达资金预算的通知》下达我区专项转移支付预算463142万元;"
                      "中央以《关于下达资金预算的通知》下达我区专项转移支付预算163455万元;"
                      "2021年发展资金合计626597万元。\n")
    assert r.budget_yuan == 6265970000.0


def test_a_marked_total_that_is_not_their_sum_takes_no_role():
    r = _parse(HEAD + "中央以《关于提前下达资金预算的通知》下达我区专项转移支付预算463142万元;"
                      "中央以《关于下达资金预算的通知》下达我区专项转移支付预算163455万元;"
                      "2021年发展资金合计700000万元。\n")
    assert r.budget_yuan is None


def test_money_an_evaluation_covers_is_no_budget():
    r = _parse(HEAD + "2024年度车购税收入补助地方预算资金共10401.21万元。纳入绩效评价的资金共43485.32万元，"
                      "其中中央资金10401.21万元，地方资金33084.11万元。\n")
    assert r.budget_yuan == 104012100.0


# ------------------------------------------------------------------ 6. transfer-payment forms

FORM = ("中央财政转移支付绩效目标自评表(2024年度)转移支付(项目)名称2024年动物防疫补助"
        "资金投入情况(万元)全年预算数(A)全年执行数(B)预算执行率(B/A×100%)年度资金总额:{row}"
        "其中:中央财政资金{part}地方资金其他资金资金管理情况\n")


def test_a_glued_total_row_is_split_where_one_reading_gives_the_rate():
    r = _parse(FORM.format(row="390390100%", part="390390100%"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (3900000.0, 3900000.0, 1.0)


def test_a_glued_row_with_a_rate_in_whole_percents_is_read_as_rounded_or_cut():
    r = _parse(FORM.format(row="1484631.00%", part="10200%"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (1480000.0, 460000.0, 0.31)


def test_a_glued_row_no_reading_explains_is_not_read():
    r = _parse(FORM.format(row="1234567%", part="10200%"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, None)


def test_a_glued_form_in_traditional_characters_reads_the_same():
    text = ("中央財政轉移支付績效目標自評表(2024年度)轉移支付(項目)名稱2024年動物防疫補助"
            "資金投入情況(萬元)全年預算數(A)全年執行數(B)預算執行率(B/A×100%)年度資金總額:390390100%"
            "其中:中央財政資金390390100%地方資金其他資金資金管理情況\n")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (3900000.0, 3900000.0, 1.0)


UNCAPTIONED = ("就业补助资金绩效目标自评表 (2022年度) 转移支付(项目)名称 就业补助资金 "
               "全年预算数(A) 全年执行数(B) {first} 其中:中央财政资金 3144.00 3144.00 "
               "自治区财政资金 570.17 570.17 其他资金 (包括以前年度结转资 金) 1591.22 1551.84 "
               "年度资金总额 资金投入情况 (万元) 情况说明\n")


def test_values_after_a_header_are_read_by_column_when_their_parts_fit_under_them():
    r = _parse(UNCAPTIONED.format(first="5305.39 5266.01"))
    assert (r.budget_yuan, r.spent_yuan) == (53053900.0, 52660100.0)


def test_values_after_a_header_whose_parts_exceed_them_are_not_read():
    r = _parse(UNCAPTIONED.format(first="3000.00 2900.00"))
    assert (r.budget_yuan, r.spent_yuan) == (None, None)
