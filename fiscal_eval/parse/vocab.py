"""Loads the template vocabulary (``vocab.toml``) once, as compiled regexes."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Vocab", "AmountLabel", "RateLabel", "vocab"]


@dataclass(frozen=True)
class AmountLabel:
    pattern: re.Pattern[str]
    role: str
    rank: int


@dataclass(frozen=True)
class RateLabel:
    pattern: re.Pattern[str]
    concept: str
    rank: int


@dataclass(frozen=True)
class Vocab:
    """The vocabulary, compiled. Built by :func:`vocab`; see vocab.toml for meanings."""

    amounts: tuple[AmountLabel, ...]
    rates: tuple[RateLabel, ...]
    rate_any: re.Pattern[str]
    subject_part: re.Pattern[str]
    subject_whole: re.Pattern[str]
    subject_project: re.Pattern[str]
    section_plan: re.Pattern[str]
    section_actual: re.Pattern[str]
    list_items: re.Pattern[str]
    total_marker: re.Pattern[str]
    fund_level: re.Pattern[str]
    breakdown: re.Pattern[str]
    all_arrived: re.Pattern[str]
    all_spent: re.Pattern[str]
    component: re.Pattern[str]
    component_not: re.Pattern[str]
    sample: re.Pattern[str]
    category: re.Pattern[str]
    category_not: re.Pattern[str]
    category_details: re.Pattern[str]
    category_whole: re.Pattern[str]
    categories_several: re.Pattern[str]
    own_heading: re.Pattern[str]
    execution_concepts: tuple[str, ...]
    score_total: tuple[re.Pattern[str], ...]
    score_total_row: re.Pattern[str]
    score_points_row: re.Pattern[str]
    score_item: re.Pattern[str]
    score_item_max: re.Pattern[str]
    grade_words: tuple[str, ...]
    grade_ranges: dict[str, tuple[float, float]]
    grade_word: re.Pattern[str]
    grade_label: re.Pattern[str]
    indicator_columns: dict[str, re.Pattern[str]]
    fund_columns: tuple[tuple[str, re.Pattern[str]], ...]
    form_row_ref: re.Pattern[str]
    form_formula: re.Pattern[str]
    meta: dict[str, re.Pattern[str]]
    problems: re.Pattern[str]
    improvements: re.Pattern[str]
    instructions: re.Pattern[str]


def _grade_scales() -> dict:
    """grade_scales.toml, parsed (read once, by vocab(), for its words and their ranges)."""
    return tomllib.loads(resources.files("fiscal_eval").joinpath("metrics", "grade_scales.toml").read_text("utf-8"))


def _grade_words(raw: dict) -> tuple[str, ...]:
    """Every grade word of grade_scales.toml (bands' words, then `unbanded`), longest
    first so that 不及格 is not read as 及格."""
    words = [str(w) for entry in raw["scales"].values() for _, w in entry["bands"]] + list(raw.get("unbanded", ()))
    return tuple(sorted(dict.fromkeys(words), key=len, reverse=True))


def _grade_ranges(raw: dict) -> dict[str, tuple[float, float]]:
    """The scores each banded grade word is given for under any scale of grade_scales.toml
    (lowest lower bound, highest upper bound): 良好 80–90, 优 90–(above 100 with bonus)."""
    out: dict[str, tuple[float, float]] = {}
    for entry in raw["scales"].values():
        lowers = sorted(((float(lo), str(w)) for lo, w in entry["bands"]), reverse=True)
        for (lo, word), upper in zip(lowers, [float("inf")] + [lo for lo, _ in lowers]):
            seen = out.get(word, (lo, upper))
            out[word] = (min(seen[0], lo), max(seen[1], upper))
    return out


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    """The compiled vocabulary (cached: loaded once per process)."""
    raw = tomllib.loads(resources.files("fiscal_eval.parse").joinpath("vocab.toml").read_text("utf-8"))
    c = re.compile
    rates = tuple(RateLabel(c(r["pattern"]), r["concept"], r["rank"]) for r in raw["rate"])
    scales = _grade_scales()
    words = _grade_words(scales)
    return Vocab(
        amounts=tuple(AmountLabel(c(a["pattern"]), a["role"], a["rank"]) for a in raw["amount"]),
        rates=rates,
        rate_any=c("|".join(f"(?:{r.pattern.pattern})" for r in rates)),
        subject_part=c(raw["subject"]["part"]),
        subject_whole=c(raw["subject"]["whole"]),
        subject_project=c(raw["subject"]["project"]),
        section_plan=c(raw["subject"]["plan"]),
        section_actual=c(raw["subject"]["actual"]),
        list_items=c(raw["lists"]["items"]),
        total_marker=c(raw["totals"]["marker"]),
        fund_level=c(raw["totals"]["level"]),
        breakdown=c(raw["totals"]["breakdown"]),
        all_arrived=c(raw["totals"]["arrived"]),
        all_spent=c(raw["totals"]["spent_all"]),
        component=c(raw["totals"]["component"]),
        component_not=c(raw["totals"]["template"]),
        sample=c(raw["totals"]["sample"]),
        category=c(raw["totals"]["category"]),
        category_not=c(raw["totals"]["category_not"]),
        category_details=c(raw["totals"]["category_details"]),
        category_whole=c(raw["totals"]["category_whole"]),
        categories_several=c(raw["totals"]["categories_several"]),
        own_heading=c(raw["totals"]["own_heading"]),
        execution_concepts=tuple(raw["execution_rate"]["concepts"]),
        score_total=tuple(c(p) for p in raw["score"]["total"]),
        score_total_row=c(raw["score"]["total_row"]),
        score_points_row=c(raw["score"]["points_row"]),
        score_item=c(raw["score"]["item"]),
        score_item_max=c(raw["score"]["item_max"]),
        grade_words=words,
        grade_ranges=_grade_ranges(scales),
        grade_word=c("|".join(words)),
        grade_label=c(raw["grade"]["label"]),
        indicator_columns={k: c(v) for k, v in raw["indicator_columns"].items()},
        fund_columns=tuple((k, c(v)) for k, v in raw["fund_columns"].items()),
        form_row_ref=c(raw["form"]["row_ref"]),
        form_formula=c(raw["form"]["formula"]),
        meta={k: c(v) for k, v in raw["metadata"].items()},
        problems=c(raw["sections"]["problems"]),
        improvements=c(raw["sections"]["improvements"]),
        instructions=c(raw["sections"]["instructions"]),
    )
