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
:func:`fiscal_eval.teaching.key.verify_key` recomputes them all.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any, Literal

from fiscal_eval.errors import FiscalEvalError

__all__ = ["Verdict", "Feedback", "Mistake", "Exercise", "CORPUS", "check", "solution", "exercise", "exercises",
           "after", "answered", "Withheld"]

Verdict = Literal["correct", "close", "wrong", "unanswered"]
ExerciseType = Literal["number", "text", "grade", "set", "dict"]

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
    text = resources.files("fiscal_eval.teaching").joinpath(_KEY_FILE).read_text("utf-8")
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
        if len(missing) == 1 and len(extra) == 1 and len(expected) > 1:  # of one element: just wrong
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
    feedback = _judge(ex, answer)
    if feedback.verdict != "unanswered":
        _ANSWERED[ex.id] = feedback.verdict
    return feedback


def _judge(ex: Exercise, answer: Any) -> Feedback:
    if answer is None or answer is Ellipsis:
        return Feedback(ex.id, "unanswered",
                        f"还没有作答 (unanswered)：{ex.asks}。把答案写进 answer = …，再运行这一格。")
    try:
        given = _read(ex, answer)
    except _Unreadable as exc:
        # The answer has the wrong shape: say which shape is asked.
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
    if _too_few_decimals(ex, given, expected, answer):
        return Feedback(ex.id, "close", f"{echo}提示 (hint)：{_PRECISION_HINT}")
    partial = _partial_hint(ex, given, expected)
    if partial is not None:
        return Feedback(ex.id, "close", f"{echo}提示 (hint)：{partial}")
    if not _shape_ok(ex, given, expected):
        form = f"答案的形式 (form)：{ex.unit}。" if ex.unit else ""
        return Feedback(ex.id, "wrong", f"{echo}{form}再读一遍题目 (re-read the question)：{ex.asks}。")
    # The form is right (a number, the right keys, words …): saying the form again would
    # tell the student nothing; the values are what is wrong.
    what = {"number": "数值", "dict": "各项的数值", "set": "选出的项", "text": "写法", "grade": "等级"}[ex.type]
    return Feedback(ex.id, "wrong",
                    f"{echo}形式对了 (the form is right)，但{what}不对 (not the right value)。"
                    f"再读一遍题目 (re-read the question)：{ex.asks}。")


_PRECISION_HINT = "你的数字四舍五入后对得上，但位数太少 (too few decimals)：多保留几位小数再作答。"


def _decimals(raw: Any) -> int | None:
    """The decimals an answer was written with (0.93 → 2), or None when unknown."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None
    text = unicodedata.normalize("NFKC", raw).replace(",", "").strip().rstrip("%") if isinstance(raw, str) \
        else repr(raw)
    if "e" in text.lower() or not _PLAIN_NUMBER.fullmatch(text.lstrip("+")):
        return None
    return len(text.split(".", 1)[1]) if "." in text else 0


def _rounds_to(raw: Any, value: float, target: float) -> bool:
    """Whether ``value`` (written as ``raw``) is ``target`` rounded or truncated to the
    decimals it was written with — and those decimals still say something (at least two
    significant digits of the target: 1 for 0.995 says nothing)."""
    d = _decimals(raw)
    if d is None or not isinstance(target, float) or target == 0:
        return False
    unit = 10.0 ** -d
    if unit > abs(target) / 10:
        return False
    rounded = round(target, d)
    truncated = math.trunc(target / unit) * unit
    return min(abs(value - rounded), abs(value - truncated)) <= unit * 1e-6


def _too_few_decimals(ex: Exercise, given: Any, expected: Any, raw: Any) -> bool:
    """A number (or each number of a dict) that is the expected value at a lower precision."""
    if ex.type == "number":
        return isinstance(given, float) and _rounds_to(raw, given, expected)
    if ex.type == "dict" and isinstance(raw, Mapping) and set(given) == set(expected):
        raws = {str(k).strip(): v for k, v in raw.items()}
        low = [k for k in expected if isinstance(expected[k], float) and isinstance(given[k], float)
               and not _same_value(ex, given[k], expected[k], ex.tol) and _rounds_to(raws[k], given[k], expected[k])]
        right = [k for k in expected if _same_value(ex, given[k], expected[k], ex.tol)]
        return bool(low) and len(low) + len(right) == len(expected)
    return False


def _shape_ok(ex: Exercise, given: Any, expected: Any) -> bool:
    """Whether the answer has the form the exercise asks for (its values aside)."""
    if ex.type == "dict":
        return set(given) == set(expected) and all(
            isinstance(given[k], float) == isinstance(expected[k], float) for k in expected)
    if ex.type == "set":
        numeric = {bool(_PLAIN_NUMBER.fullmatch(e)) for e in expected}
        return not numeric or {bool(_PLAIN_NUMBER.fullmatch(e)) for e in given} <= numeric
    return True  # a number read as a number, a word as a word


# --------------------------------------------------------------------------- after the answer

# The exercises answered in this process (a notebook's kernel), and how: what :func:`after`
# waits for. An unanswered check does not count.
_ANSWERED: dict[str, Verdict] = {}


def answered(*exercise_ids: str) -> bool:
    """Whether every one of ``exercise_ids`` has been answered (checked with an answer,
    right or wrong) in this process."""
    return all(i in _ANSWERED for i in exercise_ids)


@dataclass(frozen=True)
class Withheld:
    """What :func:`after` shows in place of the library's values until the exercises are
    answered: a note saying which."""

    exercise_ids: tuple[str, ...]

    @property
    def message(self) -> str:
        return (f"先完成练习 {'、'.join(self.exercise_ids)}，再运行这一格：这里显示库算出的结果，"
                "用来核对你自己的答案 (answer first, then run this cell to check with the library)。")

    def __repr__(self) -> str:
        return f"（{self.message}）"

    def _repr_html_(self) -> str:
        return (f'<div class="fiscal-eval-withheld" style="border-left:4px solid #90a4ae;background:#f5f7f8;'
                f'padding:0.4em 0.8em;margin:0.2em 0;color:#455a64">{escape(self.message)}</div>')


@dataclass(frozen=True)
class _Text:
    """Text shown as printed (lines kept, no quotes)."""

    text: str

    def __repr__(self) -> str:
        return self.text


def after(exercise_ids: str | Iterable[str], value: Any) -> Any:
    """The library's own values for "用库核对" (check with the library) — shown only once
    the student has answered ``exercise_ids`` in this notebook; until then a note saying
    so (:class:`Withheld`). A student's copy (nothing answered) never shows the answers; the
    teacher's copy (the solutions filled in and checked) shows them. Text is shown as
    printed.

    >>> _ANSWERED.clear()  # a fresh notebook: nothing answered yet
    >>> after("01.1", 2019)  # doctest: +ELLIPSIS
    （先完成练习 01.1，再运行这一格：这里显示库算出的结果，用来核对你自己的答案 ...）
    >>> _ = check("01.1", 2020)
    >>> after("01.1", 2019)
    2019
    """
    ids = (exercise_ids,) if isinstance(exercise_ids, str) else tuple(exercise_ids)
    for i in ids:
        exercise(i)  # an unknown id is a mistake in the notebook: KeyError
    if not answered(*ids):
        return Withheld(ids)
    return _Text(value) if isinstance(value, str) else value
