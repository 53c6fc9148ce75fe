"""Budget execution: arrival and execution rates, balance, MoF points, PEFA PI-1 and PI-2.1.

Every function takes a polars DataFrame and returns a new one; inputs are never mutated.
Amounts are float yuan and rates fractions (DESIGN §3). A ratio whose denominator is null,
zero or NaN is null — never ``inf`` — so a missing figure stays visibly missing.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from fiscal_eval.model import FUND_LINE_COLUMNS, REPORT_COLUMNS

__all__ = [
    "ARRIVAL_RATE",
    "EXECUTION_RATE_BUDGET",
    "EXECUTION_RATE_AVAILABLE",
    "BALANCE_COMPUTED",
    "MOF_EXECUTION_POINTS",
    "MOF_RATE_BASIS",
    "EXECUTION_COLUMNS",
    "PEFA_INDICATOR",
    "PEFA_LAST_YEAR",
    "PEFA_YEARS",
    "PEFA_VALUES",
    "PEFA_GRADE",
    "PEFA_STATUS",
    "PEFA_REASON",
    "PEFA_COLUMNS",
    "PI2_1_INPUT_COLUMNS",
    "schema_names",
    "ratio",
    "execution_rate_budget",
    "execution_metrics",
    "pefa_pi1",
    "pefa_pi2_1",
]


def schema_names(schema: Mapping[str, str]) -> Any:
    """The column names of a model.py schema as attributes: ``R.budget_yuan == "budget_yuan"``.

    Metrics refer to columns through this, so renaming a column in model.py breaks here
    loudly (AttributeError at import) instead of selecting a column that no longer exists.

    >>> schema_names({"report_id": "Utf8"}).report_id
    'report_id'
    """
    return namedtuple("Columns", list(schema))(*schema)


R = schema_names(REPORT_COLUMNS)
F = schema_names(FUND_LINE_COLUMNS)

# --------------------------------------------------------------------------- output columns

ARRIVAL_RATE = "arrival_rate"
EXECUTION_RATE_BUDGET = "execution_rate_budget"
EXECUTION_RATE_AVAILABLE = "execution_rate_available"
# NOTE: not REPORT_COLUMNS' balance_yuan: that is the balance a report *states*; this is
# the one recomputed from its amounts, and both must survive a join for the audit.
BALANCE_COMPUTED = "balance_computed_yuan"
MOF_EXECUTION_POINTS = "mof_execution_points"
MOF_RATE_BASIS = "mof_rate_basis"

EXECUTION_COLUMNS: dict[str, str] = {
    R.report_id: REPORT_COLUMNS[R.report_id],
    ARRIVAL_RATE: "Float64",
    EXECUTION_RATE_BUDGET: "Float64",
    EXECUTION_RATE_AVAILABLE: "Float64",
    BALANCE_COMPUTED: "Float64",
    MOF_EXECUTION_POINTS: "Float64",
    MOF_RATE_BASIS: "Utf8",  # "available" | "budget" | null (no rate computable)
}

PEFA_INDICATOR = "pefa_indicator"
PEFA_LAST_YEAR = "pefa_last_year"
PEFA_YEARS = "pefa_years"
PEFA_VALUES = "pefa_values"
PEFA_GRADE = "pefa_grade"
PEFA_STATUS = "pefa_status"
PEFA_REASON = "pefa_reason"

PEFA_COLUMNS: dict[str, str] = {
    R.agency: REPORT_COLUMNS[R.agency],
    PEFA_INDICATOR: "Utf8",  # "PI-1" | "PI-2.1"
    PEFA_LAST_YEAR: "Int32",  # the last year of the three-year window (null: no usable year)
    PEFA_YEARS: "List(Int32)",  # the window's years that have usable figures
    PEFA_VALUES: "List(Float64)",  # outturn (PI-1) or composition variance (PI-2.1), by year
    PEFA_GRADE: "Utf8",  # "A".."D", null unless status is "ok"
    PEFA_STATUS: "Utf8",  # "ok" | "insufficient_data"
    PEFA_REASON: "Utf8",  # why there is no grade, e.g. "needs 3 years …, has 2 (missing 2020)"
}

#: PI-2.1's input: one row per budget line and year. ``spent_yuan`` is the line's actual
#: expenditure (实际支出), the same name the reports table uses for the same concept.
PI2_1_INPUT_COLUMNS: dict[str, str] = {
    R.agency: REPORT_COLUMNS[R.agency],
    R.year: REPORT_COLUMNS[R.year],
    F.label: FUND_LINE_COLUMNS[F.label],
    R.budget_yuan: REPORT_COLUMNS[R.budget_yuan],
    R.spent_yuan: REPORT_COLUMNS[R.spent_yuan],
}

_STATUS_OK = "ok"
_STATUS_INSUFFICIENT = "insufficient_data"
_PEFA_YEARS_NEEDED = 3
_PEFA_YEARS_IN_BAND = 2  # "in at least two of the last three years"
# A band edge computed in floating point (105/100 - 1 = 0.05000000000000004) must count
# as on the edge, as the PEFA text means it.
_EPS = 1e-9


# --------------------------------------------------------------------------- rates


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """``numerator / denominator``, null where the denominator is null, zero or NaN.

    >>> pl.select(ratio(pl.lit(1.0), pl.lit(0.0))).item() is None
    True
    """
    return pl.when(denominator != 0).then(numerator / denominator).fill_nan(None)


def rate_budget(columns: Sequence[str]) -> pl.Expr:
    """The budget a rate divides by: the 自评表's 全年预算数, i.e. the budget as adjusted
    (``budget_adjusted_yuan``) where the report states one beside its year-start budget,
    else ``budget_yuan`` (a table without the adjusted column: ``budget_yuan``) — over a
    table what :func:`fiscal_eval.model.rate_budget_field` picks for one report.

    >>> df = pl.DataFrame({"budget_yuan": [4.0, 4.0], "budget_adjusted_yuan": [5.0, None]})
    >>> df.select(rate_budget(df.columns))["budget_yuan"].to_list()
    [5.0, 4.0]
    """
    if R.budget_adjusted_yuan not in columns:
        return pl.col(R.budget_yuan)
    return pl.coalesce(pl.col(R.budget_adjusted_yuan), pl.col(R.budget_yuan)).alias(R.budget_yuan)


def execution_rate_budget(columns: Sequence[str] = ()) -> pl.Expr:
    """The 自评表's 执行率 = 全年执行数 ÷ 全年预算数 (spent / budget, the adjusted budget
    where stated: :func:`rate_budget` over the table's ``columns``), named apart.

    >>> pl.DataFrame({"budget_yuan": [4.0], "spent_yuan": [3.0]}).select(
    ...     execution_rate_budget()).item()
    0.75
    """
    return ratio(pl.col(R.spent_yuan), rate_budget(columns)).alias(EXECUTION_RATE_BUDGET)


def execution_metrics(reports: pl.DataFrame) -> pl.DataFrame:
    """Arrival rate, both execution rates, balance and MoF execution points per report.

    Rules (DESIGN §5):

    * ``arrival_rate`` 到位率 = available ÷ budget;
    * ``execution_rate_budget`` = spent ÷ budget, the 自评表's 执行率 (全年执行数 ÷ 全年预算数);
    * where a report states its budget as adjusted beside its year-start one
      (``budget_adjusted_yuan``), "budget" in these rates is the adjusted one, the
      全年预算数 the 自评表 divides by (:func:`rate_budget`);
    * ``execution_rate_available`` = spent ÷ available, 财预〔2020〕10号 附件1's 预算执行率
      (实际支出 ÷ 实际到位);
    * ``balance_computed_yuan`` 结余 = available − spent;
    * ``mof_execution_points`` = 10 × min(rate, 1), 财预〔2020〕10号 (预算执行率 weight 10),
      with rate = spent ÷ available when the report states ``available_yuan``, else
      spent ÷ budget; ``mof_rate_basis`` says which ("available" / "budget"). A negative
      rate (a data error) earns 0 points, so points always lie in [0, 10].

    A null or zero denominator gives null, never ``inf``.

    Parameters
    ----------
    reports : pl.DataFrame
        The reports table; uses ``report_id``, ``budget_yuan``, ``available_yuan``,
        ``spent_yuan`` and, when it has it, ``budget_adjusted_yuan``. Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per input row, in input order, with :data:`EXECUTION_COLUMNS`.

    Examples
    --------
    >>> df = pl.DataFrame({"report_id": ["000"], "budget_yuan": [710000.0],
    ...                    "available_yuan": [710000.0], "spent_yuan": [600651.81]})
    >>> row = execution_metrics(df).row(0, named=True)
    >>> round(row["execution_rate_available"], 6), round(row["mof_execution_points"], 4)
    (0.845988, 8.4599)
    >>> row["mof_rate_basis"], round(row["balance_computed_yuan"], 2)
    ('available', 109348.19)
    """
    budget, available, spent = rate_budget(reports.columns), pl.col(R.available_yuan), pl.col(R.spent_yuan)
    by_available = ratio(spent, available)
    by_budget = ratio(spent, budget)
    # 财预〔2020〕10号 scores 实际支出 ÷ 实际到位; a report that states no arrival figure
    # is scored on its budget instead, and says so in MOF_RATE_BASIS.
    use_available = available.is_not_null()
    mof_rate = pl.when(use_available).then(by_available).otherwise(by_budget)
    basis = (
        pl.when(use_available & by_available.is_not_null())
        .then(pl.lit("available"))
        .when(~use_available & by_budget.is_not_null())
        .then(pl.lit("budget"))
    )
    return reports.select(
        pl.col(R.report_id),
        ratio(available, budget).alias(ARRIVAL_RATE),
        by_budget.alias(EXECUTION_RATE_BUDGET),
        by_available.alias(EXECUTION_RATE_AVAILABLE),
        (available - spent).fill_nan(None).alias(BALANCE_COMPUTED),
        (10.0 * mof_rate.clip(0.0, 1.0)).alias(MOF_EXECUTION_POINTS),
        basis.alias(MOF_RATE_BASIS),
    )


# --------------------------------------------------------------------------- PEFA 2016

_YEAR_VALUE = "_value"
_BANDS: tuple[tuple[str, float], ...] = (("A", 0.05), ("B", 0.10), ("C", 0.15))


_AGENCY_CODE = "_agency_code"


def _two_of_three(
    per_year: pl.LazyFrame,
    agencies: pl.LazyFrame,
    *,
    indicator: str,
    in_band: Callable[[pl.Expr, float], pl.Expr],
    requirement: str,
) -> pl.DataFrame:
    """PEFA's "in at least two of the last three years" rule over ``[agency, year, _value]``."""
    year, value, last_year = pl.col(R.year), pl.col(_YEAR_VALUE), pl.col(PEFA_LAST_YEAR)
    # Agencies as integer codes (their order of appearance) for the window, group and
    # join below: hashing a million agency names once instead of three times is about a
    # third of PI-1's time over a million reports.
    agencies = agencies.with_row_index(_AGENCY_CODE)
    coded = per_year.join(agencies, on=R.agency).drop(R.agency)
    # The window is the three years ending at the agency's last usable year: PEFA scores
    # the last three completed years, so a gap inside the window is a missing year, not
    # a reason to reach further back.
    # Sorted by agency and year before grouping: a group keeps its rows' order (documented
    # for DataFrame.group_by; LazyFrame's docs do not repeat it, and
    # test_pi1_equals_the_rule_read_by_hand fails should it ever stop holding), so years
    # and values come out in year order without a sort per agency, which over a million
    # reports took half of PI-1's time.
    window = (
        coded.with_columns(year.max().over(_AGENCY_CODE).cast(pl.Int32).alias(PEFA_LAST_YEAR))
        .filter(year > last_year - _PEFA_YEARS_NEEDED)
        .sort(_AGENCY_CODE, R.year)
        .group_by(_AGENCY_CODE)
        .agg(
            last_year.first(),
            year.cast(pl.Int32).alias(PEFA_YEARS),
            value.alias(PEFA_VALUES),
            *(in_band(value, limit).sum().alias(f"_n_{grade}") for grade, limit in _BANDS),
        )
    )
    n_years = pl.col(PEFA_YEARS).list.len().fill_null(0)
    grade = pl.when(n_years < _PEFA_YEARS_NEEDED).then(pl.lit(None, dtype=pl.Utf8))
    for band, _ in _BANDS:
        grade = grade.when(pl.col(f"_n_{band}") >= _PEFA_YEARS_IN_BAND).then(pl.lit(band))
    grade = grade.otherwise(pl.lit("D"))
    missing = (
        pl.int_ranges(last_year - _PEFA_YEARS_NEEDED + 1, last_year + 1, dtype=pl.Int32)
        .list.set_difference(pl.col(PEFA_YEARS))
        .cast(pl.List(pl.Utf8))
        .list.join(", ")
    )
    reason = (
        pl.when(n_years >= _PEFA_YEARS_NEEDED)
        .then(pl.lit(None, dtype=pl.Utf8))
        .when(last_year.is_null())
        .then(pl.lit(f"needs {_PEFA_YEARS_NEEDED} years {requirement}, has 0"))
        .otherwise(
            pl.format(
                f"needs {_PEFA_YEARS_NEEDED} years {requirement} ({{}}–{{}}), has {{}} (missing {{}})",
                last_year - _PEFA_YEARS_NEEDED + 1,
                last_year,
                n_years,
                missing,
            )
        )
    )
    joined = agencies.join(window, on=_AGENCY_CODE, how="left", maintain_order="left")
    columns = [
        pl.col(_AGENCY_CODE),
        pl.col(R.agency),
        pl.lit(indicator).alias(PEFA_INDICATOR),
        last_year,
        pl.col(PEFA_YEARS).fill_null(pl.lit([], dtype=pl.List(pl.Int32))),
        pl.col(PEFA_VALUES).fill_null(pl.lit([], dtype=pl.List(pl.Float64))),
        grade.alias(PEFA_GRADE),
        pl.when(n_years >= _PEFA_YEARS_NEEDED)
        .then(pl.lit(_STATUS_OK))
        .otherwise(pl.lit(_STATUS_INSUFFICIENT))
        .alias(PEFA_STATUS),
    ]
    # NOTE: the reason (list arithmetic and string formatting) is built only for the
    # agencies that lack years; over a million rows it is most of the cost otherwise.
    graded = joined.filter(n_years >= _PEFA_YEARS_NEEDED).select(
        *columns, pl.lit(None, dtype=pl.Utf8).alias(PEFA_REASON))
    short = joined.filter(n_years < _PEFA_YEARS_NEEDED).select(*columns, reason.alias(PEFA_REASON))
    return pl.concat([graded, short]).sort(_AGENCY_CODE).drop(_AGENCY_CODE).collect()


def _agencies(df: pl.DataFrame) -> pl.LazyFrame:
    """Every agency of the input, so one without a usable year still gets a row."""
    return df.lazy().select(pl.col(R.agency)).unique(maintain_order=True).drop_nulls()


def pefa_pi1(df: pl.DataFrame) -> pl.DataFrame:
    """PEFA 2016 PI-1, aggregate expenditure outturn, scored per agency.

    Rule (PEFA 2016 Framework, PI-1 Aggregate expenditure outturn): outturn = actual ÷
    originally approved budget per year (``budget_yuan``: the year-start budget where a
    report states it beside the adjusted one, not ``budget_adjusted_yuan``); score **A**
    if outturn is between 95 % and 105 % in at least two of the last three years, **B**
    between 90 % and 110 %, **C** between 85 % and 115 %, otherwise **D**. Band edges
    count as inside (95 % earns A).

    The last three years are the three years ending at the agency's last year with both
    figures. Several rows of one agency-year are summed (rows lacking either figure are
    left out); a year whose budget is zero has no outturn. With fewer than three usable
    years in the window there is no grade: ``pefa_grade`` is null, ``pefa_status`` is
    ``"insufficient_data"`` and ``pefa_reason`` says what is missing.

    Parameters
    ----------
    df : pl.DataFrame
        Columns ``agency``, ``year``, ``budget_yuan``, ``spent_yuan`` (e.g. the
        department-wide rows of the reports table). Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per agency with :data:`PEFA_COLUMNS`; ``pefa_values`` are the outturns.

    Examples
    --------
    >>> df = pl.DataFrame({"agency": ["a"] * 3, "year": [2019, 2020, 2021],
    ...                    "budget_yuan": [100.0] * 3, "spent_yuan": [96.0, 88.0, 104.0]})
    >>> pefa_pi1(df).select("pefa_grade", "pefa_status").row(0)
    ('A', 'ok')
    """
    both = pl.col(R.budget_yuan).is_not_null() & pl.col(R.spent_yuan).is_not_null()
    per_year = (
        df.lazy()
        .filter(both & pl.col(R.agency).is_not_null() & pl.col(R.year).is_not_null())
        .group_by(R.agency, R.year)
        .agg(ratio(pl.col(R.spent_yuan).sum(), pl.col(R.budget_yuan).sum()).alias(_YEAR_VALUE))
        .drop_nulls(_YEAR_VALUE)
    )
    return _two_of_three(
        per_year,
        _agencies(df),
        indicator="PI-1",
        # NOTE: |outturn − 1| ≤ 5 % is "between 95 % and 105 %", edges included.
        in_band=lambda outturn, limit: (outturn - 1.0).abs() <= limit + _EPS,
        requirement="with budget and spent",
    )


_MIN_LINES = 2  # one line has no composition: its variance is 0 by construction


def pefa_pi2_1(fund_lines_with_year: pl.DataFrame) -> pl.DataFrame:
    """PEFA 2016 PI-2.1, expenditure composition outturn by line, scored per agency.

    Rule (PEFA 2016 Framework, PI-2.1 Expenditure composition outturn by function /
    administrative classification): for each year, over the lines stating both a budget
    b_i and an actual a_i, with A = Σ a_i and B = Σ b_i, the composition variance is
    Σ_i |a_i − b_i·A/B| ÷ A (the budget re-scaled to the actual total, so only the mix
    counts, not the level). Score **A** if the variance is below 5 % in at least two of the
    last three years, **B** below 10 %, **C** below 15 %, otherwise **D** (strictly below:
    exactly 5 % earns B).

    A year counts when at least two lines state both figures and both totals are
    positive; the window is the three years ending at the agency's last such year. With
    fewer than three there is no grade, only ``pefa_status`` ``"insufficient_data"`` and a
    ``pefa_reason``.

    Parameters
    ----------
    fund_lines_with_year : pl.DataFrame
        One row per budget line and year, :data:`PI2_1_INPUT_COLUMNS`: ``agency``,
        ``year``, ``label``, ``budget_yuan`` (the line's budget), ``spent_yuan`` (its
        actual expenditure). Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per agency with :data:`PEFA_COLUMNS`; ``pefa_values`` are the variances.

    Examples
    --------
    >>> df = pl.DataFrame({"agency": ["a"] * 6, "year": [2019, 2019, 2020, 2020, 2021, 2021],
    ...                    "label": ["x", "y"] * 3, "budget_yuan": [50.0, 50.0] * 3,
    ...                    "spent_yuan": [52.0, 48.0, 50.0, 50.0, 60.0, 40.0]})
    >>> pefa_pi2_1(df).select("pefa_grade", "pefa_values").row(0)
    ('A', [0.04, 0.0, 0.2])
    """
    line = fund_lines_with_year.lazy().filter(
        pl.col(R.budget_yuan).is_not_null()
        & pl.col(R.spent_yuan).is_not_null()
        & pl.col(R.agency).is_not_null()
        & pl.col(R.year).is_not_null()
    )
    key = (R.agency, R.year)
    actual_total = pl.col(R.spent_yuan).sum().over(key)
    budget_total = pl.col(R.budget_yuan).sum().over(key)
    deviation = (pl.col(R.spent_yuan) - pl.col(R.budget_yuan) * actual_total / budget_total).abs()
    per_year = (
        line.with_columns(
            deviation.alias("_deviation"),
            actual_total.alias("_actual_total"),
            budget_total.alias("_budget_total"),
        )
        .group_by(key)
        .agg(
            pl.len().alias("_lines"),
            pl.col("_actual_total").first(),
            pl.col("_budget_total").first(),
            pl.col("_deviation").sum(),
        )
        .filter(
            (pl.col("_lines") >= _MIN_LINES)
            & (pl.col("_actual_total") > 0)
            & (pl.col("_budget_total") > 0)
        )
        .select(*key, (pl.col("_deviation") / pl.col("_actual_total")).alias(_YEAR_VALUE))
    )
    return _two_of_three(
        per_year,
        _agencies(fund_lines_with_year),
        indicator="PI-2.1",
        # NOTE: PEFA says "less than 5 %": exactly 5 % is outside the A band.
        in_band=lambda variance, limit: variance < limit - _EPS,
        requirement=f"with ≥ {_MIN_LINES} lines stating budget and spent",
    )
