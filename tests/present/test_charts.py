"""charts: builders encode what the notebooks need; offline display; CJK PNG/SVG export."""

from __future__ import annotations

import doctest
import json
import re

import polars as pl
import pytest

import fiscal_eval
from fiscal_eval.present import charts, views


@pytest.fixture(scope="module")
def c():
    return views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_docstring_examples_run():
    result = doctest.testmod(charts, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


def test_theme_puts_a_cjk_font_first():
    spec = charts.funds_flow(pl.DataFrame({"role": ["budget"], "amount_yuan": [1.0]})).to_dict()
    assert spec["config"]["font"].split(",")[0] == "WenQuanYi Micro Hei"
    assert spec["config"]["axis"]["labelFont"] == charts.FONT


def test_funds_flow_in_wan_from_yuan(c):
    spec = charts.funds_flow(views.funds_flow(c, "中共保山市委网信办", 2019)).to_dict()
    assert spec["data"]["values"] == [{"role": "budget", "amount_yuan": 710000.0, "role_zh": "预算"},
                                      {"role": "available", "amount_yuan": 710000.0, "role_zh": "到位"},
                                      {"role": "spent", "amount_yuan": 600651.81, "role_zh": "支出"}]
    assert spec["transform"] == [{"calculate": "datum.amount_yuan / 10000", "as": "amount_wan"}]
    assert spec["encoding"]["y"]["field"] == "amount_wan" and spec["encoding"]["y"]["title"] == "金额（万元）"
    assert spec["encoding"]["x"]["sort"] == ["budget", "available", "spent"]
    assert '"budget": "预算"' in spec["encoding"]["x"]["axis"]["labelExpr"]
    # tooltips show the Chinese word, not the code
    assert {t["field"] for t in spec["encoding"]["tooltip"]} == {"role_zh", "amount_wan"}


def test_execution_bands_are_pefa_pi1_and_mof(c):
    spec = charts.execution_bands(views.execution_rates(c, "中共保山市委网信办", 2019)).to_dict()
    bands = spec["layer"][0]["data"]["values"]
    covered = {b["band"]: (min(x["lo"] for x in bands if x["band"] == b["band"]),
                           max(x["hi"] for x in bands if x["band"] == b["band"])) for b in bands}
    assert covered == {"A 95–105%": (0.95, 1.05), "B 90–110%": (0.90, 1.10), "C 85–115%": (0.85, 1.15)}
    assert spec["layer"][1]["data"]["values"][0]["x"] == 1.0  # the MoF full-points line
    points = spec["layer"][3]
    assert points["encoding"]["x"]["field"] == "value" and points["encoding"]["y"]["field"] == "metric"
    assert {r["metric"] for r in points["data"]["values"]} == {
        "execution_rate_budget", "execution_rate_available", "execution_rate_reported"}
    assert spec["usermeta"]["fiscal_eval"]["rows"] == 3


def test_execution_bands_widen_for_an_outlier():
    spec = charts.execution_bands(pl.DataFrame({"metric": ["execution_rate_budget"], "value": [1.6]})).to_dict()
    assert spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1] >= 1.65


def test_indicator_points_keep_the_report_order(c):
    spec = charts.indicator_points(views.indicator_points(c, "和平县政务服务数据管理局", 2020)).to_dict()
    values = spec["data"]["values"] if "data" in spec else spec["layer"][0]["data"]["values"]
    assert len(values) == 21 and sum(v["points"] or 0 for v in values) == 88
    assert [v["order"] for v in values] == list(range(21))
    assert spec["layer"][0]["encoding"]["y"]["sort"] == {"field": "order"}
    encodings = [layer["encoding"] for layer in spec["layer"]]
    assert encodings[0]["x"]["field"] == "max_points" and encodings[1]["x"]["field"] == "points"
    assert encodings[1]["color"]["field"] == "level1"


def test_peers_highlight_self_and_drop_unscored():
    frame = pl.DataFrame({"agency": ["甲", "乙", "丙"], "kind": ["project"] * 3, "score": [95.0, None, 90.0],
                          "grade_class": ["优", None, "优"], "execution_rate_budget": [0.9, 0.8, 1.0],
                          "execution_rate_available": [0.9, 0.8, 1.0], "is_self": [True, False, False]})
    spec = charts.peers(frame).to_dict()
    assert [v["agency"] for v in spec["data"]["values"]] == ["甲", "丙"]
    assert spec["encoding"]["color"]["condition"]["test"] == "datum.is_self"


def test_series_draws_amounts_in_wan():
    frame = pl.DataFrame({"year": [2019, 2020], "budget_yuan": [1_000_000.0, 2_000_000.0],
                          "spent_yuan": [900_000.0, None], "score": [90.0, 92.0]})
    spec = charts.series(frame, "budget_yuan", "spent_yuan").to_dict()
    assert [(v["year"], v["measure"], v["value"]) for v in spec["data"]["values"]] == [
        (2019, "budget_yuan", 100.0), (2020, "budget_yuan", 200.0), (2019, "spent_yuan", 90.0)]
    assert spec["encoding"]["y"]["title"] == "万元" and spec["encoding"]["x"]["field"] == "year"
    one = charts.series(frame, "score").to_dict()
    assert one["encoding"]["y"]["title"] == "自评得分"


def test_portfolio_builders_on_views(c):
    grades = charts.grade_distribution(views.grade_distribution(c, 2019)).to_dict()
    # 优 and 优秀 are one grade class: one bar, not two
    assert grades["encoding"]["x"]["field"] == "grade_class" and grades["encoding"]["x"]["sort"] == ["优"]
    assert [(v["grade_class"], v["reports"]) for v in grades["data"]["values"]] == [("优", 2)]
    assert grades["encoding"]["color"]["field"] == "synthetic"
    scores = charts.score_distribution(views.score_distribution(c, 2019)).to_dict()
    assert scores["layer"][0]["encoding"]["x"]["bin"] == {"step": 5, "extent": [0, 100]}
    assert [r["x"] for r in scores["layer"][1]["data"]["values"]] == [60, 80, 90]
    evs = charts.execution_vs_score(views.execution_vs_score(c, 2019)).to_dict()
    assert evs["layer"][0]["encoding"]["x"]["field"] == "execution_rate_budget"
    assert evs["layer"][0]["encoding"]["y"]["field"] == "score"
    flags = charts.flags_by_type(views.flags_by_type(c, 2019)).to_dict()
    assert flags["encoding"]["y"]["field"] == "code" and '"rate_mismatch": "比率不符"' in flags["encoding"]["y"]["axis"]["labelExpr"]
    assert flags["encoding"]["color"]["legend"]["labelExpr"].startswith('{"error": "严重"')
    ts = charts.template_share(views.template_share_table(c, 2019)).to_dict()
    assert ts["encoding"]["x"]["field"] == "template_share" and ts["encoding"]["x"]["scale"]["domain"] == [0, 1]


def test_count_axes_have_whole_ticks():
    chart = charts.flags_over_time(pl.DataFrame({"year": [2019, 2019], "code": ["rate_mismatch", "sum_mismatch"],
                                                 "severity": ["error", "error"], "flags": [1, 1]}))
    labels = re.findall(r">([0-9.]+)</text>", charts.to_svg(chart))
    assert "0.5" not in labels and "1" in labels


@pytest.mark.parametrize("name", [
    "funds_flow", "execution_bands", "indicator_points", "peers", "flags_over_time",
    "score_distribution", "grade_distribution", "execution_vs_score", "flags_by_type", "template_share",
])
def test_every_builder_has_tooltips_and_chinese_titles(c, name):
    frames = {
        "funds_flow": lambda: views.funds_flow(c, "中共保山市委网信办", 2019),
        "execution_bands": lambda: views.execution_rates(c, "中共保山市委网信办", 2019),
        "indicator_points": lambda: views.indicator_points(c, "和平县政务服务数据管理局", 2020),
        "peers": lambda: views.peers(c, "中共保山市委网信办", 2019),
        "flags_over_time": lambda: views.flags_over_time(c, "中共保山市委网信办"),
        "score_distribution": lambda: views.score_distribution(c, 2019),
        "grade_distribution": lambda: views.grade_distribution(c, 2019),
        "execution_vs_score": lambda: views.execution_vs_score(c, 2019),
        "flags_by_type": lambda: views.flags_by_type(c, 2019),
        "template_share": lambda: views.template_share_table(c, 2019),
    }
    spec = getattr(charts, name)(frames[name]()).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert '"tooltip"' in text
    assert re.search(r"[\u4e00-\u9fff]", json.dumps(spec.get("title", ""), ensure_ascii=False))
    assert spec["usermeta"]["fiscal_eval"]["rows"] > 0


# ----------------------------------------------------------------------------- display


def test_chart_html_is_offline_and_escapes_script_end():
    chart = charts.grade_distribution(pl.DataFrame({"grade_class": ["</script><b>优</b>"],
                                                    "synthetic": [False], "reports": [3]}))
    first = charts.chart_html(chart, with_bundle=True)
    later = charts.chart_html(chart, with_bundle=False)
    assert "vegaEmbed" in first and len(first) > 500_000  # the bundle is inline
    assert "window.vegaEmbed=" in first and "window.vegaEmbed=" not in later
    assert "http://" not in later and "https://" not in later.replace("https://vega.github.io/schema", "")
    assert "</script><b>" not in later  # document text cannot close the script


def test_show_sends_the_bundle_once(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    monkeypatch.setitem(charts._state, "sent", {})
    monkeypatch.setattr(charts, "_bundle", lambda: "window.vegaEmbed=function(){};")
    chart = charts.flags_by_type(pl.DataFrame({"code": ["sum_mismatch"], "severity": ["error"], "flags": [2]}))
    charts.show(chart)
    charts.show(chart)
    charts.show(charts.flags_by_type(pl.DataFrame(schema={"code": pl.Utf8, "severity": pl.Utf8, "flags": pl.UInt32})))
    assert [s.count("window.vegaEmbed=") for s in shown] == [1, 0, 0]
    assert [s.count('vegaEmbed("#fe-chart-') for s in shown] == [1, 1, 0]
    assert "无数据" in shown[2]  # an empty chart says so instead of drawing blank axes


class _Kernel:
    """An IPython shell as ipykernel drives it, for charts' bookkeeping: the request's
    header (its ``session`` is the client document), the running cell's id on the display
    hook, and pre_run_cell events with the cell id and JupyterLab's deleted cells."""

    def __init__(self) -> None:
        from IPython.core.events import EventManager, available_events

        self.events = EventManager(self, available_events)
        self.parent_header: dict = {}
        self.displayhook = type("Hook", (), {"exec_result": None})()

    def run(self, document: str, cell: str | None, *shows, deleted: tuple[str, ...] = ()) -> list[int]:
        """Run a cell of ``document`` that shows each chart given; the bundles each carried."""
        from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

        self.parent_header = {"msg_type": "execute_request", "session": document}
        info = ExecutionInfo("", True, False, True, cell, {"cellId": cell, "deletedCells": list(deleted)})
        self.events.trigger("pre_run_cell", info)
        self.displayhook.exec_result = ExecutionResult(info)
        out = []
        for show in shows:
            before = len(self.shown)
            show()
            out += [s.count("window.vegaEmbed=") for s in self.shown[before:]]
        self.displayhook.exec_result = None
        return out


@pytest.fixture()
def kernel(monkeypatch):
    shell = _Kernel()
    shell.shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    monkeypatch.setattr("IPython.display.display", lambda obj: shell.shown.append(obj.data))
    monkeypatch.setitem(charts._state, "sent", {})
    monkeypatch.setattr(charts, "_bundle", lambda: "window.vegaEmbed=function(){};")
    return shell


def _one_chart():
    return charts.flags_by_type(pl.DataFrame({"code": ["sum_mismatch"], "severity": ["error"], "flags": [2]}))


def test_every_document_on_a_kernel_gets_the_bundle(kernel):
    """Two notebooks on one kernel (or one notebook's page reloaded: a new client session):
    the first chart of each carries the JavaScript, the rest of each do not."""
    show = lambda: charts.show(_one_chart())  # noqa: E731
    assert kernel.run("notebook-a", "a1", show, show) == [1, 0]
    assert kernel.run("notebook-a", "a2", show) == [0]
    assert kernel.run("notebook-b", "b1", show, show) == [1, 0]
    assert kernel.run("notebook-a", "a3", show) == [0]  # a still has it
    assert kernel.run("notebook-b", "b2", show) == [0]


def test_running_again_the_cell_that_held_the_bundle_sends_it_again(kernel):
    """Run All (or that cell alone) replaces the output that held the JavaScript; so does
    deleting the cell. A cell left as a chart value (Altair's renderer) counts the same."""
    show = lambda: charts.show(_one_chart())  # noqa: E731
    value = lambda: kernel.shown.append(_one_chart()._repr_mimebundle_()["text/html"])  # noqa: E731
    assert kernel.run("nb", "c1", show) == [1]
    assert kernel.run("nb", "c2", show, value) == [0, 0]
    assert kernel.run("nb", "c1", show, show) == [1, 0]  # run again: its old output is gone
    assert kernel.run("nb", "c2", value) == [0]
    assert kernel.run("nb", "c3", show, deleted=("c1",)) == [1]  # the cell holding it deleted
    assert kernel.run("nb", "c2", show) == [0]
    assert kernel.run("nb", "c3", value) == [1]  # c3 held it and ran again, now as a value


def test_a_client_without_cell_ids_gets_the_bundle_once(kernel):
    """nbclient (papermill) sends no cell ids: once per run, as the batch and the saved
    reports expect."""
    show = lambda: charts.show(_one_chart())  # noqa: E731
    assert [kernel.run("papermill", None, show, show) for _ in range(3)] == [[1, 0], [0, 0], [0, 0]]


def test_bundle_per_document_in_a_real_kernel(notebook_kernel):
    """The same through ipykernel: two clients (two JupyterLab documents, each its own
    session) on one kernel, cell ids sent as JupyterLab sends them."""
    from jupyter_client import BlockingKernelClient
    from jupyter_client.manager import start_new_kernel

    km, lab = start_new_kernel(kernel_name=notebook_kernel, startup_timeout=120)
    other = BlockingKernelClient()
    other.load_connection_info(km.get_connection_info())  # a session of its own
    other.start_channels()
    try:
        other.wait_for_ready(timeout=60)

        def run(client, cell: str, code: str) -> list[int]:
            content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                       "allow_stdin": False, "stop_on_error": True}
            msg = client.session.msg("execute_request", content, metadata={"cellId": cell, "deletedCells": []})
            client.shell_channel.send(msg)
            shown = []
            while True:
                reply = client.get_iopub_msg(timeout=120)
                if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                    continue
                kind = reply["msg_type"]
                assert kind != "error", "\n".join(reply["content"]["traceback"])
                if kind in ("display_data", "execute_result"):
                    shown.append(reply["content"]["data"].get("text/html", "").count("window.vegaEmbed="))
                if kind == "status" and reply["content"]["execution_state"] == "idle":
                    return shown

        assert lab.session.session != other.session.session
        run(lab, "setup", "import polars as pl\nfrom fiscal_eval.present import charts\n"
                          "charts._bundle = lambda: 'window.vegaEmbed=function(){};'\n"
                          "c = charts.flags_by_type(pl.DataFrame({'code': ['x'], 'severity': ['error'], 'flags': [1]}))")
        assert run(lab, "a1", "charts.show(c); charts.show(c)") == [1, 0]
        assert run(lab, "a2", "charts.show(c); c") == [0, 0]
        assert run(other, "b1", "charts.show(c)") == [1]  # another document: it gets its own
        assert run(other, "b2", "c") == [0]
        assert run(lab, "a1", "charts.show(c)") == [1]  # the cell that held it, run again
        assert run(lab, "a2", "charts.show(c)") == [0]
    finally:
        other.stop_channels()
        lab.stop_channels()
        km.shutdown_kernel(now=True)


def test_chart_ids_differ_between_kernels(tmp_path):
    """After a kernel restart the chart counter starts again; the ids still differ from
    the old outputs' ids on the same page."""
    import subprocess
    import sys

    code = "from fiscal_eval.present import charts; print(charts.chart_html({'mark': 'bar'}, with_bundle=False))"
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    ids = [re.search(r'id="(fe-chart-[^"]+)"', r).group(1) for r in runs]
    assert ids[0] != ids[1]


def test_a_chart_waits_for_the_javascript_or_says_it_is_missing():
    out = charts.chart_html(_one_chart(), with_bundle=False)
    assert "if (window.vegaEmbed)" in out and "setTimeout(draw" in out
    assert "请重新运行此单元格" in out and out.count('vegaEmbed("#fe-chart-') == 1


def test_a_chart_left_as_a_cell_value_renders_offline(monkeypatch):
    """Altair's renderer is fiscal_eval's while charts is imported: no CDN, bundle once."""
    import altair as alt

    monkeypatch.setitem(charts._state, "sent", {})
    monkeypatch.setattr(charts, "_bundle", lambda: "window.vegaEmbed=function(){};")
    assert alt.renderers.active == "fiscal_eval"
    chart = charts.flags_by_type(pl.DataFrame({"code": ["sum_mismatch"], "severity": ["error"], "flags": [2]}))
    first, later = (chart._repr_mimebundle_()["text/html"] for _ in range(2))
    assert "window.vegaEmbed=" in first and "window.vegaEmbed=" not in later
    assert 'vegaEmbed("#fe-chart-' in later and "cdn.jsdelivr" not in first + later


def test_table_html_escapes_document_text_and_labels_columns():
    out = charts.table_html(pl.DataFrame({"agency": ['<img src=x onerror="alert(1)">'], "score": [98.0],
                                          "budget_yuan": [710000.0], "execution_rate_budget": [0.846],
                                          "code": ["rate_mismatch"], "synthetic": [True]}))
    assert "<img" not in out and "&lt;img" in out
    assert ">自评得分<" in out and ">预算（万元）<" in out
    assert ">71.00<" in out and ">84.60%<" in out and ">比率不符<" in out and ">是<" in out
    assert "rate_mismatch" not in out and "budget_yuan" not in out  # no codes, no field names


def test_table_and_banner_escape(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    charts.banner("<script>x</script>合成数据")
    charts.banner(None)
    charts.table(pl.DataFrame(schema={"a": pl.Utf8}), empty="")
    charts.table(pl.DataFrame(schema={"a": pl.Utf8}), empty="没有 <none>")
    assert shown == [shown[0], '<p class="fe-empty">没有 &lt;none&gt;</p>']
    assert "<script>" not in shown[0] and "&lt;script&gt;" in shown[0]


# ----------------------------------------------------------------------------- export


def test_svg_has_the_chinese_as_text_in_the_cjk_font():
    chart = charts.grade_distribution(pl.DataFrame({"grade_class": ["优", "良"],
                                                    "synthetic": [False, False], "reports": [5, 2]}))
    svg = charts.to_svg(chart)
    texts = re.findall(r'<text[^>]*font-family="([^"]*)"[^>]*>([^<]*)</text>', svg)
    words = {t for _, t in texts}
    assert {"优", "良", "等级档次", "等级分布"} <= words
    assert all(f.startswith("WenQuanYi Micro Hei") for f, t in texts if re.search(r"[\u4e00-\u9fff]", t))


def _text_png(tmp_path, text: str, name: str) -> bytes:
    import altair as alt

    chart = alt.Chart(alt.Data(values=[{"t": text}])).mark_text(fontSize=40).encode(text="t:N").properties(
        width=200, height=60)
    return charts.to_png(chart, tmp_path / name, scale=1).read_bytes()


def test_png_draws_chinese_glyphs_not_boxes(tmp_path):
    """Without a CJK font every Chinese character is the same empty box, so two different
    strings of equal length render to the same pixels; with the font they differ."""
    a = _text_png(tmp_path, "预算执行", "a.png")
    b = _text_png(tmp_path, "自评得分", "b.png")
    assert a[:8] == b"\x89PNG\r\n\x1a\n" and len(a) > 1000
    assert a != b
    chart = charts.funds_flow(pl.DataFrame({"role": ["budget", "spent"], "amount_yuan": [710000.0, 600651.81]}))
    png = charts.to_png(chart, tmp_path / "funds.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
