"""Compilations (汇编): one document holding many units' reports, split into one Document a
report, by the title each report opens with.

A report's title is a line of its own naming a fiscal year and the genre (the parser's
title words, ``vocab.toml`` ``meta.title``: "XX局2021年度项目支出绩效自评报告"). A
document is a compilation when at least two such lines, different from one another, each
open at least :data:`MIN_BODY` characters of text before the next. Not split on: a line
naming the compilation itself (汇编, 目录), an attachment's title (the line before says
附件/附表: a report's own form), table-of-contents entries (no body under them), a title
repeated in page headers, a report's title repeated after its own contents (目录 under
the first).

Each part is ``source#k`` (k from 1); its text, tables and anchors are the slice of the
whole, and every anchor says which part and range it belongs to, so a figure's evidence
reads ``段落45（汇编第2篇：段落40–段落88）``, or ``汇编第2篇：第120–260行`` in a document
without anchors. The text before the first title (cover, contents) belongs to no part.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import re
from functools import lru_cache

from fiscal_eval.model import Anchor, Cell, Document, Table

__all__ = ["split_compilation", "report_titles", "MIN_BODY"]

MIN_BODY = 200
"""Characters a title must open before the next one, to start a report of its own."""

_YEAR = re.compile(r"(?:19|20)\d\d\s*年")
_NOT_A_REPORT_TITLE = re.compile(r"汇编|目录|^附件|^附表|^\S{0,4}[:：]")
_ATTACHMENT = re.compile(r"^\s*(?:附件|附表)\s*\S{0,6}\s*$")
_TOC_TAIL = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|\s)\s*\d+\s*$")
_CONTENTS = re.compile(r"\s*目\s*录\s*\n")


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    from fiscal_eval.parse.vocab import vocab  # NOTE: the genre words live in one place

    return vocab().meta["title"]


def report_titles(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines that open a report of a compilation (see the module
    docstring); empty unless there are at least two.

    >>> body = "预算安排100万元，实际支出95万元。" * 20
    >>> text = f"甲局2021年度项目绩效自评报告\\n{body}\\n乙局2021年度项目绩效自评报告\\n{body}"
    >>> [text[a:b] for a, b in report_titles(text)]
    ['甲局2021年度项目绩效自评报告', '乙局2021年度项目绩效自评报告']
    """
    title = _title_pattern()
    if len(title.findall(text, 0, len(text))) < 2:
        return []  # NOTE: most documents stop here, for the price of one regex scan
    from fiscal_eval.parse.numbers import fold

    folded = fold(text)
    lines: list[tuple[int, int, str]] = []
    position = 0
    for line in folded.split("\n"):
        lines.append((position, position + len(line), line))
        position += len(line) + 1
    candidates: list[tuple[int, int, str]] = []
    previous = ""
    for start, _end, line in lines:
        stripped = line.strip()
        if (stripped and len(stripped) <= 90 and title.search(stripped) and _YEAR.search(stripped)
                and not re.search(r"[\t|,;。]", stripped) and not _NOT_A_REPORT_TITLE.search(stripped)
                and not _TOC_TAIL.search(stripped) and not _ATTACHMENT.match(previous)):
            lead = len(line) - len(line.lstrip())
            if not (candidates and _inner_cover(candidates[-1][2], previous, stripped)):
                candidates.append((start + lead, start + lead + len(stripped), stripped))
        if stripped:
            previous = stripped
    # A title over its own table of contents (目 录 right under it): the title repeated
    # after the contents opens the same report, not another one.
    candidates = [c for i, c in enumerate(candidates)
                  if not (i and _CONTENTS.match(folded, candidates[i - 1][1]))]
    kept: list[tuple[int, int, str]] = []
    for i, (start, end, line) in enumerate(candidates):
        following = candidates[i + 1][0] if i + 1 < len(candidates) else len(text)
        body = len(re.sub(r"\s", "", folded[end:following]))
        if body >= MIN_BODY:
            kept.append((start, end, line))
    if len(kept) < 2 or len(_distinct({_core(line) for *_, line in kept})) < 2:
        return []
    return [(start, end) for start, end, _ in kept]


# A portal's notice around a report's title ("关于…绩效自评报告的公示"): the same report's title
# when the text repeats it bare.
_NOTICE = re.compile(r"^关于|(?:的)?(?:公示|公告|通知)$")


def _core(title: str) -> str:
    """A title as compared with the others: no spaces, no notice around it."""
    return _NOTICE.sub("", re.sub(r"\s", "", title))


def _distinct(titles: set[str]) -> set[str]:
    """The titles that are not part of another one (a title broken over two lines, its
    second line read alone: "项目绩效自评表单位名称…" of "2021年度财政项目绩效自评表单位名称…")."""
    # (not a title that opens with its year: "2018年度…报告" under its unit's line is a whole
    # title, and a compilation's next unit writes its name in its title)
    return {t for t in titles
            if _YEAR.match(t) or not any(t != other and len(t) >= 8 and t in other for other in titles)}


def _inner_cover(title: str, above: str, line: str) -> bool:
    """``line`` is the inner cover of the report ``title`` opened, not a new report: it
    names no unit (it opens with the year) and the line above it is the unit ``title``
    named ("寻甸…档案馆2024年部门整体支出绩效自评报告", contents, then "寻甸…档案馆" over
    "2024年度部门整体支出绩效评价报告"). In a compilation the unit above differs."""
    unit = re.sub(r"\s", "", above)
    return (len(unit) >= 2 and bool(_YEAR.match(line)) and re.sub(r"\s", "", title).startswith(unit)
            and not _YEAR.search(unit))


def _shift_table(table: Table, offset: int) -> Table:
    rows = tuple(tuple(Cell(c.text, (c.span[0] - offset, c.span[1] - offset)) for c in row) for row in table.rows)
    return Table(rows, (table.span[0] - offset, table.span[1] - offset))


def _range(doc: Document, anchors: list[Anchor], start: int, end: int, line_before: int | None = None) -> str:
    """The part's place in the file: its first and last anchors, else its line numbers
    (``line_before``: how many lines end before ``start``, when the caller counted them)."""
    if anchors:
        first, last = anchors[0].where, anchors[-1].where
        return first if first == last else f"{first}–{last}"
    first_line = (doc.text.count("\n", 0, start) if line_before is None else line_before) + 1
    last_line = first_line + doc.text.count("\n", start, max(start, end - 1))
    return f"第{first_line}–{last_line}行"


def split_compilation(doc: Document) -> list[Document]:
    """``[doc]``, or one Document a report when ``doc`` is a compilation (module docstring).

    >>> body = "预算安排100万元，实际支出95万元。" * 20
    >>> text = f"汇编\\n甲局2021年度项目绩效自评报告\\n{body}\\n乙局2021年度项目绩效自评报告\\n{body}"
    >>> parts = split_compilation(Document(source="c.txt", text=text, format="text"))
    >>> for p in parts:
    ...     print(p.source, p.text[:14], p.anchors[0].where)
    c.txt#1 甲局2021年度项目绩效自评 汇编第1篇：第2–3行
    c.txt#2 乙局2021年度项目绩效自评 汇编第2篇：第4–5行
    """
    titles = report_titles(doc.text)
    if not titles:
        return [doc]
    starts = [a.span[0] for a in doc.anchors]
    # Tables by start, and lines counted from one part to the next: looked up for each
    # part, from the top, they were quadratic in a compilation of thousands of reports.
    by_start = sorted(range(len(doc.tables)), key=lambda i: doc.tables[i].span[0])
    table_starts = [doc.tables[i].span[0] for i in by_start]
    parts: list[Document] = []
    total = len(titles)
    lines, counted_to = 0, 0  # lines ending before counted_to
    for k, (start, _) in enumerate(titles, start=1):
        end = titles[k][0] if k < total else len(doc.text)
        text = doc.text[start:end].rstrip("\n")
        end = start + len(text)
        inside = doc.anchors[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
        inside = [a for a in inside if a.span[1] <= end]
        lines += doc.text.count("\n", counted_to, start)
        counted_to = start
        where = _range(doc, inside, start, end, lines)
        label = f"汇编第{k}篇：{where}"
        if inside:
            anchors = tuple(
                Anchor((a.span[0] - start, a.span[1] - start), f"{a.where}（{label}）", a.ocr_confidence)
                for a in inside
            )
        else:
            anchors = (Anchor((0, len(text)), label),)
        mine = sorted(by_start[bisect.bisect_left(table_starts, start):bisect.bisect_left(table_starts, end)])
        part_tables = tuple(_shift_table(doc.tables[i], start) for i in mine if doc.tables[i].span[1] <= end)
        digest = hashlib.sha256(f"{doc.sha256 or ''}#{k}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
        parts.append(dataclasses.replace(
            doc,
            source=f"{doc.source}#{k}",
            text=text,
            tables=part_tables,
            anchors=anchors,
            sha256=digest,
            metadata={**doc.metadata, "part": str(k), "parts": str(total), "range": where},
        ))
    return parts
