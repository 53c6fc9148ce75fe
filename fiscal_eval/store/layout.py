"""How a generation's tables are laid out, so that one agency's page reads its own rows only.

A page looks rows up by agency (``reports``, the per-agency metrics) or by report id (the
tables of one report's figures). Written in ingest order, each such lookup read the whole
key column of the table: a page on a 100,000-report store cost 4 to 6 times one on a
1,000-report store. The ingest therefore rewrites these tables, before the commit,

* **sorted by their key** (:data:`SORTED_BY`; stable: a report's rows keep their order,
  an agency's reports theirs), and
* in **row groups of** :data:`ROW_GROUP_ROWS` rows, with min/max statistics for the key
  columns only (the footer, read by every scan, stays small),

so that a Parquet scan filtered on the key (``pl.scan_parquet(…).filter(pl.col("agency")
== …)``) skips every row group but the one or two holding those rows: what a page reads
does not grow with the store (``tests/store/test_layout.py`` counts the row groups).

The rewrite holds about a quarter of :data:`_BUDGET_BYTES` of a table in memory, as
polars holds it (a sort takes several times that): a larger table is cut by key ranges
(from a sample of the key column) into temporary files, in one pass, and sorted a range
at a time. The row groups do not depend on that cut, only on the table's Parquet size
(over :data:`_BUDGET_BYTES`, each such range's groups start afresh). Files keep their
key-value metadata and gain ``fiscal_eval.sorted_by`` (the key), which tells a laid-out
file from an older one (read the same, only slower). The texts and the metrics' own feature tables are not rewritten:
no page looks them up, and the metrics rely on texts keeping ingest order.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["SORTED_BY", "ROW_GROUP_ROWS", "SORTED_KEY", "arrange", "arrange_generation", "sorted_by", "in_store_order"]

#: Table file (its stem: ``flags``, ``metric.per_report``) -> the columns its rows are
#: sorted by: those pages filter it on. ``metric.per_report`` by region first: a page's
#: peers are the reports of its region (and year); its own rows are looked up by region
#: and agency (views._agency_metrics).
SORTED_BY: dict[str, tuple[str, ...]] = {
    "reports": ("agency",),
    "indicators": ("report_id",),
    "flags": ("report_id",),
    "statements": ("report_id",),
    "metric.per_report": ("region", "agency"),
    "metric.pefa_pi1": ("agency",),
    "metric.pefa_pi2_1": ("agency",),
    "metric.recurring_problems": ("agency",),
}
#: Rows a row group: a page reads one or two groups a table, and every scan reads every
#: group's metadata in the footer (4,096 rows: ~1 ms a lookup at 100,000 reports, where
#: 1,024 doubled the footer and the time). A table of more than MAX_GROUPS groups gets
#: larger ones: past that, a larger footer costs a scan more than a larger group does
#: (at 1,000,000 reports, indicators' 1,100 groups made a 1 MB footer).
ROW_GROUP_ROWS = 4096
MAX_GROUPS = 256
#: The key-value metadata entry naming the key columns a file is sorted by (comma-separated).
SORTED_KEY = "fiscal_eval.sorted_by"
_BUDGET_BYTES = 64 * 1024 * 1024  # uncompressed bytes of a table sorted at once
_SAMPLE = 100_000  # keys sampled to cut a larger table into ranges
_MAX_RANGES = 4096  # key ranges a table is cut into for memory, at most


def in_store_order(stem: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (table ``stem``'s rows in ingest order) in the order a store keeps them."""
    keys = SORTED_BY.get(stem)
    return frame.sort(list(keys), maintain_order=True, nulls_last=False) if keys else frame


def sorted_by(path: Path) -> tuple[str, ...] | None:
    """The key columns ``path`` is laid out by (None: written in ingest order, or no
    Parquet file)."""
    try:
        meta = pq.read_metadata(path).metadata or {}
    except (OSError, pa.ArrowException):
        return None
    value = meta.get(SORTED_KEY.encode())
    return tuple(value.decode().split(",")) if value else None


def arrange_generation(folder: Path, tables: Iterable[str] | None = None) -> list[str]:
    """Lay out the tables of :data:`SORTED_BY` (or of ``tables``) found in a generation
    being written (``folder``, not yet committed); returns those rewritten."""
    done = []
    for stem in tables if tables is not None else SORTED_BY:
        path = folder / f"{stem}.parquet"
        if path.is_file():
            arrange(path, SORTED_BY[stem])
            done.append(stem)
    return done


def arrange(path: Path, keys: tuple[str, ...], *, rows_per_group: int | None = None,
            budget: int | None = None) -> None:
    """Rewrite ``path`` sorted by ``keys`` (nulls first, stable) in row groups of
    ``rows_per_group`` rows (more in a table of over :data:`MAX_GROUPS` groups) with
    statistics for ``keys`` only; replaced atomically (a new
    file renamed over it: a hard link to an older generation's file is left intact)."""
    rows_per_group = rows_per_group or ROW_GROUP_ROWS
    budget = budget or _BUDGET_BYTES
    parquet = pq.ParquetFile(path)
    meta = parquet.metadata
    metadata = {k: v for k, v in (meta.metadata or {}).items() if k != b"ARROW:schema"}
    metadata[SORTED_KEY.encode()] = ",".join(keys).encode()
    schema = parquet.schema_arrow.with_metadata(metadata)
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    rows_per_group = max(rows_per_group, -(-meta.num_rows // MAX_GROUPS))
    # The parts whose row groups start afresh: the key ranges of a table whose Parquet
    # size is over the budget (None: one part, the whole table).
    parts = _cuts(parquet, keys[0], -(-size // budget)) if size > budget else None
    # A part as polars holds it (string views, dictionaries decoded) can be many times its
    # Parquet size (indicators at 300,000 reports: 10 MB, 118 MB read, 640 MB to sort):
    # it is sorted a finer key range at a time, of about a quarter of the budget read (a
    # sort takes several times that), its row groups the same.
    memory = _memory(parquet) * 4
    finer = _cuts(parquet, keys[0], min(_MAX_RANGES, -(-memory // budget))) if memory > budget else []
    tmp = path.with_name(f".{path.name}.arranging")
    spills: list[tuple[int, Path]] = []
    try:
        cuts = sorted({*(parts or ()), *finer})
        if parts is not None or finer:  # NOTE: cut by the first key into ranges
            spills = _spill(parquet, path, keys[0], cuts)
        part_of = [0, *(bisect.bisect_right(parts or [], cut) for cut in cuts)]  # range i's part
        # NOTE: pyarrow takes a list of columns here (its stubs say bool only)
        statistics: Any = list(keys)
        with pq.ParquetWriter(tmp, schema, compression="zstd", write_statistics=statistics) as writer:
            held: pa.Table | None = None  # rows of the current part short of a row group
            held_part = 0
            for i, source in spills or [(0, path)]:
                if held is not None and part_of[i] != held_part:
                    writer.write_table(held, row_group_size=rows_per_group)
                    held = None
                rows = pl.read_parquet(source).sort(list(keys), maintain_order=True, nulls_last=False)
                if source != path:
                    source.unlink()
                if not rows.height:
                    continue
                table = rows.to_arrow().cast(schema)
                del rows
                if held is not None:
                    table = pa.concat_tables([held, table]).combine_chunks()
                whole = table.num_rows - table.num_rows % rows_per_group
                if whole:
                    writer.write_table(table.slice(0, whole), row_group_size=rows_per_group)
                held, held_part = (table.slice(whole) if whole < table.num_rows else None), part_of[i]
                del table
            if held is not None:
                writer.write_table(held, row_group_size=rows_per_group)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        for _, spill in spills:
            spill.unlink(missing_ok=True)


def _memory(parquet: pq.ParquetFile) -> int:
    """About the bytes the table takes read by polars: its first row group's, per row."""
    rows = parquet.metadata.num_rows
    if not rows or not parquet.metadata.num_row_groups:
        return 0
    first = pl.from_arrow(parquet.read_row_group(0))
    assert isinstance(first, pl.DataFrame)
    return first.estimated_size() * rows // max(1, first.height)


def _cuts(parquet: pq.ParquetFile, key: str, parts: int) -> list[Any]:
    """Key values cutting the rows into about ``parts`` ranges of equal rows, from a sample
    of the key column (read alone, a batch at a time)."""
    step = max(1, parquet.metadata.num_rows // _SAMPLE)
    sample: list[pl.Series] = []
    seen = 0
    for batch in parquet.iter_batches(batch_size=65_536, columns=[key]):
        column = pl.Series(batch.column(0))
        offset = (-seen) % step  # every step-th row of the file
        sample.append(column.gather_every(step, offset) if offset < len(column) else column.clear())
        seen += len(column)
    keys = pl.concat(sample).drop_nulls().sort()
    if keys.is_empty():
        return []
    return sorted({keys[min(keys.len() - 1, i * keys.len() // parts)] for i in range(1, parts)})


def _spill(parquet: pq.ParquetFile, path: Path, key: str, cuts: list[Any]) -> list[tuple[int, Path]]:
    """The rows of ``path`` in one temporary file a key range (``[cut i-1, cut i)``, nulls
    in the first), each in file order; one pass, a batch in memory at a time. Returns
    the ranges that hold rows, in order, with their number."""
    files = [path.with_name(f".{path.name}.range-{i:04d}") for i in range(len(cuts) + 1)]
    writers: dict[int, pq.ParquetWriter] = {}
    bounds = pl.Series("cuts", cuts)
    try:
        for batch in parquet.iter_batches(batch_size=65_536):
            frame = pl.from_arrow(pa.Table.from_batches([batch]))
            assert isinstance(frame, pl.DataFrame)
            # Range i holds the keys in [cuts[i-1], cuts[i]): the cuts at or below the key.
            where = (pl.lit(bounds).search_sorted(pl.col(key), side="right") if len(bounds)
                     else pl.lit(0, pl.UInt32))
            frame = frame.with_columns(pl.when(pl.col(key).is_null()).then(0).otherwise(where).alias("_range"))
            for (i,), part in frame.partition_by("_range", as_dict=True, maintain_order=True).items():
                table = part.drop("_range").to_arrow()
                if i not in writers:
                    writers[i] = pq.ParquetWriter(files[i], table.schema, compression="lz4")
                writers[i].write_table(table.cast(writers[i].schema))
    finally:
        for writer in writers.values():
            writer.close()
    return [(i, files[i]) for i in sorted(writers)]
