"""Numbers as Swedish and Finnish write them: ``1 000`` (a space, or a no-break space, groups
thousands), ``3,5`` (a decimal comma), and small numbers as words (``två``, ``kuuden``)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .words import WORD

# Digits with thousands grouped by a space ("1 000 000"), or with a decimal part ("3,5",
# "3.5"). Groups of three after a space are thousands only when no digit or decimal
# separator follows ("2 3" and "1 000,5" are read as two numbers: rare, and not guessed).
NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+(?![\d,.])|\d+(?:[.,]\d+)?")

# Number words, so "två" vs "2" is not a mismatch (Finnish by stem: kuusi/kuuden...).
NUMBER_WORDS_SV = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "hundra": 100}
NUMBER_STEMS_FI = {"yksi": 1, "yhde": 1, "kaksi": 2, "kahde": 2, "kolme": 3, "neljä": 4, "viisi": 5, "viide": 5, "kuusi": 6, "kuude": 6, "seitsem": 7, "kahdeksa": 8, "yhdeksä": 9, "kymmen": 10, "sata": 100, "sada": 100}
# A Finnish number word is its stem plus at most this many letters of ending (kuude-ssa).
FI_MAX_ENDING = 6


def _canonical(raw: str) -> str:
    value = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex only matches numbers
        return value
    # Fixed-point, no trailing zeros: "05" → "5", "3,50" → "3.5", "1 000 000" → "1000000".
    return format(number.normalize(), "f")


def parse_numbers(text: str) -> set[str]:
    """The numbers written with digits in ``text``, in one canonical form.

    >>> sorted(parse_numbers("Vi har minskat personal (3,5 årsverken) klockan 15."))
    ['15', '3.5']
    >>> parse_numbers("1–6/2021") == {'1', '6', '2021'}, parse_numbers("1 000 000 €")
    (True, {'1000000'})
    """
    return {_canonical(raw) for raw in NUMBER.findall(text)}


def number_words(text: str, language: str) -> set[str]:
    """Numbers written as words in ``text`` (``sv`` or ``fi``), canonical like digits.

    >>> number_words("två grupper", "sv"), number_words("kuuden ryhmän", "fi")
    ({'2'}, {'6'})
    """
    words = set()
    for w in WORD.findall(text.lower()):
        if language == "sv" and w in NUMBER_WORDS_SV:
            words.add(str(NUMBER_WORDS_SV[w]))
        elif language == "fi":
            for stem, value in NUMBER_STEMS_FI.items():
                if w.startswith(stem) and len(w) <= len(stem) + FI_MAX_ENDING:
                    words.add(str(value))
    return words


def numbers(text: str, language: str) -> tuple[set[str], set[str]]:
    """Numbers written with digits, and numbers written as words, in canonical form.

    >>> digits, words = numbers("Vi har minskat personal (3,5 årsverken) klockan 15, två grupper.", "sv")
    >>> sorted(digits), sorted(words)
    (['15', '3.5'], ['2'])
    >>> numbers("1–6/2021", "fi")[0] == {'1', '6', '2021'}
    True
    """
    return parse_numbers(text), number_words(text, language)
