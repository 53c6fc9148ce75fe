"""The store's layout (fiscal_eval.store.layout): the tables pages look rows up in, sorted by
those keys in small row groups, so one agency's page reads the same few row groups
whatever the size of the store (issue 13, batch_scaling)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from fiscal_eval.bench.national import grow_store
from fiscal_eval.present import verdict, views
from fiscal_eval.store import check, ingest, live_generation, load
from fiscal_eval.store import layout as store_layout
from fiscal_eval.store.integrity import _chunk_span
from fiscal_eval.store.layout import SORTED_BY, arrange, in_store_order, sorted_by
from fiscal_eval.synth import generate

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture(scope="module")
def small_groups() -> Iterator[None]:
    """Row groups of 8 rows: a few dozen reports then make many groups, as a nation's do."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_layout, "ROW_GROUP_ROWS", 8)
        yield


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory, small_groups: None) -> Path:
    """A store of 8 synthetic agencies × 3 years and the samples."""
    work = tmp_path_factory.mktemp("layout")
    generate(agencies=8, years=3, seed=3, out=work / "syn")
    shutil.copytree(work / "syn" / "reports", work / "in" / "syn")
    shutil.copytree(SAMPLES, work / "in" / "samples")
    ingest([work / "in"], work / "store", jobs=1, progress=False)
    return work / "store"


def _tables(folder: Path) -> dict[str, Path]:
    return {stem: folder / f"{stem}.parquet" for stem in SORTED_BY if (folder / f"{stem}.parquet").is_file()}


def _stats_columns(path: Path) -> set[str]:
    meta = pq.read_metadata(path)
    return {meta.row_group(i).column(j).path_in_schema for i in range(meta.num_row_groups)
            for j in range(meta.num_columns) if meta.row_group(i).column(j).is_stats_set}


def test_an_ingest_lays_out_each_table_by_its_key(seed: Path) -> None:
    folder = live_generation(seed)
    tables = _tables(folder)
    assert set(tables) == set(SORTED_BY)  # the parsed tables and the metrics pages look up
    for stem, path in tables.items():
        keys = SORTED_BY[stem]
        frame = pl.read_parquet(path)
        assert sorted_by(path) == keys, stem
        assert_frame_equal(frame, frame.sort(list(keys), maintain_order=True, nulls_last=False))
        meta = pq.read_metadata(path)
        assert max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) <= 8, stem
        assert _stats_columns(path) == set(keys), stem  # the footer holds the keys' statistics only
    assert sorted_by(folder / "texts.parquet") is None  # ingest order: the metrics read it so
    assert check(seed).ok


def test_rows_are_the_ingest_order_sorted_stably(seed: Path, tmp_path: Path) -> None:
    # A report's rows keep the order they were written in (indicators as the report lists
    # them): the file is the stable sort of what was written.
    t = load(seed)
    path = tmp_path / "indicators.parquet"
    shuffled = t.indicators.sample(fraction=1.0, shuffle=True, seed=1)
    assert shuffled.height > 8 * 3 and shuffled["report_id"].n_unique() < shuffled.height
    shuffled.write_parquet(path)
    arrange(path, ("report_id",), rows_per_group=3)
    laid_out = pl.read_parquet(path)
    assert_frame_equal(laid_out, in_store_order("indicators", shuffled))
    assert not laid_out.equals(shuffled.sort("report_id", "span_start"))  # not merely sorted: stable


def test_a_large_table_is_sorted_a_key_range_at_a_time(seed: Path, tmp_path: Path) -> None:
    t = load(seed)
    path = tmp_path / "indicators.parquet"
    shuffled = t.indicators.sample(fraction=1.0, shuffle=True, seed=2)
    shuffled.write_parquet(path, row_group_size=50)
    arrange(path, ("report_id",), rows_per_group=16, budget=2_000)  # a budget far below the table
    assert_frame_equal(pl.read_parquet(path), in_store_order("indicators", shuffled))
    meta = pq.read_metadata(path)
    assert meta.num_row_groups >= shuffled.height // 16
    assert [p.name for p in tmp_path.iterdir()] == ["indicators.parquet"]  # the ranges' files are gone


def test_a_table_large_in_memory_is_sorted_a_finer_range_at_a_time_into_the_same_file(
        seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A table's Parquet size says little of what sorting it takes (indicators at 300,000
    # reports: 10 MB on disk, 640 MB to sort): it is cut by its size as polars holds it,
    # into ranges whose rows are written in the row groups the whole table gets, byte for byte.
    shuffled = load(seed).indicators.sample(fraction=1.0, shuffle=True, seed=4)
    for budget in (None, 2_000):  # the whole table one part; parts by Parquet size
        paths = [tmp_path / f"{name}.parquet" for name in ("once", "finer")]
        for path in paths:
            shuffled.write_parquet(path, row_group_size=50)
        spilled: list[int] = []
        spill = store_layout._spill
        monkeypatch.setattr(store_layout, "_spill", lambda *a: spilled.append(len(a[3])) or spill(*a))
        monkeypatch.setattr(store_layout, "_memory", lambda parquet: 0)
        arrange(paths[0], ("report_id",), rows_per_group=16, budget=budget)
        huge = (budget or store_layout._BUDGET_BYTES) * 10  # as if huge: a range of the table is 40 budgets
        monkeypatch.setattr(store_layout, "_memory", lambda parquet: huge)
        arrange(paths[1], ("report_id",), rows_per_group=16, budget=budget)
        assert spilled[-1] > 2 * (spilled[0] if spilled[:-1] else 1), spilled  # finer ranges than otherwise
        assert paths[0].read_bytes() == paths[1].read_bytes()
        assert_frame_equal(pl.read_parquet(paths[1]), in_store_order("indicators", shuffled))
        monkeypatch.undo()


def test_a_large_table_gets_larger_row_groups_not_more_than_max_groups(
        seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every scan reads every group's metadata: past MAX_GROUPS, groups grow instead.
    flags = load(seed).flags
    assert flags.height > 20
    path = tmp_path / "flags.parquet"
    flags.write_parquet(path)
    monkeypatch.setattr(store_layout, "MAX_GROUPS", 5)
    arrange(path, ("report_id",), rows_per_group=2)
    meta = pq.read_metadata(path)
    assert meta.num_row_groups == 5 and meta.row_group(0).num_rows == -(-flags.height // 5)
    assert_frame_equal(pl.read_parquet(path), in_store_order("flags", flags))


def test_a_reingest_keeps_the_layout_and_the_checksums(seed: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed, store)
    inputs = Path(load(store).reports["source"][0])
    corpus = inputs.parents[1]
    moved = tmp_path / "moved"
    shutil.copytree(corpus, moved)
    (moved / "samples" / "000_8f7748dd4a7239a6.txt").unlink()
    ingest([moved], store, jobs=1, progress=False, prune=True)
    folder = live_generation(store)
    assert folder.name == "gen-000002"
    for stem, path in _tables(folder).items():
        frame = pl.read_parquet(path)
        assert_frame_equal(frame, frame.sort(list(SORTED_BY[stem]), maintain_order=True, nulls_last=False))
    assert check(store).ok


# --------------------------------------------------------------------------- one agency's page


def _candidates(path: Path, column: str, values: set) -> list[int]:
    """The row groups whose statistics of ``column`` admit one of ``values`` (those a
    Parquet scan filtered on it must read)."""
    meta = pq.read_metadata(path)
    j = meta.schema.to_arrow_schema().get_field_index(column)
    out = []
    for i in range(meta.num_row_groups):
        stats = meta.row_group(i).column(j).statistics
        if stats is None or not stats.has_min_max or any(
                v is None and stats.null_count or v is not None and stats.min <= v <= stats.max for v in values):
            out.append(i)
    return out


def _page_keys(folder: Path, agency: str) -> dict[str, tuple[str, set]]:
    """Table -> (column, values) one agency's page looks its rows up by."""
    reports = pl.read_parquet(folder / "reports.parquet").filter(pl.col("agency") == agency)
    ids = set(reports["report_id"].to_list())
    keys: dict[str, tuple[str, set]] = {stem: ("report_id", ids) for stem, k in SORTED_BY.items() if k == ("report_id",)}
    keys.update({stem: ("agency", {agency}) for stem, k in SORTED_BY.items() if k == ("agency",)})
    keys["metric.per_report"] = ("region", set(reports["region"].to_list()))
    return keys


def _grown(seed: Path, dest: Path, reports: int) -> Path:
    grow_store(seed, dest, reports)
    return dest


@pytest.fixture(scope="module")
def grown(seed: Path, tmp_path_factory: pytest.TempPathFactory, small_groups: None) -> dict[int, Path]:
    work = tmp_path_factory.mktemp("grown")
    return {n: _grown(seed, work / f"store_{n}", n) for n in (60, 600)}


def test_one_agencys_row_groups_do_not_grow_with_the_store(grown: dict[int, Path]) -> None:
    folders = {n: live_generation(store) for n, store in grown.items()}
    small_reports = pl.read_parquet(folders[60] / "reports.parquet")
    agency = small_reports.filter(pl.col("year").is_not_null())["agency"].drop_nulls().sort()[0]
    read: dict[int, dict[str, int]] = {}
    bound: dict[int, dict[str, int]] = {}
    total: dict[int, int] = {}
    for n, folder in folders.items():
        keys = _page_keys(folder, agency)
        read[n], bound[n] = {}, {}
        for stem, (column, values) in keys.items():
            path = folder / f"{stem}.parquet"
            read[n][stem] = len(_candidates(path, column, values))
            # Sorted, a key's rows are consecutive: ceil(rows / 8) groups, one more where
            # they straddle a boundary (a key without rows: the one group whose range holds
            # it); in ingest order they would be in any group.
            counts = pl.read_parquet(path, columns=[column])[column].value_counts()
            rows = dict(zip(counts[column].to_list(), counts["count"].to_list()))
            bound[n][stem] = sum(-(-rows.get(v, 0) // 8) + 1 for v in values)
        total[n] = sum(pq.read_metadata(folder / f"{stem}.parquet").num_row_groups for stem in keys)
    assert total[600] >= 5 * total[60]  # ten times the reports: many more row groups in all …
    assert bound[600] == bound[60]  # … the same rows for the agency …
    for n in folders:  # … and no more row groups read for them than they fill
        assert all(read[n][stem] <= bound[n][stem] for stem in read[n]), (n, read[n], bound[n])
    assert sum(read[600].values()) <= sum(bound[60].values()) < total[60]


def _page(store: Path, agency: str, year: int) -> dict[str, object]:
    """What the agency_report notebook shows of the store (bench.national's page), fresh."""
    views.clear_corpus_cache()
    c = views.open_corpus(store)
    out: dict[str, object] = {"verdict": verdict.agency_verdict(c, agency, year)}
    for name in ("agency_facts", "funds_flow", "execution_rates", "indicator_points", "findings", "text_quality",
                 "problems_and_measures", "peers", "report_list"):
        out[name] = getattr(views, name)(c, agency, year)
    out["series"] = views.series(c, agency)
    out["pefa"] = views.pefa(c, agency)
    out["flags_over_time"] = views.flags_over_time(c, agency)
    out["recurring"] = views.recurring(c, agency)
    return out


def _spoil_other_groups(path: Path, keep: list[int]) -> int:
    """Overwrite every column chunk of the row groups not in ``keep`` with zeros."""
    meta = pq.read_metadata(path)
    data = bytearray(path.read_bytes())
    spoiled = 0
    for i in range(meta.num_row_groups):
        if i in keep:
            continue
        for j in range(meta.num_columns):
            start, end = _chunk_span(meta.row_group(i).column(j))
            data[start:end] = bytes(end - start)
        spoiled += 1
    path.write_bytes(bytes(data))
    return spoiled


def test_an_agency_page_never_opens_other_agencies_row_groups(grown: dict[int, Path], tmp_path: Path) -> None:
    # Every row group of the page's tables that holds none of the agency's rows is zeroed:
    # a page that read one (a scan of the whole table) would fail, or differ.
    store = tmp_path / "store"
    shutil.copytree(grown[600], store)
    folder = live_generation(store)
    reports = pl.read_parquet(folder / "reports.parquet").filter(pl.col("year").is_not_null())
    agency, year = reports.sort("agency", "year").select("agency", "year").row(len(reports) // 2)
    before = _page(grown[600], agency, year)
    spoiled = 0
    for stem, (column, values) in _page_keys(folder, agency).items():
        path = folder / f"{stem}.parquet"
        spoiled += _spoil_other_groups(path, _candidates(path, column, values))
    assert spoiled > 50
    with pytest.raises(Exception):  # noqa: B017 - any error: the zeroed groups are unreadable
        pl.read_parquet(folder / "flags.parquet")
    after = _page(store, agency, year)
    views.clear_corpus_cache()
    assert after.keys() == before.keys()
    for name, frame in before.items():
        if isinstance(frame, pl.DataFrame):
            other = after[name]
            assert isinstance(other, pl.DataFrame), name
            assert_frame_equal(other, frame)
        else:
            assert after[name] == frame, name
