"""``bitext bench --size reduced``: the sections are there and the values are sane.

Timings are reported, never asserted (the machine is shared); the checks are on shape,
accuracy and what must hold whatever the speed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from bitext import cli
from bitext.evaluation import baselines, bench
from bitext.cli import main
from conftest import SHARED


@pytest.fixture(scope="module")
def reduced(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    assert main(["-q", "bench", "--size", "reduced", "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_sections(reduced):
    assert {"bench", "seed", "accuracy", "scale", "tatoeba", "lexicon"} <= set(reduced)
    m = reduced["bench"]["machine"]
    assert m["cores"] >= 1 and m["cpu"]


def test_seed_stages(reduced):
    s = reduced["seed"]
    assert s["rows"] == [67, 67]
    for run in ("cold", "warm"):
        assert set(bench.STAGES) - {"load_model"} <= set(s[run]["times_s"])
        assert all(v is None or v >= 0 for v in s[run]["times_s"].values())
        assert s[run]["peak_rss_mb"] > 10
    # The cold run embeds every text (and the few terms the checks compare), the warm run
    # reads them all from the cache.
    cold, warm = s["cold"], s["warm"]
    assert cold["cache_hits"] == 0 and s["distinct_texts"] <= cold["cache_misses"] <= s["distinct_texts"] + 10
    assert warm["cache_misses"] == 0 and warm["cache_hits"] == cold["cache_misses"]
    assert s["cold"]["times_s"]["load_model"] > 0 and "load_model" not in s["warm"]["times_s"]
    assert all(v >= 0 for v in s["python_peak_mb"].values())


def test_accuracy(reduced):
    a = reduced["accuracy"]
    assert a["cases"][0]["case"] == "seed"
    names = {"positional", "embeddings", "monotone_dp", "bitext"}
    assert set(a["summary"]) == names
    for r in a["cases"]:
        assert all(0.0 <= r["methods"][n]["f1"] <= 1.0 for n in names)
    seed = a["cases"][0]["methods"]
    # On the unperturbed seed pair the structure is identical: position alone is right.
    assert seed["positional"]["f1"] == 1.0 and seed["bitext"]["f1"] == 1.0
    deleted = next(r for r in a["cases"] if r["case"].startswith("row_deleted"))
    assert deleted["methods"]["positional"]["f1"] < 1.0


def test_scale(reduced):
    runs = reduced["scale"]["runs"]
    parts = [r for r in runs if r["layout"] == "parts"]
    assert [r["rows"][0] for r in parts] == [100, 300]
    for r in runs:
        assert r["python_peak_mb"]["align"] > 0 and r["peak_rss_mb"] > 0
        assert 0.0 <= r["link_f1"] <= 1.0
    assert "FakeEncoder" in reduced["scale"]["encoder"]
    assert reduced["scale"]["growth"]


def test_tatoeba(reduced):
    t = reduced["tatoeba"]
    if not (SHARED / "tatoeba-fin-swe" / "test.tsv").exists():
        assert "skipped" in t
        pytest.skip("../shared/data/tatoeba-fin-swe is not available")
    assert t["pairs"] == 200
    e5 = t["models"][0]
    # Far above chance (1/200) for the multilingual encoder.
    assert e5["p_at_1"]["fi_to_sv_cosine"] > 0.5 and e5["sentences_per_s"] > 0


TATOEBA = SHARED / "tatoeba-fin-swe" / "test.tsv"
P_AT_1 = {"fi_to_sv_exact", "sv_to_fi_exact", "fi_to_sv_text", "sv_to_fi_text"}


def test_lexicon_section_without_tatoeba(tmp_path):
    # The seed-pair parts run from package data alone; Tatoeba is skipped with a note.
    from bitext.evaluation import lexicon

    res = lexicon.bench_lexicon("reduced", tmp_path / "absent.tsv")
    assert set(res) == {"w", "margin_k", "candidates", "seed_coverage", "cost", "tatoeba"}
    assert res["w"] == lexicon.W and "not available" in res["tatoeba"]["skipped"]
    cov = res["seed_coverage"]
    for lang in ("sv", "fi"):
        assert cov[lang]["tokens"] > 1000 and 0.5 < cov[lang]["share"] <= 1.0
        assert cov[lang]["translated"] == round(cov[lang]["share"] * cov[lang]["tokens"])
    # Every paired cell of the seed pair is analysed, in the cost as in the coverage.
    assert cov["cells"]["pairs"] == res["cost"]["cell_pairs"] > 300 and 0.0 < cov["cells"]["mean_coverage"] < 1.0
    assert {"load_s", "analysis_s", "cells", "load_peak_mb", "analysis_peak_mb", "rss_added_mb"} <= set(res["cost"])
    assert res["cost"]["load_peak_mb"] > 0  # the lexicon is megabytes of tables: a traced peak of 0 is a broken measurement
    assert "Tatoeba: skipped" in "\n".join(lexicon.format_table(res))


@pytest.mark.skipif(not TATOEBA.exists(), reason="../shared/data/tatoeba-fin-swe is not available")
def test_lexicon_section_on_a_tatoeba_sample():
    from bitext.evaluation import lexicon

    t = lexicon.bench_tatoeba(TATOEBA, sample=40)
    assert t["pairs"] == 40 and t["pairs_in_file"] > 40 and "seeded" in t["sample"]
    assert set(t["p_at_1"]) == set(lexicon.SCORINGS)
    for scores in (*t["p_at_1"].values(), t["ceiling"]):
        assert set(scores) == P_AT_1 and all(0.0 <= v <= 1.0 for v in scores.values())
        # A hit on the gold index is a hit on its text.
        assert scores["fi_to_sv_text"] >= scores["fi_to_sv_exact"] and scores["sv_to_fi_text"] >= scores["sv_to_fi_exact"]
    for name in ("cosine", "margin"):  # identical texts score alike: the duplicates' ceiling holds
        assert all(t["p_at_1"][name][k] <= t["ceiling"][k] for k in P_AT_1)
    # Far above chance (1/40) for the multilingual encoder, with and without the lexicon.
    assert min(t["p_at_1"][name]["fi_to_sv_text"] for name in lexicon.SCORINGS) > 0.5
    assert 40 <= t["coverage_pairs"] <= 40 * 40
    table = "\n".join(lexicon.format_table({"w": lexicon.W, "margin_k": 4, "candidates": 10, "seed_coverage": lexicon.seed_coverage(), "cost": {"load_s": 0, "analysis_s": 0, "cells": 0, "cell_pairs": 0, "load_peak_mb": 0, "analysis_peak_mb": 0, "rss_added_mb": 0}, "tatoeba": t}))
    assert "margin+lexicon" in table and "40 of" in table


def test_ceiling_of_repeated_sentences():
    from bitext.evaluation.lexicon import ceiling, p_at_1

    fi, sv = ["a", "a", "b", "c"], ["x", "y", "z", "z"]
    c = ceiling(fi, sv)
    # "a" twice with two translations: one right at most; "z" twice: only the first is exact.
    assert c == {"fi_to_sv_exact": 0.5, "fi_to_sv_text": 0.75, "sv_to_fi_exact": 0.5, "sv_to_fi_text": 0.75}
    # Scores that treat identical texts alike reach it and no more.
    same = np.array([[1, 0.5, 0, 0], [1, 0.5, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], dtype=float)
    assert p_at_1(same, fi, sv) == c


def test_monotone_dp_skips_a_deleted_row():
    sims = np.eye(4, dtype=np.float32)
    sims = np.delete(sims, 1, axis=1)  # right side lost row 1
    links = baselines.monotone_dp(sims, background=0.2)
    assert sorted(links, key=str) == sorted([(0, 0), (1, None), (2, 1), (3, 2)], key=str)


def test_retrieval_margin():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((20, 8)).astype(np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = a + 0.1 * rng.standard_normal(a.shape).astype(np.float32)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    s = baselines.retrieval_scores(a, b)
    assert s["a_to_b_cosine"] == 1.0 and s["b_to_a_margin"] == 1.0
    assert baselines.retrieval_scores(a, b[::-1])["a_to_b_cosine"] == 0.0


def test_synthetic_pair_truth():
    sv, fi, truth = bench.synthetic_pair(150)
    assert len(truth) == 150
    sv_lines = sv.split("\n")
    fi_lines = fi.split("\n")
    assert all(sv_lines[a - 1].startswith("|") for a, _ in truth)
    assert all(b is None or "\t" in fi_lines[b - 1] for _, b in truth)


def test_bad_section():
    assert main(["bench", "--only", "nope"]) == 2


def test_cli_knows_the_bench_sizes_and_sections():
    # The parser lists them without importing the benchmark (a fast --help).
    assert tuple(sorted(bench.SIZES)) == cli.BENCH_SIZES and bench.SECTIONS == cli.BENCH_SECTIONS


def test_packaged_seed_pair_is_the_project_seed_pair():
    # bitext bench runs on the copy that ships in the wheel: it must not drift from data/.
    from conftest import FI, SV

    assert bench.SEED_SV.read_bytes() == SV.read_bytes() and bench.SEED_FI.read_bytes() == FI.read_bytes()


def test_command_line_loads_tools_only_when_asked():
    # Building the parser (every command, --help) imports neither the evaluation tools nor
    # numpy/scipy/pandas: a warm `bitext check` pays only for what it uses.
    import subprocess
    import sys

    from conftest import ROOT

    code = "import sys; from bitext.cli import build_parser; build_parser(); print(sorted(m for m in ('bitext.evaluation', 'numpy', 'scipy', 'pandas', 'bitext.alignment') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
