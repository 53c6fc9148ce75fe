"""A ceiling on what parsing one input file may cost: CPU seconds and memory.

Parsing is linear in a file's size (a 40 MB compilation takes about 30 CPU seconds and
600 MB here), but a file nobody foresaw must still not stall an ingest, which holds the
store's lock, or exhaust the machine's memory. :func:`file_budget` watches the work on
one file and stops it when it passes either ceiling; the caller turns that into a failed
row naming the limit, and the run goes on with the next file. (Reading a file has its
own ceilings, in :mod:`fiscal_eval.sources.limits` and the OCR reader's.)

The defaults are ten times what an honest 40 MB compilation needs in time and three
times in memory: only the pathological reach them. Set them per process (and so for the
ingest's worker processes, which inherit the environment)::

    FISCAL_EVAL_MAX_SECONDS=600 FISCAL_EVAL_MAX_MEMORY_MB=4096 fiscal-eval ingest …

How: a timer signal (SIGALRM, every 0.1 s) checks the CPU seconds spent since the file
began and the growth of the process's resident memory since the first check, and raises
:class:`OverBudget` in the code that is running — the regex engine included, which
checks for signals in long matches. Signals are delivered to the main thread only, so in other threads (and
where there are no timer signals: Windows) the file is parsed without a ceiling.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from fiscal_eval.errors import FiscalEvalError

__all__ = ["Budget", "OverBudget", "file_budget"]

_TICK = 0.1  # seconds between checks
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Budget:
    """CPU seconds and bytes of memory growth one file may take (0 or less: no ceiling)."""

    cpu_seconds: float = 300.0
    memory_bytes: int = 2 * 1024 * 1024 * 1024

    @classmethod
    def from_env(cls) -> Budget:
        """The defaults, or ``FISCAL_EVAL_MAX_SECONDS`` / ``FISCAL_EVAL_MAX_MEMORY_MB``.

        >>> Budget.from_env() == Budget() or "FISCAL_EVAL_MAX_SECONDS" in os.environ
        True
        """
        return _from_env(os.environ.get("FISCAL_EVAL_MAX_SECONDS"), os.environ.get("FISCAL_EVAL_MAX_MEMORY_MB"))


@lru_cache(maxsize=8)
def _from_env(seconds: str | None, megabytes: str | None) -> Budget:
    default = Budget()
    cpu = _number("FISCAL_EVAL_MAX_SECONDS", seconds, default.cpu_seconds)
    mb = _number("FISCAL_EVAL_MAX_MEMORY_MB", megabytes, default.memory_bytes / (1024 * 1024))
    return Budget(cpu_seconds=cpu, memory_bytes=int(mb * 1024 * 1024))


def _number(name: str, raw: str | None, default: float) -> float:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise FiscalEvalError(f"{name} must be a number, not {raw!r}") from None


class OverBudget(BaseException):
    """Raised inside the work on a file that passed its ceiling; ``reason`` says which.

    NOTE: a BaseException, as KeyboardInterrupt is: readers catch ``Exception`` around
    third-party libraries (their own errors on damaged files), and must not turn a stop
    into a reading error and go on. It never leaves
    :func:`fiscal_eval.api.parse_reports_and_hash`, which makes it the file's failed row.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _resident_bytes() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None  # NOTE: not Linux: memory is not watched


_active = threading.local()


@contextmanager
def file_budget(budget: Budget | None = None) -> Iterator[None]:
    """Raise :class:`OverBudget` in the work inside when it spends more CPU seconds, or
    grows the process's memory more, than ``budget`` allows (default:
    :meth:`Budget.from_env`).

    Not nested (an inner budget inside an outer one is the outer one), and not enforced
    outside the main thread. The cycle collector's state is restored on the way out,
    whatever the work was doing when it was stopped.
    """
    budget = budget or Budget.from_env()
    watched = budget.cpu_seconds > 0 or budget.memory_bytes > 0
    if (not watched or not hasattr(signal, "setitimer") or getattr(_active, "on", False)
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)):
        yield
        return
    cpu_start = time.process_time()
    # Memory is measured from the first check on: reading it costs more than parsing a
    # small report's worth of it, and most files are done before the first check.
    memory_start: list[int | None] = []
    collecting = gc.isenabled()
    stopped: list[str] = []
    done = [False]

    def check(signum, frame) -> None:
        if done[0] or stopped:
            return  # the work is over, or was stopped once and is unwinding
        if budget.cpu_seconds > 0 and time.process_time() - cpu_start > budget.cpu_seconds:
            stopped.append(f"stopped: parsing took more than the limit of {budget.cpu_seconds:g} CPU seconds "
                           "(FISCAL_EVAL_MAX_SECONDS)")
        elif budget.memory_bytes > 0:
            now = _resident_bytes()
            if not memory_start:
                memory_start.append(now)
            elif now is not None and memory_start[0] is not None and now - memory_start[0] > budget.memory_bytes:
                stopped.append(f"stopped: parsing needed more than the limit of "
                               f"{budget.memory_bytes / (1024 * 1024):g} MB of memory (FISCAL_EVAL_MAX_MEMORY_MB)")
        if stopped:
            raise OverBudget(stopped[0])

    previous = signal.signal(signal.SIGALRM, check)
    _active.on = True
    signal.setitimer(signal.ITIMER_REAL, _TICK, _TICK)
    try:
        yield
    finally:
        # First, and with no call (a tick is handled at a call's return): from here on a
        # tick does nothing, so the clean-up below cannot be interrupted.
        done[0] = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _active.on = False
        if collecting:
            gc.enable()  # NOTE: the stop may have come before a paused collector was resumed
