"""The grammar of what a user types (dates, profile ids, aid ids, command-line usage) and the
safety of the messages that quote it back: short, one line, control characters escaped."""

from __future__ import annotations

import argparse
import datetime as dt

import pytest

from application.cli._output import safe_line
from application.cli._parser import french_usage_error
from application.cli.aids import parse_aid_id
from zonage.catalogue import load_catalogue
from zonage.engine import parse_date
from zonage.errors import InvalidInput
from zonage.profiles import parse_profile

UNSAFE = ("\x00", "\x1b", "\x07", "\u202e", "\n", "\r")


def _message(call, text) -> str:
    with pytest.raises(InvalidInput) as info:
        call(text)
    message = str(info.value)
    assert not any(ch in message for ch in UNSAFE), repr(message)
    assert len(message) <= 300, len(message)
    return message


# --- dates: YYYY-MM-DD in ASCII digits, spaces around forgiven --------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2024-07-01", dt.date(2024, 7, 1)),
        (" 2024-07-01 ", dt.date(2024, 7, 1)),
        ("\t2024-02-29\n", dt.date(2024, 2, 29)),
        ("0001-01-01", dt.date(1, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
    ],
)
def test_date_grammar_accepts(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "２０２４-０７-０１",  # full-width digits
        "٢٠٢٤-٠٧-٠١",  # Arabic-Indic digits
        "2024-07-０1",
        "2024-02-30",
        "2023-02-29",
        "0000-01-01",
        "2024-13-01",
        "2024-00-10",
        "2024-7-1",
        "24-07-01",
        "20240701",
        "2024/07/01",
        "01/07/2024",  # not accepted: ISO only
        "2024-07-01T00:00",
        "2024-W27-1",
        "+2024-07-01",
        "2024_07_01",
        "2024-07-01\x00",
        "\x1b[2J2024-07-01",
        "\u202e2024-07-01",
        "\u00a02024-07-01",
        "demain",
        "x" * 100_000,
    ],
)
def test_date_grammar_rejects(text):
    message = _message(parse_date, text)
    assert message.startswith("Date illisible « ") and "AAAA-MM-JJ" in message


def test_date_message_quotes_a_huge_input_short():
    message = _message(parse_date, "9" * 100_000)
    assert "(100000 caractères)" in message and message.count("9") <= 80 + 4


# --- profiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        (None, "tous"),
        ("", "tous"),
        ("  ", "tous"),
        ("tous", "tous"),
        ("TOUS", "tous"),
        (" Liberal-Installation ", "liberal-installation"),
        ("etudiant-3e-cycle", "etudiant-3e-cycle"),
    ],
)
def test_profile_grammar_accepts(text, profile):
    assert parse_profile(text) == profile


@pytest.mark.parametrize(
    "text",
    [
        "liberal_installation",
        "liberal installation",
        "liberal-installation!",
        "ｌｉｂｅｒａｌ-installation",  # full-width letters
        "liberal-ınstallation",  # dotless i: "ı".upper() is "I"
        "tous\x00",
        "\x1b[31mtous",
        "\u202etous",
        "medecin",
        "p" * 100_000,
    ],
)
def test_profile_grammar_rejects(text):
    message = _message(parse_profile, text)
    assert message.startswith("Profil inconnu « ")
    assert "liberal-installation" in message and "zonage aids --help" in message


def test_profile_suggests_the_closest_id():
    assert "Vouliez-vous dire « liberal-installation » ?" in _message(
        parse_profile, "liberal-instalation"
    )


# --- aid ids ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def aid_ids() -> tuple[str, ...]:
    return load_catalogue().ids


@pytest.mark.parametrize(("text", "aid"), [("caim", "caim"), (" CESP ", "cesp")])
def test_aid_id_accepts(aid_ids, text, aid):
    assert parse_aid_id(text, aid_ids) == aid


@pytest.mark.parametrize(
    "text", ["", "caimm", "ｃａｉｍ", "caim\x00", "\x1b]0;x\x07caim", "a" * 100_000]
)
def test_aid_id_rejects(aid_ids, text):
    message = _message(lambda t: parse_aid_id(t, aid_ids), text)
    assert "aid" in message.lower() or "Aide" in message


# --- command-line usage errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "needle"),
    [
        ("the following arguments are required: COMMANDE", "argument obligatoire manquant"),
        ("unrecognized arguments: --foo \x1b[31m", "argument non reconnu : « --foo \\x1b[31m »"),
        ("argument --lat: expected one argument", "--lat=VALEUR"),
        (
            "argument COMMANDE: invalid choice: 'x\\x1by' (choose from 'lookup', 'aids')",
            "choix inconnu « x\\x1by »",
        ),
        ("argument --json: ignored explicit argument 'oui'", "--json ne prend pas de valeur"),
        ("something new in a later Python", "arguments incorrects"),
        ("unrecognized arguments: " + "z" * 100_000, "(100000 caractères)"),
    ],
)
def test_usage_errors_in_french(english, needle):
    french = french_usage_error(english)
    assert needle in french and len(french) <= 200
    assert "\x1b" not in french


# --- the last safety net on stderr ------------------------------------------------------------


def test_safe_line_escapes_and_cuts():
    assert safe_line("a\x1b[31mb\nc\u202ed\x00") == "a\\x1b[31mb\\nc\\u202ed\\x00"
    assert safe_line("é « Toulouse » 1\u202f000") == "é « Toulouse » 1\u202f000"
    long = safe_line("x" * 100_000)
    assert len(long) == 501 and long.endswith("…")


def test_help_speaks_french() -> None:
    """Every command's help, argparse's own lines included."""
    from application.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for command in (parser, *sub.choices.values()):
        text = command.format_help()
        assert "afficher cette aide et quitter" in text and "show this help" not in text
