"""Who reports, for which year, on what: agency, region, fiscal year, kind, project name,
published date.

Agency, year, kind and project name are each chosen from candidates: every place the
text states a value (a form field, a title, the page's publisher, a sentence …), with
the reason it is one and a tier. The best tier wins and the candidates it beat say why
they lost. Two candidates of the winning tier that name different values mean the text
contradicts itself and no rule decides: the field is None and the candidates stay for
the analyst. An invented agency or project name is worse than none.

Rules assume simplified characters (traditional text is normalised before the parser).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from fiscal_eval.model import Candidate, Span
from fiscal_eval.parse.context import Context, clean_label
from fiscal_eval.parse.scores import Found
from fiscal_eval.parse.vocab import vocab
from fiscal_eval.util.records import record

__all__ = ["Choice", "find_title", "find_agency", "find_region", "find_year", "find_kind",
           "find_project_name", "find_published_date", "title_funds"]

_FIELD_SEP = r"[\s:|•·\t]*"
_STOP_EXTRA = (r"|项目负责人|负责人|联系人|联系电话|资金情况|项目资金|自评得分|绩效目标|评价方式|评价机构"
               r"|报告日期|填报日期|专项实施期|市县财政部门|项目起止|项目主要内容"
               # the next cell of a form run together with the unit's (…局预算编码302001,
               # …中心资金投入情况(万元))
               r"|预算编码|单位编码|预算代码|单位代码|资金投入"
               # 部门整体支出绩效自评表: 部门名称 X 下属单位个数 N 整体支出规模
               r"|下属单位|整体支出规模"
               # the Hubei form's next row: 项目实施单位 X 项目类别 ☑…
               r"|项目类别|项目属性|项目类型"
               # the money grid's header right after the cell (…管理局年初预算数…)
               r"|年初预算|全年预算"
               # a web page's furniture after its 来源 field (来源:某局关键词:…, …局文字大小:[ ])
               r"|关键词|文字大小|字号|浏览次数|点击数|阅读次数|背景色|责任编辑|发布时间")
_REGION = re.compile(r"^(?:中共)?(?P<r>[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|省|市|州|盟|县|区|旗))")
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,12}?(?:镇|乡|街道|村|社区|苏木)")  # below a county: a place, not a unit
_REGION_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:省|市|州|盟|县|区|旗)$")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]\s*(?P<m1>\d{1,2})\s*[-/.]\s*(?P<d1>\d{1,2})(?!\d)"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日)"
)
# A year an essay site or a template wrote as a placeholder (20xx年, 20XX年度, 202x年,
# 20__年), or a mirror masked whole (****年; 20××年 comes out of the normaliser's masks as
# **××年): a year stands there, none the text states.
_YEAR_PLACEHOLDER = r"(?:19|20)(?:[xX]{2}|[xX＊*_]{1,2}|\d[xX＊*_])"
_MASKED_YEAR = re.compile(rf"{_YEAR_PLACEHOLDER}\s*年")
_HIDDEN_YEAR = rf"(?:{_YEAR_PLACEHOLDER}|[*＊×]{{4}})(?=\s*年)"
_HIDDEN_YEAR_AT = re.compile(rf"{_HIDDEN_YEAR}\s*年度?")
# A fiscal year as titles and sentences write it: 2021年度, 2021年, (2021年), 2018绩效 —
# not a range (2019-2020年), not part of a date or a longer number, not a bond's name
# (增发2023年国债 is the bond issued in 2023, whatever year is evaluated).
_YEAR = re.compile(r"(?<![\d\-.〔\[【])(?P<y>(?:19|20)\d\d)(?![\d\-.])(?!\s*年?度?\s*(?:国债|抗疫特别国债))"
                   r"(?!\s*年\s*\d{1,2}\s*月)\s*(?P<u>年度|年|(?=[\u4e00-\u9fff]))")
# Metadata sits near the top: titles are read in the first _TITLE_HEAD characters, the
# other rules in the first _HEAD, form fields in the first _FORM_HEAD (a report's own
# form may follow its prose; a county's compilation of reports goes on for megabytes).
_TITLE_HEAD = 4000
_HEAD = 8000
_FORM_HEAD = 30000
REJECTED = 7  # a candidate of this tier or worse is shown, never chosen (its reason says why)


# ----------------------------------------------------------------------------- candidates

@record
class _C:
    """A candidate while choosing: value, span, the words that named it, why it is a
    candidate, and its tier (1 best)."""

    value: object
    span: Span
    label: str
    reason: str
    tier: int


@record
class Choice:
    """A field's choice: the value found (or None) and every candidate with its fate."""

    found: Found | None
    candidates: tuple[Candidate, ...] = ()

    @property
    def keep(self) -> bool:
        """Whether the Report keeps the candidates: several distinct values, or a field
        the parser declined although the text offered something."""
        values = {repr(c.value) for c in self.candidates}
        return len(values) > 1 or (self.found is None and bool(self.candidates))

    @property
    def value(self):
        return None if self.found is None else self.found.value


def _choose(cands: list[_C], same: Callable[[object, object], bool] | None = None,
            fuller: Callable[[list[_C]], _C] | None = None,
            decide: Callable[[_C, list[_C]], _C | None] | None = None) -> Choice:
    """The best-tier candidate, unless one of the same tier names another value and
    ``decide`` (a rule for that clash) does not settle it: then None.

    ``same`` says when two values agree (default: equal); ``fuller`` picks, among the
    candidates agreeing with the winner, the form to report (default: the winner)."""
    if not cands:
        return Choice(None)
    same = same or (lambda a, b: a == b)
    if len(cands) == 1 and cands[0].tier < REJECTED and same(cands[0].value, cands[0].value):
        # One candidate, not rejected: what the rules below come to for it, without their
        # lists (most fields have one candidate).
        c = cands[0]
        winner = fuller([c]) if fuller else c
        if winner.value == c.value:
            return Choice(Found(winner.value, winner.span, winner.label, winner.tier))
    seen: set[tuple[str, str, Span]] = set()
    uniq = []
    for c in cands:  # the same value at the same place from two rules is one candidate
        key = (repr(c.value), c.reason, c.span)
        if key not in seen:
            seen.add(key)
            uniq.append(c)
    order = sorted(uniq, key=lambda c: (c.tier, c.span[0]))
    best = order[0]
    if best.tier >= REJECTED:
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False, c.reason)
                                  for c in order))
    rivals = [c for c in order if c.tier == best.tier and not same(c.value, best.value)]
    if rivals and decide is not None:
        decided = decide(best, [c for c in order if c.tier == best.tier])
        if decided is not None:
            best, rivals = decided, []
    if rivals:
        names = " / ".join(dict.fromkeys(str(c.value) for c in order if c.tier == best.tier))
        lost = f"同级候选值不一致（{names}），无规则可定"
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False,
                                            lost if c.tier == best.tier else "级别较低；最高级候选值互相矛盾")
                                  for c in order))
    agreeing = [c for c in order if same(c.value, best.value)]
    winner = fuller(agreeing) if fuller else best
    found = Found(winner.value, winner.span, winner.label, winner.tier)
    if all(c.value == winner.value for c in order):
        return Choice(found)  # one value, however often stated: nothing to show
    out = []
    for c in order:
        if c is winner:
            out.append(Candidate(c.value, c.span, c.label, c.reason, True, ""))
        elif same(c.value, winner.value):
            out.append(Candidate(c.value, c.span, c.label, c.reason, False,
                                 "与所选值一致（简称或全称）" if c.value != winner.value
                                 else "同一值"))
        else:
            out.append(Candidate(c.value, c.span, c.label, c.reason, False,
                                 f"不及“{winner.reason}”"))
    return Choice(found, tuple(out))


# ----------------------------------------------------------------------------- titles

@record
class _Title:
    """A title as one string without whitespace ("2021 年" -> "2021年"), where each of
    its characters sits in the text, and what kind of title it is."""

    text: str
    idx: tuple[int, ...]
    source: str  # 标题 / 文件名 / 首行标题 / 现将…如下 / 站点标题
    tier: int  # 1 the page's titles, 2 the sentence that announces the report, 3 a site's page title
    first: bool = False  # the first title of the text (its evidence)

    def span(self, i: int = 0, j: int | None = None) -> Span:
        j = len(self.text) if j is None else j
        if not self.idx:
            return (0, 0)
        i = min(i, len(self.idx) - 1)
        if j <= i:
            return (self.idx[i], self.idx[i])
        return (self.idx[i], self.idx[j - 1] + 1)


_SPACE = re.compile(r"\s")
_SPACES = re.compile(r"\s+")
_RUN = re.compile(r"\S+")


def _compact_text(f: str, lo: int, hi: int) -> str:
    """:func:`_compact`'s text alone (no offsets listed)."""
    seg = f[lo:hi]
    return _SPACES.sub("", seg) if _SPACE.search(seg) else seg


def _compact(f: str, lo: int, hi: int) -> tuple[str, list[int]]:
    """f[lo:hi] without whitespace, and each kept character's offset."""
    seg = f[lo:hi]
    if not _SPACE.search(seg):
        return seg, list(range(lo, hi))
    idx: list[int] = []
    for m in _RUN.finditer(f, lo, hi):
        idx.extend(range(m.start(), m.end()))
    return _SPACES.sub("", seg), idx


_HEADING_NUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+\.(?!\d)|[①-⑳])")
_TITLE_FIELD = re.compile(r"^\s*(?:\[\s*)?(?:标\s*题|名\s*称)\s*(?:\]\s*)?[:：]?\s*\|?\s*(?P<t>[^|]+)")
_FILE_IN_BRACKETS = re.compile(r"《(?P<n>[^《》\n]{4,100}?)\.(?:docx?|pdf|wps|xlsx?|txt)》", re.I)
_FILE_LINE = re.compile(r"^(?P<n>.{4,120}?)\.(?:docx?|pdf|wps|xlsx?)$", re.I)
# (also a page series' caption in brackets: "(直达资金)天津市…工程项目2020年度绩效自评报告")
_TITLE_PREFIX = re.compile(r"^(?:附件\d*[:：]?(?:\d+[.、])?|附表\d*[:：]?|第[一二三四五六七八九十\d]{1,3}部分|\d+、|关于(?=[\u4e00-\u9fff])"
                           r"|\((?:直达资金|资金直达|直达|备注)\))+")
_CONTINUATION = re.compile(r"^(?:转移支付|项目|支出|资金|绩效|服务|专项|经费|工作|评价|自评)")
_NO_TITLE_CHARS = re.compile(r"[\t|,;。!?；，]")
# Words a mirror masked at a line's start ("(略)", "点击查看>>") and the fragments of one or
# two characters left between them and the next words.
_MASK_BEFORE = re.compile(r"^\s*(?:(?:\(略\)|点击查看>*|\*{2,})\s*(?:\S{1,2}\s+)?)+"
                          # a spam mirror's name before a colon ("手机版大发888下载_…app版-体育在线:")
                          r"|^\s*[^:：\n]{0,40}?[A-Za-z_]{2,}[^:：\n]{0,40}?[:：]\s*(?=\S)"
                          # an essay site's lead-in ("下面是小编为大家整理的…报告(精选文档),供大家参考")
                          r"|^\s*(?:下面|以下)是[^\n,，。]{0,12}?(?:小编|编辑|站长)[^\n,，。]{0,4}?(?:为|帮|给)?(?:大家|你|您)?"
                          r"(?:精心)?(?:整理|收集|搜集|准备|带来|分享|提供|推荐)的")
_SUBJECT = re.compile(r"现(?:将|对|就)(?P<t>[^。\n]{4,90}?)(?:情况)?(?:报告|汇报|(?:予以|给予)?公开)?(?:如下|[:])")


# Essay and document-sharing sites title a page of several reports by a category
# ("学校项目绩效自评报告(通用5篇)", "…(精选10篇)", "工程项目绩效评价报告[热门]",
# "欢迎阅读…", "…报告 篇1"): that title names none of them.
_ESSAY_SITE = re.compile(r"\((?:通用|精选|优选|推荐|热门|优秀|实用|最新)?\s*\d+\s*篇\)|【[^【】]{0,6}\d+篇】"
                         r"|\[(?:热门|熱門)\]|欢迎阅读|歡迎閱讀|\s篇\s*\d+\s*$")


# A word every one of _ESSAY_SITE's matches holds: a line without any is not scanned (its
# "\s篇…$" branch entered the matcher at every character of a long line). Looked for by
# one search of the words, not a test of each in turn.
_ESSAY_WORDS = re.compile("篇|热门|熱門|欢迎阅读|歡迎閱讀")


def _essay_site(line: str) -> bool:
    return _ESSAY_WORDS.search(line) is not None and _ESSAY_SITE.search(line) is not None


_LINE = re.compile(r"[^\n]*\S[^\n]*")  # a line that is not blank
_GENRE_ALONE = re.compile(r"(?:绩效)?自评(?:结果|报告)")
# A category field's value that is a kind of page, not a report's title ("绩效自评报告", "预算绩效").
_GENRE_VALUE = re.compile(r"[ \t|]*(?=[^\s|])(?:预算)?(?:绩效)?(?:自评|评价|管理)?(?:报告|结果|公开|信息)?(?:[ \t|]|$)")
_NAMES_WORK = re.compile(r"(?:项目|资金|经费|工程)$")
_TAG = re.compile(r"<[^<>]*>")
_FIELD_OPENING = re.compile(r"(?!附件)[\u4e00-\u9fff]{2,8}[:：]")  # "评价方式:…": a field, not a title
# A portal's category field alone on its line, its value on the next ("公开目录\n绩效自评
# 报告", a metadata table printed a cell a line): the value is a category, not a title —
# unless it states a year ("文种:\n甲县水利局2023年度…自评报告": the field was empty, the
# line is the report's own title; a category names a kind of page, not a year's report).
_CATEGORY_LABEL = re.compile(r"(?:公开目录|主题分类|体裁分类|组配分类|信息分类|所属分类|信息类别|文种|栏目)[:：]?")


def _titles(ctx: Context) -> list[_Title]:
    """The titles near the top: title lines (joined when the title was broken over two
    lines, with a "(…)" line under them), a 标题/名称 field, a file name (《….docx》,
    "….pdf"), the run-in title a long first line opens with — and, a tier lower, the
    sentence announcing the report ("现将2022年度…绩效自评情况报告如下"). Cached."""
    cached = getattr(ctx, "_meta_titles", None)
    if cached is not None:
        return cached
    f = ctx.f
    genre = vocab().meta["title"]
    head = f[:_HEAD]
    lines = [m.span() for m in _LINE.finditer(f, 0, _TITLE_HEAD)]
    out: list[_Title] = []
    site: list[_Title] = []
    last_file = -9
    # The page's own lines above the report (a breadcrumb, 字号 大 中 小, 浏览次数 …) do not
    # count: "the first line" is the report's first.
    first = next((k for k, (s, e) in enumerate(lines[:20]) if not _chrome_line(f[s:e])), 0)
    for k, (s, e) in enumerate(lines[:80]):
        line = f[s:e]
        if "评" not in line and "绩效" not in line:
            continue  # no genre word: no title (most lines; compacting them all was the cost)
        stripped = line.strip()
        m = _FILE_IN_BRACKETS.search(line) or _FILE_LINE.match(stripped)
        if m:
            lo = s + (m.start("n") if m.re is _FILE_IN_BRACKETS else line.index(stripped) + m.start("n"))
            hi = lo + len(m.group("n"))
            text, idx = _compact(f, lo, hi)
            if genre.search(text):
                out.append(_Title(text, tuple(idx), "文件名", 1))
                last_file = k
                continue
        fm = _TITLE_FIELD.match(line)
        if fm:
            text, idx = _compact(f, s + fm.start("t"), s + fm.end("t"))
            if genre.search(text):
                out.append(_Title(text, tuple(idx), "标题", 1))
            continue
        if _essay_site(line):
            # an essay site's page title over the reports it collects names none of them;
            # its genre words still say what kind of reports they are (find_kind)
            stext, sidx = _compact(f, s, min(e, s + 300))
            # and the page's titles right above it are the site's too ("2017年度耕地质量提升…
            # 报告 / 合集下载 / 农田建设补助资金绩效评价报告(通用7篇)": another page's title) —
            # not a report's title over its text, the site's list of other pages under it
            # ("…自评报告 / 一、基本情况…。 / 相关推荐 / …自评报告(通用5篇)")
            if not site:
                above = [t for t in out if not t.idx or "。" not in f[t.idx[-1]:s]]
                site += [_Title(t.text, t.idx, "站点标题", 3) for t in above]
                out[:] = [t for t in out if t not in above]
            site.append(_Title(stext, tuple(sidx), "站点标题", 3))
            continue
        if k > 0 and _CATEGORY_LABEL.fullmatch(f[lines[k - 1][0]:lines[k - 1][1]].strip(" \t|")) \
                and not _YEAR_AT.search(line):
            continue  # (a line stating a year is the report's title: the field's value was empty)
        if (cm := _CATEGORY_LABEL.match(stripped)) is not None and not _YEAR_AT.search(stripped, cm.end()) \
                and _GENRE_VALUE.match(stripped, cm.end()):
            continue  # "公开目录 绩效自评报告 发布日期 2024-03-27": the field and its value, a kind of page
        if cm is not None:  # "公开目录 甲山县档案馆部门整体支出绩效自评报告": the title, after its field
            s += line.index(stripped) + cm.end()
            line = f[s:e]
            stripped = line.strip()
        if k > 0 and _GENRE_ALONE.fullmatch(stripped):
            # "市公路局2020年度公路养护类项目 / 自评结果": the genre words on a line of their
            # own under the project's name
            ps, pe = lines[k - 1]
            ptext, pidx = _compact(f, ps, pe)
            if len(ptext) <= 40 and _NAMES_WORK.search(ptext) and not re.search(r"[:：|,;。]", ptext) \
                    and not _HEADING_NUM.match(ptext):
                text, idx = _compact(f, s, e)
                out.append(_Title(ptext + text, tuple(pidx + idx), "标题", 1))
                continue
        mask = _MASK_BEFORE.match(line)
        if mask:  # "(略) 分 某某资金绩效自评": the mirror masked the words before the title
            s += mask.end()
        text = _compact_text(f, s, min(e, s + 300))  # a title is short; a run-in one opens its line
        gm = genre.search(text)
        if gm is None or _HEADING_NUM.match(text) or text.startswith(("-", "•", "·")) \
                or "首页" in text or "位置" in text \
                or ">" in (_TAG.sub("", line) if "<" in line else line) \
                or _FIELD_OPENING.match(text):
            continue  # a heading, an item of the portal's metadata list, a breadcrumb, a field (评价方式:…)
        if gm.group() == "自评结果" and (k > first or len(_PROJECT_RESULT_LINE.findall(f)) > 1):
            continue  # "…项目自评结果" heads a report only as its first line, the one such line
        idx = _compact(f, s, min(e, s + 300))[1]  # (only for the lines kept: most are headings)
        if len(text) <= 90 and e - s <= 300 and not _NO_TITLE_CHARS.search(line.strip()):
            if k > 0:  # a title broken over two lines
                ps, pe = lines[k - 1]
                ptext, pidx = _compact(f, ps, pe)
                if (len(ptext) <= 40 and not re.search(r"[:：|,;。!?\t【】\[\]]", ptext)
                        and not genre.search(ptext) and not _HEADING_NUM.match(ptext)
                        and not re.search(r"\d{4}[-/]\d{1,2}|\d{1,2}:\d\d", ptext)
                        and ((not _YEAR.search(text) and _YEAR.search(ptext)) or _CONTINUATION.match(text))):
                    text, idx = ptext + text, pidx + idx
            if k + 1 < len(lines):  # "(项目名)" alone under the title
                ns, ne = lines[k + 1]
                ntext, nidx = _compact(f, ns, ne)
                if re.fullmatch(r"\([^()]{2,60}\)", ntext) and not re.search(r"\([^()]*\)$", text):
                    text, idx = text + ntext, idx + nidx
            out.append(_Title(text, tuple(idx), "标题", 1))
        elif (k < first + 2 or k - last_file <= 2) and 4 <= gm.end() <= 70 and not re.search(r"[|:：,;。]", text[:gm.end()]):
            # The run-in title a long first line opens with (line breaks lost), and a
            # short "(2021年度)" right after it.
            end = gm.end()
            pm = re.match(r"\([^()]{2,20}\)", text[end:])
            if pm:
                end += pm.end()
            out.append(_Title(text[:end], tuple(idx[:end]), "首行标题", 1))
    if not any(t.tier == 1 for t in out):
        out += _mid_line_title(f, genre)
    sm = _SUBJECT.search(head)
    if sm and re.search(r"绩效|自评|评价", sm.group("t")):
        text, idx = _compact(f, sm.start("t"), sm.end("t"))
        out.append(_Title(text, tuple(idx), "现将…如下", 2))
    if out:
        out[0] = _Title(out[0].text, out[0].idx, out[0].source, out[0].tier, True)
    ctx._meta_titles = out  # type: ignore[attr-defined]
    ctx._meta_site_titles = site  # type: ignore[attr-defined]
    return out


# Where a page's line breaks were lost, its title runs on from the portal's banner and
# metadata ("… 发布日期: 2024-03-20 - 时效性: 有效 某州第二人民医院2023年度部门整体支出绩效
# 自评报告 一、基本情况 …"): the title is the words from the last separator before the genre
# words to their end, near the top.
_MID_LINE_HEAD = 1200
_TITLE_START = re.compile(r"(?:^|[\s|>»•·:：])(?=[\u4e00-\u9fff][^\s|>»•·:：,;。]{5,80}$)")


def _mid_line_title(f: str, genre: re.Pattern[str]) -> list[_Title]:
    hits = list(genre.finditer(f, 0, _MID_LINE_HEAD))
    if len(hits) > 1 and _LINKS.search(f, 0, hits[-1].start()):
        return []  # a list of other pages' titles (相关文章: …报告 …报告): which is this one's?
    for gm in hits:
        lo = max(0, gm.start() - 80)
        start = _TITLE_START.search(f, lo, gm.end())
        if start is None:
            continue
        s = start.end()
        # A title broken over two lines ("…2024年度部门整体和项目 支出绩效自评报告"), or
        # naming its issuers one by one ("重庆市财政局 重庆市住房和城乡建设委员会关于…"): the
        # word before a single space belongs to it while the title has no year yet, or
        # while that word is a unit's name.
        for _ in range(3):
            prev = _WORD_BEFORE.search(f, max(0, s - 40), s)
            if prev is None or gm.end() - prev.start() > 90 or not (
                    not _YEAR.search(f, s, gm.end()) or _ORG_END.search(prev.group("w"))) \
                    or _FIELD_BEFORE.search(f, max(0, prev.start("w") - 12), prev.start("w")):
                break  # (nor a field's value: "来源: 甲山县卫生健康局 甲山县疾控中心2023年度…")
            s = prev.start("w")
        # (a banner's field value or name glued before it: 时效性:有效某州…, 主题词某馆…)
        if (glued := _BANNER_WORDS.match(f, s, gm.end())) is not None:
            s = glued.end()
        text = f[s:gm.end()]
        if _HEADING_NUM.match(text) or not _YEAR.search(text) or "首页" in text or "位置" in text:
            continue
        pm = re.match(r"\([^()]{2,20}\)", f[gm.end():gm.end() + 22])
        e = gm.end() + (pm.end() if pm else 0)
        idx = [k for k in range(s, e) if not f[k].isspace()]
        return [_Title("".join(f[k] for k in idx), tuple(idx), "行中标题", 1)]
    return []


# The word before a single space (no field's colon or a banner's marks in it).
_WORD_BEFORE = re.compile(r"(?:^|(?<=[\s|>»•·:：]))(?P<w>[\u4e00-\u9fff][^\s|>»•·:：,;。]{1,40}) $")
_ORG_END = re.compile(r"(?:局|委员会|委|厅|办公室|办|院|中心|政府|馆|站|所)$")
_FIELD_BEFORE = re.compile(r"(?:来源|发布机构|发文机关|发布单位|责任部门|作者|信息来源)[ \t]*[:：]?[ \t]*$")
_LINKS = re.compile(r"相关(?:文章|链接|推荐|阅读|文档)|上一篇|下一篇|推荐阅读|热点|排行")
_BANNER_WORDS = re.compile(r"(?:(?:现行)?有效|无效|失效|废止|主题词|关键词|标题|名称|文号|正文|内容概述|主动公开|依申请公开|公开)+(?=[\u4e00-\u9fff]{4})")


def _site_titles(ctx: Context) -> list[_Title]:
    """The page titles of an essay or document-sharing site (:data:`_ESSAY_SITE`), which
    :func:`_titles` sets aside: they name no report, only the kind of reports collected."""
    _titles(ctx)
    return ctx._meta_site_titles  # type: ignore[attr-defined]


def find_title(ctx: Context) -> Found | None:
    """The title: the first line near the top naming the genre (…绩效自评报告). Cached."""
    try:
        return ctx._meta_title  # type: ignore[attr-defined]
    except AttributeError:
        pass
    found = next((Found(t.text, t.span(), "title", 1) for t in _titles(ctx) if t.tier == 1), None)
    ctx._meta_title = found  # type: ignore[attr-defined]
    return found


@record
class _TitleParts:
    """What a title says: who (an organisation, or a region), which year, what (the
    project or fund), and the kind words."""

    agency: tuple[str, Span] | None
    region: bool  # the title opens with a region, not a unit (昌宁县2020年度…)
    year: tuple[int, Span] | None
    objects: tuple[tuple[str, Span, str], ...]  # (name, span, how: 括号 / 标题)
    # what the title names with no fund word ("泸溪县合水油茶产业建设绩效自评报告"), if anything
    bare: tuple[str, Span] | None = None


# Where the subject of a title ends: its year, 关于, or the words that start the kind
# or the fund ("…局部门整体支出…", "…人民政府转移支付2022年度…", "…文物局中央转移支付…").
_SUBJECT_END = re.compile(
    rf"(?:19|20)\d\d|{_HIDDEN_YEAR}|关于|部门整体|部门\(单位\)|单位\(部门\)|部门绩效|部门预算|整体|单位整体|单位自评|本级|机关|项目支出|项目绩效|项目资金"
    r"|专项转移支付|转移支付|中央|省级|市级|县级|财政支出|财政项目|财政资金|预算绩效|预算执行|绩效|\((?!\d+\))"
    # "江苏省政府专项债券项目…", "浙江省地方政府专项债券…": the bonds' issuer, not a unit
    r"|(?:地方)?政府(?:一般|专项)债券")


@lru_cache(maxsize=256)
def _title_parts(t: _Title) -> _TitleParts:
    s = t.text
    genre = vocab().meta["title"].search(s)
    g0 = genre.start() if genre else len(s)
    pm = _TITLE_PREFIX.match(s)
    i = pm.end() if pm else 0
    year = None
    for ym in _YEAR.finditer(s, i):
        if ym.start() < max(g0, 1) or ym.group("u") or s[ym.end():ym.end() + 1] == ")":
            year = (int(ym.group("y")), t.span(ym.start("y"), ym.end("y")))
            break
    # the subject: from the start (after a leading year) to the first boundary
    lead = re.match(rf"(?:(?:19|20)\d\d|{_HIDDEN_YEAR})年度?", s[i:])
    j = i + (lead.end() if lead else 0)
    bm = _SUBJECT_END.search(s, j + 1, max(g0, j + 1))
    b = bm.start() if bm else g0
    prefix = s[j:b]
    agency, region, rest_from = None, False, j
    if prefix and (_REGION_ONLY.match(prefix) or _PLACE.fullmatch(prefix)
                   or re.fullmatch(r"我[\u4e00-\u9fff]{1,2}|本单位|本部门", prefix)
                   or (re.search(r"[*_【】A-Za-z]", prefix) and re.match(r"(?:19|20)\d\d", s[b:]))):
        # a place (县, 镇), 我局, or a place the mirror masked or replaced with spam
        # (**河县, 某某网-【…】) before the year: no unit named
        region, rest_from = True, b
    elif prefix and _title_org(prefix):
        agency, rest_from = (prefix, t.span(j, b)), b
    elif prefix and (_JOINT.search(prefix) or "、" in prefix) and _is_org(prefix):
        region, rest_from = True, b  # a joint report: no one unit
    elif prefix:
        # "旺苍县卫生健康局基本药物制度补助资金…": the unit, then the fund it reports on
        # (also a unit named by its level alone: "市环境保护局环境治理财政专项资金…").
        best = None
        for end in range(len(prefix) - 1, 2, -1):
            cand = prefix[:end]
            if _STRONG_SUFFIX.search(cand) and _plausible_org(cand) and (_REGION.match(cand) or cand[0] in "省市县区州"):
                best = cand
                break
        if best:
            agency, rest_from = (best, t.span(j, j + len(best))), j + len(best)
    if agency is None and not region and prefix:
        ym = _YEAR.search(s, j + 1, g0)
        named = re.sub(r"(?:中央|中央对地方)?(?:专项)?转移支付$", "", s[j:ym.start() if ym else g0])
        if (rm := re.match(r"[\u4e00-\u9fff]{2,6}?(?:省|市|州|盟|县|区|旗)", prefix)) \
                and _REGION_ONLY.match(rm.group()) and not re.search(r"我|下达|拨|安排|对|关于", rm.group()) \
                and not (lead and rm.group().endswith("省") and named.endswith("专项资金")
                         and not named.startswith("中央", rm.end())) \
                and (re.search(r"(?:资金|经费|补助|补贴)(?:\([^()]*\))?$", named)
                     or (s[j:ym.start() if ym else g0].endswith("转移支付")
                         and not re.search(r"(?:项目|工程)$", named))):
            # "宣州区教育督导评价奖励补助资金转移支付…", "甘肃省水污染防治专项转移支付2017年度…"
            # (the national template's title): the region receiving a fund or transfer named
            # for the whole country; a project keeps its place (银川市兴庆区…改造项目), and so
            # does a province's own special fund after the year ("2023年度湖南省安全生产预防及
            # 应急专项资金…", as its 管理办法 names it; not "2022年度某省林业改革发展资金", the
            # central fund the province receives).
            region, rest_from = True, j + rm.end()
    objects: list[tuple[str, Span, str]] = []
    # a "(…)" naming a project or fund (not a caption like (2021年度), (共15个), (修改)),
    # also one the page left open at the title's end ("…自评报告(2022年…补助资金"); not
    # the channel a fund is paid through ("…补助资金(省对下转移支付)"); a short bracket
    # inside it is the name's own ("…(2022年公共图书馆文化馆(站)免费开放市级补助经费)")
    for m in re.finditer(r"\((?P<p>(?:[^()]|\([^()]{1,8}\)){2,60})(?:\)|$)", s):
        p = m.group("p")
        if m.group().endswith(")") is False and m.start() < g0:
            continue  # an open bracket before the genre words is no name cut at the end
        # its own short bracket aside, a kind or level of money is still no name
        # ("(中央(省级)补助资金)", "(专项转移支付(中央)资金)", "(中央(省对下)转移支付)")
        plain = re.sub(r"\([^()]*\)", "", p)
        # (a bond report names its project after the genre: "…专项债券项目绩效自评价报告(某水质
        # 净化中心)", a works named as such, with no fund word)
        bond_project = "债券" in s[:g0] and m.start() >= g0 and re.fullmatch(r"[\u4e00-\u9fff“”]{4,30}", p)
        if (_FUND_END.search(p) or bond_project) and not _generic_project(p) and not _generic_project(plain) \
                and not re.search(r"共\d+个|^\d+(?!\d*年)", p) \
                and not _CHANNEL.fullmatch(p) and not _CHANNEL.fullmatch(plain):
            name = _clean_project(p, keep_year=True)  # a bracket names it as written, year and all
            lo = m.start("p") + max(0, p.find(name))
            objects.append((name, t.span(lo, lo + len(name)), "括号"))
    # the words between the subject (and its year) and the genre
    if agency is None and not region:
        rest_from = i  # no unit named: the title names the project itself (…改造项目绩效自评报告)
    obj_lo = rest_from
    while obj_lo < g0:  # the glue before the name: 关于, 上报, 转移支付, the year evaluated
        gm_ = re.match(r"关于|上报|本级|专项转移支付|转移支付|的|对|下达(?:给)?(?:我[县市区省州旗乡镇])?", s[obj_lo:g0])
        # (a span of years too: "…厅关于2017-2019年省级城镇保障性安居工程支出绩效自评报告")
        ym_ = re.match(rf"(?:(?:19|20)\d\d|{_HIDDEN_YEAR})(?:年度?)?(?:[-—–~至到](?:19|20)\d\d年度?)?", s[obj_lo:g0])
        after = s[obj_lo + ym_.end():g0] if ym_ else ""
        if ym_ and not ym_.group().endswith("度") and (rg := _REGION.match(after)) \
                and not _REGION_ONLY.match(after) and not re.search(r"我|下达|拨|安排|对|关于", rg.group()):
            break  # "2024年固始县祖师庙镇…项目": the year is part of the project's name
        step = gm_ or ym_
        if step is None:
            break
        obj_lo += step.end()
    # "…补助经费转移支付2023年度绩效…": the name ends at the year (one written or masked)
    ym = min((m for m in (_YEAR.search(s, obj_lo + 1, g0), _HIDDEN_YEAR_AT.search(s, obj_lo + 1, g0)) if m),
             key=lambda m: m.start(), default=None)
    split: tuple[int, int] | None = None
    obj = s[obj_lo:ym.start() if ym and ym.start() > obj_lo else g0]
    if ym and ym.start() > obj_lo and not _FUND_END.search(obj) and _FUND_WORD.fullmatch(s[ym.end():g0]):
        # "保山市国家文物保护2020年度专项资金绩效自评报告": the year splits the fund's name,
        # its subject before, its fund word after; the region before it receives the fund.
        rg = _REGION.match(obj)
        subject = obj[rg.end():] if rg and _REGION_ONLY.match(rg.group()) else obj
        if len(subject) >= 4 and not _PLACE.match(subject) and _FUND_END.search(subject + s[ym.end():g0]):
            split = (obj_lo + len(obj) - len(subject), g0)
            obj = subject + s[ym.end():g0]
    # "南县渔政执法经费4.8万元项目绩效评价报告": the money the file name writes after the
    # fund is no part of its name
    obj = re.sub(r"(?<=资金|经费|补助|补贴)\d+(?:\.\d+)?(?:万|亿)?元(?:项目)?$", "", obj)
    obj = re.sub(r"(?:预算执行情况|执行情况|使用情况|资金使用|(?<=资金|经费|补助|补贴)转移支付区域|区域|(?<=项目|工程)实施(?:情况)?)?(?:\((?:项目)?\))?$", "", obj)
    named_transfer = obj
    obj = re.sub(r"(?:中央对地方|中央)?(?:专项)?转移支付$|项目支出$|支出$|的$", "", obj)
    if named_transfer.endswith("转移支付") and re.fullmatch(r"[\u4e00-\u9fff]{2,30}", obj) \
            and not _FUND_END.search(obj) and not re.fullmatch(r"(?:中央|省级|市级|县级|区级|地方)+(?:专项)?", obj):
        # "中央食品监管专项转移支付", "农村综合改革转移支付": a transfer named by its subject
        # alone, with no fund word to stand for it; the transfer is the fund's name.
        obj = named_transfer
    obj = re.sub(r"(?:预算执行情况|执行情况)$", "", obj)
    how = "标题"
    if named_transfer.endswith("项目支出") and len(obj) >= 4 and not _FUND_END.search(obj) \
            and not _STRONG_SUFFIX.search(obj) and not re.search(r"[股科室处组队站所]$|财政$", obj):
        # "富民县统计局2024年第五次全国经济普查项目支出绩效评价报告": a project named
        # without a fund word keeps its 项目 (the 支出 is the genre's); a unit's section
        # (…水旱灾害防御股项目支出) names no project.
        obj += "项目"
        how = "项目支出"
    # "…补助资金转移支付项目绩效目标自评表", "…补助资金(省对下转移支付)项目2018年度绩效…": the
    # fund's name is closed (by its bracket, or by the channel it is paid through); the
    # 项目 after it is the genre's ("项目绩效自评"), no part of the name.
    obj = re.sub(r"(?<=资金|经费|补助|补贴)(?:专项)?转移支付项目$", "", obj)
    # "…人大代表履职能力提升专项资金项目绩效评价…": a fund named as such (专项资金,
    # 补助资金); the 项目 is the genre's
    obj = re.sub(r"(?<=专项资金|补助资金|奖补资金|补贴资金)项目$", "", obj)
    obj = re.sub(r"(?<=资金|经费|补助|补贴)(\([^()]{2,20}\))项目$", r"\1", obj)
    inner = re.search(r"\(([^()]+)\)$", obj)
    if inner and re.search(r"(?:项目|工程)$", inner.group(1)) and any(o[0] == inner.group(1) for o in objects):
        # "中央集中彩票公益金转移支付(福彩圆梦•孤儿助学工程项目)…": the fund names its
        # channel, the bracket the project the report is about.
        obj = ""
    if obj and _FUND_END.search(re.sub(r"\([^()]*\)$", "", obj)) and not _generic_project(obj) \
            and not _generic_project(name := _clean_project(obj)):  # (我单位专项资金: 专项资金)
        if split is not None and name == obj:
            objects.append((name, t.span(*split), how))
        elif (lo := s.find(name, obj_lo)) >= 0:
            objects.append((name, t.span(lo, lo + len(name)), how))
    bare = None
    if obj and not objects and re.fullmatch(r"[\u4e00-\u9fff]{4,20}", obj) and not _FUND_END.search(obj) \
            and not _is_org(obj) and (lo := s.find(obj, obj_lo)) >= 0:
        bare = (obj, t.span(lo, lo + len(obj)))
    return _TitleParts(agency, region, year, tuple(objects), bare)


# ----------------------------------------------------------------------------- agency

_STRONG_SUFFIX = re.compile(r"(?:局|委员会|委|人民政府|政府|厅|办公室|办|管委会|学校|中学|小学|幼儿园|医院|卫生院|政协|法院|检察院|中心|电视台|电台)$")
_NOT_ORG = re.compile(r"我|绩效|报告|自评|评价|根据|按照|关于|通知|《|》|以下|项目|资金|经费|预算|网站|门户|欢迎|访问|首页|位置"
                      r"|\d|\s|[:|,;。!?、<>]")
# 我局, 本单位, 该中心, 各乡镇, 全县…: no name (place names start with almost any character,
# 本溪市, 将乐县, 全南县: only these forms).
_PRONOUN = re.compile(r"^(?:我|该|各|本(?:单位|部门|局|委|级|院|校|中心|机关)|全[县市区省州镇乡])")
# Who publishes for others: a county-or-higher government or its office (the portal), the
# finance bureau, the media. (A township's 人民政府 is a unit; it publishes its own.)
_FINANCE_OR_PORTAL = re.compile(r"财政局|财政厅|财政部|人民政府办公室|政府办公厅|政府办$|(?:省|市|县|区|州|旗|盟)人民政府$|政府网"
                                r"|融媒体中心|新闻中心|报社|电视台|广播电视(?!局|厅)")  # 广播电视局 is a bureau
# Third parties that evaluate for others (会计师事务所, 咨询公司): never the unit evaluated.
_THIRD_PARTY = re.compile(r"事务所|咨询|评估")
_COMMISSIONED = re.compile(r"委托|聘请|邀请")
_BUILT = ("项目", "工程", "建设")
_DIVISION = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:处|科|股|室|组)$")
# A section a unit's field may name (科, 股, 室; a 处 or 组 may be a unit of its own: 公路管理处).
# Not one its place, level or body names (县委党史研究室, 县政府办公室: units of their own).
_PLACE_FIRST = "[省市县区州旗盟乡镇]"
_OWN_BODY = "委|政府|办公室|研究室"
_SECTION = re.compile(rf"^(?!{_PLACE_FIRST})(?![\u4e00-\u9fff]*(?:{_OWN_BODY}))[\u4e00-\u9fff]{{2,6}}(?:科|股|室)$")
# A name ending like a division (…处, …室) that is a unit of its own: its place or level
# first, a committee's or government's body (as _SECTION excepts), an administration (…管理处).
_UNIT_OF_ITS_OWN = re.compile(rf"^{_PLACE_FIRST}|{_OWN_BODY}|管理")
_UNIT_VOICE = re.compile(r"我(?:局|委|厅|办|单位|中心|校|院|处|站|所|镇|乡|部|馆|队|会|街道)")
_REGION_VOICE = re.compile(r"我(?:县|市|区|省|州|旗)")
# A report in the voice of an institution (a school, hospital, centre, station …) and a
# publisher that is an administration (…局, …委, …厅, a government or its office): the
# publisher is not the unit.
# (我所 as the institute's voice, not 所 before a verb: "按照我所承担的职能", "据我所知")
_INSTITUTION_VOICE = re.compile(r"我(?:校|院|中心|站|所(?!知|在|属|辖|管|能|有|做|承担|负责|掌握|了解|提供|从事|开展)|馆|队)")
_ADMINISTRATION = re.compile(r"(?:局|委|委员会|厅|政府|办|办公室)$")
_ADMINISTRATION_VOICE = re.compile(r"我(?:局|委|厅|办)")
_JOINT_WORK = re.compile(r"领导小组|各部门|相关部门|各乡镇|牵头")


_DUAL_NAME = re.compile(r"([^()]{4,30})\(([^()]{4,20})\)")
_DUAL_SECOND = re.compile(r"(?:局|委员会|委|人民政府|政府|厅|办公室|办|管委会|学校|中学|小学|幼儿园|医院|卫生院|中心|"
                          r"学院|大学|党校|研究室|研究院|研究所|馆|联合会|协会|总工会|残联|妇联|侨联|文联|科协)$")
_DUAL_NOT_SECOND = re.compile(r"^(?:原|代管|含|挂|下设|下属|所属|暨|即|系|属)|级|甲等|乙等|公立|[:：]")
_DUAL_UNDER = re.compile(r"(?:学校|中学|小学|幼儿园|医院|卫生院|站|所|队|馆|中心)$")
_DUAL_ABOVE = re.compile(r"(?:局|委员会|委|厅|人民政府|政府)$")


# The name rules below are pure functions of their strings (and the vocabulary, read once):
# memoised, as the candidates of one report ask them of the same few names again and
# again (each name against each other one), and reports of one unit repeat its names.
@lru_cache(maxsize=8192)
def _is_org(name: str) -> bool:
    meta = vocab().meta
    if name.endswith("单位"):  # "台江县教育和科技单位": only with the place it belongs to
        return len(name) >= 7 and bool(_REGION.match(name))
    if (dual := _DUAL_NAME.fullmatch(name)) is not None:
        # one unit under two names, the second in brackets: 中共湖南省委党校(湖南行政学院) —
        # not a former name (原…), a unit it runs (代管…), a level (二级甲等医院), a division
        # (计划财务科), a unit within it or above it (…局(…局交通管理支队), 第一中学(…教育局))
        x, y = dual.group(1), dual.group(2)
        return (_is_org(x) and _is_org(y) and _DUAL_SECOND.search(y) is not None
                and _DUAL_NOT_SECOND.search(y) is None and not y.startswith(x) and not x.startswith(y)
                and not (_DUAL_UNDER.search(x) and _DUAL_ABOVE.search(y)))
    return bool(meta["org_suffix"].search(name) or meta["org_suffix_extra"].search(name)) \
        and not _REGION_ONLY.match(name)


# Two units run together: "某某省财政厅某某省农业农村厅" (a joint report names no one unit);
# not a bureau's branch, named after it: 昆明市公安局国家高新技术产业区分局 is one unit.
_JOINT = re.compile(r"(?:厅|局|委员会|办公室)[\u4e00-\u9fff]{1,8}?(?:省|市|县|区|州|旗)[\u4e00-\u9fff]*?"
                    r"(?:厅|(?<!分)局|委员会|委|办公室)$")


# A unit's word with no name before it: the last lines of a title broken over several
# (_agency_candidates declines it beside the fuller title name it ends).
_UNIT_WORD_ALONE = re.compile(r"(?:人民)?政府|委员会|办公室|中心")


@lru_cache(maxsize=8192)
def _title_org(name: str) -> bool:
    """The whole subject of a title (all before its year), or a form's 单位 cell, is the
    unit's name as the text gives it — odd characters included (escaped downstream, not
    judged here) — unless it is a phrase: 我局, a joint report, words of the genre."""
    return (1 < len(name) <= 40 and _is_org(name) and not _PRONOUN.match(name) and not _JOINT.search(name)
            and not re.search(r"我|绩效|报告|自评|评价|根据|按照|关于|通知|项目|资金|经费|预算|网站|门户|欢迎|、", name))


def _bare_department(name: str) -> bool:
    """A department's word with no place or level before it (林业局, 扶贫办): it names a
    kind of unit found in every county, not one unit. (市人社, 省规划展览馆 name theirs by
    the level of the site that publishes them.)"""
    return not (_REGION.match(name) or _PLACE.match(name) or name[0] in "省市州县区旗盟乡镇") \
        and len(name) <= 6


@lru_cache(maxsize=8192)
def _plausible_org(name: str) -> bool:
    """An organisation's name, not a phrase around one (我局, 根据…财政局, …项目)."""
    return (2 < len(name) <= 30 and _is_org(name) and not _NOT_ORG.search(name)
            and not _PRONOUN.match(name) and not _JOINT.search(name))


_UNIT_DIVISION = re.compile(r"(?P<u>.{4,}?(?:局|委员会|厅|人民政府|中心|管委会))[\u4e00-\u9fff]{2,8}(?:科|股|(?<!办公)室)$")
# The characters _UNIT_DIVISION's match ends with: it is tried only on names ending so
# (its lazy .{4,}? tries every split of a long name, and most names end otherwise).
_DIVISION_END = ("科", "股", "室")


_LEVEL_NOTE = re.compile(r"\((?:行政)?(?:主管部门|一级预算单位|二级预算单位|预算单位|本级)\).*$")
_UNCLOSED = re.compile(r"\([^)]*$")
_WHOLE_AFTER_UNIT = re.compile(r"(?<=[局委院办厅所站队馆心校府])(?:本级|部门|机关)$")
_WHOLE_WORDS = ("本级", "部门", "机关")  # what _WHOLE_AFTER_UNIT takes off: it is tried only on names ending so


# A portal's own line above a page's text: breadcrumb, font size, print and close, counts,
# dates and sources of the post (no genre words: a title is never one). The portal's words
# that are also a report's (老字号, 无障碍设施, 3D打印, 文物收藏, 分享经济, 企业登记注册,
# 搜索救援, 资金来源:, 政府信息公开工作) count only as the portal writes them: a button or
# field alone, before a space, a bar, a bracket, a colon or the line's end (_ALONE).
_ALONE = r"(?=\s|$|[|｜/\]】)>»])"
_CHROME = re.compile(r"首页|(?:当前|所在|您的|现在|您现在的?|您当前的?)位置|(?<!老)字号(?=\s*[:：\[【(]|\s*大|\s*$)|关闭窗口|浏览次数|阅读次数|点击(?:数|量|次数)|访问量|浏览量"
                     rf"|打印(?:本页|此页|页面|本文|文章)?{_ALONE}|分享(?:到|至)?(?:[:：]|{_ALONE})|(?:加入)?收藏(?:本页|本站|本文)?{_ALONE}"
                     r"|发布(?:时间|日期)|更新时间|(?<![\u4e00-\u9fff])(?:信息|文章|稿件)?来源[:：]|作者[:：]|索引号|主题分类|体裁分类|组配分类|主题词[:：]"
                     rf"|发布机构|发文字号|文号[:：]|生成日期|成文日期|有效性[:：]|时效性[:：]|(?:公开目录|政府信息公开){_ALONE}"
                     rf"|无障碍(?:浏览|阅读|模式|通道)?{_ALONE}|适老化|长者模式"
                     rf"|登录{_ALONE}|(?<!登记)注册{_ALONE}|搜索{_ALONE}|网站支持|中文版|下载本文档|文档简介|版权说明|字体(?=\s*[:：\[【(]|\s*大)|大\s+中\s+小"
                     # a line of no words: rules, bars, a lone mark or number
                     r"|^[^\u4e00-\u9fff]*$")


def _chrome_line(line: str) -> bool:
    """Whether a line is the portal's, not the report's (see _CHROME)."""
    return len(line) <= 80 and "评" not in line and "绩效" not in line and _CHROME.search(line) is not None


def _only_chrome(text: str) -> bool:
    """Whether ``text`` holds nothing of a report: blank, or only the portal's lines."""
    return all(_chrome_line(line.strip()) for line in text.split("\n") if line.strip())


# A line ending 项目自评结果 (without 绩效): a title only when it is the text's one such line.
_PROJECT_RESULT_LINE = re.compile(r"(?m)项目自评结果[ \t]*$")


@lru_cache(maxsize=8192)
def _clean_org(name: str) -> str:
    name = vocab().meta["stamp"].sub("", name)
    name = re.sub(r"^(?:[\dA-Za-z]{2,}-|[\[【]\d{2,}[\]】])", "", name)  # budget-unit code: "219001-…", "[155]…"
    name = re.sub(r"^(?:19|20)\d\d年度?(?=[\u4e00-\u9fff]{4})", "", name)  # a cover's "2022年度某某馆" line
    if "(" in name:
        name = _LEVEL_NOTE.sub("", name)
        name = _UNCLOSED.sub("", name)  # an unclosed "(" the field's value was cut in
    name = name.strip(" \t()（）:：/")
    if "(" in name:  # (the strip may have taken a closing bracket: "X(Y)" -> "X(Y")
        name = _UNCLOSED.sub("", name).rstrip()
    if name.rstrip("\n").endswith(_WHOLE_WORDS):
        name = _WHOLE_AFTER_UNIT.sub("", name)
    # "某县林业和草原局资源管理科": the unit and the division doing the work; the unit is
    # the one evaluated (a division alone, 财务股, is never the agency).
    dm = _UNIT_DIVISION.match(name) if name.rstrip("\n")[-1:] in _DIVISION_END else None
    if dm and _REGION.match(dm.group("u")):
        name = dm.group("u")
    return name


# What an autonomous county, prefecture or banner's full name adds after its short form's
# place (寻甸|回族彝族自治县), one pattern a level (not one built, and compiled, a place).
_AUTONOMOUS = {level: re.compile(r"[\u4e00-\u9fff]{1,12}?族自治" + level) for level in ("县", "州", "旗")}


_SHORT_FORMS_FULL = {"政府": "人民政府", "高院": "高级人民法院", "中院": "中级人民法院", "检察院": "人民检察院"}
_SHORT_FORMS = re.compile("|".join(_SHORT_FORMS_FULL) + "$")


def _same_org(a: object, b: object) -> bool:
    """Two names of one unit: equal, or one the other without its region
    (宣州区应急管理局 / 宣城市宣州区应急管理局, 省规划展览馆 / 海南省规划展览馆)."""
    return _same_org_names(str(a), str(b))


@lru_cache(maxsize=8192)
def _same_org_names(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    # 塘湖镇政府 for 塘湖镇人民政府, 省高院 for 海南省高级人民法院: the usual short forms
    if "人民" not in short and "人民" in long:
        short = _SHORT_FORMS.sub(lambda m: _SHORT_FORMS_FULL[m.group()], short)
        if short == long:
            return True
    regions = r"(?:[\u4e00-\u9fff]{1,8}?(?:省|市|州|盟|县|区|旗))+"
    # An autonomous county, prefecture or banner goes by its short form: 寻甸县 for
    # 寻甸回族彝族自治县, 红河州 for 红河哈尼族彝族自治州.
    am = re.match(r"(?P<p>[\u4e00-\u9fff]{2,3}?)(?P<l>县|州|旗)", short)
    if am and long.startswith(am.group("p")):
        lm = _AUTONOMOUS[am.group("l")].match(long, len(am.group("p")))
        if lm and long[lm.end():] == short[am.end():]:
            return True
    if _abbreviates(short, long) and short[:3] == long[:3]:
        return True  # 开远市体育中心 for 开远市体育运动产业发展中心: the same place, abbreviated
    if not long.endswith(short):
        return False
    # 宣州区应急管理局 in 宣城市宣州区应急管理局; 省规划展览馆 for 海南省规划展览馆 (a unit
    # of the province, named by its level alone).
    return bool(re.fullmatch(regions, long[:-len(short)])
                or (short[0] in "省市州县区旗" and re.fullmatch(regions, long[:-len(short) + 1]))
                or (short.startswith(("自治区", "自治州")) and re.fullmatch(regions, long[:-len(short) + 3])))


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is ``long`` abbreviated the Chinese way: some of its characters, in order,
    the organisation's word at the end kept (福彩中心 for 宁夏福利彩票发行中心)."""
    if not (4 <= len(short) < len(long)) or short[-2:] != long[-2:]:
        return False
    it = iter(long)
    return all(ch in it for ch in short)


def _fullest(cands: list[_C]) -> _C:
    """Among candidates naming one unit, the best-ranked of those giving its full name."""
    longest = max(len(str(c.value)) for c in cands)
    return next(c for c in cands if len(str(c.value)) == longest)


def _field_values(ctx: Context, label_rx: str, anchor: str | None,
                  limit: int = _FORM_HEAD) -> list[tuple[str, Span, str]]:
    """(value, span, label) of every "label: value" form field (value up to the next
    label, a separator or a stop word).

    When every label holds one of the ``anchor`` words, at most 8 characters in, the
    label pattern is tried only just before those (trying its many alternatives at
    every character was most of the metadata's time)."""
    meta = vocab().meta
    rx, lab = _field_rx(label_rx, meta["unit_field"].pattern, meta["supervisor_field"].pattern,
                        meta["project_field"].pattern)
    f = ctx.f[:limit]
    out: list[tuple[str, Span, str]] = []
    pos = 0

    def take(m: re.Match[str]) -> int:
        if lab.match(m.group("v")):
            return m.start("v")  # "主管部门 实施单位 X": the value is the next label
        value = m.group("v")
        if _HEADING_AFTER_LABEL.match(value):
            return m.end("label")  # "(1)项目单位基本情况": a heading about the unit, no field
        lo = m.start("v")
        if value.startswith("是") and len(value) > 3:
            value, lo = value[1:], lo + 1  # "项目实施主管部门是凉州区人民政府": the field as a sentence
            if (k := value.find("下属的")) > 0:
                value, lo = value[k + 3:], lo + k + 3  # "是县水利局下属的县水利工程管理站": the unit
        if "/项目负责人" in f[m.end("label"):m.start("v")]:
            value = value.split("/")[0]  # "实施单位/项目负责人 某某中心/张三"
        out.append((value, (lo, lo + len(value)), clean_label(m.group("label"))))
        return m.end()

    if anchor is None:
        while (m := rx.search(f, pos)) is not None:
            pos = take(m)
        return out
    for hit in _compiled(anchor).finditer(f):
        if hit.start() < pos:
            continue
        for start in range(max(pos, hit.start() - 8), hit.start() + 1):
            m = rx.match(f, start)
            if m is not None:
                pos = take(m)
                break
    return out


# (ended by its level: a town's government, 某镇人民政府, is none; 镇江市人民政府 is one)
_COUNTY_GOVERNMENT = re.compile(r"[\u4e00-\u9fff]{0,12}?(?:省|市|州|盟|县|区|旗)(?:人民)?政府")
_HEADING_AFTER_LABEL = re.compile(r"(?:基本)?(?:情况|概况|简介)")
# A column's header, a measure with its unit ("发行金额(亿元)", "预算数(万元)", "得分(分)"):
# the cell after a field word in a table's header row is the next column's name, not a
# value (a project named with its unit, 城乡居民养老保险补助(元), is no measure).
_COLUMN_HEAD = re.compile(r"[\u4e00-\u9fff]{0,10}(?:金额|额度|数|额|得分|分值|分数|投资|规模|比例|比率|率)"
                          r"\((?:亿元|万元|千元|元|%|分)\)")
# A 项目名称 cell of a year, written or masked, and the genre's words alone: a template's
# words left in the cell (20XX年度项目, 2022年度专项资金), no project's name.
_YEAR_FIRST = re.compile(rf"^(?:(?:19|20)\d\d|{_HIDDEN_YEAR})\s*年度?")
_BARE_GENRE = re.compile(r"(?:专项|财政)?(?:项目|资金|经费|项目资金|项目支出|专项资金|专项经费)")


@lru_cache(maxsize=64)
def _field_rx(label_rx: str, *stop_fields: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """_field_values' field regex and label regex, built once a label pattern (they were
    rebuilt and looked up by their long source at every call)."""
    stop = "|".join(stop_fields) + _STOP_EXTRA
    rx = re.compile(rf"(?P<label>{label_rx})(?:/项目负责人)?{_FIELD_SEP}(?:为)?(?:\((?:公章|盖章|签章)\))?{_FIELD_SEP}"
                    rf"(?P<v>(?:(?!{stop})[^\s:,;|。、\t“”\"]){{2,60}})")
    return rx, re.compile(rf"^(?:{label_rx})")


# A pattern built from the vocabulary at run time, compiled once (re's own cache looks
# each one up by its whole source, hashed afresh when the source is built afresh).
_compiled = lru_cache(maxsize=256)(re.compile)


def _agency_candidates(ctx: Context, titles: list[_Title]) -> list[_C]:
    meta = vocab().meta
    f = ctx.f
    cands: list[_C] = []
    supervisors: set[str] = set()
    # One scan for both kinds of field (the text may be long): the label says which.
    either = f"{meta['supervisor_field'].pattern}|{meta['unit_field'].pattern}"
    for value, span, label in _field_values(ctx, either, "单位|部门"):
        name = _clean_org(value)
        if not _title_org(name):  # a form's cell is the name as given, odd characters and all
            continue
        lo = span[0] + value.find(name) if name in value else span[0]
        if not meta["supervisor_field"].fullmatch(label) and _SECTION.match(name):
            # "实施单位 大气环境科" under "主管部门 咸宁市生态环境局": a section of the
            # department, which holds the budget; no unit of its own
            t, why = REJECTED, "实施单位栏为内设科室，不是预算单位"
        elif not meta["supervisor_field"].fullmatch(label):
            t, why = 1, "实施单位/项目单位栏：被评价支出的单位"
        elif meta["higher_supervisor"].match(label):
            t, why = REJECTED, "上级主管部门（中央/省/市级），不是被评价单位"
        elif _COUNTY_GOVERNMENT.fullmatch(name):
            # "主管部门 凉州区人民政府": the government the project answers to, above the
            # bureau or town that spends it (a town's government spends its own money)
            t, why = REJECTED, "主管部门为县级以上人民政府，不是被评价单位"
        elif _DIVISION.match(name) and not _UNIT_OF_ITS_OWN.search(name):
            # "主管部门:儿童福利处" on a province's transfer report: the department's division
            # that handles the fund, no unit (no place, no department named; not 公路管理处,
            # 县委党史研究室, 市河道管理处: units of their own)
            t, why = REJECTED, "主管部门栏只写内设处室，不是单位"
        else:
            t, why = 2, "主管部门栏：被评价单位的主管部门"
            supervisors.add(name)
        cands.append(_C(name, (lo, lo + len(name)), label, why, t))
    if supervisors and not any(c.tier == 1 for c in cands):
        cands.extend(_displaced_unit(ctx, supervisors))
    # A bare 部门 cell of a department-wide form ("部门 | 金寨县…中心 |", or with a tab
    # between the cells as the HTML and Word readers print a table).
    for m in re.finditer(r"部门(?:[ \t]*\||\t)[ \t]*(?P<v>[^|\n\t ]{3,40})", f[:_HEAD]):
        if not re.search(r"(?:^|[\n|\t])[ \t]*$", f[max(0, m.start() - 20):m.start()]):
            continue  # "…部门 |" ending a longer cell: not the 部门 field
        name = _clean_org(m.group("v"))
        if _plausible_org(name):
            cands.append(_C(name, m.span("v"), "部门", "部门整体支出自评表的“部门”栏", 1))
    for t in titles:
        parts = _title_parts(t)
        if parts.agency is not None:
            name, span = parts.agency
            tier = 1 if t.tier == 1 else 3
            why = "标题所列单位" if t.tier == 1 else "“现将……报告如下”句所列单位"
            cands.append(_C(name, span, "title" if t.tier == 1 else t.source, why, tier))
        if t.tier == 1 and t.idx and parts.agency is None:
            # A cover: the unit's name, then a title naming none (a title that names a
            # unit, a school say, is not overruled by the line above it).
            above = _org_line_above(ctx, t.idx[0])
            if above is not None:
                cands.append(_C(above[0], above[1], "title", "标题上一行的单位名称", 1))
    # "…七星镇人民\n政府2024年部门整体支出\n绩效自评报告": a title broken over lines gives a unit's
    # word alone (政府) beside the joined title's full name ending with it: a fragment of that
    # name, no unit. (Alone, with no fuller title, it is left to the rules as before.)
    titled = {str(c.value) for c in cands if c.label == "title"}
    cands = [_C(c.value, c.span, c.label, "标题折行后的残片，全称见另一标题", REJECTED)
             if c.label == "title" and _UNIT_WORD_ALONE.fullmatch(str(c.value))
             and any(v != c.value and v.endswith(str(c.value)) for v in titled) else c for c in cands]
    # The weaker sources below are read only when no form field or title names the unit
    # (they could only lose), except the publisher, which the analyst is shown.
    named = any(c.tier <= 2 for c in cands)
    sig = None if named else _signature(ctx)
    if sig is not None:
        cands.append(_C(sig.value, sig.span, "signature", "文末落款", 3))
    voice_region = bool(_REGION_VOICE.search(f, 0, _HEAD)) and not _UNIT_VOICE.search(f, 0, _HEAD)
    # A county's report (我县) published by the bureau managing the fund is that bureau's;
    # one written by a leading group or several departments is no one unit's.
    joint_work = voice_region and bool(_JOINT_WORK.search(f, 0, _HEAD))
    # "我市财政局对…进行了绩效自评": the finance bureau evaluates its own fund.
    finance_writes = bool(re.search(r"我[县市区州旗]?财政局", f[:_HEAD]))
    # "我校…" on the education bureau's page: the school reports, the bureau publishes.
    institution = _INSTITUTION_VOICE.search(f, 0, _HEAD)
    if institution and _ADMINISTRATION_VOICE.search(f, 0, _HEAD):
        institution = None  # "我局…我校": the bureau writes about its schools
    # "首页 >> 部门信息公开 >> 牟定县交通运输局 >> 正文": the department's own column of the
    # portal, named in the breadcrumb, as a publisher field would name it
    crumbs = [(m.group("o"), m.span("o"), "栏目") for m in _BREADCRUMB_UNIT.finditer(f, 0, _BREADCRUMB_HEAD)] \
        if ">" in f[:_BREADCRUMB_HEAD] else []
    for value, span, label in [*_field_values(ctx, meta["publisher_field"].pattern, None, limit=_HEAD), *crumbs]:
        name = _clean_org(value)
        if not _plausible_org(name):
            continue
        lo = span[0] + value.find(name) if name in value else span[0]
        if _FINANCE_OR_PORTAL.search(name) and not (finance_writes and re.search(r"财政局$", name)):
            tier, why = REJECTED, "发布者为门户网站、政府办公室、财政部门或媒体，代其他单位发布"
        elif _bare_department(name):
            tier, why = REJECTED, "发布者只写部门类别（无地名），未指明哪个单位"
        elif _DIVISION.match(name):
            tier, why = REJECTED, "发布者为内设科室，不是单位"
        elif institution and _ADMINISTRATION.search(name):
            tier, why = REJECTED, f"报告以“{institution.group()}”口吻撰写，发布机构是管理它的部门，不是被评价单位"
        elif joint_work:
            tier, why = REJECTED, "报告以地区口吻撰写（我县/我市）并由领导小组或多部门开展，发布机构未必是被评价单位"
        elif label in ("作者", "栏目") and (_OFFICE_OF.search(name) or not _of_titles_place(ctx, name)):
            tier, why = REJECTED, "网页的作者/栏目为部门的办公室，或不是标题所列地方的单位"
        elif label in ("作者", "栏目"):
            # (below the body's own words about a unit: a county portal files a subordinate's
            # report under its parent department's column, or names the parent as author)
            tier, why = 6, "网页的作者/栏目所列单位"
        else:
            tier, why = 4, "网页的发布机构/来源"
        cands.append(_C(name, (lo, lo + len(name)), label, why, tier))
    if not any(c.tier < 5 for c in cands):
        for name, span, why in _sentence_orgs(ctx, voice_region):
            cands.append(_C(name, span, "sentence", why, 5))
    return cands


# "甲山县民政局办公室": a department's own office, not a unit whose spending is evaluated.
_OFFICE_OF = re.compile(r"(?:局|委员会|委|厅)办公室$")
_TITLE_PLACE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道)(?=(?:19|20)\d\d|人民政府|政府|办事处)")


def _of_titles_place(ctx: Context, name: str) -> bool:
    """Whether ``name`` is of the place a title opens with (草潭镇2022年度… / 草潭镇人民政府), or
    the title opens with no town's name."""
    title = find_title(ctx)
    if title is None or not isinstance(title.value, str):
        return True
    m = _TITLE_PLACE.match(title.value)
    return m is None or name.startswith(m.group())


_BREADCRUMB_HEAD = 1000
_BREADCRUMB_UNIT = re.compile(r">>?[ \t]*(?P<o>[\u4e00-\u9fff()]{4,30}?(?:局|委员会|委|厅|办公室|中心|院|馆|站|所|政府|办事处))[ \t]*>>?[ \t]*正文")


_CELL = re.compile(r"(?:^|(?<=[\s|]))(?P<o>[\u4e00-\u9fff()]{4,30})(?=[\s|]|$)")


def _displaced_unit(ctx: Context, supervisors: set[str]) -> list[_C]:
    """A form flattened to text with its cells out of order: the 实施单位 label followed by
    another heading, its value standing alone elsewhere ("实施单位 全年预算数 … 指标
    某县某中心 产出…"). The one cell naming an organisation of the form's place that is not
    its 主管部门 is the unit; two or more such cells: none."""
    meta = vocab().meta
    f = ctx.f[:_FORM_HEAD]
    labels = list(re.finditer(r"(?:项目)?实施单位|资金使用单位", f))  # the MoF form's cells
    if not labels or any(_title_org(_clean_org(re.split(r"[\s|]", f[m.end():m.end() + 40])[0] or "x")) for m in labels):
        return []  # no 实施单位 label, or one whose own value is read where it stands
    regions = {r.group() for s in supervisors if (r := _REGION.match(s))}
    found: dict[str, Span] = {}
    for m in _CELL.finditer(f):
        name = m.group("o")
        before = f[max(0, m.start() - 12):m.start()]
        if not _title_org(name) or any(_same_org(name, s) for s in supervisors) \
                or not any(name.startswith(r) for r in regions) or _FINANCE_OR_PORTAL.search(name) \
                or re.search(rf"(?:{meta['agency_field'].pattern}|{meta['publisher_field'].pattern})[\s:|]*$", before):
            continue
        found.setdefault(name, m.span("o"))
    if len(found) != 1:
        return []
    (name, span), = found.items()
    return [_C(name, span, "实施单位", "实施单位栏：扁平化表格中错位的单位名（表中唯一的另一本地单位）", 1)]


def _org_line_above(ctx: Context, pos: int) -> tuple[str, Span] | None:
    """A line holding only an organisation's name right above ``pos`` (a cover page:
    the unit, then the report's title)."""
    f = ctx.f
    end = f.rfind("\n", 0, pos)
    while end > 0:
        start = f.rfind("\n", 0, end) + 1
        line = f[start:end]
        if line.strip():
            name = line.strip()
            if _plausible_org(name) and _REGION.match(name) and not _FINANCE_OR_PORTAL.search(name):
                lo = start + line.index(name)
                return name, (lo, lo + len(name))
            return None
        end = start - 1
    return None


_YEAR_AT = re.compile(r"(?:19|20)\d\d\s*年")
# (the run may end its line, the year opening the next, indented or not: "…管委会\n　　2021年…")
_RUN_BEFORE = re.compile(r"(?:^|(?<=[\s,;:。、)]))[^\s,;:。、\d“”\"()]{3,30}(?=[ \t]*(?:\n[ \t]*)*$)")
_CJK_RUN_BEFORE = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff]))[\u4e00-\u9fff]{4,33}$")
_EVAL_AFTER = re.compile(r"度?(?:部门整体支出|项目支出|财政支出|整体支出|项目)?[^。\n]{0,12}?(?:绩效|评价)"
                         r"|度?[^。\n,;]{0,30}?(?:开展|进行)了?(?:绩效)?自评")  # "…2021年度某某项目使用管理情况认真开展了自评"
_ANNOUNCED_AFTER = re.compile(r"现将|现就|报告如下|汇报如下|形成[^。\n]{0,8}报告")
_ALL_PLACES = re.compile(r"全省|全市|全区|全州|各县|各市|各区|各地|各州|全国")
_MONEY_VERB = re.compile(r"支付|拨付|拨给|拨入|下达|下拨|补助|奖励|给予|用于|安排")
_EVALUATED_AFTER = re.compile(r"度?[^。\n]{0,40}?(?:开展|进行)了?[^。\n,;]{0,8}?(?:评价|自评|自查)")
# (an autonomous prefecture or county writes out its peoples: 红河哈尼族彝族自治州…)
_REGION_ORG = re.compile(r"(?:[\u4e00-\u9fff]{2,8}?(?:省|市|州|县|区|旗)|[\u4e00-\u9fff]{2,10}?自治[州县旗])[\u4e00-\u9fff]{2,25}")


@lru_cache(maxsize=1)
def _region_org() -> re.Pattern[str]:
    """A unit's name opening with its place: a region (…省, …县) or a province's short name."""
    return re.compile(rf"(?:{_REGION_ORG.pattern}|(?:{vocab().meta['province'].pattern})[\u4e00-\u9fff]{{2,25}})")


# "2022年,荆门市民政局较好地完成了…": the unit as the subject of a sentence opened by the year.
# "该项目由西平县农业农村局组织实施": the unit carrying out the project the report evaluates.
_CARRIED_OUT_IN = re.compile(r"由[\u4e00-\u9fff]{2,30}?(?:组织|负责|具体)?实施")
_CARRIED_OUT_BY = re.compile(r"(?:该|本|此)项目由(?P<o>[\u4e00-\u9fff]{4,30}?)(?:牵头)?(?:组织|负责|具体)?实施")
_YEAR_THEN_UNIT = re.compile(
    r"(?:19|20)\d\d年度?,?(?P<o>[\u4e00-\u9fff]{4,30}?(?:局|委员会|委|办公室|中心|厅|院|站|所|馆|人民政府|办事处))"
    r"(?=较好|圆满|全面|认真|积极|始终|坚持|紧紧|围绕|严格|完成|实现|按照|根据|聚焦|深入|扎实|着力|持续|进一步"
    # "2019年昌宁县殡葬服务中心向县级财政争取资金…": the unit securing its money from above
    r"|向[\u4e00-\u9fff]{1,8}(?:争取|申请))")


def _sentence_orgs(ctx: Context, voice_region: bool = False) -> Iterable[tuple[str, Span, str]]:
    """Units the body names as its subject: "保靖县电子政务办公室2019年部门整体支出绩效评价
    得分…", "(一)南昌市烈士陵园管理处2022年度共有…", "洪山区卫生和计划生育委员会(以下简称…)",
    "X高度重视", "…后，X牵头提出…" (not in a report speaking for a county: ``voice_region``),
    "X成立于…", a unit opening two sentences. Anchored on the year, 以下简称 or the verb and
    read backwards: one pass, whatever the length."""
    f = ctx.f
    found: list[tuple[str, int, int, str]] = []
    for y in _YEAR_AT.finditer(f, 0, _HEAD):
        if f[y.start() - 1:y.start()] == "对":
            # "池州市人社局对2022年度城乡居保市级补贴使用情况开展了财政绩效评价": the unit
            # evaluating the year's money
            run = _RUN_BEFORE.search(f, max(0, y.start() - 32), y.start() - 1)
            ev = _EVALUATED_AFTER.match(f, y.end())
            # (and the report announced right after: "…开展了绩效评价。现将…报告如下" — not a
            # higher authority's evaluation the report cites, of all counties' money)
            if run is not None and ev is not None and _ANNOUNCED_AFTER.search(f, ev.end(), ev.end() + 40) \
                    and not _ALL_PLACES.search(ev.group()):
                found.append((run.group(), run.start(), y.start() - 1, "正文“X对……年度……进行评价”所列单位"))
            continue
        run = _RUN_BEFORE.search(f, max(0, y.start() - 31), y.start())
        if run is None or _MONEY_VERB.match(run.group()):
            continue  # "支付市电商服务中心2018年…补助经费": the payee of money, not the subject
        if _EVAL_AFTER.match(f, y.end()):
            found.append((run.group(), run.start(), y.start(), "正文在评价年度前所列单位"))
        if _region_org().fullmatch(run.group()):
            found.append((run.group(), run.start(), y.start(), "正文以单位和年度开头的句子"))
    for m in _CARRIED_OUT_BY.finditer(f, 0, _HEAD):
        if _region_org().fullmatch(m.group("o")):
            found.append((m.group("o"), m.start("o"), m.end("o"), "正文“该项目由……实施”所列单位"))
    for m in _YEAR_THEN_UNIT.finditer(f, 0, _HEAD):
        if f.startswith("向", m.end()) and _CARRIED_OUT_IN.search(f, m.end(), ctx.sentence_bounds(m.end())[1]):
            continue  # "…X向上级申请资金500万元,…项目由乙河镇中心卫生院具体实施": X asks for another
        if _region_org().fullmatch(m.group("o")):
            found.append((m.group("o"), m.start("o"), m.end("o"), "正文以年度开头、以单位为主语的句子"))
    pos = f.find("(以下简称", 0, _HEAD)
    while pos >= 0:
        run = _CJK_RUN_BEFORE.search(f, max(0, pos - 34), pos)
        if run and _region_org().fullmatch(run.group()):
            found.append((run.group(), run.start(), pos, "正文“（以下简称）”所指单位"))
        pos = f.find("(以下简称", pos + 1, _HEAD)
    for m in _FOUNDED_IN.finditer(f, 0, _HEAD):
        # "一、项目基本情况\nX于2012年11月正式批复设立": the unit's founding, opening the
        # section that describes it (a contractor founded in some year is told of later).
        run = _CLAUSE_START_RUN.search(f, max(0, m.start() - 31), m.start())
        if run and _UNDER_OVERVIEW.search(f, max(0, run.start() - 40), run.start()) and not _PREPOSITION.match(run.group()):
            found.append((run.group(), run.start(), m.start(), "正文开篇所述单位的成立"))
    for m in _SUBJECT_OF.finditer(f, 0, _HEAD):
        run = _CLAUSE_START_RUN.search(f, max(0, m.start() - 31), m.start())
        if m.group() == "牵头" and voice_region:
            continue  # a county's report: the department leading one task is not the county's whole
        if run and not _PREPOSITION.match(run.group()):
            found.append((run.group(), run.start(), m.start(), "正文以单位为主语的句子（" + m.group() + "）"))
    found.extend(_repeated_subjects(ctx))
    for text, lo, hi, why in found:
        # 我单位对环境监测站…; "…,制定了X2018年…方案": a verb's 了 is no part of a unit's name
        name = re.sub(r"^(?:对|关于|由|经|将|根据|本单位|我单位|现将)+", "", re.sub(r"^.*了", "", text))
        name = re.sub(r"(?<=[会局委办院所站馆心队府])(?:部门|单位)$", "", name)  # "…常务委员会部门2022年末…"
        if _COMMISSIONED.match(name) or (f.startswith(_BUILT, hi) and not _region_org().fullmatch(name)):
            # "…,委托北京某某软件股份有限公司开展了…评价": the firm hired to evaluate;
            # "老年人日间照料中心项目": a facility the project builds (a unit its place
            # names, "甲山县疾病预防控制中心项目资金…", is a unit whatever follows it)
            continue
        if _plausible_org(name) and not _FINANCE_OR_PORTAL.search(name) and not _THIRD_PARTY.search(name) \
                and not _GOVERNING.search(name) and not _DIVISION.match(name) \
                and not _PLACE.fullmatch(name) and "*" not in name \
                and not _NOT_THE_WRITER.search(name) and not _related_unit(f, name):
            yield name, (hi - len(name), hi), why  # (a 财务科 organising the work is a division)


# Units a report names that are not its writer: the establishment office that set its staff
# (机构编制委员会办公室核定编制28名), a town's or county's subordinate (镇属事业单位…).
_NOT_THE_WRITER = re.compile(r"编制委员会|编委|编办|^(?:[镇乡县市区]属|下属|所属|直属)|事业单位")


def _related_unit(f: str, name: str) -> bool:
    """Whether the text names ``name`` as another unit's subordinate ("我局下设二级单位1个,即
    X") or parent ("我中心是X下属的…事业单位", "隶属于X"): not the unit writing."""
    head = f[:_HEAD]
    for m in re.finditer(re.escape(name), head):
        before = head[max(0, m.start() - 16):m.start()]
        if _SUBORDINATE_BEFORE.search(before) or (_PARENT_BEFORE.search(before) and head.startswith(_PARENT_AFTER, m.end())):
            return True
        if _BELONGS_TO.search(before):
            return True
    return False


_SUBORDINATE_BEFORE = re.compile(r"(?:下设|下属|所属|直属)[^。\n]{0,12}$")
_PARENT_BEFORE = re.compile(r"是$")
_PARENT_AFTER = ("下属", "所属", "管理的", "主管的")
_BELONGS_TO = re.compile(r"隶属于?$|归属于?$")


# What a unit does as the subject of a report's sentences: "X高度重视，认真组织开展…自评",
# "…后，X牵头提出资金分配方案", "X成立于2010年", "X的主要职能是…", "X隶属于…".
_SUBJECT_OF = re.compile(r"高度重视|牵头(?!单位|部门)|认真组织开展|组织开展|成立于|的主要职[能责]|主要职[能责](?:是|为|:)|隶属于"
                         r"|主要有(?=[^。\n]{0,20}?(?:项目|支出|资金))"  # "X主要有部门预算项目支出、…二类支出"
                         # "…通知要求,X开展并完成了本部门…绩效自评工作": the unit doing the self-evaluation
                         # (组织 is looked back at from after 开展: every alternative opening with a
                         # word lets the engine skip to those words, where a lookbehind first made it
                         # try the pattern at every character)
                         r"|开展(?<!组织开展)(?:并完成)?了(?=[^。\n]{0,40}?(?:自评|绩效评价))"
                         # "X是一级预算管理的行政单位", "X是…下属二级事业单位", "X是…组成的人民团体",
                         # "X是市人民政府工作部门":
                         # the unit describing itself
                         r"|是(?=[^。\n]{0,40}?(?:行政单位|事业单位|行政机关|预算单位|机关|职能(?:工作)?部门|工作部门|组成部门|人民团体|群团组织|群众团体)[,;。])"
                         # "X实有编制113名", "X部门2022年末实有人员编制20人": the unit counting its own staff
                         r"|(?:(?:部门|单位)?(?:19|20)\d\d年末?)?(?:核定|实有|现有)(?:人员|行政|事业)?编制(?:数)?(?:为)?\d")
_FOUNDED_IN = re.compile(r"于(?=(?:19|20)\d\d年[^。\n,]{0,12}?(?:成立|设立|组建|挂牌))")
# A section's heading about the unit or project overall, the line right before.
_UNDER_OVERVIEW = re.compile(r"(?:概况|基本情况|简介|职能职责|部门职能)[^\n]{0,4}\n[ \t]*$")
_CLAUSE_START_RUN = re.compile(r"(?:^|(?<=[\s,;:。!?)]))[\u4e00-\u9fff]{3,30}$")
# A run opening with one of these is not its clause's subject ("由县扶贫办牵头").
_PREPOSITION = re.compile(r"^(?:由|经|在|对|向|与|和|及|并|会同|协调|配合|请|按照|根据|通过|将|把|为)")
# The county's party and government lead everything: they are not the unit evaluated (nor
# its leading groups and command headquarters, 防火指挥部, bodies of several units).
_GOVERNING = re.compile(r"党|^(?:[\u4e00-\u9fff]{0,8}?[省市县区州旗]委)?[\u4e00-\u9fff]{0,8}?[省市县区州旗](?:人民)?政府$"
                        r"|^(?:[省市县区州旗]委)?[省市县区州旗]?(?:人民)?政府$|领导|班子|小组|指挥部")
# A sentence's opening words, matched where a sentence starts (Context.sentence_starts:
# the text's start and just after each 。!? or line break).
_SENTENCE_OPENING = re.compile(r"[ \t]*(?:\d+[.、]|[(（][一二三四五六七八九十\d]+[)）])?"
                             r"(?P<s>[\u4e00-\u9fff]{4,30})")


def _repeated_subjects(ctx: Context) -> list[tuple[str, int, int, str]]:
    """A unit that opens two sentences or more ("市人民政府驻北京联络处2022年共接待…",
    "市人民政府驻北京联络处始终坚持…"): the words the openings share, when they end with
    an organisation's suffix (not cut inside a word: 为强化部|门… is no unit)."""
    suffix = vocab().meta["org_suffix"]
    starts: dict[str, list[tuple[str, int]]] = {}
    f = ctx.f
    # Tried at each sentence start in turn (a scan of the text with the pattern opening
    # "(?:^|(?<=[。!?\n]))" entered the matcher at every character); an opening holds
    # no stop, so the matches are the scan's.
    for at in ctx.sentence_starts:
        if at >= _HEAD:
            break
        m = _SENTENCE_OPENING.match(f, at, _HEAD)
        if m is None:
            continue
        opening = m.group("s")
        starts.setdefault(opening[:4], []).append((opening, m.start("s")))
    out = []
    for group in starts.values():
        if len(group) < 2:
            continue
        (a, lo), (b, _) = group[0], group[1]
        common = 0
        while common < min(len(a), len(b)) and a[common] == b[common]:
            common += 1
        name = a[:common]
        if len(name) >= 4 and suffix.search(name) and not _PREPOSITION.match(name):
            out.append((name, lo, lo + len(name), "正文多句以同一单位开头"))
    return out


def find_agency(ctx: Context, title: Found | None = None) -> Choice:
    """The unit whose spending is evaluated: a form's 实施单位/项目单位 or the unit the
    title names; else the 主管部门 field; the signature; the page's publisher (not a
    portal, the finance bureau or a division, and only when the report does not speak
    for a region); a sentence naming the unit. 我局/我县 alone name nothing."""
    titles = _titles(ctx)
    cands = _agency_candidates(ctx, titles)
    cands += _spelled_out(ctx, cands)
    # "XX县XX局20XX年度…": a template's placeholder (or a mirror's mask) names no unit
    cands = [_C(c.value, c.span, c.label, f"{c.reason}（名称是模板占位符或被遮挡，未写明单位）", REJECTED)
             if _PLACEHOLDER.search(str(c.value)) else c for c in cands]
    supervisors = {c.value for c in cands if c.reason.startswith("主管部门")}

    def decide(best: _C, tier: list[_C]) -> _C | None:
        # A title naming the supervising department and a 实施单位 naming its subordinate
        # unit: the department filed the form for its own project.
        from_title = [c for c in tier if c.label == "title"]
        others = [c for c in tier if c.label != "title"]
        if from_title and all(_same_org(c.value, from_title[0].value) for c in from_title) \
                and any(_same_org(from_title[0].value, s) for s in supervisors) \
                and all(c.reason.startswith("实施单位") for c in others):
            return from_title[0]
        # A title writing the unit's short form (福彩中心) and a form's unit cell its full
        # name (宁夏福利彩票发行中心): one unit, named in full by the form.
        if from_title and others and all(c.reason.startswith("实施单位") for c in others) \
                and all(_same_org(c.value, others[0].value) for c in others) \
                and all(_abbreviates(str(c.value), str(others[0].value)) for c in from_title):
            return _fullest(others)
        return None

    return _choose(cands, same=_same_org, fuller=_fullest, decide=decide)


# A placeholder in a name: a template's XX / ××, a mirror's ** (not one x of a gloss, 乡(xiāng)).
_PLACEHOLDER = re.compile(r"[Xx×]{2}|[*＊]{2}")


# A portal's welcome banner names the site's owner right after its words ("欢迎进入南昌市
# 生态环境局网站!").
_WELCOME = re.compile(r"欢迎(?:您)?(?:进入|访问|来到|光临)$")


def _name_may_start(text: str, i: int) -> bool:
    """Whether a unit's full name may begin at ``i``: the text's start, after a space or
    punctuation, after a portal's welcome (欢迎进入…网站), or after a year (2025年舒城县…,
    2020年度甲山县…) — not at the year's own 年 or 度 ("2020年度甲山县司法局" is no unit
    度甲山县司法局)."""
    if _WELCOME.search(text, max(0, i - 5), i):
        return True
    before, ch = (text[i - 1] if i else ""), text[i:i + 1]
    if before.isdigit() and ch == "年":
        return False
    if before == "年" and text[i - 2:i - 1].isdigit():
        return ch != "度"
    if before == "度" and text[i - 2:i - 1] == "年" and text[i - 3:i - 2].isdigit():
        return True
    return not before or not "\u4e00" <= before <= "\u9fff"


_BARE_LEVEL = re.compile(r"自治区|自治州|[省市县区州旗盟](?![委])")  # 市文化…局, 自治区…厅 (not 市委…)
_SPELLED_OUT = 6  # below every source of a name: it only lends the fuller spelling (_fullest)
_TOWNSHIP_UNIT = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:镇|乡|街道)[\u4e00-\u9fff]{2,}")


def _spelled_out(ctx: Context, cands: list[_C]) -> list[_C]:
    """The full name of a unit a candidate names by its level alone (市文化和广电旅游体育局,
    自治区文化和旅游厅), where the text's head writes it out in one way (东阳市…,
    广西壮族自治区…) after a space, punctuation or a year: a
    candidate as weak as can be, which only lends its spelling to the name it agrees with."""
    head = ctx.f[:_HEAD]
    out: list[_C] = []
    for name in dict.fromkeys(str(c.value) for c in cands if c.tier < REJECTED):
        # A name with its county's place (永德县明朗中学) is as the text gives it, not short;
        # one opening with a level alone (县司法局) or a township (城关镇社区卫生服务中心,
        # a name many counties share) is short of the county the text writes before it.
        if not (_BARE_LEVEL.match(name) or _TOWNSHIP_UNIT.match(name)):
            continue
        fuller: dict[str, Span] = {}
        pos = head.find(name)
        while pos >= 0:
            k = 1
            while k <= 12 and pos - k >= 0 and "\u4e00" <= head[pos - k] <= "\u9fff":
                full = head[pos - k:pos] + name
                if _name_may_start(head, pos - k) and not _PREPOSITION.match(full) \
                        and _same_org(name, full) and _plausible_org(full):
                    fuller.setdefault(full, (pos - k, pos + len(name)))
                k += 1
            pos = head.find(name, pos + 1)
        # "…精神,紫金县司法局对…" and "2020年度紫金县财政划给紫金县司法局…": the words run
        # back over a sentence as well as over the county; the name every other one ends
        # with is the unit's. A name by its level alone takes any words before its level
        # as a county (拨付县司法局): there the sentences must write the county too
        # (紫金), not be the shortest's own words run back ("甲山县财政拨付县司法局…。
        # 年初,拨付县司法局…": 拨付县司法局 is no unit). (A township's name takes only a
        # region before it: "一是舟曲县城关镇…" runs back over a sentence's opening.)
        shortest = min(fuller, key=len, default="")
        place = shortest[:len(shortest) - len(name)] if _BARE_LEVEL.match(name) else ""
        if fuller and all(full.endswith(shortest) and place in full[:len(full) - len(shortest)]
                          for full in fuller if full != shortest):
            full, span = shortest, fuller[shortest]
            out.append(_C(full, span, "全称", "正文所写的单位全称", _SPELLED_OUT))
    # "深圳市福田区民政局关于“…资金”管理使用情况": a document's own title line opens with the
    # unit that issues it, written in full (发文机关 + 关于 + 事由): it spells out the name a
    # page's 来源 gives short (福田区民政局).
    names = {str(c.value) for c in cands if c.tier < REJECTED}
    for m in _ISSUER.finditer(head):
        full = m.group(1)
        if _plausible_org(full) and not _PREPOSITION.match(full):
            for name in names:
                if full != name and full.endswith(name) and _same_org(name, full):
                    out.append(_C(full, m.span(1), "全称", "公文标题所写的发文单位全称", _SPELLED_OUT))
    return out


_ISSUER = re.compile(r"(?m)^[ \t]*([\u4e00-\u9fff]{4,24}?)关于")


_NONEMPTY_LINE = re.compile(r"[^\n]+")
_NOT_IN_SIGNATURE = re.compile(r"[,;。:、\d]")


def _signature(ctx: Context) -> Found | None:
    """An organisation's name alone on a line, with a date within the next lines, in the
    last part of the text: the report's signature."""
    lines = []
    pos = max(0, len(ctx.f) - 2500)
    for m in _NONEMPTY_LINE.finditer(ctx.f, pos):
        if m.group().strip():
            lines.append((m.start(), m.group()))
    for i, (start, line) in enumerate(lines):
        name = line.strip()
        if not (2 < len(name) <= 30) or _NOT_IN_SIGNATURE.search(name) or not _plausible_org(name):
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


# ----------------------------------------------------------------------------- year

_YEAR_REASON = {"对…年度…评价": "正文“对…年度…进行评价”", "field": "评价年度栏",
                "…年度…绩效自评": "正文“…年度…绩效自评”", "most frequent 年度": "全文最常见的“…年度”",
                "most frequent 年": "全文最常见的“…年”", "截至…年12月31日": "正文“截至…年12月31日”",
                "自评表(…年度)": "表名后括号内的年度", "…年…月起至…年…月止": "正文所列评价时段（同一年内）"}
# A period: "2021年 1 月起至 2021 年 12 月止", "2015年11月起至2020年1月止".
_PERIOD = re.compile(r"((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*起?\s*至\s*((?:19|20)\d\d)\s*年"
                     r"\s*\d{1,2}\s*月")
# Words before a year in a unit's history, not a year evaluated.
_FOUNDED = re.compile(r"(?:成立|始建|创建|组建|建)于\s*$|前身")


# "…2021年度…评价": the year a sentence says was evaluated, its words within the sentence
# (not a 国债's year, nor the years before or since one: 2022年度以前结转…).
_YEAR_EVALUATED = r"((?:19|20)\d\d)\s*年(?!度?\s*国债)(?!度?(?:以前|以来|之前))度?[^。\n]{0,80}?(?:评价|自评)"


_YEAR_RANGE = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:-|—|–|－|~|～|至|到)\s*((?:19|20)\d\d)\s*年")


def find_year(ctx: Context, title: Found | None = None) -> Choice:
    """The fiscal year evaluated — not the year of publication. The titles (page title,
    file name, the form's own heading) must agree; then 评价年度 fields and "对2021年度…
    评价"; then "2021年度…绩效自评" anywhere; then the year most often written; with no
    year written at all, the year before the report's 填报日期 / 发布日期."""
    f = ctx.f
    cands: list[_C] = []
    for t in _titles(ctx):
        years = _YEAR_RANGE.search(t.text)
        if years is not None and int(years.group(1)) < int(years.group(2)):
            # "关于2017-2019年…绩效自评报告": several years evaluated, none of them the year.
            return _choose([_C(int(years.group(2)), t.span(years.start(), years.end()), "title",
                               "标题所列为多个年度，报告不只评价一个年度", REJECTED)])
        parts = _title_parts(t)
        if parts.year is not None:
            label = "title" if t.tier == 1 else t.source
            cands.append(_C(parts.year[0], parts.year[1], label, f"{t.source}所列年度", t.tier))
    patterns = [
        # (not the years before one: 对2022年度以前结转…, 对本单位2022年度以前…)
        (rf"对\s*{_YEAR_EVALUATED}", "对…年度…评价", 2),
        # the writer between, right after the notice it answers: "…通知要求,对我单位2017年道路
        # 交通管理项目经费…进行绩效评价" (not a third party's 委托…对我局…, a plan 将对本单位…)
        (r"(?:要求|精神|规定|部署)[,，]?\s*对\s*(?:我|本)(?:单位|部门|局|委|厅|办|中心|院|校|所|站|镇|乡|街道)"
         rf"\s*{_YEAR_EVALUATED}", "对…年度…评价", 2),
        (rf"(?:{vocab().meta['year_field'].pattern})[\s:|\t]*((?:19|20)\d\d)\s*年?", "field", 2),
        # the MoF form's name and its year: "部门预算项目支出绩效自评表(2023年度)"
        # (or on the next line, blank lines between or not)
        (r"(?:自评表|自评报告)(?:\s*\(\s*|[ \t]*(?:\n[ \t]*){1,3}(?=(?:19|20)\d\d\s*年度[ \t]*\n))((?:19|20)\d\d)\s*年度?"
         r"(?:\s*\)|[ \t]*\n)", "自评表(…年度)", 2),
        (r"((?:19|20)\d\d)\s*年(?!度?\s*国债)度?(?:部门整体支出|项目支出|财政支出|整体支出|部门预算|项目)?[^。\n]{0,10}?"
         r"绩效(?:自评|评价)", "…年度…绩效自评", 3),
    ]
    for pattern, label, tier in patterns:
        m = _compiled(pattern).search(f)
        if m:
            cands.append(_C(int(m.group(1)), m.span(1), label, _YEAR_REASON[label], tier))
    # "2021年1月起至2021年12月止": the period evaluated, one year (a period over several
    # years names none, and its years are not counted below)
    spanning: list[Span] = []
    for m in (_PERIOD.finditer(f, 0, _HEAD) if "月" in f[:_HEAD] and "至" in f[:_HEAD] else ()):
        if m.group(1) == m.group(2):
            cands.append(_C(int(m.group(1)), m.span(1), "…年…月起至…年…月止", _YEAR_REASON["…年…月起至…年…月止"], 3))
            break
        spanning.append(m.span())
    if not cands:
        # Last resorts: the year written most often as "YYYY年度", then as "YYYY年" (not a
        # date), then the year whose 12月31日 the figures are stated at.
        for pattern, label, tier in ((r"((?:19|20)\d\d)\s*年度(?!\s*国债)", "most frequent 年度", 4),
                                     (r"((?:19|20)\d\d)\s*年(?!\s*\d{1,2}\s*月)(?!\s*国债)", "most frequent 年", 5),
                                     (r"截[至止]\s*((?:19|20)\d\d)\s*年\s*12\s*月\s*31\s*日"
                                      r"|((?:19|20)\d\d)\s*年\s*12\s*月\s*31\s*日\s*(?:之前|以前|前|止)",
                                      "截至…年12月31日", 6)):
            counts: Counter[str] = Counter()
            first: dict[str, int] = {}
            for m in _compiled(pattern).finditer(f):
                g = next(i for i in range(1, (m.re.groups or 1) + 1) if m.group(i))  # the alternative that matched
                if m.group(g) < "2000" or _FOUNDED.search(f, max(0, m.start() - 6), m.start()) \
                        or any(lo <= m.start() < hi for lo, hi in spanning):
                    continue  # no fiscal year: a date in a unit's history (成立于1951年), a period's end
                counts[m.group(g)] += 1
                first.setdefault(m.group(g), m.start(g))
            if counts:
                # Years written equally often are each a candidate of the tier: the text
                # does not say which one it evaluates, so none is chosen.
                top = max(counts.values())
                cands += [_C(int(year), (first[year], first[year] + 4), label, _YEAR_REASON[label], tier)
                          for year, n in counts.items() if n == top]
                break
    if not cands:
        # No year written at all: a self-evaluation is filed after the year it evaluates
        # closes, so the year before the one its 填报日期 field states (not a bare 日期, a
        # signature's date, a document's own date, or the page's 发布日期).
        filed = _filed_date(ctx)
        if filed is not None:
            cands.append(_C(int(str(filed.value)[:4]) - 1, filed.span, "填报日期前一年",
                            f"文中未写评价年度；{filed.label}的上一年（自评在年度结束后填报）", 6))
        elif filed is None and (m := _filed_month().search(f, 0, _HEAD)) is not None:
            # "填报日期:2025年7月": the month, no day (no date to publish, a year all the same)
            cands.append(_C(int(m.group("y")) - 1, m.span("y"), "填报日期前一年",
                            f"文中未写评价年度；{m.group('l')}的上一年（自评在年度结束后填报）", 6))
    # "九亭镇2021年预算绩效评价结果公开" over "财政项目支出绩效自评表 / 2020年度": the page's
    # title and the form's own year disagree, and nothing says which year was evaluated.
    form_years = {c.value for c in cands if c.label == "自评表(…年度)"}
    if form_years and any(c.tier == 1 and c.label == "title" and c.value not in form_years for c in cands):
        # (the title's year read again by another pattern on the title's own line goes too)
        def line(c: _C) -> str:
            lo, hi = _lines_of(f, c.span)
            return f[lo:hi].strip()
        title_lines = {line(c) for c in cands if c.label == "title"}
        cands = [_C(c.value, c.span, c.label, f"{c.reason}（标题年份与自评表所列年度不一致）", REJECTED)
                 if c.label in ("title", "自评表(…年度)") or line(c) in title_lines else c
                 for c in cands]
    if (masked := _MASKED_YEAR.search(f, 0, _HEAD)) is not None:
        # "…报送20xx年中央财政…自评材料": the page hid the year; a year its page title or a
        # heading writes, and the body nowhere, is no year the text states. (The report's
        # own title is the text's: "某县2022年度…绩效自评报告" over a form left with its
        # template's "填报日期:20XX年X月X日" states 2022.)
        own = {i for t in _titles(ctx) if t.tier == 1 for i in t.idx}
        cands = [c if _restated(f, str(c.value), c.span) or c.span[0] in own else
                 _C(c.value, c.span, c.label, f"正文年份已被隐去（{masked.group()}），{c.reason}未在正文出现", REJECTED)
                 for c in cands]
    return _choose(cands)


def _lines_of(f: str, span: Span) -> Span:
    """The start and end of the line or lines holding ``span`` (the end before its \\n)."""
    hi = f.find("\n", span[1])
    return f.rfind("\n", 0, span[0]) + 1, len(f) if hi < 0 else hi


def _restated(f: str, year: str, span: Span) -> bool:
    """Whether ``year`` is written in ``f`` outside the line holding ``span``."""
    lo, hi = _lines_of(f, span)
    return year in f[:lo] or year in f[hi:]


def _filed_date(ctx: Context) -> Found | None:
    """The first date a filing field (填报日期 …) states, whatever other dates (the page's
    发布时间, a bare 日期) come before it."""
    f = ctx.f
    for m in _compiled(rf"(?:{vocab().meta['filed_field'].pattern})[\s:|\t]*").finditer(f):
        d = _DATE.match(f, m.end())
        if d and _iso(d):
            return Found(_iso(d), d.span(), clean_label(m.group()), 3)
    return None


@lru_cache(maxsize=1)
def _filed_month() -> re.Pattern[str]:
    """A filing or publishing field giving its month without a day (填报日期:2025年7月)."""
    return re.compile(rf"(?P<l>{vocab().meta['filed_field'].pattern})[\s:|]*(?P<y>(?:19|20)\d\d)\s*年\s*\d{{1,2}}\s*月")


# ----------------------------------------------------------------------------- kind

def find_kind(ctx: Context, title: Found | None = None, has_project_field: bool = False,
              project_field_span: Span | None = None) -> Choice:
    """project or department: the titles' words (部门整体 before 项目/资金), a 项目名称
    field, the first headings, then which vocabulary the text uses more."""
    meta = vocab().meta
    cands: list[_C] = []

    def by_words(t: _Title, label: str, tier: int) -> None:
        if meta["department_title"].search(t.text):
            cands.append(_C("department", t.span(), label, f"{t.source}含“部门整体”等字样", tier))
        elif meta["project_title"].search(t.text):
            cands.append(_C("project", t.span(), label, f"{t.source}含项目/资金字样", tier))

    for t in _titles(ctx):
        by_words(t, "title" if t.tier == 1 else t.source, 1 if t.tier == 1 else 2)
    if cands:
        first = min(cands, key=lambda c: (c.tier, c.span[0]))
        cands = [c if c is first else _C(c.value, c.span, c.label, c.reason, c.tier + 10) for c in cands]
    if has_project_field:
        cands.append(_C("project", project_field_span or (0, 0), "项目名称", "“项目名称”栏", 3))
    for t in _site_titles(ctx):
        by_words(t, t.source, 5)
    for s in ctx.sections[:3]:
        heading = ctx.line_bounds(s.span[0])  # the heading line, not the whole section
        if re.search(r"部门概况|部门基本情况|单位概况|单位基本情况", s.title):
            cands.append(_C("department", heading, s.title, "部门概况类标题", 4))
            break
        if re.search(r"项目基本情况|项目概况|绩效目标分解下达情况|转移支付(?:基本情况|概况)", s.title):
            cands.append(_C("project", heading, s.title, "项目概况类标题", 4))
            break
    if not cands:
        # "本部门按要求对2021年部门整体支出开展绩效自评": the report evaluates the department's whole
        m = re.search(r"对[^。\n]{0,20}?(?:部门|单位)整体支出[^。\n]{0,6}?(?:开展|进行)了?(?:绩效)?(?:自评|评价)", ctx.f[:_HEAD])
        if m:
            cands.append(_C("department", m.span(), "对…整体支出…自评", "正文“对……部门整体支出开展自评”", 4))
    if not cands:
        # "对2023年城乡义务教育补助经费项目实施情况开展了自评": the report evaluates a project or fund
        # (or "开展了2017年度…专项资金绩效自评")
        m = re.search(r"对[^。\n]{0,40}?(?:项目|资金|经费|补贴|补助|奖补)[^。\n]{0,10}?(?:开展|进行)了?(?:财政)?(?:绩效)?(?:自评|评价)"
                      r"|开展了?[^。\n对]{0,40}?(?:项目|资金|经费)(?:绩效)?(?:自评|评价)", ctx.f[:_HEAD])
        if m:
            cands.append(_C("project", m.span(), "对…项目…自评", "正文“对……项目/资金……开展自评”", 4))
    if not cands:
        dept = len(meta["department"].findall(ctx.f))
        proj = len(meta["project"].findall(ctx.f))
        if dept or proj:
            cands.append(_C("department" if dept > proj else "project", (0, 0), "counts",
                            "按全文部门/项目用词多少", 5))
    if not cands and not meta["department_signs"].search(ctx.f):
        # "一、资金基本情况 …下达我区111万元…": no title, no heading of either kind, but a
        # fund's words throughout and no word of a unit's whole
        funds = list(itertools.islice(meta["project_title"].finditer(ctx.f), 3))
        if len(funds) == 3:
            cands.append(_C("project", funds[0].span(), funds[0].group(),
                            "全文未见部门整体、职能、编制等用词，通篇讲资金或项目", 6))
    if not cands:
        return Choice(None)
    # The best signal decides kind; weaker ones do not veto it (a project report has
    # department words too).
    best = min(cands, key=lambda c: (c.tier, c.span[0]))
    return _choose([best] + [_C(c.value, c.span, c.label, c.reason, c.tier + 20)
                             for c in cands if c is not best])


# ----------------------------------------------------------------------------- project

# A fund word alone (what a title writes after the year when the year splits the name).
_FUND_WORD = re.compile(r"(?:专项|补助|转移支付)?(?:资金|经费)")
# The channel a fund is paid through, in brackets after its name: no name of its own.
_CHANNEL = re.compile(r"(?:中央|省|市|县|自治区)?(?:对下|对地方|对)?(?:一般性|专项)?转移支付(?:资金)?")
_FUND_END = re.compile(r"(?:项目|资金|经费|费|工程|补助|补贴|奖补|基金|专项|转移支付|资金统筹整合"
                       r"|(?:备用|公益|奖励|抚恤|救助|慰问|助学|奖学|补偿|周转|扶助)金)$")
_GENERIC = re.compile(
    r"^(?:(?:部门|单位|本级|财政|专项|建设|乡村振兴|财政资金|专项资金|财政专项|预算|部门预算|本单位|年度|整体"
    r"|中央|省级|市级|县级|区级|县级专项|市级专项)?"
    r"(?:项目|资金|项目资金|项目预算资金|预算资金|项目支出|支出项目|经费|专项|转移支付|专项转移支付|专项资金|财政资金|财政专项资金)"
    r"|.*资金(?:实施|使用|支持)?项目|.*支出项目|(?:扶贫|脱贫|涉农|衔接|民生|惠民|重点|基建)项目(?:资金|经费)|(?:中央|中央对地方)?转移支付(?:项目|资金)?"
    r"|(?:中央|省级|省)?(?:对|支付|支持|补助)地方(?:发展)?项目"  # the MoF form's template heading
    # a level's transfer, named by its level alone ("下达上级资金转移支付…其中:中央级资金转移支付…"),
    # or by several ("2024年度中央、市级转移支付资金")
    r"|(?:中央|上|省|市|县|区)级(?:财政)?(?:资金)?(?:专项)?转移支付(?:资金)?"
    # a fund named by its kind and level alone: 中央补助资金, 市级奖补资金, 各类补助资金
    r"|(?:中央|省级|市级|县级|区级|上级|各类|各级|各项)(?:财政)?(?:专项|补助|奖补|补贴)资金"
    r"|(?:中央|省级?|自治区|市级?|县级?)(?:[、和及与](?:中央|省级?|自治区|市级?|县级?))+(?:财政)?(?:专项)?转移支付(?:资金)?"
    r"|(?:财政)?(?:专项)?衔接(?:推进乡村振兴)?资金|(?:中央)?(?:财政)?直达资金|[\u4e00-\u9fff]{0,6}相关转移支付(?:资金)?|一般公共预算项目|(?:一般性|财力性|均衡性|共同财政事权|专项)转移支付(?:资金)?|.*打捆.*"
    r"|.+(?:19|20)\d\d年(?!国债).*|(?:全|所有|各)[局县市区省单部][\u4e00-\u9fff]{0,4}?(?:项目|资金|经费)(?:项目)?|.*(?:和|及|与)(?:预算|部门|专项)?项目"
    # the recipient, not the fund ("下达给我单位资金"); a fund's projects, all of them
    # ("对…资金支持所有项目进行自评": several)
    r"|(?:给|向)(?:我|本).*|(?:我|本)(?:单位|部门)?(?:资金|经费)|.*(?:所有|全部|各个?|相关)项目"
    # 我区补助资金: the recipient's money, named by a pronoun; 学校项目, 工程项目: a kind of
    # project (an essay site's heading), no project's name; new special bonds: a programme
    r"|我[县市区省州旗乡镇].*|[\u4e00-\u9fff]{1,2}项目|(?:新增)?(?:地方)?(?:政府)?(?:一般|专项)债券?(?:资金)?项目(?:资金)?"
    r"|.*\d+个(?:预算|支出)?项目"
    # "…局2023年度部门决算中项目绩效评价报告": the projects of its final accounts, all of them
    r"|(?:部门|单位)?决算中的?项目"
    # "市直部门预算项目", "二级单位所属项目": the projects of units, all of them
    r"|.*(?:部门|单位)(?:预算|所属|下属)?项目|.*(?:所属|下属)项目)$")


def _generic_project(name: str) -> bool:
    """A word for projects in general, or for a fund's projects (…资金项目), not a name.
    (直达资金 is the channel many transfers are paid through, 农业相关转移支付 the heading
    of the MoF notices allocating several farm funds at once: neither is one fund.) Nor
    a count of projects (10个重点项目) or the levels money comes from (中央、省、市(州)、
    县级财政资金)."""
    # "20xx年度项目": a copy's year masked, the genre's 项目
    name = name[m.end():] if (m := _HIDDEN_YEAR_AT.match(name)) else name
    if (own := _UNITS_FUNDS.fullmatch(name)) is not None and _is_org(own.group(1)) \
            and _ADMINISTERING.search(own.group(1)):
        # 园林管理处专项资金: a unit's special funds, whatever they pay for (not a fund for
        # a kind of institution: 乡镇卫生院专项资金, 公共图书馆专项资金 name their fund)
        return True
    return bool(_GENERIC.match(name) or _COUNTED.match(name) or _LEVELS_MONEY.fullmatch(name)) or len(name) < 3


_ADMINISTERING = re.compile(r"(?:局|处|委员会|委|厅|办公室|办|管理所|管理站)$")
_UNITS_FUNDS = re.compile(r"(?:(?:19|20)\d\d年度?)?([\u4e00-\u9fff]{3,20}?)(?:专项资金|专项经费)")
# A count of projects (10个重点项目), not of the villages or sites one project covers
# (5个村道路硬化项目, 3个安置点配套项目: one project, named so).
_PROJECTS_COUNTED = r"(?:\d+|[两二三四五六七八九十百]+)个(?:(?!村|镇|乡|社区|安置点|站|所|学校|厂|场|户|座|条|[县区市](?!级))[\u4e00-\u9fff]){0,6}?项目"
_COUNTED = re.compile(rf"{_PROJECTS_COUNTED}|(?:\d+|[两二三四五六七八九十百]+)个(?:重点|民生|建设)?$")
_LEVELS_MONEY = re.compile(r"(?:(?:中央|省|自治区|市|州|县|区|乡镇|乡|本|上)级?(?:\([^()]{1,4}\))?[、和及与]?){2,}"
                           r"(?:财政)?(?:专项)?(?:资金|经费)")


# What joins the funds a name lists (林业改革发展资金、林业草原生态保护恢复资金, …和…, …及…).
_JOINING = re.compile("[、和及]")


def title_funds(ctx: Context) -> tuple[str, ...]:
    """The funds a title names when it names several (园林绿化养护经费及城区行道树养护经费:
    both), else ()."""
    for t in _titles(ctx):
        if t.tier != 1 or not _JOINING.search(t.text):
            continue  # (several funds are joined by 、/和/及: a title without one names one)
        for name, _, _ in _title_parts(t).objects:
            if _several_funds(name):
                return tuple(p for p in _JOINING.split(re.sub(r"\([^()]*\)", "", name)) if p)
    return ()


def _several_funds(name: str) -> bool:
    """A title naming several funds: "林业改革发展资金、林业草原生态保护恢复资金", "…补助资金
    和学生资助补助资金", or one fund with its categories "(A类、B类)". A project whose
    name lists its parts (办公宿舍楼、食堂及餐厅暖通改造经费) is one project: only when
    every part is itself a fund (or a category) are there several."""
    for part in [name, *re.findall(r"\(([^()]*)\)", name)]:
        parts = _JOINING.split(re.sub(r"\([^()]*\)", "", part) if part is name else part)
        # (the last part may carry the title's 项目: "…发展资金和耕地地力保护补贴项目")
        if len(parts) > 1 and all(re.search(r"(?:资金|经费|补助|补贴|基金|扶助金|转移支付|[A-Za-z一二三四五六七八九十]类)(?:项目)?$", p)
                                  for p in parts):
            return True
    return False


@lru_cache(maxsize=8192)
def _clean_project(name: str, as_written: bool = False, keep_year: bool = False) -> str:
    """A project's name without what the sentence or title put around it: 关于/上报,
    the year evaluated and the receiving region (下达金凤区2017年…资金) — but a
    "2024年固始县…项目" keeps its year, part of how such projects are named. A form
    field's value (``as_written``) keeps its year."""
    name = re.sub(r"^[\dA-Z]{10,}-", "", name.strip())  # budget code prefix
    name = re.sub(r"^(?:关于|上报|对|的)+", "", name)
    # a place or year the page masked (XX市渔业增殖放流项目, 20xx年度…): no part of the name
    name = re.sub(r"^(?:(?:[xX×]{2}|\*{2,})(?:省|市|州|县|区|镇|乡)|(?:20\d?)?(?:[xX×]{1,2}|\*{2,4})年度?)+(?=.{4})", "", name)
    # "现将我办专项工作经费绩效自评情况报告如下": the writer (我办, 本单位) is no part of the name
    name = re.sub(r"^(?:我|本)(?:单位|部门|中心|街道|[局委厅办校院处站所部馆队会])的?(?=.{4})", "", name)
    if as_written:
        name = re.sub(r"(?:项目)?(?:支出)?绩效(?:目标)?自评表$", "", name).strip()
        return re.sub(r"(?<=项目)支出$", "", name)  # "…补助资金项目支出": the project
    name = re.sub(r"^(?:我[县市区省州旗乡镇]|[\u4e00-\u9fff]{1,8}?(?:省|市|州|盟|县|区|旗))(?=中央|省级|(?:19|20)\d\d|财政)",
                  "", name)
    # (a place's name after the year: not 度 of 年度 read as one, "2021年度市电子政务…")
    if not keep_year and not re.match(r"(?:19|20)\d\d年度?(?!度)[\u4e00-\u9fff]{1,8}?(?:省|市|州|盟|县|区|旗)", name):
        name = re.sub(r"^(?:19|20)\d\d年度?", "", name)
    name = re.sub(r"^中央对(?!地方)[\u4e00-\u9fff]{2,8}?转移支付(?=.{4})", "", name)
    # "下达…中央及自治区就业补助资金": two levels' money together; the fund is the rest (a
    # transfer named only by its levels, 中央、市级转移支付资金, has no other name)
    rest = re.sub(r"^(?:中央|省级?|自治区|市级?|县级?)(?:及|和|与|、)(?:中央|省级?|自治区|市级?|县级?)(?!级)(?:财政)?(?!(?:专项)?转移支付|(?:专项)?资金)(?=.{4})",
                  "", name)
    name = rest if rest == name or not _generic_project(rest) else name
    name = re.sub(r"(?:项目)?(?:支出)?绩效(?:目标)?自评表$", "", name)
    name = re.sub(r"(?<=.{4}专项)项目$", "", name)  # "…监测专项项目": 专项 already says it is one
    # "2017年度“国内侨务工作”项目": the quotes mark the name; 项目 is the title's word
    quoted = re.fullmatch(r"“\s*([^“”]{2,40}?)\s*”(?:项目)?", name.strip())
    return quoted.group(1) if quoted else name.strip()


def _unit_and_year_off(name: str) -> str:
    """"环境监测站2021年度百岁宫大气监测专项项目": the unit and the year before the project's
    name are the sentence's, not the name's."""
    m = re.match(r"(?P<o>[\u4e00-\u9fff]{2,20}?)(?P<y>(?:19|20)\d\d年度?)(?=.{4})", name)
    return name[m.end():] if m and _is_org(m.group("o")) else name


def _balanced(name: str) -> str:
    """A name without a bracket or quote left open where its value was cut
    ("…发展(" -> "…发展"): a name's inner brackets and quotes come in pairs."""
    for op, cl in (("(", ")"), ("“", "”")):
        while name.count(op) > name.count(cl):
            name = name[:name.rfind(op)]
    return name.strip()


def _project_key(name: object) -> str:
    """Two names of one project agree when they differ only by a leading year, a leading
    财政 or 中央 (财政衔接推进乡村振兴补助资金 / 衔接推进乡村振兴补助资金) or 专项."""
    return _key_of_project(str(name))


@lru_cache(maxsize=8192)
def _key_of_project(name: str) -> str:
    # (中央支持地方/中央补助地方…: the national name of a fund a province also writes bare)
    return re.sub(r"^(?:(?:19|20)\d\d年度?)?(?:中央(?:财政)?(?:支持|补助|对)地方|中央财政补助|中央财政|财政|中央)?", "",
                  name).replace("专项", "")


_REGION_CHAIN = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|省|市|州|盟|县|区|旗))+")
# (then the words a key drops at its start: 隆阳区2021年中央化肥…资金 / 中央化肥…资金)
_PLACE_YEAR = re.compile(_REGION_CHAIN.pattern + r"(?:(?:19|20)\d\d(?:[-—–~至到](?:19|20)\d\d)?年度?)?"
                         r"(?:中央财政|中央|财政)?")


def _same_project(a: object, b: object) -> bool:
    """One project named twice: the same key, or the longer name is the shorter with one
    run of words added inside it (农村危房改造项目 / 农村危房改造及抗震改造项目) — the
    same head and the same fund word around the insertion, so a name is not taken for
    another one that merely shares its beginning."""
    return _same_project_names(str(a), str(b))


@lru_cache(maxsize=8192)
def _same_project_names(a: str, b: str) -> bool:
    ka, kb = _key_of_project(a), _key_of_project(b)
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    if long in (short + "项目", short + "资金"):  # 某某运维服务经费 / …经费项目; 某某财政奖励 / …奖励资金
        return True
    if len(short) >= 4 and long.endswith(short) and _PLACE_YEAR.fullmatch(long[:-len(short)]):
        # 全民健身中心项目 / 广元市朝天区全民健身中心项目: the project with its place (and
        # year: 供热补贴项目 / 某区2019-2020年度供热补贴项目)
        return True
    if len(short) < 6 or len(long) - len(short) > 12:
        return False
    head = 0
    while head < len(short) and short[head] == long[head]:
        head += 1
    tail = len(short) - head
    return 4 <= head and 2 <= tail and long.endswith(short[head:]) and "(" not in long[head:len(long) - tail]


# A transfer "涉及两类项目,分别是:土壤污染防治类和大气污染防治类": kinds, each its own fund
# (not "服务内容包括12类项目", the kinds of service one fund pays for, nor "涉及两类资金", its
# sources).
# ("“信访补贴”“信访事务”等5个项目": a list closed by its count; "自评项目35个", "年初预算项目5个":
# the projects evaluated or budgeted, counted)
# (Not the sites, areas or villages of one project: 12个项目点, 3个项目区, 2个项目村; nor a count
# of other things: 学校(共46个). A bundle's 自评表(共15个) counts its projects' forms.)
_MULTI = re.compile(r"(?:共有?|实施项目共|批复的|建设|涉及|包括|(?<!提)供|[”\"]等)\s*(?P<n>\d+|[两二三四五六七八九十]+)\s*个(?:预算)?项目(?![点区村库])"
                    r"|项目共\s*(?P<m>\d+)\s*个|(?:自评|评价|预算|支出)项目\s*(?:共(?:计|有)?)?\s*(?P<k>\d+)\s*个|(?:项目|表|报告)\(共\d+个\)"
                    # "共实施衔接资金项目4个", "共有4个衔接资金项目": a kind of project, counted
                    r"|共(?:实施|有)?[\u4e00-\u9fff]{2,8}?资金项目\s*(?P<j>\d+)\s*个"
                    r"|共有?\s*(?P<i>\d+)\s*个(?:(?!村|镇|乡|社区|户|人)[\u4e00-\u9fff]){1,8}?资金项目(?![点区村库])"
                    r"|涉及\s*(?:\d+|[两二三四五六七八九十]+)\s*类项目")
# A project named by an item of the text's numbered list ("1.养老机构运营补贴项目:") or of a
# 其中 list with its money ("其中甲项目48万元、乙项目建设资金15万元").
_PROJECT_ITEM = re.compile(r"(?m)^[ \t]*(?:\d{1,2}[.、．]|[(（][一二三四五六七八九十\d]{1,2}[)）])[ \t]*"
                           r"(?P<n>[\u4e00-\u9fff“”]{2,30}?项目)[:：]")
_PARTS_LIST = re.compile(r"其中[:：]?(?P<list>(?:[\u4e00-\u9fff“”]{2,30}?项目(?:建设)?(?:资金|经费)?\d[\d.,]*万?元[、,;，；]?){2,})")
_PART_ITEM = re.compile(r"(?P<n>[\u4e00-\u9fff“”]{2,30}?项目)(?:建设)?(?:资金|经费)?\d")


def _listed_projects(ctx: Context) -> list[str]:
    """The distinct projects the text's head lists as numbered items or as the parts of a
    sum, each named (not a kind of money or a part of the report: 主要建设项目, 产出项目)."""
    head = ctx.f[:_HEAD]
    # (each list needs its words: 项目 and a colon, or 其中; most texts have neither)
    names = [m.group("n") for m in _PROJECT_ITEM.finditer(head)] if "项目:" in head or "项目：" in head else []
    for m in (_PARTS_LIST.finditer(head) if "其中" in head else ()):
        names += [p.group("n") for p in _PART_ITEM.finditer(m.group("list"))]
    return list(dict.fromkeys(n for n in names if not _generic_project(n) and not _KIND_OF_MONEY.fullmatch(n)
                              and not re.fullmatch(r"(?:主要|重点)?(?:建设|实施|产出|效益|子|其他|绩效)*项目", n)))


_NEXT_FIELD = re.compile(r"(?:项目)?(?:主管|实施|承担|负责)(?:单位?|部门|人)|资金使用单位|项目负责")
_TITLE_COUNT = re.compile(_PROJECTS_COUNTED)
_NUMERALS = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def several_projects(ctx: Context) -> bool:
    """Whether the text's head counts two or more projects (涉及2个项目, 共有三个项目)."""
    cached = getattr(ctx, "_meta_several", None)
    if cached is None:
        m = _MULTI.search(ctx.f, 0, _HEAD)
        n = (m.group("n") or m.group("m") or m.group("k") or m.group("j") or m.group("i") or "2") if m else "0"
        count = int(n) if n.isdigit() else _NUMERALS.get(n[-1], 2)
        cached = ctx._meta_several = count >= 2  # type: ignore[attr-defined]
    return cached


_ALLOCATION = re.compile(
    r"(?:下达|下拨)(?:给|至|到)?(?:我[县市区省州旗乡镇]|广西|内蒙古|西藏|宁夏|新疆|[\u4e00-\u9fff]{1,6}?(?:省|市|州|盟|县|区|旗)(?=的))?的?(?:(?:19|20)\d\d年度?)?"
    r"(?P<n>[\u4e00-\u9fff“”]{4,40}?(?:资金|经费|转移支付)(?:\([^()\d]{2,20}\))?)(?:预算)?[,，]?"
    r"(?:共计|合计|共|总计)?\d")


# "对城镇老旧小区改造及配套工程项目资金投入情况…", "对…老旧小区改造项目预算资金使用情况进行了
# 自评": the money of a works project the report evaluates, named by the project.
_WORKS_PROJECT = r"(?:工程|建设|改造)项目"
_WORKS_MONEY = re.compile(rf"(?<={_WORKS_PROJECT})(?:预算)?资金$")


def _works_project(name: str) -> str:
    """A works project's name without the word for its money (…建设项目预算资金 -> …建设项目)."""
    return _WORKS_MONEY.sub("", name)


_NOTICE = re.compile(r"《[^《》\n]{0,40}?关于(?:提前)?下达(?:(?:19|20)\d\d年度?)?(?:第[一二三四五六七八九十\d]+批)?"
                     r"(?P<n>[\u4e00-\u9fff“”()]{4,40}?(?:资金|经费|转移支付)(?:预算)?(?:\([^()]{2,20}\))?)"
                     r"(?:及|和)?(?:绩效目标)?的通知》")
_FUND_EVALUATED = re.compile(
    r"(?:对|开展了?)(?:我[局县市区旗省委厅单位]{1,2})?(?:(?:19|20)\d\d年度?)?(?:[^。\n,;“”]{0,24}?的)?"
    r"(?P<p>[\u4e00-\u9fff]{4,30}?(?:资金|经费|补贴|补助|奖补))的?"
    r"(?:(?:(?:管理)?使用(?:管理)?|投入|绩效目标(?:实施|完成)|预算执行)情况(?:、[^。\n,;、]{2,12}?情况){0,3}等?)?"
    # "…专项资金管理使用情况开展了绩效评价", "…市级补贴使用情况开展了财政绩效评价工作",
    # "对…项目资金投入情况、绩效目标完成情况等进行了自评"
    r"(?:(?:进行|开展)了?(?:财政)?(?:绩效)?(?:自评|自我评价|评价)|(?:进行|开展)?了?(?:绩效)?(?:自评|自我评价))")
# Money of a scope or a kind, or of several projects, not one project's: 所有/全部/各类项目资金,
# 全县…工程项目, 一般公共预算资金, 财政拨款资金, 上年度结转资金, 教育系统项目资金, 重点项目资金,
# 第一批…项目资金, …建设项目和…工程项目.
_SCOPE_OF_FUNDS = re.compile(
    r"^(?:度|所有|全部|各|全[省市县区州旗盟]|本级|重点|一般公共预算|政府性基金|国有资本|财政拨款|项目支出|上年|以前年度|结转|结余|"
    r"债券|业务类|基本建设|第[一二三四五六七八九十\d]+批)|的|全部|所有|系统|类项目|项目.*(?:和|及|与|、).*项目|(?:结转|结余)资金$")
_BRACKET_TITLE_LINE = re.compile(r"(?m)^[ \t]*\((?P<p>[^()\n]{4,40}?(?:项目|经费|资金))\)[ \t]*\n\s*一[、.]项目(?:基本)?(?:情况|概况)")
# What a bracket line may say that names no project: a note of what the money holds or
# leaves out ((含上年结转资金), (不含基本支出经费), (其中中央资金), (以下简称本项目)), or a
# year, level, kind or channel of money alone ((2021年度项目), (部门项目支出经费)).
_BRACKET_NOTE = re.compile(r"(?:含|不含|其中|包括|以下简称|简称|涉及|共)")
_KIND_OF_MONEY = re.compile(r"(?:(?:19|20)\d\d年度?)?(?:中央|省级|市级|县级|区级|本级|上级|地方|财政|预算|部门|单位|专项|"
                            r"项目|支出|补助|配套|各级|年度)*(?:资金|经费|项目)")


# A heading that is a fund's name ("中央自然灾害救灾资金(森林草原航空消防租机补助经费)").
_FUND_HEADING = re.compile(r"(?P<p>[\u4e00-\u9fff]{4,30}?(?:资金|经费|补助|补贴|转移支付))(?:\([^()]{2,30}\))?")
_FIRST_PART = re.compile(r"(?m)^\s*一[、.]项目(?:基本)?(?:情况|概况)")


def _bracket_line_names(p: str) -> bool:
    """Whether a bracket line above the report's first part ("(中和木材检查站租金项目)")
    names one project, not a scope, kind, level or channel of money, several funds, a
    unit's projects ((县林业局实施项目)) or a caption ((附件2:项目))."""
    unit = re.sub(r"^对|(?:实施|承担|负责|管理|所属|下属)?的?项目$", "", p)
    return not (_generic_project(p) or _CHANNEL.fullmatch(p) or _SCOPE_OF_FUNDS.search(p) or _several_funds(p)
                or _BRACKET_NOTE.match(p) or _KIND_OF_MONEY.fullmatch(p) or re.search(r"[:|]", p)
                or (unit != p and _is_org(unit)))


_PURPOSE = re.compile(
    r"^\s*为(?:进一步)?(?:加强|做好|规范)(?:(?:19|20)\d\d年度?)?(?P<n>[\u4e00-\u9fff]{4,30}?(?:资金|经费))"
    r"(?:项目)?的?绩效管理", re.M)


_ONE_PROJECT = re.compile(r"项目(?:为|有|共)?(?:一|1)个(?:[:：]|[,，]?(?:即|为))(?P<p>[^\s,;:。、“”\"()]{4,40}?项目)(?=[\s,;。(]|$)")
_USED_FOR = re.compile(r"用于(?:实施|建设)(?P<p>[^\s,;:。、“”\"()]{4,40}?项目)(?=[\s,;。(]|$)")


def _project_candidates(ctx: Context, titles: list[_Title]) -> tuple[list[_C], _C | None]:
    cached = getattr(ctx, "_meta_projects", None)
    if cached is None:
        cached = ctx._meta_projects = _read_project_candidates(ctx, titles)  # type: ignore[attr-defined]
    return cached


# The rest of a form cell's name on the next line, ending with a fund word and the line.
_WRAPPED = re.compile(r"[ \t]*\n[ \t]*(?P<rest>[\u4e00-\u9fff“”()]{2,30}?(?:资金|经费|项目|工程|补助|补贴))[ \t]*(?:\n|$)")

# Why a title's "X项目支出" gives the project "X项目" (X names no fund).
_OWN_PROJECT = "标题“……项目支出”所列项目"


def _read_project_candidates(ctx: Context, titles: list[_Title]) -> tuple[list[_C], _C | None]:
    meta = vocab().meta
    f = ctx.f
    year_labels = meta["year_field"].pattern.replace("|年度", "")  # a name may hold 年度
    stop = "|".join((meta["unit_field"].pattern, meta["supervisor_field"].pattern, year_labels)) \
        + _STOP_EXTRA
    # a name may hold a quoted phrase (省级农业高质量发展(“两强一增”行动)): a quote opens
    # a run only when it closes within it
    # (the field written as prose: "文件…,项目名称为2022年某村养殖业基地建设项目,…")
    # (not a sentence about names: 项目名称是否规范, 项目名称为空的, 项目名称不一致; but 项目名称 | 空港…)
    rx = _compiled(rf"(?P<label>{meta['project_field'].pattern}){_FIELD_SEP}(?:[为是](?![否空不])|(?!是否|为空|不(?:一致|规范|准确|明确|完整)))"
                   rf"(?P<v>(?:(?!{stop})(?:[^\s:,;|。\t“”\"]|“[^“”\n|]{{1,20}}”)){{2,60}})")
    cands: list[_C] = []
    field = None
    for m in rx.finditer(f, 0, _FORM_HEAD):
        if f[m.start() - 1:m.start()] == "子":
            continue  # 子项目名称: a sub-project's column (checked here: a lookbehind in the
            # pattern made the scan of every text four times slower)
        name = _balanced(_clean_project(m.group("v"), as_written=True))
        if re.match(r"[ \t|]*(?:资金计划|资金到位|预算数|年初预算|金额|指标)", f[m.end("v"):m.end("v") + 30]) \
                or re.search(r"(?:性质|规模|分数|等级|等次|得分|金额|额度|总投资|指标|名称|类别|单位|结果|编码|地点|来源)$", name) \
                or re.fullmatch(r"[\d.\s年]+", name) or _LEVELS_MONEY.fullmatch(name) \
                or _NEXT_FIELD.match(name) or _COLUMN_HEAD.fullmatch(name) \
                or _BARE_GENRE.fullmatch(_YEAR_FIRST.sub("", name)):
            continue  # a table's header row, a year cut from its name ("2020 年市级…"),
            # the levels of its money (中央、省、市(州)、县级财政资金), the next cell's
            # label ("项目名称 项目主管单 位 …": the name is elsewhere) or a template's
            # words left in the cell (20XX年度项目, 2022年度项目资金), not a value
        if len(name) >= 2:
            lo = m.start("v") + max(0, m.group("v").find(name))
            wrapped = _WRAPPED.match(f, m.end("v")) if not _FUND_END.search(name) else None
            if wrapped and name.endswith(m.group("v")[-1:]):
                # "项目名称 2016年-2017年某县一事一议\n助推美丽乡村建设试点补助资金": the cell's
                # name wrapped onto the next line, which ends it with its fund word
                name += wrapped.group("rest")
            c = _C(name, (lo, lo + len(name)), clean_label(m.group("label")), "“项目名称”栏", 1)
            field = field or c
            cands.append(c)
    fund_report = True
    for t in titles:
        parts = _title_parts(t)
        if parts.bare is not None and t.tier == 1 and not parts.objects:
            # "泸溪县合水油茶产业建设绩效自评报告" and a body that spends money "用于合水油茶产业
            # 建设项目": the project the title names without its 项目
            bare = parts.bare[0]
            region = _REGION.match(bare)
            named = (bare[region.end():] if region and len(bare) - region.end() >= 4 else bare) + "项目"
            alone = re.search(rf"(?:^|(?<=[^\u4e00-\u9fff])|(?<=用于|实施|开展)|(?<=对))({re.escape(named)})(?=[,，。;；:：\s)]|$)",
                              f[:_HEAD][t.idx[-1] + 1 if t.idx else 0:])
            lo = (t.idx[-1] + 1 if t.idx else 0) + alone.start(1) if alone else -1
            # (alone: not one of several, 甲镇…项目和乙镇…项目, nor a count, …项目10个)
            if lo >= 0 and not _generic_project(named) and not _generic_project(named[:-2] + "资金"):
                cands.append(_C(named, (lo, lo + len(named)), "title", "标题所列、正文称为“……项目”的项目", 2))
        for name, span, how in parts.objects:
            tier = 2 if t.tier == 1 else 3
            label = "title" if t.tier == 1 else t.source
            why = {"括号": "标题括号内的项目名", "项目支出": _OWN_PROJECT}.get(how, f"{t.source}所列项目或资金")
            if t.tier == 1 and not t.first and cands and any(c.tier == 2 for c in cands):
                tier = 12  # a later title restates the page's; the first title's words win
            if name.endswith("项目资金") and len(name) >= 8 and _body_names_project(ctx, titles, name[:-2]):
                # "关于2021年度某某项目资金绩效评价报告" (the template's 项目资金绩效评价报告
                # filled in) and a body writing "某某项目概况": the project is the name, 资金
                # its money. (Without the body saying so, the title's words are kept.)
                name, span = name[:-2], (span[0], span[1] - 2 if span[1] - span[0] > 2 else span[1])
            unglued = _unit_off(ctx, titles, name, t)
            if unglued is not None:
                # "保山市广播电视台电视专题节目制作经费项目…": the title glues its unit to the
                # project, which the body names alone
                name, span = unglued, (span[1] - len(unglued), span[1])
            cands.append(_C(name, span, label, why, tier))
            if t.tier == 1 and re.search(r"(?:项目|工程)$", name):
                fund_report = False
    head = f[:_HEAD]
    # "对…项目进行自评": the project the body says it evaluated.
    for m in re.finditer(r"对(?P<p>[^。\n,的“”]{4,50}?项目)的?(?:支出|资金)?(?:使用管理|使用|管理|实施)?(?:情况)?"
                         r"(?:认真)?(?:进行|开展)了?(?:绩效)?(?:自评|评价)", head):
        # "对2020年度支持学前教育发展资金项目进行了绩效自评": the fund, its 项目 the genre's
        name = re.sub(r"(?<=.{4}资金)项目$", "", _clean_project(_unit_and_year_off(m.group("p"))))
        if not _generic_project(name) and not re.search(r"我[县市区省单局]|本单位|各", name):
            lo = m.end("p") - len(name)
            cands.append(_C(name, (lo, m.end("p")), "对…项目进行评价", "正文“对……项目进行自评”所列项目", 2))
    if fund_report and not field:
        # A transfer-payment report names its fund where the money is allocated (the
        # first allocation: the ones after it split the fund into its parts).
        for m in _ALLOCATION.finditer(head):
            if ctx.f.rfind("《", 0, m.start()) > ctx.f.rfind("》", 0, m.start()):
                continue  # inside a document's title: 《关于下达…资金的通知》
            # "下达…专项转移支付预算资金3万元": 预算资金 is the money allocated, not the name.
            # (…建设项目预算资金: a works project's; not …项目资金, often a fund's own name,
            # 省级工业企业技术改造项目资金, 中央预算内投资建设项目资金)
            name = re.sub(rf"(?<=转移支付)(?:预算)?资金$|(?<=资金|经费)预算资金$|(?<={_WORKS_PROJECT})预算资金$", "",
                          _clean_project(m.group("n")))
            lo = m.start("n") + max(0, m.group("n").find(name))
            if not _generic_project(name) and not re.match(r"(?:中央|省级|市级|县级)?(?:补助|配套)?资金$", name):
                cands.append(_C(name, (lo, lo + len(name)), "下达…资金", "正文“下达……资金”所列资金", 2))
                break
        if not any(c.tier <= 2 for c in cands):
            # No title or allocation names it: the notices the report cites, 《…关于下达
            # 2021年中央农村环境整治资金的通知》, name the fund they allocate — the weakest
            # source (below a quoted name): each notice is a candidate, and notices naming
            # different funds leave the name undecided. One notice alone names none: a
            # report cites the notice that allocated a wider fund, or one of several it spent.
            notices = []
            for m in _NOTICE.finditer(head):
                name = _clean_project(re.sub(r"预算(?=$|\()", "", m.group("n")))
                if "、" in name or _generic_project(name) or re.match(r"(?:中央|省级|市级|县级)?(?:补助|配套)?资金$", name):
                    continue
                lo = m.start("n") + max(0, m.group("n").find(name))
                notices.append(_C(name, (lo, lo + len(name)), "《下达…资金的通知》", "引用的“下达……资金”通知所列资金", 5))
            if len(notices) == 1:
                notices = [_C(c.value, c.span, c.label, "只有一份引用的通知列出此资金，不能断定本报告评价的就是它",
                              REJECTED) for c in notices]
            cands += notices
    # "对我局2021年…的食品监管补助资金进行自评", "开展衔接推进乡村振兴补助资金绩效自评工作":
    # the fund the body says it evaluated: a tier below a title naming the fund, which
    # names it more fully; with no title, the tier of the allocations (it names the object
    # evaluated, where an allocation may name a part of it).
    for m in _FUND_EVALUATED.finditer(head):
        name = _clean_project(m.group("p"))
        if _several_funds(name) or "整体" in name:
            continue  # "对…部门整体支出和学生资助专项资金开展了绩效评价": not one fund
        works = _works_project(name)
        hi = m.end("p") - (len(name) - len(works))
        name = works
        if _SCOPE_OF_FUNDS.search(name):
            continue  # "对所有建设项目资金…", "对一般公共预算资金…", "对教育系统项目资金…": no one project
        if not _generic_project(name) and not re.fullmatch(
                r"(?:中央|省级|市级|县级|财政|预算|部门|专项|项目|本级|补助|配套|转移支付|上级|各级)+(?:资金|经费)", name):
            tier = 3 if any(c.label == "title" for c in cands) else 2
            cands.append(_C(name, (hi - len(name), hi), "对…资金进行自评", "正文“对……资金进行自评”所列资金", tier))
            break
    # "(中和木材检查站租金项目)\n一、项目基本情况": a page that kept only the bracket of
    # its title (…项目支出绩效自评报告(X项目)), right above the report's first part
    # (one such line only: a page holding several projects' reports, each under its own
    # bracket line, is no one project's)
    if (bl := _BRACKET_TITLE_LINE.search(head)) is not None and _bracket_line_names(bl.group("p")) \
            and len(_FIRST_PART.findall(f)) == 1:
        cands.append(_C(bl.group("p"), bl.span("p"), "括号", "正文首部、第一部分之上的括号行所列项目", 2))
    # "为加强财政衔接推进乡村振兴补助资金绩效管理，…": the opening sentence of a fund's
    # report states the fund whose management it serves (a word for funds in general —
    # 专项资金, 财政资金 — names none).
    pm = _PURPOSE.search(f, 0, 600)
    if pm:
        name = _clean_project(pm.group("n"))
        if not _generic_project(name) and not re.fullmatch(
                r"(?:中央|省级|市级|县级|财政|预算|部门|专项|项目|本级|补助|配套|转移支付|性)+(?:资金|经费)", name):
            lo = pm.start("n") + max(0, pm.group("n").find(name))
            cands.append(_C(name, (lo, lo + len(name)), "为加强…资金管理", "开篇“为加强……资金绩效管理”所列资金", 3))
    first = ctx.sections[0] if ctx.sections else None
    if first is not None and _only_chrome(f[:first.span[0]]) and not any(c.tier <= 2 for c in cands):
        # A text opening with its first part's heading, a fund ("一、中央自然灾害救灾资金(森林
        # 草原航空消防租机补助经费)\n(一)绩效目标分解下达情况"): the fund the report is on.
        hm = _FUND_HEADING.fullmatch(first.title)
        # (a second part on another fund, 二、省级财政衔接…资金: the text is on several)
        others = [sec for sec in ctx.sections[1:] if sec.level == first.level and _FUND_HEADING.fullmatch(sec.title)]
        if hm and not others and not _generic_project(hm.group("p")):
            lo = f.find(hm.group("p"), first.span[0])
            cands.append(_C(hm.group("p"), (lo, lo + len(hm.group("p"))), first.title, "正文首个标题所列资金", 3))
    for sec in ctx.sections[:6]:
        # "(一)项目基本情况 社会服务与管理项目为省商务厅本级的经常性项目…"
        if re.search(r"项目(?:基本)?(?:情况|概况|概括)$", sec.title):
            body = ctx.f[ctx.line_bounds(sec.span[0])[1]:sec.span[1]]
            bm = re.match(r"\s*(?P<p>[^\s,;:。、“”\"()]{4,40}?项目)(?:是|为|系)", body)
            if bm and not _generic_project(bm.group("p")) and not _PRONOUN.match(bm.group("p")) \
                    and not re.match(r"本|此|该", bm.group("p")):
                lo = ctx.line_bounds(sec.span[0])[1] + bm.start("p")
                cands.append(_C(bm.group("p"), (lo, lo + len(bm.group("p"))), sec.title,
                                "项目概况段首所列项目", 3))
                break
    # "我校2022年项目为一个:生均公用经费项目": the text says there is one project, and names it.
    m = _ONE_PROJECT.search(head)
    if m and not _generic_project(m.group("p")):
        cands.append(_C(m.group("p"), m.span("p"), "项目为一个", "正文写明只有一个项目并列出其名", 2))
    # "…资金共下达105万元,用于实施X项目" naming one project, the same each time: the
    # project the fund paid for (a second project named the same way: several, none chosen).
    used = {mm.group("p"): mm for mm in _USED_FOR.finditer(head)}
    if len(used) == 1:
        (p, mm), = used.items()
        if not _generic_project(p) and not re.search(r"等|、|和|及|各|我|本", p) and head.count(p) >= 2:
            cands.append(_C(p, mm.span("p"), "用于实施…项目", "正文“用于实施……项目”所列唯一项目", 3))
    m = re.search(r"对[^。\n]{0,30}?“(?P<p>[^”\n]{3,60})”[^。\n]{0,40}?(?:评价|自评)", head)
    if m:
        name = _clean_project(m.group("p"))
        lo = m.start("p") + max(0, m.group("p").find(name))
        cands.append(_C(name, (lo, lo + len(name)), "quoted", "正文引号内的评价对象", 4))
    # "农业生产发展专项转移支付" where the text also writes "农业生产发展资金": the transfer
    # is the channel, the fund's own name is the one with the fund word.
    out = []
    for c in cands:
        v = str(c.value)
        if c.tier > 1 and re.search(r"(?:专项)?转移支付$", v):
            fund = re.sub(r"(?:专项)?转移支付$", "资金", v)
            # the fund word standing alone, not the end of a longer name (危房改造资金 in
            # 农村危房改造资金 is not the body naming the title's fund)
            pos = head.find(fund)
            while pos >= 0 and not _word_starts(head, pos):
                pos = head.find(fund, pos + 1)
            if len(fund) >= 6 and pos >= 0 and not re.match(r"(?:中央|省级|市级|县级)?(?:专项)?资金$", fund):
                c = _C(fund, (pos, pos + len(fund)), c.label, c.reason, c.tier)
        out.append(c)
    return out, field


def _word_starts(text: str, pos: int) -> bool:
    """Whether a name may start at ``pos``: after no Chinese character, or after a word
    that ends before a name (a year, 的, 中央, 下达 …) — not inside a longer name."""
    before = text[pos - 1:pos] if pos else ""
    return (not before or not "\u4e00" <= before <= "\u9fff" or before in "年度的及和于对将共"
            or text[max(0, pos - 2):pos] in ("中央", "省级", "市级", "县级", "下达", "安排", "拨付"))


def find_project_name(ctx: Context, title: Found | None = None, kind: str | None = "project") -> Choice:
    """The project evaluated: a 项目名称 field; else the titles' project or fund (in
    brackets or between the unit and 绩效), the fund the body says was allocated and
    the project it says it evaluated — these must agree —; else a quoted name. None for
    a department-wide or multi-project report."""
    titles = _titles(ctx)
    cands, _ = _project_candidates(ctx, titles)
    if not cands:
        return Choice(None)
    if kind != "project":
        why = "报告为部门整体支出，不列项目名" if kind == "department" else "未能确定报告是项目支出报告，不列项目名"
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False, why) for c in cands))
    fields = [c for c in cands if c.tier == 1]
    # (a name the title gives only as "…项目支出" does not overrule the form's field)
    named = [c for c in cands if c.label == "title" and c.reason != _OWN_PROJECT]
    if fields and named and not any(_same_project(a.value, b.value) for a in fields for b in named):
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False,
                                            "“项目名称”栏与标题所列项目不一致")
                                  for c in cands))
    several = [c for c in cands if c.label == "title" and c.tier < REJECTED and _several_funds(str(c.value))]
    if several and not fields:
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False,
                                            f"标题列出多项资金（{several[0].value}），报告不止一个项目")
                                  for c in cands))
    fund_titled = any(c.label == "title" and c.tier < REJECTED and re.search(r"(?:资金|经费)$", str(c.value))
                      for c in cands)
    # "其中养老机构运营补贴项目48万元、社会工作服务站项目建设资金15万元…" and
    # "1.养老机构运营补贴项目:… 2.社会工作服务站项目:…": the fund's projects, each named
    listed = _listed_projects(ctx)
    # (a title naming one project, not a fund's: "某村基础设施建设项目绩效自评报告" over
    # "1.道路硬化项目: 2.路灯安装项目:" or "其中水源工程项目180万元、…" lists its parts)
    one_titled = any(c.label == "title" and c.tier < REJECTED and re.search(r"(?:项目|工程)$", str(c.value))
                     and not re.search(r"(?:资金|经费|公益金|转移支付)项目$", str(c.value))
                     and not _generic_project(str(c.value)) for c in cands)
    if len(listed) >= 2 and not fields and not one_titled:
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False,
                                            f"正文列出多个项目（{'、'.join(listed[:3])}），报告不止一个项目")
                                  for c in cands))
    # "裕民县2021年10个重点项目绩效评价报告": a title counting its projects
    counted = next((m for t in titles if t.tier == 1 and (m := _TITLE_COUNT.search(t.text))), None)
    if counted is not None and not fields:
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False,
                                            f"标题所称报告涉及多个项目（{counted.group()}）")
                                  for c in cands))
    # (the scan for a count of projects last: only a report named by no field needs it)
    if not fund_titled and not any(c.tier == 1 for c in cands) and (multi := _MULTI.search(ctx.f, 0, _HEAD)):
        return Choice(None, tuple(Candidate(c.value, c.span, c.label, c.reason, False,
                                            f"报告涉及多个项目（{multi.group()}）")
                                  for c in cands))
    def fuller(agreeing: list[_C]) -> _C:
        # Among names of one fund stated at the winner's tier, the one saying most
        # (财政衔接推进乡村振兴补助资金 over 衔接推进乡村振兴补助资金).
        top = [c for c in agreeing if c.tier == agreeing[0].tier]
        evaluated = [c for c in top if c.label == "对…资金进行自评"]
        if evaluated and not any(c.label == "title" for c in top):
            # no title: the fund as the body says it evaluates it, not an allocation
            # naming a part of it (…安居工程住房保障财政补助资金 in …安居工程补助资金)
            key = _project_key(evaluated[0].value)
            top = [c for c in top if _project_key(c.value) == key]
        # The same name with its 财政/中央 stated a tier lower is the same name, said fully.
        keys = {_project_key(c.value) for c in top}
        top += [c for c in agreeing if c not in top and c.tier < REJECTED and _project_key(c.value) in keys]
        # "城乡义务教育补助经费" (allocated) / "…补助经费项目" (evaluated): in the body, the
        # fund's own name is the one with the fund word; 项目 adds the work it pays for.
        funds = {str(c.value) for c in top if c.label in ("下达…资金", "对…资金进行自评")
                 and re.search(r"(?:资金|经费)$", str(c.value))}
        top = [c for c in top if not (c.label not in ("title", "“项目名称”栏") and str(c.value)[:-2] in funds
                                      and str(c.value).endswith("项目"))] or top
        best = max(top, key=lambda c: len(str(c.value)))
        # "困难群众救助补助专项转移支付资金" / "困难群众救助补助资金": the words added are
        # the channel, not the name
        bare = re.sub(r"(?:专项)?转移支付(?=资金$)", "", str(best.value))
        # "耕地地力保护补贴资金" / "耕地地力保护补贴": a name that ends with its money's
        # word already is the fund's; the 资金 after it adds nothing
        if re.search(r"(?:补贴|补助|奖励|奖补|经费)资金$", bare) and any(str(c.value) == bare[:-2] for c in top):
            bare = bare[:-2]
        return next((c for c in top if str(c.value) == bare), best)

    def decide(best: _C, tier: list[_C]) -> _C | None:
        # The page's title names the fund one way, a body sentence (an allocation, "对…
        # 进行自评") another: the title is the report's own name for it — unless the
        # body keeps to its own wording (twice or more) and never repeats the title's,
        # when the text does not say which is the name.
        from_title = [c for c in tier if c.label == "title"]
        evaluated = [c for c in tier if c.label == "对…资金进行自评"]
        if not from_title and evaluated and all(_same_project(c.value, evaluated[0].value) for c in evaluated):
            # No title: the fund the body says it evaluates ("开展了…资金绩效自评工作") is
            # the report's; an allocation it cites may be one component of it.
            return evaluated[0]
        if not from_title or not all(_same_project(c.value, from_title[0].value) for c in from_title):
            return None
        rivals = [c for c in tier if not _same_project(c.value, from_title[0].value)]
        if _mentions(ctx, titles, {str(c.value) for c in from_title}) == 0 \
                and max(_mentions(ctx, titles, {str(c.value)}) for c in rivals) >= 2:
            return None
        return from_title[0]

    return _province_named(ctx, _title_spells_out(titles, _qualified(ctx, _choose(cands, same=_same_project,
                                                                                  fuller=fuller, decide=decide))))


_PROVINCE_FIRST = re.compile(r"[\u4e00-\u9fff]{2,7}?(?:省|自治区)(?:[\u4e00-\u9fff]{2,6}?(?:市|州|盟|地区)(?=[\u4e00-\u9fff]{4}))?")


def _province_named(ctx: Context, choice: Choice) -> Choice:
    """A province's fund keeps its province ("湖南省安全生产预防及应急专项资金", as the body
    writes it again, its 管理办法 and all) only where the body names it so; a title's province
    before a fund the body names without it ("…中央财政下达我省中小企业发展专项资金") is the
    region receiving it, and a city after the province ("湖南省邵阳市…") too."""
    found = choice.found
    if found is None or not isinstance(found.value, str) or not found.value.endswith(("资金", "经费")) \
            or (m := _PROVINCE_FIRST.match(found.value)) is None:
        return choice  # (a project or unit keeps its province: 海南省规划展览馆运行维护项目)
    name = found.value
    rest = name[m.end():]
    body = ctx.f[:_HEAD]
    if len(rest) >= 4 and (m.group() != m.group().rstrip("市州盟地区") or _occurrences_after(body, name, found.span[1]) == 0):
        lo = found.span[1] - len(rest)
        return Choice(Found(rest, (lo, found.span[1]), found.label, found.rank),
                      tuple(dataclasses.replace(c, value=rest) if c.chosen else c for c in choice.candidates))
    return choice


def _occurrences_after(f: str, name: str, pos: int) -> int:
    """How often the body writes ``name`` after ``pos`` (not as its title again: …绩效自评报告)."""
    return sum(1 for i in _occurrences(f, name) if i >= pos and not _GENRE_AFTER.match(f, i + len(name)))


_GENRE_AFTER = re.compile(r"(?:项目)?(?:的)?(?:绩效|自评)")


# A title's fund before the genre's 项目 ("…大中型水库移民后期扶持资金项目绩效评价报告"): not
# itself a candidate (a fund's 项目 may be its projects, see _GENERIC), but the full name of
# a fund the body names in short.
_TITLE_FUND = re.compile(r"(?:(?<=\d)年度?|(?<![\u4e00-\u9fff\d]))(?P<f>[\u4e00-\u9fff]{4,30}?(?:资金|经费))项目(?:支出)?(?:绩效|自评|整体)")


_REGION_FIRST = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:省|市|州|盟|县|区|旗)(?=[\u4e00-\u9fff]{4})")


def _title_spells_out(titles: list[_Title], choice: Choice) -> Choice:
    """"共下达我县2020年度移民后扶资金2272万元" under the title "大英县2020年度大中型水库移民
    后期扶持资金项目绩效评价报告": the body's allocation names the fund in short (its words
    in the title's order, fewer of them); the title's is its name."""
    found = choice.found
    if found is None or found.label != "下达…资金" or not isinstance(found.value, str):
        return choice
    short = found.value
    for t in titles:
        if t.tier != 1:
            continue
        for m in _TITLE_FUND.finditer(t.text):
            full = _clean_project(m.group("f"))
            # (the region the title puts before it receives the fund: "2023年甲山县农村饮水…")
            if (rm := _REGION_FIRST.match(full)) is not None and not short.startswith(rm.group()):
                full = full[rm.end():]
            if len(full) > len(short) and full[-2:] == short[-2:] and _in_order(short, full) \
                    and not _generic_project(full):
                lo = m.start("f") + len(m.group("f")) - len(full)
                lost = f"正文简称，标题写作“{full}”"
                before = choice.candidates or (Candidate(short, found.span, found.label, "正文“下达……资金”所列资金", True, ""),)
                return Choice(Found(full, t.span(lo, m.end("f")), "title", found.rank),
                              tuple(dataclasses.replace(c, chosen=False, lost=c.lost or lost) for c in before)
                              + (Candidate(full, t.span(lo, m.end("f")), "title",
                                           f"标题所列资金全称（正文简称“{short}”）", True, ""),))
    return choice


def _in_order(short: str, full: str) -> bool:
    """Whether every character of ``short`` appears in ``full``, in order."""
    it = iter(full)
    return all(ch in it for ch in short)


# A bracketed qualifier right after a fund's name: "(水利部分)", "(第八批)", "(县域商业建设
# 行动)"; not "(以下简称…)" nor a bracket of figures or a document number.
# It names a part, a sub-fund or a programme (…部分, …资金, …建设, …行动); not a batch (第一批:
# the report may cover others), a regulation's (试行), what a sum includes (含省级配套) or a
# kind of the fund's use (种植业, 一卡通), which the report may go on to set beside others.
_QUALIFIER = re.compile(r"\((?P<q>(?!以下|下称|简称|含|第)[\u4e00-\u9fff“”]{1,10}(?:部分|资金|经费|项目|工程|建设|行动))\)")


def _qualified(ctx: Context, choice: Choice) -> Choice:
    """"河北省中央农业生产和水利救灾资金转移支付…自评报告" whose body writes the fund, each
    time, as "中央农业生产和水利救灾资金(水利部分)": the report is on that part of the
    fund, and the name is the body's with its qualifier. Only where the body names the
    fund twice or more after the title, with the same qualifier every time."""
    found = choice.found
    if found is None or not isinstance(found.value, str) or found.value.endswith(")"):
        return choice
    name = found.value
    # "…直达资金冬春救助资金" (a file name) and "…直达资金(冬春救助资金)" (the body's title):
    # one name, its brackets lost on the way to the file name; the bracketed says where the
    # fund's name ends and its part begins.
    bracketed = next((c for c in choice.candidates if isinstance(c.value, str) and "(" in c.value
                      and c.value.replace("(", "").replace(")", "") == name), None)
    if bracketed is not None:
        lost = f"同一名称，括注在“{bracketed.value}”中写明"
        return Choice(Found(bracketed.value, bracketed.span, bracketed.label, found.rank),
                      tuple(dataclasses.replace(c, chosen=c is bracketed, lost="" if c is bracketed else c.lost or lost)
                            for c in choice.candidates))
    # (a mention inside a document's title, 《…资金(水利部分)管理办法》, is the document's)
    after = [_QUALIFIER.match(ctx.f, i + len(name)) for i in _occurrences(ctx.f, name)
             if i > found.span[0] and not _in_book_title(ctx.f, i)]
    qualified = [m for m in after if m is not None]
    if len(after) < 2 or len(qualified) < len(after) or len({m.group("q") for m in qualified}) != 1:
        return choice
    first = qualified[0]
    full, span = f"{name}({first.group('q')})", (first.start() - len(name), first.end())
    lost = f"正文每次写作“{full}”"
    before = tuple(dataclasses.replace(c, chosen=False, lost=c.lost or lost) for c in choice.candidates) or (
        Candidate(name, found.span, found.label, found.label, False, lost),)
    return Choice(Found(full, span, found.label, found.rank),
                  (Candidate(full, span, "正文", "正文每次写明的资金名称（带括注）", True, ""), *before))


def _in_book_title(f: str, i: int) -> bool:
    """Whether ``f[i]`` is inside 《…》 (looked for in the 80 characters before it, on its
    line: a flattened file's one line may be megabytes long)."""
    lo = max(0, i - 80)
    lo = max(lo, f.rfind("\n", lo, i) + 1)
    return f.rfind("《", lo, i) > f.rfind("》", lo, i)


# The words a unit's name ends with, where a title may run it into its project's name.
_UNIT_END = re.compile(r"(?:局|委员会|人民政府|厅|办公室|管委会|学校|中学|小学|幼儿园|医院|卫生院|中心|电视台|广播电台"
                       r"|图书馆|博物馆|文化馆|纪念馆|剧院|剧团|公司)$")


def _unit_off(ctx: Context, titles: list[_Title], name: str, title: _Title) -> str | None:
    """``name`` without a unit it opens with (南阳曲剧艺术中心戏曲进校园演出项目,
    某市广播电视台电视专题节目制作经费项目), when the title leaves a space after the unit
    or the text's head, outside its titles, writes the rest alone, not after that unit;
    None when neither."""
    spans = [(t.idx[0], t.idx[-1] + 1) for t in titles if t.idx]
    head = ctx.f[:_HEAD]
    at_title = title.text.find(name)
    for k in range(4, len(name) - 5):
        unit, rest = name[:k], name[k:]
        if not _UNIT_END.search(unit) or not _plausible_org(unit) or _generic_project(rest):
            continue  # (a place alone is not cut: 湖北省…资金, 银川市兴庆区…项目 keep theirs)
        i = at_title + k
        if at_title >= 0 and i < len(title.idx) and title.idx[i] - title.idx[i - 1] > 1:
            return rest  # "南阳曲剧艺术中心 戏曲进校园演出项目": the title's own gap
        for at in _occurrences(head, rest):
            if not any(lo <= at < hi for lo, hi in spans) and not head.endswith(unit, 0, at):
                return rest
    return None


def _body_names_project(ctx: Context, titles: list[_Title], name: str) -> bool:
    """Whether the text's head, outside its titles, writes ``name`` (…项目) not followed by
    资金."""
    spans = [(t.idx[0], t.idx[-1] + 1) for t in titles if t.tier == 1 and t.idx]
    head = ctx.f[:_HEAD]
    # The matches of name(?!资金) as a scan finds them, by str.find (a pattern built from
    # the name was compiled for every report, and crowded re's cache).
    pos = 0
    while (at := head.find(name, pos)) >= 0:
        if head.startswith("资金", at + len(name)):
            pos = at + 1
            continue
        if not any(lo <= at < hi for lo, hi in spans):
            return True
        pos = at + max(len(name), 1)
    return False


def _mentions(ctx: Context, titles: list[_Title], names: set[str]) -> int:
    """How often the text's head writes one of ``names`` outside its titles."""
    spans = [(t.idx[0], t.idx[-1] + 1) for t in titles if t.tier == 1 and t.idx]
    head = ctx.f[:_HEAD]
    n = 0
    for name in names:
        for at in _occurrences(head, name):
            if not any(lo <= at < hi for lo, hi in spans):
                n += 1
    return n


def _occurrences(text: str, word: str) -> list[int]:
    """Where ``re.escape(word)`` matches in ``text`` (non-overlapping, left to right), by
    str.find: no pattern compiled for each word."""
    if not word:
        return list(range(len(text) + 1))
    out, pos = [], 0
    while (at := text.find(word, pos)) >= 0:
        out.append(at)
        pos = at + len(word)
    return out


def several_forms(ctx: Context) -> str | None:
    """The names, when the text's 项目名称 fields name two or more different projects (a
    unit's forms one after another, "项目名称 演出设备更新专项经费 … 项目名称 中青年演员
    培训经费"): each form's figures are its own project's, none the document's."""
    cands, _ = _project_candidates(ctx, _titles(ctx))
    # a form's 项目名称, with its 主管部门 / 实施单位 cells right after (not a list of a
    # department's projects, nor a 绩效目标表 restating the name its own way)
    names = list(dict.fromkeys(str(c.value) for c in cands if c.reason == "“项目名称”栏"
                               and _FORM_CELLS_AFTER.search(ctx.f, c.span[1], c.span[1] + 60)))
    different = [n for n in names if not any(n != o and n in o for o in names)]
    if len(different) >= 2:
        return "、".join(different[:3])
    # "财政项目支出绩效自评表 (2022 年度) … 年度资金总额 … 财政项目支出绩效自评表 (2022 年度)":
    # a second form after a first one's body, whatever its 项目名称 cells became
    # (each heading over a body of its own: the heading repeated over a form's second page,
    # its indicators, is one form)
    bodies = _form_bodies(ctx)
    if len(bodies) >= 2:
        return f"{len(bodies)}张项目支出绩效自评表"
    return None


def _form_bodies(ctx: Context) -> list[int]:
    """Where the MoF project forms open whose heading stands over a body of its own (its
    年度资金总额 before the next heading)."""
    heads = [m.start() for m in _FORM_HEADING.finditer(ctx.f)]
    return [h for h, end in zip(heads, [*heads[1:], len(ctx.f)]) if "年度资金总额" in ctx.f[h:end].replace(" ", "")]


def forms_of_one_project(ctx: Context) -> bool:
    """Whether the text's several MoF forms each name, in a 项目名称 cell, one and the same
    project (one project's forms for two years: its name stands, not its figures)."""
    heads = _form_bodies(ctx)
    if len(heads) < 2:
        return False
    cells = [c for c in _project_candidates(ctx, _titles(ctx))[0] if c.reason == "“项目名称”栏"]
    names = set()
    for h, end in zip(heads, [*heads[1:], len(ctx.f)]):
        own = {str(c.value) for c in cells if h <= c.span[0] < end}
        if len(own) != 1:
            return False
        names |= own
    return len(names) == 1


# The MoF project form's own heading with its year (several in a row: several forms).
_FORM_HEADING = re.compile(r"项目支出绩效自评表\s*[(（]\s*(?:19|20)\d\d\s*年度?\s*[)）]")
_FORM_CELLS_AFTER = re.compile(r"主管部门|主管单位|实施单位|项目单位|预算单位|项目负责人|资金情况")


def project_field_span(ctx: Context) -> Span | None:
    """The span of the first 项目名称 field's value, if the text has one."""
    _, field = _project_candidates(ctx, _titles(ctx))
    return field.span if field else None


# ----------------------------------------------------------------------------- dates

def _iso(m: re.Match[str]) -> str | None:
    y = int(m.group("y"))
    mo = int(m.group("m1") or m.group("m2"))
    d = int(m.group("d1") or m.group("d2"))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


_PORTAL_TIME = re.compile(r"(?m)^[ \t]*(?P<d>(?:19|20)\d\d-\d{1,2}-\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[ \t]*$")
_DATE_LINE = re.compile(r"(?m)^[ \t]*" + _DATE.pattern + r"[ \t]*$")


def find_published_date(ctx: Context) -> Found | None:
    """When the report was published: a 发布日期 field, a portal timestamp alone on a line
    near the top, a 填报日期 field, the date under the signature — in that order."""
    meta = vocab().meta
    f = ctx.f
    for label_rx, rank in ((meta["date_field"].pattern, 1), (meta["filled_date_field"].pattern, 3)):
        for m in _compiled(rf"(?:{label_rx})[\s:|\t]*").finditer(f):
            d = _DATE.match(f, m.end())
            if d and _iso(d):
                return Found(_iso(d), d.span(), clean_label(m.group()), rank)
        if rank == 1:
            # A portal prints the publishing time alone on a line under the title.
            head = f[:1500]
            for m in _PORTAL_TIME.finditer(head):
                d = _DATE.match(f, m.start("d"))
                if d and _iso(d):
                    return Found(_iso(d), d.span(), "portal timestamp", 2)
    tail_start = max(0, len(f) - 600)
    dates = [d for d in _DATE_LINE.finditer(f[tail_start:])]
    if dates:
        d = _DATE.search(f, tail_start + dates[-1].start())
        if d and _iso(d):
            return Found(_iso(d), d.span(), "signature date", 4)
    return None
