"""The search box of the map view (Streamlit): what the user types becomes a place on the map
and in the panel, and what the search did is said where the user looks.

The box sits above the map, so that it is on the first screen of a phone too; what the search
needs from the user (an error, the communes to choose from) shows right under it. The results
panel starts with what the search did to find the place shown: the line saying that an address
search fell back to the whole commune, and why, then the address kept or the service's failure.
The callbacks leave the place found in the session (``lieu_trouve``, or ``lieu_choisi`` among
homonyms) for the page to show, and move the map there. What the search said is kept in the
session (never in the link) as long as the page shows the place it led to: a click on the map
or another place clears it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.logger import get_logger

from application import service
from application.safe_text import markdown as md
from zonage.errors import ZonageError
from zonage.profiles import ALL

if TYPE_CHECKING:
    from zonage.place import PlaceFacts

log = get_logger("zonage.app")

#: Shown instead of a traceback when a page run fails on something unexpected (the details go
#: to the server's log; ``client.showErrorDetails`` keeps them out of the page too).
UNEXPECTED_ERROR = (
    "Une erreur inattendue est survenue et la page n'a pas pu s'afficher entièrement."
    " Rechargez la page ; si elle persiste, ouvrez l'application sans les paramètres du lien"
    " (adresse de la page d'accueil), puis, si l'erreur revient, signalez-la à l'équipe qui"
    " gère l'application en précisant l'heure et le lien utilisé."
)
#: Where a widget callback leaves the message of its failure for the page run that follows.
CALLBACK_ERROR = "erreur_action"

# Session keys: the last search's outcome, the place its messages are about (None until the
# page has shown one), and its fallback line for that place.
_OUTCOME = "recherche"
_WHERE = "recherche_lieu"
_NOTICE = "recherche_annonce"
#: How far apart two positions may be and still be one place: a link keeps 5 decimals.
_SAME_POINT_DEG = 1e-5
#: Map zoom after a search: a whole commune, or the streets around an address.
_ZOOM_COMMUNE, _ZOOM_POINT = 11, 14


def centre_on(insee: str, place: PlaceFacts | None = None, zoom: float | None = None) -> None:
    """Move the map to a place found by the search box (a click leaves the map where it is);
    ``zoom`` other than the search's (e.g. to show a radius around the place)."""
    from geo.lookup import get_lookup

    if place is not None and place.lon is not None and place.lat is not None:
        lon, lat = place.lon, place.lat
    else:
        lookup = get_lookup()
        index = lookup.names.code_index(insee)
        if index is None:  # not a commune of the layer: the panel says so, the map stays
            return
        lon, lat = lookup.anchor(index)
    if zoom is None:
        zoom = _ZOOM_POINT if place is not None and place.precision == "point" else _ZOOM_COMMUNE
    session = st.session_state
    # The map moves only when given a centre or zoom other than the last ones: searching the
    # same place again, after panning away, must still bring it back. A centimetre, and a
    # millionth of a level (Leaflet rounds zooms to whole levels), make them differ.
    if session.get("centre") == (lat, lon):
        lat += 1e-7
    if session.get("zoom") == zoom:
        zoom += 1e-6
    session["centre"] = (lat, lon)
    session["zoom"] = zoom


def _guarded(callback: Callable[[], None]) -> Callable[[], None]:
    """A widget callback whose failure becomes a message of the next page run.

    Streamlit runs callbacks before the page, outside its error handling (``app.run``): an
    error there would otherwise show as Streamlit's own error box.
    """

    @functools.wraps(callback)
    def guarded() -> None:
        try:
            callback()
        except ZonageError as exc:
            st.session_state[CALLBACK_ERROR] = str(exc)
        except Exception:
            log.exception("échec de l'action %s", callback.__name__)
            st.session_state[CALLBACK_ERROR] = UNEXPECTED_ERROR

    return guarded


@_guarded
def _on_search() -> None:
    from geo.lookup import get_lookup

    session = st.session_state
    for key in (_OUTCOME, _WHERE, _NOTICE, "choix"):
        session.pop(key, None)
    outcome = service.search(session.get("texte", ""), get_lookup())
    session[_OUTCOME] = outcome
    session[_WHERE] = None
    if outcome.place is not None:
        session["lieu_trouve"] = outcome.place
        session[_WHERE] = service.state_for_place(outcome.place, ALL, None)
        session[_NOTICE] = outcome.notice
        centre_on(outcome.place.insee, outcome.place)


@_guarded
def _on_choice() -> None:
    session = st.session_state
    insee = session.get("choix")
    outcome = session.get(_OUTCOME)
    if not insee or outcome is None:
        return
    session["lieu_choisi"] = insee
    session[_WHERE] = service.ViewState(insee=insee)
    label = dict(outcome.choices).get(insee, insee)
    session[_NOTICE] = outcome.fallback.line(label) if outcome.fallback else None
    centre_on(insee)


def _shows(where: service.ViewState, state: service.ViewState) -> bool:
    """True when ``state`` shows the place of ``where`` (a point as its link rounds it)."""
    if where.insee is not None or state.insee is not None:
        return where.insee == state.insee
    if where.lat is None or where.lon is None or state.lat is None or state.lon is None:
        return not where.has_place and not state.has_place
    return abs(where.lat - state.lat) <= _SAME_POINT_DEG and (
        abs(where.lon - state.lon) <= _SAME_POINT_DEG
    )


def _current(state: service.ViewState) -> service.SearchOutcome | None:
    """The last search's outcome while the page shows the place it led to; else None (and
    the outcome is forgotten: the user clicked the map or chose another place)."""
    session = st.session_state
    outcome = session.get(_OUTCOME)
    if outcome is None:
        return None
    where = session.get(_WHERE)
    if where is None:  # an error or homonyms: about the place shown when it was searched
        session[_WHERE] = where = state
    if _shows(where, state):
        return outcome
    for key in (_OUTCOME, _WHERE, _NOTICE):
        session.pop(key, None)
    return None


def show_box(state: service.ViewState) -> None:
    """The search box, one line above the map (its label is for screen readers: the hint in
    the box says what to type), and under it what the search needs from the user: an error,
    or the communes to choose from. They are seen at once, on a phone too."""
    with st.form("formulaire_recherche", border=False):
        box, button = st.columns([6, 1], vertical_alignment="center")
        box.text_input(
            "Rechercher un lieu : adresse, commune, code postal ou « lat, lon »",
            placeholder="Adresse, commune ou code postal (ex. 1 place du Capitole, Toulouse)",
            key="texte", label_visibility="collapsed",
        )  # fmt: skip
        button.form_submit_button("Chercher", on_click=_on_search, key="chercher", width="stretch")
    # One container, empty or not: the map below keeps its place among the page's elements,
    # so Streamlit keeps its frame instead of loading it again.
    with st.container():
        outcome = _current(state)
        if outcome is None:
            return
        if outcome.choices:
            st.warning(md(outcome.error or "Plusieurs communes correspondent."))
            labels = dict(outcome.choices)
            st.selectbox(
                "Commune recherchée", list(labels), format_func=labels.__getitem__, index=None,
                key="choix", placeholder="Choisissez la commune", on_change=_on_choice,
            )  # fmt: skip
        elif outcome.error:
            st.error(md(outcome.error))


def show_outcome(state: service.ViewState) -> None:
    """What the search did to find the place ``state`` shows, if a search found it: the start
    of the results panel. First the line saying that an address search fell back to the
    whole commune, and why; then, quietly, what it found out (address kept, service failure).
    """
    outcome = _current(state)
    if outcome is None:
        return
    notice = st.session_state.get(_NOTICE)
    if notice:
        st.warning(md(notice))
    if outcome.said:
        st.caption(md(" ".join(outcome.said)))
