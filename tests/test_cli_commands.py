"""The CLI commands run for real (no mocks): audit, synth, ingest, bench."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fiscal_eval import bench
from fiscal_eval.cli import app

runner = CliRunner()
SAMPLE_000 = "data/samples/000_8f7748dd4a7239a6.txt"


def test_audit_prints_flags_with_their_sentences():
    result = runner.invoke(app, ["audit", SAMPLE_000])
    assert result.exit_code == 0, result.output
    assert "rate_mismatch" in result.output and "84.61%" in result.output
    assert "预算执行率为84.61%" in result.output  # the sentence the figure came from
    assert "conflicting_values" in result.output
    assert result.output.strip().endswith("1 file: 2 flags")


def test_audit_json():
    result = runner.invoke(app, ["audit", "--json", "data/samples/003_0aae5738ae055c76.txt"])
    assert result.exit_code == 0
    row = json.loads(result.output.splitlines()[0])
    assert [f["code"] for f in row["flags"]] == ["formula_error"]
    assert row["flags"][0]["expected"] == "(3)÷(1)"
    assert "(6)=(3) ÷ (2)" in row["flags"][0]["sentence"]


def test_parse_json_carries_flags():
    result = runner.invoke(app, ["parse", "--json", SAMPLE_000])
    row = json.loads(result.output.splitlines()[0])
    assert sorted(f["code"] for f in row["flags"]) == ["conflicting_values", "rate_mismatch"]


def test_synth_then_ingest(tmp_path):
    out, store = tmp_path / "syn", tmp_path / "store"
    result = runner.invoke(app, ["synth", "--agencies", "3", "--years", "2", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 synthetic reports" in result.output
    assert len(list((out / "reports").glob("*.txt"))) == 6 and (out / "truth.jsonl").exists()
    result = runner.invoke(app, ["ingest", str(out / "reports"), "data/samples", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("11 files: 11 parsed")


def test_bench_figures(tmp_path):
    figures = bench.run(40, rss_reports=0, metrics_rows=4_000, jobs=2, workdir=tmp_path, pdf_reports=0,
                        compilation_mb=(0.05, 0.2), portfolio_reports=0, national_reports=0)
    for key in ("parse_reports_per_s", "ingest_reports_per_s", "reingest_speedup",
                "parse_vs_floor", "metrics_1m_s", "metrics_1m_tables_s", "metrics_1m_full_s",
                "metrics_1m_full_peak_mb"):
        assert figures[key] > 0, key
    assert figures["reports"] == 40 and figures["metrics_rows"] == 4_000
    # The re-ingest's metrics and the full recompute's, each figure of this run: their quotient.
    assert figures["metrics_1m_incremental_vs_full"] == pytest.approx(
        figures["metrics_1m_s"] / figures["metrics_1m_full_s"], rel=0.05, abs=0.01)
    # Parsing does more than the floor's one scan; the ratio is its two sides' quotient.
    assert figures["parse_us_per_report"] > figures["floor_us_per_report"] > 0
    ratio = figures["parse_us_per_report"] / figures["floor_us_per_report"]
    assert ratio == pytest.approx(figures["parse_vs_floor"], rel=0.05)
    # The compilation at two sizes: four times the bytes, split into four times the reports.
    small, large = figures["compilation"]["0.05MB"], figures["compilation"]["0.2MB"]
    assert figures["compilation"]["bytes_ratio"] == pytest.approx(4, rel=0.1)
    assert large["reports"] == pytest.approx(4 * small["reports"], rel=0.1) and small["reports"] >= 10
    # cpu_s is rounded to the millisecond: the ratio of the rounded figures agrees to 5 %
    # (the small test sizes take tens of milliseconds).
    assert figures["compilation"]["size_ratio"] == pytest.approx(large["cpu_s"] / small["cpu_s"], rel=0.05, abs=0.1)


@pytest.mark.parametrize("command", ["parse", "audit"])
def test_a_named_empty_folder_is_an_error(tmp_path: Path, command: str) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, [command, str(tmp_path / "empty"), SAMPLE_000])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'empty'}: folder holds no input files (hidden files are skipped)"
    ]
    assert "Traceback" not in result.output
    assert "000_8f7748dd4a7239a6.txt" in result.stdout  # the other inputs are still reported


@pytest.mark.parametrize("command", ["parse", "audit"])
def test_a_named_path_that_does_not_exist_is_an_error(tmp_path: Path, command: str) -> None:
    """A mistyped path (data/sampels) exits 2, as ingest does; the other inputs are still reported."""
    missing = tmp_path / "sampels"
    result = runner.invoke(app, [command, str(missing), SAMPLE_000])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [f"error: {missing}: file not found"]
    assert "000_8f7748dd4a7239a6.txt" in result.stdout
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["parse", "audit"])
def test_a_named_empty_folder_with_a_non_utf8_name_is_an_error(tmp_path: Path, command: str) -> None:
    # The report names the folder as \xff (display_path); the command must still know it.
    os.mkdir(os.fsencode(tmp_path) + b"/\xff-empty")
    result = runner.invoke(app, [command, os.fsdecode(os.fsencode(tmp_path) + b"/\xff-empty")])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {tmp_path}/\\xff-empty: folder holds no input files (hidden files are skipped)"
    )


def test_parse_lists_a_fifo_and_a_symlink_loop_as_failed(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    os.symlink("loop", tmp_path / "loop")
    (tmp_path / "r.txt").write_bytes(Path(SAMPLE_000).read_bytes())
    result = runner.invoke(app, ["parse", str(tmp_path), "--json"])  # returns: the FIFO is never opened
    assert result.exit_code == 0, result.output
    rows = {Path(row["source"]).name: row for row in map(json.loads, result.stdout.splitlines())}
    assert {name: row["status"] for name, row in rows.items()} == {"loop": "failed", "pipe": "failed", "r.txt": "ok"}
    assert "3 files: 1 ok, 0 partial, 2 failed" in result.stderr


def test_parse_shows_a_non_utf8_file_name_escaped(tmp_path: Path) -> None:
    with open(os.fsencode(tmp_path) + b"/\xff\xfe.txt", "wb") as handle:
        handle.write(Path(SAMPLE_000).read_bytes())
    result = runner.invoke(app, ["parse", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = map(json.loads, result.stdout.splitlines())
    assert (row["source"], row["status"]) == (f"{tmp_path}/\\xff\\xfe.txt", "ok")
    table = runner.invoke(app, ["audit", str(tmp_path)])
    assert table.exit_code == 0, table.output
    assert "\\xff\\xfe.txt" in table.stdout
