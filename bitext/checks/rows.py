"""Row checks: a row in one version only, a row repeated, a row whose content sits a column off."""

from __future__ import annotations

from collections import Counter, defaultdict
from difflib import SequenceMatcher
from typing import Iterator

from ..model import Finding, Kind, Link, Row, RowKey, Severity
from .base import Context, finding, fold, quote, register, row_text
from .lists import in_grid_list
from .structure import explained, splits

Side = int  # 0 left, 1 right


def _row_signature(row: Row) -> tuple[str, ...]:
    """A row's words, with the heading it sits under: a cell inherited from a spanning
    cell above counts, so the same label under two headings ("Skulder till kreditinstitut
    | Övriga", "Skulder till allmänheten | Övriga") is two rows, not one repeated; a
    copy under the same heading stays a copy."""
    return tuple(fold(c.text) for c in row.cells)


def _loose_signature(row: Row) -> tuple[str, ...]:
    """A row's words without digits: a footnote mark or a figure written into one copy
    ("nettoala, m²2" once, "nettoala, m²" elsewhere) does not make it another row."""
    return tuple("".join(ch for ch in fold(c.text) if not ch.isdigit()) for c in row.cells)


def _paired_alike(rows: list[Row], side: Side, partner: dict[tuple[Side, RowKey], Row], alike: float) -> bool:
    """Whether every copy is paired, each with its own row of the other version, and those
    rows read alike but for digits and a slip of a few characters: the other version
    repeats the row as often, one copy marked with a footnote or mistyped. A copy added in
    one version finds no partner of its own."""
    theirs = [partner.get((side, r.rowkey)) for r in rows]
    if any(t is None for t in theirs):
        return False
    if len({t.rowkey for t in theirs if t is not None}) != len(rows):
        return False
    texts = [" | ".join(_loose_signature(t)) for t in theirs if t is not None]
    # alike: the same but for a few characters (a slip in one copy is the cell checks' to report)
    return all(SequenceMatcher(None, texts[0], t, autojunk=False).ratio() >= alike for t in texts[1:])


def duplicate_rows(ctx: Context) -> dict[tuple[Side, RowKey], list[Row]]:
    """Rows that repeat another row of the same table word for word, where the other
    version does not repeat it as often: (side, row key) → its twins.

    A row repeated in both versions (the same fee under several headings, "Förnyande |
    44" five times and "Uudistaminen | 44" five times) is the document's structure, not a
    duplicate: a group of copies is left out when the rows paired with its copies occur,
    word for word, at least as often in their table of the other version. A row of a split
    (a row of one version written as several rows of the other, a list written as rows) is
    no duplicate: a list repeats items ("Poikkeus päättyy:" under each exemption) where the
    other version repeats them in its one cell."""
    out: dict[tuple[Side, RowKey], list[Row]] = {}
    in_split = {(s.side, s.whole.rowkey) for s in splits(ctx)} | {(1 - s.side, p.rowkey) for s in splits(ctx) for p in s.parts}
    docs = (ctx.alignment.left, ctx.alignment.right)
    partner: dict[tuple[Side, RowKey], Row] = {}
    for l in ctx.matched:
        assert l.left is not None and l.right is not None
        partner[(0, l.left.rowkey)] = l.right
        partner[(1, l.right.rowkey)] = l.left
    # Copies counted in their table: a row may repeat across tables (a goal under two headings).
    counts = [Counter((r.table, _row_signature(r)) for r in doc.rows) for doc in docs]
    for side, doc in enumerate(docs):
        for table in doc.tables:
            groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
            for row in table.rows:
                sig = _row_signature(row)
                if any(c.text for c in row.cells if not c.inherited) and (side, row.rowkey) not in in_split:
                    groups[sig].append(row)
            for rows in groups.values():
                if len(rows) < 2:
                    continue
                theirs = Counter((partner[(side, r.rowkey)].table, _row_signature(partner[(side, r.rowkey)])) for r in rows if (side, r.rowkey) in partner)
                if theirs and counts[1 - side][theirs.most_common(1)[0][0]] >= len(rows) or _paired_alike(rows, side, partner, ctx.params.duplicate_alike):
                    ctx.memo.setdefault("repeated", set()).update((side, r.rowkey) for r in rows)
                    continue  # repeated as often in the other version
                for row in rows:
                    out[(side, row.rowkey)] = [r for r in rows if r.rowkey != row.rowkey]
    return out


@register(Kind.MISSING_ROW, Kind.DUPLICATE_ROW, priority=10)
def check_missing_and_duplicate_rows(ctx: Context) -> Iterator[Finding]:
    """``missing_row``: a row in one version only (error). ``duplicate_row``: the same row
    twice in one table of one version (warning), reported on the copy left without a
    counterpart (whichever of the two the aligner paired), or on the later copy when both
    are paired; a one-sided duplicate is reported only as that. A row repeated as often in
    both versions is no duplicate (see :func:`duplicate_rows`); a one-sided row that is part
    of a split row or a note moved to a paragraph is reported as ``structure``."""
    la, lb = ctx.names
    dups = duplicate_rows(ctx)
    # Not missing: parts of a split row, notes moved to a paragraph (reported as structure),
    # and copies of a row the other version repeats as often (the aligner paired other copies).
    quiet = explained(ctx) | ctx.memo.get("repeated", set())
    paired = {(side, r.rowkey) for l in ctx.matched for side, r in enumerate((l.left, l.right)) if r is not None}
    for link in ctx.alignment.links:
        for side, (row, name, other) in enumerate(((link.left, la, lb), (link.right, lb, la))):
            if row is None or in_grid_list(ctx, side, row):  # a list's names are compared as a list
                continue
            one_sided = link.relation == ("left_only", "right_only")[side]
            twins = dups.get((side, row.rowkey), [])
            later_copy = bool(twins) and all((side, t.rowkey) in paired for t in twins) and any(t.index < row.index for t in twins)
            rows = (row, None) if side == 0 else (None, row)
            if twins and (one_sided or later_copy):
                twin = next((t for t in twins if (side, t.rowkey) in paired), twins[0])
                yield finding(
                    Kind.DUPLICATE_ROW,
                    Severity.WARNING,
                    rows,
                    None,
                    f"This {name} row repeats the row at {twin.source.label} word for word: {quote(row_text(row))}.",
                    first_copy=twin.source.label,
                    relation=ctx.alignment.relation_name(link),
                )
            elif one_sided and (side, row.rowkey) not in quiet:
                yield finding(
                    Kind.MISSING_ROW,
                    Severity.ERROR,
                    rows,
                    None,
                    f"This {name} row has no counterpart in the {other} version: {quote(row_text(row))}.",
                    relation=ctx.alignment.relation_name(link),
                )


def _blank_shift(ctx: Context, link: Link) -> bool:
    """Whether a link's column shift is a blank cell written under a spanning cell, which
    pushes the row's content out past its table's columns: the row sitting left has no
    content of its own in the ``k`` columns it is ahead by, the row sitting right none in
    ``k + 1``, and its last cell is in a column the other version's table leaves blank in
    every row. (A row whose content moved within the table's columns is a shift.)"""
    assert link.left is not None and link.right is not None
    k = abs(link.shift)
    side = 1 if link.shift > 0 else 0  # the side of the row sitting right
    behind, ahead = (link.left, link.right) if side == 0 else (link.right, link.left)

    def blank(row: Row, n: int) -> bool:
        return all(not row.cell(c).text or row.cell(c).inherited for c in range(n))

    if not (blank(ahead, k) and blank(behind, k + 1)):
        return False
    last = max((c for c, cell in enumerate(behind.cells) if cell.text and not cell.inherited), default=-1)
    theirs = (ctx.alignment.left, ctx.alignment.right)[1 - side].tables[ahead.table]
    return last >= 0 and not any(r.cell(last).text for r in theirs.rows)


@register(Kind.COLUMN_SHIFT, priority=20)
def check_column_shift(ctx: Context) -> Iterator[Finding]:
    """``column_shift``: the content of a row sits one or more columns off on one side;
    reported once for the row, not as a mismatch per column (error). Not a blank cell
    written under a spanning cell that pushes a row past its table's columns (see
    :func:`_blank_shift`): the version's rows around read right, the one row overflows."""
    la, lb = ctx.names
    for link in ctx.matched:
        if link.shift and ctx.column_map(link) is None and not _blank_shift(ctx, link) and not in_grid_list(ctx, 0, link.left):  # type: ignore[arg-type]  # a table's layout is reported once, as structure
            assert link.left is not None and link.right is not None
            direction = "right" if link.shift > 0 else "left"
            there = min(max(1 + link.shift, 0), max(len(link.right.cells) - 1, 0))
            yield finding(
                Kind.COLUMN_SHIFT,
                Severity.ERROR,
                link,
                None,
                f"The {lb} row's content sits {abs(link.shift)} column(s) to the {direction} of the {la} row's "
                f"(e.g. {la} column 2 {quote(link.left.cell(1).text, 60)} ↔ {lb} column {2 + link.shift} "
                f"{quote(link.right.cell(there).text, 60)}).",
                shift=link.shift,
                score=link.score,
                content=link.content,
            )
