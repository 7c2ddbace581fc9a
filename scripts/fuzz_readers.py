"""Coverage-guided fuzzing of the readers with atheris (libFuzzer): ``read_raw`` +
``normalize`` on mutated bytes of every format. A reader either returns a document or raises
a :class:`~bitext.errors.BitextError` with a one-line message naming the file; anything else
(another exception, a second line, a hang over ``-timeout`` seconds, more than
``-rss_limit_mb`` of memory) is a crash, and libFuzzer saves the input as ``crash-*``.

The seeds are the test fixtures (DOCX, XLSX, PDF, HTML, the seed texts) and a few tables;
the first byte of an input picks the file suffix, so the same bytes are also tried under a
lying extension.

Usage (pip install atheris)::

    python scripts/fuzz_readers.py [-max_total_time=300] [-timeout=60] [-rss_limit_mb=4096] [corpus_dir]

Prints the number of runs at the end (libFuzzer's ``Done N runs``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["bitext"]):
    from bitext.errors import BitextError
    from bitext.normalize import normalize
    from bitext.readers import read_raw

SUFFIXES = [".md", ".tsv", ".csv", ".html", ".docx", ".xlsx", ".pdf", ".txt", ""]
WORK = Path(tempfile.mkdtemp(prefix="bitext-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))


def one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    path = WORK / f"input{suffix}"
    path.write_bytes(data[1:])
    try:
        normalize(read_raw(path))
    except BitextError as exc:
        message = str(exc)
        if "\n" in message or not message.startswith(str(path)):
            raise AssertionError(f"not a one-line error naming the file: {message!r}") from None


def seeds(corpus: Path) -> None:
    """Fill an empty corpus with the fixtures, each under its own suffix."""
    if any(corpus.iterdir()):
        return
    files = sorted((ROOT / "tests" / "fixtures").iterdir()) + sorted((ROOT / "data").glob("*.txt"))
    for k, f in enumerate(files):
        # The seed PDFs of the plans take seconds each in pdfplumber: small PDFs only, so
        # the fuzzer mutates rather than waits.
        if f.is_file() and f.stat().st_size < (20_000 if f.suffix == ".pdf" else 1_000_000):
            suffix = f.suffix.lower() if f.suffix.lower() in SUFFIXES else ".txt"
            (corpus / f"seed{k}").write_bytes(bytes([SUFFIXES.index(suffix)]) + f.read_bytes())
    tables = ["| A | B |\n|--|--|\n| =1+1 | x |\n", "A\tB\n1\t2\n\n3\t4\n", "a;b\n\"x\ny\";2\n",
              "<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td></tr></table>"]
    for k, t in enumerate(tables):
        (corpus / f"table{k}").write_bytes(bytes([k]) + t.encode("utf-8"))


def main() -> None:
    args = [a for a in sys.argv[1:]]
    dirs = [a for a in args if not a.startswith("-")]
    if not dirs:
        corpus = ROOT / ".fuzz-corpus"
        corpus.mkdir(exist_ok=True)
        args.append(str(corpus))
        dirs = [str(corpus)]
    seeds(Path(dirs[0]))
    defaults = {"-timeout": "60", "-rss_limit_mb": "4096", "-max_len": "2000000"}
    for flag, value in defaults.items():
        if not any(a.startswith(flag + "=") for a in args):
            args.append(f"{flag}={value}")
    atheris.Setup([sys.argv[0], *args], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
