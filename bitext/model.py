"""The data passed between the steps: read → normalise → language → embed → align → check.

Every step takes and returns these small frozen dataclasses, so a notebook can stop after
any step and look at what it produced. Every row and cell keeps its :class:`Source` (file and
1-based physical line numbers, or a format-specific reference such as ``p3 t1 r4``) from
reading to the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

if TYPE_CHECKING:
    from typing import Iterable

    from .alignment import Measurements
    from .issues import Issue


@dataclass(frozen=True)
class Source:
    """Where something came from: the input file and its 1-based physical lines.

    Line-based formats (Markdown, TSV) fill ``lines``; the first line is the identity of a
    logical row. Other formats fill ``ref`` (e.g. ``"p3 t1 r4"``, ``"t2 r5"``, ``"Sheet1!7"``).

    >>> Source("sv.txt", (32, 36)).label
    '32+36'
    """

    file: str
    lines: tuple[int, ...] = ()
    ref: str = ""

    @property
    def line(self) -> Optional[int]:
        """The first physical line, or None for formats without lines."""
        return self.lines[0] if self.lines else None

    @property
    def label(self) -> str:
        """A short human locator: ``"32+36"`` for a row continued on line 36, or ``ref``."""
        if self.lines:
            return "+".join(str(n) for n in self.lines)
        return self.ref

    def merged(self, other: "Source") -> "Source":
        """This source extended by another's lines (a continuation joined to its row)."""
        ref = " + ".join(r for r in (self.ref, other.ref) if r)
        return Source(self.file, self.lines + other.lines, ref)


# --- what a reader returns: the file's blocks, before normalisation ----------------------


@dataclass(frozen=True)
class RawRow:
    """One physical table row as read: its cell strings and where it was."""

    cells: tuple[str, ...]
    source: Source
    separator: bool = False  # a ``|---|`` or ``--<TAB>--`` line


@dataclass(frozen=True)
class RawTable:
    """Consecutive table rows as read. ``header_rows`` says how many leading rows are headers."""

    rows: tuple[RawRow, ...]
    source: Source
    header_rows: int = 0


@dataclass(frozen=True)
class TextBlock:
    """A paragraph or heading between tables. ``level`` is the heading level when the format
    says so (DOCX/HTML), else 0."""

    text: str
    source: Source
    level: int = 0


Block = Union[RawTable, TextBlock]


@dataclass(frozen=True)
class RawDocument:
    """A reader's result: the file's blocks in order."""

    path: str
    format: str
    encoding: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = ()  # what the reader could not do (e.g. "no tables recovered")


# --- the normalised document ---------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell: ``text`` is what is compared (normalised, merged cell filled in);
    ``raw`` is the cell as it stood in the file (continuations joined)."""

    text: str
    raw: str
    inherited: bool = False  # empty in the file; text carried down from the row above

    @property
    def empty(self) -> bool:
        return not self.text


class RowKey(NamedTuple):
    """A row's identity in its document, set by the normaliser: its table and its place in it.

    Stable (the same document always gives the same keys) and unique within a document; the
    alignment, the checks and the reports key rows by it (with the side, for two documents).
    """

    table: int
    index: int


@dataclass(frozen=True)
class Row:
    """A logical table row: a body row plus the page-break continuation lines that complete it."""

    cells: tuple[Cell, ...]
    source: Source
    part: int  # index into Document.parts
    table: int  # index into Document.tables
    index: int  # 0-based position in its table

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.cells)

    @property
    def key(self) -> str:
        """A readable locator: its first physical line, or its reference (for anchors)."""
        return str(self.source.line) if self.source.lines else self.source.ref

    @property
    def rowkey(self) -> RowKey:
        """The row's identity in its document: ``(table, index)``."""
        return RowKey(self.table, self.index)

    def cell(self, column: int) -> Cell:
        """The cell at 0-based ``column``, or an empty cell past the row's end (tables of
        two versions may differ in width)."""
        return self.cells[column] if 0 <= column < len(self.cells) else _EMPTY


_EMPTY = Cell("", "")


@dataclass(frozen=True)
class Table:
    """A logical table: page-break splits joined, header rows removed."""

    index: int
    part: int
    heading: str  # the text right before the table (e.g. the strategic goal)
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    source: Source


@dataclass(frozen=True)
class Part:
    """A section of the document: the main part or a responsibility area.

    A new part starts at a title followed by further text before the next table (e.g.
    "Ansvarsområdets namn: Förvaltning" / "VASTUUALUE: HALLINTO")."""

    index: int
    title: str
    source: Source
    tables: tuple[int, ...]


@dataclass(frozen=True)
class Step:
    """One normalisation step applied, for the record (cf. ftfy's ``fix_and_explain``)."""

    kind: str  # continuation_merged, header_dropped, separator_dropped, merged_cell, ...
    source: Source
    detail: str


@dataclass(frozen=True)
class Document:
    """A normalised document: parts → tables → rows → cells, with provenance throughout."""

    path: str
    format: str
    encoding: str
    parts: tuple[Part, ...]
    tables: tuple[Table, ...]
    steps: tuple[Step, ...] = ()
    notes: tuple[str, ...] = ()
    language: str = ""  # filled by bitext.language.detect_document
    language_scores: tuple[tuple[str, float], ...] = ()
    texts: tuple[TextBlock, ...] = ()  # paragraphs and headings outside the tables (language vote)

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for t in self.tables for r in t.rows)

    def _repr_html_(self) -> str:
        from .report.notebook import document_html

        return document_html(self)

    def __repr__(self) -> str:
        return (
            f"Document({self.path!r}, format={self.format!r}, language={self.language!r}, "
            f"parts={len(self.parts)}, tables={len(self.tables)}, rows={sum(len(t.rows) for t in self.tables)})"
        )

    @property
    def width(self) -> int:
        """The number of columns of the widest table."""
        return max((len(t.header) for t in self.tables), default=0)


# --- alignment and findings -------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """One line of the alignment: a pair of rows, or a row present on one side only.

    ``score`` in [0, 1] is the weighted mean of the components that apply (see
    :mod:`bitext.align`): ``content`` (cell similarity calibrated on this document pair),
    ``anchors`` (shared numbers and names), ``position`` (same place in the structure).
    """

    left: Optional[Row]
    right: Optional[Row]
    relation: str  # "match", "left_only", "right_only"
    score: float
    content: Optional[float] = None
    anchors: Optional[float] = None
    position: Optional[float] = None
    shift: int = 0  # column offset of right relative to left when the row is shifted
    note: str = ""


@dataclass(frozen=True)
class Finding:
    """One disagreement between the versions, with its evidence.

    ``kind`` is a :class:`Kind`, ``severity`` a :class:`Severity` (both plain strings too); ``left``/``right`` are the logical rows concerned (one
    of them None for a row in one version only); ``column`` is the 1-based column, the same
    on both sides (cell checks skip rows with a column shift, which get one row-level
    ``column_shift`` finding), or None for a whole row or section; ``message`` is one plain
    sentence quoting both texts; ``evidence`` holds what it was decided on (scores, the
    numbers compared, the detected languages, …)."""

    kind: "Kind"
    severity: "Severity"
    left: Optional[Row]
    right: Optional[Row]
    column: Optional[int]  # 1-based; None for a whole row / section
    message: str
    evidence: dict = field(default_factory=dict, compare=False, hash=False)
    # Filled by CheckResult (bitext.issues): a fingerprint of kind, column and the normalised
    # texts (not line numbers, so it survives edits elsewhere), and the id of its issue.
    id: str = field(default="", compare=False)
    issue: str = field(default="", compare=False)


@dataclass(frozen=True)
class Alignment:
    """The result of aligning two versions: every row of both, paired or one-sided.

    ``left`` is the first language in the canonical order (Swedish before Finnish),
    whatever the argument order. ``settings`` records what produced it (model, versions,
    every alignment parameter) so a result can be reproduced; ``measurements`` holds what
    the alignment measured (cell vectors, calibrations, anchors: frozen), for the checks.
    """

    left: Document
    right: Document
    links: tuple[Link, ...]
    settings: dict = field(default_factory=dict, compare=False, hash=False)
    measurements: "Optional[Measurements]" = field(default=None, compare=False, hash=False, repr=False)

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for link in self.links:
            counts[link.relation] = counts.get(link.relation, 0) + 1
        return f"Alignment({self.left!r}, {self.right!r}, links={dict(sorted(counts.items()))})"

    def _repr_html_(self) -> str:
        from .report.notebook import alignment_html

        return alignment_html(self)

    @property
    def prefixes(self) -> tuple[str, str]:
        """Column-name prefixes: the languages (``sv``, ``fi``), or ``a``/``b`` when both
        versions are in the same language."""
        a, b = self.left.language or "a", self.right.language or "b"
        return ("a", "b") if a == b else (a, b)

    def relation_name(self, link: Link) -> str:
        """``match``, ``sv_only`` or ``fi_only`` (by language)."""
        a, b = self.prefixes
        return {"left_only": f"{a}_only", "right_only": f"{b}_only"}.get(link.relation, link.relation)

    def to_frame(self):  # -> pandas.DataFrame
        """One row per link, columns as in ``bitext align -o``: ``sv_line``, ``fi_line``,
        ``relation``, ``score``, the cell texts of both sides, then provenance and the
        score components."""
        from .report.frames import alignment_frame

        return alignment_frame(self)


class _StrEnum(str, Enum):
    """A string enum whose members are their values wherever a string is expected (JSON,
    CSV, ``str()``, ``format``, dict keys)."""

    __hash__ = str.__hash__

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Kind(_StrEnum):
    """The finding vocabulary (a contract: reports, evaluation and pipelines key on it).

    >>> Kind.MISSING_ROW == "missing_row", str(Kind("empty_cell"))
    (True, 'empty_cell')
    """

    MISSING_ROW = "missing_row"
    CELL_MISMATCH = "cell_mismatch"
    NUMBER_MISMATCH = "number_mismatch"
    EMPTY_CELL = "empty_cell"
    COLUMN_SHIFT = "column_shift"
    WRONG_LANGUAGE = "wrong_language"
    UNTRANSLATED = "untranslated"
    TRUNCATED = "truncated"
    DUPLICATE_ROW = "duplicate_row"
    INCONSISTENT_TRANSLATION = "inconsistent_translation"
    MISSING_SECTION = "missing_section"
    SECTION_ORDER = "section_order"
    OMISSION = "omission"
    STRUCTURE = "structure"  # one version splits or merges a table, a row or a cell, or moves a note


class Severity(_StrEnum):
    """How bad a finding is, worst first.

    >>> [str(s) for s in Severity]
    ['error', 'warning', 'info']
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITIES = tuple(Severity)
FAIL_ON = ("error", "warning", "info", "never")
KINDS = tuple(Kind)


@dataclass(frozen=True)
class CheckResult:
    """An alignment and the findings on it, with the settings that produced them.

    >>> import bitext
    >>> result = bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt")
    >>> result.passed(fail_on="never")
    True
    """

    alignment: Alignment
    findings: tuple[Finding, ...]
    settings: dict = field(default_factory=dict, compare=False, hash=False)
    timings: dict = field(default_factory=dict, compare=False, hash=False)
    #: The findings grouped (worst first): a systematic difference is one issue with its
    #: occurrences. Computed from ``findings`` (see :mod:`bitext.issues`).
    issues: "tuple[Issue, ...]" = field(init=False, default=(), compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        from .issues import assign

        # Every finding gets its id and its issue's id here, whoever built the result.
        findings, issues = assign(self.findings, (self.alignment.left.language, self.alignment.right.language))
        object.__setattr__(self, "findings", findings)
        object.__setattr__(self, "issues", issues)

    def __repr__(self) -> str:
        by_severity = {str(s): n for s, n in self.summary()["by_severity"].items() if n}
        return f"CheckResult({self.alignment!r}, findings={len(self.findings)} {by_severity}, issues={len(self.issues)})"

    def _repr_html_(self) -> str:
        from .report.notebook import result_html

        return result_html(self)

    def without(self, ids: "Iterable[str]", issues: "Iterable[str]" = (), baseline: "Optional[str]" = None) -> "CheckResult":
        """This result without the findings whose id is in ``ids`` or whose issue is in
        ``issues`` (a baseline: what a reviewer has already seen or accepted). The ids of the
        findings kept do not change; ``baseline`` (the file's name) is recorded in the
        settings with the number of findings left out."""
        drop, drop_issues = set(ids), set(issues)
        kept = tuple(f for f in self.findings if f.id not in drop and f.issue not in drop_issues)
        settings = dict(self.settings)
        if baseline is not None:
            settings["baseline"] = {"file": str(baseline), "known": len(self.findings) - len(kept)}
        return CheckResult(self.alignment, kept, settings, self.timings)

    def passed(self, fail_on: str = "warning") -> bool:
        """True when no finding is at least as severe as ``fail_on`` (``never``: always)."""
        if fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}")
        if fail_on == "never":
            return True
        worst = SEVERITIES.index(fail_on)
        return not any(SEVERITIES.index(f.severity) <= worst for f in self.findings)

    def summary(self) -> dict:
        """Counts by kind and by severity."""
        by_kind: dict[str, int] = {}
        by_sev = {str(s): 0 for s in SEVERITIES}
        for f in self.findings:
            by_kind[str(f.kind)] = by_kind.get(str(f.kind), 0) + 1
            by_sev[f.severity] += 1
        links = self.alignment.links
        return {
            "rows": {
                self.alignment.prefixes[0]: len(self.alignment.left.rows),
                self.alignment.prefixes[1]: len(self.alignment.right.rows),
            },
            "links": {r: sum(1 for l in links if self.alignment.relation_name(l) == r) for r in sorted({self.alignment.relation_name(l) for l in links})},
            "findings": len(self.findings),
            "by_kind": dict(sorted(by_kind.items())),
            "by_severity": by_sev,
            "issues": len(self.issues),
            "issues_by_severity": {str(s): sum(1 for i in self.issues if i.severity == s) for s in SEVERITIES},
        }

    def alignment_frame(self):  # -> pandas.DataFrame
        """The alignment, as :meth:`Alignment.to_frame`."""
        return self.alignment.to_frame()

    def findings_frame(self):  # -> pandas.DataFrame
        """One row per finding: ``kind, severity, sv_line, fi_line, column, message``, the
        refs, the evidence (a dict), ``id`` and ``issue``; severity an ordered categorical."""
        from .report.frames import findings_frame

        return findings_frame(self)

    def issues_frame(self):  # -> pandas.DataFrame
        """One row per issue, worst first: ``id, kind, severity, count, column, message``."""
        from .report.frames import issues_frame

        return issues_frame(self)

    def to_sarif(self) -> str:
        """The findings as a SARIF 2.1.0 log (see :mod:`bitext.report.sarif`)."""
        from .report.sarif import to_sarif

        return to_sarif(self)

    def to_json(self, indent: "int | None" = 1) -> str:
        """``{"settings", "summary", "alignment", "findings"}`` as a JSON string."""
        from .report.json_report import to_json

        return to_json(self, indent=indent)

    def to_html(self) -> str:
        """A self-contained HTML report: both versions side by side, findings highlighted."""
        from .report.html import render_html

        return render_html(self)

    def to_xlsx(self, path: str) -> None:
        """Write the side-by-side sheet and the findings sheet to ``path``."""
        from .report.xlsx import write_xlsx

        write_xlsx(self, path)
