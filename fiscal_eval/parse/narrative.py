"""Problems found and improvements planned, as lists of statements; and counted
quantities (733个单位) for the audit's same-quantity-stated-twice check."""

from __future__ import annotations

import bisect
import itertools
import re

from fiscal_eval.model import Quantity, Section
from fiscal_eval.parse.context import Context
from fiscal_eval.parse.numbers import parse_number
from fiscal_eval.parse.sections import MARKER_RE
from fiscal_eval.parse.vocab import vocab

__all__ = ["problems_and_improvements", "find_quantities"]


_CLOSING = re.compile(
    r"^(?:(?:19|20)\d\d\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})|附件.*)$"
)


_CLAUSE_MARK = re.compile(r"[,;。:、]")
_LINE = re.compile(r"[^\n]+")
_PROBLEM_COLUMN = re.compile(r"问题")
_IMPROVEMENT_COLUMN = re.compile(r"改进|建议|措施")


def _is_closing(line: str) -> bool:
    """The signature and date under the last section, or an attachment line."""
    if _CLOSING.match(line):
        return True
    return len(line) <= 30 and not _CLAUSE_MARK.search(line) and bool(
        vocab().meta["org_suffix"].search(line))


def _statements(ctx: Context, section: Section, column_rx: re.Pattern[str]) -> list[str]:
    """The statements of a section: the lines of its body before any sub-section, then
    each sub-section whole (numbering dropped); and the cells of a form table's matching
    column. Instructions to the form's filler (提示：…, 备注：…), blank form rows and the
    closing signature are not statements."""
    v = vocab()
    lo, hi = section.span
    head = ctx.heading_at(lo)
    body_lo = head.title_end if head else lo
    kids = ctx.index.children(section)
    intro_hi = kids[0].span[0] if kids else hi
    items: list[str] = []
    tables = ctx.tables_in(lo, hi)
    for table in tables:
        header = None
        for row in table.rows:
            texts = [c.text.strip() for c in row]
            if header is None:
                header = [i for i, t in enumerate(texts) if column_rx.search(t)] or None
                continue
            items += [texts[i] for i in header
                      if i < len(texts) and texts[i] and not re.fullmatch(r"[\d.、)]*", texts[i])]
    # Where the tables are, to skip their lines: by bisection, not a scan of every table
    # for every line (quadratic in a page of thousands of small tables).
    spans = sorted(t.span for t in tables)
    starts = [lo for lo, _ in spans]
    ends = list(itertools.accumulate((hi for _, hi in spans), max))  # furthest end so far

    def in_table(pos: int) -> bool:
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    for m in _LINE.finditer(ctx.f[body_lo:intro_hi]):
        start = body_lo + m.start()
        line = m.group().strip()
        if (not line or "\t" in line or " | " in line or _is_closing(line)
                or in_table(start)
                or v.instructions.search(line)):
            continue
        marker = MARKER_RE.match(ctx.f, start)
        text_lo = marker.end() if marker and marker.lastgroup else start
        items.append(ctx.text[text_lo:start + len(m.group())].strip())
    for kid in kids:
        marker = MARKER_RE.match(ctx.f, kid.span[0])
        lines = [ln.strip() for ln in ctx.text[marker.end() if marker else kid.span[0]:kid.span[1]].split("\n")]
        body = " ".join(ln for ln in lines if ln and not _is_closing(ln))
        if body:
            items.append(body)
    return [i for i in items if i]


def problems_and_improvements(ctx: Context) -> tuple[list[str], list[str]]:
    """Statements of the problems and improvement sections. Where a broad section
    ("经验、问题和建议") has sub-sections that name problems or improvements, the
    sub-sections are used, not the broad one."""
    v = vocab()
    found: dict[str, list[str]] = {"problems": [], "improvements": []}
    for name, rx, col_rx in (("problems", v.problems, _PROBLEM_COLUMN),
                             ("improvements", v.improvements, _IMPROVEMENT_COLUMN)):
        matches = [s for s in ctx.sections if rx.search(s.title)]
        for k, s in enumerate(matches):
            # Sections come in text order: one inside s, if any, is the next one.
            if k + 1 < len(matches) and s.span[0] < matches[k + 1].span[0] < s.span[1]:
                continue
            found[name].extend(_statements(ctx, s, col_rx))
    return found["problems"], found["improvements"]


_QUANTITY = re.compile(
    # A digit first (not a lookbehind) so the scan skips to digits: see numbers._START.
    r"(?P<num>\d(?<![\d.]\d)\d*(?:\.\d+)?)\s*(?P<unit>个|家|人|名|台|套|条|项|次|场|户|所|座|辆|件|份|篇|批|处|间|栋|亩|公里|千米|米)"
    r"(?P<noun>[\u4e00-\u9fff]{0,3})"
)


def find_quantities(ctx: Context) -> list[Quantity]:
    """Counted things with the words before them back to the previous number or clause
    stop ("…72个乡镇电子政务网覆盖733个单位" -> context 乡镇电子政务网覆盖, unit 个单位)."""
    out: list[Quantity] = []
    f = ctx.f
    prev_end = 0
    for m in _QUANTITY.finditer(f):
        start = m.start()
        lo, _ = ctx.sentence_bounds(start)
        clause, _ = ctx.left_clause(start, max(lo, prev_end))
        prev_end = m.end("unit")
        noun = m.group("noun")
        out.append(Quantity(
            value=parse_number(m.group("num")),
            unit=m.group("unit") + noun[:2],
            context=clause.strip(),
            span=(start, m.end("num")),
        ))
    return out
