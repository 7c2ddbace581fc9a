"""bitext.evaluate and ``bitext eval``: link and finding scores against a gold file."""

from __future__ import annotations

import json

import pytest

from bitext.cli import main
from bitext.errors import InputError
from bitext.evaluation.scoring import evaluate, read_gold, read_prediction
from conftest import FI, GOLD, SV

GOLD_CSV = """sv_line,fi_line,relation,labels,note
10,20,match,c5:content_differs,
11,21,match,c3:number_differs;c4:minor,
12,22,match,c2:column_shift;c3:column_shift;c6:empty_one_side,
13,,sv_only,,
,24,fi_only,,
"""

PERFECT = """sv_line,fi_line,relation,score
1,1,match,0.9
10,20,match,0.9
11,21,match,0.8
12,22,match,0.7
13,,sv_only,0.0
,24,fi_only,0.0
40,30,match,0.9
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def report(tmp_path, alignment_csv, findings):
    """A JSON report as ``bitext check --json`` writes it."""
    import pandas as pd

    frame = pd.read_csv(write(tmp_path, "a.csv", alignment_csv))
    records = json.loads(frame.to_json(orient="records"))
    keys = ("kind", "severity", "sv_line", "fi_line", "column", "message", "evidence")
    data = {
        "settings": {},
        "summary": {},
        "alignment": records,
        "findings": [dict(zip(keys, (k, "warning", sv, fi, col, "", {}))) for k, sv, fi, col in findings],
    }
    return write(tmp_path, "report.json", json.dumps(data))


def test_perfect_alignment(tmp_path):
    scores = evaluate(write(tmp_path, "a.csv", PERFECT), write(tmp_path, "gold.csv", GOLD_CSV))
    links = scores["links"]
    # Rows 1↔1 and 40↔30 lie outside the gold's scope: not judged.
    assert (links["tp"], links["fp"], links["fn"]) == (5, 0, 0)
    assert links["f1"] == 1.0
    assert scores["findings"] is None  # an alignment CSV has no findings
    assert scores["scope"] == {"gold_rows": 5, "sv_lines": 4, "fi_lines": 4}


def test_one_wrong_link(tmp_path):
    # 11 paired with 22 and 12 with 21: both links wrong, both gold links missed.
    wrong = PERFECT.replace("11,21,match", "11,22,match").replace("12,22,match", "12,21,match")
    links = evaluate(write(tmp_path, "a.csv", wrong), write(tmp_path, "gold.csv", GOLD_CSV))["links"]
    assert (links["tp"], links["fp"], links["fn"]) == (3, 2, 2)
    assert (links["precision"], links["recall"], links["f1"]) == (0.6, 0.6, 0.6)
    assert links["wrong"] == [[11, 22, "match"], [12, 21, "match"]]


def test_link_out_of_scope_is_judged_when_one_side_is_in_scope(tmp_path):
    # 10 paired with a Finnish row outside the gold: wrong (fp) and the gold link missed.
    wrong = PERFECT.replace("10,20,match", "10,99,match")
    links = evaluate(write(tmp_path, "a.csv", wrong), write(tmp_path, "gold.csv", GOLD_CSV))["links"]
    assert (links["tp"], links["fp"], links["fn"]) == (4, 1, 1)
    assert links["precision"] == 0.8 and links["recall"] == 0.8


def test_one_missing_link(tmp_path):
    # The Finnish-only row 24 is not in the prediction at all.
    missing = PERFECT.replace(",24,fi_only,0.0\n", "")
    links = evaluate(write(tmp_path, "a.csv", missing), write(tmp_path, "gold.csv", GOLD_CSV))["links"]
    assert (links["tp"], links["fp"], links["fn"]) == (4, 0, 1)
    assert (links["precision"], links["recall"], links["f1"]) == (1.0, 0.8, 0.8889)
    assert links["missed"] == [[None, 24, "fi_only"]]


def test_findings_exact_and_extra(tmp_path):
    findings = [
        ("cell_mismatch", 10, 20, 5),  # content_differs c5: tp
        ("number_mismatch", 11, 21, 3),  # number_differs c3: tp
        ("cell_mismatch", 11, 21, 4),  # a minor label: neither tp nor fp, counted as flagged
        ("column_shift", 12, 22, 2),  # row-level: one per row
        ("column_shift", 12, 22, 3),  # the same row again: still one
        ("missing_row", 13, None, None),  # sv_only row: tp
        ("untranslated", 10, 20, 2),  # extra: a false alarm, scored as wrong_language
        ("cell_mismatch", 1, 1, 2),  # outside the gold's scope: ignored
        ("duplicate_row", 12, 22, None),  # a kind the gold cannot judge
    ]
    scores = evaluate(report(tmp_path, PERFECT, findings), write(tmp_path, "gold.csv", GOLD_CSV))
    assert scores["links"]["f1"] == 1.0
    f = scores["findings"]
    k = f["kinds"]
    assert (k["cell_mismatch"]["tp"], k["cell_mismatch"]["fp"], k["cell_mismatch"]["fn"]) == (1, 0, 0)
    assert (k["number_mismatch"]["tp"], k["number_mismatch"]["fp"]) == (1, 0)
    assert (k["column_shift"]["tp"], k["column_shift"]["fp"]) == (1, 0)
    assert (k["empty_cell"]["tp"], k["empty_cell"]["fn"]) == (0, 1)  # not found
    assert (k["missing_row"]["tp"], k["missing_row"]["fn"]) == (1, 1)  # fi_only row 24 not reported
    assert (k["wrong_language"]["tp"], k["wrong_language"]["fp"], k["wrong_language"]["precision"]) == (0, 1, 0.0)
    assert (f["all"]["tp"], f["all"]["fp"], f["all"]["fn"]) == (4, 1, 2)
    assert (f["all"]["precision"], f["all"]["recall"]) == (0.8, 0.6667)
    assert f["minor"] == {"labels": 1, "flagged": 1}
    assert f["unscored"] == {"duplicate_row": 1}


def test_inconsistent_translation_scores_as_content(tmp_path):
    # The gold labels an inconsistently rendered term "content_differs".
    findings = [("inconsistent_translation", 10, 20, 5), ("inconsistent_translation", 11, 21, 6)]
    scores = evaluate(report(tmp_path, PERFECT, findings), write(tmp_path, "gold.csv", GOLD_CSV))
    k = scores["findings"]["kinds"]["cell_mismatch"]
    assert (k["tp"], k["fp"]) == (1, 1)


def test_findings_csv_with_alignment_csv(tmp_path):
    findings = write(tmp_path, "f.csv", "kind,severity,sv_line,fi_line,column,message\nempty_cell,warning,12,22,6,x\n")
    pred = read_prediction(write(tmp_path, "a.csv", PERFECT), findings)
    scores = evaluate(pred, read_gold(write(tmp_path, "gold.csv", GOLD_CSV)))
    assert scores["findings"]["kinds"]["empty_cell"]["f1"] == 1.0


def test_cli_prints_and_writes_json(tmp_path, capsys):
    out = tmp_path / "scores.json"
    code = main(["eval", str(write(tmp_path, "a.csv", PERFECT)), str(write(tmp_path, "gold.csv", GOLD_CSV)), "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[1].split()[:4] == ["links", "5", "0", "0"]
    assert json.loads(out.read_text())["links"]["f1"] == 1.0


def test_cli_missing_gold_names_the_file(tmp_path, capsys):
    code = main(["eval", str(write(tmp_path, "a.csv", PERFECT)), str(tmp_path / "nope.csv")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "nope.csv" in err and len(err.splitlines()) == 1


def test_not_an_alignment(tmp_path):
    with pytest.raises(InputError, match="sv_line and fi_line"):
        read_prediction(write(tmp_path, "x.csv", "a,b\n1,2\n"))
    with pytest.raises(InputError, match="not a gold file"):
        read_gold(write(tmp_path, "g.csv", "x,y\n1,2\n"))


def test_seed_pair_against_the_real_gold(tmp_path, capsys):
    if not GOLD.exists():
        pytest.skip("../shared/data/gold is not available")
    alignment = tmp_path / "alignment.csv"
    assert main(["-q", "align", str(SV), str(FI), "-o", str(alignment)]) == 0
    scores = evaluate(alignment, GOLD)
    links = scores["links"]
    # The 30 gold pairs of the main part are all found and nothing else in scope is paired.
    assert (links["tp"], links["fp"], links["fn"]) == (30, 0, 0)
