"""What each section of a report notebook shows, as small polars frames.

The notebooks (agency_report, cross_year, portfolio) call one function a section and
hand the result to :mod:`fiscal_eval.charts`; all selection and arithmetic lives here,
where it is tested, not in notebook cells. Synthetic reports are compared only with
synthetic ones, and every view that can show synthetic data says so
(:func:`synthetic_note`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fiscal_eval.frames import Tables
from fiscal_eval.metrics import Metrics, compute

__all__ = [
    "Corpus", "open_corpus", "corpus_of", "default_agency_year", "synthetic_note",
    "agency_facts", "funds_flow", "execution_rates", "indicator_points", "flags_with_sentences",
    "text_quality", "problems_and_measures", "peers", "series", "pefa", "flags_over_time",
    "recurring", "portfolio_reports", "grade_distribution", "execution_vs_score", "rankings",
    "flags_by_type", "template_share_table", "latest_year", "resolve_agency_year", "resolve_year",
]

SYNTHETIC_NOTE = "合成数据 SYNTHETIC：以下数据由 fiscal_eval 合成生成，仅供演示与教学，不是任何真实机构的数据。"


@dataclass(frozen=True)
class Corpus:
    """A corpus's tables and every metric over them."""

    tables: Tables
    metrics: Metrics


def corpus_of(tables: Tables) -> Corpus:
    """Tables (from :func:`fiscal_eval.tables` or a store) with their metrics computed."""
    return Corpus(tables, compute(tables))


def open_corpus(store: str | Path) -> Corpus:
    """Load a store and compute its metrics (the first call of every report notebook)."""
    from fiscal_eval.store import load

    return corpus_of(load(store))


def _ok(c: Corpus) -> pl.DataFrame:
    return c.tables.reports.filter(pl.col("status") != "failed", pl.col("agency").is_not_null(),
                                   pl.col("year").is_not_null())


def latest_year(c: Corpus) -> int:
    """The latest fiscal year the corpus has."""
    return int(_ok(c)["year"].max())


def default_agency_year(c: Corpus) -> tuple[str, int]:
    """The first agency (real before synthetic, then by name) and its latest year."""
    row = (_ok(c).sort("synthetic", "agency", pl.col("year"), descending=[False, False, True])
           .select("agency", "year").row(0))
    return row[0], int(row[1])


def resolve_agency_year(c: Corpus, agency: str = "", year: int = 0) -> tuple[str, int]:
    """A notebook's parameters made concrete: "" = the first agency, 0 = its latest year."""
    if not agency:
        return default_agency_year(c)
    years = _ok(c).filter(pl.col("agency") == agency)["year"]
    if years.len() == 0:
        from fiscal_eval.errors import FiscalEvalError

        raise FiscalEvalError(f"no report of {agency!r} in this store")
    return agency, int(year or years.max())


def resolve_year(c: Corpus, year: int = 0) -> int:
    """0 = the corpus's latest year."""
    return int(year or latest_year(c))


def _report(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    rows = _ok(c).filter(pl.col("agency") == agency, pl.col("year") == year)
    if rows.height == 0:
        from fiscal_eval.errors import FiscalEvalError

        raise FiscalEvalError(f"no report of {agency!r} for {year} in this store")
    return rows


def synthetic_note(c: Corpus, agency: str | None = None, year: int | None = None) -> str | None:
    """The synthetic-data warning when the selection holds synthetic reports, else None."""
    rows = _ok(c)
    if agency is not None:
        rows = rows.filter(pl.col("agency") == agency)
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    return SYNTHETIC_NOTE if rows["synthetic"].any() else None


# ----------------------------------------------------------------------------- agency-year


def agency_facts(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The report's key figures, one row each (项目 / value), amounts in 万元."""
    ids = _report(c, agency, year)["report_id"]
    r = c.metrics.per_report.filter(pl.col("report_id").is_in(ids.implode())).row(0, named=True)

    def wan(x: float | None) -> float | None:
        return None if x is None else round(x / 10_000, 2)

    def pct(x: float | None) -> str | None:
        return None if x is None else f"{x:.2%}"

    items = [
        ("单位 agency", r["agency"]), ("年度 fiscal year", str(r["year"])), ("类型 kind", r["kind"]),
        ("预算 budget（万元）", wan(r["budget_yuan"])), ("到位 available（万元）", wan(r["available_yuan"])),
        ("支出 spent（万元）", wan(r["spent_yuan"])),
        ("到位率 arrival rate", pct(r["arrival_rate"])),
        ("执行率（支出÷预算）spent/budget", pct(r["execution_rate_budget"])),
        ("预算执行率（支出÷到位）spent/available", pct(r["execution_rate_available"])),
        ("报告所述执行率 stated rate", pct(r["execution_rate_reported"])),
        ("财政部执行率得分 MoF points (of 10)",
         None if r["mof_execution_points"] is None else round(r["mof_execution_points"], 2)),
        ("自评得分 self-score", r["score"]), ("自评等级 grade", r["grade"]),
        ("等级与得分相符 grade consistent", None if r["grade_ok"] is None else ("是" if r["grade_ok"] else "否")),
        ("审核发现 flags", r["flag_count"]),
    ]
    return pl.DataFrame({"项目": [k for k, _ in items], "数值": [None if v is None else str(v) for _, v in items]})


def funds_flow(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """预算 → 到位 → 支出 in 万元 (stages the report states)."""
    r = _report(c, agency, year).row(0, named=True)
    stages = [("预算 budget", r["budget_yuan"]), ("到位 available", r["available_yuan"]),
              ("支出 spent", r["spent_yuan"])]
    return pl.DataFrame({"stage": [s for s, v in stages if v is not None],
                         "amount_wan": [v / 10_000 for _, v in stages if v is not None]})


def execution_rates(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The execution rates of the report, recomputed both ways and as stated."""
    ids = _report(c, agency, year)["report_id"]
    r = c.metrics.per_report.filter(pl.col("report_id").is_in(ids.implode())).row(0, named=True)
    rows = [("支出÷预算 spent/budget", r["execution_rate_budget"]),
            ("支出÷到位 spent/available", r["execution_rate_available"]),
            ("报告所述 stated", r["execution_rate_reported"])]
    return pl.DataFrame({"measure": [m for m, v in rows if v is not None],
                         "rate": [v for _, v in rows if v is not None]})


def indicator_points(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Scored indicators with their max (level1, indicator, max_points, points)."""
    ids = _report(c, agency, year)["report_id"]
    return (
        c.tables.indicators.filter(pl.col("report_id").is_in(ids.implode()))
        .with_columns(pl.coalesce("level3", "level2", "level1").alias("indicator"))
        .select("level1", "indicator", "max_points", "points")
    )


def flags_with_sentences(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The audit's flags with the figure and the sentence each came from."""
    ids = _report(c, agency, year)["report_id"]
    return (
        c.tables.flags.filter(pl.col("report_id").is_in(ids.implode()))
        .select("severity", "code", "message", "figure", "sentence")
    )


def text_quality(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Template share, specificity and empty sections of the report."""
    ids = _report(c, agency, year)["report_id"]
    cols = [x for x in ("template_share", "specificity", "no_problems", "no_improvements")
            if x in c.metrics.per_report.columns]
    return c.metrics.per_report.filter(pl.col("report_id").is_in(ids.implode())).select(cols)


def problems_and_measures(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Problems found and improvements planned, as the report states them."""
    ids = _report(c, agency, year)["report_id"]
    return (
        c.tables.statements.filter(pl.col("report_id").is_in(ids.implode()))
        .sort("section", "position", descending=[True, False])
        .select(pl.col("section").replace({"problems": "问题 problem", "improvements": "措施 measure"}),
                "text")
    )


def peers(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Same year, same region, same kind of data (real or synthetic): score and execution."""
    me = _report(c, agency, year).row(0, named=True)
    return (
        c.metrics.per_report.filter(
            pl.col("year") == year, pl.col("status") != "failed", pl.col("synthetic") == me["synthetic"],
            pl.col("region") == me["region"] if me["region"] else pl.lit(True),
        )
        .select("agency", "score", pl.col("execution_rate_available").alias("execution_rate"), "grade",
                (pl.col("agency") == agency).alias("is_self"))
        .sort("score", descending=True, nulls_last=True)
    )


# ----------------------------------------------------------------------------- cross-year


def series(c: Corpus, agency: str) -> pl.DataFrame:
    """The agency's years: budget and spent (万元), execution rate, score, grade, flags."""
    return (
        c.metrics.per_report.filter(pl.col("agency") == agency, pl.col("status") != "failed")
        .sort("year")
        .select("year", (pl.col("budget_yuan") / 10_000).alias("budget_wan"),
                (pl.col("spent_yuan") / 10_000).alias("spent_wan"),
                pl.col("execution_rate_budget").alias("execution_rate"), "score", "grade", "flag_count")
    )


def pefa(c: Corpus, agency: str) -> pl.DataFrame:
    """PEFA PI-1 and PI-2.1 for the agency: grade, or why it cannot be graded."""
    frames = [m.filter(pl.col("agency") == agency) for m in (c.metrics.pefa_pi1, c.metrics.pefa_pi2_1)]
    return pl.concat(frames).select("pefa_indicator", "pefa_grade", "pefa_status", "pefa_reason")


def flags_over_time(c: Corpus, agency: str) -> pl.DataFrame:
    """Flags per year and code."""
    reports = c.tables.reports.filter(pl.col("agency") == agency).select("report_id", "year")
    return (c.tables.flags.join(reports, on="report_id").group_by("year", "code")
            .agg(pl.len().alias("flags")).sort("year", "code"))


def recurring(c: Corpus, agency: str) -> pl.DataFrame:
    """Problems the agency states again in other years."""
    return c.metrics.recurring_problems.filter(pl.col("agency") == agency)


# ----------------------------------------------------------------------------- portfolio


def portfolio_reports(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Per-report metrics of a year (and region, if given)."""
    rows = c.metrics.per_report.filter(pl.col("year") == year, pl.col("status") != "failed")
    return rows.filter(pl.col("region") == region) if region else rows


def grade_distribution(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Reports per grade, most frequent first (grade inflation: how many say 优)."""
    return (portfolio_reports(c, year, region).filter(pl.col("grade").is_not_null())
            .group_by("grade").agg(pl.len().alias("reports")).sort("reports", "grade", descending=[True, False]))


def execution_vs_score(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Execution rate (spent ÷ budget) against self-score, one row per report."""
    return (portfolio_reports(c, year, region)
            .select("agency", pl.col("execution_rate_budget").alias("execution_rate"), "score", "grade", "synthetic")
            .drop_nulls(["execution_rate", "score"]))


def rankings(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Agencies by self-score, with execution rate and flag count beside it."""
    return (portfolio_reports(c, year, region)
            .select("agency", "region", "score", "grade",
                    pl.col("execution_rate_budget").alias("execution_rate"), "flag_count", "synthetic")
            .sort("score", descending=True, nulls_last=True))


def flags_by_type(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Flags of the year by code and severity."""
    ids = portfolio_reports(c, year, region)["report_id"]
    return (c.tables.flags.filter(pl.col("report_id").is_in(ids.implode()))
            .group_by("code", "severity").agg(pl.len().alias("flags")).sort("flags", descending=True))


def template_share_table(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Template share per report of the year, highest first."""
    return (portfolio_reports(c, year, region).select("agency", "template_share")
            .drop_nulls().sort("template_share", descending=True))
