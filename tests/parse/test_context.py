"""The parser's document context: which table rows the table readers have consumed."""

from __future__ import annotations

import bisect
import re

from hypothesis import given
from hypothesis import strategies as st

from fiscal_eval.model import Document
from fiscal_eval.parse.context import Context

spans = st.tuples(st.integers(0, 200), st.integers(1, 40)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(st.tuples(spans, st.lists(st.integers(0, 260), max_size=5)), max_size=30))
def test_cover_answers_as_sorting_every_time_did(steps):
    # Rows are covered and looked up interleaved; the answer must be what sorting all
    # covered rows at each lookup gave (the old, quadratic way).
    ctx = Context(Document(source="t", format="text", text="x" * 300))
    covered: list[tuple[int, int]] = []
    for span, lookups in steps:
        ctx.cover(span)
        covered.append(span)
        ordered = sorted(covered)
        starts = [lo for lo, _ in ordered]
        for pos in lookups:
            i = bisect.bisect_right(starts, pos) - 1
            assert ctx.in_covered(pos) == (i >= 0 and pos < ordered[i][1])


def test_a_twenty_thousand_row_table_parses():
    # Was 9 s (covered rows sorted again at each lookup); now a fraction of a second.
    import fiscal_eval
    from fiscal_eval.sources import read_bytes
    from fiscal_eval.parse import parse_document

    html = "<h1>某局2021年度项目绩效自评报告</h1><table>" + "<tr><td>预算<td>100" * 20000
    report = parse_document(read_bytes(html.encode(), "big.html", format="html"))
    assert report.budget_yuan == 100.0 and fiscal_eval.audit(report).status in ("ok", "partial")


@given(st.lists(st.integers(0, 6), max_size=40))
def test_sections_end_at_the_next_heading_of_their_rank_or_higher(ranks):
    from fiscal_eval.parse.sections import Heading, build_sections

    headings = [Heading(rank, f"m{i}", f"t{i}", 10 * i, 10 * i + 3) for i, rank in enumerate(ranks)]
    sections = build_sections("x" * (10 * len(ranks) + 5), headings)
    for i, (h, s) in enumerate(zip(headings, sections)):
        later = [g.start for g in headings[i + 1:] if g.rank <= h.rank]
        assert s.span == (h.start, later[0] if later else 10 * len(ranks) + 5)
        # The path: this heading under the nearest earlier heading of each lower rank.
        chain, floor = [h.marker], h.rank
        for g in reversed(headings[:i]):
            if g.rank < floor:
                chain.insert(0, g.marker)
                floor = g.rank
        assert (s.path, s.level) == ("/".join(chain), len(chain))


def _left_clause_by_walking(f: str, pos: int, floor: int) -> tuple[str, int]:
    """left_clause as it was first written: walk back a character at a time."""
    from fiscal_eval.parse.context import _CLAUSE_STOP, clean_label

    i = pos
    while i > floor and f[i - 1] not in _CLAUSE_STOP:
        i -= 1
    if not clean_label(f[i:pos]) and i > floor and f[i - 1] == ":":
        j = i - 1
        while j > floor and f[j - 1] not in _CLAUSE_STOP:
            j -= 1
        return f[j:pos], j
    return f[i:pos], i


@given(st.text(alphabet="预算为元,;、:。!?\n\t 其中 (1)", max_size=60), st.data())
def test_left_clause_answers_as_walking_back_did(text, data):
    ctx = Context(Document(source="t", format="text", text=text))
    pos = data.draw(st.integers(0, len(text)))
    floor = data.draw(st.integers(0, len(text)))
    assert ctx.left_clause(pos, floor) == _left_clause_by_walking(ctx.f, pos, floor)


def _sentence_by_walking(f: str, pos: int) -> tuple[int, int]:
    """sentence_bounds as a walk to the stops either side of ``pos``."""
    from fiscal_eval.model import SENTENCE_END
    from fiscal_eval.parse.numbers import fold

    stops = fold(SENTENCE_END)
    lo = pos
    while lo > 0 and f[lo - 1] not in stops:
        lo -= 1
    hi = pos
    while hi < len(f) and f[hi] not in stops:
        hi += 1
    return lo, hi


@given(st.text(alphabet="预算。！？!?\n\t,;、: 元", max_size=60), st.lists(st.integers(0, 60), max_size=8))
def test_sentences_answer_as_walking_to_the_stops_did(text, asked):
    # The stops are read from the clause stops and the last answer is kept: asked in any
    # order, again and again, the bounds are the walk's.
    ctx = Context(Document(source="t", format="text", text=text))
    for pos in asked + asked[::-1]:
        pos = min(pos, len(text))
        assert ctx.sentence_bounds(pos) == _sentence_by_walking(ctx.f, pos)
    assert ctx.sentence_starts == [0] + [i + 1 for i, ch in enumerate(ctx.f) if ch in "。!?\n"]


def test_chain_titles_are_the_titles_of_the_chain():
    text = "一、总体情况\n(一)项目资金\n预算100万元。\n(二)项目绩效\n1.产出\n得分20分。\n二、问题\n无。"
    ctx = Context(Document(source="t", format="text", text=text))
    for pos in range(len(text) + 1):
        assert ctx.chain_titles(pos) == tuple(s.title for s in ctx.chain(pos))
    assert ctx.chain_titles(text.index("得分")) == ("总体情况", "项目绩效", "产出")


@given(st.text(alphabet="预算ab1 \u4e00\u9fff\u3400\uff10。", max_size=40))
def test_cjk_count_counts_as_is_cjk(text):
    from fiscal_eval.parse.context import cjk_count, is_cjk

    assert cjk_count(text) == sum(1 for ch in text if is_cjk(ch))


# The rule as first written (every stop, and a 、 unless it joins two levels), the oracle
# of the faster pattern Context uses.
_STOPS_AS_WRITTEN = re.compile(r"[,;:。!?\n\t]|(?<!中央|省级|市级|县级|区级)、|、(?!中央|省级|市级|县级|区级|自治区)")


@given(st.lists(st.sampled_from(["中央", "省级", "市级", "县级", "区级", "自治区", "、", ",", "。", "\n",
                                 "资金", "下达", "a", "级"]), max_size=40))
def test_clause_stops_are_the_rules_stops(pieces):
    text = "".join(pieces)
    ctx = Context(Document(source="t", format="text", text=text))
    assert ctx._clause_stops == [m.start() for m in _STOPS_AS_WRITTEN.finditer(ctx.f)]
