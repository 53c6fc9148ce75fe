"""verdict: what a page says first is computed from the data — change the data and the
sentence changes."""

from __future__ import annotations

import doctest
from dataclasses import replace

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval.present import verdict, views
from fiscal_eval.synth import generate

BAOSHAN = ("中共保山市委网信办", 2019)
BAOJING = ("保靖县电子政务办公室", 2019)


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=6, years=3, seed=4, out=syn)
    return fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples", syn / "reports"]))


@pytest.fixture(scope="module")
def corpus(tables):
    return views.corpus_of(tables)


def _with(tables, **frames):
    """A corpus of ``tables`` with some tables replaced (metrics computed again)."""
    return views.corpus_of(replace(tables, **frames))


def _set(frame: pl.DataFrame, agency_year: tuple[str, int], **values) -> pl.DataFrame:
    """``frame`` (the reports table) with one agency-year's columns set."""
    agency, year = agency_year
    hit = (pl.col("agency") == agency) & (pl.col("year") == year)
    return frame.with_columns(*(pl.when(hit).then(pl.lit(v, dtype=frame.schema[k])).otherwise(pl.col(k)).alias(k)
                                for k, v in values.items()))


def test_docstring_examples_run():
    result = doctest.testmod(verdict)
    assert result.attempted >= 5 and result.failed == 0


def test_agency_verdict_of_000(corpus):
    v = verdict.agency_verdict(corpus, *BAOSHAN)
    assert v.sentences == (
        "重新计算了报告中的 2 个数字（执行率、到位率），1 个与报告不符；另有 1 处数值前后矛盾。",
        "审核共发现 2 处问题：一般 1 处、提示 1 处（严重程度按差额大小判定，规则见“审核发现”一节）。",
        "自评 97.46 分，等级“优秀”（优档），与得分相符。",
        "预算 71.00 万元，到位 71.00 万元，支出 60.07 万元。",
        "执行率（支出÷预算）84.60%，落在 PEFA PI-1 的 D 档（85%–115% 之外）；"
        "按财政部口径（支出÷到位）为 84.60%，执行率一项得 8.46 分（满分 10 分）。",
        "到位资金中有 10.93 万元没有支出。",
    )
    assert [s for s, _ in v.points] == ["warning", "info"]  # most severe first


def test_agency_verdict_follows_the_flags(tables, corpus):
    """No flags: the verdict says all agree; the sentence is not written in advance."""
    before = verdict.agency_verdict(corpus, *BAOSHAN)
    rid = views.reports_of(corpus, *BAOSHAN)["report_id"][0]
    clean = _with(tables, flags=tables.flags.filter(pl.col("report_id") != rid))
    after = verdict.agency_verdict(clean, *BAOSHAN)
    assert after.sentences[0] == "重新计算了报告中的 2 个数字（执行率、到位率），全部与报告相符。"
    assert after.sentences[1] == "审核没有发现问题。" and after.points == ()
    assert before.sentences[:2] != after.sentences[:2]


def test_agency_verdict_follows_amounts_and_grade(tables):
    changed = _with(tables, reports=_set(tables.reports, BAOSHAN, spent_yuan=750000.0, grade="良好"))
    v = verdict.agency_verdict(changed, *BAOSHAN)
    assert "支出 75.00 万元" in v.sentences[3]
    assert "执行率（支出÷预算）105.63%，落在 PEFA PI-1 的 B 档（90%–110%）" in v.sentences[4]
    assert "执行率一项得 10.00 分" in v.sentences[4]
    assert v.sentences[5] == "支出超过到位资金 4.00 万元。"
    assert v.sentences[2] == "自评 97.46 分，等级写作“良好”（良档）；按适用的等级表，这个得分应为“优秀”。"
    none = _with(tables, reports=_set(tables.reports, BAOSHAN, score=None, grade=None, spent_yuan=None))
    v = verdict.agency_verdict(none, *BAOSHAN)
    assert v.sentences[2] == "报告没有写自评得分和等级，无法核对等级。"
    assert "报告没有写支出金额，无法计算执行率。" in v.sentences


def test_agency_verdict_of_004_names_the_subtotals(corpus):
    v = verdict.agency_verdict(corpus, *BAOJING)
    assert v.sentences[0] == "重新计算了报告中的 3 个数字（执行率、小计 2 个），2 个与报告不符。"
    assert v.points == (("error", "投入小计报告为 13 分，其下各项得分 6 + 4 + 3 + 4 = 17 分（相差 4 分）"),
                        ("error", "产出及效率小计报告为 26 分，其下各项得分 8 + 6 + 6 = 20 分（相差 6 分）"))


def test_portfolio_sentence_follows_the_scores(tables, corpus):
    real = ~pl.col("synthetic")
    before = verdict.scores_sentence(corpus, 2019)
    assert "真实报告 2 份，2 份写了自评得分：最低 97.46 分、最高 98 分" in before
    assert "90 分及以上 2 份（占 100%）" in before
    # one real report of 2019 scored 35: the sentence says so, no canned "all above 90"
    low = tables.reports.with_columns(
        pl.when(real & (pl.col("agency") == BAOSHAN[0])).then(35.0).otherwise(pl.col("score")).alias("score"))
    after = verdict.scores_sentence(_with(tables, reports=low), 2019)
    assert "最低 35 分、最高 98 分" in after and "90 分及以上 1 份（占 50%）" in after
    assert before != after


def test_portfolio_names_low_execution_with_top_grades(tables, corpus):
    text = verdict.execution_score_sentence(corpus, 2019)
    assert "其中自评为优档的：中共保山市委网信办、保靖县电子政务办公室" in text
    spent = _set(tables.reports, BAOSHAN, spent_yuan=700000.0)
    text = verdict.execution_score_sentence(_with(tables, reports=spent), 2019)
    assert "其中自评为优档的：保靖县电子政务办公室" in text and "中共保山市委网信办" not in text


def test_portfolio_verdict_counts_findings(corpus):
    v = verdict.portfolio_verdict(corpus, 2019)
    assert v.sentences[0].startswith("2019 年：")
    counts = views.flags_by_type(corpus, 2019)
    assert f"审核共发现 {int(counts['flags'].sum())} 处问题" in v.sentences[2]
    one = verdict.portfolio_verdict(corpus, 2019, region="保山市")
    assert one.sentences[0].startswith("2019 年（保山市）：共 1 份报告")


def test_cross_year_verdict(tables, corpus):
    agency = corpus.tables.reports.filter(pl.col("synthetic"))["agency"].sort()[0]
    v = verdict.cross_year_verdict(corpus, agency)
    assert v.sentences[0] == "2019–2021 年共 3 个年度的报告。"
    s = views.series(corpus, agency)
    assert f"预算从 {s['budget_yuan'][0] / 1e4:,.2f} 万元变为 {s['budget_yuan'][2] / 1e4:,.2f} 万元" in v.sentences[1]
    gap = _with(tables, reports=tables.reports.filter(~((pl.col("agency") == agency) & (pl.col("year") == 2020))))
    assert verdict.cross_year_verdict(gap, agency).sentences[0] == "2019–2021 年共 2 个年度的报告（缺 2020 年）。"
    single = verdict.cross_year_verdict(corpus, BAOSHAN[0])
    assert single.sentences == ("中共保山市委网信办只有 2019 年一个年度的报告，无法作跨年度比较。",)


def test_execution_band():
    assert verdict.execution_band(1.0) == "A 档（95%–105%）"
    assert verdict.execution_band(0.88) == "C 档（85%–115%）"
    assert verdict.execution_band(None) is None



def test_portfolio_names_at_most_a_few_low_executors(corpus, monkeypatch):
    # Two reports of 2019 are graded 优 with a low execution rate; with room to name one,
    # the sentence names the lower and counts both (a national page: 20 of thousands).
    monkeypatch.setattr(verdict, "NAMED_AT_MOST", 1)
    text = verdict.execution_score_sentence(corpus, 2019)
    named = text.split("其中自评为优档的：", 1)[1]
    assert named.startswith("保靖县电子政务办公室等 2 份")  # 82.6 % against 84.6 %
    assert "（列出执行率最低的 1 份）" in named and "、" not in named.split("等 ", 1)[0]


def test_a_report_with_both_budgets_is_read_against_each_as_its_rule_says(corpus):
    """The 自评表's rate divides by the adjusted budget, PEFA PI-1's outturn by the year-start one."""
    f = views.facts(corpus, *BAOSHAN)
    assert "调整后预算" not in "".join(verdict._execution_sentences(f))
    both = replace(f, budget_yuan=600_000.0, budget_adjusted_yuan=710_000.0, spent_yuan=600_651.81,
                   execution_rate_budget=600_651.81 / 710_000.0)
    text = "".join(verdict._execution_sentences(both))
    assert "年初预算 60.00 万元，调整后预算 71.00 万元" in text
    assert "执行率（支出÷调整后预算）84.60%" in text
    assert "支出÷年初预算 100.11%，落在 PEFA PI-1 的 A 档" in text
