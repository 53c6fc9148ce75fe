"""The report notebooks run through papermill on a small store, and every notebook in
notebooks/ keeps to the convention: outputs stripped, a parameters cell, no logic."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
REPORTS = [ROOT / "notebooks" / f"{n}.ipynb" for n in ("agency_report", "cross_year", "portfolio")]
# Dataframe logic belongs in fiscal_eval (views, metrics), not in a notebook cell.
LOGIC = re.compile(r"pl\.col\(|\.filter\(|\.group_by\(|\.agg\(|\.join\(|\.pivot\(|pd\.DataFrame\(|for .+ in .+:")
MAX_LINES = 8
PARAMETER = re.compile(r"^[A-Za-z_]\w*: \w+ = .+  # \S")


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


def _html(nb: nbformat.NotebookNode) -> str:
    """Every text/html output of the run, in order."""
    return "\n".join(o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
                     if "text/html" in o.get("data", {}))


# Latin words a reader may see on a page: the PEFA indicators and the synthetic mark.
ALLOWED_LATIN = {"PEFA", "PI", "SYNTHETIC"}


def _visible_text(html: str) -> str:
    """What a reader sees: the outputs' text without scripts, styles and tags."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def _no_internals(html: str, store: str) -> None:
    """Chinese first, no internals: no field names, codes, report ids, paths or tooling."""
    # the source file's own name stays: it is how an analyst finds the document
    text = re.sub(r"[\w.-]+\.(?:txt|html?|pdf|docx?|xlsx?)\b", " ", _visible_text(html))
    latin = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]{1,}", text)) - ALLOWED_LATIN
    assert not latin, f"Latin words on the page: {sorted(latin)[:20]}"
    assert store not in html and "Parquet" not in html and "fiscal_eval.views" not in html
    assert not re.search(r"\b[0-9a-f]{16}\b", text), "a report_id on the page"


def _charts(html: str) -> int:
    """Charts drawn; and the Vega bundle must be inline exactly once (the first chart)."""
    assert html.count("window.vegaEmbed=") == 1, "the Vega JavaScript must be inline once per notebook"
    return html.count('vegaEmbed("#fe-chart-')


@pytest.fixture(scope="module")
def synthetic_agency(store):
    from fiscal_eval.store import load

    t = load(store)
    return t.reports.filter(t.reports["synthetic"])["agency"].sort()[0]


@pytest.mark.parametrize("name", ["agency_report", "cross_year", "portfolio"])
def test_defaults_run_against_data_store(tmp_path, store, notebook_kernel, name):
    """No parameters at all: the defaults (store "data/store", first agency, latest year)."""
    import papermill

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "store").symlink_to(store, target_is_directory=True)
    nb = papermill.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(tmp_path / "out.ipynb"),
                                    kernel_name=notebook_kernel, progress_bar=False, execution_timeout=300,
                                    cwd=str(tmp_path))
    html = _html(nb)
    assert _charts(html) >= 2
    if name != "portfolio":
        assert "中共保山市委网信办" in html  # the first real agency
    else:
        assert "2021" in html  # the latest year


def test_agency_report(tmp_path, store, notebook_kernel):
    nb = _run(REPORTS[0], tmp_path / "out.ipynb", notebook_kernel,
              {"store": store, "agency": "和平县政务服务数据管理局", "year": 2020})
    html = _html(nb)
    assert '<h1 class="fe-title">和平县政务服务数据管理局 2020 年度绩效自评复核</h1>' in html  # the title names them
    assert _charts(html) == 4  # funds, execution bands, indicators, peers
    assert ">公式错误<" in html and "(6)=(3) ÷ (2)" in html  # the flag and its sentence
    assert "实际到位率的公式印为 (3)÷(2)" in html and ">一般<" in html  # in Chinese, graded by materiality
    assert "88.0" in html and "良好（良档）" in html  # score and grade among the facts
    assert "合成数据 SYNTHETIC" not in html  # a real agency: no banner
    # the verdict first, computed: before any section
    assert html.index("fe-title") < html.index("复核结论") < html.index("关键数字") < html.index("fe-chart-")
    assert "重新计算了报告中的 3 个数字（执行率、到位率、公式），1 个与报告不符。" in html
    assert "000_8f7748dd4a7239a6" not in html and "003_0aae5738ae055c76.txt" in html  # the file's name only
    _no_internals(html, store)


def test_agency_report_synthetic_banner(tmp_path, store, notebook_kernel, synthetic_agency):
    nb = _run(REPORTS[0], tmp_path / "out.ipynb", notebook_kernel,
              {"store": store, "agency": synthetic_agency, "year": 2021})
    html = _html(nb)
    assert 'class="fe-banner"' in html and "合成数据 SYNTHETIC" in html
    assert html.index("fe-banner") < html.index("fe-chart-")  # the banner comes first


def test_cross_year(tmp_path, store, notebook_kernel, synthetic_agency):
    nb = _run(REPORTS[1], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "agency": synthetic_agency})
    html = _html(nb)
    assert synthetic_agency in html and "PI-1" in html and "合成数据 SYNTHETIC" in html
    assert _charts(html) >= 3  # amounts, rates, score (+ flags when there are any)
    assert ">2019<" in html and ">2021<" in html
    assert f"{synthetic_agency} 历年绩效自评复核" in html and "2019–2021 年共 3 个年度的报告。" in html
    _no_internals(html, store)


def test_portfolio(tmp_path, store, notebook_kernel):
    nb = _run(REPORTS[2], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "year": 2019, "region": ""})
    html = _html(nb)
    assert "中共保山市委网信办" in html and _charts(html) == 5
    assert "合成数据 SYNTHETIC" in html  # 2019 mixes the samples with synthetic reports
    assert "几乎所有报告" not in html  # no canned sentence: the spread is computed
    assert "真实报告 2 份，2 份写了自评得分：最低 97.46 分、最高 98 分" in html
    _no_internals(html, store)
    one = _run(REPORTS[2], tmp_path / "one.ipynb", notebook_kernel, {"store": store, "year": 2019, "region": "保山市"})
    html = _html(one)
    assert "中共保山市委网信办" in html and "合成数据 SYNTHETIC" not in html


def test_hostile_agency_parameter_is_a_value(tmp_path, store, notebook_kernel):
    """An agency name with quotes and markup is passed as a value: the notebook reports it
    is not in the store (a clean error), it is never executed as code."""
    import papermill

    hostile = 'x"; import os; os.system("touch PWNED") #<script>'
    with pytest.raises(papermill.PapermillExecutionError, match="no report of"):
        _run(REPORTS[0], tmp_path / "out.ipynb", notebook_kernel, {"store": store, "agency": hostile, "year": 2020})
    assert not (ROOT / "PWNED").exists()


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_report_parameters_are_the_batch_contract(path):
    """Names, types and defaults the batch (fiscal_eval/render/batch.yml) relies on; each one
    commented, and inferable by papermill."""
    import papermill

    params = papermill.inspect_notebook(str(path))
    expected = {"agency_report": {"store": "str", "agency": "str", "year": "int"},
                "cross_year": {"store": "str", "agency": "str"},
                "portfolio": {"store": "str", "year": "int", "region": "str"}}[path.stem]
    assert {k: v["inferred_type_name"] for k, v in params.items()} == expected
    assert params["store"]["default"] == '"data/store"'
    assert all(v["help"] for v in params.values()), "every parameter needs a comment"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_convention(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any("parameters" in c.metadata.get("tags", []) for c in code), "no cell tagged `parameters`"
    for c in code:
        assert not c.get("outputs"), f"{path.name}: outputs committed"
        assert c.get("execution_count") is None, f"{path.name}: execution count committed"
        if "parameters" in c.metadata.get("tags", []):
            for ln in c.source.splitlines():
                if ln.strip() and not ln.strip().startswith("#"):
                    assert PARAMETER.match(ln), f"{path.name}: a parameter is `name: type = default  # what`: {ln!r}"
            continue
        lines = [ln for ln in c.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= MAX_LINES, f"{path.name}: a {len(lines)}-line cell is a library function missing"
        assert not LOGIC.search(c.source), f"{path.name}: dataframe logic in a cell: {c.source[:80]!r}"
