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


# --- header, title, spacer and dash rows (issue 9, class 6) ---------------------------------


def steps_of(d, kind: str) -> list:
    return [s for s in d.steps if s.kind == kind]


def test_caption_row_is_the_tables_title():
    d = doc("asd20071311_fi_caption.md")
    assert d.tables[0].heading == "VEROTAULUKKO 1"
    assert [s.source.line for s in steps_of(d, "title_row")] == [2]
    assert d.rows[0].cells[0].text == "Ajoneuvon hiilidioksidipäästöjen määrä"
    assert not any("VEROTAULUKKO" in c.text for r in d.rows for c in r.cells)


def test_two_caption_rows_and_a_titled_table_starts_a_new_table():
    d = doc("asd20140442_sv_captions.md")
    assert [t.heading for t in d.tables] == [
        "BILAGA I Tabell 1. Mikrobiologiska kvalitetskrav (högsta tillåtna täthet)",
        "BILAGA I Tabell 2. Kemiska kvalitetskrav (högsta tillåtna koncentration)",
    ]
    assert len(steps_of(d, "title_row")) == 4 and "table_joined" not in kinds(d)


def test_a_spanning_cell_without_number_or_capitals_is_not_a_caption():
    # "Alkuvaihe" heads some columns of a lesson-hour grid; the "----" placeholders are data.
    d = doc("asd20170135_fi_placeholders.md")
    assert not steps_of(d, "title_row") and not steps_of(d, "separator_dropped")
    assert d.rows[0].cells[3].text == "Alkuvaihe"
    assert [c.text for c in d.rows[4].cells][3] == "----"


def test_repeated_first_row_is_a_repeated_header():
    d = doc("asd20051045_fi_repeated_header.md")
    dropped = steps_of(d, "header_dropped")
    assert [s.source.line for s in dropped] == [7] and "line 1" in dropped[0].detail
    assert len(d.tables) == 1 and len(d.rows) == 7  # first row kept (no marked header), repeat dropped
    assert [r.cells[0].text for r in d.rows].count("Kunta") == 1


def test_identical_data_rows_are_not_headers():
    text = "| ALAHÄRMÄ | 19,50 | 1,75 | 2,00 |\n| ALAHÄRMÄ | 19,50 | 1,75 | 2,00 |\n| ALAJÄRVI | 19,00 | 1,75 | 2,00 |\n"
    from bitext.readers.markdown import parse

    d = normalize(parse("x.md", text))
    assert len(d.rows) == 3 and not steps_of(d, "header_dropped")


def test_spacer_rows_dropped_and_recorded():
    d = doc("asd20150049_fi_spacers.md")
    spacers = steps_of(d, "spacer_dropped")
    assert [s.source.line for s in spacers] == [3, 5, 7, 9, 11]
    assert len(d.rows) == 7


def test_dash_row_is_a_separator_only_after_the_first_row():
    from bitext.readers.markdown import parse

    text = "| Kunta | Vero |\n| --- | --- |\n| Akaa | 21,25 |\n|  | ---- |\n| Alajärvi | 21,75 |\n"
    d = normalize(parse("x.md", text))
    assert d.tables[0].header == ("Kunta", "Vero")
    assert [r.cells[1].text for r in d.rows] == ["21,25", "----", "21,75"]
    # The same placeholder line right after the first row is a separator.
    d = normalize(parse("x.md", "| Kunta | Vero |\n|  | ---- |\n| Akaa | 21,25 |\n"))
    assert d.tables[0].header == ("Kunta", "Vero") and len(d.rows) == 1


def test_a_caption_naming_itself_is_the_title_whatever_follows():
    # asd20190498 (fi): "Taulukko 1. …" over headings that span ("Käyttöalue / Jäykkyysluokka"
    # over four columns), "Taulukko 2. …" over a "Mitat mm" row: both are the tables' titles.
    d = normalize(read_raw(FIX / "asd20190498-fi-captions.xml"))
    assert [t.heading[:11] for t in d.tables] == ["Taulukko 1.", "Taulukko 2."]
    assert len(steps_of(d, "title_row")) == 2
    assert not any(c.text.startswith("Taulukko") for r in d.rows for c in r.cells)
    # The headings stay rows (they have no marked header to go to).
    assert d.tables[0].rows[0].cells[0].text == "Nimellis-koko"
