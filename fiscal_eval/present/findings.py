"""The audit's flags as a reader sees them: a Chinese sentence each, and a severity by
materiality.

The audit (:mod:`fiscal_eval.metrics.audit`) writes each flag's ``message`` for
developers and scripts (English with the report's words) and grades its ``severity``
by kind of check: every arithmetic slip is an ``error``. A finance-bureau page needs
neither: it needs "预算执行率报告为 84.61%，按实际支出 600,651.81 ÷ 实际到位 710,000.00 计算应为
84.60%", and it needs a 0.01-point rounding difference told apart from a section
subtotal off by 6 points. Both are made here, from the flag's row, keyed by flag code
(:data:`MESSAGES`): the audit stays as it is, and a check added to it later is shown with
a plain Chinese sentence built from its reported and expected values until it gets its
own entry.

Severity by materiality (:func:`materiality`, explained on the page by :data:`RULE`):

* a figure that differs from its recomputation by no more than two units of the last
  digit it is written to (84.61% against 84.60%) is 提示 (``info``) — rounding or a slip
  in the last digit;
* a gap of 5 % of the figure or more is 严重 (``error``);
* anything between is 一般 (``warning``).

Findings that are not a gap between two numbers are graded by what they mean: a grade
the score does not earn is 严重 (the report's conclusion is wrong), a misprinted formula
一般, a missing figure as the audit grades it (an amount 一般, a score or grade 提示).

>>> row = {"code": "rate_mismatch", "severity": "error", "field": "execution_rate_reported",
...        "reported": "84.61%", "expected": "84.60%", "figure": "84.61%",
...        "message": "预算执行率 stated 84.61% but 实际支出 600,651.81 ÷ 实际到位 710,000.00 = 84.60%"}
>>> message(row)
'预算执行率报告为 84.61%，按 实际支出 600,651.81 ÷ 实际到位 710,000.00 计算应为 84.60%'
>>> materiality(row), gap_text(row)
('info', '0.01 个百分点')
>>> materiality({**row, "code": "score_subtotal_mismatch", "reported": "26", "expected": "20", "figure": "26"})
'error'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import polars as pl

from fiscal_eval.present.labels import SEVERITIES, label

__all__ = ["RULE", "MESSAGES", "message", "materiality", "gap_text", "Gap", "gap", "graded",
           "SEVERITY_ORDER"]

#: The rule, as the page explains it.
RULE = ("严重程度按差额大小判定：报告所写数字与重新计算的结果相差不超过其末位的 2 个单位"
        "（如 84.61% 与 84.60%），属四舍五入或末位笔误，列为“提示”；相差达到该数字的 5% 及以上，"
        "列为“严重”；介于两者之间为“一般”。等级与得分不符列为“严重”（报告的结论本身有误）；"
        "公式印错列为“一般”；缺少金额为“一般”，缺少得分或等级为“提示”；"
        "从扫描件识别的数字、文中未能确定的数值为“提示”（请对照原件）。")

#: Severities, most severe first (the order findings are listed in).
SEVERITY_ORDER: tuple[str, ...] = tuple(SEVERITIES)

# Findings that are not a gap between two numbers (a formula, a grade, a figure missing,
# read by OCR or left undecided): graded by what they mean, not by size.
_NOT_A_GAP = ("formula_error", "grade_band_mismatch", "missing_field", "ocr_read", "undecided_value")
# Materiality thresholds (see RULE).
_ROUNDING_UNITS = 2
_SERIOUS_SHARE = 0.05

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.(\d+))?")
_LATIN = re.compile(r"[A-Za-z]{2,}")
_ENGLISH_ASIDE = re.compile(r"\s*\([A-Za-z][^()]*\)")  # "到位率 (arrival rate)" → "到位率"


# --------------------------------------------------------------------------- gaps


class Gap(NamedTuple):
    """The gap between a flag's reported and expected figures."""

    size: float  # |reported − expected|, in the figure's own unit (percent points for a %)
    share: float  # size ÷ |reported| (inf when the reported figure is 0)
    units: float  # size in units of the reported figure's last written digit
    decimals: int  # digits after the point, as the reported figure is written
    percent: bool
    suffix: str  # what follows the number ("个单位"), for the gap's text


def _number(text: str | None) -> tuple[float, int, str] | None:
    """The first number of a display string: value, decimals written, text after it."""
    if not text:
        return None
    m = _NUMBER.search(text)
    if m is None:
        return None
    value = float(m.group(0).replace(",", ""))
    return value, len(m.group(1) or ""), text[m.end():].strip()


def _scale(figure: str | None, reported: float) -> float:
    """How many of the reported value's units one unit of the figure as written is: an
    amount written 71.00 (万元) and reported as 710,000.00 (元) gives 10 000."""
    parsed = _number(figure)
    if parsed is None or not parsed[0] or not reported:
        return 1.0
    ratio = abs(reported / parsed[0])
    return 10.0 ** round(math.log10(ratio)) if ratio > 0 else 1.0


def gap(row: Mapping[str, Any]) -> Gap | None:
    """The gap of a flag whose reported and expected values are both numbers (None for
    a formula, a grade word, or a missing value). With several expected values (a
    quantity stated three ways), the widest gap."""
    if row.get("code") in _NOT_A_GAP:
        return None
    rep = _number(row.get("reported"))
    if rep is None or not row.get("expected"):
        return None
    # "≤ 10" (score_over_max) and "707个单位, 800个单位" (several values: ", " apart; a
    # thousands separator has no space after it) both read.
    values = [p[0] for p in (_number(part) for part in str(row["expected"]).split(", ")) if p is not None]
    if not values:
        return None
    size = max(abs(rep[0] - v) for v in values)
    percent = str(row.get("reported", "")).endswith("%")
    # The precision the figure was written to: its own text when the flag keeps it
    # (an amount in 万元 reported in 元), else the reported display string.
    decimals = rep[1]
    unit = 10.0 ** -decimals
    if not percent:
        written = _number(row.get("figure"))
        if written is not None:
            decimals = written[1]
            unit = 10.0 ** -decimals * _scale(row.get("figure"), rep[0])
    share = size / abs(rep[0]) if rep[0] else math.inf
    return Gap(size, share, size / unit, rep[1], percent, rep[2] if not percent else "")


def gap_text(row: Mapping[str, Any]) -> str | None:
    """The gap in words: ``0.01 个百分点``, ``4 分``, ``26个单位``, ``1,000.00 元``."""
    g = gap(row)
    if g is None:
        return None
    code = row.get("code", "")
    if g.percent:
        return f"{g.size:.{g.decimals}f} 个百分点"
    if code.startswith("score"):
        return f"{g.size:g} 分"
    if str(row.get("field", "")).startswith("fund:"):
        return f"{g.size:,.2f} 元"
    number = f"{g.size:,.{g.decimals}f}"
    return f"{number}{g.suffix}" if g.suffix else number


def materiality(row: Mapping[str, Any]) -> str:
    """A flag's severity by materiality (``error`` 严重, ``warning`` 一般, ``info`` 提示;
    see :data:`RULE`)."""
    code = row.get("code")
    if code == "grade_band_mismatch":
        return "error"
    if code == "formula_error":
        return "warning"
    g = gap(row)
    if g is None:
        severity = row.get("severity")
        return severity if severity in SEVERITIES else "warning"
    if g.share >= _SERIOUS_SHARE:
        return "error"
    if g.units <= _ROUNDING_UNITS + 1e-9:
        return "info"
    return "warning"


# --------------------------------------------------------------------------- messages


def _subject(field: str | None) -> str:
    """The words after ``record:`` in a flag's field (``subtotal:投入`` → ``投入``)."""
    return (field or "").partition(":")[2] or (field or "")


def _zh(text: str) -> str:
    """Words of the audit's message without their English asides."""
    return _ENGLISH_ASIDE.sub("", text).strip()


def _rate(row: Mapping[str, Any]) -> str | None:
    msg = row.get("message") or ""
    m = re.match(r"^(?P<label>.+?) written as (?P<expr>.+) = (?P<rep>[^=]+?) but ", msg)
    if m:
        return f"{m['label']}写作 {m['expr']} = {m['rep']}，按该算式计算应为 {row.get('expected')}"
    m = re.match(r"^(?P<label>.+?) stated (?P<rep>\S+) but (?P<rest>.+)$", msg)
    if not m:
        return None
    ways = []
    for part in m["rest"].split("; "):
        how, _, value = part.rpartition(" = ")
        if how and value:
            ways.append((how.strip(), value.strip()))
    if not ways:
        return None
    text = f"{m['label']}报告为 {m['rep']}，按 {ways[0][0]} 计算应为 {ways[0][1]}"
    # The other definition only when it gives another figure (budget = available: one).
    return text + "".join(f"；按 {how} 计算为 {value}" for how, value in ways[1:] if value != ways[0][1])


def _sum(row: Mapping[str, Any]) -> str | None:
    m = re.match(r"^.+? stated \S+ but its (?P<n>\d+) items \((?P<names>.*)\) sum to \S+$", row.get("message") or "")
    items = f"所列 {m['n']} 项（{m['names']}）" if m else "所列各项"
    return f"{_subject(row.get('field'))}报告为 {row.get('reported')} 元，{items}合计为 {row.get('expected')} 元"


def _subtotal(row: Mapping[str, Any]) -> str | None:
    m = re.search(r"indicator points (?P<parts>.+) = \S+$", row.get("message") or "")
    parts = f" {m['parts']} =" if m else "合计"
    subject, reported, expected = _subject(row.get("field")), row.get("reported"), row.get("expected")
    return f"{subject}小计报告为 {reported} 分，其下各项得分{parts} {expected} 分"


def _total(row: Mapping[str, Any]) -> str | None:
    msg = row.get("message") or ""
    m = re.search(r"but its (?P<what>section subtotals|indicator points)\b[^0-9]*(?P<parts>[\d.+ ]+) = \S+$", msg)
    if not m:
        return f"自评总分报告为 {row.get('reported')} 分，重新相加为 {row.get('expected')} 分"
    what = "各部分小计" if m["what"] == "section subtotals" else "各项指标得分"
    return f"自评总分报告为 {row.get('reported')} 分，{what} {m['parts'].strip()} = {row.get('expected')} 分"


def _over_max(row: Mapping[str, Any]) -> str | None:
    limit = (row.get("expected") or "").lstrip("≤ ").strip()
    return f"{_subject(row.get('field'))}得分 {row.get('reported')} 分，超过其分值 {limit} 分"


_SCALE_NAMES = {"mof": "财预〔2020〕10号的等级表", "printed": "报告自己印的等级表"}


def _scale_words(name: str) -> str:
    if name in _SCALE_NAMES:
        return _SCALE_NAMES[name]
    from fiscal_eval.metrics.grading import scales

    known = scales().get(name)
    if known is None:
        return "适用的等级表"
    bands = "、".join(f"{b.grade} ≥ {b.lower:g}" if b.lower else f"{b.grade} < {prev:g}"
                      for b, prev in zip(known.bands, [0, *(x.lower for x in known.bands)]))
    return f"等级表（{bands}）"


def _grade(row: Mapping[str, Any]) -> str | None:
    m = re.search(r"a score of (?P<score>\S+) earns .+ under the (?P<scale>\S+) scale$",
                  row.get("message") or "")
    if not m:
        return f"自评等级为“{row.get('reported')}”，按得分应为“{row.get('expected')}”"
    expected = row.get("expected")
    if expected in (None, "no grade"):
        return f"自评等级为“{row.get('reported')}”，按{_scale_words(m['scale'])}，{m['score']} 分不对应任何等级"
    return f"自评等级为“{row.get('reported')}”，按{_scale_words(m['scale'])}，{m['score']} 分应为“{expected}”"


def _formula(row: Mapping[str, Any]) -> str | None:
    msg = row.get("message") or ""
    m = re.match(r"^(?P<label>.+?) printed as (?P<printed>\S+), i\.e\. (?P<means>.+?) \([a-z_ ÷]+\); "
                 r"the (?P<concept>.+?) is (?P<right>.+?) \([a-z_ ÷]+\)(?:: (?P<rows>.+))?$", msg)
    if not m:
        return f"{_subject(row.get('field'))}的公式印为 {row.get('reported')}，应为 {row.get('expected')}"
    text = f"{m['label']}的公式印为 {m['printed']}，即 {m['means']}；{_zh(m['concept'])}应为 {m['right']}"
    return text + (f"，即 {m['rows']}" if m["rows"] else "")


def _conflict(row: Mapping[str, Any]) -> str | None:
    field = row.get("field") or ""
    if field.startswith("fund:"):
        return f"{_subject(field)}一处写作 {row.get('reported')} 元，另一处写作 {row.get('expected')} 元"
    return f"“{_subject(field)}”一处写作 {row.get('reported')}，另一处写作 {row.get('expected')}"


_MISSING = {"budget_yuan": "预算数或实际到位金额", "available_yuan": "实际到位金额", "spent_yuan": "实际支出金额",
            "score": "自评得分", "grade": "自评等级"}
# A report field as the sentences name it.
_FIELD_WORDS = {"budget_yuan": "预算数", "available_yuan": "实际到位数", "spent_yuan": "实际支出数",
                "balance_yuan": "结余", "execution_rate_reported": "执行率", "arrival_rate_reported": "到位率",
                "score": "自评得分", "grade": "自评等级", "agency": "单位名称", "year": "年度",
                "kind": "报告类型", "project_name": "项目名称", "published_date": "发布日期"}


def _missing(row: Mapping[str, Any]) -> str | None:
    what = _MISSING.get(row.get("field") or "")
    return f"报告中未找到{what}" if what else None


def _ocr(row: Mapping[str, Any]) -> str | None:
    m = re.search(r"read by OCR(?: on (?P<where>[^,)]+))?, confidence (?P<conf>[\d.]+)", row.get("message") or "")
    what = _FIELD_WORDS.get(row.get("field") or "", "这个数字")
    where = f"{m['where']}，" if m and m["where"] and not _LATIN.search(m["where"]) else ""
    conf = f"识别置信度 {m['conf']}" if m else "由文字识别读出"
    figure = f" {row['reported']} " if row.get("reported") else ""
    return f"{what}{figure}是从扫描件识别出来的（{where}{conf}），请对照扫描件核对"


def _undecided(row: Mapping[str, Any]) -> str | None:
    msg = row.get("message") or ""
    if msg and not _LATIN.search(msg):
        return msg  # the audit writes this one in Chinese already
    what = _FIELD_WORDS.get(row.get("field") or "", "这个数字")
    return f"{what}未能确定：文中有 {row.get('reported')}，无从取舍" if row.get("reported") else f"{what}未能确定"


#: The Chinese sentence of each flag code, built from the flag's row (code, severity,
#: field, reported, expected, message, figure); None falls back to :func:`_plain`.
MESSAGES: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "rate_mismatch": _rate,
    "sum_mismatch": _sum,
    "score_subtotal_mismatch": _subtotal,
    "score_total_mismatch": _total,
    "score_over_max": _over_max,
    "grade_band_mismatch": _grade,
    "formula_error": _formula,
    "conflicting_values": _conflict,
    "missing_field": _missing,
    "ocr_read": _ocr,
    "undecided_value": _undecided,
}


def _plain(row: Mapping[str, Any]) -> str:
    """A flag without a sentence of its own: its Chinese name and its two values."""
    msg = row.get("message") or ""
    if msg and not _LATIN.search(msg):
        return msg  # already Chinese
    parts = [label(row.get("code") or "")]
    if row.get("reported"):
        parts.append(f"报告所写 {row['reported']}")
    if row.get("expected"):
        parts.append(f"重新计算为 {row['expected']}")
    return "，".join(parts)


def message(row: Mapping[str, Any]) -> str:
    """The flag in one Chinese sentence (document words in it are data: escape them
    where they are shown, as :func:`fiscal_eval.present.charts.table` does)."""
    build = MESSAGES.get(row.get("code") or "")
    text = build(row) if build is not None else None
    return text if text else _plain(row)


# --------------------------------------------------------------------------- frames


def graded(flags: pl.DataFrame) -> pl.DataFrame:
    """``flags`` (rows of the flags table) with ``severity`` graded by materiality,
    ``message`` in Chinese and ``gap`` (the gap in words, or null); the audit's own
    severity kept as ``audit_severity``. Most severe first, the audit's order within."""
    rows = flags.to_dicts()
    out = flags.with_columns(
        pl.col("severity").alias("audit_severity"),
        pl.Series("severity", [materiality(r) for r in rows], dtype=pl.Utf8),
        pl.Series("message", [message(r) for r in rows], dtype=pl.Utf8),
        pl.Series("gap", [gap_text(r) for r in rows], dtype=pl.Utf8),
    )
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    return (out.with_row_index("_order")
            .sort(pl.col("severity").replace_strict(rank, default=len(rank), return_dtype=pl.Int8), "_order")
            .drop("_order"))
