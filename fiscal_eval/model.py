"""The records fiscal_eval passes between stages, and the one place that names every column.

Stages exchange frozen dataclasses (``@record``, :mod:`fiscal_eval.util.records`): a reader
makes a :class:`Document`, the parser makes a :class:`Report`, the audit adds :class:`Flag`
rows. Tables (polars) are built from these in :mod:`fiscal_eval.tables` with the schemas
declared here, so a column is named exactly once.

Conventions
-----------
* ``Span`` is ``(char_start, char_end)`` into ``Document.text``; every figure keeps one.
* Amounts are float yuan (万元 × 10 000, 亿元 × 10^8); rates are fractions (84.61% -> 0.8461).
"""

from __future__ import annotations

import copy as _copy
import re
from collections.abc import Mapping
from dataclasses import field
from typing import Any, Literal

from fiscal_eval.util.records import record

__all__ = [
    "SENTENCE_END",
    "Span",
    "Cell",
    "Table",
    "Anchor",
    "Document",
    "Evidence",
    "Candidate",
    "FundLine",
    "RateStatement",
    "Arithmetic",
    "Indicator",
    "Subtotal",
    "GradeBand",
    "GradeScale",
    "Section",
    "Quantity",
    "Flag",
    "Report",
    "Status",
    "Kind",
    "Role",
    "Severity",
    "REPORT_COLUMNS",
    "FUND_LINE_COLUMNS",
    "INDICATOR_COLUMNS",
    "FLAG_COLUMNS",
    "SECTION_COLUMNS",
    "EVIDENCE_COLUMNS",
    "STATEMENT_COLUMNS",
    "TEXT_COLUMNS",
    "MANIFEST_COLUMNS",
    "CONTRACT_KEYS",
]

Span = tuple[int, int]
Status = Literal["ok", "partial", "failed"]
Kind = Literal["project", "department"]
Role = Literal[
    "budget", "available", "spent", "income", "balance", "carryover", "line_item", "other"
]
Severity = Literal["error", "warning", "info"]


# --------------------------------------------------------------------------- documents


@record
class Cell:
    """One table cell: its text (stripped) and where it sits in ``Document.text``."""

    text: str
    span: Span


@record
class Table:
    """A table as rows of cells. Rows may have different lengths (forms are ragged)."""

    rows: tuple[tuple[Cell, ...], ...]
    span: Span


@record
class Anchor:
    """Where a stretch of ``Document.text`` sits in the original file, for evidence a
    reader can find again: ``"Sheet1!C7"``, ``"第3页"``, ``"表2 第4行第3列"``, ``"段落12"``.

    ``ocr_confidence`` is set (0–1) when the stretch was read by OCR from an image, so
    every figure read from it carries that mark. ``box`` is where it sits on its page,
    ``(x0, top, x1, bottom)`` from the page's top-left (points in a PDF, pixels in an image).
    """

    span: Span
    where: str
    ocr_confidence: float | None = None
    box: tuple[float, float, float, float] | None = None


@record
class Document:
    """What a reader returns: the text every span points into, its tables, and metadata.

    ``text`` is the document as a reader rendered it (HTML tables become one line a row,
    cells joined by tabs), so the parser works on one representation whatever the format.
    ``warnings`` are reader problems worth reporting that did not stop the read.
    ``anchors`` (sorted by span start, not overlapping) say where each stretch of ``text``
    came from in the original file (sheet cell, page, paragraph); plain text has none.
    """

    source: str
    text: str
    format: str
    tables: tuple[Table, ...] = ()
    encoding: str | None = None
    sha256: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    anchors: tuple[Anchor, ...] = ()


# --------------------------------------------------------------------------- parsed records


@record
class Evidence:
    """Where a scalar field came from: the words that named it, its span and sentence,
    and, for formats with a layout, the place in the file (``where``: ``"Sheet1!C7"``,
    ``"第3页"``) and the OCR confidence when the words were read from an image."""

    span: Span
    sentence: str
    label: str = ""
    where: str = ""
    ocr_confidence: float | None = None


@record
class Candidate:
    """One value the text offers for a field, and why it won or lost.

    The parser chooses each field from its candidates; when they conflict and no rule
    decides, the field stays null and the candidates stay here for the analyst
    (``Report.candidates["budget_yuan"]``), so "9,056 万 / 804 万, no stated total" is
    visible instead of one of them guessed.
    """

    value: Any
    span: Span
    label: str
    reason: str  # why it is a candidate (label wording, 合计 marker, table column, title …)
    chosen: bool = False
    lost: str = ""  # why it lost, when it did


@record
class FundLine:
    """An amount the report states, with the role its label gives it.

    ``parent`` is the index (in ``Report.fund_lines``) of the total this line itemises
    ("其中" / "分别为" lists), ``complete`` whether that list claims to be exhaustive
    (no trailing 等). ``context`` is the section path the amount sits in. ``decimals``
    is the precision it is stated to in its own unit (for rounding tolerance), and
    ``measure`` the column a form table gave it (``budget``/``spent`` …) when the row
    label names a line rather than a role.
    """

    label: str
    role: Role
    amount_yuan: float
    span: Span
    unit: str = "元"
    parent: int | None = None
    complete: bool = True
    context: str = ""
    decimals: int = 0
    measure: str | None = None


@record
class RateStatement:
    """A stated rate (执行率, 到位率, 完成率 …) as written, with its precision and formula.

    ``concept`` is the canonical rate the label names (``execution``, ``arrival`` …);
    ``decimals`` the number of decimals it is stated to (84.61% -> 2); ``formula`` the
    printed formula if any, e.g. ``"(3)÷(2)"``; ``refs`` maps a form's row numbers to the
    row labels they stand for (``{"3": "实际到位"}``).
    """

    label: str
    concept: str
    value: float
    decimals: int
    span: Span
    formula: str | None = None
    refs: Mapping[str, str] = field(default_factory=dict)


@record
class Arithmetic:
    """A written-out calculation, ``expression = result`` (004: （6/11）×100%=54.54%)."""

    label: str
    expression: str
    result: float
    decimals: int
    percent: bool
    span: Span


@record
class Indicator:
    """One scored indicator from a 自评表 table or from prose ("该项得分6分")."""

    level1: str | None
    level2: str | None
    level3: str | None
    max_points: float | None
    points: float | None
    span: Span
    target: str | None = None
    actual: str | None = None
    note: str | None = None
    origin: Literal["table", "prose"] = "table"


@record
class Subtotal:
    """A stated section subtotal of points (004: 投入绩效为13分)."""

    label: str
    points: float
    span: Span
    max_points: float | None = None


@record
class GradeBand:
    """Scores at or above ``lower`` (and below the next band's lower) earn ``grade``."""

    lower: float
    grade: str


@record
class GradeScale:
    """A grade scale: bands sorted from the highest ``lower`` down."""

    name: str
    bands: tuple[GradeBand, ...]
    span: Span | None = None

    def grade_for(self, score: float) -> str | None:
        """The grade ``score`` earns under this scale (None if below every band)."""
        for band in self.bands:
            if score >= band.lower - 1e-9:
                return band.grade
        return None


@record
class Section:
    """A heading block: its path of numbering markers ("三/(二)/1"), title and body text."""

    path: str
    title: str
    level: int
    span: Span
    text: str


@record
class Quantity:
    """A counted quantity (733个单位) with the noun phrase before it, for conflict checks."""

    value: float
    unit: str
    context: str
    span: Span


@record
class Flag:
    """An audit finding. ``reported``/``expected`` are display strings."""

    code: str
    severity: Severity
    field: str
    message: str
    reported: str | None = None
    expected: str | None = None
    span: Span | None = None


# --------------------------------------------------------------------------- the report

def rate_budget_field(budget_adjusted_yuan: float | None) -> str:
    """The field a rate divides by (到位率, the 自评表's 执行率 = 全年执行数 ÷ 全年预算数):
    the budget as adjusted where the report states it beside its year-start one, else the
    budget (财预〔2020〕10号). Its twin over a table is ``metrics.execution.rate_budget``.

    >>> rate_budget_field(5.0), rate_budget_field(None)
    ('budget_adjusted_yuan', 'budget_yuan')
    """
    return "budget_yuan" if budget_adjusted_yuan is None else "budget_adjusted_yuan"


# The JSON contract (docs/json-contract.md): scripts outside the project read these names.
CONTRACT_KEYS: tuple[str, ...] = (
    "source",
    "status",
    "errors",
    "agency",
    "year",
    "kind",
    "project_name",
    "published_date",
    "budget_yuan",
    "budget_adjusted_yuan",
    "available_yuan",
    "spent_yuan",
    "execution_rate_reported",
    "score",
    "grade",
    "indicators",
    "flags",
)


@record
class Report:
    """One parsed self-evaluation report.

    Scalar fields hold plain values (``None`` when the report does not state them);
    ``evidence`` maps each stated field name to its :class:`Evidence` (span + sentence).
    ``text`` is the document text the spans point into.

    ``budget_yuan`` is the budget approved for the year (年初预算) when the report states
    it, else the budget it states; ``budget_adjusted_yuan`` the budget as adjusted in the
    year (全年预算数, 调整后预算), kept only beside a stated year-start one: the 自评表's
    执行率 divides by it (财预〔2020〕10号), PEFA PI-1 by the originally approved budget.
    """

    source: str
    report_id: str
    source_format: str
    status: Status
    errors: tuple[str, ...]
    text: str
    agency: str | None = None
    region: str | None = None
    year: int | None = None
    kind: Kind | None = None
    project_name: str | None = None
    published_date: str | None = None
    budget_yuan: float | None = None
    budget_adjusted_yuan: float | None = None
    available_yuan: float | None = None
    spent_yuan: float | None = None
    balance_yuan: float | None = None
    execution_rate_reported: float | None = None
    arrival_rate_reported: float | None = None
    score: float | None = None
    grade: str | None = None
    grade_scale: GradeScale | None = None
    synthetic: bool = False
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    fund_lines: tuple[FundLine, ...] = ()
    rates: tuple[RateStatement, ...] = ()
    arithmetic: tuple[Arithmetic, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    subtotals: tuple[Subtotal, ...] = ()
    sections: tuple[Section, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    problems: tuple[str, ...] = ()
    improvements: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    # Field -> the values the text offered for it (see Candidate); kept for every field
    # with more than one candidate, or with one the parser declined.
    candidates: Mapping[str, tuple[Candidate, ...]] = field(default_factory=dict)

    def with_flags(self, flags: tuple[Flag, ...]) -> Report:
        """A copy of this report carrying ``flags`` (the report itself is never mutated)."""
        # A shallow copy with one field set, not replace(): that runs __init__ over all 33
        # fields again (about 10 µs, for every report audited). Nothing else holds the
        # copy yet, so setting its field breaks no one's immutability.
        copy = _copy.copy(self)
        object.__setattr__(copy, "flags", tuple(flags))
        return copy

    def sentence(self, span: Span) -> str:
        """The sentence of ``self.text`` around ``span`` (see :func:`sentence_at`)."""
        return sentence_at(self.text, span)

    def to_dict(self, *, evidence: bool = False) -> dict[str, Any]:
        """The report in the JSON contract of docs/json-contract.md (plus ``evidence`` if asked).

        Examples
        --------
        >>> r = Report(source="a.txt", report_id="x", source_format="text",
        ...            status="failed", errors=("empty file",), text="")
        >>> r.to_dict()["status"], r.to_dict()["indicators"]
        ('failed', [])
        """
        out: dict[str, Any] = {
            "source": self.source,
            "status": self.status,
            "errors": list(self.errors),
            "agency": self.agency,
            "year": self.year,
            "kind": self.kind,
            "project_name": self.project_name,
            "published_date": self.published_date,
            "budget_yuan": self.budget_yuan,
            "budget_adjusted_yuan": self.budget_adjusted_yuan,
            "available_yuan": self.available_yuan,
            "spent_yuan": self.spent_yuan,
            "execution_rate_reported": self.execution_rate_reported,
            "score": self.score,
            "grade": self.grade,
            "indicators": [
                {
                    "level1": i.level1,
                    "level2": i.level2,
                    "level3": i.level3,
                    "max_points": i.max_points,
                    "points": i.points,
                }
                for i in self.indicators
            ],
            "flags": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "field": f.field,
                    "message": f.message,
                    "reported": f.reported,
                    "expected": f.expected,
                }
                for f in self.flags
            ],
        }
        # Extra keys are additive; the contract's keys above never change name.
        out["report_id"] = self.report_id
        out["region"] = self.region
        out["synthetic"] = self.synthetic
        if evidence:
            out["evidence"] = {
                k: {"span": list(v.span), "sentence": v.sentence, "label": v.label}
                for k, v in self.evidence.items()
            }
        return out


# --------------------------------------------------------------------------- sentences

SENTENCE_END = "。！？!?\n"
"""What ends a sentence, for every part of the package that cuts text into sentences
(evidence, the parser's sentence geometry, the boilerplate metrics): 。！？, their ASCII
forms, and a line break (a table row is one line)."""


def sentence_at(text: str, span: Span) -> str:
    """The sentence around ``span``: from the previous 。！？ or line break to the next.

    Table rows are one line each, so a figure from a table gets its row; tabs between
    cells are shown as `` | ``.

    >>> sentence_at("甲。预算执行率为84.61%。乙", (8, 14))
    '预算执行率为84.61%。'
    """
    start, end = span
    if 0 <= start <= end <= len(text):
        # (Context.evidence asks for the whole of a stretch it cut: no scan then.)
        lo = _sentence_start(text, start) if start else 0
        stop = _SENTENCE_STOP.search(text, end) if end < len(text) else None
        hi = stop.start() if stop else len(text)
    else:  # NOTE: a span outside the text (never one the parser made): read as it always was
        lo = start
        while lo > 0 and text[lo - 1] not in SENTENCE_END:
            lo -= 1
        hi = end
        while hi < len(text) and text[hi] not in SENTENCE_END:
            hi += 1
    if hi < len(text) and text[hi] != "\n":
        hi += 1  # keep the closing 。
    return " | ".join(c.strip() for c in text[lo:hi].split("\t") if c.strip()) or text[lo:hi].strip()


# The scans sentence_at makes in C rather than a character at a time in Python (it was
# most of the time spent mapping a normalised report's evidence back to its original).
_SENTENCE_STOP = re.compile(f"[{re.escape(SENTENCE_END)}]")
# The end of the last stop in a stretch: the greedy .* runs to the stretch's end and
# backs off to the last stop.
_LAST_STOP = re.compile(f"(?s:.*)[{re.escape(SENTENCE_END)}]")


def _sentence_start(text: str, pos: int) -> int:
    """Just after the last sentence stop before ``pos`` (0 if none). Looked for in a
    stretch before ``pos`` that grows fourfold until it holds one: the cost is in
    proportion to the sentence's length, not the text's."""
    width = 256
    while True:
        lo = max(0, pos - width)
        m = _LAST_STOP.match(text, lo, pos)
        if m:
            return m.end()
        if lo == 0:
            return 0
        width *= 4


# --------------------------------------------------------------------------- table schemas
# Every column of the tables (docs/tables.md), named once. Values are polars dtype names,
# resolved in fiscal_eval.tables (kept as strings so this module imports nothing heavy).

REPORT_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "source": "Utf8",
    "source_format": "Utf8",
    "agency": "Utf8",
    "region": "Utf8",
    "year": "Int32",
    "kind": "Utf8",
    "project_name": "Utf8",
    "published_date": "Utf8",
    "budget_yuan": "Float64",
    "budget_adjusted_yuan": "Float64",
    "available_yuan": "Float64",
    "spent_yuan": "Float64",
    "balance_yuan": "Float64",
    "execution_rate_reported": "Float64",
    "arrival_rate_reported": "Float64",
    "score": "Float64",
    "grade": "Utf8",
    "grade_scheme": "Utf8",
    "status": "Utf8",
    "errors": "Utf8",
    "synthetic": "Boolean",
}

FUND_LINE_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "line_no": "Int32",
    "label": "Utf8",
    "role": "Utf8",
    "amount_yuan": "Float64",
    "unit": "Utf8",
    "parent": "Int32",
    "measure": "Utf8",
    "span_start": "Int32",
    "span_end": "Int32",
    "context": "Utf8",
}

INDICATOR_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "level1": "Utf8",
    "level2": "Utf8",
    "level3": "Utf8",
    "max_points": "Float64",
    "points": "Float64",
    "target": "Utf8",
    "actual": "Utf8",
    "note": "Utf8",
    "origin": "Utf8",
    "span_start": "Int32",
    "span_end": "Int32",
}

FLAG_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "code": "Utf8",
    "severity": "Utf8",
    "field": "Utf8",
    "reported": "Utf8",
    "expected": "Utf8",
    "message": "Utf8",
    "span_start": "Int32",
    "span_end": "Int32",
    "figure": "Utf8",  # the text at the span, as written ("84.61%")
    "sentence": "Utf8",  # the sentence it came from, to show beside the flag
}

# Where each scalar field of a report came from (Report.evidence as rows).
EVIDENCE_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "field": "Utf8",
    "label": "Utf8",
    "figure": "Utf8",
    "sentence": "Utf8",
    "span_start": "Int32",
    "span_end": "Int32",
}

# The store's manifest: one row per input, failed ones included (inputs in = rows). An
# input is a file, or one report a file holds: an archive's member, a compilation's part.
# ``ingested_at`` is UTC (naive: the schema strings name a dtype without arguments).
MANIFEST_COLUMNS: dict[str, str] = {
    "path": "Utf8",  # the input file, absolute (the named folders resolved)
    # null for the file itself; "!a.docx" (archive member), "#2" (compilation part):
    # path + member is the report's source
    "member": "Utf8",
    "sha256": "Utf8",  # of the file's bytes; null when it could not be read
    "size": "Int64",
    "mtime_ns": "Int64",
    "status": "Utf8",  # ok | partial | failed
    "errors": "Utf8",  # the report's errors joined with "; "
    "report_id": "Utf8",  # the store's id of its rows in every table
    "ingested_at": "Datetime",  # when its current rows were parsed (UTC)
}

# The document text every span points into (kept apart: most analyses never load it).
TEXT_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "text": "Utf8",
}

# Problems found and improvements planned, one statement a row.
STATEMENT_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "section": "Utf8",  # "problems" | "improvements"
    "position": "Int32",
    "text": "Utf8",
}

SECTION_COLUMNS: dict[str, str] = {
    "report_id": "Utf8",
    "path": "Utf8",
    "level": "Int32",
    "title": "Utf8",
    "text": "Utf8",
    "span_start": "Int32",
    "span_end": "Int32",
}
