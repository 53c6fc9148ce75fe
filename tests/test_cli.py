"""The `fiscal-eval` CLI, with the library call patched (the CLI only wires options to it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fiscal_eval import cli
from fiscal_eval.errors import FiscalEvalError, ReadError
from fiscal_eval.model import CONTRACT_KEYS, Flag, Indicator, Report

runner = CliRunner()


def _report(source: str, status: str = "ok", **fields: object) -> Report:
    errors = tuple(fields.pop("errors", ()))  # type: ignore[arg-type]
    return Report(
        source=source,
        report_id=f"id-{Path(source).name}",
        source_format="text",
        status=status,  # type: ignore[arg-type]
        errors=errors,
        text="",
        **fields,  # type: ignore[arg-type]
    )


OK = _report(
    "data/samples/000_8f7748dd4a7239a6.txt",
    agency="中共保山市委网信办",
    year=2019,
    kind="project",
    budget_yuan=710_000.0,
    available_yuan=710_000.0,
    spent_yuan=600_651.81,
    execution_rate_reported=0.8461,
    score=97.46,
    grade="优秀",
    indicators=(Indicator("产出", "数量", "单位数", 10.0, 9.5, (0, 3)),),
    flags=(Flag("rate_mismatch", "warning", "execution_rate", "84.61% vs 84.60%"),),
)
OK2 = _report(
    "data/samples/004_45e604a4b21bbf7f.txt",
    agency="保靖县电子政务办公室",
    year=2019,
    kind="department",
    score=98.0,
)
PARTIAL = _report(
    "data/samples/002_557ccedee4deabea.txt",
    status="partial",
    agency="开远市人民政府大数据研究中心",
    errors=("no score stated", "no grade stated"),
)
FAILED = _report("missing.txt", status="failed", errors=("missing.txt: no such file",))


@pytest.fixture
def fake_parse(monkeypatch: pytest.MonkeyPatch):
    """Patch the library call; returns the list of argument lists it was called with."""
    calls: list[list[object]] = []

    def install(reports: list[Report]) -> list[list[object]]:
        def fake(paths: list[object]) -> list[Report]:
            calls.append(list(paths))
            return list(reports)

        monkeypatch.setattr(cli, "parse_paths", fake)
        monkeypatch.setattr(cli, "iter_reports", lambda paths: iter(fake(paths)))  # parse --json streams
        return calls

    return install


def test_json_emits_one_contract_object_per_line(fake_parse) -> None:
    calls = fake_parse([OK, PARTIAL, FAILED])
    result = runner.invoke(cli.app, ["parse", "data/samples", "missing.txt", "--json"])
    assert result.exit_code == 2, result.output  # missing.txt, named, does not exist: after every row
    assert calls == [["data/samples", "missing.txt"]]  # paths passed through as given
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    objs = [json.loads(line) for line in lines]
    for obj in objs:
        assert set(CONTRACT_KEYS) <= set(obj)
    assert [o["status"] for o in objs] == ["ok", "partial", "failed"]
    assert objs[0]["agency"] == "中共保山市委网信办"
    assert objs[0]["spent_yuan"] == 600_651.81
    assert objs[0]["indicators"][0]["points"] == 9.5
    assert objs[0]["flags"][0]["code"] == "rate_mismatch"
    assert objs[2]["errors"] == ["missing.txt: no such file"]
    # Chinese is written as is, not as \u escapes.
    assert "中共保山市委网信办" in lines[0]
    # The summary goes to stderr so stdout stays pure JSON lines.
    assert "3 files: 1 ok, 1 partial, 1 failed" in result.stderr


def test_table_shows_rows_and_summary(fake_parse) -> None:
    fake_parse([OK, OK2, PARTIAL, FAILED])
    result = runner.invoke(cli.app, ["parse", "data/samples"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "000_8f7748dd4a7239a6.txt" in out
    assert "data/samples/000" not in out  # basename only
    assert "中共保山市委网信办" in out
    assert "开远市人民政府大数据研究中心" in out
    assert "71.00" in out  # budget 710 000 元 in 万元
    assert "60.07" in out  # spent 600 651.81 元 in 万元
    assert "84.61%" in out
    assert "97.46" in out
    assert "优秀" in out
    assert "no score stated; no grade stated" in out
    assert out.rstrip().splitlines()[-1] == "4 files: 2 ok, 1 partial, 1 failed"


def test_table_shows_document_text_literally(fake_parse) -> None:
    odd = _report("x.txt", agency="[bold]甲单位[/bold] :smile:", errors=("[Errno 2] x",))
    fake_parse([odd])
    result = runner.invoke(cli.app, ["parse", "x.txt"])
    assert result.exit_code == 0, result.output
    assert "[bold]甲单位[/bold] :smile:" in result.stdout
    assert "[Errno 2] x" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "1 file: 1 ok, 0 partial, 0 failed"


@pytest.mark.parametrize(
    ("reports", "strict", "code"),
    [
        ([OK, OK2], True, 0),
        ([OK, PARTIAL], True, 1),
        ([OK, FAILED], True, 1),
        ([OK, PARTIAL, FAILED], False, 0),  # failed inputs are rows, not errors
    ],
)
def test_strict_exit_codes(fake_parse, reports, strict, code) -> None:
    fake_parse(reports)
    args = ["parse", "data/samples", "--json"] + (["--strict"] if strict else [])
    result = runner.invoke(cli.app, args)
    assert result.exit_code == code, result.output
    assert len(result.stdout.splitlines()) == len(reports)


@pytest.mark.parametrize(
    "exc", [FiscalEvalError("store is locked"), ReadError("a.txt", "store is locked")]
)
def test_library_error_exits_2_without_traceback(monkeypatch, exc) -> None:
    def boom(paths):
        raise exc

    monkeypatch.setattr(cli, "parse_paths", boom)
    result = runner.invoke(cli.app, ["parse", "a.txt"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "store is locked" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_unexpected_error_exits_3_without_traceback(monkeypatch) -> None:
    def boom(paths):
        raise KeyError("oops")

    monkeypatch.setattr(cli, "parse_paths", boom)
    monkeypatch.delenv("FISCAL_EVAL_DEBUG", raising=False)
    result = runner.invoke(cli.app, ["parse", "a.txt"])
    assert result.exit_code == 3
    assert "internal error (KeyError" in result.stderr
    assert "Traceback" not in result.output


def test_parse_needs_a_path() -> None:
    result = runner.invoke(cli.app, ["parse"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_version() -> None:
    result = runner.invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("fiscal-eval ")
    assert len(result.stdout.split()) >= 2
