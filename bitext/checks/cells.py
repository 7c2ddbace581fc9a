"""Cell checks: a cell empty on one side only, a cell cut off."""

from __future__ import annotations

from typing import Iterator

from ..lexicon import FUNCTION_WORDS, ends_sentence
from ..model import Finding, Kind, Severity
from .base import Context, finding, quote, register


def _blank(text: str) -> bool:
    """Empty, or only dashes and dots (``–``, ``- - -``, ``...``): tables write "nothing
    here" either way, so an empty cell against a dash is not a finding."""
    return not text.strip(" -‐‑‒–—―−.…\u00a0")


@register(Kind.EMPTY_CELL, priority=30)
def check_empty_cells(ctx: Context) -> Iterator[Finding]:
    """``empty_cell``: a cell empty on one side only, after the merged-first-cell rule (warning).
    A column one version's table lacks is empty there."""
    la, lb = ctx.names
    for link in ctx.aligned:
        for c, a, b in ctx.cell_pairs(link):
            if _blank(a.text) == _blank(b.text):
                continue
            empty, full, text = (la, lb, b.text) if not a.text else (lb, la, a.text)
            yield finding(
                Kind.EMPTY_CELL,
                Severity.WARNING,
                link,
                c + 1,
                f"Column {c + 1} is empty in the {empty} version; the {full} version has {quote(text)}.",
                empty_side=ctx.alignment.prefixes[0] if not a.text else ctx.alignment.prefixes[1],
            )


@register(Kind.TRUNCATED, priority=60)
def check_truncated(ctx: Context) -> Iterator[Finding]:
    """``truncated``: a cell cut off — ending in a hyphen, or on a function word where the
    other version's cell ends a sentence — and not completed by a continuation (warning)."""
    names = ctx.names
    for link in ctx.aligned:
        for c, a, b in ctx.cell_pairs(link):
            for side, (cell, other) in enumerate(((a, b), (b, a))):
                text = cell.text
                if not text or cell.inherited:
                    continue
                last = text.rsplit(" ", 1)[-1].lower()
                hyphen = len(text) > 2 and text.endswith("-") and text[-2].isalpha()
                mid = last in FUNCTION_WORDS and not ends_sentence(text) and ends_sentence(other.text)
                if hyphen or mid:
                    yield finding(
                        Kind.TRUNCATED,
                        Severity.WARNING,
                        link,
                        c + 1,
                        f"Column {c + 1} of the {names[side]} version looks cut off: it ends {quote(text[-40:])}.",
                        side=ctx.alignment.prefixes[side],
                        reason="ends in a hyphen" if hyphen else "ends on a function word",
                    )
