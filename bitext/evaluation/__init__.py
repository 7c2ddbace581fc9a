"""Evaluation and benchmarking tools, apart from the pipeline steps.

- :mod:`~bitext.evaluation.scoring`: read a gold file, score an alignment and its findings
  against it (``bitext eval``);
- :mod:`~bitext.evaluation.perturb`: realistic broken variants of a pair, with the truth;
- :mod:`~bitext.evaluation.baselines`: simple aligners and retrieval scores to compare with;
- :mod:`~bitext.evaluation.fake`: a deterministic stand-in encoder (no model);
- :mod:`~bitext.evaluation.bench`: speed, memory and accuracy (``bitext bench``);
- :mod:`~bitext.evaluation.lexicon`: what the fi–sv word lexicon adds (Tatoeba retrieval,
  coverage of the seed pair, its time and memory; ``bitext bench --only lexicon``).

Package data: ``data/`` holds the seed pair the benchmark runs on (a copy of the project's
``data/loviisa_2021_{sv,fi}.txt``), so ``bitext bench`` works from an installed wheel;
``gold/`` holds hand-checked gold files (``sv_line,fi_line,relation,labels,note``).
Importing this package loads nothing heavy.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
GOLD = Path(__file__).resolve().parent / "gold"
