"""The one exception root and one warning root of fiscal_eval.

Recoverable problems with an input (a missing amount, an undecodable byte) are
*rows* — a report's ``errors`` list and ``status`` — not exceptions. Exceptions
are raised only when nothing can be done at all (a path that does not exist).
"""

from __future__ import annotations

import errno as _errno
import os as _os

__all__ = [
    "FiscalEvalError",
    "ReadError",
    "UnsupportedFormatError",
    "LabelsError",
    "StoreDamagedError",
    "StorageError",
    "FiscalEvalWarning",
]


class FiscalEvalError(Exception):
    """Raised when fiscal_eval cannot go on; the root of all its exceptions."""


class ReadError(FiscalEvalError):
    """Raised when a file cannot be read into a Document (missing, binary, undecodable)."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class UnsupportedFormatError(ReadError):
    """Raised when no reader is registered for a file's format."""


class LabelsError(FiscalEvalError):
    """Raised when a labels file cannot be scored at all (unreadable, not a JSON list, or
    nothing in it selected); a bad entry in it is a row of the evaluation instead."""


class StoreDamagedError(FiscalEvalError):
    """Raised when a store's files are not as its last ingest committed them: a table
    damaged, missing, or another table's file; its manifest or checksum record unreadable;
    ``CURRENT`` naming no generation. The next ``fiscal-eval ingest`` rebuilds what is
    damaged; ``fiscal-eval check`` lists it."""

    def __init__(self, store: object, generation: str | None, table: str, problem: str) -> None:
        self.store = str(store)
        self.generation = generation
        self.table = table
        self.problem = problem
        where = f"{generation}/{table}" if generation else table
        super().__init__(
            f"store at {self.store} is damaged: {where}: {problem}; run `fiscal-eval ingest` "
            "on the same inputs to rebuild it (`fiscal-eval check STORE` lists what is damaged)"
        )


class StorageError(FiscalEvalError):
    """Raised when the disk refuses a write or a read: full, read-only, or permission
    denied. Not a bug: the message says what was being done, where, and (for a full disk)
    how much space was needed when that is known."""

    def __init__(self, what: str, path: object, error: OSError, needed: int | None = None) -> None:
        self.what = what
        self.path = _os.fspath(path) if isinstance(path, (str, _os.PathLike)) else str(path)
        self.errno = error.errno
        self.needed = needed
        reason = {
            _errno.ENOSPC: "no space left on the device",
            _errno.EDQUOT: "the disk quota is exceeded",
            _errno.EROFS: "the file system is read-only",
            _errno.EACCES: "permission denied",
            _errno.EPERM: "operation not permitted",
        }.get(error.errno or 0, error.strerror or str(error))
        detail = ""
        if error.errno in (_errno.ENOSPC, _errno.EDQUOT):
            free = _free_bytes(self.path)
            parts = []
            if needed is not None:
                parts.append(f"about {_size(needed)} needed")
            if free is not None:
                parts.append(f"{_size(free)} free")
            detail = f" ({', '.join(parts)}); free some space and run it again" if parts else \
                "; free some space and run it again"
        elif error.errno in (_errno.EROFS, _errno.EACCES, _errno.EPERM):
            detail = "; choose a folder you can write to, or fix its permissions"
        where = getattr(error, "filename", None) or self.path
        super().__init__(f"cannot {what}: {reason} at {where}{detail}")


# The errors that are the disk refusing (full, over quota, read-only, permissions): the
# machine's state, reported with exit 2, never as a bug.
STORAGE_ERRNOS = frozenset({_errno.ENOSPC, _errno.EDQUOT, _errno.EROFS, _errno.EACCES, _errno.EPERM})


def storage_errno(error: BaseException) -> bool:
    """Whether ``error`` is the disk refusing (full, read-only, permissions), not a bug."""
    return isinstance(error, OSError) and error.errno in STORAGE_ERRNOS


def _free_bytes(path: str) -> int | None:
    probe = path
    while probe and not _os.path.exists(probe):
        parent = _os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    try:
        st = _os.statvfs(probe or ".")
    except (OSError, AttributeError):
        return None
    return st.f_bavail * st.f_frsize


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


class FiscalEvalWarning(UserWarning):
    """Warned when fiscal_eval goes on but something deserves a look."""
