"""``zonage lookup``: JSON shape, readable output, exit codes, one-line messages, BAN fallback."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo import settings
from zonage.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _load_ban_server():
    path = ROOT / "geo" / "tests" / "fixtures" / "ban_server.py"
    spec = importlib.util.spec_from_file_location("cli_tests_ban_server", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ban_server = _load_ban_server()


@pytest.fixture
def cli(built_dir, tmp_path, monkeypatch):
    """Run ``zonage lookup`` in-process on the test build; returns the exit code."""
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(settings, "BAN_TIMEOUT_S", 1.0)
    monkeypatch.setattr(settings, "BAN_RETRIES", 0)
    monkeypatch.setattr(settings, "BAN_BACKOFF_S", 0.01)

    def run(*args: str) -> int:
        return main(["lookup", *args])

    return run


def _call(cli, capsys, *args: str) -> tuple[int, str, str]:
    code = cli(*args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_by_insee(cli, capsys, layers):
    code, out, err = _call(cli, capsys, "--insee", "31555", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["commune"] == {
        "insee": "31555",
        "nom": "Toulouse",
        "departement": "31",
        "departement_nom": "Haute-Garonne",
    }
    for key in (
        "zonage_medecins",
        "qpv",
        "massif",
        "zrr",
        "frr",
        "frr_code",
        "departement_prioritaire",
        "vintages",
        "qpv2024",
        "precision",
        "notes",
    ):
        assert key in doc
    assert doc["precision"] == "commune" and doc["qpv"] is None
    assert doc["vintages"] == layers.vintages
    row = layers.communes.set_index("insee").loc["31555"]
    assert doc["zonage_medecins"] == row["zonage_medecins"]
    assert doc["departement_prioritaire"] is False


def test_json_by_point_in_a_qpv(cli, capsys):
    code, out, _ = _call(cli, capsys, "--lat", "43.56685", "--lon", "1.39737", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["precision"] == "point" and doc["lat"] == 43.56685 and doc["lon"] == 1.39737
    assert doc["qpv"] == {"code": "QP031007", "nom": "Grand Mirail"}


def test_negative_longitude_and_decimal_comma(cli, capsys):
    # a point in the Hautes-Pyrénées, west of Greenwich, typed the French way
    code, out, _ = _call(cli, capsys, "--lat", "43,2328", "--lon=0.0781", "--json")
    assert code == 0 and json.loads(out)["commune"]["insee"] == "65440"
    code, out, err = _call(cli, capsys, "--lat", "43.30", "--lon", "-0.10", "--json")
    assert code == 0, err
    assert json.loads(out)["departement"] == "65"


def test_readable_french_output(cli, capsys):
    code, out, err = _call(cli, capsys, "--lat", "42.9653", "--lon", "1.6070")
    assert code == 0 and err == ""
    assert out.startswith("Foix (INSEE 09122) — Ariège (09)")
    for label in (
        "Zonage médecins : ZAC",
        "QPV au point",
        "Massif : Pyrénées",
        "ZRR",
        "FRR",
        "Département prioritaire (09, 32, 65) : oui",
        "Sources :",
    ):
        assert label in out


def test_former_code_note_on_stderr(cli, capsys):
    code, out, err = _call(cli, capsys, "--insee", "12076", "--json")
    assert code == 0
    assert json.loads(out)["commune"]["insee"] == "12218"
    assert "ancien code" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--insee", "abc"), "n'est pas un code INSEE"),
        (("--insee", "315555"), "6 chiffres"),
        (("--insee", ""), "vide"),
        (("--lat", "abc", "--lon", "1.4"), "illisible"),
        (("--lat", "95", "--lon", "1.4"), "[-90, 90]"),
        (("--lat", "43.6", "--lon", "200"), "[-180, 180]"),
        (("--lat", "", "--lon", "1.4"), "vide"),
        (("--lat", "43.6"), "--lat sans --lon"),
        (("--lon", "1.4"), "--lon sans --lat"),
        ((), "Aucun lieu"),
        (("--insee", "31555", "--address", "Toulouse"), "Un seul lieu"),
        (("--insee", "31555", "--lat", "43.6", "--lon", "1.4"), "Un seul lieu"),
        (("--address", "  "), "Adresse vide"),
    ],
)
def test_bad_input_exits_2_with_one_french_line(cli, capsys, args, needle):
    code, out, err = _call(cli, capsys, *args)
    assert code == 2
    assert out == ""
    assert needle in err and err.startswith("zonage : erreur : ") and err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--insee", "75056"), "hors d'Occitanie"),
        (("--insee", "31999"), "Aucune commune d'Occitanie"),
        (("--lat", "48.8566", "--lon", "2.3522"), "hors d'Occitanie"),
        (("--lat", "43.2", "--lon", "3.8"), "en mer"),
    ],
)
def test_not_found_or_outside_exits_3(cli, capsys, args, needle):
    code, out, err = _call(cli, capsys, *args)
    assert code == 3 and out == ""
    assert needle in err and err.count("\n") == 1


def test_address_through_ban(cli, capsys, monkeypatch):
    with ban_server.serve() as fake:
        monkeypatch.setattr(settings, "BAN_URL", fake.url)
        code, out, err = _call(
            cli, capsys, "--address", "12 allée de Bellefontaine 31100 Toulouse", "--json"
        )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["precision"] == "point" and doc["qpv"]["code"] == "QP031007"
    assert "Base Adresse Nationale" in err
    assert fake.requests[0]["q"] == "12 allée de Bellefontaine 31100 Toulouse"


def test_address_outside_region_exits_3(cli, capsys, monkeypatch):
    with ban_server.serve() as fake:
        monkeypatch.setattr(settings, "BAN_URL", fake.url)
        code, _, err = _call(cli, capsys, "--address", "10 rue de Rivoli Paris")
    assert code == 3 and "hors d'Occitanie" in err


def test_ban_down_falls_back_with_commune_level_note(cli, capsys, monkeypatch):
    monkeypatch.setattr(settings, "BAN_URL", ban_server.closed_port_url())
    code, out, err = _call(cli, capsys, "--address", "Saint-Girons", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["commune"]["insee"] == "09261" and doc["precision"] == "commune"
    assert "injoignable" in err and "niveau de la commune" in err
    assert all(line.startswith("zonage : note : ") for line in err.splitlines())


def test_ban_down_and_unknown_text_exits_3(cli, capsys, monkeypatch):
    monkeypatch.setattr(settings, "BAN_URL", ban_server.closed_port_url())
    code, out, err = _call(cli, capsys, "--address", "zzqxw vvbnk")
    assert code == 3 and out == "" and "introuvable" in err and err.count("\n") == 1


def test_ambiguous_name_offline_exits_2(cli, capsys, monkeypatch):
    monkeypatch.setattr(settings, "BAN_URL", ban_server.closed_port_url())
    code, _, err = _call(cli, capsys, "--address", "Saint-Michel")
    assert code == 2 and "plusieurs communes" in err and "(32" in err


def test_console_command_end_to_end(built_dir, tmp_path):
    """The installed entry point, in a fresh process: output, then a bad input."""
    env = {**os.environ, "ZONAGE_BUILD_DIR": str(built_dir), "ZONAGE_CACHE": str(tmp_path)}
    ok = subprocess.run(
        [sys.executable, "-m", "zonage", "lookup", "--insee", "09122", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["commune"]["nom"] == "Foix"
    bad = subprocess.run(
        [sys.executable, "-m", "zonage", "lookup", "--lat", "nord", "--lon", "1.4"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
