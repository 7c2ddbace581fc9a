"""Shared fixtures: the seed pair, one embedding cache for the session, the shared data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SV = DATA / "loviisa_2021_sv.txt"
FI = DATA / "loviisa_2021_fi.txt"
SHARED = ROOT.parent / "shared" / "data"
GOLD = SHARED / "gold" / "loviisa-2021-main-alignment.csv"

# One cache for the whole session (and for doctests): each seed text is embedded once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("BITEXT_CACHE_DIR", tempfile.mkdtemp(prefix="bitext-test-cache-"))


@pytest.fixture(scope="session")
def seed_alignment():
    import bitext

    return bitext.align(SV, FI)


@pytest.fixture(scope="session")
def gold_pairs():
    if not GOLD.exists():
        pytest.skip("../shared/data/gold is not available")
    import pandas as pd

    return pd.read_csv(GOLD)


@pytest.fixture(scope="session")
def fake_embedder():
    """A deterministic stand-in for the encoder (hashed character n-grams; the seed pair's
    translations share a concept vector): for tests of alignment and checks logic that do
    not need the real model. No cache: nothing is written."""
    import bitext
    from bitext.embed import Embedder
    from bitext.evaluation.fake import FakeEncoder, seed_concepts

    return Embedder(FakeEncoder(seed_concepts(bitext.read(SV), bitext.read(FI))), None)
