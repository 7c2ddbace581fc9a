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


# --- tables whose orders disagree (each version sorted in its own language) -------------------


def _table_pair(tmp_path, sv_rows, fi_rows):  # type: ignore[no-untyped-def]
    from bitext.evaluation.alignbench import _markdown_table

    (tmp_path / "sv.md").write_text(_markdown_table("Kommun", sv_rows) + "\nKommunerna i tabellen.\n", encoding="utf-8")
    (tmp_path / "fi.md").write_text(_markdown_table("Kunta", fi_rows) + "\nTaulukon kunnat.\n", encoding="utf-8")
    return bitext.read(tmp_path / "sv.md"), bitext.read(tmp_path / "fi.md")


def test_disorder_of_best_pairs():
    import numpy as np

    from bitext.alignment import _disorder

    p = bitext.AlignParams()
    n = 40
    pos = np.linspace(0, 1, n)
    pa, pb = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
    same = np.where(pa == pb, 0.9, 0.1)
    assert _disorder(pa, pb, same, pos, pos, p) == 0.0
    perm = np.random.default_rng(0).permutation(n)
    shuffled = np.where(perm[pa] == pb, 0.9, 0.1)
    assert _disorder(pa, pb, shuffled, pos, pos, p) > 0.5
    # too few confident best pairs say nothing
    assert _disorder(pa, pb, np.where(pa == pb, 0.3, 0.1), pos, pos, p) == 0.0


def test_rows_in_another_order_pair_by_content(tmp_path, fake_embedder):
    # The same 30 rows, the Finnish ones in another order: the block is recognised as
    # disordered, position loses its weight there, and every row pairs by content.
    import numpy as np

    from bitext import alignment
    from bitext.embed import Embedder
    from bitext.evaluation.fake import FakeEncoder

    sv = [f"Kommunen {w} ordnar tjänsten" for w in ("Ackas Alajärvi Alavus Asikkala Askola Aura Björneborg Borgå Brändö Ekenäs "
                                                 "Enare Enontekis Esbo Eura Eurajoki Evijärvi Fredrikshamn Forssa Grankulla Hangö "
                                                 "Hattula Hausjärvi Heinola Helsingfors Hollola Hyvinge Ijo Iisalmi Ikalis Ilmola").split()]
    fi = [t.replace("Kommunen", "Kunta").replace("ordnar tjänsten", "järjestää palvelun") for t in sv]
    perm = np.random.default_rng(1).permutation(len(fi))
    enc = FakeEncoder({**{t: k for k, t in enumerate(sv)}, **{t: k for k, t in enumerate(fi)}})
    left, right = _table_pair(tmp_path, sv, [fi[k] for k in perm])
    links, model = alignment.align_documents(left, right, Embedder(enc, None))
    assert model.stats["disordered_blocks"] == 1
    pairs = {(l.left.cells[0].text, l.right.cells[0].text) for l in links if l.left is not None and l.right is not None}
    assert pairs == set(zip(sv, fi))
    # in order, nothing is flagged
    left, right = _table_pair(tmp_path, sv, fi)
    assert alignment.align_documents(left, right, Embedder(enc, None))[1].stats["disordered_blocks"] == 0


# --- large blocks ------------------------------------------------------------------------------


def test_candidates_stay_linear_when_rows_repeat():
    # A long list drawn from 40 distinct rows: the candidate pairs grow with n, not n², and
    # the repeated rows still pair in order.
    from bitext.evaluation.alignbench import repeated_rows

    small, large = repeated_rows(2500), repeated_rows(5000)
    assert small["f1"] == 1.0 and large["f1"] == 1.0
    p = bitext.AlignParams()
    per_row = 2 * p.candidate_k + 2 * p.candidate_band_max  # nearest kinds (two occurrences each) + band
    assert large["candidates"] <= per_row * 5000
    assert large["candidates"] / small["candidates"] < 2.2


# --- the shuffled Tatoeba table (issue 11) -------------------------------------------------------


def test_shuffled_tatoeba_table_aligns_by_content():
    import pytest

    from bitext.evaluation.alignbench import TATOEBA, shuffled_table

    if not TATOEBA.exists():
        pytest.skip("../shared/data/tatoeba-fin-swe is not available")
    res = shuffled_table(TATOEBA, rows=200)
    assert res["f1"] >= 0.90, res


def test_row_whose_cell_spans_into_the_next_joins_it():
    # sv writes a section heading on a row of its own and its unit ("euro") on the next row,
    # which inherits the heading (a span); fi has one row. Both sv rows link to it.
    links = _links("asd20070161_sv_spanhead.md", "asd20070161_fi_spanhead.md")
    head = [l for l in links if l.left is not None and l.left.cells[0].text.startswith("Skyddsdokument")]
    assert len(head) == 2
    assert all(l.right is not None and l.right.cells[0].text.startswith("Aluksen, sataman") for l in head)


def test_balance_sheet_with_repeated_labels_keeps_its_order():
    # asd20220535 annex 3 (a credit institution's balance sheet): "Övriga"/"Muut" and "På
    # anfordran betalbara" repeat under several headings, and the embedding confuses short
    # terms ("Avskrivningsdifferens" ~ "Saamistodistukset"); best pairs among such near-twins
    # are no evidence that the two versions are sorted differently, so position keeps its
    # weight and the headings pair in place.
    r = bitext.check(FIX / "asd20220535_sv_balance.md", FIX / "asd20220535_fi_balance.md")
    pairs = {(l.left.cells[0].text, l.right.cells[0].text) for l in r.alignment.links if l.left is not None and l.right is not None}
    for sv, fi in [("BALANSRÄKNING FÖR KREDITINSITUT", "LUOTTOLAITOKSEN TASE"), ("ACKUMULERADE BOKSLUTSDISPOSITIONER", "TILINPÄÄTÖSSIIRTOJEN KERTYMÄ"),
                   ("Avskrivningsdifferens", "Poistoero"), ("EGET KAPITAL", "OMA PÄÄOMA")]:
        assert (sv, fi) in pairs
    assert r.alignment.measurements.stats["disordered_blocks"] == 0
    missing = [f for f in r.findings if f.kind.value == "missing_row"]
    assert len(missing) <= 4  # main: 11


def _texts(row):
    return tuple(c.text for c in row.cells if c.text)


def test_rows_in_a_gap_of_the_same_size_pair_when_the_lexicon_agrees(tmp_path):
    # asd20220535: "Efterställda skulder" / "Velat, joilla on huonompi etuoikeus kuin muilla
    # veloilla" and their "Övriga" / "Muut" sit between the same paired rows in both versions;
    # the embedding reads the heading poorly, the lexicon covers it: they pair in place.
    sv, fi = FIX / "asd20220535_sv_balance.md", FIX / "asd20220535_fi_balance.md"
    r = bitext.check(sv, fi)
    pairs = {(_texts(l.left), _texts(l.right)) for l in r.alignment.links if l.left is not None and l.right is not None}
    assert (("Efterställda skulder",), ("Velat, joilla on huonompi etuoikeus kuin muilla veloilla",)) in pairs
    assert not [f for f in r.findings if f.kind.value == "missing_row" and ("Efterställda" in f.message or "Velat, joilla" in f.message)]
    # the same gap with an unrelated Finnish row: nothing forces them together
    text = fi.read_text(encoding="utf-8").replace("| Velat, joilla on huonompi etuoikeus kuin muilla veloilla |", "| Kissat nukkuvat paljon ja koira haukkuu |")
    (tmp_path / "fi.md").write_text(text, encoding="utf-8")
    r = bitext.check(sv, tmp_path / "fi.md")
    one_sided = [_texts(l.left) for l in r.alignment.links if l.right is None]
    assert ("Efterställda skulder", "Övriga") in one_sided
    assert any(f.kind.value == "missing_row" and "“Muut”" in f.message for f in r.findings)
