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
        manifest.parquet   (written last; the tables pages look rows up in are sorted by
                           that key, in small row groups: store.layout)
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
  Report objects; the parent streams each chunk into the Parquet files as row groups (the
  parsed files' manifest rows too, merged with the kept files' rows into the manifest a
  batch at a time at the end). The plan is columns, not an object a file (the inputs'
  names, stats and whether each is kept: about 80 bytes a file; the ids in use, 8), and
  the corpus metrics read the features in batches and the tables a table at a time.

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

import contextlib
import dataclasses
import hashlib
import io
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from fiscal_eval.errors import FiscalEvalError, StorageError, StoreDamagedError, storage_errno
from fiscal_eval.metrics.stored import MetricsBuilder, link_metrics
from fiscal_eval.model import MANIFEST_COLUMNS
from fiscal_eval.sources import display_path, folder_problem
from fiscal_eval.store import integrity, layout
from fiscal_eval.store.frames import Tables
from fiscal_eval.store.generations import (
    _CURRENT,
    _LOCK,
    _MANIFEST,
    _TABLE_COLUMNS,
    _VERSION,
    PathLike,
    _arrow_schema,
    _clean,
    _compatible,
    _current,
    _flip,
    _keep_old_rows,
    _link_or_copy,
    _next_generation,
    _Sink,
    live_generation,
    read_live,
)
from fiscal_eval.store.plan import _STATS_SINCE, _input_files, _manifest_frame, _Plan, _plan, _read_manifest, _Row
from fiscal_eval.store.pool import POOL_MIN_FILES, _assign_ids, _Taken, parse_tasks
from fiscal_eval.util.atomic import fsync, write_atomic
from fiscal_eval.util.locks import exclusive
from fiscal_eval.util.progress import progress_bar
from fiscal_eval.util.workers import worker_count

__all__ = [
    "IngestSummary", "MANIFEST_COLUMNS", "DEFAULT_STORE", "Snapshot", "ingest", "load", "manifest", "snapshot",
    "live_generation", "read_live", "POOL_MIN_FILES", "check", "StoreCheck",
]

DEFAULT_STORE = "data/store"


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
    repaired : tuple of str
        One message a damaged part of the store this ingest rebuilt (a table whose
        checksum differed, a missing table, a damaged manifest …), saying what it cost.
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
    repaired: tuple[str, ...] = ()

    def __str__(self) -> str:
        held = f" holding {self.reports} reports" if self.reports and self.reports != self.files else ""
        line = (
            f"{self.files} file{'' if self.files == 1 else 's'}{held}: {self.parsed} parsed, "
            f"{self.skipped} skipped, {self.removed} removed; {self.failed} failed, "
            f"{self.partial} partial; {self.seconds:.1f} s"
        )
        return "\n".join([line, *(f"repaired: {message}" for message in self.repaired)])



# An input's place among the inputs: the manifest's row order (kept and parsed rows are
# merged by it). A column of the temporary manifest files only.
_ORDER = "_order"
_PLACED_COLUMNS = {**MANIFEST_COLUMNS, _ORDER: "UInt32"}
_BATCH = 65_536  # manifest rows read at a time


def _write_generation(
    folder: Path,
    plan: _Plan,
    old_dir: Path | None,
    jobs: int,
    progress: bool | None,
    since_ns: int,
    old_record: dict[str, Any] | None = None,
    skip: dict[str, frozenset[int]] | None = None,
    run: Any = parse_tasks,
    old_manifest: Path | None = None,
) -> dict[str, int]:
    """Write a complete generation into ``folder`` (manifest, then the checksum record,
    last); returns its manifest's statuses, counted. ``skip``: damaged row groups of the
    old tables; ``old_manifest``: the stored manifest the plan keeps rows of."""
    arrow_schemas = {name: _arrow_schema(cols) for name, cols in _TABLE_COLUMNS.items()}
    ingested_at = datetime.now(UTC).replace(tzinfo=None)
    # The parsed files' manifest rows, streamed to a file of the folder as they come (a
    # frame a chunk held in memory was 330 MB at 1,000,000 reports, there during the
    # metrics), with their input's place; merged with the kept rows at the end. No
    # .parquet suffix: not a table.
    parsed_file: Path | None = None
    reuse: dict[str, Any] = {}
    if old_dir is not None and not plan.parsed and not plan.drop.len() and not skip:
        # Only stats changed: the tables are the old ones, byte for byte (verified).
        for name in _TABLE_COLUMNS:
            _link_or_copy(old_dir / f"{name}.parquet", folder / f"{name}.parquet")
        if old_record is not None:
            reuse = {name: old_record["tables"][name] for name in _TABLE_COLUMNS}
        if not link_metrics(old_dir, folder):
            MetricsBuilder(folder, None).finish()
    else:
        parsed_file = folder / ".parsed-manifest"
        sinks = {name: _Sink(folder / f"{name}.parquet", s) for name, s in arrow_schemas.items()}
        manifest_sink = _Sink(parsed_file, _arrow_schema(_PLACED_COLUMNS))
        # The corpus metrics, kept with the tables: fed the parsed texts as they stream by.
        builder = MetricsBuilder(folder, old_dir, plan.drop, fresh=old_dir is None)
        tasks = plan.tasks()
        try:
            if old_dir is not None:
                _keep_old_rows(sinks, old_dir, plan.drop, skip)
            taken = _Taken(plan.kept_ids)
            plan.kept_ids = plan.kept_ids.clear()  # NOTE: held as integers by taken
            places = tasks.places()  # a chunk's rows come in task order: a file's place is the next task's
            key, place = None, 0
            with progress_bar("parsing", len(tasks), progress) as advance:
                for outcomes, frames in run(tasks, jobs):
                    renames = _assign_ids(outcomes, taken)
                    for name, frame in frames.items():
                        if renames:
                            frame = frame.with_columns(pl.col("report_id").replace(renames))
                        sinks[name].add(frame.to_arrow())
                        if name == "texts":
                            builder.add(frame)
                    order = []
                    for out in outcomes:
                        while key != out.path:
                            key, place = next(places)
                        order.append(place)
                    manifest_sink.add(_manifest_frame([_Row(
                        out.path, out.member, out.sha256, out.size, out.mtime_ns, out.status,
                        out.errors, out.report_id, ingested_at,
                    ) for out in outcomes]).with_columns(pl.Series(_ORDER, order, dtype=pl.UInt32)).to_arrow())
                    advance(len(outcomes))
        finally:
            for sink in [*sinks.values(), manifest_sink]:
                sink.close()
        del taken, sinks, tasks, places  # NOTE: the metrics need the memory
        builder.finish()
        if builder.linked and old_dir is not None:
            # The metric files linked from the old generation: its entries, read again now
            # (verified when it was opened; an entry a row group, not held while parsing).
            tables = (integrity.read_record(old_dir) or {}).get("tables", {})
            reuse.update({name: tables[name] for name in builder.linked if name in tables})
        # NOTE: after the metrics, which read these tables in ingest order (as they did):
        # sorted by the keys pages look rows up by (store.layout). Linked tables (above)
        # are the old generation's, laid out already.
        layout.arrange_generation(folder)
    # The manifest last: a generation folder with a manifest is a complete one.
    statuses = _write_manifest(folder, plan, old_manifest, parsed_file, since_ns)
    integrity.record(folder, reuse)
    for entry in folder.iterdir():
        fsync(entry)
    fsync(folder)
    return statuses


def _write_manifest(folder: Path, plan: _Plan, old_manifest: Path | None, parsed: Path | None,
                    since_ns: int) -> dict[str, int]:
    """Write ``folder``'s manifest: the kept files' stored rows (their stat as taken now)
    and the parsed files' rows, in input order (a file's several reports in their order),
    a batch at a time; returns its statuses, counted."""
    sources = [parsed] if parsed is not None else []
    if plan.kept and old_manifest is not None:
        sources.insert(0, _kept_rows(plan, old_manifest, folder / ".kept-manifest"))
    schema = _arrow_schema(MANIFEST_COLUMNS).with_metadata({_STATS_SINCE: str(since_ns)})
    writing = folder / f".{_MANIFEST}.writing"
    sink = _Sink(writing, schema)
    statuses: dict[str, int] = {}
    try:
        for rows in _merged(sources):
            for status, n in rows.group_by("status").len().iter_rows():
                statuses[status] = statuses.get(status, 0) + n
            sink.add(_manifest_frame_of(rows).to_arrow())
    finally:
        sink.close()
    os.replace(writing, folder / f"{_MANIFEST}.parquet")
    for source in sources:
        source.unlink()
    return statuses


def _manifest_frame_of(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(list(MANIFEST_COLUMNS))


def _kept_rows(plan: _Plan, old_manifest: Path, out: Path) -> Path:
    """The kept files' stored rows (in stored order), their stat as taken now and their
    input's place, written to ``out`` sorted by that place."""
    kept = (plan.inputs.with_row_index(_ORDER).filter(pl.col("keep"))
            .select(pl.col("key").alias("path"), _ORDER, "size", "mtime_ns"))
    sink = _Sink(out, _arrow_schema(_PLACED_COLUMNS))
    ordered, last = True, -1
    try:
        for batch in pq.ParquetFile(old_manifest).iter_batches(batch_size=_BATCH):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            if "member" not in frame.columns:  # a manifest written before ``member`` existed
                frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("member"))
            rows = (frame.drop("size", "mtime_ns").join(kept, on="path", maintain_order="left")
                    .select(*MANIFEST_COLUMNS, _ORDER))
            if rows.height:
                places = rows[_ORDER]
                ordered = ordered and places.is_sorted() and places[0] >= last
                last = places[-1]
                sink.add(rows.to_arrow())
    finally:
        sink.close()
    if not ordered:  # NOTE: inputs named in another order than last time: sorted in bounded memory
        layout.arrange(out, (_ORDER,))
    return out


def _merged(sources: Sequence[Path]) -> Iterator[pl.DataFrame]:
    """The rows of files each sorted by :data:`_ORDER`, merged in that order, a batch at a
    time. A place is one file's (an input is kept or parsed): its rows keep their order."""
    streams = [_batches(source) for source in sources]
    held = [next(stream, None) for stream in streams]
    while any(frame is not None for frame in held):
        live = [i for i, frame in enumerate(held) if frame is not None]
        # Every row up to the lowest of the held batches' last places can go: nothing
        # unread is below it.
        limit = min(frame[_ORDER][-1] for frame in held if frame is not None)
        out = []
        for i in live:
            frame = held[i]
            assert frame is not None
            n = frame[_ORDER].search_sorted(limit, side="right")
            out.append(frame.head(n))
            held[i] = frame.slice(n) if n < frame.height else next(streams[i], None)
        rows = pl.concat(out)
        yield rows.sort(_ORDER, maintain_order=True) if len(out) > 1 else rows


def _batches(path: Path) -> Iterator[pl.DataFrame]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        if frame.height:
            yield frame


def ingest(
    paths: PathLike | Iterable[PathLike],
    store: PathLike = DEFAULT_STORE,
    *,
    jobs: int | None = None,
    progress: bool | None = None,
    prune: bool = False,
    cluster: Any = None,
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
    cluster : str or dask Client/cluster, optional
        Parse on a dask.distributed cluster instead (:mod:`~fiscal_eval.store.cluster`):
        ``"local:N"`` (N local worker processes), a scheduler address
        (``"tcp://host:8786"``), or a Client or cluster object. The input files must be
        readable at the same paths on every worker; the store is written here, the same
        bytes as a local run. Needs the ``cluster`` extra; ``jobs`` is then unused.

    Returns
    -------
    IngestSummary
        Counts of files parsed, skipped, removed, failed and partial, and the time taken.
        Failed files are not errors: they are manifest rows with status "failed".

    Raises
    ------
    FiscalEvalError
        No paths given, a named path is missing or empty and stored rows would be removed
        (see ``prune``), the store is damaged, another ingest is writing it, a worker
        process died, or the cluster cannot be reached. The store is then as it was.

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
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / _LOCK).touch()  # NOTE: a read-only or foreign folder is refused here, before any work
    except OSError as exc:
        if storage_errno(exc):
            raise StorageError(f"write the store at {root}", root, exc) from None
        raise

    # NOTE: one writer at a time: two ingests at once would delete each other's work.
    busy = f"store at {root} is being written by another ingest; try again when it ends"
    # The engine that parses: this machine's pool, or a cluster (connected first: an
    # unreachable scheduler fails before any file is read).
    engine: contextlib.AbstractContextManager[Any] = contextlib.nullcontext(parse_tasks)
    if cluster is not None:
        from fiscal_eval.store.cluster import engine as cluster_engine

        engine = cluster_engine(cluster)
    with engine as run, exclusive(root / _LOCK, busy=busy):
        inputs = _input_files(paths, root)
        # NOTE: numbered before _open_old cleans up: a generation never made live keeps its
        # number from being used again, so a number names one generation only.
        number = _next_generation(root)
        old = _open_old(root)
        old_dir = old.folder
        if old_dir is not None and not _compatible(old_dir):
            old_dir = None  # NOTE: tables of an older schema: parse everything again
        force = None
        if old.rows is not None and old.reparse:
            lost = pl.Series("report_id", sorted(old.reparse), dtype=pl.Utf8)
            force = old.rows.filter(pl.col("report_id").is_in(lost.implode()))["path"].unique()
        plan = _plan(inputs, old.rows if old_dir is not None else None, old.since, force)
        if inputs.absent and not prune:
            _refuse_to_prune(inputs.absent, plan, old.rows)
        unread = tuple(f"{display_path(a)}: {folder_problem(a)}" for a in inputs.absent if os.path.isdir(a))
        repaired = tuple(old.notes) + tuple(
            f"{note} ({n} file{'' if n == 1 else 's'} parsed again for it)"
            for note, ids in old.localized
            for n in [_files_of(old.rows, ids, inputs.keys)]
        )
        files = inputs.keys.len()
        old.rows = None  # NOTE: the plan holds what it needs of them, in columns
        if plan.parsed or plan.drop.len() or old.skip:
            old.record = None  # NOTE: reused only when every table is linked; an entry a row group
        del inputs
        if old_dir is not None and not plan.parsed and not plan.removed and not plan.restat and not old.rewrite:
            return _summary(files, plan, plan.kept_statuses, started, unread)  # nothing changed

        generation = f"gen-{number:06d}"
        tmp = root / f".tmp-{uuid.uuid4().hex}"
        try:
            tmp.mkdir()
            statuses = _write_generation(
                tmp, plan, old_dir, jobs, progress, since_ns, old.record, old.skip if old_dir else None, run,
                old_dir / f"{_MANIFEST}.parquet" if old_dir is not None else None,
            )
            os.replace(tmp, root / generation)
        except BaseException as exc:
            written = _bytes_under(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError) and storage_errno(exc):
                # NOTE: a new generation is about as large as the live one (unchanged tables
                # are rewritten, not linked, once any row changed).
                needed = max(written, _bytes_under(old.folder) if old.folder else 0) or None
                raise StorageError(f"write the new generation of the store at {root}", root, exc, needed) from None
            raise
        try:
            _flip(root, generation)
            write_atomic(root / _VERSION, f"{number}\n")
        except OSError as exc:  # NOTE: the new generation stays an orphan, removed by the next ingest
            if storage_errno(exc):
                raise StorageError(f"make {generation} the live generation of the store at {root}", root, exc) from None
            raise
        _clean(root, keep=generation)
        return _summary(files, plan, statuses, started, unread, repaired)


def _files_of(rows: pl.DataFrame | None, ids: frozenset[str], keys: pl.Series) -> int:
    """Input files among whose stored rows one of ``ids`` is (parsed again for a repair)."""
    if rows is None:
        return 0
    lost = pl.Series("report_id", sorted(ids), dtype=pl.Utf8)
    paths = rows.filter(pl.col("report_id").is_in(lost.implode()))["path"].unique()
    return int(paths.is_in(keys.implode()).sum())


@dataclass
class _Old:
    """The live generation as the next ingest finds it: verified, with what a damaged
    table lost (its rows are parsed again) and what to say about it."""

    folder: Path | None = None
    rows: pl.DataFrame | None = None  # what a plan reads of its manifest (plan._read_manifest)
    since: int | None = None
    record: dict[str, Any] | None = None
    skip: dict[str, frozenset[int]] = dataclasses.field(default_factory=dict)  # damaged row groups
    reparse: set[str] = dataclasses.field(default_factory=set)  # report ids whose rows were lost
    notes: list[str] = dataclasses.field(default_factory=list)  # repairs that cost every file
    localized: list[tuple[str, frozenset[str]]] = dataclasses.field(default_factory=list)
    rewrite: bool = False  # a new generation is due even if no input changed


def _open_old(root: Path) -> _Old:
    """Find and verify the live generation (under the store lock), clean up what killed or
    failed ingests left (generations never made live, temporary folders), and decide what
    a damaged part costs: a damaged row group, the reports whose rows it held; a damaged
    manifest, checksum record or ``CURRENT``, or a table whose damage cannot be located,
    every file (the store is then rebuilt from the inputs)."""
    try:
        folder = _current(root)
    except StoreDamagedError as exc:
        _clean(root, keep=None)
        return _Old(notes=[f"{_CURRENT}: {exc.problem}; rebuilt, every file parsed again"], rewrite=True)
    _clean(root, keep=folder.name if folder is not None else None)
    if folder is None:
        return _Old()
    gen = folder.name
    rebuild = _Old(rewrite=True)
    record, damages = integrity.verify(folder, full=True, localize=True)
    whole = [d for d in damages if d.table in (_MANIFEST, "integrity") or d.ids is None]
    if whole:
        rebuild.notes = [f"{gen}/{d.table}: {d.problem}; rebuilt, every file parsed again" for d in damages]
        return rebuild
    try:
        rows, since = _read_manifest(folder)
    except (OSError, pl.exceptions.PolarsError, pa.ArrowException, ValueError) as exc:  # a store without checksums
        rebuild.notes = [f"{gen}/{_MANIFEST}: cannot be read ({type(exc).__name__}); rebuilt, every file parsed again"]
        return rebuild
    old = _Old(folder, rows, since, record, rewrite=record is None)  # NOTE: record checksums once
    for damage in damages:
        assert damage.ids is not None and damage.groups is not None
        old.skip[damage.table] = damage.groups
        old.reparse |= damage.ids
        old.localized.append((f"{gen}/{damage.table}: {damage.problem}; rebuilt", damage.ids))
    old.rewrite = old.rewrite or bool(damages)
    return old


def _bytes_under(folder: Path | None) -> int:
    """Bytes of the files under ``folder`` (0 when it is gone)."""
    total = 0
    if folder is None:
        return 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


def _refuse_to_prune(absent: Sequence[str], plan: _Plan, old: pl.DataFrame | None) -> None:
    """Raise when named paths are missing or empty and stored rows would be removed: the
    stored files no longer among the inputs, and stored rows of the missing paths
    themselves (a row already stored as failed is not lost)."""
    if old is None:
        return
    missing = pl.Series("path", sorted({display_path(a) for a in absent}), dtype=pl.Utf8)
    kept = plan.inputs.filter(pl.col("keep"))["key"]
    path = pl.col("path")
    lost = old.filter(~path.is_in(plan.inputs["key"].implode())
                      | (path.is_in(missing.implode()) & ~path.is_in(kept.implode())))
    if not lost.height:
        return  # a new path, or one already stored as failed: nothing is lost
    what = "; ".join(
        f"{display_path(a)} {'holds no input files' if os.path.isdir(a) else 'does not exist'}"
        for a in absent
    )
    n = lost.height
    raise FiscalEvalError(
        f"refusing to ingest: {what}, so {n} stored file{'' if n == 1 else 's'} would be removed "
        f"from the store (such as {lost['path'][0]}); check the path, or pass --prune (prune=True) "
        "to remove them"
    )


def _summary(
    files: int, plan: _Plan, statuses: Mapping[str, int], started: float,
    unread: tuple[str, ...], repaired: tuple[str, ...] = (),
) -> IngestSummary:
    return IngestSummary(
        files=files,
        parsed=plan.parsed,
        skipped=files - plan.parsed,
        removed=plan.removed,
        failed=statuses.get("failed", 0),
        partial=statuses.get("partial", 0),
        seconds=time.perf_counter() - started,
        unread_folders=unread,
        reports=sum(statuses.values()),
        repaired=repaired,
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
        folder = live_generation(store)
        # NOTE: only sizes and columns (each file's footer) are checked here: hashing every
        # file would read the whole store, which a lazy load is for avoiding.
        record, damages = integrity.verify(folder, full=False, tables=[*_TABLE_COLUMNS])
        if damages:
            raise StoreDamagedError(store, folder.name, damages[0].table, damages[0].problem)
        # NOTE: Tables of LazyFrames: the same columns, read when collected.
        lazy_tables: dict[str, Any] = {name: pl.scan_parquet(folder / f"{name}.parquet") for name in _TABLE_COLUMNS}
        return Tables(**lazy_tables)

    def read(folder: Path) -> Tables:
        record = integrity.read_record(folder)
        return Tables(**{name: _read_table(store, folder, name, record) for name in _TABLE_COLUMNS})

    return read_live(store, read)


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
    return read_live(store, lambda folder: _read_table(store, folder, _MANIFEST, integrity.read_record(folder)))


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
        record = integrity.read_record(folder)
        return Snapshot(
            generation=folder.name,
            manifest=_read_table(store, folder, _MANIFEST, record),
            tables={
                name: _read_table(store, folder, name, record, list(cols) if cols is not None else None)
                for name, cols in wanted.items()
            },
        )

    return read_live(store, read)


def _read_table(
    store: PathLike, folder: Path, name: str, record: dict[str, Any] | None, columns: list[str] | None = None
) -> pl.DataFrame:
    """One table of a generation, its bytes checked against the checksum recorded at
    commit (read once: hashed, then parsed from memory).

    Raises StoreDamagedError naming the store, the generation and the table when the file
    is missing, differs from its checksum, is another table's file or cannot be read;
    FileNotFoundError when an ingest deleted the generation meanwhile (read_live retries).
    """
    path = folder / f"{name}.parquet"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if live_generation(store) != folder:
            raise  # NOTE: an ingest committed and deleted it: read_live reads the new one
        raise StoreDamagedError(store, folder.name, name, "missing") from None
    except OSError as exc:
        raise StoreDamagedError(store, folder.name, name, f"cannot be read ({exc.strerror or exc})") from None
    if record is not None:
        entry = record["tables"].get(name)
        if entry is None:
            raise StoreDamagedError(store, folder.name, name, "not in the checksum record")
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            damage = integrity.verify_table(folder, name, entry, record["tables"], full=True)
            raise StoreDamagedError(store, folder.name, name, damage.problem if damage else "checksum differs")
    try:
        return pl.read_parquet(io.BytesIO(data), columns=columns)
    except (pl.exceptions.PolarsError, pa.ArrowException, OSError, ValueError) as exc:
        if isinstance(exc, pl.exceptions.ColumnNotFoundError) and record is not None:
            raise  # NOTE: a column the caller asked for that the table lacks: not damage
        raise StoreDamagedError(
            store, folder.name, name, f"cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
        ) from None


def check(store: PathLike = DEFAULT_STORE) -> StoreCheck:
    """Verify a store: every table of its live generation against the checksum and the
    columns recorded when it was committed (reads the whole store once).

    Returns
    -------
    StoreCheck
        What was checked and what is damaged (``ok`` when nothing is); leftovers of killed
        ingests are listed, not counted as damage (the next ingest removes them).

    Raises
    ------
    FiscalEvalError
        No store at ``store``, or a folder that cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = ingest("data/samples", folder)
    >>> result = check(folder)
    >>> result.ok, result.generation
    (True, 'gen-000001')
    >>> [t for t in result.tables if not t.startswith("metric.")]  # doctest: +NORMALIZE_WHITESPACE
    ['evidence', 'flags', 'fund_lines', 'indicators', 'manifest', 'reports', 'sections',
     'statements', 'texts']
    >>> sum(t.startswith("metric.") for t in result.tables) > 0  # the corpus metrics, kept with them
    True
    """
    root = Path(store)
    try:
        folder = _current(root)
    except StoreDamagedError as exc:
        return StoreCheck(os.fspath(store), None, (), (integrity.Damage(exc.table, exc.problem),), False, ())
    if folder is None:
        raise FiscalEvalError(f"no store at {os.fspath(store)}: run `fiscal-eval ingest DIR` first")
    record, damages = integrity.verify(folder, full=True, localize=True)
    names = tuple(record["tables"]) if record is not None else tuple(integrity.expected_tables())
    leftovers = tuple(sorted(
        e.name for e in root.iterdir()
        if e.name != folder.name and e.is_dir() and (e.name.startswith(".tmp-") or e.name.startswith("gen-"))
    ))
    return StoreCheck(os.fspath(store), folder.name, names, tuple(damages), record is not None, leftovers)


@dataclass(frozen=True)
class StoreCheck:
    """What :func:`check` found.

    Attributes
    ----------
    store : str
        The store's folder.
    generation : str or None
        The live generation (None when ``CURRENT`` names none).
    tables : tuple of str
        The tables checked.
    damaged : tuple of Damage
        Each damaged table with what is wrong (``table``, ``problem``).
    checksums : bool
        Whether the generation recorded checksums (False: written by an older version;
        only presence and columns could be checked; the next ingest records them).
    leftovers : tuple of str
        Folders of interrupted ingests (removed by the next ingest; not damage).
    """

    store: str
    generation: str | None
    tables: tuple[str, ...]
    damaged: tuple[integrity.Damage, ...]
    checksums: bool
    leftovers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No table damaged."""
        return not self.damaged

    def __str__(self) -> str:
        where = f"store at {self.store}" + (f", {self.generation}" if self.generation else "")
        if self.ok:
            how = "checksums and columns match" if self.checksums else \
                "tables present with their columns (no checksums recorded: the next ingest records them)"
            lines = [f"{where}: {len(self.tables)} tables, {how}"]
        else:
            n = len(self.damaged)
            lines = [f"{where}: damaged, {n} table{'' if n == 1 else 's'}"]
            lines += [f"  {d.table}: {d.problem}" for d in self.damaged]
            lines.append("run `fiscal-eval ingest` on the same inputs to rebuild what is damaged")
        if self.leftovers:
            lines.append(f"leftovers of interrupted ingests (removed by the next ingest): {', '.join(self.leftovers)}")
        return "\n".join(lines)
