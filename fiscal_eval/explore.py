"""The analysts' explorer: an ipywidgets app over a store.

Choose region, agency and year; the key figures, a chart and the audit flags follow.
Choosing a flag shows the sentence the figure came from with the figure highlighted;
a second agency can be set beside the first; the selection exports to CSV and Excel.
All state is plain Python (widget values, attributes such as :attr:`Explorer.facts_html`),
so the app is tested by setting widget values and reading what it shows.

Document text is data: every sentence, name and label is escaped before it reaches HTML,
and file names are built from a slug, never from raw text.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import ipywidgets as w
import polars as pl

from fiscal_eval import charts, views

__all__ = ["Explorer", "explorer", "highlight", "safe_stem"]

ALL = "（全部 all）"


def highlight(sentence: str | None, figure: str | None) -> str:
    """The sentence as escaped HTML with the figure marked: escape first, then mark, so
    nothing in the document can become markup.

    >>> highlight("预算执行率为84.61%。", "84.61%")
    '预算执行率为<mark>84.61%</mark>。'
    >>> highlight("<b>x</b> 1", "1")
    '&lt;b&gt;x&lt;/b&gt; <mark>1</mark>'
    """
    text = html.escape(sentence or "")
    if not figure:
        return text
    mark = html.escape(figure)
    i = text.find(mark)
    return text if i < 0 else f"{text[:i]}<mark>{mark}</mark>{text[i + len(mark):]}"


def safe_stem(agency: str, year: int) -> str:
    """A file name stem for an agency-year: letters, digits and CJK kept, the rest "_",
    with a short hash so different names never collide.

    >>> safe_stem("../<script>局", 2020)[:12]
    'script_局_2020'
    """
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "_", agency).strip("_")[:40] or "agency"
    digest = hashlib.sha256(agency.encode("utf-8")).hexdigest()[:8]
    return f"{slug}_{year}_{digest}"


class Explorer:
    """The app over a :class:`fiscal_eval.views.Corpus`; ``Explorer(c).widget`` is what
    a notebook displays."""

    def __init__(self, corpus: views.Corpus) -> None:
        self.c = corpus
        self._reports = corpus.tables.reports.filter(
            pl.col("status") != "failed", pl.col("agency").is_not_null(), pl.col("year").is_not_null())
        regions = sorted({r for r in self._reports["region"].to_list() if r})
        self.region = w.Dropdown(options=[ALL, *regions], value=ALL, description="地区 region")
        self.agency = w.Dropdown(description="单位 agency")
        self.year = w.Dropdown(description="年度 year")
        self.compare_agency = w.Dropdown(description="比较 compare")
        self.compare_year = w.Dropdown(description="年度 year")
        self.flag = w.Select(description="审核发现", rows=5, layout=w.Layout(width="95%"))
        self.banner = w.HTML()
        self.facts = w.HTML()
        self.source = w.HTML()
        self.comparison = w.HTML()
        self.chart = w.Output()
        self.export_dir = w.Text(value="reports_out/exports", description="导出到 to")
        self.export_button = w.Button(description="导出 CSV / Excel", icon="download")
        self.export_status = w.HTML()
        self.chart_spec: dict | None = None
        self._flags: pl.DataFrame | None = None
        self._bundle_sent = False

        self.region.observe(lambda _: self._fill_agencies(), "value")
        self.agency.observe(lambda _: self._fill_years(), "value")
        self.year.observe(lambda _: self._show(), "value")
        self.flag.observe(lambda _: self._show_source(), "value")
        self.compare_agency.observe(lambda _: self._fill_compare_years(), "value")
        self.compare_year.observe(lambda _: self._show_comparison(), "value")
        self.export_button.on_click(lambda _: self._export_clicked())

        self._fill_agencies()
        agencies = sorted(set(self._reports["agency"].to_list()))
        self.compare_agency.options = [("—", ""), *[(a, a) for a in agencies]]
        self.widget = w.VBox([
            w.HBox([self.region, self.agency, self.year]), self.banner, self.facts, self.chart,
            w.HTML("<b>审核发现 Flags</b>（选择一项查看原文 choose one to see its sentence）"),
            self.flag, self.source,
            w.HBox([self.compare_agency, self.compare_year]), self.comparison,
            w.HBox([self.export_dir, self.export_button]), self.export_status,
        ])

    # ------------------------------------------------------------------ selection
    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _fill_agencies(self) -> None:
        rows = self._reports
        if self.region.value != ALL:
            rows = rows.filter(pl.col("region") == self.region.value)
        # Real reports first, then synthetic ones, each by name.
        ordered = rows.sort("synthetic", "agency").select("agency").unique(maintain_order=True)["agency"]
        self.agency.options = ordered.to_list()
        if self.agency.options and self.agency.value not in self.agency.options:
            self.agency.value = self.agency.options[0]
        self._fill_years()

    def _fill_years(self) -> None:
        years = sorted(self._reports.filter(pl.col("agency") == self.agency.value)["year"].to_list(), reverse=True)
        self.year.options = years
        if years and self.year.value not in years:
            self.year.value = years[0]
        else:
            self._show()

    @property
    def selection(self) -> tuple[str, int]:
        return self.agency.value, int(self.year.value)

    # ------------------------------------------------------------------ what it shows
    def _show(self) -> None:
        if self.agency.value is None or self.year.value is None:
            return
        agency, year = self.selection
        note = views.synthetic_note(self.c, agency, year)
        self.banner.value = (f'<div style="border:2px solid #c0392b;background:#fdecea;padding:6px">'
                             f"{html.escape(note)}</div>" if note else "")
        self.facts.value = charts.table_html(views.agency_facts(self.c, agency, year), caption=f"{agency} {year}")
        chart = charts.funds_flow(views.funds_flow(self.c, agency, year))
        self.chart_spec = chart.to_dict()
        # NOTE: outputs set from the kernel side (not `with self.chart:` capture): capturing
        # into an Output widget can leave a headless papermill client waiting forever.
        from IPython.display import HTML

        self.chart.outputs = ()
        self.chart.append_display_data(HTML(charts.chart_html(chart, with_bundle=not self._bundle_sent)))
        self._bundle_sent = True
        flags = views.flags_with_sentences(self.c, agency, year)
        self.flag.options = [(f"{r['severity']} · {r['code']} · {r['message'][:60]}", i)
                             for i, r in enumerate(flags.iter_rows(named=True))]
        self._flags = flags
        self.flag.value = 0 if flags.height else None
        self._show_source()

    def _show_source(self) -> None:
        flags = self._flags
        if self.flag.value is None or flags is None or flags.height == 0:
            self.source.value = ""
            return
        row = flags.row(self.flag.value, named=True)
        self.source.value = (f'<div class="fe-source"><b>{html.escape(row["code"])}</b>：{html.escape(row["message"])}'
                             f'<blockquote>{highlight(row["sentence"], row["figure"])}</blockquote></div>')

    @property
    def highlight_html(self) -> str:
        """The flag's sentence with the figure marked (what the source panel shows)."""
        return self.source.value

    @property
    def facts_html(self) -> str:
        return self.facts.value

    # ------------------------------------------------------------------ comparison
    def _fill_compare_years(self) -> None:
        if not self.compare_agency.value:
            self.compare_year.options = []
            self.comparison.value = ""
            return
        years = sorted(self._reports.filter(pl.col("agency") == self.compare_agency.value)["year"].to_list(),
                       reverse=True)
        self.compare_year.options = years
        if self.compare_year.value not in years:
            self.compare_year.value = years[0]
        else:
            self._show_comparison()

    def comparison_frame(self) -> pl.DataFrame | None:
        """The two selections' key figures side by side (项目 | first | second)."""
        if not self.compare_agency.value or self.compare_year.value is None:
            return None
        a, ya = self.selection
        b, yb = self.compare_agency.value, int(self.compare_year.value)
        left = views.agency_facts(self.c, a, ya).rename({"数值": f"{a} {ya}"})
        right = views.agency_facts(self.c, b, yb).rename({"数值": f"{b} {yb}"})
        if f"{a} {ya}" == f"{b} {yb}":
            right = right.rename({f"{b} {yb}": f"{b} {yb} (2)"})
        return left.join(right, on="项目", how="left", maintain_order="left")

    def _show_comparison(self) -> None:
        frame = self.comparison_frame()
        self.comparison.value = "" if frame is None else charts.table_html(frame, caption="并列比较 side by side")

    # ------------------------------------------------------------------ export
    def export(self, folder: str | Path) -> list[Path]:
        """Write the selection (facts, flags, indicators, and the comparison if set) as
        CSV files and one Excel workbook; returns the files written."""
        agency, year = self.selection
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = safe_stem(agency, year)
        sheets = {
            "facts": views.agency_facts(self.c, agency, year),
            "flags": views.flags_with_sentences(self.c, agency, year),
            "indicators": views.indicator_points(self.c, agency, year),
        }
        comparison = self.comparison_frame()
        if comparison is not None:
            sheets["comparison"] = comparison
        written = []
        for name, frame in sheets.items():
            path = folder / f"{stem}_{name}.csv"
            frame.write_csv(path)
            written.append(path)
        xlsx = folder / f"{stem}.xlsx"
        import pandas as pd

        with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                frame.to_pandas().to_excel(writer, sheet_name=name, index=False)
        written.append(xlsx)
        return written

    def _export_clicked(self) -> None:
        try:
            files = self.export(self.export_dir.value)
        except OSError as exc:
            self.export_status.value = f"导出失败 export failed: {html.escape(str(exc))}"
            return
        self.export_status.value = "已导出 exported: " + "、".join(html.escape(p.name) for p in files)


def explorer(store: str | Path = "data/store") -> Explorer:
    """The explorer over a store (what notebooks/explore.ipynb displays)."""
    return Explorer(views.open_corpus(store))
