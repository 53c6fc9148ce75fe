"""The Parquet store: ingest, incremental re-ingest, atomic generations, load, CLI."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.api import parse_file
from fiscal_eval.errors import FiscalEvalError, StoreDamagedError
from fiscal_eval.store import MANIFEST_COLUMNS, IngestSummary, ingest, load, manifest
from fiscal_eval.store import generations as store_generations
from fiscal_eval.store import parquet as store  # the implementation: some tests patch its internals
from fiscal_eval.store import plan as store_plan
from fiscal_eval.store import pool as store_pool
from fiscal_eval.store.frames import Tables, schema, tables
from fiscal_eval.store.layout import in_store_order

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
AGENCIES = {
    "000_8f7748dd4a7239a6.txt": "中共保山市委网信办",
    "001_8d55dc4650bfa9cb.txt": "保山市政务服务管理局",
    "002_557ccedee4deabea.txt": "开远市人民政府大数据研究中心",
    "003_0aae5738ae055c76.txt": "和平县政务服务数据管理局",
    "004_45e604a4b21bbf7f.txt": "保靖县电子政务办公室",
}
TABLES = [f for f in Tables.__dataclass_fields__]
SCHEMAS = {name: schema(cols) for name, cols in store_generations._TABLE_COLUMNS.items()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the five samples, last written an hour ago (as most of a real
    corpus is: a file written in the second before an ingest is hashed on the next one)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    hour_ago = time.time_ns() - 3600 * 10**9
    for path in sorted(SAMPLES.iterdir()):
        shutil.copyfile(path, folder / path.name)
        os.utime(folder / path.name, ns=(hour_ago, hour_ago))
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store"


def _rows_by_id(t: Tables) -> dict[str, dict[str, int]]:
    """Rows per report_id in every table."""
    return {
        name: dict(getattr(t, name).group_by("report_id").len().iter_rows())
        for name in TABLES
    }


def _store_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _assert_tables_equal(a: Tables, b: Tables) -> None:
    for name in TABLES:
        assert_frame_equal(getattr(a, name), getattr(b, name))


# --------------------------------------------------------------------------- first ingest


def test_ingest_samples_makes_every_table_and_a_manifest(corpus: Path, db: Path) -> None:
    summary = ingest(corpus, db)

    assert summary == IngestSummary(files=5, parsed=5, skipped=0, removed=0, failed=0, partial=0, reports=5,
                                    seconds=summary.seconds)
    t = load(db)
    assert t.reports.height == 5
    names = [Path(s).name for s in t.reports["source"]]
    assert dict(zip(names, t.reports["agency"])) == AGENCIES
    for name in TABLES:  # the model.py schemas, exactly, survive the round trip
        assert dict(getattr(t, name).schema) == SCHEMAS[name], name
    ids = set(t.reports["report_id"])
    for name in TABLES:
        assert set(getattr(t, name)["report_id"]) <= ids, name
    assert t.fund_lines.height > 0 and t.indicators.height > 0 and t.sections.height > 0

    m = manifest(db)
    assert dict(m.schema) == schema(MANIFEST_COLUMNS)
    assert m.height == 5
    assert m["status"].to_list() == ["ok"] * 5
    assert m["path"].to_list() == [str(corpus.resolve() / n) for n in sorted(AGENCIES)]
    assert m["size"].to_list() == [(corpus / n).stat().st_size for n in sorted(AGENCIES)]
    assert set(m["report_id"]) == ids
    assert m["sha256"].str.len_chars().to_list() == [64] * 5
    # The store's ids are the parser's: they join with parse_file results.
    assert parse_file(corpus / "003_0aae5738ae055c76.txt").report_id in ids


def test_rows_match_the_parsed_and_audited_reports(corpus: Path, db: Path) -> None:
    from fiscal_eval.metrics.audit import audit

    ingest(corpus, db)
    files = sorted(str(p) for p in corpus.resolve().iterdir())
    expected = tables([audit(parse_file(p, check=False)) for p in files])
    # NOTE: the store keeps the rows sorted by the keys pages look them up by (store.layout)
    expected = Tables(**{name: in_store_order(name, getattr(expected, name)) for name in TABLES})
    _assert_tables_equal(load(db), expected)


def test_layout_on_disk(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    assert (db / "CURRENT").read_text().strip() == "gen-000001"
    assert (db / "VERSION").read_text().strip() == "1"
    from fiscal_eval.metrics.stored import STORED_FILES  # the corpus metrics, kept with the tables

    assert sorted(p.name for p in (db / "gen-000001").iterdir()) == sorted(
        [f"{n}.parquet" for n in TABLES] + ["manifest.parquet", "integrity.json", *STORED_FILES]
    )
    (corpus / "000_8f7748dd4a7239a6.txt").unlink()
    ingest(corpus, db)
    assert (db / "CURRENT").read_text().strip() == "gen-000002"
    assert (db / "VERSION").read_text().strip() == "2"
    assert not (db / "gen-000001").exists()  # the old generation is deleted after the flip


def test_bad_files_are_failed_manifest_rows_naming_the_file(corpus: Path, db: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blob.bin").write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "no-such-report.txt"

    summary = ingest([corpus, missing], db)

    assert (summary.files, summary.parsed, summary.failed, summary.partial) == (8, 8, 3, 0)
    m = manifest(db)
    assert m.height == 8  # inputs in = manifest rows
    failed_rows = m.filter(pl.col("status") == "failed").select("path", "errors").iter_rows()
    failed = {Path(p).name: e for p, e in failed_rows}
    assert set(failed) == {"empty.txt", "blob.bin", "no-such-report.txt"}
    for name, error in failed.items():
        assert name in error
    assert "empty" in failed["empty.txt"] and "binary" in failed["blob.bin"]
    assert "not found" in failed["no-such-report.txt"]
    missing_row = m.filter(pl.col("path") == str(missing))
    assert missing_row["size"].to_list() == [None] and missing_row["sha256"].to_list() == [None]
    # Every manifest row has its reports row, failed ones included.
    assert sorted(load(db).reports["report_id"]) == sorted(m["report_id"])

    again = ingest([corpus, missing], db)
    assert (again.parsed, again.skipped, again.failed) == (0, 8, 3)


def test_odd_entries_are_failed_rows_and_a_fifo_is_never_opened(corpus: Path, db: Path, tmp_path: Path) -> None:
    os.mkfifo(corpus / "pipe")  # opening it to hash or read would block the ingest forever
    os.symlink("loop", corpus / "loop")
    os.symlink("named-loop", tmp_path / "named-loop")  # resolving it raises on Python < 3.13

    summary = ingest([corpus, tmp_path / "named-loop"], db)

    assert (summary.files, summary.failed) == (8, 3)
    failed = dict(manifest(db).filter(pl.col("status") == "failed").select("path", "errors").iter_rows())
    assert failed[str(corpus.resolve() / "pipe")].endswith("pipe: not a regular file (FIFO)")
    assert "symlink loop" in failed[str(corpus.resolve() / "loop")]
    assert "symlink loop" in failed[str(tmp_path / "named-loop")]
    assert ingest([corpus, tmp_path / "named-loop"], db).skipped == 8


def test_a_non_utf8_file_name_is_stored_under_an_escaped_path(corpus: Path, db: Path) -> None:
    raw = os.fsencode(corpus) + b"/\xff\xfe.txt"  # not UTF-8: Python sees surrogates
    with open(raw, "wb") as handle:
        handle.write((corpus / "001_8d55dc4650bfa9cb.txt").read_bytes())
    with open(os.fsencode(corpus) + b"/\xff.bin", "wb") as handle:
        handle.write(bytes(range(256)) * 8)
    shown = str(corpus.resolve()) + "/\\xff\\xfe.txt"

    # The tables of parsed reports can hold it too (polars refuses lone surrogates).
    t = tables([parse_file(os.fsdecode(raw))])
    assert t.reports["source"].to_list() == [str(corpus) + "/\\xff\\xfe.txt"]

    summary = ingest(corpus, db)

    assert (summary.files, summary.failed) == (7, 1)
    m = manifest(db)
    statuses = dict(m.select("path", "status").iter_rows())
    assert statuses[shown] == "ok"
    assert statuses[str(corpus.resolve()) + "/\\xff.bin"] == "failed"
    assert "\\xff.bin: " in m.filter(pl.col("status") == "failed")["errors"].item()
    assert shown in set(load(db).reports["source"])
    # The next run finds it under the same name: nothing to do.
    assert ingest(corpus, db).skipped == 7
    os.unlink(raw)
    assert ingest(corpus, db).removed == 1


def test_files_inside_the_store_are_not_inputs(corpus: Path) -> None:
    inner = corpus / "store"
    ingest(corpus, inner)
    summary = ingest(corpus, inner)  # the store's Parquet files now sit under the corpus
    assert (summary.files, summary.parsed) == (5, 0)
    assert manifest(inner).height == 5


def test_no_paths_is_an_error_not_an_empty_store(db: Path) -> None:
    with pytest.raises(FiscalEvalError, match="no input paths"):
        ingest([], db)
    assert not (db / "CURRENT").exists()


# --------------------------------------------------------------------------- incremental


def test_reingest_unchanged_reads_no_file_and_rewrites_nothing(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(corpus, db)
    before = _store_files(db)
    hashed: list[str] = []
    monkeypatch.setattr(store_plan, "_sha256", lambda path: hashed.append(path))

    summary = ingest(corpus, db)

    assert (summary.files, summary.parsed, summary.skipped, summary.removed) == (5, 0, 5, 0)
    assert hashed == []  # the stat fast path: no file was read
    assert _store_files(db) == before


def test_a_new_file_is_read_once_its_hash_from_the_bytes_parsed(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    (corpus / "blob.bin").write_bytes(bytes(range(256)) * 8)  # refused by the readers
    hashed: list[str] = []
    real_sha256 = store_plan._sha256
    monkeypatch.setattr(store_plan, "_sha256", lambda path: hashed.append(Path(path).name) or real_sha256(path))

    ingest(corpus, db)

    # Every file was hashed from the bytes read for it, the one its readers refuse too.
    assert hashed == []
    shas = dict(manifest(db).select("path", "sha256").iter_rows())
    assert shas == {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.resolve().iterdir()}


def test_touched_file_is_skipped_by_its_hash(corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest(corpus, db)
    old_tables, old_manifest = load(db), manifest(db)
    touched = corpus / "002_557ccedee4deabea.txt"
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    parsed: list[str] = []
    real_parse = store_pool._parse_one
    monkeypatch.setattr(store_pool, "_parse_one", lambda path: parsed.append(path) or real_parse(path))

    summary = ingest(corpus, db)

    assert (summary.parsed, summary.skipped) == (0, 5)
    assert parsed == []
    _assert_tables_equal(load(db), old_tables)
    new_manifest = manifest(db)
    row = new_manifest.filter(pl.col("path") == str(touched.resolve()))
    assert row["mtime_ns"].item() == stat.st_mtime_ns + 5_000_000_000  # the new stat is kept
    assert_frame_equal(new_manifest.drop("mtime_ns"), old_manifest.drop("mtime_ns"))
    # ... so the next run takes the fast path again.
    hashed: list[str] = []
    monkeypatch.setattr(store_plan, "_sha256", lambda path: hashed.append(path))
    assert ingest(corpus, db).skipped == 5 and hashed == []


def test_a_same_size_rewrite_in_the_same_mtime_tick_is_not_skipped(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = corpus / "003_0aae5738ae055c76.txt"
    target.touch()  # written as the ingest starts: its stat cannot tell a later rewrite
    ingest(corpus, db)
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("和平县", "连平县"), encoding="utf-8")  # same UTF-8 length
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # within the same tick
    assert (target.stat().st_size, target.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    hashed: list[str] = []
    real_sha256 = store_plan._sha256
    monkeypatch.setattr(store_plan, "_sha256", lambda path: hashed.append(Path(path).name) or real_sha256(path))

    summary = ingest(corpus, db)

    assert hashed == [target.name]  # the racily clean row only; older files keep the fast path
    assert (summary.parsed, summary.skipped) == (1, 4)
    assert "连平县政务服务数据管理局" in set(load(db).reports["agency"])


def test_a_racily_clean_row_is_hashed_until_a_later_ingest_vouches_for_it(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = corpus / "002_557ccedee4deabea.txt"
    target.touch()
    ingest(corpus, db)
    first = manifest(db)
    hashed: list[str] = []
    real_sha256 = store_plan._sha256
    monkeypatch.setattr(store_plan, "_sha256", lambda path: hashed.append(Path(path).name) or real_sha256(path))

    summary = ingest(corpus, db)  # unchanged: hashed, kept, and recorded under this ingest's start

    assert hashed == [target.name] and (summary.parsed, summary.skipped) == (0, 5)
    assert (db / "CURRENT").read_text().strip() == "gen-000002"
    assert_frame_equal(manifest(db), first)  # the same rows, ingested_at included
    monkeypatch.setattr(store_plan, "_RACY_NS", 0)  # as if the margin had passed since
    hashed.clear()
    assert ingest(corpus, db).skipped == 5 and hashed == []


def test_a_store_without_its_stat_time_hashes_every_file_once(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(corpus, db)
    path = db / "gen-000001" / "manifest.parquet"
    pl.read_parquet(path).write_parquet(path)  # as written before the time was recorded
    (db / "gen-000001" / "integrity.json").unlink()  # ... and before checksums were
    hashed: list[str] = []
    real_sha256 = store_plan._sha256
    monkeypatch.setattr(store_plan, "_sha256", lambda path: hashed.append(path) or real_sha256(path))

    assert ingest(corpus, db).parsed == 0 and len(hashed) == 5
    hashed.clear()
    assert ingest(corpus, db).skipped == 5 and hashed == []


def test_modified_file_alone_is_reparsed_and_its_rows_replaced(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    before = _rows_by_id(load(db))
    target = corpus / "003_0aae5738ae055c76.txt"
    old_id = manifest(db).filter(pl.col("path") == str(target.resolve()))["report_id"].item()
    target.write_text(target.read_text(encoding="utf-8").replace("和平县", "连平县"), encoding="utf-8")

    summary = ingest(corpus, db)

    assert (summary.parsed, summary.skipped, summary.removed) == (1, 4, 0)
    t, m = load(db), manifest(db)
    assert t.reports.height == 5 and m.height == 5
    new_id = m.filter(pl.col("path") == str(target.resolve()))["report_id"].item()
    assert new_id != old_id
    assert t.reports.filter(pl.col("report_id") == new_id)["agency"].item() == "连平县政务服务数据管理局"
    after = _rows_by_id(t)
    fresh = _rows_by_id(tables([parse_file(target)]))
    for name in TABLES:
        assert old_id not in after[name], name
        assert after[name].get(new_id, 0) == sum(fresh[name].values()), name
        # Every other report's rows are untouched.
        others = {k: v for k, v in after[name].items() if k != new_id}
        assert others == {k: v for k, v in before[name].items() if k != old_id}, name


def test_deleted_file_loses_its_rows(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    gone = corpus / "000_8f7748dd4a7239a6.txt"
    gone_id = manifest(db).filter(pl.col("path") == str(gone.resolve()))["report_id"].item()
    gone.unlink()

    summary = ingest(corpus, db)

    assert (summary.files, summary.parsed, summary.skipped, summary.removed) == (4, 0, 4, 1)
    t = load(db)
    for name in TABLES:
        assert gone_id not in set(getattr(t, name)["report_id"]), name
    assert manifest(db).height == 4 and t.reports.height == 4
    assert "中共保山市委网信办" not in set(t.reports["agency"])


def test_same_content_at_two_paths_is_two_reports(corpus: Path, db: Path) -> None:
    original = corpus / "001_8d55dc4650bfa9cb.txt"
    (corpus / "sub").mkdir()
    copy = corpus / "sub" / "copy.txt"
    shutil.copyfile(original, copy)

    ingest(corpus, db)

    m = manifest(db)
    ids = dict(m.select("path", "report_id").iter_rows())
    first, second = ids[str(original.resolve())], ids[str(copy.resolve())]
    assert first == parse_file(original).report_id  # first in input order keeps the parser's id
    assert second.startswith(first + "-") and len(second) == len(first) + 9
    counts = _rows_by_id(load(db))
    for name in TABLES:
        assert counts[name].get(first) == counts[name].get(second), name
    # An id stays with its path: removing the first does not rename the second.
    original.unlink()
    ingest(corpus, db)
    assert manifest(db).filter(pl.col("path") == str(copy.resolve()))["report_id"].item() == second
    # A new copy now takes the parser's id again, which nobody holds.
    shutil.copyfile(copy, corpus / "again.txt")
    ingest(corpus, db)
    assert manifest(db).filter(pl.col("path").str.ends_with("again.txt"))["report_id"].item() == first


def test_a_mistyped_path_is_refused_and_the_store_kept(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    before = _store_files(db)
    typo = tmp_path / "corpsu"

    with pytest.raises(FiscalEvalError) as refused:
        ingest(typo, db)

    assert str(refused.value) == (
        f"refusing to ingest: {typo} does not exist, so 5 stored files would be removed from the "
        f"store (such as {corpus.resolve() / '000_8f7748dd4a7239a6.txt'}); check the path, or pass "
        "--prune (prune=True) to remove them"
    )
    assert _store_files(db) == before
    # Named beside the real folder, the typo removes nothing: it is one more failed input.
    summary = ingest([corpus, typo], db)
    assert (summary.files, summary.skipped, summary.removed, summary.failed) == (6, 5, 0, 1)


def test_an_empty_or_vanished_named_path_is_refused_unless_pruning(corpus: Path, db: Path, tmp_path: Path) -> None:
    one, two = corpus / "000_8f7748dd4a7239a6.txt", corpus / "001_8d55dc4650bfa9cb.txt"
    ingest([one, two], db)
    one.unlink()  # a file named on the command line, stored as ok, is gone
    with pytest.raises(FiscalEvalError, match=r"000_8f7748dd4a7239a6.txt does not exist, so 1 stored file would"):
        ingest([one, two], db)
    ingest(corpus, db, prune=False)  # the folder still holds inputs: its deleted file just goes
    empty = tmp_path / "mount"
    empty.mkdir()
    with pytest.raises(FiscalEvalError, match=r"mount holds no input files, so 4 stored files would be removed"):
        ingest(empty, db)
    assert manifest(db).height == 4

    summary = ingest(empty, db, prune=True)

    assert (summary.files, summary.removed, summary.failed) == (1, 4, 1)
    assert summary.unread_folders == (f"{empty}: folder holds no input files (hidden files are skipped)",)
    assert manifest(db)["errors"].to_list() == [f"{empty}: folder holds no input files (hidden files are skipped)"]


def test_cli_ingest_refuses_a_mistyped_path_in_one_line(corpus: Path, db: Path, tmp_path: Path) -> None:
    ingest(corpus, db)
    result = CliRunner().invoke(cli.app, ["ingest", str(tmp_path / "corpsu"), "--store", str(db)])
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: refusing to ingest: {tmp_path / 'corpsu'} does not exist, so 5 stored files")
    assert manifest(db).height == 5
    pruned = CliRunner().invoke(cli.app, ["ingest", str(tmp_path / "corpsu"), "--store", str(db), "--prune"])
    assert pruned.exit_code == 0, pruned.output
    assert pruned.stdout.startswith("1 file: 1 parsed, 0 skipped, 5 removed; 1 failed")
    assert "--prune" in CliRunner().invoke(cli.app, ["ingest", "--help"]).stdout


def test_cli_ingest_of_an_empty_folder_is_an_error(db: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(cli.app, ["ingest", str(tmp_path / "empty"), "--store", str(db)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'empty'}: folder holds no input files (hidden files are skipped)\n"


# --------------------------------------------------------------------------- atomicity


def test_a_second_ingest_fails_fast_while_one_is_writing(corpus: Path, db: Path) -> None:
    import fcntl

    ingest(corpus, db)
    before = manifest(db)
    with open(db / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(FiscalEvalError, match="being written by another ingest"):
            ingest(corpus, db)
    assert_frame_equal(manifest(db), before)


def test_a_crash_before_the_flip_leaves_the_old_store_and_the_next_run_completes(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(corpus, db)
    old_tables, old_manifest = load(db), manifest(db)
    target = corpus / "004_45e604a4b21bbf7f.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n附：修订稿。\n", encoding="utf-8")
    (corpus / "001_8d55dc4650bfa9cb.txt").unlink()

    def killed(root: Path, generation: str) -> None:
        raise OSError("killed while committing")

    monkeypatch.setattr(store, "_flip", killed)
    with pytest.raises(OSError, match="killed"):
        ingest(corpus, db)

    # Readers still see the last good generation, whole.
    _assert_tables_equal(load(db), old_tables)
    assert_frame_equal(manifest(db), old_manifest)
    assert (db / "CURRENT").read_text().strip() == "gen-000001"

    monkeypatch.undo()
    summary = ingest(corpus, db)
    assert (summary.files, summary.parsed, summary.skipped, summary.removed) == (4, 1, 3, 1)
    assert load(db).reports.height == 4
    # The orphaned generation was not reused, and is cleaned up with the old one.
    assert (db / "CURRENT").read_text().strip() == "gen-000003"
    assert sorted(p.name for p in db.iterdir() if p.is_dir()) == ["gen-000003"]


def test_a_crash_while_writing_leaves_no_temp_folder(
    corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(corpus, db)
    changed = corpus / "000_8f7748dd4a7239a6.txt"
    changed.write_text("某局2021年度项目绩效自评报告。预算安排10万元。", encoding="utf-8")

    def broken(rows: list[dict[str, object]]) -> pl.DataFrame:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_manifest_frame", broken)
    with pytest.raises(RuntimeError):
        ingest(corpus, db)
    assert sorted(p.name for p in db.iterdir() if p.is_dir()) == ["gen-000001"]
    monkeypatch.undo()
    assert ingest(corpus, db).parsed == 1


def test_a_store_of_an_older_schema_is_parsed_again(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    old = db / (db / "CURRENT").read_text().strip() / "flags.parquet"
    pl.read_parquet(old).drop("sentence").write_parquet(old)  # as written before a column was added

    summary = ingest(corpus, db)

    assert (summary.parsed, summary.skipped) == (5, 0)
    assert dict(load(db).flags.schema) == SCHEMAS["flags"]


def test_a_dead_worker_is_an_error_and_leaves_the_store(
    big_corpus: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(big_corpus, db, jobs=1)
    before = _store_files(db)
    for path in sorted(big_corpus.iterdir())[:5]:
        path.write_text(path.read_text(encoding="utf-8") + "改。", encoding="utf-8")
    for path in sorted(big_corpus.iterdir())[-60:]:
        path.unlink()
    (big_corpus / "new").mkdir()
    for k in range(70):
        text = f"某局2021年度项目绩效自评报告。预算安排{k + 1}万元。"
        (big_corpus / "new" / f"{k}.txt").write_text(text, encoding="utf-8")

    class DeadPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def submit(self, fn: object, *args: object) -> concurrent.futures.Future[object]:
            future: concurrent.futures.Future[object] = concurrent.futures.Future()
            future.set_exception(BrokenProcessPool("killed by the OOM killer"))
            return future

        def shutdown(self, **kwargs: object) -> None:
            pass

    monkeypatch.setattr(store_pool, "ProcessPoolExecutor", DeadPool)
    with pytest.raises(FiscalEvalError, match=r"worker process stopped.*jobs=1"):
        ingest(big_corpus, db, jobs=2)
    assert {k: v for k, v in _store_files(db).items() if k != ".lock"} == {
        k: v for k, v in before.items() if k != ".lock"
    }


# --------------------------------------------------------------------------- reading


def test_lazy_load_equals_eager_load(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    eager, lazy = load(db), load(db, lazy=True)
    for name in TABLES:
        frame = getattr(lazy, name)
        assert isinstance(frame, pl.LazyFrame)
        assert_frame_equal(frame.collect(), getattr(eager, name))


def test_a_snapshot_reads_one_generation(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    snap = store.snapshot(db, {"reports": ["report_id", "agency"], "flags": None})
    assert snap.generation == "gen-000001"
    assert_frame_equal(snap.manifest, manifest(db))
    assert_frame_equal(snap.tables["reports"], load(db).reports.select("report_id", "agency"))
    assert_frame_equal(snap.tables["flags"], load(db).flags)
    assert set(store.snapshot(db).tables) == set()
    with pytest.raises(ValueError, match="no table 'report'"):
        store.snapshot(db, {"report": None})


def test_loading_no_store_names_the_path(tmp_path: Path) -> None:
    where = tmp_path / "nowhere"
    with pytest.raises(FiscalEvalError, match=f"no store at {where}: run `fiscal-eval ingest DIR` first"):
        load(where)
    with pytest.raises(FiscalEvalError, match="no store at"):
        manifest(where)


def test_a_damaged_pointer_is_reported(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    (db / "CURRENT").write_text("gen-000099\n")
    with pytest.raises(FiscalEvalError, match="damaged"):
        load(db)


def test_a_missing_table_file_is_a_damaged_store(corpus: Path, db: Path) -> None:
    ingest(corpus, db)
    (db / "gen-000001" / "sections.parquet").unlink()
    with pytest.raises(StoreDamagedError, match="damaged: gen-000001/sections: missing") as caught:
        load(db)
    assert (caught.value.generation, caught.value.table) == ("gen-000001", "sections")


def test_a_file_as_the_store_is_refused(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "store").write_text("")
    with pytest.raises(FiscalEvalError, match="is a file, not a folder"):
        ingest(corpus, tmp_path / "store")


# --------------------------------------------------------------------------- parallel


@pytest.fixture
def big_corpus(tmp_path: Path) -> Path:
    """70 small reports (≥ POOL_MIN_FILES): the samples with one varied line each."""
    folder = tmp_path / "big"
    folder.mkdir()
    samples = sorted(SAMPLES.iterdir())
    for k in range(70):
        sample = samples[k % len(samples)]
        text = sample.read_text(encoding="utf-8")
        (folder / f"{k:03d}_{sample.name}").write_text(text + f"\n附：第{k}号副本。\n", encoding="utf-8")
    assert len(list(folder.iterdir())) >= store.POOL_MIN_FILES
    return folder


def test_parallel_ingest_gives_the_same_tables_as_one_process(
    big_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[int] = []

    class CountingPool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args: object, **kwargs: object) -> None:
            pools.append(1)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_pool, "ProcessPoolExecutor", CountingPool)
    serial = ingest(big_corpus, tmp_path / "one", jobs=1)
    assert pools == []
    parallel = ingest(big_corpus, tmp_path / "two", jobs=2)
    assert pools == [1]  # the worker pool really ran

    assert (serial.parsed, parallel.parsed) == (70, 70)
    one, two = load(tmp_path / "one"), load(tmp_path / "two")
    _assert_tables_equal(one, two)
    assert one.reports["report_id"].n_unique() == 70
    assert_frame_equal(
        manifest(tmp_path / "one").drop("ingested_at"), manifest(tmp_path / "two").drop("ingested_at")
    )


def test_progress_bar_only_when_asked_or_on_a_terminal(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest(corpus, tmp_path / "quiet")  # stderr is not a terminal here: no bar
    assert capsys.readouterr().err == ""
    ingest(corpus, tmp_path / "loud", progress=True)
    assert load(tmp_path / "loud").reports.height == 5


# --------------------------------------------------------------------------- CLI


def test_cli_ingest_passes_its_options_to_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, ...]] = []
    summary = IngestSummary(files=12, parsed=10, skipped=2, removed=0, failed=1, partial=0, seconds=0.84)
    def fake_ingest(paths: list[str], where: str, *, jobs: int | None, prune: bool) -> IngestSummary:
        calls.append((paths, where, jobs, prune))
        return summary

    monkeypatch.setattr(store, "ingest", fake_ingest)

    result = CliRunner().invoke(cli.app, ["ingest", "a", "b", "--store", "s", "--jobs", "3"])

    assert result.exit_code == 0, result.output
    assert calls == [(["a", "b"], "s", 3, False)]
    assert result.output == "12 files: 10 parsed, 2 skipped, 0 removed; 1 failed, 0 partial; 0.8 s\n"
    assert CliRunner().invoke(cli.app, ["ingest", "a", "--prune"]).exit_code == 0
    assert calls[-1] == (["a"], "data/store", None, True)


def test_cli_ingest_exits_0_with_failed_files(corpus: Path, db: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--store", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("6 files: 6 parsed, 0 skipped, 0 removed; 1 failed, 0 partial; ")
    assert manifest(db).height == 6


def test_cli_ingest_rebuilds_a_store_whose_pointer_is_damaged(db: Path, corpus: Path) -> None:
    result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--store", str(db), "--jobs", "0"])
    assert result.exit_code == 2  # typer refuses jobs < 1 before any work
    (db / "CURRENT").parent.mkdir(parents=True)
    (db / "CURRENT").write_text("gen-000042\n")
    checked = CliRunner().invoke(cli.app, ["check", str(db)])
    assert checked.exit_code == 1 and "CURRENT: it names 'gen-000042'" in checked.output
    result = CliRunner().invoke(cli.app, ["ingest", str(corpus), "--store", str(db)])
    assert result.exit_code == 0, result.output
    assert "repaired: CURRENT: it names 'gen-000042', which is no generation" in result.output
    assert "Traceback" not in result.output
    assert load(db).reports.height == 5

