"""Eligibility engine: pure functions of (place facts, profile, date) over the aid catalogue.

For each aid the engine answers ``eligible`` (place, profile, date and the answers of « Ma
situation » qualify), ``sous_condition`` (it applies if the user answers one named question as
needed: secteur, last installation aid, cabinet in a QPV…), ``a_verifier`` (the sources or data
cannot say; whom to ask is given) or ``non_applicable`` (with the reason), with its amounts as
numbers; :mod:`~zonage.engine.summary` sums up the answer in euros. It reads the rules from the
catalogue and knows only the generic vocabulary of place tests (zones, outside_zones, any_of,
zrr, frr) and of « Ma situation »: no rule is written here for one aid in particular.

- :mod:`~zonage.engine.dates`: the date of the question;
- :mod:`~zonage.engine.qpv`: the QPV rule (a point decides; the list in force on a date);
- :mod:`~zonage.engine.place_tests`: the place tests of the catalogue;
- :mod:`~zonage.engine.evaluate`: one aid, every aid, the answer for a profile or ``tous``;
- :mod:`~zonage.engine.answer`: statuses, results and their JSON shape.
"""

from __future__ import annotations

from zonage.engine.answer import (
    A_VERIFIER,
    ELIGIBLE,
    NON_APPLICABLE,
    SOUS_CONDITION,
    STATUS_LABELS,
    STATUSES,
    AidResult,
    Answer,
    ProfileGroup,
    Status,
)
from zonage.engine.dates import parse_date
from zonage.engine.evaluate import aids_at, evaluate, evaluate_aid
from zonage.engine.money import Money
from zonage.engine.outcome import Question
from zonage.engine.place_tests import place_on
from zonage.engine.qpv import in_qpv

__all__ = [
    "A_VERIFIER",
    "ELIGIBLE",
    "NON_APPLICABLE",
    "SOUS_CONDITION",
    "STATUSES",
    "STATUS_LABELS",
    "AidResult",
    "Answer",
    "Money",
    "ProfileGroup",
    "Question",
    "Status",
    "aids_at",
    "evaluate",
    "evaluate_aid",
    "in_qpv",
    "parse_date",
    "place_on",
]
