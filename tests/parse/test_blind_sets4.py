"""Rules from the failure classes of the blind sets of the session of 2026-12-05 (sets
labelled outside the repository and measured before any rule; see docs/evaluation.md).
The sentences are our own, written after the way those reports state things; each rule
has a text where it must not give a value.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


# ------------------------------------------------------------------ which unit


def test_a_level_alone_takes_the_full_name_though_a_sentence_also_runs_into_it():
    text = ("县司法局2020年度法律顾问经费绩效自评报告\n"
            "根据有关文件精神,甲山县司法局对甲山县法律顾问经费进行了自评,现将情况汇报如下:\n"
            "2020年度甲山县财政划给甲山县司法局法律顾问经费,指标金额是110万元。\n")
    assert _parse(text).agency == "甲山县司法局"
    # two counties written out: the text does not say which one
    text = ("县司法局2020年度法律顾问经费绩效自评报告\n"
            "根据有关文件精神,甲山县司法局、乙水县司法局进行了自评。\n")
    assert _parse(text).agency == "县司法局"


def test_a_unit_named_by_its_township_takes_the_county_the_text_writes_before_it():
    text = ("2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n一、基本情况\n(一)部门主要职能\n"
            "甲曲县城关镇社区卫生服务中心主要负责辖区内居民的基本医疗及公共卫生工作。\n")
    assert _parse(text).agency == "甲曲县城关镇社区卫生服务中心"
    # no county written before the name: it stays as the title gives it
    text = ("2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n一、基本情况\n"
            "本中心服务于城关镇社区卫生服务中心辖区内居民。\n")
    assert _parse(text).agency == "城关镇社区卫生服务中心"


# ------------------------------------------------------------------ flattened forms

_GRID = ("部门整体支出绩效自评表\n(2021年度)\n预算单位名称\n某区林业局\n年度预\n算申请\n(万元)\n年初\n预算数\n"
         "全年预算数\n全年\n执行数\n分值\n执行率\n得分\n年度资金总额\n{}\n{}\n{}\n10\n100%\n10\n按收入性质分:\n")


def test_a_grid_row_whose_units_place_every_cell_is_read_though_its_rate_disagrees():
    r = _parse(_GRID.format("4753.66万元", "4753.66万元", "3824.26万元"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (47536600.0, 38242600.0, 1.0)
    # the disagreement is the form's own, and the audit says so
    assert "rate_mismatch" in {f.code for f in r.flags}
    # cells without their units: the rate is all that could place them, and it refutes
    r = _parse(_GRID.format("4753.66", "4753.66", "3824.26"))
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, None)


def test_a_school_writing_as_我校_on_its_bureaus_page_is_not_the_bureau():
    head = "索引号 | 01526405-X/20240325-00023 | 发布机构 | 某县教育体育局 |\n2023年度项目支出绩效自评报告(特殊教育公用经费)\n"
    r = _parse(head + "一、自评结论\n我校特殊教育公用经费项目自评得分为100分。\n")
    assert r.agency is None
    # the bureau's own report on its page, and one that speaks of its schools
    assert _parse(head + "一、自评结论\n我局特殊教育公用经费项目自评得分为100分。\n").agency == "某县教育体育局"
    assert _parse(head + "我局组织各校开展自评,我校…的表述见附件。\n").agency == "某县教育体育局"
    # a school's page publishing its own report
    head = "发布机构:某县第一中学\n2023年度项目支出绩效自评报告\n"
    assert _parse(head + "我校生均公用经费项目自评得分为100分。\n").agency == "某县第一中学"


# ------------------------------------------------------------------ which total


def test_one_batch_of_the_years_allocations_gives_way_to_the_total_allocated():
    text = ("2023年高龄补贴绩效评价报告\n一、基本情况\n各级财政共下达我县2023年老年人生活保健补贴资金4186.49万元,"
            "其中省级配套1165.84万元、市级配套1132.8万元、县级配套1887.85万元。\n二、资金下达情况\n"
            "3月14日下达省级第一批指标1080万元,12月26日下达省级第二批资金指标85.84万元。\n")
    assert _parse(text).budget_yuan == 41864900.0
    # a 资金指标 that is no batch still names the budget
    text = "2023年高龄补贴绩效自评报告\n一、基本情况\n县财政下达资金指标85.84万元,实际支出80万元。\n"
    assert _parse(text).budget_yuan == 858400.0


def test_a_levels_share_put_in_is_no_budget_of_the_fund():
    text = ("某市残疾人事业发展补助资金2021年度绩效自评报告\n一、基本情况\n"
            "2021年中央下达残疾人事业发展补助资金300万元,地方投入残疾人事业发展补助资金200万元。\n")
    assert _parse(text).budget_yuan is None
    text = "某市残疾人事业发展补助资金2021年度绩效自评报告\n一、基本情况\n2021年残疾人事业发展补助资金300万元。\n"
    assert _parse(text).budget_yuan == 3000000.0


# ------------------------------------------------------------------ project names


def test_a_series_caption_in_brackets_opening_the_title_is_no_part_of_the_project():
    r = _parse("(直达资金)某市新建光辉路工程项目2020年度绩效自评报告\n来源:某区财政局\n一、绩效目标分解下达情况\n")
    assert r.project_name == "某市新建光辉路工程项目"
    # a bracket that names the project is kept
    r = _parse("2023年度项目支出绩效自评报告(特殊教育公用经费补助资金)\n一、项目基本情况\n")
    assert r.project_name == "特殊教育公用经费补助资金"


def test_words_for_money_in_general_counts_of_projects_and_levels_name_no_project():
    # the unit's 专项资金, announced: no fund named
    r = _parse("某镇学校2017年度专项资金绩效自评报告\n为做好2017年度专项资金绩效自评工作,现将我单位专项资金绩效自评结果报告如下:\n")
    assert r.project_name is None
    # a title counting its projects
    r = _parse("某县2021年10个重点项目绩效评价报告公开\n1、甲村道路建设项目,2021年下达财政专项扶贫资金197万元。\n")
    assert r.project_name is None
    # a form's 项目名称 cell listing the levels the money comes from
    r = _parse("项目支出绩效自评表\n| 项目名称 | 中央、省、市(州)、县级财政资金 |\n| 主管部门 | 某县财政局 |\n")
    assert r.project_name is None
    # a fund that the body says pays for nine projects
    r = _parse("关于抗疫特别国债执行情况绩效自评报告\n现将某市2020年抗疫特别国债项目支出绩效自评工作报告如下:\n2020年,自治州下达某市抗疫特别国债资金4.54亿元,涉及4个部门单位,供9个项目。\n")
    assert r.project_name is None
    assert "多个项目" in r.candidates["project_name"][0].lost
    # one fund, one project: named
    r = _parse("关于抗疫特别国债执行情况绩效自评报告\n现将某市2020年抗疫特别国债项目支出绩效自评工作报告如下:\n2020年,自治州下达某市抗疫特别国债资金4.54亿元,用于某路改造。\n")
    assert r.project_name == "抗疫特别国债项目"


# ------------------------------------------------------------------ which unit, which grade


def test_a_firm_commissioned_to_evaluate_is_not_the_unit_and_one_projects_grade_not_the_reports():
    text = ("某县2021年重点项目绩效评价报告公开\n我县选择2021年县级重点项目,委托北京某某软件股份有限公司开展了重点项目绩效评价,现予以公开:\n"
            "1、甲村道路建设项目,下达资金197万元,实际已支付186.98万元。第三方机构最终绩效评价总得分为91.8分,评价等级为优秀。\n"
            "2、乙村市场建设项目,下达资金108万元,实际已支付101.59万元。第三方机构最终绩效评价总得分为90.76分,评价等级为优秀。\n")
    r = _parse(text)
    assert (r.agency, r.score, r.grade) == (None, None, None)
    # one score, its grade: the report's
    text = "某县某局2021年度项目绩效自评报告\n经自评,总得分为91.8分,评价等级为优秀。\n"
    assert (_parse(text).score, _parse(text).grade) == (91.8, "优秀")


# ------------------------------------------------------------------ the twenty-fourth set


def test_a_year_the_page_hid_is_not_taken_from_a_title_the_body_never_restates():
    text = ("2017年度耕地质量提升计划资金绩效评价报告\n合集下载\n农田建设补助资金绩效评价报告(通用7篇)\n"
            "农田建设补助资金绩效评价报告1根据《关于抓紧报送20xx年中央财政农田建设补助资金绩效自评材料的通知》,"
            "我们认真组织了资金绩效自评工作。\n")
    assert _parse(text).year is None
    # the body writes the title's year too: the year stands
    text = ("2017年度耕地质量提升计划资金绩效评价报告\n根据《关于抓紧报送20xx年材料的通知》,"
            "我们对2017年度资金开展了绩效自评。\n")
    assert _parse(text).year == 2017


def test_a_units_special_funds_and_a_facility_built_name_no_project_and_no_unit():
    text = ("莱西市园林管理处专项资金绩效评价报告\n我处对2018年园林处专项资金进行了绩效评价,现将绩效评价内容报告如下:\n"
            "一、部门概况\n")
    assert _parse(text).project_name is None
    text = ("老年人日间照料中心项目\n绩效自评报告\n一、项目概况\n"
            "指标1:甲镇乙村老年人日间照料中心项目,1栋3层,总投资216.42万元。\n"
            "(二)项目绩效目标。\n老年人日间照料中心资金完成173万元。\n")
    assert _parse(text).agency is None
    # a fund named before 专项资金 is a fund
    text = "某县2021年度农村饮水安全专项资金绩效自评报告\n一、项目基本情况\n"
    assert _parse(text).project_name == "农村饮水安全专项资金"


def test_one_of_the_funds_a_title_names_is_not_the_reports_total():
    text = ("某市园林绿化养护经费及城区行道树养护经费绩效评价报告\n一、基本情况\n"
            "2020年下达了园林绿化经费:514.56万元,行道树养护费:30.58万元。\n")
    assert _parse(text).budget_yuan is None
    # their stated total is
    text = ("某市园林绿化养护经费及城区行道树养护经费绩效评价报告\n一、基本情况\n"
            "2020年下达了园林绿化经费:514.56万元,行道树养护费:30.58万元,共计545.14万元。\n")
    assert _parse(text).budget_yuan == 5451400.0


def test_the_titles_above_an_essay_sites_compilation_are_the_sites():
    text = ("2017年度耕地质量提升计划资金绩效评价报告\n合集下载\n农田建设补助资金绩效评价报告(通用7篇)\n"
            "农田建设补助资金绩效评价报告1根据通知,我们认真组织了资金绩效自评工作。\n")
    assert _parse(text).project_name is None
    # a title with no compilation under it is the report's
    text = "2017年度耕地质量提升计划资金绩效评价报告\n根据通知,我们认真组织了资金绩效自评工作。\n"
    assert _parse(text).project_name == "耕地质量提升计划资金"


def test_a_quoted_project_its_budget_executed_and_a_score_the_performance_was_rated():
    text = ("上海市某办公室 2017年度“ 国内侨务工作 ”项目 绩效评价报告 一、基本情况\n"
            "2017 年预算金额 160.56 万元,经费来源为财政补助收入,预算执行 98万元,执行率 61%。\n"
            "经评价组综合评价,项目绩效评为83.8分。\n")
    r = _parse(text)
    assert (r.project_name, r.budget_yuan, r.spent_yuan, r.score) == ("国内侨务工作", 1605600.0, 980000.0, 83.8)
    # a budget executed against a plan (预算执行率) is a rate, and 评为 a grade is no score
    r = _parse("某局2017年度某项目绩效自评报告\n预算执行率61%。项目绩效评为良好。\n")
    assert (r.spent_yuan, r.score, r.grade) == (None, None, "良好")


# ------------------------------------------------------------------ the twenty-sixth set


def test_a_levels_grant_to_the_writer_is_money_issued_and_its_stated_total_the_budget():
    text = ("某管理区专项转移支付2023年度农机购置补贴绩效自评报告\n一、绩效目标分解下达情况\n"
            "2023年度省级拨付我区农机购置补贴资金62万元,中央拨付16万元.上年度结余的资金6.47万元,共计84.47万元。\n")
    assert _parse(text).budget_yuan == 844700.0
    # 拨付 to others is a payment, not money the writer was given
    text = ("某管理区2023年度农机购置补贴绩效自评报告\n一、资金使用情况\n"
            "2023年度拨付购机农户补贴资金62万元,拨付合作社16万元,共计78万元。\n")
    assert _parse(text).budget_yuan is None


def test_bond_money_secured_is_the_years_budget():
    text = ("2024年度新增地方政府专项债券项目绩效评价情况\n信息来源:某区管委会\n"
            "我单位2024年新增地方政府专项债券项目1个,争取债券资金2.62亿元。我单位对2024年新增地方政府专项债券项目进行绩效自评,评价结果如下:\n")
    assert _parse(text).budget_yuan == 262000000.0
    # bond money a plan means to secure, and other money sought, are no budget
    text = "某局2024年度项目绩效自评报告\n三、下一步工作\n计划2025年争取债券资金500万元。\n"
    assert _parse(text).budget_yuan is None
    text = "某局2024年度项目绩效自评报告\n三、下一步工作\n力争争取到资金500万元。\n"
    assert _parse(text).budget_yuan is None


def test_a_fund_whose_text_names_its_projects_one_by_one_is_several_projects_money():
    head = "某县省级彩票公益金转移支付2023年度绩效自评报告\n一、绩效目标分解下达情况\n"
    text = (head + "2023年下达省级福彩公益金113万元,其中养老机构运营补贴项目48万元、社会工作服务站项目建设资金15万元、"
            "村级互助幸福院项目建设资金50万元。\n")
    assert _parse(text).project_name is None
    text = (head + "1.养老机构运营补贴项目:2023年下达省级福彩公益金48万元。\n"
            "2.社会工作服务站项目:2023年下达省级福彩公益金15万元。\n")
    assert _parse(text).project_name is None
    # items naming parts of the report or kinds of money are no projects
    text = head + "1.主要建设项目:养老机构运营补贴。\n2.产出项目:补贴3家养老机构。\n"
    assert _parse(text).project_name == "省级彩票公益金"


def test_a_second_project_form_after_a_first_ones_body_makes_the_file_several_forms():
    # (as a PDF's text gives it: the first form's name before its label, the second's after)
    form = ("财政项目支出绩效自评表 (2022 年度) {name} 主管部门 某区体育局 年初预算数 全年预算数 全年执行数 "
            "分值 执行率 得分 {b} {b} {s} 10 8.62 年度资金总额 项目资金 (元) 实施单位 某区体育事业管理中心 ")
    text = (form.format(name="甲费用结算 项目名称", b="250000.00", s="215457.6")
            + form.format(name="项目名称 乙帮扶经费", b="20000.00", s="9034"))
    r = _parse(text)
    assert r.project_name is None
    assert any("2张项目支出绩效自评表" in c.lost for c in r.candidates["project_name"])
    # the form's heading written twice over one form (page title and form) is one form
    text = "财政项目支出绩效自评表 (2022 年度)\n" + form.format(name="甲费用结算", b="250000.00", s="215457.6")
    assert "2张" not in str(_parse(text).candidates)


def test_a_page_title_and_the_forms_own_year_that_disagree_leave_the_year_open():
    form = "财政项目支出绩效自评表\n{}年度\n项目名称城镇建设管理\n主管部门某区某镇人民政府\n"
    text = "某镇2021年预算绩效评价结果公开\n\n某镇2021年预算绩效评价结果公开\n\n" + form.format(2020)
    r = _parse(text)
    assert r.year is None
    assert {c.value for c in r.candidates["year"]} == {2020, 2021}
    # they agree: the year
    assert _parse("某镇2020年预算绩效评价结果公开\n\n" + form.format(2020)).year == 2020
    # the bracketed form year after a title naming a fund's vintage
    text = "某县林业和草原局2023年异地造林补助资金项目支出绩效自评报告\n(2024年度)\n绩效自评日期:2025年5月\n"
    assert _parse(text).year is None


def test_a_file_named_项目自评价_is_the_units_title_and_a_next_cells_label_no_project():
    text = ("某区体育事业管理中心2022年度项目自评价.pdf\n财政项目支出绩效自评表 (2022 年度) 主管部门 某区体育局 "
            "年初预算数 全年预算数 全年执行数\n")
    assert _parse(text).agency == "某区体育事业管理中心"
    text = "某市财政预算支出项目绩效目标自评表 填报日期:2022 年 8 月 10 项目名称 项目主管单 位 自评总分: 95\n"
    assert _parse(text).project_name is None


# ------------------------------------------------------------------ the twenty-seventh set


def test_a_table_rows_label_declares_its_own_unit():
    table = ("某县财政支出政策绩效评价报告\n项目名称 2020年公共文化活动专项资金\n"
             "一、项 目 基 本 概 况 | ||||||||||\n项目负责人 | 李某 | 联系电话 | 64810000 | |||||||\n"
             "地 址 | 某县某镇某大道1号 | |||||||||\n"
             "项目起止时间 | 2020年度 | |||||||||\n{plan} | 1088.00 | {arrived} | 1020.02 | |||||||\n"
             "其中:中央财政 | 其中:中央财政 | |||||||||\n市财政 | 49.34 | 市财政 | 49.34 | |||||||\n"
             "县财政 | 1038.66 | 县财政 | 970.68 | |||||||\n实际支出(万元) | 1020.02 | |||||||||\n"
             "二、项目支出明细情况 | ||||||||||\n支出内容(经济科目) | 计划支出数(万元) | 实际支出数(万元) | ||||||||\n"
             "文化活动经费 | 166.16 | 129.05 | ||||||||\n")
    text = table.format(plan="计划安排资金(万元)", arrived="实际到位资金(万元)")
    assert _parse(text).budget_yuan == 10880000.0
    # a label without one keeps the table's unit (here none declared: 元)
    text = table.format(plan="计划安排资金", arrived="实际到位资金")
    assert _parse(text).budget_yuan == 1088.0


def test_money_asked_for_or_meant_to_be_paid_is_not_spent():
    head = "某市交通运输局2021年度项目支出绩效自评报告\n一、项目基本情况\n"
    for words in ("已申请专项债券资金支付9600万元", "计划支付资金9600万元", "拟支付资金9600万元", "待支付资金9600万元"):
        assert _parse(head + f"保山站站房规模扩至12000平方米,{words}。\n").spent_yuan is None, words
    # paid as planned is paid
    assert _parse(head + "按计划支付资金9600万元。\n").spent_yuan == 96000000.0
    # a project whose name holds 计划 (学生营养改善计划) spends as any other
    assert _parse(head + "实际使用项目资金—学生营养改善计划项目5779173.38元。\n").spent_yuan == 5779173.38


def test_an_allocation_planned_over_years_as_a_target_or_under_next_steps_is_not_the_budget():
    head = "某县2023年度残疾人事业发展补助资金绩效自评报告\n一、绩效目标分解下达情况\n"
    for words in ("计划下达残疾人事业发展补助资金1067.2万元", "2019年以来共下达残疾人事业发展补助资金1067.2万元",
                  "项目年初总体目标为:中、省下达残疾人事业发展补助资金合计1067.2万元"):
        assert _parse(head + words + "。\n").budget_yuan is None, words
    text = "某县2023年度某项目绩效自评报告\n四、下一步工作\n省财政下达资金1067.2万元后及时拨付。\n"
    assert _parse(text).budget_yuan is None
    # the year's allocations, their plan issued, and money issued in advance for the year stand
    for words in ("2023年累计下达残疾人事业发展补助资金1067.2万元", "省财政厅下达我县2023年残疾人事业发展补助资金计划1067.2万元",
                  "2022年12月省财政厅提前下达残疾人事业发展补助资金1067.2万元"):
        assert _parse(head + words + "。\n").budget_yuan == 10672000.0, words
