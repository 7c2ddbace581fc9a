"""The JSON report: settings, summary, alignment and findings in one object.

The alignment and findings are the records of :func:`~bitext.report.frames.alignment_frame`
and :func:`~bitext.report.frames.findings_frame`, so the JSON, CSV and DataFrame views agree
column for column; missing values (NaN, ``<NA>``) become ``null`` and a finding's evidence
is a JSON object rather than the text the CSV carries.

>>> import json, bitext
>>> report = json.loads(bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt").to_json())
>>> sorted(report), len(report["alignment"]), report["alignment"][0]["sv_line"]
(['alignment', 'findings', 'issues', 'settings', 'summary'], 67, 11)
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    import pandas as pd

    from ..model import CheckResult


def plain(value: Any) -> Any:
    """``value`` as a plain JSON-able Python value: numpy scalars unwrapped, NaN/NA → None.

    >>> import numpy as np, pandas as pd
    >>> plain(np.int64(3)), plain(np.float64("nan")), plain(pd.NA), plain("x")
    (3, None, None, 'x')
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and not hasattr(value, "__len__"):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # not a scalar pandas knows
        pass
    return str(value)  # e.g. a Path in the settings: readable and still deterministic


def _sorted(value: Any) -> Any:
    """Dicts with sorted keys, recursively (lists keep their order: it means something)."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def records(frame: "pd.DataFrame") -> list[dict]:
    """The frame's rows as plain dicts, in column order, missing values as None."""
    columns = [str(c) for c in frame.columns]
    return [{c: plain(v) for c, v in zip(columns, row)} for row in frame.itertuples(index=False, name=None)]


def report_dict(result: "CheckResult") -> dict:
    """The report as a plain dict: ``settings``, ``summary``, ``alignment``, ``findings``
    (one record per occurrence, each with its ``id`` and its ``issue``), ``issues`` (worst
    first: ``id, kind, severity, count, column, message, findings``)."""
    findings = records(result.findings_frame())
    for rec in findings:
        rec["evidence"] = _sorted(rec["evidence"]) if rec.get("evidence") else {}
    return {
        "settings": _sorted(plain(dict(result.settings))),
        "summary": plain(result.summary()),  # its own order: severities from worst, kinds sorted
        "alignment": records(result.alignment_frame()),
        "findings": findings,
        "issues": [plain(issue.to_dict()) for issue in result.issues],
    }


def to_json(result: "CheckResult", indent: Optional[int] = 1) -> str:
    """The JSON report as text (UTF-8 characters kept, not ``\\u`` escaped); the same result
    always gives the same text."""
    return json.dumps(report_dict(result), indent=indent, ensure_ascii=False, allow_nan=False)
