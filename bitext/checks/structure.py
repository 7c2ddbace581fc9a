"""Structure checks: a table (section) missing in one version, tables in another order."""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np

from ..lexicon.numbers import read_numbers
from ..model import Finding, Kind, Row, RowKey, Severity, TextBlock
from .base import Context, finding, quote, register, row_text


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
    """Indices of one longest non-decreasing subsequence (stable, O(n log n)): two tables
    of one version paired with one table of the other (a split table) are in order."""
    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_right(tails, v)  # non-decreasing: a table split in two is not moved
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


# --- structure: splits, moved notes, split tables (issue 9 class 7) --------------------------

Side = int


@dataclass(frozen=True)
class Split:
    """One row of one version (``whole``, on ``side``) that the other version writes as
    several rows (``parts``, in order), some of them one-sided in the alignment."""

    side: Side
    whole: Row
    parts: tuple[Row, ...]
    # A list split (the whole packs list items into a cell, the parts give them a row
    # each): the number of items in the whole and in its parts; None for other splits.
    items: Optional[tuple[int, int]] = None
    # Whether the parts are surely the whole's: no row of them is in another split, and a
    # list split's parts hold as many items as the whole. Numbers are compared only then.
    certain: bool = True

    @property
    def rows(self) -> tuple[Row, Row]:
        """The (left, right) rows a finding on this split points at: the whole and its
        first part, each on its own side."""
        return (self.whole, self.parts[0]) if self.side == 0 else (self.parts[0], self.whole)


def _vec(ctx: Context, side: Side, row: Row) -> np.ndarray:
    v = ctx.measured.left if side == 0 else ctx.measured.right
    return np.asarray(v.rows[v.index[row.rowkey]], dtype=np.float32)


def _row_numbers(row: Row) -> Counter:
    out: Counter = Counter()
    for c in row.cells:
        if c.text and not c.inherited:
            out.update(read_numbers(c.text).values)
    return out


def _contained(ctx: Context, side: Side, row: Row, parts: list[Row], whole: Row) -> bool:
    """Whether the one-sided ``row`` (on ``side``) is more of ``whole`` (the other side's
    row that ``parts`` already correspond to): its numbers are numbers of ``whole`` that the
    parts do not have; or, without numbers, joining it to the parts brings them closer to
    ``whole`` by ``structure_split_gain`` (row vectors, calibrated); and ``whole`` is as
    long as the parts and the row together (``structure_split_length``)."""
    # The whole must be long enough to hold the parts and this row (translations differ
    # in length, hence the ratio); a row next to an ordinary 1↔1 pair is not its part.
    length = len(row_text(whole))
    if length < ctx.params.structure_split_length * (sum(len(row_text(p)) for p in parts) + len(row_text(row))):
        return False
    mine = _row_numbers(row)
    if mine:
        rest = _row_numbers(whole) - sum((_row_numbers(p) for p in parts), Counter())
        return not (mine - rest)
    cal = ctx.measured.row_calibration
    w = _vec(ctx, 1 - side, whole)
    vs = [_vec(ctx, side, p) for p in parts]

    def sim(vectors: list[np.ndarray]) -> float:
        m = np.mean(vectors, axis=0)
        n = float(np.linalg.norm(m))
        return float(cal.scale(np.array(float(m @ w) / n))) if n else 0.0

    return sim(vs + [_vec(ctx, side, row)]) > sim(vs) + ctx.params.structure_split_gain


# A list item's marker: a dash or bullet that opens a cell or follows a space or a
# punctuation mark ("tidtabell:– den 21 juli"), or ends a word before a space ("gjutformar–
# Montering": a lost space); not a dash inside a compound or a range ("Järn- och", "16–75").
# A hyphen-minus only as a cell's first character or spaced ("- a - b"); an enumeration
# "a)" / "1)" only where a cell opens with one.
_MARK = re.compile(r"(?:^|(?<=[\s\W])(?<![\d\w]))[–—•▪●◦‣∙]|(?<=[^\W\d_])[–—•▪●◦‣∙](?=\s)|(?:^|(?<=\s))-(?=\s)")
_ENUM = re.compile(r"(?:^|(?<=\s))\(?(?:[a-zåäö]|\d{1,2})\)(?=\s)")


def list_items(text: str) -> int:
    """How many list items a cell holds: the dashes and bullets that open an item (an
    enumeration "a) … b) …" counts where the cell opens with one).

    >>> list_items("– Byggarbeten – Anläggningsarbeten – Järn- och stålindustrin")
    3
    >>> list_items("tidtabell:– den 21 juli 2023,– den 21 juli 2024"), list_items("för 16–75-åringar")
    (2, 0)
    >>> list_items("a) avgift b) tilläggsavgift"), list_items("5 §:n 1 momentin a) kohta")
    (2, 0)
    """
    text = text.strip()
    n = len(_MARK.findall(text))
    if _ENUM.match(text):
        n += len(_ENUM.findall(text))
    return n


def _own_items(row: Row) -> int:
    return sum(list_items(c.text) for c in row.cells if c.text and not c.inherited)


def _list_splits(ctx: Context, groups: dict[tuple[Side, RowKey], tuple[Row, list[Row]]], partner: dict[tuple[Side, RowKey], Row], taken: set[tuple[Side, RowKey]]) -> dict[tuple[Side, RowKey], tuple[int, int]]:
    """Lists written as rows in one version and packed into one cell in the other: the
    one-sided rows next to the rows paired with a row ``whole`` whose cells hold several
    list items join that whole's parts (in ``groups``), from the top while the whole has
    items left for them, then from the bottom for the whole of the rows below; rows
    without an item (a lead-in "Poikkeus päättyy:", a cell's second line) join only
    between the whole's parts and its item rows. Returns, per whole grown, the items of
    the whole and of all its parts."""
    docs = (ctx.alignment.left, ctx.alignment.right)
    whole_items: dict[tuple[Side, RowKey], int] = {}
    used: dict[tuple[Side, RowKey], int] = {}
    grown: set[tuple[Side, RowKey]] = set()

    def anchor(side: Side, row: Row) -> Optional[tuple[tuple[Side, RowKey], int]]:
        """The whole (key into ``groups``) a paired row of ``side`` is a part of, and the
        items the whole still has for more parts; None unless the whole packs a list."""
        whole = partner.get((side, row.rowkey))
        if whole is None or (side, row.rowkey) in groups:  # a whole itself: its parts are the other side's
            return None
        key = (1 - side, whole.rowkey)
        if key not in whole_items:
            whole_items[key] = _own_items(whole)
            parts = groups[key][1] if key in groups else [row]
            used[key] = sum(_own_items(p) for p in parts)
        if whole_items[key] < 2:
            return None
        return key, whole_items[key] - used[key]

    def join(key: tuple[Side, RowKey], side: Side, first: Row, rows: list[Row]) -> None:
        if key not in groups:
            groups[key] = (partner[(side, first.rowkey)], [first])
        groups[key] = (groups[key][0], sorted(groups[key][1] + rows, key=lambda r: r.rowkey))
        for r in rows:
            taken.add((side, r.rowkey))
            partner[(side, r.rowkey)] = groups[key][0]
            used[key] += _own_items(r)
        grown.add(key)

    def take(run: list[Row], cap: int) -> int:
        """How many rows of ``run`` (read from its start) fit ``cap`` items: item rows
        while they fit, rows without items only before an item row that fits."""
        n = 0
        for i, r in enumerate(run):
            m = _own_items(r)
            if m == 0:
                continue
            if m > cap:
                break
            cap -= m
            n = i + 1
        return n

    for side, doc in enumerate(docs):
        for table in doc.tables:
            rows = table.rows
            i = 0
            while i < len(rows):
                if (side, rows[i].rowkey) in partner or (side, rows[i].rowkey) in taken:
                    i += 1
                    continue
                j = i
                while j < len(rows) and (side, rows[j].rowkey) not in partner and (side, rows[j].rowkey) not in taken:
                    j += 1
                run = list(rows[i:j])  # one-sided rows i..j-1
                above = anchor(side, rows[i - 1]) if i > 0 else None
                if above is not None:
                    key, cap = above
                    n = take(run, cap)
                    if n:
                        join(key, side, rows[i - 1], run[:n])
                        run = run[n:]
                below = anchor(side, rows[j]) if j < len(rows) and run else None
                if below is not None:
                    key, cap = below
                    n = take(run[::-1], cap)
                    if n:
                        join(key, side, rows[j], run[len(run) - n:])
                i = j
    return {key: (whole_items[key], used[key]) for key in sorted(grown)}


def splits(ctx: Context) -> list[Split]:
    """The split rows: the alignment's 1↔n links, each grown by the one-sided rows next to
    its parts that are more of the same whole (:func:`_contained`); and a one-sided row next
    to a 1↔1 pair that is more of its counterpart (the pair becomes a split)."""
    if "splits" in ctx.memo:
        return ctx.memo["splits"]
    docs = (ctx.alignment.left, ctx.alignment.right)
    groups: dict[tuple[Side, RowKey], tuple[Row, list[Row]]] = {}  # (side of whole, whole) -> parts
    for links in ctx.split_groups:
        a = {l.left.rowkey for l in links}  # type: ignore[union-attr]
        side = 0 if len(a) == 1 else 1
        whole = links[0].left if side == 0 else links[0].right
        parts = sorted({r.rowkey: r for r in ((l.right if side == 0 else l.left) for l in links)}.values(), key=lambda r: r.rowkey)  # type: ignore[union-attr]
        groups[(side, whole.rowkey)] = (whole, parts)  # type: ignore[union-attr]
    partner: dict[tuple[Side, RowKey], Row] = {}
    for l in ctx.matched:
        partner.setdefault((0, l.left.rowkey), l.right)  # type: ignore[union-attr]
        partner.setdefault((1, l.right.rowkey), l.left)  # type: ignore[union-attr]
    one_sided = [(0, l.left) for l in ctx.alignment.links if l.relation == "left_only"] + [
        (1, l.right) for l in ctx.alignment.links if l.relation == "right_only"
    ]
    taken: set[tuple[Side, RowKey]] = set()
    for _ in range(ctx.params.structure_split_rows):  # each pass reaches one row further
        for side, row in one_sided:
            if (side, row.rowkey) in taken:  # type: ignore[union-attr]
                continue
            table = docs[side].tables[row.table]  # type: ignore[union-attr]
            for nb in (row.index - 1, row.index + 1):  # type: ignore[union-attr]
                if not 0 <= nb < len(table.rows) or (side, table.rows[nb].rowkey) not in partner:
                    continue
                whole = partner[(side, table.rows[nb].rowkey)]
                key = (1 - side, whole.rowkey)
                parts = groups[key][1] if key in groups else [table.rows[nb]]
                if _contained(ctx, side, row, parts, whole):  # type: ignore[arg-type]
                    groups[key] = (whole, sorted(parts + [row], key=lambda r: r.rowkey))  # type: ignore[operator]
                    taken.add((side, row.rowkey))  # type: ignore[union-attr]
                    partner[(side, row.rowkey)] = whole  # type: ignore[union-attr]
                    break
    items = _list_splits(ctx, groups, partner, taken)
    # A row in two splits (one version's rows crossing the other's) leaves both unsure.
    seen = Counter([(s, k) for (s, k) in groups] + [(1 - s, p.rowkey) for (s, _), (_, parts) in groups.items() for p in parts])
    out = []
    for (s, k), (whole, parts) in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        n = items.get((s, k))
        crossed = seen[(s, k)] > 1 or any(seen[(1 - s, p.rowkey)] > 1 for p in parts)
        out.append(Split(s, whole, tuple(parts), n, not crossed and (n is None or n[0] == n[1])))
    ctx.memo["splits"] = out
    return out


def moved_to_text(ctx: Context) -> dict[tuple[Side, RowKey], TextBlock]:
    """One-sided rows (not parts of a split) whose content the other version has as a
    paragraph outside its tables (a note moved out of the table): the nearest paragraph of
    the other version, when it is as close as a faithful row pair (row calibration scaled
    ≥ ``structure_moved_scaled``) and has every number of the row."""
    if "moved" in ctx.memo:
        return ctx.memo["moved"]
    out: dict[tuple[Side, RowKey], TextBlock] = {}
    in_split = {(1 - s.side, p.rowkey) for s in splits(ctx) for p in s.parts}
    docs = (ctx.alignment.left, ctx.alignment.right)
    cal = ctx.measured.row_calibration
    for link in ctx.alignment.links:
        if link.relation not in ("left_only", "right_only"):
            continue
        side = 0 if link.relation == "left_only" else 1
        row = link.left if side == 0 else link.right
        paras = [t for t in docs[1 - side].texts if t.text.strip()]
        if row is None or (side, row.rowkey) in in_split or not paras:
            continue
        vecs = ctx.embed([t.text for t in paras])
        v = _vec(ctx, side, row)
        sims = [float(v @ np.asarray(vecs[t.text])) for t in paras]
        best = int(np.argmax(sims))
        if float(cal.scale(np.array(sims[best]))) >= ctx.params.structure_moved_scaled and not (
            _row_numbers(row) - read_numbers(paras[best].text).values
        ):
            out[(side, row.rowkey)] = paras[best]
    out.update(_moved_notes(ctx, in_split | set(out)))
    ctx.memo["moved"] = out
    return out


_LINE = re.compile(r"\(line (\d+)\)")


def _position(src) -> Optional[int]:  # type: ignore[no-untyped-def]
    """Where a row or paragraph sits in its file: its first line (Markdown, TSV) or the XML
    line in its ref ("t2 r5 (line 123)"); None for formats with neither."""
    if src.line is not None:
        return int(src.line)
    m = _LINE.search(src.ref)
    return int(m.group(1)) if m else None


def _note_like(row: Row) -> bool:
    """A row whose only text is in its first cell, in a table of several columns: a note or
    caption spanning the table, not a data row."""
    return len(row.cells) >= 2 and bool(row.cells[0].raw) and any(ch.isalpha() for ch in row.cells[0].raw) and not any(c.raw for c in row.cells[1:])


def _moved_notes(ctx: Context, done: set[tuple[Side, RowKey]]) -> dict[tuple[Side, RowKey], TextBlock]:
    """One-sided note rows (text in the first cell only) that the other version writes as a
    paragraph at the same place: the row's nearest paragraph lies between the partners of
    the matched rows around it, that paragraph's nearest among these note rows is this row,
    and it has every number of the row. Similarities between a short note and paragraphs
    are too close to the background to calibrate (the rule above); the place and the mutual
    choice are the evidence."""
    docs = (ctx.alignment.left, ctx.alignment.right)
    out: dict[tuple[Side, RowKey], TextBlock] = {}
    matched = sorted(((l.left.rowkey, l.right.rowkey, l.left, l.right) for l in ctx.matched), key=lambda m: m[0])  # type: ignore[union-attr]
    by_side = [sorted(((m[s], m[3 - s]) for m in matched), key=lambda x: x[0]) for s in (0, 1)]
    notes: list[tuple[Side, Row]] = []
    for link in ctx.alignment.links:
        if link.relation not in ("left_only", "right_only"):
            continue
        side = 0 if link.relation == "left_only" else 1
        row = link.left if side == 0 else link.right
        if row is not None and (side, row.rowkey) not in done and _note_like(row):
            notes.append((side, row))
    for side in (0, 1):
        mine = [r for s, r in notes if s == side]
        paras = [t for t in docs[1 - side].texts if t.text.strip() and not t.level and _position(t.source) is not None]
        if not mine or not paras:
            continue
        pvecs = ctx.embed([t.text for t in paras])
        P = np.stack([np.asarray(pvecs[t.text]) for t in paras])
        R = np.stack([_vec(ctx, side, r) for r in mine])
        sims = R @ P.T  # note rows x paragraphs
        keys = [k for k, _ in by_side[side]]
        for i, row in enumerate(mine):
            j = int(np.argmax(sims[i]))
            if int(np.argmax(sims[:, j])) != i or _row_numbers(row) - read_numbers(paras[j].text).values:
                continue
            at = bisect.bisect_left(keys, row.rowkey)
            before = _position(by_side[side][at - 1][1].source) if at > 0 else None
            after = _position(by_side[side][at][1].source) if at < len(keys) else None
            where = _position(paras[j].source)
            assert where is not None
            if (before is None or before < where) and (after is None or where < after) and (before, after) != (None, None):
                out[(side, row.rowkey)] = paras[j]
    return out


def explained(ctx: Context) -> set[tuple[Side, RowKey]]:
    """One-sided rows the structure explains (parts of a split row, notes moved to a
    paragraph): reported as ``structure``, not as ``missing_row``."""
    return {(1 - s.side, p.rowkey) for s in splits(ctx) for p in s.parts} | set(moved_to_text(ctx))


def _labels(rows: tuple[Row, ...] | list[Row]) -> list[str]:
    return [r.source.label for r in rows]


@register(Kind.STRUCTURE, priority=5)
def check_structure(ctx: Context) -> Iterator[Finding]:
    """``structure`` (info): one version splits a row into several rows, or a table into
    several tables, or moves a table row out into a paragraph, where the other does not.
    Reported once per split or move, as structure, instead of missing rows and content
    mismatches (the number check compares a split row's numbers as a whole)."""
    names = ctx.names
    p0, p1 = ctx.alignment.prefixes
    from .lists import in_grid_list  # lists builds on this package's base

    for s in splits(ctx):
        if in_grid_list(ctx, s.side, s.whole):  # a list's rows do not correspond
            continue
        other = 1 - s.side
        rows = s.rows
        listed = {}
        what = "Row split"
        if s.items is not None:
            # A list written as rows in one version and in one cell in the other. Fewer
            # items in the rows is said, not warned of: on faithful pairs it is nearly
            # always item rows the aligner paired elsewhere (the split is then unsure).
            what = "List split"
            listed = {"structure": "list_split", "items": {(p0, p1)[s.side]: s.items[0], (p0, p1)[other]: s.items[1]}}
        short = s.items is not None and s.items[1] < s.items[0]
        yield finding(
            Kind.STRUCTURE,
            Severity.INFO,
            rows,
            None,
            f"{what}: the {names[s.side]} row at {s.whole.source.label} {quote(row_text(s.whole), 70)} is "
            f"{len(s.parts)} rows in the {names[other]} version (at {', '.join(_labels(s.parts))})"
            + (f"; its cells list {s.items[0]} items, the rows {s.items[1]}." if short else "."),
            **{"structure": "row_split", **listed},
            **{f"{(p0, p1)[s.side]}_rows": [s.whole.source.label], f"{(p0, p1)[other]}_rows": _labels(s.parts)},
        )
    for (side, key), para in sorted(moved_to_text(ctx).items()):
        row = (ctx.alignment.left, ctx.alignment.right)[side].tables[key.table].rows[key.index]
        if in_grid_list(ctx, side, row):
            continue
        yield finding(
            Kind.STRUCTURE,
            Severity.INFO,
            (row, None) if side == 0 else (None, row),
            None,
            f"Moved out of the table: the {names[side]} row {quote(row_text(row), 70)} is a paragraph in the "
            f"{names[1 - side]} version ({para.source.label or 'outside the tables'}: {quote(para.text, 70)}).",
            structure="moved_to_text",
            **{f"{(p0, p1)[side]}_rows": [row.source.label], f"{(p0, p1)[1 - side]}_text": para.source.label},
        )
    # A table of one version whose rows pair into several tables of the other.
    for side, doc in enumerate((ctx.alignment.left, ctx.alignment.right)):
        into: dict[int, dict[int, Row]] = defaultdict(dict)
        for l in ctx.matched:
            mine, theirs = (l.left, l.right) if side == 0 else (l.right, l.left)
            assert mine is not None and theirs is not None
            first = into[mine.table].get(theirs.table)
            if first is None or theirs.index < first.index:
                into[mine.table][theirs.table] = theirs
        other_doc = (ctx.alignment.left, ctx.alignment.right)[1 - side]
        for t, targets in sorted(into.items()):
            if len(targets) < 2:
                continue
            table = doc.tables[t]
            starts = [targets[k] for k in sorted(targets)]
            yield finding(
                Kind.STRUCTURE,
                Severity.INFO,
                (table.rows[0], starts[1]) if side == 0 else (starts[1], table.rows[0]),
                None,
                f"Table split: the {names[side]} table {t + 1} under {quote(table.heading or '(no heading)', 60)} is "
                f"{len(targets)} tables in the {names[1 - side]} version (tables {', '.join(str(k + 1) for k in sorted(targets))}, "
                f"starting at {', '.join(r.source.label for r in starts)}).",
                structure="table_split",
                **{f"{(p0, p1)[side]}_table": t + 1, f"{(p0, p1)[1 - side]}_tables": [k + 1 for k in sorted(targets)],
                   f"{(p0, p1)[1 - side]}_rows": [r.source.label for r in starts], "other_headings": [other_doc.tables[k].heading for k in sorted(targets)]},
            )
