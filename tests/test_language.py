"""Language detection: documents, cells, argument order, same-language inputs."""

from __future__ import annotations

import pytest

import bitext
from bitext.cli import main
from bitext.errors import UsageError
from bitext.language import detect, detect_scores, order_pair
from conftest import DATA, FI, SV


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Vi följer upp ekonomin varje månad.", "sv"),
        ("Taloutta seurataan kuukausittain.", "fi"),
        ("Verksamhet som genomförs.", "sv"),
        ("Toteutunut toiminta.", "fi"),
        ("Talousarvio", "fi"),
        ("Great Place to Work", "en"),
    ],
)
def test_detect_cells(text, lang):
    assert detect(text) == lang


def test_detect_is_deterministic():
    text = "Klinik Pro"
    assert len({tuple(sorted(detect_scores(text).items())) for _ in range(5)}) == 1


def test_no_letters():
    assert detect("") == "" and detect("3,5 %") == ""


def test_documents_and_order():
    sv, fi = bitext.read(SV), bitext.read(FI)
    assert (sv.language, fi.language) == ("sv", "fi")
    assert dict(sv.language_scores)["sv"] > 0.95
    # Finnish given first still gives Swedish first.
    left, right = order_pair(fi, sv)
    assert (left.language, right.language) == ("sv", "fi")


def test_same_language_is_an_error_unless_asked():
    a, b = bitext.read(SV), bitext.read(DATA / "stockholm_2023_sv.txt")
    with pytest.raises(UsageError, match="both in Swedish"):
        order_pair(a, b)
    assert order_pair(a, b, same_language=True) == (a, b)
    with pytest.raises(UsageError, match="--same-language was given"):
        order_pair(a, bitext.read(FI), same_language=True)


def test_cli_same_language_exit_2(capsys, tmp_path):
    code = main(["align", str(SV), str(DATA / "stockholm_2023_sv.txt"), "-o", str(tmp_path / "a.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "both in Swedish" in err and "--same-language" in err
    assert not (tmp_path / "a.csv").exists()
