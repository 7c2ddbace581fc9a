"""Finnish–Swedish word translations and what they say about two cells.

The lexicon (``data/translations.tsv.gz``) was learnt from Finland's statute book (Semantic
Finlex, CC BY 4.0) by ``scripts/build_lexicon.py``; see ``data/README.md``. Everything is
loaded lazily, once, from package data.

>>> [w for w, p in translations("koulutus", "fi", "sv")][:1]
['utbildning']
>>> c = coverage("Kommunen ordnar utbildning för personalen.", "Kunta järjestää henkilöstölle koulutusta.")
>>> c.score > 0.6
True
>>> [w.text for w in coverage("Hemservice.", "Kotipalvelu ja kotihoito.").uncovered_fi]
['kotihoito']
"""
from __future__ import annotations

import gzip
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator, Optional

LANGS = ("fi", "sv")
TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
MIN_PART = 4  # shortest lemma part matched inside a compound (shorter ones match by chance)


def _data(name: str):
    return resources.files("bitext").joinpath("lexicon", "data", name)


@dataclass(frozen=True)
class Lexicon:
    """Both directions of the word lexicon, document frequencies and function words."""

    fi_sv: Mapping  # fi lemma -> tuple((sv lemma, p(sv|fi)), ...), best first
    sv_fi: Mapping
    df: dict  # lang -> {lemma: segments it occurs in (as written in the file)}
    segments: dict  # lang -> number of training segments
    function_words: dict  # lang -> frozenset of lemmas

    def table(self, src: str, tgt: str) -> dict:
        if (src, tgt) == ("fi", "sv"):
            return self.fi_sv
        if (src, tgt) == ("sv", "fi"):
            return self.sv_fi
        raise ValueError(f"no lexicon for {src}→{tgt}: languages are {LANGS}")

    def idf(self, lemma: str, lang: str) -> float:
        n = self.segments[lang]
        return math.log((n + 1) / (int(self.df[lang].get(lemma, 0)) + 1)) + 1.0


def _fields(name: str, columns: int) -> list[list[str]]:
    """The columns of a gzipped TSV (header line skipped), each as one list: one C-level
    split of the whole text, no Python loop per line (the lexicon loads in milliseconds)."""
    text = _text(name)
    flat = text[text.find("\n") + 1 :].replace("\n", "\t").split("\t")
    if flat and flat[-1] == "":
        flat.pop()
    return [flat[k::columns] for k in range(columns)]


def _text(name: str) -> str:
    with _data(name).open("rb") as f:
        return gzip.decompress(f.read()).decode("utf-8")  # whole: much faster than gzip's text mode


class _Table(Mapping):
    """lemma -> ((translation, p), ...), best first, over the lexicon's parallel columns
    sorted by lemma: an entry is found by bisection and built on first use, so loading
    does not pay for the 15,000 entries a document never asks for."""

    def __init__(self, keys: list[str], values: list[str], probs: list[str]):
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = [keys[i] for i in order]
        self._values = [values[i] for i in order]
        self._probs = [probs[i] for i in order]
        self._known = frozenset(keys)
        self._built: dict = {}

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __getitem__(self, key: str) -> tuple[tuple[str, float], ...]:
        out = self._built.get(key)
        if out is None:
            if key not in self._known:
                raise KeyError(key)
            i, j = bisect_left(self._keys, key), bisect_right(self._keys, key)
            out = tuple(sorted(((self._values[k], float(self._probs[k])) for k in range(i, j)), key=lambda t: (-t[1], t[0])))
            self._built[key] = out
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._known))

    def __len__(self) -> int:
        return len(self._known)


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The shipped lexicon (read once per process)."""
    fi, sv, p_sv, p_fi, _ = _fields("translations.tsv.gz", 5)
    df: dict = {}
    segments: dict = {}
    for lang in LANGS:
        text = _text(f"idf_{lang}.tsv.gz")
        segments[lang] = int(text[: text.find("\n")].split("\t")[1])
        lemmas, counts = _fields(f"idf_{lang}.tsv.gz", 2)
        df[lang] = dict(zip(lemmas, counts))  # counts parsed when asked (idf)
    fw: dict = {lang: set() for lang in LANGS}
    for line in _data("function_words.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, w = line.split("\t")
            fw[lang].add(w)
    return Lexicon(_Table(fi, sv, p_sv), _Table(sv, fi, p_fi), df, segments, {k: frozenset(v) for k, v in fw.items()})


def _check(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: expected one of {LANGS}")


@lru_cache(maxsize=2)
def _forms(lang: str) -> dict:
    fields = iter(_text(f"forms_{lang}.tsv.gz").replace("\n", "\t").split("\t"))
    return {form: lem for form, lem in zip(fields, fields) if form}


MAX_ENDING = {"fi": 6, "sv": 4}  # longest inflectional ending stripped from an unknown form


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The lower-cased lemma of a word: from the table of forms seen in training (made with
    simplemma at build time; simplemma itself takes seconds to load), else the longest
    known lemma or form the word starts with, leaving a short ending, else the word.

    >>> lemma("koulutukseen", "fi"), lemma("kommunerna", "sv")
    ('koulutus', 'kommun')
    """
    _check(lang)
    low = word.lower()
    forms = _forms(lang)
    if low in forms:
        return forms[low]
    table = load_lexicon().fi_sv if lang == "fi" else load_lexicon().sv_fi
    if low in table:
        return low
    for i in range(len(low) - 1, max(2, len(low) - MAX_ENDING[lang] - 1), -1):
        stem = low[:i]
        if stem in table:
            return stem
        if stem in forms:
            return forms[stem]
    return low


@lru_cache(maxsize=200_000)
def analyse(word: str, lang: str) -> tuple[str, ...]:
    """Lemmas under which ``word`` is looked up: its own lemma if the lexicon knows it, else
    the head of a compound (the longest known lemma that ends the word, at least
    ``MIN_PART`` letters), else its lemma alone.

    >>> analyse("vanhuspalveluihin", "fi")
    ('vanhuspalvelu', 'palvelu')
    """
    lex = load_lexicon()
    table = lex.fi_sv if lang == "fi" else lex.sv_fi
    own = lemma(word, lang)
    if own in table:
        return (own,)
    low = word.lower()
    for i in range(MIN_PART - 1, len(low) - MIN_PART + 1):
        head = lemma(low[i:], lang)
        if len(head) >= MIN_PART and head in table:
            return (low[:i] + head, head)  # the compound's lemma: its first part + the head's
    return (own,)


def translations(word: str, src: str, tgt: str, k: int = 5) -> list[tuple[str, float]]:
    """Up to ``k`` translations of ``word`` (any inflected form) with p(translation | word);
    for an unknown compound, those of its head.

    >>> translations("kommunerna", "sv", "fi")[0][0]
    'kunta'
    """
    _check(src)
    _check(tgt)
    table = load_lexicon().table(src, tgt)
    for lem in analyse(word, src):
        if lem in table:
            return list(table[lem][:k])
    return []


@dataclass(frozen=True)
class Word:
    """A content word of a cell: surface form, lemma(s) and known translations."""

    text: str
    lang: str
    lemmas: tuple[str, ...]
    weight: float
    translations: tuple[str, ...]


@dataclass(frozen=True)
class UncoveredWord:
    """A content word with no dictionary translation in the other cell."""

    text: str
    lang: str
    likely: tuple[str, ...]  # its likely translations, best first

    def __str__(self) -> str:
        return f"{self.text} (≈ {', '.join(self.likely[:2])})" if self.likely else self.text


@dataclass(frozen=True)
class Coverage:
    """How much of each cell's content has a translation in the other one.

    ``sv`` / ``fi``: idf-weighted share of that side's content words (those the lexicon
    knows, and unknown ones that recur verbatim, such as names) found in the other cell;
    None when the side has none. ``score``: their mean (0.0 when neither side has any).
    """

    score: float
    sv: Optional[float]
    fi: Optional[float]
    uncovered_sv: tuple[UncoveredWord, ...]
    uncovered_fi: tuple[UncoveredWord, ...]


@dataclass(frozen=True)
class Cell:
    """A cell's words ready for matching: content words and every lemma/token in it."""

    lang: str
    words: tuple[Word, ...]
    forms: frozenset  # lemmas, compound heads and lower-cased tokens of all its words
    names: frozenset  # lower-cased capitalised tokens (names recur across languages)


@lru_cache(maxsize=50_000)
def cell_words(text: str, lang: str) -> Cell:
    """The words of one cell (cached: a table's cells are compared many times)."""
    _check(lang)
    lex = load_lexicon()
    table = lex.fi_sv if lang == "fi" else lex.sv_fi
    fw = lex.function_words[lang]
    other_fw = lex.function_words["sv" if lang == "fi" else "fi"]
    words = []
    forms = set()
    names = set()
    for tok in TOKEN.findall(text):
        lems = analyse(tok, lang)
        forms.add(tok.lower())
        if tok[0].isupper() and len(tok) >= 3:
            names.add(tok.lower())
        forms.update(lems)
        if len(tok) < 2 or lems[0] in fw:
            continue
        trans: list[str] = []
        for lem in lems:
            if lem in table:  # a function word as "translation" would match almost any cell
                trans = [t for t, _ in table[lem] if t not in other_fw]
                break
        words.append(Word(tok, lang, lems, lex.idf(lems[-1] if trans else lems[0], lang), tuple(trans)))
    return Cell(lang, tuple(words), frozenset(forms), frozenset(names))


@lru_cache(maxsize=50_000)
def _index(forms: frozenset) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A cell's forms long enough to be a compound part, sorted, and sorted reversed: a
    prefix or suffix search is then one bisection (cached: a cell is matched many times)."""
    long = [f for f in forms if len(f) >= MIN_PART]
    return tuple(sorted(long)), tuple(sorted(f[::-1] for f in long))


def _found(candidates: Iterable[str], forms: frozenset) -> bool:
    """Whether one of ``candidates`` is among ``forms``, or a lemma part at either end of a
    longer word (compounds), both ways; parts shorter than MIN_PART match by chance."""
    starts, ends = _index(forms)
    for t in candidates:
        if t in forms:
            return True
        if len(t) < MIN_PART:
            continue
        i = bisect_left(starts, t)  # a form that begins with t
        if i < len(starts) and starts[i].startswith(t):
            return True
        rt = t[::-1]
        i = bisect_left(ends, rt)  # a form that ends with t
        if i < len(ends) and ends[i].startswith(rt):
            return True
        for k in range(MIN_PART, len(t)):  # a form that t begins or ends with
            if t[:k] in forms or t[-k:] in forms:
                return True
    return False


def _side(a: Cell, b: Cell) -> tuple[Optional[float], tuple[UncoveredWord, ...]]:
    total = covered = 0.0
    missing = []
    for w in a.words:
        if w.translations:
            hit = _found(w.translations, b.forms) or w.text.lower() in b.forms
        else:  # unknown word: evidence only if it recurs as such (a name, inflected in Finnish)
            low = w.text.lower()
            hit = low in b.forms or (low in a.names and any(f.startswith(low) or low.startswith(f) for f in b.names))
            if not hit:
                continue
        total += w.weight
        if hit:
            covered += w.weight
        else:
            missing.append(UncoveredWord(w.text, w.lang, w.translations[:3]))
    return (covered / total if total else None), tuple(missing)


def coverage_cells(sv: Cell, fi: Cell) -> Coverage:
    """:func:`coverage` over prepared cells (see :func:`cell_words`)."""
    s, us = _side(sv, fi)
    f, uf = _side(fi, sv)
    known = [x for x in (s, f) if x is not None]
    return Coverage(sum(known) / len(known) if known else 0.0, s, f, us, uf)


def coverage(sv_text: str, fi_text: str) -> Coverage:
    """Lexical coverage of a Swedish and a Finnish cell, with the words left uncovered.

    >>> c = coverage("Hemvård och fortbildning.", "Kotihoito.")
    >>> [str(w) for w in c.uncovered_sv]
    ['fortbildning (≈ jatkokoulutus, täydennyskoulutus)']
    """
    return coverage_cells(cell_words(sv_text, "sv"), cell_words(fi_text, "fi"))


# --- polarity ------------------------------------------------------------------------------------

POLARITY_CLASSES = ("negation", "increase", "decrease", "done", "ongoing")
_OPPOSITE = {"increase": "decrease", "decrease": "increase", "done": "ongoing", "ongoing": "done"}


@lru_cache(maxsize=1)
def _polarity_words() -> dict:
    out: dict = {(lang, c): [] for lang in LANGS for c in POLARITY_CLASSES}
    for line in _data("polarity.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, cls, entry = line.split("\t")
            out[(lang, cls)].append(tuple(entry.split()))
    return out


def _matches(tokens: list[str], entry: tuple[str, ...]) -> bool:
    n = len(entry)
    for i in range(len(tokens) - n + 1):
        if all(tokens[i + j].startswith(e[:-1]) if e.endswith("*") else tokens[i + j] == e for j, e in enumerate(entry)):
            return True
    return False


def polarity(text: str, lang: str) -> frozenset:
    """The polarity classes a text expresses: negation, increase/decrease, done/ongoing.

    >>> sorted(polarity("Verksamheten pågår, kostnaderna har inte minskat.", "sv"))
    ['decrease', 'negation', 'ongoing']
    """
    _check(lang)
    tokens = [t.lower() for t in TOKEN.findall(text)]
    words = _polarity_words()
    return frozenset(c for c in POLARITY_CLASSES if any(_matches(tokens, e) for e in words[(lang, c)]))


def polarity_conflicts(sv_text: str, fi_text: str) -> tuple[str, ...]:
    """Where a Swedish and a Finnish cell disagree in negation, direction or status.

    >>> polarity_conflicts("Åtgärden är genomförd.", "Toimenpide on vielä kesken.")
    ('sv says done where fi says ongoing',)
    >>> polarity_conflicts("Kostnaderna har inte ökat.", "Kustannukset eivät ole kasvaneet.")
    ()
    """
    s, f = polarity(sv_text, "sv"), polarity(fi_text, "fi")
    out = []
    if ("negation" in s) != ("negation" in f):
        out.append("negation only in " + ("sv" if "negation" in s else "fi"))
    for a in ("increase", "done"):
        b = _OPPOSITE[a]
        for x, y, xs, ys in ((s, f, "sv", "fi"), (f, s, "fi", "sv")):
            if a in x and b not in x and b in y and a not in y:
                out.append(f"{xs} says {a} where {ys} says {b}")
    return tuple(sorted(out))


def polarity_words(text: str, lang: str) -> dict:
    """The words of ``text`` that express each polarity class (class -> matched tokens).

    >>> polarity_words("Kostnaderna har inte minskat.", "sv")
    {'negation': ('inte',), 'decrease': ('minskat',)}
    """
    _check(lang)
    return {c: tuple(dict.fromkeys(w for _, w in hits)) for c, hits in _class_hits(text, lang).items()}


@lru_cache(maxsize=4)
def _class_patterns(lang: str) -> dict:
    """One regular expression per polarity class over the space-joined lower-case tokens
    (an entry ending in * matches a token it starts; entries with spaces, token sequences)."""
    out = {}
    for c in POLARITY_CLASSES:
        alts = [" ".join(re.escape(e[:-1]) + r"\S*" if e.endswith("*") else re.escape(e) for e in entry) for entry in _polarity_words()[(lang, c)]]
        out[c] = re.compile(r"(?<!\S)(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?!\S)") if alts else None
    return out


@lru_cache(maxsize=20_000)
def _class_hits(text: str, lang: str) -> dict:
    """class -> ((token index, token), ...) of the words of ``text`` that express it."""
    joined = " ".join(t.lower() for t in TOKEN.findall(text))
    out: dict = {}
    for c, pat in _class_patterns(lang).items():
        if pat is None:
            continue
        hits = []
        for m in pat.finditer(joined):
            first = joined.count(" ", 0, m.start())
            hits.extend((first + k, w) for k, w in enumerate(m.group(0).split(" ")))
        if hits:
            out[c] = tuple(hits)
    return out


NEGATION_WINDOW = 3  # a negation within this many words of a status word negates it ("minskas inte", "ei ole toteutunut")


def _negated(text: str, lang: str, cls: str) -> tuple[str, ...]:
    """The negation words of ``text`` within ``NEGATION_WINDOW`` words of a word of ``cls``."""
    hits = _class_hits(text, lang)
    own = {i for i, _ in hits.get(cls, ())}
    near = [(i, w) for i, w in hits.get("negation", ()) if i not in own and any(abs(i - j) <= NEGATION_WINDOW for j in own)]
    return tuple(dict.fromkeys(w for _, w in sorted(near)))


@dataclass(frozen=True)
class StatusConflict:
    """Two cells that say opposite things: what differs and the words that say it."""

    what: str  # e.g. "fi says done where sv says ongoing"
    sv_words: tuple[str, ...]
    fi_words: tuple[str, ...]


def status_conflicts(sv_text: str, fi_text: str) -> tuple[StatusConflict, ...]:
    """The polarity conflicts that are evidence of opposite meaning: an opposite direction or
    status (increase vs decrease, done vs ongoing), or the same status or direction negated in
    one version only (a negation within ``NEGATION_WINDOW`` words of it). A negation alone is not: languages negate differently ("utan
    tidsbokning" = "ajanvaraukseton", "bibehålls" = "ei vähene").

    >>> [c.what for c in status_conflicts("Åtgärden har inte genomförts.", "Toimenpide on toteutettu.")]
    ['fi says done where sv says ongoing']
    >>> [c.what for c in status_conflicts("Kostnaderna har inte ökat.", "Kustannukset ovat kasvaneet.")]
    ['negation only in sv (increase)']
    >>> status_conflicts("Mottagning utan tidsbokning.", "Ajanvaraukseton vastaanotto.")
    ()
    >>> status_conflicts("Dagverksamheten fortsätter, omfattningen bibehålls.", "Päivätoiminta jatkuu, ja hoitopäivien määrä ei vähene.")
    ()
    """
    s, f = polarity_words(sv_text, "sv"), polarity_words(fi_text, "fi")
    out = []
    for a in ("increase", "done"):
        b = _OPPOSITE[a]
        for x, y, xs in ((s, f, "sv"), (f, s, "fi")):
            if a in x and b not in x and b in y and a not in y:
                sw, fw = (x, y) if xs == "sv" else (y, x)
                ys = "fi" if xs == "sv" else "sv"
                out.append(StatusConflict(f"{xs} says {a} where {ys} says {b}", sum((sw.get(k, ()) for k in (a, b)), ()), sum((fw.get(k, ()) for k in (a, b)), ())))
    for c in POLARITY_CLASSES[1:]:
        if c in s and c in f:
            ns, nf = _negated(sv_text, "sv", c), _negated(fi_text, "fi", c)
            if bool(ns) != bool(nf):
                neg = "sv" if ns else "fi"
                out.append(StatusConflict(f"negation only in {neg} ({c})", ns + s[c], nf + f[c]))
    return tuple(sorted(out, key=lambda c: c.what))


# --- items of a cell (a list's entries) ------------------------------------------------------

ITEM = re.compile(r"[,;:.!?()]+(?:\s+|$)|\s+(?:ja|sekä|tai|och|samt|eller)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    """One item of a cell (split at punctuation and coordinating conjunctions): its content
    words and whether each has a translation in the other cell."""

    text: str
    words: tuple[tuple[Word, bool], ...]

    @property
    def uncovered(self) -> bool:
        return not any(hit for _, hit in self.words)


def items(text: str, lang: str, other: Cell) -> tuple[Item, ...]:
    """The items of a cell with the coverage of each word by the ``other`` cell (words the
    lexicon does not know count only when they recur verbatim, as in :func:`coverage`).

    >>> [(i.text, i.uncovered) for i in items("Täydennyskoulutus, opintovapaa ja oppisopimukset", "fi", cell_words("Studieledighet och läroavtal", "sv"))]
    [('Täydennyskoulutus', True), ('opintovapaa', False), ('oppisopimukset', False)]
    """
    out = []
    for part in ITEM.split(text):
        part = part.strip()
        if not part:
            continue
        ws = []
        for w in cell_words(part, lang).words:
            if w.translations:
                ws.append((w, _found(w.translations, other.forms) or w.text.lower() in other.forms))
            elif w.text.lower() in other.forms:
                ws.append((w, True))
        if ws:
            out.append(Item(part, tuple(ws)))
    return tuple(out)


def confident(word: Word, min_p: float) -> bool:
    """Whether a word's own lemma (not a compound head guessed from its ending) has a
    translation of probability at least ``min_p``: only such a word is evidence that
    something is missing on the other side.

    >>> w = cell_words("Täydennyskoulutus", "fi").words[0]
    >>> confident(w, 0.9)
    True
    """
    lex = load_lexicon()
    table = lex.table(word.lang, "sv" if word.lang == "fi" else "fi")
    own = word.lemmas[0]
    return len(word.lemmas) == 1 and len(own) >= MIN_PART and own in table and table[own][0][1] >= min_p
