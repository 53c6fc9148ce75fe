"""The one exception root and one warning root of fiscal_eval.

Recoverable problems with an input (a missing amount, an undecodable byte) are
*rows* — a report's ``errors`` list and ``status`` — not exceptions. Exceptions
are raised only when nothing can be done at all (a path that does not exist).
"""

from __future__ import annotations

__all__ = [
    "FiscalEvalError",
    "ReadError",
    "UnsupportedFormatError",
    "LabelsError",
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


class FiscalEvalWarning(UserWarning):
    """Warned when fiscal_eval goes on but something deserves a look."""
