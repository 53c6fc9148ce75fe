"""Rules of the eleventh session on issue 11: a whole known by its parts (a figure with
no total word whose parts, listed after 其中 by funding level, sum to it; a level's share
stated again elsewhere; a budget of 0 beside the year's figures), and the MoF form's row
glued in its own column order (…执行数 | 分值 | 执行率 | 得分).

Short texts written for each rule in the style of the templates (no real report is
copied here), each with the value the rule must give and a case where it must abstain.
"""

from __future__ import annotations

import fiscal_eval
import pytest
from fiscal_eval.parse import parse_document
from fiscal_eval.parse.funds import LOST_LEVEL_SHARE, LOST_ZERO
from fiscal_eval.sources.text import document_from_text

HEAD = "某县2024年度财政衔接推进乡村振兴补助资金绩效评价工作自评报告\n一、资金保障方面\n"


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


def _lost(r: fiscal_eval.Report, value: float) -> str:
    return next(c.lost for c in r.candidates["budget_yuan"] if c.value == value)


def test_a_figure_its_level_parts_sum_to_is_the_whole():
    r = _parse(HEAD + "2023年度县本级预算安排的衔接资金为64万元,2024年度县本级预算安排的衔接资金为76万元。\n"
                      "2024年度安排财政衔接资金2110万元,其中中央资金1413万元、省级资金621万元、县级资金76万元,"
                      "建设13个项目。\n")
    assert r.budget_yuan == 21100000.0
    # The county's own 76万元 is the 县级 part of that whole, stated again.
    assert _lost(r, 760000.0) == LOST_LEVEL_SHARE


def test_level_parts_that_do_not_sum_to_the_figure_make_it_no_whole():
    # 1413 + 621 + 70 = 2104: the parts are not all of it (or a figure is misprinted).
    r = _parse(HEAD + "2023年度县本级预算安排的衔接资金为64万元。\n"
                      "2024年度安排财政衔接资金2110万元,其中中央资金1413万元、省级资金621万元、县级资金70万元。\n")
    assert r.budget_yuan is None
    assert {c.value for c in r.candidates["budget_yuan"]} >= {640000.0, 21100000.0}


def test_a_level_share_and_a_zero_are_not_chosen_when_the_whole_is_an_item():
    # The whole is stated in an enumerated paragraph ("(2)…"), read as one item of a list:
    # neither the county's share (11.3, equal to its 县级 part) nor another year's 0 is the
    # budget in its place.
    r = _parse(HEAD + "1、县级履行支出责任情况\n"
                      "2023年度县本级无衔接资金任务,所以预算安排的衔接资金为0万元,2024年度县本级预算安排的衔接资金为11.3万元。\n"
                      "2、到县衔接资金安排使用的合理性\n"
                      "(1)按照有关要求,制定了资金管理办法。\n"
                      "(2)2024年度安排财政衔接资金134.3万元,其中中央资金73万元、省级资金43万元、市级资金7万元、"
                      "县级资金11.3万元,建设2个项目。\n")
    assert r.budget_yuan is None
    assert _lost(r, 113000.0) == LOST_LEVEL_SHARE
    assert _lost(r, 0.0) == LOST_ZERO


def test_the_central_part_of_an_evaluations_scope_stays_the_transfers_budget():
    # The total here is the money an evaluation covers, not an allocation: its central
    # part is the central transfer's whole budget, not a share of the budget.
    r = _parse("某省2024年度车购税收入补助地方资金绩效自评报告\n"
               "2024年度车购税收入补助地方预算资金共10401.21万元。纳入绩效评价的资金共43485.32万元，"
               "其中中央资金10401.21万元，地方资金33084.11万元。\n")
    assert r.budget_yuan == 104012100.0


# ------------------------------------------------------------------ the MoF row, glued

FORM = "某县2021年度项目支出绩效自评表\n项目名称 甲项目\n项目资金(万元) "


def test_the_mof_row_glued_in_the_forms_order_is_read_by_its_arithmetic():
    # 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分: 100.6 | 100.6 | 95.5 | 10 | 94.93% | 9.49
    r = _parse(FORM + "年初预算数全年预算数全年执行数分值执行率得分年度资金总额:100.6100.695.51094.93%9.49\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (1006000.0, 955000.0, 0.9493)


def test_the_mof_row_with_two_money_columns_and_a_weight_in_its_header():
    r = _parse(FORM + "年初预算数(A)全年执行数(B)分值(10分)执行率(B/A)得分年度资金总额:310.2154.741050%5执行率*该指标分值\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (3102000.0, 1547400.0, 0.5)


def test_a_glued_mof_row_whose_rate_no_split_gives_yields_no_money():
    # 10 × 60 % = 6 points, but no split of 310.2154.74 gives 60 %: the rate is read, no money.
    r = _parse(FORM + "年初预算数(A)全年执行数(B)分值(10分)执行率(B/A)得分年度资金总额:310.2154.741060%6\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, 0.6)


# ------------------------------------------------------------------ a fund's part, named

FUND = "河北省中央农业生产和水利救灾资金转移支付2022年度绩效自评报告\n一、绩效目标分解下达情况\n"


def test_a_fund_the_body_always_qualifies_is_named_with_its_qualifier():
    r = _parse(FUND + "2022年,中央下达我省3批中央农业生产和水利救灾资金（水利部分）,共计6800万元。"
                      "省财政厅将3批中央农业生产和水利救灾资金（水利部分）分解下达到相关市县。\n")
    assert r.project_name == "中央农业生产和水利救灾资金(水利部分)"
    assert [c.value for c in r.candidates["project_name"] if not c.chosen] == ["中央农业生产和水利救灾资金"]


def test_a_fund_qualified_two_ways_or_once_keeps_the_titles_name():
    two_ways = _parse(FUND + "中央下达我省中央农业生产和水利救灾资金(水利部分)6800万元。"
                             "另下达中央农业生产和水利救灾资金(农业部分)300万元。\n")
    once = _parse(FUND + "中央下达我省中央农业生产和水利救灾资金(水利部分)6800万元。"
                         "中央农业生产和水利救灾资金主要按照因素法分配。\n")
    named_so = _parse(FUND + "中央下达我省中央农业生产和水利救灾资金(以下简称救灾资金)6800万元。"
                             "中央农业生产和水利救灾资金(以下简称救灾资金)按因素法分配。\n")
    assert two_ways.project_name == once.project_name == named_so.project_name == "中央农业生产和水利救灾资金"


# ------------------------------------------------------------------ money named only as 财政资金

def test_fiscal_money_after_a_count_of_allocated_projects_is_the_budget():
    r = _parse("某市农业农村局2023年度项目支出绩效自评报告\n"
               "2023年预算安排我局专项资金项目共计113个,财政资金3267.28万元。\n")
    assert r.budget_yuan == 32672800.0


def test_fiscal_money_of_no_allocation_or_after_a_figure_is_no_budget():
    # No allocating word in its sentence; and a part of an investment stated before it.
    unallocated = _parse("某市农业农村局2023年度项目支出绩效自评报告\n我局负责的项目共计113个,财政资金3267.28万元。\n")
    part = _parse("某市农业农村局2023年度项目支出绩效自评报告\n"
                  "项目总投资500万元,财政资金300万元,已安排到位。\n")
    assert unallocated.budget_yuan is None
    assert part.budget_yuan != 3000000.0


# ------------------------------------------------------------------ kinds of projects, each a fund

def test_a_transfer_that_covers_two_kinds_of_projects_names_no_project():
    r = _parse("我市2023年度中央专项资金转移支付涉及两类项目,分别是:甲类和乙类。\n一、绩效目标分解下达情况\n"
               "甲类:2023年度,中央下达我市甲污染防治资金共1737万元。\n乙类:2023年度,中央下达我市乙污染防治资金共2404万元。\n")
    assert r.project_name is None
    assert "甲污染防治资金" in {c.value for c in r.candidates["project_name"]}


def test_kinds_of_service_one_fund_pays_for_leave_its_name():
    r = _parse("我县2023年度中央专项资金转移支付绩效自评情况\n一、绩效目标分解下达情况\n"
               "2023年度,中央下达我县基本公共卫生服务补助资金共1737万元。服务内容主要包括12类项目,包括建立居民健康档案、健康教育。\n")
    assert r.project_name == "基本公共卫生服务补助资金"


def test_a_name_whose_brackets_a_file_name_lost_is_reported_with_them():
    # A document-sharing page heads the report with its file name, which runs the part into
    # the fund's name; the report's own title brackets it.
    r = _parse("河北省救灾中央直达资金冬春救助资金2021年度绩效自评报告.docx\n"
               "《河北省救灾中央直达资金冬春救助资金2021年度绩效自评报告.docx》由会员分享,可在线阅读\n"
               "1、河北省救灾中央直达资金(冬春救助资金)2021年度绩效自评报告\n"
               "现将我省救灾中央直达资金(冬春救助资金)2021年度绩效自评情况报告如下:\n")
    assert r.project_name == "救灾中央直达资金(冬春救助资金)"


# ------------------------------------------------------------------ all arrived, said with a manner

def test_money_all_paid_over_in_time_arrived():
    r = _parse("某区某工程转移支付2020年度绩效自评报告\n1.资金到位情况分析;\n"
               "2020年度该项目资金2842.5157万元转移支付资金全部及时拨付到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (28425157.0, 28425157.0)


def test_money_allocated_with_no_word_of_arrival_did_not_arrive():
    r = _parse("某区某工程转移支付2020年度绩效自评报告\n1.资金到位情况分析;\n"
               "2020年度该项目资金2842.5157万元转移支付资金按进度拨付。\n")
    assert (r.budget_yuan, r.available_yuan) == (28425157.0, None)


# ------------------------------------------------------------------ a fund's share of an investment; paid, by the rate

WATER = ("某县中央财政水污染防治专项资金2020年度绩效自评报告\n一、项目基本情况\n"
         "全省确定26项水污染防治项目,其中涉及我县项目1个,项目总投资1807万元,其中中央财政水污染防治专项资金850万元,"
         "地方自筹957万元。\n二、资金使用情况\n")


def test_the_reports_fund_as_a_share_of_an_investment_is_its_budget_and_paid_money_the_rate_confirms_is_spent():
    r = _parse(WATER + "按照工程进度已拨付中央财政水污染防治资金680万元,专项资金执行率为80%。\n")
    assert (r.project_name, r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (
        "中央财政水污染防治专项资金", 8500000.0, 6800000.0, 0.8)


def test_paid_money_the_rate_does_not_confirm_is_not_spent():
    # 600 / 850 = 70.6 %, not the 80 % the sentence states; and money paid in another sentence.
    other = _parse(WATER + "按照工程进度已拨付中央财政水污染防治资金600万元,专项资金执行率为80%。\n")
    apart = _parse(WATER + "按照工程进度已拨付中央财政水污染防治资金680万元。\n专项资金执行率为80%。\n")
    assert other.budget_yuan == apart.budget_yuan == 8500000.0
    assert other.spent_yuan is None and apart.spent_yuan is None


# ------------------------------------------------------------------ all arrived, said after the parts

def test_all_arrived_after_the_list_of_parts_is_said_of_the_whole():
    in_list = _parse(HEAD + "2024年,用于乡村振兴建设任务安排资金19204.096万。其中,央省14059.11万元、市级1299万元、"
                            "县级3845.986万元,资金已全部到位。\n")
    after = _parse("某县2023年度中央水利发展资金绩效自评报告\n下达我县2023年中央水利发展资金2263万元。"
                   "其中:中小河流治理工程1435万元,小流域综合治理700万元,农业水价改革128万元。中央资金已全部到位。\n")
    assert (in_list.budget_yuan, in_list.available_yuan) == (192040960.0, 192040960.0)
    assert (after.budget_yuan, after.available_yuan) == (22630000.0, 22630000.0)


def test_arrival_said_of_one_part_or_denied_is_not_the_wholes():
    one = _parse(HEAD + "2024年安排资金300万元。其中,中央资金200万元已全部到位,县级资金100万元。\n")
    denied = _parse(HEAD + "2024年安排资金300万元。其中,中央资金200万元、县级资金100万元,县级资金尚未全部到位。\n")
    assert one.budget_yuan == denied.budget_yuan == 3000000.0
    assert one.available_yuan is None and denied.available_yuan is None


# ------------------------------------------------------------------ a title over a span of years

def test_a_title_over_a_span_of_years_names_its_project_and_no_year():
    r = _parse("某省住房和城乡建设厅关于2017-2019年省级城镇保障性安居工程支出绩效自评报告\n一、项目概况\n")
    assert (r.project_name, r.year) == ("省级城镇保障性安居工程", None)


def test_a_form_field_naming_the_titles_project_with_its_place_and_year_agrees_with_it():
    # The title's project (供热补贴项目, its place and year read as the title's own) and the
    # field's (with them) are one project: the field's name, as written, is reported.
    for years in ("2019", "2019-2020"):
        r = _parse(f"某某区{years}年度供热补贴项目绩效自评表\n项目名称\t某某区{years}年度供热补贴项目\n")
        assert r.project_name == f"某某区{years}年度供热补贴项目"


# ------------------------------------------------------------------ a section in the unit's field

def test_a_section_in_the_units_field_gives_way_to_its_department():
    r = _parse("项目支出绩效自评表\n（2021年度）\n项目名称\t某项目\n地方主管部门\t某市生态环境局\n实施单位\t大气环境科\n")
    assert r.agency == "某市生态环境局"
    assert [c.reason for c in r.candidates["agency"] if c.value == "大气环境科"] == ["实施单位栏为内设科室，不是预算单位"]


def test_a_unit_named_as_an_office_of_its_own_stays_the_unit():
    r = _parse("项目支出绩效自评表\n（2021年度）\n项目名称\t某项目\n主管部门\t某县交通运输局\n实施单位\t某县公路管理处\n")
    assert r.agency == "某县公路管理处"


# ------------------------------------------------------------------ special-bond reports

def test_a_bond_reports_title_names_no_unit_and_its_bracket_names_the_project():
    r = _parse("某省政府专项债券项目绩效自评价报告(某新城水质净化中心)\n一、项目情况\n")
    assert (r.agency, r.project_name) == (None, "某新城水质净化中心")


def test_the_bonds_issuer_and_kind_are_no_unit_or_project():
    r = _parse("某省地方政府专项债券项目资金绩效评价报告\n一、基本情况\n")
    assert (r.agency, r.project_name) == (None, None)
    # a unit before the bonds is still the unit
    r = _parse("某县交通运输局2022年政府专项债券项目绩效自评报告\n一、项目情况\n")
    assert r.agency == "某县交通运输局"


# ------------------------------------------------------------------ items only

def test_a_rate_stated_only_for_each_enumerated_item_is_no_overall_rate():
    r = _parse("某县教育局2022年部门绩效自评工作情况总结\n"
               "2022年我单位项目支出绩效自评项目35个,分为七个方面,一是其他教育管理事务支出合计75万元,已于本年度支出75万元,"
               "预算完成率100%;二是学前教育支出合计3624.71万元,已于本年度支出3624.71万元,预算完成率100%。\n")
    assert (r.execution_rate_reported, r.budget_yuan) == (None, None)


def test_a_total_closing_enumerated_items_is_still_the_whole():
    r = _parse("某县交通运输局2022年度农村公路建设项目绩效自评报告\n"
               "(一)项目资金情况:1、县乡道改造项目:安排300万元;2、通村公路项目:安排200万元,合计500万元。\n")
    assert r.budget_yuan == 5_000_000


# ------------------------------------------------------------------ a section about a sample

def test_figures_of_a_section_about_a_sample_of_projects_are_not_the_reports():
    r = _parse("某省应急管理厅2022年度安全生产专项资金绩效自评报告\n一、基本情况\n"
               "2022年度安排专项资金23834万元。\n(二)现场评价专项资金基本情况\n"
               "本次现场评价项目215个,评价金额为9653.00万元。截至2023年4月10日,项目资金共支出5995.28万元,资金执行率为70.33%。\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (238340000.0, None, None)


def test_a_title_naming_a_sample_leaves_the_reports_figures_its_own():
    r = _parse("某县2022年度项目支出绩效抽查评价报告\n一、基本情况\n2022年预算安排资金100万元,实际支出90万元,执行率90%。\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (1000000.0, 900000.0, 0.9)


def test_all_arrived_in_the_sentence_after_a_figure_alone_in_its_own():
    r = _parse("某医院2023年度国家基本公共卫生服务项目绩效自评报告\n1.项目资金到位情况分析。\n"
               "某财社发〔2023〕128号文件下达某医院国家基本公共卫生服务项目州级补助资金2.00万元。\n财政资金已全部到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (20000.0, 20000.0)
    put = _parse("某小学2020年度项目支出绩效自评报告\n截至2020年12月31日,我校所有预算项目资金及追加预算项目资金合计101.2万元"
                 "已全部落实到位。\n")
    assert put.available_yuan == 1012000.0


def test_a_rate_of_arrival_beside_the_budget_states_no_amount_arrived():
    # (a labelled page: 年初预算1086.95万元,资金到位率100% — no 到位 amount is stated)
    r = _parse("某厅2023年度项目支出绩效自评报告\n年初预算1086.95万元,资金到位率100%。全部属于财政资金。\n")
    assert (r.budget_yuan, r.available_yuan) == (10869500.0, None)


# ------------------------------------------------------------------ money a region obtained

def test_money_the_region_obtained_is_its_allocation():
    r = _parse("某市2023年度中央水污染防治转移支付资金绩效自评报告\n一、资金下达情况\n"
               "我市获得2023年度中央水污染防治专项资金17347万元其中第一批资金9910万元,分别支持甲项目3000万元、乙项目6910万元。\n")
    assert r.budget_yuan == 173470000.0


def test_a_households_subsidy_obtained_or_another_years_is_no_allocation():
    each = _parse("某县2023年度耕地地力保护补贴资金绩效自评报告\n一、基本情况\n全县每户农户获得补贴资金500元。\n")
    before = _parse("某市2023年度中央水污染防治转移支付资金绩效自评报告\n一、资金下达情况\n"
                    "2022年度我市获得中央水污染防治专项资金12000万元。\n")
    assert each.budget_yuan is None and before.budget_yuan is None


def test_a_field_naming_the_titles_fund_with_its_place_year_and_level_agrees_with_it():
    r = _parse("2021年中央化肥减量增效示范县项目补助资金绩效自评报告\n项目名称\t某区2021年中央化肥减量增效示范县项目补助资金\n")
    assert r.project_name == "某区2021年中央化肥减量增效示范县项目补助资金"


# ------------------------------------------------------------------ the MoF row with its 分值 glued in

@pytest.mark.parametrize(("row", "budget", "spent"), [
    ("2456.182456.182456.1810100%10", 24561800.0, 24561800.0),  # not 2456.1824|56.1824|56.1810
    ("5050452090%18", 500000.0, 450000.0),  # not 5050|45
    ("2002001001050%5", 2000000.0, 1000000.0),  # not 200200|100
])
def test_a_glued_mof_row_is_parted_with_its_weight_and_points(row, budget, spent):
    r = _parse(FORM + f"年初预算数全年预算数全年执行数分值执行率得分年度资金总额:{row}\n")
    assert (r.budget_yuan, r.spent_yuan) == (budget, spent)


# ------------------------------------------------------------------ a department's special funds

def test_a_departments_special_funds_are_not_its_budget():
    head = ("一、部门概况\n某区动物疫病预防控制中心是某区农业农村局下属二级事业单位。\n二、部门资金基本情况\n"
            "(一)年初部门预算安排及支出情况\n2021年,某区动物疫病预防控制中心基本支出127.31万元,主要用于工资和公用经费。\n"
            "(二)追加预算安排及支出情况\n2021年某区动物疫病预防控制中心追加预算82.25万元,支出7.48万元。\n")
    r = _parse(head + "(三)专项资金安排及支出情况\n2021年某区动物疫病预防控制中心安排专项资金5.6万元,支出1.51万元\n")
    assert r.kind == "department" and r.budget_yuan is None
    assert 56000.0 in {c.value for c in r.candidates["budget_yuan"]}
    # the department's whole, stated, is still its budget
    whole = _parse(head + "(三)部门预算总体情况\n2021年部门预算安排资金合计215.16万元,其中专项资金5.6万元。\n")
    assert whole.budget_yuan == 2151600.0
