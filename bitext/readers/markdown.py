"""Markdown pipe tables (the Swedish seed): ``| a | b |`` rows, ``|--|--|`` separators.

A header row is the row right above a separator. Paragraphs between tables become
:class:`~bitext.model.TextBlock` (``#`` headings keep their level).
"""

from __future__ import annotations

import re

from ..model import RawDocument, RawRow
from ._lines import group_lines

_PIPE_SPLIT = re.compile(r"(?<!\\)\|")


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
    return RawDocument(path, "markdown", encoding, tuple(blocks))
