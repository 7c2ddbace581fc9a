#!/usr/bin/env python3
"""Lexicon benchmarks: Tatoeba fin–swe P@1 (cosine, margin, with the lexicon), the shuffled
200-row table, and the lexicon's coverage of the seed pair. Prints JSON.

    python scripts/bench_lexicon.py [--vectors tatoeba.npz]

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

from bitext.evaluation import lexicon as bench  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vectors", type=Path, default=None)
    ap.add_argument("--tatoeba", type=Path, default=bench.TATOEBA)
    a = ap.parse_args(argv)
    fi_vec = sv_vec = None
    if a.vectors:
        z = np.load(a.vectors)
        fi_vec, sv_vec = z["fi"], z["sv"]
    t0 = time.perf_counter()
    res = bench.run(fi_vec, sv_vec, a.tatoeba, sorted((ROOT / "data").glob("loviisa_2021_*.txt")))
    res["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
