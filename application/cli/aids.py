"""``zonage aids (--insee CODE | --lat Y --lon X | --address TEXTE) [--profile ID]
[--date AAAA-MM-JJ] [--situation CLÉ=VALEUR ...] [--json] [--all] [--aid ID]``: the aids open at
a place, for a profile, on a date and a personal situation, summed up in euros, with amounts,
questions, conditions, exclusions, dates, contacts and sources."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any

from application.cli._answer_args import add_answer_arguments, situation_from_args
from application.cli._output import emit
from application.cli._place import add_place_arguments, place_from_args
from application.cli.lookup import format_place, lookup_json
from application.render.model import aid_card
from application.render.summary import answer_view
from application.render.text import INDENT, aid_text, not_here_text, notes_text, summary_text
from zonage.catalogue import load_catalogue
from zonage.engine import NON_APPLICABLE, STATUS_LABELS, STATUSES, Answer, aids_at, parse_date
from zonage.errors import InvalidInput
from zonage.profiles import ALL, parse_profile
from zonage.text import fr_date, quoted

# Longest part of a mistyped aid id quoted back: ids are at most 27 characters.
_ID_QUOTE_LIMIT = 40


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``aids`` sub-command."""
    parser = subparsers.add_parser(
        "aids",
        help="les aides ouvertes en un lieu, pour un profil, à une date",
        description="Liste les aides aux médecins qui s'appliquent au lieu (code INSEE, point ou"
        " adresse), pour un profil, à une date et selon « Ma situation » : pour un profil, ce"
        " que vous pouvez percevoir ici (en euros), puis chaque aide avec son statut (éligible,"
        " sous condition, à vérifier, non applicable), montant, question à régler, conditions,"
        " non-cumuls, dates, contact et source.",
    )
    add_place_arguments(parser)
    add_answer_arguments(parser, one_profile=False)
    parser.add_argument(
        "--aid",
        metavar="ID",
        action="append",
        help="n'afficher que cette aide (répétable), ex. --aid caim ; identifiants ci-dessous",
    )
    parser.add_argument(
        "--all",
        action="store_true",
        help="lister aussi les aides non applicables, avec la raison",
    )
    parser.add_argument("--json", action="store_true", help="sortie JSON (pour les scripts)")
    parser.set_defaults(func=run)
    # The catalogue is read only when the help is shown: other runs do not pay for it.
    parser.epilog_factory = lambda: (
        "Identifiants des aides (--aid) : " + ", ".join(load_catalogue().ids)
    )


def run(args: argparse.Namespace) -> int:
    """Print the aids; bad input fails before the place is looked up (exit 2)."""
    profile = parse_profile(args.profile)
    on = parse_date(args.date)
    situation = situation_from_args(args)
    catalogue = load_catalogue()
    aid_ids = [parse_aid_id(a, catalogue.ids) for a in args.aid] if args.aid else None
    place = place_from_args(args)
    answer = aids_at(
        place,
        profile,
        on,
        include_all=args.all,
        aid_ids=aid_ids,
        catalogue=catalogue,
        situation=situation,
    )
    emit(args.json, lambda: answer_json(answer), lambda: format_answer(answer))
    return 0


def parse_aid_id(text: str, ids: Sequence[str]) -> str:
    """A user-given aid id (case and spaces around it forgiven) that the catalogue knows;
    :class:`InvalidInput` with the closest id otherwise."""
    value = text.strip(" \t\r\n")
    if value.isascii():
        value = value.lower()
    if value in ids:
        return value
    if not value:
        raise InvalidInput("--aid vide : indiquez un identifiant d'aide, ex. --aid caim.")
    # Short on purpose: the full list of ids is in ``zonage aids --help``.
    close = get_close_matches(value, ids, n=1, cutoff=0.7) if len(value) < 64 else []
    guess = f"Vouliez-vous dire « {close[0]} » ? " if close else ""
    raise InvalidInput(
        f"Aide inconnue {quoted(value, _ID_QUOTE_LIMIT)}.",
        hint=f"{guess}Identifiants valides : zonage aids --help.",
    )


def answer_json(answer: Answer) -> dict[str, Any]:
    """The ``--json`` document: the place (as ``zonage lookup --json``), date, profile, aids."""
    doc = answer.to_dict()
    doc["place"] = lookup_json(answer.place, answer.date)
    return doc


# ----------------------------------------------------------------------------- text output


def format_answer(answer: Answer) -> str:
    """The readable French output: for one profile, what can be received here first, then the
    place, the aids and (with ``--all``) one line per aid that does not apply; for ``tous``,
    the place and the aids grouped by profile."""
    counts = answer.to_dict()["counts"]
    head = [
        format_place(answer.place, answer.date).rstrip("\n"),
        "",
        f"Aides au {fr_date(answer.date)} — profil : "
        + (
            "tous les profils"
            if answer.profile == ALL
            else f"{answer.groups[0].label} ({answer.profile})"
        ),
        " · ".join(
            f"{STATUS_LABELS[s]} : {counts[s]}"
            for s in STATUSES
            if s != NON_APPLICABLE or answer.include_all
        ),
    ]
    if answer.profile == ALL:
        blocks = ["\n".join(head) + "\n", *_groups_text(answer)]
    else:
        view = answer_view(answer)
        said = set(answer.place.date_notes)  # written with the place
        blocks = [
            summary_text(view, situation=answer.situation) if answer.summary else "",
            "\n".join(head) + "\n",
            *(aid_text(card) for card in view.cards),
            not_here_text(view),
            notes_text(n for n in view.notes if n not in said),
        ]
        if not view.cards:
            blocks.insert(2, f"{INDENT}Aucune aide applicable ici à cette date.\n")
    if not answer.include_all:
        blocks.append(
            "Les aides non applicables ne sont pas listées : ajoutez --all pour les voir avec "
            "la raison.\n"
        )
    return "\n".join(b for b in blocks if b)


def _groups_text(answer: Answer) -> list[str]:
    """The aids of every profile, under the profile's name."""
    blocks = []
    for group in answer.groups:
        blocks.append(f"== {group.label} ({group.profile}) ==\n")
        if not group.results:
            blocks.append(f"{INDENT}Aucune aide applicable ici à cette date.\n")
        blocks += [aid_text(aid_card(r)) for r in group.results]
    return blocks
