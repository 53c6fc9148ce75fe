"""Stated rates (执行率, 到位率, 完成率 …), the formulas printed beside them, and
written-out calculations ("（6/11）×100%=54.54%")."""

from __future__ import annotations

import re
from collections import deque
from functools import lru_cache

from fiscal_eval.model import Arithmetic, RateStatement
from fiscal_eval.parse.choose import LOST_COMPONENT, LOST_ITEM, LOST_PART, Choice, Option, choose, in_component, in_list_sentence, is_item
from fiscal_eval.parse.context import Context, clean_label
from fiscal_eval.parse.flat_forms import flat_form, glued_rates
from fiscal_eval.parse.forms import read_cell, row_label
from fiscal_eval.parse.funds import names_project_item
from fiscal_eval.parse.metadata import several_projects
from fiscal_eval.parse.numbers import decimals_of, find_percents, parse_number, parse_percent
from fiscal_eval.parse.vocab import vocab

__all__ = ["extract_rates", "extract_arithmetic", "evaluate", "concept_of", "choose_rate"]


@lru_cache(maxsize=16384)
def concept_of(label: str) -> tuple[str, int] | None:
    """The canonical rate a label names, with its rank, or None."""
    for entry in vocab().rates:
        if entry.pattern.search(label):
            return entry.concept, entry.rank
    return None


# How many characters may stand between a rate's name and its figure ("执行率(%)为").
_NAME_GAP = 6


@lru_cache(maxsize=16384)  # the same rate names recur: each label is read once
def _named(label: str) -> tuple[str, int] | None:
    """The rate the words right before a percent name: the last rate name in the label,
    ending near its end. In cells glued into one "clause" (…管理制度严格执行率100%100%…
    补贴保障率100%), a name far back is another figure's."""
    last = None
    for last in vocab().rate_any.finditer(label):
        pass
    if last is None or len(label) - last.end() > _NAME_GAP:
        return None
    return concept_of(last.group())
# A bare 使用率 is the money's only right after a clause stating money ("实际支付2700万元,
# 使用率90%").
_MONEY_JUST_BEFORE = re.compile(r"\d\s*(?:亿元|万元|元)\s*[,，]?\s*$")
# A percent inside a calculation ("×100%", "≤100%") is an operand, not a statement.
# An OCR'd × after a bracket (")X100%") is one too.
_OPERATOR_BEFORE = re.compile(r"(?:[×*/÷+(≤≦≥≧<>]|\)\s*[Xx])\s*$")
_OPERATOR_AFTER = re.compile(r"^\s*[×*/÷=]")


def _table_rates(ctx: Context) -> list[RateStatement]:
    v = vocab()
    out: list[RateStatement] = []
    for table in ctx.tables:
        refs: dict[str, str] = {}
        rate_columns: dict[int, tuple[str, str]] = {}  # column -> (header, concept)
        for row in table.rows:
            labelled = row_label(row)
            if labelled is None:
                continue
            li, label_text = labelled
            label = clean_label(label_text)
            # A header row naming a rate column ("… | 全年执行数 | 分值 | 执行率 | 得分").
            words = [(i, t) for i, c in enumerate(row) if (t := c.text.strip()) and read_cell(c) is None]
            if len(words) >= 3 and all(read_cell(c) is None for c in row):
                found = {i: (t, concept_of(t)) for i, t in words}
                rate_columns = {i: (t, c[0]) for i, (t, c) in found.items() if c and i > li}
                if rate_columns:
                    continue
            hit = False
            for i, (header, concept_name) in rate_columns.items():
                val = read_cell(row[i]) if i < len(row) else None
                if val is not None and val.percent:
                    # "其他资金 | … | 执行率 95%": the row names whose rate it is.
                    named = header if label in ("", header) else f"{label}{header}"
                    out.append(RateStatement(label=named, concept=concept_name, value=val.value,
                                             decimals=val.decimals, span=row[i].span))
                    hit = True
            if hit:
                continue
            formula = None
            for cell in row[li + 1:]:
                t = cell.text.replace(" ", "")
                m = v.form_row_ref.match(t)
                if m and read_cell(cell) is None:
                    refs.setdefault(m.group(1), label)
                    fm = v.form_formula.match(t)
                    if fm:
                        formula = fm.group(2).strip()
                    break
            concept = concept_of(label)
            if concept is None:
                continue
            for cell in row[li + 1:]:
                val = read_cell(cell)
                if val is not None and val.percent:
                    out.append(RateStatement(
                        label=label, concept=concept[0], value=val.value,
                        decimals=val.decimals, span=cell.span, formula=formula,
                        refs=dict(refs),
                    ))
                    ctx.cover((row[0].span[0], row[-1].span[1]))
                    break
    # A formula may refer to rows below it: give every statement the table's full map.
    return out


# What stands between a formula's last "=" and a percent that is one of its operands.
_IN_FORMULA = re.compile(r"[()×*/÷+\-]")


# A rate's words run back to its clause's start: in a flattened form, over the row's
# other percents ("…控制率%定量指标100%92%100%", 22 of them at most in the samples, the
# synthetic and the shared real reports). A bound is needed all the same: in a sentence
# of thousands of percents and no comma, each took all the words before it as its name
# (quadratic time and memory).
_RATE_REACH = 32


def _prose_rates(ctx: Context) -> list[RateStatement]:
    f = ctx.f
    out: list[RateStatement] = []
    ends: deque[int] = deque(maxlen=_RATE_REACH)  # where the last percents read end
    for m in find_percents(f):
        start, end = m.span()
        if ctx.in_covered(start):
            continue
        if _OPERATOR_BEFORE.search(f[max(0, start - 3):start]) or _OPERATOR_AFTER.match(f[end:end + 3]):
            continue
        line_start = ctx.line_start(start)
        if line_start + 4 > start and re.match(r"\s*\d+\.\s", f[line_start:start + 4]):
            continue  # "1. 20%": a list number, not a stray-space decimal
        bounds = ctx.sentence_bounds(start)
        # The words naming a rate reach back over _RATE_REACH earlier percents at most.
        clause, clause_start = ctx.left_clause(start, max(bounds[0], ends[0] if len(ends) == _RATE_REACH else 0))
        ends.append(end)
        # "预算完成率=(…)×100%=99.26%": the name is before the first "=".
        formula = None
        if "=" in clause:
            # "预算完成率=(…)÷(…)100%": a percent inside the formula, not after its last
            # "=", is the formula's operand (a scoring standard prints these), not a result.
            if _IN_FORMULA.search(clause.rpartition("=")[2]):
                continue
            name, _, rest = clause.partition("=")
            formula = rest.rstrip("= ").strip() or None
            clause = name
        if _NOT_REACHED.search(clause) or _BOUND_AFTER.match(f, end, end + 5):
            continue
        # "3.时效指标:完成预算执行支出进度100%": an indicator's value, not the report's rate —
        # in the indicator's own clause only ("4.成本指标:项目预算100万元,…,预算执行率95%"
        # and a later sentence on the same line state the report's).
        if (ind := _INDICATOR_LINE.match(f, line_start, start)) is not None and not _CLAUSE_STOP.search(f, ind.end(), start):
            continue
        label = clean_label(clause)
        # The rate's name is the words right before it: in a run of cells glued into one
        # "clause" (…管理制度严格执行率100%100%…补贴保障率), a name far back is another's.
        concept = _named(label)
        if concept is None:
            continue
        if label == "使用率" and not _MONEY_JUST_BEFORE.search(f, max(0, clause_start - 24), clause_start):
            continue  # "…设备已全部投入运行,使用率85%": the equipment's, not the money's
        num = m.group("num")
        value = parse_percent(num)
        if not -3 <= value <= 3:
            continue  # "202010100.00%": cells glued together by text extraction
        out.append(RateStatement(
            label=label, concept=concept[0], value=value,
            decimals=decimals_of(num), span=(start, end), formula=formula,
        ))
    return out


# A line listing an indicator of a class (数量指标, 时效指标 …) and its value.
_INDICATOR_LINE = re.compile(r"[ \t]*(?:\(?[\d一二三四五六七八九十]{1,2}[.、)]\s*)?(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|"
                             r"可持续影响|服务对象满意度|满意度)指标[:：]")

_CLAUSE_STOP = re.compile(r"[,，;；。!?！？]")

# A threshold, not a statement: "未达到90%", "90%以上", "80%的需…".
_NOT_REACHED = re.compile(r"(?:未|不|低于|高于|超过|不足)(?:达到|达|足|低于|超过)?\s*$")
_BOUND_AFTER = re.compile(r"\s*(?:以上|以下|及以上|的(?:需|应|须|要))")


# A form row named "其中:…" (其中:中央财政资金 | … | 100%): the rate of a part of the money.
_PART_ROW = re.compile(r"[\s|]*其中")


def _part_row(ctx: Context, pos: int) -> bool:
    return bool(_PART_ROW.match(ctx.f, ctx.line_bounds(pos)[0], pos))


# A percent beside another with only spaces between ("预算资金执行率 90% 100% 10"): an
# indicator row of a 自评表 flattened to text, its target and its actual value. (In a
# table read as one, tabs or pipes part the cells: its columns say what each is.)
_PERCENT_AFTER = re.compile(r" +\d+(?:\.\d+)?%")
_PERCENT_BEFORE = re.compile(r"\d% +$")


def _indicator_cells(ctx: Context, span: tuple[int, int]) -> bool:
    return bool(_PERCENT_AFTER.match(ctx.f, span[1]) or _PERCENT_BEFORE.search(ctx.f, max(0, span[0] - 8), span[0]))


def _listed_after_a_rate(ctx: Context, pos: int) -> bool:
    """"…执行率为80.32%,其中:基本支出…执行率达100.00%,项目支出…执行率47.72%": a rate
    after 其中 in a sentence that stated a rate before it is a part's."""
    lo = ctx.sentence_bounds(pos)[0]
    at = ctx.f.rfind("其中", lo, pos)
    return at > lo and "%" in ctx.f[lo:at]


def choose_rate(ctx: Context, rates: list[RateStatement], concepts: tuple[str, ...]) -> Choice:
    """The report's own rate of one of ``concepts`` (best first), chosen from every
    statement of them (:func:`fiscal_eval.parse.choose.choose`): the concept, then the
    rank of its words; items of a breakdown (各项目执行率 …) and a component section's
    rates never stand for the report's; different values with nothing to decide: none."""
    options = []
    for r in rates:
        if r.concept not in concepts:
            continue
        c = concept_of(r.label)
        options.append(Option(
            value=r.value, span=r.span, label=r.label,
            rank=concepts.index(r.concept) * 10 + (c[1] if c else 9),
            reason=f"“{r.label}”", item=(item := is_item(ctx, r.span[0])) or _part_row(ctx, r.span[0])
            or _listed_after_a_rate(ctx, r.span[0]) or _indicator_cells(ctx, r.span),
            excluded=LOST_COMPONENT if in_component(ctx, r.span[0])
            else LOST_PART if in_list_sentence(ctx, r.span[0])
            # an enumerated item's rate where the text counts several projects: one
            # project's, even where the page was cut before the next item
            else LOST_ITEM if item and several_projects(ctx) and names_project_item(ctx, r.span[0]) else "",
            slack=0.5 * 10.0 ** -(r.decimals + 2), ref=r))
    return choose(options)


def extract_rates(ctx: Context) -> list[RateStatement]:
    """Every stated rate, tables first, then prose."""
    table = _table_rates(ctx)
    if not any(r.concept == "execution" for r in table):
        table += flat_form(ctx)[1]
    if not any(r.concept == "execution" for r in table):
        table += glued_rates(ctx)[1]
    return table + _prose_rates(ctx)


# ------------------------------------------------------------------ calculations

# A calculation: operands joined by operators, "=" and the result. Written as an
# operand-operator chain (no nested stars), so matching stays linear on long tables.
# At most three brackets an operand: no written rate needs more.
_OPERAND = r"\({0,3}-?\d+(?:\.\d+)?%?\){0,3}"
# Brackets opened across a chain still nest; past this depth a "calculation" is noise
# (and recursing deeper would exhaust Python's stack).
_MAX_DEPTH = 12
_ARITH = re.compile(
    rf"(?P<expr>{_OPERAND}(?: ?[+\-*/×÷] ?{_OPERAND})+) ?= ?"
    r"(?P<res>-?\d+(?:\.\d+)?) ?(?P<pct>%)?"
)


def evaluate(expr: str) -> float:
    """Evaluate a written calculation with + - × ÷ / * ( ) and % (as /100), safely —
    a tiny recursive-descent parser, never eval().

    >>> round(evaluate("(6/11)×100%"), 6), evaluate("(1-1)/1×100%"), round(evaluate("-72.08/335.46×100"), 6)
    (0.545455, 0.0, -21.486913)
    """
    tokens = re.findall(r"\d+(?:\.\d+)?|[-+*/×÷()%]", expr.replace(" ", ""))
    pos = 0
    depth = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def atom() -> float:
        nonlocal depth
        if pos >= len(tokens):
            raise ValueError(f"cannot read {expr!r}: it ends early")
        tok = take()
        if tok == "(":
            depth += 1
            if depth > _MAX_DEPTH:
                raise ValueError(f"cannot read {expr!r}: brackets nested too deep")
            val = add()
            if peek() != ")":
                raise ValueError("unbalanced parentheses")
            take()
            depth -= 1
        elif tok == "-":
            val = -atom()
        else:
            val = float(tok)
        while peek() == "%":
            take()
            val /= 100
        return val

    def mul() -> float:
        val = atom()
        while peek() in ("*", "/", "×", "÷"):
            op = take()
            rhs = atom()
            val = val * rhs if op in ("*", "×") else val / rhs
        return val

    def add() -> float:
        val = mul()
        while peek() in ("+", "-"):
            op = take()
            rhs = mul()
            val = val + rhs if op == "+" else val - rhs
        return val

    result = add()
    if pos != len(tokens):
        raise ValueError(f"cannot read {expr!r}")
    return result


# The operand chain of _ARITH alone, every quantifier possessive: none can give back
# and lead to a match (a bracket, digit, sign or space given back is what the next item
# cannot start with), so it reads what _ARITH's expression reads, without backtracking.
_CHAIN = re.compile(
    r"\({0,3}+-?\d++(?:\.\d++)?+%?+\){0,3}+(?: ?+[+\-*/×÷] ?+\({0,3}+-?\d++(?:\.\d++)?+%?+\){0,3}+)*+"
)
_OPERAND_START = re.compile(r"[(\-\d]")
_DIGIT = re.compile(r"\d")
_DIGITS = re.compile(r"\d+")


def _line_calculations(f: str, lo: int, hi: int):
    """``_ARITH.finditer(f, lo, hi)``, in time linear in the line.

    finditer tries every start, and each start inside a long chain of operands ("1+1+…")
    that is not followed by "=" read the chain to its end again: quadratic. A start
    inside the chain read from an earlier start reads on to the same end (the rest of an
    operand, then the same operators and operands), with fewer operators, so when the
    earlier start fails, every start up to the chain's end fails too: the scan skips
    there (but for the last operand's decimals, when another ".5" follows them).
    tests/parse/test_linear.py holds this to finditer.
    """
    pos = lo
    while True:
        start = _OPERAND_START.search(f, pos, hi)
        if start is None:
            return
        p = start.start()
        m = _ARITH.match(f, p, hi)
        if m is not None:
            yield m
            pos = m.end()
            continue
        chain = _CHAIN.match(f, p, hi)
        if chain is None or chain.end() == p:
            pos = p + 1
            continue
        end = chain.end()
        if f.startswith(".", end) and _DIGIT.match(f, end + 1, hi):
            # "…1.5.5": the last operand's decimals, read from inside, are an integer
            # that takes ".5" as its own decimals: those starts are tried.
            point = f.rfind(".", p, end)
            if point >= p and _DIGITS.fullmatch(f, point + 1, end):
                end = point + 1
        pos = end


def _calculations(f: str):
    """_ARITH's matches in ``f``, scanning only the lines that hold "=": a calculation
    never spans a line (its pattern has no line break), most reports write none, and the
    pattern, opening with optional brackets and sign, is slow to try at every character."""
    pos = f.find("=")
    while pos >= 0:
        lo = f.rfind("\n", 0, pos) + 1
        hi = f.find("\n", pos)
        hi = len(f) if hi < 0 else hi
        yield from _line_calculations(f, lo, hi)
        pos = f.find("=", hi)


def extract_arithmetic(ctx: Context) -> list[Arithmetic]:
    """Written calculations "label=expression=result" in prose."""
    f = ctx.f
    out: list[Arithmetic] = []
    previous = 0  # where the last calculation ends
    for m in _calculations(f):
        expr = m.group("expr").strip()
        if not re.search(r"\d", expr) or not re.search(r"[*/×÷]|\d\s*[+\-]\s*\d", expr):
            continue
        if re.fullmatch(r"[\d()\s÷/×*+\-]*", expr) and re.search(r"\(\d{1,2}\)\s*[÷/]", expr) and "%" not in expr:
            # "(6)=(3)÷(2)": row references of a form, not numbers.
            if all(len(x) <= 2 for x in re.findall(r"\d+", expr)):
                continue
        start = m.start("expr")
        bounds = ctx.sentence_bounds(start)
        # Back to the previous calculation at most, as for rates.
        clause, _ = ctx.left_clause(start, max(bounds[0], previous))
        previous = m.end()
        label = clean_label(clause.partition("=")[0])
        res = m.group("res")
        pct = bool(m.group("pct"))
        result = parse_percent(res) if pct else parse_number(res)
        out.append(Arithmetic(
            label=label, expression=expr, result=result, decimals=decimals_of(res),
            percent=pct, span=(start, m.end()),
        ))
    return out
