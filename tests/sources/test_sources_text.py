"""The plain-text reader: encodings, newline and markup cleaning, tables, bad bytes."""

from __future__ import annotations

import codecs
import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources import read_bytes, read_document
from fiscal_eval.sources.text import (
    blank_markup,
    decode_bytes,
    document_from_text,
    find_tables,
    normalize_newlines,
    read_text,
)

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "data" / "samples").glob("*.txt"))
# Samples with characters GBK lacks (U+00A0 no-break space; 002 also U+2022 bullet):
# they cannot be re-encoded as GBK, only as GB18030.
NOT_GBK = {"000", "002"}


def sample(prefix: str) -> Path:
    return next(p for p in SAMPLES if p.name.startswith(prefix))


def assert_spans(doc: Document) -> None:
    """Every cell's span slices the document text to exactly the cell's text."""
    for table in doc.tables:
        assert 0 <= table.span[0] <= table.span[1] <= len(doc.text)
        for row in table.rows:
            for cell in row:
                assert doc.text[cell.span[0] : cell.span[1]] == cell.text
                assert table.span[0] <= cell.span[0] <= cell.span[1] <= table.span[1]


def test_the_five_samples_are_there():
    assert [p.name[:3] for p in SAMPLES] == ["000", "001", "002", "003", "004"]


# --------------------------------------------------------------------------- encodings

# (how the bytes are written, the encoding the reader must record)
VARIANTS = {
    "utf-8-sig": (lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
    "utf-16-bom": (lambda t: t.encode("utf-16"), "utf-16"),
    "utf-16-be-bom": (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    "utf-16-le": (lambda t: t.encode("utf-16-le"), "utf-16-le"),
    "utf-16-be": (lambda t: t.encode("utf-16-be"), "utf-16-be"),
    "utf-32-bom": (lambda t: t.encode("utf-32"), "utf-32"),
    "gbk": (lambda t: t.encode("gbk", errors="strict"), "gb18030"),
    "gb18030": (lambda t: t.encode("gb18030"), "gb18030"),
}


def test_exactly_the_expected_samples_cannot_be_written_in_gbk():
    failing = set()
    for path in SAMPLES:
        try:
            path.read_text(encoding="utf-8").encode("gbk", errors="strict")
        except UnicodeEncodeError:
            failing.add(path.name[:3])
    assert failing == NOT_GBK


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_every_sample_reads_the_same_in_every_encoding(path: Path, variant: str, tmp_path: Path):
    original = read_document(path)
    assert original.encoding == "utf-8"
    if variant == "gbk" and path.name[:3] in NOT_GBK:
        pytest.skip(f"{path.name} has characters GBK lacks (see NOT_GBK)")
    encode, expected = VARIANTS[variant]
    raw = encode(path.read_text(encoding="utf-8"))
    target = tmp_path / path.name
    target.write_bytes(raw)
    doc = read_document(target)
    assert doc.text == original.text
    assert doc.encoding == expected
    assert doc.tables == original.tables
    assert doc.warnings == ()
    assert raw.decode(doc.encoding) == path.read_text(encoding="utf-8")


def test_sha256_is_of_the_raw_bytes():
    import hashlib

    path = sample("000")
    assert read_document(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_crlf_and_cr_become_lf():
    raw = sample("003").read_text(encoding="utf-8")
    for newline in ("\r\n", "\r"):
        doc = read_text(raw.replace("\n", newline).encode("utf-8"), "x.txt")
        assert doc.text == read_text(raw.encode("utf-8"), "x.txt").text
    assert normalize_newlines("a\r\n\rb\n") == "a\n\nb\n"


def test_gbk_file_cut_inside_a_character_reads_with_a_warning():
    raw = "预算执行率为84.61%。实际支出".encode("gbk")
    doc = read_text(raw[:-1], "cut.txt")
    assert doc.text == "预算执行率为84.61%。实际支"
    assert doc.encoding == "gb18030"
    assert "truncated" in doc.warnings[0]


def test_utf8_file_cut_inside_a_character_reads_with_a_warning():
    doc = read_text("自评得分98分".encode("utf-8")[:-2], "cut.txt")
    assert (doc.text, doc.encoding) == ("自评得分98", "utf-8")
    assert "the last 1 byte(s) were dropped" in doc.warnings[0]


def test_a_few_damaged_bytes_are_replaced_and_reported():
    text = sample("004").read_text(encoding="utf-8")
    raw = bytearray(text.encode("utf-8"))
    raw[3000] = 0xFF  # one bad byte in 16 KB
    doc = read_text(bytes(raw), "damaged.txt")
    assert doc.encoding == "utf-8"
    # The bad byte replaces part of a 3-byte character: its other two bytes are bad too.
    bad = doc.text.count("\ufffd")
    assert 1 <= bad <= 3
    assert doc.warnings == (f"{bad} undecodable byte sequence(s) in utf-8 text replaced by U+FFFD",)
    assert doc.text.endswith(text[-200:])


def test_declared_encoding_is_used_when_it_fits_and_ignored_when_not():
    raw = "预算".encode("gbk")
    assert decode_bytes(raw, declared="gb2312").encoding == "gb18030"
    utf8 = sample("003").read_bytes()
    wrong = decode_bytes(utf8, declared="gb2312")
    assert (wrong.text, wrong.encoding) == (utf8.decode("utf-8"), "utf-8")
    assert "does not fit" in wrong.warnings[0]
    latin = decode_bytes("预算执行率".encode("utf-8"), declared="iso-8859-1")
    assert (latin.text, latin.encoding) == ("预算执行率", "utf-8")
    unknown = decode_bytes(b"abc", declared="x-no-such-codec")
    assert unknown.encoding == "utf-8" and "unknown" in unknown.warnings[0]


# --------------------------------------------------------------------------- markup remnants


def test_p_remnants_in_003_are_blanked_without_moving_offsets():
    raw = sample("003").read_text(encoding="utf-8")
    assert "<p>" in raw
    doc = read_document(sample("003"))
    assert "<p>" not in doc.text and "</p>" not in doc.text
    assert len(doc.text) == len(raw)
    assert doc.text == re.sub(r"</?p>", lambda m: " " * len(m.group()), raw)
    # A sentence that sat between remnants is where it was.
    sentence = "(一)负责全县政务服务体系建设的协调和指导工作。"
    assert doc.text.index(sentence) == raw.index(sentence)


def test_angle_brackets_that_are_not_tags_stay():
    doc = read_document(sample("002"))
    assert "< 党委(党组)落实全面从严治党主体责任规定>" in doc.text
    assert blank_markup("资金<10万元, a<b>c") == "资金<10万元, a   c"


@pytest.mark.parametrize(
    "markup, expected",
    [
        ("<br/>", "     "),
        ("<BR>", "    "),
        ('<span style="font-size:16px">', " " * 29),
        ("<o:p></o:p>", " " * 11),
        ("<!-- 注释 -->", " " * 11),
        ("&nbsp;", " " * 6),
        ("&amp;", "&    "),
        ("&lt;", "<   "),
        ("&#20013;", "中" + " " * 7),
        ("&#10;", " " * 5),
        ("&bogus;", "&bogus;"),
    ],
)
def test_markup_is_replaced_by_the_same_length(markup: str, expected: str):
    assert blank_markup(f"甲{markup}乙") == f"甲{expected}乙"


# --------------------------------------------------------------------------- tables


def cell_texts(row) -> list[str]:
    return [cell.text for cell in row]


def test_003_funds_row_keeps_its_leading_and_inner_empty_cells():
    doc = read_document(sample("003"))
    rows = [cell_texts(row) for table in doc.tables for row in table.rows]
    assert ["", "预算安排", "(1)", "2700000", "", "2700000"] in rows
    assert ["", "实际到位率", "(6)=(3) ÷ (2)", "100. 60%", "", "100. 60%"] in rows
    assert_spans(doc)


def test_003_has_its_three_form_tables():
    doc = read_document(sample("003"))
    assert len(doc.tables) == 3
    funds, scores, problems = doc.tables
    assert cell_texts(funds.rows[0])[:2] == ["项目名称", "和平县电子政务外网网络畅通服务项目"]
    assert cell_texts(scores.rows[0])[:3] == ["一级指标", "二级指标", "三级指标"]
    assert cell_texts(scores.rows[-1]) == ["合计", "", "88", "自评等次", "良好"]
    # Form rows with only a number ("1\t\t") belong to the table they touch.
    assert [cell_texts(r) for r in problems.rows[1:]] == [[str(i), "", ""] for i in range(1, 6)]
    # The <p> remnants were blanked before the cells were cut: no cell holds a tag.
    assert not any("<p>" in c.text for t in doc.tables for r in t.rows for c in r)


def test_001_metadata_lines_are_a_pipe_table():
    doc = read_document(sample("001"))
    table = doc.tables[0]
    assert table.span[0] == 0
    first = cell_texts(table.rows[0])
    assert first[first.index("发布机构") + 1] == "保山市政务服务管理局"
    assert cell_texts(table.rows[1]) == ["公开目录", "自评报告", "发布日期", "2022-07-12"]
    assert cell_texts(table.rows[2]) == ["文号", "浏览量"]
    assert_spans(doc)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name[:3])
def test_prose_samples_have_no_spurious_tables(path: Path):
    doc = read_document(path)
    assert_spans(doc)
    if path.name[:3] in {"000", "002", "004"}:
        assert doc.tables == ()


def test_table_grouping_rules():
    text = "\n".join(
        [
            "甲\t乙",  # 0: table A
            "",
            "丙\t丁",  # one blank line: still table A
            "",
            "",
            "戊\t己",  # two blank lines: table B
            "正文一行",
            "\t缩进的正文",  # weak row after prose: no table of its own
            "a | b | c",  # pipe rows never join tab rows
            "a | b",  # one separator: not a row
        ]
    )
    tables = find_tables(text)
    assert [[cell_texts(r) for r in t.rows] for t in tables] == [
        [["甲", "乙"], ["丙", "丁"]],
        [["戊", "己"]],
        [["a", "b", "c"]],
    ]
    assert_spans(document_from_text(text))


def test_empty_cells_have_zero_width_spans_where_they_sit():
    text = "x\n\t预算安排\t\t2700000\t"
    (table,) = find_tables(text)
    cells = table.rows[0]
    assert cell_texts(cells) == ["", "预算安排", "", "2700000", ""]
    assert [c.span[1] - c.span[0] for c in cells] == [0, 4, 0, 7, 0]
    assert [c.span[0] for c in cells] == [2, 3, 8, 9, 17]


# --------------------------------------------------------------------------- properties

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PUNCT = st.sampled_from(list("，。、；：（）《》“”—％"))
# No "<" or "&": text that holds no markup must come back unchanged but for newlines.
PLAIN = st.text(
    alphabet=st.one_of(st.sampled_from([c for c in string.printable if c not in "<&"] + ["|"]), CJK, PUNCT),
    min_size=1,
)
TAGS = ["<p>", "</p>", "<br/>", "<br>", '<span style="x">', "</span>", "<o:p>", "&nbsp;"]
ENTITIES = {"&amp;": "&    ", "&lt;": "<   ", "&gt;": ">   "}

@settings(deadline=None, max_examples=200)
@given(text=PLAIN)
def test_plain_text_round_trips_through_a_file(text: str, tmp_path_factory):
    path = tmp_path_factory.mktemp("rt") / "r.txt"
    path.write_bytes(text.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == text.replace("\r\n", "\n").replace("\r", "\n")
    assert_spans(doc)


@settings(deadline=None, max_examples=200)
@given(
    parts=st.lists(
        st.one_of(PLAIN.filter(lambda s: "\r" not in s), st.sampled_from(TAGS + list(ENTITIES))), min_size=1
    )
)
def test_markup_is_blanked_in_place_and_nothing_else_changes(parts: list[str]):
    source = "".join(parts)
    expected = "".join(
        ENTITIES.get(p, " " * len(p)) if p in TAGS or p in ENTITIES else p for p in parts
    )
    doc = read_text(source.encode("utf-8"), "p.txt")
    assert doc.text == expected
    assert_spans(doc)


@settings(deadline=None, max_examples=300)
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_give_a_document_or_a_read_error(data: bytes):
    for read in (lambda: read_text(data, "b.txt"), lambda: read_bytes(data, "b")):
        try:
            doc = read()
        except ReadError as exc:
            assert str(exc).startswith("b")
            continue
        assert isinstance(doc.text, str)
        assert_spans(doc)


@settings(deadline=None, max_examples=200)
@given(text=st.text())
def test_any_text_in_memory_gives_consistent_tables(text: str):
    doc = document_from_text(text)
    assert len(doc.text) == len(normalize_newlines(text))
    assert_spans(doc)
