"""Reports as the tables of DESIGN §3 (polars DataFrames; ``.to_pandas()`` at the edge).

Column names and types come from the schemas in :mod:`fiscal_eval.model`, the one place
that names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from fiscal_eval.metrics.grading import scheme_text
from fiscal_eval.model import (
    EVIDENCE_COLUMNS,
    FLAG_COLUMNS,
    FUND_LINE_COLUMNS,
    INDICATOR_COLUMNS,
    REPORT_COLUMNS,
    SECTION_COLUMNS,
    STATEMENT_COLUMNS,
    TEXT_COLUMNS,
    Report,
)
from fiscal_eval.sources import display_path

__all__ = ["Tables", "tables", "schema"]


def schema(columns: dict[str, str]) -> dict[str, pl.DataType]:
    """A model.py column schema as polars dtypes."""
    return {name: getattr(pl, dtype)() for name, dtype in columns.items()}


@dataclass(frozen=True)
class Tables:
    """The tables of a set of reports (DESIGN §3, plus evidence and statements)."""

    reports: pl.DataFrame
    fund_lines: pl.DataFrame
    indicators: pl.DataFrame
    flags: pl.DataFrame
    sections: pl.DataFrame
    evidence: pl.DataFrame
    statements: pl.DataFrame
    texts: pl.DataFrame

    def to_pandas(self) -> dict[str, Any]:
        """The same tables as pandas DataFrames, by name."""
        return {name: getattr(self, name).to_pandas() for name in self.__dataclass_fields__}


def _frame(rows: dict[str, list[Any]], columns: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema(columns))


def tables(reports: Iterable[Report]) -> Tables:
    """Build the tables from parsed (and optionally audited) reports.

    Examples
    --------
    >>> import fiscal_eval
    >>> t = fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"]))
    >>> t.reports.select("agency", "year", "score").row(3)
    ('和平县政务服务数据管理局', 2020, 88.0)
    >>> t.indicators.filter(t.indicators["report_id"] == t.reports["report_id"][3])["points"].sum()
    88.0
    """
    rep: dict[str, list[Any]] = {c: [] for c in REPORT_COLUMNS}
    fund: dict[str, list[Any]] = {c: [] for c in FUND_LINE_COLUMNS}
    ind: dict[str, list[Any]] = {c: [] for c in INDICATOR_COLUMNS}
    flg: dict[str, list[Any]] = {c: [] for c in FLAG_COLUMNS}
    sec: dict[str, list[Any]] = {c: [] for c in SECTION_COLUMNS}
    evi: dict[str, list[Any]] = {c: [] for c in EVIDENCE_COLUMNS}
    stm: dict[str, list[Any]] = {c: [] for c in STATEMENT_COLUMNS}
    txt: dict[str, list[Any]] = {c: [] for c in TEXT_COLUMNS}
    for r in reports:
        rid = r.report_id
        row = {
            # NOTE: a non-UTF-8 file name (surrogates) cannot enter a polars frame as is
            "report_id": rid, "source": display_path(r.source), "source_format": r.source_format,
            "agency": r.agency, "region": r.region, "year": r.year, "kind": r.kind,
            "project_name": r.project_name, "published_date": r.published_date,
            "budget_yuan": r.budget_yuan, "budget_adjusted_yuan": r.budget_adjusted_yuan,
            "available_yuan": r.available_yuan,
            "spent_yuan": r.spent_yuan, "balance_yuan": r.balance_yuan,
            "execution_rate_reported": r.execution_rate_reported,
            "arrival_rate_reported": r.arrival_rate_reported,
            "score": r.score, "grade": r.grade,
            "grade_scheme": scheme_text(r.grade_scale) if r.grade_scale else None,
            "status": r.status, "errors": display_path("; ".join(r.errors)) or None,
            "synthetic": r.synthetic,
        }
        for c in REPORT_COLUMNS:
            rep[c].append(row[c])
        for i, fl in enumerate(r.fund_lines):
            for c, v in zip(FUND_LINE_COLUMNS, (
                rid, i, fl.label, fl.role, fl.amount_yuan, fl.unit, fl.parent, fl.measure,
                fl.span[0], fl.span[1], fl.context,
            )):
                fund[c].append(v)
        for x in r.indicators:
            for c, v in zip(INDICATOR_COLUMNS, (
                rid, x.level1, x.level2, x.level3, x.max_points, x.points, x.target,
                x.actual, x.note, x.origin, x.span[0], x.span[1],
            )):
                ind[c].append(v)
        for f in r.flags:
            span = f.span or (None, None)
            figure = r.text[span[0]:span[1]] if f.span else None
            sentence = r.sentence(f.span) if f.span else None
            for c, v in zip(FLAG_COLUMNS, (
                rid, f.code, f.severity, f.field, f.reported, f.expected, f.message,
                span[0], span[1], figure, sentence,
            )):
                flg[c].append(v)
        for name, ev in r.evidence.items():
            for c, v in zip(EVIDENCE_COLUMNS, (
                rid, name, ev.label, r.text[ev.span[0]:ev.span[1]], ev.sentence,
                ev.span[0], ev.span[1],
            )):
                evi[c].append(v)
        txt["report_id"].append(rid)
        txt["text"].append(r.text)
        for section, items in (("problems", r.problems), ("improvements", r.improvements)):
            for i, text in enumerate(items):
                for c, v in zip(STATEMENT_COLUMNS, (rid, section, i, text)):
                    stm[c].append(v)
        for s in r.sections:
            for c, v in zip(SECTION_COLUMNS, (
                rid, s.path, s.level, s.title, s.text, s.span[0], s.span[1],
            )):
                sec[c].append(v)
    return Tables(
        reports=_frame(rep, REPORT_COLUMNS),
        fund_lines=_frame(fund, FUND_LINE_COLUMNS),
        indicators=_frame(ind, INDICATOR_COLUMNS),
        flags=_frame(flg, FLAG_COLUMNS),
        sections=_frame(sec, SECTION_COLUMNS),
        evidence=_frame(evi, EVIDENCE_COLUMNS),
        statements=_frame(stm, STATEMENT_COLUMNS),
        texts=_frame(txt, TEXT_COLUMNS),
    )
