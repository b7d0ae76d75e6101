"""A bare ``st_folium`` page that echoes the clicked point: the yardstick of the app's clicks.

``scripts/bench_app.py --clicks`` runs a copy of it with ``streamlit run`` from the project
folder (for ``.streamlit/config.toml``), beside a link to the app's ``static/``: Leaflet is
served from there as in the app, so the page works offline. Its layout matches the app's map:
wide page, a sidebar, the map in the left column of two (3:2), 640 px high. The point shows,
as plain text, in the ``point-clique`` container.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import assets

st.set_page_config(page_title="Carte nue", layout="wide")
st.sidebar.header("Carte nue")
st.title("Carte nue")

fmap = folium.Map(location=[43.7, 2.3], zoom_start=7, tiles=None)
js, css = assets.served_links()  # the app's copies: no CDN
fmap.default_js, fmap.default_css = js, css

left, right = st.columns([3, 2], gap="medium")
with left:
    state = st_folium(
        fmap, key="carte", height=640, use_container_width=True, returned_objects=["last_clicked"]
    )
with right, st.container(key="point-clique"):
    click = (state or {}).get("last_clicked")
    st.text(f"Point cliqué : {click['lat']:.5f}, {click['lng']:.5f}" if click else "Aucun point")
