"""views: what each notebook section shows, on the samples and a small synthetic corpus."""

from __future__ import annotations

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval import views
from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.synth import generate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=8, years=3, seed=4, out=syn)
    return views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples", syn / "reports"])))


def test_defaults_prefer_real_reports(corpus):
    assert views.default_agency_year(corpus) == ("中共保山市委网信办", 2019)
    assert views.resolve_agency_year(corpus, "和平县政务服务数据管理局") == ("和平县政务服务数据管理局", 2020)
    assert views.resolve_year(corpus) == 2021
    with pytest.raises(FiscalEvalError, match="no report of 'nobody'"):
        views.resolve_agency_year(corpus, "nobody")


def test_agency_facts_000(corpus):
    facts = dict(views.agency_facts(corpus, "中共保山市委网信办", 2019).iter_rows())
    assert facts["预算 budget（万元）"] == "71.0" and facts["支出 spent（万元）"] == "60.07"
    assert facts["预算执行率（支出÷到位）spent/available"] == "84.60%"
    assert facts["报告所述执行率 stated rate"] == "84.61%"
    assert facts["财政部执行率得分 MoF points (of 10)"] == "8.46"
    assert facts["审核发现 flags"] == "2"


def test_funds_rates_and_flags(corpus):
    flow = views.funds_flow(corpus, "保靖县电子政务办公室", 2019)
    assert flow["amount_wan"].to_list() == [335.46, 263.38, 277.14]
    rates = dict(views.execution_rates(corpus, "中共保山市委网信办", 2019).iter_rows())
    assert rates["报告所述 stated"] == 0.8461
    flags = views.flags_with_sentences(corpus, "和平县政务服务数据管理局", 2020)
    assert flags["code"].to_list() == ["formula_error"]
    assert "(6)=(3) ÷ (2)" in flags["sentence"][0]


def test_indicators_and_statements(corpus):
    ind = views.indicator_points(corpus, "和平县政务服务数据管理局", 2020)
    assert ind.height == 21 and ind["points"].sum() == 88
    st = views.problems_and_measures(corpus, "开远市人民政府大数据研究中心", 2020)
    assert st["section"][0] == "问题 problem" and st["text"][0].startswith("专业人才匮乏")


def test_peers_keep_synthetic_apart(corpus):
    p = views.peers(corpus, "保山市政务服务管理局", 2021)
    assert p["agency"].to_list() == ["保山市政务服务管理局"]  # no real peer that year and region
    syn_agency = corpus.tables.reports.filter(pl.col("synthetic"))["agency"][0]
    year = views.resolve_agency_year(corpus, syn_agency)[1]
    assert views.synthetic_note(corpus, syn_agency, year) is not None
    assert views.synthetic_note(corpus, "中共保山市委网信办", 2019) is None
    assert views.peers(corpus, syn_agency, year)["is_self"].sum() == 1


def test_series_and_pefa(corpus):
    agency = corpus.tables.reports.filter(pl.col("synthetic"))["agency"][0]
    s = views.series(corpus, agency)
    assert s["year"].to_list() == [2019, 2020, 2021]
    pefa = views.pefa(corpus, agency)
    assert pefa.filter(pl.col("pefa_indicator") == "PI-1")["pefa_status"].to_list() == ["ok"]


def test_portfolio(corpus):
    grades = views.grade_distribution(corpus, 2019)
    assert grades["reports"].sum() == views.portfolio_reports(corpus, 2019).filter(
        pl.col("grade").is_not_null()).height
    ranks = views.rankings(corpus, 2020)
    scores = [s for s in ranks["score"].to_list() if s is not None]
    assert scores == sorted(scores, reverse=True)
    assert views.flags_by_type(corpus, 2019)["flags"].sum() >= 5  # 000 and 004 at least
    ts = views.template_share_table(corpus, 2019)
    assert ts["template_share"].max() <= 1
