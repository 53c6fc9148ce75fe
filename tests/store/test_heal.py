"""A store that checks and heals (issue 15): checksums and columns recorded at commit,
verified by readers, damaged or missing tables rebuilt by the next ingest, leftovers of
interrupted ingests removed at its start, and `fiscal-eval check`."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.errors import StoreDamagedError
from fiscal_eval.store import check, ingest, load, manifest
from fiscal_eval.store import generations as store_generations
from fiscal_eval.store import layout as store_layout
from fiscal_eval.store import parquet as store
from fiscal_eval.store.frames import Tables

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
TABLES = list(Tables.__dataclass_fields__)


def _copy_samples(folder: Path, copies: int = 1) -> Path:
    """The samples (``copies`` of each, varied by one line), written an hour ago."""
    folder.mkdir()
    hour_ago = time.time_ns() - 3600 * 10**9
    for k in range(copies):
        for path in sorted(SAMPLES.iterdir()):
            target = folder / f"{k:02d}_{path.name}"
            text = path.read_text(encoding="utf-8")
            target.write_text(text if copies == 1 else text + f"\n附：第{k}号副本。\n", encoding="utf-8")
            os.utime(target, ns=(hour_ago, hour_ago))
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return _copy_samples(tmp_path / "corpus")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store"


def _same_as_a_clean_ingest(db: Path, corpus: Path, tmp_path: Path) -> None:
    """The healed store holds exactly the rows a fresh ingest of the corpus gives."""
    clean = tmp_path / "clean"
    ingest(corpus, clean, jobs=1)
    healed, fresh = load(db), load(clean)
    for name in TABLES:
        a, b = getattr(healed, name), getattr(fresh, name)
        assert_frame_equal(a.sort(a.columns), b.sort(b.columns), check_row_order=False)
    assert_frame_equal(manifest(db).drop("ingested_at"), manifest(clean).drop("ingested_at"))
    assert check(db).ok


def _overwrite(path: Path, offset: int, size: int = 4096) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(bytes((7 * i + 13) % 256 for i in range(size)))


def _record(db: Path) -> dict:
    return json.loads((db / (db / "CURRENT").read_text().strip() / "integrity.json").read_text())


def test_every_table_has_its_checksum_and_columns_recorded(corpus: Path, db: Path) -> None:
    import hashlib

    ingest(corpus, db)
    tables = _record(db)["tables"]
    from fiscal_eval.metrics.stored import STORED_FILES  # the corpus metrics, checksummed alike

    assert set(tables) == {*TABLES, "manifest", *(f.removesuffix(".parquet") for f in STORED_FILES)}
    for name, entry in tables.items():
        data = (db / "gen-000001" / f"{name}.parquet").read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert tables["reports"]["columns"][:2] == [["report_id", "large_string"], ["source", "large_string"]]
    assert [c for c, _ in tables["manifest"]["columns"]] == list(store.MANIFEST_COLUMNS)
    assert check(db).ok and str(check(db)).endswith(f"{9 + len(STORED_FILES)} tables, checksums and columns match")


def test_4_kb_overwritten_in_one_table_is_named_and_rebuilt(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    texts = db / "gen-000001" / "texts.parquet"
    assert texts.stat().st_size > 8192
    _overwrite(texts, texts.stat().st_size // 3)

    with pytest.raises(StoreDamagedError) as caught:
        load(db)
    error = caught.value
    assert (error.store, error.generation, error.table) == (str(db), "gen-000001", "texts")
    assert str(error).startswith(f"store at {db} is damaged: gen-000001/texts: ")
    assert "ComputeError" not in str(error)
    assert load(db, lazy=True).reports.collect().height == 5  # only sizes and columns checked lazily
    assert manifest(db).height == 5  # the manifest is intact

    result = check(db)
    assert not result.ok and [d.table for d in result.damaged] == ["texts"]
    assert "checksum differs" in result.damaged[0].problem

    summary = ingest(corpus, db)  # the corpus is unchanged: only the damage makes work
    assert summary.parsed > 0 and len(summary.repaired) == 1
    assert summary.repaired[0].startswith("gen-000001/texts: checksum differs")
    assert "repaired: gen-000001/texts" in str(summary)
    _same_as_a_clean_ingest(db, corpus, tmp_path)
    assert ingest(corpus, db).parsed == 0  # healed: the next ingest has nothing to do


def test_a_damaged_row_group_costs_only_the_reports_it_held(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _copy_samples(tmp_path / "corpus", copies=8)  # 40 reports
    monkeypatch.setattr(store_generations, "_FLUSH_ROWS", 20)  # many small row groups
    monkeypatch.setattr(store_layout, "ROW_GROUP_ROWS", 20)  # kept small when laid out
    ingest(corpus, db, jobs=1)
    entry = _record(db)["tables"]["sections"]
    groups = entry["row_groups"]
    assert len(groups) >= 4
    # 4 KB inside the third row group, past its report_id column chunk (so its ids are known).
    start, end = groups[2]["span"]
    ids_end = groups[2]["ids"][1]
    assert end - ids_end > 4096
    _overwrite(db / "gen-000001" / "sections.parquet", ids_end + 16)
    monkeypatch.undo()

    with pytest.raises(StoreDamagedError, match="gen-000001/sections: checksum differs"):
        load(db)
    assert "row group 2 of" in check(db).damaged[0].problem

    summary = ingest(corpus, db, jobs=1)
    assert 0 < summary.parsed < 40, summary  # the reports of that row group, not all 40
    assert summary.repaired == (
        f"gen-000001/sections: checksum differs (row group 2 of {len(groups)}); rebuilt "
        f"({summary.parsed} files parsed again for it)",
    )
    _same_as_a_clean_ingest(db, corpus, tmp_path)


def test_a_table_replaced_by_another_tables_file(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    shutil.copyfile(db / "gen-000001" / "flags.parquet", db / "gen-000001" / "evidence.parquet")

    for lazy in (False, True):
        with pytest.raises(StoreDamagedError, match="gen-000001/evidence: holds the columns of table 'flags'"):
            load(db, lazy=lazy)
    result = CliRunner().invoke(cli.app, ["check", str(db)])
    assert result.exit_code == 1
    assert "evidence: holds the columns of table 'flags': another table's file" in result.output

    summary = ingest(corpus, db)
    assert summary.parsed == 5
    assert summary.repaired == ("gen-000001/evidence: holds the columns of table 'flags': another table's file; "
                                "rebuilt, every file parsed again",)
    _same_as_a_clean_ingest(db, corpus, tmp_path)


def test_a_missing_table(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    (db / "gen-000001" / "indicators.parquet").unlink()

    with pytest.raises(StoreDamagedError, match="gen-000001/indicators: missing") as caught:
        load(db)
    assert caught.value.table == "indicators"
    with pytest.raises(StoreDamagedError, match="indicators: missing"):
        load(db, lazy=True)
    assert store.snapshot(db, {"reports": ["report_id"]}).tables["reports"].height == 5  # others still read

    summary = ingest(corpus, db)
    assert summary.parsed == 5 and summary.repaired == (
        "gen-000001/indicators: missing; rebuilt, every file parsed again",
    )
    _same_as_a_clean_ingest(db, corpus, tmp_path)


def test_a_damaged_manifest(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    path = db / "gen-000001" / "manifest.parquet"
    _overwrite(path, 0, min(4096, path.stat().st_size))

    with pytest.raises(StoreDamagedError, match="gen-000001/manifest: ") as caught:
        manifest(db)
    assert caught.value.table == "manifest"
    result = CliRunner().invoke(cli.app, ["check", str(db)])
    assert result.exit_code == 1 and "manifest: " in result.output

    result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--store", str(db)])
    assert result.exit_code == 0, result.output  # not 3, "internal error"
    assert "5 parsed" in result.output and "repaired: gen-000001/manifest: " in result.output
    _same_as_a_clean_ingest(db, corpus, tmp_path)


def test_a_damaged_checksum_record_rebuilds(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    (db / "gen-000001" / "integrity.json").write_text("{not json")
    with pytest.raises(StoreDamagedError, match="gen-000001/integrity: integrity.json cannot be read"):
        load(db)
    summary = ingest(corpus, db)
    assert summary.parsed == 5 and summary.repaired[0].startswith("gen-000001/integrity: ")
    _same_as_a_clean_ingest(db, corpus, tmp_path)


def test_an_orphan_generation_is_cleaned_at_the_start_of_an_ingest(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(corpus, db)
    (corpus / "00_000_8f7748dd4a7239a6.txt").unlink()

    def full_disk(root: Path, generation: str) -> None:
        raise OSError("the commit never happened")

    monkeypatch.setattr(store, "_flip", full_disk)
    with pytest.raises(OSError):
        ingest(corpus, db)
    monkeypatch.undo()
    orphans = sorted(p.name for p in db.iterdir() if p.is_dir() and p.name != "gen-000001")
    assert orphans == ["gen-000002"]  # written, never made live
    (db / ".tmp-0123abcd").mkdir()  # and a killed ingest's folder
    assert check(db).ok and check(db).leftovers == (".tmp-0123abcd", "gen-000002")

    seen: list[list[str]] = []
    real = store._write_generation

    def watching(*args: object, **kwargs: object) -> object:
        seen.append(sorted(p.name for p in db.iterdir() if p.is_dir()))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "_write_generation", watching)
    summary = ingest(corpus, db)

    assert summary.removed == 1
    # Before the new generation was written, only the live one (and the new one's temp folder) remained.
    assert [n for n in seen[0] if not n.startswith(".tmp-")] == ["gen-000001"]
    assert sorted(p.name for p in db.iterdir() if p.is_dir()) == ["gen-000003"]


def test_a_store_written_before_checksums_gets_them(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    (db / "gen-000001" / "integrity.json").unlink()
    assert load(db).reports.height == 5
    result = check(db)
    assert result.ok and not result.checksums and "no checksums recorded" in str(result)

    summary = ingest(corpus, db)  # nothing changed, but checksums are due: tables carried over
    assert summary.parsed == 0 and summary.repaired == ()
    assert (db / "CURRENT").read_text().strip() == "gen-000002"
    assert check(db).ok and check(db).checksums
    assert ingest(corpus, db).parsed == 0 and (db / "CURRENT").read_text().strip() == "gen-000002"


def test_cli_check(corpus: Path, db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli.app, ["check", str(db)])
    assert result.exit_code == 2 and f"no store at {db}" in result.output
    ingest(corpus, db)
    result = runner.invoke(cli.app, ["check", str(db)])
    assert result.exit_code == 0
    from fiscal_eval.metrics.stored import STORED_FILES

    tables = 9 + len(STORED_FILES)  # the store's tables, the manifest, the corpus metrics
    assert result.output == f"store at {db}, gen-000001: {tables} tables, checksums and columns match\n"
    _overwrite(db / "gen-000001" / "reports.parquet", 200, 64)
    result = runner.invoke(cli.app, ["check", str(db)])
    assert result.exit_code == 1
    assert f"store at {db}, gen-000001: damaged, 1 table" in result.output
    assert "  reports: checksum differs" in result.output and "fiscal-eval ingest" in result.output


def test_load_of_a_damaged_store_is_never_a_raw_polars_error(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    before = load(db)
    for name in TABLES:
        path = db / "gen-000001" / f"{name}.parquet"
        good = path.read_bytes()
        _overwrite(path, len(good) // 2, min(4096, len(good) // 3))
        with pytest.raises(StoreDamagedError, match=f"gen-000001/{name}: "):
            load(db)
        path.write_bytes(good)
    assert_frame_equal(load(db).flags, before.flags)
    assert pl.read_parquet(db / "gen-000001" / "flags.parquet").height == before.flags.height
