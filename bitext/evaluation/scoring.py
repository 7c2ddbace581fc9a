"""Scoring: score an alignment (and its findings) against a hand-checked gold file.

The gold format is the one of ``../shared/data/gold/``: ``sv_line,fi_line,relation,labels,note``,
one line per logical row pair, ``labels`` like ``c5:content_differs;c2:minor``.

**Links.** A link is ``(sv_line, fi_line, relation)``; a one-sided row is ``(sv_line, None,
"sv_only")`` or ``(None, fi_line, "fi_only")``. The gold covers part of a document only, so
a predicted link counts when one of its lines is in the gold's scope (the Swedish lines and
the Finnish lines the gold names): a link from an in-scope row to a row outside is wrong,
a link between two rows outside is not judged.

**Findings.** Gold categories map to finding kinds (:data:`CATEGORY_KIND`); a finding
matches a label when it is on the same row pair and the same column (``column_shift`` is
per row: one per row, any column). ``untranslated`` counts as ``wrong_language`` and
``inconsistent_translation`` and ``omission`` as ``cell_mismatch``. A gold
row that is one-sided expects a ``missing_row``. ``minor`` labels are scored apart: a
finding there is neither required nor a false alarm; the report counts how many minor
labels were flagged.

>>> gold = [GoldRow(11, 10, "match", (("c5", "content_differs"),))]
>>> pred = [(11, 10, "match")]
>>> score_links(pred, gold)["f1"]
1.0
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

from ..errors import InputError

PathLike = Union[str, "os.PathLike[str]"]
LinkKey = tuple[Optional[int], Optional[int], str]
FindingKey = tuple[str, Optional[int], Optional[int], Optional[int]]

# Gold category -> finding kind ("minor" is scored apart).
CATEGORY_KIND = {
    "content_differs": "cell_mismatch",
    "number_differs": "number_mismatch",
    "column_shift": "column_shift",
    "empty_one_side": "empty_cell",
    "truncated": "truncated",
    "wrong_language": "wrong_language",
}
# Finding kinds that count as another kind when scored.
# The gold's "content_differs" covers a term rendered inconsistently (its c5 labels are the
# responsible body that the checks report as inconsistent_translation), so both content
# kinds are scored as cell_mismatch; so is an omission (a cell that says less is a content
# difference to the gold).
KIND_ALIASES = {"untranslated": "wrong_language", "inconsistent_translation": "cell_mismatch", "omission": "cell_mismatch"}
# Kinds the gold can say something about (the others are reported as "unscored").
SCORED_KINDS = ("missing_row", "cell_mismatch", "number_mismatch", "column_shift", "empty_cell", "truncated", "wrong_language")
ROW_LEVEL = frozenset({"column_shift", "missing_row"})


@dataclass(frozen=True)
class GoldRow:
    """One line of a gold file: a row pair (or a one-sided row) and its labels
    ``((column, category), ...)`` with column as ``"c5"``."""

    sv_line: Optional[int]
    fi_line: Optional[int]
    relation: str
    labels: tuple[tuple[str, str], ...] = ()


# --- reading ---------------------------------------------------------------------------------


def _int_or_none(value: object) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    if text in ("", "nan", "NaN", "None", "<NA>"):
        return None
    return int(float(text))


def parse_labels(text: object) -> tuple[tuple[str, str], ...]:
    """``"c2:content_differs;c5:minor"`` → ``(("c2", "content_differs"), ("c5", "minor"))``.

    >>> parse_labels("c2:content_differs; c5:minor")
    (('c2', 'content_differs'), ('c5', 'minor'))
    >>> parse_labels(float("nan"))
    ()
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ()
    out = []
    for part in str(text).split(";"):
        part = part.strip()
        if not part:
            continue
        col, _, cat = part.partition(":")
        out.append((col.strip(), cat.strip()))
    return tuple(out)


def _relation(sv: Optional[int], fi: Optional[int], given: object = None) -> str:
    if isinstance(given, str) and given.strip():
        return given.strip()
    if sv is not None and fi is not None:
        return "match"
    return "sv_only" if sv is not None else "fi_only"


def read_gold(path: PathLike) -> list[GoldRow]:
    """Read a gold file (CSV: ``sv_line,fi_line,relation,labels,note``)."""
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise InputError(p, "gold file not found")
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several parser errors
        raise InputError(p, f"cannot read the gold file as CSV ({type(exc).__name__})") from None
    missing = {"sv_line", "fi_line", "relation"} - set(frame.columns)
    if missing:
        raise InputError(p, f"not a gold file: missing column(s) {', '.join(sorted(missing))}")
    rows = []
    for rec in frame.to_dict("records"):
        try:
            sv, fi = _int_or_none(rec["sv_line"]), _int_or_none(rec["fi_line"])
        except ValueError:
            raise InputError(p, f"bad line number in gold row {rec['sv_line']!r},{rec['fi_line']!r}") from None
        rows.append(GoldRow(sv, fi, _relation(sv, fi, rec["relation"]), parse_labels(rec.get("labels", ""))))
    return rows


@dataclass(frozen=True)
class Prediction:
    """What is evaluated: the links, and the findings when the input has them (a JSON
    report, or a findings CSV given apart)."""

    links: tuple[LinkKey, ...]
    findings: Optional[tuple[FindingKey, ...]]
    source: str = ""


def _links_from_records(records: Iterable[dict], path: Path) -> tuple[LinkKey, ...]:
    out = []
    for rec in records:
        if "sv_line" not in rec or "fi_line" not in rec:
            raise InputError(path, "alignment records need sv_line and fi_line columns (a Swedish–Finnish alignment)")
        try:
            sv, fi = _int_or_none(rec["sv_line"]), _int_or_none(rec["fi_line"])
        except ValueError:
            raise InputError(path, f"bad line number {rec['sv_line']!r},{rec['fi_line']!r}") from None
        out.append((sv, fi, _relation(sv, fi, rec.get("relation"))))
    return tuple(out)


def _findings_from_records(records: Iterable[dict], path: Path) -> tuple[FindingKey, ...]:
    out = []
    for rec in records:
        if "kind" not in rec:
            raise InputError(path, "finding records need a kind")
        try:
            out.append((str(rec["kind"]), _int_or_none(rec.get("sv_line")), _int_or_none(rec.get("fi_line")), _int_or_none(rec.get("column"))))
        except ValueError:
            raise InputError(path, f"bad line or column number in finding {rec!r:.80}") from None
    return tuple(out)


def read_prediction(path: PathLike, findings: Optional[PathLike] = None) -> Prediction:
    """Read an alignment CSV (``bitext align -o``) or a JSON report (``bitext check
    --json``: ``alignment``, ``findings``, ``summary``, ``settings``); ``findings``: a
    findings CSV (``bitext check --csv``) to score with an alignment CSV."""
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    found: Optional[tuple[FindingKey, ...]] = None
    if p.suffix.lower() == ".json" or p.read_bytes()[:1] in (b"{", b"["):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(p, f"not valid JSON ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("alignment"), list):
            raise InputError(p, "not a bitext JSON report (no 'alignment' list)")
        links = _links_from_records(data["alignment"], p)
        if isinstance(data.get("findings"), list):
            found = _findings_from_records(data["findings"], p)
    else:
        try:
            frame = pd.read_csv(p, dtype=str, keep_default_na=False)
        except Exception as exc:
            raise InputError(p, f"cannot read the alignment CSV ({type(exc).__name__})") from None
        links = _links_from_records(frame.to_dict("records"), p)
    if findings is not None:
        fp = Path(findings)
        if not fp.exists():
            raise InputError(fp, "findings file not found")
        try:
            frame = pd.read_csv(fp, dtype=str, keep_default_na=False)
        except Exception as exc:
            raise InputError(fp, f"cannot read the findings CSV ({type(exc).__name__})") from None
        found = _findings_from_records(frame.to_dict("records"), fp)
    return Prediction(links, found, str(p))


# --- scoring ---------------------------------------------------------------------------------


def prf(tp: int, fp: int, fn: int) -> dict:
    """Counts with precision, recall and F1 (1.0 when there is nothing to find and nothing
    was found; 0.0 when one side is empty).

    >>> prf(3, 1, 0)["precision"], prf(0, 0, 0)["f1"]
    (0.75, 1.0)
    """
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _scope(gold: Sequence[GoldRow]) -> tuple[set[int], set[int]]:
    return {g.sv_line for g in gold if g.sv_line is not None}, {g.fi_line for g in gold if g.fi_line is not None}


def score_links(pred: Iterable[LinkKey], gold: Sequence[GoldRow]) -> dict:
    """Precision/recall/F1 of the predicted links in the gold's scope, with the wrong and
    missed links listed."""
    sv_scope, fi_scope = _scope(gold)
    truth = {(g.sv_line, g.fi_line, g.relation) for g in gold}
    judged = {l for l in pred if (l[0] in sv_scope) or (l[1] in fi_scope)}
    tp = judged & truth
    out = prf(len(tp), len(judged - truth), len(truth - judged))
    out["wrong"] = [list(x) for x in sorted(judged - truth, key=_sort_key)]
    out["missed"] = [list(x) for x in sorted(truth - judged, key=_sort_key)]
    return out


def _sort_key(x: tuple) -> tuple:
    return tuple((v is None, v if v is not None else 0) if not isinstance(v, str) else (False, v) for v in x)


def gold_findings(gold: Sequence[GoldRow]) -> tuple[set[FindingKey], set[tuple[int | None, int | None, int]]]:
    """The findings the gold expects ``(kind, sv_line, fi_line, column)`` and the places of
    its minor labels ``(sv_line, fi_line, column)``."""
    expected: set[FindingKey] = set()
    minor: set[tuple[Optional[int], Optional[int], int]] = set()
    for g in gold:
        if g.relation != "match":
            expected.add(("missing_row", g.sv_line, g.fi_line, None))
        for col, cat in g.labels:
            c = int(col.lstrip("cC")) if col.lstrip("cC").isdigit() else None
            if cat == "minor":
                if c is not None:
                    minor.add((g.sv_line, g.fi_line, c))
                continue
            kind = CATEGORY_KIND.get(cat)
            if kind is None:
                continue  # an unknown category is not scored
            expected.add((kind, g.sv_line, g.fi_line, None if kind in ROW_LEVEL else c))
    return expected, minor


def score_findings(found: Iterable[FindingKey], gold: Sequence[GoldRow]) -> dict:
    """Per-kind precision/recall/F1 of findings against the gold labels, in its scope.

    >>> gold = [GoldRow(1, 2, "match", (("c3", "number_differs"), ("c4", "minor")))]
    >>> s = score_findings([("number_mismatch", 1, 2, 3), ("cell_mismatch", 1, 2, 4)], gold)
    >>> s["kinds"]["number_mismatch"]["f1"], s["minor"]
    (1.0, {'labels': 1, 'flagged': 1})
    """
    sv_scope, fi_scope = _scope(gold)
    expected, minor = gold_findings(gold)
    # The gold's row pairs, to place a finding named by one line only (a missing row).
    pair_of_sv = {g.sv_line: (g.sv_line, g.fi_line) for g in gold if g.sv_line is not None}
    pair_of_fi = {g.fi_line: (g.sv_line, g.fi_line) for g in gold if g.fi_line is not None}

    predicted: set[FindingKey] = set()
    unscored: dict[str, int] = {}
    minor_hit: set[tuple[Optional[int], Optional[int], int]] = set()
    for kind, sv, fi, col in found:
        if not ((sv in sv_scope) or (fi in fi_scope)):
            continue
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in SCORED_KINDS:
            unscored[kind] = unscored.get(kind, 0) + 1
            continue
        if kind == "missing_row":
            sv, fi = pair_of_sv.get(sv, pair_of_fi.get(fi, (sv, fi))) if (sv is None or fi is None) else (sv, fi)
        key = (kind, sv, fi, None if kind in ROW_LEVEL else col)
        if key not in expected and col is not None and (sv, fi, col) in minor:
            minor_hit.add((sv, fi, col))  # neither required nor a false alarm
            continue
        predicted.add(key)
    kinds = {}
    for kind in SCORED_KINDS:
        e = {k for k in expected if k[0] == kind}
        p = {k for k in predicted if k[0] == kind}
        kinds[kind] = prf(len(e & p), len(p - e), len(e - p))
    total = prf(len(expected & predicted), len(predicted - expected), len(expected - predicted))
    # Where, whatever the kind: did a finding land on a labelled cell?
    where_e = {(k[1], k[2], k[3]) for k in expected}
    where_p = {(k[1], k[2], k[3]) for k in predicted}
    anywhere = prf(len(where_e & where_p), len(where_p - where_e), len(where_e - where_p))
    return {
        "kinds": kinds,
        "all": total,
        "any_kind": anywhere,
        "minor": {"labels": len(minor), "flagged": len(minor_hit)},
        "unscored": dict(sorted(unscored.items())),
    }


def evaluate(prediction: Union[PathLike, Prediction], gold: Union[PathLike, Sequence[GoldRow]], findings: Optional[PathLike] = None) -> dict:
    """Scores of an alignment (and its findings, when it has them) against a gold file:
    ``{"links": ..., "findings": ... or None, "scope": ...}``."""
    pred = prediction if isinstance(prediction, Prediction) else read_prediction(prediction, findings)
    rows = list(gold) if not isinstance(gold, (str, os.PathLike)) else read_gold(gold)
    sv_scope, fi_scope = _scope(rows)
    out: dict = {
        "prediction": pred.source,
        "gold": "" if not isinstance(gold, (str, os.PathLike)) else str(gold),
        "scope": {"gold_rows": len(rows), "sv_lines": len(sv_scope), "fi_lines": len(fi_scope)},
        "links": score_links(pred.links, rows),
        "findings": score_findings(pred.findings, rows) if pred.findings is not None else None,
    }
    return out


def format_table(scores: dict) -> str:
    """The scores as a plain-text table (what ``bitext eval`` prints)."""
    lines = [f"{'':18} {'tp':>4} {'fp':>4} {'fn':>4} {'prec':>6} {'rec':>6} {'F1':>6}"]

    def row(name: str, s: dict) -> str:
        return f"{name:18} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"

    lines.append(row("links", scores["links"]))
    f = scores.get("findings")
    if f is None:
        lines.append("findings: none in the input (give a JSON report or --findings CSV)")
    else:
        for kind, s in f["kinds"].items():
            if s["tp"] or s["fp"] or s["fn"]:
                lines.append(row(kind, s))
        lines.append(row("findings (all)", f["all"]))
        lines.append(row("  (any kind)", f["any_kind"]))
        lines.append(f"minor labels flagged: {f['minor']['flagged']} of {f['minor']['labels']}")
        if f["unscored"]:
            lines.append("unscored kinds: " + ", ".join(f"{k} {v}" for k, v in f["unscored"].items()))
    return "\n".join(lines)


# --- a whole corpus: a folder of gold CSVs and the pairs they refer to -------------------------

LOUD = ("warning", "error")


def faithful_rows(gold: Sequence[GoldRow]) -> list[GoldRow]:
    """Gold row pairs without any label: both versions say the same."""
    return [g for g in gold if g.relation == "match" and not g.labels]


def labelled_rows(gold: Sequence[GoldRow]) -> list[GoldRow]:
    """Gold lines with a difference to report: a ``cN:`` label other than ``minor``, or a
    structural ``row:`` label (split, moved, table split)."""
    return [g for g in gold if any(cat != "minor" for _, cat in g.labels)]


def _finding_lines(f: dict) -> tuple[set, set]:
    """The Swedish and Finnish lines a report's finding names: its rows, and the rows a
    ``structure`` finding lists in its evidence (``sv_rows``/``fi_rows``)."""
    sv, fi = {f.get("sv_line")}, {f.get("fi_line")}
    ev = f.get("evidence") or {}
    for key, out in (("sv_rows", sv), ("fi_rows", fi)):
        for label in ev.get(key) or ():
            head = str(label).split("+")[0]
            if head.isdigit():
                out.add(int(head))
    return sv - {None}, fi - {None}


def score_report(report: dict, gold: Sequence[GoldRow]) -> dict:
    """One pair: link P/R/F1 of a JSON report (as ``bitext check --json`` writes it) against
    its gold, warnings and errors on the rows the gold calls faithful (per 100 such rows),
    and how many labelled differences got a finding on their row (any kind; structural
    labels by a ``structure`` finding's rows too)."""
    links = _links_from_records(report["alignment"], Path("report"))
    scores = evaluate(Prediction(links, _findings_from_records(report["findings"], Path("report"))), gold)
    fair = faithful_rows(gold)
    sv_ok = {g.sv_line for g in fair}
    fi_ok = {g.fi_line for g in fair}
    loud = [f for f in report["findings"] if f.get("severity") in LOUD and (f.get("sv_line") in sv_ok or f.get("fi_line") in fi_ok)]
    named = [_finding_lines(f) for f in report["findings"]]
    lab = labelled_rows(gold)
    found = sum(1 for g in lab if any((g.sv_line is not None and g.sv_line in sv) or (g.fi_line is not None and g.fi_line in fi) for sv, fi in named))
    return {
        "links": {k: scores["links"][k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")},
        "findings": scores["findings"],
        "faithful_rows": len(fair),
        "loud_on_faithful": len(loud),
        "per_100_faithful": round(100 * len(loud) / max(len(fair), 1), 2),
        "loud_kinds": dict(sorted(_count(f["kind"] for f in loud).items())),
        "labelled": len(lab),
        "labelled_found": found,
    }


def _count(items: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


def corpus_pairs(gold_dir: PathLike, data_dir: PathLike) -> list[tuple[str, Path, Path, Path]]:
    """``(id, gold CSV, sv file, fi file)`` for every ``<id>.csv`` in ``gold_dir`` whose pair
    is in ``data_dir``: ``<id>/sv.md`` + ``<id>/fi.md`` (the gold's line numbers are the
    Markdown files'), else ``<id>/sv.*`` + ``<id>/fi.*``."""
    gd, dd = Path(gold_dir), Path(data_dir)
    if not gd.is_dir():
        raise InputError(gd, "not a folder of gold CSV files")
    if not dd.is_dir():
        raise InputError(dd, "not a folder of document pairs")
    out = []
    for gold in sorted(gd.glob("*.csv")):
        folder = dd / gold.stem
        sv, fi = folder / "sv.md", folder / "fi.md"
        if not (sv.exists() and fi.exists()):
            svs, fis = sorted(folder.glob("sv.*")), sorted(folder.glob("fi.*"))
            if not (svs and fis):
                raise InputError(folder, f"no sv/fi pair for gold {gold.name}")
            sv, fi = svs[0], fis[0]
        out.append((gold.stem, gold, sv, fi))
    if not out:
        raise InputError(gd, "no gold CSV files in the folder")
    return out


def evaluate_corpus(gold_dir: PathLike, data_dir: PathLike, check=None) -> dict:  # type: ignore[no-untyped-def]
    """Check every pair of a corpus and score it against its gold: per pair and overall
    link P/R/F1, warnings+errors per 100 faithful rows, labelled differences found.

    ``check(sv, fi) -> dict`` makes a pair's JSON report (default: :func:`bitext.check`
    with the default model, ``result.to_json()``); a pair refused with a
    :class:`~bitext.errors.BitextError` scores 0 and keeps the message."""
    from ..errors import BitextError

    if check is None:
        from ..api import check as run_check

        def check(sv: Path, fi: Path) -> dict:
            return json.loads(run_check(sv, fi).to_json())

    pairs = []
    for pid, gold_path, sv, fi in corpus_pairs(gold_dir, data_dir):
        gold = read_gold(gold_path)
        try:
            report = check(sv, fi)
        except BitextError as exc:
            pairs.append({"id": pid, "gold_rows": len(gold), "error": str(exc).splitlines()[0], "links": prf(0, 0, len(gold)),
                          "faithful_rows": len(faithful_rows(gold)), "loud_on_faithful": None, "per_100_faithful": None,
                          "labelled": len(labelled_rows(gold)), "labelled_found": 0})
            continue
        pairs.append({"id": pid, "gold_rows": len(gold), **score_report(report, gold)})
    ok = [p for p in pairs if "error" not in p]
    tp, fp, fn = (sum(p["links"][k] for p in pairs) for k in ("tp", "fp", "fn"))
    fair = sum(p["faithful_rows"] for p in ok)
    loud = sum(p["loud_on_faithful"] for p in ok)
    overall = {
        "pairs": len(pairs),
        "reports": len(ok),
        "links_pooled": prf(tp, fp, fn),
        "link_f1_mean": round(sum(p["links"]["f1"] for p in pairs) / len(pairs), 4),
        "faithful_rows": fair,
        "loud_on_faithful": loud,
        "per_100_faithful": round(100 * loud / max(fair, 1), 2),
        "labelled": sum(p["labelled"] for p in pairs),
        "labelled_found": sum(p["labelled_found"] for p in pairs),
    }
    return {"gold": str(gold_dir), "data": str(data_dir), "pairs": pairs, "overall": overall}


def format_corpus(scores: dict) -> str:
    """The corpus scores as a Markdown table (what ``bitext eval --corpus`` prints).

    >>> print(format_corpus({"pairs": [{"id": "x", "gold_rows": 2, "links": prf(2, 0, 0), "faithful_rows": 2,
    ...     "loud_on_faithful": 0, "per_100_faithful": 0.0, "labelled": 0, "labelled_found": 0}],
    ...     "overall": {"pairs": 1, "reports": 1, "links_pooled": prf(2, 0, 0), "link_f1_mean": 1.0, "faithful_rows": 2,
    ...     "loud_on_faithful": 0, "per_100_faithful": 0.0, "labelled": 0, "labelled_found": 0}}).splitlines()[2])
    | x | 2 | 1.000 | 1.000 | 1.000 | 2 | 0 | 0.0 | 0 of 0 |
    """
    lines = [
        "| pair | gold lines | link P | link R | link F1 | faithful rows | warnings+errors on them | per 100 | labelled differences found |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in scores["pairs"]:
        if "error" in p:
            lines.append(f"| {p['id']} | {p['gold_rows']} | no report: {p['error']} | | 0 | {p['faithful_rows']} | | | 0 of {p['labelled']} |")
            continue
        s = p["links"]
        lines.append(
            f"| {p['id']} | {p['gold_rows']} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {p['faithful_rows']} | "
            f"{p['loud_on_faithful']} | {p['per_100_faithful']:.1f} | {p['labelled_found']} of {p['labelled']} |"
        )
    o = scores["overall"]
    s = o["links_pooled"]
    lines.append(
        f"| **all {o['pairs']} ({o['reports']} reports)** | {sum(p['gold_rows'] for p in scores['pairs'])} | {s['precision']:.3f} | "
        f"{s['recall']:.3f} | {s['f1']:.3f} (mean {o['link_f1_mean']:.3f}) | {o['faithful_rows']} | {o['loud_on_faithful']} | "
        f"{o['per_100_faithful']:.1f} | {o['labelled_found']} of {o['labelled']} |"
    )
    return "\n".join(lines)
