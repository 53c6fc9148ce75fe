"""findings: every flag in one Chinese sentence, and its severity by materiality."""

from __future__ import annotations

import doctest
import re

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval.metrics.audit import CODES
from fiscal_eval.present import findings
from fiscal_eval.present.labels import LABELS
from fiscal_eval.synth import generate

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def flags(tmp_path_factory):
    """The flags of the samples and of a synthetic corpus with injected discrepancies."""
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=10, years=3, seed=11, out=syn)
    return fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples", syn / "reports"])).flags


def test_docstring_examples_run():
    result = doctest.testmod(findings)
    assert result.attempted >= 4 and result.failed == 0


def test_every_flag_reads_as_chinese(flags):
    graded = findings.graded(flags)
    assert graded.height == flags.height >= 10
    assert set(graded["code"]) >= {"rate_mismatch", "conflicting_values", "formula_error",
                                   "score_subtotal_mismatch", "missing_field"}
    for row in graded.iter_rows(named=True):
        # figures and the report's own words only: no English, no field names
        assert not LATIN_WORD.search(row["message"]), row["message"]
        assert row["field"] not in row["message"] or ":" not in row["field"]
    # a message is made for every code the audit has (a new code falls back, still Chinese)
    assert set(CODES) <= set(findings.MESSAGES) and set(CODES) <= set(LABELS)


def test_the_examples_of_the_samples(flags):
    graded = findings.graded(flags)
    by_message = dict(graded.select("message", "severity").rows())
    assert by_message["预算执行率报告为 84.61%，按 实际支出 600,651.81 ÷ 实际到位 710,000.00 计算应为 84.60%"] == "info"
    assert by_message["投入小计报告为 13 分，其下各项得分 6 + 4 + 3 + 4 = 17 分"] == "error"
    assert by_message["产出及效率小计报告为 26 分，其下各项得分 8 + 6 + 6 = 20 分"] == "error"
    assert by_message["“乡镇电子政务网覆盖”一处写作 733个单位，另一处写作 707个单位"] == "warning"
    assert by_message["实际到位率的公式印为 (3)÷(2)，即 实际到位 ÷ 实际投入；到位率应为 实际到位 ÷ 预算数，即 (3)÷(1)"] == "warning"
    assert by_message["报告中未找到自评得分"] == "info"


def _row(**kw):
    return {"code": "rate_mismatch", "severity": "error", "field": "execution_rate_reported",
            "reported": "84.61%", "expected": "84.60%", "figure": "84.61%", "message": "", **kw}


@pytest.mark.parametrize(("row", "severity", "gap"), [
    (_row(), "info", "0.01 个百分点"),  # rounding in the last digit
    (_row(reported="84.63%"), "warning", "0.03 个百分点"),  # three units: not rounding, not material
    (_row(reported="81.15%", expected="79.78%"), "warning", "1.37 个百分点"),
    (_row(reported="95.00%", expected="84.60%"), "error", "10.40 个百分点"),  # ≥ 5 % of the figure
    (_row(code="score_subtotal_mismatch", field="subtotal:投入", reported="13", expected="17", figure="13"),
     "error", "4 分"),
    (_row(code="score_total_mismatch", field="score", reported="98", expected="97", figure="98"), "info", "1 分"),
    (_row(code="score_over_max", field="indicator:项目论证", reported="12", expected="≤ 10", figure="12"),
     "error", "2 分"),
    # an amount written in 万元 (71.01) and reported in 元: one unit of its last digit is 100 元
    (_row(code="sum_mismatch", field="fund:预算", reported="710,100.00", expected="710,000.00", figure="71.01"),
     "info", "100.00 元"),
    (_row(code="sum_mismatch", field="fund:预算", reported="710,100.00", expected="700,000.00", figure="71.01"),
     "warning", "10,100.00 元"),
    (_row(code="conflicting_values", field="quantity:覆盖", reported="733个单位", expected="707个单位, 800个单位",
          figure="733"), "error", "67个单位"),  # the widest gap: 67 of 733, over 5 %
    (_row(code="grade_band_mismatch", field="grade", reported="优秀", expected="良好", figure="优秀"), "error", None),
    (_row(code="formula_error", field="rate:到位率", reported="(3)÷(2)", expected="(3)÷(1)"), "warning", None),
    (_row(code="missing_field", severity="warning", field="spent_yuan", reported=None, expected=None), "warning", None),
    (_row(code="missing_field", severity="info", field="grade", reported=None, expected=None), "info", None),
])
def test_severity_by_materiality(row, severity, gap):
    assert findings.materiality(row) == severity
    assert findings.gap_text(row) == gap


def test_the_rule_on_the_page_is_the_rule_applied():
    assert f"{findings._ROUNDING_UNITS} 个单位" in findings.RULE
    assert f"{findings._SERIOUS_SHARE:.0%}" in findings.RULE


def test_a_new_check_falls_back_to_a_chinese_sentence():
    row = _row(code="budget_drift", message="budget drift stated 5 but 6", reported="5", expected="6")
    assert findings.message(row) == "budget_drift，报告所写 5，重新计算为 6"
    assert findings.message(_row(code="budget_drift", message="预算漂移：5 与 6")) == "预算漂移：5 与 6"


def test_unexpected_messages_still_give_a_sentence():
    """An audit message whose wording changed: the sentence is built from the values."""
    for code in CODES:
        text = findings.message(_row(code=code, field="x:甲", message="something else entirely"))
        assert text and not LATIN_WORD.search(text.replace("something", "")), (code, text)


def test_graded_orders_most_severe_first(flags):
    graded = findings.graded(flags)
    order = [findings.SEVERITY_ORDER.index(s) for s in graded["severity"]]
    assert order == sorted(order)
    assert set(graded.columns) >= {"severity", "audit_severity", "message", "gap"}
    assert graded.filter(pl.col("code") == "rate_mismatch")["audit_severity"].unique().to_list() == ["error"]
