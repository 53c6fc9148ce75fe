"""Build step: a wheel carries the report and lesson notebooks as package data.

``notebooks/`` at the top of the checkout stays the place people edit them; building a
wheel copies them to ``fiscal_eval/render/notebooks/``, where
:func:`fiscal_eval.render.batch.default_notebooks` finds them in an installed package. An
editable install (``pip install -e .``) reads ``notebooks/`` itself, so nothing is copied.
Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
TARGET = Path("fiscal_eval", "render", "notebooks")


class BuildPyWithNotebooks(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for notebook in sorted(NOTEBOOKS.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in notebook.parts:
                continue
            target = Path(self.build_lib) / TARGET / notebook.relative_to(NOTEBOOKS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, target)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
