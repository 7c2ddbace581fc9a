"""Checks: where the two aligned versions disagree, one function per finding kind.

Each check takes the :class:`Context` (the alignment and what was measured on it) and
yields :class:`~bitext.model.Finding` objects; :func:`run_checks` runs them all and sorts
the findings in reading order. The vocabulary of kinds is :data:`bitext.model.KINDS`.

Calibration (why there is no global threshold): cosines of faithful translations and of
unrelated cells overlap, and they differ by column (a one-word meter vs a paragraph of
report). So a cell is judged against *this document's* other cells of the same column:

- ``cell_mismatch`` (embedding): the cell pair is flagged only when **both** cells have a
  clearly better partner in the same column of the other version (``cos + MARGIN`` below
  each one's best), and its cosine is low for the column (robust z-score against the
  median and MAD of the column's distinct aligned pairs, under ``Z_LOW``). Faithful
  translations are almost always each other's best partner, so this stays quiet on
  wording differences.
- ``cell_mismatch`` (translation memory): a text that repeats in one version and is
  normally rendered one way, paired here with a text that says something else.
- ``inconsistent_translation``: the same text (or the same leading term of a cell, e.g.
  the responsible body) rendered differently across the document; the rendering closer to
  the original (by cross-lingual similarity) is named as the likely right one.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable, Iterator, Optional

import numpy as np

from .language import NAMES, detect_scores
from .model import Alignment, Finding, Link, Row
from .normalize import FINAL_PUNCTUATION

MARGIN = 0.02
Z_LOW = -1.5
MIN_SPREAD = 0.015
TM_MIN_REPEATS = 2
TM_SAME = 0.95  # within-language cosine above which two renderings say the same thing
TM_CLEAR = 0.03  # without a majority, a rendering this much closer to the source is the reference
WRONG_LANG_PROB = 0.9

SETTINGS: dict = {
    "cell_mismatch": {"margin": MARGIN, "z_low": Z_LOW, "min_spread": MIN_SPREAD},
    "translation_memory": {"min_repeats": TM_MIN_REPEATS, "same_meaning_cosine": TM_SAME},
    "wrong_language": {"min_probability": WRONG_LANG_PROB},
}

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0]\d{3})+(?![\d,.])|\d+(?:[.,]\d+)?")
# Number words, so "två" vs "2" is not a mismatch (Finnish by stem: kuusi/kuuden...).
NUMBER_WORDS_SV = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "hundra": 100}
NUMBER_STEMS_FI = {"yksi": 1, "yhde": 1, "kaksi": 2, "kahde": 2, "kolme": 3, "neljä": 4, "viisi": 5, "viide": 5, "kuusi": 6, "kuude": 6, "seitsem": 7, "kahdeksa": 8, "yhdeksä": 9, "kymmen": 10, "sata": 100, "sada": 100}
# A cell that stops on one of these words was cut off mid-sentence.
FUNCTION_WORDS = frozenset(
    "och att för av i på med som till om en ett den det de genom samt eller men från vid hos under "
    "ja sekä tai että kun jotta on ovat ei mutta myös".split()
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def _quote(text: str, limit: int = 120) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"


def _row_text(row: Row) -> str:
    return " | ".join(c.text for c in row.cells if c.text and not c.inherited)


@dataclass
class Context:
    """What the checks share: the alignment, the measured model, per-column statistics."""

    alignment: Alignment
    lidx: dict[int, int] = field(init=False)
    ridx: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self._wrong: dict[tuple[str, int], bool] = {}
        self.lidx = {id(r): k for k, r in enumerate(self.alignment.left.rows)}
        self.ridx = {id(r): k for k, r in enumerate(self.alignment.right.rows)}

    @property
    def model(self):  # type: ignore[no-untyped-def]
        return self.alignment.model

    @property
    def langs(self) -> tuple[str, str]:
        return self.alignment.left.language, self.alignment.right.language

    @property
    def names(self) -> tuple[str, str]:
        """How messages name the two versions: by language, or first/second revision."""
        a, b = self.langs
        if a == b:
            return "first", "second"
        return NAMES.get(a, a), NAMES.get(b, b)

    @cached_property
    def matched(self) -> list[Link]:
        return [l for l in self.alignment.links if l.relation == "match" and l.left is not None and l.right is not None]

    @cached_property
    def aligned(self) -> list[Link]:
        """Matched links whose columns line up (no column shift)."""
        return [l for l in self.matched if l.shift == 0]

    def cos(self, link: Link, c: int) -> Optional[float]:
        return self.model.cell_cosine(self.lidx[id(link.left)], self.ridx[id(link.right)], c)

    @cached_property
    def column_stats(self) -> dict[int, tuple[float, float]]:
        """Per column: (median, robust spread) of the cosine of distinct aligned cell pairs."""
        out = {}
        width = self.model.left.cells.shape[1]
        for c in range(width):
            seen: dict[tuple[str, str], float] = {}
            for l in self.aligned:
                v = self.cos(l, c)
                if v is not None:
                    seen[(l.left.cells[c].text, l.right.cells[c].text)] = v
            vals = np.array(list(seen.values()))
            if len(vals) >= 3:
                med = float(np.median(vals))
                out[c] = (med, max(float(np.median(np.abs(vals - med))) * 1.4826, MIN_SPREAD))
        return out

    @cached_property
    def vectors(self) -> dict[str, dict[int, dict[str, np.ndarray]]]:
        """side -> column -> {text: vector} for the aligned rows' cells."""
        out: dict[str, dict[int, dict[str, np.ndarray]]] = {"left": defaultdict(dict), "right": defaultdict(dict)}
        for l in self.aligned:
            i, j = self.lidx[id(l.left)], self.ridx[id(l.right)]
            for c in range(self.model.left.cells.shape[1]):
                if self.model.left.mask[i, c]:
                    out["left"][c][l.left.cells[c].text] = self.model.left.cells[i, c]
                if self.model.right.mask[j, c]:
                    out["right"][c][l.right.cells[c].text] = self.model.right.cells[j, c]
        return out

    @cached_property
    def detect_pair(self) -> tuple[str, ...]:
        """The languages language detection chooses between: the two versions'."""
        a, b = self.langs
        return tuple(sorted({a, b} & set(NAMES))) or (a, b)

    def is_translation(self, a: str, b: str) -> bool:
        """Whether an aligned cell pair is a translation at all: not copied unchanged and
        neither side in the other's language (the language checks report those)."""
        return not (_fold(a) == _fold(b) or self.in_wrong_language(a, 0) or self.in_wrong_language(b, 1))

    def in_wrong_language(self, text: str, side: int) -> bool:
        """Whether a cell of this side is written in the other side's language."""
        key = (text, side)
        if key not in self._wrong:
            a, b = self.langs
            own, other = (a, b) if side == 0 else (b, a)
            words = [w for w in _WORD.findall(text) if not _name_like(w)]
            # Cheap test first (language detection costs ~1 ms a cell): a cell whose words
            # mostly occur elsewhere in its own version is in that version's language.
            own_vocab = self.vocabulary[side]
            familiar = sum(1 for w in words if own_vocab[w] >= 2)
            self._wrong[key] = (
                own != other
                and len(words) >= 3
                and familiar * 2 < len(words)
                and detect_scores(text, self.detect_pair).get(other, 0.0) >= WRONG_LANG_PROB
            )
        return self._wrong[key]

    @cached_property
    def vocabulary(self) -> tuple[Counter, Counter]:
        """For each version: in how many distinct cells each lower-case word occurs."""

        def count(rows: Iterable[Row]) -> Counter:
            cells = {c.text for r in rows for c in r.cells if c.text and not c.inherited}
            counter: Counter = Counter()
            for text in cells:
                counter.update({w for w in _WORD.findall(text) if w.islower()})
            return counter

        return count(self.alignment.left.rows), count(self.alignment.right.rows)


def _finding(kind: str, severity: str, link_or_rows, column: Optional[int], message: str, **evidence) -> Finding:  # type: ignore[no-untyped-def]
    left, right = (link_or_rows.left, link_or_rows.right) if isinstance(link_or_rows, Link) else link_or_rows
    return Finding(kind, severity, left, right, column, message, evidence)


# --- rows -------------------------------------------------------------------------------------


def _row_signature(row: Row) -> tuple[str, ...]:
    return tuple(_fold(c.text) for c in row.cells if not c.inherited)


def duplicate_rows(ctx: Context) -> dict[int, list[Row]]:
    """Rows that repeat another row of the same table word for word: id(row) -> its twins."""
    out: dict[int, list[Row]] = {}
    for doc in (ctx.alignment.left, ctx.alignment.right):
        for table in doc.tables:
            groups: dict[tuple[str, ...], list[Row]] = defaultdict(list)
            for row in table.rows:
                sig = _row_signature(row)
                if any(sig):
                    groups[sig].append(row)
            for rows in groups.values():
                for row in rows if len(rows) > 1 else ():
                    out[id(row)] = [r for r in rows if r is not row]
    return out


def check_missing_and_duplicate_rows(ctx: Context) -> Iterator[Finding]:
    """``missing_row``: a row in one version only (error). ``duplicate_row``: the same row
    twice in one table of one version (warning), reported on the copy left without a
    counterpart (whichever of the two the aligner paired), or on the later copy when both
    are paired; a one-sided duplicate is reported only as that."""
    la, lb = ctx.names
    dups = duplicate_rows(ctx)
    paired = {id(r) for l in ctx.matched for r in (l.left, l.right)}
    for link in ctx.alignment.links:
        for row, side, name, other in ((link.left, "left", la, lb), (link.right, "right", lb, la)):
            if row is None:
                continue
            one_sided = link.relation == f"{side}_only"
            twins = dups.get(id(row), [])
            later_copy = bool(twins) and all(id(t) in paired for t in twins) and any(t.index < row.index for t in twins)
            if twins and (one_sided or later_copy):
                twin = next((t for t in twins if id(t) in paired), twins[0])
                yield _finding(
                    "duplicate_row",
                    "warning",
                    (row, None) if side == "left" else (None, row),
                    None,
                    f"This {name} row repeats the row at {twin.source.label} word for word: {_quote(_row_text(row))}.",
                    first_copy=twin.source.label,
                    relation=ctx.alignment.relation_name(link),
                )
            elif one_sided:
                yield _finding(
                    "missing_row",
                    "error",
                    (row, None) if side == "left" else (None, row),
                    None,
                    f"This {name} row has no counterpart in the {other} version: {_quote(_row_text(row))}.",
                    relation=ctx.alignment.relation_name(link),
                )


def check_column_shift(ctx: Context) -> Iterator[Finding]:
    """``column_shift``: the content of a row sits one or more columns off on one side;
    reported once for the row, not as a mismatch per column (error)."""
    la, lb = ctx.names
    for link in ctx.matched:
        if link.shift:
            direction = "right" if link.shift > 0 else "left"
            yield _finding(
                "column_shift",
                "error",
                link,
                None,
                f"The {lb} row's content sits {abs(link.shift)} column(s) to the {direction} of the {la} row's "
                f"(e.g. {la} column 2 {_quote(link.left.cells[1].text, 60)} ↔ {lb} column {2 + link.shift} "
                f"{_quote(link.right.cells[min(max(1 + link.shift, 0), len(link.right.cells) - 1)].text, 60)}).",
                shift=link.shift,
                score=link.score,
                content=link.content,
            )


# --- cells ---------------------------------------------------------------------------------


def check_empty_cells(ctx: Context) -> Iterator[Finding]:
    """``empty_cell``: a cell empty on one side only, after the merged-first-cell rule (warning)."""
    la, lb = ctx.names
    for link in ctx.aligned:
        for c, (a, b) in enumerate(zip(link.left.cells, link.right.cells)):
            if bool(a.text) == bool(b.text):
                continue
            empty, full, text = (la, lb, b.text) if not a.text else (lb, la, a.text)
            yield _finding(
                "empty_cell",
                "warning",
                link,
                c + 1,
                f"Column {c + 1} is empty in the {empty} version; the {full} version has {_quote(text)}.",
                empty_side=ctx.alignment.prefixes[0] if not a.text else ctx.alignment.prefixes[1],
            )


def numbers(text: str, language: str) -> tuple[set[str], set[str]]:
    """Numbers written with digits, and numbers written as words, in canonical form.

    >>> digits, words = numbers("Vi har minskat personal (3,5 årsverken) klockan 15, två grupper.", "sv")
    >>> sorted(digits), sorted(words)
    (['15', '3.5'], ['2'])
    >>> numbers("1–6/2021", "fi")[0] == {'1', '6', '2021'}
    True
    """
    digits = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = float(value)
        except ValueError:  # pragma: no cover - the regex only matches numbers
            continue
        digits.add(f"{number:g}")
    words = set()
    for w in _WORD.findall(text.lower()):
        if language == "sv" and w in NUMBER_WORDS_SV:
            words.add(str(NUMBER_WORDS_SV[w]))
        elif language == "fi":
            for stem, value in NUMBER_STEMS_FI.items():
                if w.startswith(stem) and len(w) <= len(stem) + 6:
                    words.add(str(value))
    return digits, words


def check_numbers(ctx: Context) -> Iterator[Finding]:
    """``number_mismatch``: numbers, dates, times, percentages or amounts that differ
    (error). Read language-aware ("3,5" = "3.5", "klockan 15" = "klo 15"); a number on one
    side only, or written as a word on the other, is not a mismatch."""
    la, lb = ctx.names
    a_lang, b_lang = ctx.langs
    for link in ctx.aligned:
        for c, (a, b) in enumerate(zip(link.left.cells, link.right.cells)):
            if not a.text or not b.text or a.inherited:
                continue
            da, wa = numbers(a.text, a_lang)
            db, wb = numbers(b.text, b_lang)
            if not da or not db or da == db:
                continue
            only_a = sorted(da - db - wb)
            only_b = sorted(db - da - wa)
            if not only_a and not only_b:
                continue
            yield _finding(
                "number_mismatch",
                "error",
                link,
                c + 1,
                f"Column {c + 1}: the numbers differ — {la} {', '.join(only_a) or '(none extra)'} vs "
                f"{lb} {', '.join(only_b) or '(none extra)'} in {_quote(a.text, 80)} / {_quote(b.text, 80)}.",
                **{f"{ctx.alignment.prefixes[0]}_numbers": sorted(da), f"{ctx.alignment.prefixes[1]}_numbers": sorted(db)},
            )


def _name_like(word: str) -> bool:
    return not word.islower()


def check_language(ctx: Context) -> Iterator[Finding]:
    """``untranslated``: a cell identical in both versions (copied, not translated; error).
    ``wrong_language``: a cell written in the other version's language (error), or words of
    the other language left in a cell (warning). Names, acronyms and numbers shared by both
    languages are not findings."""
    la, lb = ctx.names
    a_lang, b_lang = ctx.langs
    if a_lang == b_lang:
        return
    for link in ctx.aligned:
        for c, (a, b) in enumerate(zip(link.left.cells, link.right.cells)):
            if not a.text or not b.text or a.inherited or b.inherited:
                continue
            fa, fb = _fold(a.text), _fold(b.text)
            words = [w for w in _WORD.findall(a.text) if len(w) >= 3 and not _name_like(w)]
            if fa == fb and words:
                yield _finding(
                    "untranslated",
                    "error",
                    link,
                    c + 1,
                    f"Column {c + 1} is the same text in both versions, not translated: {_quote(a.text)}.",
                    text=a.text,
                )
                continue
            for side, (cell, other_lang, own_name, other_name) in enumerate(((a.text, b_lang, la, lb), (b.text, a_lang, lb, la))):
                found = "cell" if ctx.in_wrong_language(cell, side) else _stray_words(ctx, cell, side, other_lang)
                if found is None:
                    continue
                if found == "cell":
                    yield _finding(
                        "wrong_language",
                        "error",
                        link,
                        c + 1,
                        f"Column {c + 1} of the {own_name} version is written in {other_name}: {_quote(cell)}.",
                        side=ctx.alignment.prefixes[side],
                        detected=other_lang,
                    )
                else:
                    yield _finding(
                        "wrong_language",
                        "warning",
                        link,
                        c + 1,
                        f"Column {c + 1} of the {own_name} version has {other_name} word(s) left in it: "
                        f"{', '.join(_quote(w) for w in found)} in {_quote(cell, 90)}.",
                        side=ctx.alignment.prefixes[side],
                        words=found,
                        detected=other_lang,
                    )


def _stray_words(ctx: Context, text: str, own: int, other_lang: str) -> Optional[list[str]]:
    """Words of the other language left in a cell: rare in their own version, common in the
    other, and the other language's by their letters."""
    own_vocab, other_vocab = ctx.vocabulary[own], ctx.vocabulary[1 - own]
    stray = []
    for w in dict.fromkeys(w for w in _WORD.findall(text) if not _name_like(w)):
        if own_vocab[w] <= 2 and other_vocab[w] >= 3 * max(own_vocab[w], 1):
            if detect_scores(w, ctx.detect_pair).get(other_lang, 0.0) >= WRONG_LANG_PROB:
                stray.append(w)
    return stray or None


def check_truncated(ctx: Context) -> Iterator[Finding]:
    """``truncated``: a cell cut off — ending in a hyphen, or on a function word where the
    other version's cell ends a sentence — and not completed by a continuation (warning)."""
    names = ctx.names
    for link in ctx.aligned:
        for c, (a, b) in enumerate(zip(link.left.cells, link.right.cells)):
            for side, (cell, other) in enumerate(((a, b), (b, a))):
                text = cell.text
                if not text or cell.inherited:
                    continue
                last = text.rsplit(" ", 1)[-1].lower()
                hyphen = len(text) > 2 and text.endswith("-") and text[-2].isalpha()
                mid = last in FUNCTION_WORDS and not text.endswith(FINAL_PUNCTUATION) and other.text.endswith(FINAL_PUNCTUATION)
                if hyphen or mid:
                    yield _finding(
                        "truncated",
                        "warning",
                        link,
                        c + 1,
                        f"Column {c + 1} of the {names[side]} version looks cut off: it ends {_quote(text[-40:])}.",
                        side=ctx.alignment.prefixes[side],
                        reason="ends in a hyphen" if hyphen else "ends on a function word",
                    )


def check_cell_mismatch(ctx: Context) -> Iterator[Finding]:
    """``cell_mismatch`` by embeddings: both cells have a clearly better partner in the same
    column of the other version, and the pair is unusually far apart for the column."""
    la, lb = ctx.names
    stats = ctx.column_stats
    vecs = ctx.vectors
    for c, (med, spread) in sorted(stats.items()):
        lt, rt = list(vecs["left"][c]), list(vecs["right"][c])
        if len(lt) < 3 or len(rt) < 3:
            continue
        L = np.array([vecs["left"][c][t] for t in lt])
        R = np.array([vecs["right"][c][t] for t in rt])
        (best_a, arg_a), (best_b, arg_b) = _best_partners(L, R)
        li = {t: k for k, t in enumerate(lt)}
        ri = {t: k for k, t in enumerate(rt)}
        for link in ctx.aligned:
            a, b = link.left.cells[c], link.right.cells[c]
            if not a.text or not b.text or (a.inherited and b.inherited):
                continue
            x, y = li[a.text], ri[b.text]
            cos = float(L[x] @ R[y])
            z = (cos - med) / spread
            best_for_a, best_for_b = int(arg_a[x]), int(arg_b[y])
            if z < Z_LOW and cos + MARGIN < best_a[x] and cos + MARGIN < best_b[y]:
                yield _finding(
                    "cell_mismatch",
                    "warning",
                    link,
                    c + 1,
                    f"Column {c + 1} says something else in the two versions: {la} {_quote(a.text, 90)} vs "
                    f"{lb} {_quote(b.text, 90)}; each is closer to another row's cell.",
                    cosine=round(cos, 4),
                    column_median=round(med, 4),
                    z=round(z, 2),
                    **{
                        f"closer_{ctx.alignment.prefixes[1]}": rt[best_for_a],
                        f"closer_{ctx.alignment.prefixes[0]}": lt[best_for_b],
                    },
                )


def _best_partners(L: np.ndarray, R: np.ndarray, chunk: int = 1024):  # type: ignore[no-untyped-def]
    """Each row's best cosine (and which) in the other set, both ways, chunk by chunk."""
    best_a, arg_a = np.empty(len(L)), np.empty(len(L), dtype=int)
    best_b, arg_b = np.full(len(R), -2.0), np.zeros(len(R), dtype=int)
    for start in range(0, len(L), chunk):
        sims = L[start : start + chunk] @ R.T
        best_a[start : start + chunk] = sims.max(axis=1)
        arg_a[start : start + chunk] = sims.argmax(axis=1)
        col_best = sims.max(axis=0)
        better = col_best > best_b
        arg_b = np.where(better, sims.argmax(axis=0) + start, arg_b)
        best_b = np.where(better, col_best, best_b)
    return (best_a, arg_a), (best_b, arg_b)


def _translation_memory(ctx: Context, c: int, side: int) -> tuple[dict[str, Counter], dict[str, list[Link]]]:
    """For the texts of one side in column c: how each was rendered on the other side, and
    the links where it was."""
    memory: dict[str, Counter] = defaultdict(Counter)
    where: dict[str, list[Link]] = defaultdict(list)
    for link in ctx.aligned:  # shifted rows are not evidence of how a text is translated
        a, b = link.left.cells[c], link.right.cells[c]
        if not a.text or not b.text or a.inherited or b.inherited:
            continue
        if not ctx.is_translation(a.text, b.text):
            continue
        src, dst = (a.text, b.text) if side == 0 else (b.text, a.text)
        memory[src][dst] += 1
        where[src].append(link)
    return memory, where


def check_translation_memory(ctx: Context) -> Iterator[Finding]:
    """A text that repeats in one version but is rendered differently across the document.

    The renderings are grouped by meaning (within-language cosine >= ``TM_SAME``). Where
    two groups say different things, the rows outside the dominant group (at least 3 times
    as frequent) get a ``cell_mismatch``; without a dominant group all of them do (the
    translator decides). Within a group, wordings that differ more than a typo (character similarity
    under 0.85) get an ``inconsistent_translation`` (info) where they are not the most
    frequent wording."""
    from difflib import SequenceMatcher

    width = ctx.model.left.cells.shape[1]
    names = ctx.names
    for side in (0, 1):
        for c in range(width):
            memory, where = _translation_memory(ctx, c, side)
            for src, renderings in sorted(memory.items()):
                if sum(renderings.values()) < TM_MIN_REPEATS or len(renderings) < 2:
                    continue
                groups: list[list[str]] = []
                for text in sorted(renderings, key=lambda t: (-renderings[t], t)):
                    home = next((g for g in groups if _same_meaning(ctx, text, g[0], 1 - side, c)), None)
                    (home.append(text) if home is not None else groups.append([text]))
                weight = [sum(renderings[t] for t in g) for g in groups]
                # A clear majority is the reference; otherwise every rendering is suspect
                # and the translator decides.
                dominant = len(groups) == 1 or (weight[0] >= 3 and weight[0] >= 3 * weight[1])
                ref_group = 0 if dominant else _closest_group(ctx, src, groups, side, c)
                for link in where[src]:
                    a, b = link.left.cells[c], link.right.cells[c]
                    d = b.text if side == 0 else a.text
                    g = next(k for k, grp in enumerate(groups) if d in grp)
                    if ref_group is None or g != ref_group:
                        others = [t for k, grp in enumerate(groups) if k != g for t in grp]
                        yield _finding(
                            "cell_mismatch",
                            "warning",
                            link,
                            c + 1,
                            f"Column {c + 1}: the {names[side]} text {_quote(src, 70)} is rendered {_quote(others[0], 70)} "
                            f"elsewhere in the document; here the {names[1 - side]} says something else: {_quote(d, 90)}.",
                            source_text=src,
                            renderings=dict(renderings),
                            source_side=ctx.alignment.prefixes[side],
                            basis="translation memory",
                        )
                        continue
                    ref = groups[g][0]
                    # A different leading term (the responsible body) is check_terms' business.
                    same_term = "," not in d or "," not in ref or _lead(d) == _lead(ref)
                    if d != ref and same_term and SequenceMatcher(None, _fold(d), _fold(ref)).ratio() < 0.85:
                        yield _finding(
                            "inconsistent_translation",
                            "info",
                            link,
                            c + 1,
                            f"Column {c + 1}: the {names[side]} text {_quote(src, 70)} is worded {_quote(ref, 70)} "
                            f"elsewhere ({renderings[ref]}×) but {_quote(d, 90)} here.",
                            source_text=src,
                            reference=ref,
                            renderings=dict(renderings),
                            source_side=ctx.alignment.prefixes[side],
                        )


def _vector(ctx: Context, text: str, side: int, c: int) -> Optional[np.ndarray]:
    return ctx.vectors["left" if side == 0 else "right"].get(c, {}).get(text)


def _closest_group(ctx: Context, src: str, groups: list[list[str]], side: int, c: int) -> Optional[int]:
    """The group whose rendering is clearly the closest to the source (cross-lingual cosine
    ahead by ``TM_CLEAR``), else None."""
    sv = _vector(ctx, src, side, c)
    if sv is None:
        return None
    scores = []
    for g in groups:
        vecs = [v for v in (_vector(ctx, t, 1 - side, c) for t in g) if v is not None]
        scores.append(max(float(sv @ v) for v in vecs) if vecs else -1.0)
    order = sorted(range(len(groups)), key=lambda k: -scores[k])
    return order[0] if scores[order[0]] - scores[order[1]] >= TM_CLEAR else None


def _lead(text: str) -> str:
    return _fold(text.split(",", 1)[0])


def _same_meaning(ctx: Context, a: str, b: str, side: int, c: int) -> bool:
    va, vb = _vector(ctx, a, side, c), _vector(ctx, b, side, c)
    if va is None or vb is None:
        return False
    return float(va @ vb) >= TM_SAME


def check_terms(ctx: Context) -> Iterator[Finding]:
    """``inconsistent_translation`` of a recurring leading term (the first comma-separated
    part of a cell, e.g. the responsible body): the same term on one side rendered by two
    different terms on the other. Each row using the rendering further from the original
    is reported."""
    width = ctx.model.left.cells.shape[1]
    names = ctx.names
    for c in range(width):
        groups: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for link in ctx.aligned:
            a, b = link.left.cells[c], link.right.cells[c]
            if not a.text or not b.text or a.inherited:
                continue
            if not ctx.is_translation(a.text, b.text):
                continue
            ta, tb = a.text.split(",", 1)[0].strip(" ."), b.text.split(",", 1)[0].strip(" .")
            if _fold(ta) == _fold(tb):
                continue
            if "," not in a.text or "," not in b.text or len(ta.split()) > 3 or len(tb.split()) > 3:
                continue
            groups[tb][ta].append(link)
        for term, renderings in sorted(groups.items()):
            if len(renderings) < 2 or sum(len(v) for v in renderings.values()) < 3:
                continue
            scores = _term_scores(ctx, term, list(renderings))
            if scores is None:
                continue
            best = max(sorted(renderings), key=lambda r: scores[r])
            for rendering, links in sorted(renderings.items()):
                if rendering == best:
                    continue
                for link in links:
                    yield _finding(
                        "inconsistent_translation",
                        "warning",
                        link,
                        c + 1,
                        f"Column {c + 1}: {names[1]} {_quote(term)} is rendered {_quote(rendering)} here but "
                        f"{_quote(best)} in {len(renderings[best])} other row(s); {_quote(best)} is the closer translation.",
                        term=term,
                        rendering=rendering,
                        reference=best,
                        counts={k: len(v) for k, v in renderings.items()},
                        similarity={k: round(v, 4) for k, v in scores.items()},
                    )


def _term_scores(ctx: Context, term: str, renderings: list[str]) -> Optional[dict[str, float]]:
    """Cross-lingual cosine of a term with each rendering, with the alignment's encoder
    (and its cache)."""
    embed = getattr(ctx.model, "embed", None)
    if embed is None:
        return None
    vecs = embed([term, *renderings])
    return {r: float(vecs[term] @ vecs[r]) for r in renderings}


# --- structure -----------------------------------------------------------------------------------


def check_sections(ctx: Context) -> Iterator[Finding]:
    """``missing_section``: a table (heading) of one version none of whose rows has a
    counterpart (warning: rows go missing). ``section_order``: paired tables in another
    order in the two versions (info)."""
    names = ctx.names
    matched_rows = {id(r) for l in ctx.matched for r in (l.left, l.right)}
    for side, doc in enumerate((ctx.alignment.left, ctx.alignment.right)):
        for table in doc.tables:
            if table.rows and not any(id(r) in matched_rows for r in table.rows):
                first = table.rows[0]
                yield _finding(
                    "missing_section",
                    "warning",
                    (first, None) if side == 0 else (None, first),
                    None,
                    f"The {names[side]} table under {_quote(table.heading or '(no heading)', 90)} "
                    f"({len(table.rows)} row(s)) has no counterpart in the {names[1 - side]} version.",
                    heading=table.heading,
                    rows=len(table.rows),
                )
    # Order: tables paired through their rows; the ones off the longest increasing run moved.
    pairs: dict[int, Counter] = defaultdict(Counter)
    for l in ctx.matched:
        pairs[l.left.table][l.right.table] += 1
    seq = sorted((lt, cnt.most_common(1)[0][0]) for lt, cnt in pairs.items())
    # Longest run in order, preferring to keep earlier tables: the table reported is the
    # one that moved up in the other version.
    n = len(seq)
    keep = {n - 1 - k for k in _longest_increasing([-rt for _, rt in reversed(seq)])}
    for k, (lt, rt) in enumerate(seq):
        if k in keep:
            continue
        lt_obj, rt_obj = ctx.alignment.left.tables[lt], ctx.alignment.right.tables[rt]
        yield _finding(
            "section_order",
            "info",
            (lt_obj.rows[0], rt_obj.rows[0]),
            None,
            f"The table under {_quote(lt_obj.heading or '(no heading)', 80)} is in another place in the "
            f"{names[1]} version (table {rt + 1} there, table {lt + 1} here).",
            **{f"{ctx.alignment.prefixes[0]}_table": lt + 1, f"{ctx.alignment.prefixes[1]}_table": rt + 1},
        )


def _longest_increasing(values: list[int]) -> set[int]:
    """Indices of one longest strictly increasing subsequence (stable, O(n log n))."""
    import bisect

    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_idx.append(i)
        else:
            tails[k] = v
            tails_idx[k] = i
        prev[i] = tails_idx[k - 1] if k else -1
    out = set()
    i = tails_idx[-1] if tails_idx else -1
    while i >= 0:
        out.add(i)
        i = prev[i]
    return out


CHECKS: list[Callable[[Context], Iterable[Finding]]] = [
    check_missing_and_duplicate_rows,
    check_column_shift,
    check_empty_cells,
    check_numbers,
    check_language,
    check_truncated,
    check_terms,
    check_translation_memory,
    check_cell_mismatch,
    check_sections,
]


def _order_key(alignment: Alignment) -> Callable[[Finding], tuple]:
    link_pos: dict[int, int] = {}
    for k, link in enumerate(alignment.links):
        for row in (link.left, link.right):
            if row is not None:
                link_pos.setdefault(id(row), k)

    def key(f: Finding) -> tuple:
        row = f.left if f.left is not None else f.right
        at = link_pos.get(id(row), -1) if row is not None else -1
        return (at, f.column or 0, f.kind, f.message)

    return key


def run_checks(alignment: Alignment) -> tuple[Finding, ...]:
    """All findings on an alignment, in reading order (ties broken stably), one per
    (kind, rows, column)."""
    ctx = Context(alignment)
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for check in CHECKS:
        for f in check(ctx):
            # One finding per cell for the content kinds: a cell the terms check already
            # explained needs no second, vaguer report.
            group = "content" if f.kind in ("cell_mismatch", "inconsistent_translation") else f.kind
            key = (group, id(f.left), id(f.right), f.column)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return tuple(sorted(findings, key=_order_key(alignment)))
