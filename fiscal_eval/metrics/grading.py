"""Grade scales as data, and grades checked against scores.

The scales live in ``grade_scales.toml`` next to this module (one table each, in priority
order). A grade is checked under, in order: the scale the report prints; else the known
scale whose vocabulary holds the grade word; else the MoF scale (财预〔2020〕10号).

In the reports table, ``grade_scheme`` names the scale a report prints: either a known
scale's name (``"five_band"``) or the bands written out by :func:`scheme_text`
(``"优秀:90,良好:80,…"``) when the printed scale matches no known one.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

from fiscal_eval.metrics.execution import schema_names
from fiscal_eval.model import REPORT_COLUMNS, GradeBand, GradeScale

__all__ = [
    "DEFAULT_SCALE",
    "GRADE_SCALE_USED",
    "GRADE_EXPECTED",
    "GRADE_OK",
    "GRADE_LEVEL",
    "GRADE_COLUMNS",
    "GradeCheck",
    "scale",
    "scales",
    "scale_for_grade",
    "normalise_grade",
    "grade_level",
    "check_grade",
    "scheme_text",
    "scale_from_scheme",
    "grade_metrics",
]

R = schema_names(REPORT_COLUMNS)

DEFAULT_SCALE = "mof"
_PRINTED = "printed"  # the name a printed scale gets when it matches no known scale

GRADE_SCALE_USED = "grade_scale_used"
GRADE_EXPECTED = "grade_expected"
GRADE_OK = "grade_ok"
GRADE_LEVEL = "grade_level"

GRADE_COLUMNS: dict[str, str] = {
    R.report_id: REPORT_COLUMNS[R.report_id],
    GRADE_SCALE_USED: "Utf8",  # a known scale's name, or "printed"
    GRADE_EXPECTED: "Utf8",  # the grade the score earns under that scale
    GRADE_OK: "Boolean",  # stated grade == expected; null when score or grade is missing
    GRADE_LEVEL: "Int8",  # the stated grade's ordinal level 1..5 (see grade_level)
}

# Same tolerance as GradeScale.grade_for, so the vectorised check agrees with it.
_EPS = 1e-9


@dataclass(frozen=True)
class GradeCheck:
    """A grade checked against its score.

    ``ok`` is None when the score or the grade is missing (nothing to check);
    ``expected`` the grade the score earns under ``scale`` (the scale's name).
    """

    ok: bool | None
    expected: str | None
    scale: str


# --------------------------------------------------------------------------- the scales


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, GradeScale], tuple[float, ...]]:
    """The scales of grade_scales.toml (in file order) and the level thresholds."""
    text = resources.files("fiscal_eval.metrics").joinpath("grade_scales.toml").read_text("utf-8")
    data = tomllib.loads(text)
    loaded = {
        name: GradeScale(
            name=name,
            bands=tuple(
                sorted(
                    (GradeBand(lower=float(lower), grade=str(word)) for lower, word in entry["bands"]),
                    key=lambda band: band.lower,
                    reverse=True,
                )
            ),
        )
        for name, entry in data["scales"].items()
    }
    return loaded, tuple(sorted((float(x) for x in data["level_lowers"]), reverse=True))


@lru_cache(maxsize=1)
def _unbanded() -> frozenset[str]:
    """Grade words reports write that no scale gives bands for (``unbanded``): never checked."""
    text = resources.files("fiscal_eval.metrics").joinpath("grade_scales.toml").read_text("utf-8")
    return frozenset(str(w) for w in tomllib.loads(text).get("unbanded", ()))


def scales() -> dict[str, GradeScale]:
    """Every known scale by name, in priority order (a new dict; the scales are frozen).

    >>> list(scales())[:3]
    ['mof', 'five_band', 'four_band_words']
    """
    return dict(_load()[0])


def scale(name: str) -> GradeScale:
    """The known scale called ``name``.

    Raises
    ------
    KeyError
        When no scale of that name is in grade_scales.toml (the message lists them).

    Examples
    --------
    >>> scale("five_band").grade_for(88)
    '良好'
    """
    known = _load()[0]
    if name not in known:
        raise KeyError(f"unknown grade scale {name!r}; known: {', '.join(known)}")
    return known[name]


# Quotes, brackets and separators around a grade word as reports write it (“优”, 【良好】).
_GRADE_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》()（）\[\]【】:：,，.。、]")
_GRADE_SUFFIX = re.compile(r"(?:等次|等级|级|等)$")


def _vocabulary(scale_: GradeScale) -> dict[str, float]:
    return {band.grade: band.lower for band in scale_.bands}


def normalise_grade(word: str) -> str:
    """A grade word as written, cleaned of quotes, brackets, spaces and a 等次/等级 suffix.

    The word itself is kept ("优" stays "优", not "优秀"): which words are equivalent is
    :func:`grade_level`'s business. Full-width characters become half-width (NFKC).

    >>> normalise_grade(" “优秀” "), normalise_grade("良好等次"), normalise_grade("优")
    ('优秀', '良好', '优')
    """
    cleaned = _GRADE_NOISE.sub("", unicodedata.normalize("NFKC", word))
    if not any(cleaned in _vocabulary(s) for s in _load()[0].values()):
        stripped = _GRADE_SUFFIX.sub("", cleaned)
        if any(stripped in _vocabulary(s) for s in _load()[0].values()):
            return stripped
    return cleaned


def scale_for_grade(grade: str) -> GradeScale | None:
    """The first known scale (in priority order) whose vocabulary holds ``grade``.

    >>> scale_for_grade("优").name, scale_for_grade("良好").name, scale_for_grade("甲")
    ('mof', 'five_band', None)
    """
    word = normalise_grade(grade)
    return next((s for s in _load()[0].values() if word in _vocabulary(s)), None)


def grade_level(word: str | None, scale_: GradeScale | None = None) -> int | None:
    """The ordinal level 1..5 of a grade word, comparable across scales.

    The level comes from the lower bound of the word's band, placed on the thresholds
    ``level_lowers`` of grade_scales.toml (90/80/70/60): 优 and 优秀 are 5, 良 and 良好
    4, 中等 3, 中 / 及格 / 合格 / 一般 2, 差 / 不及格 1. The word is looked up in
    ``scale_`` first when given, else in the known scales. Unknown words give None.

    >>> grade_level("优"), grade_level("优秀"), grade_level("中等"), grade_level("差")
    (5, 5, 3, 1)
    """
    if word is None:
        return None
    norm = normalise_grade(word)
    candidates = ([scale_] if scale_ is not None else []) + list(_load()[0].values())
    lower = next((_vocabulary(s)[norm] for s in candidates if norm in _vocabulary(s)), None)
    if lower is None:
        return None
    thresholds = _load()[1]
    return 1 + sum(lower >= t - _EPS for t in thresholds)


def scheme_text(scale_: GradeScale) -> str:
    """How a scale is written in the reports table's ``grade_scheme`` column.

    A known scale's name when the bands equal one, else its bands as ``grade:lower``
    pairs, high → low. :func:`scale_from_scheme` reads either back.

    >>> scheme_text(GradeScale("printed", (GradeBand(90, "优秀"), GradeBand(80, "良好"),
    ...     GradeBand(70, "中等"), GradeBand(60, "及格"), GradeBand(0, "不及格"))))
    'five_band'
    >>> scheme_text(GradeScale("printed", (GradeBand(85, "A"), GradeBand(0, "B"))))
    'A:85,B:0'
    """
    bands = tuple(sorted(scale_.bands, key=lambda b: b.lower, reverse=True))
    known = next((n for n, s in _load()[0].items() if s.bands == bands), None)
    return known or ",".join(f"{b.grade}:{b.lower:g}" for b in bands)


def scale_from_scheme(text: str | None) -> GradeScale | None:
    """The scale a ``grade_scheme`` value names (see :func:`scheme_text`); None if unreadable.

    >>> scale_from_scheme("mof").name, scale_from_scheme("A:85,B:0").grade_for(90)
    ('mof', 'A')
    """
    if not text:
        return None
    known = _load()[0]
    if text in known:
        return known[text]
    bands = []
    for item in text.split(","):
        word, _, lower = item.rpartition(":")
        try:
            bands.append(GradeBand(lower=float(lower), grade=word.strip()))
        except ValueError:
            return None
    if not bands or any(not b.grade for b in bands):
        return None
    return GradeScale(_PRINTED, tuple(sorted(bands, key=lambda b: b.lower, reverse=True)))


def _choose(grade: str | None, printed: GradeScale | None) -> GradeScale:
    """The scale a grade is checked under: printed, else the grade word's, else MoF."""
    if printed is not None:
        return printed
    found = scale_for_grade(grade) if grade else None
    return found or scale(DEFAULT_SCALE)


def check_grade(score: float | None, grade: str | None, printed_scale: GradeScale | None = None) -> GradeCheck:
    """Check a stated grade against the score under the scale it should follow.

    Rule (DESIGN §5): grade schemes are data and the scheme a report prints beats the
    default. The scale is ``printed_scale`` when given; else the known scale whose
    vocabulary contains the grade word (优 → mof, 良好 → five_band); else 财预〔2020〕10号's
    MoF bands (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60). A grade is ok when it equals the
    grade the score earns there (after :func:`normalise_grade`).

    Parameters
    ----------
    score : float or None
        The total self-evaluation score (0–100).
    grade : str or None
        The grade as written.
    printed_scale : GradeScale or None
        The scale the report prints, if any.

    Returns
    -------
    GradeCheck
        ``ok`` is None when the score or the grade is missing.

    Examples
    --------
    >>> check_grade(85, "优")
    GradeCheck(ok=False, expected='良', scale='mof')
    >>> check_grade(97.46, "优秀")
    GradeCheck(ok=True, expected='优秀', scale='five_band')
    >>> check_grade(95, "好").ok is None  # no known scale bands 好
    True
    """
    word = normalise_grade(grade) if grade is not None else None
    chosen = _choose(word, printed_scale)
    expected = chosen.grade_for(score) if score is not None else None
    # A word no scale bands (好) is checked only under a scale the report prints.
    unchecked = word is None or (printed_scale is None and word in _unbanded())
    ok = None if score is None or unchecked else expected == word
    return GradeCheck(ok=ok, expected=expected, scale=chosen.name)


def grade_metrics(reports: pl.DataFrame) -> pl.DataFrame:
    """The grade each report's score earns, and whether the stated grade matches it.

    Rule: as :func:`check_grade` (财预〔2020〕10号 bands by default; the report's printed
    scale — its ``grade_scheme`` — first; else the scale of its grade word), vectorised:
    the scale is resolved once per distinct (grade, grade_scheme) pair and the bands
    become one ``when/then`` chain, so the cost is one pass over the reports.

    Parameters
    ----------
    reports : pl.DataFrame
        The reports table; uses ``report_id``, ``score``, ``grade``, ``grade_scheme``.
        Not mutated.

    Returns
    -------
    pl.DataFrame
        One row per input row, in input order, with :data:`GRADE_COLUMNS`.

    Examples
    --------
    >>> df = pl.DataFrame({"report_id": ["003", "004", "x"], "score": [88.0, 98.0, 85.0],
    ...                    "grade": ["良好", "优", "优"],
    ...                    "grade_scheme": ["five_band", None, None]})
    >>> grade_metrics(df).select("grade_expected", "grade_ok", "grade_scale_used").rows()
    [('良好', True, 'five_band'), ('优', True, 'mof'), ('良', False, 'mof')]
    """
    key_cols = [R.grade, R.grade_scheme]
    lookup_rows = []
    used: dict[str, GradeScale] = {}
    # One Python step per distinct (grade word, scheme) — a handful — never per report.
    for grade, scheme in reports.select(key_cols).unique().iter_rows():
        word = normalise_grade(grade) if grade is not None else None
        chosen = _choose(word, scale_from_scheme(scheme))
        key = scheme_text(chosen)
        used[key] = chosen
        checked = None if scheme is None and word in _unbanded() else word  # as check_grade
        lookup_rows.append((grade, scheme, checked, key, chosen.name, grade_level(word, chosen)))
    lookup = pl.DataFrame(
        lookup_rows,
        schema={
            R.grade: pl.Utf8,
            R.grade_scheme: pl.Utf8,
            "_word": pl.Utf8,
            "_key": pl.Utf8,
            GRADE_SCALE_USED: pl.Utf8,
            GRADE_LEVEL: pl.Int8,
        },
        orient="row",
    )
    score = pl.col(R.score).cast(pl.Float64).fill_nan(None)
    expected: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    branches = [
        ((pl.col("_key") == key) & (score >= band.lower - _EPS), band.grade)
        for key, chosen in used.items()
        for band in chosen.bands  # high → low: the first band reached is the right one
    ]
    if branches:
        (cond, word), *rest = branches
        chain = pl.when(cond).then(pl.lit(word))
        for cond, word in rest:
            chain = chain.when(cond).then(pl.lit(word))
        expected = chain.otherwise(pl.lit(None, dtype=pl.Utf8))
    ok = (
        pl.when(score.is_null() | pl.col("_word").is_null())
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(pl.col(GRADE_EXPECTED).eq_missing(pl.col("_word")))
    )
    return (
        reports.select(pl.col(R.report_id), pl.col(R.score), *key_cols)
        .join(lookup, on=key_cols, how="left", nulls_equal=True, maintain_order="left")
        .with_columns(expected.alias(GRADE_EXPECTED))
        .select(
            pl.col(R.report_id),
            pl.col(GRADE_SCALE_USED),
            pl.col(GRADE_EXPECTED),
            ok.alias(GRADE_OK),
            pl.col(GRADE_LEVEL),
        )
    )
