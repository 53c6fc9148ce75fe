"""python -m fiscal_eval.bench [reports]: the benchmarks' figures as JSON (no memory run)."""

import json
import sys

from fiscal_eval.bench import run

print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, rss_reports=0), ensure_ascii=False))
