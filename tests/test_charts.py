"""charts: builders encode what the notebooks need; offline display; CJK PNG/SVG export."""

from __future__ import annotations

import polars as pl
import pytest

from fiscal_eval import charts


def test_funds_flow_spec():
    spec = charts.funds_flow(pl.DataFrame({"stage": ["预算 budget", "支出 spent"], "amount_wan": [71.0, 60.07]})).to_dict()
    assert spec["encoding"]["y"]["field"] == "amount_wan" and spec["encoding"]["y"]["title"] == "金额（万元）"
    assert spec["data"]["values"] == [{"stage": "预算 budget", "amount_wan": 71.0}, {"stage": "支出 spent", "amount_wan": 60.07}]
    assert "WenQuanYi Micro Hei" in spec["config"]["font"]


def test_execution_bands_are_pefa_pi1():
    spec = charts.execution_bands(pl.DataFrame({"measure": ["stated"], "rate": [0.8461]})).to_dict()
    bands = spec["layer"][0]["data"]["values"]
    assert [(b["lo"], b["hi"]) for b in bands] == [(0.85, 1.15), (0.90, 1.10), (0.95, 1.05)]


def test_chart_html_is_offline_and_escapes_script_end():
    chart = charts.grade_distribution(pl.DataFrame({"grade": ["</script><b>优</b>"], "reports": [3]}))
    first = charts.chart_html(chart, with_bundle=True)
    later = charts.chart_html(chart, with_bundle=False)
    assert "vegaEmbed" in first and len(first) > 500_000  # the bundle is inline
    assert "http://" not in later and "https://" not in later.replace("https://vega.github.io/schema", "")
    assert "</script><b>" not in later  # document text cannot close the script


def test_table_html_escapes_document_text():
    out = charts.table_html(pl.DataFrame({"agency": ['<img src=x onerror="alert(1)">'], "score": [98.0]}))
    assert "<img" not in out and "&lt;img" in out


def test_svg_and_png_render_chinese(tmp_path):
    chart = charts.grade_distribution(pl.DataFrame({"grade": ["优秀", "良好"], "reports": [5, 2]}))
    svg = charts.to_svg(chart)
    assert "<svg" in svg and ("优秀" in svg or "<path" in svg)
    png = charts.to_png(chart, tmp_path / "grades.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


@pytest.mark.parametrize("builder,frame", [
    (charts.execution_vs_score, pl.DataFrame({"agency": ["甲"], "execution_rate": [0.9], "score": [95.0], "grade": ["优"]})),
    (charts.flags_by_type, pl.DataFrame({"code": ["rate_mismatch"], "severity": ["error"], "flags": [2]})),
    (charts.template_share, pl.DataFrame({"agency": ["甲"], "template_share": [0.3]})),
    (charts.peers, pl.DataFrame({"agency": ["甲", "乙"], "score": [95.0, 90.0], "is_self": [True, False]})),
    (charts.indicator_points, pl.DataFrame({"level1": ["产出"], "indicator": ["数量"], "max_points": [10.0], "points": [9.0]})),
])
def test_builders_have_tooltips(builder, frame):
    spec = builder(frame).to_dict()
    text = str(spec)
    assert "tooltip" in text and str(frame.columns[0]) in text
