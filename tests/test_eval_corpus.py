"""``bitext eval --corpus``: score a folder of gold CSVs and the pairs they refer to (the
Finlex gold of bitext/evaluation/gold/finlex; the pairs from ../shared, skipped when absent)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bitext.cli import main
from bitext.errors import InputError
from bitext.evaluation.scoring import evaluate_corpus, faithful_rows, labelled_rows, read_gold

GOLD = Path(__file__).resolve().parent.parent / "bitext" / "evaluation" / "gold" / "finlex"
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "finlex" / "dev"


def _report_from_gold(gold, loud_on=()):
    """A JSON report that aligns exactly as the gold does, with warnings on the given rows."""
    alignment = [{"sv_line": g.sv_line, "fi_line": g.fi_line, "relation": g.relation} for g in gold]
    findings = [{"kind": "cell_mismatch", "severity": "warning", "sv_line": g.sv_line, "fi_line": g.fi_line, "column": 1} for g in loud_on]
    return {"alignment": alignment, "findings": findings}


def _corpus(tmp_path, ids):
    gold_dir, data_dir = tmp_path / "gold", tmp_path / "data"
    gold_dir.mkdir()
    for pid in ids:
        shutil.copy(GOLD / f"{pid}.csv", gold_dir)
        (data_dir / pid).mkdir(parents=True)
        for side in ("sv", "fi"):
            (data_dir / pid / f"{side}.md").write_text("", encoding="utf-8")
    return gold_dir, data_dir


def test_corpus_scores_per_pair_and_overall(tmp_path):
    gold_dir, data_dir = _corpus(tmp_path, ["asd20151575", "asd20131255"])
    golds = {pid: read_gold(GOLD / f"{pid}.csv") for pid in ("asd20151575", "asd20131255")}

    def check(sv, fi):  # a perfect alignment; two warnings on faithful rows of one pair
        gold = golds[sv.parent.name]
        return _report_from_gold(gold, faithful_rows(gold)[:2] if sv.parent.name == "asd20131255" else ())

    scores = evaluate_corpus(gold_dir, data_dir, check=check)
    by_id = {p["id"]: p for p in scores["pairs"]}
    assert by_id["asd20151575"]["links"]["f1"] == 1.0 and by_id["asd20151575"]["loud_on_faithful"] == 0
    assert by_id["asd20131255"]["loud_on_faithful"] == 2
    assert by_id["asd20131255"]["per_100_faithful"] == round(200 / len(faithful_rows(golds["asd20131255"])), 2)
    o = scores["overall"]
    assert o["pairs"] == 2 and o["links_pooled"]["f1"] == 1.0
    assert o["faithful_rows"] == sum(len(faithful_rows(g)) for g in golds.values()) and o["loud_on_faithful"] == 2
    # asd20151575 labels 3 split rows; the perfect alignment has no finding on them
    assert (o["labelled"], o["labelled_found"]) == (sum(len(labelled_rows(g)) for g in golds.values()), 0)


def test_corpus_counts_a_structure_finding_on_the_rows_it_lists(tmp_path):
    gold_dir, data_dir = _corpus(tmp_path, ["asd20151575"])
    gold = read_gold(GOLD / "asd20151575.csv")

    def check(sv, fi):
        report = _report_from_gold(gold)
        report["findings"].append({"kind": "structure", "severity": "info", "sv_line": 135, "fi_line": 135, "column": None,
                                   "evidence": {"structure": "row_split", "sv_rows": ["135", "136", "137"], "fi_rows": ["135"]}})
        return report

    p = evaluate_corpus(gold_dir, data_dir, check=check)["pairs"][0]
    assert (p["labelled_found"], p["labelled"], p["loud_on_faithful"]) == (3, 3, 0)


def test_corpus_needs_pairs(tmp_path):
    gold_dir, _ = _corpus(tmp_path, ["asd20151575"])
    with pytest.raises(InputError, match="no sv/fi pair"):
        evaluate_corpus(gold_dir, tmp_path)
    assert main(["eval", "--corpus", str(gold_dir)]) == 2


def test_eval_corpus_on_a_real_pair(tmp_path, capsys):
    if not DEV.exists():
        pytest.skip("../shared/data/finlex is not available")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    shutil.copy(GOLD / "asd20151575.csv", gold_dir)
    out = tmp_path / "scores.json"
    assert main(["eval", "--corpus", str(gold_dir), "--data", str(DEV), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[2].startswith("| asd20151575 | 26 |")
    scores = json.loads(out.read_text(encoding="utf-8"))
    (pair,) = scores["pairs"]
    # a split row (sv item 6 in three rows, fi in one) is reported as structure, found on all 3 labelled lines
    assert pair["labelled_found"] == pair["labelled"] == 3
    assert pair["per_100_faithful"] <= 2.0
    assert pair["links"]["f1"] >= 0.9
