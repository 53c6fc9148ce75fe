"""Text metrics: sentences, template share (exact and MinHash), specificity, problems."""

from __future__ import annotations

import json
import math
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.metrics.text import (
    FIGURE_SENTENCES,
    NO_IMPROVEMENTS,
    NO_PROBLEMS,
    RECURRING_COLUMNS,
    SENTENCES,
    SPECIFICITY,
    TEMPLATE_SENTENCES,
    TEMPLATE_SHARE,
    TEMPLATE_SHARE_COLUMNS,
    empty_sections,
    normalise,
    recurring_problems,
    specificity,
    specificity_metrics,
    split_sentences,
    template_share,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"


def _norm(text: str) -> str:
    return pl.select(normalise(pl.lit(text))).item()


def _jaccard4(a: str, b: str) -> float:
    """Exact character 4-gram Jaccard of two normalised texts, for stating a test's premise."""
    sa = {_norm(a)[i : i + 4] for i in range(len(_norm(a)) - 3)}
    sb = {_norm(b)[i : i + 4] for i in range(len(_norm(b)) - 3)}
    return len(sa & sb) / len(sa | sb)


def _docs(*rows: tuple[str, str | None, str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"report_id": pl.Utf8, "agency": pl.Utf8, "text": pl.Utf8}, orient="row")


def _shares(docs: pl.DataFrame) -> dict[str, float | None]:
    return dict(template_share(docs).select("report_id", TEMPLATE_SHARE).iter_rows())


# --------------------------------------------------------------------------- sentences


def test_split_sentences_spans_and_filters():
    text = "一、项目基本情况\n  （一）2019年，项目预算71.00万元，全部到位。好的！\n二是加强项目实施过程中的监督审核?"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "（一）2019年，项目预算71.00万元，全部到位。",  # leading spaces excluded, 。 kept
        "二是加强项目实施过程中的监督审核?",
    ]
    # "一、项目基本情况" is 6 characters once numbering is dropped; "好的！" is 2: both dropped
    assert spans[0] == (text.index("（一）"), text.index("好的"))


def test_split_sentences_of_nothing():
    assert split_sentences("") == []
    assert split_sentences("\n\n。。") == []


def test_normalise_ignores_years_numbering_width_and_punctuation():
    assert _norm("2019年，我局认真开展绩效自评。") == _norm("２０２１年  我局认真开展绩效自评")
    assert _norm("一是加强绩效管理制度建设") == _norm("三是加强绩效管理制度建设。")
    assert _norm("(二)加强绩效管理") == _norm("2.加强绩效管理")
    assert _norm("资金71.00万元") == "资金#万元"
    assert _norm("资金71.00万元") != _norm("资金71.00亿元")


# --------------------------------------------------------------------------- template share


def _sample_docs() -> pl.DataFrame:
    labels = json.loads((ROOT / "tests" / "fixtures" / "labels.json").read_text("utf-8"))
    return _docs(
        *(
            (entry["source"][:3], entry["agency"], (SAMPLES / entry["source"]).read_text("utf-8"))
            for entry in labels
        )
    )


def test_samples_000_and_001_share_paragraphs_the_others_do_not():
    docs = _sample_docs()
    assert docs["agency"][0] != docs["agency"][1]
    shares = _shares(docs)
    # 000 and 001 repeat the 项目资金管理情况 paragraph and more word for word
    assert shares["000"] > 0.2 and shares["001"] > 0.2
    for other in ("002", "003", "004"):
        assert shares[other] < 0.05
        assert shares[other] < shares["000"] / 4 and shares[other] < shares["001"] / 4


def test_the_shared_paragraph_is_counted_on_both_sides():
    # as both files write it, with ASCII commas
    sentence = "二是完善经费项目财政支出绩效评价指标框架,加强专项工作经费支出预算编制的科学性、针对性,增强项目绩效指标的量化、细化、可衡量性,提升预算的可执行性。"
    docs = _sample_docs()
    for rid in ("000", "001"):
        assert sentence in docs.filter(pl.col("report_id") == rid)["text"].item()
    alone = docs.filter(pl.col("report_id").is_in(["000", "002"]))
    assert _shares(alone)["000"] == 0.0  # without 001, 000 has no partner


def test_a_report_never_matches_itself_or_its_own_agency():
    s1 = "我局严格按照预算绩效管理要求开展项目自评工作。"
    s2 = "认真做好项目经费预算、管理和使用等工作。"
    # the same sentence twice in one report
    assert _shares(_docs(("a", "甲", s1 + s1)))["a"] == 0.0
    # two reports of one agency, identical text
    same = _docs(("a", "甲", s1 + s2), ("b", "甲", s1 + s2))
    assert _shares(same) == {"a": 0.0, "b": 0.0}
    # another agency writes s1: now s1 counts in all three reports, s2 nowhere
    more = _docs(("a", "甲", s1 + s2), ("b", "甲", s1 + s2), ("c", "乙", s1 + "本中心完成机房升级改造工作。"))
    assert _shares(more) == {"a": 0.5, "b": 0.5, "c": 0.5}


def test_years_and_numbering_do_not_hide_a_copy():
    docs = _docs(
        ("a", "甲", "一是2019年度项目资金全部按时拨付到位。"),
        ("b", "乙", "三是2021年度项目资金全部按时拨付到位！"),
    )
    assert _shares(docs) == {"a": 1.0, "b": 1.0}


def test_near_verbatim_long_sentences_match_by_minhash():
    original = "加强项目实施过程中的监督审核，建立健全财政专项资金的公开机制、评审机制、跟踪检查机制，确保资金安全高效使用。"
    edited = original.replace("确保", "保证")  # one word changed
    rewritten = "我们对项目实施的过程进行了审核，并且公开了财政专项资金的使用情况，以确保资金的安全。"
    assert _jaccard4(original, edited) >= 0.8  # the premise: near-verbatim
    assert _jaccard4(original, rewritten) < 0.5  # the premise: a different sentence
    assert _norm(original) != _norm(edited)  # so only MinHash can find it
    docs = _docs(("a", "甲", original), ("b", "乙", edited), ("c", "丙", rewritten))
    assert _shares(docs) == {"a": 1.0, "b": 1.0, "c": 0.0}


def test_near_verbatim_below_the_threshold_is_not_a_match():
    original = "加强项目实施过程中的监督审核，建立健全财政专项资金的公开机制、评审机制、跟踪检查机制，确保资金安全高效使用。"
    edited = original.replace("公开机制、评审机制", "绩效评价与结果应用制度")
    assert 0.5 < _jaccard4(original, edited) < 0.8
    assert _shares(_docs(("a", "甲", original), ("b", "乙", edited))) == {"a": 0.0, "b": 0.0}


def test_near_match_within_one_agency_does_not_count():
    original = "加强项目实施过程中的监督审核，建立健全财政专项资金的公开机制、评审机制、跟踪检查机制，确保资金安全高效使用。"
    edited = original.replace("确保", "保证")
    assert _shares(_docs(("a", "甲", original), ("b", "甲", edited))) == {"a": 0.0, "b": 0.0}


def test_reports_without_agency_or_sentences():
    s1 = "我局严格按照预算绩效管理要求开展项目自评工作。"
    out = template_share(_docs(("a", None, s1), ("b", None, s1), ("c", "甲", ""), ("d", "乙", None)))
    assert out.columns == list(TEMPLATE_SHARE_COLUMNS)
    rows = {r["report_id"]: r for r in out.to_dicts()}
    # no agency: each report is its own agency, so a and b are two different publishers
    assert rows["a"][TEMPLATE_SHARE] == 1.0 and rows["b"][TEMPLATE_SHARE] == 1.0
    assert rows["c"][SENTENCES] == 0 and rows["c"][TEMPLATE_SHARE] is None
    assert rows["d"][TEMPLATE_SENTENCES] == 0 and rows["d"][TEMPLATE_SHARE] is None


_POOL = [
    "认真做好项目经费预算、管理和使用等工作。",
    "一是加强绩效管理制度和流程的建设，进一步深化完善绩效管理体系。",
    "加强项目实施过程中的监督审核，建立健全财政专项资金的公开机制。",
    "加强项目实施过程中的监督审核，建立健全财政专项资金的评审机制。",
    "本中心完成机房升级改造工作。",
    "项目资金到位率100%，执行率99.41%。",
    "好。",
]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["甲", "乙", "丙", None]), st.lists(st.sampled_from(_POOL), max_size=6)),
        min_size=1,
        max_size=8,
    )
)
def test_template_share_is_a_share(reports):
    docs = _docs(*((str(i), agency, "".join(ss)) for i, (agency, ss) in enumerate(reports)))
    out = template_share(docs)
    assert out.height == docs.height
    assert (out[TEMPLATE_SENTENCES] <= out[SENTENCES]).all()
    assert all(0.0 <= s <= 1.0 for s in out[TEMPLATE_SHARE].drop_nulls())
    # a single agency's corpus has no template sentence at all
    single = docs.with_columns(pl.lit("甲").alias("agency"))
    assert template_share(single)[TEMPLATE_SENTENCES].sum() == 0


# --------------------------------------------------------------------------- specificity


def test_specificity_counts_sentences_with_figures():
    text = (
        "项目预算71.00万元，实际到位71.00万元。"  # digits
        "预算执行率达到百分之九十以上。"  # 百分之
        "共下达资金七十一万元用于运维。"  # Chinese-numeral amount
        "一是加强绩效管理制度和流程的建设。"  # 一是 is numbering, not a figure
        "进一步提升财政资金使用效益。"
    )
    assert specificity(text) == pytest.approx(3 / 5)
    assert math.isnan(specificity(""))


def test_specificity_metrics_per_report():
    docs = _docs(("a", "甲", "执行率84.61%，结余10.93万元。进一步提升财政资金使用效益。"), ("b", "乙", ""))
    rows = {r["report_id"]: r for r in specificity_metrics(docs).to_dicts()}
    assert (rows["a"][SENTENCES], rows["a"][FIGURE_SENTENCES], rows["a"][SPECIFICITY]) == (2, 1, 0.5)
    assert rows["b"][SPECIFICITY] is None


def test_sample_004_is_more_specific_than_002():
    rows = dict(specificity_metrics(_sample_docs()).select("report_id", SPECIFICITY).iter_rows())
    assert rows["004"] > rows["002"]  # 004 writes its formulas out with every figure


# --------------------------------------------------------------------------- problems


def _problems(*rows: tuple[str, str | None, int | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"report_id": pl.Utf8, "agency": pl.Utf8, "year": pl.Int32, "problem": pl.Utf8},
        orient="row",
    )


def test_recurring_problems_exact_and_near():
    slow = "项目资金支出进度较慢，部分资金未能在年内支付完毕"
    slow_again = "一是项目资金支出进度偏慢，部分资金未能在年内支付完毕。"
    assert 0.6 <= _jaccard4(slow, slow_again) < 0.8  # near, by the recurring threshold
    out = recurring_problems(
        _problems(
            ("a19", "甲", 2019, slow),
            ("a20", "甲", 2020, slow_again),
            ("a21", "甲", 2021, "2021年绩效目标设置不够细化量化。"),
            ("a22", "甲", 2022, "2022年绩效目标设置不够细化量化"),  # same once years are masked
            ("b20", "乙", 2020, slow),  # another agency: never joins 甲's group
            ("b20", "乙", 2020, "宣传力度不够"),
            ("b20x", "乙", 2020, "宣传力度不够。"),  # twice in one year: not recurring
        )
    )
    assert out.columns == list(RECURRING_COLUMNS)
    assert out.rows() == [
        ("甲", "2021年绩效目标设置不够细化量化。", [2021, 2022], 2),
        ("甲", slow, [2019, 2020], 2),
    ]


def test_recurring_problems_below_threshold_and_missing_fields():
    out = recurring_problems(
        _problems(
            ("a19", "甲", 2019, "项目资金支出进度较慢"),
            ("a20", "甲", 2020, "项目前期工作准备不足"),  # a different problem
            ("a21", None, 2021, "项目资金支出进度较慢"),  # no agency
            ("a22", "甲", None, "项目资金支出进度较慢"),  # no year
            ("a23", "甲", 2023, None),
        )
    )
    assert out.is_empty()


def test_recurring_problems_chain_through_a_middle_wording():
    # A ~ B and B ~ C, all three one group even if A and C alone would not match
    a = "专款资金的绩效评价指标体系尚不健全完善"
    b = "专项资金的绩效评价指标体系尚不健全完善"
    c = "专项资金的绩效评价指标体系尚不健全不完善"
    # 4-grams shared / in all: a ~ b 14 / 18 = 0.78; b ~ c 14 / 19 = 0.74; a ~ c 12 / 21 = 0.57
    assert _jaccard4(a, b) >= 0.6 and _jaccard4(b, c) >= 0.6 and _jaccard4(a, c) < 0.6
    out = recurring_problems(_problems(("r1", "甲", 2019, a), ("r2", "甲", 2020, b), ("r3", "甲", 2021, c)))
    assert out.rows() == [("甲", a, [2019, 2020, 2021], 3)]


def test_empty_sections():
    df = pl.DataFrame(
        {
            "report_id": ["003", "a", "b", "c"],
            "problems": [[], ["资金支出进度较慢"], ["无", "/", " "], None],
            "improvements": [["加快支出进度"], None, ["暂无"], ["未发现问题", "加强预算编制的科学性"]],
        },
        schema={"report_id": pl.Utf8, "problems": pl.List(pl.Utf8), "improvements": pl.List(pl.Utf8)},
    )
    rows = {r["report_id"]: (r[NO_PROBLEMS], r[NO_IMPROVEMENTS]) for r in empty_sections(df).to_dicts()}
    assert rows == {
        "003": (True, False),
        "a": (False, True),
        "b": (True, True),
        "c": (True, False),
    }
