"""Word documents (DOCX, python-docx): tables, headings and the paragraphs between them.

The body is read in document order (its XML children), so a paragraph between two tables
stays between them. Quirks handled:

- **merged cells**: a vertically merged cell (``w:vMerge``) keeps its text in the first row
  and is empty below (python-docx would repeat it), so the normaliser's merged-first-cell
  rule applies; a horizontally merged cell (``w:gridSpan``) is one cell followed by empty
  ones, so the columns stay under their header; ``w:gridBefore`` pads a row on the left;
- **header rows**: rows marked "repeat as header row" (``w:tblHeader``), else a first row
  that looks like column headings;
- **headings**: paragraph styles ``Heading N`` / ``Title`` (or an outline level) give
  :class:`~bitext.model.TextBlock` level N;
- **text**: tracked insertions are kept and deletions dropped, content controls
  (``w:sdt``) are looked into, text boxes' fallback copies are not read twice, soft hyphens
  are dropped and non-breaking hyphens kept.

Not yet: headers/footers, footnotes and comments are not read; a table nested in a cell is
flattened into the cell's text.

Provenance: ``Source(path, ref="t2 r5")`` for rows (1-based table and row), ``"p12"`` (the
1-based index of the body paragraph) for headings and paragraphs.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from ..model import Block, RawDocument, RawRow, RawTable, Source, TextBlock
from ._grid import clean_lines, looks_like_header
from ._package import open_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WRAPPERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "smartTag"}
_HEADING = re.compile(r"^(?:heading|rubrik|otsikko|überschrift|titre)\s*(\d)$", re.IGNORECASE)


def is_docx(data: bytes) -> bool:
    """A zip archive with a ``word/`` part (checked on the bytes: a truncated file still
    counts, and is reported as damaged rather than as "not a DOCX")."""
    return data[:4] == b"PK\x03\x04" and b"word/" in data


def _open(path: str, data: bytes):  # type: ignore[no-untyped-def]
    try:
        import docx  # python-docx
    except ImportError:  # pragma: no cover - a runtime dependency
        from ..errors import DependencyError

        raise DependencyError("reading DOCX needs python-docx: pip install python-docx") from None
    return open_package(path, data, "DOCX", docx.Document)


def _children(el) -> Iterator:  # type: ignore[no-untyped-def]
    """The element's children, looking through content controls and tracked insertions."""
    for child in el:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def paragraph_text(p) -> str:  # type: ignore[no-untyped-def]
    """The visible text of a ``w:p`` (insertions kept, deletions and fallbacks skipped)."""
    out: list[str] = []

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        for child in el:
            tag = child.tag
            if tag == MC_FALLBACK or tag == W + "del":
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == W + "p":  # a paragraph inside a text box
                out.append("\n")
                walk(child)
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _cell_text(tc) -> str:  # type: ignore[no-untyped-def]
    parts = [paragraph_text(p) for p in tc.iter(W + "p") if not _in_fallback(p, tc)]
    return clean_lines("\n".join(parts))


def _in_fallback(el, stop) -> bool:  # type: ignore[no-untyped-def]
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


def _val(el, name: str) -> Optional[str]:  # type: ignore[no-untyped-def]
    found = el.find(W + name) if el is not None else None
    if found is None:
        return None
    return found.get(W + "val", "")


def _int(value: Optional[str], default: int) -> int:
    try:
        return max(0, int(value)) if value not in (None, "") else default  # type: ignore[arg-type]
    except ValueError:
        return default


def _table_rows(tbl) -> tuple[list[list[str]], int]:  # type: ignore[no-untyped-def]
    """The rows of a ``w:tbl`` (merged cells kept once) and how many leading rows are marked
    as header rows."""
    rows: list[list[str]] = []
    marked = 0
    counting = True
    for tr in _children(tbl):
        if tr.tag != W + "tr":
            continue
        trpr = tr.find(W + "trPr")
        header = _val(trpr, "tblHeader")
        if counting and header is not None and header not in ("0", "false", "off"):
            marked += 1
        else:
            counting = False
        cells: list[str] = [""] * min(_int(_val(trpr, "gridBefore"), 0), 63)
        for tc in _children(tr):
            if tc.tag != W + "tc":
                continue
            tcpr = tc.find(W + "tcPr")
            span = min(_int(_val(tcpr, "gridSpan"), 1) or 1, 63)
            vmerge = _val(tcpr, "vMerge")
            # ``<w:vMerge/>`` (no value) or ``continue``: covered by the cell above.
            text = "" if vmerge is not None and vmerge != "restart" else _cell_text(tc)
            cells.append(text)
            cells.extend([""] * (span - 1))
        rows.append(cells)
    return rows, marked


def _heading_level(p, styles: dict[str, tuple[str, Optional[int]]]) -> int:  # type: ignore[no-untyped-def]
    ppr = p.find(W + "pPr")
    style_id = _val(ppr, "pStyle") or ""
    name, outline = styles.get(style_id, (style_id, None))
    m = _HEADING.match(name.strip()) or _HEADING.match(re.sub(r"(\D)(\d)$", r"\1 \2", style_id))
    if m:
        return int(m.group(1))
    if name.strip().lower() in ("title", "rubrik", "otsikko"):
        return 1
    own = _val(ppr, "outlineLvl")
    level = _int(own, -1) if own is not None else (outline if outline is not None else -1)
    return level + 1 if 0 <= level < 9 else 0


def _style_map(document) -> dict[str, tuple[str, Optional[int]]]:  # type: ignore[no-untyped-def]
    out: dict[str, tuple[str, Optional[int]]] = {}
    try:
        for st in document.styles.element.iter(W + "style"):
            sid = st.get(W + "styleId") or ""
            name = _val(st, "name") or sid
            outline = _val(st.find(W + "pPr"), "outlineLvl")
            out[sid] = (name, _int(outline, -1) if outline is not None else None)
    except Exception:  # a document without a styles part: no heading levels from styles
        pass
    return out


def read(path: str, data: bytes) -> RawDocument:
    """Read a DOCX file's body: tables and the paragraphs around them, in order.

    >>> doc = read("tests/fixtures/loviisa_2021_sv.docx",
    ...            open("tests/fixtures/loviisa_2021_sv.docx", "rb").read())
    >>> table = next(b for b in doc.blocks if hasattr(b, "rows"))
    >>> doc.format, doc.blocks[0].level, table.header_rows, table.rows[1].source.ref
    ('docx', 1, 1, 't1 r2')
    """
    document = _open(path, data)
    styles = _style_map(document)
    body = document.element.body
    blocks: list[Block] = []
    n_par = n_tab = 0
    for el in _children(body):
        if el.tag == W + "p":
            n_par += 1
            text = clean_lines(paragraph_text(el))
            if text:
                blocks.append(TextBlock(text, Source(path, ref=f"p{n_par}"), _heading_level(el, styles)))
        elif el.tag == W + "tbl":
            n_tab += 1
            rows, marked = _table_rows(el)
            if not any(any(c for c in r) for r in rows):
                continue
            header = marked or (1 if rows and looks_like_header(rows[0], rows[1] if len(rows) > 1 else None) else 0)
            raw = tuple(RawRow(tuple(r), Source(path, ref=f"t{n_tab} r{k}")) for k, r in enumerate(rows, 1))
            blocks.append(RawTable(raw, Source(path, ref=f"t{n_tab}"), min(header, len(raw))))
    notes = () if any(isinstance(b, RawTable) for b in blocks) else ("no tables found in the DOCX file",)
    return RawDocument(path, "docx", "", tuple(blocks), notes)
