"""Alignment: which row of one version is which row of the other.

Cross-lingual similarity alone cannot decide it (the same goal repeats almost word for word
in the main part and in each responsibility area, and cosines of right and random pairs
overlap), so the decision is made top-down on the structure, with content, anchors and
position at each level:

1. **Parts** (main part, responsibility areas) are paired by an assignment (Hungarian) on
   a score mixing how well the rows of one are covered by the rows of the other, the
   title, the relative position and the size.
2. **Tables** inside each pair of parts, the same way (the heading counts more).
3. **Rows** inside each pair of tables, by an assignment on the row score below; a pair
   scoring under ``threshold`` is split into two one-sided rows.
4. **Left-overs** (rows of unpaired tables or parts, or rejected) are paired across the
   whole document with a stricter threshold: a moved row is still found.
5. **Splits**: a one-sided row next to a matched row, whose text completes it (the
   concatenation is closer to the counterpart than the row alone), joins that match.

The row score, in [0, 1], is the weighted mean of the components that apply:

- ``content`` (weight 0.6): mean over the columns filled on either side of the calibrated
  cosine ``(cos - background_c) / (typical_c - background_c)`` clipped to [0, 1], where
  ``background_c`` is the median cosine of unrelated cells of column c in this document
  pair and ``typical_c`` the median cosine of each cell's best counterpart: 0 means "as
  similar as unrelated text", 1 "as similar as a faithful translation usually is here"; a
  column filled on one side only counts 0.
  Columns shifted by one (a row whose content sits a column off) are tried too, with a
  small penalty.
- ``anchors`` (0.15): Jaccard overlap of language-independent tokens — numbers, and names
  or acronyms found in both documents (Klinik Pro, Rai, GPTW…); left out when neither
  row has any.
- ``position`` (0.25): 1 − the difference of relative positions in the paired tables
  (or in the documents, for left-overs, with a structure penalty).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from .model import Document, Link, Row

WEIGHTS = {"content": 0.6, "anchors": 0.15, "position": 0.25}
THRESHOLD = 0.45  # a paired row below this is reported as two one-sided rows
LEFTOVER_THRESHOLD = 0.55
MAX_SHIFT = 1
SHIFT_PENALTY = 0.08
SEED = 0
# Blocks up to this many row pairs are scored whole and solved exactly (Hungarian); larger
# ones are scored on candidate pairs only and paired greedily, so memory stays linear.
DENSE_LIMIT = 250_000
GROUP_DENSE_LIMIT = 400  # part or table pairs scored exhaustively

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


@dataclass(frozen=True)
class ColumnCalibration:
    """Per column: cosine of unrelated cells (``background``) and of faithful pairs
    (``typical``), plus the spread of faithful pairs (set after alignment)."""

    background: float
    typical: float
    spread: float = 0.02
    matched: int = 0  # how many matched pairs the typical/spread were measured on

    def scale(self, cos: np.ndarray) -> np.ndarray:
        return np.clip((cos - self.background) / max(self.typical - self.background, 0.02), 0.0, 1.0)


@dataclass
class Vectors:
    """Cell embeddings of one document: ``cells[row, column]``, ``mask`` where non-empty."""

    cells: np.ndarray  # (n, W, d)
    mask: np.ndarray  # (n, W)
    rows: np.ndarray  # (n, d) normalised mean of the row's cells

    @classmethod
    def build(cls, doc: Document, table: dict[str, np.ndarray], width: int, dim: int) -> "Vectors":
        rows = doc.rows
        cells = np.zeros((len(rows), width, dim), dtype=np.float32)
        mask = np.zeros((len(rows), width), dtype=bool)
        for i, row in enumerate(rows):
            for c, cell in enumerate(row.cells[:width]):
                if cell.text:
                    cells[i, c] = table[cell.text]
                    mask[i, c] = True
        summed = cells.sum(axis=1)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        return cls(cells, mask, summed / np.maximum(norms, 1e-9))


@dataclass
class Model:
    """Everything the alignment measured, kept for the checks and for inspection."""

    left: Vectors
    right: Vectors
    columns: list[ColumnCalibration]
    row_calibration: ColumnCalibration
    left_anchors: list[frozenset[str]]
    right_anchors: list[frozenset[str]]
    anchor_matrices: tuple = field(default=(), repr=False)  # (left, right) sparse row x token incidence
    part_pairs: list[tuple[int, int, float]] = field(default_factory=list)
    table_pairs: list[tuple[int, int, float]] = field(default_factory=list)
    # The embedding function used, so the checks embed new texts (terms) the same way.
    embed: Optional[Callable[[Sequence[str]], dict[str, np.ndarray]]] = field(default=None, repr=False)

    def cell_similarity(self, i: int, j: int, shift: int = 0) -> list[Optional[float]]:
        """Calibrated similarity of each column of left row i with right row j (None where
        either cell is empty)."""
        width = self.left.cells.shape[1]
        out: list[Optional[float]] = []
        for c in range(width):
            c2 = c + shift
            if 0 <= c2 < width and self.left.mask[i, c] and self.right.mask[j, c2]:
                cos = float(self.left.cells[i, c] @ self.right.cells[j, c2])
                out.append(float(self.columns[c].scale(np.array(cos))))
            else:
                out.append(None)
        return out

    def cell_cosine(self, i: int, j: int, c: int, c2: Optional[int] = None) -> Optional[float]:
        c2 = c if c2 is None else c2
        if not (self.left.mask[i, c] and self.right.mask[j, c2]):
            return None
        return float(self.left.cells[i, c] @ self.right.cells[j, c2])


# --- anchors ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def anchor_sets(left: Document, right: Document) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """Language-independent tokens of each row: numbers, and capitalised or mixed-case
    tokens (names, acronyms) that occur in both documents."""

    def names(doc: Document) -> set[str]:
        found = set()
        for row in doc.rows:
            for cell in row.cells:
                for k, tok in enumerate(_tokens(cell.text)):
                    if len(tok) >= 2 and (tok[0].isupper() and k > 0 or tok.isupper() or any(ch.isupper() for ch in tok[1:])):
                        found.add(tok)
        return found

    shared = names(left) & names(right)

    def per_row(doc: Document) -> list[frozenset[str]]:
        out = []
        for row in doc.rows:
            toks: set[str] = set()
            for cell in row.cells:
                if cell.inherited:
                    continue
                toks |= {t for t in _tokens(cell.text) if t in shared}
                toks |= {"#" + n for n in _numbers(cell.text)}
            out.append(frozenset(toks))
        return out

    return per_row(left), per_row(right)


def anchor_matrices(la: list[frozenset[str]], ra: list[frozenset[str]]):  # type: ignore[no-untyped-def]
    """Row × token incidence matrices (sparse), so anchor overlaps of whole blocks or of
    candidate pairs are matrix products, not Python loops."""
    from scipy.sparse import csr_matrix

    vocab = {t: k for k, t in enumerate(sorted(set().union(*la, *ra)))}

    def build(sets: list[frozenset[str]]):  # type: ignore[no-untyped-def]
        rows = [k for k, toks in enumerate(sets) for _ in toks]
        cols = [vocab[t] for toks in sets for t in sorted(toks)]
        return csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(sets), max(len(vocab), 1)))

    return build(la), build(ra)


def _anchor_scores(model: "Model", li: np.ndarray, rj: np.ndarray, pairs: bool) -> np.ndarray:
    """Jaccard of anchors: for the block li × rj, or for the pairs (li[k], rj[k]); NaN
    where neither row has anchors."""
    A, B = model.anchor_matrices
    A, B = A[li], B[rj]
    na = np.asarray(A.sum(axis=1)).ravel()
    nb = np.asarray(B.sum(axis=1)).ravel()
    if pairs:
        inter = np.asarray(A.multiply(B).sum(axis=1)).ravel()
        union = na + nb - inter
    else:
        inter = (A @ B.T).toarray()
        union = na[:, None] + nb[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.maximum(union, 1), np.nan)


# --- calibration -------------------------------------------------------------------------------


def _calibrate(a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> ColumnCalibration:
    """Background and typical cosine between two sets of (distinct) vectors."""
    if len(a) == 0 or len(b) == 0:
        return ColumnCalibration(0.8, 0.9)
    ia = rng.choice(len(a), size=min(len(a), 400), replace=False)
    sims = a[ia] @ b.T  # (<=400, len(b))
    background = float(np.median(sims))
    typical = float(np.median(sims.max(axis=1)))
    return ColumnCalibration(background, max(typical, background + 0.02))


def calibrate_columns(left: Document, right: Document, table: dict[str, np.ndarray], width: int) -> list[ColumnCalibration]:
    rng = np.random.default_rng(SEED)
    out = []
    for c in range(width):
        lt = sorted({r.cells[c].text for r in left.rows if len(r.cells) > c and r.cells[c].text})
        rt = sorted({r.cells[c].text for r in right.rows if len(r.cells) > c and r.cells[c].text})
        a = np.array([table[t] for t in lt]) if lt else np.zeros((0, 1))
        b = np.array([table[t] for t in rt]) if rt else np.zeros((0, 1))
        out.append(_calibrate(a, b, rng))
    return out


# --- scoring -----------------------------------------------------------------------------------


def _best_over_shifts(model: Model, shape: tuple[int, ...], cos, masks) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Mean calibrated cosine over the columns, for each column shift in ±MAX_SHIFT; the
    best shift wins (a non-zero shift needs 3 overlapping columns and pays a penalty).
    ``cos(c, c2)`` and ``masks(c, c2)`` give the cosines and the filled masks of left column
    c against right column c2, for a block or for a list of pairs."""
    width = model.left.cells.shape[1]
    best = np.full(shape, -1.0)
    shift = np.zeros(shape, dtype=int)
    for s in range(-MAX_SHIFT, MAX_SHIFT + 1):
        num = np.zeros(shape)
        den = np.zeros(shape)
        for c in range(width):
            c2 = c + s
            if not 0 <= c2 < width:
                continue
            lm, rm = masks(c, c2)
            both = lm & rm
            # A column filled on one side only counts as a disagreement (0), so a fragment
            # of a row does not look as good as the whole row.
            den += lm | rm
            if both.any():
                num += np.where(both, model.columns[c].scale(cos(c, c2)), 0.0)
        val = np.where(den > 0, num / np.maximum(den, 1), 0.0)
        if s:
            val = np.where(den >= 3, val - SHIFT_PENALTY, -1.0)
        better = val > best + 1e-9
        best = np.where(better, val, best)
        shift = np.where(better, s, shift)
    return np.clip(best, 0.0, 1.0), shift


def content_block(model: Model, li: Sequence[int], rj: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated content similarity of left rows ``li`` × right rows ``rj``, and the column
    shift that gave it."""
    L, Lm = model.left.cells[li], model.left.mask[li]
    R, Rm = model.right.cells[rj], model.right.mask[rj]
    return _best_over_shifts(
        model,
        (len(li), len(rj)),
        lambda c, c2: L[:, c] @ R[:, c2].T,
        lambda c, c2: (Lm[:, c][:, None], Rm[:, c2][None, :]),
    )


def _relpos(k: int, n: int) -> float:
    return k / (n - 1) if n > 1 else 0.5


def score_block(
    model: Model,
    li: Sequence[int],
    rj: Sequence[int],
    lpos: Sequence[float],
    rpos: Sequence[float],
    position_weight: float = 1.0,
) -> dict[str, np.ndarray]:
    """Row scores for a block, with their components."""
    content, shift = content_block(model, li, rj)
    position = 1.0 - np.abs(np.asarray(lpos)[:, None] - np.asarray(rpos)[None, :])
    position = position * position_weight
    anchors = _anchor_scores(model, np.asarray(li), np.asarray(rj), pairs=False)
    return _combine(content, anchors, position, shift)


def _combine(content: np.ndarray, anchors: np.ndarray, position: np.ndarray, shift: np.ndarray) -> dict[str, np.ndarray]:
    has_anchor = ~np.isnan(anchors)
    num = WEIGHTS["content"] * content + WEIGHTS["position"] * position + np.where(has_anchor, WEIGHTS["anchors"] * np.nan_to_num(anchors), 0.0)
    den = WEIGHTS["content"] + WEIGHTS["position"] + np.where(has_anchor, WEIGHTS["anchors"], 0.0)
    return {"score": num / den, "content": content, "anchors": anchors, "position": position, "shift": shift}


def content_pairs(model: Model, pi: np.ndarray, pj: np.ndarray, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """:func:`content_block` for a list of pairs (left pi[k], right pj[k]), in chunks."""
    best = np.zeros(len(pi))
    shift = np.zeros(len(pi), dtype=int)
    for start in range(0, len(pi), chunk):
        a, b = pi[start : start + chunk], pj[start : start + chunk]
        L, Lm = model.left.cells[a], model.left.mask[a]
        R, Rm = model.right.cells[b], model.right.mask[b]
        best[start : start + chunk], shift[start : start + chunk] = _best_over_shifts(
            model,
            (len(a),),
            lambda c, c2: np.einsum("pd,pd->p", L[:, c], R[:, c2]),
            lambda c, c2: (Lm[:, c], Rm[:, c2]),
        )
    return best, shift


def candidate_pairs(model: Model, li: Sequence[int], rj: Sequence[int], lpos: Sequence[float], rpos: Sequence[float], k: int = 8, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs for a large block, without its n × m matrix: each left row's ``k``
    most similar right rows (row vectors, computed chunk by chunk) plus the right rows at
    about the same relative position (a band around the diagonal). Returns block indices."""
    li_a, rj_a = np.asarray(li), np.asarray(rj)
    R = model.right.rows[rj_a]
    rpos_a = np.asarray(rpos)
    order = np.argsort(rpos_a, kind="stable")
    band = max(3, int(0.01 * len(rj_a)))
    out_a, out_b = [], []
    kk = min(k, len(rj_a))
    for start in range(0, len(li_a), chunk):
        sims = model.left.rows[li_a[start : start + chunk]] @ R.T
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        for off in range(top.shape[0]):
            a = start + off
            at = int(np.searchsorted(rpos_a[order], lpos[a]))
            near = order[max(0, at - band) : at + band]
            cands = np.unique(np.concatenate([top[off], near]))
            out_a.append(np.full(len(cands), a))
            out_b.append(cands)
    return np.concatenate(out_a), np.concatenate(out_b)


def score_pairs(model: Model, li: Sequence[int], rj: Sequence[int], pa: np.ndarray, pb: np.ndarray, lpos: Sequence[float], rpos: Sequence[float], position_weight: float = 1.0) -> dict[str, np.ndarray]:
    """Row scores of candidate pairs (block indices pa, pb), with their components."""
    gi, gj = np.asarray(li)[pa], np.asarray(rj)[pb]
    content, shift = content_pairs(model, gi, gj)
    position = (1.0 - np.abs(np.asarray(lpos)[pa] - np.asarray(rpos)[pb])) * position_weight
    anchors = _anchor_scores(model, gi, gj, pairs=True)
    return _combine(content, anchors, position, shift)


def _greedy(score: np.ndarray, pa: np.ndarray, pb: np.ndarray, threshold: float) -> list[int]:
    """One-to-one pairs by descending score (ties by position: stable); indices into pa/pb."""
    order = np.lexsort((pb, pa, -score))
    used_a: set[int] = set()
    used_b: set[int] = set()
    keep = []
    for k in order:
        if score[k] < threshold:
            break
        a, b = int(pa[k]), int(pb[k])
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            keep.append(int(k))
    return keep


def _assign(score: np.ndarray) -> list[tuple[int, int]]:
    if score.size == 0:
        return []
    # Loaded on first use: scipy.optimize is the slowest import of a warm `check`, and
    # commands that do not align (eval, --help, reading) need not pay for it.
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-score)
    return sorted(zip(rows.tolist(), cols.tolist()))


# --- structure ---------------------------------------------------------------------------------


def _coverage(model: Model, li: Sequence[int], rj: Sequence[int]) -> float:
    """How well the rows of two groups cover each other (mean best calibrated row cosine,
    both ways)."""
    if not li or not rj:
        return 0.0
    R = model.right.rows[list(rj)]
    best_l = []
    best_r = np.full(len(rj), -1.0)
    for start in range(0, len(li), 1024):  # chunks: never the whole n × m matrix
        sims = model.left.rows[list(li[start : start + 1024])] @ R.T
        best_l.append(sims.max(axis=1))
        best_r = np.maximum(best_r, sims.max(axis=0))
    cal = model.row_calibration.scale
    return float((cal(np.concatenate(best_l)).mean() + cal(best_r).mean()) / 2)


def _group_score(model: Model, li: Sequence[int], rj: Sequence[int], title_sim: float, pos: float, title_weight: float) -> float:
    size = min(len(li), len(rj)) / max(len(li), len(rj), 1)
    cover = _coverage(model, li, rj)
    w_cover = 0.7 - title_weight
    return w_cover * cover + title_weight * title_sim + 0.2 * pos + 0.1 * size


def _group_candidates(model: Model, groups_l: list[list[int]], groups_r: list[list[int]], k: int = 5) -> list[tuple[int, int]]:
    """Which group pairs to score: all of them for a few groups; with many, each group's
    ``k`` nearest by centroid plus its neighbours by position (never all P × Q)."""
    nl, nr = len(groups_l), len(groups_r)
    if nl * nr <= GROUP_DENSE_LIMIT:
        return [(a, b) for a in range(nl) for b in range(nr)]

    def centroids(groups: list[list[int]], rows: np.ndarray) -> np.ndarray:
        c = np.array([rows[g].mean(axis=0) if g else np.zeros(rows.shape[1]) for g in groups])
        return c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)

    sims = centroids(groups_l, model.left.rows) @ centroids(groups_r, model.right.rows).T
    out: set[tuple[int, int]] = set()
    for a in range(nl):
        out.update((a, int(b)) for b in np.argsort(-sims[a], kind="stable")[:k])
        at = round(_relpos(a, nl) * (nr - 1))
        out.update((a, b) for b in range(max(0, at - 2), min(nr, at + 3)))
    return sorted(out)


def _pair_groups(
    model: Model,
    groups_l: list[list[int]],
    groups_r: list[list[int]],
    titles_l: list[Optional[np.ndarray]],
    titles_r: list[Optional[np.ndarray]],
    title_weight: float,
    threshold: float = 0.35,
) -> list[tuple[int, int, float]]:
    nl, nr = len(groups_l), len(groups_r)
    if not nl or not nr:
        return []
    score = np.full((nl, nr), -1.0)
    for a, b in _group_candidates(model, groups_l, groups_r):
        ta, tb = titles_l[a], titles_r[b]
        tsim = float(model.row_calibration.scale(np.array(ta @ tb))) if ta is not None and tb is not None else 0.0
        pos = 1.0 - abs(_relpos(a, nl) - _relpos(b, nr))
        score[a, b] = _group_score(model, groups_l[a], groups_r[b], tsim, pos, title_weight)
    return [(a, b, float(score[a, b])) for a, b in _assign(score) if score[a, b] >= threshold]


# --- the alignment -------------------------------------------------------------------------------


def texts_to_embed(left: Document, right: Document) -> list[str]:
    """What the alignment embeds: every cell, table heading and part title of both."""
    texts = [c.text for d in (left, right) for r in d.rows for c in r.cells if c.text]
    texts += [t.heading for d in (left, right) for t in d.tables if t.heading]
    texts += [p.title for d in (left, right) for p in d.parts if p.title]
    return texts


def align_documents(
    left: Document,
    right: Document,
    embed: Callable[[Sequence[str]], dict[str, np.ndarray]],
    threshold: float = THRESHOLD,
) -> tuple[tuple[Link, ...], Model]:
    """Align the rows of two normalised documents. ``embed`` maps texts to vectors.

    Returns the links (every row of both documents appears) and the measured model.
    """
    width = max(left.width, right.width)
    table = embed(texts_to_embed(left, right))
    dim = next(iter(table.values())).shape[0] if table else 1
    lv, rv = Vectors.build(left, table, width, dim), Vectors.build(right, table, width, dim)
    rng = np.random.default_rng(SEED)
    la, ra = anchor_sets(left, right)
    model = Model(lv, rv, calibrate_columns(left, right, table, width), _calibrate(lv.rows, rv.rows, rng), la, ra, anchor_matrices(la, ra), embed=embed)

    lrows, rrows = left.rows, right.rows
    lindex = {id(r): k for k, r in enumerate(lrows)}
    rindex = {id(r): k for k, r in enumerate(rrows)}

    def vec(text: str) -> Optional[np.ndarray]:
        return table.get(text) if text else None

    def rows_of_part(doc: Document, p: int, index: dict[int, int]) -> list[int]:
        return [index[id(r)] for t in doc.parts[p].tables for r in doc.tables[t].rows]

    part_pairs = _pair_groups(
        model,
        [rows_of_part(left, p.index, lindex) for p in left.parts],
        [rows_of_part(right, p.index, rindex) for p in right.parts],
        [vec(p.title) for p in left.parts],
        [vec(p.title) for p in right.parts],
        title_weight=0.15,
        threshold=0.3,
    )
    model.part_pairs = part_pairs
    matched: dict[int, tuple[int, dict[str, float]]] = {}  # left row -> (right row, components)

    def take(li: list[int], rj: list[int], lpos: list[float], rpos: list[float], thr: float, pw: float = 1.0) -> None:
        if not li or not rj:
            return
        if len(li) * len(rj) <= DENSE_LIMIT:
            s = score_block(model, li, rj, lpos, rpos, pw)
            for a, b in _assign(s["score"]):
                if s["score"][a, b] >= thr:
                    matched[li[a]] = (rj[b], {k: float(v[a, b]) for k, v in s.items()})
            return
        # Large block: candidate pairs only (top-k + diagonal band), greedy one-to-one.
        pa, pb = candidate_pairs(model, li, rj, lpos, rpos)
        s = score_pairs(model, li, rj, pa, pb, lpos, rpos, pw)
        for k in _greedy(s["score"], pa, pb, thr):
            matched[li[int(pa[k])]] = (rj[int(pb[k])], {name: float(v[k]) for name, v in s.items()})

    for pl, pr, _ in part_pairs:
        tl, tr = list(left.parts[pl].tables), list(right.parts[pr].tables)
        table_pairs = _pair_groups(
            model,
            [[lindex[id(r)] for r in left.tables[t].rows] for t in tl],
            [[rindex[id(r)] for r in right.tables[t].rows] for t in tr],
            [vec(left.tables[t].heading) for t in tl],
            [vec(right.tables[t].heading) for t in tr],
            title_weight=0.3,
        )
        for a, b, sc in table_pairs:
            model.table_pairs.append((tl[a], tr[b], sc))
            lt, rt = left.tables[tl[a]], right.tables[tr[b]]
            take(
                [lindex[id(r)] for r in lt.rows],
                [rindex[id(r)] for r in rt.rows],
                [_relpos(k, len(lt.rows)) for k in range(len(lt.rows))],
                [_relpos(k, len(rt.rows)) for k in range(len(rt.rows))],
                threshold,
            )

    # Left-overs: anywhere in the document, position relative to the whole document and
    # discounted (the structure did not pair them), stricter threshold.
    used_r = {j for j, _ in matched.values()}
    rest_l = [i for i in range(len(lrows)) if i not in matched]
    rest_r = [j for j in range(len(rrows)) if j not in used_r]
    take(
        rest_l,
        rest_r,
        [_relpos(i, len(lrows)) for i in rest_l],
        [_relpos(j, len(rrows)) for j in rest_r],
        max(threshold, LEFTOVER_THRESHOLD),
        pw=0.8,
    )

    links = _splits_and_links(left, right, model, matched, embed)
    return _ordered(links, lrows, rrows), model


def _splits_and_links(
    left: Document,
    right: Document,
    model: Model,
    matched: dict[int, tuple[int, dict[str, float]]],
    embed: Callable[[Sequence[str]], dict[str, np.ndarray]],
) -> list[Link]:
    lrows, rrows = left.rows, right.rows
    links: list[Link] = []
    used_r = {j: i for i, (j, _) in matched.items()}
    for i, (j, comp) in sorted(matched.items()):
        links.append(_link(lrows[i], rrows[j], comp))

    def merged_content(side: str, a: Row, b: Row, other: int, first: bool) -> float:
        """Content similarity of the concatenation of rows a+b with row ``other``."""
        joined = tuple(" ".join(t for t in (x.text, y.text) if t) if not y.inherited else x.text for x, y in zip(a.cells, b.cells))
        vecs = embed([t for t in joined if t])
        mine = np.array([vecs[t] if t else np.zeros(model.left.cells.shape[2], np.float32) for t in joined])
        mask = np.array([bool(t) for t in joined])
        if side == "right":
            o, om = model.left.cells[other], model.left.mask[other]
        else:
            o, om = model.right.cells[other], model.right.mask[other]
        sims = [float(model.columns[c].scale(np.array(mine[c] @ o[c]))) for c in range(len(joined)) if mask[c] and om[c]]
        return float(np.mean(sims)) if sims else 0.0

    def try_split(side: str, k: int) -> Optional[Link]:
        rows, index_used = (rrows, used_r) if side == "right" else (lrows, {i: matched[i][0] for i in matched})
        row = rows[k]
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(rows) or nb not in index_used:
                continue
            nbrow = rows[nb]
            if nbrow.table != row.table:
                continue
            other = index_used[nb]
            a, b = (nbrow, row) if nb < k else (row, nbrow)
            alone = model.cell_similarity(other, nb) if side == "right" else model.cell_similarity(nb, other)
            base = float(np.mean([x for x in alone if x is not None] or [0.0]))
            joined = merged_content(side, a, b, other, nb < k)
            if joined > base + 0.05:
                note = f"split: continues the row at {nbrow.source.label}"
                pair = (lrows[other], row) if side == "right" else (row, rrows[other])
                return Link(pair[0], pair[1], "match", round(joined, 4), content=round(joined, 4), note=note)
        return None

    for j in range(len(rrows)):
        if j not in used_r:
            links.append(try_split("right", j) or Link(None, rrows[j], "right_only", 0.0))
    for i in range(len(lrows)):
        if i not in matched:
            links.append(try_split("left", i) or Link(lrows[i], None, "left_only", 0.0))
    return links


def _link(a: Row, b: Row, comp: dict[str, float]) -> Link:
    anchors = comp["anchors"]
    return Link(
        a,
        b,
        "match",
        round(comp["score"], 4),
        content=round(comp["content"], 4),
        anchors=None if np.isnan(anchors) else round(anchors, 4),
        position=round(comp["position"], 4),
        shift=int(comp["shift"]),
    )


def _ordered(links: list[Link], lrows: Sequence[Row], rrows: Sequence[Row]) -> tuple[Link, ...]:
    """Links in reading order of the left document; a right-only row comes right after the
    link of the right row before it."""
    lpos = {id(r): k for k, r in enumerate(lrows)}
    rpos = {id(r): k for k, r in enumerate(rrows)}
    # Where each right row sits in left order (through its match).
    anchor_of_right: dict[int, float] = {}
    for link in links:
        if link.left is not None and link.right is not None:
            anchor_of_right[rpos[id(link.right)]] = lpos[id(link.left)]

    matched_right = sorted(anchor_of_right)

    def key(link: Link) -> tuple[float, int, int]:
        if link.left is not None:
            return (lpos[id(link.left)], 0, rpos[id(link.right)] if link.right is not None else -1)
        j = rpos[id(link.right)]
        k = bisect.bisect_left(matched_right, j)
        at = anchor_of_right[matched_right[k - 1]] + 0.5 if k else -0.5
        return (at, 1, j)

    return tuple(sorted(links, key=key))
