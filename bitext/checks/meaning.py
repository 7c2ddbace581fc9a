"""Meaning checks: a cell pair that says something else (by embeddings, or against how the
document translates the same text elsewhere), and terms translated inconsistently.

Calibration (why there is no global threshold): cosines of faithful translations and of
unrelated cells overlap, and they differ by column (a one-word meter vs a paragraph of
report). So a cell is judged against *this document's* other cells of the same column:

- ``cell_mismatch`` (embedding): the cell pair is flagged only when **both** cells have a
  clearly better partner in the same column of the other version (``cos + margin`` below
  each one's best), and its cosine is low for the column (robust z-score against the
  median and MAD of the column's distinct aligned pairs, under ``z_low``). Faithful
  translations are almost always each other's best partner, so this stays quiet on
  wording differences.
- ``cell_mismatch`` (translation memory): a text that repeats in one version and is
  normally rendered one way, paired here with a text that says something else.
- ``cell_mismatch`` (status words): the two cells say opposite things by their negation,
  direction or status words (done vs under way, increase vs decrease, a status negated in
  one version only), named in the finding; no repetition in the document is needed.
- A translation-memory disagreement whose lexical coverage (learnt fi–sv lexicon) is as high
  as the column's typical pair (``tm_rewording_z``) and has no status conflict is a
  rewording of the same content, not a mismatch: not reported.
- ``inconsistent_translation``: the same text (or the same leading term of a cell, e.g.
  the responsible body) rendered differently across the document; the rendering closer to
  the original (by cross-lingual similarity) is named as the likely right one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from difflib import SequenceMatcher
from typing import Iterator, Optional

import numpy as np

from ..lexicon import WORD
from ..lexicon.translations import status_conflicts
from ..model import Finding, Kind, Link, Severity
from .base import Context, finding, fold, quote, register
from .cells import continued, out_of_place
from .omission import lexical


def _conflicts(ctx: Context, a: str, b: str) -> tuple:
    """Status conflicts of a left/right cell pair (the lexicon takes Swedish first); none
    when the versions are not Finnish and Swedish."""
    langs = ctx.langs
    if set(langs) != {"fi", "sv"}:
        return ()
    return status_conflicts(a, b) if langs[0] == "sv" else status_conflicts(b, a)


@register(Kind.CELL_MISMATCH, priority=75)
def check_status(ctx: Context) -> Iterator[Finding]:
    """``cell_mismatch`` by negation, direction and status words: the two cells say the
    opposite (an interim report "done" in one version and "under way" in the other), with
    the words that say it. Runs before the other meaning checks so that a cell they also
    flag is reported with this explicit evidence."""
    names = ctx.names
    sv_side = 0 if ctx.langs[0] == "sv" else 1
    for link in ctx.aligned:
        assert link.left is not None and link.right is not None
        for c in range(ctx.width):
            a, b = ctx.pair(link, c)
            if not a.text or not b.text or (a.inherited and b.inherited) or not ctx.is_translation(a.text, b.text):
                continue
            conflicts = _conflicts(ctx, a.text, b.text)
            if not conflicts:
                continue
            words = [{"sv": k.sv_words, "fi": k.fi_words} for k in conflicts]
            said = "; ".join(
                f"{names[sv_side]} {', '.join(quote(w, 30) for w in k.sv_words)} vs {names[1 - sv_side]} {', '.join(quote(w, 30) for w in k.fi_words)}"
                for k in conflicts
            )
            yield finding(
                Kind.CELL_MISMATCH,
                Severity.WARNING,
                link,
                c + 1,
                f"Column {c + 1} says the opposite in the two versions ({'; '.join(k.what for k in conflicts)}): {said}.",
                conflicts=[k.what for k in conflicts],
                words=words,
                basis="negation and direction words",
            )


@register(Kind.INCONSISTENT_TRANSLATION, priority=70)
def check_terms(ctx: Context) -> Iterator[Finding]:
    """``inconsistent_translation`` of a recurring leading term (the first comma-separated
    part of a cell, e.g. the responsible body): the same term on one side rendered by two
    different terms on the other. Each row using the rendering further from the original
    is reported."""
    p = ctx.params
    names = ctx.names
    for c in range(ctx.width):
        groups: dict[str, dict[str, list[Link]]] = defaultdict(lambda: defaultdict(list))
        for link in ctx.aligned:
            assert link.left is not None and link.right is not None
            a, b = ctx.pair(link, c)
            if not a.text or not b.text or a.inherited:
                continue
            if not ctx.is_translation(a.text, b.text):
                continue
            ta, tb = a.text.split(",", 1)[0].strip(" ."), b.text.split(",", 1)[0].strip(" .")
            if fold(ta) == fold(tb):
                continue
            if "," not in a.text or "," not in b.text or len(ta.split()) > p.term_max_words or len(tb.split()) > p.term_max_words:
                continue
            groups[tb][ta].append(link)
        for term, renderings in sorted(groups.items()):
            if len(renderings) < p.term_min_renderings or sum(len(v) for v in renderings.values()) < p.term_min_rows:
                continue
            scores = _term_scores(ctx, term, list(renderings))
            best = max(sorted(renderings), key=lambda r: scores[r])
            for rendering, links in sorted(renderings.items()):
                if rendering == best:
                    continue
                for link in links:
                    yield finding(
                        Kind.INCONSISTENT_TRANSLATION,
                        Severity.WARNING,
                        link,
                        c + 1,
                        f"Column {c + 1}: {names[1]} {quote(term)} is rendered {quote(rendering)} here but "
                        f"{quote(best)} in {len(renderings[best])} other row(s); {quote(best)} is the closer translation.",
                        term=term,
                        rendering=rendering,
                        reference=best,
                        counts={k: len(v) for k, v in renderings.items()},
                        similarity={k: round(v, 4) for k, v in scores.items()},
                    )


def _term_scores(ctx: Context, term: str, renderings: list[str]) -> dict[str, float]:
    """Cross-lingual cosine of a term with each rendering, with the alignment's encoder
    (and its cache), given to the checks explicitly."""
    vecs = ctx.embed([term, *renderings])
    return {r: float(vecs[term] @ vecs[r]) for r in renderings}


def _translation_memory(ctx: Context, c: int, side: int) -> tuple[dict[str, Counter], dict[str, list[Link]]]:
    """For the texts of one side in column c: how each was rendered on the other side, and
    the links where it was."""
    memory: dict[str, Counter] = defaultdict(Counter)
    where: dict[str, list[Link]] = defaultdict(list)
    for link in ctx.aligned:  # shifted rows are not evidence of how a text is translated
        assert link.left is not None and link.right is not None
        a, b = ctx.pair(link, c)
        if not a.text or not b.text or a.inherited or b.inherited:
            continue
        if not ctx.is_translation(a.text, b.text) or continued(ctx, link, c + 1) == c:
            continue  # a cell one version continues in the next column is half a rendering
        src, dst = (a.text, b.text) if side == 0 else (b.text, a.text)
        memory[src][dst] += 1
        where[src].append(link)
    return memory, where


@register(Kind.CELL_MISMATCH, Kind.INCONSISTENT_TRANSLATION, priority=80)
def check_translation_memory(ctx: Context) -> Iterator[Finding]:
    """A text that repeats in one version but is rendered differently across the document.

    The renderings are grouped by meaning (within-language cosine >= ``tm_same``). Where
    two groups say different things, the rows outside the dominant group (``tm_majority``
    rows and ``tm_majority_ratio`` times the next group) get a ``cell_mismatch``; without a
    dominant group all of them do (the translator decides). Within a group, wordings that
    differ more than a typo (character similarity under ``tm_typo_ratio``) get an
    ``inconsistent_translation`` (info) where they are not the most frequent wording."""
    p = ctx.params
    names = ctx.names
    for side in (0, 1):
        for c in range(ctx.width):
            memory, where = _translation_memory(ctx, c, side)
            for src, renderings in sorted(memory.items()):
                if sum(renderings.values()) < p.tm_min_repeats or len(renderings) < 2:
                    continue
                groups: list[list[str]] = []
                for text in sorted(renderings, key=lambda t: (-renderings[t], t)):
                    home = next((g for g in groups if _same_meaning(ctx, text, g[0], 1 - side, c)), None)
                    (home.append(text) if home is not None else groups.append([text]))
                weight = [sum(renderings[t] for t in g) for g in groups]
                # A clear majority is the reference; otherwise every rendering is suspect
                # and the translator decides.
                dominant = len(groups) == 1 or (weight[0] >= p.tm_majority and weight[0] >= p.tm_majority_ratio * weight[1])
                ref_group = 0 if dominant else _closest_group(ctx, src, groups, side, c)
                # Without a majority, two renderings each used in several rows are the
                # document's own choice by context (an accounting model's "På anfordran
                # betalbara": "Vaadittaessa maksettavat" under assets, "Takaisinmaksettavat
                # varat" under liabilities), not a slip: said as an info.
                by_context = not dominant and min(weight) >= p.tm_min_repeats
                for link in where[src]:
                    a, b = ctx.pair(link, c)  # type: ignore[union-attr]
                    d = b.text if side == 0 else a.text
                    g = next(k for k, grp in enumerate(groups) if d in grp)
                    if by_context:
                        if g != 0:
                            yield finding(
                                Kind.INCONSISTENT_TRANSLATION,
                                Severity.INFO,
                                link,
                                c + 1,
                                f"Column {c + 1}: the {names[side]} text {quote(src, 70)} is rendered {quote(d, 70)} here "
                                f"and {quote(groups[0][0], 70)} in {weight[0]} other row(s); each rendering recurs, so the "
                                f"context may decide.",
                                source_text=src,
                                renderings=dict(renderings),
                                source_side=ctx.alignment.prefixes[side],
                                basis="translation memory",
                            )
                        continue
                    if ref_group is None or g != ref_group:
                        if _rewording(ctx, a.text, b.text, c):
                            continue
                        others = [t for k, grp in enumerate(groups) if k != g for t in grp]
                        yield finding(
                            Kind.CELL_MISMATCH,
                            Severity.WARNING,
                            link,
                            c + 1,
                            f"Column {c + 1}: the {names[side]} text {quote(src, 70)} is rendered {quote(others[0], 70)} "
                            f"elsewhere in the document; here the {names[1 - side]} says something else: {quote(d, 90)}.",
                            source_text=src,
                            renderings=dict(renderings),
                            source_side=ctx.alignment.prefixes[side],
                            basis="translation memory",
                        )
                        continue
                    ref = groups[g][0]
                    # A different leading term (the responsible body) is check_terms' business.
                    same_term = "," not in d or "," not in ref or _lead(d) == _lead(ref)
                    if d != ref and same_term and SequenceMatcher(None, fold(d), fold(ref)).ratio() < p.tm_typo_ratio:
                        yield finding(
                            Kind.INCONSISTENT_TRANSLATION,
                            Severity.INFO,
                            link,
                            c + 1,
                            f"Column {c + 1}: the {names[side]} text {quote(src, 70)} is worded {quote(ref, 70)} "
                            f"elsewhere ({renderings[ref]}×) but {quote(d, 90)} here.",
                            source_text=src,
                            reference=ref,
                            renderings=dict(renderings),
                            source_side=ctx.alignment.prefixes[side],
                        )


def _rewording(ctx: Context, a: str, b: str, c: int, z_min: Optional[float] = None) -> bool:
    """Whether a cell pair the translation memory (or the embeddings) doubts is covered by the
    lexicon as well as the column's typical pair (``z_min``, by default ``tm_rewording_z``)
    and has no status conflict: the same content in other words."""
    lex = lexical(ctx)
    if lex is None:
        return False
    cov = lex.coverage(a, b)
    if z_min is not None and (cov.sv is None or cov.fi is None):
        return False  # a cell without words ("17,75" / "19,00") gives the lexicon nothing to say
    z = lex.z(c, "score", cov.score)
    z_min = ctx.params.tm_rewording_z if z_min is None else z_min
    return z is not None and z >= z_min and not _conflicts(ctx, a, b)


def _vector(ctx: Context, text: str, side: int, c: int) -> Optional[np.ndarray]:
    return ctx.vectors["left" if side == 0 else "right"].get(c, {}).get(text)


def _closest_group(ctx: Context, src: str, groups: list[list[str]], side: int, c: int) -> Optional[int]:
    """The group whose rendering is clearly the closest to the source (cross-lingual cosine
    ahead by ``tm_clear``), else None."""
    sv = _vector(ctx, src, side, c)
    if sv is None:
        return None
    scores = []
    for g in groups:
        vecs = [v for v in (_vector(ctx, t, 1 - side, c) for t in g) if v is not None]
        scores.append(max(float(sv @ v) for v in vecs) if vecs else -1.0)
    order = sorted(range(len(groups)), key=lambda k: -scores[k])
    return order[0] if scores[order[0]] - scores[order[1]] >= ctx.params.tm_clear else None


def _lead(text: str) -> str:
    return fold(text.split(",", 1)[0])


def _same_meaning(ctx: Context, a: str, b: str, side: int, c: int) -> bool:
    va, vb = _vector(ctx, a, side, c), _vector(ctx, b, side, c)
    if va is None or vb is None:
        return False
    return float(va @ vb) >= ctx.params.tm_same


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


def _settled_pairs(ctx: Context, c: int) -> set[tuple[str, str]]:
    """Cell pairs of column ``c`` the document itself settles: the pair recurs in
    ``tm_min_repeats`` aligned rows and each text is only ever rendered by the other
    (``Förnyande`` ↔ ``Uudistaminen`` ten times in a fee table): the translation memory says
    they match, whatever the embeddings say of two short words."""
    pairs: Counter = Counter()
    for l in ctx.aligned:
        a, b = (x.text for x in ctx.pair(l, c))  # type: ignore[union-attr]
        if a and b:
            pairs[(a, b)] += 1
    by_a: Counter = Counter(a for a, _ in pairs)
    by_b: Counter = Counter(b for _, b in pairs)
    return {(a, b) for (a, b), n in pairs.items() if n >= ctx.params.tm_min_repeats and by_a[a] == 1 and by_b[b] == 1}


def _only_names(text: str) -> bool:
    """A cell of proper names only (``Björneborg`` / ``Pori``, ``Gustav Adolfs``): names
    differ between languages (exonyms) in ways embeddings cannot judge."""
    words = WORD.findall(text)
    return bool(words) and len(words) <= 3 and not any(ch.isdigit() for ch in text) and all(w[:1].isupper() for w in words)


@register(Kind.CELL_MISMATCH, priority=90)
def check_cell_mismatch(ctx: Context) -> Iterator[Finding]:
    """``cell_mismatch`` by embeddings: both cells have a clearly better partner in the same
    column of the other version, and the pair is unusually far apart for the column."""
    p = ctx.params
    la, lb = ctx.names
    stats = ctx.column_stats
    vecs = ctx.vectors
    for c, (med, spread) in sorted(stats.items()):
        lt, rt = list(vecs["left"][c]), list(vecs["right"][c])
        if len(lt) < p.min_column_pairs or len(rt) < p.min_column_pairs:
            continue
        L = np.array([vecs["left"][c][t] for t in lt])
        R = np.array([vecs["right"][c][t] for t in rt])
        (best_a, arg_a), (best_b, arg_b) = _best_partners(L, R)
        li = {t: k for k, t in enumerate(lt)}
        ri = {t: k for k, t in enumerate(rt)}
        settled = _settled_pairs(ctx, c)
        for link in ctx.aligned:
            a, b = ctx.pair(link, c)  # type: ignore[union-attr]
            if not a.text or not b.text or (a.inherited and b.inherited):
                continue
            if (a.text, b.text) in settled or (_only_names(a.text) and _only_names(b.text)) or out_of_place(ctx, link, c):
                continue
            if continued(ctx, link, c + 1) == c:
                continue
            x, y = li[a.text], ri[b.text]
            cos = float(L[x] @ R[y])
            z = (cos - med) / spread
            best_for_a, best_for_b = int(arg_a[x]), int(arg_b[y])
            if z < p.z_low and cos + p.margin < best_a[x] and cos + p.margin < best_b[y]:
                # Short near-synonymous cells ("get" / "vuohi", "box" / "karsina") sit closer
                # to other rows' cells by embedding; the lexicon says they translate.
                if _rewording(ctx, a.text, b.text, c, p.cell_rewording_z):
                    continue
                yield finding(
                    Kind.CELL_MISMATCH,
                    Severity.WARNING,
                    link,
                    c + 1,
                    f"Column {c + 1} says something else in the two versions: {la} {quote(a.text, 90)} vs "
                    f"{lb} {quote(b.text, 90)}; each is closer to another row's cell.",
                    cosine=round(cos, 4),
                    column_median=round(med, 4),
                    z=round(z, 2),
                    **{
                        f"closer_{ctx.alignment.prefixes[1]}": rt[best_for_a],
                        f"closer_{ctx.alignment.prefixes[0]}": lt[best_for_b],
                    },
                )
