"""A generation's checksums and schemas: recorded at commit, verified by readers, used by
the next ingest to find what is damaged and rebuild only that.

Every Parquet file of a generation (the tables, the manifest, and any table registered
later) has an entry in ``gen-N/integrity.json``, written after them and before the
generation is renamed into place::

    {"format": 1, "tables": {"flags": {"file": "flags.parquet", "bytes": 18211,
      "sha256": "…", "columns": [["report_id", "large_string"], …],
      "row_groups": [{"span": [4, 9120], "sha256": "…", "rows": 412,
                      "ids": [4, 1290], "ids_sha256": "…"}],
      "footer": [9120, 18211], "footer_sha256": "…"}, …}}

The file's SHA-256 tells whether a table is intact; its columns whether it is this table
(a file copied over from another table has the other's columns). The row groups' byte
spans and hashes let the next ingest find *which* rows a damaged table lost: a row group
whose bytes differ while its ``report_id`` column chunk is intact names the reports to
parse again; anything worse (a damaged footer, a missing file) costs every report.

A generation written before checksums were recorded has no ``integrity.json``: it is
read as before, and the next ingest writes a new generation that has one.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from fiscal_eval.errors import StoreDamagedError
from fiscal_eval.store.generations import _EXTRA_TABLES, _MANIFEST, _TABLE_COLUMNS, _arrow_schema

__all__ = ["RECORD", "Damage", "record", "read_record", "verify", "expected_tables", "columns_of"]

RECORD = "integrity.json"
_FORMAT = 1
_ID = "report_id"


def expected_tables() -> list[str]:
    """The tables every generation holds: those of the registry, then the manifest."""
    return [*_TABLE_COLUMNS, *_EXTRA_TABLES, _MANIFEST]


def columns_of(schema: pa.Schema) -> list[list[str]]:
    """A schema as JSON can hold it: ``[[name, arrow type], …]``."""
    return [[field.name, str(field.type)] for field in schema]


def _chunk_span(column: Any) -> tuple[int, int]:
    """Byte span of one column chunk: from its dictionary page (if any) to its end."""
    start = column.data_page_offset
    if column.has_dictionary_page and column.dictionary_page_offset is not None:
        start = min(start, column.dictionary_page_offset)
    return start, start + column.total_compressed_size


def _sha(view: memoryview | bytes) -> str:
    return hashlib.sha256(view).hexdigest()


def _map(path: Path) -> tuple[mmap.mmap | None, memoryview]:
    """The file's bytes without reading them into memory (an empty file maps to b"")."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return None, memoryview(b"")
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return mapped, memoryview(mapped)


def describe(path: Path) -> dict[str, Any]:
    """The integrity entry of one Parquet file (see the module docstring)."""
    meta = pq.read_metadata(path)
    schema = meta.schema.to_arrow_schema()
    names = schema.names
    id_column = names.index(_ID) if _ID in names else None
    mapped, data = _map(path)
    try:
        groups = []
        end_of_groups = 4  # NOTE: the "PAR1" magic
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            spans = [_chunk_span(group.column(j)) for j in range(group.num_columns)]
            start, end = min(s for s, _ in spans), max(e for _, e in spans)
            end_of_groups = max(end_of_groups, end)
            entry: dict[str, Any] = {"span": [start, end], "sha256": _sha(data[start:end]), "rows": group.num_rows}
            if id_column is not None:
                ids_start, ids_end = spans[id_column]
                entry["ids"] = [ids_start, ids_end]
                entry["ids_sha256"] = _sha(data[ids_start:ids_end])
            groups.append(entry)
        described = {
            "file": path.name,
            "bytes": len(data),
            "sha256": _sha(data),
            "columns": columns_of(schema),
            "row_groups": groups,
            "footer": [end_of_groups, len(data)],
            "footer_sha256": _sha(data[end_of_groups:]),
        }
    finally:
        data.release()
        if mapped is not None:
            mapped.close()
    return described


def record(folder: Path, reuse: Mapping[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Write ``folder/integrity.json`` for every ``*.parquet`` file in ``folder``.

    ``reuse``: entries of files carried over unchanged (hard links of verified files),
    taken as they are instead of hashing the file again.
    """
    reuse = reuse or {}
    entries = {}
    for path in sorted(folder.glob("*.parquet")):
        name = path.stem
        entries[name] = reuse[name] if name in reuse else describe(path)
    document = {"format": _FORMAT, "tables": entries}
    (folder / RECORD).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return document


def read_record(folder: Path) -> dict[str, Any] | None:
    """The generation's record; None when it has none (written before checksums were).

    Raises
    ------
    StoreDamagedError
        The record exists but cannot be read or is not one.
    """
    path = folder / RECORD
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StoreDamagedError(folder.parent, folder.name, "integrity", f"{RECORD} cannot be read ({exc})") from None
    tables = document.get("tables") if isinstance(document, dict) else None
    if not isinstance(tables, dict) or not all(isinstance(e, dict) and "sha256" in e for e in tables.values()):
        raise StoreDamagedError(folder.parent, folder.name, "integrity", f"{RECORD} is not a checksum record")
    return document


@dataclass(frozen=True)
class Damage:
    """One table of a generation that is not as its commit recorded.

    Attributes
    ----------
    table : str
        The table (``flags``, ``manifest`` …), or ``integrity`` for the record itself.
    problem : str
        What is wrong, in words (``missing``, ``checksum differs`` …).
    groups : frozenset of int, optional
        Its row groups that are damaged; None when the whole file is unusable.
    ids : frozenset of str, optional
        The reports whose rows were in those groups; None when they cannot be known (the
        next ingest then parses every report again).
    """

    table: str
    problem: str
    groups: frozenset[int] | None = None
    ids: frozenset[str] | None = None


def _schema_problem(path: Path, entry: Mapping[str, Any], record_tables: Mapping[str, Any]) -> str | None:
    """How the file's columns differ from the recorded ones (another table's file …)."""
    try:
        found = columns_of(pq.read_schema(path))
    except (OSError, pa.ArrowException):
        return "unreadable (not a Parquet file, or its footer is damaged)"
    if found == entry.get("columns"):
        return None
    other = next((name for name, e in record_tables.items() if e.get("columns") == found), None)
    if other is not None:
        return f"holds the columns of table {other!r}: another table's file"
    return "its columns differ from those recorded"


def verify_table(folder: Path, name: str, entry: Mapping[str, Any], record_tables: Mapping[str, Any],
                 *, full: bool = True, localize: bool = False) -> Damage | None:
    """Check one table of a generation against its entry; None when it is intact.

    ``full``: compare the SHA-256 of the whole file (else only its size and columns, which
    read no more than the footer). ``localize``: for a damaged file, find the row groups
    and reports it lost (the next ingest rebuilds only those).
    """
    path = folder / entry.get("file", f"{name}.parquet")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return Damage(name, "missing")
    except OSError as exc:
        return Damage(name, f"cannot be read ({exc.strerror or exc})")
    if size != entry.get("bytes"):
        shape = _schema_problem(path, entry, record_tables)
        return Damage(name, shape or f"{size} bytes, {entry.get('bytes')} recorded")
    if full:
        try:
            with open(path, "rb") as handle:
                sha = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as exc:
            return Damage(name, f"cannot be read ({exc.strerror or exc})")
        if sha == entry["sha256"]:
            return None
        shape = _schema_problem(path, entry, record_tables)
        if shape is not None:
            return Damage(name, shape)
        return _localized(path, name, entry) if localize else Damage(name, "checksum differs")
    shape = _schema_problem(path, entry, record_tables)
    return Damage(name, shape) if shape is not None else None


def _localized(path: Path, name: str, entry: Mapping[str, Any]) -> Damage:
    """A damaged file of the recorded size: which row groups, and whose rows, it lost."""
    problem = "checksum differs"
    mapped, data = _map(path)
    try:
        start, end = entry["footer"]
        if _sha(data[start:end]) != entry["footer_sha256"]:
            return Damage(name, f"{problem} (its footer)")
        bad: list[int] = []
        ids_intact = True
        for i, group in enumerate(entry["row_groups"]):
            g_start, g_end = group["span"]
            if _sha(data[g_start:g_end]) == group["sha256"]:
                continue
            bad.append(i)
            if "ids" not in group:
                ids_intact = False
            else:
                i_start, i_end = group["ids"]
                ids_intact = ids_intact and _sha(data[i_start:i_end]) == group["ids_sha256"]
    finally:
        data.release()
        if mapped is not None:
            mapped.close()
    plural = "" if len(bad) == 1 else "s"
    where = f"{problem} (row group{plural} {', '.join(map(str, bad))} of {len(entry['row_groups'])})"
    if not bad:  # NOTE: the leading magic bytes: no reader opens the file
        return Damage(name, f"{problem} (its header)")
    if not ids_intact:
        return Damage(name, where, frozenset(bad), None)
    try:
        parquet = pq.ParquetFile(path)
        ids: set[str] = set()
        for i in bad:
            ids.update(str(v) for v in parquet.read_row_group(i, columns=[_ID]).column(0).to_pylist() if v is not None)
    except (OSError, pa.ArrowException):
        return Damage(name, where, frozenset(bad), None)
    return Damage(name, where, frozenset(bad), frozenset(ids))


def verify(folder: Path, *, full: bool = True, localize: bool = False,
           tables: Iterable[str] | None = None) -> tuple[dict[str, Any] | None, list[Damage]]:
    """Check a generation's tables (``tables``, default every recorded and expected one).

    Returns the record (None: a generation without one, whose files are then only checked
    to exist and to have today's columns) and the damaged tables.
    """
    try:
        document = read_record(folder)
    except StoreDamagedError as exc:
        return None, [Damage("integrity", exc.problem)]
    wanted = list(tables) if tables is not None else None
    damages: list[Damage] = []
    if document is None:
        for name in wanted or expected_tables():
            path = folder / f"{name}.parquet"
            if not path.is_file():
                damages.append(Damage(name, "missing"))
            elif name in _TABLE_COLUMNS:
                try:
                    same = pq.read_schema(path).equals(_arrow_schema(_TABLE_COLUMNS[name]), check_metadata=False)
                except (OSError, pa.ArrowException):
                    same = False
                if not same:
                    damages.append(Damage(name, "unreadable, or its columns are not this table's"))
        return None, damages
    recorded: dict[str, Any] = document["tables"]
    for name in wanted or list(dict.fromkeys([*expected_tables(), *recorded])):
        entry = recorded.get(name)
        if entry is None:
            damages.append(Damage(name, "not in the checksum record"))
            continue
        damage = verify_table(folder, name, entry, recorded, full=full, localize=localize)
        if damage is not None:
            damages.append(damage)
    return document, damages
