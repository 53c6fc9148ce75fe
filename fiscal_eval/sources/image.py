"""Images of report pages (PNG, JPEG, TIFF — a multi-page TIFF is a multi-page scan),
read by OCR.

The image is checked before it is decoded (its size against the pixel limit: a
decompression bomb is refused, not unpacked), turned upright by its EXIF orientation (a
phone photo), made grey, scaled down to OCR's working size when larger, then read page
by page as a scanned PDF page is (:mod:`fiscal_eval.sources.ocr`). Anchors name the page
(``第1页``) and the box in the image's own pixels. An image holding no text (a photo of
a cat) fails as not a report.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources import ocr
from fiscal_eval.sources.geometry import Page, Rule, Run, assemble

__all__ = ["looks_like_image", "read_image"]

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_FEW_CHARS = 10
# Rules closer than this (in points at the image's resolution) are one; as for PDFs.
_TOLERANCE_PT = 2.5
_ASSUMED_DPI = 150.0  # when the file does not say (a page scanned for the web)


def looks_like_image(data: bytes) -> bool:
    """Whether bytes are a PNG, JPEG or TIFF image.

    >>> looks_like_image(b"\\x89PNG\\r\\n\\x1a\\n...."), looks_like_image(b"%PDF-1.7")
    (True, False)
    """
    return any(data.startswith(magic) for magic, _ in _MAGIC)


def _kind(data: bytes) -> str:
    return next((name for magic, name in _MAGIC if data.startswith(magic)), "image")


def _dpi(image: Any) -> float:
    """The resolution the image states, when it is plausible for a scan."""
    value = image.info.get("dpi")
    try:
        dpi = float(value[0]) if value else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    return dpi if 50 <= dpi <= 1200 else _ASSUMED_DPI


def _page(frame: Any, number: int, source: str) -> Page:
    """One frame read by OCR; boxes in the frame's own pixels."""
    import numpy as np
    from PIL import Image, ImageOps

    dpi = _dpi(frame)
    frame = ImageOps.exif_transpose(frame).convert("L")
    width, height = frame.size
    scale = min(1.0, ocr.OCR_LONG_SIDE / max(width, height))
    if scale < 1.0:
        frame = frame.resize((max(int(width * scale), 1), max(int(height * scale), 1)), Image.Resampling.LANCZOS)
    read = ocr.read_page_image(np.asarray(frame), source, tolerance=_TOLERANCE_PT * dpi / 72 * scale)
    back = 1 / scale
    runs = tuple(Run(r.text, r.x0 * back, r.top * back, r.x1 * back, r.bottom * back, r.confidence) for r in read.runs)
    rules = tuple(Rule(r.horizontal, r.at * back, r.start * back, r.end * back) for r in read.rules)
    return Page(number, width, height, runs, rules, tolerance=_TOLERANCE_PT * dpi / 72, gap_spaces=False)


def read_image(data: bytes, source: str = "<bytes>") -> Document:
    """Read an image of report pages by OCR.

    Parameters
    ----------
    data : bytes
        The file's bytes; never modified.
    source : str
        The path as given, recorded in the Document and named in errors.

    Returns
    -------
    Document
        ``format="image"``; an anchor per line and table cell with its page, box (pixels)
        and OCR confidence; ``metadata`` ``pages``, ``ocr_pages`` and, when a limit
        stopped the read, ``incomplete``.

    Raises
    ------
    ReadError
        Not a readable image, over the pixel limit, or no text found in it.
    """
    from PIL import Image, UnidentifiedImageError

    limits = ocr.LIMITS
    deadline = ocr.Deadline(limits.seconds)
    kind = _kind(data)
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except UnidentifiedImageError:
        raise ReadError(source, f"damaged {kind} image: cannot be decoded") from None
    except (OSError, ValueError) as exc:
        raise ReadError(source, f"damaged {kind} image: cannot be decoded ({exc})") from None
    except Image.DecompressionBombError as exc:  # pragma: no cover - open() checks lazily
        raise ReadError(source, f"{kind} image too large: {exc}") from None
    pages: list[Page] = []
    incomplete = ""
    with image:
        total = getattr(image, "n_frames", 1)
        for index in range(total):
            if index >= limits.pages:
                incomplete = f"stopped after {limits.pages} of {total} pages: the limit is {limits.pages} pages a file"
                break
            if index and deadline.expired:
                incomplete = (f"stopped after {index} of {total} pages: "
                              f"the time limit of {limits.seconds:g} s a file was reached")
                break
            try:
                image.seek(index)
                width, height = image.size
                if width * height > limits.pixels:
                    raise ReadError(source, f"{kind} image too large: {width}×{height} pixels, the limit is "
                                            f"{limits.pixels:,} pixels a page")
                image.load()
                pages.append(_page(image, index + 1, source))
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
                if pages:  # the pages before the damage are kept
                    incomplete = f"stopped at page {index + 1} of {total}: damaged image data ({exc})"
                    break
                raise ReadError(source, f"damaged {kind} image: cannot be decoded ({exc})") from None
    out = assemble(pages)
    if sum(1 for ch in out.text if not ch.isspace()) < _FEW_CHARS:
        if incomplete:
            raise ReadError(source, f"no text in the pages read; {incomplete}")
        raise ReadError(source, f"not a report: OCR found no text in the {kind} image")
    metadata = {"pages": str(total), "ocr_pages": ",".join(str(p.number) for p in pages)}
    if incomplete:
        metadata["incomplete"] = incomplete
    return Document(
        source=source,
        text=out.text,
        format="image",
        tables=out.tables,
        sha256=hashlib.sha256(data).hexdigest(),
        metadata=metadata,
        warnings=(incomplete,) if incomplete else (),
        anchors=out.anchors,
    )
