"""The report notebooks run through papermill on a small store, and every notebook in
notebooks/ keeps to the convention: outputs stripped, a parameters cell, no logic."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
REPORTS = [ROOT / "notebooks" / f"{n}.ipynb" for n in ("agency_report", "cross_year", "portfolio")]
# Dataframe logic belongs in fiscal_eval (views, metrics), not in a notebook cell.
LOGIC = re.compile(r"pl\.col\(|\.filter\(|\.group_by\(|\.agg\(|\.join\(|\.pivot\(|pd\.DataFrame\(|for .+ in .+:")
MAX_LINES = 8


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from fiscal_eval.store import ingest
    from fiscal_eval.synth import generate

    base = tmp_path_factory.mktemp("nbstore")
    generate(agencies=8, years=3, seed=2, out=base / "syn")
    ingest([ROOT / "data" / "samples", base / "syn" / "reports"], store=base / "store", jobs=1, progress=False)
    return str(base / "store")


def _run(nb: Path, out: Path, kernel: str, parameters: dict) -> nbformat.NotebookNode:
    import papermill

    return papermill.execute_notebook(str(nb), str(out), parameters=parameters, kernel_name=kernel,
                                      progress_bar=False, execution_timeout=300, cwd=str(ROOT))


def _text(nb: nbformat.NotebookNode) -> str:
    return json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)


@pytest.mark.parametrize("parameters", [
    {"agency": "和平县政务服务数据管理局", "year": 2020},
    {"agency": "", "year": 0},
])
def test_agency_report(tmp_path, store, notebook_kernel, parameters):
    nb = _run(REPORTS[0], tmp_path / "out.ipynb", notebook_kernel, {"store": store, **parameters})
    out = _text(nb)
    agency = parameters["agency"] or "中共保山市委网信办"  # the default: first real agency
    assert agency in out
    assert "vegaEmbed" in out and out.count("vl-convert") <= 1 or out.count("vegaEmbed(") >= 2
    if parameters["agency"]:
        assert "formula_error" in out and "(6)=(3) ÷ (2)" in out


def test_agency_report_synthetic_banner(tmp_path, store, notebook_kernel):
    from fiscal_eval.store import load

    t = load(store)
    syn = t.reports.filter(t.reports["synthetic"])["agency"][0]
    nb = _run(REPORTS[0], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "agency": syn, "year": 2021})
    assert "合成数据 SYNTHETIC" in _text(nb)


def test_cross_year(tmp_path, store, notebook_kernel):
    from fiscal_eval.store import load

    t = load(store)
    syn = t.reports.filter(t.reports["synthetic"])["agency"][0]
    nb = _run(REPORTS[1], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "agency": syn})
    out = _text(nb)
    assert syn in out and "PI-1" in out and "合成数据 SYNTHETIC" in out


def test_portfolio(tmp_path, store, notebook_kernel):
    nb = _run(REPORTS[2], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "year": 2019, "region": ""})
    out = _text(nb)
    assert "中共保山市委网信办" in out and "vegaEmbed(" in out


def test_hostile_agency_parameter_is_a_value(tmp_path, store, notebook_kernel):
    """An agency name with quotes and markup is passed as a value: the notebook reports it
    is not in the store (a clean error), it is never executed as code."""
    import papermill

    hostile = 'x"; import os; os.system("touch PWNED") #<script>'
    with pytest.raises(papermill.PapermillExecutionError, match="no report of"):
        _run(REPORTS[0], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "agency": hostile, "year": 2020})
    assert not (ROOT / "PWNED").exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_convention(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any("parameters" in c.metadata.get("tags", []) for c in code), "no cell tagged `parameters`"
    for c in code:
        assert not c.get("outputs"), f"{path.name}: outputs committed"
        assert c.get("execution_count") is None, f"{path.name}: execution count committed"
        if "parameters" in c.metadata.get("tags", []):
            continue
        lines = [ln for ln in c.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= MAX_LINES, f"{path.name}: a {len(lines)}-line cell is a library function missing"
        assert not LOGIC.search(c.source), f"{path.name}: dataframe logic in a cell: {c.source[:80]!r}"
