"""Scans and images, read by OCR: a scanned form parses to its truth with every figure
marked as read by OCR; on a small fixed set of scanned PDFs the field accuracy is what
was measured and no figure is invented; OCR runs offline; straightening and rule finding
work on rendered pages; a photo without text, a decompression bomb and a damaged image
are rows with a reason.

OCR takes 10–40 s a page on two shared cores: the sets here are a few pages.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fiscal_eval
from fiscal_eval.metrics.audit import audit
from fiscal_eval.model import Anchor, Document
from fiscal_eval.parse import parse_document
from fiscal_eval.sources import ocr, read_document
from fiscal_eval.synth import generate
from fiscal_eval.synth_pdf import FontMissingError, cjk_font, rasterise, render_corpus, render_pdf

FIGURES = ["budget_yuan", "available_yuan", "spent_yuan", "execution_rate_reported", "score"]
FIELDS = ["agency", "year", "kind", "project_name", "published_date", *FIGURES, "grade", "indicators"]

def _font_or_skip() -> None:
    try:
        cjk_font()
    except FontMissingError as exc:  # pragma: no cover - CI installs fonts-wqy-microhei
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """Four synthetic reports (seed 3): 0 prose_project (2 pages), 1 form_project,
    2 formula_department, 3 department_prose (1 page each but 2), rendered as scans."""
    _font_or_skip()
    out = tmp_path_factory.mktemp("scans")
    generate(agencies=4, years=1, seed=3, out=out)
    render_corpus(out, formats=("scan.pdf", "scan.png"), seed=0)
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    return out, truth


def _path(out: Path, t: dict, fmt: str) -> Path:
    return out / fmt / f"{Path(t['source']).stem}.{fmt}"


def test_a_scanned_form_as_png_parses_to_its_truth_every_figure_marked_ocr(scans):
    out, truth = scans
    t = truth[1]
    assert t["style"] == "form_project"
    report = fiscal_eval.parse_file(_path(out, t, "scan.png"))
    got = report.to_dict()
    assert report.status == "ok" and report.source_format == "image"
    assert {k: got[k] for k in FIELDS} == {k: t[k] for k in FIELDS}
    for field in FIGURES:
        evidence = report.evidence[field]
        assert evidence.where == "第1页"
        assert 0.5 <= evidence.ocr_confidence <= 1.0
    marked = {f.field for f in report.flags if f.code == "ocr_read"}
    assert set(FIGURES) <= marked
    assert all(f.severity == "info" for f in report.flags if f.code == "ocr_read")
    # The injected flags are still found (the extra ocr_read flags aside).
    found = sorted(f.code for f in report.flags if f.code != "ocr_read")
    assert found == sorted(f["code"] for f in t["flags"])


@pytest.mark.slow
def test_scanned_pdfs_field_accuracy_and_no_invented_figure(scans):
    """Measured on this set (4 pages): 35 of 36 fields; the miss is a published_date (OCR
    glued 「2020-03-18 09:30」 into 「2020-03-1809:30」, so the signature date was taken).
    Over 8 reports (12 pages) 94 of 96 fields (0.979), the same two dates missed."""
    out, truth = scans
    right = total = invented = 0
    for t in (truth[0], truth[1], truth[3]):
        path = _path(out, t, "scan.pdf")
        doc = read_document(path)
        assert doc.metadata["ocr_pages"] == ",".join(str(n) for n in range(1, int(doc.metadata["pages"]) + 1))
        got = fiscal_eval.parse_file(path).to_dict()
        for field in FIELDS:
            total += 1
            right += got[field] == t[field]
        invented += sum(1 for f in FIGURES if got[f] is not None and got[f] != t[f])
        want_points = {(i["level3"], i["points"]) for i in t["indicators"]}
        invented += sum(1 for i in got["indicators"] if (i["level3"], i["points"]) not in want_points)
    assert invented == 0
    assert right / total >= 0.94, f"{right}/{total}"  # measured 35/36 = 0.97, less a margin


def test_ocr_runs_offline(tmp_path):
    """The models ship in the wheel: reading an image with every socket refused works."""
    _font_or_skip()
    page = rasterise(render_pdf("预算执行率为84.61%。"), seed=1)[0].crop((60, 60, 700, 200))
    image = tmp_path / "line.png"
    page.save(image)
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n    raise OSError('network used')\n"
        "socket.socket = refuse; socket.create_connection = refuse\n"
        "from fiscal_eval.sources import read_document\n"
        f"print(read_document({str(image)!r}).text)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "84.61%" in done.stdout


def test_a_photo_without_text_is_not_a_report(tmp_path):
    from PIL import Image, ImageDraw, ImageFilter

    # A cat, as far as shapes go: a head, ears, eyes, whiskers, on a soft background.
    cat = Image.new("RGB", (640, 480), (180, 200, 170))
    draw = ImageDraw.Draw(cat)
    draw.ellipse((200, 140, 440, 380), fill=(150, 110, 70))
    draw.polygon([(210, 200), (240, 90), (300, 160)], fill=(150, 110, 70))
    draw.polygon([(430, 200), (400, 90), (340, 160)], fill=(150, 110, 70))
    for x in (270, 370):
        draw.ellipse((x - 20, 220, x + 20, 250), fill=(60, 160, 60))
    for dy in (-10, 0, 10):
        draw.line((320, 300, 180, 290 + dy * 2), fill=(40, 40, 40), width=2)
        draw.line((320, 300, 460, 290 + dy * 2), fill=(40, 40, 40), width=2)
    path = tmp_path / "cat.jpg"
    cat.filter(ImageFilter.GaussianBlur(1)).save(path, quality=90)
    report = fiscal_eval.parse_file(path)
    assert report.status == "failed"
    assert "not a report" in report.errors[0]


def test_an_image_over_the_pixel_limit_is_refused_before_decoding(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(ocr, "LIMITS", ocr.Limits(pixels=1_000_000))
    path = tmp_path / "poster.png"
    Image.new("L", (2000, 1000), 255).save(path)
    report = fiscal_eval.parse_file(path)
    assert report.status == "failed"
    assert report.errors == (f"{path}: PNG image too large: 2000×1000 pixels, the limit is 1,000,000 pixels a page",)


def test_a_decompression_bomb_header_is_refused(tmp_path):
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b"")
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    report = fiscal_eval.parse_file(path)
    assert report.status == "failed"
    assert "too large" in report.errors[0]


@pytest.mark.parametrize("name", ["image.png", "image"])
def test_a_damaged_image_fails_with_its_reason(tmp_path, name):
    import random

    path = tmp_path / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(0).randbytes(4096))
    report = fiscal_eval.parse_file(path)
    assert report.status == "failed"
    assert report.errors[0].startswith(f"{path}: damaged PNG image")


# --------------------------------------------------------------------------- no OCR run


FORM = "\n".join(["自评表", "一级指标\t三级指标\t分值\t得分",
                  *(f"{'决策' if i % 3 == 0 else ''}\t指标{i}\t10\t{8 + i % 3}" for i in range(8)), "以上。"])


def _page_image(angle: float, text: str | None = None):
    import numpy as np
    from PIL import Image

    _font_or_skip()
    if text is None:
        text = (Path(__file__).resolve().parents[2] / "data" / "samples" / "003_0aae5738ae055c76.txt").read_text("utf-8")
    page = rasterise(render_pdf(text), max_angle=0, noise=4)[0]
    return np.asarray(page.rotate(angle, resample=Image.BILINEAR, fillcolor=255))


@pytest.mark.parametrize("angle", [-0.9, 0.0, 0.6])
def test_straightening_finds_the_angle_a_page_was_turned_by(angle):
    assert ocr.skew_angle(_page_image(angle)) == pytest.approx(angle, abs=0.1)


def test_rules_are_found_in_a_scanned_form_and_make_its_tables():
    from fiscal_eval.sources.geometry import table_rules

    gray = _page_image(0.0, FORM)
    glyph = ocr.glyph_height(gray)
    assert 16 <= glyph <= 26  # 10.5 pt body text at 150 dpi is ~22 px
    rules = table_rules(ocr.find_rules(gray, glyph), tolerance=5)
    # Nine rows: ten horizontal rules; four columns: five vertical ones, the one right of
    # 一级指标 broken where 决策 spans three rows.
    assert len({round(r.at) for r in rules if r.horizontal}) == 10
    assert len({round(r.at / 3) for r in rules if not r.horizontal}) == 5


def test_figures_from_ocr_anchors_carry_the_mark_and_raise_ocr_read():
    text = "某县某局2021年度项目绩效自评报告\n年初预算安排100万元，实际支出95万元，预算执行率为95.00%。自评得分92分，自评结果：优秀。"
    doc = Document(source="scan.png", text=text, format="image",
                   anchors=(Anchor((0, 17), "第1页", 0.99), Anchor((18, len(text)), "第1页", 0.87, (10, 40, 900, 70))))
    report = audit(parse_document(doc))
    assert report.evidence["spent_yuan"].ocr_confidence == 0.87
    flags = {f.field: f for f in report.flags if f.code == "ocr_read"}
    assert set(flags) >= {"budget_yuan", "spent_yuan", "execution_rate_reported", "score"}
    assert flags["spent_yuan"].severity == "info"
    assert flags["spent_yuan"].reported == "950,000.00"
    assert "第1页" in flags["spent_yuan"].message and "0.87" in flags["spent_yuan"].message
    assert not [f for f in audit(parse_document(Document("t.txt", text, "text"))).flags if f.code == "ocr_read"]
