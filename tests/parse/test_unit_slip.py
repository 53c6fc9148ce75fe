"""One amount written with two units (a 元 for 万元 slip): the field is left empty with
both readings as candidates, never the 10,000-fold wrong one."""

from __future__ import annotations

from fiscal_eval import parse_text
from fiscal_eval.parse.choose import LOST_UNIT_SLIP, Option, choose

TEXT = (
    "某县农业农村局2024年农机购置补贴项目绩效自评报告\n"
    "一、绩效目标分解下达情况。2024年农机购置补贴项目预算资金合计2089万元。\n"
    "二、绩效目标完成情况。项目资金全年预算数2089元，全年执行数2089万元。\n"
)


def test_budget_written_in_yuan_and_wan_is_left_empty():
    report = parse_text(TEXT, source="slip.txt")
    assert report.budget_yuan is None
    values = sorted({c.value for c in report.candidates["budget_yuan"]})
    assert values == [2089.0, 20_890_000.0]
    assert any(c.lost == LOST_UNIT_SLIP for c in report.candidates["budget_yuan"])
    assert report.spent_yuan == 20_890_000.0


def test_amounts_that_only_differ_are_not_slips():
    a = Option(20_890_000.0, (0, 4), "全年预算数", 1, "全年预算数")
    b = Option(2_089_000.0, (10, 14), "预算", 3, "预算")  # ten times, not 10,000
    assert choose([a, b]).value == 20_890_000.0
    c = Option(2089.0, (20, 24), "预算", 3, "预算")
    choice = choose([a, c])
    assert choice.value is None
    assert {x.lost for x in choice.candidates} == {LOST_UNIT_SLIP}
