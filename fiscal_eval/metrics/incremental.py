"""Template share of a store's next generation from its last one (issue 13, a national corpus).

A re-ingest that adds or removes a few reports judges again only what they change. The
last generation keeps (:class:`~fiscal_eval.metrics.text.TemplateState`) each distinct
sentence's agencies and verdict, and the near-copy pairs of long sentences with the LSH
bands whose windows paired them; the next one is computed from those and from the
sentences of the reports that came or went:

* **agencies** (:func:`merge_spans`): a sentence's lowest and highest agency code, each
  with how many of its sentences that agency writes, move by the occurrences added and
  removed. Only when the last sentence of an extreme agency goes while others remain is
  the sentence's span read again from every report (:func:`rescan`).
* **near-copy pairs** (:func:`update_pairs`): within an LSH band a bucket's candidate
  pairs are its members paired with the next :data:`~fiscal_eval.metrics.text._BUCKET_WINDOW`
  in an order fixed by their hashes (:func:`~fiscal_eval.metrics.text._candidates`), so
  a sentence that comes or goes changes only the pairs reaching across its place. Those
  are listed and checked against the new order, band by band; a pair stays a near copy
  while some band still pairs it (its mask of bands), and only pairs no band paired
  before are decided (signature agreement, exact Jaccard when close).
* **verdicts** (the rule of :func:`~fiscal_eval.metrics.text.sentence_verdicts`) judged
  again for the sentences whose agencies changed, their near copies and the sentences of
  the pairs that came or went; and the reports' counts: the kept reports' counts of the
  last generation, corrected for the sentences whose verdict flipped (their reports found
  in one pass over the hashes, only when some flipped), and the new reports counted.

The result equals the computation afresh (:func:`~fiscal_eval.metrics.text.template_share_of`)
row for row, state tables included (tests/metrics/test_incremental.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import numpy as np
import polars as pl

from fiscal_eval.metrics.text import (
    _BUCKET_WINDOW,
    AGENCY_HIGH,
    AGENCY_LOW,
    HASH,
    HASHES,
    HIGH_OCCURRENCES,
    LOW_OCCURRENCES,
    NEAR_PAIR_SCHEMA,
    NORM,
    OCCURRENCES,
    PAIR_BANDS,
    PAIR_U,
    PAIR_V,
    SENTENCES,
    SPAN_SCHEMA,
    TEMPLATE,
    TEMPLATE_JACCARD,
    TEMPLATE_SENTENCES,
    TemplateState,
    _band_key,
    _banding,
    _decide,
    _shuffle,
    agency_spans,
    signatures,
)

__all__ = ["DELTA", "occurrence_delta", "merge_spans", "rescan", "update_pairs", "update", "update_counts",
           "count_changes", "apply_changes"]

class StoredSignatures(Protocol):
    """The last generation's signatures left in its files (:class:`~fiscal_eval.metrics.stored.LongSignatures`):
    the LSH band keys of every one, and the signatures and texts of those asked for."""

    def __len__(self) -> int: ...

    def band_key(self, band: int, r: int) -> np.ndarray: ...

    def take(self, rows: np.ndarray) -> tuple[np.ndarray, pl.Series]: ...


Signatures = np.ndarray | StoredSignatures

DELTA = "delta"  # occurrences added (+) or removed (−) of a sentence by an agency
CHANGE = "change"  # a flipped verdict: +1 now a template sentence, −1 no longer
_LOW32 = np.uint64(0xFFFFFFFF)


def occurrence_delta(added: Iterable[pl.DataFrame], removed: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """``hash``, ``agency_low`` (the agency code), :data:`DELTA`: the sentences of the
    reports added and removed, each frame ``hashes`` and ``agency_low`` (the report's
    code), netted by sentence and agency (a report replaced by itself changes nothing)."""
    parts = [
        frame.select(pl.col(HASHES).alias(HASH), AGENCY_LOW).explode(HASH).drop_nulls(HASH)
        .group_by(HASH, AGENCY_LOW).agg((pl.len().cast(pl.Int64) * sign).alias(DELTA))
        for frames, sign in ((added, 1), (removed, -1)) for frame in frames
    ]
    if not parts:
        return pl.DataFrame(schema={HASH: pl.UInt64, AGENCY_LOW: pl.UInt64, DELTA: pl.Int64})
    return pl.concat(parts).group_by(HASH, AGENCY_LOW).agg(pl.col(DELTA).sum()).filter(pl.col(DELTA) != 0)


def merge_spans(old: pl.DataFrame, delta: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """The spans after ``delta`` (:func:`occurrence_delta`) and the hashes whose span is
    not known from the two: an extreme agency's last occurrence removed while others
    remain. Rows keep the old :data:`TEMPLATE` (null: a new sentence; sentences no report
    holds any more are dropped); the caller rescans the unknown spans, then judges again."""
    d, agency = pl.col(DELTA), pl.col("_agency")
    added = agency.filter(d > 0)
    per = (
        delta.rename({AGENCY_LOW: "_agency"})
        .join(old.select(HASH, AGENCY_LOW, AGENCY_HIGH), on=HASH, how="left")
        .group_by(HASH)
        .agg(
            d.sum().alias("_dn"),
            d.filter(agency == pl.col(AGENCY_LOW)).sum().alias("_d_low"),
            d.filter(agency == pl.col(AGENCY_HIGH)).sum().alias("_d_high"),
            added.min().alias("_add_low"),
            d.filter(agency == added.min()).sum().alias("_add_low_n"),
            added.max().alias("_add_high"),
            d.filter(agency == added.max()).sum().alias("_add_high_n"),
        )
        .join(old, on=HASH, how="left")
    )
    count = pl.col(OCCURRENCES).cast(pl.Int64).fill_null(0) + pl.col("_dn")
    keep_low = pl.col(LOW_OCCURRENCES).cast(pl.Int64).fill_null(0) + pl.col("_d_low")
    keep_high = pl.col(HIGH_OCCURRENCES).cast(pl.Int64).fill_null(0) + pl.col("_d_high")
    # An agency added below the lowest (above the highest) is the new extreme; else the old
    # one while it still writes the sentence; else unknown (null): read again.
    add_low, add_high = pl.col("_add_low"), pl.col("_add_high")
    new_low = add_low.is_not_null() & (pl.col(AGENCY_LOW).is_null() | (add_low < pl.col(AGENCY_LOW)))
    new_high = add_high.is_not_null() & (pl.col(AGENCY_HIGH).is_null() | (add_high > pl.col(AGENCY_HIGH)))
    touched = per.filter(count > 0).select(
        HASH,
        count.cast(pl.UInt32).alias(OCCURRENCES),
        pl.when(new_low).then(pl.col("_add_low")).when(keep_low > 0).then(pl.col(AGENCY_LOW)).alias(AGENCY_LOW),
        pl.when(new_low).then(pl.col("_add_low_n")).when(keep_low > 0).then(keep_low)
        .cast(pl.UInt32).alias(LOW_OCCURRENCES),
        pl.when(new_high).then(pl.col("_add_high")).when(keep_high > 0).then(pl.col(AGENCY_HIGH)).alias(AGENCY_HIGH),
        pl.when(new_high).then(pl.col("_add_high_n")).when(keep_high > 0).then(keep_high)
        .cast(pl.UInt32).alias(HIGH_OCCURRENCES),
        TEMPLATE,
    )
    unknown = touched.filter(pl.col(AGENCY_LOW).is_null() | pl.col(AGENCY_HIGH).is_null())[HASH]
    spans = pl.concat([old.join(per.select(HASH), on=HASH, how="anti"), touched]).sort(HASH)
    return spans, unknown


def rescan(spans: pl.DataFrame, hashes: pl.Series, batches: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """``spans`` with the agencies of ``hashes`` read again from every report of the
    generation (``batches``: ``hashes``, ``agency_low`` a report), verdicts kept."""
    if hashes.len() == 0:
        return spans
    wanted = hashes.to_frame(HASH)
    parts = [
        agency_spans(frame.select(AGENCY_LOW, pl.col(HASHES).alias(HASH)).explode(HASH)
                     .join(wanted, on=HASH, how="semi"))
        for frame in batches
    ]
    fresh = agency_spans(pl.concat(parts)).join(spans.select(HASH, TEMPLATE), on=HASH, how="left")
    return pl.concat([spans.join(wanted, on=HASH, how="anti"), fresh.select(spans.columns)]).sort(HASH)


def update_pairs(
    pairs: pl.DataFrame, hashes: np.ndarray, sig: Signatures, norms: pl.Series | None,
    add_hashes: np.ndarray, add_sig: np.ndarray, add_norms: pl.Series, present: np.ndarray,
) -> tuple[pl.DataFrame, pl.Series]:
    """The near-copy pairs after long sentences came or went, and the sentences of the
    pairs that came or went (``hash``).

    ``pairs``: the last generation's, over its long sentences ``hashes`` (with
    signatures ``sig`` and texts ``norms``, or ``sig`` a :class:`Signatures` and ``norms``
    None); ``add_*``: the long sentences new to this one;
    ``present``: for the old then the new ones, whether the new generation holds them.
    Items are indexed old ones first, then new ones.
    """
    n_old = len(hashes)
    ids = np.concatenate([hashes, add_hashes]).astype(np.uint64)
    in_old = np.r_[np.ones(n_old, dtype=bool), np.zeros(len(add_hashes), dtype=bool)]
    in_new = present
    changed = np.flatnonzero(in_old != in_new)
    if not len(changed):
        return pairs, pl.Series(HASH, [], dtype=pl.UInt64)
    r, b = _banding(TEMPLATE_JACCARD)
    codes: list[np.ndarray] = []
    clears: list[np.ndarray] = []
    sets: list[np.ndarray] = []
    place = np.full(len(ids), -1, dtype=np.int64)
    for band in range(b):
        key = np.concatenate([_keys(sig, band, r), _band_key(add_sig, band, r)])
        code, was, now = _band_changes(key, ids, band, in_old, in_new, changed, place)
        codes.append(code)
        # bit ``band``: this band paired the pair before (was) and pairs it now (now)
        clears.append(np.where(was, np.uint32(1 << band), np.uint32(0)))
        sets.append(np.where(now, np.uint32(1 << band), np.uint32(0)))
    code = np.concatenate(codes)
    order = np.argsort(code, kind="stable")
    code = code[order]
    first = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    was = np.bitwise_or.reduceat(np.concatenate(clears)[order], first)
    now = np.bitwise_or.reduceat(np.concatenate(sets)[order], first)
    code = code[first]
    del codes, clears, sets, order
    x, y = (code >> np.uint64(32)).astype(np.int64), (code & _LOW32).astype(np.int64)
    hx, hy = ids[x], ids[y]
    lower = hx < hy
    touched = pl.DataFrame({PAIR_U: np.where(lower, hx, hy), PAIR_V: np.where(lower, hy, hx),
                            "_x": x, "_y": y, "_was": was, "_now": now})
    del x, y, hx, hy, lower, code
    # A band's bit of a near copy is what that band does now; bands not touched keep theirs.
    bands = (pl.col(PAIR_BANDS) & ~pl.col("_was").fill_null(0)) | pl.col("_now").fill_null(0)
    # NOTE: one join, the old pairs probing the few touched (not the other way round: a
    # hash table of every pair)
    joined = pairs.join(touched.select(PAIR_U, PAIR_V, "_was", "_now"), on=[PAIR_U, PAIR_V], how="left") \
        .select(PAIR_U, PAIR_V, bands.alias(PAIR_BANDS), pl.col("_now").is_not_null().alias("_touched"))
    kept = joined.filter(pl.col(PAIR_BANDS) != 0).drop("_touched")
    near = joined.filter(pl.col("_touched")).select(PAIR_U, PAIR_V)
    gone = joined.filter(pl.col(PAIR_BANDS) == 0)
    del joined
    # A pair paired now that is no near copy: decided, unless it was a candidate before
    # (then it was decided not similar, a function of its texts alone).
    fresh = touched.filter((pl.col("_now") != 0) & (pl.col("_was") == 0)).join(near, on=[PAIR_U, PAIR_V],
                                                                                how="anti")
    similar = _decide_some(fresh["_x"].to_numpy(), fresh["_y"].to_numpy(), n_old, sig, norms, add_sig, add_norms)
    added = fresh.filter(pl.Series(similar)).select(PAIR_U, PAIR_V, pl.col("_now").alias(PAIR_BANDS))
    moved = pl.concat([frame[column] for frame in (gone, added) for column in (PAIR_U, PAIR_V)]).unique()
    # NOTE: not sorted again (a second of a national corpus): nothing reads them in an order
    return pl.concat([kept, added.cast(pl.Schema(NEAR_PAIR_SCHEMA))]), moved.rename(HASH)


def _band_changes(key: np.ndarray, ids: np.ndarray, band: int, in_old: np.ndarray, in_new: np.ndarray,
                  changed: np.ndarray, place: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of one band whose candidacy may have changed: ``min << 32 | max`` codes of
    item positions, distinct, and whether the band paired each before and pairs it now.

    A bucket's pairs are its members in shuffled order, each with the next W. Only the
    buckets of the items that came or went change, and in them only the pairs spanning
    such an item's place, in the old order or in the new: for each change, the pairs of
    the W items before it and the W after it, in both orders. Each is then checked
    against both orders. ``key``: each item's bucket in band ``band``, ``ids`` its hash;
    ``place``: scratch, -1 everywhere (left so).
    """
    # NOTE: a hash set's look-up (polars), not a binary search: 10x faster over every item
    members = np.flatnonzero(pl.Series(key).is_in(pl.Series(np.unique(key[changed])).implode()).to_numpy())
    order = members[np.lexsort((_shuffle(ids[members], band), key[members]))]
    ranked = key[order]
    moved = in_old[order] != in_new[order]
    found: list[np.ndarray] = []
    for side in (in_old, in_new):
        mine = side[order]
        seq, seq_key = order[mine], ranked[mine]
        # a change's place in this order: how many of the order's items come before it
        place_of = (np.cumsum(mine) - mine)[moved]
        for back in range(_BUCKET_WINDOW + 1):
            for span in range(max(back, 1), _BUCKET_WINDOW + 1):
                i = place_of - back
                j = i + span
                ok = (i >= 0) & (j < len(seq))
                i, j = i[ok], j[ok]
                same = seq_key[i] == seq_key[j]
                x, y = seq[i[same]].astype(np.uint64), seq[j[same]].astype(np.uint64)
                found.append(np.minimum(x, y) << np.uint64(32) | np.maximum(x, y))
    code = np.unique(np.concatenate(found))
    x, y = (code >> np.uint64(32)).astype(np.int64), (code & _LOW32).astype(np.int64)
    paired = []
    for side in (in_old, in_new):
        seq = order[side[order]]
        place[seq] = np.arange(len(seq))
        paired.append(side[x] & side[y] & (key[x] == key[y]) & (np.abs(place[x] - place[y]) <= _BUCKET_WINDOW))
        place[seq] = -1
    return code, paired[0], paired[1]


def _keys(sig: Signatures, band: int, r: int) -> np.ndarray:
    """Each old item's bucket in band ``band``."""
    return _band_key(sig, band, r) if isinstance(sig, np.ndarray) else sig.band_key(band, r)


def _take(sig: Signatures, norms: pl.Series | None, rows: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """The signatures and texts of the old items ``rows``."""
    if isinstance(sig, np.ndarray):
        assert norms is not None
        return sig[rows], norms.gather(rows)
    return sig.take(rows)


def _decide_some(u: np.ndarray, v: np.ndarray, n_old: int, sig: Signatures, norms: pl.Series | None,
                 add_sig: np.ndarray, add_norms: pl.Series) -> np.ndarray:
    """:func:`~fiscal_eval.metrics.text._decide` of pairs of item positions (old ones, then
    new ones), on the signatures and texts of the items they involve only."""
    if not len(u):
        return np.zeros(0, dtype=bool)
    involved, local = np.unique(np.concatenate([u, v]), return_inverse=True)
    old, new = involved[involved < n_old], involved[involved >= n_old] - n_old
    old_sig, old_norms = _take(sig, norms, old)
    local_sig = np.concatenate([old_sig, add_sig[new]])
    texts = pl.concat([old_norms, add_norms.gather(new)])
    return _decide(texts, local_sig, local[: len(u)], local[len(u) :], TEMPLATE_JACCARD)


def update(
    state: TemplateState, delta: pl.DataFrame, long: pl.DataFrame, sig: Signatures, added_long: pl.DataFrame,
    batches: Iterable[pl.DataFrame],
) -> tuple[TemplateState, pl.DataFrame, list[Signatures], pl.DataFrame]:
    """The next generation's :class:`~fiscal_eval.metrics.text.TemplateState`, its long
    sentences (``hash``, ``norm``: the old ones that stay, then the new) with their
    signatures (in two parts, the same order), and the sentences whose verdict flipped
    (``hash``, :data:`CHANGE`) among those of both.

    ``state``, ``long`` and ``sig``: the last generation's (``sig`` a matrix, or a
    :class:`Signatures` left in the store's files: ``long`` then need not hold the texts,
    and when every old one stays, the first part is ``sig`` itself and their texts are
    left null for the caller to read); ``delta``:
    :func:`occurrence_delta` of the reports added and removed; ``added_long``: ``hash``,
    ``norm`` of the long sentences of the added reports (those already known included);
    ``batches``: every report of the new generation (``hashes``, ``agency_low``), read
    only when a span must be read again (see :func:`merge_spans`).
    """
    spans, unknown = merge_spans(state.spans, delta)
    if unknown.len():
        spans = rescan(spans, unknown, batches)
    hashes = long[HASH].to_numpy()
    new = (added_long.select(HASH, NORM).unique(HASH).join(long.select(HASH), on=HASH, how="anti")
           .join(spans.select(HASH), on=HASH, how="semi").sort(HASH))
    add_sig = signatures(new[NORM])
    stay = long[HASH].is_in(spans[HASH].implode()).to_numpy()
    norms = long[NORM] if NORM in long.columns else None  # None: ``sig`` reads them (Signatures)
    pairs, moved = update_pairs(state.pairs, hashes, sig, norms, new[HASH].to_numpy(), add_sig, new[NORM],
                                np.r_[stay, np.ones(new.height, dtype=bool)])
    spans, flips = _judge_again(state.spans, spans, pairs, delta.select(HASH).unique(), moved)
    # The long sentences of the new generation: the old ones kept, then the new ones.
    # NOTE: not sorted again, nor copied into one matrix: nothing reads them in an order
    if not stay.all():
        kept_sig, kept_norms = _take(sig, norms, np.flatnonzero(stay))
        long, sig = long.filter(pl.Series(stay)).with_columns(kept_norms.alias(NORM)), kept_sig
    elif norms is None:  # all stay: their texts are not read (the caller reads what it writes)
        long = long.with_columns(pl.lit(None, dtype=pl.Utf8).alias(NORM))
    return (TemplateState(spans.select(list(SPAN_SCHEMA)), pairs), pl.concat([long.select(HASH, NORM), new]),
            [sig, add_sig], flips)


def _judge_again(old: pl.DataFrame, spans: pl.DataFrame, pairs: pl.DataFrame, touched: pl.DataFrame,
                 moved: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``spans`` (merged, old verdicts) with the verdicts of the sentences they may have
    changed for judged again, and those that flipped.

    A verdict depends on the sentence's agencies (two or more, or which one) and on its
    near copies' (:func:`~fiscal_eval.metrics.text.sentence_verdicts`): judged again are
    the sentences whose agencies changed in that sense (among those ``touched`` by the
    delta; new ones included), their near copies, and the sentences of the pairs that
    came or went (``moved``). Each from its own pairs: the other sentences' verdicts stand.
    """
    low, high = pl.col(AGENCY_LOW), pl.col(AGENCY_HIGH)
    before = old.join(touched, on=HASH, how="semi").select(HASH, low.alias("_low"), high.alias("_high"))
    exact, was_exact = low != high, pl.col("_low") != pl.col("_high")
    changed = (spans.join(touched, on=HASH, how="semi").join(before, on=HASH, how="left")
               .filter(pl.col("_low").is_null() | (exact != was_exact) | (~exact & (low != pl.col("_low"))))[HASH])
    u, v = pl.col(PAIR_U), pl.col(PAIR_V)
    # NOTE: is_in against the few sentences judged again: the pairs are probed, never hashed
    near = pairs.filter(u.is_in(changed.implode()) | v.is_in(changed.implode()))
    again = pl.concat([changed, moved, near[PAIR_U], near[PAIR_V]]).unique().to_frame(HASH)
    mine = pairs.filter(u.is_in(again[HASH].implode()) | v.is_in(again[HASH].implode()))
    classes = spans.join(pl.concat([again, mine[PAIR_U].rename(HASH).to_frame(), mine[PAIR_V].rename(HASH)
                                    .to_frame()]).unique(), on=HASH, how="semi").select(HASH, AGENCY_LOW, AGENCY_HIGH)
    sides = (mine.join(classes.rename({HASH: PAIR_U, AGENCY_LOW: "_lu", AGENCY_HIGH: "_hu"}), on=PAIR_U)
             .join(classes.rename({HASH: PAIR_V, AGENCY_LOW: "_lv", AGENCY_HIGH: "_hv"}), on=PAIR_V))
    witness = ((pl.col("_lu") != pl.col("_hu")) | (pl.col("_lv") != pl.col("_hv")) | (pl.col("_lu") != pl.col("_lv")))
    witnessed = pl.concat([sides.select(pl.col(PAIR_U).alias(HASH), witness.alias("_w")),
                           sides.select(pl.col(PAIR_V).alias(HASH), witness.alias("_w"))]) \
        .group_by(HASH).agg(pl.col("_w").any())
    now = (pl.col(AGENCY_LOW) != pl.col(AGENCY_HIGH)) | pl.col("_w").fill_null(False)
    judged = (classes.join(again, on=HASH, how="semi").join(witnessed, on=HASH, how="left")
              .select(HASH, now.alias("_now")))
    at = np.searchsorted(spans[HASH].to_numpy(), judged[HASH].to_numpy())
    previous = spans[TEMPLATE].gather(at)  # null: a new sentence (judged here, as every new one)
    flips = judged.select(HASH, pl.when(pl.col("_now")).then(1).otherwise(-1).cast(pl.Int64).alias(CHANGE)) \
        .filter((previous.is_not_null() & (previous != judged["_now"])).fill_null(False))
    verdict = spans[TEMPLATE].fill_null(False).to_numpy().copy()
    verdict[at] = judged["_now"].to_numpy()
    return spans.with_columns(pl.Series(TEMPLATE, verdict)), flips


def update_counts(old: pl.DataFrame, flips: pl.DataFrame, kept: pl.LazyFrame) -> pl.DataFrame:
    """The kept reports' ``report_id``, :data:`SENTENCES`, :data:`TEMPLATE_SENTENCES`:
    ``old`` (the last generation's, of these reports) corrected by the flipped verdicts
    (``flips``) of their sentences, found in ``kept`` (their ``report_id``, ``hashes``;
    a store's file, scanned by polars' streaming engine), read only when a verdict flipped."""
    return apply_changes(old, count_changes(flips, kept))


def count_changes(flips: pl.DataFrame, kept: pl.LazyFrame) -> pl.DataFrame:
    """``report_id``, :data:`CHANGE`: the kept reports (``kept``: ``report_id``, ``hashes``)
    whose template sentences the flipped verdicts (``flips``) change, by how many (never 0);
    ``kept`` is read only when a verdict flipped."""
    if not flips.height:
        return pl.DataFrame(schema={"report_id": pl.Utf8, CHANGE: pl.Int64})
    return (kept.select("report_id", pl.col(HASHES).alias(HASH)).explode(HASH)
            .join(flips.lazy(), on=HASH).group_by("report_id").agg(pl.col(CHANGE).sum().cast(pl.Int64))
            .filter(pl.col(CHANGE) != 0).collect(engine="streaming"))


def apply_changes(old: pl.DataFrame, change: pl.DataFrame) -> pl.DataFrame:
    """``old`` (``report_id``, :data:`SENTENCES`, :data:`TEMPLATE_SENTENCES`) with the
    template sentences moved by ``change`` (:func:`count_changes`)."""
    old = old.select("report_id", SENTENCES, TEMPLATE_SENTENCES)
    if not change.height:
        return old
    return old.join(change, on="report_id", how="left", maintain_order="left").select(
        "report_id", SENTENCES,
        (pl.col(TEMPLATE_SENTENCES).cast(pl.Int64) + pl.col(CHANGE).fill_null(0)).cast(pl.UInt32)
        .alias(TEMPLATE_SENTENCES),
    )
