"""bitext.evaluation.perturb: deterministic broken variants of the seed pair, and the aligner on them."""

from __future__ import annotations

import pytest

import bitext
from bitext.evaluation import perturb
from bitext.model import KINDS as FINDING_KINDS
from conftest import FI, SV

CASES = [(kind, side) for kind in perturb.KINDS for side in ("fi", "sv")]


def links_of(alignment):
    return {(l.left.source.line if l.left else None, l.right.source.line if l.right else None) for l in alignment.links}


@pytest.fixture(scope="module")
def seed_rows():
    return len(bitext.read(SV).rows), len(bitext.read(FI).rows)


def test_same_seed_same_output():
    for kind in perturb.KINDS:
        a, b = perturb.make(kind, SV, FI, seed=3), perturb.make(kind, SV, FI, seed=3)
        assert (a.sv_text, a.fi_text, a.expected_links, a.expected_findings) == (b.sv_text, b.fi_text, b.expected_links, b.expected_findings)


def test_seeds_differ():
    texts = {perturb.make("number_changed", SV, FI, seed=s).fi_text for s in range(5)}
    assert len(texts) > 1


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown perturbation"):
        perturb.make("row_eaten", SV, FI)


@pytest.mark.parametrize("kind,side", CASES)
def test_perturbed_file_reads_and_expectations_are_consistent(tmp_path, seed_rows, kind, side):
    p = perturb.make(kind, SV, FI, seed=0, side=side)
    sv, fi = p.write(tmp_path)
    edited = bitext.read(sv if side == "sv" else fi)
    untouched = bitext.read(fi if side == "sv" else sv)
    assert (p.sv_text if side == "fi" else p.fi_text) == (SV if side == "fi" else FI).read_text(encoding="utf-8")
    n = seed_rows[0] if side == "sv" else seed_rows[1]
    delta = {"row_deleted": -1, "row_duplicated": 1}.get(kind, 0)
    assert len(edited.rows) == n + delta and len(untouched.rows) == 67
    # Every row of both perturbed files appears in the expected links, exactly once.
    k = 0 if side == "sv" else 1
    assert sorted(l[k] for l in p.expected_links if l[k] is not None) == sorted(r.source.line for r in edited.rows)
    assert sorted(l[1 - k] for l in p.expected_links if l[1 - k] is not None) == sorted(r.source.line for r in untouched.rows)
    assert all(f[0] in FINDING_KINDS for f in p.expected_findings)
    if kind == "page_break":
        assert p.expected_findings == ()
        assert any(len(r.source.lines) > len(o.source.lines) for r, o in zip(edited.rows, bitext.read(SV if side == "sv" else FI).rows))
    else:
        assert p.expected_findings


def test_number_changed_changes_one_number():
    p = perturb.make("number_changed", SV, FI, seed=0, side="fi")
    old = FI.read_text(encoding="utf-8").split("\n")
    new = p.fi_text.split("\n")
    diff = [k for k, (a, b) in enumerate(zip(old, new), 1) if a != b]
    assert len(old) == len(new) and len(diff) == 1
    kind, sv_line, fi_line, column = p.expected_findings[0]
    assert kind == "number_mismatch" and diff == [fi_line]
    a, b = perturb.split_cells(old[fi_line - 1], "tsv")[column - 1], perturb.split_cells(new[fi_line - 1], "tsv")[column - 1]
    assert a != b and [ch for ch in a if not ch.isdigit()] == [ch for ch in b if not ch.isdigit()]


def test_line_map_follows_insertions():
    p = perturb.make("page_break", SV, FI, seed=0, side="sv")
    assert p.map_line("fi", 30) == 30  # the other side is untouched
    moved = [old for old, new in p.line_map.items() if new != old]
    # A blank line, an empty header row, its separator, the fragments: four lines more.
    assert moved and all(p.line_map[o] == o + 4 for o in moved)


@pytest.mark.parametrize("kind,side", CASES)
def test_aligner_finds_the_expected_links(tmp_path, fake_embedder, kind, side):
    # The aligner's logic, on the deterministic fake encoder (no model).
    p = perturb.make(kind, SV, FI, seed=0, side=side)
    sv, fi = p.write(tmp_path)
    al = bitext.align(sv, fi, embedder=fake_embedder)
    assert p.canonical(links_of(al)) == p.canonical(p.expected_links), p.description
