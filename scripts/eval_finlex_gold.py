"""Score bitext on the Finlex gold pairs: link P/R/F1 per pair and findings per 100 faithful rows.

For every ``bitext/evaluation/gold/finlex/<id>.csv`` it takes the JSON report
``<reports>/<id>.json`` (made by ``python -m bitext check sv.md fi.md --json ...`` on the
Markdown files of ``../shared/data/finlex/dev/<id>/``; with ``--run`` it makes the missing ones)
and prints one line per pair plus the mean:

- links: precision/recall/F1 of the alignment against the gold (``bitext.evaluation.scoring``);
- faithful rows: gold ``match`` lines without labels; ``warn/100``: findings of severity
  warning or error that name a faithful row (its Swedish or Finnish line), per 100 faithful rows;
- labelled: gold lines with a ``cN:`` label other than ``minor`` or a ``row:`` label, and how
  many of them have a finding of any kind on their row.

    python scripts/eval_finlex_gold.py --reports /tmp/gold-base [--run]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bitext.evaluation.scoring import evaluate, read_gold  # noqa: E402

GOLD = ROOT / "bitext" / "evaluation" / "gold" / "finlex"


def faithful(rows) -> list:  # type: ignore[no-untyped-def]
    return [g for g in rows if g.relation == "match" and not g.labels]


def labelled(rows) -> list:  # type: ignore[no-untyped-def]
    return [g for g in rows if any(cat != "minor" for _, cat in g.labels)]


def score(gold_path: Path, report: Path) -> dict:
    rows = read_gold(gold_path)
    scores = evaluate(report, rows)
    data = json.loads(report.read_text(encoding="utf-8"))
    fair = faithful(rows)
    sv_ok = {g.sv_line for g in fair}
    fi_ok = {g.fi_line for g in fair}
    loud = [f for f in data["findings"] if f.get("severity") in ("warning", "error")
            and (f.get("sv_line") in sv_ok or f.get("fi_line") in fi_ok)]
    lab = labelled(rows)
    hit = sum(1 for g in lab if any((f.get("sv_line") == g.sv_line and g.sv_line is not None)
                                    or (f.get("fi_line") == g.fi_line and g.fi_line is not None)
                                    for f in data["findings"]))
    return {"id": gold_path.stem, "gold": len(rows), "p": scores["links"]["precision"],
            "r": scores["links"]["recall"], "f1": scores["links"]["f1"], "faithful": len(fair),
            "loud": len(loud), "per100": 100 * len(loud) / max(len(fair), 1), "labelled": len(lab), "found": hit}


def main(argv: "list[str] | None" = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=Path, required=True)
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "data" / "finlex" / "dev")
    ap.add_argument("--run", action="store_true", help="make missing reports with python -m bitext check")
    args = ap.parse_args(argv)
    dev = args.dev if args.dev.exists() else Path("/work/shared/data/finlex/dev")
    if args.run:
        args.reports.mkdir(parents=True, exist_ok=True)
    out = []
    for gold in sorted(GOLD.glob("*.csv")):
        report = args.reports / f"{gold.stem}.json"
        err = args.reports / f"{gold.stem}.err"
        if not report.exists() and args.run:
            d = dev / gold.stem
            p = subprocess.run([sys.executable, "-m", "bitext", "check", str(d / "sv.md"), str(d / "fi.md"), "-q",
                                "--fail-on", "never", "--json", str(report)], cwd=ROOT, check=False,
                               capture_output=True, text=True)
            if p.returncode not in (0, 1):
                err.write_text(f"{p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ''} (exit {p.returncode})\n")
        if not report.exists():
            # no report: the pair scores 0 (a crash or a refusal is a failure on a real pair)
            why = err.read_text(encoding="utf-8").strip() if err.exists() else "not run"
            rows = read_gold(gold)
            out.append({"id": gold.stem, "gold": len(rows), "p": 0.0, "r": 0.0, "f1": 0.0,
                        "faithful": len(faithful(rows)), "loud": None, "per100": None,
                        "labelled": len(labelled(rows)), "found": 0, "why": why})
            continue
        out.append(score(gold, report))
    print("| pair | gold lines | link P | link R | link F1 | faithful rows | warnings+errors on them | per 100 | labelled rows with a finding |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in out:
        if s["loud"] is None:
            print(f"| {s['id']} | {s['gold']} | no report: {s['why']} | | 0 | {s['faithful']} | | | |")
            continue
        print(f"| {s['id']} | {s['gold']} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} | {s['faithful']} | "
              f"{s['loud']} | {s['per100']:.1f} | {s['found']} of {s['labelled']} |")
    if out:
        n = len(out)
        ok = [s for s in out if s["loud"] is not None]
        if len(ok) < n:
            print(f"| mean over the {len(ok)} pairs with a report | | | | "
                  f"{sum(s['f1'] for s in ok) / max(len(ok), 1):.3f} | | | | |")
        loud, fair = sum(s["loud"] for s in ok), sum(s["faithful"] for s in ok)
        print(f"| **mean / total** | {sum(s['gold'] for s in out)} | {sum(s['p'] for s in out) / n:.3f} | "
              f"{sum(s['r'] for s in out) / n:.3f} | {sum(s['f1'] for s in out) / n:.3f} (failures count 0) | {fair} | {loud} | "
              f"{100 * loud / max(fair, 1):.1f} | {sum(s['found'] for s in out)} of {sum(s['labelled'] for s in out)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
