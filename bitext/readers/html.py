"""HTML pages (BeautifulSoup with the standard library's parser): tables, headings, paragraphs.

Quirks handled:

- ``rowspan``/``colspan`` are expanded onto a grid: a row-spanning cell keeps its text in its
  first row and is empty below (the normaliser's merged-first-cell rule applies), a
  column-spanning cell fills its first column and leaves the others empty; spans are capped
  (``rowspan="0"`` means "to the end of the table");
- header rows: leading rows made only of ``<th>`` cells or inside ``<thead>``; without
  those, a first row that looks like column headings;
- ``<h1>``–``<h6>`` become headings (level N), ``<p>``, ``<li>``, ``<caption>`` and loose
  text in ``<div>``-like containers become paragraphs, in document order;
- ``<br>`` and block elements inside a cell become spaces; ``<script>``, ``<style>``,
  ``<template>`` and ``<head>`` are skipped; a table nested in a cell is flattened into
  the cell's text.

Provenance: ``Source(path, ref="t2 r5")`` (1-based table and row, header rows counted) for
rows, ``"p12"`` (1-based index of the text block) for headings and paragraphs.
"""

from __future__ import annotations

import re
from typing import Optional

from ..errors import InputError
from ..model import Block, RawDocument, RawRow, RawTable, Source, TextBlock
from ._grid import Grid, clean_lines, looks_like_header, trim

_SKIP = {"script", "style", "template", "head", "noscript", "svg", "math", "iframe", "object"}
_TEXT = {"p", "li", "caption", "dt", "dd", "pre", "address", "figcaption", "summary", "label"}
_HEADINGS = {f"h{k}": k for k in range(1, 7)}
_SNIFF = re.compile(r"<\s*(?:!doctype\s+html|html|body|table)\b", re.IGNORECASE)


def looks_like(text: str) -> bool:
    """Whether a text is an HTML page (not a TSV with HTML fragments in its cells).

    >>> looks_like("<!DOCTYPE html><html><body><table></table></body></html>")
    True
    >>> looks_like("Mål\\t<p>Vi gör</p>\\n")
    False
    """
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    return head.startswith("<") and bool(_SNIFF.search(head))


def _span(value: object, default: int = 1) -> int:
    m = re.match(r"\s*(\d+)", str(value or ""))
    return int(m.group(1)) if m else default


def _text(el) -> str:  # type: ignore[no-untyped-def]
    for br in el.find_all("br"):
        br.replace_with("\n")
    return clean_lines(el.get_text("\n"))


def _rows_of(table) -> list:  # type: ignore[no-untyped-def]
    """The table's own rows (not those of tables nested in its cells)."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _table(table, path: str, number: int) -> Optional[RawTable]:  # type: ignore[no-untyped-def]
    trs = _rows_of(table)
    grid = Grid()
    header = 0
    counting = True
    for k, tr in enumerate(trs):
        cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
        remaining = len(trs) - k
        spans = []
        for c in cells:
            rowspan = _span(c.get("rowspan"))
            spans.append((_text(c), _span(c.get("colspan")), remaining if rowspan == 0 else min(rowspan, remaining)))
        grid.add_row(spans)
        in_head = tr.find_parent("thead") is not None and tr.find_parent("table") is table
        all_th = bool(cells) and all(c.name == "th" for c in cells)
        if counting and (in_head or all_th):
            header += 1
        else:
            counting = False
    rows = trim(grid.rows())
    if not any(any(c for c in r) for r in rows):
        return None
    if header == 0 and rows and looks_like_header(rows[0], rows[1] if len(rows) > 1 else None):
        header = 1
    raw = tuple(RawRow(tuple(r), Source(path, ref=f"t{number} r{k}")) for k, r in enumerate(rows, 1))
    return RawTable(raw, Source(path, ref=f"t{number}"), min(header, len(raw)))


def parse(path: str, text: str, encoding: str = "utf-8") -> RawDocument:
    """Parse an HTML page into blocks.

    >>> page = ("<h2>Mål</h2><table><tr><th>A</th><th>B</th></tr>"
    ...         "<tr><td rowspan=2>x</td><td>1</td></tr><tr><td>2</td></tr></table>")
    >>> doc = parse("x.html", page)
    >>> doc.blocks[0].level, doc.blocks[1].header_rows, [r.cells for r in doc.blocks[1].rows]
    (2, 1, [('A', 'B'), ('x', '1'), ('', '2')])
    """
    try:
        from bs4 import BeautifulSoup
    except ImportError:  # pragma: no cover - a runtime dependency
        from ..errors import DependencyError

        raise DependencyError("reading HTML needs beautifulsoup4: pip install beautifulsoup4") from None
    try:
        soup = BeautifulSoup(text, "html.parser")
    except Exception as exc:  # html.parser is lenient; this is a safety net for odd input
        raise InputError(path, f"is not readable HTML ({type(exc).__name__})") from None
    blocks: list[Block] = []
    counters = {"t": 0, "p": 0}

    def add_text(value: str, level: int = 0) -> None:
        value = clean_lines(value)
        if value:
            counters["p"] += 1
            blocks.append(TextBlock(value, Source(path, ref=f"p{counters['p']}"), level))

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        loose: list[str] = []  # text directly in a container, between its block children
        for child in el.children:
            name = getattr(child, "name", None)
            if name is None:
                if type(child).__name__ == "NavigableString":  # not comments, doctypes, CDATA
                    loose.append(str(child))
                continue
            name = name.lower()
            if name in _SKIP:
                continue
            if name in ("br",) or name in _INLINE:
                loose.append(_text(child) if name != "br" else "\n")
                continue
            add_text(" ".join(loose))
            loose = []
            if name == "table":
                counters["t"] += 1
                table = _table(child, path, counters["t"])
                if table is not None:
                    blocks.append(table)
            elif name in _HEADINGS:
                add_text(_text(child), _HEADINGS[name])
            elif name in _TEXT and child.find("table") is None:
                add_text(_text(child))
            else:
                walk(child)
        add_text(" ".join(loose))

    try:
        walk(soup)
    except RecursionError:
        raise InputError(path, "the HTML is nested too deeply to read") from None
    notes = () if any(isinstance(b, RawTable) for b in blocks) else ("no tables found in the HTML page",)
    return RawDocument(path, "html", encoding, tuple(blocks), notes)


_INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "del", "ins",
}
