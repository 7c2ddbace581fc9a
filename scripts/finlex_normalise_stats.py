"""Normalisation and language statistics on the Finlex dev pairs (Markdown) and the seed pair.

For each pair and side: rows after normalisation (vs the README's row counts, which include
header rows and exclude all-empty rows), continuation merges, header/title/spacer rows
dropped, the detected language and its score; for the pair: the languages after
:func:`bitext.language.order_pair` or the refusal.

    python scripts/finlex_normalise_stats.py [--json out.json] [--before before.json]

With ``--before``, each number is printed as ``before → after``.
Data: ../shared/data/finlex/dev (Semantic Finlex, Ministry of Justice, Finland, CC BY 4.0).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bitext.errors import BitextError  # noqa: E402
from bitext.language import detect_document, order_pair  # noqa: E402
from bitext.normalize import normalize  # noqa: E402
from bitext.readers import read_raw  # noqa: E402

FINLEX = ROOT.parent.parent / "shared" / "data" / "finlex"
if not FINLEX.exists():
    FINLEX = Path("/work/shared/data/finlex")


def readme_rows() -> dict[str, tuple[int, int]]:
    """Row counts per dev pair from the data README: {id: (fi rows, sv rows)}."""
    out = {}
    for line in (FINLEX / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (asd\d+) \|[^|]*\| (\d+) / (\d+) \| (\d+) / (\d+) \|", line)
        if m:
            out[m.group(1)] = (int(m.group(3)), int(m.group(5)))
    return out


def side(path: Path) -> dict:
    doc = normalize(read_raw(path))
    kinds = Counter(s.kind for s in doc.steps)
    doc = detect_document(doc)
    return {
        "doc": doc,
        "rows": len(doc.rows),
        "tables": len(doc.tables),
        "merges": kinds.get("continuation_merged", 0),
        "headers": kinds.get("header_dropped", 0),
        "titles": kinds.get("title_row", 0),
        "spacers": kinds.get("spacer_dropped", 0),
        "lang": doc.language,
        "score": round(doc.language_scores[0][1], 3) if doc.language_scores else 0.0,
    }


def pair_langs(a, b) -> str:
    try:
        left, right = order_pair(a, b)
    except BitextError:
        return f"refused (both {a.language})"
    shares = [re.search(r"Swedish (\d\.\d\d) of sv\+fi", s.detail) for d in (left, right) for s in d.steps if s.kind == "language_pair"]
    note = " (sv share " + "/".join(m.group(1) for m in shares if m) + ")" if shares else ""
    return f"{left.language}/{right.language}{note}"


def measure() -> dict:
    rows = readme_rows()
    out: dict[str, dict] = {}
    pairs = [(d.name, d / "fi.md", d / "sv.md") for d in sorted((FINLEX / "dev").iterdir()) if (d / "fi.md").exists()]
    pairs.append(("seed loviisa_2021", ROOT / "data" / "loviisa_2021_fi.txt", ROOT / "data" / "loviisa_2021_sv.txt"))
    for name, fi_path, sv_path in pairs:
        fi, sv = side(fi_path), side(sv_path)
        rec = {"pair": pair_langs(fi.pop("doc"), sv.pop("doc"))}
        for k, s in (("fi", fi), ("sv", sv)):
            for key, value in s.items():
                rec[f"{k}_{key}"] = value
        if name in rows:
            rec["fi_readme"], rec["sv_readme"] = rows[name]
        out[name] = rec
    return out


COLUMNS = [
    ("rows fi (README)", lambda r: r["fi_rows"], "fi_readme"),
    ("rows sv (README)", lambda r: r["sv_rows"], "sv_readme"),
    ("merges fi", lambda r: r["fi_merges"], None),
    ("merges sv", lambda r: r["sv_merges"], None),
    ("hdr/title/spacer fi", lambda r: f'{r["fi_headers"]}/{r["fi_titles"]}/{r["fi_spacers"]}', None),
    ("hdr/title/spacer sv", lambda r: f'{r["sv_headers"]}/{r["sv_titles"]}/{r["sv_spacers"]}', None),
    ("lang fi", lambda r: f'{r["fi_lang"]} {r["fi_score"]:.2f}', None),
    ("lang sv", lambda r: f'{r["sv_lang"]} {r["sv_score"]:.2f}', None),
    ("pair", lambda r: r["pair"], None),
]


def table(after: dict, before: "dict | None") -> str:
    lines = ["| pair | " + " | ".join(c for c, _, _ in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, rec in after.items():
        cells = []
        for _, get, extra in COLUMNS:
            now = str(get(rec))
            if before and name in before:
                was = str(get(before[name]))
                now = now if was == now else f"{was} → {now}"
            if extra and extra in rec:
                now += f" ({rec[extra]})"
            cells.append(now)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="write the measurements to this JSON file")
    ap.add_argument("--before", help="a JSON file from an earlier run, to print before → after")
    args = ap.parse_args()
    after = measure()
    before = json.loads(Path(args.before).read_text(encoding="utf-8")) if args.before else None
    if args.json:
        Path(args.json).write_text(json.dumps(after, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(after, before))


if __name__ == "__main__":
    main()
