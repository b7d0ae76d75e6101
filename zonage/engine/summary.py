"""« Ce que vous pouvez percevoir ici »: an answer for one profile summed up in euros — what is
certain, what the personal questions would add, what may come on top (to check) — with the
questions that settle it, the obligations and whom to contact.

Two rules make the figures honest:

- the non-combinable aids (``not_combinable_with``) are never added together: each figure is
  the best allowed combination (one primo-installation aid, the ARS contract or the CAIM…);
- where the zone itself depends on the address (a ZAC commune whose QPVs may be classed ZIP),
  both zones are evaluated: a figure is certain only if it holds in both, possible if in one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from zonage.catalogue import Catalogue
from zonage.engine.answer import A_VERIFIER, ELIGIBLE, SOUS_CONDITION, AidResult
from zonage.engine.money import NOTHING, Money
from zonage.engine.outcome import Question
from zonage.engine.place_tests import zoning_order
from zonage.engine.qpv import in_qpv
from zonage.place import PlaceFacts
from zonage.situation import Situation


@dataclass(frozen=True)
class Summary:
    """The figures (one-off € and € per year, kept apart) and what settles them."""

    guaranteed: Money
    conditional: Money
    possible: Money
    conditional_aids: tuple[str, ...]
    questions: tuple[tuple[Question, tuple[str, ...]], ...]
    to_check: tuple[str, ...]
    unquantified: tuple[str, ...]
    set_aside: tuple[tuple[str, str], ...]
    kept: tuple[str, ...]
    obligations: tuple[tuple[str, str], ...]
    contacts: tuple[dict[str, str], ...]
    zone_depends: bool

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``summary`` of ``zonage aids --json``)."""
        return {
            "guaranteed": self.guaranteed.to_dict(),
            "conditional": self.conditional.to_dict(),
            "possible": self.possible.to_dict(),
            "conditional_aids": list(self.conditional_aids),
            "questions": [{**q.to_dict(), "aids": list(ids)} for q, ids in self.questions],
            "to_check": list(self.to_check),
            "unquantified": list(self.unquantified),
            "set_aside": [{"id": i, "reason": r} for i, r in self.set_aside],
            "best_combination": list(self.kept),
            "obligations": [{"id": i, "text": t} for i, t in self.obligations],
            "contacts": [dict(c) for c in self.contacts],
            "zone_depends_on_address": self.zone_depends,
        }


def summarize(
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    situation: Situation,
    catalogue: Catalogue,
    results: Sequence[AidResult] | None = None,
) -> Summary:
    """The summary of every aid for ``profile`` at ``place`` on ``on`` (``results``: the
    evaluation already made with ``situation``, if at hand)."""
    from zonage.engine.evaluate import evaluate

    place = place.on(on)
    main = (
        tuple(results)
        if results is not None
        else evaluate(place, profile, on, catalogue, situation=situation)
    )
    worlds = _zone_worlds(place, on, situation, catalogue)
    evaluated = (
        [main]
        if len(worlds) == 1
        else [evaluate(place, profile, on, catalogue, situation=w) for w in worlds]
    )
    guaranteed = [_best(r, (ELIGIBLE,), low=True)[0] for r in evaluated]
    conditional = [_best(r, (ELIGIBLE, SOUS_CONDITION), low=True) for r in evaluated]
    possible = [_best(r, (ELIGIBLE, SOUS_CONDITION, A_VERIFIER), low=False)[0] for r in evaluated]
    # The combination the user would choose among what applies (eligible or conditional):
    # the aids it sets aside are a real choice, not the zone's « either ZAC or ZIP ».
    kept = _best(main, (ELIGIBLE, SOUS_CONDITION), low=True)[1]
    return Summary(
        guaranteed=_lowest(guaranteed),
        conditional=_lowest([m for m, _ in conditional]),
        possible=_highest(possible),
        conditional_aids=tuple(dict.fromkeys(i for _, ids in conditional for i in ids)),
        questions=_questions(main),
        to_check=tuple(r.id for r in main if r.status == A_VERIFIER),
        unquantified=tuple(
            r.id for r in main if r.applicable and r.money.unquantified and not r.money.counted
        ),
        set_aside=_set_aside(main, kept),
        kept=kept,
        obligations=tuple((r.id, r.commitment) for r in main if r.applicable and r.commitment),
        contacts=_contacts(r for r in main if r.applicable),
        zone_depends=len(worlds) > 1,
    )


def _zone_worlds(
    place: PlaceFacts, on: dt.date, situation: Situation, catalogue: Catalogue
) -> list[Situation]:
    """The zones the practice may be in: both ZAC and ZIP in a ZAC commune whose QPVs may be
    classed ZIP (unless the user said which), else the place as it is."""
    if place.zonage_medecins != "ZAC" or situation.get("zone_cabinet") is not None:
        return [situation]
    order = zoning_order(place, on, catalogue)
    if in_qpv(place, order, catalogue.rules, situation.get("cabinet_qpv")).result == "no":
        return [situation]
    zip_world = situation.with_answer("zone_cabinet", "ZIP")
    if situation.get("cabinet_qpv") is None:
        zip_world = zip_world.with_answer("cabinet_qpv", "oui")
    return [situation.with_answer("zone_cabinet", "ZAC"), zip_world]


def _best(
    results: Iterable[AidResult], statuses: tuple[str, ...], *, low: bool
) -> tuple[Money, tuple[str, ...]]:
    """The best allowed combination of the aids with one of ``statuses``: no two of them
    declared not combinable; best by certain minimum (``low``) or possible maximum."""
    chosen = [r for r in results if r.status in statuses]
    ids = {r.id for r in chosen}
    clash = {
        frozenset((r.id, x["id"])) for r in chosen for x in r.not_combinable_with if x["id"] in ids
    }
    tied = [r for r in chosen if any(r.id in pair for pair in clash)]
    free = [r for r in chosen if r not in tied]

    def key(group: Sequence[AidResult]) -> tuple[float, float]:
        money = _sum(group)
        return (
            (money.one_off_min, money.per_year_min)
            if low
            else (money.one_off_max, money.per_year_max)
        )

    # Every allowed subset of the aids that exclude one another (a handful for one profile:
    # at most four in the catalogue today).
    allowed = (
        group
        for n in range(len(tied), 0, -1)
        for group in combinations(tied, n)
        if not any(frozenset((a.id, b.id)) in clash for a, b in combinations(group, 2))
    )
    best: tuple[AidResult, ...] = max(allowed, key=key, default=())
    group = [*free, *best]
    return _sum(group), tuple(r.id for r in group)


def _sum(group: Iterable[AidResult]) -> Money:
    money = NOTHING
    for r in group:
        money = money + r.money
    return money


def _lowest(values: Sequence[Money]) -> Money:
    return _each(values, min)


def _highest(values: Sequence[Money]) -> Money:
    return _each(values, max)


def _each(values: Sequence[Money], pick: Callable[[Iterable[float]], float]) -> Money:
    """Field by field, the ``pick`` (min or max) of several worlds' figures."""
    return Money(
        one_off_min=pick(m.one_off_min for m in values),
        one_off_max=pick(m.one_off_max for m in values),
        per_year_min=pick(m.per_year_min for m in values),
        per_year_max=pick(m.per_year_max for m in values),
        unquantified=any(m.unquantified for m in values),
    )


def _questions(results: Sequence[AidResult]) -> tuple[tuple[Question, tuple[str, ...]], ...]:
    """The questions of the conditional and to-check aids, once each, with the aids they
    concern; the one with the most euros at stake first."""
    found: dict[str, tuple[Question, list[AidResult]]] = {}
    for r in results:
        if r.status in (SOUS_CONDITION, A_VERIFIER):
            for q in r.questions:
                found.setdefault(q.key, (q, []))[1].append(r)
    ranked = sorted(found.values(), key=lambda item: -max(r.money.one_off_max for r in item[1]))
    return tuple((_shared(q, aids), tuple(r.id for r in aids)) for q, aids in ranked)


def _shared(first: Question, results: Sequence[AidResult]) -> Question:
    """One question asked for several aids; when they need different answers (a cabinet in a
    QPV helps one aid and bars another) the answer needed is « selon l'aide »."""
    wanted = {q.wanted for r in results for q in r.questions if q.key == first.key}
    if len(wanted) == 1:
        return first
    return Question(first.key, first.text, (), "selon l'aide (voir chaque aide)", first.personal)


def _set_aside(results: Sequence[AidResult], kept: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Eligible or conditional aids left out of the best combination, with the aid they give
    way to."""
    out = []
    for r in results:
        if r.status in (ELIGIBLE, SOUS_CONDITION) and r.money.counted and r.id not in kept:
            rivals = [x for x in r.not_combinable_with if x["id"] in kept]
            if rivals:
                x = rivals[0]
                why = f"non cumulable avec {x['name']}" + (
                    f" ({x['note']})" if x.get("note") else ""
                )
                out.append((r.id, why))
    return tuple(out)


def _contacts(results: Iterable[AidResult]) -> tuple[dict[str, str], ...]:
    seen: dict[str, dict[str, str]] = {}
    for r in results:
        for c in r.contact:
            seen.setdefault(c["id"], c)
    return tuple(seen.values())
