"""The explorer driven as an analyst drives it: set widget values, read what it shows
(no browser: every output is a widget value or an attribute)."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import fiscal_eval
from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.present import explore, views
from fiscal_eval.present.explore import ALL, NONE, Explorer, marked_sentence
from fiscal_eval.present.labels import CHART_TITLES, NO_DATA, label
from fiscal_eval.synth import generate

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
BAOSHAN = "中共保山市委网信办"
HEPING = "和平县政务服务数据管理局"
SCRIPT = "<script>alert(1)</script>"
# The unit's form field carries the markup (a title opening with markup names no unit).
HOSTILE = (f"单位名称：{SCRIPT}县财政局\n2021年度项目绩效自评报告\n"
           f"预算安排100万元，实际到位100万元，实际支出90万元，{SCRIPT}预算执行率为95.00%。"
           "自评得分92分，自评结果：优秀。")
# The flagged figure (the stated execution rate) is the second "100.00%" of its sentence.
TWICE = ("示范县农业农村局2020年度项目绩效自评报告\n"
         "预算安排100万元，实际到位100万元，实际支出90万元，资金到位率为100.00%，预算执行率为100.00%。"
         "自评得分90分，自评结果：优秀。")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    syn = tmp_path_factory.mktemp("syn")
    generate(agencies=6, years=2, seed=3, out=syn)
    return views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths([SAMPLES, syn / "reports"])))


@pytest.fixture()
def app(corpus, tmp_path):
    return Explorer(corpus, export_dir=tmp_path / "exports")


@pytest.fixture(scope="module")
def hostile_corpus():
    reports = fiscal_eval.parse_paths([SAMPLES])
    reports += [fiscal_eval.parse_text(HOSTILE, source="hostile.txt"), fiscal_eval.parse_text(TWICE, source="twice.txt")]
    return views.corpus_of(fiscal_eval.tables(reports))


def _synthetic(corpus) -> list[str]:
    r = corpus.tables.reports
    return sorted(set(r.filter(r["synthetic"])["agency"]))


def _outputs(app: Explorer) -> list[str]:
    """Every piece of HTML the app shows."""
    return [app.banner.value, app.facts.value, app.source.value, app.comparison.value,
            app.export_status.value, app.chart_html, app.highlight_html]


def _codes(app: Explorer) -> list[str]:
    """The flag codes of the options, read back from their Chinese names."""
    names = {label(code): code for code in ("rate_mismatch", "conflicting_values", "missing_field",
                                             "formula_error", "score_subtotal_mismatch", "grade_band_mismatch")}
    return [names[text.split(" · ")[1]] for text, _ in app.flag.options]


def test_doctests():
    result = doctest.testmod(explore, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 10


def test_default_selection(app, corpus):
    assert app.region.value == ALL
    assert app.selection == views.default_agency_year(corpus) == (BAOSHAN, 2019)
    agencies = list(app.agency.options)
    syn = _synthetic(corpus)
    assert agencies[:5] == sorted(agencies[:5]) and set(agencies[5:]) == set(syn)  # real first
    assert app.year.options == (2019,)
    rid = corpus.tables.reports.filter(pl.col("agency") == BAOSHAN)["report_id"][0]
    assert app.current_report_id == rid
    assert "84.61%" in app.facts.value and "84.60%" in app.facts.value
    assert app.banner.value == ""
    assert set(app.chart_specs) == {"funds_flow", "execution_bands"}  # a department report: no indicators
    assert f"{CHART_TITLES['indicator_points']}：{NO_DATA}" in app.chart_html
    assert app.chart_html.count('vegaEmbed("#fe-chart-') == 2
    assert len(app.chart_html) < 100_000  # the Vega JavaScript is in app.vega
    app.agency.value = HEPING
    assert set(app.chart_specs) == {"funds_flow", "execution_bands", "indicator_points"}
    assert app.chart_html.count('vegaEmbed("#fe-chart-') == 3 and len(app.chart_html) < 100_000
    assert len(app.chart_specs["indicator_points"]["data"]["values"]) == 21


def _vega_html(app: Explorer) -> str:
    return "".join(o["data"]["text/html"] for o in app.vega.outputs)


def test_every_view_of_the_app_has_the_javascript(app):
    """The Vega JavaScript is in an output of its own, before the charts, never replaced:
    a redraw (which replaces the chart output) cannot take it away from a page reloaded
    or from the app displayed a second time."""
    children = app.widget.children
    assert children.index(app.vega) == children.index(app.chart) - 1
    assert _vega_html(app).count("window.vegaEmbed=") == 1 and len(_vega_html(app)) > 500_000
    first = _vega_html(app)
    for agency in (HEPING, BAOSHAN, HEPING):
        app.agency.value = agency
        assert "window.vegaEmbed=" not in app.chart_html and 'vegaEmbed("#fe-chart-' in app.chart_html
    assert _vega_html(app) == first


def test_region_then_agency_then_year_follow(app, corpus):
    app.region.value = "和平县"
    assert app.agency.options == (HEPING,) and app.selection == (HEPING, 2020)
    assert HEPING in app.facts.value and BAOSHAN not in app.facts.value
    app.region.value = "云岭市"  # the synthetic corpus's region
    assert set(app.agency.options) == set(_synthetic(corpus))
    assert app.year.options == (2020, 2019) and app.selection[1] == 2020
    assert "合成数据 SYNTHETIC" in app.banner.value
    app.agency.value = app.agency.options[1]
    app.year.value = 2019
    assert app.selection == (app.agency.options[1], 2019)
    assert f"{app.agency.options[1]} 2019" in app.facts.value
    assert "vegaEmbed(" in app.chart_html and len(app.chart_html) < 100_000  # no second bundle
    app.region.value = ALL
    assert app.selection == (app.agency.options[app.agency.index], 2019)  # the selection is kept
    app.agency.value = BAOSHAN
    assert app.year.options == (2019,) and app.banner.value == ""


def test_flags_and_highlight(app):
    app.agency.value = BAOSHAN
    codes = _codes(app)
    assert set(codes) == {"rate_mismatch", "conflicting_values"}
    app.flag.value = codes.index("rate_mismatch")
    assert app.highlight_html.endswith("预算执行率为<mark>84.61%</mark>。")
    assert app.highlight_html.count("<mark>") == 1
    assert "预算执行率为<mark>84.61%</mark>。" in app.source.value and "比率不符" in app.source.value
    assert "rate_mismatch" not in app.source.value and "（提示）" in app.source.value  # by materiality
    assert "相差 0.01 个百分点" in app.source.value
    app.flag.value = codes.index("conflicting_values")
    assert "覆盖<mark>733</mark>个单位。" in app.highlight_html


def test_flag_without_a_sentence_and_report_without_flags(app):
    app.agency.value = "开远市人民政府大数据研究中心"  # two missing_field flags, no span
    assert set(_codes(app)) == {"missing_field"}
    assert app.highlight_html == "" and "没有原文出处" in app.source.value
    app.agency.value = "保山市政务服务管理局"  # no flags
    assert app.flag.options == () and app.flag.value is None
    assert app.highlight_html == "" and "没有审核发现" in app.source.value


def test_highlight_marks_the_flagged_occurrence(hostile_corpus):
    app = Explorer(hostile_corpus)
    app.agency.value = "示范县农业农村局"
    app.flag.value = _codes(app).index("rate_mismatch")
    assert app.highlight_html == ("预算安排100万元，实际到位100万元，实际支出90万元，"
                                  "资金到位率为100.00%，预算执行率为<mark>100.00%</mark>。")


def test_marked_sentence_escapes_before_marking():
    text = "甲。<b>执行率</b>为5%。乙"
    start = text.index("5%")
    assert marked_sentence(text, start, start + 2) == "&lt;b&gt;执行率&lt;/b&gt;为<mark>5%</mark>。"
    # A document holding the private marks themselves cannot move the highlight.
    odd = "执\ue000行\ue001率为5%。"
    assert marked_sentence(odd, 6, 8) == "执\ufffd行\ufffd率为<mark>5%</mark>。"


def test_hostile_text_is_escaped_everywhere(hostile_corpus, tmp_path):
    app = Explorer(hostile_corpus, export_dir=tmp_path)
    hostile = f"{SCRIPT}县财政局"
    assert hostile in app.agency.options  # plain-text option labels, not HTML
    app.agency.value = hostile
    assert app.selection == (hostile, 2021)
    app.flag.value = 0
    assert app.highlight_html.endswith(
        "&lt;script&gt;alert(1)&lt;/script&gt;预算执行率为<mark>95.00%</mark>。")
    app.compare_agency.value = BAOSHAN
    assert "&lt;script&gt;alert(1)&lt;/script&gt;县财政局 2021" in app.comparison.value
    app.export_button.click()
    assert "已导出" in app.export_status.value
    for shown in _outputs(app):
        assert "<script>alert" not in shown and "</script>县" not in shown
    assert "&lt;script&gt;" in app.facts.value
    for path in tmp_path.iterdir():
        assert re.fullmatch(r"[0-9A-Za-z_\u4e00-\u9fff]+\.(csv|xlsx)", path.name), path.name
    # The other way round: the hostile agency as the compared one.
    app.agency.value = BAOSHAN
    app.compare_agency.value = hostile
    assert "&lt;script&gt;" in app.comparison.value
    assert all("<script>alert" not in shown for shown in _outputs(app))


def test_side_by_side(app, corpus):
    app.agency.value = BAOSHAN
    assert app.compare_agency.value == NONE and app.comparison.value == ""
    assert set(app.compare_agency.options) == {NONE, *app.agency.options[:5]}  # real with real only
    app.compare_agency.value = HEPING
    assert app.compare_selection == (HEPING, 2020)
    frame = app.comparison_frame()
    assert frame.columns == ["项目", f"{BAOSHAN} 2019", f"{HEPING} 2020"]
    facts = dict(frame.select("项目", f"{HEPING} 2020").rows())
    assert facts[label("score")] == "88.0"
    assert f"{BAOSHAN} 2019" in app.comparison.value and f"{HEPING} 2020" in app.comparison.value
    app.agency.value = "保靖县电子政务办公室"  # the comparison follows the first selection
    assert "保靖县电子政务办公室 2019" in app.comparison.value and f"{HEPING} 2020" in app.comparison.value
    app.compare_agency.value = NONE
    assert app.comparison.value == "" and app.comparison_frame() is None


def test_synthetic_compared_only_with_synthetic(app, corpus):
    syn = _synthetic(corpus)
    app.agency.value = syn[0]
    assert "合成数据 SYNTHETIC" in app.banner.value
    assert set(app.compare_agency.options) == {NONE, *syn}
    app.compare_agency.value = syn[1]
    app.compare_year.value = 2019
    assert "合成数据 SYNTHETIC" in app.comparison.value and f"{syn[1]} 2019" in app.comparison.value
    app.agency.value = BAOSHAN  # back to real data: the synthetic comparison is dropped
    assert app.compare_agency.value == NONE and app.comparison.value == ""


def test_export_writes_csv_and_excel(app, corpus, tmp_path):
    app.agency.value = HEPING
    files = app.export(tmp_path / "sel")
    assert [p.name for p in files] == ["sel_facts.csv", "sel_flags.csv", "sel_indicators.csv", "sel.xlsx"]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    facts = pl.read_csv(files[0], infer_schema=False)
    assert facts.columns == ["项目", "数值"] and facts.height == views.agency_facts(corpus, HEPING, 2020).height
    assert dict(facts.rows())[label("score")] == "88.0" and dict(facts.rows())[label("budget_yuan")] == "270.0"
    flags = pl.read_csv(files[1])
    assert flags["问题类型"].to_list() == ["公式错误"] and flags["原文数字"].to_list() == ["100. 60%"]
    assert flags["严重程度"].to_list() == ["一般"]  # a misprinted formula, by materiality
    indicators = pl.read_csv(files[2])
    assert indicators.height == 21 and indicators["得分"].sum() == 88.0
    book = openpyxl.load_workbook(files[3])
    assert book.sheetnames == ["关键数字", "审核发现", "指标得分"]
    rows = list(book["审核发现"].iter_rows(values_only=True))
    assert rows[0][:3] == ("严重程度", "问题类型", "说明") and [r[1] for r in rows[1:]] == ["公式错误"]
    ind = list(book["指标得分"].iter_rows(values_only=True))
    assert len(ind) == 22 and sum(r[3] or 0 for r in ind[1:]) == 88.0
    # numbers are numbers, with number formats: amounts in 万元, rates as percentages
    cells = {row[0].value: row[1] for row in book["关键数字"].iter_rows(min_row=2)}
    budget, rate, score = cells[label("budget_yuan")], cells[label("execution_rate_budget")], cells[label("score")]
    assert (budget.value, budget.data_type, budget.number_format) == (270.0, "n", "#,##0.00")
    assert rate.data_type == "n" and rate.number_format == "0.00%" and abs(rate.value - 0.99405556) < 1e-6
    assert (score.value, score.number_format) == (88.0, "0.00")
    assert cells[label("agency")].data_type == "s"
    app.agency.value = BAOSHAN  # a report without indicators: a header-only sheet, not an error
    files = app.export(tmp_path / "baoshan")
    assert set(pl.read_csv(files[1])["问题类型"]) == {"比率不符", "数值前后矛盾"}
    assert pl.read_csv(files[2]).height == 0
    assert dict(pl.read_csv(files[0], infer_schema=False).rows())["预算执行率（支出÷到位）"] == "84.60%"


def test_export_of_a_comparison_and_default_names(app, tmp_path):
    app.agency.value = BAOSHAN
    app.compare_agency.value = HEPING
    app.export_dir.value = str(tmp_path / "out")
    app.export_button.click()
    assert "已导出到" in app.export_status.value
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    stem = app.default_stem()
    assert stem.startswith(f"{BAOSHAN}_") and f"_2019_vs_{HEPING}_" in stem and stem.endswith("_2020")
    assert written == sorted(f"{stem}{s}" for s in
                             ("_facts.csv", "_flags.csv", "_indicators.csv", "_comparison.csv", ".xlsx"))
    comparison = pl.read_csv(tmp_path / "out" / f"{stem}_comparison.csv")
    assert comparison.columns == ["项目", f"{BAOSHAN} 2019", f"{HEPING} 2020"]
    book = openpyxl.load_workbook(tmp_path / "out" / f"{stem}.xlsx")
    assert book.sheetnames[-1] == "并列比较"
    cells = {row[0].value: (row[1].value, row[2].value) for row in book["并列比较"].iter_rows(min_row=2)}
    assert cells[label("score")] == (97.46, 88.0)  # numbers side by side, not text


def test_export_failure_is_reported(app, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    app.export_dir.value = str(tmp_path / "file" / "sub")
    app.export_button.click()
    assert "导出失败" in app.export_status.value


def test_synthetic_export_is_marked(app, corpus, tmp_path):
    app.agency.value = _synthetic(corpus)[0]
    assert app.default_stem().startswith("synthetic_")
    files = app.export(tmp_path / "syn")
    book = openpyxl.load_workbook(files[-1])
    assert book.sheetnames[0] == "说明" and "SYNTHETIC" in book["说明"]["A1"].value


def test_formula_like_text_stays_text(tmp_path):
    from fiscal_eval.present import sheets

    frame = pl.DataFrame({"text": ["=HYPERLINK(\"http://x\",\"y\")", "-5.2", "@SUM(A1)", "正常"],
                          "n": [1.0, 2.0, 3.0, 4.0]})
    sheet = sheets.frame_sheet(frame)
    csv = sheets.write_csv(tmp_path / "f.csv", sheet)
    xlsx = sheets.write_xlsx(tmp_path / "f.xlsx", {"表": sheet})
    assert pl.read_csv(csv)["原文"].to_list() == ["'=HYPERLINK(\"http://x\",\"y\")", "-5.2", "'@SUM(A1)", "正常"]
    ws = openpyxl.load_workbook(xlsx)["表"]
    assert ws["A2"].value == "=HYPERLINK(\"http://x\",\"y\")" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 1.0 and ws["B2"].data_type == "n"


def test_relative_paths_also_from_the_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # as JupyterLab runs notebooks/explore.ipynb in notebooks/
    assert explore._resolve("data/samples") == ROOT / "data" / "samples"
    (tmp_path / "data" / "samples").mkdir(parents=True)
    assert explore._resolve("data/samples") == Path("data/samples")  # the working folder first
    assert explore._resolve("no/such") == Path("no/such")


def test_the_widget_displays(app):
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_a_fresh_clone_opens_on_the_samples(tmp_path):
    """No store yet: the explorer builds one from the bundled samples and says so."""
    app = explore.explorer(tmp_path / "store")
    assert (tmp_path / "store").is_dir() and app.selection == (BAOSHAN, 2019)
    assert "还没有数据存储" in app.notice.value and "5 份样本报告" in app.notice.value
    assert "fiscal-eval ingest" in app.notice.value and str(ROOT) not in app.notice.value.replace(str(tmp_path), "")
    again = explore.explorer(tmp_path / "store")  # the store is there now: no notice
    assert again.notice.value == ""
    with pytest.raises(FiscalEvalError, match="no store at"):
        explore.explorer(tmp_path / "other", samples=None)


def test_explore_notebook_runs(tmp_path, notebook_kernel):
    """The notebook as a newcomer runs it on a fresh clone: no store yet."""
    import papermill

    nb = papermill.execute_notebook(str(ROOT / "notebooks" / "explore.ipynb"), str(tmp_path / "out.ipynb"),
                                    parameters={"store": str(tmp_path / "store")},
                                    kernel_name=notebook_kernel, progress_bar=False, execution_timeout=300, cwd=str(ROOT))
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)
    # The kernel filled the widgets: their saved state holds the facts, a chart and the mark.
    state = json.dumps(nb.metadata["widgets"], ensure_ascii=False)
    assert BAOSHAN in state and "84.61%" in state and 'vegaEmbed(\\"#fe-chart-' in state
    # the most severe finding first (by materiality): the 733/707 count, not the 0.01-point rate
    assert "覆盖<mark>733</mark>个单位。" in state
    assert "已用随附的 5 份样本报告" in state and (tmp_path / "store").is_dir()
