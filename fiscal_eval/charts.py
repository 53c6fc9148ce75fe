"""Altair chart builders for the report notebooks, one look for all, and how they are
shown: offline (the Vega JavaScript inline, once per notebook) and exportable to PNG/SVG
with Chinese text rendered from a packaged CJK font.

Builders take the frames of :mod:`fiscal_eval.views` and return ``alt.Chart`` objects;
notebooks display them with :func:`show` and tables with :func:`table` (which escapes
document text: report text is untrusted data).
"""

from __future__ import annotations

import html
import itertools
import json
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

__all__ = [
    "FONT", "show", "table", "banner", "to_svg", "to_png",
    "funds_flow", "execution_bands", "indicator_points", "grade_distribution",
    "execution_vs_score", "flags_by_type", "series", "template_share", "peers",
]

# CJK-capable families first: Debian's fonts-wqy-microhei (installed by .ci/run), then
# the fonts a Windows or macOS analyst has.
FONT = "WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"
FONT_DIRS = ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/opentype/noto", "/usr/share/fonts")
_PALETTE = ["#1f5a96", "#e07b39", "#3a9b6b", "#c0392b", "#8e6bb8", "#7f8c8d"]
_WIDTH = 520


@alt.theme.register("fiscal_eval", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig({
        "config": {
            "font": FONT,
            "title": {"font": FONT, "fontSize": 15, "anchor": "start"},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12},
            "legend": {"labelFont": FONT, "titleFont": FONT},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "range": {"category": _PALETTE},
            "view": {"stroke": None},
        }
    })

# ----------------------------------------------------------------------------- display

_state = {"bundle_sent": False}
_ids = itertools.count(1)


def _bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()


def chart_html(chart: alt.TopLevelMixin, *, with_bundle: bool) -> str:
    """The HTML that draws ``chart`` offline: a div and a vegaEmbed call (plus the Vega,
    Vega-Lite and vega-embed JavaScript when ``with_bundle``)."""
    div = f"fe-chart-{next(_ids)}"
    # NOTE: every <, > and & as a JSON escape, not only "</": document text (an agency
    # named "<!--<script>") would otherwise switch the HTML parser into the script's
    # "double escaped" state, and the block would swallow the page after it.
    spec = (json.dumps(chart.to_dict(), ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    parts = []
    if with_bundle:
        parts.append("<script>" + _bundle().replace("</script", "<\\/script") + "</script>")
    parts.append(f'<div id="{div}" class="fe-chart"></div>'
                 f'<script>vegaEmbed("#{div}", {spec}, {{"renderer": "svg", "actions": false}})'
                 '.catch(function (e) { console.error(e); });</script>')
    return "".join(parts)


def _has_rows(spec: Any, *, bands: bool = False) -> bool:
    """Whether any data a (layered) spec holds has rows, ignoring fixed reference layers."""
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list) and data["values"]:
            first = data["values"][0]
            if not (isinstance(first, dict) and ("band" in first or set(first) == {"x"})):
                return True
        return any(_has_rows(v) for k, v in spec.items() if k != "data")
    if isinstance(spec, list):
        return any(_has_rows(v) for v in spec)
    return False


def show(chart: alt.TopLevelMixin, *, empty: str = "（无数据 no data for this chart）") -> None:
    """Display a chart in a notebook, drawable offline: the first chart of a notebook run
    carries the JavaScript (about 1 MB), later ones only a div and an embed call. A chart
    with no rows shows ``empty`` instead of blank axes."""
    from IPython.display import HTML, display

    if not _has_rows(chart.to_dict()):
        display(HTML(f'<p class="fe-empty">{html.escape(empty)}</p>'))
        return
    display(HTML(chart_html(chart, with_bundle=not _state["bundle_sent"])))
    _state["bundle_sent"] = True


def table(frame: pl.DataFrame, *, max_rows: int = 50, caption: str | None = None) -> None:
    """Display a frame as an HTML table with every value escaped (document text is data)."""
    from IPython.display import HTML, display

    display(HTML(table_html(frame, max_rows=max_rows, caption=caption)))


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.2f}"
    if isinstance(value, list):
        return html.escape("、".join(str(v) for v in value))
    return html.escape(str(value))


def table_html(frame: pl.DataFrame, *, max_rows: int = 50, caption: str | None = None) -> str:
    """``frame`` as an escaped HTML table (at most ``max_rows`` rows, then a note)."""
    head = "".join(f'<th style="text-align:left">{html.escape(c)}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f'<td style="text-align:left">{_cell(v)}</td>' for v in row) + "</tr>"
        for row in frame.head(max_rows).iter_rows()
    )
    more = (f'<p class="fe-more">… {frame.height - max_rows} more rows</p>'
            if frame.height > max_rows else "")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    if frame.height == 0:
        return f'<p class="fe-empty">{html.escape(caption or "")}（无数据 no rows）</p>'
    return f'<table class="fe-table">{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}'


def banner(text: str | None) -> None:
    """Display a warning banner (e.g. "synthetic data") — escaped; nothing if ``text`` is None."""
    if not text:
        return
    from IPython.display import HTML, display

    display(HTML('<div class="fe-banner" style="border:2px solid #c0392b;background:#fdecea;'
                 f'padding:8px 12px;font-weight:bold;color:#922b21">{html.escape(text)}</div>'))


def _register_fonts() -> None:
    import vl_convert

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vl_convert.register_font_directory(folder)


_fonts = {"registered": False}


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text, Chinese drawn with a packaged CJK font (vl-convert)."""
    import vl_convert

    if not _fonts["registered"]:
        _register_fonts()
        _fonts["registered"] = True
    return vl_convert.vegalite_to_svg(chart.to_dict())


def to_png(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write the chart as a PNG (Chinese rendered, not boxes); returns the path."""
    import vl_convert

    if not _fonts["registered"]:
        _register_fonts()
        _fonts["registered"] = True
    path = Path(path)
    path.write_bytes(vl_convert.vegalite_to_png(chart.to_dict(), scale=scale))
    return path


# ----------------------------------------------------------------------------- builders


def _data(frame: pl.DataFrame) -> alt.Data:
    # Values, not a DataFrame: no pandas round trip, and the spec carries its data inline.
    return alt.Data(values=frame.to_dicts())


def funds_flow(flow: pl.DataFrame, *, title: str = "资金流向 Funds: 预算 → 到位 → 支出") -> alt.Chart:
    """Bars of the money at each stage (columns ``stage``, ``amount_wan``)."""
    return alt.Chart(_data(flow), title=title).mark_bar().encode(
        x=alt.X("stage:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("amount_wan:Q", title="金额（万元）"),
        color=alt.Color("stage:N", legend=None, sort=None),
        tooltip=[alt.Tooltip("stage:N", title="环节"), alt.Tooltip("amount_wan:Q", title="万元", format=",.2f")],
    ).properties(width=_WIDTH * 0.6, height=220)


def execution_bands(rates: pl.DataFrame, *, title: str = "执行率与 PEFA PI-1 区间 Execution vs bands") -> alt.LayerChart:
    """Each execution rate (columns ``measure``, ``rate``) against PEFA PI-1's A/B/C bands
    (95–105 %, 90–110 %, 85–115 %) and the MoF full-points line at 100 %."""
    bands = alt.Data(values=[
        {"band": "C 85–115%", "lo": 0.85, "hi": 1.15},
        {"band": "B 90–110%", "lo": 0.90, "hi": 1.10},
        {"band": "A 95–105%", "lo": 0.95, "hi": 1.05},
    ])
    shade = alt.Chart(bands).mark_rect(opacity=0.18).encode(
        x=alt.X("lo:Q", title="执行率 rate", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0.5, 1.2])),
        x2="hi:Q",
        color=alt.Color("band:N", title="PEFA PI-1", scale=alt.Scale(range=["#f5b041", "#58d68d", "#1e8449"])),
    )
    points = alt.Chart(_data(rates)).mark_point(size=120, filled=True, color="#1f5a96").encode(
        x=alt.X("rate:Q"), y=alt.Y("measure:N", title=None),
        tooltip=[alt.Tooltip("measure:N", title="口径"), alt.Tooltip("rate:Q", title="执行率", format=".2%")],
    )
    rule = alt.Chart(alt.Data(values=[{"x": 1.0}])).mark_rule(strokeDash=[4, 3], color="#7f8c8d").encode(x="x:Q")
    return alt.layer(shade, points, rule, title=title).properties(width=_WIDTH, height=120)


def indicator_points(ind: pl.DataFrame, *, title: str = "指标得分与分值 Points vs max") -> alt.LayerChart:
    """Per indicator (``indicator``, ``level1``, ``max_points``, ``points``): the max as a
    light bar, the points as a dark one."""
    base = alt.Chart(_data(ind), title=title).encode(y=alt.Y("indicator:N", sort=None, title=None))
    mx = base.mark_bar(color="#d6e4f0").encode(x=alt.X("max_points:Q", title="分值 / 得分 points"))
    pts = base.mark_bar(height=8).encode(
        x="points:Q", color=alt.Color("level1:N", title="一级指标"),
        tooltip=[alt.Tooltip("indicator:N", title="指标"), alt.Tooltip("points:Q", title="得分"),
                 alt.Tooltip("max_points:Q", title="分值")],
    )
    return alt.layer(mx, pts).properties(width=_WIDTH * 0.7, height=alt.Step(16))


def grade_distribution(grades: pl.DataFrame, *, title: str = "等级分布 Grades (grade inflation)") -> alt.Chart:
    """Reports per grade (``grade``, ``reports``)."""
    return alt.Chart(_data(grades), title=title).mark_bar().encode(
        x=alt.X("grade:N", sort=None, title="自评等级 grade"),
        y=alt.Y("reports:Q", title="报告数 reports"),
        tooltip=[alt.Tooltip("grade:N", title="等级"), alt.Tooltip("reports:Q", title="报告数")],
    ).properties(width=_WIDTH * 0.6, height=220)


def execution_vs_score(frame: pl.DataFrame, *, title: str = "执行率与自评得分 Execution vs self-score") -> alt.Chart:
    """One point per report (``agency``, ``execution_rate``, ``score``, ``grade``)."""
    return alt.Chart(_data(frame), title=title).mark_circle(size=90, opacity=0.8).encode(
        x=alt.X("execution_rate:Q", title="执行率 execution rate", axis=alt.Axis(format="%"),
                scale=alt.Scale(zero=False)),
        y=alt.Y("score:Q", title="自评得分 self-score", scale=alt.Scale(zero=False)),
        color=alt.Color("grade:N", title="等级"),
        tooltip=[alt.Tooltip("agency:N", title="单位"), alt.Tooltip("execution_rate:Q", title="执行率", format=".2%"),
                 alt.Tooltip("score:Q", title="得分"), alt.Tooltip("grade:N", title="等级")],
    ).properties(width=_WIDTH, height=300)


def flags_by_type(flags: pl.DataFrame, *, title: str = "审核发现 Flags by type") -> alt.Chart:
    """Flags per code (``code``, ``severity``, ``flags``)."""
    return alt.Chart(_data(flags), title=title).mark_bar().encode(
        y=alt.Y("code:N", sort="-x", title=None),
        x=alt.X("flags:Q", title="数量 flags"),
        color=alt.Color("severity:N", title="严重程度",
                        scale=alt.Scale(domain=["error", "warning", "info"], range=["#c0392b", "#e07b39", "#7f8c8d"])),
        tooltip=[alt.Tooltip("code:N", title="类型"), alt.Tooltip("flags:Q", title="数量")],
    ).properties(width=_WIDTH * 0.7, height=alt.Step(22))


def series(frame: pl.DataFrame, measure: str, *, title: str, axis_title: str, percent: bool = False) -> alt.Chart:
    """One measure of an agency over its years (``year``, ``measure``)."""
    return alt.Chart(_data(frame.select("year", measure)), title=title).mark_line(point=True).encode(
        x=alt.X("year:O", title="年度 year"),
        y=alt.Y(f"{measure}:Q", title=axis_title, axis=alt.Axis(format="%" if percent else ",.0f"),
                scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("year:O", title="年度"),
                 alt.Tooltip(f"{measure}:Q", title=axis_title, format=".2%" if percent else ",.2f")],
    ).properties(width=_WIDTH * 0.6, height=200)


def template_share(frame: pl.DataFrame, *, title: str = "模板化程度 Template share") -> alt.Chart:
    """Share of each report's sentences found near-verbatim in other agencies' reports
    (``agency``, ``template_share``)."""
    return alt.Chart(_data(frame), title=title).mark_bar().encode(
        y=alt.Y("agency:N", sort="-x", title=None),
        x=alt.X("template_share:Q", title="模板句占比 template share", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("agency:N", title="单位"), alt.Tooltip("template_share:Q", title="占比", format=".1%")],
    ).properties(width=_WIDTH * 0.7, height=alt.Step(18))


def peers(frame: pl.DataFrame, *, title: str = "同年同地区比较 Peers") -> alt.Chart:
    """Peers' scores (``agency``, ``score``, ``is_self``), the agency itself highlighted."""
    return alt.Chart(_data(frame), title=title).mark_bar().encode(
        y=alt.Y("agency:N", sort="-x", title=None),
        x=alt.X("score:Q", title="自评得分 self-score", scale=alt.Scale(zero=False)),
        color=alt.condition("datum.is_self", alt.value("#e07b39"), alt.value("#1f5a96")),
        tooltip=[alt.Tooltip("agency:N", title="单位"), alt.Tooltip("score:Q", title="得分")],
    ).properties(width=_WIDTH * 0.7, height=alt.Step(18))
