"""Worker counts: one reading of ``jobs`` for the store's ingest and the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.render.batch import run_batch
from fiscal_eval.store import ingest


@pytest.mark.parametrize("call", [
    lambda tmp: ingest("data/samples", tmp / "store", jobs=0),
    lambda tmp: run_batch(tmp / "store", tmp / "out", jobs=0),
])
def test_jobs_below_one_is_refused_as_either_error(call, tmp_path: Path) -> None:
    # ingest used to raise ValueError and run_batch FiscalEvalError: both still catch it.
    with pytest.raises(ValueError, match="jobs must be at least 1, not 0") as caught:
        call(tmp_path)
    assert isinstance(caught.value, FiscalEvalError)
    assert not (tmp_path / "store").exists() and not (tmp_path / "out").exists()
