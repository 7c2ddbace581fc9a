"""The HTML report: one self-contained file a translator can work through.

Both versions side by side in alignment order, one block per link with the columns of the
two rows next to each other; cells with findings highlighted by severity and the messages
under the row; a findings list whose entries link to their rows (``#sv-32``, ``#fi-30``); a
filter bar (kinds, severities) that also reads ``?hide=missing_row,info&findings-only=1``
from the address, so a filtered view can be bookmarked or tested.

The view is computed here; the Jinja2 template only lays it out, with autoescape on, so any
document text is escaped.

>>> import bitext
>>> html = render_html(bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt"))
>>> html.startswith("<!DOCTYPE html>"), 'id="sv-32"' in html, 'id="fi-30"' in html
(True, True, True)
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..model import SEVERITIES

if TYPE_CHECKING:
    from ..model import Alignment, CheckResult, Finding, Row

log = logging.getLogger(__name__)

TEMPLATE = "report.html.j2"


def anchor_id(prefix: str, row: "Row") -> str:
    """The HTML id of a row: ``sv-32`` (its first line) or ``fi-p3-t1-r4`` (its reference).

    >>> from bitext.model import Row, Source
    >>> anchor_id("fi", Row((), Source("fi.docx", (), "p3 t1 r4"), 0, 0, 0))
    'fi-p3-t1-r4'
    """
    return f"{prefix}-" + (re.sub(r"[^A-Za-z0-9_.]+", "-", row.key).strip("-") or "row")


def provenance(path: str, row: "Optional[Row]") -> str:
    """Where a row is: ``loviisa_2021_sv.txt:32+36``, or ``report.docx p3 t1 r4``."""
    if row is None:
        return ""
    name = Path(path).name
    return f"{name}:{row.source.label}" if row.source.lines else f"{name} {row.source.label}"


def settings_rows(settings: dict, prefix: str = "") -> list[tuple[str, str]]:
    """The settings flattened to ``(dotted name, value in words)`` rows (no JSON on the page).

    >>> settings_rows({"align": {"threshold": 0.5, "weights": [1, 2]}, "model": "e5"})
    [('align.threshold', '0.5'), ('align.weights', '1, 2'), ('model', 'e5')]
    """
    out: list[tuple[str, str]] = []
    for key in sorted(settings, key=str):
        value = settings[key]
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out += settings_rows(value, name + ".")
        elif isinstance(value, (list, tuple)):
            out.append((name, ", ".join(str(v) for v in value)))
        else:
            out.append((name, str(value)))
    return out


def worst(severities) -> str:  # type: ignore[no-untyped-def]
    """The most severe of some severities (unknown ones rank as ``info``), "" for none."""
    ranks = [SEVERITIES.index(s) if s in SEVERITIES else len(SEVERITIES) - 1 for s in severities]
    return SEVERITIES[min(ranks)] if ranks else ""


# --- the view: plain objects the template lays out -------------------------------------------


@dataclass
class CellView:
    text: str = ""
    inherited: bool = False
    header: str = ""
    findings: list[int] = field(default_factory=list)  # indices into the findings list
    severity: str = ""
    marks: list[str] = field(default_factory=list)  # words at fault, highlighted in the text
    wrong: bool = False  # a finding says this side is likely the wrong one

    @property
    def segments(self) -> list[tuple[str, bool]]:
        from .explain import segments

        return segments(self.text, self.marks)


@dataclass
class FindingView:
    index: int
    kind: str
    severity: str
    message: str
    column: Optional[int]
    targets: list[tuple[str, str]]  # (anchor id, label such as "sv 32+36")
    evidence: list[str]  # plain sentences (bitext.report.explain)
    id: str = ""
    issue: str = ""
    wrong: str = ""  # "the Swedish side is likely wrong", when the document says so
    of: str = ""  # "1 of 59" in its issue


@dataclass
class IssueView:
    id: str
    kind: str
    severity: str
    count: int
    message: str
    column: Optional[int]
    findings: list[FindingView]


@dataclass
class LinkView:
    index: int
    left_id: str
    right_id: str
    left_where: str
    right_where: str
    relation: str
    score: float
    detail: str
    rows: list[tuple[int, CellView, CellView]]  # (column 1-based, left cell, right cell)
    findings: list[FindingView] = field(default_factory=list)
    headings: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, left, right)

    @property
    def severity(self) -> str:
        return worst(f.severity for f in self.findings)

    @property
    def kinds(self) -> str:
        return " ".join(sorted({f.kind for f in self.findings}))

    @property
    def severities(self) -> str:
        return " ".join(sorted({f.severity for f in self.findings}))


def _detail(link) -> str:  # type: ignore[no-untyped-def]
    parts = [f"{name} {value:.2f}" for name, value in (("content", link.content), ("anchors", link.anchors), ("position", link.position)) if value is not None]
    if link.shift:
        parts.append(f"columns shifted by {link.shift:+d}")
    if link.note:
        parts.append(link.note)
    return " · ".join(parts)


def _headings(alignment: "Alignment", link, previous: tuple) -> tuple[list[tuple[str, str, str]], tuple]:  # type: ignore[no-untyped-def]
    """The part title and table heading to show before this link, when either side starts a
    new part or table (so the reader knows where in the document they are)."""
    left, right = link.left, link.right
    now = (
        (left.part, left.table) if left is not None else previous[0],
        (right.part, right.table) if right is not None else previous[1],
    )
    out: list[tuple[str, str, str]] = []
    new_part = [now[k] is not None and (previous[k] is None or now[k][0] != previous[k][0]) for k in (0, 1)]
    new_table = [now[k] is not None and (previous[k] is None or now[k] != previous[k]) for k in (0, 1)]
    docs = (alignment.left, alignment.right)
    if any(new_part):
        titles = [docs[k].parts[now[k][0]].title if new_part[k] else "" for k in (0, 1)]
        out.append(("part", titles[0], titles[1]))
    if any(new_table):
        heads = [docs[k].tables[now[k][1]].heading if new_table[k] else "" for k in (0, 1)]
        out.append(("table", heads[0], heads[1]))
    return out, now


def build_view(result: "CheckResult") -> dict:
    """Everything the template shows, as plain values (the template does no lookups)."""
    alignment = result.alignment
    a, b = alignment.prefixes
    docs = (alignment.left, alignment.right)

    ids: dict[tuple, str] = {}  # (side, row key) -> anchor id, unique within the page
    taken: set[str] = set()
    # From the links, not the documents: the links hold every row, and these are the rows shown.
    for side, row, prefix in [(s, r, p) for link in alignment.links for s, (r, p) in enumerate(((link.left, a), (link.right, b))) if r is not None]:
        if (side, row.rowkey) not in ids:
            base = anchor = anchor_id(prefix, row)
            n = 1
            while anchor in taken:  # two refs that differ only in punctuation
                n += 1
                anchor = f"{base}-{n}"
            taken.add(anchor)
            ids[(side, row.rowkey)] = anchor

    links: list[LinkView] = []
    where: dict[tuple, tuple[int, int]] = {}  # (side, row key) -> (link index, side)
    previous: tuple = (None, None)
    for k, link in enumerate(alignment.links):
        width = max((len(r.cells) for r in (link.left, link.right) if r is not None), default=0)
        cols = []
        for c in range(width):
            cells = []
            for side, row in ((0, link.left), (1, link.right)):
                if row is None or c >= len(row.cells):
                    cells.append(CellView())
                    continue
                header = docs[side].tables[row.table].header
                cells.append(CellView(row.cells[c].text, row.cells[c].inherited, header[c] if c < len(header) else ""))
            cols.append((c + 1, cells[0], cells[1]))
        headings, previous = _headings(alignment, link, previous)
        links.append(
            LinkView(
                k,
                ids[(0, link.left.rowkey)] if link.left is not None else "",
                ids[(1, link.right.rowkey)] if link.right is not None else "",
                provenance(docs[0].path, link.left),
                provenance(docs[1].path, link.right),
                alignment.relation_name(link),
                link.score,
                _detail(link),
                cols,
                headings=headings,
            )
        )
        for side, row in ((0, link.left), (1, link.right)):
            if row is not None:
                where[(side, row.rowkey)] = (k, side)

    findings = [_finding_view(i, f, a, b, ids, where, links, alignment) for i, f in enumerate(result.findings)]
    by_id = {view.id: view for view in findings}
    issues = []
    for issue in result.issues:
        members = [by_id[i] for i in issue.findings if i in by_id]
        for n, view in enumerate(members, 1):
            view.of = f"{n} of {len(members)}" if len(members) > 1 else ""
        issues.append(IssueView(issue.id, str(issue.kind), str(issue.severity), issue.count, issue.message, issue.column, members))
    for view in links:
        for _, left, right in view.rows:
            for cell in (left, right):
                cell.severity = worst(findings[i].severity for i in cell.findings)

    from ..language import NAMES

    summary = result.summary()
    kinds = sorted({f.kind for f in result.findings})
    return {
        "prefixes": (a, b),
        "names": NAMES,
        "files": [(a, docs[0].path, docs[0].language, len(docs[0].rows)), (b, docs[1].path, docs[1].language, len(docs[1].rows))],
        "settings": result.settings,
        "settings_rows": settings_rows(result.settings),
        "summary": summary,
        "links": links,
        "findings": findings,
        "issues": issues,
        "issue_severities": [(s, summary["issues_by_severity"].get(s, 0)) for s in SEVERITIES],
        "loose": [f for f in findings if not f.targets],
        "kinds": [(kind, summary["by_kind"].get(kind, 0)) for kind in kinds],
        "severities": [(s, summary["by_severity"].get(s, 0)) for s in SEVERITIES],
    }


def _finding_view(i: int, f: "Finding", a: str, b: str, ids: dict, where: dict, links: list, alignment: "Alignment") -> FindingView:  # type: ignore[type-arg]
    targets = []
    for side, (prefix, row) in enumerate(((a, f.left), (b, f.right))):
        if row is not None and (side, row.rowkey) in ids:
            targets.append((ids[(side, row.rowkey)], f"{prefix} {row.source.label}"))
    from ..language import NAMES
    from .explain import marks, sentences, wrong_side

    prefixes = (a, b)
    wrong = wrong_side(f, prefixes)
    view = FindingView(
        i, str(f.kind), str(f.severity), f.message, f.column, targets, sentences(f, prefixes), f.id, f.issue,
        f"the {NAMES.get(prefixes[wrong], prefixes[wrong])} side is likely the one to fix" if wrong is not None else "",
    )  # fmt: skip
    words = marks(f, prefixes)
    attached: set[int] = set()
    for side, row in ((0, f.left), (1, f.right)):
        if row is None or (side, row.rowkey) not in where:
            if row is not None:
                log.warning("finding %s refers to a row that is not in the alignment: %s", f.kind, row.source)
            continue
        k, s = where[(side, row.rowkey)]
        link_view = links[k]
        if k not in attached:
            link_view.findings.append(view)
            attached.add(k)
        if wrong is not None and s != wrong and f.column is not None:
            continue  # the other side is the reference: not highlighted as wrong
        if f.column is None:
            columns = range(len(link_view.rows))  # the whole row on this side
        else:
            # The finding's column is the left row's; on the right of a shifted pair the
            # counterpart sits ``shift`` columns over.
            shift = alignment.links[k].shift if s == 1 and f.left is not None else 0
            columns = [f.column - 1 + shift]
        for c in columns:
            if 0 <= c < len(link_view.rows):
                cell = link_view.rows[c][1 + s]
                cell.findings.append(i)
                cell.marks.extend(words.get(s, []) if f.column is not None else [])
                cell.wrong = cell.wrong or wrong == s
    return view


def render_html(result: "CheckResult") -> str:
    """The report as one self-contained HTML page (inline CSS and JS, no external files)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("bitext.report", "templates"),
        autoescape=True,  # every document string is escaped, whatever the template's name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    view = build_view(result)
    log.debug("rendering %d links and %d findings", len(view["links"]), len(view["findings"]))
    return env.get_template(TEMPLATE).render(**view)
