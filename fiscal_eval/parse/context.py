"""What every extractor needs about one document: folded text, sections, clauses."""

from __future__ import annotations

import bisect
import re
from functools import cached_property, lru_cache

from fiscal_eval.model import SENTENCE_END, Anchor, Document, Evidence, Span, Table, sentence_at
from fiscal_eval.parse.numbers import fold
from fiscal_eval.parse.sections import SectionIndex, build_sections, find_headings

__all__ = ["Context", "clean_label", "is_cjk"]

# On fold()-ed text, where ！？ are already !?.
_SENTENCE_STOP_RE = re.compile(f"[{re.escape(fold(SENTENCE_END))}]")
_CLAUSE_STOP = ",;、:。!?\n\t"
_CLAUSE_STOP_RE = re.compile(f"[{re.escape(_CLAUSE_STOP)}]")
_LEAD = re.compile(
    r"^(?:\s|[:—\-•·]|其中|分别为|分别是|包括|(?:19|20)\d\d\s*年(?:度)?(?![初末底])|\d{5,}\s*-?"
    r"|\(\d{1,2}\)|\d{1,2}[、.](?!\d)|[)\]】])+"
)
_TRAIL = re.compile(r"(?:\s|为|是|共计|共|达到|(?<!下)达|约|人民币|[:—\-(\[【])+$")
_INNER_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=32768)
def clean_label(label: str) -> str:
    """A label (fold()-ed) without list words, leading years and budget codes, or
    trailing filler.

    >>> clean_label("其中:2010302  一般行政管理事务"), clean_label("2020年度决算总收入为")
    ('一般行政管理事务', '决算总收入')
    """
    label = _INNER_SPACE.sub("", fold(label))
    prev = None
    while prev != label:
        prev = label
        label = _TRAIL.sub("", _LEAD.sub("", label))
    return label.strip()


class Context:
    """One document prepared for extraction. ``f`` is the fold()-ed text (same offsets)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.f = fold(doc.text)
        self.headings = find_headings(self.f)
        self.sections = build_sections(self.text, self.headings)
        self.index = SectionIndex(self.sections)
        # Table rows the table readers consumed (see cover()): prose extractors skip them.
        self._covered: list[Span] = []  # sorted
        self._covered_starts: list[int] = []  # their starts, for bisect

    @cached_property
    def tables(self) -> tuple[Table, ...]:
        return self.doc.tables

    # ----------------------------------------------------------------- geometry
    @cached_property
    def _stops(self) -> list[int]:
        return [m.start() for m in _SENTENCE_STOP_RE.finditer(self.f)]

    def sentence_bounds(self, pos: int) -> Span:
        """(start, end) of the sentence holding ``pos``: between 。!? or line breaks."""
        stops = self._stops
        i = bisect.bisect_left(stops, pos)
        lo = stops[i - 1] + 1 if i > 0 else 0
        hi = stops[i] if i < len(stops) else len(self.f)
        return lo, hi

    def line_bounds(self, pos: int) -> Span:
        lo = self.f.rfind("\n", 0, pos) + 1
        hi = self.f.find("\n", pos)
        return lo, (len(self.f) if hi < 0 else hi)

    def left_clause(self, pos: int, floor: int) -> tuple[str, int]:
        """The words before ``pos`` back to a clause stop (not before ``floor``).

        When the clause is only filler ("为: 4,362,576.87元"), it reaches back over one
        colon to the words that name the figure. Returns (clause, its start)."""
        # The clause starts after the last stop before ``pos`` (found by bisection in the
        # stops listed once; extractors ask this of every figure), or at ``floor``.
        f = self.f
        i = self._after_stop(pos, floor)
        clause = f[i:pos]
        if not clean_label(clause) and i > floor and f[i - 1] == ":":
            j = self._after_stop(i - 1, floor)
            return f[j:pos], j
        return clause, i

    @cached_property
    def _clause_stops(self) -> list[int]:
        return [m.start() for m in _CLAUSE_STOP_RE.finditer(self.f)]

    def _after_stop(self, pos: int, floor: int) -> int:
        """Just after the last clause stop before ``pos``, but not before ``floor``
        (where walking back from ``pos`` over non-stops would end)."""
        if pos <= floor:
            return pos
        stops = self._clause_stops
        k = bisect.bisect_left(stops, pos)
        return max(floor, stops[k - 1] + 1) if k else floor

    def cover(self, span: Span) -> None:
        """Mark a table row as read: prose extractors skip what it spans."""
        # Kept sorted as rows come (an insertion, at the end as rows come in text order),
        # not sorted again at each lookup: the table readers interleave the two, and a
        # 20,000-row table took 9 s that way.
        i = bisect.bisect_right(self._covered, span)
        self._covered.insert(i, span)
        self._covered_starts.insert(i, span[0])

    def in_covered(self, pos: int) -> bool:
        """Whether ``pos`` lies in the last covered row starting at or before it."""
        i = bisect.bisect_right(self._covered_starts, pos) - 1
        return i >= 0 and pos < self._covered[i][1]

    def in_parentheses(self, lo: int, pos: int) -> bool:
        """Whether ``pos`` sits inside (…) opened after ``lo``."""
        seg = self.f[lo:pos]
        return seg.count("(") > seg.count(")")

    # ----------------------------------------------------------------- sections
    def chain(self, pos: int):
        return self.index.chain(pos)

    def context_path(self, pos: int) -> str:
        chain = self.chain(pos)
        return chain[-1].path if chain else ""

    # ----------------------------------------------------------------- evidence
    def evidence(self, span: Span, label: str = "") -> Evidence:
        lo, _ = self.sentence_bounds(span[0])
        _, hi = self.sentence_bounds(max(span[0], span[1] - 1))
        # sentence_at on just this stretch (plus its closing 。): the same sentence, without
        # walking the text character by character.
        sentence = sentence_at(self.text[lo:hi + 1], (span[0] - lo, span[1] - lo))
        anchor = self.anchor_at(span[0])
        if anchor is None:
            return Evidence(span=span, sentence=sentence, label=label)
        return Evidence(span=span, sentence=sentence, label=label, where=anchor.where,
                        ocr_confidence=anchor.ocr_confidence)

    @cached_property
    def _anchor_starts(self) -> list[int]:
        return [a.span[0] for a in self.doc.anchors]

    def anchor_at(self, pos: int) -> Anchor | None:
        """The reader's anchor (sheet cell, page, paragraph) holding ``pos``, if any."""
        i = bisect.bisect_right(self._anchor_starts, pos) - 1
        if i < 0:
            return None
        anchor = self.doc.anchors[i]
        return anchor if pos < anchor.span[1] else None
