"""Baselines for link accuracy, on the same row vectors as bitext's aligner, and the
scores they are compared with.

- :func:`positional`: the i-th row with the i-th row;
- :func:`embeddings_only`: one-to-one Hungarian assignment on row cosines, no structure;
- :func:`monotone_dp`: an order-preserving dynamic programme with skips over the row
  cosines, of the Bertalign/Vecalign kind, written here;
- :func:`retrieval_scores`: P@1 of sentence retrieval with cosine and ratio margin.
"""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

MARGIN_K = 4
DP_SKIP = 0.0  # the DP's gain of a skip; a match gains (cosine - background)


def _links_from_pairs(n: int, m: int, pairs: Sequence[tuple[int, int]]) -> list[tuple[Optional[int], Optional[int]]]:
    li = {i for i, _ in pairs}
    rj = {j for _, j in pairs}
    return list(pairs) + [(i, None) for i in range(n) if i not in li] + [(None, j) for j in range(m) if j not in rj]


def positional(n: int, m: int) -> list[tuple[Optional[int], Optional[int]]]:
    """The i-th row with the i-th row.

    >>> positional(3, 2)
    [(0, 0), (1, 1), (2, None)]
    """
    return _links_from_pairs(n, m, [(i, i) for i in range(min(n, m))])


def embeddings_only(sims: np.ndarray) -> list[tuple[Optional[int], Optional[int]]]:
    """One-to-one assignment maximising the total cosine over all rows, no structure."""
    from scipy.optimize import linear_sum_assignment

    r, c = linear_sum_assignment(-sims)
    return _links_from_pairs(sims.shape[0], sims.shape[1], sorted(zip(r.tolist(), c.tolist())))


def monotone_dp(sims: np.ndarray, background: Optional[float] = None, skip: float = DP_SKIP) -> list[tuple[Optional[int], Optional[int]]]:
    """An order-preserving alignment: a path through the n×m grid maximising the sum of
    (cosine − background) over matched pairs, with ``skip`` for a row left one-sided.

    >>> s = np.array([[0.9, 0.1, 0.1], [0.1, 0.2, 0.8]])
    >>> monotone_dp(s, background=0.3)
    [(0, 0), (1, 2), (None, 1)]
    """
    n, m = sims.shape
    bg = float(np.median(sims)) if background is None else background
    gain = sims - bg
    score = np.full((n + 1, m + 1), -np.inf)
    move = np.zeros((n + 1, m + 1), np.int8)  # 1 diagonal, 2 up (skip a left row), 3 left (skip a right row)
    score[0, :] = skip * np.arange(m + 1)
    move[0, 1:] = 3
    cols = np.arange(m + 1)
    for i in range(1, n + 1):
        diag = np.full(m + 1, -np.inf)
        diag[1:] = score[i - 1, :-1] + gain[i - 1]
        up = score[i - 1] + skip
        best = np.maximum(diag, up)
        mv = np.where(diag >= up, 1, 2).astype(np.int8)
        # Skips along the row: score[i, j] = max_k<=j best[k] + skip * (j - k), vectorised.
        shifted = best - skip * cols
        run = np.maximum.accumulate(shifted)
        row = run + skip * cols
        from_left = row > best + 1e-12
        score[i] = np.where(from_left, row, best)
        move[i] = np.where(from_left, 3, mv)
    pairs, i, j = [], n, m
    while i > 0 or j > 0:
        mv = move[i, j] if i > 0 else 3
        if mv == 1:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif mv == 2:
            i -= 1
        else:
            j -= 1
    return _links_from_pairs(n, m, sorted(pairs))


def link_f1(predicted: set, truth: set) -> dict:
    from .scoring import prf

    tp = len(predicted & truth)
    return prf(tp, len(predicted - truth), len(truth - predicted))


def retrieval_scores(a: np.ndarray, b: np.ndarray, k: int = MARGIN_K) -> dict:
    """P@1 of a→b and b→a with cosine and with ratio margin (cos / mean of the k-NN
    cosines of both sides, as in Artetxe & Schwenk 2019); row i of ``a`` translates row i
    of ``b``.

    >>> e = np.eye(3, dtype=np.float32)
    >>> retrieval_scores(e, e, k=2)["a_to_b_cosine"]
    1.0
    """
    sims = a @ b.T
    k = min(k, sims.shape[1], sims.shape[0])
    knn_a = np.sort(sims, axis=1)[:, -k:].mean(axis=1)
    knn_b = np.sort(sims, axis=0)[-k:, :].mean(axis=0)
    margin = sims / ((knn_a[:, None] + knn_b[None, :]) / 2)
    gold = np.arange(len(a))
    return {
        "a_to_b_cosine": round(float((sims.argmax(axis=1) == gold).mean()), 4),
        "b_to_a_cosine": round(float((sims.argmax(axis=0) == gold).mean()), 4),
        "a_to_b_margin": round(float((margin.argmax(axis=1) == gold).mean()), 4),
        "b_to_a_margin": round(float((margin.argmax(axis=0) == gold).mean()), 4),
    }
