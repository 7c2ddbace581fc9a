"""Tables that are lists of names laid out in a grid (bitext.checks.lists), on a real
statute: asd20200754 lists each water-management area's municipalities in five columns,
each version in its own language's alphabetical order (tests/fixtures/finlex/: Semantic
Finlex, Ministry of Justice, Finland, CC BY 4.0)."""

from __future__ import annotations

import re
from pathlib import Path

import bitext

FIX = Path(__file__).parent / "fixtures" / "finlex"
SV, FI = FIX / "asd20200754-sv-lists.xml", FIX / "asd20200754-fi-lists.xml"


def _kinds(result):  # type: ignore[no-untyped-def]
    return [f.kind.value for f in result.findings if f.severity.value != "info"]


def test_a_grid_of_names_sorted_by_each_language_is_compared_as_a_list():
    r = bitext.check(SV, FI)
    lists = [f for f in r.findings if f.evidence.get("structure") == "grid_list"]
    assert [f.evidence["items"] for f in lists] == [[48, 48], [22, 22]]
    # Row by row, the two sort orders put Uleåborg (Oulu) and Ijo (Ii) in other rows: before,
    # every such row was a missing_row in both versions.
    assert _kinds(r) == []


def test_a_name_dropped_from_one_list_is_an_omission(tmp_path):
    text = FI.read_text(encoding="utf-8")
    # Drop "Kemijärvi" from the Finnish list of the Kemijoki area (its cell left empty).
    assert text.count("Kemijärvi") == 1
    (tmp_path / "fi.xml").write_text(text.replace("Kemijärvi", ""), encoding="utf-8")
    r = bitext.check(SV, tmp_path / "fi.xml")
    omissions = [f for f in r.findings if f.kind.value == "omission"]
    assert len(omissions) == 1 and omissions[0].left is not None and omissions[0].right is None
    assert "Kemijärvi" in omissions[0].message and omissions[0].evidence["list_items"] == [22, 21]
    assert [k for k in _kinds(r) if k != "omission"] == []


def test_a_table_of_two_name_columns_whose_rows_pair_is_still_read_as_rows(tmp_path):
    """fi | sv name tables (the same names in two columns, rows that correspond) stay tables."""
    rows = [("Helsinki", "Helsingfors"), ("Espoo", "Esbo"), ("Vantaa", "Vanda"), ("Turku", "Åbo"), ("Porvoo", "Borgå"),
            ("Loviisa", "Lovisa"), ("Hanko", "Hangö"), ("Kokkola", "Karleby"), ("Vaasa", "Vasa"), ("Raasepori", "Raseborg")]
    for lang, intro in (("sv", "Kommunerna är följande i hela landet:"), ("fi", "Kunnat ovat seuraavat koko maassa:")):
        body = "\n".join(f"| {a} | {b} |" for a, b in rows)
        (tmp_path / f"{lang}.md").write_text(f"{intro}\n\n| | |\n|---|---|\n{body}\n", encoding="utf-8")
    r = bitext.check(tmp_path / "sv.md", tmp_path / "fi.md", same_language=False)
    assert not [f for f in r.findings if f.evidence.get("structure") == "grid_list"]
    assert re.search("match", str(r.summary()["links"]))
