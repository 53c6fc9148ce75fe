"""The explorer driven as an analyst would: set widget values, read what it shows."""

from __future__ import annotations

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval import views
from fiscal_eval.explore import ALL, Explorer, highlight, safe_stem
from fiscal_eval.synth import generate

HOSTILE = ("<script>alert(1)</script>县财政局2021年度项目绩效自评报告\n"
           "预算安排100万元，实际支出90万元，预算执行率为95.00%。自评得分92分，自评结果：优秀。")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=8, years=2, seed=3, out=syn)
    reports = fiscal_eval.parse_paths(["data/samples", syn / "reports"])
    reports.append(fiscal_eval.parse_text(HOSTILE, source="hostile.txt"))
    return Explorer(views.corpus_of(fiscal_eval.tables(reports)))


def test_default_selection_is_a_real_report(app):
    assert not app._reports.filter(pl.col("agency") == app.selection[0])["synthetic"].any()
    app.agency.value = "中共保山市委网信办"
    assert app.selection == ("中共保山市委网信办", 2019)
    assert "84.61%" in app.facts_html and "84.60%" in app.facts_html
    assert app.chart_spec["encoding"]["y"]["field"] == "amount_wan"


def test_region_filters_agencies(app):
    app.region.value = "和平县"
    assert list(app.agency.options) == ["和平县政务服务数据管理局"]
    assert app.selection == ("和平县政务服务数据管理局", 2020)
    assert "88" in app.facts_html
    app.region.value = ALL
    assert len(app.agency.options) > 10


def test_choosing_a_flag_highlights_its_figure(app):
    app.agency.value = "中共保山市委网信办"
    codes = [label.split(" · ")[1] for label, _ in app.flag.options]
    assert set(codes) == {"rate_mismatch", "conflicting_values"}
    app.flag.value = codes.index("rate_mismatch")
    assert "预算执行率为<mark>84.61%</mark>。" in app.highlight_html
    app.flag.value = codes.index("conflicting_values")
    assert "<mark>733</mark>" in app.highlight_html


def test_hostile_text_is_escaped_everywhere(app):
    hostile = next(a for a in app.agency.options if "script" in a)
    app.agency.value = hostile
    assert "<script>" not in app.facts_html and "&lt;script&gt;" in app.facts_html
    app.compare_agency.value = "中共保山市委网信办"
    assert "<script>" not in app.comparison.value
    app.compare_agency.value = ""


def test_side_by_side(app):
    app.agency.value = "中共保山市委网信办"
    app.compare_agency.value = "和平县政务服务数据管理局"
    frame = app.comparison_frame()
    assert frame.columns == ["项目", "中共保山市委网信办 2019", "和平县政务服务数据管理局 2020"]
    assert "和平县政务服务数据管理局 2020" in app.comparison.value
    app.compare_agency.value = ""
    assert app.comparison.value == ""


def test_synthetic_selection_shows_the_banner(app):
    syn = next(a for a in app.agency.options if app._reports.filter(
        (pl.col("agency") == a) & pl.col("synthetic")).height)
    app.agency.value = syn
    assert "合成数据 SYNTHETIC" in app.banner.value
    app.agency.value = "中共保山市委网信办"
    assert app.banner.value == ""


def test_export_csv_and_excel(app, tmp_path):
    import openpyxl

    app.agency.value = "中共保山市委网信办"
    app.compare_agency.value = "保靖县电子政务办公室"
    files = app.export(tmp_path)
    names = sorted(p.suffix for p in files)
    assert names == [".csv", ".csv", ".csv", ".csv", ".xlsx"]
    flags = pl.read_csv(next(p for p in files if p.name.endswith("_flags.csv")))
    assert set(flags["code"]) == {"rate_mismatch", "conflicting_values"}
    book = openpyxl.load_workbook(next(p for p in files if p.suffix == ".xlsx"))
    assert book.sheetnames == ["facts", "flags", "indicators", "comparison"]
    app.export_dir.value = str(tmp_path / "via_button")
    app.export_button.click()
    assert "已导出" in app.export_status.value
    app.compare_agency.value = ""


def test_helpers():
    assert highlight("<i>执行率</i>为84.61%", "84.61%") == "&lt;i&gt;执行率&lt;/i&gt;为<mark>84.61%</mark>"
    stem = safe_stem('../../etc/"x"<script>', 2020)
    assert "/" not in stem and "<" not in stem and '"' not in stem and ".." not in stem


def test_explore_notebook_runs(tmp_path, notebook_kernel):
    import papermill

    from fiscal_eval.store import ingest

    ingest(["data/samples"], store=tmp_path / "store", jobs=1, progress=False)
    nb = papermill.execute_notebook("notebooks/explore.ipynb", str(tmp_path / "out.ipynb"),
                                    parameters={"store": str(tmp_path / "store")},
                                    kernel_name=notebook_kernel, progress_bar=False, execution_timeout=300)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
