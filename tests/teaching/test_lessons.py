"""The lesson notebooks (notebooks/teaching/): each runs through papermill, with the
solutions filled in (every check says correct) and without (every exercise says
unanswered, nothing raises); they are committed without outputs; their exercise cells
are exactly the key's exercises.

The kernel is this interpreter: the fixture writes a kernelspec for ``sys.executable``
into a temporary folder (``ipykernel.kernelspec.install(prefix=…)``) and puts it on
``JUPYTER_PATH``, so a fresh clone after ``make venv`` needs no kernel installed by hand
and no user-level kernelspec can shadow it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from fiscal_eval import teaching

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "notebooks" / "teaching"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
VERDICT = re.compile(r'data-verdict="(\w+)"')
CHECK_CALL = re.compile(r'check\("(\d\d\.\d+)"')


def _lesson(path: Path) -> str:
    return path.name[:2]


@pytest.fixture(scope="module")
def kernel(notebook_kernel):
    """This interpreter as a kernel (tests/conftest.py: no kernelspec installed by hand)."""
    return notebook_kernel


@pytest.fixture(scope="module")
def lesson_paths(tmp_path_factory):
    """Typed parameters pointing at a temporary store and teaching corpus (built by the
    first lesson that needs them, reused by the next), and the real samples."""
    base = tmp_path_factory.mktemp("lessons")
    return {"samples": str(ROOT / "data" / "samples"), "store": str(base / "store"),
            "synthetic": str(base / "synthetic")}


def _run(notebook: Path, out: Path, kernel: str, parameters: dict) -> nbformat.NotebookNode:
    import papermill

    return papermill.execute_notebook(
        str(notebook), str(out), parameters=parameters, kernel_name=kernel,
        cwd=str(notebook.parent), progress_bar=False, execution_timeout=300, request_save_on_cell_execute=False,
    )


def _verdicts(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found += VERDICT.findall(output.get("data", {}).get("text/html", ""))
    return found


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def test_there_are_five_lessons_or_more():
    assert len(NOTEBOOKS) >= 5
    assert [_lesson(p) for p in NOTEBOOKS] == sorted({_lesson(p) for p in NOTEBOOKS})


WITHHELD = 'class="fiscal-eval-withheld"'


def _gated(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The "用库核对" cells: the library's values, shown only after the answer."""
    return [c for c in nb.cells if c.cell_type == "code" and "teaching.after(" in c.source]


def _output_text(cell: nbformat.NotebookNode) -> str:
    return "\n".join(str(v) for o in cell.get("outputs", []) for v in (o.get("data", {}) or {}).values()) + \
        "".join(o.get("text", "") for o in cell.get("outputs", []))


def _library_values(lesson: str) -> dict[str, list[str]]:
    """The ratios a lesson asks the student to compute, as the library prints them (six
    decimals of a fraction: 0.961577…), by exercise — what a "用库核对" cell would show.
    (Figures the student reads off the report, 600651.81, are in the report's text.)"""
    from fiscal_eval.teaching.checker import _expected

    out: dict[str, list[str]] = {}
    for eid in teaching.exercises(lesson):
        ex = teaching.exercise(eid)
        key = [ex.expected] if ex.type == "number" else list(ex.expected.values()) if ex.type == "dict" else []
        if not any(isinstance(k, str) and "/" in k for k in key):
            continue  # not a ratio computed from the report's figures
        values = [_expected(ex)] if ex.type == "number" else [v for v in _expected(ex).values() if isinstance(v, float)]
        shown = [f"{v:.6f}".rstrip("0")[:8] for v in values
                 if isinstance(v, float) and not v.is_integer() and len(f"{v:.6f}".rstrip("0")) >= 7]
        if shown:
            out[eid] = shown
    return out


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_with_solutions_checks_correct(notebook, kernel, lesson_paths, tmp_path):
    nb = _run(notebook, tmp_path / notebook.name, kernel, {"show_solutions": True, **lesson_paths})
    assert _errors(nb) == []
    verdicts = _verdicts(nb)
    assert len(teaching.exercises(_lesson(notebook))) > 0
    assert verdicts == ["correct"] * len(teaching.exercises(_lesson(notebook)))
    # the teacher's copy: every "用库核对" cell shows the library's values
    gated = _gated(nb)
    assert gated and all(WITHHELD not in _output_text(c) and c.get("outputs") for c in gated)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_without_solutions_runs_and_asks(notebook, kernel, lesson_paths, tmp_path):
    nb = _run(notebook, tmp_path / notebook.name, kernel, {"show_solutions": False, **lesson_paths})
    assert _errors(nb) == []
    assert _verdicts(nb) == ["unanswered"] * len(teaching.exercises(_lesson(notebook)))
    # the student's copy never shows an answer: the "用库核对" cells wait for one ...
    for cell in _gated(nb):
        assert WITHHELD in _output_text(cell), cell.source[:60]
    # ... and no computed answer is printed anywhere on the page
    shown = "\n".join(_output_text(c) for c in nb.cells if c.cell_type == "code")
    for eid, values in _library_values(_lesson(notebook)).items():
        for value in values:
            assert value not in shown, f"{eid}: {value} is shown in the student's copy"


# --------------------------------------------------------------------------- conventions


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_is_committed_without_outputs(notebook):
    nb = _read(notebook)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_code_cell_holds_the_typed_parameters(notebook):
    first = next(c for c in _read(notebook).cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    for line in ("show_solutions: bool = False  #", "samples: str = ", "store: str = ", "synthetic: str = "):
        assert line in first.source, line
    assert all("#" in line for line in first.source.splitlines() if ":" in line and "=" in line)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_cells_are_the_keys_exercises(notebook):
    """Each exercise of the key appears once, in key order, in its lesson; each exercise
    cell is the two lines the students see (their answer, then check)."""
    cells = [c for c in _read(notebook).cells if c.cell_type == "code" and CHECK_CALL.search(c.source)]
    ids = [CHECK_CALL.search(c.source).group(1) for c in cells]
    assert ids == teaching.exercises(_lesson(notebook))
    for cell, eid in zip(cells, ids):
        assert cell.source == (f'answer = solution("{eid}") if show_solutions else None  # ← 你的答案 (your answer)\n'
                               f'check("{eid}", answer)')


def test_synthetic_agencies_are_marked_where_shown():
    """A lesson that shows a synthetic agency says so in its narrative."""
    for notebook in NOTEBOOKS:
        text = json.dumps([c.source for c in _read(notebook).cells], ensure_ascii=False)
        if "云岭市" in text:
            assert "【合成数据 SYNTHETIC】" in text, notebook.name
