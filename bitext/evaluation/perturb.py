"""Perturbations: realistic broken variants of one side of a bilingual pair, with the truth.

From a pair whose rows correspond one to one by place (the seed pair: every row pairs with
the row at the same (part, table, index)), :func:`make` edits the text lines of one side as
an editor or a PDF conversion would, and says what a correct aligner and checker should
report:

``expected_links``
    every row of both perturbed files as ``(sv_line, fi_line)``, ``None`` for a one-sided
    row (line numbers: the first physical line of the logical row in the perturbed file);
``expected_findings``
    the findings the perturbation *adds* as ``(kind, sv_line, fi_line, column)``, column
    1-based or ``None`` for a row-level finding. The unperturbed pair has findings of its own;
    map them with :meth:`Perturbation.map_line` to compare.

The edits work on the physical lines (the normalised :class:`~bitext.model.Document` says
which lines each logical row has), so line numbers are exact. Everything is seeded and
deterministic.

>>> p = make("number_changed", "data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt", seed=0)
>>> p.kind, len(p.expected_links), p.expected_findings[0][0]
('number_changed', 67, 'number_mismatch')
>>> make("number_changed", "data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt", seed=0) == p
True
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

from ..lexicon import FINAL_PUNCTUATION
from ..model import Document, Row

KINDS = (
    "row_deleted",
    "row_duplicated",
    "number_changed",
    "report_swapped",
    "untranslated",
    "cell_emptied",
    "row_shifted",
    "page_break",
    "tables_reordered",
)

LinkPair = tuple[Optional[int], Optional[int]]
ExpectedFinding = tuple[str, Optional[int], Optional[int], Optional[int]]

_NUMBER = re.compile(r"(?<![\w.,-])(\d+)((?:[.,]\d+)?)(?![\w-])")
_FINAL = FINAL_PUNCTUATION + ("-",)  # no line break is made after these
REPORT_COLUMN = 6  # "Delårsrapport" / "Osavuosiraportti": the interim report


@dataclass(frozen=True)
class Perturbation:
    """A perturbed pair and what should be found on it."""

    kind: str
    side: str  # "sv" or "fi": the side that was edited
    seed: int
    sv_text: str
    fi_text: str
    expected_links: frozenset[LinkPair]
    expected_findings: tuple[ExpectedFinding, ...]
    description: str
    # old line -> new line of the edited side (lines not in it were removed); the other
    # side is unchanged.
    line_map: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    # Lines of the edited side that hold identical rows (a duplicate and its original):
    # an aligner may pick either, so link sets are compared up to swapping them.
    interchangeable: tuple[tuple[int, int], ...] = ()

    def map_line(self, side: str, line: Optional[int]) -> Optional[int]:
        """Where a line of the original ``side`` file is in the perturbed file (None if
        the line was deleted)."""
        if line is None or side != self.side:
            return line
        return self.line_map.get(line)

    def canonical(self, links: "set[LinkPair] | frozenset[LinkPair]") -> frozenset[LinkPair]:
        """``links`` with interchangeable rows renamed so a duplicate's copy and original
        count the same whichever one an aligner matched."""
        if not self.interchangeable:
            return frozenset(links)
        k = 0 if self.side == "sv" else 1
        matched = {l[k] for l in links if l[0] is not None and l[1] is not None}
        out = set()
        for link in links:
            new = list(link)
            for a, b in self.interchangeable:
                # Name the matched one of the two "a", the one-sided one "b".
                if b in matched and a not in matched:
                    if new[k] == b:
                        new[k] = a
                    elif new[k] == a:
                        new[k] = b
            out.add((new[0], new[1]))
        return frozenset(out)

    def write(self, directory: Union[str, Path]) -> tuple[Path, Path]:
        """Write the pair as ``{kind}_sv.txt`` and ``{kind}_fi.txt`` in ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        sv, fi = d / f"{self.kind}_sv.txt", d / f"{self.kind}_fi.txt"
        sv.write_text(self.sv_text, encoding="utf-8")
        fi.write_text(self.fi_text, encoding="utf-8")
        return sv, fi


# --- lines and cells -------------------------------------------------------------------------


def split_cells(line: str, fmt: str) -> list[str]:
    """The cells of a physical table line, stripped.

    >>> split_cells("| a | b |  |", "markdown"), split_cells("\\tb\\tc", "tsv")
    (['a', 'b', ''], ['', 'b', 'c'])
    """
    if fmt == "markdown":
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") else body
        return [c.strip() for c in body.split("|")]
    return [c.strip() for c in line.split("\t")]


def join_cells(cells: list[str], fmt: str) -> str:
    """A physical line from cells, in the format's own style.

    >>> join_cells(["a", "", "c"], "markdown"), join_cells(["", "b"], "tsv")
    ('| a | | c |', '\\tb')
    """
    if fmt == "markdown":
        return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"
    return "\t".join(cells)


class _Lines:
    """The lines of one file, each remembering its original number (None: inserted)."""

    def __init__(self, text: str):
        self.items: list[tuple[Optional[int], str]] = [(k, line) for k, line in enumerate(text.split("\n"), 1)]

    def index(self, old: int) -> int:
        return next(i for i, (o, _) in enumerate(self.items) if o == old)

    def get(self, old: int) -> str:
        return self.items[self.index(old)][1]

    def set(self, old: int, text: str) -> None:
        i = self.index(old)
        self.items[i] = (old, text)

    def insert_after(self, old: int, texts: list[str]) -> None:
        i = self.index(old)
        self.items[i + 1 : i + 1] = [(None, t) for t in texts]

    def delete(self, old: int) -> None:
        del self.items[self.index(old)]

    def text(self) -> str:
        return "\n".join(t for _, t in self.items)

    def mapping(self) -> dict[int, int]:
        return {o: k for k, (o, _) in enumerate(self.items, 1) if o is not None}

    def new_line_of_inserted(self, after_old: int, offset: int = 1) -> int:
        return self.index(after_old) + 1 + offset


# --- choosing what to edit -------------------------------------------------------------------


def _pairs(sv: Document, fi: Document) -> list[tuple[Row, Row]]:
    """The seed's truth: rows at the same (part, table, index) pair up."""
    right = {(r.part, r.table, r.index): r for r in fi.rows}
    out = []
    for r in sv.rows:
        other = right.get((r.part, r.table, r.index))
        if other is not None:
            out.append((r, other))
    if len(out) != len(sv.rows) or len(out) != len(fi.rows):
        raise ValueError("perturbations need a pair whose rows correspond by place (same parts, tables and rows)")
    return out


def _single(row: Row) -> bool:
    return len(row.source.lines) == 1


def _next_inherits(doc: Document, row: Row) -> bool:
    """Whether the next row of the table takes its first cell from this one."""
    rows = doc.tables[row.table].rows
    return row.index + 1 < len(rows) and rows[row.index + 1].cells[0].inherited


def _cells(row: Row) -> list[str]:
    return [c.raw for c in row.cells]


# --- the perturbations -----------------------------------------------------------------------


@dataclass
class _Work:
    """What a perturbation function gets and fills in."""

    rng: random.Random
    side: str
    docs: dict[str, Document]
    fmt: dict[str, str]
    lines: dict[str, _Lines]
    pairs: list[tuple[Row, Row]]
    findings: list[ExpectedFinding] = field(default_factory=list)
    removed: set[int] = field(default_factory=set)  # original first lines of deleted rows (edited side)
    added: list[int] = field(default_factory=list)  # new first lines of added one-sided rows (edited side)
    interchangeable: list[tuple[int, int]] = field(default_factory=list)  # (new original line, new copy line)
    description: str = ""

    @property
    def other(self) -> str:
        return "fi" if self.side == "sv" else "sv"

    def mine(self, pair: tuple[Row, Row]) -> Row:
        return pair[0] if self.side == "sv" else pair[1]

    def theirs(self, pair: tuple[Row, Row]) -> Row:
        return pair[1] if self.side == "sv" else pair[0]

    def choose(self, candidates: list, what: str):  # type: ignore[no-untyped-def]
        if not candidates:
            raise ValueError(f"no place in this pair for {what}")
        return candidates[self.rng.randrange(len(candidates))]

    def finding(self, kind: str, pair: tuple[Row, Row], column: Optional[int]) -> None:
        """Record a finding on a pair, by original lines (mapped at the end)."""
        self.findings.append((kind, pair[0].source.line, pair[1].source.line, column))


def _row_deleted(w: _Work) -> None:
    doc = w.docs[w.side]
    cands = [p for p in w.pairs if _single(w.mine(p)) and not _next_inherits(doc, w.mine(p)) and len(doc.tables[w.mine(p).table].rows) > 1]
    p = w.choose(cands, "a row deletion")
    row = w.mine(p)
    w.lines[w.side].delete(row.source.line)  # type: ignore[arg-type]
    w.removed.add(row.source.line)  # type: ignore[arg-type]
    kept = w.theirs(p)
    f = ("missing_row", kept.source.line, None, None) if w.other == "sv" else ("missing_row", None, kept.source.line, None)
    w.findings.append(f)
    w.description = f"{w.side} row on line {row.source.line} deleted"


def _row_duplicated(w: _Work) -> None:
    p = w.choose([p for p in w.pairs if _single(w.mine(p))], "a duplicated row")
    row = w.mine(p)
    line = row.source.line
    assert line is not None
    w.lines[w.side].insert_after(line, [w.lines[w.side].get(line)])
    w.added.append(-line)  # marker: resolved to the copy's new line at the end
    w.description = f"{w.side} row on line {line} duplicated on the next line"


def _number_changed(w: _Work) -> None:
    cands = []
    for p in w.pairs:
        mine, theirs = w.mine(p), w.theirs(p)
        if not _single(mine):
            continue
        for c in range(1, len(mine.cells)):  # not the first cell: later rows may inherit it
            raw = mine.cells[c].raw
            if c >= len(theirs.cells):
                continue
            other_nums = {m.group(0).replace(",", ".") for m in _NUMBER.finditer(theirs.cells[c].text)}
            for m in _NUMBER.finditer(raw):
                if m.group(0).replace(",", ".") in other_nums:
                    cands.append((p, c, m.start(), m.end()))
    p, c, start, end = w.choose(cands, "a number change")
    row = w.mine(p)
    cells = split_cells(w.lines[w.side].get(row.source.line), w.fmt[w.side])  # type: ignore[arg-type]
    m = _NUMBER.match(row.cells[c].raw, start)
    assert m is not None
    old = m.group(0)
    new = str(int(m.group(1)) + w.rng.choice((1, 2, 3))) + m.group(2)
    cells[c] = row.cells[c].raw[:start] + new + row.cells[c].raw[end:]
    w.lines[w.side].set(row.source.line, join_cells(cells, w.fmt[w.side]))  # type: ignore[arg-type]
    w.finding("number_mismatch", p, c + 1)
    w.description = f"{w.side} line {row.source.line} column {c + 1}: {old} → {new}"


def _report_swapped(w: _Work) -> None:
    c = REPORT_COLUMN - 1

    def ok(p: tuple[Row, Row]) -> bool:
        a, b = p
        return _single(w.mine(p)) and all(len(r.cells) > c and r.cells[c].text for r in (a, b))

    cands = [p for p in w.pairs if ok(p)]
    options = [
        (p, q)
        for i, p in enumerate(cands)
        for q in cands[i + 1 :]
        if w.mine(p).part == w.mine(q).part and w.mine(p).cells[c].text != w.mine(q).cells[c].text
    ]
    p, q = w.choose(options, "a swap of report cells")
    a, b = w.mine(p), w.mine(q)
    ca = split_cells(w.lines[w.side].get(a.source.line), w.fmt[w.side])  # type: ignore[arg-type]
    cb = split_cells(w.lines[w.side].get(b.source.line), w.fmt[w.side])  # type: ignore[arg-type]
    ca[c], cb[c] = cb[c], ca[c]
    w.lines[w.side].set(a.source.line, join_cells(ca, w.fmt[w.side]))  # type: ignore[arg-type]
    w.lines[w.side].set(b.source.line, join_cells(cb, w.fmt[w.side]))  # type: ignore[arg-type]
    w.finding("cell_mismatch", p, REPORT_COLUMN)
    w.finding("cell_mismatch", q, REPORT_COLUMN)
    w.description = f"{w.side} report cells (column {REPORT_COLUMN}) of lines {a.source.line} and {b.source.line} swapped"


def _filled_cells(w: _Work, differ: bool = False) -> list[tuple[tuple[Row, Row], int]]:
    """(pair, column) where the cell is filled on both sides (and, with ``differ``, the two
    texts differ), on single-line rows of the edited side; the first column excluded."""
    return [
        (p, c)
        for p in w.pairs
        if _single(w.mine(p))
        for c in range(1, min(len(p[0].cells), len(p[1].cells)))
        if w.mine(p).cells[c].text and w.theirs(p).cells[c].text
        and not (differ and w.mine(p).cells[c].text == w.theirs(p).cells[c].text)
    ]


def _set_cell(w: _Work, row: Row, c: int, text: str) -> None:
    cells = split_cells(w.lines[w.side].get(row.source.line), w.fmt[w.side])  # type: ignore[arg-type]
    cells[c] = text
    w.lines[w.side].set(row.source.line, join_cells(cells, w.fmt[w.side]))  # type: ignore[arg-type]


def _untranslated(w: _Work) -> None:
    p, c = w.choose(_filled_cells(w, differ=True), "an untranslated cell")
    row = w.mine(p)
    # The other version's cell, as it reads once continuations are joined.
    _set_cell(w, row, c, w.theirs(p).cells[c].text.replace("|", "/").replace("\t", " "))
    w.finding("untranslated", p, c + 1)
    w.description = f"{w.side} line {row.source.line} column {c + 1}: the {w.other} text pasted in"


def _cell_emptied(w: _Work) -> None:
    p, c = w.choose(_filled_cells(w), "an emptied cell")
    row = w.mine(p)
    _set_cell(w, row, c, "")
    w.finding("empty_cell", p, c + 1)
    w.description = f"{w.side} line {row.source.line} column {c + 1} emptied"


def _already_shifted(row: Row) -> bool:
    """A row whose content already sits a column off, as the seed's Finnish line 23 (a cell
    repeated in the next column): shifting it again would put it back, not break it."""
    texts = [c.text for c in row.cells[1:]]
    return any(a and a == b for a, b in zip(texts, texts[1:]))


def _row_shifted(w: _Work) -> None:
    doc = w.docs[w.side]
    # As in the seed (sv line 39): a row whose merged first cell is empty slips one column
    # left, its last cell left empty. Only where the next row does not inherit the first cell.
    cands = [
        p
        for p in w.pairs
        if _single(w.mine(p))
        and w.mine(p).cells[0].inherited
        and not _next_inherits(doc, w.mine(p))
        and all(c.text for c in w.mine(p).cells[1:])
        and all(c.text for c in w.theirs(p).cells[1:])
        and not _already_shifted(w.mine(p))
    ]
    p = w.choose(cands, "a shifted row")
    row = w.mine(p)
    cells = split_cells(w.lines[w.side].get(row.source.line), w.fmt[w.side])  # type: ignore[arg-type]
    width = len(row.cells)
    cells = (cells + [""] * width)[:width]
    cells = cells[1:] + [""]
    w.lines[w.side].set(row.source.line, join_cells(cells, w.fmt[w.side]))  # type: ignore[arg-type]
    w.finding("column_shift", p, None)
    w.description = f"{w.side} line {row.source.line} shifted one column left"


def _split_point(text: str, rng: random.Random) -> Optional[int]:
    """A word boundary after which the rest starts in lower case and the head is unfinished."""
    words = text.split(" ")
    cands = [
        k
        for k in range(2, len(words) - 1)
        if words[k][:1].isalpha() and words[k][:1].islower() and not words[k - 1].endswith(_FINAL) and words[k].lower() not in ("ja", "och")
    ]
    if not cands:
        return None
    return len(" ".join(words[: cands[rng.randrange(len(cands))]]))


def _page_break(w: _Work) -> None:
    fmt = w.fmt[w.side]
    cands = []
    for p in w.pairs:
        row = w.mine(p)
        if not _single(row):
            continue
        cols = [c for c in range(1, len(row.cells)) if not row.cells[c].inherited and _split_point(row.cells[c].raw, random.Random(0)) is not None]
        if len(cols) >= 2:
            cands.append((p, cols))
    p, cols = w.choose(cands, "a page break")
    row = w.mine(p)
    chosen = sorted(w.rng.sample(cols, 2))
    line = row.source.line
    assert line is not None
    head = split_cells(w.lines[w.side].get(line), fmt)
    head = (head + [""] * len(row.cells))[: len(row.cells)]
    tail = [""] * len(row.cells)
    for c in chosen:
        at = _split_point(row.cells[c].raw, w.rng)
        assert at is not None
        head[c], tail[c] = row.cells[c].raw[:at], row.cells[c].raw[at + 1 :]
    if fmt == "markdown":
        # The seed's style: a blank line, an empty header row and its separator, the fragments.
        new = ["", join_cells([""] * len(row.cells), fmt), "|" + "|".join("--" for _ in row.cells) + "|", join_cells(tail, fmt)]
    else:
        # The Finnish seed's style: a blank line, then the fragments, the empty cells before
        # them as leading TABs.
        new = ["", join_cells(tail, fmt)]
    w.lines[w.side].set(line, join_cells(head, fmt))
    w.lines[w.side].insert_after(line, new)
    w.description = f"{w.side} line {line} split by a page break (columns {', '.join(str(c + 1) for c in chosen)} continue)"


def _table_block(doc: Document, lines: _Lines, t: int) -> tuple[int, int]:
    """The original lines of table ``t`` with its heading: (heading line, last row line)."""
    table = doc.tables[t]
    first = table.source.lines[0]
    k = first - 1
    while k >= 1 and not lines.get(k).strip():
        k -= 1
    last = max(l for r in table.rows for l in r.source.lines)
    return k, last


def _tables_reordered(w: _Work) -> None:
    doc = w.docs[w.side]
    cands = [
        t
        for t in range(len(doc.tables) - 1)
        if doc.tables[t].part == doc.tables[t + 1].part and doc.tables[t].heading and doc.tables[t + 1].heading
    ]
    t = w.choose(cands, "a table swap")
    lines = w.lines[w.side]
    s1, e1 = _table_block(doc, lines, t)
    s2, e2 = _table_block(doc, lines, t + 1)
    i1, j1, i2, j2 = lines.index(s1), lines.index(e1), lines.index(s2), lines.index(e2)
    items = lines.items
    lines.items = items[:i1] + items[i2 : j2 + 1] + items[j1 + 1 : i2] + items[i1 : j1 + 1] + items[j2 + 1 :]
    moved = next(p for p in w.pairs if w.mine(p).table == t + 1 and w.mine(p).index == 0)
    w.finding("section_order", moved, None)
    w.description = f"{w.side} tables {t} and {t + 1} (lines {s1}-{e1} and {s2}-{e2}) swapped"


_EDITS: dict[str, Callable[[_Work], None]] = {
    "row_deleted": _row_deleted,
    "row_duplicated": _row_duplicated,
    "number_changed": _number_changed,
    "report_swapped": _report_swapped,
    "untranslated": _untranslated,
    "cell_emptied": _cell_emptied,
    "row_shifted": _row_shifted,
    "page_break": _page_break,
    "tables_reordered": _tables_reordered,
}


def make(
    kind: str,
    sv_path: Union[str, Path],
    fi_path: Union[str, Path],
    seed: int = 0,
    side: str = "fi",
) -> Perturbation:
    """One perturbation of ``kind`` (see :data:`KINDS`) of the ``side`` file of a pair.

    The pair must correspond row by row (as the seed pair does); ``sv_path`` is a
    Markdown-table or TSV file, as is ``fi_path``.
    """
    from ..api import read

    if kind not in _EDITS:
        raise ValueError(f"unknown perturbation {kind!r}; one of {', '.join(KINDS)}")
    if side not in ("sv", "fi"):
        raise ValueError("side must be 'sv' or 'fi'")
    docs = {"sv": read(sv_path), "fi": read(fi_path)}
    texts = {"sv": Path(sv_path).read_text(encoding="utf-8"), "fi": Path(fi_path).read_text(encoding="utf-8")}
    work = _Work(
        rng=random.Random(f"{kind}:{side}:{seed}"),  # str seeds hash stably (sha512)
        side=side,
        docs=docs,
        fmt={s: docs[s].format for s in docs},
        lines={s: _Lines(texts[s]) for s in texts},
        pairs=_pairs(docs["sv"], docs["fi"]),
    )
    _EDITS[kind](work)
    m = work.lines[side].mapping()

    def mapped(s: str, line: Optional[int]) -> Optional[int]:
        return m.get(line) if (s == side and line is not None) else line

    links: set[LinkPair] = set()
    for a, b in work.pairs:
        la, lb = a.source.line, b.source.line
        if (la if side == "sv" else lb) in work.removed:
            links.add((la, None) if side == "fi" else (None, lb))
        else:
            links.add((mapped("sv", la), mapped("fi", lb)))
    interchangeable: list[tuple[int, int]] = []
    for marker in work.added:
        original = m[-marker]
        copy = original + 1
        links.add((copy, None) if side == "sv" else (None, copy))
        interchangeable.append((original, copy))
    findings = tuple((k, mapped("sv", a), mapped("fi", b), c) for k, a, b, c in work.findings)
    for original, copy in interchangeable:  # already in new line numbers
        findings += (("duplicate_row", copy, None, None) if side == "sv" else ("duplicate_row", None, copy, None),)
    new = work.lines[side].text()
    return Perturbation(
        kind=kind,
        side=side,
        seed=seed,
        sv_text=new if side == "sv" else texts["sv"],
        fi_text=new if side == "fi" else texts["fi"],
        expected_links=frozenset(links),
        expected_findings=findings,
        description=work.description,
        line_map=m,
        interchangeable=tuple(interchangeable),
    )


def seed_links(sv: Document, fi: Document) -> frozenset[LinkPair]:
    """The truth on an unperturbed pair that corresponds by place."""
    return frozenset((a.source.line, b.source.line) for a, b in _pairs(sv, fi))
