"""Document -> Report: the parse stage. It reads what the report states and where; it
makes no judgement (whether the figures agree is :mod:`fiscal_eval.metrics.audit`'s).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import TypeGuard, TypeVar, get_args

from fiscal_eval.model import Candidate, Document, Evidence, Kind, RateStatement, Report, Status, rate_budget_field
from fiscal_eval.parse.bundles import several_reports
from fiscal_eval.parse.context import Context
from fiscal_eval.parse.funds import (
    choose_funds,
    extract_amounts,
    named_for_the_project,
    one_of_the_titles_funds,
    spent_by_rate,
)
from fiscal_eval.parse.indicators import prose_indicators, table_indicators
from fiscal_eval.parse.metadata import (
    find_agency,
    find_kind,
    find_project_name,
    project_field_span,
    several_forms,
    several_projects,
    forms_of_one_project,
    find_published_date,
    find_region,
    find_title,
    find_year,
    title_funds,
)
from fiscal_eval.parse.narrative import find_quantities, problems_and_improvements
from fiscal_eval.parse.normalize import normalize_document
from fiscal_eval.parse.rates import choose_rate, extract_arithmetic, extract_rates
from fiscal_eval.parse.scores import (
    Found,
    as_found,
    choose_grade,
    choose_score,
    find_grade_scale,
    find_subtotals,
)
from fiscal_eval.parse.vocab import vocab

__all__ = ["parse_document", "failed_report"]

# A report that says it is synthetic (the generator's reports all do).
_SYNTHETIC = re.compile(r"合成数据|SYNTHETIC", re.IGNORECASE)
_GENRE = re.compile(r"绩效|自评|评价")
_T = TypeVar("_T")


def _synthetic(head: str) -> bool:
    """``_SYNTHETIC.search(head)``, scanned only where it can match: its case-blind scan
    is slow, and "SYNTHETIC" cannot match without a Y (no other character folds to y)."""
    if "合成数据" in head:
        return True
    return ("y" in head or "Y" in head) and _SYNTHETIC.search(head) is not None


def failed_report(source: str, source_format: str, reason: str, text: str = "",
                  sha256: str | None = None) -> Report:
    """A Report for an input that could not be read or is not a report at all."""
    rid = (sha256 or hashlib.sha256(f"{source}\0{reason}".encode("utf-8", "surrogatepass")).hexdigest())[:16]
    return Report(source=source, report_id=rid, source_format=source_format,
                  status="failed", errors=(f"{source}: {reason}",), text=text)


def parse_document(doc: Document) -> Report:
    """Parse a Document into a Report, every stated figure with its evidence.

    Never raises for content: problems become ``errors`` and the ``status``
    ("ok", "partial" — a report missing key figures —, or "failed" — not a report).

    Examples
    --------
    >>> from fiscal_eval.model import Document
    >>> doc = Document(source="t.txt", format="text", text=(
    ...     "某县某局2021年度项目绩效自评报告\\n年初预算安排100万元，实际支出95万元，"
    ...     "预算执行率为95.00%。自评得分92分，自评结果：优秀。"))
    >>> r = parse_document(doc)
    >>> r.agency, r.year, r.budget_yuan, r.spent_yuan, r.execution_rate_reported, r.grade
    ('某县某局', 2021, 1000000.0, 950000.0, 0.95, '优秀')
    """
    # Mirror noise (traditional characters, pinyin glosses, spam lines …): the rules read
    # the normalised text, and every span comes back pointing into the original.
    norm = normalize_document(doc)
    if norm is None:
        return _at_the_cut(_parse(doc), doc, doc)
    return _at_the_cut(norm.restore(_parse(norm.document)), doc, norm.document)


def _parse(doc: Document) -> Report:
    ctx = Context(doc)
    evidence: dict[str, Evidence] = {}
    # Field -> the values it was chosen from (or declined), each with why it won or lost.
    candidates: dict[str, tuple[Candidate, ...]] = {}

    def keep(field: str, found: Found | None):
        if found is None:
            return None
        evidence[field] = ctx.evidence(found.span, found.label)
        return found.value

    # ---------------------------------------------------------------- tables first:
    # they mark the rows they consumed, so prose extractors do not read them twice.
    indicators, table_total = table_indicators(ctx)
    amounts = extract_amounts(ctx)
    rates = extract_rates(ctx)
    arithmetic = extract_arithmetic(ctx)
    indicators += prose_indicators(ctx)

    # ---------------------------------------------------------------- metadata
    title = find_title(ctx)
    if title is not None:
        evidence["title"] = ctx.evidence(title.span, "title")
    def choose(field: str, choice):  # metadata.Choice: keep its candidates when they say something
        if choice.keep:
            candidates[field] = choice.candidates
        return keep(field, choice.found)

    agency = _of(str, choose("agency", find_agency(ctx, title)))
    region = find_region(ctx, agency)
    year = _of(int, choose("year", find_year(ctx, title)))
    field_span = project_field_span(ctx)
    kind = _kind(choose("kind", find_kind(ctx, title, field_span is not None, field_span)))
    project_name = _of(str, choose("project_name", find_project_name(ctx, title, kind)))
    published = _of(str, keep("published_date", find_published_date(ctx)))

    # ---------------------------------------------------------------- money
    values: dict[str, float | None] = {}
    chosen_from = one_of_the_titles_funds(named_for_the_project(amounts, project_name, ctx.f), title_funds(ctx))
    for field, choice in choose_funds(chosen_from, ctx.f).items():
        if choice.candidates:
            candidates[field] = choice.candidates
        part = None
        if choice.option is not None and kind == "department":
            # "(三)专项资金安排及支出情况: …安排专项资金5.6万元" in a department-wide report: one
            # kind of the department's money (beside its 基本支出, 追加预算, 上年结转), not its whole;
            # "…等5个项目…。信访补贴项目…:项目全年预算数2.03万元": one of its projects' money.
            part = LOST_DEPARTMENT_PART if _DEPARTMENT_PART.search(choice.option.label) \
                else LOST_DEPARTMENT_PROJECT if _projects_money(ctx, choice.option.label, choice.option.span[0]) \
                else None
        if part is not None and choice.option is not None:
            candidates[field] = _declined(choice.candidates, choice.value,
                                          ctx.evidence(choice.option.span, choice.option.label), part)
        elif choice.option is not None:
            values[field] = choice.value
            evidence[field] = ctx.evidence(choice.option.span, choice.option.label)
    if values.get("budget_yuan") is None and values.pop("budget_adjusted_yuan", None) is not None:
        evidence.pop("budget_adjusted_yuan", None)  # (the adjusted budget only ever beside its year-start one)
    rate_values: dict[str, float | None] = {}
    stated_rates: dict[str, RateStatement] = {}  # field -> the statement chosen
    for field, concepts in (("execution_rate_reported", vocab().execution_concepts),
                            ("arrival_rate_reported", ("arrival",))):
        choice = choose_rate(ctx, rates, concepts)
        if choice.candidates:
            candidates[field] = choice.candidates
        if choice.option is not None:
            rate_values[field] = choice.value
            stated_rates[field] = choice.option.ref
            evidence[field] = ctx.evidence(choice.option.span, choice.option.label)

    if values.get("spent_yuan") is None and "spent_yuan" not in candidates:
        # No amount named as spent: money paid out that the stated rate confirms (funds.spent_by_rate).
        rate = stated_rates.get("execution_rate_reported")
        base = values.get(rate_budget_field(values.get("budget_adjusted_yuan")))
        paid = rate and spent_by_rate(amounts, base, rate.value, rate.decimals,
                                      ctx.sentence_bounds(rate.span[0]))
        if paid:
            values["spent_yuan"] = paid.line.amount_yuan
            evidence["spent_yuan"] = ctx.evidence(paid.line.span, paid.line.label)
            candidates["spent_yuan"] = (Candidate(paid.line.amount_yuan, paid.line.span, paid.line.label,
                                                  f"“{paid.line.label}”（除以预算等于所写执行率）", True, ""),)

    # ---------------------------------------------------------------- scores
    score_choice = choose_score(ctx, table_total)
    score_found = as_found(score_choice)
    score = _of(float, keep("score", score_found))
    # Scores that disagree with none chosen (each project scored on its own): a grade
    # stated beside one of them is that project's.
    item_scores = (tuple(c.span for c in score_choice.candidates)
                   if score_found is None and len({c.value for c in score_choice.candidates}) > 1 else ())
    grade_choice = choose_grade(ctx, score_found, item_scores)
    grade = _of(str, keep("grade", as_found(grade_choice)))
    for field, choice in (("score", score_choice), ("grade", grade_choice)):
        if choice.candidates:
            candidates[field] = choice.candidates
    scale = find_grade_scale(ctx)
    subtotals = find_subtotals(ctx, score_found)
    problems, improvements = problems_and_improvements(ctx)

    bundle = several_reports(ctx) or several_forms(ctx)
    if bundle is not None:
        # Several reports, the later ones cut off: what was read is the first one's.
        lost = f"文件含多份报告（{bundle[:60]}），所读数字只属其中一份"
        # (one project's forms for two years: the project's name is the file's, its figures not)
        one_project = forms_of_one_project(ctx)
        named = () if one_project else (("project_name", project_name),)
        for field, value in (*named, ("score", score), ("grade", grade),
                             *values.items(), *rate_values.items()):
            if value is not None:
                candidates[field] = _declined(candidates.get(field, ()), value, evidence.pop(field, None), lost)
        project_name = project_name if one_project else None
        score = grade = None
        values = dict.fromkeys(values)
        rate_values = dict.fromkeys(rate_values)

    status, errors = _status(doc, budget=values.get("budget_yuan"), available=values.get("available_yuan"),
                             spent=values.get("spent_yuan"), score=score, agency=agency, year=year)
    return Report(
        source=doc.source,
        report_id=(doc.sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest())[:16],
        source_format=doc.format,
        text=doc.text,
        agency=agency,
        region=region,
        year=year,
        kind=kind,
        project_name=project_name,
        published_date=published,
        budget_yuan=values.get("budget_yuan"),
        budget_adjusted_yuan=values.get("budget_adjusted_yuan"),
        available_yuan=values.get("available_yuan"),
        spent_yuan=values.get("spent_yuan"),
        balance_yuan=values.get("balance_yuan"),
        execution_rate_reported=rate_values.get("execution_rate_reported"),
        arrival_rate_reported=rate_values.get("arrival_rate_reported"),
        score=score,
        grade=grade,
        grade_scale=scale,
        synthetic=_synthetic(doc.text[:2000]),
        evidence=evidence,
        fund_lines=tuple(a.line for a in amounts),
        rates=tuple(rates),
        arithmetic=tuple(arithmetic),
        indicators=tuple(indicators),
        subtotals=tuple(subtotals),
        sections=tuple(ctx.sections),
        quantities=tuple(find_quantities(ctx)),
        problems=tuple(problems),
        improvements=tuple(improvements),
        candidates=candidates,
        status=status,
        errors=errors,
    )


def _of(kind: type[_T], value: object) -> _T | None:
    """A found value as the type its finder makes (None stays None): checked, not converted."""
    assert value is None or isinstance(value, kind), value
    return value


def _is_kind(value: object) -> TypeGuard[Kind]:
    return value in get_args(Kind)


def _kind(value: object) -> Kind | None:
    """The kind found (find_kind makes only Kind's words; None stays None)."""
    assert value is None or _is_kind(value), value
    return value


def _declined(candidates: tuple[Candidate, ...], value: object, ev: Evidence | None,
              lost: str) -> tuple[Candidate, ...]:
    """A field's candidates with the chosen one (or the single value read) declined."""
    if not candidates:
        candidates = (Candidate(value, ev.span if ev else (0, 0), ev.label if ev else "", "", True, ""),)
    return tuple(Candidate(c.value, c.span, c.label, c.reason, False, lost) if c.chosen else c
                 for c in candidates)


# Money of one kind among a department's (its special funds, an addition to its budget, last
# year's carry-over), unless the words say it is all of it.
_DEPARTMENT_PART = re.compile(r"^(?!.*(?:部门|整体|全部|合计|总计|共计|总额)).*(?:专项资金|专项经费|追加|上年结转)")
LOST_DEPARTMENT_PART = "部门整体支出报告中，此为部门资金的一部分（专项资金、追加或结转），不是部门的总数"
# A project's money ("项目全年预算数") where the department's report counts several projects,
# or its projects' money ("部门预算项目共4个,共计44万元"): not the department's whole
# (not a form's 项目名称 line, nor a sentence about the 部门整体 itself).
_ONE_PROJECT = re.compile(r"\s*(?:该|此|本)?项目(?!支出|名称)")
_PROJECTS_COUNTED = re.compile(r"项目(?:共|总计|合计)?\s*\d+\s*个|\d+\s*个(?:预算)?项目")
_DEPARTMENT_WHOLE = re.compile(r"部门整体|整体支出")
LOST_DEPARTMENT_PROJECT = "部门整体支出报告列有多个项目，此为其中一个项目的资金，不是部门的总数"


def _projects_money(ctx: Context, label: str, pos: int) -> bool:
    """Whether the figure at ``pos`` (named by ``label``) is a project's money, or the projects',
    in a department-wide report: its words count projects, or open with 项目 where the text
    counts several — not in a sentence about the department's whole."""
    lo, hi = ctx.sentence_bounds(pos)
    if _DEPARTMENT_WHOLE.search(ctx.f, lo, hi):
        return False
    return _PROJECTS_COUNTED.search(label) is not None or (
        (_ONE_PROJECT.match(label) is not None or _ONE_PROJECT.match(ctx.f, lo) is not None) and several_projects(ctx))


# The formats whose text may be an excerpt of a page, cut wherever a length cap fell (an
# HTML file's text ends where its markup does, often in a table's last cell, as a Word
# file's or a workbook's ends where the file does).
_EXCERPTABLE = frozenset({"text", "markdown"})
# How a text stops when it was cut short: inside a figure (a digit, or the point or comma
# after one) or a word, not at a line's end or a closing mark; or inside a multi-byte
# character the cut broke into U+FFFD.
_FIGURE_END = re.compile(r"\d[.,，]?\Z")
_WORD_END = re.compile(r"\w\Z")


def _cut_short(text: str) -> tuple[int, bool] | None:
    """Where ``text`` was cut, if it stops mid-statement, and whether inside a figure.

    >>> _cut_short("自评得分9"), _cut_short("自评得分98分"), _cut_short("得分98。\\n")
    ((5, True), (7, False), None)
    """
    end = len(text.rstrip("\ufffd"))
    tail = text[max(0, end - 2):end]  # (searched alone: a search of the text tries every position)
    if end == 0 or (end == len(text) and not _WORD_END.search(tail)):
        return None
    return end, _FIGURE_END.search(tail) is not None


def _at_the_cut(report: Report, doc: Document, parsed: Document) -> Report:
    """``report`` (of ``doc``, parsed as ``parsed``, normalised or not) without the values
    its text's last characters state when the text was cut there (their candidates say so).

    A text may be an excerpt of a page cut anywhere (_EXCERPTABLE): the value at the cut
    may have lost digits or words (自评得分9 of 自评得分98; 项目名称:某某水库等1 of
    …等13宗). Told on the original text: the normalised one may end in the spaces its
    joins moved to the line's end.
    """
    # (a compilation's part before its last ends where the next report starts, uncut)
    followed = "part" in doc.metadata and doc.metadata["part"] != doc.metadata.get("parts")
    cut = (_cut_short(doc.text) if doc.format in _EXCERPTABLE and not followed and report.status != "failed"
           else None)
    if cut is None:
        return report
    at, in_figure = cut
    # (a grade word is cut only where another begins with it: 优 of 优秀, not 优秀 itself)
    partial_grade = report.grade is not None and any(
        word != report.grade and word.startswith(report.grade) for word in vocab().grade_words)
    fields = ("agency", "project_name", *(("grade",) if partial_grade else ()),
              *(("score", "budget_yuan", "available_yuan", "spent_yuan", "balance_yuan",
                 "execution_rate_reported", "arrival_rate_reported") if in_figure else ()))
    dropped = [field for field in fields if getattr(report, field) is not None
               and field in report.evidence and report.evidence[field].span[1] >= at]
    if not dropped:
        return report
    evidence, candidates = dict(report.evidence), dict(report.candidates)
    for field in dropped:
        candidates[field] = _declined(candidates.get(field, ()), getattr(report, field), evidence.pop(field),
                                      "文本在此中断，所读数字或名称可能不全")
    report = dataclasses.replace(report, evidence=evidence, candidates=candidates, **dict.fromkeys(dropped))
    status, errors = _status(parsed, budget=report.budget_yuan, available=report.available_yuan,
                             spent=report.spent_yuan, score=report.score, agency=report.agency, year=report.year)
    return dataclasses.replace(report, status=status, errors=errors)


def _status(doc: Document, *, budget: float | None, available: float | None, spent: float | None,
            score: float | None, agency: str | None, year: int | None) -> tuple[Status, tuple[str, ...]]:
    """ok / partial / failed for a report of these fields, with the reasons in plain
    words (worked out before the Report is made, so it is made once)."""
    errors = [f"{doc.source}: {w}" for w in doc.warnings]
    has_money = any(v is not None for v in (budget, available, spent))
    if not has_money and score is None and not _GENRE.search(doc.text):
        errors.append(f"{doc.source}: not a budget-performance self-evaluation report "
                      "(no amounts, no score, no 绩效/自评 wording found)")
        return "failed", tuple(errors)
    missing = []
    if budget is None and available is None:
        missing.append("the budget (no 年初预算 / 预算安排 / 全年预算数 / 实际到位 amount found)")
    if spent is None:
        missing.append("the amount spent (no 实际支出 / 全年执行数 / 总支出 amount found)")
    if agency is None:
        missing.append("the agency (no 主管部门 field, title, signature or 发布机构)")
    if year is None:
        missing.append("the fiscal year evaluated")
    errors += [f"{doc.source}: missing {m}" for m in missing]
    # A reader stopped by a limit (pages, time) read only part of the file (its warning says why).
    return ("partial" if missing or doc.metadata.get("incomplete") else "ok"), tuple(errors)
