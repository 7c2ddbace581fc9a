"""Checks: where the two aligned versions disagree, one function per finding kind.

Each check takes the :class:`~bitext.model.Alignment` (and the :class:`Context` of what
was measured) and yields :class:`~bitext.model.Finding` objects. ``run_checks`` runs them
all and sorts the findings in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .model import Alignment, Finding, Row


@dataclass
class Context:
    """What the checks share: the alignment and its language prefixes."""

    alignment: Alignment

    @property
    def names(self) -> tuple[str, str]:
        from .language import NAMES

        a, b = self.alignment.left.language, self.alignment.right.language
        return NAMES.get(a, a), NAMES.get(b, b)


def _quote(text: str, limit: int = 120) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{text}”"


def _row_text(row: Row) -> str:
    return " | ".join(c.text for c in row.cells if c.text and not c.inherited)


def check_missing_rows(ctx: Context) -> Iterator[Finding]:
    """``missing_row``: a row in one version only (error)."""
    la, lb = ctx.names
    for link in ctx.alignment.links:
        if link.relation == "left_only" and link.left is not None:
            yield Finding(
                "missing_row",
                "error",
                link.left,
                None,
                None,
                f"This {la} row has no {lb} counterpart: {_quote(_row_text(link.left))}.",
                {"relation": ctx.alignment.relation_name(link)},
            )
        elif link.relation == "right_only" and link.right is not None:
            yield Finding(
                "missing_row",
                "error",
                None,
                link.right,
                None,
                f"This {lb} row has no {la} counterpart: {_quote(_row_text(link.right))}.",
                {"relation": ctx.alignment.relation_name(link)},
            )


# Thresholds and their meaning go into every report's settings, so results can be reproduced.
SETTINGS: dict = {}

CHECKS: list[Callable[[Context], Iterable[Finding]]] = [check_missing_rows]


def _order_key(alignment: Alignment) -> Callable[[Finding], tuple]:
    lpos = {id(r): k for k, r in enumerate(alignment.left.rows)}
    rpos = {id(r): k for k, r in enumerate(alignment.right.rows)}
    link_pos: dict[int, int] = {}
    for k, link in enumerate(alignment.links):
        for row in (link.left, link.right):
            if row is not None:
                link_pos.setdefault(id(row), k)

    def key(f: Finding) -> tuple:
        row = f.left if f.left is not None else f.right
        at = link_pos.get(id(row), -1) if row is not None else -1
        return (at, f.column or 0, f.kind, lpos.get(id(f.left), -1), rpos.get(id(f.right), -1), f.message)

    return key


def run_checks(alignment: Alignment) -> tuple[Finding, ...]:
    """All findings on an alignment, in reading order (ties broken stably)."""
    ctx = Context(alignment)
    findings = [f for check in CHECKS for f in check(ctx)]
    return tuple(sorted(findings, key=_order_key(alignment)))
