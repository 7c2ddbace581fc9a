"""The alignment (and findings) as pandas DataFrames: the tabular contract other tools use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import pandas as pd

if TYPE_CHECKING:
    from ..model import Alignment, Row


def _line(row: "Optional[Row]") -> "Optional[int]":
    return row.source.line if row is not None else None


def alignment_frame(alignment: "Alignment") -> pd.DataFrame:
    """Columns: ``{a}_line, {b}_line, relation, score, {a}_c1..{a}_cN, {b}_c1..{b}_cN``,
    then ``{a}_ref, {b}_ref`` (provenance label: ``32+36`` or ``p3 t1 r4``), ``content``,
    ``anchors``, ``position``, ``shift``, ``note``. Line columns are nullable integers."""
    a, b = alignment.prefixes
    wa, wb = alignment.left.width, alignment.right.width
    records = []
    for link in alignment.links:
        rec: dict = {
            f"{a}_line": _line(link.left),
            f"{b}_line": _line(link.right),
            "relation": alignment.relation_name(link),
            "score": link.score,
        }
        for prefix, row, width in ((a, link.left, wa), (b, link.right, wb)):
            for c in range(width):
                rec[f"{prefix}_c{c + 1}"] = row.cells[c].text if row is not None and c < len(row.cells) else ""
        rec[f"{a}_ref"] = link.left.source.label if link.left is not None else ""
        rec[f"{b}_ref"] = link.right.source.label if link.right is not None else ""
        rec.update(content=link.content, anchors=link.anchors, position=link.position, shift=link.shift, note=link.note)
        records.append(rec)
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        return frame
    for col in (f"{a}_line", f"{b}_line"):
        frame[col] = frame[col].astype("Int64")
    return frame


SEVERITY_ORDER = ("info", "warning", "error")  # ordered categorical: "error" > "warning" > "info"


def severity_dtype() -> "pd.CategoricalDtype":
    """Severity as an ordered categorical, least severe first, so that
    ``frame[frame.severity >= "warning"]`` keeps warnings and errors and
    ``sort_values("severity", ascending=False)`` puts the worst first."""
    return pd.CategoricalDtype(list(SEVERITY_ORDER), ordered=True)


def findings_frame(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Columns: ``kind, severity, {a}_line, {b}_line, column, message, {a}_ref, {b}_ref,
    evidence, id, issue``. ``severity`` is an ordered categorical; ``evidence`` a dict (the
    CSV writes it as JSON text: :func:`csv_frame`). Fixed columns even when there are no
    findings."""
    a, b = result.alignment.prefixes
    cols = ["kind", "severity", f"{a}_line", f"{b}_line", "column", "message", f"{a}_ref", f"{b}_ref", "evidence", "id", "issue"]
    records = [
        {
            "kind": str(f.kind),
            "severity": str(f.severity),
            f"{a}_line": _line(f.left),
            f"{b}_line": _line(f.right),
            "column": f.column,
            "message": f.message,
            f"{a}_ref": f.left.source.label if f.left is not None else "",
            f"{b}_ref": f.right.source.label if f.right is not None else "",
            "evidence": dict(f.evidence),
            "id": f.id,
            "issue": f.issue,
        }
        for f in result.findings
    ]
    frame = pd.DataFrame.from_records(records, columns=cols)
    for col in (f"{a}_line", f"{b}_line", "column"):
        frame[col] = frame[col].astype("Int64")
    frame["severity"] = frame["severity"].astype(severity_dtype())
    return frame


def csv_frame(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The findings as the CSV carries them: evidence as JSON text, severity as text, and an
    empty ``status`` column for a reviewer to fill (``accepted``, ``false positive``), which
    ``bitext check --baseline`` reads back."""
    import json

    frame = findings_frame(result)
    frame["severity"] = frame["severity"].astype(object)
    frame["evidence"] = [json.dumps(e, ensure_ascii=False, sort_keys=True, default=str) for e in frame["evidence"]]
    frame["status"] = ""
    return frame


def issues_frame(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """One row per issue, worst first: ``id, kind, severity, count, column, message``."""
    cols = ["id", "kind", "severity", "count", "column", "message"]
    frame = pd.DataFrame.from_records([{k: v for k, v in i.to_dict().items() if k in cols} for i in result.issues], columns=cols)
    frame["column"] = frame["column"].astype("Int64")
    frame["severity"] = frame["severity"].astype(severity_dtype())
    return frame
