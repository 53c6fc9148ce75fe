"""``dask_scaling``: what the cluster engine costs, against the local engine in the same run.

The same synthetic corpus is ingested into a fresh store by the local engine (``jobs``
processes), then on a ``LocalCluster`` of one and of two workers (``--cluster local:1``,
``local:2``); a small batch (``batch_reports`` agency reports, the real notebooks) is
rendered the same three ways. Each figure is reports per second, beside its ratio to the
local engine's of the same run (this machine is shared and noisy: only ratios in one run
mean anything). A cluster's start is timed apart (``*_start_s``) and not counted: a real
cluster is started once, for many runs. Its workers' first tasks still start their parse
children and warm templates, as every run on a fresh cluster does.

    python -m fiscal_eval.bench.dask_scaling --reports 400 --batch-reports 4
    fiscal-eval bench --dask
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["dask_scaling"]


def dask_scaling(reports: int = 400, batch_reports: int = 4, jobs: int = 2, workers: tuple[int, ...] = (1, 2)
                 ) -> dict[str, Any]:
    """Reports per second of ingest and batch on the local engine and on local clusters."""
    from fiscal_eval.store.cluster import _distributed

    distributed = _distributed()
    from fiscal_eval import store
    from fiscal_eval.render.batch import run_batch
    from fiscal_eval.synth import generate

    root = Path(tempfile.mkdtemp(prefix="fiscal-eval-dask-"))
    try:
        agencies = max(1, reports // 3)
        corpus = generate(agencies=agencies, years=3, seed=5, out=root / "synthetic").out / "reports"
        files = sum(1 for _ in corpus.iterdir())
        figures: dict[str, Any] = {"reports": files, "batch_reports": batch_reports, "jobs": jobs}

        def measure(name: str, cluster: Any) -> None:
            started = time.perf_counter()
            summary = store.ingest([corpus], root / f"store-{name}", jobs=jobs, cluster=cluster)
            figures[f"ingest_{name}_reports_per_s"] = round(files / (time.perf_counter() - started), 1)
            assert summary.parsed == files
            started = time.perf_counter()
            result = run_batch(root / f"store-{name}", root / f"out-{name}", jobs=jobs, limit=batch_reports,
                               progress=False, cluster=cluster)
            figures[f"batch_{name}_reports_per_s"] = round(result.ran / (time.perf_counter() - started), 3)

        measure("local", None)
        for n in workers:
            started = time.perf_counter()
            with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                    distributed.Client(cluster, set_as_default=False) as client:
                figures[f"local{n}_start_s"] = round(time.perf_counter() - started, 2)
                measure(f"local{n}", client)
        for kind in ("ingest", "batch"):
            base = figures[f"{kind}_local_reports_per_s"]
            for n in workers:
                figures[f"{kind}_local{n}_vs_local"] = round(figures[f"{kind}_local{n}_reports_per_s"] / base, 2)
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(description="dask_scaling: ingest and batch, local engine against local clusters")
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--batch-reports", type=int, default=4)
    args = parser.parse_args()
    print(json.dumps(dask_scaling(args.reports, args.batch_reports), ensure_ascii=False, indent=1))
