"""fiscal_eval: read, audit and report on budget-performance self-evaluation reports
(绩效自评报告).

>>> import fiscal_eval
>>> report = fiscal_eval.parse_file("data/samples/003_0aae5738ae055c76.txt")
>>> report.score, report.grade
(88.0, '良好')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fiscal_eval.api import audit, parse_file, parse_paths, parse_text
from fiscal_eval.errors import FiscalEvalError, FiscalEvalWarning, ReadError
from fiscal_eval.model import Document, Flag, Report

if TYPE_CHECKING:  # imported on first use (_LAZY below); named here for type checkers
    from fiscal_eval import metrics
    from fiscal_eval.evaluation import Evaluation, evaluate
    from fiscal_eval.store import IngestSummary, Tables, ingest, load, manifest, tables

__version__ = "0.1.0"

__all__ = [
    "parse_file",
    "parse_text",
    "parse_paths",
    "audit",
    "tables",
    "Tables",
    "ingest",
    "load",
    "manifest",
    "IngestSummary",
    "metrics",
    "evaluate",
    "Evaluation",
    "Report",
    "Document",
    "Flag",
    "FiscalEvalError",
    "FiscalEvalWarning",
    "ReadError",
    "__version__",
]


_LAZY = {
    # polars and pyarrow are imported only when a table is asked for: parsing stays light.
    "tables": "fiscal_eval.store",
    "Tables": "fiscal_eval.store",
    "ingest": "fiscal_eval.store",
    "load": "fiscal_eval.store",
    "manifest": "fiscal_eval.store",
    "IngestSummary": "fiscal_eval.store",
    "metrics": "fiscal_eval.metrics",
    "evaluate": "fiscal_eval.evaluation",
    "Evaluation": "fiscal_eval.evaluation",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name])
        return module if name == "metrics" else getattr(module, name)
    raise AttributeError(f"module 'fiscal_eval' has no attribute {name!r}")
