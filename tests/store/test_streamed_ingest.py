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
from fiscal_eval.store import generations, ingest, live_generation, load, parquet, pool
from fiscal_eval.store import plan as store_plan
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


# --------------------------------------------------------------------------- the plan


def _quick_parse(path):
    """A report a file, made at once (the parse is not what is measured here): its id the
    file's hash, its text the file's, so every report is distinct and has a text."""
    import hashlib

    from fiscal_eval.parse import failed_report
    from fiscal_eval.sources import display_path

    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    return [failed_report(display_path(path), "text", "test", text=data.decode("utf-8"), sha256=sha)], sha


def _files(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        # NOTE: sentences of 20+ characters, shared and not: the metrics builder has work.
        (folder / f"{i:05d}.txt").write_text(
            f"第{i}号单位绩效自评报告。本单位认真落实预算绩效管理各项要求并取得良好成效。编号甲{i}乙{i * 7}丙的项目支出执行情况良好。",
            encoding="utf-8")
    return folder


def _python_memory_between_chunks(monkeypatch, corpus: Path, store: Path) -> list[int]:
    """Bytes of Python objects the ingest allocated and still holds between chunks (the
    least of five counts, from half to three quarters of the chunks: bounded queues are
    then at any level), by tracemalloc, the interpreter's own heap (not numpy's, polars'
    or Arrow's columns), for a fresh ingest and then a re-ingest that parses one file in 50."""
    import gc
    import pathlib
    import tracemalloc

    held: list[int] = []
    assign = parquet._assign_ids
    counts: list[int] = []
    seen = [0, set()]

    def counted(outcomes, taken):
        seen[0] += 1
        if seen[0] in seen[1]:
            gc.collect()  # NOTE: a full collection also empties the interpreter's free lists
            python = tracemalloc.take_snapshot().filter_traces([
                tracemalloc.DomainFilter(True, 0),
                # NOTE: not the interpreter's table of interned names (pathlib interns the
                # parts of every path it parses): one block, reallocated as it grows
                tracemalloc.Filter(False, pathlib.__file__),
            ])
            counts.append(sum(trace.size for trace in python.traces))
        return assign(outcomes, taken)

    def expect(files: int) -> None:
        chunks = -(-files // pool._CHUNK_MAX)
        seen[:] = [0, {max(1, chunks * (10 + k) // 20) for k in range(5)}]
        counts.clear()

    monkeypatch.setattr(parquet, "_assign_ids", counted)
    tracemalloc.start()
    try:
        expect(len(list(corpus.iterdir())))
        ingest([corpus], store, jobs=1, progress=False)
        held.append(min(counts))
        changed = sorted(corpus.iterdir())[::50]
        for path in changed:
            path.write_text(path.read_text(encoding="utf-8") + "另有说明。", encoding="utf-8")
        expect(len(changed))
        ingest([corpus], store, jobs=1, progress=False)
        held.append(min(counts))
    finally:
        tracemalloc.stop()
    return held


def test_python_objects_held_between_chunks_do_not_grow_with_the_corpus(tmp_path, monkeypatch):
    # The plan (inputs, stats, the stored manifest, the files to parse, the ids in use)
    # is held in columns, the manifest streamed: no Python object a file. Before, a plan
    # held about 1 KB of them a file (650 MB at 1,000,000 files), from the first chunk on.
    monkeypatch.setattr(pool, "_parse_one", _quick_parse)
    monkeypatch.setattr(pool, "_CHUNK_MAX", 16)
    # Buffers of a bounded size, forced small: the keys a slice of the plan makes at a
    # time, the ids added since the ids in use were last merged into their array, the
    # rows a table queues for a row group.
    monkeypatch.setattr(store_plan, "_SLICE", 64)
    monkeypatch.setattr(pool._Taken, "_MERGE", 64)
    monkeypatch.setattr(generations, "_FLUSH_ROWS", 64)
    # Imports, caches and the interpreter's free lists, filled before anything is counted.
    ingest([_files(tmp_path / "warm", 2100)], tmp_path / "warm_store", jobs=1, progress=False)
    small = _python_memory_between_chunks(monkeypatch, _files(tmp_path / "small", 800), tmp_path / "s")
    large = _python_memory_between_chunks(monkeypatch, _files(tmp_path / "large", 2400), tmp_path / "l")
    assert pl.read_parquet(live_generation(tmp_path / "l") / "manifest.parquet").height == 2400
    for a, b in zip(small, large):
        assert b - a < 1_600 * 48, (small, large)  # under 48 bytes a file more (was 340 fresh, 1,180 again)
