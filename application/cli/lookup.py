"""``zonage lookup (--insee CODE | --lat Y --lon X | --address TEXTE) [--date D] [--json]``: the
place and every zoning fact there on a date, with the data vintages."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from application.cli._output import emit
from application.cli._parser import Once
from application.cli._place import add_place_arguments, place_from_args
from application.render.model import place_card
from application.render.policy import is_priority
from application.render.text import place_text
from zonage.catalogue import load_catalogue
from zonage.engine import parse_date, place_on
from zonage.place import PlaceFacts
from zonage.text import ZONE_LABELS, ZRR_LABELS


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``lookup`` sub-command."""
    parser = subparsers.add_parser(
        "lookup",
        help="le lieu et ses zonages (commune, zonage médecins, QPV, massif, ZRR, FRR)",
        description="Trouve le lieu (code INSEE, point ou adresse) et affiche chaque zonage qui"
        " s'y applique, avec la source et le millésime de chaque donnée.",
    )
    add_place_arguments(parser)
    parser.add_argument(
        "--date",
        metavar="AAAA-MM-JJ",
        action=Once,
        help="date du zonage médecins à donner (défaut : aujourd'hui)",
    )
    parser.add_argument("--json", action="store_true", help="sortie JSON (pour les scripts)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the place facts; errors propagate as typed ZonageError (exit 2/3/4/5)."""
    on = parse_date(args.date)
    place = place_on(place_from_args(args), on, load_catalogue())
    emit(
        args.json,
        lambda: {**lookup_json(place, on), "date": on.isoformat()},
        lambda: format_place(place, on),
    )
    return 0


def lookup_json(place: PlaceFacts, on: dt.date | None = None) -> dict[str, Any]:
    """The ``--json`` document: :meth:`PlaceFacts.to_dict` plus readable labels and the facts
    of the catalogue's dated rules on ``on`` (today by default): ``departement_prioritaire``."""
    out = place.to_dict()
    rules = load_catalogue().rules
    out["departement_prioritaire"] = is_priority(place, rules, on or dt.date.today())
    out["zonage_medecins_libelle"] = ZONE_LABELS.get(place.zonage_medecins or "")
    out["zrr_libelle"] = ZRR_LABELS.get(place.zrr, place.zrr)
    return out


def format_place(place: PlaceFacts, on: dt.date | None = None) -> str:
    """Readable French text of the place facts on ``on`` (the default output); its notes are
    already on stderr (see :func:`place_from_args`)."""
    return place_text(place_card(place, on=on, notes=False))
