"""Sections, indicators, scale, subtotals, rates, lines and narrative of the samples,
checked by hand against the texts."""

from __future__ import annotations


def test_sections_000(samples):
    paths = [(s.path, s.title) for s in samples["000"].sections]
    assert paths[:8] == [
        ("一", "项目基本情况"), ("二", "项目绩效自评工作开展情况"), ("三", "项目绩效实现情况"),
        ("三/(一)", "项目资金情况"), ("三/(一)/1", "项目资金到位情况"),
        ("三/(一)/2", "项目资金执行情况"), ("三/(一)/3", "项目资金管理情况"),
        ("三/(二)", "项目绩效指标完成情况"),
    ]
    assert ("七/(二)", "主要问题") in paths and ("八", "其他需说明的问题") in paths


def test_sections_004_levels(samples):
    by_title = {s.title: s for s in samples["004"].sections}
    assert by_title["投入"].path == "三/(一)"
    assert by_title["预算执行"].path == "三/(二)/1"
    assert by_title["预算完成率"].path == "三/(二)/1/(1)"
    assert by_title["社会公众满意度评价"].path == "三/(三)/2/(3)"


def test_indicator_table_003(samples):
    ind = samples["003"].indicators
    assert len(ind) == 21
    assert all(i.origin == "table" for i in ind)
    assert sum(i.points for i in ind if i.points is not None) == 88
    assert sum(i.max_points for i in ind) == 100
    first = ind[0]
    assert (first.level1, first.level2, first.level3, first.max_points, first.points) == (
        "绩效目标", "前期工作", "项目论证", 1.0, 1.0)
    unscored = [(i.level3, i.max_points) for i in ind if i.points is None]
    assert unscored == [("经济效益", 6.0), ("生态效益", 6.0)]
    sat = ind[-1]
    assert (sat.level2, sat.level3, sat.max_points, sat.points) == ("满意度", "服务对象满意度", 6.0, 6.0)
    assert "本项目规划设计严格遵循" in first.note


def test_indicators_from_prose_004(samples):
    ind = samples["004"].indicators
    assert [i.points for i in ind] == [6, 4, 3, 4, 3, 5, 5, 5, 8, 8, 6, 8, 6, 5, 8, 6, 6]
    sums = {}
    for i in ind:
        sums[i.level1] = sums.get(i.level1, 0) + i.points
    assert sums == {"投入": 17, "过程": 59, "产出及效率": 20}
    assert {(i.level2, i.level3) for i in ind if i.level1 == "过程"} >= {
        ("预算执行", "预算完成率"), ("预算管理", "公用经费控制率")}
    r = samples["004"]
    assert r.text[ind[0].span[0]:ind[0].span[1]] == "6"


def test_subtotals_004(samples):
    subs = [(s.label, s.points) for s in samples["004"].subtotals]
    assert subs == [("投入", 13), ("过程", 59), ("产出及效率", 26)]


def test_grade_scale_003(samples):
    scale = samples["003"].grade_scale
    assert [(b.lower, b.grade) for b in scale.bands] == [
        (90, "优秀"), (80, "良好"), (70, "中等"), (60, "及格"), (0, "不及格")]
    assert scale.grade_for(88) == "良好"
    assert all(samples[k].grade_scale is None for k in ("000", "001", "002", "004"))


def test_form_rates_003(samples):
    rates = {r.label: r for r in samples["003"].rates}
    arrival = rates["实际到位率"]
    assert (arrival.value, arrival.decimals, arrival.formula) == (1.006, 2, "(3)÷(2)")
    assert arrival.refs["2"] == "实际投入" and arrival.refs["3"] == "实际到位"
    assert rates["预算完成率"].formula == "(4)÷(1)"
    assert samples["003"].arrival_rate_reported == 1.006


def test_written_calculations_004(samples):
    calc = {a.label: a for a in samples["004"].arithmetic}
    assert calc["在职人员控制率"].expression == "(6/11)×100%"
    assert calc["在职人员控制率"].result == 0.5454 and calc["在职人员控制率"].percent
    assert calc["预算控制率"].result == -0.2149
    assert len(calc) == 7


def test_fund_lines_000(samples):
    lines = samples["000"].fund_lines
    spent = next(i for i, fl in enumerate(lines) if fl.role == "spent")
    items = [(fl.label, fl.amount_yuan) for fl in lines if fl.parent == spent]
    assert items == [("网络通讯费", 579380.0), ("水费", 135.0), ("电费", 21136.81)]
    assert samples["000"].balance_yuan == 109348.19


def test_fund_lines_002_items(samples):
    lines = samples["002"].fund_lines
    total = next(i for i, fl in enumerate(lines) if fl.role == "available")
    items = [fl for fl in lines if fl.parent == total]
    assert len(items) == 8 and items[0].label == "一般行政管理事务"
    assert round(sum(fl.amount_yuan for fl in items), 2) == 4331899.35


def test_plan_section_spending_is_not_spent_004(samples):
    """'2019年总支出335.46万元' sits under （一）2019年预算情况: planned, not spent."""
    planned = [fl for fl in samples["004"].fund_lines if fl.amount_yuan == 3354600 and fl.label == "总支出"]
    assert planned and planned[0].role == "other"


def test_incomplete_list_004(samples):
    """'办公费用2.27万元，差旅费用1.33万元等' lists only some items."""
    lines = samples["004"].fund_lines
    assert any(fl.label == "差旅费用" and not fl.complete for fl in lines if fl.parent is not None) or all(
        fl.parent is None for fl in lines if fl.label == "差旅费用")


def test_problems_and_improvements(samples):
    assert samples["003"].problems == () and samples["003"].improvements == ()
    p002 = samples["002"].problems
    assert p002[0].startswith("专业人才匮乏") and len(p002) == 4
    assert samples["002"].improvements[0].startswith("将全年工作任务细化分解")
    assert any(p.startswith("专项经费预算执行有待进一步加强") for p in samples["000"].problems)
    assert len([i for i in samples["000"].improvements if i[:2] in ("完善", "科学", "统筹", "加强")]) == 4


def test_quantities_000(samples):
    q = [(x.value, x.unit) for x in samples["000"].quantities if "电子政务网覆盖" in x.context]
    assert q == [(733, "个单位"), (707, "个单位")]
