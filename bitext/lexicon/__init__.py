"""What bitext knows about Swedish and Finnish text, in one place.

Every step that needs a word list, a punctuation rule or a number parser imports it from
here, so the reader, the normaliser, the alignment and the checks agree (``"1 000"`` is the
number 1000 everywhere). Kept light: plain data and regular expressions, no heavy imports.

>>> from bitext.lexicon import parse_numbers
>>> sorted(parse_numbers("1 000 euroa, 3,5 % ja 2021"))
['1000', '2021', '3.5']
"""

from __future__ import annotations

from .numbers import NUMBER, NUMBER_STEMS_FI, NUMBER_WORDS_SV, number_words, numbers, parse_numbers
from .words import CONJUNCTIONS, FINAL_PUNCTUATION, FUNCTION_WORDS, TOKEN, WORD, ends_sentence

__all__ = [
    "CONJUNCTIONS",
    "FINAL_PUNCTUATION",
    "FUNCTION_WORDS",
    "NUMBER",
    "NUMBER_STEMS_FI",
    "NUMBER_WORDS_SV",
    "TOKEN",
    "WORD",
    "ends_sentence",
    "number_words",
    "numbers",
    "parse_numbers",
]
