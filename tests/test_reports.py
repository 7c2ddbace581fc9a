"""The reports (JSON, HTML, XLSX) on the seed pair, with findings made deterministically:
hand-made findings on real rows of the seed alignment, and a real ``missing_row`` from a
Finnish copy with one row deleted."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

import bitext
from bitext.model import SEVERITIES, CheckResult, Finding
from bitext.report.html import render_html
from bitext.report.xlsx import FILLS, write_xlsx
from conftest import FI, SV
from helpers import delete, edited, replace_line

HOSTILE = "<script>alert(1)</script> & <b>bold</b>"
CHROMIUM = Path("/usr/bin/chromium")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def made(seed_alignment) -> CheckResult:
    """The seed alignment with four hand-made findings on known rows.

    Link 11 is sv 32+36 ↔ fi 29 (a row continued after a page break), link 1 is sv 12 ↔ fi 11,
    link 0 is sv 11 ↔ fi 10; finding 3 pairs rows of two different links."""
    links = seed_alignment.links
    assert (links[11].left.source.label, links[11].right.source.label) == ("32+36", "29")
    findings = (
        Finding("cell_mismatch", "error", links[0].left, links[0].right, 2, "The meters differ.", {"similarity": 0.12}),
        Finding("untranslated", "info", links[1].left, links[1].right, 4, "Finnish words in the Swedish cell: Helmi.", {}),
        Finding("number_mismatch", "warning", links[11].left, links[11].right, 6, "2022 in Swedish, 2023 in Finnish.", {"left": ["2022"], "right": ["2023"]}),
        Finding("duplicate_row", "warning", links[20].left, links[21].right, None, "Row repeated.", {"rows": [20, 21]}),
    )
    return CheckResult(seed_alignment, findings, dict(seed_alignment.settings))


@pytest.fixture(scope="module")
def deleted(tmp_path_factory) -> CheckResult:
    """The real pipeline on the seed pair with the Finnish row on line 12 (sv 13) deleted."""
    path = edited(FI, tmp_path_factory.mktemp("deleted") / "loviisa_2021_fi.txt", delete(12))
    return bitext.check(SV, path)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> CheckResult:
    """Markup in a cell and in a table heading of the Swedish file, and in a finding."""
    src = SV.read_text(encoding="utf-8").split("\n")
    cell = src[10].split("|")[1].strip()  # line 11, first cell
    path = tmp_path_factory.mktemp("hostile") / "loviisa_2021_sv.txt"
    edited(SV, path, lambda lines: replace_line(11, src[10].replace(cell, f"{cell} {HOSTILE}"))(replace_line(7, f"Smidig vardag {HOSTILE}")(lines)))
    alignment = bitext.align(path, FI)
    link = alignment.links[0]
    assert HOSTILE in link.left.cells[0].text  # the reader kept it: the report must escape it
    finding = Finding("cell_mismatch", "error", link.left, link.right, 1, f"Says {HOSTILE}", {"text": HOSTILE})
    return CheckResult(alignment, (finding,), dict(alignment.settings))


class Dom(HTMLParser):
    """The few things the tests look at: every element's attributes, with the id of the
    link block (``tbody``) and the index of the finding (``li.finding``) it is in."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict, str, str]] = []  # (tag, attrs, tbody id, finding)
        self.ids: dict[str, str] = {}  # id -> the tbody it is in
        self.scripts = 0
        self._tbody = self._li = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "tbody":
            self._tbody = a.get("id", "")
        if tag == "li" and "finding" in a.get("class", "").split():
            self._li = a["data-i"]
        if tag == "script":
            self.scripts += 1
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids[a["id"]] = self._tbody
        self.elements.append((tag, a, self._tbody, self._li))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "tbody":
            self._tbody = ""
        if tag == "li":
            self._li = ""

    def find(self, tag: str, cls: str = "", within: "str | None" = None) -> list[dict]:
        return [
            a
            for t, a, tb, _ in self.elements
            if t == tag and (not cls or cls in a.get("class", "").split()) and (within is None or tb == within)
        ]

    def attrs(self, id_: str) -> dict:
        return next(a for _, a, _, _ in self.elements if a.get("id") == id_)


# --- JSON -------------------------------------------------------------------------------------


def test_json_has_the_four_parts_and_the_counts(made):
    text = made.to_json()
    report = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))
    assert list(report) == ["settings", "summary", "alignment", "findings", "issues"]
    assert report["summary"] == made.summary()
    assert report["summary"]["findings"] == 4 and report["summary"]["by_severity"] == {"error": 1, "warning": 2, "info": 1}
    assert report["settings"]["model"] == made.settings["model"] and list(report["settings"]) == sorted(report["settings"])
    assert len(report["alignment"]) == len(made.alignment.links) == 67
    assert list(report["alignment"][0]) == list(made.alignment_frame().columns)
    assert report["alignment"][11]["sv_ref"] == "32+36" and report["alignment"][11]["fi_line"] == 29
    # Score components that do not apply are null, not NaN.
    for rec, link in zip(report["alignment"], made.alignment.links):
        assert (rec["anchors"] is None) == (link.anchors is None)
    assert [f["kind"] for f in report["findings"]] == ["cell_mismatch", "untranslated", "number_mismatch", "duplicate_row"]
    third = report["findings"][2]
    assert third["evidence"] == {"left": ["2022"], "right": ["2023"]}  # an object, not JSON text
    assert (third["sv_line"], third["fi_line"], third["column"], third["sv_ref"]) == (32, 29, 6, "32+36")
    assert report["findings"][3]["column"] is None
    assert "Vi gör rådgivningsbyråns kundupplevelse" in text and "\\u00e4" not in text  # ensure_ascii=False
    assert made.to_json() == text  # deterministic
    assert made.to_json(indent=None).count("\n") == 0


def test_json_one_sided_row_has_nulls(deleted):
    report = json.loads(deleted.to_json())
    (rec,) = [r for r in report["alignment"] if r["sv_line"] == 13]
    assert rec["relation"] == "sv_only" and rec["fi_line"] is None and rec["fi_ref"] == "" and rec["content"] is None
    (missing,) = [f for f in report["findings"] if f["kind"] == "missing_row"]
    assert (missing["severity"], missing["sv_line"], missing["fi_line"]) == ("error", 13, None)
    assert missing["evidence"] == {"relation": "sv_only"}


# --- HTML -------------------------------------------------------------------------------------


def test_html_escapes_document_text(hostile):
    html = hostile.to_html()
    assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
    # In the cell, in the table heading and in the finding (list and under the row).
    assert html.count(escaped) >= 4
    assert Dom(html).scripts == 1  # the report's own script only


def test_html_is_self_contained(made):
    html = made.to_html()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    for external in ("<link", " src=", "url(", "http://", "https://", "@import"):
        assert external not in html


def test_html_every_finding_links_to_its_row(made):
    dom = Dom(render_html(made))
    items = dom.find("li", "finding", within="")  # the issues list, outside the link blocks
    by_id = {f.id: f for f in made.findings}
    assert [i["data-kind"] for i in items] == [by_id[i].kind for issue in made.issues for i in issue.findings]
    assert [i["data-kind"] for i in items] == ["cell_mismatch", "number_mismatch", "duplicate_row", "untranslated"]  # worst first
    for k, finding in enumerate(made.findings):
        hrefs = [a["href"] for t, a, tb, li in dom.elements if t == "a" and not tb and li == str(k)]
        expected = [f"#sv-{finding.left.source.line}", f"#fi-{finding.right.source.line}"]
        assert hrefs == expected
        for href in hrefs:  # the target exists and is in the block of a row of the finding
            assert href[1:] in dom.ids and dom.ids[href[1:]].startswith("link-")
    # Each finding is also shown under its row(s): the duplicate pairs rows of two links.
    under = {(tb, li) for t, a, tb, li in dom.elements if t == "li" and tb}
    assert under == {("link-0", "0"), ("link-1", "1"), ("link-11", "2"), ("link-20", "3"), ("link-21", "3")}
    assert dom.ids["sv-32"] == dom.ids["fi-29"] == "link-11"
    assert dom.attrs("link-11")["data-kinds"] == "number_mismatch"


def test_html_rows_provenance_and_headings(made):
    html = made.to_html()
    dom = Dom(html)
    assert len(dom.find("tbody", "link")) == 67
    assert {f"sv-{r.key}" for r in made.alignment.left.rows} <= set(dom.ids)
    assert {f"fi-{r.key}" for r in made.alignment.right.rows} <= set(dom.ids)
    assert "loviisa_2021_sv.txt:32+36" in html and "loviisa_2021_fi.txt:29" in html and "loviisa_2021_fi.txt:30+32" in html
    assert str(SV) in html and str(FI) in html and made.settings["model"] in html
    # A heading block where each table starts, with the part title where a part starts.
    assert len(dom.find("tbody", "table")) == len(made.alignment.left.tables) == 25
    assert len(dom.find("tbody", "part")) == 5
    assert "Ansvarsområdets namn: Förvaltning" in html and "VASTUUALUE: HALLINTO" in html


def test_html_highlights_cells_by_severity(made):
    dom = Dom(made.to_html())
    cells = dom.find("td", "cell", within="link-11")
    assert len(cells) == 12  # six columns on each side
    marked = [(k, c["class"]) for k, c in enumerate(cells) if "data-f" in c]
    # Rows alternate left/right per column: column 6 is cells 10 (sv) and 11 (fi).
    assert marked == [(10, "cell sev-warning"), (11, "cell sev-warning")]
    whole = dom.find("td", "cell", within="link-20")  # the duplicate: a whole-row finding, left side
    assert all("sev-warning" in c["class"].split() and c["data-f"] == "3" for c in whole[0::2])
    assert not any("data-f" in c for c in whole[1::2])
    assert not any("data-f" in c for c in dom.find("td", "cell", within="link-5"))


def test_html_one_sided_row(deleted):
    dom = Dom(deleted.to_html())
    link = dom.attrs(dom.ids["sv-13"])
    assert "rel-sv_only" in link["class"] and "sev-error" in link["class"]
    assert len(dom.find("td", "absent", within=link["id"])) == 1
    assert "missing_row" in link["data-kinds"].split()


def test_html_without_findings(seed_alignment):
    html = CheckResult(seed_alignment, (), dict(seed_alignment.settings)).to_html()
    assert "No findings" in html and 'class="cell sev-' not in html


# --- XLSX -------------------------------------------------------------------------------------


def _sheet_row(ws, sv_line: int) -> int:
    """The side-by-side row of the link whose Swedish row starts on ``sv_line``."""
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == sv_line and r[2].value != "table")


def test_xlsx_loads_back_with_fills_and_comments(made, tmp_path):
    path = tmp_path / "report.xlsx"
    write_xlsx(made, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Issues", "Side by side", "Findings", "Settings"]
    ws = wb["Side by side"]
    header = [c.value for c in ws[1]]
    # The two versions' cells side by side under the document's own column names.
    assert header[:3] == ["sv line", "fi line", "relation"] and header[-3:] == ["score", "sv ref", "fi ref"]
    assert header[3:5] == ["CENTRALENS NYCKELMÅL (1 ÅR) (sv)", "KESKUKSEN AVAIN-TAVOITTEET (1 VUOSI) (fi)"]
    assert header[5:7] == ["Uppföljning / Mätare (sv)", "Seuranta / Mittari (fi)"]
    links = [r for r in ws.iter_rows(min_row=2) if r[2].value != "table"]
    headings = [r for r in ws.iter_rows(min_row=2) if r[2].value == "table"]
    assert len(links) == 67 and len(headings) == 25  # a band where each table starts
    assert headings[0][3].value == made.alignment.left.tables[0].heading and headings[0][4].value == made.alignment.right.tables[0].heading
    assert ws.freeze_panes == "D2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    col = {name: k + 1 for k, name in enumerate(header)}
    row = _sheet_row(ws, 32)  # link 11: sv 32+36 ↔ fi 29
    assert (ws.cell(row, 2).value, ws.cell(row, col["sv ref"]).value) == (29, "32+36")
    # Rows are as high as their longest wrapped cell needs.
    assert all(ws.row_dimensions[r[0].row].height >= 19 for r in links)
    assert max(ws.row_dimensions[r[0].row].height for r in links) >= 100
    sv6, fi6 = col["Delårsrapport 1–6 2021 (sv)"], col["Osavuosisraportti 1–6 2021 (fi)"]
    assert fi6 == sv6 + 1  # matching cells next to each other
    for c in (sv6, fi6):
        cell = ws.cell(row, c)
        assert cell.fill.fgColor.rgb == FILLS["warning"]
        assert "2022 in Swedish, 2023 in Finnish." in cell.comment.text and "number_mismatch" in cell.comment.text
        assert cell.alignment.wrap_text
    assert ws.cell(row, sv6 - 2).comment is None and ws.cell(row, sv6 - 2).fill.fill_type is None
    assert ws.cell(_sheet_row(ws, 11), 6).fill.fgColor.rgb == FILLS["error"]  # sv column 2
    assert ws.cell(_sheet_row(ws, 12), 4 + 2 * 3 + 1).fill.fgColor.rgb == FILLS["info"]  # fi column 4
    # A whole-row finding: every cell of that side filled, the message once, on the line.
    dup = _sheet_row(ws, made.findings[3].left.source.line)
    assert all(ws.cell(dup, 4 + 2 * k).fill.fgColor.rgb == FILLS["warning"] for k in range(6))
    assert "Row repeated." in ws.cell(dup, 1).comment.text and ws.cell(dup, 4).comment is None
    commented = sum(1 for r in ws.iter_rows() for c in r if c.comment is not None and c.row > 1)
    assert commented == 2 + 2 + 2 + 2

    fs = wb["Findings"]
    fhead = [c.value for c in fs[1]]
    assert fhead[:3] == ["status", "severity", "kind"] and {"id", "issue", "message", "explanation", "evidence"} <= set(fhead)
    assert fs.max_row == 1 + 4 and fs.freeze_panes == "B2"
    third = dict(zip(fhead, [c.value for c in fs[4]]))
    assert (third["kind"], third["severity"], third["sv_line"], third["fi_line"], third["column"]) == ("number_mismatch", "warning", 32, 29, 6)
    assert json.loads(third["evidence"]) == {"left": ["2022"], "right": ["2023"]}
    assert third["id"] == made.findings[2].id and third["issue"] == made.findings[2].issue
    assert fs.cell(4, fhead.index("message") + 1).hyperlink.location == f"'Side by side'!{openpyxl.utils.get_column_letter(sv6)}{row}"
    assert fs.cell(4, 2).fill.fgColor.rgb == FILLS["warning"]
    (dv,) = fs.data_validations.dataValidation
    assert dv.type == "list" and "accepted" in dv.formula1 and "false positive" in dv.formula1 and str(dv.sqref).startswith("A2:A")

    iss = wb["Issues"]
    ihead = [c.value for c in iss[1]]
    assert ihead == ["status", "severity", "kind", "count", "column", "message", "first", "id"]
    assert [r[2].value for r in iss.iter_rows(min_row=2)] == ["cell_mismatch", "number_mismatch", "duplicate_row", "untranslated"]
    assert iss.cell(2, 7).hyperlink.location.startswith("'Side by side'!")

    settings = {r[0].value: r[1].value for r in wb["Settings"].iter_rows(min_row=2)}
    assert settings["model"] == made.settings["model"] and json.loads(settings["align"])["threshold"] == made.settings["align"]["threshold"]
    assert json.loads(settings["summary"])["findings"] == 4


def test_xlsx_one_sided_row(deleted, tmp_path):
    path = tmp_path / "report.xlsx"
    deleted.to_xlsx(str(path))
    ws = openpyxl.load_workbook(path)["Side by side"]
    (row,) = [r for r in ws.iter_rows(min_row=2) if r[0].value == 13 and r[2].value != "table"]
    assert row[1].value is None and row[2].value == "sv_only"
    assert row[0].fill.fgColor.rgb == FILLS["error"] and "missing_row" in row[0].comment.text
    assert all(c.value is None for c in row[4:15:2])  # no Finnish cells
    assert all(c.value for c in row[3:15:2][:2])


def test_every_severity_has_a_colour():
    assert set(FILLS) == set(SEVERITIES)


# --- the page in a browser ------------------------------------------------------------------


def _dump_dom(url: str, profile: Path) -> str:
    proc = subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--dump-dom", url,
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.skipif(not CHROMIUM.exists() and shutil.which("chromium") is None, reason="no chromium at /usr/bin/chromium (apt-get install chromium) to run the report's JavaScript")
def test_filters_run_in_a_browser(made, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(made.to_html(), encoding="utf-8")
    url = page.as_uri()

    dom = Dom(_dump_dom(url, tmp_path / "profile"))
    assert dom.attrs("shown")["data-shown"] == "67"  # the script ran and shows every row
    assert not any("hidden" in a for a in dom.find("tbody", "link"))

    # Hiding a kind hides the rows whose only findings are of that kind, and those findings.
    dom = Dom(_dump_dom(url + "?hide=number_mismatch", tmp_path / "profile"))
    hidden = {a["id"] for a in dom.find("tbody", "link") if "hidden" in a}
    assert hidden == {"link-11"}
    assert [a["data-kind"] for a in dom.find("li", "finding", within="") if "hidden" in a] == ["number_mismatch"]
    assert dom.attrs("shown")["data-shown"] == "66"

    # A severity, and only the rows with findings: the warnings' rows and the rest go.
    dom = Dom(_dump_dom(url + "?hide=warning&findings-only=1", tmp_path / "profile"))
    visible = [a["id"] for a in dom.find("tbody", "link") if "hidden" not in a]
    assert visible == ["link-0", "link-1"]
    # Headings stay only above visible rows: part 1 and its first table.
    assert len([a for a in dom.find("tbody", "heading") if "hidden" not in a]) == 2


def test_reports_for_a_format_without_line_numbers(tmp_path):
    """Rows from a spreadsheet have references (``T1!5``), not lines: they still get anchors,
    provenance and findings linked to them."""
    from conftest import ROOT

    result = bitext.check(SV, ROOT / "tests" / "fixtures" / "loviisa_2021_fi.xlsx")
    dom = Dom(result.to_html())
    first = result.alignment.right.rows[0]
    assert first.source.lines == () and first.source.ref == "T1!5"
    assert dom.ids["fi-T1-5"].startswith("link-")
    assert "loviisa_2021_fi.xlsx T1!5" in result.to_html()
    hrefs = [a["href"][1:] for t, a, tb, li in dom.elements if t == "a" and a.get("href", "").startswith("#") and li and not tb]
    assert len(hrefs) >= len(result.findings) > 0 and all(h in dom.ids for h in hrefs)
    report = json.loads(result.to_json())
    assert all(r["fi_line"] is None and r["fi_ref"] for r in report["alignment"] if r["relation"] != "sv_only")
    result.to_xlsx(tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Side by side"]
    first = next(r for r in ws.iter_rows(min_row=2) if r[2].value != "table")
    assert first[1].value is None and first[-1].value == "T1!5"
