"""Run ``bitext check`` on every Finlex pair and count reports, refusals, crashes, timeouts.

The pairs: ``<finlex>/dev/<id>/{sv,fi}.xml`` (41) and ``<finlex>/batch/<id>.{sv,fi}.xml`` (454),
by default from ``../shared/data/finlex``. Each pair runs in a worker process that loads the
model once (``bitext.api.check`` with the same defaults as the CLI, the JSON report rendered
as the CLI would write it); a pair that runs past ``--timeout`` seconds kills the worker and
counts as a timeout. ``--cli`` runs ``python -m bitext check`` per pair instead (slower:
the model is loaded for every pair; exit 3 = crash).

Outcomes: ``report`` (a report came out), ``refused`` (a :class:`bitext.errors.BitextError`:
the one-line message the CLI prints, grouped with ids and paths blanked out), ``crash`` (any
other exception: type, message and the innermost traceback line), ``timeout``.

    python scripts/run_finlex.py --out /tmp/finlex-run [--only dev] [--limit 10] [--timeout 300]

Writes ``results.jsonl`` (one line per pair, as it goes: an interrupted run keeps what it
did) and ``summary.txt`` into ``--out`` and prints the summary.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import subprocess
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def pairs(root: Path, only: str) -> list[tuple[str, Path, Path]]:
    out = []
    if only in ("all", "dev"):
        for d in sorted((root / "dev").iterdir()):
            if (d / "sv.xml").exists() and (d / "fi.xml").exists():
                out.append((d.name, d / "sv.xml", d / "fi.xml"))
    if only in ("all", "batch"):
        for sv in sorted((root / "batch").glob("*.sv.xml")):
            fi = sv.with_name(sv.name.replace(".sv.xml", ".fi.xml"))
            if fi.exists():
                out.append((sv.name.split(".")[0], sv, fi))
    return out


def _worker(conn, cache_dir: str) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(HERE))
    from bitext.api import check, make_embedder
    from bitext.errors import BitextError

    emb = make_embedder(cache=True, cache_dir=cache_dir)
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        pid, sv, fi = job
        start = time.perf_counter()
        try:
            result = check(sv, fi, embedder=emb)
            report = result.to_json()
            s = result.summary()
            out = {"outcome": "report", "findings": s["findings"], "by_severity": s["by_severity"], "by_kind": s.get("by_kind", {}),
                   "rows": s["rows"], "links": s["links"], "json_bytes": len(report)}
        except BitextError as exc:
            out = {"outcome": "refused", "exit": exc.exit_code, "message": str(exc).splitlines()[0]}
        except Exception as exc:  # a crash: what the CLI turns into "internal error" + exit 3
            tb = traceback.extract_tb(exc.__traceback__)
            inner = tb[-1] if tb else None
            where = f"{Path(inner.filename).name}:{inner.lineno} in {inner.name}: {inner.line}" if inner else ""
            out = {"outcome": "crash", "exit": 3, "message": f"{type(exc).__name__}: {exc}".splitlines()[0][:300],
                   "where": where, "traceback": "".join(traceback.format_exception(exc))[-3000:]}
        out["seconds"] = round(time.perf_counter() - start, 2)
        conn.send(out)


class Worker:
    def __init__(self, cache_dir: str) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, cache_dir), daemon=True)
        self.proc.start()
        if not self.conn.poll(600) or self.conn.recv() != "ready":
            raise RuntimeError("the worker did not start")

    def run(self, job: tuple[str, str, str], timeout: float) -> "dict | None":
        self.conn.send(job)
        if self.conn.poll(timeout):
            try:
                return self.conn.recv()
            except EOFError:
                return {"outcome": "crash", "exit": -1, "message": "worker died", "where": ""}
        return None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()


def run_cli(sv: Path, fi: Path, out: Path, timeout: float) -> dict:
    start = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-m", "bitext", "check", str(sv), str(fi), "-q", "--fail-on", "never",
                            "--json", str(out)], cwd=HERE, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "seconds": timeout}
    err = p.stderr.strip().splitlines()
    msg = err[-1] if err else ""
    outcome = {0: "report", 1: "report", 3: "crash"}.get(p.returncode, "refused")
    if p.returncode not in (0, 1, 2, 3):
        outcome = "crash"
    return {"outcome": outcome, "exit": p.returncode, "message": msg, "seconds": round(time.perf_counter() - start, 2)}


def _group(message: str) -> str:
    """A refusal's reason without its paths and numbers, so equal reasons group."""
    m = re.sub(r"\S+\.xml", "FILE", message)
    return re.sub(r"\d+", "N", m)


def summarize(results: list[dict], wall: float) -> str:
    n = len(results)
    c = Counter(r["outcome"] for r in results)
    lines = [f"pairs: {n}   report: {c['report']}   refused: {c['refused']}   crash: {c['crash']}   "
             f"timeout: {c['timeout']}   time: {wall:.0f} s"]
    secs = sorted(r.get("seconds", 0) for r in results)
    if secs:
        lines.append(f"seconds per pair: median {secs[len(secs) // 2]:.1f}, max {secs[-1]:.1f}, "
                     f"sum {sum(secs):.0f}")
    rows = [r for r in results if r["outcome"] == "report" and "rows" in r]
    if rows:
        total_rows = sum(sum(r["rows"].values()) for r in rows)
        total_findings = sum(r["findings"] for r in rows)
        lines.append(f"reports: {total_findings} findings on {total_rows} rows "
                     f"({100 * total_findings / max(total_rows, 1):.1f} per 100 rows, both sides counted)")
        # How often it speaks up on official translations: warnings and errors only.
        loud = sum(r["by_severity"].get("warning", 0) + r["by_severity"].get("error", 0) for r in rows)
        lines.append(f"warnings+errors: {loud} ({100 * loud / max(total_rows, 1):.1f} per 100 rows); "
                     f"pairs with none: {sum(1 for r in rows if not r['by_severity'].get('warning') and not r['by_severity'].get('error'))}")
        kinds: Counter = Counter()
        for r in rows:
            kinds.update(r.get("by_kind", {}))
        if kinds:
            lines.append("by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    for kind in ("refused", "crash"):
        groups: dict[str, list[str]] = defaultdict(list)
        for r in results:
            if r["outcome"] == kind:
                key = _group(r.get("message", "")) + (f"  [{r['where']}]" if r.get("where") else "")
                groups[key].append(r["id"])
        if groups:
            lines.append(f"{kind}:")
            for key, ids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                lines.append(f"  {len(ids):4d}  {key}   e.g. {', '.join(ids[:3])}")
    timeouts = [r["id"] for r in results if r["outcome"] == "timeout"]
    if timeouts:
        lines.append("timeout: " + ", ".join(timeouts))
    return "\n".join(lines)


def main(argv: "list[str] | None" = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--finlex", type=Path, default=HERE.parent / "shared" / "data" / "finlex")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--only", choices=["all", "dev", "batch"], default="all")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pairs")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per pair")
    ap.add_argument("--order", choices=["name", "size"], default="name",
                    help="size: smallest pairs first (most pairs done when time is short)")
    ap.add_argument("--summarize", action="store_true", help="only print the summary of --out/results.jsonl")
    ap.add_argument("--resume", action="store_true", help="keep --out/results.jsonl and skip the pairs in it")
    ap.add_argument("--cli", action="store_true", help="one `python -m bitext check` process per pair")
    args = ap.parse_args(argv)
    if args.summarize:
        lines = (args.out / "results.jsonl").read_text(encoding="utf-8").splitlines()
        done = [json.loads(line) for line in lines if line.strip()]
        print(summarize(done, sum(r.get("seconds", 0) for r in done)) + "\n(time: the sum of the pair times)")
        return 0
    root = args.finlex if args.finlex.exists() else Path("/work/shared/data/finlex")
    todo = pairs(root, args.only)
    if args.order == "size":
        todo.sort(key=lambda p: p[1].stat().st_size + p[2].stat().st_size)
    if args.limit:
        todo = todo[: args.limit]
    args.out.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    done_file = args.out / "results.jsonl"
    if args.resume and done_file.exists():
        results = [json.loads(line) for line in done_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        done = {r["id"] for r in results}
        todo = [p for p in todo if p[0] not in done]
    log = done_file.open("a" if args.resume else "w", encoding="utf-8")
    start = time.perf_counter()
    worker = None if args.cli else Worker(str(args.out / "cache"))
    for k, (pid, sv, fi) in enumerate(todo, 1):
        if args.cli:
            res = run_cli(sv, fi, args.out / "report.json", args.timeout)
        else:
            assert worker is not None
            got = worker.run((pid, str(sv), str(fi)), args.timeout)
            if got is None or got.get("exit") == -1:
                worker.kill()
                res = got or {"outcome": "timeout", "seconds": args.timeout}
                worker = Worker(str(args.out / "cache"))
            else:
                res = got
        res = {"id": pid, "sv": str(sv), "fi": str(fi), **res}
        results.append(res)
        log.write(json.dumps(res, ensure_ascii=False) + "\n")
        log.flush()
        print(f"[{k}/{len(todo)}] {pid} {res['outcome']} {res.get('seconds', 0):.1f}s {res.get('message', '')[:120]}",
              file=sys.stderr, flush=True)
    if worker is not None:
        worker.conn.send(None)
        worker.proc.join(10)
    summary = summarize(results, time.perf_counter() - start)
    (args.out / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
