"""The JSON report is a contract: the seed pair's alignment and findings, compared with a
golden file made before the refactoring of issue 12 (settings are left out: their shape is
meant to change). A missing golden file fails. To regenerate after an intended change, run
with BITEXT_UPDATE_GOLDEN=1 and review the diff before committing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import bitext
from conftest import DATA

GOLDEN = Path(__file__).parent / "golden" / "reports" / "loviisa_2021_check.json"


def test_seed_pair_report_matches_golden(tmp_path):
    result = bitext.check(DATA / "loviisa_2021_sv.txt", DATA / "loviisa_2021_fi.txt", cache_dir=tmp_path)
    report = json.loads(result.to_json())
    got = {"alignment": report["alignment"], "findings": report["findings"], "summary": report["summary"]}
    if os.environ.get("BITEXT_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == expected
