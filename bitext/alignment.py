"""Alignment: which row of one version is which row of the other.

Cross-lingual similarity alone cannot decide it (the same goal repeats almost word for word
in the main part and in each responsibility area, and cosines of right and random pairs
overlap), so the decision is made top-down on the structure, with content, anchors and
position at each level:

1. **Parts** (main part, responsibility areas) are paired by an assignment (Hungarian) on
   a score mixing how well the rows of one are covered by the rows of the other, the
   title, the relative position and the size.
2. **Tables** inside each pair of parts, the same way (the heading counts more). A table
   split in one version: an unpaired table next to a paired one joins it when the two
   read as one fit the partner better; their rows are then one block.
3. **Rows** inside each pair of tables, by an assignment on the row score below; a pair
   scoring under ``threshold`` is split into two one-sided rows. Where the two tables'
   orders disagree (each sorted in its own language: the rows that are each other's best
   partner by content and anchors sit far apart), position keeps only
   ``order_position_scale`` of its weight. Where a row's best partners are close, or
   position cannot decide, the lexicon's coverage (:mod:`bitext.lexicon.translations`)
   is mixed into the content of the plausible pairs (computed lazily, cached per pair of
   row texts); links report the cosine-based components. Large blocks are scored on
   candidate pairs only (nearest distinct rows and a capped diagonal band: linear in n).
4. **Left-overs** (rows of unpaired tables or parts, or rejected) are paired across the
   whole document with a stricter threshold: a moved row is still found.
5. **Splits**: a one-sided row next to a linked run of rows, whose text and anchors
   complete it (the rows read together are closer to the counterpart), joins that link;
   runs grow row by row (1↔n).

The row score, in [0, 1], is the weighted mean of the components that apply:

The constants named here are fields of :class:`~bitext.params.AlignParams`.

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
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Mapping, Optional, Sequence

import numpy as np

from .embed import Embed
from .lexicon import TOKEN, parse_numbers
from .model import Document, Link, Row, RowKey
from .params import AlignParams


@dataclass(frozen=True)
class ColumnCalibration:
    """Per column: cosine of unrelated cells (``background``) and of faithful pairs
    (``typical``); ``gap`` is the least distance between them used when rescaling."""

    background: float
    typical: float
    gap: float = 0.02

    def scale(self, cos: np.ndarray) -> np.ndarray:
        return np.clip((cos - self.background) / max(self.typical - self.background, self.gap), 0.0, 1.0)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Vectors:
    """Cell embeddings of one document (read-only arrays): ``cells[row, column]``, ``mask``
    where non-empty, ``rows`` the normalised mean of each row's cells. Row ``k`` is the
    document's ``k``-th row in reading order; ``index`` maps a :class:`~bitext.model.RowKey`
    to it."""

    cells: np.ndarray  # (n, W, d)
    mask: np.ndarray  # (n, W)
    rows: np.ndarray  # (n, d)
    index: Mapping[RowKey, int] = field(repr=False)

    @classmethod
    def build(cls, doc: Document, table: Mapping[str, np.ndarray], width: int, dim: int) -> "Vectors":
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
        index = MappingProxyType({r.rowkey: k for k, r in enumerate(rows)})
        return cls(_frozen(cells), _frozen(mask), _frozen(summed / np.maximum(norms, 1e-9)), index)

    @property
    def width(self) -> int:
        return int(self.cells.shape[1])

    def vector(self, row: Row, column: int) -> Optional[np.ndarray]:
        """The (read-only) vector of a cell, or None when it is empty or past the width."""
        k = self.index[row.rowkey]
        if not 0 <= column < self.width or not self.mask[k, column]:
            return None
        return self.cells[k, column]


@dataclass(frozen=True)
class Measurements:
    """What the alignment measured on a document pair, frozen, for the checks and for
    inspection: the cell vectors of both sides, the per-column calibrations, the anchors of
    each row, and the parts and tables it paired (with their scores)."""

    left: Vectors
    right: Vectors
    columns: tuple[ColumnCalibration, ...]
    row_calibration: ColumnCalibration
    left_anchors: tuple[frozenset[str], ...] = field(repr=False)
    right_anchors: tuple[frozenset[str], ...] = field(repr=False)
    anchor_matrices: tuple = field(default=(), repr=False)  # (left, right) sparse row x token incidence
    part_pairs: tuple[tuple[int, int, float], ...] = ()
    table_pairs: tuple[tuple[int, int, float], ...] = ()
    stats: Mapping[str, int] = field(default_factory=dict, repr=False)  # what it computed: candidate pairs, lexicon look-ups

    @property
    def width(self) -> int:
        """The number of columns measured: the wider of the two documents."""
        return self.left.width

    def cell_cosine(self, left: Row, right: Row, column: int, right_column: Optional[int] = None) -> Optional[float]:
        """Cosine of a left cell with a right cell (same column unless ``right_column``);
        None where either is empty or past the width."""
        a = self.left.vector(left, column)
        b = self.right.vector(right, column if right_column is None else right_column)
        return None if a is None or b is None else float(a @ b)

    def cell_similarity(self, i: int, j: int, shift: int = 0) -> list[Optional[float]]:
        """Calibrated similarity of each column of left row i with right row j (None where
        either cell is empty)."""
        width = self.width
        out: list[Optional[float]] = []
        for c in range(width):
            c2 = c + shift
            if 0 <= c2 < width and self.left.mask[i, c] and self.right.mask[j, c2]:
                cos = float(self.left.cells[i, c] @ self.right.cells[j, c2])
                out.append(float(self.columns[c].scale(np.array(cos))))
            else:
                out.append(None)
        return out


# --- anchors ---------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def anchor_sets(left: Document, right: Document) -> tuple[tuple[frozenset[str], ...], tuple[frozenset[str], ...]]:
    """Language-independent tokens of each row: numbers, and capitalised or mixed-case
    tokens (names, acronyms) that occur in both documents."""

    def names(doc: Document) -> set[str]:
        found = set()
        for text in {cell.text for row in doc.rows for cell in row.cells}:
            if text:
                for k, tok in enumerate(_tokens(text)):
                    if len(tok) >= 2 and (tok[0].isupper() and k > 0 or tok.isupper() or any(ch.isupper() for ch in tok[1:])):
                        found.add(tok)
        return found

    shared = names(left) & names(right)

    def per_row(doc: Document) -> tuple[frozenset[str], ...]:
        out = []
        for row in doc.rows:
            toks: set[str] = set()
            for cell in row.cells:
                if cell.inherited:
                    continue
                toks |= {t for t in _tokens(cell.text) if t in shared}
                toks |= {"#" + n for n in parse_numbers(cell.text)}
            out.append(frozenset(toks))
        return tuple(out)

    return per_row(left), per_row(right)


DENSE_ANCHOR_CELLS = 4_000_000  # rows × anchor vocabulary up to which the incidence matrices are dense (16 MB); not a decision


def anchor_matrices(la: Sequence[frozenset[str]], ra: Sequence[frozenset[str]]):  # type: ignore[no-untyped-def]
    """Row × token incidence matrices (sparse), so anchor overlaps of whole blocks or of
    candidate pairs are matrix products, not Python loops."""
    vocab = {t: k for k, t in enumerate(sorted(set().union(*la, *ra)))}
    # Dense while small (no scipy import, the common document); sparse for large inputs.
    dense = (len(la) + len(ra)) * max(len(vocab), 1) <= DENSE_ANCHOR_CELLS

    def build(sets: Sequence[frozenset[str]]):  # type: ignore[no-untyped-def]
        rows = [k for k, toks in enumerate(sets) for _ in toks]
        cols = [vocab[t] for toks in sets for t in sorted(toks)]
        shape = (len(sets), max(len(vocab), 1))
        if dense:
            m = np.zeros(shape, np.float32)
            m[rows, cols] = 1.0
            return m
        from scipy.sparse import csr_matrix

        return csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)

    return build(la), build(ra)


def _anchor_scores(model: Measurements, li: np.ndarray, rj: np.ndarray, pairs: bool) -> np.ndarray:
    """Jaccard of anchors: for the block li × rj, or for the pairs (li[k], rj[k]); NaN
    where neither row has anchors."""
    A, B = model.anchor_matrices
    A, B = A[li], B[rj]
    na = np.asarray(A.sum(axis=1)).ravel()
    nb = np.asarray(B.sum(axis=1)).ravel()
    sparse = hasattr(A, "toarray")
    if pairs:
        inter = np.asarray((A.multiply(B) if sparse else A * B).sum(axis=1)).ravel()
        union = na + nb - inter
    else:
        inter = (A @ B.T).toarray() if sparse else A @ B.T
        union = na[:, None] + nb[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.maximum(union, 1), np.nan)


# --- calibration -------------------------------------------------------------------------------


def _calibrate(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, p: AlignParams) -> ColumnCalibration:
    """Background and typical cosine between two sets of (distinct) vectors."""
    gap = p.calibration_min_gap
    if len(a) == 0 or len(b) == 0:
        return ColumnCalibration(p.calibration_background, p.calibration_typical, gap)
    ia = rng.choice(len(a), size=min(len(a), p.calibration_sample), replace=False)
    sims = a[ia] @ b.T  # (<=sample, len(b))
    background = float(np.median(sims))
    typical = float(np.median(sims.max(axis=1)))
    return ColumnCalibration(background, max(typical, background + gap), gap)


def calibrate_columns(left: Document, right: Document, table: Mapping[str, np.ndarray], width: int, p: AlignParams) -> tuple[ColumnCalibration, ...]:
    rng = np.random.default_rng(p.seed)
    out = []
    for c in range(width):
        lt = sorted({r.cells[c].text for r in left.rows if len(r.cells) > c and r.cells[c].text})
        rt = sorted({r.cells[c].text for r in right.rows if len(r.cells) > c and r.cells[c].text})
        a = np.array([table[t] for t in lt]) if lt else np.zeros((0, 1))
        b = np.array([table[t] for t in rt]) if rt else np.zeros((0, 1))
        out.append(_calibrate(a, b, rng, p))
    return tuple(out)


# --- scoring -----------------------------------------------------------------------------------


def _best_over_shifts(model: Measurements, p: AlignParams, shape: tuple[int, ...], cos, masks) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Mean calibrated cosine over the columns, for each column shift in ±max_shift; the
    best shift wins (a non-zero shift needs shift_min_columns overlapping columns and pays
    a penalty).
    ``cos(c, c2)`` and ``masks(c, c2)`` give the cosines and the filled masks of left column
    c against right column c2, for a block or for a list of pairs."""
    width = model.width
    best = np.full(shape, -1.0)
    shift = np.zeros(shape, dtype=int)
    for s in range(-p.max_shift, p.max_shift + 1):
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
            val = np.where(den >= p.shift_min_columns, val - p.shift_penalty, -1.0)
        better = val > best + 1e-9
        best = np.where(better, val, best)
        shift = np.where(better, s, shift)
    return np.clip(best, 0.0, 1.0), shift


def content_block(model: Measurements, p: AlignParams, li: Sequence[int], rj: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated content similarity of left rows ``li`` × right rows ``rj``, and the column
    shift that gave it."""
    L, Lm = model.left.cells[li], model.left.mask[li]
    R, Rm = model.right.cells[rj], model.right.mask[rj]
    return _best_over_shifts(
        model,
        p,
        (len(li), len(rj)),
        lambda c, c2: L[:, c] @ R[:, c2].T,
        lambda c, c2: (Lm[:, c][:, None], Rm[:, c2][None, :]),
    )


def _relpos(k: int, n: int) -> float:
    return k / (n - 1) if n > 1 else 0.5


def score_block(
    model: Measurements,
    p: AlignParams,
    li: Sequence[int],
    rj: Sequence[int],
    lpos: Sequence[float],
    rpos: Sequence[float],
    position_weight: float = 1.0,
) -> dict[str, np.ndarray]:
    """Row scores for a block, with their components."""
    content, shift = content_block(model, p, li, rj)
    position = 1.0 - np.abs(np.asarray(lpos)[:, None] - np.asarray(rpos)[None, :])
    position = position * position_weight
    anchors = _anchor_scores(model, np.asarray(li), np.asarray(rj), pairs=False)
    return _combine(p, content, anchors, position, shift)


def _combine(p: AlignParams, content: np.ndarray, anchors: np.ndarray, position: np.ndarray, shift: np.ndarray, position_scale: float = 1.0) -> dict[str, np.ndarray]:
    has_anchor = ~np.isnan(anchors)
    wp = p.weight_position * position_scale
    num = p.weight_content * content + wp * position + np.where(has_anchor, p.weight_anchors * np.nan_to_num(anchors), 0.0)
    den = p.weight_content + wp + np.where(has_anchor, p.weight_anchors, 0.0)
    return {"score": num / den, "content": content, "anchors": anchors, "position": position, "shift": shift}


def content_pairs(model: Measurements, p: AlignParams, pi: np.ndarray, pj: np.ndarray, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """:func:`content_block` for a list of pairs (left pi[k], right pj[k]), in chunks."""
    best = np.zeros(len(pi))
    shift = np.zeros(len(pi), dtype=int)
    for start in range(0, len(pi), chunk):
        a, b = pi[start : start + chunk], pj[start : start + chunk]
        L, Lm = model.left.cells[a], model.left.mask[a]
        R, Rm = model.right.cells[b], model.right.mask[b]
        best[start : start + chunk], shift[start : start + chunk] = _best_over_shifts(
            model,
            p,
            (len(a),),
            lambda c, c2: np.einsum("pd,pd->p", L[:, c], R[:, c2]),
            lambda c, c2: (Lm[:, c], Rm[:, c2]),
        )
    return best, shift


def candidate_pairs(model: Measurements, p: AlignParams, li: Sequence[int], rj: Sequence[int], lpos: Sequence[float], rpos: Sequence[float], chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs for a large block, without its n × m matrix: for each left row, its
    ``candidate_k`` most similar distinct right row vectors (each taken at its occurrence
    nearest to the row's relative position: a list that repeats rows has few distinct
    ones), plus the right rows at about the same relative position (a band around the
    diagonal, at most ``candidate_band_max`` either side). Returns block indices, sorted."""
    li_a, rj_a = np.asarray(li), np.asarray(rj)
    lpos_a, rpos_a = np.asarray(lpos, dtype=float), np.asarray(rpos, dtype=float)
    n, m = len(li_a), len(rj_a)
    # Distinct vectors: left rows by kind, right rows by kind with their positions.
    Lu, _, l_kind = _unique_rows(model.left.rows[li_a])
    Ru, _, r_kind = _unique_rows(model.right.rows[rj_a])
    kk = min(p.candidate_k, len(Ru))
    top_kind = np.empty((len(Lu), kk), dtype=np.int64)
    for start in range(0, len(Lu), chunk):
        sims = Lu[start : start + chunk] @ Ru.T
        top_kind[start : start + chunk] = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
    # Right rows sorted by (kind, position): the occurrence of kind t nearest to position x
    # is found by one binary search on the key t·2 + x (positions are in [0, 1]).
    by_kind = np.lexsort((rpos_a, r_kind))
    keys = r_kind[by_kind] * 2.0 + rpos_a[by_kind]
    seg_start = np.searchsorted(r_kind[by_kind], np.arange(len(Ru)), side="left")
    seg_end = np.searchsorted(r_kind[by_kind], np.arange(len(Ru)), side="right")
    t = top_kind[l_kind]  # (n, kk)
    at = np.searchsorted(keys, t * 2.0 + lpos_a[:, None])
    near_kind = []
    for off in (-1, 0):  # the occurrences just before and after the position
        k = np.clip(at + off, seg_start[t], seg_end[t] - 1)
        near_kind.append(by_kind[k])
    # The diagonal band.
    order = np.argsort(rpos_a, kind="stable")
    band = min(max(p.candidate_band_min, int(p.candidate_band * m)), max(p.candidate_band_max, p.candidate_band_min))
    centre = np.searchsorted(rpos_a[order], lpos_a)
    span = np.clip(centre[:, None] + np.arange(-band, band)[None, :], 0, m - 1)
    cands = np.concatenate([near_kind[0], near_kind[1], order[span]], axis=1)
    code = np.unique((np.arange(n)[:, None] * m + cands).ravel())
    return code // m, code % m


def _row_kinds(doc_rows: Sequence[Row], idx: np.ndarray) -> np.ndarray:
    """An id per row such that rows with the same cells (texts and spans) share it: their
    content and anchors against any row are the same."""
    seen: dict[tuple, int] = {}
    return np.array([seen.setdefault(tuple((c.text, c.inherited) for c in doc_rows[int(k)].cells), len(seen)) for k in idx], dtype=np.int64)


def score_pairs(model: Measurements, p: AlignParams, li: Sequence[int], rj: Sequence[int], pa: np.ndarray, pb: np.ndarray, lpos: Sequence[float], rpos: Sequence[float], position_weight: float = 1.0, kinds: Optional[tuple[np.ndarray, np.ndarray]] = None) -> dict[str, np.ndarray]:
    """Row scores of candidate pairs (block indices pa, pb), with their components.
    ``kinds``: an id per row of li and of rj (:func:`_row_kinds`): content and anchors are
    computed once per distinct pair of kinds (long lists repeat rows)."""
    gi, gj = np.asarray(li)[pa], np.asarray(rj)[pb]
    if kinds is not None and len(pa):
        ka, kb = kinds[0][pa], kinds[1][pb]
        _, first, inverse = np.unique(ka * (int(kb.max()) + 1) + kb, return_index=True, return_inverse=True)
        content, shift = content_pairs(model, p, gi[first], gj[first])
        anchors = _anchor_scores(model, gi[first], gj[first], pairs=True)
        content, shift, anchors = content[inverse], shift[inverse], anchors[inverse]
    else:
        content, shift = content_pairs(model, p, gi, gj)
        anchors = _anchor_scores(model, gi, gj, pairs=True)
    position = (1.0 - np.abs(np.asarray(lpos)[pa] - np.asarray(rpos)[pb])) * position_weight
    return _combine(p, content, anchors, position, shift)


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
    """The assignment of rows to columns with the highest total score."""
    if score.size == 0:
        return []
    short = _unique_best(score)
    if short is not None:
        return short
    # Loaded only when needed: scipy.optimize is the slowest import of a warm `check`.
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-score)
    return sorted(zip(rows.tolist(), cols.tolist()))


def _unique_best(score: np.ndarray) -> Optional[list[tuple[int, int]]]:
    """The optimal assignment when it is obvious, else None: along the shorter side, every
    row (column) has one strictly best partner and no two share it. Each then gets its
    maximum, which no other assignment reaches, so this is exactly what the Hungarian
    method returns, without loading it.

    >>> _unique_best(np.array([[0.9, 0.1], [0.2, 0.8]]))
    [(0, 0), (1, 1)]
    >>> _unique_best(np.array([[0.9, 0.1], [0.8, 0.2]])) is None
    True
    """
    flip = score.shape[0] > score.shape[1]
    s = score.T if flip else score
    if s.shape[1] < 2:
        best = np.zeros(s.shape[0], dtype=int)
        if s.shape[0] > 1:
            return None
    else:
        top2 = np.partition(s, s.shape[1] - 2, axis=1)[:, -2:]
        if not np.all(top2[:, 1] > top2[:, 0]):
            return None
        best = s.argmax(axis=1)
    if len(np.unique(best)) < len(best):
        return None
    pairs = [(int(c), i) if flip else (i, int(c)) for i, c in enumerate(best)]
    return sorted(pairs)


def _near_best(key: np.ndarray, score: np.ndarray, margin: float, k: int, at_least: int) -> np.ndarray:
    """For pairs grouped by ``key`` (their left or right row): the pairs among their row's
    ``k`` best and within ``margin`` of its best, for rows with ``at_least`` such pairs.
    A boolean mask over the pairs."""
    out = np.zeros(len(key), dtype=bool)
    if not len(key):
        return out
    order = np.lexsort((-score, key))
    ks, sc = key[order], score[order]
    starts = np.r_[0, np.flatnonzero(np.diff(ks)) + 1]
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ks)]))
    best = sc[starts][group]
    near = (sc >= best - margin) & (np.arange(len(ks)) - starts[group] < k)
    count = np.bincount(group[near], minlength=len(starts))
    out[order[near & (count[group] >= at_least)]] = True
    return out


def _plausible_pairs(pa: np.ndarray, pb: np.ndarray, score: np.ndarray, p: AlignParams) -> np.ndarray:
    """Each row's best pair, and the near-best pairs of an ambiguous row (two or more
    partners within ``lexicon_margin``): where a second opinion (the lexicon) is asked.
    Mask over the pairs."""
    out = np.zeros(len(pa), dtype=bool)
    for key in (pa, pb):
        out |= _near_best(key, score, 0.0, 1, 1) | _near_best(key, score, p.lexicon_margin, p.lexicon_candidates, 2)
    return out


def _margins(key: np.ndarray, value: np.ndarray) -> np.ndarray:
    """For each pair: its value minus the best value of the other pairs of its row
    (``key``); the value itself where the row has no other pair.

    >>> _margins(np.array([0, 0, 1]), np.array([0.9, 0.6, 0.5])).round(2).tolist()
    [0.3, -0.3, 0.5]
    """
    out = np.zeros(len(key))
    if not len(key):
        return out
    order = np.lexsort((-value, key))
    ks, vs = key[order], value[order]
    first = np.r_[True, ks[1:] != ks[:-1]]
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    best = vs[starts][group]
    has_second = np.r_[~first[1:], False]  # the row's best is followed by a pair of the same row
    second = np.where(has_second[starts], vs[np.minimum(starts + 1, len(vs) - 1)], 0.0)[group]
    # the best pair is compared with the second; every other pair with the best
    other = np.where(first, second, best)
    out[order] = vs - other
    return out


def _disorder(pa: np.ndarray, pb: np.ndarray, value: np.ndarray, lpos: np.ndarray, rpos: np.ndarray, p: AlignParams) -> float:
    """How much the two tables' orders disagree: of the rows that are each other's best
    partner by content and anchors alone (scoring at least ``threshold``), the share whose
    relative positions differ by more than ``order_band``. 0 when too few such pairs.
    Only best pairs that stand out count (each row's next-best partner ``order_margin``
    lower): in a balance sheet the same label repeats under several headings, and a best
    pair among near-twins says nothing about the order."""
    keep = np.flatnonzero(value >= p.threshold)
    if not len(keep):
        return 0.0
    margin = np.minimum(_margins(pa, value), _margins(pb, value))[keep]
    a, b, v = pa[keep], pb[keep], value[keep]
    oa, ob = np.lexsort((-v, a)), np.lexsort((-v, b))
    best_a = oa[np.r_[True, a[oa][1:] != a[oa][:-1]]]  # each left row's best pair
    best_b = ob[np.r_[True, b[ob][1:] != b[ob][:-1]]]
    mutual = np.intersect1d(best_a, best_b)
    mutual = mutual[margin[mutual] >= p.order_margin]
    if len(mutual) < p.order_min_pairs:
        return 0.0
    return float(np.mean(np.abs(lpos[a[mutual]] - rpos[b[mutual]]) > p.order_band))


class _Lexicon:
    """Lexical coverage of row pairs (:func:`bitext.lexicon.translations.coverage`), computed
    lazily and cached per distinct pair of row texts; None when the pair of languages is not
    Swedish–Finnish or the weight is 0."""

    def __init__(self, left: Document, right: Document, p: AlignParams):
        langs = (left.language, right.language)
        self.on = p.lexicon_weight > 0 and set(langs) == {"sv", "fi"}
        self.sv_left = langs[0] == "sv"
        self.left_text = [" ".join(c.text for c in r.cells if c.text) for r in left.rows]
        self.right_text = [" ".join(c.text for c in r.cells if c.text) for r in right.rows]
        self.cache: dict[tuple[str, str], float] = {}
        self.computed = 0

    def candidates(self, li: Sequence[int], rj: Sequence[int], k: int, common: float) -> set[tuple[int, int]]:
        """Pairs (block indices) that share translated words: each row's ``k`` best partners
        by the idf weight of its words whose translation occurs in the other row (an
        inverted index; forms in more than ``common`` of the rows are skipped): finds a
        translation the cosine ranks low, without scoring every pair."""
        from .lexicon.translations import cell_words

        sides = [("sv" if self.sv_left else "fi", [self.left_text[i] for i in li]), ("fi" if self.sv_left else "sv", [self.right_text[j] for j in rj])]
        cells = [[cell_words(t, lang) for t in texts] for lang, texts in sides]
        out: set[tuple[int, int]] = set()
        for src in (0, 1):
            dst = 1 - src
            postings: dict[str, list[int]] = {}
            for b, c in enumerate(cells[dst]):
                for f in c.forms:
                    postings.setdefault(f, []).append(b)
            cap = max(2, int(common * len(cells[dst])))
            done: dict[str, list[int]] = {}
            for a, (c, key) in enumerate(zip(cells[src], sides[src][1])):
                if key not in done:  # identical texts: looked up once
                    acc: dict[int, float] = {}
                    for w in c.words:
                        hits: set[int] = set()
                        for t in w.translations:
                            post = postings.get(t, ())
                            if len(post) <= cap:
                                hits.update(post)
                        for b in hits:
                            acc[b] = acc.get(b, 0.0) + w.weight
                    done[key] = sorted(acc, key=lambda b: (-acc[b], b))[:k]
                out.update(((a, b) if src == 0 else (b, a)) for b in done[key])
        return out

    def coverage(self, i: int, j: int) -> float:
        """Coverage of left row i and right row j in [0, 1], NaN when neither has a word the
        lexicon knows (or recurring names)."""
        from .lexicon.translations import cell_words, coverage_cells

        a, b = self.left_text[i], self.right_text[j]
        sv, fi = (a, b) if self.sv_left else (b, a)
        key = (sv, fi)
        if key not in self.cache:
            c = coverage_cells(cell_words(sv, "sv"), cell_words(fi, "fi"))
            self.cache[key] = float("nan") if c.sv is None and c.fi is None else c.score
            self.computed += 1
        return self.cache[key]


# --- structure ---------------------------------------------------------------------------------


def _unique_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct row vectors (in order of first occurrence), how often each occurs, and
    each row's index among them (long lists repeat rows). By their bytes: a lexicographic
    sort of float rows is far slower."""
    seen: dict[bytes, int] = {}
    inverse = np.fromiter((seen.setdefault(v.tobytes(), len(seen)) for v in vectors), dtype=np.int64, count=len(vectors))
    first = np.unique(inverse, return_index=True)[1]
    return vectors[first], np.bincount(inverse, minlength=len(first)), inverse


def _coverage(model: Measurements, li: Sequence[int], rj: Sequence[int], p: Optional[AlignParams] = None) -> float:
    """How well the rows of two groups cover each other (mean best calibrated row cosine,
    both ways). Above ``dense_limit`` row pairs: over the distinct row vectors, and each
    side's mean from an evenly spaced sample of ``group_coverage_sample`` of them (linear,
    not n × m)."""
    if not li or not rj:
        return 0.0
    cal = model.row_calibration.scale
    if p is not None and len(li) * len(rj) > p.dense_limit:
        L, lc, _ = _unique_rows(model.left.rows[list(li)])
        R, rc, _ = _unique_rows(model.right.rows[list(rj)])

        def best_mean(A: np.ndarray, ac: np.ndarray, B: np.ndarray) -> float:
            take = np.unique(np.linspace(0, len(A) - 1, min(len(A), p.group_coverage_sample)).astype(int))
            best = np.concatenate([(A[take[k : k + 256]] @ B.T).max(axis=1) for k in range(0, len(take), 256)])
            return float(np.average(cal(best), weights=ac[take]))

        return (best_mean(L, lc, R) + best_mean(R, rc, L)) / 2
    R = model.right.rows[list(rj)]
    best_l = []
    best_r = np.full(len(rj), -1.0)
    for start in range(0, len(li), 1024):  # chunks: never the whole n × m matrix
        sims = model.left.rows[list(li[start : start + 1024])] @ R.T
        best_l.append(sims.max(axis=1))
        best_r = np.maximum(best_r, sims.max(axis=0))
    return float((cal(np.concatenate(best_l)).mean() + cal(best_r).mean()) / 2)


def _group_score(model: Measurements, p: AlignParams, li: Sequence[int], rj: Sequence[int], title_sim: float, pos: float, title_weight: float) -> float:
    size = min(len(li), len(rj)) / max(len(li), len(rj), 1)
    cover = _coverage(model, li, rj, p)
    w_cover = p.group_content_weight - title_weight
    return w_cover * cover + title_weight * title_sim + p.group_position_weight * pos + p.group_size_weight * size


def _group_candidates(model: Measurements, p: AlignParams, groups_l: list[list[int]], groups_r: list[list[int]]) -> list[tuple[int, int]]:
    """Which group pairs to score: all of them for a few groups; with many, each group's
    ``group_candidate_k`` nearest by centroid plus its neighbours by position (never all
    P × Q)."""
    nl, nr = len(groups_l), len(groups_r)
    if nl * nr <= p.group_dense_limit:
        return [(a, b) for a in range(nl) for b in range(nr)]

    def centroids(groups: list[list[int]], rows: np.ndarray) -> np.ndarray:
        c = np.array([rows[g].mean(axis=0) if g else np.zeros(rows.shape[1]) for g in groups])
        return c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)

    sims = centroids(groups_l, model.left.rows) @ centroids(groups_r, model.right.rows).T
    out: set[tuple[int, int]] = set()
    for a in range(nl):
        out.update((a, int(b)) for b in np.argsort(-sims[a], kind="stable")[: p.group_candidate_k])
        at = round(_relpos(a, nl) * (nr - 1))
        out.update((a, b) for b in range(max(0, at - p.group_neighbours), min(nr, at + p.group_neighbours + 1)))
    return sorted(out)


def _pair_groups(
    model: Measurements,
    p: AlignParams,
    groups_l: list[list[int]],
    groups_r: list[list[int]],
    titles_l: list[Optional[np.ndarray]],
    titles_r: list[Optional[np.ndarray]],
    title_weight: float,
    threshold: float,
) -> list[tuple[int, int, float]]:
    nl, nr = len(groups_l), len(groups_r)
    if not nl or not nr:
        return []
    score = np.full((nl, nr), -1.0)
    for a, b in _group_candidates(model, p, groups_l, groups_r):
        ta, tb = titles_l[a], titles_r[b]
        tsim = float(model.row_calibration.scale(np.array(ta @ tb))) if ta is not None and tb is not None else 0.0
        pos = 1.0 - abs(_relpos(a, nl) - _relpos(b, nr))
        score[a, b] = _group_score(model, p, groups_l[a], groups_r[b], tsim, pos, title_weight)
    return [(a, b, float(score[a, b])) for a, b in _assign(score) if score[a, b] >= threshold]


def _join_split_groups(
    model: Measurements,
    p: AlignParams,
    groups_l: list[list[int]],
    groups_r: list[list[int]],
    pairs: list[tuple[int, int, float]],
    title_weight: float,
) -> list[tuple[list[int], list[int], float]]:
    """Groups split in one version (one table there, two or more consecutive tables here):
    an unpaired group next to a paired one joins it when the rows read as one group fit the
    partner better (coverage and size; title and position as paired). Returns runs of
    consecutive groups: (left groups, right groups, score)."""
    used_l = {a for a, _, _ in pairs}
    used_r = {b for _, b, _ in pairs}
    out = []
    for a, b, sc in sorted(pairs):
        run_l, run_r = [a], [b]
        base = sc - _group_score(model, p, groups_l[a], groups_r[b], 0.0, 0.0, title_weight)  # title + position part
        grown = True
        while grown:
            grown = False
            rows_l = [k for g in run_l for k in groups_l[g]]
            rows_r = [k for g in run_r for k in groups_r[g]]
            current = base + _group_score(model, p, rows_l, rows_r, 0.0, 0.0, title_weight)
            options = []
            for side, run, groups, used in (("left", run_l, groups_l, used_l), ("right", run_r, groups_r, used_r)):
                for g in (run[0] - 1, run[-1] + 1):
                    if 0 <= g < len(groups) and g not in used and groups[g]:
                        if side == "left":
                            cand = base + _group_score(model, p, sorted(rows_l + groups[g]), rows_r, 0.0, 0.0, title_weight)
                        else:
                            cand = base + _group_score(model, p, rows_l, sorted(rows_r + groups[g]), 0.0, 0.0, title_weight)
                        options.append((cand, side, g))
            if options:
                cand, side, g = max(options)
                if cand > current + p.group_join_gain:
                    (run_l if side == "left" else run_r).append(g)
                    (run_l if side == "left" else run_r).sort()
                    (used_l if side == "left" else used_r).add(g)
                    sc = cand
                    grown = True
        out.append((run_l, run_r, sc))
    return out


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
    embed: Embed,
    params: Optional[AlignParams] = None,
) -> tuple[tuple[Link, ...], Measurements]:
    """Align the rows of two normalised documents. ``embed`` maps texts to vectors.

    Returns the links (every row of both documents appears) and what was measured.
    """
    p = params or AlignParams()
    width = max(left.width, right.width)
    table = embed(texts_to_embed(left, right))
    dim = next(iter(table.values())).shape[0] if table else 1
    lv, rv = Vectors.build(left, table, width, dim), Vectors.build(right, table, width, dim)
    rng = np.random.default_rng(p.seed)
    la, ra = anchor_sets(left, right)
    model = Measurements(lv, rv, calibrate_columns(left, right, table, width, p), _calibrate(lv.rows, rv.rows, rng, p), la, ra, anchor_matrices(la, ra))

    lrows, rrows = left.rows, right.rows
    lindex, rindex = lv.index, rv.index

    def vec(text: str) -> Optional[np.ndarray]:
        return table.get(text) if text else None

    def rows_of_part(doc: Document, part: int, index: Mapping[RowKey, int]) -> list[int]:
        return [index[r.rowkey] for t in doc.parts[part].tables for r in doc.tables[t].rows]

    part_pairs = _pair_groups(
        model,
        p,
        [rows_of_part(left, part.index, lindex) for part in left.parts],
        [rows_of_part(right, part.index, rindex) for part in right.parts],
        [vec(part.title) for part in left.parts],
        [vec(part.title) for part in right.parts],
        title_weight=p.part_title_weight,
        threshold=p.part_threshold,
    )
    table_pairs: list[tuple[int, int, float]] = []
    matched: dict[int, tuple[int, dict[str, float]]] = {}  # left row -> (right row, components)

    lexicon = _Lexicon(left, right, p)
    stats = {"candidates": 0, "lexicon_pairs": 0, "disordered_blocks": 0}

    def decide(li: list[int], rj: list[int], lpos: list[float], rpos: list[float], pa: np.ndarray, pb: np.ndarray, s: dict[str, np.ndarray], dense: bool) -> dict[str, np.ndarray]:
        """Final scores of candidate pairs (block indices pa, pb): the position weight
        lowered where the tables' orders disagree, the lexicon's coverage mixed into the
        content where a row's best partners are close."""
        content, anchors, position = s["content"], s["anchors"], s["position"]
        has = ~np.isnan(anchors)
        alone = (p.weight_content * content + np.where(has, p.weight_anchors * np.nan_to_num(anchors), 0.0)) / (p.weight_content + np.where(has, p.weight_anchors, 0.0))
        scale = 1.0
        if _disorder(pa, pb, alone, np.asarray(lpos), np.asarray(rpos), p) > p.order_disorder:
            # Each version sorted in its own order (names, places): position misleads.
            scale = p.order_position_scale
            stats["disordered_blocks"] += 1
        s = _combine(p, content, anchors, position, s["shift"], scale)
        s["decision"] = s["score"]
        if lexicon.on:
            ask = _plausible_pairs(pa, pb, s["score"], p)
            if scale < 1.0 and dense:
                # Position cannot decide here: also ask for the pairs that share translated words.
                m = len(rj)
                extra = lexicon.candidates(li, rj, p.lexicon_candidates, p.lexicon_common)
                if extra:
                    flat = np.array([a * m + b for a, b in extra])
                    ask[flat] = True
            idx = np.flatnonzero(ask)
            li_a, rj_a = np.asarray(li), np.asarray(rj)
            cov = np.array([lexicon.coverage(int(li_a[pa[k]]), int(rj_a[pb[k]])) for k in idx])
            # A pair not asked gets no lexical support (coverage 0): it is no one's
            # plausible partner. A pair whose rows have no known word keeps its content.
            full = np.zeros(len(pa))
            full[idx] = cov
            known = ~np.isnan(full)
            mixed = np.where(known, (1 - p.lexicon_weight) * content + p.lexicon_weight * np.nan_to_num(full), content)
            stats["lexicon_pairs"] += len(idx)
            # The lexicon decides (assignment and threshold: "decision"); a link reports the
            # components of the cosine-based score, which the checks are calibrated on.
            s["decision"] = _combine(p, mixed, anchors, position, s["shift"], scale)["score"]
        return s

    def take(li: list[int], rj: list[int], lpos: list[float], rpos: list[float], thr: float, pw: float = 1.0) -> None:
        if not li or not rj:
            return
        if len(li) * len(rj) <= p.dense_limit:
            s = score_block(model, p, li, rj, lpos, rpos, pw)
            n, m = s["score"].shape
            pa, pb = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
            flat = decide(li, rj, lpos, rpos, pa, pb, {k: v.ravel() for k, v in s.items()}, True)
            s = {k: v.reshape(n, m) for k, v in flat.items()}
            stats["candidates"] += n * m
            for a, b in _assign(s["decision"]):
                if s["decision"][a, b] >= thr:
                    matched[li[a]] = (rj[b], {k: float(v[a, b]) for k, v in s.items() if k != "decision"})
            return
        # Large block: candidate pairs only (top-k + diagonal band), greedy one-to-one.
        pa, pb = candidate_pairs(model, p, li, rj, lpos, rpos)
        stats["candidates"] += len(pa)
        kinds = (_row_kinds(lrows, np.asarray(li)), _row_kinds(rrows, np.asarray(rj)))
        s = decide(li, rj, lpos, rpos, pa, pb, score_pairs(model, p, li, rj, pa, pb, lpos, rpos, pw, kinds), False)
        for k in _greedy(s["decision"], pa, pb, thr):
            matched[li[int(pa[k])]] = (rj[int(pb[k])], {name: float(v[k]) for name, v in s.items() if name != "decision"})

    for pl, pr, _ in part_pairs:
        tl, tr = list(left.parts[pl].tables), list(right.parts[pr].tables)
        pairs = _pair_groups(
            model,
            p,
            [[lindex[r.rowkey] for r in left.tables[t].rows] for t in tl],
            [[rindex[r.rowkey] for r in right.tables[t].rows] for t in tr],
            [vec(left.tables[t].heading) for t in tl],
            [vec(right.tables[t].heading) for t in tr],
            title_weight=p.table_title_weight,
            threshold=p.table_threshold,
        )
        groups_l = [[lindex[r.rowkey] for r in left.tables[t].rows] for t in tl]
        groups_r = [[rindex[r.rowkey] for r in right.tables[t].rows] for t in tr]
        for run_l, run_r, sc in _join_split_groups(model, p, groups_l, groups_r, pairs, p.table_title_weight):
            table_pairs.extend((tl[a], tr[b], sc) for a in run_l for b in run_r)
            # A table split in one version: its parts, read in order, are one table.
            li = [k for a in run_l for k in groups_l[a]]
            rj = [k for b in run_r for k in groups_r[b]]
            take(li, rj, [_relpos(k, len(li)) for k in range(len(li))], [_relpos(k, len(rj)) for k in range(len(rj))], p.threshold)

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
        max(p.threshold, p.leftover_threshold),
        pw=p.leftover_position_weight,
    )

    _fill_gaps(model, p, lrows, rrows, matched, lexicon)
    stats["lexicon_cells"] = lexicon.computed
    model = replace(model, part_pairs=tuple(part_pairs), table_pairs=tuple(table_pairs), stats=MappingProxyType(stats))
    links = _splits_and_links(left, right, model, p, matched, embed)
    return _ordered(links, lv.index, rv.index), model


def _fill_gaps(model: Measurements, p: AlignParams, lrows: Sequence[Row], rrows: Sequence[Row], matched: dict[int, tuple[int, dict[str, float]]], lexicon: "_Lexicon") -> None:
    """Pair the one-sided rows of a gap of the same size in both versions: between two
    consecutive paired rows ``(i0, j0)``, ``(i1, j1)`` of one table on each side, rows
    ``i0+1 … i1-1`` and ``j0+1 … j1-1`` all unpaired and as many on each side. Their place
    is certain, so they pair in order when each pair reads alike on its own: content and
    anchors score ``threshold`` without position, or the lexicon covers ``gap_coverage`` of
    their words. A row deleted in one version leaves a gap on one side only; a row replaced
    by an unrelated one stays two one-sided rows."""
    used = {j for j, _ in matched.values()}
    pairs = sorted((i, j) for i, (j, _) in matched.items())
    for (i0, j0), (i1, j1) in zip(pairs, pairs[1:]):
        n = i1 - i0 - 1
        if n < 1 or j1 - j0 - 1 != n:
            continue
        li, rj = list(range(i0 + 1, i1)), list(range(j0 + 1, j1))
        if any(j in used for j in rj) or any(i in matched for i in li):
            continue
        if len({lrows[i].table for i in range(i0, i1 + 1)}) != 1 or len({rrows[j].table for j in range(j0, j1 + 1)}) != 1:
            continue
        a, b = np.array(li), np.array(rj)
        content, shift = content_pairs(model, p, a, b)
        anchors = _anchor_scores(model, a, b, pairs=True)
        comp = _combine(p, content, anchors, np.ones(n), shift)
        # Position is certain here and says nothing of the content: the rows must agree on
        # their own, by the cosine (as a row pairs anywhere) or by the lexicon (a heading the
        # embedding reads poorly: "Efterställda skulder" / "Velat, joilla on huonompi
        # etuoikeus…").
        alone = _combine(replace(p, weight_position=0.0), content, anchors, np.ones(n), shift)["score"]
        cov = np.array([lexicon.coverage(i, j) if lexicon.on else np.nan for i, j in zip(li, rj)])
        if np.all((alone >= p.threshold) | (np.nan_to_num(cov) >= p.gap_coverage)):
            for k in range(n):
                matched[li[k]] = (rj[k], {name: float(v[k]) for name, v in comp.items()})
                used.add(rj[k])


def _joined_cells(rows: Sequence[Row]) -> tuple[str, ...]:
    """The cells of consecutive rows read as one row: each column's texts joined in order; a
    cell inherited from the row above (a span) counts once."""
    width = max(len(r.cells) for r in rows)
    out = []
    for c in range(width):
        parts = [r.cells[c].text for k, r in enumerate(rows) if c < len(r.cells) and r.cells[c].text and (k == 0 or not r.cells[c].inherited)]
        out.append(" ".join(parts))
    return tuple(out)


def _jaccard(a: frozenset, b: frozenset) -> float:
    union = len(a | b)
    return len(a & b) / union if union else float("nan")


def _splits_and_links(
    left: Document,
    right: Document,
    model: Measurements,
    p: AlignParams,
    matched: dict[int, tuple[int, dict[str, float]]],
    embed: Embed,
) -> list[Link]:
    """Links of the matched rows, then the one-sided rows: a one-sided row next to a row
    linked to ``o`` joins that link when the rows read together (cells joined, anchors
    united) are closer to ``o`` than without it (a row split in one version: 1↔n). Joined
    rows chain (an item listed over three rows), so this repeats until nothing joins."""
    lrows, rrows = left.rows, right.rows
    links: list[Link] = []
    for i, (j, comp) in sorted(matched.items()):
        links.append(_link(lrows[i], rrows[j], comp))

    # side -> row -> the row of the other side it is linked to; and the run of rows linked to it
    linked = {"left": {i: j for i, (j, _) in matched.items()}, "right": {j: i for i, (j, _) in matched.items()}}
    runs: dict[tuple[str, int], list[int]] = {}
    for i, (j, _) in matched.items():
        runs[("left", j)] = [i]
        runs[("right", i)] = [j]
    scores: dict[tuple[str, int], float] = {}

    def combined(side: str, group: list[int], other: int) -> float:
        """Content and anchors (weights as in the row score; no position) of rows ``group``
        of ``side`` read as one row, against row ``other`` of the other side."""
        rows, vecs_other, mask_other = (lrows, model.right.cells[other], model.right.mask[other]) if side == "left" else (rrows, model.left.cells[other], model.left.mask[other])
        # As in the row score, a column filled on one side only counts 0.
        joined = _joined_cells([rows[k] for k in group])
        vecs = embed([t for t in joined if t])
        sims = [
            float(model.columns[c].scale(np.array(vecs[t] @ vecs_other[c]))) if t and mask_other[c] else 0.0
            for c, t in enumerate(joined[: len(mask_other)])
            if t or mask_other[c]
        ]
        content = float(np.mean(sims)) if sims else 0.0
        mine, theirs = (model.left_anchors, model.right_anchors) if side == "left" else (model.right_anchors, model.left_anchors)
        anchors = _jaccard(frozenset().union(*(mine[k] for k in group)), theirs[other])
        if np.isnan(anchors):
            return content
        return (p.weight_content * content + p.weight_anchors * anchors) / (p.weight_content + p.weight_anchors)

    def try_split(side: str, k: int) -> Optional[Link]:
        rows = lrows if side == "left" else rrows
        row = rows[k]
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(rows) or nb not in linked[side] or rows[nb].table != row.table:
                continue
            other = linked[side][nb]
            group = runs[(side, other)]
            if not (group[0] - 1 == k or group[-1] + 1 == k):
                continue  # only a row next to the whole run extends it
            key = (side, other)
            if key not in scores:
                scores[key] = combined(side, group, other)
            grown = sorted(group + [k])
            joined = combined(side, grown, other)
            # A row whose cell spans into the run below (the run inherits it) is the head of
            # that logical row: it joins unless reading them together is worse.
            heads = nb == k + 1 and any(c.inherited and c.text and c2 < len(row.cells) and row.cells[c2].text == c.text for c2, c in enumerate(rows[nb].cells))
            if joined > scores[key] + p.split_gain or (heads and joined >= scores[key] - 1e-9):
                runs[key] = grown
                scores[key] = joined
                linked[side][k] = other
                note = f"split: continues the row at {rows[nb].source.label}"
                pair = (row, rrows[other]) if side == "left" else (lrows[other], row)
                return Link(pair[0], pair[1], "match", round(joined, 4), content=round(joined, 4), note=note)
        return None

    alone = {"left": [i for i in range(len(lrows)) if i not in matched], "right": [j for j in range(len(rrows)) if j not in linked["right"]]}
    changed = True
    while changed:  # a joined row can let its own neighbour join next
        changed = False
        for side in ("right", "left"):
            still = []
            for k in alone[side]:
                link = try_split(side, k)
                if link is None:
                    still.append(k)
                else:
                    links.append(link)
                    changed = True
            alone[side] = still
    links += [Link(None, rrows[j], "right_only", 0.0) for j in alone["right"]]
    links += [Link(lrows[i], None, "left_only", 0.0) for i in alone["left"]]
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


def _ordered(links: list[Link], lpos: Mapping[RowKey, int], rpos: Mapping[RowKey, int]) -> tuple[Link, ...]:
    """Links in reading order of the left document; a right-only row comes right after the
    link of the right row before it. ``lpos``/``rpos``: each row's place in its document."""
    # Where each right row sits in left order (through its match).
    anchor_of_right: dict[int, float] = {}
    for link in links:
        if link.left is not None and link.right is not None:
            anchor_of_right[rpos[link.right.rowkey]] = lpos[link.left.rowkey]

    matched_right = sorted(anchor_of_right)

    def key(link: Link) -> tuple[float, int, int]:
        if link.left is not None:
            return (lpos[link.left.rowkey], 0, rpos[link.right.rowkey] if link.right is not None else -1)
        assert link.right is not None
        j = rpos[link.right.rowkey]
        k = bisect.bisect_left(matched_right, j)
        at = anchor_of_right[matched_right[k - 1]] + 0.5 if k else -0.5
        return (at, 1, j)

    return tuple(sorted(links, key=key))
