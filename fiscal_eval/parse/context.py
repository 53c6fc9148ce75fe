"""What every extractor needs about one document: folded text, sections, clauses."""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Callable
from functools import cached_property, lru_cache

from fiscal_eval.model import SENTENCE_END, Anchor, Document, Evidence, Span, Table, sentence_at
from fiscal_eval.parse.numbers import fold
from fiscal_eval.parse.sections import Heading, SectionIndex, build_sections, find_headings

__all__ = ["Context", "clean_label", "is_cjk", "cjk_count"]

# On fold()-ed text, where ！？ are already !?.
_SENTENCE_STOP_CHARS = frozenset(fold(SENTENCE_END))
_CLAUSE_STOP = ",;、:。!?\n\t"
assert _SENTENCE_STOP_CHARS <= frozenset(_CLAUSE_STOP)  # Context._stops reads them from the clause stops
# (a 、 joining two levels, "下达中央、市级转移支付资金", is inside one clause's words.) One
# character class first, the 、's conditions after it: the scan is a set lookup a character
# (an alternation tried at every character took twice as long; the stops are the same).
# (Nor is a thousands separator a stop: "按生均1,000元安排,共计239万元" — the comma of 1,000
# ends no clause.)
_CLAUSE_STOP_RE = re.compile(f"[{re.escape(_CLAUSE_STOP)}]"
                             r"(?:(?<!、)|(?<!中央、)(?<!省级、)(?<!市级、)(?<!县级、)(?<!区级、)"
                             r"|(?!中央|省级|市级|县级|区级|自治区))"
                             r"(?:(?<!\d,)|(?!\d{3}(?![\d])))")
_LEAD = re.compile(
    r"^(?:\s|[:—\-•·]|其中|分别为|分别是|包括|(?:19|20)\d\d\s*年(?:度)?(?![初末底])|\d{5,}\s*-?"
    r"|\(\d{1,2}\)|\d{1,2}[、.](?!\d)|[)\]】])+"
)
_TRAIL = re.compile(r"(?:\s|为|是|共计|共|达到|(?<!下)达|约|人民币|[:—\-(\[【])+$")
# _TRAIL's words, for _strip_trail: the characters it strips one at a time (达 apart: not
# the end of 下达), and the words (共计, 达到, 人民币) whose last character it never strips alone.
_TRAIL_CHARS = frozenset("为是共约:—-([【")
_TRAIL_WORDS = ("共计", "达到", "人民币")


def _strip_trail(label: str) -> str:
    """``_TRAIL.sub("", label)``, read from the end in one pass.

    The regex tries every start in a run of filler and runs each to the end of the label:
    120 KB of 为 before a figure took 51 s. Read backwards, every word is decided by its
    last character (计, 到 and 币 end only 共计, 达到 and 人民币, and are filler only in them),
    so one pass finds where the filler starts. tests/parse/test_linear.py holds it to _TRAIL.
    """
    i = len(label)
    while i > 0:
        ch = label[i - 1]
        if ch in _TRAIL_CHARS or ch.isspace() or (ch == "达" and not (i > 1 and label[i - 2] == "下")):
            i -= 1
            continue
        for word in _TRAIL_WORDS:
            if i >= len(word) and label.startswith(word, i - len(word)):
                i -= len(word)
                break
        else:
            break
    return label[:i]
_INNER_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


# How far evidence reaches either side of its figure at most (report sentences are far
# shorter: the longest in the samples, the synthetic and the shared real corpus is 832).
_EVIDENCE_REACH = 2000
# Below these sizes the plain scans are cheaper than building an index for them: a
# stretch of text (characters) searched or counted again, a list (of headings, tables)
# looked through again.
_SHORT = 2000
_FEW = 64
# Sorted runs of covered rows kept apart before they are merged (a run a table reader).
_MAX_RUNS = 8
# Longest match found_before() reasons about: vocabulary words are a few characters.
_LOCAL_WIDTH = 200
# Regex nodes after which a match depends on text outside it (anchors, \b, lookarounds,
# backreferences): found_before() cannot split the search around such a pattern.
_NONLOCAL = frozenset({"AT", "ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE",
                       "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE"})


@lru_cache(maxsize=256)
def _local_width(rx: re.Pattern[str]) -> int | None:
    """The longest match ``rx`` can make, if it is at most _LOCAL_WIDTH and the pattern
    holds nothing that looks outside the match; else None."""
    try:
        # NOTE: CPython's own regex parser (sre_parse before 3.11); private, so typeshed
        # has no stub for it: imported by name, its members untyped.
        _parser = importlib.import_module("re._parser")
        parsed = _parser.parse(rx.pattern, rx.flags)
        width = parsed.getwidth()[1]
    except Exception:  # noqa: BLE001 - another Python's re: searched afresh instead
        return None

    def local(node) -> bool:
        if isinstance(node, _parser.SubPattern):
            return all(local(item) for item in node.data)
        if isinstance(node, (tuple, list)):
            if len(node) == 2 and str(node[0]) in _NONLOCAL:
                return False
            return all(local(item) for item in node)
        return True

    return width if width <= _LOCAL_WIDTH and local(parsed) else None


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_CJK = re.compile("[\u4e00-\u9fff]")


def cjk_count(text: str) -> int:
    """How many characters of ``text`` are CJK ideographs (:func:`is_cjk`), counted in C."""
    return len(_CJK.findall(text))


@lru_cache(maxsize=32768)
def clean_label(label: str) -> str:
    """A label (fold()-ed) without list words, leading years and budget codes, or
    trailing filler.

    >>> clean_label("其中:2010302  一般行政管理事务"), clean_label("2020年度决算总收入为")
    ('一般行政管理事务', '决算总收入')
    """
    label = _INNER_SPACE.sub("", fold(label))
    prev = None
    while prev != label:
        prev = label
        label = _strip_trail(_LEAD.sub("", label))
    return label.strip()


# Quotes as the rules read them: “…” (a Word file's straight "…", a traditional page's 「…」).
_CORNERS = str.maketrans("「」『』", "“”‘’")
_STRAIGHT = re.compile(r'"([^"\n]*)"')
# A line with an odd count of straight quotes is left as it is: one of them is no quote of
# a pair there (an inch mark, 86"智慧黑板; a quote a PDF's line break split from its mate,
# 开展"侨胞\n之家"建设), and pairing them in turn would pair each with the wrong one.
_QUOTED_LINE = re.compile(r'[^"\n]*"[^\n]*')


def _paired_on_line(m: re.Match[str]) -> str:
    line = m.group()
    return line if line.count('"') % 2 else _STRAIGHT.sub(lambda q: f"“{q.group(1)}”", line)


def curly_quotes(f: str) -> str:
    """``f`` with straight double quotes paired on their line and corner brackets written
    as curly quotes, character for character (offsets do not move).

    >>> curly_quotes('开展"国内侨务工作"项目、「三三制」')
    '开展“国内侨务工作”项目、“三三制”'
    >>> curly_quotes('采购86"黑板,等级为"优"')
    '采购86"黑板,等级为"优"'
    """
    if '"' in f:
        f = _QUOTED_LINE.sub(_paired_on_line, f)
    if "「" in f or "『" in f:
        f = f.translate(_CORNERS)
    return f


# A portal's buttons on a line of their own, wherever the page puts them ("扫一扫在手机打开
# 当前页" under the title, "字号:大 中 小", "【打印本页】【关闭窗口】"): no words of the
# report, and between two of its lines they part a title from its "(项目名)" line or a
# form's label from its value. A line holding one of _BUTTON_TELL's words and nothing but
# button words and marks is read as blank. (The tell opens with a character class, which
# the regex engine skips ahead to.)
_BUTTON_TELL = re.compile(r"[分打关扫字](?:享到|印本页|闭窗口|一扫|号|体)")
_BUTTON_LINE = re.compile(
    r"(?:[\s:【】\[\]()|/·•-]*(?:分享到|分享|打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|字号|字体|扫一扫在手机打开当前页"
    r"|扫一扫在手机上查看当前页面|扫一扫|收藏本页|加入收藏|收藏|返回顶部|默认|大|中|小))+[\s:【】\[\]()|/·•-]*")


def _blank_lines(f: str, tell: re.Pattern[str], extent: Callable[[str, int, int], int | None]) -> str:
    """``f`` with stretches of whole lines made spaces (line breaks kept, offsets do not
    move): at each line holding a ``tell`` match, ``extent(f, lo, hi)`` (the line's
    bounds) says where the stretch from the line's start ends, or None to keep the line."""
    m = tell.search(f)
    if m is None:
        return f
    out, done = [], 0
    while m is not None:
        lo = f.rfind("\n", 0, m.start()) + 1
        hi = f.find("\n", m.end())
        hi = len(f) if hi < 0 else hi
        end = extent(f, lo, hi)
        if end is not None:
            out += [f[done:lo], "".join(ch if ch == "\n" else " " for ch in f[lo:end])]
            done = hi = end
        m = tell.search(f, hi)
    return "".join(out) + f[done:]


def _button_line(f: str, lo: int, hi: int) -> int | None:
    return hi if _BUTTON_LINE.fullmatch(f, lo, hi) else None


def blank_buttons(f: str) -> str:
    """``f`` (fold()-ed) with its lines of a portal's buttons made spaces, character for
    character (offsets do not move).

    >>> blank_buttons("某局2023年度项目支出绩效自评报告\\n扫一扫在手机打开当前页\\n(农村饮水项目)")
    '某局2023年度项目支出绩效自评报告\\n           \\n(农村饮水项目)'
    >>> blank_buttons("自评等级\\n中\\n字号:大 中 小 发布机构:某局")  # (a cell 中; a line of more)
    '自评等级\\n中\\n字号:大 中 小 发布机构:某局'
    """
    return _blank_lines(f, _BUTTON_TELL, _button_line)


# Links to other pages: "上一篇:某局2022年度…自评报告", "下一条:…", "相关推荐:…", and the
# list under a "相关推荐" / "相关文档" heading (a document-sharing site's other reports).
# They name other reports — their units, years and projects are not this one's. A link
# line is blanked; under a list's heading, each line that is a title (short, no sentence's
# marks) until one that is not. (The tell opens with a character class, which the scan skips ahead to.)
_RELATED_TELL = re.compile(r"[上下相猜热推更](?:一篇|一条|一页|关推荐|关文档|关阅读|关链接|关新闻|关文章|关资料|你喜欢|门推荐|荐阅读|多相关)")
_LINK_LINE = re.compile(r"\s*[【\[]?(?:上一篇|下一篇|上一条|下一条|上一页|下一页|相关推荐|相关文档|相关阅读|相关链接|相关新闻"
                        r"|相关文章|相关资料|猜你喜欢|热门推荐|推荐阅读)\s*[:】\]]\s*\S")
_RELATED_HEADING = re.compile(
    r"\s*[【\[]?(?:相关推荐|相关文档|相关阅读|相关链接|相关新闻|相关文章|相关资料|猜你喜欢|热门推荐|推荐阅读|更多相关[^\n]{0,6})[】\]]?\s*:?\s*")
_LISTED_TITLE = re.compile(r"[^。;,!?\n]{4,70}")
_REPORT_WORD = re.compile(r"报告|自评|评价|绩效")


def _related_lines(f: str, lo: int, hi: int) -> int | None:
    """A link line's end, or a list's heading and the titles listed under it."""
    if _LINK_LINE.match(f, lo, hi):
        return hi
    if not _RELATED_HEADING.fullmatch(f, lo, hi):
        return None
    while hi < len(f):  # the titles listed under it
        nxt = f.find("\n", hi + 1)
        nxt = len(f) if nxt < 0 else nxt
        if not _LISTED_TITLE.fullmatch(f, hi + 1, nxt) or not _REPORT_WORD.search(f, hi + 1, nxt):
            break
        hi = nxt
    return hi


def blank_related(f: str) -> str:
    """``f`` (fold()-ed) with its links to other pages made spaces, character for
    character: "上一篇:…" lines, and the titles listed under a "相关推荐" heading.

    >>> blank_related("某局2023年度报告\\n上一篇:乙局2022年度绩效自评报告\\n正文。")
    '某局2023年度报告\\n                  \\n正文。'
    >>> blank_related("正文。\\n相关推荐\\n丙局2021年度绩效自评报告\\n一、基本情况,本年预算100万元。")
    '正文。\\n    \\n              \\n一、基本情况,本年预算100万元。'
    """
    return _blank_lines(f, _RELATED_TELL, _related_lines)


class Context:
    """One document prepared for extraction. ``f`` is the fold()-ed text (same offsets),
    quotes made curly, lines of a portal's buttons and links to other pages blank."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.f = blank_related(blank_buttons(curly_quotes(fold(doc.text))))
        self.headings = find_headings(self.f)
        self.sections = build_sections(self.text, self.headings)
        self.index = SectionIndex(self.sections)
        # Table rows the table readers consumed (see cover()): prose extractors skip them.
        # Kept as a few sorted runs, one a table reader (see cover()).
        self._covered: list[tuple[list[Span], list[int]]] = []  # (spans, their starts)
        self._line: Span = (0, -1)  # the line line_bounds found last
        self._sentence_at: tuple[int, Span] = (-1, (0, 0))  # the position sentence_bounds was asked last
        self._line_start: Span = (0, -1)  # the line start line_start found last, and where asked
        self._searched: dict[tuple, re.Match[str] | None] = {}
        self._found_from: dict[tuple, tuple[int, int | None]] = {}
        self._found_before: dict[tuple, tuple[int, int | None]] = {}

    @cached_property
    def tables(self) -> tuple[Table, ...]:
        return self.doc.tables

    # ----------------------------------------------------------------- geometry
    @cached_property
    def _stops(self) -> list[int]:
        # Every sentence stop is a clause stop: read from those (one scan of the text for
        # both lists), not from a scan of its own.
        f = self.f
        return [i for i in self._clause_stops if f[i] in _SENTENCE_STOP_CHARS]

    @cached_property
    def sentence_starts(self) -> list[int]:
        """Where each sentence starts: the text's start and just after each stop."""
        return [0] + [i + 1 for i in self._stops]

    def sentence_bounds(self, pos: int) -> Span:
        """(start, end) of the sentence holding ``pos``: between 。!? or line breaks."""
        if pos == self._sentence_at[0]:
            return self._sentence_at[1]  # extractors ask again of the figure they read
        stops = self._stops
        i = bisect.bisect_left(stops, pos)
        lo = stops[i - 1] + 1 if i > 0 else 0
        hi = stops[i] if i < len(stops) else len(self.f)
        self._sentence_at = (pos, (lo, hi))
        return lo, hi

    def line_bounds(self, pos: int) -> Span:
        # The last line found is kept: extractors ask for the line of each figure in
        # turn, and on a one-line file of many megabytes each look-up walked the line.
        lo, hi = self._line
        if lo <= pos <= hi:  # a line's bounds hold for its end (the \n) too
            return lo, hi
        lo = self.f.rfind("\n", 0, pos) + 1
        hi = self.f.find("\n", pos)
        self._line = lo, (len(self.f) if hi < 0 else hi)
        return self._line

    def line_start(self, pos: int) -> int:
        """Where the line holding ``pos`` starts (``line_bounds(pos)[0]``). Asked for
        rising positions, the text between two of them is read once."""
        lo, seen = self._line_start
        if lo <= seen <= pos and self.f.find("\n", seen, pos) < 0:
            self._line_start = lo, pos
            return lo
        lo = self.f.rfind("\n", 0, pos) + 1
        self._line_start = lo, pos
        return lo

    def left_clause(self, pos: int, floor: int) -> tuple[str, int]:
        """The words before ``pos`` back to a clause stop (not before ``floor``).

        When the clause is only filler ("为: 4,362,576.87元"), it reaches back over one
        colon to the words that name the figure. Returns (clause, its start)."""
        # The clause starts after the last stop before ``pos`` (found by bisection in the
        # stops listed once; extractors ask this of every figure), or at ``floor``.
        f = self.f
        i = self._after_stop(pos, floor)
        clause = f[i:pos]
        if not clean_label(clause) and i > floor and f[i - 1] == ":":
            j = self._after_stop(i - 1, floor)
            return f[j:pos], j
        return clause, i

    @cached_property
    def _clause_stops(self) -> list[int]:
        return [m.start() for m in _CLAUSE_STOP_RE.finditer(self.f)]

    def _after_stop(self, pos: int, floor: int) -> int:
        """Just after the last clause stop before ``pos``, but not before ``floor``
        (where walking back from ``pos`` over non-stops would end)."""
        if pos <= floor:
            return pos
        stops = self._clause_stops
        k = bisect.bisect_left(stops, pos)
        return max(floor, stops[k - 1] + 1) if k else floor

    def cover(self, span: Span) -> None:
        """Mark a table row as read: prose extractors skip what it spans."""
        # Each table reader covers rows in text order, the readers one after another: a
        # row joins the last sorted run, or starts a new one. (One sorted list took an
        # insertion in its middle a row, quadratic in a compilation of forms; sorting
        # again at each lookup took 9 s for a 20,000-row table.)
        runs = self._covered
        if runs and runs[-1][0][-1] <= span:
            runs[-1][0].append(span)
            runs[-1][1].append(span[0])
            return
        runs.append(([span], [span[0]]))
        if len(runs) > _MAX_RUNS:  # NOTE: readers list rows in order; a safety net
            spans = sorted(s for run, _ in runs for s in run)
            runs[:] = [(spans, [s[0] for s in spans])]

    def in_covered(self, pos: int) -> bool:
        """Whether ``pos`` lies in the last covered row starting at or before it."""
        last: Span | None = None
        for spans, starts in self._covered:
            i = bisect.bisect_right(starts, pos) - 1
            if i >= 0 and (last is None or spans[i] > last):
                last = spans[i]
        return last is not None and pos < last[1]

    @cached_property
    def _parens(self) -> tuple[list[int], list[int]]:
        return ([m.start() for m in re.finditer(r"\(", self.f)],
                [m.start() for m in re.finditer(r"\)", self.f)])

    def in_parentheses(self, lo: int, pos: int) -> bool:
        """Whether ``pos`` sits inside (…) opened after ``lo``."""
        if pos - lo <= _SHORT:
            seg = self.f[lo:pos]
            return seg.count("(") > seg.count(")")
        # Far back: brackets counted by bisection in their positions listed once (counting
        # them from the sentence's start for each figure was quadratic in a long one).
        opens, closes = self._parens
        return (bisect.bisect_left(opens, pos) - bisect.bisect_left(opens, lo)
                > bisect.bisect_left(closes, pos) - bisect.bisect_left(closes, lo))

    # ----------------------------------------------------------------- searches
    # Extractors ask the same question of one sentence for each figure in it ("does the
    # sentence so far name a part of the money?"). Asked afresh each time, that is
    # quadratic in a long sentence; these answer each question as a plain search would,
    # reading each stretch of text once.

    def search_in(self, rx: re.Pattern[str], lo: int, hi: int) -> re.Match[str] | None:
        """``rx.search(self.f, lo, hi)``, searched once for each (rx, lo, hi)."""
        key = (rx, lo, hi)
        if key not in self._searched:
            self._searched[key] = rx.search(self.f, lo, hi)
        return self._searched[key]

    def found_from(self, rx: re.Pattern[str], pos: int, end: int) -> bool:
        """Whether ``rx.search(self.f, pos, end)`` finds a match; asked for rising ``pos``
        with one ``end``, each stretch is searched once."""
        key = (rx, end)
        last = self._found_from.get(key)
        if last is not None:
            searched_from, hit = last
            if searched_from <= pos and (hit is None or hit >= pos):
                return hit is not None  # a match starts at ``hit`` >= pos, or none from here
        m = rx.search(self.f, pos, end)
        self._found_from[key] = (pos, m.start() if m else None)
        return m is not None

    def found_before(self, rx: re.Pattern[str], lo: int, pos: int) -> bool:
        """Whether ``rx.search(self.f[lo:pos])`` finds a match; asked for rising ``pos``
        with one ``lo``, each stretch is searched once (plus the longest match's length).

        Exact for patterns without anchors, lookarounds or backreferences whose matches
        are at most _LOCAL_WIDTH long (vocabulary alternations); others are searched
        afresh each time."""
        width = _local_width(rx) if pos - lo > _SHORT else None
        if width is None:
            return rx.search(self.f[lo:pos]) is not None
        key = (rx, lo)
        no_match_to, hit_to = self._found_before.get(key, (lo, None))
        if hit_to is not None and hit_to <= pos:
            return True  # a match within [lo, hit_to) lies within [lo, pos)
        if pos <= no_match_to:
            return False  # none within [lo, no_match_to)
        # Any match within [lo, pos) but not within [lo, no_match_to) ends past
        # no_match_to, so starts after no_match_to - width.
        start = max(lo, no_match_to - width)
        if rx.search(self.f[start:pos]) is not None:
            self._found_before[key] = (no_match_to, pos if hit_to is None else min(hit_to, pos))
            return True
        self._found_before[key] = (pos, hit_to)
        return False

    # ----------------------------------------------------------------- sections
    @cached_property
    def _heading_by_start(self) -> dict[int, Heading]:
        by_start: dict[int, Heading] = {}
        for h in self.headings:
            by_start.setdefault(h.start, h)
        return by_start

    def heading_at(self, start: int) -> Heading | None:
        """The heading whose line starts at ``start``, if any."""
        # By a table made once (the extractors ask this of each item and paragraph: a
        # scan of the headings for each cost more, even for a dozen headings).
        return self._heading_by_start.get(start)

    @cached_property
    def _table_starts(self) -> list[int] | None:
        starts = [t.span[0] for t in self.tables]
        return starts if all(a <= b for a, b in zip(starts, starts[1:])) else None

    def tables_in(self, lo: int, hi: int) -> list[Table]:
        """The tables starting in [lo, hi), in document order (by bisection: sections ask
        this in turn, and a scan of every table for each was quadratic)."""
        if len(self.tables) <= _FEW:
            return [t for t in self.tables if lo <= t.span[0] < hi]
        starts = self._table_starts
        if starts is None:  # NOTE: readers list tables in text order; this is a safety net
            return [t for t in self.tables if lo <= t.span[0] < hi]
        return list(self.tables[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)])

    def chain(self, pos: int):
        return self.index.chain(pos)

    def chain_titles(self, pos: int) -> tuple[str, ...]:
        """The titles of the sections holding ``pos``, outermost first."""
        return self.index.chain_titles(pos)

    def context_path(self, pos: int) -> str:
        chain = self.chain(pos)
        return chain[-1].path if chain else ""

    # ----------------------------------------------------------------- evidence
    def evidence(self, span: Span, label: str = "") -> Evidence:
        lo, hi = self.sentence_bounds(span[0])
        if span[1] - 1 > hi:  # the figure runs on past its sentence's stop: to the next one's end
            _, hi = self.sentence_bounds(span[1] - 1)
        # A "sentence" of megabytes (text without 。 or line breaks) is shown as the
        # stretch around the figure: whole, it was copied into every field's evidence.
        lo = max(lo, span[0] - _EVIDENCE_REACH)
        hi = min(hi, span[1] + _EVIDENCE_REACH)
        # sentence_at on just this stretch (plus its closing 。), asked for the whole of it:
        # the same sentence (no stop lies between the stretch's ends and the figure, so
        # its walks to the stops would end at the stretch's ends), without walking the
        # text character by character.
        stretch = self.text[lo:hi + 1]
        # Without a tab (a table row's cells) that is the stretch stripped: no call then.
        sentence = stretch.strip() if "\t" not in stretch else sentence_at(stretch, (0, len(stretch)))
        anchor = self.anchor_at(span[0])
        if anchor is None:
            return Evidence(span=span, sentence=sentence, label=label)
        return Evidence(span=span, sentence=sentence, label=label, where=anchor.where,
                        ocr_confidence=anchor.ocr_confidence)

    @cached_property
    def _anchor_starts(self) -> list[int]:
        return [a.span[0] for a in self.doc.anchors]

    def anchor_at(self, pos: int) -> Anchor | None:
        """The reader's anchor (sheet cell, page, paragraph) holding ``pos``, if any."""
        if not self.doc.anchors:
            return None  # plain text: no anchors
        i = bisect.bisect_right(self._anchor_starts, pos) - 1
        if i < 0:
            return None
        anchor = self.doc.anchors[i]
        return anchor if pos < anchor.span[1] else None
