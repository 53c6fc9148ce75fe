"""Shared by test_incremental.py and test_kept_rows.py: a generation's metrics computed
afresh, and every metric table of two generations compared as sets of rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from fiscal_eval.metrics import stored as stored_metrics
from fiscal_eval.metrics.stored import METRIC_TABLES, MetricsBuilder, metric_file


def parsed_tables(folder: Path) -> list[str]:
    """The generation's parsed tables (not its metric files), by name."""
    return [p.stem for p in folder.glob("*.parquet") if not p.name.startswith("metric.")]


def fresh_copy(folder: Path, dest: Path) -> Path:
    """A copy of the generation's tables with its metrics computed afresh."""
    dest.mkdir(parents=True)
    for name in parsed_tables(folder):
        shutil.copy(folder / f"{name}.parquet", dest / f"{name}.parquet")
    MetricsBuilder(dest, None).finish()
    return dest


def sorted_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` in an order fixed by its values (a store keeps rows in no order)."""
    keys = [c for c, t in frame.schema.items() if not isinstance(t, (pl.List, pl.Array))]
    return frame.sort(keys, nulls_last=True)


def _files(folder: Path, name: str) -> list[Path]:
    """A table's files: the long sentences are two (those added since the first written apart)."""
    return stored_metrics.long_files(folder) if name == "long_sentences" else [metric_file(folder, name)]


def assert_metrics_equal(a: Path, b: Path) -> None:
    """Every metric table, the sentence spans, near pairs and long sentences of two
    generations hold the same rows; the first that differs is named."""
    for name in (*METRIC_TABLES, "sentence_spans", "near_pairs", "long_sentences"):
        try:
            assert_frame_equal(sorted_rows(pl.read_parquet(_files(a, name))),
                               sorted_rows(pl.read_parquet(_files(b, name))))
        except AssertionError as exc:
            raise AssertionError(f"metric.{name} differs") from exc
