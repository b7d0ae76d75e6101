"""The whole region at once: every commune's aids for one profile, date and situation, each
distinct set of the facts the engine reads evaluated once and joined back to its communes.

Communes that agree on every fact the engine reads for this profile on this date get the same
statuses and figures, so :func:`evaluate_region` runs :func:`~zonage.engine.aids_at` once per
such set (a few dozen for 4,446 communes) instead of once per commune. The key
(:func:`fact_key`) always holds the doctor zoning version in force (class, order, start: the
QPV list its order read, the notes of a newer order) and the QPV facts (the zone tests of a ZAC
commune and the summary read them); the other facts only when a place test of an aid open to
the profile on the date reads them (:func:`facts_read`; a test of an unknown kind reads them
all). What is not in the key is only named in texts (commune, QPV, massif, department names),
which a region row does not carry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from zonage.catalogue import Aid, Catalogue, load_catalogue
from zonage.engine.answer import A_VERIFIER, ELIGIBLE, RANK, SOUS_CONDITION, Answer
from zonage.engine.evaluate import aids_at
from zonage.engine.money import Money
from zonage.errors import InvalidInput
from zonage.place import PlaceFacts, Zone
from zonage.profiles import ALL, PROFILE_IDS, parse_profile
from zonage.situation import NO_SITUATION, Situation

#: Facts read only by some place tests, by the name a test gives them.
OPTIONAL_FACTS: tuple[str, ...] = (
    "massif",
    "zone_montagne",
    "departement_prioritaire",
    "zrr",
    "frr",
)
# What each kind of place test reads besides the zoning and QPV facts (always in the key);
# an ``any_of`` test reads the facts it lists.
_KIND_FACTS: dict[str, tuple[str, ...]] = {
    "zones": (),
    "outside_zones": (),
    "zrr": ("zrr",),
    "frr": ("frr",),
}
_ALWAYS_KEYED = frozenset({"qpv"})


@dataclass(frozen=True)
class Outlook:
    """What one set of facts gives a profile on a date: the aid ids by status, the summary's
    figures (one-off € and € per year kept apart, in :class:`Money`), the main obligation
    (aid id, text: that of the aid with the best status, then the largest one-off, then
    per-year maximum) and whether the zone depends on the address (a ZAC commune with QPVs)."""

    eligible: tuple[str, ...]
    sous_condition: tuple[str, ...]
    a_verifier: tuple[str, ...]
    guaranteed: Money
    conditional: Money
    possible: Money
    obligation: tuple[str, str] | None
    zone_depends: bool


@dataclass(frozen=True)
class RegionRow:
    """One commune of the region: who it is, its doctor zoning on the date, its outlook."""

    insee: str
    nom: str
    departement: str
    zonage_medecins: Zone | None
    zonage_medecins_arrete: str | None
    outlook: Outlook

    def to_dict(self) -> dict[str, Any]:
        """A flat JSON-ready dictionary (the columns of ``zonage export-table``; amounts in €:
        ``garanti`` the certain minimum, ``conditionnel`` the minimum if the questions are
        answered as needed, ``possible`` / ``annuel`` the possible maximum)."""
        o = self.outlook
        return {
            "insee": self.insee,
            "nom": self.nom,
            "departement": self.departement,
            "zonage_medecins": self.zonage_medecins,
            "zonage_medecins_arrete": self.zonage_medecins_arrete,
            "zone_selon_adresse": o.zone_depends,
            "aides_eligibles": list(o.eligible),
            "aides_sous_condition": list(o.sous_condition),
            "aides_a_verifier": list(o.a_verifier),
            "montant_garanti_eur": o.guaranteed.one_off_min,
            "montant_conditionnel_eur": o.conditional.one_off_min,
            "montant_possible_eur": o.possible.one_off_max,
            "montant_annuel_garanti_eur": o.guaranteed.per_year_min,
            "montant_annuel_conditionnel_eur": o.conditional.per_year_min,
            "montant_annuel_eur": o.possible.per_year_max,
            "montant_non_chiffre": o.possible.unquantified,
            "obligation_principale_aide": o.obligation[0] if o.obligation else None,
            "obligation_principale": o.obligation[1] if o.obligation else None,
        }


@dataclass(frozen=True)
class Region:
    """Every commune's row (in the order given) for one profile, date and situation, with
    the number of distinct fact sets evaluated and the optional facts they were keyed on."""

    profile: str
    date: dt.date
    situation: Situation
    rows: tuple[RegionRow, ...]
    fact_sets: int
    facts_read: tuple[str, ...]


def evaluate_region(
    places: Iterable[PlaceFacts],
    profile: str,
    on: dt.date,
    *,
    situation: Situation = NO_SITUATION,
    catalogue: Catalogue | None = None,
) -> Region:
    """The outlook of every place (commune level) for one concrete profile on ``on``: one
    :func:`aids_at` per distinct :func:`fact_key`, joined back to the places, in their order."""
    catalogue = catalogue or load_catalogue()
    profile = parse_profile(profile)
    if profile == ALL:
        raise InvalidInput(
            f"Profil « {ALL} » : la région s'évalue pour un profil précis.",
            hint=f"Profils valides : {', '.join(PROFILE_IDS)}.",
        )
    read = facts_read(catalogue, profile, on)
    priority = catalogue.rules.priority_departments_on(on)
    outlooks: dict[tuple[Hashable, ...], Outlook] = {}
    rows = []
    for place in places:
        key = fact_key(place, on, read, priority)
        found = outlooks.get(key)
        if found is None:
            answer = aids_at(place, profile, on, catalogue=catalogue, situation=situation)
            found = outlooks[key] = outlook(answer)
        zone, order, _ = dated_zoning(place, on)
        rows.append(RegionRow(place.insee, place.nom, place.departement, zone, order, found))
    return Region(
        profile=profile,
        date=on,
        situation=situation,
        rows=tuple(rows),
        fact_sets=len(outlooks),
        facts_read=tuple(f for f in OPTIONAL_FACTS if f in read),
    )


def facts_read(catalogue: Catalogue, profile: str, on: dt.date) -> frozenset[str]:
    """The optional facts (:data:`OPTIONAL_FACTS`) some place test reads for ``profile`` on
    ``on``: the tests of the aids meant for the profile and open that day, and of their amount
    parts for the profile (an aid closed or meant for others is decided without its place)."""
    read: set[str] = set()
    for aid in catalogue.aids:
        if profile not in aid.profiles or not _open(aid, on):
            continue
        tests = [t for t in aid.where if t.profiles is None or profile in t.profiles]
        tests += [
            t
            for part in aid.amounts
            if part.profiles is None or profile in part.profiles
            for t in part.where
        ]
        for test in tests:
            if test.kind == "any_of":
                named = {str(v) for v in test.values} - _ALWAYS_KEYED
                read |= named if named <= set(OPTIONAL_FACTS) else set(OPTIONAL_FACTS)
            else:
                read.update(_KIND_FACTS.get(test.kind, OPTIONAL_FACTS))
    return frozenset(read)


def _open(aid: Aid, on: dt.date) -> bool:
    """Whether the aid is open on ``on`` (the engine decides a closed one on its dates)."""
    v = aid.validity
    return not (v.valid_from and on < v.valid_from) and not (v.valid_until and on > v.valid_until)


def fact_key(
    place: PlaceFacts, on: dt.date, read: frozenset[str], priority: frozenset[str]
) -> tuple[Hashable, ...]:
    """The facts of ``place`` the engine reads on ``on``: the zoning version in force (class,
    order, start), the QPV facts, then each optional fact of ``read`` (None where not read;
    the department only as in or out of the ``priority`` departments, all a test asks)."""
    return (
        *dated_zoning(place, on),
        place.precision,
        place.qpv is not None,
        bool(place.qpv2015_commune),
        bool(place.qpv2024),
        bool(place.massif) if "massif" in read else None,
        place.zone_montagne if "zone_montagne" in read else None,
        place.departement in priority if "departement_prioritaire" in read else None,
        place.zrr if "zrr" in read else None,
        place.frr_code if "frr" in read else None,
    )


def dated_zoning(place: PlaceFacts, on: dt.date) -> tuple[Zone | None, str | None, str | None]:
    """The doctor zoning class, order and start of the version in force on ``on`` (as
    :meth:`PlaceFacts.on` reads it: the place's own class and order when it has no version)."""
    version = place.version_on(on)
    if version is None:
        return place.zonage_medecins, place.zonage_medecins_arrete, None
    return version.classe, version.arrete, version.depuis


def outlook(answer: Answer) -> Outlook:
    """The :class:`Outlook` of an answer for one profile (it must carry its summary)."""
    summary = answer.summary
    if summary is None or len(answer.groups) != 1:
        raise ValueError("an answer for one profile, with its summary, is expected")
    results = answer.groups[0].results
    by_id = {r.id: r for r in results}

    def ids(status: str) -> tuple[str, ...]:
        return tuple(r.id for r in results if r.status == status)

    def weight(item: tuple[str, str]) -> tuple[int, float, float]:
        r = by_id[item[0]]
        return (RANK[r.status], -r.money.one_off_max, -r.money.per_year_max)

    obligations = sorted(summary.obligations, key=weight)  # stable: answer order on ties
    return Outlook(
        eligible=ids(ELIGIBLE),
        sous_condition=ids(SOUS_CONDITION),
        a_verifier=ids(A_VERIFIER),
        guaranteed=summary.guaranteed,
        conditional=summary.conditional,
        possible=summary.possible,
        obligation=obligations[0] if obligations else None,
        zone_depends=summary.zone_depends,
    )
