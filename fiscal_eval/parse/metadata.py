"""Who reports, for which year, on what: agency, region, fiscal year, kind, project name,
published date. Each found value keeps its span; candidates are ranked, best first."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from fiscal_eval.parse.context import Context, clean_label
from fiscal_eval.parse.scores import Found
from fiscal_eval.parse.vocab import vocab

__all__ = ["find_title", "find_agency", "find_region", "find_year", "find_kind",
           "find_project_name", "find_published_date"]

_FIELD_SEP = r"[\s:|•·\t]*"
_NAME = r"[^\s:,;|。、\t“”\"]{2,40}"
_REGION = re.compile(r"^(?:中共)?(?P<r>[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|省|市|州|盟|县|区|旗))")
_REGION_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:省|市|州|盟|县|区|旗)$")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]\s*(?P<m1>\d{1,2})\s*[-/.]\s*(?P<d1>\d{1,2})(?!\d)"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日)"
)


def _is_org(name: str) -> bool:
    return bool(vocab().meta["org_suffix"].search(name)) and not _REGION_ONLY.match(name)


def _clean_org(name: str) -> str:
    name = vocab().meta["stamp"].sub("", name)
    return name.strip(" \t()（）:：")


def find_title(ctx: Context) -> Found | None:
    """The title: an early line naming the genre (…绩效自评报告)."""
    rx = vocab().meta["title"]
    pos = 0
    for _ in range(40):
        end = ctx.f.find("\n", pos)
        end = len(ctx.f) if end < 0 else end
        line = ctx.f[pos:end]
        # A title is a line of its own: no table cells, no sentence punctuation.
        if rx.search(line) and len(line.strip()) <= 90 and not re.search(r"[\t|,;。]", line.strip()):
            lead = len(line) - len(line.lstrip())
            return Found(ctx.text[pos + lead:end].rstrip(), (pos + lead, end), "title", 1)
        if end >= len(ctx.f):
            break
        pos = end + 1
    return None


def _field_value(ctx: Context, label_rx: str) -> list[Found]:
    rx = re.compile(rf"(?P<label>{label_rx}){_FIELD_SEP}(?:\((?:公章|盖章|签章)\))?\s*(?P<v>{_NAME})")
    return [Found(m.group("v"), m.span("v"), m.group("label"), 1) for m in rx.finditer(ctx.f)]


def find_agency(ctx: Context, title: Found | None) -> Found | None:
    """The reporting agency: a form field (主管部门…), the title before its year, the
    signature above the closing date, the portal's 发布机构, a sentence naming the
    agency before the year evaluated — in that order."""
    meta = vocab().meta
    for found in _field_value(ctx, meta["agency_field"].pattern):
        name = _clean_org(found.value)  # type: ignore[arg-type]
        if _is_org(name):
            return Found(name, found.span, found.label, 1)
    if title is not None:
        m = re.match(r"\s*(?P<a>.+?)\s*(?:19|20)\d\d\s*年", ctx.f[title.span[0]:title.span[1]])
        if m:
            name = _clean_org(m.group("a"))
            if _is_org(name):
                lo = title.span[0] + m.start("a")
                return Found(name, (lo, lo + len(m.group("a"))), "title", 2)
    sig = _signature(ctx)
    if sig is not None:
        return sig
    for found in _field_value(ctx, meta["publisher_field"].pattern):
        name = _clean_org(found.value)  # type: ignore[arg-type]
        if _is_org(name):
            return Found(name, found.span, found.label, 4)
    rx = re.compile(r"(?:^|[\s,;:。、])(?P<a>[^\s,;:。、\d“”\"]{3,30}?)(?:19|20)\d\d\s*年度?"
                    r"(?:部门整体支出|项目支出|财政支出|整体支出|项目)?[^。\n]{0,12}?(?:绩效|评价)")
    for m in rx.finditer(ctx.f):
        name = re.sub(r"^(?:对|关于|由|经|将|根据|本单位|我单位)", "", m.group("a"))
        if _is_org(name):
            return Found(name, m.span("a"), "sentence", 5)
    return None


def _signature(ctx: Context) -> Found | None:
    """An organisation's name alone on a line, with a date within the next lines, in the
    last part of the text: the report's signature."""
    lines = []
    pos = max(0, len(ctx.f) - 2500)
    for m in re.finditer(r"[^\n]+", ctx.f[pos:]):
        if m.group().strip():
            lines.append((pos + m.start(), m.group()))
    for i, (start, line) in enumerate(lines):
        name = line.strip()
        if not (2 < len(name) <= 30) or re.search(r"[,;。:、\d]", name) or not _is_org(name):
            continue
        nxt = [ln for _, ln in lines[i + 1:i + 3]]
        if any(_DATE.search(ln) and len(ln.strip()) <= 16 for ln in nxt):
            lo = start + line.index(name)
            return Found(name, (lo, lo + len(name)), "signature", 3)
    return None


def find_region(ctx: Context, agency: str | None) -> str | None:
    """The place the agency belongs to, from its name (保山市政务服务管理局 -> 保山市),
    else from a 县（区）/地区 field."""
    if agency:
        m = _REGION.match(agency)
        if m:
            return m.group("r")
    m = re.search(r"(?:县\(区\)|地区|市\(县\)|所属地区)[\s:]*(?P<r>[\u4e00-\u9fff]{2,8}?(?:省|市|州|县|区|旗))", ctx.f)
    return m.group("r") if m else None


def find_year(ctx: Context, title: Found | None) -> Found | None:
    """The fiscal year evaluated — not the year of publication."""
    f = ctx.f
    if title is not None:
        m = re.search(r"((?:19|20)\d\d)\s*年", f[title.span[0]:title.span[1]])
        if m:
            lo = title.span[0] + m.start(1)
            return Found(int(m.group(1)), (lo, lo + 4), "title", 1)
    patterns = [
        (r"对\s*((?:19|20)\d\d)\s*年度?[^。\n]{0,80}?(?:评价|自评)", "对…年度…评价", 2),
        (rf"(?:{vocab().meta['year_field'].pattern})[\s:|\t]*((?:19|20)\d\d)\s*年?", "field", 3),
        (r"((?:19|20)\d\d)\s*年度?(?:部门整体支出|项目支出|财政支出|整体支出|部门预算|项目)?[^。\n]{0,10}?绩效(?:自评|评价)",
         "…年度…绩效自评", 4),
    ]
    for pattern, label, rank in patterns:
        m = re.search(pattern, f)
        if m:
            return Found(int(m.group(1)), m.span(1), label, rank)
    years = Counter(m.group(1) for m in re.finditer(r"((?:19|20)\d\d)\s*年度", f))
    if years:
        year, _ = years.most_common(1)[0]
        m = re.search(year + r"\s*年度", f)
        assert m is not None
        return Found(int(year), (m.start(), m.start() + 4), "most frequent 年度", 5)
    return None


def find_kind(ctx: Context, title: Found | None, has_project_field: bool) -> Found | None:
    """project or department: the title's words, a 项目名称 field, the first headings,
    then which vocabulary the text uses more."""
    meta = vocab().meta
    if title is not None:
        t = ctx.f[title.span[0]:title.span[1]]
        if meta["department"].search(t):
            return Found("department", title.span, "title", 1)
        if re.search(r"项目", t):
            return Found("project", title.span, "title", 1)
    if has_project_field:
        return Found("project", (0, 0), "项目名称", 2)
    for s in ctx.sections[:3]:
        heading = ctx.line_bounds(s.span[0])  # the heading line, not the whole section
        if re.search(r"部门概况|部门基本情况|单位概况|单位基本情况", s.title):
            return Found("department", heading, s.title, 3)
        if re.search(r"项目基本情况|项目概况", s.title):
            return Found("project", heading, s.title, 3)
    dept = len(meta["department"].findall(ctx.f))
    proj = len(meta["project"].findall(ctx.f))
    if dept or proj:
        return Found("department" if dept > proj else "project", (0, 0), "counts", 4)
    return None


def find_project_name(ctx: Context, title: Found | None) -> Found | None:
    """The project evaluated: a 项目名称 field, the title's parentheses, the title between
    year and 绩效, or the quoted name in the sentence that says what was evaluated."""
    fields = _field_value(ctx, vocab().meta["project_field"].pattern)
    for found in fields:
        name = str(found.value).strip()
        if len(name) >= 2:
            return Found(name, found.span, found.label, 1)
    if title is not None:
        lo, hi = title.span
        # the parentheses may sit on the title line or alone on the next line
        window_end = hi
        after = ctx.f[hi:hi + 120].lstrip("\n ")
        if after.startswith("("):
            window_end = min(len(ctx.f), hi + 120)
        m = re.search(r"\((?P<p>[^()\n]{2,60})\)", ctx.f[lo:window_end])
        if m:
            return Found(m.group("p").strip(), (lo + m.start("p"), lo + m.end("p")), "title", 2)
        m = re.search(r"(?:19|20)\d\d\s*年度?\s*(?P<p>[^\s()]{2,40}?项目)(?:支出)?\s*(?:绩效|自评)", ctx.f[lo:hi])
        if m:
            return Found(m.group("p"), (lo + m.start("p"), lo + m.end("p")), "title", 3)
    m = re.search(r"对[^。\n]{0,30}?“(?P<p>[^”\n]{3,60})”[^。\n]{0,40}?(?:评价|自评)", ctx.f)
    if m:
        return Found(m.group("p"), m.span("p"), "quoted", 4)
    return None


def _iso(m: re.Match[str]) -> str | None:
    y = int(m.group("y"))
    mo = int(m.group("m1") or m.group("m2"))
    d = int(m.group("d1") or m.group("d2"))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def find_published_date(ctx: Context) -> Found | None:
    """When the report was published: a 发布日期 field, a portal timestamp alone on a line
    near the top, a 填报日期 field, the date under the signature — in that order."""
    meta = vocab().meta
    f = ctx.f
    for label_rx, rank in ((meta["date_field"].pattern, 1), (meta["filled_date_field"].pattern, 3)):
        for m in re.finditer(rf"(?:{label_rx})[\s:|\t]*", f):
            d = _DATE.match(f, m.end())
            if d and _iso(d):
                return Found(_iso(d), d.span(), clean_label(m.group()), rank)
        if rank == 1:
            # A portal prints the publishing time alone on a line under the title.
            head = f[:1500]
            for m in re.finditer(r"(?m)^[ \t]*(?P<d>(?:19|20)\d\d-\d{1,2}-\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[ \t]*$", head):
                d = _DATE.match(f, m.start("d"))
                if d and _iso(d):
                    return Found(_iso(d), d.span(), "portal timestamp", 2)
    tail_start = max(0, len(f) - 600)
    dates = [d for d in re.finditer(r"(?m)^[ \t]*" + _DATE.pattern + r"[ \t]*$", f[tail_start:])]
    if dates:
        d = _DATE.search(f, tail_start + dates[-1].start())
        if d and _iso(d):
            return Found(_iso(d), d.span(), "signature date", 4)
    return None
