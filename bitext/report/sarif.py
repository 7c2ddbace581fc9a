"""SARIF 2.1.0: the findings for code-review tools (GitHub code scanning, VS Code's SARIF
viewer, GitLab), which annotate the document sources where each finding is.

One rule per finding kind, one result per finding. A result's primary location is the row in
the version the finding points at (the Swedish row when it has one, else the Finnish one);
the other version's row is a related location. Line-based formats (Markdown, TSV, CSV) give
``region.startLine``; formats without lines (DOCX, PDF, XLSX, HTML, XML) give the row's
reference (``t2 r5``, ``p3 t1 r4``) as a logical location, so every result is located.

Built from the findings records of the JSON report (the contract), not from internals.

>>> import json, bitext
>>> result = bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt")
>>> log = json.loads(to_sarif(result))
>>> log["version"], len(log["runs"][0]["results"]) == len(result.findings)
('2.1.0', True)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from ..model import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/bitext/bitext"

# SARIF has error / warning / note; bitext's info is a note.
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

# One short description per kind (the README's table, shortened).
RULES: dict[str, str] = {
    "missing_row": "A row present in one version only.",
    "duplicate_row": "The same row twice in one table of one version.",
    "column_shift": "A row whose content sits one or more columns off on one side.",
    "number_mismatch": "Numbers, dates, times or amounts that differ between the versions.",
    "empty_cell": "A cell empty in one version only.",
    "untranslated": "A cell identical in both versions (copied, not translated).",
    "wrong_language": "A cell, or words in it, in the other version's language.",
    "truncated": "A cell cut off in one version.",
    "cell_mismatch": "A cell that says something else in the other version.",
    "omission": "Words of one version with no counterpart in the other.",
    "inconsistent_translation": "The same term or text rendered differently across the document.",
    "missing_section": "A table present in one version only.",
    "section_order": "A table in another place in the other version.",
    "structure": "A table, row or cell split differently in the two versions.",
}


def _uri(path: str) -> str:
    """A relative path stays a relative URI reference (resolved against the review's
    checkout); an absolute one becomes a ``file://`` URI."""
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()


def _location(uri: str, index: int, line: Optional[int], ref: str, language: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": index}}
    loc: dict[str, Any] = {"physicalLocation": physical}
    if line is not None:
        physical["region"] = {"startLine": int(line)}
    if ref:
        loc["logicalLocations"] = [{"fullyQualifiedName": ref, "kind": "element"}]
    loc["message"] = {"text": f"{language} version"}
    return loc


def sarif_dict(result: "CheckResult") -> dict[str, Any]:
    """The SARIF log as a plain dict (see :func:`to_sarif`)."""
    from ..api import bitext_version
    from .json_report import report_dict

    report = report_dict(result)
    a, b = result.alignment.prefixes
    docs = ((a, result.alignment.left), (b, result.alignment.right))
    artifacts = [{"location": {"uri": _uri(doc.path)}, "sourceLanguage": doc.language or prefix} for prefix, doc in docs]
    kinds = sorted({f["kind"] for f in report["findings"]} | set(RULES))
    rule_index = {k: i for i, k in enumerate(kinds)}
    rules = [
        {
            "id": kind,
            "name": "".join(part.capitalize() for part in kind.split("_")),
            "shortDescription": {"text": RULES.get(kind, kind.replace("_", " "))},
        }
        for kind in kinds
    ]
    results = []
    for f in report["findings"]:
        sides = []
        for i, (prefix, doc) in enumerate(docs):
            line, ref = f.get(f"{prefix}_line"), f.get(f"{prefix}_ref") or ""
            if line is not None or ref:
                sides.append(_location(artifacts[i]["location"]["uri"], i, line, ref if line is None else "", prefix))
        res: dict[str, Any] = {
            "ruleId": f["kind"],
            "ruleIndex": rule_index[f["kind"]],
            "level": LEVELS.get(f["severity"], "note"),
            "message": {"text": f["message"]},
            "locations": sides[:1],
        }
        if len(sides) > 1:
            res["relatedLocations"] = [dict(loc, id=n) for n, loc in enumerate(sides[1:])]
        if f.get("id"):
            # Lets review tools recognise the same finding across runs (it ignores line moves).
            res["partialFingerprints"] = {"bitextFinding/v1": f["id"]}
        props = {k: f[k] for k in ("column", "issue", "severity") if f.get(k) is not None}
        if props:
            res["properties"] = props
        results.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "bitext", "version": bitext_version(), "informationUri": INFORMATION_URI, "rules": rules}},
                "artifacts": artifacts,
                "results": results,
            }
        ],
    }


def to_sarif(result: "CheckResult", indent: Optional[int] = 1) -> str:
    """The findings as a SARIF 2.1.0 log (JSON text); the same result gives the same text."""
    return json.dumps(sarif_dict(result), indent=indent, ensure_ascii=False, sort_keys=False)
