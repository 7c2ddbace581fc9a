"""What the checks share: the :class:`Context` they read, the registry they declare
themselves in, and small text helpers."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional

import numpy as np

from ..embed import Embed
from ..language import NAMES, detect_scores
from ..lexicon import WORD
from ..model import Alignment, Cell, Finding, Kind, Link, Row, Severity
from ..params import CheckParams

if TYPE_CHECKING:
    from ..alignment import Measurements
    from .columns import ColumnMap

EMPTY_CELL = Cell("", "")  # where one version's table has no such column


# --- the registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckSpec:
    """A check: the kinds of finding it can report and its priority. When two checks
    report the same cell (the same claim: see :data:`CLAIMS`), the finding of the check
    with the lower priority number is kept."""

    name: str
    kinds: tuple[Kind, ...]
    priority: int
    run: Callable[["Context"], Iterable[Finding]]


REGISTRY: dict[str, CheckSpec] = {}

# Kinds that make the same claim about a cell ("it does not say the same"): only one of
# them is reported per cell. Every other kind is its own claim.
# An omission is a more precise form of that claim (words with no counterpart).
CLAIMS: dict[Kind, str] = {Kind.CELL_MISMATCH: "content", Kind.INCONSISTENT_TRANSLATION: "content", Kind.OMISSION: "content"}


def claim(kind: Kind) -> str:
    return CLAIMS.get(Kind(kind), str(kind))


def register(*kinds: Kind, priority: int) -> Callable[[Callable[["Context"], Iterable[Finding]]], Callable[["Context"], Iterable[Finding]]]:
    """Declare a check function with its kinds and priority (lower runs first and wins)."""

    def deco(fn: Callable[["Context"], Iterable[Finding]]) -> Callable[["Context"], Iterable[Finding]]:
        if fn.__name__ in REGISTRY:  # pragma: no cover - a programming error
            raise ValueError(f"check {fn.__name__} registered twice")
        REGISTRY[fn.__name__] = CheckSpec(fn.__name__, tuple(kinds), priority, fn)
        return fn

    return deco


# --- text helpers -------------------------------------------------------------------------


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def quote(text: str, limit: int = 120) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"


def row_text(row: Row) -> str:
    return " | ".join(c.text for c in row.cells if c.text and not c.inherited)


def name_like(word: str) -> bool:
    return not word.islower()


def cell_pairs(link: Link) -> Iterator[tuple[int, Cell, Cell]]:
    """``(column, left cell, right cell)`` over the wider of the two rows: a column one
    version lacks is an empty cell there (tables of two versions may differ in width)."""
    assert link.left is not None and link.right is not None
    for c in range(max(len(link.left.cells), len(link.right.cells))):
        yield c, link.left.cell(c), link.right.cell(c)


def finding(kind: Kind, severity: Severity, link_or_rows, column: Optional[int], message: str, **evidence) -> Finding:  # type: ignore[no-untyped-def]
    left, right = (link_or_rows.left, link_or_rows.right) if isinstance(link_or_rows, Link) else link_or_rows
    return Finding(kind, severity, left, right, column, message, evidence)


# --- the context --------------------------------------------------------------------------


class Context:
    """What the checks share: the alignment, what it measured (frozen), the embedder for
    new texts (terms), the parameters, and per-column statistics computed once."""

    def __init__(self, alignment: Alignment, measurements: "Measurements", embed: Embed, params: CheckParams):
        self.alignment = alignment
        self.measured = measurements
        self.embed = embed
        self.params = params
        self._wrong: dict[tuple[str, int], bool] = {}

    @property
    def width(self) -> int:
        """The number of columns measured (the wider document's)."""
        return self.measured.width

    @property
    def langs(self) -> tuple[str, str]:
        return self.alignment.left.language, self.alignment.right.language

    @property
    def names(self) -> tuple[str, str]:
        """How messages name the two versions: by language, or first/second revision."""
        a, b = self.langs
        if a == b:
            return "first", "second"
        return NAMES.get(a, a), NAMES.get(b, b)

    @cached_property
    def matched(self) -> list[Link]:
        return [l for l in self.alignment.links if l.relation == "match" and l.left is not None and l.right is not None]

    @cached_property
    def aligned(self) -> list[Link]:
        """Matched links whose columns line up (no column shift, or a table layout that
        :attr:`column_maps` reads) and pair one row with one row: a row paired with several
        rows of the other version (a split row) is compared as a whole (see
        :attr:`split_groups`), not cell by cell with each part."""
        from .structure import splits  # structure builds on this module

        split = {(l.left.rowkey, l.right.rowkey) for group in self.split_groups for l in group}  # type: ignore[union-attr]
        # ... and the splits the structure check found (a 1↔1 pair grown by one-sided rows).
        for s in splits(self):
            split.update((s.whole.rowkey, p.rowkey) if s.side == 0 else (p.rowkey, s.whole.rowkey) for p in s.parts)
        from .lists import grid_lists

        grids = set(grid_lists(self))  # tables read as lists: their rows do not correspond
        return [
            l for l in self.matched
            if (l.shift == 0 or self.column_map(l) is not None) and (l.left.rowkey, l.right.rowkey) not in split  # type: ignore[union-attr]
            and (l.left.table, l.right.table) not in grids  # type: ignore[union-attr]
        ]

    @cached_property
    def column_maps(self) -> "dict[tuple[int, int], ColumnMap]":
        """Paired tables of different widths whose columns correspond otherwise than
        straight (see :mod:`bitext.checks.columns`)."""
        from .columns import column_maps

        return column_maps(self.alignment, self.measured, self.params)

    def column_map(self, link: Link) -> "Optional[ColumnMap]":
        assert link.left is not None and link.right is not None
        return self.column_maps.get((link.left.table, link.right.table)) if self.column_maps else None

    def columns_of(self, link: Link, column: int) -> tuple[Optional[int], Optional[int]]:
        """The (left, right) columns compared at the left table's ``column``: the same
        column, or by the table's column correspondence, where a column one version lacks
        stands in for its empty neighbour (one version writes a sub-label in a column of its
        own, the other in the label's column); None where a side has no such column."""
        assert link.left is not None and link.right is not None
        cmap = self.column_map(link)
        if cmap is None:
            return column, column
        r = cmap.right_column(column)
        if r is None:
            return None, None
        lc = column
        if not link.left.cell(lc).text:
            lc = next((k for k in (column + 1, column - 1) if k in cmap.left_only and link.left.cell(k).text), lc)
        if not link.right.cell(r).text:
            r = next((k for k in (r + 1, r - 1) if k in cmap.right_only and link.right.cell(k).text), r)
        return lc, r

    def pair(self, link: Link, column: int) -> tuple[Cell, Cell]:
        """The (left, right) cells compared at the left table's ``column`` (see
        :meth:`columns_of`; an empty cell where a side has no such column)."""
        assert link.left is not None and link.right is not None
        lc, rc = self.columns_of(link, column)
        return (link.left.cell(lc) if lc is not None else EMPTY_CELL), (link.right.cell(rc) if rc is not None else EMPTY_CELL)

    def cell_pairs(self, link: Link) -> Iterator[tuple[int, Cell, Cell]]:
        """:func:`cell_pairs` through the table's column correspondence: columns without a
        counterpart are left out (the layout is reported once, as structure)."""
        cmap = self.column_map(link)
        if cmap is None:
            yield from cell_pairs(link)
            return
        for c, r in enumerate(cmap.columns):
            if r is not None:
                yield (c, *self.pair(link, c))

    def cos(self, link: Link, c: int) -> Optional[float]:
        assert link.left is not None and link.right is not None
        lc, rc = self.columns_of(link, c)
        return None if lc is None or rc is None else self.measured.cell_cosine(link.left, link.right, lc, rc)

    @cached_property
    def split_groups(self) -> list[list[Link]]:
        """Matched links that share a row: one row of one version paired with several rows
        of the other (the alignment's 1↔n links), in reading order."""
        by_row: dict[tuple[int, object], list[Link]] = defaultdict(list)
        for l in self.matched:
            assert l.left is not None and l.right is not None
            by_row[(0, l.left.rowkey)].append(l)
            by_row[(1, l.right.rowkey)].append(l)
        return [links for links in by_row.values() if len(links) > 1]

    @cached_property
    def memo(self) -> dict:
        """Results checks share within one run (computed once, by the first check asking)."""
        return {}

    @cached_property
    def column_stats(self) -> dict[int, tuple[float, float]]:
        """Per column: (median, robust spread) of the cosine of distinct aligned cell pairs."""
        p = self.params
        out = {}
        for c in range(self.width):
            seen: dict[tuple[str, str], float] = {}
            for l in self.aligned:
                v = self.cos(l, c)
                if v is not None:
                    a, b = self.pair(l, c)
                    seen[(a.text, b.text)] = v
            vals = np.array(list(seen.values()))
            if len(vals) >= p.min_column_pairs:
                med = float(np.median(vals))
                out[c] = (med, max(float(np.median(np.abs(vals - med))) * p.mad_scale, p.min_spread))
        return out

    @cached_property
    def vectors(self) -> dict[str, dict[int, dict[str, np.ndarray]]]:
        """side -> column -> {text: vector} for the aligned rows' cells."""
        out: dict[str, dict[int, dict[str, np.ndarray]]] = {"left": defaultdict(dict), "right": defaultdict(dict)}
        m = self.measured
        for l in self.aligned:
            assert l.left is not None and l.right is not None
            for c in range(self.width):
                lc, rc = self.columns_of(l, c)
                v = None if lc is None else m.left.vector(l.left, lc)
                if v is not None:
                    out["left"][c][l.left.cell(lc).text] = v  # type: ignore[arg-type]
                v = None if rc is None else m.right.vector(l.right, rc)
                if v is not None:
                    out["right"][c][l.right.cell(rc).text] = v  # type: ignore[arg-type]
        return out

    @cached_property
    def detect_pair(self) -> tuple[str, ...]:
        """The languages language detection chooses between: the two versions'."""
        a, b = self.langs
        return tuple(sorted({a, b} & set(NAMES))) or (a, b)

    def is_translation(self, a: str, b: str) -> bool:
        """Whether an aligned cell pair is a translation at all: not copied unchanged and
        neither side in the other's language (the language checks report those)."""
        return not (fold(a) == fold(b) or self.in_wrong_language(a, 0) or self.in_wrong_language(b, 1))

    def in_wrong_language(self, text: str, side: int) -> bool:
        """Whether a cell of this side is written in the other side's language."""
        key = (text, side)
        if key not in self._wrong:
            p = self.params
            a, b = self.langs
            own, other = (a, b) if side == 0 else (b, a)
            words = [w for w in WORD.findall(text) if not name_like(w)]
            # Cheap test first (language detection costs ~1 ms a cell): a cell whose words
            # mostly occur elsewhere in its own version is in that version's language.
            own_vocab = self.vocabulary[side]
            familiar = sum(1 for w in words if own_vocab[w] >= p.familiar_cells)
            self._wrong[key] = (
                own != other
                and len(words) >= p.wrong_language_min_words
                and familiar * 2 < len(words)
                and detect_scores(text, self.detect_pair).get(other, 0.0) >= p.wrong_language_probability
            )
        return self._wrong[key]

    @cached_property
    def vocabulary(self) -> tuple[Counter, Counter]:
        """For each version: in how many distinct cells each lower-case word occurs."""

        def count(rows: Iterable[Row]) -> Counter:
            cells = {c.text for r in rows for c in r.cells if c.text and not c.inherited}
            counter: Counter = Counter()
            for text in cells:
                counter.update({w for w in WORD.findall(text) if w.islower()})
            return counter

        return count(self.alignment.left.rows), count(self.alignment.right.rows)
