"""Numbers as Chinese reports write them: amounts, percents, Chinese numerals.

Everything here works on *spans*: find the number-and-unit first, convert only that
(DESIGN §8: a converter run over a whole text turns "三公经费" into "3公经费").
All regexes run on :func:`fold`-ed text, which has the same length as the original,
so a match's offsets are offsets into the original document text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

__all__ = [
    "fold",
    "AMOUNT_RE",
    "PERCENT_RE",
    "find_amounts",
    "find_percents",
    "NUMBER_RE",
    "UNIT_YUAN",
    "parse_number",
    "parse_amount",
    "parse_percent",
    "decimals_of",
    "cn_to_int",
]

# Full-width ASCII (U+FF01–FF5E) -> ASCII, ideographic space -> space, and the few other
# look-alikes that appear in figures. One character for one, so offsets never move.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2212: 0x2D, 0x2013: 0x2D, 0xFE6A: 0x25, 0x200B: 0x20})


_FOLD_PAIRS = {chr(k): chr(v) for k, v in _FOLD.items()}
_FOLDABLE_RE = re.compile("[" + "".join(re.escape(ch) for ch in _FOLD_PAIRS) + "]")


def fold(text: str) -> str:
    """Full-width digits and punctuation to ASCII, character for character.

    >>> fold("１２３．４５％，（一）")
    '123.45%,(一)'
    >>> len(fold("预算１００万元")) == len("预算１００万元")
    True
    """
    # A report holds a handful of distinct full-width characters (，（）：％ and some
    # digits): one str.replace each, after a regex scan finds which, is 3x faster than
    # frozenset.intersection(text) and 6x faster than str.translate (both look every
    # character of the text up one by one, in Python objects). Every character folded is
    # outside ASCII: an ASCII text (a figure, a cell) is returned as it is, unscanned.
    if text.isascii():
        return text
    for ch in set(_FOLDABLE_RE.findall(text)):
        text = text.replace(ch, _FOLD_PAIRS[ch])
    return text


# A number: optional minus, digits with or without thousands separators, optional
# decimals. Not preceded by a digit or dot (so "2010302" is not read from its middle).
#
# Written so that the pattern opens with a character class: Python's regex engine then
# skips ahead to the next "-" or digit, where a pattern opening with a lookbehind or "-?"
# is tried at every character (3x slower on a report, and these scans run on every
# one). _START takes the first character, "-" or a digit, and checks the one before it;
# _INT finishes the integer part from there. The same matches as the plain form
# (?<![\d.])-?(?:\d{1,3}(?:,\d{3})+|\d+) — tests/parse/test_numbers.py holds them equal.
_START = r"[-\d](?<![\d.][-\d])"
_INT = r"(?:(?<=-)(?:\d{1,3}(?:,\d{3})+|\d+)|(?<=\d)(?:\d{0,2}(?:,\d{3})+|\d*))"
_NUM = rf"{_START}{_INT}(?:\.\d+)?(?![\d])"
NUMBER_RE = re.compile(_NUM)

UNIT_YUAN: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
    "万": Decimal(10000),
}

# number + unit: "71.00万元", "4,331,899.35元", "0.01 万元".
# A bare 万 closing a clause ("安排资金19204.096万。") or before what money does (已全部到位,
# 并且全部…, 用于…) is 万元 written short; before anything else it counts (万亩, 万人次,
# 1.2万并带动…); nor before the money it is or what is done with it ("安排200万专项资金",
# "150万经费", "48万全部拨款到位", "9779万由我区财政厅…", "1.5万、…"; not "1.2万(人次)").
_AMOUNT = (r"(?P<num>{start}{_INT}(?:\.\d+)?)\s?(?P<unit>亿元|万元|千元|元|万(?=[。,;、:)\s]|$|(?:目前|现)?(?:均已|已|均)?(?:全部|全额|足额)?"
           r"(?:到位|到账|拨付|拨款|下达|支付|使用)|并(?:且)?(?:全部|已)|用于|由|(?:专项|财政|项目)?(?:资金|经费|补助资金|预算资金)))")
AMOUNT_RE = re.compile(_AMOUNT.format(start=_START, _INT=_INT))

# Percents: "84.61%", "100. 60%" (a stray space after the point, as 003's form prints),
# "-21.49%". The sign must hug the digits.
_PERCENT = r"(?P<num>{start}{_INT}(?:\. ?\d+)?)\s?%"
PERCENT_RE = re.compile(_PERCENT.format(start=_START, _INT=_INT))

# A long chain of thousands groups ("1,000,000,…" of thousands): AMOUNT_RE and
# PERCENT_RE, failing at its end, try again from each of its groups (quadratic: 10,000
# groups took 5 s). In text that holds one, the scan skips the first digit of a
# three-digit group when the one to three digits before its comma began a number: the
# start there read this group and the same ones after it to the same end, so a figure
# (a unit or % after the last group) either matched and covered this digit, or failed as
# a start here would. The same figures (tests/parse/test_numbers.py), but each start
# checks six lookbehinds more: a third slower on ordinary text, so used only on such text.
_LONG_GROUPS = re.compile(r",\d\d\d" * 8)  # written out: a leading repeat hides the "," to skip to (20x slower)
_NOT_IN_GROUPS = r"(?:(?!\d\d(?!\d))|" + "".join(
    rf"(?<!{before}\d{{{k}}},\d)" for k in (1, 2, 3) for before in (r"[^\d.]", "^")) + ")"
_AMOUNT_IN_GROUPS = re.compile(_AMOUNT.format(start=_START + _NOT_IN_GROUPS, _INT=_INT))
_PERCENT_IN_GROUPS = re.compile(_PERCENT.format(start=_START + _NOT_IN_GROUPS, _INT=_INT))


# A bare 万 before 、 : 由 (or 均已…到位 and the like) is 万元 only where the words before it
# count no people or things: "中央资金1.5万、", "拨付9779万由…", "水东8万、狸桥6万、" are money,
# "受益群众2万、", "带动就业1万:其中…", "资金惠及1.2万、", "培训农民0.8万由…" are counts (with
# the count's noun left out). Read back over the clause, from the last word of money in it.
_WAN_AFTER_WORDS = re.compile(r"、|:|由|(?:目前|现)?(?:均|全部|全额|足额)|拨款")
_CLAUSE_BACK = re.compile(r"[^,;。:、!?\n]{0,24}$")
_MONEY_WORD = re.compile(r"资金|经费|预算|支出|拨付|拨款|下达|安排|投入|投资|补助|补贴|奖补|奖励|金额|费|款|元|结余|结转|收入|决算|财政")
_COUNTED = re.compile(r"人(?!民)|(?<![账专])户|群众|就业|岗位|游客|受益|惠及|带动|覆盖|亩|公顷|平方米|吨|株|辆|学生|居民|农民|职工|患者|老人|儿童|劳动力")
_COUNT_REACH = 8  # the count's words stand right before it ("受益人口达2万")


def _counted(text: str, m: re.Match[str]) -> bool:
    """Whether a bare 万 matched before words that do not say it is money (_WAN_AFTER_WORDS)
    counts people or things: _COUNTED in the words right before it, after its clause's
    last word of money ("拨付至县人民医院15万、" is money; "资金惠及1.2万、" a count)."""
    if m.group("unit") != "万" or not _WAN_AFTER_WORDS.match(text, m.end()):
        return False
    clause = _CLAUSE_BACK.search(text, max(0, m.start() - 24), m.start())  # (not from 0: that rescans all before it)
    words = clause.group() if clause else ""
    money = None
    for money in _MONEY_WORD.finditer(words):
        pass
    return _COUNTED.search(words, max(money.end() if money else 0, len(words) - _COUNT_REACH)) is not None


_BARE_WAN = re.compile(r"万(?!元)(?:(?<=\d万)|(?<=\d\s万))")


def find_amounts(text: str) -> Iterator[re.Match[str]]:
    """``AMOUNT_RE.finditer(text)``, in time linear in the text however long its numbers
    (less a bare 万 that counts: _counted).

    >>> [m.group() for m in find_amounts("预算100万元，支出1" + ",000" * 9 + "元")]
    ['100万元', '1,000,000,000,000,000,000,000,000,000元']
    >>> [m.group() for m in find_amounts("中央资金1.5万、受益群众2万、省级资金3万")]
    ['1.5万', '3万']
    """
    found = (_AMOUNT_IN_GROUPS if _LONG_GROUPS.search(text) else AMOUNT_RE).finditer(text)
    # (only a text with a bare 万 is filtered, and the unit looked at before the call: most
    # amounts are 万元 or 元, and a generator step or a call each cost more)
    if _BARE_WAN.search(text) is None:
        return found
    return (m for m in found if m.group("unit") != "万" or not _counted(text, m))


def find_percents(text: str) -> Iterator[re.Match[str]]:
    """``PERCENT_RE.finditer(text)``, in time linear in the text however long its numbers."""
    return (_PERCENT_IN_GROUPS if _LONG_GROUPS.search(text) else PERCENT_RE).finditer(text)


_NOT_IN_NUMBER = re.compile(r"[,\s]")


def _clean(num: str) -> str:
    # Any whitespace, not just spaces: a caller's looser pattern must not make a
    # "100.\t00" reach float() and raise.
    # fold() changes only non-ASCII characters; figures come from folded text, mostly.
    if num.isascii():
        # No comma, space or other whitespace (ASCII's are all unprintable but the space):
        # nothing to take out.
        if "," not in num and " " not in num and num.isprintable():
            return num
        return _NOT_IN_NUMBER.sub("", num)
    return _NOT_IN_NUMBER.sub("", fold(num))


def parse_number(num: str) -> float:
    """A number as written ("1,357,817.18", "１００. ６０", "-72.08") as a float.

    >>> parse_number("1,357,817.18"), parse_number("100. 60"), parse_number("-72.08")
    (1357817.18, 100.6, -72.08)
    """
    try:
        return float(Decimal(_clean(num)))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {num!r}") from exc


def decimals_of(num: str) -> int:
    """How many decimals a number is stated to ("84.61" -> 2, "100" -> 0).

    >>> decimals_of("84.61"), decimals_of("100"), decimals_of("100. 60")
    (2, 0, 2)
    """
    s = _clean(num)
    return len(s.split(".", 1)[1]) if "." in s else 0


def parse_amount(num: str, unit: str = "元") -> float:
    """An amount in yuan: decimal arithmetic, so 335.46 万元 is exactly 3354600.0.

    >>> parse_amount("335.46", "万元"), parse_amount("4,331,899.35", "元")
    (3354600.0, 4331899.35)
    >>> parse_amount("1.2", "亿元")
    120000000.0
    """
    try:
        return float(Decimal(_clean(num)) * UNIT_YUAN[unit])
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {num!r}") from exc


def parse_percent(num: str) -> float:
    """A percent as a fraction, exactly: "84.61" -> 0.8461.

    >>> parse_percent("84.61"), parse_percent("100. 60"), parse_percent("-21.49")
    (0.8461, 1.006, -0.2149)
    """
    try:
        return float(Decimal(_clean(num)) / 100)
    except InvalidOperation as exc:
        raise ValueError(f"not a percent: {num!r}") from exc


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int | None:
    """A Chinese numeral of a heading ("三", "十二", "二十一", "一百零五") as int.

    Returns None for anything that is not a plain numeral.

    >>> [cn_to_int(x) for x in ["三", "十", "十二", "二十一", "一百零五", "三公"]]
    [3, 10, 12, 21, 105, None]
    """
    if not s or any(c not in _CN_DIGIT and c not in _CN_UNIT for c in s):
        return None
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGIT:
            digit = _CN_DIGIT[c]
        else:
            total += (1 if digit is None else digit) * _CN_UNIT[c]
            digit = None
    return total + (digit or 0)
