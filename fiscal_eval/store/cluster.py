"""The cluster engine: an ingest's parsing (and a batch's rendering) on a ``dask.distributed``
cluster instead of this machine's worker pool (:mod:`~fiscal_eval.store.pool`).

Only the work travels. The client keeps the incremental plan, the manifest, the ids and the
atomic commit (:mod:`~fiscal_eval.store.parquet`), and writes every byte of the store and of
the pages; workers receive chunks of files (or one report each) and send back the same frames
(or page bytes) the local engine makes, so the result is the same bytes as a local run. The
workers read the input files by the paths the client names: those must be on storage every
node mounts at the same path.

``cluster`` is ``"local:N"`` (a ``LocalCluster`` of N worker processes, started and stopped
here), a scheduler address (``tcp://host:8786``), or a ``distributed.Client`` or cluster
object (dask-jobqueue, dask-kubernetes), used as given and left running.

On a worker a chunk is parsed in a child process of its own (:class:`_Child`): parsing must
run in a main thread for the per-file ceilings (:mod:`fiscal_eval.util.budget`, a timer
signal) and a dask task runs in a worker's thread. The child is a ``subprocess``, not a
``multiprocessing`` one, which dask's daemon worker processes may not start.

Failures are rows, as locally: a file that kills its child is a failed row naming the
problem (the chunk's other files are parsed again one by one); a chunk lost with its worker
(dask retries it on another one first) is a failed row per file. Those rows carry no stat
or hash, so the next ingest parses them again. Losing the scheduler itself stops the
ingest (an error, the store unchanged).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import socket
import subprocess
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from fiscal_eval.errors import FiscalEvalError

__all__ = ["EXTRA", "connect", "engine", "parse_on_cluster", "map_bounded"]

T = TypeVar("T")
R = TypeVar("R")

EXTRA = 'pip install "fiscal_eval[cluster]"'
_LOCAL = "local:"
# How long to wait for a first worker to join (a jobqueue cluster's jobs may still be queued).
_WORKERS_TIMEOUT = 120.0
# What the child needs from the client: the per-file ceilings of this run.
_BUDGET_ENV = ("FISCAL_EVAL_MAX_SECONDS", "FISCAL_EVAL_MAX_MEMORY_MB")


def _distributed() -> Any:
    """``distributed``, imported only when a cluster is asked for."""
    try:
        import distributed
    except ImportError:
        raise FiscalEvalError(
            f"--cluster (cluster=) needs dask.distributed, which is not installed: {EXTRA}"
        ) from None
    return distributed


@contextlib.contextmanager
def connect(cluster: Any) -> Iterator[Any]:
    """A ``distributed.Client`` for ``cluster`` (see the module's docstring), with at least
    one worker; what was started here is stopped on the way out.

    Raises
    ------
    FiscalEvalError
        dask.distributed not installed, a malformed address, a scheduler that cannot be
        reached, or no worker joined in time.
    """
    distributed = _distributed()
    with contextlib.ExitStack() as stack:
        if isinstance(cluster, distributed.Client):
            client, where = cluster, str(cluster.scheduler.address if cluster.scheduler else cluster)
        elif isinstance(cluster, str):
            where = cluster.strip()
            if where.startswith(_LOCAL):
                client = stack.enter_context(_local_cluster(distributed, where))
            else:
                if not where or any(c.isspace() for c in where):
                    raise FiscalEvalError(f"not a scheduler address: {cluster!r} (give tcp://host:8786 or local:N)")
                try:
                    client = stack.enter_context(distributed.Client(where, set_as_default=False))
                except (OSError, TimeoutError, ValueError) as exc:
                    raise FiscalEvalError(
                        f"cannot reach the dask scheduler at {where} ({type(exc).__name__}: {exc}); is "
                        "`dask scheduler` running there, and the port open?"
                    ) from None
        else:  # a cluster object: LocalCluster, SLURMCluster, KubeCluster …
            where = str(getattr(cluster, "scheduler_address", cluster))
            client = stack.enter_context(distributed.Client(cluster, set_as_default=False))
        try:
            client.wait_for_workers(1, timeout=_WORKERS_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise FiscalEvalError(f"no dask worker joined the cluster at {where} within "
                                  f"{_WORKERS_TIMEOUT:g} s ({type(exc).__name__}); start `dask worker {where}` "
                                  "on the nodes") from None
        yield client


@contextlib.contextmanager
def _local_cluster(distributed: Any, address: str) -> Iterator[Any]:
    """``local:N``: a LocalCluster of N worker processes of one thread each, here."""
    count = address[len(_LOCAL):]
    if not count.isdigit() or int(count) < 1:
        raise FiscalEvalError(f"--cluster {address!r}: local:N needs a number of workers N, at least 1 (local:2)")
    import logging

    with distributed.LocalCluster(
        n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as local, distributed.Client(local, set_as_default=False) as client:
        yield client


def _threads(client: Any) -> int:
    """The tasks the cluster runs at once (its workers' threads)."""
    return max(1, sum(int(w.get("nthreads", 1)) for w in client.scheduler_info()["workers"].values()))


def map_bounded(
    client: Any, function: Callable[..., R], items: Iterable[T], *, ordered: bool, args: tuple = (),
) -> Iterator[tuple[T, R | BaseException]]:
    """``function(item, *args)`` on the cluster for each item: (item, result or the
    exception it raised there), in input order or as they finish.

    At most two tasks a worker thread are in flight, so finished results cannot pile up
    in the client's memory (nor 100,000 futures in the scheduler's). Losing the scheduler
    is an error; anything else is the item's own outcome.
    """
    distributed = _distributed()
    queue = iter(items)
    window = 2 * _threads(client)
    pending: deque[tuple[Any, T]] = deque()
    done = None if ordered else distributed.as_completed(loop=client.loop)

    def submit(item: T) -> None:
        future = client.submit(function, item, *args, pure=False)
        pending.append((future, item))
        if done is not None:
            done.add(future)

    for item in itertools.islice(queue, window):
        submit(item)
    while pending:
        if done is None:
            future, item = pending.popleft()
        else:
            finished = next(done)
            index = next(i for i, (f, _) in enumerate(pending) if f is finished)
            future, item = pending[index]
            del pending[index]
        try:
            result: R | BaseException = future.result()
        except Exception as exc:  # NOTE: the item's failure (a lost worker, a bug there), unless the client is gone
            if client.status not in ("running", "connecting"):
                raise FiscalEvalError(f"lost the connection to the dask scheduler ({type(exc).__name__}: {exc}); "
                                      "nothing was written") from None
            result = exc
        following = next(queue, None)
        if following is not None:
            submit(following)
        yield item, result


# --------------------------------------------------------------------------- the ingest engine


def engine(cluster: Any) -> contextlib.AbstractContextManager[Callable[..., Iterator[Any]]]:
    """The ingest's engine for ``cluster``: a context (the connection) yielding
    ``run(tasks, jobs)``, the interface of :func:`fiscal_eval.store.pool.parse_tasks`
    (``jobs`` is the cluster's: its workers' threads)."""

    @contextlib.contextmanager
    def opened() -> Iterator[Callable[..., Iterator[Any]]]:
        with connect(cluster) as client:
            yield lambda tasks, jobs: parse_on_cluster(client, tasks)

    return opened()


def parse_on_cluster(client: Any, tasks: Sequence[Any]) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """Parse the tasks on the cluster: (outcomes, frames) per chunk, in chunk order, as
    :func:`fiscal_eval.store.pool._run` yields them locally."""
    from fiscal_eval.store.pool import _chunks

    budget = {name: os.environ[name] for name in _BUDGET_ENV if name in os.environ}
    for chunk, result in map_bounded(client, _parse_remote, _chunks(tasks, _threads(client)), ordered=True,
                                     args=(budget,)):
        if isinstance(result, BaseException):
            result = _failed_chunk(chunk, f"lost on the cluster ({type(result).__name__}: {result}); "
                                          "it is parsed again by the next ingest")
        yield result


def _failed_chunk(tasks: Sequence[Any], reason: str) -> tuple[list[Any], dict[str, Any]]:
    """A failed row per file, with no stat and no hash: the next ingest parses it again."""
    from fiscal_eval.api import _format_of
    from fiscal_eval.parse import failed_report
    from fiscal_eval.store.frames import tables
    from fiscal_eval.store.generations import _TABLE_COLUMNS
    from fiscal_eval.store.pool import _Outcome

    reports = [failed_report(task.key, _format_of(task.key), reason) for task in tasks]
    outcomes = [
        _Outcome(path=task.key, member=None, size=None, mtime_ns=None, sha256=None, status="failed",
                 errors=report.errors[0], parser_id=report.report_id, report_id=report.report_id)
        for task, report in zip(tasks, reports)
    ]
    built = tables(reports)
    return outcomes, {name: getattr(built, name) for name in _TABLE_COLUMNS}


def _merge(parts: Sequence[tuple[list[Any], dict[str, Any]]]) -> tuple[list[Any], dict[str, Any]]:
    """Chunks parsed apart as one: a report id two of them hold is suffixed in the later,
    as :func:`~fiscal_eval.store.pool._parse_chunk` does within a chunk."""
    import polars as pl

    from fiscal_eval.store.pool import _suffixed

    seen: set[str] = set()
    outcomes: list[Any] = []
    frames: dict[str, list[Any]] = {}
    for part_outcomes, part_frames in parts:
        renames: dict[str, str] = {}
        for out in part_outcomes:
            if out.report_id in seen:
                renames[out.report_id] = _suffixed(out.report_id, out.path + (out.member or ""))
                out = dataclasses.replace(out, report_id=renames[out.report_id])
            seen.add(out.report_id)
            outcomes.append(out)
        for name, frame in part_frames.items():
            if renames:
                frame = frame.with_columns(pl.col("report_id").replace(renames))
            frames.setdefault(name, []).append(frame)
    return outcomes, {name: pl.concat(parts_, how="vertical") for name, parts_ in frames.items()}


# --------------------------------------------------------------------------- on a worker


class _ChildDied(Exception):
    pass


class _Child:
    """A parse process of a worker: ``python -m fiscal_eval.store.cluster FD``."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fiscal_eval.store.cluster", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )
        theirs.close()
        self.conn = Connection(ours.detach())

    def parse(self, tasks: Sequence[Any], budget: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
        try:
            self.conn.send((list(tasks), budget))
            kind, payload = self.conn.recv()
        except (EOFError, OSError):
            self.close()
            code = self.process.returncode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise _ChildDied(how) from None
        if kind == "error":  # a bug in the parse: not the file's doing, and not lost
            raise RuntimeError(payload)
        return payload

    def close(self) -> None:
        self.conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_idle: list[_Child] = []
_idle_lock = threading.Lock()


def _parse_remote(tasks: Sequence[Any], budget: dict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """A dask task: parse a chunk in one of this worker's children (started on first use,
    one a worker thread, kept for the next chunk)."""
    with _idle_lock:
        child = _idle.pop() if _idle else None
    child = child or _Child()
    try:
        result = child.parse(tasks, budget)
    except _ChildDied as died:
        if len(tasks) > 1:  # one file killed it: find which, parsing the others again
            return _merge([_parse_remote([task], budget) for task in tasks])
        return _failed_chunk(tasks, f"the parsing process on a dask worker ({socket.gethostname()}) stopped "
                                    f"({died}) while parsing this file")
    except BaseException:
        child.close()
        raise
    with _idle_lock:
        _idle.append(child)
    return result


def _child_main(conn: Connection) -> None:
    """The child's loop: receive a chunk and this run's ceilings, send back its frames."""
    from fiscal_eval.store.pool import _parse_chunk

    while True:
        try:
            tasks, budget = conn.recv()
        except (EOFError, OSError):
            return  # the worker is gone, or done with us
        for name in _BUDGET_ENV:
            if name in budget:
                os.environ[name] = budget[name]
            else:
                os.environ.pop(name, None)
        try:
            conn.send(("done", _parse_chunk(tasks)))
        except Exception:  # NOTE: a bug in the parse (per-file errors are rows already)
            conn.send(("error", traceback.format_exc()[-2000:]))


if __name__ == "__main__":  # a worker's child, started by _Child: python -m fiscal_eval.store.cluster FD
    # NOTE: through the package, not this __main__ copy, so what it sends unpickles as
    # fiscal_eval.store.pool._Outcome in the worker.
    from fiscal_eval.store.cluster import _child_main as _main

    _main(Connection(int(sys.argv[1])))
