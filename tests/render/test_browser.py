"""Rendered reports in a real headless browser (Debian's chromium): the charts draw, the
console stays free of errors, the Chinese text is there, and nothing is fetched from the
network (every host name resolves to nowhere). Screenshots go to reports_out/ for a
person to look at.

Without chromium these tests skip, saying why; with FISCAL_EVAL_REQUIRE_BROWSER=1 (set by
.ci/run) a missing browser fails them instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from batch_support import FIXTURES, HOSTILE_AGENCIES, ROOT, real_batch, real_notebooks_missing, small_store

from fiscal_eval.render.batch import BatchResult, run_batch

# Every test here renders notebooks through the batch (or opens a browser): slow.
pytestmark = pytest.mark.slow

SCREENSHOTS = ROOT / "reports_out"
_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any network fetch fails (and logs)
    "--enable-logging=stderr", "--v=0",
)
_CONSOLE = re.compile(r":CONSOLE[^\]]*\] \"(.*)\", source: (.*)$", re.MULTILINE)
# Console messages that are errors: uncaught exceptions, console.error("Error …"),
# failed loads. (Chromium's log does not give the level; Vega's warnings start "WARN".)
_ERROR = re.compile(r"Uncaught|Error|Failed to load|ERR_")


def _chromium() -> str:
    """The browser's path; skips (or fails, in CI) when there is none."""
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    reason = f"no headless browser found (looked for {', '.join(_CANDIDATES)}; Debian: apt-get install chromium)"
    if os.environ.get("FISCAL_EVAL_REQUIRE_BROWSER") == "1":
        pytest.fail(f"FISCAL_EVAL_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class Rendered:
    dom: str  # the DOM after scripts ran (Vega's SVG included)
    console: list[str]  # every console message
    errors: list[str]  # those that are errors

    @property
    def marks(self) -> int:
        """Vega scenegraph roots drawn (``<svg class="marks">`` or ``<canvas class="marks">``)."""
        return len(re.findall(r"<(?:svg|canvas)[^>]*class=\"marks\"", self.dom))

    @property
    def text(self) -> str:
        body = re.sub(r"<(script|style)\b.*?</\1>", " ", self.dom, flags=re.S)
        return re.sub(r"<[^>]+>", " ", body)


def render(page: Path, screenshot: Path | None = None, height: int = 2400, fragment: str = "") -> Rendered:
    """Open ``page`` (``#fragment``) in headless chromium; the DOM once scripts have run,
    and the console."""
    browser = _chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        base = [browser, *_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=10000"]
        done = subprocess.run([*base, "--dump-dom", page.resolve().as_uri() + fragment],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            shot = subprocess.run([*base, f"--window-size=1280,{height}", f"--screenshot={screenshot}",
                                   page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
            assert shot.returncode == 0 and screenshot.is_file(), shot.stderr[-2000:]
    console = [f"{m.group(1)} ({m.group(2)})" for m in _CONSOLE.finditer(done.stderr)]
    return Rendered(done.stdout, console, [c for c in console if _ERROR.search(c)])


# --------------------------------------------------------------------------- the harness itself


def test_a_missing_browser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("FISCAL_EVAL_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no headless browser found"):
        _chromium()
    monkeypatch.setenv("FISCAL_EVAL_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="FISCAL_EVAL_REQUIRE_BROWSER=1 but no headless browser"):
        _chromium()


def test_harness_sees_a_chart_draw_and_an_error_fail(tmp_path: Path) -> None:
    """A stand-in report with one chart draws it; a page with an uncaught error is caught."""
    _chromium()
    result = run_batch(small_store(), tmp_path / "out", config=FIXTURES / "batch_chart.yml", jobs=1, progress=False)
    assert result.ok, [r.error for r in result.failed]
    page = result.out / result.reports[0].html
    rendered = render(page)
    assert rendered.marks == 1
    assert "甲局" in rendered.dom and "执行率" in rendered.dom
    assert rendered.errors == [], rendered.errors

    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><p>中文</p><script>undefinedFunction();</script>'
                   '<script src="https://cdn.example.com/x.js"></script></body></html>', encoding="utf-8")
    errors = render(bad).errors
    assert any("Uncaught ReferenceError" in e for e in errors), errors


def test_index_page_opens_cleanly(tmp_path: Path) -> None:
    _chromium()
    result = run_batch(small_store(), tmp_path / "out", config=FIXTURES / "batch_fixture.yml", jobs=2, progress=False)
    rendered = render(result.index)
    assert rendered.errors == []
    assert "绩效自评报告复核 · 目录" in rendered.text and "deliberately broken" in rendered.text
    # hostile agency names are text in the page, never elements
    assert HOSTILE_AGENCIES[0] in rendered.text.replace("&lt;", "<").replace("&gt;", ">")
    assert "<script>alert(1)" not in rendered.dom


# --------------------------------------------------------------------------- the real reports


@pytest.fixture(scope="module")
def real() -> BatchResult:
    _chromium()
    missing = real_notebooks_missing()
    if missing:
        pytest.skip(f"the report notebooks are not written yet: {', '.join(missing)} missing from notebooks/")
    result = real_batch()
    assert result.ok, "\n".join(f"{r.name}: {r.error}" for r in result.failed)
    return result


def _pick(real: BatchResult, kind: str, synthetic: bool | None = None):
    runs = [r for r in real.reports if r.kind == kind and (synthetic is None or r.synthetic == synthetic)]
    assert runs, kind
    return runs[0]


@pytest.mark.parametrize("kind", ["agency_report", "cross_year", "portfolio"])
def test_real_report_draws_its_charts_offline(real: BatchResult, kind: str) -> None:
    run = _pick(real, kind, synthetic=True if kind != "portfolio" else None)
    page = real.out / run.html
    rendered = render(page, screenshot=SCREENSHOTS / f"browser-{kind}.png")
    embeds = page.read_text(encoding="utf-8").count('vegaEmbed("#')  # the charts shown
    assert rendered.marks == embeds >= 1, f"{run.name}: {rendered.marks} of {embeds} charts drew"
    assert rendered.errors == [], rendered.errors
    assert re.search(r"[\u4e00-\u9fff]{4,}", rendered.text), "no Chinese text"
    if run.parameters.get("agency"):
        assert run.parameters["agency"] in rendered.text
    if run.synthetic:
        assert "SYNTHETIC" in rendered.text or "合成" in rendered.text


def test_index_filter_box_hides_what_does_not_match(real: BatchResult) -> None:
    """The filter runs offline in the page: index.html#q=保山市 opens with only that region's rows."""
    everything = render(real.index)
    rows = re.findall(r"<tr data-filter=[^>]*>", everything.dom)
    assert rows and not any("hidden" in row for row in rows)
    filtered = render(real.index, fragment="#q=" + quote("保山市"))
    assert filtered.errors == []
    shown = [r for r in re.findall(r"<tr data-filter=\"([^\"]*)\"(?![^>]*hidden)", filtered.dom)]
    assert shown and all("保山市" in r for r in shown)
    assert re.search(r'<section class="fe-group" hidden=""><h3>云岭市</h3>', filtered.dom)  # a region emptied


def test_real_agency_page_reads_as_chinese_and_opens_with_the_verdict(real: BatchResult) -> None:
    run = next(r for r in real.reports if r.kind == "agency_report" and r.parameters["agency"] == "中共保山市委网信办")
    rendered = render(real.out / run.html, screenshot=SCREENSHOTS / "browser-agency_report-real.png")
    text = " ".join(rendered.text.split())
    assert rendered.errors == []
    assert text.index("中共保山市委网信办 2019 年度绩效自评复核") < text.index("复核结论") < text.index("一、基本事实")
    assert "预算执行率报告为 84.61%，按 实际支出 600,651.81 ÷ 实际到位 710,000.00 计算应为 84.60%" in text
    assert "← 返回目录" in text
    for internal in ("execution_rate", "report_id", "rate_mismatch", "warning", "Parquet", "fiscal_eval", "/tmp/"):
        assert internal not in text, internal


@pytest.mark.parametrize("agency", HOSTILE_AGENCIES)
def test_real_report_of_a_hostile_agency_draws_and_shows_its_name_as_text(real: BatchResult, agency: str) -> None:
    """Names with <script>, <!-- (which would put the HTML parser in a script's "double
    escaped" state) and path characters: every chart still draws, the name is text."""
    run = next(r for r in real.reports if r.kind == "agency_report" and r.parameters["agency"] == agency)
    page = real.out / run.html
    rendered = render(page)
    assert rendered.errors == [], rendered.errors
    embeds = page.read_text(encoding="utf-8").count('vegaEmbed("#')
    assert rendered.marks == embeds >= 1
    assert "<script>alert(1)" not in rendered.dom and "<!--<script>" not in rendered.dom
    assert agency in rendered.text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
