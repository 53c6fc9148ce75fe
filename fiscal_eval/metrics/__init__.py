"""Metrics and audit: the judgement stage.

:func:`compute` takes the parsed tables (:class:`fiscal_eval.store.frames.Tables`, eager or
lazy) and returns every metric table at once; each metric lives in its own module
(execution, grading, text, trends) and cites the rule it implements.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from fiscal_eval.metrics.execution import execution_metrics, pefa_pi1, pefa_pi2_1
from fiscal_eval.metrics.grading import grade_metrics
from fiscal_eval.metrics.text import (
    FIGURE_SENTENCES,
    SENTENCES,
    SPECIFICITY,
    TEMPLATE_SENTENCES,
    TEMPLATE_SHARE,
    TemplateState,
    empty_sections,
    recurring_problems,
    sentence_features,
    template_share_of,
)
from fiscal_eval.metrics.trends import _with_synthetic, ranks, yoy

__all__ = ["Metrics", "Previous", "compute", "from_parts", "metric_tables", "flag_counts", "per_report"]


@dataclass(frozen=True)
class Metrics:
    """Every metric table of a corpus (polars DataFrames).

    ``per_report`` joins the per-report metrics into one wide row per report, the table
    most notebooks start from; the others keep their own grain.
    """

    per_report: pl.DataFrame
    execution: pl.DataFrame
    grades: pl.DataFrame
    template_share: pl.DataFrame
    specificity: pl.DataFrame
    empty_sections: pl.DataFrame
    recurring_problems: pl.DataFrame
    yoy: pl.DataFrame
    ranks: pl.DataFrame
    pefa_pi1: pl.DataFrame
    pefa_pi2_1: pl.DataFrame
    flag_counts: pl.DataFrame  # see :func:`flag_counts`

    def to_pandas(self) -> dict[str, Any]:
        """The same tables as pandas DataFrames, by name."""
        return {name: getattr(self, name).to_pandas() for name in self.__dataclass_fields__}


def _eager(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return frame.collect() if isinstance(frame, pl.LazyFrame) else frame


def _pi2_input(reports: pl.DataFrame, fund_lines: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Per agency, year and line: the line's budget and actual, from form tables that
    state both per line (FundLine.measure)."""
    amount, measure = pl.col("amount_yuan"), pl.col("measure")
    # One group_by with a filtered sum a measure, not a pivot: 3-4x faster on millions of
    # lines. A line keeps its year only when both measures are stated for it.
    return (
        fund_lines.lazy()
        .filter(pl.col("role") == "line_item", measure.is_in(["budget", "spent"]))
        .group_by("report_id", "label")
        .agg(
            amount.filter(measure == "budget").sum().alias("budget_yuan"),
            amount.filter(measure == "spent").sum().alias("spent_yuan"),
            (measure == "budget").any().alias("_has_budget"),
            (measure == "spent").any().alias("_has_spent"),
        )
        .filter(pl.col("_has_budget"), pl.col("_has_spent"))
        .join(reports.lazy().select("report_id", "agency", "year"), on="report_id")
        .select("agency", "year", "label", "budget_yuan", "spent_yuan")
        .drop_nulls()
        .collect()
    )


def _pi1_input(reports: pl.DataFrame) -> pl.DataFrame:
    """Per agency-year outturn rows: the department-wide report where there is one (it
    covers the agency's whole budget), else the agency's project reports summed by PI-1;
    never both, which would count the projects twice."""
    department = (pl.col("kind") == "department").fill_null(False)
    # The four columns (and kind) before filtering: a report row carries a score of others.
    return (
        reports.lazy()
        .select("agency", "year", "budget_yuan", "spent_yuan", "kind")
        .filter(department | ~department.any().over("agency", "year"))
        .drop("kind")
        .collect()
    )


def flag_counts(flags: pl.DataFrame) -> pl.DataFrame:
    """Flags counted by ``code`` and ``severity``: how many (``flags``) and in how many
    reports (``reports``).

    Rows are ordered most flags first, then by ``code``, then by ``severity`` (both
    alphabetically), so equal counts always come out in the same order (a ``group_by``
    alone returns its groups in an order that changes from run to run). Both
    ``Metrics.flag_counts`` and :func:`fiscal_eval.present.views.flags_by_type` are this function.

    >>> flag_counts(pl.DataFrame({"report_id": ["a", "a", "b", "b"],
    ...                           "code": ["sum_mismatch", "rate_mismatch", "rate_mismatch", "formula_error"],
    ...                           "severity": ["error"] * 4})).rows()
    [('rate_mismatch', 'error', 2, 2), ('formula_error', 'error', 1, 1), ('sum_mismatch', 'error', 1, 1)]
    """
    return (
        flags.group_by("code", "severity")
        .agg(pl.len().alias("flags"), pl.col("report_id").n_unique().alias("reports"))
        .sort(["flags", "code", "severity"], descending=[True, False, False], nulls_last=True)
    )


@dataclass(frozen=True)
class Previous:
    """The last generation's metrics, for a re-ingest: what of them still holds is kept,
    and only what the reports that came or went change is computed again.

    ``empty_sections`` is a function of one report's statements and
    ``recurring_problems`` of one agency's, so only the ``fresh`` reports (parsed this
    time) and the ``agencies`` whose reports came or went are computed again. With
    ``tables`` (the last generation's other metric tables, scanned: :data:`REUSED`) and
    ``gone`` (the report ids that left), so are the rest (:func:`metric_tables`): a
    yoy series and a PEFA row are one agency's, a rank group one year and region's, a
    specificity row one report's; ``per_report`` keeps its rows too when ``changed``
    names the kept reports whose template share changed (None: unknown, computed again)."""

    empty_sections: pl.DataFrame
    recurring_problems: pl.DataFrame
    fresh: pl.Series  # report ids
    agencies: pl.Series  # agency names (null: a report without one)
    gone: pl.Series | None = None  # report ids of the last generation that left
    tables: Mapping[str, pl.LazyFrame] | None = None  # REUSED, by name
    changed: pl.Series | None = None  # kept report ids whose template share changed


#: The last generation's tables a re-ingest keeps rows of (see :class:`Previous`).
REUSED: tuple[str, ...] = ("yoy", "ranks", "pefa_pi1", "pefa_pi2_1", "specificity", "per_report")


# Reports whose statement lists empty_sections reads at a time: the lists (a copy of the
# texts) and their normalised items are made a batch at a time, never for a corpus at once.
_STATEMENT_BATCH = 100_000


# Reports a part of ``per_report`` joins (see :func:`metric_tables`).
_PER_REPORT_BATCH = 100_000


def _statement_metrics(
    reports: pl.DataFrame, statements: pl.DataFrame | pl.LazyFrame, previous: Previous | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``empty_sections`` and ``recurring_problems`` (all again, or only what changed).
    ``statements`` may be a LazyFrame: read here, and let go before the problems are compared."""
    mine = reports
    if previous is not None:
        touched = pl.col("agency").is_in(previous.agencies.drop_nulls().implode())
        mine = reports.filter(pl.col("report_id").is_in(previous.fresh.implode()) | touched)
        # Filtered in the scan: only the report ids are read of the other reports' rows.
        statements = statements.filter(pl.col("report_id").is_in(mine["report_id"].implode()))
    statements = _eager(statements)
    problems = (statements.filter(pl.col("section") == "problems")
                .join(mine.select("report_id", "agency", "year"), on="report_id")
                .select("report_id", "agency", "year", pl.col("text").alias("problem")))
    fresh = mine if previous is None else mine.filter(pl.col("report_id").is_in(previous.fresh.implode()))
    ids = fresh.select("report_id")
    empties = pl.concat([empty_sections(_items(ids.slice(offset, _STATEMENT_BATCH), statements))
                         for offset in range(0, max(ids.height, 1), _STATEMENT_BATCH)])
    del statements, ids
    recurring = recurring_problems(problems)
    if previous is None:
        return empties, recurring
    others = previous.recurring_problems.filter(~pl.col("agency").is_in(previous.agencies.drop_nulls().implode()))
    if previous.gone is not None:
        # The kept rows in their order, then the fresh ones': no join over the corpus (a
        # store keeps rows in no order, and lays out the problems by agency after).
        kept = previous.empty_sections.filter(~pl.col("report_id").is_in(_left(previous).implode()))
        return pl.concat([kept, empties]), pl.concat([others, recurring])
    kept = previous.empty_sections.join(reports.select("report_id"), on="report_id", how="semi").filter(
        ~pl.col("report_id").is_in(previous.fresh.implode()))
    empties = reports.select("report_id").join(pl.concat([kept, empties]), on="report_id", how="left",
                                               maintain_order="left")
    return empties, pl.concat([others, recurring]).sort("agency", "problem")


def _items(ids: pl.DataFrame, statements: pl.DataFrame) -> pl.DataFrame:
    """The problems and improvements (lists) of the reports ``ids``, in that order."""
    theirs = statements.filter(pl.col("report_id").is_in(ids["report_id"].implode()))
    return ids.join(
        theirs.group_by("report_id").agg(
            pl.col("text").filter(pl.col("section") == "problems").alias("problems"),
            pl.col("text").filter(pl.col("section") == "improvements").alias("improvements"),
        ),
        on="report_id", how="left",
    ).with_columns(pl.col("problems").fill_null([]), pl.col("improvements").fill_null([]))


def compute(tables: Any) -> Metrics:
    """Every metric and flag count over a corpus, in one call.

    Parameters
    ----------
    tables : fiscal_eval.store.frames.Tables
        From :func:`fiscal_eval.tables` or :func:`fiscal_eval.load` (eager or lazy);
        not mutated.

    Examples
    --------
    >>> import fiscal_eval
    >>> m = fiscal_eval.metrics.compute(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
    >>> m.per_report.select("agency", "execution_rate_available").row(0)
    ('中共保山市委网信办', 0.8459884647887325)
    >>> m.flag_counts.filter(pl.col("code") == "rate_mismatch")["reports"].item()
    1
    """
    reports = _eager(tables.reports)
    texts = _eager(tables.texts) if getattr(tables, "texts", None) is not None else None
    docs = (texts.join(reports.select("report_id", "agency"), on="report_id")
            if texts is not None else pl.DataFrame(schema={"report_id": pl.Utf8, "agency": pl.Utf8, "text": pl.Utf8}))
    features, long = sentence_features(docs)
    return from_parts(reports, _eager(tables.statements), _eager(tables.flags), _eager(tables.fund_lines),
                      features, long)


def from_parts(
    reports: pl.DataFrame,
    statements: pl.DataFrame,
    flags: pl.DataFrame,
    fund_lines: pl.DataFrame,
    features: pl.DataFrame | pl.LazyFrame,
    long: pl.DataFrame,
    sig: np.ndarray | None = None,
    previous: Previous | None = None,
    *,
    shares: pl.DataFrame | None = None,
    state: list[TemplateState] | None = None,
) -> Metrics:
    """:func:`compute` from the tables and the texts' :func:`~fiscal_eval.metrics.text.sentence_features`
    (``features``: one row a report that has a text; ``long``: at least its long
    sentences, with ``sig`` their signatures when a store has them) — what an ingest
    calls with the features it kept, so that no text is read again; ``previous`` what of
    the last generation's metrics still holds (see :class:`Previous`). ``shares``: the
    template share table when the caller has it (a store's re-ingest updates the last
    one, :mod:`fiscal_eval.metrics.incremental`); ``long`` and ``sig`` are then not read.
    ``state``: when template share is computed here, its
    :class:`~fiscal_eval.metrics.text.TemplateState` is appended to it (a store keeps it).
    ``features`` may be a LazyFrame (a store's file, scanned): its hashes are then read
    a batch at a time."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for name, table in metric_tables(reports, statements, flags, fund_lines, features, long, sig, previous,
                                     shares=shares, state=state):
        parts.setdefault(name, []).append(table)
    return Metrics(**{name: pl.concat(tables) if len(tables) > 1 else tables[0] for name, tables in parts.items()})


def metric_tables(
    reports: pl.DataFrame | pl.LazyFrame,
    statements: pl.DataFrame | pl.LazyFrame,
    flags: pl.DataFrame | pl.LazyFrame,
    fund_lines: pl.DataFrame | pl.LazyFrame,
    features: pl.DataFrame | pl.LazyFrame,
    long: pl.DataFrame,
    sig: np.ndarray | None = None,
    previous: Previous | None = None,
    *,
    shares: pl.DataFrame | None = None,
    state: list[TemplateState] | None = None,
) -> Iterator[tuple[str, pl.DataFrame]]:
    """The tables of :func:`from_parts` (same arguments), ``(name, table)`` one at a time,
    each as soon as it is final; ``per_report`` comes in parts, a slice of the reports
    each (:data:`_PER_REPORT_BATCH`), in order. Every table but ``features`` may be a
    LazyFrame (a store's file, scanned), read when the tables that need it are made (the
    reports: only the columns each step reads, and a slice at a time for ``per_report``);
    each input is let go once those are made. A store writes each table and lets it go
    too, so a corpus's tables are never all held at once (about 1 GB at 1,000,000
    reports), as long as the caller keeps no reference to the inputs either. With
    ``previous.tables`` (a re-ingest, :class:`Previous`), the kept rows come first in
    each table that keeps them (``per_report``'s a slice at a time), then those computed
    again; ``features`` are then read for the fresh reports only (their counts)."""
    flags = _eager(flags)
    yield "flag_counts", flag_counts(flags)
    flags_per_report = flags.group_by("report_id").agg(pl.len().alias("flag_count"))
    del flags
    reuse = previous if previous is not None and previous.tables is not None else None
    ok = _eager(reports).filter(pl.col("status") != "failed")
    if reuse is None:
        yield "pefa_pi2_1", pefa_pi2_1(_pi2_input(ok, fund_lines))
        del fund_lines
        yield "yoy", yoy(ok)
        yield "ranks", ranks(ok)
        yield "pefa_pi1", pefa_pi1(_pi1_input(ok))
    else:
        yield from _reused_trends(ok, fund_lines, reuse)
        del fund_lines
    del ok
    empties, recurring = _statement_metrics(_eager(reports.select("report_id", "agency", "year")), statements,
                                            previous)
    del statements
    yield "recurring_problems", recurring
    del recurring
    # The per-report counts only: the hashes (most of the features) are read in batches;
    # on a re-ingest only the fresh reports' (the kept ones' specificity is kept).
    counts = features.select("report_id", SENTENCES, FIGURE_SENTENCES).lazy()
    only_fresh = reuse is not None and shares is not None
    if only_fresh:
        assert reuse is not None
        counts = counts.filter(pl.col("report_id").is_in(reuse.fresh.implode()))
    counts = counts.collect()
    docs = counts.select("report_id").join(_eager(reports.select("report_id", "agency")), on="report_id")
    if shares is None:
        shares = template_share_of(docs, features, long, sig, state=state)
    del features, long, sig
    spec = docs.select("report_id").join(
        counts, on="report_id", how="left", maintain_order="left"
    ).with_columns(
        pl.when(pl.col(SENTENCES) > 0).then(pl.col(FIGURE_SENTENCES) / pl.col(SENTENCES)).alias(SPECIFICITY)
    )
    del counts, docs
    yield "template_share", shares
    if only_fresh:  # the kept reports' rows (in the features' order, as theirs), then the fresh ones'
        assert reuse is not None
        yield "specificity", pl.concat([_kept_rows(reuse, "specificity").collect(), spec])
    else:
        yield "specificity", spec
    yield "empty_sections", empties
    # Each from the columns it reads (execution_metrics and grade_metrics say which).
    money = [c for c in ("report_id", "budget_yuan", "budget_adjusted_yuan", "available_yuan", "spent_yuan")
             if c in reports.collect_schema().names()]
    execution = execution_metrics(_eager(reports.select(money)))
    yield "execution", execution
    grades = grade_metrics(_eager(reports.select("report_id", "score", "grade", "grade_scheme")))
    yield "grades", grades
    height, columns = execution.height, reports.collect_schema().names()
    execution = execution.drop([c for c in execution.columns if c in columns and c != "report_id"])
    grades = grades.drop([c for c in grades.columns if c in columns and c != "report_id"])

    def joined(rows: pl.DataFrame) -> pl.DataFrame:
        return (
            rows.select("report_id", "source", "agency", "region", "year", "kind", "status", "synthetic",
                        "budget_yuan", *(c for c in ("budget_adjusted_yuan",) if c in columns),
                        "available_yuan", "spent_yuan", "execution_rate_reported", "score", "grade")
            .join(execution, on="report_id", how="left")
            .join(grades, on="report_id", how="left")
            .join(shares, on="report_id", how="left")
            .join(spec, on="report_id", how="left")
            .join(empties, on="report_id", how="left")
            .join(flags_per_report, on="report_id", how="left")
            .with_columns(pl.col("flag_count").fill_null(0))
        )

    if reuse is not None and reuse.changed is not None:
        # The kept reports' rows as they were, a slice at a time, their template share
        # set again where it changed; then the fresh reports' rows, joined.
        yield from _kept_per_report(reuse, shares)
        fresh = _eager(reports.filter(pl.col("report_id").is_in(reuse.fresh.implode())))
        yield "per_report", joined(fresh)
        return
    # A slice of reports at a time (read again, when a LazyFrame): the joined table is the
    # widest of all, and is written a part at a time (each part is the rows the whole
    # join gives, in order).
    for offset in range(0, max(height, 1), _PER_REPORT_BATCH):
        yield "per_report", joined(_eager(reports.slice(offset, _PER_REPORT_BATCH)))


def _kept_rows(previous: Previous, name: str, also: pl.Series | None = None) -> pl.LazyFrame:
    """Table ``name`` of the last generation less the rows of the reports that left, came
    again or are in ``also`` (report ids)."""
    assert previous.tables is not None
    ids = _left(previous) if also is None else pl.concat([_left(previous), also.cast(pl.Utf8).rename("report_id")])
    return previous.tables[name].filter(~pl.col("report_id").is_in(ids.implode()))


def _reused_trends(ok: pl.DataFrame, fund_lines: pl.DataFrame | pl.LazyFrame,
                   previous: Previous) -> Iterator[tuple[str, pl.DataFrame]]:
    """``pefa_pi2_1``, ``yoy``, ``ranks``, ``pefa_pi1`` of a re-ingest: the last
    generation's rows, less those of the agencies (PEFA, yoy: one agency's series) and of
    the year-region groups (ranks) that reports came to or left, computed again."""
    assert previous.tables is not None
    old = previous.tables
    agencies = previous.agencies.drop_nulls().implode()
    fresh = pl.col("report_id").is_in(previous.fresh.implode())
    theirs = ok.filter(pl.col("agency").is_in(agencies))
    others = ~pl.col("agency").is_in(agencies)
    lines = fund_lines.lazy().filter(pl.col("report_id").is_in(theirs["report_id"].implode()))
    yield "pefa_pi2_1", pl.concat([old["pefa_pi2_1"].filter(others).collect(), pefa_pi2_1(_pi2_input(theirs, lines))])
    # A series is one agency's; a report without an agency is a series of its own.
    mine = ok.filter(pl.col("agency").is_in(agencies) | fresh)
    yield "yoy", pl.concat([_kept_rows(previous, "yoy", mine["report_id"]).collect(), yoy(mine)])
    # A rank group is a year's, region's and synthetic or not: those a report came to or left.
    group = ["year", "region", "synthetic"]
    keyed = ok.with_columns(_with_synthetic(ok))
    gone = previous.gone if previous.gone is not None else pl.Series([], dtype=pl.Utf8)
    left = old["ranks"].filter(pl.col("report_id").is_in(gone.implode())).select(group).collect()
    groups = pl.concat([keyed.filter(fresh).select(group), left.cast(keyed.select(group).schema)]).unique()
    mine = keyed.join(groups, on=group, how="semi", nulls_equal=True)
    yield "ranks", pl.concat([_kept_rows(previous, "ranks", mine["report_id"]).collect(), ranks(mine)])
    yield "pefa_pi1", pl.concat([old["pefa_pi1"].filter(others).collect(), pefa_pi1(_pi1_input(theirs))])


def _kept_per_report(previous: Previous, shares: pl.DataFrame) -> Iterator[tuple[str, pl.DataFrame]]:
    """The last generation's ``per_report`` rows of the kept reports, a slice at a time,
    with the template share of those in ``previous.changed`` taken from ``shares``."""
    assert previous.tables is not None and previous.changed is not None
    old = previous.tables["per_report"]
    again = shares.filter(pl.col("report_id").is_in(previous.changed.implode())).select(
        "report_id", pl.col(TEMPLATE_SENTENCES).alias("_sentences"), pl.col(TEMPLATE_SHARE).alias("_share"),
        pl.lit(True).alias("_again"))
    rows = old.select(pl.len()).collect().item()
    left = _left(previous).implode()
    for offset in range(0, max(rows, 1), _PER_REPORT_BATCH):
        part = old.slice(offset, _PER_REPORT_BATCH).collect().filter(~pl.col("report_id").is_in(left))
        if again.height:
            again_here = pl.col("_again").fill_null(False)
            part = part.join(again, on="report_id", how="left", maintain_order="left").with_columns(
                pl.when(again_here).then(pl.col("_sentences")).otherwise(pl.col(TEMPLATE_SENTENCES))
                .alias(TEMPLATE_SENTENCES),
                pl.when(again_here).then(pl.col("_share")).otherwise(pl.col(TEMPLATE_SHARE)).alias(TEMPLATE_SHARE),
            ).drop("_sentences", "_share", "_again")
        yield "per_report", part


def _left(previous: Previous) -> pl.Series:
    """The report ids whose last generation's rows do not hold: those that left or came again."""
    parts = [previous.fresh, *([previous.gone] if previous.gone is not None else [])]
    return pl.concat([s.cast(pl.Utf8).rename("report_id") for s in parts]).unique()


def per_report(tables: Any) -> pl.DataFrame:
    """Just the wide per-report table of :func:`compute`."""
    return compute(tables).per_report
