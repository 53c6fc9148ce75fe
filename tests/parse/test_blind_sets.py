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
