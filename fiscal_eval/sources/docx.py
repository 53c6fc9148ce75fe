"""Word documents (DOCX): paragraphs and tables in document order, as the HTML reader
renders a page, with every line and cell anchored to where it sits in the file.

Read straight from the package's XML (zipfile + lxml: a third of python-docx's time on
the same files, see ``fiscal-eval bench``, and python-docx sees neither text boxes nor
content controls nor footnotes). What is read, in order:

* the body: a paragraph is a line (a soft line break starts another), a table one line a
  row with its cells joined by tabs. Merged cells keep the columns: ``gridSpan`` repeats
  as empty cells, a ``vMerge`` continuation is an empty cell under its first cell, as a
  ``colspan``/``rowspan`` is in HTML. A table holding a table, or of one column, only lays
  out the page: its cells flow as paragraphs. Content controls and tracked insertions are
  read; tracked deletions and field codes are not.
* text boxes, after the paragraph they are anchored in (their fallback copy skipped);
* footnotes and endnotes, then page headers and footers (each distinct line once, page
  numbers left out), at the end: a figure can hide there, and a header at the top would
  pass for the title.

Anchors: ``段落12`` (the 12th paragraph of the body), ``表2 第4行第3列`` (table 2, its
4th row and 3rd grid column), ``文本框（段落5）``, ``脚注3``, ``尾注1``, ``页眉``, ``页脚``.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from fiscal_eval.errors import ReadError
from fiscal_eval.model import Document
from fiscal_eval.sources.layout import TextBuilder, collapse
from fiscal_eval.sources.limits import LIMITS, Deadline, read_member

__all__ = ["read_docx", "docx_parts"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _TR, _TC, _T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t")
_TAB, _BR, _CR = _w("tab"), _w("br"), _w("cr")
_TXBX = _w("txbxContent")
_SDT, _SDT_CONTENT = _w("sdt"), _w("sdtContent")
_ALTERNATE, _CHOICE = f"{{{_MC}}}AlternateContent", f"{{{_MC}}}Choice"
# Subtrees whose text is not the document's: deleted or moved-away text, field codes,
# properties, the fallback copy of a text box, footnote reference marks.
_SKIP = frozenset(
    {_w("del"), _w("moveFrom"), _w("instrText"), _w("delInstrText"), _w("pPr"), _w("rPr"),
     _w("tblPr"), _w("trPr"), _w("tcPr"), _w("sectPr"), _w("tblGrid"), _w("sdtPr"), _w("sdtEndPr"),
     f"{{{_MC}}}Fallback"}
)
# Containers whose children are read as if in their place.
_WRAPPERS = frozenset(
    {_SDT_CONTENT, _w("customXml"), _w("ins"), _w("moveTo"), _w("smartTag"), _w("hyperlink"),
     _w("fldSimple"), _w("r"), _w("object"), _w("drawing"), _w("pict"), _CHOICE, _ALTERNATE}
)
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第?\s*\d+\s*页?\s*(?:[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|Page \d+.*)[-—–\s]*$")
_NOTE_TYPES_SKIPPED = frozenset({"separator", "continuationSeparator", "continuationNotice"})

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True, huge_tree=False, load_dtd=False)


def docx_parts(archive: zipfile.ZipFile, source: str) -> dict[str, bytes]:
    """The XML parts the reader reads (body, notes, headers, footers), size-checked."""
    wanted = re.compile(r"^word/(?:document|footnotes|endnotes|header\d*|footer\d*)\.xml$")
    parts: dict[str, bytes] = {}
    total = 0
    for info in archive.infolist():
        if wanted.match(info.filename):
            data = read_member(archive, info, source, LIMITS.xml_part_bytes)
            total += len(data)
            if total > LIMITS.unpacked_bytes:
                raise ReadError(source, f"Word document unpacks past the limit of {LIMITS.unpacked_bytes:,} bytes")
            parts[info.filename] = data
    if "word/document.xml" not in parts:
        raise ReadError(source, "damaged Word document: no word/document.xml in the package")
    return parts


def _xml(data: bytes, name: str, source: str) -> etree._Element:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
        # NOTE: Word never writes a DTD; one here can only be an entity-expansion attack.
        raise ReadError(source, f"damaged Word document: {name} declares a DTD")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError(source, f"damaged Word document: {name} is not well-formed XML ({exc})") from None


class _Reader:
    """Walks the XML into a TextBuilder."""

    def __init__(self, deadline: Deadline) -> None:
        self.out = TextBuilder()
        self.deadline = deadline
        self.paragraphs = 0  # body paragraphs so far, for 段落N
        self.tables = 0  # data tables so far, for 表N

    # ------------------------------------------------------------ paragraphs
    def _runs(self, element: etree._Element, lines: list[list[str]], boxes: list[etree._Element]) -> None:
        """Text of ``element`` into ``lines`` (a soft break starts a new one); text boxes
        met on the way into ``boxes``, read after the paragraph."""
        for child in element:
            tag = child.tag
            if tag == _T:
                lines[-1].append(child.text or "")
            elif tag == _TAB:
                lines[-1].append(" ")
            elif tag in (_BR, _CR):
                lines.append([])
            elif tag == _w("noBreakHyphen"):
                lines[-1].append("-")
            elif tag == _TXBX:
                boxes.append(child)
            elif tag in _SKIP or not isinstance(tag, str):
                continue
            elif tag == _P or tag == _TBL:  # NOTE: only inside something odd; keep its words
                lines[-1].append(" " + " ".join(self._flat_text(child)) + " ")
            else:
                # Runs, hyperlinks, fields, content controls, drawings on the way to a text box.
                self._runs(child, lines, boxes)

    def _flat_text(self, element: etree._Element) -> list[str]:
        """Every paragraph's text under ``element`` (text boxes after their paragraph), one
        string a paragraph, for places a block cannot go (a cell, a note, a header)."""
        out: list[str] = []
        for child in element:
            tag = child.tag
            if tag == _P:
                lines: list[list[str]] = [[]]
                boxes: list[etree._Element] = []
                self._runs(child, lines, boxes)
                text = collapse(" ".join("".join(line) for line in lines))
                if text:
                    out.append(text)
                for box in boxes:
                    out.extend(self._flat_text(box))
            elif isinstance(tag, str) and tag not in _SKIP:
                out.extend(self._flat_text(child))
        return out

    def paragraph(self, p: etree._Element, where: str | None = None) -> None:
        self.paragraphs += 1
        where = where or f"段落{self.paragraphs}"
        lines: list[list[str]] = [[]]
        boxes: list[etree._Element] = []
        self._runs(p, lines, boxes)
        texts = [collapse("".join(line)) for line in lines]
        if not any(texts) and not boxes:
            self.out.line("")
        for text in texts:
            if text:
                self.out.line(text, where)
        for box in boxes:
            for text in self._flat_text(box):
                self.out.line(text, f"文本框（{where}）")

    # ------------------------------------------------------------ blocks
    def blocks(self, container: etree._Element) -> None:
        """Paragraphs and tables of a body, cell, note or header, in order."""
        for child in container:
            tag = child.tag
            if tag == _P:
                self.deadline.check()
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.blocks(content)
            elif tag in _WRAPPERS:
                self.blocks(child)

    # ------------------------------------------------------------ tables
    def _cell_text(self, tc: etree._Element) -> str:
        return collapse(" ".join(self._flat_text(tc)))

    def table(self, tbl: etree._Element) -> None:
        rows = list(_table_rows(tbl))
        nested = any(True for tc in (c for r in rows for c in _row_cells(r)) for _ in tc.iter(_TBL))
        widths = [sum(_span(tc) for tc in _row_cells(r)) + _grid_skip(r, "gridBefore") for r in rows]
        if nested or max(widths, default=0) <= 1:
            # Layout: the cells flow as blocks (a boxed paragraph, a page wrapper).
            self.out.end_table()
            for row in rows:
                for tc in _row_cells(row):
                    self.blocks(tc)
            return
        self.out.end_table()
        self.tables += 1
        number = self.tables
        for r, row in enumerate(rows, start=1):
            self.deadline.check()
            cells: list[tuple[str, str]] = []
            column = _grid_skip(row, "gridBefore")
            cells.extend(("", "") for _ in range(column))
            for tc in _row_cells(row):
                span = _span(tc)
                merge = _vmerge(tc)
                text = "" if merge == "continue" else self._cell_text(tc)
                cells.append((text, f"表{number} 第{r}行第{column + 1}列"))
                cells.extend(("", "") for _ in range(span - 1))
                column += span
            self.out.row(cells)
        self.out.end_table()


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children of ``element`` with ``tag``, through content controls and custom XML
    wrapped around them (a table's rows, a row's cells)."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _w("customXml")):
            yield from _children(child, tag)


def _table_rows(tbl: etree._Element) -> Iterator[etree._Element]:
    return _children(tbl, _TR)


def _row_cells(tr: etree._Element) -> Iterator[etree._Element]:
    return _children(tr, _TC)


def _prop(tc: etree._Element, name: str) -> etree._Element | None:
    props = tc.find(_w("tcPr"))
    return None if props is None else props.find(_w(name))


def _span(tc: etree._Element) -> int:
    """Grid columns a cell spans (gridSpan), 1 to 64."""
    span = _prop(tc, "gridSpan")
    try:
        return min(max(int(span.get(_w("val"), "1")), 1), 64) if span is not None else 1
    except ValueError:
        return 1


def _vmerge(tc: etree._Element) -> str | None:
    """"restart" (the first cell of a vertical merge), "continue" (covered), or None."""
    merge = _prop(tc, "vMerge")
    if merge is None:
        hmerge = _prop(tc, "hMerge")  # NOTE: Word 97's horizontal merge, still met in converted files
        return "continue" if hmerge is not None and hmerge.get(_w("val")) != "restart" else None
    return "restart" if merge.get(_w("val")) == "restart" else "continue"


def _grid_skip(tr: etree._Element, name: str) -> int:
    props = tr.find(_w("trPr"))
    skip = None if props is None else props.find(_w(name))
    try:
        return min(max(int(skip.get(_w("val"), "0")), 0), 64) if skip is not None else 0
    except ValueError:
        return 0


def _notes(reader: _Reader, root: etree._Element, tag: str, label: str) -> None:
    number = 0
    for note in root.iter(_w(tag)):
        if note.get(_w("type")) in _NOTE_TYPES_SKIPPED:
            continue
        number += 1
        for text in reader._flat_text(note):
            reader.out.line(text, f"{label}{number}")


def _page_lines(reader: _Reader, roots: list[etree._Element], label: str, seen: set[str]) -> None:
    for root in roots:
        for text in reader._flat_text(root):
            if text in seen or _PAGE_NUMBER.match(text):
                continue
            seen.add(text)
            reader.out.line(text, label)


def _part_order(name: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", name)
    return (int(digits) if digits else 0, name)


def read_docx(data: bytes, source: str = "<bytes>") -> Document:
    """Read a Word document (DOCX) from its bytes.

    Returns
    -------
    Document
        ``format="docx"``; the text as the module docstring describes, its tables (cell
        spans into the text) and anchors; ``sha256`` of ``data``.

    Raises
    ------
    ReadError
        Not a ZIP, no ``word/document.xml``, XML that is not well-formed, a part over the
        size or ratio ceilings, or over the time limit.
    """
    deadline = Deadline(source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = docx_parts(archive, source)
    except zipfile.BadZipFile as exc:
        raise ReadError(source, f"damaged Word document: not a readable ZIP package ({exc})") from None
    reader = _Reader(deadline)
    body = _xml(parts["word/document.xml"], "word/document.xml", source).find(_w("body"))
    if body is not None:
        reader.blocks(body)
    reader.out.line("")
    for name, tag, label in (("word/footnotes.xml", "footnote", "脚注"), ("word/endnotes.xml", "endnote", "尾注")):
        if name in parts:
            _notes(reader, _xml(parts[name], name, source), tag, label)
    seen: set[str] = set()
    for kind, label in (("header", "页眉"), ("footer", "页脚")):
        names = sorted((n for n in parts if n.startswith(f"word/{kind}")), key=_part_order)
        _page_lines(reader, [_xml(parts[n], n, source) for n in names], label, seen)
    text, tables, anchors = reader.out.build()
    return Document(
        source=source,
        text=text,
        format="docx",
        tables=tables,
        sha256=hashlib.sha256(data).hexdigest(),
        anchors=anchors,
    )
