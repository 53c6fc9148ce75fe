"""An ingest streams: the rows its parent holds between chunks do not grow with the
corpus (issue 13: a 1,000,000-report ingest in bounded memory). Rows are counted, not
bytes or seconds: each table's rows queued for the Parquet writer, and the long
sentences the metrics builder keeps, at every chunk, for a corpus and one 2.5 times its
size. The store written in small chunks is the store written in one."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from fiscal_eval.metrics import stored as stored_metrics
from fiscal_eval.metrics.stored import load_metrics
from fiscal_eval.store import generations, ingest, live_generation, load, pool
from fiscal_eval.store.frames import Tables
from fiscal_eval.synth import generate

FLUSH = 25  # rows a table queues before it writes a row group (forced small)
CHUNK = 4  # files a chunk (forced small)


def _held(monkeypatch) -> dict[str, int]:
    """The most rows held at once, per table queue and for the builder's long sentences."""
    most: dict[str, int] = {}
    sink_add = generations._Sink.add
    take = stored_metrics.MetricsBuilder._take

    def add(self, table):
        sink_add(self, table)
        most[self.path.stem] = max(most.get(self.path.stem, 0), self._rows)
        most[self.path.stem + "_chunk"] = max(most.get(self.path.stem + "_chunk", 0), table.num_rows)

    def taken(self, texts):
        before = sum(frame.height for frame in self._long)
        take(self, texts)
        after = sum(frame.height for frame in self._long)
        most["long"] = max(most.get("long", 0), after)
        most["long_chunk"] = max(most.get("long_chunk", 0), after - before)

    monkeypatch.setattr(generations._Sink, "add", add)
    monkeypatch.setattr(stored_metrics.MetricsBuilder, "_take", taken)
    return most


@pytest.fixture
def small_pieces(monkeypatch):
    monkeypatch.setattr(generations, "_FLUSH_ROWS", FLUSH)
    monkeypatch.setattr(pool, "_CHUNK_MAX", CHUNK)


def _corpus(tmp_path: Path, agencies: int) -> Path:
    generate(agencies=agencies, years=2, seed=9, out=tmp_path / f"syn{agencies}")
    return tmp_path / f"syn{agencies}" / "reports"


def test_rows_held_between_chunks_do_not_grow_with_the_corpus(tmp_path, monkeypatch, small_pieces):
    held = {}
    for agencies in (8, 20):
        most = _held(monkeypatch)
        ingest([_corpus(tmp_path, agencies)], tmp_path / f"store{agencies}", jobs=1, progress=False)
        held[agencies] = dict(most)
        monkeypatch.undo()  # the wrappers off, the small sizes back on
        monkeypatch.setattr(generations, "_FLUSH_ROWS", FLUSH)
        monkeypatch.setattr(pool, "_CHUNK_MAX", CHUNK)
    small, large = held[8], held[20]
    assert load(tmp_path / "store20").reports.height == 40
    tables = load(tmp_path / "store20")
    for table in ("sections", "fund_lines", "evidence", ".parsed-manifest"):
        # Row groups' worth of rows went through the queue (the parsed files' manifest rows
        # too), and between chunks it held less than a row group, whatever the corpus.
        rows = getattr(tables, table).height if not table.startswith(".") else tables.reports.height
        assert rows > FLUSH
        for most in (small, large):
            assert most[table] < FLUSH and most[table + "_chunk"] > 0, (table, most)
    # The builder keeps the distinct long sentences (what their signatures are computed
    # from), and at most 16 chunks' worth more before it merges them.
    for agencies, most in held.items():
        distinct = pl.read_parquet(live_generation(tmp_path / f"store{agencies}") / "metric.long_sentences.parquet")
        assert 0 < most["long"] <= distinct.height + 16 * most["long_chunk"]


def test_a_store_written_in_small_pieces_is_the_store_written_at_once(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path, 10)
    ingest([corpus], tmp_path / "once", jobs=1, progress=False)
    monkeypatch.setattr(generations, "_FLUSH_ROWS", 7)
    monkeypatch.setattr(pool, "_CHUNK_MAX", 3)
    ingest([corpus], tmp_path / "pieces", jobs=1, progress=False)
    once, pieces = load(tmp_path / "once"), load(tmp_path / "pieces")
    for name in Tables.__dataclass_fields__:
        assert_frame_equal(getattr(once, name), getattr(pieces, name)), name
    a, b = load_metrics(live_generation(tmp_path / "once")), load_metrics(live_generation(tmp_path / "pieces"))
    for name in ("per_report", "template_share", "specificity", "ranks", "yoy"):
        assert_frame_equal(getattr(a, name), getattr(b, name)), name
    assert (a.template_share["template_share"].drop_nulls() > 0).sum() > 0
    assert pl.read_parquet(live_generation(tmp_path / "pieces") / "texts.parquet").height == 20
