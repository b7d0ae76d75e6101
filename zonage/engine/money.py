"""Amounts as numbers: an aid's parts → one-off € and € per year (each a min–max), kept apart,
with what cannot be counted (exemptions, unspecified amounts) flagged rather than guessed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# How many times a year a periodic amount is paid.
_PER_YEAR = {"per_month": 12, "per_quarter": 4, "per_year": 1}


@dataclass(frozen=True)
class Money:
    """One-off € and € per year, each from a certain minimum to a possible maximum;
    ``unquantified``: some part has no figure (an exemption, an amount the source omits)."""

    one_off_min: float = 0.0
    one_off_max: float = 0.0
    per_year_min: float = 0.0
    per_year_max: float = 0.0
    unquantified: bool = False

    def __add__(self, other: Money) -> Money:
        return Money(
            self.one_off_min + other.one_off_min,
            self.one_off_max + other.one_off_max,
            self.per_year_min + other.per_year_min,
            self.per_year_max + other.per_year_max,
            self.unquantified or other.unquantified,
        )

    @property
    def counted(self) -> bool:
        """Whether there is any figure at all."""
        return bool(self.one_off_max or self.per_year_max)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``amount.total`` of an aid, and the summary's figures)."""
        return {
            "one_off": {"min": self.one_off_min, "max": self.one_off_max},
            "per_year": {"min": self.per_year_min, "max": self.per_year_max},
            "unquantified": self.unquantified,
        }


NOTHING = Money()


def part_money(part: Mapping[str, Any]) -> Money:
    """One amount part (the engine's dictionary) as :class:`Money`; a figure that is not paid
    to the user (a salary floor) counts for nothing."""
    kind = part["kind"]
    if not part.get("paid", True):
        return NOTHING
    low, high = _bounds(part)
    if kind in ("fixed", "range"):
        return Money(one_off_min=low, one_off_max=high)
    if kind in _PER_YEAR:
        n = _PER_YEAR[kind]
        return Money(per_year_min=low * n, per_year_max=high * n)
    if kind == "percentage_with_cap" and part.get("cap") is not None:
        cap = float(part["cap"])
        period = part.get("cap_period")
        if period in _PER_YEAR:
            return Money(per_year_max=cap * _PER_YEAR[period], unquantified=True)
        return Money(one_off_max=cap, unquantified=True)
    return Money(unquantified=kind != "none")


def total(parts: Iterable[Mapping[str, Any]]) -> Money:
    """The sum of the parts that may apply (status other than ``non_applicable``)."""
    money = NOTHING
    for part in parts:
        if part.get("status") != "non_applicable":
            money = money + part_money(part)
    return money


def _bounds(part: Mapping[str, Any]) -> tuple[float, float]:
    """(certain minimum, possible maximum) of a part: its value, or its min–max (a maximum
    alone is at least 0)."""
    if part.get("value") is not None:
        value = float(part["value"])
        return value, value
    high = float(part["max"]) if part.get("max") is not None else 0.0
    low = float(part["min"]) if part.get("min") is not None else 0.0
    return low, max(high, low)
