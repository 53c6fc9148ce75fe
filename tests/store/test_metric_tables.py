"""The corpus metrics an ingest stores with each generation (fiscal_eval.metrics.stored)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from fiscal_eval.metrics import Metrics, compute
from fiscal_eval.metrics import stored as stored_metrics
from fiscal_eval.metrics.stored import METRIC_TABLES, STORED_FILES, has_metrics, load_metrics
from fiscal_eval.store import ingest, live_generation, load
from fiscal_eval.synth import generate

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in one order whatever order the store wrote them in (list columns aside)."""
    keys = [c for c, t in frame.schema.items() if not isinstance(t, (pl.List, pl.Array))]
    return frame.sort(keys, nulls_last=True)


def _assert_same(a: Metrics, b: Metrics) -> None:
    for name in METRIC_TABLES:
        assert_frame_equal(_sorted(getattr(a, name)), _sorted(getattr(b, name)), check_row_order=True), name


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The samples and two synthetic corpora (the second shares agency names and
    boilerplate with the first, so new reports change old reports' template share)."""
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder / "samples")
    generate(agencies=6, years=3, seed=5, out=tmp_path / "syn_a")
    shutil.copytree(tmp_path / "syn_a" / "reports", folder / "a")
    generate(agencies=3, years=2, seed=6, out=tmp_path / "syn_b")
    return folder


def test_ingest_stores_every_metric_equal_to_a_recompute(corpus, tmp_path):
    ingest([corpus], tmp_path / "store", jobs=1, progress=False)
    folder = live_generation(tmp_path / "store")
    assert has_metrics(folder) and all((folder / name).is_file() for name in STORED_FILES)
    kept = load_metrics(folder)
    fresh = compute(load(tmp_path / "store"))
    _assert_same(kept, fresh)
    assert kept.per_report.height == 23  # 5 samples + 6 agencies × 3 years
    assert (kept.pefa_pi1["pefa_status"] == "ok").sum() == 6  # three years each


def test_reingest_equals_a_clean_ingest_and_splits_only_new_texts(corpus, tmp_path, monkeypatch):
    store = tmp_path / "store"
    ingest([corpus], store, jobs=1, progress=False)
    # Add three agencies (sharing names and boilerplate), delete one file, edit another.
    shutil.copytree(tmp_path / "syn_b" / "reports", corpus / "b")
    files = sorted((corpus / "a").glob("*.txt"))
    files[0].unlink()
    files[1].write_text(files[1].read_text("utf-8") + "\n另外，本单位进一步加强了资金管理和项目管理工作。", "utf-8")

    split = []
    real = stored_metrics.sentence_features

    def counted(docs):
        split.append(docs.height)
        return real(docs)

    monkeypatch.setattr(stored_metrics, "sentence_features", counted)
    summary = ingest([corpus], store, jobs=1, progress=False)
    assert summary.parsed == 7 and summary.removed == 1  # 6 new files, 1 edited
    assert sum(split) == 7  # only the parsed reports' texts were split and hashed
    monkeypatch.setattr(stored_metrics, "sentence_features", real)

    ingest([corpus], tmp_path / "clean", jobs=1, progress=False)
    again = load_metrics(live_generation(store))
    clean = load_metrics(live_generation(tmp_path / "clean"))
    _assert_same(again, clean)
    _assert_same(again, compute(load(store)))
    assert again.per_report.height == 23 - 1 + 6


def test_touched_files_keep_their_metric_files(corpus, tmp_path):
    store = tmp_path / "store"
    ingest([corpus], store, jobs=1, progress=False)
    before = live_generation(store)
    size = {name: (before / name).stat().st_size for name in STORED_FILES}
    for f in (corpus / "a").glob("*.txt"):
        os.utime(f)  # same bytes, new stat: only the manifest changes
    ingest([corpus], store, jobs=1, progress=False)
    after = live_generation(store)
    assert after != before and has_metrics(after)
    assert {name: (after / name).stat().st_size for name in STORED_FILES} == size


def test_a_store_without_metric_tables_gets_them_at_the_next_ingest(corpus, tmp_path):
    store = tmp_path / "store"
    ingest([corpus], store, jobs=1, progress=False)
    for name in STORED_FILES:
        (live_generation(store) / name).unlink()  # as an older version wrote it
    shutil.copytree(tmp_path / "syn_b" / "reports", corpus / "b")
    ingest([corpus], store, jobs=1, progress=False)
    folder = live_generation(store)
    assert has_metrics(folder)
    _assert_same(load_metrics(folder), compute(load(store)))


def test_features_of_another_polars_are_not_reused(corpus, tmp_path, monkeypatch):
    """Sentence hashes are polars': features written under another version are recomputed."""
    store = tmp_path / "store"
    ingest([corpus], store, jobs=1, progress=False)
    monkeypatch.setattr(stored_metrics, "FEATURES_VERSION", "0/polars-0.0")
    assert stored_metrics.MetricsBuilder(tmp_path / "next", live_generation(store)).old is None
    assert stored_metrics.MetricsBuilder(tmp_path / "next", None).old is None
    monkeypatch.undo()
    (tmp_path / "next").mkdir()
    assert stored_metrics.MetricsBuilder(tmp_path / "next", live_generation(store)).old == live_generation(store)


def test_a_reingest_that_adds_files_links_the_features_and_records_their_checksums(corpus, tmp_path, monkeypatch):
    """Only files added: the last generation's features and long sentences are linked
    (their checksum entries carried over, not computed again), the new reports' written
    beside them; the store verifies whole, and its metrics equal a clean ingest's."""
    from fiscal_eval.store import integrity

    monkeypatch.setattr(stored_metrics, "_MERGE", 0.01)  # never merged for size here
    store = tmp_path / "store"
    ingest([corpus], store, jobs=1, progress=False)
    first = live_generation(store)
    inode = {n: (first / f"metric.{n}.parquet").stat().st_ino for n in ("sentence_features", "long_sentences")}
    shutil.copytree(tmp_path / "syn_b" / "reports", corpus / "b")
    described = []
    real = integrity.describe
    monkeypatch.setattr(integrity, "describe", lambda path: (described.append(path.name), real(path))[1])
    assert ingest([corpus], store, jobs=1, progress=False).parsed == 6
    folder = live_generation(store)
    for name, ino in inode.items():
        assert (folder / f"metric.{name}.parquet").stat().st_ino == ino  # the same file
        assert f"metric.{name}.parquet" not in described
    assert "metric.sentence_features_added.parquet" in described
    assert pl.read_parquet(folder / "metric.sentence_features_added.parquet").height == 6
    _, damages = integrity.verify(folder, full=True)
    assert not damages
    ingest([corpus], tmp_path / "clean", jobs=1, progress=False)
    _assert_same(load_metrics(folder), load_metrics(live_generation(tmp_path / "clean")))
