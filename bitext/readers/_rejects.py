"""Files recognised by their content only to be refused with a useful message: images, old
binary Office files, password-protected Office files (an encrypted DOCX/XLSX is an OLE
compound file holding an ``EncryptedPackage``), OpenDocument files and other archives.
"""

from __future__ import annotations

from typing import Callable, NoReturn

from ..errors import InputError
from ..model import RawDocument

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _encrypted_office(data: bytes) -> bool:
    return data.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in data


def _ole(data: bytes) -> bool:
    return data.startswith(_OLE) and not _encrypted_office(data)


def _opendocument(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and data[30:38] == b"mimetype" and b"opendocument" in data[38:120]


def _zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _refuse(problem: str) -> Callable[[str, bytes], RawDocument]:
    def refuse(path: str, data: bytes) -> NoReturn:
        raise InputError(path, problem)

    return refuse


_SAVE_AS = "save it as .docx, .xlsx, .pdf, .html or text and try again"

# suffix -> (name, magic check, refusing reader); checked after DOCX/XLSX/PDF.
REJECTS: dict[str, tuple[str, Callable[[bytes], bool], Callable[[str, bytes], RawDocument]]] = {
    ".encrypted": ("encrypted Office", _encrypted_office,
                   _refuse("is password-protected (an encrypted Office file); remove the password and try again")),
    ".doc": ("Word 97-2003", _ole,
             _refuse(f"is an old binary Office file (.doc/.xls/.ppt), which bitext cannot read; {_SAVE_AS}")),
    ".odt": ("OpenDocument", _opendocument,
             _refuse(f"is an OpenDocument file (.odt/.ods), which bitext cannot read; {_SAVE_AS}")),
    ".zip": ("ZIP", _zip, _refuse("is a ZIP archive but not a DOCX or XLSX document")),
    ".png": ("PNG", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"),
             _refuse("is a PNG image, not a document; bitext needs the text (DOCX, PDF with text, HTML, XLSX or text)")),
    ".jpg": ("JPEG", lambda d: d.startswith(b"\xff\xd8\xff"),
             _refuse("is a JPEG image, not a document; bitext needs the text (DOCX, PDF with text, HTML, XLSX or text)")),
    ".gif": ("GIF", lambda d: d.startswith((b"GIF87a", b"GIF89a")),
             _refuse("is a GIF image, not a document; bitext needs the text")),
    ".tif": ("TIFF", lambda d: d.startswith((b"II*\x00", b"MM\x00*")),
             _refuse("is a TIFF image, not a document; bitext needs the text")),
    ".rtf": ("RTF", lambda d: d.startswith(b"{\\rtf"),
             _refuse(f"is an RTF file, which bitext cannot read; {_SAVE_AS}")),
}
for _alias, _target in {".xls": ".doc", ".ppt": ".doc", ".ods": ".odt", ".jpeg": ".jpg", ".tiff": ".tif",
                        ".docm": ".zip", ".xlsm": ".zip"}.items():
    # Same check and message under the other suffixes, for the "wrong extension" message.
    REJECTS[_alias] = REJECTS[_target]
