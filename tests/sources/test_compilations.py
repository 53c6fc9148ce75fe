"""Where a compilation is split: one report a title, and a report's own inner cover is
not a second report."""

from __future__ import annotations

from fiscal_eval.api import parse_reports
from fiscal_eval.sources.compilations import report_titles

BODY = "一、部门概况\n本单位2024年预算安排120万元，实际支出110万元，执行率91.67%。\n" * 8
CONTENTS = "目录\n" + "".join(f"({n})部门资金来源及使用情况与说明\n" for n in "一二三四五六七八九十") * 2


def titles(text: str) -> list[str]:
    return [text[a:b] for a, b in report_titles(text)]


def one_report(folder, text: str):
    """The one report parse_reports reads from ``text`` saved as a file."""
    path = folder / "report.txt"
    path.write_text(text, "utf-8")
    [report] = parse_reports(str(path))
    return report


def test_inner_cover_is_the_same_report(tmp_path):
    # A cover title naming the unit, the contents, then the inner cover: the unit on a
    # line of its own over a title that opens with the year.
    text = ("甲县档案馆2024年部门整体支出绩效自评报告\n" + CONTENTS
            + "甲县档案馆\n2024年度部门整体支出绩效评价报告\n" + BODY)
    assert titles(text) == []
    report = one_report(tmp_path, text)
    assert report.status != "failed"
    assert report.agency == "甲县档案馆"
    assert report.budget_yuan == 1_200_000


def test_units_over_year_titles_still_split():
    # A compilation whose titles open with the year under each unit's own line: a
    # different unit above is a new report.
    text = ("甲县档案馆2024年部门整体支出绩效自评报告\n" + BODY
            + "乙县文化馆\n2024年度部门整体支出绩效评价报告\n" + BODY)
    assert titles(text) == ["甲县档案馆2024年部门整体支出绩效自评报告", "2024年度部门整体支出绩效评价报告"]


def test_a_title_repeated_after_its_own_contents_is_the_same_report(tmp_path):
    # The cover's title, the contents under it, then the title again (written another
    # way) over the report: one report, not a cover and a report.
    text = ("甲县回族彝族自治县乙镇人民政府2023年部门整体支出绩效自评报告\n" + CONTENTS
            + "甲县乙镇人民政府2023年部门整体支出绩效自评报告\n" + BODY)
    assert titles(text) == []
    report = one_report(tmp_path, text)
    assert (report.kind, report.year, report.budget_yuan) == ("department", 2023, 1_200_000)
    # two units' reports, each with a body, still split even when one has contents
    text = ("甲局2023年部门整体支出绩效自评报告\n" + BODY + "乙局2023年部门整体支出绩效自评报告\n" + CONTENTS + BODY)
    assert len(titles(text)) == 2
