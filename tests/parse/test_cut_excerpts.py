"""A text cut wherever a length cap fell (an excerpt of a page, as the shared real corpus
and many saved pages are) can stop inside a figure or a name: what its last characters
state may have lost digits or words, so it is kept as a candidate and never chosen. Found
by parsing every prefix of every tuning text that stops inside or right after a figure:
truncated figures were chosen as scores and amounts spent, truncated names as project
names, a grade's first character (优 of 优秀) as the grade. The sentences are our own.
"""

from __future__ import annotations

import dataclasses

import pytest

from fiscal_eval import parse_file, parse_text
from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import document_from_text

_HEAD = "甲县乙局2023年度项目支出绩效自评报告\n一、项目基本情况\n"
_FORM = "项目资金(万元) 全年预算数(A) 全年执行数(B) 执行率(B/A)\n"
_LINES = "计划安排资金 (万元) |\n700 |\n实际到位资金 (万元) |\n700 |\n"

# (the text's end as cut, the field, the same end whole, its value)
_CUTS = [
    ("经自评,该项目自评得分9", "score", "经自评,该项目自评得分96分", 96.0),
    (_FORM + "年度资金总额: 2300.67 2", "spent_yuan", _FORM + "年度资金总额: 2300.67 2290.5 99.56%", 22905000.0),
    (_LINES + "实际支出 (万元) |\n6", "spent_yuan", _LINES + "实际支出 (万元) |\n650 |", 6500000.0),
    # (a figure parted from its unit on the same line: the normalised text ends otherwise)
    ("完成率达到 100%,整体绩效自评为优", "grade", "完成率达到 100%,整体绩效自评为优秀。", "优秀"),
    ("项目名称:乙县山内水库等1", "project_name", "项目名称:乙县山内水库等13宗水库除险加固工程。",
     "乙县山内水库等13宗水库除险加固工程"),
]


@pytest.mark.parametrize("cut, field, whole, value", _CUTS)
def test_a_value_the_cut_runs_into_is_a_candidate_not_the_field(cut, field, whole, value):
    report = parse_text(_HEAD + cut)
    assert getattr(report, field) is None
    assert [c.lost for c in report.candidates[field]] == ["文本在此中断，所读数字或名称可能不全"]
    # the same text whole, with or without a line end after it
    assert getattr(parse_text(_HEAD + whole), field) == value
    assert getattr(parse_text(_HEAD + whole + "\n"), field) == value


def test_a_text_cut_inside_a_character_is_cut_there():
    # the cap fell inside a three-byte character (分), which decoding made U+FFFD
    report = parse_text(_HEAD + "经自评,该项目自评得分96\ufffd")
    assert report.score is None and [c.value for c in report.candidates["score"]] == [96.0]


def test_the_figures_before_the_cut_are_read():
    report = parse_text(_HEAD + _FORM + "年度资金总额: 2300.67 2290.5 99.56%\n经自评,该项目自评得分9")
    assert (report.budget_yuan, report.spent_yuan, report.score) == (23006700.0, 22905000.0, None)
    assert report.execution_rate_reported == pytest.approx(0.9956)


def test_a_file_a_reader_read_whole_is_not_cut(tmp_path):
    # a Word file's or a workbook's text ends where the file does: its last cell is whole
    doc = dataclasses.replace(document_from_text(_HEAD + "经自评,该项目自评得分96", "t.docx"), format="docx")
    assert parse_document(doc).score == 96.0
    assert parse_text(_HEAD + "经自评,该项目自评得分96").score is None
    # an HTML page's text ends where its markup does, here in its results table's last cell
    page = tmp_path / "t.html"
    page.write_text("<html><body><h1>甲县乙局2023年度项目支出绩效自评报告</h1><p>年初预算安排100万元，实际支出95万元。</p>"
                    "<table><tr><td>指标</td><td>分值</td><td>得分</td></tr>"
                    "<tr><td>总分</td><td>100</td><td>96</td></tr></table></body></html>", encoding="utf-8")
    report = parse_file(page)
    assert report.text.endswith("96") and report.score == 96.0



def test_a_compilations_part_before_its_last_is_not_cut():
    # a part of a compilation (汇编) ends where the next report starts: its last line is
    # whole, though the splitter took the line break after it; the last part may be cut
    text = _HEAD + "项目名称:乙县山内水库除险加固工程"
    doc = document_from_text(text, "汇编.txt#1")
    first = dataclasses.replace(doc, metadata={"part": "1", "parts": "3"})
    last = dataclasses.replace(doc, metadata={"part": "3", "parts": "3"})
    assert parse_document(first).project_name == "乙县山内水库除险加固工程"
    assert parse_document(last).project_name is None
