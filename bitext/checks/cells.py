"""Cell checks: a cell empty on one side only, a cell cut off."""

from __future__ import annotations

from typing import Iterator, Optional

from ..lexicon import FUNCTION_WORDS, ends_sentence
from ..model import Finding, Kind, Link, Severity
from .base import Context, finding, quote, register


def _blank(text: str) -> bool:
    """Empty, or only dashes and dots (``–``, ``- - -``, ``...``): tables write "nothing
    here" either way, so an empty cell against a dash is not a finding."""
    return not text.strip(" -‐‑‒–—―−.…\u00a0")


def relaid(ctx: Context, link: Link) -> Optional[dict[int, int]]:
    """Where a paired row's cells sit in other columns of the other version's row: the
    k-th filled cell of one row against the k-th of the other (left column → right column),
    when both rows have as many filled cells, some in other columns, and each such pair
    writes the same numbers. None for a row laid out alike, or with a cell more or fewer.

    Official tables place a spanning header or a text cell under other grid columns in the
    two versions ("Februari" in column 5 of the Swedish header row, "Helmikuu" in column 3 of
    the Finnish): the content is all there, in other columns; an emptied cell leaves its row
    a filled cell short and stays an ``empty_cell``."""
    if ctx.column_map(link) is not None:  # the table's column correspondence reads its columns
        return None
    key = ("relaid", link.left.rowkey, link.right.rowkey)  # type: ignore[union-attr]
    if key not in ctx.memo:
        ctx.memo[key] = _relaid(ctx, link)
    return ctx.memo[key]


def _relaid(ctx: Context, link: Link) -> Optional[dict[int, int]]:
    from .numeric import compare_numbers  # numeric imports this module's neighbours

    assert link.left is not None and link.right is not None
    left = [c for c, cell in enumerate(link.left.cells) if not _blank(cell.text)]
    right = [c for c, cell in enumerate(link.right.cells) if not _blank(cell.text)]
    if len(left) != len(right) or left == right:
        return None
    (la, lb), pairs = ctx.langs, dict(zip(left, right))
    for ca, cb in pairs.items():
        if ca != cb and compare_numbers(link.left.cells[ca].text, la, link.right.cells[cb].text, lb) != ([], []):
            return None
    return pairs


def out_of_place(ctx: Context, link: Link, c: int) -> bool:
    """Whether column ``c`` of a paired row compares cells that sit in other columns of the
    other version's row (see :func:`relaid`): the straight comparison there means nothing."""
    pairs = relaid(ctx, link)
    if pairs is None:
        return False
    inverse = {cb: ca for ca, cb in pairs.items()}
    return pairs.get(c, c) != c or inverse.get(c, c) != c


# A cell ending in one of these is continued in the next cell ("1 700 €/" | "verksamt ämne").
_JOINERS = "/-‐"


def continued(ctx: Context, link: Link, c: int) -> Optional[int]:
    """The column whose cell the text in column ``c`` continues, where it is filled on one
    side only: on that side the cell before it ends in a joiner (``1 700 €/`` | ``verksamt
    ämne``) and the other side writes the whole in that one cell (``1 700 €/ tehoaine``),
    with the same numbers. None otherwise."""
    from .numeric import compare_numbers

    assert link.left is not None and link.right is not None
    a, b = link.left.cell(c), link.right.cell(c)
    if c == 0 or _blank(a.text) == _blank(b.text) or ctx.column_map(link) is not None:
        return None
    rows = (link.left, link.right) if _blank(b.text) else (link.right, link.left)
    langs = ctx.langs if _blank(b.text) else ctx.langs[::-1]
    head, whole = rows[0].cell(c - 1).text, rows[1].cell(c - 1).text
    if _blank(head) or not head.rstrip().endswith(tuple(_JOINERS)) or _blank(whole):
        return None
    joined = f"{head} {rows[0].cell(c).text}"
    return c - 1 if compare_numbers(joined, langs[0], whole, langs[1]) == ([], []) else None


@register(Kind.EMPTY_CELL, priority=30)
def check_empty_cells(ctx: Context) -> Iterator[Finding]:
    """``empty_cell``: a cell empty on one side only, after the merged-first-cell rule (warning).
    A column one version's table lacks is empty there. Where the other version's row has the
    text in another column (:func:`relaid`), the finding is an info saying where."""
    la, lb = ctx.names
    prefixes = ctx.alignment.prefixes
    for link in ctx.aligned:
        pairs = relaid(ctx, link)
        for c, a, b in ctx.cell_pairs(link):
            if _blank(a.text) == _blank(b.text):
                continue
            left_empty = _blank(a.text)
            empty, full, text = (la, lb, b.text) if left_empty else (lb, la, a.text)
            evidence: dict = {"empty_side": prefixes[0] if left_empty else prefixes[1]}
            severity, said = Severity.WARNING, ""
            if pairs is not None:
                there = next(ca for ca, cb in pairs.items() if cb == c) if left_empty else pairs[c]
                severity, said = Severity.INFO, f"; the {empty} row has its counterpart in column {there + 1} (the two rows lay their cells out in other columns)"
                evidence["other_column"] = there + 1
            elif (before := continued(ctx, link, c)) is not None:
                severity, said = Severity.INFO, f"; it continues column {before + 1}, which the {empty} version writes as one cell"
                evidence["continues_column"] = before + 1
            yield finding(
                Kind.EMPTY_CELL,
                severity,
                link,
                c + 1,
                f"Column {c + 1} is empty in the {empty} version; the {full} version has {quote(text)}{said}.",
                **evidence,
            )


def _continues_below(ctx: Context, link: Link, side: int, c: int) -> bool:
    """Whether the cell in column ``c`` of this side's row is a word hyphenated across rows:
    the next row of its table starts that column with a lower-case letter ("jako-" /
    "järjestelmä")."""
    row = link.left if side == 0 else link.right
    assert row is not None
    key = ("rows", side)
    if key not in ctx.memo:
        doc = ctx.alignment.left if side == 0 else ctx.alignment.right
        ctx.memo[key] = {r.rowkey: r for r in doc.rows}
    below = ctx.memo[key].get(type(row.rowkey)(row.rowkey.table, row.rowkey.index + 1))
    return below is not None and below.cell(c).text[:1].islower()


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
                words = text.rsplit(" ", 2)
                last = words[-1]
                hyphen = len(text) > 2 and text.endswith("-") and text[-2].isalpha() and not _continues_below(ctx, link, side, c)
                # Function words are written in lower case ("liitteeseen I" ends on a numeral);
                # a list item ends on its conjunction ("…kalastustuotteita; ja"); a sentence
                # the other version ends with a colon introduces what follows ("avses med" /
                # "tarkoitetaan:").
                mid = (
                    last in FUNCTION_WORDS
                    and not ends_sentence(text)
                    and ends_sentence(other.text)
                    and not other.text.rstrip().endswith(":")
                    and not (len(words) > 1 and words[-2].endswith((";", ",")))
                )
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
