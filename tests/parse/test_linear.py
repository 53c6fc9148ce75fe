"""The linear-time forms of the parser's look-ups find exactly what the plain forms found.

Each fast path (a backward pass instead of a regex, a skip over starts a regex would
fail at again, a search answered from the last one, an index instead of a scan) is held
to the plain form it replaced, on generated text. The growth of the cost itself is
measured in tests/perf/test_growth.py.
"""

from __future__ import annotations

import bisect
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.model import Document
from fiscal_eval.parse.context import _TRAIL, Context, _local_width, _strip_trail
from fiscal_eval.parse.rates import _ARITH, _line_calculations
from fiscal_eval.parse.sections import SectionIndex, build_sections, find_headings
from fiscal_eval.parse.vocab import vocab


def _text(alphabet: list[str], max_size: int = 40):
    return st.lists(st.sampled_from(alphabet), max_size=max_size).map("".join)


_FILLER = list("为是共计达到约下人民币:—-([【 \t\n\u3000甲乙1") + ["共计", "达到", "预算", "下达", "人民币"]


@given(_text(_FILLER))
def test_strip_trail_is_the_trailing_filler_regex(label):
    assert _strip_trail(label) == _TRAIL.sub("", label)


def test_strip_trail_reads_space_as_the_regex_does():
    # str.isspace() and regex \s agree on every character (the backward pass uses the former).
    space = re.compile(r"\s")
    assert all(bool(space.match(chr(c))) == chr(c).isspace() for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


_CALCULATION = list("0123456789") * 2 + list(".%()+-*/×÷= x") + ["1+", "(1)", "1.5", "١"]


@settings(max_examples=400)
@given(_text(_CALCULATION, 30))
def test_line_calculations_are_finditer(line):
    assert [(m.span(), m.groupdict()) for m in _line_calculations(line, 0, len(line))] == [
        (m.span(), m.groupdict()) for m in _ARITH.finditer(line)]


def test_line_calculations_on_the_edges():
    line = "32001.581341.57×1)=92 1%.5+2=2.5 ((((1+1)=2 1+1 1+1=2 1.5.5+2=7.5"
    assert [m.group() for m in _line_calculations(line, 0, len(line))] == [
        m.group() for m in _ARITH.finditer(line)] == [
        "581341.57×1)=92 ", "5+2=2.5 ", "(((1+1)=2 ", "1+1=2 ", "5.5+2=7.5"]


_SENTENCE = list("三公经费工资日常公用支出预算资金项目甲乙") + ["三公", "公用经费", "日常公用", "。", "\n"]


@given(_text(_SENTENCE, 60), st.lists(st.integers(0, 60), max_size=12))
def test_found_before_is_a_search_of_the_slice(text, positions):
    ctx = Context(Document(source="t", format="text", text=text))
    rx = vocab().subject_part
    lo = min(positions, default=0) // 3
    for pos in sorted(positions):  # as extractors ask: figures in text order
        pos = max(lo, min(pos, len(text)))
        assert ctx.found_before(rx, lo, pos) == (rx.search(text[lo:pos]) is not None)


@given(_text(list("得分为9058分总。,") + ["得分95分", "总分100分"], 50), st.lists(st.integers(0, 50), max_size=10))
def test_found_from_is_a_search_from_there(text, positions):
    ctx = Context(Document(source="t", format="text", text=text))
    rx = re.compile(r"得分\s*[为是:]?\s*\d{1,2}(?:\.\d+)?\s*分")
    for pos in sorted(positions):
        pos = min(pos, len(text))
        assert ctx.found_from(rx, pos, len(text)) == (rx.search(text, pos, len(text)) is not None)


def test_found_before_only_splits_patterns_that_look_nowhere_else():
    assert _local_width(vocab().subject_part) is not None
    assert _local_width(re.compile(r"工资(?=表)")) is None  # a lookahead: searched whole
    assert _local_width(re.compile(r"工资\s*表")) is None  # unbounded: searched whole
    assert _local_width(re.compile(r"三公.{0,3}经费")) == 7


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8), st.booleans()), max_size=40))
def test_covered_rows_answer_as_one_sorted_list(ops):
    ctx = Context(Document(source="t", format="text", text="x"))
    spans: list[tuple[int, int]] = []
    for start, length, is_cover in ops:
        if is_cover:
            ctx.cover((start, start + length))
            bisect.insort(spans, (start, start + length))
        else:
            i = bisect.bisect_right([s for s, _ in spans], start) - 1
            assert ctx.in_covered(start) == (i >= 0 and start < spans[i][1])


_HEADINGS = ["一、存在问题\n", "二、改进措施\n", "(一)问题\n", "(二)措施\n", "1.问题\n", "2.建议\n", "(1)整改\n",
             "①说明\n", "第一部分 总体\n", "正文，预算安排1万元。\n", "\n"]


@given(st.lists(st.sampled_from(_HEADINGS), max_size=30))
def test_children_are_the_sections_one_level_down_inside(lines):
    text = "".join(lines)
    sections = build_sections(text, find_headings(text))
    index = SectionIndex(sections)
    for sec in sections:
        lo, hi = sec.span
        assert index.children(sec) == [s for s in sections if s.level == sec.level + 1 and lo < s.span[0] < hi]


def test_tables_in_a_section_and_heading_at_a_line():
    text = "一、问题\n甲\t1\n乙\t2\n\n二、措施\n丙\t3\n"
    from fiscal_eval.sources.text import document_from_text

    ctx = Context(document_from_text(text))
    first, second = ctx.sections
    assert [t.rows[0][0].text for t in ctx.tables_in(*first.span)] == ["甲"]
    assert [t.rows[0][0].text for t in ctx.tables_in(*second.span)] == ["丙"]
    assert ctx.heading_at(second.span[0]).title == "措施" and ctx.heading_at(1) is None


def test_distinct_compares_only_values_within_reach():
    import random

    from fiscal_eval.metrics.audit import _distinct

    def plain(values, tol):
        kept = []
        for i, item in enumerate(values):
            if all(abs(item[0] - other[0]) > tol(i, j) for j, other in kept):
                kept.append((i, item))
        return [item for _, item in kept]

    rng = random.Random(7)
    for _ in range(3000):
        values = [(rng.choice([rng.randint(0, 6) * 0.5, rng.random() * 3, float("inf")]), (i, i))
                  for i in range(rng.randint(0, 12))]
        slack = [rng.choice([0.0, 0.25, 0.5, 1e-9]) for _ in values]

        def tol(i, j):
            return slack[i] + slack[j]

        assert _distinct(values, tol, 2 * max(slack, default=0.0)) == plain(values, tol)


_PROSE = list("预算执行率为84.61%甲乙\t ") + ["。", "！", "？", "!", "?", "\n", "，"]


@given(_text(_PROSE, 40), st.integers(0, 40), st.integers(0, 6))
def test_evidence_is_the_sentence_around_the_span(text, start, length):
    from fiscal_eval.model import sentence_at

    start = min(start, len(text))
    span = (start, min(len(text), start + length))
    ctx = Context(Document(source="t", format="text", text=text))
    # As it was read before: sentence_at walking from the span to the stops.
    lo, _ = ctx.sentence_bounds(span[0])
    _, hi = ctx.sentence_bounds(max(span[0], span[1] - 1))
    assert ctx.evidence(span).sentence == sentence_at(text[lo:hi + 1], (span[0] - lo, span[1] - lo))
    if not any(ch in "。！？!?\n" for ch in text[span[0]:span[1]]):
        assert ctx.evidence(span).sentence == sentence_at(text, span)


_NUMBERISH = list("0123456789") * 2 + list("-.,, %元万千亿。;)a") + [",000", ",12", "1,234", ",1234"]


@settings(max_examples=400)
@given(_text(_NUMBERISH, 40))
def test_figures_in_long_thousands_chains_are_the_plain_scans(text):
    from fiscal_eval.parse.numbers import (
        _AMOUNT_IN_GROUPS, _PERCENT_IN_GROUPS, AMOUNT_RE, PERCENT_RE, find_amounts, find_percents)

    for guarded, plain, found in ((_AMOUNT_IN_GROUPS, AMOUNT_RE, find_amounts), (_PERCENT_IN_GROUPS, PERCENT_RE, find_percents)):
        want = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in guarded.finditer(text)] == want
        chained = text + ",000" * 8  # a long chain: the guarded scan is the one used
        assert [(m.span(), m.groupdict()) for m in found(chained)] == [
            (m.span(), m.groupdict()) for m in plain.finditer(chained)]


@given(_text(list("甲乙 \n"), 40), st.lists(st.integers(0, 40), max_size=12), st.booleans())
def test_line_start_and_bounds_are_the_plain_searches(text, positions, rising):
    ctx = Context(Document(source="t", format="text", text=text))
    for pos in sorted(positions) if rising else positions:
        pos = min(pos, len(text))
        hi = text.find("\n", pos)
        assert ctx.line_start(pos) == text.rfind("\n", 0, pos) + 1
        assert ctx.line_bounds(pos) == (text.rfind("\n", 0, pos) + 1, len(text) if hi < 0 else hi)
