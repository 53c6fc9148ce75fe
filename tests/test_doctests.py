"""Every docstring example in the package runs, so the examples users copy stay true.

Modules whose examples need a fixture (views: a samples corpus) or that their own test
file already runs are listed in OWN_TEST.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import fiscal_eval

OWN_TEST = {
    "fiscal_eval.present.views": "tests/present/test_views.py",
    "fiscal_eval.present.charts": "tests/present/test_charts.py",
    "fiscal_eval.present.explore": "tests/present/test_explore.py",
    "fiscal_eval.teaching.checker": "tests/teaching/test_teaching.py",
    "fiscal_eval.teaching.corpus": "tests/teaching/test_teaching.py",
    "fiscal_eval.teaching.key": "tests/teaching/test_teaching.py",
    "fiscal_eval.sources": "tests/sources/test_sources_registry.py",
}
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(fiscal_eval.__path__, "fiscal_eval.")
    if m.name not in OWN_TEST and not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, monkeypatch):
    # Examples name files as a user in the repository would: data/samples/...
    monkeypatch.chdir(fiscal_eval.__path__[0] + "/..")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
