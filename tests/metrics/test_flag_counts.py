"""metrics.flag_counts: one deterministic order, the same in metrics and in the views."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval import metrics
from fiscal_eval.model import FLAG_COLUMNS
from fiscal_eval.present import views
from fiscal_eval.store.frames import schema

# Eight codes, three severities: many ties in ``flags`` for a group_by to shuffle.
_CODES = ["rate_mismatch", "sum_mismatch", "score_subtotal_mismatch", "score_total_mismatch",
          "score_over_max", "grade_band_mismatch", "formula_error", "conflicting_values"]


def _flags(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """A flags table (the columns of model.FLAG_COLUMNS) with ``(report_id, code, severity)`` rows."""
    data: dict[str, list] = {c: [None] * len(rows) for c in FLAG_COLUMNS}
    data["report_id"] = [r for r, _, _ in rows]
    data["code"] = [c for _, c, _ in rows]
    data["severity"] = [s for _, _, s in rows]
    return pl.DataFrame(data, schema=schema(FLAG_COLUMNS))


@pytest.fixture(scope="module")
def many() -> pl.DataFrame:
    rows = []
    for i, code in enumerate(_CODES):
        for severity in ("warning", "error", "info"):
            rows += [(f"r{i}-{severity}-{n}", code, severity) for n in range(1 + (i % 2))]
    rows += [("r-extra", "formula_error", "error")] * 3  # one clear leader
    return _flags(rows)


def _expected(frame: pl.DataFrame) -> list[tuple]:
    counted: dict[tuple[str, str], list[str]] = {}
    for rid, code, severity in frame.select("report_id", "code", "severity").iter_rows():
        counted.setdefault((code, severity), []).append(rid)
    rows = [(code, sev, len(ids), len(set(ids))) for (code, sev), ids in counted.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


def test_flag_counts_order_is_count_then_code_then_severity(many):
    expected = _expected(many)
    assert expected[0][:3] == ("formula_error", "error", 4)
    for _ in range(20):  # a hash-ordered group_by differs from run to run; the result must not
        assert metrics.flag_counts(many).rows() == expected


def test_flag_counts_of_no_flags_has_the_schema():
    out = metrics.flag_counts(_flags([]))
    assert out.columns == ["code", "severity", "flags", "reports"] and out.height == 0


def test_compute_and_views_count_flags_the_same_way(many):
    """metrics.compute's flag_counts and views.flags_by_type are the one function, so they
    list a year's flags in the same order — the page's by the severity a reader sees (by
    materiality, present.findings), the same function over those."""
    from fiscal_eval.present import findings

    samples = fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"]))
    ids = samples.reports.filter(pl.col("year") == 2019)["report_id"].sort().to_list()
    assert len(ids) >= 2
    # Spread the flags over the 2019 reports (a flag keeps its code and severity).
    flags = many.with_columns(pl.Series("report_id", [ids[i % len(ids)] for i in range(many.height)]))
    c = views.corpus_of(replace(samples, flags=flags))
    expected = _expected(flags)
    assert c.metrics.flag_counts.rows() == expected
    shown = views.flags_by_type(c, 2019)
    assert shown.rows() == _expected(findings.graded(flags))
    assert shown.rows() == metrics.flag_counts(findings.graded(flags)).rows()
    assert shown["flags"].sum() == flags.height  # every flag counted once, whatever its grade
