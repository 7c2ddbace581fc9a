"""Loading a text file: checks that it is a readable file and decodes it.

Encodings: UTF-8 with or without BOM, UTF-16 (with a BOM, or without one when the NUL
bytes say so), cp1252/latin-1 when the non-ASCII characters are those of Swedish and Finnish
text, and otherwise whatever charset-normalizer finds. The choice is returned, so the
report can say which encoding was used.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ._limits import MAX_BYTES


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
            raise InputError(path, f"the file is too large ({size // 2**20} MiB; bitext reads files of at most {MAX_BYTES // 2**20} MiB)")
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


# Non-ASCII characters of Swedish and Finnish text (and typography) as they come out of a
# cp1252 decoding: when nearly all of a file's non-ASCII characters are among these, the file
# is cp1252/latin-1 (charset-normalizer alone may guess mac_iceland for short Finnish texts).
_NORDIC = set("åäöÅÄÖéÉèüÜøØæÆšžŠŽáàâêëíïóôúçñÑ–—’‘“”„…•€°§½¼¾±×´«»\u00a0")


def _utf16_without_bom(data: bytes) -> "str | None":
    """UTF-16 text without a byte-order mark: NULs at every other byte of an ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros > 0.6 * half and (even if enc == "utf-16-le" else odd) < 0.05 * half:
            try:
                return enc if data.decode(enc) else None
            except UnicodeDecodeError:
                return None
    return None


def _cp1252(data: bytes) -> "tuple[str, str] | None":
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    high = [ch for ch in text if ord(ch) > 127]
    if not high or sum(1 for ch in high if ch in _NORDIC) < 0.9 * len(high):
        return None
    # Bytes 0x80-0x9F are printable only in cp1252; without them the text is also latin-1.
    return text, "cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1"


def _detect(path: "str | os.PathLike[str]", data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        enc = _utf16_without_bom(data)
        if enc:
            return data.decode(enc), enc
        raise InputError(path, "looks like binary data, not a text document")
    western = _cp1252(data)
    if western is not None:
        return western
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
