"""Documents that hold several reports of which the text shows only the first: a page
publishing a department's reports on several funds ("现将A绩效自评报告、B绩效自评报告、
C绩效自评报告公开如下"), a list of a unit's project forms (…自评表清单: 1 …资金自评表,
2 …经费自评表, …) before the first of them. A compilation whose reports are all there is
split into its reports before parsing (:mod:`fiscal_eval.sources.compilations`); here the
later reports are cut off, so the figures read are one report's, not the document's:
its project, money, rates and score are left unknown (the figures stay as candidates).
"""

from __future__ import annotations

import re

from fiscal_eval.parse.context import Context

__all__ = ["several_reports"]

# How far into the text the announcement or the list is looked for.
_HEAD = 3000
_GENRE = r"(?:绩效)?(?:自评|评价)(?:报告|表)"
# "现将A…自评报告、B…自评报告…公开如下": two or more reports announced in one sentence.
# (each report named: "…自评表及评价报告" is one report's form and text)
_ANNOUNCED = re.compile(rf"现将[^。\n]{{0,200}}?{_GENRE}[、和及与][^。\n、]{{4,200}}?{_GENRE}[^。\n]{{0,40}}?如下")
# A list's heading, then its entries: lines naming a project or fund's form or report.
# (not a portal's metadata field 公开目录)
_LISTING = re.compile(r"^\s*(?:目\s*录|[^\s•·\-][^\n]{0,30}(?:自评|绩效)[^\n]{0,10}清单)\s*$", re.M)
_ENTRY = re.compile(rf"^\s*(?:\d{{1,2}}[.、]?\s*)?(?P<name>[^\s\d|:：][^|\n:：]{{3,40}}?){_GENRE}\s*$", re.M)
# Entries that name no project: a report's own forms (附件1 项目支出绩效自评表).
_GENERIC_ENTRY = re.compile(r"^(?:附件\S*|附表\S*)?(?:\d{4}年度?)?(?:部门整体支出|部门整体|整体支出|项目支出|部门|单位|项目)?$")


def several_reports(ctx: Context) -> str | None:
    """Words telling that the text holds several reports (the announcement, or the list's
    entries), or None."""
    head = ctx.f[:_HEAD]
    m = _ANNOUNCED.search(head) if "现将" in head else None
    if m:
        return m.group()
    listing = _LISTING.search(head) if "清单" in head or "录" in head else None
    if listing:
        names = {e.group("name").strip() for e in _ENTRY.finditer(head, listing.end())}
        names = {n for n in names if not _GENERIC_ENTRY.match(n)}
        if len(names) >= 2:
            return "、".join(sorted(names)[:3])
    return None
