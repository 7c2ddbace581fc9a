"""Shared by the structured readers (DOCX, HTML, PDF, spreadsheets): merged cells, headers.

A merged cell is kept once, where it starts: a vertical merge leaves the rows below empty
(the normaliser's merged-first-cell rule then carries the key goal down), a horizontal merge
leaves the columns to its right empty (the columns stay under their header).
"""

from __future__ import annotations

import re
from typing import Iterable, Optional, Sequence

from ._limits import MAX_COLUMNS

# HTML caps colspan at 1000 and rowspan at 65534; a goal table never comes close, and a
# hostile file must not make us build a grid of millions of cells.
MAX_SPAN = 1000
MAX_PENDING = 100_000  # cells covered by row spans still to come


class Grid:
    """Cells placed row by row with row and column spans, like an HTML table.

    >>> g = Grid()
    >>> g.add_row([("A", 1, 2), ("B", 1, 1)])
    >>> g.add_row([("C", 1, 1)])
    >>> g.rows()
    [['A', 'B'], ['', 'C']]
    >>> g = Grid()
    >>> g.add_row([("wide", 2, 1), ("x", 1, 1)])
    >>> g.rows()
    [['wide', '', 'x']]
    """

    def __init__(self) -> None:
        self._rows: list[dict[int, str]] = []
        self._pending: dict[tuple[int, int], str] = {}  # (row, col) covered by a rowspan above

    def add_row(self, cells: Iterable[tuple[str, int, int]], skip: int = 0) -> None:
        """Add a row of ``(text, colspan, rowspan)``; ``skip`` leading grid columns are empty
        (Word's ``gridBefore``)."""
        r = len(self._rows)
        row: dict[int, str] = {}
        col = skip
        for text, colspan, rowspan in cells:
            while (r, col) in self._pending:
                row[col] = self._pending.pop((r, col))
                col += 1
            colspan = max(1, min(colspan, MAX_SPAN))
            rowspan = max(1, min(rowspan, MAX_SPAN))
            if col + colspan > MAX_COLUMNS:
                break
            if len(self._pending) + colspan * rowspan > MAX_PENDING:
                rowspan = 1
            for dc in range(colspan):
                row[col + dc] = text if dc == 0 else ""
                for dr in range(1, rowspan):
                    self._pending[(r + dr, col + dc)] = ""
            col += colspan
        for (pr, pc) in [k for k in self._pending if k[0] == r]:
            row[pc] = self._pending.pop((pr, pc))
        self._rows.append(row)

    def rows(self) -> list[list[str]]:
        """The rows as lists of equal length (missing cells are empty)."""
        width = max((max(r) + 1 for r in self._rows if r), default=0)
        return [[r.get(c, "") for c in range(width)] for r in self._rows]


def trim(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Drop empty trailing columns and fully empty rows at the end (spreadsheets, grids)."""
    out = [list(r) for r in rows]
    while out and not any(c.strip() for c in out[-1]):
        out.pop()
    width = max((len(r) for r in out), default=0)
    while width and not any(len(r) >= width and r[width - 1].strip() for r in out):
        width -= 1
    return [r[:width] for r in out]


_SENTENCE_END = re.compile(r"[.!?;]\s*$")


def looks_like_header(cells: Sequence[str], next_cells: Optional[Sequence[str]] = None) -> bool:
    """Whether a first row looks like column headings rather than data.

    Headings are short, mostly filled, and are not sentences. Used where the format does not
    mark header rows (PDF, unmarked DOCX/HTML tables).

    >>> looks_like_header(["CENTRALENS NYCKELMÅL (1 ÅR)", "Uppföljning / Mätare", "Ansvarig"])
    True
    >>> looks_like_header(["Vi förebygger marginalisering.", "Verksamhet som genomförs.", ""])
    False
    """
    filled = [c.strip() for c in cells if c and c.strip()]
    if len(filled) < 2 or len(filled) * 2 < len(cells):
        return False
    if any(len(c) > 80 or _SENTENCE_END.search(c) for c in filled):
        return False
    if next_cells is not None and list(next_cells) == list(cells):
        return False
    return True


def clean_lines(text: str) -> str:
    """Join the lines of a cell or paragraph with spaces (the normaliser collapses the rest).

    >>> clean_lines("Vi gör\\n  det  bättre.\\n")
    'Vi gör det bättre.'
    """
    return " ".join(part.strip() for part in text.splitlines() if part.strip())
