"""Rules from the failure classes of three more blind sets of real reports (labelled
outside the repository, measured before any rule was written; see the README's accuracy
table). The sentences are our own, written after the way those reports state things;
each rule has a text where it must not give a value.
"""

from __future__ import annotations

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return audit(parse_document(document_from_text(text, "t.txt")))


# ------------------------------------------------------------------ project names


def test_a_project_named_without_a_fund_word_keeps_its_项目():
    r = _parse("某县统计局2024年全国经济普查项目支出绩效评价报告\n一、项目基本情况\n")
    assert r.project_name == "全国经济普查项目"
    # a fund's name needs no 项目: the 项目支出 is the genre's
    r = _parse("某县民政局2023年困难群众救助补助资金项目支出绩效自评报告\n一、项目基本情况\n")
    assert r.project_name == "困难群众救助补助资金"
    # a unit's section (…股项目支出) names no project
    r = _parse("某县水利局水旱灾害防御股项目支出绩效自评报告\n一、项目基本情况\n")
    assert r.project_name is None


def test_a_title_that_says_only_项目支出_does_not_overrule_the_form_field():
    r = _parse("某市地震局2021年度防震减灾项目支出绩效自评表\n项目名称:防震减灾综合保障\n主管部门:某市地震局\n")
    assert r.project_name == "防震减灾综合保障"


def test_a_form_field_and_a_title_naming_one_project_differently_agree():
    # the field writes the project with its place; the title without
    r = _parse("2021年度全民健身中心项目绩效自评表\n转移支付(项目)名称 | 某市某区全民健身中心项目 |\n")
    assert r.project_name == "某市某区全民健身中心项目"
    # the title adds 资金 to a name that ends with its money's word already
    r = _parse("某县2019年度美丽乡村示范点财政奖励资金项目绩效自评报告\n项目名称 美丽乡村示范点财政奖励\n")
    assert r.project_name == "美丽乡村示范点财政奖励"
    # a different project in the field stays a conflict: nothing chosen
    r = _parse("2021年度全民健身中心项目绩效自评表\n转移支付(项目)名称 | 某市某区体育公园项目 |\n")
    assert r.project_name is None


def test_a_fund_report_is_a_project_report():
    # a fund's own word (公益金) in the title, with no 项目/资金 in it
    r = _parse("2022年区本级体彩公益金绩效使用自评报告\n2022年,财政下拨体彩公益金190万元。\n")
    assert (r.kind, r.project_name) == ("project", "区本级体彩公益金")
    # no title: the body says it self-evaluated a fund
    r = _parse("根据通知要求,我委开展了2017年度某省中小企业发展专项资金绩效自评,现将情况报告如下。\n")
    assert (r.kind, r.project_name) == ("project", "某省中小企业发展专项资金")
    # a department's report stays one, and names no project (and says why)
    r = _parse("某县体育局2022年度部门整体支出绩效自评报告\n2022年,财政下拨体彩公益金190万元。\n")
    assert (r.kind, r.project_name) == ("department", None)


def test_the_whole_with_its_projects_and_the_whole_of_the_projects():
    r = _parse("某区文化旅游广电体育局2023年度整体(项目)支出绩效自评\n一、基本情况\n")
    assert r.kind == "department"
    r = _parse("某县融媒体中心2022年度项目整体绩效自评报告\n一、基本情况\n")
    assert r.kind == "project"
    # no title: the body says it evaluated the department's whole spending
    r = _parse("本部门按要求对2021年部门整体支出开展绩效自评,从评价情况来看大部分项目完成情况良好。\n")
    assert r.kind == "department"


# ------------------------------------------------------------------ parts


def test_a_sentence_opening_with_其中_after_no_figure_states_parts_only():
    head = "某市人民法院2018年度部门整体支出绩效评价报告\n一、部门项目实施情况\n"
    r = _parse(head + "我院2018年共有8个支出项目,所有项目皆按照年初预算执行。其中,法院执行年初预算数6万元,"
               "年末结算支出6万元,项目资金支出进度比率为100%;案件审判411.95万元,年末结算支出411.95万元。\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (None, None, None)
    assert any(c.lost for c in r.candidates["budget_yuan"])  # kept, with why it lost
    # after a figure, the list itemises it and the money spent after it is the report's
    r = _parse(head + "2018年预算资金100万元。其中,中央资金60万元,省级资金40万元。全年实际支出90万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (1_000_000, 900_000)


def test_spending_set_against_the_budget_in_a_budget_section_is_spending():
    head = "某县应急管理局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n(一)部门预算安排\n"
    r = _parse(head + "我单位全年预算数1761.58万元,本年度总支出1688.46万元,其中基本支出469.70万元,项目支出1218.76万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (17_615_800, 16_884_600)
    # with no budget before it, a budget section's 总支出 is the spending planned
    r = _parse(head + "本年度总支出1688.46万元,其中基本支出469.70万元,项目支出1218.76万元。\n")
    assert r.spent_yuan is None


def test_a_funds_spending_named_经费支出():
    r = _parse("某市人大常委会办公厅2018年度专项业务经费项目支出绩效自评报告\n一、项目基本情况\n"
               "2018年度,某市人大常委会办公厅专项业务经费支出1387万元,主要用于各专委会工作经费。\n")
    assert r.spent_yuan == 13_870_000


def test_rates_listed_after_the_reports_rate_are_its_parts():
    head = "某县文化和旅游局2024年度部门整体支出绩效自评报告\n一、部门整体支出情况\n"
    r = _parse(head + "某县文化和旅游局2024年度支出合计768.65万元,执行率为80.32%,其中:基本支出596.71万元,"
               "执行率达100.00%,项目支出171.94万元,执行率47.72%。\n")
    assert r.execution_rate_reported == 0.8032
    # parts alone, with no rate of the whole before them: nothing chosen
    r = _parse(head + "其中:基本支出596.71万元,执行率达100.00%,项目支出171.94万元,执行率47.72%。\n")
    assert r.execution_rate_reported is None


def test_amounts_that_happen_to_add_up_name_no_whole():
    # three allocations of other years, or of other towns, where one is the sum of the
    # other two by chance: no total is stated, so none is the budget
    head = "某县2021年某某补助资金绩效自评报告\n一、基本情况\n"
    r = _parse(head + "2021年下达我县资金10万元。2020年下达我县资金20万元,2019年下达我县资金30万元。\n")
    assert r.budget_yuan is None
    r = _parse(head + "下达甲镇资金10万元。下达乙镇资金20万元。下达丙镇资金30万元。\n")
    assert r.budget_yuan is None


def test_money_planned_to_arrive_is_no_money_arrived():
    r = _parse("某县委宣传部2018年度战略合作资金支出绩效自评报告\n一、项目资金情况\n"
               "2018年1-12月计划到位资金163.69万元,实际到位资金143.69万元。\n")
    assert (r.budget_yuan, r.available_yuan) == (1_636_900, 1_436_900)
    # money that arrived as planned arrived; money not arrived is none of the figures
    head = "某县2021年某某补助资金项目绩效自评报告\n一、资金情况\n"
    r = _parse(head + "项目资金按计划到位资金170万元,实际支出160万元。\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (None, 1_700_000, 1_600_000)
    r = _parse(head + "年初预算100万元,截至年底尚有未按计划到位资金20万元,未到位资金20万元。\n")
    assert (r.budget_yuan, r.available_yuan) == (1_000_000, None)


def test_a_projects_total_investment_gives_way_to_the_years_budget():
    head = "某区2019年植被恢复绿化项目支出绩效自评报告\n一、项目基本情况\n"
    r = _parse(head + "资金来源为财政投入,2019年预算实际安排151.12万元。\n(二)项目资金分配情况\n"
                      "项目资金主要以造林面积为测算依据分配。项目计划总投资199.88万元。\n")
    assert r.budget_yuan == 1_511_200
    # alone, it is the budget the report states
    assert _parse(head + "我县2022年农村公路通村道路建设项目计划投资2179万元。\n").budget_yuan == 21_790_000


def test_a_bare_万_before_what_the_money_did_is_万元():
    head = "某镇2022年乡村振兴示范村建设项目绩效自评报告\n一、资金情况\n"
    r = _parse(head + "1、资金计划。某村乡村振兴示范村建设项目预算资金13.971129万并且全部到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (139_711.29, 139_711.29)
    assert _parse(head + "项目批复资金350万已全部到位,属于省财政下拨资金。\n").available_yuan == 3_500_000
    # before anything but what money does, 万 counts something else
    assert _parse(head + "项目预算资金惠及农户1.2万并带动群众增收。\n").budget_yuan is None
    assert _parse(head + "预算资金支持培训农民2万已超过年度目标。\n").budget_yuan is None
    r = _parse(head + "该项目预算资金120万元。预算资金惠及农户1.2万并带动群众增收。\n")
    assert r.budget_yuan == 1_200_000


def test_the_projects_money_named_as_a_whole_is_its_budget():
    head = "某市政府办公室2017年办公楼维护项目支出绩效自评报告\n一、项目基本情况\n"
    assert _parse(head + "该项目经费共35万元,主要用于维护办公大楼的正常运转。\n").budget_yuan == 350_000
    assert _parse(head + "项目资金为30万元,主要用于综治维稳工作。\n").budget_yuan == 300_000
    # a named item's money is no such whole
    assert _parse(head + "办公楼保洁经费共35万元,主要用于保洁。\n").budget_yuan is None
    # and gives way to a budget its words name
    r = _parse(head + "该项目经费共35万元。年初预算安排40万元。\n")
    assert r.budget_yuan == 400_000
    # in a department's report, 项目资金 is the project part of its money
    r = _parse("某局2022年部门整体支出绩效自评报告\n一、部门概况\n2022年本部门收入合计500万元。基本支出300万元。"
               "项目资金200万元,主要用于业务工作。\n")
    assert r.budget_yuan is None


def test_共支_is_共支出_written_short():
    head = "某县2021年公共文化服务专项资金绩效自评报告\n一、资金使用情况\n"
    assert _parse(head + "(1)2021年公共文化服务专项资金共支182.564万元。\n").spent_yuan == 1_825_640
    # 共支持 is support given, no spending
    assert _parse(head + "2021年本专项共支持项目30个。省级安排资金共支持90万元。\n").spent_yuan is None


def test_money_named_by_the_reports_own_project_is_its_budget():
    head = "某县广播电视台2017年电视专题节目制作经费项目支出绩效自评报告\n一、项目基本情况\n"
    r = _parse(head + "2017年电视专题节目制作经费项目50万元,实际到位50万元,到位率100%。\n")
    assert r.budget_yuan == 500_000
    r = _parse("湖南省中小企业发展专项资金2020年度绩效自评报告\n一、基本情况\n"
               "本次评价对象为湖南省中小企业发展专项资金16750万元,其中2000万元切块使用。\n")
    assert r.budget_yuan == 167_500_000
    # a level's share of the fund, or another fund's money, is not the whole
    r = _parse(head + "中央电视专题节目制作经费项目30万元,省级电视专题节目制作经费项目20万元。\n")
    assert r.budget_yuan is None
    assert _parse(head + "2017年广播设备维护经费50万元。\n").budget_yuan is None


def test_the_years_money_and_a_quota_issued_are_the_budget():
    head = "某县2020年财政专项扶贫资金绩效自评报告\n一、绩效目标分解下达情况\n"
    r = _parse(head + "年度资金40.83万元,本年度财政拨款40.83万元,执行率100%。\n")
    assert r.budget_yuan == 408_300
    r = _parse(head + "2020年度县财政划给县司法局一村一法律顾问经费,指标金额是110万元,实际拨付金额是108万元。\n")
    assert r.budget_yuan == 1_100_000


# ------------------------------------------------------------------ scores


def test_a_score_stated_as_自评得_with_its_points():
    head = "某厅2020年度部门整体支出绩效自评报告\n一、自评结论\n"
    assert _parse(head + "经逐项量化评价,自评得97.5分。\n").score == 97.5
    # an indicator's points in the same words stay the indicator's
    assert _parse(head + "满意度指标年初目标值≥90%,实际完成值95%,自评得10分;\n").score is None


def test_a_fund_evaluated_as_资金项目_is_the_fund():
    r = _parse("一、基本情况\n教育部对2020年度支持学前教育发展资金项目进行了绩效自评,现将情况报告如下。\n")
    assert r.project_name == "支持学前教育发展资金"
    # a title's …资金项目 is a fund's projects in general, no name (a blind set's
    # 镇财政所涉农整合资金项目 over many measures; 人口普查经费资金项目 is lost with it)
    r = _parse("某镇2022年衔接资金项目绩效自评报告\n一、项目概况\n")
    assert r.project_name is None


def test_a_total_row_writing_its_points_with_分():
    table = ("2022年度某市某项目工作经费项目自评表\n项目名称 | 某项目工作经费 | ||||\n"
             "年度绩效目标1 (80分) | 一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 | |||\n"
             "满意度指标 | 满意度指标 | 群众满意度 | 满意 | 完成 | 10 | ||||\n")
    assert _parse(table + "总分 | 99.55分 | ||||||||\n").score == 99.55
    # the same row after rows no indicator header was read for
    prose = "2022年度某市某项目工作经费项目自评报告\n一、项目基本情况\n项目年度目标均已完成。\n"
    assert _parse(prose + "总分 | 99.55分 | ||||||||\n").score == 99.55
    # without 分 the one number may be the maximum: no score from such a row
    assert _parse(prose + "总分 | 100 | ||||||||\n").score is None


def test_the_forms_总分_row_writes_the_points_possible_then_those_scored():
    prose = "2022年度某中学项目支出绩效自评表\n项目名称 | 义务教育营养改善计划专项资金 |\n"
    r = _parse(prose + "| 其他需要说明事项 | 无 | 总分 | 100 | 96 | 优 |\n")
    assert (r.score, r.grade) == (96, "优")
    assert _parse(prose + "总分 100 93.5\n").score == 93.5
    assert _parse(prose + "总分 100 100\n").score == 100
    # 100 followed by words, not a number, is no such row
    assert _parse(prose + "| 总分 | 100 | 优 |\n").score is None
    # the label's cell may end in a colon; the 100 is still the points possible
    assert _parse(prose + "| 其他需要说明事项 | 无 | 总分: | 100 | 96 | 优 |\n").score == 96
    # a row with another number after (分值 | 扣分 | 得分) does not say which is the score
    assert _parse(prose + "| 总分 | 100 | 4 | 96 |\n").score is None


def test_a_score_labels_cell_ending_in_a_colon_and_its_value_in_the_next_cell():
    head = "某县某协会2022年整体支出绩效自评表\n"
    assert _parse(head + "项目名称: | 某协会整体监控 | 自评总分: | 99.68 | |||||\n").score == 99.68
    # a cell after a label with no colon may be another column (总分 | 100 is the maximum)
    assert _parse(head + "| 总分 | 100 | ||||\n").score is None


# ------------------------------------------------------------------ units


def test_a_units_usual_short_form_and_its_full_name_are_one_unit():
    r = _parse("塘湖镇政府部门整体支出绩效自评表\n单位名称 | 塘湖镇人民政府 |\n填报日期:2021年5月18日\n")
    assert r.agency == "塘湖镇人民政府"
    r = _parse("省高院本级2020年绩效自评报告\n评价单位(盖章):海南省高级人民法院\n一、项目概况\n")
    assert r.agency == "海南省高级人民法院"
    # two different units stay two: nothing chosen
    r = _parse("塘湖镇政府部门整体支出绩效自评表\n单位名称 | 石南镇人民政府 |\n")
    assert r.agency is None


def test_a_broadcaster_opening_its_projects_title_is_the_unit():
    r = _parse("某市广播电视台电视专题节目制作经费项目绩效自评报告\n一、项目基本情况\n")
    assert (r.agency, r.project_name) == ("某市广播电视台", "电视专题节目制作经费项目")


def test_a_unit_named_by_its_level_alone_takes_the_full_name_the_text_writes():
    r = _parse("发布日期:2021-10-12 来源:市文化和广电旅游体育局\n2020年度文化专项资金绩效自评报告\n"
               "一是2020年,某阳市文化和广电旅游体育局及其下属各单位完成了各项工作。\n")
    assert r.agency == "某阳市文化和广电旅游体育局"
    r = _parse("自治区文化和旅游厅关于2021年度中央转移支付专项资金绩效自评的报告\n  某某壮族自治区文化和旅游厅 | 2022-12\n")
    assert r.agency == "某某壮族自治区文化和旅游厅"
    # two places write it out differently: the text does not say which; the name stays as given
    r = _parse("来源:市文化和广电旅游体育局\n2020年度文化专项资金绩效自评报告\n"
               "甲市文化和广电旅游体育局、乙市文化和广电旅游体育局完成了各项工作。\n")
    assert r.agency == "市文化和广电旅游体育局"
    # a name with its own place is not lengthened
    r = _parse("某县明朗中学2021年度项目支出绩效自评报告\n某市某县明朗中学是一所初级中学。\n")
    assert r.agency == "某县明朗中学"


def test_a_bureaus_branch_is_one_unit():
    r = _parse("某市公安局高新技术产业区分局项目支出绩效自评报告\n一、项目基本情况\n")
    assert r.agency == "某市公安局高新技术产业区分局"
    # two bureaus run together stay a joint report: no one unit
    r = _parse("某省财政厅某省农业农村厅2021年度农业专项资金绩效自评报告\n一、基本情况\n")
    assert r.agency is None


def test_a_unit_that_says_what_it_is_is_the_subject():
    head = "某市2023年垃圾处理补贴经费项目绩效自评报告\n一、项目概况\n(一)项目单位基本情况\n"
    r = _parse(head + "某市城市管理局是一级预算管理的行政单位,主要负责全市环境卫生工作。\n")
    assert r.agency == "某市城市管理局"
    r = _parse(head + "某区动物疫病预防控制中心是某区农业农村局下属二级事业单位。\n")
    assert r.agency == "某区动物疫病预防控制中心"
    r = _parse(head + "某县乡村振兴局是县人民政府的职能工作部门。\n")
    assert r.agency == "某县乡村振兴局"
    # a project describing itself is no unit
    r = _parse(head + "本项目是全市重点民生工程,由多个部门共同实施。\n")
    assert r.agency is None


def test_a_broadcasting_bureau_publishing_its_report_is_no_media_outlet():
    body = "\n自治区广播电视局关于2019年项目支出绩效评价工作情况的函\n一、基本情况\n"
    r = _parse("信息来源:某某自治区广播电视局 ‖ 发稿作者:规划财务处" + body)
    assert r.agency == "某某自治区广播电视局"
    # a broadcaster (电视台, 广播电视台) publishing another unit's report is media
    r = _parse("信息来源:某市广播电视台" + body)
    assert r.agency is None


def test_a_source_field_ends_where_the_pages_furniture_begins():
    body = "\n2024年度衔接推进乡村振兴补助资金绩效自评报告\n根据通知要求,我局对资金使用情况开展了自评。\n"
    r = _parse("发布时间:2025-03-12 09:48信息来源:某区农业农村水利局文字大小:[ ] 背景色:" + body)
    assert r.agency == "某区农业农村水利局"
    r = _parse("2020-07-24 13:26来源:某市住房和城乡建设局关键词:垃圾处理 收藏" + body)
    assert r.agency == "某市住房和城乡建设局"


def test_a_unit_introduced_by_its_founding_or_a_short_name():
    head = "一、部门基本情况\n(一)部门概况\n"
    r = _parse(head + "某某哈尼族彝族自治州红十字会(以下简称“州红十字会”)于1989年9月成立,系参公管理的群团组织。\n")
    assert r.agency == "某某哈尼族彝族自治州红十字会"
    r = _parse("一、项目基本情况\n某某市人民政府驻上海联络处于2012年11月正式批复设立,于2013年3月挂牌。\n")
    assert r.agency == "某某市人民政府驻上海联络处"
    r = _parse("一、单位基本情况\n(一)职能职责\n某某省侨联是中共某某省委领导下的由归侨、侨眷组成的人民团体,是党和政府联系归侨的桥梁。\n")
    assert r.agency == "某某省侨联"
    # a founding told of later in the section is another's (a contractor's)
    r = _parse("某县2021年道路建设项目绩效自评报告\n一、项目基本情况\n本项目按计划实施。某某建设有限公司于2019年3月成立,承建本项目。\n")
    assert r.agency is None
    # a date that founds nothing names no unit
    r = _parse("一、项目基本情况\n某某市人民政府驻上海联络处于2012年11月完成了采购。\n")
    assert r.agency is None


# ------------------------------------------------------------------ noise


def test_a_spam_mirrors_name_before_the_titles_colon_is_no_part_of_it():
    r = _parse("手机版大发888下载_大发彩票官方app版-体育在线:某区民政局项目支出绩效自评报告\n一、项目概况\n")
    assert r.agency == "某区民政局"
    # a title's own colon (附件1:) is kept as before
    r = _parse("附件1:某区民政局2022年度部门整体支出绩效自评报告\n一、部门概况\n")
    assert r.agency == "某区民政局"


def test_figures_doubled_by_a_pdfs_fake_bold_are_not_read():
    head = "某县科协2021年科普宣传经费项目绩效自评报告\n一、项目概况\n"
    r = _parse(head + "本项目申报金额 7070 万元,预算批复 7070 万元,当年实际到位 106.5106.5 万元,支出 36.9436.94 万元。\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (None, None, None)
    assert r.candidates["budget_yuan"][0].lost  # kept, with why
    # without a doubled decimal in the text, 7070 is 7070
    r = _parse(head + "本项目预算批复 7070 万元,支出 3694 万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (70_700_000, 36_940_000)


def test_money_spent_in_the_years_words_ends_a_list_of_revenue():
    head = "某局2022年度部门整体支出绩效自评报告\n一、部门整体支出概况\n"
    r = _parse(head + "2022年本单位总收入为207.79万元,其中一般公共财政拨款预算收入155.11万元,"
               "其他收入52.68万元,年度总支出为774.59万元。\n")
    assert r.spent_yuan == 7_745_900
    # a part's spending named by its subject stays the part's
    r = _parse(head + "2022年本单位总收入为207.79万元,其中一般公共财政拨款预算收入155.11万元,"
               "其他收入52.68万元,其他收入支出为52.68万元。\n")
    assert r.spent_yuan is None


def test_this_projects_money_in_a_report_on_several_projects_is_one_projects():
    head = "共青团某市委2020年度项目支出绩效评价自评报告\n一、项目概况\n"
    several = "2020年市财政共计下达单位市级项目资金60万元,涉及2个项目。\n"
    item = "1.青少年管理事务工作经费。该项目财政拨入资金30万元,截止2020年12月31日,支出资金30万元。\n"
    r = _parse(head + several + item)
    assert (r.budget_yuan, r.spent_yuan) == (600_000, None)
    # a report on one project: 该项目 is the report's own
    r = _parse(head + item)
    assert r.spent_yuan == 300_000


# ------------------------------------------------------------------ several reports


def test_a_page_announcing_several_reports_leaves_the_first_ones_figures_unchosen():
    text = ("某厅关于2021年度中央转移支付专项资金绩效自评的报告\n"
            "现将中央非物质文化遗产保护专项资金转移支付2021年度绩效自评报告、国家文物保护专项转移支付2021年度"
            "绩效自评报告公开如下:\n一、绩效目标分解下达情况\n中央下达预算资金2118万元,全年执行2118万元,执行率100%。\n")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported, r.project_name) == (None, None, None, None)
    assert r.candidates["budget_yuan"][0].value == 21_180_000 and "多份报告" in r.candidates["budget_yuan"][0].lost
    # one report's form and text announced together are one report
    r = _parse(text.replace("、国家文物保护专项转移支付2021年度绩效自评报告", "及评价报告"))
    assert r.budget_yuan == 21_180_000


def test_a_list_of_a_units_project_forms_before_the_first_one():
    text = ("2022年度项目支出绩效自评表\n某局本级单位项目绩效自评表清单\n序号\n项目名称\n1\n“三支一扶”省级财政补助资金自评表\n"
            "2\n城乡劳动力发展工作经费自评表\n3\n人事考试专项经费自评表\n项目支出绩效自评表\n"
            "项目名称 | “三支一扶”省级财政补助资金\n项目资金(万元) | 年初预算数 | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分\n"
            "年度资金总额: | 99 | 99 | 99 | 10 | 100% | 10\n")
    r = _parse(text)
    assert (r.budget_yuan, r.spent_yuan, r.project_name) == (None, None, None)
    # a report listing its own forms (附件) is one report
    r = _parse(text.replace("“三支一扶”省级财政补助资金自评表\n", "项目支出绩效自评表\n")
               .replace("城乡劳动力发展工作经费自评表\n", "部门整体支出绩效自评表\n").replace("人事考试专项经费自评表\n", ""))
    assert r.budget_yuan == 990_000


# ------------------------------------------------------------------ form fields


def test_a_sub_projects_column_is_no_project_name_and_项目年份_is_the_year():
    r = _parse("苏州市级财政支出项目绩效自评表\n项目名称 市管绿地养护 项目年份 2017项目主管部门(单位) 某局\n"
               "子项目名称 实际金额(万元)合计 433.79\n")
    assert (r.project_name, r.year) == ("市管绿地养护", 2017)


def test_the_supervisor_field_with_单位_and_a_money_header_glued_after_the_cell():
    r = _parse("苏州市级财政支出项目绩效自评表\n项目名称 市管绿地养护 项目年份 2017项目主管部门(单位) "
               "苏州市园林和绿化管理局年初预算数当年使用上年结余\n")
    assert r.agency == "苏州市园林和绿化管理局"


def test_a_form_flattened_a_cell_a_line_with_its_unit_on_a_line_of_its_own():
    # 财政支出项目绩效评价自评报告 (附件3): label, "(万元)" and figure each on a line
    head = "某市财政支出项目绩效评价自评报告\n项目名称  优抚\n项目单位  某区民政局\n一、项目基本概况\n项目负责人\n某某\n"
    r = _parse(head + "计划安排资金\n\n(万元)\n\n170\n\n实际到位资金\n\n(万元)\n\n170\n\n实际支出\n\n(万元)\n\n179.6\n\n"
                      "结余(万元)\n\n0\n\n其中:中央财政\n\n省财政\n\n170\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (1_700_000, 1_700_000, 1_796_000)
    # flattened a column at a time (the header's cells, then the row's): no cell has its figure
    for grid in ("年初预算数\n(万元)\n全年预算数\n(万元)\n全年执行数\n(万元)\n264\n412.44\n330.48\n",
                 "计划安排资金\n(万元)\n实际到位资金\n(万元)\n实际支出\n(万元)\n170\n170\n179.6\n"):
        r = _parse(head + grid)
        assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (None, None, None)
    # a line of prose above the unit is no cell's label
    assert _parse(head + "为加强资金管理,其中本年度实际支出金额\n(万元)\n\n170\n").spent_yuan is None
    # a figure on the line above is no label: the bare number after the unit names nothing
    r = _parse(head + "资金情况\n2020年 170\n(万元)\n\n170\n")
    assert r.budget_yuan is None


HUBEI_FORM = ("2021年度财政项目绩效自评表单位名称:某市中心医院填报日期:2022年3月18日项目名称院区建设补助"
              "主管部门某市卫生健康委项目实施单位某市中心医院项目类别1、部门预算项目\n")


def test_a_grid_headed_预算数_执行数_执行率_得分_with_its_row_after_the_header():
    # the form of 财政项目绩效自评表 (预算数为调整后财政资金总额): 预算数 alone is the budget column
    r = _parse(HUBEI_FORM + "预算执行 情况(万元) (20 分) 一级指标 年度财政 资金总额 预算数 (A) 执行数(B) "
                            "执行率(B/A) 得分 (20 分*执行率) 285.84 280.12 98% 19.6 三级指标 年初目标值 (A)\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (2_858_400, 2_801_200, 0.98)
    # its cells glued together, the rate's bracket unclosed: parted where 执行数 ÷ 预算数 is the rate
    r = _parse(HUBEI_FORM + "预算执行情况 (万元) (20 分)预算数(A)执行数(B)执行率(B/A1得分(20分*执行率)"
                            "年度财政 资金总额10001000100%20度效标80\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (10_000_000, 10_000_000, 1.0)


def test_a_grids_年度财政资金总额_row_and_its_rate_without_a_percent_sign():
    r = _parse(HUBEI_FORM + "预算执行情况(万元) (20分) 预算数(A) 执行数(B) 执行率(B/A) 得分\n(20分*执行率)\n"
                            "年度财政资金总额 104 103.97 99.97 19\n年度绩效目标\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (1_040_000, 1_039_700, 0.9997)


def test_a_grid_whose_column_letters_lost_their_closing_brackets():
    r = _parse("项目名称 安徽省广播电视精品专项资金\n主管部门 安徽省广播电视局 实施单位 安徽省广播电视局机关\n资金情况\n(万元)\n"
               "  全年预算数(A 全年执行数(B 分值 执行率(B/A) 得分\n年度资金总额: 760 760 10 100.00% 10\n"
               " 其中:本年财政拨款 760 760 -   -\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (7_600_000, 7_600_000, 1.0)


def test_a_grid_whose_rate_column_prints_its_formula():
    r = _parse("附件1 项目支出绩效自评表 ( 2021 年度) 项目名称 司法业务经费 主管部门 某市司法局 项目资金(万元) "
               "实施单位 某市司法局 年初预算数 全年预算数 全年执行数 分值 执行率(全年 执行数/全年 预算数) "
               "年度资金总额: 620.82万元 620.82万元 590.50万元 10 95.12% 9.5 其中:当年财政 拨款 620.82万元\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (6_208_200, 5_905_000, 0.9512)


def test_a_grid_a_cell_a_line_with_its_columns_letters_unbracketed():
    head = "某县2022年度项目支出绩效自评表\n项目名称\n\n某项补助资金\n\n项目资金(万元)\n\n"
    r = _parse(head + "年初预算数\n\n全年预算数A\n\n全年执行数B\n\n分值\n\n执行率\n\n得分\n\n"
                      "年度资金总额\n\n264\n\n412.44\n\n330.48\n\n10\n\n80.13\n\n8\n")
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan, r.execution_rate_reported) == (
        2_640_000, 4_124_400, 3_304_800, 0.8013)


def test_a_total_row_without_its_rate_is_placed_by_the_part_row_restating_it():
    head = ("2024年度部门整体绩效自评表 | ||||\n项目名称: | 某县科学技术协会整体监控 | ||||\n资金情况 | ||||\n"
            "年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 | |||||\n")
    total = "年度总金额 | 3,724,055.00? | 4,764,453.11? | 4,614,453.11? | |||||||\n"
    r = _parse(head + total + "其中:财政拨款 | 3,724,055.00? | 4,764,453.11? | 4,614,453.11? | 96.85 | 10.00 | 9.68? | |||\n")
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan) == (3_724_055, 4_764_453.11, 4_614_453.11)
    # a part row with other numbers confirms nothing of the total's
    r = _parse(head + total + "其中:财政拨款 | 3,000,000.00 | 4,000,000.00 | 3,874,000.00 | 96.85 | 10.00 | 9.68 | |||\n")
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_an_indicator_rows_target_and_actual_percents_are_not_the_reports_rate():
    grid = ("预算执行 情况(万元) (20 分) 预算数 (A) 执行数(B) 执行率(B/A) 得分 (20 分*执行率) "
            "285.84 285.84 100% 20 三级指标 年初目标值 (A) 实际完成值 (B) 得分 ")
    r = _parse(HUBEI_FORM + grid + "服务外包企业数量 3 3 10 预算资金执行率 90% 95% 10 资金拨付及时性 98%以上 100% 10\n")
    assert r.execution_rate_reported == 1.0
    # the indicator's own statement, alone, still names a rate
    r = _parse("某局2020年项目绩效自评报告\n一、项目基本情况\n预算执行率100%,资金拨付及时。\n")
    assert r.execution_rate_reported == 1.0


def test_glued_rows_of_parts_then_their_合计_row():
    head = "某区2021年度区级森林防火专项经费项目绩效自评表单位名称:某区园林和林业局项目名称区级森林防火专项经费"
    r = _parse(head + "预算执行情况(万元)预算数(A)执行数(B)执行率(B/A)一般预算内拨款6363100%合计6363100%年度绩效目标\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (630_000, 630_000, 1.0)
    rows = "".join(f"{i}省某某运动管理 中心{b}{s}{r}" for i, (b, s, r) in enumerate(
        [("319.65", "134.02", "41.93%"), ("350", "350.00", "100.00%"), ("120", "111.40", "92.83%")], start=2))
    r = _parse(head + "序号单位名称预算数执行数预算执行率" + rows + "地市小计5254.155014.7095.44%合计68006027.9588.65%由上表可知\n")
    assert (r.budget_yuan, r.spent_yuan, r.execution_rate_reported) == (68_000_000, 60_279_500, 0.8865)
    # a subtotal named for its rows is no 合计 row; the total is the row opening with 合计
    r = _parse(head + "预算执行情况(万元)序号单位预算数执行数预算执行率省直单位合计100090090.00%"
                      "地市合计2000180090.00%合计3000270090.00%由上表可知\n")
    assert (r.budget_yuan, r.spent_yuan) == (30_000_000, 27_000_000)
    # a 合计 past another table's header is that table's (money arrived, not spent)
    r = _parse(head + "预算执行情况(万元)预算数(A)执行数(B)执行率(B/A)年度资金总额———年度绩效目标 "
                      "资金到位情况 资金来源预算数到位数到位率合计505050100%\n")
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_a_grid_row_that_lost_a_cell_is_not_read_by_its_labels_words():
    r = _parse("单位名称 | 某镇人民政府 | ||||||||\n基本支出总额 | 864.2万 | 项目支出总额 | 0 | ||||||\n"
               "预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) | |||||\n"
               "部门整体支出总额 | 864.2 | 100% | 20 | ||||||\n年度目标1:(80分) | 改善乡镇居住环境 | ||||||||\n")
    assert r.spent_yuan is None  # 支出总额 names the row, not the column 864.2 is under


def test_the_year_in_brackets_after_a_forms_name():
    r = _parse("详情见附件(注:以下内容为附件图片识别)部门预算项目支出绩效自评表(2023年度) | | | | |\n"
               "项目名称 | | 退耕还林工作经费 | | |\n主管部门 | | 某市林业局 | 实施单位 | 某市林业局 |\n"
               "项目基本情况 | 1.项目年度目标完成情况 | 项目年度目标 | | 年度目标完成情况 |\n"
               "| | 协助完成对我市2018年度新一轮退耕还林检查验收。 | | 开展业务培训。 |\n"
               "| 2.项目实施内容 | 协助完成对我市2018年度新一轮退耕还林检查验收。 | | |\n")
    assert r.year == 2023


def test_a_place_the_page_masked_is_no_part_of_a_projects_name():
    assert _parse("XX市渔业增殖放流项目绩效评价报告\n一、项目概况\n").project_name == "渔业增殖放流项目"
    assert _parse("某市渔业增殖放流项目绩效评价报告\n一、项目概况\n").project_name == "某市渔业增殖放流项目"


def test_project_money_paid_is_money_spent():
    head = "某县2021年森林抚育项目支出绩效自评报告\n一、项目概况\n"
    assert _parse(head + "项目已完工,已按施工合同支付项目资金196.56万元。\n").spent_yuan == 1_965_600
    # a transfer payment is a kind of fund, not a payment made
    assert _parse(head + "上级下达转移支付项目资金196.56万元。\n").spent_yuan is None


def test_a_project_names_cell_stops_at_the_next_cell_项目主要内容():
    r = _parse("2021年项目绩效自评报告表(实施单位用)填报单位:某市疾病预防控制中心填报日期:2022年9月18日"
               "基本情况项目名称重大传染病防治项目主要内容预防和控制传染病的发生\n")
    assert r.project_name == "重大传染病防治"


def test_money_of_two_levels_together_is_no_one_levels():
    head = "某市就业补助资金2023年度绩效自评报告\n一、转移支付基本情况\n"
    r = _parse(head + "2023年自治区下达某市中央及自治区就业补助资金共33832.24万元,中央资金27853万元,"
               "自治区资金5643万元,各县筹集资金336.24万元。\n")
    assert r.budget_yuan == 338_322_400
    # one level's allocations, no total: unknown
    r = _parse(head + "2023年中央下达就业补助资金27853万元,自治区下达就业补助资金5643万元。\n")
    assert r.budget_yuan is None


def test_a_grade_in_brackets_after_its_label():
    head = "某县老年人日间照料中心项目绩效自评报告\n四、评价结论\n"
    assert _parse(head + "综合项目实施效果,评价得分及绩效等级为(良)。\n").grade == "良"
    # a scale in brackets is no grade
    assert _parse(head + "绩效等级(优、良、中、差)按得分确定。\n").grade is None


def test_a_project_in_brackets_after_the_fund_that_pays_for_it():
    r = _parse("中央集中彩票公益金转移支付(福彩圆梦•孤儿助学工程项目)2020年度绩效自评报告\n一、基本情况\n")
    assert r.project_name == "福彩圆梦•孤儿助学工程项目"
    # a channel in brackets after a fund's name keeps the fund
    r = _parse("湖北省残疾人事业发展补助资金(省对下转移支付)2020年度绩效自评报告\n一、基本情况\n")
    assert r.project_name is not None and r.project_name.endswith("补助资金(省对下转移支付)")


def test_the_residents_insurance_programme_is_a_fund_not_a_units_contribution():
    head = "某省人力资源和社会保障厅2024年度转移支付绩效自评报告\n一、基本情况\n"
    r = _parse(head + "2024年,某省城乡居民基本养老保险全年预算数1437530.39万元,全区执行数1042971.58万元。\n")
    assert r.budget_yuan == 14_375_303_900
    # a unit's pension contributions stay a part of its spending
    r = _parse("某局2024年度部门整体支出绩效自评报告\n一、基本情况\n2024年职工养老保险全年预算数37.5万元。\n")
    assert r.budget_yuan is None


def test_a_forms_numbers_with_a_lost_character_and_a_rate_without_its_sign():
    r = _parse("2024年度部门整体绩效自评表 | | | | | |\n项目名称: | 某县科学技术协会整体监控 | | | | |\n"
               "资金情况(元) | 年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 |\n"
               "年度总金额 | 3,724,055.00? | 4,764,453.11? | 4,614,453.11? | 96.85 | 10.00 | 9.68? |\n")
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan) == (3_724_055, 4_764_453.11, 4_614_453.11)
    # a rate that does not agree with the row's money: the columns are not trusted
    r = _parse("2024年度部门整体绩效自评表 | | | | | |\n"
               "资金情况(元) | 年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 |\n"
               "年度总金额 | 3,724,055.00 | 4,764,453.11 | 4,614,453.11 | 10.00 | 9.68 | |\n")
    assert r.spent_yuan is None


def test_a_form_row_naming_a_part_is_no_total():
    r = _parse("某镇人民政府部门整体支出绩效自评表\n| 单位名称 | 某镇人民政府 |\n| 基本支出总额 | 864.2万 | 项目支出总额 | 0 |\n")
    assert r.spent_yuan is None
    r = _parse("某镇人民政府部门整体支出绩效自评表\n| 单位名称 | 某镇人民政府 |\n| 部门整体支出总额 | 864.2万 |\n")
    assert r.spent_yuan == 8_642_000


def test_a_documents_part_number_before_a_title_is_no_part_of_the_unit():
    r = _parse("某区医疗保障局2021年度部门整体支出绩效评价报告.docx\n"
               "第五部分 附件 某区医疗保障局 2021 年度部门整体支出绩效评价报告 一、部门概况 (一)基本情况。\n")
    assert r.agency == "某区医疗保障局"


def test_a_unit_the_title_runs_into_its_projects_name_is_cut_off():
    # the title's own gap after the unit
    r = _parse("南阳曲剧艺术中心 戏曲进校园演出项目绩效评价自评报告\n一、概述\n1、南阳曲剧艺术中心是市属专业艺术表演团体。\n")
    assert r.project_name == "戏曲进校园演出项目"
    # the body naming the project alone
    r = _parse("某市广播电视台专题节目制作补助资金绩效自评报告\n一、项目概况\n专题节目制作补助资金50万元,用于节目制作。\n")
    assert r.project_name == "专题节目制作补助资金"
    # a place is not a unit: the project keeps it, as the title writes it
    r = _parse("银川市兴庆区月牙湖乡垃圾转运站提升改造项目绩效自评报告\n一、项目概况\n"
               "兴庆区月牙湖乡垃圾转运站提升改造项目总投资100万元。\n")
    assert r.project_name == "银川市兴庆区月牙湖乡垃圾转运站提升改造项目"


def test_部署_is_a_verb_not_a_units_name():
    r = _parse("一、基本情况\n根据县财政局要求,我高度重视,认真部署开展了某村乡村振兴示范村建设项目的绩效评价自评工作。\n")
    assert r.agency is None


# ------------------------------------------------------------------ years


def test_the_period_evaluated_within_one_year_is_the_year():
    r = _parse("某县财政支出项目绩效评价自评报告\n评价时段: 2021年 1 月起至 2021 年 12 月止\n一、项目概况\n")
    assert r.year == 2021
    # a period over several years names no year, and its years are not counted
    r = _parse("某县财政支出项目绩效评价自评报告\n项目期间: 2015年11月起至2020年1月止\n一、项目概况\n")
    assert r.year is None


def test_a_year_in_a_units_history_is_no_year_evaluated():
    r = _parse("某剧团项目绩效评价自评报告\n一、概述\n本团前身是成立于1951年的专区曲剧团。\n")
    assert r.year is None


def test_years_written_equally_often_leave_the_year_undecided():
    # the last resort counts the years the text writes: a tie says nothing
    head = "某县电子商务进农村综合示范项目绩效自评报告\n一、项目概况\n"
    r = _parse(head + "本县自2020年申报获批，实施方案(2021年-2022年)已印发。\n")
    assert r.year is None
    assert sorted(c.value for c in r.candidates["year"]) == [2020, 2021, 2022]
    # one year written more often than the others is the year
    r = _parse(head + "本县自2020年申报获批，2021年实施，2021年验收。\n")
    assert r.year == 2021


def test_no_year_written_the_year_before_the_reports_filing_date():
    body = "部门整体支出绩效自评报告\n部门名称:某县司法局\n填报日期:2022-02-03\n一、部门基本情况\n(一)部门职能\n"
    r = _parse(body + "负责全县普法工作。\n")
    assert r.year == 2021
    assert r.evidence["year"].sentence.startswith("填报日期")
    # a year the text writes comes first
    assert _parse(body + "2022年度完成普法宣传100场。\n").year == 2022
    # a filing month without its day
    assert _parse(body.replace("2022-02-03", "2025年7月") + "负责全县普法工作。\n").year == 2024
    # a bare 日期 or the date under a signature files nothing
    assert _parse("部门整体支出绩效自评报告\n日期:2023-11-11\n一、部门基本情况\n负责全县普法工作。\n").year is None
    assert _parse("部门整体支出绩效自评报告\n一、部门基本情况\n负责全县普法工作。\n某县司法局\n2018年7月2日\n").year is None


def test_words_for_a_projects_money_and_a_bare_year_are_no_project_names():
    head = "某局2019年度项目支出绩效自评报告\n一、项目概况\n"
    assert _parse(head + "2019年,自治区财政下达我局项目预算资金总计2184.66万元。\n").project_name is None
    r = _parse("2020 年市级服务贸易发展资金项目自评表 单位名称:区商务局 填报日期:2021 年 4 月 22 日 "
               "项目名称 2020 年市级服务贸易发展资金 主管部门 区商务局\n")
    assert r.project_name != "2020"


def test_a_score_written_right_after_绩效自评():
    head = "某市委宣传部2021年项目支出绩效自评报告\n四、自评结论\n"
    assert _parse(head + "根据绩效评价指标体系,该项目支出绩效自评90.76分,自评等级为:优秀。\n").score == 90.76
    # 绩效自评 then a count is no score
    assert _parse(head + "本年度共开展绩效自评12项。\n").score is None


def test_a_contents_entrys_page_number_is_no_score():
    head = "某局2022年项目支出绩效自评报告\n目录\n"
    assert _parse(head + "5.1绩效评价得分 30\n5.2存在的问题 31\n").score is None
    # the same heading in the report, with its points, is the score
    assert _parse("某局2022年项目支出绩效自评报告\n5.1绩效评价得分 92分\n").score == 92


def test_a_units_abbreviated_name_and_its_full_name_are_one_unit():
    r = _parse("开远市体育中心2024年度部门整体支出绩效自评报告.pdf\n开远市体育运动产业发展中心 2024 年度部门整体支出绩效自评报告\n"
               "一、部门概况\n")
    assert r.agency == "开远市体育运动产业发展中心"
    # two units of two places stay two
    r = _parse("开远市体育中心2024年度部门整体支出绩效自评报告.pdf\n蒙自市体育运动产业发展中心 2024 年度部门整体支出绩效自评报告\n"
               "一、部门概况\n")
    assert r.agency is None


def test_the_years_fiscal_money_row_and_a_works_title():
    r = _parse("某县2022年度项目绩效自评表\n| 项目名称 | 某村道路硬化 |\n| 项目资金(万元) | 全年预算数 | 全年执行数 | 执行率 | 得分 |\n"
               "| 年度财政资金总额 | 200 | 195.5 | 97.75% | 19.55 |\n")
    assert (r.budget_yuan, r.spent_yuan) == (2_000_000, 1_955_000)
    r = _parse("某县2020年农村电商提质增效工程绩效评价自评报告\n一、基本情况\n")
    assert (r.kind, r.project_name) == ("project", "农村电商提质增效工程")


def test_a_units_other_name_in_brackets_is_not_left_half_open():
    r = _parse("某市2023年省级非物质文化遗产保护资金转移支付2023年度绩效自评报告\n信息来源 宁国市文旅局(市广电新闻出版局) 主题导航 文化\n"
               "一、绩效目标分解下达情况\n")
    assert r.agency == "宁国市文旅局"


def test_a_project_names_cell_wrapped_onto_the_next_line():
    r = _parse("项目支出绩效自评表\n项目名称 2017年某县一事一议\n助推美丽乡村建设试点补助资金\n主管部门 某县财政局\n")
    assert r.project_name == "2017年某县一事一议助推美丽乡村建设试点补助资金"
    # a complete name and a next line of other words: not joined
    r = _parse("项目支出绩效自评表\n项目名称 某县美丽乡村建设试点补助资金\n主管部门 某县财政局\n")
    assert r.project_name == "某县美丽乡村建设试点补助资金"


def test_a_general_word_for_a_provinces_funds_names_no_fund_and_the_allocation_names_it():
    r = _parse("某市工业和信息化局2021年度省级财政专项资金绩效评价报告\n一、基本情况\n"
               "省工业和信息化厅2021年通过项目制下达至某市的省级促进经济高质量发展专项资金合计12,358.67万元。\n")
    assert r.project_name == "省级促进经济高质量发展专项资金"


def test_报告单位_names_the_unit():
    r = _parse("某省2016年度文化综合发展专项资金预算支出绩效评价报告\n报告单位:某省文化厅\n一、基本情况\n")
    assert r.agency == "某省文化厅"


def test_the_projects_of_the_final_accounts_are_no_projects_name():
    r = _parse("某市信访局2023年度部门决算中项目绩效评价报告\n一、基本情况\n")
    assert r.project_name is None


def test_a_count_of_projects_is_no_projects_name():
    head = "某县科学技术局2023年度部门整体支出绩效自评报告\n一、部门概况\n"
    r = _parse(head + "2023年我局对14个项目开展了绩效自评。\n")
    assert r.project_name is None


def test_a_year_the_page_masked_in_part_is_no_part_of_a_projects_name():
    assert _parse("201X年教育信息化项目绩效自评报告\n一、项目概况\n").project_name == "教育信息化项目"


# ------------------------------------------------------------------ forms glued, forms several

_GLUED_FORM = ("项目支出绩效自评表(2020年度)项目名称演出设备更新专项经费主管部门某区文化和旅游局实施单位某区剧团"
               "资金情况(万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额303010100%10"
               "绩效指标一级指标二级指标三级指标分值年度指标值实际完成值得分产出指标数量指标演出场次1050场50场10"
               "{total}注:1.一级指标分值统一设置为:产出指标50分。")


def test_a_forms_total_row_glued_together_gives_the_score_after_the_100():
    # "总分 | 100 | 96" with its separators lost: 总分10096
    assert _parse(_GLUED_FORM.format(total="总分10096")).score == 96
    assert _parse(_GLUED_FORM.format(total="总分100100")).score == 100
    # digits that split no way a total row would (100 | 9, 100 | 0) are not read
    assert _parse(_GLUED_FORM.format(total="总分1009")).score is None
    assert _parse(_GLUED_FORM.format(total="总分1000")).score is None


def test_forms_of_several_projects_one_after_another_give_no_one_figure():
    # the second form is cut before its own total row: 96 is the first project's score
    text = _GLUED_FORM.format(total="\n总分 | 100 | 96 |\n") + _GLUED_FORM.format(total="").replace(
        "演出设备更新专项经费", "中青年演员培训经费")[:80]
    r = _parse(text)
    assert (r.project_name, r.score) == (None, None)
    assert 96 in [c.value for c in r.candidates["score"]]


def test_a_name_opening_with_全市_is_a_name_and_全县项目资金_is_none():
    # 全市 begins the name of one work's money; 全县/各局 before a bare fund word is all of them
    r = _parse("2017年度项目绩效自评报告\n(全市政务信息工作经费)\n一、项目基本情况\n")
    assert r.project_name == "全市政务信息工作经费"
    assert _parse("某县2021年度全县项目资金绩效自评报告\n一、基本情况\n").project_name is None
    assert _parse("2021年度项目绩效自评报告(各局项目经费)\n一、基本情况\n").project_name is None


def test_a_transfer_named_by_its_subject_before_区域绩效_is_the_name():
    # the Guangdong template: "…涉农统筹整合转移支付区域绩效自评报告"
    r = _parse("某区2022年涉农统筹整合转移支付区域绩效自评报告\n一、基本情况\n")
    assert r.project_name == "涉农统筹整合转移支付"
    # a fund named with its fund word: the transfer after it is the channel
    r = _parse("某县2022年农业生产发展资金转移支付区域绩效自评报告\n一、基本情况\n")
    assert r.project_name == "农业生产发展资金"


def test_a_year_opening_the_next_line_is_no_cell_of_a_flattened_grid():
    r = _parse("项目支出绩效自评表(2022年度)项目名称某某推广项目主管部门某县宗教事务局实施单位某县民族宗教事务局"
               "项目资金(万元)年初预算数全年执行数年度资金总额:38.75万元2022年某县某某推广项目38.75万元"
               "(少数民族发展资金37万元,中央衔接资金1.75万元)\n")
    assert (r.budget_yuan, r.spent_yuan) == (387_500, None)


def test_an_essay_sites_lead_in_is_no_part_of_the_title():
    r = _parse("下面是小编为大家整理的某县文化馆2022年免费开放补助资金绩效自评报告(精选文档),供大家参考。\n"
               "一、项目基本情况\n")
    assert (r.agency, r.project_name) == ("某县文化馆", "免费开放补助资金")


def test_a_verbs_了_is_no_part_of_the_unit_the_sentence_names():
    r = _parse("三、项目绩效分析\n为做好我局2018年项目支出绩效自评工作,制定了某某区茶业管理局2018年农业生产发展资金"
               "项目绩效评价工作方案。\n")
    assert r.agency == "某某区茶业管理局"


def test_a_levels_transfer_named_by_its_level_names_no_fund():
    r = _parse("一、绩效目标分解下达情况\n(一)某县某镇人民政府2023年度下达上级资金转移支付755.19万元。其中:中央级资金"
               "转移支付124.23万元,省级资金转移支付370.83万元。\n")
    assert r.project_name is None


def test_the_unit_cell_ends_where_the_forms_next_row_begins():
    # the Hubei 绩效目标自评表 run together: 项目实施单位 X 项目类别 …
    r = _parse("2021年学生资助项目绩效目标自评表项目名称某学院学生资助项目主管部门某省教育厅项目实施单位某某工程学院"
               "项目类别、部门预算项目☑、省直专项□项目属性、新增性项目☑\n")
    assert r.agency == "某某工程学院"


def test_a_special_funds_项目_before_the_genre_is_the_genres():
    r = _parse("某县人大常委会办公室2020年度人大代表履职能力提升专项资金项目绩效评价自评报告\n一、项目基本情况\n")
    assert r.project_name == "人大代表履职能力提升专项资金"
    # a word for a fund's projects in general stays none
    assert _parse("某镇2022年衔接资金项目绩效自评报告\n一、项目概况\n").project_name is None


def test_money_not_paid_is_no_money_spent():
    r = _parse("截止2020年末,某某专项资金已支出5.56万,未支付资金1万元于年末被县财政收回。\n")
    assert r.spent_yuan == 55_600
    # money paid except what was not is money spent (a review's case)
    r = _parse("某某项目资金使用情况:除质保金未支付外已支付290万元。\n")
    assert r.spent_yuan == 2_900_000


def test_a_unit_evaluating_the_years_money_is_the_agency():
    head = "绩效评价报告\n"
    r = _parse(head + "为进一步加强预算绩效管理,某某市人社局对2022年度城乡居保市级补贴使用情况开展了财政绩效评价工作。"
               "现将绩效评价情况报告如下:\n一、项目基本情况\n")
    assert r.agency == "某某市人社局"
    r = _parse(head + "根据市民生办工作安排,市交通运输局对2021年度“四好农村路”建设实施情况进行了绩效自查自评,"
               "现将自评情况汇报如下:\n")
    assert r.agency == "市交通运输局"
    # a place, or a name the page masked, is no unit
    r = _parse(head + "根据区财政局通知要求,******街道对2023年度农村综合改革资金进行了绩效自评,现将情况报告如下。\n")
    assert r.agency is None


def test_a_units_main_duties_name_it_and_a_command_headquarters_is_no_unit():
    head = "2019年度部门整体支出绩效自评报告\n一、部门基本情况\n"
    r = _parse(head + "编制人数48人。\n市中级人民法院主要职责:在市委的领导和省高级人民法院的监督指导下,依法审理案件。\n")
    assert r.agency == "市中级人民法院"
    r = _parse(head + "森林防火指挥部主要职责:负责全县的森林防火工作。\n")
    assert r.agency is None


def test_a_heading_about_the_unit_is_no_unit_field_and_a_government_supervising_is_no_unit():
    r = _parse("201X年教育信息化项目绩效评价报告\n1、项目情况(1)项目单位基本情况全县现有各级各类学校(含幼儿园)所:"
               "普通高中所,职业中专所。\n")
    assert r.agency is None
    # "主管部门是X": the field as a sentence; a county's government supervising a project
    # is not the unit that spends it
    r = _parse("某县2019年度农村饮水安全项目绩效自评报告\n一、项目概况\n项目实施主管部门是某某区人民政府。\n")
    assert r.agency is None
    assert [c.value for c in r.candidates["agency"]] == ["某某区人民政府"]
    r = _parse("某县2019年度农村饮水安全项目绩效自评报告\n一、项目概况\n项目实施主管部门是某某区水务局。\n")
    assert r.agency == "某某区水务局"
    # a town's government spends its own money: its 主管部门 field names it
    r = _parse("项目支出绩效自评表\n项目名称 委托业务项目 主管部门 某某镇人民政府 实施单位 \n")
    assert r.agency == "某某镇人民政府"


def test_a_research_office_is_a_unit():
    r = _parse("某某县史志研究室2023年专项资金绩效自评报告\n一、基本情况\n")
    assert (r.agency, r.project_name) == ("某某县史志研究室", None)


def test_the_payee_of_money_is_no_subject_of_the_report():
    r = _parse("2020年度电子商务进农村项目绩效自评报告\n一、资金使用情况\n"
               "支付市电商服务中心2018年、2019年场地补助经费50万元。\n")
    assert r.agency is None


def test_a_transfer_templates_first_heading_makes_a_project_report():
    r = _parse("一、转移支付基本情况2023年自治区下达某市中央及自治区就业补助资金共33832.24万元,中央资金27853万元,"
               "自治区资金5643万元,各县(市、区)筹集资金336.24万元。\n")
    assert (r.kind, r.project_name) == ("project", "就业补助资金")
    r = _parse("某某管理区专项转移支付2023年度农机购置补贴实施情况\n绩效目标分解下达情况\n"
               "2023年度省级拨付我区农机购置补贴资金62万元。\n")
    assert r.kind == "project"
    # a transfer named only by its levels has no other name
    r = _parse("2024年度中央、市级转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n")
    assert r.project_name is None


def test_two_levels_joined_by_a_pause_mark_are_one_clauses_words():
    r = _parse("某县民政局2024年度资金绩效自评报告\n一、基本情况\n2024年共计下达中央、市级转移支付资金3580.69万元。\n")
    assert r.budget_yuan == 35_806_900
    # a 、 between items still ends a clause: 省级 here names the second item's money
    r = _parse("某县民政局2024年度资金绩效自评报告\n一、基本情况\n下达中央资金100万元、省级资金50万元。\n")
    assert r.budget_yuan is None


def test_the_fund_whose_use_the_report_evaluated_is_its_name():
    head = "绩效评价报告\n"
    r = _parse(head + "某某市人社局对2022年度城乡居保市级补贴使用情况开展了财政绩效评价工作。现将情况报告如下:\n")
    assert r.project_name == "城乡居保市级补贴"
    r = _parse(head + "我厅成立绩效评价工作组,对2023年度某省中小企业发展专项资金管理使用情况开展了绩效评价。\n")
    assert r.project_name == "某省中小企业发展专项资金"
    # money in general names no fund
    r = _parse(head + "我局对2023年度项目资金使用情况开展了绩效评价。\n")
    assert r.project_name is None


def test_a_text_opening_with_a_funds_heading_names_the_fund():
    body = ("(一)绩效目标分解下达情况\n2024年共投入森林草原航空消防租机补助经费预算14856.17万元。其中,财政部下达11682万元、"
            "省级配套资金3174.17万元。\n")
    r = _parse("一、中央自然灾害救灾资金(森林草原航空消防租机补助经费)\n" + body)
    assert r.project_name == "中央自然灾害救灾资金"
    # a heading about money in general names none; a heading further down names a part
    assert _parse("一、项目资金情况\n" + body).project_name is None
    assert _parse("前言\n某县2024年度绩效自评。\n一、中央自然灾害救灾资金\n" + body).project_name is None


def test_a_title_naming_a_project_without_its_项目_as_the_body_names_it():
    head = "某某县合水油茶产业建设绩效自评报告\n一、项目基本情况\n"
    r = _parse(head + "2022年度衔接乡村振兴资金115万元,用于合水油茶产业建设项目。\n")
    assert r.project_name == "合水油茶产业建设项目"
    # the body not naming it so: nothing; the finance words of a genre title are no project
    assert _parse(head + "2022年度衔接乡村振兴资金115万元。\n").project_name is None
    r = _parse("某市市级财政项目支出绩效评价报告\n一、基本情况\n本次评价市级财政项目共3个。\n")
    assert r.project_name is None


def test_a_projects_实施_before_the_genre_is_the_genres():
    r = _parse("某某县2024年雨露计划助学补助项目实施绩效评价自评报告\n一、基本情况\n")
    assert r.project_name == "雨露计划助学补助项目"


def test_the_money_a_file_name_writes_after_the_fund_is_no_part_of_its_name():
    r = _parse("某县渔政执法经费4.8万元项目绩效评价报告.docx\n一、项目基本情况\n渔政执法经费共计4.8万元。\n")
    assert (r.project_name, r.budget_yuan) == ("某县渔政执法经费", 48_000)


def test_an_investment_holding_self_raised_money_gives_way_to_the_allocation():
    head = "2019年度畜禽粪污资源化利用项目绩效自评报告\n一、项目基本情况\n下达我市2019年畜禽粪污资源化利用项目资金为1000万元。\n"
    r = _parse(head + "项目计划总投资1958.6万元,其中:中央财政扶持1000万元,自筹资金958.6万元。\n")
    assert r.budget_yuan == 10_000_000
    # an investment of the state's money alone stays the project's budget
    r = _parse(head + "项目计划总投资1958.6万元,其中:中央财政扶持1000万元,省级财政958.6万元。\n")
    assert r.budget_yuan == 19_586_000


def test_money_in_a_bracket_opening_with_含_is_a_part_of_the_figure_before_it():
    head = "某区城乡居民基本养老保险补助资金转移支付2022年度绩效自评报告\n一、资金投入情况\n"
    r = _parse(head + "全年预算数1080245.79万元,全区执行数1032849.44(含中央资金689139.31万元、地方资金332524.99万元),"
               "总预算执行率95.61%。\n")
    assert (r.budget_yuan, r.spent_yuan) == (10_802_457_900, None)


def test_money_used_on_a_project_is_no_budget_of_the_report():
    # (a rule reading "X资金115万元,用于<本项目>" as the budget was withdrawn after review: the
    # sentence names one allocation used on the project, not what the project was budgeted)
    head = "某县2022年度合水油茶产业建设项目绩效自评报告\n一、项目基本情况\n"
    for used_on in ("合水油茶产业建设项目", "村道硬化项目"):
        r = _parse(head + f"2022年度巩固脱贫攻坚成果和衔接乡村振兴资金115万元,用于{used_on}。\n")
        assert r.budget_yuan is None, used_on


# ------------------------------------------------------------------ a review's counter-examples


def test_a_list_of_project_names_in_one_report_keeps_its_figures():
    r = _parse("某县2022年度衔接推进乡村振兴补助资金绩效自评报告\n一、基本情况\n2022年我县共下达衔接资金1200万元,"
               "实际支出1150万元。\n资金安排情况如下:\n项目名称:甲村道路硬化项目,安排资金300万元;\n"
               "项目名称:乙村产业园项目,安排资金900万元。\n四、自评结论\n经自评,综合得分92分。\n")
    assert (r.spent_yuan, r.score) == (11_500_000, 92)


def test_a_fund_named_by_its_kind_and_level_alone_is_no_name():
    for title in ("某县农业农村局2022年度中央补助资金项目绩效自评报告", "某县2022年度市级奖补资金项目绩效自评报告",
                  "某县2021年度财力性转移支付区域绩效自评报告"):
        assert _parse(title + "\n一、基本情况\n").project_name is None, title


def test_a_government_ended_by_its_county_level_is_no_agency_whatever_its_name():
    for gov in ("镇雄县人民政府", "镇江市人民政府", "县人民政府"):
        r = _parse(f"某某项目绩效自评报告\n一、项目概况\n项目实施主管部门是{gov}。\n")
        assert r.agency is None, gov


def test_a_glued_scale_is_no_score():
    r = _parse("某县2021年度某某项目绩效自评报告\n评价等级划分:总分10090-100分为优,80-90分为良。\n")
    assert r.score is None


def test_a_grid_cell_before_年度总体目标_is_still_a_cell():
    r = _parse("项目支出绩效自评表\n项目名称 某某项目\n全年预算数 全年执行数\n年度资金总额 50 48\n年度总体目标 完成某某任务\n")
    assert (r.budget_yuan, r.spent_yuan) == (500_000, 480_000)


def test_a_higher_authoritys_evaluation_the_report_cites_names_no_agency():
    r = _parse("某县2021年度农业生产发展资金绩效自评报告\n一、基本情况\n省农业农村厅对2021年度各县农业生产发展资金开展了"
               "绩效评价,我县评价结果为优秀。\n")
    assert r.agency is None


def test_an_essay_sites_lead_in_in_other_words():
    for lead in ("下面是范文网小编为大家整理的", "以下是本站小编整理的", "下面是小编帮大家整理的"):
        r = _parse(lead + "某县文化馆2022年免费开放补助资金绩效自评报告(精选文档)\n一、项目基本情况\n")
        assert r.agency == "某县文化馆", lead


# ------------------------------------------------------------------ a second review's counter-examples

_FORM = ("项目支出绩效自评表\n项目名称 {name}\n{cell} 某县文化馆\n项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
         "年度资金总额 50 50 48 10 96% 9.6\n")


def test_a_department_report_with_project_forms_attached_takes_no_forms_figures():
    r = _parse("某县文化馆2022年度部门整体支出绩效自评报告\n一、部门概况\n2022年部门预算收入312万元,支出305万元。\n"
               "附件:项目支出绩效自评表\n" + _FORM.format(name="文化惠民演出经费", cell="主管部门")
               + _FORM.format(name="图书馆免费开放补助", cell="主管部门"))
    assert r.budget_yuan != 500_000 and r.spent_yuan != 480_000


def test_forms_with_other_unit_cells_are_several_too():
    r = _parse(_FORM.format(name="文化惠民演出经费", cell="预算单位") + _FORM.format(name="图书馆免费开放补助", cell="预算单位"))
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_two_levels_joined_beside_a_third_levels_money_are_a_share():
    r = _parse("某县2024年度衔接资金绩效自评报告\n一、绩效目标分解下达情况\n2024年度下达中央、省级资金1000万元,县级配套资金200万元。\n")
    assert r.budget_yuan is None


def test_an_investment_holding_self_raised_money_alone_is_no_budget():
    r = _parse("2019年度某某项目绩效自评报告\n一、项目基本情况\n项目计划总投资1958.6万元,其中:中央财政扶持1000万元,"
               "自筹资金958.6万元。\n")
    assert r.budget_yuan is None


def test_a_bracket_naming_its_own_stage_keeps_its_money():
    head = "某县2022年度某某项目绩效自评报告\n一、资金情况\n"
    assert _parse(head + "项目资金到位100万元(其中:已支付85万元)。\n").spent_yuan == 850_000
    assert _parse(head + "项目经费支付共计19.6万元。\n").spent_yuan == 196_000


def test_a_projects_name_the_body_counts_or_lists_twice_is_none():
    assert _parse("某县民生实事绩效自评报告\n一、项目基本情况\n2022年共实施民生实事项目10个。\n").project_name is None
    r = _parse("某县高标准农田建设绩效自评报告\n一、项目基本情况\n资金用于甲镇高标准农田建设项目和乙镇高标准农田建设项目。\n")
    assert r.project_name is None


def test_the_unit_evaluating_its_money_announced_in_other_words_and_a_provinces_not():
    head = "绩效自评报告\n"
    r = _parse(head + "县交通运输局对2022年度农村公路养护资金使用情况进行了绩效自评,现就自评情况报告如下:\n")
    assert r.agency == "县交通运输局"
    r = _parse(head + "省农业农村厅对2021年度全省农业生产发展资金开展了绩效评价,现将我县自评情况报告如下:\n")
    assert r.agency is None


def test_two_funds_or_a_whole_evaluated_together_name_no_fund():
    r = _parse("绩效评价报告\n我局对2022年度部门整体支出和学生资助专项资金开展了绩效评价。现将情况报告如下:\n")
    assert r.project_name is None
    r = _parse("一、中央财政衔接推进乡村振兴补助资金\n(一)绩效目标分解下达情况\n下达资金100万元。\n"
               "二、省级财政衔接推进乡村振兴补助资金\n(一)绩效目标分解下达情况\n下达资金50万元。\n")
    assert r.project_name is None


def test_a_glued_total_row_read_only_where_it_is_one():
    head = "某县2021年度某某项目绩效自评报告\n"
    assert _parse(head + "评价等级划分:总分10090分以上为优。\n").score is None
    assert _parse(head + "总分10092.5(优)\n").score == 92.5


def test_a_grid_value_in_a_years_range_before_a_line_is_a_cell():
    r = _parse("项目支出绩效自评表\n项目名称 某某项目\n全年预算数 全年执行数\n年度资金总额 2000 1950\n年度总体目标 完成某某任务\n")
    assert (r.budget_yuan, r.spent_yuan) == (20_000_000, 19_500_000)


# ------------------------------------------------------------------ the sixteenth set (2026-12-05, seventh session)


def test_a_sentence_opening_with_a_total_word_sums_the_sentence_before():
    head = "某县民政局2024年度转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n"
    listed = "2024年度,中央、市级下达转移支付慈善会项目40万元;临时救助项目25.5万元;流浪乞讨救助经费34.5万元。"
    r = _parse(head + listed + "共计下达中央、市级转移支付资金100万元。\n")
    assert r.budget_yuan == 1_000_000
    # on a line of its own it is no total of the list above it: the figures conflict
    r = _parse(head + listed + "\n共计下达中央、市级转移支付资金100万元。\n")
    assert r.budget_yuan is None


def test_in_a_report_on_one_fund_the_allocation_naming_it_is_its_money():
    head = "某县2023年度中央水利发展资金绩效自评报告\n"
    body = ("某市财政局《关于下达2023年中央水利发展资金预算的通知》,下达某县2023年中央水利发展资金2263万元。"
            "某市财政局《关于下达2023年衔接资金的通知》,下达某县2023年资金791万元。\n")
    assert _parse(head + body).budget_yuan == 22_630_000
    # a stated total of its batches is never set aside for one batch
    r = _parse("某区2024年度中央集中彩票公益金支持社会福利事业资金绩效自评报告\n"
               "中央分2批次下达我区中央集中彩票公益金支持社会福利事业资金,合计13,804万元。"
               "《关于提前下达…的通知》下达中央集中彩票公益金支持社会福利事业专项资金11,193万元。"
               "《关于下达…(第一批)的通知》下达中央集中彩票公益金支持社会福利事业资金2,611万元。\n")
    assert r.budget_yuan == 138_040_000
    # a level's share of a fund the title names without its level is no more its money
    r = _parse("某县2023年度水利发展资金绩效自评报告\n下达某县2023年中央水利发展资金2263万元。下达某县2023年资金791万元。\n")
    assert r.budget_yuan is None


def test_a_budget_units_code_in_square_brackets_is_no_part_of_its_name():
    r = _parse("(临时救助)绩效目标自评表\n项目名称 | 临时救助 |\n主管部门 |\n[155]某某县民政局 |\n")
    assert r.agency == "某某县民政局"


# ------------------------------------------------------------------ a review of the sixteenth set's rules

def test_a_total_sentence_is_the_lists_total_only_where_it_is_its_sum():
    head = "某县民政局2024年度转移支付资金绩效自评报告\n一、绩效目标分解下达情况\n"
    listed = "2024年度,中央、市级下达转移支付慈善会项目40万元;临时救助项目25.5万元;流浪乞讨救助经费34.5万元。"
    for total in ("共计下达中央转移支付资金65.5万元,市级转移支付资金34.5万元。",  # a level's share
                  "合计下达资金74.5万元。"):  # two of three items
        assert _parse(head + listed + total + "\n").budget_yuan is None, total
    r = _parse(head + "2022年下达养老服务补助资金120万元;2023年下达资金160万元。共计下达资金300万元。\n")
    assert r.budget_yuan is None


def test_a_funds_batches_or_parts_under_other_names_leave_the_fund_undecided():
    head = "某县2023年度中央水利发展资金绩效自评报告\n一、项目基本情况\n"
    for body in ("提前下达我县2023年中央水利发展资金2263万元。《关于下达2023年第二批水利资金的通知》下达我县资金500万元。",
                 "2023年下达我县中央水利发展资金2263万元。《关于下达2023年水利救灾资金的通知》"
                 "下达我县中央水利发展资金(水利救灾)300万元。",
                 "2023年下达某镇中央水利发展资金300万元。下达某乡资金200万元。下达某街道资金150万元。"):
        assert _parse(head + body + "\n").budget_yuan is None, body


def test_a_masked_name_in_square_brackets_is_not_a_code():
    r = _parse("(临时救助)绩效目标自评表\n项目名称 | 临时救助 |\n主管部门 |\n[XX]县民政局 |\n")
    assert r.agency != "县民政局"


# ------------------------------------------------------------------ the seventeenth set (2026-12-05, seventh session)


def test_a_results_tables_total_row_without_its_label_when_its_grade_agrees():
    head = ("某市人民法院\n2018年度部门整体支出绩效评价报告\n绩效评价结果\n绩效等级 | |||\n15.00 | 优 | ||\n55.00 | 49.04 | 优 | |\n"
            "产出 | 20.00 | 20.00 | 优 |\n10.00 | 10.00 | 优 | |\n")
    r = _parse(head + "100.00 | 94.04 | 优 |\n注:优(≥90)\n")
    assert (r.score, r.grade) == (94.04, "优")
    # points that do not earn the grade beside them: not a total row read right
    assert _parse(head + "100.00 | 84.04 | 优 |\n注:优(≥90)\n").score is None
    # an indicator row of 100 points possible is not alone on its line with a grade
    assert _parse(head + "指标1 | 100 | 95 | 优 |\n").score is None


def test_a_title_ending_项目自评结果_and_money_left_unspent():
    r = _parse("2021年度本专科生奖助学金项目自评结果\n一、自评结论\n"
               "2021年本专科生奖助学金项目实际下达预算2596万元,全年度实际总支出2595.6208万元,项目预算执行率99%。"
               "项目预算资金未执行完的主要原因是剩余未执行完的0.3792万元为应征入伍学生国家资助经费。\n")
    assert (r.kind, r.project_name) == ("project", "本专科生奖助学金项目")
    assert (r.budget_yuan, r.spent_yuan) == (25_960_000, 25_956_208)


def test_a_grade_row_is_no_total_unless_its_parts_above_make_the_100():
    # (a review's counter-examples: one project's row, last year's, a scale's legend)
    dept = "某县农业农村局\n2022年度部门整体支出绩效自评报告\n"
    for text in (dept + "序号 | 项目名称 | 满分 | 自评得分 | 自评等级 |\n1 | 高标准农田建设项目 | | | |\n| 100 | 95.5 | 优 |\n",
                 dept + "上年度(2021年)绩效评价结果\n满分 | 得分 | 等级 |\n100 | 91.5 | 优 |\n",
                 "2022年度某某项目绩效自评报告\n评价等级划分标准\n满分 | 分数线 | 等级 |\n100 | 90 | 优 |\n"):
        assert _parse(text).score is None, text
    # a table's own 总分 row outranks it
    r = _parse("2022年度某某项目绩效自评表\n一级指标 | 二级指标 | 分值 | 得分 |\n产出指标 | 数量指标 | 50 | 45 |\n"
               "效益指标 | 社会效益 | 50 | 48 |\n总分 | | 100 | 93 |\n附:上年度评价结果\n60 | 58 | 优 |\n40 | 38 | 优 |\n100 | 96 | 优 |\n")
    assert r.score == 93


def test_项目自评结果_heads_a_report_only_as_its_one_first_line():
    r = _parse("某县交通运输局关于2022年度预算绩效自评工作的总结\n我局对2022年度项目支出开展了自评。\n"
               "农村公路养护项目自评结果\n自评得分92分。\n客运站建设项目自评结果\n自评得分96分。\n")
    assert r.project_name is None
    for title in ("2022年度农业生产发展资金和耕地地力保护补贴项目自评结果", "2022年度市直部门预算项目自评结果",
                  "二级单位所属项目自评结果"):
        assert _parse(title + "\n一、自评结论\n").project_name is None, title  # several, or all of them


def test_剩余_is_a_balance_only_where_it_ends_the_label():
    head = "2022年度某县农村公路建设项目绩效自评报告\n一、项目概况\n"
    r = _parse(head + "该项目年初预算500万元,根据剩余工程量调整后预算资金800万元,全年实际支出780万元。\n")
    assert (r.budget_yuan, r.budget_adjusted_yuan) == (5_000_000, 8_000_000)
    r = _parse("2022年度农村剩余劳动力转移就业培训项目绩效自评报告\n一、项目概况\n"
               "县财政下达培训资金40万元。农村剩余劳动力转移就业培训项目全年预算资金50万元,实际支出48万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (500_000, 480_000)
    assert _parse(head + "项目预算资金500万元,扣除剩余质保金后实际支出475万元。\n").spent_yuan == 4_750_000


# ------------------------------------------------------------------ the eighteenth and nineteenth sets (2026-12-05, seventh session)


def test_a_figure_without_its_unit_takes_the_unit_of_the_parts_that_add_up_to_it():
    head = "某区城乡居民基本养老保险补助资金转移支付2022年度绩效自评报告\n一、资金投入情况\n全年预算数1080245.79万元,"
    r = _parse(head + "全区执行数1032849.44(含中央资金689139.31万元,地方资金332524.99万元,其他资金11185.14万元),"
               "总预算执行率95.61%。\n")
    assert r.spent_yuan == 10_328_494_400
    assert r.text[slice(*r.evidence["spent_yuan"].span)] == "1032849.44"
    # parts that leave some out do not say its unit
    r = _parse(head + "全区执行数1032849.44(含中央资金689139.31万元,地方资金332524.99万元),总预算执行率95.61%。\n")
    assert r.spent_yuan is None


def test_one_unit_under_two_names_the_second_in_brackets():
    r = _parse("中共湖南省委党校(湖南行政学院)\n2021年度部门整体支出绩效自评报告\n省财政厅:\n")
    assert r.agency == "中共湖南省委党校(湖南行政学院)"
    # a bracket that is no unit's name is no second name
    assert _parse("某县财政局(本级)2021年度部门整体支出绩效自评报告\n").agency == "某县财政局"


def test_the_money_of_a_works_project_evaluated_names_the_project():
    head = "某某中心2020年度项目支出绩效自评报告\n一、绩效自评工作开展情况\n"
    r = _parse(head + "根据区财政局通知要求,我中心对城镇老旧小区改造及配套工程项目资金投入情况、"
               "绩效目标完成情况等进行了自评,并形成自评报告如下:\n")
    assert r.project_name == "城镇老旧小区改造及配套工程项目"
    r = _parse(head + "我局对农村公路养护资金使用情况、绩效目标完成情况等进行了自评。\n")
    assert r.project_name == "农村公路养护资金"


def test_a_project_in_the_titles_bracket_with_a_short_bracket_of_its_own():
    r = _parse("保山市图书馆2022年度项目支出绩效自评报告(2022年公共图书馆文化馆(站)免费开放市级补助经费)\n一、项目基本情况\n")
    assert r.project_name == "2022年公共图书馆文化馆(站)免费开放市级补助经费"


# ------------------------------------------------------------------ a review of the eighteenth and nineteenth sets' rules

_RH = "某县耕地地力保护补贴资金2022年度绩效自评报告\n一、资金投入情况\n"
_RD = "\n一、部门基本情况\n我局主要职责是……\n二、部门整体支出情况\n2021年部门预算收入500万元,实际支出480万元。\n"
_RT = "2021年度部门整体支出绩效自评报告"
_RP = "某某中心2021年度项目支出绩效自评报告\n一、绩效自评工作开展情况\n根据区财政局通知要求,我中心对"
_RE = "资金投入情况、绩效目标完成情况等进行了自评。\n二、项目资金情况\n项目预算100万元,实际支出95万元。\n"


def test_counts_in_a_bare_万_take_no_money_unit():
    assert _parse(_RH + "共计下达补贴面积125.6(其中水田80.2万,旱地45.4万)亩。\n").budget_yuan is None
    assert _parse(_RH + "全年共发放补贴2.5(其中脱贫户1.2万,一般农户1.3万)户。\n").spent_yuan is None
    assert _parse(_RH + "年初预算安排补助对象3.5(其中:城市低保1.5万,农村低保2万)人。\n").budget_yuan is None


def test_a_bracket_that_is_no_second_name():
    for name in ["某县自然资源局(原国土资源局)", "某县应急管理局(原某县安全生产监督管理局)", "某县卫生健康局(计划财务科)",
                 "某县人民医院(县级公立医院)", "某县第一中学(某县教育局)", "某市公安局(某市公安局交通管理支队)",
                 "某县文化旅游广电体育局(代管某县博物馆)", "某县教育局(机关本部)"]:
        assert _parse(name + "\n" + _RT + _RD).agency != name, name
        assert _parse(_RT + _RD + "\n" + name + "\n2022年3月10日\n").agency != name, name
    assert _parse("中共某县委党校(某县行政学校)\n" + _RT + _RD).agency == "中共某县委党校(某县行政学校)"


def test_money_of_a_scope_names_no_project():
    for p in ["2021年度项目支出", "2021年度所有项目", "所有建设项目", "2021年度一般公共预算", "2021年度财政拨款",
              "上年度结转", "教育系统项目", "全区基础设施建设项目", "农村公路建设项目和危桥改造工程项目", "2021年度各项目",
              "2021年度重点项目", "单位承担的各类项目", "2021年度中心全部项目"]:
        assert _parse(_RP + p + _RE).project_name is None, p
    assert _parse(_RP + "城镇老旧小区改造及配套工程项目" + _RE).project_name == "城镇老旧小区改造及配套工程项目"


# ------------------------------------------------------------------ the twentieth set (2026-12-05, seventh session)


def test_no_year_is_inferred_from_the_pages_publication_date():
    body = "某市应急管理局部门整体支出绩效自评报告\n一、部门概况\n某市应急管理局设办公室。\n"
    assert _parse("发布时间: 2025-09-17   浏览次数:\n" + body).year is None
    # the form's own filing date still dates it (filed after the year it evaluates)
    assert _parse(body + "单位(盖章):某市应急管理局 | 填报日期:2022年2月3日 |\n").year == 2021


def test_last_years_money_and_a_difference_are_not_this_years():
    r = _parse("某县文化馆2022年度部门整体支出绩效自评报告\n一、部门整体支出情况\n"
               "年初预算数1850000.00元,年末支出合计3258909.77元,支出合计比年初预算数多1408909.77元。"
               "本年度收入合计3258909.77元,上年度收入合计3736198.37元;本年度支出合计3258909.77元,上年度支出合计3785198.37元。\n")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (1_850_000, 3_258_909.77, 3_258_909.77)


def test_money_executed_over_the_year_and_the_execution_items_points():
    r = _parse("某校2022年度校园维修改造项目支出绩效自评报告\n(一)自评得分99分\n"
               "1.预算执行情况:年初预算300万元,全年执行300万元,执行率100%,自评分20分。\n")
    assert (r.spent_yuan, r.score) == (3_000_000, 99)


# ------------------------------------------------------------------ the twenty-first set (2026-12-05, seventh session)


def test_money_under_numbered_items_each_naming_its_project_is_one_projects():
    head = "某县档案馆2016年度项目绩效报告\n二、项目资金使用及管理情况\n"
    r = _parse(head + "(一)项目资金安排落实情况:1、档案管理项目资金:2016年县财政安排30万元在当年都按时到位;"
               "2、县档案馆建设项目资金:2016年县财政拨款427.36万元,于2016年当年全部到位。\n")
    assert r.budget_yuan is None
    # one numbered point of the report's own, no sibling project: its figure stands
    r = _parse(head + "(一)项目资金安排落实情况:1、档案管理项目资金:2016年县财政安排30万元在当年都按时到位。\n")
    assert r.budget_yuan == 300_000


def test_a_line_keeping_only_the_titles_bracket_above_the_first_part():
    r = _parse("发布机构 | 某市林业和草原局 |\n(中和木材检查站租金项目)\n一、项目基本情况\n2019年财政安排经费11.2万元。\n")
    assert r.project_name == "中和木材检查站租金项目"
    assert _parse("(单位:万元)\n一、项目基本情况\n").project_name is None


def test_a_review_of_the_twentieth_sets_rules():
    b = "\n一、项目基本情况\n本项目由县财政安排。\n"
    # a kind or level of money with a short bracket of its own names no project
    for t in ["(中央(省级)补助资金)", "(上级(中央)转移支付资金)", "(专项转移支付(中央)资金)", "(市级(追加)资金)"]:
        assert _parse("某县2022年度项目支出绩效自评报告" + t + b).project_name is None, t
    assert _parse("某县2022年农村综合改革补助资金绩效自评报告(中央(省对下)转移支付)" + b).project_name == "农村综合改革补助资金"
    # the form's 填报日期 dates it even when the page's 发布时间 comes first
    body = "某市应急管理局部门整体支出绩效自评报告\n一、部门概况\n某市应急管理局设办公室。\n"
    assert _parse("发布时间: 2023-03-17\n" + body + "填报日期:2023年2月3日\n").year == 2022
    # this year's money named beside last year (提前下达, 含上年度…, 按上年度考核) is still this year's
    h = "某县农业农村局2022年度农田建设补助资金项目支出绩效自评报告\n一、项目基本情况\n"
    r = _parse(h + "上年度提前下达我县2022年农田建设补助资金500万元,资金已全部到位,实际支出480万元。\n")
    assert (r.budget_yuan, r.available_yuan) == (5_000_000, 5_000_000)
    assert _parse(h + "按照上年度考核结果下达奖补资金200万元,实际支出200万元。\n").budget_yuan == 2_000_000
    # money executed since a multi-year project began is not the year's spending
    r = _parse(h + "项目总投资5000万元,2022年预算安排1000万元,截至2023年3月底,累计执行4500万元。\n")
    assert r.spent_yuan is None


# ------------------------------------------------------------------ the twenty-second set (2026-12-05, seventh session)


def test_a_forms_header_words_and_values_in_pairs_under_a_declared_unit():
    head = "某县民政局2020年度预算项目绩效自评表\n一、基本情况 项目名称: 百岁老人高龄津贴 实施(主管)单位 某县民政局 {unit}\n" \
           "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)\n预算数 6.84 到位数 6.84 执行数 6.5 95.03\n"
    r = _parse(head.format(unit="金额单位: 万元"))
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (68_400, 68_400, 65_000)
    r = _parse(head.format(unit=""))  # no unit declared: 6.84 may be 元 or 万元
    assert (r.budget_yuan, r.spent_yuan) == (None, None)


def test_money_arrived_all_spent_and_a_bare_到位():
    head = "某县2021年度城乡建设用地增减挂钩项目绩效自评报告\n一、项目资金情况\n"
    assert _parse(head + "到位资金117万元,已全部完成支出。\n").spent_yuan == 1_170_000
    assert _parse(head + "到位资金117万元,已全部下达到乡镇。\n").spent_yuan is None
    r = _parse(head + "项目资金预算140.11万元,到位140.11万元,实际支出140.11万元,执行率100%。\n")
    assert r.available_yuan == 1_401_100


def test_an_indicators_value_is_not_the_reports_execution_rate():
    head = "某县2021年度某某项目绩效自评报告\n二、绩效指标完成情况\n"
    assert _parse(head + "3.时效指标:完成预算执行支出进度100%。\n").execution_rate_reported is None
    assert _parse(head + "项目预算执行率100%。\n").execution_rate_reported == 1.0


# ------------------------------------------------------------------ a review of the twenty-first set's rules


_R8_ROAD = "某县农业农村局2022年度农村公路建设项目支出绩效自评报告\n二、项目资金使用及管理情况\n"
_R8_ARCH = "某县档案馆2016年度项目绩效报告\n二、项目资金使用及管理情况\n"
_R8_PAGE = "索引号 | 01526035-8-/2020-0828018 | 发布机构 | 某市林业和草原局 |\n"


# ---- rule 1: items naming money by stage/source/year are one project's money
def test_stage_items_are_one_projects_money():
    r = _parse(_R8_ROAD + "(一)项目资金情况:1、预算安排项目资金:年初预算500万元;2、实际到位项目资金:到位480万元;"
               "3、实际支出项目资金:支出470万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (5_000_000, 4_700_000)


def test_this_years_and_carried_over_items_are_one_projects_money():
    r = _parse(_R8_ROAD + "(一)项目资金情况:1、本年度项目资金:年初预算500万元,实际支出480万元;2、以前年度项目资金:结转30万元。\n")
    assert (r.budget_yuan, r.spent_yuan) == (5_000_000, 4_800_000)
    r = _parse(_R8_ROAD + "(一)项目资金安排情况:1、年度预算项目资金:2022年年初预算安排100万元,实际到位100万元;"
               "2、上年结转项目资金:上年结转20万元,已全部支出。\n")
    assert r.budget_yuan == 1_000_000


def test_a_second_item_that_is_no_projects_money():
    r = _parse(_R8_ROAD + "(一)项目资金情况:1、农村公路建设项目资金:2022年年初预算安排500万元,全年执行480万元;"
               "2、主要建设项目:新建通村公路12公里。\n")
    assert (r.budget_yuan, r.spent_yuan) == (5_000_000, 4_800_000)


def test_a_sibling_number_under_the_next_part_is_another_list():
    r = _parse(_R8_ROAD + "(一)项目资金情况:1、农村公路建设项目资金:年初预算500万元,实际支出480万元。"
               "(二)项目绩效情况:2、产出项目:完成12公里。\n")
    assert (r.budget_yuan, r.spent_yuan) == (5_000_000, 4_800_000)


def test_a_total_closing_the_last_item_is_the_whole():
    r = _parse(_R8_ROAD + "(一)项目资金情况:1、县乡道改造项目:安排300万元;2、通村公路项目:安排200万元,合计500万元。\n")
    assert r.budget_yuan == 5_000_000


def test_the_rule_still_holds():
    r = _parse(_R8_ARCH + "(一)项目资金安排落实情况:1、档案管理项目资金:2016年县财政安排30万元在当年都按时到位;"
               "2、县档案馆建设项目资金:2016年县财政拨款427.36万元,于2016年当年全部到位。\n")
    assert r.budget_yuan is None
    # levels' shares of one project's money: neither is the whole
    r = _parse(_R8_ROAD + "(一)项目资金到位情况:1、中央补助项目资金:2022年下达100万元,已全部到位;"
               "2、县级配套项目资金:2022年安排20万元,已全部到位。\n")
    assert (r.budget_yuan, r.available_yuan) == (None, None)


# ---- rule 2: a bracket line that is a kind, scope, channel or note of money names no project
def _bracket(s):
    return _parse(_R8_PAGE + f"({s})\n一、项目基本情况\n2019年财政安排经费11.2万元。\n")


def test_bracket_line_of_a_kind_or_channel_of_money_names_no_project():
    for s in ["财政拨款资金", "一般公共预算资金", "第二批中央财政资金", "本级财政项目", "政府性基金项目",
              "省对下转移支付资金", "本级预算安排资金", "部门项目支出经费", "2021年度项目"]:
        assert _bracket(s).project_name is None, s


def test_bracket_line_of_a_note_names_no_project():
    for s in ["含上年结转资金", "不含基本支出经费", "含中央和省级资金", "其中中央资金", "以下简称本项目", "附件2:项目"]:
        assert _bracket(s).project_name is None, s


def test_bracket_line_of_several_funds_or_a_units_projects_names_none():
    for s in ["草原禁牧补助和草畜平衡奖励资金", "县林业局实施项目", "市林业和草原局项目", "对县林业局项目"]:
        assert _bracket(s).project_name is None, s


def test_a_page_of_several_projects_each_under_its_bracket_line():
    r = _parse(_R8_PAGE + "(森林防火项目)\n一、项目基本情况\n2019年安排森林防火经费20万元,实际支出20万元。\n"
               "二、项目绩效自评工作开展情况\n完成。\n(森林资源管护项目)\n一、项目基本情况\n"
               "2019年安排森林资源管护经费50万元,实际支出48万元。\n")
    assert r.project_name is None


def test_bracket_line_rule_still_holds():
    assert _bracket("中和木材检查站租金项目").project_name == "中和木材检查站租金项目"
    assert _bracket("林业草原生态保护恢复资金").project_name == "林业草原生态保护恢复资金"


# ------------------------------------------------------------------ a review of the twenty-second set's rules


def _r9(text):
    r = _parse(text)
    return r.budget_yuan, r.available_yuan, r.spent_yuan, r.execution_rate_reported, r.arrival_rate_reported


_R9_FORM = ("{agency}2020年度预算项目绩效自评表\n一、基本情况 项目名称: 百岁老人高龄津贴 主管部门:{agency} 实施单位:{agency}{unit}\n"
         "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)\n{above}预算数 6.84 到位数 6.84 执行数 6.84 100.00\n")
_R9_NONE = (None, None, None)


# ---- rule 1: header-word/value pairs
def test_pairs_still_read_under_a_declared_unit():
    assert _r9(_R9_FORM.format(agency="成安县民政局", unit=" 金额单位: 万元", above=""))[:3] == (68_400, 68_400, 68_400)


def test_a_place_name_opening_with_元_is_no_unit():
    # 元氏县 / 元宝区 / 元阳县 / 元谋县: "实施单位:元氏县…" declares no 元
    assert _r9(_R9_FORM.format(agency="元氏县民政局", unit="", above=""))[:3] == _R9_NONE


def test_a_previous_tables_unit_is_not_the_forms():
    t = ("某县民政局2020年度部门决算及项目绩效自评\n表1 收入支出决算总表 单位:元\n收入合计 1200000.00 支出合计 1150000.00\n"
         "表2 项目支出绩效自评表\n项目名称: 百岁老人高龄津贴\n预算安排情况(万元) 资金到位情况(万元) 资金执行情况(万元) 预算执行进度(%)\n"
         "预算数 6.84 到位数 6.84 执行数 6.84 100.00\n")
    assert _r9(t)[:3] == _R9_NONE  # HEAD: 6.84 元 each (the form is in 万元)


def test_a_department_reports_later_project_row_is_not_its_money():
    t = ("某县教育局2021年度部门整体支出绩效自评报告\n一、部门概况\n部门年初预算数1000万元,全年执行数950万元,预算执行率95%。\n"
         "二、项目支出情况 单位:万元\n1.校舍维修项目\n预算数 20 执行数 18 90.00\n2.教师培训项目\n预算数 30 执行数 30 100.00\n")
    assert _r9(t)[:3] == (10_000_000, None, 9_500_000)  # HEAD: budget 200000 (one project's), spent lost


def test_a_parts_row_is_not_the_total():
    t = _R9_FORM.format(agency="成安县民政局", unit=" 金额单位: 万元", above="年度资金总额\n其中:中央资金\n").replace(
        "预算数 6.84 到位数 6.84 执行数 6.84 100.00", "预算数 5 到位数 5 执行数 5 100.00")
    assert _r9(t)[:3] == _R9_NONE  # HEAD: 50000 each (the 中央 part)


# ---- rule 2: "…万元,已全部使用/支付"
_P = "某县2021年度城乡供水项目绩效自评报告\n一、项目基本情况\n该项目由某县水务局实施。\n"


def test_all_spent_still_read():
    assert _r9(_P + "到位资金117万元,已全部完成支出。\n")[2] == 1_170_000
    assert _r9(_P + "项目预算安排100万元,已全部使用完毕。\n")[2] == 1_000_000
    assert _r9(_P + "下达补助资金46080元,已全部发放到户。\n")[2] == 46_080


def test_all_used_words_that_do_not_end_their_clause_say_no_spending():
    assert _r9(_P + "项目预算资金50万元,全部使用县级财政资金。\n")[2] is None  # a source
    assert _r9(_P + "项目预算安排30万元,全部使用于购置净水设备。\n")[2] is None  # a purpose
    assert _r9(_P + "上级下达资金100万元,已全部支付到各乡镇。\n")[2] is None  # passed on
    assert _r9(_P + "上级下达资金100万元,已全部发放到各乡镇。\n")[2] is None
    assert _r9(_P + "下达资金100万元,已全部支付首期款。\n")[2] is None  # one instalment
    assert _r9(_P + "项目预算100万元,全部支出进度为85%。\n")[2] is None


def test_all_spent_does_not_reach_over_a_line():
    assert _r9(_P + "年度预算资金:100万元\n全部使用上级补助资金。\n")[2] is None


def test_a_carryover_all_spent_is_not_the_years_spending():
    assert _r9(_P + "本年预算安排100万元。上年结转资金20万元,已全部使用完毕。\n")[2] is None


# ---- rule 4: an indicator class line
def test_a_rate_in_a_later_clause_of_an_indicator_line_is_still_the_reports():
    h = _P + "二、绩效指标完成情况\n"
    assert _r9(h + "3.时效指标:完成预算执行支出进度100%。\n")[3] is None  # the rule's own case, kept
    assert _r9(h + "4.成本指标:项目预算100万元,实际支出95万元,预算执行率95%。\n")[3] == 0.95
    assert _r9(h + "3.时效指标:资金支付及时率100%,项目预算执行率95%。\n")[3] == 0.95
    t = ("某县2021年度城乡供水项目绩效自评报告\n1.数量指标:完成管网铺设20公里。2.质量指标:合格率100%。"
         " 三、预算执行情况:项目预算100万元,支出95万元,预算执行率95%。\n")
    assert _r9(t)[3] == 0.95
