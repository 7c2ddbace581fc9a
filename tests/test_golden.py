"""Parser golden files: each seed → its normalised structure, compared with tests/golden/.

A missing golden file fails. To regenerate after an intended change, run with
BITEXT_UPDATE_GOLDEN=1 and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bitext.normalize import normalize
from bitext.readers import read_raw
from conftest import DATA

GOLDEN = Path(__file__).parent / "golden"
SEEDS = ["loviisa_2021_sv.txt", "loviisa_2021_fi.txt", "stockholm_2023_sv.txt", "lilla_edet_2021_sv.txt"]


def structure(path: Path) -> dict:
    doc = normalize(read_raw(path))
    return {
        "format": doc.format,
        "encoding": doc.encoding,
        "parts": [{"title": p.title, "line": p.source.line, "tables": list(p.tables)} for p in doc.parts],
        "tables": [
            {
                "heading": t.heading,
                "header": list(t.header),
                "rows": [
                    {
                        "lines": list(r.source.lines),
                        "cells": [c.text if not c.inherited else {"inherited": c.text} for c in r.cells],
                    }
                    for r in t.rows
                ],
            }
            for t in doc.tables
        ],
        "steps": sorted({s.kind for s in doc.steps}),
    }


@pytest.mark.parametrize("name", SEEDS)
def test_golden(name):
    got = structure(DATA / name)
    golden = GOLDEN / (name.rsplit(".", 1)[0] + ".json")
    if os.environ.get("BITEXT_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert golden.exists(), f"missing golden file {golden} (BITEXT_UPDATE_GOLDEN=1 writes it; review before committing)"
    assert got == json.loads(golden.read_text(encoding="utf-8"))
