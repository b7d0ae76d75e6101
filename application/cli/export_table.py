"""``zonage export-table --profile ID [--date AAAA-MM-JJ] [--situation CLÉ=VALEUR ...]
[--format csv|parquet|geojson] --out FICHIER``: one row per commune of Occitanie (its zones,
the aid ids by status, the euros guaranteed / possible / per year) as open data."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from application.cli._answer_args import (
    add_answer_arguments,
    parse_one_profile,
    situation_from_args,
)
from application.cli._output import write_stdout
from application.cli._parser import Once
from application.region_table import FORMATS, ID_SEPARATOR, encode, evaluate, table_records
from zonage.engine import parse_date
from zonage.errors import InvalidInput
from zonage.text import fr_date, quoted

# The format a file name says when --format is not given.
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".geojson": "geojson", ".json": "geojson"}


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
    from geo import paths

    start = time.perf_counter()
    profile = parse_one_profile(args.profile, "le tableau se fait")
    on = parse_date(args.date)
    situation = situation_from_args(args)
    out = paths.check_typed_file(Path(args.out), "le tableau", tuple(_SUFFIXES), "tableau.csv")
    fmt = parse_format(args.format, out)
    if _SUFFIXES[out.suffix.lower()] != fmt:
        raise InvalidInput(
            f"--format {fmt} et le nom {quoted(out.name)} ne vont pas ensemble.",
            hint=f"Par exemple : --format {fmt} --out tableau.{fmt}.",
        )

    region, places = evaluate(profile, on, situation)
    records = table_records(region, places)
    data = encode(records, fmt)
    paths.write_output(out, data)
    seconds = time.perf_counter() - start
    write_stdout(
        f"Tableau écrit : {out} ({len(records)} communes, {fmt}, {len(data) / 1e3:.0f} ko ;"
        f" profil {profile}, au {fr_date(on)} ; {region.fact_sets} cas distincts ;"
        f" {seconds:.1f} s)\n"
    )
    return 0
