"""The error family. Each class carries the CLI exit code it maps to (cf. datacompy).

The library raises these; :mod:`bitext.cli` turns them into one line on stderr and the exit
code, never a traceback.
"""

from __future__ import annotations

import os


class BitextError(Exception):
    """Base class: a problem the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code = 2


class InputError(BitextError):
    """An input file cannot be used. The message names the file and the problem.

    >>> str(InputError("a.txt", "the file is empty"))
    'a.txt: the file is empty'
    """

    def __init__(self, path: "str | os.PathLike[str]", problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UsageError(BitextError):
    """The command or call is wrong (bad option, incompatible choices)."""


class DependencyError(BitextError):
    """An optional dependency or a model is missing; the message says what to install."""
