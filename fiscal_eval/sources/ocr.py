"""OCR of page images (scanned PDF pages, PNG/JPEG/TIFF files), and the limits every
PDF and image read stays within.

The engine is RapidOCR (``rapidocr-onnxruntime``), whose wheel ships the PP-OCRv4
Chinese detection and recognition models: nothing is downloaded, ever. It is started
once a process (about half a second) with one thread, because the ingest already runs
one process a core.

A page image is first straightened (scans come in turned by a degree or so: the angle
whose rotation makes the rows of ink most uneven, the projection-profile method), then
read into :class:`~fiscal_eval.sources.geometry.Run` s, one a box of text with its
confidence, and searched for the ruling lines of tables (long thin runs of ink left by a
morphological opening), so that :func:`~fiscal_eval.sources.geometry.assemble` rebuilds
the page's lines and tables exactly as it does for a text layer.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fiscal_eval.errors import ReadError
from fiscal_eval.sources.geometry import Rule, Run

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["Limits", "LIMITS", "Deadline", "ocr_available", "read_page_image", "OcrPage"]


@dataclass(frozen=True)
class Limits:
    """What one PDF or image file may cost: pages read, seconds spent, pixels decoded.

    A file over ``pages`` is read up to the limit and reported ``partial``, as is one
    whose reading runs past ``seconds`` (checked between pages: OCR takes seconds a page,
    text layers milliseconds); an image over ``pixels`` (a decompression bomb, or a poster
    scanned at 1,200 dpi) is refused before it is decoded.
    """

    pages: int = 1000
    seconds: float = 600.0
    pixels: int = 60_000_000


LIMITS = Limits()
"""The limits in force (tests and callers may replace them)."""

# The longest side, in pixels, a page is read at: PP-OCR's detector works at up to 2,000
# (A4 at about 170 dpi, where body text is 25 px high: plenty), and each pixel more costs.
OCR_LONG_SIDE = 2000


class Deadline:
    """A file's time budget: ``expired`` once ``seconds`` have passed since it started."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.start > self.seconds


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    """The OCR engine, started once a process."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ImportError("OCR needs rapidocr-onnxruntime: pip install rapidocr-onnxruntime") from exc
    # NOTE: one thread: on a shared machine, or in an ingest running a process a core,
    # more threads only contend (one thread read a page in 11 s where the default took 20).
    # No angle classifier: pages are straightened first, and it costs 5% for nothing.
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, use_cls=False)


def ocr_available() -> bool:
    """Whether the OCR engine can be imported."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- straightening


def skew_angle(gray: np.ndarray, *, limit: float = 3.0) -> float:
    """The angle (degrees, counter-clockwise) the page's text lines are turned by.

    Projection profile: ink rows are sharpest (row sums most uneven) when the lines are
    level. Searched on a copy about 800 px wide, coarse then fine (0.05°).
    """
    import cv2
    import numpy as np

    h, w = gray.shape
    scale = min(1.0, 800 / max(w, 1))
    small = cv2.resize(gray, (max(int(w * scale), 1), max(int(h * scale), 1)), interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = ink.astype(np.float32)
    if ink.sum() == 0:
        return 0.0
    centre = (ink.shape[1] / 2, ink.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (ink.shape[1], ink.shape[0]), flags=cv2.INTER_NEAREST)
        return float(np.var(turned.sum(axis=1)))

    best = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    return -float(fine)


def _straighten(gray: np.ndarray) -> tuple[np.ndarray, float]:
    import cv2

    angle = skew_angle(gray)
    if abs(angle) < 0.05:
        return gray, 0.0
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    turned = cv2.warpAffine(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return turned, angle


# --------------------------------------------------------------------------- ruling lines


def glyph_height(gray: np.ndarray) -> float:
    """The height of a body-text character in a page image, in pixels: the 90th
    percentile of the heights of ink blobs of a character's proportions (a CJK character
    is one to a few blobs nearly its full height; lines and specks are left out)."""
    import cv2
    import numpy as np

    # A median blur first: scanner noise makes specks that would pass for tiny glyphs.
    _, ink = cv2.threshold(cv2.medianBlur(gray, 3), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, area = stats[1:count, 2], stats[1:count, 3], stats[1:count, 4]
    keep = (h >= 5) & (h <= gray.shape[0] / 4) & (w <= 4 * h) & (h <= 4 * w) & (area >= 15)
    return float(np.percentile(h[keep], 90)) if keep.any() else 20.0


def find_rules(gray: np.ndarray, glyph: float) -> list[Rule]:
    """Horizontal and vertical ruling lines in a page image (pixel units).

    Ink is opened with a line-shaped kernel longer than any stroke of a character
    (``glyph`` is a character's height: 1.8 of them across, 1.5 down), so that only lines
    survive; each surviving thin component is a rule.
    """
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rules: list[Rule] = []
    thick = max(4.0, 0.3 * glyph)
    for horizontal, length in ((True, max(12, int(1.8 * glyph))), (False, max(10, int(1.5 * glyph)))):
        shape = (length, 1) if horizontal else (1, length)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, shape)
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if horizontal and h <= thick:
                rules.append(Rule(True, y + h / 2, float(x), float(x + w)))
            elif not horizontal and w <= thick:
                rules.append(Rule(False, x + w / 2, float(y), float(y + h)))
    return rules


def _erase(gray: np.ndarray, rules: Sequence[Rule], glyph: float) -> np.ndarray:
    """A copy of the image with the tables' rules painted white: a character touching a
    cell border (the 一 of 一级指标) is then read, not merged into the line."""
    import cv2

    clean = gray.copy()
    width = max(3, int(round(0.2 * glyph)) | 1)
    for rule in rules:
        at = int(round(rule.at))
        if rule.horizontal:
            cv2.line(clean, (int(rule.start), at), (int(rule.end), at), 255, width)
        else:
            cv2.line(clean, (at, int(rule.start)), (at, int(rule.end)), 255, width)
    return clean


# --------------------------------------------------------------------------- reading


def _box_runs(entry: Sequence[Any]) -> list[Run]:
    """One OCR result (box, text, score[, character boxes, characters, their scores]) as
    runs: a run a character, placed by its own box, so that a box read across two table
    cells is split exactly where the border runs; the whole box when the characters do
    not add up to the text. A space the recogniser read stays after its character."""
    quad, text, score = entry[0], str(entry[1]), float(entry[2])
    ys = [float(p[1]) for p in quad]
    top, bottom = min(ys), max(ys)
    if len(entry) >= 6 and entry[4] and "".join(entry[4]) == text.replace(" ", ""):
        runs = []
        rest = text
        for box, chars, conf in zip(entry[3], entry[4], entry[5]):
            rest = rest.lstrip(" ")[len(chars):]
            spaced = chars + " " if rest.startswith(" ") else chars
            xs = [float(p[0]) for p in box]
            runs.append(Run(spaced, min(xs), top, max(xs), bottom, round(min(float(conf), score), 3)))
        return runs
    text = text.strip()
    if not text:
        return []
    xs = [float(p[0]) for p in quad]
    return [Run(text, min(xs), top, max(xs), bottom, round(score, 3))]


@dataclass(frozen=True)
class OcrPage:
    """What OCR read on one page image: runs and rules in the image's pixels (after
    straightening by ``angle`` degrees), and the image size."""

    runs: tuple[Run, ...]
    rules: tuple[Rule, ...]
    width: int
    height: int
    angle: float


def read_page_image(gray: np.ndarray, source: str, tolerance: float = 5.0) -> OcrPage:
    """OCR one page image (a 2-D uint8 array): straighten it, find its rules, paint the
    tables' rules out, read the text.

    ``tolerance`` (pixels) is how far apart two rules may be and still meet.

    Raises
    ------
    ReadError
        The OCR engine failed on the image.
    """
    import numpy as np

    from fiscal_eval.sources.geometry import table_rules

    h, w = gray.shape
    straight, angle = _straighten(gray)
    glyph = glyph_height(straight)
    rules = find_rules(straight, glyph)
    # Only long rules are painted out: a grid of short "rules" is strokes of characters.
    clean = _erase(straight, [r for r in table_rules(rules, tolerance) if r.end - r.start >= 2.5 * glyph], glyph)
    try:
        image = np.ascontiguousarray(np.stack([clean] * 3, axis=-1))
        result, _ = _engine()(image, return_word_box=True)
    except Exception as exc:  # NOTE: onnxruntime raises its own types on a bad image
        raise ReadError(source, f"OCR failed ({type(exc).__name__}: {exc})") from None
    runs: list[Run] = []
    for entry in result or ():
        runs.extend(_box_runs(entry))
    return OcrPage(tuple(runs), tuple(rules), w, h, angle)
