"""Amounts: every number-and-unit of the report, the role its label gives it, and the
report's budget / available / spent / balance chosen from them.

No judgement here: an amount's role comes from the words that name it (vocab.toml);
whether the amounts agree is the audit's business.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from fiscal_eval.model import SENTENCE_END, Candidate, FundLine, Role
from fiscal_eval.parse.choose import (item_words, own_item, LOST_COMPONENT, LOST_LEVEL, LOST_LISTED, LOST_GHOSTED, LOST_ITEM, LOST_MASKED, LOST_PART, LOST_RANK, LIST_OPENING,
                                      Choice, Option, choose,
                                      in_component, is_item)
from fiscal_eval.parse.context import Context, cjk_count, clean_label
from fiscal_eval.parse.flat_forms import flat_form, glued_rates
from fiscal_eval.parse.forms import FundGrid, declared_unit, fund_grid, grid_row, per_unit, read_cell, row_label, table_unit
from fiscal_eval.parse.metadata import find_title, several_projects
from fiscal_eval.parse.numbers import UNIT_YUAN, decimals_of, find_amounts, parse_amount
from fiscal_eval.parse.vocab import vocab
from fiscal_eval.util.records import record

__all__ = ["Amount", "extract_amounts", "choose_funds", "role_of", "FIELD_ROLES", "one_of_the_titles_funds"]

# How far below its own rank choose_funds ranks an allocation (下达) standing in for a role.
_STAND_IN = 10
# Report fields filled from fund roles.
FIELD_ROLES = {
    "budget_yuan": "budget",
    "available_yuan": "available",
    "spent_yuan": "spent",
    "balance_yuan": "balance",
}


@record
class Amount:
    """A fund line while parsing, with the rank of the words that named it."""

    line: FundLine
    rank: int
    # Roles this amount may also stand for when nothing better is stated
    # (下达 = allocated: the budget, and what arrived).
    fallback: tuple[str, ...] = ()
    # What the choice rules need (see choose.Option): a stated total of amounts listed
    # with it, the funding level it is an allocation of, one item of a breakdown.
    total: bool = False
    level: str = ""
    item: bool = False
    component: bool = False
    excluded: str = ""  # why it may be shown but never chosen (a form row that contradicts itself)
    reason: str = ""  # why it is a candidate, in words (the label words it was named by)


@lru_cache(maxsize=16384)
def role_of(label: str) -> tuple[Role, int, str]:
    """(role, rank, the words matched) for a label, by the first matching vocab entry."""
    for entry in vocab().amounts:
        m = entry.pattern.search(label)
        if m:
            return entry.role, entry.rank, m.group(0)  # type: ignore[return-value]
    return "other", 9, ""


def _is_bare(label: str, matched: str) -> bool:
    """A label that is only the role word ("预算安排"): its subject is earlier in the sentence."""
    rest = label.replace(matched, "", 1)
    # Cleaning only takes characters away: fewer than two before it, fewer after.
    return cjk_count(rest) < 2 or cjk_count(clean_label(rest)) < 2


def _plan_context(ctx: Context, pos: int) -> bool:
    """Whether the innermost section that says so is about the budget as planned."""
    return _plan_titles(ctx.chain_titles(pos))


@lru_cache(maxsize=4096)
def _plan_titles(titles: tuple[str, ...]) -> bool:
    v = vocab()
    for title in reversed(titles):
        if v.section_actual.search(title):
            return False
        if v.section_plan.search(title):
            return True
    return False


def _assign(label: str, ctx: Context, pos: int, sentence_start: int,
            after_budget: bool = False) -> tuple[Role, int, tuple[str, ...]]:
    v = vocab()
    if "分别" in label and _respective(ctx.f[max(sentence_start, pos - _WORDS_REACH):pos]):
        return "other", 9, ()
    role, rank, matched = role_of(_untitled(label))
    if role == "spent" and rank == _PAID_OUT_RANK and "拨付" in matched and not _paid_out(ctx, pos, sentence_start):
        role, rank, matched = "income", 3, "拨付"  # (money issued, as the words read before)
    if role in ("budget", "available", "spent", "income"):
        if _is_bare(label, matched):  # the subject is the sentence so far
            part = (ctx.found_before(v.subject_part, sentence_start, pos) and not v.subject_whole.search(label)
                    and not _title_subject(ctx, ctx.f[sentence_start:pos]))
        else:
            part = _names_a_part(ctx, label)
        if part:
            return "other", 9, ()
    # (unless the sentence stated the budget first: "全年预算数1761.58万元,本年度总支出
    # 1688.46万元" sets what was spent against it)
    # A figure whose own words say it is actual (总支出决算数, 实际支出) is no plan
    # whatever its section ("一、预算批复及资金基本情况" goes on to the year's 决算) —
    # unless they name another year than the title's ("2023年支出决算650万元" in a 2024
    # report's budget section: the year before, set beside this year's plan).
    if role == "spent" and not after_budget and _plan_context(ctx, pos) and not (
            _ACTUAL.search(label) and not _another_year(ctx, _since_figure(ctx, sentence_start, pos), pos)):
        return "other", 9, ()
    # "已申请专项债券资金支付9600万元", "计划支付…", "拟支出…": money asked for or meant to
    # be paid, not paid
    if role == "spent" and _NOT_YET_PAID.search(label):
        return "other", 9, ()
    # "12月26日下达省级第二批资金指标85.84万元": one batch of the year's allocations is
    # money issued, as any 下达 is, not the budget its 资金指标 would otherwise name.
    if role == "budget" and _ALLOCATED.search(label) and _NAMED_BATCH.search(label):
        return "income", max(rank, 3), ("budget",)
    fallback: tuple[str, ...] = ()
    # A level's grant to the writer ("省级拨付我区…", see _granted) and bond money secured
    # (争取, see _sought) are money issued as 下达 is, only for the income they name and
    # not where their words name another year than the title's ("2022年度省级拨付我局…"
    # in a 2023 report: that year's money).
    secured = role == "income" and "争取" in matched
    granted = role == "income" and ((matched == "拨付" and _granted(label)) or matched.endswith("获得"))
    if secured or granted:
        lo = _since_figure(ctx, sentence_start, pos)
        if secured and (_sought(ctx, lo, pos) or _another_year(ctx, lo, pos)):
            return "other", 9, ()
        granted = granted and not _another_year(ctx, lo, pos)
    granted = granted or secured
    # The same guards for money 下达 (the reviews of the two rules above found 下达 open to
    # them): an allocation planned, asked for, counted over years or set as a target
    # ("计划下达…", "2019年以来共下达…"), or one under next steps, is money issued, not
    # this year's budget. (Not another year's by the title's year: titles and bodies
    # disagree on years too often, 提前下达 most of all.)
    if role == "income" and not granted and _ALLOCATED.search(matched):
        if _NOT_ISSUED.search(ctx.f, _since_figure(ctx, sentence_start, pos), pos) or _next_steps(ctx, pos):
            return role, rank, ()
    # Money 下达 (issued) to the unit stands for the budget, and for what arrived only
    # when the report says it all arrived (到位率 100%, 全部到位 in the same sentence):
    # "下达我县…资金200万元" alone says what was allocated, not what arrived.
    if not (granted or _ALLOCATED.search(label)):
        return role, rank, fallback
    arrived = _said_to_arrive(ctx, pos)
    if role == "income" and (granted or _ALLOCATED.search(matched)):
        fallback = ("budget", "available") if arrived else ("budget",)
    elif role == "budget" and arrived:
        fallback = ("available",)
    elif role == "available" and _ALLOCATED.search(matched):
        # "实际下拨166万元": money issued to the unit arrived, and stands for its budget
        # ("收到上级下拨…" names what was received, not what was allocated).
        fallback = ("budget",)
    return role, rank, fallback


# "全年预算数、全年执行数分别为120万元、110万元": names of several stages before 分别为 and their
# figures after it, in order. The figure nearest the words is not the last name's (that is
# the last figure's); the names are not matched to the figures here, so none takes one.
_RESPECTIVELY = re.compile(r"(?P<names>[^,，;；。:：]*)分别(?:为|是|达到?)?[:：]?\s*$")
_NAMES_APART = re.compile(r"[、和及与]")


def _respective(words: str) -> bool:
    """Whether ``words`` (those before a figure) name two or more stages of money (budget,
    arrived, spent …) that 分别为 gives their figures in order (see :data:`_RESPECTIVELY`)."""
    m = _RESPECTIVELY.search(words)
    if m is None:
        return False
    roles = {role_of(name)[0] for name in _NAMES_APART.split(m.group("names")) if name}
    return len(roles & {"budget", "available", "spent", "income", "balance"}) >= 2


# In the sentence of money 已拨付: words that it arrived (到位, 到账), that it was passed on
# to others (拨付至/给/项目实施单位/主管部门/乡镇, 分解下达, 拨付对象), or a date before the
# year's end (截至6月底, 截至2024年9月): then it is money issued, or not the year's.
_NOT_PAID_OUT = re.compile(r"到位|到账|拨付(?:到|至|给)|拨付(?:各|项目(?:实施|主管)|实施单位|主管部门|乡镇|本单位|我)"
                           r"|分解下达|下达至|拨付对象|(?:截至|截止)(?:\d{4}年)?(?:[1-9]|1[01])月"
                           # a giver paying out earlier in the sentence ("县财政局按进度拨付资金,目前已拨付
                           # 80万元"; not one that allocated: "财政下达项目资金50万元,目前已拨付10万元");
                           # money of years before (含以前年度, 历年, 以来)
                           r"|(?:财政|上级)[^,，;。]{0,8}(?:拨付|下拨)[^,，;。]{0,12}[,，;；]|以前年度|历年|以来")
# Between 拨付 and the figure, a unit the money went to that passes it on or spends it as its
# own (已拨付项目单位…, 已拨付12个乡镇资金…, 已拨付县农业农村局…, 已拨付32所学校…): not the
# writer's spending (a contractor or household paid is: 已拨付施工单位工程款, 已拨付农户…).
_PASSED_TO = re.compile(r"拨付(?!施工|承建|中标)(?:(?![\d.]+\s*(?:亿元|万元|元))[^,，;；。]){0,10}?(?:单位|乡镇|街道|[局委厅办]|学校|医院|卫生院|中心|部门|县|区|市)"
                        r"(?=[^,，;；。]{0,6}?[\d.]+\s*(?:亿元|万元|元))")
# A report written by a finance bureau: the money it 拨付 is passed down, not spent by it.
_FINANCE_WRITER = re.compile(r"财政[局厅]")
_RECIPIENT_AFTER = re.compile(r"[\d.,，]+\s*(?:亿元|万元|元)(?:资金)?(?:到|至|给)")


_PAID_OUT_RANK = 3  # vocab.toml's rank for money 已拨付 (not 完成拨付, 拨付使用: spending outright)


def _paid_out(ctx: Context, pos: int, sentence_start: int) -> bool:
    """Whether money its words say was 已拨付 / 共拨付 (vocab.toml: paid out) is what the
    report's unit spent in the year: not where its sentence says it arrived, was passed on
    or is of years before (_NOT_PAID_OUT), its recipient follows the figure (已拨付50万元到
    各乡镇) or comes before it (_PASSED_TO), its words name another year than the title's,
    it lies under next steps, a finance bureau writes (it passes money down) or the report
    is a department's (its money paid out is one item of its spending)."""
    lo, hi = ctx.sentence_bounds(pos)
    words = _since_figure(ctx, sentence_start, pos)
    title = find_title(ctx)
    return not (ctx.search_in(_NOT_PAID_OUT, lo, hi) or _RECIPIENT_AFTER.match(ctx.f, pos)
                or _PASSED_TO.search(ctx.f, words, pos + 24)
                or (title is not None and _FINANCE_WRITER.search(str(title.value)))
                or _another_year(ctx, words, pos)
                or _next_steps(ctx, pos) or _department_title(ctx))


def _department_title(ctx: Context) -> bool:
    """Whether the report's title names a department's whole spending (部门整体支出…)."""
    title = find_title(ctx)
    return title is not None and bool(vocab().meta["department_title"].search(str(title.value)))


def _names_a_part(ctx: Context, label: str) -> bool:
    """Whether a label names a part of the money (基本支出, 三公经费 …) the title does not
    make the report's whole."""
    v = vocab()
    return (v.subject_part.search(label) is not None and not v.subject_whole.search(label)
            and not _title_subject(ctx, label))


def _title_subject(ctx: Context, words: str) -> bool:
    """Whether every part word in ``words`` ([subject].part) is one the report's title
    names as its own subject ("…局2023年度项目支出绩效单位自评报告": there 项目支出 is
    the whole the report evaluates, not a part of it)."""
    title = find_title(ctx)
    # A title naming the department's whole spending too (部门整体及项目支出…): there the
    # project spending is a part of that whole.
    if title is None or _department_title(ctx):
        return False
    assert isinstance(title.value, str)  # find_title's value is the title line's text
    named = {m.group() for m in vocab().subject_part.finditer(title.value)}
    if not named:
        return False
    used = {m.group() for m in vocab().subject_part.finditer(words)}
    return bool(used) and used <= named


# "(含…)" asides: a list word inside one does not itemise the amounts after it.
_PARENTHESISED = re.compile(r"\([^()]*(?:\)|$)")


def _unparenthesised(text: str) -> str:
    """``text`` without its "(…)" asides (scanned only where one opens)."""
    return _PARENTHESISED.sub("", text) if "(" in text else text


_LEVEL_WORD = r"(?:中央|省级?|自治区|市级?|州级?|县级?|区级?)"
_LEVELS_JOINED = re.compile(rf"{_LEVEL_WORD}(?:财政)?(?:及|和|与|、){_LEVEL_WORD}")
# "该项目财政拨入资金30万元…" in a report counting several projects: that project's money.
_ONE_OF_SEVERAL = re.compile(r"\s*(?:该|此)项目")
_NOT_YET_PAID = re.compile(r"申请[^,;。]{0,10}?(?:支付|拨付|支出)|(?<!按)(?:计划|拟|预计|待)(?:支付|支出|使用|拨付)")
_ACTUAL = re.compile(r"决算|实际")
_ALLOCATED = re.compile(r"下达|下拨")  # money issued to the unit: the budget it was given
# "省级拨付我区…资金62万元": a level's grant to the writer is issued money too; 拨付 alone
# may be a payment made. The grantor stands right before 拨付: "我局共拨付本县购机农户…",
# "拨付我县各乡镇…", "申请拨付我局…" are payments on, or money asked for; and a level
# paying within its own area ("县财政拨付本县购机农户…") pays money on (see _granted).
_GRANTED = re.compile(r"(?P<by>(?:中央|自治区|省|市|州|县|区|旗|盟|上级)级?(?:财政(?:局|厅|部)?|政府)?|财政(?:局|厅|部)?|政府)"
                      r"(?:已|共|累计|先后|及时|足额|全额|分批){0,2}拨付给?(?:我|本)(?P<to>[县市区州旗盟乡镇局委办])")
# Bond money 争取 ("争取债券资金2.62亿元", the special-bond template) is not money issued
# where its words plan, need or ask for it, count it over several years, or set it as a
# target ("尚需争取…", "申请争取…", "2020年以来争取…", "项目累计争取…", "年度目标:争取…").
# Money counted over several years, or set as a target: no year's money issued (both below).
_OVER_YEARS_OR_TARGET = (r"目标(?:任务)?[:：为是]|\d{4}年?\s*(?:-|—|~|至|到)\s*\d{4}|近[一二两三四五六七八九十\d]+年|历年"
                         r"|[一二两三四五六七八九十\d]年来")
_NOT_SECURED = re.compile(r"计划(?!总?投资)|拟|力争|预计|将(?=争取)|下一步|继续|[尚仍还]需|需要?(?:再|继续|进一步)?争取|有待|待争取|累计|"
                          r"未能|未争取|申请|申报|\d年以来|多年|" + _OVER_YEARS_OR_TARGET)
# What says an allocation (下达) is not this year's money issued: planned, asked for, counted
# over years, a target ("下达资金计划" is an allocation plan issued: money issued).
_NOT_ISSUED = re.compile(r"(?:计划|拟|预计|将|待|申请|争取|力争)(?:于[^,;。]{0,10})?下[达拨]|以来|" + _OVER_YEARS_OR_TARGET)
_YEAR = re.compile(r"(20\d\d)\s*年")


def _granted(label: str) -> bool:
    """Whether ``label`` names a level's grant to the writer (_GRANTED): to a unit, or to
    an area of another level than the grantor's (自治区 grants to 我区, 县财政 not to 本县)."""
    return any(m.group("to") in "局委办" or m.group("to") not in m.group("by").replace("自治区", "")
               for m in _GRANTED.finditer(label))


# How far back a figure's own words are read (a sentence with no stop may run on for pages:
# reading it all again for each of its figures would cost the square of its length).
_WORDS_REACH = 120


def _since_figure(ctx: Context, sentence_start: int, pos: int) -> int:
    """Where the words of the figure at ``pos`` start: after the figure before it in its
    sentence ("申报债券资金5亿元,争取到位债券资金2.62亿元": 申报 is the first's), at most
    _WORDS_REACH characters back."""
    lo = start = max(sentence_start, pos - _WORDS_REACH)
    for m in find_amounts(ctx.f[start:pos]):
        lo = start + m.end()
    return lo


def _another_year(ctx: Context, lo: int, pos: int) -> bool:
    """Whether ``ctx.f[lo:pos]`` names a year (20xx年), none of them one its title names."""
    named = set(_YEAR.findall(ctx.f, lo, pos))
    title = find_title(ctx) if named else None
    own = set(_YEAR.findall(str(title.value))) if title is not None else set()
    return bool(own) and not named & own


def _sought(ctx: Context, lo: int, pos: int) -> bool:
    """Whether bond money 争取 at ``pos`` is money sought, not secured in the year: so
    said in its words from ``lo``, the figure before it in its sentence (_NOT_SECURED;
    "申报债券资金5亿元,争取到位债券资金2.62亿元" secured the second), in a section of
    next steps (四、下一步工作: "继续做好项目储备,争取债券资金2亿元"), or by a department,
    whose bonds won for its region are its work, not the money it was given."""
    return _NOT_SECURED.search(ctx.f, lo, pos) is not None or _next_steps(ctx, pos) or _department_title(ctx)


def _next_steps(ctx: Context, pos: int) -> bool:
    """Whether ``pos`` is in a section of next steps (四、下一步工作, 改进措施 …): money there
    is planned, not this year's."""
    return any(vocab().improvements.search(t) for t in ctx.chain_titles(pos))


_NAMED_BATCH = re.compile(r"第[一二三四五六七八九十\d]+批|首批|批次")
_CLAUSE_END = re.compile(r"[,;:。!?\n]")
# A list under money planned or allocated (budget, 下达 income, what arrived) ends at money
# of a later stage named by its own words (what arrived, what was spent).
_STAGE_BEFORE = ("budget", "income", "available")
_STAGE_AFTER = ("available", "spent")
# A cited document's title (《…关于下达…预算的通知》): its words name the notice, not the amount.
_TITLES = re.compile(r"《[^《》]*》")


def _untitled(text: str) -> str:
    """``text`` without the cited titles in it (_TITLES; scanned only where one opens)."""
    return _TITLES.sub("", text) if "《" in text else text


# When money was spent or arrived, and filler: not a subject of the money.
_WHEN = re.compile(r"截[至止]?[^,;]*?(?:日|底|末|前)|目前|当前|年底|年末|全年|本年度|本年|年度|当年|年内|累计|已|共|资金|全部")


def _subjectless(label: str) -> bool:
    """Whether a label is only its role words, a time and filler ("截至12月31日已支付")."""
    _, _, matched = role_of(label)
    rest = _WHEN.sub("", label.replace(matched, "", 1)) if matched else label
    return cjk_count(rest) < 2


def _prose_amounts(ctx: Context, shift: int = 0) -> list[Amount]:
    """Amounts in prose. A line item's ``parent`` is an index into the document's list,
    where ``shift`` table amounts come before these."""
    v = vocab()
    f = ctx.f
    out: list[Amount] = []
    # Per sentence: the index (in out) of the last amount, and where a list began.
    sent: tuple[int, int] | None = None
    orphan = False  # the sentence opens a list whose whole has no figure before it
    last_idx: int | None = None
    list_parent: int | None = None
    first_named: int | None = None  # the first amount of the sentence a role names
    markers: list[int] = []  # amounts with a total marker and nothing listed before them
    incomplete: dict[int, int] = {}  # list total -> how far its items are marked incomplete
    totals_before = False  # the sentence opens with a total of the one before (below)
    prev_sent: list[int] = []  # the amounts of the sentence before this one, and of this one
    this_sent: list[int] = []
    found = find_amounts(f)
    if "(含" in f or "(其中" in f:
        found = heapq.merge(found, _bare_with_parts(f), key=lambda m: m.span()[0])
    for m in found:
        start, end = m.span()
        if ctx.in_covered(start):
            continue
        bounds = ctx.sentence_bounds(start)
        # A heading glued into the running text ("…正常运转二、项目资金使用…") starts a new
        # topic, as a new sentence does: no list or total reaches over it.
        if bounds == sent and last_idx is not None and _GLUED_HEADING.search(f, out[last_idx].line.span[1], start):
            last_idx, list_parent, first_named = None, None, None
        if _standard(f, start, end, bounds[0]):
            # "按生均1000元安排", "每人500元": a rate per head, not money of the report; it
            # is listed (as "other") but neither itemises nor is totalled with the rest.
            num, unit = m.group("num"), m.group("unit")
            out.append(Amount(FundLine(label=clean_label(ctx.left_clause(start, bounds[0])[0]), role="other",
                                       amount_yuan=parse_amount(num, unit), span=(start, end), unit=unit,
                                       context=ctx.context_path(start), decimals=decimals_of(num)),
                              9, reason="标准（按人/户计），不是资金总数"))
            continue
        if bounds != sent:
            carried = last_idx
            prev_sent, this_sent = this_sent, []
            sent, last_idx, list_parent, first_named = bounds, None, None, None
            # "…实际支出3,050.12万元。其中：基本支出…": a sentence that opens with a
            # list word itemises the last amount of the sentence before, on the same line;
            # with no such amount ("共有8个支出项目。其中,法院执行预算数6万元…") its
            # figures are parts of a whole stated without one, never the whole.
            orphan = False
            # "…精神障碍社区康复服务项目338.93万元;…项目3万元。共计下达…资金3580.69万元。": a
            # sentence opening with a total word sums the sentence before on its line
            totals_before = (carried is not None and _TOTAL_OPENING.match(f, bounds[0]) is not None
                             and "\n" not in f[out[carried].line.span[1]:bounds[0]])
            # — when it is their sum (a 合计 of two of three items, one level's share, a
            # total over several years is no total of that list)
            if totals_before:
                parts = [out[j].line for j in prev_sent if out[j].line.parent is None]
                value = parse_amount(m.group("num"), m.group("unit"))
                own_digit = 0.5 * 10 ** -decimals_of(m.group("num")) * float(UNIT_YUAN.get(m.group("unit"), 1))
                slack = own_digit + sum(_slack(p) for p in parts) + 1e-6 * max(1.0, value)
                totals_before = len(parts) >= 2 and abs(sum(p.amount_yuan for p in parts) - value) <= slack
            if LIST_OPENING.match(f, bounds[0]):
                if carried is not None and "\n" not in f[out[carried].line.span[1]:bounds[0]]:
                    list_parent = carried
                else:
                    orphan = True
        floor = out[last_idx].line.span[1] if last_idx is not None else bounds[0]
        clause, clause_start = ctx.left_clause(start, max(floor, bounds[0]))
        # A list word between the previous amount and this one opens an itemisation
        # of the previous amount ("…600651.81元,其中:网络通讯费579380.00元").
        if last_idx is not None and list_parent is None and v.list_items.search(_unparenthesised(f[floor:start])):
            list_parent = last_idx
        # A heading glued into the clause ("…项目(二)资金及项目绩效目标我校…安排"): the
        # figure's words start after it.
        clause, clause_start = _after_heading(clause, clause_start)
        label = clean_label(clause)
        # A total marker states a total of what is listed with it: amounts before it in
        # the sentence, its 其中 items, or the clause before ("分2批次下达…，合计X万元").
        # A marker alone ("共支出成本35.3万元" of one project) is no such total.
        stated_total = last_idx is not None or totals_before
        if ((not label or v.total_marker.fullmatch(label)) and last_idx is None
                and clause_start > bounds[0] and v.total_marker.search(clause)):
            # "…下达我区…资金，合计13,804万元": the total's words are the clause before.
            clause, clause_start = ctx.left_clause(clause_start - 1, bounds[0])
            clause += f[clause_start + len(clause):start]
            clause, clause_start = _after_heading(clause, clause_start)
            label = clean_label(clause)
            stated_total = True
        # "财政安排支出共计87.06万元": the total word the label lost (clean_label drops
        # 共计) is part of the role's words (支出共计).
        trailing = _TRAILING_TOTAL.search(clause) if "共计" in clause else None
        role_label = label + trailing.group(1) if trailing and not label.endswith(trailing.group(1)) else label
        role, rank, fallback = _assign(role_label, ctx, start, bounds[0],
                                       after_budget=last_idx is not None and out[last_idx].line.role == "budget")
        reason = _reason(role_label)
        # "2021年批复…项目9个,项目资金1950万元", "…专项资金项目共计113个,财政资金3267.28万元":
        # money named only as the project's (or as fiscal) money takes the allocation verb
        # (批复/下达/安排/分配) of its sentence, when no amount came before it there:
        # allocated, so the budget where nothing names one better.
        # Not money planned, counted over years, of another year than the title's, or set
        # beside the investment it draws ("2019年以来…累计安排…", "2024年计划安排…",
        # "财政资金300万元带动社会投资1500万元").
        if (role == "other" and last_idx is None and _BARE_MONEY.fullmatch(label)
                and (allocating := _ALLOCATING.search(_untitled(f[bounds[0]:clause_start])))
                and not _NOT_ISSUED.search(f, bounds[0], start) and not _PLANNED.search(f, bounds[0], start)
                and not _another_year(ctx, bounds[0], start) and not _LEVERING.match(f, end)):
            role, rank, fallback = "income", 3, ("budget",)
            reason = f"“{label}”（句中“{allocating.group()}”）"
        # "该项目经费共35万元", "项目资金为30万元": the project's money as a whole, its
        # sentence's first amount, is its budget where no wording names one better (in a
        # department's report, 项目资金 is the project part of the department's money).
        elif (role == "other" and last_idx is None and v.subject_project.fullmatch(label)
              and not _department_title(ctx)):
            role, rank = "budget", 5
            reason = f"“{label}”（项目资金总额）"
        # "…下达9,056万元，省级下达804万元，共计9,860万元": a total named only by its marker
        # is a total of the money listed before it in the sentence, and takes its role.
        marked = bool(v.total_marker.search(clause))
        if marked and stated_total and role == "other" and cjk_count(label) <= 2 and first_named is not None:
            named = out[first_named]
            role, rank, fallback = named.line.role, named.rank, named.fallback
            reason = f"合计（所列{_reason(named.line.label) or named.line.label}）"
        # "…下达…463142万元;…下达…163455万元;…44440万元;…资金合计671037万元": a total
        # named by its marker alone that is the sum of the amounts of one role just before
        # it takes their role.
        if marked and role == "other" and not v.subject_part.search(label):
            summed = _sum_of_run(out, parse_amount(m.group("num"), m.group("unit")), f, start)
            if summed is not None:
                named = out[summed]
                role, rank, fallback = named.line.role, named.rank, named.fallback
                reason = f"合计（等于前列{_reason(named.line.label) or named.line.label}之和）"
                stated_total = True
        # "…资金2179万元目前已全部拨付": the same clause says the amount all arrived.
        if role != "available" and v.all_arrived.search(_CLAUSE_END.split(f[end:end + 24], 1)[0]):
            fallback = tuple(dict.fromkeys(fallback + ("available",)))
            reason = reason or "“全部到位”"
        # "到位资金117万元,已全部完成支出": the words right after say it was all spent.
        # Only money of this year's stages (a carryover or balance all spent is last year's).
        if role in ("budget", "available", "income") and v.all_spent.search(f[end:end + 32]):
            fallback = tuple(dict.fromkeys(fallback + ("spent",)))
        # "共下达资金180万元，其中中央100万元、省级80万元，已支付180万元": money that
        # arrived or was spent, named by its own words, is no part of a list under the
        # money allocated: it ends the list ("预算100万元，其中已支出80万元": spent 80).
        # Only money with no subject of its own: "甲项目实际支出60万元" under a list is an item.
        if (list_parent is not None and role in _STAGE_AFTER
                and out[list_parent].line.role in _STAGE_BEFORE and role != out[list_parent].line.role
                and _subjectless(label)):
            list_parent = None
        # "全区执行数1032849.44(含中央资金689139.31万元、地方资金…)": money in a bracket that
        # opens with 含/其中 is a part of the figure before it, never the whole (unless the
        # bracket names a stage of its own: "到位100万元(其中:已支付85万元)")
        if role != "other" and (op := f.rfind("(", bounds[0], start)) >= 0 and f.find(")", op, start) < 0 \
                and _PART_BRACKET.match(f, op + 1) and role_of(_untitled(f[op + 1:start]))[0] == "other":
            role, rank, fallback = "other", 9, ()
            reason = "括号内“含……”所列部分"
        parent = None
        if list_parent is not None and not ctx.in_parentheses(bounds[0], start):
            parent, role, rank, fallback = list_parent, "line_item", 9, ()
        num, unit = m.group("num"), m.group("unit")
        line = FundLine(
            label=label,
            role=role,
            amount_yuan=parse_amount(num, unit),
            span=(start, end),
            unit=unit,
            parent=None if parent is None else parent + shift,
            context=ctx.context_path(start),
            decimals=decimals_of(num),
        )
        # "下达…中央及自治区就业补助资金共33832.24万元": money of two levels together is no
        # one level's — but a level still, beside another level's money, unless a total word
        # says it is the whole ("下达中央、省级资金1000万元,县级配套资金200万元": two shares)
        joined = _LEVELS_JOINED.search(label)
        level = None if joined else v.fund_level.search(label)
        if joined and marked:
            joined = None  # "共下达…中央及自治区…资金共33832.24万元": stated as the whole
        out.append(Amount(line, rank, fallback, total=marked and stated_total,
                          level=joined.group() if joined else _CENTRAL.get(level.group(1), level.group(1)) if level else "",
                          item=(item := is_item(ctx, start)), component=in_component(ctx, start),
                          excluded=LOST_PART if orphan and parent is None
                          # (the count first: it is cached, the item's words are read again)
                          else LOST_ITEM if (several_projects(ctx) and (_ONE_OF_SEVERAL.match(f, bounds[0])
                                             or (item and not marked and names_project_item(ctx, start))
                                             or _under_project_item(f, start)))
                          or (not marked and _numbered_projects_item(f, bounds[0], start)) else "",
                          reason=reason))
        if marked and not stated_total:
            markers.append(len(out) - 1)
        last_idx = len(out) - 1
        this_sent.append(last_idx)
        if first_named is None and role in ("budget", "available", "spent", "income"):
            first_named = last_idx
        # "…1.33万元等": the list names only some of the items.
        if parent is not None and f[end:end + 2].lstrip().startswith("等"):
            # Items come after their total, and those before incomplete[parent] are marked.
            _mark_incomplete(out, parent + shift, incomplete.get(parent, parent + 1))
            incomplete[parent] = len(out)
    # "共下达…1,206万元，其中：中央…": a marked total with its parts listed after it.
    # Parts by funding level (中央…、省级…、市级…) make it the whole allocation: the budget.
    levels: dict[int, set[str]] = {}
    for a in out:
        if a.line.parent is not None:
            levels.setdefault(a.line.parent, set()).add(a.level)
    for i in markers:
        if i + shift in levels:
            a = out[i]
            # Not money received or spent ("收到…共2330.9万元"), nor money the vocabulary
            # names as no stock of the budget ("纳入绩效评价的资金共43485万元": the scope).
            if (len(levels[i + shift] - {""}) >= 2 and "budget" not in a.fallback
                    and a.line.role not in ("budget", "available", "spent")
                    and not (a.line.role == "other" and role_of(_untitled(a.line.label))[2])):
                a = replace(a, fallback=a.fallback + ("budget",), reason=a.reason or "分级资金的合计")
            out[i] = replace(a, total=True)
        elif out[i].line.role in ("budget", "income", "available", "spent"):
            # "合计下达我区…53106万元。…下达各市县…39565.55万元,安排自治区本级…13540.45万元":
            # the amounts right after a marked total that sum to it are its parts.
            parts = _sum_after(out, i, f)
            if parts:
                out[i] = replace(out[i], total=True)
                for j in parts:
                    out[j] = replace(out[j], item=True)
    # "…参与绩效评价的项目共4个,共计44万元。具体情况如下:1.…安排经费12万元。2.…": a
    # marked total its words do not name, whose parts after it are money of one role
    # summing to it, is that money's total (they its items, it the whole).
    for i in sorted({*markers, *(k for k, a in enumerate(out) if a.total)}):
        a = out[i]
        if (a.line.role == "other" and a.line.parent is None and not a.item and not a.excluded
                and not role_of(_untitled(a.line.label))[2] and not v.subject_part.search(a.line.label)
                # (not a sample's: "本次共抽取项目3个,涉及资金共计31万元")
                and not v.sample.search(f, *ctx.sentence_bounds(a.line.span[0]))
                and (parts := _sum_after(out, i, f))):
            role = out[parts[0]].line.role
            out[i] = replace(a, total=True, fallback=tuple(dict.fromkeys(a.fallback + (role,))),
                             reason=a.reason or f"合计（等于其后所列{_reason(out[parts[0]].line.label) or role}之和）")
            for j in parts:
                out[j] = replace(out[j], item=True)
    # "安排财政衔接资金2110万元,其中中央资金1413万元、省级资金621万元、县级资金76万元":
    # no total word, but its parts, of two or more funding levels, sum to it to their
    # stated digits: the figure is the whole of those levels' money.
    # (Not a region's whole, "全县安排…1000万元,其中…": in a project's report that is the
    # money the project is a part of.)
    children: dict[int, list[Amount]] = {}  # (each list once: a compilation has thousands)
    for a in out:
        if a.line.parent is not None:
            children.setdefault(a.line.parent, []).append(a)
    for i, a in enumerate(out):
        if (not a.total and a.line.role in ("budget", "income", "available")
                and len(levels.get(i + shift, set()) - {""}) >= 2 and _levels_sum_to(a, children[i + shift])
                and not _REGION_WIDE.search(f, ctx.sentence_bounds(a.line.span[0])[0], a.line.span[0])):
            out[i] = replace(a, total=True)
    _mark_level_shares(out, shift)
    _arrived_after_parts(out, ctx, shift, children)
    _mark_listed(out, f, ctx)
    _mark_levels(out)
    _mark_named_components(out, f)
    return out


# Money named by no verb, only as the project's (or fund's) money.
_PART_BRACKET = re.compile(r"含|其中|包括")
_BARE_MONEY = re.compile(r"(?:项目|专项|预算|财政)?(?:资金|经费)(?:总额)?")
_ALLOCATING = re.compile(r"批复|下达|安排|分配|下拨")
_PLANNED = re.compile(r"计划|拟|预计|累计")
_LEVERING = re.compile(r"\s*(?:带动|撬动|吸引|拉动)")


# A heading glued into running text: "二、", "(三)" (a figure's own "1、" is not one).
# 一、 is left out: in running text it ends words (统一、唯一、) more often than it opens one.
_GLUED_HEADING = re.compile(r"(?<![第一])[二三四五六七八九十]{1,2}、|\([一二三四五六七八九十]{1,2}\)")
# A rate per head or unit before or after a figure: "生均1000元", "每人500元", "300元/人".
_STANDARD_BEFORE = re.compile(r"(?:生均|人均|户均|亩均|每(?:人|生|户|亩|名|位|个|辆|次|年|月)[^\d,;:]{0,3}|标准(?:为|是)?)\s*$")
_STANDARD_AFTER = re.compile(r"\s*/\s*(?:人|生|户|亩|名|年|月|次|辆|个)")
# "…情况:1、档案管理项目资金:2016年县财政安排30万元…;2、县档案馆建设项目资金:…": items
# numbered, each opening with its own project's name and a colon.
_NUMBERED_PROJECT = re.compile(r"(?:^|(?<=[,:;。]))\s*(?P<n>\d{1,2})、(?P<name>[^,:;。\d]{2,24}?)项目(?:资金|经费)?[:：]")
# A name made only of words for a year, source, level or stage of money ("1、年度预算项目资金:",
# "2、上年结转项目资金:", "1、中央补助项目资金:", "3、实际支出项目资金:") or for a part of a
# report ("2、主要建设项目:", "2、产出项目:"): one project's money by kind, no project's name.
_MONEY_KIND_NAME = re.compile(
    r"(?:本|上|当|以前|年度?|年初|年中|追加|调整|预算|安排|结转|结余|中央|省级|省|市级|市|县级|县|区级|区|本级|上级|地方|"
    r"财政|补助|配套|专项|自筹|其他|到位|实际|支出|执行|拨付|下达|拨款|主要|建设|实施|子|产出|效益|绩效|一般公共|"
    r"政府性基金|转移支付|对下|部门|单位|资金|经费|的|和|及|、|\s)+")
# …unless it is a level's share of the money ("1、中央补助项目资金:…;2、县级配套项目资金:…"):
# a part of one project's, no more the whole than another project's money.
_LEVEL_NAME = re.compile(r"(?:中央|省级|省|市级|市|州级|州|县级|县|区级|区|本级|上级|地方|财政|补助|配套|专项|自筹|转移支付|"
                         r"对下|对地方|的|和|及|、|\s)+")
# Between an item and its sibling: no line break, no heading of a new part ("(二)", "二、").
_ITEMS_APART = re.compile(r"\n|\([一二三四五六七八九十]{1,2}\)|(?<![第一])[二三四五六七八九十]{1,2}、")


# A line opening with a numbered item that names a project ("1.理论学习专项。…安排经费12万元。",
# "(二)农村公路养护项目:…"): where the text counts several projects, its figures are that
# one's, even with the items after it cut from the page.
_PROJECT_ITEM_LINE = re.compile(r"[ \t]*(?:\d{1,2}[.、．](?!\d)|[(（][一二三四五六七八九十\d]{1,2}[)）])[ \t]*"
                                r"(?P<name>[^,:;。\d\n]{2,24}?)(?:项目|专项)(?:资金|经费)?[。:：]")


def names_project_item(ctx: Context, pos: int) -> bool:
    """Whether the figure at ``pos`` is in an enumerated item of one project or fund ("1、
    农村公路日常养护:…", "一是乙河镇甲村肉牛养殖小区建设,…"), not one of the report's own
    aspects of its money, numbered ("1.预算执行情况:", "(2)资金支出:", "一是资金执行率…")."""
    words = item_words(ctx, pos)
    return words is not None and not own_item(words)


def _under_project_item(f: str, pos: int) -> bool:
    m = _PROJECT_ITEM_LINE.match(f, f.rfind("\n", 0, pos) + 1, pos)
    return m is not None and not _kind_only(m.group("name"))


def _kind_only(name: str) -> bool:
    return bool(_MONEY_KIND_NAME.fullmatch(name)) and not _LEVEL_NAME.fullmatch(name)


def _numbered_project_at(f: str, k: int) -> re.Match | None:
    m = _NUMBERED_PROJECT.match(f, k) if k >= 0 else None
    return m if m is not None and not _kind_only(m.group("name")) else None


def _numbered_projects_item(f: str, lo: int, pos: int) -> bool:
    """Whether the figure at ``pos`` is under one of two or more numbered items, each
    naming its project ("1、档案管理项目资金:…30万元;2、县档案馆建设项目资金:…"): one
    project's money of several, never the report's whole. Items naming money by kind
    (1、年度预算项目资金, 2、上年结转项目资金) are one project's; a sibling past a line
    break or a new part's heading is another list's."""
    item = None
    for item in _NUMBERED_PROJECT.finditer(f, max(lo, pos - 120), pos):
        pass
    if item is None or _kind_only(item.group("name")):
        return False
    nxt = f.find(f"{int(item.group('n')) + 1}、", pos, pos + 400)
    before = f.rfind(f"{int(item.group('n')) - 1}、", max(0, item.start() - 400), item.start())
    return (nxt >= 0 and not _ITEMS_APART.search(f, pos, nxt) and _numbered_project_at(f, nxt) is not None) \
        or (before >= 0 and not _ITEMS_APART.search(f, before, item.start()) and _numbered_project_at(f, before) is not None)


class _UnitFromParts:
    """A figure written without its unit, the unit its bracket of parts gives (a match's
    ``span()`` and ``group("num"|"unit")``, as the amount finder's)."""

    __slots__ = ("_span", "_num", "_unit")

    def __init__(self, span: tuple[int, int], num: str, unit: str) -> None:
        self._span, self._num, self._unit = span, num, unit

    def span(self) -> tuple[int, int]:
        return self._span

    def group(self, name: str) -> str:
        return self._num if name == "num" else self._unit


_MEASURE_AFTER = re.compile(r"\s*(?:人|户|亩|个|名|次|家|所|处|公里|千米|米|平方|立方|吨|头|只|套|台|辆|项|座|间|张|份|册|株|棵|公顷|万(?!元))")
_BARE_BEFORE_PARTS = re.compile(r"(?<![\d.,])(?P<num>\d+(?:\.\d+)?)(?=\((?:含|其中)[:：]?)")


def _bare_with_parts(f: str) -> Iterator[_UnitFromParts]:
    """"全区执行数1032849.44(含中央资金689139.31万元,地方资金332524.99万元,其他资金
    11185.14万元)": a figure without its unit, followed by a bracket of two or more parts
    in one unit that add up to it (to their stated digits) — the figure is in that unit.
    Parts that do not add up to it say nothing of its unit: it stays unread."""
    for m in _BARE_BEFORE_PARTS.finditer(f):
        close = f.find(")", m.end(), m.end() + 200)
        parts = list(find_amounts(f[m.end():close])) if close > 0 else []
        units = {p.group("unit") for p in parts}
        # a bare 万 ("城镇0.5万,农村0.7万)人") may count people or mu; a measure word after the
        # bracket ("…)亩", "…)人次") says the figure is no money
        if len(parts) < 2 or len(units) != 1 or "万" in units or _MEASURE_AFTER.match(f, close + 1):
            continue
        unit = units.pop()
        value = parse_amount(m.group("num"), unit)
        total = sum(parse_amount(p.group("num"), unit) for p in parts)
        step = float(UNIT_YUAN.get(unit, 1))
        slack = 0.5 * step * (10 ** -decimals_of(m.group("num")) + sum(10 ** -decimals_of(p.group("num")) for p in parts))
        if value and abs(total - value) <= slack + 1e-6 * value:
            yield _UnitFromParts(m.span("num"), m.group("num"), unit)


_TOTAL_OPENING = re.compile(r"\s*(?:以上|上述|综上)?[,，]?\s*(?:共计|合计|总计)")
_TRAILING_TOTAL = re.compile(r"支出\s*(共计)\s*$")


def _after_heading(clause: str, start: int) -> tuple[str, int]:
    """The clause from just after the last heading glued into it."""
    if "、" not in clause and "(" not in clause:
        return clause, start  # no heading mark (二、, (三)) to find
    heading = None
    for heading in _GLUED_HEADING.finditer(clause):
        pass
    if heading is None:
        return clause, start
    return clause[heading.end():], start + heading.end()


def _standard(f: str, start: int, end: int, floor: int) -> bool:
    return bool(_STANDARD_BEFORE.search(f[max(floor, start - 8):start]) or _STANDARD_AFTER.match(f, end))


# How many amounts before a marked total its sum may take in ("…;…;…;合计").
_SUM_REACH = 8


def _sum_of_run(out: list[Amount], value: float, f: str, pos: int) -> int | None:
    """The index of the first of two or more amounts of one role (budget, income,
    available, spent) that come right before ``pos`` on its line and sum to ``value``."""
    total = 0.0
    role = None
    slack = 0.0
    line_start = f.rfind("\n", 0, pos)
    for k, j in enumerate(range(len(out) - 1, max(-1, len(out) - 1 - _SUM_REACH), -1)):
        a = out[j]
        if a.line.parent is not None or a.line.span[0] < line_start:
            return None
        if role is None:
            role = a.line.role
            if role not in ("budget", "income", "available", "spent"):
                return None
        elif a.line.role != role:
            return None
        total += a.line.amount_yuan
        slack += _slack(a.line)
        if k >= 1 and _sums_to(total, value, slack):
            return j
    return None


# How far after a marked total its parts may be stated (characters).
_PARTS_REACH = 1200


_REGION_WIDE = re.compile(r"全(?:县|市|省|区|州|旗|盟)")
# Words that deny or limit an arrival ("尚未全部到位", "未到位资金").
_NOT_ARRIVED = re.compile(r"未|尚|没有|不")
_AFTER_PARTS_REACH = 40  # characters of a sentence after a list that may say it all arrived
_MONEY_WORD = re.compile(r"资金|经费|款项")
_CLAUSE_BREAK = re.compile(r"[,，;；]")
_NOT_THE_WHOLE = re.compile(r"结转|结余|上年|配套|自筹|匹配")
_ARRIVED_LEVEL = re.compile(r"中央|省级|自治区|市级|州级|县级|区级|本级|地方")


# How far from an allocation (characters, either side, within its sentence) words saying the
# money all arrived are looked for (_said_to_arrive): a bound, so that a form glued into one
# "sentence" is not searched whole for each of its figures.
_ARRIVED_REACH = 400


def _said_to_arrive(ctx: Context, pos: int) -> bool:
    """Whether words in the sentence of the figure at ``pos`` say it all arrived (到位率100%,
    全部到位…) with no other money figure between them and it: "下达…500万元,县级配套资金50万元
    已全部到位" says so of the 50万元 only, and a glued form's 地方配套到位率100% after a
    dozen cells of other figures is none of the allocation's. Its parts after it ("…787.45万元,
    其中:中央资金414.45万元,省级资金373万元,已100%足额到位") are no other figure."""
    f = ctx.f
    lo, hi = ctx.sentence_bounds(pos)
    for m in vocab().all_arrived.finditer(f, max(lo, pos - _ARRIVED_REACH), min(hi, pos + _ARRIVED_REACH)):
        if m.start() >= pos:
            between = f[pos:m.start()]
            between = between[:parts.start()] if (parts := _PARTS_OPEN.search(between)) else between
            figures = [x for x in find_amounts(between) if x.start() > 0]  # (past the figure itself)
        else:
            figures = list(find_amounts(f[m.end():pos]))
        if not figures:
            return True
    return False


_PARTS_OPEN = re.compile(r"其中|包括|含")


def _arrived_after_parts(out: list[Amount], ctx: Context, shift: int, children: dict[int, list[Amount]]) -> None:
    """"安排资金19204.096万。其中,央省…、市级…、县级3845.986万元,资金已全部到位" and "下达…资金
    2263万元。其中:…18万元。中央资金已全部到位。": words that the money all arrived, after the
    list of a figure's parts (ending its 其中 sentence, or a short sentence of their own with
    no figure), or after a figure alone in its sentence, say it of the whole: what arrived
    is the figure itself."""
    v = vocab()
    f = ctx.f
    last = {parent: max(a.line.span[1] for a in parts) for parent, parts in children.items()}
    # ("下达…补助资金2.00万元。\n财政资金已全部到位。": a figure alone in its sentence, the
    # short sentence after it.)
    bounds = [ctx.sentence_bounds(a.line.span[0]) for a in out]
    in_sentence = Counter(bounds)
    alone = set()
    for k, a in enumerate(out):
        if k + shift not in last and a.line.parent is None and in_sentence[bounds[k]] == 1:
            last[k + shift] = a.line.span[1]
            alone.add(k + shift)  # (its own sentence's words are read as ever, by _assign)
    for parent, end in last.items():
        i = parent - shift
        if not 0 <= i < len(out) or out[i].line.role not in ("budget", "income") or "available" in out[i].fallback:
            continue
        hi = ctx.sentence_bounds(end - 1)[1]
        tail = "" if parent in alone else f[end:hi]
        if not tail.strip(" ,，;；。"):
            lo = hi + 1
            while lo < len(f) and f[lo] in " \t\n\u3000":  # (the next sentence may start a line)
                lo += 1
            hi = ctx.sentence_bounds(lo)[1] if lo < len(f) else lo
            tail = f[lo:hi] if hi - lo <= _AFTER_PARTS_REACH else ""
        said = v.all_arrived.search(tail)
        if said is None or _NOT_ARRIVED.search(tail) or next(find_amounts(tail), None) is not None:
            continue
        # The words' subject is the money itself: 资金已全部到位, or the level the whole is
        # of (中央资金, under 中央水利发展资金) — not one of the parts' levels (中央资金 under
        # 中央…、县级…), last year's or matching money, nor equipment or staff.
        subject = _CLAUSE_BREAK.split(tail[:said.start()])[-1]
        level = _ARRIVED_LEVEL.search(subject)
        parts_levels = {a.level for a in children.get(parent, ())}
        if (not _MONEY_WORD.search(subject) or _NOT_THE_WHOLE.search(subject)
                or (level and (level.group() in parts_levels or level.group() not in out[i].line.label))):
            continue
        out[i] = replace(out[i], fallback=out[i].fallback + ("available",), reason=out[i].reason or _reason(out[i].line.label))


LOST_LEVEL_SHARE = "等于文中某合计所列一级资金的数额，是该级的份额，不是总数"


def _mark_level_shares(out: list[Amount], shift: int) -> None:
    """"县本级预算安排的衔接资金为11.3万元" beside "安排…134.3万元,其中中央资金73万元、…、
    县级资金11.3万元": a figure equal to one level's part of a stated total is that
    level's share stated again, not the whole. Only of a total that is itself money
    allocated: "纳入绩效评价的资金共43485万元，其中中央资金10401万元…" is the scope of an
    evaluation, whose central part is the central transfer's whole budget."""
    shares: dict[float, set[str]] = {}  # value -> the levels it is a part of
    for a in out:
        if a.level and a.line.parent is not None and _whole_allocation(out[a.line.parent - shift]):
            shares.setdefault(a.line.amount_yuan, set()).add(a.level)
    if not shares:
        return
    for i, a in enumerate(out):
        # Only a figure whose own words name that level ("县本级…11.3万元" for 县级资金11.3万元):
        # a project's budget that happens to equal the central part is the project's own.
        if (a.line.parent is None and not a.total and not a.excluded and a.line.role in ("budget", "income")
                and any(_names_level(a.line.label, level) for level in shares.get(a.line.amount_yuan, ()))):
            out[i] = replace(a, excluded=LOST_LEVEL_SHARE)


def _names_level(label: str, level: str) -> bool:
    """Whether ``label`` names the funding ``level`` (县级 also as 县本级)."""
    return level in label or (level.endswith("级") and f"{level[0]}本级" in label)


def _whole_allocation(a: Amount) -> bool:
    """A stated total of money allocated (not the scope of an evaluation, an investment)."""
    return a.total and (a.line.role in ("budget", "income", "available") or "budget" in a.fallback)


def _levels_sum_to(whole_amount: Amount, listed: list[Amount]) -> bool:
    """Whether the items ``listed`` under ``whole_amount`` sum to it, to their stated digits."""
    parts = [a.line for a in listed]
    whole = whole_amount.line
    slack = _slack(whole) + sum(_slack(p) for p in parts)
    return len(parts) >= 2 and _sums_to(sum(p.amount_yuan for p in parts), whole.amount_yuan, slack)


def _sums_to(total: float, value: float, slack: float) -> bool:
    """Whether a sum ``total`` is ``value`` to the figures' stated digits (``slack``, half a
    last digit each), float error aside."""
    return abs(total - value) <= slack + 1e-6 * max(1.0, value)


def _sum_after(out: list[Amount], i: int, f: str) -> list[int]:
    """The indices of the two or more amounts right after ``out[i]`` (items of lists
    skipped) that sum to it, to their stated digits; [] when none do. Only money of a
    stage no later than the total's (a total allocated is not a sum of amounts spent);
    for a total that names no stage (role "other"), money of one role only."""
    value = out[i].line.amount_yuan
    one_role = None if out[i].line.role in _STAGE else ""
    stage = _STAGE.get(out[i].line.role, 2)
    total, slack, parts = 0.0, _slack(out[i].line), []
    for j in range(i + 1, min(len(out), i + 1 + _SUM_REACH)):
        a = out[j]
        if a.line.span[0] - out[i].line.span[1] > _PARTS_REACH or a.reason.startswith("标准"):
            return []
        if a.line.parent is not None or a.line.role not in _STAGE or a.line.role in ("balance", "carryover") \
                or _STAGE[a.line.role] > stage:
            continue
        if one_role is not None:
            if one_role and a.line.role != one_role:
                return []
            one_role = a.line.role
        total += a.line.amount_yuan
        slack += _slack(a.line)
        parts.append(j)
        if len(parts) >= 2 and _sums_to(total, value, slack):
            return parts
        if total > value + slack:
            return []
    return []


# Stages of money: a list ("A、B") does not run from one stage into a later one
# ("预算100万元、支出90万元" states two figures, not two items).
_STAGE = {"budget": 0, "income": 0, "available": 1, "spent": 2, "balance": 3, "carryover": 3}


def _mark_listed(out: list[Amount], f: str, ctx: Context) -> None:
    """Amounts listed side by side ("收到…中央补助1.5万元、…中央补助1.5万元") with no
    total of them: each is one of several, never the report's whole figure."""
    run: list[int] = []

    def close() -> None:
        if len(run) >= 2 and not any(out[i].total for i in run):
            for i in run:
                # A figure named by the vocabulary's most explicit words (调整后预算数,
                # 实际到位, 实际支出) states the report's own, list or not.
                if out[i].rank > 1:
                    out[i] = replace(out[i], excluded=out[i].excluded or LOST_LISTED)
        run.clear()

    for i, a in enumerate(out):
        if a.line.parent is not None or a.reason.startswith("标准"):
            close()
            continue
        if run:
            prev = out[run[-1]]
            between = f[prev.line.span[1]:a.line.span[0]]
            s_prev, s_here = _STAGE.get(prev.line.role), _STAGE.get(a.line.role)
            later = s_prev is not None and s_here is not None and s_here > s_prev
            if "、" in between and not _SEPARATE.search(between) and not later \
                    and ctx.sentence_bounds(a.line.span[0])[0] <= prev.line.span[0]:
                run.append(i)
                continue
            close()
        run.append(i)
    close()


_SEPARATE = re.compile(r"[,;:\n]|其中|合计|共计|总计")

# The roles whose allocations come by funding level.
_ALLOCATION_ROLES = ("budget", "income", "available", "other")


def _mark_levels(out: list[Amount]) -> None:
    """Allocations of two or more funding levels (中央下达…, 自治区下达…, 地方匹配…) with
    no stated total: each is one level's money, never the report's whole (the total,
    where stated, is a candidate of its own)."""
    levelled = [i for i, a in enumerate(out)
                if a.level and a.line.parent is None and not a.total and a.line.role in _ALLOCATION_ROLES]
    if len({_LEVEL_NAMES.get(out[i].level, out[i].level) for i in levelled}) < 2:
        return
    for i in levelled:
        out[i] = replace(out[i], excluded=out[i].excluded or LOST_LEVEL)


# 财政部下达: the central level's allocation, whoever writes it.
_CENTRAL = {"财政部": "中央"}
# Names of one level written several ways.
_LEVEL_NAMES = {"省本级": "省级", "自治区本级": "自治区", "市本级": "市级", "县本级": "县级", "区本级": "区级"}

# "…资金921.25万元,包含A、B、C项目": the components an amount is made of, named without amounts.
_CONTAINS = re.compile(r"\s*,?\s*(?:包含|包括)(?P<names>[^\d。;\n]{4,240}?)(?:等)?(?:[。;\n]|$)")
_NAME_SPLIT = re.compile(r"、|和|及")
_NAME_TAIL = re.compile(r"(?:等|项目|资金|经费)+$")
_SHARED_TAIL = 6  # characters a later label must share with the end of a listed name


def _mark_named_components(out: list[Amount], f: str) -> None:
    """A later amount named as one of the components an earlier amount lists ("…资金
    921.25万元,包含…原天保工程区国有林管护补助、…" then "…国有林管护补助444.2万元"):
    one item of that amount, not the whole."""
    names: list[str] = []
    for i, a in enumerate(out):
        if names and not a.item and a.line.parent is None and any(_names_part(a.line.label, n) for n in names):
            out[i] = replace(a, item=True)
        m = _CONTAINS.match(f, a.line.span[1])
        if m and "、" in m.group("names"):
            names += [_NAME_TAIL.sub("", n.strip()) for n in _NAME_SPLIT.split(m.group("names"))]
            names = [n for n in names if len(n) >= _SHARED_TAIL]


def _names_part(label: str, name: str) -> bool:
    if name in label:
        return True
    k = 0
    while k < min(len(label), len(name)) and label[-1 - k] == name[-1 - k]:
        k += 1
    return k >= _SHARED_TAIL


# "资金合计(万元) 年度预算资金总额): 1084.25", "计划安排资金 (万元) |\n700 |": a form
# field whose label declares the unit, and one bare number after a colon or in the next cell.
# (Blank lines between the cells, however many: pages print one, two or none.)
_UNIT_LINE = re.compile(r"\((?P<unit>亿元|万元|千元|元)\)(?:[^\n\d|]{0,40}[:：][ \t]*|[ \t]*\|?[ \t]*\n(?:[ \t\u3000]*\n)*+[ \t|]*)"
                        r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)[ \t|]*(?=\n|$)")


# A cell's label: a short line with no figure and no clause punctuation (prose has both).
_CELL_ABOVE = re.compile(r"(?:^|(?<=\n))([^\n\d,;。]{2,30})\n[ \t\u3000\n]*$")
_UNIT_ALONE = re.compile(r"[ \t\u3000]*\((?:亿元|万元|千元|元)\)[ \t\u3000]*\n[ \t\u3000\n]*$")
_BARE_NUMBER_NEXT = re.compile(r"[ \t\u3000|]*\n[ \t\u3000\n|]*-?\d[\d,.]*[ \t\u3000|]*(?:\n|$)")


def _cell_above(f: str, lo: int, figure_end: int) -> str:
    """The label cell on the line above a unit alone on its line ("计划安排资金\n(万元)\n170":
    a form flattened a cell a line), or "" when that line holds a figure or is long prose,
    and when the form was flattened a column at a time: the line above the label is a
    unit of its own too, or more bare numbers follow the figure ("年初预算数\n(万元)\n
    全年预算数\n(万元)\n264\n412.44": the header's cells, then the row's)."""
    m = _CELL_ABOVE.search(f, max(0, lo - 40), lo)
    if m is None or _BARE_NUMBER_NEXT.match(f, figure_end):
        return ""
    if _UNIT_ALONE.search(f, max(0, m.start() - 12), m.start()):
        return ""
    return m.group(1)


def _unit_line_amounts(ctx: Context) -> list[Amount]:
    """Bare numbers of form lines whose label declares the unit (a key-value form
    flattened to text): an amount only where the label's words give it a role."""
    out = []
    for m in _UNIT_LINE.finditer(ctx.f):
        start = m.start("num")
        if ctx.in_covered(start):
            continue
        lo = ctx.line_bounds(m.start())[0]
        head = ctx.f[lo:m.start()]
        if not head.strip():
            head = _cell_above(ctx.f, lo, m.end("num"))
        label = clean_label(head + ctx.f[m.end("unit") + 1:start].replace("|", " "))
        role, rank, matched = role_of(_untitled(label))
        if role not in ("budget", "available", "spent"):
            continue
        num, unit = m.group("num"), m.group("unit")
        line = FundLine(label=label, role=role, amount_yuan=parse_amount(num, unit), span=(start, m.end("num")),
                        unit=unit, context=ctx.context_path(start), decimals=decimals_of(num))
        out.append(Amount(line, rank, total=bool(vocab().total_marker.search(label)),
                          item=is_item(ctx, start), component=in_component(ctx, start),
                          reason=f"“{matched}”（单位见于标签）"))
    return out


def _reason(label: str) -> str:
    """Why an amount is a candidate, in words: the vocabulary words its label holds."""
    _, _, matched = role_of(_untitled(label))
    return f"“{matched}”" if matched else ""


def _mark_incomplete(out: list[Amount], parent: int, first: int = 0) -> None:
    for i in range(first, len(out)):
        a = out[i]
        if a.line.parent == parent:
            out[i] = replace(a, line=replace(a.line, complete=False))


def _table_amounts(ctx: Context) -> list[Amount]:
    """Amounts in form tables: rows named by role words ("预算安排 | (1) | 2700000"),
    and columns named by role words ("全年预算数 | 全年执行数") over rows of lines."""
    out: list[Amount] = []
    for table in ctx.tables:
        before = ctx.f[max(0, table.span[0] - 80):table.span[0]]
        unit = table_unit(table, before)
        columns: dict[int, tuple[Role, int, str]] = {}
        grid: FundGrid | None = None  # a 自评表 money grid (年初预算数 | 全年预算数 | 全年执行数 …)
        header: tuple[str, ...] = ()
        totals: dict[str, int] = {}  # column -> index in out of its total row
        # A total row read but not confirmed (no 执行率 cell): (index in out, cell, value)
        # of its amounts, confirmed by the next row when that restates them with a rate.
        unconfirmed: list[tuple[int, int, float]] = []
        for row in table.rows:
            labelled = row_label(row)
            if labelled is None or ctx.in_covered(row[0].span[0]):
                continue  # no words, or an indicator row already read as points
            li, label_text = labelled
            numeric = [(i, c, read_cell(c)) for i, c in enumerate(row) if i > li]
            numeric = [(i, c, val) for i, c, val in numeric if val is not None and not val.percent]
            texts = tuple(c.text for c in row)
            if not numeric:
                header_roles = {}
                for i, c in enumerate(row):
                    if i <= li or read_cell(c) is not None:
                        continue
                    role, rank, _ = role_of(c.text)
                    if role in ("budget", "available", "spent"):
                        header_roles[i] = (role, rank, c.text)
                new_grid = fund_grid(texts)
                if new_grid is not None or len(header_roles) >= 2:
                    columns, grid, header, totals = header_roles, new_grid, texts, {}
                    unit = declared_unit(" ".join(texts)) or unit  # "年度预算数(万元)": the grid's own
                continue
            label = clean_label(label_text)
            row_span = (row[0].span[0], row[-1].span[1])
            is_total = bool(_TOTAL_ROW.fullmatch(label))
            # Under role columns a total row states the role; other rows are its lines
            # ("其中：当年财政拨款", "1 | 网络费").
            hits = _grid_hits(grid, header, row, li, is_total) if grid is not None else None
            if hits is None and grid is None:
                hits = [(i, c, val, *columns[i], True, False) for i, c, val in numeric if i in columns]
            if hits:
                if unconfirmed and all(h[6] for h in hits):
                    # "年度资金总额 | 372.4 | 372.4 |" then "其中:财政拨款 | 372.4 | 372.4 | 100% |":
                    # the same numbers in the same cells, placed by the rate of the row under it
                    same = {(i, val.value) for i, _, val, *_ in hits}
                    if all((i, v) in same for _, i, v in unconfirmed):
                        for k, _, _ in unconfirmed:
                            out[k] = replace(out[k], excluded="")
                unconfirmed = []
                for i, c, val, role, rank, head, sound, contradicted in hits:
                    line = FundLine(
                        label=clean_label(label.removeprefix("其中")) or label,
                        role=role if is_total else "line_item",
                        amount_yuan=parse_amount(repr(val.value), val.unit or unit),
                        span=c.span,
                        unit=val.unit or unit,
                        parent=None if is_total else totals.get(head),
                        context=ctx.context_path(c.span[0]),
                        decimals=val.decimals,
                        measure=role,
                    )
                    out.append(Amount(line, rank if is_total else 9, total=is_total,
                                      excluded="" if sound else _UNSOUND,
                                      reason=f"表格“{label}”行“{head}”列"))
                    if is_total:
                        totals[head] = len(out) - 1
                        if not sound and not contradicted:
                            unconfirmed.append((len(out) - 1, i, val.value))
                ctx.cover(row_span)
                continue
            if grid is not None and (len(numeric) > 1 or any("%" in c.text for c in row[li + 1:])):
                # A row of the money grid whose cells it does not fill in a way the grid
                # confirms (a cell lost: "部门整体支出总额 | 864.2 | 100% | 20"): which
                # column a number is under is unknown, and its label's words do not say.
                # (A row of one figure, "实际支出 | 160", is a field of its own.)
                continue
            # A row named by its role words: the first number after the label (not a
            # part's: "基本支出总额 | 864.2万 | 项目支出总额 | 0").
            role, rank, matched = role_of(label)
            if role == "other" or _names_a_part(ctx, label):
                continue
            i, c, val = numeric[0]
            # "预算执行 | 预算数 | 200万元 | 执行数 | 180万元", "预算执行 | 200万元 | 180万元":
            # a heading over the budget and what was spent, not a label of the first number
            # (which is the budget, or the cell's that names it)
            if any(role_of(row[k].text)[0] in ("budget", "available", "spent") for k in range(li + 1, i)) \
                    or (_HEADING_OVER_BOTH.fullmatch(label) and len(numeric) > 1):
                continue
            # "计划安排资金(万元) | 1088.00": the row's own label declares its unit (a unit per
            # head or area, "年度预算资金(元/生) | 1200", declares a standard, no amount)
            if per_unit(label_text):
                continue
            row_unit = val.unit or declared_unit(label_text) or unit
            line = FundLine(
                label=label,
                role=role,
                amount_yuan=parse_amount(repr(val.value), row_unit),
                span=c.span,
                unit=row_unit,
                context=ctx.context_path(c.span[0]),
                decimals=val.decimals,
            )
            out.append(Amount(line, rank, reason=f"表格行“{matched}”"))
            ctx.cover(row_span)
    return out


_HEADING_OVER_BOTH = re.compile(r"预算执行(?:情况)?")
_TOTAL_ROW = re.compile(r"(?:合\s*计|总\s*计|小\s*计|(?:年度)?(?:财政)?资金总额|(?:年度)?总金额|总\s*额|合计金额)(?:\((?:亿元|万元|千元|元)\))?")
_GRID_ROLES: dict[str, tuple[Role, int]] = {"budget_init": ("budget", 2), "budget_adj": ("budget", 1),
                                            "available": ("available", 1), "spent": ("spent", 1)}
_UNSOUND = "表格该行的数与表头对不上（缺格，或执行率与执行数÷预算数不符），列位不能确定"


def _grid_hits(grid: FundGrid, header: tuple[str, ...], row, li: int, is_total: bool):
    """(cell index, cell, value, role, rank, header words, sound, contradicted) of a row's
    money under a 自评表 grid, mapped by position only where the row confirms it
    (forms.grid_row; contradicted: its own 执行率 disagrees); None when the row does not
    say which number is which."""
    got = grid_row(grid, tuple(c.text for c in row), li)
    if got is None:
        return None
    hits = []
    for measure, (i, val) in got.cells.items():
        if measure in _GRID_ROLES:
            col = next(k for k, m in enumerate(grid.measures) if m == measure)
            role, rank = _GRID_ROLES[measure]
            hits.append((i, row[i], val, role, rank, header[col], got.sound, got.conflict))
    return sorted(hits, key=lambda h: h[0])


def extract_amounts(ctx: Context) -> list[Amount]:
    """Every amount of the document: form tables first, then prose, in text order."""
    table = _table_amounts(ctx)
    if not any(a.line.role in ("budget", "spent") for a in table):
        table += [Amount(line, rank, excluded=why, reason=f"表格“{line.label}”行（按表头列序）")
                  for line, rank, why in flat_form(ctx)[0]]
    if not any(a.line.role in ("budget", "spent") and not a.excluded for a in table):
        table += [Amount(line, rank, excluded=why, reason="表格粘连单元格（执行率核对）")
                  for line, rank, why in glued_rates(ctx)[0]]
    return _mark_ghosted(ctx, _mark_masked(ctx, table + _prose_amounts(ctx, shift=len(table))
                                           + _unit_line_amounts(ctx)))


# A decimal written twice in a row (当年实际到位 106.5106.5 万元): a PDF's fake bold, every
# glyph drawn twice, came through as doubled figures.
_GHOST = re.compile(r"(?<![\d.])(\d+\.\d+)\1(?![\d.])")
_TWO_POINTS = re.compile(r"\d\.\d+\.\d")
_DIGITS = re.compile(r"[\d.]+")


def _mark_ghosted(ctx: Context, out: list[Amount]) -> list[Amount]:
    """In a text whose figures were doubled (:data:`_GHOST`), an amount read from a doubled
    figure, or whose digits are two equal halves (7070: 70 doubled, or 7070 as printed —
    the text does not say), is shown, never chosen."""
    if not _TWO_POINTS.search(ctx.f):
        return out  # (the cheap test first: most texts have no number with two points)
    ghosts = [m.span() for m in _GHOST.finditer(ctx.f)]
    if not ghosts:
        return out
    for i, a in enumerate(out):
        lo, hi = a.line.span
        m = _DIGITS.search(ctx.f, lo, hi)
        digits = m.group().replace(",", "") if m else ""
        half = len(digits) // 2
        doubled = len(digits) % 2 == 0 and half > 0 and digits[:half] == digits[half:]
        if not a.excluded and (doubled or any(g0 < hi and lo < g1 for g0, g1 in ghosts)):
            out[i] = replace(a, excluded=LOST_GHOSTED)
    return out


# A figure a mirror site hid ("下达给我单位资金 点击查看>> 万元", "****万元"): stated, but
# its value cannot be read.
_MASKED = re.compile(r"(?:点击查看\s*>*|\*{2,}|[xX]{2,})\s*(?:亿元|万元|千元|元)")
# What _MASKED's matches open with: a text holding none of these is scanned no further.
_MASK_TELLS = ("点击查看", "**", "xx", "xX", "Xx", "XX")


def _mark_masked(ctx: Context, out: list[Amount]) -> list[Amount]:
    """Figures named like a hidden one, and no better: the hidden one may be the report's
    total (or another allocation of it), so none of them may be chosen. A hidden figure
    in a list (其中…) is an item and hides nothing."""
    hidden: dict[str, int] = {}  # role -> the best rank a hidden figure of it has
    v = vocab()
    if not any(tell in ctx.f for tell in _MASK_TELLS):
        return out
    for m in _MASKED.finditer(ctx.f):
        start = m.start()
        lo = ctx.sentence_bounds(start)[0]
        if ctx.in_covered(start) or v.list_items.search(_unparenthesised(ctx.f[lo:start])):
            continue
        label = clean_label(ctx.left_clause(start, lo)[0])
        role, rank, fallback = _assign(label, ctx, start, lo)
        for r, k in [(role, rank)] + [(f, rank + 10) for f in fallback]:
            if r in ("budget", "available", "spent"):
                hidden[r] = min(hidden.get(r, k), k)
    if not hidden:
        return out
    for i, a in enumerate(out):
        if a.line.parent is not None or a.item or a.excluded:
            continue
        stands = [(a.line.role, a.rank)] + [(f, a.rank + 10) for f in a.fallback]  # as choose_funds ranks them
        if any(r in hidden and k >= hidden[r] for r, k in stands):
            out[i] = replace(a, excluded=LOST_MASKED)
    return out


_UNIT_FLOAT = {unit: float(yuan) for unit, yuan in UNIT_YUAN.items()}


def _slack(line: FundLine) -> float:
    """Half a unit of an amount's last stated digit, in yuan (71.00万元: 50 元)."""
    return 0.5 * 10.0 ** -line.decimals * _UNIT_FLOAT.get(line.unit, 1.0)


def _option(a: Amount, reason: str = "") -> Option:
    line = a.line
    return Option(value=line.amount_yuan, span=line.span, label=line.label, rank=a.rank,
                  reason=reason or a.reason or f"“{line.label}”", total=a.total,
                  level=a.level, item=a.item, excluded=a.excluded or (LOST_COMPONENT if a.component else ""),
                  slack=_slack(line), ref=a)


def named_for_the_project(amounts: list[Amount], project_name: str | None, f: str) -> list[Amount]:
    """Amounts named by the report's own project or fund and by nothing else ("2017年电视专题
    节目制作经费项目50万元", "本次评价对象为湖南省中小企业发展专项资金16750万元"): the
    project's money as a whole, its budget below every wording that names one (not a
    level's share, an item or a component's)."""
    core = _project_core(project_name or "")
    if len(core) < 5:
        return amounts
    out = []
    for a in amounts:
        label = _project_core(a.line.label)
        # (or the fund's share of an investment: "项目总投资1807万元,其中中央财政水污染防治
        # 专项资金850万元" in the report on that fund)
        whole = a.line.parent is None or (a.line.role == "line_item" and _OWN_INVESTMENT.fullmatch(
            amounts[a.line.parent].line.label) is not None and label.endswith(core))
        if (a.line.role in ("other", "line_item") and whole and not (a.level or a.item or a.component or a.excluded)
                and (label.endswith(core) or (len(label) >= 6 and core.endswith(label)))):
            a = replace(a, line=replace(a.line, role="budget"), rank=6,
                        reason=f"“{a.line.label}”（以本报告项目名称所称的资金）")
        out.append(a)
    return _own_fund_allocated(out, core, project_name or "", f)


# Words of an allocation in batches or in parts over time: the fund's money is their sum,
# which the report does not state.
_BATCH = re.compile(r"提前|第[一二三四五六七八九十\d]+批|首批|批次|追加|补充|续拨|清算")
_FUND_NAME = re.compile(r"([\u4e00-\u9fff]{2,})(?:资金|经费)")
_NAME_FILLER = re.compile(r"^(?:.*?(?:下达|下拨|拨付|安排|关于))?(?:我|本|全)?")


def _names_a_fund(text: str) -> bool:
    """Whether ``text`` names a fund of its own (衔接资金, 自治区水利发展资金), not money of
    a place, a level or a year alone (某乡资金, 县级资金, 2023年资金)."""
    for m in _FUND_NAME.finditer(text):
        name = _NAME_FILLER.sub("", m.group(1))
        if len(name) >= 2 and not re.search(r"(?:省|市|县|区|乡|镇|街道|村|级|年|上级|财政)$", name):
            return True
    return False


def _own_fund_allocated(amounts: list[Amount], core: str, project_name: str, f: str) -> list[Amount]:
    """"下达**县2023年中央水利发展资金2263万元。《关于下达2023年乡村衔接资金…》下达**县
    2023年资金791万元": in a report on one fund, allocations of several funds listed one
    after another; the one named as the report's own fund (its level too, when the name
    holds one: 中央水利发展资金) is the fund's money, and allocations whose sentence names
    another fund give way to it (they stay candidates). Nothing changes where none or
    several different values name it, where any allocation is a batch (提前下达, 第二批: the
    fund's money is their sum), or where the fund's name labels other money too
    (中央水利发展资金(水利救灾)300万元); an allocation naming no fund (下达某乡资金) and a
    stated total never give way."""
    core = re.sub(r"专项$", "", core)

    def own(a: Amount) -> bool:
        label = re.sub(r"专项$", "", _project_core(a.line.label))  # (…事业专项资金 is …事业资金)
        return (label.endswith(core) and not (a.item or a.component or a.excluded)
                and (not a.level or a.level in project_name))

    def sentence(a: Amount) -> str:
        lo = max(f.rfind("。", 0, a.line.span[0]), f.rfind("\n", 0, a.line.span[0])) + 1
        return f[lo:a.line.span[0]]

    allocations = [a for a in amounts if a.line.role == "income" and a.line.parent is None]
    named = [a for a in allocations if own(a)]
    values = {a.line.amount_yuan for a in named}
    if len(values) != 1 or any(core in a.line.label and a.line.amount_yuan not in values for a in allocations):
        return amounts
    if any(_BATCH.search(sentence(a)) for a in allocations):
        return amounts
    own_ids = {id(a) for a in named}
    others = {id(a) for a in allocations
              if id(a) not in own_ids and not (a.total or vocab().total_marker.search(a.line.label))
              and _names_a_fund(sentence(a).replace(core, ""))}
    return [replace(a, rank=a.rank + 1, reason=f"{a.reason or a.line.label}（所称为另一项资金）")
            if id(a) in others else a for a in amounts]


def _project_core(name: str) -> str:
    return re.sub(r"(?:项目)?(?:资金|经费)?(?:项目)?$", "", name) if len(name) > 6 else name


LOST_ONE_FUND = "标题列出多项资金，此为其中一项资金的数额，不是报告的合计"


def one_of_the_titles_funds(amounts: list[Amount], funds: tuple[str, ...]) -> list[Amount]:
    """"龙南市园林绿化养护经费及城区行道树养护经费绩效评价报告" and "下达了园林绿化经费:
    514.56万元,行道树养护费:30.58万元": in a report the title gives several funds, money a
    sentence names by one fund is that fund's, not the report's total (a stated total —
    共/合计, or a label naming the funds together — still is)."""
    if len(funds) < 2:
        return amounts
    marker = vocab().total_marker
    return [replace(a, excluded=LOST_ONE_FUND)
            if (a.line.parent is None and not a.excluded and not a.total and not marker.search(a.line.label)
                and _names_a_fund(a.line.label) and sum(_project_core(p) in a.line.label for p in funds) < 2
                and _names_one_of(a.line.label, funds))
            else a for a in amounts]


def _names_one_of(label: str, funds: tuple[str, ...]) -> bool:
    """Whether ``label`` names one of ``funds`` rather than money they share: its longest
    run of words in common with one fund (园林绿化经费: 园林绿化; 行道树养护费: 行道树养护)
    is at least three characters and longer than with any other (养护经费, 项目资金 and
    两项经费 name no one of 园林绿化养护经费 and 城区行道树养护经费)."""
    label = label[-_WORDS_REACH:]  # (the words nearest the figure: a run-on label is not read whole for each)
    runs = sorted((_common_run(label, f) for f in funds), reverse=True)
    return runs[0] >= 3 and runs[0] > runs[1]


def _common_run(a: str, b: str) -> int:
    """The length of the longest run of characters ``a`` and ``b`` share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] not in b:
                break
            best = j - i
    return best


# The project's own investment ("项目总投资1807万元,其中…"), not a province's or one of
# several projects' ("全省…总投资52000万元", "甲污水处理厂项目总投资…").
_OWN_INVESTMENT = re.compile(r"(?:该|本)?项目(?:计划)?总投资(?:额)?")
LOST_ZERO = "数额为0，文中另有非零的同类数额：未填的单元格或他年的数"
LOST_SELF_RAISED = "含自筹等非财政资金的总投资，不是财政预算"
_SELF_RAISED = re.compile(r"自筹|群众投[入劳]|社会资本|企业投[入资]|银行贷款|贷款")
_INVESTMENT = re.compile(r"投资")


def _fiscal_money_below_investment(amounts: list[Amount]) -> list[Amount]:
    """"项目计划总投资1958.6万元,其中:中央财政扶持1000万元,自筹资金958.6万元": an
    investment its items show to hold money other than the state's (自筹, loans) is no
    budget of fiscal money (an allocation, 下达…项目资金1000万元, may be; nothing else is)."""
    mixed = {a.line.parent for a in amounts
             if a.line.parent is not None and _SELF_RAISED.search(a.line.label)}
    if not mixed:
        return amounts
    return [replace(a, excluded=a.excluded or LOST_SELF_RAISED)
            if i in mixed and a.line.role == "budget" and _INVESTMENT.search(a.line.label) else a
            for i, a in enumerate(amounts)]


# Money paid out, in words an allocation or a grant also uses ("已拨付…资金680万元").
_PAID_OUT = re.compile(r"已(?:经)?(?:拨付|支付|兑付|发放|使用)")


def spent_by_rate(amounts: list[Amount], budget: float | None, rate: float | None, decimals: int,
                  sentence: tuple[int, int]) -> Amount | None:
    """"按照工程进度已拨付…资金680万元,专项资金执行率为80%" with the budget 850万元 and no
    amount the words name as spent: the money paid out in the rate's own sentence, when it
    divided by the budget gives that rate to its printed digits, is what was spent (the
    rate is 执行数 ÷ 预算数, 财预〔2020〕10号). One such amount only."""
    if not budget or rate is None:
        return None
    step = 0.5 * 10.0 ** -(decimals + 2) + 1e-12
    paid = [a for a in amounts if sentence[0] <= a.line.span[0] < sentence[1] and not a.excluded
            and a.line.parent is None and _PAID_OUT.search(a.line.label) and not _NOT_YET_PAID.search(a.line.label)
            and abs(a.line.amount_yuan / budget - rate) <= step]
    return paid[0] if len({a.line.amount_yuan for a in paid}) == 1 else None


def choose_funds(amounts: list[Amount], text: str = "") -> dict[str, Choice]:
    """The report's budget, available, spent and balance, each chosen from its candidates
    (:func:`fiscal_eval.parse.choose.choose`): the amounts its role words name, else the
    allocations (下达) that stand in for it. A field whose candidates disagree with no
    stated total to decide has a Choice with no option (the field stays null). A report
    stating its year-start and adjusted budgets together has both (``budget_adjusted_yuan``;
    ``text`` is the document's, where their figures are)."""
    chosen: dict[str, Choice] = {}
    amounts = _fiscal_money_below_investment(amounts)
    for field, role in FIELD_ROLES.items():
        # Allocations (下达) stand in for the role, below every amount its words name.
        direct = [_option(a) for a in amounts if a.line.role == role] + [
            replace(_option(a, f"{a.reason or a.line.label}（下达的资金）"), rank=a.rank + _STAND_IN)
            for a in amounts if role in a.fallback]
        if field == "budget_yuan" and any(o.value for o in direct):
            # A budget of 0 beside a stated one (a form's 年初预算数 0.00 beside its
            # 调整后预算数 3.36; "2021年度…预算安排的衔接资金为0万元" before the year's
            # 134.3万元): a cell left unfilled or another year's, never the budget.
            direct = [o for o in direct if o.value] + [replace(o, excluded=o.excluded or LOST_ZERO)
                                                       for o in direct if not o.value]
        if direct:
            chosen[field] = choose(direct)
            if field == "budget_yuan" and text:
                chosen.update(_year_start_and_adjusted(direct, chosen[field], text))
            for name in (field, "budget_adjusted_yuan") if field == "budget_yuan" else (field,):
                if name in chosen:
                    chosen[name] = _most_precise(chosen[name], direct, budgets=field == "budget_yuan")
    return chosen


_FINE = 1e-4
LOST_COARSER = "同一数字的另一处写法更精确（如“132.912万元”与“1329120.67元”），取更精确者"


def _most_precise(choice: Choice, options: list[Option], *, budgets: bool = False) -> Choice:
    """"全年执行数 132.912(万元)" chosen, and "本项目共完成预算资金1329120.67元" naming the
    same role: one figure written twice, the second to the fen. The value is the most
    precise writing of it — a candidate of the role, not excluded, no item, within the
    chosen figure's rounding and stated to finer digits (one such value only) — where the
    chosen figure is itself stated to four significant digits or more."""
    o = choice.option
    # Only a figure stated to four significant digits or more (132.912万元, 89.97万元): a
    # coarse one (100万元, 2亿元) lies within rounding of too many other figures.
    if o is None or not isinstance(o.value, float) or not o.value or o.slack > _FINE * abs(o.value):
        return choice
    # (``budgets``: not the year's other budget: 年初预算数 90 and 全年预算数 89.974 are two figures)
    other_budget = ({_ADJUSTED_RANK, _YEAR_START_RANK} - {o.rank}
                    if budgets and o.rank in (_ADJUSTED_RANK, _YEAR_START_RANK) else set())
    # (nor a level's share, nor an allocation standing in for the role beside a figure its
    # words name: "预算100万元" and "中央下达99.6万元" are two figures however close)
    finer = [x for x in options if x is not o and not (x.excluded or x.item or x.rank in other_budget)
             and x.level == o.level and (x.rank >= _STAND_IN) == (o.rank >= _STAND_IN)
             and x.slack < o.slack and abs(x.value - o.value) <= o.slack + x.slack + 1e-9]
    if not finer or len({round(x.value, 2) for x in finer}) != 1:
        return choice
    best = min(finer, key=lambda x: (x.slack, x.span[0]))
    candidates = tuple(replace(c, chosen=c.span == best.span and c.value == best.value,
                               lost="" if c.span == best.span and c.value == best.value
                               else LOST_COARSER if c.chosen else c.lost)
                       for c in choice.candidates)
    return Choice(best, candidates, best.reason)


# The ranks vocab.toml gives the two budgets of a year (its [[amount]] entries and the
# 自评表 grid's columns alike): 1 the budget as adjusted (全年预算数, 调整后预算), 2 the
# one approved at the year's start (年初预算数, 年初批复预算).
_ADJUSTED_RANK, _YEAR_START_RANK = 1, 2
LOST_ADJUSTED = "调整后的预算：另记为调整后预算（执行率以之为分母），预算取年初预算"
# A form row's cells: the year-start column's figure before the adjusted one's, on its row.
_ROW_REACH = 200
# What may follow the year-start words in prose before the figure ("年初批复预算8个项目985万元",
# "年初预算数为…"; not "年初预算执行进度序时目标…", a target of another measure).
_YEAR_START_TAIL = re.compile(r"(?:\d+个项目|[为是共计合总额约:：,，\s])*")
_STOP = re.compile(f"[{re.escape(SENTENCE_END)}]")
_SCOPE = re.compile(r"上年|去年|本年|今年|当年|全[省市县区]|[省市县区]级|中央|上级|本级|[本我][局委厅办]|[本我]?单位|部门"
                    r"|我[省市县区]|项目|收入")


@lru_cache(maxsize=1)
def _year_start_words() -> re.Pattern[str]:
    """vocab.toml's words for the year-start budget (its budget entry of that rank)."""
    return next(e.pattern for e in vocab().amounts if e.role == "budget" and e.rank == _YEAR_START_RANK)


def _together(start: Option, adjusted: Option, text: str) -> bool:
    """Whether a year-start figure and an adjusted budget are one statement of the two
    budgets: the year-start one first (a year-start figure after the adjusted budget is a
    comparison, a part or another's: "…较年初预算100万元增加…", "设备购置费年初预算30万元"),
    on one form row (the row's label, the cells in reach) or in one sentence of prose whose
    year-start words end at the figure, of no other year."""
    lo, hi = start.span[0], adjusted.span[0]
    if not lo < hi:
        return False
    if "年初" not in start.label:  # a form's cell: its label is the row's
        return start.label == adjusted.label and hi - lo <= _ROW_REACH
    last = [*_year_start_words().finditer(start.label)][-1:]  # (the words nearest the figure)
    if not last or not _YEAR_START_TAIL.fullmatch(start.label, last[0].end()):
        return False
    years = set(_YEAR.findall(start.label)) | set(_YEAR.findall(adjusted.label))
    # Words of a scope (本局, 全县, 省级, 上年, 项目, 收入) on both sides that differ: the
    # figures are two subjects' ("本局年初预算1500万元,高标准农田建设项目全年预算数120万元",
    # "上年年初预算80万元,本年全年预算数120万元"), not one's two budgets.
    scopes = set(_SCOPE.findall(start.label)), set(_SCOPE.findall(adjusted.label))
    return (len(years) <= 1 and _STOP.search(text, lo, hi) is None
            and (scopes[0] == scopes[1] or not (scopes[0] and scopes[1])))


def _year_start_and_adjusted(options: list[Option], budget: Choice, text: str) -> dict[str, Choice]:
    """"年初预算数 238.93 | 调整后预算数 251.89 | 执行数 251.89 | 执行率 100%": a report
    stating both budgets of its year has as its budget the one approved at the year's
    start (PEFA PI-1 measures outturn against the originally approved budget) and the
    adjusted one beside it as ``budget_adjusted_yuan`` (the 自评表's 执行率 is 全年执行数 ÷
    全年预算数, 财预〔2020〕10号). Only where the adjusted budget was chosen and the
    year-start figures stated with it (:func:`_together`; no item of a list) decide among
    themselves (one value, or a stated total); a year-start 0 decides nothing."""
    adjusted = budget.option
    if adjusted is None or adjusted.rank != _ADJUSTED_RANK:
        return {}
    starts = [o for o in options if o.rank == _YEAR_START_RANK and not (o.excluded or o.item)
              and _together(o, adjusted, text)]
    start = choose(starts, keep_single=True)
    if start.option is None:
        return {}
    lost = {(c.span, c.value): c.lost for c in (*budget.candidates, *start.candidates)}
    candidates = tuple(
        Candidate(value=o.value, span=o.span, label=o.label, reason=o.reason, chosen=o is start.option,
                  lost="" if o is start.option else LOST_ADJUSTED if o is adjusted
                  else lost.get((o.span, o.value), LOST_RANK))
        for o in sorted(options, key=lambda o: o.span[0]))
    return {"budget_yuan": Choice(start.option, candidates, start.reason),
            "budget_adjusted_yuan": Choice(adjusted, (), budget.reason)}

