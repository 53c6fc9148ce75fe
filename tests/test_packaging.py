"""What a wheel carries, and where the batch finds its notebooks: `pip install .` (not
editable) must be able to render reports."""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from fiscal_eval.cli import app
from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.render import batch

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


@pytest.mark.slow
def test_the_wheel_carries_the_notebooks_and_the_batch_config(tmp_path: Path) -> None:
    # Built from a copy, so the checkout gets no build/ folder while other tests run.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "fiscal_eval", src / "fiscal_eval",
                    ignore=shutil.ignore_patterns("__pycache__", "notebooks"))
    shutil.copytree(NOTEBOOKS, src / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(src)],
                   check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("fiscal_eval-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    shipped = {f"fiscal_eval/render/notebooks/{p.relative_to(NOTEBOOKS).as_posix()}" for p in NOTEBOOKS.rglob("*.ipynb")}
    assert len(shipped) >= 9 and shipped <= names  # 4 report notebooks, 5 lessons
    assert {"fiscal_eval/render/batch.yml", "fiscal_eval/render/templates/offline/index.html.j2",
            "fiscal_eval/teaching/lessons.toml", "fiscal_eval/metrics/grade_scales.toml"} <= names
    # Every notebook batch.yml names is in the wheel where the installed batch looks.
    config = yaml.safe_load(zipfile.ZipFile(wheel).read("fiscal_eval/render/batch.yml"))
    for kind, entry in config["reports"].items():
        assert fnmatch.filter(names, f"fiscal_eval/render/notebooks/{entry['notebook']}"), kind


def test_a_checkout_reads_its_notebooks_folder() -> None:
    # An editable install has no packaged copy: the notebooks people edit are the ones run.
    assert batch.default_notebooks() == NOTEBOOKS
    assert batch.load_config()["agency_report"].notebook == str(NOTEBOOKS / "agency_report.ipynb")


def test_notebooks_dir_points_the_config_at_your_own(tmp_path: Path) -> None:
    (tmp_path / "agency_report.ipynb").write_text("{}", encoding="utf-8")
    specs = batch.load_config(notebooks=tmp_path)
    assert specs["agency_report"].notebook == str(tmp_path / "agency_report.ipynb")
    assert specs["lesson"].notebook == str(tmp_path / "teaching" / "*.ipynb")
    with pytest.raises(FiscalEvalError, match="notebooks folder not found"):
        batch.load_config(notebooks=tmp_path / "nowhere")


def test_cli_batch_notebooks_dir_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "out"),
                                      "--notebooks", str(tmp_path / "nowhere")])
    assert result.exit_code == 2, result.output
    assert "notebooks folder not found" in result.output
