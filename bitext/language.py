"""Language of documents and cells, with langdetect restricted to the languages that matter.

A document's language is the length-weighted vote of all its text: paragraphs and headings,
table titles and headers, and the cells. For a pair, the words both versions share (names,
Latin terms, codes) do not vote: they say nothing about which version is which, and a long
list of them (species, municipalities, English degree names) outvotes the language.

Only the Swedish, Finnish and English profiles are loaded: on short texts, restricting the
candidates is what makes langdetect usable (Tatoeba fi–sv, 1–3-word texts: 97.8 % with
fi+sv profiles vs 87 % with all 55). English is kept for names and English terms in the
tables. The detector is seeded, so the same text always gets the same answer.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from functools import lru_cache
from typing import Any, Mapping, Optional, Protocol, Sequence

from .errors import InputError, UsageError
from .model import Document, Source, Step

LANGUAGES = ("sv", "fi", "en")
NAMES = {"sv": "Swedish", "fi": "Finnish", "en": "English"}
# The order of the two versions in every output: Swedish first, then Finnish.
PREFERRED_ORDER = ("sv", "fi", "en")
SEED = 0
_LETTERS = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# A pair is "clearly one Swedish and one Finnish" when, counting only those two languages,
# each version's share of its own language is at least this.
CLEAR_SHARE = 0.6
# The vote weight of a text of one or two words (a name, a term) relative to a phrase.
SHORT_WEIGHT = 0.2
# A document's language is clear from a few thousand words: the vote reads at most this many
# characters, texts taken evenly across the document (langdetect costs ~2 ms a text, and a
# statute table can hold tens of thousands of cells).
VOTE_CHARS = 5_000
VOTE_TEXT_CHARS = 500  # ... and at most this much of one text


@lru_cache(maxsize=4)
def _factory(languages: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from langdetect.detector_factory import DetectorFactory, PROFILES_DIRECTORY

    factory = DetectorFactory()
    profiles = []
    for lang in languages:
        with open(os.path.join(PROFILES_DIRECTORY, lang), encoding="utf-8") as f:
            profiles.append(json.dumps(json.load(f)))
    factory.load_json_profile(profiles)
    factory.set_seed(SEED)
    return factory


def detect_scores(text: str, languages: tuple[str, ...] = LANGUAGES) -> dict[str, float]:
    """Probability of each language for ``text``; empty when it has no letters.

    >>> max(detect_scores("Vi följer upp ekonomin varje månad.").items(), key=lambda kv: kv[1])[0]
    'sv'
    """
    return dict(_detect_scores(text, languages))


@lru_cache(maxsize=65536)
def _detect_scores(text: str, languages: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
    # Cached: tables repeat their texts (the seeds' meters, responsible bodies), and the
    # detector is seeded, so the answer for a text never changes.
    return tuple(sorted(_detect_uncached(text, languages).items()))


def _detect_uncached(text: str, languages: tuple[str, ...]) -> dict[str, float]:
    if len(_LETTERS.findall(text)) < 2:
        return {}
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory(languages).create()
    detector.append(text)
    try:
        return {p.lang: p.prob for p in detector.get_probabilities()}
    except LangDetectException:
        return {}


def detect(text: str, languages: tuple[str, ...] = LANGUAGES) -> str:
    """The most likely language code of ``text`` (``""`` when it cannot be told).

    >>> detect("Taloutta seurataan kuukausittain."), detect("Vi följer upp ekonomin.")
    ('fi', 'sv')
    """
    scores = detect_scores(text, languages)
    return max(sorted(scores), key=scores.__getitem__) if scores else ""


def document_texts(doc: Document) -> list[str]:
    """All the text of a document, once each: paragraphs and headings, part titles, table
    headings and headers, and the cells (inherited copies left out)."""
    out: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        if text and text not in seen:
            seen.add(text)
            out.append(text)

    for block in doc.texts:
        add(block.text)
    for part in doc.parts:
        add(part.title)
    for table in doc.tables:
        add(table.heading)
        for h in table.header:
            add(h)
        for row in table.rows:
            for cell in row.cells:
                if not cell.inherited:
                    add(cell.text)
    return out


def vote_sample(texts: "list[str]", budget: int = VOTE_CHARS) -> "list[str]":
    """At most about ``budget`` characters of ``texts``, taken evenly across them (every
    k-th text, in order), so that every part of the document votes; all of them when they
    fit.

    >>> len(vote_sample(["abc"] * 10, budget=12)), vote_sample(["a", "b"], budget=100)
    (4, ['a', 'b'])
    """
    texts = [t[:VOTE_TEXT_CHARS] for t in texts]  # a megabyte cell is told by its start
    total = sum(len(t) for t in texts)
    if total <= budget:
        return texts
    step = total / budget
    return [t for i, t in enumerate(texts) if int(i / step) != int((i - 1) / step) or i == 0]


def words(text: str) -> set[str]:
    """The words of ``text``, lower-cased (numbers left out).

    >>> sorted(words("Abramis brama, 19,50 % (Braxen)"))
    ['abramis', 'brama', 'braxen']
    """
    return {w.lower() for w in _WORD.findall(text)}


class Memo(Protocol):
    """Where results of pure functions of a text are kept between runs (the embedding
    cache is one): ``recall`` gives None for what it does not hold, and what it gives is
    checked before use; neither method raises for a cache it cannot use."""

    def recall(self, kind: str, texts: Sequence[str]) -> list[Any]: ...

    def remember(self, kind: str, values: Mapping[str, Any]) -> None: ...


@lru_cache(maxsize=4)
def _memo_kind(languages: tuple[str, ...]) -> str:
    """What a stored language score depends on: the detector's version, profiles and seed."""
    from importlib.metadata import version

    return f"langdetect-{version('langdetect')}/{'+'.join(languages)}/seed{SEED}"


def _valid_scores(value: Any, languages: tuple[str, ...]) -> Optional[dict[str, float]]:
    if not isinstance(value, dict):
        return None
    if not all(k in languages and isinstance(v, (int, float)) and 0.0 <= v <= 1.0 for k, v in value.items()):
        return None
    return {k: float(v) for k, v in value.items()}


def scores_of(texts: Sequence[str], memo: Optional[Memo] = None, languages: tuple[str, ...] = LANGUAGES) -> list[dict[str, float]]:
    """:func:`detect_scores` of each text; through ``memo`` when given, so that a document
    read again is not detected again (langdetect costs ~2 ms a text; the answer for a
    text never changes, the detector being seeded).

    >>> scores_of(["Vi följer upp ekonomin.", ""])[1]
    {}
    """
    if memo is None:
        return [detect_scores(t, languages) for t in texts]
    kind = _memo_kind(languages)
    distinct = sorted(set(texts))
    known: dict[str, dict[str, float]] = {}
    for text, value in zip(distinct, memo.recall(kind, distinct)):
        valid = _valid_scores(value, languages)
        if valid is not None:
            known[text] = valid
    fresh = {t: detect_scores(t, languages) for t in distinct if t not in known}
    if fresh:
        memo.remember(kind, fresh)
    known.update(fresh)
    return [known[t] for t in texts]


def vote(texts: "list[str]", exclude: "frozenset[str] | set[str]" = frozenset(), memo: Optional[Memo] = None) -> tuple[tuple[str, float], ...]:
    """Length-weighted language vote over ``texts``, words in ``exclude`` left out; the
    scores sum to 1, best first (empty when nothing is left to vote)."""
    totals: dict[str, float] = {}
    if exclude:
        texts = [" ".join(w for w in _WORD.findall(text) if w.lower() not in exclude) for text in texts]
    for text, scores in zip(texts, scores_of(texts, memo)):
        # Names and terms (one or two words) tell little about the language of a document;
        # phrases and sentences do.
        weight = len(text) * (1.0 if len(_WORD.findall(text)) >= 3 else SHORT_WEIGHT)
        for lang, p in scores.items():
            totals[lang] = totals.get(lang, 0.0) + p * weight
    total = sum(totals.values())
    if not total:
        return ()
    return tuple(sorted(((k, v / total) for k, v in totals.items()), key=lambda kv: (-kv[1], kv[0])))


def _scores_text(scores: tuple[tuple[str, float], ...]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in scores)


def detect_document(doc: Document, memo: Optional[Memo] = None) -> Document:
    """Return ``doc`` with ``language`` set: the length-weighted vote of all its text
    (paragraphs, headings, titles, headers, cells); the vote is recorded as a step.

    >>> from bitext.readers import read_raw
    >>> from bitext.normalize import normalize
    >>> doc = detect_document(normalize(read_raw("data/loviisa_2021_fi.txt")))
    >>> doc.language, doc.steps[-1].kind
    ('fi', 'language_detected')
    """
    texts = vote_sample(document_texts(doc))
    # A sample of numbers and codes alone says nothing: then all the text votes.
    scores = vote(texts, memo=memo) or vote([t[:VOTE_TEXT_CHARS] for t in document_texts(doc)], memo=memo)
    if not scores:
        raise InputError(doc.path, "no text to tell the language from")
    step = Step("language_detected", Source(doc.path), f"{scores[0][0]}: vote of {len(texts)} texts ({_scores_text(scores)})")
    return replace(doc, language=scores[0][0], language_scores=scores, steps=doc.steps + (step,))


def _sv_share(scores: tuple[tuple[str, float], ...]) -> float:
    d = dict(scores)
    sv, fi = d.get("sv", 0.0), d.get("fi", 0.0)
    return sv / (sv + fi) if sv + fi else 0.5


def detect_pair(a: Document, b: Document, memo: Optional[Memo] = None) -> tuple[Document, Document]:
    """Decide the languages of two versions of one document together.

    Words both versions contain (names, Latin terms, codes) do not vote. When, on the rest,
    one version is clearly Swedish and the other clearly Finnish (counting only those two
    languages, each at least :data:`CLEAR_SHARE` its own), they are so, whatever each one's
    own vote said (a list of Latin species names reads as English). When both lean the same
    way, both are in that language (two Finnish documents, one of them mostly place names).
    Otherwise each keeps its own vote. The decision is recorded as a step on both.
    """
    ta, tb = document_texts(a), document_texts(b)
    wa = set().union(*map(words, ta)) if ta else set()
    wb = set().union(*map(words, tb)) if tb else set()
    shared = frozenset(wa & wb)  # from all the text; the vote itself reads a sample
    sa = vote(vote_sample(ta), shared, memo) or vote([t[:VOTE_TEXT_CHARS] for t in ta], shared, memo)
    sb = vote(vote_sample(tb), shared, memo) or vote([t[:VOTE_TEXT_CHARS] for t in tb], shared, memo)
    share_a, share_b = _sv_share(sa), _sv_share(sb)
    if share_a >= CLEAR_SHARE and share_b <= 1 - CLEAR_SHARE:
        langs, why = ("sv", "fi"), "one clearly Swedish, one clearly Finnish"
    elif share_b >= CLEAR_SHARE and share_a <= 1 - CLEAR_SHARE:
        langs, why = ("fi", "sv"), "one clearly Swedish, one clearly Finnish"
    elif share_a > 0.5 and share_b > 0.5:
        langs, why = ("sv", "sv"), "both more Swedish than Finnish"
    elif share_a < 0.5 and share_b < 0.5 and sa and sb:
        langs, why = ("fi", "fi"), "both more Finnish than Swedish"
    else:
        return a, b
    out = []
    for doc, lang, scores, share in ((a, langs[0], sa, share_a), (b, langs[1], sb, share_b)):
        detail = (
            f"{lang} ({why}): {len(shared)} words shared with the other version left out, "
            f"Swedish {share:.2f} of sv+fi ({_scores_text(scores)}); own vote was {doc.language or '-'}"
        )
        out.append(replace(doc, language=lang, language_scores=scores or doc.language_scores, steps=doc.steps + (Step("language_pair", Source(doc.path), detail),)))
    return out[0], out[1]


def order_pair(a: Document, b: Document, same_language: bool = False, memo: Optional[Memo] = None) -> tuple[Document, Document]:
    """Put the two versions in the canonical order (Swedish, then Finnish), whatever the
    argument order. Two documents in the same language are an error unless
    ``same_language`` (comparing two revisions: argument order is kept). ``memo``: where
    language scores are kept between runs (see :func:`scores_of`).

    Unless ``same_language``, the languages are first decided together
    (:func:`detect_pair`): one clearly Swedish and one clearly Finnish version are that pair,
    even when names or Latin terms outvote the language in each on its own."""
    if not same_language:
        a, b = detect_pair(a, b, memo)
    if a.language == b.language:
        if same_language:
            return a, b
        name = NAMES.get(a.language, a.language)
        raise UsageError(
            f"{a.path} and {b.path} are both in {name} ({a.language}): give the two language "
            "versions of one document, or --same-language to compare two revisions"
        )
    if same_language:
        raise UsageError(
            f"--same-language was given but {a.path} is in {NAMES.get(a.language, a.language)} "
            f"and {b.path} in {NAMES.get(b.language, b.language)}"
        )

    def rank(d: Document) -> tuple[int, str]:
        lang = d.language
        return (PREFERRED_ORDER.index(lang) if lang in PREFERRED_ORDER else len(PREFERRED_ORDER), lang)

    return (a, b) if rank(a) <= rank(b) else (b, a)
