"""Loading a text file: checks that it is a readable file and decodes it.

Encodings: UTF-8 with or without BOM, UTF-16 (BOM), and otherwise whatever
charset-normalizer finds (cp1252/latin-1 in practice). The choice is returned, so the
report can say which encoding was used.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError

# A table cell of a megabyte is plausible; a 200 MB "document" is not a plan.
MAX_BYTES = 200 * 1024 * 1024


def read_bytes(path: "str | os.PathLike[str]") -> bytes:
    """The file's bytes, or an :class:`InputError` saying why it cannot be read."""
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a directory, not a file")
    if not p.is_file():
        raise InputError(path, "is not a regular file")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(path, f"the file is too large ({size // 2**20} MiB)")
        data = p.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(path, "the file is empty")
    return data


def decode(path: "str | os.PathLike[str]", data: bytes) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding)``. Binary data is an :class:`InputError`."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise InputError(path, "declares UTF-16 but does not decode as UTF-16") from None
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        text, encoding = _detect(path, data)
    if _looks_binary(text):
        raise InputError(path, "looks like binary data, not a text document")
    return text, encoding


def _detect(path: "str | os.PathLike[str]", data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise InputError(path, "looks like binary data, not a text document")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(path, "looks like binary data, not a text document")
    return str(best), best.encoding


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    bad = sample.count("\ufffd")
    return (control + bad) / len(sample) > 0.05


def load_text(path: "str | os.PathLike[str]") -> tuple[str, str]:
    """Read and decode a text file: ``(text, encoding)``."""
    return decode(path, read_bytes(path))
