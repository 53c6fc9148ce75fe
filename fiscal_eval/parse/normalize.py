"""Mirror noise out, before the parser reads a document: traditional characters, pinyin
glosses, spam lines, HTML tag debris, masked figures, glued table cells, figures parted
from their units.

Real reports often reach us through third-party mirrors that convert the page to
traditional characters and inject a pinyin gloss after many of them (補(bǔ)貼, 項(xiàng)目),
add their own banner lines, leave tag debris (``<dfn id="dn89e">``), mask figures (``***``,
``××``) or lose a table's cell separators (``40004000100%`` for 4000 | 4000 | 100%); pages
made from PDFs and Word files part a figure from its unit (``656.93 万元``, ``2024 年``).
The parser's rules are written for clean simplified text, so :func:`normalize_document`
rewrites the text the parser reads, and :class:`Normalized` maps what it found back.

Design
------
* **The parser runs on the normalised text; spans are mapped back at one boundary.**
  :func:`fiscal_eval.parse.parse_document` parses ``Normalized.document`` and hands the
  Report to :meth:`Normalized.restore`, which maps every ``span`` in it (evidence,
  candidates, fund lines, rates, indicators, sections …) back into the original text
  through an :class:`OffsetMap`, sets ``Report.text`` to the original and cuts each
  ``Evidence.sentence`` again from the original, so what an analyst is shown as the
  source is what the file says (glosses, traditional characters and all). Values the
  parser derives (field values, labels, section titles, problems) stay in the
  normalised form, which is the one comparable across reports: 丽江市古城区自然资源局,
  not 麗江市古城區自然資源局. One hook, no change inside the extractors, and nothing
  to undo in Context (whose ``f`` stays a same-length fold of the text it is given).
* **An OffsetMap is a list of breakpoints.** The normalised text is the original with
  stretches deleted (glosses, tags, spam lines), some replaced (``&nbsp;`` by one
  character) or inserted (a separator between glued cells); everything else is copied,
  so one breakpoint per edit says where each copied run came from. A span maps back by
  bisection; a span ending just before a deleted gloss does not swallow it (补 of 補(bǔ)
  maps to 補, 贴 to 貼).
* **Same-length steps need no breakpoints.** OpenCC's ``t2s`` conversion maps one
  character to one (its traditional→simplified dictionaries keep lengths: checked after
  each call, and a text whose length changed is left unconverted), and a masked figure
  is widened in place (``**3.5万元`` → ``*****万元``).
* **Clean text costs one scan.** Every kind of noise has a tell-tale character or word;
  one regex search over the text finds none on clean simplified text (the common case)
  and the document is returned as it is (``normalize_document`` returns ``None``).
* **Conservative.** Traditional→simplified runs only when the document is written in
  traditional characters (a few incidental 乾/於 in simplified text are left alone);
  a gloss is a single tone-marked pinyin syllable in brackets right after a CJK
  character; a line is dropped as spam only when it carries a site/contact marker and
  no report vocabulary, figure or date; glued numbers are split only when exactly one
  split agrees with the rate printed after them (else the text is left for the parser
  to abstain on). Whatever was changed is reported as one document warning (spaces taken
  from between a figure and its unit are not: like fold(), they change how the text is
  written, not what it says).
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from functools import lru_cache, cache

from fiscal_eval.model import Cell, Document, Evidence, Report, Span, Table, sentence_at
from fiscal_eval.parse.numbers import fold

__all__ = ["OffsetMap", "Normalized", "normalize_document", "normalize_text", "to_simplified"]

# --------------------------------------------------------------------------- vocabulary

_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Frequent characters that exist only in traditional script: OpenCC's s2t of the ~1,200
# commonest simplified characters, keeping those t2s changes back (the test holds each one
# to that), less 乾 於 鍾 夥, which also appear in simplified text (乾隆, names). A document
# in traditional characters is dense with them (30–40 % of its CJK characters); one in
# simplified characters has none, or a stray few.
_TRAD_HINT = (
    "這個們來爲國說時會對過發後裏種經麼學現當沒動還進樣開從實軍無與長機關點業將兩間問並應"
    "戰頭體見產話內給門兒東聲員論處義幾認條氣題爾別變總電數報結務場計資許統區隊決馬書則聽"
    "卻達強難權設記類據邊張該規萬覺術領確傳師觀讓識帶導爭運飛風聯組濟車親極辦議證轉準遠臺"
    "單羅愛擊備連調質團價黨華級離況亞請際約線斷滿視須寫稱嗎輕農裝廣顯標談喫圖歷醫專費號盡"
    "較語僅隨選紅響雖勢參衆構節維劃敵陳態護興驗責營夠嚴續講終緊黃絕羣項圍織鬥雙紀採舉殺蘇"
    "訴細願錢網熱屬臉職樂剛狀獨彈創錯蘭試腦預誰陽繼驚傷藥適衛險陸習勞財環納歡獲負雲龍樹層"
    "衝範異漢簡擔靜積餘檢靈協佔徵揮勝階審堅媽劉讀壓銀買養懷執亂幫歲優鐵稅藝陣腳惡塊頓島戶"
    "評寶釋顧貨歐換聞壞討麗監臨艦魚雜誤灣減編測敗夢溫劍漸貴槍樓縣畫遺祕謝魯慮銷詩趕劇損舊"
    "錄葉鄉禮婦歸飯額順輸搖脫補謂療澤滅筆鮮詞聖擇尋廠煙諾倫奧賣載宮陰園謀榮孫頂鎮練爺館礎"
    "寧紙諸訓莊絲戲隱訪軟薩盤擴蓋穩億擁楊齊賽牀虛購揚綠貿畢輪庫跡競棄偉緩潛閃燈針絡純頁傑"
    "築鄭貝吳圓殘誠寬擺毀趙搶糧績"
)
_TRAD_MIN, _TRAD_SHARE = 1, 0.05  # hint characters: 5 % of the CJK ones (and one)

# Site and contact markers of a mirror's own lines (checked on simplified text).
_SPAM_MARK = (
    r"https?://|www\.|QQ|微信|公众号|客服|由会员分享|在线阅读|下载文档|下载后|点击下载|免费下载|立即下载|下载完整|侵权|版权说明"
    r"|版权所有|免责声明|本站|本网站|文档简介|扫码|二维码"
    # a domain name (71584.cn): a point first, so that the scan skips ahead to points
    r"|\.(?<=[A-Za-z0-9-]\.)(?:com|cn|net|org|cc|tk|top|xyz|info|vip)\b"
)
# What a report's own line says: its vocabulary, a figure, a date. A line with any of them
# is kept whatever else it carries.
_REPORT_WORDS = re.compile(
    r"绩效|预算|资金|项目|支出|自评|评价|得分|分值|部门|单位|主管|实施|年度|执行|经费|拨款"
    r"|财政|报告|指标|目标|合计|总额|万元|\d\s*%|(?:19|20)\d\d\s*[-年/.]"
)
_MAX_SPAM_LINE = 100  # a longer line is a paragraph of the report, whatever it contains

# HTML elements (a tag debris rule must not eat "得分<60"): only these names.
_TAGS = (
    "a|abbr|address|article|aside|audio|b|bdi|bdo|big|blockquote|body|br|button|canvas|caption"
    "|center|cite|code|col|colgroup|data|dd|del|details|dfn|dialog|div|dl|dt|em|embed"
    "|fieldset|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|image"
    "|img|input|ins|kbd|label|legend|li|link|main|map|mark|meta|meter|nav|noscript|object|ol"
    "|optgroup|option|output|p|param|picture|pre|progress|q|rp|rt|ruby|s|samp|script|section"
    "|select|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td"
    "|template|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul|var|video|wbr"
)
_TAG_RE = re.compile(
    rf"<!--.{{0,2000}}?-->|</?(?:{_TAGS})(?=[\s/>])(?:\s[^<>]{{0,500}})?/?>", re.IGNORECASE | re.DOTALL
)
_ENTITY_RE = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,7}|#[xX][0-9a-fA-F]{2,6});")
_DEBRIS_REST = re.compile(r"[\s\d.、·•*-]*")  # what a line of tag debris holds besides its tags

# A pinyin gloss: one syllable of at most 6 letters with its tone mark, in ASCII or
# full-width brackets, right after a CJK character. 数(A), 值(B) are not glosses.
# (The bracket first: a pattern opening with a character class is skipped ahead to.)
_GLOSS_RE = re.compile(
    rf"[(（](?<=[{_CJK}][(（])(?=[a-zü{_TONE}]{{1,6}}[)）])[a-zü]*[{_TONE}][a-zü]*[)）]"
)

# A masked figure: two or more mask characters, or one closing a number where no operand
# follows (9×分 is masked; 6×100%, 值×100% multiply). The whole number it touches is
# masked too, so that no part of it ("**3.5" → 3.5) is read as the figure.
_MASK_CH = "*＊×✱"
_MASK_SET, _DIGITS, _POINTS = frozenset(_MASK_CH), frozenset("0123456789"), frozenset(".,．")
_DIGIT_RE = re.compile(r"[\d.,．]")

# Glued table cells closing on a rate: 40004000100% / 194.9194.9100% / 64.864.864.8100%.
# Ten or more digits (with their points) before a %: no rate or amount is written so.
_GLUED_MIN, _GLUED_MAX = 10, 40

# Tell-tales, one cheap scan each (each opens with a character class, which the regex
# engine skips ahead to; one alternation of them all was 5x slower than the five scans).
_HINT_RE = re.compile(f"[{_TONE}{_TRAD_HINT}]")
_TONE_RE = re.compile(f"[{_TONE}]")
_TAG_TELL = re.compile(r"<(?=[a-zA-Z!/])|&(?=[#a-zA-Z])")
_MASK_TELL = re.compile(rf"[{_MASK_CH}](?:(?=[{_MASK_CH}])|(?<=\d[{_MASK_CH}])(?![\d(（]))")
# (Spaces may part the run from its %: "202010100.00 %".)
_GLUED_TELL = re.compile(rf"[%％](?:(?<=[\d.]{{{_GLUED_MIN}}}[%％])|(?<=[\d.]{{{_GLUED_MIN}}}[ \u3000\u00a0][%％])"
                         rf"|(?<=[\d.]{{{_GLUED_MIN}}}[ \u3000\u00a0]{{2}}[%％]))")
_TRAD_HINT_RE = re.compile(f"[{_TRAD_HINT}]")
# What is not CJK: removed to count the CJK characters (a list of each, as findall made,
# cost 5x more).
_NOT_CJK_RE = re.compile(f"[^{_CJK}]+")
_SPAM_MARK_RE = re.compile(_SPAM_MARK)
# A page number a PDF or Word file left on its own line when it was copied to a page
# (- 3 -, 第3页 共9页, Page 3 of 9): read anywhere, it parts a form's rows. The tell finds
# one at a line's end; the line must hold nothing else (a bare "3" may be a table's cell:
# kept; so is a date, 2023-06-28, which the tell's closing dash already refuses).
_PAGE_TELL = re.compile(r"(?:[-—–－−][ \t]*\d{1,4}[ \t]*[-—–－−]|页|[Pp]age[ \t]+\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?)[ \t]*(?=\r?\n|$)")
_PAGE_LINE = re.compile(r"[ \t]*(?:[-—–－−]+[ \t]*\d{1,4}[ \t]*[-—–－−]+|第[ \t]*\d{1,4}[ \t]*页"
                        r"(?:[ \t]*[,，/／]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?|共[ \t]*\d{1,4}[ \t]*页[ \t]*[,，/／]?[ \t]*第[ \t]*\d{1,4}[ \t]*页"
                        r"|[Pp]age[ \t]+\d{1,4}(?:[ \t]+of[ \t]+\d{1,4})?)[ \t\r]*")


# --------------------------------------------------------------------------- offset map


@dataclass(frozen=True)
class OffsetMap:
    """Offsets in the normalised text → offsets in the original, as breakpoints.

    Segment ``i`` starts at normalised offset ``norm[i]`` and original offset ``orig[i]``.
    A copied segment (``orig_end[i] is None``) runs one for one; a replaced or inserted
    one stands for the original stretch ``orig[i]:orig_end[i]`` (empty for an insertion),
    and every offset in it maps to that stretch.

    >>> m = OffsetMap.from_edits("補(bǔ)貼", [(1, 5, "")])
    >>> m.span((1, 2)), m.span((0, 2)), m.to_normalised(5)
    ((5, 6), (0, 6), 1)
    """

    norm: tuple[int, ...]
    orig: tuple[int, ...]
    orig_end: tuple[int | None, ...]
    norm_len: int
    orig_len: int

    @classmethod
    def from_edits(cls, text: str, edits: list[tuple[int, int, str]]) -> OffsetMap:
        """The map of ``text`` with ``edits`` made: (start, end, replacement), sorted and
        not overlapping."""
        return _apply(text, [(s, e, rep, "") for s, e, rep in edits])[1]

    def _seg(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.norm, pos) - 1)

    def to_original(self, pos: int) -> int:
        i = self._seg(pos)
        return self.orig[i] + (pos - self.norm[i]) if self.orig_end[i] is None else self.orig[i]

    def span(self, span: Span) -> Span:
        """The original stretch of a normalised span."""
        a, b = span
        # (Before the first edit, and after the last when the text's length came back —
        # spaces put back at a line's end —, every offset maps to itself.)
        if len(self.norm) == 1 or b <= self.norm[1]:
            return span
        if a >= self.norm[-1] and self.orig_end[-1] is None and self.norm[-1] == self.orig[-1]:
            return span
        lo = self.to_original(a)
        if b <= a:
            return lo, lo
        i = self._seg(b - 1)
        end = self.orig_end[i]
        hi = self.orig[i] + (b - self.norm[i]) if end is None else end
        return lo, max(lo, hi)

    def to_normalised(self, pos: int) -> int:
        """Where original offset ``pos`` landed (a deleted one: where the deletion was)."""
        i = max(0, bisect.bisect_right(self.orig, pos) - 1)
        nxt = self.norm[i + 1] if i + 1 < len(self.norm) else self.norm_len
        end = self.orig_end[i]
        if end is not None:
            return self.norm[i] if pos < end else nxt
        return min(self.norm[i] + (pos - self.orig[i]), nxt)

    def shift_over(self, lo: int, hi: int) -> int | None:
        """The one offset every original position in ``lo:hi`` moves by, or None when an
        edit falls inside (or at the edge of) that stretch."""
        i = max(0, bisect.bisect_right(self.orig, lo) - 1)
        if self.orig_end[i] is not None or (i + 1 < len(self.orig) and self.orig[i + 1] <= hi):
            return None
        return self.norm[i] - self.orig[i]

    def span_to_normalised(self, span: Span) -> Span:
        a = self.to_normalised(span[0])
        return a, max(a, self.to_normalised(span[1]))


def _apply(text: str, edits: list[tuple[int, int, str, str]]) -> tuple[str, OffsetMap]:
    out: list[str] = []
    norm, orig = [0], [0]
    orig_end: list[int | None] = [None]
    n = pos = 0
    for s, e, rep, _ in edits:
        out.append(text[pos:s])
        n += s - pos
        if rep:
            norm.append(n)
            orig.append(s)
            orig_end.append(e)
            out.append(rep)
            n += len(rep)
        norm.append(n)
        orig.append(e)
        orig_end.append(None)
        pos = e
    out.append(text[pos:])
    n += len(text) - pos
    return "".join(out), OffsetMap(tuple(norm), tuple(orig), tuple(orig_end), n, len(text))


# --------------------------------------------------------------------------- OpenCC


@lru_cache(maxsize=1)
def _converter():
    # Imported on first use: clean simplified text never loads the dictionaries.
    try:
        import opencc
    except ImportError:  # a declared dependency; without it the text is left as it is
        return None
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str | None:
    """``text`` in simplified characters (OpenCC t2s), or None when that cannot be done
    character for character (OpenCC missing, or a conversion that changed the length).

    >>> to_simplified("項目資金績效自評報告")
    '项目资金绩效自评报告'
    """
    cc = _converter()
    if cc is None:
        return None
    out = cc.convert(text)
    return out if len(out) == len(text) else None


_SAMPLE_WINDOWS, _SAMPLE_WIDTH = 64, 2000


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters (not just holding a few).

    Counted on at most 64 windows of 2,000 characters spread over the text, so a large
    file costs no more than a page-sized one (counting every character of an 8 MB file
    took most of its normalisation)."""
    if len(text) > _SAMPLE_WINDOWS * _SAMPLE_WIDTH:
        step = len(text) // _SAMPLE_WINDOWS
        text = "\n".join(text[i:i + _SAMPLE_WIDTH] for i in range(0, len(text), step))
    hints = len(_TRAD_HINT_RE.findall(text))
    return hints >= _TRAD_MIN and hints >= _TRAD_SHARE * len(_NOT_CJK_RE.sub("", text))


# --------------------------------------------------------------------------- the steps


# An edit: (start, end, replacement, what it is) on the original text's offsets; the last
# element only counts what was done.
_GLOSS, _TAG, _ENTITY = "pinyin glosses removed", "lines of HTML tag debris removed", "HTML entities decoded"
_SPAM, _GLUED = "mirror spam lines removed", "runs of glued table figures split"
_PAGE = "page-number lines removed"
_SPACED = "spaces between figures and their units removed"


def _tag_edits(text: str) -> list[tuple[int, int, str, str]]:
    """Lines of tag debris (nothing but tags, list markers and space: ``  1. <sup
    id="dn89e"></sup>``) emptied, and character entities decoded. A tag inside a line of
    words is left: it is part of what the line says (or of a name that must reach the
    page escaped, not silently rewritten)."""
    edits = [(lo, hi, "", _TAG) for lo, hi in _lines_holding(_TAG_RE, text)
             if _DEBRIS_REST.fullmatch(_TAG_RE.sub("", text[lo:hi]))]
    for m in _ENTITY_RE.finditer(text):
        ch = html.unescape(m.group())
        if len(ch) == 1:
            edits.append((m.start(), m.end(), ch, _ENTITY))
    return edits


def _gloss_edits(text: str) -> list[tuple[int, int, str, str]]:
    return [(m.start(), m.end(), "", _GLOSS) for m in _GLOSS_RE.finditer(text)]


def _spam_edits(text: str) -> list[tuple[int, int, str, str]]:
    """The mirror's own lines: a site or contact marker, and nothing of a report."""
    # (the line's words go; its line break stays)
    return [(lo, hi, "", _SPAM) for lo, hi in _lines_holding(_SPAM_MARK_RE, text)
            if len(text[lo:hi].strip()) <= _MAX_SPAM_LINE and not _REPORT_WORDS.search(text, lo, hi)]


def _page_edits(text: str) -> list[tuple[int, int, str, str]]:
    """Lines that are only a page number taken out, line break and all (a form's header
    row and its values are read as adjacent lines; a blank line between them parts them
    as the page number did)."""
    return [(lo, hi + 1 if hi < len(text) else hi, "", _PAGE) for lo, hi in _lines_holding(_PAGE_TELL, text)
            if _PAGE_LINE.fullmatch(text, lo, hi)]


def _lines_holding(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The (start, end) of each line holding a match of ``rx``, once per line, end before
    its line break."""
    out: list[tuple[int, int]] = []
    for m in rx.finditer(text):
        lo = text.rfind("\n", 0, m.start()) + 1
        if out and out[-1][0] == lo:
            continue
        hi = text.find("\n", m.end())
        out.append((lo, len(text) if hi < 0 else hi))
    return out


def _glued_edits(text: str) -> list[tuple[int, int, str, str]]:
    """A space inserted between the cells of each run of glued figures that
    :func:`split_glued` splits (the first insertion of a run counts the run)."""
    edits = []
    for m in _GLUED_TELL.finditer(text):
        end = m.start()
        while text[end - 1] in " \u3000\u00a0":
            end -= 1
        lo = end
        while lo > 0 and end - lo <= _GLUED_MAX and (text[lo - 1] in _DIGITS or text[lo - 1] == "."):
            lo -= 1
        if end - lo > _GLUED_MAX or text[lo] not in _DIGITS:
            continue
        cells = split_glued(text[lo:end])
        if cells is None:
            continue
        pos = lo
        for k, cell in enumerate(cells[:-1]):
            pos += len(cell)
            edits.append((pos, pos, " ", _GLUED if k == 0 else ""))
    return edits


# A figure and its unit parted by spaces ("656.93 万元", "2024 年度", "100 %"), as pages made
# from PDFs and Word files print them: the rules read a figure's unit and a year's 年 right
# after its digits. Spaces only (a tab parts two cells), and only before these units. (It
# opens with a space, which the regex engine skips ahead to: a digit looked behind for first
# made the scan of every text four times slower.)
_SPACED_UNIT = re.compile(r"[ \u3000\u00a0](?<=\d[ \u3000\u00a0])[ \u3000\u00a0]*(?=亿元|万元|千元|元|万|亿|%|％|年|月|日|分(?!之)|个百分点)")
# A figure broken after its decimal point where a line was wrapped and joined again with a
# space ("预算35. 3万元", as document-sharing mirrors print Word files): the space goes when
# the figure follows a word (a list's "1. " follows a line's start or a mark) and the
# digits after it run to a unit.
_SPACED_POINT = re.compile(r"[ \u3000\u00a0](?<=\d\.[ \u3000\u00a0])[ \u3000\u00a0]*(?=\d+[ \u3000\u00a0]*(?:亿元|万元|元|%|％))")
# Characters that show nothing (zero-width spaces and joiners, a soft hyphen, a BOM inside
# a page — some sites sow them to spoil copying) are taken out the same way: they split a
# name or a figure where the page shows none. (Two scans: one alternation was 5x slower.)
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")


def _joining_edits(text: str) -> list[tuple[int, int, str, str]]:
    """The spaces before units or after a figure's point and the invisible characters
    deleted (_SPACED_UNIT, _SPACED_POINT, _INVISIBLE), and as many spaces put back at the
    end of their line: every later line keeps its offsets (tables and anchors below need
    not move), and the line's words read run together as they should."""
    edits: list[tuple[int, int, str, str]] = []
    line_end, taken = -1, 0
    points = (m for m in _SPACED_POINT.finditer(text) if _after_a_word(text, m.start() - 1))
    for m in sorted((*_SPACED_UNIT.finditer(text), *points, *_INVISIBLE.finditer(text)), key=lambda m: m.start()):
        if m.start() > line_end:
            if taken:
                edits.append((line_end, line_end, " " * taken, ""))
            line_end = text.find("\n", m.end())
            line_end = len(text) if line_end < 0 else line_end
            taken = 0
        edits.append((m.start(), m.end(), "", _SPACED))
        taken += m.end() - m.start()
    if taken:
        edits.append((line_end, line_end, " " * taken, ""))
    return edits


def _after_a_word(text: str, point: int) -> bool:
    """Whether the digits before ``text[point]`` follow a word's character (预算35.), not a
    line's start, a space or a mark (a list item's number)."""
    lo = point
    while lo > 0 and text[lo - 1].isdigit():
        lo -= 1
    return lo > 0 and text[lo - 1].isalpha()


def split_glued(digits: str) -> list[str] | None:
    """The cells of a run of glued figures closing on a rate (``"40004000100"`` before
    ``%``): 2 or 3 amounts then the rate, each well formed (no leading zero, at most one
    point, the amounts stated to one number of decimals), where the rate (not 0) is the
    ratio of a later amount to an earlier one as printed. None unless exactly one split
    does so.

    >>> split_glued("40004000100"), split_glued("194.9194.9100"), split_glued("64.864.864.8100")
    (['4000', '4000', '100'], ['194.9', '194.9', '100'], ['64.8', '64.8', '64.8', '100'])
    >>> split_glued("12345678910") is None  # no split whose rate agrees
    True
    """
    # Every split is tried: a rate (the tail), and two or three amounts before it. The
    # pieces are read once (well formed? value, decimals), not once a split they are in:
    # a run of 40 digits has some 10,000 splits.
    n = len(digits)
    pieces: dict[tuple[int, int], tuple[float, int]] = {
        (i, j): (float(digits[i:j]), _decimals(digits[i:j]))
        for i in range(n) for j in range(i + 1, n + 1) if _well_formed(digits[i:j])}
    found: list[list[tuple[int, int]]] = []
    for cut in range(1, n):
        if (cut, n) not in pieces:
            continue
        rate_v, rate_d = pieces[cut, n]
        if rate_v <= 0:  # any run of digits then 0 "agrees" with 0 %: never decides
            continue
        tol = 0.5 * 10 ** -rate_d + 1e-9
        for amounts in _amount_splits(pieces, cut):
            if _rate_of_two([pieces[a] for a in amounts], rate_v, tol):
                found.append([*amounts, (cut, n)])
                if len(found) > 1:
                    return None
    if found and any(cells != found[0] for cells in _weighted_readings(pieces, found[0][-1][0], n)):
        return None
    return [digits[i:j] for i, j in found[0]] if found else None


def _weighted_readings(pieces: dict[tuple[int, int], tuple[float, int]], cut: int, n: int) -> list[list[tuple[int, int]]]:
    """The cells of the digits read as the MoF form's row, its 分值 cell between the money
    and the rate at ``cut`` ("2456.182456.182456.18|10|100"): 2 or 3 amounts to one number
    of decimals, a whole weight of 5 to 100, the rate a ratio of two amounts. A reading
    that parts the run elsewhere than the split found makes the run ambiguous: it is not
    split here (the parser reads such a row by its points too: flat_forms._money_before_weight)."""
    rate_v, rate_d = pieces[cut, n]
    tol = 0.5 * 10 ** -rate_d + 1e-9
    out = []
    for w in range(max(1, cut - 3), cut):
        weight = pieces.get((w, cut))
        if weight is None or weight[1] or not 5 <= weight[0] <= 100:
            continue
        for amounts in _amount_splits(pieces, w):
            if _rate_of_two([pieces[a] for a in amounts], rate_v, tol):
                out.append([*amounts, (w, cut), (cut, n)])
    return out


def _rate_of_two(read: list[tuple[float, int]], rate_v: float, tol: float) -> bool:
    """Whether amounts (value, decimals), stated to one number of decimals, hold a later one
    whose ratio to an earlier one is the rate as printed."""
    vals = [v for v, _ in read]
    return len({d for _, d in read}) == 1 and any(
        vals[i] > 0 and abs(100 * vals[j] / vals[i] - rate_v) <= tol
        for i in range(len(vals)) for j in range(i + 1, len(vals)))


def _amount_splits(pieces: dict[tuple[int, int], tuple[float, int]], end: int) -> list[list[tuple[int, int]]]:
    """Ways to cut the first ``end`` digits into 2 or 3 well-formed numbers (``pieces``),
    as (start, end) each."""
    out = []
    for a in range(1, end):
        if (0, a) not in pieces:
            continue
        if (a, end) in pieces:
            out.append([(0, a), (a, end)])
        for b in range(a + 1, end):
            if (a, b) in pieces and (b, end) in pieces:
                out.append([(0, a), (a, b), (b, end)])
    return out


def _decimals(num: str) -> int:
    return len(num) - num.index(".") - 1 if "." in num else 0


def _well_formed(num: str) -> bool:
    if not num or num.count(".") > 1 or num[0] == "." or num[-1] == ".":
        return False
    return not (num[0] == "0" and len(num) > 1 and num[1] != ".")


def _mask(text: str) -> tuple[str, int]:
    """Masked figures widened over the digits they touch (same length): (text, how many
    figures). Walked out from each tell-tale by hand: masks are rare, and a regex that may
    open with a digit is tried at every digit of the text (50x slower here)."""
    pieces, count, done, n = [], 0, 0, len(text)
    for m in _MASK_TELL.finditer(text):
        i = m.start()
        if i < done:
            continue
        lo = i  # back over the number the mask closes: 12.3** / 1,2**
        while lo > 0 and (text[lo - 1] in _DIGITS or (
                text[lo - 1] in _POINTS and lo > 1 and text[lo - 2] in _DIGITS
                and (text[lo] in _DIGITS or text[lo - 1] != ","))):
            lo -= 1
        hi = i  # on over the mask and the digits after it: **3.5 / ××5.00
        while hi < n and (text[hi] in _DIGITS or text[hi] in _MASK_SET or (
                text[hi] in _POINTS and hi + 1 < n
                and (text[hi + 1] in _DIGITS or text[hi + 1] in _MASK_SET))):
            hi += 1
        run = text[lo:hi]
        # A figure (digits masked, or a unit after it), not markdown's **bold**.
        if any(c in _DIGITS for c in run) or text[hi:hi + 1] in ("万", "亿", "千", "元", "%", "％", "分"):
            count += 1
        pieces += [text[done:lo], _DIGIT_RE.sub("*", run)]
        done = hi
    pieces.append(text[done:])
    return "".join(pieces), count


def _merge(edits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Sorted, with edits inside an earlier deletion dropped (a gloss in a spam line)."""
    out: list[tuple[int, int, str, str]] = []
    for edit in sorted(edits, key=lambda x: (x[0], -x[1])):
        if out and edit[0] < out[-1][1]:
            continue
        out.append(edit)
    return out


# --------------------------------------------------------------------------- entry points


@dataclass(frozen=True)
class Normalized:
    """A document rewritten for the parser, and how to map its spans back."""

    original: Document
    document: Document
    map: OffsetMap
    changes: tuple[str, ...]

    def restore(self, report: Report) -> Report:
        """``report`` (parsed from ``document``) with every span in the original text,
        ``text`` the original's, and each evidence sentence cut from the original."""
        text = self.original.text
        out = _remap(report, self.map, text, self.document.text)
        assert isinstance(out, Report)  # _remap rebuilds a record as its own type
        # (_remap copies only what it changed: ``out`` may be ``report`` itself, the parse's
        # own fresh record, which nothing else holds yet)
        object.__setattr__(out, "text", text)
        return out


def normalize_text(text: str) -> tuple[str, OffsetMap, tuple[str, ...]] | None:
    """(normalised text, its map to ``text``, what was changed, in words: nothing for
    spaces only), or None when ``text`` needs nothing.

    >>> normalize_text("補(bǔ)貼資金")[0], normalize_text("补贴资金")
    ('补贴资金', None)
    >>> normalize_text("预算100 万元")[::2]  # (the space put back at the line's end)
    ('预算100万元 ', ())
    """
    # Clean simplified text (the common case) stops here, after a few linear scans.
    hint = _HINT_RE.search(text) is not None
    has_tags = ("<" in text or "&" in text) and _TAG_TELL.search(text) is not None
    has_mask = any(c in text for c in _MASK_CH) and _MASK_TELL.search(text) is not None
    has_glued = _GLUED_TELL.search(text) is not None
    has_spam = _SPAM_MARK_RE.search(text) is not None
    has_pages = _PAGE_TELL.search(text) is not None
    has_joining = (_SPACED_UNIT.search(text) is not None or _INVISIBLE.search(text) is not None
                   or _SPACED_POINT.search(text) is not None)
    if not (hint or has_tags or has_mask or has_glued or has_spam or has_joining or has_pages):
        return None
    traditional = hint and is_traditional(text)
    changes: list[str] = []
    edits = _merge((_tag_edits(text) if has_tags else [])
                   + (_gloss_edits(text) if hint and _TONE_RE.search(text) else [])
                   # (read folded: full-width digits, １９４.９１９４.９１００％, glue as ASCII ones do)
                   + (_glued_edits(fold(text)) if has_glued else [])
                   + (_joining_edits(text) if has_joining else [])
                   + (_page_edits(text) if has_pages else []))
    out, omap = _apply(text, edits)
    if traditional:
        # After the glosses are out, so that glossed phrases convert as phrases.
        simple = to_simplified(out)
        if simple is None:
            changes.append("traditional characters not converted (OpenCC unavailable)")
            traditional = False
        else:
            out = simple
            changes.append("traditional characters converted to simplified (OpenCC t2s)")
    if has_spam or traditional:
        # Spam is told on the text as the parser reads it (simplified, no glosses); its
        # lines go from the original, and the rest is made again without them.
        spam = [(*omap.span((lo, hi)), "", what) for lo, hi, _, what in _spam_edits(out)]
        if spam:
            edits = _merge(edits + spam)
            out, omap = _apply(text, edits)
            if traditional:
                out = to_simplified(out) or out
    out, masked = _mask(out) if has_mask else (out, 0)
    done = Counter(e[3] for e in edits)
    # (Spaces taken from between a figure and its unit are not reported: like fold()'s
    # full-width digits, they change how the text is written, not what it says.)
    changes += [f"{what}: {done[what]}" for what in (_GLOSS, _TAG, _ENTITY, _SPAM, _GLUED, _PAGE)
                if done[what]]
    if masked:
        changes.append(f"masked figures left unread: {masked}")
    if not changes and not done[_SPACED]:
        return None
    return out, omap, tuple(changes)


def normalize_document(doc: Document) -> Normalized | None:
    """``doc`` with its text normalised for the parser (tables and anchors moved with it),
    or None when there is nothing to normalise — the common case, found in one scan."""
    done = normalize_text(doc.text)
    if done is None:
        return None
    text, omap, changes = done
    traditional = any(c.startswith("traditional characters converted") for c in changes)
    # (cells' texts lose their glosses and invisible characters too)
    glossed = any(c.startswith(_GLOSS) for c in changes) or _INVISIBLE.search(doc.text) is not None
    notes = (("text normalised before parsing: " + "; ".join(changes)
              + " (spans and evidence point into the original text)",) if changes else ())
    if doc.format == "text" and any(c.startswith(_PAGE) for c in changes):
        # A plain text's tables are its lines of cells: with the page numbers out, a table
        # the page broke in two is one again (found anew, as the reader found them).
        from fiscal_eval.sources.text import find_tables

        tables = find_tables(text)
    else:
        tables = tuple(_move_table(t, omap, traditional, glossed) for t in doc.tables)
    new = Document(
        source=doc.source,
        text=text,
        format=doc.format,
        tables=tables,
        encoding=doc.encoding,
        # The report's id stays the original text's.
        sha256=doc.sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        metadata=doc.metadata,
        warnings=doc.warnings + notes,
        anchors=tuple(_replace(a, span=omap.span_to_normalised(a.span)) for a in doc.anchors),
    )
    return Normalized(original=doc, document=new, map=omap, changes=changes)


def _cell_text(text: str, traditional: bool) -> str:
    text = _INVISIBLE.sub("", _GLOSS_RE.sub("", text))
    if traditional:
        text = to_simplified(text) or text
    return text


def _move_table(table: Table, omap: OffsetMap, traditional: bool, glossed: bool) -> Table:
    retext = traditional or glossed
    lo, hi = table.span
    shift = omap.shift_over(lo, hi)
    if shift is not None and not retext:
        # No edit inside the table (the common case: a few spaces or a gloss in the prose
        # above it): every cell moves by one offset, its text as it is.
        if shift == 0:
            return table
        rows = tuple(tuple(Cell(c.text, (c.span[0] + shift, c.span[1] + shift)) for c in row) for row in table.rows)
        return Table(rows=rows, span=(lo + shift, hi + shift))
    rows = tuple(
        tuple(_replace(c, text=_cell_text(c.text, traditional) if retext else c.text,
                       span=omap.span_to_normalised(c.span))
              for c in row)
        for row in table.rows
    )
    return Table(rows=rows, span=omap.span_to_normalised(table.span))


# --------------------------------------------------------------------------- remapping


@cache  # NOTE: one entry a record type
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


# Values that hold no span: passed over without the checks below (a report holds
# thousands of them, and fields() and the ABC checks on each were most of restore()).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _replace(obj, **changes):
    # A shallow copy with fields set (records are frozen; nothing else holds the copy):
    # written into the new instance's dict, as @record's __init__ does.
    new = object.__new__(type(obj))
    old, d = obj.__dict__, new.__dict__
    for name in _field_names(type(obj)):
        d[name] = changes[name] if name in changes else old[name]
    return new


def _remap(obj, omap: OffsetMap, text: str, norm: str):
    """``obj`` with every ``span`` field (in records, tuples and mappings) mapped back
    (``norm``: the normalised text the spans point into)."""
    kind = type(obj)
    if kind in _PLAIN:
        return obj
    if kind is Evidence:
        span = omap.span(obj.span)
        if span == obj.span:
            # A sentence on a line no edit touched reads the same in both texts (not so
            # for edits that keep offsets: traditional characters converted, masks widened).
            lo, hi = text.rfind("\n", 0, span[0]) + 1, text.find("\n", span[1])
            hi = len(text) if hi < 0 else hi
            if omap.shift_over(lo, hi) == 0 and text[lo:hi] == norm[lo:hi]:
                return obj
        return _replace(obj, span=span, sentence=sentence_at(text, span))
    # What maps to itself is kept, not copied (most of a report, when the edits are few
    # and their lines keep their lengths).
    names = _record_fields(kind)
    if names is not None:
        changes = {}
        values = obj.__dict__
        for name in names:
            v = values[name]
            if type(v) in _PLAIN:
                continue
            if name == "span" and type(v) is tuple and len(v) == 2:
                new = omap.span(v)
            else:
                new = _remap(v, omap, text, norm)
            if new is not v and new != v:
                changes[name] = new
        return _replace(obj, **changes) if changes else obj
    if isinstance(obj, tuple):
        items, changed = [], False
        for v in obj:
            new = v if type(v) in _PLAIN else _remap(v, omap, text, norm)
            changed = changed or new is not v
            items.append(new)
        return tuple(items) if changed else obj
    if isinstance(obj, Mapping):
        pairs, changed = {}, False
        for k, v in obj.items():
            new = pairs[k] = v if type(v) in _PLAIN else _remap(v, omap, text, norm)
            changed = changed or new is not v
        return pairs if changed else obj
    return obj


@cache  # NOTE: one entry a type
def _record_fields(kind: type) -> tuple[str, ...] | None:
    """A record type's field names (None for anything else: tuples, mappings, values)."""
    return _field_names(kind) if is_dataclass(kind) else None


def plain_name(name: str) -> str:
    """A name as the parser would report it: pinyin glosses removed, in simplified
    characters (for comparing a label written from a mirror page with a parsed value).

    >>> plain_name("遂溪縣水務(wù)局")
    '遂溪县水务局'
    """
    name = _GLOSS_RE.sub("", name)
    return to_simplified(name) or name
