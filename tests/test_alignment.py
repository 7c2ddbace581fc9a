"""Alignment on the seed pair (against the gold reference) and on edited copies.

The seed pair's own alignment uses the real encoder (its accuracy is what is tested); the
edited copies test the aligner's logic (deletions, moves, splits, the large-document path)
and run on the deterministic fake encoder (``fake_embedder``: no model)."""

from __future__ import annotations

import pytest

import bitext
from conftest import FI, SV
from helpers import delete, duplicate, edited, insert_after, move, replace_line


def pairs(alignment):
    return {(l.left.source.line, l.right.source.line) for l in alignment.links if l.relation == "match"}


def by_text(alignment):
    """sv first line -> the Finnish row's texts (columns 2-6: column 1 may be inherited)."""
    return {l.left.source.line: l.right.texts[1:] for l in alignment.links if l.relation == "match"}


def one_sided(alignment):
    return sorted(
        (l.relation, (l.left or l.right).source.line) for l in alignment.links if l.relation != "match"
    )


@pytest.fixture(scope="module")
def fake_seed(fake_embedder):
    return bitext.align(SV, FI, embedder=fake_embedder)


def test_every_seed_row_matched(seed_alignment):
    al = seed_alignment
    assert (al.left.language, al.right.language) == ("sv", "fi")
    assert len(al.links) == 67 and all(l.relation == "match" for l in al.links)
    assert len({l.left.key for l in al.links}) == 67 == len({l.right.key for l in al.links})
    # The two versions have the same structure: every row pairs with the row at the same
    # place (part, table, index) — the responsibility areas included.
    assert all((l.left.part, l.left.table, l.left.index) == (l.right.part, l.right.table, l.right.index) for l in al.links)
    assert all(0.0 <= l.score <= 1.0 for l in al.links)


def test_main_part_against_gold(seed_alignment, gold_pairs):
    gold = {(int(r.sv_line), int(r.fi_line)) for r in gold_pairs.itertuples() if r.relation == "match"}
    assert len(gold) == 30
    assert gold <= pairs(seed_alignment)


def test_shifted_rows_are_found(seed_alignment):
    shifts = {(l.left.source.line, l.right.source.line): l.shift for l in seed_alignment.links}
    assert shifts[(39, 34)] == 1  # the Swedish row sits one column left


def test_fake_encoder_is_a_fair_stand_in(fake_seed, seed_alignment):
    # The tests below use the fake encoder: on the seed pair it must align as the real one.
    assert pairs(fake_seed) == pairs(seed_alignment) and len(pairs(fake_seed)) == 67


def test_argument_order_does_not_matter(fake_seed, fake_embedder):
    reverse = bitext.align(FI, SV, embedder=fake_embedder)
    assert reverse.to_frame().equals(fake_seed.to_frame())


def test_deterministic(fake_seed, fake_embedder):
    assert bitext.align(SV, FI, embedder=fake_embedder).to_frame().equals(fake_seed.to_frame())


def test_row_deleted(tmp_path, fake_seed, fake_embedder):
    fi = edited(FI, tmp_path / "fi.txt", delete(52))  # "Vähennykset toteutuvat suunnitellusti." (main part)
    al = bitext.align(SV, fi, embedder=fake_embedder)
    assert one_sided(al) == [("left_only", 60)]
    expected = by_text(fake_seed)
    got = by_text(al)
    assert all(got[k] == expected[k] for k in got) and len(got) == 66


def test_rows_deleted_on_both_sides(tmp_path, fake_seed, fake_embedder):
    sv = edited(SV, tmp_path / "sv.txt", delete(14))
    fi = edited(FI, tmp_path / "fi.txt", delete(60))  # counterpart of SV 69
    al = bitext.align(sv, fi, embedder=fake_embedder)
    assert sorted(r for r, _ in one_sided(al)) == ["left_only", "right_only"]
    lost = {l.left.texts[2] for l in al.links if l.relation == "left_only"}
    assert lost == {"Personalens frånvarofall minskar."}


def test_row_duplicated(tmp_path, fake_seed, fake_embedder):
    sv = edited(SV, tmp_path / "sv.txt", duplicate(23))
    al = bitext.align(sv, FI, embedder=fake_embedder)
    sided = one_sided(al)
    assert len(sided) == 1 and sided[0][0] == "left_only" and sided[0][1] in (23, 24)
    assert len([l for l in al.links if l.relation == "match"]) == 67


def test_tables_reordered(tmp_path, fake_seed, fake_embedder):
    # Move the "Talous on tasapainossa." table (lines 48-53) before "Sujuva arki" (line 7).
    fi = edited(FI, tmp_path / "fi.txt", move(48, 54, 7))
    al = bitext.align(SV, fi, embedder=fake_embedder)
    assert one_sided(al) == []
    assert by_text(al) == by_text(fake_seed)


def test_parts_reordered(tmp_path, fake_seed, fake_embedder):
    # Move the whole administration area (lines 65-79) to the end of the document.
    fi = edited(FI, tmp_path / "fi.txt", lambda lines: move(65, 79, len(lines) + 1)(lines + [""]))
    al = bitext.align(SV, fi, embedder=fake_embedder)
    assert one_sided(al) == []
    assert by_text(al) == by_text(fake_seed)


def test_row_split_in_two(tmp_path, fake_seed, fake_embedder):
    original = FI.read_text(encoding="utf-8").split("\n")[59]  # line 60
    cells = original.split("\t")
    first = cells[:]
    first[3] = "Henkilökunta osallistuu itse kehittämistyöhön."
    first[5] = "Työnohjaus on monessa yksikössä käytössä."
    second = ["", "", "", "Henkilökunnalla on myös mahdollisuus osallistua työnohjaukseen.", "", cells[5].split(". ", 1)[1]]
    fi = edited(FI, tmp_path / "fi.txt", lambda ls: insert_after(60, ["\t".join(second)])(replace_line(60, "\t".join(first))(ls)))
    al = bitext.align(SV, fi, embedder=fake_embedder)
    links = [l for l in al.links if l.left is not None and l.left.source.line == 69]
    assert {l.right.source.line for l in links} == {60, 61}
    assert any(l.note.startswith("split") for l in links)
    assert one_sided(al) == []


def test_unrelated_rows_are_not_forced_together(tmp_path, fake_embedder):
    # Replace a Finnish row by an unrelated one: it must not be matched to the Swedish row.
    unrelated = "\t".join(["", "Kissat nukkuvat paljon.", "Sää on tänään aurinkoinen.", "Kävelemme metsässä ja poimimme mustikoita.", "Naapurin koira", "Juna oli myöhässä kaksi tuntia."])
    fi = edited(FI, tmp_path / "fi.txt", replace_line(52, unrelated))
    al = bitext.align(SV, fi, embedder=fake_embedder)
    assert ("left_only", 60) in one_sided(al) and ("right_only", 52) in one_sided(al)


def test_large_document_path_gives_the_same_links(fake_seed, fake_embedder):
    """The candidate-pair path (top-k + band, greedy) used for large blocks, forced on the
    seed pair, finds the same links as the exact path."""
    al = bitext.align(SV, FI, embedder=fake_embedder, align_params=bitext.AlignParams(dense_limit=0, group_dense_limit=0))
    assert al.settings["align"]["dense_limit"] == 0 and "dense_limit=0" in al.settings["signature"]
    assert pairs(al) == pairs(fake_seed)
    got = {(l.left.source.line, l.right.source.line): l.score for l in al.links}
    want = {(l.left.source.line, l.right.source.line): l.score for l in fake_seed.links}
    assert all(abs(got[k] - want[k]) < 1e-6 for k in want)
