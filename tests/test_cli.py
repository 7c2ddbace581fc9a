"""The command line: outputs, exit codes, one-line errors, inputs never modified."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest

from bitext.cli import main
from conftest import DATA, FI, SV


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_align_writes_the_contract(tmp_path, capsys):
    before = digest(SV), digest(FI)
    out = tmp_path / "alignment.csv"
    assert main(["align", str(FI), str(SV), "-o", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:4]) == ["sv_line", "fi_line", "relation", "score"]
    assert [f"sv_c{k}" for k in range(1, 7)] + [f"fi_c{k}" for k in range(1, 7)] == list(frame.columns[4:16])
    assert len(frame) == 67 and set(frame.relation) == {"match"}
    assert frame.loc[frame.sv_line == 32, "sv_ref"].item() == "32+36"
    assert "67 match" in capsys.readouterr().err
    assert (digest(SV), digest(FI)) == before


def test_console_script_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "bitext", "align", str(SV), str(FI)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("sv_line,fi_line,relation,score,sv_c1")


@pytest.mark.parametrize(
    "args, message",
    [
        (["align", "nope.txt", str(FI)], "nope.txt: no such file"),
        (["align", str(DATA), str(FI)], "is a directory"),
        (["align", str(SV), str(DATA / "huddinge_2014_sv.txt")], "no tables found"),
        (["align", str(SV)], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_empty_and_binary_files(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 50)
    assert main(["align", str(empty), str(FI)]) == 2
    assert "empty.txt: the file is empty" in capsys.readouterr().err
    assert main(["align", str(junk), str(FI)]) == 2
    assert "junk.txt: looks like binary data" in capsys.readouterr().err


def test_refuses_to_overwrite_input(tmp_path, capsys):
    copy = tmp_path / "fi.txt"
    copy.write_bytes(FI.read_bytes())
    assert main(["align", str(SV), str(copy), "-o", str(copy)]) == 2
    assert "refusing to overwrite an input file" in capsys.readouterr().err
    assert copy.read_bytes() == FI.read_bytes()


def test_summary_names_a_non_utf8_encoding(tmp_path, capsys):
    fi = tmp_path / "fi-cp1252.txt"
    fi.write_bytes(FI.read_text(encoding="utf-8").encode("cp1252"))
    assert main(["align", str(SV), str(fi), "-o", str(tmp_path / "a.csv")]) == 0
    err = capsys.readouterr().err
    assert "(fi, cp1252)" in err and "(sv)" in err


def test_unrelated_documents(capsys):
    assert main(["align", str(FI), str(DATA / "lilla_edet_2021_sv.txt")]) == 2
    err = capsys.readouterr().err
    assert "do not look like two versions of one document" in err and err.count("\n") == 1


def test_a_cell_of_a_megabyte(tmp_path):
    """No hang, no crash: the cell is read whole, embedded by its beginning, and reported."""
    lines = FI.read_text(encoding="utf-8").split("\n")
    cells = lines[51].split("\t")
    cells[5] += " " + "Taloutta seurataan kuukausittain ja raportoidaan lautakunnalle. " * 16000
    lines[51] = "\t".join(cells)
    big = tmp_path / "fi.txt"
    big.write_text("\n".join(lines), encoding="utf-8")
    assert big.stat().st_size > 1_000_000
    out = tmp_path / "findings.csv"
    assert main(["check", str(SV), str(big), "--csv", str(out), "--fail-on", "never", "-q"]) == 0
    frame = pd.read_csv(out)
    assert len(bitext_read_rows(big)) == 67 and (frame.kind == "missing_row").sum() == 0


def bitext_read_rows(path):
    import bitext

    return bitext.read(path).rows
