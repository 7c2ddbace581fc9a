"""Test helpers: edited copies of the seeds (a row deleted, duplicated, moved, split)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable


def edited(src: Path, dest: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    """Write ``edit(lines)`` of ``src`` to ``dest`` (lines without their newline)."""
    lines = src.read_text(encoding="utf-8").split("\n")
    dest.write_text("\n".join(edit(lines)), encoding="utf-8")
    return dest


def delete(*numbers: int) -> Callable[[list[str]], list[str]]:
    drop = set(numbers)
    return lambda lines: [line for k, line in enumerate(lines, 1) if k not in drop]


def duplicate(number: int) -> Callable[[list[str]], list[str]]:
    return lambda lines: lines[:number] + [lines[number - 1]] + lines[number:]


def move(first: int, last: int, before: int) -> Callable[[list[str]], list[str]]:
    """Move lines first..last (1-based, inclusive) to just before line ``before``."""

    def run(lines: list[str]) -> list[str]:
        block = lines[first - 1 : last]
        rest = lines[: first - 1] + lines[last:]
        at = before - 1 if before < first else before - 1 - len(block)
        return rest[:at] + block + rest[at:]

    return run


def replace_line(number: int, new: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: lines[: number - 1] + [new] + lines[number:]


def insert_after(number: int, new: list[str]) -> Callable[[list[str]], list[str]]:
    return lambda lines: lines[:number] + new + lines[number:]
