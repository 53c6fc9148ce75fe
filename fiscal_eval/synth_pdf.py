"""Synthetic reports as PDFs: with a text layer, and as scans of a printed copy.

Agencies publish most self-evaluation reports as attachments: a PDF exported from Word
(a text layer, the 自评表 drawn as a ruled table) or a scan of the signed and stamped
paper copy (no text layer at all). This module renders the plain-text reports of
:mod:`fiscal_eval.synth` both ways, so the PDF and OCR readers are tested against the
same truth as the text: prose wraps at the margin, a run of tab-separated lines becomes
one ruled table (leading empty cells merged into the cell above, as forms print a
category spanning its rows), lines indented by many spaces are set flush right (the
signature and date), and every page has a page number in its footer.

Scans are the text PDF rasterised at 150 dpi, turned by a slight random angle, with
sensor noise and a little blur, saved as an image-only PDF and as PNG pages.

Needs a CJK font: Debian's ``fonts-wqy-microhei`` (what CI installs) or Noto CJK;
:func:`cjk_font` finds one, else :class:`FontMissingError` names the package.
Deterministic: the same text and seed give the same bytes.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fiscal_eval.errors import FiscalEvalError

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

__all__ = [
    "FontMissingError",
    "cjk_font",
    "render_pdf",
    "rasterise",
    "scan_pdf",
    "scan_png",
    "render_corpus",
    "RenderedCorpus",
]

# Known places of a CJK font, best first; fc-match is asked when none is there.
_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
_PAGE_W, _PAGE_H = 595.28, 841.89  # A4 in points
_MARGIN = 64.0  # ~2.25 cm, about Word's default for Chinese documents
_BODY_PT = 10.5  # 五号, the size of report body text
_TITLE_PT = 15.0  # 小三
_LINE = 1.6  # line height as a multiple of the font size
_SCAN_DPI = 150


class FontMissingError(FiscalEvalError):
    """Raised when no CJK font is installed to render Chinese into a PDF."""


def cjk_font() -> Path:
    """The path of an installed CJK font (a TrueType collection is fine).

    Raises
    ------
    FontMissingError
        None found; the message names the Debian package to install.
    """
    for path in _FONT_PATHS:
        if Path(path).is_file():
            return Path(path)
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True,
                               text=True, check=False).stdout.strip()
        if found.lower().endswith((".ttc", ".ttf", ".otf")) and Path(found).is_file():
            return Path(found)
    raise FontMissingError("no CJK font installed: apt-get install fonts-wqy-microhei")


# --------------------------------------------------------------------------- text -> blocks


@dataclass(frozen=True)
class _Block:
    kind: str  # "title" | "para" | "right" | "gap" | "table"
    lines: tuple[str, ...]


def _blocks(text: str) -> list[_Block]:
    """The report's lines as blocks: runs of tab lines are tables; the first line that
    names a 报告 is the title; lines indented by 8+ spaces are set flush right."""
    blocks: list[_Block] = []
    table: list[str] = []
    titled = False
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "\t" in line:
            table.append(line)
            continue
        if table and not line.strip() and "\t" in (lines[i + 1] if i + 1 < len(lines) else ""):
            continue  # one empty line inside a table (the text reader's rule too)
        if table:
            blocks.append(_Block("table", tuple(table)))
            table = []
        if not line.strip():
            blocks.append(_Block("gap", ()))
        elif not titled and "报告" in line and len(line) < 60 and "合成数据" not in line:
            titled = True
            blocks.append(_Block("title", (line.strip(),)))
        elif line.startswith(" " * 8):
            blocks.append(_Block("right", (line.strip(),)))
        else:
            blocks.append(_Block("para", (line.strip(),)))
    if table:
        blocks.append(_Block("table", tuple(table)))
    return blocks


def _grid(lines: Sequence[str]) -> list[list[str]]:
    """Tab lines as rows of cells, every row as wide as the widest."""
    rows = [line.split("\t") for line in lines]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def _rowspans(rows: list[list[str]]) -> list[list[int]]:
    """How many rows each cell spans: an empty cell before a row's first text, under a
    cell with text (or one already merged), belongs to the cell above (0 = covered)."""
    spans = [[1] * len(r) for r in rows]
    owner: dict[int, int] = {}  # column -> row of the cell that spans down here
    for i, row in enumerate(rows):
        first = next((j for j, c in enumerate(row) if c.strip()), len(row))
        for j in range(len(row)):
            if i and j < first and j in owner:
                spans[owner[j]][j] += 1
                spans[i][j] = 0
            else:
                owner[j] = i
    return spans


# --------------------------------------------------------------------------- PDF writer


def render_pdf(text: str, *, font: Path | None = None) -> bytes:
    """A report's text as a PDF with a text layer, the way a word processor exports it.

    Parameters
    ----------
    text : str
        A report as :func:`fiscal_eval.synth.generate` writes it (tab-separated table rows).
    font : Path, optional
        A CJK TrueType font or collection; by default :func:`cjk_font`.

    Returns
    -------
    bytes
        The PDF file.
    """
    from fpdf import FPDF
    from fpdf.enums import WrapMode
    from fpdf.fonts import FontFace

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=_MARGIN)
    pdf.set_creator("fiscal_eval synthetic")
    pdf.set_creation_date(_EPOCH)
    pdf.add_font("cjk", "", str(font or cjk_font()))

    def footer() -> None:  # a page number in the bottom margin, as exported reports have
        pdf.set_y(_PAGE_H - _MARGIN / 2 - 8)
        pdf.set_font("cjk", size=9)
        pdf.cell(0, 10, f"- {pdf.page_no()} -", align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    width = _PAGE_W - 2 * _MARGIN
    for block in _blocks(text):
        if block.kind == "gap":
            pdf.ln(_BODY_PT * 0.6)
        elif block.kind == "title":
            pdf.set_font("cjk", size=_TITLE_PT)
            pdf.multi_cell(width, _TITLE_PT * _LINE, block.lines[0], align="C", wrapmode=WrapMode.CHAR,
                           new_x="LMARGIN", new_y="NEXT")
        elif block.kind in ("para", "right"):
            pdf.set_font("cjk", size=_BODY_PT)
            pdf.multi_cell(width, _BODY_PT * _LINE, block.lines[0], wrapmode=WrapMode.CHAR,
                           align="R" if block.kind == "right" else "L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("cjk", size=_BODY_PT - 1)
            rows = _grid(block.lines)
            spans = _rowspans(rows)
            widths = _column_widths(pdf, rows, width)
            pdf.ln(2)
            with pdf.table(col_widths=widths, width=width, line_height=(_BODY_PT - 1) * 1.5,
                           text_align="LEFT", first_row_as_headings=False, wrapmode=WrapMode.CHAR,
                           v_align="MIDDLE", headings_style=FontFace()) as table:
                for row, span in zip(rows, spans):
                    out = table.row()
                    last = max((j for j, c in enumerate(row) if c.strip()), default=0)
                    for j, (cell, n) in enumerate(zip(row, span)):
                        if j > last and span[last] == 1:
                            break  # covered by the last cell, spanning the row's end
                        if n:
                            # The row's last text spans the empty cells after it, as a form's
                            # long answer does (a paragraph in one narrow column would not fit a page).
                            wide = len(row) - j if j == last and n == 1 else 1
                            out.cell(cell, rowspan=n, colspan=wide)
            pdf.ln(4)
    return bytes(pdf.output())


_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)  # a fixed creation date: same text, same bytes


def _column_widths(pdf: Any, rows: list[list[str]], total: float) -> tuple[float, ...]:
    """Widths proportional to each column's longest text, none below 2.5 characters,
    long columns capped so one does not starve the rest."""
    size = pdf.font_size_pt
    want = []
    for j in range(len(rows[0])):
        longest = max(pdf.get_string_width(r[j]) for r in rows) + 6
        want.append(min(max(longest, 2.5 * size + 6), total * 0.45))
    scale = total / sum(want)
    return tuple(w * scale for w in want)


# --------------------------------------------------------------------------- scans


def rasterise(pdf: bytes, *, seed: int = 0, dpi: int = _SCAN_DPI, max_angle: float = 1.0,
              noise: float = 8.0) -> list[Image.Image]:
    """The pages of ``pdf`` as a scanner returns a printed copy: grey, ``dpi`` dots per
    inch, turned by up to ``max_angle`` degrees, with Gaussian noise of ``noise`` grey
    levels and a slight blur. Seeded: the same input gives the same pixels."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    pages = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")  # pyright: ignore[reportArgumentType]
            page.close()
            angle = rng.uniform(-max_angle, max_angle)
            image = image.rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(0.6))
            noisy = np.asarray(image, dtype=np.float32)
            noisy = noisy + np.random.default_rng(rng.randrange(2**32)).normal(0, noise, noisy.shape)
            pages.append(Image.fromarray(noisy.clip(0, 255).astype(np.uint8), "L"))
    finally:
        document.close()
    return pages


def scan_pdf(pages: Sequence[Image.Image], *, dpi: int = _SCAN_DPI) -> bytes:
    """Page images as one image-only PDF (no text layer), as a scanner's software saves it."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, format="PDF", save_all=True, append_images=list(rest), resolution=float(dpi))
    return out.getvalue()


def scan_png(page: Image.Image, *, dpi: int = _SCAN_DPI) -> bytes:
    """One page image as PNG bytes."""
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


# --------------------------------------------------------------------------- a corpus


@dataclass(frozen=True)
class RenderedCorpus:
    """What :func:`render_corpus` wrote: files per format, all under ``out``."""

    out: Path
    files: dict[str, tuple[Path, ...]]


FORMATS = ("pdf", "scan.pdf", "scan.png")


def render_corpus(synth_out: str | Path, *, formats: Iterable[str] = ("pdf",), limit: int | None = None,
                  seed: int = 0, out: str | Path | None = None) -> RenderedCorpus:
    """Render the reports of a synthetic corpus (``synth_out/reports/*.txt``, as
    :func:`fiscal_eval.synth.generate` wrote it) into the given formats.

    Each report ``reports/NAME.txt`` becomes ``<out>/<format>/NAME.<format>`` — ``pdf``
    (text layer), ``scan.pdf`` (image-only PDF), ``scan.png`` (its first page only when the
    report has one page; else one PNG a page, ``NAME.p2.scan.png`` …). ``truth.jsonl`` is
    read to keep the corpus order; the truth of ``<format>/NAME.*`` is that of
    ``reports/NAME.txt``.

    Parameters
    ----------
    synth_out : str or Path
        The generator's output folder.
    formats : iterable of str
        Any of :data:`FORMATS`.
    limit : int, optional
        Only the first ``limit`` reports (OCR is slow: scans of a few pages are plenty).
    seed : int
        Seeds the scans' angle and noise.
    out : str or Path, optional
        Where to write; by default ``synth_out``.
    """
    synth_out = Path(synth_out)
    target = Path(out) if out is not None else synth_out
    formats = tuple(formats)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown formats {sorted(unknown)}; known: {', '.join(FORMATS)}")
    with (synth_out / "truth.jsonl").open(encoding="utf-8") as fh:
        sources = [json.loads(line)["source"] for line in fh if line.strip()]
    sources = sources[:limit] if limit is not None else sources
    font = cjk_font()
    written: dict[str, list[Path]] = {f: [] for f in formats}
    for i, source in enumerate(sources):
        stem = Path(source).stem
        pdf = render_pdf((synth_out / source).read_text("utf-8"), font=font)
        if "pdf" in formats:
            written["pdf"].append(_write(target / "pdf" / f"{stem}.pdf", pdf))
        if "scan.pdf" in formats or "scan.png" in formats:
            pages = rasterise(pdf, seed=seed * 100_003 + i)
            if "scan.pdf" in formats:
                written["scan.pdf"].append(_write(target / "scan.pdf" / f"{stem}.scan.pdf", scan_pdf(pages)))
            if "scan.png" in formats:
                for n, page in enumerate(pages, 1):
                    name = f"{stem}.scan.png" if n == 1 else f"{stem}.p{n}.scan.png"
                    written["scan.png"].append(_write(target / "scan.png" / name, scan_png(page)))
    return RenderedCorpus(target, {f: tuple(p) for f, p in written.items()})


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
