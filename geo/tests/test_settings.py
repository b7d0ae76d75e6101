"""Settings read from the environment: a mistyped variable never raises at import; the command
line stops at once with exit code 2 and one French line naming each bad variable."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from application.cli import main
from geo import settings
from zonage.errors import InvalidInput

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

Load = Callable[..., ModuleType]


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> Iterator[Load]:
    """Re-read ``geo.settings`` under the given variables; the real settings come back after."""

    with monkeypatch.context() as patched:

        def reload_with(**env: str) -> ModuleType:
            for name, value in env.items():
                patched.setenv(name, value)
            return importlib.reload(settings)

        yield reload_with
    importlib.reload(settings)


@pytest.mark.probe
@pytest.mark.parametrize(
    ("name", "value", "expected"),
    BAD_VARIABLES,
    ids=[f"{name}={value[:12]}" for name, value, _ in BAD_VARIABLES],
)
def test_bad_variable_never_raises_at_import_and_is_described(load, capsys, name, value, expected):
    (line,) = load(**{name: value}).problems()  # the import itself did not raise
    assert capsys.readouterr().err == ""
    assert line.startswith(f"{name}=« ") and expected in line
    assert len(line) < 300  # a long value is quoted shortened


# One bad value per variable, through the command line (in this process).
ONE_PER_VARIABLE = list(
    {name: (name, value, expected) for name, value, expected in BAD_VARIABLES}.values()
)


@pytest.mark.probe
@pytest.mark.parametrize(
    ("name", "value", "expected"), ONE_PER_VARIABLE, ids=[n for n, _, _ in ONE_PER_VARIABLE]
)
def test_command_stops_with_exit_2_naming_the_variable(load, capsys, name, value, expected):
    load(**{name: value})
    assert main(["lookup", "--insee", "31555"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith(f"zonage : erreur : {name}=« ") and expected in line


@pytest.mark.probe
def test_real_command_stops_with_exit_2_naming_the_variable():
    cli = subprocess.run(
        [sys.executable, "-m", "application", "lookup", "--insee", "31555"],
        capture_output=True,
        text=True,
        env={**os.environ, "ZONAGE_BAN_TIMEOUT": "abc"},
        cwd=settings.PROJECT_ROOT,
        timeout=120,
    )
    assert cli.returncode == 2, cli.stderr
    assert cli.stdout == "" and "Traceback" not in cli.stderr
    (line,) = cli.stderr.splitlines()
    assert line.startswith("zonage : erreur : ZONAGE_BAN_TIMEOUT=« ")
    assert "nombre de secondes attendu (ex. 3)" in line


def test_every_bad_variable_has_its_line_and_defaults_apply_meanwhile(load):
    loaded = load(ZONAGE_BAN_TIMEOUT="abc", ZONAGE_BAN_RETRIES="-1", ZONAGE_BAN_DEADLINE="0")
    assert (loaded.BAN_TIMEOUT_S, loaded.BAN_RETRIES, loaded.BAN_DEADLINE_S) == (3.0, 2, 5.0)
    with pytest.raises(InvalidInput) as raised:
        loaded.check()
    names = ("ZONAGE_BAN_TIMEOUT", "ZONAGE_BAN_RETRIES", "ZONAGE_BAN_DEADLINE")
    assert all(n in str(raised.value) for n in names)


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
def test_good_values_are_read(load, name, value, attribute, expected):
    loaded = load(**{name: value})
    loaded.check()
    assert repr(getattr(loaded, attribute)) == repr(expected)


def test_check_passes_in_this_environment():
    settings.check()
    assert settings.problems() == []
