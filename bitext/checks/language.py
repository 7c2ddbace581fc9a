"""Language checks: a cell copied untranslated, a cell (or words) in the other language."""

from __future__ import annotations

from typing import Iterator, Optional

from ..language import detect_scores
from ..lexicon import WORD
from ..model import Finding, Kind, Severity
from .base import Context, finding, fold, name_like, quote, register


@register(Kind.UNTRANSLATED, Kind.WRONG_LANGUAGE, priority=50)
def check_language(ctx: Context) -> Iterator[Finding]:
    """``untranslated``: a cell identical in both versions (copied, not translated; error).
    ``wrong_language``: a cell written in the other version's language (error), or words of
    the other language left in a cell (warning). Names, acronyms and numbers shared by both
    languages are not findings."""
    la, lb = ctx.names
    a_lang, b_lang = ctx.langs
    if a_lang == b_lang:
        return
    p = ctx.params
    for link in ctx.aligned:
        for c, a, b in ctx.cell_pairs(link):
            if not a.text or not b.text or a.inherited or b.inherited:
                continue
            fa, fb = fold(a.text), fold(b.text)
            words = [w for w in WORD.findall(a.text) if len(w) >= p.untranslated_min_word and not name_like(w)]
            if fa == fb and words and _not_shared(ctx, words):
                yield finding(
                    Kind.UNTRANSLATED,
                    Severity.ERROR,
                    link,
                    c + 1,
                    f"Column {c + 1} is the same text in both versions, not translated: {quote(a.text)}.",
                    text=a.text,
                )
                continue
            for side, (cell, other_lang, own_name, other_name) in enumerate(((a.text, b_lang, la, lb), (b.text, a_lang, lb, la))):
                found = "cell" if ctx.in_wrong_language(cell, side) else _stray_words(ctx, cell, side, other_lang)
                if found is None:
                    continue
                if found == "cell":
                    yield finding(
                        Kind.WRONG_LANGUAGE,
                        Severity.ERROR,
                        link,
                        c + 1,
                        f"Column {c + 1} of the {own_name} version is written in {other_name}: {quote(cell)}.",
                        side=ctx.alignment.prefixes[side],
                        detected=other_lang,
                    )
                else:
                    yield finding(
                        Kind.WRONG_LANGUAGE,
                        Severity.WARNING,
                        link,
                        c + 1,
                        f"Column {c + 1} of the {own_name} version has {other_name} word(s) left in it: "
                        f"{', '.join(quote(w) for w in found)} in {quote(cell, 90)}.",
                        side=ctx.alignment.prefixes[side],
                        words=found,
                        detected=other_lang,
                    )


def _not_shared(ctx: Context, words: list[str]) -> bool:
    """Whether a text copied unchanged into both versions is a copy, not a term both
    languages share. Long enough to tell the language (``wrong_language_min_words``): a
    copy. Shorter (unit names ``kelvin``, ``massa``, prefixes ``kilo``, symbols ``emax``,
    formulas ``1 kat = 1 mol/s``): a copy only when its words are at home in one version
    (in ``familiar_cells`` cells) and occur in the other only here."""
    p = ctx.params
    if len(words) >= p.wrong_language_min_words:
        return True
    v0, v1 = ctx.vocabulary
    at_home_once = [w for w in words if max(v0[w], v1[w]) >= p.familiar_cells and min(v0[w], v1[w]) <= 1]
    return 2 * len(at_home_once) > len(words)


def _stray_words(ctx: Context, text: str, own: int, other_lang: str) -> Optional[list[str]]:
    """Words of the other language left in a cell: rare in their own version, common in the
    other, and the other language's by their letters."""
    p = ctx.params
    own_vocab, other_vocab = ctx.vocabulary[own], ctx.vocabulary[1 - own]
    stray = []
    for w in dict.fromkeys(w for w in WORD.findall(text) if not name_like(w)):
        if own_vocab[w] <= p.stray_own_max and other_vocab[w] >= p.stray_other_ratio * max(own_vocab[w], 1):
            if detect_scores(w, ctx.detect_pair).get(other_lang, 0.0) >= p.wrong_language_probability:
                stray.append(w)
    return stray or None
