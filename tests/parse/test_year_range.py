"""A report over several years states no one fiscal year: the year is left empty."""

from __future__ import annotations

from fiscal_eval import parse_text


def test_title_over_several_years_has_no_year():
    report = parse_text("某省住房和城乡建设厅关于2017-2019年城镇保障性安居工程支出绩效自评报告\n"
                        "2019年下达资金100万元。", source="range.txt")
    assert report.year is None
    [candidate] = report.candidates["year"]
    assert candidate.value == 2019 and "多个年度" in candidate.lost


def test_a_range_in_the_body_leaves_the_titles_year():
    report = parse_text("某县住建局2019年城镇保障性安居工程绩效自评报告\n2017年至2019年累计安排资金300万元。",
                        source="one.txt")
    assert report.year == 2019
