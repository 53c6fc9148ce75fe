"""A ceiling on what one input file may cost to read and parse: CPU seconds and memory.

Parsing is linear in a file's size (a 40 MB compilation takes about 30 CPU seconds and
600 MB here), but a file nobody foresaw must still not stall an ingest, which holds the
store's lock, or exhaust the machine's memory. :func:`file_budget` watches the work on
one file and stops it when it passes either ceiling; the caller turns that into a failed
row naming the limit, and the run goes on with the next file.

The defaults are ten times what an honest 40 MB compilation needs in time and three
times in memory: only the pathological reach them. Set them per process (and so for the
ingest's worker processes, which inherit the environment)::

    FISCAL_EVAL_MAX_SECONDS=600 FISCAL_EVAL_MAX_MEMORY_MB=4096 fiscal-eval ingest …

How: a timer signal (SIGALRM, every 0.1 s) checks the CPU seconds spent since the file
began and the growth of the process's resident memory, and raises :class:`OverBudget`
in the code that is running — the regex engine included, which checks for signals in
long matches. Signals are delivered to the main thread only, so in other threads the
file is parsed without a ceiling.
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
        default = cls()
        seconds = _env_number("FISCAL_EVAL_MAX_SECONDS", default.cpu_seconds)
        megabytes = _env_number("FISCAL_EVAL_MAX_MEMORY_MB", default.memory_bytes / (1024 * 1024))
        return cls(cpu_seconds=seconds, memory_bytes=int(megabytes * 1024 * 1024))


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
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
    if (not watched or getattr(_active, "on", False)
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)):
        yield
        return
    cpu_start = time.process_time()
    memory_start = _resident_bytes()
    collecting = gc.isenabled()
    stopped: list[str] = []
    done = [False]

    def check(signum, frame) -> None:
        if done[0] or stopped:
            return  # the work is over, or was stopped once and is unwinding
        if budget.cpu_seconds > 0 and time.process_time() - cpu_start > budget.cpu_seconds:
            stopped.append(f"stopped: parsing took more than the limit of {budget.cpu_seconds:g} CPU seconds "
                           "(FISCAL_EVAL_MAX_SECONDS)")
        elif budget.memory_bytes > 0 and memory_start is not None:
            now = _resident_bytes()
            if now is not None and now - memory_start > budget.memory_bytes:
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
