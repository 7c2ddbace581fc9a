"""Fuzzing the whole command (issue 14): random tables with hostile cell text (formula
leaders, control characters, U+FFFE, very long cells, empty cells) in Markdown, TSV, CSV and
XLSX, and random bytes in each format's clothes, through ``bitext check`` with every report.
The CLI either succeeds (exit 0/1, every report written and readable) or gives one line and
exit 2; never exit 3, never a traceback. The longer coverage-guided run is
``scripts/fuzz_readers.py`` (atheris)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitext.cli import main

SETTINGS = settings(
    max_examples=25,
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

WORDS = ["Vi", "gör", "det", "bättre", "Teemme", "sen", "paremmin", "2021", "12 %", "-5", "ja", "och"]
HOSTILE = st.sampled_from(["=", "+", "-", "@", "\t=", "=HYPERLINK(\"http://x?\"&A1)", "\x08", "\x07", "\ufffe",
                           "\x00", "|", "\\|", '"', ";", ",", "\r", "\u00ad", "<b>", "&amp;", "–"])
CELL = st.lists(st.sampled_from(WORDS) | HOSTILE | st.text(max_size=6), max_size=8).map(" ".join)


@st.composite
def tables(draw):
    """Two tables, often of different widths (a column dropped or added in one version, the
    mismatch bitext exists to find), rows sometimes ragged."""
    width = draw(st.integers(1, 12))
    sides = []
    for _ in range(2):
        w = max(1, width + draw(st.integers(-2, 2)))
        n = draw(st.integers(1, 8))
        sides.append([[draw(CELL) for _ in range(max(1, w + draw(st.integers(-1, 0))))] for _ in range(n + 1)])
    return sides


def write(path, fmt, rows):
    if fmt == "xlsx":
        wb = openpyxl.Workbook()
        for row in rows:
            # openpyxl refuses control characters in cells; a hostile XLSX holds them
            # escaped, which is what a reader sees: the same text minus those characters.
            wb.active.append([c.translate({k: None for k in range(32) if k not in (9, 10, 13)}).replace("\ufffe", "")
                              for c in row])
        wb.save(path)
    elif fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
    elif fmt == "tsv":
        path.write_text("\n".join("\t".join(c.replace("\t", " ").replace("\n", " ") for c in r) for r in rows) + "\n",
                        encoding="utf-8")
    else:
        lines = ["| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in r) + " |" for r in rows]
        path.write_text("\n".join(lines[:1] + ["|" + "--|" * len(rows[0])] + lines[1:]) + "\n", encoding="utf-8")


def run_check(capsys, tmp_path, a, b):
    out = {k: tmp_path / f"r.{k}" for k in ("json", "csv", "xlsx", "html")}
    argv = ["check", str(a), str(b), "--same-language", "-q", "--fail-on", "never", "--alignment", str(tmp_path / "a.csv")]
    for k, p in out.items():
        argv += [f"--{k}", str(p)]
    for p in [*out.values(), tmp_path / "a.csv"]:
        p.unlink(missing_ok=True)
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("bitext: error: "), err
        assert not any(p.exists() for p in out.values())  # all or nothing
    else:
        json.loads(out["json"].read_text(encoding="utf-8"))
        wb = openpyxl.load_workbook(out["xlsx"])
        assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    return code


@SETTINGS
@given(sides=tables(), formats=st.tuples(*[st.sampled_from(["md", "tsv", "csv", "xlsx"])] * 2))
def test_cli_on_random_tables(tmp_path, capsys, sides, formats):
    a, b = tmp_path / f"a.{formats[0]}", tmp_path / f"b.{formats[1]}"
    write(a, formats[0], sides[0])
    write(b, formats[1], sides[1])
    run_check(capsys, tmp_path, a, b)


@SETTINGS
@given(data=st.binary(min_size=1, max_size=2000), suffix=st.sampled_from([".md", ".tsv", ".csv", ".xlsx", ".docx", ".pdf", ".html"]))
def test_cli_on_random_bytes(tmp_path, capsys, data, suffix):
    a = tmp_path / f"a{suffix}"
    a.write_bytes(data)
    b = tmp_path / "b.md"
    write(b, "md", [["Mål", "Mätare"], ["Vi gör det bättre", "12 %"]])
    run_check(capsys, tmp_path, a, b)
