"""« Ce que vous pouvez percevoir ici »: amounts as numbers (:mod:`zonage.engine.money`), the
summary of one profile's answer in euros (:mod:`zonage.engine.summary`) and the JSON shape of
an answer with « Ma situation ».

The summary table: Saint-Girons-like facts (a ZAC commune of Ariège, in the Pyrénées massif,
FRR, with a QPV on both lists) × answers → guaranteed / conditional / possible euros.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from zonage.catalogue import load_catalogue
from zonage.engine import STATUSES, aids_at, evaluate_aid
from zonage.engine.money import NOTHING, Money, part_money, total
from zonage.place import Qpv
from zonage.situation import parse_situation
from zonage.tests.places import (
    D2025,
    END,
    ETU2,
    INSTALL,
    PRACTICE,
    SALARIED,
    STRUCTURE,
    ZAR,
    ZIP,
    E,
    S,
    V,
    make_place,
)

ZIP_AID, ZAC_AID, ARS = "aide-installation-zip", "aide-installation-zac", "contrat-ars-territoires"
FIRST = ["secteur=1", "aide_installation=aucune"]
ON = dt.date(2026, 11, 29)
# Facts as in the built commune layer for 09261 (the order of 2022 classed the commune ZAC; its
# QPV « Cœur de Ville » is on the 2015 list, so the zoning order may have classed it ZIP).
SAINT_GIRONS = make_place(
    "ZAC",
    departement="09",
    massif="Pyrénées",
    zrr="classee",
    frr=4,
    insee="09261",
    nom="Saint-Girons",
    qpv2015=(Qpv("QP009001", "Coeur De Ville"),),
    qpv2024=(Qpv("QN00901M", "Cœur De Ville"),),
)
# The same commune had its QPV been new on the 2024 list: the 2022 order could not class it.
ONLY_NEW_QPV = make_place(
    "ZAC", departement="09", massif="Pyrénées", frr=4, qpv2024=(Qpv("QN00901M", "Cœur De Ville"),)
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _answer(catalogue, place, profile, on, pairs=()):
    return aids_at(place, profile, on, catalogue=catalogue, situation=parse_situation(pairs))


# ----------------------------------------------------------------------------- money


# (case id, amount part as the engine gives it, expected Money)
PARTS = [
    ("fixed", {"kind": "fixed", "value": 10000}, Money(10000, 10000)),
    ("range", {"kind": "range", "min": 31250, "max": 50000}, Money(31250, 50000)),
    ("range-max-only", {"kind": "range", "max": 1000}, Money(0, 1000)),
    ("per-month", {"kind": "per_month", "value": 1200}, Money(0, 0, 14400, 14400)),
    ("per-month-max", {"kind": "per_month", "max": 2170}, Money(0, 0, 0, 26040)),
    ("per-quarter", {"kind": "per_quarter", "min": 8325, "max": 15000},
     Money(0, 0, 33300, 60000)),
    ("per-year", {"kind": "per_year", "value": 5000}, Money(0, 0, 5000, 5000)),
    ("capped-per-year", {"kind": "percentage_with_cap", "percent": 10, "cap": 20000,
                         "cap_period": "per_year"}, Money(0, 0, 0, 20000, unquantified=True)),
    ("capped-per-month", {"kind": "percentage_with_cap", "percent": 10, "cap": 100,
                          "cap_period": "per_month"}, Money(0, 0, 0, 1200, unquantified=True)),
    ("capped-once", {"kind": "percentage_with_cap", "percent": 25, "cap": 50000},
     Money(0, 50000, unquantified=True)),
    ("percentage-without-cap", {"kind": "percentage_with_cap", "percent": 25},
     Money(unquantified=True)),
    ("not-paid", {"kind": "per_month", "value": 6900, "paid": False}, NOTHING),
    ("exemption", {"kind": "exemption"}, Money(unquantified=True)),
    ("unspecified", {"kind": "unspecified"}, Money(unquantified=True)),
    ("none", {"kind": "none"}, NOTHING),
]  # fmt: skip


@pytest.mark.parametrize(("part", "money"), [pytest.param(p, m, id=c) for c, p, m in PARTS])
def test_part_money(part, money):
    assert part_money(part) == money


def test_money_adds_up_and_serialises():
    parts: list[dict[str, Any]] = [
        {"kind": "fixed", "value": 50000, "status": E},
        {"kind": "per_year", "min": 220000, "max": 450000, "status": V},
        {"kind": "unspecified", "status": S},
        {"kind": "fixed", "value": 99999, "status": "non_applicable"},  # not counted
    ]
    money = total(parts)
    assert money == Money(50000, 50000, 220000, 450000, unquantified=True)
    assert money.counted and not NOTHING.counted and not Money(unquantified=True).counted
    assert Money(1, 2, 3, 4) + Money(10, 20, 30, 40, True) == Money(11, 22, 33, 44, True)
    assert money.to_dict() == {
        "one_off": {"min": 50000, "max": 50000},
        "per_year": {"min": 220000, "max": 450000},
        "unquantified": True,
    }


# (case id, place, profile, date, aid id, expected Money of the evaluated aid)
AIDS = [
    ("cesp-per-month", ZIP, ETU2, D2025, "cesp", Money(0, 0, 14400, 14400)),
    ("caim-range", ZIP, INSTALL, D2025, "caim", Money(31250, 50000)),
    ("coscom-per-year", ZIP, PRACTICE, D2025, "coscom", Money(0, 0, 5000, 5000)),
    ("cotram-capped", ZIP, END, D2025, "cotram", Money(0, 0, 0, 20000, unquantified=True)),
    # the brochure's 6,900 € is a salary floor, not paid: only the top-up counts
    ("400mg-floor-not-paid", ZIP, SALARIED, D2025, "contrat-400mg-ambulatoire",
     Money(0, 0, 0, 26040)),
    ("frr-exemption", ZIP, INSTALL, D2025, "exoneration-frr", Money(unquantified=True)),
    # the CDS's 50,000 € holds only in ZIP or ZAC: a non-applicable part counts for nothing
    ("cds-part-out-of-zone", ZAR, STRUCTURE, D2025, "cds", Money(unquantified=True)),
    ("cds-part-in-zone", ZIP, STRUCTURE, D2025, "cds", Money(50000, 50000, unquantified=True)),
    # an aid that does not apply counts for nothing
    ("caim-not-applicable", ZAR, INSTALL, D2025, "caim", NOTHING),
]  # fmt: skip


@pytest.mark.parametrize(
    ("place", "profile", "on", "aid_id", "money"), [pytest.param(*r[1:], id=r[0]) for r in AIDS]
)
def test_aid_money(catalogue, place, profile, on, aid_id, money):
    r = evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue)
    assert r.money == money
    assert r.to_dict()["amount"]["total"] == money.to_dict()


# ----------------------------------------------------------------------------- the summary

# (case id, answers, guaranteed one-off €, conditional one-off €, possible one-off € (max),
#  zone depends on the address, open question keys)
SUMMARY = [
    # Nothing answered: the ZAC aid if the secteur and the 10-year rule hold; at most the ZIP
    # aid (if the ARS classes the QPV of the cabinet ZIP) plus the ARS contract (to check: its
    # terms were revised in 2026).
    ("nothing", [], 0, 5000, 60000, True,
     {"secteur", "aide_installation", "zone_cabinet", "cabinet_qpv"}),
    ("secteur-and-no-aid", FIRST, 5000, 5000, 60000, True, {"zone_cabinet", "cabinet_qpv"}),
    ("outside-the-qpv", [*FIRST, "cabinet_qpv=non"], 5000, 5000, 55000, False, set()),
    ("inside-the-qpv", [*FIRST, "cabinet_qpv=oui"], 5000, 5000, 60000, True, {"zone_cabinet"}),
    ("ars-says-zip", [*FIRST, "zone_cabinet=ZIP"], 10000, 10000, 60000, False, set()),
    ("ars-says-zac", [*FIRST, "zone_cabinet=ZAC"], 5000, 5000, 55000, False, set()),
    # Secteur 2 without Optam: no primo-installation aid, only the ARS contract (to check).
    ("secteur-2-sans-optam", ["secteur=2-sans-optam"], 0, 0, 50000, True,
     {"aide_installation", "zone_cabinet"}),
    # An installation aid received in 2020: no new one before 2030, nothing to count.
    ("recent-aid", ["secteur=1", "aide_installation=2020-01-01"], 0, 0, 0, True,
     {"zone_cabinet"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pairs", "guaranteed", "conditional", "possible", "zone_depends", "questions"),
    [pytest.param(*row[1:], id=row[0]) for row in SUMMARY],
)
def test_summary_table(
    catalogue, pairs, guaranteed, conditional, possible, zone_depends, questions
):
    s = _answer(catalogue, SAINT_GIRONS, INSTALL, ON, pairs).summary
    assert s is not None
    assert s.guaranteed.one_off_min == guaranteed
    assert s.conditional.one_off_min == conditional
    assert s.possible.one_off_max == possible
    assert s.guaranteed.one_off_min <= s.conditional.one_off_min <= s.possible.one_off_max
    assert s.zone_depends is zone_depends
    assert {q.key for q, _ in s.questions} == questions
    # the FRR tax exemption is certain here but has no figure: flagged, not guessed
    assert s.guaranteed.unquantified and "exoneration-frr" in s.unquantified
    assert (s.guaranteed.per_year_max, s.possible.per_year_max) == (0, 0)


def test_nothing_answered(catalogue):
    answer = _answer(catalogue, SAINT_GIRONS, INSTALL, ON)
    s = answer.summary
    assert s is not None
    assert s.possible == Money(41250, 60000, unquantified=True)  # 10 000 + 31 250–50 000
    asked = {q.key: (q, ids) for q, ids in s.questions}
    assert s.questions[0][0].key == "aide_installation"  # the most euros at stake first
    assert set(asked["aide_installation"][1]) == {ZIP_AID, ZAC_AID, ARS}
    assert set(asked["secteur"][1]) == {ZIP_AID, ZAC_AID}
    assert not asked["zone_cabinet"][0].personal and asked["secteur"][0].personal
    assert {ZIP_AID, ARS} <= set(s.to_check) and ZAC_AID not in s.to_check
    assert ZAC_AID in s.conditional_aids and ZIP_AID in s.conditional_aids
    assert [i for i, _ in s.obligations] == [ARS]
    assert {"cpam", "ars", "ddfip"} <= {c["id"] for c in s.contacts}


def test_secteur_2_sans_optam_counts_no_primo_aid(catalogue):
    answer = _answer(catalogue, SAINT_GIRONS, INSTALL, ON, ["secteur=2-sans-optam"])
    s = answer.summary
    assert s is not None
    assert not {ZIP_AID, ZAC_AID} & set(s.conditional_aids)
    assert not {ZIP_AID, ZAC_AID} & {i for q, ids in s.questions for i in ids}
    listed = {r.id for g in answer.groups for r in g.results}
    assert not {ZIP_AID, ZAC_AID} & listed  # non applicable: left out of the answer


def test_zip_and_zac_primo_aids_are_never_added(catalogue):
    """One primo-installation aid only: whatever the answers, the best combination keeps one
    of the ZIP and ZAC aids, never both (10 000 + 5 000 would be 15 000)."""
    for _cid, pairs, *_ in SUMMARY:
        s = _answer(catalogue, SAINT_GIRONS, INSTALL, ON, pairs).summary
        assert s is not None
        for money in (s.guaranteed, s.conditional, s.possible):
            assert money.one_off_min <= 10000 + 50000 and money.one_off_max <= 10000 + 50000
            assert money.one_off_max not in (15000, 65000)
    # Which of the two applies is the zone's doing, not a choice: nothing is « set aside ».
    s = _answer(catalogue, SAINT_GIRONS, INSTALL, ON).summary
    assert s is not None and s.set_aside == ()
    # Told the zone is ZIP, the ZAC aid does not apply at all.
    s = _answer(catalogue, SAINT_GIRONS, INSTALL, ON, [*FIRST, "zone_cabinet=ZIP"]).summary
    assert s is not None and ZAC_AID not in s.kept


def test_a_structure_is_paid_as_one_type_only(catalogue):
    """ESP, MSP, centre de santé and CPTS aids go to different kinds of structure: the best
    combination keeps one of them and says which were set aside."""
    answer = _answer(catalogue, make_place("ZIP"), "structure-coordonnee", ON)
    s = answer.summary
    assert s is not None
    kinds = {"esp", "msp", "cds", "cpts"}
    assert len(kinds & set(s.kept)) == 1
    assert {i for i, _ in s.set_aside} == kinds - set(s.kept)
    assert all("un seul type" in why for _, why in s.set_aside)
    assert s.guaranteed.one_off_min == 50000


def test_caim_and_ars_contract_are_not_added_in_zip(catalogue):
    """In ZIP the CAIM and the ARS contract exclude each other: 50 000 € at most, not 100 000."""
    pyrenees_zip = make_place("ZIP", massif="Pyrénées")
    answer = _answer(catalogue, pyrenees_zip, INSTALL, D2025, ["aide_installation=aucune"])
    statuses = {r.id: r.status for g in answer.groups for r in g.results}
    assert statuses["caim"] == statuses[ARS] == E
    s = answer.summary
    assert s is not None
    assert (s.guaranteed.one_off_min, s.possible.one_off_max) == (31250, 50000)
    assert [i for i, _ in s.set_aside] == [ARS]
    assert not s.zone_depends


def test_a_qpv_the_zoning_order_could_not_class_leaves_one_zone(catalogue):
    s = _answer(catalogue, ONLY_NEW_QPV, INSTALL, ON, FIRST).summary
    assert s is not None
    assert not s.zone_depends and s.guaranteed.one_off_min == 5000
    assert "zone_cabinet" not in {q.key for q, _ in s.questions}


def test_summary_only_for_one_profile_and_every_aid(catalogue):
    assert _answer(catalogue, ZIP, INSTALL, D2025).summary is not None
    assert _answer(catalogue, ZIP, "tous", D2025).summary is None
    only = aids_at(ZIP, INSTALL, D2025, aid_ids=["caim"], catalogue=catalogue)
    assert only.summary is None


def test_per_year_figures(catalogue):
    s = _answer(catalogue, ZIP, PRACTICE, D2025).summary
    assert s is not None
    assert s.guaranteed == Money(0, 0, 5000, 5000, unquantified=True)  # COSCOM + PDSA exemption
    assert [i for i, _ in s.obligations] == ["coscom"]


# ----------------------------------------------------------------------------- JSON shape


def test_answer_json_shape(catalogue):
    answer = _answer(catalogue, SAINT_GIRONS, INSTALL, ON, ["aide_installation=aucune"])
    doc = json.loads(json.dumps(answer.to_dict()))
    assert doc["situation"] == {"aide_installation": "aucune"}
    assert list(doc["counts"]) == list(STATUSES)
    statuses = [a["status"] for a in doc["aids"]]
    assert doc["counts"]["sous_condition"] == statuses.count("sous_condition") > 0
    summary = doc["summary"]
    assert summary["guaranteed"] == {
        "one_off": {"min": 0, "max": 0},
        "per_year": {"min": 0, "max": 0},
        "unquantified": True,
    }
    assert summary["conditional"]["one_off"]["min"] == 5000
    assert summary["possible"]["one_off"]["max"] == 60000
    assert summary["zone_depends_on_address"] is True
    for key in ("conditional_aids", "to_check", "unquantified", "set_aside", "obligations"):
        assert isinstance(summary[key], list)
    secteur = next(q for q in summary["questions"] if q["key"] == "secteur")
    assert secteur["wanted"] == ["1", "2-optam"] and secteur["personal"] is True
    assert set(secteur["aids"]) == {ZIP_AID, ZAC_AID}
    by_id = {a["id"]: a for a in doc["aids"]}
    zac = by_id[ZAC_AID]
    assert zac["status"] == "sous_condition" and zac["status_label"] == "Sous condition"
    assert zac["question"] == zac["questions"][0]
    assert {q["key"] for q in zac["questions"]} == {"cabinet_qpv", "secteur"}
    assert zac["amount"]["total"]["one_off"] == {"min": 5000, "max": 5000}
    frr = by_id["exoneration-frr"]
    assert frr["question"] is None and frr["questions"] == []
    assert frr["amount"]["total"]["unquantified"] is True


def test_tous_json_has_no_summary(catalogue):
    doc = _answer(catalogue, ZIP, "tous", D2025).to_dict()
    assert doc["summary"] is None and doc["situation"] == {}
    assert "sous_condition" in doc["counts"]
