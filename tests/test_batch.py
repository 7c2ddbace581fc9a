"""`bitext batch`: pairing, a corpus run on a process pool and on a real Dask cluster,
resuming, broken pairs, the summary files, and the embedding cache under concurrent writers."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from bitext.batch import find_pairs
from bitext.cli import main
from conftest import DATA, FI, ROOT, SHARED, SV

FINLEX_DEV = SHARED / "finlex" / "dev"
SMALL = "asd20220127"  # the smallest dev pair: 19/20 rows, real number mismatches


def touch(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")


def test_pairing_by_tag_in_the_name_or_the_folder(tmp_path):
    touch(
        tmp_path,
        "plan_sv.md", "plan_fi.tsv",  # different formats, one document
        "asd2010.sv.xml", "asd2010.fi.xml",
        "x-sv.docx", "x-fi.docx",
        "sv_budget.txt", "fi_budget.txt",
        "asd2011/sv.md", "asd2011/fi.md",
        "sv/a/report.pdf", "fi/a/report.pdf",
        "sv/only.md", "lonely_fi.txt", "README.md",
        "dup_sv.md", "dup_sv.txt", "dup_fi.md",  # two formats, one of them paired
        "asd2012/sv.md", "asd2012/fi.md", "asd2012/sv.xml", "asd2012/fi.xml",
        "two_sv.md", "sv-two.md", "two_fi.md",
    )
    found = find_pairs([tmp_path])
    pairs = {p.name: (str(p.sv.relative_to(tmp_path)), str(p.fi.relative_to(tmp_path))) for p in found.pairs}
    assert pairs == {
        "plan": ("plan_sv.md", "plan_fi.tsv"),
        "asd2010": ("asd2010.sv.xml", "asd2010.fi.xml"),
        "x": ("x-sv.docx", "x-fi.docx"),
        "budget": ("sv_budget.txt", "fi_budget.txt"),
        "asd2011": ("asd2011/sv.md", "asd2011/fi.md"),
        "a__report": ("sv/a/report.pdf", "fi/a/report.pdf"),
        "dup.md": ("dup_sv.md", "dup_fi.md"),
        "asd2012.md": ("asd2012/sv.md", "asd2012/fi.md"),
        "asd2012.xml": ("asd2012/sv.xml", "asd2012/fi.xml"),
    }
    unpaired = {str(u.path.relative_to(tmp_path)): u.reason for u in found.unpaired}
    assert unpaired == {
        "README.md": "no language tag in the name",
        "sv/only.md": "no fi partner",
        "lonely_fi.txt": "no sv partner",
        "dup_sv.txt": "no fi partner",
        "two_sv.md": "ambiguous: 2 sv and 1 fi files share the name",
        "sv-two.md": "ambiguous: 2 sv and 1 fi files share the name",
        "two_fi.md": "ambiguous: 2 sv and 1 fi files share the name",
    }


def test_pairs_csv_and_names_made_unique(tmp_path):
    touch(tmp_path, "one/a_sv.txt", "one/a_fi.txt", "two/a_sv.txt", "two/a_fi.txt", "p.txt", "q.txt", "r/sv.md", "r/fi.md")
    (tmp_path / "pairs.csv").write_text("sv,fi\np.txt,q.txt\nr/sv.md,r/fi.md\n")
    found = find_pairs([tmp_path / "one", tmp_path / "two"], tmp_path / "pairs.csv")
    assert [(p.name, p.sv.name, p.fi.name) for p in found.pairs] == [("a", "a_sv.txt", "a_fi.txt"), ("a-2", "a_sv.txt", "a_fi.txt"), ("p", "p.txt", "q.txt"), ("r", "sv.md", "fi.md")]
    # The pair CSV's files are not reported as unpaired when a folder holds them too.
    assert not find_pairs([tmp_path / "one"], tmp_path / "pairs.csv").unpaired


# --- the embedding cache under concurrent writers --------------------------------------------


def _hammer(directory: str, worker: int, start: float, queue) -> None:  # in a child process
    from bitext.embed import EmbeddingCache

    try:
        while time.time() < start:  # all writers begin together, on a cache that does not exist yet
            time.sleep(0.001)
        cache = EmbeddingCache(directory)
        for b in range(15):
            texts = [f"shared {j}" for j in range(b * 20, b * 20 + 20)] + [f"own {worker} {b} {j}" for j in range(5)]
            # worker + 1: an all-zero vector is (rightly) rejected by the cache's validation
            cache.put("m", texts, np.full((len(texts), 4), worker + 1, np.float32))
            assert all(v is not None for v in cache.get("m", texts))
        mode = cache._db().execute("PRAGMA journal_mode").fetchone()[0]
        cache.close()
        queue.put((worker, "ok", mode))
    except Exception as exc:  # reported to the test, which fails on it
        queue.put((worker, "failed", repr(exc)))


def test_embedding_cache_takes_concurrent_writers(tmp_path):
    n = 8
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    start = time.time() + 2
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), i, start, queue)) for i in range(n)]
    for p in procs:
        p.start()
    results = sorted(queue.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert results == [(i, "ok", "wal") for i in range(n)]
    import sqlite3

    db = sqlite3.connect(tmp_path / "embeddings.sqlite3")
    # 300 shared texts written by everyone once each, plus each writer's own 75.
    assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == 300 + n * 75
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- a corpus run ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Seed pair, a real Finlex pair (when ../shared is there), and three broken pairs."""
    root = tmp_path_factory.mktemp("inputs")
    shutil.copy(SV, root / "loviisa_sv.txt")
    shutil.copy(FI, root / "loviisa_fi.txt")
    if (FINLEX_DEV / SMALL).is_dir():
        (root / SMALL).mkdir()
        for lang in ("sv", "fi"):
            shutil.copy(FINLEX_DEV / SMALL / f"{lang}.md", root / SMALL / f"{lang}.md")
    (root / "sv").mkdir()
    (root / "fi").mkdir()
    shutil.copy(SV, root / "sv" / "same.txt")  # two Swedish documents
    shutil.copy(DATA / "stockholm_2023_sv.txt", root / "fi" / "same.txt")
    (root / "unrelated").mkdir()  # two documents with tables, in two languages, about different things
    shutil.copy(DATA / "lilla_edet_2021_sv.txt", root / "unrelated" / "sv.txt")
    shutil.copy(FI, root / "unrelated" / "fi.txt")
    (root / "<b>_sv.txt").write_text("")  # empty files, and a name that must be escaped
    (root / "<b>_fi.txt").write_text("")
    (root / "notes.txt").write_text("not a document")
    out = tmp_path_factory.mktemp("batch") / "out"
    code = main(["-q", "batch", str(root), "-o", str(out), "--workers", "2"])
    # The first run's summary, before later tests re-run the batch with other gates.
    return root, out, code, json.loads((out / "summary.json").read_text())


def test_batch_writes_a_report_per_pair_and_the_summary(corpus):
    root, out, code, _ = corpus
    assert code == 1  # broken pairs and findings fail the gate
    summary = json.loads((out / "summary.json").read_text())
    pairs = {p["name"]: p for p in summary["pairs"]}
    names = ["b", "loviisa", "same", "unrelated"] + ([SMALL] if (root / SMALL).exists() else [])
    assert sorted(pairs) == sorted(names) and [p["name"] for p in summary["pairs"]] == sorted(names)
    seed = pairs["loviisa"]
    assert seed["status"] == "ok" and seed["rows"] == 134 and seed["counts"]["error"] == 2 and not seed["passed"]
    report = json.loads((out / "loviisa" / "report.json").read_text())
    assert seed["issues"] == len(report.get("issues", report["findings"]))
    assert sum(seed["counts"].values()) == len(report["findings"])
    assert (out / "loviisa" / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert pairs["same"]["status"] == "error" and "both in Swedish" in pairs["same"]["error"]
    assert pairs["b"]["status"] == "error" and "empty" in pairs["b"]["error"] and "\n" not in pairs["b"]["error"]
    assert pairs["unrelated"]["status"] == "error" and "do not look like two versions" in pairs["unrelated"]["error"]
    assert not (out / "same" / "report.json").exists()
    assert summary["unpaired"] == [{"path": str(root / "notes.txt"), "reason": "no language tag in the name"}]
    assert summary["settings"]["fail_on"] == "warning" and summary["timings"]["pairs_run"] == len(names)
    with open(out / "summary.csv", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert rows["loviisa"]["errors"] == "2" and rows["same"]["status"] == "error"


def test_reports_are_the_public_api_output(corpus):
    root, out, _, _ = corpus
    if not (root / SMALL).exists():
        pytest.skip("../shared/data/finlex is not available")
    import bitext

    expected = bitext.check(str(root / SMALL / "sv.md"), str(root / SMALL / "fi.md"))
    assert (out / SMALL / "report.json").read_text(encoding="utf-8") == expected.to_json()
    record = next(p for p in json.loads((out / "summary.json").read_text())["pairs"] if p["name"] == SMALL)
    assert record["counts"] == {k: v for k, v in expected.summary()["by_severity"].items()}


def test_index_lists_worst_first_escaped_with_links(corpus):
    _, out, _, _ = corpus
    html = (out / "index.html").read_text()
    assert "<b>_sv" not in html and "&lt;b&gt;_sv.txt" in html  # autoescaped
    assert 'href="loviisa/report.html"' in html
    order = [html.index(f">{n}<") for n in ("b", "same", "loviisa")]
    assert order == sorted(order[:2]) + [order[2]] and order[2] > max(order[:2])  # errors first
    assert "inconsistent_translation" in html and "notes.txt" in html


def test_rerun_skips_unchanged_pairs_and_redoes_changed_ones(corpus):
    root, out, _, _ = corpus
    reports = {p: p.read_bytes() for p in out.glob("*/report.*")}
    mtimes = {p: p.stat().st_mtime_ns for p in reports}
    (out / "same" / "manifest.json").unlink()  # as if the run had stopped before this pair was done
    original = (root / "<b>_sv.txt").read_bytes()
    (root / "<b>_sv.txt").write_text(" ")  # changed, still unusable
    try:
        assert main(["-q", "batch", str(root), "-o", str(out), "--fail-on", "never"]) == 1  # errors still fail
        summary = json.loads((out / "summary.json").read_text())
        assert summary["timings"]["pairs_run"] == 2 and summary["timings"]["pairs_skipped"] == len(summary["pairs"]) - 2
        assert {p: p.read_bytes() for p in reports} == reports
        assert {p: p.stat().st_mtime_ns for p in reports} == mtimes
        ok = [p["passed"] for p in summary["pairs"] if p["status"] == "ok"]
        assert ok and all(ok)  # the gate follows --fail-on on a resumed run too
    finally:
        (root / "<b>_sv.txt").write_bytes(original)


def test_an_interrupted_run_stops_and_leaves_no_partial_report(corpus, tmp_path):
    import signal

    root, _, _, _ = corpus
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "bitext", "-q", "batch", str(root), "-o", str(out), "--workers", "1"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not (out / "b" / "manifest.json").exists() and time.time() < deadline:  # the first pair (broken, quick)
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)  # while the seed pair is being checked
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    assert not (out / "summary.json").exists() and not list(out.rglob("*.tmp"))
    for report in out.rglob("report.json"):  # whatever got written is whole and has its manifest
        json.loads(report.read_text())
        assert (report.parent / "manifest.json").exists()


def test_a_passing_corpus_exits_0(corpus, tmp_path):
    root, out, _, _ = corpus
    (tmp_path / "pairs.csv").write_text(f"sv,fi\n{root / 'loviisa_sv.txt'},{root / 'loviisa_fi.txt'}\n")
    shutil.copytree(out / "loviisa", tmp_path / "out" / "loviisa")  # its manifest: no new check
    assert main(["-q", "batch", "--pairs", str(tmp_path / "pairs.csv"), "-o", str(tmp_path / "out"), "--fail-on", "never"]) == 0
    assert main(["-q", "batch", "--pairs", str(tmp_path / "pairs.csv"), "-o", str(tmp_path / "out"), "--fail-on", "error"]) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["batch", "-o", "OUT"], "needs INPUT"),
        (["batch", "IN", "-o", "OUT", "--workers", "0"], "--workers 0"),
        (["batch", "IN", "-o", "FILE"], "not a folder"),
        (["batch", "EMPTY", "-o", "OUT"], "no language pairs found"),
        (["batch", "IN", "-o", "OUT", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "cannot be combined"),
        (["batch", "nope", "-o", "OUT"], "nope: no such file or folder"),
    ],
)
def test_usage_errors_exit_2(args, message, tmp_path, capsys):
    (tmp_path / "IN").mkdir()
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "FILE").write_text("")
    touch(tmp_path / "IN", "a_sv.txt", "a_fi.txt")
    args = [str(tmp_path / a) if a in ("IN", "OUT", "FILE", "EMPTY", "nope") else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# --- the same batch on a real Dask cluster -----------------------------------------------------


@pytest.fixture()
def dask_cluster(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the workers import this checkout's bitext
    info = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [
        subprocess.Popen(
            dask + ["--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.time() + 120
        while not info.exists() and time.time() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=120)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_dask_cluster_gives_the_local_results(corpus, dask_cluster, tmp_path):
    root, local, _, local_summary = corpus
    out = tmp_path / "dask"
    assert main(["-q", "batch", str(root), "-o", str(out), "--scheduler", dask_cluster]) == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["timings"]["mode"] == f"dask {dask_cluster}" and summary["timings"]["pairs_run"] == len(summary["pairs"])
    assert summary["pairs"] == local_summary["pairs"]
    local_reports = sorted(p.relative_to(local) for p in local.glob("*/report.*"))
    assert local_reports and sorted(p.relative_to(out) for p in out.glob("*/report.*")) == local_reports
    for rel in local_reports:
        assert (out / rel).read_bytes() == (local / rel).read_bytes(), rel


# --- the research notebook over a batch --------------------------------------------------------

CORPUS_NOTEBOOK = ROOT / "notebooks" / "corpus.ipynb"


def test_corpus_notebook_is_committed_clean_and_generated():
    nbformat = pytest.importorskip("nbformat", reason="the dev extra is not installed")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus_notebook", ROOT / "scripts" / "make_corpus_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    nb = nbformat.read(CORPUS_NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert [c.source for c in module.build().cells] == [c.source for c in nb.cells]
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")


def test_corpus_notebook_runs_on_a_batch(corpus, monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="the dev extra is not installed")
    nbclient = pytest.importorskip("nbclient", reason="the dev extra is not installed")
    root, out, _, _ = corpus
    monkeypatch.setenv("BITEXT_BATCH_DIR", str(out))
    nb = nbformat.read(CORPUS_NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(CORPUS_NOTEBOOK.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    import re

    assert re.search(r"could not be checked +3\n", text)  # the overview: the three broken pairs
    assert "inconsistent_translation" in text  # findings by kind (the seed pair's)
    worst = nb.cells[7].outputs[0]["data"]["text/plain"]
    # Most errors first: the Finlex pair's 12 number mismatches, else the seed pair's 2.
    assert worst.splitlines()[1].split()[1] == (SMALL if (root / SMALL).exists() else "loviisa")
    if (root / SMALL).exists():  # a Finlex id gives the year
        assert "2022" in nb.cells[5].outputs[-1]["data"]["text/plain"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(images) == 2


def test_pairs_csv_outside_the_files_folder_names_pairs_by_their_folder(tmp_path):
    """A pairs CSV elsewhere (absolute paths to id/sv.xml, id/fi.xml): pairs are named by the
    documents' folder, not all "pair", "pair-2"…"""
    for doc in ("asd1", "asd2"):
        (tmp_path / "docs" / doc).mkdir(parents=True)
        for lang in ("sv", "fi"):
            (tmp_path / "docs" / doc / f"{lang}.xml").write_text("<d/>", encoding="utf-8")
    (tmp_path / "lists").mkdir()
    csv_file = tmp_path / "lists" / "pairs.csv"
    csv_file.write_text("sv,fi\n" + "".join(f"{tmp_path}/docs/{d}/sv.xml,{tmp_path}/docs/{d}/fi.xml\n" for d in ("asd2", "asd1")), encoding="utf-8")
    assert [p.name for p in find_pairs([], csv_file).pairs] == ["asd1", "asd2"]
