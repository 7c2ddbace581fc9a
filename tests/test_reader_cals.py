"""The CALS XML reader on real Finlex excerpts (tests/fixtures/finlex/: Semantic Finlex, Ministry
of Justice, Finland, CC BY 4.0) and on small hostile or foreign-dialect inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bitext.errors import InputError
from bitext.model import RawTable, TextBlock
from bitext.normalize import normalize
from bitext.readers import read_raw, sniff_text_format

FIX = Path(__file__).parent / "fixtures" / "finlex"
DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "finlex" / "dev"
if not DEV.exists():
    DEV = Path("/work/shared/data/finlex/dev")


def tables(doc):  # type: ignore[no-untyped-def]
    return [b for b in doc.blocks if isinstance(b, RawTable)]


def cells(table):  # type: ignore[no-untyped-def]
    return [r.cells for r in table.rows]


def test_upper_case_namest_on_the_paragraph_spans_columns():
    doc = read_raw(FIX / "asd20100242-sv-t1.xml")
    assert doc.format == "cals"
    (t,) = tables(doc)
    rows = cells(t)
    # NAMEST="3" NAMEEND="4" on the entry: text in column 3; NAMEST="2" on its paragraph: column 2
    assert rows[0] == ("", "", "1.1. BERÄKNINGSGRUNDER FÖR UTRYMMEN", "")
    assert rows[1] == ("Funktion", "Beräkningsgrund", "", "Preciseringar")
    assert rows[2] == ("", "Beräkningsgrunderna är maximala stödberättigande ytor", "", "")
    # m<sup>2</sup> keeps the superscript as a superscript digit, the number stays 10,5
    assert rows[5][2] == "10,5m²/djur"
    assert rows[7][3] == "Högst 35 m²"


def test_morerows_leaves_the_cells_below_empty_and_shifts_the_row():
    sv = cells(tables(read_raw(FIX / "asd20230064-sv-t2.xml"))[0])
    fi = cells(tables(read_raw(FIX / "asd20230064-fi-t2.xml"))[0])
    # sv: two row-spanning cells, so the class numbers 1..7 start in column 3
    assert sv[1] == ("", "", "1", "2", "3", "4", "5", "6", "7")
    # fi has no morerows and writes only the 7 numbers (fewer entries than the 9 columns):
    # CALS would fill from the left, but the columns read from the table's full rows hold
    # words in 1-2 and numbers in 3-9, so the row is placed under the spanning heading, as
    # the Swedish version writes it (before: a layout difference reported on every cell)
    assert fi[1] == ("", "", "1", "2", "3", "4", "5", "6", "7")
    # namest="3" nameend="9": the heading sits in column 3, the spanned columns stay empty
    assert sv[0][2] == "Bördighetsklass (milligram fosfor per liter)" and sv[0][3:] == ("",) * 6
    assert sv[2] == ("lerjordar", "mf", "≤ 1,9", "2,0–3,9", "4,0–7,9", "8,0–14,9", "15,0–24,9", "25,0–39,9", "≥ 40")


def test_thead_rows_are_header_rows():
    doc = read_raw(FIX / "asd20231058-fi-t1.xml")
    (t,) = tables(doc)
    assert t.header_rows == 2
    assert t.rows[1].cells[:3] == ("Nro", "PALISKUNTA", "Karhu")
    norm = normalize(doc)
    assert norm.tables[0].rows[0].cells[1].text == "Paistunturi"
    assert "PALISKUNTA" in norm.tables[0].header[1]


def test_title_before_table_and_tgroups_continue_the_table():
    doc = read_raw(FIX / "asd20180571-sv-t1.xml")
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["TextBlock", "TextBlock", "RawTable"]
    assert doc.blocks[1].text == "SKATTETABELL 1 A"  # tau:title
    (t,) = tables(doc)
    # first tgroup: 2 columns, second: 3; all rows padded to the table's width
    assert t.rows[0].cells == ("Fordonets CO₂-utsläpp", "Skattens belopp", "")
    assert t.rows[4].cells == ("0", "29,10", "106,21")
    assert normalize(doc).tables[0].heading == "SKATTETABELL 1 A"


def test_provenance_is_table_row_and_xml_line():
    doc = read_raw(FIX / "asd20230064-sv-t2.xml")
    (t,) = tables(doc)
    src = t.rows[2].source
    assert src.ref == "t1 r3 (line 52)" and src.lines == ()
    assert "<tau:row>" in (FIX / "asd20230064-sv-t2.xml").read_text(encoding="utf-8").splitlines()[51]
    keys = [r.key for r in normalize(doc).rows]
    assert len(keys) == len(set(keys))


def test_namespace_and_attribute_case_do_not_matter():
    plain = ('<doc><table><tgroup cols="3"><tbody>'
             '<row><entry namest="c1" nameend="c2">wide</entry><entry>x</entry></row>'
             '</tbody></tgroup></table></doc>')
    spec = ('<doc><table><tgroup cols="3"><colspec colname="c1"/><colspec colname="c2"/><colspec colname="c3"/>'
            '<tbody><row><entry namest="c2" nameend="c3">wide</entry></row>'
            '<row><entry colname="c3">only 3</entry></row></tbody></tgroup></table></doc>')
    ns = ('<d:doc xmlns:d="http://docbook.org/ns/docbook"><d:table><d:tgroup COLS="2"><d:tbody>'
          '<d:row><d:entry NAMEST="1" NAMEEND="2">A</d:entry></d:row>'
          '<d:row><d:entry>B</d:entry><d:entry>C</d:entry></d:row></d:tbody></d:tgroup></d:table></d:doc>')
    from bitext.readers import cals

    assert cells(tables(cals.parse("a.xml", plain))[0]) == [("wide", "", "x")]
    assert cells(tables(cals.parse("b.xml", spec))[0]) == [("", "wide", ""), ("", "", "only 3")]
    assert cells(tables(cals.parse("c.xml", ns))[0]) == [("A", ""), ("B", "C")]


def test_chosen_by_content_whatever_the_name(tmp_path):
    text = (FIX / "asd20230064-sv-t2.xml").read_text(encoding="utf-8")
    assert sniff_text_format(text) == "cals"
    p = tmp_path / "statute.txt"
    p.write_text(text, encoding="utf-8")
    assert read_raw(p).format == "cals"
    # an HTML page is still HTML, a DocBook table near the top is still CALS
    assert sniff_text_format("<html><body><table><tr><td>a</td></tr></table></body></html>") == "html"
    assert sniff_text_format('<article><table><tgroup cols="1"/></table></article>') == "cals"


def test_editorial_correction_keeps_the_new_text_and_breaks_are_spaces():
    from bitext.readers import cals

    xml = ('<doc><p>Intro</p><table><tgroup cols="2"><tbody><row>'
           '<entry><p>3 000 <oikaisu><uusi>euroa</uusi><vanha>euro (korjattu)</vanha></oikaisu></p></entry>'
           '<entry>rivi<br/>kaksi<sup>1)</sup> H<sub>2</sub>O x<sup>a</sup></entry>'
           '</row></tbody></tgroup></table><p>Loppu</p></doc>')
    doc = cals.parse("x.xml", xml)
    assert [type(b) for b in doc.blocks] == [TextBlock, RawTable, TextBlock]
    assert doc.blocks[1].rows[0].cells == ("3 000 euroa", "rivi kaksi¹⁾ H₂O xa")


@pytest.mark.parametrize(
    "content, problem",
    [
        ("<doc><table><tgroup><row>", "is not well-formed XML"),
        ("<doc><p>Hei</p><list><item>a</item></list></doc>", "has no CALS table"),
    ],
)
def test_broken_or_non_cals_xml_is_one_line_error(tmp_path, content, problem):
    p = tmp_path / "bad.xml"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_raw(p)
    assert problem in str(exc.value) and "\n" not in str(exc.value) and str(p) in str(exc.value)


def test_entities_are_not_expanded_and_nothing_is_fetched(tmp_path):
    lol = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY ext SYSTEM "file:///etc/passwd">]>'
           '<d><table><tgroup cols="2"><tbody><row><entry>&c;</entry><entry>&ext;x</entry></row>'
           '</tbody></tgroup></table></d>')
    p = tmp_path / "lol.xml"
    p.write_text(lol, encoding="utf-8")
    (t,) = tables(read_raw(p))
    assert t.rows[0].cells == ("", "x")  # entity references dropped, not expanded or read


def test_spans_are_bounded(tmp_path):
    from bitext.readers import cals

    xml = ('<d><table><tgroup cols="99999999"><tbody><row><entry namest="1" nameend="99999999" '
           'morerows="99999999">a</entry></row><row><entry>b</entry></row></tbody></tgroup></table></d>')
    (t,) = tables(cals.parse("x.xml", xml))
    assert len(t.rows[0].cells) <= cals.MAX_COLUMNS  # the readers' one column bound
    assert t.rows[0].cells[0] == "a"


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/finlex is not here")
def test_xml_reads_like_the_markdown_conversion():
    """The reader and finlex2md.py agree on every table cell of a dev pair (super/subscripts
    folded), so results on the XML and on the Markdown conversion are comparable."""
    import unicodedata

    def rows(doc):  # type: ignore[no-untyped-def]
        return [tuple(unicodedata.normalize("NFKC", c).replace("−", "-") for c in r.cells)
                for t in tables(doc) for r in t.rows if not r.separator]

    for pid in ("asd20100242", "asd20151575", "asd20230064"):
        for lang in ("sv", "fi"):
            xml, md = rows(read_raw(DEV / pid / f"{lang}.xml")), rows(read_raw(DEV / pid / f"{lang}.md"))
            differ = [(a, b) for a, b in zip(xml, md) if a != b]
            assert len(xml) == len(md)
            # The one difference: a short row the reader places by its columns' kinds (see
            # test_morerows_leaves_the_cells_below_empty_and_shifts_the_row), the conversion
            # from the left.
            numbers = tuple(str(k) for k in range(1, 8))
            assert differ == ([(("", "") + numbers, numbers + ("", ""))] if (pid, lang) == ("asd20230064", "fi") else [])


def test_a_short_row_is_placed_by_what_its_columns_hold():
    """asd20211257 (fi): the rows under a radio-equipment group leave out the group's entry
    (no morerows): "Paikallinen yhteiskanava | 1" is the channel and its fee, columns 2-3,
    the group inherited from above (read from the left, every row of the group was a
    different row from its Swedish counterpart). A row that writes its empty entry stays."""
    path = FIX / "asd20211257-fi-short-rows.xml"
    rows = cells(tables(read_raw(path))[0])
    assert rows[1][1:] == ("Valtakunnallinen yksinoikeuskanava", "5")
    assert rows[2] == ("", "Rajoitetun käyttäjäryhmän valtakunnallinen kanava", "2")
    assert rows[4] == ("", "Paikallinen yhteiskanava", "1")
    assert rows[6] == ("", "Paikallinen yksinoikeuskanava", "2³")  # written with its empty entry
    doc = normalize(read_raw(path))
    assert doc.rows[1].cells[0].inherited and doc.rows[1].cells[0].text.startswith("1) matkaviestinverkot")


def test_a_lone_entry_and_a_row_of_words_in_word_columns_are_not_moved(tmp_path):
    def table(*rows: str) -> str:
        body = "".join("<row>" + "".join(f"<entry>{e}</entry>" for e in r.split("|")) + "</row>" for r in rows)
        return f"<doc><table><tgroup cols='3'><tbody>{body}</tbody></tgroup></table></doc>"

    path = tmp_path / "t.xml"
    path.write_text(table("Avgifter|Grund|5", "Tillägg|Extra|2", "Avgifter totalt", "Ansökan|Beslut"), encoding="utf-8")
    rows = cells(tables(read_raw(path))[0])
    assert rows[2] == ("Avgifter totalt", "", "")  # a heading across the row
    assert rows[3] == ("Ansökan", "Beslut", "")  # words fit the word columns as they stand


def test_a_row_that_writes_the_cells_a_morerows_entry_covers_stays_within_the_table():
    # asd20190498 (fi) table 2: "Nimelliskoko" and "Nimellinen ulkohalkaisija" have morerows="1",
    # yet the row below writes six entries, empty ones under them: six columns, not eight.
    (_, t) = tables(read_raw(FIX / "asd20190498-fi-captions.xml"))
    rows = cells(t)
    assert len(rows[0]) == 6
    assert rows[3] == ("", "", "de, min", "de, max", "Käyttöalue B", "Käyttöalue BD")
    assert rows[4] == ("32", "32", "32,0", "32,3", "1,8", "1,8")


def test_morerows_still_covers_a_row_with_fewer_entries():
    xml = (
        '<doc><table><tgroup cols="3"><tbody>'
        '<row><entry morerows="1">a</entry><entry>b</entry><entry>c</entry></row>'
        '<row><entry>d</entry><entry>e</entry></row>'
        '<row><entry morerows="1">f</entry><entry>g</entry><entry>h</entry></row>'
        '<row><entry>x</entry><entry>i</entry><entry>j</entry></row>'
        "</tbody></tgroup></table></doc>"
    )
    from bitext.readers import cals

    (t,) = tables(cals.parse("m.xml", xml))
    # Covered: d, e go right of the cover; a row writing a non-empty entry under the cover
    # is not "spelling out" the covered cell, so it stays pushed as before.
    assert cells(t)[1][:3] == ("", "d", "e")
    assert cells(t)[3] == ("", "x", "i", "j")
