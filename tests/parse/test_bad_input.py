"""Bad input becomes a report with a status and plain-words errors, never a traceback."""

from __future__ import annotations

import fiscal_eval


def test_empty_text():
    r = fiscal_eval.parse_text("   ", source="blank.txt")
    assert r.status == "failed" and "empty" in r.errors[0] and "blank.txt" in r.errors[0]


def test_not_a_report():
    r = fiscal_eval.parse_text("今天天气很好，我们去公园散步，看到了很多花。", source="news.txt")
    assert r.status == "failed"
    assert "not a budget-performance self-evaluation report" in r.errors[0]


def test_report_missing_amounts():
    r = fiscal_eval.parse_text("某某县教育局2021年度项目绩效自评报告\n自评得分95分，自评结果：优秀。", source="x.txt")
    assert r.status == "partial"
    assert r.score == 95 and r.grade == "优秀"
    text = " ".join(r.errors)
    assert "missing the budget" in text and "missing the amount spent" in text and "x.txt" in text


def test_missing_file_and_binary(tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    reports = fiscal_eval.parse_paths([tmp_path / "nope.txt", binary, empty])
    assert [r.status for r in reports] == ["failed"] * 3
    assert "not found" in reports[0].errors[0]
    assert "binary" in reports[1].errors[0] and "scan.txt" in reports[1].errors[1 - 1]
    assert "empty" in reports[2].errors[0]


def test_hostile_text_never_raises():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("预算执行率实际支出到位得分优秀良好一二三（）()、。，,:：%％元万亿0123456789. \t\n-—×÷=|《》“”"))

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=400))
    def run(text):
        r = fiscal_eval.parse_text(text, source="fuzz.txt")
        assert r.status in ("ok", "partial", "failed")
        r.to_dict()

    run()
