"""`fiscal-eval`: the command line, thin over the library.

Each command turns its options into one library call and prints the result; no parsing
or metric logic lives here. Exit codes: 0 done (even if some inputs are ``failed`` or
``partial``: they are rows, not errors), 1 ``--strict`` and some input was not fully
read, ``batch`` and some report failed, ``eval`` and a threshold it was given not met,
or ``check`` and the store is damaged, 2 fiscal_eval could not go on
(:class:`~fiscal_eval.errors.FiscalEvalError`; a full disk, a read-only folder or a
permission refused too), bad usage, or a folder named holds nothing to read, 3 an
unexpected internal error (a bug; set ``FISCAL_EVAL_DEBUG=1`` for the traceback). No
input ever makes the command print a Python traceback.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import metadata
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fiscal_eval import parse_paths
from fiscal_eval.api import iter_reports
from fiscal_eval.errors import FiscalEvalError, StorageError, storage_errno
from fiscal_eval.model import Report
from fiscal_eval.present.display import percent, wan
from fiscal_eval.sources import display_path

if TYPE_CHECKING:  # pragma: no cover
    from fiscal_eval.evaluation import Evaluation

__all__ = ["app"]

T = TypeVar("T")

app = typer.Typer(
    name="fiscal-eval",
    help="Parse, audit and report on budget-performance self-evaluation reports (绩效自评报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Exit codes (module docstring).
EXIT_NOT_ALL_OK = 1
EXIT_ERROR = 2
EXIT_BUG = 3

_STATUSES = ("ok", "partial", "failed")
_MISSING = "—"


def _version_callback(value: bool) -> None:
    """Print the installed version and stop (eager ``--version``)."""
    if value:
        try:
            version = metadata.version("fiscal_eval")
        except metadata.PackageNotFoundError:  # running from a source tree, not installed
            version = "unknown (not installed)"
        typer.echo(f"fiscal-eval {version}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = None,
) -> None:
    """Parse, audit and report on budget-performance self-evaluation reports (绩效自评报告)."""


def _fail(message: str, code: int) -> NoReturn:
    """Print ``error: message`` to stderr (controls escaped: it may name a file) and exit with ``code``."""
    typer.echo(f"error: {_terminal_safe(message)}", err=True)
    raise typer.Exit(code)


def _call(fn: Callable[..., T], *args: object) -> T:
    """Call the library; turn its exceptions into an ``error:`` line and an exit code."""
    try:
        return fn(*args)
    except FiscalEvalError as exc:
        _fail(str(exc) or type(exc).__name__, EXIT_ERROR)
    except OSError as exc:
        if not storage_errno(exc):
            _unexpected(exc)
        # NOTE: a full disk, a read-only folder, a permission: the machine's state, not a
        # bug. The library names these where it knows what it was doing (StorageError);
        # any other place still gets a plain message and exit 2.
        _fail(str(StorageError("go on", exc.filename or "the file system", exc)), EXIT_ERROR)
    except Exception as exc:
        _unexpected(exc)


def _unexpected(exc: Exception) -> NoReturn:
    """A bug, not bad input; keep tracebacks off users' screens (exit 3)."""
    if os.environ.get("FISCAL_EVAL_DEBUG"):
        raise exc
    _fail(
        f"internal error ({type(exc).__name__}: {exc}); this is a bug in fiscal_eval, "
        "rerun with FISCAL_EVAL_DEBUG=1 for the traceback",
        EXIT_BUG,
    )


# --------------------------------------------------------------------------- parse


def _plain(value: object) -> Text:
    """A table cell that shows document text literally (no rich markup or emoji codes,
    controls escaped)."""
    if value is None:
        return Text(_MISSING)
    if isinstance(value, float):
        return Text(f"{value:g}")
    return Text(_terminal_safe(value))


def _summary(reports: Sequence[Report] | Counter[str]) -> str:
    """``5 files: 4 ok, 1 partial, 0 failed`` (of the reports, or of their statuses counted)."""
    counts = reports if isinstance(reports, Counter) else Counter(r.status for r in reports)
    n = sum(counts.values())
    parts = ", ".join(f"{counts.get(s, 0)} {s}" for s in _STATUSES)
    return f"{n} file{'' if n == 1 else 's'}: {parts}"


def _each_report(paths: Sequence[str]) -> Iterator[Report]:
    """:func:`~fiscal_eval.api.iter_reports`, its exceptions an ``error:`` line and an exit
    code as :func:`_call` makes them."""
    reports = _call(iter_reports, list(paths))
    end = object()
    while (report := _call(next, reports, end)) is not end:
        yield report  # type: ignore[misc]


def _unread_paths(paths: Sequence[str], reports: Iterable[Report]) -> list[Report]:
    """The named paths that do not exist, and the named folders that held nothing to
    read (empty, or not listable).

    The library returns each as a failed report of its own, so that it shows in the
    output; a path named on the command line that reads as nothing is most likely a
    mistyped or unmounted one, so the command also ends with an error (exit 2, as
    ``ingest`` does).
    """
    # A report's source is the path as iter_input_files spells it, shown by display_path
    # (a non-UTF-8 name as \xNN): match on that, look at the real path.
    named = {display_path(str(PurePath(p))): p for p in paths}
    return [r for r in reports
            if r.status == "failed" and r.source in named
            and (os.path.isdir(named[r.source]) or not os.path.lexists(named[r.source]))]


def _refuse_unread(unread: Sequence[Report]) -> None:
    """End with one ``error:`` line a path that does not exist or a folder that held
    nothing to read, and exit 2."""
    if unread:
        for r in unread:
            typer.echo(f"error: {_terminal_safe(r.errors[0] if r.errors else r.source)}", err=True)
        raise typer.Exit(EXIT_ERROR)


def _console() -> Console:
    # NOTE: off a terminal rich would squeeze output into 80 columns and wrap names.
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 200)
    return console


def _table(reports: Sequence[Report]) -> Table:
    """The parse results as a rich table, one row a report."""
    table = Table(show_lines=False)
    for header, justify in (
        ("文件", "left"),
        ("status", "left"),
        ("agency", "left"),
        ("year", "right"),
        ("kind", "left"),
        ("预算(万元)", "right"),
        ("支出(万元)", "right"),
        ("执行率", "right"),
        ("得分", "right"),
        ("等级", "left"),
        ("errors", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for r in reports:
        table.add_row(
            _plain(PurePath(r.source).name or r.source),
            _plain(r.status),
            _plain(r.agency),
            _plain(r.year),
            _plain(r.kind),
            Text(wan(r.budget_yuan, _MISSING)),
            Text(wan(r.spent_yuan, _MISSING)),
            Text(percent(r.execution_rate_reported, _MISSING)),
            _plain(r.score),
            _plain(r.grade),
            _plain("; ".join(r.errors)),
        )
    return table


@app.command()
def parse(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Report files, or folders to read recursively (hidden files skipped).",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="One JSON object a line (the JSON contract: docs/json-contract.md)."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 unless every report parsed with status ok."),
    ] = False,
) -> None:
    """Parse reports and print one row (or one JSON line) per file read.

    Exit 2 when a path named does not exist or a folder named holds no input files (it
    is listed as failed too).
    """
    if as_json:
        # NOTE: streamed: one report is read, written and dropped before the next is read
        # (a million files held at once took 3.7 GB).
        counts: Counter[str] = Counter()
        unread: list[Report] = []
        for r in _each_report(paths):
            typer.echo(_json_safe(json.dumps(r.to_dict(), ensure_ascii=False)))
            counts[r.status] += 1
            if r.status == "failed":
                unread += _unread_paths(paths, [r])
        typer.echo(_summary(counts), err=True)  # stderr: stdout stays pure JSON lines
    else:
        reports = _call(parse_paths, list(paths))
        unread = _unread_paths(paths, reports)
        counts = Counter(r.status for r in reports)
        console = _console()
        console.print(_table(reports))
        typer.echo(_summary(counts))
    _refuse_unread(unread)
    if strict and (not counts or set(counts) != {"ok"}):
        raise typer.Exit(EXIT_NOT_ALL_OK)


# Shared by ingest and batch: the work on a dask cluster (fiscal_eval.store.cluster).
_CLUSTER_OPTION = typer.Option(
    "--cluster", metavar="ADDRESS", show_default=False,
    help="Run the work on a dask.distributed cluster: its scheduler's address (tcp://host:8786), or "
         "local:N for N local worker processes. Needs the cluster extra (pip install \"fiscal_eval[cluster]\"); "
         "the files must be at the same paths on every worker.",
)


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="DIR",
            help="Folders (read recursively) or files: the whole corpus (stored files not named are removed).",
            show_default=False,
        ),
    ],
    store: Annotated[str, typer.Option("--store", help="The store's folder.")] = "data/store",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, help="Worker processes (default: all cores).", show_default=False),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Let a DIR that does not exist or holds no input files remove stored rows "
                 "(without it such an ingest is refused, so a mistyped path cannot empty the store).",
        ),
    ] = False,
    cluster: Annotated[str | None, _CLUSTER_OPTION] = None,
) -> None:
    """Parse and audit reports into the Parquet store; unchanged files are skipped.

    Exit 2, changing nothing, when a DIR does not exist or holds no input files and stored
    rows would be removed because of it (unless --prune); exit 2 too when a DIR holds no
    input files.
    """
    # NOTE: imported here, not at the top: the store brings polars and pyarrow, which
    # `fiscal-eval parse` does not need.
    from fiscal_eval import store as _store

    # NOTE: cluster only when given: the local call stays the one it was.
    on: dict[str, Any] = {"cluster": cluster} if cluster is not None else {}
    summary = _call(lambda: _store.ingest(list(paths), store, jobs=jobs, prune=prune, **on))
    typer.echo(_terminal_lines(summary))
    if summary.unread_folders and not prune:
        for message in summary.unread_folders:
            typer.echo(f"error: {_terminal_safe(message)}", err=True)
        raise typer.Exit(EXIT_ERROR)


@app.command()
def check(
    store: Annotated[str, typer.Argument(metavar="STORE", help="The store's folder.")] = "data/store",
) -> None:
    """Verify a store: every table against the checksum and columns recorded when it was written.

    Exit 0 when it is intact, 1 when a table is damaged, missing or another table's file
    (each is named; `fiscal-eval ingest` on the same inputs rebuilds them), 2 when there
    is no store.
    """
    from fiscal_eval import store as _store

    result = _call(lambda: _store.check(store))
    typer.echo(_terminal_lines(result), err=not result.ok)
    if not result.ok:
        raise typer.Exit(EXIT_NOT_ALL_OK)


# --------------------------------------------------------------------------- audit


def _flag_rows(report: Report) -> list[dict[str, object]]:
    """A report's flags as plain dicts, each with the sentence its figure came from."""
    return [
        {
            "code": f.code, "severity": f.severity, "field": f.field, "message": f.message,
            "reported": f.reported, "expected": f.expected,
            "span": list(f.span) if f.span else None,
            "sentence": report.sentence(f.span) if f.span else None,
        }
        for f in report.flags
    ]


@app.command()
def audit(
    paths: Annotated[
        list[str],
        typer.Argument(metavar="PATH", help="Report files or folders.", show_default=False),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object a report: source, status, flags.")
    ] = False,
) -> None:
    """Recompute every figure and print what does not add up (the flag codes of docs/).

    Exit 2 when a path named does not exist or a folder named holds no input files.
    """
    reports = _call(parse_paths, list(paths))
    unread = _unread_paths(paths, reports)
    if as_json:
        for r in reports:
            typer.echo(_json_safe(json.dumps({"source": r.source, "status": r.status, "errors": list(r.errors),
                                              "flags": _flag_rows(r)}, ensure_ascii=False)))
        _refuse_unread(unread)
        return
    console = _console()
    for r in reports:
        head = Text(_terminal_safe(f"{PurePath(r.source).name}  [{r.status}]  {r.agency or _MISSING} {r.year or ''}"))
        head.stylize("bold")
        console.print(head)
        for e in r.errors:
            console.print(Text(_terminal_safe(f"  ! {e}")))
        if not r.flags:
            console.print(Text("  no flags"))
        for row in _flag_rows(r):
            line = Text(_terminal_safe(f"  {row['severity']:<7} {row['code']:<24} {row['message']}"))
            console.print(line)
            if row["sentence"]:
                console.print(Text(_terminal_safe(f"          ↳ {row['sentence']}")))
    n_flags = sum(len(r.flags) for r in reports)
    typer.echo(f"{len(reports)} file{'' if len(reports) == 1 else 's'}: {n_flags} flag{'' if n_flags == 1 else 's'}")
    _refuse_unread(unread)


# --------------------------------------------------------------------------- eval

# Characters a terminal acts on instead of showing (C0/C1 controls, DEL) and the bidi
# controls that reorder what follows them: document text is untrusted.
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _terminal_safe(text: object) -> str:
    """``text`` with every control and bidi character written as an escape (``\\x1b``,
    ``\\u202e``), so that a document cannot move the cursor, recolour or reorder the
    terminal.

    >>> _terminal_safe("甲\\x1b[31m乙\\u202e丙")
    '甲\\\\x1b[31m乙\\\\u202e丙'
    """
    return _UNSAFE_RE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def _terminal_lines(text: object) -> str:
    """Lines of ``text`` (a summary naming files) each :func:`_terminal_safe`.

    >>> print(_terminal_lines("2 files\\nrepaired: a\\x1b[2J.txt"))
    2 files
    repaired: a\\x1b[2J.txt
    """
    return "\n".join(_terminal_safe(line) for line in str(text).split("\n"))


def _json_safe(dumped: str) -> str:
    """JSON text with the C1 and bidi controls ``json.dumps`` leaves raw written as
    ``\\uXXXX`` (still valid JSON: they can only stand inside its strings)."""
    return _UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def _shown(field: str, value: str | None) -> str:
    """A label or returned value as a reader reads it: amounts in 万元, rates in %."""
    from fiscal_eval.evaluation import typed_value

    if value is None:
        return _MISSING
    typed = typed_value(field, value)
    if field.endswith("_yuan"):
        return f"{wan(typed)} 万元"
    if field == "execution_rate_reported":
        return percent(typed) or _MISSING
    return _terminal_safe(value)


def _eval_table(ev: Evaluation) -> Table:
    """The counts by field, one row a field and a total row: Chinese first."""
    from fiscal_eval.present.labels import label

    counts = ("stated", "found", "missed", "wrong", "nulls", "invented", "null_ok")
    table = Table(show_lines=False)
    table.add_column(label("field").replace(" ", "\n", 1))
    # Two-line headers (Chinese over the key): the table stays narrow enough for 100 columns.
    for column in (*counts, "found_rate", "invented_rate"):
        table.add_column(label(column).replace(" ", "\n", 1), justify="right")

    def cells(name: str, row: dict[str, Any]) -> list[Text]:
        return [Text(name), *(Text(str(row[k])) for k in counts),
                Text(percent(row["found_rate"], _MISSING) or _MISSING),
                Text(percent(row["invented_rate"], _MISSING) or _MISSING)]

    for i, row in enumerate(ev.by_field.iter_rows(named=True)):
        table.add_row(*cells(label(row["field"]), row), end_section=i == ev.by_field.height - 1)
    total = cells("合计 total", ev.totals)
    for cell in total:
        cell.stylize("bold")
    table.add_row(*total)
    return table


def _basis_table(ev: Evaluation) -> Table:
    """The values returned, by field and by what they were read from: how many, and how
    many were right, wrong or invented (Evaluation.by_basis)."""
    from fiscal_eval.present.labels import label

    columns = ("returned", "found", "wrong", "invented")
    table = Table(title="返回值的依据 what the values were read from", show_lines=False)
    table.add_column(label("field").replace(" ", "\n", 1))
    table.add_column(label("basis").replace(" ", "\n", 1))
    for column in (*columns, "right_rate"):
        table.add_column(label(column).replace(" ", "\n", 1), justify="right")
    previous = None
    for row in ev.by_basis.iter_rows(named=True):
        name = label(row["field"]) if row["field"] != previous else ""
        table.add_row(Text(name), Text(_terminal_safe(row["basis"])), *(Text(str(row[k])) for k in columns),
                      Text(percent(row["right_rate"], _MISSING) or _MISSING))
        previous = row["field"]
    return table


def _print_cases(console: Console, ev: Evaluation) -> None:
    """Every case that is not correct, with the sentence of each value."""
    from fiscal_eval.present.labels import label

    bad = ev.cases.filter(~ev.cases["outcome"].is_in(["found", "null_ok"]))
    console.print(Text(f"不正确的个案 cases not correct: {bad.height}", style="bold"))
    for c in bad.iter_rows(named=True):
        field = c["field"]
        console.print(Text(
            f"{_terminal_safe(c['source'])}  {label(field)}  {label(c['outcome'])}  "
            f"{label('label')} {_shown(field, c['label'])}  {label('returned')} {_shown(field, c['returned'])}"),
            soft_wrap=True)
        for key in ("sentence", "label_sentence", "note"):
            if c[key]:
                # soft_wrap: a sentence has no spaces for rich to break at; the terminal wraps it
                console.print(Text(f"    ↳ {label(key)}：{_terminal_safe(c[key])}"), soft_wrap=True)


@app.command("eval")
def eval_(
    labels: Annotated[
        str,
        typer.Argument(metavar="LABELS.json", show_default=False,
                       help="Labels file: a JSON list, one object a report file (README: Measuring the parser)."),
    ],
    root: Annotated[
        str | None,
        typer.Option("--root", show_default=False,
                     help="Folder the labels' `source` names are relative to (default: the labels file's folder)."),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", show_default=False,
                     help="Score only these files: a prefix (n) or a glob ('n0*.txt'); repeat for several."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object: totals, fields, files, cases, gate."),
    ] = False,
    cases: Annotated[
        bool, typer.Option("--cases", help="List every case that is not correct, with its sentences."),
    ] = False,
    by_basis: Annotated[
        bool, typer.Option("--by-basis", help="Count the values returned by what each was read from "
                                              "(a title, a form's field, the words naming an amount): "
                                              "which readings to trust on these reports."),
    ] = False,
    min_found: Annotated[
        float | None,
        typer.Option("--min-found", min=0.0, max=1.0, show_default=False,
                     help="Exit 1 unless at least this fraction of the stated fields is found (e.g. 0.9)."),
    ] = None,
    max_wrong: Annotated[
        int | None,
        typer.Option("--max-wrong", min=0, show_default=False,
                     help="Exit 1 when more stated fields than this come back with another value."),
    ] = None,
    max_invented: Annotated[
        int | None,
        typer.Option("--max-invented", min=0, show_default=False,
                     help="Exit 1 when more values than this are returned where the label is null."),
    ] = None,
) -> None:
    """Score the parser against a labels file: per field found / missed / wrong / invented.

    With any of --min-found, --max-wrong, --max-invented: exit 1 when one is not met, or
    when a file the labels name is missing or its entry invalid. Exit 2 when the labels
    file cannot be read or --only selects nothing.
    """
    from fiscal_eval.evaluation import evaluate

    ev = _call(lambda: evaluate(labels, root=root, only=list(only or ())))
    failures = ev.failures(min_found=min_found, max_wrong=max_wrong, max_invented=max_invented)
    if as_json:
        out = ev.to_dict()
        out["gate"] = {"min_found": min_found, "max_wrong": max_wrong, "max_invented": max_invented,
                       "failures": list(failures)}
        typer.echo(_json_safe(json.dumps(out, ensure_ascii=False)))
        for line in failures:
            typer.echo(f"未达标 not met: {line}", err=True)  # stderr: stdout stays one JSON object
    else:
        console = _console()
        statuses = Counter(ev.files["status"].to_list())
        scored = sum(statuses[s] for s in _STATUSES)
        selection = f"（--only {' '.join(ev.only)}）" if ev.only else ""
        console.print(Text(_terminal_safe(
            f"标注 {ev.labels}{selection}：评分文件 {scored}（"
            + "，".join(f"{s} {statuses[s]}" for s in _STATUSES)
            + f"），文件缺失 {statuses['missing']}，标注无效 {statuses['invalid']}")))
        console.print(_eval_table(ev))
        for row in ev.problems.iter_rows(named=True):
            console.print(Text(_terminal_safe(f"! {row['source']}: {row['error']}")))
        if ev.ignored_keys:
            console.print(Text(_terminal_safe(f"标注中未评分的键 keys not scored: {', '.join(ev.ignored_keys)}")))
        if by_basis:
            console.print(_basis_table(ev))
        if cases:
            _print_cases(console, ev)
        for line in failures:
            console.print(Text(f"未达标 not met: {line}"))
    if failures:
        raise typer.Exit(EXIT_NOT_ALL_OK)


# --------------------------------------------------------------------------- synth


@app.command()
def synth(
    agencies: Annotated[int, typer.Option("--agencies", min=1, help="Invented agencies.")] = 20,
    years: Annotated[int, typer.Option("--years", min=1, help="Consecutive fiscal years each.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same corpus.")] = 0,
    out: Annotated[str, typer.Option("--out", help="Folder: reports/ and truth.jsonl.")] = "data/synthetic",
    first_year: Annotated[int, typer.Option("--first-year", help="The first fiscal year.")] = 2019,
    formats: Annotated[
        str,
        typer.Option("--formats", help="Also render reports as: docx,xlsx,xls,zip,compilation,pdf,scan.pdf,"
                                       "scan.png, or 'all' (into formats/; xls needs LibreOffice; scans are "
                                       "PDF pages rasterised at 150 dpi, slightly turned, with noise)."),
    ] = "",
    per_format: Annotated[int, typer.Option("--per-format", min=1, help="Reports rendered in each format.")] = 6,
) -> None:
    """Write a synthetic corpus (marked 合成数据 SYNTHETIC) and its truth.jsonl."""
    from fiscal_eval.synth import generate
    from fiscal_eval.synth_formats import FORMATS as OFFICE
    from fiscal_eval.synth_formats import write_formats
    from fiscal_eval.synth_pdf import FORMATS as PDF
    from fiscal_eval.synth_pdf import render_corpus

    known = (*OFFICE, *PDF)
    wanted = known if formats.strip() == "all" else tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        typer.echo(f"error: unknown format {unknown[0]!r}; formats: {', '.join(known)}, all", err=True)
        raise typer.Exit(2)
    summary = _call(lambda: generate(agencies=agencies, years=years, seed=seed, out=out, first_year=first_year))
    typer.echo(f"{summary.reports} synthetic reports ({summary.agencies} agencies × {len(summary.years)} years, "
               f"{summary.flagged} with an injected discrepancy) in {summary.out}/reports; truth in "
               f"{summary.out}/truth.jsonl")
    office = tuple(f for f in wanted if f in OFFICE)
    if office:
        rendered = _call(lambda: write_formats(out, office, per_format=per_format, seed=seed))
        made = ", ".join(f"{n} {fmt}" for fmt, n in rendered.files.items())
        typer.echo(f"rendered {made} into {rendered.out}; truth of each in {PurePath(out) / 'formats_truth.jsonl'}")
    pdf = tuple(f for f in wanted if f in PDF)
    if pdf:
        target = Path(out) / "formats"
        corpus = _call(lambda: render_corpus(out, formats=pdf, limit=per_format, seed=seed, out=target))
        made = ", ".join(f"{len(paths)} {fmt}" for fmt, paths in corpus.files.items())
        typer.echo(f"rendered {made} into {target}; the truth of NAME.pdf is that of reports/NAME.txt")


# --------------------------------------------------------------------------- bench


@app.command()
def bench(
    reports: Annotated[
        int | None,
        typer.Option("--reports", min=1, show_default=False,
                     help="Corpus size for parse/ingest (default 2000, at least 10); "
                          "with --batch, reports rendered (default 12)."),
    ] = None,
    rss_reports: Annotated[
        int, typer.Option("--rss-reports", min=0, help="Corpus size for the peak-memory run (0 skips it).")
    ] = 100_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    batch: Annotated[
        bool,
        typer.Option("--batch", help="Instead: the report batch against the naive papermill + nbconvert "
                                     "loop over the same reports (batch_vs_naive, seconds_per_report)."),
    ] = False,
    store: Annotated[
        str | None,
        typer.Option("--store", show_default=False,
                     help="With --batch: the store to report on (default: a temporary samples + synthetic one)."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, show_default=False, help="With --batch: worker processes (default: all cores)."),
    ] = None,
    dask: Annotated[
        bool,
        typer.Option("--dask", help="Instead: dask_scaling, ingest and a small batch on the local engine and on "
                                    "local:1 and local:2 clusters, reports/s and ratios (needs the cluster extra)."),
    ] = False,
) -> None:
    """Measure parse, ingest, re-ingest, metrics and memory (or, with --batch, the report batch); print the figures."""
    if dask:
        from fiscal_eval.bench.dask_scaling import dask_scaling

        figures = _call(lambda: dask_scaling(reports or 400))
    elif batch:
        from fiscal_eval.bench import render

        figures = _call(lambda: render.batch_vs_naive(store, reports=reports or 12, jobs=jobs))
    else:
        if reports is not None and reports < 10:
            _fail("--reports must be at least 10 (without --batch)", EXIT_ERROR)
        from fiscal_eval import bench as _bench

        figures = _call(lambda: _bench.run(reports or 2000, rss_reports=rss_reports))
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            typer.echo(f"{key:>24}  {value}")


# --------------------------------------------------------------------------- batch


@app.command()
def batch(
    store: Annotated[str, typer.Option("--store", help="The store's folder.")] = "data/store",
    out: Annotated[str, typer.Option("--out", help="Folder for the HTML reports and index.html.")] = "reports_out",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", min=1, show_default=False, help="Reports run at once (default: all cores)."),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option("--agency", show_default=False, help="Only this agency's reports (its name as stored)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-run reports whose inputs are unchanged too.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds one report may take.")] = 600,
    lessons: Annotated[bool, typer.Option("--lessons", help="Also render the lesson notebooks.")] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, show_default=False, help="Run at most N of the reports due (a quick look)."),
    ] = None,
    notebooks: Annotated[
        str | None,
        typer.Option("--notebooks", show_default=False,
                     help="Folder of your own report notebooks (named as in batch.yml; default: the package's)."),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print each page to a PDF (A4) beside it, with "
                                                    "headless Chromium where installed (says so when not).")] = False,
    cluster: Annotated[str | None, _CLUSTER_OPTION] = None,
) -> None:
    """Render every report notebook over the store to offline HTML, with an index.html.

    Exit 1 when any report failed (each failure is listed, and shown in the index).
    """
    from fiscal_eval.render.batch import run_batch

    result = _call(lambda: run_batch(store, out, jobs=jobs, agency=agency, force=force, timeout=timeout,
                                     lessons=lessons, notebooks=notebooks, limit=limit, pdf=pdf,
                                     cluster=cluster))
    for run in result.failed:
        typer.echo(_terminal_safe(f"failed: {run.title} ({run.name}): {run.error}"), err=True)
    typer.echo(_terminal_lines(result))
    if result.pdf is not None:
        typer.echo(_terminal_lines(result.pdf), err=result.pdf.browser is None or bool(result.pdf.failed))
    if not result.ok:
        raise typer.Exit(EXIT_NOT_ALL_OK)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
