"""Benchmarks of the word lexicon: Tatoeba fin–swe retrieval, a shuffled two-column table and
the lexicon's coverage of the seed pair (for ``bitext bench``; ``scripts/bench_lexicon.py``).

Tatoeba is only ever a test: the weight ``w`` of the coverage is tuned on one half of it (even
line numbers) and reported on the other half (odd) and, for reference, on all of it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..lexicon.translations import TOKEN, Cell, cell_words, coverage_cells, load_lexicon
from .bench import TATOEBA, read_tatoeba

MARGIN_K = 4
CANDIDATES = 10  # coverage is computed for each sentence's nearest candidates by cosine
WEIGHTS = (0.0, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6)
SEED = 0


def _margin(s: np.ndarray, k: int = MARGIN_K) -> np.ndarray:
    k = min(k, *s.shape)
    knn_a = np.sort(s, axis=1)[:, -k:].mean(axis=1)
    knn_b = np.sort(s, axis=0)[-k:, :].mean(axis=0)
    return s / ((knn_a[:, None] + knn_b[None, :]) / 2)


_SCORES: dict = {}


def _coverage_matrix(cos: np.ndarray, fi: Sequence[Cell], sv: Sequence[Cell], candidates: Optional[int]) -> np.ndarray:
    """Coverage of (fi i, sv j) for each side's ``candidates`` nearest by cosine (all pairs
    when None); 0 elsewhere."""
    cov = np.zeros_like(cos)
    if candidates is None or candidates >= min(cos.shape):
        pairs = {(i, j) for i in range(cos.shape[0]) for j in range(cos.shape[1])}
    else:
        top_a = np.argsort(-cos, axis=1)[:, :candidates]
        top_b = np.argsort(-cos, axis=0)[:candidates, :]
        pairs = {(i, int(j)) for i in range(cos.shape[0]) for j in top_a[i]}
        pairs |= {(int(i), j) for j in range(cos.shape[1]) for i in top_b[:, j]}
    for i, j in pairs:
        key = (fi[i], sv[j])
        if key not in _SCORES:
            _SCORES[key] = coverage_cells(sv[j], fi[i]).score
        cov[i, j] = _SCORES[key]
    return cov


def p_at_1(scores: np.ndarray, fi: Sequence[str], sv: Sequence[str]) -> dict:
    """P@1 both ways (row i of ``scores`` = Finnish i, column j = Swedish j, gold i = j):
    exact index and text-match (the retrieved sentence's text equals the gold text)."""
    gold = np.arange(len(fi))
    f2s, s2f = scores.argmax(axis=1), scores.argmax(axis=0)
    return {
        "fi_to_sv_exact": round(float((f2s == gold).mean()), 4),
        "sv_to_fi_exact": round(float((s2f == gold).mean()), 4),
        "fi_to_sv_text": round(float(np.mean([sv[p] == sv[g] for p, g in zip(f2s, gold)])), 4),
        "sv_to_fi_text": round(float(np.mean([fi[p] == fi[g] for p, g in zip(s2f, gold)])), 4),
    }


def retrieval(fi_vec: np.ndarray, sv_vec: np.ndarray, fi: Sequence[str], sv: Sequence[str], w: float) -> dict:
    """P@1 with cosine, margin, cosine + w·coverage, and margin over that."""
    cos = fi_vec @ sv_vec.T
    cov = _coverage_matrix(cos, [cell_words(t, "fi") for t in fi], [cell_words(t, "sv") for t in sv], CANDIDATES)
    mixed = cos + w * cov
    return {
        "cosine": p_at_1(cos, fi, sv),
        "margin": p_at_1(_margin(cos), fi, sv),
        "cosine+lexicon": p_at_1(mixed, fi, sv),
        "margin+lexicon": p_at_1(_margin(mixed), fi, sv),
    }


def _mean_text(r: dict) -> float:
    return (r["fi_to_sv_text"] + r["sv_to_fi_text"]) / 2


def tune_weight(fi_vec: np.ndarray, sv_vec: np.ndarray, fi: Sequence[str], sv: Sequence[str], weights: Sequence[float] = WEIGHTS) -> tuple[float, dict]:
    """The weight with the best mean text-match P@1 of margin+lexicon on these pairs."""
    cos = fi_vec @ sv_vec.T
    cov = _coverage_matrix(cos, [cell_words(t, "fi") for t in fi], [cell_words(t, "sv") for t in sv], CANDIDATES)
    grid = {w: _mean_text(p_at_1(_margin(cos + w * cov), fi, sv)) for w in weights}
    best = max(grid, key=lambda w: (grid[w], -w))
    return best, {str(w): round(v, 4) for w, v in grid.items()}


def shuffled_table(fi_vec: np.ndarray, sv_vec: np.ndarray, fi: Sequence[str], sv: Sequence[str], w: float, rows: int = 200, seed: int = SEED) -> dict:
    """``rows`` pairs as a two-column table with the Finnish rows shuffled: link F1 of a pure
    assignment (Hungarian) on cosine and on cosine + w·coverage."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(fi), size=min(rows, len(fi)), replace=False))
    order = rng.permutation(len(pick))  # Finnish row r holds pair pick[order[r]]
    f_idx, s_idx = pick[order], pick
    cos = fi_vec[f_idx] @ sv_vec[s_idx].T
    fcells = [cell_words(fi[i], "fi") for i in f_idx]
    scells = [cell_words(sv[j], "sv") for j in s_idx]
    cov = _coverage_matrix(cos, fcells, scells, None)
    truth = {(r, int(c)) for r, c in enumerate(order)}  # (fi row, sv row)

    def f1(s: np.ndarray) -> float:
        r, c = linear_sum_assignment(-s)
        links = set(zip(r.tolist(), c.tolist()))
        tp = len(links & truth)
        p, rec = tp / len(links), tp / len(truth)
        return round(2 * p * rec / (p + rec) if tp else 0.0, 4)

    return {"rows": len(pick), "w": w, "cosine": f1(cos), "cosine+lexicon": f1(cos + w * cov)}


def seed_coverage(paths: Sequence[Path]) -> dict:
    """Share of content-word tokens (function words left out) of each file that the lexicon
    can translate (language from the file name: ``*_fi.txt`` / ``*_sv.txt``)."""
    out = {}
    fw = load_lexicon().function_words
    for p in paths:
        lang = "fi" if p.stem.endswith("_fi") else "sv"
        words = [w for line in p.read_text(encoding="utf-8").splitlines() for w in cell_words(line, lang).words]
        words = [w for w in words if w.lemmas[0] not in fw[lang] and re.fullmatch(TOKEN, w.text)]
        known = sum(1 for w in words if w.translations)
        out[p.name] = {"tokens": len(words), "translated": known, "share": round(known / max(1, len(words)), 4)}
    return out


def run(fi_vec: Optional[np.ndarray] = None, sv_vec: Optional[np.ndarray] = None, path: Path = TATOEBA, seed_files: Sequence[Path] = ()) -> dict:
    """All lexicon benchmarks; ``fi_vec``/``sv_vec``: Tatoeba embeddings if already computed
    (else the bundled encoder makes them)."""
    out: dict = {}
    if seed_files:
        out["seed_coverage"] = seed_coverage(seed_files)
    if not path.exists():
        out["tatoeba"] = {"skipped": f"{path} not available"}
        return out
    fi, sv = read_tatoeba(path)
    if fi_vec is None or sv_vec is None:
        from ..embed import get_encoder

        enc = get_encoder()
        fi_vec = np.concatenate([enc.encode(fi[k : k + 64]) for k in range(0, len(fi), 64)])
        sv_vec = np.concatenate([enc.encode(sv[k : k + 64]) for k in range(0, len(sv), 64)])
    even, odd = np.arange(0, len(fi), 2), np.arange(1, len(fi), 2)

    def sub(ix: np.ndarray) -> tuple:
        return fi_vec[ix], sv_vec[ix], [fi[i] for i in ix], [sv[i] for i in ix]

    w, grid = tune_weight(*sub(even))
    out["tatoeba"] = {
        "pairs": len(fi),
        "tuned_on": f"even lines ({len(even)} pairs)",
        "w": w,
        "grid_even_mean_text_p1": grid,
        "heldout_odd": retrieval(*sub(odd), w),
        "all": retrieval(fi_vec, sv_vec, fi, sv, w),
    }
    out["shuffled_table"] = shuffled_table(*sub(odd), w)
    return out
