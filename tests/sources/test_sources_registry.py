"""The reader registry: choosing a reader, refusing bad input, expanding folders."""

from __future__ import annotations

import doctest
import os
import random
from pathlib import Path

import pytest

import fiscal_eval.sources as sources
from fiscal_eval.errors import ReadError, UnsupportedFormatError
from fiscal_eval.model import Document
from fiscal_eval.sources import (
    READERS,
    SUFFIXES,
    document_from_text,
    iter_input_files,
    read_bytes,
    read_document,
    register,
)

SAMPLE_003 = next((Path(__file__).resolve().parents[2] / "data" / "samples").glob("003_*.txt"))
PAGE = "<!DOCTYPE html><html><head><title>自评</title></head><body><p>自评得分98分</p></body></html>"


def test_text_and_html_readers_are_registered():
    assert {"text", "html"} <= set(READERS)
    assert SUFFIXES[".txt"] == SUFFIXES[".text"] == "text"
    assert SUFFIXES[".html"] == SUFFIXES[".htm"] == SUFFIXES[".shtml"] == "html"


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("a.txt", PAGE, "text"),  # the suffix decides: a .txt file is text even if it holds tags
        ("a.TXT", "正文", "text"),
        ("a.htm", PAGE, "html"),
        ("a.shtml", PAGE, "html"),
        ("a.asp", PAGE, "html"),  # unknown suffix: sniffed
        ("noext", PAGE, "html"),
        ("noext", "<p>正文</p>", "text"),  # no doctype, <html>, <body> or <table>: text
        ("a.csv", "项目,金额\n预算,710000", "text"),
        ("a.2019", "<div><table><tr><td>1</td></tr></table></div>", "html"),
    ],
)
def test_reader_is_chosen_by_suffix_then_by_content(tmp_path: Path, name: str, content: str, expected: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    doc = read_document(path)
    assert doc.format == expected
    assert doc.source == str(path)


def test_source_is_the_path_as_given(tmp_path: Path, monkeypatch):
    (tmp_path / "r.txt").write_text("正文", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert read_document("r.txt").source == "r.txt"
    assert read_document(Path("r.txt")).source == "r.txt"


# --------------------------------------------------------------------------- bad input


def read_error(path) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_document(path)
    return info.value


def test_missing_file(tmp_path: Path):
    path = tmp_path / "missing.txt"
    error = read_error(path)
    assert type(error) is ReadError
    assert str(error) == f"{path}: file not found"
    assert (error.source, error.reason) == (str(path), "file not found")


def test_missing_folder_in_the_path(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    assert read_error(tmp_path / "file" / "child.txt").reason == "file not found"


def test_directory(tmp_path: Path):
    (tmp_path / "a.txt").write_text("x")
    error = read_error(tmp_path)
    assert str(error) == f"{tmp_path}: is a directory, not a file"


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert str(read_error(path)) == f"{path}: empty file (0 bytes)"


def test_empty_bytes_in_memory():
    with pytest.raises(ReadError, match=r"^mem: empty file \(0 bytes\)$"):
        read_bytes(b"", "mem")


@pytest.mark.parametrize("name", ["blob.bin", "blob.txt", "blob"])
def test_binary_file(tmp_path: Path, name: str):
    data = b"\x00\x00\x00\rIHDR" + random.Random(0).randbytes(4096)
    path = tmp_path / name
    path.write_bytes(data)
    error = read_error(path)
    assert type(error) is ReadError
    assert str(error).startswith(f"{path}: binary file, not text")
    assert "NUL bytes" in error.reason


def test_control_characters_without_nul_are_binary(tmp_path: Path):
    path = tmp_path / "ctl.txt"
    path.write_bytes(bytes(range(1, 32)) * 50)
    error = read_error(path)
    assert error.reason.startswith("binary file, not text:")
    assert "control characters" in error.reason


def test_random_bytes_without_nul_are_refused(tmp_path: Path):
    data = bytes(b for b in random.Random(1).randbytes(8192) if b)
    path = tmp_path / "noise.txt"
    path.write_bytes(data)
    assert read_error(path).reason.startswith("binary file, not text")


def test_file_over_the_size_cap(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_BYTES", 1024)
    path = tmp_path / "big.txt"
    path.write_bytes("预算".encode() * 1000)
    error = read_error(path)
    assert str(error).startswith(f"{path}: file too large")
    assert "limit" in error.reason


def test_the_size_cap_is_50_mb():
    assert sources.MAX_BYTES == 50 * 1024 * 1024


@pytest.fixture
def no_pdf_reader(monkeypatch):
    """The registry without a PDF or image reader (those have a reader of their own)."""
    monkeypatch.setattr(sources, "READERS", {k: v for k, v in sources.READERS.items() if k not in ("pdf", "image")})


@pytest.mark.parametrize(
    "name, words",
    [
        ("report.docx", "damaged Word document"),
        ("table.xlsx", "damaged workbook"),
    ],
)
def test_damaged_zip_packages_fail_naming_their_format(tmp_path: Path, name: str, words: str):
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    error = read_error(path)
    assert str(error).startswith(f"{path}: ")
    assert words in error.reason


@pytest.mark.parametrize("name", ["report.pdf", "report.PDF", "download", "report.txt"])
def test_pdf_without_its_reader_is_recognised_by_content(tmp_path: Path, name: str, no_pdf_reader):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + bytes(10))
    with pytest.raises(UnsupportedFormatError, match="no reader for format 'pdf'"):
        read_document(path)


def test_an_archive_is_not_one_document(tmp_path: Path):
    import zipfile

    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "正文")
    with pytest.raises(UnsupportedFormatError, match="ZIP archive: holds files"):
        read_document(path)


def test_the_missing_check_comes_before_the_format_check(tmp_path: Path):
    assert type(read_error(tmp_path / "gone.pdf")) is ReadError


def test_unknown_format_name():
    with pytest.raises(UnsupportedFormatError, match="no reader for format 'xml'"):
        read_bytes(b"<a/>", "x.xml", format="xml")


# --------------------------------------------------------------------------- registration


@pytest.fixture
def scratch_registry(monkeypatch):
    """A copy of the registry for a test to change."""
    monkeypatch.setattr(sources, "READERS", dict(sources.READERS))
    monkeypatch.setattr(sources, "SUFFIXES", dict(sources.SUFFIXES))
    monkeypatch.setattr(sources, "_SNIFFERS", dict(sources._SNIFFERS))


def fake_pdf(data: bytes, source: str) -> Document:
    return Document(source=source, text="pdf text", format="pdf")


def test_a_registered_reader_takes_over_its_format(tmp_path: Path, scratch_registry):
    path = tmp_path / "r.pdf"
    path.write_bytes(b"%PDF-1.4 ...")
    sources.register("pdf", fake_pdf, suffixes=[".PDF"])
    doc = read_document(path)
    assert (doc.format, doc.text) == ("pdf", "pdf text")


def test_a_registered_sniffer_claims_unknown_bytes(scratch_registry):
    sources.register("pdf", fake_pdf, sniff=lambda data: data.startswith(b"%FAKE"))
    assert read_bytes(b"%FAKE-1", "x").format == "pdf"
    assert read_bytes("正文".encode(), "x").format == "text"


def test_register_returns_the_reader(scratch_registry):
    assert register is sources.register
    assert sources.register("pdf", fake_pdf) is fake_pdf


# --------------------------------------------------------------------------- in memory


def test_document_from_text_cleans_like_the_text_reader():
    raw = SAMPLE_003.read_text(encoding="utf-8")
    from_memory = document_from_text(raw, "003")
    from_file = read_document(SAMPLE_003)
    assert (from_memory.text, from_memory.tables) == (from_file.text, from_file.tables)
    assert (from_memory.source, from_memory.format, from_memory.encoding) == ("003", "text", None)
    assert document_from_text("a\r\nb").text == "a\nb"
    assert document_from_text("x").source == "<text>"


# --------------------------------------------------------------------------- folders


def test_iter_input_files(tmp_path: Path):
    tree = {
        "2020/b.txt": "b",
        "2020/a.html": "a",
        "2020/sub/c.pdf": "c",
        "2020/.hidden.txt": "h",
        "2020/.git/config": "g",
        "2020/.cache/x.txt": "x",
        "2019/z.txt": "z",
        "top.weird": "w",
    }
    for name, content in tree.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    (tmp_path / "2020" / "empty_folder").mkdir()
    found = iter_input_files([tmp_path / "2020", tmp_path / "top.weird", tmp_path / "nope.txt", tmp_path / "2019"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "2020/a.html",
        "2020/b.txt",
        "2020/sub/c.pdf",
        "top.weird",
        "nope.txt",
        "2019/z.txt",
    ]
    assert iter_input_files([]) == []
    # Given directly, a hidden file is read like any other.
    assert iter_input_files([str(tmp_path / "2020" / ".hidden.txt")]) == [tmp_path / "2020" / ".hidden.txt"]


def test_iter_input_files_is_deterministic_and_keeps_dangling_links(tmp_path: Path):
    for name in ("d.txt", "C.txt", "a.txt", "b/e.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    os.symlink(tmp_path / "b", tmp_path / "loop", target_is_directory=True)  # not followed
    first = iter_input_files([tmp_path])
    assert first == iter_input_files([str(tmp_path)])
    assert [p.name for p in first] == ["C.txt", "a.txt", "e.txt", "d.txt", "link.txt", "loop"]
    assert read_error(tmp_path / "link.txt").reason == "file not found"
    assert read_error(tmp_path / "loop").reason.startswith("symlink to a folder, not followed")


# --------------------------------------------------------------------------- docstrings


@pytest.mark.parametrize("module", ["fiscal_eval.sources", "fiscal_eval.sources.text", "fiscal_eval.sources.html"])
def test_docstring_examples_run(module: str):
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_a_file_that_grew_after_stat_is_read_whole(tmp_path, monkeypatch):
    # read_document reads the size stat() gave plus one byte; a file appended to in
    # between must still be read to its end (and held to MAX_BYTES).
    import os
    import pathlib

    from fiscal_eval.sources import read_document

    path = tmp_path / "r.txt"
    path.write_text("预算执行率为84.61%。" * 50, encoding="utf-8")
    real_stat = pathlib.Path.stat

    def stale_stat(self, *args, **kwargs):
        info = real_stat(self, *args, **kwargs)
        if self == path:  # as stat() saw it before 10 more bytes were written
            return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, info.st_uid,
                                   info.st_gid, info.st_size - 10, info.st_atime, info.st_mtime, info.st_ctime))
        return info

    monkeypatch.setattr(pathlib.Path, "stat", stale_stat)
    assert read_document(path).text == "预算执行率为84.61%。" * 50
