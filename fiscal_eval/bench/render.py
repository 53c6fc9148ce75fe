"""How much faster the batch is than the naive loop, measured in one run.

The naive loop is what one would write first: for each report, the ``papermill`` CLI (a
fresh interpreter and a fresh Jupyter kernel, the notebook importing polars and altair
and building the Vega bundle), then ``jupyter nbconvert --to html`` (another fresh
interpreter), one report after another. The batch is ``fiscal-eval batch`` over the
same reports, as a subprocess too (its start-up, worker warm-up and index included).
``batch_vs_naive`` is the ratio of the two wall-clock times; no test asserts it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["batch_vs_naive"]


def _env() -> dict[str, str]:
    """The environment of the subprocesses: fiscal_eval importable even when not installed."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # the folder holding fiscal_eval/
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    env.pop("FISCAL_EVAL_DEBUG", None)
    return env


def _tool(name: str, module: str) -> list[str]:
    """The console script beside this interpreter, else ``python -m module``."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


def _demo_store(folder: Path, agencies: int, years: int) -> Path:
    """samples + a synthetic corpus, ingested into ``folder/store``."""
    from fiscal_eval import ingest
    from fiscal_eval.synth import generate

    samples = Path(__file__).resolve().parents[2] / "data" / "samples"
    summary = generate(agencies=agencies, years=years, seed=0, out=folder / "synthetic")
    inputs = [p for p in (samples, summary.out / "reports") if p.exists()]
    ingest(inputs, folder / "store", jobs=1)
    return folder / "store"


def batch_vs_naive(store: str | os.PathLike[str] | None = None, reports: int = 12,
                   jobs: int | None = None, timeout: float = 600) -> dict[str, Any]:
    """Time the naive loop and ``fiscal-eval batch`` over the same ``reports`` reports.

    Parameters
    ----------
    store : path, optional
        The store to report on; by default a temporary one (the samples plus 12 synthetic
        agencies × 3 years).
    reports : int
        How many reports: the first ``reports`` the batch would run (``--limit``).
    jobs : int, optional
        The batch's worker processes (default: the usable cores).

    Returns
    -------
    dict
        ``batch_vs_naive`` (naive seconds ÷ batch seconds), ``seconds_per_report`` (the
        batch's), ``naive_seconds_per_report``, ``naive_s``, ``batch_s``, ``reports``,
        ``jobs``, and the failures of each side (``naive_failed``, ``batch_failed``:
        they should be 0, else the comparison means little).
    """
    from fiscal_eval.render.batch import plan as batch_plan
    from fiscal_eval.util.workers import worker_count

    work = Path(tempfile.mkdtemp(prefix="fiscal-eval-bench-"))
    try:
        root = Path(store).resolve() if store is not None else _demo_store(work, 12, 3)
        plan = batch_plan(root)[:reports]
        if not plan:
            raise ValueError(f"the store at {root} holds no report to render")
        env = _env()
        n_jobs = worker_count(jobs)

        naive_dir = work / "naive"
        naive_dir.mkdir()
        naive_failed = 0
        started = time.perf_counter()
        for i, item in enumerate(plan):
            executed = naive_dir / f"report-{i}.ipynb"
            ran = subprocess.run(
                [*_tool("papermill", "papermill"), item.notebook, str(executed),
                 "-y", json.dumps(item.parameters, ensure_ascii=False), "-k", "python3",
                 "--no-progress-bar", "--execution-timeout", str(int(timeout))],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            exported = subprocess.run(
                [*_tool("jupyter", "jupyter"), "nbconvert", "--to", "html", str(executed),
                 "--output-dir", str(naive_dir)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            naive_failed += ran.returncode != 0 or exported.returncode != 0
        naive = time.perf_counter() - started

        out = work / "batch"
        started = time.perf_counter()
        batch = subprocess.run(
            [sys.executable, "-m", "fiscal_eval.cli", "batch", "--store", str(root), "--out", str(out),
             "--force", "--limit", str(len(plan)), "--jobs", str(n_jobs), "--timeout", str(timeout)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        elapsed = time.perf_counter() - started
        if batch.returncode not in (0, 1):
            raise RuntimeError(f"fiscal-eval batch exited {batch.returncode}: {batch.stderr.strip()[-500:]}")
        state = json.loads((out / ".batch-state.json").read_text(encoding="utf-8"))["reports"]
        batch_failed = sum(1 for r in state.values() if r["status"] != "ok")
        n = len(plan)
        return {
            "batch_vs_naive": round(naive / elapsed, 2),
            "seconds_per_report": round(elapsed / n, 3),
            "naive_seconds_per_report": round(naive / n, 3),
            "naive_s": round(naive, 2),
            "batch_s": round(elapsed, 2),
            "reports": n,
            "jobs": n_jobs,
            "naive_failed": naive_failed,
            "batch_failed": batch_failed,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
