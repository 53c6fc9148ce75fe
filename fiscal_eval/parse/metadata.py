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
_STOP_EXTRA = r"|项目负责人|负责人|联系人|联系电话|资金情况|项目资金|自评得分|绩效目标"
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
    name = name.strip(" \t()（）:：")
    return re.sub(r"(?<=[局委院办厅所站队馆心校])(?:本级|部门|机关)$", "", name)


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
    meta = vocab().meta
    stop = "|".join(p.pattern for p in (meta["agency_field"], meta["project_field"])) + _STOP_EXTRA
    rx = re.compile(rf"(?P<label>{label_rx}){_FIELD_SEP}(?:\((?:公章|盖章|签章)\))?{_FIELD_SEP}"
                    rf"(?P<v>(?:(?!{stop})[^\s:,;|。、\t“”\"]){{2,40}})")
    lab = re.compile(rf"^(?:{label_rx})")
    out, pos = [], 0
    while True:
        m = rx.search(ctx.f, pos)
        if m is None:
            return out
        if lab.match(m.group("v")):
            pos = m.start("v")  # "主管部门 实施单位 X": the value is the next label
            continue
        out.append(Found(m.group("v"), m.span("v"), m.group("label"), 1))
        pos = m.end()


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
    org_then_kind = re.compile(
        r"(?:(?:19|20)\d\d\s*年度?\s*)?(?P<a>[\u4e00-\u9fff]{1,10}?(?:省|市|州|县|区|旗)[\u4e00-\u9fff]{1,25}?"
        + meta["org_suffix"].pattern.rstrip("$")
        + r")(?=\s*(?:(?:19|20)\d\d|部门|单位|整体|机关|项目|专项|财政|[\u4e00-\u9fff]{0,40}?绩效自评))")
    if title is not None:
        m = org_then_kind.search(ctx.f, title.span[0], title.span[1])
        if m and _is_org(_clean_org(m.group("a"))):
            return Found(_clean_org(m.group("a")), m.span("a"), "title", 2)
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
    for m in re.finditer(r"(?:(?:19|20)\d\d\s*年度?)(?P<a>[\u4e00-\u9fff]{3,30}?(?:局|委员会|中心|院|校|办公室|政府))"
                         r"(?=[^。\n]{0,40}?绩效(?:自评|评价))", ctx.f):
        if _is_org(m.group("a")):
            return Found(m.group("a"), m.span("a"), "sentence", 6)
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
    # Last resorts: the year written most often as "YYYY年度", then as "YYYY年" (not a date).
    for pattern, label, rank in ((r"((?:19|20)\d\d)\s*年度", "most frequent 年度", 5),
                                 (r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)", "most frequent 年", 6)):
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for m in re.finditer(pattern, f):
            counts[m.group(1)] += 1
            first.setdefault(m.group(1), m.start(1))
        if counts:
            year = counts.most_common(1)[0][0]
            return Found(int(year), (first[year], first[year] + 4), label, rank)
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
    meta = vocab().meta
    stop = "|".join(p.pattern for p in (meta["agency_field"], meta["year_field"])) + _STOP_EXTRA
    rx = re.compile(rf"(?P<label>{meta['project_field'].pattern}){_FIELD_SEP}"
                    rf"(?P<v>(?:(?!{stop})[^\s:,;|。\t“”\"]){{2,60}})")
    for m in rx.finditer(ctx.f):
        name = re.sub(r"^[\dA-Z]{10,}-", "", m.group("v").strip())  # budget code prefix
        if re.match(r"[\s|]*(?:资金计划|资金到位|预算数|年初预算|金额|指标)", ctx.f[m.end("v"):m.end("v") + 30]) \
                or re.search(r"(?:性质|规模|分数|等级|得分|金额|指标|名称|类别|单位)$", name):
            continue  # a table's header row, not a value
        if len(name) >= 2:
            return Found(name, m.span("v"), m.group("label"), 1)
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
        m = re.search(r"(?:(?:19|20)\d\d\s*年度?)?\s*(?P<p>[^\s()\d][^\s()]{1,39}?(?:项目|资金))(?:支出)?\s*"
                      r"(?:(?:19|20)\d\d\s*年度?)?\s*(?:绩效|自评)", ctx.f[lo:hi])
        if m:
            p = m.group("p")
            org = re.match(r"[\u4e00-\u9fff]{1,10}?(?:省|市|州|县|区)[\u4e00-\u9fff]{1,25}?(?:局|委员会|中心|医院|学校|中学|院|校)", p)
            if org and len(p) - org.end() >= 4:
                p = re.sub(r"^(?:19|20)\d\d\s*年度?", "", p[org.end():])
            if not re.fullmatch(r"(?:建设|乡村振兴|财政资金|专项资金|财政)?(?:项目|资金)", p) and not p.endswith("支出项目"):
                return Found(p, (lo + m.end("p") - len(p), lo + m.end("p")), "title", 3)
    m = re.search(r"对[^。\n]{0,30}?“(?P<p>[^”\n]{3,60})”[^。\n]{0,40}?(?:评价|自评)", ctx.f)
    if m:
        return Found(m.group("p"), m.span("p"), "quoted", 4)
    m = re.search(r"对(?:[^。\n,]{0,12}?年度?)?(?P<p>[^。\n,的]{4,40}?项目)的?(?:支出|资金)?(?:情况)?进行了?(?:绩效)?(?:自评|评价)", ctx.f)
    if m:
        return Found(m.group("p"), m.span("p"), "对…项目进行评价", 5)
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
