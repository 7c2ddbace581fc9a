"""Opening an Office package (DOCX, XLSX): one place for "damaged or unreadable" errors."""

from __future__ import annotations

import io
import zipfile
from typing import Callable, TypeVar

from ..errors import InputError
from ._limits import check_package

T = TypeVar("T")


def open_package(path: str, data: bytes, name: str, load: Callable[[io.BytesIO], T]) -> T:
    """Check the zip archive (its bounds, then its checksums), then ``load`` it; every failure is one :class:`InputError`
    naming the file (a truncated archive, a corrupt entry, or what the library said)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            check_package(path, z, name)  # before anything is decompressed
            bad = z.testzip()
        if bad is not None:
            raise InputError(path, f"is a damaged {name} file (entry {bad} is corrupt)")
        return load(io.BytesIO(data))
    except InputError:
        raise
    except zipfile.BadZipFile:
        raise InputError(path, f"is a damaged {name} file (truncated or not a complete zip archive)") from None
    except Exception as exc:  # the libraries raise many kinds for malformed packages
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise InputError(path, f"is not a readable {name} file ({reason})") from None
