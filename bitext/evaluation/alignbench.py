"""Alignment benchmarks on tables built for the purpose (for ``bitext bench``):

``shuffled_table``
    Tatoeba fin–swe sentence pairs as two one-column tables (Swedish in file order, the
    Finnish rows shuffled), aligned by :func:`bitext.align` with the real encoder: link F1.
    Nothing in the table's order helps; only content (cosine and lexicon) decides.
``repeated_rows``
    one table of ``n`` rows drawn from a few dozen distinct rows (a long list that repeats),
    aligned with the fake encoder to isolate the alignment: time, peak traced memory, the
    number of candidate pairs scored and link F1. Large blocks must stay near-linear even
    when many rows look alike.

Tatoeba is third-party and only ever a test set (never used to tune anything by bitext).
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy as np

from .bench import read_tatoeba

SEED = 0
TATOEBA = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data" / "tatoeba-fin-swe" / "test.tsv"


def _rss_mb() -> float:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 1024 if sys.platform != "darwin" else peak / 2**20, 1)


def _markdown_table(header: str, cells: Sequence[str]) -> str:
    def esc(t: str) -> str:
        return t.replace("\\", "\\\\").replace("|", "\\|")

    return f"| {header} |\n|---|\n" + "".join(f"| {esc(c)} |\n" for c in cells)


def _f1(found: set, truth: set) -> dict:
    tp = len(found & truth)
    p = tp / len(found) if found else 0.0
    r = tp / len(truth) if truth else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if tp else 0.0, 4)}


def shuffled_table(path: Path = TATOEBA, rows: int = 200, seed: int = SEED, embedder: Any = None, align_params: Any = None) -> dict:
    """``rows`` distinct Tatoeba pairs as two one-column tables, Finnish rows shuffled, aligned
    by :func:`bitext.align`: link precision/recall/F1 (a link is right when it pairs a Swedish
    sentence with its own Finnish translation) and the time of the alignment."""
    import bitext
    from bitext.alignment import texts_to_embed

    if not Path(path).exists():
        return {"skipped": f"{path} not available"}
    fi, sv = read_tatoeba(Path(path))
    # Distinct sentences on both sides: a duplicate sentence makes "its" row ambiguous.
    seen_fi: set = set()
    seen_sv: set = set()
    usable = []
    for k, (f, s) in enumerate(zip(fi, sv)):
        if f not in seen_fi and s not in seen_sv and "|" not in f + s:
            usable.append(k)
            seen_fi.add(f)
            seen_sv.add(s)
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(usable, size=min(rows, len(usable)), replace=False))
    order = rng.permutation(len(pick))  # Finnish row r holds pair pick[order[r]]
    sv_rows = [sv[k] for k in pick]
    fi_rows = [fi[pick[o]] for o in order]
    truth = {(sv_rows[o], fi_rows[r]) for r, o in enumerate(order)}
    with tempfile.TemporaryDirectory(prefix="bitext-shuffled-") as tmp:
        sv_path, fi_path = Path(tmp) / "sv.md", Path(tmp) / "fi.md"
        sv_path.write_text(_markdown_table("Mening", sv_rows), encoding="utf-8")
        fi_path.write_text(_markdown_table("Lause", fi_rows), encoding="utf-8")
        left, right = bitext.read(sv_path), bitext.read(fi_path)
        if embedder is not None:
            embedder(texts_to_embed(left, right))  # embedding outside the timing
        t0 = time.perf_counter()
        result = bitext.align(left, right, embedder=embedder, align_params=align_params)
        took = time.perf_counter() - t0
    found = {(link.left.cells[0].text, link.right.cells[0].text) for link in result.links if link.left is not None and link.right is not None}
    return {"rows": len(pick), "seed": seed, "links": len(found), **_f1(found, truth), "align_s": round(took, 3)}


def repeated_rows(n_rows: int, distinct: int = 40, seed: int = SEED, trace: bool = False, align_params: Any = None) -> dict:
    """One table of ``n_rows`` rows per version, each row one of ``distinct`` row texts
    (pairs of translations, with a shared number), in the same order on both sides; aligned
    with the fake encoder. Returns the time of the alignment alone, the process's peak RSS
    (``ru_maxrss``: an upper bound; run it in a fresh process for a clean number), with
    ``trace`` the peak traced allocation of the alignment (tracemalloc slows it down
    several times), the candidate pairs it scored and link F1 (a link is right when it
    pairs row k with row k)."""
    import bitext
    from bitext import alignment
    from bitext.embed import Embedder

    from .fake import FakeEncoder

    rng = np.random.default_rng(seed)
    sv_base = [f"Tjänst nummer {k} ordnas av kommunen" for k in range(distinct)]
    fi_base = [f"Palvelu numero {k} järjestetään kunnan toimesta" for k in range(distinct)]
    concepts = {**{t: k for k, t in enumerate(sv_base)}, **{t: k for k, t in enumerate(fi_base)}}
    picks = rng.integers(0, distinct, size=n_rows)
    with tempfile.TemporaryDirectory(prefix="bitext-repeat-") as tmp:
        sv_path, fi_path = Path(tmp) / "sv.md", Path(tmp) / "fi.md"
        sv_path.write_text(_markdown_table("Tjänst", [sv_base[k] for k in picks]) + "\nKommunen ordnar tjänsterna.\n", encoding="utf-8")
        fi_path.write_text(_markdown_table("Palvelu", [fi_base[k] for k in picks]) + "\nKunta järjestää palvelut.\n", encoding="utf-8")
        left, right = bitext.read(sv_path), bitext.read(fi_path)
    emb = Embedder(FakeEncoder(concepts), None)
    table = emb(alignment.texts_to_embed(left, right))

    def embed(texts: Sequence[str]) -> Any:
        return table if all(t in table for t in texts) else emb(texts)

    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    links, model = alignment.align_documents(left, right, embed, align_params)
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    if trace:
        tracemalloc.stop()
    lk = {r.rowkey: k for k, r in enumerate(left.rows)}
    rk = {r.rowkey: k for k, r in enumerate(right.rows)}
    found = {(lk[link.left.rowkey], rk[link.right.rowkey]) for link in links if link.left is not None and link.right is not None}
    truth = {(k, k) for k in range(n_rows)}
    return {
        "rows": n_rows,
        "distinct": distinct,
        "align_s": round(took, 2),
        "align_py_peak_mb": None if peak is None else round(peak, 1),
        "peak_rss_mb": _rss_mb(),
        "candidates": model.stats.get("candidates"),
        **_f1(found, truth),
    }


def run(size: str = "reduced", tatoeba: Optional[Path] = None) -> dict:
    """Both benchmarks (``reduced``: 200 Tatoeba rows and 3,000 repeated rows; ``full``:
    also 30,000 repeated rows)."""
    out: dict = {"shuffled_table": shuffled_table(Path(tatoeba) if tatoeba else TATOEBA)}
    sizes = (3_000,) if size == "reduced" else (3_000, 30_000)
    out["repeated_rows"] = [repeated_rows(n) for n in sizes]
    return out
