"""`fiscal_eval.evaluate` and `fiscal-eval eval`: a parse scored against a labels file.

Exact counts on a hand-made labels file over tiny texts written here (every outcome
class, missing files and bad entries), the command's exit codes and JSON, and the shared
real corpus counted a second, independent way.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import opencc
import pytest
from typer.testing import CliRunner

import fiscal_eval
from fiscal_eval import cli
from fiscal_eval.errors import FiscalEvalError, LabelsError
from fiscal_eval.evaluation import FIELDS, OUTCOMES, evaluate, same, selected

runner = CliRunner()

REPORT = (
    "某某县林业局2020年度项目支出绩效自评报告\n"
    "一、项目基本情况\n"
    "项目名称：护林员补助。2020年预算安排资金100万元，实际支出90万元，预算执行率为90%。\n"
    "二、自评结论\n"
    "自评得分95分。\n"
)
# Not a report (parses as failed): every label stated for it is missed. The escape
# sequence and the bidi override stand for hostile text reaching the terminal.
NOT_A_REPORT = "天气很好。" * 60 + "大家一共\x1b[2J\u202e花了100万元买东西。"

# a.txt: found ×6 (agency: only whitespace differs; budget 0.4 yuan off; rate 4e-5 off),
# wrong ×1 (spent), missed ×1 (grade), invented ×1 (score), null_ok ×1 (available).
A = {"source": "a.txt", "agency": "某某县 林业局", "year": 2020, "kind": "project",
     "project_name": "护林员补助", "budget_yuan": 1_000_000.4, "available_yuan": None,
     "spent_yuan": 800_000, "execution_rate_reported": 0.90004, "score": None, "grade": "优秀",
     "notes": "hand-made"}
# b.txt: missed ×1 (budget, its sentence found in the text), null_ok ×2.
B = {"source": "b.txt", "budget_yuan": 1_000_000, "score": None, "grade": None, "budget": 1}
LABELS = [
    A,
    B,
    {"source": "c.txt", "year": 2020},  # no such file
    {"source": "a.txt", "year": 2021},  # named twice
    {"source": "d.txt", "budget_yuan": "100万"},  # not a number
    {"agency": "无文件名"},  # no source
    "not an object",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(REPORT, "utf-8")
    (tmp_path / "b.txt").write_text(NOT_A_REPORT, "utf-8")
    (tmp_path / "d.txt").write_text(REPORT, "utf-8")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps(LABELS, ensure_ascii=False), "utf-8")
    return labels


def _row(ev, field: str) -> dict:
    return ev.by_field.filter(ev.by_field["field"] == field).row(0, named=True)


def test_every_outcome_counted_exactly(corpus: Path) -> None:
    ev = evaluate(corpus)
    assert ev.totals == {"stated": 9, "found": 6, "missed": 2, "wrong": 1, "nulls": 4,
                         "invented": 1, "null_ok": 3, "found_rate": 6 / 9, "invented_rate": 1 / 4}
    outcomes = {(c["source"], c["field"]): c["outcome"] for c in ev.cases.iter_rows(named=True)}
    assert outcomes == {
        ("a.txt", "agency"): "found", ("a.txt", "year"): "found", ("a.txt", "kind"): "found",
        ("a.txt", "project_name"): "found", ("a.txt", "budget_yuan"): "found",
        ("a.txt", "available_yuan"): "null_ok", ("a.txt", "spent_yuan"): "wrong",
        ("a.txt", "execution_rate_reported"): "found", ("a.txt", "score"): "invented",
        ("a.txt", "grade"): "missed",
        ("b.txt", "budget_yuan"): "missed", ("b.txt", "score"): "null_ok", ("b.txt", "grade"): "null_ok",
    }
    assert _row(ev, "budget_yuan") == {
        "field": "budget_yuan", "stated": 2, "found": 1, "missed": 1, "wrong": 0, "nulls": 0,
        "invented": 0, "null_ok": 0, "found_rate": 0.5, "invented_rate": None}
    assert _row(ev, "score")["invented"] == 1 and _row(ev, "score")["nulls"] == 2
    assert _row(ev, "grade")["stated"] == 1 and _row(ev, "grade")["null_ok"] == 1
    assert ev.by_field["field"].to_list() == list(FIELDS)
    assert ev.ignored_keys == ("budget",)  # a misspelt field is shown, not silently scored


def test_each_case_carries_its_sentences(corpus: Path) -> None:
    ev = evaluate(corpus)
    case = {(c["source"], c["field"]): c for c in ev.cases.iter_rows(named=True)}
    invented = case["a.txt", "score"]
    assert (invented["returned"], invented["sentence"]) == ("95", "自评得分95分。")
    wrong = case["a.txt", "spent_yuan"]
    assert (wrong["label"], wrong["returned"]) == ("800000", "900000")
    assert "实际支出90万元" in wrong["sentence"]
    assert wrong["label_sentence"] is None  # 80万 is nowhere in the text
    missed = case["b.txt", "budget_yuan"]
    assert missed["returned"] is None and missed["sentence"] is None
    assert missed["label_sentence"] == "大家一共\x1b[2J\u202e花了100万元买东西。"
    assert case["a.txt", "agency"]["sentence"].startswith("某某县林业局2020年度")


def test_values_counted_by_what_they_were_read_from(corpus: Path) -> None:
    ev = evaluate(corpus)
    basis = {(c["field"], c["outcome"]): c["basis"] for c in ev.cases.iter_rows(named=True)
             if c["source"] == "a.txt"}
    # a value returned says what it was read from; a null returned has no basis
    assert basis["agency", "found"] == "标题" and basis["project_name", "found"] == "项目名称"
    assert basis["budget_yuan", "found"] == "“预算安排”" and basis["spent_yuan", "wrong"] == "“实际支出”"
    assert basis["score", "invented"] == "自评得分" and basis["grade", "missed"] is None
    assert ev.by_basis.rows() == [
        ("agency", "标题", 1, 1, 0, 0, 1.0), ("year", "标题", 1, 1, 0, 0, 1.0), ("kind", "标题", 1, 1, 0, 0, 1.0),
        ("project_name", "项目名称", 1, 1, 0, 0, 1.0), ("budget_yuan", "“预算安排”", 1, 1, 0, 0, 1.0),
        ("spent_yuan", "“实际支出”", 1, 0, 1, 0, 0.0), ("execution_rate_reported", "预算执行率", 1, 1, 0, 0, 1.0),
        ("score", "自评得分", 1, 0, 0, 1, 0.0)]
    result = runner.invoke(cli.app, ["eval", str(corpus), "--by-basis"])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "“实际支出”" in line)
    assert [c.strip() for c in row.split("│")[3:8]] == ["1", "0", "1", "0", "0.00%"]


def test_missing_files_and_bad_entries_are_rows(corpus: Path) -> None:
    ev = evaluate(corpus)
    files = {(r["source"], r["status"]): r["error"] for r in ev.files.iter_rows(named=True)}
    assert set(files) == {("a.txt", "ok"), ("b.txt", "failed"), ("c.txt", "missing"),
                          ("a.txt", "invalid"), ("d.txt", "invalid"), ("#6", "invalid"),
                          ("#7", "invalid")}
    assert "不存在" in files["c.txt", "missing"]
    assert "budget_yuan" in files["d.txt", "invalid"] and "'100万'" in files["d.txt", "invalid"]
    assert "不止一次" in files["a.txt", "invalid"]
    assert ev.problems.height == 5
    # Rows not scored add no case: c.txt's year and the second a.txt's are not counted.
    assert ev.cases.filter(ev.cases["field"] == "year").height == 1


@pytest.mark.parametrize(
    ("only", "sources"),
    [("a", {"a.txt"}), (["b", "c"], {"b.txt", "c.txt"}), ("[ab].txt", {"a.txt", "b.txt"}), ("*.txt", None)],
)
def test_only_selects_by_prefix_or_glob(corpus: Path, only, sources) -> None:
    ev = evaluate(corpus, only=only)
    named = set(ev.files["source"].to_list()) - {"#6", "#7"}
    assert named == (sources or {"a.txt", "b.txt", "c.txt", "d.txt"})


def test_only_prefix_and_glob_rules() -> None:
    assert selected("n001.txt", ["n"]) and not selected("e001.txt", ["n"])
    assert selected("n001.txt", ["n00?.txt"]) and not selected("n010.txt", ["n00?.txt"])
    assert selected("x.txt", [])


def test_root_and_loaded_entries(corpus: Path, tmp_path: Path) -> None:
    ev = evaluate([A], root=tmp_path)
    assert ev.totals["found"] == 6 and ev.labels == "<labels>"
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    (elsewhere / "labels.json").write_text(json.dumps([A]), "utf-8")
    assert evaluate(elsewhere / "labels.json").files["status"].to_list() == ["missing"]
    assert evaluate(elsewhere / "labels.json", root=tmp_path).files["status"].to_list() == ["ok"]


@pytest.mark.parametrize("content", ["{not json", '{"source": "a.txt"}', "[]", b"\xff\xfe\x00"])
def test_unreadable_labels_raise_labels_error(tmp_path: Path, content) -> None:
    path = tmp_path / "labels.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(LabelsError):
        evaluate(path)
    with pytest.raises(FiscalEvalError):  # the one root
        evaluate(tmp_path / "nope.json")


def test_a_selection_of_nothing_is_an_error(corpus: Path) -> None:
    with pytest.raises(LabelsError, match="zz"):
        evaluate(corpus, only="zz")


@pytest.mark.parametrize(
    ("field", "label", "returned", "equal"),
    [
        ("budget_yuan", 1_000_000, 1_000_000.5, True),
        ("budget_yuan", 1_000_000, 1_000_000.51, False),
        ("budget_yuan", 1e11, 1e11 + 99, True),  # relative 1e-9 of 1e11 is 100 yuan
        ("budget_yuan", 1e11, 1e11 + 101, False),
        ("execution_rate_reported", 0.8461, 0.84614, True),
        ("execution_rate_reported", 0.8461, 0.84616, False),
        ("score", 97.46, 97.464, True),
        ("score", 97.46, 97.466, False),
        ("year", 2020, 2020, True),
        ("year", 2020, 2021, False),
        ("agency", "ＡＢ 局\u3000", "AB局", True),  # NFKC folds full-width; whitespace ignored
        ("grade", "优秀", "良好", False),
        ("grade", None, None, True),
        ("grade", "优秀", None, False),
    ],
)
def test_same(field, label, returned, equal) -> None:
    assert same(field, label, returned) is equal


def test_to_dict_keeps_types_and_to_pandas(corpus: Path) -> None:
    ev = evaluate(corpus)
    out = json.loads(json.dumps(ev.to_dict()))
    assert set(out) == {"labels", "root", "only", "totals", "fields", "files", "cases", "by_basis", "ignored_keys"}
    spent = next(c for c in out["cases"] if c["source"] == "a.txt" and c["field"] == "spent_yuan")
    assert (spent["label"], spent["returned"]) == (800000, 900000)
    rate = next(c for c in out["cases"] if c["field"] == "execution_rate_reported")
    assert rate["label"] == 0.90004 and rate["returned"] == 0.9
    assert out["fields"]["budget_yuan"]["missed"] == 1
    frames = ev.to_pandas()
    assert set(frames) == {"by_field", "by_basis", "cases", "files"} and len(frames["cases"]) == 13


# --------------------------------------------------------------------------- the command


def test_cli_table(corpus: Path) -> None:
    result = runner.invoke(cli.app, ["eval", str(corpus)])
    assert result.exit_code == 0, result.output
    total = next(line for line in result.output.splitlines() if "合计 total" in line)
    assert [c.strip() for c in total.split("│")[2:9]] == ["9", "6", "2", "1", "4", "1", "3"]
    assert "文件缺失 1，标注无效 4" in result.output
    assert "c.txt" in result.output and "budget" in result.output


def test_cli_cases_lists_non_correct_cases_with_sentences_escaped(corpus: Path) -> None:
    result = runner.invoke(cli.app, ["eval", str(corpus), "--cases"])
    assert result.exit_code == 0, result.output
    assert "不正确的个案 cases not correct: 4" in result.output
    assert "臆造 invented" in result.output and "自评得分95分。" in result.output
    assert "标注 label 100.00 万元" in result.output
    assert "大家一共\\x1b[2J\\u202e花了100万元买东西。" in result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output


def _clean(corpus: Path) -> Path:
    """Labels for a.txt and b.txt only, beside the corpus's (no bad entries)."""
    path = corpus.with_name("clean.json")
    path.write_text(json.dumps([A, B], ensure_ascii=False), "utf-8")
    return path


def test_cli_json(corpus: Path) -> None:
    result = runner.invoke(cli.app, ["eval", str(_clean(corpus)), "--json", "--only", "a", "--max-wrong", "1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"labels", "root", "only", "totals", "fields", "files", "cases",
                        "by_basis", "ignored_keys", "gate"}
    assert out["gate"] == {"min_found": None, "max_wrong": 1, "max_invented": None, "failures": []}
    assert out["totals"]["found"] == 6 and out["totals"]["stated"] == 8
    assert out["only"] == ["a"] and len(out["cases"]) == 10
    escaped = runner.invoke(cli.app, ["eval", str(corpus), "--json", "--only", "b"]).stdout
    assert "\\u001b[2J\\u202e" in escaped and "\u202e" not in escaped
    assert json.loads(escaped)["cases"][0]["label_sentence"].startswith("大家一共\x1b")


@pytest.mark.parametrize(
    ("labels", "args", "code"),
    [
        ("clean", [], 0),
        ("clean", ["--only", "a", "--min-found", "0.75", "--max-wrong", "1", "--max-invented", "1"], 0),
        ("clean", ["--only", "a", "--min-found", "0.76"], 1),
        ("clean", ["--only", "a", "--max-wrong", "0"], 1),
        ("clean", ["--only", "a", "--max-invented", "0"], 1),
        ("clean", ["--only", "b", "--min-found", "0"], 0),
        ("clean", ["--only", "zz"], 2),
        ("corpus", ["--max-invented", "5"], 1),  # a missing file or bad entry fails any gate
        ("corpus", [], 0),  # without one they are rows, not failures
    ],
)
def test_cli_exit_codes(corpus: Path, labels: str, args: list[str], code: int) -> None:
    path = _clean(corpus) if labels == "clean" else corpus
    result = runner.invoke(cli.app, ["eval", str(path), *args])
    assert result.exit_code == code, result.output
    if code == 1:
        assert "未达标 not met" in result.output


def test_cli_bad_labels_exit_2_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text("{oops", "utf-8")
    result = runner.invoke(cli.app, ["eval", str(tmp_path / "labels.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output


# --------------------------------------------------------------------------- the shared corpus

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "real"


def _independent_eq(field: str, label, got) -> bool:
    """The comparison rules written out again, apart from the module's."""
    if label is None or got is None:
        return label is got
    if field.endswith("_yuan"):
        return math.isclose(got, label, rel_tol=1e-9, abs_tol=0.5)
    if field == "execution_rate_reported":
        return abs(got - label) <= 5e-5
    if field == "score":
        return abs(got - label) <= 0.005
    if field == "year":
        return got == label

    def norm(s: str) -> str:
        # NFKC, no whitespace, no pinyin glosses (補(bǔ)), simplified characters
        s = "".join(unicodedata.normalize("NFKC", s).split())
        s = re.sub(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)", "", s)
        return opencc.OpenCC("t2s.json").convert(s)

    return norm(got) == norm(label)


@pytest.mark.skipif(not (REAL / "labels.json").is_file(), reason="../shared/corpus/real absent")
def test_shared_labels_totals_equal_an_independent_count() -> None:
    labels = json.loads((REAL / "labels.json").read_text("utf-8"))
    reports = {lab["source"]: fiscal_eval.parse_file(REAL / lab["source"]) for lab in labels}
    ev = evaluate(REAL / "labels.json", parse=lambda path: reports[path.name])
    assert ev.problems.height == 0 and ev.files.height == len(labels) == 102

    for split, prefixes in (("test", ("n",)), ("tune", ("0", "c", "e", "w"))):
        want = {f: dict.fromkeys(("stated", "found", "missed", "wrong", "nulls", "invented", "null_ok"), 0)
                for f in FIELDS}
        for lab in labels:
            if not lab["source"].startswith(prefixes):
                continue
            report = reports[lab["source"]]
            for f in FIELDS:
                label, got = lab[f], getattr(report, f)
                c = want[f]
                if label is None:
                    c["nulls"] += 1
                    c["invented" if got is not None else "null_ok"] += 1
                else:
                    c["stated"] += 1
                    c["found" if _independent_eq(f, label, got) else "missed" if got is None else "wrong"] += 1
        part = evaluate(REAL / "labels.json", only=list(prefixes), parse=lambda path: reports[path.name])
        got = {r.pop("field"): {k: r[k] for k in want["year"]} for r in part.by_field.iter_rows(named=True)}
        assert got == want, split
        assert part.totals["stated"] == sum(c["stated"] for c in want.values())
        assert part.files.height == sum(lab["source"].startswith(prefixes) for lab in labels)
        # Every returned value has its sentence (a value without one is a defect).
        returned = part.cases.filter(part.cases["returned"].is_not_null())
        assert returned["sentence"].null_count() == 0, split


def test_docs_list_every_json_key_and_outcome(corpus: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "evaluation.md").read_text("utf-8")
    result = runner.invoke(cli.app, ["eval", str(_clean(corpus)), "--json"])
    out = json.loads(result.stdout)
    listed = set(re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE))
    assert set(out) <= listed
    for key in ("totals", "files", "cases", "gate"):
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{key}` |"))
        inner = out[key] if isinstance(out[key], dict) else out[key][0]
        assert all(k in row for k in inner), key
    assert {f"`{o}`" for o in OUTCOMES} <= set(re.findall(r"`\w+`", doc))
