"""Rules of the twelfth session on issue 11: texts cut short. The pages we are measured on
are the first ~2,000 bytes of each report, so a list is often cut after its first item and
a form after its first page; these rules keep one item of several from being taken for the
report's whole (an enumerated project under a count of several, one category of several,
one project of a department's, an indicator's points), read a whole stated before its
parts, and drop the page numbers a PDF leaves between a form's rows.

Short texts written for each rule in the style of the templates (no real report is
copied here), each with the value the rule must give and a case where it must not fire.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.parse import LOST_DEPARTMENT_PROJECT, parse_document
from fiscal_eval.parse.choose import LOST_COMPONENT, LOST_ITEM
from fiscal_eval.parse.normalize import normalize_text
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


def _lost(r: fiscal_eval.Report, field: str, value: float) -> str:
    return next(c.lost for c in r.candidates[field] if c.value == value)


# ------------------------------------------------------------------ page numbers

# The MoF form a cell a line, as a Word file copied to a page prints it.
FORM = ("项目支出绩效自评表\n(2023年度)\n项目名称\n农村饮水安全维修养护项目\n主管部门\n甲县水务局\n"
        "实施单位\n甲县农村饮水管理站\n项目资金\n(万元)\n \n年初\n预算数\n全年\n预算数\n全年\n执行数\n"
        "分值\n执行率\n得分\n年度资金总额\n50\n50\n{page}45\n10\n90%\n9\n其中:当年财政拨款\n50\n50\n45\n \n")


def test_a_page_number_between_a_forms_rows_is_dropped():
    plain = _parse(FORM.format(page=""))
    assert (plain.budget_yuan, plain.spent_yuan) == (500000.0, 450000.0)
    for page in ("- 2 -\n", "— 2 —\n", "第2页 共3页\n", "  第 2 页 / 共 3 页  \n", "Page 2 of 3\n"):
        r = _parse(FORM.format(page=page))
        assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (500000.0, 450000.0, 0.9), page


def test_only_a_line_that_is_a_page_number_is_dropped():
    assert normalize_text("预算\n- 3 -\n执行")[0] == "预算\n执行"
    assert normalize_text("预算\r\n第3页 共9页\r\n执行")[0] == "预算\r\n执行"
    # a bare number may be a cell, a date is no page number, and 见第3页 is a sentence
    for text in ("预算\n3\n执行", "发布日期\n2023-06-28\n", "详见第3页\n", "预算-3-执行\n"):
        assert normalize_text(text) is None, text


# ------------------------------------------------------------------ a whole before its parts

HEAD = "中共某县县委宣传部2024年度项目支出绩效评价报告\n一、基本情况\n"


def test_a_total_its_words_do_not_name_takes_the_role_of_the_parts_that_sum_to_it():
    r = _parse(HEAD + "我部2024年参与绩效评价的项目共3个,共计31万元。具体情况如下:\n"
                      "1.理论学习专项。用于中心组学习和理论宣讲。安排经费12万元。\n"
                      "2.文明创建专项。用于文明村镇创建和公益广告。安排经费14万元。\n"
                      "3.扫黄打非专项。用于市场整治和案件查办。安排经费5万元。\n")
    assert r.budget_yuan == 310000.0
    assert _lost(r, "budget_yuan", 120000.0) == LOST_ITEM


def test_parts_that_do_not_sum_to_it_give_no_total_and_no_item():
    # 12 + 14 + 5 = 31, not 40 (nor within the rounding of their digits): the 40 is no
    # stated sum of them, and each is one project's
    r = _parse(HEAD + "我部2024年参与绩效评价的项目共3个,共计40万元。具体情况如下:\n"
                      "1.理论学习专项。用于中心组学习和理论宣讲。安排经费12万元。\n"
                      "2.文明创建专项。用于文明村镇创建和公益广告。安排经费14万元。\n"
                      "3.扫黄打非专项。用于市场整治和案件查办。安排经费5万元。\n")
    assert r.budget_yuan is None


# ------------------------------------------------------------------ one item of several, cut

def test_an_enumerated_project_under_a_count_of_several_is_no_whole_when_the_rest_is_cut():
    text = ("某管理处2022年度项目支出绩效自评报告\n一、项目绩效目标情况\n"
            "(一)某管理处2022年度共有4个项目1、纪念设施维修项目:预算35.3万元,2022年全年实际支付35.3万元,"
            "使用率100%。具体维修范围为:")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan) == (None, None)
    assert _lost(r, "budget_yuan", 353000.0) == LOST_ITEM
    # without the count, the numbered item may as well be the report's own heading
    one = _parse(text.replace("共有4个项目", "实施项目"))
    assert one.budget_yuan == 353000.0


def test_a_numbered_project_line_under_a_count_is_one_projects_money():
    text = (HEAD + "我部2024年参与绩效评价的项目共4个。具体情况如下:\n"
                   "1.理论学习专项。用于中心组学习和理论宣讲,做好权威理论读物的学习运用。安排经费12万元。\n"
                   "2.文明创建专项。用于")
    assert _parse(text).budget_yuan is None
    # one project, its own numbered heading: the project's money
    one = _parse(HEAD + "1.理论学习专项。用于中心组学习和理论宣讲。安排经费12万元。\n")
    assert one.budget_yuan == 120000.0


def test_an_enumerated_rate_under_a_count_of_several_is_no_reports_rate():
    text = ("某中心2022年度项目支出绩效自评报告\n一、总体情况\n"
            "2022年我单位绩效自评项目35个,分为七个方面,一是用于教育管理事务支出,即人才计划专项工作补助经费"
            "合计75万元,已于本年度支出75万元,预算完成率100%。二是")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, None)


def test_a_department_reports_project_money_is_not_the_departments():
    text = ("本部门按要求对2021年部门整体支出开展绩效自评,反映“信访补贴”“信访宣传”“信访事务”等3个项目"
            "绩效目标实际完成情况。\n"
            "信访补贴项目绩效目标完成情况综述。项目全年预算数2.03万元,执行数为2.03万元,完成预算的100%。\n")
    r = _parse("某局2021年度部门整体支出绩效自评报告\n" + text)
    assert (r.budget_yuan, r.spent_yuan) == (None, None)
    assert _lost(r, "budget_yuan", 20300.0) == LOST_DEPARTMENT_PROJECT
    # a project's own report: its project's money
    p = _parse("某局2021年度信访补贴项目支出绩效自评报告\n"
               "项目全年预算数2.03万元,执行数为2.03万元,完成预算的100%。\n")
    assert (p.budget_yuan, p.spent_yuan) == (20300.0, 20300.0)


def test_a_categorys_run_in_heading_makes_its_lines_that_categorys():
    text = ("我市2023年度中央专项资金转移支付涉及两类项目,分别是:水污染防治类和大气污染防治类。\n"
            "一、绩效目标分解下达情况\n"
            "水污染防治类:2023年度,中央下达我市水污染防治资金共1737万元,我市及时将资金下拨至相关县区。具体情况如下:\n"
            "2022年12月23日,省财政厅以《关于提前下达2023年水污染防治资金预算的通知》向我市下达资金1300万元。")
    r = _parse(text)
    assert r.budget_yuan is None
    assert _lost(r, "budget_yuan", 17370000.0) == LOST_COMPONENT
    assert _lost(r, "budget_yuan", 13000000.0) == LOST_COMPONENT


def test_a_pages_category_field_is_no_category_heading():
    r = _parse("主题分类: 环境监测、保护和治理\n"
               "某市2021年第一批中央大气污染防治资金绩效自评报告\n"
               "中央下达大气污染防治资金2380.91万元,执行率0%。\n")
    assert r.execution_rate_reported == 0.0
    assert r.budget_yuan == 23809100.0


# ------------------------------------------------------------------ names and points

def test_a_special_link_fund_is_a_programme_not_a_name():
    r = _parse("某镇2023年度财政衔接资金项目绩效自评报告\n"
               "为进一步规范财政专项衔接资金绩效管理,现将我镇2023年度财政衔接资金项目绩效自评报告如下:\n")
    assert r.project_name is None


def test_an_indicators_few_points_are_no_total_score():
    text = ("某县2021年学前教育促进工程项目绩效评价自评报告\n"
            "(一)项目决策。项目立项符合规定,自评得2分。\n")
    assert _parse(text).score is None
    # a total named as one keeps even a low figure (a page can report a failing project)
    assert _parse(text + "综合得分25分。\n").score == 25


# ------------------------------------------------------------------ which unit

def test_a_pages_author_field_names_the_unit_a_towns_title_does_not():
    r = _parse("甲河镇2022年度项目支出绩效自评报告\n"
               "作者:甲河镇人民政府 | 来源:本网 | 时间:2023-04-27\n一、基本情况\n(一)项目概况。\n")
    assert r.agency == "甲河镇人民政府"
    # a person as author names no unit
    assert _parse("甲河镇2022年度项目支出绩效自评报告\n作者:王小明 | 来源:本网\n一、基本情况\n").agency is None


def test_a_unit_counting_its_own_staff_is_the_unit():
    r = _parse("2023年度部门整体支出绩效自评报告\n一、部门基本情况\n"
               "乙山镇人民政府实有编制113名,其中:行政编制61人,事业编制52人。\n")
    assert r.agency == "乙山镇人民政府"
    r = _parse("2022年度部门整体支出绩效自评报告\n一、基本情况\n"
               "3.人员情况,丙县人民代表大会常务委员会部门2022年末实有人员编制20人。\n")
    assert r.agency == "丙县人民代表大会常务委员会"
    # two units counting staff (a bureau and its subordinate centre): no one unit
    r = _parse("2023年度部门整体支出绩效自评报告\n一、部门基本情况\n"
               "丁县农业农村局实有编制30名。丁县农业技术推广中心实有编制25名。\n")
    assert r.agency is None


def test_a_unit_securing_its_money_after_the_year_is_the_unit():
    r = _parse("殡葬服务运转经费项目绩效自评报告\n一、项目概况\n"
               "2019年甲山县殡葬服务中心向县级财政争取资金124.79万元。\n")
    assert r.agency == "甲山县殡葬服务中心"


def test_projects_counted_as_budgeted_or_evaluated_are_several():
    from fiscal_eval.parse.context import Context
    from fiscal_eval.parse.metadata import several_projects

    def several(text: str) -> bool:
        return several_projects(Context(document_from_text(text, "t.txt")))

    assert several("2021年年初预算项目5个,均已完成。")
    assert several("2022年我单位绩效自评项目35个,分为七个方面。")
    assert several("反映“信访补贴”“信访事务”等2个项目绩效目标实际完成情况。")
    assert not several("本项目建设内容包括道路硬化5公里。")
    assert not several("2021年年初预算项目1个。")


def test_a_funds_short_name_in_the_body_gives_way_to_the_titles_full_name():
    text = ("甲县2020年度大中型水库移民后期扶持资金项目绩效评价报告\n一、项目概况\n"
            "省财政厅3个资金文件共下达我县2020年度移民后扶资金2272万元,其中:中央资金1753万元,省级资金519万元。\n")
    r = _parse(text)
    assert r.project_name == "大中型水库移民后期扶持资金"
    lo, hi = r.evidence["project_name"].span
    assert r.text[lo:hi] == "大中型水库移民后期扶持资金"
    assert any(c.value == "移民后扶资金" and "标题写作" in c.lost for c in r.candidates["project_name"])
    # a title whose fund is another's (not the body's words in order) changes nothing
    other = _parse(text.replace("大中型水库移民后期扶持资金项目", "农村饮水安全资金项目"))
    assert other.project_name != "农村饮水安全资金"


# ------------------------------------------------------------------ a title in a flattened page

def test_a_title_run_on_from_the_banner_names_the_unit():
    banner = ("预算绩效管理 - 索引号: 20240913-201210-563 - 发布机构: 某州卫生健康委员会 - 文号: - "
              "发布日期: 2024-03-20 - 时效性: 有效 ")
    r = _parse(banner + "某州第二人民医院2023年度部门整体支出绩效自评报告 一、基本情况 (一)部门职能 承担医疗服务。")
    assert (r.agency, r.year, r.kind) == ("某州第二人民医院", 2023, "department")
    # the banner's value glued to it (时效性:有效某州…) is no part of the name
    glued = _parse(banner.replace("有效 ", "有效") + "某州第二人民医院2023年度部门整体支出绩效自评报告 一、基本情况")
    assert glued.agency == "某州第二人民医院"
    # a title broken where its line was, and one naming its issuers: read whole
    broken = _parse("• 发布机构 某市民政局 • 时效性 有效 某市殡仪馆2024年度部门整体和项目 支出绩效自评报告 为贯彻落实…")
    assert broken.agency == "某市殡仪馆"
    joint = _parse("当前位置:首页 > 正文 某市财政局 某市住房和城乡建设委员会关于2019年城镇保障性安居工程"
                   "财政资金绩效评价自评报告 一、基本情况")
    assert joint.agency is None


# ------------------------------------------------------------------ from the 38th and 39th sets

def test_a_category_field_and_its_value_on_one_line_are_no_title():
    # "公开目录 绩效自评报告": the page's category, not the report's title — whose fund
    # (…公用经费补助资金) is then no 公用经费 part of a department's money
    r = _parse("索引号 0152/20240327-00014 发布机构 某县教育体育局\n公开目录 绩效自评报告 发布日期 2024-03-27\n"
               "某镇中心学校2023年度项目支出绩效自评报告(城乡义务教育阶段公用经费补助资金)\n"
               "1. 执行率情况。\n2023年我校收到上级下达城乡义务教育阶段公用经费补助资金118.92万元,全年发放108.61万元。\n")
    assert r.evidence["title"].sentence.startswith("某镇中心学校2023年度")
    assert (r.available_yuan, r.spent_yuan) == (1189200.0, 1086100.0)


def test_a_numbered_heading_run_in_is_the_reports_own_not_an_item():
    text = ("关心下一代专项资金项目自评报告\n二、项目资金使用及管理情况\n"
            "1.项目资金到位情况:该项目年初预算资金为16万元,全部为市级财政资金,资金全部到位。\n"
            "2.项目资金使用情况:财政预算项目资金16万元,已按规定使用。\n")
    assert _parse(text).budget_yuan == 160000.0
    # an indicator group's points under such a heading stay one item of the total score
    s = _parse("某项目绩效自评报告\n绩效自评得分83.44分,自评等级为良。\n"
               "1. 预算执行完成情况:预算执行率为22.22%,绩效自评得分4.44分。\n"
               "2.产出指标完成情况:各项指标基本完成,绩效自评得分39分。\n")
    assert s.score == 83.44


def test_a_provinces_own_special_fund_keeps_its_name():
    r = _parse("2023年度湖南省安全生产预防及应急专项资金绩效自评报告\n一、基本情况\n"
               "根据《湖南省安全生产预防及应急专项资金管理办法》规定,专项资金主要支持风险识别与管控。\n")
    assert r.project_name == "湖南省安全生产预防及应急专项资金"
    # a title's province the body never writes with the fund: the region receiving it
    assert _parse("2023年度湖南省安全生产预防及应急专项资金绩效自评报告\n一、基本情况\n"
                  "中央财政下达我省安全生产预防及应急专项资金2亿元。\n").project_name == "安全生产预防及应急专项资金"
    # a central fund the province receives is named without it
    assert _parse("2022年度某某省林业改革发展资金绩效自评报告\n一、基本情况\n").project_name == "林业改革发展资金"


def test_a_bare_use_rate_after_the_money_spent_is_the_execution_rate():
    r = _parse("某县政务数据平台项目绩效自评报告\n一、资金情况\n中央财政下达专项资金3000万元,实际支付2700万元,使用率90%。\n")
    assert r.execution_rate_reported == 0.9
    # an indicator's use rate names its object
    assert _parse("某县政务数据平台项目绩效自评报告\n一、产出\n设备使用率90%。\n").execution_rate_reported is None


def test_a_unit_describing_itself_as_a_governments_department_is_the_unit():
    r = _parse("一、项目概况\n(一)项目单位基本情况。甲山市农业农村局是市人民政府工作部门,为正县级单位。\n")
    assert r.agency == "甲山市农业农村局"


def test_a_departments_column_in_the_breadcrumb_names_the_unit():
    r = _parse("首页 >> 部门信息公开 >> 甲山县交通运输局 >> 正文\n"
               "甲山县2020年第一批公路安全生命防护工程绩效自评报告\n一、项目概况\n")
    assert r.agency == "甲山县交通运输局"


def test_a_score_against_all_the_indicators_is_the_total():
    r = _parse("市公路局2020年度公路养护类项目\n自评结果\n一、自评结论\n(一)自评得分\n"
               "对照年初部门预算中项目支出绩效目标批复设定的各项指标值进行打分,自评得分100分。\n")
    assert r.score == 100
    # the genre words alone under the project's name make the two lines its title
    assert (r.agency, r.year, r.project_name) == ("市公路局", 2020, "公路养护类项目")
    # one indicator's row (its target and actual values) still scores only itself
    one = _parse("某项目绩效自评报告\n数量指标:目标值100公里,实际完成值100公里,自评得分20分。\n")
    assert one.score is None


def test_the_unit_carrying_out_the_project_is_the_unit():
    r = _parse("二、项目实施情况\n该项目由甲山县农业农村局组织实施。2023年下达财政衔接资金280万元。\n")
    assert r.agency == "甲山县农业农村局"


def test_a_rating_word_names_the_grade():
    r = _parse("某县消防救援大队2024年度部门整体支出绩效自评报告\n"
               "自评结果显示,某县消防救援大队部门绩效自评工作总体得分为84.47分,评级为“优”。\n")
    assert (r.score, r.grade) == (84.47, "优")


def test_a_transfers_whole_region_form_is_a_funds_report():
    r = _parse("霍山县特殊教育补助资金转移支付整体绩效目标自评表\n(2024年度)\n转移支付(项目)名称 特殊教育补助资金\n")
    assert (r.kind, r.project_name) == ("project", "特殊教育补助资金")
    # a department's 整体绩效 is still the department's
    assert _parse("某县教育局2024年度整体绩效自评报告\n一、部门基本情况\n").kind == "department"


def test_a_funds_planned_total_is_its_budget_and_a_kind_of_project_money_no_name():
    r = _parse("2018年某市标准化水产健康养殖示范基地建设项目绩效自评价报告\n一、项目概况\n"
               "项目涉及5个区,共6个项目,财政资金计划总额2200万元。\n")
    assert r.budget_yuan == 22000000.0
    assert _parse("某镇2019年扶贫项目资金绩效自评报告\n一、基本情况\n").project_name is None
    # a project named at length keeps its 项目资金
    assert _parse("某镇2019年甲村道路硬化项目资金绩效自评报告\n一、基本情况\n").project_name is not None
