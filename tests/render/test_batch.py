"""The report batch (fiscal_eval.render.batch, fiscal_eval.render.kernels): runs, failures, re-runs,
hostile names, kernel-reuse isolation, offline HTML; the real notebooks end to end."""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from batch_support import (
    FIXTURES,
    HOSTILE_AGENCIES,
    make_store,
    real_batch,
    real_notebooks_missing,
    small_store,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.render import batch as batch_mod
from fiscal_eval.render.batch import BatchResult, load_config, report_name, run_batch, slug
from fiscal_eval.render.export import external_resources

# Every test here renders notebooks through the batch (or opens a browser): slow.
pytestmark = pytest.mark.slow

FIXTURE_CONFIG = FIXTURES / "batch_fixture.yml"


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.suffix == ".html")


def _probe(page: Path) -> dict:
    """The JSON the isolation probe printed, from its exported page."""
    text = html.unescape(page.read_text(encoding="utf-8"))
    return json.loads(re.search(r"PROBE (\{.*?\})\n", text).group(1))


# --------------------------------------------------------------------------- names


def test_slug_keeps_chinese_and_drops_path_characters() -> None:
    assert slug("云岭市交通运输局") == "云岭市交通运输局"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug('"<script>alert(1)</script>"') == "script-alert-1-script"
    assert slug("a\\b/c\0d\ne") == "a-b-c-d-e"
    assert slug("x" * 200) == "x" * 48


def test_report_names_differ_when_slugs_agree() -> None:
    a = report_name("agency_report", {"agency": "甲/乙", "year": 2020})
    b = report_name("agency_report", {"agency": "甲 乙", "year": 2020})
    assert a != b and a.rsplit("-", 1)[0] == b.rsplit("-", 1)[0]


@settings(max_examples=300, deadline=None)
@given(agency=st.text(min_size=0, max_size=300), year=st.integers(min_value=-10**6, max_value=10**6))
def test_report_name_is_one_safe_file_name(tmp_path_factory: pytest.TempPathFactory, agency: str, year: int) -> None:
    name = report_name("agency_report", {"agency": agency, "year": year}) + ".html"
    assert "/" not in name and "\\" not in name and "\0" not in name
    assert not name.startswith(".") and ".." not in name
    assert len(name.encode("utf-8")) <= 255
    out = Path("/srv/reports_out")
    assert (out / name).resolve().parent == out


def test_config_declares_the_three_reports() -> None:
    specs = load_config()
    assert {s.kind: (s.for_each, s.parameters) for s in specs.values() if s.group == "reports"} == {
        "agency_report": ("agency_year", ("store", "agency", "year")),
        "cross_year": ("agency", ("store", "agency")),
        "portfolio": ("year", ("store", "year")),
    }
    assert specs["portfolio"].fixed == {"region": ""}
    from fiscal_eval.present.labels import PAGE_TITLES

    assert {k: specs[k].title for k in PAGE_TITLES} == PAGE_TITLES  # titles defined once, in labels
    assert specs["cross_year"].min_years == 2 and specs["agency_report"].min_years == 1


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("reports:\n  x:\n    notebook: a.ipynb\n    for_each: province\n", encoding="utf-8")
    with pytest.raises(FiscalEvalError, match="for_each must be one of"):
        load_config(bad)
    bad.write_text("reports:\n  x:\n    notebook: a.ipynb\n    for_each: year\n    parameters: [agency]\n",
                   encoding="utf-8")
    with pytest.raises(FiscalEvalError, match="cannot fill parameter"):
        load_config(bad)
    bad.write_text("reports:\n  x:\n    notebook: a.ipynb\n    for_each: agency\n    min_years: 0\n", encoding="utf-8")
    with pytest.raises(FiscalEvalError, match="min_years must be"):
        load_config(bad)


# --------------------------------------------------------------------------- a batch with failures


@pytest.fixture(scope="module")
def fixture_batch(tmp_path_factory: pytest.TempPathFactory) -> BatchResult:
    """The fixture notebooks over the small store: echo for agencies, broken for years."""
    out = tmp_path_factory.mktemp("fixture-batch") / "out"
    return run_batch(small_store(), out, config=FIXTURE_CONFIG, jobs=2, progress=False)


def test_batch_goes_on_past_failing_notebooks(fixture_batch: BatchResult) -> None:
    kinds = {}
    for r in fixture_batch.reports:
        kinds.setdefault(r.kind, []).append(r.status)
    assert set(kinds["agency_report"]) == {"ok"} and len(kinds["agency_report"]) == 14
    assert set(kinds["cross_year"]) == {"ok"} and len(kinds["cross_year"]) == 11
    assert kinds["portfolio"] == ["failed"] * 3  # 2019, 2020, 2021
    assert not fixture_batch.ok and len(fixture_batch.failed) == 3
    failure = fixture_batch.failed[0]
    assert failure.error_name == "ValueError"
    assert failure.cell == 5  # the fifth cell of broken.ipynb, markdown counted
    assert failure.error_value == "deliberately broken for '全部'"
    assert failure.error == "ValueError at cell 5: deliberately broken for '全部'"


def test_index_lists_every_report_with_status_data_and_time(fixture_batch: BatchResult) -> None:
    index = fixture_batch.index.read_text(encoding="utf-8")
    for r in fixture_batch.reports:
        assert html.escape(r.title) in index
        assert f'href="{html.escape(quote(r.html))}"' in index
    assert index.count('<span class="failed">failed</span>') == 3
    assert "ValueError at cell 5: deliberately broken for &#x27;全部&#x27;" in index
    assert index.count('<span class="ok">ok</span>') == 25
    store_info = fixture_batch.store
    assert store_info["generation"] in index and store_info["fingerprint"][:16] in index
    assert "14 份写明单位和年度" in index
    # the operational detail is folded away, after what an analyst reads
    details = index.index("<details>")
    assert index.index(store_info["generation"]) > details and index.index('<span class="ok">ok</span>') > details
    assert str(small_store()) not in index  # no absolute paths of the machine
    assert "未能生成的页面" in index and index.index("未能生成的页面") < details
    assert "合成数据 SYNTHETIC" in index  # the synthetic agencies are marked
    assert fixture_batch.reports[0].made_at[:4] in index


def test_failed_report_has_a_page_with_the_error(fixture_batch: BatchResult) -> None:
    page = fixture_batch.out / fixture_batch.failed[0].html
    text = page.read_text(encoding="utf-8")
    assert "deliberately broken for" in text and "ValueError" in text
    assert "print(&quot;never runs&quot;)" not in text and "never runs" not in text  # code hidden


def test_parameters_arrive_as_typed_values(fixture_batch: BatchResult) -> None:
    run = next(r for r in fixture_batch.reports if r.kind == "agency_report" and r.parameters["year"] == 2019)
    text = html.unescape((fixture_batch.out / run.html).read_text(encoding="utf-8"))
    assert "year: 2019 int" in text  # the echo notebook asserts isinstance(year, int) too


def test_pages_and_index_load_nothing_from_the_network(fixture_batch: BatchResult) -> None:
    pages = _pages(fixture_batch.out)
    assert len(pages) == len(fixture_batch.reports) + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert external_resources(text) == [], page.name
        assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", text, re.I), page.name


def test_hostile_agency_names_stay_inside_out_and_render_as_text(fixture_batch: BatchResult) -> None:
    out = fixture_batch.out
    hostile = [r for r in fixture_batch.reports if r.parameters.get("agency") in HOSTILE_AGENCIES]
    assert len(hostile) == 6  # an agency report and a cross-year report each
    assert {p.parent for p in out.rglob("*")} == {out}  # nothing written below or beside out/
    index = fixture_batch.index.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in index
    assert "../和平县&lt;script&gt;alert(1)&lt;/script&gt;局" in index
    for r in hostile:
        assert (out / r.html).resolve().parent == out
        assert "/" not in r.html and not r.html.startswith(".")
        page = (out / r.html).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page
        # the parameter arrived exactly (the echo notebook prints it back)
        assert f"agency: {html.escape(r.parameters['agency'], quote=False)}" in page


def test_cli_batch_exits_1_when_a_report_failed(fixture_batch: BatchResult, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake(store, out, **kwargs):
        calls.append((store, out, kwargs))
        return fixture_batch

    monkeypatch.setattr(batch_mod, "run_batch", fake)
    result = CliRunner().invoke(cli.app, ["batch", "--store", "S", "--out", "O", "--jobs", "3", "--agency", "甲",
                                          "--force", "--timeout", "9"])
    assert result.exit_code == 1, result.output
    assert "failed: " in result.output and "ValueError at cell 5" in result.output
    assert calls == [("S", "O", {"jobs": 3, "agency": "甲", "force": True, "timeout": 9.0,
                                 "lessons": False, "notebooks": None, "limit": None, "pdf": False, "cluster": None})]
    ok = BatchResult(out=Path("O"), index=Path("O/index.html"), reports=(), ran=0, skipped=0, failed=(), seconds=0.1)
    monkeypatch.setattr(batch_mod, "run_batch", lambda store, out, **kwargs: ok)
    result = CliRunner().invoke(cli.app, ["batch"])
    assert result.exit_code == 0 and "index: O/index.html" in result.output


def test_cli_batch_without_a_store_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["batch", "--store", str(tmp_path / "none"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no store at" in result.output


def test_unknown_agency_is_an_error() -> None:
    with pytest.raises(FiscalEvalError, match="no reports of agency"):
        run_batch(small_store(), "unused", config=FIXTURE_CONFIG, agency="无此单位")


# --------------------------------------------------------------------------- re-runs


def test_rerun_skips_unchanged_reports_and_reruns_what_changed(tmp_path: Path) -> None:
    store = make_store(tmp_path / "corpus", agencies=2, years=2, hostile=False)
    config_dir = tmp_path / "config"
    shutil.copytree(FIXTURES, config_dir)
    config = config_dir / "batch_fixture.yml"
    out = tmp_path / "out"

    first = run_batch(store, out, config=config, jobs=2, progress=False)
    n = len(first.reports)
    assert first.ran == n and first.skipped == 0 and len(first.failed) == 3
    made = {r.name: r.made_at for r in first.reports}
    mtimes = {p.name: p.stat().st_mtime_ns for p in _pages(out)}

    again = run_batch(store, out, config=config, jobs=2, progress=False)
    assert again.skipped == n - 3 and again.ran == 3  # failed reports are always re-run
    assert {r.name for r in again.reports} == set(made)
    for r in again.reports:
        if r.status == "ok":
            assert r.skipped and r.made_at == made[r.name]
            assert (out / r.html).stat().st_mtime_ns == mtimes[r.html]
    assert "（未变，沿用）" in again.index.read_text(encoding="utf-8")

    # New data for one agency: with `data: agency`, only that agency's reports re-run
    # (and the store-wide portfolio, which failed anyway).
    agency = "云岭市交通运输局"
    extra = tmp_path / "corpus" / "more"
    extra.mkdir()
    text = (tmp_path / "corpus" / "synthetic" / "reports" / "云岭市交通运输局_2019.txt").read_text(encoding="utf-8")
    (extra / "new.txt").write_text(text.replace("2019", "2022"), encoding="utf-8")
    from fiscal_eval import store as store_mod

    store_mod.ingest([Path(__file__).resolve().parents[2] / "data" / "samples", tmp_path / "corpus" / "synthetic" / "reports",
                      extra], store, jobs=1)
    third = run_batch(store, out, config=config, jobs=2, progress=False)
    rerun = {r.name for r in third.reports if not r.skipped}
    expected = {r.name for r in third.reports if r.parameters.get("agency") == agency or r.kind == "portfolio"}
    assert rerun == expected
    assert any(r.parameters.get("year") == 2022 for r in third.reports if r.parameters.get("agency") == agency)

    # An edited notebook re-runs the reports made from it; --force re-runs everything.
    echo = config_dir / "echo.ipynb"
    echo.write_text(echo.read_text(encoding="utf-8").replace("测试报告 echo", "测试报告 echo v2"), encoding="utf-8")
    fourth = run_batch(store, out, config=config, jobs=2, progress=False)
    assert fourth.skipped == 0
    forced = run_batch(store, out, config=config, jobs=2, progress=False, force=True)
    assert forced.ran == len(forced.reports) and forced.skipped == 0


def test_reports_gone_from_the_store_leave_the_index(tmp_path: Path) -> None:
    store = make_store(tmp_path / "corpus", agencies=2, years=1, hostile=False)
    out = tmp_path / "out"
    first = run_batch(store, out, config=FIXTURE_CONFIG, jobs=2, progress=False)
    from fiscal_eval import store as store_mod

    store_mod.ingest([tmp_path / "corpus" / "synthetic" / "reports"], store, jobs=1)  # the samples removed
    second = run_batch(store, out, config=FIXTURE_CONFIG, jobs=2, progress=False)
    gone = {r.html for r in first.reports} - {r.html for r in second.reports}
    assert gone and all(not (out / name).exists() for name in gone)
    assert len(_pages(out)) == len(second.reports) + 1


def test_two_batches_cannot_write_one_folder_at_once(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".batch.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(FiscalEvalError, match="another batch is writing"):
            run_batch(small_store(), out, config=FIXTURE_CONFIG, jobs=1, progress=False)


def test_agency_option_runs_only_that_agency(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch(small_store(), out, config=FIXTURE_CONFIG, jobs=1, agency="云岭市教育局", progress=False)
    assert result.ran == 3 and {r.parameters["agency"] for r in result.reports} == {"云岭市教育局"}
    assert result.ok


# --------------------------------------------------------------------------- kernels


def test_a_report_sees_nothing_of_the_report_before_it_on_the_same_kernel(tmp_path: Path) -> None:
    """Report a leaves a global, a patched module attribute (ours and polars'), a newly
    imported module, an environment variable, a sys.path entry and a working directory
    behind; report b, forked from the same warm template right after, sees none."""
    result = run_batch(small_store(), tmp_path / "out", config=FIXTURES / "batch_isolation.yml", jobs=1,
                       progress=False)
    assert result.ok, [r.error for r in result.failed]
    runs = {r.parameters["role"]: r for r in result.reports}
    a = result.out / runs["a"].html
    b = result.out / runs["b"].html
    assert "TRACES LEFT" in a.read_text(encoding="utf-8")  # a did leave them, in its own process
    probe_a, probe_b = _probe(a), _probe(b)
    assert probe_a["template_pid"] == probe_b["template_pid"]  # the same warm kernel ...
    assert probe_a["pid"] != probe_b["pid"]  # ... a fresh copy of it per report
    for probe in (probe_a, probe_b):
        assert not any(probe[k] for k in ("global", "module_attr", "polars_attr", "new_module", "env", "sys_path"))
        assert probe["cwd"] == os.getcwd()
        assert probe["polars_works"] == [1, 2, 3]  # polars' thread pool works in a forked child
    assert probe_a["execution_count"] == probe_b["execution_count"]
    assert probe_a["user_ns_keys"] == probe_b["user_ns_keys"]
    assert "LEAKED_GLOBAL" not in probe_b["user_ns_keys"]


def test_a_report_past_its_timeout_is_stopped_and_the_rest_go_on(tmp_path: Path) -> None:
    result = run_batch(small_store(), tmp_path / "out", config=FIXTURES / "batch_timeout.yml", jobs=2,
                       timeout=4, progress=False)
    by_kind = {r.kind: r for r in result.reports}
    sleepy = by_kind["sleepy"]
    assert sleepy.status == "failed" and sleepy.error_name == "TimeoutError" and sleepy.cell == 2
    assert sleepy.seconds < 30
    assert all(r.status == "ok" for r in result.reports if r.kind == "echo")
    assert "TimeoutError" in (result.out / sleepy.html).read_text(encoding="utf-8")
    assert "TimeoutError at cell 2" in result.index.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the real notebooks


@pytest.fixture(scope="module")
def real() -> BatchResult:
    missing = real_notebooks_missing()
    if missing:
        pytest.skip(f"the report notebooks are not written yet: {', '.join(missing)} missing from notebooks/")
    return real_batch()


def test_real_notebooks_render_every_report(real: BatchResult) -> None:
    assert real.ok, "\n".join(f"{r.name}: {r.error}" for r in real.failed)
    kinds = [r.kind for r in real.reports]
    # a cross-year page only where an agency has at least two years: the three synthetic ones
    assert kinds.count("agency_report") == 14 and kinds.count("cross_year") == 3 and kinds.count("portfolio") == 3
    for r in real.reports:
        if r.kind == "cross_year":
            years = {x.parameters["year"] for x in real.reports
                     if x.kind == "agency_report" and x.parameters["agency"] == r.parameters["agency"]}
            assert len(years) >= 2


def test_real_reports_are_offline_with_charts_inline_and_code_hidden(real: BatchResult) -> None:
    for r in real.reports:
        text = (real.out / r.html).read_text(encoding="utf-8")
        assert external_resources(text) == [], r.name
        assert "vegaEmbed" in text, r.name  # charts embedded with their JavaScript inline
        assert re.search(r"[\u4e00-\u9fff]", text), r.name
        assert "views.open_corpus" not in text and "charts.show(" not in text, r.name  # code hidden


def test_the_index_is_the_front_door(real: BatchResult) -> None:
    """Portfolio pages first; then region → agency → year, each row with its key figures
    and findings by severity; a filter box; the operational columns folded away."""
    index = real.index.read_text(encoding="utf-8")
    assert '<html lang="zh">' in index and "<title>绩效自评报告复核 · 目录</title>" in index
    assert index.index("年度总览") < index.index("单位年度报告") < index.index("<details>")
    assert index.index("<h3>保山市</h3>") < index.index("<h3>保靖县</h3>")  # grouped by region
    row = re.search(r'<tr data-filter="保山市 中共保山市委网信办 2019[^"]*">(.*?)</tr>', index).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == "中共保山市委网信办" and ">2019 年</a>" in cells[1] and cells[2] == "项目"
    assert cells[3:9] == ["97.46", "优", "84.60%", "0", "1", "1"]  # score, grade, execution, 严重/一般/提示
    assert cells[9] == ""  # one year only: no cross-year page
    syn = next(r for r in real.reports if r.kind == "cross_year")
    assert f'href="{html.escape(quote(syn.html))}">历年报告</a>' in index
    assert '<input id="fe-filter"' in index and 'addEventListener("input"' in index
    assert "https://" not in index and external_resources(index) == []


def test_every_page_links_back_and_to_the_agencys_other_pages(real: BatchResult) -> None:
    by_name = {r.name: r for r in real.reports}
    for r in real.reports:
        page = (real.out / r.html).read_text(encoding="utf-8")
        nav = re.search(r'<nav class="fe-nav">(.*?)</nav>', page).group(1)
        assert '<a href="index.html">← 返回目录</a>' in nav, r.name
        targets = re.findall(r'href="([^"]+)\.html"', nav)
        assert all(unquote(t) in by_name or t == "index" for t in targets), r.name
        if r.kind == "cross_year":  # its agency's every year
            years = sorted(x.parameters["year"] for x in real.reports
                           if x.kind == "agency_report" and x.parameters["agency"] == r.parameters["agency"])
            assert [f"{y} 年度报告" for y in years] == re.findall(r">(\d{4} 年度报告)</a>", nav)
        if r.kind == "agency_report" and r.synthetic:  # ↔ its cross-year page and the year's overview
            assert ">历年报告</a>" in nav and f'>{r.parameters["year"]} 年度总览</a>' in nav
        assert "@page{size:A4" in page and "@media print" in page  # prints on A4


def test_lesson_handouts_are_named_for_people() -> None:
    from fiscal_eval.render.batch import plan

    lessons = [p for p in plan(small_store(), lessons=True) if p.spec.group == "lessons"]
    assert lessons and len(lessons) % 2 == 0
    for item in lessons:
        handout = "教师版" if item.parameters["show_solutions"] else "学生版"
        assert item.title.endswith(f"（{handout}）") and item.title.startswith("第 ")
        assert f"-{handout}-" in item.name and "-true-" not in item.name and "-false-" not in item.name
        assert isinstance(item.parameters["show_solutions"], bool)  # the notebook still gets a bool


def test_real_reports_mark_synthetic_data(real: BatchResult) -> None:
    synthetic = [r for r in real.reports if r.synthetic and r.kind == "agency_report"]
    assert synthetic
    for r in synthetic:
        page = (real.out / r.html).read_text(encoding="utf-8")
        assert "SYNTHETIC" in page or "合成" in page, r.name


def test_real_reports_show_hostile_agency_names_as_text(real: BatchResult) -> None:
    for r in real.reports:
        if r.parameters.get("agency") in HOSTILE_AGENCIES:
            page = (real.out / r.html).read_text(encoding="utf-8")
            assert "<script>alert(1)" not in page, r.name


def test_the_store_is_read_from_one_generation_while_an_ingest_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polars as pl

    from fiscal_eval import store as store_mod

    samples = sorted((Path(__file__).resolve().parents[2] / "data" / "samples").iterdir())[:3]
    corpus, db = tmp_path / "in", tmp_path / "store"
    corpus.mkdir()
    for sample in samples:
        shutil.copyfile(sample, corpus / sample.name)
    store_mod.ingest(corpus, db, jobs=1)
    (corpus / samples[0].name).unlink()
    committed: list[str] = []

    def then_ingest(read):  # the first table read of the batch lets an ingest commit after it
        def wrapped(*args, **kwargs):
            out = read(*args, **kwargs)
            if not committed:
                committed.append("gen-000002")
                store_mod.ingest(corpus, db, jobs=1)
            return out
        return wrapped

    monkeypatch.setattr(pl, "read_parquet", then_ingest(pl.read_parquet))
    monkeypatch.setattr(pl, "scan_parquet", then_ingest(pl.scan_parquet))
    info = batch_mod._read_store(db)
    monkeypatch.undo()

    assert committed == ["gen-000002"]
    assert (info.generation, info.counts["inputs"], info.counts["reports"]) == ("gen-000002", 2, 2)
    assert info.fingerprint == batch_mod._read_store(db).fingerprint


def _lines_run(work) -> int:
    """How many lines of fiscal_eval.render.batch ``work()`` executes: a count of the work
    done that the machine's load does not change (a timing does, on a shared machine)."""
    count = 0
    here = batch_mod.__file__

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == here else None

    sys.settrace(calls)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def test_planning_each_agency_is_linear_in_the_store() -> None:
    # years_of for every agency: one pass over the agency-years, not one a agency (at
    # 100,000 reports the quadratic version did not plan in 14 minutes). Measured in lines
    # executed, not seconds: ten times the agencies runs about ten times the lines when
    # linear, a hundred times when quadratic, whatever else the machine is doing.
    def store(n: int) -> batch_mod._Store:
        pairs = [(f"单位{i}", y) for i in range(n) for y in (2019, 2020, 2021)]
        return batch_mod._Store(path=Path("."), generation=None, fingerprint="", counts={}, agency_years=pairs,
                                agencies=[f"单位{i}" for i in range(n)], years=[2019, 2020, 2021], scope_hash={},
                                synthetic={})

    small, large = store(2_000), store(20_000)
    assert small.years_of("单位7") == [2019, 2020, 2021] and small.years_of("无此单位") == []

    def years_of_all(s: batch_mod._Store) -> None:
        assert all(len(s.years_of(a)) == 3 for a in s.agencies)

    ratio = _lines_run(lambda: years_of_all(store(20_000))) / _lines_run(lambda: years_of_all(store(2_000)))
    assert ratio < 15, ratio
    assert large.years_of("单位19999") == [2019, 2020, 2021]

    # Planning every page and its navigation bar: linear too (the bar's year overviews were
    # found by scanning the whole plan for each page).
    specs = load_config(None)

    def plan(s: batch_mod._Store) -> None:
        navs = batch_mod._navigation(batch_mod._plan(specs, s))
        assert len(navs) > 4 * len(s.agencies)

    ratio = _lines_run(lambda: plan(store(2_000))) / _lines_run(lambda: plan(store(200)))
    assert ratio < 15, ratio


def _fake_store(n: int) -> batch_mod._Store:
    pairs = [(f"单位{i}", y) for i in range(n) for y in (2019, 2020, 2021)]
    return batch_mod._Store(path=Path("."), generation=None, fingerprint="", counts={}, agency_years=pairs,
                            agencies=[f"单位{i}" for i in range(n)], years=[2019, 2020, 2021], scope_hash={},
                            synthetic={})


def _made(item: batch_mod.Planned) -> batch_mod.ReportRun:
    """The state entry a run of ``item`` leaves."""
    return batch_mod.ReportRun(name=item.name, kind=item.spec.kind, title=item.title,
                               parameters={k: v for k, v in item.parameters.items() if k != "store"},
                               notebook=Path(item.notebook).name, html=f"{item.name}.html", status="ok")


def test_one_agencys_batch_plans_what_it_needs_whatever_the_store_size() -> None:
    # A batch of one agency's pages plans that agency's pages, the year overviews and the
    # pages earlier runs made, not every page of the store; what it plans is what a full
    # plan holds of those units, in the same order, with the same navigation.
    specs = load_config(None)
    planned = {}
    for n in (300, 3_000):
        info = _fake_store(n)
        full = batch_mod._plan(specs, info)
        earlier = {item.name: _made(item) for item in full if item.values.get("agency") == "单位17"}
        part = batch_mod._plan(specs, info, batch_mod._one_agency("单位5", specs, earlier))
        wanted = {"单位5", "单位17"}
        assert [i.name for i in part] == [i.name for i in full
                                          if i.values.get("agency") in wanted or "agency" not in i.values]
        mine = [i.name for i in part if i.values.get("agency") == "单位5"]
        assert len(mine) == 4  # three years and the cross-year page
        full_navs, part_navs = batch_mod._navigation(full), batch_mod._navigation(part)
        assert all(part_navs[name] == full_navs[name] for name in mine)
        planned[n] = len(part)
    assert planned[3_000] == planned[300]  # counted, not timed: ten times the agencies, the same plan

    # An earlier page that does not name its unit: every unit is planned (nothing wrongly dropped).
    odd = _made(batch_mod._plan(specs, _fake_store(3))[0])
    odd = dataclasses.replace(odd, parameters={"year": 2019})
    assert batch_mod._one_agency("单位1", specs, {odd.name: odd}) is None


def test_scope_digests_are_made_when_asked_and_equal_the_full_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    info = batch_mod._read_store(small_store())
    assert len(info.agencies) > 1
    made: list[int] = []
    digest = batch_mod._digest
    monkeypatch.setattr(batch_mod, "_digest", lambda r: made.append(len(r)) or digest(r))
    agency = info.agencies[0]
    first = info.scope_hash[("agency", agency)]
    assert len(made) == 1 and info.scope_hash[("agency", agency)] == first and len(made) == 1
    assert info.scope_hash.get(("agency", "无此单位"), "none") == "none"
    # The digest of a scope: its reports' manifest rows, as when every scope was digested
    # at once (a page made before keeps its key).
    from fiscal_eval import store as store_mod

    snap = store_mod.snapshot(small_store(), {"reports": ["report_id", "agency", "year"]})
    joined = snap.manifest.join(snap.tables["reports"], on="report_id", how="left")
    for scope in ("agency", "year"):
        for (value,), group in joined.filter(pl.col(scope).is_not_null()).group_by([scope]):
            assert info.scope_hash[(scope, value)] == digest(group.select(batch_mod._KEY_COLUMNS).rows())
    assert info.scope_hash[("store", None)] == info.fingerprint == digest(joined.select(batch_mod._KEY_COLUMNS).rows())
    assert len(dict(info.scope_hash)) == 1 + len(info.agencies) + len(info.years)


def test_the_store_digest_is_taken_from_the_last_run_while_the_manifest_is_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    first = run_batch(small_store(), out, config=FIXTURE_CONFIG, jobs=1, agency="云岭市教育局", progress=False)
    digested: list[int] = []
    digest = batch_mod._digest
    monkeypatch.setattr(batch_mod, "_digest", lambda rows: digested.append(len(rows)) or digest(rows))
    known = batch_mod._known_store(out)
    assert known is not None and known["fingerprint"] == first.store["fingerprint"]
    info = batch_mod._read_store(small_store().resolve(), known)
    assert info.fingerprint == first.store["fingerprint"] and digested == []  # not digested again
    fresh = batch_mod._read_store(small_store().resolve())
    assert fresh.fingerprint == info.fingerprint and digested == [first.store["inputs"]]
    # Another manifest (an earlier run's record of another store): digested afresh.
    other = batch_mod._read_store(small_store().resolve(), {**known, "manifest_sha256": "0" * 64,
                                                            "fingerprint": "wrong"})
    assert other.fingerprint == fresh.fingerprint


def test_the_state_is_written_at_most_every_few_seconds_and_at_the_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Written after every report, a national batch's state (133,000 entries) made the batch
    # quadratic: now the first report's, then at most every _SAVE_SECONDS, then the last.
    saves: list[int] = []
    save = batch_mod._save_state
    monkeypatch.setattr(batch_mod, "_SAVE_SECONDS", 3600.0)
    monkeypatch.setattr(batch_mod, "_save_state", lambda out, state, info=None: saves.append(len(state))
                        or save(out, state, info))
    out = tmp_path / "out"
    result = run_batch(small_store(), out, config=FIXTURE_CONFIG, jobs=1, agency="云岭市教育局", progress=False)
    assert result.ran == 3 and saves == [1, 3]
    assert set(batch_mod._load_state(out)) == {r.name for r in result.reports}


def test_a_missing_notebook_is_named_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(FiscalEvalError, match=r"notebook for 'agency_report' not found: .*agency_report\.ipynb"):
        run_batch(small_store(), tmp_path / "out", notebooks=tmp_path, progress=False)
    assert not (tmp_path / "out" / "index.html").exists()
