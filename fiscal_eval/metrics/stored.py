"""Corpus metrics kept in a store generation, computed once by the ingest that writes it.

Every :class:`~fiscal_eval.metrics.Metrics` table is a file of the generation
(``metric.<name>.parquet``), beside two tables of what template share needs of each
report's text: ``metric.sentence_features`` (one row a report: the hashes of its
sentences, how many, how many with a figure) and ``metric.long_sentences`` (the
distinct long sentences: hash, normalised text, MinHash signature, LSH band keys), each
two files (the rows of ``metric.<name>.parquet``, then those of
``metric.<name>_added.parquet``: :func:`feature_files`, :func:`read_long`), and two of what
template share decided (:class:`~fiscal_eval.metrics.text.TemplateState`):
``metric.sentence_spans.parquet`` (a distinct sentence's agencies and verdict) and
``metric.near_pairs.parquet`` (the near-copy pairs with the LSH bands that paired them).
A re-ingest splits and hashes only the reports it parses; the kept reports' features are
not copied (the last generation's file is linked, the new reports' written beside it:
:data:`_MERGE`), and template share is updated for the sentences that came or went
(:mod:`fiscal_eval.metrics.incremental`): only the LSH buckets they fall in, and only
around their place there, are paired again (of the old long sentences only their band
keys are read, and the signatures and texts of those decided on: :class:`LongSignatures`),
and only the reports holding a sentence whose verdict flipped are counted again (those of
its one agency: :func:`_holders`). The other tables keep the last generation's rows that
hold and compute again only the agencies, rank groups and reports that changed
(:class:`~fiscal_eval.metrics.Previous`). All of it is :func:`fiscal_eval.metrics.from_parts`,
the function :func:`fiscal_eval.metrics.compute` ends in, so stored and recomputed metrics
are equal.

Features are reused only when written by the same algorithm and polars version
(:data:`FEATURES_VERSION`; sentence hashes are polars'), else the generation's texts are
read again, in batches, so memory holds one batch of texts at a time.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from fiscal_eval.metrics import REUSED, Metrics, Previous, incremental, metric_tables
from fiscal_eval.metrics.text import (
    AGENCY_HIGH,
    AGENCY_LOW,
    FEATURE_BATCH,
    HASH,
    HASHES,
    NORM,
    NUM_PERM,
    SENTENCE_FEATURE_COLUMNS,
    SENTENCES,
    SIGNATURE,
    TEMPLATE_JACCARD,
    TEMPLATE_SENTENCES,
    TEMPLATE_SHARE,
    TemplateState,
    _band_key,
    _banding,
    _feature_batches,
    _per_report,
    agency_code,
    sentence_features,
    signatures,
    template_counts,
)

__all__ = [
    "METRIC_TABLES", "FEATURE_TABLES", "STORED_FILES", "FEATURES_VERSION", "metric_file", "has_metrics",
    "load_metrics", "scan_metric", "MetricsBuilder",
]

#: The Metrics tables a generation keeps, each as ``metric.<name>.parquet``.
METRIC_TABLES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Metrics))
FEATURES = "sentence_features"
ADDED = "sentence_features_added"  # the features of the reports added since FEATURES was written
LONG = "long_sentences"
LONG_ADDED = "long_sentences_added"  # the long sentences added since LONG was written
SPANS = "sentence_spans"
NEAR = "near_pairs"
FEATURE_TABLES: tuple[str, ...] = (FEATURES, ADDED, LONG, LONG_ADDED, SPANS, NEAR)
#: Every file this module adds to a generation (what a commit carries over or links).
STORED_FILES: tuple[str, ...] = tuple(f"metric.{name}.parquet" for name in (*METRIC_TABLES, *FEATURE_TABLES))
# Bumped when sentence splitting, normalising or hashing changes; with polars' version,
# since sentence hashes are pl.Expr.hash values.
_ALGORITHM = "1"
FEATURES_VERSION = f"{_ALGORITHM}/polars-{pl.__version__}"
_VERSION_KEY = b"fiscal_eval.features_version"
_TEXT_BATCH = 1024  # texts read at a time when features are computed from the stored texts
# A re-ingest links the last generation's FEATURES file and writes the reports it adds
# into ADDED (the last ADDED's kept rows first), while ADDED holds at most 1/_MERGE of
# FEATURES' rows and no report of FEATURES leaves; else it writes both into FEATURES anew.
# The long sentences alike (LONG, LONG_ADDED), while none leaves.
_MERGE = 8
# The columns of each base table the metrics read (the rest of the store is never opened).
_REPORT_COLUMNS = ("report_id", "source", "agency", "region", "year", "kind", "project_name", "status",
                   "synthetic", "budget_yuan", "budget_adjusted_yuan", "available_yuan", "spent_yuan", "balance_yuan",
                   "execution_rate_reported", "arrival_rate_reported", "score", "grade", "grade_scheme")


def metric_file(folder: Path, name: str) -> Path:
    """The file of metric table (or feature table) ``name`` in generation ``folder``."""
    return Path(folder) / f"metric.{name}.parquet"


def has_metrics(folder: Path) -> bool:
    """Whether generation ``folder`` holds every metric table (a store written before
    metrics were stored does not)."""
    return all(metric_file(folder, name).is_file() for name in METRIC_TABLES)


def load_metrics(folder: Path) -> Metrics:
    """The stored metric tables of generation ``folder``, read whole."""
    return Metrics(**{name: pl.read_parquet(metric_file(folder, name)) for name in METRIC_TABLES})


def scan_metric(folder: Path, name: str) -> pl.LazyFrame:
    """A stored metric table as a LazyFrame: filters and selects are pushed into the read."""
    return pl.scan_parquet(metric_file(folder, name))


def _features_version(folder: Path, name: str = FEATURES) -> str | None:
    try:
        meta = pq.read_metadata(metric_file(folder, name)).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    value = meta.get(_VERSION_KEY)
    return value.decode() if value else None


def feature_files(folder: Path) -> list[Path]:
    """The files of generation ``folder``'s sentence features, in texts order: FEATURES,
    then ADDED (a generation written before it was kept has none)."""
    added = metric_file(folder, ADDED)
    return [metric_file(folder, FEATURES), *([added] if added.is_file() else [])]


def long_files(folder: Path) -> list[Path]:
    """The files of generation ``folder``'s long sentences: LONG, then LONG_ADDED (when it has one)."""
    added = metric_file(folder, LONG_ADDED)
    return [metric_file(folder, LONG), *([added] if added.is_file() else [])]


def _intact(folder: Path, names: Iterable[str] | None = None) -> bool:
    """Whether the tables ``names`` (default: the features and the long sentences) of
    ``folder`` match its checksum record (a generation without a record: whether they
    exist); damaged ones are computed again from the texts."""
    from fiscal_eval.store import integrity

    if names is None:
        names = [path.name.removeprefix("metric.").removesuffix(".parquet")
                 for path in (*feature_files(folder), *long_files(folder))]
    _, damages = integrity.verify(folder, full=True, tables=[f"metric.{name}" for name in names])
    return not damages


def _features_schema() -> pa.Schema:
    dtypes = {"Utf8": pl.Utf8, "UInt32": pl.UInt32, "List(UInt64)": pl.List(pl.UInt64)}
    columns = {name: dtypes[dtype] for name, dtype in SENTENCE_FEATURE_COLUMNS.items()}
    return pl.DataFrame(schema=columns).to_arrow().schema.with_metadata(
        {_VERSION_KEY: FEATURES_VERSION.encode()})


class MetricsBuilder:
    """The metrics of one generation being written.

    The ingest hands it the texts of the reports it parses, chunk by chunk (:meth:`add`),
    and calls :meth:`finish` once the generation's tables are complete and before the
    commit. ``old`` is the generation it starts from (None: none, and ``fresh`` when every
    row comes from the chunks), ``drop`` the report ids of ``old`` whose rows leave. When
    ``old`` has no usable features, the chunks are not used and :meth:`finish` reads every
    text of the new generation instead, a batch at a time.
    """

    def __init__(self, folder: Path, old: Path | None, drop: Iterable[str] | pl.Series = (), *,
                 fresh: bool = False) -> None:
        self.folder = Path(folder)
        self.old = old if old is not None and _features_version(old) == FEATURES_VERSION and _intact(old) else None
        self._drop = drop if isinstance(drop, pl.Series) else pl.Series(sorted(set(drop)), dtype=pl.Utf8)
        self._kept = 0  # rows of the old features kept: the new reports' rows follow them
        self._gone: list[pl.DataFrame] = []  # report_id, hashes of the old reports that leave
        self._writer: pq.ParquetWriter | None = None
        self._file = FEATURES  # the features file written (ADDED when FEATURES is the old one's)
        #: The files linked from ``old`` (their stems: the same bytes, checksummed there already).
        self.linked: list[str] = []
        self._long: list[pl.DataFrame] = []
        self._fresh: list[pl.Series] = []  # ids of the reports this ingest parsed
        self._changed: pl.Series | None = None  # kept reports whose template share changed (when updated)
        # Features come from the chunks when the old generation's are reusable, or when
        # there is no old generation (``fresh``: every row of the new one is a chunk's).
        self._chunks = self.old is not None or (old is None and fresh)
        if self.old is not None:
            self._keep_old()
        elif self._chunks:
            self._open(FEATURES)

    def _open(self, name: str) -> None:
        self._file = name
        self._writer = pq.ParquetWriter(metric_file(self.folder, name), _features_schema(), compression="zstd")

    def _write(self, features: pl.DataFrame) -> None:
        assert self._writer is not None
        if features.height:
            table = features.select(list(SENTENCE_FEATURE_COLUMNS)).to_arrow()
            self._writer.write_table(table.cast(self._writer.schema))

    def _keep_old(self) -> None:
        """The old generation's features, less the dropped reports (the base tables keep
        their rows in the same order, so features stay in texts order): its FEATURES file
        linked and its ADDED rows copied, or both copied into FEATURES (see :data:`_MERGE`)."""
        assert self.old is not None
        base, *added = feature_files(self.old)
        rows = pq.read_metadata(base).num_rows
        more = pq.read_metadata(added[0]).num_rows if added else 0
        leave = len(self._drop) and pl.read_parquet(base, columns=["report_id"])["report_id"].is_in(
            self._drop.implode()).any()
        if not leave and more * _MERGE <= rows:
            _link(base, metric_file(self.folder, FEATURES))
            self.linked.append(f"metric.{FEATURES}")
            self._kept += rows
            self._open(ADDED)
        else:
            self._open(FEATURES)
            added.insert(0, base)
        for path in added:
            self._copy(path)

    def _copy(self, path: Path) -> None:
        drop = self._drop
        for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536):
            frame = pl.from_arrow(pa.Table.from_batches([batch]))
            assert isinstance(frame, pl.DataFrame)
            if len(drop):
                gone = pl.col("report_id").is_in(drop.implode())
                self._gone.append(frame.filter(gone).select("report_id", HASHES))
                frame = frame.filter(~gone)
            self._write(frame)
            self._kept += frame.height

    def _take(self, texts: pl.DataFrame) -> None:
        features, long = sentence_features(texts.select("report_id", "text"))
        self._write(features)
        self._fresh.append(features["report_id"])
        if len(self._fresh) > 64:  # NOTE: one Series, not a Python object a chunk
            self._fresh = [pl.concat(self._fresh)]
        if long.height:
            self._long.append(_compact(long))
            if len(self._long) > 16:  # NOTE: bounded: the same long sentences recur in every chunk
                self._long = [_compact(pl.concat(self._long).unique(HASH, keep="first"))]

    def add(self, texts: pl.DataFrame) -> None:
        """The ``texts`` rows (``report_id``, ``text``) of reports this ingest parsed, ids final."""
        if self._chunks:
            self._take(texts)

    def finish(self) -> None:
        """Compute every metric of the generation from its tables and write the metric
        files, each as soon as it is computed (:func:`~fiscal_eval.metrics.metric_tables`:
        never all held at once; the tables they read are scanned here, read and let go there)."""
        folder = self.folder
        if not self._chunks:  # nothing reusable: features from every stored text, in batches
            self._open(FEATURES)
            texts = pq.ParquetFile(folder / "texts.parquet")
            for batch in texts.iter_batches(batch_size=_TEXT_BATCH, columns=["report_id", "text"]):
                frame = pl.from_arrow(pa.Table.from_batches([batch]))
                assert isinstance(frame, pl.DataFrame)
                self._take(frame)
        assert self._writer is not None
        self._writer.close()
        if self._file == FEATURES:  # every generation has both files
            pq.ParquetWriter(metric_file(folder, ADDED), _features_schema(), compression="zstd").close()
        # Scanned, not read: the hashes (most of the file) are read a batch at a time.
        features = pl.scan_parquet(feature_files(folder))
        reports = pl.scan_parquet(folder / "reports.parquet").select(_REPORT_COLUMNS)
        state = self._old_state()
        shares = None
        out: list[TemplateState] = []
        if state is not None:
            shares, long, parts, new_state = self._update_template(
                state, features, reports.select("report_id", "agency").collect())
            out.append(new_state)
            self._store_long(long, parts, updated=True)
            sig = None  # not read: the shares are given
            del parts
        else:
            long, sig = self._long_sentences(features)
            self._store_long(long, [sig])
        tables = metric_tables(
            reports,
            pl.scan_parquet(folder / "statements.parquet").select("report_id", "section", "text"),
            pl.scan_parquet(folder / "flags.parquet").select("report_id", "code", "severity"),
            pl.scan_parquet(folder / "fund_lines.parquet").select("report_id", "role", "measure", "label",
                                                                  "amount_yuan")
            .filter(pl.col("role") == "line_item"),
            features, long, sig, self._previous(reports), shares=shares, state=out,
        )
        del long, sig, shares  # NOTE: held by the tables' computation, and let go there
        # NOTE: no column statistics (a fifth of a table's writing): the tables pages filter
        # are laid out after (store.layout, statistics of the key), the others are read whole.
        writer: pq.ParquetWriter | None = None  # per_report, written as its parts come
        for name, table in tables:
            if name != "per_report":
                table.write_parquet(metric_file(folder, name), compression="zstd", statistics=False)
            elif table.height or writer is None:
                arrow = table.to_arrow()
                writer = writer or pq.ParquetWriter(metric_file(folder, name), arrow.schema, compression="zstd",
                                                    write_statistics=False)
                writer.write_table(arrow.cast(writer.schema))
            del table
        if writer is not None:
            writer.close()
        version = {_VERSION_KEY.decode(): FEATURES_VERSION}
        out[0].spans.write_parquet(metric_file(folder, SPANS), compression="zstd", metadata=version, statistics=False)
        out[0].pairs.write_parquet(metric_file(folder, NEAR), compression="zstd", statistics=False)

    def _old_state(self) -> TemplateState | None:
        """The old generation's template share state, when it has one this code can update."""
        old = self.old
        if old is None or not has_metrics(old) or _features_version(old, SPANS) != FEATURES_VERSION \
                or not _intact(old, (SPANS, NEAR)):
            return None
        return TemplateState(pl.read_parquet(metric_file(old, SPANS)), pl.read_parquet(metric_file(old, NEAR)))

    def _update_template(self, state: TemplateState, features: pl.LazyFrame, reports: pl.DataFrame,
                         ) -> tuple[pl.DataFrame, pl.DataFrame, list[incremental.Signatures], TemplateState]:
        """Template share updated from the old generation's (:mod:`fiscal_eval.metrics.incremental`):
        the shares, the long sentences and their signatures (parts, in their order), the new state."""
        assert self.old is not None
        size = FEATURE_BATCH
        codes = reports.select("report_id", agency_code().alias(AGENCY_LOW))

        def coded(frame: pl.LazyFrame) -> Iterable[pl.DataFrame]:
            for part in _feature_batches(frame, size):
                yield part.join(codes, on="report_id")

        added = features.slice(self._kept)
        gone = pl.concat(self._gone) if self._gone else pl.DataFrame(schema={"report_id": pl.Utf8,
                                                                            HASHES: pl.List(pl.UInt64)})
        dropped = self._drop
        gone_codes = (pl.scan_parquet(self.old / "reports.parquet")
                      .select("report_id", agency_code().alias(AGENCY_LOW))
                      .filter(pl.col("report_id").is_in(dropped.implode())).collect())
        gone = gone.join(gone_codes, on="report_id")
        delta = incremental.occurrence_delta(coded(added), [gone])
        del gone
        # Left in the files: the band keys read of every one, the rest of those decided on.
        old_sig = LongSignatures(self.old)
        long = pl.DataFrame({HASH: old_sig.hashes})
        added_long = (pl.concat([frame.select(HASH, NORM) for frame in self._long]) if self._long
                      else pl.DataFrame(schema={HASH: pl.UInt64, NORM: pl.Utf8}))
        new_state, long, parts, flips = incremental.update(state, delta, long, old_sig, added_long, coded(features))
        del old_sig
        keyed = reports.select("report_id").with_row_index("_r")
        fresh = template_counts(keyed, _feature_batches(added, size), new_state.spans) \
            .join(keyed, on="_r").drop("_r")
        before = pl.read_parquet(metric_file(self.old, "template_share"))
        if len(self._drop):
            before = before.filter(~pl.col("report_id").is_in(dropped.implode()))
        holders = _holders(flips, state.spans, new_state.spans, codes, self.folder, self._kept)
        change = incremental.count_changes(flips, features.slice(0, self._kept) if holders is None else holders)
        self._changed = change["report_id"]
        # The kept reports' rows in their order (the features', as the last generation's),
        # then the new ones': every report with a text, in the features' order.
        kept = incremental.apply_changes(before, change).with_columns(
            pl.when(pl.col(SENTENCES) > 0).then(pl.col(TEMPLATE_SENTENCES) / pl.col(SENTENCES)).alias(TEMPLATE_SHARE))
        new = _per_report(added.select("report_id").collect(), fresh, TEMPLATE_SENTENCES, TEMPLATE_SHARE)
        return pl.concat([kept, new.select(kept.columns)]), long, parts, new_state

    def _previous(self, reports: pl.LazyFrame) -> Previous | None:
        """What of the old generation's statement metrics holds (see :class:`Previous`)."""
        old = self.old
        if old is None or not has_metrics(old):
            return None
        fresh = pl.concat(self._fresh) if self._fresh else pl.Series("report_id", [], dtype=pl.Utf8)
        gone = self._drop
        agencies = pl.concat([
            reports.filter(pl.col("report_id").is_in(fresh.implode())).select("agency").collect()["agency"],
            pl.scan_parquet(old / "reports.parquet").filter(pl.col("report_id").is_in(gone.implode()))
            .select("agency").collect()["agency"],
        ]).unique()
        # The other tables' rows are kept too when the old generation has them intact.
        tables = ({name: scan_metric(old, name) for name in REUSED}
                  if _intact(old, REUSED) else None)
        return Previous(pl.read_parquet(metric_file(old, "empty_sections")),
                        pl.read_parquet(metric_file(old, "recurring_problems")), fresh, agencies,
                        gone=gone, tables=tables, changed=self._changed)

    def _long_sentences(self, features: pl.LazyFrame) -> tuple[pl.DataFrame, np.ndarray]:
        """The generation's distinct long sentences with their signatures (the old
        generation's reused, new ones computed), sorted by hash."""
        used = (features.select(pl.col(HASHES).explode().alias(HASH)).drop_nulls().unique()
                .collect(engine="streaming"))
        parts = [frame.select(HASH, NORM) for frame in self._long]
        old_long, old_sig = (None, None) if self.old is None else read_long(self.old)
        if old_long is not None:
            parts.insert(0, old_long.join(used, on=HASH, how="semi"))
        long = (pl.concat(parts) if parts else pl.DataFrame(schema={HASH: pl.UInt64, NORM: pl.Utf8}))
        long = long.unique(HASH, keep="first").join(used, on=HASH, how="semi").sort(HASH)
        sig = np.empty((long.height, NUM_PERM), dtype=np.uint64)
        known = np.zeros(long.height, dtype=bool)
        if old_long is not None and old_sig is not None and old_long.height:
            at = long.with_row_index("_at").join(old_long.select(HASH).with_row_index("_old"), on=HASH)
            sig[at["_at"].to_numpy()] = old_sig[at["_old"].to_numpy()]
            known[at["_at"].to_numpy()] = True
        missing = np.flatnonzero(~known)
        if len(missing):
            sig[missing] = signatures(long[NORM].gather(missing))
        return long, sig

    def _store_long(self, long: pl.DataFrame, parts: list[incremental.Signatures], *, updated: bool = False) -> None:
        """The long sentences (``hash``, ``norm``) and their signatures (``parts``, one
        after the other, row for row), written. ``updated``: they are
        :func:`~fiscal_eval.metrics.incremental.update`'s, the old generation's that stay
        (in their order), then the new ones; when all stay, the old LONG file is linked and
        the rest written to LONG_ADDED (see :data:`_MERGE`), else all are written to LONG.
        A first part left in the old files (:class:`LongSignatures`, the old ones all
        staying, their texts null in ``long``) is read here, only the rows written."""
        old = self.old
        if old is not None and updated:
            base, *more = long_files(old)
            rows = pq.read_metadata(base).num_rows
            before = rows + (pq.read_metadata(more[0]).num_rows if more else 0)
            if len(parts[0]) == before and (long.height - rows) * _MERGE <= rows:
                # The old ones all stay, in their order (incremental.update): only the rest is written.
                _link(base, metric_file(self.folder, LONG))
                self.linked.append(f"metric.{LONG}")
                rest, sig = _read_old(long.slice(rows), [_rows_of(parts[0], np.arange(rows, before)), *parts[1:]])
                self._write_long(rest, sig, LONG_ADDED)
                return
        every, sig = _read_old(long, [_rows_of(parts[0], None), *parts[1:]])
        self._write_long(every, sig, LONG)
        self._write_long(long.clear(), [np.empty((0, NUM_PERM), dtype=np.uint64)], LONG_ADDED)

    def _write_long(self, long: pl.DataFrame, parts: list[np.ndarray], name: str) -> None:
        """The long sentences (``hash``, ``norm``) and their signatures (``parts``, one
        after the other, row for row), written to file ``name``."""
        # NOTE: a signature as 512 bytes, views of the numpy matrices: a list of 64 numbers
        # took 3-4x longer to read back (Parquet levels a number), and a re-ingest reads all.
        # lz4: near copies share most of a signature, and it reads back 3x faster than zstd.
        # The LSH band keys beside them (BANDS): what the next re-ingest reads of every one.
        r, bands = _banding(TEMPLATE_JACCARD)
        chunks, keys = [], []
        for sig in parts:
            sig = np.ascontiguousarray(sig, dtype="<u8")
            chunks.append(_fixed(sig, _SIG_BYTES))
            keys.append(_fixed(np.stack([_band_key(sig, band, r) for band in range(bands)], axis=1), bands * 8))
        table = pa.table({HASH: long[HASH].to_arrow(), NORM: long[NORM].to_arrow().cast(pa.large_string()),
                          SIGNATURE: pa.chunked_array(chunks, type=pa.binary(_SIG_BYTES)),
                          BANDS: pa.chunked_array(keys, type=pa.binary(bands * 8))})
        pq.write_table(table, metric_file(self.folder, name),  # a codec a column (pyarrow's stub says one)
                       compression={HASH: "zstd", NORM: "zstd", SIGNATURE: "lz4", BANDS: "none"},  # pyright: ignore[reportArgumentType]
                       write_statistics=False, row_group_size=_SIG_BATCH)  # read back a group at a time


_SIG_BYTES = NUM_PERM * 8
BANDS = "bands"  # a long sentence's LSH band keys: b uint64, little-endian (random: not compressed)


def _fixed(matrix: np.ndarray, width: int) -> pa.FixedSizeBinaryArray:
    """The rows of a uint64 matrix as fixed-size binary values of ``width`` bytes (a view)."""
    matrix = np.ascontiguousarray(matrix, dtype="<u8")
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(matrix), [None, pa.py_buffer(matrix)])


def _holders(flips: pl.DataFrame, before: pl.DataFrame, after: pl.DataFrame, codes: pl.DataFrame,
             folder: Path, kept: int) -> pl.LazyFrame | None:
    """The features (``report_id``, ``hashes``) of the kept reports that may hold a
    sentence whose verdict flipped, read from the row groups holding them (None: every
    kept report may; ``kept``: the first rows of generation ``folder``'s features).

    A sentence written by two agencies is a template sentence whatever its near copies
    (:func:`~fiscal_eval.metrics.text.sentence_verdicts`), so one that flipped on had one
    agency before, and one that flipped off has one now: its kept holders are that
    agency's reports (the kept reports' sentences do not change). ``codes``: every
    report's agency code."""
    if not flips.height:
        return None
    low, high = pl.col(AGENCY_LOW), pl.col(AGENCY_HIGH)
    sides = [spans.join(flips.filter(pl.col(incremental.CHANGE) * sign > 0), on=HASH, how="inner")
             .select(HASH, low, high) for spans, sign in ((before, 1), (after, -1))]
    side = pl.concat(sides)
    if side.height != flips.height or not side.select((low == high).all()).item():
        return None
    ids = codes.filter(pl.col(AGENCY_LOW).is_in(side[AGENCY_LOW].unique().implode()))["report_id"]
    files = feature_files(folder)
    where = (pl.scan_parquet(files).select("report_id").head(kept).with_row_index("_at")
             .filter(pl.col("report_id").is_in(ids.implode())).collect()["_at"].to_numpy())
    parts, offset = [], 0
    for path in files:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.metadata.num_row_groups):
            rows = parquet.metadata.row_group(group).num_rows
            local = where[(where >= offset) & (where < offset + rows)] - offset
            if len(local):
                table = parquet.read_row_group(group, columns=["report_id", HASHES]).take(pa.array(local))
                frame = pl.from_arrow(table)
                assert isinstance(frame, pl.DataFrame)
                parts.append(frame)
            offset += rows
    if not parts:
        return pl.LazyFrame(schema={"report_id": pl.Utf8, HASHES: pl.List(pl.UInt64)})
    return pl.concat(parts).lazy()
# Long sentences a row group of their files, read at a time by LongSignatures: a group is
# decoded whole (one of a million signatures was 300 MB of fresh memory, slow to get here).
_SIG_BATCH = 32_768


def _rows_of(sig: incremental.Signatures, rows: np.ndarray | None) -> tuple[np.ndarray, pl.Series | None]:
    """Rows ``rows`` (None: all) of the first part: a matrix's (no texts), or read from the files."""
    if isinstance(sig, np.ndarray):
        return (sig if rows is None else sig[rows]), None
    return sig.take(np.arange(len(sig)) if rows is None else rows)


def _read_old(long: pl.DataFrame, parts: list[Any]) -> tuple[pl.DataFrame, list[np.ndarray]]:
    """``long`` and the signature parts, the first given as (matrix, texts read or None): the
    texts of its rows filled in ``long`` when read."""
    sig, norms = parts[0]
    if norms is not None:
        n = len(norms)
        long = pl.concat([long.head(n).with_columns(norms.alias(NORM)), long.slice(n)])
    return long, [sig, *parts[1:]]


class LongSignatures:
    """The long sentences' signatures of a generation, left in its files (LONG, then
    LONG_ADDED; :class:`incremental.StoredSignatures`).

    What :func:`~fiscal_eval.metrics.incremental.update` needs of every old long sentence
    is its hash and its LSH buckets: those are made here in one pass, a batch of
    signatures at a time (96 bytes a sentence kept, of the 512 read). The signatures and
    texts of the few it decides on, or of those written again, are read again when asked
    (:meth:`take`). Holding every signature took longer than reading it: a national
    corpus's are 300 MB, and this machine spent 2 ms a MB making room for them.
    """

    def __init__(self, folder: Path) -> None:
        self.files = long_files(folder)
        self.r, bands = _banding(TEMPLATE_JACCARD)
        hashes: list[np.ndarray] = []
        keys: list[np.ndarray] = []
        for path in self.files:
            parquet = pq.ParquetFile(path)
            field = parquet.schema_arrow.field(BANDS) if BANDS in parquet.schema_arrow.names else None
            stored = field is not None and field.type == pa.binary(bands * 8)
            for batch in self._batches([path], [HASH, BANDS if stored else SIGNATURE]):
                hashes.append(batch.column(0).to_numpy().astype(np.uint64, copy=False))
                if stored:  # written by a store that keeps them
                    keys.append(_fixed_matrix(batch.column(1), bands))
                else:
                    sig = _signature_matrix(batch.column(1))
                    keys.append(np.stack([_band_key(sig, band, self.r) for band in range(bands)], axis=1))
        self.hashes = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.uint64)
        self._keys = np.concatenate(keys) if keys else np.empty((0, bands), dtype=np.uint64)

    def _batches(self, files: list[Path], columns: list[str]) -> Iterable[pa.RecordBatch]:
        for path in files:
            yield from pq.ParquetFile(path).iter_batches(batch_size=_SIG_BATCH, columns=columns)

    def __len__(self) -> int:
        return len(self.hashes)

    def band_key(self, band: int, r: int) -> np.ndarray:
        """Each long sentence's bucket in LSH band ``band`` (of ``r`` rows)."""
        assert r == self.r
        return self._keys[:, band]

    def take(self, rows: np.ndarray) -> tuple[np.ndarray, pl.Series]:
        """The signatures and texts (``norm``) of the long sentences at ``rows`` (positions,
        in that order), in one pass over the files."""
        rows = np.asarray(rows, dtype=np.int64)
        order = np.argsort(rows, kind="stable")
        wanted = rows[order]
        sig = np.empty((len(rows), NUM_PERM), dtype=np.uint64)
        texts: list[pa.Array] = []
        at: list[np.ndarray] = []
        offset = 0
        for batch in self._batches(self.files, [NORM, SIGNATURE]) if len(rows) else ():
            lo, hi = np.searchsorted(wanted, [offset, offset + batch.num_rows])
            if hi > lo:
                local = wanted[lo:hi] - offset
                sig[order[lo:hi]] = _signature_matrix(batch.column(1))[local]
                texts.append(batch.column(0).take(pa.array(local)).cast(pa.large_string()))
                at.append(order[lo:hi])
            offset += batch.num_rows
        if not texts:
            return sig, pl.Series(NORM, [], dtype=pl.Utf8)
        norms = pl.Series(NORM, pa.chunked_array(texts, type=pa.large_string())).cast(pl.Utf8)
        return sig, norms.gather(np.argsort(np.concatenate(at), kind="stable"))


def _fixed_matrix(column: pa.Array, width: int) -> np.ndarray:
    """A fixed-size binary column of ``width`` uint64 a value as a matrix (a view)."""
    data = column.buffers()[1]
    assert data is not None
    return np.frombuffer(data, dtype="<u8", count=len(column) * width,
                         offset=column.offset * width * 8).reshape(-1, width).astype(np.uint64, copy=False)


def _signature_matrix(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The signatures of a ``signature`` column as a matrix (a view of a contiguous one)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_fixed_size_binary(column.type):
        data = column.buffers()[1]
        assert data is not None
        sig = np.frombuffer(data, dtype="<u8", count=len(column) * NUM_PERM,
                            offset=column.offset * _SIG_BYTES).reshape(-1, NUM_PERM)
    else:  # a list of 64 numbers a row, as stores wrote it before
        sig = column.flatten().to_numpy(zero_copy_only=False).reshape(-1, NUM_PERM)
    return sig.astype(np.uint64, copy=False)


def read_long(folder: Path) -> tuple[pl.DataFrame, np.ndarray]:
    """The long sentences of generation ``folder`` (``hash``, ``norm``; LONG's, then
    LONG_ADDED's) and their signatures (read-only: a view of the file's buffer when
    LONG_ADDED is empty)."""
    parts = [_read_long(path) for path in long_files(folder)]
    parts = [parts[0], *(part for part in parts[1:] if part[0].height)]
    if len(parts) == 1:
        return parts[0]
    return pl.concat([long for long, _ in parts]), np.concatenate([sig for _, sig in parts])


def _read_long(path: Path) -> tuple[pl.DataFrame, np.ndarray]:
    table = pq.read_table(path, columns=[HASH, NORM, SIGNATURE])
    sig = _signature_matrix(table.column(SIGNATURE))
    long = pl.from_arrow(table.select([HASH, NORM]))
    assert isinstance(long, pl.DataFrame)
    return long, sig


def _compact(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its strings copied into buffers of their own.

    A polars string column is views into the buffers it was cut from: the few long
    sentences kept of a chunk held the whole chunk's normalised text alive (2 KB a report,
    2 GB over a national corpus). Through Arrow's large strings, only the rows kept are copied.
    """
    table = frame.to_arrow()
    fields = [pa.field(f.name, pa.large_string()) if pa.types.is_string_view(f.type) or pa.types.is_string(f.type)
              or pa.types.is_large_string(f.type) else f for f in table.schema]
    compact = pl.from_arrow(table.cast(pa.schema(fields)))
    assert isinstance(compact, pl.DataFrame)
    return compact


def link_metrics(old: Path, new: Path) -> bool:
    """Carry the old generation's metric files into ``new`` unchanged (only stats
    changed); False when ``old`` has none (the caller then computes them)."""
    if not has_metrics(old) or _features_version(old) != FEATURES_VERSION:
        return False
    for name in (*METRIC_TABLES, *FEATURE_TABLES):
        src, dst = metric_file(old, name), metric_file(new, name)
        if name in (SPANS, NEAR, ADDED, LONG_ADDED) and not src.is_file():
            continue  # written before it was kept: the next ingest that parses writes it
        _link(src, dst)
    return True


def _link(src: Path, dst: Path) -> None:
    """``dst`` the same file as ``src`` (a hard link; a copy where links fail)."""
    try:
        os.link(src, dst)
    except OSError:
        import shutil

        shutil.copyfile(src, dst)
