"""Paired tables of different widths (bitext.checks.columns): the column correspondence,
on a real statute whose Swedish tables have a column of sub-labels the Finnish ones lack."""

from __future__ import annotations

import numpy as np
import pytest

import bitext
from bitext.checks.columns import _best_correspondence
from conftest import SHARED

PAIR = SHARED / "finlex" / "dev" / "asd20130011"  # Semantic Finlex, Ministry of Justice, Finland, CC BY 4.0


def test_best_correspondence_leaves_the_extra_column_out():
    # Left columns 0, 1, 3, 4 are right columns 0, 1, 2, 3; left column 2 has no counterpart.
    w = np.full((5, 4), -1.0)
    for i, j in ((0, 0), (1, 1), (3, 2), (4, 3)):
        w[i, j] = 5.0
    w[2, 2] = 0.5  # the straight reading of the extra column: a little similar
    total, columns = _best_correspondence(w)
    assert columns == (0, 1, None, 2, 3) and total == pytest.approx(20.0, abs=1e-3)


def test_straight_columns_stay_straight():
    w = np.eye(4) * 3 - 1
    assert _best_correspondence(w)[1] == (0, 1, 2, 3)


@pytest.fixture(scope="module")
def statute():
    if not PAIR.exists():
        pytest.skip("../shared/data/finlex is not available")
    return bitext.check(PAIR / "sv.xml", PAIR / "fi.xml")


def test_a_column_one_version_lacks_is_one_structure_finding(statute):
    layouts = [f for f in statute.findings if f.kind == "structure" and f.evidence.get("structure") == "column_layout"]
    # Tables 3 and 8: the Swedish writes sub-labels ("Gata och nummer", "Ort") in a column of their own.
    assert sorted((f.evidence["sv_table"], tuple(f.evidence["columns"])) for f in layouts) == [
        (3, (1, 2, None, 3, 4)),
        (8, (1, 2, None, 3, 4)),
    ]
    in_layout = [f for f in statute.findings if f.left is not None and f.left.table in (2, 7) and f.kind in ("empty_cell", "column_shift")]
    assert in_layout == []  # 92 such findings before, one per row and column


def test_the_correspondence_keeps_real_differences(statute):
    """A cell copied in Finnish into the Swedish version of such a table is still found."""
    untranslated = [f for f in statute.findings if f.kind == "untranslated"]
    assert [(f.left.table + 1, f.column) for f in untranslated] == [(8, 4)]
    assert "Aakkosnumeerinen koodi" in untranslated[0].message


def test_tables_of_one_width_get_no_correspondence(seed_alignment):
    from bitext.checks.base import Context
    from bitext.params import CheckParams

    ctx = Context(seed_alignment, seed_alignment.measurements, lambda texts: {}, CheckParams())
    assert ctx.column_maps == {}
