"""Scans the parser makes without a regex (or with a fixed one) find what the regex
built for each word found."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from fiscal_eval.parse import metadata

words = st.text(alphabet="项目资金甲乙", min_size=0, max_size=4)
texts = st.text(alphabet="项目资金甲乙。", max_size=40)


@given(texts, words)
def test_occurrences_are_the_literal_pattern_s_matches(text, word):
    assert metadata._occurrences(text, word) == [m.start() for m in re.finditer(re.escape(word), text)]


@given(st.sampled_from(["寻甸", "红河", "甲乙"]), st.sampled_from("县州旗"),
       st.text(alphabet="回族彝哈尼自治县州旗甲", max_size=24))
def test_autonomous_level_pattern_is_the_one_built_for_the_place(place, level, rest):
    long = place + rest
    built = re.match(re.escape(place) + r"[\u4e00-\u9fff]{1,12}?族自治" + level, long)
    fixed = metadata._AUTONOMOUS[level].match(long, len(place))
    assert (built and built.end()) == (fixed and fixed.end())


def test_same_org_reads_an_autonomous_county_by_its_short_form():
    assert metadata._same_org("寻甸县教育局", "寻甸回族彝族自治县教育局")
    assert not metadata._same_org("寻甸县教育局", "寻甸回族彝族自治州教育局")


@given(st.text(alphabet="项目资金甲乙。", max_size=40), st.text(alphabet="项目甲乙", min_size=1, max_size=3))
def test_body_names_project_as_the_pattern_built_for_the_name_did(text, name):
    from fiscal_eval.model import Document
    from fiscal_eval.parse.context import Context

    ctx = Context(Document(source="t", format="text", text=text))
    built = re.search(re.escape(name) + r"(?!资金)", text) is not None
    assert metadata._body_names_project(ctx, [], name) == built
