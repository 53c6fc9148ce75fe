"""Seconds and peak memory of parsing (and auditing) crafted and large files, each in a
fresh process with a time limit, for the figures in issues 11 and 15.

    python tests/perf/measure.py                       # every crafted case, two sizes each
    python tests/perf/measure.py long_run 60000 120000  # one case at the sizes given
    python tests/perf/measure.py FILE ...               # files on disk (a 40 MB compilation …)

Set PYTHONPATH to an older checkout to measure the code before a change. Seconds are
CPU seconds of the parsing process (wall seconds beside them): compare within one run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pathological import CASES  # noqa: E402

# The sizes the issues name, about: 883 KB unpunctuated, a 120 KB run, 100,000 headings,
# a 50 MB line, 67 nested tables.
DEFAULT_SIZES = {
    "unpunctuated": (440_000, 880_000),
    "unpunctuated_cjk": (440_000, 880_000),
    "long_run": (60_000, 120_000),
    "long_runs": (20_000, 40_000),
    "repeated_headings": (50_000, 100_000),
    "flat_headings": (50_000, 100_000),
    "one_line": (8_000_000, 16_000_000),
    "nested_tables": (100, 200),
    "nested_blocks": (5_000, 10_000),
    "wide_html_table": (20_000, 40_000),
    "huge_numbers": (50_000, 100_000),
    "many_numbers": (100_000, 200_000),
    "many_pipes": (20_000, 40_000),
    "many_equals": (200_000, 400_000),
    "grade_words": (400_000, 800_000),
    "many_allocations": (100_000, 200_000),
}

# CPU seconds (the machine is shared: wall time measures the neighbours too), wall
# seconds, peak resident memory (VmHWM) and the reports' statuses (a compilation is split).
_CHILD = r"""
import sys, time
from collections import Counter
try:
    from fiscal_eval.api import parse_reports
except ImportError:  # an older checkout: one report a file
    from fiscal_eval.api import parse_file
    parse_reports = lambda path: [parse_file(path)]
start, wall = time.process_time(), time.perf_counter()
reports = parse_reports(sys.argv[1])
seconds, wall = time.process_time() - start, time.perf_counter() - wall
statuses = Counter(r.status for r in reports)
peak = 0
with open('/proc/self/status') as status:
    for line in status:
        if line.startswith('VmHWM:'):
            peak = int(line.split()[1]) / 1024
print(f"{seconds:.3f} {wall:.3f} {peak:.0f} " + ",".join(f"{k}:{v}" for k, v in sorted(statuses.items())))
"""


def run_file(path: str, timeout: float) -> dict:
    try:
        out = subprocess.run([sys.executable, "-c", _CHILD, path], capture_output=True, text=True,
                             timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"cpu_s": None, "wall_s": None, "peak_mb": None, "status": f"over {timeout:.0f} s"}
    except subprocess.CalledProcessError as exc:
        return {"cpu_s": None, "wall_s": None, "peak_mb": None, "status": f"crashed: {exc.stderr.strip()[-200:]}"}
    seconds, wall, peak, status = out.stdout.split()[-4:]
    return {"cpu_s": float(seconds), "wall_s": float(wall), "peak_mb": float(peak), "status": status}


def run_case(name: str, n: int, timeout: float) -> dict:
    data, suffix = CASES[name](n)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{name}{suffix}")
        Path(path).write_bytes(data)
        got = run_file(path, timeout)
    return {"case": name, "n": n, "bytes": len(data), **got}


def main(argv: list[str]) -> None:
    timeout = float(os.environ.get("MEASURE_TIMEOUT", "120"))
    if argv and argv[0] in CASES:
        plan = [(argv[0], [int(x) for x in argv[1:]] or DEFAULT_SIZES[argv[0]])]
    elif argv:
        for path in argv:
            print(json.dumps({"file": path, "bytes": os.path.getsize(path), **run_file(path, timeout)}), flush=True)
        return
    else:
        plan = [(name, DEFAULT_SIZES[name]) for name in CASES]
    for name, sizes in plan:
        for n in sizes:
            print(json.dumps(run_case(name, n, timeout)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
