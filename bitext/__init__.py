"""bitext: check that the Swedish and Finnish versions of a document say the same thing.

The steps, one module each: :mod:`~bitext.readers` → :mod:`~bitext.normalize` →
:mod:`~bitext.language` → :mod:`~bitext.embed` → :mod:`~bitext.alignment` →
:mod:`~bitext.checks` → :mod:`~bitext.report`.

>>> import bitext
>>> alignment = bitext.align("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt")
>>> frame = alignment.to_frame()
>>> list(frame.columns[:4]), int((frame.relation == "match").sum())
(['sv_line', 'fi_line', 'relation', 'score'], 67)

Importing is cheap: the heavy parts load on first use.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "read": ("api", "read"),
    "align": ("api", "align"),
    "check": ("api", "check"),
    "Document": ("model", "Document"),
    "Row": ("model", "Row"),
    "RowKey": ("model", "RowKey"),
    "Alignment": ("model", "Alignment"),
    "Link": ("model", "Link"),
    "Finding": ("model", "Finding"),
    "CheckResult": ("model", "CheckResult"),
    "Kind": ("model", "Kind"),
    "Severity": ("model", "Severity"),
    "AlignParams": ("params", "AlignParams"),
    "CheckParams": ("params", "CheckParams"),
    "BitextError": ("errors", "BitextError"),
    "InputError": ("errors", "InputError"),
    "UsageError": ("errors", "UsageError"),
    "DependencyError": ("errors", "DependencyError"),
}

__all__ = list(_LAZY)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(f"module 'bitext' has no attribute {name!r}")
