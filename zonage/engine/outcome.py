"""What one place test says about a place: yes, no or unknown, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Result = Literal["yes", "no", "unknown"]


@dataclass(frozen=True)
class Question:
    """The question whose answer settles an unknown test: a key of « Ma situation »
    (:mod:`zonage.situation`), its French text, the answers under which the test holds, and
    whether the user knows the answer (``personal``) or must ask someone (the ARS…)."""

    key: str
    text: str
    wanted: tuple[str, ...]
    wanted_label: str
    personal: bool = True

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of the question."""
        return {
            "key": self.key,
            "text": self.text,
            "wanted": list(self.wanted),
            "wanted_label": self.wanted_label,
            "personal": self.personal,
        }


@dataclass(frozen=True)
class Outcome:
    """One test's answer: its result, the French reason, whom to ask when unknown (contact
    ids), the data layers it read, notes to show with the aid, and the question of « Ma
    situation » that would settle an unknown result."""

    result: Result
    text: str
    ask: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    question: Question | None = None


def upper_first(text: str) -> str:
    """``text`` with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]
