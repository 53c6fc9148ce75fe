"""Altair chart builders for the report notebooks, one look for all, and how they are
shown: offline (the Vega JavaScript inline, once per notebook document) and exportable to PNG/SVG
with Chinese text rendered from a packaged CJK font.

Builders take the frames of :mod:`fiscal_eval.present.views` (columns named as in
:mod:`fiscal_eval.model` and the metric schemas) and return Altair charts; the only
arithmetic here is display: yuan shown as 万元, fractions as percent (written as
:mod:`fiscal_eval.present.display` writes them), codes with their Chinese names
(:mod:`fiscal_eval.present.labels`). Notebooks display charts with :func:`show` — never
``chart.display()`` or Altair's default renderer, which would fetch Vega from a CDN — and
tables with :func:`table`, which escapes every value: report text is untrusted data.

Examples
--------
>>> import polars as pl
>>> chart = grade_distribution(pl.DataFrame({"grade_class": ["优"], "synthetic": [False], "reports": [3]}))
>>> chart.to_dict()["encoding"]["y"]["field"]
'reports'
>>> label("execution_rate_budget")
'执行率（支出÷预算）'
"""

from __future__ import annotations

import html
import itertools
import json
import os
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from fiscal_eval.present.display import YUAN_PER_WAN, percent, wan
from fiscal_eval.present.labels import (
    CHART_TITLES,
    GRADE_CLASSES,
    LABELS,
    NO_DATA,
    SEVERITIES,
    VALUE_LABELS,
    label,
    value_label,
)
from fiscal_eval.present.style import PAGE_CSS

__all__ = [
    "FONT", "LABELS", "label", "show", "chart_html", "bundle_html", "table", "table_html", "banner", "to_svg", "to_png",
    "heading", "summary", "summary_html", "note", "PAGE_CSS",
    "funds_flow", "execution_bands", "indicator_points", "peers",
    "series", "flags_over_time",
    "score_distribution", "grade_distribution", "execution_vs_score", "flags_by_type", "template_share",
]

# CJK-capable families first: Debian's fonts-wqy-microhei (installed by .ci/run), then
# the fonts a Windows or macOS analyst has.
FONT = "WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, Noto Sans CJK SC, sans-serif"
FONT_DIRS = ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/opentype/noto", "/usr/share/fonts")
_PALETTE = ["#1f5a96", "#e07b39", "#3a9b6b", "#c0392b", "#8e6bb8", "#7f8c8d", "#d4ac0d", "#17a589"]
_WIDTH = 520

_PERCENT = {"pefa_values", "arrival_rate", "execution_rate_budget", "execution_rate_available",
            "execution_rate_reported",
            "template_share", "specificity"}


@alt.theme.register("fiscal_eval", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig({
        "config": {
            "font": FONT,
            "title": {"font": FONT, "fontSize": 15, "anchor": "start"},
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12,
                     "labelLimit": 260},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelLimit": 260},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "mark": {"font": FONT},
            "text": {"font": FONT},
            "range": {"category": _PALETTE},
            "view": {"stroke": None},
        }
    })


# ----------------------------------------------------------------------------- display

# Which documents already hold the Vega JavaScript (the "bundle", ~1 MB), so that a
# chart carries it only where it is missing.
#
# NOTE: the design. The bundle is inline in the first chart each *document* draws, not
# once per kernel. A document is the client that asked the kernel to run the cell: the
# ``session`` of the request's header (one per JupyterLab notebook panel and browser page
# load, one per papermill/nbclient run); it is the key of ``_state["sent"]``, whose value
# is the id of the cell whose output holds the bundle (JupyterLab sends it; None when the
# client does not). So
#   * a second notebook (or console) on the same kernel, or the same notebook after the
#     page is reloaded, is a new session: its first chart carries the bundle again;
#   * running again the cell that holds the bundle (Run All, or that cell alone) replaces
#     its output, so a pre_run_cell hook forgets it and the cell's first chart sends it
#     again; so does deleting that cell (JupyterLab lists deleted cells in the request);
#   * outside a kernel (scripts, tests) and in the batch's in-process shell (one report
#     per forked process) there is no session: once per process, as before.
# A saved notebook or batch report therefore holds the bundle once per run (the batch
# and test_notebooks count exactly one). Inlining the bundle into every chart would work
# everywhere but make each report ~1 MB a chart; loading it from a server or CDN would not
# work offline. What the kernel cannot see — the bundle's output cleared by hand, then the
# notebook saved and opened again — is covered in the page: each chart's script waits for
# vegaEmbed (the bundle may also come later in the page, when cells ran out of order) and,
# if it never comes, says in the chart's place to run the cell again rather than stay blank.
_state: dict[str, Any] = {"sent": {}}
_ids = itertools.count(1)
# Chart ids are unique across kernels too: after a restart the counter starts again, and
# an old output still on the page must not take the new chart ("#fe-chart-1" is the first
# match in the page).
_RUN = os.urandom(4).hex()
_MISSING_JS = json.dumps("（图表未绘制：本页缺少绘图脚本，请重新运行此单元格）", ensure_ascii=False)


def _bundle() -> str:
    import vl_convert

    # NOTE: no arguments: the batch's warm kernels cache exactly this call (kernels.py).
    return vl_convert.javascript_bundle()  # pyright: ignore[reportCallIssue]  # the stub wants a snippet; none is valid


def bundle_html() -> str:
    """The Vega, Vega-Lite and vega-embed JavaScript as an inline ``<script>`` (~1 MB):
    what a page needs once, before or after its charts, to draw them offline."""
    return "<script>" + _bundle().replace("</script", "<\\/script") + "</script>"


def chart_html(chart: alt.TopLevelMixin | dict, *, with_bundle: bool) -> str:
    """The HTML that draws ``chart`` (or its Vega-Lite spec) offline: a div and a
    vegaEmbed call (plus the Vega, Vega-Lite and vega-embed JavaScript when ``with_bundle``).

    The call waits (10 s at most) for the JavaScript when the page does not have it yet,
    and otherwise writes a note in the chart's place instead of leaving it blank."""
    div = f"fe-chart-{_RUN}-{next(_ids)}"
    spec_dict = chart if isinstance(chart, dict) else chart.to_dict()
    # NOTE: every <, > and & as a JSON escape, not only "</": document text (an agency
    # named "<!--<script>") would otherwise switch the HTML parser into the script's
    # "double escaped" state, and the block would swallow the page after it.
    spec = (json.dumps(spec_dict, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    parts = [bundle_html()] if with_bundle else []
    parts.append(f'<div id="{div}" class="fe-chart"></div>'
                 '<script>(function () { var tries = 0; function draw() { if (window.vegaEmbed) { '
                 f'vegaEmbed("#{div}", {spec}, {{"renderer": "svg", "actions": false}})'
                 '.catch(function (e) { console.error(e); }); } '
                 'else if (++tries < 100) { setTimeout(draw, 100); } '
                 f'else {{ var el = document.getElementById("{div}"); if (el) el.textContent = {_MISSING_JS}; }} }} '
                 'draw(); })();</script>')
    return "".join(parts)


def _ipython() -> Any:
    """The running IPython shell, or None (a plain Python process)."""
    import sys

    if "IPython" not in sys.modules:  # NOTE: not imported: no shell, and no import to pay
        return None
    from IPython import get_ipython

    return get_ipython()


def _document(shell: Any) -> str | None:
    """The client session (the document) whose request the kernel is running, if known."""
    header = getattr(shell, "parent_header", None)
    if not isinstance(header, dict):
        return None
    session = header.get("session", header.get("header", {}).get("session"))
    return session if isinstance(session, str) and session else None


def _on_pre_run_cell(info: Any) -> None:
    """Before a cell runs: forget the bundle of the cell whose output is about to be
    replaced (the cell itself) or is gone (a deleted cell)."""
    document = _document(_ipython())
    cell = _state["sent"].get(document)
    if cell is None:
        return
    meta = getattr(info, "cell_meta", None)
    deleted = (meta.get("deletedCells") or ()) if isinstance(meta, dict) else ()
    if getattr(info, "cell_id", None) == cell or cell in deleted:
        del _state["sent"][document]


def _needs_bundle() -> bool:
    """Whether the document being drawn into lacks the bundle (see ``_state``)."""
    shell = _ipython()
    events = getattr(shell, "events", None)
    if events is not None and _on_pre_run_cell not in events.callbacks.get("pre_run_cell", []):
        events.register("pre_run_cell", _on_pre_run_cell)
    return _document(shell) not in _state["sent"]


def _bundle_sent() -> None:
    """Record that the current document now holds the bundle, in the running cell's output."""
    shell = _ipython()
    # NOTE: IPython keeps the running cell's ExecutionResult on the display hook; its
    # info.cell_id is the client's cell id (None in a widget callback, or when not sent).
    running = getattr(getattr(shell, "displayhook", None), "exec_result", None)
    cell = getattr(getattr(running, "info", None), "cell_id", None)
    _state["sent"][_document(shell)] = cell if isinstance(cell, str) else None


def _rows(spec: Any) -> int | None:
    """The row count a builder recorded in the spec's ``usermeta`` (None: not recorded)."""
    meta = spec.get("usermeta") if isinstance(spec, dict) else None
    return meta.get("fiscal_eval", {}).get("rows") if isinstance(meta, dict) else None


def show(chart: alt.TopLevelMixin, *, empty: str = NO_DATA) -> None:
    """Display a chart in a notebook, drawable offline: the first chart a document draws
    carries the JavaScript (about 1 MB), later ones only a div and an embed call (see
    ``_state`` for what counts as a document). A chart built from no rows shows ``empty``
    instead of blank axes."""
    from IPython.display import HTML, display

    if _rows(chart.to_dict()) == 0:
        display(HTML(f'<p class="fe-empty">{html.escape(empty)}</p>'))
        return
    needed = _needs_bundle()
    display(HTML(chart_html(chart, with_bundle=needed)))
    if needed:
        _bundle_sent()


def _offline_renderer(spec: dict, **_: Any) -> dict[str, str]:
    """Altair's renderer while fiscal_eval.present.charts is imported: a chart left as a cell's
    value draws as :func:`show` draws it (offline, bundle once a document), never from a CDN."""
    needed = _needs_bundle()
    html_ = chart_html(spec, with_bundle=needed)
    if needed:
        _bundle_sent()
    return {"text/html": html_}


alt.renderers.register("fiscal_eval", _offline_renderer)
alt.renderers.enable("fiscal_eval")


def table(frame: pl.DataFrame, *, max_rows: int = 50, caption: str | None = None,
          empty: str | None = None) -> None:
    """Display a frame as an HTML table, every value escaped (document text is data);
    ``empty`` replaces the "no rows" note for an empty frame ("" shows nothing)."""
    from IPython.display import HTML, display

    if frame.height == 0 and empty is not None:
        if empty:
            display(HTML(f'<p class="fe-empty">{html.escape(empty)}</p>'))
        return
    display(HTML(table_html(frame, max_rows=max_rows, caption=caption)))


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if column in _PERCENT:
            return percent(value)
        if column.endswith("_yuan"):
            return wan(value)
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.2f}"
    if isinstance(value, list):
        return html.escape("、".join(_cell(column, v) for v in value))
    if column in VALUE_LABELS and isinstance(value, str):
        return html.escape(value_label(column, value))
    return html.escape(str(value))


def table_html(frame: pl.DataFrame, *, max_rows: int = 50, caption: str | None = None) -> str:
    """``frame`` as an escaped HTML table (at most ``max_rows`` rows, then a note).

    Headers are :func:`label` of the column names; amounts (``*_yuan``) are shown in 万元
    and rates in percent, as the headers say.

    >>> table_html(pl.DataFrame({"agency": ["<b>甲</b>"], "budget_yuan": [710000.0]}))[:60]
    '<table class="fe-table"><thead><tr><th style="text-align:lef'
    >>> "&lt;b&gt;甲&lt;/b&gt;" in table_html(pl.DataFrame({"agency": ["<b>甲</b>"]}))
    True
    """
    if frame.height == 0:
        return f'<p class="fe-empty">{html.escape(caption or "")}（无数据 no rows）</p>'
    head = "".join(f'<th style="text-align:left">{html.escape(label(c))}</th>' for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f'<td style="text-align:left">{_cell(c, v)}</td>' for c, v in zip(frame.columns, row))
        + "</tr>"
        for row in frame.head(max_rows).iter_rows()
    )
    more = (f'<p class="fe-more">…… 另有 {frame.height - max_rows} 行未列出</p>'
            if frame.height > max_rows else "")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="fe-table">{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}'


def heading(text: str) -> None:
    """Display a page's title (escaped) with the page's styles: the first thing a
    report page shows, naming the agency and year it is about."""
    from IPython.display import HTML, display

    display(HTML(f"<style>{PAGE_CSS}</style><h1 class=\"fe-title\">{html.escape(text)}</h1>"))


def summary_html(verdict: Any) -> str:
    """A verdict (:class:`fiscal_eval.present.verdict.Verdict`) as an escaped HTML block:
    its title, its sentences, and its points each with its severity's mark."""
    parts = [f'<div class="fe-verdict"><h2>{html.escape(verdict.title)}</h2>']
    parts += [f"<p>{html.escape(s)}</p>" for s in verdict.sentences]
    if verdict.points:
        parts.append("<ul>")
        for severity, text in verdict.points:
            mark = (f'<span class="fe-sev fe-sev-{html.escape(severity)}">{html.escape(SEVERITIES[severity])}</span>'
                    if severity in SEVERITIES else "")
            parts.append(f"<li>{mark}{html.escape(text)}</li>")
        parts.append("</ul>")
    parts += [f'<p class="fe-note">{html.escape(s)}</p>' for s in verdict.notes]
    parts.append("</div>")
    return "".join(parts)


def summary(verdict: Any) -> None:
    """Display a verdict (:func:`summary_html`)."""
    from IPython.display import HTML, display

    display(HTML(summary_html(verdict)))


def note(text: str | None) -> None:
    """Display a sentence computed from the data (or a rule), escaped."""
    if not text:
        return
    from IPython.display import HTML, display

    display(HTML(f'<p class="fe-note">{html.escape(text)}</p>'))


def banner(text: str | None) -> None:
    """Display a warning banner (e.g. "synthetic data") — escaped; nothing if ``text`` is None."""
    if not text:
        return
    from IPython.display import HTML, display

    display(HTML('<div class="fe-banner" style="border:2px solid #c0392b;background:#fdecea;'
                 f'padding:8px 12px;font-weight:bold;color:#922b21">{html.escape(text)}</div>'))


# ----------------------------------------------------------------------------- export

_fonts = {"registered": False}


def _register_fonts() -> None:
    """Register the CJK font folders with vl-convert, once a process."""
    import vl_convert

    if _fonts["registered"]:
        return
    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vl_convert.register_font_directory(folder)
    _fonts["registered"] = True


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text; its Chinese labels are ``<text>`` in the CJK font family.

    >>> import polars as pl
    >>> "优" in to_svg(grade_distribution(pl.DataFrame({"grade_class": ["优"], "synthetic": [False], "reports": [3]})))
    True
    """
    import vl_convert

    _register_fonts()
    return vl_convert.vegalite_to_svg(chart.to_dict())


def to_png(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write the chart as a PNG, Chinese drawn with the packaged CJK font (not boxes);
    returns the path."""
    import vl_convert

    _register_fonts()
    path = Path(path)
    path.write_bytes(vl_convert.vegalite_to_png(chart.to_dict(), scale=scale))
    return path


# ----------------------------------------------------------------------------- builders


# Columns whose values are codes: the data a chart carries gets ``<column>_zh`` beside
# each, its display words, for tooltips (a tooltip shows a field's value as it is).
_CODED = ("role", "metric", "code", "severity", "measure", "kind")


def _data(frame: pl.DataFrame) -> alt.Data:
    # Values, not a DataFrame: no pandas round trip, and the spec carries its data inline.
    rows = frame.to_dicts()
    for column in (c for c in _CODED if c in frame.columns):
        source = "code" if column == "measure" else column  # measures are column names: label()
        for row in rows:
            value = row[column]
            row[f"{column}_zh"] = value_label(source, value) if isinstance(value, str) else value
    return alt.Data(values=rows)


def _meta(chart: Any, frame: pl.DataFrame) -> Any:
    """Record the row count for :func:`show` (an empty frame shows a note, not axes)."""
    return chart.properties(usermeta={"fiscal_eval": {"rows": frame.height}})


def _count_axis(most: Any) -> alt.Axis:  # Any: a polars .max()
    """An axis of counts with whole-number ticks (Vega ignores tickMinStep on small
    domains; a tick count no larger than the largest count keeps the steps whole)."""
    return alt.Axis(tickMinStep=1, format="d", tickCount=max(1, min(int(most or 1), 5)))


def _label_expr(names: list[str] | tuple[str, ...]) -> str:
    """A Vega expression showing ``datum.label`` by :func:`label`."""
    mapping = json.dumps({n: label(n) for n in names}, ensure_ascii=False)
    return f"{mapping}[datum.label] || datum.label"


_ROLES = ("budget", "available", "spent")
_RATES = ("execution_rate_budget", "execution_rate_available", "execution_rate_reported")
_SEVERITY = alt.Scale(domain=list(SEVERITIES), range=["#c0392b", "#e07b39", "#7f8c8d"])
_SEVERITY_LEGEND = alt.Legend(title=label("severity"), labelExpr=(
    f"{json.dumps(SEVERITIES, ensure_ascii=False)}[datum.label] || datum.label"))
_SOURCE = alt.Scale(domain=[False, True], range=["#1f5a96", "#bdc3c7"])  # real, synthetic
_SOURCE_LEGEND = alt.Legend(title="数据来源", labelExpr="datum.value ? '合成数据' : '真实报告'")
_GRADE_ORDER = list(dict.fromkeys(GRADE_CLASSES.values()))


def funds_flow(flow: pl.DataFrame, *, title: str = CHART_TITLES["funds_flow"]) -> alt.Chart:
    """Bars of the money at each stage (``role``, ``amount_yuan``), drawn in 万元."""
    chart = alt.Chart(_data(flow), title=title).transform_calculate(
        amount_wan=f"datum.amount_yuan / {YUAN_PER_WAN}",
    ).mark_bar().encode(
        x=alt.X("role:N", sort=list(_ROLES), title=None, axis=alt.Axis(labelAngle=0, labelExpr=_label_expr(_ROLES))),
        y=alt.Y("amount_wan:Q", title="金额（万元）"),
        color=alt.Color("role:N", legend=None, sort=list(_ROLES)),
        tooltip=[alt.Tooltip("role_zh:N", title="环节"), alt.Tooltip("amount_wan:Q", title="万元", format=",.2f")],
    ).properties(width=_WIDTH * 0.6, height=220)
    return _meta(chart, flow)


def execution_bands(rates: pl.DataFrame, *,
                    title: str = CHART_TITLES["execution_bands"]) -> alt.LayerChart:
    """Each execution rate (``metric``, ``value``) against PEFA PI-1's bands — A within
    95–105 %, B 90–110 %, C 85–115 % — and the MoF full-points line at 100 %
    (10 × min(rate, 1), 财预〔2020〕10号)."""
    segments = [("A 95–105%", 0.95, 1.05), ("B 90–110%", 0.90, 0.95), ("B 90–110%", 1.05, 1.10),
                ("C 85–115%", 0.85, 0.90), ("C 85–115%", 1.10, 1.15)]
    values = [v for v in rates["value"].to_list() if v is not None] if "value" in rates.columns else []
    lo = min([0.5, *(v - 0.05 for v in values)])
    hi = max([1.2, *(v + 0.05 for v in values)])
    x_scale = alt.Scale(domain=[lo, hi], clamp=True)
    shade = alt.Chart(alt.Data(values=[{"band": b, "lo": a, "hi": z} for b, a, z in segments])).mark_rect(
        opacity=0.35).encode(
        x=alt.X("lo:Q", title="执行率", axis=alt.Axis(format="%"), scale=x_scale),
        x2="hi:Q",
        color=alt.Color("band:N", title="PEFA PI-1",
                        scale=alt.Scale(domain=["A 95–105%", "B 90–110%", "C 85–115%"],
                                        range=["#1e8449", "#82e0aa", "#f9e79f"])),
    )
    rule = alt.Chart(alt.Data(values=[{"x": 1.0, "text": "执行率得分满分线 100%"}])).encode(x="x:Q")
    points = alt.Chart(_data(rates)).mark_point(size=140, filled=True, color="#1f5a96", opacity=1).encode(
        x=alt.X("value:Q", scale=x_scale),
        y=alt.Y("metric:N", title=None, sort=list(_RATES), axis=alt.Axis(labelExpr=_label_expr(_RATES))),
        tooltip=[alt.Tooltip("metric_zh:N", title="口径"),
                 alt.Tooltip("value:Q", title="执行率", format=".2%")],
    )
    chart = alt.layer(
        shade, rule.mark_rule(strokeDash=[4, 3], color="#555"),
        rule.mark_text(align="left", dx=4, dy=-4, y=0, fontSize=10, color="#555").encode(text="text:N"),
        points, title=title,
    ).properties(width=_WIDTH, height=130)
    return _meta(chart, rates)


def indicator_points(ind: pl.DataFrame, *, title: str = CHART_TITLES["indicator_points"]) -> alt.LayerChart:
    """Per indicator (``level1``, ``indicator``, ``max_points``, ``points``), in the
    report's order: the max as a light bar, the points as a dark one."""
    base = alt.Chart(_data(ind.with_row_index("order"))).encode(
        y=alt.Y("indicator:N", sort=alt.EncodingSortField("order"), title=None))
    tip = [alt.Tooltip("level1:N", title=label("level1")), alt.Tooltip("indicator:N", title=label("indicator")),
           alt.Tooltip("points:Q", title=label("points")), alt.Tooltip("max_points:Q", title=label("max_points"))]
    mx = base.mark_bar(color="#d6e4f0").encode(x=alt.X("max_points:Q", title="分值 / 得分"), tooltip=tip)
    pts = base.mark_bar(height=8).encode(x="points:Q", color=alt.Color("level1:N", title=label("level1")),
                                         tooltip=tip)
    chart = alt.layer(mx, pts, title=title).properties(width=_WIDTH * 0.7, height=alt.Step(16))
    return _meta(chart, ind)


def peers(frame: pl.DataFrame, *, title: str = CHART_TITLES["peers"]) -> alt.Chart:
    """Peers' self-scores (``agency``, ``score``, ``is_self``), the agency highlighted;
    reports without a score are left out."""
    scored = frame.filter(pl.col("score").is_not_null())
    tips = [alt.Tooltip("agency:N", title=label("agency")), alt.Tooltip("score:Q", title=label("score")),
            alt.Tooltip("grade_class:N", title=label("grade_class"))]
    tips += [alt.Tooltip(f"{c}:Q", title=label(c), format=".2%") for c in _RATES[:2] if c in frame.columns]
    chart = alt.Chart(_data(scored), title=title).mark_bar().encode(
        y=alt.Y("agency:N", sort="-x", title=None),
        x=alt.X("score:Q", title=label("score"), scale=alt.Scale(domain=[0, 100])),
        color=alt.condition("datum.is_self", alt.value("#e07b39"), alt.value("#1f5a96")),
        tooltip=tips,
    ).properties(width=_WIDTH * 0.7, height=alt.Step(18))
    return _meta(chart, scored)


def series(frame: pl.DataFrame, *measures: str, title: str | None = None) -> alt.Chart:
    """Measures of an agency over its years (``year`` and each measure), one line each.

    Amounts (``*_yuan``) are drawn in 万元, rates in percent; give measures of one kind
    per chart (e.g. ``"budget_yuan", "spent_yuan"``, or ``"score"``).
    """
    measures = measures or ("score",)
    percent = all(m in _PERCENT for m in measures)
    amounts = all(m.endswith("_yuan") for m in measures)
    unit = "万元" if amounts else ("%" if percent else "")
    long = (frame.select("year", *measures).unpivot(index="year", variable_name="measure", on=list(measures))
            .drop_nulls("value"))
    if amounts:
        long = long.with_columns(pl.col("value") / YUAN_PER_WAN)
    axis_title = label(measures[0]) if len(measures) == 1 else ("比率" if percent else unit)
    title = title or (label(measures[0]) if len(measures) == 1 else CHART_TITLES["series"])
    chart = alt.Chart(_data(long), title=title).mark_line(
        point=True).encode(
        x=alt.X("year:O", title=label("year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=axis_title, scale=alt.Scale(zero=False),
                axis=alt.Axis(format="%" if percent else ",.0f")),
        color=alt.Color("measure:N", title=None, sort=list(measures),
                        legend=alt.Legend(labelExpr=_label_expr(measures), orient="bottom")),
        tooltip=[alt.Tooltip("year:O", title=label("year")), alt.Tooltip("measure_zh:N", title="指标"),
                 alt.Tooltip("value:Q", title=unit or "数值", format=".2%" if percent else ",.2f")],
    ).properties(width=_WIDTH * 0.6, height=200)
    return _meta(chart, long)


def flags_over_time(frame: pl.DataFrame, *, title: str = CHART_TITLES["flags_over_time"]) -> alt.Chart:
    """Flags per year, stacked by code (``year``, ``code``, ``flags``)."""
    codes = sorted(set(frame["code"].to_list())) if "code" in frame.columns else []
    chart = alt.Chart(_data(frame), title=title).mark_bar().encode(
        x=alt.X("year:O", title=label("year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(flags):Q", title="处数", axis=_count_axis(
            frame.group_by("year").agg(pl.col("flags").sum())["flags"].max() if frame.height else 1)),
        color=alt.Color("code:N", title=label("code"), legend=alt.Legend(labelExpr=_label_expr(codes))),
        tooltip=[alt.Tooltip("year:O", title=label("year")), alt.Tooltip("code_zh:N", title=label("code")),
                 alt.Tooltip("flags:Q", title="处数")],
    ).properties(width=_WIDTH * 0.6, height=200)
    return _meta(chart, frame)


# MoF grade bands (财预〔2020〕10号): 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
_MOF_BANDS = [{"x": 60, "text": "中 60"}, {"x": 80, "text": "良 80"}, {"x": 90, "text": "优 90"}]


def _range_expr(lo: str, hi: str, fmt: str) -> str:
    """A Vega expression writing a bin as "lo–hi" in d3 format ``fmt``."""
    return f"format(datum.{lo}, '{fmt}') + '–' + format(datum.{hi}, '{fmt}')"


def _binned_counts(frame: pl.DataFrame, field: str, *, axis_title: str, tip_title: str, fmt: str,
                   domain: list[float]) -> alt.Chart:
    """Bars of ``reports`` per bin (``<field>_lo``, ``<field>_hi``, ``synthetic``), real
    and synthetic stacked apart: a per-report histogram's look from counts a view made."""
    most = frame.group_by(f"{field}_lo").agg(pl.col("reports").sum())["reports"].max() if frame.height else 1
    return alt.Chart(_data(frame)).transform_calculate(
        bin_range=_range_expr(f"{field}_lo", f"{field}_hi", fmt),
    ).mark_bar().encode(
        x=alt.X(f"{field}_lo:Q", bin="binned", title=axis_title, scale=alt.Scale(domain=domain),
                axis=alt.Axis(format=fmt)),
        x2=f"{field}_hi:Q",
        y=alt.Y("reports:Q", title=label("reports"), stack="zero", axis=_count_axis(most)),
        color=alt.Color("synthetic:N", scale=_SOURCE, legend=_SOURCE_LEGEND),
        tooltip=[alt.Tooltip("bin_range:N", title=tip_title), alt.Tooltip("reports:Q", title=label("reports"))],
    )


def score_distribution(frame: pl.DataFrame, *, title: str = CHART_TITLES["score_distribution"]) -> alt.LayerChart:
    """Reports per 5-point score bin (``score``, ``synthetic``), real and synthetic
    stacked apart, with the MoF grade thresholds (60 / 80 / 90) as rules. From counts
    per bin when the view summarised (``score_lo``, ``score_hi``, ``synthetic``,
    ``reports``: :func:`fiscal_eval.present.views.score_bins`), the same look."""
    if "score_lo" in frame.columns:
        bars = _binned_counts(frame, "score", axis_title=label("score"), tip_title=label("score"), fmt="d",
                              domain=[0, 100])
    else:
        bars = alt.Chart(_data(frame)).mark_bar().encode(
            x=alt.X("score:Q", bin=alt.Bin(step=5, extent=[0, 100]), title=label("score"),
                    scale=alt.Scale(domain=[0, 100])),
            y=alt.Y("count():Q", title=label("reports"), axis=_count_axis(
                frame.group_by((pl.col("score") // 5).clip(0, 19)).len()["len"].max() if frame.height else 1)),
            color=alt.Color("synthetic:N", scale=_SOURCE, legend=_SOURCE_LEGEND),
            tooltip=[alt.Tooltip("score:Q", bin=alt.Bin(step=5, extent=[0, 100]), title=label("score")),
                     alt.Tooltip("count():Q", title=label("reports"))],
        )
    marks = alt.Chart(alt.Data(values=_MOF_BANDS)).encode(x="x:Q")
    chart = alt.layer(
        bars, marks.mark_rule(strokeDash=[4, 3], color="#555"),
        marks.mark_text(align="left", dx=3, y=0, dy=-4, fontSize=10, color="#555").encode(text="text:N"),
        title=title,
    ).properties(width=_WIDTH, height=200)
    return _meta(chart, frame)


def grade_distribution(grades: pl.DataFrame, *, title: str = CHART_TITLES["grade_distribution"]) -> alt.Chart:
    """Reports per grade class (``grade_class``, ``synthetic``, ``reports``), 优 → 差
    (a word of no known scale after them), real and synthetic stacked apart."""
    present = grades["grade_class"].unique(maintain_order=True).to_list() if grades.height else []
    order = [g for g in _GRADE_ORDER if g in present] + [g for g in present if g not in _GRADE_ORDER]
    chart = alt.Chart(_data(grades), title=title).mark_bar().encode(
        x=alt.X("grade_class:N", sort=order, title=label("grade_class"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("reports:Q", title=label("reports"), axis=_count_axis(
            grades.group_by("grade_class").agg(pl.col("reports").sum())["reports"].max() if grades.height else 1)),
        color=alt.Color("synthetic:N", scale=_SOURCE, legend=_SOURCE_LEGEND),
        tooltip=[alt.Tooltip("grade_class:N", title=label("grade_class")),
                 alt.Tooltip("reports:Q", title=label("reports"))],
    ).properties(width=_WIDTH * 0.6, height=220)
    return _meta(chart, grades)


def execution_vs_score(frame: pl.DataFrame, *, rate: str = "execution_rate_budget",
                       title: str = CHART_TITLES["execution_vs_score"]) -> alt.LayerChart:
    """One point per report (``agency``, ``rate``, ``score``, ``grade_class``, ``synthetic``):
    a low execution rate with a high self-score is worth a question. The dashed lines
    are 100 % execution and the 90-point 优 threshold. When the view summarised, a grid of
    counts instead (``rate_lo``, ``rate_hi``, ``score_lo``, ``score_hi``, ``reports``,
    ``synthetic_reports``: :func:`fiscal_eval.present.views.execution_score_bins`), darker
    where more reports are, the same lines over it."""
    if "rate_lo" in frame.columns:
        from fiscal_eval.present.views import RATE_CAP

        marks = alt.Chart(_data(frame)).transform_calculate(
            rate_range=(f"datum.rate_lo >= {RATE_CAP} ? '≥' + format({RATE_CAP}, '.0%') : "
                        + _range_expr("rate_lo", "rate_hi", ".0%")),
            score_range=_range_expr("score_lo", "score_hi", "d"),
        ).mark_rect().encode(
            x=alt.X("rate_lo:Q", title=label(rate), axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
            x2="rate_hi:Q",
            y=alt.Y("score_lo:Q", title=label("score"), scale=alt.Scale(zero=False)),
            y2="score_hi:Q",
            # NOTE: sqrt, and a light blue for one report: a cell of one or two reports (a
            # low rate with a high score) must stay visible beside cells of thousands.
            color=alt.Color("reports:Q", title=label("reports"),
                            scale=alt.Scale(type="sqrt", range=["#c6dbef", "#08306b"]),
                            legend=alt.Legend(format="d")),
            tooltip=[alt.Tooltip("rate_range:N", title="执行率"), alt.Tooltip("score_range:N", title=label("score")),
                     alt.Tooltip("reports:Q", title=label("reports")),
                     alt.Tooltip("synthetic_reports:Q", title="其中合成数据")],
        )
    else:
        marks = alt.Chart(_data(frame)).mark_point(size=90, filled=True, opacity=0.85).encode(
            x=alt.X(f"{rate}:Q", title=label(rate), axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
            y=alt.Y("score:Q", title=label("score"), scale=alt.Scale(zero=False)),
            color=alt.Color("grade_class:N", title=label("grade_class"), sort=_GRADE_ORDER),
            shape=alt.Shape("synthetic:N", legend=_SOURCE_LEGEND),
            tooltip=[alt.Tooltip("agency:N", title=label("agency")),
                     alt.Tooltip(f"{rate}:Q", title="执行率", format=".2%"),
                     alt.Tooltip("score:Q", title=label("score")),
                     alt.Tooltip("grade_class:N", title=label("grade_class"))],
        )
    x_rule = alt.Chart(alt.Data(values=[{"x": 1.0}])).mark_rule(strokeDash=[4, 3], color="#999").encode(x="x:Q")
    y_rule = alt.Chart(alt.Data(values=[{"y": 90}])).mark_rule(strokeDash=[4, 3], color="#999").encode(y="y:Q")
    chart = alt.layer(marks, x_rule, y_rule, title=title).properties(width=_WIDTH, height=300)
    return _meta(chart, frame)


def flags_by_type(flags: pl.DataFrame, *, title: str = CHART_TITLES["flags_by_type"]) -> alt.Chart:
    """Flags per code (``code``, ``severity``, ``flags``, ``reports``), most first."""
    codes = sorted(set(flags["code"].to_list())) if "code" in flags.columns else []
    chart = alt.Chart(_data(flags), title=title).mark_bar().encode(
        y=alt.Y("code:N", sort="-x", title=None, axis=alt.Axis(labelExpr=_label_expr(codes))),
        x=alt.X("flags:Q", title="处数", axis=_count_axis(
            flags.group_by("code").agg(pl.col("flags").sum())["flags"].max() if flags.height else 1)),
        color=alt.Color("severity:N", title=label("severity"), scale=_SEVERITY, legend=_SEVERITY_LEGEND),
        tooltip=[alt.Tooltip("code_zh:N", title=label("code")), alt.Tooltip("severity_zh:N", title=label("severity")),
                 alt.Tooltip("flags:Q", title="处数"),
                 *([alt.Tooltip("reports:Q", title=label("reports"))] if "reports" in flags.columns else [])],
    ).properties(width=_WIDTH * 0.7, height=alt.Step(22))
    return _meta(chart, flags)


def template_share(frame: pl.DataFrame, *, title: str = CHART_TITLES["template_share"]) -> alt.Chart:
    """Share of each report's sentences found near-verbatim in other agencies' reports
    (``agency``, ``template_share``; ``synthetic`` if present), highest first. When the
    view summarised, reports per share bin instead (``template_share_lo``,
    ``template_share_hi``, ``synthetic``, ``reports``:
    :func:`fiscal_eval.present.views.template_share_bins`)."""
    if "template_share_lo" in frame.columns:
        chart = _binned_counts(frame, "template_share", axis_title=label("template_share"), tip_title="占比",
                               fmt=".0%", domain=[0, 1]).properties(title=title, width=_WIDTH, height=200)
        return _meta(chart, frame)
    enc: dict[str, Any] = {}
    if "synthetic" in frame.columns:
        enc["color"] = alt.Color("synthetic:N", scale=_SOURCE, legend=_SOURCE_LEGEND)
    chart = alt.Chart(_data(frame), title=title).mark_bar().encode(
        y=alt.Y("agency:N", sort="-x", title=None),
        x=alt.X("template_share:Q", title=label("template_share"), axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("agency:N", title=label("agency")),
                 alt.Tooltip("template_share:Q", title="占比", format=".1%")],
        **enc,
    ).properties(width=_WIDTH * 0.7, height=alt.Step(18))
    return _meta(chart, frame)
