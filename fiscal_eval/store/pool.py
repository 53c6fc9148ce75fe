"""The worker pool of an ingest: files parsed and audited in chunks, in-process or in
"spawn" worker processes, each chunk returned as manifest outcomes and table frames.

The pool's start-up is :func:`_run`; a worker's job is :func:`_parse_chunk`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np
import polars as pl

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.model import Report
from fiscal_eval.sources import display_path
from fiscal_eval.store import plan
from fiscal_eval.store.frames import tables
from fiscal_eval.store.generations import _TABLE_COLUMNS
from fiscal_eval.store.plan import _Task
from fiscal_eval.util import lifeline

# Below this many files to parse, parse in-process: starting "spawn" workers (a fresh
# interpreter importing polars each) costs more than a second core saves.
POOL_MIN_FILES = 64
# Files per worker task: large enough to amortise pickling, small enough that the
# progress bar moves and a chunk's frames stay a few MB (sections and texts dominate).
_CHUNK_MAX = 256
# Parquet row groups are flushed at this size: few groups for small tables, bounded
# memory for the text-heavy ones.

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
    return reports, sha or plan._sha256(path)  # NOTE: via the module, so one patch covers both uses


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


class _Chunks:
    """Contiguous chunks of the tasks (input order is kept), each made as it is taken: the
    tasks of a million files, made at once, were 250 MB held for the whole parse."""

    def __init__(self, tasks: Sequence[_Task], size: int) -> None:
        self._tasks, self._size = tasks, size

    def __len__(self) -> int:
        return -(-len(self._tasks) // self._size)

    def __iter__(self) -> Iterator[list[_Task]]:
        for i in range(0, len(self._tasks), self._size):
            yield list(self._tasks[i : i + self._size])


def _chunks(tasks: Sequence[_Task], jobs: int) -> _Chunks:
    """Contiguous chunks, about four per worker, at most _CHUNK_MAX."""
    return _Chunks(tasks, max(1, min(_CHUNK_MAX, math.ceil(len(tasks) / (jobs * 4)))))


# --------------------------------------------------------------------------- running


def _run(
    chunks: _Chunks, jobs: int, total: int
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


def parse_tasks(tasks: Sequence[_Task], jobs: int) -> Iterator[tuple[list[_Outcome], dict[str, pl.DataFrame]]]:
    """The local engine: the tasks parsed here, (outcomes, frames) a chunk, in order. The
    cluster's (:func:`fiscal_eval.store.cluster.engine`) has the same interface."""
    return _run(_chunks(tasks, jobs), jobs, len(tasks))


class _Taken:
    """The report ids in use (kept rows', earlier chunks'), for :func:`_assign_ids`.

    A parser id is 16 hex digits: those are held as sorted 64-bit integers, 8 bytes an id
    (a set of a million id strings was 100 MB), with the ids added since the last merge
    in a small set; any other id (suffixed, or of an older store) in a set of its own.
    """

    _MERGE = 65_536  # ids added before they are merged into the sorted array

    def __init__(self, ids: pl.Series) -> None:
        plain = ids.str.contains(r"^[0-9a-f]{16}$")
        self._sorted = np.unique(_as_integers(ids.filter(plain)))
        self._recent: set[int] = set()
        self._other: set[str] = set(ids.filter(~plain).to_list())

    def __contains__(self, report_id: object) -> bool:
        if not isinstance(report_id, str):
            return False
        if (value := _as_integer(report_id)) is None:
            return report_id in self._other
        if value in self._recent:
            return True
        at = int(np.searchsorted(self._sorted, np.uint64(value)))
        return at < len(self._sorted) and int(self._sorted[at]) == value

    def add(self, report_id: str) -> None:
        if (value := _as_integer(report_id)) is None:
            self._other.add(report_id)
            return
        self._recent.add(value)
        if len(self._recent) >= self._MERGE:
            self._sorted = np.union1d(self._sorted, np.fromiter(self._recent, dtype=np.uint64))
            self._recent = set()


def _as_integer(report_id: str) -> int | None:
    """A 16-hex-digit id as its integer; None for any other id."""
    if len(report_id) != 16 or not all(c in "0123456789abcdef" for c in report_id):
        return None
    return int(report_id, 16)


def _as_integers(ids: pl.Series) -> np.ndarray:
    """16-hex-digit ids as unsigned 64-bit integers (two halves: polars parses into i64)."""
    high = ids.str.slice(0, 8).str.to_integer(base=16).cast(pl.UInt64).to_numpy()
    low = ids.str.slice(8, 8).str.to_integer(base=16).cast(pl.UInt64).to_numpy()
    return (high << np.uint64(32)) | low


def _assign_ids(outcomes: list[_Outcome], taken: _Taken | set[str]) -> dict[str, str]:
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
