"""Each check kind on the real seed pair (what it must and must not report) and on copies of
the seeds with the defect put in."""

from __future__ import annotations

import pytest

import bitext
from bitext.checks import numbers
from conftest import FI, SV
from helpers import delete, duplicate, edited, move, replace_line


@pytest.fixture(scope="module")
def seed_result():
    return bitext.check(SV, FI)


def kinds_at(result, kind):
    return {(f.left.source.line if f.left else None, f.right.source.line if f.right else None, f.column) for f in result.findings if f.kind == kind}


def new_findings(result, base):
    """Findings of ``result`` that the seed result does not have: same kind and column, and
    the same text on at least one side counts as the same finding (the edit changes the
    other side, and line numbers move)."""
    old_left = {(f.kind, f.column, f.left.texts) for f in base.findings if f.left}
    old_right = {(f.kind, f.column, f.right.texts) for f in base.findings if f.right}

    def is_old(f):
        return (f.left and (f.kind, f.column, f.left.texts) in old_left) or (f.right and (f.kind, f.column, f.right.texts) in old_right)

    return [f for f in result.findings if not is_old(f)]


def fi_cells(line):
    return FI.read_text(encoding="utf-8").split("\n")[line - 1].split("\t")


def sv_cells(line):
    raw = SV.read_text(encoding="utf-8").split("\n")[line - 1]
    return [c.strip() for c in raw.strip().strip("|").split("|")]


def sv_line(cells):
    return "| " + " | ".join(cells) + " |"


# --- the seed pair: what a careful translator would flag, and little else ---------------------


def test_seed_real_problems(seed_result):
    r = seed_result
    assert kinds_at(r, "column_shift") == {(39, 34, None), (25, 23, None)}
    assert (37, 30, 5) in kinds_at(r, "wrong_language")  # Finnish "ja" in the Swedish cell
    ja = next(f for f in r.findings if f.kind == "wrong_language")
    assert ja.evidence["words"] == ["ja"]
    mism = kinds_at(r, "cell_mismatch")
    assert (14, 13, 2) in mism  # "Verksamhet som genomförs." vs "Hoitopolun valmistuminen"
    assert (61, 53, 4) in mism  # SV reuses another row's action plan
    # The responsible body: "Grundtrygghetscentralen" (the centre) where the Finnish names
    # the committee, reported on every such row and never on a "Grundtrygghetsnämnden" row.
    terms = [f for f in r.findings if f.kind == "inconsistent_translation" and f.evidence.get("term") == "Perusturvalautakunta"]
    assert len(terms) >= 40
    assert all(f.left.cells[4].text.startswith("Grundtrygghetscentralen") for f in terms)
    assert all(f.evidence["reference"] == "Grundtrygghetsnämnden" for f in terms)


def test_seed_stays_quiet(seed_result, gold_pairs):
    r = seed_result
    for kind in ("missing_row", "duplicate_row", "number_mismatch", "empty_cell", "untranslated", "truncated", "missing_section", "section_order"):
        assert not kinds_at(r, kind), kind
    # Rows the gold calls faithful in every column get nothing.
    clean = {(int(g.sv_line), int(g.fi_line)) for g in gold_pairs.itertuples() if not isinstance(g.labels, str)}
    assert clean
    flagged = {(f.left.source.line, f.right.source.line) for f in r.findings if f.left and f.right}
    assert not clean & flagged
    # "årskurs 7" vs "yläkouluun siirtyvien" and "3,5 årsverken" vs "3,5 henkilötyövuotta" are fine.
    assert not [f for f in r.findings if f.kind == "number_mismatch"]


def test_numbers_language_aware():
    assert numbers("3,5 årsverken", "sv")[0] == numbers("3,5 henkilötyövuotta", "fi")[0] == {"3.5"}
    assert numbers("klockan 15", "sv")[0] == numbers("klo 15", "fi")[0]
    assert numbers("kuuden kuukauden", "fi")[1] == {"6"}
    assert numbers("1 000 euroa", "fi")[0] == {"1000"}


# --- defects put in -------------------------------------------------------------------------


def test_missing_row(tmp_path, seed_result):
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", delete(52)))
    new = new_findings(r, seed_result)
    assert [(f.kind, f.severity, f.left.source.line, f.right) for f in new] == [("missing_row", "error", 60, None)]
    assert "Minskningarna utfaller planenligt." in new[0].message


def test_duplicate_row(tmp_path, seed_result):
    r = bitext.check(edited(SV, tmp_path / "sv.txt", duplicate(23)), FI)
    new = new_findings(r, seed_result)
    assert [f.kind for f in new] == ["duplicate_row"]
    assert new[0].evidence["first_copy"] == "23"


def test_number_changed(tmp_path, seed_result):
    cells = fi_cells(154)
    assert "3,5" in cells[5]
    cells[5] = cells[5].replace("3,5", "4,5")
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", replace_line(154, "\t".join(cells))))
    new = new_findings(r, seed_result)
    assert [(f.kind, f.left.source.line, f.right.source.line, f.column) for f in new] == [("number_mismatch", 178, 154, 6)]
    assert "3.5" in new[0].message and "4.5" in new[0].message


def test_report_cells_swapped(tmp_path, seed_result):
    a, b = fi_cells(58), fi_cells(60)
    a[5], b[5] = b[5], a[5]
    fi = edited(FI, tmp_path / "fi.txt", lambda ls: replace_line(60, "\t".join(b))(replace_line(58, "\t".join(a))(ls)))
    r = bitext.check(SV, fi)
    new = {(f.kind, f.left.source.line, f.right.source.line, f.column) for f in new_findings(r, seed_result)}
    assert {("cell_mismatch", 67, 58, 6), ("cell_mismatch", 69, 60, 6)} <= new


def test_finnish_pasted_into_swedish(tmp_path, seed_result):
    cells = sv_cells(60)
    cells[5] = fi_cells(52)[5]  # the same row's Finnish report, copied
    r = bitext.check(edited(SV, tmp_path / "sv.txt", replace_line(60, sv_line(cells))), FI)
    new = [(f.kind, f.left.source.line, f.column) for f in new_findings(r, seed_result)]
    assert new == [("untranslated", 60, 6)]
    cells[5] = fi_cells(53)[5]  # another row's Finnish text: in the wrong language
    r = bitext.check(edited(SV, tmp_path / "sv2.txt", replace_line(60, sv_line(cells))), FI)
    got = [f for f in new_findings(r, seed_result) if f.kind == "wrong_language"]
    assert [(f.severity, f.left.source.line, f.column) for f in got] == [("error", 60, 6)]


def test_cell_emptied(tmp_path, seed_result):
    cells = fi_cells(59)
    cells[5] = ""
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", replace_line(59, "\t".join(cells))))
    new = [(f.kind, f.left.source.line, f.right.source.line, f.column) for f in new_findings(r, seed_result)]
    assert new == [("empty_cell", 68, 59, 6)]


def test_row_shifted(tmp_path, seed_result):
    cells = fi_cells(60)
    shifted = [cells[0], ""] + cells[1:5] + [cells[5]]  # everything from column 2 one to the right
    shifted[-2] = cells[4] + " " + cells[5]
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", replace_line(60, "\t".join(shifted[:6]))))
    new = [(f.kind, f.left.source.line, f.right.source.line) for f in new_findings(r, seed_result)]
    assert new == [("column_shift", 69, 60)]


def test_page_break_inserted_changes_nothing(tmp_path, seed_result):
    cells = fi_cells(59)
    head, tail = cells[3].split(" ", 1)
    first = cells[:]
    first[3] = head
    cont = ["", "", "", "", tail[0].lower() + tail[1:] if tail[0].isupper() else tail, "", ""]
    fi = edited(FI, tmp_path / "fi.txt", lambda ls: ls[:58] + ["\t".join(first), "", "\t".join(cont)] + ls[59:])
    r = bitext.check(SV, fi)
    assert len(r.alignment.links) == 67
    assert [f.kind for f in new_findings(r, seed_result) if f.right is None or f.right.source.line != 59] == []


def test_truncated_when_continuation_lost(tmp_path, seed_result):
    r = bitext.check(edited(SV, tmp_path / "sv.txt", delete(126, 127, 128, 129)), FI)
    trunc = {(f.left.source.line, f.column) for f in r.findings if f.kind == "truncated"}
    assert {(124, 3), (124, 4)} <= trunc  # "hälso-", "Rådgivningsbyrån och"


def test_tables_reordered(tmp_path, seed_result):
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", move(48, 54, 7)))
    new = new_findings(r, seed_result)
    assert {f.kind for f in new} == {"section_order"}
    assert all(f.severity == "info" for f in new)
    assert r.passed("warning") == seed_result.passed("warning")


def test_missing_section(tmp_path, seed_result):
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", delete(*range(74, 79))))  # the admin "Talous" table
    new = new_findings(r, seed_result)
    assert {f.kind for f in new} == {"missing_section", "missing_row"}
    section = [f for f in new if f.kind == "missing_section"]
    assert len(section) == 1 and section[0].left.source.line == 88 and section[0].severity == "warning"


def test_exit_codes(tmp_path):
    from bitext.cli import main

    assert main(["check", str(SV), str(FI), "--fail-on", "never", "-q"]) == 0
    assert main(["check", str(SV), str(FI), "-q"]) == 1  # the seed pair has real problems
    assert main(["check", str(SV), str(FI), "--fail-on", "nonsense"]) == 2


def test_two_revisions_in_one_language(tmp_path):
    revised = edited(SV, tmp_path / "sv-rev.txt", delete(60))
    r = bitext.check(SV, revised, same_language=True)
    assert r.alignment.prefixes == ("a", "b")
    assert [(f.kind, f.left.source.line) for f in r.findings] == [("missing_row", 60)]
    assert r.findings[0].message.startswith("This first row has no counterpart in the second version")
    assert list(r.findings_frame().columns[2:4]) == ["a_line", "b_line"]


# --- the word lexicon: omissions, status words, rewordings ------------------------------------


def test_seed_dropped_list_item(seed_result):
    """The Swedish leaves "Täydennyskoulutus" (further training) out of a list (twice, the
    main part and the responsibility area): an omission naming the word and its translation."""
    got = [f for f in seed_result.findings if f.kind == "omission"]
    assert {(f.left.source.line, f.right.source.line, f.column) for f in got} == {(71, 62, 4), (228, 196, 4)}
    for f in got:
        assert f.severity == "warning" and f.evidence["side"] == "fi"
        assert f.evidence["omitted"] == ["Täydennyskoulutus"] and f.evidence["words"]["Täydennyskoulutus"] == ["fortbildning"]
        assert "Täydennyskoulutus (≈ fortbildning) has no counterpart in the Swedish cell" in f.message
        assert "tiedossa" in f.evidence["also_uncovered"]  # "ovat tiedossa" (are known) is not in the Swedish
        assert f.evidence["coverage"] < f.evidence["column_coverage"]


def test_seed_rewording_not_a_mismatch(seed_result):
    """SV 207 / FI 178 column 4 says what the Swedish says (its twins 61/53 and 222/191 are the
    errors): the translation memory doubts it, the lexicon shows it is a rewording."""
    mism = kinds_at(seed_result, "cell_mismatch")
    assert (207, 178, 4) not in mism
    assert {(61, 53, 4), (222, 191, 4)} <= mism
    twin = next(f for f in seed_result.findings if f.kind == "cell_mismatch" and f.left.source.line == 222 and f.column == 4)
    assert twin.evidence["basis"] == "negation and direction words"
    assert "inte" in twin.evidence["words"][0]["sv"] and twin.evidence["conflicts"] == ["negation only in sv (decrease)"]


def test_direction_reversed_in_one_version(tmp_path, seed_result):
    """"Vi har minskat årsverken" (reduced) vs a Finnish report edited to say increased: found
    by the direction words, though the row is not repeated elsewhere."""
    cells = fi_cells(190)
    assert "on vähennetty" in cells[5]
    cells[5] = cells[5].replace("on vähennetty", "on kasvatettu")
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", replace_line(190, "\t".join(cells))))
    new = new_findings(r, seed_result)
    assert [(f.kind, f.left.source.line, f.right.source.line, f.column) for f in new] == [("cell_mismatch", 221, 190, 6)]
    assert new[0].evidence["conflicts"] == ["fi says increase where sv says decrease"]
    assert "minskat" in new[0].message and "kasvatettu" in new[0].message


def test_status_negated_in_one_version(tmp_path, seed_result):
    """The Swedish report says the activity was not carried out; the Finnish, edited, that it
    was: a negation of the same status word in one version only."""
    cells = fi_cells(15)
    assert cells[5].startswith("Toiminta ei toteutunut")
    cells[5] = "Toiminta toteutui suunnitellusti."
    r = bitext.check(SV, edited(FI, tmp_path / "fi.txt", replace_line(15, "\t".join(cells))))
    new = new_findings(r, seed_result)
    assert [(f.kind, f.left.source.line, f.right.source.line, f.column) for f in new] == [("cell_mismatch", 16, 15, 6)]
    assert new[0].evidence["conflicts"] == ["negation only in sv (done)"]

