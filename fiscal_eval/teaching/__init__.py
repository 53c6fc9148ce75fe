"""Teaching: what the lesson notebooks (``notebooks/teaching/``) call besides the library.

* :mod:`~fiscal_eval.teaching.checker` — ``check("02.1", answer)`` and ``solution``, the
  answer key ``lessons.toml``;
* :mod:`~fiscal_eval.teaching.key` — the key recomputed with the library
  (:func:`verify_key`), which the tests require to agree;
* :mod:`~fiscal_eval.teaching.corpus` — the lessons' data: samples by number, the
  synthetic teaching corpus, the lesson store.

The small views the lessons show (:func:`agency_years`, :func:`flags_by_year`,
:func:`evidence`, :func:`find`, :func:`subtotal_check` …) live in
:mod:`fiscal_eval.present.views` with the report pages' views, and are re-exported here so
a lesson imports one module; a notebook cell holds calls, not logic.
"""

from __future__ import annotations

from fiscal_eval.present.views import (
    agency_statements,
    agency_years,
    corpus_summary,
    evidence,
    find,
    flags_by_year,
    indicator_totals,
    of_agency,
    recompute,
    report_text,
    section_points,
    subtotal_check,
)
from fiscal_eval.teaching.checker import (
    CORPUS,
    Exercise,
    Feedback,
    Mistake,
    Verdict,
    Withheld,
    after,
    answered,
    check,
    exercise,
    exercises,
    solution,
)
from fiscal_eval.teaching.corpus import (
    ROOT,
    open_store,
    pi2_example,
    resolve,
    sample,
    samples,
    synthetic_corpus,
)
from fiscal_eval.teaching.key import LessonData, derive, verify_key

__all__ = [
    "Verdict", "Feedback", "Mistake", "Exercise", "CORPUS", "ROOT",
    "check", "solution", "exercise", "exercises", "after", "answered", "Withheld",
    "LessonData", "derive", "verify_key",
    "resolve", "sample", "samples", "synthetic_corpus", "open_store", "pi2_example",
    # views (fiscal_eval.present.views)
    "agency_years", "report_text", "agency_statements", "find", "recompute", "of_agency", "flags_by_year",
    "corpus_summary", "evidence", "indicator_totals", "section_points", "subtotal_check",
]
