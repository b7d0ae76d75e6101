"""``zonage export-table --profile ID [--date AAAA-MM-JJ] [--situation CLÉ=VALEUR ...]
[--format csv|parquet|geojson] --out FICHIER``: one row per commune of Occitanie (its zones,
the aid ids by status, the euros guaranteed / possible / per year) as open data."""

from __future__ import annotations

import argparse
import io
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from application.cli._answer_args import (
    add_answer_arguments,
    parse_one_profile,
    situation_from_args,
)
from application.cli._output import write_stdout
from application.cli._parser import Once
from zonage.engine import parse_date
from zonage.errors import InvalidInput
from zonage.text import fr_date, quoted

if TYPE_CHECKING:
    from zonage.engine.region import Region
    from zonage.place import PlaceFacts

FORMATS = ("csv", "parquet", "geojson")
# The format a file name says when --format is not given.
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".geojson": "geojson", ".json": "geojson"}
# Columns holding aid ids: one text, the ids joined by this separator.
ID_SEPARATOR = ";"
_ID_COLUMNS = ("aides_eligibles", "aides_sous_condition", "aides_a_verifier")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``export-table`` sub-command."""
    parser = subparsers.add_parser(
        "export-table",
        help="tableau des aides par commune (CSV, Parquet ou GeoJSON), pour un profil",
        description="Écrit une ligne par commune d'Occitanie pour un profil, à une date et"
        " selon « Ma situation » : zonage médecins en vigueur et son arrêté, QPV, massif, zone"
        " de montagne, ZRR, FRR, les aides éligibles, sous condition et à vérifier (identifiants"
        f" séparés par « {ID_SEPARATOR} »), les montants en euros (garanti, si vos réponses"
        " conviennent, possible ; ponctuels et par an à part) et l'obligation principale."
        " GeoJSON : avec les contours simplifiés de la carte web (WGS84).",
    )
    add_answer_arguments(parser, one_profile=True)
    parser.add_argument(
        "--format",
        metavar="FORMAT",
        action=Once,
        help=f"{', '.join(FORMATS)} (défaut : d'après l'extension de --out, sinon csv)",
    )
    parser.add_argument(
        "--out", metavar="FICHIER", action=Once, required=True, help="fichier à écrire"
    )
    parser.set_defaults(func=run)


def parse_format(value: str | None, out: Path) -> str:
    """``--format`` checked, or the format the name of ``out`` says (csv by default)."""
    if value is None:
        return _SUFFIXES.get(out.suffix.lower(), "csv")
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise InvalidInput(
            f"format inconnu : {quoted(value)}.", hint=f"Choisissez parmi : {', '.join(FORMATS)}."
        )
    return fmt


def run(args: argparse.Namespace) -> int:
    """Write the table; bad input and a bad ``--out`` fail before the layer is read."""
    from geo import atomic, paths

    start = time.perf_counter()
    profile = parse_one_profile(args.profile, "le tableau se fait")
    on = parse_date(args.date)
    situation = situation_from_args(args)
    out = paths.check_output_file(Path(args.out), "le tableau", "tableau.csv")
    fmt = parse_format(args.format, out)

    from geo.lookup import get_lookup
    from zonage.engine.region import evaluate_region

    places = get_lookup().all_communes()
    region = evaluate_region(places, profile, on, situation=situation)
    records = table_records(region, places)
    data = _encode(records, fmt)
    try:
        atomic.write_bytes(out, data)  # a reader never sees half a table
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire {quoted(out)} ({paths.reason(exc)}).",
            hint="Choisissez un dossier où vous pouvez écrire.",
        ) from None
    seconds = time.perf_counter() - start
    write_stdout(
        f"Tableau écrit : {out} ({len(records)} communes, {fmt}, {len(data) / 1e3:.0f} ko ;"
        f" profil {profile}, au {fr_date(on)} ; {region.fact_sets} cas distincts ;"
        f" {seconds:.1f} s)\n"
    )
    return 0


def table_records(region: Region, places: Sequence[PlaceFacts]) -> list[dict[str, Any]]:
    """One flat record per commune: its zones on the region's date, then its row (aid ids
    joined by :data:`ID_SEPARATOR`), then the profile, date and situation."""
    from application.render.policy import is_priority
    from zonage.catalogue import load_catalogue

    rules = load_catalogue().rules
    situation = ID_SEPARATOR.join(f"{k}={v}" for k, v in region.situation.to_query().items())
    records = []
    for place, row in zip(places, region.rows, strict=True):
        d = row.to_dict()
        for column in _ID_COLUMNS:
            d[column] = ID_SEPARATOR.join(d[column])
        zones = {
            "departement_nom": place.departement_nom,
            "departement_prioritaire": is_priority(place, rules, region.date),
            "qpv2015": ID_SEPARATOR.join(q.code for q in place.qpv2015_commune),
            "qpv2024": ID_SEPARATOR.join(q.code for q in place.qpv2024),
            "massif": place.massif,
            "zone_montagne": place.zone_montagne,
            "zrr": place.zrr,
            "frr": place.frr,
            "frr_code": place.frr_code,
        }
        head = {k: d.pop(k) for k in ("insee", "nom", "departement")}
        records.append(
            {
                **head,
                **zones,
                **d,
                "profil": region.profile,
                "date": region.date.isoformat(),
                "situation": situation,
            }
        )
    return records


def _encode(records: list[dict[str, Any]], fmt: str) -> bytes:
    """The table as the bytes of a CSV (UTF-8), Parquet or GeoJSON file."""
    if fmt == "geojson":
        return _geojson(records).encode("utf-8")
    import pandas as pd

    frame = pd.DataFrame.from_records(records)
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _geojson(records: list[dict[str, Any]]) -> str:
    """A GeoJSON FeatureCollection: each record with its commune's outline from the web map
    (the simplified topology computed once per build, decoded here; WGS84)."""
    import numpy as np
    import shapely

    from geo.webmap.layer import GRID_STEP, get_web_layer
    from geo.webmap.topology import decode

    web = get_web_layer()
    # Decoded points are grid multiples up to float noise: written with the grid's decimals.
    decimals = round(-math.log10(GRID_STEP))
    geoms = [
        None if g is None else shapely.transform(g, lambda xy: np.round(xy, decimals))
        for g in decode(web.topology, "communes")
    ]
    outlines = dict(zip(web.communes["insee"], geoms, strict=True))
    features = []
    for record in records:
        outline = outlines.get(record["insee"])
        geometry = "null" if outline is None else shapely.to_geojson(outline)
        properties = json.dumps(record, ensure_ascii=False)
        features.append(f'{{"type":"Feature","geometry":{geometry},"properties":{properties}}}')
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
