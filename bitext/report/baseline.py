"""Baselines: what a reviewer has already seen, so a re-run reports only what is new.

``bitext check SV FI --baseline FILE`` drops the findings FILE already has (matched by
finding id, see :mod:`bitext.issues`) and sets the exit code by what is left. FILE is

- an earlier **JSON report** (``--json``): every finding in it is known;
- the **XLSX report** (``--xlsx``) or the **findings CSV** (``--csv``) after review: the
  findings whose ``status`` a reviewer set to ``accepted`` or ``false positive`` are known
  (blank or ``to fix`` stay reported). In the XLSX, a status on the ``Issues`` sheet applies
  to every occurrence of that issue, also to new ones. A CSV or sheet without a ``status``
  column counts every finding listed.

>>> SUPPRESS
('accepted', 'false positive')
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

from ..errors import InputError

SUPPRESS = ("accepted", "false positive")


@dataclass(frozen=True)
class Baseline:
    """The finding ids and issue ids a baseline file marks as known."""

    path: str
    findings: frozenset[str]
    issues: frozenset[str] = frozenset()


def _status(value: object) -> Optional[str]:
    """A status as written by a reviewer, normalised: ``False positive`` / ``false-positive``
    / ``FP`` → ``false positive``; ``Accepted`` / ``ok`` → ``accepted``; else None."""
    text = re.sub(r"[\s_-]+", " ", str(value or "")).strip().casefold()
    if text in ("accepted", "accept", "ok", "wontfix", "won't fix"):
        return "accepted"
    if text in ("false positive", "fp", "false"):
        return "false positive"
    return None


def _marked(rows: Iterable[dict], path: str, what: str) -> frozenset[str]:
    rows = list(rows)
    if rows and "id" not in rows[0]:
        raise InputError(path, f"{what} has no 'id' column (is it a bitext report?)")
    if rows and "status" not in rows[0]:
        return frozenset(str(r["id"]) for r in rows if r.get("id"))
    return frozenset(str(r["id"]) for r in rows if r.get("id") and _status(r.get("status")) in SUPPRESS)


def _sheet_rows(ws) -> list[dict]:  # type: ignore[no-untyped-def]
    values = list(ws.iter_rows(values_only=True))
    if not values:
        return []
    header = [str(v).strip() if v is not None else "" for v in values[0]]
    return [dict(zip(header, row)) for row in values[1:] if any(v is not None for v in row)]


def read_baseline(path: Union[str, "os.PathLike[str]"]) -> Baseline:
    """Read a baseline file (JSON report, XLSX report, findings CSV). A file that is none of
    these is an :class:`~bitext.errors.InputError` naming it (exit 2)."""
    name = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputError(name, "baseline file not found")
    suffix = p.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(p.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
                raise InputError(name, "not a bitext JSON report (no 'findings' list)")
            missing = [f for f in data["findings"] if not isinstance(f, dict) or not f.get("id")]
            if missing:
                raise InputError(name, "its findings have no ids (a report from an older bitext); re-run the check to make a baseline")
            return Baseline(name, frozenset(str(f["id"]) for f in data["findings"]))
        if suffix == ".csv":
            import csv

            with open(p, newline="", encoding="utf-8-sig") as fh:
                rows = list(csv.DictReader(fh))
            rows = [{k: (v.lstrip("'") if isinstance(v, str) else v) for k, v in r.items()} for r in rows]  # formula-escaped cells
            return Baseline(name, _marked(rows, name, "the CSV"))
        if suffix in (".xlsx", ".xlsm"):
            import openpyxl

            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            try:
                if "Findings" not in wb.sheetnames:
                    raise InputError(name, "no 'Findings' sheet (is it a bitext XLSX report?)")
                findings = _marked(_sheet_rows(wb["Findings"]), name, "the Findings sheet")
                issues: frozenset[str] = frozenset()
                if "Issues" in wb.sheetnames:
                    rows = [r for r in _sheet_rows(wb["Issues"]) if "status" in r]
                    issues = frozenset(str(r["id"]) for r in rows if r.get("id") and _status(r.get("status")) in SUPPRESS)
            finally:
                wb.close()
            return Baseline(name, findings, issues)
    except InputError:
        raise
    except (OSError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise InputError(name, f"cannot read the baseline ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # openpyxl's own errors for a damaged file
        raise InputError(name, f"cannot read the baseline ({type(exc).__name__})") from None
    raise InputError(name, "a baseline is a JSON report, an XLSX report or a findings CSV (.json, .xlsx, .csv)")
