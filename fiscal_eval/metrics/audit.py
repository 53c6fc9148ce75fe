"""The audit: recompute what a report states and flag what does not add up (DESIGN §6).

:func:`audit` runs every check of :data:`CHECKS` over one parsed :class:`~fiscal_eval.model.Report`
and returns a copy carrying the :class:`~fiscal_eval.model.Flag` rows. A check is one small
function registered with ``@check(code)``; adding a flag is adding one function. Flag codes
are DESIGN §6's and stable: scripts outside the project filter on them.

Severities: ``"error"`` for arithmetic that does not hold (rates, sums, scores, printed
formulas, grade bands), ``"warning"`` for a quantity stated twice with different values
and for missing amounts, ``"info"`` for a missing score or grade and for a figure read by
OCR from a scanned page.

Every flag names the ``field`` it concerns (a Report attribute such as
``"execution_rate_reported"``, or ``"<record>:<label>"`` such as ``"subtotal:投入"``), the
value as ``reported`` and the value ``expected`` (display strings: ``"84.61%"``), a
message in plain words, and the span of the stated figure in ``Report.text``.

A stated figure is consistent with a recomputed one when it equals it rounded *or*
truncated at the precision it is stated to (99.2657% may be written 99.27% or 99.26%,
never 99.25%); where the recomputation starts from amounts that are themselves rounded
(71.00万元), their rounding slack widens the recomputed value into an interval first.

Speed: a check does a few passes over the report's records; nothing is compiled per
call (regexes are module constants, the vocabulary is the parser's cached one).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from itertools import accumulate
from typing import NamedTuple

from fiscal_eval.model import (
    Arithmetic,
    Flag,
    FundLine,
    Indicator,
    RateStatement,
    Report,
    Severity,
    Span,
    rate_budget_field,
)
from fiscal_eval.parse.choose import LOST_COMPONENT, LOST_ITEM
from fiscal_eval.parse.funds import role_of
from fiscal_eval.parse.numbers import UNIT_YUAN
from fiscal_eval.parse.rates import concept_of, evaluate
from fiscal_eval.parse.vocab import vocab

__all__ = [
    "CODES",
    "CHECKS",
    "Check",
    "check",
    "audit",
    "matches_stated",
]

#: DESIGN §6's flag codes, in the order the audit emits them.
CODES: tuple[str, ...] = (
    "rate_mismatch",
    "sum_mismatch",
    "score_subtotal_mismatch",
    "score_total_mismatch",
    "score_over_max",
    "grade_band_mismatch",
    "formula_error",
    "conflicting_values",
    "missing_field",
    "ocr_read",
    "undecided_value",
)

FlagMaker = Callable[..., Flag]
CheckFn = Callable[[Report, FlagMaker], Iterable[Flag]]


@dataclass(frozen=True)
class Check:
    """A registered check: its flag code and the function that finds the flags.

    ``run(report, make)`` yields flags; ``make`` is :class:`Flag` with the code already
    bound (``make(severity, field, message, reported=…, expected=…, span=…)``), so a
    code is written once, in its ``@check`` decorator.
    """

    code: str
    run: CheckFn
    make: FlagMaker


CHECKS: list[Check] = []


def check(code: str) -> Callable[[CheckFn], CheckFn]:
    """Register a check for ``code`` (one of :data:`CODES`). Several functions may share
    a code (stated rates and written calculations both give ``rate_mismatch``)."""
    if code not in CODES:
        raise ValueError(f"unknown flag code {code!r}; DESIGN §6 codes: {', '.join(CODES)}")

    def register(fn: CheckFn) -> CheckFn:
        CHECKS.append(Check(code, fn, partial(Flag, code)))
        return fn

    return register


def audit(report: Report) -> Report:
    """A copy of ``report`` with ``flags`` set by every check of :data:`CHECKS` (DESIGN §6).

    The report itself is not mutated. A failed report (not read, or not a report) gets
    no flags: its ``errors`` already say what is wrong, and nothing in it was stated.

    Examples
    --------
    >>> from fiscal_eval.model import Document
    >>> from fiscal_eval.parse import parse_document
    >>> r = audit(parse_document(Document(source="t.txt", format="text", text=(
    ...     "某局2021年度项目绩效自评报告\\n预算安排100万元，实际到位100万元，实际支出95万元，"
    ...     "预算执行率为96.00%。自评得分92分，自评结果：优秀。"))))
    >>> [(f.code, f.reported, f.expected) for f in r.flags]
    [('rate_mismatch', '96.00%', '95.00%')]
    """
    if report.status == "failed":
        return report.with_flags(())
    return report.with_flags(tuple(f for c in CHECKS for f in c.run(report, c.make)))


# --------------------------------------------------------------------------- shared helpers

# Float noise on a recomputed value: 0.8461 × 100 is 84.61000000000001.
_EPS = 1e-9
# Two stated point figures agree when within this (points are stated to 0.01 at most).
_POINTS_TOL = 0.005
# Half a fen: the least rounding slack of an amount in yuan.
_MIN_AMOUNT_SLACK = 0.005
_UNIT_YUAN: dict[str, float] = {unit: float(factor) for unit, factor in UNIT_YUAN.items()}


def matches_stated(stated: float, decimals: int, computed: float, *, percent: bool = True,
                   rel_slack: float = 0.0) -> bool:
    """Whether ``stated`` equals ``computed`` rounded or truncated at ``decimals`` digits.

    Rule (DESIGN §6, rate_mismatch): a stated rate differs only when it is more than
    rounding *or* truncation at its stated precision away — templates do both (004 writes
    99.2657% as 99.26%). With ``percent`` the digits are percent digits (0.8461 is 84.61,
    ``decimals`` 2). ``rel_slack`` widens ``computed`` to ``computed × (1 ± rel_slack)``
    for inputs that are themselves rounded amounts.

    Rounding (half up or down) accepts [s − u/2, s + u/2] around the stated figure s with
    u one unit of its last digit; truncation toward zero accepts [s, s + u) (or (s − u, s]
    below zero). The figure is consistent when the recomputed interval meets either; an
    interval touching an edge counts (floating point cannot tell the edge apart).

    >>> matches_stated(0.9926, 2, 0.992657), matches_stated(0.8461, 2, 0.845988)
    (True, False)
    >>> matches_stated(0.846, 1, 0.845988), matches_stated(0.8460, 2, 0.845988)
    (True, True)
    """
    scale = 100.0 if percent else 1.0
    s, c = stated * scale, computed * scale
    unit = 10.0 ** -decimals
    spread = abs(c) * rel_slack + _EPS * max(1.0, abs(c))
    lo, hi = c - spread, c + spread
    if s >= 0:
        accept_lo, accept_hi = s - unit / 2, s + unit
    else:
        accept_lo, accept_hi = s - unit, s + unit / 2
    return lo <= accept_hi and hi >= accept_lo


def _pct(value: float, decimals: int) -> str:
    return f"{value * 100:.{decimals}f}%"


def _yuan(amount: float) -> str:
    return f"{amount:,.2f}"


def _pts(points: float) -> str:
    return f"{points:g}"


def _slack(line: FundLine | None) -> float:
    """Half a unit of an amount's last stated digit, in yuan (71.00万元 → 50 元)."""
    if line is None:
        return _MIN_AMOUNT_SLACK
    unit = _UNIT_YUAN.get(line.unit, 1.0)
    return max(0.5 * 10.0 ** -line.decimals * unit, _MIN_AMOUNT_SLACK)


class _Amount(NamedTuple):
    """An amount used in a recomputation, with its rounding slack and the words naming it."""

    value: float
    slack: float
    words: str


class _Recomputed(NamedTuple):
    """A recomputed figure, its relative uncertainty, and how it was computed, in words."""

    value: float
    rel_slack: float
    how: str


def _ratio(num: _Amount, den: _Amount) -> _Recomputed | None:
    if not den.value:
        return None
    value = num.value / den.value
    # First-order bound of a quotient's relative error: the operands' relative errors add.
    rel = (num.slack / abs(num.value) if num.value else 0.0) + den.slack / abs(den.value)
    return _Recomputed(value, rel, f"{num.words} {_yuan(num.value)} ÷ {den.words} {_yuan(den.value)}")


# --------------------------------------------------------------------------- rate definitions

# The canonical words of the three amounts a rate is defined on.
_ROLE_WORDS: dict[str, str] = {"budget": "预算数", "available": "实际到位", "spent": "实际支出"}
_ROLE_FIELDS: dict[str, str] = {"budget": "budget_yuan", "available": "available_yuan", "spent": "spent_yuan"}

# DESIGN §5: (numerator, denominator) roles of each rate concept recomputable from amounts,
# default order first. Execution has two definitions and both are accepted: 财预〔2020〕10号
# 附件1's 预算执行率 = 实际支出 ÷ 实际到位, and the 自评表's 执行率 = 全年执行数 ÷ 全年预算数.
_DEFINITIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "execution": (("spent", "available"), ("spent", "budget")),
    "arrival": (("available", "budget"),),
    "completion": (("spent", "budget"),),
}
_CONCEPT_WORDS: dict[str, str] = {
    "execution": "执行率 (execution rate)",
    "arrival": "到位率 (arrival rate)",
    "completion": "预算完成率 (budget completion rate)",
}
# A bare 执行率 is the 自评表's column (全年执行数 ÷ 全年预算数): budget definition first.
_FORM_EXECUTION_LABEL = re.compile(r"^执行率$")
# Which Report scalar a rate concept fills, for the flag's field.
_RATE_FIELDS: dict[str, str] = {"execution": "execution_rate_reported", "arrival": "arrival_rate_reported"}

# A printed formula over a form's row numbers: "(3)÷(2)", "(4)/(3)×100%".
_ROW_REF = re.compile(r"\((\d{1,2})\)")
_REF_FORMULA = re.compile(r"(?:\(\d{1,2}\)|[÷/×*+\-.\d%\s])+")
_REF_RATIO = re.compile(r"\((\d{1,2})\)\s*([÷/])\s*\((\d{1,2})\)\s*(?:[×*]\s*100\s*%?)?")


def _definitions(rate: RateStatement) -> tuple[tuple[str, str], ...]:
    """The definitions a rate may follow, the one its own words name first."""
    defs = _DEFINITIONS.get(rate.concept, ())
    if rate.concept == "execution" and _FORM_EXECUTION_LABEL.match(rate.label):
        return defs[::-1]
    return defs


def _line_by_span(report: Report) -> dict[Span, FundLine]:
    return {line.span: line for line in report.fund_lines}


def _report_amounts(report: Report) -> dict[str, list[_Amount]]:
    """The report's budget, available and spent, each with the slack of the line it came
    from; as the budget, the one a rate divides by: the budget as adjusted where the report
    states it beside its year-start one (the 自评表's 执行率 is 全年执行数 ÷ 全年预算数)."""
    lines = _line_by_span(report)
    out: dict[str, list[_Amount]] = {}
    for role, field in _ROLE_FIELDS.items():
        if role == "budget":
            field = rate_budget_field(report.budget_adjusted_yuan)
        value = getattr(report, field)
        if value is None:
            continue
        ev = report.evidence.get(field)
        out[role] = [_Amount(value, _slack(lines.get(ev.span) if ev else None), _ROLE_WORDS[role])]
    return out


class _Index:
    """What the rate checks look up for every rate, found once a report (each part when
    first needed): each rate scanning every line and calculation was quadratic in a
    compilation of reports."""

    def __init__(self, report: Report) -> None:
        self.report = report

    @cached_property
    def _measured(self) -> tuple[list[FundLine], list[int]]:
        # Lines under a measure column by start, ties in reverse order of the report's
        # list, so that a slice read backwards is rightmost first, ties in list order.
        measured = sorted((x.span[0], -i, x) for i, x in enumerate(self.report.fund_lines)
                          if x.measure in _ROLE_WORDS)
        return [x for _, _, x in measured], [start for start, _, _ in measured]

    def measured_on(self, lo: int, hi: int) -> list[FundLine]:
        """The measured lines starting in [lo, hi), rightmost first."""
        lines, starts = self._measured
        return lines[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)][::-1]

    @cached_property
    def by_label(self) -> dict[str, FundLine]:
        by_label: dict[str, FundLine] = {}
        for line in self.report.fund_lines:
            by_label.setdefault(line.label, line)
        return by_label

    @cached_property
    def _arithmetic(self) -> tuple[list[int], list[int]]:
        spans = sorted(a.span for a in self.report.arithmetic)
        return [lo for lo, _ in spans], list(accumulate((hi for _, hi in spans), max))  # furthest end so far

    def in_arithmetic(self, span: Span) -> bool:
        """Whether a calculation starting at or before ``span`` reaches past its end."""
        starts, reach = self._arithmetic
        i = bisect.bisect_right(starts, span[0])
        return i > 0 and reach[i - 1] >= span[1]

    @cached_property
    def _newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.report.text)]

    def line_bounds(self, span: Span) -> Span:
        """From the line start before ``span`` to the line end after it."""
        nl = self._newlines
        i = bisect.bisect_left(nl, span[0])
        j = bisect.bisect_left(nl, span[1])
        return (nl[i - 1] + 1 if i else 0), (nl[j] if j < len(nl) else len(self.report.text))


def _row_amounts(report: Report, span: Span, index: _Index | None = None) -> dict[str, list[_Amount]]:
    """Amounts a form table states on the same row as a rate ("年度资金总额 | 100 | 100 | 95 |
    … | 95.00%"), by the column's role. A 自评表 row's 执行率 is that row's own ratio."""
    index = index or _Index(report)
    lo, hi = index.line_bounds(span)
    out: dict[str, list[_Amount]] = defaultdict(list)
    # Rightmost first: a form lists 年初预算数 before 全年预算数, and the latter is the
    # 执行率's denominator; the former is still accepted as a candidate.
    for line in index.measured_on(lo, hi):
        if line.measure is not None:  # the index lists measured lines only
            out[line.measure].append(_Amount(line.amount_yuan, _slack(line), _ROLE_WORDS[line.measure]))
    return out


def _by_definition(rate: RateStatement, amounts: Mapping[str, list[_Amount]]) -> list[_Recomputed]:
    """The rate recomputed by each definition of its concept, own definition first."""
    out = []
    for num_role, den_role in _definitions(rate):
        for num in amounts.get(num_role, ()):
            for den in amounts.get(den_role, ()):
                r = _ratio(num, den)
                if r is not None:
                    out.append(r)
    return out


def _ref_amounts(report: Report, rate: RateStatement, index: _Index | None = None) -> dict[str, _Amount] | None:
    """The amounts a form formula's row numbers stand for, or None if one is not an amount."""
    by_label = (index or _Index(report)).by_label
    out = {}
    for number in _ROW_REF.findall(rate.formula or ""):
        line = by_label.get(rate.refs.get(number, ""))
        if line is None:
            return None
        out[number] = _Amount(line.amount_yuan, _slack(line), f"({number}) {line.label}")
    return out


def _by_formula(report: Report, rate: RateStatement, index: _Index | None = None) -> _Recomputed | None:
    """The rate recomputed by the form formula it prints ("(3)÷(2)"), row numbers replaced
    by the amounts of those rows; None when a row is not an amount or the formula fails."""
    refs = _ref_amounts(report, rate, index)
    if not refs:
        return None
    formula = rate.formula or ""
    try:
        value = evaluate(_ROW_REF.sub(lambda m: repr(refs[m.group(1)].value), formula))
    except (ValueError, ZeroDivisionError, IndexError):
        return None
    # Forms print products and quotients of rows: relative errors add (first order).
    rel = sum(a.slack / abs(a.value) for a in refs.values() if a.value)
    how = _ROW_REF.sub(lambda m: f"{refs[m.group(1)].words} {_yuan(refs[m.group(1)].value)}", formula)
    return _Recomputed(value, rel, how)


def _is_ref_formula(rate: RateStatement) -> bool:
    """Whether the rate prints a formula over its form's row numbers ("(3)÷(2)")."""
    formula = rate.formula
    return bool(formula and rate.refs and _ROW_REF.search(formula) and _REF_FORMULA.fullmatch(formula))


def _covered_by_arithmetic(report: Report, span: Span, index: _Index | None = None) -> bool:
    # A calculation starting at or before the span reaches past its end.
    index = index or _Index(report)
    return index.in_arithmetic(span)


def _recompute(report: Report, rate: RateStatement,
               amounts: Mapping[str, list[_Amount]], index: _Index | None = None) -> list[_Recomputed] | None:
    """Every value the rate may be consistent with; None when it cannot be recomputed here."""
    if _is_ref_formula(rate):
        # The value is checked by the formula it prints; whether that formula is the
        # right one is formula_error's business (003: 100.60% = (3)÷(2) holds).
        by_formula = _by_formula(report, rate, index)
        return [by_formula] if by_formula else None
    if rate.formula:
        if _covered_by_arithmetic(report, rate.span, index):
            return None  # the written calculation is checked as an Arithmetic
        try:
            return [_Recomputed(evaluate(rate.formula), 0.0, rate.formula)]
        except (ValueError, ZeroDivisionError, IndexError):
            pass  # a formula in words ("实际支出/实际到位"): check by the definition
    if rate.concept not in _DEFINITIONS or vocab().subject_part.search(rate.label):
        # Not a ratio of the report's own amounts (人员控制率 …), or the rate of a part of
        # the money (基本支出执行率): the report's totals cannot check it.
        return None
    row = _row_amounts(report, rate.span, index)
    return _by_definition(rate, row or amounts) or None


# --------------------------------------------------------------------------- rate_mismatch


def _part_spans(report: Report) -> frozenset[Span]:
    """Spans of figures the parser set aside as one part's (an item, a component)."""
    return frozenset(c.span for cands in report.candidates.values() for c in cands
                     if c.lost in (LOST_ITEM, LOST_COMPONENT))


@check("rate_mismatch")
def stated_rates(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A stated rate (执行率, 到位率, 预算完成率, or any rate with a printed formula) that
    matches none of its recomputations at its stated precision (DESIGN §6).

    Recomputed by, in order: the printed form formula over its rows' amounts; a printed
    numeric formula; else the definitions of DESIGN §5 over the amounts on the rate's own
    form row, or the report's: arrival = available ÷ budget, completion = spent ÷ budget,
    execution = spent ÷ available (财预〔2020〕10号 附件1 预算执行率) or spent ÷ budget (the
    自评表's 执行率). An execution rate is flagged only when neither definition matches.
    The rate of one item of a breakdown or of one component (the parser's candidates say
    which: "分项目如下：①…到位率30.88%") is not checked against the report's totals.
    """
    amounts = _report_amounts(report) if report.rates else {}
    parts = _part_spans(report) if report.candidates else frozenset()
    index = _Index(report) if report.rates else None
    for rate in report.rates:
        if rate.span in parts and not rate.formula:
            continue
        candidates = _recompute(report, rate, amounts, index)
        if not candidates or any(matches_stated(rate.value, rate.decimals, c.value, rel_slack=c.rel_slack)
                                 for c in candidates):
            continue
        best = candidates[0]
        others = "".join(f"; {c.how} = {_pct(c.value, rate.decimals)}" for c in candidates[1:])
        field = _RATE_FIELDS.get(rate.concept)
        ev = report.evidence.get(field) if field else None
        yield make(
            "error",
            field if ev is not None and ev.span == rate.span else f"rate:{rate.label}",
            f"{rate.label} stated {_pct(rate.value, rate.decimals)} but {best.how} = "
            f"{_pct(best.value, rate.decimals)}{others}",
            reported=_pct(rate.value, rate.decimals),
            expected=_pct(best.value, rate.decimals),
            span=rate.span,
        )


def _arithmetic_matches(a: Arithmetic, value: float) -> bool:
    if a.percent:
        return matches_stated(a.result, a.decimals, value)
    # "=(6/11)×100%=54.54" without a % sign: the result may be in percent digits.
    return matches_stated(a.result, a.decimals, value, percent=False) or (
        "%" in a.expression and matches_stated(a.result, a.decimals, value * 100, percent=False))


def _result_span(report: Report, a: Arithmetic) -> Span:
    """The span of a calculation's stated result: what follows its last "=" (or "＝")."""
    lo, hi = a.span
    eq = max(report.text.rfind("=", lo, hi), report.text.rfind("＝", lo, hi))
    if eq < 0:
        return a.span
    start = eq + 1
    while start < hi and report.text[start].isspace():
        start += 1
    return (start, hi) if start < hi else a.span


@check("rate_mismatch")
def written_calculations(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A written calculation "expression = result" whose result is not its expression's
    value rounded or truncated at the result's precision (DESIGN §6; 004 writes
    (15.8+335.46-72.08-2.05)/(15.8+335.46-72.08)×100%=99.26%, truncated: consistent)."""
    for a in report.arithmetic:
        try:
            value = evaluate(a.expression)
        except (ValueError, ZeroDivisionError, IndexError):
            continue
        if _arithmetic_matches(a, value):
            continue
        shown = (lambda v: _pct(v, a.decimals)) if a.percent else (lambda v: f"{v:.{a.decimals}f}")
        yield make(
            "error",
            f"arithmetic:{a.label}",
            f"{a.label} written as {a.expression} = {shown(a.result)} but {a.expression} = {shown(value)}",
            reported=shown(a.result),
            expected=shown(value),
            span=_result_span(report, a),
        )


# --------------------------------------------------------------------------- sum_mismatch


@check("sum_mismatch")
def itemised_totals(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A stated total (合计, or an amount followed by "其中 …" / "分别为 …") that differs from
    the sum of its items by more than their rounding slack (DESIGN §6).

    Checked only when the list has at least two items and claims to be exhaustive (no
    trailing 等); slack is half a unit of each figure's last stated digit, summed.
    """
    items: dict[int, list[FundLine]] = defaultdict(list)
    for line in report.fund_lines:
        if line.parent is not None:
            items[line.parent].append(line)
    for parent, parts in items.items():
        if len(parts) < 2 or not all(p.complete for p in parts) or not 0 <= parent < len(report.fund_lines):
            continue
        total = report.fund_lines[parent]
        summed = sum(p.amount_yuan for p in parts)
        if abs(summed - total.amount_yuan) <= _slack(total) + sum(_slack(p) for p in parts):
            continue
        yield make(
            "error",
            f"fund:{total.label}",
            f"{total.label} stated {_yuan(total.amount_yuan)} but its {len(parts)} items "
            f"({'、'.join(p.label for p in parts)}) sum to {_yuan(summed)}",
            reported=_yuan(total.amount_yuan),
            expected=_yuan(summed),
            span=total.span,
        )


# --------------------------------------------------------------------------- scores

# Subtotal labels and level-1 names differ by these words (投入绩效 / 投入 / 投入指标).
_SCORE_NOISE = re.compile(r"指标|绩效")


def _score_key(label: str) -> str:
    return _SCORE_NOISE.sub("", label).strip()


def _scored(report: Report) -> tuple[Indicator, ...]:
    """The indicators carrying points: the scoring table's when there is one (prose that
    restates a table's points would count them twice), else the prose ones."""
    table = tuple(i for i in report.indicators if i.points is not None and i.origin == "table")
    return table or tuple(i for i in report.indicators if i.points is not None)


def _by_level1(indicators: Iterable[Indicator]) -> dict[str, list[Indicator]]:
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        if ind.level1 and _score_key(ind.level1):
            groups[_score_key(ind.level1)].append(ind)
    return groups


def _sum_words(points: Iterable[float]) -> str:
    return " + ".join(_pts(p) for p in points)


@check("score_subtotal_mismatch")
def section_subtotals(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A stated section subtotal (004: 投入绩效为13分) that is not the sum of the points of
    the indicators under that level-1 heading (DESIGN §6). Labels match exactly or after
    dropping 指标 / 绩效."""
    if not report.subtotals:
        return
    groups = _by_level1(_scored(report))
    for sub in report.subtotals:
        group = groups.get(_score_key(sub.label))
        if not group:
            continue
        summed = sum(i.points or 0.0 for i in group)
        if abs(summed - sub.points) <= _POINTS_TOL:
            continue
        yield make(
            "error",
            f"subtotal:{sub.label}",
            f"{sub.label} subtotal (小计) stated {_pts(sub.points)} but its indicator points "
            f"{_sum_words(i.points or 0.0 for i in group)} = {_pts(summed)}",
            reported=_pts(sub.points),
            expected=_pts(summed),
            span=sub.span,
        )


@check("score_total_mismatch")
def total_score(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """The stated total score (自评得分) that is not the sum of the stated section subtotals,
    or, without subtotals, of the indicator points (DESIGN §6).

    Subtotals stand for the total only when every scored level-1 section has one; when
    some section's subtotal was not stated, the indicator points are summed instead.
    """
    if report.score is None:
        return
    scored = _scored(report)
    keys = {_score_key(s.label) for s in report.subtotals}
    if report.subtotals and all(k in keys for k in _by_level1(scored)):
        parts, what = [s.points for s in report.subtotals], "section subtotals (小计)"
    elif scored:
        parts, what = [i.points or 0.0 for i in scored], "indicator points"
    else:
        return
    summed = sum(parts)
    if abs(summed - report.score) <= _POINTS_TOL:
        return
    ev = report.evidence.get("score")
    yield make(
        "error",
        "score",
        f"自评得分 (total score) stated {_pts(report.score)} but its {what} "
        f"{_sum_words(parts)} = {_pts(summed)}",
        reported=_pts(report.score),
        expected=_pts(summed),
        span=ev.span if ev else None,
    )


def _indicator_name(ind: Indicator) -> str:
    return ind.level3 or ind.level2 or ind.level1 or "?"


@check("score_over_max")
def points_over_max(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """An indicator scored above its own maximum (分值 / 满分) (DESIGN §6)."""
    for ind in report.indicators:
        if ind.points is None or ind.max_points is None or ind.points <= ind.max_points + _EPS:
            continue
        name = _indicator_name(ind)
        yield make(
            "error",
            f"indicator:{name}",
            f"{name} scored {_pts(ind.points)} points (得分) but its maximum (分值) is {_pts(ind.max_points)}",
            reported=_pts(ind.points),
            expected=f"≤ {_pts(ind.max_points)}",
            span=ind.span,
        )


@check("grade_band_mismatch")
def grade_band(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """The stated grade (评价等级) that the score does not earn (DESIGN §5–§6): under the
    scale the report prints, else the known scale of its grade word, else 财预〔2020〕10号's
    (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60) — see :func:`~fiscal_eval.metrics.grading.check_grade`."""
    if report.score is None or report.grade is None:
        return
    # Imported here: grading pulls in polars, which a parse-and-audit worker otherwise
    # never needs (the module is cached after the first call).
    from fiscal_eval.metrics.grading import check_grade

    result = check_grade(report.score, report.grade, report.grade_scale)
    if result.ok is not False:
        return
    ev = report.evidence.get("grade")
    expected = result.expected or "no grade"
    yield make(
        "error",
        "grade",
        f"评价等级 (grade) stated {report.grade} but a score of {_pts(report.score)} earns "
        f"{expected} under the {result.scale} scale",
        reported=report.grade,
        expected=expected,
        span=ev.span if ev else None,
    )


# --------------------------------------------------------------------------- formula_error


@lru_cache(maxsize=4096)  # form row labels repeat across reports: match each once
def _ref_role(label: str) -> tuple[str, int] | None:
    """The amount role (and rank) a form row's label gives it; None for a rate row
    (实际到位率 names a rate, not the 实际到位 amount) or a row that is no amount."""
    if concept_of(label) is not None:
        return None
    role, rank, _ = role_of(label)
    return (role, rank) if role in _ROLE_WORDS else None


def _row_with(roles: Mapping[str, tuple[str, int] | None], role: str, printed: str) -> str | None:
    """The row number to print for ``role``: the printed row if it has that role, else the
    best-ranked row that has it (实际支出 before 实际投入), else None."""
    if (roles.get(printed) or ("",))[0] == role:
        return printed
    having = [(r[1], int(no), no) for no, r in roles.items() if r and r[0] == role]
    return min(having)[2] if having else None


@check("formula_error")
def printed_formulas(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A printed form formula "(a)÷(b)" whose rows are not the amounts the rate is
    defined on (DESIGN §5–§6): arrival = 实际到位 ÷ 预算数; execution = 实际支出 ÷ 实际到位
    (财预〔2020〕10号) or 实际支出 ÷ 预算数 (自评表); completion = 实际支出 ÷ 预算数.

    003 prints 实际到位率 (6)=(3)÷(2) with (2) 实际投入: the expected formula is (3)÷(1).
    Rows whose labels name no budget / available / spent amount are not judged.
    """
    for rate in report.rates:
        m = _REF_RATIO.fullmatch((rate.formula or "").strip())
        defs = _definitions(rate)
        if m is None or not defs or not rate.refs:
            continue
        num_no, op, den_no = m.groups()
        roles = {no: _ref_role(label) for no, label in rate.refs.items()}
        num, den = roles.get(num_no), roles.get(den_no)
        if num is None or den is None or (num[0], den[0]) in defs:
            continue
        want_num, want_den = defs[0]
        a, b = _row_with(roles, want_num, num_no), _row_with(roles, want_den, den_no)
        expected = f"({a}){op}({b})" if a and b else f"{_ROLE_WORDS[want_num]} ÷ {_ROLE_WORDS[want_den]}"
        concept = _CONCEPT_WORDS[rate.concept]
        yield make(
            "error",
            f"rate:{rate.label}",
            f"{rate.label} printed as ({num_no}){op}({den_no}), i.e. {rate.refs[num_no]} ÷ "
            f"{rate.refs[den_no]} ({num[0]} ÷ {den[0]}); the {concept} is "
            f"{_ROLE_WORDS[want_num]} ÷ {_ROLE_WORDS[want_den]} ({want_num} ÷ {want_den})"
            + (f": {expected}" if a and b else ""),
            reported=f"({num_no}){op}({den_no})",
            expected=expected,
            span=rate.span,
        )


# --------------------------------------------------------------------------- conflicting_values

_NON_WORD = re.compile(r"[\W_]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_CONTEXT_CJK = 4
# A fund label that names the whole (决算总收入, 全年总支出, 收入合计): a per-project list
# in a department report repeats bare labels ("预算数", "实际支出") with different values
# by design, so only labels that claim the whole are compared.
_WHOLE = re.compile(r"总|合计|全年|全部|整体")
_CONFLICT_ROLES = ("budget", "available", "spent")


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def _distinct(values: list[tuple[float, Span]], tol: Callable[[int, int], float],
              reach: float = math.inf) -> list[tuple[float, Span]]:
    """First statement of each distinct value (values within ``tol(i, j)`` are one).

    ``reach`` bounds ``tol``: only the kept values that near are compared (found by
    bisection), where comparing with every kept value was quadratic in a compilation
    stating one quantity per report."""
    kept: list[tuple[float, Span]] = []
    near: list[tuple[float, int]] = []  # (value, index) of the kept, sorted
    for i, item in enumerate(values):
        if reach == math.inf:
            lo, hi = 0, len(near)
        else:
            lo = bisect.bisect_left(near, (item[0] - reach, -1))
            hi = bisect.bisect_right(near, (item[0] + reach, len(values)))
        if all(abs(item[0] - value) > tol(i, j) for value, j in near[lo:hi]):
            kept.append(item)
            bisect.insort(near, (item[0], i))
    return kept


@check("conflicting_values")
def repeated_quantities(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """The same counted quantity stated twice with different values (DESIGN §6; 000:
    覆盖733个单位 and later 覆盖707个单位). Conservative: the noun phrases before the number
    must be identical after dropping spaces and punctuation and hold at least four Chinese
    characters, and the units equal. One flag per group: ``reported`` is the first value
    stated, ``expected`` the other value(s) — there is no right one to expect, only a
    disagreement to resolve."""
    groups: dict[tuple[str, str], list[tuple[float, Span]]] = defaultdict(list)
    for q in report.quantities:
        if len(q.context) < _MIN_CONTEXT_CJK:
            continue  # most noun phrases are short ("建成"): skip them before any regex
        context = _NON_WORD.sub("", q.context)
        if _cjk_count(context) >= _MIN_CONTEXT_CJK:
            groups[(context, q.unit)].append((q.value, q.span))
    for (context, unit), stated in groups.items():
        if len(stated) < 2:
            continue
        distinct = _distinct(stated, lambda i, j: _EPS, _EPS)
        if len(distinct) < 2:
            continue
        (first, span), rest = distinct[0], distinct[1:]
        yield make(
            "warning",
            f"quantity:{context}",
            f"{context} … {unit} stated as {_pts(first)}{unit} and elsewhere as "
            + " and ".join(f"{_pts(v)}{unit}" for v, _ in rest),
            reported=f"{_pts(first)}{unit}",
            expected=", ".join(f"{_pts(v)}{unit}" for v, _ in rest),
            span=span,
        )


def _plan_section(titles: Mapping[str, str], path: str) -> bool:
    """Whether the innermost section of ``path`` that says so is about the budget as
    planned (预算情况 …), not as executed (决算, 执行 …): the parser's rule, on the Report."""
    v = vocab()
    parts = path.split("/") if path else []
    for k in range(len(parts), 0, -1):
        title = titles.get("/".join(parts[:k]))
        if title is None:
            continue
        if v.section_actual.search(title):
            return False
        if v.section_plan.search(title):
            return True
    return False


@check("conflicting_values")
def repeated_totals(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """The same whole amount (budget / available / spent under one label naming the whole,
    e.g. 决算总收入) stated with different values outside the planned-budget sections
    (DESIGN §6). Different roles or different labels are different quantities; equal values
    at different precision (433.19万元 and 4,331,899.35元) agree within rounding slack.
    As for quantities, ``reported`` is the first value stated, ``expected`` the others."""
    groups: dict[tuple[str, str], list[FundLine]] = defaultdict(list)
    for line in report.fund_lines:
        if (line.role in _CONFLICT_ROLES and line.parent is None and line.measure is None
                and _WHOLE.search(line.label)):
            groups[(line.role, line.label)].append(line)
    titles: dict[str, str] | None = None
    for (role, label), lines in groups.items():
        if len(lines) < 2:
            continue
        if titles is None:
            titles = {s.path: s.title for s in report.sections}
        lines = [x for x in lines if not _plan_section(titles, x.context)]
        distinct = _distinct([(x.amount_yuan, x.span) for x in lines],
                             lambda i, j: _slack(lines[i]) + _slack(lines[j]),
                             2 * max((_slack(x) for x in lines), default=0.0))
        if len(distinct) < 2:
            continue
        (first, span), rest = distinct[0], distinct[1:]
        yield make(
            "warning",
            f"fund:{label}",
            f"{label} ({_ROLE_WORDS[role]}, {role}) stated as {_yuan(first)} and elsewhere as "
            + " and ".join(_yuan(v) for v, _ in rest),
            reported=_yuan(first),
            expected=", ".join(_yuan(v) for v, _ in rest),
            span=span,
        )


# --------------------------------------------------------------------------- missing_field

# What a report of each kind should state: (field, fields any of which will do, severity,
# words). Department-wide reports often carry no score or grade, and a project report's
# missing score is worth knowing but not alarming: both are "info"; amounts "warning".
_Required = tuple[tuple[str, tuple[str, ...], Severity, str], ...]
_AMOUNTS: _Required = (
    ("budget_yuan", ("budget_yuan", "available_yuan"), "warning", "预算数 / 实际到位 (budget or available amount)"),
    ("spent_yuan", ("spent_yuan",), "warning", "实际支出 (amount spent)"),
)
_SCORING: _Required = (
    ("score", ("score",), "info", "自评得分 (self-evaluation score)"),
    ("grade", ("grade",), "info", "评价等级 (grade)"),
)
_REQUIRED: dict[str | None, _Required] = {
    "project": _AMOUNTS + _SCORING,
    "department": _AMOUNTS + _SCORING,
    None: _AMOUNTS + _SCORING,  # kind not stated: what every report should state
}


@check("missing_field")
def missing_fields(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A field every report of its kind should state but this one does not (DESIGN §6):
    the budget (or the amount available), the amount spent, the score and the grade."""
    where = f"this {report.kind} report" if report.kind else "this report"
    for field, any_of, severity, words in _REQUIRED.get(report.kind, _REQUIRED[None]):
        if all(getattr(report, f) is None for f in any_of):
            yield make(severity, field, f"no {words} found in {where}")


# --------------------------------------------------------------------------- ocr_read

@check("ocr_read")
def ocr_figures(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A figure read by OCR from a scanned page or an image: OCR misreads digits (6/8,
    1/7, a lost decimal point) without knowing it, so each such figure is marked, with the
    page and the recogniser's confidence, to be checked against the scan before use."""
    for field, evidence in report.evidence.items():
        value = getattr(report, field, None)
        if evidence.ocr_confidence is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        shown = (_pct(value, 2) if field in _RATE_FIELDS.values() else _yuan(value) if field.endswith("_yuan")
                 else _pts(value) if field == "score" else str(value))
        where = f" on {evidence.where}" if evidence.where else ""
        yield make("info", field, f"{shown} 经OCR识别 (read by OCR{where}, confidence "
                   f"{evidence.ocr_confidence:.2f}): 请对照扫描件核对 (check it against the scan)",
                   reported=shown, span=evidence.span)


# --------------------------------------------------------------------------- undecided_value

# A field's name as an analyst reads it (messages are in Chinese, like every page).
_FIELD_WORDS: dict[str, str] = {
    "budget_yuan": "预算数", "available_yuan": "实际到位数", "spent_yuan": "实际支出数",
    "balance_yuan": "结余", "execution_rate_reported": "执行率", "arrival_rate_reported": "到位率",
    "score": "自评得分", "grade": "评价等级", "agency": "单位", "year": "年度", "kind": "类型",
    "project_name": "项目名称", "published_date": "发布日期",
}
_SHOWN_MAX = 6  # candidates named in one message; the rest are counted
_UNIT_CHARS = re.compile(r"[元万亿%]")


def _shown(report: Report, field: str, value: object, span: Span) -> str:
    """A candidate as the text wrote it ("9,056万元"), else its value in the field's unit."""
    written = report.text[span[0]:span[1]].strip() if 0 <= span[0] < span[1] <= len(report.text) else ""
    if written and _UNIT_CHARS.search(written):
        return written
    if isinstance(value, float) and field.endswith("_yuan"):
        return f"{value / 10000:,.2f}万元" if abs(value) >= 10000 else f"{value:,.2f}元"
    if isinstance(value, float) and field.endswith("_reported"):
        return f"{value * 100:g}%"
    return written or str(value)


@check("undecided_value")
def undecided_values(report: Report, make: FlagMaker) -> Iterator[Flag]:
    """A field the text offers values for but does not decide between (issue 11, item 3):
    the parser left it null rather than guess, and ``Report.candidates[field]`` keeps the
    values with why each lost. An info flag naming them, so the analyst sees
    "9,056万元 / 804万元 / 2,040.56万元，未见合计" instead of one of them."""
    for field, candidates in report.candidates.items():
        if not candidates or getattr(report, field, None) is not None:
            continue
        # Each text once, in order (a dict: a list's "not in" was quadratic in the
        # tens of thousands of candidates of a one-line compilation).
        shown = list(dict.fromkeys(_shown(report, field, c.value, c.span) for c in candidates))
        listed = " / ".join(shown[:_SHOWN_MAX]) + (f" 等{len(shown)}个" if len(shown) > _SHOWN_MAX else "")
        reasons = "；".join(dict.fromkeys(c.lost for c in candidates if c.lost))
        words = _FIELD_WORDS.get(field, field)
        yield make(
            "info",
            field,
            f"{words}未能确定：文中有 {listed}，{reasons or '无从取舍'}",
            reported=listed,
            expected=None,
            span=candidates[0].span,
        )
