"""Execution metrics, MoF execution points and PEFA PI-1 / PI-2.1, on hand-computed examples."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.metrics.execution import (
    ARRIVAL_RATE,
    BALANCE_COMPUTED,
    EXECUTION_COLUMNS,
    EXECUTION_RATE_AVAILABLE,
    EXECUTION_RATE_BUDGET,
    MOF_EXECUTION_POINTS,
    MOF_RATE_BASIS,
    PEFA_COLUMNS,
    PEFA_GRADE,
    PEFA_REASON,
    PEFA_STATUS,
    PEFA_VALUES,
    PEFA_YEARS,
    execution_metrics,
    pefa_pi1,
    pefa_pi2_1,
)


def _reports(*rows: tuple[str, float | None, float | None, float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"report_id": pl.Utf8, "budget_yuan": pl.Float64, "available_yuan": pl.Float64, "spent_yuan": pl.Float64},
        orient="row",
    )


def _one(df: pl.DataFrame) -> dict:
    (row,) = execution_metrics(df).to_dicts()
    return row


# --------------------------------------------------------------------------- execution_metrics


def test_sample_000_rates_balance_and_points():
    # 000: budget = available = 710 000, spent 600 651.81
    # arrival = 710000 / 710000 = 1
    # execution = 600651.81 / 710000 = 0.845988464788…  (the report states 84.61 %)
    # balance = 710000 − 600651.81 = 109 348.19
    # points = 10 × 0.845988… = 8.45988…
    row = _one(_reports(("000", 710000.0, 710000.0, 600651.81)))
    assert row[ARRIVAL_RATE] == 1.0
    assert row[EXECUTION_RATE_BUDGET] == pytest.approx(0.8459884648)
    assert row[EXECUTION_RATE_AVAILABLE] == pytest.approx(0.8459884648)
    assert row[BALANCE_COMPUTED] == pytest.approx(109348.19)
    assert row[MOF_EXECUTION_POINTS] == pytest.approx(8.459884648)
    assert row[MOF_RATE_BASIS] == "available"


def test_sample_004_two_rates_differ_and_points_cap_at_ten():
    # 004: budget 3 354 600, available 2 633 800, spent 2 771 400
    # arrival = 2633800 / 3354600 = 0.785131…
    # spent / budget = 2771400 / 3354600 = 0.826149…
    # spent / available = 2771400 / 2633800 = 1.052244…  -> min(., 1) = 1 -> 10 points
    # balance = 2633800 − 2771400 = −137 600 (spent more than arrived)
    row = _one(_reports(("004", 3354600.0, 2633800.0, 2771400.0)))
    assert row[ARRIVAL_RATE] == pytest.approx(0.7851308651)
    assert row[EXECUTION_RATE_BUDGET] == pytest.approx(0.8261492869)
    assert row[EXECUTION_RATE_AVAILABLE] == pytest.approx(1.0522439062)
    assert row[BALANCE_COMPUTED] == pytest.approx(-137600.0)
    assert row[MOF_EXECUTION_POINTS] == 10.0
    assert row[MOF_RATE_BASIS] == "available"


def test_without_available_points_use_spent_over_budget():
    # available not stated: rate = 80 / 100 = 0.8 -> 8 points, on the budget basis
    row = _one(_reports(("x", 100.0, None, 80.0)))
    assert row[MOF_EXECUTION_POINTS] == pytest.approx(8.0)
    assert row[MOF_RATE_BASIS] == "budget"
    assert row[ARRIVAL_RATE] is None and row[EXECUTION_RATE_AVAILABLE] is None
    assert row[BALANCE_COMPUTED] is None


def test_zero_and_null_denominators_give_null_not_inf():
    out = execution_metrics(
        _reports(
            ("zero", 0.0, 0.0, 5.0),  # 5 / 0: null, not inf
            ("none", None, None, None),
            ("nan", float("nan"), 10.0, float("nan")),
        )
    )
    for column in (ARRIVAL_RATE, EXECUTION_RATE_BUDGET, EXECUTION_RATE_AVAILABLE, MOF_EXECUTION_POINTS):
        assert out[column].null_count() == 3, column
    assert out[MOF_RATE_BASIS].to_list() == [None, None, None]
    assert out[BALANCE_COMPUTED].to_list() == [-5.0, None, None]


def test_available_stated_but_zero_does_not_fall_back_to_budget():
    # The report says nothing arrived: spent / available is undefined, and scoring it on
    # the budget instead would hide that.
    row = _one(_reports(("x", 100.0, 0.0, 50.0)))
    assert row[MOF_EXECUTION_POINTS] is None and row[MOF_RATE_BASIS] is None


def test_negative_rate_earns_zero_points():
    # spent −10 (a data error) / available 100 = −0.1 -> clipped to 0 points
    assert _one(_reports(("x", 100.0, 100.0, -10.0)))[MOF_EXECUTION_POINTS] == 0.0


def test_output_columns_and_order():
    out = execution_metrics(_reports(("b", 1.0, 1.0, 1.0), ("a", 2.0, 2.0, 1.0)))
    assert out.columns == list(EXECUTION_COLUMNS)
    assert out["report_id"].to_list() == ["b", "a"]


_amount = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=64))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_amount, _amount, _amount), min_size=1, max_size=20))
def test_mof_points_always_within_0_and_10(rows):
    df = _reports(*((str(i), *r) for i, r in enumerate(rows)))
    out = execution_metrics(df)
    points = out[MOF_EXECUTION_POINTS].drop_nulls().to_list()
    assert all(0.0 <= p <= 10.0 for p in points)
    for column in (ARRIVAL_RATE, EXECUTION_RATE_BUDGET, EXECUTION_RATE_AVAILABLE):
        assert not any(math.isnan(v) for v in out[column].drop_nulls().to_list())
    # a basis is named exactly when points were computed
    assert (out[MOF_RATE_BASIS].is_null() == out[MOF_EXECUTION_POINTS].is_null()).all()


# --------------------------------------------------------------------------- PEFA PI-1


def _pi1(rows: list[tuple[str, int, float | None, float | None]]) -> dict[str, dict]:
    df = pl.DataFrame(
        rows,
        schema={"agency": pl.Utf8, "year": pl.Int32, "budget_yuan": pl.Float64, "spent_yuan": pl.Float64},
        orient="row",
    )
    out = pefa_pi1(df)
    assert out.columns == list(PEFA_COLUMNS)
    return {r["agency"]: r for r in out.to_dicts()}


def _three_years(agency: str, spent: tuple[float, float, float], budget: float = 2_000_000.0):
    return [(agency, 2019 + i, budget, s) for i, s in enumerate(spent)]


def test_pi1_grades_on_hand_computed_outturns():
    rows = (
        # outturns 96 %, 88 %, 104 %: two years within 95–105 -> A
        _three_years("A", (1_920_000, 1_760_000, 2_080_000))
        # edges 95 % and 105 % count as inside; 80 % is the third year -> A
        + _three_years("A_edges", (1_900_000, 2_100_000, 1_600_000))
        # 94.9 %, 105.1 %, 100 %: only one within 95–105; all three within 90–110 -> B
        + _three_years("B", (1_898_000, 2_102_000, 2_000_000))
        # 86 %, 114 %, 100 %: one within 90–110, all within 85–115 -> C
        + _three_years("C", (1_720_000, 2_280_000, 2_000_000))
        # 80 %, 120 %, 100 %: each band holds one year only -> D
        + _three_years("D", (1_600_000, 2_400_000, 2_000_000))
    )
    out = _pi1(rows)
    assert {a: r[PEFA_GRADE] for a, r in out.items()} == {"A": "A", "A_edges": "A", "B": "B", "C": "C", "D": "D"}
    assert all(r[PEFA_STATUS] == "ok" and r[PEFA_REASON] is None for r in out.values())
    assert out["A"][PEFA_YEARS] == [2019, 2020, 2021]
    assert out["A"][PEFA_VALUES] == pytest.approx([0.96, 0.88, 1.04])


def test_pi1_just_outside_the_edges_is_not_a():
    # 94.99 % and 105.01 % (and 100 %): one year in the A band only -> B
    out = _pi1(_three_years("x", (1_899_800, 2_100_200, 2_000_000)))
    assert out["x"][PEFA_GRADE] == "B"


def test_pi1_uses_the_last_three_years_only():
    # 2016–2018 at 50 % would be D; 2019–2021 at 100 %, 97 %, 120 % -> A on the last three
    rows = [("x", y, 100.0, 50.0) for y in (2016, 2017, 2018)] + [
        ("x", 2019, 100.0, 100.0),
        ("x", 2020, 100.0, 97.0),
        ("x", 2021, 100.0, 120.0),
    ]
    out = _pi1(rows)["x"]
    assert out[PEFA_GRADE] == "A" and out[PEFA_YEARS] == [2019, 2020, 2021]


def test_pi1_two_years_only_is_insufficient_never_a_grade():
    out = _pi1([("x", 2020, 100.0, 100.0), ("x", 2021, 100.0, 100.0)])["x"]
    assert out[PEFA_GRADE] is None
    assert out[PEFA_STATUS] == "insufficient_data"
    assert "needs 3 years" in out[PEFA_REASON] and "has 2" in out[PEFA_REASON]
    assert "missing 2019" in out[PEFA_REASON]


def test_pi1_a_missing_year_inside_the_window_is_insufficient():
    # 2018, 2019, 2021: the last three years are 2019–2021 and 2020 is missing; 2018 is
    # not pulled in to fill the gap.
    rows = [("x", 2018, 100.0, 100.0), ("x", 2019, 100.0, 100.0), ("x", 2021, 100.0, 100.0)]
    out = _pi1(rows)["x"]
    assert out[PEFA_GRADE] is None and out[PEFA_YEARS] == [2019, 2021]
    assert "has 2 (missing 2020)" in out[PEFA_REASON]


def test_pi1_a_year_without_spent_does_not_count():
    # 2021 states a budget but no actual: the window is 2018–2020, and it has 2 years
    rows = [("x", 2019, 100.0, 100.0), ("x", 2020, 100.0, 100.0), ("x", 2021, 100.0, None)]
    out = _pi1(rows)["x"]
    assert out[PEFA_GRADE] is None and out[PEFA_YEARS] == [2019, 2020]


def test_pi1_agency_with_no_usable_year_still_gets_a_row():
    out = _pi1([("x", 2021, None, 5.0), ("y", 2021, 0.0, 5.0)])
    assert set(out) == {"x", "y"}
    assert all(r[PEFA_GRADE] is None and r[PEFA_REASON].endswith("has 0") for r in out.values())


def test_pi1_rows_of_one_year_are_summed():
    # 2019 has two rows: (60 + 40) budget, (57 + 40) spent -> 97 / 100 = 0.97
    rows = [("x", 2019, 60.0, 57.0), ("x", 2019, 40.0, 40.0), ("x", 2020, 100.0, 100.0), ("x", 2021, 100.0, 80.0)]
    out = _pi1(rows)["x"]
    assert out[PEFA_VALUES] == pytest.approx([0.97, 1.0, 0.8])
    assert out[PEFA_GRADE] == "A"



def _pi1_by_hand(rows) -> dict[str, tuple]:
    """PI-1 read straight from the rule, in plain Python: (grade, years, outturns)."""
    sums: dict[str, dict[int, list[float]]] = {}
    for agency, year, budget, spent in rows:
        per_year = sums.setdefault(agency, {})
        if budget is not None and spent is not None:
            b, s = per_year.setdefault(year, [0.0, 0.0])
            per_year[year] = [b + budget, s + spent]
    out = {}
    for agency, per_year in sums.items():
        usable = {y: s / b for y, (b, s) in per_year.items() if b != 0}
        last = max(usable, default=None)
        years = sorted(y for y in usable if last is not None and y > last - 3)
        grade = None
        if len(years) == 3:
            grade = "D"
            for band, limit in (("A", 0.05), ("B", 0.10), ("C", 0.15)):
                if sum(abs(usable[y] - 1) <= limit + 1e-9 for y in years) >= 2:
                    grade = band
                    break
        out[agency] = (grade, years, [usable[y] for y in years])
    return out


_pi1_rows = st.lists(
    st.tuples(
        st.sampled_from("abcde"),
        st.integers(2015, 2022),
        st.one_of(st.none(), st.sampled_from([0.0, 50.0, 100.0, 200.0])),
        st.one_of(st.none(), st.floats(0, 300, allow_nan=False).map(lambda x: round(x, 1))),
    ),
    max_size=40,
)


@given(_pi1_rows, st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_pi1_equals_the_rule_read_by_hand(rows, rnd):
    # Rows in any order: the years and outturns still come out in year order.
    rnd.shuffle(rows)
    got = _pi1(rows)
    want = _pi1_by_hand(rows)
    assert set(got) == set(want)
    for agency, (grade, years, values) in want.items():
        assert got[agency][PEFA_GRADE] == grade
        assert got[agency][PEFA_YEARS] == years
        assert got[agency][PEFA_VALUES] == pytest.approx(values)


# --------------------------------------------------------------------------- PEFA PI-2.1


def _pi21(rows: list[tuple[str, int, str, float | None, float | None]]) -> dict[str, dict]:
    df = pl.DataFrame(
        rows,
        schema={
            "agency": pl.Utf8,
            "year": pl.Int32,
            "label": pl.Utf8,
            "budget_yuan": pl.Float64,
            "spent_yuan": pl.Float64,
        },
        orient="row",
    )
    return {r["agency"]: r for r in pefa_pi2_1(df).to_dicts()}


def _year(agency: str, year: int, budgets: tuple[float, ...], actuals: tuple[float, ...]):
    return [(agency, year, f"line{i}", b, a) for i, (b, a) in enumerate(zip(budgets, actuals))]


def test_pi21_variance_hand_computed():
    rows = (
        # 2019: b = (50, 30, 20), B = 100; a = (45, 36, 19), A = 100
        #   Σ|a − b·A/B| = 5 + 6 + 1 = 12 -> 12 / 100 = 0.12
        _year("x", 2019, (50, 30, 20), (45, 36, 19))
        # 2020: b = (60, 40), B = 100; a = (54, 36), A = 90: b·A/B = (54, 36) -> 0
        #   (spending less overall does not count as a change of composition)
        + _year("x", 2020, (60, 40), (54, 36))
        # 2021: b = (60, 40), a = (60, 30), A = 90: b·A/B = (54, 36)
        #   |60 − 54| + |30 − 36| = 12 -> 12 / 90 = 0.1333…
        + _year("x", 2021, (60, 40), (60, 30))
    )
    out = _pi21(rows)["x"]
    assert out[PEFA_VALUES] == pytest.approx([0.12, 0.0, 12 / 90])
    # below 5 %: one year; below 10 %: one year; below 15 %: three years -> C
    assert out[PEFA_GRADE] == "C" and out[PEFA_STATUS] == "ok"


def test_pi21_grades_two_of_three():
    rows = (
        # variances 0.04, 0.00, 0.20 -> two years below 5 % -> A
        _year("A", 2019, (50, 50), (52, 48))  # (2 + 2) / 100 = 0.04
        + _year("A", 2020, (50, 50), (50, 50))  # 0
        + _year("A", 2021, (50, 50), (60, 40))  # (10 + 10) / 100 = 0.20
        # exactly 5 % is not "less than 5 %": 0.05, 0.05, 0.02 -> one A year, three B -> B
        + _year("B", 2019, (50, 50), (52.5, 47.5))  # (2.5 + 2.5) / 100 = 0.05
        + _year("B", 2020, (50, 50), (47.5, 52.5))  # 0.05
        + _year("B", 2021, (50, 50), (51, 49))  # 0.02
        # 0.20, 0.30, 0.16 -> none below 15 % -> D
        + _year("D", 2019, (50, 50), (60, 40))
        + _year("D", 2020, (50, 50), (65, 35))
        + _year("D", 2021, (50, 50), (58, 42))
    )
    out = _pi21(rows)
    assert {a: r[PEFA_GRADE] for a, r in out.items()} == {"A": "A", "B": "B", "D": "D"}
    assert out["B"][PEFA_VALUES] == pytest.approx([0.05, 0.05, 0.02])


def test_pi21_a_year_with_one_line_does_not_count():
    # 2020 has a single line with both figures (the other lacks an actual): no composition
    rows = (
        _year("x", 2019, (50, 50), (50, 50))
        + [("x", 2020, "line0", 50.0, 50.0), ("x", 2020, "line1", 50.0, None)]
        + _year("x", 2021, (50, 50), (50, 50))
    )
    out = _pi21(rows)["x"]
    assert out[PEFA_GRADE] is None and out[PEFA_STATUS] == "insufficient_data"
    assert "lines" in out[PEFA_REASON] and "missing 2020" in out[PEFA_REASON]


def test_pi21_two_years_only_is_insufficient():
    rows = _year("x", 2020, (50, 50), (50, 50)) + _year("x", 2021, (50, 50), (50, 50))
    out = _pi21(rows)["x"]
    assert out[PEFA_GRADE] is None and "has 2" in out[PEFA_REASON]
