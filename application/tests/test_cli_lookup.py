"""``zonage lookup``: JSON shape, readable output, exit codes, one-line messages, BAN fallback."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from application.cli import main
from application.cli.lookup import format_place, lookup_json
from geo import settings
from zonage.tests.places import make_place

ROOT = Path(__file__).resolve().parents[2]


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


def test_priority_department_is_read_from_the_rules_on_the_date():
    """``departement_prioritaire`` is not in the data layer: the catalogue's rule says it on the
    date asked (its departments apply from 7 May 2022), and the text rows say the same."""
    foix = make_place("ZAR", departement="09")
    toulouse = make_place("ZAR", departement="31")
    assert lookup_json(foix, dt.date(2022, 5, 6))["departement_prioritaire"] is False
    assert lookup_json(foix, dt.date(2022, 5, 7))["departement_prioritaire"] is True
    assert lookup_json(toulouse, dt.date(2025, 1, 1))["departement_prioritaire"] is False
    assert lookup_json(foix)["departement_prioritaire"] is True  # today
    text = format_place(foix, dt.date(2022, 5, 6))
    assert "Département prioritaire (aucun à cette date) : non" in text
    text = format_place(foix, dt.date(2025, 1, 1))
    assert "Département prioritaire (09, 32, 65) : oui" in text
    assert "ZRR (jusqu'au 30 juin 2024)" in text and "FRR (depuis le 1er juillet 2024)" in text


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


def test_address_through_ban(cli, capsys, monkeypatch, fake_ban):
    monkeypatch.setattr(settings, "BAN_URL", fake_ban.url)
    code, out, err = _call(
        cli, capsys, "--address", "12 allée de Bellefontaine 31100 Toulouse", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["precision"] == "point" and doc["qpv"]["code"] == "QP031007"
    assert "Base Adresse Nationale" in err
    assert fake_ban.requests[0]["q"] == "12 allée de Bellefontaine 31100 Toulouse"


def test_address_outside_region_exits_3(cli, capsys, monkeypatch, fake_ban):
    monkeypatch.setattr(settings, "BAN_URL", fake_ban.url)
    code, _, err = _call(cli, capsys, "--address", "10 rue de Rivoli Paris")
    assert code == 3 and "hors d'Occitanie" in err


def test_ban_down_falls_back_with_commune_level_note(cli, capsys, monkeypatch, closed_ban_url):
    monkeypatch.setattr(settings, "BAN_URL", closed_ban_url)
    code, out, err = _call(cli, capsys, "--address", "Saint-Girons", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["commune"]["insee"] == "09261" and doc["precision"] == "commune"
    assert "injoignable" in err and "niveau de la commune" in err
    assert all(line.startswith("zonage : note : ") for line in err.splitlines())


def test_ban_down_and_unknown_text_exits_3(cli, capsys, monkeypatch, closed_ban_url):
    monkeypatch.setattr(settings, "BAN_URL", closed_ban_url)
    code, out, err = _call(cli, capsys, "--address", "zzqxw vvbnk")
    assert code == 3 and out == "" and "introuvable" in err and err.count("\n") == 1


def test_ambiguous_name_offline_exits_2(cli, capsys, monkeypatch, closed_ban_url):
    monkeypatch.setattr(settings, "BAN_URL", closed_ban_url)
    code, _, err = _call(cli, capsys, "--address", "Saint-Michel")
    assert code == 2 and "plusieurs communes" in err and "(32" in err


def test_console_command_end_to_end(built_dir, tmp_path):
    """``python -m application``, in a fresh process (the installed ``zonage`` command and its
    bad inputs run in fresh processes below and in ``tests/test_probe_cli.py``)."""
    env = {**os.environ, "ZONAGE_BUILD_DIR": str(built_dir), "ZONAGE_CACHE": str(tmp_path)}
    ok = subprocess.run(
        [sys.executable, "-m", "application", "lookup", "--insee", "09122", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["commune"]["nom"] == "Foix"


# --- messages that quote an input, usage errors, unusable outputs, internal errors -----------


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        (("--address", "\x1b[31mToulouse\x1b[0m"), 2, "« \\x1b[31mToulouse\\x1b[0m »"),
        (("--address", "Foix\x00"), 2, "« Foix\\x00 »"),
        (("--address", "\u202eesuoluoT"), 2, "« \\u202eesuoluoT »"),
        (("--address", "a" * 100_000), 2, "trop longue"),
        (("--address", "zz\x1b]0;t\x07" + "q" * 150), 2, "(158 caractères)"),
        (("--insee", "\x1b[2J" + "3" * 100_000), 2, "(100004 caractères)"),
        (("--lat", "\x1b[2J43.6", "--lon", "1.4"), 2, "« \\x1b[2J43.6 »"),
        (("--insee", "３１５５５"), 2, "n'est pas un code INSEE"),
        (("--lat", "4_3.6", "--lon", "1.44"), 2, "« 4_3.6 » illisible"),
        (("--lat", "1e1", "--lon", "1.44"), 2, "« 1e1 » illisible"),
        (("--lat", "+43.6", "--lon", "1.44"), 2, "« +43.6 » illisible"),
        (("--lat", "43.6", "--lon", "-1,44"), 2, "--lon=VALEUR"),
        (("--insee", "31555", "--insee", "09122"), 2, "--insee donné deux fois"),
        (("--insee", "31555", "--frob", "\x1b[31m"), 2, "« --frob \\x1b[31m »"),
        (("--json=oui", "--insee", "31555"), 2, "--json ne prend pas de valeur"),
    ],
)
def test_messages_quote_inputs_short_and_escaped(cli, capsys, args, code, shown):
    got, out, err = _call(cli, capsys, *args)
    assert got == code and out == ""
    assert shown in err, err
    assert err.startswith("zonage : erreur : ") and err.count("\n") == 1 and len(err) <= 300
    assert not any(ch in err for ch in "\x00\x1b\x07\u202e")


def test_usage_error_is_one_french_line(capsys):
    assert main(["lookup", "--insee"]) == 2
    assert main([]) == 2
    assert main(["frobnicate"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "usage" not in err and "error" not in err
    assert err.splitlines() == [
        "zonage : erreur : --insee attend une valeur (si elle commence par « - », écrivez"
        " --insee=VALEUR). Aide : zonage lookup --help.",
        "zonage : erreur : argument obligatoire manquant : COMMANDE. Aide : zonage --help.",
        "zonage : erreur : COMMANDE : choix inconnu « frobnicate » ; choisissez parmi 'lookup',"
        " 'aids', 'fiche', 'export-table', 'export-map', 'data'. Aide : zonage --help.",
    ]


def test_internal_error_is_one_line_and_debug_shows_the_traceback(cli, capsys, monkeypatch):
    import application.cli.lookup as lookup_command

    def broken(place, on=None):  # a bug in a renderer
        raise KeyError("zonage_medecins")

    monkeypatch.setattr(lookup_command, "format_place", broken)
    code, out, err = _call(cli, capsys, "--insee", "31555")
    assert code == 1 and out == ""
    assert err == (
        "zonage : erreur interne (KeyError) : relancez avec ZONAGE_DEBUG=1 pour voir le détail,"
        " et signalez-la.\n"
    )
    monkeypatch.setattr(settings, "DEBUG", True)
    code, out, err = _call(cli, capsys, "--insee", "31555")
    assert code == 1 and "Traceback" in err and "in broken" in err


def _zonage(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("zonage")), *args],
        env=env,
        cwd=ROOT,
        timeout=120,
        **kwargs,
    )


@pytest.fixture
def real_env(built_dir, tmp_path, closed_ban_url):
    """The environment of a real ``zonage`` process on the session build, network closed."""
    return {
        **os.environ,
        "ZONAGE_BUILD_DIR": str(built_dir),
        "ZONAGE_CACHE": str(tmp_path / "cache"),
        "ZONAGE_BAN_URL": closed_ban_url,
        "ZONAGE_BAN_RETRIES": "0",
    }


FULL_DISK = (
    "zonage : erreur : impossible d'écrire la réponse sur la sortie standard (plus de place"
    " sur le disque). Redirigez-la vers un fichier sur un disque qui a de la place.\n"
)
ANSWERS = [
    ("lookup", "--insee", "31555"),
    ("lookup", "--insee", "31555", "--json"),
    ("aids", "--insee", "31555", "--json"),
    ("aids", "--insee", "31555", "--all"),
    ("aids", "--help"),
]


@pytest.mark.parametrize("args", ANSWERS)
def test_full_disk_on_stdout_is_one_line_exit_2(cli, capsys, monkeypatch, args):
    """Every kind of answer, in this process: standard output is ``/dev/full``."""
    with open("/dev/full", "w", encoding="utf-8") as full, monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", full)
        code = main(list(args))
    assert code == 2
    assert capsys.readouterr().err == FULL_DISK


@pytest.mark.parametrize("args", [ANSWERS[0], ANSWERS[-1]])  # an answer, and argparse's help
def test_full_disk_on_stdout_of_a_real_process(real_env, args):
    """The same in a real process, which must not fail a second time as it exits."""
    with open("/dev/full", "w") as full:
        proc = _zonage(args, real_env, stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == FULL_DISK


def test_closed_stdout_is_one_line_exit_2(real_env):
    proc = _zonage(
        ["lookup", "--insee", "31555"],
        real_env,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "sortie standard (fermée)" in proc.stderr


def test_full_disk_on_stderr_keeps_the_exit_code(real_env, cli, capsys, monkeypatch):
    with open("/dev/full", "w") as full:
        bad = _zonage(["lookup", "--insee", "abc"], real_env, stdout=subprocess.PIPE, stderr=full)
    assert bad.returncode == 2 and bad.stdout == b""
    # The former code's note cannot be written: that is an error too (here in this process).
    with open("/dev/full", "w", encoding="utf-8") as full, monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", full)
        assert cli("--insee", "12076") == 2
    assert capsys.readouterr().out == ""


def test_closed_pipe_is_quiet(real_env):
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("zonage")), "aids", "--insee", "31555", "--all"],
        env=real_env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first byte (``| head -0``)
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and err == b""


def test_zoning_table_folder_dot_is_the_current_folder() -> None:
    """``data fetch --zoning-table .`` writes here, not into the cache."""
    from application.cli import build_parser
    from application.cli.data import zoning_table_folder
    from geo import settings

    parse = build_parser().parse_args
    assert zoning_table_folder(
        parse(["data", "fetch", "--zoning-table", "."]).zoning_table
    ) == Path(".")
    default = parse(["data", "fetch", "--zoning-table"]).zoning_table
    assert zoning_table_folder(default) == settings.CACHE_DIR / "datasante"
