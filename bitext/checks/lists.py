"""Tables that are lists of names laid out in a grid (municipalities of a region, courts,
species): each version sorts the names by its own language and fills the grid in its own
order, so the rows of the two versions do not correspond, however faithful the
translation. Such a table pair is compared as two lists: the names are paired one to one
(the same name, a name written alike, or one the encoder reads alike: Helsinki ↔
Helsingfors), and a name left over on the longer list is an ``omission``. The grid itself
is reported once, as ``structure``, instead of a ``missing_row`` for every row that the
two sort orders put in different places.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from ..model import Finding, Kind, Row, Severity, Table
from .base import Context, finding, quote, register

Item = tuple[Row, int]  # a name: its row and column


@dataclass(frozen=True)
class GridList:
    """A pair of tables read as lists: their names, and those without a counterpart."""

    left_table: int
    right_table: int
    left: tuple[Item, ...]
    right: tuple[Item, ...]
    unmatched: tuple[tuple[int, Item], ...]  # (side, item) left over on the longer list


def _names(table: Table, ctx: Context) -> "tuple[Item, ...] | None":
    """The table's cells as a list of names, or None when it is not a grid of names (in
    two columns or more, hardly a cell spanning rows: a court whose offices and session
    places follow it in the rows below is a table with a structure, not a list)."""
    p = ctx.params
    if sum(1 for row in table.rows if any(cell.inherited for cell in row.cells)) > p.list_max_spanned_rows:
        return None
    items = [(row, c) for row in table.rows for c, cell in enumerate(row.cells) if cell.text and not cell.inherited]
    if len(items) < p.list_min_items or len({c for _, c in items}) < 2:
        return None
    names = sum(1 for row, c in items if _name(row.cells[c].text, p.list_max_words))
    return tuple(items) if names >= p.list_name_share * len(items) else None


def _rows_correspond(ctx: Context, lt: int, rt: int) -> bool:
    """Whether the rows of a table pair found their partners: fewer than
    ``list_unpaired_share`` of the two tables' rows are one-sided."""
    unpaired = sum(
        1 for l in ctx.alignment.links
        if (l.relation == "left_only" and l.left.table == lt) or (l.relation == "right_only" and l.right.table == rt)  # type: ignore[union-attr]
    )
    rows = len(ctx.alignment.left.tables[lt].rows) + len(ctx.alignment.right.tables[rt].rows)
    return unpaired < ctx.params.list_unpaired_share * rows


def _name(text: str, max_words: int) -> bool:
    """A proper name: starts with a capital letter, no digits, a few words."""
    return text[:1].isupper() and not any(ch.isdigit() for ch in text) and len(text.split()) <= max_words


def _similarity(ctx: Context, a: list[str], b: list[str]) -> np.ndarray:
    """Name × name: 1 for the same name; else the better of the spelling (difflib ratio) and
    the encoder's reading, rescaled so that the column's background is 0."""
    vecs = ctx.embed(sorted(set(a) | set(b)))
    A = np.array([vecs[t] for t in a])
    B = np.array([vecs[t] for t in b])
    cos = A @ B.T
    background = float(np.median(cos))
    meaning = np.clip((cos - background) / max(1.0 - background, 1e-6), 0.0, 1.0)
    spelling = np.array([[difflib.SequenceMatcher(None, x.casefold(), y.casefold()).ratio() for y in b] for x in a])
    same = np.array([[x.casefold() == y.casefold() for y in b] for x in a], dtype=float)
    return np.maximum(same, np.maximum(meaning, spelling))


def grid_lists(ctx: Context) -> dict[tuple[int, int], GridList]:
    """(left table, right table) → :class:`GridList` for the paired tables that are both
    grids of names (see the module's docstring)."""
    if "grid_lists" in ctx.memo:
        return ctx.memo["grid_lists"]
    pairs: Counter = Counter((l.left.table, l.right.table) for l in ctx.matched)  # type: ignore[union-attr]
    best: dict[int, tuple[int, int]] = {}
    for (lt, rt), n in sorted(pairs.items()):
        if n > best.get(lt, (-1, 0))[1]:
            best[lt] = (rt, n)
    out: dict[tuple[int, int], GridList] = {}
    taken: set[int] = set()
    for lt, (rt, _) in sorted(best.items()):
        if rt in taken:
            continue
        left = _names(ctx.alignment.left.tables[lt], ctx)
        right = _names(ctx.alignment.right.tables[rt], ctx)
        if left is None or right is None:
            continue
        columns = min(len({c for _, c in left}), len({c for _, c in right}))
        # A grid of three columns or more is a list; in two, only where its rows do not
        # correspond (two columns of names that pair up are a table: fi | sv, town | region).
        if columns < ctx.params.list_min_columns and _rows_correspond(ctx, lt, rt):
            continue
        taken.add(rt)
        a = [row.cells[c].text for row, c in left]
        b = [row.cells[c].text for row, c in right]
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(-_similarity(ctx, a, b))
        paired_a, paired_b = set(rows.tolist()), set(cols.tolist())
        unmatched = tuple((0, left[k]) for k in range(len(left)) if k not in paired_a) + tuple(
            (1, right[k]) for k in range(len(right)) if k not in paired_b
        )
        out[(lt, rt)] = GridList(lt, rt, left, right, unmatched)
    ctx.memo["grid_lists"] = out
    return out


def in_grid_list(ctx: Context, side: int, row: Row) -> bool:
    """Whether ``row`` belongs to a table read as a list (its rows are not compared)."""
    tables = {(g.left_table, g.right_table)[side] for g in grid_lists(ctx).values()}
    return row.table in tables


@register(Kind.STRUCTURE, Kind.OMISSION, priority=7)
def check_grid_lists(ctx: Context) -> Iterator[Finding]:
    """``structure`` (info): a table pair read as lists of names laid out in a grid;
    ``omission`` (warning): a name of the longer list with no counterpart in the other."""
    names = ctx.names
    for (lt, rt), grid in sorted(grid_lists(ctx).items()):
        left, right = ctx.alignment.left.tables[lt], ctx.alignment.right.tables[rt]
        yield finding(
            Kind.STRUCTURE,
            Severity.INFO,
            (left.rows[0], right.rows[0]),
            None,
            f"List: the table under {quote(left.heading or '(no heading)', 60)} is a list of names laid out in a grid, "
            f"{len(grid.left)} in the {names[0]} version and {len(grid.right)} in the {names[1]}, each in its own "
            "language's order: compared as lists, not row by row.",
            structure="grid_list",
            items=[len(grid.left), len(grid.right)],
        )
        for side, (row, c) in grid.unmatched:
            other = len(grid.right) if side == 0 else len(grid.left)
            yield finding(
                Kind.OMISSION,
                Severity.WARNING,
                (row, None) if side == 0 else (None, row),
                c + 1,
                f"The {names[side]} list under {quote(left.heading or '(no heading)', 60)} has {quote(row.cells[c].text)}, "
                f"which none of the {other} names of the {names[1 - side]} list matches.",
                list_items=[len(grid.left), len(grid.right)],
            )
