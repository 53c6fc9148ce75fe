"""Grade scales as data, grade checks, and the vectorised grade metrics."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.metrics.grading import (
    GRADE_COLUMNS,
    GRADE_EXPECTED,
    GRADE_LEVEL,
    GRADE_OK,
    GRADE_SCALE_USED,
    GradeCheck,
    check_grade,
    grade_level,
    grade_metrics,
    normalise_grade,
    scale,
    scale_for_grade,
    scale_from_scheme,
    scales,
    scheme_text,
)
from fiscal_eval.model import GradeBand, GradeScale


def test_known_scales_load_sorted_high_to_low():
    known = scales()
    assert {"mof", "five_band", "four_band_words"} <= set(known)
    for name, s in known.items():
        lowers = [b.lower for b in s.bands]
        assert lowers == sorted(lowers, reverse=True), name
        assert s.name == name
    assert [b.grade for b in scale("mof").bands] == ["优", "良", "中", "差"]
    assert [(b.lower, b.grade) for b in scale("five_band").bands] == [
        (90, "优秀"), (80, "良好"), (70, "中等"), (60, "及格"), (0, "不及格"),
    ]


def test_unknown_scale_name_raises_and_lists_the_known():
    with pytest.raises(KeyError, match="five_band"):
        scale("no_such_scale")


@pytest.mark.parametrize(
    ("score", "mof", "five_band", "four_band_words"),
    [
        (90, "优", "优秀", "优秀"),
        (89.99, "良", "良好", "良好"),
        (80, "良", "良好", "良好"),
        (79.99, "中", "中等", "合格"),
        (70, "中", "中等", "合格"),
        (60, "中", "及格", "合格"),
        (59.5, "差", "不及格", "不合格"),
        (0, "差", "不及格", "不合格"),
    ],
)
def test_band_edges(score, mof, five_band, four_band_words):
    assert scale("mof").grade_for(score) == mof
    assert scale("five_band").grade_for(score) == five_band
    assert scale("four_band_words").grade_for(score) == four_band_words


def test_scale_for_grade_word():
    assert scale_for_grade("优").name == "mof"
    assert scale_for_grade("差").name == "mof"
    assert scale_for_grade("良好").name == "five_band"  # five_band is listed before four_band_words
    assert scale_for_grade("及格").name == "five_band"
    assert scale_for_grade("合格").name == "four_band_words"
    assert scale_for_grade("一般").name == "four_band_general"
    assert scale_for_grade("“优”").name == "mof"
    assert scale_for_grade("甲等") is None


def test_normalise_grade_keeps_the_word():
    assert normalise_grade("优") == "优"
    assert normalise_grade("“优”") == "优"
    assert normalise_grade(" 优秀 ") == "优秀"
    assert normalise_grade("【良好】") == "良好"
    assert normalise_grade("良好等次") == "良好"
    assert normalise_grade("优等") == "优"
    assert normalise_grade("不合格") == "不合格"  # not stripped to 不合 / 合
    assert normalise_grade("甲级") == "甲级"  # unknown: only cleaned


def test_grade_level_compares_across_scales():
    assert grade_level("优") == grade_level("优秀") == 5
    assert grade_level("良") == grade_level("良好") == 4
    assert grade_level("中等") == 3
    assert grade_level("中") == grade_level("及格") == grade_level("合格") == 2
    assert grade_level("差") == grade_level("不及格") == grade_level("不合格") == 1
    assert grade_level("甲") is None and grade_level(None) is None
    printed = GradeScale("printed", (GradeBand(85, "A"), GradeBand(0, "B")))
    assert grade_level("A", printed) == 4  # band from 85: ≥ 80 -> 4


def test_check_grade_cases_from_the_samples():
    # 003: 88 printed five-band -> 良好
    assert check_grade(88, "良好", scale("five_band")) == GradeCheck(True, "良好", "five_band")
    # 004: 98 / 优 under the MoF default
    assert check_grade(98, "优") == GradeCheck(True, "优", "mof")
    # 000: 97.46 / 优秀 -> the five_band vocabulary has 优秀
    assert check_grade(97.46, "优秀") == GradeCheck(True, "优秀", "five_band")
    # 85 is 良 under MoF, not 优
    assert check_grade(85, "优") == GradeCheck(False, "良", "mof")


def test_check_grade_88_is_liang_hao_under_five_band():
    assert check_grade(88, "良好").expected == "良好"
    assert check_grade(88, "优秀").ok is False


def test_printed_scale_beats_the_grade_words_scale():
    # A report printing the five-band scale but writing 优 for 95: under its own scale
    # 95 is 优秀, so 优 does not match, although the MoF scale would accept it.
    assert check_grade(95, "优", scale("five_band")) == GradeCheck(False, "优秀", "five_band")
    assert check_grade(95, "优").ok is True
    # A printed scale with its own edge: 86 is A there, 良 under MoF
    printed = GradeScale("printed", (GradeBand(85, "A"), GradeBand(0, "B")))
    assert check_grade(86, "A", printed) == GradeCheck(True, "A", "printed")


def test_unknown_word_falls_back_to_mof():
    assert check_grade(95, "甲") == GradeCheck(False, "优", "mof")


def test_nothing_to_check():
    assert check_grade(None, "优").ok is None
    assert check_grade(95, None) == GradeCheck(None, "优", "mof")


def test_scheme_text_round_trip():
    printed_003 = GradeScale(
        "printed",
        (GradeBand(90, "优秀"), GradeBand(80, "良好"), GradeBand(70, "中等"), GradeBand(60, "及格"), GradeBand(0, "不及格")),
        span=(10, 60),
    )
    assert scheme_text(printed_003) == "five_band"  # a printed scale equal to a known one
    odd = GradeScale("printed", (GradeBand(0, "C"), GradeBand(85, "A"), GradeBand(70, "B")))
    assert scheme_text(odd) == "A:85,B:70,C:0"
    back = scale_from_scheme(scheme_text(odd))
    assert back.bands == (GradeBand(85, "A"), GradeBand(70, "B"), GradeBand(0, "C"))
    assert scale_from_scheme("mof") == scale("mof")
    assert scale_from_scheme(None) is None
    assert scale_from_scheme("printed") is None  # a bare name says nothing about the bands
    assert scale_from_scheme("A:x") is None


# --------------------------------------------------------------------------- grade_metrics


def _frame(rows):
    return pl.DataFrame(
        rows,
        schema={"report_id": pl.Utf8, "score": pl.Float64, "grade": pl.Utf8, "grade_scheme": pl.Utf8},
        orient="row",
    )


def test_grade_metrics_on_the_samples_and_a_mismatch():
    out = grade_metrics(
        _frame(
            [
                ("000", 97.46, "优秀", None),
                ("001", 98.0, "优秀", None),
                ("002", None, None, None),
                ("003", 88.0, "良好", "five_band"),
                ("004", 98.0, "优", None),
                ("bad", 85.0, "优", None),
                ("printed", 95.0, "优", "five_band"),
                ("custom", 86.0, "A", "A:85,B:0"),
            ]
        )
    )
    assert out.columns == list(GRADE_COLUMNS)
    got = {r["report_id"]: (r[GRADE_EXPECTED], r[GRADE_OK], r[GRADE_SCALE_USED], r[GRADE_LEVEL]) for r in out.to_dicts()}
    assert got == {
        "000": ("优秀", True, "five_band", 5),
        "001": ("优秀", True, "five_band", 5),
        "002": (None, None, "mof", None),
        "003": ("良好", True, "five_band", 4),
        "004": ("优", True, "mof", 5),
        "bad": ("良", False, "mof", 5),
        "printed": ("优秀", False, "five_band", 5),
        "custom": ("A", True, "printed", 4),
    }
    assert out["report_id"].to_list() == ["000", "001", "002", "003", "004", "bad", "printed", "custom"]


def test_grade_metrics_nan_score_is_not_checked():
    out = grade_metrics(_frame([("x", float("nan"), "优", None)]))
    assert out.row(0, named=True)[GRADE_OK] is None


_words = st.sampled_from(["优", "良", "中", "差", "优秀", "良好", "中等", "及格", "不及格", "合格", "一般", "甲", None])
_schemes = st.sampled_from([None, "mof", "five_band", "four_band_words", "A:85,B:0", "printed"])
_scores = st.one_of(st.none(), st.floats(min_value=-5, max_value=105), st.sampled_from([59.5, 60.0, 79.99, 80.0, 89.99, 90.0]))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_scores, _words, _schemes), min_size=1, max_size=30))
def test_grade_metrics_agrees_with_check_grade(rows):
    df = _frame([(str(i), *r) for i, r in enumerate(rows)])
    out = grade_metrics(df).to_dicts()
    for (score, word, scheme), row in zip(rows, out):
        expected = check_grade(score, word, scale_from_scheme(scheme))
        assert (row[GRADE_EXPECTED], row[GRADE_OK], row[GRADE_SCALE_USED]) == (
            expected.expected,
            expected.ok,
            expected.scale,
        )
