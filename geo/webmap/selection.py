"""The chosen place on the app's map: the commune's exact outline and the clicked point."""

from __future__ import annotations

import folium
import shapely
from shapely.geometry.base import BaseGeometry

SELECTION_COLOUR = "#0b3d91"


def selection_group(
    outline: BaseGeometry | None,
    point: tuple[float, float] | None = None,
    label: str = "",
) -> folium.FeatureGroup:
    """A feature group with ``outline`` (WGS84 polygon) and a dot at ``point`` (lon, lat).

    The outline is drawn from the exact geometry, so near a border it may differ slightly from
    the simplified commune fills (the lookup uses the exact one too).
    """
    group = folium.FeatureGroup(name="Lieu choisi", control=False)
    if outline is not None:
        folium.GeoJson(
            shapely.geometry.mapping(outline),
            style_function=lambda _: {"color": SELECTION_COLOUR, "weight": 3, "fill": False},
            interactive=False,
        ).add_to(group)
    if point is not None:
        lon, lat = point
        folium.CircleMarker(
            location=[lat, lon],
            radius=7,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=SELECTION_COLOUR,
            fill_opacity=1,
            class_name="zonage-selection",
            tooltip=folium.Tooltip(label) if label else None,
        ).add_to(group)
    return group
