"""``zonage export-map --out FICHIER.html [--date AAAA-MM-JJ] [--departement DD] [--layers ...]
[--profile ID [--situation CLÉ=VALEUR ...]]``: the zoning map on a date as one standalone HTML
file (layers, legend, tooltips, sources; opens offline); with a profile, the communes coloured
by the euros guaranteed to it (« Où m'installer », :mod:`application.region_layer`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from application.cli._answer_args import (
    add_situation_argument,
    parse_one_profile,
    situation_from_args,
)
from application.cli._parser import Once
from geo import settings
from geo.webmap.style import LAYER_IDS
from zonage.engine import parse_date
from zonage.errors import InvalidInput
from zonage.profiles import PROFILE_IDS
from zonage.text import quoted


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``export-map`` sub-command."""
    parser = subparsers.add_parser(
        "export-map",
        help="carte HTML autonome (zonage médecins, QPV, massifs, ZRR/FRR, départements)",
        description="Écrit la carte des zonages dans un seul fichier HTML, lisible hors ligne :"
        " couches, légende, infobulles, sources et millésimes.",
    )
    parser.add_argument("--out", metavar="FICHIER.html", required=True, help="fichier à écrire")
    parser.add_argument(
        "--date",
        metavar="AAAA-MM-JJ",
        action=Once,
        help="date du zonage médecins et des règles montrés (défaut : aujourd'hui)",
    )
    parser.add_argument(
        "--departement",
        metavar="DD",
        help=f"limiter à un département ({', '.join(settings.DEPARTMENTS)})",
    )
    parser.add_argument(
        "--layers",
        metavar="COUCHE",
        nargs="+",
        help=f"couches à inclure (défaut : toutes) : {', '.join(LAYER_IDS)} ;"
        " séparées par des espaces ou des virgules",
    )
    parser.add_argument(
        "--no-tiles",
        action="store_true",
        help="sans fond de carte en ligne (aucune requête réseau à l'ouverture)",
    )
    parser.add_argument(
        "--profile", metavar="ID", action=Once,
        help="colorer les communes selon les euros garantis pour ce profil (« Où m'installer »),"
        f" à la date et selon --situation : {', '.join(PROFILE_IDS)}",
    )  # fmt: skip
    add_situation_argument(parser)
    parser.set_defaults(func=run)


def parse_departement(value: str | None) -> str | None:
    """``"9"`` or ``"09"`` → ``"09"``; raises :class:`InvalidInput` outside Occitanie."""
    if value is None:
        return None
    code = value.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code not in settings.DEPARTMENTS:
        raise InvalidInput(
            f"département inconnu en Occitanie : {quoted(value)}.",
            hint=f"Choisissez parmi : {', '.join(settings.DEPARTMENTS)}.",
        )
    return code


def parse_layers(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """The layer ids given (spaces or commas); raises :class:`InvalidInput` if one is unknown."""
    if values is None:
        return None
    names = [n.strip().lower() for v in values for n in v.split(",") if n.strip()]
    choices = f"Choisissez parmi : {', '.join(LAYER_IDS)}."
    if not names:
        raise InvalidInput("aucune couche indiquée après --layers.", hint=choices)
    unknown = [n for n in names if n not in LAYER_IDS]
    if unknown:
        what = quoted(", ".join(unknown))
        raise InvalidInput(f"couche inconnue : {what}.", hint=choices)
    return tuple(names)


def _size(n: int) -> str:
    return f"{n / 1e6:.2f} Mo".replace(".", ",") if n >= 1e5 else f"{n / 1e3:.0f} ko"


def run(args: argparse.Namespace) -> int:
    """Write the map; errors propagate as typed ZonageError (exit 2 bad input, 4 no data)."""
    on = parse_date(args.date)
    departement = parse_departement(args.departement)
    layer_ids = parse_layers(args.layers)
    profile = None
    if args.profile is not None:
        profile = parse_one_profile(args.profile, "la carte en euros se fait")
    elif args.situation:
        raise InvalidInput(
            "--situation colore la carte pour un profil : --profile manque.",
            hint=f"Ajoutez --profile ID ({', '.join(PROFILE_IDS)}).",
        )
    situation = situation_from_args(args)
    # Imported here: the other sub-commands do not pay for geopandas and folium.
    from application import region_layer
    from application.render.policy import map_policy
    from geo.export import check_map_file, write_html
    from geo.layer import load
    from geo.webmap.layer import web_layer

    check_map_file(Path(args.out))  # before loading anything
    web = web_layer(load())
    values = None
    if profile is not None:
        values = region_layer.value_layer(region_layer.evaluate(profile, on, situation))
    result = write_html(
        web,
        Path(args.out),
        departement=departement,
        layers=layer_ids,
        tiles=not args.no_tiles,
        policy=map_policy(on),  # the catalogue's rules on the map's date
        on=on,
        values=values,
    )
    shown = ", ".join(layer_ids or LAYER_IDS)
    where = f"département {departement}" if departement else "Occitanie"
    coloured = f" ; en euros pour le profil {profile}" if profile else ""
    sys.stdout.write(
        f"Carte écrite : {result.path} ({_size(result.bytes)}, {where}, au"
        f" {on.strftime('%d/%m/%Y')} ; couches : {shown}{coloured})\n"
    )
    return 0
