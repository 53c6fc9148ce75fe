"""fiscal-eval batch --pdf: a PDF (A4) beside each page where headless Chromium is
installed, and a clear sentence where it is not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.render import batch as batch_mod
from fiscal_eval.render import pdf
from fiscal_eval.render.batch import BatchResult


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
