"""Numbers as Swedish and Finnish write them, read into one canonical form, so the alignment's
anchors and the number check agree on what "the same number" is.

What is read as the same:

- thousands grouped by a space, a no-break space or a narrow no-break space (``1 000`` =
  ``1000``); a decimal comma or point, trailing zeros dropped (``9,00`` = ``9``);
- dates, whether with digits or a month name (``24.2.2023`` = ``den 24 februari 2023`` =
  ``24 päivänä helmikuuta 2023`` = ``24 helmikuuta 2023`` → ``2023-02-24``; ``i februari 2023`` = ``helmikuussa 2023``
  → ``2023-02``);
- super- and subscript digits as plain digits, as their own number (``m³`` = ``m3``,
  ``BaSi₂O₅`` = ``BaSi2O5``, ``⁽³⁾`` = ``(3)``; ``9 euro¹`` is 9 and 1, not 91);
- ranges whatever the dash (``10 - 100`` = ``10–100`` = ``10—100``: two numbers);
- small numbers and ordinals written as words (``två``, ``kaksi``, ``tredje``, ``kolmas``),
  kept apart: a number written as a word on one side is not a mismatch.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .words import WORD

# Super- and subscript digits and signs as plain characters.
_SCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉⁽⁾₍₎⁺₊⁻₋⁼₌", "01234567890123456789()()++--==")
_SCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉]+")
# Spaces that group thousands: space, no-break space, thin space, narrow no-break space.
_GROUP = "[ \u00a0\u2009\u202f]"

# Digits with thousands grouped by a space ("1 000 000"), or with a decimal part ("3,5",
# "3.5"). Groups of three after a space are thousands only when no digit or decimal
# separator follows ("2 3" and "1 000,5" are read as two numbers: rare, and not guessed).
NUMBER = re.compile(rf"\d{{1,3}}(?:{_GROUP}\d{{3}})+(?![\d,.])|\d+(?:[.,]\d+)?")

MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december")
MONTHS_FI = ("tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka", "marras", "joulu")
_MONTH = {m: k + 1 for k, m in enumerate(MONTHS_SV)} | {m + "kuu": k + 1 for k, m in enumerate(MONTHS_FI)}
_SV_MONTH = "|".join(MONTHS_SV)
_FI_MONTH = "(?:" + "|".join(MONTHS_FI) + ")kuu"
# Dates: "24.2.2023" (day.month.year, the Nordic order), "2023-02-24" (ISO), "den 24 februari
# 2023", "24 päivänä helmikuuta 2023" (any case of päivä), and month + year ("i februari
# 2023", "helmikuussa 2023"). A year is four digits; a date without one is read without it.
_DATES = (
    re.compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?::e|:a)?\s+(?P<mn>{_SV_MONTH})(?:\s+(?P<y>\d{{4}}))?\b", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s+päivä\w*\s+(?P<mn>{_FI_MONTH})\w*(?:\s+(?P<y>\d{{4}}))?\b", re.IGNORECASE),
    re.compile(rf"\b(?P<mn>{_FI_MONTH})\w*\s+(?P<d>\d{{1,2}})\.?\s+päivä\w*(?:\s+(?P<y>\d{{4}}))?\b", re.IGNORECASE),
    # "1 tammikuuta 2008", "1. tammikuuta": the day with the month in the partitive, no "päivänä".
    re.compile(rf"\b(?P<d>\d{{1,2}})\.?\s+(?P<mn>{_FI_MONTH})ta(?:\s+(?P<y>\d{{4}}))?\b", re.IGNORECASE),
    re.compile(rf"\b(?P<mn>{_SV_MONTH}|{_FI_MONTH}\w*)\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
)

# Number words, so "två" vs "2" is not a mismatch (Finnish by stem: kuusi/kuuden...).
NUMBER_WORDS_SV = {
    "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
    "elva": 11, "tolv": 12, "tjugo": 20, "trettio": 30, "hundra": 100, "tusen": 1000,
    # ordinals ("andra" is also "other": a word only ever excuses a number, it is never compared)
    "första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6, "sjunde": 7, "åttonde": 8,
    "nionde": 9, "tionde": 10,
}
NUMBER_STEMS_FI = {
    "yksi": 1, "yhde": 1, "kaksi": 2, "kahde": 2, "kolme": 3, "neljä": 4, "viisi": 5, "viide": 5, "kuusi": 6,
    "kuude": 6, "seitsem": 7, "kahdeksa": 8, "yhdeksä": 9, "kymmen": 10, "sata": 100, "sada": 100, "tuhat": 1000,
    "tuhanne": 1000,
    # ordinals (ensimmäinen, toinen/toisen, kolmas/kolmannen; neljäs... share the stems above)
    "ensimmäi": 1, "toinen": 2, "toise": 2, "kolma": 3,
}
# A Finnish number word is its stem plus at most this many letters of ending (kuude-ssa).
FI_MAX_ENDING = 6


def _canonical(raw: str) -> str:
    value = re.sub(_GROUP, "", raw).replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex only matches numbers
        return value
    # Fixed-point, no trailing zeros: "05" → "5", "3,50" → "3.5", "1 000 000" → "1000000".
    return format(number.normalize(), "f")


def _plain(text: str) -> str:
    """Super/subscript digits as plain digits, each run its own number (spaced off)."""
    return _SCRIPT_RUN.sub(lambda m: " " + m.group(0).translate(_SCRIPTS) + " ", text).translate(_SCRIPTS)


def _dates(text: str) -> tuple[list[str], str]:
    """The dates in ``text`` as ``YYYY-MM-DD`` (or ``MM-DD``, ``YYYY-MM``), and the text
    with them blanked out (so their digits are not read again as numbers)."""
    found: list[tuple[int, str]] = []
    chars = list(text)
    for pattern in _DATES:
        for m in pattern.finditer("".join(chars)):
            parts = m.groupdict()
            if parts.get("mn"):
                name = parts["mn"].lower()
                month = next((v for k, v in _MONTH.items() if name.startswith(k)), 0)
            else:
                month = int(parts["m"])
            day = int(parts["d"]) if parts.get("d") else 0
            if not 1 <= month <= 12 or day > 31:
                continue
            y = parts.get("y")
            date = (f"{y}-" if y else "") + f"{month:02d}" + (f"-{day:02d}" if day else "")
            found.append((m.start(), date))
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return [d for _, d in sorted(found)], "".join(chars)


@dataclass(frozen=True)
class NumberReading:
    """What a text says in numbers: ``values`` (digits and dates, canonical, with their
    counts) and ``words`` (numbers written as words: they excuse a number, never accuse)."""

    values: Counter = field(default_factory=Counter)
    words: frozenset = frozenset()

    def __bool__(self) -> bool:
        return bool(self.values)


def read_numbers(text: str, language: str = "") -> NumberReading:
    """Read the numbers of ``text`` (``sv`` or ``fi`` for the number words).

    >>> r = read_numbers("den 24 februari 2023: 1 000 m³ (9,00 euro)", "sv")
    >>> sorted(r.values.elements())
    ['1000', '2023-02-24', '3', '9']
    >>> sorted(read_numbers("24 päivänä helmikuuta 2023: 1\u00a0000 m3 (9 euroa)", "fi").values.elements())
    ['1000', '2023-02-24', '3', '9']
    >>> sorted(read_numbers("BaSi₂O₅, 10–100, ⁽³⁾").values.elements())
    ['10', '100', '2', '3', '5']
    """
    dates, rest = _dates(_plain(text))
    values = Counter(dates)
    values.update(_canonical(raw) for raw in NUMBER.findall(rest))
    return NumberReading(values, frozenset(number_words(text, language)) if language else frozenset())


def parse_numbers(text: str) -> set[str]:
    """The numbers written with digits in ``text`` (dates as dates), in one canonical form.

    >>> sorted(parse_numbers("Vi har minskat personal (3,5 årsverken) klockan 15."))
    ['15', '3.5']
    >>> parse_numbers("1–6/2021") == {'1', '6', '2021'}, parse_numbers("1 000 000 €")
    (True, {'1000000'})
    >>> parse_numbers("24.2.2023") == parse_numbers("den 24 februari 2023") == {'2023-02-24'}
    True
    """
    return set(read_numbers(text).values)


def number_words(text: str, language: str) -> set[str]:
    """Numbers written as words in ``text`` (``sv`` or ``fi``), canonical like digits.

    >>> number_words("två grupper", "sv"), number_words("kuuden ryhmän", "fi")
    ({'2'}, {'6'})
    >>> number_words("den tredje", "sv"), number_words("kolmannen", "fi")
    ({'3'}, {'3'})
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
