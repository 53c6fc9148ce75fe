"""Expanding folders: every entry that is not a report file still becomes an input that
fails naming itself (FIFOs, sockets, symlink loops, folder links, unlistable and empty
folders), and nothing blocks or aborts the walk."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import fiscal_eval
import fiscal_eval.sources as sources
from fiscal_eval.sources import iter_input_files

SAMPLE = next((Path(__file__).resolve().parents[2] / "data" / "samples").glob("000_*.txt"))


@pytest.fixture
def odd_tree(tmp_path: Path) -> Path:
    """A folder with one report and one of every entry that is not a report file."""
    root = tmp_path / "odd"
    (root / "real").mkdir(parents=True)
    (root / "real" / "r.txt").write_bytes(SAMPLE.read_bytes())
    os.mkfifo(root / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock"))
    sock.close()
    os.symlink("loop", root / "loop")  # points at itself: ELOOP on every stat
    os.symlink(root / "real", root / "folder-link", target_is_directory=True)
    return root


def _reasons(reports: list[fiscal_eval.Report]) -> dict[str, str]:
    return {Path(r.source).name: "; ".join(r.errors) for r in reports}


def test_every_odd_entry_is_an_input_that_fails_naming_itself(odd_tree: Path) -> None:
    found = iter_input_files([odd_tree])
    assert [p.relative_to(odd_tree).as_posix() for p in found] == [
        "folder-link", "loop", "pipe", "real/r.txt", "sock",
    ]
    reports = fiscal_eval.parse_paths([odd_tree])  # returns: the FIFO was never opened
    assert [r.status for r in reports] == ["failed", "failed", "failed", "ok", "failed"]
    reasons = _reasons(reports)
    assert reasons["pipe"] == f"{odd_tree / 'pipe'}: not a regular file (FIFO)"
    assert reasons["sock"].endswith("not a regular file (socket)")
    assert reasons["loop"].endswith("symlink loop (too many levels of symbolic links)")
    assert reasons["folder-link"].endswith("symlink to a folder, not followed (name the folder itself to read it)")


def test_a_named_symlink_loop_is_a_failed_input(odd_tree: Path) -> None:
    (report,) = fiscal_eval.parse_paths([odd_tree / "loop"])
    assert report.status == "failed" and "symlink loop" in report.errors[0]


def test_an_unlistable_subfolder_fails_without_stopping_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a/r.txt", "locked/x.txt", "z/r.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    real_scandir = os.scandir
    locked = str(tmp_path / "locked")

    def scandir(path: str) -> object:  # NOTE: tests run as root, whom chmod 000 does not stop
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(sources.os, "scandir", scandir)
    reports = fiscal_eval.parse_paths([tmp_path])
    assert [Path(r.source).relative_to(tmp_path).as_posix() for r in reports] == ["a/r.txt", "locked", "z/r.txt"]
    assert [r.status for r in reports] == ["ok", "failed", "ok"]
    assert reports[1].errors == (f"{locked}: cannot list folder: Permission denied",)


def test_a_named_empty_folder_is_a_failed_input(tmp_path: Path) -> None:
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / ".hidden.txt").write_text("x")
    (report,) = fiscal_eval.parse_paths([tmp_path / "empty"])
    assert report.status == "failed"
    assert report.errors == (f"{tmp_path / 'empty'}: folder holds no input files (hidden files are skipped)",)


def test_display_path_escapes_the_bytes_of_a_non_utf8_name() -> None:
    name = os.fsdecode(b"/d/\xff\xfe-\xe6\x8a\xa5.txt")  # two bad bytes, then 报 in UTF-8
    assert sources.display_path(name) == "/d/\\xff\\xfe-报.txt"
    assert sources.display_path(Path("/d/报告.txt")) == "/d/报告.txt"
    assert sources.display_path("\ud800") == "\\xed\\xa0\\x80"  # not from a file name: still printable
