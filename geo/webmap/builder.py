"""The Folium map: toggleable layers, legend, tooltips and title, drawn from a :class:`WebLayer`.

The browser receives the topology once and draws every layer from it (``webmap.js``):
commune fills (doctor zoning, ZRR, FRR), zones merged from communes (massifs, priority
departments), the borders between departments, and the QPV outlines. Only Leaflet and
topojson-client are needed: Folium's default CDN links (jQuery, Bootstrap, Font Awesome…) are
dropped. The two libraries and the map's own scripts and style sheet are either inlined
(standalone export: one file, no network) or linked to the copies the app serves itself,
published once into its static folder (:mod:`geo.assets`). Every text of the data handed to
``webmap.js`` (names, sources, labels) is plain text, which the script shows with
``textContent``: a name in the data is never read as HTML, whatever it holds."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo import assets
from geo.webmap import topology
from geo.webmap.layer import WebLayer
from geo.webmap.spec import TITLE, layer_spec, title_box
from geo.webmap.style import (
    BY_ID,
    LAYER_IDS,
    NO_COLOUR_LABEL,
    NO_POLICY,
    TILES_ATTRIBUTION,
    TILES_LABEL,
    TILES_URL,
    ZONAGE,
    MapPolicy,
    styles,
)
from geo.webmap.values import ValueLayer, values_spec
from geo.webmap.zoning import map_date, on_date
from zonage.errors import InvalidInput

Mode = Literal["standalone", "served"]

DATA_UNAVAILABLE = (
    "Les données de la carte n'ont pas pu être chargées. Rechargez la page ; si cela persiste,"
    " relancez `python -m geo.webmap` puis l'application (bash scripts/app.sh)."
)
LEGEND_TITLE = "Légende"
#: The map's own scripts, in load order (``webmap.js`` uses ``communes.js``), and style sheet.
SCRIPTS = ("communes.js", "webmap.js")
STYLE = "webmap.css"


@functools.cache
def _resource(name: str) -> str:
    return resources.files("geo.webmap").joinpath(name).read_text(encoding="utf-8")


def _script_json(value: Any) -> str:
    """JSON safe to place inside a ``<script>`` element (no ``<``/``>`` left to end it)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def check_layers(layers: Sequence[str] | None) -> tuple[str, ...]:
    """The layer ids to draw, in map order (``None``: all); raises :class:`InvalidInput`."""
    if layers is None:
        return LAYER_IDS
    unknown = [name for name in layers if name not in BY_ID]
    if unknown:
        raise InvalidInput(
            f"couche inconnue : {', '.join(f'« {n} »' for n in unknown)}.",
            hint=f"Choisissez parmi : {', '.join(LAYER_IDS)}.",
        )
    if not layers:
        raise InvalidInput(
            "aucune couche demandée.", hint=f"Choisissez parmi : {', '.join(LAYER_IDS)}."
        )
    return tuple(name for name in LAYER_IDS if name in layers)


def payload(
    web: WebLayer,
    layers: Sequence[str] | None = None,
    *,
    departement: str | None = None,
    tiles: bool = True,
    title: bool = True,
    collapsed: bool = False,
    policy: MapPolicy = NO_POLICY,
    on: dt.date | None = None,
    values: ValueLayer | None = None,
) -> dict[str, Any]:
    """The data ``webmap.js`` draws (``web`` already limited to ``departement`` if given),
    with the caller's ``policy`` facts (priority departments, dated titles), the doctor
    zoning in force on ``on`` (default: today, i.e. the latest version of every commune) and
    the caller's value per commune (``values``: drawn instead of the zoning, first in the
    legend and the title box's sources)."""
    layer_ids = check_layers(layers)
    by_id = styles(policy)
    if ZONAGE.id in layer_ids:
        web, by_id[ZONAGE.id] = on_date(web, by_id[ZONAGE.id], map_date(on))
    keep_qpv = "qpv" in layer_ids
    topo = web.topology
    if not keep_qpv:  # the QPV outlines and their arcs are not sent
        topo = topology.subset(topo, {"communes": range(len(web.communes))})
    specs = [layer_spec(by_id[i], web) for i in layer_ids]
    heading = values.heading if values is not None and values.heading else TITLE
    fills = [spec for spec in specs if spec["kind"] == "choropleth"]
    if fills and not any(spec["shown"] for spec in fills):
        fills[0]["shown"] = True  # one colour layer is always drawn when one is asked for
    data = {
        # Arcs apart, each as one flat list of deltas: a third of the parse time of [dx, dy]
        # pairs in the browser, and 15 % less data (webmap.js rebuilds the pairs when needed).
        "topology": {key: value for key, value in topo.items() if key != "arcs"},
        "arcs": [[v for point in arc for v in point] for arc in topo["arcs"]],
        "communes": {
            "insee": web.communes["insee"].tolist(),
            "nom": [str(n) for n in web.communes["nom"]],
        },
        "qpv": {
            "code_qp": [str(c) for c in web.qpv["code_qp"]] if keep_qpv else [],
            "nom_qp": [str(n) for n in web.qpv["nom_qp"]] if keep_qpv else [],
            "insee": web.qpv["insee"].tolist() if keep_qpv else [],
        },
        "layers": specs,
        "no_colour_label": NO_COLOUR_LABEL,
        "tiles": (
            {
                "url": TILES_URL,
                "attribution": TILES_ATTRIBUTION,
                "label": TILES_LABEL,
            }
            if tiles
            else None
        ),
        "title": (
            title_box(web, [by_id[i] for i in layer_ids], departement, heading) if title else None
        ),
        "legend_title": LEGEND_TITLE,
        "collapsed": collapsed,
        "bounds": web.topology["bbox"],
    }
    if values is not None:
        data["values"] = values_spec(values, web)
        if data["title"] is not None:
            data["title"]["sources"].insert(1, [values.title, values.source])
    return data


class ZonageLayers(MacroElement):
    """The map's layers, legend and title: ``webmap.js`` run on the data of :func:`payload`.

    Either a standalone page (``data``): the map's scripts, style sheet and data are written
    into it; or the app (``data_url``): the page links the scripts and style sheet published
    in the static folder (see :func:`build_map`), and the data is fetched from ``data_url`` by
    the script of :func:`data_loader`, loaded before Leaflet. The page Streamlit sends on every
    rerun then holds only the few lines that call ``webmap.js``. The scripts are in the
    ``script`` macro, which streamlit-folium runs too, the style sheet in the header.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            {% if this.css %}<style>{{ this.css }}</style>{% endif %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            {{ this.library }}
            {% if this.data_url %}
            Promise.all([window.zonageData[{{ this.data_url }}]{% if this.values_url %},
                         window.zonageData[{{ this.values_url }}]{% endif %}])
              .then(function (got) {
                var data = got[1] ? Object.assign({}, got[0], {values: got[1]}) : got[0];
                zonageWebMap({{ this._parent.get_name() }}, data);
              })
              .catch(function (e) {
                console.error("Données de la carte indisponibles", e);
                zonageMapMessage({{ this._parent.get_name() }}, {{ this.unavailable }});
              });
            {% else %}
            zonageWebMap({{ this._parent.get_name() }}, {{ this.data }});
            {% endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        data_url: str | None = None,
        values_url: str | None = None,
    ) -> None:
        super().__init__()
        if (data is None) == (data_url is None) or (values_url and data_url is None):
            raise ValueError("give either data or data_url (and values_url)")
        self._name = "ZonageLayers"
        self.data = _script_json(data) if data is not None else None
        self.data_url = _script_json(data_url) if data_url is not None else None
        self.values_url = _script_json(values_url) if values_url is not None else None
        inline = data is not None
        self.library = "".join(_resource(name) for name in SCRIPTS) if inline else ""
        self.unavailable = _script_json(DATA_UNAVAILABLE)
        self.css = _resource(STYLE) if inline else ""


def data_loader(data_url: str) -> str:
    """A script that starts downloading the map's data as soon as it runs.

    Loaded first in the app's map frame, it fetches the data while Leaflet and topojson-client
    load (streamlit-folium loads scripts one after the other, and runs the map's own script
    last); :class:`ZonageLayers` then takes the pending answer from ``window.zonageData``.
    The caller's value layer has a data file and a loader of its own
    (:func:`_published_values`).
    """
    url = _script_json(data_url)
    return (
        "(function () {\n"
        "  var pending = (window.zonageData = window.zonageData || {});\n"
        f"  pending[{url}] = fetch({url}).then(function (r) {{\n"
        '    if (!r.ok) throw new Error("HTTP " + r.status);\n'
        "    return r.json();\n"
        "  });\n"
        f"  pending[{url}].catch(function () {{}});  // reported by the map's script\n"
        "})();\n"
    )


class InlineAssets(MacroElement):
    """Leaflet and topojson-client written into the page's ``<head>`` (no external request)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            {% for name, text in this.css %}<style>/* {{ name }} */
{{ text }}</style>
            {% endfor %}
            {% for name, text in this.js %}<script>/* {{ name }} */
{{ text }}</script>
            {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "InlineAssets"
        self.js = assets.inline_js()
        self.css = assets.inline_css()
        for name, text in self.js:
            if "</script" in text.lower():
                raise ValueError(f"{name} cannot be inlined: it contains '</script'")


# Files already published for the app (paths under the static folder), by what they hold and
# the folder: the map's own scripts and style sheet, its data files and their loaders. A rerun
# of the app finds them here without building or writing anything again.
_published: dict[tuple[Any, ...], str] = {}


def _publish_once(
    key: tuple[Any, ...] | None,
    text: Callable[[], str],
    static_dir: Path | None,
    *,
    suffix: str,
    folder: str = assets.DATA,
) -> str:
    """Path (under the static folder) of ``text()`` published there; ``key=None``: not kept."""
    root = Path(static_dir or assets.STATIC_DIR)
    full_key = (key, str(root), suffix, folder)
    path = _published.get(full_key) if key is not None else None
    if path is None or not (root / path).is_file():
        path = assets.publish(text(), static_dir, suffix=suffix, folder=folder)
        if key is not None:
            _published[full_key] = path
    return path


def _published_library(static_dir: Path | None, base: str) -> tuple[list[tuple[str, str]], str]:
    """``(name, url)`` of each of the map's scripts, and the URL of its style sheet."""

    def url(name: str, suffix: str) -> str:
        text = functools.partial(_resource, name)
        return base + _publish_once((name,), text, static_dir, suffix=suffix, folder=assets.WEBMAP)

    return [(name, url(name, ".js")) for name in SCRIPTS], url(STYLE, ".css")


def _published_data(
    web: WebLayer, options: dict[str, Any], static_dir: Path | None, base: str
) -> tuple[str, str]:
    """URLs of the map's data file and of the script that loads it (see :func:`data_loader`)."""
    digest = web.stats.get("fingerprint")
    key = (digest, tuple(sorted(options.items())), base) if digest else None
    data = _publish_once(
        key, lambda: _script_json(payload(web, **options)), static_dir, suffix=".json"
    )
    loader = _publish_once(key, lambda: data_loader(base + data), static_dir, suffix=".js")
    return base + data, base + loader


#: Sub-folder of the static folder holding the value layers' data files and loaders (apart
#: from the map's data, which a stream of value layers must not push out of its folder).
VALUES_FOLDER = "values"


def _published_values(
    web: WebLayer, values: ValueLayer, static_dir: Path | None, base: str
) -> tuple[str, str]:
    """URLs of the value layer's data file and of the script that loads it (each named after
    its content: a rerun of the app with the same values writes nothing)."""
    data = _publish_once(
        None, lambda: _script_json(values_spec(values, web)), static_dir,
        suffix=".json", folder=VALUES_FOLDER,
    )  # fmt: skip
    loader = _publish_once(
        None, lambda: data_loader(base + data), static_dir, suffix=".js", folder=VALUES_FOLDER
    )
    return base + data, base + loader


def build_map(
    web: WebLayer,
    *,
    layers: Sequence[str] | None = None,
    departement: str | None = None,
    mode: Mode = "standalone",
    static_dir: Path | None = None,
    static_url: str = assets.COMPONENT_STATIC_URL,
    tiles: bool = True,
    title: bool = True,
    collapsed: bool = False,
    policy: MapPolicy = NO_POLICY,
    on: dt.date | None = None,
    values: ValueLayer | None = None,
) -> folium.Map:
    """A Folium map of ``web`` (limited to ``departement`` if given) with the chosen layers.

    ``mode="standalone"``: Leaflet, topojson-client and the data are written into the page,
    which then opens on its own, offline. ``mode="served"`` (the app): they are copied under
    ``static_dir`` (default ``static/``, served by Streamlit) and the page loads them from
    ``static_url``, that folder's URL as the page sees it (default: from streamlit-folium's
    frame). Folium's own CDN links are removed either way. ``tiles`` adds the online base map
    (blank offline), ``title`` the title box with the sources, ``collapsed`` folds the layer
    switcher and the legend, ``policy`` gives the policy facts (:class:`MapPolicy`), ``on`` the
    date of the doctor zoning shown (default: today), ``values`` the caller's value per
    commune (:class:`~geo.webmap.values.ValueLayer`: shown first; in the app, a data file of
    its own). Raises :class:`InvalidInput` for an unknown layer or department.
    """
    layer_ids = check_layers(layers)
    if departement is not None:
        web = web.subset(departement)
    lon0, lat0, lon1, lat1 = web.topology["bbox"]
    fmap = folium.Map(
        location=[(lat0 + lat1) / 2, (lon0 + lon1) / 2],
        zoom_start=8,
        tiles=None,
        zoom_snap=0.25,  # lets the first view fit the region or department closely
    )
    options: dict[str, Any] = {
        "layers": layer_ids,
        "departement": departement,
        "tiles": tiles,
        "title": title,
        "collapsed": collapsed,
        "policy": policy,
        "on": map_date(on),  # a date, never None: the served data file is kept per date
    }
    # Instance lists: Folium's add_js_link would otherwise change the class-wide defaults.
    if mode == "standalone":
        fmap.default_js = []
        fmap.default_css = []
        fmap.add_child(InlineAssets())
        fmap.add_child(ZonageLayers(data=payload(web, **options, values=values)))
    elif mode == "served":
        base = static_url if static_url.endswith("/") else static_url + "/"
        assets.prepare_static(static_dir)
        js, css = assets.served_links(base)
        scripts, style = _published_library(static_dir, base)
        data_url, loader_url = _published_data(web, options, static_dir, base)
        loaders = [("zonage-data", loader_url)]
        values_url = None
        if values is not None:
            values_url, values_loader = _published_values(web, values, static_dir, base)
            loaders.append(("zonage-values", values_loader))
        fmap.default_js = [*loaders, *js, *scripts]
        fmap.default_css = [*css, (STYLE, style)]
        fmap.add_child(ZonageLayers(data_url=data_url, values_url=values_url))
    else:
        raise ValueError(f"unknown mode {mode!r}")
    return fmap


def app_map(web: WebLayer, **options: Any) -> folium.Map:
    """The map for the Streamlit app: ``build_map`` in ``"served"`` mode, with no title box and
    the layer switcher and legend folded (the page around it says what the map shows); the
    same options as ``build_map`` change that.

    Needs ``server.enableStaticServing`` (``.streamlit/config.toml``): the assets and the
    map's data are fetched from ``static/``, so the app works offline and a rerun sends only
    a small script to the browser.
    """
    return build_map(web, mode="served", **{"title": False, "collapsed": True, **options})
