"""SARIF 2.1.0 output: the structure the schema requires, every result located in its input."""

from __future__ import annotations

import json
import shutil

import pytest

import bitext
from bitext.report.sarif import LEVELS, to_sarif
from conftest import DATA, ROOT

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def seed_log():
    result = bitext.check(DATA / "loviisa_2021_sv.txt", DATA / "loviisa_2021_fi.txt")
    return result, json.loads(to_sarif(result))


def _required_structure(log: dict) -> None:
    """The properties SARIF 2.1.0 marks required (sarifLog, run, tool, toolComponent, result,
    message, location parts), and the enums and references that must be consistent."""
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list)
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rule_ids = [r["id"] for r in driver["rules"]]
        assert len(rule_ids) == len(set(rule_ids))
        for res in run["results"]:
            assert isinstance(res["message"]["text"], str) and res["message"]["text"]
            assert res["level"] in {"none", "note", "warning", "error"}
            assert rule_ids[res["ruleIndex"]] == res["ruleId"]
            assert res["locations"], "every result is located"
            for loc in res["locations"] + res.get("relatedLocations", []):
                art = loc["physicalLocation"]["artifactLocation"]
                assert run["artifacts"][art["index"]]["location"]["uri"] == art["uri"]
                region = loc["physicalLocation"].get("region")
                assert region is None or region["startLine"] >= 1
                assert region is not None or loc["logicalLocations"][0]["fullyQualifiedName"]


def test_seed_pair_sarif_has_the_required_structure(seed_log):
    result, log = seed_log
    _required_structure(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(result.findings)
    assert [r["level"] for r in results] == [LEVELS[f.severity] for f in result.findings]
    # Line-based inputs: every result points at a line of the input named in artifacts.
    assert all("region" in r["locations"][0]["physicalLocation"] for r in results)
    uris = {a["location"]["uri"] for a in log["runs"][0]["artifacts"]}
    assert uris == {(DATA / "loviisa_2021_sv.txt").as_uri(), (DATA / "loviisa_2021_fi.txt").as_uri()}


def test_seed_pair_sarif_lines_are_the_rows_lines(seed_log):
    result, log = seed_log
    for f, r in zip(result.findings, log["runs"][0]["results"]):
        row = f.left if f.left is not None else f.right
        assert r["locations"][0]["physicalLocation"]["region"]["startLine"] == row.source.line


def test_sarif_validates_with_an_independent_object_model(seed_log):
    sarif_pydantic = pytest.importorskip("sarif_pydantic")
    _, log = seed_log
    parsed = sarif_pydantic.Sarif.model_validate(log)
    assert parsed.version == "2.1.0" and len(parsed.runs[0].results) == len(log["runs"][0]["results"])


def test_formats_without_lines_are_located_by_reference():
    sv, fi = FIXTURES / "loviisa_2021_sv.xlsx", FIXTURES / "loviisa_2021_fi.xlsx"
    if not (sv.exists() and fi.exists()):
        pytest.skip("XLSX fixtures missing")
    result = bitext.check(sv, fi)
    log = json.loads(to_sarif(result))
    _required_structure(log)
    locs = [r["locations"][0] for r in log["runs"][0]["results"]]
    assert locs and all("region" in l["physicalLocation"] or l["logicalLocations"][0]["fullyQualifiedName"] for l in locs)
