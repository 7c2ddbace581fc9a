"""The XLSX report: a workbook a translator works in.

- ``Issues``: one row per issue, worst first (severity, kind, occurrences, message), linked
  to its first occurrence, with a ``status`` column.
- ``Side by side``: one row per link; for each document column the Swedish and the Finnish
  cell next to each other under the document's own column names (the tables' header
  texts), a heading row where a table starts; wrapped text with row heights to fit it,
  frozen header and line columns, landscape and fitted to the page width when printed.
  Cells with findings are filled with the severity's colour (only the side likely wrong
  when the document says which), carry a comment with the messages, and show the words at
  fault in bold red.
- ``Findings``: one row per occurrence: ``status`` (a list: accepted, false positive, to
  fix), what and where, the message linked to its cell, the explanation in sentences, the
  ids, the evidence as JSON text. ``bitext check --baseline`` reads the statuses back.
- ``Settings``: what produced the report.

>>> import bitext, openpyxl, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "report.xlsx")
>>> write_xlsx(bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt"), path)
>>> openpyxl.load_workbook(path).sheetnames
['Issues', 'Side by side', 'Findings', 'Settings']
"""

from __future__ import annotations

import io
import json
import logging
import re
from typing import TYPE_CHECKING, Any, BinaryIO, Optional, Union

from .html import worst
from .json_report import plain

if TYPE_CHECKING:
    import os

    from ..model import CheckResult, Finding

log = logging.getLogger(__name__)

ISSUES, SIDE_BY_SIDE, FINDINGS, SETTINGS = "Issues", "Side by side", "Findings", "Settings"
# What a reviewer can set in a ``status`` column; ``--baseline`` drops the first two.
STATUSES = ("accepted", "false positive", "to fix")
# Fill colours (ARGB) by severity: light enough to read the text on.
FILLS = {"error": "FFF8CBC6", "warning": "FFFFE8A3", "info": "FFCFE0F7"}
HEADER_FILL = "FFE5E7EB"
HEADING_FILL = "FFF3F4F6"
MARK_COLOUR = "FFB91C1C"  # the words at fault: bold, dark red
LINE_HEIGHT = 15  # points per wrapped line (11 pt Calibri)


# Characters XML 1.0 cannot carry (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, lone
# surrogates): a document may hold them (a stray ``\x08`` from a PDF), a workbook cannot.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# What a spreadsheet would take for the start of a formula.
_FORMULA_START = re.compile(r"^[\t\r]*[=+\-@]")


def xml_safe(text: str) -> str:
    """``text`` with the characters a workbook cannot hold replaced by U+FFFD.

    >>> xml_safe("a\x08b\ufffec")
    'a\ufffdb\ufffdc'
    """
    return _NOT_XML.sub("\ufffd", text)


def _append(ws, values: list[Any]) -> None:  # type: ignore[no-untyped-def]
    """Append a row; text stays text. openpyxl takes a string starting with ``=`` for a
    formula: every string cell is typed as a string, and one that a spreadsheet would
    re-read as a formula when edited (``=``, ``+``, ``-``, ``@``) gets the quote prefix."""
    ws.append([xml_safe(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if _FORMULA_START.match(cell.value):
                cell.quotePrefix = True


def _comment_text(findings: "list[Finding]") -> str:
    return xml_safe("\n\n".join(f"[{f.severity}] {f.kind}: {f.message}" for f in findings))


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (a little
    generous: proportional fonts vary)."""
    import math

    usable = max(width * 1.1 - 1, 4)
    return sum(max(1, math.ceil(len(part) / usable)) for part in str(text).split("\n"))


def write_xlsx(result: "CheckResult", path: "Union[str, os.PathLike[str], BinaryIO]") -> None:
    """Write the report to ``path``: an ``.xlsx`` file, replaced atomically (see
    :mod:`bitext.report.output`), or a binary file object."""
    if hasattr(path, "write"):
        path.write(xlsx_bytes(result))  # type: ignore[union-attr]
        return
    from .output import write_atomic

    write_atomic(path, xlsx_bytes(result))  # type: ignore[arg-type]


def xlsx_bytes(result: "CheckResult") -> bytes:
    """The XLSX report as bytes (rendered in memory: nothing is written if it fails)."""
    from openpyxl import Workbook

    wb = Workbook()
    issues = wb.active
    issues.title = ISSUES
    side = wb.create_sheet(SIDE_BY_SIDE)
    where = _side_by_side(side, result)
    _findings_sheet(wb.create_sheet(FINDINGS), result, where)
    _issues_sheet(issues, result, where)
    _settings_sheet(wb.create_sheet(SETTINGS), result)
    buffer = io.BytesIO()
    wb.save(buffer)
    log.debug("rendered the XLSX report: %d links, %d findings", len(result.alignment.links), len(result.findings))
    return buffer.getvalue()


def _header(ws, names: list[str]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font, PatternFill

    _append(ws, names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _landscape(ws) -> None:  # type: ignore[no-untyped-def]
    """Printed landscape, fitted to the page width (as many pages down as it takes), the
    header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4


def _column_names(doc, width: int, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Each column's name in this document: the header text most of its tables give it."""
    from collections import Counter

    names = []
    for c in range(width):
        counts = Counter(t.header[c].strip() for t in doc.tables if c < len(t.header) and t.header[c].strip())
        best = max(counts.items(), key=lambda kv: (kv[1], -min(k for k, t in enumerate(doc.tables) if c < len(t.header) and t.header[c].strip() == kv[0])))[0] if counts else ""
        names.append(f"{best} ({prefix})" if best else f"{prefix} c{c + 1}")
    return names


def _text_widths(result: "CheckResult", width: int) -> list[float]:
    """A sheet width per document column: wider for long texts, narrow for short ones."""
    widths = []
    for c in range(width):
        texts = [r.cell(c).text for doc in (result.alignment.left, result.alignment.right) for r in doc.rows if r.cell(c).text]
        mean = sum(len(t) for t in texts) / len(texts) if texts else 0
        widths.append(float(min(38, max(12, round(mean / 2.6)))))
    return widths


def _rich(text: str, words: list[str]):  # type: ignore[no-untyped-def]
    """The cell text with ``words`` in bold red (a rich-text cell), or the plain text."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from .explain import segments

    parts = segments(text, words)
    if not any(marked for _, marked in parts):
        return text
    bold = InlineFont(b=True, color=MARK_COLOUR)
    return CellRichText([TextBlock(bold, xml_safe(p)) if marked else xml_safe(p) for p, marked in parts])


def _side_by_side(ws, result: "CheckResult") -> dict[tuple, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    """Fill the side-by-side sheet; returns (side, row key) → (sheet row, first text column
    of that side, 0). Column k of side s is at ``first + 2 * (k - 1)``."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .explain import marks, wrong_side

    alignment = result.alignment
    a, b = alignment.prefixes
    width = max(alignment.left.width, alignment.right.width)
    names_a = _column_names(alignment.left, width, a)
    names_b = _column_names(alignment.right, width, b)
    header = [f"{a} line", f"{b} line", "relation"]
    for c in range(width):
        header += [names_a[c], names_b[c]]
    header += ["score", f"{a} ref", f"{b} ref"]
    _header(ws, header)
    first = 4  # sheet column of column 1, left side; right side is the next one
    text_widths = _text_widths(result, width)

    def col_of(side: int, c: int) -> int:  # c 0-based
        return first + 2 * c + side

    wrap = Alignment(wrap_text=True, vertical="top")
    heading_font, heading_fill = Font(bold=True, color="FF334155"), PatternFill("solid", fgColor=HEADING_FILL)
    where: dict[tuple, tuple[int, int, int]] = {}
    previous: tuple = (None, None)
    docs = (alignment.left, alignment.right)
    for link in alignment.links:
        now = tuple((r.table if r is not None else previous[k]) for k, r in enumerate((link.left, link.right)))
        if any(now[k] is not None and now[k] != previous[k] for k in (0, 1)):
            # A table starts: its heading (the text before it) in each language, as a band.
            texts = [docs[k].tables[now[k]].heading if now[k] is not None else "" for k in (0, 1)]
            _append(ws, [None, None, "table"] + [v for c in range(width) for v in ((texts[0], texts[1]) if c == 0 else (None, None))])
            r = ws.max_row
            for cell in ws[r]:
                cell.font, cell.fill, cell.alignment = heading_font, heading_fill, wrap
            if width > 1:  # the heading spans the columns of the first two document columns per side
                ws.cell(r, col_of(0, 0)).value = xml_safe(texts[0]) or None
                ws.cell(r, col_of(1, 0)).value = xml_safe(texts[1]) or None
            ws.row_dimensions[r].height = LINE_HEIGHT * max(_lines(texts[0], text_widths[0]), _lines(texts[1], text_widths[0]), 1) + 4
        previous = now
        values: list[Any] = [
            link.left.source.line if link.left is not None else None,
            link.right.source.line if link.right is not None else None,
            alignment.relation_name(link),
        ]
        for c in range(width):
            for row in (link.left, link.right):
                text = row.cell(c).text if row is not None else ""
                values.append(text or None)
        values += [round(float(link.score), 4), link.left.source.label if link.left is not None else "", link.right.source.label if link.right is not None else ""]
        _append(ws, values)
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        lines = max([_lines(v, text_widths[(k - first) // 2]) for k, v in enumerate(values, 1) if first <= k < first + 2 * width and isinstance(v, str)] or [1])
        ws.row_dimensions[r].height = min(LINE_HEIGHT * lines + 4, 409)  # 409 pt: the most a row can be
        for side, row in enumerate((link.left, link.right)):
            if row is not None:
                where[(side, row.rowkey)] = (r, first + side, 0)

    # Findings → the cells they are about: one column (only the side likely wrong, when the
    # document says which), or a whole side's row (every cell filled, the message once, on
    # the line number); the words at fault in bold red.
    fills: dict[tuple[int, int], list["Finding"]] = {}
    comments: dict[tuple[int, int], list["Finding"]] = {}
    words: dict[tuple[int, int], list[str]] = {}
    prefixes = (a, b)
    for f in result.findings:
        wrong = wrong_side(f, prefixes)
        marked = marks(f, prefixes)
        for side, row in ((0, f.left), (1, f.right)):
            if row is None or (side, row.rowkey) not in where:
                continue
            r = where[(side, row.rowkey)][0]
            if f.column is not None and 1 <= f.column <= width:
                if wrong is not None and side != wrong:
                    continue
                cols, note = [col_of(side, f.column - 1)], col_of(side, f.column - 1)
                words.setdefault((r, note), []).extend(marked.get(side, []))
            else:
                cols, note = [1 + side] + [col_of(side, c) for c in range(width)], 1 + side
            for col in cols:
                fills.setdefault((r, col), []).append(f)
            comments.setdefault((r, note), []).append(f)
    for (r, col), found in fills.items():
        ws.cell(r, col).fill = PatternFill("solid", fgColor=FILLS.get(worst(f.severity for f in found), FILLS["info"]))
    for (r, col), found in comments.items():
        comment = Comment(_comment_text(found), "bitext")
        comment.width, comment.height = 320, 40 + 60 * len(found)
        ws.cell(r, col).comment = comment
    for (r, col), found_words in words.items():
        cell = ws.cell(r, col)
        if isinstance(cell.value, str) and found_words:
            cell.value = _rich(cell.value, found_words)

    widths = [7, 7, 9] + [w for c in range(width) for w in (text_widths[c], text_widths[c])] + [6, 8, 8]
    for k, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = w
    ws.row_dimensions[1].height = LINE_HEIGHT * max(_lines(n, w) for n, w in zip(header, widths)) + 4  # the names in full
    ws.freeze_panes = ws.cell(2, first).coordinate  # header row and line columns stay
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    _landscape(ws)
    return where


def _cell_ref(f: "Finding", where: dict) -> Optional[str]:  # type: ignore[type-arg]
    """The side-by-side cell a finding is about: its column on its first side, or the line."""
    from openpyxl.utils import get_column_letter

    for side, row in ((0, f.left), (1, f.right)):
        if row is not None and (side, row.rowkey) in where:
            r, first, _ = where[(side, row.rowkey)]
            col = first + 2 * (f.column - 1) if f.column is not None else 1 + side
            return f"'{SIDE_BY_SIDE}'!{get_column_letter(col)}{r}"
    return None


def _status_column(ws, col: int) -> None:  # type: ignore[no-untyped-def]
    """A drop-down list of statuses on ``col`` below the header (free text stays allowed)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(col)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True, showErrorMessage=False)
    dv.prompt, dv.promptTitle, dv.showInputMessage = "accepted / false positive: not reported again with --baseline", "status", True
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{max(ws.max_row, 2) + 500}")


def _link(cell, location: Optional[str]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    if location:
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location, display=str(cell.value))
        cell.font = Font(color="FF1D4ED8", underline="single")


FINDING_COLUMNS = ("status", "severity", "kind", "{a}_line", "{b}_line", "column", "message", "explanation", "{a}_ref", "{b}_ref", "issue", "id", "evidence")


def _findings_sheet(ws, result: "CheckResult", where: dict) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    from ..language import NAMES
    from .explain import sentences, wrong_side

    a, b = result.alignment.prefixes
    columns = [c.format(a=a, b=b) for c in FINDING_COLUMNS]
    _header(ws, columns)
    frame = result.findings_frame()
    wrap = Alignment(wrap_text=True, vertical="top")
    for f, rec in zip(result.findings, frame.to_dict("records")):
        why = sentences(f, (a, b))
        side = wrong_side(f, (a, b))
        if side is not None:
            why.append(f"The {NAMES.get((a, b)[side], (a, b)[side])} side is likely the one to fix.")
        values = {
            **{k: plain(v) for k, v in rec.items()},
            "status": None,
            "explanation": " ".join(why),
            "evidence": json.dumps(plain(f.evidence), ensure_ascii=False, sort_keys=True),
        }
        _append(ws, [values.get(c) for c in columns])
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        ws.cell(r, columns.index("severity") + 1).fill = PatternFill("solid", fgColor=FILLS.get(f.severity, FILLS["info"]))
        _link(ws.cell(r, columns.index("message") + 1), _cell_ref(f, where))
        ws.row_dimensions[r].height = min(LINE_HEIGHT * max(_lines(values["message"], 60), _lines(values["explanation"], 50)) + 4, 409)
    widths = {"status": 14, "severity": 9, "kind": 18, "column": 7, "message": 60, "explanation": 50, "issue": 14, "id": 14, "evidence": 30}
    for k, name in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(k)].width = widths.get(name, 8)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"
    ws.freeze_panes = "B2"
    _status_column(ws, 1)
    _landscape(ws)


ISSUE_COLUMNS = ("status", "severity", "kind", "count", "column", "message", "first", "id")


def _issues_sheet(ws, result: "CheckResult", where: dict) -> None:  # type: ignore[no-untyped-def]
    """One row per issue, worst first; a status here applies to all its occurrences."""
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    _header(ws, list(ISSUE_COLUMNS))
    by_id = {f.id: f for f in result.findings}
    wrap = Alignment(wrap_text=True, vertical="top")
    for issue in result.issues:
        first = by_id.get(issue.findings[0]) if issue.findings else None
        label = ""
        if first is not None:
            a, b = result.alignment.prefixes
            label = " ↔ ".join(f"{p} {row.source.label}" for p, row in ((a, first.left), (b, first.right)) if row is not None)
        _append(ws, [None, str(issue.severity), str(issue.kind), issue.count, issue.column, issue.message, label or None, issue.id])
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        ws.cell(r, 2).fill = PatternFill("solid", fgColor=FILLS.get(str(issue.severity), FILLS["info"]))
        if first is not None:
            _link(ws.cell(r, 7), _cell_ref(first, where))
        ws.row_dimensions[r].height = min(LINE_HEIGHT * _lines(issue.message, 90) + 4, 409)
    widths = {"status": 14, "severity": 9, "kind": 22, "count": 7, "column": 7, "message": 90, "first": 16, "id": 14}
    for k, name in enumerate(ISSUE_COLUMNS, 1):
        ws.column_dimensions[get_column_letter(k)].width = widths[name]
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ISSUE_COLUMNS))}{max(ws.max_row, 1)}"
    ws.freeze_panes = "B2"
    _status_column(ws, 1)
    _landscape(ws)


def _settings_sheet(ws, result: "CheckResult") -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment

    _header(ws, ["setting", "value"])
    settings = {**result.settings, "summary": result.summary()}
    for key in sorted(result.settings) + ["summary"]:
        value = plain(settings[key])
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=key != "summary")
        _append(ws, [key, value])
    for cell in ws["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
