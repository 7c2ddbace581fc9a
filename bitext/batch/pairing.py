"""Find the language pairs among many files.

Two files pair when their paths are equal once a language tag is removed: from the file
name (``plan_sv.md`` / ``plan_fi.tsv``, ``asd2010.sv.xml`` / ``asd2010.fi.xml``,
``x-sv.docx`` / ``x-fi.docx``, ``sv_plan.md`` / ``fi_plan.md``, ``id/sv.md`` / ``id/fi.md``)
or from a folder (``sv/a/plan.md`` / ``fi/a/plan.md``). A CSV with columns ``sv,fi`` names
pairs explicitly. Files left without a partner are returned too, with the reason, so the
summary can list them.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> for name in ["plan_sv.md", "plan_fi.tsv", "a.sv.xml", "a.fi.xml", "lonely-sv.docx", "README"]:
...     _ = (root / name).write_text("x")
>>> found = find_pairs([root])
>>> [(p.name, p.sv.name, p.fi.name) for p in found.pairs]
[('a', 'a.sv.xml', 'a.fi.xml'), ('plan', 'plan_sv.md', 'plan_fi.tsv')]
>>> [(u.path.name, u.reason) for u in found.unpaired]
[('README', 'no language tag in the name'), ('lonely-sv.docx', 'no fi partner')]
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..errors import InputError, UsageError

# The tags a name may carry, and the language each one means.
TAGS = {"sv": "sv", "swe": "sv", "fi": "fi", "fin": "fi"}
_SEP = "._-"
# A tag at the end of the stem (plan_sv, asd2010.sv), at its start (sv_plan), or the whole stem (sv).
_END = re.compile(r"^(?P<base>.+?)[._-](?P<tag>[A-Za-z]{2,3})$")
_START = re.compile(r"^(?P<tag>[A-Za-z]{2,3})[._-](?P<base>.+)$")


@dataclass(frozen=True)
class Pair:
    """One document in two languages; ``name`` is unique in a batch and safe as a folder name."""

    name: str
    sv: Path
    fi: Path


@dataclass(frozen=True)
class Unpaired:
    """A file that found no partner, and why."""

    path: Path
    reason: str


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[Pair, ...]
    unpaired: tuple[Unpaired, ...]


def split_tag(relative: Path) -> Optional[tuple[str, tuple[str, ...]]]:
    """``(language, key)`` for a path relative to its input folder, or None without a tag.

    The key is the path with the tag and the file's extension removed (so ``plan_sv.md``
    pairs with ``plan_fi.tsv``).

    >>> split_tag(Path("plan_sv.md")), split_tag(Path("asd2010.fi.xml")), split_tag(Path("x/sv.md"))
    (('sv', ('plan',)), ('fi', ('asd2010',)), ('sv', ('x', '')))
    >>> split_tag(Path("sv/a/plan.md")), split_tag(Path("plan.md"))
    (('sv', ('*', 'a', 'plan')), None)
    """
    parts = list(relative.parts)
    folders = [i for i, p in enumerate(parts[:-1]) if p.lower() in TAGS]
    if folders:  # sv/… and fi/… trees: the deepest tagged folder decides
        i = folders[-1]
        lang = TAGS[parts[i].lower()]
        parts[i] = "*"
        return lang, tuple(parts[:-1]) + (_stem(parts[-1]),)
    stem = _stem(parts[-1])
    if stem.lower() in TAGS:
        return TAGS[stem.lower()], tuple(parts[:-1]) + ("",)
    for pattern in (_END, _START):
        m = pattern.match(stem)
        if m and m["tag"].lower() in TAGS:
            return TAGS[m["tag"].lower()], tuple(parts[:-1]) + (m["base"],)
    return None


def _stem(filename: str) -> str:
    """The name without its extension (one suffix: ``a.sv.xml`` → ``a.sv``)."""
    stem, _ext = os.path.splitext(filename)
    return stem or filename


def _walk(root: Path, exclude: Sequence[Path]) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        # Hidden folders and the batch's own output are not inputs.
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not any(_same(here / d, e) for e in exclude)
        )
        for f in sorted(filenames):
            if not f.startswith("."):
                yield here / f


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _name(key: tuple[str, ...]) -> str:
    """A folder name for a pair: the key's parts joined, odd characters replaced."""
    parts = [p for p in key if p not in ("", "*")]
    if len(parts) > 1 and parts[-1].startswith("."):  # a format suffix: a/.md → a.md
        parts[-2:] = [parts[-2] + parts[-1]]
    name = "__".join(parts) or "pair"
    name = re.sub(r"[^\w.-]+", "_", name).strip("._") or "pair"
    return name


def find_pairs(
    inputs: Sequence["str | os.PathLike[str]"],
    pairs_csv: "str | os.PathLike[str] | None" = None,
    exclude: Sequence["str | os.PathLike[str]"] = (),
) -> Pairing:
    """Pair the files under ``inputs`` (files or folders) and those named in ``pairs_csv``.

    Pairs come sorted by name; a name seen twice gets a ``-2``, ``-3`` suffix.
    """
    excluded = [Path(e) for e in exclude]
    found: list[tuple[tuple[str, ...], Path, Path]] = []
    unpaired: list[Unpaired] = []
    claimed: set[Path] = set()
    if pairs_csv is not None:
        for sv, fi in read_pairs_csv(pairs_csv):
            try:  # named by its path under the CSV's folder: a/sv.md → a
                rel = sv.relative_to(Path(pairs_csv).parent)
            except ValueError:  # outside it: the file's folder and name (id/sv.xml → id)
                rel = Path(sv.parent.name) / sv.name
            tagged = split_tag(rel) or split_tag(Path(sv.name))
            found.append((tagged[1] if tagged else (_stem(sv.name),), sv, fi))
            claimed.update({sv.resolve(), fi.resolve()})
    for index, raw in enumerate(inputs):
        src = Path(raw)
        if src.is_dir():
            root, files = src, list(_walk(src, excluded))
        elif src.is_file():
            root, files = src.parent, [src]
        else:
            raise InputError(src, "no such file or folder")
        groups: dict[tuple[str, ...], dict[str, list[Path]]] = {}
        for path in files:
            if path.resolve() in claimed:
                continue
            tagged = split_tag(path.relative_to(root))
            if tagged is None:
                unpaired.append(Unpaired(path, "no language tag in the name"))
                continue
            lang, key = tagged
            groups.setdefault(key, {"sv": [], "fi": []})[lang].append(path)
        for key in sorted(groups):
            sv, fi = groups[key]["sv"], groups[key]["fi"]
            if len(sv) == 1 and len(fi) == 1:
                found.append((key, sv[0], fi[0]))
                claimed.update({sv[0].resolve(), fi[0].resolve()})
                continue
            # Several formats of one document (a/sv.md, a/sv.xml, a/fi.md, a/fi.xml): pair
            # by format, each pair named with its extension.
            by_ext = {ext: ([p for p in sv if p.suffix.lower() == ext], [p for p in fi if p.suffix.lower() == ext]) for ext in sorted({p.suffix.lower() for p in sv + fi})}
            for ext, (s_ext, f_ext) in by_ext.items():
                if len(s_ext) == 1 and len(f_ext) == 1:
                    found.append((key[:-1] + (key[-1] + ext,), s_ext[0], f_ext[0]))
                    claimed.update({s_ext[0].resolve(), f_ext[0].resolve()})
            sv = [p for p in sv if p.resolve() not in claimed]
            fi = [p for p in fi if p.resolve() not in claimed]
            for lang, mine, other in (("sv", sv, fi), ("fi", fi, sv)):
                other_lang = "fi" if lang == "sv" else "sv"
                for path in mine:
                    if not other:
                        reason = f"no {other_lang} partner"
                    else:
                        reason = f"ambiguous: {len(sv)} sv and {len(fi)} fi files share the name"
                    unpaired.append(Unpaired(path, reason))
    seen: dict[str, int] = {}
    pairs = []
    for key, sv, fi in sorted(found, key=lambda t: (_name(t[0]), str(t[1]), str(t[2]))):
        name = _name(key)
        seen[name] = seen.get(name, 0) + 1
        pairs.append(Pair(name if seen[name] == 1 else f"{name}-{seen[name]}", sv, fi))
    unpaired.sort(key=lambda u: str(u.path))
    return Pairing(tuple(pairs), tuple(unpaired))


def read_pairs_csv(path: "str | os.PathLike[str]") -> list[tuple[Path, Path]]:
    """The ``sv,fi`` rows of a pairs CSV; relative paths are relative to the CSV's folder.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "pairs.csv"
    >>> _ = f.write_text("sv,fi\\na.txt,b.txt\\n")
    >>> [(s.name, t.name) for s, t in read_pairs_csv(f)]
    [('a.txt', 'b.txt')]
    """
    src = Path(path)
    try:
        with open(src, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
            if "sv" not in fields or "fi" not in fields:
                raise UsageError(f"{src}: a pairs CSV needs the columns sv,fi (found: {','.join(fields) or 'none'})")
            reader.fieldnames = fields
            rows = []
            for line, row in enumerate(reader, start=2):
                sv, fi = (row.get("sv") or "").strip(), (row.get("fi") or "").strip()
                if not sv or not fi:
                    raise UsageError(f"{src}, line {line}: both sv and fi are needed")
                rows.append((src.parent / sv, src.parent / fi))
            return rows
    except FileNotFoundError:
        raise InputError(src, "no such file") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(src, f"not a readable CSV ({exc})") from None
