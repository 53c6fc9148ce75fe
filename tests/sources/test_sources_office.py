"""Word and spreadsheet readers: what they read, in what order, with which anchors; the
MoF form read by column; the samples and the synthetic corpus parsed the same in every
format as in text."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

from fiscal_eval.api import parse_file, parse_reports
from fiscal_eval.sources import read_bytes
from fiscal_eval.sources.convert import soffice
from fiscal_eval.sources.sheets import format_number
from fiscal_eval.synth import generate
from fiscal_eval.synth_formats import docx_bytes, docx_package, mof_form, write_formats, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
FIELDS = ["agency", "year", "kind", "project_name", "published_date", "budget_yuan", "budget_adjusted_yuan",
          "available_yuan", "spent_yuan", "execution_rate_reported", "score", "grade", "indicators"]
NO_SOFFICE = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"


def same(got, want) -> bool:
    """Equal, amounts to the float's last bit (万元 × 10,000 in binary)."""
    if isinstance(got, float) and isinstance(want, float):
        return math.isclose(got, want, rel_tol=1e-12)
    return got == want


def where(doc, needle: str) -> str:
    """The anchor of the first occurrence of ``needle`` in the document's text."""
    pos = doc.text.index(needle)
    return next(a.where for a in doc.anchors if a.span[0] <= pos < a.span[1])


# --------------------------------------------------------------------------- DOCX

def p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_docx_paragraphs_and_tables_in_order_with_merged_cells():
    body = (
        p("某局2021年度项目绩效自评报告")
        + "<w:tbl>"
        + "<w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr>" + p("资金") + "</w:tc>"
        + "<w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>" + p("预算安排") + "</w:tc><w:tc>" + p("100") + "</w:tc></w:tr>"
        + "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>" + p("") + "</w:tc>"
        + "<w:tc>" + p("实际") + "</w:tc><w:tc>" + p("支出") + "</w:tc><w:tc>" + p("95") + "</w:tc></w:tr>"
        + "</w:tbl>"
        + p("自评得分92分。")
    )
    doc = read_bytes(docx_package(body), "a.docx")
    assert doc.format == "docx"
    assert doc.text.split("\n") == ["某局2021年度项目绩效自评报告", "资金\t预算安排\t\t100", "\t实际\t支出\t95", "自评得分92分。"]
    assert [[c.text for c in row] for row in doc.tables[0].rows] == [["资金", "预算安排", "", "100"], ["", "实际", "支出", "95"]]
    for row in doc.tables[0].rows:
        assert all(doc.text[c.span[0]:c.span[1]] == c.text for c in row)
    assert where(doc, "100") == "表1 第1行第4列"
    assert where(doc, "95") == "表1 第2行第4列"
    assert where(doc, "自评得分") == "段落2"  # body paragraphs: a table's are its cells


def test_docx_reads_text_boxes_once_notes_headers_and_skips_deletions_and_field_codes():
    box = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
           + p("文本框里：实际支出95万元") + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
           + p("文本框里：实际支出95万元") + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    body = (
        p("正文第一段")
        + '<w:p><w:r><w:t>预算</w:t></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del>'
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>安排</w:t></w:r><w:r><w:br/><w:t>下一行</w:t></w:r></w:p>'
        + box
    )
    data = docx_package(body, header="某局内部资料", footer="第 1 页 共 3 页", footnotes=["注：单位为万元"])
    doc = read_bytes(data, "b.docx")
    lines = doc.text.split("\n")
    assert lines[:4] == ["正文第一段", "预算安排", "下一行", "文本框里：实际支出95万元"]
    assert doc.text.count("文本框里") == 1  # the fallback copy is not read again
    assert "删掉的" not in doc.text and "PAGE" not in doc.text and "第 1 页" not in doc.text
    assert where(doc, "文本框里") == "文本框（段落3）"
    assert where(doc, "注：单位为万元") == "脚注1"
    assert where(doc, "某局内部资料") == "页眉"


def test_docx_layout_tables_flow_as_paragraphs():
    body = "<w:tbl><w:tr><w:tc>" + p("一列表格里的正文") + p("第二段") + "</w:tc></w:tr></w:tbl>"
    doc = read_bytes(docx_package(body), "c.docx")
    assert doc.tables == () and doc.text == "一列表格里的正文\n第二段"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name[:3])
def test_samples_as_docx_parse_as_their_text(tmp_path: Path, sample: Path):
    path = tmp_path / f"{sample.stem}.docx"
    path.write_bytes(docx_bytes(sample.read_text("utf-8")))
    want, got = parse_file(sample).to_dict(), parse_file(path).to_dict()
    assert got["status"] == want["status"] == "ok"
    assert [(k, got[k]) for k in [*FIELDS, "flags"]] == [(k, want[k]) for k in [*FIELDS, "flags"]]


# --------------------------------------------------------------------------- spreadsheets


def test_numbers_are_written_without_float_noise():
    assert format_number(387664.62) == "387664.62"
    assert format_number(0.1 + 0.2) == "0.3"
    assert format_number(2683950.0) == "2683950"
    assert format_number(0.8461, percent=True) == "84.61%"


def test_xlsx_sheets_merges_percentages_and_anchors():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "表一"
    sheet.append(["标题合并"])
    sheet.append(["项目", "预算数", "执行率", "执行率(%)"])
    sheet.append(["甲", 387664.62, 0.8461, 0.5])
    sheet.append(["乙", 0.1 + 0.2, 1.0, 84.61])
    sheet.merge_cells("A1:D1")
    hidden = book.create_sheet("下拉")
    hidden.append(["某某局", "另一局"])
    hidden.sheet_state = "hidden"
    book.create_sheet("第二表").append(["说明", "实际支出95万元"])
    buffer = io.BytesIO()
    book.save(buffer)
    doc = read_bytes(buffer.getvalue(), "t.xlsx")
    assert doc.format == "xlsx"
    assert doc.text.split("\n") == [
        "标题合并",
        "项目\t预算数\t执行率\t执行率(%)",
        "甲\t387664.62\t84.61%\t0.5",  # a fraction under 执行率 is a percentage; under "(%)" not
        "乙\t0.3\t100%\t84.61",
        "",
        "说明\t实际支出95万元",
    ]
    assert len(doc.tables) == 2 and doc.tables[0].rows[0][0].text == "项目"
    assert where(doc, "387664.62") == "表一!B3" and where(doc, "实际支出") == "第二表!B1"
    assert "某某局" not in doc.text and doc.metadata["hidden_sheets"] == "下拉"


def test_mof_form_is_read_by_column(tmp_path: Path):
    import random

    truth = {"agency": "云岭县交通运输局", "project_name": "农村公路养护项目", "year": 2021,
             "budget_yuan": 4523400.0, "spent_yuan": 3876646.12}
    rows, merges, form = mof_form(truth, random.Random(3))
    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsx_bytes(rows, merges))
    report = parse_file(path)
    got = report.to_dict()
    assert [(k, got[k]) for k in FIELDS if not same(got[k], form[k])] == []
    assert (got["budget_yuan"], got["spent_yuan"], got["execution_rate_reported"]) == (4523400.0, 3876600.0, 0.857)
    assert report.evidence["budget_yuan"].where == "自评表!C6"  # 年初预算数 of 年度资金总额
    assert report.evidence["budget_adjusted_yuan"].where == "自评表!D6"  # 全年预算数
    assert report.evidence["spent_yuan"].where == "自评表!E6"  # 全年执行数
    assert report.evidence["score"].where.startswith("自评表!H")


# --------------------------------------------------------------------------- the synthetic corpus


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats")
    generate(agencies=40, years=2, seed=7, out=out)
    summary = write_formats(out, per_format=10, compilation_size=20)
    rows = [json.loads(line) for line in (out / "formats_truth.jsonl").read_text("utf-8").splitlines()]
    return out, summary, rows


def test_every_rendered_format_parses_to_its_truth(rendered):
    out, summary, rows = rendered
    reports = {r.source: r for f in sorted(summary.out.iterdir()) for r in parse_reports(f)}
    assert len(reports) == len(rows)
    errors = []
    for t in rows:
        got = reports[str(out / t["source"])].to_dict()
        # (a truth without the adjusted budget: its report states one budget only)
        errors += [(t["source"], k, got[k], t.get(k)) for k in FIELDS if not same(got[k], t.get(k))]
    assert errors == []
    formats = {t["format"] for t in rows}
    assert {"docx", "xlsx", "compilation"} <= formats
    assert sum(t["format"] == "compilation" for t in rows) == 20
    assert any("bundle.zip!" in t["source"] for t in rows)
    if soffice() is not None:
        assert "xls" in formats


def test_compilation_parts_carry_their_range_in_the_evidence(rendered):
    out, summary, _ = rendered
    parts = parse_reports(summary.out / "汇编.docx")
    assert [r.source.rsplit("#", 1)[1] for r in parts] == [str(k) for k in range(1, 21)]
    assert all(r.status == "ok" for r in parts)
    wheres = [r.evidence["agency"].where for r in parts]
    assert all(f"汇编第{k}篇：段落" in w for k, w in enumerate(wheres, 1))


def test_the_rendered_files_are_deterministic(tmp_path: Path):
    for folder in ("a", "b"):
        generate(agencies=8, years=1, seed=2, out=tmp_path / folder)
        write_formats(tmp_path / folder, ("docx", "xlsx", "zip", "compilation"), per_format=3, compilation_size=4)
    names = sorted(p.name for p in (tmp_path / "a" / "formats").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b" / "formats").iterdir())
    assert all((tmp_path / "a" / "formats" / n).read_bytes() == (tmp_path / "b" / "formats" / n).read_bytes() for n in names)


# --------------------------------------------------------------------------- legacy formats


@pytest.mark.skipif(soffice() is None, reason=NO_SOFFICE)
def test_legacy_word_through_libreoffice(tmp_path: Path):
    from fiscal_eval.synth_formats import libreoffice_convert

    sample = SAMPLES[0]
    docx = docx_bytes(sample.read_text("utf-8"))
    legacy = libreoffice_convert({"r.docx": docx}, "doc")["r.docx"]
    assert legacy.startswith(b"\xd0\xcf\x11\xe0")
    path = tmp_path / "r.wps"  # WPS writes .wps as Word 97 binaries: the same reader
    path.write_bytes(legacy)
    report = parse_file(path)
    got, want = report.to_dict(), parse_file(sample).to_dict()
    assert (report.status, report.source_format) == ("ok", "doc")
    assert [(k, got[k]) for k in FIELDS] == [(k, want[k]) for k in FIELDS]
    assert report.evidence["agency"].where.startswith("段落")


def test_legacy_word_without_libreoffice_names_the_package(tmp_path: Path, monkeypatch):
    import fiscal_eval.sources.convert as convert

    monkeypatch.setattr(convert, "soffice", lambda: None)
    path = tmp_path / "r.doc"
    path.write_bytes(_ole_with_stream("WordDocument"))
    report = parse_file(path)
    assert report.status == "failed"
    assert "apt-get install libreoffice-writer-nogui" in report.errors[0]


def _ole_with_stream(name: str, content: bytes = b"\0" * 4096) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding one stream
    ``name`` of 4096 bytes: the container of a .doc/.xls, without a document in it."""
    import struct

    free, end, fat_sector, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    content = content.ljust(4096, b"\0")[:4096]
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = [fat_sector, end, *range(3, 10), end] + [free] * (128 - 10)

    def entry(label: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (label + "\0").encode("utf-16-le")
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, nostream, nostream, child,
                           bytes(16), 0, 0, 0, start, size)

    directory = entry("Root Entry", 5, 1, end, 0) + entry(name, 2, nostream, 2, 4096) + bytes(256)
    return header + struct.pack("<128I", *fat) + directory + content
