"""``zonage lookup (--insee CODE | --lat Y --lon X | --address TEXTE) [--json]``: the place and
every zoning fact there, with the data vintages."""

from __future__ import annotations

import argparse
from typing import Any

from application.cli._output import emit
from application.cli._place import add_place_arguments, place_from_args
from application.render.model import place_card
from application.render.text import place_text
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
    parser.add_argument("--json", action="store_true", help="sortie JSON (pour les scripts)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the place facts; errors propagate as typed ZonageError (exit 2/3/4/5)."""
    place = place_from_args(args)
    emit(args.json, lambda: lookup_json(place), lambda: format_place(place))
    return 0


def lookup_json(place: PlaceFacts) -> dict[str, Any]:
    """The ``--json`` document: :meth:`PlaceFacts.to_dict` plus readable labels."""
    out = place.to_dict()
    out["zonage_medecins_libelle"] = ZONE_LABELS.get(place.zonage_medecins or "")
    out["zrr_libelle"] = ZRR_LABELS.get(place.zrr, place.zrr)
    return out


def format_place(place: PlaceFacts) -> str:
    """Readable French text of the place facts (the default output); its notes are already on
    stderr (see :func:`place_from_args`)."""
    return place_text(place_card(place, notes=False))
