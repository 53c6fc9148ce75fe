"""The section tree: 一、 (一) 1. (1) 1) ① headings, with titles and paths.

A numbered line is a heading when it reads like one: short, or a short title closed by
。/： and followed by its body on the same line ("2.经济效益。本年预算…"). Long numbered
lines are list items of the section they sit in, not sections.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from fiscal_eval.model import Section
from fiscal_eval.parse.numbers import cn_to_int
from fiscal_eval.util.records import record

__all__ = ["Heading", "find_headings", "build_sections", "SectionIndex", "MARKER_RE"]

_CN = "一二三四五六七八九十百零〇"
# Marker styles in their usual nesting order; the rank is the depth they usually take.
# Runs on fold()-ed text, so （一） is already (一).
MARKER_RE = re.compile(
    r"(?m)^[ \t•·]*(?:"
    rf"(?:第(?P<part>[{_CN}]+)部分)"
    rf"|(?P<l1>[{_CN}]+)\s*[、.]"
    rf"|\((?P<l2>[{_CN}]+)\)\s*[、.]?"
    r"|(?P<l3>\d{1,2})\s*[、.](?!\d)"
    r"|\((?P<l4>\d{1,2})\)\s*[、.]?"
    r"|(?P<l5>\d{1,2})\)\s*[、.]?"
    r"|(?P<l6>[①-⑳])"
    r")[ \t]*"
)
# Sections below which children() scans them all rather than index them (cheaper then).
_FEW = 64
_RANK = {"part": 0, "l1": 1, "l2": 2, "l3": 3, "l4": 4, "l5": 5, "l6": 6}
_INNER_STOP = re.compile(r"[,;，；]")
_TITLE_END = re.compile(r"[。:：]")


@record
class Heading:
    """A heading line: its marker, title, and where its title and inline body sit."""

    rank: int
    marker: str
    title: str
    start: int  # line start
    title_end: int  # end of the title (body starts after)


_MARKER_LABEL = {"part": "第{}部分", "l1": "{}", "l2": "({})", "l3": "{}", "l4": "({})",
                 "l5": "{})", "l6": "{}"}


@lru_cache(maxsize=1024)
def _marker(kind: str, value: str) -> tuple[int, str] | None:
    """A marker's rank and label, or None for Chinese characters that are no numeral.
    Heading numerals are few (一 … 十二) and recur in every report: each is read once."""
    if kind in ("part", "l1", "l2") and cn_to_int(value) is None:
        return None
    return _RANK[kind], _MARKER_LABEL[kind].format(value)


def _title_of(rest: str) -> tuple[str, int] | None:
    """The heading title in the text after a marker, or None if the line is a list item.

    Returns (title, length consumed)."""
    body = rest.rstrip()
    if not body:
        return None
    # The whole line is a title: short, no inner punctuation, optionally closed by 。/：.
    core = body[:-1] if body[-1] in "。:" else body
    if core and not _INNER_STOP.search(core) and "。" not in core and (
        len(core) <= 30 if body[-1] not in "。" else len(core) <= 16
    ):
        return core.strip(), len(body)
    # A short title closed by 。/： with the body following on the same line.
    m = _TITLE_END.search(body)
    if m and 0 < m.start() <= 20 and not _INNER_STOP.search(body[: m.start()]):
        return body[: m.start()].strip(), m.end()
    return None


def find_headings(folded: str) -> list[Heading]:
    """Every heading line of a fold()-ed text, in order."""
    out: list[Heading] = []
    for m in MARKER_RE.finditer(folded):
        kind = m.lastgroup
        if kind is None:
            continue
        marker = _marker(kind, m.group(kind))
        if marker is None:
            continue
        end = m.end()
        line_end = folded.find("\n", end)
        rest = folded[end:] if line_end < 0 else folded[end:line_end]
        if "\t" in rest:  # a table row that happens to start with a number
            continue
        got = _title_of(rest)
        if got is None:
            continue
        title, used = got
        out.append(Heading(marker[0], marker[1], title, m.start(), end + used))
    return out


def build_sections(text: str, headings: list[Heading]) -> list[Section]:
    """Sections with paths ("三/(二)/1"), each spanning its heading to the next heading of
    the same or a higher rank; ``text`` is the whole block including sub-sections."""
    # One pass with the stack of open sections (ranks rising from the bottom): a heading
    # closes every open section of its rank or deeper, which is where each of those ends.
    ends = [len(text)] * len(headings)
    placed: list[tuple[str, int]] = []  # (path, level) of each heading
    stack: list[int] = []  # indices of the open sections' headings
    paths: list[str] = []  # the path of each open section (its parent's, then its marker)
    for i, h in enumerate(headings):
        while stack and headings[stack[-1]].rank >= h.rank:
            ends[stack.pop()] = h.start
            paths.pop()
        paths.append(f"{paths[-1]}/{h.marker}" if paths else h.marker)
        stack.append(i)
        placed.append((paths[-1], len(stack)))
    return [
        Section(path=path, title=h.title, level=level, span=(h.start, end),
                text=text[h.title_end:end].strip())
        for h, (path, level), end in zip(headings, placed, ends)
    ]


class SectionIndex:
    """Looks up the chain of sections containing a position."""

    def __init__(self, sections: list[Section]) -> None:
        self.sections = sections
        self._starts = [s.span[0] for s in sections]
        # Each section's chain of ancestors (itself last), computed once: sections nest,
        # so the sections holding a position are the chain of the innermost one.
        self._chains: list[list[Section]] = []
        open_: list[Section] = []
        for sec in sections:
            while open_ and not (open_[-1].span[0] <= sec.span[0] < open_[-1].span[1]):
                open_.pop()
            open_.append(sec)
            self._chains.append(list(open_))
        self._children: dict[int, list[Section]] | None = None  # made when first asked
        # Each chain's titles, made when first asked (extractors ask them of every figure).
        self._titles: list[tuple[str, ...] | None] = [None] * len(sections)

    def _list_children(self) -> dict[int, list[Section]]:
        """Each section's direct sub-sections (one level deeper, inside it), from the
        chains in one pass: a scan of all sections for each one was quadratic (100,000
        repeated headings took minutes)."""
        children: dict[int, list[Section]] = {id(sec): [] for sec in self.sections}
        for sec, chain in zip(self.sections, self._chains):
            for outer in chain[:-1]:
                if sec.level == outer.level + 1 and outer.span[0] < sec.span[0]:
                    children[id(outer)].append(sec)
        return children

    def _innermost(self, pos: int) -> int:
        """The index of the innermost section containing ``pos`` (-1: none)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        while i >= 0:
            if pos < self.sections[i].span[1]:
                return i
            i -= 1
        return -1

    def chain(self, pos: int) -> list[Section]:
        """Sections containing ``pos``, outermost first."""
        i = self._innermost(pos)
        return self._chains[i] if i >= 0 else []

    def chain_titles(self, pos: int) -> tuple[str, ...]:
        """The titles of :meth:`chain`'s sections, outermost first."""
        i = self._innermost(pos)
        if i < 0:
            return ()
        titles = self._titles[i]
        if titles is None:
            titles = self._titles[i] = tuple(sec.title for sec in self._chains[i])
        return titles

    def children(self, section: Section) -> list[Section]:
        """Direct sub-sections of ``section``."""
        if len(self.sections) > _FEW:
            if self._children is None:
                self._children = self._list_children()
            if id(section) in self._children:
                return list(self._children[id(section)])
        lo, hi = section.span  # few sections (a scan is cheaper), or one from elsewhere
        return [s for s in self.sections
                if s.level == section.level + 1 and lo < s.span[0] < hi]
