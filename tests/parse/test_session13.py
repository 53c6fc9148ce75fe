"""Rules of the thirteenth session, each from failures on real pages kept outside the
repository, written as short texts in the style of the templates (no real report is
copied here): each with the value the rule must give and the cases where it must not.
"""

from __future__ import annotations

import pytest

import fiscal_eval
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text


def _parse(text: str) -> fiscal_eval.Report:
    return parse_document(document_from_text(text, "t.txt"))


HEAD = "甲县乙项目2024年度绩效自评报告\n一、资金情况\n"


@pytest.mark.parametrize("sentence, spent", [
    ("财政下达项目资金50万元,目前已拨付10万元,预算执行率为20%。", 100_000),
    ("该项目下达资金2373.51万元。目前已拨付财政补助资金1002.2739万元,其余正在申请拨付。", 10_022_739),
    ("该项目申请专项债券资金11亿元,2022年已拨付资金6亿元,已全部投入使用。", 600_000_000),
    ("项目已实施完成,全年共拨付2646.45万元。", 26_464_500),
])
def test_money_paid_out_in_a_progress_report_is_what_was_spent(sentence, spent):
    assert _parse(HEAD + sentence + "\n").spent_yuan == spent


@pytest.mark.parametrize("sentence", [
    # a giver opens the clause: money issued to the unit
    "市财政局已拨付我局资金20万元。",
    "上级已拨付资金20万元。",
    # a recipient follows: money passed on, not spent by the report's unit
    "资金已拨付到各乡镇20万元。",
    "县财政已拨付给项目实施单位20万元。",
    # arrived, not paid out
    "项目资金已拨付到位20万元。",
    # paid out later, or asked for
    "计划拨付资金20万元。",
])
def test_money_issued_passed_on_or_planned_is_not_spent(sentence):
    assert _parse(HEAD + sentence + "\n").spent_yuan is None


def test_spending_named_outright_beats_money_paid_out():
    r = _parse(HEAD + "目前已拨付资金30万元,实际支出28万元。\n")
    assert r.spent_yuan == 280_000
