"""``zonage aids``: end to end on the layer built from the real mirror (JSON shape, readable
text, QPV decided by a point, à vérifier cases, exit codes and one-line messages), in this
process (the installed command runs in fresh processes in ``test_cli_lookup.py`` and
``tests/test_probe_cli.py``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from application.cli import main
from geo import settings
from geo.lookup import get_lookup
from zonage.engine import aids_at
from zonage.profiles import PROFILE_IDS

REQUIRED_KEYS = (
    "id", "status", "name", "funders", "amount", "conditions", "not_combinable_with",
    "valid_from", "valid_until", "contact", "source",
)  # fmt: skip


@pytest.fixture
def cli(built_dir, tmp_path, monkeypatch, capsys):
    """Run ``zonage aids`` in-process on the session build; returns (code, stdout, stderr)."""
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["aids", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="module")
def qpv_in_zac(layers):
    """A 2015 QPV of a ZAC commune outside massifs and priority departments, whose commune
    still has QPVs in the 2024 list, with a point inside it."""
    communes = layers.communes.set_index("insee")
    for row in layers.qpv2015.itertuples():
        c = communes.loc[row.insee]
        if (
            c["zonage_medecins"] == "ZAC"
            and c["massif"] is None
            and c["departement"] not in ("09", "32", "65")  # no priority department
            and len(c["qpv2024_codes"]) > 0
        ):
            point = row.geometry.representative_point()
            return row.code_qp, row.insee, point.y, point.x
    pytest.fail("no QPV in a plain ZAC commune in the built layer")


def _by_id(doc: dict) -> dict[str, dict]:
    return {a["id"]: a for a in doc["aids"]}


def test_json_shape_and_engine_agree(cli, layers):
    code, out, err = cli(
        "--insee", "09122", "--profile", "liberal-installation", "--date", "2025-03-01", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["place"]["commune"]["insee"] == "09122"
    assert doc["place"]["vintages"] == layers.vintages
    assert doc["date"] == "2025-03-01" and doc["profile"] == "liberal-installation"
    assert doc["aids"], "Foix has aids for a first installation"
    for aid in doc["aids"]:
        for key in REQUIRED_KEYS:
            assert key in aid, key
        assert aid["status"] in ("eligible", "a_verifier")
        assert aid["source"] and aid["contact"]
    aids = _by_id(doc)
    # Ariège is one of the three priority departments: the ARS contract applies.
    assert aids["contrat-ars-territoires"]["status"] == "eligible"
    assert "cde" not in aids  # closed since 1 January 2024
    place = get_lookup().commune("09122")
    expected = aids_at(place, "liberal-installation", dt.date(2025, 3, 1))
    assert doc["aids"] == json.loads(json.dumps(expected.aids(), ensure_ascii=False))


def test_point_in_a_qpv_of_a_zac_commune(cli, qpv_in_zac):
    code_qp, insee, lat, lon = qpv_in_zac
    code, out, err = cli(
        "--lat",
        f"{lat:.6f}",
        "--lon",
        f"{lon:.6f}",
        "--profile",
        "liberal-installation",
        "--date",
        "2025-06-01",
        "--all",
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["place"]["commune"]["insee"] == insee
    assert doc["place"]["qpv"]["code"] == code_qp
    aids = _by_id(doc)
    assert aids["contrat-ars-territoires"]["status"] == "eligible"
    assert aids["caim"]["status"] == "a_verifier"
    assert {c["id"] for c in aids["caim"]["ask"]} == {"ars"}
    assert aids["cde"]["status"] == "non_applicable" and aids["cde"]["reason"]
    # Known only as a commune, the same place cannot say whether it is in the QPV.
    code, out, err = cli(
        "--insee",
        insee,
        "--profile",
        "liberal-installation",
        "--date",
        "2025-06-01",
        "--aid",
        "contrat-ars-territoires",
        "--json",
    )
    assert code == 0, err
    (ars,) = json.loads(out)["aids"]
    assert ars["status"] == "a_verifier"


def test_commune_without_zoning_class(cli, layers):
    row = layers.communes.set_index("insee").loc["12218"]
    assert row["zonage_medecins"] is None
    code, out, err = cli(
        "--insee",
        "12218",
        "--profile",
        "liberal-installation",
        "--date",
        "2025-06-01",
        "--aid",
        "caim",
        "--json",
    )
    assert code == 0, err
    (caim,) = json.loads(out)["aids"]
    assert caim["status"] == "a_verifier" and "classement" in caim["reason"]


def test_tous_json_groups(cli):
    code, out, err = cli("--insee", "31555", "--date", "2026-03-01", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["profile"] == "tous"
    assert [g["profile"] for g in doc["groups"]] == list(PROFILE_IDS)
    structure = next(g for g in doc["groups"] if g["profile"] == "structure-coordonnee")
    assert {"esp", "msp", "cds", "cpts", "dac"} <= {a["id"] for a in structure["aids"]}
    caim = [a for a in doc["aids"] if a["id"] == "caim"]
    assert caim == []  # closed on 2026-03-01


def test_readable_text(cli):
    code, out, err = cli(
        "--insee", "09122", "--profile", "liberal-installation", "--date", "2025-03-01"
    )
    assert code == 0, err
    assert "Foix" in out and "Aides au 01/03/2025" in out
    assert "[ÉLIGIBLE] Contrat ARS d'aide à l'installation" in out
    assert "Source : " in out and "Contact : " in out and "Montant : " in out
    assert "--all" in out and "[NON APPLICABLE]" not in out
    code, out, err = cli(
        "--insee", "09122", "--profile", "liberal-installation", "--date", "2025-03-01", "--all"
    )
    assert code == 0, err
    assert "[NON APPLICABLE] Contrat de début d'exercice (CDE)" in out
    assert "Raison : Fermé aux nouveaux contrats depuis le 1er janvier 2024" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--insee", "31555", "--profile", "interne"), "Profil inconnu « interne »"),
        (("--insee", "31555", "--profile", "liberal-instalation"), "« liberal-installation » ?"),
        (("--insee", "31555", "--date", "2024-02-30"), "AAAA-MM-JJ"),
        (("--insee", "31555", "--date", "demain"), "AAAA-MM-JJ"),
        (("--insee", "31555", "--aid", "caimm"), "Vouliez-vous dire « caim » ?"),
        (("--insee", "31555", "--aid", "zzz"), "Identifiants valides : zonage aids --help"),
        (("--profile", "tous"), "Aucun lieu"),
    ],
)
def test_bad_input_exit_2_one_line(args, needle, capsys):
    # Checked before any data is read: no build needed.
    code = main(["aids", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_unknown_commune_exit_3(cli):
    code, out, err = cli("--insee", "75056")
    assert code == 3 and out == "" and err.count("\n") == 1


def test_coordinated_structures_in_toulouse(cli):
    code, out, err = cli(
        "--insee", "31555", "--profile", "structure-coordonnee", "--date", "2025-06-01", "--json"
    )
    assert code == 0, err
    ids = [a["id"] for a in json.loads(out)["aids"]]
    assert {"esp", "msp", "cds", "cpts", "dac"} == set(ids)
