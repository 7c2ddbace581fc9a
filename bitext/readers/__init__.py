"""Readers: ``read_raw(path) -> RawDocument``, the format chosen by content and suffix.

Each format is a module with ``parse(path, text, encoding)`` (text formats) or
``read(path)`` (binary formats). A new format registers itself in :data:`BINARY_READERS`
(by suffix and magic bytes) or :data:`TEXT_PARSERS`.
"""

from __future__ import annotations

import os
from typing import Callable

from ..errors import InputError
from ..model import RawDocument
from . import markdown, tsv
from ._text import decode, read_bytes

TEXT_PARSERS: dict[str, Callable[[str, str, str], RawDocument]] = {
    "markdown": markdown.parse,
    "tsv": tsv.parse,
}

# suffix -> (format name, magic-byte check, reader). Filled by the binary-format modules.
BINARY_READERS: dict[str, tuple[str, Callable[[bytes], bool], Callable[[str, bytes], RawDocument]]] = {}


def sniff_text_format(text: str) -> str:
    """``"markdown"`` or ``"tsv"``, whichever structure the text has more of; ``"text"`` if none."""
    md, tab = markdown.looks_like(text), tsv.looks_like(text)
    if md == 0 and tab == 0:
        return "text"
    return "markdown" if md >= tab else "tsv"


def read_raw(path: "str | os.PathLike[str]", format: str = "auto") -> RawDocument:
    """Read a file into blocks (text and raw tables) without normalising it.

    >>> read_raw("data/loviisa_2021_fi.txt").format
    'tsv'
    """
    spath = str(path)
    data = read_bytes(spath)
    suffix = os.path.splitext(spath)[1].lower()
    if format == "auto":
        for name, is_magic, reader in BINARY_READERS.values():
            if is_magic(data):
                return reader(spath, data)
        if suffix in BINARY_READERS:
            name = BINARY_READERS[suffix][0]
            raise InputError(spath, f"has the extension {suffix} but is not a valid {name} file")
    elif format in {v[0] for v in BINARY_READERS.values()}:
        reader = next(v[2] for v in BINARY_READERS.values() if v[0] == format)
        return reader(spath, data)
    text, encoding = decode(spath, data)
    fmt = sniff_text_format(text) if format == "auto" else format
    if fmt == "text":
        blocks = markdown.parse(spath, text, encoding).blocks
        return RawDocument(spath, "text", encoding, blocks, ("no tables found",))
    if fmt not in TEXT_PARSERS:
        raise InputError(spath, f"unknown format {format!r}")
    return TEXT_PARSERS[fmt](spath, text, encoding)
