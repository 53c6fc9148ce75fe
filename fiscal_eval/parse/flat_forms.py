"""自评表 forms whose grid was flattened by text extraction: one cell per line, cells
separated by " | " or by spaces ("年初预算数 全年预算数 全年执行数 分值 执行率 得分
年度资金总额: 880 880 880 10 10"). Real PDF/Word extractions come out like this; the
header run and the total row are rebuilt by position. Used only when the table readers
found no budget or spent figure."""
from __future__ import annotations
import re
from fiscal_eval.model import FundLine, RateStatement
from fiscal_eval.parse.numbers import decimals_of, parse_amount, parse_percent

_TOK = re.compile(r"[^\s|]+")
_NUMTOK = re.compile(r"^-?\d+(?:\.\d+)?%?$")
_UNIT = re.compile(r"\((亿元|万元|千元|元)\)")
_TOTAL = re.compile(r"^(?:年度资金总额|资金总额|总额|合计|总计)[::]?$")
_COLS = [  # (regex on a header token, measure)
    (re.compile(r"^(?:全年预算数|调整后预算数?|年度预算数|全年\(调整\)预算数)"), "budget_adj"),
    (re.compile(r"^年初预算数?"), "budget_init"),
    (re.compile(r"^(?:全年执行数|预算执行数|执行数|实际支出)"), "spent"),
    (re.compile(r"^(?:预算)?执行率"), "rate"),
    (re.compile(r"^(?:分值|权重|得分|原因|满分)"), "other"),
]


__all__ = ["flat_form"]


def _measure(tok: str) -> str | None:
    for rx, m in _COLS:
        if rx.match(tok):
            return m
    return None


# A form's header words, a budget column before an execution column: documents without
# them (most prose reports) are answered without tokenising anything.
_HINT = re.compile(r"(?:预算数|年初预算|调整后预算|全年预算)[^。]{0,80}?(?:执行数|预算执行)")


def flat_form(ctx) -> tuple[list[tuple[FundLine, int]], list[RateStatement]]:
    """(amount lines with their rank, rates) of the first flattened MoF form header run
    followed by its total row. Cached on the context (funds and rates both ask)."""
    cached = getattr(ctx, "_flat_form", None)
    if cached is None:
        cached = ctx._flat_form = _flat_form(ctx)
    return cached


def _flat_form(ctx) -> tuple[list[tuple[FundLine, int]], list[RateStatement]]:
    f = ctx.f
    hint = _HINT.search(f)
    if hint is None:
        return [], []
    # Tokenise only from the first header word on (a split word may start just before it).
    lo = max(0, hint.start() - 12)
    toks = [(m.group(), m.start(), m.end()) for m in _TOK.finditer(f, lo)]
    # join split header words ("全年" + "预算数")
    merged = []
    i = 0
    while i < len(toks):
        t, s, e = toks[i]
        if i + 1 < len(toks) and _measure(t) is None and len(t) <= 3 and _measure(t + toks[i + 1][0]):
            merged.append((t + toks[i + 1][0], s, toks[i + 1][2]))
            i += 2
            continue
        merged.append((t, s, e))
        i += 1
    toks = merged
    amounts, rates = [], []
    for i, (t, s, e) in enumerate(toks):
        if _measure(t) not in ("budget_adj", "budget_init", "spent"):
            continue
        # a header run starting here: consecutive measure tokens
        cols, j = [], i
        while j < len(toks) and _measure(toks[j][0]):
            cols.append(_measure(toks[j][0]))
            j += 1
        # a group header "年度预算数(万元)" followed by its sub-columns
        unit = None
        if len(cols) > 1 and _UNIT.search(toks[i][0]) and cols[1] in ("budget_init", "budget_adj"):
            unit = _UNIT.search(toks[i][0]).group(1)
            cols = cols[1:]
        if sum(c in ("budget_adj", "budget_init", "spent") for c in cols) < 2:
            continue
        if j >= len(toks) or not _TOTAL.match(toks[j][0]):
            continue
        nums = []
        k = j + 1
        while k < len(toks) and _NUMTOK.match(toks[k][0]) and len(nums) < len(cols):
            nums.append(toks[k])
            k += 1
        if not nums:
            continue
        if unit is None:
            m = _UNIT.search(f[max(0, s - 60):s].replace(" ", "").replace("\n", ""))
            unit = m.group(1) if m else "万元"
        for col, (nt, ns, ne) in zip(cols, nums):
            if col == "rate" and nt.endswith("%"):
                rates.append(RateStatement(label="执行率", concept="execution", value=parse_percent(nt[:-1]),
                                           decimals=decimals_of(nt[:-1]), span=(ns, ne)))
            elif col in ("budget_adj", "budget_init", "spent") and not nt.endswith("%"):
                role = "spent" if col == "spent" else "budget"
                rank = 1 if col != "budget_init" else 2
                amounts.append((FundLine(label=toks[j][0], role=role,
                                         amount_yuan=parse_amount(nt, unit),
                                         span=(ns, ne), unit=unit, decimals=decimals_of(nt), measure=role), rank))
        break
    return amounts, rates
