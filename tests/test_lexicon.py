"""The Finnish–Swedish word lexicon (bitext.lexicon.translations) on real text."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bitext.lexicon import translations as tr

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
TATOEBA = SHARED / "tatoeba-fin-swe" / "test.tsv"

# Semantic Finlex, Ministry of Justice, Finland, CC BY 4.0: Sosiaalihuoltolaki / Socialvårdslag
# 1301/2014, 14 § 1 mom. (list items 1-7 of 16).
FI_ITEMS = [
    "1) sosiaalityö;",
    "2) sosiaaliohjaus;",
    "3) sosiaalinen kuntoutus;",
    "4) perhetyö;",
    "5) kotipalvelu;",
    "6) kotihoito;",
    "7) asumispalvelut;",
]
SV_ITEMS = [
    "1) socialt arbete,",
    "2) social handledning,",
    "3) social rehabilitering,",
    "4) familjearbete,",
    "5) hemservice,",
    "6) hemvård,",
    "7) boendeservice,",
]
FI_INTRO = "Kunnan on järjestettävä sosiaalipalveluina:"
SV_INTRO = "Kommunen ska som socialservice ordna"


@pytest.mark.parametrize(
    "word,src,tgt,expected",
    [
        ("koulutus", "fi", "sv", "utbildning"),
        ("kunnan", "fi", "sv", "kommun"),
        ("lapsi", "fi", "sv", "barn"),
        ("verot", "fi", "sv", "skatt"),
        ("kommunerna", "sv", "fi", "kunta"),
        ("tjänster", "sv", "fi", "palvelu"),
        ("vård", "sv", "fi", "hoito"),
    ],
)
def test_known_statute_vocabulary(word, src, tgt, expected):
    got = [w for w, _ in tr.translations(word, src, tgt, k=5)]
    assert expected in got, got


def test_translation_probabilities_are_ordered_probabilities():
    got = tr.translations("kunta", "fi", "sv", k=10)
    ps = [p for _, p in got]
    assert ps == sorted(ps, reverse=True) and all(0 < p <= 1 for p in ps)


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="unknown language"):
        tr.translations("talo", "fi", "de")


def test_faithful_list_is_covered_and_dropped_item_is_named():
    sv = " ".join([SV_INTRO] + SV_ITEMS)
    fi = " ".join([FI_INTRO] + FI_ITEMS)
    faithful = tr.coverage(sv, fi)
    assert faithful.score >= 0.8, faithful
    dropped = tr.coverage(" ".join([SV_INTRO] + SV_ITEMS[:5] + SV_ITEMS[6:]), fi)  # no hemvård
    assert dropped.score < faithful.score
    assert dropped.fi is not None and dropped.fi < faithful.fi
    assert "kotihoito" in [w.text for w in dropped.uncovered_fi]
    assert not dropped.uncovered_sv or all(w.text != "hemvård" for w in dropped.uncovered_sv)


def test_uncovered_word_names_its_likely_translation():
    c = tr.coverage("Personalen får utbildning.", "Henkilöstö saa koulutusta ja työnohjausta.")
    names = [str(w) for w in c.uncovered_fi]
    assert any(n.startswith("työnohjausta (≈ ") for n in names), names
    assert not any(n.startswith("koulutusta") for n in names)


def test_seed_pair_dropped_list_item_is_uncovered():
    """Seed SV line 71 / FI line 62, column 4: the Swedish leaves out "Täydennyskoulutus"."""
    fi = (ROOT / "data" / "loviisa_2021_fi.txt").read_text(encoding="utf-8").splitlines()[61].split("\t")[3]
    sv = (ROOT / "data" / "loviisa_2021_sv.txt").read_text(encoding="utf-8").splitlines()[70].split("|")[4]
    assert fi.startswith("Täydennyskoulutus") and sv.strip().startswith("Studieledighet")
    c = tr.coverage(sv, fi)
    assert "Täydennyskoulutus" in [w.text for w in c.uncovered_fi]
    assert c.fi is not None and c.fi < 0.9


def test_polarity_words():
    assert tr.polarity("Sairauslomapäivien määrä ei ole vähentynyt.", "fi") == {"negation", "decrease"}
    assert tr.polarity("Hälsorelaterad arbetsfrånvaro minskar.", "sv") == {"decrease"}
    assert tr.polarity_conflicts("Frånvaron har minskat.", "Poissaolot ovat lisääntyneet.") == ("fi says increase where sv says decrease",)
    assert tr.polarity_conflicts("Frånvaron har minskat.", "Poissaolot ovat vähentyneet.") == ()
    assert tr.polarity_conflicts("Arbetet pågår.", "Työ on valmis.") == ("fi says done where sv says ongoing",)
    assert tr.polarity_conflicts("Verksamheten genomförs inte.", "Toimintaa toteutetaan.") == ("negation only in sv",)


@pytest.mark.skipif(not TATOEBA.exists(), reason="../shared (Tatoeba) not available")
def test_tatoeba_translations_are_better_covered_than_other_sentences():
    from bitext.evaluation.bench import read_tatoeba

    fi, sv = read_tatoeba(TATOEBA)
    n = 400
    gold = np.array([tr.coverage(sv[i], fi[i]).score for i in range(n)])
    other = np.array([tr.coverage(sv[(i + 7) % n], fi[i]).score for i in range(n)])
    assert gold.mean() > other.mean() + 0.2, (gold.mean(), other.mean())
    assert (gold > other).mean() > 0.6
