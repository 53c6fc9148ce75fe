"""Template share updated by a re-ingest (issue 13: a re-ingest buckets only new or
changed reports; fiscal_eval.metrics.incremental). Every metric table, and the state a
store keeps for the next one, equals the computation afresh on the same reports: after
reports are added, changed and removed, with sentences that join or leave a cluster of
near copies, and after a second update of the first. Sizes are forced small so that the
batched and chunked paths run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from metrics_support import assert_metrics_equal, fresh_copy, parsed_tables, sorted_rows
from polars.testing import assert_frame_equal

from fiscal_eval.bench.national import grow_store
from fiscal_eval.metrics import incremental, text
from fiscal_eval.metrics import stored as stored_metrics
from fiscal_eval.metrics.stored import MetricsBuilder, metric_file
from fiscal_eval.metrics.text import TEMPLATE_JACCARD
from fiscal_eval.store import ingest
from fiscal_eval.synth import generate

# ----------------------------------------------------------------------- LSH windows


def _clustered(rng: np.random.Generator, n: int, base: np.ndarray) -> np.ndarray:
    """Signatures drawn from a few bases with some permutations changed: buckets of every
    size, big clusters larger than the window among them."""
    sig = base[rng.integers(0, len(base), size=n)]
    noise = rng.random(sig.shape) < 0.3
    return np.where(noise, rng.integers(0, 2**63, size=sig.shape, dtype=np.uint64), sig)


def _similar(hu: np.ndarray, hv: np.ndarray) -> np.ndarray:
    """A decision that is a function of the pair alone, as the real one (of its texts)."""
    return ((hu ^ hv) % np.uint64(3)) != 0


def _fresh_pairs(hashes: np.ndarray, sig: np.ndarray) -> pl.DataFrame:
    """near_pairs as computed afresh, with _similar as the decision."""
    u, v, bands = text._candidates(sig, TEMPLATE_JACCARD, None, hashes, bands=True)
    keep = _similar(hashes[u], hashes[v])
    return pl.DataFrame({"u": hashes[u][keep], "v": hashes[v][keep], "bands": bands[keep]},
                        schema=text.NEAR_PAIR_SCHEMA)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pairs_updated_around_changed_items_equal_pairs_afresh(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**63, size=(12, 64), dtype=np.uint64)
    n_old, n_add = 500, 90
    hashes = np.unique(rng.integers(0, 2**63, size=n_old + n_add, dtype=np.uint64))
    rng.shuffle(hashes)
    old_h, add_h = np.sort(hashes[:n_old]), np.sort(hashes[n_old:])
    old_sig, add_sig = _clustered(rng, len(old_h), base), _clustered(rng, len(add_h), base)
    old_sig[:40] = base[0]  # one big bucket in every band
    present = np.r_[rng.random(len(old_h)) > 0.15, np.ones(len(add_h), dtype=bool)]
    ids = np.r_[old_h, add_h]
    monkeypatch.setattr(incremental, "_decide_some", lambda u, v, *rest: _similar(ids[u], ids[v]))
    before = _fresh_pairs(old_h, old_sig)
    empty = pl.Series([], dtype=pl.Utf8)
    got, moved = incremental.update_pairs(before, old_h, old_sig, empty, add_h, add_sig, empty, present)
    new = np.argsort(ids[present])
    want = _fresh_pairs(ids[present][new], np.r_[old_sig, add_sig][present][new])
    assert_frame_equal(got.sort("u", "v"), want)  # updated pairs come in no order
    # the sentences of the pairs that came or went
    came_went = pl.concat([before.join(want, on=["u", "v"], how="anti"), want.join(before, on=["u", "v"], how="anti")])
    assert sorted(moved.to_list()) == sorted(set(came_went["u"].to_list()) | set(came_went["v"].to_list()))
    # Not trivial: pairs of kept items left (a new item came between them) and came (one
    # between them went), and pairs of kept items changed their bands.
    kept = set(old_h[present[: len(old_h)]].tolist())
    both = lambda f: f.filter(pl.col("u").is_in(list(kept)) & pl.col("v").is_in(list(kept)))  # noqa: E731
    assert both(before).join(want, on=["u", "v"], how="anti").height > 0
    assert both(want).join(before, on=["u", "v"], how="anti").height > 0
    assert both(want).join(before, on=["u", "v"]).filter(pl.col("bands") != pl.col("bands_right")).height > 0


def test_removing_every_item_leaves_no_pair(monkeypatch):
    rng = np.random.default_rng(4)
    base = rng.integers(0, 2**63, size=(3, 64), dtype=np.uint64)
    old_h = np.sort(np.unique(rng.integers(0, 2**63, size=60, dtype=np.uint64)))
    old_sig = _clustered(rng, len(old_h), base)
    monkeypatch.setattr(incremental, "_decide_some", lambda u, v, *rest: _similar(old_h[u], old_h[v]))
    before = _fresh_pairs(old_h, old_sig)
    assert before.height > 0
    empty = pl.Series([], dtype=pl.Utf8)
    none = np.empty(0, dtype=np.uint64)
    got, moved = incremental.update_pairs(before, old_h, old_sig, empty, none, np.empty((0, 64), np.uint64), empty,
                                          np.zeros(len(old_h), dtype=bool))
    assert got.height == 0
    assert sorted(moved.to_list()) == sorted(set(before["u"].to_list()) | set(before["v"].to_list()))


# ----------------------------------------------------------------------- a store's re-ingest


@pytest.fixture
def small(monkeypatch):
    """Every batch, chunk and slice forced small."""
    monkeypatch.setattr(text, "FEATURE_BATCH", 97)
    monkeypatch.setattr(stored_metrics, "FEATURE_BATCH", 97)
    monkeypatch.setattr(text, "_CHUNK", 5_000)
    monkeypatch.setattr(text, "_PAIRS", 300)
    monkeypatch.setattr(text, "_ITEMS", 50)
    monkeypatch.setattr(text, "_LOOKUPS", 2_000)


# Sentences written into reports: a long one only one agency writes (ALONE), a near copy
# of it (its last character changed: Jaccard 0.92), and one for the exact copy.
ALONE = "本单位独立开展了城乡结合部供排水管网的全面普查与修复工作。"
NEAR = "本单位独立开展了城乡结合部供排水管网的全面普查与修复工程。"
EXACT = "本单位组织编制了辖区内农村公路养护的三年滚动实施计划。"
# Near copies (as ALONE, NEAR) both written by one agency, until another writes NEAR2
# (ALONE2 is then one: its near copy's agencies changed, not its pairs); and written by
# two agencies until SWAP's writer changes to SWAP_NEAR's (both cease to be: the same).
ALONE2, NEAR2 = "本单位牵头完成了全市老旧小区雨污分流改造项目的竣工验收工作。", "本单位牵头完成了全市老旧小区雨污分流改造项目的竣工验收工程。"
SWAP, SWAP_NEAR = "本单位配合开展了跨区域流域生态补偿机制的试点评估与总结工作。", "本单位配合开展了跨区域流域生态补偿机制的试点评估与总结工程。"


def _keep(folder: Path, drop: pl.Series) -> None:
    """Every table of the generation without the reports ``drop``."""
    for name in parsed_tables(folder):
        frame = pl.read_parquet(folder / f"{name}.parquet")
        if "report_id" in frame.columns:
            frame.filter(~pl.col("report_id").is_in(drop.implode())).write_parquet(folder / f"{name}.parquet")


def _append(folder: Path, texts: dict[str, str]) -> None:
    """Sentences appended to the texts of the reports named."""
    frame = pl.read_parquet(folder / "texts.parquet")
    extra = pl.DataFrame({"report_id": list(texts), "_extra": list(texts.values())},
                         schema={"report_id": pl.Utf8, "_extra": pl.Utf8})
    frame.join(extra, on="report_id", how="left").with_columns(
        (pl.col("text") + "\n" + pl.col("_extra").fill_null("")).alias("text")).drop("_extra") \
        .write_parquet(folder / "texts.parquet")


def _generation(seed: Path, dest: Path, reports: int, skip: int, drop: pl.Series, texts: dict[str, str]) -> Path:
    folder = grow_store(seed, dest, reports, metrics=False, skip=skip) / "gen-000001"
    _keep(folder, drop)
    _append(folder, texts)
    return folder


def _reingest(old: Path, new: Path, drop: pl.Series, parsed: pl.Series) -> MetricsBuilder:
    builder = MetricsBuilder(new, old, drop.to_list())
    texts = pl.read_parquet(new / "texts.parquet").filter(pl.col("report_id").is_in(parsed.implode()))
    builder.add(texts.head(texts.height // 2))  # in two chunks, as an ingest feeds it
    builder.add(texts.slice(texts.height // 2))
    assert builder._old_state() is not None  # the incremental path, not a recompute
    builder.finish()
    return builder


def _verdict(folder: Path, sentence: str) -> bool:
    h = pl.select(text.normalise(pl.lit(sentence)).hash()).item()
    return pl.read_parquet(metric_file(folder, "sentence_spans")).filter(pl.col("hash") == h)["template"].item()


def test_reingest_equals_metrics_afresh(seed_store, tmp_path, small, monkeypatch):
    total, skip = 3_000, 300  # 50 replicas of the 60 seed reports; 300 new ones
    old = _generation(seed_store, tmp_path / "old", total, skip, pl.Series([], dtype=pl.Utf8), {})
    every = pl.read_parquet(grow_store(seed_store, tmp_path / "ids", total, metrics=False) / "gen-000001"
                            / "reports.parquet", columns=["report_id", "agency"])
    old_ids = pl.read_parquet(old / "reports.parquet", columns=["report_id"])["report_id"].sort()
    fresh = every.filter(~pl.col("report_id").is_in(old_ids.implode())).sort("report_id")
    new_ids, near_agency = fresh["report_id"], fresh["agency"][3]
    # a, b, c, p, d: reports of five agencies, none the agency of the report new_ids[3];
    # d and d2 two reports of one agency
    olds = every.filter(pl.col("report_id").is_in(old_ids.implode()) & (pl.col("agency") != near_agency)) \
        .sort("report_id")
    a, b, c, p, d = olds.unique("agency", keep="first", maintain_order=True)["report_id"].head(5)
    d2 = olds.filter((pl.col("agency") == olds.filter(pl.col("report_id") == d)["agency"].item())
                     & (pl.col("report_id") != d))["report_id"][0]
    texts_old = {a: ALONE, b: EXACT, d: ALONE2, d2: NEAR2, p: SWAP, c: SWAP_NEAR}
    _append(old, texts_old)
    MetricsBuilder(old, None).finish()
    assert not any(_verdict(old, x) for x in (ALONE, EXACT, ALONE2, NEAR2))  # one agency writes each
    assert _verdict(old, SWAP) and _verdict(old, SWAP_NEAR)

    rescans = []
    real = incremental.rescan
    monkeypatch.setattr(incremental, "rescan", lambda s, h, f: (rescans.append(h.len()), real(s, h, f))[1])
    # Removed: every 9th old report and all of one replica (its agency-named sentences
    # leave the store); changed: c (dropped, parsed again under its id with a new
    # sentence). New reports: one writes a near copy of ALONE and the exact copy of
    # EXACT, so both join another agency's sentence.
    removed = pl.concat([old_ids.gather_every(9, offset=10), old_ids.filter(old_ids.str.ends_with("-7"))])
    removed = pl.concat([removed.filter(~removed.is_in([a, b, c, d, d2])), pl.Series([p])]).unique()
    drop = pl.concat([removed, pl.Series([c])])
    texts_new = {**texts_old, c: "本单位新增了一条经过修改的句子用于验证重新解析的报告。\n" + SWAP_NEAR + SWAP,
                 new_ids[3]: NEAR + EXACT, new_ids[4]: NEAR2}
    new = _generation(seed_store, tmp_path / "new", total, 0, removed, texts_new)
    _reingest(old, new, drop, pl.concat([new_ids, pl.Series([c])]))
    assert_metrics_equal(new, fresh_copy(new, tmp_path / "fresh"))
    assert _verdict(new, ALONE) and _verdict(new, EXACT) and _verdict(new, ALONE2)  # joined: flipped on
    assert not _verdict(new, SWAP) and not _verdict(new, SWAP_NEAR)  # one agency writes both now
    assert sum(rescans) > 0  # an extreme agency's sentences went while others remain
    shares = pl.read_parquet(metric_file(new, "template_share")).filter(pl.col("report_id") == a)
    before = pl.read_parquet(metric_file(old, "template_share")).filter(pl.col("report_id") == a)
    assert shares["template_sentences"].item() == before["template_sentences"].item() + 1

    # A second re-ingest from the first: the near copy's report leaves (ALONE leaves its
    # cluster: flipped off), more reports go, the removed replica comes back.
    again_drop = pl.concat([pl.Series([new_ids[3]]), new_ids.gather_every(5, offset=1)]).unique()
    back = old_ids.filter(old_ids.str.ends_with("-7"))
    third = _generation(seed_store, tmp_path / "third", total, 0,
                        pl.concat([removed.filter(~removed.is_in(back.implode())), again_drop]),
                        {**texts_new, new_ids[3]: ""})
    _reingest(new, third, again_drop, back)
    assert_metrics_equal(third, fresh_copy(third, tmp_path / "fresh3"))
    assert not _verdict(third, ALONE) and not _verdict(third, EXACT)


def test_a_generation_without_the_state_is_recomputed_reusing_its_signatures(seed_store, tmp_path, small,
                                                                             monkeypatch):
    """A store written before the state was kept (signatures as lists of 64 numbers, no
    spans or near pairs): the next generation's template share is computed afresh from
    the features, the old signatures reused, and equals the metrics afresh."""
    total, skip = 600, 60
    old = _generation(seed_store, tmp_path / "old", total, skip, pl.Series([], dtype=pl.Utf8), {})
    MetricsBuilder(old, None).finish()
    long, sig = stored_metrics.read_long(old)
    as_lists = pl.Series("signature", sig, dtype=pl.Array(pl.UInt64, 64))
    long.with_columns(as_lists).write_parquet(metric_file(old, "long_sentences"))
    for name in ("sentence_spans", "near_pairs"):
        metric_file(old, name).unlink()
    computed = []
    real = text.signatures
    monkeypatch.setattr(stored_metrics, "signatures", lambda norms: (computed.append(norms.len()), real(norms))[1])
    new = _generation(seed_store, tmp_path / "new", total, 0, pl.Series([], dtype=pl.Utf8), {})
    old_ids = pl.read_parquet(old / "reports.parquet", columns=["report_id"])["report_id"]
    parsed = pl.read_parquet(new / "reports.parquet", columns=["report_id"]).filter(
        ~pl.col("report_id").is_in(old_ids.implode()))["report_id"]
    builder = MetricsBuilder(new, old, [])
    assert builder.old == old and builder._old_state() is None
    builder.add(pl.read_parquet(new / "texts.parquet").filter(pl.col("report_id").is_in(parsed.implode())))
    builder.finish()
    # only the long sentences the old generation did not hold got signatures (none left)
    assert computed == [pl.read_parquet(metric_file(new, "long_sentences")).height - sig.shape[0]]
    assert computed[0] > 0
    assert_metrics_equal(new, fresh_copy(new, tmp_path / "fresh"))


def test_a_store_without_the_state_is_carried_over_then_recomputed(tmp_path):
    """A store written before the state was kept: a stats-only ingest carries its metrics
    over as they are; the next ingest that parses computes template share afresh."""
    import os

    from fiscal_eval.metrics import compute
    from fiscal_eval.metrics.stored import load_metrics
    from fiscal_eval.store import live_generation, load

    generate(agencies=4, years=2, seed=8, out=tmp_path / "syn")
    store = tmp_path / "store"
    ingest([tmp_path / "syn" / "reports"], store, jobs=1, progress=False)
    from fiscal_eval.store import integrity

    for name in ("sentence_spans", "near_pairs"):
        metric_file(live_generation(store), name).unlink()
    integrity.record(live_generation(store))  # as that version recorded it
    for f in (tmp_path / "syn" / "reports").iterdir():
        os.utime(f)
    ingest([tmp_path / "syn" / "reports"], store, jobs=1, progress=False)
    assert not metric_file(live_generation(store), "sentence_spans").exists()
    first = sorted((tmp_path / "syn" / "reports").iterdir())[0]
    first.write_text(first.read_text("utf-8") + "\n本单位进一步加强了项目全过程绩效跟踪管理。", "utf-8")
    ingest([tmp_path / "syn" / "reports"], store, jobs=1, progress=False)
    folder = live_generation(store)
    assert metric_file(folder, "sentence_spans").exists()
    assert_frame_equal(sorted_rows(load_metrics(folder).template_share), sorted_rows(compute(load(store)).template_share))
