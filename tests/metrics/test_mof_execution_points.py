"""The MoF 项目支出绩效自评表 scores the budget execution rate (10 points) in its money
grid and the indicators (90 points) in its indicator table (财预〔2020〕10号): a correct
form's total is their sum, with no score_total_mismatch; wrong execution points are flagged."""

from __future__ import annotations

import random

import pytest

from fiscal_eval.api import parse_file, parse_text
from fiscal_eval.parse.indicators import EXECUTION_LEVEL1
from fiscal_eval.synth_formats import mof_form, xlsx_bytes

_TRUTH = {"budget_yuan": 3_297_700.0, "spent_yuan": 3_037_300.0, "agency": "云岭市交通运输局",
          "project_name": "道路养护项目", "year": 2019}
_TOTAL_ROW = 5  # 年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
_GOT = 7  # the 得分 column


def _form(seed: int, execution_points: float | None = None):
    rows, merges, truth = mof_form(_TRUTH, random.Random(seed))
    assert rows[_TOTAL_ROW][1] == "年度资金总额"
    if execution_points is not None:
        rows[_TOTAL_ROW][_GOT] = execution_points
    return rows, merges, truth


def _text(rows) -> str:
    """The form as a text extraction of a Word table gives it: tab-separated cells, the
    rate as a percentage."""
    def cell(col: int, v) -> str:
        if v is None:
            return ""
        return f"{v * 100:.2f}%" if col == 6 and isinstance(v, float) else str(v)
    return "\n".join("\t".join(cell(c, v) for c, v in enumerate(row)) for row in rows)


def _parse(fmt: str, rows, merges, tmp_path):
    if fmt == "text":
        return parse_text(_text(rows), "form.txt")
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsx_bytes(rows, merges))
    return parse_file(path)


def _codes(report) -> list[str]:
    return [f.code for f in report.flags]


@pytest.mark.parametrize("fmt", ["xlsx", "text"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_correct_form_has_no_score_total_mismatch(fmt, seed, tmp_path):
    rows, merges, truth = _form(seed)
    r = _parse(fmt, rows, merges, tmp_path)
    # 3037300 / 3297700 = 92.10%: 9.21 of 10 points for the execution rate.
    execution = [i for i in r.indicators if i.level1 == EXECUTION_LEVEL1]
    assert [(i.max_points, i.points) for i in execution] == [(10.0, 9.21)]
    assert r.score == pytest.approx(truth["score"])
    assert sum(i.points or 0 for i in r.indicators) == pytest.approx(truth["score"])
    assert sum(i.max_points or 0 for i in r.indicators) == pytest.approx(100)
    assert "score_total_mismatch" not in _codes(r)


@pytest.mark.parametrize("fmt", ["xlsx", "text"])
def test_wrong_execution_points_are_flagged(fmt, tmp_path):
    rows, merges, truth = _form(1, execution_points=5.0)  # the total still counts 9.21
    r = _parse(fmt, rows, merges, tmp_path)
    flags = [f for f in r.flags if f.code == "score_total_mismatch"]
    assert len(flags) == 1
    assert flags[0].reported == f"{truth['score']:g}"
    assert float(flags[0].expected) == pytest.approx(truth["score"] - 9.21 + 5)


def test_execution_points_over_their_maximum_are_flagged(tmp_path):
    rows, merges, _ = _form(2, execution_points=12.0)
    r = _parse("xlsx", rows, merges, tmp_path)
    assert "score_over_max" in _codes(r)


def test_indicator_table_scoring_execution_itself_is_not_counted_twice():
    # A local form that lists 预算执行率 among its indicators: the grid's points are not added.
    rows, _, truth = _form(3)
    rows.insert(-1, [None, "预算执行率", "预算执行率", "预算执行率", "100%", "92.10%", 10, 9.21, None])
    r = parse_text(_text(rows), "form.txt")
    assert sum(1 for i in r.indicators if "执行率" in (i.level1 or "")) == 1
