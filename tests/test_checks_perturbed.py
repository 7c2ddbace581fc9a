"""The checks on every kind of defect the perturbation generator puts in, on both sides:
the findings a perturbation adds must be exactly the ones it expects.

The logic under test is the aligner's and the checks', not the encoder's: these run on the
deterministic fake encoder (``fake_embedder``); the seed pair's own findings with the real
encoder are tested in test_checks.py and test_golden_report.py."""

from __future__ import annotations

import pytest

import bitext
from bitext.evaluation import perturb
from conftest import FI, SV

CASES = [(kind, side, seed) for kind in perturb.KINDS for side in ("sv", "fi") for seed in (0, 1)]
# A cell copied from the other version may be reported as untranslated or, if the copy
# differs slightly, as written in the wrong language.
SAME = {"wrong_language": "untranslated"}


def key(kind, sv, fi, column):
    return (SAME.get(kind, kind), sv, fi, column)


@pytest.fixture(scope="module")
def seed_findings(fake_embedder):
    return bitext.check(SV, FI, embedder=fake_embedder).findings


@pytest.mark.parametrize("kind,side,seed", CASES)
def test_perturbation_adds_exactly_its_findings(tmp_path, seed_findings, fake_embedder, kind, side, seed):
    p = perturb.make(kind, SV, FI, seed=seed, side=side)
    sv, fi = p.write(tmp_path)
    result = bitext.check(sv, fi, embedder=fake_embedder)
    # Row-level findings carry no column; the seed's own findings, moved to the new lines.
    before = {
        key(f.kind, p.map_line("sv", f.left.source.line if f.left else None), p.map_line("fi", f.right.source.line if f.right else None), f.column)
        for f in seed_findings
    }
    after = {key(f.kind, f.left.source.line if f.left else None, f.right.source.line if f.right else None, f.column) for f in result.findings}
    expected = {key(*f) for f in p.expected_findings}
    # A duplicate and its original are interchangeable: the aligner may pair either.
    k = 1 if side == "sv" else 2
    twin = {b: a for a, b in p.interchangeable}
    canon = lambda f: f[:k] + (twin.get(f[k], f[k]),) + f[k + 1 :]  # noqa: E731
    after, expected = {canon(f) for f in after}, {canon(f) for f in expected}
    added = after - before
    if kind == "tables_reordered":
        # Two swapped tables: which one "moved" is a matter of view; one report, on either.
        moved = {f for f in expected if f[0] == "section_order"}
        got = {f for f in added if f[0] == "section_order"}
        assert len(got) == len(moved) == 1, (got, moved)
        expected, added = expected - moved, added - got
    # (The edited rows may lose a seed finding of their own, e.g. a deleted row's.)
    assert expected <= after, f"{p.description}: missing {sorted(expected - after, key=str)}"
    assert added <= expected, f"{p.description}: unexpected {sorted(added - expected, key=str)}"
