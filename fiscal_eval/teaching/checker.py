"""Exercise checker for the lesson notebooks (``notebooks/teaching/``).

A student puts an answer in a variable and calls ``check("02.1", answer)``; the
:class:`Feedback` says *correct*, *close* (with a hint that never gives the answer away),
*wrong*, or *unanswered* (``None`` / ``...``), and shows itself as a coloured box in a
notebook. ``solution("02.1")`` gives the key's answer, for the teacher's handouts
(``show_solutions=True``).

The answer key is data, ``lessons.toml`` beside this module: per exercise, what it asks,
the expected value (a number — often the arithmetic on the report's own figures,
``"600651.81 / 710000"`` — a word, a set, a mapping), its tolerance, and how "close" is
judged: a looser tolerance, or a known mistake (percent for a fraction, 万元 for 元, a
flipped sign, or a named wrong value such as dividing by 预算 instead of 到位), each with
its hint. Every entry also names how the library derives it from the data (``derive``);
:func:`verify_key` recomputes them all, and the tests require the key to agree — a key
that drifted from the data, or from the library, fails loudly instead of teaching a
wrong answer.

The rest of the module is what the lessons call besides the library: the teaching
corpus (:data:`CORPUS`, synthetic, generated on first use), the lesson store
(:func:`open_store`), a sample by its number (:func:`sample`), and the small views the
lessons would otherwise write as dataframe code in a cell (:func:`agency_years`,
:func:`flags_by_year`, :func:`evidence`, :func:`find`, :func:`subtotal_check`,
:func:`pi2_example` …); a notebook cell holds calls, not logic.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Literal

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.locks import exclusive
from fiscal_eval.model import Report

__all__ = [
    "Verdict",
    "Feedback",
    "Mistake",
    "Exercise",
    "CORPUS",
    "ROOT",
    "check",
    "solution",
    "exercise",
    "exercises",
    "LessonData",
    "derive",
    "verify_key",
    "resolve",
    "sample",
    "samples",
    "synthetic_corpus",
    "open_store",
    "agency_years",
    "report_text",
    "agency_statements",
    "find",
    "recompute",
    "of_agency",
    "flags_by_year",
    "corpus_summary",
    "evidence",
    "indicator_totals",
    "section_points",
    "subtotal_check",
    "pi2_example",
]

Verdict = Literal["correct", "close", "wrong", "unanswered"]
ExerciseType = Literal["number", "text", "grade", "set", "dict"]

#: The repository root: relative lesson paths (``data/samples``) are read from here, so a
#: lesson finds its data whatever folder the kernel runs in (JupyterLab: the notebook's
#: folder; papermill and the batch: wherever they were started).
ROOT = Path(__file__).resolve().parents[1]

_KEY_FILE = "lessons.toml"
# A mistaken value counts as "that mistake" when within this share of it (answers to a
# mistake are often rounded differently from the key's figure).
_MISTAKE_RTOL = 0.005
_NUMBER_WORD = re.compile(r"[-+]?\d+(?:\.\d+)?")
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")  # not "002": a leading zero makes a code
_DOCUMENT_NUMBER = re.compile(r"〔\d{4}〕\d+号")
_ARITHMETIC = re.compile(r"^[\d\s.+\-*/×÷()%]+$")  # a key value written as arithmetic on figures


# --------------------------------------------------------------------------- feedback

_LOOK: dict[str, tuple[str, str, str]] = {  # verdict -> (label, border colour, background)
    "correct": ("✓ 正确 correct", "#2e7d32", "#f1f8e9"),
    "close": ("≈ 接近 close", "#ef6c00", "#fff3e0"),
    "wrong": ("✗ 不对 wrong", "#c62828", "#ffebee"),
    "unanswered": ("… 未作答 unanswered", "#546e7a", "#eceff1"),
}


@dataclass(frozen=True)
class Feedback:
    """What :func:`check` says about one answer.

    ``verdict`` is ``"correct"``, ``"close"``, ``"wrong"`` or ``"unanswered"``;
    ``message`` (Chinese, with the English key terms) echoes the answer given and adds a
    hint, but never the expected value. In a notebook it shows as a coloured box
    (``_repr_html_``, text escaped).
    """

    exercise_id: str
    verdict: Verdict
    message: str

    def __str__(self) -> str:
        return f"[{self.exercise_id}] {_LOOK[self.verdict][0]} — {self.message}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        label, colour, background = _LOOK[self.verdict]
        return (
            f'<div class="fiscal-eval-feedback" data-verdict="{self.verdict}" '
            f'style="border-left:4px solid {colour};background:{background};'
            f'padding:0.4em 0.8em;margin:0.2em 0">'
            f"<strong>[{escape(self.exercise_id)}] {escape(label)}</strong> — {escape(self.message)}</div>"
        )


# --------------------------------------------------------------------------- the key


@dataclass(frozen=True)
class Mistake:
    """A known mistake and the hint it earns.

    ``kind``: ``"percent"`` (a fraction written as a percent number: 84.6 for 0.846),
    ``"wan"`` (万元 where 元 is asked: the answer ÷ 10 000), ``"yuan"`` (元 where 万元 is
    asked), ``"sign"`` (the sign flipped), or ``"alt"`` (the named wrong ``value``, e.g.
    the other denominator; ``derive`` says how the library computes it). An answer is
    that mistake within ``tol``: by default the exercise's own tolerance for ``"alt"``,
    and for the others the tolerance scaled likewise or 0.5 % of the value, whichever is
    larger (a 万元 answer is usually rounded to 2 decimals).
    """

    kind: str
    hint: str
    value: Any = None
    derive: Mapping[str, Any] | None = None
    tol: float | None = None  # default: the exercise's tol for "alt", else a relative 0.5 %


@dataclass(frozen=True)
class Exercise:
    """One exercise of the key (see lessons.toml for the fields' meaning)."""

    id: str
    lesson: str
    asks: str
    type: ExerciseType
    expected: Any
    unit: str = ""
    tol: float = 0.0
    close_tol: float | None = None
    hint: str = ""
    mistakes: tuple[Mistake, ...] = ()
    derive: Mapping[str, Any] | None = None


_SCALE = {"percent": 100.0, "wan": 1e-4, "yuan": 1e4, "sign": -1.0}


@lru_cache(maxsize=1)
def _key() -> dict[str, Any]:
    text = resources.files(__package__).joinpath(_KEY_FILE).read_text("utf-8")
    data = tomllib.loads(text)
    out: dict[str, Exercise] = {}
    for entry in data["exercise"]:
        ex = Exercise(
            id=entry["id"],
            lesson=entry["id"].split(".")[0],
            asks=entry["asks"],
            type=entry["type"],
            expected=entry["expected"],
            unit=entry.get("unit", ""),
            tol=float(entry.get("tol", 0.0)),
            close_tol=entry.get("close_tol"),
            hint=entry.get("hint", ""),
            mistakes=tuple(Mistake(**m) for m in entry.get("mistake", [])),
            derive=entry.get("derive"),
        )
        if ex.id in out:
            raise FiscalEvalError(f"{_KEY_FILE}: exercise {ex.id} appears twice")
        if ex.type not in ("number", "text", "grade", "set", "dict"):
            raise FiscalEvalError(f"{_KEY_FILE}: exercise {ex.id} has unknown type {ex.type!r}")
        unknown = [m.kind for m in ex.mistakes if m.kind not in (*_SCALE, "alt")]
        if unknown:
            raise FiscalEvalError(f"{_KEY_FILE}: exercise {ex.id} has unknown mistake kinds {unknown}")
        out[ex.id] = ex
    return {"exercises": out, "corpus": data["corpus"], "datasets": data.get("datasets", {})}


def exercise(exercise_id: str) -> Exercise:
    """The key's entry for ``exercise_id``.

    Raises
    ------
    KeyError
        When the key has no such exercise (the message lists the known ones).

    >>> exercise("01.1").type
    'number'
    """
    known = _key()["exercises"]
    if exercise_id not in known:
        raise KeyError(f"no exercise {exercise_id!r} in {_KEY_FILE}; known: {', '.join(known)}")
    return known[exercise_id]


def exercises(lesson: str | None = None) -> list[str]:
    """The exercise ids of the key, in order; only ``lesson``'s (``"02"``) when given.

    >>> exercises("01")[:2]
    ['01.1', '01.2']
    """
    return [i for i, ex in _key()["exercises"].items() if lesson is None or ex.lesson == lesson]


#: The teaching corpus: ``fiscal_eval.synth.generate(**CORPUS)`` — synthetic agencies, each
#: report marked 【合成数据 SYNTHETIC】. The key's synthetic answers are derived from it.
CORPUS: dict[str, int] = dict(_key()["corpus"])


# --------------------------------------------------------------------------- values


def _number(value: Any) -> float:
    """A key number: a literal, or arithmetic on the report's figures ("600651.81 / 710000")."""
    if isinstance(value, str):
        from fiscal_eval.parse.rates import evaluate

        return evaluate(value)
    return float(value)


def _element(value: Any) -> str:
    """A set element as compared: a Flag by its code, a number in one canonical spelling
    (733, 733.0 and "733" alike; "002" stays a word), a word normalised (:func:`_text`)."""
    code = getattr(value, "code", None)
    if isinstance(code, str):
        value = code
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _canonical(float(value))
    text = _text(str(value))
    return _canonical(float(text)) if _PLAIN_NUMBER.fullmatch(text) else text


def _canonical(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _text(value: str) -> str:
    """A word as compared: full-width folded (NFKC), quotes, brackets and spaces dropped,
    case folded, and ``/`` ``*`` written ``÷`` ``×`` (formulas: "(3)/(1)" is "(3)÷(1)")."""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = re.sub(r"[\s\"'“”‘’「」『』《》()\[\]【】]", "", text)
    return text.replace("/", "÷").replace("*", "×")


def _expected(ex: Exercise) -> Any:
    """The key's expected value in the form answers are compared in."""
    if ex.type == "number":
        return _number(ex.expected)
    if ex.type == "set":
        return frozenset(_element(v) for v in ex.expected)
    if ex.type == "dict":
        return {str(k): _number(v) if not isinstance(v, str) or _ARITHMETIC.match(v) else v
                for k, v in ex.expected.items()}
    return ex.expected


def _mistake_value(ex: Exercise, mistake: Mistake) -> Any:
    if mistake.kind == "alt":
        return _expected(replace(ex, expected=mistake.value))
    expected = _expected(ex)
    factor = _SCALE[mistake.kind]
    if ex.type == "number":
        return expected * factor
    return {k: v * factor if isinstance(v, float) else v for k, v in expected.items()}


def solution(exercise_id: str) -> Any:
    """The key's answer to ``exercise_id``, as a student would write it: a number (an int
    when whole and written so in the key), a word, a set or a dict. For handouts.

    >>> solution("01.1")
    2019
    """
    ex = exercise(exercise_id)
    value = _expected(ex)
    if ex.type == "number":
        return int(value) if isinstance(ex.expected, int) else value
    if ex.type == "set":
        return {int(v) if isinstance(v, float) and v.is_integer() else v for v in ex.expected}
    if ex.type == "dict":
        return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- answers


class _Unreadable(Exception):
    """Raised when an answer cannot be read as the exercise's type (message for the student)."""


def _answer_number(answer: Any) -> float:
    if isinstance(answer, bool):
        raise _Unreadable("需要一个数值 (number)，不是 True/False")
    if hasattr(answer, "item") and not isinstance(answer, (int, float)):
        try:
            answer = answer.item()  # numpy scalar, one-element polars/pandas Series
        except (ValueError, TypeError, AttributeError) as exc:
            raise _Unreadable(f"需要一个数值 (number)，收到的是 {type(answer).__name__}") from exc
    if isinstance(answer, str):
        text = unicodedata.normalize("NFKC", answer).replace(",", "").replace(" ", "").strip()
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%"))
        except ValueError as exc:
            raise _Unreadable(f"读不出数值 (not a number): {answer!r}") from exc
        return value / 100 if percent else value
    try:
        value = float(answer)
    except (TypeError, ValueError) as exc:
        raise _Unreadable(f"需要一个数值 (number)，收到的是 {type(answer).__name__}") from exc
    if math.isnan(value):
        raise _Unreadable("答案是 NaN (not a number)")
    return value


def _answer_set(answer: Any) -> frozenset:
    if isinstance(answer, (str, int, float)) or hasattr(answer, "code"):
        answer = [answer]
    if hasattr(answer, "to_list"):
        answer = answer.to_list()
    if isinstance(answer, Mapping) or not isinstance(answer, Iterable):
        raise _Unreadable(f"需要一组值 (a set or list)，收到的是 {type(answer).__name__}")
    return frozenset(_element(v) for v in answer)


def _answer_dict(answer: Any, expected: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(answer, Mapping):
        raise _Unreadable(f"需要一个字典 (dict)，收到的是 {type(answer).__name__}")
    out: dict[str, Any] = {}
    for key, value in answer.items():
        name = str(key).strip()
        if isinstance(expected.get(name), float):
            out[name] = _answer_number(value)
        else:
            out[name] = value
    return out


def _answer_word(answer: Any) -> str:
    if not isinstance(answer, str):
        raise _Unreadable(f"需要文字 (text)，收到的是 {type(answer).__name__}")
    return answer


def _read(ex: Exercise, answer: Any) -> Any:
    if ex.type == "number":
        return _answer_number(answer)
    if ex.type == "set":
        return _answer_set(answer)
    if ex.type == "dict":
        return _answer_dict(answer, _expected(ex))
    return _answer_word(answer)


def _same_word(ex: Exercise, a: str, b: str) -> bool:
    if ex.type == "grade":
        from fiscal_eval.metrics.grading import normalise_grade

        return normalise_grade(a).casefold() == normalise_grade(b).casefold()
    return _text(a) == _text(b)


def _same_value(ex: Exercise, a: Any, b: Any, tol: float) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= tol + 1e-12 * max(1.0, abs(b))
    if isinstance(a, str) and isinstance(b, str):
        return _same_word(ex, a, b)
    return False


def _same(ex: Exercise, answer: Any, target: Any, tol: float) -> bool:
    """Whether ``answer`` equals ``target`` for this exercise (numbers within ``tol``)."""
    if ex.type == "set":
        return answer == target
    if ex.type == "dict":
        return set(answer) == set(target) and all(_same_value(ex, answer[k], target[k], tol) for k in target)
    return _same_value(ex, answer, target, tol)


def _mistake_tol(ex: Exercise, mistake: Mistake, value: Any) -> float:
    if mistake.tol is not None:
        return float(mistake.tol)
    if mistake.kind == "alt":
        return ex.tol
    scaled = ex.tol * abs(_SCALE[mistake.kind])
    if isinstance(value, float):
        return max(scaled, _MISTAKE_RTOL * abs(value))
    if isinstance(value, Mapping):
        return max([scaled, *(_MISTAKE_RTOL * abs(v) for v in value.values() if isinstance(v, float))])
    return scaled


def _show(value: Any) -> str:
    """An answer as echoed back to its author."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value)}" if abs(value) < 10000 else f"{int(value):,}"
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.6g}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_show(v) for v in value)) + "}" if value else "set()"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return str(value)


def _partial_hint(ex: Exercise, answer: Any, expected: Any) -> str | None:
    """For sets and dicts: a hint when the answer is one element off, or some entries are
    right — naming what to look at, never the expected values."""
    if ex.type == "set":
        missing, extra = expected - answer, answer - expected
        if len(missing) + len(extra) == 1 and expected:
            return "还少一个 (one missing)。" if missing else "多了一个 (one too many)。"
        if len(missing) == 1 and len(extra) == 1:
            return "有一个不对 (one of them is wrong)。"
        return None
    if ex.type == "dict":
        if set(answer) != set(expected):
            lacking = [k for k in expected if k not in answer]
            surplus = [k for k in answer if k not in expected]
            parts = ([f"缺少 (missing) {', '.join(lacking)}"] if lacking else []) + (
                [f"多出 (unexpected) {', '.join(surplus)}"] if surplus else [])
            return "键 (keys) 不对：" + "；".join(parts) + "。"
        wrong = [k for k in expected if not _same_value(ex, answer[k], expected[k], ex.tol)]
        if len(wrong) < len(expected):
            return f"大部分对了；再检查 (check again): {', '.join(wrong)}。"
    return None


def check(exercise_id: str, answer: Any) -> Feedback:
    """Check a student's answer to ``exercise_id`` against the key.

    Correct when equal to the key's value (numbers within its tolerance; words after
    folding full-width, case, quotes and spaces; grade words as
    :func:`fiscal_eval.metrics.grading.normalise_grade` reads them). Close, with the
    mistake's hint, when the answer is a known mistake of the exercise (percent for a
    fraction, 万元 for 元, a flipped sign, a named wrong value), within the exercise's
    looser tolerance, or — for sets and dicts — one element off or partly right. Wrong
    otherwise. ``None`` or ``...`` is unanswered. Never raises for an answer; an unknown
    ``exercise_id`` raises ``KeyError``.

    Parameters
    ----------
    exercise_id : str
        As in the lesson, e.g. ``"02.1"``.
    answer : Any
        A number (int, float, numpy scalar, ``"84.6%"``), a word, a set or list (of
        words, numbers, or Flags), or a dict, as the exercise asks.

    Returns
    -------
    Feedback

    Examples
    --------
    >>> check("01.1", None).verdict
    'unanswered'
    >>> check("01.1", solution("01.1")).verdict
    'correct'
    >>> check("01.2", solution("01.2") / 10000).verdict   # 万元 where 元 is asked
    'close'
    """
    ex = exercise(exercise_id)
    if answer is None or answer is Ellipsis:
        return Feedback(ex.id, "unanswered",
                        f"还没有作答 (unanswered)：{ex.asks}。把答案写进 answer = …，再运行这一格。")
    try:
        given = _read(ex, answer)
    except _Unreadable as exc:
        return Feedback(ex.id, "wrong", f"{exc}。题目 (question)：{ex.asks}" + (f"（{ex.unit}）" if ex.unit else ""))
    echo = f"你的答案 (your answer): {_show(given)}。"
    expected = _expected(ex)
    if _same(ex, given, expected, ex.tol):
        return Feedback(ex.id, "correct", echo)
    for mistake in ex.mistakes:
        value = _mistake_value(ex, mistake)
        if _same(ex, given, value, _mistake_tol(ex, mistake, value)):
            return Feedback(ex.id, "close", f"{echo}提示 (hint)：{mistake.hint}")
    if ex.close_tol is not None and _same(ex, given, expected, float(ex.close_tol)):
        return Feedback(ex.id, "close", f"{echo}提示 (hint)：{ex.hint or '差一点 (almost)：检查精度 (precision)。'}")
    partial = _partial_hint(ex, given, expected)
    if partial is not None:
        return Feedback(ex.id, "close", f"{echo}提示 (hint)：{partial}")
    unit = f"答案的形式 (form)：{ex.unit}。" if ex.unit else ""
    return Feedback(ex.id, "wrong", f"{echo}{unit}再读一遍题目 (re-read the question)：{ex.asks}。")


# --------------------------------------------------------------------------- lesson data


def resolve(path: str | Path) -> Path:
    """A lesson path: absolute as given, relative from the repository root (:data:`ROOT`).

    >>> resolve("data/samples") == ROOT / "data" / "samples"
    True
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else ROOT / p


def _sample_files(folder: str | Path) -> dict[str, Path]:
    found = {f.name.split("_", 1)[0]: f for f in sorted(resolve(folder).iterdir())
             if f.is_file() and not f.name.startswith(".")}
    if not found:
        raise FiscalEvalError(f"no sample reports in {resolve(folder)}")
    return found


def sample(folder: str | Path, sample_id: str) -> Report:
    """The parsed (and audited) sample numbered ``sample_id`` ("000") in ``folder``.

    Raises
    ------
    FiscalEvalError
        When the folder holds no file named ``<sample_id>_…``.

    >>> sample("data/samples", "003").grade
    '良好'
    """
    from fiscal_eval.api import parse_file

    files = _sample_files(folder)
    if sample_id not in files:
        raise FiscalEvalError(f"no sample {sample_id!r} in {resolve(folder)}; there are {', '.join(files)}")
    return parse_file(files[sample_id])


def samples(folder: str | Path) -> dict[str, Report]:
    """Every sample of ``folder``, parsed, by number: ``{"000": Report, …}``."""
    from fiscal_eval.api import parse_file

    return {number: parse_file(path) for number, path in _sample_files(folder).items()}


_STAMP = "teaching_corpus.json"


def synthetic_corpus(folder: str | Path) -> Path:
    """The teaching corpus (:data:`CORPUS`, SYNTHETIC) in ``folder``, generated unless it
    is there already; returns its reports folder (``folder/reports``).

    Generating is deterministic (same files byte for byte), so an existing corpus of the
    same parameters is kept as it is: a store ingested from it needs no re-parse.
    """
    from fiscal_eval.synth import generate

    out = resolve(folder)
    stamp = out / _STAMP
    try:
        current = json.loads(stamp.read_text("utf-8")) == CORPUS and (out / "truth.jsonl").is_file()
    except (OSError, ValueError):
        current = False
    if not current:
        generate(out=out, **CORPUS)
        stamp.write_text(json.dumps(CORPUS), "utf-8")
    return out / "reports"


def open_store(store: str | Path, samples_folder: str | Path, synthetic: str | Path) -> Any:
    """The lessons' tables: the samples and the teaching corpus ingested into ``store``
    (incrementally: a second call parses nothing), then loaded.

    Returns
    -------
    fiscal_eval.frames.Tables
        Synthetic rows carry ``synthetic`` = true.
    """
    from fiscal_eval.store import ingest, load

    # NOTE: lessons run side by side (a batch renders each with and without solutions in
    # parallel workers) and share the default corpus and store; ingest refuses a store
    # another ingest holds, so the lessons take turns here instead of failing.
    with exclusive(resolve(synthetic) / ".teaching.lock"):  # blocking: wait for the other lesson
        reports = synthetic_corpus(synthetic)
        # NOTE: one process: a lesson store is small, and a worker pool started from
        # inside a notebook kernel (or a forked batch child) buys nothing but risk.
        ingest([resolve(samples_folder), reports], resolve(store), jobs=1, progress=False)
        return load(resolve(store))


def of_agency(frame: Any, agency: str) -> Any:
    """The rows of ``frame`` (a polars DataFrame with an ``agency`` column) of one agency,
    by year when there is a year column.

    >>> import polars as pl
    >>> of_agency(pl.DataFrame({"agency": ["a", "b", "a"], "year": [2021, 2020, 2020]}), "a")["year"].to_list()
    [2020, 2021]
    """
    import polars as pl

    rows = frame.filter(pl.col("agency") == agency)
    return rows.sort("year") if "year" in rows.columns else rows


_AGENCY_COLUMNS = ("budget_yuan", "available_yuan", "spent_yuan", "arrival_rate", "execution_rate_budget",
                   "execution_rate_available", "balance_computed_yuan", "mof_execution_points", "score",
                   "grade", "flag_count")


def agency_years(metrics: Any, agency: str, *, year: int | None = None,
                 columns: Iterable[str] = _AGENCY_COLUMNS) -> Any:
    """One agency's rows of ``metrics.per_report``, one a year (only ``year``'s when
    given): ``year``, ``synthetic`` and ``columns`` — by default the amounts, both
    execution rates, arrival rate, balance, MoF points, score, grade and flag count."""
    import polars as pl

    rows = of_agency(metrics.per_report, agency)
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    return rows.select("year", "synthetic", *columns)


def report_text(tables: Any, agency: str, year: int) -> str:
    """The document text of an agency's report for ``year`` (a synthetic one begins with
    its 【合成数据 SYNTHETIC】 banner)."""
    import polars as pl

    ids = tables.reports.filter(pl.col("agency") == agency, pl.col("year") == year)["report_id"]
    texts = tables.texts.filter(pl.col("report_id").is_in(ids.implode()))["text"].to_list()
    if len(texts) != 1:
        raise FiscalEvalError(f"{len(texts)} reports of {agency} for {year}, expected one")
    return texts[0]


def agency_statements(tables: Any, agency: str, section: str = "problems") -> Any:
    """An agency's stated problems (or ``section="improvements"``), one a row, by year."""
    import polars as pl

    rows = tables.statements.filter(pl.col("section") == section).join(
        tables.reports.select("report_id", "agency", "year", "synthetic"), on="report_id")
    return of_agency(rows, agency).select("year", "synthetic", "position", "text")


def find(report: Report, *words: str) -> str:
    """The sentences (table rows: their line) of ``report`` holding any of ``words``, in
    text order, one a line — to read a figure where the report states it.

    >>> print(find(sample("data/samples", "000"), "预算执行率为"))  # doctest: +ELLIPSIS
    2019年,市财政局收回项目资金...预算执行率为84.61%。
    """
    first: dict[str, int] = {}  # sentence -> where it was first found
    for word in filter(None, words):
        start = report.text.find(word)
        while start >= 0:
            sentence = report.sentence((start, start + len(word)))
            first[sentence] = min(first.get(sentence, start), start)
            start = report.text.find(word, start + len(word))
    return "\n".join(sorted(first, key=first.__getitem__))


def recompute(report: Report, label: str) -> float:
    """The value of the calculation a report writes out for ``label`` (004:
    预算完成率＝(15.8+335.46-72.08-2.05)/(15.8+335.46-72.08)×100%), as a fraction.

    >>> round(recompute(sample("data/samples", "004"), "预算完成率"), 6)
    0.992657
    """
    from fiscal_eval.parse.rates import evaluate

    for arithmetic in report.arithmetic:
        if arithmetic.label == label:
            return evaluate(arithmetic.expression)
    raise FiscalEvalError(f"{report.source} writes out no calculation of {label}")


def flags_by_year(tables: Any, agency: str | None = None) -> Any:
    """The audit flags with their report's agency and year and the sentence behind each;
    only ``agency``'s (by year) when given."""
    flags = tables.flags.join(tables.reports.select("report_id", "agency", "year", "synthetic"), on="report_id")
    if agency is not None:
        flags = of_agency(flags, agency)
    return flags.select("agency", "year", "synthetic", "code", "severity", "field", "reported", "expected",
                        "sentence")


def corpus_summary(tables: Any) -> Any:
    """Real and synthetic apart: how many reports, agencies and fiscal years a set of
    tables holds."""
    import polars as pl

    return (tables.reports.group_by("synthetic")
            .agg(pl.len().alias("reports"), pl.col("agency").n_unique().alias("agencies"),
                 pl.col("year").n_unique().alias("years"))
            .sort("synthetic"))


def evidence(report: Report, *fields: str) -> Any:
    """Where ``fields`` (all the report states, when none are named) came from: one row a
    field, with the figure as written and its sentence."""
    import polars as pl

    from fiscal_eval.frames import tables

    rows = tables([report]).evidence
    if fields:
        rows = rows.filter(pl.col("field").is_in(list(fields)))
    return rows.select("field", "figure", "sentence")


def indicator_totals(report: Report) -> dict[str, float]:
    """A report's indicator points and maximum points, each added up (an indicator
    without points, "—" in the form, adds nothing).

    >>> indicator_totals(sample("data/samples", "003"))
    {'points': 88.0, 'max_points': 100.0}
    """
    return {what: sum(getattr(i, what) or 0.0 for i in report.indicators) for what in ("points", "max_points")}


def section_points(report: Report) -> dict[str, float]:
    """The points of a report's indicators added up per 一级指标 (level1), in order.

    >>> section_points(sample("data/samples", "004"))
    {'投入': 17.0, '过程': 59.0, '产出及效率': 20.0}
    """
    sums: dict[str, float] = {}
    for ind in report.indicators:
        if ind.level1 is not None and ind.points is not None:
            sums[ind.level1] = sums.get(ind.level1, 0.0) + ind.points
    return sums


def subtotal_check(report: Report) -> Any:
    """Per stated section subtotal (小计): what the report states beside what its items
    add up to (:func:`section_points`), and the difference — the audit's
    ``score_subtotal_mismatch`` laid out as a table."""
    import polars as pl

    sums = section_points(report)
    rows = [(s.label, s.points, sums.get(s.label)) for s in report.subtotals]
    frame = pl.DataFrame(rows, schema={"section": pl.Utf8, "stated": pl.Float64, "items_sum": pl.Float64},
                         orient="row")
    return frame.with_columns((pl.col("items_sum") - pl.col("stated")).alias("difference"))


def pi2_example() -> Any:
    """The PI-2.1 classroom lines of lessons.toml (SYNTHETIC, illustrative): one row per
    year and budget line, in the input form of
    :func:`fiscal_eval.metrics.execution.pefa_pi2_1`, with ``synthetic`` = true."""
    import polars as pl

    data = _key()["datasets"]["pi2_1_example"]
    return pl.DataFrame(
        [(data["agency"], year, label, float(budget), float(spent), True) for year, label, budget, spent in data["rows"]],
        schema={"agency": pl.Utf8, "year": pl.Int32, "label": pl.Utf8, "budget_yuan": pl.Float64,
                "spent_yuan": pl.Float64, "synthetic": pl.Boolean},
        orient="row",
    )


# --------------------------------------------------------------------------- deriving the key


@dataclass(frozen=True)
class LessonData:
    """What the key is derived from: the real samples (parsed Reports by number), the
    tables of samples + teaching corpus, and their metrics."""

    samples: Mapping[str, Report]
    tables: Any
    metrics: Any

    @classmethod
    def build(cls, samples_folder: str | Path, synthetic: str | Path, store: str | Path | None = None) -> LessonData:
        """Parse the samples and the teaching corpus (generated in ``synthetic`` if
        missing); with ``store``, read the tables through the lesson store instead."""
        import fiscal_eval
        from fiscal_eval.metrics import compute

        reports = samples(samples_folder)
        if store is not None:
            tables = open_store(store, samples_folder, synthetic)
        else:
            tables = fiscal_eval.tables([*reports.values(), *fiscal_eval.parse_paths([synthetic_corpus(synthetic)])])
        return cls(reports, tables, compute(tables))


def _source(data: LessonData, source: str) -> tuple[str, Any]:
    """``"sample:000"`` → ("sample", Report); ``"synthetic:机构:2022"`` → ("synthetic", row)."""
    kind, _, rest = source.partition(":")
    if kind == "sample":
        return kind, data.samples[rest]
    if kind == "synthetic":
        agency, _, year = rest.rpartition(":")
        import polars as pl

        rows = data.metrics.per_report.filter(pl.col("agency") == agency, pl.col("year") == int(year),
                                              pl.col("synthetic"))
        if rows.height != 1:
            raise FiscalEvalError(f"{source}: {rows.height} synthetic reports, expected one")
        return kind, rows.row(0, named=True)
    raise FiscalEvalError(f"unknown source {source!r} (sample:NNN or synthetic:AGENCY:YEAR)")


def _per_report(data: LessonData, source: str) -> dict[str, Any]:
    kind, obj = _source(data, source)
    if kind == "synthetic":
        return obj
    import polars as pl

    rows = data.metrics.per_report.filter(pl.col("report_id") == obj.report_id)
    return rows.row(0, named=True)


def _flags(data: LessonData, source: str, code: str | None = None) -> list[Any]:
    report = _source(data, source)[1]
    return [f for f in report.flags if code is None or f.code == code]


def _pefa(data: LessonData, agency: str, indicator: str, basis: str = "budget") -> dict[str, Any]:
    import polars as pl

    from fiscal_eval.metrics.execution import pefa_pi1, pefa_pi2_1

    if indicator == "PI-2.1":
        frame = pefa_pi2_1(pi2_example())
    elif basis == "budget":
        frame = data.metrics.pefa_pi1
    else:  # NOTE: the mistake of scoring outturn against what arrived, not the approved budget
        reports = data.tables.reports.filter(pl.col("agency") == agency)
        frame = pefa_pi1(reports.with_columns(pl.col("available_yuan").alias("budget_yuan")))
    return frame.filter(pl.col("agency") == agency).row(0, named=True)


def _recipe_pefa(data: LessonData, agency: str, indicator: str = "PI-1", what: str = "grade",
                 basis: str = "budget", year: int | None = None) -> Any:
    row = _pefa(data, agency, indicator, basis)
    values = dict(zip((str(y) for y in row["pefa_years"]), row["pefa_values"]))
    if what == "grade":
        return row["pefa_grade"]
    return values if year is None else values[str(year)]


def _recipe_yoy(data: LessonData, source: str, column: str) -> float:
    import polars as pl

    report_id = _per_report(data, source)["report_id"]
    return data.metrics.yoy.filter(pl.col("report_id") == report_id)[column].item()


def _recipe_agency_flag_years(data: LessonData, agency: str, severity: str) -> set[int]:
    import polars as pl

    flags = flags_by_year(data.tables, agency)
    return set(flags.filter(pl.col("severity") == severity)["year"].to_list())


def _recipe_recurring_years(data: LessonData, agency: str) -> set[int]:
    years = of_agency(data.metrics.recurring_problems, agency)["years"].to_list()
    return {y for group in years for y in group}


def _recipe_grade_for(data: LessonData, source: str, grade_scale: str) -> str | None:
    from fiscal_eval.metrics.grading import scale

    report = _source(data, source)[1]
    chosen = report.grade_scale if grade_scale == "printed" else scale(grade_scale)
    return chosen.grade_for(report.score)


def _recipe_grade_mismatches(data: LessonData) -> set[str]:
    from fiscal_eval.metrics.grading import check_grade

    return {n for n, r in data.samples.items() if check_grade(r.score, r.grade, r.grade_scale).ok is False}


def _recipe_flag_numbers(data: LessonData, source: str, code: str) -> set[float]:
    return {float(_NUMBER_WORD.match(v).group()) for f in _flags(data, source, code)
            for v in (f.reported, f.expected) if v and _NUMBER_WORD.match(v)}


_RECIPES: dict[str, Callable[..., Any]] = {
    # a Report attribute of a sample, or a column of a synthetic report's per_report row
    "field": lambda d, source, name: (getattr(_source(d, source)[1], name) if source.startswith("sample:")
                                      else _source(d, source)[1][name]),
    "published_year": lambda d, source: int(_source(d, source)[1].published_date[:4]),
    # a column of metrics.per_report (execution rates, MoF points, balance …)
    "metric": lambda d, source, column: _per_report(d, source)[column],
    "samples_without": lambda d, name: {n for n, r in d.samples.items() if getattr(r, name) is None},
    "indicator_sum": lambda d, source, what="points": indicator_totals(_source(d, source)[1])[what],
    "section_points": lambda d, source: section_points(_source(d, source)[1]),
    "stated_subtotals": lambda d, source: {s.label: s.points for s in _source(d, source)[1].subtotals},
    "grade_for": _recipe_grade_for,
    "grade_mismatches": _recipe_grade_mismatches,
    "flag_codes": lambda d, source: {f.code for f in _flags(d, source)},
    # the subjects of a code's flags: "subtotal:投入" -> "投入"
    "flag_subjects": lambda d, source, code: {f.field.split(":", 1)[-1] for f in _flags(d, source, code)},
    "flag_numbers": _recipe_flag_numbers,
    "flag_expected": lambda d, source, code: _flags(d, source, code)[0].expected,
    "flag_reported": lambda d, source, code: _flags(d, source, code)[0].reported,
    "formula": lambda d, source, label: next(r.formula for r in _source(d, source)[1].rates if r.label == label),
    "arithmetic": lambda d, source, label: recompute(_source(d, source)[1], label),
    "pefa": _recipe_pefa,
    "yoy": _recipe_yoy,
    "recurring_years": _recipe_recurring_years,
    "agency_flag_years": _recipe_agency_flag_years,
}


def _post(value: Any, spec: Mapping[str, Any]) -> Any:
    """The key's post-processing of a derived number: ``scale``, ``cap``, ``round``, ``trunc``."""
    if "scale" in spec:
        value = value * spec["scale"]
    if "cap" in spec:
        value = min(value, spec["cap"])
    if "round" in spec:
        value = round(value, spec["round"])
    if "trunc" in spec:
        factor = 10 ** spec["trunc"]
        value = math.trunc(value * factor) / factor
    return value


def derive(spec: Mapping[str, Any], data: LessonData) -> Any:
    """Compute a key value from the data with the library, as ``spec`` (a key's
    ``derive`` table: ``recipe`` and its arguments, then ``scale``/``cap``/``round``/
    ``trunc``) says: ``{"recipe": "metric", "source": "sample:000", "column":
    "execution_rate_available"}`` is 000's spent ÷ available as ``metrics.per_report``
    has it. The recipes are :data:`_RECIPES`; sources are ``"sample:NNN"`` and
    ``"synthetic:AGENCY:YEAR"``.
    """
    args = {k: v for k, v in spec.items() if k not in ("recipe", "scale", "cap", "round", "trunc")}
    recipe = _RECIPES.get(spec["recipe"])
    if recipe is None:
        raise FiscalEvalError(f"unknown derive recipe {spec['recipe']!r}; known: {', '.join(_RECIPES)}")
    return _post(recipe(data, **args), spec)


def verify_key(data: LessonData) -> list[str]:
    """Every disagreement between the key and what the library derives from ``data``:
    an expected value (or a mistake's value) that a student answering with the derived
    figure would not get marked as it should, a mistake that equals the answer, a hint
    that gives the answer away, or a solution that :func:`check` would not accept.
    Empty when the key is sound."""
    problems: list[str] = []
    for ex in _key()["exercises"].values():
        if ex.derive is None:
            problems.append(f"{ex.id}: no derive (every key entry must say how the library computes it)")
        else:
            try:
                got = derive(ex.derive, data)
            except Exception as exc:  # NOTE: collect all problems, do not stop at the first
                problems.append(f"{ex.id}: derive failed: {type(exc).__name__}: {exc}")
            else:
                feedback = check(ex.id, got)
                if feedback.verdict != "correct":
                    problems.append(f"{ex.id}: key says {_show(_expected(ex))}, library derives {_show(got)}")
        if check(ex.id, solution(ex.id)).verdict != "correct":
            problems.append(f"{ex.id}: check() does not accept solution()")
        expected = _expected(ex)
        for mistake in ex.mistakes:
            value = _mistake_value(ex, mistake)
            if _same(ex, value, expected, _mistake_tol(ex, mistake, value)):
                problems.append(f"{ex.id}: mistake {mistake.kind} ({_show(value)}) is indistinguishable from the answer")
            if mistake.derive is not None:
                try:
                    got = derive(mistake.derive, data)
                except Exception as exc:
                    problems.append(f"{ex.id}: mistake derive failed: {type(exc).__name__}: {exc}")
                    continue
                as_read = _read(ex, got)
                if not _same(ex, as_read, value, max(ex.tol, 1e-9)):
                    problems.append(f"{ex.id}: mistake value {_show(value)}, library derives {_show(got)}")
        for text in [ex.asks, ex.unit, ex.hint, *(m.hint for m in ex.mistakes)]:
            if _reveals(ex, text):
                problems.append(f"{ex.id}: gives the answer away: {text!r}")
    return problems


def _reveals(ex: Exercise, hint: str) -> bool:
    """Whether ``hint`` contains the expected value (as a number in any usual form, or as
    the word / element itself)."""
    expected = _expected(ex)
    if ex.type == "number":
        targets = [expected]
    elif ex.type == "dict":
        targets = [v for v in expected.values() if isinstance(v, float)]
        words = [v for v in expected.values() if isinstance(v, str)]
        if any(w and w in hint for w in words):
            return True
    elif ex.type == "set":
        targets = [float(v) for v in expected if _PLAIN_NUMBER.fullmatch(v)]
        if any(not _PLAIN_NUMBER.fullmatch(v) and v in _text(hint) for v in expected):
            return True
    else:
        word = _text(expected)
        if len(word) <= 2 and word.isascii():  # a letter grade: as a word of its own
            folded = unicodedata.normalize("NFKC", hint).casefold()
            return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", folded) is not None
        return word in _text(hint)
    # NOTE: a document number (财预〔2020〕10号) names a rule, it is not a figure
    numbers = [float(n) for n in _NUMBER_WORD.findall(_DOCUMENT_NUMBER.sub("", hint).replace(",", ""))]
    for target in targets:
        for form in (target, target * 100, target / 1e4, target * 1e4):
            if form != 0 and any(abs(n - form) <= max(1e-9, 0.005 * abs(form)) for n in numbers):
                return True
    return False
