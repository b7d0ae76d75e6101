"""Carte des aides aux médecins en Occitanie: the Streamlit page (thin; logic lives in
``application.service``, ``application.render``, ``application.about`` and ``geo.webmap``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.logger import get_logger
from streamlit_folium import st_folium

from application import (
    about,
    answer_panel,
    around_view,
    compare_view,
    installer_view,
    page_style,
    region_link,
    search_box,
    service,
    situation_box,
)
from application.region_link import RegionState
from application.render.policy import map_policy
from application.safe_text import markdown as md
from application.search_box import CALLBACK_ERROR, UNEXPECTED_ERROR
from geo import settings
from zonage.errors import ZonageError
from zonage.profiles import ALL, PROFILE_IDS, label

if TYPE_CHECKING:
    import folium

    from geo.layer import Layers
    from geo.lookup import PlaceLookup
    from geo.webmap import WebLayer
    from geo.webmap.values import ValueLayer

st.set_page_config(page_title="Aides aux médecins en Occitanie", page_icon="🩺", layout="wide")

log = get_logger("zonage.app")

# Every text that comes from a link, the search box, a data file or an outside service goes
# through ``md`` (application.safe_text.markdown) before a Streamlit call that renders Markdown,
# and through ``html.escape`` (application.render.cards) before ``st.html``: it is always shown
# as text.


# Loaded once per process and per build (geo.per_build): serve.py loads them when the server
# starts, so the first visitor does not wait for them.
def _layers() -> Layers:
    from geo import layer

    return layer.get()


def _lookup() -> PlaceLookup:
    from geo.lookup import get_lookup

    return get_lookup()


def _web() -> WebLayer:
    from geo.webmap import get_web_layer

    return get_web_layer()


def _map(on: dt.date | None, values: ValueLayer | None = None) -> folium.Map:
    """The map with the doctor zoning and the catalogue's rules on ``on`` (today when None; a
    few milliseconds: the web layer is prepared once, its data file once per date), coloured
    by ``values`` when given (« Où m'installer »)."""
    from geo.webmap import app_map

    return app_map(_web(), policy=map_policy(on), on=on, values=values)


@st.cache_data(show_spinner="Préparation du fichier…", max_entries=16)
def _export(departement: str | None, build: str | None, on: dt.date | None) -> bytes:
    """The standalone page with the doctor zoning and the rules on ``on`` (``build``: the web
    layer's fingerprint, so a rebuild is seen)."""
    from geo.export import render_html

    page = render_html(_web(), departement=departement, policy=map_policy(on), on=on)
    return page.encode("utf-8")


_CLOSE_SIDEBAR = "fermer_panneau"


def _inputs(state: service.ViewState) -> service.ViewState:
    """The view this run shows: the link's, updated by the latest input of the user.

    The sidebar's widgets are drawn after the map (the map then reaches the browser first), so
    their values are read here from the session: profile and date as the widgets keep them, a
    place found by the search box or chosen among homonyms (``application.search_box``,
    applied once), and a click on the map (read before drawing, so the map shows it).
    """
    session = st.session_state
    today = dt.date.today()
    profile = session.get("profil", state.profile)
    if profile != state.profile or "lieu_trouve" in session or "lieu_choisi" in session:
        # On a phone the open sidebar would cover the answer just asked for: closed at the end
        # of the page (an element drawn here, above the map, would make the map reload).
        session[_CLOSE_SIDEBAR] = True
    date = session.get("date", state.date or today)
    state = dataclasses.replace(
        state,
        profile=profile,
        date=None if date == today else date,
        situation=situation_box.from_session(state.situation),
    )
    found = session.pop("lieu_trouve", None)
    if found is not None:
        return dataclasses.replace(
            service.state_for_place(found, state.profile, state.date), situation=state.situation
        )
    chosen = session.pop("lieu_choisi", None)
    if chosen is not None:
        return dataclasses.replace(state, insee=chosen, lat=None, lon=None)
    click = (session.get("carte") or {}).get("last_clicked")
    if click and click != session.get("dernier_clic"):
        session["dernier_clic"] = click
        return dataclasses.replace(state, insee=None, lat=click["lat"], lon=click["lng"])
    return state


def _sidebar(state: service.ViewState) -> None:
    st.sidebar.header("Je suis…")
    options = [*PROFILE_IDS, ALL]
    # Radio buttons rather than a drop-down list: every profile in sight, one click to choose,
    # and the first page shows 0.2 s sooner (Streamlit's list widget is slow to set up).
    st.sidebar.radio(
        "Profil", options, index=options.index(state.profile) if state.profile else None,
        format_func=label, key="profil", label_visibility="collapsed",
    )  # fmt: skip
    st.sidebar.date_input(
        "Date", value=state.date or dt.date.today(), format="DD/MM/YYYY", key="date",
        help="Les aides ouvertes à cette date (par défaut : aujourd'hui).",
    )  # fmt: skip
    situation_box.draw(state.situation)


def _installer_map(state: service.ViewState, region: RegionState, fmap: folium.Map) -> RegionState:
    """The map of « Où m'installer » with « Autour de … » under it, in its column (near the
    map it filters); returns the region part of the link with the radius shown."""
    shown = [region]

    def below() -> None:
        shown[0] = around_view.show(state, region)

    _map_tab(state, fmap, below=below)
    return shown[0]


def _map_tab(
    state: service.ViewState, fmap: folium.Map, below: Callable[[], None] | None = None
) -> None:
    """The search box, the map (with ``below`` drawn under it, in its column) and the answer
    panel of the chosen place beside it."""
    from geo.webmap.selection import selection_group

    search_box.show_box(state)
    view = service.view_for(state, _lookup())
    place = view.place
    point = (place.lon, place.lat) if place and place.lon is not None else None
    selection = selection_group(
        _lookup().outline(place.insee) if place else None, point, place.nom if place else ""
    )
    left, right = st.columns([3, 2], gap="medium")
    with left:
        st_folium(
            fmap, key="carte", height=640, use_container_width=True,
            returned_objects=["last_clicked"], feature_group_to_add=selection,
            center=st.session_state.get("centre"), zoom=st.session_state.get("zoom"),
        )  # fmt: skip
        st.caption(
            "Tracés simplifiés pour le web (environ 100 m) : le lieu cliqué est situé sur les"
            " contours exacts (en bleu). Sources et millésimes : « À propos des données »."
        )
        if below is not None:
            below()
    with right:
        search_box.show_outcome(state)
        answer_panel.show(view, state.profile)


@st.cache_data(show_spinner="Calcul du tableau…", max_entries=8)
def _table_csv(
    profile: str, on: dt.date, answers: tuple[tuple[str, str], ...], build: str | None
) -> tuple[str, bytes]:
    """The name and CSV bytes of ``zonage export-table`` for one profile, date and situation
    (``build``: the data's fingerprint, so a rebuild is seen)."""
    from application import region_table
    from zonage.situation import Situation

    region, places = region_table.evaluate(profile, on, Situation(dict(answers)))
    data = region_table.encode(region_table.table_records(region, places), "csv")
    return region_table.file_name(region, "csv"), data


def _export_tab(state: service.ViewState) -> None:
    on = state.date
    st.markdown(
        "Un seul fichier HTML, lisible sans connexion : zones, QPV, massifs, ZRR/FRR,"
        " départements prioritaires, légende et sources."
    )
    departements = {"": "Toute l'Occitanie"} | {
        code: f"{code} {nom}" for code, nom in sorted(_web().departements.items())
    }
    choice = st.selectbox(
        "Étendue", list(departements), format_func=departements.get, key="export_dep"
    )
    name = f"carte-aides-medecins-{choice or 'occitanie'}.html"
    st.download_button(
        "Télécharger la carte (HTML)",
        _export(choice or None, _web().stats.get("fingerprint"), on),
        name,
        "text/html",
    )
    st.markdown(
        "**Données ouvertes** : une ligne par commune d'Occitanie pour le profil, la date et"
        " « Ma situation » du panneau latéral (zonage en vigueur, QPV, massif, montagne,"
        " ZRR/FRR, aides éligibles, sous condition et à vérifier, euros garantis, possibles et"
        " par an) ; le fichier de la commande `zonage export-table`."
    )
    if state.profile is None or state.profile == ALL:
        st.info("Choisissez un profil précis (« Je suis… ») pour télécharger ce tableau.")
        return
    answers = tuple(state.situation.to_query().items())
    table_name, table = _table_csv(
        state.profile, on or dt.date.today(), answers, _web().stats.get("fingerprint")
    )
    st.download_button(
        "Tableau des aides par commune (CSV)", table, table_name, "text/csv",
        key="export_table", help="CSV en UTF-8, séparateur virgule, identifiants des aides"
        " séparés par « ; ».",
    )  # fmt: skip


def _about_tab() -> None:
    layers = _layers()
    st.header("Données cartographiques")
    st.dataframe(pd.DataFrame(about.sources_table(layers.sources)), hide_index=True)
    st.markdown("**Millésime de chaque couche**")
    for name, text in layers.vintages.items():
        st.markdown(f"- *{md(name)}* : {md(text)}")
    st.markdown("**Versions du zonage médecins** (la version en vigueur à la date choisie)")
    st.dataframe(pd.DataFrame(about.zoning_versions(layers.metadata)), hide_index=True)
    st.header("Documents sources des aides")
    st.dataframe(pd.DataFrame(about.brochures()), hide_index=True)
    for group in about.key_figures():
        st.header(md(group["title"]))
        st.caption(f"Source : {md(group['source'])}")
        st.dataframe(pd.DataFrame(group["rows"]), hide_index=True)
    st.markdown(about.known_limits())  # the project's own page (zonage/about.md)


# The views of the switch, by id, in its order (labels: region_link.VIEWS).
_OFFERED = ("carte", "installer", "comparer", "exporter", "apropos")
_VIEW_OF = {region_link.VIEWS[view]: view for view in _OFFERED}


def _view(linked: str) -> str:
    """The view to show: the switch's choice, else the link's (the switch may be unset)."""
    chosen = _VIEW_OF.get(st.session_state.get("vue") or "")
    return chosen or (linked if linked in _OFFERED else region_link.DEFAULT_VIEW)


def main() -> None:
    """The page: search box, map and aids (or « Où m'installer », export, about), then the
    sidebar's profile and date (drawn last so that the map, the slowest part to show, is sent
    first)."""
    params = st.query_params.to_dict()
    state, errors = service.state_from_query(params)
    region, region_errors = region_link.region_state_from_query(params, installer_view.aid_ids())
    errors += region_errors
    st.title("Aides aux médecins en Occitanie")
    page_style.apply()
    settings.check()  # a malformed ZONAGE_* variable: one message naming it (see run())
    for message in errors:
        st.warning(f"Lien incomplet : {md(message)}")
    if (failed := st.session_state.pop(CALLBACK_ERROR, None)) is not None:
        st.error(md(failed))
    with st.spinner("Chargement des données de la carte…"):
        _lookup()
        state = _inputs(state)  # the sidebar's latest date: the map shows its zoning
    choice = st.container()
    # Only the chosen view runs (tabs would build the export and the tables on every click).
    view = _view(region.view)
    if view == "exporter":
        _export_tab(state)
    elif view == "apropos":
        _about_tab()
    elif view == "comparer":
        region = compare_view.show(state, region)
    elif view == "installer":
        values, region = installer_view.show(state, region, _web().stats.get("fingerprint"))
        if values is not None:
            region = _installer_map(state, region, _map(state.date, values))
    else:
        _map_tab(state, _map(state.date))
        compare_view.pin_button(state, region)
    choice.segmented_control(
        "Vue", list(_VIEW_OF), default=region_link.VIEWS[view], key="vue",
        label_visibility="collapsed",
    )  # fmt: skip
    _sidebar(state)
    if st.session_state.pop(_CLOSE_SIDEBAR, False):
        page_style.close_sidebar_on_phone()
    link = service.query_from_state(state)
    st.query_params.from_dict(
        link | region_link.region_query(dataclasses.replace(region, view=view))
    )


def run() -> None:
    """The page, with one French message instead of a traceback when something fails."""
    try:
        main()
    except ZonageError as exc:  # missing or corrupt data, a service down: its own message
        st.error(md(exc))
    except Exception:
        log.exception("échec de l'affichage de la page")
        st.error(UNEXPECTED_ERROR)


run()
