"""Corpus metrics kept in a store generation, computed once by the ingest that writes it.

Every :class:`~fiscal_eval.metrics.Metrics` table is a file of the generation
(``metric.<name>.parquet``), beside two tables of what template share needs of each
report's text: ``metric.sentence_features.parquet`` (one row a report: the hashes of its
sentences, how many, how many with a figure) and ``metric.long_sentences.parquet`` (the
distinct long sentences: hash, normalised text, MinHash signature). A re-ingest splits
and hashes only the reports it parses; the kept reports' features, and the signatures of
sentences already seen, are read back, as are the near-copy decisions already taken
(``metric.sentence_pairs.parquet``: a candidate pair's exact Jaccard, the costly part).
The corpus step (exact matches, LSH buckets, year-over-year, ranks, PEFA) then runs on
those compact columns, never on the texts; empty sections are computed for the parsed
reports only and recurring problems for the agencies whose reports changed
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

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from fiscal_eval.metrics import Metrics, Previous, metric_tables
from fiscal_eval.metrics.text import (
    HASH,
    HASHES,
    NORM,
    NUM_PERM,
    PAIR_COLUMNS_SCHEMA,
    SENTENCE_FEATURE_COLUMNS,
    SIGNATURE,
    sentence_features,
    signatures,
)

__all__ = [
    "METRIC_TABLES", "FEATURE_TABLES", "STORED_FILES", "FEATURES_VERSION", "metric_file", "has_metrics",
    "load_metrics", "scan_metric", "MetricsBuilder",
]

#: The Metrics tables a generation keeps, each as ``metric.<name>.parquet``.
METRIC_TABLES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Metrics))
FEATURES = "sentence_features"
LONG = "long_sentences"
PAIRS = "sentence_pairs"
FEATURE_TABLES: tuple[str, ...] = (FEATURES, LONG, PAIRS)
#: Every file this module adds to a generation (what a commit carries over or links).
STORED_FILES: tuple[str, ...] = tuple(f"metric.{name}.parquet" for name in (*METRIC_TABLES, *FEATURE_TABLES))
# Bumped when sentence splitting, normalising or hashing changes; with polars' version,
# since sentence hashes are pl.Expr.hash values.
_ALGORITHM = "1"
FEATURES_VERSION = f"{_ALGORITHM}/polars-{pl.__version__}"
_VERSION_KEY = b"fiscal_eval.features_version"
_TEXT_BATCH = 1024  # texts read at a time when features are computed from the stored texts
# The columns of each base table the metrics read (the rest of the store is never opened).
_REPORT_COLUMNS = ("report_id", "source", "agency", "region", "year", "kind", "project_name", "status",
                   "synthetic", "budget_yuan", "available_yuan", "spent_yuan", "balance_yuan",
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


def _features_version(folder: Path) -> str | None:
    try:
        meta = pq.read_metadata(metric_file(folder, FEATURES)).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    value = meta.get(_VERSION_KEY)
    return value.decode() if value else None


def _intact(folder: Path) -> bool:
    """Whether the feature tables of ``folder`` match its checksum record (a generation
    without a record: whether they exist); damaged ones are computed again from the texts."""
    from fiscal_eval.store import integrity

    _, damages = integrity.verify(folder, full=True, tables=[f"metric.{name}" for name in FEATURE_TABLES])
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
        self._writer: pq.ParquetWriter | None = None
        self._long: list[pl.DataFrame] = []
        self._fresh: list[pl.Series] = []  # ids of the reports this ingest parsed
        # Features come from the chunks when the old generation's are reusable, or when
        # there is no old generation (``fresh``: every row of the new one is a chunk's).
        self._chunks = self.old is not None or (old is None and fresh)
        if self._chunks:
            self._open()
        if self.old is not None:
            self._keep_old()

    def _open(self) -> None:
        self._writer = pq.ParquetWriter(metric_file(self.folder, FEATURES), _features_schema(), compression="zstd")

    def _write(self, features: pl.DataFrame) -> None:
        assert self._writer is not None
        if features.height:
            table = features.select(list(SENTENCE_FEATURE_COLUMNS)).to_arrow()
            self._writer.write_table(table.cast(self._writer.schema))

    def _keep_old(self) -> None:
        """The old generation's features, less the dropped reports (the base tables keep
        their rows in the same order, so features stay in texts order)."""
        assert self.old is not None
        drop = self._drop
        for batch in pq.ParquetFile(metric_file(self.old, FEATURES)).iter_batches(batch_size=65_536):
            frame = pl.from_arrow(pa.Table.from_batches([batch]))
            assert isinstance(frame, pl.DataFrame)
            self._write(frame.filter(~pl.col("report_id").is_in(drop.implode())) if len(drop) else frame)

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
            self._open()
            texts = pq.ParquetFile(folder / "texts.parquet")
            for batch in texts.iter_batches(batch_size=_TEXT_BATCH, columns=["report_id", "text"]):
                frame = pl.from_arrow(pa.Table.from_batches([batch]))
                assert isinstance(frame, pl.DataFrame)
                self._take(frame)
        assert self._writer is not None
        self._writer.close()
        # Scanned, not read: the hashes (most of the file) are read a batch at a time.
        features = pl.scan_parquet(metric_file(folder, FEATURES))
        long, sig = self._long_sentences(features)
        # Near-copy decisions are a function of the two sentences: the old ones hold.
        known = (pl.read_parquet(metric_file(self.old, PAIRS))
                 if self.old is not None and metric_file(self.old, PAIRS).is_file() else None)
        record: list[pl.DataFrame] = []
        reports = pl.scan_parquet(folder / "reports.parquet").select(_REPORT_COLUMNS)
        tables = metric_tables(
            reports,
            pl.scan_parquet(folder / "statements.parquet").select("report_id", "section", "text"),
            pl.scan_parquet(folder / "flags.parquet").select("report_id", "code", "severity"),
            pl.scan_parquet(folder / "fund_lines.parquet").select("report_id", "role", "measure", "label",
                                                                  "amount_yuan")
            .filter(pl.col("role") == "line_item"),
            features, long, sig, known, record, self._previous(reports),
        )
        del known, long, sig, reports  # NOTE: held by the tables' computation, and let go there
        parts: pq.ParquetWriter | None = None  # per_report, written as its parts come
        for name, table in tables:
            if name != "per_report":
                table.write_parquet(metric_file(folder, name), compression="zstd")
            elif table.height or parts is None:
                arrow = table.to_arrow()
                parts = parts or pq.ParquetWriter(metric_file(folder, name), arrow.schema, compression="zstd")
                parts.write_table(arrow.cast(parts.schema))
            del table
        if parts is not None:
            parts.close()
        pairs = pl.concat(record) if record else pl.DataFrame(schema=PAIR_COLUMNS_SCHEMA)
        pairs.write_parquet(metric_file(folder, PAIRS), compression="zstd")

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
        return Previous(pl.read_parquet(metric_file(old, "empty_sections")),
                        pl.read_parquet(metric_file(old, "recurring_problems")), fresh, agencies)

    def _long_sentences(self, features: pl.LazyFrame) -> tuple[pl.DataFrame, np.ndarray]:
        """The generation's distinct long sentences with their signatures (the old
        generation's reused, new ones computed), written, sorted by hash."""
        used = (features.select(pl.col(HASHES).explode().alias(HASH)).drop_nulls().unique()
                .collect(engine="streaming"))
        parts = [frame.select(HASH, NORM) for frame in self._long]
        old_sig = None
        if self.old is not None:
            old_long = pl.read_parquet(metric_file(self.old, LONG)).join(used, on=HASH, how="semi")
            old_sig = old_long.select(HASH, SIGNATURE)
            parts.insert(0, old_long.select(HASH, NORM))
        long = (pl.concat(parts) if parts else pl.DataFrame(schema={HASH: pl.UInt64, NORM: pl.Utf8}))
        long = long.unique(HASH, keep="first").join(used, on=HASH, how="semi").sort(HASH)
        sig = np.empty((long.height, NUM_PERM), dtype=np.uint64)
        known = np.zeros(long.height, dtype=bool)
        if old_sig is not None and old_sig.height:
            at = long.with_row_index("_at").join(old_sig, on=HASH)
            sig[at["_at"].to_numpy()] = at[SIGNATURE].to_numpy()
            known[at["_at"].to_numpy()] = True
        missing = np.flatnonzero(~known)
        if len(missing):
            sig[missing] = signatures(long[NORM].gather(missing))
        # NOTE: the signatures as an Arrow view of the numpy matrix, not a copy (hundreds
        # of MB on a national corpus)
        flat = pa.array(sig.reshape(-1), type=pa.uint64())
        stored = long.to_arrow().append_column(SIGNATURE, pa.FixedSizeListArray.from_arrays(flat, NUM_PERM))
        written = pl.from_arrow(stored)  # NOTE: zero-copy; polars' writer compresses on every core
        assert isinstance(written, pl.DataFrame)
        written.write_parquet(metric_file(self.folder, LONG), compression="zstd")
        del written
        del stored, flat
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
        try:
            os.link(src, dst)
        except OSError:
            import shutil

            shutil.copyfile(src, dst)
    return True
