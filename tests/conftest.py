"""Fixtures shared by the notebook tests; the ``slow`` mark on every test that runs one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def notebook_kernel(tmp_path_factory):
    """A kernelspec running this interpreter, first on JUPYTER_PATH, importing this
    checkout's fiscal_eval: a fresh clone after `make venv` needs no kernel installed by
    hand, and no user-level kernelspec can shadow it."""
    from ipykernel.kernelspec import install

    name = "fiscal_eval_tests"
    prefix = tmp_path_factory.mktemp("kernelspec")
    install(kernel_name=name, prefix=str(prefix))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        yield name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that starts a Jupyter kernel runs notebooks: slow (seconds to a minute each).
    # Marked here, from the fixture, so a new notebook test cannot be left unmarked;
    # test_batch.py and test_browser.py mark themselves (their kernels are the batch's).
    for item in items:
        if "notebook_kernel" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
