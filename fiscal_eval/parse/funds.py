"""Amounts: every number-and-unit of the report, the role its label gives it, and the
report's budget / available / spent / balance chosen from them.

No judgement here: an amount's role comes from the words that name it (vocab.toml);
whether the amounts agree is the audit's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from fiscal_eval.model import FundLine, Role
from fiscal_eval.parse.context import Context, clean_label, is_cjk
from fiscal_eval.parse.flat_forms import flat_form
from fiscal_eval.parse.forms import read_cell, row_label, table_unit
from fiscal_eval.parse.numbers import AMOUNT_RE, decimals_of, parse_amount
from fiscal_eval.parse.vocab import vocab

__all__ = ["Amount", "extract_amounts", "choose_funds", "role_of", "FIELD_ROLES"]

# Report fields filled from fund roles.
FIELD_ROLES = {
    "budget_yuan": "budget",
    "available_yuan": "available",
    "spent_yuan": "spent",
    "balance_yuan": "balance",
}


@dataclass(frozen=True)
class Amount:
    """A fund line while parsing, with the rank of the words that named it."""

    line: FundLine
    rank: int
    # Roles this amount may also stand for when nothing better is stated
    # (下达 = allocated: the budget, and what arrived).
    fallback: tuple[str, ...] = ()


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
    rest = clean_label(label.replace(matched, "", 1))
    return sum(1 for ch in rest if is_cjk(ch)) < 2


def _plan_context(ctx: Context, pos: int) -> bool:
    """Whether the innermost section that says so is about the budget as planned."""
    return _plan_titles(tuple(sec.title for sec in ctx.chain(pos)))


@lru_cache(maxsize=4096)
def _plan_titles(titles: tuple[str, ...]) -> bool:
    v = vocab()
    for title in reversed(titles):
        if v.section_actual.search(title):
            return False
        if v.section_plan.search(title):
            return True
    return False


def _assign(label: str, ctx: Context, pos: int, sentence_start: int) -> tuple[Role, int, tuple[str, ...]]:
    v = vocab()
    role, rank, matched = role_of(label)
    if role in ("budget", "available", "spent", "income"):
        subject = label if not _is_bare(label, matched) else ctx.f[sentence_start:pos]
        if v.subject_part.search(subject) and not v.subject_whole.search(label):
            return "other", 9, ()
    if role == "spent" and _plan_context(ctx, pos):
        return "other", 9, ()
    fallback: tuple[str, ...] = ()
    # Money 下达 (issued) to the unit stands for the budget, and for what arrived when
    # the report says it all arrived: plain 下达资金, or 到位率 100% in the same sentence.
    # "批复下达预算资金10万元" alone says what was approved, not what arrived.
    if "下达" not in label:
        return role, rank, fallback
    arrived = "预算" not in label or bool(_ALL_ARRIVED.search(ctx.f, *ctx.sentence_bounds(pos)))
    if role == "income" and "下达" in matched:
        fallback = ("budget", "available") if arrived else ("budget",)
    elif role == "budget" and "下达" in label and arrived:
        fallback = ("available",)
    return role, rank, fallback


# "(含…)" asides: a list word inside one does not itemise the amounts after it.
_PARENTHESISED = re.compile(r"\([^()]*(?:\)|$)")
_TOTAL_WORDS = re.compile(r"^(?:合计|总计|共计|累计)\S{2,}")  # "合计批复总投资", not a bare 合计 row
_ALL_ARRIVED = re.compile(r"到位率\s*(?:为|达到?)?\s*100(?:\.0+)?\s*%")
_LIST_OPENING = re.compile(r"\s*(?:其中|分别为|分别是)")


def _prose_amounts(ctx: Context, shift: int = 0) -> list[Amount]:
    """Amounts in prose. A line item's ``parent`` is an index into the document's list,
    where ``shift`` table amounts come before these."""
    v = vocab()
    f = ctx.f
    out: list[Amount] = []
    # Per sentence: the index (in out) of the last amount, and where a list began.
    sent: tuple[int, int] | None = None
    last_idx: int | None = None
    list_parent: int | None = None
    for m in AMOUNT_RE.finditer(f):
        start, end = m.span()
        if ctx.in_covered(start):
            continue
        bounds = ctx.sentence_bounds(start)
        if bounds != sent:
            carried = last_idx
            sent, last_idx, list_parent = bounds, None, None
            # "…实际支出3,050.12万元。其中：基本支出…": a sentence that opens with a
            # list word itemises the last amount of the sentence before, on the same line.
            if (carried is not None and _LIST_OPENING.match(f, bounds[0])
                    and "\n" not in f[out[carried].line.span[1]:bounds[0]]):
                list_parent = carried
        floor = out[last_idx].line.span[1] if last_idx is not None else bounds[0]
        clause, clause_start = ctx.left_clause(start, max(floor, bounds[0]))
        # A list word between the previous amount and this one opens an itemisation
        # of the previous amount ("…600651.81元,其中:网络通讯费579380.00元").
        between = _PARENTHESISED.sub("", f[floor:start])
        if last_idx is not None and v.list_items.search(between) and list_parent is None:
            list_parent = last_idx
        label = clean_label(clause)
        role, rank, fallback = _assign(label, ctx, start, bounds[0])
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
        out.append(Amount(line, rank, fallback))
        last_idx = len(out) - 1
        # "…1.33万元等": the list names only some of the items.
        if parent is not None and f[end:end + 2].lstrip().startswith("等"):
            _mark_incomplete(out, parent + shift)
    return out


def _mark_incomplete(out: list[Amount], parent: int) -> None:
    for i, a in enumerate(out):
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
        totals: dict[int, int] = {}  # column -> index in out of its total row
        for row in table.rows:
            labelled = row_label(row)
            if labelled is None or ctx.in_covered(row[0].span[0]):
                continue  # no words, or an indicator row already read as points
            li, label_text = labelled
            numeric = [(i, c, read_cell(c)) for i, c in enumerate(row) if i > li]
            numeric = [(i, c, val) for i, c, val in numeric if val is not None and not val.percent]
            header_roles = {}
            for i, c in enumerate(row):
                if i <= li or read_cell(c) is not None:
                    continue
                role, rank, _ = role_of(c.text)
                if role in ("budget", "available", "spent"):
                    header_roles[i] = (role, rank, c.text)
            if len(header_roles) >= 2 and not numeric:
                columns, totals = header_roles, {}
                continue
            if not numeric:
                continue
            label = clean_label(label_text)
            row_span = (row[0].span[0], row[-1].span[1])
            is_total = bool(re.fullmatch(r"合\s*计|总\s*计|小\s*计|年度资金总额|资金总额|合计金额", label))
            col_hits = [(i, c, val) for i, c, val in numeric if i in columns]
            if col_hits:
                for i, c, val in col_hits:
                    role, rank, _ = columns[i]
                    # Under role columns a total row states the role; other rows are
                    # its lines ("其中：当年财政拨款", "1 | 网络费").
                    role_here: Role = role if is_total else "line_item"
                    line = FundLine(
                        label=clean_label(label.removeprefix("其中")) or label,
                        role=role_here,
                        amount_yuan=parse_amount(repr(val.value), val.unit or unit),
                        span=c.span,
                        unit=val.unit or unit,
                        parent=None if is_total else totals.get(i),
                        context=ctx.context_path(c.span[0]),
                        decimals=val.decimals,
                        measure=role,
                    )
                    out.append(Amount(line, rank if is_total else 9))
                    if is_total:
                        totals[i] = len(out) - 1
                ctx.cover(row_span)
                continue
            # A row named by its role words: the first number after the label.
            role, rank, matched = role_of(label)
            if role == "other":
                continue
            i, c, val = numeric[0]
            line = FundLine(
                label=label,
                role=role,
                amount_yuan=parse_amount(repr(val.value), val.unit or unit),
                span=c.span,
                unit=val.unit or unit,
                context=ctx.context_path(c.span[0]),
                decimals=val.decimals,
            )
            out.append(Amount(line, rank))
            ctx.cover(row_span)
    return out


def extract_amounts(ctx: Context) -> list[Amount]:
    """Every amount of the document: form tables first, then prose, in text order."""
    table = _table_amounts(ctx)
    if not any(a.line.role in ("budget", "spent") for a in table):
        table += [Amount(line, rank) for line, rank in flat_form(ctx)[0]]
    return table + _prose_amounts(ctx, shift=len(table))


def choose_funds(amounts: list[Amount]) -> dict[str, Amount]:
    """The report's budget, available, spent and balance: per role the best-ranked amount
    (then the earliest); an allocation (下达) stands in where nothing better is stated."""
    chosen: dict[str, Amount] = {}

    def key(a: Amount) -> tuple[int, bool, int]:
        # At equal rank a stated total ("合计批复总投资…") beats the parts listed before it.
        return a.rank, not _TOTAL_WORDS.match(a.line.label), a.line.span[0]

    for field, role in FIELD_ROLES.items():
        direct = [a for a in amounts if a.line.role == role]
        if direct:
            chosen[field] = min(direct, key=key)
            continue
        standby = [a for a in amounts if role in a.fallback]
        if standby:
            chosen[field] = min(standby, key=key)
    return chosen
