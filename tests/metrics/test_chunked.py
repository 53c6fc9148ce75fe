"""The corpus metrics computed in pieces (issue 13, a national corpus): template share a
batch of reports at a time, LSH buckets, the exact Jaccard a slice of texts at a time,
and what a store's metrics builder holds between chunks. Each piecewise result equals
the one computed at once; the sizes are forced small so that the small corpus is split."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

from fiscal_eval.metrics import text
from fiscal_eval.metrics.stored import MetricsBuilder
from fiscal_eval.metrics.text import (
    TEMPLATE_SENTENCES,
    TEMPLATE_SHARE,
    normalise,
    sentence_features,
    template_share_of,
)
from fiscal_eval.synth import generate


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> pl.DataFrame:
    """Synthetic reports (shared boilerplate, agency names in the text) and two reports
    without an agency, as report_id, agency, text."""
    out = tmp_path_factory.mktemp("syn")
    generate(agencies=8, years=3, seed=3, out=out)
    rows = []
    for line in (out / "truth.jsonl").read_text("utf-8").splitlines():
        truth = json.loads(line)
        rows.append((Path(truth["source"]).stem, truth["agency"], (out / truth["source"]).read_text("utf-8")))
    rows.append(("orphan-1", None, rows[0][2]))
    rows.append(("orphan-2", None, "本单位开展了一项全新的政务服务平台升级改造工作。"))
    return pl.DataFrame(rows, schema={"report_id": pl.Utf8, "agency": pl.Utf8, "text": pl.Utf8}, orient="row")


def test_template_share_in_batches_equals_at_once(docs, tmp_path):
    features, long = sentence_features(docs)
    reports = docs.select("report_id", "agency")
    whole = template_share_of(reports, features, long, batch=10_000)
    assert whole.height == docs.height
    shares = whole[TEMPLATE_SHARE].drop_nulls()
    # Not a trivial corpus: boilerplate is shared, and most reports have sentences of their own too.
    assert ((shares > 0) & (shares < 1)).sum() > docs.height // 2
    assert whole.filter(pl.col("report_id") == "orphan-2")[TEMPLATE_SENTENCES].item() == 0
    for batch in (1, 2, 7):
        assert_frame_equal(template_share_of(reports, features, long, batch=batch), whole)
    # A store's features, scanned (a LazyFrame) rather than held.
    features.write_parquet(tmp_path / "features.parquet", row_group_size=5)
    scanned = pl.scan_parquet(tmp_path / "features.parquet")
    assert_frame_equal(template_share_of(reports, scanned, long, batch=4), whole)


def _reference_counts(docs: pl.DataFrame) -> dict[str, int]:
    """Template sentences a report by the rule as template_share states it (exact matches
    only: the synthetic reports' near-copies are exact once normalised), counted in Python."""
    features, _ = sentence_features(docs)
    agency = {r: (a if a is not None else r) for r, a in docs.select("report_id", "agency").iter_rows()}
    writers: dict[int, set[str]] = {}
    for rid, hashes in features.select("report_id", "hashes").iter_rows():
        for h in hashes:
            writers.setdefault(h, set()).add(agency[rid])
    return {rid: sum(len(writers[h] - {agency[rid]}) > 0 for h in hashes)
            for rid, hashes in features.select("report_id", "hashes").iter_rows()}


def test_batched_template_sentences_include_every_exact_match(docs):
    features, long = sentence_features(docs)
    got = dict(template_share_of(docs.select("report_id", "agency"), features, long, batch=3)
               .select("report_id", TEMPLATE_SENTENCES).iter_rows())
    reference = _reference_counts(docs)
    # Near-copies add to the exact matches, never take away.
    assert all(got[r] >= n for r, n in reference.items())
    assert sum(reference.values()) > 0


def _jaccard(a: str, b: str) -> float:
    sa = {a[i : i + 4] for i in range(len(a) - 3)}
    sb = {b[i : i + 4] for i in range(len(b) - 3)}
    return len(sa & sb) / len(sa | sb)


def test_exact_jaccard_in_slices_equals_a_direct_count(monkeypatch):
    words = ["绩效管理制度建设", "进一步加强资金管理", "项目实施进度较慢", "预算执行率有待提高", "加强绩效目标管理"]
    texts = [a + b + str(i % 3) for i, (a, b) in enumerate((a, b) for a in words for b in words)]
    norms = pl.Series(texts).to_frame("t").select(normalise(pl.col("t")))["t"]
    u = np.array([0, 0, 3, 7, 10, 24, 5], dtype=np.int64)
    v = np.array([1, 5, 4, 12, 11, 23, 6], dtype=np.int64)
    expected = np.array([_jaccard(norms[int(a)], norms[int(b)]) for a, b in zip(u, v)])
    at_once = text._exact_jaccard(norms, u, v)
    monkeypatch.setattr(text, "_ITEMS", 2)
    monkeypatch.setattr(text, "_LOOKUPS", 7)
    monkeypatch.setattr(text, "_PAIRS", 3)
    sliced = text._exact_jaccard(norms, u, v)
    np.testing.assert_allclose(at_once, expected)
    np.testing.assert_allclose(sliced, expected)
    assert 0 < expected.min() and expected.max() < 1


def _all_bucket_candidates(sig, threshold, groups, keys):
    """_candidates as it was: every item sorted by (bucket, shuffle), singletons included."""
    n = len(sig)
    r, b = text._banding(threshold)
    ids = keys.astype(np.uint64)
    us, vs = [], []
    for band in range(b):
        key = np.full(n, band + 1, dtype=np.uint64)
        for col in range(band * r, (band + 1) * r):
            key = text._mix(key ^ sig[:, col])
        if groups is not None:
            key = text._mix(key ^ groups.astype(np.uint64))
        order = np.lexsort((text._mix(ids ^ text._PERM_B[band]), key))
        ranked = key[order]
        for d in range(1, text._BUCKET_WINDOW + 1):
            same = ranked[d:] == ranked[:-d]
            us.append(order[:-d][same])
            vs.append(order[d:][same])
    u, v = np.concatenate(us), np.concatenate(vs)
    if groups is not None:
        keep = groups[u] == groups[v]
        u, v = u[keep], v[keep]
    pairs = sorted(set(zip(np.minimum(u, v).tolist(), np.maximum(u, v).tolist())))
    return [p[0] for p in pairs], [p[1] for p in pairs]


@pytest.mark.parametrize("grouped", [False, True])
def test_candidates_without_singleton_buckets_are_the_same(grouped):
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**63, size=(40, 64), dtype=np.uint64)
    # 300 items: copies of 40 signatures with some permutations changed, so buckets of
    # every size (a big cluster larger than the window among them) and many singletons.
    sig = base[rng.integers(0, 40, size=300)]
    noise = rng.random(sig.shape) < 0.3
    sig = np.where(noise, rng.integers(0, 2**63, size=sig.shape, dtype=np.uint64), sig)
    sig[:30] = base[0]
    keys = rng.integers(0, 2**63, size=300, dtype=np.uint64)
    groups = rng.integers(0, 3, size=300) if grouped else None
    u, v = text._candidates(sig, text.TEMPLATE_JACCARD, groups, keys)
    ref_u, ref_v = _all_bucket_candidates(sig, text.TEMPLATE_JACCARD, groups, keys)
    assert len(u) > 100
    assert u.tolist() == ref_u and v.tolist() == ref_v


def _held_bytes(frames: list[pl.DataFrame]) -> int:
    """Bytes of every Arrow buffer the frames reference (views count their whole buffer)."""
    total = 0
    for frame in frames:
        for column in frame.to_arrow(compat_level=pl.CompatLevel.newest()).columns:
            for chunk in column.chunks:
                total += sum(buf.size for buf in chunk.buffers() if buf is not None)
    return total


def test_the_builder_holds_the_long_sentences_not_the_chunks(docs, tmp_path):
    """Fed the same texts chunk after chunk (new ids), the builder's long sentences stay
    the distinct ones: it held every chunk's normalised text before (2 KB a report)."""
    builder = MetricsBuilder(tmp_path, None, fresh=True)
    texts = docs.select("report_id", "text")
    builder.add(texts)
    once = _held_bytes(builder._long)
    rows = sum(frame.height for frame in builder._long)
    for k in range(1, 40):
        builder.add(texts.with_columns(pl.col("report_id") + f"-{k}"))
    held = sum(frame.height for frame in builder._long)
    # Rows held are bounded by the distinct long sentences (up to 16 chunks' worth before
    # they are merged), and so are the bytes: not 40 chunks' texts.
    assert rows > 0 and held <= 17 * rows
    assert _held_bytes(builder._long) <= 17 * once
    texts_bytes = _held_bytes([texts])
    assert _held_bytes(builder._long) < 4 * texts_bytes
    builder._writer.close()


def test_compact_copies_only_the_rows_kept():
    big = pl.DataFrame({"h": list(range(10_000)), "s": [f"一句很长的话，编号{i}，用来占据缓冲区的空间。" for i in range(10_000)]})
    kept = big.filter(pl.col("h") < 5)
    from fiscal_eval.metrics.stored import _compact

    small = _compact(kept)
    assert_frame_equal(small.cast(kept.schema), kept)
    assert _held_bytes([small]) < _held_bytes([big]) / 100
    assert pa.types.is_large_string(small.to_arrow().schema.field("s").type) or small["s"].dtype == pl.Utf8
