"""The contract between the steps (issue 12): rows keyed by the normaliser, every decision
constant in the parameters, checks declared with kinds and priorities, no process-wide side
effects, the public surface; and checks that survive tables of different widths (issue 14)."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import bitext
from bitext.params import AlignParams, CheckParams
from conftest import FI, ROOT, SV
from helpers import edited

PACKAGE = ROOT / "bitext"
DECISION_MODULES = ["bitext.alignment", "bitext.api", "bitext.checks"] + [
    f"bitext.checks.{m}" for m in ("base", "rows", "cells", "numeric", "language", "meaning", "structure", "columns")
]


@pytest.fixture(scope="module")
def embed():
    from bitext.api import make_embedder

    emb = make_embedder()
    return lambda texts: emb(texts)


# --- row identity ----------------------------------------------------------------------------


def test_no_object_identity_anywhere_in_the_package():
    """Rows are identified by their key (side, table, index), never by ``id()``: an id is
    only unique while the object lives, and a copied row would be a stranger."""
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"(?<![\w.])id\(", line)
    ]
    assert offenders == []


def test_row_keys_are_unique_and_stable(seed_alignment):
    for doc in (seed_alignment.left, seed_alignment.right):
        keys = [r.rowkey for r in doc.rows]
        assert len(set(keys)) == len(keys) == 67
        assert keys == [r.rowkey for r in bitext.read(doc.path).rows]


# --- parameters --------------------------------------------------------------------------------


def _numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, dict):
        return bool(value) and all(_numeric(v) for v in value.values())
    if isinstance(value, (tuple, list, frozenset, set)):
        return bool(value) and all(_numeric(v) for v in value)
    return False


# Numbers that choose a representation or break exact ties, never a result on their own
# (the anchor matrices have a test that both ways agree; _TIE only orders equal totals).
NOT_DECISIONS = {"bitext.alignment.DENSE_ANCHOR_CELLS", "bitext.checks.columns._TIE"}


def test_no_decision_constant_outside_the_parameters():
    """Module-level numbers in the alignment and the checks would be decisions the
    report's settings do not record: they belong in AlignParams / CheckParams."""
    loose = {
        f"{name}.{key}"
        for name in DECISION_MODULES
        for key, value in vars(importlib.import_module(name)).items()
        if key.lstrip("_").isupper() and _numeric(value)
    }
    assert loose == NOT_DECISIONS


def test_dense_and_sparse_anchor_matrices_agree(monkeypatch):
    """DENSE_ANCHOR_CELLS picks dense NumPy or scipy.sparse incidence matrices: the anchor
    overlaps must be the same either way."""
    from types import SimpleNamespace

    from bitext import alignment

    la = [frozenset({"2021", "§ 3"}), frozenset(), frozenset({"7,5", "2021"})]
    ra = [frozenset({"2021"}), frozenset({"7,5", "2021", "12"}), frozenset({"§ 3"})]
    li, rj = np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])
    out = []
    for cells in (alignment.DENSE_ANCHOR_CELLS, 0):
        monkeypatch.setattr(alignment, "DENSE_ANCHOR_CELLS", cells)
        m = SimpleNamespace(anchor_matrices=alignment.anchor_matrices(la, ra))
        assert hasattr(m.anchor_matrices[0], "toarray") == (cells == 0)
        out.append((alignment._anchor_scores(m, li, rj, pairs=False), alignment._anchor_scores(m, li, rj, pairs=True)))
    for a, b in zip(*out):
        np.testing.assert_array_equal(a, b)
    assert out[0][1][2] == pytest.approx(2 / 3) and out[0][1][1] == 0.0  # {7,5 2021} vs {7,5 2021 12}; nothing vs three


def test_obvious_assignments_skip_the_hungarian_method():
    """_unique_best answers only when its answer is the optimum scipy finds."""
    from scipy.optimize import linear_sum_assignment

    from bitext.alignment import _assign, _unique_best

    rng = np.random.default_rng(0)
    answered = 0
    for shape in [(1, 1), (1, 4), (4, 1), (3, 3), (5, 8), (8, 5)] * 30:
        score = rng.random(shape)
        if rng.random() < 0.5:  # near-diagonal blocks, as in aligned tables
            score[np.arange(min(shape)), np.arange(min(shape))] += 1.0
        rows, cols = linear_sum_assignment(-score)
        expected = sorted(zip(rows.tolist(), cols.tolist()))
        assert _assign(score) == expected
        answered += _unique_best(score) is not None
    assert 0 < answered < 180
    tie = np.array([[0.5, 0.5], [0.1, 0.2]])
    assert _unique_best(tie) is None


def test_every_parameter_is_used():
    """Each field is read somewhere in the alignment or the checks (a field nobody reads
    would be a setting that changes nothing)."""
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in [PACKAGE / "alignment.py", PACKAGE / "api.py", *(PACKAGE / "checks").glob("*.py")]
    )
    unused = [f.name for cls in (AlignParams, CheckParams) for f in dataclasses.fields(cls) if not re.search(rf"\.{f.name}\b", source)]
    assert unused == []


def test_parameters_are_frozen_and_documented():
    for cls in (AlignParams, CheckParams):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(cls(), dataclasses.fields(cls)[0].name, 0)
        text = (PACKAGE / "params.py").read_text(encoding="utf-8")
        for f in dataclasses.fields(cls):
            # One line of why per field: the comment on the field's own line.
            assert re.search(rf"^\s+{f.name}: \w+ = [^#\n]+# \S", text, re.M), f.name


def test_settings_hold_every_parameter_and_a_signature(seed_alignment):
    assert seed_alignment.settings["align"] == dataclasses.asdict(AlignParams())
    assert seed_alignment.settings["signature"].endswith("|align:default")
    assert {"bitext", "numpy", "model"} <= set(seed_alignment.settings)


def test_align_params_change_the_alignment(seed_alignment):
    strict = bitext.align(SV, FI, align_params=AlignParams(threshold=0.99, min_matched_share=0.0))
    matched = sum(1 for link in strict.links if link.relation == "match")
    assert matched < sum(1 for link in seed_alignment.links if link.relation == "match")
    assert strict.settings["align"]["threshold"] == 0.99 and "threshold=0.99" in strict.settings["signature"]


def test_check_params_change_the_findings(seed_alignment, embed):
    from bitext.checks import run_checks

    default = run_checks(seed_alignment, embed)
    strict_terms = run_checks(seed_alignment, embed, CheckParams(term_min_rows=10**6))
    terms = [f for f in default if f.kind == "inconsistent_translation" and "term" in f.evidence]
    assert terms and not [f for f in strict_terms if f.kind == "inconsistent_translation" and "term" in f.evidence]


def test_api_signatures_are_explicit():
    import inspect

    for fn in (bitext.align, bitext.check):
        params = inspect.signature(fn).parameters
        assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        assert "align_params" in params
    assert "check_params" in inspect.signature(bitext.check).parameters


# --- the checks ----------------------------------------------------------------------------------


def test_checks_need_measurements_and_the_embedder(seed_alignment):
    """The terms check cannot silently do nothing: without the embedder, no checks run."""
    from bitext.checks import run_checks

    with pytest.raises(bitext.UsageError):
        run_checks(seed_alignment, None)  # type: ignore[arg-type]
    with pytest.raises(bitext.UsageError):
        run_checks(dataclasses.replace(seed_alignment, measurements=None), lambda texts: {})


def test_measurements_are_frozen(seed_alignment):
    m = seed_alignment.measurements
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.columns = ()  # type: ignore[misc]
    with pytest.raises(ValueError):
        m.left.cells[0, 0, 0] = 1.0
    row_l, row_r = seed_alignment.links[0].left, seed_alignment.links[0].right
    assert -1.0 <= m.cell_cosine(row_l, row_r, 1) <= 1.0
    assert m.cell_cosine(row_l, row_r, m.width + 5) is None  # past the width: no cell, no crash


def test_every_kind_is_declared_by_a_check():
    from bitext.checks import CHECKS

    declared = {k for spec in CHECKS for k in spec.kinds}
    assert declared == set(bitext.Kind)
    priorities = [spec.priority for spec in CHECKS]
    assert len(set(priorities)) == len(priorities) and priorities == sorted(priorities)


def test_priority_not_list_order_decides_which_finding_a_cell_gets(seed_alignment, embed, monkeypatch):
    from bitext import checks
    from bitext.checks.base import CheckSpec
    from bitext.model import Finding, Kind, Severity

    link = next(l for l in seed_alignment.links if l.relation == "match")

    def say(text: str, kind: Kind):  # type: ignore[no-untyped-def]
        return lambda ctx: [Finding(kind, Severity.WARNING, link.left, link.right, 2, text)]

    specs = (
        CheckSpec("late", (Kind.CELL_MISMATCH,), 90, say("from the later check", Kind.CELL_MISMATCH)),
        CheckSpec("early", (Kind.INCONSISTENT_TRANSLATION,), 10, say("from the earlier check", Kind.INCONSISTENT_TRANSLATION)),
    )
    for order in (specs, specs[::-1]):
        monkeypatch.setattr(checks, "CHECKS", order)
        found = checks.run_checks(seed_alignment, embed)
        assert [f.message for f in found] == ["from the earlier check"]


def test_kinds_and_severities_are_plain_strings_in_reports():
    assert bitext.Kind.MISSING_ROW == "missing_row" and f"{bitext.Severity.ERROR}" == "error"
    assert json.dumps({bitext.Kind.EMPTY_CELL: [bitext.Severity.INFO]}) == '{"empty_cell": ["info"]}'


# --- side effects -----------------------------------------------------------------------------------

_SIDE_EFFECTS = """
import csv, os, sys
env, limit = dict(os.environ), csv.field_size_limit()
import bitext
from bitext.readers import read_raw
read_raw(sys.argv[1])
bitext.check(sys.argv[2], sys.argv[3])
assert csv.field_size_limit() == limit, ("csv.field_size_limit changed", limit, csv.field_size_limit())
changed = sorted(k for k in set(env) | set(os.environ) if env.get(k) != os.environ.get(k))
assert not changed, ("os.environ changed", changed)
print("unchanged")
"""


def test_import_and_check_change_nothing_process_wide(tmp_path):
    """In a fresh interpreter: importing bitext, reading a CSV and a check leave the csv
    module's field limit and the environment as they were."""
    table = tmp_path / "t.csv"
    table.write_text("Mål;Mätare\nVi gör;Andel\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", _SIDE_EFFECTS, str(table), str(SV), str(FI)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0 and out.stdout.strip() == "unchanged", out.stderr[-2000:]


def test_csv_reading_restores_the_field_limit(tmp_path):
    import csv

    from bitext.readers import read_raw

    before = csv.field_size_limit()
    big = "x" * 200_000  # over csv's default limit of 131,072
    (tmp_path / "big.csv").write_text(f"Mål;Mätare\n{big};Andel\n", encoding="utf-8")
    doc = read_raw(tmp_path / "big.csv")
    assert doc.blocks[-1].rows[1].cells[0] == big
    assert csv.field_size_limit() == before


def test_sentence_transformers_backend_leaves_the_environment(tmp_path):
    from bitext.embed import SentenceTransformerEncoder
    from bitext.errors import DependencyError

    pytest.importorskip("sentence_transformers")
    import sentence_transformers  # noqa: F401 - its own import may set variables; ours must not

    before = dict(os.environ)
    with pytest.raises(DependencyError):
        SentenceTransformerEncoder(str(tmp_path / "no-such-model"))
    assert dict(os.environ) == before


class _Encoder:
    name = "test-encoder"

    def encode(self, texts):  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(len(texts))
        v = rng.normal(size=(len(texts), 4)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_embedder_does_not_hand_out_its_memory():
    from bitext.embed import Embedder

    emb = Embedder(_Encoder(), None)
    vecs = emb(["a", "b"])
    with pytest.raises(TypeError):
        vecs["a"] = np.zeros(4, np.float32)  # type: ignore[index]
    with pytest.raises(ValueError):
        vecs["a"][0] = 5.0
    assert set(emb(["c"])) == {"a", "b", "c"} and emb.misses == 3


# --- public surface -------------------------------------------------------------------------------


def test_public_surface(seed_alignment):
    from bitext import AlignParams, CheckParams, CheckResult, Kind, Severity, UsageError  # noqa: F401

    wanted = {"CheckResult", "Alignment", "Link", "Finding", "Document", "BitextError", "InputError", "UsageError", "DependencyError", "Kind", "Severity", "AlignParams", "CheckParams"}
    assert wanted <= set(bitext.__all__)
    assert all(getattr(bitext, name) is not None for name in bitext.__all__)
    result = CheckResult(seed_alignment, (), dict(seed_alignment.settings))
    for obj in (result, seed_alignment, seed_alignment.left):
        text = repr(obj)
        assert len(text) < 2000 and "67" in text, text[:200]


# --- tables of different widths (issue 14) ---------------------------------------------------------


def _fi_extra_column(tmp_path):  # type: ignore[no-untyped-def]
    # The first Finnish table (header line 9, rows 10-15) gets a seventh column.
    fi = edited(FI, tmp_path / "fi.txt", lambda lines: [l + "\tLisätieto" if 9 <= k <= 15 else l for k, l in enumerate(lines, 1)])
    return SV, fi, 7


def _sv_dropped_column(tmp_path):  # type: ignore[no-untyped-def]
    # The first Swedish table (header 9, separator 10, rows 11-16) loses its last column.
    def drop(line: str) -> str:
        return line.rstrip().rstrip("|").rsplit("|", 1)[0] + "|"

    sv = edited(SV, tmp_path / "sv.txt", lambda lines: [drop(l) if 9 <= k <= 16 else l for k, l in enumerate(lines, 1)])
    return sv, FI, 6


@pytest.mark.parametrize("make", [_fi_extra_column, _sv_dropped_column], ids=["fi-extra-column", "sv-dropped-column"])
def test_tables_of_different_widths_give_a_report(tmp_path, make):
    """One version's table has a column the other's lacks: a report (exit 0 or 1), never
    an internal error; the lone column is reported as empty on the other side."""
    from bitext.cli import main

    sv, fi, column = make(tmp_path)
    report = tmp_path / "report.json"
    assert main(["-q", "check", str(sv), str(fi), "--json", str(report), "--fail-on", "never"]) == 0
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert any(f["kind"] == "empty_cell" and f["column"] == column for f in findings)


# --- one reading of numbers ---------------------------------------------------------------------


def test_alignment_anchors_and_checks_read_numbers_the_same_way(tmp_path):
    """"1 000" is the number 1000 for the alignment's anchors and for the number check
    alike (it was {1, 000} in one and 1000 in the other)."""
    from bitext.alignment import anchor_sets
    from bitext.lexicon import numbers

    sv = tmp_path / "sv.md"
    fi = tmp_path / "fi.md"
    sv.write_text("| Mål | Budget |\n|---|---|\n| Vi bygger en ny skola för barnen i staden. | 1 000 000 euro |\n", encoding="utf-8")
    fi.write_text("| Tavoite | Budjetti |\n|---|---|\n| Rakennamme uuden koulun kaupungin lapsille. | 1000000 euroa |\n", encoding="utf-8")
    left, right = bitext.read(sv), bitext.read(fi)
    la, ra = anchor_sets(left, right)
    assert la[0] == ra[0] == frozenset({"#1000000"})
    assert numbers("1 000 000 euro", "sv")[0] == numbers("1000000 euroa", "fi")[0] == {"1000000"}
