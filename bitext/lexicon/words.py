"""Words and punctuation of Swedish and Finnish that the rules key on."""

from __future__ import annotations

import re

# A word: letters, optionally hyphenated ("sosiaali- ja terveys" is two words, "e-tjänst" one).
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# A token: letters or digits, optionally hyphenated (names and acronyms such as "GPTW", "Rai").
TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

# Words after which a hyphen marks a shared compound part, not a line break
# ("Perhe- ja lähisuhdeväkivallan", "daghems- och skolålder").
CONJUNCTIONS = frozenset(
    "ja sekä tai eli taikka ynnä och eller samt resp. respektive till and or und".split()
)

# Punctuation that ends a cell: a cell not ending in one is unfinished (or cut off).
FINAL_PUNCTUATION = (".", "!", "?", ":", ";", ")", "]", "”", '"', "»")

# A cell that stops on one of these words was cut off mid-sentence.
FUNCTION_WORDS = frozenset(
    "och att för av i på med som till om en ett den det de genom samt eller men från vid hos under "
    "ja sekä tai että kun jotta on ovat ei mutta myös".split()
)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends in sentence-final punctuation.

    >>> ends_sentence("Vi följer upp ekonomin."), ends_sentence("Vi följer upp")
    (True, False)
    """
    return text.endswith(FINAL_PUNCTUATION)
