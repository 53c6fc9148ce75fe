"""自评表 forms whose grid was flattened by text extraction: one cell per line, cells
separated by " | " or by spaces, header words split over lines or run together
("年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 880 880 880 10 10",
"全年预算数(A)全年执行数(B)执行率(B/A)\\n年度资金总额: 372.29万元 372.29万元 100%").
Real PDF/Word extractions come out like this. The header run and the total row are
rebuilt by position, and the mapping is kept only when the row confirms it: its 执行率
agrees with 执行数 ÷ 预算数, or it has no rate and its money is not all zero. Used only
when the table readers found no budget or spent figure."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from itertools import combinations

from fiscal_eval.model import FundLine, RateStatement, Role
from fiscal_eval.parse.forms import FUND_TOTAL as _TOTAL
from fiscal_eval.parse.forms import MAX_POINTS_HEADER, column_measure
from fiscal_eval.parse.numbers import decimals_of, parse_amount, parse_number, parse_percent
from fiscal_eval.parse.vocab import vocab

__all__ = ["flat_form", "FlatForm", "glued_rates"]

_UNIT = re.compile(r"\((亿元|万元|千元|元)\)")
# A unit field, not a unit's name (实施单位:元氏县民政局, 主管单位 元阳县…: 元 there opens a place).
_UNIT_FIELD = re.compile(r"(?:金额单位|(?<![\u4e00-\u9fff])单位)[ \t:：]*(亿元|万元|千元|元)(?![\u4e00-\u9fff])")
# What a flattened grid puts between its cells, removed to find header words however split.
_GAP = re.compile(r"[\s|\u00a0]+")
# One value of the total row: a number with its unit or percent sign, after separators
# (not a year glued to the next words: "年度资金总额:38.75万元2022年…项目"; a cell before
# a line 年度总体目标 is still one).
_VALUE = re.compile(r"[\s|]*(?P<num>-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.,])(?!(?<=(?<![\d.])(?:19|20)\d\d)年)\s*(?P<unit>%|亿元|万元|千元|元|万(?![\u4e00-\u9fff]))?")
# A form's header words, a budget column before an execution column: documents without
# them (most prose reports) are answered without looking further.
_HINT = re.compile(r"(?:预算数|年初预算|调整后预算|全年预算)[^。]{0,120}?(?:执行数|预算执行)", re.S)
_MONEY = ("budget_init", "budget_adj", "available", "spent")
_ROLES: dict[str, tuple[Role, int]] = {"budget_init": ("budget", 2), "budget_adj": ("budget", 1), "available": ("available", 1),
          "spent": ("spent", 1)}  # as vocab.toml
# Budgets a rate may divide by: the money columns' and the net budget (read for checks only).
_BUDGETS = ("budget_init", "budget_adj", "budget_net")
# Columns read but never given as figures: the row's number, money moved out of the budget.
_SILENT = ("row_no", "money_other")
# "列次 0 1 2 3 …" (the form's column numbers) between the header and the total row.
_COLUMN_NUMBERS = re.compile(r"列次\d+[^\d:：。]{0,8}?(?=年度资金总额|资金总额)")
_UNFILLED = "表格合计行的金额全为0（未填写），不是预算或支出数"
_CONTRADICTED = "表格该行的数与表头对不上（执行率与执行数÷预算数不符），列位可能错了"
_INCOMPLETE = "表格该行缺格，无执行率核对，哪一格是哪一列不能确定"

# (FundLine, rank, why it may not be chosen ("" if it may)) rows and rate statements.
FlatForm = tuple[list[tuple[FundLine, int, str]], list[RateStatement]]


@lru_cache(maxsize=1)
def _header_word() -> re.Pattern[str]:
    """Any [fund_columns] header word, with a marker after it ("(A)", "(万元)", "(10分)",
    or the column's letter alone or in a bracket left open: "全年预算数A", "全年预算数(A",
    or its formula: "执行率(全年执行数/全年预算数)")."""
    words = "|".join(f"(?:{rx.pattern.lstrip('^')})" for _, rx in vocab().fund_columns)
    return re.compile(rf"(?:{words})(?:\([^()]{{0,8}}\)|\([^()/]{{1,8}}/[^()/]{{1,8}}\)|\(?[A-F](?![A-Za-z)]))?")


def flat_form(ctx) -> FlatForm:
    """(amount lines with their rank and exclusion, rates) of the first flattened MoF
    form header run followed by its total row. Cached on the context (funds and rates
    both ask)."""
    cached = getattr(ctx, "_flat_form", None)
    if cached is None:
        cached = ctx._flat_form = _flat_form(ctx.f)
    return cached


class _Offsets:
    """Where each character of ``f[lo:hi]`` compacted (:func:`_compact`) sits in ``f``:
    ``offsets[i]``. Worked out when first asked: most compacted texts hold no form and are
    never asked (listing every offset of each cost more than the scans of it)."""

    __slots__ = ("_f", "_lo", "_hi", "_starts", "_origins")

    def __init__(self, f: str, lo: int, hi: int) -> None:
        self._f, self._lo, self._hi = f, lo, hi
        self._starts: list[int] = []  # where each kept stretch starts in the compacted text
        self._origins: list[int] = []  # and in f

    def __getitem__(self, i: int) -> int:
        if not self._starts:
            size = 0
            pos = self._lo
            for m in _GAP.finditer(self._f, self._lo, self._hi):
                self._starts.append(size)
                self._origins.append(pos)
                size += m.start() - pos
                pos = m.end()
            self._starts.append(size)
            self._origins.append(pos)
        k = bisect.bisect_right(self._starts, i) - 1
        return self._origins[k] + i - self._starts[k]


def _compact(f: str, lo: int, hi: int) -> tuple[str, _Offsets]:
    """``f[lo:hi]`` without the gaps between cells, and each kept character's offset."""
    return _GAP.sub("", f[lo:hi]), _Offsets(f, lo, hi)


# Header mentions looked at before giving up (each costs a window of ~500 characters).
_MAX_HINTS = 50


def _flat_form(f: str) -> FlatForm:
    pos = 0
    first_hint = None
    for _ in range(_MAX_HINTS):
        hint = _HINT.search(f, pos)
        if hint is None:
            break
        first_hint = first_hint or hint
        found = _form_near(f, max(0, hint.start() - 12), min(len(f), hint.end() + 400))
        if found is not None:
            return found
        pos = hint.end()
    if first_hint is not None:
        # Only the first hint's own line: a row further down may be another form's (a
        # department report's appended project forms) or a part's (其中:中央资金).
        line_start = f.rfind("\n", 0, first_hint.start()) + 1
        line_end = f.find("\n", first_hint.start())
        row = _KEY_VALUE_ROW.match(f, line_start, len(f) if line_end < 0 else line_end + 1)
        if row is not None:
            return _key_values(f, row)
    return [], []


# "预算数 6.84 到位数 6.84 执行数 6.84": a form whose columns were flattened into pairs of
# a header word and its value, one line, the unit declared above (金额单位: 万元).
_KEY_COLUMNS = {"预算数": "budget_adj", "年初预算数": "budget_init", "全年预算数": "budget_adj", "调整后预算数": "budget_adj",
                "到位数": "available", "执行数": "spent"}
_KEY_WORDS = "|".join(_KEY_COLUMNS)
_KEY_VALUE_ROW = re.compile(rf"(?m)^[ \t|]*(?:(?:{_KEY_WORDS})[ \t:|]+\d+(?:\.\d+)?[ \t|]+){{2,}}")
_KEY_VALUE = re.compile(rf"(?P<label>{_KEY_WORDS})[ \t:|]+(?P<num>\d+(?:\.\d+)?)")
# Words on the line above the row saying it is a part's or another year's (其中:中央资金, 上年数).
_KEY_VALUE_PART = re.compile(r"其中|上年|上一年|去年|以前年度|结转|结余|中央|省级|市级|州级|县级|区级|本级|自筹|社会资金|其他资金")
_KEY_VALUE_UNIT_REACH = 800


def _key_values(f: str, row: re.Match[str]) -> FlatForm:
    """The money of a row of header-word and value pairs, in the unit its form declares
    above it; nothing when no unit is declared (6.84 may be 元 or 万元) or a column repeats."""
    lo = max(0, row.start() - _KEY_VALUE_UNIT_REACH)
    # The form's own unit: declared after the last table title above (a previous table's
    # 单位:元 is not this form's), and no unit in a header bracket ((万元)) saying another.
    lo = max(lo, f.rfind("表", lo, row.start()) + 1)
    units = _UNIT_FIELD.findall(f, lo, row.start())
    if units:
        units += _UNIT.findall(f, lo, row.start())
    if _KEY_VALUE_PART.search(f, f.rfind("\n", 0, max(0, row.start() - 1)) + 1, row.start()):
        return [], []
    pairs = list(_KEY_VALUE.finditer(f, row.start(), row.end()))
    cols = [_KEY_COLUMNS[p.group("label")] for p in pairs]
    if not units or len(set(units)) != 1 or len(set(cols)) != len(cols):
        return [], []
    unit = units[0]
    label = "表格表头与数值成对（金额单位见表首）"
    return [(FundLine(label=label, role=_ROLES[c][0], amount_yuan=parse_amount(p.group("num"), unit), span=p.span("num"),
                      unit=unit, decimals=decimals_of(p.group("num")), measure=_ROLES[c][0]), _ROLES[c][1], "")
            for c, p in zip(cols, pairs)], []


def _form_near(f: str, lo: int, hi: int) -> FlatForm | None:
    """The first header run in ``f[lo:hi]`` followed by its total row, read; else None."""
    text, where = _compact(f, lo, hi)
    words = list(_header_word().finditer(text))
    displaced: FlatForm | None = None  # cells pushed below the header: read if nothing else is
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
            if cols[:2] == ["spent", "rate"] and i > len(run) and displaced is None:
                displaced = _displaced(f, text, where, words[i - len(run) - 1], run)
            continue
        total = _TOTAL.match(text, run[-1].end())
        numbers = _COLUMN_NUMBERS.match(text, run[-1].end())
        if total is None and numbers is not None:
            total = _TOTAL.match(text, numbers.end())
        surplus: list[re.Match[str]] = []
        if total is not None:
            found = _row(f, where[total.end() - 1] + 1, cols)
            surplus = _surplus(f, found) if len(found) == len(cols) else []
            label = total.group().rstrip(":：")
            declared = _UNIT.search(total.group())  # "年度资金总额(万元):"
            if unit is None and declared is not None:
                unit = declared.group(1)
        else:
            heads = [w.group() for w in run][len(run) - len(cols):]
            found = _uncaptioned(f, where[run[-1].end() - 1] + 1, cols)
            label = "表头下首行（其中各行不超过它）"
            if not found:
                found = _uncaptioned_checked(f, where[run[-1].end() - 1] + 1, cols, heads)
                label = "表头下首行（执行率与执行数÷预算数相符）"
        if not found:
            continue
        if unit is None:
            before = f[max(0, where[run[0].start()] - 60):where[run[0].start()]]
            declared = _UNIT.search(_GAP.sub("", before)) or _UNIT.search("".join(w.group() for w in run))
            unit = declared.group(1) if declared else "万元"
        heads = [w.group() for w in run][len(run) - len(cols):]
        if total is not None and (part := _sole_part_row(f, found, cols)) is not None:
            # (the part row holds the money columns' cells alone)
            kept = [k for k, c in enumerate(cols) if c in _MONEY]
            caption, cells = part
            return _read(cells, [cols[k] for k in kept], [heads[k] for k in kept], unit, caption)
        return _read(found, cols, heads, unit, label, surplus)
    return displaced


# The MoF form's part rows under its 年度资金总额: 其中:当年(本年)财政拨款 | 上年结转资金 | 其他资金.
_FISCAL_PART = re.compile(r"[\s|]*其中[:：]?[\s|]*(?:当年|本年)财政拨款[\s|:：]*")
_OTHER_PARTS = re.compile(r"[\s|]*(?:上年结转|其他资金)")
_PARTS_REACH = 120
_DIGIT = re.compile(r"\d")


def _sole_part_row(f: str, found: list[tuple[str | None, re.Match[str]]],
                   cols: list[str | None]) -> tuple[str, list[tuple[str | None, re.Match[str]]]] | None:
    """"年度资金总额: 0 0 0 10 0 0 其中:本年财政拨款 90 89.974 89.974 上年结转资金 其他资金
    年度总体目标…": a total row left unfilled (its money all 0) over one part row with
    money, the other part rows empty — that part is the whole (the total is the parts'
    sum), read under the money columns in order, one figure each and nothing more: the
    part row's caption and its cells."""
    money_cols: list[str | None] = [c for c in cols if c in _MONEY]
    if not found or any(parse_number(m.group("num")) for c, m in found if c in _MONEY) \
            or not any(c in _MONEY for c, _ in found):
        return None
    part = _FISCAL_PART.match(f, found[-1][1].end())
    if part is None:
        return None
    row = _row(f, part.end(), money_cols)
    if len(row) != len(money_cols) or any(m.group("unit") == "%" for _, m in row):
        return None
    pos = row[-1][1].end()
    other = _OTHER_PARTS.match(f, pos)
    # The other parts named and empty: no figure at all from there to the form's next part
    # (a cell written "/", a caption split or annotated, a further part row all say nothing
    # of their own emptiness: any digit is taken for money the part row does not hold).
    nxt = _FORM_PART_AFTER.search(f, pos, pos + _PARTS_REACH)
    if other is None or other.end() == pos or nxt is None or _DIGIT.search(f, pos, nxt.start()):
        return None
    return _GAP.sub("", part.group()), row


# A budget cell holding its number right after its header word ("全年预算数(A)300").
_CELL_NUMBER = re.compile(r"(?P<num>\d+(?:\.\d+)?)(?P<unit>亿元|万元|元)?")
# Numbers after an empty 执行数 | 执行率 header, up to the form's next part.
_LOOSE_NUMBER = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)(?![\d.])\s*(?P<unit>%|亿元|万元|元)?")
_FORM_PART_AFTER = re.compile(r"总体目标|年度目标|绩效目标|绩效指标|一级指标")
# What may stand between the empty header and the pair: the 其中 rows' labels and numbers
# (anything else — 到位, 占比, 下达, an indicator — says the pair is some other measure).
_PART_ROWS_ONLY = re.compile(r"(?:其中|中央|省级|省|自治区|市县|市级|州级|县级|区级|地方|财政|补助|资金|配套|其他|本级"
                             r"|上年结转|年度资金总额|资金总额|拨款|[\s|:：()（）]|\d+(?:\.\d+)?(?:万元|元|%)?)*")
_DISPLACED_REACH = 160


def _displaced(f: str, text: str, where: _Offsets, before: re.Match[str],
               run: list[re.Match[str]]) -> FlatForm | None:
    """"全年预算数(A)300全年执行数(B)执行率(B/A)其中…300万元\n259.45万元\n86.5%": a
    grid whose 执行数 and 执行率 cells were pushed below the header (OCR of a preview,
    cells reordered). The budget cell sits by its header; the spent and the rate are the
    amount and the percent of a row of three adjacent cells (the budget again, 执行数, 执行率)
    that agree (执行数 ÷ 预算数 = 执行率 to the rate's last digit), with only the 其中 rows'
    labels and numbers between the header and it, and a unit stated. One such reading
    (a part row restating the total is the same one), or none; and only where the header
    run has no total row of its own (a reading of that comes first)."""
    budget_col = column_measure(before.group())
    cell = _CELL_NUMBER.fullmatch(text, before.end(), run[0].start())
    if budget_col not in ("budget_init", "budget_adj") or cell is None or not parse_number(cell.group("num")):
        return None
    lo = where[run[-1].end() - 1] + 1
    hi = min(len(f), lo + _DISPLACED_REACH)
    if stop := _FORM_PART_AFTER.search(f, lo, hi):
        hi = stop.start()
    head = f[max(0, where[before.start()] - 80):where[before.start()]]
    declared = _UNIT.search(_GAP.sub("", head)) or _UNIT_FIELD.search(head)
    unit = cell.group("unit") or (declared.group(1) if declared else None)
    if unit is None:
        return None  # (no unit stated: 300 may be 元 or 万元, and that is no guess to make)
    budget = parse_amount(cell.group("num"), unit)
    numbers = list(_LOOSE_NUMBER.finditer(f, lo, hi))
    pairs: dict[tuple[float, str], tuple[re.Match[str], re.Match[str], float]] = {}
    for row, a, b in zip(numbers, numbers[1:], numbers[2:]):
        if a.group("unit") == "%" or b.group("unit") != "%" or _GAP.sub("", f[row.end():a.start()] + f[a.end():b.start()]):
            continue
        if not _PART_ROWS_ONLY.fullmatch(f, lo, row.start()):
            break  # (other words came between: the later cells are some other measure's)
        if row.group("unit") == "%" or parse_amount(row.group("num"), row.group("unit") or unit) != budget:
            continue  # (a row of budget, spent, rate: not a part's amount beside its share)
        spent = parse_amount(a.group("num"), a.group("unit") or unit)
        if spent and _rate_agrees(spent / budget, b.group("num"), loose=False):
            pairs.setdefault((spent, b.group("num")), (a, b, spent))  # (a part row restating the total is one pair)
    if len(pairs) != 1:
        return None
    a, b, spent = next(iter(pairs.values()))
    label = "表头下错位的格（执行率与执行数÷预算数相符）"
    b_lo = where[cell.start("num")]
    amounts = [
        (FundLine(label=label, role="budget", amount_yuan=budget, span=(b_lo, b_lo + len(cell.group("num"))), unit=unit,
                  decimals=decimals_of(cell.group("num")), measure="budget"), _ROLES[budget_col][1], ""),
        (FundLine(label=label, role="spent", amount_yuan=spent, span=a.span("num"), unit=a.group("unit") or unit,
                  decimals=decimals_of(a.group("num")), measure="spent"), 1, ""),
    ]
    rate = RateStatement(label="执行率", concept="execution", value=parse_percent(b.group("num")),
                         decimals=decimals_of(b.group("num")), span=(b.start("num"), b.end()))
    return amounts, [rate]


_PARTS_OPEN = re.compile(r"[\s|]*其中\s*:?")
# A 其中 row's label: words with no digit ("中央财政资金", "其他资金 (包括以前年度结转资 金)").
_PART_LABEL = re.compile(r"[\s|]*[^\d\s|%:][^\d%|:]{0,39}?(?=[\s|]*\d)")


def _uncaptioned(f: str, pos: int, cols: list[str | None]) -> list[tuple[str | None, re.Match[str]]]:
    """Money printed right after a header of money columns only, with no row label
    ("全年预算数(A) 全年执行数(B) 7165.32 6992.95 其中:中央财政资金 3144.00 3144.00 …"):
    the first row read by column only when 其中 rows follow, each of as many values, none
    and no column's sum above the first row's (it is their total); else nothing."""
    if len(cols) < 2 or not all(c in _MONEY for c in cols):
        return []
    found = _row(f, pos, cols)
    if len(found) != len(cols) or any(m.group("unit") == "%" for _, m in found):
        return []
    head = [_value(m) for _, m in found]
    opened = _PARTS_OPEN.match(f, found[-1][1].end())
    if opened is None:
        return []
    at, sums, rows = opened.end(), [0.0] * len(cols), 0
    while rows < 12:
        label = _PART_LABEL.match(f, at)
        if label is None:
            break
        values = _row(f, label.end(), cols)
        if len(values) != len(cols) or any(m.group("unit") == "%" for _, m in values):
            break
        for k, (_, m) in enumerate(values):
            sums[k] += _value(m)
        at, rows = values[-1][1].end(), rows + 1
    # Cells rounded to 0.01 may sum a few hundredths over their total.
    if rows == 0 or any(s > h + 0.01 * rows + 1e-9 for s, h in zip(sums, head)):
        return []
    return found


def _uncaptioned_checked(f: str, pos: int, cols: list[str | None],
                         heads: list[str]) -> list[tuple[str | None, re.Match[str]]]:
    """Values printed right after a header that has a 执行率 column, with no row label
    ("全年预算数 全年执行数 分值 执行率 得分 65.66 65.07 10 99% 9"): read only when they
    fill every column and the row's own arithmetic confirms the columns (its 执行率,
    with its %, is 执行数 ÷ 预算数; 分值 and 得分 possible); else nothing."""
    width = _width(cols)
    if "rate" not in cols[:width]:
        return []
    found = _row(f, pos, cols)
    if len(found) != width:
        return []
    rate = next(m for c, m in found if c == "rate")
    if rate.group("unit") != "%" or _placement_money([(c, h, m) for (c, m), h in zip(found, heads)]) is None:
        return []
    return found


_MOST_SURPLUS = 2  # cells beyond the header's columns a row is read with


def _surplus(f: str, found: list[tuple[str | None, re.Match[str]]]) -> list[re.Match[str]]:
    """Values the total row holds beyond the header's columns ("年度资金总额: 28.1 28.1 28.1
    28.1 10 100% 10" under six columns: a cell the header lost): on the row's line, or on
    the lines after where the row has one cell a line."""
    if not found:
        return []
    one_a_line = "\n" in f[found[0][1].start("num"):found[-1][1].start("num")]
    out: list[re.Match[str]] = []
    pos = found[-1][1].end()
    while len(out) <= _MOST_SURPLUS and (m := _VALUE.match(f, pos)) is not None \
            and (one_a_line or "\n" not in f[pos:m.start("num")]):
        out.append(m)
        pos = m.end()
    return out if len(out) <= _MOST_SURPLUS else []


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


def _rate_readings(rate: re.Match[str]) -> list[tuple[float, int]]:
    """What a 执行率 cell may state, as (fraction, decimals of its percent): "95.8%" is
    0.958; without its % sign it may be a percent ("95.8") or a fraction the form printed
    as a decimal ("0.958" = 95.8 %), which only the row's arithmetic tells apart."""
    num = rate.group("num")
    d = decimals_of(num)
    out = [(parse_percent(num), d)]
    if rate.group("unit") != "%" and d >= 2 and parse_number(num) <= 2:
        out.append((parse_number(num), d - 2))
    return out


def _checked_rate(rate: re.Match[str], values: dict[str, float]) -> tuple[float, int] | None:
    """The reading of a 执行率 cell (fraction, percent decimals) that equals 执行数 ÷ a
    预算数 of the row to the rate's last stated digit, or None."""
    if "spent" not in values:
        return None
    budgets = [values[c] for c in _BUDGETS if values.get(c)]
    for stated, d in _rate_readings(rate):
        step = 10.0 ** -(d + 2)
        if any(abs(values["spent"] / b - stated) <= step + 1e-12 for b in budgets):
            return stated, d
    return None


def _rate_checks(rate: re.Match[str], values: dict[str, float]) -> bool:
    """Whether a 执行率 cell (with or without its %) equals 执行数 ÷ a 预算数 of the row,
    to the rate's last stated digit."""
    return _checked_rate(rate, values) is not None


def _placement_money(pairs: list[tuple[str | None, str, re.Match[str]]]) -> dict[str, float] | None:
    """The money of the row read through one placement of its values under the header's
    columns (measure, header words, value); None when the placement is impossible: a
    percent outside 执行率, a 分值 above 100, 得分 above its 分值, a 执行率 that 执行数 ÷
    预算数 does not give, no money at all."""
    money: dict[str, float] = {}
    checks: dict[str, float] = {}  # money and the net budget, for the rates' arithmetic
    rate = arrival = None
    most = points = None
    for col, head, m in pairs:
        percent = m.group("unit") == "%"
        if col == "rate":
            rate = m
            continue
        if col == "arrival_rate":
            if not percent:
                return None
            arrival = m
            continue
        if percent:
            return None
        if col == "row_no":
            if m.group("unit") or "." in m.group("num") or _value(m) > 99:
                return None
            continue
        if col in _MONEY:
            money[col] = _value(m)
        if col in _MONEY or col in ("budget_net", "money_other"):
            checks[col] = _value(m)
        elif col == "points":
            if _value(m) > 100:
                return None
            if MAX_POINTS_HEADER.match(head):
                most = _value(m)
            else:
                points = _value(m)
    if not money or (most is not None and points is not None and points > most + 1e-9):
        return None
    # 扣除统筹整合资金后预算金额 (C) is 全年预算数 (A) less 统筹整合资金数 (B, blank for none).
    if "budget_net" in checks and ("budget_adj" not in checks or abs(
            checks["budget_adj"] - checks.get("money_other", 0.0) - checks["budget_net"]) > 1e-6):
        return None
    if rate is not None and not _rate_checks(rate, checks):
        return None
    # 预算到位 (D/C): what arrived over the budget, to the rate's last digit.
    if arrival is not None and not _rate_checks(arrival, {**checks, "spent": checks.get("available", -1.0)}):
        return None
    return money


def _width(cols: list[str | None]) -> int:
    """How many value columns come before the first text column."""
    return next((i for i, c in enumerate(cols) if c == "text"), len(cols))


def _resolve(found: list[tuple[str | None, re.Match[str]]], cols: list[str | None],
             heads: list[str]) -> list[tuple[str | None, re.Match[str]]] | None:
    """A row short of cells (or with a 执行率 without its %) read only when it can be
    read one way: every placement of its values, in order, under the header's columns
    that is possible (:func:`_placement_money`) gives the same money in the same columns.
    "880 880 880 10 10" under 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分: only
    a blank 执行率 leaves every cell possible (880 cannot be a 分值, 10 cannot be 880 ÷ 880
    as a rate), so 880 is the budget and the spent. None when placements disagree."""
    width = _width(cols)
    values = [m for _, m in found]
    if not 0 < len(values) <= width or width - len(values) > 3:
        return None
    readings: dict[tuple, list[tuple[str | None, re.Match[str]]]] = {}
    for kept in combinations(range(width), len(values)):
        pairs = [(cols[i], heads[i], m) for i, m in zip(kept, values)]
        money = _placement_money(pairs)
        if money is not None:
            readings.setdefault(tuple(sorted(money.items())), [(c, m) for c, _, m in pairs])
    return _one_reading(readings)


def _resolve_surplus(values: list[re.Match[str]], cols: list[str | None],
                     heads: list[str]) -> list[tuple[str | None, re.Match[str]]] | None:
    """A row with a cell or two more than the header's columns, read only when it can be
    read one way: every choice of as many of its values as there are columns, in order,
    whose 执行率 (with its %) equals 执行数 ÷ 预算数, whose budget columns agree and whose
    cells left out each restate that budget, gives the same money. "28.1 28.1 28.1 28.1
    10 100% 10" under 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分: one 28.1
    (or the first 10) is the lost column's, and either way the budget and the spent are
    28.1. A lost column of a figure of its own or budgets that differ are not read: in
    "100 100 80 72 10 90% 9" the 80 the rate divides by may be a 到位数, no budget."""
    width = _width(cols)
    if width != len(cols) or "rate" not in cols or not 0 < len(values) - width <= _MOST_SURPLUS:
        return None
    readings: dict[tuple, list[tuple[str | None, re.Match[str]]]] = {}
    for kept in combinations(range(len(values)), width):
        pairs = [(cols[i], heads[i], values[k]) for i, k in enumerate(kept)]
        if next(m for c, _, m in pairs if c == "rate").group("unit") != "%":
            continue  # (no arithmetic to confirm the placement)
        money = _placement_money(pairs)
        budgets = {v for c, v in (money or {}).items() if c in _BUDGETS}
        if money is not None and len(budgets) == 1 and "spent" in money \
                and all(values[k].group("unit") != "%" and _value(values[k]) in budgets
                        for k in range(len(values)) if k not in kept):
            readings.setdefault(tuple(sorted(money.items())), [(c, m) for c, _, m in pairs])
    return _one_reading(readings)


def _one_reading(readings: dict[tuple, list[tuple[str | None, re.Match[str]]]]
                 ) -> list[tuple[str | None, re.Match[str]]] | None:
    """The placement of a row's values all its possible placements agree on (their money,
    keyed by column), or None."""
    if len(readings) > 1:
        # "387664.62 387664.62 10 100% 10" under six columns: the blank cell is 年初预算数 or
        # 全年预算数, and either way the budget is 387664.62 (the rate checks it), so the
        # field is decided though the column is not; the reading under 全年预算数 is kept.
        def budget_blind(money: tuple) -> tuple:
            budgets = frozenset(v for c, v in money if c in ("budget_init", "budget_adj"))
            return len(budgets), budgets, tuple(kv for kv in money if kv[0] not in ("budget_init", "budget_adj"))
        keys = {budget_blind(k) for k in readings}
        if len(keys) != 1 or next(iter(keys))[0] != 1:
            return None
        return next((r for k, r in readings.items() if any(c == "budget_adj" for c, _ in k)), None)
    if not readings:
        return None
    return next(iter(readings.values()))


def _typed(found: list[tuple[str | None, re.Match[str]]], cols: list[str | None]) -> bool:
    """Whether a total row has a cell under every value column and each cell's own unit
    places it: a money unit under each money column and nowhere else, % under 执行率 alone
    ("4753.66万元 4753.66万元 3824.26万元 10 100% 10" under 年初预算数 | 全年预算数 |
    全年执行数 | 分值 | 执行率 | 得分)."""
    if len(found) != _width(cols):
        return False
    for col, m in found:
        unit = m.group("unit") or ""
        if (col in _MONEY) != (unit not in ("", "%")) or (col in ("rate", "arrival_rate")) != (unit == "%"):
            return False
    return True


def _ratio_of_two(values: dict[str, float], stated: float, step: float) -> bool:
    """Whether ``stated`` is one of the row's figures over another, different one."""
    figures = {v for v in values.values() if v}
    return any(a != b and abs(a / b - stated) <= step + 1e-12 for a in figures for b in figures)


def _read(found: list[tuple[str | None, re.Match[str]]], cols: list[str | None], heads: list[str],
          unit: str, label: str, surplus: list[re.Match[str]] | None = None) -> FlatForm:
    if any(c in _MONEY and m.group("unit") == "%" for c, m in found):
        # A percent under a money column: the cells are not where the header says; a
        # row short of cells is read only where one placement of them is possible.
        resolved = _resolve(found, cols, heads) if len(found) < _width(cols) else None
        if resolved is None:
            return [], []
        found = resolved
    money = [(c, m) for c, m in found if c in _MONEY]
    rate = next((m for c, m in found if c == "rate"), None)
    values = {c: parse_number(m.group("num")) for c, m in found if c in _MONEY or c == "budget_net"}
    why = ""
    if values and not any(values.values()):
        why = _UNFILLED
    elif rate is not None and rate.group("unit") == "%" and "spent" in values:
        # The row's own 执行率 confirms (or refutes) which number is which.
        stated = parse_percent(rate.group("num"))
        step = 10.0 ** -(decimals_of(rate.group("num")) + 2)
        budgets = [values[c] for c in _BUDGETS if values.get(c)]
        # A row whose every cell shows by its own unit which column it is in (万元 under
        # each money column, % under 执行率 alone) is read as the header says: the rate
        # that disagrees is the form's own discrepancy (the audit's to flag), not a shift.
        # (Not where the rate is the ratio of two other of its figures: "4753.66万元
        # 3824.26万元 4753.66万元 … 80.45%" says 3824.26 is what was spent, the cells
        # shifted.)
        if not any(abs(values["spent"] / b - stated) <= step + 1e-12 for b in budgets) \
                and not (_typed(found, cols) and not _ratio_of_two(values, stated, step)):
            why = _CONTRADICTED
    elif (rate is not None or len(found) < sum(1 for c in cols if c != "text")
            or sum(c in _MONEY for c, _ in money) < sum(c in _MONEY for c in cols)):
        # No rate to check by, and a cell short (or a number under 执行率): which
        # number is which cannot be told ("880 880 880 10 10" under six columns).
        why = _INCOMPLETE
        resolved = _resolve(found, cols, heads)
        if resolved is None and surplus:
            resolved = _resolve_surplus([m for _, m in found] + surplus, cols, heads)
        if resolved is not None:
            found, why = resolved, ""
            money = [(c, m) for c, m in found if c in _MONEY]
            rate = next((m for c, m in found if c == "rate"), None)
    values = {c: parse_number(m.group("num")) for c, m in found if c in _MONEY or c == "budget_net"}
    reading = _checked_rate(rate, values) if rate is not None else None
    amounts = []
    for col, m in money:
        role, rank = _ROLES[col]
        u = m.group("unit") or unit
        amounts.append((FundLine(label=label, role=role, amount_yuan=parse_amount(m.group("num"), u),
                                 span=m.span("num"), unit=u, decimals=decimals_of(m.group("num")), measure=role),
                        rank, why))
    rates = []
    if rate is not None and not why:
        value, decimals = reading or (parse_percent(rate.group("num")), decimals_of(rate.group("num")))
        rates.append(RateStatement(label="执行率", concept="execution", value=value,
                                   decimals=decimals, span=(rate.start("num"), rate.end())))
    return amounts, rates


# ---------------------------------------------------------------- cells glued together

# Cells of a form row run together by text extraction ("O76%107.6", "79.27107.93"): a
# number is read out of such a run only when arithmetic fixes where the cells part.
# The header words of the execution cells, in the order the form prints them: 执行率 |
# 权重 | 得分 (the 部门整体 form) or 分值 | 执行率 | 得分 (the MoF project form).
_RATE_WEIGHT_POINTS = re.compile(
    r"(?:预算)?执行率(?:\([^()]{0,5}\))?(?P<rwp>(?:执行率)?(?:权重|分值)(?:\([^()]{0,3}\))?(?:执行率)?得分)"
    r"|(?:分值|权重)(?:\([^()]{0,3}\))?(?P<wrp>(?:预算)?执行率(?:\([^()]{0,5}\))?得分)")
# The spent and rate columns of a money grid, with the (B) and (B/A) a form may print.
# A 得分 column after them ("执行率(B/A)得分(20分*执行率)", the rate's bracket may come
# through unclosed: "执行率(B/A1得分"), before the row.
_SPENT_RATE = re.compile(r"执行数(?:\([A-Z]\))?(?:预算)?执行率(?:\([A-Z/÷×*\d%]{1,12}\)|\([A-Z/÷\d]{1,6}(?=得分))?"
                         r"(?:得分(?:\([^()]{0,12}\))?)?")
_RUN = re.compile(r"[\d.%]+")
# Numbers in a run, as text: no leading point, one point at most, no leading zero.
_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
_GLUED_REACH = 160  # characters after the header looked at (compacted)
_GLUED_RUNS = 3  # runs of digits tried after it
# The least weight a form gives its 执行率 (MoF: 10; local forms 5 to 20): below it, a
# weight of 1 or 2 would "earn" 0 points at any rate, and every run would part.
_LIGHTEST = 5


def _number(text: str, most_decimals: int) -> float | None:
    if not _NUMBER.fullmatch(text) or decimals_of(text) > most_decimals:
        return None
    return float(text)


def _rate_weight_points(run: str, order: str) -> set[tuple[float, int, int, int]]:
    """Every (rate, decimals, where the rate's cell starts and ends in ``run``) such that the run ends in
    rate, weight and points in ``order`` ("rwp" or "wrp") with points = weight × min(rate,
    1) to the points' last digit (财预〔2020〕10号: 执行率 points = 分值 × 执行率, capped)."""
    out = set()
    n = len(run)
    for s_start in range(n - 1, 0, -1):
        points = _number(run[s_start:], 2)
        if points is None:
            continue
        if order == "rwp":
            for w_start in range(s_start - 1, max(-1, s_start - 4), -1):
                weight = _number(run[w_start:s_start], 0)
                if weight is None or not _LIGHTEST <= weight <= 100 or points > weight:
                    continue
                r_end = w_start - 1 if run[w_start - 1:w_start] == "%" else w_start
                for r_start in range(r_end - 1, max(-1, r_end - 7), -1):
                    rate = _number(run[r_start:r_end], 2)
                    if rate is not None and _earns(rate, weight, points, run[s_start:]):
                        out.add((rate, decimals_of(run[r_start:r_end]), r_start, w_start))
        else:
            r_end = s_start - 1 if run[s_start - 1:s_start] == "%" else s_start
            for r_start in range(r_end - 1, max(-1, r_end - 7), -1):
                rate = _number(run[r_start:r_end], 2)
                if rate is None:
                    continue
                for w_start in range(r_start - 1, max(-1, r_start - 4), -1):
                    weight = _number(run[w_start:r_start], 0)
                    if (weight is not None and _LIGHTEST <= weight <= 100 and points <= weight
                            and _earns(rate, weight, points, run[s_start:])):
                        out.add((rate, decimals_of(run[r_start:r_end]), r_start, s_start))
    return out


def _earns(rate: float, weight: float, points: float, points_text: str) -> bool:
    if not 0 < rate <= 200 or points <= 0:
        return False
    step = 0.5 * 10.0 ** -decimals_of(points_text)
    return abs(weight * min(rate, 100.0) / 100.0 - points) <= step + 1e-9


def _rate_agrees(quotient: float, rate_text: str, loose: bool) -> bool:
    """Whether 执行数 ÷ 预算数 gives the printed rate: to its last digit, or (``loose``) for
    a rate printed in whole percents ("31.00%" for 46 ÷ 148 = 31.08 %), rounded or cut."""
    rate = float(rate_text) / 100.0
    if not loose:
        return abs(quotient - rate) <= 10.0 ** -(decimals_of(rate_text) + 2) + 1e-12
    if not _WHOLE_PERCENT.fullmatch(rate_text):
        return False
    return rate - 0.005 - 1e-12 <= quotient < rate + 0.01


_WHOLE_PERCENT = re.compile(r"\d+(?:\.0+)?")


def _spent_rate_run(run: str, loose: bool = False) -> set[tuple[float, float, float, int, tuple[int, int, int, int]]]:
    """Every (budget, spent, rate, rate decimals, where its last three cells part) such that the run
    is money cells then a rate, the last two money cells 预算数 and 执行数, the rate their
    quotient to its last digit ("64.864.864.8100%": 64.8 | 64.8 | 64.8 | 100%)."""
    if not run.endswith("%"):
        return set()
    body = run[:-1]
    out = set()

    def split(pos: int, cells: list[str]):
        if len(cells) > 4:
            return
        if pos == len(body):
            if len(cells) >= 3:
                *money, rate_text = cells
                rate = _number(rate_text, 2)
                budget, spent = _number(money[-2], 6), _number(money[-1], 6)
                if rate is None or not budget or spent is None or any(_number(m, 6) is None for m in money):
                    return
                if rate == 0 and spent != 0:
                    return  # 0 % is what a form prints for nothing spent, not for 10 of 390390
                if _rate_agrees(spent / budget, rate_text, loose):
                    ends = [sum(map(len, cells[:k + 1])) for k in range(len(cells))]
                    out.add((budget, spent, rate, decimals_of(rate_text),
                             (ends[-4] if len(cells) > 3 else 0, ends[-3], ends[-2], ends[-1] + 1)))
            return
        for end in range(pos + 1, len(body) + 1):
            if _NUMBER.fullmatch(body[pos:end]):
                split(end, cells + [body[pos:end]])

    split(0, [])
    # A run ending in "00%" reads as "…|100%" and as "…|0|0%" ("390390100%": 390 | 390 |
    # 100 %, or 3903901 | 0 | 0 %). The form prints the spent cell it has; a total row
    # that spent nothing reads only as zeros ("10200%": 102 | 0 | 0 %). Where money spent
    # is one reading, the all-nothing readings are the glue's artefact.
    spent_some = {x for x in out if x[1] > 0}
    return spent_some or out


_ROW_NAME = re.compile(r"[\s|\u00a0]*(?:" + _TOTAL.pattern + r")[ \t]*")
_TOTAL_REACH = 1500  # characters after the header a 合计 row is looked for
# Words of another table's header: a 合计 after them is that table's.
_OTHER_TABLE = re.compile(r"到位数|到位率|资金来源|绩效目标|绩效指标|一级指标")


def _total_row_ahead(f: str, after: int) -> re.Match[str] | None:
    """The 合计 row under rows of parts ("一般预算内拨款6363100%合计6363100%"): a total's
    words opening a row (after the previous row's %, a line or a cell break), not a
    subtotal named for its rows (省直单位合计), and not past another table's header."""
    end = min(len(f), after + _TOTAL_REACH)
    if (other := _OTHER_TABLE.search(f, after, end)) is not None:
        end = other.start()
    for t in _TOTAL.finditer(f, after, end):
        if t.start() == after or f[t.start() - 1] in "%\n|":
            return t
    return None


# The cells right after a grid's header: numbers and percents, apart or glued, to the first percent.
# A money cell may keep its unit ("年度资金总额50万元47.6895.00%").
_CELLS = re.compile(r"[ \t|\u00a0]*(?:[\d.]+(?:万元|元|万)?[ \t|\u00a0]*){0,3}[\d.]+%")


def _spent_rate_cells(cells: list[re.Match[str]]) -> tuple[tuple[int, int], ...] | None:
    """The spans of 预算数, 执行数 and 执行率 in the cells after a grid's 执行数 | 执行率
    header, when the rate is the quotient of the two cells before it; glued cells are
    parted where one reading alone gives that ("64.864.864.8100%")."""
    if len(cells) == 2 and _NUMBER.fullmatch(cells[0].group()):
        # "50万元47.6895.00%": the 预算数 apart, 执行数 and 执行率 glued: parted where one
        # split alone gives 执行数 ÷ 预算数 as the rate (to its digit, else in whole percents).
        budget, run = _number(cells[0].group(), 6), cells[1]
        body = run.group().removesuffix("%")
        if not budget or not run.group().endswith("%"):
            return None
        for loose in (False, True):
            splits = [k for k in range(1, len(body)) if (spent := _number(body[:k], 6)) is not None
                      and _number(body[k:], 2) is not None
                      and _rate_agrees(spent / budget, body[k:], loose)]
            if len(splits) == 1:
                k = run.start() + splits[0]
                return cells[0].span(), (run.start(), k), (k, run.end())
            if splits:
                return None
        return None
    if len(cells) == 1:
        run = cells[0]
        # Read to the rate's last digit; a rate in whole percents that no split gives
        # exactly may be a rounded or cut one: read then only where one split gives it.
        found = _spent_rate_run(run.group()) or _spent_rate_run(run.group(), loose=True)
        if len({x[:3] for x in found}) != 1:
            return None
        b0, b1, s1, r1 = (run.start() + c for c in next(iter(found))[4])
        return (b0, b1), (b1, s1), (s1, r1)
    if not 3 <= len(cells) <= 4:
        return None
    texts = [c.group() for c in cells]
    money = [_number(t, 6) for t in texts[:-1]]
    rate = _number(texts[-1].removesuffix("%"), 2)
    budget, spent = money[-2], money[-1]
    if None in money or rate is None or not budget or spent is None:
        return None
    step = 10.0 ** -(decimals_of(texts[-1].removesuffix("%")) + 2)
    if abs(spent / budget - rate / 100.0) > step + 1e-12:
        return None
    return cells[-3].span(), cells[-2].span(), cells[-1].span()


def _grid_unit(f: str, header_at: int) -> str:
    """The unit of a glued grid's money: as the 200 characters before its header declare it
    ("项目资金(万元)", "金额单位：元"), else 万元 (as _form_near reads it)."""
    before = f[max(0, header_at - 200):header_at]
    declared = _UNIT.search(_GAP.sub("", before)) or _UNIT_FIELD.search(before)
    return declared.group(1) if declared else "万元"


# 执行数 (with its column letter) right before a 分值 | 执行率 | 得分 header.
_SPENT_BEFORE = re.compile(r"执行数(?:\([A-Z]\))?$")


def _money_before_weight(f: str, run: re.Match[str], r_start: int, header_at: int) -> list[tuple[FundLine, int, str]]:
    """预算数 and 执行数 glued before the 分值 cell of a row whose rate starts at ``r_start``
    ("310.2154.741050%5": 310.2 | 154.74 | 10 | 50% | 5): every weight the row's points allow
    is tried, and the money read only where one (预算数, 执行数) gives the rate."""
    text = run.group()
    rate_text = text[r_start:].split("%", 1)[0]
    points_text = text[r_start + len(rate_text) + 1:]
    points, rate = _number(points_text, 2), _number(rate_text, 2)
    if points is None or rate is None:
        return []
    readings = set()
    for w_start in range(r_start - 1, max(0, r_start - 3), -1):
        weight = _number(text[w_start:r_start], 0)
        if weight is None or not _LIGHTEST <= weight <= 100 or not _earns(rate, weight, points, points_text):
            continue
        readings |= {(x[0], x[1], w_start, x[4]) for x in _spent_rate_run(text[:w_start] + rate_text + "%")}
    if not readings:
        return []
    # The plainest readings: a form prints its money to one precision, a trailing zero
    # dropped at most (310.2 for 310.20); a split whose cells disagree on it more, or are
    # finer, than another's ("2456.1|82456.1|82456.18", "2456.1824|56.1824|56.18" beside
    # "2456.18|2456.18|2456.18") made figures of the glue.
    plainest = min(_precision(text, r[3]) for r in readings)
    readings = {r for r in readings if _precision(text, r[3]) == plainest}
    if len({r[:2] for r in readings}) != 1:
        return []
    _, _, _, (b0, b1, s1, _) = next(iter(readings))
    at = run.start()
    return _grid_lines(f, (at + b0, at + b1), (at + b1, at + s1), _grid_unit(f, header_at),
                       "表格“执行数、分值、执行率”栏前后的数")


def _grid_lines(f: str, budget: tuple[int, int], spent: tuple[int, int], unit: str,
                label: str) -> list[tuple[FundLine, int, str]]:
    """The 预算数 and 执行数 of a glued grid's row, at these spans of ``f``."""
    parts: tuple[tuple[Role, tuple[int, int]], ...] = (("budget", budget), ("spent", spent))
    return [(FundLine(label=label, role=role, amount_yuan=parse_amount(f[a:b], unit), span=(a, b), unit=unit,
                      decimals=decimals_of(f[a:b]), measure=role), 1, "")
            for role, (a, b) in parts]


def _precision(text: str, parts: tuple[int, int, int, int]) -> tuple[int, int]:
    """How many numbers of decimals the money cells of a reading of ``text`` show, and the
    most (_spent_rate_run's last partings: the cell before the budget, if any, the budget
    and the spent)."""
    b0, b1, s1, _ = parts
    decimals = [decimals_of(c) for c in (text[:b0], text[b0:b1], text[b1:s1]) if c]
    return len(set(decimals)), max(decimals)


def glued_rates(ctx) -> FlatForm:
    """Amounts and the 执行率 of form rows whose cells were glued together, read only
    where one reading of the run satisfies the form's arithmetic (cached on the context)."""
    cached = getattr(ctx, "_glued", None)
    if cached is None:
        cached = ctx._glued = _glued(ctx.f)
    return cached


def _glued(f: str) -> FlatForm:
    if "执行率" not in f:
        return [], []
    pos = f.find("执行率")
    lo = max(0, pos - 40)
    text, where = _compact(f, lo, min(len(f), pos + 4000))
    for header in _RATE_WEIGHT_POINTS.finditer(text):
        order = "rwp" if header.group("rwp") else "wrp"
        # Runs are read in the text itself: a space between two numbers parts two cells.
        after = where[header.end() - 1] + 1
        for i, run in enumerate(_RUN.finditer(f, after, min(len(f), after + _GLUED_REACH))):
            if i >= _GLUED_RUNS:
                break
            found = _rate_weight_points(run.group(), order)
            if not found:
                continue
            if len({(r, d) for r, d, _, _ in found}) != 1:
                break  # two readings: the cells cannot be told apart
            rate, decimals, r_start, r_end = min(found, key=lambda x: x[2])
            span = (run.start() + r_start, run.start() + r_end)
            lines = []
            if order == "wrp" and _SPENT_BEFORE.search(text, max(0, header.start() - 12), header.start()):
                # The MoF form's order (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分):
                # the money cells before the weight, read where one split alone gives the rate.
                lines = _money_before_weight(f, run, r_start, where[header.start()])
            return lines, [RateStatement(label="执行率", concept="execution", value=rate / 100.0,
                                         decimals=decimals, span=span)]
    for header in _SPENT_RATE.finditer(text):
        after = where[header.end() - 1] + 1
        # "…执行率(B/A×100%)年度资金总额:390390100%": the total row's label before its cells.
        named = _ROW_NAME.match(f, after)
        row = _CELLS.match(f, named.end() if named else after)
        if row is None and (total := _total_row_ahead(f, after)):
            # Rows of parts first (units, sources: "一般预算内拨款6363100%"), the 合计
            # row under them: its cells, checked the same way.
            row = _CELLS.match(f, total.end())
        if row is None:
            continue
        cells = list(_RUN.finditer(f, row.start(), row.end()))
        spans = _spent_rate_cells(cells)
        if spans is None:
            continue
        (b0, b1), (s0, s1), (r0, r1) = spans
        lines = _grid_lines(f, (b0, b1), (s0, s1), _grid_unit(f, where[header.start()]), "表格“执行数、执行率”栏前后的数")
        rate_text = f[r0:r1].rstrip("%")
        return lines, [RateStatement(label="执行率", concept="execution", value=parse_percent(rate_text),
                                     decimals=decimals_of(rate_text), span=(r0, r1))]
    return [], []

