"""``zonage data build|check|fetch``: build the commune layer from the sources, validate it,
or gather the sources into the cache."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path

from zonage.errors import DataError, InvalidInput
from zonage.place import PlaceFacts
from zonage.text import fr_date, quoted

#: ``--zoning-table`` given without a folder: a marker no folder of the command line can equal
#: (``.`` is a folder: the current one).
CACHE_FOLDER = object()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``data`` command and its sub-commands."""
    parser = subparsers.add_parser(
        "data",
        help="construire, vérifier ou récupérer la couche communale",
        description="Couche communale : construction depuis les sources, contrôle, récupération.",
    )
    sub = parser.add_subparsers(dest="data_command", required=True, metavar="ACTION")

    p_build = sub.add_parser(
        "build",
        help="construire data/build depuis les fichiers sources",
        description="Vérifie les sha256 des sources puis construit la couche communale.",
    )
    p_build.add_argument(
        "--mirror",
        type=Path,
        metavar="DIR",
        help="dossier des sources (défaut : ZONAGE_MIRROR, ../shared/data/raw, sinon data/cache)",
    )
    p_build.add_argument(
        "--out", type=Path, metavar="DIR", help="dossier de sortie (défaut : data/build)"
    )
    p_build.add_argument(
        "--zoning-table",
        type=Path,
        metavar="FICHIER",
        help="table DataSanté des communes (zonage médecins daté) à lire au lieu de l'extrait"
        " du miroir",
    )
    p_build.add_argument(
        "--if-missing",
        action="store_true",
        help="ne rien faire si une couche lisible existe déjà",
    )
    p_build.set_defaults(func=_build)

    p_check = sub.add_parser(
        "check",
        help="contrôler la couche construite",
        description="Contrôle la couche construite : effectifs, géométries, topologie, "
        "zonage, massifs, QPV.",
    )
    p_check.add_argument(
        "--dir", type=Path, metavar="DIR", help="dossier de la couche (défaut : data/build)"
    )
    p_check.set_defaults(func=_check)

    p_fetch = sub.add_parser(
        "fetch",
        help="copier ou télécharger les sources dans data/cache",
        description="Copie les sources depuis un miroir, ou les télécharge depuis leur origine, "
        "en vérifiant chaque sha256.",
    )
    p_fetch.add_argument(
        "--mirror",
        type=Path,
        metavar="DIR",
        help="dossier miroir à copier (défaut : ZONAGE_MIRROR ou ../shared/data/raw s'il existe ; "
        "les fichiers absents du miroir sont téléchargés)",
    )
    p_fetch.add_argument(
        "--cache", type=Path, metavar="DIR", help="dossier cible (défaut : data/cache)"
    )
    p_fetch.add_argument(
        "--zoning-table",
        nargs="?",
        const=CACHE_FOLDER,
        metavar="DIR",
        help="télécharger seulement la table DataSanté des communes actuelle (zonage médecins"
        " daté) dans DIR (défaut : data/cache/datasante), à donner ensuite à"
        " `data build --zoning-table`",
    )
    p_fetch.set_defaults(func=_fetch)
    _register_diff(sub)


def _register_diff(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p_diff = sub.add_parser(
        "diff",
        help="communes dont le zonage médecins change entre deux dates",
        description="Liste, par département, les communes dont la classe du zonage médecins"
        " en vigueur diffère entre deux dates (versions de la couche construite).",
    )
    p_diff.add_argument("--from", dest="date_from", required=True, metavar="AAAA-MM-JJ")
    p_diff.add_argument("--to", dest="date_to", required=True, metavar="AAAA-MM-JJ")
    p_diff.add_argument(
        "--dir", type=Path, metavar="DIR", help="dossier de la couche (défaut : data/build)"
    )
    p_diff.add_argument("--json", action="store_true", help="sortie JSON (pour les scripts)")
    p_diff.set_defaults(func=_diff)


def _up_to_date(out: Path) -> str | None:
    """Why the layer in ``out`` can be kept (None when it must be built)."""
    from geo.layer import load
    from geo.manifest import load_manifest

    try:
        layers = load(out)
    except DataError:
        return None
    inputs = {f.path: f.sha256 for f in load_manifest().files}
    if layers.metadata.get("inputs") != inputs:
        print(
            "couche communale construite depuis d'autres sources : reconstruction.", file=sys.stderr
        )
        return None
    return f"couche communale déjà construite dans {quoted(out)} : rien à faire."


_MIRROR_HINT = "Donnez le dossier des sources (par exemple ../shared/data/raw)."


def _build(args: argparse.Namespace) -> int:
    from geo import paths, settings
    from geo.build import build

    # Every path is checked before any work: nothing is replaced that is not a build.
    out = paths.check_build_dir(args.out or settings.BUILD_DIR)
    if args.mirror is not None:
        paths.check_input_dir(args.mirror, "le miroir", _MIRROR_HINT)
    if args.zoning_table is not None and not args.zoning_table.is_file():
        raise InvalidInput(
            f"table de zonage {quoted(args.zoning_table)} introuvable.",
            hint="Donnez le fichier CSV de la table des communes DataSanté.",
        )
    if args.if_missing:
        kept = _up_to_date(out)
        if kept:
            print(kept, file=sys.stderr)
            return 0
    result = build(mirror=args.mirror, out_dir=out, zoning_table=args.zoning_table)
    print(f"couche communale écrite dans {quoted(result.out_dir)} en {result.seconds:.1f} s")
    return 0


def _check(args: argparse.Namespace) -> int:
    from geo import paths
    from geo.check import run_checks

    if args.dir is not None:
        paths.check_length(args.dir, "la couche")
    results = run_checks(args.dir)
    width = max(len(r.name) for r in results)
    for r in results:
        mark = "ok " if r.ok else "ÉCHEC"
        print(f"{mark:5} {r.name:<{width}}  {r.detail}")
    failed = [r.name for r in results if not r.ok]
    if failed:
        raise DataError(
            f"contrôle(s) échoué(s) : {', '.join(failed)}.",
            hint="Voir le détail ci-dessus et build_report.md ; "
            "reconstruisez avec `zonage data build`.",
        )
    print(f"{len(results)} contrôles réussis.")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from geo import paths, settings
    from geo.fetch import fetch

    if args.zoning_table is not None:
        return _fetch_zoning_table(args.zoning_table)
    mirror = args.mirror
    if mirror is not None:
        paths.check_input_dir(
            mirror,
            "le miroir",
            "Donnez le dossier des sources, ou omettez --mirror pour télécharger.",
        )
    if args.cache is not None:
        paths.check_length(args.cache, "le cache")
    if mirror is None and settings.MIRROR_DIR.is_dir():
        mirror = settings.MIRROR_DIR
    cache = fetch(mirror=mirror, cache=args.cache)
    print(f"sources vérifiées dans {cache}")
    return 0


def zoning_table_folder(value: Path | str | object) -> Path:
    """Where ``data fetch --zoning-table [DIR]`` writes: DIR (``.`` included), or the cache's
    ``datasante`` folder when no DIR is given."""
    from geo import settings

    return settings.CACHE_DIR / "datasante" if value is CACHE_FOLDER else Path(str(value))


def _fetch_zoning_table(value: Path | str | object) -> int:
    from geo import paths
    from geo.fetch import stderr_progress
    from geo.loaders.datasante_fetch import fetch_commune_table

    folder = zoning_table_folder(value)
    paths.check_length(folder, "le dossier de la table")
    folder.mkdir(parents=True, exist_ok=True)
    table = fetch_commune_table(folder, progress=stderr_progress)
    print(
        f"table DataSanté écrite dans {quoted(table.path)} (sha256 {table.sha256}) ; "
        f"construisez avec : zonage data build --zoning-table {table.path}"
    )
    return 0


def zoning_diff(facts: Iterable[PlaceFacts], start: dt.date, end: dt.date) -> dict[str, list]:
    """Communes whose doctor zoning class in force differs between ``start`` and ``end``, by
    department: ``insee, nom, avant, apres, arrete`` (order of the version at ``end``)."""
    out: dict[str, list[dict[str, str | None]]] = {}
    for f in facts:
        before, after = f.version_on(start), f.version_on(end)
        old = before.classe if before else f.zonage_medecins
        new = after.classe if after else f.zonage_medecins
        if old != new:
            out.setdefault(f.departement, []).append(
                {
                    "insee": f.insee,
                    "nom": f.nom,
                    "avant": old,
                    "apres": new,
                    "arrete": after.arrete if after else None,
                }
            )
    return dict(sorted(out.items()))


def _diff(args: argparse.Namespace) -> int:
    from application.cli._output import emit
    from geo.lookup import get_lookup
    from zonage.engine import parse_date

    start, end = parse_date(args.date_from), parse_date(args.date_to)
    changes = zoning_diff(get_lookup(args.dir).table.facts, start, end)

    def text() -> str:
        lines = [f"Zonage médecins : changements du {fr_date(start)} au {fr_date(end)}"]
        for dep, rows in changes.items():
            lines.append(f"{dep} : {len(rows)} commune(s)")
            lines += [
                f"  {r['insee']} {r['nom']} : {r['avant'] or '—'} → {r['apres'] or '—'}"
                for r in rows
            ]
        if not changes:
            lines.append("Aucune commune ne change de classe.")
        return "\n".join(lines) + "\n"

    doc = {"du": start.isoformat(), "au": end.isoformat(), "par_departement": changes}
    emit(args.json, lambda: doc, text)
    return 0
