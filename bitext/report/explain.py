"""Findings explained for a translator: evidence as plain sentences, the side that is likely
wrong when the document says so, and the words at fault to highlight in the cells.

Shared by the HTML and XLSX reports (and the notebook views), so they say the same.

- **Sentences** (:func:`sentences`): the evidence a check decided on, said in words ("In the
  document, “Perusturvalautakunta” is rendered “Grundtrygghetscentralen” in 59 rows and
  “Grundtrygghetsnämnden” in 4."), never as JSON. Evidence a sentence does not cover is
  listed as ``name: value`` in plain words.
- **The side likely wrong** (:func:`wrong_side`): the rendering of a term that is not the
  reference, the cell that departs from how the document translates the same text
  elsewhere, the version with the other language's words, the empty or cut-off cell, the
  version lacking a counterpart for words of the other. Unknown (None) for a number that
  differs: the document does not say which is right.
- **Words at fault** (:func:`marks`): per side, the words or numbers to highlight: the numbers
  found on one side only, the stray words, the words without a counterpart, the rendering.

>>> from bitext.model import Finding, Row, Cell, Source
>>> row = lambda text: Row((Cell(text, text),), Source("x.txt", (1,)), 0, 0, 0)
>>> f = Finding("wrong_language", "warning", row("Avgifter ja taxor"), row("Maksut ja taksat"), 1, "…",
...             {"side": "sv", "words": ["ja"], "detected": "fi"})
>>> sentences(f, ("sv", "fi"))
['The Swedish text has the Finnish word “ja” in it.']
>>> wrong_side(f, ("sv", "fi")), marks(f, ("sv", "fi"))
(0, {0: ['ja']})
>>> segments("Avgifter ja taxor", ["ja"])
[('Avgifter ', False), ('ja', True), (' taxor', False)]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional, Sequence

if TYPE_CHECKING:
    from ..model import Finding

__all__ = ["marks", "segments", "sentences", "wrong_side", "elsewhere"]


def _name(code: str) -> str:
    from ..language import NAMES

    return NAMES.get(code, code)


def _q(text: Any, limit: int = 100) -> str:
    text = str(text)
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def _rows(n: Any) -> str:
    return f"{n} row" + ("" if n == 1 else "s")


def _side_index(code: Any, prefixes: Sequence[str]) -> Optional[int]:
    return list(prefixes).index(code) if code in prefixes else None


def _cell(f: "Finding", side: int) -> str:
    row = f.left if side == 0 else f.right
    if row is None or f.column is None:
        return ""
    return row.cell(f.column - 1).text


def _contains(text: str, part: str) -> bool:
    return bool(part) and part.casefold() in text.casefold()


def _plain(value: Any) -> str:
    """A value of the evidence in plain words: a mapping as ``a (3), b (1)``, a list
    comma-separated, a number rounded."""
    if isinstance(value, dict):
        return ", ".join(f"{_q(k, 60)} ({_plain(v)})" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def elsewhere(f: "Finding", prefixes: Sequence[str]) -> Optional[tuple[str, str, str, str, int]]:
    """For a finding against the document's own translation memory: the pair it contradicts,
    as ``(source language, source text, other language, usual rendering, rows)``."""
    ev = f.evidence or {}
    src, side, renderings = ev.get("source_text"), ev.get("source_side"), ev.get("renderings") or {}
    if not src or side not in prefixes or not renderings:
        return None
    here = _cell(f, 1 - prefixes.index(side)) if len(prefixes) == 2 else ""
    others = {r: n for r, n in renderings.items() if r.casefold() != here.casefold()}
    ref = ev.get("reference") or (max(sorted(others), key=lambda r: others[r]) if others else "")
    if not ref:
        return None
    other = prefixes[1 - prefixes.index(side)]
    return side, src, other, ref, int(renderings.get(ref, 0))


def sentences(f: "Finding", prefixes: Sequence[str]) -> list[str]:
    """The finding's evidence as plain sentences (see the module doc)."""
    ev = dict(f.evidence or {})
    a, b = (list(prefixes) + ["", ""])[:2]
    out: list[str] = []
    used: set[str] = set()
    kind = str(f.kind)

    if ev.get("term") and "rendering" in ev:
        counts = ev.get("counts") or {}
        ways = " and ".join(f"{_q(r, 60)} in {_rows(n)}" for r, n in sorted(counts.items(), key=lambda t: (-t[1], t[0])))
        out.append(f"In the document, {_q(ev['term'], 60)} is rendered {ways or _q(ev['rendering'])}.")
        if ev.get("reference") and ev["reference"] != ev.get("rendering"):
            sim = ev.get("similarity") or {}
            why = f" (similarity {sim[ev['reference']]:.2f} against {sim[ev['rendering']]:.2f})" if ev["reference"] in sim and ev["rendering"] in sim else ""
            out.append(f"{_q(ev['reference'], 60)} is the closer rendering{why}: {_q(ev['rendering'], 60)} here is likely the one to change.")
        used |= {"term", "rendering", "reference", "counts", "similarity"}
    pair = elsewhere(f, prefixes)
    if pair:
        s, src, o, ref, n = pair
        out.append(f"Elsewhere in the document: {s.upper()} {_q(src)} ↔ {o.upper()} {_q(ref)}" + (f" ({_rows(n)})." if n else "."))
        used |= {"source_text", "source_side", "renderings", "reference", "basis"}
    if kind == "wrong_language" and ev.get("side") in prefixes:
        words = ev.get("words") or []
        lang, other = _name(ev["side"]), _name(ev.get("detected") or "")
        if words:
            out.append(f"The {lang} text has the {other} word{'s' if len(words) > 1 else ''} {', '.join(_q(w, 40) for w in words)} in it.")
        else:
            out.append(f"The {lang} cell is written in {other}.")
        used |= {"side", "words", "detected"}
    if f"{a}_numbers" in ev or f"{b}_numbers" in ev:
        na, nb = list(ev.get(f"{a}_numbers") or []), list(ev.get(f"{b}_numbers") or [])
        only_a = [x for x in na if x not in nb]
        only_b = [x for x in nb if x not in na]
        out.append(f"Numbers in the {_name(a)}: {', '.join(na) or 'none'}; in the {_name(b)}: {', '.join(nb) or 'none'}.")
        if only_a or only_b:
            out.append(f"Only in the {_name(a)}: {', '.join(only_a) or 'none'}; only in the {_name(b)}: {', '.join(only_b) or 'none'}.")
        used |= {f"{a}_numbers", f"{b}_numbers"}
    if kind == "column_shift" and "shift" in ev:
        k = int(ev["shift"])
        score = f" (score {ev['score']:.2f})" if isinstance(ev.get("score"), (int, float)) else ""
        out.append(f"The rows match{score} once the {_name(b)} cells are moved {abs(k)} column{'s' if abs(k) != 1 else ''} to the {'left' if k > 0 else 'right'}.")
        used |= {"shift", "score", "content"}
    if ev.get("empty_side") in prefixes:
        other = b if ev["empty_side"] == a else a
        out.append(f"The {_name(ev['empty_side'])} cell is empty; the {_name(other)} cell is not.")
        used.add("empty_side")
    if kind == "truncated" and ev.get("side") in prefixes:
        out.append(f"The {_name(ev['side'])} cell {ev.get('reason', 'looks cut off')}: it looks cut off.")
        used |= {"side", "reason"}
    if ev.get("uncovered"):
        side = ev.get("side")
        words = ", ".join(_q(w, 40) for w in ev["uncovered"])
        where = f" of the {_name(side)}" if side in prefixes else ""
        out.append(f"Words{where} with no counterpart in the other version: {words}.")
        used |= {"uncovered", "side"}
    if "first_copy" in ev:
        out.append(f"A word-for-word copy of the row at {ev['first_copy']}.")
        used.add("first_copy")
    if kind == "cell_mismatch" and "cosine" in ev:
        med = f" (the column's pairs: median {ev['column_median']:.2f})" if isinstance(ev.get("column_median"), (int, float)) else ""
        out.append(f"The two cells are less alike than this column's translations usually are: similarity {ev['cosine']:.2f}{med}; each has a closer partner elsewhere in the column.")
        used |= {"cosine", "column_median", "z"}
    if kind == "untranslated" and "text" in ev:
        out.append("The same text stands in both versions: copied, not translated.")
        used.add("text")
    used.add("relation")  # the row's relation is shown beside it already
    rest = [f"{k.replace('_', ' ')}: {_plain(v)}" for k, v in sorted(ev.items()) if k not in used]
    if rest:
        out.append("; ".join(rest) + ".")
    return out


def wrong_side(f: "Finding", prefixes: Sequence[str]) -> Optional[int]:
    """0 (left) or 1 (right) when the document says which side is likely wrong, else None."""
    ev = f.evidence or {}
    kind = str(f.kind)
    if ev.get("term") and ev.get("rendering") and ev.get("reference") and ev["rendering"] != ev["reference"]:
        for side in (0, 1):
            if _contains(_cell(f, side), str(ev["rendering"])) and not _contains(_cell(f, 1 - side), str(ev["rendering"])):
                return side
        return None
    pair = elsewhere(f, prefixes)
    if pair:
        renderings = ev.get("renderings") or {}
        here = _cell(f, 1 - prefixes.index(pair[0]))
        # The rendering used here is the less common one: the translation is the odd one out.
        if renderings.get(here, 0) < pair[4]:
            return 1 - prefixes.index(pair[0])
        return None
    if kind in ("wrong_language", "truncated"):
        return _side_index(ev.get("side"), prefixes)
    if "empty_side" in ev:
        return _side_index(ev.get("empty_side"), prefixes)
    if ev.get("uncovered") and ev.get("side") in prefixes:
        return 1 - prefixes.index(ev["side"])  # the other version lacks them
    if kind in ("missing_row", "duplicate_row"):
        return 0 if f.left is not None and f.right is None else 1 if f.right is not None and f.left is None else None
    return None


_NUMBER = re.compile(r"\d+(?:[ \u00a0]\d{3})*(?:[.,:]\d+)*")


def marks(f: "Finding", prefixes: Sequence[str]) -> dict[int, list[str]]:
    """Per side (0, 1): the words or numbers to highlight in the finding's cell."""
    ev = f.evidence or {}
    a, b = (list(prefixes) + ["", ""])[:2]
    out: dict[int, list[str]] = {}
    if str(f.kind) == "wrong_language" and ev.get("words") and ev.get("side") in prefixes:
        out[prefixes.index(ev["side"])] = [str(w) for w in ev["words"]]
    if ev.get("uncovered"):
        side = _side_index(ev.get("side"), prefixes)
        words = [str(w) for w in ev["uncovered"]]
        if side is None:  # not said: wherever they stand
            for s in (0, 1):
                found = [w for w in words if _contains(_cell(f, s), w)]
                if found:
                    out[s] = found
        else:
            out[side] = words
    if f"{a}_numbers" in ev and f"{b}_numbers" in ev:
        from ..lexicon.numbers import parse_numbers

        na, nb = set(ev[f"{a}_numbers"] or ()), set(ev[f"{b}_numbers"] or ())
        for side, only in ((0, na - nb), (1, nb - na)):
            found = [m.group(0) for m in _NUMBER.finditer(_cell(f, side)) if parse_numbers(m.group(0)) & only]
            if found:
                out[side] = found
    if ev.get("term") and ev.get("rendering"):
        side = wrong_side(f, prefixes)
        if side is not None:
            out[side] = [str(ev["rendering"])]
    return out


def segments(text: str, words: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, highlighted)``: each word of ``words`` where it stands as
    a whole word (case-insensitive), numbers as written.

    >>> segments("3,5 årsverken och 4", ["3,5"])
    [('3,5', True), (' årsverken och 4', False)]
    """
    words = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not text or not words:
        return [(text, False)]
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)
    out: list[tuple[str, bool]] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append((text[at : m.start()], False))
        out.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        out.append((text[at:], False))
    return out or [(text, False)]
