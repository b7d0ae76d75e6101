"""The web map: simplified layer (computed once per build), Folium map builder, offline assets.

Typical use::

    import datetime
    from geo.layer import load
    from geo.webmap import app_map, build_map, web_layer

    web = web_layer(load())     # read from data/build/web/ (computed there once per build)
    fmap = app_map(web)         # for streamlit-folium (served assets, no title, folded)
    fmap = build_map(web, departement="09")            # standalone page, everything inline
    fmap = build_map(web, on=datetime.date(2025, 11, 1))  # the doctor zoning in force that day
    fmap = build_map(web, values=ValueLayer(...))  # a caller's value per commune, shown first

``geo.export`` writes the standalone page to a file; ``python -m geo.webmap`` prepares the
cache and the app's ``static/`` copies ahead of time.
"""

from geo.webmap.builder import app_map, build_map, check_layers, payload
from geo.webmap.layer import WebLayer, check, get_web_layer, prepare, web_layer
from geo.webmap.style import LAYER_IDS
from geo.webmap.values import ValueCase, ValueLayer

__all__ = [
    "LAYER_IDS",
    "ValueCase",
    "ValueLayer",
    "WebLayer",
    "app_map",
    "build_map",
    "check",
    "check_layers",
    "get_web_layer",
    "payload",
    "prepare",
    "web_layer",
]
