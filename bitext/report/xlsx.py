"""The XLSX report: a side-by-side sheet, the findings and the settings, for a spreadsheet.

``Side by side`` has one row per link (line numbers, relation, score, the cells of both
rows, then the provenance labels); cells with findings are filled with the severity's colour
and carry a comment with the messages. ``Findings`` is
:func:`~bitext.report.frames.findings_frame` with an autofilter, each finding linked to its
row; ``Settings`` records what produced the report.

>>> import bitext, openpyxl, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "report.xlsx")
>>> write_xlsx(bitext.check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt"), path)
>>> openpyxl.load_workbook(path).sheetnames
['Side by side', 'Findings', 'Settings']
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

SIDE_BY_SIDE, FINDINGS, SETTINGS = "Side by side", "Findings", "Settings"
# Fill colours (ARGB) by severity: light enough to read the text on.
FILLS = {"error": "FFF8CBC6", "warning": "FFFFE8A3", "info": "FFCFE0F7"}
HEADER_FILL = "FFE5E7EB"
CELL_WIDTH = 42  # characters: wide enough for a sentence a line, narrow enough for 12 columns


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
    ws = wb.active
    ws.title = SIDE_BY_SIDE
    row_of = _side_by_side(ws, result)
    _findings_sheet(wb.create_sheet(FINDINGS), result, row_of)
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


def _side_by_side(ws, result: "CheckResult") -> dict[tuple, int]:  # type: ignore[no-untyped-def]
    """Fill the side-by-side sheet; returns (side, row key) → sheet row number, for the links."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    alignment = result.alignment
    a, b = alignment.prefixes
    wa, wb = alignment.left.width, alignment.right.width
    # The alignment frame's columns (the CSV contract), in sheet order.
    columns = [f"{a}_line", f"{b}_line", "relation", "score"]
    columns += [f"{a}_c{k + 1}" for k in range(wa)] + [f"{b}_c{k + 1}" for k in range(wb)]
    columns += [f"{a}_ref", f"{b}_ref"]
    names = [c.replace("_", " ") for c in columns]
    _header(ws, names)
    first_cell = (5, 5 + wa)  # sheet column of c1 on each side
    # The table headers (the column names of the first table) as header comments: the sheet's
    # own header row stays short.
    for side, doc, width in ((0, alignment.left, wa), (1, alignment.right, wb)):
        if doc.tables:
            for c, text in enumerate(doc.tables[0].header[:width]):
                ws.cell(1, first_cell[side] + c).comment = Comment(xml_safe(text), "bitext")

    row_of: dict[tuple, int] = {}
    wrap = Alignment(wrap_text=True, vertical="top")
    frame = alignment.to_frame()
    for link, record in zip(alignment.links, frame[columns].itertuples(index=False)):
        values = [plain(v) for v in record]
        _append(ws, [None if v == "" else v for v in values])  # empty cells, not empty strings
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        for side, row in enumerate((link.left, link.right)):
            if row is not None:
                row_of[(side, row.rowkey)] = r

    # Findings → the cells they are about: one column, or a whole side's row (column None:
    # every cell filled, the message once, on the line number).
    fills: dict[tuple[int, int], list["Finding"]] = {}
    comments: dict[tuple[int, int], list["Finding"]] = {}
    for f in result.findings:
        for side, row, width in ((0, f.left, wa), (1, f.right, wb)):
            if row is None or (side, row.rowkey) not in row_of:
                continue
            r, line_col = row_of[(side, row.rowkey)], 1 + side
            if f.column is not None and 1 <= f.column <= width:
                cols, note = [first_cell[side] + f.column - 1], first_cell[side] + f.column - 1
            else:
                cols, note = [line_col] + [first_cell[side] + c for c in range(width)], line_col
            for col in cols:
                fills.setdefault((r, col), []).append(f)
            comments.setdefault((r, note), []).append(f)
    for (r, col), found in fills.items():
        ws.cell(r, col).fill = PatternFill("solid", fgColor=FILLS.get(worst(f.severity for f in found), FILLS["info"]))
    for (r, col), found in comments.items():
        comment = Comment(_comment_text(found), "bitext")
        comment.width, comment.height = 320, 40 + 60 * len(found)
        ws.cell(r, col).comment = comment

    widths = [9, 9, 10, 7] + [CELL_WIDTH] * (wa + wb) + [10, 10]
    for k, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(k)].width = width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(ws.max_row, 1)}"
    return row_of


def _findings_sheet(ws, result: "CheckResult", row_of: dict[tuple, int]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    frame = result.findings_frame()
    columns = [str(c) for c in frame.columns]
    _header(ws, columns)
    wrap = Alignment(wrap_text=True, vertical="top")
    for f, values in zip(result.findings, frame.itertuples(index=False, name=None)):
        _append(ws, [plain(v) for v in values])
        r = ws.max_row
        for cell in ws[r]:
            cell.alignment = wrap
        ws.cell(r, columns.index("severity") + 1).fill = PatternFill("solid", fgColor=FILLS.get(f.severity, FILLS["info"]))
        target = (0, f.left.rowkey) if f.left is not None else (1, f.right.rowkey) if f.right is not None else None
        if target is not None and target in row_of:
            # Jump to the row in the side-by-side sheet.
            cell = ws.cell(r, columns.index("message") + 1)
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{SIDE_BY_SIDE}'!A{row_of[target]}", display=cell.value)
            cell.font = Font(color="FF1D4ED8", underline="single")
    widths = {"kind": 20, "severity": 10, "column": 8, "message": 80, "evidence": 50}
    for k, name in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(k)].width = widths.get(name, 10)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"


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

