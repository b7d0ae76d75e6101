"""What one place test says about a place: yes, no or unknown, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Result = Literal["yes", "no", "unknown"]


@dataclass(frozen=True)
class Outcome:
    """One place test's answer: its result, the French reason, whom to ask when unknown (contact
    ids), the data layers it read and notes to show with the aid."""

    result: Result
    text: str
    ask: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]
