"""Files that hold several inputs (archives, compilations) and hostile files: every input
comes back as its own row with its status, bombs and damage as failed rows with their
reason, no traceback, nothing lost."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fiscal_eval.api import parse_file, parse_paths, parse_reports
from fiscal_eval.sources import read_documents
from fiscal_eval.sources.convert import soffice
from fiscal_eval.sources.limits import LIMITS
from fiscal_eval.store import ingest, manifest
from fiscal_eval.synth_formats import docx_bytes

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))


def sample_docx(i: int = 0) -> bytes:
    return docx_bytes(SAMPLES[i].read_text("utf-8"))


def zip_of(members: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zeros_zip(name: str, megabytes: int) -> bytes:
    """A ZIP whose one member is ``megabytes`` MB of zeros (a few hundred KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return buffer.getvalue()


def reasons(path: Path) -> list[tuple[str, str, str]]:
    """(source relative to the file's folder, status, first error) of every report."""
    return [(r.source.replace(str(path.parent) + "/", ""), r.status, (r.errors or ("",))[0])
            for r in parse_reports(path)]


# --------------------------------------------------------------------------- archives


def test_each_member_of_a_zip_is_an_input(tmp_path: Path):
    inner = zip_of({"inner.txt": SAMPLES[2].read_bytes()})
    path = tmp_path / "附件.zip"
    path.write_bytes(zip_of({
        "报告/a.docx": sample_docx(0),
        "报告/b.txt": SAMPLES[1].read_bytes(),
        "坏的.docx": b"PK\x03\x04" + bytes(50),
        "nested.zip": inner,
        "__MACOSX/._a.docx": b"junk",
        ".DS_Store": b"junk",
    }))
    got = reasons(path)
    assert [(s, st) for s, st, _ in got] == [
        ("附件.zip!报告/a.docx", "ok"),
        ("附件.zip!报告/b.txt", "ok"),
        ("附件.zip!坏的.docx", "failed"),
        ("附件.zip!nested.zip!inner.txt", "ok"),
    ]
    assert "damaged Word document" in got[2][2]
    a = parse_reports(path)[0]
    assert (a.agency, a.spent_yuan) == (parse_file(SAMPLES[0]).agency, parse_file(SAMPLES[0]).spent_yuan)


def test_gbk_member_names_are_read_as_written(tmp_path: Path):
    # As Windows tools write it: GBK bytes, no UTF-8 flag (zipfile writes only ASCII or
    # UTF-8, so an ASCII name of the same length is swapped for the GBK bytes).
    gbk = "自评报告.txt".encode("gbk")
    placeholder = b"x" * (len(gbk) - 4) + b".txt"
    data = zip_of({placeholder.decode(): SAMPLES[0].read_bytes()}).replace(placeholder, gbk)
    path = tmp_path / "gbk.zip"
    path.write_bytes(data)
    assert [r.source.rsplit("!", 1)[1] for r in parse_reports(path)] == ["自评报告.txt"]


def test_archives_nested_deeper_than_one_level_are_not_opened(tmp_path: Path):
    deep = zip_of({"l2.zip": zip_of({"l3.zip": zip_of({"r.txt": SAMPLES[0].read_bytes()})})})
    path = tmp_path / "deep.zip"
    path.write_bytes(deep)
    [(source, status, reason)] = reasons(path)
    assert (source, status) == ("deep.zip!l2.zip!l3.zip", "failed")
    assert "nested deeper than 1 level" in reason


def test_a_zip_bomb_is_a_failed_row_not_a_full_disk(tmp_path: Path):
    path = tmp_path / "bomb.zip"
    path.write_bytes(zeros_zip("report.txt", LIMITS.unpacked_bytes // (1024 * 1024) + 10))
    assert path.stat().st_size < 1024 * 1024
    [(source, status, reason)] = reasons(path)
    assert (source, status) == ("bomb.zip", "failed")
    assert "over the limit" in reason and "zip bomb" in reason


def test_a_member_packed_past_the_ratio_ceiling_fails_alone(tmp_path: Path):
    path = tmp_path / "ratio.zip"
    bomb = zeros_zip("x", 20)  # 20 MB of zeros: under the size ceilings, far past the ratio
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        zeros = archive.read("x")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("zeros.txt", zeros)
        archive.writestr("good.txt", SAMPLES[0].read_bytes())
    path.write_bytes(buffer.getvalue())
    got = reasons(path)
    assert [(s, st) for s, st, _ in got] == [("ratio.zip!zeros.txt", "failed"), ("ratio.zip!good.txt", "ok")]
    assert "compression bomb" in got[0][2]


def test_an_encrypted_zip_member_is_named(tmp_path: Path):
    data = bytearray(zip_of({"secret.txt": b"x" * 100}))
    # Set the "encrypted" flag in the local and central headers (no tool writes ZipCrypto here).
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        data[at + offset] |= 0x1
    path = tmp_path / "locked.zip"
    path.write_bytes(bytes(data))
    [(_, status, reason)] = reasons(path)
    assert status == "failed" and "password-protected" in reason


def test_7z_archives(tmp_path: Path):
    py7zr = pytest.importorskip("py7zr")
    path = tmp_path / "a.7z"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.writestr(sample_docx(0), "r.docx")
        archive.writestr(SAMPLES[1].read_bytes(), "s.txt")
    assert [(s, st) for s, st, _ in reasons(path)] == [("a.7z!r.docx", "ok"), ("a.7z!s.txt", "ok")]


def test_rar_without_a_backend_names_what_to_install(tmp_path: Path):
    path = tmp_path / "a.rar"
    path.write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(64))
    [(_, status, reason)] = reasons(path)
    assert status == "failed" and "RAR" in reason


# --------------------------------------------------------------------------- hostile files


def test_a_password_protected_docx_fails_saying_so(tmp_path: Path):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(sample_docx(0))).encrypt("secret", encrypted)
    path = tmp_path / "locked.docx"
    path.write_bytes(encrypted.getvalue())
    report = parse_file(path)
    assert report.status == "failed"
    assert "password-protected" in report.errors[0] and str(path) in report.errors[0]


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _xlsx() -> bytes:
    from fiscal_eval.synth_formats import xlsx_bytes

    return xlsx_bytes([["项目", "预算数"], ["甲", 100.0]], [])


CORRUPT = {
    "half.docx": lambda: _truncated(sample_docx(0)),
    "bad-xml.docx": lambda: zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><unclosed"}),
    "no-body.docx": lambda: zip_of({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}),
    "dtd.docx": lambda: zip_of({"word/document.xml": b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}),
    "half.xlsx": lambda: _truncated(_xlsx()),
    "garbage.xlsx": lambda: zip_of({"xl/workbook.xml": b"not xml at all", "[Content_Types].xml": b"<x/>"}),
    "half.zip": lambda: _truncated(zip_of({"a.txt": SAMPLES[0].read_bytes() * 3}, level=0)),
    "noise.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,
    "noise.ods": lambda: zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x"}),
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_a_corrupt_file_of_each_type_is_a_failed_row_with_its_reason(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes(CORRUPT[name]())
    reports = parse_reports(path)
    assert reports and all(r.status == "failed" for r in reports)
    for report in reports:
        assert report.errors[0].startswith(str(path))
        assert "internal" not in report.errors[0] and "Traceback" not in report.errors[0]
        assert any(word in report.errors[0] for word in ("damaged", "DTD", "holds no files", "not read", "bytes")), report.errors


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_a_corrupt_legacy_word_file_fails_through_libreoffice(tmp_path: Path):
    path = tmp_path / "noise.doc"
    from tests.sources.test_sources_office import _ole_with_stream

    path.write_bytes(_ole_with_stream("WordDocument", bytes(4096)))
    report = parse_file(path)
    assert report.status == "failed"
    assert "damaged or unreadable" in report.errors[0] or "not a budget-performance" in report.errors[0]


def test_a_file_whose_extension_lies_is_read_as_what_it_is_and_says_so(tmp_path: Path):
    lying = tmp_path / "report.pdf"
    lying.write_bytes(sample_docx(0))
    report = parse_file(lying)
    assert report.source_format == "docx"
    assert any("the name says .pdf" in e and "Word document (DOCX)" in e for e in report.errors)
    assert report.agency == parse_file(SAMPLES[0]).agency
    html = tmp_path / "saved-from-portal.doc"  # portals serve HTML pages as .doc
    html.write_text("<html><body><p>某局2021年度项目绩效自评报告</p><p>自评得分92分</p></body></html>", "utf-8")
    report = parse_file(html)
    assert report.source_format == "html" and any("HTML page" in e for e in report.errors)
    noise = tmp_path / "table.xlsx"
    noise.write_bytes(bytes(range(256)) * 4)
    report = parse_file(noise)
    assert report.status == "failed" and "damaged or not a Excel workbook (XLSX)" in report.errors[0]


# --------------------------------------------------------------------------- the store


def test_ingest_makes_a_row_for_each_report_a_file_holds(tmp_path: Path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(SAMPLES[0].read_bytes())
    (corpus / "bundle.zip").write_bytes(zip_of({"x.docx": sample_docx(1), "broken.xlsx": b"PK\x03\x04junk"}))
    store = tmp_path / "store"
    summary = ingest(corpus, store)
    assert (summary.files, summary.reports, summary.failed) == (2, 3, 1)
    rows = manifest(store).select("path", "member", "status").rows()
    base = str(corpus.resolve())
    assert rows == [(f"{base}/a.txt", None, "ok"), (f"{base}/bundle.zip", "!x.docx", "ok"),
                    (f"{base}/bundle.zip", "!broken.xlsx", "failed")]
    again = ingest(corpus, store)
    assert (again.parsed, again.skipped, again.reports) == (0, 2, 3)
    (corpus / "bundle.zip").unlink()
    gone = ingest(corpus, store)
    assert (gone.removed, gone.reports) == (1, 1)
    assert manifest(store).height == 1


def test_parse_paths_gives_every_report_of_every_file(tmp_path: Path):
    (tmp_path / "one.txt").write_bytes(SAMPLES[0].read_bytes())
    (tmp_path / "two.zip").write_bytes(zip_of({"a.txt": SAMPLES[1].read_bytes(), "b.txt": SAMPLES[3].read_bytes()}))
    assert [Path(r.source).name for r in parse_paths([tmp_path])] == ["one.txt", "two.zip!a.txt", "two.zip!b.txt"]
    single = parse_file(tmp_path / "two.zip")
    assert single.status == "failed" and "holds 2 reports" in single.errors[0]


def test_read_documents_never_raises(tmp_path: Path):
    assert [type(i).__name__ for i in read_documents(tmp_path / "missing.docx").items] == ["ReadError"]
