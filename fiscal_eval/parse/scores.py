"""The self-score, the grade, the grade scale a report prints, and stated subtotals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fiscal_eval.model import GradeBand, GradeScale, Span, Subtotal
from fiscal_eval.parse.context import Context, clean_label
from fiscal_eval.parse.numbers import parse_number
from fiscal_eval.parse.vocab import vocab

__all__ = ["Found", "find_score", "find_grade", "find_grade_scale", "find_subtotals"]

_NUM = r"(?P<num>(?<![\d.])\d{1,3}(?:\.\d+)?)(?![\d.%])"
_FILLER = r"(?:[为是:\s\t]|分数|\(分\)){0,4}"
_RANGE_AFTER = re.compile(r"^\s*分?\s*[-~—至]\s*\d")
_OTHER_SCORE = re.compile(r"得分\s*[为是:]?\s*\d{1,2}(?:\.\d+)?\s*分")
_ITEM_BEFORE = re.compile(r"(?:该项|此项|本项|该指标|本指标|此指标|各项)(?:指标)?(?:自评)?$")


@dataclass(frozen=True)
class Found:
    """A value found in the text, with its span, the words that named it and a rank."""

    value: object
    span: Span
    label: str
    rank: int


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    """The score, grade and scale regexes, built from the vocabulary once."""
    v = vocab()
    words = v.grade_word.pattern
    grade_label = (rf"(?P<label>{v.grade_label.pattern})(?:[为是:\s\t\"“'‘「『]|评定|确定){{0,5}}"
                   rf"(?P<grade>{words})(?=(?:等级|等次|档次|等|级)?(?:[\s\"”'’」』。,;)!]|$))")
    return {
        "totals": [re.compile(f"(?P<label>{p.pattern}){_FILLER}{_NUM}") for p in v.score_total],
        "grade": re.compile(grade_label),
        "grade_after_score": re.compile(
            rf"\s*分?\s*[,(]?\s*(?:等级|等次|为)?\s*[\"“]?(?P<grade>{words})(?=[\"”)。,;\s]|$)"),
        "band": re.compile(_BAND.pattern + rf"(?P<grade>{words})"),
        "subtotal": re.compile(r"(?P<label>[^\d,;]{1,16}?)(?:绩效|指标|类指标|部分)?(?:得分)?\s*+[为是:]?\s*+"
                               + _NUM + r"\s*分"),
    }


def find_score(ctx: Context, table_total: Found | None) -> Found | None:
    """The report's own total score: prose labels by rank, then a table's 合计 row."""
    best: Found | None = None
    for rank, rx in enumerate(_patterns()["totals"], start=1):
        for m in rx.finditer(ctx.f):
            if ctx.in_covered(m.start()):
                continue  # a table's total row: read with its columns, not as prose
            if _ITEM_BEFORE.search(ctx.f[max(0, m.start() - 6):m.start()]):
                continue
            if _RANGE_AFTER.match(ctx.f[m.end():m.end() + 6]):
                continue  # "自评得分：90-100 优秀" is a scale, not a score
            value = parse_number(m.group("num"))
            if not 0 <= value <= 100:
                continue
            if value == 100 and ctx.found_from(_OTHER_SCORE, m.end(), ctx.sentence_bounds(m.start())[1]):
                continue  # "总分100分，自评得分95分": 100 is the maximum, not the score
            found = Found(value, m.span("num"), m.group("label"), rank)
            if best is None or (found.rank, found.span[0]) < (best.rank, best.span[0]):
                best = found
        if best is not None:
            return best
    return table_total


def find_grade(ctx: Context, score: Found | None) -> Found | None:
    """The grade as written: after a grade label (自评结果：优秀, 评价等为"优"), else
    right after the score ("98分，优秀")."""
    m = _patterns()["grade"].search(ctx.f)
    if m:
        return Found(m.group("grade"), m.span("grade"), m.group("label"), 1)
    if score is not None:
        after = ctx.f[score.span[1]:score.span[1] + 16]
        m = _patterns()["grade_after_score"].match(after)
        if m:
            lo = score.span[1] + m.start("grade")
            return Found(m.group("grade"), (lo, lo + len(m.group("grade"))), "", 2)
    return None


# \s*+ (possessive): none of what follows a run of spaces starts with one, so the same
# matches; plain \s* tried every split of a long run between its six neighbours.
_BAND = re.compile(
    r"(?P<a>\d{1,3})\s*+分?\s*+(?:\(含\))?\s*+(?:(?P<dash>[-~—至])\s*+(?P<b>\d{1,3})\s*+分?\s*+(?:\(含\)|\(不含\))?)?"
    r"\s*+(?P<dir>及以上|以上|及以下|以下|\(含\)以上|\(含\)以下)?\s*+(?:分)?\s*+(?:为|:|的为|评为|定为)?\s*+[\"“]?"
)


def find_grade_scale(ctx: Context) -> GradeScale | None:
    """A grade scale printed in the report: three or more bands on one line
    ("90-100 优秀、80-89 良好…", "90（含）-100分为优、80（含）-90分为良…")."""
    rx = _patterns()["band"]
    f = ctx.f
    # Only lines holding three grade words can hold a scale: find those first.
    counts: dict[int, int] = {}
    for m in vocab().grade_word.finditer(f):
        line_start = ctx.line_bounds(m.start())[0]
        counts[line_start] = counts.get(line_start, 0) + 1
    for start in sorted(s for s, n in counts.items() if n >= 3):
        end = f.find("\n", start)
        end = len(f) if end < 0 else end
        line = f[start:end]
        bands: list[GradeBand] = []
        for m in rx.finditer(line):
            a = float(m.group("a"))
            b = float(m.group("b")) if m.group("b") else None
            direction = m.group("dir") or ""
            if "以下" in direction:
                lower = 0.0
            else:
                lower = min(a, b) if b is not None else a
            bands.append(GradeBand(lower=lower, grade=m.group("grade")))
        if len(bands) >= 3 and len({b.grade for b in bands}) == len(bands):
            bands.sort(key=lambda b: -b.lower)
            return GradeScale(name="printed", bands=tuple(bands), span=(start, end))
    return None


def find_subtotals(ctx: Context, score: Found | None) -> list[Subtotal]:
    """Section subtotals stated beside the total ("投入绩效为13分，过程绩效为59分，…，
    总得分98分")."""
    if score is None or score.rank > 2:
        return []
    lo, hi = ctx.sentence_bounds(score.span[0])
    out: list[Subtotal] = []
    pos = lo
    for clause in re.split(r"([,;])", ctx.f[lo:hi]):
        c_start = pos
        pos += len(clause)
        m = _patterns()["subtotal"].search(clause)
        if not m:
            continue
        span = (c_start + m.start("num"), c_start + m.end("num"))
        if span == score.span or span[0] <= score.span[0] < span[1]:
            continue
        label = m.group("label").rsplit(":", 1)[-1]
        label = re.sub(r"(?:绩效|指标|类指标|部分|得分|为|是)+$", "", clean_label(label))
        label = re.sub(r"(?:绩效|指标|类指标|部分|得分|为|是)+$", "", label)
        if not label or vocab().score_total[0].search(label):
            continue
        out.append(Subtotal(label=label, points=parse_number(m.group("num")), span=span))
    return out
