"""Standalone HTML export of the zoning map: one file, every asset inline, opens offline.

The page carries Leaflet, topojson-client and the simplified layer (TopoJSON) inside itself;
it makes no request except, when there is a network, for the base-map tiles.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from branca.element import Figure

from geo import paths
from geo.webmap.builder import build_map
from geo.webmap.layer import WebLayer
from geo.webmap.spec import TITLE
from geo.webmap.style import NO_POLICY, MapPolicy
from geo.webmap.values import ValueLayer

_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


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
    policy: MapPolicy = NO_POLICY,
    on: dt.date | None = None,
    values: ValueLayer | None = None,
) -> str:
    """The standalone page of the map (``web`` limited to ``departement`` if given), with the
    caller's ``policy`` facts (priority departments, dated titles), the doctor zoning in
    force on ``on`` (default: today, the latest version of every commune) and the caller's
    value per commune (``values``: the colour layer shown, its heading the page's title).

    Raises :class:`InvalidInput` for an unknown department or layer.
    """
    fmap = build_map(
        web,
        layers=layers,
        departement=departement,
        mode="standalone",
        tiles=tiles,
        policy=policy,
        on=on,
        values=values,
    )
    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # a folium map's root is always its figure
    where = (
        "Occitanie" if departement is None else f"{web.departements[departement]} ({departement})"
    )
    heading = values.heading if values is not None and values.heading else TITLE
    figure.title = html.escape(f"{heading} : {where}" if departement else heading)
    return _accessible(figure.render())


def _accessible(page: str) -> str:
    """Folium's page in French, zoomable (Folium's viewport forbids enlarging the page on a
    phone, legend included) and with the map as its main landmark."""
    page = page.replace("<html>", '<html lang="fr">', 1)
    page = _FOLIUM_VIEWPORT.sub(_VIEWPORT, page, count=1)
    return page.replace('<div class="folium-map"', '<div role="main" class="folium-map"', 1)


def write_html(
    web: WebLayer,
    out: Path,
    *,
    departement: str | None = None,
    layers: Sequence[str] | None = None,
    tiles: bool = True,
    policy: MapPolicy = NO_POLICY,
    on: dt.date | None = None,
    values: ValueLayer | None = None,
) -> Export:
    """Write the standalone page to ``out`` atomically (a reader never sees half a file)."""
    start = time.perf_counter()
    out = check_map_file(out)
    page = render_html(
        web, departement=departement, layers=layers, tiles=tiles, policy=policy, on=on,
        values=values,
    )  # fmt: skip
    data = page.encode("utf-8")
    paths.write_output(out, data)  # with the mode open() would give: the map is shared
    return Export(path=out, bytes=len(data), seconds=time.perf_counter() - start)


def check_map_file(out: Path) -> Path:
    """``out`` if the map can be written there (an .html name, not a folder, in an existing
    writable folder); raises :class:`InvalidInput` otherwise, before any work."""
    return paths.check_html_file(out, "la carte", "carte.html")
