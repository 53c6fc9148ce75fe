"""The library's entry points for notebooks and scripts: files in, Reports out.

Every input gives a Report, whatever is wrong with it: an unreadable or unsupported
file is a Report with status "failed" and an error naming the file and the problem
(nothing is dropped, nothing raises for bad content). A file that holds several inputs —
an archive's members, a compilation's reports — gives one Report each
(``bundle.zip!a.docx``, ``汇编.docx#3``), a member that cannot be read a failed one.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fiscal_eval.errors import ReadError
from fiscal_eval.metrics.audit import audit
from fiscal_eval.model import Report
from fiscal_eval.parse import failed_report, parse_document
from fiscal_eval.sources import display_names, display_path, document_from_text, iter_input_files, read_documents
from fiscal_eval.util.budget import OverBudget, file_budget

__all__ = ["parse_file", "parse_file_and_hash", "parse_reports", "parse_reports_and_hash", "parse_text",
           "parse_paths", "iter_reports", "audit"]


def parse_file(path: str | Path, *, check: bool = True) -> Report:
    """Read and parse one report file (text, HTML, Word, a workbook …), never raising for
    its content. A file holding several reports (an archive, a compilation) gives a failed
    Report saying so: :func:`parse_reports` reads each of them.

    Parameters
    ----------
    path : str or Path
        The file; its name is kept as the report's ``source``.
    check : bool
        Audit the parsed figures (:func:`fiscal_eval.audit`) and attach the flags.

    Returns
    -------
    Report
        ``status`` "ok", "partial" (figures missing: see ``errors``) or "failed"
        (unreadable, unsupported, or not a report).

    Examples
    --------
    >>> r = parse_file("data/samples/000_8f7748dd4a7239a6.txt")
    >>> r.agency, r.year, r.execution_rate_reported
    ('中共保山市委网信办', 2019, 0.8461)
    >>> sorted(f.code for f in r.flags)
    ['conflicting_values', 'rate_mismatch']
    >>> parse_file("no/such/file.txt").status
    'failed'
    """
    return parse_file_and_hash(path, check=check)[0]


def parse_file_and_hash(path: str | Path, *, check: bool = True) -> tuple[Report, str | None]:
    """:func:`parse_file`, and the SHA-256 of the file's bytes (None when it could not be
    read)."""
    reports, sha = parse_reports_and_hash(path, check=check)
    if len(reports) == 1:
        return reports[0], sha
    source = display_path(path)
    reason = (f"holds {len(reports)} reports (an archive or a compilation): read them with "
              "parse_reports or parse_paths")
    return failed_report(source, _format_of(source), reason, sha256=sha), sha


def parse_reports(path: str | Path, *, check: bool = True) -> list[Report]:
    """Every report one file holds: the file itself, each member of an archive, each
    report of a compilation; one Report each, failed ones included, in order.

    >>> [r.status for r in parse_reports("data/samples/000_8f7748dd4a7239a6.txt")]
    ['ok']
    """
    return parse_reports_and_hash(path, check=check)[0]


def parse_reports_and_hash(path: str | Path, *, check: bool = True) -> tuple[list[Report], str | None]:
    """:func:`parse_reports`, and the SHA-256 of the file's bytes (None when it could not
    be read), so that a caller keeping a manifest (the store) reads each file once.

    A report's ``source`` is the path as text any output can hold
    (:func:`~fiscal_eval.sources.display_path`): a file name of non-UTF-8 bytes keeps
    them as ``\\xNN`` there, while the real path is the one opened. A member's is
    ``path!member``, a compilation's part ``path#k``.

    The file's reports are parsed under one ceiling of CPU seconds and memory
    (:mod:`fiscal_eval.util.budget`): a file that passes it is one failed report naming
    the limit. (Reading has its own limits: sizes, conversions, OCR pages and seconds.)
    """
    return _reports_and_hash(path, display_path(path), check)


def _reports_and_hash(path: str | Path, source: str, check: bool) -> tuple[list[Report], str | None]:
    """:func:`parse_reports_and_hash` of ``path``, its reports named ``source``."""
    with _collector_paused():
        found = read_documents(path, source=source)
        sha = found.sha256
        try:
            with file_budget():
                reports: list[Report] = []
                for item in found.items:
                    if isinstance(item, ReadError):
                        fmt = _format_of(item.source)
                        reports.append(failed_report(display_path(item.source), fmt, item.reason))
                        continue
                    doc = item
                    name = display_path(doc.source)
                    if doc.source != name:
                        doc = dataclasses.replace(doc, source=name)
                    reports.append(_guarded(lambda d=doc: parse_document(d), name, doc.format, check))
        except OverBudget as stop:
            return [failed_report(source, _format_of(source), stop.reason, sha256=sha)], sha
    return reports, sha


def _format_of(source: str) -> str:
    """A failed input's format, as its name says (the member's, for an archive member)."""
    name = source.rsplit("!", 1)[-1].split("#", 1)[0]
    return Path(name).suffix.lstrip(".").lower() or "unknown"


def parse_text(text: str, source: str = "<text>", *, check: bool = True) -> Report:
    """Parse a report held in memory (pasted from a web page, say).

    >>> parse_text("某局2020年度项目绩效自评报告。预算安排10万元，实际支出9万元。").spent_yuan
    90000.0
    """
    if not text.strip():
        return failed_report(source, "text", "empty text")
    try:
        with file_budget(), _collector_paused():
            return _guarded(lambda: parse_document(document_from_text(text, source)), source, "text", check)
    except OverBudget as stop:
        return failed_report(source, "text", stop.reason)


def parse_paths(paths: Iterable[str | Path], *, check: bool = True) -> list[Report]:
    """Parse files and folders (folders recursively, every non-hidden file), one Report
    per report each file holds (:func:`parse_reports`), in a stable order. A path that
    does not exist gives a failed Report.

    >>> [r.status for r in parse_paths(["data/samples"])]
    ['ok', 'ok', 'ok', 'ok', 'ok']
    """
    return list(iter_reports(paths, check=check))


def iter_reports(paths: Iterable[str | Path], *, check: bool = True) -> Iterator[Report]:
    """:func:`parse_paths` one report at a time: a file is read and parsed when the
    previous one's reports have been taken, so a million files need no more memory than
    their list of names (``fiscal-eval parse --json`` streams this way).

    Each input file is one or more reports, whatever happens to it: a folder nested
    deeper than Python's recursion limit is listed, and two file names that display
    alike (the byte 0xff and ``\\xff`` written out) are two inputs with two names
    (:func:`~fiscal_eval.sources.display_names`).

    >>> next(iter_reports(["data/samples"])).agency
    '中共保山市委网信办'
    """
    for name, path in display_names(iter_input_files(paths)):
        yield from _reports_and_hash(path, name, check)[0]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a file is read and its reports parsed.

    Reading and parsing make no reference cycles worth collecting, but millions of
    objects (cells, lines, spans): each full collection walked them all, a fifth of the
    time of a 40 MB compilation, more the bigger the file. The collector is on again
    (if it was) when the file is done, and collects whatever is left then.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _guarded(parse: Callable[[], Report], source: str, fmt: str, check: bool) -> Report:
    """``parse()`` then audit, where a bug in either (hostile text finding a path the
    parser never met) becomes this report's error instead of ending a run of thousands:
    the input still appears in the output, with a status that says what happened."""
    try:
        report = parse()
    except Exception as exc:  # NOTE: parsing never raises for content; this is a bug
        return failed_report(source, fmt, f"internal parser error ({type(exc).__name__}: {exc})")
    if not check:
        return report
    try:
        return audit(report)
    except Exception as exc:  # NOTE: as above; the parsed figures stay, unaudited
        return dataclasses.replace(
            report,
            status="partial" if report.status == "ok" else report.status,
            errors=(*report.errors, f"{source}: internal audit error ({type(exc).__name__}: {exc})"),
        )
