"""Advisory file locks: one writer at a time where two would spoil each other's work.

The store's ingest, the batch's output folder and the lessons' shared corpus each hold
one (:func:`exclusive`): an ingest or a batch fails fast, naming who holds the lock,
while lessons wait their turn.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from fiscal_eval.errors import FiscalEvalError

__all__ = ["exclusive"]


@contextlib.contextmanager
def exclusive(path: Path, *, busy: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created, with its folder) for the block.

    Parameters
    ----------
    path : Path
        The lock file. Its content is never read or written: the lock is ``flock`` on it,
        which the system lets go of when its holder exits, so a killed holder leaves no
        stale lock behind.
    busy : str, optional
        None: wait for the holder to let go. A message: do not wait; raise
        :class:`~fiscal_eval.errors.FiscalEvalError` with it (name who holds the lock and
        what it guards) when another process holds the lock.

    Examples
    --------
    >>> import tempfile
    >>> lock = Path(tempfile.mkdtemp()) / "sub" / ".lock"
    >>> with exclusive(lock, busy="busy"):
    ...     with exclusive(lock, busy="another run is writing here"):
    ...         pass
    Traceback (most recent call last):
    ...
    fiscal_eval.errors.FiscalEvalError: another run is writing here
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - NOTE: not on Windows; one at a time is then the user's care
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # NOTE: "a", not "w": opening must not truncate (or need to create anew) a file another
    # process holds the lock on.
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if busy is None else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FiscalEvalError(busy) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
