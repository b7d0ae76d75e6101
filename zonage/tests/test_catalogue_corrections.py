"""Dated corrections of the catalogue, pinned as tables (place facts × profile × date → status,
exclusions shown, amounts paid): the replacement CDE after 2023, the end of the démographiques
contracts, the ten-year rule of décret 2025-231 and the « 400 MG » salary floor."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import yaml

from zonage.catalogue import load_catalogue
from zonage.catalogue.load import CATALOGUE_PATH
from zonage.catalogue.parse import parse_catalogue
from zonage.engine import evaluate_aid
from zonage.errors import DataError
from zonage.tests.places import (
    BACKUP,
    END,
    ETU3,
    INSTALL,
    MASSIF_ZAR,
    MSU,
    PRACTICE,
    REMPL,
    SALARIED,
    STRUCTURE,
    ZAC,
    ZAR,
    ZIP,
    E,
    N,
    S,
)

SUMMER_2024 = dt.date(2024, 8, 1)
LAST_DAY_2025 = dt.date(2025, 12, 31)
FIRST_DAY_2026 = dt.date(2026, 1, 1)
BEFORE_DECREE = dt.date(2025, 3, 11)
DECREE_DAY = dt.date(2025, 3, 12)
DECREE = "2025-231"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _result(catalogue, place, profile, on, aid_id):
    return evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue)


# (case id, place, profile, date, aid id, expected status)
STATUS_CASES = [
    # The replacement CDE stays open after 2023 (loi n° 2022-1616, art. 38); the installation
    # CDE does not.
    ("cder-replacement-zip-2024", ZIP, REMPL, SUMMER_2024, "cder", E),
    ("cder-student-zac-2024", ZAC, ETU3, SUMMER_2024, "cder", E),
    ("cder-replacement-zip-2026", ZIP, REMPL, FIRST_DAY_2026, "cder", E),
    ("cder-replacement-zar-2024", ZAR, REMPL, SUMMER_2024, "cder", N),
    ("cde-install-zac-2024", ZAC, INSTALL, SUMMER_2024, "cde", N),
    # The four contracts one may sign « jusqu'au 31 décembre 2025 », and the MSU bonus that
    # goes with the COSCOM: open on the last day, closed on the next, like the CAIM.
    # The CAIM's last day is after the décret of 12 March 2025: without the answer on earlier
    # installation aids it is « sous condition » (see zonage/tests/test_situation.py).
    ("caim-last-day", ZIP, INSTALL, LAST_DAY_2025, "caim", S),
    ("caim-2026", ZIP, INSTALL, FIRST_DAY_2026, "caim", N),
    ("coscom-last-day", ZIP, PRACTICE, LAST_DAY_2025, "coscom", E),
    ("coscom-2026", ZIP, PRACTICE, FIRST_DAY_2026, "coscom", N),
    ("cotram-last-day", ZIP, END, LAST_DAY_2025, "cotram", E),
    ("cotram-2026", ZIP, END, FIRST_DAY_2026, "cotram", N),
    ("cstm-last-day", ZIP, BACKUP, LAST_DAY_2025, "cstm", E),
    ("cstm-2026", ZIP, BACKUP, FIRST_DAY_2026, "cstm", N),
    ("msu-last-day", ZIP, MSU, LAST_DAY_2025, "coscom-msu", E),
    ("msu-2026", ZIP, MSU, FIRST_DAY_2026, "coscom-msu", N),
    # The centre de santé keeps its ARS aid in 2026.
    ("cds-zip-2026", ZIP, STRUCTURE, FIRST_DAY_2026, "cds", E),
]


@pytest.mark.parametrize(
    ("place", "profile", "on", "aid_id", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in STATUS_CASES],
)
def test_status_table(catalogue, place, profile, on, aid_id, expected):
    r = _result(catalogue, place, profile, on, aid_id)
    assert r.status == expected, r.reason


def test_replacement_doctor_in_zip_after_2023_gets_the_cder_with_its_sources(catalogue):
    r = _result(catalogue, ZIP, REMPL, SUMMER_2024, "cder")
    assert r.status == E and r.valid_until is None
    assert any("Source la plus récente" in n for n in r.notes)  # the figures are from 2023
    assert any("moins d'un an" in c for c in r.conditions)
    quotes = {s["doc"]: s["quote"] for s in r.source}
    assert "remplaçant" in quotes["cap-metiers-cde-2024"]
    assert "cap-metiers.pro" in next(s["url"] for s in r.source if s["url"])


def test_the_family_closes_for_the_same_reason_from_the_same_source(catalogue):
    for aid_id in ("coscom", "cotram", "cstm", "coscom-msu"):
        aid = catalogue.get(aid_id)
        assert aid.validity.valid_until == LAST_DAY_2025, aid_id
        assert not aid.checks, aid_id
        assert "31 décembre 2025" in aid.validity.source.quote, aid_id
    assert catalogue.get("caim").validity.valid_until == LAST_DAY_2025


def test_structure_contracts_get_a_dated_note_in_2026(catalogue):
    def notes(on):
        return " ".join(_result(catalogue, ZIP, STRUCTURE, on, "cds").notes)

    assert "CAI, COSCO et CST" in notes(FIRST_DAY_2026)
    assert "CAI, COSCO et CST" not in notes(LAST_DAY_2025)


# (case id, place, profile, date, aid id, decree shown, aids it is not combinable with)
EXCLUSION_CASES = [
    ("caim-2023", ZIP, INSTALL, dt.date(2023, 6, 1), "caim", False,
     {"coscom", "cotram", "cstm", "contrat-ars-territoires"}),
    ("caim-before-decree", ZIP, INSTALL, BEFORE_DECREE, "caim", False,
     {"coscom", "cotram", "cstm", "contrat-ars-territoires"}),
    ("caim-decree-day", ZIP, INSTALL, DECREE_DAY, "caim", True,
     {"coscom", "cotram", "cstm", "contrat-ars-territoires"}),
    ("caim-last-day", ZIP, INSTALL, LAST_DAY_2025, "caim", True,
     {"coscom", "cotram", "cstm", "contrat-ars-territoires"}),
    ("ars-2024", MASSIF_ZAR, INSTALL, SUMMER_2024, "contrat-ars-territoires", False, set()),
    ("ars-decree-day", MASSIF_ZAR, INSTALL, DECREE_DAY, "contrat-ars-territoires", True, set()),
    ("coscom-2024", ZIP, PRACTICE, SUMMER_2024, "coscom", False, {"caim", "cotram", "cstm"}),
    # From 2026, a CAIM already received still bars the primo-installation aid.
    ("install-zip-2026", ZIP, INSTALL, FIRST_DAY_2026, "aide-installation-zip", False,
     {"caim", "aide-installation-zac"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("place", "profile", "on", "aid_id", "decree", "excluded"),
    [pytest.param(*case[1:], id=case[0]) for case in EXCLUSION_CASES],
)
def test_exclusions_exist_on_the_date(catalogue, place, profile, on, aid_id, decree, excluded):
    r = _result(catalogue, place, profile, on, aid_id)
    assert r.applicable, r.reason
    assert any(DECREE in x for x in r.other_exclusions) is decree
    assert {x["id"] for x in r.not_combinable_with} == excluded


def test_salary_floor_is_not_money_paid(catalogue):
    r = _result(catalogue, ZIP, SALARIED, dt.date(2025, 6, 1), "contrat-400mg-ambulatoire")
    floor, charges = r.amount["parts"]
    assert (floor["value"], floor["paid"]) == (6900, False)
    assert (charges["max"], charges["paid"]) == (2170, True)
    doc = json.loads(json.dumps(r.to_dict()))
    assert [p["paid"] for p in doc["amount"]["parts"]] == [False, True]
    others = [
        p for aid in catalogue.aids if aid.id != "contrat-400mg-ambulatoire" for p in aid.amounts
    ]
    assert all(p.paid for p in others)


def _raw():
    return copy.deepcopy(yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8")))


def _aid(d, aid_id):
    return next(a for a in d["aids"] if a["id"] == aid_id)


@pytest.mark.parametrize(
    ("aid_id", "value", "field"),
    [
        ("contrat-400mg-ambulatoire", "non", "amounts[0].paid"),
        ("exoneration-pdsa", False, "amounts[0].paid"),
    ],
)
def test_paid_flag_is_checked(aid_id, value, field):
    d = _raw()
    _aid(d, aid_id)["amounts"][0]["paid"] = value
    with pytest.raises(DataError) as exc:
        parse_catalogue(d, "catalogue.yaml")
    assert field in str(exc.value)
