"""views: what each notebook section shows, on the samples and a small synthetic corpus."""

from __future__ import annotations

import doctest

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.model import FLAG_COLUMNS, INDICATOR_COLUMNS, REPORT_COLUMNS
from fiscal_eval.present import views
from fiscal_eval.synth import generate

SAMPLE_000 = ("中共保山市委网信办", 2019)
SAMPLE_003 = ("和平县政务服务数据管理局", 2020)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=8, years=3, seed=4, out=syn)
    return views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples", syn / "reports"])))


@pytest.fixture(scope="module")
def samples():
    return views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))


@pytest.fixture(scope="module")
def synthetic(corpus):
    """A synthetic agency with three years."""
    return corpus.tables.reports.filter(pl.col("synthetic"))["agency"].sort()[0]


def test_docstring_examples_run(samples):
    result = doctest.testmod(views, extraglobs={"c": samples}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 20 and result.failed == 0


def test_defaults_prefer_real_reports(corpus):
    assert views.default_agency_year(corpus) == SAMPLE_000
    assert views.resolve_agency_year(corpus) == SAMPLE_000
    assert views.resolve_agency_year(corpus, "", 2019) == SAMPLE_000
    assert views.resolve_agency_year(corpus, SAMPLE_003[0]) == SAMPLE_003
    assert views.resolve_year(corpus) == 2021 and views.resolve_year(corpus, 2020) == 2020
    with pytest.raises(FiscalEvalError, match="no report of 'nobody'"):
        views.resolve_agency_year(corpus, "nobody")
    with pytest.raises(FiscalEvalError, match="for 2018"):
        views.agency_facts(corpus, SAMPLE_000[0], 2018)


def test_amounts_are_written_one_way_everywhere(corpus):
    """The facts table and the charts' tables write an amount as fiscal_eval.present.display does."""
    from dataclasses import replace

    from fiscal_eval.present import charts, display

    f = replace(views.facts(corpus, *SAMPLE_000), budget_yuan=12_345_678.9, spent_yuan=710_000.0)
    table = dict(f.table().iter_rows())
    assert table["预算（万元）"] == display.wan(12_345_678.9) == "1,234.57"
    assert table["支出（万元）"] == display.wan(710_000.0) == "71.00"
    html = charts.table_html(pl.DataFrame({"budget_yuan": [12_345_678.9], "spent_yuan": [710_000.0]}))
    assert ">1,234.57<" in html and ">71.00<" in html
    assert table["报告所写执行率"] == display.percent(f.execution_rate_reported) == "84.61%"


def test_facts_show_the_adjusted_budget_only_where_the_report_states_it(corpus):
    from dataclasses import replace

    f = views.facts(corpus, *SAMPLE_000)
    assert f.budget_adjusted_yuan is None and "调整后预算（万元）" not in dict(f.table().iter_rows())
    table = dict(replace(f, budget_adjusted_yuan=800_000.0).table().iter_rows())
    assert table["调整后预算（万元）"] == "80.00" and table["预算（万元）"] == "71.00"


def test_facts_of_000(corpus):
    f = views.facts(corpus, *SAMPLE_000)
    assert (f.budget_yuan, f.available_yuan, f.spent_yuan) == (710000.0, 710000.0, 600651.81)
    assert f.execution_rate_reported == 0.8461 and round(f.execution_rate_available, 4) == 0.846
    assert round(f.mof_execution_points, 2) == 8.46 and f.mof_rate_basis == "available"
    assert (f.score, f.grade, f.grade_ok, f.flag_count) == (97.46, "优秀", True, 2)
    assert f.project_name == "电子政务业务经费" and not f.synthetic
    assert f.pefa_pi1 is None
    assert f.pefa_pi1_reason == "需要 2017–2019 三个年度的预算与实际支出，只有 1 个年度（缺 2017、2018 年）"
    table = dict(views.agency_facts(corpus, *SAMPLE_000).iter_rows())
    assert table["预算（万元）"] == "71.00" and table["支出（万元）"] == "60.07"
    assert table["预算执行率（支出÷到位）"] == "84.60%"
    assert table["报告所写执行率"] == "84.61%"
    assert table["执行率得分（满分 10 分）"] == "8.46"
    assert table["审核发现"] == "2"
    assert table["报告类型"] == "项目"  # not "project"
    assert table["自评等级"] == "优秀（优档）"  # the report's word, and its class
    assert table["PEFA PI-1 总支出偏离"].startswith("无（需要 2017–2019 三个年度")


def test_facts_of_a_synthetic_agency_have_pefa(corpus, synthetic):
    f = views.facts(corpus, synthetic, 2021)
    assert f.synthetic and f.pefa_pi1 is not None
    assert f.pefa_pi1[0] in "ABCD" and f.pefa_pi1.endswith("（2019–2021）") and f.pefa_pi1_reason is None


def test_funds_rates_and_flags(corpus):
    flow = views.funds_flow(corpus, "保靖县电子政务办公室", 2019)
    assert flow["role"].to_list() == ["budget", "available", "spent"]
    assert flow["amount_yuan"].round(2).to_list() == [3354600.0, 2633800.0, 2771400.0]
    rates = dict(views.execution_rates(corpus, *SAMPLE_000).iter_rows())
    assert rates["execution_rate_reported"] == 0.8461
    assert set(rates) == {"execution_rate_budget", "execution_rate_available", "execution_rate_reported"}
    flags = views.flags_with_sentences(corpus, *SAMPLE_003)
    assert set(flags.columns) <= set(FLAG_COLUMNS)
    assert flags.select("code", "field", "reported", "expected").row(0) == (
        "formula_error", "rate:实际到位率", "(3)÷(2)", "(3)÷(1)")
    assert "(6)=(3) ÷ (2)" in flags["sentence"][0] and flags["figure"][0] in flags["sentence"][0]


def test_indicators_and_statements(corpus):
    ind = views.indicator_points(corpus, *SAMPLE_003)
    assert ind.height == 21 and ind["points"].sum() == 88 and ind["max_points"].sum() == 100
    assert {"level1", "max_points", "points"} <= set(INDICATOR_COLUMNS)
    assert views.indicator_points(corpus, *SAMPLE_000).height == 0  # 000 has no scored table
    st = views.problems_and_measures(corpus, "开远市人民政府大数据研究中心", 2020)
    assert st["section"].to_list() == sorted(st["section"].to_list(), key=lambda s: s != "problems")
    assert st["section"][0] == "problems" and st["text"][0].startswith("专业人才匮乏")
    q = views.text_quality(corpus, *SAMPLE_000)
    assert q.height == 1 and 0 <= q["template_share"][0] <= 1 and q["no_problems"][0] is False


def test_reports_of_picks_the_department_report(corpus):
    """Two reports of one agency-year: the department-wide one is analysed, both listed."""
    project = fiscal_eval.parse_text(
        "中共保山市委网信办2019年度网络安全项目支出绩效自评报告\n预算安排50万元，实际支出45万元，自评得分90分。",
        source="extra_project.txt")
    reports = fiscal_eval.parse_paths(["data/samples"]) + [project]
    c = views.corpus_of(fiscal_eval.tables(reports))
    rows = views.reports_of(c, *SAMPLE_000)
    if rows.height == 1:
        pytest.skip("the parser did not read the extra report as 000's agency and year")
    assert rows["analysed"].to_list() == [True, False]
    assert views.facts(c, *SAMPLE_000).report_id == rows["report_id"][0]
    assert views.series(c, SAMPLE_000[0]).height == 1  # one row a year


def test_peers_keep_synthetic_apart(corpus, synthetic):
    p = views.peers(corpus, "保山市政务服务管理局", 2021)
    assert p["agency"].to_list() == ["保山市政务服务管理局"]  # no real peer that year and region
    mine = views.peers(corpus, synthetic, 2021)
    assert mine["is_self"].sum() == 1 and mine.height > 1
    synthetic_names = set(corpus.tables.reports.filter(pl.col("synthetic"))["agency"])
    assert set(mine["agency"]) <= synthetic_names
    scores = mine["score"].drop_nulls().to_list()
    assert scores == sorted(scores, reverse=True)
    assert {"execution_rate_budget", "execution_rate_available"} <= set(mine.columns)


def test_synthetic_note(corpus, synthetic):
    assert views.synthetic_note(corpus, *SAMPLE_000) is None
    assert views.synthetic_note(corpus, synthetic) == views.SYNTHETIC_NOTE
    mixed = views.synthetic_note(corpus, year=2019)
    assert mixed.startswith("合成数据 SYNTHETIC") and "份是程序合成的演示数据" in mixed
    assert views.synthetic_note(corpus, year=2019, region="保山市") is None  # only 000 there


def test_series_pefa_and_flags_over_time(corpus, synthetic):
    s = views.series(corpus, synthetic)
    assert s["year"].to_list() == [2019, 2020, 2021]
    assert {"budget_yuan", "spent_yuan", "execution_rate_budget", "score"} <= set(s.columns)
    assert set(s.columns) & set(REPORT_COLUMNS) >= {"budget_yuan", "spent_yuan", "score"}
    assert s["grade_class"].to_list() == [views.with_grade_class(r)["grade_class"][0] for r in (
        corpus.metrics.per_report.filter(pl.col("agency") == synthetic, pl.col("year") == y) for y in (2019, 2020, 2021))]
    pefa = views.pefa(corpus, synthetic)
    pi1 = pefa.filter(pl.col("pefa_indicator") == "PI-1").row(0, named=True)
    assert pi1["pefa_status"] == "ok" and pi1["pefa_years"] == [2019, 2020, 2021]
    real = views.pefa(corpus, SAMPLE_000[0])
    assert real["pefa_status"].to_list() == ["insufficient_data", "insufficient_data"]
    assert real["pefa_reason"][1] == "报告没有写出各预算线（经济分类）的预算与实际支出"
    fot = views.flags_over_time(corpus, SAMPLE_000[0])
    assert sorted(fot["code"].to_list()) == ["conflicting_values", "rate_mismatch"] and fot["flags"].sum() == 2
    # severity by materiality: the 0.01-point rate difference is 提示, the 733/707 count 一般
    assert dict(fot.select("code", "severity").rows()) == {"rate_mismatch": "info", "conflicting_values": "warning"}
    assert views.recurring(corpus, SAMPLE_000[0]).height == 0


def test_portfolio(corpus):
    grades = views.grade_distribution(corpus, 2019)
    scored = views.portfolio_reports(corpus, 2019).filter(pl.col("grade").is_not_null())
    assert grades["reports"].sum() == scored.height
    order = [views.GRADE_ORDER.index(g) for g in grades["grade_class"].unique(maintain_order=True)]
    assert order == sorted(order)  # best grade first
    real = grades.filter(~pl.col("synthetic"))
    assert real.select("grade_class", "reports").rows() == [("优", 2)]  # 000's 优秀 and 004's 优: one grade
    dist = views.score_distribution(corpus, 2019)
    assert dist.height == views.portfolio_reports(corpus, 2019)["score"].drop_nulls().len()
    evs = views.execution_vs_score(corpus, 2019)
    assert evs["score"].null_count() == 0 and evs["execution_rate_budget"].null_count() == 0


def test_rankings_rank_real_and_synthetic_apart(corpus):
    ranks = views.rankings(corpus, 2019)
    real = ranks.filter(~pl.col("synthetic"))
    assert real["agency"].to_list() == ["保靖县电子政务办公室", "中共保山市委网信办"]  # 98 > 97.46
    assert real["score_rank"].to_list() == [1, 2]
    syn = ranks.filter(pl.col("synthetic"))
    assert syn["score_rank"].min() == 1
    assert ranks["synthetic"].to_list() == sorted(ranks["synthetic"].to_list())  # real first
    in_region = views.rankings(corpus, 2019, region="保山市")
    assert in_region["agency"].to_list() == ["中共保山市委网信办"] and in_region["score_rank"][0] == 1


def test_flags_and_template_share(corpus):
    fl = views.flags_by_type(corpus, 2019)
    assert fl["flags"].sum() >= 4  # 000's two and 004's at least
    assert fl.filter(pl.col("code") == "rate_mismatch")["reports"][0] >= 1
    counts = fl["flags"].to_list()
    assert counts == sorted(counts, reverse=True)
    ts = views.template_share_table(corpus, 2019)
    assert ts["template_share"].max() <= 1 and ts["template_share"].min() >= 0
    assert views.template_share_table(corpus, 2019, region="保山市")["agency"].to_list() == ["中共保山市委网信办"]


def test_views_do_not_mutate_their_input(corpus, synthetic):
    before = corpus.tables.reports.clone(), corpus.metrics.per_report.clone()
    views.rankings(corpus, 2019)
    views.peers(corpus, synthetic, 2021)
    views.series(corpus, synthetic)
    assert corpus.tables.reports.equals(before[0]) and corpus.metrics.per_report.equals(before[1])


# ----------------------------------------------------------------------------- open_corpus cache


@pytest.fixture()
def counted(monkeypatch):
    """views.compute wrapped to count its calls; the corpus cache empty before and after."""
    calls = []
    real = views.compute

    def compute(tables):
        calls.append(tables)
        return real(tables)

    monkeypatch.setattr(views, "compute", compute)
    clear = getattr(views, "clear_corpus_cache", lambda: None)
    clear()
    yield calls
    clear()


def _two_samples(folder):
    import shutil
    from pathlib import Path

    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(Path("data/samples").glob("*.txt"))
    for f in files[:2]:
        shutil.copy(f, folder / f.name)
    return files


def _as_old_store(store):
    """The store as a version that kept no metric tables wrote it."""
    from fiscal_eval.metrics.stored import STORED_FILES
    from fiscal_eval.store import live_generation

    for name in STORED_FILES:
        (live_generation(store) / name).unlink()


def _ingest_old(inputs, store):
    from fiscal_eval.store import ingest

    ingest(inputs, store=store, jobs=1, progress=False)
    _as_old_store(store)


def test_open_corpus_of_a_store_computes_nothing(tmp_path, counted):
    """The ingest stored the metrics: opening reads them (equal to a recompute)."""
    from polars.testing import assert_frame_equal

    from fiscal_eval.store import ingest, load

    _two_samples(tmp_path / "in")
    ingest([tmp_path / "in"], store=tmp_path / "store", jobs=1, progress=False)
    c = views.open_corpus(tmp_path / "store")
    assert counted == []
    from fiscal_eval.metrics import compute

    fresh = compute(load(tmp_path / "store"))
    assert_frame_equal(c.metrics.per_report, fresh.per_report)
    assert counted == [] and c.tables.reports.height == 2


def test_open_corpus_computes_once_per_store_generation(tmp_path, counted):
    """A store written before metrics were stored: computed at the first open, once."""
    import shutil

    files = _two_samples(tmp_path / "in")
    _ingest_old([tmp_path / "in"], tmp_path / "store")
    first = views.open_corpus(tmp_path / "store")
    again = views.open_corpus(str(tmp_path / "in" / ".." / "store"))  # the same store, however named
    assert again is first and len(counted) == 1
    assert first.tables.reports.height == 2

    shutil.copy(files[2], tmp_path / "in" / files[2].name)
    _ingest_old([tmp_path / "in"], tmp_path / "store")  # a new generation
    after = views.open_corpus(tmp_path / "store")
    assert len(counted) == 2 and after is not first and after.tables.reports.height == 3
    assert views.open_corpus(tmp_path / "store") is after and len(counted) == 2
    assert len(views._corpora) == 1  # the old generation is not kept


def test_open_corpus_of_a_store_made_again_at_the_same_path(tmp_path, counted):
    """Deleted and ingested again, a store starts over at the same generation name: the
    cache must still see a different store."""
    import shutil


    files = _two_samples(tmp_path / "in")
    _ingest_old([tmp_path / "in"], tmp_path / "store")
    first = views.open_corpus(tmp_path / "store")
    shutil.rmtree(tmp_path / "store")
    (tmp_path / "in" / files[0].name).unlink()
    _ingest_old([tmp_path / "in"], tmp_path / "store")
    second = views.open_corpus(tmp_path / "store")
    assert len(counted) == 2 and second.tables.reports.height == 1 and first.tables.reports.height == 2


def test_open_corpus_cache_is_bounded(tmp_path, counted):

    _two_samples(tmp_path / "in")
    stores = [tmp_path / f"store{i}" for i in range(4)]
    for s in stores:
        _ingest_old([tmp_path / "in"], s)
        views.open_corpus(s)
    assert len(counted) == 4 and len(views._corpora) == views._CACHE_STORES
    views.open_corpus(stores[-1])  # still cached: the most recent
    assert len(counted) == 4
    views.open_corpus(stores[0])  # dropped: computed again
    assert len(counted) == 5


def test_open_corpus_without_a_store_says_so(tmp_path, counted):
    with pytest.raises(FiscalEvalError, match="no store at"):
        views.open_corpus(tmp_path / "nowhere")
    assert counted == []


def test_an_agency_page_reads_only_its_rows_of_a_store(tmp_path, counted):
    """Opened from a store, the agency and cross-year views push their filters into the
    Parquet scans and never read a whole table; their figures are those of the corpus
    held in memory."""
    import fiscal_eval
    from fiscal_eval.present import verdict
    from fiscal_eval.store import ingest

    ingest(["data/samples"], store=tmp_path / "store", jobs=1, progress=False)
    c = views.open_corpus(tmp_path / "store")
    mem = views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
    agency, year = "和平县政务服务数据管理局", 2020
    for view in (views.agency_facts, views.funds_flow, views.execution_rates, views.indicator_points,
                 views.findings, views.text_quality, views.problems_and_measures, views.peers,
                 views.report_list):
        assert view(c, agency, year).equals(view(mem, agency, year)), view.__name__
    for view in (views.series, views.pefa, views.flags_over_time, views.recurring):
        assert view(c, agency).equals(view(mem, agency)), view.__name__
    assert verdict.agency_verdict(c, agency, year) == verdict.agency_verdict(mem, agency, year)
    assert c.tables._read == {} and c.metrics._read == {}  # no table was read whole
    assert len(counted) == 1  # the in-memory corpus only
    plan = views._scan(c, "flags").filter(pl.col("report_id") == "x").explain()
    assert "Parquet SCAN" in plan and "SELECTION" in plan and "report_id" in plan.split("SELECTION")[1]
