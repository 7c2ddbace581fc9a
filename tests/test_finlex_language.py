"""Document language on real statutes: names, Latin terms and codes must not outvote the language.

Fixtures: tests/fixtures/finlex/*_lang.md (Semantic Finlex, Ministry of Justice, Finland, CC BY 4.0):
a trilingual species list (Latin / Finnish / Swedish names, identical in both versions), municipality
tables (each version in its own names), a list of places.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import bitext
from bitext.errors import UsageError
from bitext.language import detect_pair, order_pair, vote, words

FIX = Path(__file__).parent / "fixtures" / "finlex"
PAIRS = ["asd20080597", "asd20240144", "asd20220785"]


@pytest.fixture(scope="module")
def docs():
    return {(p, lang): bitext.read(FIX / f"{p}_{lang}_lang.md") for p in PAIRS for lang in ("fi", "sv")}


@pytest.mark.parametrize("pair", PAIRS)
def test_each_version_in_its_own_language(docs, pair):
    # The vote counts paragraphs and titles, and names (one or two words) weigh little.
    assert docs[pair, "fi"].language == "fi" and docs[pair, "sv"].language == "sv"
    step = docs[pair, "sv"].steps[-1]
    assert step.kind == "language_detected" and step.detail.startswith("sv: vote of")


@pytest.mark.parametrize("pair", PAIRS)
@pytest.mark.parametrize("flip", [False, True])
def test_pair_is_swedish_then_finnish(docs, pair, flip):
    fi, sv = docs[pair, "fi"], docs[pair, "sv"]
    left, right = order_pair(*((sv, fi) if flip else (fi, sv)))
    assert (left.path, right.path) == (sv.path, fi.path)
    assert (left.language, right.language) == ("sv", "fi")
    assert [s.kind for s in left.steps].count("language_pair") == 1


def test_shared_names_do_not_vote(docs):
    # The species table is the same in both versions: with shared words left out, only the
    # text that differs (titles, headings) votes, and it is clearly Swedish / Finnish.
    fi, sv = docs["asd20080597", "fi"], docs["asd20080597", "sv"]
    shared = words(" ".join(c.text for r in fi.rows for c in r.cells)) & words(" ".join(c.text for r in sv.rows for c in r.cells))
    assert words(" ".join(c.text for c in sv.rows[0].cells)) <= shared
    table_only = [c.text for r in sv.rows for c in r.cells]
    assert vote(table_only) and vote(table_only, frozenset(shared)) == ()
    a, b = detect_pair(sv, fi)
    assert (a.language, b.language) == ("sv", "fi")
    assert "words shared with the other version left out" in a.steps[-1].detail


def test_forced_wrong_languages_are_corrected_by_the_pair(docs):
    # Whatever each one's own vote (English, as the Latin list was read before), one clearly
    # Swedish and one clearly Finnish version are that pair.
    from dataclasses import replace

    fi, sv = (replace(docs["asd20080597", k], language="en") for k in ("fi", "sv"))
    left, right = order_pair(fi, sv)
    assert (left.language, right.language) == ("sv", "fi")


@pytest.mark.parametrize("lang, name", [("fi", "Finnish"), ("sv", "Swedish")])
@pytest.mark.parametrize("a, b", [("asd20080597", "asd20240144"), ("asd20080597", "asd20220785"), ("asd20240144", "asd20220785")])
def test_two_documents_in_one_language_are_refused(docs, lang, name, a, b):
    with pytest.raises(UsageError, match=f"both in {name}") as err:
        order_pair(docs[a, lang], docs[b, lang])
    assert "\n" not in str(err.value)
    # Comparing two revisions on purpose still works.
    assert order_pair(docs[a, lang], docs[b, lang], same_language=True) == (docs[a, lang], docs[b, lang])
