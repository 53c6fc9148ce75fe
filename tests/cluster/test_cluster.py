"""The cluster engine (fiscal_eval.store.cluster): ingest and batch on a dask LocalCluster
give what the local engine gives; failures on workers are rows; the --cluster option."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fiscal_eval import cli, store
from fiscal_eval.store.generations import _TABLE_COLUMNS

distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"


@pytest.fixture(scope="module")
def client():
    """Two worker processes of one thread (the machine has two cores); a task that kills
    its worker fails at once (no retry on another), so a lost worker is quick to test."""
    import logging

    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The samples, a small synthetic corpus, the same bytes at a second path (a suffixed
    id), a file that is no report and an empty one (failed rows): 17 files."""
    from fiscal_eval.synth import generate

    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLES, folder / "samples")
    generate(agencies=3, years=3, seed=3, out=folder / "synthetic")
    (folder / "synthetic" / "truth.jsonl").unlink()
    shutil.copy(SAMPLES / "000_8f7748dd4a7239a6.txt", folder / "samples" / "copy_of_000.txt")
    (folder / "odd").mkdir()
    (folder / "odd" / "empty.txt").write_bytes(b"")
    (folder / "odd" / "binary.bin").write_bytes(bytes(range(256)) * 4)
    return folder


def _contents(folder: Path) -> dict[str, pl.DataFrame]:
    tables = store.load(folder)
    found = {name: getattr(tables, name) for name in _TABLE_COLUMNS}
    found["manifest"] = store.manifest(folder).drop("ingested_at")
    return found


def _assert_same(a: Path, b: Path) -> None:
    left, right = _contents(a), _contents(b)
    for name in left:
        assert left[name].equals(right[name]), name


def test_ingest_on_cluster_is_the_local_store(client, corpus: Path, tmp_path: Path) -> None:
    local = store.ingest([corpus], tmp_path / "local", jobs=1)
    remote = store.ingest([corpus], tmp_path / "remote", cluster=client)
    assert (remote.files, remote.parsed, remote.failed) == (local.files, local.parsed, local.failed) == (17, 17, 2)
    _assert_same(tmp_path / "local", tmp_path / "remote")
    reports = store.load(tmp_path / "remote").reports
    copies = reports.filter(pl.col("source").str.contains("000_8f7748dd4a7239a6|copy_of_000")).sort("source")
    assert copies["agency"].to_list() == ["中共保山市委网信办"] * 2
    first, second = copies["report_id"].to_list()
    assert second == first + "-" + second.rsplit("-", 1)[1] and len(first) == 16  # the copy: suffixed
    # Incremental on the cluster too: nothing changed, nothing parsed.
    again = store.ingest([corpus], tmp_path / "remote", cluster=client)
    assert (again.parsed, again.skipped) == (0, 17)


def test_ceilings_hold_on_workers(client, tmp_path: Path, monkeypatch) -> None:
    """A file over the run's CPU ceiling is a failed row naming it, on a worker as here."""
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    text = (SAMPLES / "003_0aae5738ae055c76.txt").read_text(encoding="utf-8")
    big.write_text(text * 400, encoding="utf-8")
    shutil.copy(SAMPLES / "001_8d55dc4650bfa9cb.txt", tmp_path / "in")
    monkeypatch.setenv("FISCAL_EVAL_MAX_SECONDS", "0.01")
    local = store.ingest([tmp_path / "in"], tmp_path / "local", jobs=1)
    remote = store.ingest([tmp_path / "in"], tmp_path / "remote", cluster=client)
    assert local.failed == remote.failed == 1
    rows = store.manifest(tmp_path / "remote").sort("path")
    assert rows["status"].to_list() == ["ok", "failed"]
    assert "more than the limit of 0.01 CPU seconds" in rows["errors"][1]
    _assert_same(tmp_path / "local", tmp_path / "remote")


def _on_worker_when(marker: str, action: str) -> None:
    """On a worker: when a chunk holds a file named ``marker``, end the worker process
    ("worker"), or kill the chunk's parse child first, as the out-of-memory killer would
    ("child")."""
    from fiscal_eval.store import cluster

    original = getattr(cluster._Child, "_original_parse", cluster._Child.parse)

    def parse(self, tasks, budget):
        if any(marker in task.key for task in tasks):
            if action == "worker":
                os._exit(1)
            self.process.kill()
        return original(self, tasks, budget)

    cluster._Child._original_parse = original
    cluster._Child.parse = parse


def _undo() -> None:
    from fiscal_eval.store import cluster

    cluster._Child.parse = getattr(cluster._Child, "_original_parse", cluster._Child.parse)


@pytest.fixture()
def patched(client):
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield lambda *args: client.run(_on_worker_when, *args)
    client.run(_undo)


def _sorted(folder: Path) -> dict[str, pl.DataFrame]:
    """A store's contents in a set order: a re-ingest appends what it parsed again."""
    return {name: frame.sort(frame.columns, nulls_last=True) for name, frame in _contents(folder).items()}


def test_lost_worker_is_failed_rows_then_parsed_again(client, patched, corpus: Path, tmp_path: Path) -> None:
    patched("002_557ccedee4deabea", "worker")
    summary = store.ingest([corpus], tmp_path / "remote", cluster=client)
    assert summary.files == 17
    rows = store.manifest(tmp_path / "remote")
    lost = rows.filter(pl.col("errors").str.contains("lost on the cluster", literal=True))
    assert lost.height >= 1 and lost["status"].unique().to_list() == ["failed"]
    assert any("002_557ccedee4deabea" in p for p in lost["path"])
    assert "KilledWorker" in lost["errors"][0]
    assert lost["size"].null_count() == lost.height  # no stat: the next ingest parses them again
    # The tasks the dead worker held are lost with it (a run with dask's default retries
    # would move the innocent ones to another worker); the rest are parsed as locally.
    others = rows.filter(~pl.col("path").is_in(lost["path"].implode()))
    assert others.height == 17 - lost.height > 0
    assert others.filter(pl.col("status") == "failed")["path"].str.contains("/odd/").all()
    client.run(_undo)
    again = store.ingest([corpus], tmp_path / "remote", cluster=client)
    assert again.parsed == lost.height
    store.ingest([corpus], tmp_path / "local", jobs=1)
    local, remote = _sorted(tmp_path / "local"), _sorted(tmp_path / "remote")
    assert all(local[name].equals(remote[name]) for name in local)


def test_child_killed_on_a_file_fails_that_file_only(client, patched, corpus: Path, tmp_path: Path) -> None:
    patched("004_45e604a4b21bbf7f", "child")
    store.ingest([corpus], tmp_path / "remote", cluster=client)
    rows = store.manifest(tmp_path / "remote")
    failed = rows.filter(pl.col("status") == "failed").sort("path")
    killed = failed.filter(pl.col("path").str.contains("004_45e604a4b21bbf7f", literal=True))
    assert killed.height == 1
    assert "stopped (signal 9) while parsing this file" in killed["errors"][0]
    assert failed.height == 3  # that file and the two odd ones: the chunk's others were parsed again
    store.ingest([corpus], tmp_path / "local", jobs=1)
    local = store.load(tmp_path / "local").reports
    remote = store.load(tmp_path / "remote").reports
    kept = ~pl.col("source").str.contains("004_45e604a4b21bbf7f", literal=True)
    assert local.filter(kept).equals(remote.filter(kept))


# --------------------------------------------------------------------------- batch

_RANDOM_IDS = [
    # A cell with no id in the notebook file (papermill's parameters cell, the cells of
    # an older notebook) gets a random one when read: eight hex digits.
    re.compile(rb'id="cell-id=[0-9a-f]{8}"'),
    re.compile(rb"fe-chart-[0-9a-f]{8}-"),  # present.charts: a random prefix a process
]


def _page(path: Path) -> bytes:
    """A page's bytes, less the ids that differ between any two runs (local ones too)."""
    data = path.read_bytes()
    for pattern in _RANDOM_IDS:
        data = pattern.sub(b"<id>", data)
    return data


@pytest.mark.slow
def test_batch_on_cluster_gives_the_local_pages(client, tmp_path: Path) -> None:
    from fiscal_eval.render.batch import run_batch

    folder = tmp_path / "store"
    store.ingest([SAMPLES], folder, jobs=1)
    config = FIXTURES / "batch_fixture.yml"
    local = run_batch(folder, tmp_path / "local", config=config, jobs=1, progress=False)
    remote = run_batch(folder, tmp_path / "remote", config=config, cluster=client, progress=False)
    statuses = lambda result: {r.name: (r.status, r.error, r.html) for r in result.reports}  # noqa: E731
    assert statuses(remote) == statuses(local)
    assert {s for s, _, _ in statuses(remote).values()} == {"ok", "failed"}
    assert [r.error for r in remote.failed][:1] == ["ValueError at cell 5: deliberately broken for '全部'"]
    pages = sorted(p.name for p in (tmp_path / "local").glob("*.html"))
    assert pages == sorted(p.name for p in (tmp_path / "remote").glob("*.html")) and len(pages) > 8
    for name in pages:
        if name != "index.html":  # the index says when it was made
            assert _page(tmp_path / "local" / name) == _page(tmp_path / "remote" / name), name
    # Incremental: the state written by the cluster run is the local one's.
    again = run_batch(folder, tmp_path / "remote", config=config, cluster=client, progress=False)
    assert again.skipped == len([r for r in local.reports if r.status == "ok"])


# --------------------------------------------------------------------------- the command line


def test_cli_ingest_on_local_cluster(corpus: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fiscal_eval.cli", "ingest", str(corpus), "--store", str(tmp_path / "s"),
         "--cluster", "local:2"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("17 files: 17 parsed, 0 skipped, 0 removed; 2 failed")
    store.ingest([corpus], tmp_path / "local", jobs=1)
    _assert_same(tmp_path / "local", tmp_path / "s")


@pytest.mark.parametrize("command", ["ingest", "batch"])
def test_cli_unreachable_scheduler_is_exit_2(command: str, tmp_path: Path) -> None:
    args = ["ingest", str(SAMPLES)] if command == "ingest" else ["batch", "--out", str(tmp_path / "out")]
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    done = subprocess.run([sys.executable, "-m", "fiscal_eval.cli", *args, "--store", str(tmp_path / "s"),
                           "--cluster", "tcp://127.0.0.1:9"], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2
    assert "error: cannot reach the dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_bad_cluster_addresses(tmp_path: Path) -> None:
    runner = CliRunner()
    for address, message in [("local:0", "local:N needs a number of workers N"),
                             ("local:two", "local:N needs a number of workers N"),
                             ("tcp://a b", "not a scheduler address")]:
        result = runner.invoke(cli.app, ["ingest", str(SAMPLES), "--store", str(tmp_path / "s"),
                                         "--cluster", address])
        assert result.exit_code == 2 and message in result.output, (address, result.output)


def test_cli_without_dask_names_the_extra(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    result = CliRunner().invoke(cli.app, ["ingest", str(SAMPLES), "--store", str(tmp_path / "s"),
                                          "--cluster", "local:1"])
    assert result.exit_code == 2
    assert 'needs dask.distributed, which is not installed: pip install "fiscal_eval[cluster]"' in result.output
