"""Write a file so that a reader sees the old content or the new, never half of it.

Private to the batch until the shared ``bitext/report/output.py`` (``write_atomic``) lands;
then this should call that.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> write_atomic(p, "one"); write_atomic(p, "two"); p.read_text(), sorted(x.name for x in p.parent.iterdir())
('two', ['a.txt'])
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: "str | os.PathLike[str]", text: str) -> None:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it over ``path``."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
