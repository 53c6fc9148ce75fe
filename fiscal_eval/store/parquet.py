"""The Parquet store: a corpus parsed once into the tables of DESIGN §3, kept up to date.

:func:`ingest` parses (and audits) a folder of reports into one Parquet file per table of
:class:`~fiscal_eval.store.frames.Tables` plus ``manifest.parquet``, one row per input file;
:func:`load` reads the tables back (eagerly, or lazily for large stores) and
:func:`manifest` the manifest.

Layout on disk::

    data/store/
      CURRENT              "gen-000003": the live generation; replaced atomically (the commit)
      VERSION              "3": the generation counter, written after CURRENT (to tell
                           cheaply that a store changed; readers follow CURRENT)
      .lock                held by a running ingest (one writer at a time)
      gen-000003/
        reports.parquet    fund_lines.parquet  indicators.parquet  flags.parquet
        sections.parquet   evidence.parquet    statements.parquet  texts.parquet
        manifest.parquet   (written last)
      .tmp-<uuid>/         a generation being written; left behind only by a killed ingest

Guarantees
----------
* **Inputs in = manifest rows.** Every input has a manifest row (``path``, ``member``,
  ``sha256``, ``size``, ``mtime_ns``, ``status``, ``errors``, ``report_id``,
  ``ingested_at``), a failed one included, and a ``reports`` row with the same
  ``report_id``. An input is a file, or each report a file holds: an archive's members
  (``member`` "!a.docx") and a compilation's reports ("#2") are a row each, all with the
  file's ``path``, stat and hash, and are skipped, re-parsed or removed together.
* **Incremental.** A file whose size and mtime equal the manifest's is skipped without
  being read; one whose stat differs is hashed, and re-parsed only if its content changed.
  A stat is trusted only for an mtime older than the ingest that recorded it (less a
  margin for timestamp granularity): a file rewritten within the same tick keeps its size
  and mtime, so a "racily clean" row is hashed instead, as git does. Files no longer
  among the inputs lose their rows in every table.
* **Atomic.** A new generation is written in full to ``.tmp-<uuid>/``, renamed to
  ``gen-N/``, then ``CURRENT`` is replaced (``os.replace``) to name it; only then are older
  generations deleted. Until that replace, readers see the old generation, whole; a killed
  ingest leaves the store readable and the next ingest cleans up after it.
* **Bounded memory.** Workers parse a chunk of files, turn it into frames and drop the
  Report objects; the parent streams each chunk into the Parquet files as row groups, so
  memory does not grow with the corpus.

Report ids
----------
A store's ``report_id`` is the parser's (the first 16 hex digits of the content's
SHA-256), so it joins with :func:`fiscal_eval.parse_file` results. The same bytes at two
paths are two inputs, two manifest rows and two reports: the first path (in input order,
after those already stored) keeps the parser's id, every other one gets
``<id>-<first 8 hex digits of SHA-256 of its path>``. An id, once given, stays with its
path while the file is unchanged.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import multiprocessing
import os
import re
import shutil
import stat
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, Union

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.model import (
    EVIDENCE_COLUMNS,
    FLAG_COLUMNS,
    FUND_LINE_COLUMNS,
    INDICATOR_COLUMNS,
    MANIFEST_COLUMNS,
    REPORT_COLUMNS,
    SECTION_COLUMNS,
    STATEMENT_COLUMNS,
    TEXT_COLUMNS,
    Report,
)
from fiscal_eval.sources import display_names, display_path, folder_problem, iter_input_files
from fiscal_eval.store.frames import Tables, schema, tables
from fiscal_eval.util import lifeline
from fiscal_eval.util.atomic import fsync, write_atomic
from fiscal_eval.util.locks import exclusive
from fiscal_eval.util.progress import progress_bar
from fiscal_eval.util.workers import worker_count

__all__ = [
    "IngestSummary", "MANIFEST_COLUMNS", "DEFAULT_STORE", "Snapshot", "ingest", "load", "manifest", "snapshot",
]

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")

DEFAULT_STORE = "data/store"

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

_MANIFEST = "manifest"
_CURRENT = "CURRENT"
_VERSION = "VERSION"
_LOCK = ".lock"
_GENERATION = re.compile(r"^gen-(\d+)$")
# Key of the manifest's Parquet metadata: the wall-clock time (ns) the ingest that wrote it
# started, before it took any stat. Every row's size and mtime were checked after it.
_STATS_SINCE = "fiscal_eval.stats_since_ns"
# A stored mtime this close to (or after) that time is "racily clean", as git calls it:
# the file may have been rewritten within the file system's timestamp granularity (2 s on
# FAT, 1 s on ext3/HFS+; the kernel's coarse clock even on ns file systems) after its stat
# was taken, keeping its size and mtime. Such a row is hashed, not trusted.
_RACY_NS = 2_000_000_000

# Below this many files to parse, parse in-process: starting "spawn" workers (a fresh
# interpreter importing polars each) costs more than a second core saves.
POOL_MIN_FILES = 64
# Files per worker task: large enough to amortise pickling, small enough that the
# progress bar moves and a chunk's frames stay a few MB (sections and texts dominate).
_CHUNK_MAX = 256
# Parquet row groups are flushed at this size: few groups for small tables, bounded
# memory for the text-heavy ones.
_FLUSH_BYTES = 8 * 1024 * 1024
_FLUSH_ROWS = 65_536


@dataclass(frozen=True)
class IngestSummary:
    """What an :func:`ingest` did.

    Attributes
    ----------
    files : int
        Input files.
    parsed : int
        Files parsed this run (new, or content changed).
    skipped : int
        Files left as stored (same size and mtime, or same content hash).
    removed : int
        Stored files no longer among the inputs, whose rows were deleted.
    failed, partial : int
        Manifest rows with that status after the ingest (all inputs, not only this run's).
    seconds : float
        Wall-clock time of the ingest.
    unread_folders : tuple of str
        One message a named folder that gave no input file, naming it and saying why (no
        input files, cannot be listed); each is also a failed manifest row.
    reports : int
        Manifest rows: one a file, or one a report it holds (archive members,
        compilation parts); equal to ``files`` when no file holds several.
    """

    files: int
    parsed: int
    skipped: int
    removed: int
    failed: int
    partial: int
    seconds: float
    unread_folders: tuple[str, ...] = ()
    reports: int = 0

    def __str__(self) -> str:
        held = f" holding {self.reports} reports" if self.reports and self.reports != self.files else ""
        return (
            f"{self.files} file{'' if self.files == 1 else 's'}{held}: {self.parsed} parsed, "
            f"{self.skipped} skipped, {self.removed} removed; {self.failed} failed, "
            f"{self.partial} partial; {self.seconds:.1f} s"
        )


# --------------------------------------------------------------------------- the worker


@dataclass(frozen=True, slots=True)
class _Task:
    """One file to parse, with the stat the parent took before anything read it."""

    path: str  # as the file system names it (may hold undecodable bytes as surrogates)
    key: str  # the manifest's path: display_path(path)
    size: int | None
    mtime_ns: int | None


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A parsed report as the manifest needs it; ``report_id`` as its chunk's rows carry it."""

    path: str
    member: str | None
    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    errors: str | None
    parser_id: str
    report_id: str


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


def _suffixed(report_id: str, path: str) -> str:
    """The id of a report whose parser id another path already holds."""
    return f"{report_id}-{hashlib.sha256(path.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def _parse_one(path: str) -> tuple[list[Report], str | None]:
    """Parse and audit the reports of one file (a bug in either is the report's error, not
    a crash: see :func:`~fiscal_eval.api.parse_reports_and_hash`), and the SHA-256 of its
    bytes, taken from the bytes parsed so the file is read once; only a file that could
    not be read at all (a FIFO, permission denied …) is read again to hash it."""
    from fiscal_eval.api import parse_reports_and_hash

    reports, sha = parse_reports_and_hash(path)
    return reports, sha or _sha256(path)


def _member(report: Report, key: str) -> str | None:
    """What of the file ``key`` the report is ("!a.docx", "#2"), None for the file itself."""
    source = display_path(report.source)
    return source[len(key):] if source.startswith(key) and len(source) > len(key) else None


def _parse_chunk(tasks: Sequence[_Task]) -> tuple[list[_Outcome], dict[str, pl.DataFrame]]:
    """Worker: parse + audit a chunk of files and return its manifest rows and frames.

    Top-level so "spawn" workers can import it. The chunk's Report objects are dropped
    here: only frames (a few MB) travel back to the parent. Two files of the chunk with
    the same content get distinct ids (the second suffixed), as :func:`_assign_ids` would.
    """
    reports: list[Report] = []
    outcomes: list[_Outcome] = []
    seen: set[str] = set()
    for task in tasks:
        found, sha = _parse_one(task.path)
        for report in found:
            rid = report.report_id
            if rid in seen:
                report = dataclasses.replace(report, report_id=_suffixed(rid, display_path(report.source)))
            seen.add(report.report_id)
            reports.append(report)
            outcomes.append(
                _Outcome(
                    path=task.key,
                    member=_member(report, task.key),
                    size=task.size,
                    mtime_ns=task.mtime_ns,
                    sha256=sha,
                    status=report.status,
                    errors=display_path("; ".join(report.errors)) or None,
                    parser_id=rid,
                    report_id=report.report_id,
                )
            )
    built = tables(reports)
    return outcomes, {name: getattr(built, name) for name in _TABLE_COLUMNS}


# --------------------------------------------------------------------------- on disk


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
    folder = root / name
    if _generation_number(name) is None or not (folder / f"{_MANIFEST}.parquet").is_file():
        raise FiscalEvalError(
            f"store at {root} is damaged: {_CURRENT} names {name!r}, which holds no "
            f"{_MANIFEST}.parquet; delete the folder and run `fiscal-eval ingest DIR` again"
        )
    return folder


def _live(store: PathLike) -> Path:
    """The live generation of ``store``, or the error that says there is no store."""
    folder = _current(Path(store))
    if folder is None:
        raise FiscalEvalError(f"no store at {os.fspath(store)}: run `fiscal-eval ingest DIR` first")
    return folder


def _read_live(store: PathLike, read: Callable[[Path], T]) -> T:
    """``read(live generation)``, again if an ingest committed and deleted it meanwhile."""
    for _ in range(3):
        folder = _live(store)
        try:
            return read(folder)
        except FileNotFoundError:
            if _live(store) == folder:  # NOTE: not a race with an ingest: a damaged store
                raise FiscalEvalError(
                    f"store at {os.fspath(store)} is damaged: {folder.name} lacks a table file"
                ) from None
    return read(_live(store))


def _clean(root: Path, keep: str) -> None:
    """Delete every generation but ``keep``, and what killed ingests left behind."""
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


# --------------------------------------------------------------------------- inputs


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


def _chunks(tasks: Sequence[_Task], jobs: int) -> list[list[_Task]]:
    """Contiguous chunks (input order is kept), about four per worker, at most _CHUNK_MAX."""
    if not tasks:
        return []
    size = max(1, min(_CHUNK_MAX, math.ceil(len(tasks) / (jobs * 4))))
    return [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]


# --------------------------------------------------------------------------- running


def _run(
    chunks: list[list[_Task]], jobs: int, total: int
) -> Iterator[tuple[list[_Outcome], dict[str, pl.DataFrame]]]:
    """Parse the chunks, yielding results in chunk order (in-process, or in a worker pool).

    At most two chunks a worker are in flight, so finished chunks cannot pile up in the
    parent's memory while it waits for an earlier, slower one.
    """
    if jobs == 1 or total < POOL_MIN_FILES or len(chunks) == 1:
        for chunk in chunks:
            yield _parse_chunk(chunk)
        return
    # NOTE: "spawn", not the Linux default "fork": forking a process that runs polars'
    # thread pool can deadlock the child.
    context = multiprocessing.get_context("spawn")
    # NOTE: workers die with this process (lifeline), not when the parent's clean-up runs:
    # a killed ingest must leave no worker holding its output open.
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                               initializer=lifeline.arm, initargs=(os.getpid(),))
    try:
        pending: deque[Future[tuple[list[_Outcome], dict[str, pl.DataFrame]]]] = deque()
        queue = iter(chunks)
        for chunk in itertools.islice(queue, 2 * jobs):
            pending.append(pool.submit(_parse_chunk, chunk))
        while pending:
            try:
                result = pending.popleft().result()
            except BrokenProcessPool:
                raise FiscalEvalError(
                    "a worker process stopped abruptly (killed, out of memory, or started by a "
                    "script that calls ingest without `if __name__ == \"__main__\":` around it); "
                    "the store is unchanged; fix that, or pass jobs=1 (--jobs 1) to parse in "
                    "this process"
                ) from None
            following = next(queue, None)
            if following is not None:
                pending.append(pool.submit(_parse_chunk, following))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _assign_ids(outcomes: list[_Outcome], taken: set[str]) -> dict[str, str]:
    """Give each parsed file its store id; returns the renames its chunk's rows need.

    ``taken`` holds the ids already in use (kept rows, earlier chunks) and is updated.
    """
    renames: dict[str, str] = {}
    for i, out in enumerate(outcomes):
        final = out.parser_id if out.parser_id not in taken else _suffixed(out.parser_id, out.path + (out.member or ""))
        taken.add(final)
        if final != out.report_id:
            renames[out.report_id] = final
        outcomes[i] = dataclasses.replace(out, report_id=final)
    return renames


def _keep_old_rows(sinks: dict[str, _Sink], old: Path, drop: set[str]) -> None:
    """Stream the old generation's rows into the new files, less the ``drop`` reports."""
    value_set = pa.array(sorted(drop), type=pa.string())
    for name, sink in sinks.items():
        for batch in pq.ParquetFile(old / f"{name}.parquet").iter_batches(batch_size=16_384):
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


def _plan(files: Mapping[str, str], old: dict[str, list[_Row]], since_ns: int | None) -> _Plan:
    """Compare the inputs (manifest path -> real path) with the stored manifest: same size
    and mtime -> keep unread, unless the mtime is racily close to ``since_ns`` (when the
    stored stats were taken); else, for a stored file, hash it and keep it if its content
    is unchanged. A file's rows (one a report it holds) go together."""
    kept: dict[str, list[_Row]] = {}
    tasks: list[_Task] = []
    restat = 0
    for key, path in files.items():
        size, mtime_ns = _stat(path)
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


def _write_generation(
    folder: Path,
    files: Mapping[str, str],
    plan: _Plan,
    old_dir: Path | None,
    jobs: int,
    progress: bool | None,
    since_ns: int,
) -> list[_Row]:
    """Write a complete generation into ``folder`` (manifest last); returns its manifest rows."""
    arrow_schemas = {name: _arrow_schema(cols) for name, cols in _TABLE_COLUMNS.items()}
    ingested_at = datetime.now(UTC).replace(tzinfo=None)
    parsed: dict[str, list[_Row]] = {}
    if old_dir is not None and not plan.tasks and not plan.drop:
        # Only stats changed: the tables are the old ones, byte for byte.
        for name in _TABLE_COLUMNS:
            _link_or_copy(old_dir / f"{name}.parquet", folder / f"{name}.parquet")
    else:
        sinks = {name: _Sink(folder / f"{name}.parquet", s) for name, s in arrow_schemas.items()}
        try:
            if old_dir is not None:
                _keep_old_rows(sinks, old_dir, plan.drop)
            taken = {row.report_id for rows in plan.kept.values() for row in rows}
            with progress_bar("parsing", len(plan.tasks), progress) as advance:
                for outcomes, frames in _run(_chunks(plan.tasks, jobs), jobs, len(plan.tasks)):
                    renames = _assign_ids(outcomes, taken)
                    for name, frame in frames.items():
                        if renames:
                            frame = frame.with_columns(pl.col("report_id").replace(renames))
                        sinks[name].add(frame.to_arrow())
                    for out in outcomes:
                        parsed.setdefault(out.path, []).append(_Row(
                            out.path, out.member, out.sha256, out.size, out.mtime_ns, out.status,
                            out.errors, out.report_id, ingested_at,
                        ))
                    advance(len(outcomes))
        finally:
            for sink in sinks.values():
                sink.close()
    rows = [row for p in files for row in (plan.kept[p] if p in plan.kept else parsed[p])]
    # The manifest last: a generation folder with a manifest is a complete one.
    _manifest_frame(rows).write_parquet(
        folder / f"{_MANIFEST}.parquet", compression="zstd", metadata={_STATS_SINCE: str(since_ns)}
    )
    for entry in folder.iterdir():
        fsync(entry)
    fsync(folder)
    return rows


def ingest(
    paths: PathLike | Iterable[PathLike],
    store: PathLike = DEFAULT_STORE,
    *,
    jobs: int | None = None,
    progress: bool | None = None,
    prune: bool = False,
) -> IngestSummary:
    """Parse and audit a corpus into the Parquet store, incrementally and atomically.

    Parameters
    ----------
    paths : path or iterable of paths
        Report files, or folders read recursively (hidden files skipped, see
        :func:`~fiscal_eval.sources.iter_input_files`). They are the whole corpus: stored
        files not among them are removed from the store. Files inside ``store`` are
        ignored.
    store : path
        The store's folder; created if missing.
    jobs : int, optional
        Worker processes; default the cores this process may use. Fewer than
        :data:`POOL_MIN_FILES` files to parse are parsed in-process whatever ``jobs`` is.
        Scripts that use several must call ingest under ``if __name__ == "__main__":``
        (workers are started with "spawn", which imports the main script).
    progress : bool, optional
        Show a progress bar on stderr; default: only when stderr is a terminal.
    prune : bool
        Allow a named path that does not exist, or a folder with no input file, to remove
        stored rows. Without it such an ingest is refused (a mistyped ``data/sampels``
        would otherwise read as "every stored file was deleted"). Files deleted inside a
        folder that still holds inputs lose their rows either way.

    Returns
    -------
    IngestSummary
        Counts of files parsed, skipped, removed, failed and partial, and the time taken.
        Failed files are not errors: they are manifest rows with status "failed".

    Raises
    ------
    FiscalEvalError
        No paths given, a named path is missing or empty and stored rows would be removed
        (see ``prune``), the store is damaged, another ingest is writing it, or a worker
        process died. The store is then as it was.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> ingest("data/samples", folder).parsed
    5
    >>> print(ingest("data/samples", folder))  # doctest: +ELLIPSIS
    5 files: 0 parsed, 5 skipped, 0 removed; 0 failed, 0 partial; ... s
    >>> load(folder).reports.height
    5
    """
    started = time.perf_counter()
    since_ns = time.time_ns()  # NOTE: before any stat is taken (see _RACY_NS)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise FiscalEvalError("no input paths given: name the report files or folders to ingest")
    jobs = worker_count(jobs)
    root = Path(store)
    if root.exists() and not root.is_dir():
        raise FiscalEvalError(f"store {os.fspath(store)} is a file, not a folder")
    root.mkdir(parents=True, exist_ok=True)

    # NOTE: one writer at a time: two ingests at once would delete each other's work.
    busy = f"store at {root} is being written by another ingest; try again when it ends"
    with exclusive(root / _LOCK, busy=busy):
        files, absent = _input_files(paths, root)
        old_dir = _current(root)
        old, old_since = _read_manifest(old_dir) if old_dir is not None else ({}, None)
        if old_dir is not None and not _compatible(old_dir):
            old_dir = None  # NOTE: tables of an older schema: parse everything again
        plan = _plan(files, old if old_dir is not None else {}, old_since)
        if absent and not prune:
            _refuse_to_prune(absent, files, plan, old)
        unread = tuple(f"{display_path(a)}: {folder_problem(a)}" for a in absent if os.path.isdir(a))
        if old_dir is not None and not plan.tasks and not plan.removed and not plan.restat:
            kept = [row for rows in plan.kept.values() for row in rows]
            return _summary(files, plan, kept, started, unread)  # nothing changed

        number = _next_generation(root)
        generation = f"gen-{number:06d}"
        tmp = root / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            rows = _write_generation(tmp, files, plan, old_dir, jobs, progress, since_ns)
            os.replace(tmp, root / generation)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _flip(root, generation)
        write_atomic(root / _VERSION, f"{number}\n")
        _clean(root, keep=generation)
        return _summary(files, plan, rows, started, unread)


def _refuse_to_prune(absent: Sequence[str], files: Mapping[str, str], plan: _Plan, old: dict[str, list[_Row]]) -> None:
    """Raise when named paths are missing or empty and stored rows would be removed: the
    stored files no longer among the inputs, and stored rows of the missing paths
    themselves (a row already stored as failed is not lost)."""
    missing = {display_path(a) for a in absent}
    lost = [row for p, rows in old.items() for row in rows
            if p not in files or (p in missing and p not in plan.kept)]
    if not lost:
        return  # a new path, or one already stored as failed: nothing is lost
    what = "; ".join(
        f"{display_path(a)} {'holds no input files' if os.path.isdir(a) else 'does not exist'}"
        for a in absent
    )
    n = len(lost)
    raise FiscalEvalError(
        f"refusing to ingest: {what}, so {n} stored file{'' if n == 1 else 's'} would be removed "
        f"from the store (such as {lost[0].path}); check the path, or pass --prune (prune=True) "
        "to remove them"
    )


def _summary(
    files: Mapping[str, str], plan: _Plan, rows: Iterable[_Row], started: float, unread: tuple[str, ...]
) -> IngestSummary:
    statuses = [row.status for row in rows]
    return IngestSummary(
        files=len(files),
        parsed=len(plan.tasks),
        skipped=len(files) - len(plan.tasks),
        removed=len({row.path for row in plan.removed}),
        failed=statuses.count("failed"),
        partial=statuses.count("partial"),
        seconds=time.perf_counter() - started,
        unread_folders=unread,
        reports=len(statuses),
    )


# --------------------------------------------------------------------------- reading


def load(store: PathLike = DEFAULT_STORE, *, lazy: bool = False) -> Tables:
    """The store's tables, as of its last completed ingest.

    Parameters
    ----------
    store : path
        The store's folder.
    lazy : bool
        Return ``pl.LazyFrame`` s (``pl.scan_parquet``) instead of DataFrames: for stores
        too large to read whole, filter and select before ``.collect()``. Collect before
        the next ingest of the same store, which deletes the files they scan.

    Returns
    -------
    Tables
        ``reports``, ``fund_lines``, ``indicators``, ``flags``, ``sections``,
        ``evidence``, ``statements``, ``texts``, joined by ``report_id``.

    Raises
    ------
    FiscalEvalError
        No store at ``store`` (the message names the path), or a damaged one.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = ingest("data/samples", folder)
    >>> load(folder).reports.select("agency").row(0)
    ('中共保山市委网信办',)
    >>> load(folder, lazy=True).indicators.select(pl.len()).collect().item() > 0
    True
    >>> load(folder + "/nowhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    fiscal_eval.errors.FiscalEvalError: no store at ...nowhere: run `fiscal-eval ingest DIR` first
    """
    if lazy:
        folder = _live(store)
        # NOTE: Tables of LazyFrames: the same columns, read when collected.
        lazy_tables: dict[str, Any] = {name: pl.scan_parquet(folder / f"{name}.parquet") for name in _TABLE_COLUMNS}
        return Tables(**lazy_tables)
    return _read_live(store, lambda folder: Tables(
        **{name: pl.read_parquet(folder / f"{name}.parquet") for name in _TABLE_COLUMNS}
    ))


def manifest(store: PathLike = DEFAULT_STORE) -> pl.DataFrame:
    """The store's manifest: one row per input file of the last ingest (see MANIFEST_COLUMNS).

    Raises
    ------
    FiscalEvalError
        No store at ``store``, or a damaged one.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = ingest("data/samples", folder)
    >>> manifest(folder)["status"].to_list()
    ['ok', 'ok', 'ok', 'ok', 'ok']
    """
    return _read_live(store, lambda folder: pl.read_parquet(folder / f"{_MANIFEST}.parquet"))


@dataclass(frozen=True)
class Snapshot:
    """One generation of a store, read at once: a manifest and tables that belong together.

    Attributes
    ----------
    generation : str
        The generation's name (``gen-000003``), as ``CURRENT`` named it.
    manifest : pl.DataFrame
        Its manifest.
    tables : dict of str to pl.DataFrame
        The tables asked for, with the columns asked for.
    """

    generation: str
    manifest: pl.DataFrame
    tables: dict[str, pl.DataFrame]


def snapshot(
    store: PathLike = DEFAULT_STORE, columns: Mapping[str, Sequence[str] | None] | None = None
) -> Snapshot:
    """The live generation's name, manifest and tables, all read from that one generation.

    Calling :func:`load` and :func:`manifest` one after the other may read two
    generations, if an ingest commits in between; a reader whose figures must agree (the
    batch's index: generation, inputs, reports) takes one snapshot instead.

    Parameters
    ----------
    store : path
        The store's folder.
    columns : mapping, optional
        Table name (a :class:`~fiscal_eval.store.frames.Tables` field) → the columns to read
        (None: all). Tables not named are not read.

    Raises
    ------
    FiscalEvalError
        No store at ``store``, or a damaged one.
    ValueError
        A table name the store does not hold.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = ingest("data/samples", folder)
    >>> snap = snapshot(folder, {"reports": ["report_id", "year"]})
    >>> snap.generation, snap.manifest.height, snap.tables["reports"].columns
    ('gen-000001', 5, ['report_id', 'year'])
    """
    wanted = dict(columns or {})
    unknown = sorted(set(wanted) - set(_TABLE_COLUMNS))
    if unknown:
        raise ValueError(f"no table {unknown[0]!r} in a store; tables: {', '.join(_TABLE_COLUMNS)}")

    def read(folder: Path) -> Snapshot:
        return Snapshot(
            generation=folder.name,
            manifest=pl.read_parquet(folder / f"{_MANIFEST}.parquet"),
            tables={
                name: pl.read_parquet(folder / f"{name}.parquet", columns=list(cols) if cols is not None else None)
                for name, cols in wanted.items()
            },
        )

    return _read_live(store, read)
