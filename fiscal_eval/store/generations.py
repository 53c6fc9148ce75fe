"""A store's generations on disk: the layout, the tables a generation holds, the atomic
commit (flip), reading the live generation, and cleaning what older or killed ingests left.

Layout::

    STORE/
      CURRENT              "gen-000003": the live generation; replaced atomically (the commit)
      VERSION              "3": the generation counter, written after CURRENT
      .lock                held by a running ingest (one writer at a time)
      gen-000003/          one Parquet file per table of TABLES, manifest.parquet last
      .tmp-<uuid>/         a generation being written; left behind only by a killed ingest

Readers outside the store use :func:`live_generation` and :func:`read_live`; the rest is
the ingest's (:mod:`fiscal_eval.store.parquet`).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, Union

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fiscal_eval.errors import FiscalEvalError, StoreDamagedError
from fiscal_eval.model import (
    EVIDENCE_COLUMNS,
    FLAG_COLUMNS,
    FUND_LINE_COLUMNS,
    INDICATOR_COLUMNS,
    REPORT_COLUMNS,
    SECTION_COLUMNS,
    STATEMENT_COLUMNS,
    TEXT_COLUMNS,
)
from fiscal_eval.store.frames import Tables, schema
from fiscal_eval.util.atomic import fsync, write_atomic

__all__ = ["PathLike", "live_generation", "read_live"]

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")

# Every Tables field is a file of the store, with its schema from model.py.
_TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "reports": REPORT_COLUMNS,
    "fund_lines": FUND_LINE_COLUMNS,
    "indicators": INDICATOR_COLUMNS,
    "flags": FLAG_COLUMNS,
    "sections": SECTION_COLUMNS,
    "evidence": EVIDENCE_COLUMNS,
    "statements": STATEMENT_COLUMNS,
    "texts": TEXT_COLUMNS,
}
assert set(_TABLE_COLUMNS) == {f.name for f in dataclasses.fields(Tables)}, "a table without a schema"

# Tables a generation holds beyond the parsed ones (the corpus metrics of issue 13), name
# -> columns: one register_table call each. Every table of a generation, these included,
# gets a checksum and schema at commit (integrity.py) and is verified by readers; one
# found damaged makes the next ingest write a new generation, whose writer (the ingest's
# hook that computes it) writes it again.
_EXTRA_TABLES: dict[str, dict[str, str]] = {}


def register_table(name: str, columns: dict[str, str]) -> None:
    """Declare one more table every generation holds (``name.parquet``, ``columns`` as in
    model.py): it is then expected, checksummed, verified and rebuilt like the others."""
    if name in _TABLE_COLUMNS or name == _MANIFEST:
        raise ValueError(f"table {name!r} is already a table of the store")
    _EXTRA_TABLES[name] = dict(columns)

_MANIFEST = "manifest"
_CURRENT = "CURRENT"
_VERSION = "VERSION"
_LOCK = ".lock"
_GENERATION = re.compile(r"^gen-(\d+)$")
# Parquet row groups are flushed at this size: few groups for small tables, bounded
# memory for the text-heavy ones.
_FLUSH_BYTES = 8 * 1024 * 1024
_FLUSH_ROWS = 65_536


def _arrow_schema(columns: dict[str, str]) -> pa.Schema:
    """The Arrow schema polars writes for a model.py column schema."""
    return pl.DataFrame(schema=schema(columns)).to_arrow().schema


class _Sink:
    """A Parquet file written as rows arrive, in row groups of bounded size."""

    def __init__(self, path: Path, arrow_schema: pa.Schema) -> None:
        self.path = path
        self._schema = arrow_schema
        self._writer = pq.ParquetWriter(path, arrow_schema, compression="zstd")
        self._pending: list[pa.Table] = []
        self._rows = 0
        self._bytes = 0

    def add(self, table: pa.Table) -> None:
        """Queue rows; written once enough have gathered for a row group."""
        if table.num_rows == 0:
            return
        self._pending.append(table.cast(self._schema))
        self._rows += table.num_rows
        self._bytes += table.nbytes
        if self._bytes >= _FLUSH_BYTES or self._rows >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._writer.write_table(pa.concat_tables(self._pending))
        self._pending, self._rows, self._bytes = [], 0, 0

    def close(self) -> None:
        """Write what is queued and close the file."""
        self._flush()
        self._writer.close()


def _flip(root: Path, generation: str) -> None:
    """Make ``generation`` the live one: the commit point of an ingest."""
    write_atomic(root / _CURRENT, generation + "\n")
    fsync(root)


def _generation_number(name: str) -> int | None:
    match = _GENERATION.match(name)
    return int(match.group(1)) if match else None


def _current(root: Path) -> Path | None:
    """The live generation's directory, or None when ``root`` holds no store."""
    try:
        name = (root / _CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise FiscalEvalError(f"cannot read the store at {root}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        name = "?"
    folder = root / name
    if _generation_number(name) is None or not folder.is_dir():
        raise StoreDamagedError(root, None, _CURRENT, f"it names {name[:40]!r}, which is no generation of the store")
    return folder


def live_generation(store: PathLike) -> Path:
    """The folder of ``store``'s live generation (``STORE/gen-000003``), as ``CURRENT``
    names it now.

    Its files are immutable, but the next ingest deletes them: a reader that must not
    race an ingest reads through :func:`read_live`. The folder's name and identity (inode,
    mtime) tell one generation from the next, which is what caches key on.

    Raises
    ------
    FiscalEvalError
        No store at ``store`` (the message names the path), or a damaged ``CURRENT``.

    Examples
    --------
    >>> import tempfile
    >>> from fiscal_eval.store import ingest
    >>> folder = tempfile.mkdtemp()
    >>> _ = ingest("data/samples", folder)
    >>> live_generation(folder).name
    'gen-000001'
    """
    folder = _current(Path(store))
    if folder is None:
        raise FiscalEvalError(f"no store at {os.fspath(store)}: run `fiscal-eval ingest DIR` first")
    return folder


def read_live(store: PathLike, read: Callable[[Path], T]) -> T:
    """``read(live generation folder)``, again if an ingest committed and deleted that
    generation meanwhile: what every reader of a store's files goes through.

    Raises
    ------
    FiscalEvalError
        No store, or a generation that lacks a file ``read`` opens (a damaged store).
    """
    for _ in range(3):
        folder = live_generation(store)
        try:
            return read(folder)
        except FileNotFoundError:
            if live_generation(store) == folder:  # NOTE: not a race with an ingest: a damaged store
                raise StoreDamagedError(store, folder.name, "?", "a table file is missing") from None
    return read(live_generation(store))


# The names these had when the store was one module.
_live = live_generation
_read_live = read_live


def _clean(root: Path, keep: str | None) -> None:
    """Delete every generation but ``keep``, and what killed ingests left behind: older
    generations, generations never made live (a crash or a full disk between writing and
    the flip), ``.tmp-`` folders and temporary files."""
    for entry in root.iterdir():
        if entry.name == keep:
            continue
        leftover = _generation_number(entry.name) is not None or entry.name.startswith(".tmp-")
        if entry.is_dir() and leftover:
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith((f".{_CURRENT}.", f".{_VERSION}.")):  # a killed write_atomic
            entry.unlink(missing_ok=True)


def _next_generation(root: Path) -> int:
    """One more than any generation on disk (a killed ingest may have left a newer one)."""
    numbers = [n for e in root.iterdir() if (n := _generation_number(e.name)) is not None]
    return max(numbers, default=0) + 1


def _link_or_copy(src: Path, dst: Path) -> None:
    """Carry an unchanged (immutable) Parquet file into a new generation."""
    try:
        os.link(src, dst)
    except OSError:  # NOTE: a file system without hard links; a copy is correct, only slower
        shutil.copyfile(src, dst)


def _keep_old_rows(
    sinks: dict[str, _Sink], old: Path, drop: pl.Series | set[str], skip: dict[str, frozenset[int]] | None = None
) -> None:
    """Stream the old generation's rows into the new files, less the ``drop`` reports and
    the ``skip`` row groups of each table (damaged: their reports are in ``drop``)."""
    drop = drop if isinstance(drop, pl.Series) else pl.Series(sorted(drop), dtype=pl.Utf8)
    value_set = drop.to_arrow().cast(pa.string())
    skip = skip or {}
    for name, sink in sinks.items():
        parquet = pq.ParquetFile(old / f"{name}.parquet")
        groups = [i for i in range(parquet.num_row_groups) if i not in skip.get(name, ())]
        for batch in parquet.iter_batches(batch_size=16_384, row_groups=groups):
            table = pa.Table.from_batches([batch])
            if len(value_set):
                ids = pc.cast(table.column("report_id"), pa.string())
                table = table.filter(pc.invert(pc.is_in(ids, value_set=value_set)))  # pyright: ignore[reportAttributeAccessIssue]  # generated at import
            sink.add(table)


def _compatible(old: Path) -> bool:
    """Whether the old generation's files have today's columns (model.py may have grown)."""
    try:
        return all(
            pq.read_schema(old / f"{name}.parquet").equals(_arrow_schema(cols), check_metadata=False)
            for name, cols in _TABLE_COLUMNS.items()
        )
    except (OSError, pa.ArrowException):
        return False
