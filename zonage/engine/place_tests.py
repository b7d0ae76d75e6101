"""Place tests of the catalogue (``zones``, ``outside_zones``, ``any_of``, ``zrr``, ``frr``):
each one read against the place facts on a date → an :class:`Outcome`.

Generic vocabulary only: no rule is written here for one aid in particular. QPV membership is
:mod:`zonage.engine.qpv`'s rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from zonage.catalogue import Catalogue, PlaceTest
from zonage.engine.outcome import Outcome, Question, Result, upper_first
from zonage.engine.qpv import cabinet_question, in_qpv, qpv_list_on
from zonage.place import PlaceFacts
from zonage.situation import KEYS, NO_SITUATION, Situation

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


def run_test(
    test: PlaceTest,
    place: PlaceFacts,
    on: dt.date,
    catalogue: Catalogue,
    situation: Situation = NO_SITUATION,
) -> Outcome:
    """Run one place test of the catalogue (role, default asks and ``otherwise`` applied)."""
    if test.kind in ("zones", "outside_zones"):
        out = zone_test(
            place, test.values, on, catalogue, inside=test.kind == "zones", situation=situation
        )
    elif test.kind == "any_of":
        out = _any_of(test, place, on, catalogue, situation)
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
    question = out.question if result == "unknown" else None
    return Outcome(
        result, upper_first(text), ask=ask, layers=out.layers, notes=out.notes, question=question
    )


def zone_test(
    place: PlaceFacts,
    zones: Sequence[str],
    on: dt.date,
    catalogue: Catalogue,
    *,
    inside: bool,
    situation: Situation = NO_SITUATION,
) -> Outcome:
    """Is the place's doctor zoning one of ``zones`` (``inside``), or none of them, on ``on``?"""
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
        # The order classed as ZIP only QPVs that existed on its day: the QPV list in force on
        # the order's date decides, whatever the date of the question.
        order_date = zoning_order(place, on, catalogue)
        qpv = in_qpv(place, order_date, catalogue.rules, situation.get("cabinet_qpv"))
        layers += qpv.layers
        told = situation.get("zone_cabinet")
        if qpv.result != "no" and told is not None:
            member = told in zones
            text = f"cabinet en {told} (votre réponse, d'après l'ARS)"
            return Outcome("yes" if member == inside else "no", text, layers=layers)
        if qpv.result != "no":
            order = order_date.strftime("%d/%m/%Y")
            listed = qpv_list_on(order_date, catalogue.rules)
            return Outcome(
                "unknown",
                f"commune en ZAC, mais {qpv.text} ; certains QPV des communes en ZAC "
                f"(liste {listed}) sont classés ZIP par l'arrêté de zonage du {order}, sans que "
                "l'on sache ici lesquels : le lieu peut être en ZIP",
                layers=layers,
                question=_zac_question(place, qpv, zones, inside, order_date, catalogue),
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


def _zac_question(
    place: PlaceFacts,
    qpv: Outcome,
    zones: Sequence[str],
    inside: bool,
    order_date: dt.date,
    catalogue: Catalogue,
) -> Question:
    """What settles a zone test in a ZAC commune with QPVs: a cabinet outside them is in ZAC
    (the user knows); inside one, only the ARS knows whether it is classed ZIP."""
    zac_holds = ("ZAC" in zones) == inside
    if qpv.question is not None and zac_holds:
        listed = (
            place.qpv2015_commune
            if qpv_list_on(order_date, catalogue.rules) == "2015"
            else place.qpv2024
        )
        return cabinet_question(listed, wanted="non")
    wanted = "ZAC" if zac_holds else "ZIP"
    return Question(
        "zone_cabinet",
        KEYS["zone_cabinet"].question,
        (wanted,),
        "non (ZAC)" if zac_holds else "oui (ZIP)",
        personal=False,
    )


def zoning_order(place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> dt.date:
    """The ARS order behind the place's doctor zoning class on ``on``: the one its zoning
    version names, else the order in force when that version started, else (no dated version:
    the layer's own zoning) the first order of ``rules.doctor_zoning_orders``."""
    if place.zonage_medecins_arrete:
        return dt.date.fromisoformat(place.zonage_medecins_arrete)
    version = place.version_on(on)
    started = dt.date.fromisoformat(version.depuis) if version is not None else dt.date.min
    return catalogue.rules.zoning_order_on(started)


def place_on(place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> PlaceFacts:
    """The place with the doctor zoning version in force on ``on`` and, once, the zoning notes
    of the catalogue dated after that version (a newer order not loaded for this commune)."""
    dated = place.on(on)
    version = dated.version_on(on)
    since = version.depuis if version is not None else ""
    notes = [
        n.text
        for n in catalogue.rules.zoning_notes
        if (n.start is None or n.start <= on)
        and (n.end is None or on <= n.end)
        and (n.start is None or since < n.start.isoformat())
    ]
    if tuple(notes) == dated.date_notes:
        return dated
    return dataclasses.replace(dated, date_notes=tuple(notes))


def _montagne(place: PlaceFacts) -> Outcome:
    layers = ("zone_montagne",)
    if place.zone_montagne is True:
        return Outcome("yes", "commune classée en zone de montagne", layers=layers)
    if place.zone_montagne is False:
        return Outcome("no", "commune non classée en zone de montagne", layers=layers)
    return Outcome(
        "unknown",
        "classement en zone de montagne inconnu ou partiel pour cette commune",
        layers=layers,
    )


def _territory_fact(
    fact: str, place: PlaceFacts, on: dt.date, catalogue: Catalogue, situation: Situation
) -> Outcome:
    if fact == "zone_montagne":
        return _montagne(place)
    if fact == "massif":
        if place.massif:
            return Outcome("yes", f"commune du massif « {place.massif} »", layers=("massif",))
        return Outcome("no", "commune hors massif (montagne ou massif)", layers=("massif",))
    if fact == "departement_prioritaire":
        priority = catalogue.rules.priority_departments_on(on)
        if place.departement in priority:
            return Outcome(
                "yes", f"département prioritaire {place.departement} {place.departement_nom}"
            )
        listed = ", ".join(sorted(priority)) or "aucun à cette date"
        return Outcome(
            "no",
            f"département {place.departement} hors des départements prioritaires ({listed})",
        )
    return in_qpv(place, on, catalogue.rules, situation.get("cabinet_qpv"))


def _any_of(
    test: PlaceTest, place: PlaceFacts, on: dt.date, catalogue: Catalogue, situation: Situation
) -> Outcome:
    parts = [_territory_fact(f, place, on, catalogue, situation) for f in test.values]
    layers = tuple(dict.fromkeys(layer for p in parts for layer in p.layers))
    notes = tuple(dict.fromkeys(n for p in parts for n in p.notes))
    for result in ("yes", "unknown"):
        chosen = [p for p in parts if p.result == result]
        if chosen:
            # Notes of facts that did not decide would only confuse.
            kept = tuple(dict.fromkeys(n for p in chosen for n in p.notes))
            questions = [p.question for p in chosen if p.question is not None]
            return Outcome(
                result,
                " ; ".join(p.text for p in chosen),
                layers=layers,
                notes=kept,
                question=questions[0] if result == "unknown" and questions else None,
            )
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
