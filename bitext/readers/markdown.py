"""Markdown pipe tables (the Swedish seed): ``| a | b |`` rows, ``|--|--|`` separators.

A header row is the row right above a separator. A separator is the line right after a
table's first row, or a full delimiter row (every cell dashes); a row where only some cells
are dashes (``| | ---- | |``) elsewhere is data (placeholders). Paragraphs between tables become
:class:`~bitext.model.TextBlock` (``#`` headings keep their level).
"""

from __future__ import annotations

import re

from dataclasses import replace

from ..model import RawDocument, RawRow, RawTable
from ._lines import group_lines

_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_DELIMITER_CELL = re.compile(r"^:?-+:?$")


def is_table_line(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and s.count("|") >= 2


def split_cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    return [c.strip().replace("\\|", "|") for c in _PIPE_SPLIT.split(s)]


def _header_rows(rows: list[RawRow]) -> int:
    return 1 if len(rows) >= 2 and rows[1].separator and not rows[0].separator else 0


def is_delimiter_row(cells: "tuple[str, ...] | list[str]") -> bool:
    """A header separator: every cell dashes (``:--``, ``--:``), none empty.

    >>> is_delimiter_row(["--", ":---:", "---"]), is_delimiter_row(["", "----", ""])
    (True, False)
    """
    return bool(cells) and all(_DELIMITER_CELL.match(c.strip()) for c in cells)


def _classify(table: RawTable) -> RawTable:
    """Which dash lines are separators: the line right after the first row, or a full
    delimiter row (every cell dashes) anywhere; a line where only some cells are dashes
    (``| | ---- | |``: placeholders for "none") elsewhere is a row of data."""
    rows = tuple(
        replace(r, separator=i == 1 or is_delimiter_row(r.cells)) if r.separator else r
        for i, r in enumerate(table.rows)
    )
    return replace(table, rows=rows, header_rows=_header_rows(list(rows)))


def looks_like(text: str) -> int:
    """How many lines look like pipe-table rows (used to choose the reader)."""
    return sum(1 for line in text.splitlines() if is_table_line(line))


def parse(path: str, text: str, encoding: str = "utf-8") -> RawDocument:
    """Parse Markdown text into blocks.

    >>> doc = parse("x.md", "Goal\\n\\n| A | B |\\n|--|--|\\n| 1 | 2 |\\n")
    >>> [type(b).__name__ for b in doc.blocks], doc.blocks[1].rows[2].cells
    (['TextBlock', 'RawTable'], ('1', '2'))
    """
    blocks = group_lines(path, text.splitlines(), is_table_line, split_cells, False, _header_rows)
    blocks = [_classify(b) if isinstance(b, RawTable) else b for b in blocks]
    return RawDocument(path, "markdown", encoding, tuple(blocks))
