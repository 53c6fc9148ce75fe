"""Choosing a field's value from the candidates the text offers, or abstaining.

Every figure field (budget, available, spent, execution rate, score, grade) is chosen
here from :class:`Option` rows the extractors found, by rules that say why one wins:
the rank of the words that name it, a stated total (共计/合计) of the others, agreement
of repeated statements. When candidates disagree and no rule decides, nothing is chosen:
the field stays null and the candidates are kept (``Report.candidates``) with the
reason each lost, for the analyst to see instead of a guess (issue 11, item 3).
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import re
from functools import lru_cache
from itertools import chain

from fiscal_eval.model import Candidate, Span
from fiscal_eval.parse.context import Context, cjk_count
from fiscal_eval.parse.vocab import vocab
from fiscal_eval.util.records import record

__all__ = ["Option", "Choice", "choose", "in_component", "in_list_sentence", "is_item", "LOST_LEVEL", "LOST_GHOSTED", "LOST_LISTED", "LOST_ITEM_SCORE",
           "LOST_MASKED", "LOST_UNIT_SLIP"]

# Why a candidate lost, in the words an analyst reads (Chinese, like every message).
LOST_RANK = "表述级别较低（有更明确的表述）"
LOST_ITEM = "分项数字，不是总数"
LOST_COMPONENT = "所在章节只述其中一个组成部分"
LOST_PART = "合计的组成部分"
LOST_CONFLICT = "与其他候选值不一致，文中未见合计"
LOST_REPEAT = "同一数值，取首次出现处"
LOST_LEVEL = "分级资金之一（文中列了多级资金，未见合计）"
LOST_LISTED = "并列列举的数额之一，文中未见合计"
LOST_ITEM_SCORE = "单项指标的得分，不是总分"
LOST_MASKED = "文中同类数额被网站遮挡（看不到数值），无法确定哪一个是报告的总数"
LOST_GHOSTED = "文中数字成对重影（如106.5106.5），这个数的数字也成对，读不准"
LOST_UNIT_SLIP = "同一数字一处写“元”、一处写“万元”，单位笔误，不能确定是哪一个"


@record
class Option:
    """A value the text offers for a field, with what the choice rules need to know.

    ``rank``: the rank of the words naming it (vocab.toml; lower is better).
    ``total``: it is a stated total of amounts listed with it ("…，共计X万元", "共X万元，
    其中…"). ``level``: the funding level it is an allocation of (中央, 省级 …): amounts
    of different levels are different money even when equal. ``item``: one item of a
    breakdown (分项目如下…, 一是…), never the report's own figure while the report states
    one. ``excluded``: why it is a candidate that can never be chosen (stated in a section
    about one named component; read from a form row that contradicts itself). ``slack``: values within this of each other agree (rounding).
    """

    value: Any
    span: Span
    label: str
    rank: int
    reason: str
    total: bool = False
    level: str = ""
    item: bool = False
    excluded: str = ""  # why it is shown but can never be chosen (a component's figure …)
    slack: float = 0.0
    ref: Any = None  # the extractor's own record, handed back with the choice


@record
class Choice:
    """The option chosen (None when the text does not decide) and every candidate."""

    option: Option | None
    candidates: tuple[Candidate, ...]
    reason: str = ""

    @property
    def value(self) -> Any:
        return None if self.option is None else self.option.value


def _agree(a: Option, b: Option) -> bool:
    if a.level and b.level and a.level != b.level:
        return False  # 省级下拨3.89万元 and 市级下拨3.89万元 are two sums, not one stated twice
    if isinstance(a.value, (int, float)) and isinstance(b.value, (int, float)):
        return abs(a.value - b.value) <= a.slack + b.slack + 1e-9 * max(1.0, abs(a.value))
    return a.value == b.value


def _closes(total: Option, options: Sequence[Option]) -> bool:
    """Whether ``total`` comes after, and is no smaller than, every option of another value."""
    return all(_agree(o, total) or (o.span[0] <= total.span[0] and isinstance(o.value, (int, float))
                                    and isinstance(total.value, (int, float)) and o.value <= total.value)
               for o in options)


def _summed(total: Option, options: Sequence[Option]) -> bool:
    """Whether the other values (each counted once) add up to ``total``'s: two or more."""
    rest = {o.value for o in options if not _agree(o, total)}
    if len(rest) < 2 or not all(isinstance(v, (int, float)) for v in (*rest, total.value)):
        return False
    return abs(sum(rest) - total.value) <= 0.5 * len(rest)


def _one_value(options: Sequence[Option]) -> list[Option] | None:
    """The options, earliest first, when they all state one value (else None). Linear:
    a 20,000-row table offers 20,000 candidates."""
    ordered = sorted(options, key=lambda o: o.span[0])
    first = ordered[0]
    return ordered if all(_agree(first, o) for o in ordered) else None


def choose(options: Sequence[Option], *, keep_single: bool = False) -> Choice:
    """The option the rules choose, or None when the candidates disagree undecided.

    Rules, in order: items of a breakdown give way to figures that are not items; the
    best rank of naming words wins; equal values stated several times are one value;
    between different values, a stated total (共计/合计 over the others) wins when it is
    at least as large as each of them; else nothing is chosen.

    >>> a = Option(90560000.0, (0, 5), "中央下达", 3, "下达", level="中央")
    >>> b = Option(8040000.0, (9, 13), "省级下达", 3, "下达", level="省级")
    >>> c = choose([a, b])
    >>> c.option is None, [x.lost for x in c.candidates] == [LOST_CONFLICT] * 2
    (True, True)
    >>> t = Option(98600000.0, (20, 26), "共计", 3, "下达", total=True)
    >>> choose([a, b, t]).value
    98600000.0
    """
    if len(options) == 1 and not options[0].excluded and _agree(options[0], options[0]):
        # One candidate, not excluded: it is chosen, for its own reason (what the rules
        # below come to for it, without their lists: most fields have one candidate).
        o = options[0]
        return Choice(o, _candidates(options, o, o.reason, {}) if keep_single else (), o.reason)
    lost: dict[int, str] = {id(o): o.excluded for o in options if o.excluded}
    whole = [o for o in options if not o.excluded]
    if not whole:
        return Choice(None, _candidates(options, None, "", lost))
    pool = [o for o in whole if not o.item] or whole
    # Items only, and no total closing them ("一是…合计75万元,…预算完成率100%。二是…100%";
    # "1. …安排资金5548万元,实际到位资金共5548万元… 2.…17万元": the first item's own 共):
    # each is one item's, and however often one value recurs the report states no whole.
    # A total after every other value, and above it, closes the list ("1、…300万元;2、…200万元,
    # 合计500万元"); one the other values add up to heads it ("1.县财政共安排资金500万元。
    # 2.其中:路面修补300万元。3.桥涵维护200万元"), wherever they are written again.
    if all(o.item for o in whole) and not any(o.total and (_closes(o, whole) or _summed(o, whole)) for o in whole):
        pool = []
    # Items only, where the report stated figures of its own that were declined ("中央下达
    # 1969万元", "配套安排市级161万元": levels, no total; then "二是安排…147万元"): one item
    # is not the whole the report states, it is no choice at all.
    if pool is whole and any(o.item for o in whole) and any(not o.item for o in options if o.excluded):
        pool = []
    if len(pool) < len(whole):
        for o in whole:
            if o.item:
                lost[id(o)] = LOST_ITEM
    if not pool:
        return Choice(None, _candidates(options, None, "", lost))
    best = min(o.rank for o in pool)
    top = [o for o in pool if o.rank == best]
    for o in pool:
        if o.rank != best:
            lost[id(o)] = LOST_RANK
    same = _one_value(top)
    chosen: Option | None = None
    reason = ""
    if same is not None:
        chosen = same[0]
        reason = chosen.reason if len(same) == 1 else f"{chosen.reason}；同一数值出现{len(same)}次"
        for o in same[1:]:
            lost[id(o)] = LOST_REPEAT
    else:
        numbers = [o.value for o in top if isinstance(o.value, (int, float))]
        biggest = max(numbers) if len(numbers) == len(top) else None
        totals = None if biggest is None else [o for o in pool if o.total and o.value >= biggest]
        same_total = _one_value(totals) if totals else None
        if same_total is not None:
            chosen = same_total[0]
            reason = f"{chosen.reason}；文中所列合计"
            for o in top:
                if not _agree(o, chosen):
                    lost[id(o)] = LOST_PART
            for o in same_total[1:]:
                lost[id(o)] = LOST_REPEAT
        else:
            for o in top:
                lost[id(o)] = LOST_CONFLICT
    if chosen is not None and (slips := _unit_slips(chosen, whole)):
        # "全年预算数2089元" beside "预算资金合计2089万元": one of them has the wrong unit,
        # and the better-ranked wording does not say which; a 10,000-fold error is worse
        # than a blank.
        for o in (chosen, *slips):
            lost[id(o)] = LOST_UNIT_SLIP
        chosen, reason = None, ""
    if chosen is not None:
        lost.pop(id(chosen), None)
    candidates = _candidates(options, chosen, reason, lost)
    if chosen is not None and len(candidates) == 1 and not keep_single:
        candidates = ()
    return Choice(chosen, candidates, reason)


def _unit_slips(chosen: Option, options: Sequence[Option]) -> list[Option]:
    """Options stating the chosen amount's digits in the other unit (元 for 万元, or the
    reverse): exactly 10,000 times or a 10,000th of it."""
    v = chosen.value
    if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 1:
        return []
    return [o for o in options if isinstance(o.value, (int, float)) and not isinstance(o.value, bool)
            and o.value >= 1 and any(abs(o.value - v * k) <= 1e-6 * max(o.value, 1.0) for k in (1e4, 1e-4))]


def _candidates(options: Sequence[Option], chosen: Option | None, reason: str,
                lost: dict[int, str]) -> tuple[Candidate, ...]:
    return tuple(
        Candidate(value=o.value, span=o.span, label=o.label,
                  reason=reason if o is chosen else o.reason, chosen=o is chosen,
                  lost="" if o is chosen else lost.get(id(o), LOST_RANK))
        for o in sorted(options, key=lambda o: o.span[0])
    )


# ------------------------------------------------------------------ what a figure is part of

# "一是…", "①…", "(2)…" opening the stretch before a figure: one item of an enumeration.
_ENUMERATED = re.compile(r"(?:^|[,:;])\s*(?:[一二三四五六七八九十]{1,2}是|[①-⑳]|\(\d{1,2}\)|\d{1,2}(?:[、)]|\.(?!\d)))")
# A flattened page runs an item on from the heading before it ("共有5个项目1、烈士纪念设施
# 维修项目:预算…"): "N、" right after a Chinese word opens one too (not 第1、2, 2023年1、2月;
# not a code's digits, H5、H7 or PM10、PM2.5). (Its own pattern, searched where a 、 is: an
# alternative of the one above doubled its scan.) It counts from 1: a run-on "12、" that
# follows no "11、" is a count written before its measure word (乡镇12、行政村86个), and
# "附件1、附件2" (the word again, numbered) a series of names, neither an enumeration.
_RUN_ON_ITEM = re.compile(r"\d(?<=[\u4e00-\u9fff]\d)(?<![第年月日]\d)\d?、(?=[\u4e00-\u9fff])")
_RUN_ON_REACH = 300  # characters looked back for the item before a run-on one


# How far after an enumeration mark a form's or report's title may end ("1、重庆市梁平区
# 林业局2023年度部门整体绩效自评表"): a unit's name and a year before the genre words.
_TITLE_REACH = 48


def in_component(ctx: Context, pos: int, *, categories: bool = True) -> bool:
    """Whether ``pos`` lies in a section about one named fund or project of several
    (vocab.toml [totals].component), or about a sample of them ([totals].sample), or (with
    ``categories``) under a category's run-in heading ([totals].category): its figures are
    that component's, sample's or category's, not the report's."""
    return _component_titles(ctx.chain_titles(pos)) or (categories and _under_category(ctx, pos))


_CATEGORY_REACH = 1500  # characters looked back for a category's heading line
_CATEGORY_HEAD = 8000  # characters of the text that must name several categories


def _category_at(ctx: Context, start: int, end: int) -> re.Match[str] | None:
    """The category heading opening the line at ``start`` (not one of [totals].category_not)."""
    v = vocab()
    m = v.category.match(ctx.f, start, end)
    return m if m is not None and not v.category_not.search(m.group("name")) else None


def _several_categories(ctx: Context) -> bool:
    cached = getattr(ctx, "_several_categories", None)
    if cached is None:
        head = ctx.f[:_CATEGORY_HEAD]
        cached = "类" in head and (
            len({m.group("name") for line in _CATEGORY_LINE.finditer(head)
                 if (m := _category_at(ctx, line.start(), line.end())) is not None}) >= 2
            or vocab().categories_several.search(head) is not None)
        ctx._several_categories = cached  # type: ignore[attr-defined]
    return cached


_CATEGORY_LINE = re.compile(r"(?m)^[^\n]*类[:：]")


def _under_category(ctx: Context, pos: int) -> bool:
    """Whether ``pos`` is on a line opening with a category's run-in heading ("土壤污染
    防治类:…") in a text naming several, or on a line after one that announces its details
    ("具体情况如下:"), in the same section, stating no whole."""
    f = ctx.f
    lo = max(0, pos - _CATEGORY_REACH)
    at = f.rfind("类", lo, pos)
    if at < 0:
        return False
    chain = ctx.chain(pos)
    if chain:
        lo = max(lo, chain[-1].span[0])
    here = f.rfind("\n", 0, pos) + 1
    while at >= lo:
        start = f.rfind("\n", 0, at) + 1
        if start < lo:
            return False
        end = f.find("\n", start)
        end = len(f) if end < 0 else end
        if _category_at(ctx, start, end) is not None:
            if not _several_categories(ctx):
                return False
            if start == here:
                return True
            v = vocab()
            line_end = f.find("\n", pos)
            return v.category_details.search(f, start, end) is not None \
                and v.category_whole.search(f, here, len(f) if line_end < 0 else line_end) is None
        at = f.rfind("类", lo, start - 1) if start > lo else -1
    return False


@lru_cache(maxsize=4096)
def _component_titles(titles: tuple[str, ...]) -> bool:
    v = vocab()
    for title in titles:
        t = title.strip()
        if (v.component.search(t) and not v.component_not.search(t)
                and cjk_count(t) >= 4) or v.sample.search(t):
            return True
    return False


# A line that ends by opening a list ("…合计7505万元,已支出2171.13万元。其中:"): the
# lines after it, in the same section, are its items.
_LIST_LINE_END = re.compile(r"其中\s*[:：]?[ \t]*$")
_LIST_REACH = 1500  # characters looked back for such a line


def _under_list_line(ctx: Context, pos: int) -> bool:
    f = ctx.f
    line_start = f.rfind("\n", 0, pos) + 1
    floor = max(0, line_start - _LIST_REACH)
    at = f.rfind("其中", floor, line_start)
    if at < 0:
        return False
    end = f.find("\n", at)
    if end < 0 or end >= line_start or not _LIST_LINE_END.match(f, at, end):
        return False
    here, there = ctx.chain(pos), ctx.chain(at)
    return bool(here) == bool(there) and (not here or here[-1] == there[-1])


# A sentence opening with a list word: what it states are parts of a whole named before.
LIST_OPENING = re.compile(r"\s*(?:其中|分别为|分别是)")


def in_list_sentence(ctx: Context, pos: int) -> bool:
    """Whether the figure at ``pos`` is in a sentence that opens with 其中 ("共有8个支出项目。
    其中,法院执行年初预算数6万元…"): a part of a whole said before, never the whole."""
    return bool(LIST_OPENING.match(ctx.f, ctx.sentence_bounds(pos)[0], pos))


def _run_on_items(f: str, lo: int, stretch: str) -> Iterator[re.Match[str]]:
    """The run-on enumeration marks in ``stretch`` (``f[lo:…]``) that open an item: "1、",
    or "N、" after an "N-1、" not far before; not "附件1、附件2" (the word before the number
    again after the 、, numbered: a series of names)."""
    for m in _RUN_ON_ITEM.finditer(stretch):
        number = m.group().rstrip("、")
        if number != "1" and f"{int(number) - 1}、" not in f[max(0, lo + m.start() - _RUN_ON_REACH):lo + m.start()]:
            continue
        word = re.escape(stretch[m.start() - 1])
        if re.match(rf"[\u4e00-\u9fff]{{0,3}}?{word}\d", stretch[m.end():m.end() + 6]):
            continue
        yield m


def is_item(ctx: Context, pos: int, *, headings: bool = False) -> bool:
    """Whether the figure at ``pos`` is one item of a breakdown: its sentence opens one
    ("分项目如下：…"), or the stretch since the last ; or sentence start is enumerated."""
    f = ctx.f
    sentence_start = ctx.sentence_bounds(pos)[0]
    if vocab().breakdown.match(f[sentence_start:sentence_start + 24]):
        return True
    if _under_list_line(ctx, pos):
        return True
    return item_words(ctx, pos, headings=headings) is not None


def item_words(ctx: Context, pos: int, *, headings: bool = False) -> str | None:
    """The words of the enumerated item ("一是…", "1、…", "(2)…") the figure at ``pos``
    is in, from its mark to the figure; None when no mark opens the stretch before it.
    A numbered heading run in ("1.项目资金到位情况:…") opens no item of a breakdown — its
    figures are the report's own — unless ``headings`` (an indicator group's points,
    "1.预算执行完成情况:…自评得分4.44分", are one item of the total score)."""
    f = ctx.f
    sentence_start = ctx.sentence_bounds(pos)[0]
    # Looked for in the last 200 characters only: a sentence may be a whole flattened file.
    floor = max(sentence_start, pos - 200)
    lo = max(floor, f.rfind(";", floor, pos) + 1)
    title = vocab().meta["title"]
    stretch = f[lo:pos]  # sliced: the marks may open it ("^")
    for m in chain(_ENUMERATED.finditer(stretch), _run_on_items(f, lo, stretch) if "、" in stretch else ()):
        # "1、部门整体绩效自评表 …": a numbered form or report (a document preview's
        # page), whose figures are its own, not one item of a breakdown; "1.项目资金到位
        # 情况:该项目年初预算资金为16万元": a numbered heading of the report's own, run in.
        if not title.search(stretch, m.end(), m.end() + _TITLE_REACH) \
                and (headings or not _run_in_heading(stretch, m.end())):
            return stretch[m.end():]
    return None


def own_item(words: str) -> bool:
    """Whether an item's words open as the report's own aspect of its money (vocab.toml
    [totals].own_heading: 预算执行情况, 资金支出, 资金执行率…), not one project or fund of several."""
    return vocab().own_heading.match(words) is not None


def _run_in_heading(stretch: str, at: int) -> bool:
    """A numbered heading of the report's own run into its text ("1.项目资金到位情况:该项目
    年初预算资金为16万元"): its own words, then 情况/分析 and a colon or stop."""
    m = vocab().own_heading.match(stretch, at)
    return m is not None and _HEADING_END.match(stretch, m.end()) is not None


_HEADING_END = re.compile(r"[^,;:。\d]{0,8}?(?:情况|分析|说明|概况)?[:。]")
