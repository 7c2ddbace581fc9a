"""The embedding cache under damage (issue 14 item 8): what is read is validated, bad
entries are recomputed and replaced, a damaged file is repaired, a read-only cache is read,
a full disk is named. A fake encoder keeps these fast."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import numpy as np
import pytest

from bitext.embed import Embedder, EmbeddingCache
from conftest import SV

DIM = 8


class FakeEncoder:
    """A deterministic unit vector per text; counts what it is asked to embed."""

    name = "fake/8"

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        out = np.stack([np.frombuffer(hashlib.sha256(t.encode()).digest()[:DIM], np.uint8).astype(np.float32) + 1
                        for t in texts])
        return out / np.linalg.norm(out, axis=1, keepdims=True)


TEXTS = [f"rad {k}" for k in range(6)]


def warm(directory):
    enc = FakeEncoder()
    Embedder(enc, EmbeddingCache(directory))(TEXTS)
    return enc


def set_vec(directory, text, vec):
    con = sqlite3.connect(directory / "embeddings.sqlite3")
    key = hashlib.sha256(text.encode()).digest()
    con.execute("UPDATE vectors SET vec = ? WHERE key = ?", (vec, key))
    con.commit()
    con.close()


@pytest.mark.parametrize("damage", [
    None,  # NULL
    b"\x00\x01\x02",  # truncated mid-float
    np.ones(DIM // 2, np.float32).tobytes(),  # truncated to fewer floats
    np.zeros(DIM, np.float32).tobytes(),  # all zero (gave "do not look like two versions")
    np.full(DIM, np.nan, np.float32).tobytes(),
    np.ones(DIM, np.float64).tobytes(),  # another dtype: twice the length
    "text, not a blob",
])
def test_bad_entries_are_recomputed_and_replaced(tmp_path, damage):
    good = FakeEncoder().encode(TEXTS)
    warm(tmp_path)
    set_vec(tmp_path, TEXTS[2], damage)
    enc = FakeEncoder()
    cache = EmbeddingCache(tmp_path)
    emb = Embedder(enc, cache)
    got = emb(TEXTS)
    assert enc.seen == [TEXTS[2]] and cache.rejected == 1
    assert np.allclose(np.stack([got[t] for t in TEXTS]), good)
    enc3 = FakeEncoder()
    Embedder(enc3, EmbeddingCache(tmp_path))(TEXTS)
    assert enc3.seen == []  # repaired: the next run is warm


def test_damaged_file_is_moved_aside_and_rebuilt(tmp_path):
    warm(tmp_path)
    db = tmp_path / "embeddings.sqlite3"
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"embeddings.sqlite3{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database " * 200)
    enc = FakeEncoder()
    Embedder(enc, EmbeddingCache(tmp_path))(TEXTS)
    assert sorted(enc.seen) == sorted(TEXTS)
    assert (tmp_path / "embeddings.sqlite3.damaged").exists()
    enc2 = FakeEncoder()
    Embedder(enc2, EmbeddingCache(tmp_path))(TEXTS)
    assert enc2.seen == []  # the new cache is used from the next run on


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_cache_is_read_not_written(tmp_path):
    warm(tmp_path)
    EmbeddingCache(tmp_path).close()
    for p in tmp_path.iterdir():
        p.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        enc = FakeEncoder()
        cache = EmbeddingCache(tmp_path)
        Embedder(enc, cache)(TEXTS + ["ny rad"])
        assert enc.seen == ["ny rad"] and cache.readonly
    finally:
        tmp_path.chmod(0o755)
        for p in tmp_path.iterdir():
            p.chmod(0o644)


def test_read_only_cache_via_access(tmp_path, monkeypatch):
    """As above, for a run as root (file permissions do not bind root): the cache decides
    by os.access and opens read-only."""
    warm(tmp_path)
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    enc = FakeEncoder()
    cache = EmbeddingCache(tmp_path)
    Embedder(enc, cache)(TEXTS + ["ny rad"])
    assert enc.seen == ["ny rad"] and cache.readonly
    monkeypatch.undo()
    assert EmbeddingCache(tmp_path).get(FakeEncoder.name, ["ny rad"]) == [None]  # nothing written


def test_full_disk_names_the_real_error(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put("m", ["a"], np.ones((1, DIM), np.float32))
    db = cache._db()
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full from here on
    with pytest.raises(sqlite3.OperationalError, match="full"):
        cache.put("m", [f"t{k}" for k in range(500)], np.ones((500, DIM), np.float32))
    assert cache.get("m", ["a"])[0] is not None  # still usable, the old entries intact


# --- language scores kept beside the vectors ---------------------------------------------------


def _counting_detector(monkeypatch):
    """Count the texts langdetect is really asked about (the in-process cache cleared)."""
    from bitext import language

    asked: list[str] = []
    real = language._detect_uncached
    language._detect_scores.cache_clear()
    monkeypatch.setattr(language, "_detect_uncached", lambda text, langs: asked.append(text) or real(text, langs))
    return asked


def test_language_scores_are_kept_between_runs(tmp_path, monkeypatch):
    """A document read again (a new process: the in-memory cache is empty) is not detected
    again: its scores come from the cache, and the decision is the same."""
    from bitext import api, language

    asked = _counting_detector(monkeypatch)
    first = api.read(SV, memo=EmbeddingCache(tmp_path))
    assert len(asked) > 20
    asked.clear()
    language._detect_scores.cache_clear()
    again = api.read(SV, memo=EmbeddingCache(tmp_path))
    assert asked == [] and again.language_scores == first.language_scores == api.read(SV).language_scores


@pytest.mark.parametrize("stored", ['{"sv": 7}', '{"xx": 0.5}', '["sv"]', "not json"])
def test_bad_language_scores_are_recomputed(tmp_path, monkeypatch, stored):
    from bitext import language

    cache = EmbeddingCache(tmp_path)
    text = "Kommunen ordnar utbildning för personalen varje år."
    kind = language._memo_kind(language.LANGUAGES)
    cache.remember(kind, {text: {"fi": 1.0}})
    cache._db().execute("UPDATE memo SET value = ?", (stored,))
    asked = _counting_detector(monkeypatch)
    assert max(language.scores_of([text], cache)[0].items(), key=lambda kv: kv[1])[0] == "sv"
    assert asked == [text]
    assert cache.recall(kind, [text])[0]["sv"] > 0.9  # the bad entry replaced


def test_a_cache_made_before_the_memo_table_is_read(tmp_path, monkeypatch):
    """An older cache (vectors only) opened read-only: language is detected, nothing fails."""
    con = sqlite3.connect(tmp_path / "embeddings.sqlite3")
    con.execute("CREATE TABLE vectors (model TEXT, key BLOB, vec BLOB, PRIMARY KEY (model, key))")
    con.close()
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    from bitext import api

    doc = api.read(SV, memo=EmbeddingCache(tmp_path))
    assert doc.language == "sv"
