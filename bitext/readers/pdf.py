"""PDF documents (pdfplumber): the ruled tables of each page and the text between them.

A table that runs over a page break comes out as one table per page; the normaliser joins a
table that follows another with no text in between, drops a repeated header row and merges
a continuation row (cells starting in lower case under unfinished cells) into the row it
completes. For that to work this reader makes sure nothing else stands between the parts:

- **running headers and footers** (lines in the top or bottom band of the page that repeat,
  digits aside, on most pages) and **page numbers** (``12``, ``- 12 -``, ``Sida 3 av 9``,
  ``3/9``) are dropped;
- a first row that looks like column headings is marked as the header (``header_rows=1``),
  so a header repeated on every page is recognised and dropped;
- merged cells (``None`` from pdfplumber) are empty: a vertically merged key goal is kept in
  its first row only, as the normaliser expects;
- the lines inside a cell are joined with spaces, except after a hyphen that ends a line
  before a lower-case word (``Helmi-`` + ``puhelin`` → ``Helmi-puhelin``; the hyphen is
  kept: it is usually a real one, a line break after ``palvelu-`` is rejoined later by the
  normaliser only when the text says so).

Paragraphs are lines grouped by their vertical spacing; a line in a clearly larger font is a
heading (level 1 or 2).

Not yet: tables drawn without rules (whitespace-aligned columns), scanned PDFs (no text
layer: an error), multi-column page layouts.

Provenance: ``Source(path, ref="p3 t1 r4")`` (1-based page, table on that page, row) for rows,
``"p3"`` for paragraphs.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from ..errors import InputError
from ..model import Block, RawDocument, RawRow, RawTable, Source, TextBlock
from ..lexicon import CONJUNCTIONS
from ._grid import looks_like_header

log = logging.getLogger(__name__)

BAND = 0.12  # the top and bottom 12% of a page hold running headers and footers
MAX_PAGES = 2000
_PAGE_NUMBER = re.compile(
    r"^[\s\-–—(\[]*(?:(?:sida|sivu|page|s\.|p\.)\s*)?\d{1,4}(?:\s*(?:/|av|of|\(|-|–)\s*\d{1,4}\)?)?[\s\-–—)\]]*$",
    re.IGNORECASE,
)


def is_pdf(data: bytes) -> bool:
    """``%PDF-`` within the first kilobyte (the specification allows leading junk)."""
    return b"%PDF-" in data[:1024]


def join_cell_lines(text: Optional[str]) -> str:
    """A cell's lines as one string.

    >>> join_cell_lines("Helmi-\\npuhelin on\\nkäytössä")
    'Helmi-puhelin on käytössä'
    >>> join_cell_lines("osallistumis-\\nja vaikuttamis-\\nmahdollisuuksia")
    'osallistumis- ja vaikuttamis-mahdollisuuksia'
    >>> join_cell_lines(None)
    ''
    """
    if not text:
        return ""
    out = ""
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        first = line.split(" ", 1)[0]
        # Lines break after a hyphen, so "Itä-|Uudenmaan" and "Helmi-|puhelin" were one word
        # ("Perhe-|ja" is a shared compound part: keep the space). After a spaced " -" only a
        # lower-case word is taken to be attached ("Baby Club -|verksamheten").
        if out.endswith("-") and first.lower() not in CONJUNCTIONS and (
            out[-2:-1].isalnum() or (out[-2:-1] == " " and line[:1].islower())
        ):
            out += line
        elif out and line[:1] in ".,;:!?)]»”":  # punctuation wrapped onto a line of its own
            out += line
        else:
            out = f"{out} {line}" if out else line
    return out


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    size: float


def _open(path: str, data: bytes):  # type: ignore[no-untyped-def]
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a runtime dependency
        from ..errors import DependencyError

        raise DependencyError("reading PDF needs pdfplumber: pip install pdfplumber") from None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # parses the page tree: damage shows here
        return pdf
    except Exception as exc:  # pdfminer raises many kinds (wrapped as PdfminerException)
        text = f"{type(exc).__name__} {exc!r}"
        if "Password" in text or "Encrypt" in text or "password" in text:
            raise InputError(path, "is password-protected (an encrypted PDF); remove the password and try again") from None
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120] or type(exc).__name__
        raise InputError(path, f"is a damaged PDF file ({reason})") from None


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
    y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _page_lines(page, boxes) -> list[_Line]:  # type: ignore[no-untyped-def]
    outside = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes))
    lines = []
    for ln in outside.extract_text_lines(return_chars=True):
        text = ln["text"].strip()
        if not text:
            continue
        sizes = [c.get("size", 0) for c in ln.get("chars", ())] or [0]
        lines.append(_Line(text, ln["top"], ln["bottom"], statistics.median(sizes)))
    return lines


def _running_keys(pages: list[tuple[float, list[_Line]]]) -> set[str]:
    """Texts (digits aside) of lines in the page bands that recur on most pages."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for height, lines in pages:
        keys = {_key(ln.text) for ln in lines if _in_band(ln, height)}
        seen.update(keys)
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, n in seen.items() if n >= need}


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _in_band(line: _Line, height: float) -> bool:
    return line.bottom <= height * BAND or line.top >= height * (1 - BAND)


def read(path: str, data: bytes) -> RawDocument:
    """Read the tables and text of a PDF, page by page.

    >>> doc = read("tests/fixtures/loviisa_2021_sv.pdf",
    ...            open("tests/fixtures/loviisa_2021_sv.pdf", "rb").read())
    >>> doc.format, next(b for b in doc.blocks if hasattr(b, "rows")).rows[0].source.ref
    ('pdf', 'p1 t1 r1')
    """
    pdf = _open(path, data)
    try:
        return _read(path, pdf)
    except InputError:
        raise
    except Exception as exc:  # damage that only shows while a page is being parsed
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120] or type(exc).__name__
        raise InputError(path, f"is a damaged PDF file ({reason})") from None
    finally:
        pdf.close()


def _read(path: str, pdf) -> RawDocument:  # type: ignore[no-untyped-def]
    if len(pdf.pages) > MAX_PAGES:
        raise InputError(path, f"has {len(pdf.pages)} pages; bitext reads at most {MAX_PAGES}")
    # First pass: tables and the lines outside them, per page.
    pages = []
    any_text = False
    for number, page in enumerate(pdf.pages, start=1):
        any_text = any_text or bool(page.chars)
        tables = [t for t in page.find_tables() if t.bbox]
        boxes = [t.bbox for t in tables]
        lines = _page_lines(page, boxes)
        pages.append((number, float(page.height), tables, lines))
        page.flush_cache()
    if not any_text:
        raise InputError(path, "has no text layer (a scanned PDF?); bitext needs a PDF with text")
    running = _running_keys([(h, lines) for _, h, _, lines in pages])
    sizes = [ln.size for _, _, _, lines in pages for ln in lines if ln.size]
    body_size = statistics.median(sizes) if sizes else 0.0

    heights = [ln.bottom - ln.top for _, _, _, lines in pages for ln in lines]
    line_height = statistics.median(heights) if heights else 10.0
    content_bottom = max(
        [t.bbox[3] for _, _, tables, _ in pages for t in tables]
        + [ln.bottom for _, h, _, lines in pages for ln in lines if not _in_band(ln, h)],
        default=0.0,
    )

    blocks: list[Block] = []
    dropped = 0
    at_bottom: Optional[RawTable] = None  # the last table, when it fills its page to the bottom
    for number, height, tables, lines in pages:
        items: list[tuple[float, object]] = []
        for ln in lines:
            if _in_band(ln, height) and (_key(ln.text) in running or _PAGE_NUMBER.match(ln.text)):
                dropped += 1
                continue
            items.append((ln.top, ln))
        for k, t in enumerate(tables, start=1):
            items.append((t.bbox[1], (k, t)))
        items.sort(key=lambda it: it[0])
        para: list[_Line] = []
        first_item = True

        def flush() -> None:
            if para:
                text = " ".join(ln.text for ln in para)
                size = max(ln.size for ln in para)
                level = 0
                if body_size and size >= body_size * 1.5:
                    level = 1
                elif body_size and size >= body_size * 1.15:
                    level = 2
                blocks.append(TextBlock(text, Source(path, ref=f"p{number}"), level))
                para.clear()

        for _, item in items:
            if isinstance(item, _Line):
                if para and not _same_paragraph(para[-1], item):
                    flush()
                para.append(item)
                first_item = False
                continue
            flush()
            k, table = item  # type: ignore[misc]
            rows = [[join_cell_lines(c) for c in row] for row in table.extract()]
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            header = 1 if looks_like_header(rows[0], rows[1] if len(rows) > 1 else None) else 0
            raw = [RawRow(tuple(r), Source(path, ref=f"p{number} t{k} r{j}")) for j, r in enumerate(rows, 1)]
            prev = blocks[-1] if blocks else None
            if first_item and prev is not None and prev is at_bottom and len(raw) > header:
                # The table goes on from the previous page: its first body row may be the rest
                # of a row that the page break cut (Word and LibreOffice split rows).
                merged = _rejoin_split_row(prev, raw[header])
                if merged is not None:
                    blocks[-1] = at_bottom = merged
                    del raw[header]
            first_item = False
            fills_page = table.bbox[3] >= content_bottom - 2.5 * line_height
            if not raw:  # the whole table was the rest of the previous page's last row
                at_bottom = at_bottom if fills_page else None
                continue
            block = RawTable(tuple(raw), Source(path, ref=f"p{number} t{k}"), header)
            blocks.append(block)
            at_bottom = block if fills_page else None
        flush()
    if dropped:
        log.debug("%s: %d running header/footer/page-number lines dropped", path, dropped)
    notes = () if any(isinstance(b, RawTable) for b in blocks) else ("no ruled tables found in the PDF",)
    return RawDocument(path, "pdf", "", tuple(blocks), notes)


def _same_paragraph(prev: _Line, line: _Line) -> bool:
    """Lines belong together when the gap between them is small and the font the same."""
    height = max(prev.bottom - prev.top, 1.0)
    same_font = abs(prev.size - line.size) <= 0.5
    return same_font and (line.top - prev.bottom) < 0.5 * height


def _rejoin_split_row(table: RawTable, fragment: RawRow) -> Optional[RawTable]:
    """``table`` with ``fragment`` joined to its last row, when the fragment looks like the
    rest of a row cut by a page break: at least half of its cells after the first are empty
    (those whose text all fitted on the page before), or a filled cell starts in lower case.
    None when it looks like a row of its own."""
    last = table.rows[-1]
    cells = fragment.cells
    filled = [c for c in cells if c]
    if not filled or len(cells) != len(last.cells):
        return None
    rest = cells[1:]
    half_empty = sum(1 for c in rest if not c) * 2 >= len(rest)
    lower = any(c[:1].islower() for c in filled)
    if not (half_empty or lower):
        return None
    joined = tuple(
        a if not b or b == a else b if not a else join_cell_lines(f"{a}\n{b}")
        for a, b in zip(last.cells, cells)
    )
    row = RawRow(joined, last.source.merged(fragment.source))
    return RawTable(table.rows[:-1] + (row,), table.source, table.header_rows)
