"""Spreadsheets (XLSX, openpyxl): each visible sheet is one table, its first row the header.

Quirks handled:

- title rows above the table (rows with a single filled cell, e.g. a merged title across
  the sheet) become paragraphs before the table, so they serve as its heading;
- merged cells keep their value in the top-left cell only (openpyxl leaves the rest empty),
  which is what the normaliser's merged-first-cell rule expects;
- numbers are written as people typed them (``2021``, not ``2021.0``), dates as ISO dates;
  formulas give their cached value;
- empty trailing rows and columns (formatting that extends the used range) are dropped;
  empty rows are never built (a row numbered a billion costs one row, not a billion);
  hidden sheets and chart sheets are skipped.

Not yet: several tables on one sheet (separated by empty rows) are read as one table.

Provenance: ``Source(path, ref="Sheet1!7")``: the sheet and the spreadsheet row number.
"""

from __future__ import annotations

import datetime as _dt
import io

from ..errors import InputError
from ..model import Block, RawDocument, RawRow, RawTable, Source, TextBlock
from ._grid import trim
from ._limits import MAX_SHEET_ROWS, Bounds
from ._package import open_package


def is_xlsx(data: bytes) -> bool:
    """A zip archive with an ``xl/`` part (a truncated file still counts: reported as damaged)."""
    return data[:4] == b"PK\x03\x04" and b"xl/" in data and b"word/" not in data


def cell_text(value: object) -> str:
    """A cell value as text.

    >>> cell_text(2021.0), cell_text(0.5), cell_text(None), cell_text(True)
    ('2021', '0.5', '', 'TRUE')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _open(path: str, data: bytes):  # type: ignore[no-untyped-def]
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a runtime dependency
        from ..errors import DependencyError

        raise DependencyError("reading XLSX needs openpyxl: pip install openpyxl") from None
    import warnings

    def load(buffer: io.BytesIO):  # type: ignore[no-untyped-def]
        with warnings.catch_warnings():  # openpyxl warns about unsupported extensions
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(buffer, read_only=True, data_only=True)

    return open_package(path, data, "XLSX", load)


def _sheet_rows(ws, bounds: Bounds) -> list[tuple[int, list[str]]]:  # type: ignore[no-untyped-def]
    """The rows of a read-only worksheet that hold a value: ``(row number, cell texts)``.

    Streams the sheet's XML with openpyxl's own row parser rather than ``iter_rows``, which
    yields every empty row up to the highest row number (a row claiming ``r="1000000000"``
    would be a billion empty rows) and pads each row to the widest column. Empty rows are
    skipped here without being built; the bounds are checked as rows come.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    parent = ws.parent
    out: list[tuple[int, list[str]]] = []
    elements = 0
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=parent.data_only, epoch=parent.epoch,
                                 date_formats=parent._date_formats, timedelta_formats=parent._timedelta_formats)
        for number, cells in parser.parse():
            elements += 1
            if elements > MAX_SHEET_ROWS:
                raise InputError(bounds.path, f"sheet {ws.title} has more than {MAX_SHEET_ROWS:,} rows, more than a spreadsheet can hold")
            filled = {c["column"]: cell_text(c["value"]) for c in cells if c.get("value") is not None}
            filled = {col: text for col, text in filled.items() if text}
            if not filled:
                continue
            width = max(filled)
            bounds.row(width, f"row {ws.title}!{number}")
            out.append((number, [filled.get(col, "") for col in range(1, width + 1)]))
    return out


def read(path: str, data: bytes) -> RawDocument:
    """Read every visible sheet of a workbook as one table.

    >>> doc = read("tests/fixtures/loviisa_2021_fi.xlsx",
    ...            open("tests/fixtures/loviisa_2021_fi.xlsx", "rb").read())
    >>> table = next(b for b in doc.blocks if hasattr(b, "rows"))
    >>> doc.format, table.header_rows, table.rows[1].source.ref
    ('xlsx', 1, 'T1!5')
    """
    wb = _open(path, data)
    blocks: list[Block] = []
    bounds = Bounds(path)
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible" or not hasattr(ws, "iter_rows"):
                continue
            bounds.table()
            numbered = _sheet_rows(ws, bounds)
            rows = trim([cells for _, cells in numbered])
            numbered = [(n, cells) for (n, _), cells in zip(numbered, rows)]
            k = 0
            # Title rows: a single filled cell above the first row with two or more.
            while k < len(numbered) and sum(1 for c in numbered[k][1] if c.strip()) <= 1:
                text = " ".join(c for c in numbered[k][1] if c.strip())
                if text:
                    blocks.append(TextBlock(text, Source(path, ref=f"{ws.title}!{numbered[k][0]}")))
                k += 1
            body = [(n, cells) for n, cells in numbered[k:] if any(c.strip() for c in cells)]
            if not body:
                continue
            raw = tuple(RawRow(tuple(cells), Source(path, ref=f"{ws.title}!{n}")) for n, cells in body)
            blocks.append(RawTable(raw, Source(path, ref=ws.title), 1))
    except InputError:
        raise
    except Exception as exc:  # a sheet that fails to parse while streaming
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise InputError(path, f"is not a readable XLSX file ({reason})") from None
    finally:
        wb.close()
    notes = () if any(isinstance(b, RawTable) for b in blocks) else ("no tables found in the workbook",)
    return RawDocument(path, "xlsx", "", tuple(blocks), notes)
