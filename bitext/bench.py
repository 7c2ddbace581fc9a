"""Benchmarks: ``bitext bench`` (being written; registers nothing yet)."""

from __future__ import annotations

import argparse


def register(sub: "argparse._SubParsersAction") -> None:
    """Add ``bitext bench`` to the command line (not yet)."""
