"""Fixtures the incremental metrics' tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiscal_eval.store import ingest
from fiscal_eval.synth import generate


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> Path:
    """A parsed synthetic store (20 agencies, 3 years) the tests grow stores from; read only."""
    work = tmp_path_factory.mktemp("seed")
    generate(agencies=20, years=3, seed=17, out=work / "syn")
    ingest([work / "syn" / "reports"], store=work / "store", jobs=1, progress=False)
    return work / "store"
