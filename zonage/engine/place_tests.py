"""Place tests of the catalogue (``zones``, ``outside_zones``, ``any_of``, ``zrr``, ``frr``):
each one read against the place facts on a date → an :class:`Outcome`.

Generic vocabulary only: no rule is written here for one aid in particular. QPV membership is
:mod:`zonage.engine.qpv`'s rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from zonage.catalogue import Catalogue, PlaceTest
from zonage.engine.outcome import Outcome, Result, upper_first
from zonage.engine.qpv import in_qpv, qpv_list_on
from zonage.place import PRIORITY_DEPARTMENTS, PlaceFacts

# The doctor zoning of the data is the ARS Occitanie order of 4 May 2022. In ZAC communes it
# classed some QPVs as ZIP (which ones is not in the data): only QPVs that existed on that day,
# so the QPV list in force on the order's date decides, whatever the date of the question.
ZONING_ORDER_DATE = dt.date(2022, 5, 4)

# Whom to ask when a place test cannot decide, by kind of test (contact ids of the catalogue).
_DEFAULT_ASK: dict[str, tuple[str, ...]] = {
    "zones": ("ars",),
    "outside_zones": ("ars",),
    "any_of": ("ars",),
    "zrr": ("ddfip",),
    "frr": ("ddfip",),
}
# FRR codes that never decide on their own (see zonage.place.FRR_LABELS).
_FRR_UNCERTAIN: dict[int, str] = {
    1: "commune bénéficiaire du régime FRR à titre transitoire (ancienne ZRR) : durée et "
    "conditions à vérifier",
    2: "commune nouvelle partiellement classée FRR : le classement dépend de l'adresse exacte",
}
_ZRR_TEXT = {
    "classee": "classée en ZRR",
    "non_classee": "non classée en ZRR",
    "partiellement_classee": "partiellement classée en ZRR",
}


def run_test(test: PlaceTest, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    """Run one place test of the catalogue (role, default asks and ``otherwise`` applied)."""
    if test.kind in ("zones", "outside_zones"):
        out = zone_test(place, test.values, catalogue, inside=test.kind == "zones")
    elif test.kind == "any_of":
        out = _any_of(test, place, on, catalogue)
    elif test.kind == "zrr":
        out = _zrr_test(test, place)
    else:
        out = _frr_test(test, place)
    text, ask = out.text, _DEFAULT_ASK[test.kind] if out.result == "unknown" else ()
    result: Result = out.result
    if test.otherwise is not None:
        if result == "no":
            result, ask, text = "unknown", test.otherwise.ask, test.otherwise.reason
        elif result == "unknown":
            ask = tuple(dict.fromkeys((*ask, *test.otherwise.ask)))
    if test.role:
        text = f"{upper_first(test.role)} : {text}"
    return Outcome(result, upper_first(text), ask=ask, layers=out.layers, notes=out.notes)


def zone_test(
    place: PlaceFacts, zones: Sequence[str], catalogue: Catalogue, *, inside: bool
) -> Outcome:
    """Is the place's doctor zoning one of ``zones`` (``inside``), or none of them?"""
    zone = place.zonage_medecins
    wanted = " ou ".join(zones)
    layers: tuple[str, ...] = ("zonage_medecins",)
    if zone is None:
        return Outcome(
            "unknown",
            "la commune n'a pas de classement dans le fichier du zonage médecins : "
            "classement à vérifier",
            layers=layers,
        )
    # A QPV of a ZAC commune may be classed ZIP: that only matters when the test tells ZIP
    # from ZAC (ZIP-only, ZAC-only, outside ZIP), not for "ZIP or ZAC".
    if zone == "ZAC" and ("ZIP" in zones) != ("ZAC" in zones):
        qpv = in_qpv(place, ZONING_ORDER_DATE, catalogue.rules)
        layers += qpv.layers
        if qpv.result != "no":
            order = ZONING_ORDER_DATE.strftime("%d/%m/%Y")
            listed = qpv_list_on(ZONING_ORDER_DATE, catalogue.rules)
            return Outcome(
                "unknown",
                f"commune en ZAC, mais {qpv.text} ; certains QPV des communes en ZAC "
                f"(liste {listed}) sont classés ZIP par l'arrêté de zonage du {order}, sans que "
                "l'on sache ici lesquels : le lieu peut être en ZIP",
                layers=layers,
            )
    member = zone in zones
    if inside:
        if member:
            return Outcome("yes", f"commune en {zone} (zonage médecins)", layers=layers)
        return Outcome("no", f"commune en {zone} : aide réservée à la zone {wanted}", layers=layers)
    if member:
        return Outcome(
            "no", f"commune en {zone} : aide réservée aux lieux hors {wanted}", layers=layers
        )
    return Outcome("yes", f"commune en {zone}, hors {wanted} (zonage médecins)", layers=layers)


def _territory_fact(fact: str, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    if fact == "massif":
        if place.massif:
            return Outcome("yes", f"commune du massif « {place.massif} »", layers=("massif",))
        return Outcome("no", "commune hors massif (montagne ou massif)", layers=("massif",))
    if fact == "departement_prioritaire":
        if place.departement_prioritaire:
            return Outcome(
                "yes", f"département prioritaire {place.departement} {place.departement_nom}"
            )
        return Outcome(
            "no",
            f"département {place.departement} hors des départements prioritaires "
            f"({', '.join(PRIORITY_DEPARTMENTS)})",
        )
    return in_qpv(place, on, catalogue.rules)


def _any_of(test: PlaceTest, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    parts = [_territory_fact(f, place, on, catalogue) for f in test.values]
    layers = tuple(dict.fromkeys(layer for p in parts for layer in p.layers))
    notes = tuple(dict.fromkeys(n for p in parts for n in p.notes))
    for result in ("yes", "unknown"):
        chosen = [p for p in parts if p.result == result]
        if chosen:
            # Notes of facts that did not decide would only confuse.
            kept = tuple(dict.fromkeys(n for p in chosen for n in p.notes))
            return Outcome(result, " ; ".join(p.text for p in chosen), layers=layers, notes=kept)
    return Outcome("no", " ; ".join(p.text for p in parts), layers=layers, notes=notes)


def _zrr_test(test: PlaceTest, place: PlaceFacts) -> Outcome:
    layers = ("zrr",)
    if place.zrr in test.values:
        return Outcome("yes", f"commune {_ZRR_TEXT[place.zrr]}", layers=layers)
    if place.zrr == "partiellement_classee":
        return Outcome(
            "unknown",
            "commune partiellement classée en ZRR (commune fusionnée) : le classement dépend de "
            "l'adresse exacte",
            layers=layers,
        )
    return Outcome("no", f"commune {_ZRR_TEXT.get(place.zrr, place.zrr)}", layers=layers)


def _frr_test(test: PlaceTest, place: PlaceFacts) -> Outcome:
    layers = ("frr",)
    if place.frr_code in test.values:
        return Outcome("yes", f"commune classée « {place.frr} »", layers=layers)
    if place.frr_code in _FRR_UNCERTAIN:
        return Outcome("unknown", _FRR_UNCERTAIN[place.frr_code], layers=layers)
    return Outcome("no", f"classement FRR de la commune : « {place.frr} »", layers=layers)
