"""Readers: ``read_raw(path) -> RawDocument``, the format chosen by content and suffix.

Each format is a module with ``parse(path, text, encoding)`` (text formats: Markdown, TSV,
HTML, CSV) or ``read(path, data)`` (binary formats: DOCX, XLSX, PDF). A new format registers
itself in :data:`BINARY_READERS` (by suffix and magic bytes) or :data:`TEXT_PARSERS`.

The content decides first: a DOCX named ``.txt`` is read as DOCX. A file whose suffix names a
binary format but whose content is not that format is an error (a ``.docx`` that is really
text, a ``.pdf`` that is garbage); so are images, old binary Office files, password-protected
Office files and OpenDocument files, each with a message that says what to do.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from typing import Callable, Iterator

from ..errors import InputError
from ..model import RawDocument
from . import cals, csv, docx, html, markdown, pdf, tsv, xlsx
from ._rejects import REJECTS
from ._text import decode, read_bytes

TEXT_PARSERS: dict[str, Callable[[str, str, str], RawDocument]] = {
    "markdown": markdown.parse,
    "tsv": tsv.parse,
    "html": html.parse,
    "csv": csv.parse,
    "cals": cals.parse,
}

# suffix -> (format name, magic-byte check, reader). Checked in this order on the content;
# the suffix only says what a file claims to be. The readers import their libraries lazily.
BINARY_READERS: dict[str, tuple[str, Callable[[bytes], bool], Callable[[str, bytes], RawDocument]]] = {
    ".docx": ("docx", docx.is_docx, docx.read),
    ".xlsx": ("xlsx", xlsx.is_xlsx, xlsx.read),
    ".pdf": ("pdf", pdf.is_pdf, pdf.read),
    **REJECTS,  # images, .doc/.xls, encrypted Office files, OpenDocument, other archives
}

# Suffixes that choose a text parser (the content is sniffed for any other suffix).
TEXT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".tsv": "tsv", ".tab": "tsv",
                 ".csv": "csv", ".html": "html", ".htm": "html", ".xhtml": "html", ".xml": "cals"}


def sniff_text_format(text: str, suffix: str = "") -> str:
    """The text parser for ``text``: XML with CALS tables (or any ``.xml`` file) is ``"cals"``;
    an HTML page is ``"html"``; a ``.csv`` file ``"csv"``;
    otherwise ``"markdown"`` or ``"tsv"``, whichever structure the text has more of, and
    ``"text"`` if none.

    >>> sniff_text_format("<html><table><tr><td>a</td></tr></table></html>")
    'html'
    >>> sniff_text_format("a;b\\n1;2\\n", ".csv"), sniff_text_format("A\\tB\\n")
    ('csv', 'tsv')
    """
    if cals.looks_like(text):  # before HTML: a DocBook file may have <table> near its top
        return "cals"
    if html.looks_like(text):
        return "html"
    if suffix in TEXT_SUFFIXES and TEXT_SUFFIXES[suffix] in ("csv", "html", "cals"):
        return TEXT_SUFFIXES[suffix]
    md, tab = markdown.looks_like(text), tsv.looks_like(text)
    if md == 0 and tab == 0:
        return "html" if "<table" in text[:1_000_000].lower() else "text"
    return "markdown" if md >= tab else "tsv"


log = logging.getLogger(__name__)

# The libraries the readers call, which log or warn about what they repair on the way
# (pdfminer: "Data-loss while decompressing corrupted data"). The reader either reads the
# file or raises one InputError; their messages are kept for --debug only.
THIRD_PARTY_LOGGERS = ("pdfminer", "pdfplumber", "openpyxl", "docx", "charset_normalizer", "PIL", "lxml")


class _Relay(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s: %s", record.name, record.getMessage())


@contextlib.contextmanager
def third_party_quiet() -> Iterator[None]:
    """Inside: the readers' libraries' warnings and log records go to bitext's debug log,
    not to stderr. Restores the loggers' settings on the way out."""
    relay = _Relay()
    saved = []
    for name in THIRD_PARTY_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(relay)
        logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            log.debug("warning while reading: %s", w.message)
    finally:
        for logger, propagate in saved:
            logger.removeHandler(relay)
            logger.propagate = propagate


def read_raw(path: "str | os.PathLike[str]", format: str = "auto") -> RawDocument:
    """Read a file into blocks (text and raw tables) without normalising it.

    >>> read_raw("data/loviisa_2021_fi.txt").format
    'tsv'
    """
    with third_party_quiet():
        return _read_raw(path, format)


def _read_raw(path: "str | os.PathLike[str]", format: str) -> RawDocument:
    spath = str(path)
    data = read_bytes(spath)
    suffix = os.path.splitext(spath)[1].lower()
    if format == "auto":
        for name, is_magic, reader in BINARY_READERS.values():
            if is_magic(data):
                return reader(spath, data)
        if suffix in BINARY_READERS:
            name = BINARY_READERS[suffix][0].upper()
            raise InputError(spath, f"has the extension {suffix} but is not a {name} file ({_what(data)})")
    elif format in {v[0] for v in BINARY_READERS.values()}:
        reader = next(v[2] for v in BINARY_READERS.values() if v[0] == format)
        return reader(spath, data)
    text, encoding = decode(spath, data)
    fmt = sniff_text_format(text, suffix) if format == "auto" else format
    if fmt == "text":
        blocks = markdown.parse(spath, text, encoding).blocks
        return RawDocument(spath, "text", encoding, blocks, ("no tables found",))
    if fmt not in TEXT_PARSERS:
        raise InputError(spath, f"unknown format {format!r}")
    return TEXT_PARSERS[fmt](spath, text, encoding)


def _what(data: bytes) -> str:
    """What the content looks like, for the message about a lying extension."""
    try:
        decode("", data)
    except InputError:
        return "its content is binary data"
    return "its content is text"
