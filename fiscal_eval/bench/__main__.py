"""python -m fiscal_eval.bench [reports]: the benchmarks' figures as JSON (no memory run).

python -m fiscal_eval.bench portfolio [reports [store]]: only the portfolio page's bytes,
over a synthetic store of ``reports`` reports (default 10,000) or the store given.
"""

import json
import sys

if sys.argv[1:2] == ["portfolio"]:
    from fiscal_eval.bench.portfolio import portfolio_bytes

    size = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(json.dumps(portfolio_bytes(size, store=sys.argv[3] if len(sys.argv) > 3 else None), ensure_ascii=False))
else:
    from fiscal_eval.bench import run

    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, rss_reports=0), ensure_ascii=False))
