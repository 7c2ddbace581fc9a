"""Check a corpus: pair the files, check each pair on all cores (or a Dask cluster), write a
report per pair and a summary.

>>> import tempfile, shutil
>>> inputs = tempfile.mkdtemp()
>>> _ = shutil.copy("data/loviisa_2021_sv.txt", f"{inputs}/loviisa_sv.txt")
>>> _ = shutil.copy("data/loviisa_2021_fi.txt", f"{inputs}/loviisa_fi.txt")
>>> summary = batch([inputs], tempfile.mkdtemp(), workers=1, fail_on="never")
>>> [(p["name"], p["status"], p["rows"], p["passed"]) for p in summary["pairs"]]
[('loviisa', 'ok', 134, True)]
"""

from __future__ import annotations

import os
from typing import Callable, Optional, Sequence

from .pairing import Pair, Pairing, Unpaired, find_pairs
from .runner import Settings, passes, run_batch
from .summary import write_summary

__all__ = ["batch", "find_pairs", "Pair", "Pairing", "Unpaired", "Settings"]


def batch(
    inputs: Sequence["str | os.PathLike[str]"],
    outdir: "str | os.PathLike[str]",
    *,
    pairs_csv: "str | os.PathLike[str] | None" = None,
    workers: Optional[int] = None,
    scheduler: Optional[str] = None,
    fail_on: str = "warning",
    settings: Settings = Settings(),
    progress: Optional[Callable[[int, dict, bool], None]] = None,
    on_pairs: Optional[Callable[[Pairing], None]] = None,
) -> dict:
    """Pair ``inputs``, check every pair into ``outdir``, write the summary and return it.

    Each pair record has ``passed`` (the gate at ``fail_on``); ``workers`` defaults to all
    cores; ``scheduler`` (``tcp://host:port``) runs on a Dask cluster instead.
    """
    from ..api import bitext_version

    found = find_pairs(inputs, pairs_csv, exclude=[outdir])
    if on_pairs:
        on_pairs(found)
    run = run_batch(found.pairs, outdir, settings, workers=workers, scheduler=scheduler, progress=progress)
    records = [{**r, "passed": passes(r, fail_on)} for r in run.records]
    info = {
        "bitext": bitext_version(),
        "model": settings.model or "default",
        "threshold": settings.threshold,
        "same_language": settings.same_language,
        "fail_on": fail_on,
        "cache": settings.cache,
    }
    return write_summary(outdir, records, found.unpaired, info, run.timings)
