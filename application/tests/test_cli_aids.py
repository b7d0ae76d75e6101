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
from zonage.situation import KEYS

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
        "--situation",  # the ten-year rule of décret 2025-231 answered: the place decides
        "aide_installation=aucune",
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
    # Known only as a commune, the same place cannot say whether it is in the QPV: the
    # question goes to the user, and their answer decides.
    place = ("--insee", insee, "--profile", "liberal-installation", "--date", "2025-06-01")
    settled = ("--situation", "aide_installation=aucune")
    code, out, err = cli(*place, "--aid", "contrat-ars-territoires", "--json", *settled)
    assert code == 0, err
    (ars,) = json.loads(out)["aids"]
    assert ars["status"] == "sous_condition" and ars["question"]["key"] == "cabinet_qpv"
    for answer, status in (("oui", "eligible"), ("non", "non_applicable")):
        code, out, err = cli(
            *place, "--aid", "contrat-ars-territoires", "--all", "--json", *settled,
            "--situation", f"cabinet_qpv={answer}",
        )  # fmt: skip
        assert code == 0, err
        (ars,) = json.loads(out)["aids"]
        assert ars["status"] == status


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
    assert "[NON APPLICABLE]" not in out  # one line each, under « Ne s'applique pas ici »
    after = out.split("Ne s'applique pas ici :\n", 1)[1]
    assert "- Contrat de début d'exercice (CDE) : Fermé aux nouveaux contrats" in after


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


# ----------------------------------------------------------------------------- « Ma situation »

#: Saint-Girons (ZAC, with a QPV, Ariège) for a first installation, when the 2026 aids are open.
SAINT_GIRONS = ("--insee", "09261", "--profile", "liberal-installation", "--date", "2026-11-29")


@pytest.mark.parametrize(
    ("answer", "aid", "status"),
    [
        ("secteur=1", "aide-installation-zac", "sous_condition"),
        ("secteur=2-sans-optam", "aide-installation-zac", "non_applicable"),
        ("aide_installation=aucune", "aide-installation-zac", "sous_condition"),
        ("aide_installation=2020-01-01", "aide-installation-zac", "non_applicable"),
        ("cabinet_qpv=non", "aide-installation-zip", "non_applicable"),
        ("cabinet_qpv=oui", "aide-installation-zac", "a_verifier"),
        ("zone_cabinet=ZAC", "aide-installation-zip", "non_applicable"),
        ("zone_cabinet=ZIP", "aide-installation-zac", "non_applicable"),
    ],
)
def test_each_situation_key_settles_its_question(cli, answer, aid, status):
    key, value = answer.split("=")
    code, out, err = cli(*SAINT_GIRONS, "--all", "--json")
    assert code == 0, err
    before = _by_id(json.loads(out))
    assert key in {q["key"] for a in before.values() for q in a["questions"]}
    code, out, err = cli(*SAINT_GIRONS, "--all", "--json", "--situation", answer)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["situation"] == {key: value}
    after = _by_id(doc)
    assert after[aid]["status"] == status
    assert key not in {q["key"] for q in after[aid]["questions"]}  # answered: no longer asked


def test_situation_answers_make_the_summary_certain(cli):
    code, out, err = cli(*SAINT_GIRONS, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["summary"]["guaranteed"]["one_off"]["max"] == 0  # every euro hangs on a question
    zac = _by_id(doc)["aide-installation-zac"]
    assert zac["status"] == "sous_condition"
    assert zac["question"] == zac["questions"][0] and zac["question"]["text"].endswith("?")
    assert zac["amount"]["total"]["one_off"] == {"min": 5000.0, "max": 5000.0}
    answers = ("secteur=1", "aide_installation=aucune", "cabinet_qpv=non")
    code, out, err = cli(*SAINT_GIRONS, "--json", *(a for x in answers for a in ("--situation", x)))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["situation"] == dict(a.split("=") for a in answers)
    zac = _by_id(doc)["aide-installation-zac"]
    assert zac["status"] == "eligible" and zac["question"] is None and zac["questions"] == []
    assert doc["summary"]["guaranteed"]["one_off"]["min"] == 5000


def test_text_starts_with_the_summary(cli):
    code, out, err = cli(*SAINT_GIRONS, "--situation", "secteur=1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Ce que vous pouvez percevoir ici"
    assert (
        lines[1] == "Saint-Girons (09261) — Médecin libéral : première installation — au 29/11/2026"
    )
    summary, rest = out.split("\nSaint-Girons (INSEE 09261)", 1)
    assert "5\u202f000\u202f€" in summary
    assert "Votre situation : Secteur conventionnel : Secteur 1" in summary
    assert "Questions qui décident :" in summary and "Qui contacter :" in summary
    assert "Éligible : 1 · Sous condition : 1 · À vérifier : " in rest
    assert rest.index("Aides au 29/11/2026") < rest.index("[SOUS CONDITION] Aide à la primo")
    # Said once: the notes shared by several aids are at the end, not under each aid.
    assert out.count("Pour chaque aide, la source la plus récente connue est citée") <= 1


def test_tous_has_no_summary_and_counts_every_status(cli):
    code, out, err = cli("--insee", "09261", "--date", "2026-11-29")
    assert code == 0, err
    assert out.startswith("Saint-Girons (INSEE 09261)") and "Ce que vous pouvez" not in out
    assert "· Sous condition : " in out and "== Médecin libéral : première installation" in out


@pytest.mark.parametrize(
    ("answer", "needles"),
    [
        ("frob=1", ("question inconnue « frob »", "secteur, aide_installation, cabinet_qpv")),
        ("secteur=3", ("valeur inconnue « 3 »", "1, 2-optam, 2-sans-optam")),
        ("secteur", ("clé=valeur", "secteur, aide_installation, cabinet_qpv, zone_cabinet")),
        ("cabinet_qpv=peut-être", ("valeur inconnue", "oui, non")),
        ("zone_cabinet=ZAR", ("valeur inconnue", "ZIP, ZAC")),
        ("aide_installation=2024-02-30", ("ni « aucune » ni une date", "AAAA-MM-JJ")),
        ("\x1b[31msecteur=1", ("question inconnue", "\\x1b")),
    ],
)
def test_bad_situation_exit_2_lists_what_is_allowed(answer, needles, capsys):
    # Checked before any data is read: no build needed.
    code = main(["aids", "--insee", "09261", "--situation", answer])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1 and "\x1b" not in err
    for needle in needles:
        assert needle in err


def test_situation_key_given_twice_exit_2(capsys):
    code = main(
        ["aids", "--insee", "09261", "--situation", "secteur=1", "--situation", "secteur=1"]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "secteur donnée deux fois" in err


def test_help_lists_the_situation_keys_and_values(capsys):
    assert main(["aids", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for key, spec in KEYS.items():
        values = "|".join(spec.values) if spec.values else "aucune|AAAA-MM-JJ"
        assert f"{key}={values}" in help_text
