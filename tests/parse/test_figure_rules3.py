"""Rules about figures, third round (a held-out set of real pages): money cells that keep
a bare 万, 执行率 printed as a fraction, rows printed right after their header, the
transfer-payment grid with 行次 / 到位 columns, glued 执行数 and 执行率, 全年(调整)预算数,
支出数, a title's own part words, 财政部 as the central level, figures hidden by a mirror,
a line ending in 其中:, a marked total whose parts follow it.

Short texts written for each rule in the style of the templates (no real report is
copied here), each with the value the rule must give and a case where it must abstain.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.parse import parse_document
from fiscal_eval.parse.choose import LOST_ITEM, LOST_LEVEL, LOST_MASKED
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


FORM = "某县医疗救助补助资金转移支付项目绩效目标自评表\n(2024年度)\n"
HEAD = "某县2023年度中央财政转移支付资金绩效自评报告\n一、资金情况\n"


def _money(r: fiscal_eval.Report) -> tuple:
    return r.budget_yuan, r.available_yuan, r.spent_yuan, r.execution_rate_reported


# ------------------------------------------------------------------ cells and rows of forms

def test_a_pipe_grid_cell_may_keep_a_bare_wan():
    r = _parse(FORM + "资金投入情况(万元) | 全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%) | |\n"
                      "年度资金总额: | 120.5万 | 100万 | 82.99% | |\n"
                      "其中:中央财政资金 | 20.5万 | 20.5万 | 100% | |\n")
    assert _money(r) == (1205000.0, None, 1000000.0, 0.8299)


def test_a_pipe_grid_row_whose_rate_disagrees_gives_no_money():
    r = _parse(FORM + "资金投入情况(万元) | 全年预算数(A) | 全年执行数(B) | 预算执行率(B/A×100%) | |\n"
                      "年度资金总额: | 120.5万 | 100万 | 90% | |\n")
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


FLAT = ("项目名称 某专项经费\n项目资金 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
        "(万元) 年度资金总额 50 50 45.5 10 {rate} 9\n")


def test_an_execution_rate_printed_as_a_fraction_is_read_when_the_row_confirms_it():
    r = _parse(FORM + FLAT.format(rate="0.91"))
    assert _money(r) == (500000.0, None, 455000.0, 0.91)


def test_a_fraction_the_row_does_not_give_is_no_rate():
    r = _parse(FORM + FLAT.format(rate="0.95"))
    assert (r.spent_yuan, r.execution_rate_reported) == (None, None)


UNCAPTIONED = "项目名称 某配套资金 项目资金 全年预算数 全年执行数 分值 执行率 得分 80.5 78.2 10 {rate} 9 其他资金 — —\n"


def test_a_row_printed_right_after_its_header_is_read_when_its_rate_confirms_it():
    r = _parse(FORM + UNCAPTIONED.format(rate="97%"))
    assert _money(r) == (805000.0, None, 782000.0, 0.97)


def test_a_row_right_after_its_header_with_a_wrong_rate_is_not_read():
    r = _parse(FORM + UNCAPTIONED.format(rate="90%"))
    assert _money(r) == (None, None, None, None)


GLUED = "项目资金 (万元)全年预算数全年执行数执行率\n年度资金总额50万元{cells}\n"


def test_spent_and_rate_glued_after_a_separate_budget_cell():
    r = _parse(FORM + GLUED.format(cells="47.6895.00%"))
    assert _money(r) == (500000.0, None, 476800.0, 0.95)


def test_spent_and_rate_glued_with_no_split_giving_the_rate_are_not_read():
    r = _parse(FORM + GLUED.format(cells="47.6899.00%"))
    assert (r.spent_yuan, r.execution_rate_reported) == (None, None)


TRANSFER = ("资金投入情况\n(万元)\n\n行次 全年预算数\n(A)\n统筹整合资金数\n(B)\n扣除统筹整合资金后预算金额\n(C)\n"
            "全年到位资金\n(D)\n预算到位\n(D/C×100%)\n全年执行资金\n(E)\n预算执行\n(E/C×100%)\n佐证材料\n"
            "列次 0 1 2 3 4 5 6 7 所需材料\n年度资金总额(万元): 1 80.000000\n"
            "80.000000 80.000000 100.00% 60.000000 {rate}\n其中:中央财政资金(万元) 2 80.000000\n")


def test_the_transfer_payment_grid_with_arrival_columns_is_read_by_its_arithmetic():
    # 统筹整合资金数 (B) blank: C = A, D/C = 100 %, E/C = 75 %.
    r = _parse(FORM + TRANSFER.format(rate="75.00%"))
    assert _money(r) == (800000.0, 800000.0, 600000.0, 0.75)


def test_the_transfer_payment_grid_whose_rate_disagrees_gives_nothing():
    r = _parse(FORM + TRANSFER.format(rate="70.00%"))
    assert _money(r) == (None, None, None, None)


# ------------------------------------------------------------------ wording

def test_the_adjusted_full_year_budget_stands_beside_the_year_start_one():
    r = _parse("某镇人民政府2023年度部门整体支出绩效自评报告\n(二)部门资金情况。\n"
               "2023年度某镇年初预算1000万元,全年(调整)预算数1500.5万元。\n")
    assert (r.budget_yuan, r.budget_adjusted_yuan) == (10000000.0, 15005000.0)


PROJECTS = "我局2023年项目支出共3个,年初预算数300万元,支出数280万元。\n"


def test_project_spending_is_the_whole_of_a_project_spending_report():
    r = _parse("某州某局2023年度项目支出绩效单位自评报告\n一、基本情况\n" + PROJECTS)
    assert (r.budget_yuan, r.spent_yuan) == (3000000.0, 2800000.0)


def test_project_spending_is_a_part_of_a_department_wide_report():
    r = _parse("某州某局2023年度部门整体支出绩效自评报告\n一、基本情况\n" + PROJECTS)
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_project_spending_is_a_part_of_a_report_on_the_department_and_its_projects():
    r = _parse("某州某局2023年度部门整体及项目支出绩效自评报告\n一、基本情况\n" + PROJECTS)
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_spending_of_one_kind_named_spent_in_a_clause_stays_a_part():
    r = _parse(HEAD + "项目资金到位200万元,实际支出180万元。\n“三公经费”控制率:本年度支出数为0.01万元。\n")
    assert r.spent_yuan == 1800000.0


# ------------------------------------------------------------------ which total

def test_money_the_ministry_of_finance_issued_is_the_central_level():
    r = _parse(HEAD + "2024年,财政部下达我区住房保障补助资金4000万元。\n"
                      "我区安排自治区财政补助资金3000万元支持住房保障。\n")
    assert r.budget_yuan is None
    assert {c.value: c.lost for c in r.candidates["budget_yuan"]} == {40000000.0: LOST_LEVEL, 30000000.0: LOST_LEVEL}


def test_money_the_ministry_of_finance_issued_alone_is_the_budget():
    r = _parse(HEAD + "2024年,财政部下达我区住房保障补助资金4000万元。\n")
    assert r.budget_yuan == 40000000.0


def test_a_figure_hidden_by_a_mirror_leaves_its_visible_peer_undecided():
    r = _parse(HEAD + "根据(略)文件,下达给我单位资金 点击查看>> 万元。\n"
                      "根据(略)文件,下达给我单位资金1.53万元,其中:造林补助1万元。\n")
    assert r.budget_yuan is None
    assert [c.lost for c in r.candidates["budget_yuan"] if c.value == 15300.0] == [LOST_MASKED]


def test_a_hidden_item_of_a_list_hides_no_total():
    r = _parse(HEAD + "下达给我单位资金12万元,其中:造林补助 点击查看>> 万元,抚育补助2万元。\n")
    assert r.budget_yuan == 120000.0


LIST_LINE = ("1.资金支出情况\n\n某市收到省补助资金合计7505万元,已支出2171.13万元,资金支付率28.93%。{opening}\n\n"
             "收到甲路建设补助资金2666万元,已支出39万元,资金支付率1.46%。\n\n"
             "收到乙站建设补助资金520万元,已支出388.16万元,资金支付率74.65%。\n")


def test_a_line_ending_in_a_list_word_itemises_the_lines_after_it():
    r = _parse(HEAD + LIST_LINE.format(opening="其中:"))
    assert _money(r) == (None, 75050000.0, 21711300.0, 0.2893)


def test_lines_of_figures_with_no_list_word_stay_undecided():
    r = _parse(HEAD + LIST_LINE.format(opening=""))
    assert (r.available_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, None)


SUM_AFTER = ("合计下达我区公共文化资金53106万元(不含涉密资金)。\n"
             "分配方案:下达各市县公共文化资金39565.55万元,安排自治区本级部门预算资金{part}万元。\n")


def test_a_marked_total_whose_following_amounts_sum_to_it_is_the_budget():
    r = _parse(HEAD + SUM_AFTER.format(part="13540.45"))
    assert r.budget_yuan == 531060000.0
    assert {c.value: c.lost for c in r.candidates["budget_yuan"] if not c.chosen} == {
        395655500.0: LOST_ITEM, 135404500.0: LOST_ITEM}


def test_a_marked_amount_that_its_followers_do_not_sum_to_is_no_total_of_them():
    r = _parse(HEAD + SUM_AFTER.format(part="13500.45"))
    assert r.budget_yuan != 531060000.0
    assert not any(c.lost == LOST_ITEM for c in r.candidates["budget_yuan"])


TRANSFER_PIPES = (
    "年度:2024年\n资金投入情况(万元) | 行次 | 全年预算数(A) | 统筹整合资金数(B) | 扣除统筹整合资金后预算金额(C) | "
    "全年到位资金(D) | 预算到位(D/C×100%) | 全年执行资金(E) | 预算执行(E/C×100%) | 佐证材料\n"
    "年度资金总额(万元): | 1 | 80.000000 | | 80.000000 | 80.000000 | 100.00% | 60.000000 | {rate} | 预算下达文件\n"
    "其中:中央财政资金(万元) | 2 | 80.000000 | | 80.000000 | 80.000000 | 100.00% | 60.000000 | 75.00% |\n")


def test_the_transfer_payment_grid_as_a_pipe_table():
    r = _parse(FORM + TRANSFER_PIPES.format(rate="75.00%"))
    assert _money(r) == (800000.0, 800000.0, 600000.0, 0.75)


def test_the_transfer_payment_grid_as_a_pipe_table_whose_rate_disagrees_gives_no_money():
    r = _parse(FORM + TRANSFER_PIPES.format(rate="70.00%"))
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (None, None, None)


# ------------------------------------------------------------------ cells pushed below the header

_DISPLACED = ("某某项目绩效目标自评表(2022年度)\n资金情况(万元)年度资金总额全年预算数(A)120全年执行数(B)执行率(B/A)"
              "其中中央补助自治区补助120万元\n{spent}万元\n{rate}%年度总体目标 完成某某任务\n")


def test_spent_and_rate_pushed_below_an_empty_header_are_read_when_they_agree():
    r = _parse(_DISPLACED.format(spent="96.6", rate="80.5"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (1_200_000, 966_000, 0.805)
    assert r.text[slice(*r.evidence["spent_yuan"].span)] == "96.6"


def test_spent_and_rate_pushed_below_that_disagree_are_not_read():
    r = _parse(_DISPLACED.format(spent="96.6", rate="85.5"))  # 96.6 ÷ 120 = 80.5 %, not 85.5 %
    assert (r.spent_yuan, r.execution_rate_reported) == (None, None)


def test_cells_pushed_below_read_once_when_a_part_row_restates_them_and_in_the_declared_unit():
    r = _parse(_DISPLACED.replace("{spent}万元\n{rate}%", "{spent}万元\n{rate}%\n120万元\n{spent}万元\n{rate}%")
               .format(spent="96.6", rate="80.5"))
    assert (r.spent_yuan, r.execution_rate_reported) == (966_000, 0.805)
    r = _parse("某某项目绩效自评表\n(单位:元)\n资金情况年度资金总额全年预算数(A)3000000全年执行数(B)执行率(B/A)"
               "其中中央补助自治区补助3000000\n2594500\n86.48%市县资金年度总体目标完成任务\n")
    assert (r.budget_yuan, r.spent_yuan) == (3_000_000, 2_594_500)


def test_an_amount_beside_its_share_or_arrival_below_an_empty_header_is_not_spent():
    # (a review's counter-examples: amount ÷ budget equals the percent by construction)
    head = "某某项目绩效目标自评表(2022年度)\n资金情况(万元)年度资金总额全年预算数(A)300全年执行数(B)执行率(B/A)\n"
    for rows in ("其中:中央补助 240 80%\n自治区补助\n", "其中中央补助自治区补助\n资金到位情况 到位资金 300 100%\n",
                 "其中中央补助自治区补助\n总体目标 完成任务 培训人数 10 300 100% 10\n"):
        r = _parse(head + rows + "年度总体目标 完成任务\n")
        assert (r.spent_yuan, r.execution_rate_reported) == (None, None), rows
