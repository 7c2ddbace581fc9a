"""Issues, not occurrences: the findings of a check grouped into what a translator fixes.

A systematic difference is **one issue** with its occurrences: one term rendered two ways
across the document (every row of the rendering is an occurrence), a repeated text
translated differently, the same column shift in several rows, the same stray word of the
other language in several cells, or the same finding on identical cells. Anything else is
an issue of its own.

Every finding gets a stable **id**: a fingerprint of its kind, its column and the
normalised texts it is about (the cell's two texts, or the whole rows for a row finding),
never line numbers, so the id survives edits elsewhere in the document and a reviewer's
decision about it (``--baseline``) still applies after them. Findings that would share a
fingerprint (the same finding on identical rows) are numbered in reading order
(``…-2``, ``…-3``), so ids are unique within a report and deterministic.

An issue's id is a fingerprint of its group key (kind and what the occurrences share), so
it does not depend on which occurrences are present.

>>> from bitext.model import Finding, Row, Cell, Source
>>> row = lambda text, line: Row((Cell(text, text),), Source("x.txt", (line,)), 0, 0, line)
>>> fs = [Finding("number_mismatch", "error", row("3 st", n), row("4 kpl", n), 1, "3 vs 4") for n in (1, 2)]
>>> findings, issues = assign(fs, ("sv", "fi"))
>>> [f.id[:-2] == findings[0].id for f in findings[1:]], len(issues), issues[0].count
([True], 1, 2)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Optional, Sequence

from .model import Kind, Severity, SEVERITIES

if TYPE_CHECKING:
    from .model import Finding, Row

__all__ = ["Issue", "assign", "fingerprint", "group_key", "normal"]

ID_LENGTH = 12  # hex digits: 48 bits, ample for the findings of one document


@dataclass(frozen=True)
class Issue:
    """One thing to fix: a group of findings (its occurrences), worst severity first.

    ``findings`` are the ids of its occurrences, in reading order; ``message`` one plain
    sentence about the whole group; ``column`` the 1-based column all occurrences share
    (None when they do not)."""

    id: str
    kind: Kind
    severity: Severity
    message: str
    findings: tuple[str, ...]
    column: Optional[int] = None

    @property
    def count(self) -> int:
        return len(self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "severity": str(self.severity),
            "count": self.count,
            "column": self.column,
            "message": self.message,
            "findings": list(self.findings),
        }


def normal(text: Any) -> str:
    """Text as compared for a fingerprint: Unicode-normalised, case-folded, one space.

    >>> normal("  Perusturva-\\u00a0LAUTAKUNTA ")
    'perusturva- lautakunta'
    """
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip()


def _hash(*parts: Any) -> str:
    data = "\x1f".join(normal(p) if isinstance(p, str) else repr(p) for p in parts)
    return hashlib.blake2b(data.encode("utf-8"), digest_size=ID_LENGTH // 2).hexdigest()


def _row_text(row: "Optional[Row]", column: Optional[int]) -> str:
    if row is None:
        return ""
    if column is not None:
        return row.cell(column - 1).text
    return " | ".join(c.text for c in row.cells)


def fingerprint(f: "Finding") -> str:
    """The finding's id before numbering: kind, column and the normalised texts of the
    cells (or rows) it is about. A finding on no row (a whole section) uses its message
    with digits left out, so that line numbers in it do not count."""
    left, right = _row_text(f.left, f.column), _row_text(f.right, f.column)
    if f.left is None and f.right is None:
        left = re.sub(r"\d+", "#", f.message)
    side = "" if f.left is not None and f.right is not None else ("left" if f.left is not None else "right")
    return _hash("finding", str(f.kind), f.column, side, left, right)


def _side_of(f: "Finding", text: str) -> Optional[int]:
    """Which side's cell holds ``text`` (0 left, 1 right), if one does."""
    t = normal(text)
    for side, row in ((0, f.left), (1, f.right)):
        if row is not None and f.column is not None and t and t in normal(row.cell(f.column - 1).text):
            return side
    return None


def group_key(f: "Finding", prefixes: Sequence[str] = ("", "")) -> tuple:
    """What the occurrences of one issue share (see the module doc)."""
    ev = f.evidence or {}
    kind = str(f.kind)
    if ev.get("term") and "rendering" in ev:
        # One term, however many renderings: one issue.
        return (kind, "term", normal(ev["term"]))
    if ev.get("source_text") and ev.get("source_side"):
        return (kind, "text", str(ev["source_side"]), normal(ev["source_text"]))
    if kind == Kind.COLUMN_SHIFT and "shift" in ev:
        return (kind, "shift", ev["shift"])
    if kind == Kind.OMISSION and ev.get("omitted") and ev.get("side"):
        # The same list item missing wherever the text repeats: one issue.
        return (kind, "omitted", str(ev["side"]), tuple(sorted(normal(w) for w in ev["omitted"])))
    if kind == Kind.WRONG_LANGUAGE and ev.get("words") and ev.get("side"):
        return (kind, "words", str(ev["side"]), tuple(sorted(normal(w) for w in ev["words"])))
    return (kind, f.column, _row_text(f.left, f.column) and normal(_row_text(f.left, f.column)), normal(_row_text(f.right, f.column)), f.left is None, f.right is None)


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def assign(findings: Iterable["Finding"], languages: Sequence[str] = ("", "")) -> tuple[tuple["Finding", ...], tuple[Issue, ...]]:
    """The findings with their ``id`` and ``issue`` filled (order kept), and the issues,
    worst first (severity, then the number of occurrences, then reading order).

    Ids already there are kept (a result filtered by a baseline keeps its ids)."""
    findings = tuple(findings)
    if findings and not all(f.id for f in findings):
        seen: dict[str, int] = {}
        ids = []
        for f in findings:
            base = fingerprint(f)
            seen[base] = seen.get(base, 0) + 1
            ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
        findings = tuple(replace(f, id=i) for f, i in zip(findings, ids))
    groups: dict[tuple, list[int]] = {}
    for k, f in enumerate(findings):
        groups.setdefault(group_key(f), []).append(k)
    issue_of: dict[int, str] = {}
    issues = []
    for key, members in groups.items():
        iid = _hash("issue", *[repr(p) for p in key])
        occ = [findings[k] for k in members]
        for k in members:
            issue_of[k] = iid
        severity = min((f.severity for f in occ), key=_rank)
        columns = {f.column for f in occ}
        issues.append(
            (
                (_rank(severity), -len(occ), members[0]),
                Issue(iid, Kind(occ[0].kind) if occ[0].kind in Kind._value2member_map_ else occ[0].kind, Severity(severity), _message(key, occ, languages), tuple(f.id for f in occ), columns.pop() if len(columns) == 1 else None),
            )
        )
    findings = tuple(f if f.issue == issue_of[k] else replace(f, issue=issue_of[k]) for k, f in enumerate(findings))
    return findings, tuple(issue for _, issue in sorted(issues, key=lambda t: t[0]))


# --- the issue's message ----------------------------------------------------------------------


def _name(code: str) -> str:
    from .language import NAMES

    return NAMES.get(code, code or "one")


def _q(text: Any, limit: int = 80) -> str:
    text = str(text)
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _rows(n: int) -> str:
    return f"{n} row" + ("" if n == 1 else "s")


def _message(key: tuple, occ: "list[Finding]", languages: Sequence[str]) -> str:
    first = occ[0]
    n = len(occ)
    if n == 1:
        return first.message
    ev = first.evidence or {}
    col = f"Column {first.column}: " if first.column is not None and all(f.column == first.column for f in occ) else ""
    what = key[1] if len(key) > 1 else None
    if what == "term":
        counts = ev.get("counts") or {}
        term_side = 1 if _side_of(first, ev["term"]) == 1 else 0
        ways = ", ".join(f"{_q(r)} in {_rows(c)}" for r, c in sorted(counts.items(), key=lambda t: (-t[1], t[0])))
        text = f"{col}{_name(languages[term_side])} {_q(ev['term'])} is rendered {len(counts) or 'several'} ways across the document" + (f" ({ways})" if ways else "")
        if ev.get("reference"):
            text += f"; {_q(ev['reference'])} is likely the right one"
        return text + f". {_rows(n)} reported."
    if what == "text":
        side = 0 if languages and key[2] == languages[0] else 1 if len(languages) > 1 and key[2] == languages[1] else None
        lang = _name(str(key[2])) if side is None else _name(languages[side])
        renderings = ev.get("renderings") or {}
        if len(renderings) >= 2:
            ways = ", ".join(f"{_q(r)} in {_rows(c)}" for r, c in sorted(renderings.items(), key=lambda t: (-t[1], t[0])))
            return f"{col}the {lang} text {_q(ev['source_text'])} is translated {len(renderings)} ways across the document ({ways}); {_rows(n)} reported."
        return f"{col}the {lang} text {_q(ev['source_text'])} is translated differently in {_rows(n)}."
    if what == "shift":
        sides = sorted({f.right.source.label for f in occ if f.right is not None})
        return f"{_rows(n)} have the {_name(languages[1] if len(languages) > 1 else '')} content shifted {int(key[2]):+d} column(s) against the {_name(languages[0] if languages else '')}: the same column layout problem (rows {', '.join(sides[:8])}{'…' if len(sides) > 8 else ''})."
    if what == "omitted":
        items = ", ".join(_q(w, 40) for w in ev.get("omitted", []))
        return f"{col}the {_name(str(key[2]))} item(s) {items} have no counterpart in the other version, in {_rows(n)} (the same text, the same item missing)."
    if what == "words":
        words = ", ".join(_q(w, 30) for w in ev.get("words", []))
        detected = ev.get("detected", "")
        return f"{n} cells of the {_name(str(key[2]))} version have the {_name(str(detected))} word(s) {words} left in them."
    return f"{first.message} (the same in {_rows(n)})"
