"""Cases a second reviewer wrote against the twelfth session's later rules (texts of its
own, in the templates' style): a parent department's breadcrumb or 作者 field, a staff count
or a 工作部门 sentence about another unit, a mid-line title glued to a banner value or taken
from a list of links, a 使用率 of equipment, numbered projects without the word 项目, a
province kept on a central fund. Each failed on the rules as first written; the mended rules
must give the value the text states.
"""

from __future__ import annotations

import pytest
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text

CASES = [
    ('dept_numbered_project_without_xiangmu_word', 'budget_yuan', None,
     '甲山县交通运输局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n我局2023年共有3个项目纳入绩效自评,具体如下:\n1、农村公路日常养护:年初预算资金120万元,实际支出118万元,执行率98.33%。\n2、'),
    ('fund_yishi_item_without_xiangmu_word', 'spent_yuan', None,
     '甲山县2023年度财政衔接推进乡村振兴补助资金绩效自评报告\n一、基本情况\n2023年我县实施衔接资金项目共12个,一是乙河镇甲村肉牛养殖小区建设,下达资金80万元,已支付78万元,执行率97.5%;二是'),
    ('dept_numbered_subsidy_item', 'budget_yuan', None,
     '甲山县民政局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n2023年我局预算项目共4个:\n1.高龄津贴:年初预算资金320万元,全年支出318万元。\n2.'),
    ('dept_numbered_works_item', 'budget_yuan', None,
     '甲山县交通运输局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n我局2023年共有3个项目纳入绩效自评,具体如下:\n(1)乙河镇至丙乡公路危桥改造工程,年初预算资金120万元,实际支出118万元,执行率98.33%;(2)'),
    ('dept_project_item_run_in_shiqing', 'budget_yuan', None,
     '甲山县交通运输局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n我局2023年共有3个项目纳入绩效自评,具体如下:\n1.农村公路养护项目实施情况:年初预算资金120万元,实际支出118万元,执行率98.33%。\n2.'),
    ('village_item_run_in_jianshe_qingkuang', 'budget_yuan', None,
     '乙河镇2023年度财政衔接资金项目绩效自评报告\n一、基本情况\n2023年我镇衔接资金共有4个项目,具体情况如下:\n1.甲村产业路硬化建设情况:项目预算资金45万元,已完工验收,支付资金44.2万元。\n2.'),
    ('bare_use_rate_of_equipment', 'execution_rate_reported', None,
     '甲山县2023年基层医疗卫生机构设备购置项目绩效自评报告\n一、项目实施情况\n项目预算资金200万元,已支付设备购置款200万元,购置的彩超、DR等设备已全部投入运行,使用率85%。\n'),
    ('bare_use_rate_of_facilities', 'execution_rate_reported', None,
     '乙河镇2023年村级综合服务设施建设项目绩效自评报告\n二、项目产出\n全年拨付资金60万元,建成村级文化活动室6个,使用率达到90%。\n'),
    ('staff_counted_by_establishment_office', 'agency', None,
     '2023年度部门整体支出绩效自评报告\n一、部门基本情况\n(一)机构设置\n我局内设股室5个。甲山县机构编制委员会办公室核定编制28名,实有人员26人。\n'),
    ('staff_of_subordinate_unit', 'agency', None,
     '2023年度部门整体支出绩效自评报告\n一、部门基本情况\n我局下设二级单位1个,即甲山县不动产登记中心。甲山县不动产登记中心实有编制15名,实有人员14人。\n'),
    ('staff_of_towns_subunit', 'agency', None,
     '2023年度部门整体支出绩效自评报告\n一、基本情况\n全镇辖8个行政村。镇属事业单位乙河镇农业综合服务中心核定编制12名,实有人员10人。\n'),
    ('governments_work_department_is_the_parent', 'agency', None,
     '2023年度部门整体支出绩效自评报告\n一、部门概况\n我中心是甲山市城市管理局下属的公益一类事业单位。甲山市城市管理局是市人民政府工作部门,负责全市市容环境卫生管理。\n'),
    ('bureau_securing_money_for_implementer', 'agency', None,
     '中心卫生院改扩建项目绩效自评报告\n一、项目概况\n2023年甲山县卫生健康局向上级申请资金500万元,用于乙河镇中心卫生院门诊楼改扩建,项目由乙河镇中心卫生院具体实施。\n'),
    ('breadcrumb_parent_column_hides_subordinate', 'agency', '甲山县动物疫病预防控制中心',
     '首页 >> 部门信息公开 >> 甲山县农业农村局 >> 正文\n2023年度动物防疫补助资金项目绩效自评报告\n一、项目概况\n甲山县动物疫病预防控制中心是甲山县农业农村局下属的公益一类事业单位,负责全县动物疫病防控工作。\n'),
    ('breadcrumb_town_column_school_report', 'agency', '乙河镇中心学校',
     '首页 > 乡镇信息公开 > 乙河镇人民政府 > 正文\n2023年度部门整体支出绩效自评报告\n一、部门基本情况\n乙河镇中心学校是甲山县教育体育局下属的全额拨款事业单位。\n'),
    ('author_parent_bureau_hides_subordinate', 'agency', '甲山县动物疫病预防控制中心',
     '2023年度动物防疫补助资金项目绩效自评报告\n作者:甲山县农业农村局 发布时间:2024-03-28\n一、项目概况\n甲山县动物疫病预防控制中心是甲山县农业农村局下属的公益一类事业单位,负责全县动物疫病防控工作。\n'),
    ('author_bureau_on_school_report', 'agency', '甲山县第二中学',
     '2023年度部门整体支出绩效自评报告\n作者:甲山县教育体育局 发布时间:2024-03-28\n一、部门基本情况\n甲山县第二中学是甲山县教育体育局下属的全额拨款事业单位,现有教职工86人。\n'),
    ('author_is_a_bureaus_office', 'agency', None,
     '2023年度部门整体支出绩效自评报告\n作者:甲山县民政局办公室 发布时间:2024-03-28\n一、部门基本情况\n2023年全年预算数320万元。\n'),
    ('author_county_department_on_towns_report', 'agency', None,
     '乙河镇2023年度衔接资金项目绩效自评报告\n作者:甲山县乡村振兴局 | 时间:2024-04-02\n一、基本情况\n'),
    ('midline_title_joins_publisher_value', 'agency', '甲山县疾病预防控制中心',
     '发布时间: 2024-04-12 来源: 甲山县卫生健康局 甲山县疾病预防控制中心2023年度部门整体支出绩效自评报告 一、部门基本情况 我中心…'),
    ('midline_title_from_related_links', 'agency', None,
     '首页 政务公开 财政信息 相关文章: 甲山县教育局2022年度部门整体支出绩效自评报告 甲山县民政局2022年度部门整体支出绩效自评报告 正文 2023年度项目支出绩效自评 一、项目概况 本项目为农村公路养护。'),
    ('province_prefixed_central_special_fund', 'project_name', '中小企业发展专项资金',
     '2022年度甘肃省中小企业发展专项资金绩效自评报告\n一、基本情况\n2022年,中央财政下达我省中小企业发展专项资金1.2亿元,用于支持专精特新中小企业高质量发展。\n'),
    ('province_then_city_special_fund', 'project_name', '中小企业发展专项资金',
     '2023年度湖南省邵阳市中小企业发展专项资金绩效自评报告\n一、基本情况\n'),
    ('title_fund_keeps_county_after_year', 'project_name', '农村饮水安全维修养护资金',
     '2023年甲山县农村饮水安全维修养护资金项目绩效自评报告\n一、项目概况\n市财政局下达我县2023年度农村饮水安全资金120万元,用于农村饮水工程维修养护。\n'),
    ('category_field_line_drops_yearless_title', 'agency', '甲山县档案馆',
     '公开目录 甲山县档案馆部门整体支出绩效自评报告\n一、部门基本情况\n2023年度全年预算数120万元。\n'),
]


@pytest.mark.parametrize(("name", "field", "expected", "text"), CASES, ids=[c[0] for c in CASES])
def test_reviewers_case(name: str, field: str, expected: object, text: str) -> None:
    r = parse_document(document_from_text(text, "t.txt"))
    assert getattr(r, field) == expected
