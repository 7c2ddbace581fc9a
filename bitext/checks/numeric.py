"""Number check: numbers, dates, times, percentages or amounts that differ."""

from __future__ import annotations

from typing import Iterator

from ..lexicon import numbers
from ..model import Finding, Kind, Severity
from .base import Context, cell_pairs, finding, quote, register

__all__ = ["check_numbers", "numbers"]


@register(Kind.NUMBER_MISMATCH, priority=40)
def check_numbers(ctx: Context) -> Iterator[Finding]:
    """``number_mismatch``: numbers, dates, times, percentages or amounts that differ
    (error). Read language-aware ("3,5" = "3.5", "1 000" = "1000", "klockan 15" = "klo 15");
    a number on one side only, or written as a word on the other, is not a mismatch."""
    la, lb = ctx.names
    a_lang, b_lang = ctx.langs
    for link in ctx.aligned:
        for c, a, b in cell_pairs(link):
            if not a.text or not b.text or a.inherited:
                continue
            da, wa = numbers(a.text, a_lang)
            db, wb = numbers(b.text, b_lang)
            if not da or not db or da == db:
                continue
            only_a = sorted(da - db - wb)
            only_b = sorted(db - da - wa)
            if not only_a and not only_b:
                continue
            yield finding(
                Kind.NUMBER_MISMATCH,
                Severity.ERROR,
                link,
                c + 1,
                f"Column {c + 1}: the numbers differ — {la} {', '.join(only_a) or '(none extra)'} vs "
                f"{lb} {', '.join(only_b) or '(none extra)'} in {quote(a.text, 80)} / {quote(b.text, 80)}.",
                **{f"{ctx.alignment.prefixes[0]}_numbers": sorted(da), f"{ctx.alignment.prefixes[1]}_numbers": sorted(db)},
            )
