from __future__ import annotations

import json
from pathlib import Path

import pytest

from fiscal_eval.parse import parse_document
from fiscal_eval.sources.text import read_text

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
LABELS = {x["source"]: x for x in json.loads((ROOT / "tests/fixtures/labels.json").read_text("utf-8"))}


def _parse(name: str):
    path = SAMPLES / name
    return parse_document(read_text(path.read_bytes(), str(path)))


@pytest.fixture(scope="session")
def samples():
    """The five real samples, parsed once: {"000": Report, ...}."""
    return {name[:3]: _parse(name) for name in sorted(LABELS)}
