"""The one text shape every layout reader (Word, spreadsheets) writes, as the HTML reader
does: one line a paragraph, a table as one line a row with its cells joined by tabs,
at most one blank line in a row, and where each stretch came from (an Anchor).

A reader feeds a :class:`TextBuilder` lines and table rows in reading order and takes a
``(text, tables, anchors)`` back; cell spans and anchors then point into that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fiscal_eval.model import Anchor, Cell, Table

__all__ = ["TextBuilder", "collapse", "column_letters"]

_SPACE = re.compile(r"[ \t\r\n\f\v\xa0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def collapse(text: str) -> str:
    """Runs of whitespace (no-break and ideographic spaces too) become one space; ends
    stripped; zero-width characters and soft hyphens dropped.

    >>> collapse("　　预算\\xa0 执行率 ")
    '预算 执行率'
    """
    return _SPACE.sub(" ", text.translate(_ZERO_WIDTH)).strip()


def column_letters(index: int) -> str:
    """A 0-based column index as spreadsheet letters.

    >>> column_letters(0), column_letters(25), column_letters(26), column_letters(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class TextBuilder:
    """Collects lines and table rows into the text, its tables and its anchors."""

    parts: list[str] = field(default_factory=list)
    position: int = 0
    anchors: list[Anchor] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    _rows: list[tuple[Cell, ...]] = field(default_factory=list)
    _table_start: int = 0
    _blank: bool = True  # the last line was blank (or nothing yet): no blank line now

    def _emit(self, line: str) -> int:
        start = self.position
        self.parts.append(line)
        self.position += len(line) + 1
        return start

    def line(self, text: str, where: str = "") -> None:
        """A line of prose (``text`` already collapsed; empty: a blank line)."""
        self.end_table()
        if not text:
            if not self._blank:
                self._emit("")
                self._blank = True
            return
        start = self._emit(text)
        self._blank = False
        if where:
            self.anchors.append(Anchor((start, start + len(text)), where))

    def row(self, cells: list[tuple[str, str]]) -> None:
        """A table row: (text, where) a cell. Trailing empty cells are dropped; a row with
        no text at all is skipped (a spacer)."""
        while cells and not cells[-1][0]:
            cells = cells[:-1]
        if not cells:
            return
        start = self.position
        if not self._rows:
            self._table_start = start
        line = "\t".join(text for text, _ in cells)
        row: list[Cell] = []
        offset = start
        for text, where in cells:
            row.append(Cell(text, (offset, offset + len(text))))
            if text and where:
                self.anchors.append(Anchor((offset, offset + len(text)), where))
            offset += len(text) + 1
        self._emit(line)
        self._blank = False
        self._rows.append(tuple(row))

    def end_table(self) -> None:
        """Close the table being built (a line or the end closes it too)."""
        if self._rows:
            end = self.position - 1
            self.tables.append(Table(tuple(self._rows), (self._table_start, end)))
            self._rows = []

    def build(self) -> tuple[str, tuple[Table, ...], tuple[Anchor, ...]]:
        """The text (no trailing blank line), its tables and anchors."""
        self.end_table()
        while self.parts and not self.parts[-1]:
            self.parts.pop()
        return "\n".join(self.parts), tuple(self.tables), tuple(self.anchors)
