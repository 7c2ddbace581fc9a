"""Cut the small Finlex excerpts in tests/fixtures/finlex/ from ../shared/data/finlex/dev.

Each excerpt keeps the statute's root element (its namespaces), the text block right before
the chosen table, and the table with its first rows (thead kept; the bytes of every kept
element are the source's, re-serialised by lxml). Source: Semantic Finlex, Ministry of
Justice, Finland, CC BY 4.0 (see ../shared/data/finlex/README.md).

    python scripts/make_finlex_fixtures.py
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "finlex" / "dev"
if not DEV.exists():
    DEV = Path("/work/shared/data/finlex/dev")
OUT = ROOT / "tests" / "fixtures" / "finlex"
ATTRIBUTION = (" Excerpt of Finnish statute {id} ({lang}), {what}. Source: Semantic Finlex, Ministry of Justice,"
               " Finland, CC BY 4.0 (data.finlex.fi, via github.com/eliask/finlex-data). Cut by"
               " scripts/make_finlex_fixtures.py. ")

# (statute, language, 1-based table, body rows kept per tbody, what it shows)
EXCERPTS = [
    ("asd20100242", "sv", 1, 8, "upper-case NAMEST/NAMEEND on the entry's paragraph, spanning group rows, m<sup>2</sup>"),
    ("asd20230064", "sv", 2, 5, "morerows (two row-spanning header cells) and namest/nameend"),
    ("asd20230064", "fi", 2, 5, "the same table without morerows"),
    ("asd20231058", "fi", 1, 4, "a two-row thead"),
    ("asd20180571", "sv", 1, 6, "two tgroups in one table, a table title"),
]


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def cut(pid: str, lang: str, number: int, keep: int, what: str) -> bytes:
    src = DEV / pid / f"{lang}.xml"
    tree = etree.parse(str(src), etree.XMLParser(resolve_entities=False, no_network=True))
    root = tree.getroot()
    tables = [t for t in root.iter() if local(t.tag) == "table"]
    table = tables[number - 1]
    before = table.getprevious()
    new_root = etree.Element(root.tag, nsmap=root.nsmap)
    new_root.append(etree.Comment(ATTRIBUTION.format(id=pid, lang=lang, what=what)))
    part = etree.SubElement(new_root, table.getparent().tag)
    if before is not None:
        part.append(copy.deepcopy(before))
    t = copy.deepcopy(table)
    for body in [e for e in t.iter() if local(e.tag) == "tbody"]:
        for row in [r for r in body if local(r.tag) == "row"][keep:]:
            body.remove(row)
    part.append(t)
    for el in new_root.iter():
        el.tail = "\n" if el.tail is not None and not el.tail.strip() else el.tail
    etree.indent(new_root, space="  ")
    return etree.tostring(new_root, xml_declaration=True, encoding="utf-8") + b"\n"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for pid, lang, number, keep, what in EXCERPTS:
        path = OUT / f"{pid}-{lang}-t{number}.xml"
        path.write_bytes(cut(pid, lang, number, keep, what))
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
