"""Settings read from the environment: a mistyped variable never raises at import; the command
line stops at once with exit code 2 and one French line naming each bad variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from geo import settings

LONG_NAME = "a" * 300

BAD_VARIABLES = [
    ("ZONAGE_BAN_TIMEOUT", "abc", "nombre de secondes attendu (ex. 3)"),
    ("ZONAGE_BAN_TIMEOUT", "-3", "nombre de secondes de 0,1 à 60"),
    ("ZONAGE_BAN_TIMEOUT", "nan", "nombre de secondes"),
    ("ZONAGE_BAN_RETRIES", "-1", "nombre entier d'essais de 0 à 10"),
    ("ZONAGE_BAN_RETRIES", "deux", "nombre entier d'essais attendu (ex. 2)"),
    ("ZONAGE_BAN_BACKOFF", "inf", "nombre de secondes"),
    ("ZONAGE_BAN_DEADLINE", "-5", "nombre de secondes"),
    ("ZONAGE_BAN_URL", "ftp://api-adresse.data.gouv.fr", "adresse http:// ou https://"),
    ("ZONAGE_BAN_URL", "https://api adresse.data.gouv.fr", "sans espace"),
    ("ZONAGE_BAN_URL", "http://127.0.0.1:port", "adresse http:// ou https://"),
    ("ZONAGE_BUILD_DIR", f"/tmp/{LONG_NAME}", "un nom de 300 octets (au plus 255)"),
    ("ZONAGE_MIRROR", f"/tmp/{LONG_NAME}/raw", "un nom de 300 octets (au plus 255)"),
    ("ZONAGE_CACHE", LONG_NAME, "un nom de 300 octets (au plus 255)"),
]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )


@pytest.mark.probe
@pytest.mark.parametrize(
    ("name", "value", "expected"),
    BAD_VARIABLES,
    ids=[f"{name}={value[:12]}" for name, value, _ in BAD_VARIABLES],
)
def test_bad_variable_never_raises_at_import_and_is_described(name, value, expected):
    imported = _run(["-c", "import geo.settings"], **{name: value})
    assert imported.returncode == 0 and imported.stderr == "", imported.stderr
    shown = _run(["-c", "from geo import settings; print(*settings.problems())"], **{name: value})
    (line,) = shown.stdout.splitlines()
    assert line.startswith(f"{name}=« ") and expected in line
    assert len(line) < 300  # a long value is quoted shortened


# One bad value per variable, through the real command (each run costs about a second).
ONE_PER_VARIABLE = list(
    {name: (name, value, expected) for name, value, expected in BAD_VARIABLES}.values()
)


@pytest.mark.probe
@pytest.mark.parametrize(
    ("name", "value", "expected"), ONE_PER_VARIABLE, ids=[n for n, _, _ in ONE_PER_VARIABLE]
)
def test_command_stops_with_exit_2_naming_the_variable(name, value, expected):
    cli = _run(["-m", "application", "lookup", "--insee", "31555"], **{name: value})
    assert cli.returncode == 2, cli.stderr
    assert cli.stdout == "" and "Traceback" not in cli.stderr
    (line,) = cli.stderr.splitlines()
    assert line.startswith(f"zonage : erreur : {name}=« ") and expected in line


def test_every_bad_variable_has_its_line_and_defaults_apply_meanwhile():
    code = (
        "from geo import settings\n"
        "print(settings.BAN_TIMEOUT_S, settings.BAN_RETRIES, settings.BAN_DEADLINE_S)\n"
        "settings.check()\n"
    )
    proc = _run(
        ["-c", code],
        ZONAGE_BAN_TIMEOUT="abc",
        ZONAGE_BAN_RETRIES="-1",
        ZONAGE_BAN_DEADLINE="0",
    )
    assert proc.stdout.split() == ["3.0", "2", "5.0"]
    assert "InvalidInput" in proc.stderr
    assert all(n in proc.stderr for n in ("ZONAGE_BAN_TIMEOUT", "ZONAGE_BAN_RETRIES"))
    assert "ZONAGE_BAN_DEADLINE" in proc.stderr


@pytest.mark.parametrize(
    ("name", "value", "attribute", "expected"),
    [
        ("ZONAGE_BAN_TIMEOUT", "2,5", "BAN_TIMEOUT_S", 2.5),
        ("ZONAGE_BAN_RETRIES", " 0 ", "BAN_RETRIES", 0),
        ("ZONAGE_BAN_DEADLINE", "8", "BAN_DEADLINE_S", 8.0),
        ("ZONAGE_BAN_URL", "http://127.0.0.1:8080/ban", "BAN_URL", "http://127.0.0.1:8080/ban"),
        ("ZONAGE_BAN_BACKOFF", "", "BAN_BACKOFF_S", 0.5),  # blank: the default
    ],
)
def test_good_values_are_read(name, value, attribute, expected):
    code = f"from geo import settings\nsettings.check()\nprint(repr(settings.{attribute}))"
    proc = _run(["-c", code], **{name: value})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == repr(expected)


def test_check_passes_in_this_environment():
    settings.check()
    assert settings.problems() == []
