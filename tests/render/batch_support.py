"""Shared by test_batch.py and test_browser.py: a small store, and one batch of the real
notebooks over it (made once per test session, whichever test asks first)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
SAMPLES = ROOT / "data" / "samples"
REAL_NOTEBOOKS = [ROOT / "notebooks" / f"{n}.ipynb" for n in ("agency_report", "cross_year", "portfolio")]

# Agency names are document text: these are written into a copy of sample 003 (whose
# agency field the parser takes as written) so that the store holds them.
HOSTILE_AGENCIES = ("../和平县<script>alert(1)</script>局", "../../和平县/政务\\服务局", "<!--<script>和平县局")
_SAMPLE_AGENCY = "和平县政务服务数据管理局"


def _tmp(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def make_store(folder: Path, agencies: int = 3, years: int = 2, hostile: bool = True) -> Path:
    """samples + a small synthetic corpus (+ the hostile agencies), ingested into folder/store."""
    from fiscal_eval import store
    from fiscal_eval.synth import generate

    inputs = [SAMPLES, generate(agencies=agencies, years=years, seed=7, out=folder / "synthetic").out / "reports"]
    if hostile:
        text = (SAMPLES / "003_0aae5738ae055c76.txt").read_text(encoding="utf-8")
        extra = folder / "hostile"
        extra.mkdir()
        for i, name in enumerate(HOSTILE_AGENCIES):
            (extra / f"hostile_{i}.txt").write_text(text.replace(_SAMPLE_AGENCY, name), encoding="utf-8")
        inputs.append(extra)
    store.ingest(inputs, folder / "store", jobs=1)
    return folder / "store"


@functools.cache
def small_store() -> Path:
    """The session's small store (read only: tests that change a store make their own)."""
    return make_store(_tmp("fiscal-eval-store-"))


def real_notebooks_missing() -> list[str]:
    return [p.name for p in REAL_NOTEBOOKS if not p.is_file()]


@functools.cache
def real_batch():
    """The real notebooks over the small store, once per session: a BatchResult."""
    from fiscal_eval.render.batch import run_batch

    return run_batch(small_store(), _tmp("fiscal-eval-reports-") / "out", jobs=2, timeout=300, progress=False)
