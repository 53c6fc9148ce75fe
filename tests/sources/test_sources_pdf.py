"""PDFs with a text layer: synthetic reports parse exactly to their truth (every field,
and the audit finds exactly the injected flags), the five samples rendered to PDF parse
as their text does, figures point at their page, ruled tables come back cell for cell,
and hostile PDFs (damaged, encrypted, 2,000 pages, no text) are rows with a reason."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import fiscal_eval
from fiscal_eval.errors import ReadError
from fiscal_eval.sources import ocr, read_bytes, read_document
from fiscal_eval.sources.pdf import read_pdf
from fiscal_eval.synth import generate
from fiscal_eval.synth_pdf import FontMissingError, cjk_font, render_corpus, render_pdf

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
FIELDS = ["agency", "year", "kind", "project_name", "published_date", "budget_yuan",
          "available_yuan", "spent_yuan", "execution_rate_reported", "score", "grade", "indicators"]

try:
    cjk_font()
except FontMissingError as exc:  # pragma: no cover - CI installs fonts-wqy-microhei
    pytest.skip(str(exc), allow_module_level=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth_pdf")
    generate(agencies=12, years=1, seed=20261204, out=out)
    rendered = render_corpus(out, formats=("pdf",))
    truth = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    return out, rendered, truth


def test_every_style_is_rendered_and_some_reports_run_over_a_page(corpus):
    out, rendered, truth = corpus
    assert len(rendered.files["pdf"]) == len(truth) == 12
    assert {t["style"] for t in truth} == {"prose_project", "form_project", "formula_department", "department_prose"}
    pages = [int(read_document(p).metadata["pages"]) for p in rendered.files["pdf"]]
    assert max(pages) >= 2


def test_text_layer_pdfs_parse_equal_to_the_truth_with_exactly_the_injected_flags(corpus):
    out, _, truth = corpus
    field_errors, flag_errors = [], []
    for t in truth:
        report = fiscal_eval.parse_file(out / "pdf" / (Path(t["source"]).stem + ".pdf"))
        got = report.to_dict()
        assert report.status == "ok" and report.source_format == "pdf" and report.synthetic
        field_errors += [(t["source"], k, got[k], t[k]) for k in FIELDS if got[k] != t[k]]
        if sorted(f["code"] for f in got["flags"]) != sorted(f["code"] for f in t["flags"]):
            flag_errors.append((t["source"], [f["code"] for f in got["flags"]], t["flags"]))
    assert field_errors == []
    assert flag_errors == []


def test_figures_point_at_their_page_and_box(corpus):
    out, _, truth = corpus
    # formula_department reports run over a page: the total score sits on the last one.
    t = next(t for t in truth if t["style"] == "formula_department")
    path = out / "pdf" / (Path(t["source"]).stem + ".pdf")
    report = fiscal_eval.parse_file(path)
    doc = read_document(path)
    last = f"第{doc.metadata['pages']}页"
    assert report.evidence["score"].where == last
    assert report.evidence["budget_yuan"].where == "第1页"
    assert all(e.ocr_confidence is None for e in report.evidence.values())
    assert not [f for f in report.flags if f.code == "ocr_read"]
    anchor = next(a for a in doc.anchors if a.span[0] <= report.evidence["score"].span[0] < a.span[1])
    x0, top, x1, bottom = anchor.box
    assert 0 < x0 < x1 < 596 and 0 < top < bottom < 842  # A4, in points from the top-left


def test_a_paragraph_wrapped_over_a_page_break_is_one_line(corpus):
    out, _, truth = corpus
    for t in (t for t in truth if t["style"] == "formula_department"):
        doc = read_document(out / "pdf" / (Path(t["source"]).stem + ".pdf"))
        source_lines = {line.strip() for line in (out / t["source"]).read_text("utf-8").splitlines()}
        # Every line of the report is a line of the PDF's text (no line cut at a wrap or
        # a page break; the page number "- 1 -" in the footer is gone).
        pdf_lines = set(doc.text.splitlines())
        missing = [line for line in source_lines if line and line.replace(" ", "") not in
                   {p.replace(" ", "") for p in pdf_lines}]
        assert missing == []
        assert not any(line.strip("- ").isdigit() for line in pdf_lines)


def test_ruled_tables_come_back_cell_for_cell_with_merged_cells_in_their_first_row(corpus):
    out, _, truth = corpus
    t = next(t for t in truth if t["style"] == "form_project")
    text = (out / t["source"]).read_text("utf-8")
    want = [line.split("\t") for line in text.splitlines() if "\t" in line]
    doc = read_document(out / "pdf" / (Path(t["source"]).stem + ".pdf"))
    got = [[c.text for c in row] for table in doc.tables for row in table.rows]
    strip = lambda cells: [c.replace(" ", "") for c in cells]  # noqa: E731
    assert [strip(r) for r in got] == [strip(r) for r in want]
    # 项目资金安排和使用情况 spans nine rows: its text in the first, the rest empty.
    spanning = next(i for i, r in enumerate(got) if r[0] == "项目资金安排和使用情况")
    assert [r[0] for r in got[spanning + 1 : spanning + 9]] == [""] * 8
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                assert doc.text[cell.span[0] : cell.span[1]] == cell.text


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
def test_the_samples_rendered_to_pdf_parse_as_their_text(sample, tmp_path):
    pdf = tmp_path / (sample.stem + ".pdf")
    pdf.write_bytes(render_pdf(sample.read_text("utf-8")))
    want = fiscal_eval.parse_file(sample).to_dict()
    got = fiscal_eval.parse_file(pdf).to_dict()
    differ = {k: (want[k], got[k]) for k in want if k not in ("source", "report_id", "errors") and want[k] != got[k]}
    assert differ == {}


# --------------------------------------------------------------------------- hostile


def _one_page(text: str = "某局2021年度项目绩效自评报告。预算安排100万元，实际支出95万元。") -> bytes:
    return render_pdf(text)


def test_a_damaged_pdf_fails_with_its_reason(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    report = fiscal_eval.parse_file(path)
    assert report.status == "failed"
    assert report.errors == (f"{path}: damaged PDF: not a readable PDF structure (truncated or corrupt)",)


def test_a_truncated_pdf_is_a_row_never_a_traceback(tmp_path):
    data = _one_page()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        path = tmp_path / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        report = fiscal_eval.parse_file(path)
        assert report.status in ("ok", "partial", "failed")
        if report.status == "failed":
            assert "PDF" in report.errors[0]


def test_an_encrypted_pdf_fails_saying_it_needs_a_password(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", "", str(cjk_font()))
    pdf.set_font("cjk", size=12)
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.cell(0, 10, "预算安排100万元")
    path = tmp_path / "locked.pdf"
    path.write_bytes(bytes(pdf.output()))
    report = fiscal_eval.parse_file(path)
    assert report.status == "failed"
    assert "encrypted PDF: it needs a password" in report.errors[0]


def test_a_pdf_locked_against_copying_only_is_read(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", "", str(cjk_font()))
    pdf.set_font("cjk", size=12)
    pdf.set_encryption(owner_password="owner")  # opens without a password: permissions only
    pdf.add_page()
    pdf.cell(0, 10, "某局2021年度项目绩效自评报告。预算安排100万元，实际支出95万元。")
    report = fiscal_eval.parse_file(_write(tmp_path / "locked.pdf", bytes(pdf.output())))
    assert (report.budget_yuan, report.spent_yuan) == (1_000_000.0, 950_000.0)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _pages(count: int) -> bytes:
    """A PDF of ``count`` copies of one report page (pdfium imports pages fast)."""
    import io

    import pypdfium2 as pdfium

    one = pdfium.PdfDocument(_one_page())
    many = pdfium.PdfDocument.new()
    for _ in range(count):
        many.import_pages(one)
    out = io.BytesIO()
    many.save(out)
    return out.getvalue()


def test_a_2000_page_pdf_is_read_to_the_page_limit_and_reported_partial(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "LIMITS", ocr.Limits(pages=40))
    path = _write(tmp_path / "huge.pdf", _pages(2000))
    report = fiscal_eval.parse_file(path)
    assert report.status == "partial"
    assert f"{path}: stopped after 40 of 2000 pages: the limit is 40 pages a file" in report.errors
    assert report.budget_yuan == 1_000_000.0  # what was read is kept


def test_the_time_limit_stops_a_pdf_between_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "LIMITS", ocr.Limits(seconds=0.0))
    path = _write(tmp_path / "slow.pdf", _pages(30))
    doc = read_document(path)
    assert doc.metadata["incomplete"] == "stopped after 1 of 30 pages: the time limit of 0 s a file was reached"
    assert fiscal_eval.parse_file(path).status == "partial"


def test_a_pdf_without_text_or_images_is_not_a_report(tmp_path):
    import io

    import pypdfium2 as pdfium

    blank = pdfium.PdfDocument.new()
    blank.new_page(595, 842)
    out = io.BytesIO()
    blank.save(out)
    report = fiscal_eval.parse_file(_write(tmp_path / "blank.pdf", out.getvalue()))
    assert report.status == "failed"
    assert "not a report: no text in the PDF" in report.errors[0]


def test_a_pdf_is_known_by_its_bytes_whatever_its_name(tmp_path):
    path = _write(tmp_path / "download", _one_page())
    assert read_document(path).format == "pdf"
    assert read_bytes(_one_page(), "mem").format == "pdf"


def test_ingest_goes_on_past_a_bad_pdf(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "a_broken.pdf", b"%PDF-1.4\n garbage")
    _write(folder / "b_good.pdf", _one_page())
    broken, good = fiscal_eval.parse_paths([folder])
    assert broken.status == "failed" and "damaged PDF" in broken.errors[0]
    assert good.status != "failed" and good.budget_yuan == 1_000_000.0


def test_a_watermark_at_an_angle_is_left_out(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", "", str(cjk_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    for line in ("某局2021年度项目绩效自评报告", "预算安排100万元，实际支出95万元。", "自评得分92分。"):
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=40)
    with pdf.rotation(40, 100, 150):
        pdf.text(40, 150, "内部资料仅供参考")
    doc = read_pdf(bytes(pdf.output()), "w.pdf")
    assert "内部资料" not in doc.text
    assert [line for line in doc.text.splitlines() if line][1] == "预算安排100万元，实际支出95万元。"


def test_reading_a_text_pdf_costs_little_beside_pdfium_itself(corpus):
    """Not a timing assertion: our reading is compared with pdfium's own text extraction
    of the same files in the same run, and the ratio is bounded loosely (layout is Python)."""
    import pypdfium2 as pdfium

    _, rendered, _ = corpus
    datas = [p.read_bytes() for p in rendered.files["pdf"]]

    def ours() -> float:
        start = time.perf_counter()
        for data in datas:
            read_pdf(data)
        return time.perf_counter() - start

    def raw() -> float:
        start = time.perf_counter()
        for data in datas:
            document = pdfium.PdfDocument(data)
            for i in range(len(document)):
                page = document[i]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
            document.close()
        return time.perf_counter() - start

    ours(), raw()  # warm
    ratio = min(ours() for _ in range(2)) / min(raw() for _ in range(2))
    assert 1 < ratio < 60


def test_a_read_error_is_raised_for_bytes_that_are_not_a_pdf():
    with pytest.raises(ReadError, match="damaged PDF"):
        read_pdf(b"%PDF-1.7 not really", "x.pdf")


def test_bench_pdf_figures(tmp_path):
    from fiscal_eval import bench

    figures = bench.pdf_figures(tmp_path, reports=4, ocr_pages=0)
    assert figures["pdf_reports"] == 4
    assert figures["pdf_reports_per_s"] > 0 and figures["pdfium_reports_per_s"] > figures["pdf_reports_per_s"]
    assert figures["pdf_read_vs_pdfium"] > 1
