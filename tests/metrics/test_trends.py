"""Year-over-year changes per series, and ranks within year and region."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.metrics.execution import EXECUTION_RATE_BUDGET
from fiscal_eval.metrics.trends import (
    EXECUTION_RATE_RANK,
    EXECUTION_RATE_RANKED,
    PREV_REPORT_ID,
    SCORE_RANK,
    SCORE_RANKED,
    YOY_COLUMNS,
    ranks,
    yoy,
    yoy_change,
    yoy_change_rel,
)

_SCHEMA = {
    "report_id": pl.Utf8,
    "agency": pl.Utf8,
    "region": pl.Utf8,
    "kind": pl.Utf8,
    "project_name": pl.Utf8,
    "year": pl.Int32,
    "budget_yuan": pl.Float64,
    "spent_yuan": pl.Float64,
    "score": pl.Float64,
    "synthetic": pl.Boolean,
}


def _reports(rows: list[dict]) -> pl.DataFrame:
    defaults = {"region": "保山", "kind": "department", "project_name": None, "synthetic": False}
    return pl.DataFrame([{**defaults, **row} for row in rows], schema=_SCHEMA)


def _by_id(df: pl.DataFrame) -> dict[str, dict]:
    return {r["report_id"]: r for r in df.to_dicts()}


# --------------------------------------------------------------------------- yoy


def test_yoy_hand_computed():
    df = _reports(
        [
            # listed out of order: yoy sorts by year within the series
            {"report_id": "a21", "agency": "甲", "year": 2021, "budget_yuan": 900_000.0, "spent_yuan": 900_000.0, "score": 98.0},
            {"report_id": "a19", "agency": "甲", "year": 2019, "budget_yuan": 710_000.0, "spent_yuan": 600_651.81, "score": 97.46},
            {"report_id": "a20", "agency": "甲", "year": 2020, "budget_yuan": 800_000.0, "spent_yuan": 800_000.0, "score": 98.0},
        ]
    )
    out = yoy(df)
    assert out.columns == list(YOY_COLUMNS)
    assert out["report_id"].to_list() == ["a19", "a20", "a21"]
    rows = _by_id(out)
    assert rows["a19"][PREV_REPORT_ID] is None and rows["a19"][yoy_change("budget_yuan")] is None
    a20 = rows["a20"]
    assert a20[PREV_REPORT_ID] == "a19"
    # budget 800 000 − 710 000 = 90 000; ÷ 710 000 = 0.126761
    assert a20[yoy_change("budget_yuan")] == pytest.approx(90_000.0)
    assert a20[yoy_change_rel("budget_yuan")] == pytest.approx(0.1267605634)
    # spent 800 000 − 600 651.81 = 199 348.19; ÷ 600 651.81 = 0.331886
    assert a20[yoy_change("spent_yuan")] == pytest.approx(199_348.19)
    assert a20[yoy_change_rel("spent_yuan")] == pytest.approx(0.3318864398)
    # execution 1.0 − 0.845988 = 0.154012; ÷ 0.845988 = 0.182052
    assert a20[EXECUTION_RATE_BUDGET] == 1.0
    assert a20[yoy_change(EXECUTION_RATE_BUDGET)] == pytest.approx(0.1540115352)
    assert a20[yoy_change_rel(EXECUTION_RATE_BUDGET)] == pytest.approx(0.1820491788)
    # score 98 − 97.46 = 0.54; ÷ 97.46 = 0.005541
    assert a20[yoy_change("score")] == pytest.approx(0.54)
    assert a20[yoy_change_rel("score")] == pytest.approx(0.0055407346)
    # 2021: budget +100 000 (÷ 800 000 = 0.125), score unchanged
    assert rows["a21"][yoy_change_rel("budget_yuan")] == pytest.approx(0.125)
    assert rows["a21"][yoy_change("score")] == 0.0


def test_yoy_gap_year_and_zero_previous():
    df = _reports(
        [
            {"report_id": "x18", "agency": "甲", "year": 2018, "budget_yuan": 0.0, "spent_yuan": 0.0, "score": None},
            {"report_id": "x19", "agency": "甲", "year": 2019, "budget_yuan": 100.0, "spent_yuan": 50.0, "score": 80.0},
            {"report_id": "x21", "agency": "甲", "year": 2021, "budget_yuan": 200.0, "spent_yuan": 200.0, "score": 90.0},
        ]
    )
    rows = _by_id(yoy(df))
    # 2019 on 2018: +100 absolute, relative undefined (previous 0), score previous null
    assert rows["x19"][yoy_change("budget_yuan")] == 100.0
    assert rows["x19"][yoy_change_rel("budget_yuan")] is None
    assert rows["x19"][yoy_change("score")] is None
    # 2021 has no 2020 to compare with: nothing is compared across the gap
    assert rows["x21"][PREV_REPORT_ID] is None and rows["x21"][yoy_change("budget_yuan")] is None


def test_yoy_series_are_kept_apart():
    df = _reports(
        [
            {"report_id": "d19", "agency": "甲", "year": 2019, "budget_yuan": 100.0, "spent_yuan": 100.0, "score": 90.0},
            {"report_id": "d20", "agency": "甲", "year": 2020, "budget_yuan": 150.0, "spent_yuan": 150.0, "score": 95.0},
            # a project of the same agency: its own series
            {"report_id": "p20", "agency": "甲", "kind": "project", "project_name": "电子政务", "year": 2020,
             "budget_yuan": 10.0, "spent_yuan": 9.0, "score": 88.0},
            # a synthetic department report for 2020: not compared with the real 2019 one
            {"report_id": "s20", "agency": "甲", "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 60.0,
             "synthetic": True},
            # another agency
            {"report_id": "b20", "agency": "乙", "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 60.0},
            # no agency: nothing to follow
            {"report_id": "n20", "agency": None, "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 60.0},
        ]
    )
    rows = _by_id(yoy(df))
    assert rows["d20"][PREV_REPORT_ID] == "d19" and rows["d20"][yoy_change("budget_yuan")] == 50.0
    for rid in ("p20", "s20", "b20", "n20"):
        assert rows[rid][PREV_REPORT_ID] is None, rid


def test_yoy_without_synthetic_column():
    df = _reports(
        [
            {"report_id": "a", "agency": "甲", "year": 2019, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 1.0},
            {"report_id": "b", "agency": "甲", "year": 2020, "budget_yuan": 2.0, "spent_yuan": 1.0, "score": 1.0},
        ]
    ).drop("synthetic")
    rows = _by_id(yoy(df))
    assert rows["b"]["synthetic"] is False and rows["b"][yoy_change("budget_yuan")] == 1.0


# --------------------------------------------------------------------------- ranks


def test_ranks_dense_descending_nulls_unranked():
    df = _reports(
        [
            # execution rates: 0.9, 1.2 (capped to 1), 1.0, 0.95, null (no budget)
            {"report_id": "a", "agency": "1", "year": 2020, "budget_yuan": 100.0, "spent_yuan": 90.0, "score": 98.0},
            {"report_id": "b", "agency": "2", "year": 2020, "budget_yuan": 100.0, "spent_yuan": 120.0, "score": 88.0},
            {"report_id": "c", "agency": "3", "year": 2020, "budget_yuan": 100.0, "spent_yuan": 100.0, "score": 98.0},
            {"report_id": "d", "agency": "4", "year": 2020, "budget_yuan": 100.0, "spent_yuan": 95.0, "score": None},
            {"report_id": "e", "agency": "5", "year": 2020, "budget_yuan": None, "spent_yuan": 95.0, "score": 70.0},
        ]
    )
    out = ranks(df)
    assert out["report_id"].to_list() == list("abcde")
    rows = _by_id(out)
    # scores 98, 88, 98, null, 70 -> dense: 98 -> 1, 88 -> 2, 70 -> 3; null unranked
    assert {k: r[SCORE_RANK] for k, r in rows.items()} == {"a": 1, "b": 2, "c": 1, "d": None, "e": 3}
    # rates (capped) 0.9, 1, 1, 0.95, null -> 1 and 1 share rank 1, then 0.95 -> 2, 0.9 -> 3
    assert {k: r[EXECUTION_RATE_RANK] for k, r in rows.items()} == {"a": 3, "b": 1, "c": 1, "d": 2, "e": None}
    assert rows["a"][SCORE_RANKED] == 4 and rows["a"][EXECUTION_RATE_RANKED] == 4


def test_ranks_within_year_region_and_synthetic():
    df = _reports(
        [
            {"report_id": "r1", "agency": "1", "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 90.0},
            {"report_id": "r2", "agency": "2", "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 80.0},
            # another region, same year: ranked on its own
            {"report_id": "h1", "agency": "3", "region": "和平", "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 70.0},
            # another year
            {"report_id": "y1", "agency": "1", "year": 2021, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 60.0},
            # synthetic, same year and region, best score: does not push r1 down
            {"report_id": "s1", "agency": "9", "year": 2020, "budget_yuan": 1.0, "spent_yuan": 1.0, "score": 99.0, "synthetic": True},
        ]
    )
    rows = _by_id(ranks(df))
    assert {k: r[SCORE_RANK] for k, r in rows.items()} == {"r1": 1, "r2": 2, "h1": 1, "y1": 1, "s1": 1}
    assert rows["r1"][SCORE_RANKED] == 2 and rows["s1"][SCORE_RANKED] == 1
    # by year only: 保山 and 和平 together
    by_year = _by_id(ranks(df, by=("year",)))
    assert by_year["h1"][SCORE_RANK] == 3


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([2019, 2020]),
            st.sampled_from(["保山", "和平", None]),
            st.booleans(),
            st.one_of(st.none(), st.floats(0, 100)),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_ranks_are_dense_and_start_at_one(rows):
    df = _reports(
        [
            {"report_id": str(i), "agency": str(i), "year": y, "region": r, "synthetic": s,
             "budget_yuan": 1.0, "spent_yuan": 1.0, "score": score}
            for i, (y, r, s, score) in enumerate(rows)
        ]
    )
    out = ranks(df)
    for _, group in out.filter(pl.col(SCORE_RANK).is_not_null()).group_by("year", "region", "synthetic"):
        ranks_in_group = sorted(set(group[SCORE_RANK].to_list()))
        assert ranks_in_group == list(range(1, len(ranks_in_group) + 1))
    assert (out[SCORE_RANK].is_null() == df["score"].is_null()).all()


def test_yoy_two_reports_in_one_year_compare_with_the_last_listed():
    df = _reports(
        [
            {"report_id": "v1", "agency": "甲", "year": 2019, "budget_yuan": 100.0, "spent_yuan": 100.0, "score": 90.0},
            {"report_id": "v2", "agency": "甲", "year": 2019, "budget_yuan": 110.0, "spent_yuan": 100.0, "score": 91.0},
            {"report_id": "n", "agency": "甲", "year": 2020, "budget_yuan": 121.0, "spent_yuan": 100.0, "score": 92.0},
        ]
    )
    rows = _by_id(yoy(df))
    # the second 2019 report is not a "previous year" of the first
    assert rows["v2"][PREV_REPORT_ID] is None
    # 2020 on v2: 121 − 110 = 11, ÷ 110 = 0.1
    assert rows["n"][PREV_REPORT_ID] == "v2"
    assert rows["n"][yoy_change_rel("budget_yuan")] == pytest.approx(0.1)
