"""Bad input: each a one-line error naming the file and the problem, exit code 2, no
traceback, no hang, and the inputs never modified."""

from __future__ import annotations

import hashlib
import shutil
import zipfile

import pytest

import bitext
from bitext.cli import main
from bitext.errors import InputError
from bitext.normalize import normalize
from bitext.readers import read_raw
from conftest import DATA, FI, ROOT, SV

FIXTURES = ROOT / "tests" / "fixtures"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def run_cli(capsys, bad, other=FI):
    """``bitext align bad other``: the exit code and stderr, inputs checked unchanged."""
    before = digest(bad), digest(other)
    code = main(["align", str(bad), str(other), "-o", "-"])
    err = capsys.readouterr().err
    assert (digest(bad), digest(other)) == before
    return code, err


def assert_one_line(err, *parts):
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("bitext: error: "), err
    for part in parts:
        assert part in err, err


def _make(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.docx", b"", "the file is empty"),
        ("blank.txt", b" \n\n \t\n", "the file is empty"),
        ("junk.bin", bytes(range(256)) * 64, "looks like binary data"),
        ("text.docx", "Det här är bara text.\n", "has the extension .docx but is not a DOCX file (its content is text)"),
        ("garbage.pdf", bytes(range(256)) * 16, "has the extension .pdf but is not a PDF file (its content is binary data)"),
        ("text.xlsx", "a;b\n1;2\n", "has the extension .xlsx but is not a XLSX file"),
        ("image.png", PNG, "is a PNG image, not a document"),
        ("photo.pdf", JPEG, "is a JPEG image, not a document"),  # a lying extension: content wins
        ("old.doc", OLE, "is an old binary Office file"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\ntrailer\n%%EOF\n", "PDF"),
        ("notables.html", "<html><body><p>Ingen tabell här.</p></body></html>", "no tables found"),
        ("notables.csv", "bara en rad\n", "no table found"),
    ],
)
def test_bad_files(tmp_path, capsys, name, content, message):
    path = _make(tmp_path, name, content)
    code, err = run_cli(capsys, path)
    assert code == 2
    assert_one_line(err, str(path), message)


@pytest.mark.parametrize(
    "name, message",
    [
        ("truncated.docx", "is a damaged DOCX file"),
        ("truncated.xlsx", "is a damaged XLSX file"),
        ("encrypted.pdf", "is password-protected"),
        ("encrypted.xlsx", "is password-protected"),
        ("encrypted.docx", "is password-protected"),
        ("no_text.pdf", "has no text layer"),
    ],
)
def test_damaged_and_protected_fixtures(tmp_path, capsys, name, message):
    src = FIXTURES / name
    if not src.exists():
        pytest.skip(f"{name} was not generated (see scripts/make_fixtures.py)")
    path = tmp_path / name
    shutil.copy(src, path)
    code, err = run_cli(capsys, path)
    assert code == 2
    assert_one_line(err, str(path), message)


def test_missing_path_and_directory(capsys, tmp_path):
    code, err = run_cli(capsys, tmp_path / "nope.pdf")
    assert code == 2
    assert_one_line(err, "nope.pdf: no such file")
    code, err = run_cli(capsys, tmp_path)
    assert code == 2
    assert_one_line(err, str(tmp_path), "is a directory")


def test_zip_that_is_neither_docx_nor_xlsx(tmp_path, capsys):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hej")
    code, err = run_cli(capsys, path)
    assert code == 2
    assert_one_line(err, str(path), "ZIP archive but not a DOCX or XLSX")


def test_huddinge_has_no_tables(capsys):
    code, err = run_cli(capsys, DATA / "huddinge_2014_sv.txt", SV)
    assert code == 2
    assert_one_line(err, "huddinge_2014_sv.txt", "no tables found")


@pytest.mark.parametrize("name", ["stockholm_2023_sv.txt", "lilla_edet_2021_sv.txt"])
def test_other_seeds_read(name):
    doc = bitext.read(DATA / name)
    assert doc.language == "sv" and doc.rows


def test_docx_is_read_whatever_its_name(tmp_path):
    path = tmp_path / "plan.txt"
    shutil.copy(FIXTURES / "loviisa_2021_sv.docx", path)
    assert bitext.read(path).format == "docx"


def test_ragged_rows_are_padded(tmp_path):
    path = _make(tmp_path, "ragged.md", "Mål\n\n| A | B | C |\n|---|---|---|\n| ett |\n| två | tre | fyra | fem |\n")
    doc = normalize(read_raw(path))
    assert [r.texts for r in doc.rows] == [("ett", "", ""), ("två", "tre", "fyra fem")]
    assert sum(s.kind == "ragged_row" for s in doc.steps) == 2


def test_ragged_html_rows(tmp_path):
    path = _make(tmp_path, "ragged.html", "<table><tr><th>A</th><th>B</th><th>C</th></tr><tr><td>x</td></tr>"
                 "<tr><td>a</td><td>b</td><td>c</td><td>d</td></tr></table>")
    doc = normalize(read_raw(path))
    # An HTML table is a grid: the extra cell gets a column of its own, under an empty header.
    assert doc.tables[0].header == ("A", "B", "C", "")
    assert [r.texts for r in doc.rows] == [("x", "", "", ""), ("a", "b", "c", "d")]


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
def test_megabyte_cell_reads(tmp_path, fmt):
    """A 1 MB cell is read without a hang (reading only: embedding it is the lead's part)."""
    big = "ord " * 262_144
    if fmt == "md":
        text = f"Mål\n\n| A | B |\n|---|---|\n| {big} | kort |\n"
    elif fmt == "html":
        text = f"<table><tr><th>A</th><th>B</th></tr><tr><td>{big}</td><td>kort</td></tr></table>"
    else:
        text = f"A;B\n{big};kort\n"
    doc = bitext.read(_make(tmp_path, f"big.{fmt}", text))
    assert len(doc.rows) == 1 and len(doc.rows[0].cells[0].text) > 1_000_000 - 10


def test_reader_errors_are_input_errors(tmp_path):
    path = _make(tmp_path, "x.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with pytest.raises(InputError) as info:
        bitext.read(path)
    assert info.value.path == str(path) and "\n" not in str(info.value)
