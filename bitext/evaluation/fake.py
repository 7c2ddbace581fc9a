"""A fast deterministic stand-in for a sentence encoder: for the benchmark's scale runs
(the real encoder embeds ~100 texts/s on two cores) and for unit tests of scoring and
alignment that must not load a model.
"""

from __future__ import annotations

import re
import zlib
from typing import Any, Optional, Sequence

import numpy as np


class FakeEncoder:
    """Hashed character 3-gram vectors, L2-normalised; texts registered as one "concept"
    (a translation pair) also share a concept vector, so that translations are close as with
    a real multilingual encoder. Deterministic, no model, ~10^5 texts/s.

    Lookup of a concept: the exact text, else the text with its digits replaced by ``#``.

    >>> enc = FakeEncoder({"Talous on tasapainossa.": 1, "Ekonomin är i balans.": 1})
    >>> v = enc.encode(["Talous on tasapainossa.", "Ekonomin är i balans.", "Kissa"])
    >>> round(float(v[0] @ v[1]), 2) > 0.5 > round(float(v[0] @ v[2]), 2)
    True
    """

    def __init__(self, concepts: Optional[dict[str, int]] = None, dim: int = 256):
        self.concepts = concepts or {}
        self.dim = dim
        self.name = f"fake-ngram3-d{dim}-concepts{len(self.concepts)}"

    def _vec(self, key: str, seed: int) -> np.ndarray:
        rng = np.random.default_rng(zlib.crc32(key.encode("utf-8")) + seed)
        return rng.standard_normal(self.dim).astype(np.float32)

    def _ngrams(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        t = f"  {text.lower()} "
        for k in range(len(t) - 2):
            h = zlib.crc32(t[k : k + 3].encode("utf-8"))
            v[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            v = self._ngrams(text)
            cid = self.concepts.get(text, self.concepts.get(re.sub(r"\d", "#", text)))
            if cid is not None:
                c = self._vec(f"concept:{cid}", 1)
                v = 0.85 * c / np.linalg.norm(c) + 0.5 * v
            n = np.linalg.norm(v)
            out[i] = v / n if n else v
        return out


def seed_concepts(sv: Any, fi: Any) -> dict[str, int]:
    """Concept ids for the cell texts, headings and titles of a pair that corresponds by
    place (the seed pair), keyed by text and by text with digits as ``#``."""
    from .perturb import _pairs

    concepts: dict[str, int] = {}

    def add(a: str, b: str) -> None:
        if not a or not b:
            return
        cid = concepts.get(a, len(concepts) + 1)
        for t in (a, b):
            concepts.setdefault(t, cid)
            concepts.setdefault(re.sub(r"\d", "#", t), cid)

    for ra, rb in _pairs(sv, fi):
        for ca, cb in zip(ra.cells, rb.cells):
            add(ca.text, cb.text)
    for ta, tb in zip(sv.tables, fi.tables):
        add(ta.heading, tb.heading)
    for pa, pb in zip(sv.parts, fi.parts):
        add(pa.title, pb.title)
    return concepts
