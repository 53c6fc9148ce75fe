"""Cases a review helper wrote against the eleventh session's rules (issue 11), each a
text where a first version of a rule returned a wrong or unstated value; the texts are the
reviewer's own, in the style of county reports (no real report is copied here). Each case
names the value the text states, or None where it states none."""

from __future__ import annotations

import pytest

from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _field(text: str, field: str):
    r = parse_document(document_from_text(text, "t.txt"))
    return {"avail": r.available_yuan, "budget": r.budget_yuan, "spent": r.spent_yuan,
            "project": r.project_name, "agency": r.agency}[field]


# name: (field, text, the value the text states), grouped by the rule each case broke.
CASES = {
    # the arrival words: not denied, and said of the whole
    'neg_arrived1': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年上级下达我局农村人居环境整治资金500万元,由于县级财力紧张,资金未能及时足额拨付到位。\n',
                None),
    'neg_arrived2': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年县财政下达我局项目资金500万元,资金未全额拨付到位,影响了项目进度。\n',
                None),
    'after_part': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年下达我局项目资金300万元。其中,中央资金200万元、县级配套资金100万元。中央资金已全部到位。\n',
                None),
    'after_part2': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年下达我局项目资金300万元。其中,中央资金200万元、县级配套资金100万元。县级配套资金已足额到位。\n',
                None),
    'after_equip': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年安排项目资金300万元。其中,中央资金200万元、县级资金100万元。项目所需设备已全部到位。\n',
                None),
    'after_staff': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年安排项目资金300万元,其中中央资金200万元、县级资金100万元,技术人员全部到位。\n',
                None),
    'after_prev': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年安排项目资金300万元。其中,中央资金200万元、县级资金100万元。上年结转资金已全部到位。\n',
                None),
    'avail_share': ('avail', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2023年下达项目资金1000万元,其中中央资金600万元、县级资金400万元。截至年底实际到位资金600万元,县级资金尚未到位。\n',
                6000000.0),
    # a level's share, a region's whole, an investment's share
    'share_proj': ('budget', '某县交通运输局2023年度产业路建设项目绩效自评报告\n一、项目基本情况\n2023年全县下达财政衔接资金1000万元,其中中央资金600万元、省级资金400万元。我局实施的产业路建设项目预算安排资金600万元,全部为中央资金。\n',
                6000000.0),
    'share_proj2': ('budget', '某县交通运输局2023年度产业路建设项目绩效自评报告\n一、项目基本情况\n2023年全县安排财政衔接资金1000万元,其中中央资金600万元、省级资金400万元。产业路建设项目安排资金600万元。\n',
                None),
    'nfp_prov': ('budget', '某县中央财政水污染防治专项资金2020年度绩效自评报告\n一、项目基本情况\n全省确定26项水污染防治项目,总投资52000万元,其中中央财政水污染防治专项资金21000万元。\n下达我县中央财政水污染防治专项资金850万元。\n',
                8500000.0),
    'nfp_prov2': ('budget', '某县中央财政水污染防治专项资金2020年度绩效自评报告\n一、项目基本情况\n全省确定26项水污染防治项目,总投资52000万元,其中中央财政水污染防治专项资金21000万元,地方自筹31000万元。我县实施项目1个。\n',
                None),
    'nfp_multi2': ('budget', '某县中央财政水污染防治专项资金2020年度绩效自评报告\n一、项目基本情况\n我县实施项目2个。甲污水处理厂项目总投资1807万元,其中中央财政水污染防治专项资金850万元,地方自筹957万元。乙项目由县级财政安排。\n',
                None),
    # money named only as 财政资金: not planned, counted, another year's or levering
    'fis_prevyear': ('budget', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2022年下达我县同类项目8个,财政资金420万元。2023年项目资金按计划执行。\n',
                None),
    'fis_cumul': ('budget', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n近三年,县委县政府累计安排乡村振兴项目56个,财政资金1.2亿元。\n',
                None),
    'fis_plan': ('budget', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n2024年计划安排项目15个,财政资金800万元。\n',
                None),
    'fis_lever': ('budget', '某县农业农村局2023年度项目支出绩效自评报告\n一、项目基本情况\n通过项目实施,撬动社会资本投入,安排项目12个,财政资金300万元带动社会投资1500万元。\n',
                None),
    # a bracket after the fund's name that is no qualifier of it
    'q_batch': ('project', '某县2023年度中央财政衔接推进乡村振兴补助资金绩效自评报告\n一、资金下达情况\n2023年1月,提前下达中央财政衔接推进乡村振兴补助资金(第一批)2000万元,用于产业发展。6月再次下达资金1000万元。中央财政衔接推进乡村振兴补助资金(第一批)已全部分配到项目。\n',
                '中央财政衔接推进乡村振兴补助资金'),
    'q_method': ('project', '某县2023年度村级公益事业建设一事一议财政奖补资金绩效自评报告\n一、基本情况\n根据《村级公益事业建设一事一议财政奖补资金(试行)管理办法》,下达资金500万元。按照《村级公益事业建设一事一议财政奖补资金(试行)管理办法》规定使用。\n',
                '村级公益事业建设一事一议财政奖补资金'),
    'q_part': ('project', '某县2023年度农业保险保费补贴资金绩效自评报告\n一、资金下达情况\n2023年,中央下达我县农业保险保费补贴资金(种植业)800万元,省级下达农业保险保费补贴资金(种植业)200万元。此外养殖业保险保费补贴由县级统筹安排。\n',
                '农业保险保费补贴资金'),
    'q_han': ('project', '某县2023年度高标准农田建设资金绩效自评报告\n一、基本情况\n2023年下达我县高标准农田建设资金(含省级配套)3000万元。高标准农田建设资金(含省级配套)已全部到位。\n',
                '高标准农田建设资金'),
    'q_year_spent': ('project', '某县2023年度耕地地力保护补贴资金绩效自评报告\n一、基本情况\n2023年发放耕地地力保护补贴资金(一卡通)3000万元,耕地地力保护补贴资金(一卡通)发放到户。\n',
                '耕地地力保护补贴资金'),
    # units whose names end in 室
    'sec_office': ('agency', '项目支出绩效自评表\n（2022年度）\n项目名称\t政务信息公开经费\n主管部门\t某县人民政府\n实施单位\t县政府办公室\n',
                '县政府办公室'),
    'sec_office2': ('agency', '项目支出绩效自评表\n（2022年度）\n项目名称\t党史编纂经费\n主管部门\t中共某县委员会\n实施单位\t县委党史研究室\n',
                '县委党史研究室'),
    # a project's sources of money are no kinds of project
    'multi_src': ('project', '某县2023年度农村饮水安全巩固提升工程项目绩效自评报告\n一、项目基本情况\n本项目涉及两类资金,即中央财政衔接资金和县级配套资金。项目总投资500万元。\n',
                '农村饮水安全巩固提升工程项目'),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_text_reads_as_it_states(case: str):
    field, text, stated = CASES[case]
    assert _field(text, field) == stated


def test_a_glued_mof_row_is_read_in_the_unit_the_form_declares():
    # "金额单位：元" / "单位:元" above the grid: the cells are yuan, not 万元.
    field = _field('项目支出绩效自评表\n（2021年度）\n金额单位：元\n项目名称\t乡村道路养护项目\n主管部门\t某县交通运输局\t实施单位\t某县公路管理站\n项目资金\t年初预算数全年预算数全年执行数分值执行率得分年度资金总额:86000.0086000.0077400.001090%9\n', "budget")
    unit_line = _field('某县2021年度项目支出绩效自评表\n项目名称 甲项目\n单位:元\n项目资金 年初预算数全年预算数全年执行数分值执行率得分年度资金总额:500005000045000.001090%9\n', "budget")
    assert (field, unit_line) == (86000.0, 50000.0)
