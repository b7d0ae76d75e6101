"""What an evaluated aid carries besides its status: exclusions and what may follow, amounts,
notes, sources and contacts; the answer for one profile or for ``tous``; bad inputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from zonage.catalogue import load_catalogue
from zonage.engine import NON_APPLICABLE, STATUSES, aids_at, evaluate, evaluate_aid, parse_date
from zonage.errors import InvalidInput
from zonage.profiles import PROFILE_IDS, parse_profile
from zonage.tests.places import (
    BACKUP,
    D2023,
    D2025,
    D2026,
    END,
    ETU2,
    ETU3,
    INSTALL,
    MASSIF_ZAR,
    MSU,
    PRACTICE,
    REMPL,
    SALARIED,
    STRUCTURE,
    ZAC,
    ZAC_QPV_COMMUNE,
    ZAC_QPV_POINT_IN,
    ZAR,
    ZAR_QPV_POINT_IN,
    ZIP,
    E,
    N,
    V,
    make_place,
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# ----------------------------------------------------------------------------- exclusions


def _result(catalogue, place, profile, on, aid_id):
    return evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue)


def _ids(items) -> set[str]:
    return {x["id"] for x in items}


@pytest.mark.parametrize(
    ("place", "profile", "on", "aid_id", "excluded"),
    [
        pytest.param(ZIP, INSTALL, D2025, "caim",
                     {"coscom", "cotram", "cstm", "contrat-ars-territoires"}, id="caim"),
        pytest.param(ZIP, PRACTICE, D2025, "coscom", {"caim", "cotram", "cstm"}, id="coscom"),
        pytest.param(ZIP, END, D2025, "cotram", {"caim", "coscom", "cstm"}, id="cotram"),
        pytest.param(ZIP, BACKUP, D2025, "cstm", {"caim", "coscom", "cotram"}, id="cstm"),
        pytest.param(ZIP, INSTALL, D2026, "aide-installation-zip",
                     {"caim", "aide-installation-zac"}, id="install-2026-zip"),
        pytest.param(ZAC, INSTALL, D2026, "aide-installation-zac",
                     {"caim", "aide-installation-zip"}, id="install-2026-zac"),
        pytest.param(make_place("ZIP", massif="Pyrénées"), INSTALL, D2025,
                     "contrat-ars-territoires", {"caim"}, id="ars-in-zip"),
        pytest.param(MASSIF_ZAR, INSTALL, D2025, "contrat-ars-territoires", set(),
                     id="ars-outside-zip"),
        pytest.param(replace(ZAC_QPV_POINT_IN, massif="Pyrénées"), INSTALL, D2025,
                     "contrat-ars-territoires", {"caim"}, id="ars-maybe-zip"),
    ],
)  # fmt: skip
def test_exclusions(catalogue, place, profile, on, aid_id, excluded):
    r = _result(catalogue, place, profile, on, aid_id)
    assert r.status != NON_APPLICABLE, r.reason
    assert _ids(r.not_combinable_with) == excluded
    for x in r.not_combinable_with:
        assert x["name"] == catalogue.get(x["id"]).display_name


def test_caim_other_exclusions_and_notes(catalogue):
    r = _result(catalogue, ZIP, INSTALL, D2025, "caim")
    assert any("Options démographiques" in x for x in r.other_exclusions)
    assert any("2025-231" in x for x in r.other_exclusions)
    assert "ZIP" in {x["id"]: x["note"] for x in r.not_combinable_with}["contrat-ars-territoires"]


def test_what_may_follow(catalogue):
    caim = _result(catalogue, ZIP, INSTALL, D2025, "caim")
    assert _ids(caim.may_be_followed_by) == {"coscom", "cotram"}
    coscom = _result(catalogue, ZIP, PRACTICE, D2025, "coscom")
    assert _ids(coscom.may_follow) == {"caim", "cotram"}
    cotram = _result(catalogue, ZIP, END, D2025, "cotram")
    assert _ids(cotram.may_follow) == {"caim"}
    assert _ids(cotram.may_be_followed_by) == {"coscom"}
    msu = _result(catalogue, ZIP, MSU, D2025, "coscom-msu")
    assert _ids(msu.requires) == {"coscom"}


# ----------------------------------------------------------------------------- amounts, notes


def test_amount_parts_follow_profile_and_zone(catalogue):
    h2 = _result(catalogue, ZIP, ETU2, D2025, "forfait-hebergement")
    h3 = _result(catalogue, ZIP, ETU3, D2025, "forfait-hebergement")
    assert [p["value"] for p in h2.amount["parts"]] == [150]
    assert [p["value"] for p in h3.amount["parts"]] == [300]
    assert "300 €" in h3.amount["text"] and "150" not in h3.amount["text"]

    def parts(place):
        r = _result(catalogue, place, STRUCTURE, D2025, "cds")
        return r.status, [p["status"] for p in r.amount["parts"]]

    assert parts(ZIP) == (E, [E, E, E])
    assert parts(ZAC) == (E, [E, N, E])
    assert parts(ZAR) == (E, [N, N, E])
    assert parts(ZAC_QPV_COMMUNE) == (E, [E, V, E])
    zar = _result(catalogue, ZAR, STRUCTURE, D2025, "cds")
    assert "50 000" not in zar.amount["text"] and "ACI" in zar.amount["text"]


def test_structured_amounts_are_exposed(catalogue):
    cotram = _result(catalogue, ZIP, END, D2025, "cotram").amount["parts"][0]
    assert (cotram["kind"], cotram["percent"], cotram["cap"], cotram["cap_period"]) == (
        "percentage_with_cap",
        10,
        20000,
        "per_year",
    )
    cpts = _result(catalogue, ZAR, STRUCTURE, D2025, "cpts").amount["parts"]
    assert {"kind": "per_year", "min": 220000, "max": 450000}.items() <= cpts[-1].items()


def test_notes_source_age_and_dated_facts(catalogue):
    old = _result(catalogue, ZIP, ETU2, D2025, "cesp")
    assert any("27 décembre 2023" in n and "Rien de plus récent" in n for n in old.notes)
    fresh = _result(catalogue, ZIP, ETU2, D2023, "cesp")
    assert not any("Rien de plus récent" in n for n in fresh.notes)
    # The order of 30/10/2025, not loaded for this place, is said once with the place.
    assert not aids_at(ZIP, ETU2, D2025).place.date_notes
    later = aids_at(ZIP, ETU2, D2026)
    assert sum("nouvel arrêté" in n for n in later.place.date_notes) == 1
    assert not any("nouvel arrêté" in n for g in later.groups for r in g.results for n in r.notes)
    # QPV decided on 2015 contours after the 2024 renewal says so.
    ars = _result(catalogue, ZAR_QPV_POINT_IN, INSTALL, D2025, "contrat-ars-territoires")
    assert any("contours 2024" in n for n in ars.notes)
    # The dated note on the 2026 aid only shows from 2026.
    ars_zip = make_place("ZIP", massif="Pyrénées")
    assert not any(
        "2026" in n
        for n in _result(catalogue, ars_zip, INSTALL, D2025, "contrat-ars-territoires").notes
    )


def test_result_carries_source_contact_dates_and_vintages(catalogue):
    r = _result(catalogue, ZIP, INSTALL, D2025, "caim")
    d = r.to_dict()
    for key in (
        "id",
        "status",
        "name",
        "funders",
        "amount",
        "conditions",
        "not_combinable_with",
        "valid_from",
        "valid_until",
        "contact",
        "source",
    ):
        assert key in d
    assert d["valid_until"] == "2025-12-31" and d["valid_from"] is None
    assert any(s["page"] == "#12" and s["file"] == "001_0750eaca64f720c4.txt" for s in d["source"])
    assert any("36 08" in c["how"] for c in d["contact"])
    assert d["vintages"] == {"zonage_medecins": "zonage test"}
    # each cited place once
    keys = [(s["doc"], s["page"], s["section"]) for s in d["source"]]
    assert len(keys) == len(set(keys))


# ----------------------------------------------------------------------------- tous, answer


def test_tous_groups_by_profile(catalogue):
    answer = aids_at(ZIP, "tous", D2025, catalogue=catalogue)
    assert [g.profile for g in answer.groups] == list(PROFILE_IDS)
    for g in answer.groups:
        for r in g.results:
            assert r.applicable and g.profile in catalogue.get(r.id).profiles
    flat = {a["id"]: a for a in answer.aids()}
    assert flat["cstm"]["profiles"] == [BACKUP]
    assert flat["dac"]["profiles"] == [PRACTICE, SALARIED, STRUCTURE]
    assert flat["exoneration-pdsa"]["profiles"] == [INSTALL, PRACTICE, END]
    assert "cde" not in flat  # closed in 2025
    doc = answer.to_dict()
    assert doc["profile"] == "tous" and doc["date"] == "2025-06-01"
    assert doc["counts"][NON_APPLICABLE] == 0
    assert len(doc["groups"]) == len(PROFILE_IDS)


def test_tous_with_all_lists_reasons_under_the_intended_profiles(catalogue):
    answer = aids_at(ZIP, "tous", D2025, include_all=True, catalogue=catalogue)
    remplacant = next(g for g in answer.groups if g.profile == REMPL)
    assert {r.id: r.status for r in remplacant.results} == {"cder": E}
    assert any("janvier 2024" in n for n in remplacant.results[0].notes)


def test_one_profile_all_lists_every_aid(catalogue):
    answer = aids_at(ZAR, INSTALL, D2025, include_all=True, catalogue=catalogue)
    results = answer.groups[0].results
    assert len(results) == len(catalogue.aids)
    ranks = [STATUSES.index(r.status) for r in results]
    assert ranks == sorted(ranks)
    assert all(r.reason for r in results if r.status == N)
    only = aids_at(ZAR, INSTALL, D2025, catalogue=catalogue)
    assert all(r.applicable for r in only.groups[0].results)


def test_aid_filter(catalogue):
    answer = aids_at(ZIP, "tous", D2025, aid_ids=["caim"], include_all=True, catalogue=catalogue)
    assert {r.id for g in answer.groups for r in g.results} == {"caim"}


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("text", ["2024-02-30", "01/02/2024", "20240101", "demain", "2024-1-1"])
def test_bad_date(text):
    with pytest.raises(InvalidInput) as exc:
        parse_date(text)
    assert "AAAA-MM-JJ" in str(exc.value) and text in str(exc.value)


def test_date_default_is_today():
    assert parse_date(None, today=dt.date(2030, 1, 2)) == dt.date(2030, 1, 2)
    assert parse_date(" 2024-07-01 ") == dt.date(2024, 7, 1)


def test_bad_profile():
    with pytest.raises(InvalidInput) as exc:
        parse_profile("medecin")
    message = str(exc.value)
    assert "medecin" in message and "liberal-installation" in message and "tous" in message
    assert "\n" not in message
    assert parse_profile(None) == "tous"
    assert parse_profile(" Liberal-Installation ") == "liberal-installation"


def test_unknown_profile_in_engine(catalogue):
    with pytest.raises(InvalidInput):
        aids_at(ZIP, "interne", D2025, catalogue=catalogue)
    with pytest.raises(InvalidInput):
        evaluate(ZIP, "tous", D2025, catalogue)


def test_unknown_aid(catalogue):
    with pytest.raises(InvalidInput) as exc:
        aids_at(ZIP, INSTALL, D2025, aid_ids=["caimm"], catalogue=catalogue)
    assert "caimm" in str(exc.value) and "caim" in str(exc.value)
