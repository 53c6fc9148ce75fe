"""Templates the samples do not show: the MoF 项目支出绩效自评表 form, a prose
department report in other words, full-width digits, 亿元 — the parser's rules are
general, not sample-shaped."""

from __future__ import annotations

from fiscal_eval.model import Document
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text

MOF_FORM = "\n".join([
    "某某县交通运输局2021年度项目支出绩效自评表",
    "项目名称\t乡村道路养护项目",
    "主管部门\t某某县交通运输局\t实施单位\t某某县公路养护中心",
    "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
    "\t年度资金总额\t120\t150\t138.5\t10\t92.33%\t9.23",
    "\t其中：当年财政拨款\t120\t150\t138.5\t—\t—\t—",
    "\t上年结转资金\t0\t0\t0\t—\t—\t—",
    "绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
    "\t产出指标\t数量指标\t养护里程\t120公里\t118公里\t20\t19\t部分路段因雨季延后",
    "\t\t质量指标\t路况优良率\t≥85%\t87%\t15\t15\t",
    "\t\t时效指标\t完成时限\t12月底前\t12月底前\t15\t15\t",
    "\t效益指标\t社会效益指标\t群众出行便利度\t提升\t提升\t30\t28\t",
    "\t满意度指标\t服务对象满意度指标\t群众满意度\t≥90%\t93%\t10\t9\t",
    "总分\t\t\t\t\t\t100\t95.23\t",
    "经自评，该项目评价等级为“优”。",
    "填报日期：2022年3月8日",
])


def test_mof_form():
    r = parse_document(document_from_text(MOF_FORM, "mof.txt"))
    assert r.status == "ok", r.errors
    assert (r.agency, r.region, r.year, r.kind, r.project_name) == (
        "某某县交通运输局", "某某县", 2021, "project", "乡村道路养护项目")
    # 年初预算数 is the budget, 全年预算数 (the adjusted one, the 执行率's base) beside it.
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan) == (1200000.0, 1500000.0, 1385000.0)
    assert r.execution_rate_reported == 0.9233
    assert (r.score, r.grade, r.published_date) == (95.23, "优", "2022-03-08")
    # The money grid's execution-rate points (分值 10, 得分 9.23) come last: with the
    # indicators' 86 they make the total 95.23 (财预〔2020〕10号: 10 + 90).
    assert [(i.level1, i.level2, i.level3, i.max_points, i.points) for i in r.indicators] == [
        ("产出指标", "数量指标", "养护里程", 20, 19),
        ("产出指标", "质量指标", "路况优良率", 15, 15),
        ("产出指标", "时效指标", "完成时限", 15, 15),
        ("效益指标", "社会效益指标", "群众出行便利度", 30, 28),
        ("满意度指标", "服务对象满意度指标", "群众满意度", 10, 9),
        ("预算执行率", None, None, 10, 9.23),
    ]
    first = r.indicators[0]
    assert (first.target, first.actual, first.note) == ("120公里", "118公里", "部分路段因雨季延后")
    items = [fl for fl in r.fund_lines if fl.parent is not None]
    assert {(fl.label, fl.measure, fl.amount_yuan) for fl in items} >= {
        ("当年财政拨款", "spent", 1385000.0), ("上年结转资金", "budget", 0.0)}


DEPARTMENT_PROSE = """某某市民政局2022年度部门整体支出绩效自评报告

一、部门基本情况
某某市民政局内设机构8个，核定编制45名。

二、部门整体支出情况
2022年度部门预算安排资金3,256.78万元，全年实际到位资金3,180.50万元，实际支出3,050.12万元，预算执行率95.90%。其中：基本支出1,850.12万元，项目支出1,200.00万元。

三、绩效评价结论
经综合评价，综合评分为92.5分，评价等级为优秀。

四、存在的问题
（一）预算编制不够精细。部分项目预算与实际需求存在差距。
（二）绩效目标设置不够细化。个别指标难以量化。

五、改进措施
（一）提高预算编制质量。
（二）细化量化绩效目标。

某某市民政局
2023年3月15日
"""


def test_department_prose():
    r = parse_document(document_from_text(DEPARTMENT_PROSE, "dept.txt"))
    assert r.status == "ok", r.errors
    assert (r.agency, r.year, r.kind, r.project_name) == ("某某市民政局", 2022, "department", None)
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (32567800.0, 31805000.0, 30501200.0)
    assert (r.execution_rate_reported, r.score, r.grade) == (0.959, 92.5, "优秀")
    assert r.published_date == "2023-03-15"
    assert r.problems == ("预算编制不够精细。部分项目预算与实际需求存在差距。",
                          "绩效目标设置不够细化。个别指标难以量化。")
    assert r.improvements == ("提高预算编制质量。", "细化量化绩效目标。")
    spent = next(i for i, fl in enumerate(r.fund_lines) if fl.role == "spent")
    assert [fl.amount_yuan for fl in r.fund_lines if fl.parent == spent] == [18501200.0, 12000000.0]


def test_full_width_digits_and_yi():
    text = ("某某省水利厅２０２０年度项目绩效自评报告（农村饮水安全工程）\n"
            "项目年初预算１．２亿元，实际到位资金１２，０００万元，实际支出１１，５２０．５万元，"
            "执行率为９６．００％。自评得分：８９分，等次为良。")
    r = parse_document(document_from_text(text, "fw.txt"))
    assert (r.year, r.project_name) == (2020, "农村饮水安全工程")
    assert (r.budget_yuan, r.available_yuan, r.spent_yuan) == (120000000.0, 120000000.0, 115205000.0)
    assert (r.execution_rate_reported, r.score, r.grade) == (0.96, 89.0, "良")


def test_publishing_year_is_not_the_fiscal_year():
    text = ("发布日期：2023-05-06\n关于2022年度市级项目支出绩效自评工作的报告\n"
            "某某区财政局对2022年度城市绿化项目进行了绩效自评。预算安排50万元，实际支出50万元。")
    r = parse_document(document_from_text(text, "y.txt"))
    assert (r.year, r.published_date) == (2022, "2023-05-06")


def test_score_scale_is_not_a_score():
    text = "某某局2021年度项目绩效自评报告。自评得分：90-100 优秀、80-89 良好、70-79 中等、60-69 及格。预算安排10万元，实际支出8万元。"
    r = parse_document(Document(source="s.txt", text=text, format="text"))
    assert r.score is None and r.grade_scale is not None


def test_item_points_are_not_the_total():
    text = "某某局2021年度部门整体支出绩效自评报告。预算安排10万元，实际支出8万元。根据评分标准该项得分6分。"
    r = parse_document(Document(source="s.txt", text=text, format="text"))
    assert r.score is None and [i.points for i in r.indicators] == [6]


PHRASINGS = [
    ("经综合评价，该项目得分为92.5分，绩效等级为“优”。", 92.5, "优"),
    ("自评结论：该项目自评得分95分，等级为优秀。", 95, "优秀"),
    ("经自评，综合评定为优秀等级，总分100分，自评得分95分。", 95, "优秀"),
    ("项目绩效自评综合得分为 93.5 分，评价等级为\"优\"。", 93.5, "优"),
    ("自评得分：96分（满分100分），自评等级：优。", 96, "优"),
    ("本项目自评分为88分，评价结果为“良”。", 88, "良"),
    ("绩效自评得分87分，绩效评价等级为良好。", 87, "良好"),
    ("根据评分标准，该项目最终得分91分，等级为\"优\"。", 91, "优"),
    ("自评得分100分，等级为优秀。", 100, "优秀"),
]


def test_score_and_grade_phrasings():
    """Ways reports of other provinces state the self-score and grade."""
    for sentence, score, grade in PHRASINGS:
        r = parse_document(document_from_text(f"某某县财政局2021年度项目绩效自评报告\n{sentence}", "p.txt"))
        assert (r.score, r.grade) == (score, grade), sentence
