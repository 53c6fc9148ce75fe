"""Issue 15's small things on the command line: controls in file names and document
text are escaped on the terminal; ``parse --json`` streams."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiscal_eval
from fiscal_eval import cli
from fiscal_eval.model import Report

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
ESC = "\x1b]0;owned\x07\x1b[31m"  # sets the window title, then turns the screen red


def _report(source: str, status: str = "ok", **fields: object) -> Report:
    errors = tuple(fields.pop("errors", ()))  # type: ignore[arg-type]
    return Report(source=source, report_id="x", source_format="text", status=status,  # type: ignore[arg-type]
                  errors=errors, text="", **fields)  # type: ignore[arg-type]


def test_table_mode_escapes_controls_in_names_and_document_text(monkeypatch):
    odd = _report(f"a{ESC}.txt", status="partial", agency=f"甲{ESC}局\u202e乙", errors=(f"a{ESC}.txt: missing x",))
    monkeypatch.setattr(cli, "parse_paths", lambda paths: [odd])
    result = runner.invoke(cli.app, ["parse", "x"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b[31m" in result.stdout and "甲" in result.stdout and "\\u202e" in result.stdout


def test_error_lines_escape_controls(tmp_path):
    missing = tmp_path / f"no{ESC}such.txt"
    result = runner.invoke(cli.app, ["parse", str(missing)])
    assert result.exit_code == 2
    error = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "\\x1b]0;owned\\x07" in error[0] and "\x1b" not in result.stderr

    audit = runner.invoke(cli.app, ["audit", str(missing)])
    assert "\x1b" not in audit.stdout + audit.stderr and "\\x1b" in audit.stdout


def test_error_lines_of_the_library_escape_controls(monkeypatch):
    def boom(paths):
        raise fiscal_eval.FiscalEvalError(f"cannot read {ESC}")

    monkeypatch.setattr(cli, "parse_paths", boom)
    result = runner.invoke(cli.app, ["parse", "x"])
    assert result.exit_code == 2 and result.stderr.startswith("error: cannot read \\x1b]0;owned")


def test_json_stays_valid_and_holds_the_text_as_it_is(monkeypatch):
    odd = _report(f"a{ESC}.txt", agency="甲\x85局\u202e乙")
    monkeypatch.setattr(cli, "iter_reports", lambda paths: iter([odd]))
    result = runner.invoke(cli.app, ["parse", "x", "--json"])
    (line,) = result.stdout.splitlines()
    assert "\x1b" not in line and "\x85" not in line and "\u202e" not in line
    obj = json.loads(line)
    assert (obj["source"], obj["agency"]) == (f"a{ESC}.txt", "甲\x85局\u202e乙")


def test_parse_json_writes_each_report_before_the_next_is_read(monkeypatch):
    alive: list[weakref.ref] = []
    written: list[int] = []

    def reports(paths) -> Iterator[Report]:
        for i in range(50):
            gc.collect()
            # every earlier report has been written, and none but the last is held any more
            # (the loops' variables hold the last until the next one comes)
            assert len(written) == i
            assert all(ref() is None for ref in alive[:-1]), f"report {i}: earlier reports are still held"
            report = _report(f"r{i}.txt", agency=f"单位{i}")
            alive.append(weakref.ref(report))
            yield report

    monkeypatch.setattr(cli, "iter_reports", reports)
    real_echo = cli.typer.echo

    def echo(message=None, *args, **kw):
        if not kw.get("err"):
            written.append(1)
        return real_echo(message, *args, **kw)

    monkeypatch.setattr(cli.typer, "echo", echo)
    result = runner.invoke(cli.app, ["parse", "x", "--json"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["agency"] for line in result.stdout.splitlines()] == [f"单位{i}" for i in range(50)]
    assert "50 files: 50 ok, 0 partial, 0 failed" in result.stderr


def test_parse_json_output_is_what_it_was():
    result = runner.invoke(cli.app, ["parse", str(SAMPLES), "--json"])
    assert result.exit_code == 0, result.output
    expected = [json.dumps(r.to_dict(), ensure_ascii=False) for r in fiscal_eval.parse_paths([SAMPLES])]
    assert result.stdout.splitlines() == expected
    assert json.loads(result.stdout.splitlines()[0])["execution_rate_reported"] == 0.8461


@pytest.mark.parametrize("strict, code", [(False, 0), (True, 1)])
def test_parse_json_streams_and_still_exits_as_before(monkeypatch, strict, code):
    monkeypatch.setattr(cli, "iter_reports", lambda paths: iter([_report("a.txt"), _report("b.txt", status="partial")]))
    result = runner.invoke(cli.app, ["parse", "x", "--json", *(["--strict"] if strict else [])])
    assert result.exit_code == code
