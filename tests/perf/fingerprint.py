"""A fingerprint of every parsed field, to show a performance change left the parse as it
was: run it before and after, then compare.

    python tests/perf/fingerprint.py OUT.json           # parse and record
    python tests/perf/fingerprint.py OUT.json OLD.json  # ... and list what differs

It parses (and audits) the five samples, a 1,020-report synthetic corpus (the one
tests/test_synth.py checks) and ``../shared/corpus/real/*.txt`` when present, and records
for each file a SHA-256 of every Report field (text included) and the figures in clear.
Only the parse's output is recorded, never the texts.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _digest(report) -> dict:
    data = dataclasses.asdict(report)
    data["source"] = Path(report.source).name
    whole = json.dumps(data, ensure_ascii=False, sort_keys=True, default=list)
    fields = {k: hashlib.sha256(json.dumps(v, ensure_ascii=False, sort_keys=True, default=list)
                                .encode("utf-8", "surrogatepass")).hexdigest()[:16]
              for k, v in data.items()}
    return {"sha256": hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest(), "fields": fields}


def fingerprint() -> dict[str, dict]:
    from fiscal_eval.api import parse_file
    from fiscal_eval.synth import generate

    files: list[tuple[str, Path]] = [(f"samples/{p.name}", p) for p in sorted((ROOT / "data" / "samples").glob("*.txt"))]
    real = ROOT.parent / "shared" / "corpus" / "real"
    files += [(f"real/{p.name}", p) for p in sorted(real.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        generate(agencies=340, years=3, seed=20261122, out=tmp)
        files += [(f"synth/{p.name}", p) for p in sorted(Path(tmp, "reports").glob("*.txt"))]
        return {key: _digest(parse_file(path)) for key, path in files}


def main(argv: list[str]) -> int:
    got = fingerprint()
    Path(argv[1]).write_text(json.dumps(got, indent=0, sort_keys=True), "utf-8")
    print(f"{len(got)} reports fingerprinted -> {argv[1]}")
    if len(argv) < 3:
        return 0
    old = json.loads(Path(argv[2]).read_text("utf-8"))
    differ = 0
    for key in sorted(set(old) | set(got)):
        a, b = old.get(key), got.get(key)
        if a is None or b is None:
            print(f"{key}: only in {'new' if a is None else 'old'}")
            differ += 1
        elif a["sha256"] != b["sha256"]:
            fields = [f for f in a["fields"] if a["fields"][f] != b["fields"].get(f)]
            print(f"{key}: differs in {', '.join(fields)}")
            differ += 1
    print(f"{differ} of {len(got)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
