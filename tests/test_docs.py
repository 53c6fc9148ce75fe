"""docs/ tells the same story as the code: every column, every JSON key, every flag code
and every package is documented, and nothing documented is gone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fiscal_eval
from fiscal_eval import model
from fiscal_eval.metrics.audit import CODES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _tables_doc() -> dict[str, set[str]]:
    """The columns docs/tables.md lists, by table (## heading's first word)."""
    out: dict[str, set[str]] = {}
    table = None
    for line in (DOCS / "tables.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            table = line[3:].split()[0]
            out[table] = set()
        elif table and line.startswith("| ") and not line.startswith(("| column", "|---")):
            out[table] |= {c.strip() for c in line.split("|")[1].split(",")}
    return out


@pytest.mark.parametrize(("table", "columns"), [
    ("reports", model.REPORT_COLUMNS), ("fund_lines", model.FUND_LINE_COLUMNS),
    ("indicators", model.INDICATOR_COLUMNS), ("flags", model.FLAG_COLUMNS),
    ("sections", model.SECTION_COLUMNS), ("evidence", model.EVIDENCE_COLUMNS),
    ("statements", model.STATEMENT_COLUMNS), ("texts", model.TEXT_COLUMNS),
    ("manifest", model.MANIFEST_COLUMNS),
])
def test_tables_doc_lists_every_column(table: str, columns: dict[str, str]) -> None:
    assert _tables_doc()[table] == set(columns)


def test_json_contract_doc_lists_every_key() -> None:
    report = fiscal_eval.parse_file(ROOT / "data" / "samples" / "000_8f7748dd4a7239a6.txt")
    keys = set(report.to_dict())
    doc = (DOCS / "json-contract.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE))
    assert listed == keys
    assert {"report_id", "region", "synthetic"} <= listed and set(model.CONTRACT_KEYS) <= listed


def test_flags_doc_lists_every_code() -> None:
    doc = (DOCS / "flags.md").read_text(encoding="utf-8")
    assert set(re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE)) == set(CODES)


def test_module_map_names_every_package_and_module() -> None:
    doc = (DOCS / "README.md").read_text(encoding="utf-8")
    block = doc.split("```", 2)[1]
    package = ROOT / "fiscal_eval"
    tops = {p.name + "/" for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    tops |= {p.name for p in package.glob("*.py")}
    named = set(re.findall(r"^  (\S+)", block, re.MULTILINE))
    assert named == tops


def test_readme_points_into_docs_not_outside_the_clone() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme and "docs/README.md" in readme
