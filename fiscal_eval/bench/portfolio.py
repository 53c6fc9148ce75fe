"""How big the portfolio page (年度总览) is at a corpus size: bytes of the HTML the
batch writes for one year (the first it plans) (issue 13 asks at most 2 MB at 100,000 reports).

The page is rendered exactly as ``fiscal-eval batch`` renders it (:func:`fiscal_eval.render.batch.run_batch`
with a config holding only the portfolio entry of the package's ``batch.yml``), over a
synthetic store of ``reports`` reports (three years) or a store given. Above
:data:`fiscal_eval.present.views.SUMMARISE_ABOVE` reports in the year the page's charts
and tables summarise; ``summarised`` says whether this one did.

    python -m fiscal_eval.bench portfolio 100000 [STORE]
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["portfolio_bytes", "synthetic_store"]

_YEARS = 3


def synthetic_store(folder: str | Path, reports: int, *, jobs: int = 1, seed: int = 0, years: int = _YEARS) -> Path:
    """A store of ``reports`` synthetic reports (rounded up to whole agencies × ``years``)
    ingested into ``folder/store``; the generated texts are deleted afterwards."""
    from fiscal_eval import ingest
    from fiscal_eval.synth import generate

    folder = Path(folder)
    summary = generate(agencies=-(-reports // years), years=years, seed=seed, out=folder / "synthetic")
    ingest([summary.out / "reports"], store=folder / "store", jobs=jobs, progress=False)
    shutil.rmtree(folder / "synthetic", ignore_errors=True)
    return folder / "store"


def portfolio_bytes(reports: int = 10_000, *, store: str | Path | None = None, jobs: int = 1,
                    timeout: float = 3600, out: str | Path | None = None) -> dict[str, Any]:
    """Render one year's portfolio page (the first the batch plans) and measure it.

    Parameters
    ----------
    reports : int
        Size of the synthetic store made when ``store`` is not given.
    store : path, optional
        A store to render from instead (``reports`` is then read from it).
    out : path, optional
        A folder to keep the rendered page in (by default it is deleted).

    Returns
    -------
    dict
        ``portfolio_bytes`` (the HTML file's size), ``portfolio_mb``, ``reports`` (in the
        store), ``year_reports`` (in the page's year), ``summarised`` (the page says it
        summarised), ``seconds`` (the batch's wall clock for the page).
    """
    import polars as pl

    from fiscal_eval.present.labels import SUMMARY_MARK
    from fiscal_eval.render.batch import default_notebooks, run_batch
    from fiscal_eval.store import load

    work = Path(tempfile.mkdtemp(prefix="fiscal_eval_portfolio_"))
    try:
        root = Path(store) if store is not None else synthetic_store(work, reports, jobs=jobs)
        ok = load(root).reports.filter(pl.col("status") != "failed", pl.col("year").is_not_null(),
                                       pl.col("agency").is_not_null())
        config = work / "portfolio.yml"
        # NOTE: JSON is YAML: the package's portfolio entry, the notebook by absolute path.
        notebook = str((default_notebooks() / "portfolio.ipynb").resolve())
        config.write_text(json.dumps({"reports": {"portfolio": {
            "notebook": notebook, "for_each": "year", "parameters": ["store", "year"],
            "fixed": {"region": ""}, "data": "store"}}}, ensure_ascii=False), encoding="utf-8")
        out = Path(out) if out is not None else work / "out"
        # NOTE: one page (the first year planned): every year's page is made the same way,
        # and each loads the whole store (minutes at 100,000 reports).
        result = run_batch(root, out, jobs=1, force=True, timeout=timeout, progress=False, config=config, limit=1)
        page = next((r for r in result.reports if r.status == "ok" and r.html is not None and not r.skipped), None)
        if page is None:
            errors = "; ".join(f"{r.error_name}: {r.error_value}" for r in result.failed)
            raise RuntimeError(f"the portfolio page was not rendered ({errors or 'no page planned'})")
        year = int(page.parameters["year"])
        html = out / str(page.html)  # not None: chosen above
        text = html.read_text(encoding="utf-8")
        size = html.stat().st_size
        return {"portfolio_bytes": size, "portfolio_mb": round(size / 1024 / 1024, 2),
                "reports": load(root).reports.height, "year": year,
                "year_reports": ok.filter(pl.col("year") == year).height,
                "summarised": SUMMARY_MARK in text, "seconds": round(page.seconds, 1)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
