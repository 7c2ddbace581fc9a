"""XML documents with CALS tables (the OASIS table model of Finlex, DocBook, DITA, publishers).

A CALS table is ``table/tgroup/(colspec|spanspec)*/(thead|tbody|tfoot)/row/entry``. Elements
are matched by their local name, so the namespace (Finlex's ``tau:``, DocBook 5's, none) does
not matter.

Tables:

- spans: ``namest``/``nameend`` (any case, e.g. Finlex's ``NAMEST``), ``spanname`` (via
  ``spanspec``) and ``colname`` place an entry; Finlex sometimes puts these attributes on the
  entry's first paragraph, so that is looked at too. A spanning entry keeps its text in its
  first column, the others stay empty; ``morerows``: text in the first row, the cells below
  stay empty (the normaliser's merged-cell rule applies), as in the HTML/DOCX readers; a row
  that nevertheless writes an entry for every column, empty where the cell above covers it,
  is laid out one entry per column (not pushed past the table's right edge);
- every ``tgroup`` of a table continues the same table, except that a later ``tgroup`` with
  its own ``thead`` starts a new block (its header row repeats); rows are padded to the
  table's width (the widest of ``cols``, the ``colspec`` count and the widest row: Finlex's
  ``cols`` is sometimes too small);
- ``thead`` rows are the header rows; no header is guessed for tables without ``thead``;
- all-empty rows are kept as rows (the normaliser skips them), so ``r5`` is the fifth row
  of the XML table;
- a table's ``title`` becomes a paragraph right before the table.

Text: whitespace runs become one space; paragraphs (``p``, ``para``, Finlex's
``KappaleKooste``, ...) and line breaks inside a cell are joined with one space; inline
elements (emphasis, ``sup``/``sub``) add nothing, so source quirks (words run together) stay.
Superscripts and subscripts made only of digits, signs and parentheses are written with the
Unicode super/subscript characters (``m<sup>2</sup>`` -> ``m²``, ``CO<sub>2</sub>`` -> ``CO₂``)
so a footnote marker stays distinct from the number it follows (``9 euro²`` is 9 euro with
note 2, not 92); NFKC folding turns them back into plain digits where a check wants ``m² = m2``.
Other super/subscripts keep their plain text. Editorial corrections
(``<oikaisu><uusi>new</uusi><vanha>old</vanha></oikaisu>``) keep the corrected text only.

Text outside tables becomes paragraphs (:class:`~bitext.model.TextBlock`) in document order;
headings where the markup says so (``title``, Finlex's ``...Otsikko...``/``...Nimeke...``
elements: level 1 for the document title, 2 otherwise). Known metadata containers (Finlex's
``IdentifiointiOsa``, DocBook's ``info``, DITA's ``prolog``) are skipped; the document title
in Finlex metadata is kept as the level-1 heading.

Provenance: ``Source(path, ref="t2 r5 (line 123)")``: 1-based table and row in the XML (thead
rows counted) and the XML line of the ``row`` element. ``Source.lines`` stays empty on
purpose: the normaliser reads a gap between the line numbers of two rows as a page break
(a blank line), and every XML row spans several lines. Paragraphs: ``"p12 (line 40)"``.

Hostile input: the parser resolves no entities, loads no DTD, reaches no network and keeps
libxml2's limits on depth and text size (no ``huge_tree``); a broken file or an XML file
without CALS tables is a one-line :class:`~bitext.errors.InputError`.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from ..errors import DependencyError, InputError
from ..model import Block, RawDocument, RawRow, RawTable, Source, TextBlock
from ._grid import MAX_COLUMNS, MAX_SPAN

_SNIFF_XML = re.compile(r"^\s*<(?:\?xml|!--|!DOCTYPE|[A-Za-z_])")
_SNIFF_TGROUP = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?tgroup[\s>/]")

BREAKS = {"br", "Rivivaihto", "sbr", "linebreak"}  # empty line-break elements -> one space
# paragraph-like elements inside a cell or block: separated by one space
BLOCKS = {"KappaleKooste", "pl", "p", "para", "simpara", "formalpara", "li", "listitem", "note",
          "entry", "title", "dt", "dd", "line", "lines"}
_SUP = {"sup", "superscript", "YlaindeksiTeksti"}
_SUB = {"sub", "subscript", "AlaindeksiTeksti"}
_SUP_MAP = str.maketrans("0123456789+-−=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾")
_SUB_MAP = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
_SCRIPTABLE = re.compile(r"^[0-9+\-−=()]+$")
_METADATA = {"IdentifiointiOsa", "info", "bookinfo", "articleinfo", "prolog", "metadata"}
_DOC_TITLE = {"NimekeTeksti"}
_HEADING = re.compile(r"(?i)^(title|heading|.*otsikko.*|.*nimeke.*)$")
_SECTIONS = ("thead", "tbody", "tfoot")


def local(tag: object) -> str:
    """The local name of an element tag (``{ns}name`` -> ``name``); '' for comments etc.

    >>> local("{http://www.vn.fi/skeemat/taulukkokooste/2010/04/27}entry"), local("row")
    ('entry', 'row')
    """
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def looks_like(text: str) -> bool:
    """Whether a text is an XML document with at least one CALS table (a ``tgroup``).

    >>> looks_like('<?xml version="1.0"?><doc><table><tgroup cols="1"/></table></doc>')
    True
    >>> looks_like("<html><table><tr><td>a</td></tr></table></html>")
    False
    """
    head = text.lstrip("\ufeff")[:4096]
    return bool(_SNIFF_XML.match(head)) and bool(_SNIFF_TGROUP.search(text))


def _norm(s: str) -> str:
    return " ".join(s.split())


def _script(el, out: list[str], table: "dict[int, int]") -> None:  # type: ignore[no-untyped-def]
    inner: list[str] = []
    _collect_children(el, inner)
    raw = "".join(inner)
    text = _norm(raw)
    text = text.translate(table) if _SCRIPTABLE.match(text) else text
    # keep the whitespace around the script ("1) 44" must not become "1)44")
    out.append((" " if raw[:1].isspace() else "") + text + (" " if raw[-1:].isspace() and text else ""))


def _collect_children(el, out: list[str]) -> None:  # type: ignore[no-untyped-def]
    out.append(el.text or "")
    for k in el:
        _collect(k, out)


def _collect(el, out: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Append the text of ``el`` and its tail to ``out``."""
    name = local(el.tag)
    if not name:  # an unresolved entity reference, comment or processing instruction
        out.append(el.tail or "")
        return
    if name == "oikaisu":  # editorial correction: the corrected text only
        for k in el:
            if local(k.tag) == "uusi":
                _collect_children(k, out)
    elif name in BREAKS:
        out.append(" ")
    elif name in _SUP:
        _script(el, out, _SUP_MAP)
    elif name in _SUB:
        _script(el, out, _SUB_MAP)
    else:
        block = name in BLOCKS
        if block:
            out.append(" ")
        _collect_children(el, out)
        if block:
            out.append(" ")
    out.append(el.tail or "")


def text_of(el) -> str:  # type: ignore[no-untyped-def]
    """All text of ``el`` (its tail excluded), whitespace-normalised.

    >>> from lxml import etree
    >>> text_of(etree.fromstring("<entry><p>9 euro<sup>2</sup></p><p>m<sup>a</sup> CO<sub>2</sub></p></entry>"))
    '9 euro² ma CO₂'
    """
    out: list[str] = []
    _collect_children(el, out)
    return _norm("".join(out))


def _attr(e, name: str) -> Optional[str]:  # type: ignore[no-untyped-def]
    """An entry's attribute in any case; else its first child's (Finlex puts NAMEST/NAMEEND on
    the paragraph inside the entry)."""
    for el in [e] + [k for k in e if isinstance(k.tag, str)][:1]:
        for k, v in el.attrib.items():
            if local(k).lower() == name:
                return str(v)
    return None


# A cell that is a number, an amount or a code of digits ("2", "0,4", "5³", "1 700 €", "12.3.2021").
_NUMBERLIKE = re.compile(r"^[\s\d.,:;/%€$£+\-–—−()\u00b2\u00b3\u00b9\u2070-\u2079]*\d[\s\d.,:;/%€$£+\-–—−()\u00b2\u00b3\u00b9\u2070-\u2079]*$")


def _placed(entries: list, attributes: tuple[str, ...]) -> bool:  # type: ignore[type-arg]
    """Whether one of ``entries`` carries one of ``attributes`` (a placement or a span)."""
    return any(_attr(e, a) is not None for e in entries for a in attributes)


def _int(value: Optional[str], default: int = 0) -> int:
    m = re.search(r"\d+", value or "")
    return min(int(m.group()), 10**6) if m else default


def _children(el, name: str) -> Iterator:  # type: ignore[no-untyped-def]
    return (k for k in el if local(k.tag) == name)


class _Group:
    """One tgroup laid out on a grid: ``[(section, xml line, {col: text})]``."""

    def __init__(self, tg) -> None:  # type: ignore[no-untyped-def]
        self.names: dict[str, int] = {}
        colspecs = list(_children(tg, "colspec"))
        self.colspecs = len(colspecs)
        for cs in colspecs:
            nm, num = _attr_plain(cs, "colname"), _attr_plain(cs, "colnum")
            n = _int(num, len(self.names) + 1) if num else len(self.names) + 1
            if nm is not None:
                self.names[nm] = n
        self.spans: dict[str, tuple[str, str]] = {}
        for ss in _children(tg, "spanspec"):
            nm, st, en = (_attr_plain(ss, a) for a in ("spanname", "namest", "nameend"))
            if nm is not None and st is not None:
                self.spans[nm] = (st, en or st)
        self.declared = min(_int(_attr_plain(tg, "cols")), MAX_COLUMNS)
        self.rows: list[tuple[str, int, dict[int, str]]] = []
        self.short: set[int] = set()  # rows laid out by entry order alone, with fewer entries than columns
        pending: dict[int, int] = {}  # 0-based column -> rows still covered by morerows above
        sections = {s: [k for k in tg if local(k.tag) == s] for s in _SECTIONS}
        for sname in _SECTIONS:  # rendering order: thead, tbody, tfoot
            for sect in sections[sname]:
                for r in _children(sect, "row"):
                    if sname == "tbody" and not pending and self._short(r):
                        self.short.add(len(self.rows))
                    self.rows.append((sname, r.sourceline or 0, self._row(r, pending)))
                    for k in list(pending):
                        pending[k] -= 1
                        if pending[k] <= 0:
                            del pending[k]

    def _col(self, v: Optional[str], default: int) -> int:
        if v is None:
            return default
        if v in self.names:
            return self.names[v] - 1
        return _int(v, default + 1) - 1

    def _short(self, r) -> bool:  # type: ignore[no-untyped-def]
        """A row of fewer entries than the table's columns, at least two, all filled and
        none placed by an attribute (a lone entry is a heading across the row; an empty
        entry written on purpose places the others)."""
        entries = [e for e in r if local(e.tag) in ("entry", "entrytbl")]
        width = max(self.declared, self.colspecs)
        return 2 <= len(entries) < width and all(text_of(e) for e in entries) and not _placed(entries, ("namest", "nameend", "spanname", "colname", "morerows"))

    def realign_short_rows(self, width: int) -> None:
        """Short rows (see :meth:`_short`) whose entries read as the table's last columns:
        CALS fills a row from the left, but a producer that leaves out the entries under a
        cell spanning rows above (without ``morerows``) means the right ones ("Paikallinen
        yhteiskanava | 1" under a radio-equipment group whose other rows have the group in
        column 1, the channel in column 2, the fee in column 3). Decided by what the
        columns hold: a row moves right when more of its entries then fall in columns of
        their kind (numbers or words, by the table's full rows) than read from the left."""
        full = [cells for k, (sname, _, cells) in enumerate(self.rows) if sname == "tbody" and k not in self.short]
        kinds: dict[int, bool] = {}
        for c in range(width):
            filled = [cells[c] for cells in full if cells.get(c)]
            if len(filled) >= 2:
                share = sum(1 for t in filled if _NUMBERLIKE.match(t)) / len(filled)
                if share >= 0.8 or share <= 0.2:
                    kinds[c] = share >= 0.8

        def agreement(cells: dict[int, str], offset: int) -> int:
            return sum(
                (1 if kinds[c + offset] == bool(_NUMBERLIKE.match(t)) else -1)
                for c, t in cells.items()
                if t and c + offset in kinds
            )

        for k in sorted(self.short):
            sname, line, cells = self.rows[k]
            offset = width - (max(cells) + 1) if cells else 0
            if offset > 0 and agreement(cells, offset) > agreement(cells, 0):
                self.rows[k] = (sname, line, {c + offset: t for c, t in cells.items()})

    def _spells_out_covered(self, entries: list, pending: dict[int, int]) -> bool:  # type: ignore[type-arg]
        """A row that writes an entry for every column, an empty one where a ``morerows``
        cell above covers it (Finlex does this): its entries are laid out one per column."""
        width = max(self.declared, self.colspecs)
        if not pending or len(entries) != width:
            return False
        if _placed(entries, ("namest", "spanname", "colname")):
            return False
        return all(not text_of(entries[k]) for k in pending if k < width)

    def _row(self, r, pending: dict[int, int]) -> dict[int, str]:  # type: ignore[no-untyped-def]
        cells: dict[int, str] = {}
        c = 0
        entries = [e for e in r if local(e.tag) in ("entry", "entrytbl")]
        # Where this row writes the covered cells itself, the cover above does not push it right.
        cover = {} if self._spells_out_covered(entries, pending) else pending
        for e in entries:
            while cover.get(c, 0) > 0 or c in cells:
                c += 1
            st, en = _attr(e, "namest"), _attr(e, "nameend")
            span = _attr(e, "spanname")
            if st is None and span in self.spans:
                st, en = self.spans[span]
            cn = _attr(e, "colname")
            if st is not None:
                a = self._col(st, c)
                b = max(a, self._col(en, a))
            elif cn is not None:
                a = b = self._col(cn, c)
            else:
                a = b = c
            if a in cells or cover.get(a, 0) > 0 or a < 0:
                # a span onto a filled column (malformed: several entries with namest="1"):
                # keep the text in the next free column
                a = c
                while a in cells or cover.get(a, 0) > 0:
                    a += 1
                b = a
            b = min(b, a + MAX_SPAN - 1)
            if a >= MAX_COLUMNS:
                break
            b = min(b, MAX_COLUMNS - 1)
            cells[a] = text_of(e)
            for k in range(a + 1, b + 1):
                cells.setdefault(k, "")
            more = min(_int(_attr(e, "morerows")), MAX_SPAN)
            if more:
                for k in range(a, b + 1):
                    pending[k] = more + 1
            c = b + 1
        return cells

    @property
    def width(self) -> int:
        widest = max((max(cells) + 1 for _, _, cells in self.rows if cells), default=0)
        return min(max(self.declared, self.colspecs, widest), MAX_COLUMNS)


def _attr_plain(el, name: str) -> Optional[str]:  # type: ignore[no-untyped-def]
    for k, v in el.attrib.items():
        if local(k).lower() == name:
            return str(v)
    return None


def _tables(table, path: str, number: int) -> list[RawTable]:  # type: ignore[no-untyped-def]
    """The blocks of one CALS table (several where a later tgroup has its own thead)."""
    groups = [_Group(tg) for tg in table if local(tg.tag) == "tgroup"]
    width = max([g.width for g in groups] + [0])
    out: list[RawTable] = []
    current: list[RawRow] = []
    header = 0
    k = 0
    start_line = table.sourceline or 0

    def flush() -> None:
        if current and any(any(c for c in r.cells) for r in current):
            out.append(RawTable(tuple(current), Source(path, ref=_ref(f"t{number}", start_line)), header))

    for g in groups:
        if not g.rows:
            continue
        g.realign_short_rows(width)
        if current and g.rows[0][0] == "thead":
            flush()
            current, header = [], 0
        counting = not current
        for sname, line, cells in g.rows:
            k += 1
            if not current:
                start_line = line
            row = tuple(cells.get(c, "") for c in range(width))
            current.append(RawRow(row, Source(path, ref=_ref(f"t{number} r{k}", line))))
            if counting and sname == "thead":
                header += 1
            else:
                counting = False
    flush()
    return out


def _ref(ref: str, line: int) -> str:
    return f"{ref} (line {line})" if line else ref


def _parse_xml(path: str, text: str):  # type: ignore[no-untyped-def]
    try:
        from lxml import etree
    except ImportError:  # pragma: no cover - a runtime dependency
        raise DependencyError("reading CALS XML needs lxml: pip install lxml") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True, encoding="utf-8")
    try:
        return etree.fromstring(text.lstrip("\ufeff").encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        msg = _norm(str(getattr(exc, "msg", "") or exc))
        raise InputError(path, f"is not well-formed XML ({msg[:200]})") from None
    except (ValueError, etree.LxmlError) as exc:  # lxml rejects some inputs before parsing
        raise InputError(path, f"is not readable XML ({_norm(str(exc))[:200]})") from None


def parse(path: str, text: str, encoding: str = "utf-8") -> RawDocument:
    """Parse an XML document with CALS tables into blocks.

    >>> xml = ('<doc><title>Avgifter</title><p>Tabell 1</p><table><title>Avgifter 2024</title>'
    ...        '<tgroup cols="2"><thead><row><entry>Prestation</entry><entry>euro</entry></row></thead>'
    ...        '<tbody><row><entry NAMEST="1" NAMEEND="2">A. Tillstånd</entry></row>'
    ...        '<row><entry morerows="1">a) ny</entry><entry>1 350</entry></row>'
    ...        '<row><entry>250</entry></row></tbody></tgroup></table></doc>')
    >>> doc = parse("x.xml", xml)
    >>> [type(b).__name__ for b in doc.blocks]
    ['TextBlock', 'TextBlock', 'TextBlock', 'RawTable']
    >>> t = doc.blocks[3]
    >>> t.header_rows, [r.cells for r in t.rows][1:], t.rows[3].source.ref
    (1, [('A. Tillstånd', ''), ('a) ny', '1 350'), ('', '250')], 't1 r4 (line 1)')
    """
    root = _parse_xml(path, text)
    blocks: list[Block] = []
    counters = {"t": 0, "p": 0}
    found = {"tgroup": False}

    def add_text(value: str, line: int, level: int = 0) -> None:
        value = _norm(value)
        if value:
            counters["p"] += 1
            blocks.append(TextBlock(value, Source(path, ref=_ref(f"p{counters['p']}", line)), level))

    def heading_level(el) -> int:  # type: ignore[no-untyped-def]
        name = local(el.tag)
        if name in _DOC_TITLE:
            return 1
        return 2 if _HEADING.match(name) else 0

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        name = local(el.tag)
        if not name:
            return
        if name in _METADATA:
            for t in el.iter():
                if local(t.tag) in _DOC_TITLE:
                    add_text(text_of(t), t.sourceline or 0, 1)
                    break
            return
        if name == "table" and any(local(k.tag) == "tgroup" for k in el):
            found["tgroup"] = True
            counters["t"] += 1
            for k in el:
                if local(k.tag) in ("title", "caption"):
                    add_text(text_of(k), k.sourceline or 0)
            blocks.extend(_tables(el, path, counters["t"]))
            return
        kids = [k for k in el if local(k.tag)]
        has_table = any(local(t.tag) == "tgroup" for t in el.iter())
        mixed = bool(_norm(el.text or "")) or any(_norm(k.tail or "") for k in el) \
            or any(local(k.tag) in BREAKS for k in kids)
        if mixed and has_table:
            # text around a table inside one element: the text before/after become paragraphs
            buf = [el.text or ""]
            line = el.sourceline or 0
            for k in el:
                if local(k.tag) and any(local(t.tag) == "tgroup" for t in k.iter()):
                    add_text("".join(buf), line)
                    walk(k)
                    buf, line = [k.tail or ""], k.sourceline or 0
                else:
                    _collect(k, buf)
            add_text("".join(buf), line)
            return
        if mixed or not kids:
            add_text(text_of(el), el.sourceline or 0, heading_level(el))
            return
        for k in kids:
            walk(k)

    try:
        walk(root)
    except RecursionError:
        raise InputError(path, "the XML is nested too deeply to read") from None
    if not found["tgroup"]:
        raise InputError(path, "is XML but has no CALS table (table/tgroup/row/entry)")
    notes = () if any(isinstance(b, RawTable) for b in blocks) else ("the CALS tables have no text",)
    return RawDocument(path, "cals", encoding, tuple(blocks), notes)
