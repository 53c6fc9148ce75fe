"""Per-file ceilings (issue 15): a file whose parse passes the CPU-seconds or memory limit
is one failed row naming the limit, and the run goes on with the next file."""

from __future__ import annotations

import gc
import re
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

import fiscal_eval.api as api
from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.store import ingest, manifest
from fiscal_eval.util.budget import Budget, file_budget

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SAMPLE = SAMPLES / "000_8f7748dd4a7239a6.txt"
_SAFETY = 30.0  # seconds after which a test's runaway work gives up by itself


def _spin(doc):
    """A parse that never ends (until stopped, or the safety runs out)."""
    end = time.monotonic() + _SAFETY
    while time.monotonic() < end:
        pass
    raise AssertionError("the budget did not stop the parse")


def _hog(doc):
    """A parse that allocates memory without end."""
    hoard, end = [], time.monotonic() + _SAFETY
    while time.monotonic() < end and len(hoard) < 400:
        hoard.append(bytearray(10 * 1024 * 1024))  # 10 MB a step, touched
        hoard[-1][::4096] = b"x" * len(hoard[-1][::4096])
    raise AssertionError("the budget did not stop the parse")


def _backtrack(doc):
    """A parse stuck in one regex match (catastrophic backtracking, inside C)."""
    re.match(r"(a+)+$", "a" * 64 + "b")
    raise AssertionError("the budget did not stop the parse")


@pytest.fixture
def slow_file(tmp_path: Path) -> Path:
    path = tmp_path / "slow.txt"
    path.write_text("某局2021年度项目绩效自评报告\n预算安排100万元。\n", "utf-8")
    return path


def _parse_slow_file_first(monkeypatch, slow_file: Path, work):
    """parse_paths over the slow file and a sample, the slow file's parse replaced by ``work``."""
    real = api.parse_document

    def parse(doc):
        return work(doc) if "slow" in doc.source else real(doc)

    monkeypatch.setattr(api, "parse_document", parse)
    return api.parse_paths([slow_file, SAMPLE])


@pytest.mark.parametrize("work", [_spin, _backtrack])
def test_over_the_time_limit_is_a_failed_row_and_the_next_file_parses(monkeypatch, slow_file, work):
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "0.3")
    start = time.process_time()
    stopped, sample = _parse_slow_file_first(monkeypatch, slow_file, work)
    assert time.process_time() - start < 10
    assert stopped.status == "failed" and stopped.source == str(slow_file)
    assert stopped.errors == (f"{slow_file}: stopped: parsing took more than the limit of 0.3 CPU seconds "
                              "(FISCAL_EVAL_MAX_SECONDS)",)
    assert sample.status == "ok" and sample.agency == "中共保山市委网信办"
    # Nothing of the watch is left behind: the collector, the signal handler, the timer.
    assert gc.isenabled()
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="memory is read from /proc")
def test_over_the_memory_limit_is_a_failed_row_and_the_next_file_parses(monkeypatch, slow_file):
    monkeypatch.setenv("FISCAL_EVAL_MAX_MEMORY_MB", "200")
    stopped, sample = _parse_slow_file_first(monkeypatch, slow_file, _hog)
    assert stopped.status == "failed"
    assert stopped.errors == (f"{slow_file}: stopped: parsing needed more than the limit of 200 MB of memory "
                              "(FISCAL_EVAL_MAX_MEMORY_MB)",)
    assert sample.status == "ok"


def test_an_ingest_stores_the_stopped_file_as_failed_and_the_others(monkeypatch, tmp_path, slow_file):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(slow_file, corpus / "slow.txt")
    for sample in sorted(SAMPLES.glob("*.txt"))[:2]:
        shutil.copy(sample, corpus / sample.name)
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "0.3")
    real = api.parse_document
    monkeypatch.setattr(api, "parse_document", lambda doc: _spin(doc) if "slow" in doc.source else real(doc))
    summary = ingest([corpus], store=tmp_path / "store", jobs=1, progress=False)
    rows = {Path(r["path"]).name: r for r in manifest(tmp_path / "store").iter_rows(named=True)}
    assert rows["slow.txt"]["status"] == "failed"
    assert "stopped: parsing took more than the limit of 0.3 CPU seconds" in rows["slow.txt"]["errors"]
    assert {rows[name]["status"] for name in rows if name != "slow.txt"} == {"ok"}
    assert summary.failed == 1


def test_honest_files_are_far_from_the_default_limits():
    budget = Budget()
    # A 40 MB compilation parses in about 30 CPU seconds and 600 MB here (bench's
    # size_figures): the defaults leave ten and three times that.
    assert budget.cpu_seconds >= 300 and budget.memory_bytes >= 2 * 1024 ** 3


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "12.5")
    monkeypatch.setenv("FISCAL_EVAL_MAX_MEMORY_MB", "64")
    assert Budget.from_env() == Budget(cpu_seconds=12.5, memory_bytes=64 * 1024 * 1024)
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "ten")
    with pytest.raises(FiscalEvalError, match="FISCAL_EVAL_MAX_SECONDS must be a number"):
        Budget.from_env()


def test_outside_the_main_thread_files_parse_without_a_ceiling(monkeypatch):
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "0.000001")
    got = []
    worker = threading.Thread(target=lambda: got.append(api.parse_file(SAMPLE)))
    worker.start()
    worker.join()
    assert got[0].status == "ok"


def test_budgets_do_not_nest():
    with file_budget(Budget(cpu_seconds=0.2, memory_bytes=0)):
        handler = signal.getsignal(signal.SIGALRM)
        with file_budget(Budget(cpu_seconds=100, memory_bytes=0)):
            assert signal.getsignal(signal.SIGALRM) is handler  # the outer one still watches
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


@pytest.mark.slow
def test_ingest_workers_keep_the_ceiling_from_the_environment(monkeypatch, tmp_path):
    # Enough files for a worker pool (store.POOL_MIN_FILES); one of them a one-line file of
    # a million characters of reports (seconds to parse), the ceiling a fraction of that.
    from fiscal_eval.store import parquet
    from fiscal_eval.synth import generate

    generate(agencies=parquet.POOL_MIN_FILES // 2, years=2, seed=5, out=tmp_path / "synth")
    corpus = tmp_path / "synth" / "reports"
    lines = [p.read_text("utf-8").replace("\n", " ") for p in sorted(corpus.glob("*.txt"))]
    (corpus / "one_line.txt").write_text(" ".join(lines * (1_000_000 // sum(map(len, lines)) + 1)), "utf-8")
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "0.5")
    ingest([corpus], store=tmp_path / "store", jobs=2, progress=False)
    rows = {Path(r["path"]).name: r for r in manifest(tmp_path / "store").iter_rows(named=True)}
    assert len(rows) == parquet.POOL_MIN_FILES + 1
    assert rows["one_line.txt"]["status"] == "failed"
    assert "limit of 0.5 CPU seconds" in rows["one_line.txt"]["errors"]
    assert all(r["status"] != "failed" for name, r in rows.items() if name != "one_line.txt")
