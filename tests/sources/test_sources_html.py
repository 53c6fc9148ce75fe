"""The HTML reader: a portal page around sample 000, chrome, tables, entities, encodings."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources import read_document
from fiscal_eval.sources.html import declared_charset, looks_like_html, read_html, render_html

SAMPLE_000 = next((Path(__file__).resolve().parents[2] / "data" / "samples").glob("000_*.txt"))


def body_paragraphs() -> list[str]:
    """Sample 000's report body (title to signature date), one paragraph a line."""
    lines = [line.strip() for line in SAMPLE_000.read_text(encoding="utf-8").split("\n")]
    lines = [line for line in lines if line]
    start = lines.index("一、项目基本情况")
    end = lines.index("2020年6月18日")
    return lines[start : end + 1]


# Funds figures of sample 000 in a form with a colspan header, rowspans down the first
# column and down the last column, and a colspan in the last row.
FUNDS_TABLE = """
<table border="1" cellspacing="0" class="MsoTableGrid">
  <caption>项目资金情况表</caption>
  <thead><tr><th colspan="2">项目资金（元）</th><th>金额</th><th>备注</th></tr></thead>
  <tbody>
  <tr><td rowspan="2">预算</td><td>年初预算</td><td>710,000.00</td><td>保财教〔2019〕159号</td></tr>
  <tr><td>实际到位</td><td>710000.00</td><td>到位率100.00%</td></tr>
  <tr><td rowspan="3">支出</td><td>网络通讯费</td><td>579380.00</td><td rowspan="3">合计600651.81</td></tr>
  <tr><td>水费</td><td>135.00</td></tr>
  <tr><td>电费</td><td>21136.81</td></tr>
  <tr><td colspan="2"><p>预算<br>执行率</p></td><td>84.61%</td><td>&nbsp;</td></tr>
  </tbody>
</table>
"""

FUNDS_GRID = [
    ["项目资金（元）", "", "金额", "备注"],
    ["预算", "年初预算", "710,000.00", "保财教〔2019〕159号"],
    ["", "实际到位", "710000.00", "到位率100.00%"],
    ["支出", "网络通讯费", "579380.00", "合计600651.81"],
    ["", "水费", "135.00", ""],
    ["", "电费", "21136.81", ""],
    ["预算 执行率", "", "84.61%", ""],
]

# A score table the way hand-written pages leave it: no </td>, no </tr>.
SLOPPY_TABLE = "<table><tr><td>自评得分<td>98<tr><td>自评等级<td>优</table>"

CHROME_WORDS = [
    "欢迎访问保山新闻网",
    "隆阳区",
    "保山搜索",
    "首页",
    "政务公开",
    "新闻中心",
    "当前位置",
    "栏目导航",
    "分享到",
    "Copyright",
    "版权所有",
    "滇ICP备",
    "责任编辑",
    "返回顶部",
    "var nav",
    "color:",
    "脚本输出",
    "隐藏的文字",
]


def portal_page(charset_meta: str = '<meta charset="utf-8">') -> str:
    """A realistic portal page around sample 000's body."""
    title = "中共保山市委网信办2019年度项目绩效自评报告 (电子政务业务经费)"
    # \xa0 in the sample is written as &nbsp; as a CMS would (and so the page fits GBK).
    paragraphs = "\n".join(
        f"<p style=\"text-indent:2em\">{html.escape(p).replace(chr(0xA0), '&nbsp;')}</p>" for p in body_paragraphs()
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{charset_meta}
<title>{title}_财政预决算公开_保山新闻网</title>
<meta name="PublishDate" content="2020-06-30 08:58">
<meta name="author" content="钱秀英">
<meta property="og:site_name" content="保山新闻网">
<link rel="stylesheet" href="/css/main.css">
<script type="text/javascript">var nav = "首页"; if (a < b && c > d) {{ document.write("脚本输出"); }}</script>
<style>.nav {{ color: red; }} p {{ margin: 0 }}</style>
</head>
<body class="has-navbar">
<div class="top-bar">欢迎访问保山新闻网,您可以选择访问:
  <select><option>保山市</option><option>隆阳区</option></select></div>
<div id="search"><form action="/search"><input name="q"><button>保山搜索</button></form></div>
<nav><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/czyjs">财政预决算公开</a></nav>
<div id="MainMenu"><ul><li><a href="/news">新闻中心</a></li><li><a href="/zt">专题专栏</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; 财政预决算公开</div>
<table width="100%" cellpadding="0">
<tr>
<td class="left_nav" width="200">栏目导航<br>保山要闻<br>县区动态</td>
<td class="article">
  <h1>{title}</h1>
  <div class="info">2020-06-30 08:58</div>
  <noscript>请启用JavaScript</noscript>
  <div style="display:none">隐藏的文字</div>
  {paragraphs}
  {FUNDS_TABLE}
  <p>本报告所述 &lt;电子政务业务经费&gt; 由网络通讯费 &amp; 水电费组成&#12290;</p>
  {SLOPPY_TABLE}
</td>
</tr>
</table>
<div class="bdsharebuttonbox">分享到：微信 微博</div>
<footer>
<p>责任编辑:钱秀英 编辑:钱秀英</p>
<p>Copyright &copy; 2020 保山新闻网 版权所有</p>
</footer>
<div class="copyright">滇ICP备12345678号</div>
<div id="gotop">返回顶部</div>
<script>document.write("脚本输出");</script>
</body>
</html>
"""


@pytest.fixture(scope="module")
def page_doc(tmp_path_factory) -> Document:
    path = tmp_path_factory.mktemp("html") / "000.html"
    path.write_bytes(portal_page().encode("utf-8"))
    return read_document(path)


def lines_of(doc: Document) -> list[str]:
    return doc.text.split("\n")


def test_page_is_read_as_html(page_doc: Document):
    assert page_doc.format == "html"
    assert page_doc.encoding == "utf-8"
    assert page_doc.warnings == ()


def test_metadata_has_the_title_and_meta_names(page_doc: Document):
    assert page_doc.metadata["title"].startswith("中共保山市委网信办2019年度项目绩效自评报告 (电子政务业务经费)")
    assert page_doc.metadata["publishdate"] == "2020-06-30 08:58"
    assert page_doc.metadata["author"] == "钱秀英"
    assert page_doc.metadata["og:site_name"] == "保山新闻网"


@pytest.mark.parametrize("word", CHROME_WORDS)
def test_chrome_scripts_and_hidden_text_are_gone(page_doc: Document, word: str):
    assert word not in page_doc.text


def test_every_body_paragraph_is_a_line(page_doc: Document):
    lines = lines_of(page_doc)
    for paragraph in body_paragraphs():
        assert " ".join(paragraph.replace("\xa0", " ").split()) in lines
    assert "预算执行率为84.61%" in page_doc.text
    assert "2020-06-30 08:58" in lines  # the article's own date line is content
    assert lines[0] == "中共保山市委网信办2019年度项目绩效自评报告 (电子政务业务经费)"


def test_entities_are_decoded(page_doc: Document):
    assert "本报告所述 <电子政务业务经费> 由网络通讯费 & 水电费组成。" in lines_of(page_doc)
    assert "\xa0" not in page_doc.text and "&nbsp;" not in page_doc.text


def test_funds_table_rows_are_tab_joined_lines(page_doc: Document):
    lines = lines_of(page_doc)
    start = lines.index("\t".join(FUNDS_GRID[0]))
    assert lines[start - 1] == "项目资金情况表"  # the caption, as a line before the rows
    assert lines[start : start + len(FUNDS_GRID)] == ["\t".join(row) for row in FUNDS_GRID]


def test_funds_table_cells_line_up_and_their_spans_slice_the_text(page_doc: Document):
    funds, sloppy = page_doc.tables
    assert [[c.text for c in row] for row in funds.rows] == FUNDS_GRID
    for table in page_doc.tables:
        assert page_doc.text[table.span[0] : table.span[1]] == "\n".join(
            "\t".join(c.text for c in row) for row in table.rows
        )
        for row in table.rows:
            for cell in row:
                assert page_doc.text[cell.span[0] : cell.span[1]] == cell.text
    # rowspan leaves the covered column empty, so 金额 stays the third column throughout.
    amounts = ["710,000.00", "710000.00", "579380.00", "135.00", "21136.81", "84.61%"]
    assert [row[2].text for row in funds.rows][1:] == amounts


def test_unclosed_cells_and_rows_are_closed(page_doc: Document):
    sloppy = page_doc.tables[1]
    assert [[c.text for c in row] for row in sloppy.rows] == [["自评得分", "98"], ["自评等级", "优"]]


def test_gbk_page_declared_gb2312_reads_the_same(page_doc: Document, tmp_path: Path):
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    path = tmp_path / "000.htm"
    path.write_bytes(portal_page(meta).encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.text == page_doc.text
    assert doc.tables == page_doc.tables


def test_wrong_declaration_falls_back_to_detection(page_doc: Document):
    doc = read_html(portal_page('<meta charset="gb2312">').encode("utf-8"), "wrong.html")
    assert doc.encoding == "utf-8"
    assert doc.text == page_doc.text
    assert "does not fit" in doc.warnings[0]


def test_undeclared_gbk_page_is_detected(page_doc: Document):
    doc = read_html(portal_page("").encode("gbk"), "plain.html")
    assert (doc.encoding, doc.text) == ("gb18030", page_doc.text)


def test_nested_tables_render_as_their_own_rows():
    page = render_html(
        "<table><tr><td>外层</td><td>说明</td></tr>"
        "<tr><td>明细</td><td><table><tr><td>水费</td><td>135.00</td></tr>"
        "<tr><td>电费</td><td>21136.81</td></tr></table></td></tr></table>"
    )
    assert page.text.split("\n") == ["外层", "说明", "明细", "水费\t135.00", "电费\t21136.81"]
    assert [[c.text for c in row] for row in page.tables[0].rows] == [["水费", "135.00"], ["电费", "21136.81"]]


def test_blank_lines_and_spaces_collapse():
    page = render_html("<p>预算   执行\n\t率</p><br><br><br><br><p>\u3000\u3000自评得分</p>")
    assert page.text == "预算 执行 率\n\n自评得分"


def test_a_chrome_class_on_a_data_cell_keeps_the_cell():
    page = render_html(
        "<table><tr><td class='tableheader'>项目</td><td class='tableheader'>金额</td></tr>"
        "<tr><td>预算</td><td>710000</td></tr></table>"
    )
    assert [[c.text for c in row] for row in page.tables[0].rows] == [["项目", "金额"], ["预算", "710000"]]


def test_pre_keeps_its_lines():
    assert render_html("<pre>一行\n二行</pre>").text == "一行\n二行"


def test_sniffing_and_charset_declarations():
    assert looks_like_html(b"\xef\xbb\xbf<!DOCTYPE html><title>x</title>")
    assert looks_like_html("<html>".encode("utf-16"))
    assert looks_like_html("正文<table><tr><td>1</td></tr></table>".encode())
    assert not looks_like_html("索引号 | 发布机构 |".encode())
    assert declared_charset(b'<meta charset="GBK">') == "GBK"
    assert declared_charset(b"<p>charset=utf-8</p>") is None


def test_binary_html_is_a_read_error(tmp_path: Path):
    path = tmp_path / "broken.html"
    path.write_bytes(b"<html>\x00\x01\x02\x03" * 100)
    with pytest.raises(ReadError, match=r"broken\.html: binary file, not text"):
        read_document(path)


@settings(deadline=None, max_examples=200)
@given(
    markup=st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                ["<table>", "</table>", "<tr>", "</tr>", "<td colspan=3>", "<td rowspan='2'>", "<th>", "</td>",
                 "<p>", "</p>", "<br>", "<div class='nav'>", "</div>", "<script>", "</script>", "<pre>",
                 "</pre>", "&nbsp;", "&lt;", "<caption>", "<td colspan=99999 rowspan=0>", "<![CDATA[x]]>",
                 "<!--", "-->", "<title>", "<meta name=a content=b>"]
            ),
        ),
        max_size=40,
    )
)
def test_any_markup_renders_with_consistent_spans(markup: list[str]):
    page = render_html("".join(markup))
    for table in page.tables:
        for row in table.rows:
            for cell in row:
                assert page.text[cell.span[0] : cell.span[1]] == cell.text
                assert "\t" not in cell.text and "\n" not in cell.text
    assert "\n\n\n" not in page.text


@pytest.mark.parametrize("unit", ["<!--", "<a ", '<a title="', "<abc", "</a ", "<![CDATA[", "<? "])
def test_unclosed_tags_and_comments_do_not_stall_the_parser(unit: str):
    # Python's HTMLParser alone is quadratic or worse on these (minutes at this size);
    # the reader defuses them first. A regression shows as a test that takes minutes.
    page = render_html("<p>正文</p>" + unit * 25_000)
    assert page.text.startswith("正文")


def test_comments_scripts_and_stray_brackets_in_the_defused_markup():
    page = render_html(
        "<p>甲<!-- <p>注释里的段落</p> --></p><script>if (a<b) {x = '<!--';}</script>"
        "<p>乙 < 丙, a <b 丁</p><style>p>span{}</style><title>题<目</title>"
    )
    assert page.text == "甲\n乙 < 丙, a <b 丁"
    assert page.metadata["title"] == "题<目"


def test_an_unclosed_comment_runs_to_the_end_as_in_browsers():
    assert render_html("<p>甲</p><!-- <p>乙</p>").text == "甲"


def test_deep_nesting_does_not_overflow():
    page = render_html("<div>" * 5000 + "正文" + "</div>" * 5000 + "<table>" * 3000 + "表")
    assert "正文" in page.text
