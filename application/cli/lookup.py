"""``zonage lookup (--insee CODE | --lat Y --lon X | --address TEXTE) [--json]``: the place and
every zoning fact there, with the data vintages."""

from __future__ import annotations

import argparse
from typing import Any

from application.cli._output import emit
from application.cli._place import add_place_arguments, place_from_args
from zonage.place import PRIORITY_DEPARTMENTS, PlaceFacts
from zonage.text import ZONE_LABELS, ZRR_LABELS, zone_text


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


def _qpv_text(qpvs: tuple[Any, ...]) -> str:
    return "; ".join(f"{q.code} {q.nom}".strip() for q in qpvs) if qpvs else "aucun"


def format_place(place: PlaceFacts) -> str:
    """Readable French text of the place facts (the default output)."""
    lines = [f"{place.nom} (INSEE {place.insee}) — {place.departement_nom} ({place.departement})"]
    if place.precision == "point" and place.lat is not None and place.lon is not None:
        lines.append(f"Position : lat {place.lat:.5f}, lon {place.lon:.5f}")
    else:
        lines.append("Précision : commune entière (pas de point précis)")
    lines.append(f"Zonage médecins : {zone_text(place.zonage_medecins)}")
    if place.precision == "point":
        qpv = f"{place.qpv.code} {place.qpv.nom}" if place.qpv else "aucun"
        lines.append(f"QPV au point (contours 2015) : {qpv}")
    else:
        lines.append("QPV au point : non déterminé (donnez une adresse ou un point)")
    lines.append(f"QPV de la commune (liste 2015) : {_qpv_text(place.qpv2015_commune)}")
    lines.append(f"QPV de la commune (liste 2024) : {_qpv_text(place.qpv2024)}")
    lines.append(f"Massif : {place.massif or 'hors massif'}")
    lines.append(f"ZRR (jusqu'au 30 juin 2024) : {ZRR_LABELS.get(place.zrr, place.zrr)}")
    lines.append(f"FRR (depuis le 1er juillet 2024) : {place.frr}")
    prio = "oui" if place.departement_prioritaire else "non"
    lines.append(f"Département prioritaire ({', '.join(PRIORITY_DEPARTMENTS)}) : {prio}")
    if place.population is not None:
        lines.append(f"Population : {place.population:,}".replace(",", "\u202f"))
    if place.codes_postaux:
        lines.append(f"Codes postaux : {', '.join(place.codes_postaux)}")
    if place.vintages:
        lines.append("Sources :")
        lines.extend(f"  - {text}" for text in place.vintages.values())
    return "\n".join(lines) + "\n"
