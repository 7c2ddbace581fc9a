"""The readers' bounds, in one place: how big a document bitext agrees to read.

A municipal plan or a statute is a few hundred rows of a few columns; these bounds are far
above any real document and far below what makes a hostile file cost minutes or gigabytes
(a zip bomb, a spreadsheet row numbered a billion, a line of 300,000 cells). Above a bound
the reader stops with one :class:`~bitext.errors.InputError` naming the file, the bound and
how big the document was; it never reads on to find out.

>>> b = Bounds("x.tsv")
>>> b.row(3, "line 2")
>>> try:
...     b.row(MAX_COLUMNS + 1, "line 3")
... except InputError as exc:
...     print(exc)
x.tsv: line 3 has 1,025 cells; bitext reads tables of at most 1024 columns
"""

from __future__ import annotations

import re
import zipfile
from typing import Callable

from ..errors import InputError

MAX_BYTES = 200 * 2**20  # an input file, as stored on disk
MAX_PACKAGE_BYTES = 512 * 2**20  # a DOCX/XLSX: all members together, uncompressed
MAX_PART_BYTES = 64 * 2**20  # one XML part (a worksheet, word/document.xml), uncompressed
MAX_XML_ELEMENTS = 2_000_000  # elements of the XML parts a library loads whole (a DOCX body)
MAX_COLUMNS = 1024  # cells in one table row
MAX_ROWS = 200_000  # rows with content in one table (or one sheet)
MAX_CELLS = 2_000_000  # cells in all tables of one document
MAX_SHEET_ROWS = 1_048_576  # row elements in one worksheet: Excel's own limit


def _n(value: int) -> str:
    return f"{value:,}"


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size >= 2**20 else f"{size:,} bytes"


class Bounds:
    """Counts the rows and cells of one document as a reader produces them."""

    def __init__(self, path: str):
        self.path = path
        self.cells = 0
        self.rows = 0  # rows of the current table

    def table(self) -> None:
        """A new table starts: its row count starts again."""
        self.rows = 0

    def row(self, cells: int, where: str) -> None:
        """One more row of ``cells`` cells at ``where`` (``"line 12"``, ``"Sheet1!7"``)."""
        if cells > MAX_COLUMNS:
            raise InputError(self.path, f"{where} has {_n(cells)} cells; bitext reads tables of at most {MAX_COLUMNS} columns")
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise InputError(self.path, f"a table has more than {_n(MAX_ROWS)} rows (at {where}); bitext reads tables of at most {_n(MAX_ROWS)} rows")
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise InputError(self.path, f"the tables have more than {_n(MAX_CELLS)} cells (at {where}); bitext reads documents of at most {_n(MAX_CELLS)} cells")


def _is_tree_part(name: str) -> bool:
    """The XML parts python-docx/openpyxl parse into a whole tree in memory (openpyxl
    streams worksheets; bitext bounds their rows as they come)."""
    return name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/")


def check_package(path: str, archive: zipfile.ZipFile, name: str,
                  tree_part: Callable[[str], bool] = _is_tree_part) -> None:
    """Refuse a DOCX/XLSX whose members would decompress beyond the bounds (a zip bomb),
    from the sizes the archive declares (decompressing checks them: a member that inflates
    beyond its declared size is a damaged file), or whose XML parts loaded whole hold more
    than :data:`MAX_XML_ELEMENTS` elements (a body of millions of empty paragraphs)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_PART_BYTES:
            raise InputError(
                path,
                f"the {name} part {info.filename} is {_mib(info.file_size)} uncompressed; "
                f"bitext reads parts of at most {_mib(MAX_PART_BYTES)}",
            )
    if total > MAX_PACKAGE_BYTES:
        raise InputError(path, f"the {name} file is {_mib(total)} uncompressed; bitext reads at most {_mib(MAX_PACKAGE_BYTES)}")
    elements = 0
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _count_sheet_rows(path, archive, info)
        if not tree_part(info.filename):
            continue
        with archive.open(info) as part:
            while chunk := part.read(2**20):
                # Start tags, counted on the bytes: an upper bound of the elements (comments
                # and processing instructions count too), without parsing anything.
                elements += chunk.count(b"<") - chunk.count(b"</")
                if elements > MAX_XML_ELEMENTS:
                    raise InputError(
                        path,
                        f"the {name} file has more than {_n(MAX_XML_ELEMENTS)} XML elements (in {info.filename}); "
                        f"bitext reads documents of at most {_n(MAX_XML_ELEMENTS)}",
                    )


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _count_sheet_rows(path: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """A worksheet with more row elements than a spreadsheet can hold, refused on the bytes
    (streaming a million empty rows through openpyxl would take a while)."""
    rows = 0
    with archive.open(info) as part:
        while chunk := part.read(2**20):
            rows += len(_ROW_TAG.findall(chunk))
            if rows > MAX_SHEET_ROWS:
                raise InputError(path, f"{info.filename} has more than {_n(MAX_SHEET_ROWS)} rows, more than a spreadsheet can hold")
