"""A check run again on unchanged inputs answers from the stored result (issue 12: warm
``bitext check``): the same reports byte for byte, and a new check whenever an input, an
option or the code changes; a tampered cache entry runs no code."""

from __future__ import annotations

import pickle
import shutil
import sqlite3
import zlib

import pytest

from bitext import cli, result_cache
from bitext.embed import EmbeddingCache
from conftest import FI, SV


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh cache holding the session's vectors (so no test here embeds from scratch)."""
    import os

    shared = os.environ["BITEXT_CACHE_DIR"]
    out = tmp_path / "cache"
    out.mkdir()
    src = EmbeddingCache(shared)
    src._db()  # make sure the shared cache exists
    src.close()
    con = sqlite3.connect(out / "embeddings.sqlite3")
    con.execute("ATTACH DATABASE ? AS shared", (str(src.path),))
    con.execute("CREATE TABLE vectors AS SELECT * FROM shared.vectors")
    con.commit()
    con.close()
    return out


class Counter:
    """Counts real checks (the pipeline behind the result cache)."""

    def __init__(self, monkeypatch):
        import bitext.api

        self.calls = 0
        real = bitext.api.check

        def counting(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(bitext.api, "check", counting)


def run(tmp_path, cache_dir, *extra, first=SV, second=FI, tag="r"):
    outputs = {k: tmp_path / f"{tag}.{k}" for k in ("json", "html", "csv", "sarif")}
    args = ["check", str(first), str(second), "--cache-dir", str(cache_dir), "-q", *extra]
    for k, path in outputs.items():
        args += [f"--{k}", str(path)]
    code = cli.main(args)
    return code, {k: p.read_bytes() for k, p in outputs.items()}


def test_unchanged_inputs_answer_from_the_stored_result(tmp_path, cache_dir, monkeypatch, capsys):
    checks = Counter(monkeypatch)
    code1, first = run(tmp_path, cache_dir, tag="a")
    assert checks.calls == 1
    code2, second = run(tmp_path, cache_dir, tag="b")
    assert checks.calls == 1  # answered from the stored result
    assert code1 == code2 == 1 and first == second  # every report byte for byte
    cli.main(["check", str(SV), str(FI), "--cache-dir", str(cache_dir)])
    assert "the result stored by an earlier run" in capsys.readouterr().err


def test_a_changed_input_option_or_code_is_checked_again(tmp_path, cache_dir, monkeypatch):
    checks = Counter(monkeypatch)
    sv = tmp_path / "sv.txt"
    shutil.copy(SV, sv)
    _, before = run(tmp_path, cache_dir, first=sv)
    text = sv.read_text(encoding="utf-8")
    sv.write_text(text.replace("en gång per vecka", "två gånger per vecka", 1), encoding="utf-8")
    _, edited = run(tmp_path, cache_dir, first=sv)
    assert checks.calls == 2 and edited["json"] != before["json"]
    run(tmp_path, cache_dir, "--threshold", "0.5", first=sv)
    assert checks.calls == 3
    monkeypatch.setattr(result_cache, "_package_fingerprint", lambda: "another bitext")
    run(tmp_path, cache_dir, first=sv)
    assert checks.calls == 4


def test_no_cache_neither_reads_nor_stores(tmp_path, cache_dir, monkeypatch):
    checks = Counter(monkeypatch)
    run(tmp_path, cache_dir, "--no-cache")
    run(tmp_path, cache_dir, "--no-cache")
    assert checks.calls == 2
    con = sqlite3.connect(cache_dir / "embeddings.sqlite3")
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'results'").fetchone()[0] == 0


class Payload:
    """What an attacker would store: unpickling it would run a function."""

    def __reduce__(self):
        return (shutil.rmtree, ("/nonexistent-bitext-test",))


def test_a_tampered_entry_runs_no_code_and_is_replaced(tmp_path, cache_dir, monkeypatch):
    checks = Counter(monkeypatch)
    _, clean = run(tmp_path, cache_dir, tag="a")
    key = result_cache.result_key(SV, FI, {"model": None, "same_language": False, "threshold": None})
    payload = zlib.compress(pickle.dumps(Payload()))  # refers to shutil.rmtree, patched below
    called = []
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: called.append(a))
    cache = EmbeddingCache(cache_dir)
    cache._db().execute("UPDATE results SET value = ?", (payload,))
    assert pickle.loads(zlib.decompress(payload)) is None and len(called) == 1  # it would run
    called.clear()
    assert result_cache.recall(cache, key) is None and called == []
    _, again = run(tmp_path, cache_dir, tag="b")
    assert checks.calls == 2 and again == clean and called == []
    assert result_cache.recall(EmbeddingCache(cache_dir), key) is not None  # stored again


def test_the_newest_results_are_kept(tmp_path):
    cache = EmbeddingCache(tmp_path)
    for k in range(5):
        cache.put_result(f"k{k}", b"x", keep=3)
    assert [cache.get_result(f"k{k}") for k in range(5)] == [None, None, b"x", b"x", b"x"]
