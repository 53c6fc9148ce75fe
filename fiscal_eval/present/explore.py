"""The analysts' explorer: an ipywidgets app over a corpus, for JupyterLab.

Choose region, agency and year; the key figures, three charts and the audit flags
follow. Choosing a flag shows the report's sentence with the figure marked; a second
agency-year can be set beside the first; the selection exports to CSV and Excel.

The app is plain Python: every output is a widget value (``facts.value``,
``source.value``, ``chart.outputs``) or an attribute (:attr:`Explorer.current_report_id`,
:attr:`Explorer.highlight_html`), so tests set widget values and read what it shows,
without a browser.

Document text is data: names, sentences and labels are escaped before they reach HTML
(the figure is marked after escaping), charts go through :func:`fiscal_eval.present.charts.chart_html`
(which escapes its spec), and export file names come from a slug, never from raw text.
Synthetic reports carry the synthetic banner and are compared only with synthetic ones.

Examples
--------
>>> from fiscal_eval.present import views
>>> import fiscal_eval
>>> app = Explorer(views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"]))))
>>> app.selection
('中共保山市委网信办', 2019)
>>> app.year.options
(2019,)
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as w
import polars as pl

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.model import sentence_at
from fiscal_eval.present import charts, findings, sheets, views
from fiscal_eval.present.labels import CHART_TITLES, ITEM, NO_DATA, SEVERITIES, VALUE, label
from fiscal_eval.util import slugs

__all__ = ["Explorer", "explorer", "highlight", "marked_sentence", "slug", "flag_sources", "ALL"]

ALL = "（全部 all）"
NONE = "（不比较 none）"
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use marks around the figure until escaped


# ----------------------------------------------------------------------------- helpers


def highlight(sentence: str | None, figure: str | None) -> str:
    """The sentence as HTML with the first occurrence of ``figure`` in ``<mark>``:
    escaped first, then marked, so nothing in the document becomes markup.

    >>> highlight("预算执行率为84.61%。", "84.61%")
    '预算执行率为<mark>84.61%</mark>。'
    >>> highlight("<b>1</b> 1", "1")
    '&lt;b&gt;<mark>1</mark>&lt;/b&gt; 1'
    """
    text = html.escape(sentence or "")
    mark = html.escape(figure or "")
    i = text.find(mark) if mark else -1
    return text if i < 0 else f"{text[:i]}<mark>{mark}</mark>{text[i + len(mark):]}"


def marked_sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` (as :func:`fiscal_eval.model.sentence_at`
    cuts it) as escaped HTML with exactly that span in ``<mark>``, even where the same
    figure occurs twice in the sentence.

    >>> marked_sentence("甲。执行率100%，到位率100%。乙", 13, 17)
    '执行率100%，到位率<mark>100%</mark>。'
    >>> marked_sentence("<i>执行率</i>为5%。", 11, 13)
    '&lt;i&gt;执行率&lt;/i&gt;为<mark>5%</mark>。'
    """
    clean = text.replace(_OPEN, "\ufffd").replace(_CLOSE, "\ufffd")
    marked = f"{clean[:start]}{_OPEN}{clean[start:end]}{_CLOSE}{clean[end:]}"
    escaped = html.escape(sentence_at(marked, (start, end + 2)))
    return escaped.replace(_OPEN, "<mark>", 1).replace(_CLOSE, "</mark>", 1)


def slug(text: str, *, limit: int = 40) -> str:
    """A file-name-safe stand-in for document text: :func:`fiscal_eval.util.slugs.slug` with
    ``_`` between words, cut to ``limit`` (``report`` when nothing is left), plus a short
    hash of the whole text (two names that slug alike still get different files).

    >>> slug("中共保山市委网信办")
    '中共保山市委网信办_e470e508'
    >>> slug('../../etc/<script>"x"')[:12]
    'etc_script_x'
    """
    core = slugs.slug(text, limit, sep="_") or "report"
    return f"{core}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def flag_sources(c: views.Corpus, agency: str, year: int) -> pl.DataFrame:
    """The analysed report's flags (as :func:`fiscal_eval.present.findings.graded`: severity by
    materiality, the message in Chinese, most severe first) with ``source_html``:
    the sentence escaped with the flagged figure in ``<mark>``, located by the flag's span
    in the report text (by the figure's first occurrence when the span does not fit).

    >>> import fiscal_eval
    >>> c = views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
    >>> flag_sources(c, "中共保山市委网信办", 2019)["source_html"][1].endswith("预算执行率为<mark>84.61%</mark>。")
    True
    """
    rid = views.reports_of(c, agency, year)["report_id"][0]
    flags = findings.graded(views._rows(c, "flags", pl.col("report_id") == rid))
    texts = views._rows(c, "texts", pl.col("report_id") == rid)["text"]
    text = texts[0] if texts.len() else None
    out = []
    for f in flags.iter_rows(named=True):
        shown = highlight(f["sentence"], f["figure"]) if f["sentence"] else ""
        if text and f["span_start"] is not None and f["span_end"] is not None:
            exact = marked_sentence(text, f["span_start"], f["span_end"])
            # NOTE: trust the span only if it gives back the sentence the audit stored.
            if re.sub(r"</?mark>", "", exact) == html.escape(f["sentence"] or ""):
                shown = exact
        out.append(shown)
    return (flags.select("severity", "code", "field", "reported", "expected", "message", "gap", "figure", "sentence")
            .with_columns(pl.Series("source_html", out, dtype=pl.Utf8)))


def _banner_html(text: str | None) -> str:
    if not text:
        return ""
    return ('<div class="fe-banner" style="border:2px solid #c0392b;background:#fdecea;'
            f'padding:8px 12px;font-weight:bold;color:#922b21">{html.escape(text)}</div>')


def _notice_html(text: str | None) -> str:
    if not text:
        return ""
    return ('<div class="fe-notice" style="border:1px solid #1f5a96;background:#eef4fb;padding:8px 12px;'
            f'color:#1f3f66">{html.escape(text)}</div>')


# ----------------------------------------------------------------------------- the app


class Explorer:
    """The explorer over a :class:`fiscal_eval.present.views.Corpus` (not mutated); a notebook
    displays the object itself (or ``.widget``).

    Widgets (set their ``.value`` to drive the app): ``region``, ``agency``, ``year``;
    ``flag`` (a Select of the report's flags, value = row number); ``compare_agency``,
    ``compare_year``; ``export_dir``, ``export_button``. Outputs: ``banner``, ``facts``,
    ``source``, ``comparison``, ``export_status`` (HTML widgets) and ``chart`` (an Output
    whose one display item holds the three charts, each a div and an embed call); the
    Vega JavaScript (about 1 MB) is in ``vega``, an Output set once, so every view of the
    app has it whichever draw it shows.

    Examples
    --------
    >>> import fiscal_eval
    >>> app = Explorer(views.corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"]))))
    >>> app.region.value = "和平县"
    >>> app.selection, "88" in app.facts.value
    (('和平县政务服务数据管理局', 2020), True)
    """

    def __init__(self, corpus: views.Corpus, *, export_dir: str | Path = "reports_out/exports",
                 notice: str | None = None) -> None:
        self.corpus = corpus
        # The selectors' lists only: four columns, one row an agency-year (a store's other
        # columns are read per selection, by the views).
        self._reports = views._ok(corpus, columns=["agency", "year", "region", "synthetic"]).unique(
            maintain_order=True)
        if self._reports.height == 0:
            raise FiscalEvalError("no readable report in this corpus: nothing to explore")
        self._quiet_depth = 0
        self._flags = pl.DataFrame()
        self.current_report_id: str | None = None
        self.chart_specs: dict[str, dict] = {}

        regions = sorted({r for r in self._reports["region"].to_list() if r})
        wide = w.Layout(width="auto")
        self.region = w.Dropdown(options=[ALL, *regions], value=ALL, description="地区", layout=wide)
        self.agency = w.Dropdown(description="单位", layout=w.Layout(width="26em"))
        self.year = w.Dropdown(description="年度", layout=wide)
        self.notice = w.HTML(_notice_html(notice))
        self.banner = w.HTML()
        self.facts = w.HTML()
        self.chart = w.Output()
        # NOTE: the Vega JavaScript lives in an Output of its own, set once and never
        # replaced, just before the charts: every view of the app — a reloaded page, the
        # app displayed again or in another notebook — renders it with the charts. (Sent
        # with the first draw only, it vanished when the next draw replaced that output.)
        self.vega = w.Output(layout=w.Layout(height="0px", overflow="hidden"))
        self.vega.outputs = ({"output_type": "display_data", "metadata": {},
                              "data": {"text/html": charts.bundle_html(), "text/plain": ""}},)
        self.flag = w.Select(description="审核发现", rows=5, layout=w.Layout(width="95%"))
        self.source = w.HTML()
        self.compare_agency = w.Dropdown(description="比较", layout=w.Layout(width="26em"))
        self.compare_year = w.Dropdown(description="年度", layout=wide)
        self.comparison = w.HTML()
        self.export_dir = w.Text(value=str(export_dir), description="导出到")
        self.export_button = w.Button(description="导出 CSV / Excel", icon="download")
        self.export_status = w.HTML()

        with self._quiet():
            self._fill_agencies()
            agency, year = views.default_agency_year(corpus)
            self.agency.value = agency
            self._fill_years()
            self.year.value = year
        self._refresh()

        self.region.observe(self._on_region, "value")
        self.agency.observe(self._on_agency, "value")
        self.year.observe(self._on_year, "value")
        self.flag.observe(self._on_flag, "value")
        self.compare_agency.observe(self._on_compare_agency, "value")
        self.compare_year.observe(self._on_compare_year, "value")
        self.export_button.on_click(self._on_export)

        def heading(text: str) -> w.HTML:
            return w.HTML(f"<h4 style='margin:8px 0 2px'>{html.escape(text)}</h4>")

        self.widget = w.VBox([
            self.notice, w.HBox([self.region, self.agency, self.year]), self.banner,
            heading("关键数字"), self.facts,
            heading("图表"), self.vega, self.chart,
            heading("审核发现（选择一项，查看原文句子）"), self.flag, self.source,
            heading("并列比较"), w.HBox([self.compare_agency, self.compare_year]),
            self.comparison,
            heading("导出（CSV 与 Excel）"), w.HBox([self.export_dir, self.export_button]), self.export_status,
        ])

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
        return self.widget._repr_mimebundle_(**kwargs)

    # ------------------------------------------------------------------ selection

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Observers do nothing inside: option lists are rebuilt without a cascade."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    @property
    def selection(self) -> tuple[str, int]:
        """The (agency, year) shown."""
        return str(self.agency.value), int(self.year.value)  # pyright: ignore[reportArgumentType]  # set with the options

    @property
    def compare_selection(self) -> tuple[str, int] | None:
        """The (agency, year) set beside it, or None."""
        if self.compare_agency.value in (None, NONE) or self.compare_year.value is None:
            return None
        return self.compare_agency.value, int(self.compare_year.value)

    def _agencies(self, rows: pl.DataFrame) -> list[str]:
        # Real reports first, then synthetic ones, each by name.
        return rows.sort("synthetic", "agency")["agency"].unique(maintain_order=True).to_list()

    def _years(self, agency: str | None) -> list[int]:
        return sorted(self._reports.filter(pl.col("agency") == agency)["year"].unique().to_list(), reverse=True)

    def _fill_agencies(self) -> None:
        rows = self._reports
        if self.region.value != ALL:
            rows = rows.filter(pl.col("region") == self.region.value)
        options = self._agencies(rows)
        keep = self.agency.value if self.agency.value in options else options[0]
        self.agency.options = options
        self.agency.value = keep

    def _fill_years(self) -> None:
        options = self._years(self.agency.value)
        keep = self.year.value if self.year.value in options else options[0]
        self.year.options = options
        self.year.value = keep

    def _fill_compare(self) -> None:
        """Agencies of the same kind (real or synthetic) as the selection, and their years."""
        synthetic = bool(views.reports_of(self.corpus, *self.selection)["synthetic"][0])
        options = [NONE, *self._agencies(self._reports.filter(pl.col("synthetic") == synthetic))]
        keep = self.compare_agency.value if self.compare_agency.value in options else NONE
        self.compare_agency.options = options
        self.compare_agency.value = keep
        years = [] if keep == NONE else self._years(keep)
        year = self.compare_year.value if self.compare_year.value in years else (years[0] if years else None)
        self.compare_year.options = years
        self.compare_year.value = year

    def _on_region(self, _: Any) -> None:
        if self._quiet_depth:
            return
        with self._quiet():
            self._fill_agencies()
            self._fill_years()
        self._refresh()

    def _on_agency(self, _: Any) -> None:
        if self._quiet_depth or self.agency.value is None:
            return
        with self._quiet():
            self._fill_years()
        self._refresh()

    def _on_year(self, _: Any) -> None:
        if not self._quiet_depth and self.year.value is not None:
            self._refresh()

    def _on_flag(self, _: Any) -> None:
        if not self._quiet_depth:
            self._show_source()

    def _on_compare_agency(self, _: Any) -> None:
        if self._quiet_depth:
            return
        with self._quiet():
            years = [] if self.compare_agency.value in (None, NONE) else self._years(self.compare_agency.value)
            self.compare_year.options = years
            self.compare_year.value = years[0] if years else None
        self._show_comparison()

    def _on_compare_year(self, _: Any) -> None:
        if not self._quiet_depth:
            self._show_comparison()

    # ------------------------------------------------------------------ what it shows

    def _refresh(self) -> None:
        agency, year = self.selection
        c = self.corpus
        reports = views.reports_of(c, agency, year)
        self.current_report_id = reports["report_id"][0]
        self.banner.value = _banner_html(views.synthetic_note(c, agency, year))
        self.facts.value = charts.table_html(views.agency_facts(c, agency, year), caption=f"{agency} {year}")
        if reports.height > 1:  # a department-wide report and project ones: say which is shown
            self.facts.value += charts.table_html(
                views.report_list(c, agency, year),
                caption=f"本年度 {reports.height} 份报告，上表为“本页分析”标为“是”的一份")
        self._draw_charts(agency, year)
        self._flags = flag_sources(c, agency, year)
        with self._quiet():
            self.flag.options = [(f"{SEVERITIES.get(r['severity'], r['severity'])} · {label(r['code'])} · "
                                  f"{r['message'][:60]}", i)
                                 for i, r in enumerate(self._flags.iter_rows(named=True))]
            self.flag.value = 0 if self._flags.height else None
            self._fill_compare()
        self._show_source()
        self._show_comparison()

    def _draw_charts(self, agency: str, year: int) -> None:
        c = self.corpus
        frames = {
            "funds_flow": (views.funds_flow(c, agency, year), charts.funds_flow),
            "execution_bands": (views.execution_rates(c, agency, year), charts.execution_bands),
            "indicator_points": (views.indicator_points(c, agency, year), charts.indicator_points),
        }
        parts, self.chart_specs = [], {}
        for name, (frame, build) in frames.items():
            if frame.height == 0:
                parts.append(f'<p class="fe-empty">{CHART_TITLES[name]}：{NO_DATA}</p>')
                continue
            chart = build(frame)
            self.chart_specs[name] = chart.to_dict()
            parts.append(charts.chart_html(chart, with_bundle=False))  # the JavaScript: self.vega
        # NOTE: the outputs are set, not captured with `with self.chart:` (which needs a
        # kernel): the same code draws in JupyterLab and in a plain-Python test.
        self.chart.outputs = ({"output_type": "display_data", "metadata": {},
                               "data": {"text/html": "".join(parts),
                                        "text/plain": f"{agency} {year} 图表"}},)

    @property
    def chart_html(self) -> str:
        """The HTML of the chart area (without the Vega JavaScript, which is in ``vega``)."""
        return self.chart.outputs[0]["data"]["text/html"] if self.chart.outputs else ""

    def _show_source(self) -> None:
        i = self.flag.value
        if i is None or self._flags.height == 0:
            self.source.value = ('<p class="fe-empty">（本报告没有审核发现）</p>'
                                 if self._flags.height == 0 else "")
            return
        f = self._flags.row(i, named=True)
        quote = (f'<blockquote style="border-left:3px solid #e07b39;padding-left:8px">{f["source_html"]}</blockquote>'
                 if f["source_html"] else "<p>（没有原文出处）</p>")
        gap = f"（相差 {html.escape(str(f['gap']))}）" if f["gap"] else ""
        self.source.value = (f'<div class="fe-source"><b>{html.escape(label(f["code"]))}</b>'
                             f'（{html.escape(SEVERITIES.get(f["severity"], str(f["severity"])))}）：'
                             f'{html.escape(f["message"])}{gap}{quote}</div>')

    @property
    def highlight_html(self) -> str:
        """The chosen flag's sentence, escaped, with the figure in ``<mark>`` ("" if none)."""
        i = self.flag.value
        return "" if i is None or self._flags.height == 0 else self._flags["source_html"][i]

    # ------------------------------------------------------------------ comparison

    def comparison_frame(self) -> pl.DataFrame | None:
        """The key figures of the selection and the compared agency-year side by side
        (项目 | first | second), or None when nothing is compared."""
        other = self.compare_selection
        if other is None:
            return None
        (a, ya), (b, yb) = self.selection, other
        left, right = f"{a} {ya}", f"{b} {yb}"
        if right == left:
            right += "（2）"
        return (views.agency_facts(self.corpus, a, ya).rename({VALUE: left})
                .join(views.agency_facts(self.corpus, b, yb).rename({VALUE: right}),
                      on=ITEM, how="left", maintain_order="left"))

    def _show_comparison(self) -> None:
        frame = self.comparison_frame()
        if frame is None:
            self.comparison.value = ""
            return
        note = views.synthetic_note(self.corpus, *self.selection)
        self.comparison.value = _banner_html(note) + charts.table_html(frame, caption="并列比较")

    # ------------------------------------------------------------------ export

    def default_stem(self) -> str:
        """The export file stem of the selection: slugs of the agency (and of the compared
        one) with the years, ``synthetic_`` first for synthetic data."""
        (agency, year), other = self.selection, self.compare_selection
        stem = f"{slug(agency)}_{year}"
        if other is not None:
            stem += f"_vs_{slug(other[0])}_{other[1]}"
        return ("synthetic_" if views.synthetic_note(self.corpus, agency, year) else "") + stem

    def export_frames(self) -> dict[str, pl.DataFrame]:
        """What an export writes, by file suffix: facts (as the page shows them), flags
        (the page's findings, with the figures as written), indicators, and the
        comparison when one is set."""
        c, (agency, year) = self.corpus, self.selection
        rid = views.reports_of(c, agency, year)["report_id"][0]
        flags = findings.graded(views._rows(c, "flags", pl.col("report_id") == rid)).select(
            "severity", "code", "message", "gap", "reported", "expected", "figure", "sentence")
        frames = {"facts": views.agency_facts(c, agency, year), "flags": flags,
                  "indicators": views.indicator_points(c, agency, year)}
        comparison = self.comparison_frame()
        if comparison is not None:
            frames["comparison"] = comparison
        return frames

    def export_sheets(self) -> dict[str, sheets.Sheet]:
        """The export as spreadsheet sheets, by sheet name: figures typed (amounts in 万元
        and rates as numbers with their formats), headers and codes in Chinese."""
        c, (agency, year) = self.corpus, self.selection
        frames = self.export_frames()
        out = {"关键数字": sheets.facts_sheet(views.facts(c, agency, year)),
               "审核发现": sheets.frame_sheet(frames["flags"]),
               "指标得分": sheets.frame_sheet(frames["indicators"])}
        other = self.compare_selection
        if other is not None and "comparison" in frames:
            left, right = frames["comparison"].columns[1:]
            out["并列比较"] = sheets.side_by_side({left: views.facts(c, agency, year),
                                                   right: views.facts(c, *other)})
        return out

    def export(self, path_stem: str | Path | None = None) -> list[Path]:
        """Write the selection as ``<stem>_<part>.csv`` files (UTF-8 with BOM, so Excel
        reads the Chinese) and one ``<stem>.xlsx`` workbook (a sheet each; a 说明 sheet
        first when the data is synthetic): numbers as numbers with number formats, text
        that a spreadsheet would run as a formula written as text. Returns the files
        written.

        ``path_stem`` defaults to ``export_dir / default_stem()``; its folder is created.
        """
        stem = Path(path_stem) if path_stem is not None else Path(self.export_dir.value) / self.default_stem()
        stem.parent.mkdir(parents=True, exist_ok=True)
        parts = self.export_sheets()
        suffixes = dict(zip(parts, ("facts", "flags", "indicators", "comparison")))
        written = [sheets.write_csv(stem.with_name(f"{stem.name}_{suffixes[name]}.csv"), sheet)
                   for name, sheet in parts.items()]
        note = views.synthetic_note(self.corpus, *self.selection)
        written.append(sheets.write_xlsx(stem.with_name(f"{stem.name}.xlsx"), parts, note))
        return written

    def _on_export(self, _: Any = None) -> None:
        try:
            files = self.export()
        except (OSError, FiscalEvalError) as exc:
            self.export_status.value = (f'<span style="color:#c0392b">导出失败：'
                                        f"{html.escape(str(exc))}</span>")
            return
        folder = html.escape(str(files[0].parent))
        names = "、".join(html.escape(p.name) for p in files)
        self.export_status.value = f"已导出到 {folder}：{names}"


_ROOT = Path(__file__).resolve().parents[2]


def _resolve(path: str | Path) -> Path:
    """A relative path from the working folder, else from the checkout's root (JupyterLab
    runs notebooks/explore.ipynb in notebooks/, where "data/store" is not)."""
    p = Path(path)
    if p.is_absolute() or p.exists() or not (_ROOT / p).exists():
        return p
    return _ROOT / p


#: What the explorer opens on when there is no store yet: the samples shipped with the checkout.
SAMPLES = "data/samples"


def _fresh_store(store: Path, samples: Path, names: tuple[str, str]) -> str:
    """Build ``store`` from the bundled samples; the notice that says so (``names``: the
    store and the samples as the caller named them, not the machine's absolute paths)."""
    from fiscal_eval.store import ingest

    result = ingest([samples], store, progress=False)
    return (f"还没有数据存储 {names[0]}：已用随附的 {result.files} 份样本报告（{names[1]}）建立，"
            "下面显示的是这些样本。要看你自己的报告，先导入："
            f"fiscal-eval ingest 报告所在的文件夹 --store {names[0]}，然后重新运行本单元格。")


def explorer(store: str | Path = "data/store", *, samples: str | Path | None = SAMPLES) -> Explorer:
    """The explorer over a store (what ``notebooks/explore.ipynb`` displays); a relative
    ``store`` is looked for in the working folder, then in the checkout's root, and exports
    go to the checkout's ``reports_out/exports`` when there is one.

    On a fresh clone there is no store yet: then, unless ``samples`` is None, the store is
    built from the bundled sample reports (``data/samples``) and the explorer says so at
    its top, with the command that imports one's own reports.

    >>> explorer("no/such/store", samples=None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    fiscal_eval.errors.FiscalEvalError: no store at ...
    """
    exports = _resolve("reports_out") / "exports"
    path = _resolve(store)
    notice = None
    if samples is not None and not path.exists():
        folder = _resolve(samples)
        if folder.is_dir():
            if not path.is_absolute():  # a fresh clone: the store goes where the docs say, in the checkout
                path = (_ROOT / path) if (_ROOT / "pyproject.toml").is_file() else path
            notice = _fresh_store(path, folder, (Path(store).as_posix(), Path(samples).as_posix()))
    return Explorer(views.open_corpus(path), export_dir=exports, notice=notice)
