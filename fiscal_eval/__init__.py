"""fiscal_eval: read, audit and report on budget-performance self-evaluation reports
(绩效自评报告).

>>> import fiscal_eval
>>> report = fiscal_eval.parse_file("data/samples/003_0aae5738ae055c76.txt")
>>> report.score, report.grade
(88.0, '良好')
"""

from __future__ import annotations

from fiscal_eval.api import audit, parse_file, parse_paths, parse_text
from fiscal_eval.errors import FiscalEvalError, FiscalEvalWarning, ReadError
from fiscal_eval.model import Document, Flag, Report

__version__ = "0.1.0"

__all__ = [
    "parse_file",
    "parse_text",
    "parse_paths",
    "audit",
    "tables",
    "Tables",
    "Report",
    "Document",
    "Flag",
    "FiscalEvalError",
    "FiscalEvalWarning",
    "ReadError",
    "__version__",
]


def __getattr__(name: str):
    # polars is imported only when a table is asked for: parsing workers stay light.
    if name in ("tables", "Tables"):
        from fiscal_eval import frames as _frames

        return getattr(_frames, name)
    raise AttributeError(f"module 'fiscal_eval' has no attribute {name!r}")
