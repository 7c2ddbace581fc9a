"""Normalisation rules on real statute tables (excerpts of Finlex Markdown conversions).

Fixtures: tests/fixtures/finlex/ (Semantic Finlex, Ministry of Justice, Finland, CC BY 4.0).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bitext.normalize import continuation_offset, normalize, starts_item
from bitext.readers import read_raw

FIX = Path(__file__).parent / "fixtures" / "finlex"


def doc(name: str):
    return normalize(read_raw(FIX / name))


def table_lines(name: str) -> list[int]:
    lines = (FIX / name).read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, 1) if line.startswith("|")]


def kinds(d) -> list[str]:
    return [s.kind for s in d.steps]


@pytest.mark.parametrize(
    "name", ["asd20060134_fi_items.md", "asd20060134_sv_items.md", "asd20151579_fi_numbered.md", "asd20120503_fi_subrows.md"]
)
def test_list_items_and_sub_rows_are_rows_of_their_own(name):
    # Statute tables have no page breaks: every table line is a row ("a)", "- …", "1.1 …",
    # lower-case sub-rows under an unfinished cell alike).
    d = doc(name)
    assert "continuation_merged" not in kinds(d)
    assert [r.source.lines for r in d.rows] == [(n,) for n in table_lines(name)]


def test_both_language_versions_keep_the_same_rows():
    fi, sv = doc("asd20060134_fi_items.md"), doc("asd20060134_sv_items.md")
    assert len(fi.rows) == len(sv.rows)
    by_line = {r.source.line: r for r in sv.rows}
    assert by_line[6].cells[2].text == "-fodrets inköpsdag och leverantör"
    assert by_line[7].cells[1].text.startswith("- tidpunkten")


def test_lower_case_sub_rows_are_explained():
    d = doc("asd20120503_fi_subrows.md")
    refused = [s for s in d.steps if s.kind == "continuation_refused"]
    # "siitosuros | 110" under "Minkki | 42": looks like a continuation, but no page break.
    assert refused and all("no page break" in s.detail for s in refused)


@pytest.mark.parametrize(
    "text", ["a) hakemus", "b)", "(c) x", "1) ensimmäinen", "iv) neljäs", "– 21.7.2023", "- använda läkemedel", "• kohta", "-fodrets", "1.1 Luvat", "2. Toinen"]
)
def test_item_starts(text):
    assert starts_item(text)


@pytest.mark.parametrize("text", ["och mer.", "2021 mennessä", "-5 °C", "19,50", "samarbete och nätverksbildning.", "(upphävt fr.o.m. 2.1.2013)"])
def test_not_item_starts(text):
    assert not starts_item(text)


def test_item_never_continues_an_unfinished_cell():
    prev = ("", "a)", "foder som har getts till djurarter och -grupper, självtillverkat foder medräknat", "")
    assert continuation_offset(prev, ("", "", "- använda läkemedel", ""), 4) is None
    assert continuation_offset(prev, ("", "", "samt mängden läkemedel", ""), 4) == 0
    # A number followed by a capitalised word is a numbered heading, not the end of a sentence.
    assert continuation_offset(("Maksut", ""), ("1 Vaarallisten kemikaalien käsittely", ""), 2) is None
