"""The whole region at once (:mod:`zonage.engine.region`) gives every commune exactly what
:func:`~zonage.engine.aids_at` gives it one by one: the same aid ids by status, the same
figures, main obligation and « zone selon l'adresse », for places of every class (ZIP, ZAC with
and without QPV, ZAR, unclassed, massif, montagne only or partly, every FRR code and ZRR
status, priority departments and others, a newer DataSanté zoning version), several profiles,
dates and situations. Each place comes twice under other names (commune and QPV): the join
must hand both the same row."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import replace
from typing import Any

import pytest

from zonage.catalogue import PlaceTest, load_catalogue
from zonage.engine import aids_at
from zonage.engine.region import OPTIONAL_FACTS, evaluate_region, facts_read, outlook
from zonage.errors import InvalidInput
from zonage.place import PlaceFacts, Qpv, Zone, ZoningVersion, ZrrStatus
from zonage.situation import NO_SITUATION, parse_situation
from zonage.tests.places import (
    D2024,
    D2025,
    ETU3,
    FIRST_INSTALL,
    INSTALL,
    PRACTICE,
    QPV_2015,
    QPV_2024,
    SECONDARY,
    E,
    S,
    V,
    make_place,
)

DATES = (dt.date(2024, 3, 1), dt.date(2025, 6, 1), dt.date(2026, 11, 29))
PROFILES = (INSTALL, PRACTICE, SECONDARY, ETU3)
SITUATIONS = {
    "aucune": NO_SITUATION,
    "premiere-installation": FIRST_INSTALL,
    "cabinet-hors-qpv": parse_situation(["cabinet_qpv=non", "secteur=1"]),
}
QPV_SETS: tuple[tuple[tuple[Qpv, ...], tuple[Qpv, ...]], ...] = (
    ((), ()),
    ((QPV_2015,), (QPV_2024,)),
    ((QPV_2015,), ()),
    ((), (QPV_2024,)),
)
ZONES: tuple[Zone, ...] = ("ZIP", "ZAC", "ZAR")
ZRR: tuple[ZrrStatus, ...] = ("classee", "non_classee")
REFERENCE_ORDER = "2022-05-04"
DATASANTE_ORDER = "2025-10-30"


def _versioned(place: PlaceFacts, newer: Zone | None, *, newer_only: bool = True) -> PlaceFacts:
    """The place with the reference zoning version, and a newer DataSanté one of class
    ``newer`` (its order of 30/10/2025) unless ``newer_only`` is False."""
    versions = [ZoningVersion(REFERENCE_ORDER, place.zonage_medecins, REFERENCE_ORDER, "ref")]
    if newer_only:
        versions.append(ZoningVersion(DATASANTE_ORDER, newer, DATASANTE_ORDER, "datasante"))
    return replace(place, zonage_medecins_arrete=REFERENCE_ORDER, zonage_versions=tuple(versions))


def _sample() -> list[PlaceFacts]:
    """Places covering every value of every fact the engine reads, plus a seeded random
    draw of combinations."""
    places = [
        make_place(zone, qpv2015=q15, qpv2024=q24)
        for zone in ("ZIP", "ZAC", "ZAR", None)
        for q15, q24 in QPV_SETS
    ]
    places += [make_place("ZAR", departement=d) for d in ("09", "32", "65", "31", "48")]
    places += [make_place("ZAC", departement=d, qpv2015=(QPV_2015,)) for d in ("09", "34")]
    places += [make_place("ZAR", frr=f) for f in (0, 1, 2, 4, 5)]
    places += [
        make_place("ZIP", zrr=z) for z in ("classee", "non_classee", "partiellement_classee")
    ]
    places += [
        make_place("ZAR", departement="12", massif="Massif central"),
        make_place("ZAR", zone_montagne=True),  # montagne only
        make_place("ZAR", departement="34", massif="Massif central", zone_montagne=False),
        replace(make_place("ZAR", departement="48"), zone_montagne=None),  # partly classed
        replace(make_place("ZAC", massif="Pyrénées", departement="09"), zone_montagne=None),
        _versioned(make_place("ZAR"), "ZIP"),
        _versioned(make_place("ZIP"), "ZAC"),
        _versioned(make_place("ZAC", qpv2015=(QPV_2015,), qpv2024=(QPV_2024,)), "ZIP"),
        _versioned(make_place("ZAR"), None),
        _versioned(make_place("ZAC"), None, newer_only=False),
    ]
    rng = random.Random(20261129)
    combos = list(
        itertools.product(
            ZONES,
            QPV_SETS,
            ("09", "31", "65"),
            (None, "Pyrénées"),
            (True, False, None),
            ZRR,
            (0, 1, 4, 5),
        )
    )
    for zone, (q15, q24), dep, massif, montagne, zrr, frr in rng.sample(combos, 24):
        place = make_place(zone, departement=dep, massif=massif, zrr=zrr, frr=frr)
        places.append(replace(place, qpv2015_commune=q15, qpv2024=q24, zone_montagne=montagne))
    return places


def _twins(places: list[PlaceFacts]) -> list[PlaceFacts]:
    """Each place under a unique code and name, then again under other names (its QPVs too)."""
    out = []
    for copy in (0, 1):
        for i, p in enumerate(places):
            out.append(
                replace(
                    p,
                    insee=f"{p.departement}{copy}{i:02d}",
                    nom=f"Commune {copy}-{i}",
                    qpv2015_commune=tuple(
                        Qpv(q.code, f"{q.nom} {copy}") for q in p.qpv2015_commune
                    ),
                    qpv2024=tuple(Qpv(q.code, f"{q.nom} {copy}") for q in p.qpv2024),
                )
            )
    return out


PLACES = _twins(_sample())


@pytest.mark.parametrize("situation", SITUATIONS, ids=list(SITUATIONS))
@pytest.mark.parametrize("on", DATES, ids=[d.isoformat() for d in DATES])
@pytest.mark.parametrize("profile", PROFILES)
def test_region_equals_one_by_one(profile: str, on: dt.date, situation: str) -> None:
    catalogue = load_catalogue()
    answers = SITUATIONS[situation]
    region = evaluate_region(PLACES, profile, on, situation=answers, catalogue=catalogue)
    assert [r.insee for r in region.rows] == [p.insee for p in PLACES]
    assert region.fact_sets <= len(PLACES) // 2  # every place has a twin under other names
    for place, row in zip(PLACES, region.rows, strict=True):
        answer = aids_at(place, profile, on, catalogue=catalogue, situation=answers)
        results, summary = answer.groups[0].results, answer.summary
        assert summary is not None
        got = row.outlook
        where = f"{place.insee} {profile} {on} {situation}"
        assert got.eligible == tuple(r.id for r in results if r.status == E), where
        assert got.sous_condition == tuple(r.id for r in results if r.status == S), where
        assert got.a_verifier == tuple(r.id for r in results if r.status == V), where
        assert (got.guaranteed, got.conditional, got.possible) == (
            summary.guaranteed,
            summary.conditional,
            summary.possible,
        ), where
        assert got.zone_depends == summary.zone_depends, where
        assert got == outlook(answer), where  # the main obligation too
        dated = answer.place
        assert (row.zonage_medecins, row.zonage_medecins_arrete) == (
            dated.zonage_medecins,
            dated.zonage_medecins_arrete,
        ), where


def test_the_sample_covers_every_class() -> None:
    """The comparison above is only as good as its sample: every value of every fact read."""
    seen: dict[str, set[Any]] = {
        "zone": {p.zonage_medecins for p in PLACES},
        "qpv": {(bool(p.qpv2015_commune), bool(p.qpv2024)) for p in PLACES},
        "departement": {p.departement for p in PLACES},
        "montagne": {p.zone_montagne for p in PLACES},
        "massif": {bool(p.massif) for p in PLACES},
        "frr": {p.frr_code for p in PLACES},
        "zrr": {p.zrr for p in PLACES},
        "newer": {v.classe for p in PLACES for v in p.zonage_versions[1:]},
    }
    assert seen["zone"] == {"ZIP", "ZAC", "ZAR", None}
    assert len(seen["qpv"]) == 4
    assert {"09", "32", "65", "31"} <= seen["departement"]
    assert seen["montagne"] == {True, False, None} and seen["massif"] == {True, False}
    assert seen["frr"] == {0, 1, 2, 4, 5}
    assert seen["zrr"] == {"classee", "non_classee", "partiellement_classee"}
    assert seen["newer"] == {"ZIP", "ZAC", None}
    # The montagne without the massif, and the massif without the montagne.
    assert any(p.zone_montagne and not p.massif for p in PLACES)
    assert any(p.massif and p.zone_montagne is False for p in PLACES)


def test_a_newer_zoning_order_changes_the_row_on_its_date() -> None:
    place = _versioned(make_place("ZAR"), "ZIP")
    before, after = (
        evaluate_region([place], INSTALL, on, situation=FIRST_INSTALL).rows[0]
        for on in (D2025, DATES[2])
    )
    assert (before.zonage_medecins, before.zonage_medecins_arrete) == ("ZAR", REFERENCE_ORDER)
    assert (after.zonage_medecins, after.zonage_medecins_arrete) == ("ZIP", DATASANTE_ORDER)
    assert "aide-installation-zip" in after.outlook.eligible
    assert after.outlook.guaranteed.one_off_min > before.outlook.guaranteed.one_off_min


def test_facts_read_follow_the_catalogue() -> None:
    catalogue = load_catalogue()
    # The ARS contract (massif, montagne, priority department, QPV) is for installations.
    assert {"massif", "zone_montagne", "departement_prioritaire"} <= facts_read(
        catalogue, INSTALL, D2025
    )
    # The ZRR exemption is decided on its dates: read in March 2024, not in 2026.
    assert "zrr" in facts_read(catalogue, INSTALL, D2024)
    assert "zrr" not in facts_read(catalogue, INSTALL, DATES[2])
    assert facts_read(catalogue, ETU3, D2025) <= {"zrr", "frr"}


def test_a_test_of_an_unknown_kind_keys_on_every_fact() -> None:
    catalogue = load_catalogue()
    aid = catalogue.get("contrat-ars-territoires")  # an installation aid open in 2025
    assert aid.validity.valid_until is None or aid.validity.valid_until > D2025
    odd = replace(aid, where=(*aid.where, PlaceTest(kind="pdsa", values=("secteur",))))
    changed = replace(catalogue, aids=tuple(odd if a is aid else a for a in catalogue.aids))
    assert facts_read(changed, INSTALL, D2025) == frozenset(OPTIONAL_FACTS)
    listed = replace(aid, where=(PlaceTest(kind="any_of", values=("qpv", "altitude")),))
    changed = replace(catalogue, aids=tuple(listed if a is aid else a for a in catalogue.aids))
    assert facts_read(changed, INSTALL, D2025) == frozenset(OPTIONAL_FACTS)


def test_rows_as_dictionaries() -> None:
    region = evaluate_region(PLACES[:3], INSTALL, D2025, situation=FIRST_INSTALL)
    d = region.rows[0].to_dict()
    assert d["insee"] == PLACES[0].insee and d["zonage_medecins"] == "ZIP"
    assert isinstance(d["aides_eligibles"], list) and d["aides_eligibles"]
    o = region.rows[0].outlook
    assert d["montant_garanti_eur"] == o.guaranteed.one_off_min
    assert d["montant_possible_eur"] == o.possible.one_off_max
    assert d["montant_annuel_eur"] == o.possible.per_year_max
    assert d["obligation_principale_aide"] == (o.obligation[0] if o.obligation else None)


def test_every_profile_but_not_tous() -> None:
    with pytest.raises(InvalidInput, match="profil précis"):
        evaluate_region(PLACES, "tous", D2025)
    with pytest.raises(InvalidInput):
        evaluate_region(PLACES, "interne", D2025)
