"""What each section of a report notebook shows, as small polars frames.

The notebooks (agency_report, cross_year, portfolio) call one function a section and
hand the result to :mod:`fiscal_eval.present.charts`; all selection and arithmetic lives here,
where it is tested, not in notebook cells. Columns keep the names of
:mod:`fiscal_eval.model` and the metric schemas (``execution_rate_budget`` and
``execution_rate_available`` stay apart, amounts stay in yuan); only display code
(:mod:`fiscal_eval.present.charts` and :meth:`Facts.table`) turns them into 万元 and Chinese
labels, writing figures with :mod:`fiscal_eval.present.display`.

Synthetic reports are compared and ranked only with synthetic ones, and every view that
can show synthetic data says so (:func:`synthetic_note`). No function mutates its input.

Examples in this module use ``c``, the five samples as a corpus:

>>> import fiscal_eval
>>> c = corpus_of(fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"])))
>>> default_agency_year(c)
('中共保山市委网信办', 2019)
"""

from __future__ import annotations

import functools
import operator
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import polars as pl

from fiscal_eval.errors import FiscalEvalError
from fiscal_eval.metrics import Metrics, compute, flag_counts
from fiscal_eval.metrics.trends import ranks
from fiscal_eval.model import Report
from fiscal_eval.present import findings as _findings
from fiscal_eval.present.display import percent, wan
from fiscal_eval.present.labels import (
    GRADE_CLASSES,
    ITEM,
    NO,
    NOT_AVAILABLE,
    REST_ROW,
    SUMMARY_NOTES,
    SYNTHETIC_MARK,
    SYNTHETIC_NOTE,
    VALUE,
    YES,
    grade_class,
    label,
    value_label,
)
from fiscal_eval.store import frames
from fiscal_eval.store.frames import Tables

__all__ = [
    "SYNTHETIC_NOTE", "Corpus", "Facts", "open_corpus", "clear_corpus_cache", "corpus_of",
    "default_agency_year", "resolve_agency_year", "resolve_year", "latest_year", "synthetic_note",
    # one agency, one year
    "reports_of", "report_list", "facts", "agency_facts", "funds_flow", "execution_rates", "indicator_points",
    "flags_with_sentences", "findings", "text_quality", "problems_and_measures", "peers",
    "pefa_reason", "with_grade_class", "GRADE_ORDER",
    # one agency, its years
    "series", "pefa", "flags_over_time", "recurring",
    # one year, all agencies
    "portfolio_reports", "score_distribution", "grade_distribution", "execution_vs_score",
    "rankings", "flags_by_type", "template_share_table",
    "SUMMARISE_ABOVE", "TOP_N", "summarises", "summary_note", "summary_text", "score_bins", "execution_score_bins",
    "template_share_bins", "top_with_rest",
    # tables and parsed Reports (the lessons)
    "of_agency", "agency_years", "report_text", "agency_statements", "find", "recompute", "flags_by_year",
    "corpus_summary", "evidence", "indicator_totals", "section_points", "subtotal_check",
]



@dataclass(frozen=True)
class Corpus:
    """A corpus's tables and every metric over them (what every view takes first).

    From :func:`corpus_of`, both are in memory. From :func:`open_corpus`, both are the
    store's files, read when a view asks: an attribute (``c.tables.flags``,
    ``c.metrics.per_report``) reads that whole table once, while the views read only the
    rows a page shows (:func:`_rows`: filters pushed into the Parquet scan).
    """

    tables: Tables
    metrics: Metrics


class _StoredTables:
    """The tables of one store generation, read when asked (see :class:`Corpus`)."""

    def __init__(self, folder: Path, names: tuple[str, ...], path: Any) -> None:
        self._folder, self._names, self._path = folder, names, path
        self._read: dict[str, pl.DataFrame] = {}
        self._lock = threading.Lock()
        self._memo: OrderedDict[tuple, pl.DataFrame] = OrderedDict()  # see _memoised

    def scan(self, name: str) -> pl.LazyFrame:
        if name not in self._names:
            raise AttributeError(name)
        return pl.scan_parquet(self._path(self._folder, name))

    def __getattr__(self, name: str) -> pl.DataFrame:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(name)
        with self._lock:
            if name not in self._read:
                self._read[name] = _collect(self.scan(name), self._folder)
            return self._read[name]


def _collect(frame: pl.LazyFrame, folder: Path | None = None) -> pl.DataFrame:
    try:
        return frame.collect()
    except FileNotFoundError:
        # NOTE: an ingest committed a new generation and deleted this one under us.
        raise FiscalEvalError(
            f"the store changed while this page read it ({folder.name if folder else ''} was replaced by a "
            "newer ingest): open it again (views.open_corpus)") from None


def _scan(c: Corpus, name: str, *, metric: bool = False) -> pl.LazyFrame:
    """A table of ``c`` (a metric table when ``metric``) as a LazyFrame: a store's is a
    Parquet scan, so filters and selects decide what is read."""
    holder: Any = c.metrics if metric else c.tables
    scan = getattr(holder, "scan", None)
    return scan(name) if scan is not None else getattr(holder, name).lazy()


def _rows(c: Corpus, name: str, *predicates: Any, columns: Iterable[Any] | None = None,
          metric: bool = False) -> pl.DataFrame:
    """The rows of table ``name`` matching ``predicates`` (``columns`` of them), read
    from the store only as far as they need."""
    frame = _scan(c, name, metric=metric)
    if predicates:
        frame = frame.filter(*predicates)
    if columns is not None:
        frame = frame.select(list(columns))
    return _collect(frame, getattr(c.tables, "_folder", None))


_MEMO_ENTRIES = 64  # an agency's rows, for the few agencies a kernel's pages look at


def _memoised(c: Corpus, key: tuple, read: Any) -> pl.DataFrame:
    """``read()``, kept per store corpus: a page asks for its agency's rows a dozen times
    (every view starts from the analysed report); a corpus in memory reads nothing."""
    memo = getattr(c.tables, "_memo", None)
    if memo is None:
        return read()
    with c.tables._lock:  # pyright: ignore[reportAttributeAccessIssue]  # a _StoredTables
        if key in memo:
            memo.move_to_end(key)
            return memo[key]
    frame = read()
    with c.tables._lock:  # pyright: ignore[reportAttributeAccessIssue]
        memo[key] = frame
        while len(memo) > _MEMO_ENTRIES:
            memo.popitem(last=False)
    return frame


def _agency_reports(c: Corpus, agency: str) -> pl.DataFrame:
    """The agency's readable reports, every year (one scan of the reports table)."""
    return _memoised(c, ("reports", agency), lambda: _ok(c, pl.col("agency") == agency))


_ONE_OF_MAX = 256  # values _one_of spells out; more are one is_in (the whole table is read)


def _one_of(column: str, values: pl.Series) -> pl.Expr:
    """``column`` is one of ``values`` (a null among them: or null), as an OR of
    equalities: a Parquet scan skips the row groups whose statistics rule out each (it
    does not for ``is_in``, which reads the whole column)."""
    named = values.drop_nulls().unique().sort()
    if named.len() > _ONE_OF_MAX:
        match = pl.col(column).is_in(named.implode())
    else:
        match = functools.reduce(operator.or_, (pl.col(column) == v for v in named.to_list()), pl.lit(False))
    return match | pl.col(column).is_null() if values.null_count() else match


def _agency_metrics(c: Corpus, agency: str) -> pl.DataFrame:
    """The ``metrics.per_report`` rows of the agency's readable reports, every year (one
    scan). Looked up by their regions as well: a store sorts that table by region, then
    agency (store.layout), so the scan reads the agency's row groups only."""

    def read() -> pl.DataFrame:
        regions = _agency_reports(c, agency)["region"]
        where = [pl.col("agency") == agency]
        if regions.len():
            where.append(_one_of("region", regions))
        return _ok_metrics(c, *where)

    return _memoised(c, ("per_report", agency), read)


def corpus_of(tables: Tables) -> Corpus:
    """Tables (from :func:`fiscal_eval.tables` or a store) with their metrics computed."""
    return Corpus(tables, compute(tables))


# Corpora already opened in this process, by store generation (see open_corpus), most
# recently used last; at most one generation per store and _CACHE_STORES stores.
_CACHE_STORES = 2
_corpora: OrderedDict[tuple, Corpus] = OrderedDict()
_corpora_lock = threading.Lock()


def _generation_key(store: str | Path) -> tuple:
    """What identifies the store's live generation: the store's folder, the generation's
    name and its directory's identity (device, inode, mtime), so that a store deleted and
    ingested again at the same path (``gen-000001`` once more) is not taken for the old one.
    Raises FiscalEvalError when there is no store (or a damaged one)."""
    from fiscal_eval.store import live_generation

    folder = live_generation(store)
    st = folder.stat()
    return (str(Path(store).resolve()), folder.name, st.st_dev, st.st_ino, st.st_mtime_ns)


def _stored_corpus(store: str | Path) -> Corpus:
    """The live generation as a :class:`Corpus` read on demand; its metrics are the
    stored ones, or, for a store written before ingest kept them, computed once here
    (whole tables read: run ``fiscal-eval ingest`` again to add them)."""
    from fiscal_eval.metrics.stored import METRIC_TABLES, has_metrics, metric_file
    from fiscal_eval.store import live_generation, load
    from fiscal_eval.store.frames import Tables as _Tables

    folder = live_generation(store)
    if not has_metrics(folder):
        return corpus_of(load(store))
    names = tuple(f.name for f in fields(_Tables))
    tables: Any = _StoredTables(folder, names, lambda f, n: f / f"{n}.parquet")
    metrics: Any = _StoredTables(folder, METRIC_TABLES, metric_file)
    return Corpus(tables, metrics)


def open_corpus(store: str | Path) -> Corpus:
    """The store's corpus, the first call of every report notebook: its tables and the
    metrics the ingest stored with them, read only as far as each view needs (one
    agency's page reads that agency's rows and the few aggregates it shows, whatever the
    size of the store). Nothing is computed over the corpus here, except for a store
    written before metrics were stored (docs/tables.md), whose metrics are computed once.

    The result is cached per store *generation*: opening an unchanged store again in the
    same process (another notebook on the same kernel, the explorer) returns the same
    :class:`Corpus`; an ingest that changes the store makes a new generation, and the
    next open reads that one. At most one generation per store is kept, and at most two
    stores (the least recently opened is dropped), so memory stays bounded. The corpus is
    shared: treat its frames as read-only (every function here does).
    """
    key = _generation_key(store)
    with _corpora_lock:
        cached = _corpora.get(key)
        if cached is not None:
            _corpora.move_to_end(key)
            return cached
    corpus = _stored_corpus(store)
    # NOTE: the generation read is whatever is live when it runs; cache the result only if
    # that is still the generation the key names (an ingest may have committed meanwhile).
    if _generation_key(store) == key:
        with _corpora_lock:
            for other in [k for k in _corpora if k[0] == key[0]]:
                del _corpora[other]  # the store's older generation: deleted on disk anyway
            _corpora[key] = corpus
            while len(_corpora) > _CACHE_STORES:
                _corpora.popitem(last=False)
    return corpus


def clear_corpus_cache() -> None:
    """Forget every corpus :func:`open_corpus` cached (the next open reads the store again)."""
    with _corpora_lock:
        _corpora.clear()


_READABLE = (pl.col("status") != "failed", pl.col("agency").is_not_null(), pl.col("year").is_not_null())


def _ok(c: Corpus, *predicates: Any, columns: Iterable[Any] | None = None) -> pl.DataFrame:
    """Readable reports (an agency and a year) matching ``predicates``."""
    return _rows(c, "reports", *_READABLE, *predicates, columns=columns)


def _ok_metrics(c: Corpus, *predicates: Any) -> pl.DataFrame:
    """``metrics.per_report`` rows of readable reports matching ``predicates``."""
    return _rows(c, "per_report", *_READABLE, *predicates, metric=True)


#: Grade classes, best first (labels.GRADE_CLASSES).
GRADE_ORDER: tuple[str, ...] = tuple(dict.fromkeys(GRADE_CLASSES.values()))


def with_grade_class(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with ``grade_level`` and ``grade``, as ``metrics.per_report``) with
    ``grade_class``: 优 / 良 / 中 / 差 — 优 and 优秀 one class, 中 and 中等 one … — or the
    word itself when it belongs to no known scale. The report's own word stays in ``grade``.

    >>> frame = pl.DataFrame({"grade": ["优秀", "中等", "甲"], "grade_level": [5, 3, None]})
    >>> with_grade_class(frame)["grade_class"].to_list()
    ['优', '中', '甲']
    """
    classes = {level: name for level, name in GRADE_CLASSES.items()}
    return frame.with_columns(
        pl.coalesce(pl.col("grade_level").cast(pl.Int64).replace_strict(classes, default=None, return_dtype=pl.Utf8),
                    pl.col("grade")).alias("grade_class"))


def latest_year(c: Corpus) -> int:
    """The latest fiscal year the corpus has.

    >>> latest_year(c)
    2021
    """
    years = _ok(c, columns=["year"])["year"]
    if years.len() == 0:
        raise FiscalEvalError("no readable report with an agency and a year in this store")
    return int(years.max())  # pyright: ignore[reportArgumentType]  # not empty: checked above


def default_agency_year(c: Corpus) -> tuple[str, int]:
    """The first agency (real before synthetic, then by name) and its latest year."""
    rows = (_scan(c, "reports").filter(*_READABLE).select("synthetic", "agency", "year")
            .sort("synthetic", "agency", "year", descending=[False, False, True]).head(1))
    rows = _collect(rows, getattr(c.tables, "_folder", None))
    if rows.height == 0:
        raise FiscalEvalError("no readable report with an agency and a year in this store")
    row = rows.select("agency", "year").row(0)
    return row[0], int(row[1])


def resolve_agency_year(c: Corpus, agency: str = "", year: int = 0) -> tuple[str, int]:
    """A notebook's parameters made concrete: "" = the first agency, 0 = its latest year.

    >>> resolve_agency_year(c, "和平县政务服务数据管理局")
    ('和平县政务服务数据管理局', 2020)
    """
    if not agency:
        agency, latest = default_agency_year(c)
        return agency, int(year or latest)
    years = _agency_reports(c, agency)["year"]
    if years.len() == 0:
        raise FiscalEvalError(f"no report of {agency!r} in this store")
    return agency, int(year or years.max())  # pyright: ignore[reportArgumentType]  # not empty


def resolve_year(c: Corpus, year: int = 0) -> int:
    """0 = the corpus's latest year."""
    return int(year or latest_year(c))


def synthetic_note(c: Corpus, agency: str | None = None, year: int | None = None,
                   region: str = "") -> str | None:
    """The synthetic-data warning when the selection holds synthetic reports, else None
    (a note that says how many when real and synthetic reports are mixed).

    >>> synthetic_note(c, "中共保山市委网信办", 2019) is None
    True
    """
    where = [pl.col("year") == year] if year is not None else []
    if region:
        where.append(pl.col("region") == region)
    rows = (_agency_reports(c, agency).filter(*where) if agency is not None
            else _ok(c, *where, columns=["synthetic"]))
    synthetic = int(rows["synthetic"].sum())
    if synthetic == 0:
        return None
    if synthetic == rows.height:
        return SYNTHETIC_NOTE
    return (f"{SYNTHETIC_MARK}：本页 {rows.height} 份报告中有 {synthetic} 份是程序合成的演示数据，"
            "不是任何真实机构的数据；图中以灰色或方形标出，排名只在合成报告之间进行。")


# ----------------------------------------------------------------------------- agency-year


def reports_of(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The agency's readable reports of the year, the one the page analyses first.

    An agency may publish several reports a year (a department-wide one and one per
    project). The page analyses one: the department-wide report if there is one, else the
    first project by name; ``analysed`` marks it, and the notebook lists the others.

    >>> reports_of(c, "和平县政务服务数据管理局", 2020).select("kind", "analysed").row(0)
    ('project', True)
    """
    rows = (
        _analysis_order(_agency_reports(c, agency).filter(pl.col("year") == year))
        .select("report_id", "kind", "project_name", "source", "status", "synthetic")
    )
    if rows.height == 0:
        raise FiscalEvalError(f"no report of {agency!r} for {year} in this store")
    return rows.with_columns((pl.int_range(pl.len()) == 0).alias("analysed"))


def report_list(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """:func:`reports_of` as a page lists it: kind, project, the source file's name (not
    the path it had on the machine that ingested it), how fully it was read, and which one
    the page analyses.

    >>> report_list(c, "中共保山市委网信办", 2019).row(0)
    ('project', '电子政务业务经费', '000_8f7748dd4a7239a6.txt', 'ok', True)
    """
    rows = reports_of(c, agency, year)
    names = [None if s is None else Path(s.replace("\\", "/")).name for s in rows["source"].to_list()]
    return rows.select("kind", "project_name", pl.Series("source", names, dtype=pl.Utf8), "status", "analysed")


def _analysis_order(reports: pl.DataFrame) -> pl.DataFrame:
    return reports.sort(pl.col("kind") != "department", "project_name", "source", nulls_last=False)


def _report_id(c: Corpus, agency: str, year: int) -> str:
    return reports_of(c, agency, year)["report_id"][0]


def _per_report(c: Corpus, agency: str, year: int) -> dict:
    rid = _report_id(c, agency, year)
    return _agency_metrics(c, agency).filter(pl.col("report_id") == rid).row(0, named=True)


#: What each PEFA indicator needs, in the words of its "cannot grade" reason.
_PEFA_NEEDS = {"PI-1": "预算与实际支出", "PI-2.1": "各预算线（经济分类）的预算与实际支出"}


def pefa_reason(indicator: str, years: list[int] | None, last_year: int | None) -> str:
    """Why PEFA ``indicator`` cannot be graded, in words: which years the window needs
    and which it lacks (``years``: the years with figures, ``last_year``: the window's
    last year; None when the agency has no usable year at all).

    >>> pefa_reason("PI-1", [2019], 2019)
    '需要 2017–2019 三个年度的预算与实际支出，只有 1 个年度（缺 2017、2018 年）'
    >>> pefa_reason("PI-2.1", [], None)
    '报告没有写出各预算线（经济分类）的预算与实际支出'
    """
    needs = _PEFA_NEEDS.get(indicator, "所需的数字")
    if last_year is None:
        return f"报告没有写出{needs}"
    window = list(range(int(last_year) - 2, int(last_year) + 1))
    have = sorted({int(y) for y in years or []} & set(window))
    missing = "、".join(str(y) for y in window if y not in have)
    return f"需要 {window[0]}–{window[-1]} 三个年度的{needs}，只有 {len(have)} 个年度（缺 {missing} 年）"


def _pefa_text(frame: pl.DataFrame, agency: str, indicator: str) -> tuple[str | None, str | None]:
    row = frame.filter(pl.col("agency") == agency)
    if row.height == 0:
        return None, pefa_reason(indicator, None, None)
    r = row.row(0, named=True)
    if r["pefa_grade"] is not None:
        years = r["pefa_years"] or []
        return f"{r['pefa_grade']}（{min(years)}–{max(years)}）" if years else r["pefa_grade"], None
    return None, pefa_reason(indicator, r["pefa_years"], r.get("pefa_last_year"))


@dataclass(frozen=True)
class Facts:
    """One report's key figures (names as in ``metrics.per_report``; amounts in yuan,
    rates as fractions), with the agency's PEFA grades (``None`` and a reason when the
    years or lines do not allow one)."""

    report_id: str
    agency: str
    region: str | None
    year: int
    kind: str | None
    project_name: str | None
    synthetic: bool
    budget_yuan: float | None
    budget_adjusted_yuan: float | None
    available_yuan: float | None
    spent_yuan: float | None
    arrival_rate: float | None
    execution_rate_budget: float | None
    execution_rate_available: float | None
    execution_rate_reported: float | None
    mof_execution_points: float | None
    mof_rate_basis: str | None
    score: float | None
    grade: str | None
    grade_expected: str | None
    grade_ok: bool | None
    flag_count: int
    pefa_pi1: str | None
    pefa_pi1_reason: str | None
    pefa_pi2_1: str | None
    pefa_pi2_1_reason: str | None

    @property
    def grade_class(self) -> str | None:
        """The grade's class (优 / 良 / 中 / 差: one class for 优 and 优秀 …)."""
        from fiscal_eval.metrics.grading import grade_level

        return grade_class(grade_level(self.grade)) if self.grade is not None else None

    def items(self) -> list[tuple[str, Any, str]]:
        """The facts as (column, value, how it is written): ``wan`` amounts (yuan, shown
        in 万元), ``percent`` rates (fractions), ``points``, ``int`` or ``text`` — typed
        values for a spreadsheet, :meth:`table` for a page."""

        def yes_no(x: bool | None) -> str | None:
            return None if x is None else (YES if x else NO)

        def pefa(grade: str | None, reason: str | None) -> str:
            return grade if grade is not None else f"{NOT_AVAILABLE}（{reason}）"

        grade = self.grade
        if grade is not None and self.grade_class is not None and self.grade_class != grade:
            grade = f"{grade}（{self.grade_class}档）"  # the report's word, and its class
        return [
            ("agency", self.agency, "text"), ("region", self.region, "text"), ("year", self.year, "int"),
            ("kind", None if self.kind is None else value_label("kind", self.kind), "text"),
            ("project_name", self.project_name, "text"),
            ("budget_yuan", self.budget_yuan, "wan"),
            # (only where the report states it beside the year-start budget: the rates' base)
            *([("budget_adjusted_yuan", self.budget_adjusted_yuan, "wan")]
              if self.budget_adjusted_yuan is not None else []),
            ("available_yuan", self.available_yuan, "wan"),
            ("spent_yuan", self.spent_yuan, "wan"),
            ("arrival_rate", self.arrival_rate, "percent"),
            ("execution_rate_budget", self.execution_rate_budget, "percent"),
            ("execution_rate_available", self.execution_rate_available, "percent"),
            ("execution_rate_reported", self.execution_rate_reported, "percent"),
            ("mof_execution_points",
             None if self.mof_execution_points is None else round(self.mof_execution_points, 2), "points"),
            ("score", self.score, "points"),
            ("grade", grade, "text"), ("grade_expected", self.grade_expected, "text"),
            ("grade_ok", yes_no(self.grade_ok), "text"),
            ("pefa_pi1", pefa(self.pefa_pi1, self.pefa_pi1_reason), "text"),
            ("pefa_pi2_1", pefa(self.pefa_pi2_1, self.pefa_pi2_1_reason), "text"),
            ("flag_count", self.flag_count, "int"),
        ]

    def table(self) -> pl.DataFrame:
        """The facts as display rows (项目 / 数值): amounts in 万元, rates in percent, as
        :mod:`fiscal_eval.present.display` writes them; the grade as the report writes
        it, with its class when the word differs (优秀（优档）)."""

        def shown(value: Any, how: str) -> str | None:
            if value is None:
                return None
            if how == "wan":
                return wan(value)
            if how == "percent":
                return percent(value)
            return str(value)

        items = self.items()
        return pl.DataFrame({ITEM: [label(k) for k, _, _ in items], VALUE: [shown(v, h) for _, v, h in items]},
                            schema={ITEM: pl.Utf8, VALUE: pl.Utf8})


def facts(c: Corpus, agency: str, year: int) -> Facts:
    """The analysed report's key figures: budget → available → spent, both execution
    rates and the stated one, MoF execution points (10 × min(rate, 1), 财预〔2020〕10号),
    score and grade, flags, and the agency's PEFA PI-1 / PI-2.1.

    >>> f = facts(c, "中共保山市委网信办", 2019)
    >>> f.budget_yuan, f.spent_yuan, round(f.execution_rate_available, 4), f.execution_rate_reported
    (710000.0, 600651.81, 0.846, 0.8461)
    >>> f.project_name, f.pefa_pi1, f.pefa_pi1_reason[:17]
    ('电子政务业务经费', None, '需要 2017–2019 三个年度')
    """
    r = _per_report(c, agency, year)
    r["project_name"] = _agency_reports(c, agency).filter(pl.col("report_id") == r["report_id"])["project_name"][0]
    mine = pl.col("agency") == agency
    pi1, pi1_reason = _pefa_text(_rows(c, "pefa_pi1", mine, metric=True), agency, "PI-1")
    pi2, pi2_reason = _pefa_text(_rows(c, "pefa_pi2_1", mine, metric=True), agency, "PI-2.1")
    extra = {"pefa_pi1": pi1, "pefa_pi1_reason": pi1_reason, "pefa_pi2_1": pi2, "pefa_pi2_1_reason": pi2_reason}
    values: dict[str, Any] = {f.name: extra[f.name] if f.name in extra else r.get(f.name) for f in fields(Facts)}
    return Facts(**values)


def agency_facts(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """:func:`facts` as display rows (项目 / 数值), amounts in 万元.

    >>> dict(agency_facts(c, "中共保山市委网信办", 2019).iter_rows())["预算（万元）"]
    '71.00'
    """
    return facts(c, agency, year).table()


def funds_flow(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """预算 → 到位 → 支出: ``role`` (budget / available / spent, model.Role) and
    ``amount_yuan``, for the stages the report states.

    >>> funds_flow(c, "中共保山市委网信办", 2019).rows()
    [('budget', 710000.0), ('available', 710000.0), ('spent', 600651.81)]
    """
    r = _per_report(c, agency, year)
    stages = [(role, r[f"{role}_yuan"]) for role in ("budget", "available", "spent")]
    stages = [(role, v) for role, v in stages if v is not None]
    return pl.DataFrame({"role": [s for s, _ in stages], "amount_yuan": [v for _, v in stages]},
                        schema={"role": pl.Utf8, "amount_yuan": pl.Float64})


def execution_rates(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The report's execution rates, recomputed both ways and as stated: ``metric`` (the
    metric's column name) and ``value`` (a fraction).

    >>> execution_rates(c, "中共保山市委网信办", 2019)["metric"].to_list()
    ['execution_rate_budget', 'execution_rate_available', 'execution_rate_reported']
    """
    r = _per_report(c, agency, year)
    names = ("execution_rate_budget", "execution_rate_available", "execution_rate_reported")
    rows = [(n, r[n]) for n in names if r[n] is not None]
    return pl.DataFrame({"metric": [n for n, _ in rows], "value": [v for _, v in rows]},
                        schema={"metric": pl.Utf8, "value": pl.Float64})


def indicator_points(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Scored indicators in the report's order: ``level1``, ``indicator`` (the finest
    level named: level3, else level2, else level1), ``max_points``, ``points``.

    >>> ind = indicator_points(c, "和平县政务服务数据管理局", 2020)
    >>> ind.height, ind["points"].sum()
    (21, 88.0)
    """
    rid = _report_id(c, agency, year)
    return (
        _rows(c, "indicators", pl.col("report_id") == rid)
        .select("level1", pl.coalesce("level3", "level2", "level1").alias("indicator"), "max_points", "points")
    )


def flags_with_sentences(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The audit's flags: code, severity, the field, reported and expected values, the
    message, the figure as written and the sentence it came from (document text: display
    it escaped, :func:`fiscal_eval.present.charts.table`).

    >>> f = flags_with_sentences(c, "和平县政务服务数据管理局", 2020)
    >>> f.select("code", "reported", "expected").row(0)
    ('formula_error', '(3)÷(2)', '(3)÷(1)')
    """
    rid = _report_id(c, agency, year)
    return (
        _rows(c, "flags", pl.col("report_id") == rid)
        .select("severity", "code", "field", "reported", "expected", "message", "figure", "sentence")
    )


def findings(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """The analysed report's flags as the page lists them, most severe first:
    ``severity`` graded by materiality, ``code``, ``message`` (one Chinese sentence),
    ``gap`` (the gap in words) and ``sentence`` (document text: display it escaped) —
    :func:`fiscal_eval.present.findings.graded`.

    >>> findings(c, "中共保山市委网信办", 2019).select("severity", "code", "gap").rows()
    [('warning', 'conflicting_values', '26个单位'), ('info', 'rate_mismatch', '0.01 个百分点')]
    """
    rid = _report_id(c, agency, year)
    return _findings.graded(_rows(c, "flags", pl.col("report_id") == rid)).select(
        "severity", "code", "message", "gap", "sentence")


def text_quality(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Template share, specificity and empty problem/improvement sections of the report."""
    rid = _report_id(c, agency, year)
    mine = _agency_metrics(c, agency)  # NOTE: its columns are the table's (no second footer read)
    cols = [x for x in ("sentences", "template_share", "specificity", "no_problems", "no_improvements")
            if x in mine.columns]
    return mine.filter(pl.col("report_id") == rid).select(cols)


def problems_and_measures(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Problems found, then improvements planned, as the report states them (``section``
    is ``problems`` or ``improvements``; ``text`` is document text).

    >>> problems_and_measures(c, "开远市人民政府大数据研究中心", 2020).row(0)[:2]
    ('problems', 1)
    """
    rid = _report_id(c, agency, year)
    return (
        _rows(c, "statements", pl.col("report_id") == rid)
        .sort(pl.col("section") != "problems", "position")
        .select("section", (pl.col("position") + 1).alias("position"), "text")  # counted from 1, as people do
    )


def peers(c: Corpus, agency: str, year: int) -> pl.DataFrame:
    """Reports of the same year and region, real with real and synthetic with synthetic:
    score, grade class and both execution rates, best score first; ``is_self`` marks the
    agency's own (analysed) report.

    >>> peers(c, "中共保山市委网信办", 2019)["agency"].to_list()
    ['中共保山市委网信办']
    """
    me = _per_report(c, agency, year)
    region = pl.col("region") == me["region"] if me["region"] is not None else pl.col("region").is_null()
    return (
        with_grade_class(_ok_metrics(c, pl.col("year") == year, pl.col("synthetic") == me["synthetic"], region))
        .select("agency", "kind", "score", "grade_class", "execution_rate_budget", "execution_rate_available",
                (pl.col("report_id") == me["report_id"]).alias("is_self"))
        .sort("score", "agency", descending=[True, False], nulls_last=True)
    )


# ----------------------------------------------------------------------------- cross-year


def series(c: Corpus, agency: str) -> pl.DataFrame:
    """The agency's years, oldest first: amounts (yuan), both execution rates, score,
    grade class, flags. With several reports in a year, the one the agency page analyses.

    >>> series(c, "中共保山市委网信办").select("year", "budget_yuan", "score").rows()
    [(2019, 710000.0, 97.46)]
    """
    analysed = (_analysis_order(_agency_reports(c, agency))
                .unique("year", keep="first", maintain_order=True)["report_id"])
    return (
        with_grade_class(_agency_metrics(c, agency).filter(pl.col("report_id").is_in(analysed.implode())))
        .sort("year")
        .select("year", "budget_yuan", "available_yuan", "spent_yuan", "execution_rate_budget",
                "execution_rate_available", "score", "grade_class", "flag_count")
    )


def pefa(c: Corpus, agency: str) -> pl.DataFrame:
    """PEFA PI-1 and PI-2.1 for the agency: the window's years and values, the grade, or
    why it cannot be graded (docs/rules.md: two of the last three years in the band).

    >>> pefa(c, "中共保山市委网信办").select("pefa_indicator", "pefa_status").rows()
    [('PI-1', 'insufficient_data'), ('PI-2.1', 'insufficient_data')]
    """
    rows = []
    for indicator, table in (("PI-1", "pefa_pi1"), ("PI-2.1", "pefa_pi2_1")):
        mine = _rows(c, table, pl.col("agency") == agency, metric=True)
        if mine.height == 0:
            rows.append({"pefa_indicator": indicator, "pefa_years": [], "pefa_values": [], "pefa_grade": None,
                         "pefa_status": "insufficient_data", "pefa_reason": pefa_reason(indicator, None, None)})
            continue
        r = mine.row(0, named=True)
        reason = None if r["pefa_grade"] is not None else pefa_reason(indicator, r["pefa_years"],
                                                                       r.get("pefa_last_year"))
        rows.append({k: r[k] for k in ("pefa_indicator", "pefa_years", "pefa_values", "pefa_grade", "pefa_status")}
                    | {"pefa_reason": reason})
    return pl.DataFrame(rows, schema={"pefa_indicator": pl.Utf8, "pefa_years": pl.List(pl.Int32),
                                      "pefa_values": pl.List(pl.Float64), "pefa_grade": pl.Utf8,
                                      "pefa_status": pl.Utf8, "pefa_reason": pl.Utf8})


def flags_over_time(c: Corpus, agency: str) -> pl.DataFrame:
    """Flags per year, code and severity by materiality (``flags``: how many).

    >>> flags_over_time(c, "和平县政务服务数据管理局").rows()
    [(2020, 'formula_error', 'warning', 1)]
    """
    reports = _agency_reports(c, agency).select("report_id", "year")
    flags = _findings.graded(_rows(c, "flags", _one_of("report_id", reports["report_id"]))
                             .join(reports, on="report_id"))
    return (flags.group_by("year", "code", "severity")
            .agg(pl.len().cast(pl.UInt32).alias("flags")).sort("year", "code", "severity"))


def recurring(c: Corpus, agency: str) -> pl.DataFrame:
    """Problems the agency states again in other years (``problem``, ``years``, ``count``)."""
    return _rows(c, "recurring_problems", pl.col("agency") == agency, columns=["problem", "years", "count"],
                 metric=True)


# ----------------------------------------------------------------------------- portfolio


#: Above this many readable reports in a portfolio page's year (and region) its charts and
#: its ranking summarise — counts in bins, the top of the ranking and the rest in one row —
#: instead of carrying every report, so the page stays under ~2 MB at any corpus size
#: (issue 13: 33,000 points inlined made 12.5 MB); each says so (:func:`summary_note`). At
#: or below it every report is drawn, as always: each costs the page ~330 bytes over the
#: ~1.3 MB of a small page (the Vega JavaScript is ~0.9 MB of it), so ~1.9 MB at 2,000.
SUMMARISE_ABOVE = 2_000
#: Reports a summarised ranking lists in each group (real, synthetic) before its rest row
#: (two groups and their rest rows stay within the page's 100-row table).
TOP_N = 40
#: Bin widths of the summarised charts: self-score points (those of the per-report
#: histogram too), execution rate (spent ÷ budget) and score points of the execution grid,
#: template share. Rates from RATE_CAP up share the grid's last column: a few reports with
#: rates of 300 % would otherwise stretch the axis and squeeze everyone else into a column.
SCORE_STEP = 5
RATE_STEP, RATE_CAP, GRID_SCORE_STEP = 0.05, 1.5, 2
SHARE_STEP = 0.05


def portfolio_reports(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Per-report metrics of a year (and region, if given), readable reports only."""
    return _ok_metrics(c, pl.col("year") == year, *([pl.col("region") == region] if region else []))


def summarises(c: Corpus, year: int, region: str = "", *, limit: int | None = SUMMARISE_ABOVE) -> bool:
    """Whether the portfolio page of ``year`` (and ``region``) summarises: more readable
    reports than ``limit`` (None: never). One decision for the whole page, so that its
    charts agree.

    >>> summarises(c, 2020), summarises(c, 2020, limit=1)
    (False, True)
    """
    return limit is not None and portfolio_reports(c, year, region).height > limit


def _bins(column: str, step: float, bins: int) -> list[pl.Expr]:
    """``column``'s bin as ``<column>_lo`` and ``<column>_hi``: ``bins`` bins ``step``
    wide from 0, values below 0 in the first and from the last bin's start up in the last
    (a score of 100 in 95–100, as a histogram with extent 0–100 bins it)."""
    # NOTE: an integer index, not floor(x / step) * step on floats: 0.15 / 0.05 is 2.9999…
    index = (pl.col(column) / step + 1e-9).floor().clip(0, bins - 1).cast(pl.Int64)
    return [(index * step).cast(pl.Float64).round(6).alias(f"{column}_lo"),
            ((index + 1) * step).cast(pl.Float64).round(6).alias(f"{column}_hi")]


def score_bins(frame: pl.DataFrame) -> pl.DataFrame:
    """Scored reports of ``frame`` (``score``, ``synthetic``) counted per SCORE_STEP-point
    bin from 0 to 100, real and synthetic apart: ``score_lo``, ``score_hi``,
    ``synthetic``, ``reports``; only bins holding reports.

    >>> score_bins(pl.DataFrame({"score": [88.0, 90.0, 100.0, None], "synthetic": [False] * 4})).rows()
    [(85.0, 90.0, False, 1), (90.0, 95.0, False, 1), (95.0, 100.0, False, 1)]
    """
    return (frame.drop_nulls("score").group_by(*_bins("score", SCORE_STEP, round(100 / SCORE_STEP)), "synthetic")
            .agg(pl.len().cast(pl.UInt32).alias("reports")).sort("score_lo", "synthetic"))


def execution_score_bins(frame: pl.DataFrame, rate: str = "execution_rate_budget") -> pl.DataFrame:
    """Reports of ``frame`` with ``rate`` and ``score`` counted per cell of a grid:
    RATE_STEP of rate (from RATE_CAP up in the last column) by GRID_SCORE_STEP points of
    score: ``rate_lo``, ``rate_hi``, ``score_lo``, ``score_hi``, ``reports`` and, of them,
    ``synthetic_reports``; only cells holding reports.

    >>> execution_score_bins(pl.DataFrame({"execution_rate_budget": [0.5, 0.52, 4.0], "score": [95.0, 94.0, 80.0],
    ...                                    "synthetic": [False, True, False]})).rows()
    [(0.5, 0.55, 94.0, 96.0, 2, 1), (1.5, 1.55, 80.0, 82.0, 1, 0)]
    """
    cells = [*_bins(rate, RATE_STEP, round(RATE_CAP / RATE_STEP) + 1),
             *_bins("score", GRID_SCORE_STEP, round(100 / GRID_SCORE_STEP))]
    return (frame.drop_nulls([rate, "score"]).group_by(cells)
            .agg(pl.len().cast(pl.UInt32).alias("reports"),
                 pl.col("synthetic").sum().cast(pl.UInt32).alias("synthetic_reports"))
            .rename({f"{rate}_lo": "rate_lo", f"{rate}_hi": "rate_hi"})
            .sort("rate_lo", "score_lo")
            .select("rate_lo", "rate_hi", "score_lo", "score_hi", "reports", "synthetic_reports"))


def template_share_bins(frame: pl.DataFrame) -> pl.DataFrame:
    """Reports of ``frame`` (``template_share``, ``synthetic``) counted per SHARE_STEP of
    template share from 0 to 1, real and synthetic apart: ``template_share_lo``,
    ``template_share_hi``, ``synthetic``, ``reports``.

    >>> template_share_bins(pl.DataFrame({"template_share": [0.0, 0.15, 1.0], "synthetic": [False] * 3})).rows()
    [(0.0, 0.05, False, 1), (0.15, 0.2, False, 1), (0.95, 1.0, False, 1)]
    """
    return (frame.drop_nulls("template_share")
            .group_by(*_bins("template_share", SHARE_STEP, round(1 / SHARE_STEP)), "synthetic")
            .agg(pl.len().cast(pl.UInt32).alias("reports")).sort("template_share_lo", "synthetic"))


def top_with_rest(frame: pl.DataFrame, n: int = TOP_N, *, name: str = "agency",
                  sums: Iterable[str] = ("flag_count",), group: str = "synthetic") -> pl.DataFrame:
    """The first ``n`` rows of each ``group`` (in ``frame``'s order), each group followed
    by one row standing for the rest of it: ``name`` says how many (labels.REST_ROW), the
    ``sums`` columns hold their totals, the others are empty. A group of ``n`` rows or
    fewer is kept whole, without a rest row.

    >>> f = pl.DataFrame({"agency": ["甲", "乙", "丙"], "flag_count": [1, 2, 3], "synthetic": [False] * 3})
    >>> top_with_rest(f, 1).rows()
    [('甲', 1, False), ('其余 2 份报告', 5, False)]
    """
    sums = [s for s in sums if s in frame.columns]
    parts: list[pl.DataFrame] = []
    for (value,), rows in frame.group_by(group, maintain_order=True):
        parts.append(rows.head(n))
        rest = rows.slice(n)
        if rest.height:
            summed = {s: rest[s].sum() for s in sums}
            row = {c: None for c in frame.columns} | summed | {
                name: REST_ROW.format(n=f"{rest.height:,}"), group: value}
            parts.append(pl.DataFrame([row], schema=frame.schema))
    return pl.concat(parts) if parts else frame


def score_distribution(c: Corpus, year: int, region: str = "", *,
                       limit: int | None = SUMMARISE_ABOVE) -> pl.DataFrame:
    """Each scored report's ``score`` with its ``grade_class`` (优 / 良 / 中 / 差) and
    ``synthetic``; counts per score bin instead (:func:`score_bins`) when the page
    summarises (:func:`summarises`)."""
    rows = (with_grade_class(portfolio_reports(c, year, region)).filter(pl.col("score").is_not_null())
            .select("agency", "score", "grade_class", "synthetic").sort("score"))
    return score_bins(rows) if summarises(c, year, region, limit=limit) else rows


def grade_distribution(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Reports per grade class (优 and 优秀 are one class …), best first (grade
    inflation: how many say 优), real and synthetic counted apart; a grade word of no
    known scale is a class of its own, last.

    >>> grade_distribution(c, 2020).rows()
    [('良', False, 1)]
    """
    rank = {g: i for i, g in enumerate(GRADE_ORDER)}
    return (with_grade_class(portfolio_reports(c, year, region)).filter(pl.col("grade_class").is_not_null())
            .group_by("grade_class", "synthetic").agg(pl.len().cast(pl.UInt32).alias("reports"))
            .sort([pl.col("grade_class").replace_strict(rank, default=len(rank), return_dtype=pl.Int32),
                   "synthetic", "grade_class"])
            .select("grade_class", "synthetic", "reports"))


def execution_vs_score(c: Corpus, year: int, region: str = "", *,
                       limit: int | None = SUMMARISE_ABOVE) -> pl.DataFrame:
    """Both execution rates against the self-score, one row per report with a score and
    a spent ÷ budget rate; counts per grid cell instead (:func:`execution_score_bins`)
    when the page summarises (:func:`summarises`)."""
    rows = (with_grade_class(portfolio_reports(c, year, region))
            .select("agency", "execution_rate_budget", "execution_rate_available", "score", "grade_class", "synthetic")
            .drop_nulls(["execution_rate_budget", "score"]))
    return execution_score_bins(rows) if summarises(c, year, region, limit=limit) else rows


def rankings(c: Corpus, year: int, region: str = "", *, limit: int | None = SUMMARISE_ABOVE) -> pl.DataFrame:
    """Reports of the year ranked by self-score and by execution rate (dense ranks, 1 =
    best; :func:`fiscal_eval.metrics.trends.ranks`) — across the year, or within the region
    when one is given — real and synthetic ranked apart (real first). When the page
    summarises (:func:`summarises`), the first TOP_N of each and one row for the rest
    (:func:`top_with_rest`).

    >>> rankings(c, 2020).select("score_rank", "agency").rows()
    [(1, '和平县政务服务数据管理局'), (None, '开远市人民政府大数据研究中心')]
    """
    rows = portfolio_reports(c, year, region)
    ranked = ranks(rows.select("report_id", "year", "score", "budget_yuan", "spent_yuan", "synthetic",
                               *(col for col in ("budget_adjusted_yuan",) if col in rows.columns)), by=("year",))
    table = (
        with_grade_class(rows.join(ranked.select("report_id", "score_rank", "execution_rate_rank"), on="report_id"))
        .sort(["synthetic", "score_rank", "execution_rate_rank", "agency"], nulls_last=True)
        .select("score_rank", "agency", "region", "kind", "score", "grade_class", "execution_rate_rank",
                "execution_rate_budget", "flag_count", "synthetic")
    )
    return top_with_rest(table) if summarises(c, year, region, limit=limit) else table


def flags_by_type(c: Corpus, year: int, region: str = "") -> pl.DataFrame:
    """Flags of the year by code and severity (by materiality): how many (``flags``)
    and in how many reports (``reports``), in :func:`fiscal_eval.metrics.flag_counts`'s
    order (most flags first, then by code, then by severity). A row per code and
    severity: as many at any corpus size, never summarised.

    >>> flags_by_type(c, 2020).columns
    ['code', 'severity', 'flags', 'reports']
    """
    ids = portfolio_reports(c, year, region)["report_id"]
    return flag_counts(_findings.graded(_rows(c, "flags", pl.col("report_id").is_in(ids.implode()))))


def template_share_table(c: Corpus, year: int, region: str = "", *,
                         limit: int | None = SUMMARISE_ABOVE) -> pl.DataFrame:
    """Template share per report of the year, highest first (``sentences`` beside it);
    counts per share bin instead (:func:`template_share_bins`) when the page summarises
    (:func:`summarises`)."""
    rows = (portfolio_reports(c, year, region)
            .select("agency", "template_share", "sentences", "synthetic")
            .drop_nulls("template_share").sort(["template_share", "agency"], descending=[True, False]))
    return template_share_bins(rows) if summarises(c, year, region, limit=limit) else rows


def _percent_points(step: float) -> str:
    return f"{step * 100:g}"


def summary_text(what: str, reports: int, total: int, *, limit: int = SUMMARISE_ABOVE, groups: str = "") -> str:
    """The note under a summarised chart or table (labels.SUMMARY_NOTES[``what``]): the
    page's ``reports``, above which count it summarises, and how the chart's ``total``
    reports are grouped.

    >>> print(summary_text("score_distribution", 33_334, 25_010))
    本页共 33,334 份报告（超过 2,000 份时汇总显示）：图中 25,010 份写了自评得分的报告按得分每 5 分分组计数，未逐份显示。
    """
    step = _percent_points(SHARE_STEP) if what == "template_share" else f"{SCORE_STEP:g}"
    return SUMMARY_NOTES[what].format(
        reports=f"{reports:,}", total=f"{total:,}", limit=f"{limit:,}", step=step,
        rate_step=_percent_points(RATE_STEP), score_step=f"{GRID_SCORE_STEP:g}", rate_max=f"{RATE_CAP:.0%}",
        n=TOP_N, groups=groups)


def summary_note(c: Corpus, year: int, region: str, what: str, *,
                 limit: int | None = SUMMARISE_ABOVE) -> str | None:
    """What the portfolio page says under ``what`` (``score_distribution``,
    ``execution_vs_score``, ``template_share`` or ``rankings``) when it summarised it —
    how many reports the chart or table stands for and how they are grouped — else None.

    >>> summary_note(c, 2020, "", "score_distribution") is None
    True
    >>> summary_note(c, 2020, "", "rankings", limit=1)
    '本页共 2 份报告（超过 1 份时汇总显示）：表中列出排名前 40 的报告，其余的合为一行（只合计审核发现）。'
    """
    if not summarises(c, year, region, limit=limit):
        return None
    assert limit is not None  # summarises() is False without one
    rows = portfolio_reports(c, year, region)
    if what == "score_distribution":
        total = rows["score"].drop_nulls().len()
    elif what == "execution_vs_score":
        total = rows.drop_nulls(["execution_rate_budget", "score"]).height
    elif what == "template_share":
        total = rows["template_share"].drop_nulls().len()
    elif what == "rankings":
        total = rows.height
    else:
        raise FiscalEvalError(f"no summary note for {what!r}")
    groups = "真实报告与合成报告各" if rows["synthetic"].n_unique() == 2 else ""
    return summary_text(what, rows.height, total, limit=limit, groups=groups)


# --------------------------------------------------------------------------- tables and Reports
# Views over a set of tables (fiscal_eval.tables, fiscal_eval.load) or one parsed Report,
# for the lessons (fiscal_eval.teaching re-exports them) and anyone reading a corpus in a
# notebook: what a cell would otherwise write as dataframe code.


def of_agency(frame: Any, agency: str) -> Any:
    """The rows of ``frame`` (a polars DataFrame with an ``agency`` column) of one agency,
    by year when there is a year column.

    >>> of_agency(pl.DataFrame({"agency": ["a", "b", "a"], "year": [2021, 2020, 2020]}), "a")["year"].to_list()
    [2020, 2021]
    """
    rows = frame.filter(pl.col("agency") == agency)
    return rows.sort("year") if "year" in rows.columns else rows


_AGENCY_COLUMNS = ("budget_yuan", "available_yuan", "spent_yuan", "arrival_rate", "execution_rate_budget",
                   "execution_rate_available", "balance_computed_yuan", "mof_execution_points", "score",
                   "grade", "flag_count")


def agency_years(metrics: Any, agency: str, *, year: int | None = None,
                 columns: Iterable[str] = _AGENCY_COLUMNS) -> Any:
    """One agency's rows of ``metrics.per_report``, one a year (only ``year``'s when
    given): ``year``, ``synthetic`` and ``columns`` — by default the amounts, both
    execution rates, arrival rate, balance, MoF points, score, grade and flag count."""
    rows = of_agency(metrics.per_report, agency)
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    return rows.select("year", "synthetic", *columns)


def report_text(tables: Any, agency: str, year: int) -> str:
    """The document text of an agency's report for ``year`` (a synthetic one begins with
    its 【合成数据 SYNTHETIC】 banner)."""
    ids = tables.reports.filter(pl.col("agency") == agency, pl.col("year") == year)["report_id"]
    texts = tables.texts.filter(pl.col("report_id").is_in(ids.implode()))["text"].to_list()
    if len(texts) != 1:
        raise FiscalEvalError(f"{len(texts)} reports of {agency} for {year}, expected one")
    return texts[0]


def agency_statements(tables: Any, agency: str, section: str = "problems") -> Any:
    """An agency's stated problems (or ``section="improvements"``), one a row, by year."""
    rows = tables.statements.filter(pl.col("section") == section).join(
        tables.reports.select("report_id", "agency", "year", "synthetic"), on="report_id")
    return of_agency(rows, agency).select("year", "synthetic", "position", "text")


def find(report: Report, *words: str) -> str:
    """The sentences (table rows: their line) of ``report`` holding any of ``words``, in
    text order, one a line — to read a figure where the report states it.

    >>> import fiscal_eval
    >>> r000 = fiscal_eval.parse_file("data/samples/000_8f7748dd4a7239a6.txt")
    >>> print(find(r000, "预算执行率为"))  # doctest: +ELLIPSIS
    2019年,市财政局收回项目资金...预算执行率为84.61%。
    """
    first: dict[str, int] = {}  # sentence -> where it was first found
    for word in filter(None, words):
        start = report.text.find(word)
        while start >= 0:
            sentence = report.sentence((start, start + len(word)))
            first[sentence] = min(first.get(sentence, start), start)
            start = report.text.find(word, start + len(word))
    return "\n".join(sorted(first, key=first.__getitem__))


def recompute(report: Report, label: str) -> float:
    """The value of the calculation a report writes out for ``label`` (004:
    预算完成率＝(15.8+335.46-72.08-2.05)/(15.8+335.46-72.08)×100%), as a fraction.

    >>> import fiscal_eval
    >>> round(recompute(fiscal_eval.parse_file("data/samples/004_45e604a4b21bbf7f.txt"), "预算完成率"), 6)
    0.992657
    """
    from fiscal_eval.parse.rates import evaluate

    for arithmetic in report.arithmetic:
        if arithmetic.label == label:
            return evaluate(arithmetic.expression)
    raise FiscalEvalError(f"{report.source} writes out no calculation of {label}")


def flags_by_year(tables: Any, agency: str | None = None) -> Any:
    """The audit flags with their report's agency and year and the sentence behind each;
    only ``agency``'s (by year) when given."""
    flags = tables.flags.join(tables.reports.select("report_id", "agency", "year", "synthetic"), on="report_id")
    if agency is not None:
        flags = of_agency(flags, agency)
    return flags.select("agency", "year", "synthetic", "code", "severity", "field", "reported", "expected",
                        "sentence")


def corpus_summary(tables: Any) -> Any:
    """Real and synthetic apart: how many reports, agencies and fiscal years a set of
    tables holds."""
    return (tables.reports.group_by("synthetic")
            .agg(pl.len().alias("reports"), pl.col("agency").n_unique().alias("agencies"),
                 pl.col("year").n_unique().alias("years"))
            .sort("synthetic"))


def evidence(report: Report, *fields: str) -> Any:
    """Where ``fields`` (all the report states, when none are named) came from: one row a
    field, with the figure as written and its sentence."""
    rows = frames.tables([report]).evidence
    if fields:
        rows = rows.filter(pl.col("field").is_in(list(fields)))
    return rows.select("field", "figure", "sentence")


def indicator_totals(report: Report) -> dict[str, float]:
    """A report's indicator points and maximum points, each added up (an indicator
    without points, "—" in the form, adds nothing).

    >>> import fiscal_eval
    >>> indicator_totals(fiscal_eval.parse_file("data/samples/003_0aae5738ae055c76.txt"))
    {'points': 88.0, 'max_points': 100.0}
    """
    return {what: sum(getattr(i, what) or 0.0 for i in report.indicators) for what in ("points", "max_points")}


def section_points(report: Report) -> dict[str, float]:
    """The points of a report's indicators added up per 一级指标 (level1), in order.

    >>> import fiscal_eval
    >>> section_points(fiscal_eval.parse_file("data/samples/004_45e604a4b21bbf7f.txt"))
    {'投入': 17.0, '过程': 59.0, '产出及效率': 20.0}
    """
    sums: dict[str, float] = {}
    for ind in report.indicators:
        if ind.level1 is not None and ind.points is not None:
            sums[ind.level1] = sums.get(ind.level1, 0.0) + ind.points
    return sums


def subtotal_check(report: Report) -> Any:
    """Per stated section subtotal (小计): what the report states beside what its items
    add up to (:func:`section_points`), and the difference — the audit's
    ``score_subtotal_mismatch`` laid out as a table."""
    sums = section_points(report)
    rows = [(s.label, s.points, sums.get(s.label)) for s in report.subtotals]
    frame = pl.DataFrame(rows, schema={"section": pl.Utf8, "stated": pl.Float64, "items_sum": pl.Float64},
                         orient="row")
    return frame.with_columns((pl.col("items_sum") - pl.col("stated")).alias("difference"))


# --------------------------------------------------------------------------- the index


#: The columns :func:`index_figures` reads of the reports and flags tables (the batch
#: reads only these from the store).
INDEX_REPORT_COLUMNS: tuple[str, ...] = (
    "report_id", "source", "agency", "region", "year", "kind", "project_name", "status", "synthetic",
    "budget_yuan", "budget_adjusted_yuan", "available_yuan", "spent_yuan", "score", "grade", "grade_scheme")
INDEX_FLAG_COLUMNS: tuple[str, ...] = (
    "report_id", "code", "severity", "field", "reported", "expected", "message", "figure")


def index_figures(reports: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """One row an agency-year, for the index: the report an agency page analyses (the
    department-wide one first), its ``region``, ``kind``, ``score``, ``grade_class``,
    ``execution_rate_budget``, and its flags by severity by materiality (``error``,
    ``warning``, ``info``: how many); by region, agency and year.

    >>> import fiscal_eval
    >>> t = fiscal_eval.tables(fiscal_eval.parse_paths(["data/samples"]))
    >>> index_figures(t.reports, t.flags).filter(pl.col("agency") == "中共保山市委网信办").select(
    ...     "grade_class", "error", "warning", "info").row(0)
    ('优', 0, 1, 1)
    """
    from fiscal_eval.metrics.execution import execution_metrics
    from fiscal_eval.metrics.grading import grade_metrics

    ok = reports.filter(pl.col("status") != "failed", pl.col("agency").is_not_null(), pl.col("year").is_not_null())
    analysed = _analysis_order(ok).unique(["agency", "year"], keep="first", maintain_order=True)
    rates = execution_metrics(analysed).select("report_id", "execution_rate_budget")
    grades = grade_metrics(analysed).select("report_id", "grade_level")
    mine = flags.filter(pl.col("report_id").is_in(analysed["report_id"].implode()))
    graded = _findings.graded(mine) if mine.height else mine.with_columns(pl.lit(None, pl.Utf8).alias("gap"))
    counts = {s: graded.filter(pl.col("severity") == s).group_by("report_id").agg(pl.len().alias(s))
              for s in ("error", "warning", "info")}
    out = analysed.select("report_id", "region", "agency", "year", "kind", "project_name", "synthetic", "score",
                          "grade").join(rates, on="report_id", how="left").join(grades, on="report_id", how="left")
    for severity, frame in counts.items():
        out = out.join(frame, on="report_id", how="left").with_columns(pl.col(severity).fill_null(0).cast(pl.Int64))
    return (with_grade_class(out)
            .sort(pl.col("region").fill_null("\uffff"), "agency", "year")
            .select("region", "agency", "year", "kind", "project_name", "synthetic", "score", "grade", "grade_class",
                    "execution_rate_budget", "error", "warning", "info"))
