"""Replacing a file in one step: readers see the old content or the new, never a part.

The store's ``CURRENT`` and ``VERSION``, the batch's pages, index and state, and the
kernels' chart-bundle cache are all written with :func:`write_atomic`.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["fsync", "write_atomic"]


def fsync(path: Path) -> None:
    """Flush a file's (or a folder's) data to disk, so a rename after it is durable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # NOTE: directories cannot be opened on Windows; nothing to sync there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (``str`` as UTF-8) in one step; its folder is created.

    The data go to a temporary file beside ``path`` (``.<name>.<hex>``: the same file
    system, so the rename is atomic), are flushed to disk, then renamed over ``path``. A
    failed write removes the temporary file; a killed one leaves it behind, to be cleaned
    by whoever owns the folder (the store removes its own).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "sub" / "CURRENT"
    >>> write_atomic(path, "gen-000001\\n"); write_atomic(path, b"gen-000002\\n")
    >>> path.read_text(), [p.name for p in path.parent.iterdir()]
    ('gen-000002\\n', ['CURRENT'])
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    # NOTE: 16 hex digits, not a whole uuid: the name must stay within the 255 bytes a
    # file name may have when ``path``'s own (a report named after an agency) is long.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:16]}")
    # NOTE: os.open with 0o666 (less the umask), not mkstemp's 0o600: a report page is
    # for others to read, and the file should get the permissions any new file would.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            # NOTE: before the rename, or a crash soon after it may leave ``path`` empty
            # on disk (the rename reaches the journal before the data do).
            fsync(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
