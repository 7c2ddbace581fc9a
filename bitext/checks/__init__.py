"""Checks: where the two aligned versions disagree, one module per family of findings.

- :mod:`.rows`: ``missing_row``, ``duplicate_row``, ``column_shift``
- :mod:`.cells`: ``empty_cell``, ``truncated``
- :mod:`.numeric`: ``number_mismatch``
- :mod:`.language`: ``untranslated``, ``wrong_language``
- :mod:`.meaning`: ``cell_mismatch``, ``inconsistent_translation`` (embeddings,
  translation memory, terms)
- :mod:`.structure`: ``missing_section``, ``section_order``, ``structure`` (split rows
  and tables, moved notes)
- :mod:`.columns`: ``structure`` (paired tables whose columns correspond otherwise than
  straight; the cell checks compare the columns it pairs)
- :mod:`.lists`: ``structure``, ``omission`` (tables that are lists of names laid out in a
  grid, compared as lists)
- :mod:`.omission`: ``omission`` (words of one cell with no counterpart in the other, by
  the learnt fi–sv lexicon)

Each check declares its kinds and a priority in :data:`~.base.REGISTRY`. Checks run in
priority order; when two report the same claim about the same cell (``cell_mismatch`` and
``inconsistent_translation`` both say "this cell does not say the same"), the finding of the
check with the lower priority number is kept: a cell the terms check explains needs no
second, vaguer report. The checks get what the alignment measured
(:class:`~bitext.alignment.Measurements`), the embedder and the
:class:`~bitext.params.CheckParams` explicitly.
"""

from __future__ import annotations

from typing import Callable, Optional

from ..errors import UsageError
from ..lexicon import numbers
from ..model import Alignment, Finding, Kind, Row, RowKey
from ..params import CheckParams
from . import cells, columns, language, lists, meaning, numeric, omission, rows, structure  # noqa: F401 - they register their checks
from .base import CLAIMS, REGISTRY, CheckSpec, Context, Embed, claim

__all__ = ["CHECKS", "CLAIMS", "REGISTRY", "CheckSpec", "Context", "numbers", "run_checks"]

# The checks in the order they run: by declared priority.
CHECKS: tuple[CheckSpec, ...] = tuple(sorted(REGISTRY.values(), key=lambda spec: (spec.priority, spec.name)))


def _side_key(side: int, row: Optional[Row]) -> Optional[tuple[int, RowKey]]:
    return None if row is None else (side, row.rowkey)


def _order_key(alignment: Alignment) -> Callable[[Finding], tuple]:
    link_pos: dict[tuple[int, RowKey], int] = {}
    for k, link in enumerate(alignment.links):
        for side, row in enumerate((link.left, link.right)):
            if row is not None:
                link_pos.setdefault((side, row.rowkey), k)

    def key(f: Finding) -> tuple:
        at = link_pos.get((0, f.left.rowkey), -1) if f.left is not None else link_pos.get((1, f.right.rowkey), -1) if f.right is not None else -1
        return (at, f.column or 0, str(f.kind), f.message)

    return key


def run_checks(alignment: Alignment, embed: Embed, params: Optional[CheckParams] = None) -> tuple[Finding, ...]:
    """All findings on an alignment, in reading order (ties broken stably), one per
    (claim, rows, column): where two checks make the same claim about a cell, the one with
    the lower priority wins. ``embed`` maps texts to vectors (the alignment's embedder: the
    terms check embeds terms with it)."""
    if alignment.measurements is None:
        raise UsageError("run_checks needs an alignment made by bitext.align (it has no measurements)")
    if embed is None:
        raise UsageError("run_checks needs the embedder the alignment was made with")
    ctx = Context(alignment, alignment.measurements, embed, params or CheckParams())
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for spec in sorted(CHECKS, key=lambda spec: (spec.priority, spec.name)):
        for f in spec.run(ctx):
            if Kind(f.kind) not in spec.kinds:  # pragma: no cover - a programming error
                raise AssertionError(f"{spec.name} reported {f.kind}, not among its declared kinds")
            key = (claim(f.kind), _side_key(0, f.left), _side_key(1, f.right), f.column)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return tuple(sorted(findings, key=_order_key(alignment)))
