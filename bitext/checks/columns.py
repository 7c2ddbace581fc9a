"""Paired tables of different widths: which column of one version is which of the other.

One version's table may have a column the other lacks (a column of sub-labels, a spacer, a
column split in two). Compared straight, every cell after it is one column off: an
``empty_cell``, a ``column_shift`` or a mismatch in every row, where a translator sees one
difference of layout. The correspondence is read from the cells themselves: for each pair
of columns, the mean cosine of their filled cell pairs over the table's matched rows, above
the table's background (the median of all column pairs), weighted by how many cell pairs
say so; an order-keeping correspondence in which a column may have no counterpart
maximises it (a sequence alignment of the columns). It replaces the straight reading when
it is closer by ``CheckParams.column_map_gain`` per matched row; the cell checks then
compare the columns it pairs, and the layout is reported once, as ``structure``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Optional

import numpy as np

from ..model import Alignment, Finding, Kind, Link, Severity, Table
from ..params import CheckParams
from .base import Context, finding, quote, register

if TYPE_CHECKING:
    from ..alignment import Measurements

_TIE = 1e-6  # between equally good correspondences, the one pairing more columns


@dataclass(frozen=True)
class ColumnMap:
    """The columns of a left table (by index) and the right table's column each one is
    (None: it has no counterpart there)."""

    left_table: int
    right_table: int
    columns: tuple[Optional[int], ...]
    right_width: int
    gain: float  # how much closer than the straight reading, per matched row (cosine)

    def right_column(self, column: int) -> Optional[int]:
        return self.columns[column] if 0 <= column < len(self.columns) else None

    @property
    def left_only(self) -> tuple[int, ...]:
        return tuple(c for c, r in enumerate(self.columns) if r is None)

    @property
    def right_only(self) -> tuple[int, ...]:
        used = {r for r in self.columns if r is not None}
        return tuple(c for c in range(self.right_width) if c not in used)


def filled_width(table: Table) -> int:
    """The number of columns up to the last one with a filled cell (empty trailing columns
    are the reader's, not the document's)."""
    width = 0
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            if cell.text and not cell.inherited:
                width = max(width, c + 1)
    return width


def _similarity(links: list[Link], m: "Measurements", wl: int, wr: int, min_pairs: int) -> np.ndarray:
    """Column × column, stacked: the mean cosine of the filled cell pairs over ``links``
    (NaN where there are fewer than ``min_pairs``) and how many pairs that mean is of."""
    mean = np.full((wl, wr), np.nan)
    count = np.zeros((wl, wr))
    for i in range(wl):
        for j in range(wr):
            vals = [v for v in (m.cell_cosine(l.left, l.right, i, j) for l in links) if v is not None]  # type: ignore[arg-type]
            if len(vals) >= min_pairs:
                mean[i, j] = float(np.mean(vals))
                count[i, j] = len(vals)
    return np.stack([mean, count])


def _best_correspondence(weight: np.ndarray) -> tuple[float, tuple[Optional[int], ...]]:
    """The order-keeping pairing of rows (left columns) with columns (right columns) of the
    highest total weight, each column used at most once (a sequence alignment without gap
    costs); its total and, per left column, the right column or None."""
    wl, wr = weight.shape
    best = np.zeros((wl + 1, wr + 1))
    for i in range(1, wl + 1):
        for j in range(1, wr + 1):
            best[i, j] = max(best[i - 1, j - 1] + weight[i - 1, j - 1] + _TIE, best[i - 1, j], best[i, j - 1])
    out: list[Optional[int]] = [None] * wl
    i, j = wl, wr
    while i and j:
        if best[i, j] == best[i - 1, j - 1] + weight[i - 1, j - 1] + _TIE:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif best[i, j] == best[i - 1, j]:
            i -= 1
        else:
            j -= 1
    return float(best[wl, wr]), tuple(out)


def column_maps(alignment: Alignment, measurements: "Measurements", params: CheckParams) -> dict[tuple[int, int], ColumnMap]:
    """(left table, right table) → :class:`ColumnMap`, for the paired tables of different
    filled widths whose columns correspond otherwise than straight."""
    by_pair: dict[tuple[int, int], list[Link]] = defaultdict(list)
    for link in alignment.links:
        if link.relation == "match" and link.left is not None and link.right is not None:
            by_pair[(link.left.table, link.right.table)].append(link)
    out = {}
    for (lt, rt), links in sorted(by_pair.items()):
        wl, wr = filled_width(alignment.left.tables[lt]), filled_width(alignment.right.tables[rt])
        if wl == wr or not wl or not wr:
            continue
        mean, count = _similarity(links, measurements, wl, wr, params.column_map_min_pairs)
        if np.isnan(mean).all():
            continue
        background = float(np.nanmedian(mean))
        weight = np.where(np.isnan(mean), 0.0, (np.nan_to_num(mean) - background) * count)
        total, columns = _best_correspondence(weight)
        straight = sum(weight[c, c] + _TIE for c in range(min(wl, wr)))
        gain = (total - straight) / len(links)
        if columns[: min(wl, wr)] != tuple(range(min(wl, wr))) and gain >= params.column_map_gain:
            out[(lt, rt)] = ColumnMap(lt, rt, columns, wr, round(gain, 4))
    return out


def _columns(cols: tuple[int, ...]) -> str:
    return ", ".join(str(c + 1) for c in cols)


@register(Kind.STRUCTURE, priority=6)
def check_table_layout(ctx: Context) -> Iterator[Finding]:
    """``structure`` (info): paired tables whose columns correspond otherwise than straight
    (one version has a column the other lacks): reported once per table, and the cells are
    compared by the correspondence instead of a finding in every row."""
    names = ctx.names
    p0, p1 = ctx.alignment.prefixes
    for (lt, rt), cmap in sorted(ctx.column_maps.items()):
        left, right = ctx.alignment.left.tables[lt], ctx.alignment.right.tables[rt]
        extra = []
        if cmap.left_only:
            extra.append(f"the {names[0]} table has column(s) {_columns(cmap.left_only)} that the {names[1]} lacks")
        if cmap.right_only:
            extra.append(f"the {names[1]} table has column(s) {_columns(cmap.right_only)} that the {names[0]} lacks")
        moved = [(c, r) for c, r in enumerate(cmap.columns) if r is not None and r != c]
        pairs = "; ".join(f"{names[0]} column {c + 1} ↔ {names[1]} column {r + 1}" for c, r in moved)
        yield finding(
            Kind.STRUCTURE,
            Severity.INFO,
            (left.rows[0], right.rows[0]),
            None,
            f"Table layout: in the table under {quote(left.heading or '(no heading)', 60)}, "
            + " and ".join(extra or ["the columns are arranged differently"])
            + (f" ({pairs}); the cells are compared column to corresponding column." if pairs else "."),
            structure="column_layout",
            **{f"{p0}_table": lt + 1, f"{p1}_table": rt + 1, "columns": [None if r is None else r + 1 for r in cmap.columns], "gain": cmap.gain},
        )
