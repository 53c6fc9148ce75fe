"""Portfolio pages summarise above views.SUMMARISE_ABOVE reports: binned counts, the top
of a ranking with the rest in one row, and a note saying so (issue 13)."""

from __future__ import annotations

import json
import random

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval.present import charts, labels, views
from fiscal_eval.synth import generate

ROWS = 3 * views.SUMMARISE_ABOVE  # above the threshold


@pytest.fixture(scope="module")
def reports() -> pl.DataFrame:
    """A year's per-report rows, made up here: scores 0–100 (some missing, some exactly
    100), rates 0–4 (some far above RATE_CAP), template shares 0–1, a fifth synthetic."""
    rng = random.Random(13)
    n = ROWS
    score = [None if i % 11 == 0 else (100.0 if i % 97 == 0 else round(rng.uniform(30, 100), 2)) for i in range(n)]
    rate = [None if i % 13 == 0 else round(rng.choice([rng.uniform(0.3, 1.2), rng.uniform(1.5, 4.0)]), 4)
            for i in range(n)]
    share = [None if i % 7 == 0 else (1.0 if i % 89 == 0 else rng.random()) for i in range(n)]
    return pl.DataFrame({
        "agency": [f"单位{i:05d}" for i in range(n)], "score": score, "execution_rate_budget": rate,
        "template_share": share, "synthetic": [i % 5 == 0 for i in range(n)],
        "flag_count": [i % 4 for i in range(n)],
    })


def test_score_bins_count_every_scored_report_once(reports):
    bins = views.score_bins(reports)
    scored = reports.drop_nulls("score")
    assert bins["reports"].sum() == scored.height
    for synthetic in (False, True):
        assert bins.filter(pl.col("synthetic") == synthetic)["reports"].sum() == \
            scored.filter(pl.col("synthetic") == synthetic).height
    assert set(zip(bins["score_lo"], bins["score_hi"])) <= {(float(lo), float(lo + 5)) for lo in range(0, 100, 5)}
    # the 95–100 bin holds exactly the scores from 95 up (100 included, as Vega bins it)
    top = scored.filter(pl.col("score") >= 95).height
    assert bins.filter(pl.col("score_lo") == 95)["reports"].sum() == top
    between = scored.filter((pl.col("score") >= 60) & (pl.col("score") < 65)).height
    assert bins.filter(pl.col("score_lo") == 60)["reports"].sum() == between


def test_execution_grid_counts_and_caps_the_rate(reports):
    grid = views.execution_score_bins(reports)
    both = reports.drop_nulls(["execution_rate_budget", "score"])
    assert grid["reports"].sum() == both.height
    assert grid["synthetic_reports"].sum() == both["synthetic"].sum()
    high = both.filter(pl.col("execution_rate_budget") >= views.RATE_CAP).height
    assert high > 0 and grid.filter(pl.col("rate_lo") == views.RATE_CAP)["reports"].sum() == high
    assert grid["rate_hi"].max() == pytest.approx(views.RATE_CAP + views.RATE_STEP)
    assert grid.select("rate_lo", "score_lo").is_duplicated().sum() == 0  # one row a cell
    cell = both.filter((pl.col("execution_rate_budget") >= 0.5) & (pl.col("execution_rate_budget") < 0.55)
                       & (pl.col("score") >= 90) & (pl.col("score") < 92)).height
    assert grid.filter((pl.col("rate_lo") == 0.5) & (pl.col("score_lo") == 90))["reports"].sum() == cell


def test_template_share_bins(reports):
    bins = views.template_share_bins(reports)
    shares = reports.drop_nulls("template_share")
    assert bins["reports"].sum() == shares.height
    assert bins["template_share_hi"].max() == 1.0  # a share of 1.0 is in 95–100 %, not a bin of its own
    assert bins.filter(pl.col("template_share_lo") == 0.95)["reports"].sum() == \
        shares.filter(pl.col("template_share") >= 0.95).height


def test_top_with_rest_keeps_the_total(reports):
    ranked = reports.sort("synthetic", "score", descending=[False, True], nulls_last=True)
    top = views.top_with_rest(ranked, 40)
    assert top.height == 2 * 41  # each group: its first 40, then its rest row
    rest = top.filter(pl.col("agency").str.starts_with("其余"))
    real, synthetic = ranked.filter(~pl.col("synthetic")), ranked.filter(pl.col("synthetic"))
    assert rest["agency"].to_list() == [labels.REST_ROW.format(n=f"{real.height - 40:,}"),
                                        labels.REST_ROW.format(n=f"{synthetic.height - 40:,}")]
    assert rest["synthetic"].to_list() == [False, True]
    listed = top.filter(~pl.col("agency").str.starts_with("其余"))
    assert listed["agency"].to_list() == real["agency"].head(40).to_list() + synthetic["agency"].head(40).to_list()
    # the listed rows and the rest rows account for every report and every flag
    counts = [int(s.split(" ")[1].replace(",", "")) for s in rest["agency"]]
    assert listed.height + sum(counts) == ranked.height
    assert top["flag_count"].sum() == ranked["flag_count"].sum()
    assert rest["score"].null_count() == 2  # a rest row has no score of its own
    assert views.top_with_rest(ranked.head(30), 40).equals(ranked.head(30))  # small: unchanged


def _spec_values(spec: dict) -> list[dict]:
    return [v for layer in spec.get("layer", [spec]) for v in layer.get("data", {}).get("values", [])]


def _summarised(frame: pl.DataFrame) -> dict[str, dict]:
    return {
        "score_distribution": charts.score_distribution(views.score_bins(frame)).to_dict(),
        "execution_vs_score": charts.execution_vs_score(views.execution_score_bins(frame)).to_dict(),
        "template_share": charts.template_share(views.template_share_bins(frame)).to_dict(),
    }


def test_summarised_charts_stay_small_at_any_size(reports):
    """The charts of binned frames carry counts, no report: 100 times the rows, the same
    size (bounded by the bins: the whole execution grid, 31 × 50 cells, is under 200 KB)."""
    big = pl.concat([reports] * 100)
    small_specs, big_specs = _summarised(reports), _summarised(big)
    for name, spec in big_specs.items():
        text = json.dumps(spec, ensure_ascii=False)
        size, small = len(text.encode()), len(json.dumps(small_specs[name], ensure_ascii=False).encode())
        assert size < 200_000 and size < 1.1 * small, name
        assert "单位0" not in text  # no agency inlined
        assert sum(v.get("reports", 0) for v in _spec_values(spec)) == {
            "score_distribution": big["score"].drop_nulls().len(),
            "execution_vs_score": big.drop_nulls(["execution_rate_budget", "score"]).height,
            "template_share": big["template_share"].drop_nulls().len()}[name]
        assert spec["usermeta"]["fiscal_eval"]["rows"] > 0


def test_summarised_charts_draw_bins():
    scores = charts.score_distribution(views.score_bins(pl.DataFrame(
        {"score": [88.0, 91.0, 92.0], "synthetic": [False, False, True]}))).to_dict()
    bars = scores["layer"][0]
    assert bars["encoding"]["x"]["field"] == "score_lo" and bars["encoding"]["x"]["bin"] == "binned"
    assert bars["encoding"]["x2"]["field"] == "score_hi" and bars["encoding"]["y"]["field"] == "reports"
    assert [r["x"] for r in scores["layer"][1]["data"]["values"]] == [60, 80, 90]  # the MoF lines stay
    grid = charts.execution_vs_score(views.execution_score_bins(pl.DataFrame(
        {"execution_rate_budget": [0.7, 2.0], "score": [95.0, 60.0], "synthetic": [False, True]}))).to_dict()
    cells = grid["layer"][0]
    assert cells["mark"]["type"] == "rect" and cells["encoding"]["color"]["field"] == "reports"
    assert {t["title"] for t in cells["encoding"]["tooltip"]} == {"执行率", "自评得分", "报告数", "其中合成数据"}
    assert "'≥' + format(1.5, '.0%')" in json.dumps(cells["transform"], ensure_ascii=False)  # the capped column says so


def test_summary_text_says_how_many_and_how():
    text = views.summary_text("execution_vs_score", 100_002, 95_010)
    assert text.startswith("本页共 100,002 份报告（超过 2,000 份时汇总显示）：图中 95,010 份")
    assert "执行率每 5 个百分点、得分每 2 分分组计数" in text and "150% 及以上" in text
    assert "每 5 个百分点" in views.summary_text("template_share", 3_000, 2_900)
    assert labels.SUMMARY_MARK in views.summary_text("score_distribution", 3_000, 2_900)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=30, years=1, seed=5, first_year=2019, out=syn)
    return views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples", syn / "reports"])))


def test_views_summarise_the_page_above_the_limit(corpus):
    """The same corpus with a limit below its size: every view of the page summarises,
    and the counts are the per-report rows counted."""
    year, limit = 2019, 10
    rows = views.portfolio_reports(corpus, year)
    assert rows.height > limit and views.summarises(corpus, year, limit=limit)
    assert not views.summarises(corpus, year)  # under the real threshold: every point
    dist = views.score_distribution(corpus, year, limit=limit)
    assert dist.columns == ["score_lo", "score_hi", "synthetic", "reports"]
    assert dist["reports"].sum() == views.score_distribution(corpus, year)["score"].len()
    grid = views.execution_vs_score(corpus, year, limit=limit)
    assert grid["reports"].sum() == views.execution_vs_score(corpus, year).height
    share = views.template_share_table(corpus, year, limit=limit)
    assert share["reports"].sum() == views.template_share_table(corpus, year).height
    ranked = views.rankings(corpus, year, limit=limit)
    assert ranked.equals(views.rankings(corpus, year))  # fewer than TOP_N a group: nothing to sum
    note = views.summary_note(corpus, year, "", "rankings", limit=limit)
    assert note == (f"本页共 {rows.height} 份报告（超过 {limit} 份时汇总显示）：表中真实报告与合成报告各列出排名前 "
                    f"{views.TOP_N} 的报告，其余的合为一行（只合计审核发现）。")
    scored = rows["score"].drop_nulls().len()
    assert f"图中 {scored} 份写了自评得分的报告" in views.summary_note(corpus, year, "", "score_distribution",
                                                                 limit=limit)
    assert views.summary_note(corpus, year, "", "score_distribution") is None  # not summarised: no note
