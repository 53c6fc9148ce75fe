"""The self-score, the grade, the grade scale a report prints, and stated subtotals."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from fiscal_eval.model import GradeBand, GradeScale, Span, Subtotal
from fiscal_eval.parse.choose import LOST_COMPONENT, LOST_ITEM_SCORE, Choice, Option, choose, in_component, is_item
from fiscal_eval.parse.context import Context, clean_label
from fiscal_eval.parse.numbers import parse_number
from fiscal_eval.parse.vocab import vocab
from fiscal_eval.util.records import record

__all__ = ["Found", "as_found", "find_score", "find_grade", "choose_score", "choose_grade", "find_grade_scale",
           "find_subtotals"]

_NUM = r"(?P<num>(?<![\d.])\d{1,3}(?:\.\d+)?)(?![\d.%])"
# a colon may end a table's label cell, the value in the next ("自评总分: | 99.68 |")
_FILLER = r"(?:[为是]|\s{1,8}+|:(?:[ \t]*\|)?|分数|\(分\)){0,4}"
_RANGE_AFTER = re.compile(r"^\s*分?\s*[-~—至]\s*\d")
_OTHER_SCORE = re.compile(r"得分\s*[为是:]?\s*\d{1,2}(?:\.\d+)?\s*分")
_POINTS = re.compile(r"\d\s*分")  # how every subtotal ends
_ITEM_BEFORE = re.compile(r"(?:该项|此项|本项|该指标|本指标|此指标|各项)(?:指标)?(?:自评)?$")
# The 自评表's last row, 总分 | 分值 | 得分 (财预〔2020〕10号): "总分 | 100 | 96 | 优",
# "总分 100 100": the 100 after 总分 is the points possible, the number after it those scored.
# Read only when no other number follows on the row (a 分值 | 扣分 | 得分 form puts the
# points taken off between them).
# (The row's cells may each be on a line of their own, blank lines between: 总分\n\n100\n\n95.5.)
_MAX_THEN_SCORE = re.compile(r"(?P<label>总分):?[ \t|]*(?:\n[ \t|]*){0,3}100(?:\.0+)?[ \t|]*(?:\n[ \t|]*){0,3}(?<=[ \t|\n])"
                             + _NUM + r"(?=[ \t]*(?:\||分|\n|$)|\t)(?![^\n\d]*\d)")
# The same row of a form whose cells lost their separators ("总分100100注:", "总分10098项目
# 名称"): digits glued can be split anywhere, so only a score a form's total row plausibly
# holds (60 to 100, the bands above 差) is read after the 100.
_MAX_THEN_SCORE_GLUED = re.compile(r"(?P<label>总分)100(?P<num>100|[6-9]\d(?:\.\d{1,2})?)(?![\d.%])"
                                   # (the next cell or line: not a scale's range, 90-100分为优)
                                   r"(?=分(?!(?:及)?以[上下]|为)|[|(,。]|\s|$|(?![至以分])[\u4e00-\u9fff])")


@record
class Found:
    """A value found in the text, with its span, the words that named it and a rank."""

    value: object
    span: Span
    label: str
    rank: int


_CELL = r"(?:[ \t]*\|[ \t]*|[ ]*\t[ \t]*)"  # a cell boundary: a pipe, or a tab
# A tab cell after a 总分 row's 100 holding a figure: 100 was the points possible ("总分\t100\t
# 95.5\t96", self-scored and reviewed: which is the score, the row does not say; with pipes
# the 100 is no total's score either).
_CELLS_AFTER = re.compile(r"(?:\.0+)?[ ]*\t[ \t]*\d")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    """The score, grade and scale regexes, built from the vocabulary once."""
    v = vocab()
    words = v.grade_word.pattern
    # A grade word broken by a PDF line break ("优 秀") is still the word.
    spaced = "|".join(r"\s?".join(map(re.escape, w)) for w in v.grade_words)
    grade_label = (rf"(?P<label>{v.grade_label.pattern})(?:[为是均:(\s\t\"“'‘「『]|评定|确定){{0,5}}"
                   rf"(?P<grade>{spaced})(?=(?:等级|等次|档次|等|级)?(?:[\s\"”'’」』。,;)!]|$))")
    return {
        "totals": [re.compile(f"(?P<label>{p.pattern}){_FILLER}{_NUM}") for p in v.score_total],
        "grade": re.compile(grade_label),
        "grade_after_score": re.compile(
            rf"\s*分?\s*[,(|]?\s*(?:等级|等次|为)?\s*[\"“]?(?P<grade>{words})(?=[\"”)。,;|\s]|$)"),
        "band": re.compile(_BAND.pattern + rf"(?P<grade>{words})"),
        # (Cells parted by pipes, as pages reach us as text, or by tabs, as the HTML and Word
        # readers render a table: _CELL is either.)
        # A total row's one cell, written with 分 ("总分 | 99.55分 | | |").
        "points_row": re.compile(rf"(?m)^[ \t|]*(?P<label>{v.score_points_row.pattern}){_CELL}"
                                 + _NUM + r"[ \t]*分[ \t]*(?:[|\t][ \t|]*)?$"),
        # A row of cells 100 | score | grade, alone on its line (the label cell lost).
        "max_score_grade_row": re.compile(rf"(?m)^[ \t|]*100(?:\.0+)?{_CELL}" + _NUM
                                          + rf"{_CELL}(?P<grade>{words})[ \t]*(?:[|\t][ \t|]*)?$"),
        # A part's row of such a table: [its name |] points possible | [points scored |] grade.
        "part_grade_row": re.compile(rf"[ \t|]*(?:[^\d|\t\n]{{1,12}}{_CELL})?(?P<max>\d{{1,3}}(?:\.\d+)?){_CELL}"
                                     rf"(?:\d{{1,3}}(?:\.\d+)?{_CELL})?(?:{words})[ \t]*(?:[|\t][ \t|]*)?"),
        "subtotal": re.compile(r"(?P<label>[^\d,;]{1,16}?)(?:绩效|指标|类指标|部分)?(?:得分)?\s*+[为是:]?\s*+"
                               + _NUM + r"\s*分"),
    }


# Bonus points (加分) can take a total past 100: "自评得分102.8分".
_BONUS_MAX = 120


def as_found(choice: Choice) -> Found | None:
    """The chosen option as a Found (None when nothing was chosen)."""
    o = choice.option
    return None if o is None else Found(o.value, o.span, o.label, o.rank)


def choose_score(ctx: Context, table_total: Found | None) -> Choice:
    """The report's own total score, chosen from every statement of one: prose labels by
    rank (总得分 before 自评得分 …), then an indicator table's total row. Points of one
    indicator ("该项得分6分") and a scale ("90-100 优秀") are no candidates; a section
    about one component states that component's score; different totals at the best
    rank with nothing to decide leave the score unknown."""
    options: list[Option] = []
    for rank, rx in enumerate(_patterns()["totals"], start=1):
        for m in rx.finditer(ctx.f):
            if ctx.in_covered(m.start()):
                continue  # a table's total row: read with its columns, not as prose
            if _ITEM_BEFORE.search(ctx.f[max(0, m.start() - 6):m.start()]):
                continue
            if _RANGE_AFTER.match(ctx.f[m.end():m.end() + 6]):
                continue  # "自评得分：90-100 优秀" is a scale, not a score
            if _HEADING_NUMBER.match(ctx.f, m.start("num")) and "\n" in ctx.f[m.end("label"):m.start("num")]:
                continue  # a contents page: "5.1绩效评价得分\n5.2存在绩效问题" — the next heading's number
            if _CONTENTS_ENTRY.match(ctx.f, ctx.line_bounds(m.start())[0], m.start()) \
                    and _PAGE_NUMBER_END.match(ctx.f, m.end("num")):
                continue  # a contents page: "5.1绩效评价得分 30" — the entry's page number
            value = parse_number(m.group("num"))
            if not 0 <= value <= 100 and not (
                    value <= _BONUS_MAX and ctx.f[m.end():m.end() + 2].lstrip().startswith("分")):
                continue
            if value == 100 and ctx.found_from(_OTHER_SCORE, m.end(), ctx.sentence_bounds(m.start())[1]):
                continue  # "总分100分，自评得分95分": 100 is the maximum, not the score
            if value == 100 and _MAX_THEN_SCORE.match(ctx.f, m.start("label")):
                continue  # "总分 100 96": read below, as the form's row
            if value == 100 and m.group("label") == "总分" and _CELLS_AFTER.match(ctx.f, m.end("num")):
                continue  # "总分\t100\t95.5\t96": the form's points possible, more cells of figures after
            excluded = LOST_COMPONENT if in_component(ctx, m.start(), categories=False) else ""
            if not excluded and (_indicator_row(ctx, m.start()) or _one_indicator(ctx, m.start())
                                 or (value <= _EXECUTION_ITEM_MAX and _EXECUTION_BEFORE.search(ctx.f, max(0, m.start() - 16), m.start()))
                                 or (value < _TOTAL_MIN and not _TOTAL_WORD.search(m.group("label"))
                                     and ctx.f.startswith("分", m.end("num"))
                                     and not _GRADE_SAID.search(ctx.f, m.end(), ctx.sentence_bounds(m.start())[1]))):
                excluded = LOST_ITEM_SCORE
            options.append(Option(value, m.span("num"), m.group("label"), rank, f"“{m.group('label')}”",
                                  item=is_item(ctx, m.start(), headings=True) or _indicator_before(ctx, m.start()),
                                  excluded=excluded, slack=0.005))
    for m in _patterns()["max_score_grade_row"].finditer(ctx.f):
        # "100.00 | 94.04 | 优 |": a results table's total row whose label cell was lost,
        # the points possible, the points scored and the grade they earn — read only where
        # the grade is the one those points earn (94.04 is 优 on every scale that has 优)
        # and only where it closes its table: the rows above it, each its part's points
        # possible (and scored) and grade, add up to the 100 (15 + 55 + 20 + 10) — not a
        # scale's legend, one project's or unit's row, nor last year's; ranked below every
        # labelled total (a table's own 总分 row, a sentence's 自评得分)
        lo, hi = vocab().grade_ranges.get(re.sub(r"\s+", "", m.group("grade")), (1.0, 0.0))
        if not ctx.in_covered(m.start()) and lo <= (value := parse_number(m.group("num"))) < max(hi, 100.01) \
                and _parts_above_sum_to_100(ctx.f, m.start()):
            options.append(Option(value, m.span("num"), "总分", 4, "评价结果表合计行：各部分满分之和为100、得分与其等级相符",
                                  slack=0.005))
    for rx in (_MAX_THEN_SCORE, _MAX_THEN_SCORE_GLUED):
        for m in rx.finditer(ctx.f):
            if not ctx.in_covered(m.start()) and (value := parse_number(m.group("num"))) <= 100:
                options.append(Option(value, m.span("num"), m.group("label"), 1, "自评表“总分”行：满分100之后的得分",
                                      slack=0.005))
    if table_total is not None:
        options.append(Option(table_total.value, table_total.span, table_total.label, 3,
                              f"指标表“{table_total.label}”行", slack=0.005))
    elif "|" in ctx.f:
        # A total row of a table no header was read for ("总分 | 99.55分 | | |"): its one
        # number, written with 分, is the points scored.
        for m in _patterns()["points_row"].finditer(ctx.f):
            if not ctx.in_covered(m.start()) and 0 <= (value := parse_number(m.group("num"))) <= _BONUS_MAX:
                options.append(Option(value, m.span("num"), m.group("label"), 3,
                                      f"表格“{m.group('label')}”行", slack=0.005))
    return choose(options)


_PARTS_LOOKED_AT = 12  # rows above a total row read for its parts


def _parts_above_sum_to_100(f: str, pos: int) -> bool:
    """Whether the two or more rows right above the line at ``pos`` are a results table's
    parts (points possible, grade) whose points possible add up to 100."""
    total, rows = 0.0, 0
    lines = [ln for ln in f[max(0, f.rfind("\n", 0, max(0, pos - 1500))):pos].split("\n") if ln.strip()]
    for line in reversed(lines[-_PARTS_LOOKED_AT:]):  # (blank lines between rows or not)
        row = _patterns()["part_grade_row"].fullmatch(line)
        if row is None:
            break
        total += parse_number(row.group("max"))
        rows += 1
    return rows >= 2 and abs(total - 100) < 0.01


# A contents page's entry: a numbered heading (5.1…), its page number ending the line.
_CONTENTS_ENTRY = re.compile(r"\s*\d+\.\d+\s*[\u4e00-\u9fff]")
_PAGE_NUMBER_END = re.compile(r"[ \t.…·]*(?:\n|$)")

# Words that make a grade the report's overall one (综合评价等级为优), not a part's.
_OVERALL = re.compile(r"综合|总体|整体|最终")

# A number opening a line and running into words other than 分: a heading's number.
_HEADING_NUMBER = re.compile(r"\d+(?:\.\d+)*[、.]?\s*(?!分)[\u4e00-\u9fff]")

# "产出指标(50分)自评得分45分": the points of an indicator (or of a group of them).
_INDICATOR_BEFORE = re.compile(r"指标|\(\d{1,3}分\)")


# "…全年执行300万元,执行率100%,自评分20分": the points of the budget-execution item (worth
# 10 or 20 of the 100 on the 财预〔2020〕10号 form and local ones), stated right after its rate.
_EXECUTION_BEFORE = re.compile(r"执行率(?:为|达到?)?\s*\d{1,3}(?:\.\d+)?%[,;]\s*$")
_EXECUTION_ITEM_MAX = 20
# "自评得2分": no total on the 100-point scale of 财预〔2020〕10号 and the local schemes is
# this low (a report so poor is graded 差 well above it); an indicator's points are, where
# the page was cut before the next indicator's. A label naming a total (总分, 综合得分) keeps it.
_TOTAL_MIN = 30
_TOTAL_WORD = re.compile(r"总|综合|合计")
# "…自评得分28分,自评等级为“差”": a grade stated with the score makes it the total.
_GRADE_SAID = re.compile(r"等级|等次|评级|评定为|评价为")

# An indicator's row written in prose: its target and actual value before its points
# ("1.…免疫密度,年初目标值≥90%,实际完成值≥90%,自评得分20分;").
# (not all of them: "对照…设定的各项指标值进行打分,自评得分100分" scores the whole)
_INDICATOR_ROW = re.compile(r"(?<!各项)(?<!全部)(?<!所有)(?:目标值|完成值|指标值|实际值)")


def _indicator_row(ctx: Context, pos: int) -> bool:
    """Whether the score label at ``pos`` ends an indicator's row (its target and actual
    value since the last ; or the sentence start): that indicator's points, never the total."""
    lo = max(ctx.sentence_bounds(pos)[0], pos - 200)
    lo = max(lo, ctx.f.rfind(";", lo, pos) + 1)
    return bool(_INDICATOR_ROW.search(ctx.f, lo, pos))


# "…满意度达到95%,指标评价得分4分": the label names an indicator outright, and no word
# gathers the indicators into a whole (各项指标, 综合, 总体 …).
_ONE_INDICATOR = re.compile(r"(?<!各项)(?<!全部)(?<!所有)(?<!绩效)指标(?:自评|评价)?$")
_ALL_INDICATORS = re.compile(r"各|全部|所有|综合|总体|整体|合计|共")


def _one_indicator(ctx: Context, pos: int) -> bool:
    """Whether the words right before a score label at ``pos`` make it one indicator's
    points ("指标评价得分4分"), not the report's total."""
    clause = _clause_before(ctx, pos, 12)
    return bool(_ONE_INDICATOR.search(clause)) and not _ALL_INDICATORS.search(clause)


def _indicator_before(ctx: Context, pos: int) -> bool:
    """Whether the clause before a score label at ``pos`` names an indicator."""
    return bool(_INDICATOR_BEFORE.search(_clause_before(ctx, pos, 24)))


def _clause_before(ctx: Context, pos: int, reach: int) -> str:
    """The clause that ends at ``pos``: at most ``reach`` characters back, not past the
    sentence's start or a , ; : before it."""
    lo = max(ctx.sentence_bounds(pos)[0], pos - reach)
    return re.split(r"[,;:]", ctx.f[lo:pos])[-1]


def find_score(ctx: Context, table_total: Found | None) -> Found | None:
    """The report's own total score (see :func:`choose_score`), or None."""
    return as_found(choose_score(ctx, table_total))


def choose_grade(ctx: Context, score: Found | None, item_scores: tuple[Span, ...] = ()) -> Choice:
    """The grade as written, chosen from every statement of one: after a grade label
    (自评结果：优秀, 评价等为"优"), else right after the score ("98分，优秀"). A grade
    word split by a line break ("优 秀") is read whole. ``item_scores``: where scores that
    disagree were stated (no report score chosen); a grade in one's sentence is that
    item's ("…总得分为91.8分,评价等级为优秀" of each of ten projects) — where grades stand
    beside two of those scores that differ; one grade beside one of them (the report's
    92分 and 优秀, a 复核 or last year's 88分 elsewhere) is still the report's."""
    options: list[Option] = []
    beside: dict[int, str] = {}  # option index -> the disagreeing score its sentence states
    for m in _patterns()["grade"].finditer(ctx.f):
        grade = re.sub(r"\s+", "", m.group("grade"))
        # "综合评价等级为优，其中…48个项目评价等级为优有37个、为中有5个": the overall grade
        # outranks the grades the sentence goes on to count.
        overall = _OVERALL.search(ctx.f, max(0, m.start() - 4), m.start())
        excluded = LOST_COMPONENT if in_component(ctx, m.start(), categories=False) else ""
        if item_scores and not excluded:
            lo, hi = ctx.sentence_bounds(m.start())
            item = next(((a, b) for a, b in item_scores if lo <= a < hi), None)
            if item is not None:
                beside[len(options)] = ctx.f[item[0]:item[1]]
        options.append(Option(grade, m.span("grade"), m.group("label"), 1 if overall else 2,
                              f"“{overall.group() if overall else ''}{m.group('label')}”", excluded=excluded))
    if len(set(beside.values())) > 1:
        options = [replace(o, excluded=LOST_ITEM_GRADE) if i in beside else o for i, o in enumerate(options)]
    if not options and score is not None:
        after = ctx.f[score.span[1]:score.span[1] + 16]
        m = _patterns()["grade_after_score"].match(after)
        if m:
            lo = score.span[1] + m.start("grade")
            options.append(Option(re.sub(r"\s+", "", m.group("grade")), (lo, score.span[1] + m.end("grade")),
                                  "", 2, "紧接总分"))
    return choose(options)


LOST_ITEM_GRADE = "该句所写得分是多个不一致得分之一（各项分别评分），等级亦属该项"


def find_grade(ctx: Context, score: Found | None) -> Found | None:
    """The grade as written (see :func:`choose_grade`), or None."""
    return as_found(choose_grade(ctx, score))


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
        line_start = ctx.line_start(m.start())
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
        # "<digit>…分" closes every subtotal: a clause without one holds none (the
        # pattern's lazy label tried every start of the clause to find that out).
        m = _patterns()["subtotal"].search(clause) if "分" in clause and _POINTS.search(clause) else None
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
