"""The chosen place on the app's map: the commune's exact outline and the clicked point."""

from __future__ import annotations

import string

import folium
import shapely
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

SELECTION_COLOUR = "#0b3d91"
# UTF-16 code units written as themselves in a JavaScript string; every other is escaped.
_SAFE = {ord(c): c for c in string.ascii_letters + string.digits + " "}


def js_string(text: str) -> str:
    """``text`` as a JavaScript string literal of ASCII letters, digits, spaces and ``\\uXXXX``.

    Nothing in it can end a script, a template literal or the string, and nothing looks like
    the ``{{…}}`` or ``_<id>`` names that streamlit-folium rewrites in the scripts it sends.
    """
    data = text.encode("utf-16-be", "surrogatepass")
    units = (int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2))
    return '"' + "".join(_SAFE.get(u) or f"\\u{u:04x}" for u in units) + '"'


class TextTooltip(MacroElement):
    """A tooltip showing ``text`` as text (``textContent``), whatever characters it holds.

    ``folium.Tooltip`` pastes its text into a JavaScript template literal read as HTML: a
    commune name from the data would be markup, or script, there.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(function () {
                var node = document.createElement("span");
                node.textContent = {{ this.text }};
                return node;
            }, {"sticky": true});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "TextTooltip"
        self.text = js_string(text)


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
        marker = folium.CircleMarker(
            location=[lat, lon],
            radius=7,
            color="#ffffff",
            weight=2,
            fill=True,
            fill_color=SELECTION_COLOUR,
            fill_opacity=1,
            class_name="zonage-selection",
        )
        if label:
            marker.add_child(TextTooltip(label))
        marker.add_to(group)
    return group
