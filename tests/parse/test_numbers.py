"""Amounts and percents as reports write them, with hypothesis properties."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fiscal_eval.parse.numbers import (
    AMOUNT_RE, NUMBER_RE, PERCENT_RE, UNIT_YUAN, cn_to_int, decimals_of, fold, parse_amount, parse_percent,
)

FULL = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")
amounts = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2, allow_nan=False)


def _written(d: Decimal, places: int, sep: bool, full: bool, space: bool) -> str:
    s = f"{d:,.{places}f}" if sep else f"{d:.{places}f}"
    if full:
        s = s.translate(FULL)
    return s + (" " if space else "")


@given(amounts, st.sampled_from(sorted(UNIT_YUAN)), st.integers(0, 2), st.booleans(), st.booleans(), st.booleans())
def test_amount_round_trip(d, unit, places, sep, full, space):
    d = round(d, places)
    text = f"实际支出{_written(d, places, sep, full, space)}{unit}，"
    m = AMOUNT_RE.search(fold(text))
    assert m is not None and m.group("unit") == unit
    assert m.start() == 4  # the span starts at the first digit, in the original text
    assert parse_amount(m.group("num"), unit) == float(d * UNIT_YUAN[unit])
    assert decimals_of(m.group("num")) == places


@given(st.decimals(min_value=-200, max_value=200, places=2, allow_nan=False), st.booleans(), st.booleans())
def test_percent_round_trip(d, full, stray_space):
    s = f"{d:.2f}"
    if stray_space:
        s = s.replace(".", ". ")  # "100. 60%" as 003's form prints it
    if full:
        s = s.translate(FULL)
    m = PERCENT_RE.search(fold(f"执行率为{s}%。"))
    assert m is not None
    assert parse_percent(m.group("num")) == float(d / 100)
    assert decimals_of(m.group("num")) == 2


@given(st.text())
def test_fold_keeps_length(text):
    assert len(fold(text)) == len(text)


@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("０９．，（）：％　\u00a0\u2212\u2013\ufe6a\u200b～"))))
def test_fold_is_the_fold_table_applied_to_every_character(text):
    from fiscal_eval.parse.numbers import _FOLD

    assert fold(text) == text.translate(_FOLD)


def test_budget_codes_are_not_amounts():
    found = [m.group() for m in AMOUNT_RE.finditer("分别为2010302  一般行政管理事务2,297,632元")]
    assert found == ["2,297,632元"]


def test_cn_numerals():
    assert [cn_to_int(x) for x in ("一", "九", "十", "十九", "二十", "九十九")] == [1, 9, 10, 19, 20, 99]


# The patterns as first written, before numbers.py reordered them to open with a
# character class (for speed): the fast forms must find exactly the same matches.
_PLAIN_NUM = r"(?<![\d.])-?(?:\d{1,3}(?:,\d{3})+|\d+)"
_PLAIN_AMOUNT = re.compile(
    rf"(?P<num>{_PLAIN_NUM}(?:\.\d+)?)\s?(?P<unit>亿元|万元|千元|元|万(?=[。,;)\s]|$))"
)
_PLAIN_PERCENT = re.compile(rf"(?P<num>{_PLAIN_NUM}(?:\. ?\d+)?)\s?%")
_PLAIN_NUMBER = re.compile(rf"{_PLAIN_NUM}(?:\.\d+)?(?![\d])")
_NUMBERISH = st.text(alphabet=st.sampled_from(list("0123456789-.,, %元万千亿。;)a")), max_size=60)


@given(_NUMBERISH)
def test_fast_patterns_match_the_plain_ones(text):
    for fast, plain in ((AMOUNT_RE, _PLAIN_AMOUNT), (PERCENT_RE, _PLAIN_PERCENT), (NUMBER_RE, _PLAIN_NUMBER)):
        assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == [
            (m.span(), m.groupdict()) for m in plain.finditer(text)
        ]


def test_fast_patterns_on_the_edges():
    text = "-5元 5-3元 1,234,56万元 .5元 a-5元 --5元 1.2.3元 99,999元 1,23元 8-9% 1,000.5万。-0.5%"
    assert [m.group() for m in AMOUNT_RE.finditer(text)] == [
        m.group() for m in _PLAIN_AMOUNT.finditer(text)
    ] == ["-5元", "3元", "56万元", "-5元", "-5元", "99,999元", "23元", "1,000.5万"]
