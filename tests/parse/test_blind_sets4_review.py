"""Counter-examples to the rules of test_blind_sets4.py (commits 04837d4..730c1ea): texts
written the way reports state things, where a rule as first written gave a wrong or
invented value, or lost one that was right before it. Each test says which rule and why.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


# ------------------------------------------------------------------ which unit


def test_the_year_written_before_a_units_name_is_no_part_of_it():
    # _spelled_out read "2020年度甲山县司法局" as the names 度甲山县司法局 and 年度甲山县司法局
    # (a name may start after "2020年", so at the 度 of 年度), and took the shortest.
    text = "县司法局2020年度法律顾问经费绩效自评报告\n一、基本情况\n2020年度甲山县司法局法律顾问经费预算110万元。\n"
    assert _parse(text).agency == "甲山县司法局"
    text = ("2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n一、基本情况\n"
            "2024年度甲曲县城关镇社区卫生服务中心预算收入300万元。\n")
    assert _parse(text).agency == "甲曲县城关镇社区卫生服务中心"


def test_a_verb_before_a_units_short_name_is_no_county():
    # The shortest reading every other one ends with was taken as the full name even where
    # it is a sentence's words: 拨付县司法局, 督促县司法局. The text never writes the county
    # before the unit's own name, so the title's short name stays.
    text = ("县司法局2020年度法律顾问经费绩效自评报告\n一、基本情况\n"
            "甲山县财政拨付县司法局法律顾问经费110万元。年初,拨付县司法局经费30万元。\n")
    assert _parse(text).agency == "县司法局"
    text = ("县司法局2020年度法律顾问经费绩效自评报告\n一、基本情况\n"
            "为做好普法工作,督促县司法局完成任务。甲山县政府督促县司法局开展自评。\n")
    assert _parse(text).agency == "县司法局"


def test_a_unit_its_place_names_is_a_unit_though_its_project_follows():
    # "老年人日间照料中心项目" (a facility built) dropped every unit followed by 项目/工程/
    # 建设: a county's disease-control centre opening two sentences with its project money
    # was lost.
    text = ("2022年度疫苗冷链项目支出绩效自评报告\n一、基本情况\n"
            "甲山县疾病预防控制中心项目资金共计50万元,主要用于疫苗冷链设备购置。\n"
            "甲山县疾病预防控制中心严格执行预算,资金使用规范。\n")
    assert _parse(text).agency == "甲山县疾病预防控制中心"
    text = ("2022年度项目绩效自评报告\n一、项目概况\n甲山县人民医院工程建设项目总投资80万元。\n"
            "甲山县人民医院严格执行预算,项目按期完工。\n")
    assert _parse(text).agency == "甲山县人民医院"


def test_an_administration_speaking_of_what_it_does_is_not_an_institute():
    # 我所 was read as an institute's voice (…研究所) in "按照我所承担的职能", "据我所知":
    # 所 before a verb; the bureau publishing its own report lost its name.
    head = "索引号 | 01526405-X/20240325-00023 | 发布机构 | 某县农业农村局 |\n2023年度部门整体支出绩效自评报告\n"
    text = head + "一、部门基本情况\n本单位内设6个股室。按照我所承担的职能,全年完成各项工作任务。\n"
    assert _parse(text).agency == "某县农业农村局"
    text = head + "一、部门基本情况\n本部门负责全县农业农村工作。据我所知,全年无违规使用资金情况。\n"
    assert _parse(text).agency == "某县农业农村局"


# ------------------------------------------------------------------ which year, which title


def test_a_template_placeholder_year_does_not_unsay_the_reports_own_title():
    # "20XX年" anywhere in the head rejected every year not restated in the body, the
    # report's own title's too: a form left with its template's 填报日期, a notice cited
    # as 202X年.
    text = ("某县2022年度农村饮水安全项目绩效自评报告\n一、基本情况\n本年度项目预算500万元,实际支出480万元。\n"
            "填报人:张三 填报日期:20XX年X月X日\n")
    assert _parse(text).year == 2022
    text = ("2022年度农村饮水安全项目绩效自评报告\n一、基本情况\n"
            "根据《关于开展202X年度项目支出绩效自评工作的通知》要求,我局对该项目开展了自评。\n")
    assert _parse(text).year == 2022


def test_a_sites_list_of_other_pages_under_a_report_does_not_take_its_title():
    # Every title above the first essay-site line became the site's: a report page whose
    # "相关推荐" list below the text holds "…(通用5篇)" lost its own title.
    text = ("甲县2022年度农村饮水安全巩固提升项目绩效自评报告\n一、基本情况\n本项目预算500万元,实际支出480万元。\n"
            "二、自评结论\n自评得分95分。\n相关推荐\n农村饮水安全项目绩效自评报告(通用5篇)\n"
            "乡镇项目绩效自评报告范文(精选8篇)\n")
    r = _parse(text)
    assert (r.project_name, r.year) == ("农村饮水安全巩固提升项目", 2022)


# ------------------------------------------------------------------ project names


def test_a_fund_for_a_kind_of_institution_is_a_fund():
    # _UNITS_FUNDS read any organisation's word before 专项资金 as a unit's own money
    # (园林管理处专项资金); a fund for a kind of institution names its fund.
    for fund in ("乡镇卫生院专项资金", "公共图书馆专项资金", "新时代文明实践中心专项资金", "特殊教育学校专项资金"):
        assert _parse(f"2021年度{fund}绩效自评报告\n一、基本情况\n").project_name == fund
    # a unit's own special funds still name none
    assert _parse("2021年度林业局专项资金绩效自评报告\n一、基本情况\n").project_name is None


def test_a_title_counting_villages_or_sites_names_one_project():
    # _TITLE_COUNT / _COUNTED took any count before 项目 as a count of projects: 5个村,
    # 3个安置点 are what one project covers.
    assert _parse("甲镇5个村道路硬化项目绩效自评报告\n一、基本情况\n").project_name == "甲镇5个村道路硬化项目"
    assert _parse("甲县3个安置点配套项目绩效自评报告\n一、基本情况\n").project_name == "甲县3个安置点配套项目"
    # a count of projects still names none
    assert _parse("某县2021年12个民生实事项目绩效评价报告\n一、基本情况\n").project_name is None


# ------------------------------------------------------------------ which total


def test_money_the_titles_funds_share_is_not_one_funds():
    # one_of_the_titles_funds set aside any amount whose label names "a fund" and not both
    # of the title's: 养护经费, 项目资金 and 两项经费 name them together.
    head = "某市园林绿化养护经费及城区行道树养护经费绩效评价报告\n一、基本情况\n"
    for said in ("2020年预算安排养护经费545.14万元", "2020年下达项目资金545.14万元", "2020年两项经费预算545.14万元"):
        assert _parse(head + said + ",实际支出540万元。\n").budget_yuan == 5451400.0
    # money named by one of them is still that fund's
    text = head + "2020年下达了园林绿化经费:514.56万元,行道树养护费:30.58万元。\n"
    assert _parse(text).budget_yuan is None


def test_a_form_rows_heading_over_budget_and_execution_is_not_the_spent():
    # 预算执行 (money spent: "预算执行 98万元") also heads a form row over both figures; the
    # row's first number is its budget.
    r = _parse("某局2021年度某项目绩效自评报告\n预算执行 | 预算数 | 200万元 | 执行数 | 180万元\n")
    assert (r.budget_yuan, r.spent_yuan) == (2000000.0, 1800000.0)
    r = _parse("某局2021年度某项目绩效自评报告\n| 预算执行 | 200万元 | 180万元 |\n")
    assert r.spent_yuan is None


# ------------------------------------------------------------------ score and grade


def test_a_grade_scale_is_no_score():
    # 绩效评为N分 (a score) also opens a scale's band: "绩效评为90分(含)以上为优".
    r = _parse("某局2021年度某项目绩效自评报告\n评价标准:项目绩效评为90分(含)以上为优、80-89分为良。\n")
    assert r.score is None


def test_one_grade_beside_one_of_two_disagreeing_scores_is_the_reports():
    # A grade beside one of scores that disagree was set aside as one project's; with one
    # grade only (a re-check's or last year's score elsewhere) it is the report's.
    text = ("某县某局2021年度某项目绩效自评报告\n一、自评结论\n经自评,该项目总得分为92分,评价等级为优秀。\n"
            "二、其他\n上年度该项目总得分为88分。\n")
    assert _parse(text).grade == "优秀"
    text = ("某县某局2021年度某项目绩效自评报告\n一、自评结论\n经自评,该项目总得分为92分,评价等级为优秀。\n"
            "四、其他\n经复核,本项目综合得分为93分。\n")
    assert _parse(text).grade == "优秀"


def test_providing_projects_is_not_paying_for_several():
    # _MULTI's 供N个项目 (a fund 供9个项目: several projects' money) also read 提供: a fund
    # that "为后续建设提供2个项目储备" pays for one project.
    text = ("关于抗疫特别国债执行情况绩效自评报告\n现将某市2020年抗疫特别国债项目支出绩效自评工作报告如下:\n"
            "2020年,自治州下达某市抗疫特别国债资金4.54亿元,用于某路改造,并为后续建设提供2个项目储备。\n")
    assert _parse(text).project_name == "抗疫特别国债项目"


def test_a_grid_row_whose_rate_is_the_ratio_of_two_other_cells_is_shifted():
    # _typed read a total row whose cells all carry their units as the header says though
    # its rate disagreed; where the rate is one of its figures over another (3824.26 ÷
    # 4753.66 = 80.45%), the cells are shifted (3824.26 is what was spent), and the row
    # read as the header says would make the spent exceed the budget.
    text = ("部门整体支出绩效自评表\n(2021年度)\n预算单位名称\n某区林业局\n年度预\n算申请\n(万元)\n年初\n预算数\n"
            "全年预算数\n全年\n执行数\n分值\n执行率\n得分\n年度资金总额\n4753.66万元\n3824.26万元\n4753.66万元\n"
            "10\n80.45%\n8\n按收入性质分:\n")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan) == (None, None)
