"""Structure checks: a table (section) missing in one version, tables in another order."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from typing import Iterator

from ..model import Finding, Kind, Severity
from .base import Context, finding, quote, register


@register(Kind.MISSING_SECTION, Kind.SECTION_ORDER, priority=100)
def check_sections(ctx: Context) -> Iterator[Finding]:
    """``missing_section``: a table (heading) of one version none of whose rows has a
    counterpart (warning: rows go missing). ``section_order``: paired tables in another
    order in the two versions (info)."""
    names = ctx.names
    matched_rows = {(side, r.rowkey) for l in ctx.matched for side, r in enumerate((l.left, l.right)) if r is not None}
    for side, doc in enumerate((ctx.alignment.left, ctx.alignment.right)):
        for table in doc.tables:
            if table.rows and not any((side, r.rowkey) in matched_rows for r in table.rows):
                first = table.rows[0]
                yield finding(
                    Kind.MISSING_SECTION,
                    Severity.WARNING,
                    (first, None) if side == 0 else (None, first),
                    None,
                    f"The {names[side]} table under {quote(table.heading or '(no heading)', 90)} "
                    f"({len(table.rows)} row(s)) has no counterpart in the {names[1 - side]} version.",
                    heading=table.heading,
                    rows=len(table.rows),
                )
    # Order: tables paired through their rows; the ones off the longest increasing run moved.
    pairs: dict[int, Counter] = defaultdict(Counter)
    for l in ctx.matched:
        pairs[l.left.table][l.right.table] += 1  # type: ignore[union-attr]
    seq = sorted((lt, cnt.most_common(1)[0][0]) for lt, cnt in pairs.items())
    # Longest run in order, preferring to keep earlier tables: the table reported is the
    # one that moved up in the other version.
    n = len(seq)
    keep = {n - 1 - k for k in _longest_increasing([-rt for _, rt in reversed(seq)])}
    for k, (lt, rt) in enumerate(seq):
        if k in keep:
            continue
        lt_obj, rt_obj = ctx.alignment.left.tables[lt], ctx.alignment.right.tables[rt]
        yield finding(
            Kind.SECTION_ORDER,
            Severity.INFO,
            (lt_obj.rows[0], rt_obj.rows[0]),
            None,
            f"The table under {quote(lt_obj.heading or '(no heading)', 80)} is in another place in the "
            f"{names[1]} version (table {rt + 1} there, table {lt + 1} here).",
            **{f"{ctx.alignment.prefixes[0]}_table": lt + 1, f"{ctx.alignment.prefixes[1]}_table": rt + 1},
        )


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (stable, O(n log n))."""
    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_idx.append(i)
        else:
            tails[k] = v
            tails_idx[k] = i
        prev[i] = tails_idx[k - 1] if k else -1
    out = set()
    i = tails_idx[-1] if tails_idx else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out
