"""False findings on faithful official translations (phase C, the untuned Finlex dev pairs),
and that the real differences next to them are still found.

The texts are excerpts of Finlex statutes (Semantic Finlex, Ministry of Justice, Finland,
CC BY 4.0; see tests/fixtures/finlex/README.md), quoted as the readers give them."""

from __future__ import annotations

from pathlib import Path

import pytest

import bitext
from bitext.checks.numeric import compare_numbers

FIX = Path(__file__).parent / "fixtures" / "finlex"


# --- numbers: provision references and Finnish dates written another way ---------------------


@pytest.mark.parametrize(
    "sv, fi",
    [
        # asd20151579: an article's paragraph as "55.2" in Swedish, "55(2)" or "43, kohta 6" in Finnish
        ("Tillfälligt tillstånd för produkt (art. 55.2)*", "Valmisteen väliaikainen lupa (art. 55(2))*"),
        ("6.5 Tillstånd till undantagsanvändning av en produkt (art. 55.1)", "6.5 Lupa valmisteen poikkeukselliseen käyttöön (art. 55(1))"),
        ("Förlängning av tillstånd (art. 43.6)", "Luvan jatkaminen (art. 43, kohta 6)"),
        # asd20220127: "artikel 5.1" vs "5 artiklan 1 kohta", several in one cell
        ("förordning (EG) nr 183/2005 om fastställande av krav för foderhygien, artikel 5.1 samt punkt 4 leden e och g i "
         "avsnitt I i del A i bilaga I och punkt 2 leden a, b och e i avsnitt II i del A i bilaga I, artikel 5.5 samt "
         "punkterna 1 och 2 i bilaga III samt artikel 5.6",
         "asetus (EY) N:o 183/2005 rehuhygieniaa koskevista vaatimuksista 5 artiklan 1 kohta ja liitteen I osan A I jakson "
         "4 kohdan e ja g alakohta, II jakson 2 kohdan a, b ja e alakohta, 5 artiklan 5 kohta sekä liitteen III 1 ja 2 "
         "kohta, 5 artiklan 6 kohta"),
        # asd20111064: a list of regulation numbers written without the space
        ("83, 103", "83,103"),
        # asd20060134: a Finnish date with the month in the partitive and no "päivänä"
        ("I mjölkningsanläggningar som tas i bruk efter den 1 januari 2008",
         "Lypsylaitteistoissa, jotka otetaan käyttöön 1 tammikuuta 2008 jälkeen"),
    ],
)
def test_references_and_dates_read_as_the_same(sv, fi):
    assert compare_numbers(sv, "sv", fi, "fi") == ([], [])


def test_numbers_that_differ_still_differ():
    # asd20151101 t9: "60 m" in Swedish, "40m" in Finnish (a real difference of the files)
    assert compare_numbers("4,3 (60 m)", "sv", "4,3 (40m)", "fi") == (["60"], ["40"])
    # another paragraph, another article, another day
    assert compare_numbers("(art. 55.2)", "sv", "(art. 56(2))", "fi") == (["55.2"], ["2", "56"])
    assert compare_numbers("(art. 55.2)", "sv", "(art. 55(3))", "fi") == (["55.2"], ["3", "55"])
    assert compare_numbers("efter den 1 januari 2008", "sv", "2 tammikuuta 2008 jälkeen", "fi") == (["2008-01-01"], ["2008-01-02"])
    # asd20220127: the Finnish file lost the range dash ("12 §:n 13 momentti" for 1–3): reported
    assert compare_numbers("12 § 1–3 mom.", "sv", "12 §:n 13 momentti", "fi") == (["1", "3"], ["13"])


# --- a row whose cells sit in other columns of the other version ------------------------------


def _warnings(result, kind):
    return [f for f in result.findings if f.kind == kind and f.severity in ("warning", "error")]


@pytest.fixture(scope="module")
def items():
    return bitext.check(FIX / "asd20060134_sv_items.md", FIX / "asd20060134_fi_items.md")


def test_a_cell_in_another_column_is_not_an_empty_cell(items):
    # asd20060134 chapter 1 item 1 a): the Swedish "- tidpunkten när man ..." in column 2,
    # the Finnish "- rehun käytön lopettamisajankohta ..." in column 3 of the same row
    assert not _warnings(items, "empty_cell")
    info = [f for f in items.findings if f.kind == "empty_cell"]
    assert sorted((f.column, f.evidence["other_column"]) for f in info) == [(2, 3), (3, 2)]
    assert all(f.severity == "info" for f in info)


def test_a_moved_cell_with_other_numbers_stays_an_empty_cell(tmp_path):
    # the same row, the two texts given different numbers: not the same content moved
    sv = (FIX / "asd20060134_sv_items.md").read_text(encoding="utf-8").replace("fodret har karenstid", "fodret har karenstid 20 dagar")
    fi = (FIX / "asd20060134_fi_items.md").read_text(encoding="utf-8").replace("rehulla on varoaika", "rehulla on 30 päivän varoaika")
    (tmp_path / "sv.md").write_text(sv, encoding="utf-8")
    (tmp_path / "fi.md").write_text(fi, encoding="utf-8")
    r = bitext.check(tmp_path / "sv.md", tmp_path / "fi.md")
    assert sorted(f.column for f in _warnings(r, "empty_cell")) == [2, 3]


def test_an_emptied_cell_next_to_a_moved_one_is_still_found(tmp_path):
    # item a)'s Finnish text emptied: its row keeps one filled cell fewer than the Swedish
    fi = (FIX / "asd20060134_fi_items.md").read_text(encoding="utf-8")
    fi = fi.replace("eläinlajeille ja -ryhmille syötetyt rehut mukaan lukien itse tuotetut rehut", "")
    (tmp_path / "fi.md").write_text(fi, encoding="utf-8")
    r = bitext.check(FIX / "asd20060134_sv_items.md", tmp_path / "fi.md")
    found = _warnings(r, "empty_cell")
    assert [(f.column, f.left.texts[1]) for f in found] == [(3, "a)")]
    # the moved row next to it is still an info
    assert [f.evidence.get("other_column") for f in r.findings if f.kind == "empty_cell" and f.severity == "info"] == [3, 2]


# --- a cell continued in the next column -----------------------------------------------------


def test_a_cell_continued_in_the_next_column_is_not_an_empty_cell():
    # asd20090036 2.2.1 d): Swedish "1 700 €/" | "verksamt ämne", Finnish "1 700 €/ tehoaine" | ""
    r = bitext.check(FIX / "asd20090036_sv_continued.md", FIX / "asd20090036_fi_continued.md")
    assert not [f for f in r.findings if f.severity in ("warning", "error")]
    info = [f for f in r.findings if f.kind == "empty_cell"]
    assert [(f.column, f.evidence["continues_column"], f.severity) for f in info] == [(3, 2, "info")]


@pytest.mark.parametrize(
    "old, new",
    [
        ("| 1 700 €/ | verksamt ämne |", "| 1 700 € | verksamt ämne |"),  # nothing says the cell goes on
        ("| 1 700 €/ | verksamt ämne |", "| 1 900 €/ | verksamt ämne |"),  # the whole says another amount
    ],
)
def test_a_cell_that_does_not_continue_stays_an_empty_cell(tmp_path, old, new):
    sv = (FIX / "asd20090036_sv_continued.md").read_text(encoding="utf-8")
    assert old in sv
    (tmp_path / "sv.md").write_text(sv.replace(old, new), encoding="utf-8")
    r = bitext.check(tmp_path / "sv.md", FIX / "asd20090036_fi_continued.md")
    assert [f.column for f in _warnings(r, "empty_cell")] == [3]


# --- cells that only look cut off --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "asd20060134_{}_defined.md",  # "I denna bilaga avses med" / "Tässä liitteessä tarkoitetaan:"; "…; ja"
        "asd20100242_{}_hyphen.md",  # "Kuivikkeen ja tonkimisaineen jako-" + "järjestelmä" in the row below
        "asd20090036_{}_continued.md",  # "… (91/414/EEC) liitteeseen I": a numeral, not the word "i"
    ],
)
def test_cells_that_only_look_cut_off(name):
    r = bitext.check(FIX / name.format("sv"), FIX / name.format("fi"))
    assert not _warnings(r, "truncated")


@pytest.mark.parametrize(
    "name, side, old, new",
    [
        # the Finnish list item cut after "ja" with no item ending before it
        ("asd20060134_{}_defined.md", "fi", "kalastustuotteita; ja", "kalastustuotteita ja"),
        # the hyphenated word not continued below
        ("asd20100242_{}_hyphen.md", "fi", "| järjestelmä | lihasika |", "| Järjestelmä | lihasika |"),
        # the Finnish heading cut on a function word where the numeral was
        ("asd20090036_{}_continued.md", "fi", "liitteeseen I |", "liitteeseen ja |"),
    ],
)
def test_a_cell_really_cut_off_is_still_found(tmp_path, name, side, old, new):
    paths = {s: FIX / name.format(s) for s in ("sv", "fi")}
    text = paths[side].read_text(encoding="utf-8")
    assert old in text
    paths[side] = tmp_path / f"{side}.md"
    paths[side].write_text(text.replace(old, new), encoding="utf-8")
    r = bitext.check(paths["sv"], paths["fi"])
    assert len(_warnings(r, "truncated")) == 1


# --- one text rendered two ways, each several times ------------------------------------------


def _content_claims(result, text):
    return [f for f in result.findings if f.kind in ("cell_mismatch", "inconsistent_translation") and text in f.message]


def test_two_renderings_each_used_repeatedly_are_the_documents_choice():
    # asd20140231 balance sheet: "På anfordran betalbara" is "Vaadittaessa maksettavat" under
    # receivables (twice) and "Takaisinmaksettavat varat" under liabilities (twice)
    r = bitext.check(FIX / "asd20140231_sv_balance.md", FIX / "asd20140231_fi_balance.md")
    claims = _content_claims(r, "På anfordran betalbara")
    assert claims and all(f.kind == "inconsistent_translation" and f.severity == "info" for f in claims)


def test_a_rendering_used_once_against_a_majority_is_still_a_mismatch(tmp_path):
    fi = (FIX / "asd20140231_fi_balance.md").read_text(encoding="utf-8")
    assert fi.count("|  | Takaisinmaksettavat varat |  |") == 1
    (tmp_path / "fi.md").write_text(fi.replace("|  | Takaisinmaksettavat varat |  |", "|  | Vaadittaessa maksettavat |  |"), encoding="utf-8")
    r = bitext.check(FIX / "asd20140231_sv_balance.md", tmp_path / "fi.md")
    claims = _content_claims(r, "På anfordran betalbara")
    assert [f.severity for f in claims if f.kind == "cell_mismatch"] == ["warning"]
