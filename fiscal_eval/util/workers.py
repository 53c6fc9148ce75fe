"""How many worker processes to start: what the caller asked for, else the usable cores.

The store's ingest (a process pool parsing files) and the batch (warm notebook
processes) both take ``jobs``; :func:`worker_count` is the one reading of it.
"""

from __future__ import annotations

import os

from fiscal_eval.errors import FiscalEvalError

__all__ = ["JobsError", "worker_count"]


class JobsError(FiscalEvalError, ValueError):
    """Raised for ``jobs`` < 1.

    NOTE: both bases on purpose: ``ingest`` raised ValueError for it and ``run_batch``
    FiscalEvalError (which the CLI prints as one line); code catching either still does.
    """


def worker_count(jobs: int | None) -> int:
    """``jobs``, or when None the cores this process may run on (at least 1).

    Examples
    --------
    >>> worker_count(3)
    3
    >>> worker_count(None) >= 1
    True
    >>> worker_count(0)
    Traceback (most recent call last):
    ...
    fiscal_eval.util.workers.JobsError: jobs must be at least 1, not 0
    """
    if jobs is None:
        try:
            # NOTE: the affinity mask, not os.cpu_count(): a container or taskset may
            # allow fewer cores than the machine has, and more workers than cores only thrash.
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not Linux
            return max(1, os.cpu_count() or 1)
    if jobs < 1:
        raise JobsError(f"jobs must be at least 1, not {jobs}")
    return jobs
