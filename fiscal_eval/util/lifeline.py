"""Worker processes that die with their parent.

A process killed with ``kill -9`` runs no clean-up: the workers it started (an ingest's
parsing pool, a batch's warm templates) would live on, holding its stdout and stderr
open (a supervisor reading them then waits for ever) and the running report's process
until its own timeout. :func:`arm` ties a worker's life to its parent's: on Linux the
kernel sends the worker a signal when the parent ends (``prctl(PR_SET_PDEATHSIG)``);
elsewhere a daemon thread watches the parent and ends the worker within half a second
of it. Called first thing in the worker: the pool's ``initializer``, a batch worker's
main.

NOTE: on Linux the signal comes when the *thread* that started the worker ends; the
pools here are started and used from one thread, which outlives them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from functools import lru_cache

__all__ = ["arm"]

_PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


def arm(parent: int | None = None, sig: int = int(getattr(signal, "SIGKILL", 9))) -> str:
    """In a worker: end this process by ``sig`` when its parent process ``parent`` ends.

    Parameters
    ----------
    parent : int, optional
        The parent's pid, as the parent saw itself (``os.getpid()`` passed down): if the
        parent has already ended by the time this runs, this process ends now. Default:
        the current parent.
    sig : int
        The signal (POSIX): SIGKILL by default; SIGTERM where a handler must first stop
        what this worker runs (a batch worker kills its report's process group).

    Returns
    -------
    str
        How the tie is made: ``"pdeathsig"`` (Linux), ``"watch"`` (a thread), or
        ``"none"`` (no parent to watch: its pid is unknown).

    Examples
    --------
    >>> import subprocess, sys
    >>> code = "from fiscal_eval.util.lifeline import arm; print(arm())"
    >>> subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() in (
    ...     "pdeathsig", "watch")
    True
    """
    expected = os.getppid() if parent is None else int(parent)
    if sys.platform.startswith("linux") and _pdeathsig(sig):
        # NOTE: the parent may have ended before the prctl call: then no signal will come.
        if os.getppid() != expected:
            _end(sig)
        return "pdeathsig"
    if os.name == "nt":
        return _watch_windows(expected)
    if not expected:
        return "none"
    threading.Thread(target=_watch_posix, args=(expected, sig), name="fiscal-eval-lifeline", daemon=True).start()
    return "watch"


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    """The C library, or None where it cannot be loaded."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def _pdeathsig(sig: int) -> bool:
    """Ask the kernel for ``sig`` when the parent ends; False if that cannot be done."""
    libc = _libc()
    if libc is None:
        return False
    try:
        return libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(sig), 0, 0, 0) == 0
    except (AttributeError, OSError):
        return False


def _end(sig: int) -> None:
    """End this process by ``sig`` (its handler runs, if it has one), else at once."""
    try:
        os.kill(os.getpid(), sig)
    except OSError:
        pass
    time.sleep(_POLL_SECONDS)  # a handler may be running: give it the time to finish
    os._exit(1)


def _watch_posix(parent: int, sig: int) -> None:
    """A thread: when the parent is gone (this process is reparented), end this one."""
    while os.getppid() == parent:
        time.sleep(_POLL_SECONDS)
    _end(sig)


def _watch_windows(parent: int) -> str:  # pragma: no cover - Windows
    """Wait on the parent's process handle in a thread; end this process when it is signalled."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    synchronize = 0x00100000
    handle = kernel32.OpenProcess(synchronize, False, parent)
    if not handle:
        return "none"

    def wait() -> None:
        kernel32.WaitForSingleObject(handle, 0xFFFFFFFF)
        os._exit(1)

    threading.Thread(target=wait, name="fiscal-eval-lifeline", daemon=True).start()
    return "watch"
