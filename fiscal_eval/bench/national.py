"""A national corpus: what a report costs, and what the corpus metrics cost, as the store grows.

Figures (each a key of the dict :func:`run` returns; ratios against a baseline of the
same run, as everywhere in :mod:`fiscal_eval.bench`):

* ``batch_scaling`` — seconds one agency page's data take (:func:`page_seconds`:
  ``open_corpus`` in a fresh state, then every view and the verdict the agency_report
  notebook calls) with ``large`` reports in the store ÷ with ``small``; beside it the
  seconds of each (``page_s_small``, ``page_s_large``). The notebook's own cost (kernel,
  charts, HTML) does not depend on the store, so the page's ratio is at most this one.
* ``metrics_incremental_s`` — the corpus-metrics step of a re-ingest that adds 1 % new
  reports to a store of ``metrics_reports`` (template share and specificity included):
  :class:`~fiscal_eval.metrics.stored.MetricsBuilder` fed the new texts, then ``finish``.
* ``metrics_full_s`` / ``metrics_full_peak_mb`` — the same metrics computed afresh from
  the generation's tables (texts read in batches), in a fresh process: seconds and peak
  memory.
* ``metrics_incremental_vs_full`` — the first ÷ the second, both of the same run.
* ``ingest_s`` / ``ingest_peak_rss_mb`` — ``fiscal_eval.ingest`` of ``ingest_reports``
  synthetic text files into a fresh store (two workers on this machine), and the peak of
  the summed memory of all its processes, sampled (``ingest_peak_kb_per_report``: that
  peak ÷ the reports). ``make bench-national-ingest`` runs it alone at 1,000,000.
* ``reingest_s`` / ``reingest_peak_rss_mb`` — then the same store ingested again with 1 %
  new files beside the corpus (``reingest_new``; the rest kept on their stat): a
  re-ingest's time, and its peak of all processes (``reingest_parsed`` says how many
  files it parsed).

The large stores are made by :func:`grow_store`: a parsed seed store's rows repeated
under new report ids and agency names (the names also replaced in the texts, so the
sentences naming an agency stay distinct, as in a real corpus) — parsing is linear and
measured elsewhere; these figures are about the store's size.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from fiscal_eval.store.frames import Tables

__all__ = ["grow_store", "page_seconds", "batch_scaling", "metrics_figures", "ingest_figures", "run"]

_TABLES = tuple(f.name for f in dataclasses.fields(Tables))  # the store's parsed tables, as Tables names them
_TAGS = "甲乙丙丁戊己庚辛壬癸"  # a replica's number written in these (digits would normalise to #)


def _tag(k: int) -> str:
    return "".join(_TAGS[int(d)] for d in str(k)) if k else ""


def _seed_generation(seed_store: Path) -> Path:
    from fiscal_eval.store import live_generation

    return live_generation(seed_store)


def grow_store(seed_store: str | os.PathLike[str], dest: str | os.PathLike[str], reports: int,
               *, metrics: bool = True, skip: int = 0) -> Path:
    """A store at ``dest`` of ``reports`` reports: the seed store's rows repeated, replica
    ``k`` with report ids ``<id>-<k>``, every agency renamed ``<name><k in 甲乙…>`` (in
    the reports and in the texts) and every region alike. Its metrics are computed as an ingest computes them
    (:class:`~fiscal_eval.metrics.stored.MetricsBuilder`, all texts read) unless
    ``metrics`` is false. ``skip`` leaves out the first ``skip`` reports (a store the
    rest are later added to). Returns ``dest``."""
    from fiscal_eval.metrics.stored import MetricsBuilder
    from fiscal_eval.model import MANIFEST_COLUMNS
    from fiscal_eval.store.frames import schema
    from fiscal_eval.store.layout import arrange_generation
    from fiscal_eval.util.atomic import write_atomic

    seed = _seed_generation(Path(seed_store))
    dest = Path(dest)
    folder = dest / "gen-000001"
    folder.mkdir(parents=True, exist_ok=True)
    frames = {name: pl.read_parquet(seed / f"{name}.parquet") for name in _TABLES}
    base = frames["reports"]
    agencies = base["agency"].drop_nulls().unique().sort().to_list()
    writers: dict[str, pq.ParquetWriter] = {}
    taken = 0
    k = 0
    manifest = []
    while taken < reports:
        tag = _tag(k)
        want = min(base.height, reports - taken)
        ids = base["report_id"].head(want)
        lo = max(0, skip - taken)  # rows of this replica that are skipped
        keep = ids.slice(lo) if lo < want else ids.clear()
        for name in _TABLES:
            frame = frames[name].filter(pl.col("report_id").is_in(keep.implode()))
            frame = frame.with_columns((pl.col("report_id") + f"-{k}").alias("report_id"))
            if name == "reports":  # regions too: a nation has more counties, not bigger ones
                frame = frame.with_columns(pl.col("agency") + tag, pl.col("region") + tag)
            elif name == "texts" and tag:
                frame = frame.with_columns(pl.col("text").str.replace_many(agencies, [a + tag for a in agencies]))
            table = frame.to_arrow()
            if name not in writers:
                writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema, compression="zstd")
            writers[name].write_table(table.cast(writers[name].schema))
        manifest.append(pl.DataFrame({"report_id": (keep + f"-{k}")}))
        taken += want
        k += 1
    for writer in writers.values():
        writer.close()
    ids = pl.concat(manifest)["report_id"]
    pl.DataFrame({
        "path": ("/national/" + ids + ".txt"), "member": pl.Series([None] * ids.len(), dtype=pl.Utf8),
        "sha256": ids, "size": pl.Series([1] * ids.len(), dtype=pl.Int64),
        "mtime_ns": pl.Series([1] * ids.len(), dtype=pl.Int64), "status": pl.Series(["ok"] * ids.len()),
        "errors": pl.Series([None] * ids.len(), dtype=pl.Utf8), "report_id": ids,
        "ingested_at": pl.Series([None] * ids.len(), dtype=pl.Datetime("us")),
    }).cast(schema(MANIFEST_COLUMNS)).write_parquet(folder / "manifest.parquet")  # pyright: ignore[reportArgumentType]
    if metrics:
        MetricsBuilder(folder, None).finish()
    arrange_generation(folder)  # laid out as an ingest lays out its generation
    write_atomic(dest / "CURRENT", "gen-000001\n")
    write_atomic(dest / "VERSION", "1\n")
    return dest


def _agency_page(store: Path, agency: str, year: int) -> None:
    """What the agency_report notebook reads of the store, in a fresh state."""
    from fiscal_eval.present import verdict, views

    views.clear_corpus_cache()
    c = views.open_corpus(store)
    agency, year = views.resolve_agency_year(c, agency, year)
    views.synthetic_note(c, agency, year)
    verdict.agency_verdict(c, agency, year)
    views.agency_facts(c, agency, year)
    views.funds_flow(c, agency, year)
    views.execution_rates(c, agency, year)
    views.indicator_points(c, agency, year)
    views.findings(c, agency, year)
    views.text_quality(c, agency, year)
    views.problems_and_measures(c, agency, year)
    views.peers(c, agency, year)
    views.report_list(c, agency, year)


def page_seconds(store: str | os.PathLike[str], pages: int = 20, rounds: int = 3) -> float:
    """Seconds (best of ``rounds``, mean over ``pages`` agency-years) of one agency page's data."""
    store = Path(store)
    reports = pl.read_parquet(_seed_generation(store) / "reports.parquet", columns=["agency", "year", "status"])
    picks = (reports.filter(pl.col("status") != "failed").drop_nulls(["agency", "year"])
             .unique(["agency", "year"]).sort("agency", "year"))
    step = max(1, picks.height // pages)
    chosen = picks.select("agency", "year").gather_every(step).head(pages).rows()
    _agency_page(store, *chosen[0])  # imports, first reads
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for agency, year in chosen:
            _agency_page(store, agency, year)
        best = min(best, (time.perf_counter() - start) / len(chosen))
    return best


def _seed(work: Path, agencies: int = 400, years: int = 3) -> Path:
    """A parsed synthetic store to grow from (``agencies`` × ``years`` reports)."""
    from fiscal_eval import ingest
    from fiscal_eval.synth import generate

    generate(agencies=agencies, years=years, seed=21, out=work / "seed")
    ingest([work / "seed" / "reports"], store=work / "seed_store", progress=False)
    return work / "seed_store"


def batch_scaling(work: Path, seed: Path, small: int = 1_000, large: int = 100_000) -> dict[str, Any]:
    """``batch_scaling`` and the page seconds at each size (module docstring)."""
    out: dict[str, Any] = {}
    stores = {size: grow_store(seed, work / f"store_{size}", size) for size in (small, large)}
    # In turns, so both sizes see the same neighbours on this shared machine.
    best = {size: float("inf") for size in stores}
    for _ in range(2):
        for size, store in stores.items():
            best[size] = min(best[size], page_seconds(store, rounds=1))
    out["page_s_small"], out["page_s_large"] = round(best[small], 4), round(best[large], 4)
    out["store_small"], out["store_large"] = small, large
    out["batch_scaling"] = round(best[large] / best[small], 2)
    return out


_PEAK = """
import sys, time, shutil
from pathlib import Path
from fiscal_eval.metrics.stored import MetricsBuilder
folder = Path(sys.argv[1])
start = time.perf_counter()
MetricsBuilder(folder, None).finish()
seconds = time.perf_counter() - start
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
print(seconds, peak)
"""


def metrics_figures(work: Path, seed: Path, reports: int = 1_000_000, new_share: float = 0.01) -> dict[str, Any]:
    """``metrics_incremental_s`` and ``metrics_full_s`` / ``metrics_full_peak_mb``."""
    import shutil

    from fiscal_eval.metrics.stored import STORED_FILES, MetricsBuilder

    new = max(1, int(reports * new_share))
    old = grow_store(seed, work / "metrics_old", reports, skip=new) / "gen-000001"
    # The re-ingest's generation: every report, the new ones' rows written after the kept
    # ones' as an ingest writes them (their order does not change the figures).
    full = grow_store(seed, work / "metrics_new", reports, metrics=False) / "gen-000001"
    texts = pl.read_parquet(full / "texts.parquet")
    old_ids = pl.read_parquet(old / "reports.parquet", columns=["report_id"])["report_id"]
    added = texts.filter(~pl.col("report_id").is_in(old_ids.implode()))
    del texts
    start = time.perf_counter()
    builder = MetricsBuilder(full, old, ())
    builder.add(added)
    builder.finish()
    incremental = time.perf_counter() - start
    for name in STORED_FILES:
        (full / name).unlink(missing_ok=True)
    out = subprocess.run([sys.executable, "-c", _PEAK, str(full)], check=True, capture_output=True, text=True)
    seconds, peak = (float(x) for x in out.stdout.split()[-2:])
    shutil.rmtree(work / "metrics_old", ignore_errors=True)
    shutil.rmtree(work / "metrics_new", ignore_errors=True)
    return {"metrics_reports": reports, "metrics_new_reports": new,
            "metrics_incremental_s": round(incremental, 2),
            "metrics_full_s": round(seconds, 2), "metrics_full_peak_mb": round(peak, 1),
            "metrics_incremental_vs_full": round(incremental / seconds, 3)}


_INGEST = """
import json, sys
from fiscal_eval import ingest
if __name__ == "__main__":
    *folders, store, jobs, out = sys.argv[1:]
    summary = ingest(folders, store=store, jobs=int(jobs), progress=False)
    with open(out, "w") as file:
        json.dump({"parsed": summary.parsed, "skipped": summary.skipped}, file)
"""


def ingest_figures(work: Path, reports: int, jobs: int | None = None) -> dict[str, Any]:
    """``ingest_s`` and ``ingest_peak_rss_mb`` of ``reports`` synthetic files into a fresh
    store: the peak of the summed memory of the ingest and its workers, sampled twice a
    second (:func:`fiscal_eval.bench._tree_peak`); then ``reingest_s`` and
    ``reingest_peak_rss_mb`` of that store ingested again with 1 % new files beside the
    corpus. The corpora are written once: folders already holding as many files (a run
    stopped after writing them) are reused, as 1,000,000 files take minutes to write."""
    import shutil

    from fiscal_eval.bench import _corpus, _tree_peak
    from fiscal_eval.util.workers import worker_count

    jobs = worker_count(jobs)
    folder = work / "ingest" / "reports"
    if not folder.is_dir() or sum(1 for _ in os.scandir(folder)) != reports:
        _corpus(work / "ingest", reports, seed=12)
    new = max(1, reports // 100)
    added = work / "reingest_new" / "reports"
    if not added.is_dir() or sum(1 for _ in os.scandir(added)) != new:
        shutil.rmtree(work / "reingest_new", ignore_errors=True)
        _corpus(work / "reingest_new", new, seed=13)
    store, summary = work / "ingest_store", work / "ingest_summary.json"
    shutil.rmtree(store, ignore_errors=True)
    seconds, peak = _tree_peak([sys.executable, "-c", _INGEST, str(folder), str(store), str(jobs), str(summary)])
    again, again_peak = _tree_peak([sys.executable, "-c", _INGEST, str(folder), str(added), str(store), str(jobs),
                                    str(summary)])
    parsed = json.loads(summary.read_text(encoding="utf-8"))["parsed"]
    return {"ingest_reports": reports, "ingest_s": round(seconds, 1), "ingest_peak_rss_mb": round(peak, 1),
            "ingest_peak_kb_per_report": round(peak * 1024 / reports, 2), "ingest_jobs": jobs,
            "reingest_new": new, "reingest_parsed": parsed, "reingest_s": round(again, 1),
            "reingest_peak_rss_mb": round(again_peak, 1)}


def run(*, small: int = 1_000, large: int = 100_000, metrics_reports: int = 1_000_000,
        ingest_reports: int = 0, workdir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Every figure of the module docstring (a size of 0 skips its figures)."""
    import shutil

    work = Path(workdir or tempfile.mkdtemp(prefix="fiscal_eval_national_"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    try:
        seed = _seed(work) if large or metrics_reports else work
        if large:
            out.update(batch_scaling(work, seed, small, large))
            for size in (small, large):
                shutil.rmtree(work / f"store_{size}", ignore_errors=True)
        if metrics_reports:
            out.update(metrics_figures(work, seed, metrics_reports))
        if ingest_reports:
            out.update(ingest_figures(work, ingest_reports))
    finally:
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return out


if __name__ == "__main__":  # python -m fiscal_eval.bench.national [large] [metrics_reports] [ingest_reports] [workdir]
    sizes = [int(a) for a in sys.argv[1:4]]
    keys = ("large", "metrics_reports", "ingest_reports")
    workdir = sys.argv[4] if len(sys.argv) > 4 else None
    print(json.dumps(run(**dict(zip(keys, sizes)), workdir=workdir), ensure_ascii=False))
