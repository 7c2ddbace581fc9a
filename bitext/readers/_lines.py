"""Shared by the line-based readers: group physical lines into text blocks and tables."""

from __future__ import annotations

import re
from typing import Callable, Sequence

from ..model import Block, RawRow, RawTable, Source, TextBlock
from ._limits import Bounds

_SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")


def is_separator(cells: Sequence[str]) -> bool:
    """A ``|---|---|`` or ``--<TAB>---`` line: every non-empty cell is dashes."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL.match(c) for c in filled)


def group_lines(
    path: str,
    lines: Sequence[str],
    is_table_line: Callable[[str], bool],
    split: Callable[[str], list[str]],
    blank_inside_tables: bool,
    header_rows: Callable[[list[RawRow]], int],
) -> list[Block]:
    """Split ``lines`` into :class:`TextBlock` paragraphs and :class:`RawTable` runs.

    A table is a run of table lines; with ``blank_inside_tables`` blank lines do not end it
    (TSV page-break continuations come after a blank line), only a text line does.
    A row wider than :data:`~bitext.readers._limits.MAX_COLUMNS` is refused (splitting is
    linear; what follows the reader is not).
    """
    bounds = Bounds(path)
    blocks: list[Block] = []
    rows: list[RawRow] = []
    para: list[tuple[int, str]] = []

    def flush_table() -> None:
        if rows:
            src = Source(path, tuple(n for r in rows for n in r.source.lines))
            blocks.append(RawTable(tuple(rows), src, header_rows(rows)))
            rows.clear()
            bounds.table()

    def flush_para() -> None:
        if para:
            text = " ".join(t.strip() for _, t in para)
            level = 0
            m = re.match(r"^(#{1,6})\s+(.*)$", text)
            if m:
                level, text = len(m.group(1)), m.group(2)
            blocks.append(TextBlock(text, Source(path, tuple(n for n, _ in para)), level))
            para.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            flush_para()
            if not blank_inside_tables:
                flush_table()
            continue
        if is_table_line(line):
            flush_para()
            cells = split(line)
            bounds.row(len(cells), f"line {number}")
            rows.append(RawRow(tuple(cells), Source(path, (number,)), is_separator(cells)))
        else:
            flush_table()
            para.append((number, line))
    flush_para()
    flush_table()
    return blocks
