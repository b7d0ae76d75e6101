"""``zonage fiche (--insee CODE | --lat Y --lon X | --address TEXTE) --profile ID
[--date AAAA-MM-JJ] [--situation CLÉ=VALEUR ...] --out FICHIER.html``: the printable fiche of the
aids at a place, for one profile, on a date (one HTML page, at most two A4 sheets)."""

from __future__ import annotations

import argparse
from pathlib import Path

from application.cli._answer_args import (
    add_answer_arguments,
    parse_one_profile,
    situation_from_args,
)
from application.cli._output import write_stdout
from application.cli._parser import Once
from application.cli._place import add_place_arguments, place_from_args
from zonage.engine import parse_date
from zonage.text import fr_date


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``fiche`` sub-command."""
    parser = subparsers.add_parser(
        "fiche",
        help="fiche HTML à imprimer (au plus 2 pages A4) des aides en un lieu, pour un profil",
        description="Écrit une page HTML prête à imprimer : le lieu, ce que vous pouvez"
        " percevoir ici, chaque aide qui s'applique (montant, question, obligations, contact,"
        " sources), celles qui ne s'appliquent pas, avec la date des données et de la réponse.",
    )
    add_place_arguments(parser)
    add_answer_arguments(parser, one_profile=True)
    parser.add_argument(
        "--out", metavar="FICHIER.html", action=Once, required=True, help="fichier à écrire"
    )
    parser.set_defaults(func=run)


def check_fiche_file(out: Path) -> Path:
    """``out`` if the fiche can be written there (an .html name, not a folder nor a device, in
    an existing writable folder); :class:`InvalidInput` otherwise, before any work."""
    from geo import paths

    return paths.check_html_file(out, "la fiche", "fiche.html")


def run(args: argparse.Namespace) -> int:
    """Write the fiche; bad input and a bad ``--out`` fail before the place is looked up."""
    from geo import paths

    profile = parse_one_profile(args.profile, "une fiche est faite")
    on = parse_date(args.date)
    situation = situation_from_args(args)
    out = check_fiche_file(Path(args.out))
    place = place_from_args(args)

    from application.render.fiche import fiche_html
    from zonage.engine import aids_at

    answer = aids_at(place, profile, on, include_all=True, situation=situation)
    data = fiche_html(answer).encode("utf-8")
    paths.write_output(out, data)
    write_stdout(
        f"Fiche écrite : {out} ({len(data) / 1e3:.0f} ko ; {answer.place.nom},"
        f" {answer.groups[0].label}, au {fr_date(on)})\n"
    )
    return 0
