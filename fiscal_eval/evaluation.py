"""Score the parser against a labels file: how many stated fields it finds, misses or gets
wrong, and how many values it invents where the text states none.

A labels file is a JSON list of objects, one a report file (the format of
``../shared/corpus/real/labels.json``)::

    [{"source": "a.txt", "agency": "某某局", "year": 2023, "kind": "project",
      "project_name": null, "budget_yuan": 9850000, "available_yuan": null,
      "spent_yuan": null, "execution_rate_reported": 0.8461, "score": null,
      "grade": null, "notes": "why a label is what it is"}, ...]

``source`` names the file relative to the labels file's folder (or to ``root``); ``null``
means the text does not state the field (the label conventions of the corpus README). A
field an entry leaves out is not scored for that file; keys other than ``source``,
``notes`` and the scored :data:`FIELDS` are listed in :attr:`Evaluation.ignored_keys`
(a misspelt field shows there instead of passing silently).

Every (file, field) pair is one *case* with one outcome (:data:`OUTCOMES`):

========== ============================================ ==========================
outcome    label                                         parser returned
========== ============================================ ==========================
found      a value                                       the same value
missed     a value                                       nothing (None)
wrong      a value                                       another value
invented   null (the text does not state it)             a value
null_ok    null                                          nothing (None)
========== ============================================ ==========================

so that ``stated = found + missed + wrong`` and ``nulls = invented + null_ok``.

"The same value" (:func:`same`):

* amounts (``*_yuan``): within 0.5 yuan, or within 1e-9 of the label when that is larger;
* rates (``execution_rate_reported``, a fraction): within 5e-5 (half of 0.01 %);
* ``score``: within 0.005 (half of the last decimal a report writes);
* ``year``: equal;
* text (``agency``, ``kind``, ``project_name``, ``grade``): equal after Unicode NFKC,
  with all whitespace and pinyin glosses removed and in simplified characters (全角/半角,
  stray spaces, 遂溪縣水務(wù)局 for 遂溪县水务局 are not errors: the parser reports
  names of mirror pages in simplified characters, without the mirror's glosses).

A file the labels name that does not exist, and a label entry that cannot be scored (no
``source``, a value of the wrong type, a source named twice), is a row of
:attr:`Evaluation.files` with status ``missing`` or ``invalid``; its fields are not
counted. Nothing in the labels or the texts makes :func:`evaluate` raise, except a labels
file that cannot be read as a JSON list, or a selection that names no file.

Examples
--------
>>> import fiscal_eval
>>> ev = fiscal_eval.evaluate("tests/fixtures/labels.json", root="data/samples")
>>> ev.totals["stated"] == ev.totals["found"] + ev.totals["missed"] + ev.totals["wrong"]
True
>>> ev.by_field.filter(ev.by_field["field"] == "score").select("stated", "found").row(0)
(4, 4)
"""

from __future__ import annotations

import fnmatch
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import polars as pl

from fiscal_eval.errors import LabelsError
from fiscal_eval.model import Evidence, Kind, Report, sentence_at
from fiscal_eval.parse.funds import role_of  # the amount words of vocab.toml, matched
from fiscal_eval.parse.normalize import plain_name

# The parser's own number patterns: they run on fold()-ed text, which keeps offsets.
from fiscal_eval.parse.numbers import AMOUNT_RE, NUMBER_RE, PERCENT_RE, fold, parse_amount, parse_number, parse_percent
from fiscal_eval.parse.vocab import vocab
from fiscal_eval.sources import display_path

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "FIELDS",
    "OUTCOMES",
    "Outcome",
    "CASE_COLUMNS",
    "BASIS_COLUMNS",
    "FILE_COLUMNS",
    "COUNT_COLUMNS",
    "AMOUNT_TOLERANCE_YUAN",
    "AMOUNT_RELATIVE_TOLERANCE",
    "RATE_TOLERANCE",
    "SCORE_TOLERANCE",
    "Evaluation",
    "evaluate",
    "same",
    "typed_value",
    "selected",
]

#: The fields a labels file scores, in the order every table shows them.
FIELDS: tuple[str, ...] = (
    "agency", "year", "kind", "project_name", "budget_yuan", "available_yuan",
    "spent_yuan", "execution_rate_reported", "score", "grade",
)

Outcome = Literal["found", "missed", "wrong", "invented", "null_ok"]

#: The outcomes of a case (module docstring: what each means; present/labels.py: their
#: Chinese names).
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

AMOUNT_TOLERANCE_YUAN = 0.5
AMOUNT_RELATIVE_TOLERANCE = 1e-9
RATE_TOLERANCE = 5e-5
SCORE_TOLERANCE = 0.005

_AMOUNTS = frozenset({"budget_yuan", "available_yuan", "spent_yuan"})
_RATES = frozenset({"execution_rate_reported"})
_SCORES = frozenset({"score"})
_INTS = frozenset({"year"})
_KINDS = frozenset(get_args(Kind))
_KNOWN_KEYS = frozenset({"source", "notes", *FIELDS})

# A file the labels name is "missing" when it is not there, "invalid" when its entry
# cannot be scored; otherwise its row has the parse's own status (ok/partial/failed).
FileStatus = Literal["ok", "partial", "failed", "missing", "invalid"]

#: One row a (file, field): the outcome, both values as text (:func:`_as_text`), the
#: sentence the returned value came from, and, for a missed or wrong one, a sentence of
#: the text holding the labelled value (found cheaply, so it may be absent).
CASE_COLUMNS: dict[str, type[pl.DataType]] = {
    "source": pl.Utf8, "field": pl.Utf8, "outcome": pl.Utf8, "label": pl.Utf8,
    "returned": pl.Utf8, "sentence": pl.Utf8, "label_sentence": pl.Utf8, "note": pl.Utf8,
    "basis": pl.Utf8,
}

#: One row a (field, basis): how the values the parser returned on that basis fared.
BASIS_COLUMNS: dict[str, type[pl.DataType]] = {
    "field": pl.Utf8, "basis": pl.Utf8, "returned": pl.Int64, "found": pl.Int64,
    "wrong": pl.Int64, "invented": pl.Int64, "right_rate": pl.Float64,
}

#: One row a label entry selected: the file, its status, and what went wrong.
FILE_COLUMNS: dict[str, type[pl.DataType]] = {
    "source": pl.Utf8, "path": pl.Utf8, "status": pl.Utf8, "error": pl.Utf8,
}

#: One row a field: the counts of each outcome and the two rates that matter.
COUNT_COLUMNS: dict[str, type[pl.DataType]] = {
    "field": pl.Utf8, "stated": pl.Int64, "found": pl.Int64, "missed": pl.Int64,
    "wrong": pl.Int64, "nulls": pl.Int64, "invented": pl.Int64, "null_ok": pl.Int64,
    "found_rate": pl.Float64, "invented_rate": pl.Float64,
}

_COUNTS = ("stated", "found", "missed", "wrong", "nulls", "invented", "null_ok")


# --------------------------------------------------------------------------- comparison


def _norm_text(value: str) -> str:
    return plain_name("".join(ch for ch in unicodedata.normalize("NFKC", value) if not ch.isspace()))


def same(field: str, label: Any, returned: Any) -> bool:
    """Whether ``returned`` is the labelled value of ``field`` (the rules of the module
    docstring). ``None`` equals only ``None``.

    >>> same("budget_yuan", 9850000, 9850000.4), same("budget_yuan", 9850000, 9850001)
    (True, False)
    >>> same("execution_rate_reported", 0.8461, 0.84614), same("score", 97.46, 97.47)
    (True, False)
    >>> same("agency", "某某局 办公室", "某某局办公室"), same("grade", "优秀", "良好")
    (True, False)
    """
    if label is None or returned is None:
        return label is None and returned is None
    if field in _AMOUNTS:
        return abs(returned - label) <= max(AMOUNT_TOLERANCE_YUAN,
                                             AMOUNT_RELATIVE_TOLERANCE * abs(label))
    if field in _RATES:
        return abs(returned - label) <= RATE_TOLERANCE
    if field in _SCORES:
        return abs(returned - label) <= SCORE_TOLERANCE
    if field in _INTS:
        return int(returned) == int(label)
    return _norm_text(str(label)) == _norm_text(str(returned))


def _outcome(field: str, label: Any, returned: Any) -> Outcome:
    if label is None:
        return "null_ok" if returned is None else "invented"
    if returned is None:
        return "missed"
    return "found" if same(field, label, returned) else "wrong"


def _as_text(value: Any) -> str | None:
    """A label or returned value as the text the case tables hold: numbers without a
    spurious ``.0`` (9850000, 0.8461), text as it is."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def typed_value(field: str, text: str | None) -> Any:
    """A value as the case tables hold it (:func:`_as_text`), with its type again."""
    if text is None:
        return None
    if field in _INTS:
        return int(text)
    if field in _AMOUNTS or field in _RATES or field in _SCORES:
        number = float(text)
        return int(number) if number.is_integer() else number
    return text


def _label_problem(field: str, value: Any) -> str | None:
    """Why a labelled value cannot be scored (wrong type), or None."""
    if value is None:
        return None
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if field in _INTS:
        if not (numeric and float(value).is_integer()):
            return f"{field} 应为整数年份或 null（得到 {value!r}）"
    elif field in _AMOUNTS or field in _RATES or field in _SCORES:
        if not numeric or not math.isfinite(value):
            return f"{field} 应为数字或 null（得到 {value!r}）"
    elif not isinstance(value, str):
        return f"{field} 应为文字或 null（得到 {value!r}）"
    elif field == "kind" and value not in _KINDS:
        return f"kind 应为 {' / '.join(sorted(_KINDS))} 或 null（得到 {value!r}）"
    return None


# --------------------------------------------------------------------------- where the label is


def _sentence_of_label(report: Report, field: str, label: Any) -> tuple[str | None, str | None]:
    """A sentence of the report's text that holds the labelled value, and a note when the
    parser had it among its candidates; (None, None) when no cheap look finds it.

    Cheap: the parser's own candidates, fund lines and rates first, then one scan of the
    text for a figure or string equal to the label. A short figure can also occur by
    chance elsewhere, so the sentence is a pointer for the analyst, not proof.
    """
    text = report.text
    if not text:
        return None, None
    for cand in report.candidates.get(field, ()):
        if _comparable(field, cand.value) and same(field, label, cand.value):
            lost = f"：{cand.lost}" if cand.lost else ""
            return report.sentence(cand.span), f"在候选中，未被选中{lost}"
    if field in _AMOUNTS:
        for line in report.fund_lines:
            if same(field, label, line.amount_yuan):
                return report.sentence(line.span), None
    if field in _RATES:
        for rate in report.rates:
            if same(field, label, rate.value):
                return report.sentence(rate.span), None
    span = _find_in_text(text, field, label)
    return (sentence_at(text, span) if span else None), None


def _comparable(field: str, value: Any) -> bool:
    if field in _AMOUNTS or field in _RATES or field in _SCORES or field in _INTS:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def _find_in_text(text: str, field: str, label: Any) -> tuple[int, int] | None:
    """The span of the first figure (or string) in ``text`` equal to the label."""
    folded = fold(text)
    if field in _AMOUNTS:
        for m in AMOUNT_RE.finditer(folded):
            if _equal(field, label, parse_amount, m["num"], m["unit"]):
                return m.span()
        # A form's cells carry no unit: the header says 万元 (or 元) once.
        for m in NUMBER_RE.finditer(folded):
            if any(_equal(field, label, parse_amount, m.group(), unit) for unit in ("万元", "元")):
                return m.span()
        return None
    if field in _RATES:
        for m in PERCENT_RE.finditer(folded):
            if _equal(field, label, parse_percent, m["num"]):
                return m.span()
        return None
    if field in _SCORES:
        for m in _SCORE_RE.finditer(folded):
            if _equal(field, label, parse_number, m.group()):
                return m.span()
        return None
    if field in _INTS:
        m = re.search(rf"(?<!\d){int(label)}(?!\d)", folded)
        return m.span() if m else None
    if field == "kind":
        pattern = vocab().meta.get(str(label))
        m = pattern.search(folded) if pattern else None
        return m.span() if m else None
    return _find_string(text, str(label))


_SCORE_RE = re.compile(rf"(?:{NUMBER_RE.pattern})(?=\s?分)")  # a number of points: 95分


def _equal(field: str, label: Any, convert: Callable[..., float], *written: str) -> bool:
    """Whether the figure ``written`` (converted) is the label; False if it is no number."""
    try:
        return same(field, label, convert(*written))
    except (ValueError, KeyError, OverflowError):
        return False


def _find_string(text: str, wanted: str) -> tuple[int, int] | None:
    """Where ``wanted`` occurs in ``text`` compared as :func:`same` compares text (NFKC,
    whitespace ignored), as a span of the original text."""
    needle = _norm_text(wanted)
    if not needle:
        return None
    chars: list[str] = []
    origin: list[int] = []  # position in ``text`` of each character of the normalised text
    for i, ch in enumerate(text):
        for n in unicodedata.normalize("NFKC", ch):
            if not n.isspace():
                chars.append(n)
                origin.append(i)
    at = "".join(chars).find(needle)
    if at < 0:
        return None
    return origin[at], origin[at + len(needle) - 1] + 1


# --------------------------------------------------------------------------- labels


def _read_labels(labels: str | os.PathLike[str]) -> list[Any]:
    path = Path(labels)
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LabelsError(f"{shown}: 读不到标注文件（{exc.strerror or exc}）") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelsError(f"{shown}: 不是 UTF-8 JSON 标注文件（{exc}）") from exc
    if not isinstance(data, list):
        raise LabelsError(f"{shown}: 标注文件应为 JSON 列表，每个元素一个报告文件")
    return data


def selected(source: str, only: Sequence[str]) -> bool:
    """Whether ``source`` is chosen by ``only`` (no patterns: every file). A pattern with
    ``*``, ``?`` or ``[`` is a glob on the whole name; any other is a prefix.

    >>> selected("n001.txt", ["n"]), selected("n001.txt", ["c*"]), selected("e007.txt", ["[ce]0*"])
    (True, False, True)
    """
    if not only:
        return True
    return any(fnmatch.fnmatchcase(source, p) if any(c in p for c in "*?[") else source.startswith(p)
               for p in only)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True)
class Evaluation:
    """A parse scored against a labels file (see the module docstring).

    ``cases`` has one row a (file, field) scored (:data:`CASE_COLUMNS`), ``files`` one row
    a label entry selected (:data:`FILE_COLUMNS`; ``missing`` and ``invalid`` rows are
    not scored), ``by_field`` the counts per field (:data:`COUNT_COLUMNS`). Tables are
    polars; :meth:`to_pandas` gives pandas.
    """

    labels: str
    root: str
    only: tuple[str, ...]
    cases: pl.DataFrame
    files: pl.DataFrame
    by_field: pl.DataFrame
    ignored_keys: tuple[str, ...] = ()

    @property
    def totals(self) -> dict[str, Any]:
        """The counts over every field, with ``found_rate`` (found ÷ stated) and
        ``invented_rate`` (invented ÷ nulls); a rate is None when nothing was labelled."""
        sums = {k: int(self.by_field[k].sum()) for k in _COUNTS}
        return {**sums, **_rates(sums)}

    @property
    def by_basis(self) -> pl.DataFrame:
        """What the returned values were read from, and how each kind fared: one row a
        (field, basis) with how many values were returned on it, found, wrong and
        invented (:data:`BASIS_COLUMNS`), most used first within a field. The rows with
        few right are the parser's readings not to trust on these reports."""
        returned = self.cases.filter(pl.col("outcome").is_in(["found", "wrong", "invented"]))
        order = {f: i for i, f in enumerate(FIELDS)}
        table = (returned.group_by("field", "basis")
                 .agg(returned=pl.len().cast(pl.Int64),
                      **{o: (pl.col("outcome") == o).sum().cast(pl.Int64) for o in ("found", "wrong", "invented")})
                 .with_columns(right_rate=pl.col("found") / pl.col("returned"))
                 .sort(pl.col("field").replace_strict(order, return_dtype=pl.Int64), -pl.col("returned"),
                       pl.col("basis")))
        return table.select(list(BASIS_COLUMNS))

    @property
    def problems(self) -> pl.DataFrame:
        """The label entries that were not scored: files missing, entries invalid."""
        return self.files.filter(pl.col("status").is_in(["missing", "invalid"]))

    def failures(self, *, min_found: float | None = None, max_wrong: int | None = None,
                 max_invented: int | None = None) -> tuple[str, ...]:
        """What misses the given thresholds, one message each (empty: all met).

        ``min_found`` is a fraction of the stated fields; ``max_wrong`` and
        ``max_invented`` are counts. With any threshold, a label entry not scored
        (missing file, invalid entry) is a failure too: the figures do not cover it.
        """
        t = self.totals
        out: list[str] = []
        if min_found is not None and (t["found_rate"] or 0.0) < min_found:
            out.append(f"找到率 {_pct(t['found_rate'])} 低于要求的 {min_found:.1%}"
                       f"（{t['found']}/{t['stated']}）")
        if max_wrong is not None and t["wrong"] > max_wrong:
            out.append(f"错误值 {t['wrong']} 个，多于允许的 {max_wrong} 个")
        if max_invented is not None and t["invented"] > max_invented:
            out.append(f"臆造值 {t['invented']} 个，多于允许的 {max_invented} 个")
        if (min_found, max_wrong, max_invented) != (None, None, None) and len(self.problems):
            out.append(f"{len(self.problems)} 个标注文件未能评分（缺失或标注无效）")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-able values: ``labels``, ``root``, ``only``,
        ``totals``, ``fields`` (counts by field), ``files``, ``cases`` (every case, the
        label and returned values with their types), ``by_basis``, ``ignored_keys``."""
        cases = [
            {**row, "label": typed_value(row["field"], row["label"]),
             "returned": typed_value(row["field"], row["returned"])}
            for row in self.cases.iter_rows(named=True)
        ]
        return {
            "labels": self.labels,
            "root": self.root,
            "only": list(self.only),
            "totals": self.totals,
            "fields": {row.pop("field"): row for row in self.by_field.iter_rows(named=True)},
            "files": self.files.to_dicts(),
            "cases": cases,
            "by_basis": self.by_basis.to_dicts(),
            "ignored_keys": list(self.ignored_keys),
        }

    def to_pandas(self) -> dict[str, pd.DataFrame]:
        """``by_field``, ``by_basis``, ``cases`` and ``files`` as pandas DataFrames, by name."""
        return {"by_field": self.by_field.to_pandas(), "by_basis": self.by_basis.to_pandas(),
                "cases": self.cases.to_pandas(), "files": self.files.to_pandas()}


# The parser's own tags for where a value came from, in the words an analyst reads (the
# other evidence labels are the text's own words: 项目名称, 发布机构, 执行率 …).
_BASIS_WORDS = {"title": "标题", "sentence": "正文句子", "signature": "落款", "field": "评价年度栏",
                "quoted": "引号内的名称", "counts": "全文用词（项目/部门）多寡",
                "most frequent 年度": "全文最常见的“…年度”", "most frequent 年": "全文最常见的“…年”",
                "portal timestamp": "网页发布时间", "signature date": "落款日期"}


def _basis(field: str, evidence: Evidence) -> str:
    """What a returned value was read from, as a key to count by: for an amount, the
    vocabulary words its label matched ("“预算安排”", "“实际支出”"), or for one a form's
    grid placed the parser's words for the place (表头下首行 …); otherwise the label's own
    words (a form's field, a title, a rule's name)."""
    label = evidence.label
    if field in _AMOUNTS and not label.startswith(_PLACED):
        words = role_of(label)[2]
        return f"“{words}”" if words else "未归类的说法"
    return _BASIS_WORDS.get(label, label.split("（", 1)[0] or "未归类的说法")


# How the labels of amounts a form's grid placed begin (parse.flat_forms, parse.funds):
# the parser's words for the place, not the text's.
_PLACED = ("表头", "表格")


def _rates(counts: Mapping[str, int]) -> dict[str, float | None]:
    return {
        "found_rate": counts["found"] / counts["stated"] if counts["stated"] else None,
        "invented_rate": counts["invented"] / counts["nulls"] if counts["nulls"] else None,
    }


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


# --------------------------------------------------------------------------- evaluate


def evaluate(
    labels: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
    *,
    root: str | os.PathLike[str] | None = None,
    only: str | Sequence[str] | None = None,
    parse: Callable[[Path], Report] | None = None,
) -> Evaluation:
    """Parse every file a labels file names and score each field against its label.

    Parameters
    ----------
    labels : path, or a list of label objects
        The labels file (JSON list; format and comparison rules in the module docstring),
        or its entries already loaded.
    root : path, optional
        The folder ``source`` names are relative to (default: the labels file's folder,
        or the current folder for loaded entries).
    only : str or list of str, optional
        Score only these files: a prefix (``"n"``) or a glob (``"n0[01]*.txt"``) on
        ``source``; several patterns select their union.
    parse : callable, optional
        Path -> Report; default :func:`fiscal_eval.parse_file`.

    Returns
    -------
    Evaluation
        Never raises for a missing file or a bad entry: each is a ``files`` row.

    Raises
    ------
    LabelsError
        The labels file cannot be read as a JSON list, or ``only`` selects no entry.

    Examples
    --------
    >>> ev = evaluate([{"source": "003_0aae5738ae055c76.txt", "score": 88, "grade": None}],
    ...               root="data/samples")
    >>> ev.cases.select("field", "outcome").rows()
    [('score', 'found'), ('grade', 'invented')]
    >>> ev.cases["sentence"][1]
    '合计 | 88 | 自评等次 | 良好'
    """
    if parse is None:
        from fiscal_eval.api import parse_file

        parse = parse_file
    if isinstance(labels, (str, os.PathLike)):
        entries = _read_labels(labels)
        shown = display_path(labels)
        base = Path(root) if root is not None else Path(labels).parent
    else:
        entries = list(labels)
        shown = "<labels>"
        base = Path(root) if root is not None else Path(".")
    patterns = (only,) if isinstance(only, str) else tuple(only or ())

    cases: dict[str, list[Any]] = {c: [] for c in CASE_COLUMNS}
    files: dict[str, list[Any]] = {c: [] for c in FILE_COLUMNS}
    ignored: set[str] = set()
    seen: set[str] = set()  # the sources selected

    def file_row(source: str, path: str | None, status: FileStatus, error: str | None) -> None:
        for c, v in zip(FILE_COLUMNS, (source, path, status, error)):
            files[c].append(v)

    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            file_row(f"#{i + 1}", None, "invalid", f"第 {i + 1} 项不是 JSON 对象")
            continue
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            file_row(f"#{i + 1}", None, "invalid", f"第 {i + 1} 项没有 source（文件名）")
            continue
        source = display_path(source)
        if not selected(source, patterns):
            continue
        ignored.update(k for k in entry if k not in _KNOWN_KEYS)
        path = base / source
        shown_path = display_path(path)
        bad = [p for f in FIELDS if f in entry and (p := _label_problem(f, entry[f]))]
        if source in seen:
            bad.append(f"{source} 在标注中出现不止一次（只评第一次）")
        seen.add(source)
        if bad:
            file_row(source, shown_path, "invalid", "；".join(bad))
            continue
        if not path.is_file():
            file_row(source, shown_path, "missing", f"{shown_path}: 标注的文件不存在")
            continue
        report = parse(path)
        file_row(source, shown_path, report.status, "; ".join(report.errors) or None)
        for field in FIELDS:
            if field not in entry:
                continue
            label, returned = entry[field], getattr(report, field)
            outcome = _outcome(field, label, returned)
            evidence = report.evidence.get(field) if returned is not None else None
            sentence = evidence.sentence if evidence else None
            note = "返回的值没有出处句" if returned is not None and evidence is None else None
            label_sentence = None
            if outcome in ("missed", "wrong"):
                label_sentence, cand_note = _sentence_of_label(report, field, label)
                note = cand_note or note
            basis = _basis(field, evidence) if evidence else None
            for c, v in zip(CASE_COLUMNS, (source, field, outcome, _as_text(label),
                                           _as_text(returned), sentence, label_sentence, note, basis)):
                cases[c].append(v)

    if not entries:
        raise LabelsError(f"{shown}: 标注文件是空的")
    if patterns and not seen:
        raise LabelsError(f"{shown}: 没有标注文件匹配 {' / '.join(patterns)}")
    case_frame = pl.DataFrame(cases, schema=CASE_COLUMNS)
    return Evaluation(
        labels=shown,
        root=display_path(base),
        only=patterns,
        cases=case_frame,
        files=pl.DataFrame(files, schema=FILE_COLUMNS),
        by_field=_count(case_frame),
        ignored_keys=tuple(sorted(ignored)),
    )


def _count(cases: pl.DataFrame) -> pl.DataFrame:
    """Counts by field, every field of :data:`FIELDS` in order (zeros where none)."""
    rows = []
    for field in FIELDS:
        outcomes = cases.filter(pl.col("field") == field)["outcome"].to_list()
        n = {o: outcomes.count(o) for o in OUTCOMES}
        counts = {
            "stated": n["found"] + n["missed"] + n["wrong"], "found": n["found"],
            "missed": n["missed"], "wrong": n["wrong"], "nulls": n["invented"] + n["null_ok"],
            "invented": n["invented"], "null_ok": n["null_ok"],
        }
        rows.append({"field": field, **counts, **_rates(counts)})
    return pl.DataFrame(rows, schema=COUNT_COLUMNS)
