"""The place options shared by sub-commands: ``--insee CODE | --lat Y --lon X | --address TEXTE``.

:func:`add_place_arguments` adds them to a parser; :func:`place_from_args` turns the parsed
arguments into :class:`~zonage.place.PlaceFacts`, printing the place's notes (e.g. "result at
commune level" when the address service could not be reached) on stderr.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from application.cli._output import say
from application.cli._parser import Once
from application.service import check_search_text
from zonage.errors import InvalidInput
from zonage.place import PlaceFacts

PLACE_USAGE = "--insee CODE | --lat Y --lon X | --address TEXTE"


def add_place_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the mutually exclusive place options to ``parser``, each given at most once.

    Exclusivity is checked by :func:`place_from_args` (with a French one-line message) rather
    than by argparse, because ``--lat`` and ``--lon`` go together.
    """
    group = parser.add_argument_group("lieu", f"un seul lieu : {PLACE_USAGE}")
    group.add_argument(
        "--insee",
        metavar="CODE",
        action=Once,
        help="code INSEE de la commune (5 chiffres, ou 2A/2B et 3 chiffres ; ex. 31555)",
    )
    group.add_argument(
        "--lat",
        metavar="Y",
        action=Once,
        help="latitude WGS84 en degrés décimaux (ex. 43.6045 ou 43,6045), avec --lon",
    )
    group.add_argument(
        "--lon",
        metavar="X",
        action=Once,
        help="longitude WGS84 en degrés décimaux (ex. 1.4440 ou --lon=-0,5), avec --lat",
    )
    group.add_argument(
        "--address",
        metavar="TEXTE",
        action=Once,
        help="adresse, commune, code postal ou « lat, lon » (Base Adresse Nationale ; hors ligne :"
        " liste des communes, au niveau de la commune)",
    )


def place_from_args(
    args: argparse.Namespace, *, note: Callable[[str], None] | None = None
) -> PlaceFacts:
    """The place named by the parsed place options; each of its notes goes to ``note`` (by
    default a ``zonage : note :`` line on stderr).

    Raises :class:`InvalidInput` (exit 2) for a missing, doubled or malformed place, and
    :class:`NotFound` / :class:`OutsideRegion` (exit 3) for a place we cannot find in Occitanie.
    """
    insee = getattr(args, "insee", None)
    lat = getattr(args, "lat", None)
    lon = getattr(args, "lon", None)
    address = getattr(args, "address", None)
    given = [
        name for name, value in (("--insee", insee), ("--address", address)) if value is not None
    ]
    if lat is not None or lon is not None:
        given.append("--lat/--lon")
    if not given:
        raise InvalidInput(f"Aucun lieu indiqué : donnez {PLACE_USAGE}.")
    if len(given) > 1:
        raise InvalidInput(f"Un seul lieu à la fois ({' et '.join(given)} donnés) : {PLACE_USAGE}.")
    if (lat is None) != (lon is None):
        missing, present = ("--lon", "--lat") if lon is None else ("--lat", "--lon")
        raise InvalidInput(
            f"{present} sans {missing} : donnez les deux, ex. --lat 43.6045 --lon 1.4440."
        )
    place = _resolve(insee, lat, lon, address)
    for text in place.notes:
        (note or _note_line)(text)
    return place


def _note_line(text: str) -> None:
    say(f"zonage : note : {text}")


def _resolve(
    insee: str | None, lat: str | None, lon: str | None, address: str | None
) -> PlaceFacts:
    # Input is checked before the layer is loaded, so bad input fails fast.
    from geo.lookup import get_lookup, parse_coordinate
    from geo.names import parse_insee

    if insee is not None:
        code = parse_insee(insee)
        return get_lookup().commune(code)
    if lat is not None and lon is not None:
        y = parse_coordinate(lat, "lat")
        x = parse_coordinate(lon, "lon")
        return get_lookup().point(lon=x, lat=y)
    from geo.geocode import default_geocoder, place_from_text

    if not (address or "").strip():
        raise InvalidInput(
            "Adresse vide : indiquez une adresse, ex. « 1 place du Capitole, Toulouse »."
        )
    check_search_text(address or "")
    return place_from_text(address or "", get_lookup(), default_geocoder())
