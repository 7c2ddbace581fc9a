"""DOCX, PDF, HTML, XLSX and CSV inputs: each format's copy of the seed pair (built by
scripts/make_fixtures.py) gives the same alignment and the same findings as the text pair;
the readers' format quirks (merged cells, header rows, page breaks, running headers) one by
one; provenance end to end; and the text encodings."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import bitext
from bitext.model import RawTable, TextBlock
from bitext.normalize import normalize
from bitext.readers import read_raw
from conftest import FI, ROOT, SV

FIXTURES = ROOT / "tests" / "fixtures"
FORMATS = ["docx", "html", "xlsx", "pdf"]


def fixture(lang: str, fmt: str):
    return FIXTURES / f"loviisa_2021_{lang}.{fmt}"


def key(row) -> "tuple[str, ...] | None":
    """A row identified by its cell texts (line numbers differ between formats); spacing and
    punctuation aside, as a PDF cannot tell ``Club -verksamheten`` from ``Club - verksamheten``."""
    if row is None:
        return None
    return tuple(re.sub(r"\W+", "", c.text.lower()) for c in row.cells)


def links(result) -> Counter:
    al = result.alignment
    return Counter((al.relation_name(l), key(l.left), key(l.right)) for l in al.links)


def findings(result) -> Counter:
    """Findings, generically: whatever kinds exist, each with its rows and column."""
    return Counter((f.kind, f.severity, key(f.left), key(f.right), f.column) for f in result.findings)


@pytest.fixture(scope="module")
def text_result():
    return bitext.check(SV, FI)


@pytest.fixture(scope="module", params=FORMATS)
def format_result(request):
    return request.param, bitext.check(fixture("sv", request.param), fixture("fi", request.param))


def test_fixtures_are_committed():
    for fmt in FORMATS:
        for lang in ("sv", "fi"):
            assert fixture(lang, fmt).is_file(), f"run scripts/make_fixtures.py: {fixture(lang, fmt)} is missing"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang, seed", [("sv", SV), ("fi", FI)])
def test_same_logical_rows_as_the_text(fmt, lang, seed):
    ref = bitext.read(seed)
    doc = bitext.read(fixture(lang, fmt))
    assert doc.format == fmt and doc.language == lang
    assert [key(r) for r in doc.rows] == [key(r) for r in ref.rows]
    assert [t.heading for t in doc.tables] == [t.heading for t in ref.tables]
    assert [p.title for p in doc.parts] == [p.title for p in ref.parts]
    # The merged first cells come back as merged cells (empty in the file, inherited).
    assert [c.inherited for r in doc.rows for c in r.cells] == [c.inherited for r in ref.rows for c in r.cells]


def test_same_alignment_and_findings_as_the_text(format_result, text_result):
    fmt, result = format_result
    assert result.alignment.prefixes == ("sv", "fi")
    assert links(result) == links(text_result), fmt
    assert result.summary()["links"] == text_result.summary()["links"]
    assert findings(result) == findings(text_result), fmt


@pytest.mark.parametrize("sv, fi", [(fixture("sv", "docx"), FI), (SV, fixture("fi", "html")), (fixture("sv", "pdf"), fixture("fi", "xlsx"))])
def test_mixed_pairs(sv, fi, text_result):
    result = bitext.check(fi, sv)  # any order: languages decide
    assert links(result) == links(text_result)
    assert findings(result) == findings(text_result)


def test_provenance_end_to_end():
    frame = bitext.align(fixture("sv", "docx"), FI).to_frame()
    assert frame["sv_line"].isna().all() and frame["fi_line"].notna().all()
    assert frame["sv_ref"].str.fullmatch(r"t\d+ r\d+").all()
    assert frame["fi_ref"].str.fullmatch(r"\d+(\+\d+)*").all()
    frame = bitext.align(fixture("sv", "pdf"), fixture("fi", "xlsx")).to_frame()
    assert frame["sv_line"].isna().all() and frame["fi_line"].isna().all()
    assert frame["sv_ref"].str.fullmatch(r"p\d+ t\d+ r\d+( \+ p\d+ t\d+ r\d+)*").all()
    assert frame["sv_ref"].str.contains(r" \+ ").any()  # a row cut by a page break, rejoined
    assert frame["fi_ref"].str.fullmatch(r"T\d+!\d+").all()


# --- DOCX ---------------------------------------------------------------------------------------


def _docx(tmp_path, build):
    import docx

    d = docx.Document()
    build(d)
    path = tmp_path / "t.docx"
    d.save(str(path))
    return path


def test_docx_merged_cells_headings_and_order(tmp_path):
    def build(d):
        d.add_heading("Mål 2021", level=1)
        d.add_paragraph("En smidig vardag.")
        t = d.add_table(rows=4, cols=3)
        for c, h in enumerate(["Nyckelmål", "Mätare", "Rapport"]):
            t.cell(0, c).text = h
        t.cell(1, 0).text = "Vi förebygger."
        t.cell(1, 1).text = "Enkät."
        t.cell(2, 1).text = "Statistik."
        t.cell(3, 1).text = "Bredd"
        t.cell(1, 0).merge(t.cell(2, 0))  # vertical: python-docx would repeat the text
        t.cell(3, 1).merge(t.cell(3, 2))  # horizontal: one cell
        d.add_paragraph("Mellan tabellerna.")

    raw = read_raw(_docx(tmp_path, build))
    kinds = [type(b).__name__ for b in raw.blocks]
    assert kinds == ["TextBlock", "TextBlock", "RawTable", "TextBlock"]
    assert raw.blocks[0].level == 1 and raw.blocks[1].level == 0
    assert raw.blocks[0].source.ref == "p1"
    table = raw.blocks[2]
    assert table.header_rows == 1
    assert [r.cells for r in table.rows[1:]] == [
        ("Vi förebygger.", "Enkät.", ""),
        ("", "Statistik.", ""),
        ("", "Bredd", ""),
    ]
    assert [r.source.ref for r in table.rows] == ["t1 r1", "t1 r2", "t1 r3", "t1 r4"]
    doc = normalize(raw)
    assert doc.rows[1].cells[0].inherited and doc.rows[1].cells[0].text == "Vi förebygger."


# --- HTML ---------------------------------------------------------------------------------------


def test_html_rowspan_colspan_th_and_text(tmp_path):
    page = tmp_path / "t.html"
    page.write_text(
        "<!doctype html><html><body><h2>Tavoite</h2><div>Irrallinen teksti<p>Kappale</p></div>"
        "<table><tr><th>A</th><th>B</th><th>C</th></tr>"
        "<tr><td rowspan='2'>yksi</td><td colspan=2>leveä<br>solu</td></tr>"
        "<tr><td>b</td><td>c<table><tr><td>sisä</td></tr></table></td></tr></table>"
        "<script>ei tämä</script></body></html>",
        encoding="utf-8",
    )
    raw = read_raw(page)
    assert raw.format == "html"
    texts = [(b.text, b.level) for b in raw.blocks if isinstance(b, TextBlock)]
    assert texts == [("Tavoite", 2), ("Irrallinen teksti", 0), ("Kappale", 0)]
    table = next(b for b in raw.blocks if isinstance(b, RawTable))
    assert table.header_rows == 1
    assert [r.cells for r in table.rows] == [("A", "B", "C"), ("yksi", "leveä solu", ""), ("", "b", "c sisä")]
    assert table.rows[2].source.ref == "t1 r3"


def test_tsv_with_html_fragments_is_not_html():
    raw = read_raw(ROOT / "data" / "lilla_edet_2021_sv.txt")
    assert raw.format == "tsv"
    assert not any("<p>" in c for b in raw.blocks if isinstance(b, RawTable) for r in b.rows for c in r.cells)


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_page_breaks_headers_and_footers():
    raw = read_raw(fixture("fi", "pdf"))
    texts = [b.text for b in raw.blocks if isinstance(b, TextBlock)]
    assert "Loviisan kaupunki – Avaintavoitteet 2021" not in texts  # the running header
    assert not any(re.fullmatch(r"\d+", t) for t in texts)  # page numbers
    doc = normalize(raw)
    assert sum(s.kind == "table_joined" for s in doc.steps) >= 5
    assert any(s.kind == "header_dropped" and "repeated" not in s.detail for s in doc.steps)
    # every joined table's repeated header was recognised: no body row repeats the header
    assert not any(key(r) and r.texts == t.header for t in doc.tables for r in t.rows)


def test_pdf_cell_lines():
    from bitext.readers.pdf import join_cell_lines

    assert join_cell_lines("Perusturva-\nlautakunta, lasten") == "Perusturva-lautakunta, lasten"
    assert join_cell_lines("Perhe-\nja lähisuhde-\nväkivallan") == "Perhe- ja lähisuhde-väkivallan"
    assert join_cell_lines("mahdollisuuksia\n.") == "mahdollisuuksia."
    assert join_cell_lines("Vi gör\nDet") == "Vi gör Det"
    assert join_cell_lines("Osallistutaan Itä-\nUudenmaan") == "Osallistutaan Itä-Uudenmaan"
    assert join_cell_lines("Baby Club -\nverksamheten") == "Baby Club -verksamheten"


# --- spreadsheets -------------------------------------------------------------------------------


def test_xlsx_title_rows_numbers_and_refs(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Mål"
    ws.append(["Socialnämnden 2021"])
    ws.merge_cells("A1:C1")
    ws.append(["Mål", "Mätare", "Värde"])
    ws.append(["Vi gör", "Andel", 2021.0])
    ws.append([None, "Antal", 0.5])
    hidden = wb.create_sheet("dold")
    hidden.append(["x", "y"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    raw = read_raw(path)
    assert raw.format == "xlsx"
    assert [(type(b).__name__) for b in raw.blocks] == ["TextBlock", "RawTable"]
    assert raw.blocks[0].text == "Socialnämnden 2021" and raw.blocks[0].source.ref == "Mål!1"
    table = raw.blocks[1]
    assert table.header_rows == 1
    assert [r.cells for r in table.rows[1:]] == [("Vi gör", "Andel", "2021"), ("", "Antal", "0.5")]
    assert [r.source.ref for r in table.rows] == ["Mål!2", "Mål!3", "Mål!4"]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_delimiters_and_lines(tmp_path, sep):
    path = tmp_path / "t.csv"
    rows = ["Mål", "Mätare", "Rapport"], ["Vi gör, tillsammans", "Andel", '"Klart\nsnart"'], ["", "Antal", "Nej"]
    lines = [sep.join(f'"{c}"' if sep in c else c for c in r) for r in rows]
    path.write_text("Titel\n" + "\n".join(lines) + "\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.format == "csv"
    title, table = raw.blocks
    assert title.text == "Titel" and title.source.lines == (1,)
    assert table.header_rows == 1
    assert table.rows[1].cells == ("Vi gör, tillsammans", "Andel", "Klart\nsnart")
    assert [r.source.lines for r in table.rows] == [(2,), (3, 4), (5,)]
    doc = normalize(raw)
    assert doc.rows[1].cells[0].inherited and doc.rows[0].source.label == "3+4"


# --- encodings ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fi_rows():
    return [r.texts for r in normalize(read_raw(FI)).rows]


@pytest.mark.parametrize(
    "codec, reported",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with a byte-order mark
        ("utf-16-le", "utf-16-le"),  # without one
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "cp1252"),
    ],
)
def test_encodings(tmp_path, fi_rows, codec, reported):
    path = tmp_path / f"fi-{codec}.txt"
    path.write_bytes(FI.read_text(encoding="utf-8").encode(codec))
    doc = bitext.read(path)
    assert doc.encoding == reported
    assert doc.language == "fi" and [r.texts for r in doc.rows] == fi_rows


def test_latin1(tmp_path):
    text = FI.read_text(encoding="utf-8").replace("–", "-")  # the en dash is not in latin-1
    path = tmp_path / "fi-latin1.txt"
    path.write_bytes(text.encode("latin-1"))
    doc = normalize(read_raw(path))
    assert doc.encoding == "latin-1"
    assert "Perusturvalautakunta, lasten ja nuorten palveluiden palvelupäällikkö sekä vs. palveluvastaava" in doc.rows[0].texts
