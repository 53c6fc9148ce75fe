"""The incremental plan of an ingest: its input files, their stats and hashes, the stored
manifest they are compared with, and what must be parsed, kept or dropped.

The input listing (:func:`_input_files`) is here too: deep folders and file names that
display alike are decided here.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, overload

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from fiscal_eval.model import MANIFEST_COLUMNS
from fiscal_eval.sources import display_names, iter_input_files
from fiscal_eval.store.frames import schema
from fiscal_eval.store.generations import _MANIFEST, PathLike

# Key of the manifest's Parquet metadata: the wall-clock time (ns) the ingest that wrote it
# started, before it took any stat. Every row's size and mtime were checked after it.
_STATS_SINCE = "fiscal_eval.stats_since_ns"
# A stored mtime this close to (or after) that time is "racily clean", as git calls it:
# the file may have been rewritten within the file system's timestamp granularity (2 s on
# FAT, 1 s on ext3/HFS+; the kernel's coarse clock even on ns file systems) after its stat
# was taken, keeping its size and mtime. Such a row is hashed, not trusted.
_RACY_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class _Task:
    """One file to parse, with the stat the parent took before anything read it."""

    path: str  # as the file system names it (may hold undecodable bytes as surrogates)
    key: str  # the manifest's path: display_path(path)
    size: int | None
    mtime_ns: int | None



def _sha256(path: str) -> str | None:
    """The SHA-256 of a regular file's bytes, or None when it cannot be read or is not a
    regular file (reading a FIFO would block the ingest forever)."""
    digest = hashlib.sha256()
    try:
        # NOTE: O_NONBLOCK so that opening a FIFO returns at once; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while block := os.read(fd, 1 << 20):
            digest.update(block)
    except OSError:
        return None
    finally:
        os.close(fd)
    return digest.hexdigest()



class _Inputs(NamedTuple):
    """The input files of an ingest, and the named paths that gave none.

    Columns, not a dict: a million inputs as Python strings in a dict were 300 MB held for
    the whole ingest; as a polars column they are their bytes and a 16-byte view each.
    """

    keys: pl.Series  # manifest path (display_path) of each input file, in input order, each once
    odd: dict[str, str]  # key -> absolute real path, for the few that differ (a name display_path escaped)
    absent: list[str]  # named paths that do not exist, or folders with no input file (real)

    def real(self, key: str) -> str:
        """The path to open for the input stored as ``key``."""
        return self.odd.get(key, key)


def _input_files(paths: Iterable[PathLike], root: Path) -> _Inputs:
    """The input files as absolute path strings, in input order, each once.

    The named paths are resolved (so ``data/samples`` and ``./data/samples`` are the same
    input); files under them are named through the resolved folder. Files inside the
    store itself are left out: ``fiscal-eval ingest data`` must not ingest its own
    Parquet files. A named path that does not exist, or a folder with no input file, is
    still an input (it fails naming itself) and is also listed in ``absent``: a mistyped
    or unmounted path must not read as "every stored file was deleted".

    A file is stored under :func:`~fiscal_eval.sources.display_path` of its path, which
    Parquet can hold (a file name of non-UTF-8 bytes cannot be), and opened by its real
    path; two names that display alike (the byte 0xff, and ``\\xff`` written out) are
    told apart by :func:`~fiscal_eval.sources.display_names`. A path named twice is read once.
    """
    inside = str(root.resolve()) + os.sep
    listed: list[str] = []
    absent: list[str] = []
    for raw in paths:
        named = _absolute(raw)
        found = [p for p in (str(f) for f in iter_input_files([named])) if not p.startswith(inside)]
        if not found or (found == [str(named)] and (named.is_dir() or not os.path.lexists(named))):
            absent.append(str(named))
        listed += found
    keys: list[str] = []
    odd: dict[str, str] = {}
    for name, path in display_names(listed):
        keys.append(name)
        if path != name:
            odd.setdefault(name, path)  # NOTE: a name is one path's (display_names), read once
    del listed
    column = pl.Series("key", keys, dtype=pl.Utf8)
    del keys
    return _Inputs(column.filter(column.is_first_distinct()), odd, absent)


def _absolute(path: PathLike) -> Path:
    """``path`` resolved; made absolute only when it cannot be (a symlink loop, which then
    fails as an input naming itself)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):  # NOTE: Python < 3.13 raises RuntimeError on a loop
        return Path(os.path.abspath(path))


def _stat(path: str) -> tuple[int | None, int | None]:
    """``(size, mtime_ns)``, or ``(None, None)`` for a path that cannot be stat'ed."""
    try:
        info = os.stat(path)
    except OSError:
        return None, None
    return info.st_size, info.st_mtime_ns



class _Row(NamedTuple):
    """A manifest row (MANIFEST_COLUMNS, in order), as a chunk's parsed files give them."""

    path: str
    member: str | None
    sha256: str | None
    size: int | None
    mtime_ns: int | None
    status: str
    errors: str | None
    report_id: str
    ingested_at: datetime


assert _Row._fields == tuple(MANIFEST_COLUMNS), "_Row and MANIFEST_COLUMNS disagree"

# What a plan reads of the stored manifest (one row a report, in stored order).
_PLAN_COLUMNS = ["path", "sha256", "size", "mtime_ns", "status", "report_id"]
# Inputs stat'ed or hashed a slice at a time: only a slice's keys are Python strings at once.
_SLICE = 65_536


def _read_manifest(folder: Path) -> tuple[pl.DataFrame, int | None]:
    """What a plan compares of the stored manifest (:data:`_PLAN_COLUMNS`, one row a
    report: a file holding several has several, in stored order), and the time its stats
    were taken after (None: unknown, a store written before that was recorded)."""
    path = folder / f"{_MANIFEST}.parquet"
    frame = pl.read_parquet(path, columns=_PLAN_COLUMNS)
    since = pq.read_metadata(path).metadata.get(_STATS_SINCE.encode())
    return frame, int(since) if since else None


def _manifest_frame(rows: list[_Row]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema(MANIFEST_COLUMNS), orient="row")


def _stats(inputs: _Inputs) -> pl.DataFrame:
    """``key``, ``size``, ``mtime_ns`` (null: cannot be stat'ed) of each input, in input order."""
    n = inputs.keys.len()
    size = np.zeros(n, dtype=np.int64)
    mtime = np.zeros(n, dtype=np.int64)
    known = np.zeros(n, dtype=bool)
    for offset in range(0, n, _SLICE):
        for i, key in enumerate(inputs.keys.slice(offset, _SLICE).to_list(), offset):
            stat_size, stat_mtime = _stat(inputs.real(key))
            if stat_size is not None and stat_mtime is not None:
                size[i], mtime[i], known[i] = stat_size, stat_mtime, True
    return pl.DataFrame({"key": inputs.keys, "size": size, "mtime_ns": mtime, "_known": known}).select(
        "key", *(pl.when(pl.col("_known")).then(pl.col(c)).alias(c) for c in ("size", "mtime_ns")))


@dataclass
class _Plan:
    """What an ingest must do, decided from stats (and hashes where stats changed).

    One row an input in columns (``inputs``), never an object a file: a plan of a million
    files held 650 MB as Python objects for the whole ingest."""

    inputs: pl.DataFrame  # key, size, mtime_ns (as stat'ed now), keep: one row an input, in input order
    odd: dict[str, str]  # key -> real path where they differ (_Inputs.odd)
    removed: int  # stored files no longer among the inputs (their rows leave)
    drop: pl.Series  # report ids whose rows leave the tables
    restat: int  # files touched, or racily clean, but unchanged (hash equal): only the manifest changes
    kept_ids: pl.Series  # report ids of the kept files' stored rows
    kept_statuses: dict[str, int]  # their statuses, counted

    @property
    def parsed(self) -> int:
        """Files to parse: new, or content changed."""
        return self.inputs.height - self.kept

    @property
    def kept(self) -> int:
        """Files kept as stored."""
        return int(self.inputs["keep"].sum())

    def tasks(self) -> _Tasks:
        """The files to parse, in input order (made as they are taken)."""
        return _Tasks(self.inputs.with_row_index("_order").filter(~pl.col("keep"))
                      .select("key", "size", "mtime_ns", "_order"), self.odd)


class _Tasks(Sequence[_Task]):
    """The files to parse as :class:`_Task` objects made a slice at a time from the plan's
    columns: a million of them held at once were 250 MB for the whole parse."""

    def __init__(self, frame: pl.DataFrame, odd: Mapping[str, str]) -> None:
        self._frame = frame
        self._odd = odd

    def __len__(self) -> int:
        return self._frame.height

    @overload
    def __getitem__(self, index: int) -> _Task: ...
    @overload
    def __getitem__(self, index: slice) -> list[_Task]: ...
    def __getitem__(self, index: int | slice) -> _Task | list[_Task]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            rows = self._frame.slice(start, max(0, stop - start)).iter_rows()
            return [_Task(self._odd.get(key, key), key, size, mtime) for key, size, mtime, _ in rows][::step]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self[index % len(self):index % len(self) + 1][0]

    def __iter__(self) -> Iterator[_Task]:
        for offset in range(0, len(self), _SLICE):
            yield from self[offset:offset + _SLICE]

    def places(self) -> Iterator[tuple[str, int]]:
        """Each task's key and its input's place among the inputs, in order."""
        for offset in range(0, len(self), _SLICE):
            yield from self._frame.select("key", "_order").slice(offset, _SLICE).iter_rows()


def _plan(inputs: _Inputs, old: pl.DataFrame | None, since_ns: int | None, force: pl.Series | None = None) -> _Plan:
    """Compare the inputs with the stored manifest (:func:`_read_manifest`): same size
    and mtime -> keep unread, unless the mtime is racily close to ``since_ns`` (when the
    stored stats were taken); else, for a stored file, hash it and keep it if its content
    is unchanged. A file's rows (one a report it holds) go together, compared by its
    first. Files in ``force`` (whose stored rows a damaged table lost) are parsed again
    whatever their stat. Hashes are taken in input order."""
    stats = _stats(inputs)
    empty = pl.Series("report_id", [], dtype=pl.Utf8)
    if old is None or old.height == 0:
        return _Plan(stats.with_columns(pl.lit(False).alias("keep")), inputs.odd, 0, empty, 0, empty, {})
    first = old.unique("path", keep="first", maintain_order=True).select(
        pl.col("path").alias("key"), pl.lit(True).alias("_stored"), pl.col("size").alias("_size"),
        pl.col("mtime_ns").alias("_mtime"), pl.col("sha256").alias("_sha"))
    plan = stats.join(first, on="key", how="left", maintain_order="left")
    mtime = pl.col("mtime_ns")
    same = pl.col("size").eq_missing(pl.col("_size")) & mtime.eq_missing(pl.col("_mtime"))
    trusted = (mtime.is_not_null() & (mtime < since_ns - _RACY_NS)).fill_null(False) if since_ns is not None \
        else pl.lit(False)
    stored = pl.col("_stored").fill_null(False)
    if force is not None and force.len():
        stored = stored & ~pl.col("key").is_in(force.implode())
    # NOTE: a stored row with no hash (a FIFO, a folder …) has nothing to hash: kept on its stat.
    plan = plan.with_columns((stored & same & (trusted | pl.col("_sha").is_null())).alias("keep"),
                             (stored & ~(same & (trusted | pl.col("_sha").is_null()))).alias("_hash"))
    # A stored file whose stat changed, or is racily clean (the same stat proves nothing),
    # is hashed to tell a touch from an edit; a new one is hashed by its worker from the
    # bytes it parses. Unchanged, its rows are written again under this ingest's start.
    check = plan.with_row_index("_i").filter(pl.col("_hash")).select("_i", "key", "_sha")
    unchanged: list[int] = []
    for offset in range(0, check.height, _SLICE):
        for i, key, sha in check.slice(offset, _SLICE).iter_rows():
            if (found := _sha256(inputs.real(key))) is not None and found == sha:
                unchanged.append(i)
    if unchanged:
        again = pl.Series("_i", unchanged, dtype=pl.UInt32)
        plan = plan.with_row_index("_i").with_columns(pl.col("keep") | pl.col("_i").is_in(again.implode())).drop("_i")
    plan = plan.select("key", "size", "mtime_ns", "keep")
    kept = plan.filter(pl.col("keep")).select(pl.col("key").alias("path"))
    kept_rows = old.join(kept, on="path", how="semi", maintain_order="left")
    statuses = kept_rows.group_by("status").len()
    return _Plan(
        inputs=plan,
        odd=inputs.odd,
        removed=first.join(plan.select("key"), on="key", how="anti").height,
        drop=old.join(kept, on="path", how="anti", maintain_order="left")["report_id"],
        restat=len(unchanged),
        kept_ids=kept_rows["report_id"],
        kept_statuses=dict(zip(statuses["status"].to_list(), statuses["len"].to_list())),
    )
