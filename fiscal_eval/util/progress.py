"""The progress bar of long runs (an ingest's files, a batch's reports), on stderr.

It shows only where a person watches, a terminal, unless the caller asks; elsewhere
(pipes, CI logs, notebooks) it is a stand-in that does nothing, so callers need no ifs.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

__all__ = ["progress_bar"]

Advance = Callable[..., None]  # advance(n=1, note=""): n more done; note names the last


@contextlib.contextmanager
def progress_bar(label: str, total: int, show: bool | None = None) -> Iterator[Advance]:
    """A transient bar of ``total`` steps: ``label``, the bar, done/total, time taken and
    left, and the note of the last step; yields ``advance(n=1, note="")``.

    ``show``: True or False as asked; None (the default) only when stderr is a terminal.
    Nothing shows for ``total`` 0.

    Examples
    --------
    >>> with progress_bar("parsing", 3, show=False) as advance:
    ...     advance(2); advance(note="c.txt")
    """
    if show is None:
        try:
            show = sys.stderr.isatty()
        except (AttributeError, ValueError):  # NOTE: stderr replaced by an object without it, or closed
            show = False
    if not show or total == 0:
        yield lambda n=1, note="": None
        return
    # NOTE: rich only here: an import that runs nowhere but a terminal.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=total)

        def advance(n: int = 1, note: str = "") -> None:
            bar.update(task, advance=n, description=note[:60])

        yield advance
