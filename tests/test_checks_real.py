"""The checks on real documents (issue 9 classes 3, 4, 7): official Swedish and Finnish
versions of Finnish statutes, where nearly every finding should be quiet.

The texts are excerpts of Finlex statutes (Semantic Finlex, Ministry of Justice, Finland,
CC BY 4.0; see tests/fixtures/finlex/README.md), quoted as the readers give them."""

from __future__ import annotations

from pathlib import Path

import pytest

import bitext
from bitext.checks.numeric import compare_numbers
from bitext.lexicon.numbers import read_numbers

FIX = Path(__file__).parent / "fixtures" / "finlex"


# --- class 3: numbers read as the same ------------------------------------------------------


@pytest.mark.parametrize(
    "sv, fi",
    [
        # dates with month names and digits (asd20051045 sv/fi signature lines, asd20061395)
        ("Helsingfors den 13 december 2005", "Helsingissä 13 päivänä joulukuuta 2005"),
        ("förordning av den 7 december 2005 om Sjöfartsverkets avgiftsbelagda prestationer (981/2005) 3 § 1 mom. 2 punkten",
         "7 päivänä joulukuuta 2005 annetun liikenne- ja viestintäministeriön asetuksen (981/2005) 3 §:n 1 momentin 2 kohta"),
        ("den 24 februari 2023", "24.2.2023"),
        ("i februari 2023", "helmikuussa 2023"),
        # a superscript from the CALS reader (asd20100242 sv, m<sup>2</sup>) vs the flattened Markdown
        ("10,5m²/djur", "10,5m2/eläin"),
        ("Högst 35 m²", "Enintään 35 m2"),
        ("BaSi₂O₅", "BaSi2O5"),
        ("⁽³⁾", "(3)"),
        # thousands with a space, a no-break space, a narrow no-break space (asd20131255)
        ("138 765 000", "138\u00a0765\u00a0000"),
        ("1 160 euro", "1\u202f160 euroa"),
        # ranges whatever the dash (asd20151575: "31-60 minuter")
        ("ett bildprogram vars längd är 31-60 minuter", "kuvaohjelma, jonka pituus on 31–60 minuuttia"),
        # "9 euro" vs "9,00" (asd20151575 row A: sv "9 euro / program", fi "9,00 / ohjelma")
        ("9 euro / program", "9,00 / ohjelma"),
        # numbers and ordinals as words
        ("två gånger", "2 kertaa"),
        ("3 kap.", "kolmas luku"),
    ],
)
def test_numbers_read_as_the_same(sv, fi):
    assert compare_numbers(sv, "sv", fi, "fi") == ([], [])


def test_numbers_that_differ_still_differ():
    # asd20131255: the Swedish digit-grouping slip "13 8765 000" is a real difference
    only_sv, only_fi = compare_numbers("13 8765 000", "sv", "138 765 000", "fi")
    assert only_fi == ["138765000"] and only_sv
    # another date, another amount
    assert compare_numbers("den 24 februari 2023", "sv", "25.2.2023", "fi") == (["2023-02-24"], ["2023-02-25"])
    assert compare_numbers("8,30 euro", "sv", "8,50 euroa", "fi") == (["8.3"], ["8.5"])
    # as multisets: a number written once more on one side is one extra
    assert compare_numbers("5 och 6", "sv", "5 ja 5", "fi") == (["6"], ["5"])


def test_one_reader_for_anchors_and_checks():
    # the alignment's anchors read dates as the check does
    assert bitext.lexicon.parse_numbers("13.12.2005") == set(read_numbers("13 päivänä joulukuuta 2005").values) == {"2005-12-13"}


# --- class 4 and 7: repeated rows, split rows (real model, small excerpts) --------------------


@pytest.fixture(scope="module")
def repeated():
    return bitext.check(FIX / "asd20070161_sv_repeated.md", FIX / "asd20070161_fi_repeated.md")


def test_rows_repeated_in_both_versions_are_not_duplicates(repeated):
    # "Förnyande | 44" five times in Swedish, "Uudistaminen | 44" five times in Finnish
    assert sum(r.texts == ("Förnyande", "44") for r in repeated.alignment.left.rows) >= 4
    kinds = [f.kind for f in repeated.findings if f.severity in ("warning", "error")]
    assert "duplicate_row" not in kinds and "missing_row" not in kinds


def test_a_row_repeated_in_one_version_only_is_a_duplicate(tmp_path):
    lines = (FIX / "asd20070161_sv_repeated.md").read_text(encoding="utf-8").splitlines()
    extra = tmp_path / "sv.md"
    extra.write_text("\n".join(lines[:3] + [lines[2]] + lines[3:]) + "\n", encoding="utf-8")
    r = bitext.check(extra, FIX / "asd20070161_fi_repeated.md")
    assert [f.kind for f in r.findings if f.kind in ("duplicate_row", "missing_row")] == ["duplicate_row"]


def test_a_split_row_is_reported_once_as_structure(tmp_path):
    # asd20151575 item 6: the Swedish heading row and sub-items A (8,30) and B (15,50) are
    # one Finnish row holding both fees
    r = bitext.check(FIX / "asd20151575_sv_split.md", FIX / "asd20151575_fi_split.md")
    structure = [f for f in r.findings if f.kind == "structure"]
    assert len(structure) == 1 and structure[0].evidence["structure"] == "row_split"
    assert structure[0].right.texts[0].startswith("6. Kirjaston kaukolaina")
    assert len(structure[0].evidence["sv_rows"]) == 3
    assert not [f for f in r.findings if f.kind in ("missing_row", "number_mismatch", "cell_mismatch", "empty_cell")]
    # the numbers of the whole row are still compared with its parts together
    fi = (FIX / "asd20151575_fi_split.md").read_text(encoding="utf-8").replace("15,50", "15,90")
    (tmp_path / "fi.md").write_text(fi, encoding="utf-8")
    r2 = bitext.check(FIX / "asd20151575_sv_split.md", tmp_path / "fi.md")
    nums = [f for f in r2.findings if f.kind == "number_mismatch"]
    assert len(nums) == 1 and "15.5" in nums[0].message and "15.9" in nums[0].message


def test_a_list_written_as_rows_is_one_list_split(tmp_path):
    # asd20180384 exemption 9.b: the Swedish cell packs the expiry dates as a list
    # ("tidtabell:– den 21 juli 2023 …,– den 21 juli 2024 …,– den 21 juli 2021 …"), the
    # Finnish version writes "Poikkeus päättyy:" and each date as a row of its own
    sv, fi = FIX / "asd20180384_sv_list.md", FIX / "asd20180384_fi_list.md"
    r = bitext.check(sv, fi)
    lists = [f for f in r.findings if f.kind == "structure" and f.evidence.get("structure") == "list_split"]
    assert len(lists) == 1 and lists[0].left.texts[0] == "9.b"
    assert lists[0].evidence["items"] == {"sv": 3, "fi": 3} and len(lists[0].evidence["fi_rows"]) == 5
    assert not [f for f in r.findings if f.kind in ("missing_row", "duplicate_row", "number_mismatch", "empty_cell")]
    # a date changed in one item row is still found, against the whole list cell
    (tmp_path / "fi.md").write_text(fi.read_text(encoding="utf-8").replace("– 21.7.2024", "– 21.7.2025"), encoding="utf-8")
    nums = [f for f in bitext.check(sv, tmp_path / "fi.md").findings if f.kind == "number_mismatch"]
    assert len(nums) == 1 and "2024-07-21" in nums[0].message and "2025-07-21" in nums[0].message
    # an item row dropped leaves the list one item short: said in the split, not hidden
    text = fi.read_text(encoding="utf-8").splitlines()
    (tmp_path / "fi2.md").write_text("\n".join(l for l in text if not l.startswith("|  |  | – 21.7.2024")) + "\n", encoding="utf-8")
    short = [f for f in bitext.check(sv, tmp_path / "fi2.md").findings if f.evidence.get("structure") == "list_split"]
    assert len(short) == 1 and short[0].evidence["items"] == {"sv": 3, "fi": 2}


def test_note_rows_written_as_paragraphs_in_the_other_version_are_moved_notes(tmp_path):
    # asd20190498 1 §: the Finnish table 1 ends with three note rows ("1) Käyttöalue "BD": …",
    # "Vähimmäisjäykkyysluokka …", "Käyttöalue "B": …"); the Swedish version writes them as
    # paragraphs right after its table.
    sv, fi = FIX / "asd20190498_sv_notes.md", FIX / "asd20190498_fi_notes.md"
    r = bitext.check(sv, fi)
    moved = [f for f in r.findings if f.evidence.get("structure") == "moved_to_text"]
    assert len(moved) == 3 and not [f for f in r.findings if f.kind == "missing_row"]
    # a note the Swedish version does not have is still missing
    text = sv.read_text(encoding="utf-8").replace("Minimistyvhetsklassen i en byggnad ska vara SN4 och på ett tomtområde SN 4 eller SN 8, beroende på belastning och installationsdjup.\n", "")
    (tmp_path / "sv.md").write_text(text, encoding="utf-8")
    missing = [f for f in bitext.check(tmp_path / "sv.md", fi).findings if f.kind == "missing_row"]
    assert len(missing) == 1 and missing[0].right.texts[0].startswith("Vähimmäisjäykkyysluokka")


def test_a_row_repeated_in_both_versions_with_a_footnote_on_one_copy_is_no_duplicate(tmp_path):
    # asd20100242 annex: "Samfunktioner | nettoyta, m2 | 2 %" under two animal houses; the
    # Finnish copies differ by a footnote mark ("nettoala, m22"), each copy is paired with its own
    r = bitext.check(FIX / "asd20100242_sv_repeated.md", FIX / "asd20100242_fi_repeated.md")
    assert not [f for f in r.findings if f.kind.value == "duplicate_row"]
    # a copy added to the Swedish version is still a duplicate
    lines = (FIX / "asd20100242_sv_repeated.md").read_text(encoding="utf-8").split("\n")
    at = [k for k, line in enumerate(lines) if "| 2 % |" in line][1]
    (tmp_path / "sv.md").write_text("\n".join(lines[: at + 1] + [lines[at]] + lines[at + 1 :]), encoding="utf-8")
    r = bitext.check(tmp_path / "sv.md", FIX / "asd20100242_fi_repeated.md")
    assert [f.kind.value for f in r.findings if f.kind.value in ("duplicate_row", "missing_row")] == ["duplicate_row"]
