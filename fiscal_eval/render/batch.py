"""The report batch: every agency's reports from the store, as offline HTML, with an index.

:func:`run_batch` reads which notebook runs for what from ``batch.yml`` (one report per
agency-year, per agency, per fiscal year …), runs each through papermill with its
parameters as typed values, exports each to one self-contained HTML file and writes
``index.html`` listing every report with its status, the data it was made from and when.

* **Parallel and fast**: one warm template process per core, a forked child per report
  (:mod:`fiscal_eval.render.kernels`, where the isolation argument is made).
* **Failures are rows**: a notebook that raises, times out or dies is recorded with the
  error's name, message and cell number (in the index, in :class:`BatchResult`, in its
  own page) and the batch goes on.
* **Incremental**: a report whose inputs (notebook file, parameters, the data of its
  ``data`` scope, the fiscal_eval code) are unchanged since it last succeeded is not
  re-run; ``.batch-state.json`` in the output folder remembers them. Failed reports are
  always re-run.
* **Safe names**: file names are built from slugified parameters plus a hash of them;
  agency names are document text (quotes, ``<script>``, ``../``, slashes): they never
  reach a path unsanitised, and every text in the index is HTML-escaped.

Output layout::

    reports_out/
      index.html
      agency_report-云岭市交通运输局-2019-3f2a9c1e.html
      cross_year-云岭市交通运输局-8d0b6a24.html
      portfolio-2021-5c1e07aa.html
      .batch-state.json        what each report was made from, for the next run
      .batch.lock              held by a running batch (one at a time per folder)
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import html
import itertools
import json
import os
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Union
from urllib.parse import quote

from fiscal_eval.errors import STORAGE_ERRNOS, FiscalEvalError, StorageError, storage_errno
from fiscal_eval.present.labels import (
    INDEX_TITLE,
    KIND_TITLES,
    MATRIX_TITLES,
    PAGE_TITLES,
    SEVERITIES,
    SYNTHETIC_MARK,
)
from fiscal_eval.util.atomic import write_atomic
from fiscal_eval.util.locks import exclusive
from fiscal_eval.util.progress import progress_bar
from fiscal_eval.util.slugs import slug  # NOTE: also batch.slug, as before (in __all__)
from fiscal_eval.util.workers import worker_count

__all__ = [
    "DEFAULT_CONFIG",
    "STATE_FILE",
    "ReportSpec",
    "ReportRun",
    "BatchResult",
    "load_config",
    "default_notebooks",
    "plan",
    "Planned",
    "slug",
    "report_name",
    "run_batch",
]

PathLike = Union[str, "os.PathLike[str]"]

DEFAULT_CONFIG = Path(__file__).with_name("batch.yml")
# The notebooks as shipped in a wheel: the build copies the checkout's notebooks/ here
# (setup.py); a checkout (an editable install) has none here and uses notebooks/ itself.
_PACKAGED_NOTEBOOKS = Path(__file__).with_name("notebooks")
_CHECKOUT_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
STATE_FILE = ".batch-state.json"
_SAVE_SECONDS = 2.0  # the state is written at most this often while reports run
_STATE_FORMAT = 1

ForEach = Literal["agency_year", "agency", "year", "notebook"]
DataScope = Literal["agency", "year", "store"]
_FOR_EACH = ("agency_year", "agency", "year", "notebook")
_SCOPES = ("agency", "year", "store")
_UNIT_FIELDS = {"agency_year": ("agency", "year"), "agency": ("agency",), "year": ("year",), "notebook": ()}
_FILLABLE = ("store", "agency", "year")


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class ReportSpec:
    """One kind of report, as declared in ``batch.yml``."""

    kind: str
    notebook: str  # absolute path or glob
    for_each: ForEach
    parameters: tuple[str, ...]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    matrix: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    data: DataScope = "store"
    group: str = "reports"
    title: str = "{kind}"
    min_years: int = 1  # for_each agency: only agencies with reports of at least this many years


def default_notebooks() -> Path:
    """Where the package's ``batch.yml`` finds its notebooks: the copy shipped in the
    wheel (``fiscal_eval/render/notebooks``) when installed, else the checkout's
    ``notebooks/`` (the place people edit them)."""
    return _PACKAGED_NOTEBOOKS if _PACKAGED_NOTEBOOKS.is_dir() else _CHECKOUT_NOTEBOOKS


def load_config(path: PathLike | None = None, notebooks: PathLike | None = None) -> dict[str, ReportSpec]:
    """The report kinds declared in a batch config (default: the package's ``batch.yml``).

    Relative notebook paths are resolved against ``notebooks`` when given; else against
    :func:`default_notebooks` for the package's config, and the config file's folder for
    another one.

    Raises
    ------
    FiscalEvalError
        The file cannot be read, or an entry is malformed (the message names it).

    Examples
    --------
    >>> specs = load_config()
    >>> specs["agency_report"].for_each, specs["agency_report"].parameters
    ('agency_year', ('store', 'agency', 'year'))
    >>> specs["portfolio"].fixed
    {'region': ''}
    """
    import yaml

    path = Path(path) if path is not None else DEFAULT_CONFIG
    if notebooks is not None:
        base = Path(notebooks).expanduser()
        if not base.is_dir():
            raise FiscalEvalError(f"notebooks folder not found: {base}")
    else:
        base = default_notebooks() if path == DEFAULT_CONFIG else path.parent
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FiscalEvalError(f"cannot read the batch config {path}: {exc}") from None
    entries = raw.get("reports") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise FiscalEvalError(f"batch config {path}: no `reports:` mapping of report kinds")
    specs: dict[str, ReportSpec] = {}
    for kind, entry in entries.items():
        where = f"batch config {path}, report kind {kind!r}"
        if not isinstance(entry, dict) or not isinstance(entry.get("notebook"), str):
            raise FiscalEvalError(f"{where}: needs a `notebook:` path")
        unknown = set(entry) - {"notebook", "for_each", "parameters", "fixed", "matrix", "data", "group", "title",
                                "min_years"}
        if unknown:
            raise FiscalEvalError(f"{where}: unknown key(s) {sorted(unknown)}")
        for_each = entry.get("for_each", "notebook")
        if for_each not in _FOR_EACH:
            raise FiscalEvalError(f"{where}: for_each must be one of {_FOR_EACH}, not {for_each!r}")
        parameters = tuple(entry.get("parameters") or ())
        bad = [p for p in parameters if p not in _FILLABLE or (p != "store" and p not in _UNIT_FIELDS[for_each])]
        if bad:
            raise FiscalEvalError(f"{where}: cannot fill parameter(s) {bad} for each {for_each}")
        data = entry.get("data", "store")
        if data not in _SCOPES:
            raise FiscalEvalError(f"{where}: data must be one of {_SCOPES}, not {data!r}")
        matrix = entry.get("matrix") or {}
        if not isinstance(matrix, dict) or not all(isinstance(v, list) and v for v in matrix.values()):
            raise FiscalEvalError(f"{where}: matrix must map parameter names to non-empty lists")
        fixed = entry.get("fixed") or {}
        if not isinstance(fixed, dict):
            raise FiscalEvalError(f"{where}: fixed must map parameter names to values")
        min_years = entry.get("min_years", 1)
        if not isinstance(min_years, int) or isinstance(min_years, bool) or min_years < 1:
            raise FiscalEvalError(f"{where}: min_years must be a whole number of years, at least 1")
        notebook = entry["notebook"]
        notebook = notebook if os.path.isabs(notebook) else os.path.normpath(base / notebook)
        specs[str(kind)] = ReportSpec(
            kind=str(kind),
            notebook=str(Path(notebook).resolve()) if not glob.has_magic(notebook) else notebook,
            for_each=for_each,
            parameters=parameters,
            fixed=dict(fixed),
            matrix={k: tuple(v) for k, v in matrix.items()},
            data=data,
            group=str(entry.get("group", "reports")),
            # A kind's page title is present/labels.py's (one place), unless the config names one.
            title=str(entry.get("title", PAGE_TITLES.get(str(kind), "{kind}"))),
            min_years=min_years,
        )
    return specs


# --------------------------------------------------------------------------- names


def report_name(kind: str, values: Mapping[str, Any]) -> str:
    """The file name (without ``.html``) of a report: kind, slugs of its values, a hash.

    The hash (8 hex digits of SHA-256 of the kind and the exact values) keeps two names
    apart whose slugs agree (``"A/B"`` and ``"A B"``).

    Examples
    --------
    >>> report_name("agency_report", {"agency": "云岭市交通运输局", "year": 2019})
    'agency_report-云岭市交通运输局-2019-3f03668b'
    >>> report_name("agency_report", {"agency": "../<script>", "year": 2019})
    'agency_report-script-2019-471b738b'
    """
    digest = hashlib.sha256(json.dumps([kind, dict(values)], ensure_ascii=False, sort_keys=True).encode("utf-8"))
    parts = [slug(kind) or "report", *(s for s in (slug(v) for v in values.values()) if s)]
    return "-".join([*parts, digest.hexdigest()[:8]])


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class _Store:
    """What the batch knows of the store: its units, fingerprints and counts."""

    path: Path
    generation: str | None
    fingerprint: str
    counts: dict[str, Any]
    agency_years: list[tuple[str, int]]
    agencies: list[str]
    years: list[int]
    scope_hash: Mapping[tuple[str, Any], str]  # a _ScopeHashes from _read_store: digests made when asked
    synthetic: dict[tuple[str, Any], bool]
    figures: Any = None  # polars frame: the index's key figures a row (present.views.index_figures)
    manifest_sha256: str | None = None  # the manifest's checksum (integrity.json), when recorded

    @cached_property
    def _years_by_agency(self) -> dict[str, list[int]]:
        # NOTE: built once: scanning every pair for each agency was quadratic (a 100,000-report
        # store's plan did not finish in 14 minutes).
        by: dict[str, list[int]] = {}
        for a, y in self.agency_years:
            by.setdefault(a, []).append(y)
        return by

    def years_of(self, agency: str) -> list[int]:
        return list(self._years_by_agency.get(agency, ()))


def _digest(rows: Sequence[Sequence[Any]]) -> str:
    h = hashlib.sha256()
    for row in sorted(rows, key=lambda r: tuple("" if v is None else str(v) for v in r)):
        h.update(json.dumps([None if v is None else str(v) for v in row], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


_KEY_COLUMNS = ("path", "sha256", "report_id", "ingested_at")  # what a scope's data digest covers


class _ScopeHashes(Mapping[tuple[str, Any], str]):
    """The data digest of each scope — ``("store", None)``, ``("agency", name)``,
    ``("year", y)``: :func:`_digest` of the manifest rows of its reports — each made the
    first time it is asked for. A batch of one agency's pages digests the store and that
    agency, not each of 33,000 agencies of a 100,000-report store (8 s a run)."""

    _FILTER = 32  # a scope's first lookups filter its rows; then every value is indexed at once

    def __init__(self, rows: Any, fingerprint: str) -> None:
        self._rows = rows  # polars: the manifest rows with each report's agency and year
        self._keys: list[tuple[Any, ...]] | None = None  # every row's key columns, made once
        self._groups: dict[str, dict[Any, list[int]]] = {}  # scope -> value -> row numbers
        self._asked: dict[str, int] = {}
        self._done: dict[tuple[str, Any], str] = {("store", None): fingerprint}

    def _group(self, scope: str) -> dict[Any, list[int]]:
        if scope not in self._groups:
            import polars as pl

            if self._keys is None:
                self._keys = self._rows.select(_KEY_COLUMNS).rows()
            by = (self._rows.select(scope).with_row_index("_row").filter(pl.col(scope).is_not_null())
                  .group_by(scope).agg("_row"))
            self._groups[scope] = dict(zip(by[scope].to_list(), by["_row"].to_list()))
        return self._groups[scope]

    def __getitem__(self, key: tuple[str, Any]) -> str:
        if key in self._done:
            return self._done[key]
        scope, value = key
        if scope not in ("agency", "year") or value is None:
            raise KeyError(key)
        self._asked[scope] = self._asked.get(scope, 0) + 1
        if scope not in self._groups and self._asked[scope] <= self._FILTER:
            import polars as pl

            keys = self._rows.filter(pl.col(scope) == value).select(_KEY_COLUMNS).rows()
        else:
            rows = self._group(scope).get(value, [])
            assert self._keys is not None
            keys = [self._keys[i] for i in rows]
        if not keys:
            raise KeyError(key)
        digest = self._done[key] = _digest(keys)
        return digest

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield ("store", None)
        for scope in ("agency", "year"):
            yield from ((scope, value) for value in self._group(scope))

    def __len__(self) -> int:
        return 1 + sum(len(self._group(scope)) for scope in ("agency", "year"))


def _read_store(path: Path, known: Mapping[str, Any] | None = None) -> _Store:
    """What the batch knows of the store at ``path``. ``known``: the store's digest as an
    earlier run recorded it (``manifest_sha256``, ``fingerprint``): taken when the manifest
    is the same, byte for byte (its checksum, verified as it was read), instead of digesting
    every row again (0.5 s at 100,000 reports)."""
    import polars as pl

    from fiscal_eval import store as _store
    from fiscal_eval.present.views import INDEX_FLAG_COLUMNS, INDEX_REPORT_COLUMNS, index_figures
    from fiscal_eval.store import integrity

    # One generation for every figure: read apart, an ingest committing in between would
    # pair one generation's reports with another's manifest and name.
    snap = _store.snapshot(path, {"reports": list(INDEX_REPORT_COLUMNS), "flags": list(INDEX_FLAG_COLUMNS)})
    reports, manifest, generation = snap.tables["reports"], snap.manifest, snap.generation
    rows = manifest.join(reports, on="report_id", how="left").select(
        "path", "sha256", "report_id", "ingested_at", "agency", "year", "synthetic"
    )
    try:
        record = integrity.read_record(path / generation)
    except FiscalEvalError:
        record = None
    manifest_sha = ((record or {}).get("tables", {}).get("manifest") or {}).get("sha256")
    if manifest_sha is not None and known and known.get("manifest_sha256") == manifest_sha:
        fingerprint = str(known["fingerprint"])
    else:
        fingerprint = _digest(rows.select(_KEY_COLUMNS).rows())
    scope_hash = _ScopeHashes(rows, fingerprint)
    synthetic: dict[tuple[str, Any], bool] = {("store", None): bool(rows["synthetic"].fill_null(False).any())}
    for scope in ("agency", "year"):
        by = (rows.filter(pl.col(scope).is_not_null())
              .group_by(scope).agg(pl.col("synthetic").fill_null(False).any()))
        synthetic.update({(scope, value): bool(any_) for value, any_ in by.select(scope, "synthetic").rows()})
    usable = reports.filter(pl.col("agency").is_not_null() & pl.col("year").is_not_null())
    agency_years = sorted({(a, int(y)) for a, y in usable.select("agency", "year").rows()})
    statuses = manifest["status"].value_counts().rows()
    counts = {
        "inputs": manifest.height,
        **{f"inputs_{s}": n for s, n in statuses},
        "reports": usable.height,
        "without_agency_or_year": reports.height - usable.height,
        "agencies": len({a for a, _ in agency_years}),
        "years": sorted({y for _, y in agency_years}),
        "synthetic_reports": int(reports["synthetic"].fill_null(False).sum()),
    }
    return _Store(
        path=path,
        generation=generation,
        fingerprint=fingerprint,
        counts=counts,
        agency_years=agency_years,
        agencies=sorted({a for a, _ in agency_years}),
        years=sorted({y for _, y in agency_years}),
        scope_hash=scope_hash,
        synthetic=synthetic,
        figures=index_figures(reports, snap.tables["flags"]),
        manifest_sha256=manifest_sha,
    )


def _code_hash() -> str:
    """A hash of the fiscal_eval package's files: a report made by other code is re-made."""
    root = Path(__file__).resolve().parents[1]  # fiscal_eval/, not only render/
    h = hashlib.sha256()
    for file in sorted(root.rglob("*")):
        if file.is_file() and file.suffix in {".py", ".toml", ".yml", ".yaml", ".json", ".j2", ".css", ".js"}:
            h.update(file.relative_to(root).as_posix().encode("utf-8"))
            h.update(hashlib.sha256(file.read_bytes()).digest())
    return h.hexdigest()


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Planned:
    """One report a batch would make (see :func:`plan`)."""

    name: str
    spec: ReportSpec
    notebook: str
    values: dict[str, Any]  # the report's own values (agency, year, matrix), for names and titles
    parameters: dict[str, Any]  # what papermill passes (store included)
    title: str
    data_key: tuple[str, Any]
    synthetic: bool


def _units(spec: ReportSpec, info: _Store) -> Iterator[tuple[str, dict[str, Any]]]:
    """(notebook, values) for every report of a kind."""
    if spec.for_each == "notebook":
        notebooks = sorted(glob.glob(spec.notebook)) if glob.has_magic(spec.notebook) else [spec.notebook]
        for nb in notebooks:
            yield str(Path(nb).resolve()), {"notebook": Path(nb).stem}
        return
    if spec.for_each == "agency_year":
        base = [{"agency": a, "year": y} for a, y in info.agency_years]
    elif spec.for_each == "agency":
        base = [{"agency": a} for a in info.agencies if len(info.years_of(a)) >= spec.min_years]
    else:
        base = [{"year": y} for y in info.years]
    for values in base:
        yield spec.notebook, values


def _plan(specs: Mapping[str, ReportSpec], info: _Store, keep: Any = None) -> list[Planned]:
    """Every report of ``specs`` over the store, in order; with ``keep`` (spec, unit values
    -> bool), only those of the units it keeps (the same items, in the same order)."""
    planned: list[Planned] = []
    for spec in specs.values():
        names = list(spec.matrix)
        combos = list(itertools.product(*spec.matrix.values())) or [()]
        for notebook, unit in _units(spec, info):
            if keep is not None and not keep(spec, unit):
                continue
            heading = _heading(notebook) if spec.for_each == "notebook" else ""
            for combo in combos:
                values = {**unit, **dict(zip(names, combo))}
                # Matrix values as people name them (the lessons' 学生版 / 教师版), in the
                # page's file name and title; papermill still gets the values themselves.
                shown = {**unit, **{n: MATRIX_TITLES.get(n, {}).get(v, v) for n, v in zip(names, combo)}}
                parameters: dict[str, Any] = {}
                for p in spec.parameters:
                    parameters[p] = str(info.path) if p == "store" else unit[p]
                parameters.update(spec.fixed)
                parameters.update(dict(zip(names, combo)))
                if spec.data == "store":
                    data_key: tuple[str, Any] = ("store", None)
                else:
                    data_key = (spec.data, unit.get(spec.data))
                    if data_key[1] is None:  # the unit does not name it: the whole store
                        data_key = ("store", None)
                title_values = {"kind": spec.kind, "agency": "", "year": "", "notebook": "",
                                "notebook_title": heading or unit.get("notebook", ""), **shown}
                try:
                    title = spec.title.format_map(title_values)
                except (KeyError, IndexError, ValueError):
                    title = f"{spec.kind} " + " ".join(str(v) for v in values.values())
                synth_key = ("agency", unit["agency"]) if "agency" in unit else (
                    ("year", unit["year"]) if "year" in unit else ("store", None))
                uses_store = "store" in spec.parameters
                planned.append(Planned(
                    name=report_name(spec.kind, shown),
                    spec=spec,
                    notebook=notebook,
                    values=values,
                    parameters=parameters,
                    title=title,
                    data_key=data_key,
                    synthetic=uses_store and info.synthetic.get(synth_key, False),
                ))
    return planned


def _one_agency(agency: str, specs: Mapping[str, ReportSpec], state: Mapping[str, ReportRun]) -> Any:
    """The units a batch of ``agency``'s pages plans (a ``keep`` for :func:`_plan`): the
    agency's, every year's and notebook's (its pages link them), and those of the pages
    earlier runs made (a page no longer planned is deleted). None (plan every unit) when a
    page of an earlier run does not name its unit in its parameters."""
    made: set[tuple[str, tuple[Any, ...]]] = set()
    for run in state.values():
        spec = specs.get(run.kind)
        if spec is None or spec.for_each in ("year", "notebook"):
            continue  # no longer planned, or planned anyway
        fields = _UNIT_FIELDS[spec.for_each]
        if any(f not in run.parameters or f in spec.fixed or f in spec.matrix for f in fields):
            return None
        made.add((spec.kind, tuple(run.parameters[f] for f in fields)))

    def keep(spec: ReportSpec, unit: Mapping[str, Any]) -> bool:
        if spec.for_each in ("year", "notebook") or unit.get("agency") == agency:
            return True
        return (spec.kind, tuple(unit.get(f) for f in _UNIT_FIELDS[spec.for_each])) in made

    return keep


def _check_notebooks(specs: Mapping[str, ReportSpec], info: _Store) -> None:
    """Raise when the notebook of a kind that has pages to make is missing (each notebook
    checked once, not once a page: 133,000 stats of a handful of files)."""
    for spec in specs.values():
        if spec.for_each == "notebook":
            notebooks = list(dict.fromkeys(nb for nb, _ in _units(spec, info)))
        else:
            notebooks = [spec.notebook] if next(_units(spec, info), None) is not None else []
        for notebook in notebooks:
            if not Path(notebook).is_file():
                raise FiscalEvalError(f"notebook for {spec.kind!r} not found: {notebook} "
                                      "(give the folder that holds it with --notebooks DIR)")


def _heading(notebook: str) -> str:
    """A notebook's first Markdown heading (its title as people read it), or ""."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return ""
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            for line in ("".join(source) if isinstance(source, list) else str(source)).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def plan(store: PathLike, *, config: PathLike | None = None, notebooks: PathLike | None = None,
         lessons: bool = False) -> list[Planned]:
    """The reports a batch over ``store`` would make (every one, unchanged or not), in
    order: each with its notebook (an absolute path), its ``parameters`` as papermill
    gets them and its ``title``. Lessons only with ``lessons``. Nothing is run or written.

    Raises
    ------
    FiscalEvalError
        No store, or a bad config.
    """
    planned = _plan(load_config(config, notebooks), _read_store(Path(store).resolve()))
    return [item for item in planned if item.spec.group != "lessons" or lessons]


def _file_hash(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _input_key(item: Planned, info: _Store, code: str) -> str:
    """What a report is made from; an unchanged key means an unchanged report."""
    payload = {
        "notebook": _file_hash(item.notebook),
        "parameters": {k: v for k, v in item.parameters.items() if k != "store"},
        "data": info.scope_hash.get(item.data_key, info.fingerprint),
        "code": code,
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ReportRun:
    """One report in the index: what it is, how it went, what it was made from."""

    name: str
    kind: str
    title: str
    parameters: dict[str, Any]  # without the store path
    notebook: str  # the notebook's file name
    html: str | None  # file name in the output folder, when written
    status: str  # "ok" | "failed"
    skipped: bool = False  # not re-run this time: its inputs had not changed
    error_name: str | None = None
    error_value: str | None = None
    cell: int | None = None
    execution_count: int | None = None
    made_at: str = ""
    seconds: float = 0.0  # wall-clock, fork to exit
    run_seconds: float | None = None  # of which running the notebook
    export_seconds: float | None = None  # and exporting it to HTML
    generation: str | None = None
    fingerprint: str | None = None
    synthetic: bool = False
    key: str = ""

    @property
    def error(self) -> str | None:
        """``ValueError at cell 5: message`` for a failed report, else None."""
        if self.status == "ok":
            return None
        where = f" at cell {self.cell}" if self.cell else ""
        return f"{self.error_name}{where}: {self.error_value or ''}".rstrip(": ")


@dataclass(frozen=True)
class BatchResult:
    """What a :func:`run_batch` did.

    Attributes
    ----------
    out, index : Path
        The output folder and its ``index.html``.
    reports : tuple of ReportRun
        Every report the index lists (this run's and earlier runs' still current).
    ran, skipped : int
        Reports run this time; reports left as they were (inputs unchanged).
    failed : tuple of ReportRun
        Reports run this time that failed.
    seconds : float
        Wall-clock time.
    """

    out: Path
    index: Path
    reports: tuple[ReportRun, ...]
    ran: int
    skipped: int
    failed: tuple[ReportRun, ...]
    seconds: float
    store: dict[str, Any] = field(default_factory=dict)
    pdf: Any = None  # fiscal_eval.render.pdf.PdfResult, when asked for (run_batch(pdf=True))

    @property
    def ok(self) -> bool:
        """True when no report run this time failed."""
        return not self.failed

    def __str__(self) -> str:
        n = len(self.reports)
        bad = sum(1 for r in self.reports if r.status != "ok")
        return (
            f"{n} report{'' if n == 1 else 's'}: {n - bad} ok, {bad} failed; "
            f"{self.ran} run, {self.skipped} unchanged; {self.seconds:.1f} s; index: {self.index}"
        )


def _load_state(out: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != _STATE_FORMAT or not isinstance(raw.get("reports"), dict):
        return {}
    return raw["reports"]


def _write(path: Path, data: bytes, what: str) -> None:
    """``write_atomic``, a full disk or a refused folder named as such (the old file stays)."""
    try:
        write_atomic(path, data)
    except OSError as exc:
        if storage_errno(exc):
            raise StorageError(what, path, exc, needed=len(data)) from None
        raise


_ERRNO = re.compile(r"\[Errno (\d+)\]")


def _refused_write(outcome: Any, page: Path) -> OSError | None:
    """The disk's refusal (full, read-only, permissions) that kept a report's page from
    being written, as the report's process reported it; None for any other outcome."""
    if outcome.html_written:
        return None
    match = _ERRNO.search(f"{outcome.error_name or ''} {outcome.error_value or ''}")
    if match is None or int(match.group(1)) not in STORAGE_ERRNOS:
        return None
    number = int(match.group(1))
    return OSError(number, os.strerror(number), str(page))


def _save_state(out: Path, reports: Mapping[str, ReportRun], info: _Store | None = None) -> None:
    payload: dict[str, Any] = {"format": _STATE_FORMAT, "reports": {name: asdict(r) for name, r in reports.items()}}
    if info is not None and info.manifest_sha256 is not None:
        payload["store"] = {"manifest_sha256": info.manifest_sha256, "fingerprint": info.fingerprint}
    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    _write(out / STATE_FILE, data, "save the batch's state")


def _known_store(out: Path) -> dict[str, Any] | None:
    """The store digest the last run recorded in ``out`` (see :func:`_read_store`), if any."""
    try:
        raw = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    known = raw.get("store") if isinstance(raw, dict) and raw.get("format") == _STATE_FORMAT else None
    ok = isinstance(known, dict) and all(isinstance(known.get(k), str) for k in ("manifest_sha256", "fingerprint"))
    return known if ok else None


def _from_state(entry: Mapping[str, Any]) -> ReportRun | None:
    try:
        known = {k: v for k, v in entry.items() if k in ReportRun.__dataclass_fields__}
        return ReportRun(**known)
    except TypeError:
        return None


def _inside(out: Path, name: str | None) -> Path | None:
    """``out/name`` if that is a file name directly inside ``out`` (state files are data too)."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or "\0" in name:
        return None
    path = out / name
    return path if path.resolve().parent == out.resolve() else None


# --------------------------------------------------------------------------- index.html

def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _when(iso: str) -> str:
    """``2026-11-22 23:02 UTC`` from an ISO time in UTC."""
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return iso


def _href(name: str) -> str:
    return _e(quote(f"{name}.html"))


def _nav_label(item: Planned) -> str:
    """How a related page is named in a page's navigation."""
    values, each = item.values, item.spec.for_each
    if each == "agency_year":
        return f"{values.get('year')} 年度报告"
    if each == "agency":
        return "历年报告"
    if each == "year":
        return f"{values.get('year')} 年度总览"
    return item.title


def _navigation(plan: Sequence[Planned]) -> dict[str, str]:
    """Each page's navigation bar: back to the index, then its related pages — an
    agency's pages (every year's, and its cross-year page) and the year's overview for
    an agency page; the other years' overviews for an overview; the other handout of
    the same lesson. Names are document text: escaped."""
    by_agency: dict[Any, list[Planned]] = {}
    by_kind: dict[str, list[Planned]] = {}
    overviews: dict[Any, list[Planned]] = {}  # the year's overviews, by year: looked up, not scanned
    for item in plan:
        if "agency" in item.values:
            by_agency.setdefault(item.values["agency"], []).append(item)
        by_kind.setdefault(item.spec.kind, []).append(item)
        if item.spec.for_each == "year":
            overviews.setdefault(item.values.get("year"), []).append(item)
    navs: dict[str, str] = {}
    for item in plan:
        values = item.values
        if "agency" in values:
            related = sorted(by_agency[values["agency"]],
                             key=lambda x: (x.spec.for_each != "agency", x.values.get("year") or 0))
            if "year" in values:
                related += overviews.get(values["year"], [])
            group = f'<span class="fe-here">{_e(values["agency"])}</span>'
        elif item.spec.for_each == "notebook":
            related = [x for x in by_kind[item.spec.kind] if x.values.get("notebook") == values.get("notebook")]
            group = ""
        else:
            related = sorted(by_kind[item.spec.kind], key=lambda x: str(x.values.get("year", "")))
            group = ""
        links = []
        for other in related:
            text = _e(_nav_label(other))
            links.append(f'<span class="fe-here">{text}</span>' if other.name == item.name
                         else f'<a href="{_href(other.name)}">{text}</a>')
        navs[item.name] = (f'<nav class="fe-nav"><a href="index.html">← 返回目录</a>{group}'
                           + "".join(links) + "</nav>")
    return navs


# The index's filter box: rows whose region, agency, year (or project) hold the text stay;
# a region left with no row is hidden. index.html#q=保山 opens filtered (a link can share it).
_FILTER_JS = """(function () {
  var box = document.getElementById("fe-filter");
  if (!box) return;
  function apply() {
    var q = box.value.trim().toLowerCase();
    document.querySelectorAll("[data-filter]").forEach(function (row) {
      row.hidden = q !== "" && row.getAttribute("data-filter").toLowerCase().indexOf(q) < 0;
    });
    document.querySelectorAll(".fe-group").forEach(function (group) {
      group.hidden = !group.querySelector("[data-filter]:not([hidden])");
    });
  }
  box.addEventListener("input", apply);
  if (location.hash.indexOf("#q=") === 0) {
    box.value = decodeURIComponent(location.hash.slice(3));
    apply();
  }
})();"""



def _link(out: Path, run: ReportRun | None, text: str) -> str:
    """A link to a run's page when the page is there (a failed run's page says why it
    failed: it is linked too, marked); else the text."""
    if run is None:
        return _e(text)
    there = bool(run.html) and _inside(out, run.html) is not None and (out / str(run.html)).is_file()
    link = f'<a href="{_e(quote(str(run.html)))}">{_e(text)}</a>' if there else _e(text)
    return link if run.status == "ok" else f'{link} <span class="failed">未能生成</span>'



def _sev_cells(row: Mapping[str, Any]) -> str:
    return "".join(f'<td class="num{" sev-" + s if row.get(s) else ""}">{_e(row.get(s) or 0)}</td>'
                   for s in SEVERITIES)


def _render_index(out: Path, reports: Sequence[ReportRun], info: _Store, made_at: str, summary: str) -> str:
    import polars as pl

    from fiscal_eval import __version__
    from fiscal_eval.present.display import percent
    from fiscal_eval.present.labels import value_label
    from fiscal_eval.present.style import INDEX_CSS

    counts = info.counts
    failed = [r for r in reports if r.status != "ok"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(INDEX_TITLE)}</title>",
        f"<style>{INDEX_CSS}</style></head><body>",
        f"<h1>{_e(INDEX_TITLE)}</h1>",
        f'<p class="muted">{_e(summary)} · 生成于 {_e(_when(made_at))}</p>',
    ]
    if counts.get("synthetic_reports"):
        parts.append(f'<p><span class="synthetic">{SYNTHETIC_MARK}</span> 存储中有 '
                     f"{_e(counts['synthetic_reports'])} 份报告是合成数据（仅供演示与教学，不是任何真实机构的数据），"
                     "在下表中标出。</p>")
    parts.append('<input id="fe-filter" class="fe-filter" type="search" placeholder="筛选：输入单位、地区或年度" '
                 'aria-label="筛选">')
    if failed:
        parts.append(f'<h2>未能生成的页面 <span class="muted">{len(failed)} 页</span></h2><ul>')
        parts += [f'<li>{_e(r.title)}：<span class="err">{_e(r.error)}</span></li>' for r in failed]
        parts.append("</ul>")

    runs: dict[tuple[str, Any, Any], ReportRun] = {}
    for r in reports:
        runs[(r.kind, r.parameters.get("agency"), r.parameters.get("year"))] = r
    figures = info.figures if info.figures is not None else pl.DataFrame()
    shown: set[str] = set()

    # The overview of each year first: what an analyst opens first.
    portfolio = [r for r in reports if r.kind == "portfolio"]
    if portfolio:
        parts.append(f"<h2>{_e(KIND_TITLES['portfolio'])}</h2>")
        parts.append('<table><thead><tr><th>年度</th><th class="num">报告数</th><th class="num">其中合成</th>'
                     '<th class="num">90 分及以上</th>'
                     + "".join(f'<th class="num">{_e(v)}</th>' for v in SEVERITIES.values())
                     + "</tr></thead><tbody>")
        for r in sorted(portfolio, key=lambda r: str(r.parameters.get("year"))):
            shown.add(r.name)
            year = r.parameters.get("year")
            rows = figures.filter(pl.col("year") == year) if figures.height else figures
            synthetic = int(rows["synthetic"].sum()) if rows.height else 0
            high = int((rows["score"] >= 90).sum()) if rows.height else 0
            totals = {s: int(rows[s].sum()) for s in SEVERITIES} if rows.height else {}
            parts.append(f'<tr data-filter="{_e(year)}"><td>{_link(out, r, f"{year} 年度总览")}</td>'
                         f'<td class="num">{rows.height}</td><td class="num">{synthetic}</td>'
                         f'<td class="num">{high}</td>{_sev_cells(totals)}</tr>')
        parts.append("</tbody></table>")

    # Every agency, by region, a row a year: the key figures and the findings by severity.
    if figures.height and any(r.kind in ("agency_report", "cross_year") for r in reports):
        parts.append(f"<h2>{_e(KIND_TITLES['agency_report'])}</h2>"
                     '<p class="muted">审核发现按差额大小分为严重、一般、提示（规则见各单位年度报告页）；'
                     "执行率 = 支出 ÷ 预算。</p>")
        for (region,), group in figures.group_by(["region"], maintain_order=True):
            name = region or "未注明地区"
            parts.append(f'<section class="fe-group"><h3>{_e(name)}</h3><table><thead><tr><th>单位</th>'
                         '<th>年度报告</th><th>类型</th><th class="num">自评得分</th><th>等级</th>'
                         '<th class="num">执行率</th>'
                         + "".join(f'<th class="num">{_e(v)}</th>' for v in SEVERITIES.values())
                         + "<th>历年</th></tr></thead><tbody>")
            previous = None
            for row in group.iter_rows(named=True):
                agency, year = row["agency"], row["year"]
                page = runs.get(("agency_report", agency, year))
                cross = runs.get(("cross_year", agency, None))
                for run in (page, cross):
                    if run is not None:
                        shown.add(run.name)
                first = agency != previous
                previous = agency
                badge = f' <span class="synthetic">{SYNTHETIC_MARK}</span>' if row["synthetic"] else ""
                score = "—" if row["score"] is None else f"{row['score']:g}"
                kind = value_label("kind", row["kind"]) if row["kind"] else "—"
                filter_text = " ".join(str(x) for x in (name, agency, year, row["project_name"] or ""))
                parts.append(
                    f'<tr data-filter="{_e(filter_text)}"><td>{_e(agency) + badge if first else ""}</td>'
                    f"<td>{_link(out, page, f'{year} 年') if page else _e(year)}</td><td>{_e(kind)}</td>"
                    f'<td class="num">{_e(score)}</td><td>{_e(row["grade_class"] or "—")}</td>'
                    f'<td class="num">{_e(percent(row["execution_rate_budget"], missing="—"))}</td>'
                    f"{_sev_cells(row)}<td>{_link(out, cross, '历年报告') if cross and first else ''}</td></tr>")
            parts.append("</tbody></table></section>")

    # Lessons: each notebook's two handouts side by side.
    lessons = [r for r in reports if r.kind == "lesson"]
    if lessons:
        parts.append(f"<h2>{_e(KIND_TITLES['lesson'])}</h2><table><tbody>")
        by_notebook: dict[str, list[ReportRun]] = {}
        for r in lessons:
            by_notebook.setdefault(r.notebook, []).append(r)
            shown.add(r.name)
        for _, handouts in sorted(by_notebook.items()):
            title = handouts[0].title.rsplit("（", 1)[0]
            links = " · ".join(_link(out, h, h.title.rsplit("（", 1)[-1].rstrip("）"))
                               for h in sorted(handouts, key=lambda h: json.dumps(h.parameters, sort_keys=True)))
            parts.append(f'<tr data-filter="{_e(title)}"><td>{_e(title)}</td><td>{links}</td></tr>')
        parts.append("</tbody></table>")

    # Anything else (a kind of one's own batch.yml, or a page the figures do not cover).
    rest = [r for r in reports if r.name not in shown]
    for kind in dict.fromkeys(r.kind for r in rest):
        runs_ = [r for r in rest if r.kind == kind]
        parts.append(f"<h2>{_e(KIND_TITLES.get(kind, kind))}</h2><ul>")
        parts += [f'<li data-filter="{_e(r.title)}">{_link(out, r, r.title)}'
                  + (f' <span class="synthetic">{SYNTHETIC_MARK}</span>' if r.synthetic else "") + "</li>"
                  for r in sorted(runs_, key=lambda r: json.dumps(r.parameters, ensure_ascii=False, sort_keys=True))]
        parts.append("</ul>")
    if not reports:
        parts.append("<p>没有可生成的页面：存储中没有写明单位和年度的报告。</p>")

    parts.append(_run_log(out, reports, info, made_at, __version__))
    parts.append(f"<script>{_FILTER_JS}</script>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _run_log(out: Path, reports: Sequence[ReportRun], info: _Store, made_at: str, version: str) -> str:
    """The operational detail, folded: the data each page was made from, when, how long."""
    counts = info.counts
    inputs = "，".join(f"{label} {counts.get(f'inputs_{s}', 0)}"
                      for s, label in (("ok", "完整"), ("partial", "部分读出"), ("failed", "未能读出")))
    years = counts.get("years") or []
    parts = [
        "<details><summary>运行记录（数据版本、生成时间与耗时）</summary>",
        f'<p class="muted">fiscal_eval {_e(version)} · 本次生成于 {_e(_when(made_at))}</p><dl>',
        f"<dt>数据存储</dt><dd><code>{_e(info.path.name)}</code></dd>",
        f"<dt>数据版本</dt><dd><code>{_e(info.generation or '—')}</code></dd>",
        f"<dt>清单摘要</dt><dd><code>{_e(info.fingerprint[:16])}</code></dd>",
        f"<dt>输入文件</dt><dd>{_e(counts.get('inputs', 0))} 个（{_e(inputs)}）</dd>",
        f"<dt>报告</dt><dd>{_e(counts.get('reports', 0))} 份写明单位和年度，{_e(counts.get('agencies', 0))} 个单位，"
        f"年度 {_e(f'{years[0]}–{years[-1]}' if years else '—')}</dd>",
    ]
    if counts.get("without_agency_or_year"):
        parts.append(f"<dt>未列入</dt><dd>{_e(counts['without_agency_or_year'])} 个输入文件没有读出单位或年度"
                     "（见存储的清单 manifest）</dd>")
    parts.append("</dl><table><thead><tr><th>页面</th><th>参数</th><th>状态</th><th>数据</th><th>生成时间</th>"
                 '<th class="num">秒</th></tr></thead><tbody>')
    for r in reports:
        params = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in r.parameters.items())
        if r.status == "ok":
            status = '<span class="ok">ok</span>'
        else:
            status = f'<span class="failed">failed</span><div class="err">{_e((r.error or "")[:300])}</div>'
        data = f"<code>{_e(r.generation or '—')}</code> · <code>{_e((r.fingerprint or '')[:12])}</code>"
        made = _e(_when(r.made_at)) + (' <span class="muted">（未变，沿用）</span>' if r.skipped else "")
        parts.append(f"<tr><td>{_link(out, r, r.title)}<div class=\"muted\">{_e(r.notebook)}</div></td>"
                     f"<td>{_e(params)}</td><td>{status}</td><td>{data}</td><td>{made}</td>"
                     f'<td class="num">{r.seconds:.2f}</td></tr>')
    parts.append("</tbody></table></details>")
    return "".join(parts)


# --------------------------------------------------------------------------- running

def run_batch(
    store: PathLike = "data/store",
    out: PathLike = "reports_out",
    *,
    jobs: int | None = None,
    agency: str | None = None,
    force: bool = False,
    timeout: float = 600,
    progress: bool | None = None,
    lessons: bool = False,
    config: PathLike | None = None,
    notebooks: PathLike | None = None,
    limit: int | None = None,
    pdf: bool = False,
    cluster: Any = None,
) -> BatchResult:
    """Run every report notebook over the store and export each to offline HTML.

    Parameters
    ----------
    store : path
        The Parquet store (:func:`fiscal_eval.store.ingest`).
    out : path
        The output folder (created): one HTML file per report, ``index.html`` and
        ``.batch-state.json``.
    jobs : int, optional
        Reports run at once (warm worker processes); default the usable cores.
    agency : str, optional
        Only this agency's reports (its agency and cross-year reports).
    force : bool
        Run every report, even those whose inputs are unchanged.
    timeout : float
        Seconds one report may take (run and export); then it is stopped and failed.
    progress : bool, optional
        A progress bar on stderr; default only when stderr is a terminal.
    lessons : bool
        Also render the lesson notebooks (the ``lessons`` group of the config).
    config : path, optional
        A batch config other than the package's ``batch.yml``.
    notebooks : path, optional
        The folder relative notebook paths of the config are read from (your own
        notebooks); default :func:`default_notebooks` for the package's config.
    limit : int, optional
        Run at most this many of the reports due (a quick look, or a benchmark).
    pdf : bool
        Also print every page to a PDF beside it (A4) with headless Chromium
        (:mod:`fiscal_eval.render.pdf`); where none is installed no PDF is written and
        ``BatchResult.pdf`` says so.
    cluster : str or dask Client/cluster, optional
        Render on a dask.distributed cluster (``"local:N"``, ``"tcp://host:8786"``, a
        Client or cluster object; see :mod:`fiscal_eval.store.cluster`): each worker
        renders a report into a folder of its own and sends the page back; the pages,
        the state and the index are written here, the same bytes as a local run. The
        store must be at the same path on every worker. ``jobs`` is then unused.

    Returns
    -------
    BatchResult
        Every report's status; failed reports are in ``failed``, not raised.

    Raises
    ------
    FiscalEvalError
        No store, a bad config, an unknown agency, a notebook file missing, no worker
        could start, or the cluster cannot be reached.

    Examples
    --------
    >>> result = run_batch("data/store", "reports_out")  # doctest: +SKIP
    >>> print(result)  # doctest: +SKIP
    61 reports: 61 ok, 0 failed; 61 run, 0 unchanged; 38.2 s; index: reports_out/index.html
    """
    from fiscal_eval.render.kernels import Job, Outcome, WarmPool

    started = time.perf_counter()
    n_jobs = worker_count(jobs)
    if timeout <= 0:
        raise FiscalEvalError(f"timeout must be positive, not {timeout}")
    # NOTE: the workers warm up (imports, ~3 s) while the store is read and the plan made.
    pool: WarmPool | _ClusterPool = WarmPool(n_jobs).start() if cluster is None else _ClusterPool(cluster)
    stack = contextlib.ExitStack()
    try:
        specs = load_config(config, notebooks)
        root = Path(store).resolve()
        info = _read_store(root, _known_store(Path(out)))
        if agency is not None and agency not in info.agencies:
            known = ", ".join(info.agencies[:10]) + (" …" if len(info.agencies) > 10 else "")
            raise FiscalEvalError(
                f"no reports of agency {agency!r} in the store at {root} (agencies: {known or 'none'})"
            )

        _check_notebooks(specs, info)

        outdir = Path(out)
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if storage_errno(exc):
                raise StorageError("create the output folder", outdir, exc) from None
            raise
        outdir = outdir.resolve()
        # NOTE: one batch at a time per output folder (two would overwrite each other's state).
        stack.enter_context(exclusive(outdir / ".batch.lock",
                                      busy=f"another batch is writing {outdir}; try again when it ends"))
        code = _code_hash()
        state: dict[str, ReportRun] = {}
        for name, entry in _load_state(outdir).items():
            run = _from_state(entry) if isinstance(entry, dict) else None
            if run is not None and name == run.name:
                state[name] = run
        # One agency's batch plans that agency's pages, the year overviews and the pages of
        # earlier runs (to keep or drop them), not the 133,000 pages of a national store.
        plan = _plan(specs, info, _one_agency(agency, specs, state) if agency is not None else None)
        navs = _navigation([item for item in plan if item.spec.group != "lessons" or lessons])
        selected = [
            item for item in plan
            if (item.spec.group != "lessons" or lessons)
            and (agency is None or item.values.get("agency") == agency)
        ]
        # Reports no longer due (an agency gone from the store, a kind removed): page and row go.
        current = {item.name for item in plan}
        for name in [n for n in state if n not in current]:
            page = _inside(outdir, state[name].html)
            if page is not None:
                page.unlink(missing_ok=True)
            del state[name]

        due: list[tuple[Planned, str]] = []
        skipped = 0
        for item in selected:
            key = _input_key(item, info, code)
            before = state.get(item.name)
            page = _inside(outdir, before.html) if before is not None else None
            if (not force and before is not None and before.status == "ok" and before.key == key
                    and page is not None and page.is_file()):
                state[item.name] = replace(before, skipped=True)
                skipped += 1
                continue
            due.append((item, key))
        if limit is not None:
            due = due[: max(0, limit)]
        by_name = {item.name: (item, key) for item, key in due}
        failed: list[ReportRun] = []
        generation, fingerprint = info.generation, info.fingerprint
        made_at = datetime.now(UTC).isoformat(timespec="seconds")
        next_save = 0.0  # see record: when the state is next written

        def record(outcome: Outcome) -> None:
            nonlocal next_save
            item, key = by_name[outcome.name]
            run = ReportRun(
                name=item.name,
                kind=item.spec.kind,
                title=item.title,
                parameters={k: v for k, v in item.parameters.items() if k != "store"},
                notebook=Path(item.notebook).name,
                html=f"{item.name}.html" if outcome.html_written else None,
                status=outcome.status,
                error_name=outcome.error_name,
                error_value=outcome.error_value,
                cell=outcome.cell,
                execution_count=outcome.execution_count,
                made_at=outcome.finished_at or made_at,
                seconds=outcome.seconds,
                run_seconds=outcome.run_seconds,
                export_seconds=outcome.export_seconds,
                generation=generation,
                fingerprint=fingerprint,
                synthetic=item.synthetic,
                key=key if outcome.status == "ok" else "",
            )
            page = outdir / f"{item.name}.html"
            refused = _refused_write(outcome, page)
            if refused is not None:
                # NOTE: the disk refused the new page (pages are written to a temporary file
                # and renamed, so the old one is whole): keep it, record the report as not
                # redone, and stop: every page after this one would fail the same way.
                state[item.name] = replace(run, html=None)
                needed = page.stat().st_size if page.is_file() else None
                raise StorageError(f"write the report page {page.name}", page, refused, needed)
            # NOTE: a report whose page was not written keeps its older page on disk (a
            # failed write never deletes a good page); the index, run.html None, no longer
            # links it, and the next batch runs the report again.
            state[item.name] = run
            if run.status != "ok":
                failed.append(run)
            # NOTE: written as reports end (a killed batch keeps what it made), but at most
            # once every _SAVE_SECONDS, and at most a tenth of the time: a national batch's
            # state holds 133,000 reports (12 s to write); written after every report, it
            # made a whole batch quadratic. The finally below writes the last of it.
            if time.perf_counter() >= next_save:
                began = time.perf_counter()
                _save_state(outdir, state, info)
                next_save = time.perf_counter() + max(_SAVE_SECONDS, 10 * (time.perf_counter() - began))
            advance(note=item.name)

        for item in selected:  # reports skipped keep their row; refresh what the plan knows now
            if item.name in state and state[item.name].skipped:
                state[item.name] = replace(state[item.name], title=item.title, synthetic=item.synthetic)

        try:
            with progress_bar("reports", len(due), progress) as advance:
                if due:
                    jobs_ = [
                        Job(name=item.name, notebook=item.notebook, parameters=item.parameters,
                            html=str(outdir / f"{item.name}.html"), title=item.title, timeout=float(timeout),
                            nav=navs.get(item.name, ""))
                        for item, _ in due
                    ]
                    pool.shrink(len(jobs_))
                    try:
                        pool.run(jobs_, record)
                    except RuntimeError as exc:
                        raise FiscalEvalError(str(exc)) from None
        finally:
            _save_state(outdir, state, info)
            order = {item.name: i for i, item in enumerate(plan)}
            listed = sorted(state.values(), key=lambda r: order.get(r.name, len(order)))
            seconds = time.perf_counter() - started
            ran = len(due)
            result = BatchResult(
                out=outdir,
                index=outdir / "index.html",
                reports=tuple(listed),
                ran=ran,
                skipped=skipped,
                failed=tuple(failed),
                seconds=seconds,
                store={"path": str(root), "generation": generation, "fingerprint": fingerprint, **info.counts},
            )
            bad = sum(1 for r in listed if r.status != "ok")
            summary = f"共 {len(listed)} 页" + (f"，{bad} 页未能生成" if bad else "")
            _write(result.index, _render_index(outdir, listed, info, made_at, summary).encode("utf-8"),
                   "write the batch's index")
        if pdf:
            from fiscal_eval.render.pdf import write_pdfs

            pages = [outdir / r.html for r in result.reports
                     if r.status == "ok" and r.html and (outdir / r.html).is_file()]
            result = replace(result, pdf=write_pdfs([result.index, *pages], jobs=n_jobs, timeout=timeout))
        return result
    finally:
        pool.close()
        stack.close()


# --------------------------------------------------------------------------- on a cluster


class _ClusterPool:
    """:class:`~fiscal_eval.render.kernels.WarmPool`'s interface over a dask cluster.

    Each report is rendered on a worker (:func:`_render_on_worker`) into a temporary
    folder there; its page comes back as bytes and is written here, atomically, before
    the outcome is recorded, so the output folder needs no shared storage (the store
    does). A report lost with its worker is a failed report, as a local worker's death is.
    """

    def __init__(self, cluster: Any) -> None:
        from fiscal_eval.store.cluster import connect

        self._stack = contextlib.ExitStack()
        self._client = self._stack.enter_context(connect(cluster))

    def shrink(self, jobs: int) -> None:
        pass  # NOTE: the cluster's size is its own

    def run(self, jobs: Sequence[Any], on_done: Any) -> None:
        from fiscal_eval.render.kernels import Outcome
        from fiscal_eval.store.cluster import map_bounded

        for job, result in map_bounded(self._client, _render_on_worker, jobs, ordered=False):
            if isinstance(result, BaseException):
                outcome = Outcome(name=job.name, status="failed", error_name="WorkerLost",
                                  error_value=f"lost on the cluster ({type(result).__name__}: {result})"[:2000],
                                  finished_at=datetime.now(UTC).isoformat(timespec="seconds"))
            else:
                outcome, page = result
                if page is not None:
                    try:
                        write_atomic(Path(job.html), page)
                    except OSError as exc:
                        outcome = replace(outcome, status="failed", html_written=False,
                                          error_name=f"write: {type(exc).__name__}", error_value=str(exc)[:2000])
            on_done(outcome)

    def close(self) -> None:
        self._stack.close()


# On a worker: warm pools of one template each, kept between reports (one a worker thread).
_idle_pools: list[Any] = []
_idle_lock = threading.Lock()


def _render_on_worker(job: Any) -> tuple[Any, bytes | None]:
    """A dask task: render one report as the local batch does (a warm template's forked
    child, with its timeout), into a temporary folder; return its outcome and page bytes."""
    import tempfile

    from fiscal_eval.render.kernels import WarmPool

    with _idle_lock:
        pool = _idle_pools.pop() if _idle_pools else None
    pool = pool or WarmPool(1).start()
    try:
        with tempfile.TemporaryDirectory(prefix="fiscal-eval-page-") as tmp:
            local = replace(job, html=os.path.join(tmp, "page.html"))
            outcomes: list[Any] = []
            pool.run([local], outcomes.append)
            outcome = outcomes[0]
            written = outcome.html_written and os.path.isfile(local.html)
            page = Path(local.html).read_bytes() if written else None
    except BaseException:
        pool.close()
        raise
    with _idle_lock:
        _idle_pools.append(pool)
    return outcome, page
