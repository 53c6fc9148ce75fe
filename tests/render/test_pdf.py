"""fiscal-eval batch --pdf: a PDF (A4) beside each page where headless Chromium is
installed, and a clear sentence where it is not."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.render import batch as batch_mod
from fiscal_eval.render import pdf
from fiscal_eval.render.batch import BatchResult
from fiscal_eval.render.pdf import write_pdf


def test_without_a_browser_no_pdf_and_it_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FISCAL_EVAL_CHROMIUM", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert pdf.find_browser() is None
    page = tmp_path / "p.html"
    page.write_text("<html><body>甲</body></html>", encoding="utf-8")
    result = pdf.write_pdfs([page])
    assert result.browser is None and result.written == () and not (tmp_path / "p.pdf").exists()
    assert "未生成 PDF" in str(result) and "apt-get install chromium" in str(result)


def test_cli_batch_pdf_reports_what_it_did(monkeypatch: pytest.MonkeyPatch) -> None:
    done = BatchResult(out=Path("O"), index=Path("O/index.html"), reports=(), ran=0, skipped=0, failed=(),
                       seconds=0.1, pdf=pdf.PdfResult(None))
    calls = []
    monkeypatch.setattr(batch_mod, "run_batch", lambda store, out, **kw: calls.append(kw) or done)
    result = CliRunner().invoke(cli.app, ["batch", "--pdf"])
    assert result.exit_code == 0 and calls[0]["pdf"] is True
    assert "未生成 PDF" in result.output  # said, not an error: the HTML pages are there


@pytest.mark.slow
def test_a_page_prints_to_an_a4_pdf(tmp_path: Path) -> None:
    browser = pdf.find_browser()
    if browser is None:
        pytest.skip("no headless Chromium installed")
    page = tmp_path / "page.html"
    page.write_text('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><style>@page{size:A4}</style>'
                    "</head><body><h1>预算执行率</h1><p>84.61%</p></body></html>", encoding="utf-8")
    result = pdf.write_pdfs([page, tmp_path / "missing.html"], jobs=2, timeout=120)
    assert result.browser == browser and result.written == (tmp_path / "page.pdf",)
    data = (tmp_path / "page.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", data)
    assert box and (round(float(box.group(1))), round(float(box.group(2)))) == (595, 842)  # A4 in points
    assert "已生成 1 个 PDF" in str(result)
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's")
def test_a_printing_browser_dies_with_the_batch(tmp_path: Path) -> None:
    # A "browser" that hangs; the process printing with it is killed outright: within a
    # few seconds nothing it started is left (issue 15, no orphans).
    marker = f"sleep 300.{time.time_ns() % 10**9:09d}"  # a sleep that names itself uniquely
    browser = tmp_path / "chromium"
    browser.write_text(f"#!/bin/sh\nexec {marker}\n", encoding="utf-8")
    browser.chmod(0o755)
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    code = ("import sys; from pathlib import Path; from fiscal_eval.render.pdf import write_pdf; "
            "write_pdf(Path(sys.argv[1]), sys.argv[2], timeout=600)")
    printer = subprocess.Popen([sys.executable, "-c", code, str(page), str(browser)])

    def left() -> list[str]:
        out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
        return out.split()

    deadline = time.monotonic() + 60
    while not left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left(), "the browser never started"
    printer.kill()
    printer.wait()
    deadline = time.monotonic() + 10
    while left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left() == []


def test_a_browser_past_its_timeout_is_stopped(tmp_path: Path) -> None:
    # The browser and a helper it started in the background both end at the timeout.
    helper = f"300.{time.time_ns() % 10**9:09d}"  # a sleep that names itself uniquely
    browser = tmp_path / "chromium"
    browser.write_text(f"#!/bin/sh\nsleep {helper} &\nexec sleep 300\n", encoding="utf-8")
    browser.chmod(0o755)
    page = tmp_path / "p.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match="longer than 1 s"):
        write_pdf(page, str(browser), timeout=1)
    deadline = time.monotonic() + 10
    while subprocess.run(["pgrep", "-f", f"sleep {helper}"], capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "the browser's helper outlived the timeout"
        time.sleep(0.2)
