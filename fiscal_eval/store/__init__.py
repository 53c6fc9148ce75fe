"""The store stage: parsed Reports as tables (:mod:`~fiscal_eval.store.frames`) and those
tables kept on disk as generations of Parquet files (:mod:`~fiscal_eval.store.parquet`).

The Parquet store is four modules, one job each: :mod:`~fiscal_eval.store.parquet`
(ingest, load, manifest, snapshot), :mod:`~fiscal_eval.store.generations` (generations on
disk, the atomic commit, the live generation), :mod:`~fiscal_eval.store.plan` (inputs,
stats and hashes, the incremental plan) and :mod:`~fiscal_eval.store.pool` (the workers
that parse). The public API of all is here, so ``from fiscal_eval.store import ingest, load`` works
as it did when the store was one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fiscal_eval.store.frames import Tables, schema, tables

if TYPE_CHECKING:
    from fiscal_eval.store.parquet import (
        DEFAULT_STORE,
        MANIFEST_COLUMNS,
        IngestSummary,
        Snapshot,
        StoreCheck,
        check,
        ingest,
        live_generation,
        load,
        manifest,
        read_live,
        snapshot,
    )

__all__ = [
    "Tables", "tables", "schema",
    "IngestSummary", "MANIFEST_COLUMNS", "DEFAULT_STORE", "Snapshot", "ingest", "load", "manifest", "snapshot",
    "live_generation", "read_live", "check", "StoreCheck",
]

_PARQUET = frozenset(__all__[3:])


def __getattr__(name: str) -> Any:
    # NOTE: lazily: pyarrow is imported only when the disk store is used, so building
    # tables from parsed reports (frames, polars only) stays as light as it was.
    if name in _PARQUET:
        from fiscal_eval.store import parquet

        return getattr(parquet, name)
    raise AttributeError(f"module 'fiscal_eval.store' has no attribute {name!r}")
