"""Normalisation: from a reader's blocks to logical tables and rows, explaining each step.

What it does, in order (each applied step is recorded as a :class:`~bitext.model.Step`):

1. **Unicode**: NFC; non-breaking and narrow spaces become spaces; soft hyphens and
   zero-width characters are removed; runs of whitespace collapse.
2. **Tables joined across page breaks**: a table that follows another with no text in
   between continues it (its header is empty or repeats the previous one).
3. **Header, title, spacer and separator rows dropped**: ``|---|`` / ``--<TAB>--`` lines;
   repeats of the table's header (or, without a marked header, of its first row when that
   looks like column headings); all-empty rows (spacers); one or two caption rows at the
   start of a table, each a single spanning cell followed by column headings ("VEROTAULUKKO
   1", "Taulukko 1. …"), which become the table's heading. Each is recorded.
4. **Continuation lines merged**: a row right after a page break (a blank line inside a TSV
   table, or the first row of a table resumed across a break) whose non-empty cells, fewer
   than the table's columns, all start in lower case and each continue an unfinished cell of
   the row above (no final punctuation, or a trailing hyphen) completes that row. A row that
   starts a list item ("a)", "1)", "– ", "•") never does, nor a row of a table without page
   breaks; a look-alike is kept and recorded (``continuation_refused``). Extra leading empty
   cells (the Finnish seed's continuation lines carry one more TAB) are dropped first.
5. **Hyphenation**: a word split by a line break (``palvelu- päällikkö``) is rejoined, but
   not before a conjunction (``Perhe- ja lähisuhdeväkivallan`` stays).
6. **Merged first cell**: an empty first cell takes the key goal of the row above
   (``Cell.raw`` keeps the empty original, ``Cell.inherited`` says so).
7. **Parts**: a run of two or more paragraphs before a table starts a new part (the main
   part, then each responsibility area); the last paragraph is the table's heading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .errors import InputError
from .lexicon import CONJUNCTIONS, FINAL_PUNCTUATION
from .model import Cell, Document, Part, RawDocument, RawRow, RawTable, Row, Source, Step, Table, TextBlock

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_BROKEN_WORD = re.compile(r"(?<=\w)- (?=([^\W\d_]+))")
_SENTENCE_END = re.compile(r"[.!?;]\s*$")
_CAPTION_NUMBER = re.compile(r"\d|\b[IVX]{1,5}\b")
# A caption that names itself: a table or figure word and its number ("Taulukko 2.",
# "Tabell 1a", "Table 3:"). Such a spanning cell is the title whatever follows it.
_NAMED_CAPTION = re.compile(r"^(?:taulukko|tabell|table|kuva|bild|figur|figure)\s+\d+[a-z]?\b(?!\s*§)", re.IGNORECASE)
# A cell that is a number, amount or percentage, perhaps with a short unit ("1 350 €", "19,50").
_NUMBER_CELL = re.compile(r"^[\d\s.,%€$+\-–/()]+(?:\s*\w{0,6})?$")


def clean_text(text: str) -> str:
    """Unicode NFC, invisible characters removed, whitespace collapsed.

    >>> clean_text("  Vi\\u00a0har\\u00ad  gjort\\n det ")
    'Vi har gjort det'
    """
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def rejoin_hyphenated(text: str) -> str:
    """Rejoin words split by a line break, leaving ``X- ja Y`` constructions alone.

    >>> rejoin_hyphenated("palvelu- päällikkö ja Perhe- ja lähisuhdeväkivallan")
    'palvelupäällikkö ja Perhe- ja lähisuhdeväkivallan'
    """

    def join(m: re.Match[str]) -> str:
        nxt = m.group(1)
        if nxt.lower() in CONJUNCTIONS or not nxt[0].islower():
            return m.group(0)
        return ""

    return _BROKEN_WORD.sub(join, text)


def _unfinished(cell: str) -> bool:
    return bool(cell) and (cell.endswith("-") or not cell.endswith(FINAL_PUNCTUATION))


def _starts_lower(cell: str) -> bool:
    first = next((ch for ch in cell if ch.isalnum()), "")
    if first.isdigit():
        # "2021 mennessä" continues a sentence; "1 Vaarallisten kemikaalien" is a numbered heading.
        letter = next((ch for ch in cell if ch.isalpha()), "")
        return not letter.isupper()
    return bool(first) and first.islower()


def _starts_lower_letter(cell: str) -> bool:
    first = next((ch for ch in cell if ch.isalnum()), "")
    return first.isalpha() and first.islower()


# The start of a list item: a bullet or dash ("– ", "•", "-fodrets"), or an enumerator
# ("a)", "(b)", "1)", "2.", "iv)", "1.1 "). Such a line begins an item of its own.
_ITEM_START = re.compile(
    r"^(?:[-‐‑–—•●▪◦·*](?=\s|[^\W\d_])"
    r"|\(?(?:\d{1,3}|[a-zA-ZåäöÅÄÖ]|[ivxlcIVXLC]{1,6})\)\s?"
    r"|\d{1,3}\.(?:\d{1,3}\.?)*\s)"
)


def starts_item(cell: str) -> bool:
    """Whether ``cell`` begins an enumerated or bulleted item (never a continuation line).

    >>> [starts_item(c) for c in ("a) hakemus", "– 21.7.2023", "1.1 Luvat", "-fodrets inköpsdag", "2021 mennessä", "och mer.")]
    [True, True, True, True, False, False]
    """
    return bool(_ITEM_START.match(cell))


def join_fragment(head: str, tail: str) -> str:
    """Join a cell with its continuation; a trailing hyphen joins the word when safe.

    >>> join_fragment("painon-", "hallinnassa ja terveydessä.")
    'painonhallinnassa ja terveydessä.'
    >>> join_fragment("osallistumis-", "ja vaikuttamismahdollisuuksia")
    'osallistumis- ja vaikuttamismahdollisuuksia'
    """
    if not head:
        return tail
    if not tail:
        return head
    first = tail.split(" ", 1)[0]
    if head.endswith("-") and head[-2:-1].isalpha() and first.lower() not in CONJUNCTIONS and _starts_lower(tail):
        return head[:-1] + tail
    return f"{head} {tail}"


def continuation_offset(prev: tuple[str, ...], cells: tuple[str, ...], width: int) -> "int | None":
    """How many leading cells to drop for ``cells`` to continue ``prev``; None if it does not.

    A continuation has at least one non-empty cell, all starting in lower case (or with a
    number that is not an enumerator) and none starting a list item ("a)", "– ", "1."), each
    under a cell of ``prev`` that is unfinished.
    """
    extra = max(0, len(cells) - width)
    # A line wider than the table most likely carries extra leading TABs: try those first.
    for drop in range(extra, -1, -1):
        if any(c for c in cells[:drop]):
            continue
        shifted = cells[drop:]
        filled = [(i, c) for i, c in enumerate(shifted) if c]
        if not filled or any(i >= width for i, _ in filled):
            continue
        if all(_starts_lower(c) and not starts_item(c) and i < len(prev) and _unfinished(prev[i]) for i, c in filled):
            return drop
    return None


@dataclass
class _Table:
    heading: str
    header: tuple[str, ...]
    source: Source
    part: int
    rows: list[tuple[list[str], Source, bool]] = field(default_factory=list)  # cells, source, after_break


def _fit(cells: tuple[str, ...], width: int) -> list[str]:
    """Pad or trim a row to ``width`` cells; overflow text goes into the last cell."""
    out = list(cells[:width]) + [""] * max(0, width - len(cells))
    overflow = [c for c in cells[width:] if c]
    if overflow and width:
        out[-1] = " ".join([out[-1], *overflow]).strip()
    return out


def normalize(raw: RawDocument) -> Document:
    """Turn a reader's blocks into a :class:`~bitext.model.Document`, recording each step.

    >>> from bitext.readers import read_raw
    >>> doc = normalize(read_raw("data/loviisa_2021_sv.txt"))
    >>> len(doc.rows), doc.rows[1].cells[0].inherited
    (67, True)
    """
    steps: list[Step] = []
    path = raw.path
    tables: list[_Table] = []
    parts: list[tuple[str, Source]] = []
    pending: list[TextBlock] = []  # paragraphs since the last table
    texts: list[TextBlock] = []  # every paragraph, kept for the language vote

    for block in raw.blocks:
        if isinstance(block, TextBlock):
            text = clean_text(block.text)
            if text:
                pending.append(TextBlock(text, block.source, block.level))
                texts.append(pending[-1])
            continue
        _add_table(block, pending, tables, parts, steps, path)
        pending = []

    if not tables:
        reason = "; ".join(raw.notes) or "no tables found"
        raise InputError(path, f"{reason} (bitext compares table rows)")

    doc_tables: list[Table] = []
    part_tables: dict[int, list[int]] = {}
    for t in tables:
        rows = _logical_rows(t, steps)
        if not rows:
            continue
        index = len(doc_tables)
        width = len(t.header)
        built = []
        above = ""
        for k, (cells, src) in enumerate(rows):
            out = []
            for c, text in enumerate(cells):
                fixed = rejoin_hyphenated(text)
                if fixed != text:
                    steps.append(Step("hyphen_rejoined", src, f"column {c + 1}: {text!r} -> {fixed!r}"))
                out.append(fixed)
            first_raw = out[0] if out else ""
            cell_objs = [Cell(t, t) for t in out]
            if width and not first_raw and above:
                cell_objs[0] = Cell(above, "", inherited=True)
                steps.append(Step("merged_cell", src, f"column 1 empty: takes the key goal of the row above ({above[:40]!r})"))
            elif first_raw:
                above = first_raw
            built.append(Row(tuple(cell_objs), src, t.part, index, k))
        doc_tables.append(Table(index, t.part, t.heading, t.header, tuple(built), t.source))
        part_tables.setdefault(t.part, []).append(index)

    doc_parts = tuple(
        Part(i, title, src, tuple(part_tables.get(i, ()))) for i, (title, src) in enumerate(parts)
    )
    return Document(path, raw.format, raw.encoding, doc_parts, tuple(doc_tables), tuple(steps), raw.notes, texts=tuple(texts))


def _add_table(
    block: RawTable,
    pending: list[TextBlock],
    tables: list[_Table],
    parts: list[tuple[str, Source]],
    steps: list[Step],
    path: str,
) -> None:
    rows = [RawRow(tuple(clean_text(c) for c in r.cells), r.source, r.separator) for r in block.rows]
    header_rows = block.header_rows
    titles = _title_rows(rows, header_rows)
    for r in titles:
        steps.append(Step("title_row", r.source, f"caption row {_only_text(r.cells)[:60]!r}: the table's title, not data"))
    rows = rows[len(titles) :]
    header_rows = max(0, header_rows - len(titles))
    header: tuple[str, ...] = ()
    if header_rows:
        header = tuple(" ".join(p for p in parts_ if p) for parts_ in zip(*(r.cells for r in rows[:header_rows])))
        for r in rows[:header_rows]:
            steps.append(Step("header_dropped", r.source, "table header row"))
        rows = rows[header_rows:]
    prev = tables[-1] if tables else None
    # A titled table starts a table of its own, whatever precedes it.
    continues = (
        prev is not None
        and not pending
        and not titles
        and (not any(header) or _same_header(header, prev.header) or not header)
    )
    if continues and prev is not None:
        steps.append(Step("table_joined", block.source, "table continues the previous one across a page break"))
        target = prev
    else:
        if not parts or len(pending) >= 2:
            title_block = pending[0] if pending else None
            title = title_block.text if title_block else ""
            parts.append((title, title_block.source if title_block else Source(path)))
        heading = pending[-1].text if pending else ""
        if titles:
            heading = " ".join(_only_text(r.cells) for r in titles)
        if not any(header):
            header = ()
        target = _Table(heading, header, block.source, len(parts) - 1)
        tables.append(target)
    first = True
    for r in rows:
        if r.separator:
            steps.append(Step("separator_dropped", r.source, "separator row"))
            first = True
            continue
        if not any(r.cells):
            steps.append(Step("spacer_dropped", r.source, "all-empty row"))
            continue
        if target.header and _same_header(r.cells, target.header):
            steps.append(Step("header_dropped", r.source, "repeated header row"))
            first = True
            continue
        if not target.header and target.rows and _repeats_first_row(r.cells, target.rows[0][0]):
            # No marked header: the first row is the header when it comes again later.
            steps.append(Step("header_dropped", r.source, f"repeats the table's first row (line {target.rows[0][1].label}): a repeated header"))
            first = True
            continue
        # A blank line before a TSV row, or the first row of a joined table, is a page break.
        after_break = first and continues or _blank_before(r, target)
        target.rows.append((list(r.cells), r.source, after_break))
        first = False


def _single_cell(cells: tuple[str, ...]) -> bool:
    """One non-empty cell in a row of two or more (a cell spanning the row)."""
    return len(cells) >= 2 and sum(1 for c in cells if c) == 1


def _only_text(cells: tuple[str, ...]) -> str:
    return next((c for c in cells if c), "")


def _caption_like(text: str) -> bool:
    """A caption or section label: it has a number ("Taulukko 1.", "1.1. TILAN …", "LIITE I")
    or is written in capitals ("VASTAAVAA")."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(_CAPTION_NUMBER.search(text)) or (len(letters) >= 2 and all(ch.isupper() for ch in letters))


def _title_rows(rows: list[RawRow], header_rows: int) -> list[RawRow]:
    """The caption rows at the start of a table ("VEROTAULUKKO 1", "LIITE I" + "Taulukko 2. …").

    One or two leading rows, each a single spanning cell that reads as a label (numbered, or
    in capitals), followed by the column headings; a caption that names itself ("Taulukko 1.",
    "Tabell 2") is a title whatever follows it (a marked header row, or a row that looks
    like one). A lone spanning cell followed by data is a group heading and stays a row, and
    one without number or capitals ("Alkuvaihe") is a heading over some columns.
    """
    titles: list[RawRow] = []
    for r in rows[:2]:
        if r.separator or not _single_cell(r.cells) or not _caption_like(_only_text(r.cells)):
            break
        titles.append(r)
    named = [r for r in titles if _NAMED_CAPTION.match(_only_text(r.cells))]
    if named and len(rows) > len(titles):
        # A caption that names itself ("Taulukko 1. …") needs no headings after it (they may
        # span, or be split over two rows): everything up to it is the title.
        return titles[: titles.index(named[-1]) + 1]
    while titles:
        k = len(titles)
        nxt = rows[k] if k < len(rows) else None
        after = rows[k + 1] if k + 1 < len(rows) else None
        if nxt is not None and not nxt.separator and (header_rows > k or _looks_like_headings(nxt.cells, after)):
            return titles
        titles.pop()
    return []


def _looks_like_headings(cells: tuple[str, ...], after: "RawRow | None") -> bool:
    """Column headings: at least two cells and half the row filled, none a sentence or a
    paragraph, mostly not numbers, and not repeated by the next row."""
    filled = [c for c in cells if c]
    if len(filled) < 2 or len(filled) * 2 < len(cells) or (after is not None and after.cells == cells):
        return False
    if any(len(c) > 150 or _SENTENCE_END.search(c) for c in filled):
        return False
    return sum(1 for c in filled if _NUMBER_CELL.match(c)) * 2 < len(filled)


def _repeats_first_row(cells: tuple[str, ...], first: list[str]) -> bool:
    """A row equal to the table's first row, which looks like column headings."""
    return _same_header(cells, tuple(first)) and _looks_like_headings(tuple(first), None)


def _blank_before(r: RawRow, t: _Table) -> bool:
    if not t.rows or not r.source.lines or not t.rows[-1][1].lines:
        return False
    return r.source.lines[0] > t.rows[-1][1].lines[-1] + 1


def _same_header(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    def key(cells: tuple[str, ...]) -> list[str]:
        return [re.sub(r"\W+", "", c).lower() for c in cells if c]

    return bool(b) and key(a) == key(b)


def _logical_rows(t: _Table, steps: list[Step]) -> list[tuple[list[str], Source]]:
    width = len(t.header) or max((len(c) for c, _, _ in t.rows), default=0)
    t.header = t.header or tuple("" for _ in range(width))
    out: list[tuple[list[str], Source]] = []
    for cells, src, after_break in t.rows:
        tup = tuple(cells)
        if out:
            prev_cells, prev_src = out[-1]
            drop = continuation_offset(tuple(prev_cells), tup, width)
            filled = sum(1 for c in tup if c)
            # A page-break continuation needs the page break (a blank line inside the table,
            # or a table resumed after a break) and fills only some cells: a table without
            # breaks (statutes, XML conversions) has no continuation lines, only short rows.
            if drop is not None and not (after_break and (filled < width or width == 1)):
                if filled < width and any(_starts_lower_letter(c) for c in tup):
                    # Worth explaining (a short row of lower-case fragments, e.g. a cell
                    # continued over rows): why it stays a row of its own.
                    why = "no page break before it" if not after_break else "every cell filled"
                    steps.append(Step("continuation_refused", src, f"looks like the end of the row on line {prev_src.label} but {why}: kept as a row"))
            elif drop is not None:
                frag = _fit(tup[drop:], width)
                merged = [join_fragment(a, b) for a, b in zip(prev_cells, frag)]
                detail = "; ".join(f"column {i + 1} + {b[:30]!r}" for i, b in enumerate(frag) if b)
                if drop:
                    detail += f" ({drop} extra leading empty cell(s) dropped)"
                steps.append(Step("continuation_merged", src, f"completes the row on line {prev_src.label}: {detail}"))
                out[-1] = (merged, prev_src.merged(src))
                continue
        if len(tup) != width:
            fitted = _fit(tup, width)
            steps.append(Step("ragged_row", src, f"{len(tup)} cells where the table has {width}"))
        else:
            fitted = list(tup)
        out.append((fitted, src))
    return out
