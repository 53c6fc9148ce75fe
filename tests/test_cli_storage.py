"""Errors that are not bugs (issue 15): a full disk, a read-only folder or a refused
permission during an ingest or a batch is a clear message with exit 2, never "internal
error … this is a bug" (exit 3), and never costs the store or a good page."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.errors import StorageError
from fiscal_eval.store import check, ingest, load, manifest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLES, folder)
    return folder


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_during_an_ingest_is_exit_2_and_the_store_survives(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store"
    ingest(corpus, db)
    before = load(db).reports
    (corpus / "000_8f7748dd4a7239a6.txt").write_text("某局2021年度项目绩效自评报告。预算安排10万元。", encoding="utf-8")
    monkeypatch.setattr(pq.ParquetWriter, "write_table", _enospc)

    with pytest.raises(StorageError) as caught:
        ingest(corpus, db)
    message = str(caught.value)
    assert message.startswith(f"cannot write the new generation of the store at {db}: no space left on the device")
    assert "needed" in message and "free" in message and "free some space" in message
    assert caught.value.needed and caught.value.needed > 10_000  # about the live generation's size

    result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--store", str(db)])
    assert result.exit_code == 2, result.output
    assert "error: cannot write the new generation" in result.output
    assert "internal error" not in result.output and "bug" not in result.output

    # The store is as it was, and nothing of the failed run is left.
    assert load(db).reports.equals(before) and check(db).ok
    assert sorted(p.name for p in db.iterdir() if p.is_dir()) == ["gen-000001"]
    monkeypatch.undo()
    assert ingest(corpus, db).parsed == 1


def test_a_full_disk_at_the_commit_is_exit_2_and_the_next_ingest_cleans_up(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fiscal_eval.store import parquet

    db = tmp_path / "store"
    ingest(corpus, db)
    (corpus / "001_8d55dc4650bfa9cb.txt").unlink()
    monkeypatch.setattr(parquet, "_flip", _enospc)
    with pytest.raises(StorageError, match="cannot make gen-000002 the live generation .*no space left"):
        ingest(corpus, db)
    monkeypatch.undo()
    assert manifest(db).height == 5  # the old generation is still the live one
    summary = ingest(corpus, db)
    assert summary.removed == 1
    assert sorted(p.name for p in db.iterdir() if p.is_dir()) == ["gen-000003"]


@pytest.mark.parametrize(("code", "words"), [
    (errno.EROFS, "the file system is read-only"),
    (errno.EACCES, "permission denied"),
    (errno.EPERM, "operation not permitted"),
])
def test_a_store_folder_that_refuses_writes_is_exit_2(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    db = tmp_path / "store"
    real_mkdir = Path.mkdir

    def refused(self: Path, *args: Any, **kwargs: Any) -> None:
        if self == db:
            raise OSError(code, os.strerror(code), str(self))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refused)
    result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--store", str(db)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: cannot write the store at {db}: {words} at {db}")
    assert "choose a folder you can write to" in result.output and "internal error" not in result.output


def test_any_other_refused_write_is_exit_2_not_a_bug(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from fiscal_eval import store

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "x"))

    monkeypatch.setattr(store, "ingest", full)
    result = CliRunner().invoke(cli.app, ["ingest", "a"])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot go on: no space left on the device at {tmp_path / 'x'}")
    monkeypatch.setattr(store, "ingest", lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    assert CliRunner().invoke(cli.app, ["ingest", "a"]).exit_code == 3  # not the disk refusing: a bug


# --------------------------------------------------------------------------- batch pages


class _FakePool:
    """Stands in for the warm kernel pool: writes each page (``full``: the disk is full
    instead, as a report's process reports it) without running a notebook."""

    full = False
    ran: list[str] = []

    def __init__(self, jobs: int) -> None:
        pass

    def start(self) -> _FakePool:
        return self

    def shrink(self, jobs: int) -> None:
        pass

    def close(self) -> None:
        pass

    def run(self, jobs: Any, on_done: Any) -> None:
        from fiscal_eval.render.kernels import Outcome

        for job in jobs:
            _FakePool.ran.append(job.name)
            if _FakePool.full:
                on_done(Outcome(name=job.name, status="failed", error_name="export: OSError",
                                error_value=f"[Errno 28] No space left on device: '{job.html}'"))
            else:
                Path(job.html).write_text(f"<html>{job.name} v1</html>", encoding="utf-8")
                on_done(Outcome(name=job.name, status="ok", html_written=True))


def test_a_full_disk_in_a_forced_batch_keeps_every_good_page(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fiscal_eval.render import kernels

    db, out = tmp_path / "store", tmp_path / "out"
    ingest(corpus, db)
    monkeypatch.setattr(kernels, "WarmPool", _FakePool)
    _FakePool.full, _FakePool.ran = False, []
    first = CliRunner().invoke(cli.app, ["batch", "--store", str(db), "--out", str(out), "--jobs", "1"])
    assert first.exit_code == 0, first.output
    pages = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html") if p.name != "index.html"}
    assert len(pages) >= 5

    _FakePool.full, _FakePool.ran = True, []
    result = CliRunner().invoke(cli.app, ["batch", "--store", str(db), "--out", str(out), "--jobs", "1", "--force"])

    assert result.exit_code == 2, result.output
    assert "error: cannot write the report page " in result.output
    assert "no space left on the device" in result.output and "internal error" not in result.output
    assert len(_FakePool.ran) == 1  # stopped at the first refused page, not one failure a report
    # Every page, the one whose write failed included, is still there, whole.
    assert {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html") if p.name != "index.html"} == pages
