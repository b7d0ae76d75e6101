"""The catalogue's dated policy rules (priority departments, ZRR end, FRR start, doctor zoning
orders): read on a date, sourced, checked on load; a change of policy is an edit of the
catalogue, with no rebuild of the data."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from zonage.catalogue import CATALOGUE_PATH, load_catalogue
from zonage.engine import aids_at
from zonage.errors import DataError
from zonage.tests.places import D2025, INSTALL, NO_AID, E, N, make_place

SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
ARS = "contrat-ars-territoires"


@pytest.fixture(scope="module")
def rules():
    return load_catalogue().rules


@pytest.fixture
def raw() -> dict:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# (date, priority departments, ZRR in force, FRR in force, zoning order in force)
TABLE = [
    (dt.date(2022, 5, 6), set(), True, False, dt.date(2022, 5, 4)),
    (dt.date(2022, 5, 7), {"09", "32", "65"}, True, False, dt.date(2022, 5, 4)),
    (dt.date(2024, 6, 30), {"09", "32", "65"}, True, False, dt.date(2022, 5, 4)),
    (dt.date(2024, 7, 1), {"09", "32", "65"}, False, True, dt.date(2022, 5, 4)),
    (dt.date(2025, 10, 29), {"09", "32", "65"}, False, True, dt.date(2022, 5, 4)),
    (dt.date(2025, 10, 30), {"09", "32", "65"}, False, True, dt.date(2025, 10, 30)),
    (dt.date(2021, 1, 1), set(), True, False, dt.date(2022, 5, 4)),  # before every order
]


def _id(value: object) -> str:
    # Sets print in hash order, which differs between processes (pytest-xdist workers must
    # collect the same ids): sorted.
    return ",".join(sorted(value)) if isinstance(value, (set, frozenset)) else str(value)


@pytest.mark.parametrize(("on", "priority", "zrr", "frr", "order"), TABLE, ids=_id)
def test_rules_on_a_date(rules, on, priority, zrr, frr, order):
    assert rules.priority_departments_on(on) == priority
    assert rules.zrr_in_force(on) is zrr and rules.frr_in_force(on) is frr
    assert rules.zoning_order_on(on) == order


def _squash(text: str) -> str:
    return re.sub(r"[\s*]+", "", text.replace("’", "'"))


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the brochures are not beside the project")
def test_rule_sources_quote_the_brochures(rules):
    catalogue = load_catalogue()
    refs = [s.source for s in rules.priority_departments]
    refs += [rules.zrr_until.source, rules.frr_from.source]
    refs += [o.source for o in rules.doctor_zoning_orders]
    checked = 0
    for ref in refs:
        doc = catalogue.documents[ref.doc]
        assert ref.quote and catalogue.cite(ref)
        if doc.file:
            text = _squash((SEEDS_DIR / doc.file).read_text(encoding="utf-8"))
            for fragment in ref.quote.split("…"):
                assert _squash(fragment) in text, fragment
            checked += 1
    assert checked == 4  # the departments, ZRR, FRR and the 2022 order quote a brochure
    assert "Ariège (09), Gers (32) et Hautes Pyrénées (65)" in refs[0].quote


def test_a_new_priority_department_needs_no_rebuild(tmp_path, raw):
    """A catalogue variant adds Lozère from 2024: the same place facts get the ARS contract from
    that day on, and the answer says which departments are priority on each date."""
    data = copy.deepcopy(raw)
    data["rules"]["priority_departments"].append(
        {**data["rules"]["priority_departments"][0], "from": "2024-01-01",
         "values": ["09", "32", "48", "65"]}
    )  # fmt: skip
    variant = load_catalogue(_write(tmp_path, data))
    lozere = make_place("ZAR", departement="48")  # no massif, no QPV: only the department
    before = dt.date(2023, 12, 31)
    after = dt.date(2024, 1, 1)

    def ars(on: dt.date, catalogue=variant):  # noqa: ANN001
        answer = aids_at(lozere, INSTALL, on, include_all=True, aid_ids=[ARS], catalogue=catalogue)
        return next(r for g in answer.groups for r in g.results)

    assert ars(before).status == N and "(09, 32, 65)" in ars(before).reason
    assert ars(after).status == E, ars(after).reason
    assert "Département prioritaire 48 Lozère" in [c["text"] for c in ars(after).checks]
    assert ars(after, load_catalogue()).status == N  # the packaged catalogue is unchanged
    # Since 12 March 2025 the contract also asks for no installation aid within 10 years:
    # answered, so that the department decides.
    ariege = make_place("ZAR", departement="09")
    answer = aids_at(ariege, INSTALL, D2025, aid_ids=[ARS], situation=NO_AID)
    assert answer.groups[0].results[0].status == E


def _rules(d: dict) -> dict:
    return d["rules"]


@pytest.mark.parametrize(
    ("breaker", "fieldname", "problem"),
    [
        (lambda d: _rules(d)["priority_departments"][0].update({"from": "2022-13-01"}),
         "priority_departments[0].from", "date attendue"),
        (lambda d: _rules(d)["priority_departments"][0].update({"values": ["09", "99"]}),
         "priority_departments[0].values", "code de département inconnu '99'"),
        (lambda d: _rules(d)["priority_departments"][0].update({"values": ["09", 32]}),
         "priority_departments[0].values", "code de département inconnu 32"),
        (lambda d: _rules(d)["priority_departments"][0].pop("source"),
         "priority_departments[0].source", "source obligatoire"),
        (lambda d: _rules(d)["zrr_until"].update({"date": "30/06/2024"}),
         "zrr_until.date", "date attendue"),
        (lambda d: _rules(d)["frr_from"]["source"].update({"doc": "inconnu"}),
         "frr_from.source.doc", "document inconnu"),
        (lambda d: _rules(d)["frr_from"].update({"date": "2024-06-30"}),
         "frr_from", "doit suivre la ZRR"),
        (lambda d: _rules(d)["doctor_zoning_orders"].reverse(),
         "doctor_zoning_orders", "ordre croissant"),
        (lambda d: _rules(d).pop("doctor_zoning_orders"),
         "doctor_zoning_orders", "liste obligatoire"),
        (lambda d: _rules(d).update({"priority_department": []}),
         "priority_department", "champ inconnu"),
    ],
)  # fmt: skip
def test_broken_rules_name_the_field(tmp_path, raw, breaker, fieldname, problem):
    data = copy.deepcopy(raw)
    breaker(data)
    with pytest.raises(DataError) as exc:
        load_catalogue(_write(tmp_path, data))
    message = str(exc.value)
    assert "section « rules »" in message and f"champ « {fieldname} »" in message, message
    assert problem in message and "\n" not in message
