"""The portfolio page rendered by the batch over a store above views.SUMMARISE_ABOVE
reports in a year: summarised, under the size bound, and saying so in Chinese."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from fiscal_eval.bench.portfolio import portfolio_bytes, synthetic_store
from fiscal_eval.present import labels, views

pytestmark = pytest.mark.slow  # a store of 2,010 reports and a batch run: ~30 s

AGENCIES = views.SUMMARISE_ABOVE + 10  # one year: just above the threshold
BOUND = 2 * 1024 * 1024  # issue 13: at most 2 MB


class _Text(HTMLParser):
    """The page's visible text, paragraph by paragraph (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.paragraphs: list[str] = []
        self.cells: list[str] = []
        self._skip = 0
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "td"):
            self._in = tag
            (self.paragraphs if tag == "p" else self.cells).append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == self._in:
            self._in = None

    def handle_data(self, data):
        if not self._skip and self._in:
            (self.paragraphs if self._in == "p" else self.cells)[-1] += data


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    base = tmp_path_factory.mktemp("portfolio_page")
    store = synthetic_store(base, AGENCIES, jobs=1, years=1)
    figures = portfolio_bytes(store=store, out=base / "out")
    html_file = next((base / "out").glob("portfolio-*.html"))
    return figures, html_file


def test_portfolio_page_above_the_threshold_is_summarised_and_says_so(page):
    figures, html_file = page
    assert figures["year_reports"] == AGENCIES and figures["summarised"]
    assert html_file.stat().st_size == figures["portfolio_bytes"] <= BOUND
    html = html_file.read_text(encoding="utf-8")
    text = _Text()
    text.feed(html)
    head = f"本页共 {AGENCIES:,} 份报告（超过 {views.SUMMARISE_ABOVE:,} 份时{labels.SUMMARY_MARK}）："
    notes = [p for p in text.paragraphs if p.startswith(head)]
    assert len(notes) == 4  # scores, execution grid, rankings, template share
    assert any("按得分每 5 分分组计数" in n for n in notes)
    assert any("按执行率每 5 个百分点、得分每 2 分分组计数" in n for n in notes)
    assert any(f"列出排名前 {views.TOP_N} 的报告" in n for n in notes)
    assert any("按模板句占比每 5 个百分点分组计数" in n for n in notes)
    # the ranking: its first TOP_N reports, then one row for the rest
    assert labels.REST_ROW.format(n=f"{AGENCIES - views.TOP_N:,}") in text.cells
    # five charts, the Vega JavaScript once; the charts hold counts, not every report
    assert html.count('vegaEmbed("#fe-chart-') == 5 and html.count("window.vegaEmbed=") == 1
    grid = re.findall(r'"rate_lo": ([0-9.]+), "rate_hi"', html)
    assert 0 < len(grid) <= 31 * 50
