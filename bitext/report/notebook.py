"""Short HTML views for a notebook (``_repr_html_``): a summary, never the whole document.

Each view is a few kilobytes whatever the document's size: counts, and the first rows or
the worst issues (``HEAD`` of them); the full data is in the DataFrames and the reports.

>>> import bitext
>>> result = bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt")
>>> html = result._repr_html_()
>>> "Perusturvalautakunta" in html, len(html) < 10_000
(True, True)
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Alignment, CheckResult, Document

HEAD = 8  # rows, links or issues shown
CLIP = 90  # characters of a cell shown

_STYLE = "border-collapse:collapse;font-size:12px"
_CELL = "border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top"
_COLOURS = {"error": "#c0392b", "warning": "#b7791f", "info": "#2b6cb0"}


def _clip(text: str) -> str:
    text = str(text)
    return escape(text if len(text) <= CLIP else text[: CLIP - 1] + "…")


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in row) + "</tr>" for row in rows)
    return f'<table style="{_STYLE}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _more(shown: int, total: int, what: str) -> str:
    return f"<p><small>… {total - shown} more {what}</small></p>" if total > shown else ""


def document_html(doc: "Document") -> str:
    """The document's facts and its first rows."""
    rows = doc.rows
    facts = f"<b>Document</b> <code>{escape(doc.path)}</code>: {escape(doc.format)}, language <b>{escape(doc.language or '?')}</b>, {len(doc.parts)} parts, {len(doc.tables)} tables, {len(rows)} rows"
    table = _table(["line"] + [f"c{k + 1}" for k in range(doc.width)], [[escape(r.source.label)] + [_clip(c.text) for c in r.cells] for r in rows[:HEAD]])
    return f"<div>{facts}{table}{_more(min(HEAD, len(rows)), len(rows), 'rows')}</div>"


def alignment_html(alignment: "Alignment") -> str:
    """The alignment's counts and its first links."""
    a, b = alignment.prefixes
    counts: dict[str, int] = {}
    for link in alignment.links:
        name = alignment.relation_name(link)
        counts[name] = counts.get(name, 0) + 1
    facts = f"<b>Alignment</b> <code>{escape(alignment.left.path)}</code> ↔ <code>{escape(alignment.right.path)}</code>: " + ", ".join(f"{n} {escape(k)}" for k, n in sorted(counts.items()))
    rows = [
        [
            escape(link.left.source.label if link.left is not None else "—"),
            escape(link.right.source.label if link.right is not None else "—"),
            escape(alignment.relation_name(link)),
            f"{link.score:.2f}",
            _clip(" | ".join(c.text for c in link.left.cells) if link.left is not None else ""),
            _clip(" | ".join(c.text for c in link.right.cells) if link.right is not None else ""),
        ]
        for link in alignment.links[:HEAD]
    ]
    table = _table([a, b, "relation", "score", f"{a} text", f"{b} text"], rows)
    return f"<div>{facts}{table}{_more(len(rows), len(alignment.links), 'links')}</div>"


def result_html(result: "CheckResult") -> str:
    """The result's counts and its worst issues."""
    s = result.summary()
    badge = lambda sev: f'<span style="color:#fff;background:{_COLOURS.get(str(sev), "#666")};border-radius:8px;padding:0 6px">{escape(str(sev))}</span>'  # noqa: E731
    facts = (
        f"<b>CheckResult</b> <code>{escape(result.alignment.left.path)}</code> ↔ <code>{escape(result.alignment.right.path)}</code>: "
        f"{s['issues']} issues, {s['findings']} findings ("
        + ", ".join(f"{n} {k}" for k, n in s["by_severity"].items() if n)
        + ")"
    )
    rows = [[badge(i.severity), escape(str(i.kind)), str(i.count), _clip(i.message)] for i in result.issues[:HEAD]]
    table = _table(["severity", "kind", "count", "issue"], rows) if rows else "<p>No findings.</p>"
    return f"<div>{facts}{table}{_more(len(rows), len(result.issues), 'issues')}</div>"
