"""PDF files: the text layer in reading order with its ruled tables; pages without a text
layer (scans) read by OCR.

Each page is read with pdfium (``pypdfium2``): every character of the text layer with
its box, and the straight line segments of its vector paths (the rules a table is drawn
with, cell borders drawn one by one or as rectangles, thin filled rectangles too). A page
with (almost) no text but a large image — a scan — or whose text layer is garbage (a
font without a Unicode map gives private-use characters) is rendered and read by OCR
instead (:mod:`fiscal_eval.sources.ocr`). Both end as the same page geometry, which
:func:`fiscal_eval.sources.geometry.assemble` turns into the Document: lines in reading
order, wrapped paragraphs re-joined, page numbers dropped, ruled tables as one line a
row with cells joined by tabs, and an anchor (``第3页`` and the box, in points from the
page's top-left) for every line and cell.

Limits (:data:`fiscal_eval.sources.ocr.LIMITS`): a file is read up to its page limit
and time budget and is then ``partial`` with the reason in its errors. A damaged or
password-protected PDF fails with the reason.
"""

from __future__ import annotations

import ctypes
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources import ocr
from fiscal_eval.sources.geometry import Page, Rule, Run, assemble

__all__ = ["looks_like_pdf", "read_pdf"]

# A page with fewer visible characters than this and an image over this share of it is
# a scan; a text layer with this share of unmapped characters is garbage.
_FEW_CHARS = 10
_SCAN_COVER = 0.25
_GARBLED_SHARE = 0.3
# Rules are not collected on a page with more path segments than this (a drawing).
_MAX_SEGMENTS = 50_000
_MIN_RULE = 3.0  # points: shorter segments are marks, not rules
_THIN = 2.5  # points: a filled rectangle this thin is a rule
_WHITE = 250  # stroke colours this light draw nothing on paper

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def looks_like_pdf(data: bytes) -> bool:
    """Whether bytes are a PDF (its header may follow up to 1 KB of junk, as readers allow).

    >>> looks_like_pdf(b"%PDF-1.7\\n..."), looks_like_pdf(b"<html>")
    (True, False)
    """
    return b"%PDF-" in data[:1024]


def _open_problem(exc: Exception) -> str:
    """Why pdfium could not open a file, in plain words."""
    import pypdfium2.raw as raw

    code = getattr(exc, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        return "encrypted PDF: it needs a password to open (ask the publisher for an open copy)"
    if code == raw.FPDF_ERR_SECURITY:
        return "encrypted PDF with an unsupported security handler: cannot be opened"
    if code == raw.FPDF_ERR_FORMAT:
        return "damaged PDF: not a readable PDF structure (truncated or corrupt)"
    return f"damaged PDF: pdfium cannot open it ({exc})"


# --------------------------------------------------------------------------- geometry


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _display(page: Any) -> tuple[Matrix, float, float]:
    """The map from PDF user space to the page as displayed, top-down in points (the
    page's /Rotate and crop box applied), and the displayed width and height."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    # FPDF_PageToDevice rounds to device pixels: map onto a canvas 64× the page for precision.
    k = 64
    size_x, size_y = max(int(width * k), 1), max(int(height * k), 1)
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def to_device(x: float, y: float) -> tuple[float, float]:
        raw.FPDF_PageToDevice(page.raw, 0, 0, size_x, size_y, 0, x, y, dx, dy)
        return dx.value / k, dy.value / k

    ox, oy = to_device(0.0, 0.0)
    ax, ay = to_device(1000.0, 0.0)
    bx, by = to_device(0.0, 1000.0)
    return ((ax - ox) / 1000, (ay - oy) / 1000, (bx - ox) / 1000, (by - oy) / 1000, ox, oy), width, height


def _box(m: Matrix, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
    x0, y0 = _apply(m, left, bottom)
    x1, y1 = _apply(m, right, top)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


# --------------------------------------------------------------------------- text layer


def _text_runs(page: Any, display: Matrix) -> tuple[list[Run], int]:
    """Every character of the page's text layer with its box (displayed, top-down), and
    how many are unmapped (private-use or replacement characters: a font without a
    Unicode map). Characters pdfium generates (spaces, line breaks) are left out: the
    layout decides spacing from the boxes. Characters at another angle than most (a
    diagonal watermark) are left out too."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = raw.FPDFText_CountChars(handle)
        rect = raw.FS_RECTF()
        ref = ctypes.byref(rect)
        generated, unicode, loose, angle_of = (raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode,
                                               raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharAngle)
        chars: list[tuple[str, tuple[float, float, float, float], int]] = []
        bad = 0
        a, b, c, d, e, f = display
        for i in range(count):
            if generated(handle, i) == 1:
                continue
            code = unicode(handle, i)
            if code < 32 or code in (0x7F, 0xFFFE, 0xFFFF) or code >= 0x110000:
                continue
            if 0xE000 <= code <= 0xF8FF or code == 0xFFFD:
                bad += 1
                continue
            if not loose(handle, i, ref):
                continue
            # The box displayed (inlined _box: this loop runs for every character).
            left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
            x0, y0 = a * left + c * bottom + e, b * left + d * bottom + f
            x1, y1 = a * right + c * top + e, b * right + d * top + f
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            # Angles to the nearest 5°: a watermark is drawn at 30–45°, body text at 0.
            chars.append((chr(code), box, round(angle_of(handle, i) * 36 / 3.14159265)))
    finally:
        textpage.close()
    if not chars:
        return [], bad
    usual = Counter(angle for _, _, angle in chars).most_common(1)[0][0]
    runs = [Run(ch, *box) for ch, box, angle in chars if angle == usual]
    return runs, bad


# --------------------------------------------------------------------------- rules


def _objects(parent: Any, is_form: bool) -> Iterator[Any]:
    import pypdfium2.raw as raw

    count = raw.FPDFFormObj_CountObjects(parent) if is_form else raw.FPDFPage_CountObjects(parent)
    get = raw.FPDFFormObj_GetObject if is_form else raw.FPDFPage_GetObject
    for i in range(max(count, 0)):
        obj = get(parent, i)
        if obj:
            yield obj


def _matrix(obj: Any) -> Matrix:
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _page_art(page: Any, display: Matrix) -> tuple[list[Rule], float]:
    """The page's ruling lines (displayed, top-down), and the share of the page covered
    by images (a scan is one page-sized image)."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    rules: list[Rule] = []
    image_area = 0.0
    budget = [_MAX_SEGMENTS]
    x, y = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))

    def walk(parent: Any, is_form: bool, outer: Matrix, depth: int) -> None:
        nonlocal image_area
        for obj in _objects(parent, is_form):
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_FORM and depth < 8:
                walk(obj, True, _compose(outer, _matrix(obj)), depth + 1)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE and depth == 0:
                if raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                    x0, y0, x1, y1 = _box(display, left.value, bottom.value, right.value, top.value)
                    image_area += max(0.0, min(x1, width) - max(x0, 0.0)) * max(0.0, min(y1, height) - max(y0, 0.0))
            elif kind == raw.FPDF_PAGEOBJ_PATH and budget[0] > 0:
                path_rules(obj, _compose(outer, _matrix(obj)))

    def path_rules(obj: Any, to_page: Matrix) -> None:
        count = raw.FPDFPath_CountSegments(obj)
        budget[0] -= max(count, 0)
        if count <= 0 or budget[0] < 0:
            return
        raw.FPDFPath_GetDrawMode(obj, fill, stroke)
        if (stroke.value and raw.FPDFPageObj_GetStrokeColor(obj, r, g, b, a)
                and min(r.value, g.value, b.value) >= _WHITE):
            return  # a white line: invisible on paper
        m = _compose(display, to_page)
        edges: list[tuple[tuple[float, float], tuple[float, float]]] = []
        start = previous = None
        for k in range(count):
            segment = raw.FPDFPath_GetPathSegment(obj, k)
            raw.FPDFPathSegment_GetPoint(segment, x, y)
            point = _apply(m, x.value, y.value)
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = point
            elif kind == raw.FPDF_SEGMENT_LINETO and previous is not None:
                edges.append((previous, point))
            previous = point
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                edges.append((point, start))
                previous = start
        if not edges:
            return
        if not stroke.value:
            # Filled only: a thin bar is a rule; a larger area is a shading, not a line.
            xs = [p[0] for e in edges for p in e]
            ys = [p[1] for e in edges for p in e]
            if min(max(xs) - min(xs), max(ys) - min(ys)) > _THIN:
                return
        for (x0, y0), (x1, y1) in edges:
            if abs(y1 - y0) <= 0.5 and abs(x1 - x0) >= _MIN_RULE:
                rules.append(Rule(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) >= _MIN_RULE:
                rules.append(Rule(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1)))

    walk(page.raw, False, _IDENTITY, 0)
    if budget[0] < 0:
        rules = []  # a drawing, not a form: no tables looked for on this page
    return rules, image_area / max(width * height, 1e-6)


# --------------------------------------------------------------------------- pages


def _ocr_page(page: Any, number: int, width: float, height: float, source: str) -> Page:
    """A page rendered and read by OCR, in points like a text layer."""
    import numpy as np

    scale = min(ocr.OCR_LONG_SIDE / max(width, height, 1e-6), 300 / 72)
    if width * scale * height * scale > ocr.LIMITS.pixels:
        scale = (ocr.LIMITS.pixels / (width * height)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        gray = np.asarray(bitmap.to_pil().convert("L"))
    finally:
        bitmap.close()
    read = ocr.read_page_image(gray, source, tolerance=2.5 * scale)
    to_pt = 1 / scale
    runs = tuple(Run(r.text, r.x0 * to_pt, r.top * to_pt, r.x1 * to_pt, r.bottom * to_pt, r.confidence)
                 for r in read.runs)
    rules = tuple(Rule(r.horizontal, r.at * to_pt, r.start * to_pt, r.end * to_pt) for r in read.rules)
    return Page(number, width, height, runs, rules, gap_spaces=False)


def _read_page(page: Any, number: int, source: str) -> tuple[Page, bool]:
    """One page as geometry, and whether it was read by OCR."""
    display, width, height = _display(page)
    runs, bad = _text_runs(page, display)
    rules, image_cover = _page_art(page, display)
    visible = sum(1 for run in runs if not run.text.isspace())
    garbled = bad > _GARBLED_SHARE * (visible + bad) and bad >= _FEW_CHARS
    if garbled or (visible < _FEW_CHARS and image_cover >= _SCAN_COVER):
        return _ocr_page(page, number, width, height, source), True
    return Page(number, width, height, tuple(runs), tuple(rules)), False


def read_pdf(data: bytes, source: str = "<bytes>", *, on_page: Callable[[int, bool], None] | None = None) -> Document:
    """Read a PDF: its text layer, or OCR where a page has none.

    Parameters
    ----------
    data : bytes
        The file's bytes; never modified.
    source : str
        The path as given, recorded in the Document and named in errors.
    on_page : callable, optional
        Called ``on_page(number, ocr)`` after each page (the benchmark counts OCR pages).

    Returns
    -------
    Document
        ``format="pdf"``; ``anchors`` name each line's and cell's page (``第3页``) and
        box, with the OCR confidence where a page was read by OCR; ``metadata`` holds
        ``pages`` (in the file), ``ocr_pages`` (numbers, comma-separated), the PDF's
        ``title`` if set, and ``incomplete`` (why) when a limit stopped the read.

    Raises
    ------
    ReadError
        A damaged or encrypted PDF, one without pages, or one with no text at all.
    """
    import pypdfium2 as pdfium

    limits = ocr.LIMITS
    deadline = ocr.Deadline(limits.seconds)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError(source, _open_problem(exc)) from None
    pages: list[Page] = []
    ocr_pages: list[int] = []
    incomplete = ""
    try:
        total = len(document)
        if total == 0:
            raise ReadError(source, "PDF has no pages")
        title = (document.get_metadata_value("Title") or "").strip()
        last = min(total, limits.pages)
        for index in range(last):
            page = document[index]
            try:
                read, by_ocr = _read_page(page, index + 1, source)
            finally:
                page.close()
            pages.append(read)
            if by_ocr:
                ocr_pages.append(index + 1)
            if on_page is not None:
                on_page(index + 1, by_ocr)
            if deadline.expired and index + 1 < total:
                incomplete = (f"stopped after {index + 1} of {total} pages: the time limit of "
                              f"{limits.seconds:g} s a file was reached")
                break
        if not incomplete and total > limits.pages:
            incomplete = f"stopped after {limits.pages} of {total} pages: the limit is {limits.pages} pages a file"
    finally:
        document.close()
    out = assemble(pages)
    if sum(1 for ch in out.text if not ch.isspace()) < _FEW_CHARS:
        if incomplete:
            raise ReadError(source, f"no text in the pages read; {incomplete}")
        how = "OCR found none on its scanned pages" if ocr_pages else "no text layer and no scanned pages"
        raise ReadError(source, f"not a report: no text in the PDF ({how})")
    metadata = {"pages": str(total), "ocr_pages": ",".join(map(str, ocr_pages))}
    if title:
        metadata["title"] = title
    if incomplete:
        metadata["incomplete"] = incomplete
    return Document(
        source=source,
        text=out.text,
        format="pdf",
        tables=out.tables,
        sha256=hashlib.sha256(data).hexdigest(),
        metadata=metadata,
        warnings=(incomplete,) if incomplete else (),
        anchors=out.anchors,
    )
