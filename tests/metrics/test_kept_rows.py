"""A re-ingest's metric tables from the last generation's (issue 13: the metrics step costs
in proportion to the change, fiscal_eval.metrics.Previous): the kept reports' rows of
yoy, ranks, PEFA, specificity, empty sections and per_report are kept, only the
agencies, rank groups and reports that changed computed again, and the sentence features
of the last generation linked, not copied. Every table equals the computation afresh;
each deliberate bug below (a touched group left alone, a kept report's changed template
share not set) makes that comparison fail."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
from metrics_support import assert_metrics_equal, fresh_copy, parsed_tables
from polars.testing import assert_frame_equal

import fiscal_eval.metrics as metrics
from fiscal_eval.bench.national import grow_store
from fiscal_eval.metrics import stored as stored_metrics
from fiscal_eval.metrics import text
from fiscal_eval.metrics.stored import (
    ADDED,
    FEATURES,
    LONG,
    LONG_ADDED,
    MetricsBuilder,
    feature_files,
    long_files,
    metric_file,
)

# A long sentence one agency writes and its near copy (last character changed): a kept
# report's sentence whose verdict flips when a new report of another agency writes the copy.
ALONE = "本单位独立开展了城乡结合部供排水管网的全面普查与修复工作。"
NEAR = "本单位独立开展了城乡结合部供排水管网的全面普查与修复工程。"


@pytest.fixture
def small(monkeypatch):
    """per_report's slices forced small, so that the kept rows come in several."""
    monkeypatch.setattr(metrics, "_PER_REPORT_BATCH", 97)


_NONE = pl.Series([], dtype=pl.Utf8)


def _generation(seed: Path, dest: Path, reports: int, skip: int, drop: pl.Series = _NONE,
                texts: dict[str, str] | None = None) -> Path:
    """A grow_store generation without metrics, less the reports ``drop``, with ``texts``
    appended to the texts of the reports named."""
    folder = grow_store(seed, dest, reports, metrics=False, skip=skip) / "gen-000001"
    for name in parsed_tables(folder):
        frame = pl.read_parquet(folder / f"{name}.parquet")
        frame.filter(~pl.col("report_id").is_in(drop.implode())).write_parquet(folder / f"{name}.parquet")
    extra = pl.DataFrame({"report_id": list(texts or {}), "_x": list((texts or {}).values())},
                         schema={"report_id": pl.Utf8, "_x": pl.Utf8})
    frame = pl.read_parquet(folder / "texts.parquet")
    frame.join(extra, on="report_id", how="left").with_columns(
        (pl.col("text") + "\n" + pl.col("_x").fill_null("")).alias("text")).drop("_x") \
        .write_parquet(folder / "texts.parquet")
    return folder


def _ids(folder: Path) -> pl.Series:
    return pl.read_parquet(folder / "reports.parquet", columns=["report_id"])["report_id"]


def _reingest(old: Path, new: Path, drop: pl.Series = _NONE) -> None:
    parsed = _ids(new).filter(~_ids(new).is_in(_ids(old).implode()))
    builder = MetricsBuilder(new, old, drop.to_list())
    assert builder._old_state() is not None  # the incremental path
    builder.add(pl.read_parquet(new / "texts.parquet").filter(pl.col("report_id").is_in(parsed.implode())))
    builder.finish()


def _assert_equal_afresh(folder: Path, dest: Path) -> None:
    assert_metrics_equal(folder, fresh_copy(folder, dest))
    # (grow_store writes the new reports first, an ingest last: rows compared as sets)
    features = [pl.read_parquet(feature_files(d)).sort("report_id") for d in (folder, dest)]
    assert_frame_equal(*features)


def _rows(path: Path | list[Path]) -> int:
    return pl.scan_parquet(path).select(pl.len()).collect().item()


def _scenario(seed: Path, tmp: Path) -> tuple[Path, Path, pl.Series, str]:
    """An old generation of 570 reports (600 less the first 30), its kept report ``a``
    writing ALONE; the new one: the 30 back, one of them writing NEAR (ALONE flips for
    ``a``), and about 30 old reports (one agency's all) gone. Returns old, new, the
    reports gone, ``a``."""
    old = _generation(seed, tmp / "old", 600, 30)
    every = pl.read_parquet(_generation(seed, tmp / "ids", 600, 0) / "reports.parquet",
                            columns=["report_id", "agency"])
    old_ids = _ids(old)
    fresh = every.filter(~pl.col("report_id").is_in(old_ids.implode()))
    kept = every.filter(pl.col("report_id").is_in(old_ids.implode()))
    a = kept.filter(~pl.col("agency").is_in(fresh["agency"].implode()))["report_id"][0]
    agency_a = kept.filter(pl.col("report_id") == a)["agency"].item()
    near_writer = fresh.filter(pl.col("agency") != agency_a)["report_id"][0]
    shutil.rmtree(tmp / "old")
    old = _generation(seed, tmp / "old", 600, 30, texts={a: ALONE})
    MetricsBuilder(old, None).finish()
    others = kept.filter(pl.col("agency") != agency_a)
    whole = others.filter(pl.col("agency") == others["agency"][5])["report_id"]  # an agency that leaves
    gone = pl.concat([whole, others["report_id"].gather_every(20, offset=3)]).unique()
    new = _generation(seed, tmp / "new", 600, 0, drop=gone, texts={a: ALONE, near_writer: NEAR})
    return old, new, gone, a


def _of(folder: Path, name: str, report: str) -> dict:
    return pl.read_parquet(metric_file(folder, name)).filter(pl.col("report_id") == report).row(0, named=True)


def test_a_reingest_keeps_the_rows_that_hold_and_equals_the_metrics_afresh(seed_store, tmp_path, small):
    old, new, gone, a = _scenario(seed_store, tmp_path)
    _reingest(old, new, gone)
    _assert_equal_afresh(new, tmp_path / "fresh")
    # ALONE flipped for the kept report a: its per_report row has one template sentence more
    before, after = _of(old, "per_report", a), _of(new, "per_report", a)
    assert after["template_sentences"] == before["template_sentences"] + 1
    assert after["template_share"] == after["template_sentences"] / after["sentences"]
    assert {k: v for k, v in after.items() if not k.startswith("template")} == \
        {k: v for k, v in before.items() if not k.startswith("template")}


def test_only_the_touched_reports_are_computed_again(seed_store, tmp_path, small, monkeypatch):
    old, new, gone, _ = _scenario(seed_store, tmp_path)
    seen: dict[str, int] = {}
    for name in ("yoy", "ranks", "pefa_pi1"):
        real = getattr(metrics, name)
        monkeypatch.setattr(metrics, name, lambda frame, _r=real, _n=name: (seen.__setitem__(_n, frame.height),
                                                                            _r(frame))[1])
    _reingest(old, new, gone)
    reports = _rows(new / "reports.parquet")
    assert 0 < seen["yoy"] < reports / 2 and 0 < seen["ranks"] < reports / 2 and 0 < seen["pefa_pi1"] < reports / 2


@pytest.mark.parametrize(("bug", "table"), [("yoy_fresh_only", "yoy"), ("ranks_fresh_only", "ranks"),
                                            ("pefa_fresh_only", "pefa_pi1"), ("gone_rows_stay", "per_report"),
                                            ("template_not_set", "per_report")])
def test_a_deliberate_bug_is_caught(seed_store, tmp_path, small, monkeypatch, bug, table):
    """The comparison with the computation afresh sees each way of keeping too much."""
    old, new, gone, _ = _scenario(seed_store, tmp_path)
    fresh_ids = _ids(new).filter(~_ids(new).is_in(_ids(old).implode()))
    only_fresh = pl.col("report_id").is_in(fresh_ids.implode())
    if bug in ("yoy_fresh_only", "ranks_fresh_only"):  # a touched group's kept reports left as they were
        name = bug.split("_")[0]
        real = getattr(metrics, name)
        monkeypatch.setattr(metrics, name, lambda frame, *a, _r=real: _r(frame.filter(only_fresh), *a))
    elif bug == "pefa_fresh_only":  # a touched agency graded on its fresh reports alone
        real_pi1 = metrics._pi1_input
        monkeypatch.setattr(metrics, "_pi1_input", lambda frame: real_pi1(frame.filter(only_fresh)))
    elif bug == "gone_rows_stay":
        monkeypatch.setattr(metrics, "_left", lambda previous: previous.fresh)
    else:
        real_previous = MetricsBuilder._previous

        def stale(self, reports):
            previous = real_previous(self, reports)
            return metrics.Previous(**{**previous.__dict__, "changed": pl.Series([], dtype=pl.Utf8)})

        monkeypatch.setattr(MetricsBuilder, "_previous", stale)
    _reingest(old, new, gone)
    monkeypatch.undo()  # the afresh computation as it is
    with pytest.raises(AssertionError, match=f"metric.{table} differs"):
        _assert_equal_afresh(new, tmp_path / "fresh")


def test_features_are_linked_while_reports_only_come_then_merged(seed_store, tmp_path, monkeypatch):
    g1 = _generation(seed_store, tmp_path / "g1", 600, 200)
    MetricsBuilder(g1, None).finish()
    assert _rows(metric_file(g1, FEATURES)) == 400 and _rows(metric_file(g1, ADDED)) == 0
    g2 = _generation(seed_store, tmp_path / "g2", 600, 100)
    _reingest(g1, g2)
    # the last generation's file itself, and the 100 new reports beside it
    assert os.stat(metric_file(g2, FEATURES)).st_ino == os.stat(metric_file(g1, FEATURES)).st_ino
    assert _rows(metric_file(g2, ADDED)) == 100
    _assert_equal_afresh(g2, tmp_path / "fresh2")
    # 100 added are more than an eighth of 400: merged into one file with the 100 new
    g3 = _generation(seed_store, tmp_path / "g3", 600, 0)
    _reingest(g2, g3)
    assert os.stat(metric_file(g3, FEATURES)).st_ino != os.stat(metric_file(g2, FEATURES)).st_ino
    assert _rows(metric_file(g3, FEATURES)) == 600 and _rows(metric_file(g3, ADDED)) == 0
    _assert_equal_afresh(g3, tmp_path / "fresh3")


def test_features_added_kept_while_small_and_rewritten_when_a_base_report_leaves(seed_store, tmp_path,
                                                                                monkeypatch):
    monkeypatch.setattr(stored_metrics, "_MERGE", 2)  # ADDED may hold half of FEATURES' rows
    g1 = _generation(seed_store, tmp_path / "g1", 600, 200)
    MetricsBuilder(g1, None).finish()
    g2 = _generation(seed_store, tmp_path / "g2", 600, 100)
    _reingest(g1, g2)
    # an added report leaves, 100 come: FEATURES still linked, ADDED the kept 99 and the new 100
    added = _ids(g2).filter(~_ids(g2).is_in(_ids(g1).implode()))
    leave = pl.Series([added[7]])
    g3 = _generation(seed_store, tmp_path / "g3", 600, 0, drop=leave)
    _reingest(g2, g3, leave)
    assert os.stat(metric_file(g3, FEATURES)).st_ino == os.stat(metric_file(g1, FEATURES)).st_ino
    assert _rows(metric_file(g3, ADDED)) == 199
    _assert_equal_afresh(g3, tmp_path / "fresh3")
    # a report of FEATURES leaves: both written anew, into FEATURES
    base = _ids(g1)[3]
    g4 = _generation(seed_store, tmp_path / "g4", 600, 0, drop=pl.Series([added[7], base]))
    _reingest(g3, g4, pl.Series([base]))
    assert os.stat(metric_file(g4, FEATURES)).st_ino != os.stat(metric_file(g3, FEATURES)).st_ino
    assert _rows(metric_file(g4, FEATURES)) == 598 and _rows(metric_file(g4, ADDED)) == 0
    _assert_equal_afresh(g4, tmp_path / "fresh4")


def test_long_sentences_are_linked_while_none_leaves(seed_store, tmp_path, monkeypatch):
    monkeypatch.setattr(stored_metrics, "_MERGE", 0.01)  # never merged for size here
    g1 = _generation(seed_store, tmp_path / "g1", 600, 200)
    MetricsBuilder(g1, None).finish()
    g2 = _generation(seed_store, tmp_path / "g2", 600, 100)
    _reingest(g1, g2)
    # only sentences came: the last generation's file, and the new ones beside it
    assert os.stat(metric_file(g2, LONG)).st_ino == os.stat(metric_file(g1, LONG)).st_ino
    assert _rows(metric_file(g2, LONG_ADDED)) == _rows(long_files(g2)) - _rows(metric_file(g1, LONG)) > 0
    _assert_equal_afresh(g2, tmp_path / "fresh2")
    g3 = _generation(seed_store, tmp_path / "g3", 600, 0)
    _reingest(g2, g3)  # both read back, LONG_ADDED's kept rows written again with the new ones
    assert os.stat(metric_file(g3, LONG)).st_ino == os.stat(metric_file(g1, LONG)).st_ino
    assert _rows(metric_file(g3, LONG_ADDED)) > _rows(metric_file(g2, LONG_ADDED))
    _assert_equal_afresh(g3, tmp_path / "fresh3")
    # a whole replica leaves (its agency-named sentences with it): all written to LONG
    leave = _ids(g3).filter(_ids(g3).str.ends_with("-9"))
    g4 = _generation(seed_store, tmp_path / "g4", 600, 0, drop=leave)
    _reingest(g3, g4, leave)
    assert os.stat(metric_file(g4, LONG)).st_ino != os.stat(metric_file(g1, LONG)).st_ino
    assert _rows(metric_file(g4, LONG_ADDED)) == 0 and _rows(metric_file(g4, LONG)) < _rows(long_files(g3))
    _assert_equal_afresh(g4, tmp_path / "fresh4")


def test_signatures_left_in_the_files_read_as_the_matrix(seed_store, tmp_path, monkeypatch):
    """LongSignatures (what a re-ingest reads of the old long sentences) gives the band keys,
    signatures and texts read_long gives, across both files and many batches, in any order."""
    monkeypatch.setattr(stored_metrics, "_MERGE", 0.01)
    monkeypatch.setattr(stored_metrics, "_SIG_BATCH", 37)
    g1 = _generation(seed_store, tmp_path / "g1", 300, 100)
    MetricsBuilder(g1, None).finish()
    g2 = _generation(seed_store, tmp_path / "g2", 300, 0)
    _reingest(g1, g2)
    assert _rows(metric_file(g2, LONG_ADDED)) > 0  # two files
    long, sig = stored_metrics.read_long(g2)
    lazy = stored_metrics.LongSignatures(g2)
    assert len(lazy) == long.height and (lazy.hashes == long["hash"].to_numpy()).all()
    r, bands = text._banding(text.TEMPLATE_JACCARD)
    for band in range(bands):
        assert (lazy.band_key(band, r) == text._band_key(sig, band, r)).all()
    rows = np.random.default_rng(5).permutation(long.height)[: long.height // 3]
    rows[:2] = [long.height - 1, 0]
    got_sig, got_norms = lazy.take(rows)
    assert (got_sig == sig[rows]).all()
    assert got_norms.to_list() == long["norm"].gather(rows).to_list()
    empty_sig, empty_norms = lazy.take(np.empty(0, dtype=np.int64))
    assert empty_sig.shape == (0, 64) and empty_norms.len() == 0
    # a file written before the band keys were kept: computed from the signatures
    added = metric_file(g2, LONG_ADDED)
    pq.write_table(pq.read_table(added).drop_columns(["bands"]), added)
    again = stored_metrics.LongSignatures(g2)
    for band in range(bands):
        assert (again.band_key(band, r) == text._band_key(sig, band, r)).all()


def test_a_flipped_verdict_is_counted_again_in_its_one_agencys_reports_only(seed_store, tmp_path, monkeypatch):
    """ALONE flips on for the kept report a: only the kept reports of the agencies of the
    flipped sentences are read again (their features' row groups), a's agency's among them;
    leaving those out (a deliberate bug) is seen by the comparison."""
    old, new, gone, a = _scenario(seed_store, tmp_path)
    read: list[pl.DataFrame] = []
    real = stored_metrics._holders

    def spy(*args):
        frame = real(*args)
        read.append(frame.collect() if frame is not None else pl.DataFrame())
        return frame

    monkeypatch.setattr(stored_metrics, "_holders", spy)
    _reingest(old, new, gone)
    agency = pl.read_parquet(old / "reports.parquet").filter(pl.col("report_id") == a)["agency"].item()
    theirs = pl.read_parquet(new / "reports.parquet").filter(pl.col("agency") == agency)["report_id"]
    # a's agency's reports among the few read (other sentences flipped too, in other agencies)
    assert set(theirs.to_list()) <= set(read[0]["report_id"].to_list()) and a in theirs.to_list()
    assert 0 < read[0].height < _rows(metric_file(old, "sentence_features")) / 4
    _assert_equal_afresh(new, tmp_path / "fresh")
    shutil.rmtree(tmp_path / "fresh")
    for name in ("sentence_features", "sentence_features_added", "long_sentences", "long_sentences_added"):
        metric_file(new, name).unlink()
    # the bug: a's agency's reports left out of those read again
    monkeypatch.setattr(stored_metrics, "_holders", lambda *args: (
        lambda frame: frame.filter(~pl.col("report_id").is_in(theirs.implode())))(real(*args)))
    _reingest(old, new, gone)
    monkeypatch.undo()
    with pytest.raises(AssertionError, match="metric.per_report differs"):
        _assert_equal_afresh(new, tmp_path / "fresh")
