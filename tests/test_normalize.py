"""Normalisation, step by step, on the seeds and on small cases (positive and negative)."""

from __future__ import annotations

import pytest

from bitext.model import RawDocument, RawRow, RawTable, Source, TextBlock
from bitext.normalize import clean_text, continuation_offset, join_fragment, normalize, rejoin_hyphenated
from bitext.readers import read_raw
from conftest import FI, SV


@pytest.fixture(scope="module")
def sv():
    return normalize(read_raw(SV))


@pytest.fixture(scope="module")
def fi():
    return normalize(read_raw(FI))


def by_line(doc, line):
    return next(r for r in doc.rows if r.source.line == line)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("palvelu- päällikkö", "palvelupäällikkö"),
        ("Itä-Uudenmaan vammais- palveluiden", "Itä-Uudenmaan vammaispalveluiden"),
        ("Perhe- ja lähisuhdeväkivallan", "Perhe- ja lähisuhdeväkivallan"),  # conjunction: shared compound part
        ("daghems- och skolålder", "daghems- och skolålder"),
        ("osallistumis- tai vaikuttamis", "osallistumis- tai vaikuttamis"),
        ("Baby Club - verksamheten", "Baby Club - verksamheten"),  # spaced dash, not a break
        ("KESKUKSEN AVAIN- TAVOITTEET", "KESKUKSEN AVAIN- TAVOITTEET"),  # capital after: unsafe
        ("Helmi-telefonen", "Helmi-telefonen"),
        ("1- 6/2021", "1- 6/2021"),
    ],
)
def test_rejoin_hyphenated(text, expected):
    assert rejoin_hyphenated(text) == expected


def test_clean_text_unicode():
    assert clean_text("a\u00a0b\u202fc") == "a b c"
    assert clean_text("hälso\u00adsam") == "hälsosam"
    assert clean_text("zero\u200bwidth\ufeff") == "zerowidth"
    assert clean_text("A\u0308r") == "Är"  # NFC
    assert clean_text("  many   \n spaces ") == "many spaces"


def test_join_fragment():
    assert join_fragment("hälso-", "samma matvanor") == "hälsosamma matvanor"
    assert join_fragment("Vi skapar nya servicestrukturer genom", "samarbete.") == "Vi skapar nya servicestrukturer genom samarbete."
    assert join_fragment("osallistumis-", "ja vaikuttamis") == "osallistumis- ja vaikuttamis"
    assert join_fragment("", "x") == "x" and join_fragment("x", "") == "x"


def test_continuation_requires_unfinished_cell_and_lower_case():
    prev = ("Goal.", "Meter.", "Vi främjar det att barn har hälso-", "Plan och", "Chef för tjänster", "Rapport.")
    assert continuation_offset(prev, ("", "", "samma vanor.", "mer.", "för barn", ""), 6) == 0
    # A real row: starts in upper case.
    assert continuation_offset(prev, ("", "Verksamhet som genomförs.", "Vi gör", "", "", ""), 6) is None
    # Lower case, but the cell above is finished: not a continuation.
    assert continuation_offset(prev, ("", "", "", "", "", "och mer."), 6) is None
    # One extra leading TAB (the Finnish seed's page-break lines) is dropped.
    assert continuation_offset(prev, ("", "", "", "samma vanor.", "", "", ""), 6) == 1


def test_seed_rows_counts(sv, fi):
    assert len(sv.rows) == 67 and len(fi.rows) == 67
    assert len(sv.tables) == 25 and len(fi.tables) == 25
    assert [len(p.tables) for p in sv.parts] == [6, 2, 6, 6, 5] == [len(p.tables) for p in fi.parts]
    assert sv.parts[1].title == "Ansvarsområdets namn: Förvaltning"
    assert fi.parts[4].title == "VASTUUALUE: SENIORIPALVELUT"


def test_markdown_continuations(sv):
    row = by_line(sv, 32)
    assert row.source.lines == (32, 36)
    assert row.cells[0].text == "Vi skapar nya servicestrukturer och serviceformer genom samarbete och nätverksbildning."
    assert row.cells[4].text.endswith("barn och unga saamt ledande socialarbetaren")
    row = by_line(sv, 124)
    assert row.source.lines == (124, 128)
    assert "hälsosamma matvanor" in row.cells[2].text
    assert "rådgivningsbyrån och inom skolhälsovården" in row.cells[5].text
    assert by_line(sv, 185).source.lines == (185, 189)
    # Line 50 follows an empty-header table after a page break but is a real row.
    assert by_line(sv, 50).source.lines == (50,)


def test_tsv_continuations_with_extra_tab(fi):
    row = by_line(fi, 30)
    assert row.source.lines == (30, 32)
    assert "perheiden palveluiden seudulliseen kehittämiseen. Osallistutaan maakunnalliseen" in row.cells[3].text
    assert row.cells[4].text.startswith("Perusturvalautakunta")  # column 5 untouched
    row = by_line(fi, 41)
    assert row.cells[2].text.endswith("tehostetaan painonhallinnassa ja terveydessä.")
    row = by_line(fi, 196)
    assert row.source.lines == (196, 198)
    assert row.cells[3].text.endswith("ovat käytössä. Henkilöstöpalvelujen mallit työhyvinvoinnin kehittämiseksi ovat tiedossa ja käytössä.")
    assert [r.source.line for r in fi.rows].count(111) == 0  # merged into 109


def test_headers_and_separators_dropped(sv, fi):
    kinds = [s.kind for s in fi.steps]
    assert kinds.count("header_dropped") == 25  # one header per table in the Finnish seed
    assert kinds.count("separator_dropped") == 1  # the one dash line (112)
    assert not any(r.cells[0].text.startswith(("KESKUKSEN", "CENTRALENS")) for r in sv.rows + fi.rows)
    assert "separator_dropped" in {s.kind for s in sv.steps}


def test_merged_first_cell(sv, fi):
    row = by_line(sv, 12)
    assert row.cells[0].inherited and row.cells[0].raw == ""
    assert row.cells[0].text == by_line(sv, 11).cells[0].text
    # Across a page-break table join (line 50 takes the goal of 45).
    assert by_line(sv, 50).cells[0].text == "Vi satsar på arbetet med att främja hälsa och välfärd."
    assert not by_line(sv, 11).cells[0].inherited
    assert by_line(fi, 34).cells[0].text.startswith("Luomme uusia palvelurakenteita")


def test_swedish_only_seeds_read(tmp_path):
    from bitext.errors import InputError

    doc = normalize(read_raw("data/stockholm_2023_sv.txt"))
    assert doc.format == "markdown" and len(doc.tables) >= 3
    doc = normalize(read_raw("data/lilla_edet_2021_sv.txt"))
    assert doc.format == "tsv"
    assert not any("<p>" in c.text or "</i>" in c.text for r in doc.rows for c in r.cells)
    with pytest.raises(InputError, match="no tables"):
        normalize(read_raw("data/huddinge_2014_sv.txt"))


def test_ragged_row_padded():
    raw = RawDocument(
        "x",
        "tsv",
        "utf-8",
        (
            TextBlock("Heading", Source("x", (1,))),
            RawTable(
                (
                    RawRow(("A", "B", "C"), Source("x", (3,))),
                    RawRow(("Only one",), Source("x", (4,))),
                    RawRow(("One", "Two", "Three", "Four"), Source("x", (5,))),
                ),
                Source("x", (3, 4, 5)),
                1,
            ),
        ),
    )
    doc = normalize(raw)
    assert doc.rows[0].texts == ("Only one", "", "")
    assert doc.rows[1].texts == ("One", "Two", "Three Four")
    assert sum(s.kind == "ragged_row" for s in doc.steps) == 2
