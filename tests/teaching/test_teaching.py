"""fiscal_eval.teaching: the exercise checker, its answer key (lessons.toml) against the
library, and the small helpers the lessons call."""

from __future__ import annotations

import doctest
import os
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import fiscal_eval
from fiscal_eval import teaching
from fiscal_eval.teaching import Feedback, check, exercise, exercises, solution

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
ECHO = re.compile(r"^你的答案 \(your answer\): .*?。")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The samples and the teaching corpus, parsed: what the key is derived from."""
    return teaching.LessonData.build(SAMPLES, tmp_path_factory.mktemp("corpus"))


def _mistakes():
    return [(i, m) for i in exercises() for m in exercise(i).mistakes]


# --------------------------------------------------------------------------- the key


def test_the_key_agrees_with_the_library(data):
    """Every expected value (and every mistake's value) is what the library derives from
    the data; no hint, question or unit gives an answer away; every solution checks."""
    assert teaching.verify_key(data) == []


def test_the_key_agrees_through_the_lesson_store(tmp_path):
    """The same, reading the tables the way lessons 02 and 05 do (ingest + load)."""
    data = teaching.LessonData.build(SAMPLES, tmp_path / "corpus", store=tmp_path / "store")
    assert teaching.verify_key(data) == []
    assert data.tables.reports["synthetic"].sum() == teaching.CORPUS["agencies"] * teaching.CORPUS["years"]


def test_a_drifted_key_is_caught(data, monkeypatch):
    """verify_key names an entry whose expected value no longer matches the data."""
    key = teaching.checker._key()
    drifted = dict(key["exercises"])
    drifted["04.1"] = replace(drifted["04.1"], expected="600651.81 / 700000")
    monkeypatch.setitem(key, "exercises", drifted)
    problems = teaching.verify_key(data)
    assert len(problems) == 1 and problems[0].startswith("04.1: key says")


def test_every_lesson_has_exercises_and_every_exercise_a_derive():
    lessons = {exercise(i).lesson for i in exercises()}
    assert lessons == {"01", "02", "03", "04", "05"}
    assert all(exercise(i).derive for i in exercises())
    assert all(exercise(i).asks and exercise(i).unit for i in exercises())


def test_key_examples_of_the_brief():
    """The figures the corpus README names are in the key as the report's own arithmetic."""
    assert exercise("04.1").expected == "600651.81 / 710000"
    assert solution("03.4") == {"投入": 17, "过程": 59, "产出及效率": 20}
    assert solution("04.3") == {733, 707}
    assert solution("04.5") == "(3)÷(1)"


def test_an_unknown_exercise_raises_a_key_error_naming_the_known_ones():
    with pytest.raises(KeyError, match="01.1"):
        check("99.9", 1)


# --------------------------------------------------------------------------- verdicts


@pytest.mark.parametrize("eid", exercises())
def test_the_solution_is_correct(eid):
    assert check(eid, solution(eid)).verdict == "correct"


@pytest.mark.parametrize("eid", exercises())
@pytest.mark.parametrize("answer", [None, ...], ids=["None", "Ellipsis"])
def test_no_answer_is_unanswered(eid, answer):
    feedback = check(eid, answer)
    assert feedback.verdict == "unanswered"
    assert not teaching.key._reveals(exercise(eid), feedback.message)


@pytest.mark.parametrize(("eid", "mistake"), _mistakes(), ids=lambda x: x if isinstance(x, str) else x.kind)
def test_each_known_mistake_is_close_with_its_hint(eid, mistake):
    answer = teaching.checker._mistake_value(exercise(eid), mistake)
    if isinstance(answer, frozenset):
        answer = set(answer)
    feedback = check(eid, answer)
    assert feedback.verdict == "close"
    assert mistake.hint in feedback.message
    assert not teaching.key._reveals(exercise(eid), ECHO.sub("", feedback.message))


@pytest.mark.parametrize(("eid", "answer", "words"), [
    ("01.2", 60.07, "万元 × 10 000"),  # 万元 where 元 is asked, rounded as students write it
    ("02.1", 96.16, "小数 (fraction)"),  # a percent for a fraction
    ("02.1", "96.16", "小数 (fraction)"),
    ("02.3", 0.9489, "除以的是预算 (budget)"),  # the other denominator
    ("02.2", 0.9868, "除以的是到位 (available)"),
    ("04.1", 0.8461, "报告写的 (reported)"),
    ("04.6", 0.9926, "截断 (truncated)"),  # truncation where rounding is asked
    ("04.2", 0.8459, "截断 (truncated)"),
    ("05.1", 0.0676, "负数"),  # the sign
    ("02.1", 0.96, "多保留几位小数"),  # within the looser tolerance
    ("04.4", ["rate_mismatch"], "还少一个"),  # a set one short
    ("01.5", ["002", "004"], "多了一个"),  # a set one too many
    ("04.7", ["投入", "过程"], "有一个不对"),
    ("03.4", {"投入": 17, "过程": 59, "产出及效率": 26}, "再检查 (check again): 产出及效率"),
    ("02.6", {"2020": 0.995}, "缺少 (missing) 2021, 2022"),
])
def test_close_answers_get_the_hint_for_their_mistake(eid, answer, words):
    feedback = check(eid, answer)
    assert feedback.verdict == "close"
    assert words in feedback.message


@pytest.mark.parametrize(("eid", "answer"), [
    ("02.1", 0.5), ("01.4", "优秀"), ("04.7", {"过程"}), ("05.3", "B"), ("03.6", {"004"}),
    ("04.5", "(4)÷(1)"), ("01.1", 1999),
    # answers of the wrong kind are wrong, never an exception
    ("02.1", "abc"), ("01.2", True), ("02.6", 5), ("02.6", {"2020": "很多"}), ("03.4", [17, 59, 20]),
    ("01.4", 88), ("04.3", 3.5), ("01.2", float("nan")), ("01.2", [1, 2]), ("04.3", {"a": 1}),
])
def test_wrong_answers_are_wrong_and_do_not_reveal(eid, answer):
    feedback = check(eid, answer)
    assert feedback.verdict == "wrong"
    assert not teaching.key._reveals(exercise(eid), ECHO.sub("", feedback.message))


@pytest.mark.parametrize(("eid", "answer"), [
    ("02.1", "96.1577%"),  # a percent string
    ("02.1", np.float64(0.961577)),  # numpy scalar
    ("02.1", pl.Series([0.961577])),  # a one-value Series
    ("01.1", "2019"),
    ("01.4", " “良好” "),  # quotes and spaces
    ("02.7", "b"),  # case
    ("04.5", "（3）/（1）"),  # full-width brackets, / for ÷
    ("04.3", ["733", 707.0]),  # numbers as strings or floats
    ("05.4", ("2020", 2022)),
    ("02.6", {2020: 0.99499, 2021: 0.9276, 2022: 0.9489}),  # int keys, 4 decimals
    ("01.5", "002"),  # one element for a set
])
def test_answers_are_read_leniently(eid, answer):
    assert check(eid, answer).verdict == "correct"


def test_flags_are_read_by_their_code():
    report = fiscal_eval.parse_file(SAMPLES / "000_8f7748dd4a7239a6.txt")
    assert check("04.4", report.flags).verdict == "correct"
    assert check("04.4", list(report.flags)[:1]).verdict == "close"


# --------------------------------------------------------------------------- hints


@pytest.mark.parametrize("eid", exercises())
def test_no_hint_contains_the_expected_value(eid):
    ex = exercise(eid)
    for hint in [ex.hint, *(m.hint for m in ex.mistakes)]:
        assert not teaching.key._reveals(ex, hint), hint


def test_the_reveal_check_catches_a_revealing_hint():
    ex = exercise("04.1")
    assert teaching.key._reveals(ex, "答案是 0.846")
    assert teaching.key._reveals(ex, "应为 84.60%")
    assert not teaching.key._reveals(ex, "按 财预〔2020〕10号，分母用实际到位")
    assert teaching.key._reveals(exercise("03.2"), "应为“良好”")
    assert teaching.key._reveals(exercise("05.3"), "the grade is C")
    assert not teaching.key._reveals(exercise("05.3"), "PEFA scale")


# --------------------------------------------------------------------------- feedback display


def test_feedback_shows_escaped_html_and_plain_text():
    feedback = Feedback("01.1", "wrong", "<script>alert(1)</script> & 你的答案")
    html = feedback._repr_html_()
    assert 'data-verdict="wrong"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert str(feedback).startswith("[01.1] ✗ 不对 wrong — <script>")
    for verdict in ("correct", "close", "wrong", "unanswered"):
        assert verdict in str(Feedback("x", verdict, "m"))


def test_feedback_is_frozen():
    with pytest.raises(AttributeError):
        check("01.1", None).verdict = "correct"


def test_solution_types_are_what_a_student_writes():
    assert solution("01.1") == 2019 and isinstance(solution("01.1"), int)
    assert solution("03.6") == set()
    assert solution("01.5") == {"002"}
    assert isinstance(solution("02.1"), float)


# --------------------------------------------------------------------------- helpers


def test_docstring_examples_run(monkeypatch):
    monkeypatch.chdir(ROOT)
    for module in (teaching.checker, teaching.corpus, teaching.key):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
    assert doctest.testmod(teaching.checker).attempted > 0


def test_relative_lesson_paths_are_read_from_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert teaching.resolve("data/samples") == SAMPLES
    assert teaching.resolve(tmp_path) == tmp_path
    assert teaching.sample("data/samples", "000").agency == "中共保山市委网信办"
    with pytest.raises(fiscal_eval.FiscalEvalError, match="no sample '009'"):
        teaching.sample("data/samples", "009")


def test_samples_by_number():
    assert list(teaching.samples(SAMPLES)) == ["000", "001", "002", "003", "004"]


def test_the_teaching_corpus_is_generated_once(tmp_path):
    reports = teaching.synthetic_corpus(tmp_path)
    first = {p.name: p.stat().st_mtime_ns for p in reports.iterdir()}
    assert len(first) == teaching.CORPUS["agencies"] * teaching.CORPUS["years"]
    assert "【合成数据 SYNTHETIC】" in next(reports.iterdir()).read_text("utf-8")
    teaching.synthetic_corpus(tmp_path)
    assert {p.name: p.stat().st_mtime_ns for p in reports.iterdir()} == first


def test_open_store_parses_nothing_the_second_time(tmp_path):
    tables = teaching.open_store(tmp_path / "store", SAMPLES, tmp_path / "corpus")
    assert tables.reports.height == 5 + teaching.CORPUS["agencies"] * teaching.CORPUS["years"]
    before = fiscal_eval.manifest(tmp_path / "store")["ingested_at"].to_list()
    teaching.open_store(tmp_path / "store", SAMPLES, tmp_path / "corpus")
    assert fiscal_eval.manifest(tmp_path / "store")["ingested_at"].to_list() == before


def test_agency_views(data):
    years = teaching.agency_years(data.metrics, "云岭市水利局")
    assert years["year"].to_list() == [2019, 2020, 2021, 2022]
    assert years["synthetic"].all()
    assert teaching.agency_years(data.metrics, "云岭市水利局", year=2022, columns=["spent_yuan"]).columns == [
        "year", "synthetic", "spent_yuan"]
    flags = teaching.flags_by_year(data.tables, "云岭市水利局")
    assert set(flags["code"]) == {"rate_mismatch", "sum_mismatch"} and set(flags["agency"]) == {"云岭市水利局"}
    everyone = teaching.flags_by_year(data.tables)
    assert everyone.height == data.tables.flags.height and everyone["agency"].null_count() == 0
    summary = teaching.corpus_summary(data.tables)
    assert summary.rows() == [(False, 5, 5, 3), (True, 32, 8, 4)]
    assert teaching.agency_statements(data.tables, "云岭市水利局")["year"].to_list() == [2019, 2020, 2021, 2022]
    assert teaching.report_text(data.tables, "云岭市水利局", 2022).startswith("【合成数据 SYNTHETIC】")
    with pytest.raises(fiscal_eval.FiscalEvalError, match="0 reports"):
        teaching.report_text(data.tables, "云岭市水利局", 1999)


def test_report_views(data):
    assert teaching.indicator_totals(data.samples["003"]) == {"points": 88.0, "max_points": 100.0}
    assert teaching.indicator_totals(data.samples["000"]) == {"points": 0.0, "max_points": 0.0}
    shown = teaching.evidence(data.samples["002"], "budget_yuan", "spent_yuan")
    assert shown["field"].to_list() == ["budget_yuan", "spent_yuan"] and shown.columns == ["field", "figure", "sentence"]
    assert teaching.evidence(data.samples["000"]).height == len(data.samples["000"].evidence)
    r004 = data.samples["004"]
    assert teaching.section_points(r004) == {"投入": 17.0, "过程": 59.0, "产出及效率": 20.0}
    check_table = teaching.subtotal_check(r004)
    assert check_table.rows() == [("投入", 13.0, 17.0, 4.0), ("过程", 59.0, 59.0, 0.0), ("产出及效率", 26.0, 20.0, -6.0)]
    assert round(teaching.recompute(r004, "预算完成率"), 6) == 0.992657
    with pytest.raises(fiscal_eval.FiscalEvalError):
        teaching.recompute(r004, "不存在的比率")
    rows = teaching.find(data.samples["003"], "(1)", "(2)", "(3)", "(4)", "=(").splitlines()
    assert len(rows) == 8 and rows[0].startswith("预算安排 | (1)") and rows[-1].startswith("预算完成率")
    assert teaching.find(data.samples["000"], "没有这句话") == ""


def test_pi2_example_is_marked_synthetic_and_graded_by_the_library():
    lines = teaching.pi2_example()
    assert lines["synthetic"].all() and "SYNTHETIC" in lines["agency"][0]
    graded = fiscal_eval.metrics.execution.pefa_pi2_1(lines)
    assert graded["pefa_grade"].item() == solution("02.9")


def test_the_key_file_ships_with_the_package():
    assert (Path(teaching.__file__).parent / "lessons.toml").is_file()
    assert os.fspath(teaching.ROOT) == os.fspath(ROOT)


def test_lessons_preparing_one_store_at_once_take_turns(tmp_path):
    """Four processes opening the same lesson store together all get it (the batch runs
    lessons 02 and 05, with and without solutions, in parallel workers)."""
    import subprocess
    import sys

    code = ("import sys; from fiscal_eval import teaching; "
            "t = teaching.open_store(sys.argv[1], sys.argv[2], sys.argv[3]); print(t.reports.height)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "store"), str(SAMPLES), str(tmp_path / "corpus")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(4)]
    results = [run.communicate(timeout=120) for run in runs]
    expected = str(5 + teaching.CORPUS["agencies"] * teaching.CORPUS["years"])
    assert [(run.returncode, out.strip()) for run, (out, _) in zip(runs, results)] == [(0, expected)] * 4, results


# --------------------------------------------------------------------------- every answer shape


def _right_shape_wrong_value(eid):
    """An answer of the form the exercise asks for, with values that are no known mistake."""
    from fiscal_eval.teaching.checker import _PLAIN_NUMBER, _expected

    ex = exercise(eid)
    expected = _expected(ex)
    if ex.type == "number":
        return expected * 1.7 + 3.3
    if ex.type == "dict":
        return {k: v * 1.7 + 3.3 if isinstance(v, float) else "无此项" for k, v in expected.items()}
    if ex.type == "set":
        return {98765} if any(_PLAIN_NUMBER.fullmatch(e) for e in expected) else {"无此项"}
    if ex.type == "grade" and str(expected).isascii():
        return "Z"
    return "无此答案"


_WRONG_SHAPE = {"number": {"a": 1}, "dict": 5.0, "set": {"a": 1}, "text": 88, "grade": 88}


@pytest.mark.parametrize("eid", exercises())
def test_a_wrong_value_of_the_right_shape_is_not_told_its_shape(eid):
    """The hint must fit the answer: an answer already in the asked form (a dict keyed by
    year …) is told its values are wrong, not told the form it already has."""
    ex = exercise(eid)
    feedback = check(eid, _right_shape_wrong_value(eid))
    assert feedback.verdict == "wrong", feedback.message
    assert "形式对了" in feedback.message and "答案的形式" not in feedback.message
    assert not (ex.unit and ex.unit in feedback.message)
    assert not teaching.key._reveals(ex, ECHO.sub("", feedback.message))


@pytest.mark.parametrize("eid", exercises())
def test_a_wrong_shape_is_told_the_shape_asked(eid):
    ex = exercise(eid)
    feedback = check(eid, _WRONG_SHAPE[ex.type])
    assert feedback.verdict == "wrong"
    assert "形式对了" not in feedback.message
    assert ex.unit in feedback.message or "需要" in feedback.message
    assert not teaching.key._reveals(ex, ECHO.sub("", feedback.message))


def _low_precision(eid):
    """The exercise's (non-whole) numbers rounded to two decimals, as a hasty student writes them."""
    from fiscal_eval.teaching.checker import _expected

    ex = exercise(eid)
    expected = _expected(ex)
    if ex.type == "number" and not float(expected).is_integer():
        return round(expected, 2)
    if ex.type == "dict" and all(isinstance(v, float) and not v.is_integer() for v in expected.values()):
        return {k: round(v, 2) for k, v in expected.items()}
    return None


# (amounts in yuan, 600651.81, are whole at two decimals: correct, not a precision slip)
@pytest.mark.parametrize("eid", [e for e in exercises() if _low_precision(e) is not None
                                 and check(e, _low_precision(e)).verdict != "correct"])
def test_too_few_decimals_is_close_and_says_so(eid):
    feedback = check(eid, _low_precision(eid))
    assert feedback.verdict == "close", feedback.message
    assert "小数" in feedback.message or "位数" in feedback.message or "精度" in feedback.message


def test_the_issues_example_a_dict_by_year_at_low_precision():
    feedback = check("02.6", {"2020": 0.99, "2021": 0.93, "2022": 0.95})
    assert feedback.verdict == "close" and "位数太少" in feedback.message
    assert "以年份为键" not in feedback.message  # the form it already has
    assert "形式对了" in check("02.6", {"2020": 0.5, "2021": 0.5, "2022": 0.5}).message


# --------------------------------------------------------------------------- after the answer


def test_library_values_wait_for_the_answer(monkeypatch):
    from fiscal_eval.teaching import checker

    monkeypatch.setattr(checker, "_ANSWERED", {})
    table = pl.DataFrame({"year": [2022], "arrival_rate": [0.9616]})
    held = teaching.after(("02.1", "02.2"), table)
    assert isinstance(held, teaching.Withheld) and "02.1、02.2" in held.message
    assert "0.9616" not in held._repr_html_() and 'class="fiscal-eval-withheld"' in held._repr_html_()
    check("02.1", None)  # unanswered does not count
    check("02.2", 0.5)
    assert isinstance(teaching.after(("02.1", "02.2"), table), teaching.Withheld)
    check("02.1", 0.1)  # a wrong answer counts: it has been checked
    assert teaching.after(("02.1", "02.2"), table) is table
    assert repr(teaching.after("02.1", "第一行\n第二行")) == "第一行\n第二行"  # text as printed
    with pytest.raises(KeyError):
        teaching.after("99.9", 1)
