"""``zonage data build|check|fetch``: build the commune layer from the sources, validate it,
or gather the sources into the cache."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zonage.errors import DataError
from zonage.text import quoted


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
    p_fetch.set_defaults(func=_fetch)


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
    if args.if_missing:
        kept = _up_to_date(out)
        if kept:
            print(kept, file=sys.stderr)
            return 0
    result = build(mirror=args.mirror, out_dir=out)
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
