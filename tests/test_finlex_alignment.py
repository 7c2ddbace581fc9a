"""Alignment on real Finlex excerpts (tests/fixtures/finlex, CC BY 4.0): rows split in one
version (1↔n), tables split in one version, tables sorted in each language's own order."""

from __future__ import annotations

import re
from pathlib import Path

import bitext

FIX = Path(__file__).resolve().parent / "fixtures" / "finlex"


def _links(sv: str, fi: str, embedder=None):  # type: ignore[no-untyped-def]
    # The real encoder where the decision rests on Finnish–Swedish similarity of text the
    # fake encoder knows nothing about (it only knows the seed pair's translations).
    return bitext.align(FIX / sv, FIX / fi, embedder=embedder).links


def _maps(text: str) -> set[str]:
    """The map numbers of a site cell (``karta 129 och 130`` / ``kartta 129 ja 130``)."""
    return set(re.findall(r"\b\d+(?: [ab])?\b", text))


def test_sites_listed_in_one_cell_link_to_each_row():
    # fi lists several sites in one cell where sv has one site per row: every sv row links to
    # the fi row that holds its site (by the map numbers), none is left one-sided.
    links = _links("asd20150049_sv_sites.md", "asd20150049_fi_sites.md")
    sv_rows = [l for l in links if l.left is not None and "karta" in l.left.cells[2].text]
    assert len(sv_rows) == 13
    for l in sv_rows:
        assert l.right is not None, f"sv {l.left.source.label} left one-sided"
        assert _maps(l.left.cells[2].text) <= _maps(l.right.cells[2].text), (l.left.cells[2].text, l.right.cells[2].text)
    # the fi cell with three sites takes three sv rows
    per_fi: dict = {}
    for l in sv_rows:
        per_fi.setdefault(l.right.rowkey, []).append(l)
    assert sorted(len(v) for v in per_fi.values()) == [1, 1, 1, 1, 2, 2, 2, 3]
    assert sum(1 for l in sv_rows if l.note.startswith("split")) == 5


def test_heading_row_of_split_item_joins():
    # sv has item 6 as a heading row and one row per sub-item (A, B), fi one row with both fees.
    links = _links("asd20151575_sv_items.md", "asd20151575_fi_items.md")
    six = [l for l in links if l.left is not None and l.left.cells[0].text.startswith("6.")]
    assert len(six) == 3
    assert all(l.right is not None and l.right.cells[0].text.startswith("6.") for l in six)
    assert len({l.right.rowkey for l in six}) == 1
