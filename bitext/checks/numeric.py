"""Number check: numbers, dates, times, percentages or amounts that differ."""

from __future__ import annotations

from typing import Iterator

from ..lexicon import numbers
from ..lexicon.numbers import read_numbers
from ..model import Finding, Kind, Severity
from .base import Context, finding, quote, register, row_text
from .cells import out_of_place
from .structure import splits

__all__ = ["check_numbers", "compare_numbers", "numbers"]

# What the check compares, said in every finding's evidence.
COMPARED = "multisets of the numbers read (dates as dates, super/subscripts as digits, thousands and decimals canonical); numbers written as words on the other side excused"


def _partial_date_of(part: str, full: str) -> bool:
    """``02-24`` (no year) or ``2023-02`` (no day) is the date ``2023-02-24`` written shorter."""
    return part != full and part.count("-") == 1 and full.count("-") == 2 and (full.endswith("-" + part) or full.startswith(part + "-"))


def compare_numbers(a: str, a_lang: str, b: str, b_lang: str) -> tuple[list[str], list[str]]:
    """The numbers of ``a`` missing from ``b`` and those of ``b`` missing from ``a``, as
    multisets (a number written twice on one side and once on the other is one extra),
    after excusing numbers the other side writes as words and dates written shorter.

    >>> compare_numbers("den 24 februari 2023, 1 000 m³", "sv", "24.2.2023, 1000 m3", "fi")
    ([], [])
    >>> compare_numbers("två (2) grupper", "sv", "kaksi ryhmää", "fi")
    ([], [])
    >>> compare_numbers("5 och 6", "sv", "5 ja 5", "fi")
    (['6'], ['5'])
    >>> compare_numbers("(art. 55.2) och 5.1, 5.5", "sv", "(art. 55(2)) ja 5 artiklan 1 ja 5 kohta", "fi")
    ([], [])
    >>> compare_numbers("art. 55.2", "sv", "art. 55", "fi"), compare_numbers("3,5 m", "sv", "4 ja 5 m", "fi")
    ((['55.2'], ['55']), (['3.5'], ['4', '5']))
    """
    ra, rb = read_numbers(a, a_lang), read_numbers(b, b_lang)
    only_a, only_b = ra.values - rb.values, rb.values - ra.values
    # Excused: a number the other side writes as a word; a date the other writes shorter.
    for extra, words in ((only_a, rb.words), (only_b, ra.words)):
        for w in words:
            extra.pop(w, None)
    for x in list(only_a):
        y = next((y for y in only_b if _partial_date_of(x, y) or _partial_date_of(y, x)), None)
        if y is not None:
            only_a[x] -= 1
            only_b[y] -= 1
            only_a, only_b = +only_a, +only_b
    # Excused: a provision number written with a point or comma on one side and as two
    # numbers on the other ("art. 55.2" = "55(2)" = "55 artiklan 2 kohta"; "83,103" = "83, 103").
    for extra, other, values in ((only_a, only_b, rb.values), (only_b, only_a, ra.values)):
        for x in sorted(extra.elements()):
            head, dot, tail = x.partition(".")
            if dot and other[head] > 0 and values[tail] > 0 and extra[x] > 0:
                extra[x] -= 1
                other[head] -= 1
                if other[tail] > 0:
                    other[tail] -= 1
    only_a, only_b = +only_a, +only_b
    return sorted(only_a.elements()), sorted(only_b.elements())


@register(Kind.NUMBER_MISMATCH, priority=40)
def check_numbers(ctx: Context) -> Iterator[Finding]:
    """``number_mismatch``: numbers, dates, times, percentages or amounts that differ
    (error). Read language-aware ("3,5" = "3.5", "1 000" = "1000", "24.2.2023" = "den 24
    februari 2023", "m³" = "m3"); a cell with numbers on one side only, or numbers written
    as words on the other, is not a mismatch."""
    la, lb = ctx.names
    a_lang, b_lang = ctx.langs
    for link in ctx.aligned:
        for c, a, b in ctx.cell_pairs(link):
            if not a.text or not b.text or a.inherited or out_of_place(ctx, link, c):
                continue
            ra, rb = read_numbers(a.text), read_numbers(b.text)
            if not ra or not rb or ra.values == rb.values:
                continue
            only_a, only_b = compare_numbers(a.text, a_lang, b.text, b_lang)
            if not only_a and not only_b:
                continue
            yield finding(
                Kind.NUMBER_MISMATCH,
                Severity.ERROR,
                link,
                c + 1,
                f"Column {c + 1}: the numbers differ — {la} {', '.join(only_a) or '(none extra)'} vs "
                f"{lb} {', '.join(only_b) or '(none extra)'} in {quote(a.text, 80)} / {quote(b.text, 80)}.",
                compared=COMPARED,
                **{f"{ctx.alignment.prefixes[0]}_numbers": sorted(ra.values.elements()), f"{ctx.alignment.prefixes[1]}_numbers": sorted(rb.values.elements())},
            )



@register(Kind.NUMBER_MISMATCH, priority=41)
def check_split_numbers(ctx: Context) -> Iterator[Finding]:
    """``number_mismatch`` on a split row: the numbers of the whole row against those of
    all its parts together (a row of one version written as several rows of the other), when
    the split is certain (:attr:`~bitext.checks.structure.Split.certain`): parts that may be
    another row's would compare numbers of two rows."""
    names = ctx.names
    langs = ctx.langs
    for s in splits(ctx):
        if not s.certain:
            continue
        other = 1 - s.side
        whole = row_text(s.whole)
        parts = " | ".join(row_text(p) for p in s.parts)
        a, b = (whole, parts) if s.side == 0 else (parts, whole)
        if not read_numbers(a) or not read_numbers(b):
            continue
        only_a, only_b = compare_numbers(a, langs[0], b, langs[1])
        if not only_a and not only_b:
            continue
        rows = s.rows
        yield finding(
            Kind.NUMBER_MISMATCH,
            Severity.ERROR,
            rows,
            None,
            f"The numbers differ between the {names[s.side]} row at {s.whole.source.label} and the {len(s.parts)} "
            f"{names[other]} rows it is split into ({', '.join(p.source.label for p in s.parts)}): "
            f"{names[0]} {', '.join(only_a) or '(none extra)'} vs {names[1]} {', '.join(only_b) or '(none extra)'}.",
            compared=COMPARED + "; the whole row against all its parts",
        )
