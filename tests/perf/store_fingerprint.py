"""A fingerprint of the stores a sequence of ingests writes, to show a change to the ingest
left every table, manifest and metric as it was: run it with the code before and after,
then compare.

    python tests/perf/store_fingerprint.py OUT.json [FILES]           # ingest and record
    python tests/perf/store_fingerprint.py OUT.json [FILES] OLD.json  # ... and list what differs

Set PYTHONPATH to an older checkout to record the code before a change. The corpus is
written to the same folder each run (paths are stored), dated to fixed times (so are
stats), as ``FILES`` synthetic reports (default 3,000) plus copies under other names (ids
suffixed). The ingests: a fresh store (two workers); a re-ingest after files were changed,
added, removed and touched (stat changed, content not); one naming the folders in the
other order after more changes; one that changes nothing. Recorded for each generation:
the SHA-256 of every file's bytes and of every table's rows; the manifest's rows without
``ingested_at`` (which differs run to run), which rows kept an earlier ingest's time; the
checksum record less the manifest's entry; each ingest's summary less its seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

WORK = Path("/tmp/fiscal_eval_store_fingerprint")
STAT_NS = 1_700_000_000 * 10**9  # every corpus file's mtime (long before any ingest)
TOUCH_NS = STAT_NS + 3600 * 10**9


def _corpus(files: int) -> tuple[Path, Path]:
    """Two named folders: the synthetic reports, and copies of some of them (same bytes)."""
    from fiscal_eval.synth import generate

    shutil.rmtree(WORK, ignore_errors=True)
    generate(agencies=-(-files // 3), years=3, seed=31, out=WORK / "syn")
    first = WORK / "syn" / "reports"
    for extra in sorted(first.glob("*.txt"))[files:]:
        extra.unlink()
    second = WORK / "copies"
    second.mkdir()
    for path in sorted(first.glob("*.txt"))[::97]:
        shutil.copyfile(path, second / f"copy_{path.name}")
    for path in [*first.iterdir(), *second.iterdir()]:
        os.utime(path, ns=(STAT_NS, STAT_NS))
    return first, second


def _digest(frame) -> str:
    import polars as pl

    hashed = frame.hash_rows(seed=0) if frame.height else pl.Series([], dtype=pl.UInt64)
    return hashlib.sha256(hashed.to_numpy().tobytes() + json.dumps(
        [[n, str(t)] for n, t in frame.schema.items()]).encode()).hexdigest()


def _generation(store: Path, times: list) -> dict:
    import polars as pl

    folder = store / (store / "CURRENT").read_text().strip()
    out: dict = {"generation": folder.name, "files": {}, "rows": {}}
    for path in sorted(folder.iterdir()):
        if path.suffix != ".parquet":
            continue
        frame = pl.read_parquet(path)
        if path.stem == "manifest":
            for t in frame["ingested_at"].unique().sort().to_list():
                if t not in times:
                    times.append(t)
            out["manifest_ingest"] = [times.index(t) for t in frame["ingested_at"].to_list()]
            frame = frame.drop("ingested_at")
            out["manifest_rows"] = frame.height
        else:
            out["files"][path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        out["rows"][path.name] = _digest(frame)
    record = json.loads((folder / "integrity.json").read_text())
    record["tables"].pop("manifest", None)
    out["integrity"] = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    return out


def run(files: int) -> dict:
    from fiscal_eval import ingest

    first, second = _corpus(files)
    store = WORK / "store"
    times: list = []
    steps: dict = {}

    def step(name: str, paths: list[Path]) -> None:
        summary = ingest(paths, store, jobs=2, progress=False)
        fields = {k: v for k, v in vars(summary).items() if k != "seconds"}
        steps[name] = {"summary": json.loads(json.dumps(fields, default=list)), **_generation(store, times)}

    step("fresh", [first, second])
    names = sorted(first.glob("*.txt"))
    for path in names[5::50]:  # changed: one more sentence
        path.write_text(path.read_text(encoding="utf-8") + "\n本年度另有一项说明。\n", encoding="utf-8")
        os.utime(path, ns=(STAT_NS + 1, STAT_NS + 1))
    for path in names[7::50]:  # removed
        path.unlink()
    for path in names[9::50]:  # touched: stat changed, content not
        os.utime(path, ns=(TOUCH_NS, TOUCH_NS))
    for k, path in enumerate(names[11::60]):  # added: a changed copy, and one of the same bytes
        (first / f"new_{k:04d}.txt").write_text(path.read_text(encoding="utf-8").replace("年度", "年度（补报）", 1),
                                               encoding="utf-8")
        shutil.copyfile(path, second / f"same_{k:04d}.txt")
    for path in [*first.glob("new_*"), *second.glob("same_*")]:
        os.utime(path, ns=(STAT_NS, STAT_NS))
    step("changed", [first, second])
    for path in names[13::200]:
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8") + "\n再补充一句说明文字。\n", encoding="utf-8")
            os.utime(path, ns=(STAT_NS + 2, STAT_NS + 2))
    step("reordered", [second, first])
    step("unchanged", [second, first])
    return steps


def _differences(new: dict, old: dict, where: str = "") -> list[str]:
    if isinstance(new, dict) and isinstance(old, dict):
        out = []
        for key in sorted(set(new) | set(old)):
            if key not in new or key not in old:
                out.append(f"{where}/{key}: only in {'old' if key in old else 'new'}")
            else:
                out += _differences(new[key], old[key], f"{where}/{key}")
        return out
    return [] if new == old else [f"{where}: {str(old)[:80]} -> {str(new)[:80]}"]


if __name__ == "__main__":
    args = sys.argv[1:]
    out = Path(args.pop(0))
    files = int(args.pop(0)) if args and args[0].isdigit() else 3000
    recorded = run(files)
    out.write_text(json.dumps(recorded, indent=1, sort_keys=True))
    if args:
        diffs = _differences(recorded, json.loads(Path(args[0]).read_text()))
        print("\n".join(diffs) if diffs else "the same: every file, table, manifest row and summary")
        sys.exit(1 if diffs else 0)
