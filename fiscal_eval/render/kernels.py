"""Warm kernels: notebooks run in a process forked, per report, from a warm template.

A fresh Jupyter kernel costs about a second here, and a report notebook then spends
seconds more importing polars and altair and building the Vega bundle. The batch
instead starts one *template* process per worker (:class:`WarmPool`): it imports what
reports use (polars, altair, IPython, papermill, nbconvert, fiscal_eval and its charts),
builds the HTML exporter and compiles its templates, and creates an IPython shell, but
never runs a line of any notebook. For each report it ``fork()`` s a child, which

1. runs the notebook through :func:`papermill.execute_notebook` (parameters injected as
   typed values by papermill) with the ``fiscal_eval_forked`` engine: the cells run in
   the child's IPython shell, their output captured as nbformat outputs (stream,
   display_data, execute_result, error) as a Jupyter kernel would send them;
2. exports the executed notebook to one offline HTML file (:mod:`fiscal_eval.render.export`);
3. reports back through a pipe and exits.

Isolation
---------
Each report runs in a process of its own, a copy of a template that has run no notebook
code. Whatever a report does — globals, imports, module attributes it patches,
``sys.path``, environment variables, the working directory, signal handlers, threads,
open files — dies with its child; the next report starts from the template again. This
is the isolation of a fresh kernel per report, at the cost of a ``fork()``
(milliseconds), and it holds whatever the notebook does, unlike a ``%reset`` of one
long-lived kernel (which cannot undo a patched module). ``tests/render/test_batch.py`` proves it
on one worker: report A sets a global, imports a module, patches a library attribute,
an environment variable and ``sys.path``; report B, forked from the same template
(same parent pid), sees none of it.

Fork safety
-----------
``fork()`` copies only the calling thread. The template therefore never starts what
needs threads that a child would miss: no polars query runs in it (polars' thread pool
starts on first use; a child of a process that used it would wait forever on the
missing workers) and no vl-convert call (its JavaScript runtime likewise): the Vega
bundle the charts inline is read from a disk cache, filled by a throwaway child when
missing. Importing polars starts jemalloc's background threads only, which survive
``fork()`` (jemalloc registers fork handlers). Each child starts its own pools.

The per-report timeout is enforced from outside: the worker kills the child's whole
process group, whatever the notebook is stuck in, and records the cell it was running.
The group is killed when a report ends in time too: what its notebook started (a server,
a tool left running) ends with the report. Nothing outlives the batch
(:mod:`fiscal_eval.util.lifeline`): a batch killed outright sends its workers SIGTERM,
on which each kills the report it runs; a worker killed outright takes its report with it.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from fiscal_eval.util import lifeline
from fiscal_eval.util.atomic import write_atomic

__all__ = ["Job", "Outcome", "WarmPool", "ENGINE_NAME", "WARM_MODULES", "cache_dir"]

ENGINE_NAME = "fiscal_eval_forked"

# Imported once per template: what report notebooks import. Missing ones are skipped.
WARM_MODULES = (
    "numpy",
    "pandas",
    "pyarrow",
    "polars",
    "altair",
    "vl_convert",
    "IPython.display",
    "nbformat",
    "papermill",
    "nbconvert",
    "fiscal_eval",
    "fiscal_eval.store.frames",
    "fiscal_eval.store",
    "fiscal_eval.metrics",
    "fiscal_eval.present.charts",
    "fiscal_eval.present.views",
)

# A worker that does not answer this long after a report's own timeout is replaced.
_GRACE_SECONDS = 60.0


@dataclass(frozen=True)
class Job:
    """One report to make: a notebook, its parameters, and where its HTML goes."""

    name: str  # the report's key (its file name without .html)
    notebook: str  # the notebook to run (absolute path)
    parameters: dict[str, Any]  # passed to papermill as typed values
    html: str  # the HTML file to write (absolute path)
    title: str  # the page title
    timeout: float  # seconds, for the whole report (run + export)
    nav: str = ""  # HTML put first in the page's body: links to the index and related pages


@dataclass(frozen=True)
class Outcome:
    """What became of a :class:`Job`.

    ``cell`` is the 1-based position of the failing cell in the notebook as written
    (markdown cells counted, papermill's injected parameters cell not);
    ``execution_count`` is its ``In [N]``.
    """

    name: str
    status: str  # "ok" | "failed"
    error_name: str | None = None
    error_value: str | None = None
    cell: int | None = None
    execution_count: int | None = None
    seconds: float = 0.0
    run_seconds: float | None = None
    export_seconds: float | None = None
    finished_at: str = ""
    template_pid: int | None = None  # the warm template the report was forked from
    html_written: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cache_dir() -> Path:
    """Where the Vega bundle is cached: ``$FISCAL_EVAL_CACHE``, else the user cache."""
    explicit = os.environ.get("FISCAL_EVAL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "fiscal_eval")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- the shell


def _make_shell() -> Any:
    """The IPython shell notebook cells run in, capturing outputs as nbformat outputs."""
    import nbformat
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    new_output = nbformat.v4.new_output

    class _Stream(io.TextIOBase):
        """sys.stdout / sys.stderr of a cell: text becomes stream outputs."""

        def __init__(self, shell: Any, name: str) -> None:
            self._shell, self.name = shell, name

        encoding = "utf-8"

        def writable(self) -> bool:
            return True

        def write(self, text: str) -> int:
            self._shell.stream(self.name, text)
            return len(text)

    class _Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):  # type: ignore[override]
            self.shell.display(data, metadata or {}, transient or {}, update)  # pyright: ignore[reportOptionalMemberAccess]

        def clear_output(self, wait: bool = False) -> None:  # type: ignore[override]
            self.shell.clear(wait)  # pyright: ignore[reportOptionalMemberAccess]

    class _Hook(DisplayHook):
        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict, md_dict=None) -> None:  # type: ignore[override]
            output = new_output("execute_result", data=format_dict, metadata=md_dict or {},
                                execution_count=self.prompt_count)
            self.shell.emit(output)  # pyright: ignore[reportOptionalMemberAccess]

        def finish_displayhook(self) -> None:
            pass

    class _Shell(InteractiveShell):
        """An in-process kernel: runs a cell, collects what a kernel would send."""

        display_pub_class = _Publisher  # type: ignore[assignment]
        displayhook_class = _Hook  # type: ignore[assignment]

        def init_outputs(self) -> None:
            self.outputs: list[Any] = []
            self.displays: dict[str, list[Any]] = {}  # display_id -> its outputs
            self.clear_pending = False

        def emit(self, output: Any) -> None:
            if self.clear_pending:
                self.outputs.clear()
                self.clear_pending = False
            self.outputs.append(output)

        def stream(self, name: str, text: str) -> None:
            if not text:
                return
            last = self.outputs[-1] if self.outputs and not self.clear_pending else None
            if last is not None and last.output_type == "stream" and last.name == name:
                last.text += text
            else:
                self.emit(new_output("stream", name=name, text=text))

        def display(self, data: dict, metadata: dict, transient: dict, update: bool) -> None:
            display_id = transient.get("display_id")
            if update:
                for out in self.displays.get(display_id, []):  # pyright: ignore[reportCallIssue, reportArgumentType]
                    out.data, out.metadata = data, metadata
                return
            out = new_output("display_data", data=data, metadata=metadata)
            if display_id:
                self.displays.setdefault(display_id, []).append(out)
            self.emit(out)

        def clear(self, wait: bool) -> None:
            if wait:
                self.clear_pending = True
            else:
                self.outputs.clear()

        def _showtraceback(self, etype, evalue, stb) -> None:  # type: ignore[override]
            self.emit(new_output("error", ename=getattr(etype, "__name__", str(etype)),
                                 evalue=str(evalue), traceback=list(stb)))

        def run_into(self, cell: Any) -> bool:
            """Run a code cell; set its outputs and execution count. True when it raised nothing."""
            self.outputs = []
            self.clear_pending = False
            saved = sys.stdout, sys.stderr
            sys.stdout, sys.stderr = _Stream(self, "stdout"), _Stream(self, "stderr")
            try:
                result = self.run_cell(cell.source, store_history=True, silent=False)
            finally:
                sys.stdout, sys.stderr = saved
            cell.outputs = self.outputs
            cell.execution_count = result.execution_count
            return bool(result.success)

    config = Config()
    config.HistoryManager.enabled = False  # no sqlite file, no saving thread
    config.InteractiveShell.colors = "Neutral"
    shell = _Shell.instance(config=config)
    shell.init_outputs()
    return shell


def _engine(shell: Any) -> type:
    """The papermill engine running cells in ``shell`` (one notebook per process)."""
    from papermill.engines import Engine

    class ForkedShellEngine(Engine):
        """papermill engine: cells run in this process's IPython shell."""

        last_nb: Any = None
        on_cell: Callable[[int, int], None] | None = None

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):  # type: ignore[override]
            cells = nb_man.nb.cells
            cls.last_nb = nb_man.nb
            for index, cell in enumerate(cells):
                if cls.on_cell is not None:
                    cls.on_cell(index, len(cells))
                try:
                    nb_man.cell_start(cell, index)
                    if cell.cell_type == "code" and not shell.run_into(cell):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)

    return ForkedShellEngine


# --------------------------------------------------------------------------- the template

_TEMPLATE: dict[str, Any] = {}


def _bundle_path(folder: Path, key: str) -> Path:
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return folder / f"vl-convert-{version}-bundle-{digest}.js"


def _cache_vega_bundle(folder: Path) -> None:
    """Serve ``vl_convert.javascript_bundle`` from a disk cache, in this process and its children.

    NOTE: the bundle (~0.9 MB of Vega, Vega-Lite and vega-embed) takes vl-convert ~3 s to
    build and is the same for a vl-convert version and arguments. The wrapper returns
    the same text, read from ``folder``; on a miss it calls vl-convert (in a report's
    child that is harmless) and stores the result. The template's own miss is filled by
    a throwaway child so that the template never starts vl-convert's runtime (below).
    """
    import vl_convert

    real = getattr(vl_convert.javascript_bundle, "__wrapped__", vl_convert.javascript_bundle)
    memo: dict[str, str] = {}

    def javascript_bundle(snippet: str | None = None, vl_version: str | None = None) -> str:
        key = json.dumps([snippet, vl_version])
        if key in memo:
            return memo[key]
        path = _bundle_path(folder, key)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            text = real(snippet, vl_version)  # pyright: ignore[reportArgumentType]  # None is valid (stub)
            try:
                write_atomic(path, text.encode("utf-8"))
            except OSError:
                pass  # NOTE: an unwritable cache only costs time
        memo[key] = text
        return text

    javascript_bundle.__wrapped__ = real  # type: ignore[attr-defined]
    javascript_bundle.__doc__ = real.__doc__
    vl_convert.javascript_bundle = javascript_bundle

    default = _bundle_path(folder, json.dumps([None, None]))
    if not default.is_file():
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # a throwaway child builds it: the template stays free of vl-convert's threads
            code = 0
            try:
                lifeline.arm(parent)
                write_atomic(default, real().encode("utf-8"))  # pyright: ignore[reportCallIssue]  # stub
            except BaseException:
                code = 1
            os._exit(code)
        os.waitpid(pid, 0)
    if default.is_file():
        javascript_bundle()  # into memo: every child gets it for free


def _warm(cache: Path) -> None:
    """Make this process a template: import, build, compile; run no notebook code."""
    import importlib

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # NOTE: optional (charts/views may not exist yet): a child imports it itself
            pass
    if "vl_convert" in sys.modules:
        _cache_vega_bundle(cache)

    import nbformat
    import papermill
    from papermill.engines import papermill_engines

    from fiscal_eval.render import export

    shell = _make_shell()
    engine = _engine(shell)
    papermill_engines.register(ENGINE_NAME, engine)
    exporter = export.exporter()

    # Compile the exporter's templates and papermill's notebook handling on a notebook of
    # nothing but markdown (prepare_only: papermill executes nothing).
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell("x: int = 0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell("# 预热 warm-up")]
    prepared = papermill.execute_notebook(nb, None, parameters={"x": 1}, prepare_only=True,
                                          progress_bar=False, kernel_name="python3")
    export.to_html(prepared, "warm-up", exporter)

    _TEMPLATE.update(shell=shell, engine=engine, exporter=exporter)
    # NOTE: objects made so far are never freed; moving them out of the collector's reach
    # keeps a child's garbage collections from touching (and so copying) the template's pages.
    gc.collect()
    gc.freeze()


# --------------------------------------------------------------------------- the child


def _cell_number(nb: Any, index: int) -> int:
    """The 1-based position of cell ``index`` in the notebook as written."""
    injected = sum(
        1 for cell in nb.cells[:index] if "injected-parameters" in cell.get("metadata", {}).get("tags", [])
    )
    markers = sum(1 for cell in nb.cells[:index]
                  if "papermill-error-cell-tag" in cell.get("metadata", {}).get("tags", []))
    return index - injected - markers + 1


def _failure_page(job: Job, outcome: dict[str, Any]) -> str:
    """A page for a report that produced no notebook to export (it died, or timed out)."""
    from html import escape

    where = f"（第 {outcome['cell']} 个单元格出错）" if outcome.get("cell") else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(job.title)}</title></head><body>{job.nav}"
        f"<h1>{escape(job.title)}</h1>"
        f"<p><strong>本页未能生成{escape(where)}</strong>，请把下面的信息交给维护报告的同事：</p>"
        f"<pre>{escape(str(outcome.get('error_name')))}: {escape(str(outcome.get('error_value') or ''))}\n"
        f"notebook: {escape(os.path.basename(job.notebook))}; parameters: "
        f"{escape(json.dumps({k: v for k, v in job.parameters.items() if k != 'store'}, ensure_ascii=False))}</pre>"
        "</body></html>\n"
    )


def _run_child(job: Job, report: Callable[[str, dict[str, Any]], None]) -> dict[str, Any]:
    """In the forked child: run the notebook, export it, return the outcome fields."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from fiscal_eval.render import export

    engine = _TEMPLATE["engine"]
    engine.on_cell = lambda index, total: report("cell", {"cell": _cell_number(engine.last_nb, index)})
    started = time.perf_counter()
    result: dict[str, Any] = {"status": "ok"}
    nb = None
    try:
        nb = papermill.execute_notebook(
            job.notebook,
            None,
            parameters=job.parameters,
            engine_name=ENGINE_NAME,
            request_save_on_cell_execute=False,
            progress_bar=False,
            kernel_name="python3",
        )
    except PapermillExecutionError as exc:
        nb = engine.last_nb
        result.update(status="failed", error_name=exc.ename, error_value=str(exc.evalue)[:2000],
                      execution_count=exc.exec_count)
        if nb is not None:
            # papermill has put its error markers in front of the failing cell: find it again
            failing = next((i for i, c in enumerate(nb.cells)
                            if c.get("metadata", {}).get("papermill", {}).get("exception")), None)
            result["cell"] = _cell_number(nb, failing) if failing is not None else None
    except Exception as exc:  # NOTE: the notebook could not be read or parameterized
        result.update(status="failed", error_name=type(exc).__name__, error_value=str(exc)[:2000])
    run_seconds = time.perf_counter() - started
    result["run_seconds"] = round(run_seconds, 3)
    report("ran", {})

    started = time.perf_counter()
    try:
        if nb is not None:
            page = export.to_html(nb, job.title, _TEMPLATE["exporter"], nav=job.nav)
        else:
            page = _failure_page(job, result)
        write_atomic(Path(job.html), page.encode("utf-8"))
        result["html_written"] = True
    except Exception as exc:
        if result["status"] == "ok":
            result.update(status="failed", error_name=f"export: {type(exc).__name__}", error_value=str(exc)[:2000])
    result["export_seconds"] = round(time.perf_counter() - started, 3)
    return result


def _child_main(job: Job, write_fd: int, log_fd: int, worker: int) -> None:
    """Entry of a forked child (``worker``: the pid of the worker that forked it); never returns."""
    code = 0
    try:
        os.setpgid(0, 0)  # its own process group: a timeout kills what it started too
        lifeline.arm(worker)  # a worker killed outright takes its report with it
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.enable()
        os.dup2(log_fd, 1)  # C-level output of the notebook's libraries: not on the terminal
        os.dup2(log_fd, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        sys.stdin = io.StringIO()  # input() in a batch raises EOFError, as with a kernel that allows no stdin

        def report(kind: str, payload: dict[str, Any]) -> None:
            os.write(write_fd, (json.dumps({"kind": kind, **payload}) + "\n").encode("utf-8"))

        result = _run_child(job, report)
        report("result", result)
    except BaseException:
        code = 1
        try:
            os.write(log_fd, traceback.format_exc().encode("utf-8", "replace"))
        except OSError:
            pass
    finally:
        os._exit(code)


def _run_forked(job: Job, template_pid: int) -> Outcome:
    """In a worker: fork a child for ``job``, wait for it (with the timeout), collect."""
    started = time.perf_counter()
    read_fd, write_fd = os.pipe()
    log = tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    worker = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child_main(job, write_fd, log.fileno(), worker)
    # NOTE: the child makes its group too, but it may not have run yet when a timeout or
    # SIGTERM comes: the group must exist for killpg to reach it.
    try:
        os.setpgid(pid, pid)
    except OSError:  # it has already done so (EACCES once it runs its own code), or ended
        pass
    _RUNNING[:] = [pid]
    os.close(write_fd)

    deadline = time.monotonic() + job.timeout
    buffer = b""
    cell: int | None = None
    result: dict[str, Any] | None = None
    timed_out = False
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], min(remaining, 1.0))
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                message = json.loads(line)
                if message["kind"] == "cell":
                    cell = message["cell"]
                elif message["kind"] == "result":
                    result = message
            if result is not None:
                # NOTE: not waiting for the pipe's end: a process the notebook started may
                # hold it open for ever.
                break
    # The report's process group goes with it, finished or stopped: whatever its notebook
    # started (a server, a `sleep 600 &`) must not outlive the report. (Before waitpid:
    # until the child is reaped its pid, the group's id, cannot be reused.)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    _, status = os.waitpid(pid, 0)
    _RUNNING.clear()
    seconds = round(time.perf_counter() - started, 3)

    if result is not None:
        result.pop("kind", None)
        log.close()
        return Outcome(name=job.name, seconds=seconds, finished_at=_now(), template_pid=template_pid, **result)

    if timed_out:
        name, value = "TimeoutError", f"the report took longer than {job.timeout:g} s and was stopped"
    else:
        log.seek(0)
        tail = log.read().decode("utf-8", "replace").strip()[-800:]
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.WEXITSTATUS(status)}")
        name = "KernelDied"
        value = f"the report's process stopped ({how}) without a result" + (f": {tail}" if tail else "")
    log.close()
    outcome = {"status": "failed", "error_name": name, "error_value": value, "cell": cell}
    html_written = False
    try:
        write_atomic(Path(job.html), _failure_page(job, outcome).encode("utf-8"))
        html_written = True
    except OSError:
        pass
    return Outcome(name=job.name, seconds=seconds, finished_at=_now(), template_pid=template_pid,
                   html_written=html_written, **outcome)


_RUNNING: list[int] = []  # in a worker: the pid of the report child it waits for


def _on_term(signum: int, frame: Any) -> None:
    """A worker told to stop takes its running report with it."""
    for pid in _RUNNING:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(1)


def _worker_main(conn: Connection, cache: str, parent: int | None = None) -> None:
    """A worker: become a warm template, then fork a child per job received.

    ``parent``: the batch's pid; when the batch ends, however, the worker gets SIGTERM
    and so kills the report it runs (its own session keeps Ctrl-C from reaching it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, _on_term)
    lifeline.arm(parent, signal.SIGTERM)
    try:
        _warm(Path(cache))
    except BaseException:
        conn.send(("broken", traceback.format_exc()))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            outcome = _run_forked(job, os.getpid())
        except BaseException as exc:  # NOTE: a bug here must not lose the report
            outcome = Outcome(name=job.name, status="failed", error_name=type(exc).__name__,
                              error_value=f"batch worker error: {exc}", finished_at=_now(),
                              template_pid=os.getpid())
        conn.send(("done", outcome))


# --------------------------------------------------------------------------- the pool


def _kill(process: subprocess.Popen) -> None:
    """Stop a worker and the report it runs (SIGTERM: it kills its child first)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    job: Job | None = None
    since: float = 0.0
    pid: int | None = None


@dataclass
class WarmPool:
    """``jobs`` warm template processes, each running one report at a time.

    Use as a context manager; :meth:`run` takes the jobs and calls ``on_done`` with each
    :class:`Outcome` as it arrives (in completion order).
    """

    jobs: int
    cache: Path = field(default_factory=cache_dir)
    _workers: list[_Worker] = field(default_factory=list, init=False)
    _broken: list[str] = field(default_factory=list, init=False)

    def start(self) -> WarmPool:
        """Start the workers; they warm up in the background (idempotent)."""
        while len(self._workers) < self.jobs:
            self._workers.append(self._start())
        return self

    def __enter__(self) -> WarmPool:
        return self.start()

    def shrink(self, jobs: int) -> None:
        """Keep at most ``jobs`` workers (fewer reports than cores: the rest would only warm up)."""
        while len(self._workers) > max(1, jobs):
            worker = self._workers.pop()
            _kill(worker.process)
            worker.conn.close()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        # NOTE: a subprocess, not multiprocessing's "spawn": spawn re-imports the caller's
        # __main__, which breaks scripts that call run_batch without a __main__ guard.
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])  # the folder holding fiscal_eval/
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        process = subprocess.Popen(
            [sys.executable, "-m", "fiscal_eval.render.kernels", str(theirs.fileno()), str(self.cache),
             str(os.getpid())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # Ctrl-C reaches the batch, which stops the workers
        )
        theirs.close()
        conn = Connection(ours.detach())
        return _Worker(process, conn)

    def close(self) -> None:
        """Stop the workers: idle ones are told to exit; warming or busy ones are killed
        (a busy one takes its report's process with it)."""
        idle = [w for w in self._workers if w.ready and w.job is None]
        for worker in self._workers:
            if worker in idle:
                try:
                    worker.conn.send(None)
                except (OSError, ValueError):
                    _kill(worker.process)
            else:
                _kill(worker.process)
        for worker in idle:
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill(worker.process)
        for worker in self._workers:
            worker.conn.close()
        self._workers.clear()

    def _replace(self, worker: _Worker) -> None:
        _kill(worker.process)
        worker.conn.close()
        if not worker.ready:  # it died starting: starting another would die the same way
            self._workers.remove(worker)
            self._broken.append(f"a batch worker stopped while starting (exit code {worker.process.returncode})")
            if not self._workers:
                raise RuntimeError(f"no batch worker could start: {self._broken[-1]}")
            return
        self._workers[self._workers.index(worker)] = self._start()

    def run(self, jobs: Iterable[Job], on_done: Callable[[Outcome], None]) -> None:
        """Run every job; a report that fails (or kills its worker) is an Outcome, not an error."""
        queue: deque[Job] = deque(jobs)
        while queue or any(w.job is not None for w in self._workers):
            for worker in self._workers:
                if worker.ready and worker.job is None and queue:
                    worker.job = queue.popleft()
                    worker.since = time.monotonic()
                    worker.conn.send(worker.job)
            if not self._workers:
                break
            ready = wait([w.conn for w in self._workers], timeout=1.0)
            for worker in [w for w in self._workers if w.conn in ready]:
                try:
                    kind, payload = worker.conn.recv()
                except (EOFError, OSError):
                    job = worker.job
                    if job is not None:
                        on_done(Outcome(name=job.name, status="failed", error_name="WorkerDied",
                                        error_value="the batch worker running this report stopped",
                                        finished_at=_now()))
                    self._replace(worker)
                    continue
                if kind == "ready":
                    worker.ready, worker.pid = True, payload
                elif kind == "done":
                    worker.job = None
                    on_done(payload)
                elif kind == "broken":
                    self._broken.append(payload)
                    self._workers.remove(worker)
                    _kill(worker.process)
                    if not self._workers:
                        raise RuntimeError(f"no batch worker could start:\n{payload}")
            now = time.monotonic()
            for worker in list(self._workers):
                job = worker.job
                if job is not None and now - worker.since > job.timeout + _GRACE_SECONDS:
                    on_done(Outcome(name=job.name, status="failed", error_name="TimeoutError",
                                    error_value=f"the batch worker did not answer within {job.timeout:g} s",
                                    finished_at=_now()))
                    self._replace(worker)


if __name__ == "__main__":  # a worker, started by WarmPool: python -m fiscal_eval.render.kernels FD CACHE PARENT
    # NOTE: rfc3987_syntax compiles a Lark grammar when imported (~2 s here), and jsonschema
    # imports it, if installed, only to check the "iri" string formats, which neither
    # altair's nor nbformat's validation asks for. A None entry makes that optional import
    # fail fast (the standard mechanism), in the workers only: a third of their warm-up.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    # NOTE: through the package, not this __main__ copy, so that what it sends back
    # (Outcome) unpickles in the batch as fiscal_eval.render.kernels.Outcome.
    from fiscal_eval.render.kernels import _worker_main as _main

    _main(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
