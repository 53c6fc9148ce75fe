"""fiscal_eval.util.lifeline: a worker ends when its parent is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A parent that starts a worker (which arms its lifeline, says how, and sleeps), prints
# the worker's pid, and sleeps until killed.
_PARENT = r"""
import os, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", '''
import os, sys, time
from fiscal_eval.util import lifeline
if sys.argv[1] == "watch":
    lifeline._pdeathsig = lambda sig: False  # the fallback used where there is no prctl
print(lifeline.arm(int(sys.argv[2])), flush=True)
time.sleep(120)
''', sys.argv[1], str(os.getpid())], stdout=subprocess.PIPE, text=True, start_new_session=True)
how = worker.stdout.readline().strip()
print(worker.pid, how, flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["pdeathsig", "watch"])
def test_the_worker_ends_within_a_second_of_its_parent(how):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, how], stdout=subprocess.PIPE, text=True, env=env)
    try:
        worker_pid, armed = parent.stdout.readline().split()
    finally:
        os.kill(parent.pid, signal.SIGKILL)  # the worker has said how it is armed, or died: the parent goes
        parent.wait()
    worker = int(worker_pid)
    assert armed == how
    for _ in range(50):  # up to 5 s; the watch polls every 0.5 s
        if not _alive(worker):
            break
        time.sleep(0.1)
    alive = _alive(worker)
    if alive:
        os.kill(worker, signal.SIGKILL)
    assert not alive


def test_a_parent_already_gone_ends_the_worker_at_once():
    # The parent's pid as it was passed down, but this process's parent is another: it has ended.
    code = ("import os; from fiscal_eval.util import lifeline; lifeline.arm(os.getppid() + 10**7); "
            "print('still here')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == ""
    assert done.returncode == -signal.SIGKILL
