"""Omissions: words of one version with no counterpart in the other, by the learnt fi–sv word
lexicon (:mod:`bitext.lexicon.translations`), and the per-column lexical statistics the
meaning checks share.

Calibration, as for cosines: the lexicon is learnt from statutes, so how much of a cell it
covers depends on the column (a name, a meter, a paragraph of report). A cell is judged
against the coverage of *this column's* distinct aligned pairs (robust z-score). An
``omission`` is reported only for a dropped item: a cell with a list of at least
``omission_min_items`` items where one item has no translated word in the other cell, holds a
word whose own translation is sure (``omission_min_p``) and not a gap of the lexicon (left
uncovered in ``omission_gap_pairs`` distinct pairs of the column), and the cell's coverage is
low for the column (``omission_z``). A wholly different cell is ``cell_mismatch``'s business.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator, Optional

import numpy as np

from ..lexicon.translations import Cell, Coverage, Item, cell_words, confident, coverage_cells, items, load_lexicon
from ..model import Finding, Kind, Severity
from .base import Context, finding, quote, register

LEXICON_LANGS = {"fi", "sv"}


class Lexical:
    """Lexical coverage of the aligned cell pairs of a document, per column: each distinct
    pair's :class:`Coverage`, and the column's median and robust spread of the pair score and
    of each side's share."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.langs = ctx.langs
        p = ctx.params
        self.pairs: dict[int, dict[tuple[str, str], Coverage]] = {}
        self.stats: dict[int, dict[object, tuple[float, float]]] = {}
        for c in range(ctx.width):
            seen: dict[tuple[str, str], Coverage] = {}
            for link in ctx.aligned:
                a, b = ctx.pair(link, c)  # type: ignore[union-attr]
                if not a.text or not b.text or (a.inherited and b.inherited) or (a.text, b.text) in seen:
                    continue
                if not ctx.is_translation(a.text, b.text):
                    continue
                seen[(a.text, b.text)] = self.coverage(a.text, b.text)
            self.pairs[c] = seen
            col: dict[object, tuple[float, float]] = {}
            for key in ("score", 0, 1):
                vals = np.array([v for v in (self.value(cv, key) for cv in seen.values()) if v is not None])
                if len(vals) >= p.min_column_pairs:
                    med = float(np.median(vals))
                    col[key] = (med, max(float(np.median(np.abs(vals - med))) * p.mad_scale, p.coverage_min_spread))
            self.stats[c] = col

    def cells(self, a: str, b: str) -> tuple[Cell, Cell]:
        return cell_words(a, self.langs[0]), cell_words(b, self.langs[1])

    def coverage(self, a: str, b: str) -> Coverage:
        """Coverage of a left/right cell pair (the lexicon takes Swedish first)."""
        ca, cb = self.cells(a, b)
        return coverage_cells(ca, cb) if self.langs[0] == "sv" else coverage_cells(cb, ca)

    def value(self, cov: Coverage, key: object) -> Optional[float]:
        """The pair's score (``"score"``) or one side's share (0 left, 1 right)."""
        if key == "score":
            return cov.score
        return cov.sv if self.langs[key] == "sv" else cov.fi  # type: ignore[index]

    def uncovered(self, cov: Coverage, side: int) -> tuple:
        return cov.uncovered_sv if self.langs[side] == "sv" else cov.uncovered_fi

    def z(self, c: int, key: object, value: Optional[float]) -> Optional[float]:
        """Robust z-score of a value against the column (None without statistics)."""
        st = self.stats.get(c, {}).get(key)
        if st is None or value is None:
            return None
        return (value - st[0]) / st[1]


def lexical(ctx: Context) -> Optional[Lexical]:
    """The document's :class:`Lexical` statistics (computed once per check run), or None when
    the two versions are not Finnish and Swedish (the lexicon's languages)."""
    if set(ctx.langs) != LEXICON_LANGS:
        return None
    if "_lexical" not in ctx.__dict__:
        load_lexicon()
        ctx.__dict__["_lexical"] = Lexical(ctx)
    return ctx.__dict__["_lexical"]


def _item_table(lex: Lexical, c: int) -> dict[tuple[str, str], tuple[tuple[Item, ...], tuple[Item, ...]]]:
    out = {}
    for a, b in lex.pairs[c]:
        ca, cb = lex.cells(a, b)
        out[(a, b)] = (items(a, lex.langs[0], cb), items(b, lex.langs[1], ca))
    return out


def _described(w) -> str:  # type: ignore[no-untyped-def]
    return f"{w.text} (≈ {', '.join(w.translations[:2])})"


def _item(it: Item) -> str:
    """An omitted item as a translator reads it: the word with its likely translations, or
    the item quoted with them."""
    known = [w for w, _ in it.words if w.translations]
    if len(it.words) == 1 and it.words[0][0].text == it.text:
        return _described(it.words[0][0])
    return f"{quote(it.text, 60)} ({', '.join(_described(w) for w in known)})"


@register(Kind.OMISSION, priority=85)
def check_omission(ctx: Context) -> Iterator[Finding]:
    """``omission``: an item of a list in one version with no counterpart in the other (see
    the module docstring for the rule)."""
    lex = lexical(ctx)
    if lex is None:
        return
    p = ctx.params
    names = ctx.names
    for c in range(ctx.width):
        table = _item_table(lex, c)
        # Words left uncovered in many distinct pairs of the column: a gap of the lexicon (or
        # a systematic term difference, the terms check's business), not an omission.
        gaps = [Counter(), Counter()]
        for pair in table.values():
            for side in (0, 1):
                gaps[side].update({w.lemmas[0] for it in pair[side] for w, hit in it.words if not hit})
        for link in ctx.aligned:
            a, b = ctx.pair(link, c)  # type: ignore[union-attr]
            key = (a.text, b.text)
            if key not in table:
                continue
            cov = lex.pairs[c][key]
            for side in (0, 1):
                its = table[key][side]
                if len(its) < p.omission_min_items:
                    continue
                share = lex.value(cov, side)
                z = lex.z(c, side, share)
                if z is None or z >= p.omission_z:
                    continue
                dropped = [
                    it for it in its
                    if it.uncovered and any(confident(w, p.omission_min_p) and gaps[side][w.lemmas[0]] < p.omission_gap_pairs for w, _ in it.words)
                ]
                if not dropped:
                    continue
                in_items = {w.text for it in dropped for w, _ in it.words}
                sure = [w for it in dropped for w, _ in it.words if w.translations]
                also = [
                    u for u in lex.uncovered(cov, side)
                    if u.text not in in_items and any(w.text == u.text and confident(w, 0.5) for it in its for w, _ in it.words)
                ]
                other = names[1 - side]
                what = "; ".join(_item(it) for it in dropped)
                more = f" Also without a counterpart: {', '.join(str(u) for u in also)}." if also else ""
                med = lex.stats[c][side][0]
                yield finding(
                    Kind.OMISSION,
                    Severity.WARNING,
                    link,
                    c + 1,
                    f"Column {c + 1}: {what} has no counterpart in the {other} cell.{more}",
                    side=ctx.alignment.prefixes[side],
                    omitted=[it.text for it in dropped],
                    words={w.text: list(w.translations[:3]) for w in sure},
                    also_uncovered={u.text: list(u.likely) for u in also},
                    coverage=round(float(share), 4),  # type: ignore[arg-type]
                    column_coverage=round(med, 4),
                    z=round(float(z), 2),
                    basis="lexicon",
                )
