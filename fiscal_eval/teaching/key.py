"""The answer key checked against the library: every exercise of ``lessons.toml`` names
how the library derives its answer from the data (``derive``); :func:`verify_key`
recomputes them all, and the tests require the key to agree — a key that drifted from
the data, or from the library, fails loudly instead of teaching a wrong answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.model import Report
from fiscal_eval.present.views import flags_by_year, indicator_totals, of_agency, recompute, section_points
from fiscal_eval.teaching.checker import (
    _DOCUMENT_NUMBER,
    _NUMBER_WORD,
    _PLAIN_NUMBER,
    Exercise,
    _expected,
    _key,
    _mistake_tol,
    _mistake_value,
    _read,
    _same,
    _show,
    _text,
    check,
    solution,
)
from fiscal_eval.teaching.corpus import open_store, pi2_example, samples, synthetic_corpus

__all__ = ["LessonData", "derive", "verify_key"]


@dataclass(frozen=True)
class LessonData:
    """What the key is derived from: the real samples (parsed Reports by number), the
    tables of samples + teaching corpus, and their metrics."""

    samples: Mapping[str, Report]
    tables: Any
    metrics: Any

    @classmethod
    def build(cls, samples_folder: str | Path, synthetic: str | Path, store: str | Path | None = None) -> LessonData:
        """Parse the samples and the teaching corpus (generated in ``synthetic`` if
        missing); with ``store``, read the tables through the lesson store instead."""
        import fiscal_eval
        from fiscal_eval.metrics import compute

        reports = samples(samples_folder)
        if store is not None:
            tables = open_store(store, samples_folder, synthetic)
        else:
            tables = fiscal_eval.tables([*reports.values(), *fiscal_eval.parse_paths([synthetic_corpus(synthetic)])])
        return cls(reports, tables, compute(tables))


def _source(data: LessonData, source: str) -> tuple[str, Any]:
    """``"sample:000"`` → ("sample", Report); ``"synthetic:机构:2022"`` → ("synthetic", row)."""
    kind, _, rest = source.partition(":")
    if kind == "sample":
        return kind, data.samples[rest]
    if kind == "synthetic":
        agency, _, year = rest.rpartition(":")
        import polars as pl

        rows = data.metrics.per_report.filter(pl.col("agency") == agency, pl.col("year") == int(year),
                                              pl.col("synthetic"))
        if rows.height != 1:
            raise FiscalEvalError(f"{source}: {rows.height} synthetic reports, expected one")
        return kind, rows.row(0, named=True)
    raise FiscalEvalError(f"unknown source {source!r} (sample:NNN or synthetic:AGENCY:YEAR)")


def _per_report(data: LessonData, source: str) -> dict[str, Any]:
    kind, obj = _source(data, source)
    if kind == "synthetic":
        return obj
    import polars as pl

    rows = data.metrics.per_report.filter(pl.col("report_id") == obj.report_id)
    return rows.row(0, named=True)


def _flags(data: LessonData, source: str, code: str | None = None) -> list[Any]:
    report = _source(data, source)[1]
    return [f for f in report.flags if code is None or f.code == code]


def _pefa(data: LessonData, agency: str, indicator: str, basis: str = "budget") -> dict[str, Any]:
    import polars as pl

    from fiscal_eval.metrics.execution import pefa_pi1, pefa_pi2_1

    if indicator == "PI-2.1":
        frame = pefa_pi2_1(pi2_example())
    elif basis == "budget":
        frame = data.metrics.pefa_pi1
    else:  # NOTE: the mistake of scoring outturn against what arrived, not the approved budget
        reports = data.tables.reports.filter(pl.col("agency") == agency)
        frame = pefa_pi1(reports.with_columns(pl.col("available_yuan").alias("budget_yuan")))
    return frame.filter(pl.col("agency") == agency).row(0, named=True)


def _recipe_pefa(data: LessonData, agency: str, indicator: str = "PI-1", what: str = "grade",
                 basis: str = "budget", year: int | None = None) -> Any:
    row = _pefa(data, agency, indicator, basis)
    values = dict(zip((str(y) for y in row["pefa_years"]), row["pefa_values"]))
    if what == "grade":
        return row["pefa_grade"]
    return values if year is None else values[str(year)]


def _recipe_yoy(data: LessonData, source: str, column: str) -> float:
    import polars as pl

    report_id = _per_report(data, source)["report_id"]
    return data.metrics.yoy.filter(pl.col("report_id") == report_id)[column].item()


def _recipe_agency_flag_years(data: LessonData, agency: str, severity: str) -> set[int]:
    import polars as pl

    flags = flags_by_year(data.tables, agency)
    return set(flags.filter(pl.col("severity") == severity)["year"].to_list())


def _recipe_recurring_years(data: LessonData, agency: str) -> set[int]:
    years = of_agency(data.metrics.recurring_problems, agency)["years"].to_list()
    return {y for group in years for y in group}


def _recipe_grade_for(data: LessonData, source: str, grade_scale: str) -> str | None:
    from fiscal_eval.metrics.grading import scale

    report = _source(data, source)[1]
    chosen = report.grade_scale if grade_scale == "printed" else scale(grade_scale)
    return chosen.grade_for(report.score)


def _recipe_grade_mismatches(data: LessonData) -> set[str]:
    from fiscal_eval.metrics.grading import check_grade

    return {n for n, r in data.samples.items() if check_grade(r.score, r.grade, r.grade_scale).ok is False}


def _recipe_flag_numbers(data: LessonData, source: str, code: str) -> set[float]:
    found = (_NUMBER_WORD.match(v) for f in _flags(data, source, code) for v in (f.reported, f.expected) if v)
    return {float(m.group()) for m in found if m}


_RECIPES: dict[str, Callable[..., Any]] = {
    # a Report attribute of a sample, or a column of a synthetic report's per_report row
    "field": lambda d, source, name: (getattr(_source(d, source)[1], name) if source.startswith("sample:")
                                      else _source(d, source)[1][name]),
    "published_year": lambda d, source: int(_source(d, source)[1].published_date[:4]),
    # a column of metrics.per_report (execution rates, MoF points, balance …)
    "metric": lambda d, source, column: _per_report(d, source)[column],
    "samples_without": lambda d, name: {n for n, r in d.samples.items() if getattr(r, name) is None},
    "indicator_sum": lambda d, source, what="points": indicator_totals(_source(d, source)[1])[what],
    "section_points": lambda d, source: section_points(_source(d, source)[1]),
    "stated_subtotals": lambda d, source: {s.label: s.points for s in _source(d, source)[1].subtotals},
    "grade_for": _recipe_grade_for,
    "grade_mismatches": _recipe_grade_mismatches,
    "flag_codes": lambda d, source: {f.code for f in _flags(d, source)},
    # the subjects of a code's flags: "subtotal:投入" -> "投入"
    "flag_subjects": lambda d, source, code: {f.field.split(":", 1)[-1] for f in _flags(d, source, code)},
    "flag_numbers": _recipe_flag_numbers,
    "flag_expected": lambda d, source, code: _flags(d, source, code)[0].expected,
    "flag_reported": lambda d, source, code: _flags(d, source, code)[0].reported,
    "formula": lambda d, source, label: next(r.formula for r in _source(d, source)[1].rates if r.label == label),
    "arithmetic": lambda d, source, label: recompute(_source(d, source)[1], label),
    "pefa": _recipe_pefa,
    "yoy": _recipe_yoy,
    "recurring_years": _recipe_recurring_years,
    "agency_flag_years": _recipe_agency_flag_years,
}


def _post(value: Any, spec: Mapping[str, Any]) -> Any:
    """The key's post-processing of a derived number: ``scale``, ``cap``, ``round``, ``trunc``."""
    if "scale" in spec:
        value = value * spec["scale"]
    if "cap" in spec:
        value = min(value, spec["cap"])
    if "round" in spec:
        value = round(value, spec["round"])
    if "trunc" in spec:
        factor = 10 ** spec["trunc"]
        value = math.trunc(value * factor) / factor
    return value


def derive(spec: Mapping[str, Any], data: LessonData) -> Any:
    """Compute a key value from the data with the library, as ``spec`` (a key's
    ``derive`` table: ``recipe`` and its arguments, then ``scale``/``cap``/``round``/
    ``trunc``) says: ``{"recipe": "metric", "source": "sample:000", "column":
    "execution_rate_available"}`` is 000's spent ÷ available as ``metrics.per_report``
    has it. The recipes are :data:`_RECIPES`; sources are ``"sample:NNN"`` and
    ``"synthetic:AGENCY:YEAR"``.
    """
    args = {k: v for k, v in spec.items() if k not in ("recipe", "scale", "cap", "round", "trunc")}
    recipe = _RECIPES.get(spec["recipe"])
    if recipe is None:
        raise FiscalEvalError(f"unknown derive recipe {spec['recipe']!r}; known: {', '.join(_RECIPES)}")
    return _post(recipe(data, **args), spec)


def verify_key(data: LessonData) -> list[str]:
    """Every disagreement between the key and what the library derives from ``data``:
    an expected value (or a mistake's value) that a student answering with the derived
    figure would not get marked as it should, a mistake that equals the answer, a hint
    that gives the answer away, or a solution that :func:`check` would not accept.
    Empty when the key is sound."""
    problems: list[str] = []
    for ex in _key()["exercises"].values():
        if ex.derive is None:
            problems.append(f"{ex.id}: no derive (every key entry must say how the library computes it)")
        else:
            try:
                got = derive(ex.derive, data)
            except Exception as exc:  # NOTE: collect all problems, do not stop at the first
                problems.append(f"{ex.id}: derive failed: {type(exc).__name__}: {exc}")
            else:
                feedback = check(ex.id, got)
                if feedback.verdict != "correct":
                    problems.append(f"{ex.id}: key says {_show(_expected(ex))}, library derives {_show(got)}")
        if check(ex.id, solution(ex.id)).verdict != "correct":
            problems.append(f"{ex.id}: check() does not accept solution()")
        expected = _expected(ex)
        for mistake in ex.mistakes:
            value = _mistake_value(ex, mistake)
            if _same(ex, value, expected, _mistake_tol(ex, mistake, value)):
                problems.append(f"{ex.id}: mistake {mistake.kind} ({_show(value)}) "
                                "is indistinguishable from the answer")
            if mistake.derive is not None:
                try:
                    got = derive(mistake.derive, data)
                except Exception as exc:
                    problems.append(f"{ex.id}: mistake derive failed: {type(exc).__name__}: {exc}")
                    continue
                as_read = _read(ex, got)
                if not _same(ex, as_read, value, max(ex.tol, 1e-9)):
                    problems.append(f"{ex.id}: mistake value {_show(value)}, library derives {_show(got)}")
        for text in [ex.asks, ex.unit, ex.hint, *(m.hint for m in ex.mistakes)]:
            if _reveals(ex, text):
                problems.append(f"{ex.id}: gives the answer away: {text!r}")
    return problems


def _reveals(ex: Exercise, hint: str) -> bool:
    """Whether ``hint`` contains the expected value (as a number in any usual form, or as
    the word / element itself)."""
    expected = _expected(ex)
    if ex.type == "number":
        targets = [expected]
    elif ex.type == "dict":
        targets = [v for v in expected.values() if isinstance(v, float)]
        words = [v for v in expected.values() if isinstance(v, str)]
        if any(w and w in hint for w in words):
            return True
    elif ex.type == "set":
        targets = [float(v) for v in expected if _PLAIN_NUMBER.fullmatch(v)]
        if any(not _PLAIN_NUMBER.fullmatch(v) and v in _text(hint) for v in expected):
            return True
    else:
        word = _text(expected)
        if len(word) <= 2 and word.isascii():  # a letter grade: as a word of its own
            folded = unicodedata.normalize("NFKC", hint).casefold()
            return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", folded) is not None
        return word in _text(hint)
    # NOTE: a document number (财预〔2020〕10号) names a rule, it is not a figure
    numbers = [float(n) for n in _NUMBER_WORD.findall(_DOCUMENT_NUMBER.sub("", hint).replace(",", ""))]
    for target in targets:
        for form in (target, target * 100, target / 1e4, target * 1e4):
            if form != 0 and any(abs(n - form) <= max(1e-9, 0.005 * abs(form)) for n in numbers):
                return True
    return False
