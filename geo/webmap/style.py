"""What the web map shows: its layers, their classes, colours and French labels, as data.

Each layer reads one column of the commune layer (or the QPV polygons). A class maps a value
of that column to a one-character code (sent to the browser, one character per commune), a
colour and a label. ``vintage`` names the entry of ``Layers.vintages`` quoted under the layer
in the legend and in the title.

Policy facts (which departments are priority ones, the dates of the ZRR and FRR regimes) are
not the map's: the caller reads them from the aid catalogue on a date and gives them as a
:class:`MapPolicy`, applied by :func:`styles`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from zonage.place import FRR_LABELS

#: How the browser draws a layer: a fill per commune, communes merged into zones, the lines
#: between communes of different values, or the QPV polygons.
Kind = Literal["choropleth", "merge", "mesh", "qpv"]


@dataclass(frozen=True)
class Class:
    """One class of a layer: the column value, its code in the page, colour and label."""

    value: Any
    code: str
    color: str
    label: str


@dataclass(frozen=True)
class LayerStyle:
    """One toggleable layer of the map."""

    id: str
    kind: Kind
    title: str  # name in the layer switcher and heading of its legend section
    column: str | None  # column of the commune layer it reads (None: QPV polygons)
    vintage: str | None  # key of ``Layers.vintages`` quoted as the layer's source
    source: str | None = None  # source text when it is not one of ``Layers.vintages``
    tooltip: str = ""  # label before the class in a commune's tooltip
    classes: tuple[Class, ...] = ()
    missing: Class | None = None  # class of a commune whose value is empty or unknown
    shown: bool = False  # visible when the map opens
    style: tuple[tuple[str, Any], ...] = ()  # Leaflet path options
    names_departements: bool = False  # the legend label lists the departments of the class
    # The layer classes whether the column's value is one of these (a policy's set, given by
    # the caller: see MapPolicy); None: the column's value itself.
    members: tuple[str, ...] | None = None


@dataclass(frozen=True)
class MapPolicy:
    """The policy facts the map draws, read by the caller from the aid catalogue on a date:
    the codes of the priority departments, and titles and sources replacing the layers' own
    ones (``(layer id, text)`` pairs, e.g. the ZRR layer with its end date)."""

    priority_departments: tuple[str, ...] = ()
    titles: tuple[tuple[str, str], ...] = ()
    sources: tuple[tuple[str, str], ...] = ()


#: No policy given: no priority department drawn, the layers' own titles.
NO_POLICY = MapPolicy()


#: Code of a commune outside every class of a ``merge`` layer (no zone drawn for it).
NONE_CODE = "-"

ZONAGE = LayerStyle(
    id="zonage",
    kind="choropleth",
    title="Zonage médecins généralistes (ZIP, ZAC, ZAR)",
    column="zonage_medecins",
    vintage="zonage_medecins",
    tooltip="Zonage médecins",
    classes=(
        Class("ZIP", "I", "#d7301f", "ZIP, zone d'intervention prioritaire"),
        Class("ZAC", "C", "#fc8d59", "ZAC, zone d'action complémentaire"),
        Class("ZAR", "R", "#fdf3d8", "ZAR, zone d'appui régional"),
    ),
    missing=Class(None, "X", "#bdbdbd", "Non classée dans le fichier (à vérifier auprès de l'ARS)"),
    shown=True,
)

ZRR = LayerStyle(
    id="zrr",
    kind="choropleth",
    title="ZRR (zones de revitalisation rurale)",
    column="zrr",
    vintage="zrr",
    tooltip="ZRR",
    classes=(
        Class("classee", "C", "#2c7fb8", "Classée en ZRR"),
        Class("partiellement_classee", "P", "#7fcdbb", "Partiellement classée (à vérifier)"),
        Class("non_classee", "N", "#f4f4f4", "Non classée"),
    ),
    missing=Class(None, "X", "#bdbdbd", "Inconnu (à vérifier)"),
)

FRR = LayerStyle(
    id="frr",
    kind="choropleth",
    title="FRR (France Ruralités Revitalisation)",
    column="frr_code",
    vintage="frr",
    tooltip="FRR",
    classes=(
        Class(5, "5", "#006837", FRR_LABELS[5]),
        Class(4, "4", "#31a354", FRR_LABELS[4]),
        Class(1, "1", "#addd8e", FRR_LABELS[1]),
        Class(2, "2", "#d9f0a3", f"{FRR_LABELS[2]} (à vérifier)"),
        Class(0, "0", "#f4f4f4", FRR_LABELS[0]),
    ),
    missing=Class(None, "X", "#bdbdbd", "Inconnu (à vérifier)"),
)

MASSIFS = LayerStyle(
    id="massifs",
    kind="merge",
    title="Massifs (loi Montagne)",
    column="massif",
    vintage="massif",
    tooltip="Massif",
    classes=(
        Class("Pyrénées", "P", "#1b7837", "Massif des Pyrénées"),
        Class("Massif central", "C", "#8c510a", "Massif central"),
    ),
    style=(("weight", 2), ("dashArray", "6 4"), ("fillOpacity", 0.12), ("opacity", 0.9)),
)

MONTAGNE = LayerStyle(
    id="zone_montagne",
    kind="merge",
    title="Zone de montagne (communes classées)",
    column="zone_montagne",
    vintage="zone_montagne",
    tooltip="Zone de montagne",
    classes=(Class(True, "M", "#4d9221", "Commune classée en zone de montagne"),),
    style=(("weight", 2), ("dashArray", "2 4"), ("fillOpacity", 0.1), ("opacity", 0.9)),
)

QPV = LayerStyle(
    id="qpv",
    kind="qpv",
    title="Quartiers prioritaires (QPV, liste 2015)",
    column=None,
    vintage="qpv2015",
    tooltip="QPV",
    classes=(
        Class(
            True, "Q", "#6a3d9a", "Quartier prioritaire de la politique de la ville (liste 2015)"
        ),
    ),
    shown=True,
    style=(("weight", 1.5), ("fillOpacity", 0.35), ("fillColor", "#cab2d6")),
)

PRIORITAIRES = LayerStyle(
    id="departements_prioritaires",
    kind="merge",
    title="Départements prioritaires (contrats ARS)",
    column="departement",
    vintage=None,
    source=(
        "Départements ciblés par les contrats spécifiques de l'ARS Occitanie : brochure "
        "« Aides à l'installation des médecins en Occitanie » du 27 décembre 2023"
    ),
    tooltip="Département prioritaire",
    classes=(Class(True, "P", "#08306b", "Département prioritaire"),),
    style=(("weight", 3), ("fillOpacity", 0.08), ("opacity", 0.9)),
    names_departements=True,
    members=(),  # none unless the caller's MapPolicy names them
)

DEPARTEMENTS = LayerStyle(
    id="departements",
    kind="mesh",
    title="Limites des départements",
    column="departement",
    vintage="communes",
    classes=(Class(None, "L", "#252525", "Limite de département"),),
    shown=True,
    style=(("weight", 1.6), ("opacity", 0.9)),
)

#: Every layer, in the order of the layer switcher and of the ``--layers`` choices.
LAYERS: tuple[LayerStyle, ...] = (
    ZONAGE,
    QPV,
    MONTAGNE,
    MASSIFS,
    ZRR,
    FRR,
    PRIORITAIRES,
    DEPARTEMENTS,
)
LAYER_IDS: tuple[str, ...] = tuple(layer.id for layer in LAYERS)
BY_ID: dict[str, LayerStyle] = {layer.id: layer for layer in LAYERS}


def styles(policy: MapPolicy) -> dict[str, LayerStyle]:
    """Every layer's style by id, with the caller's policy facts applied."""
    titles, sources = dict(policy.titles), dict(policy.sources)
    out = {}
    for layer in LAYERS:
        if layer.members is not None:
            layer = replace(layer, members=tuple(sorted(policy.priority_departments)))
        title, source = titles.get(layer.id, layer.title), sources.get(layer.id, layer.source)
        out[layer.id] = replace(layer, title=title, source=source)
    return out


#: Base map (tiles are only drawn when the browser can reach them; polygons never need them).
#: CARTO's light tiles are used because OpenStreetMap's own tile servers refuse pages opened
#: from a file (no HTTP Referer), which is how an exported map is read.
TILES_URL = "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"
TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">contributeurs OpenStreetMap</a>'
    ' &copy; <a href="https://carto.com/attributions">CARTO</a>'
)
TILES_LABEL = "Fond de carte OpenStreetMap / CARTO (si en ligne)"
#: Radio button that hides every commune fill.
NO_COLOUR_LABEL = "Aucune coloration des communes"
