"""metrics.compute: every metric table in one call, on the samples and a synthetic corpus."""

from __future__ import annotations

import polars as pl

import fiscal_eval
from fiscal_eval.metrics import _pi1_input, _pi2_input, compute
from fiscal_eval.synth import generate


def test_compute_on_samples():
    m = compute(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
    per = {r["agency"]: r for r in m.per_report.iter_rows(named=True)}
    assert per["中共保山市委网信办"]["flag_count"] == 2
    assert per["和平县政务服务数据管理局"]["grade_ok"] is True
    assert per["保山市政务服务管理局"]["template_share"] > 0.3
    assert per["开远市人民政府大数据研究中心"]["template_share"] == 0
    counts = dict(zip(m.flag_counts["code"], m.flag_counts["flags"]))
    assert counts == {"rate_mismatch": 1, "conflicting_values": 1, "formula_error": 1,
                      "score_subtotal_mismatch": 2, "missing_field": 2}
    assert set(m.pefa_pi1["pefa_status"]) == {"insufficient_data"}  # one year each


def test_compute_on_a_synthetic_series(tmp_path):
    generate(agencies=8, years=3, seed=9, out=tmp_path)
    m = compute(fiscal_eval.tables(fiscal_eval.parse_paths([tmp_path / "reports"])))
    assert m.per_report.height == 24
    assert (m.pefa_pi1["pefa_status"] == "ok").sum() == 8  # three years each: graded
    assert m.yoy.filter(pl.col("year") == 2019)["budget_yuan_yoy"].null_count() == 8


def test_pi1_uses_the_department_report_when_there_is_one():
    reports = pl.DataFrame({
        "agency": ["a", "a", "b", "b"], "year": [2020, 2020, 2020, 2020],
        "kind": ["project", "department", "project", "project"],
        "budget_yuan": [10.0, 100.0, 5.0, 6.0], "spent_yuan": [9.0, 90.0, 5.0, 6.0],
    })
    got = _pi1_input(reports).sort("agency", "budget_yuan")
    assert got["budget_yuan"].to_list() == [100.0, 5.0, 6.0]


def test_pi2_input_pairs_each_lines_budget_and_actual():
    reports = pl.DataFrame({"report_id": ["r1", "r2"], "agency": ["a", "b"], "year": [2020, 2021]})
    lines = pl.DataFrame(
        {
            "report_id": ["r1", "r1", "r1", "r1", "r1", "r1", "r2", "r2"],
            "role": ["line_item"] * 5 + ["budget", "line_item", "line_item"],
            "measure": ["budget", "spent", "budget", "budget", "spent", "budget", "budget", "spent"],
            "label": ["办公费", "办公费", "办公费", "差旅费", "印刷费", "合计", "设备", "设备"],
            "amount_yuan": [100.0, 90.0, 20.0, 50.0, 30.0, 999.0, 10.0, None],
        }
    )
    got = _pi2_input(reports, lines).sort("agency", "label")
    # 办公费: two budget rows summed, one actual; 差旅费 (no actual) and 印刷费 (no
    # budget) have no pair; 合计 is not a line; 设备's actual is stated empty (sum 0).
    assert got.rows() == [("a", 2020, "办公费", 120.0, 90.0), ("b", 2021, "设备", 10.0, 0.0)]
