"""CSV files: one table, its first row the header; the delimiter (comma, semicolon, TAB) is
sniffed (Excel in Finnish and Swedish locales writes semicolons).

CSV rows are lines: each row's :class:`~bitext.model.Source` lists its physical lines (a
quoted cell with line breaks spans several), so ``sv_line``/``fi_line`` point into the file.
Leading lines with a single filled cell (a title) become paragraphs before the table.
"""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from typing import Iterator

from ..errors import InputError
from ..model import Block, RawDocument, RawRow, RawTable, Source, TextBlock
from ._limits import Bounds

# A cell of a megabyte is plausible; the csv module's default limit is 128 KiB.
FIELD_SIZE_LIMIT = 2**31 - 1


@contextmanager
def _field_size_limit(limit: int) -> Iterator[None]:
    """Raise the csv module's (process-wide) field limit for our own reading only, and put
    the host program's value back after."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def sniff_dialect(text: str) -> "type[csv.Dialect] | csv.Dialect":
    """The dialect of ``text``: the sniffed delimiter among ``,;\\t``, else Excel's comma.

    >>> sniff_dialect("a;b;c\\n1;2;3\\n").delimiter
    ';'
    """
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t"}
        best = max(counts, key=lambda d: counts[d])
        dialect = csv.excel()
        dialect.delimiter = best if counts[best] else ","
        return dialect


def parse(path: str, text: str, encoding: str = "utf-8") -> RawDocument:
    """Parse CSV text into one table (after any title lines).

    >>> doc = parse("x.csv", "Mål;Mätare\\nVi gör;\\"Andel\\nbarn\\"\\n")
    >>> t = doc.blocks[0]
    >>> t.header_rows, t.rows[1].cells, t.rows[1].source.lines
    (1, ('Vi gör', 'Andel\\nbarn'), (2, 3))
    """
    dialect = sniff_dialect(text)
    lines = io.StringIO(text, newline="")
    counter = _Counter()
    reader = csv.reader(counter(lines), dialect)
    rows: list[tuple[tuple[int, ...], list[str]]] = []
    start = 1
    bounds = Bounds(path)
    try:
        with _field_size_limit(FIELD_SIZE_LIMIT):
            for cells in reader:
                end = counter.line
                bounds.row(len(cells), f"the row on line {start}")
                rows.append((tuple(range(start, end + 1)), [c.strip() for c in cells]))
                start = end + 1
    except csv.Error as exc:
        raise InputError(path, f"is not valid CSV near line {start} ({exc})") from None
    blocks: list[Block] = []
    k = 0
    while k < len(rows) and sum(1 for c in rows[k][1] if c) <= 1:
        text_ = " ".join(c for c in rows[k][1] if c)
        if text_:
            blocks.append(TextBlock(text_, Source(path, rows[k][0])))
        k += 1
    body = [RawRow(tuple(cells), Source(path, lines)) for lines, cells in rows[k:] if any(cells)]
    if body:
        src = Source(path, tuple(n for r in body for n in r.source.lines))
        blocks.append(RawTable(tuple(body), src, 1))
    notes = () if body else ("no table found in the CSV file",)
    return RawDocument(path, "csv", encoding, tuple(blocks), notes)


class _Counter:
    """Wraps a line iterator and counts the physical lines the csv reader has consumed."""

    def __init__(self) -> None:
        self.line = 0

    def __call__(self, lines: io.StringIO):  # type: ignore[no-untyped-def]
        self.line = 0
        for line in lines:
            self.line += 1
            yield line
