"""Tab-separated tables (the Finnish seed): one row per line, cells split on TAB.

Blank lines do not end a table (page-break continuation lines follow a blank line); a line
without a TAB does. The first row of each table is its header (the seed repeats the header
before every table; normalisation drops the repeats). Cells holding HTML fragments
(``<p>``, ``<i>``) are cleaned to text.
"""

from __future__ import annotations

import html
import re

from ..model import RawDocument, RawRow
from ._lines import group_lines

_TAG = re.compile(r"<[^<>]{0,200}>")


def is_table_line(line: str) -> bool:
    return "\t" in line.rstrip("\r\n") and bool(line.strip())


def clean_cell(cell: str) -> str:
    """Strip HTML fragments and entities from a cell; plain text passes unchanged."""
    if "<" in cell or "&" in cell:
        cell = html.unescape(_TAG.sub(" ", cell))
    return cell.strip()


def split_cells(line: str) -> list[str]:
    return [clean_cell(c) for c in line.rstrip("\r\n").split("\t")]


def _header_rows(rows: list[RawRow]) -> int:
    return 1 if rows and not rows[0].separator else 0


def looks_like(text: str) -> int:
    return sum(1 for line in text.splitlines() if is_table_line(line))


def parse(path: str, text: str, encoding: str = "utf-8") -> RawDocument:
    """Parse tab-separated text into blocks.

    >>> doc = parse("x.tsv", "Goal\\n\\nA\\tB\\n1\\t2\\n")
    >>> doc.blocks[1].header_rows, doc.blocks[1].rows[1].cells
    (1, ('1', '2'))
    """
    blocks = group_lines(path, text.splitlines(), is_table_line, split_cells, True, _header_rows)
    return RawDocument(path, "tsv", encoding, tuple(blocks))
