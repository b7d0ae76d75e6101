"""Standalone HTML export of the zoning map: one file, every asset inline, opens offline.

The page carries Leaflet, topojson-client and the simplified layer (TopoJSON) inside itself;
it makes no request except, when there is a network, for the base-map tiles.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo import atomic
from geo.webmap.builder import TITLE, build_map
from geo.webmap.layer import WebLayer
from zonage.errors import InvalidInput


@dataclass(frozen=True)
class Export:
    """What :func:`write_html` wrote."""

    path: Path
    bytes: int
    seconds: float


def render_html(
    web: WebLayer,
    *,
    departement: str | None = None,
    layers: Sequence[str] | None = None,
    tiles: bool = True,
) -> str:
    """The standalone page of the map (``web`` limited to ``departement`` if given).

    Raises :class:`InvalidInput` for an unknown department or layer.
    """
    fmap = build_map(web, layers=layers, departement=departement, mode="standalone", tiles=tiles)
    figure = fmap.get_root()
    where = (
        "Occitanie" if departement is None else f"{web.departements[departement]} ({departement})"
    )
    figure.title = html.escape(f"{TITLE} : {where}" if departement else TITLE)
    page = figure.render()
    return page.replace("<html>", '<html lang="fr">', 1)


def write_html(
    web: WebLayer,
    out: Path,
    *,
    departement: str | None = None,
    layers: Sequence[str] | None = None,
    tiles: bool = True,
) -> Export:
    """Write the standalone page to ``out`` atomically (a reader never sees half a file)."""
    start = time.perf_counter()
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(
            f"{out} est un dossier.", hint="Donnez un nom de fichier, par exemple carte.html."
        )
    if out.suffix.lower() not in (".html", ".htm"):
        raise InvalidInput(
            f"le fichier de sortie doit finir par .html : {out.name}.",
            hint="Par exemple : --out carte.html.",
        )
    if not out.parent.is_dir():
        raise InvalidInput(
            f"dossier de sortie introuvable : {out.parent}.",
            hint="Créez-le d'abord ou choisissez un dossier existant.",
        )
    page = render_html(web, departement=departement, layers=layers, tiles=tiles)
    data = page.encode("utf-8")
    try:
        atomic.write_bytes(out, data)
        # The temporary file is private (0600); an exported map is meant to be shared.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(out, 0o666 & ~umask)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire {out} ({exc.strerror}).",
            hint="Choisissez un dossier où vous pouvez écrire.",
        ) from None
    return Export(path=out, bytes=len(data), seconds=time.perf_counter() - start)
