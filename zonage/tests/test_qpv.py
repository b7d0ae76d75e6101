"""The QPV rule, in one place (:func:`zonage.engine.in_qpv`) and as every aid test reads it.

- A point decides, a commune does not.
- The list in force on a date: the 2015 list until the 2024 list's date (``rules`` of the
  catalogue: 1 January 2024), then the 2024 list (known commune by commune, no shapes).
- The aids that need QPV membership on the date asked (``any_of: [massif, qpv, …]``, the ARS
  contract) ask the list in force on that date; the ZIP/ZAC tests ask it on the date of the
  zoning order (4 May 2022): in ZAC communes that order could class as ZIP only the QPVs that
  existed then, i.e. the 2015 list.
- Where the data leaves membership unknown, the user's answer « cabinet_qpv » decides; where
  the data decides, the answer changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from zonage.catalogue import load_catalogue
from zonage.engine import evaluate_aid, in_qpv
from zonage.place import Qpv
from zonage.situation import parse_situation
from zonage.tests.places import (
    D2023,
    D2025,
    D2026,
    FIRST_INSTALL,
    INSTALL,
    PRACTICE,
    QPV_2015,
    QPV_2024,
    E,
    N,
    S,
    V,
    make_place,
    status_params,
)

LAST_DAY_2015_LIST = dt.date(2023, 12, 31)
# The ARS order of the zoning the layer holds (``rules.doctor_zoning_orders``).
ZONING_ORDER_DATE = dt.date(2022, 5, 4)
FIRST_DAY_2024_LIST = dt.date(2024, 1, 1)


def _point(place, qpv=None):
    return replace(place, precision="point", lon=1.0, lat=43.0, qpv=qpv)


# QPV facts of a commune (its 2015 and 2024 lists) and of a point in it.
NO_QPV = make_place("ZAC")
ONLY_2015 = make_place("ZAC", qpv2015=(QPV_2015,))
ONLY_2024 = make_place("ZAC", qpv2024=(QPV_2024,))
BOTH = make_place("ZAC", qpv2015=(QPV_2015,), qpv2024=(QPV_2024,))

# (case id, place, date, expected result of in_qpv)
RULE = [
    ("commune-none-2015", NO_QPV, LAST_DAY_2015_LIST, "no"),
    ("commune-none-2024", NO_QPV, FIRST_DAY_2024_LIST, "no"),
    ("commune-2015-only-2015", ONLY_2015, LAST_DAY_2015_LIST, "unknown"),
    ("commune-2015-only-2024", ONLY_2015, FIRST_DAY_2024_LIST, "no"),
    ("commune-2024-only-2015", ONLY_2024, LAST_DAY_2015_LIST, "no"),
    ("commune-2024-only-2024", ONLY_2024, FIRST_DAY_2024_LIST, "unknown"),
    ("commune-both-2015", BOTH, LAST_DAY_2015_LIST, "unknown"),
    ("commune-both-2024", BOTH, FIRST_DAY_2024_LIST, "unknown"),
    ("point-none-2015", _point(NO_QPV), LAST_DAY_2015_LIST, "no"),
    ("point-none-2024", _point(NO_QPV), FIRST_DAY_2024_LIST, "no"),
    ("point-in-old-qpv-2015", _point(ONLY_2015, QPV_2015), LAST_DAY_2015_LIST, "yes"),
    ("point-in-old-qpv-2024", _point(ONLY_2015, QPV_2015), FIRST_DAY_2024_LIST, "no"),
    ("point-in-qpv-2015", _point(BOTH, QPV_2015), LAST_DAY_2015_LIST, "yes"),
    ("point-in-qpv-2024", _point(BOTH, QPV_2015), FIRST_DAY_2024_LIST, "yes"),
    ("point-out-2015-only-2015", _point(ONLY_2015), LAST_DAY_2015_LIST, "no"),
    ("point-out-2015-only-2024", _point(ONLY_2015), FIRST_DAY_2024_LIST, "no"),
    ("point-out-both-2015", _point(BOTH), LAST_DAY_2015_LIST, "no"),
    ("point-out-both-2024", _point(BOTH), FIRST_DAY_2024_LIST, "unknown"),
    ("point-new-qpv-2015", _point(ONLY_2024), LAST_DAY_2015_LIST, "no"),
    ("point-new-qpv-2024", _point(ONLY_2024), FIRST_DAY_2024_LIST, "unknown"),
]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_the_2024_list_takes_over_on_the_catalogue_date(catalogue):
    assert catalogue.rules.qpv_list_2024_from == FIRST_DAY_2024_LIST
    assert catalogue.rules.zoning_order_on(D2025) == ZONING_ORDER_DATE < FIRST_DAY_2024_LIST


@pytest.mark.parametrize(
    ("place", "on", "expected"), [pytest.param(p, d, r, id=cid) for cid, p, d, r in RULE]
)
def test_rule_table(catalogue, place, on, expected):
    out = in_qpv(place, on, catalogue.rules)
    assert out.result == expected, out.text
    listed = ("qpv2015",) if on < FIRST_DAY_2024_LIST else ("qpv2015", "qpv2024")
    assert out.layers == listed
    assert out.text and not out.ask


@pytest.mark.parametrize("answer", ["oui", "non"])
@pytest.mark.parametrize(
    ("place", "on", "by_data"), [pytest.param(p, d, r, id=cid) for cid, p, d, r in RULE]
)
def test_the_answer_decides_only_what_the_data_cannot(catalogue, place, on, by_data, answer):
    out = in_qpv(place, on, catalogue.rules, answer)
    if by_data == "unknown":
        assert out.result == ("yes" if answer == "oui" else "no")
        assert "(votre réponse)" in out.text and out.question is None
    else:
        assert out == in_qpv(place, on, catalogue.rules)
    assert out.layers == in_qpv(place, on, catalogue.rules).layers


def test_unknown_membership_carries_the_question_of_the_list_in_force(catalogue):
    rules = catalogue.rules
    for on, name in ((LAST_DAY_2015_LIST, "Quartier 2015"), (FIRST_DAY_2024_LIST, "Quartier 2024")):
        q = in_qpv(BOTH, on, rules).question
        assert q is not None and (q.key, q.wanted, q.personal) == ("cabinet_qpv", ("oui",), True)
        assert f"« {name} »" in q.text and q.text.endswith("?")
    two = make_place("ZAC", qpv2024=(QPV_2024, Qpv("QN03102B", "Autre quartier")))
    q = in_qpv(two, FIRST_DAY_2024_LIST, rules).question
    assert q is not None and "l'un des quartiers prioritaires" in q.text and "Autre" in q.text
    assert in_qpv(NO_QPV, FIRST_DAY_2024_LIST, rules).question is None


def test_rule_says_what_it_could_not_see(catalogue):
    rules = catalogue.rules
    old = in_qpv(_point(ONLY_2015, QPV_2015), D2025, rules)
    assert old.text == "commune sans QPV (liste 2024)"
    assert "ancien QPV « Quartier 2015 » (liste 2015)" in old.notes[0]
    inside = in_qpv(_point(BOTH, QPV_2015), D2025, rules)
    assert "QP031001" in inside.text and "contours 2024" in inside.notes[0]
    outside = in_qpv(_point(BOTH), D2025, rules)
    assert "« Quartier 2024 »" in outside.text and "contours" in outside.text
    commune = in_qpv(BOTH, D2023, rules)
    assert "« Quartier 2015 »" in commune.text and "lieu exact" in commune.text


# Every aid test that needs QPV reads the one rule: the ZIP/ZAC test of the CAIM (ZIP only)
# asks it on the zoning order's date, the ARS contract's ``any_of`` on the date asked.
GRID_PLACES = [NO_QPV, ONLY_2015, ONLY_2024, BOTH] + [
    _point(p, q) for p in (NO_QPV, ONLY_2015, ONLY_2024, BOTH) for q in (None, QPV_2015)
]
GRID_DATES = [dt.date(2022, 6, 1), LAST_DAY_2015_LIST, FIRST_DAY_2024_LIST, D2025]


# The decree of 12 March 2025 adds a personal check (no installation aid within 10 years) to
# the ARS contract, after its territory check.
DECREE_2025_231 = dt.date(2025, 3, 12)


@pytest.mark.parametrize("answer", [None, "oui", "non"])
@pytest.mark.parametrize("on", GRID_DATES, ids=str)
@pytest.mark.parametrize("place", GRID_PLACES)
def test_every_qpv_test_reads_the_one_rule(catalogue, place, on, answer):
    situation = parse_situation([f"cabinet_qpv={answer}"] if answer else [])
    zoning = in_qpv(place, ZONING_ORDER_DATE, catalogue.rules, answer)
    caim = evaluate_aid(catalogue.get("caim"), place, INSTALL, on, catalogue, situation)
    zone_check, *personal_caim = caim.checks  # and the décret's ten years, from 12/03/2025
    assert len(personal_caim) == (1 if on >= DECREE_2025_231 else 0)
    assert zone_check["result"] == ("no" if zoning.result == "no" else "unknown")
    if zoning.result != "no":
        assert zoning.text.lower() in zone_check["text"].lower()
        assert "04/05/2022" in zone_check["text"]
    on_date = in_qpv(place, on, catalogue.rules, answer)
    ars = evaluate_aid(
        catalogue.get("contrat-ars-territoires"), place, INSTALL, on, catalogue, situation
    )
    if on >= dt.date(2022, 5, 7):  # the contract's terms since May 2022
        territory_check, *personal = ars.checks
        assert territory_check["result"] == on_date.result
        if on_date.result != "no":
            assert on_date.text.lower() in territory_check["text"].lower()
        assert len(personal) == (1 if on >= DECREE_2025_231 else 0)
        assert all("aide à l'installation" in c["text"] for c in personal)


# ZAC communes whose only QPV is new on the 2024 list (facts as in the built commune layer).
RODEZ = make_place(
    "ZAC",
    departement="12",
    massif="Massif central",
    zrr="classee",
    frr=4,
    insee="12202",
    nom="Rodez",
    qpv2024=(Qpv("QN01204N", "Saint- Éloi et Camonil"),),
)
MENDE = make_place(
    "ZAC",
    departement="48",
    massif="Massif central",
    zrr="classee",
    frr=4,
    insee="48095",
    nom="Mende",
    qpv2024=(Qpv("QN04801N", "Fontanilles"),),
)
MILLAU = make_place(
    "ZAC",
    departement="12",
    massif="Massif central",
    zrr="classee",
    frr=4,
    insee="12145",
    nom="Millau",
    qpv2024=(Qpv("QN01205N", "Centre ancien et Beauregard"),),
)
CLERMONT = make_place(
    "ZAC",
    departement="34",
    insee="34079",
    nom="Clermont-l'Hérault",
    qpv2024=(Qpv("QN03421N", "Centre Ville"),),
)
# A point in a 2015 QPV of a ZAC commune that has no QPV on the 2024 list.
OLD_QPV_POINT = _point(ONLY_2015, QPV_2015)

ARS = "contrat-ars-territoires"
# (case id, place, profile, date, {aid id: expected status}[, « Ma situation »]); the personal
# conditions of the installation aids answered (FIRST_INSTALL) so that the place decides.
CASES = [
    # The 2022 order could not class a QPV of the 2024 list: the ZAC class decides.
    ("rodez-2025", RODEZ, INSTALL, D2025, {"caim": N, ARS: E}, FIRST_INSTALL),
    ("rodez-2026", RODEZ, INSTALL, D2026,
     {"aide-installation-zip": N, "aide-installation-zac": E}, FIRST_INSTALL),
    ("rodez-cstm", RODEZ, PRACTICE, D2025, {"cstm": E, "coscom": N}),
    ("mende-2025", MENDE, INSTALL, D2025, {"caim": N, ARS: E}, FIRST_INSTALL),
    ("millau-2026", MILLAU, INSTALL, D2026,
     {"aide-installation-zip": N, "aide-installation-zac": E}, FIRST_INSTALL),
    ("clermont-2023", CLERMONT, INSTALL, D2023, {"caim": N, ARS: N}),
    # Clermont's only priority territory is its 2024 QPV, whose contours are unknown: whether
    # the cabinet is in it the user knows (« sous condition », was « à vérifier »).
    ("clermont-2025", CLERMONT, INSTALL, D2025, {"caim": N, ARS: S}, FIRST_INSTALL),
    ("clermont-point-2025", _point(CLERMONT), INSTALL, D2025, {"caim": N, ARS: S},
     FIRST_INSTALL),
    ("clermont-2026", CLERMONT, INSTALL, D2026,
     {"aide-installation-zip": N, "aide-installation-zac": E}, FIRST_INSTALL),
    ("clermont-cstm", CLERMONT, PRACTICE, D2025, {"cstm": E}),
    # A 2015 QPV may have been classed ZIP by the 2022 order, still in force in 2025, though it
    # left the QPV list in 2024: the zone is to check, the QPV contract no longer applies.
    ("old-qpv-2023", OLD_QPV_POINT, INSTALL, D2023, {"caim": V, ARS: E}),
    ("old-qpv-2025", OLD_QPV_POINT, INSTALL, D2025, {"caim": V, ARS: N}),
    ("old-qpv-2026", OLD_QPV_POINT, INSTALL, D2026,
     {"aide-installation-zip": V, "aide-installation-zac": V}),
]  # fmt: skip


@pytest.mark.parametrize(("place", "profile", "on", "expected", "situation"), status_params(CASES))
def test_qpv_cases(catalogue, place, profile, on, expected, situation):
    got = {
        aid_id: evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue, situation)
        for aid_id in expected
    }
    assert {k: r.status for k, r in got.items()} == expected, {k: r.reason for k, r in got.items()}


def test_old_qpv_point_both_answers_name_the_same_facts(catalogue):
    caim = evaluate_aid(catalogue.get("caim"), OLD_QPV_POINT, INSTALL, D2025, catalogue)
    ars = evaluate_aid(catalogue.get(ARS), OLD_QPV_POINT, INSTALL, D2025, catalogue)
    assert caim.reason is not None and ars.reason is not None
    assert "QPV « Quartier 2015 » (QP031001)" in caim.reason and "liste 2015" in caim.reason
    assert "commune sans QPV (liste 2024)" in ars.reason


def test_zone_question_reads_only_the_2015_layer(catalogue):
    r = evaluate_aid(catalogue.get("caim"), RODEZ, INSTALL, D2025, catalogue)
    assert set(r.vintages) == {"zonage_medecins", "qpv2015"}
