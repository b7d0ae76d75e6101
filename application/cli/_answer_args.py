"""The options of every sub-command that answers for a reader: ``--profile``, ``--date`` and
``--situation clé=valeur`` (« Ma situation »).

Keys and values come from :data:`zonage.situation.KEYS`; :func:`situation_from_args` checks
them with :func:`zonage.situation.parse_situation` (an unknown key or value, a key given twice,
a missing ``=``: :class:`~zonage.errors.InvalidInput`, exit 2, naming what is allowed).
"""

from __future__ import annotations

import argparse

from application.cli._parser import Once
from zonage.errors import InvalidInput
from zonage.profiles import ALL, PROFILE_IDS, parse_profile
from zonage.situation import KEYS, NONE_RECEIVED, Situation, parse_situation


def add_answer_arguments(parser: argparse.ArgumentParser, *, one_profile: bool) -> None:
    """``--profile`` (required and not ``tous`` when ``one_profile``, else ``tous`` by
    default), ``--date`` and ``--situation``."""
    if one_profile:
        parser.add_argument(
            "--profile", metavar="ID", action=Once, required=True,
            help=f"profil (un seul) : {', '.join(PROFILE_IDS)}",
        )  # fmt: skip
    else:
        parser.add_argument(
            "--profile", metavar="ID", action=Once, default=ALL,
            help=f"profil (défaut : {ALL}) : {', '.join((*PROFILE_IDS, ALL))}",
        )  # fmt: skip
    parser.add_argument(
        "--date", metavar="AAAA-MM-JJ", action=Once,
        help="date à laquelle juger (défaut : aujourd'hui)",
    )  # fmt: skip
    add_situation_argument(parser)


def parse_one_profile(text: str, what: str) -> str:
    """A profile id other than ``tous`` (``what``: « une fiche est faite », « le tableau se
    fait »… for one reader)."""
    profile = parse_profile(text)
    if profile == ALL:
        raise InvalidInput(
            f"{what} pour un profil : choisissez un profil, pas « tous ».",
            hint=f"Profils : {', '.join(PROFILE_IDS)}.",
        )
    return profile


def situation_choices() -> str:
    """Each key with its values, e.g. ``secteur=1|2-optam|2-sans-optam (Secteur …)``."""
    return " ; ".join(
        f"{key}={'|'.join(spec.values) if spec.values else f'{NONE_RECEIVED}|AAAA-MM-JJ'}"
        f" ({spec.label[:1].lower()}{spec.label[1:]})"
        for key, spec in KEYS.items()
    )


def add_situation_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--situation clé=valeur`` (repeatable) to ``parser``."""
    parser.add_argument(
        "--situation",
        metavar="CLÉ=VALEUR",
        action="append",
        default=[],
        help="« Ma situation », une réponse par option (répétable) ; sans réponse, l'aide reste"
        f" « sous condition » avec sa question : {situation_choices()}",
    )


def situation_from_args(args: argparse.Namespace) -> Situation:
    """The answers given with ``--situation`` (none: every question stays open)."""
    return parse_situation(getattr(args, "situation", None) or [])
