"""The incremental plan of an ingest: its input files, their stats and hashes, the stored
manifest they are compared with, and what must be parsed, kept or dropped.

The input listing (:func:`_input_files`) is here too: deep folders and file names that
display alike are decided here.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

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
    """The input files of an ingest, and the named paths that gave none."""

    files: dict[str, str]  # manifest path (display_path) -> absolute real path, in input order
    absent: list[str]  # named paths that do not exist, or folders with no input file (real)


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
    files: dict[str, str] = {}
    for name, path in display_names(listed):
        files.setdefault(name, path)
    return _Inputs(files, absent)


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
    """A manifest row (MANIFEST_COLUMNS, in order); a tuple, as 100k of them are held."""

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


def _read_manifest(folder: Path) -> tuple[dict[str, list[_Row]], int | None]:
    """The manifest's rows by path (a file holding several reports has several), and the
    time its stats were taken after (None: unknown, a store written before that was
    recorded). A manifest written before ``member`` existed reads as one row a file."""
    path = folder / f"{_MANIFEST}.parquet"
    frame = pl.read_parquet(path)
    if "member" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("member"))
    frame = frame.select(list(MANIFEST_COLUMNS))
    since = pq.read_metadata(path).metadata.get(_STATS_SINCE.encode())
    rows: dict[str, list[_Row]] = {}
    for row in frame.iter_rows():
        rows.setdefault(row[0], []).append(_Row(*row))
    return rows, int(since) if since else None


def _manifest_frame(rows: list[_Row]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema(MANIFEST_COLUMNS), orient="row")


@dataclass
class _Plan:
    """What an ingest must do, decided from stats (and hashes where stats changed)."""

    kept: dict[str, list[_Row]]  # path -> its stored rows (stat refreshed if only touched)
    tasks: list[_Task]  # files to parse: new, or content changed
    removed: list[_Row]  # stored rows of files no longer among the inputs
    drop: set[str]  # report ids whose rows leave the tables
    restat: int  # files touched, or racily clean, but unchanged (hash equal): only the manifest changes


def _plan(
    files: Mapping[str, str], old: dict[str, list[_Row]], since_ns: int | None, force: Set[str] = frozenset()
) -> _Plan:
    """Compare the inputs (manifest path -> real path) with the stored manifest: same size
    and mtime -> keep unread, unless the mtime is racily close to ``since_ns`` (when the
    stored stats were taken); else, for a stored file, hash it and keep it if its content
    is unchanged. A file's rows (one a report it holds) go together. Files in ``force``
    (whose stored rows a damaged table lost) are parsed again whatever their stat."""
    kept: dict[str, list[_Row]] = {}
    tasks: list[_Task] = []
    restat = 0
    for key, path in files.items():
        size, mtime_ns = _stat(path)
        if key in force:
            tasks.append(_Task(path, key, size, mtime_ns))
            continue
        rows = old.get(key)
        row = rows[0] if rows else None
        if rows and row is not None and (row.size, row.mtime_ns) == (size, mtime_ns):
            trusted = since_ns is not None and mtime_ns is not None and mtime_ns < since_ns - _RACY_NS
            if trusted or row.sha256 is None:  # NOTE: nothing to hash (a FIFO, a folder …)
                kept[key] = rows
                continue
            # Racily clean: the same stat proves nothing; hashed below. If unchanged, the
            # row is written again under this ingest's start, and is trusted from then on.
        # A stored file is hashed to tell a touch from an edit; a new one is hashed by its
        # worker from the bytes it parses.
        if rows and row is not None and (sha := _sha256(path)) is not None and sha == row.sha256:
            kept[key] = [r._replace(size=size, mtime_ns=mtime_ns) for r in rows]
            restat += 1
            continue
        tasks.append(_Task(path, key, size, mtime_ns))
    removed = [row for key, rows in old.items() if key not in files for row in rows]
    drop = {row.report_id for key, rows in old.items() if key not in kept for row in rows}
    return _Plan(kept, tasks, removed, drop, restat)
