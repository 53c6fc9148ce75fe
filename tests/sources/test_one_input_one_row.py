"""Issue 15, "one input costs the run": a folder nested deeper than the recursion limit,
two names that display alike, a damaged byte or two, tables nested 67 deep: each input
is its own row (or rows), read where it can be, and the run goes on."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import fiscal_eval
from fiscal_eval import store
from fiscal_eval.api import iter_reports, parse_reports
from fiscal_eval.errors import ReadError
from fiscal_eval.sources import display_names, iter_input_files, read_bytes
from fiscal_eval.sources.text import decode_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
S000 = SAMPLES / "000_8f7748dd4a7239a6.txt"  # 中共保山市委网信办 2019: 71 万元 budget, 600,651.81 spent, 84.61 %
S003 = SAMPLES / "003_0aae5738ae055c76.txt"  # 和平县政务服务数据管理局 2020: score 88, 良好


def _nest(root: Path, depth: int) -> Path:
    """``root/d/d/…/d`` ``depth`` folders deep, made relative to an open folder (a path
    longer than PATH_MAX cannot be made, or opened, from its full name)."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("r.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(out, S000.read_bytes())
        os.close(out)
    finally:
        os.close(fd)
    return root / os.path.join(*["d"] * depth) / "r.txt"


def _unnest(root: Path) -> None:
    """Remove what :func:`_nest` made, a level at a time from the top (shutil.rmtree
    recurses: pytest's clean-up of old temporary folders would raise RecursionError)."""
    top, lifted = root / "d", root / "d.lifted"
    while top.is_dir():
        if (top / "d").is_dir():
            os.rename(top / "d", lifted)
        for name in os.listdir(top):
            os.unlink(top / name)
        os.rmdir(top)
        if not lifted.is_dir():
            break
        os.rename(lifted, top)


@pytest.fixture
def deep(tmp_path: Path):
    """A folder to nest in, emptied of its nesting afterwards."""
    yield tmp_path
    _unnest(tmp_path)


# --------------------------------------------------------------------------- deep folders


def test_a_folder_nested_1100_deep_is_read_with_its_siblings(deep):
    tmp_path = deep
    (tmp_path / "top.txt").write_bytes(S003.read_bytes())
    deep = _nest(tmp_path, 1100)
    assert [str(p) for p in iter_input_files([tmp_path])] == [str(deep), str(tmp_path / "top.txt")]
    reports = fiscal_eval.parse_paths([tmp_path])
    assert [(r.status, r.agency, r.year) for r in reports] == [
        ("ok", "中共保山市委网信办", 2019), ("ok", "和平县政务服务数据管理局", 2020)]
    assert reports[0].spent_yuan == 600_651.81

    summary = store.ingest([tmp_path], tmp_path.parent / "store", jobs=1)
    assert (summary.files, summary.parsed, summary.failed) == (2, 2, 0)
    assert sorted(store.load(tmp_path.parent / "store").reports["agency"].to_list()) == [
        "中共保山市委网信办", "和平县政务服务数据管理局"]


def test_a_folder_deeper_than_a_path_can_name_is_one_failed_row_and_the_run_goes_on(deep):
    tmp_path = deep
    (tmp_path / "top.txt").write_bytes(S003.read_bytes())
    _nest(tmp_path, 2100)  # 4,200 characters: past PATH_MAX (4,096)
    reports = fiscal_eval.parse_paths([tmp_path])
    assert [r.status for r in reports] == ["failed", "ok"]
    assert "File name too long" in reports[0].errors[0]
    assert reports[1].agency == "和平县政务服务数据管理局"


# --------------------------------------------------------------------------- names that display alike


@pytest.fixture
def look_alikes(tmp_path: Path) -> Path:
    """``a\\xff.txt`` twice: the byte 0xff (sample 000), and the four characters (sample 003)."""
    folder = tmp_path / "names"
    folder.mkdir()
    try:
        (Path(os.fsdecode(os.fsencode(folder) + b"/a\xff.txt"))).write_bytes(S000.read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses a name that is not UTF-8")
    (folder / "a\\xff.txt").write_bytes(S003.read_bytes())
    return folder


def test_display_names_keep_two_look_alikes_apart():
    raw, typed = os.fsdecode(b"/r/a\xff.txt"), "/r/a\\xff.txt"
    names = display_names([typed, raw, raw, "/r/b.txt"])
    assert names == [("/r/a\\\\xff.txt", typed), ("/r/a\\xff.txt", raw), ("/r/a\\xff.txt", raw), ("/r/b.txt", "/r/b.txt")]
    # Alone, each keeps the name it displays as.
    assert display_names([typed]) == [("/r/a\\xff.txt", typed)]
    assert display_names([raw]) == [("/r/a\\xff.txt", raw)]


def test_both_look_alikes_keep_their_report(look_alikes):
    reports = fiscal_eval.parse_paths([look_alikes])
    assert sorted(r.agency for r in reports) == ["中共保山市委网信办", "和平县政务服务数据管理局"]
    assert len({r.source for r in reports}) == 2
    assert {r.source.rsplit("/", 1)[1] for r in reports} == {"a\\xff.txt", "a\\\\xff.txt"}


def test_both_look_alikes_are_stored_even_with_the_same_content(look_alikes, tmp_path):
    summary = store.ingest([look_alikes], tmp_path / "store", jobs=1)
    assert (summary.files, summary.parsed) == (2, 2)
    assert sorted(store.load(tmp_path / "store").reports["agency"].to_list()) == [
        "中共保山市委网信办", "和平县政务服务数据管理局"]
    again = store.ingest([look_alikes], tmp_path / "store", jobs=1)
    assert (again.parsed, again.skipped) == (0, 2)  # the names are stable

    (look_alikes / "a\\xff.txt").write_bytes(S000.read_bytes())  # now both hold sample 000
    store.ingest([look_alikes], tmp_path / "store", jobs=1)
    rows = store.manifest(tmp_path / "store")
    assert rows.height == 2
    assert rows["report_id"].n_unique() == 2
    assert store.load(tmp_path / "store").reports["agency"].to_list() == ["中共保山市委网信办"] * 2


# --------------------------------------------------------------------------- damaged bytes


def _damaged(data: bytes, positions: dict[int, int]) -> bytes:
    out = bytearray(data)
    for at, value in positions.items():
        out[at] = value
    return bytes(out)


def _in_prose(text: str, encoding: str, share: float) -> int:
    """A byte offset, about ``share`` into the text, inside a character of a word (no
    digit within 20 characters): damage there cannot touch a figure."""
    i = int(len(text) * share)
    while not ("\u4e00" <= text[i] <= "\u9fff") or any(c.isdigit() for c in text[i - 20 : i + 20]):
        i += 1
    return len(text[:i].encode(encoding)) + 1


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
@pytest.mark.parametrize("bad", [[0xFF], [0x80, 0x00]])
def test_a_damaged_byte_or_two_is_repaired_and_the_report_is_partial(tmp_path, encoding, bad):
    text = S000.read_text(encoding="utf-8")
    clean = parse_reports(S000)[0]
    positions = {_in_prose(text, encoding, 0.3 + 0.3 * k): value for k, value in enumerate(bad)}
    path = tmp_path / "damaged.txt"
    path.write_bytes(_damaged(text.encode(encoding), positions))
    (report,) = parse_reports(path)
    assert report.status == "partial"
    assert (report.agency, report.year, report.budget_yuan, report.spent_yuan, report.execution_rate_reported) == (
        clean.agency, clean.year, clean.budget_yuan, clean.spent_yuan, clean.execution_rate_reported)
    assert any("replaced by U+FFFD" in e for e in report.errors)
    if 0 in bad:
        assert any("1 NUL byte(s)" in e for e in report.errors)


def test_one_damaged_byte_in_a_small_report_is_not_binary():
    # The case: a 1.9 KB report, one byte damaged (three U+FFFD in UTF-8).
    data = S003.read_bytes()[:1900]
    data = data[: data.rfind(b"\n")]
    for at in range(200, len(data) - 200, 97):
        damaged = _damaged(data, {at: 0xFF})
        decoded = decode_bytes(damaged, "small.txt")
        assert decoded.encoding == "utf-8" and decoded.repaired
        assert decoded.text.count("\ufffd") <= 3


def test_binary_stays_binary():
    blob = random.Random(15).randbytes(1900)
    with pytest.raises(ReadError, match="binary file"):
        read_bytes(blob, "blob.txt", suffix=".txt")
    text = S003.read_bytes()[:1900]
    with pytest.raises(ReadError, match="NUL bytes"):  # more NULs than a damaged byte or two
        read_bytes(_damaged(text, {i: 0 for i in range(100, 1900, 300)}), "nul.txt", suffix=".txt")


# --------------------------------------------------------------------------- nested tables


def _nested_page(depth: int) -> bytes:
    body = S000.read_text(encoding="utf-8").replace("&", "&amp;").replace("<", "&lt;")
    return ("<html><body>" + "<table><tr><td>" * depth + f"<p>{body}</p>" + "</td></tr></table>" * depth
            + "</body></html>").encode("utf-8")


@pytest.mark.parametrize("depth", [67, 400, 5000])
def test_tables_nested_deep_keep_their_text(tmp_path, depth):
    clean = parse_reports(S000)[0]
    path = tmp_path / "nested.html"
    path.write_bytes(_nested_page(depth))
    (report,) = parse_reports(path)
    assert (report.agency, report.year, report.spent_yuan, report.execution_rate_reported) == (
        clean.agency, clean.year, clean.spent_yuan, clean.execution_rate_reported)


def test_iter_reports_gives_what_parse_paths_gives():
    assert [r.to_dict() for r in iter_reports([SAMPLES])] == [r.to_dict() for r in fiscal_eval.parse_paths([SAMPLES])]
