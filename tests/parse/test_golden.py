"""Golden files: the whole parse of each sample (every field, line, rate, indicator,
section and span) pinned in tests/fixtures/golden/. A change to the parser that moves
any of it fails here; refresh on purpose with FISCAL_EVAL_UPDATE_GOLDEN=1 and review the
diff before committing."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"


def snapshot(report) -> dict:
    data = dataclasses.asdict(report)
    data.pop("text")
    data["source"] = Path(report.source).name
    data["sections"] = [[s.path, s.title, list(s.span)] for s in report.sections]
    # A layout anchor and OCR confidence exist only for formats with a layout (none of the
    # text samples): kept out so the golden files pin what text parsing states.
    for ev in data["evidence"].values():
        if not ev.get("where") and ev.get("ocr_confidence") is None:
            ev.pop("where", None)
            ev.pop("ocr_confidence", None)
    return json.loads(json.dumps(data, ensure_ascii=False, default=list))


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_golden(samples, key):
    got = snapshot(samples[key])
    path = GOLDEN / f"{key}.json"
    if os.environ.get("FISCAL_EVAL_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if os.environ.get("CI"):
            pytest.fail(f"{path.name} was missing in CI")
    want = json.loads(path.read_text("utf-8"))
    for field in want:
        assert got[field] == want[field], f"{key}: {field} differs from the golden file"
