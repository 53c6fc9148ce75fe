"""自评表 forms whose grid was flattened by text extraction: one cell per line, cells
separated by " | " or by spaces, header words split over lines or run together
("年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 880 880 880 10 10",
"全年预算数(A)全年执行数(B)执行率(B/A)\\n年度资金总额: 372.29万元 372.29万元 100%").
Real PDF/Word extractions come out like this. The header run and the total row are
rebuilt by position, and the mapping is kept only when the row confirms it: its 执行率
agrees with 执行数 ÷ 预算数, or it has no rate and its money is not all zero. Used only
when the table readers found no budget or spent figure."""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations

from fiscal_eval.model import FundLine, RateStatement
from fiscal_eval.parse.forms import FUND_TOTAL as _TOTAL
from fiscal_eval.parse.forms import MAX_POINTS_HEADER, column_measure
from fiscal_eval.parse.numbers import decimals_of, parse_amount, parse_number, parse_percent
from fiscal_eval.parse.vocab import vocab

__all__ = ["flat_form", "FlatForm"]

_UNIT = re.compile(r"\((亿元|万元|千元|元)\)")
# What a flattened grid puts between its cells, removed to find header words however split.
_GAP = re.compile(r"[\s|\u00a0]+")
# One value of the total row: a number with its unit or percent sign, after separators.
_VALUE = re.compile(r"[\s|]*(?P<num>-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.,])\s*(?P<unit>%|亿元|万元|千元|元)?")
# A form's header words, a budget column before an execution column: documents without
# them (most prose reports) are answered without looking further.
_HINT = re.compile(r"(?:预算数|年初预算|调整后预算|全年预算)[^。]{0,120}?(?:执行数|预算执行)", re.S)
_MONEY = ("budget_init", "budget_adj", "spent")
_ROLES = {"budget_init": ("budget", 2), "budget_adj": ("budget", 1), "spent": ("spent", 1)}  # as vocab.toml
_UNFILLED = "表格合计行的金额全为0（未填写），不是预算或支出数"
_CONTRADICTED = "表格该行的数与表头对不上（执行率与执行数÷预算数不符），列位可能错了"
_INCOMPLETE = "表格该行缺格，无执行率核对，哪一格是哪一列不能确定"

# (FundLine, rank, why it may not be chosen ("" if it may)) rows and rate statements.
FlatForm = tuple[list[tuple[FundLine, int, str]], list[RateStatement]]


@lru_cache(maxsize=1)
def _header_word() -> re.Pattern[str]:
    """Any [fund_columns] header word, with a marker after it ("(A)", "(万元)", "(10分)")."""
    words = "|".join(f"(?:{rx.pattern.lstrip('^')})" for _, rx in vocab().fund_columns)
    return re.compile(rf"(?:{words})(?:\([^()]{{0,8}}\))?")


def flat_form(ctx) -> FlatForm:
    """(amount lines with their rank and exclusion, rates) of the first flattened MoF
    form header run followed by its total row. Cached on the context (funds and rates
    both ask)."""
    cached = getattr(ctx, "_flat_form", None)
    if cached is None:
        cached = ctx._flat_form = _flat_form(ctx.f)
    return cached


def _compact(f: str, lo: int, hi: int) -> tuple[str, list[int]]:
    """``f[lo:hi]`` without the gaps between cells, and each kept character's offset."""
    chars: list[str] = []
    where: list[int] = []
    pos = lo
    for m in _GAP.finditer(f, lo, hi):
        chars.append(f[pos:m.start()])
        where.extend(range(pos, m.start()))
        pos = m.end()
    chars.append(f[pos:hi])
    where.extend(range(pos, hi))
    return "".join(chars), where


# Header mentions looked at before giving up (each costs a window of ~500 characters).
_MAX_HINTS = 50


def _flat_form(f: str) -> FlatForm:
    pos = 0
    for _ in range(_MAX_HINTS):
        hint = _HINT.search(f, pos)
        if hint is None:
            break
        found = _form_near(f, max(0, hint.start() - 12), min(len(f), hint.end() + 400))
        if found is not None:
            return found
        pos = hint.end()
    return [], []


def _form_near(f: str, lo: int, hi: int) -> FlatForm | None:
    """The first header run in ``f[lo:hi]`` followed by its total row, read; else None."""
    text, where = _compact(f, lo, hi)
    words = list(_header_word().finditer(text))
    i = 0
    while i < len(words):
        # A header run: header words with nothing but cell gaps between them.
        run = [words[i]]
        while i + len(run) < len(words) and words[i + len(run)].start() == run[-1].end():
            run.append(words[i + len(run)])
        i += len(run)
        cols = [column_measure(w.group()) for w in run]
        unit = None
        # "年度预算数(万元)" over its sub-columns: a group header, not a column.
        group = _UNIT.search(run[0].group())
        if len(cols) > 1 and group and cols[1] in ("budget_init", "budget_adj"):
            unit = group.group(1)
            cols = cols[1:]
        if sum(c in _MONEY for c in cols) < 2:
            continue
        total = _TOTAL.match(text, run[-1].end())
        if total is None:
            continue
        found = _row(f, where[total.end() - 1] + 1, cols)
        if not found:
            continue
        if unit is None:
            before = f[max(0, where[run[0].start()] - 60):where[run[0].start()]]
            declared = _UNIT.search(_GAP.sub("", before)) or _UNIT.search("".join(w.group() for w in run))
            unit = declared.group(1) if declared else "万元"
        heads = [w.group() for w in run][len(run) - len(cols):]
        return _read(found, cols, heads, unit, total.group().rstrip(":："))
    return None


def _row(f: str, pos: int, cols: list[str | None]) -> list[tuple[str | None, re.Match[str]]]:
    """The total row's values from ``pos``, paired with the header's columns in order."""
    out = []
    for col in cols:
        if col == "text":
            break
        m = _VALUE.match(f, pos)
        if m is None:
            break
        out.append((col, m))
        pos = m.end()
    return out


def _value(m: re.Match[str]) -> float:
    return parse_number(m.group("num"))


def _rate_checks(rate: re.Match[str], values: dict[str, float]) -> bool:
    """Whether a 执行率 cell (with or without its %) equals 执行数 ÷ a 预算数 of the row,
    to the rate's last stated digit."""
    if "spent" not in values:
        return False
    stated = parse_percent(rate.group("num"))
    step = 10.0 ** -(decimals_of(rate.group("num")) + 2)
    budgets = [values[c] for c in ("budget_init", "budget_adj") if values.get(c)]
    return any(abs(values["spent"] / b - stated) <= step + 1e-12 for b in budgets)


def _placement_money(pairs: list[tuple[str | None, str, re.Match[str]]]) -> dict[str, float] | None:
    """The money of the row read through one placement of its values under the header's
    columns (measure, header words, value); None when the placement is impossible: a
    percent outside 执行率, a 分值 above 100, 得分 above its 分值, a 执行率 that 执行数 ÷
    预算数 does not give, no money at all."""
    money: dict[str, float] = {}
    rate = None
    most = points = None
    for col, head, m in pairs:
        percent = m.group("unit") == "%"
        if col == "rate":
            rate = m
            continue
        if percent:
            return None
        if col in _MONEY:
            money[col] = _value(m)
        elif col == "points":
            if _value(m) > 100:
                return None
            if MAX_POINTS_HEADER.match(head):
                most = _value(m)
            else:
                points = _value(m)
    if not money or (most is not None and points is not None and points > most + 1e-9):
        return None
    if rate is not None and not _rate_checks(rate, money):
        return None
    return money


def _resolve(found: list[tuple[str | None, re.Match[str]]], cols: list[str | None],
             heads: list[str]) -> list[tuple[str | None, re.Match[str]]] | None:
    """A row short of cells (or with a 执行率 without its %) read only when it can be
    read one way: every placement of its values, in order, under the header's columns
    that is possible (:func:`_placement_money`) gives the same money in the same columns.
    "880 880 880 10 10" under 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分: only
    a blank 执行率 leaves every cell possible (880 cannot be a 分值, 10 cannot be 880 ÷ 880
    as a rate), so 880 is the budget and the spent. None when placements disagree."""
    width = next((i for i, c in enumerate(cols) if c == "text"), len(cols))
    values = [m for _, m in found]
    if not 0 < len(values) <= width or width - len(values) > 3:
        return None
    readings: dict[tuple, list[tuple[str | None, re.Match[str]]]] = {}
    for kept in combinations(range(width), len(values)):
        pairs = [(cols[i], heads[i], m) for i, m in zip(kept, values)]
        money = _placement_money(pairs)
        if money is not None:
            readings.setdefault(tuple(sorted(money.items())), [(c, m) for c, _, m in pairs])
    if len(readings) != 1:
        return None
    return next(iter(readings.values()))


def _read(found: list[tuple[str | None, re.Match[str]]], cols: list[str | None], heads: list[str],
          unit: str, label: str) -> FlatForm:
    if any(c in _MONEY and m.group("unit") == "%" for c, m in found):
        return [], []  # a percent under a money column: the cells are not where the header says
    money = [(c, m) for c, m in found if c in _MONEY]
    rate = next((m for c, m in found if c == "rate"), None)
    values = {c: parse_number(m.group("num")) for c, m in money}
    why = ""
    if values and not any(values.values()):
        why = _UNFILLED
    elif rate is not None and rate.group("unit") == "%" and "spent" in values:
        # The row's own 执行率 confirms (or refutes) which number is which.
        stated = parse_percent(rate.group("num"))
        step = 10.0 ** -(decimals_of(rate.group("num")) + 2)
        budgets = [values[c] for c in ("budget_init", "budget_adj") if values.get(c)]
        if not any(abs(values["spent"] / b - stated) <= step + 1e-12 for b in budgets):
            why = _CONTRADICTED
    elif (rate is not None or len(found) < sum(1 for c in cols if c != "text")
            or sum(c in _MONEY for c, _ in money) < sum(c in _MONEY for c in cols)):
        # No rate to check by, and a cell short (or a number under 执行率): which
        # number is which cannot be told ("880 880 880 10 10" under six columns).
        why = _INCOMPLETE
        resolved = _resolve(found, cols, heads)
        if resolved is not None:
            found, why = resolved, ""
            money = [(c, m) for c, m in found if c in _MONEY]
            rate = next((m for c, m in found if c == "rate"), None)
    amounts = []
    for col, m in money:
        role, rank = _ROLES[col]
        u = m.group("unit") or unit
        amounts.append((FundLine(label=label, role=role, amount_yuan=parse_amount(m.group("num"), u),
                                 span=m.span("num"), unit=u, decimals=decimals_of(m.group("num")), measure=role),
                        rank, why))
    rates = []
    if rate is not None and not why:
        rates.append(RateStatement(label="执行率", concept="execution", value=parse_percent(rate.group("num")),
                                   decimals=decimals_of(rate.group("num")), span=(rate.start("num"), rate.end())))
    return amounts, rates
