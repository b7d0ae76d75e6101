"""The answer: each aid's status at a place, for a profile, on a date (:class:`AidResult`),
grouped by profile (:class:`Answer`), and their JSON shape (``zonage aids --json``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from zonage.engine.money import Money
from zonage.engine.outcome import Question
from zonage.place import PlaceFacts
from zonage.profiles import ALL, label
from zonage.situation import NO_SITUATION, Situation

if TYPE_CHECKING:
    from zonage.engine.summary import Summary

Status = Literal["eligible", "sous_condition", "a_verifier", "non_applicable"]
ELIGIBLE: Status = "eligible"
SOUS_CONDITION: Status = "sous_condition"
A_VERIFIER: Status = "a_verifier"
NON_APPLICABLE: Status = "non_applicable"
STATUSES: tuple[Status, ...] = (ELIGIBLE, SOUS_CONDITION, A_VERIFIER, NON_APPLICABLE)
STATUS_LABELS: dict[str, str] = {
    ELIGIBLE: "Éligible",
    SOUS_CONDITION: "Sous condition",
    A_VERIFIER: "À vérifier",
    NON_APPLICABLE: "Non applicable",
}
#: Order of the statuses, best first.
RANK: dict[str, int] = {s: i for i, s in enumerate(STATUSES)}


@dataclass(frozen=True)
class AidResult:
    """One aid evaluated for one place, profile and date, ready to show or serialise."""

    id: str
    profile: str
    status: Status
    name: str
    acronym: str | None
    display_name: str
    category: tuple[str, ...]
    funders: tuple[str, ...]
    summary: str
    amount: dict[str, Any]
    duration: str | None
    commitment: str | None
    conditions: tuple[str, ...]
    not_combinable_with: tuple[dict[str, Any], ...]
    other_exclusions: tuple[str, ...]
    may_follow: tuple[dict[str, Any], ...]
    may_be_followed_by: tuple[dict[str, Any], ...]
    requires: tuple[dict[str, Any], ...]
    valid_from: str | None
    valid_until: str | None
    validity_text: str | None
    contact: tuple[dict[str, str], ...]
    source: tuple[dict[str, Any], ...]
    reason: str | None
    ask: tuple[dict[str, str], ...]
    checks: tuple[dict[str, str], ...]
    notes: tuple[str, ...]
    vintages: dict[str, str] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    money: Money = field(default_factory=Money)

    @property
    def applicable(self) -> bool:
        """True for ``eligible``, ``sous_condition`` and ``a_verifier``."""
        return self.status != NON_APPLICABLE

    @property
    def question(self) -> Question | None:
        """The first question to answer (« Ma situation ») for a conditional answer."""
        return self.questions[0] if self.questions else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``zonage aids --json`` shape of one aid)."""
        return {
            "id": self.id,
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "profile": self.profile,
            "name": self.name,
            "acronym": self.acronym,
            "display_name": self.display_name,
            "category": list(self.category),
            "funders": list(self.funders),
            "summary": self.summary,
            "amount": {**self.amount, "total": self.money.to_dict()},
            "question": self.question.to_dict() if self.question else None,
            "questions": [q.to_dict() for q in self.questions],
            "duration": self.duration,
            "commitment": self.commitment,
            "conditions": list(self.conditions),
            "not_combinable_with": [dict(x) for x in self.not_combinable_with],
            "other_exclusions": list(self.other_exclusions),
            "may_follow": [dict(x) for x in self.may_follow],
            "may_be_followed_by": [dict(x) for x in self.may_be_followed_by],
            "requires": [dict(x) for x in self.requires],
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "validity_text": self.validity_text,
            "contact": [dict(x) for x in self.contact],
            "source": [dict(x) for x in self.source],
            "reason": self.reason,
            "ask": [dict(x) for x in self.ask],
            "checks": [dict(x) for x in self.checks],
            "notes": list(self.notes),
            "vintages": dict(self.vintages),
        }


@dataclass(frozen=True)
class ProfileGroup:
    """The aids of one profile."""

    profile: str
    label: str
    results: tuple[AidResult, ...]


@dataclass(frozen=True)
class Answer:
    """The answer to "which aids, here, for this profile, on this date"."""

    place: PlaceFacts
    date: dt.date
    profile: str
    include_all: bool
    groups: tuple[ProfileGroup, ...]
    situation: Situation = NO_SITUATION
    summary: Summary | None = None

    def aids(self) -> list[dict[str, Any]]:
        """The aids as dictionaries; for ``tous``, each aid once with its best status and the
        profiles it applies to."""
        if self.profile != ALL:
            return [r.to_dict() for g in self.groups for r in g.results]
        best: dict[str, AidResult] = {}
        profiles: dict[str, list[str]] = {}
        for g in self.groups:
            for r in g.results:
                if r.applicable:
                    profiles.setdefault(r.id, []).append(g.profile)
                if r.id not in best or RANK[r.status] < RANK[best[r.id].status]:
                    best[r.id] = r
        out = []
        for aid_id, r in best.items():
            d = r.to_dict()
            d["profiles"] = profiles.get(aid_id, [])
            out.append(d)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``zonage aids --json`` shape)."""
        aids = self.aids()
        counts = {s: 0 for s in STATUSES}
        for a in aids:
            counts[a["status"]] += 1
        return {
            "place": self.place.to_dict(),
            "date": self.date.isoformat(),
            "profile": self.profile,
            "profile_label": label(self.profile),
            "situation": self.situation.to_query(),
            "counts": counts,
            "summary": self.summary.to_dict() if self.summary else None,
            "aids": aids,
            "groups": [
                {"profile": g.profile, "label": g.label, "aids": [r.to_dict() for r in g.results]}
                for g in self.groups
            ],
        }
