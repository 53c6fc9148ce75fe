"""The two budgets of a year: where a report states the budget approved at the year's start
(年初预算数) and the budget as adjusted (全年预算数, 调整后预算), ``budget_yuan`` is the
year-start one, as the hand-checked labels take it (real/001, 007, 014) and PEFA PI-1
measures outturn against it, and ``budget_adjusted_yuan`` the adjusted one, which the
自评表's 执行率 divides by (财预〔2020〕10号): the rates, the audit and the pages use it.

Short texts written in the style of the templates (no real report is copied here).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from fiscal_eval import parse_file
from fiscal_eval.api import parse_text
from fiscal_eval.metrics.execution import execution_metrics, pefa_pi1
from fiscal_eval.metrics.trends import ranks
from fiscal_eval.parse.funds import LOST_ADJUSTED

REAL = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real"
FORM = ("某县交通运输局2021年度项目支出绩效自评表\n项目名称 乡村道路养护项目\n项目资金(万元)\n"
        "年初预算数 全年预算数 全年执行数 分值 执行率 得分\n")


def test_a_form_stating_both_keeps_both_and_its_rate_is_checked_against_the_adjusted_one():
    r = parse_text(FORM + "年度资金总额: 120 150 138.5 10 92.33% 9.23\n", "t.txt")
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan) == (1_200_000, 1_500_000, 1_385_000)
    # 138.5 ÷ 150 = 92.33%: the stated rate agrees with the adjusted budget, no flag
    assert not [f for f in r.flags if f.code == "rate_mismatch"]
    lost = {c.value: c.lost for c in r.candidates["budget_yuan"]}
    assert lost == {1_200_000: "", 1_500_000: LOST_ADJUSTED}
    assert r.evidence["budget_adjusted_yuan"].label and r.to_dict()["budget_adjusted_yuan"] == 1_500_000


def test_prose_stating_both():
    r = parse_text("甲县乙项目2024年度绩效自评报告\n一、项目资金情况\n"
                   "项目年初预算500万元,根据实际执行情况调整后预算450万元,当年实际支出440万元。\n", "t.txt")
    assert (r.budget_yuan, r.budget_adjusted_yuan, r.spent_yuan) == (5_000_000, 4_500_000, 4_400_000)


@pytest.mark.parametrize("text, budget", [
    # only the adjusted budget: it is the budget, nothing beside it
    ("甲县乙项目2024年度绩效自评报告\n一、项目资金情况\n全年预算数450万元,全年执行数440万元。\n", 4_500_000),
    # only the year-start one
    ("甲县乙项目2024年度绩效自评报告\n一、项目资金情况\n年初预算500万元,实际支出440万元。\n", 5_000_000),
    # a year-start 0 beside the adjusted budget is a cell left unfilled: the adjusted one is the budget
    (FORM + "年度资金总额: 0 150 138.5 10 92.33% 9.23\n", 1_500_000),
    # two year-start figures that disagree, no total over them: they decide nothing
    ("甲县乙局2024年度部门整体支出绩效自评报告\n一、资金情况\n甲股室年初预算30万元,乙股室年初预算20万元,"
     "全年预算数60万元,全年执行数58万元。\n", 600_000),
])
def test_the_adjusted_budget_is_kept_apart_only_beside_a_year_start_one_that_decides(text, budget):
    r = parse_text(text, "t.txt")
    assert (r.budget_yuan, r.budget_adjusted_yuan) == (budget, None)


H = "某县农业农村局2023年度项目支出绩效自评报告\n一、项目资金情况\n"
RATE = "项目全年预算数120万元,全年执行数110万元,执行率91.67%。"


@pytest.mark.parametrize("text", [
    # (a review's texts) a year-start figure of another year, scope or line is no year-start budget
    H + "2022年年初预算80万元。2023年项目全年预算数120万元,全年执行数110万元,执行率91.67%。",
    H + "上年年初预算80万元。本年项目全年预算数120万元,全年执行数110万元。",
    H + RATE + "\n五、下一步工作计划\n2024年年初预算安排150万元。",
    H + "本局2023年年初预算收入1500万元。\n高标准农田建设项目全年预算数120万元,全年执行数110万元。",
    H + RATE + "另,农机购置补贴项目年初预算80万元,不在本次评价范围。",
    H + RATE + "设备购置费年初预算30万元,全年执行28万元。",
    H + "执行率91.67%;年初预算执行进度序时目标60万元," + RATE,
    # an item of a list
    H + RATE + "资金主要用于:一是设备购置,年初预算30万元;二是人员培训,预算资金20万元;三是宣传,预算资金10万元。",
    H + "本项目包含两个子项目,全年预算数120万元,全年执行数110万元。其中:(一)道路硬化子项目年初预算70万元;"
        "(二)桥梁维修子项目年初预算40万元。",
    # stated after the adjusted budget: a comparison
    H + "调整后预算120万元,较年初预算100万元增加20万元。",
    # (a second review's) a wider scope, another year or level in the same sentence
    H + "本局年初预算1500万元,高标准农田建设项目全年预算数120万元,全年执行数110万元。",
    H + "全县年初预算3000万元,高标准农田项目调整后预算120万元,全年执行数110万元。",
    H + "年初预算收入1500万元,本项目全年预算数120万元,全年执行数110万元。",
    H + "上年年初预算80万元,本年全年预算数120万元,全年执行数110万元。",
    H + "省级年初预算100万元,我县全年预算数120万元,全年执行数110万元。",
])
def test_a_year_start_figure_not_stated_with_the_adjusted_budget_leaves_it_the_budget(text):
    r = parse_text(text, "t.txt")
    assert (r.budget_yuan, r.budget_adjusted_yuan) == (1_200_000, None)


def test_a_stated_rate_is_checked_against_the_budget_it_divides_by_only():
    # 110 ÷ 120 = 91.67 %, not the 110 % stated (110 ÷ 100, the year-start budget): flagged
    r = parse_text(H + "项目年初预算数100万元,全年预算数120万元,全年执行数110万元,预算执行率110%。", "t.txt")
    assert (r.budget_yuan, r.budget_adjusted_yuan) == (1_000_000, 1_200_000)
    assert [f.code for f in r.flags if f.code == "rate_mismatch"] == ["rate_mismatch"]


def test_the_rates_divide_by_the_adjusted_budget_and_pefa_by_the_year_start_one():
    reports = pl.DataFrame({"report_id": ["a", "b"], "budget_yuan": [1_200_000.0, 1_000.0],
                            "budget_adjusted_yuan": [1_500_000.0, None], "available_yuan": [1_500_000.0, None],
                            "spent_yuan": [1_385_000.0, 1_000.0]})
    rows = execution_metrics(reports).rows_by_key("report_id", named=True)
    a, b = rows["a"][0], rows["b"][0]
    assert round(a["execution_rate_budget"], 4) == 0.9233 and a["arrival_rate"] == 1.0
    assert b["execution_rate_budget"] == 1.0 and b["mof_rate_basis"] == "budget"
    # ranks cap spent ÷ (adjusted) budget at 1: 92.33% ranks below 100% (÷ the year-start
    # budget it would be 115 %, capped, a tie)
    ranked = ranks(reports.with_columns(pl.lit(2021).alias("year"), pl.lit("甲县").alias("region"),
                                        pl.Series("score", [90.0, 90.0]), pl.lit(False).alias("synthetic")))
    assert ranked["execution_rate_rank"].to_list() == [2, 1]
    # PEFA PI-1: outturn against the originally approved budget (138.5 ÷ 120 = 115.4 %: D)
    years = pl.DataFrame({"agency": ["甲"] * 3, "year": [2019, 2020, 2021], "budget_yuan": [1_200_000.0] * 3,
                          "budget_adjusted_yuan": [1_500_000.0] * 3, "spent_yuan": [1_385_000.0] * 3})
    assert pefa_pi1(years).select("pefa_grade").item() == "D"


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real not present")
@pytest.mark.parametrize("name, budget, adjusted", [
    ("001.txt", 9_850_000, 8_614_600),   # 年初批复预算…985万元 / 调整预算后…861.46万元 (prose)
    ("014.txt", 2_389_300, 2_518_900),   # 年初预算 238.93 | 调整后预算数 251.89 (one cell a line)
])
def test_real_reports_stating_both(name, budget, adjusted):
    r = parse_file(REAL / name)
    assert (r.budget_yuan, r.budget_adjusted_yuan) == (budget, adjusted)
    if r.execution_rate_reported is not None:  # 014: 执行率 100.00% = 251.89 ÷ 251.89, not flagged
        assert not [f for f in r.flags if f.code == "rate_mismatch"]
