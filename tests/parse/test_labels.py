"""The five real samples parse to their hand-checked labels, every field, and each
figure's evidence points at the sentence it came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fiscal_eval.parse.numbers import AMOUNT_RE, PERCENT_RE, fold, parse_amount, parse_percent

LABELS = {x["source"]: x for x in json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures/labels.json").read_text("utf-8"))}

FIELDS = ["agency", "year", "kind", "project_name", "budget_yuan", "available_yuan",
          "spent_yuan", "execution_rate_reported", "score", "grade", "published_date"]


@pytest.mark.parametrize("source", sorted(LABELS))
@pytest.mark.parametrize("field", FIELDS)
def test_field_equals_label(samples, source, field):
    report = samples[source[:3]]
    assert getattr(report, field) == LABELS[source][field]


@pytest.mark.parametrize("source", sorted(LABELS))
def test_status_ok(samples, source):
    report = samples[source[:3]]
    assert report.status == "ok", report.errors
    assert report.errors == ()


# The sentence each figure came from (a fragment of it), hand-checked.
SENTENCES = {
    "000": {
        "budget_yuan": "下达项目预算资金—电子政务业务经费710000.00元",
        "spent_yuan": "实际使用项目资金—电子政务业务经费600651.81元",
        "execution_rate_reported": "预算执行率为84.61%",
        "score": "自评得分97.46分",
        "grade": "自评结果:优秀",
        "agency": "中共保山市委网信办2019年度项目绩效自评报告",
        "published_date": "2020-06-30 08:58",
    },
    "001": {
        "agency": "发布机构 | 保山市政务服务管理局",
        "project_name": "对2021年度部门预算“保山市公共资源交易电子化平台运维服务经费项目”",
        "spent_yuan": "实际使用项目资金—保山市公共资源交易电子化平台运维服务经费800000元",
        "published_date": "发布日期 | 2022-07-12",
    },
    "002": {
        "budget_yuan": "2020年初预算收入413.82万元",
        "available_yuan": "2020年度决算总收入为4,331,899.35元",
        "spent_yuan": "全年总支出为: 4,362,576.87元",
    },
    "003": {
        "budget_yuan": "预算安排 | (1) | 2700000",
        "available_yuan": "实际到位 | (3) | 2700000",
        "spent_yuan": "实际支出 | (4) | 2683950",
        "execution_rate_reported": "支出实现率 | (7)=(4) ÷ (3) | 99. 41%",
        "score": "合计 | 88 | 自评等次 | 良好",
        "agency": "本级项目主管部门：（公章）和平县政务服务数据管理局",
        "published_date": "填报日期：2021 年 4 月 1 日",
    },
    "004": {
        "budget_yuan": "电子政务办2019年预算总收入335.46万元",
        "available_yuan": "2019年度总收入263.38万元",
        "spent_yuan": "2019年度总支出277.14万元",
        "execution_rate_reported": "预算完成率＝(15.8+335.46-72.08-2.05)/(15.8+335.46-72.08)×100%=99.26%",
        "score": "总得分98分",
        "grade": "评价等为“优”",
        "year": "对2019年度本单位财政性资金整体支出进行了绩效自评",
    },
}


@pytest.mark.parametrize("key,field,fragment",
                         [(k, f, s) for k, d in SENTENCES.items() for f, s in d.items()])
def test_evidence_sentence(samples, key, field, fragment):
    report = samples[key]
    assert fragment in report.evidence[field].sentence


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_spans_hold_the_figure(samples, key):
    """The span of every amount and rate slices the document to the figure as written."""
    report = samples[key]
    for field in ("budget_yuan", "available_yuan", "spent_yuan"):
        ev = report.evidence.get(field)
        if ev is None:
            continue
        written = fold(report.text[ev.span[0]:ev.span[1]])
        m = AMOUNT_RE.fullmatch(written)
        value = parse_amount(m["num"], m["unit"]) if m else parse_amount(written, _table_unit(report))
        assert value == getattr(report, field)
    ev = report.evidence.get("execution_rate_reported")
    if ev is not None:
        m = PERCENT_RE.fullmatch(fold(report.text[ev.span[0]:ev.span[1]]))
        assert m and parse_percent(m["num"]) == report.execution_rate_reported


def _table_unit(report) -> str:
    return "元"  # 003's form states plain yuan


def test_region(samples):
    assert {k: r.region for k, r in samples.items()} == {
        "000": "保山市", "001": "保山市", "002": "开远市", "003": "和平县", "004": "保靖县"}
