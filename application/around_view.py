"""The « Autour de … » panel (Streamlit): the communes within N km of the chosen place, those
where the profile is surest to be paid first, as a table and a CSV file for a spreadsheet.

Distances are measured from the place (its commune's area, or its point) to each commune's
area (:mod:`geo.around`); the euros are those of the whole region evaluated once for the
profile, date and situation (:func:`application.region_table.evaluate`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from application import service
from application.region_layer import first_year
from application.region_link import RADIUS_KM, RegionState
from application.region_table import evaluate, formula_safe
from application.safe_text import markdown as md
from application.search_box import centre_on
from zonage.engine.money import Money
from zonage.engine.region import Outlook
from zonage.place import PlaceFacts
from zonage.profiles import ALL
from zonage.text import fr_date

#: Radius shown before the visitor chooses one, in km.
DEFAULT_RADIUS_KM = 20
#: Session key of the radius slider (``rayon=`` in the link), and of the switch that limits
#: the map and the table to it.
RADIUS_KEY = "rayon"
LIMIT_KEY = "rayon_actif"
#: The table's columns, as their French headers (the CSV file's too).
HEADERS: dict[str, str] = {
    "commune": "Commune",
    "insee": "Code INSEE",
    "departement": "Département",
    "zone": "Zone",
    "garantis": "€ garantis",
    "possibles": "€ possibles",
    "par_an": "€ par an",
    "aides": "Aides",
    "km": "Distance (km)",
}
EXPLAINED = (
    "€ garantis : le minimum certain pour votre profil (versements uniques et une année des"
    " montants annuels, comme la carte « Où m'installer ») ; € possibles : le maximum si"
    " l'adresse et vos réponses conviennent ; € par an : la part annuelle de ce maximum."
    " Distance : du lieu choisi au territoire de chaque commune (0 pour une commune voisine)."
)


@dataclass(frozen=True)
class AroundRow:
    """One commune within the radius: who it is, its zone, its euros, its aids, how far."""

    insee: str
    commune: str
    departement: str
    zone: str
    garantis: float
    possibles: float
    par_an: float
    aides: str
    km: float


def _origin(state: service.ViewState) -> str | tuple[float, float] | None:
    if state.insee is not None:
        return state.insee
    if state.lon is not None and state.lat is not None:
        return (state.lon, state.lat)
    return None


def communes_within(state: service.ViewState, radius: float) -> dict[str, float]:
    """INSEE code → km from the state's place (its commune, or its point) to every commune
    within ``radius`` km, nearest first; empty when the state names no place. A place that
    cannot be found raises its :class:`~zonage.errors.ZonageError`."""
    from geo.around import communes_within as within

    origin = _origin(state)
    return {} if origin is None else within(origin, radius)


def _most(money: Money) -> float:
    """The possible maximum: one-off and one year of the yearly amounts."""
    return money.one_off_max + money.per_year_max


def _aids_text(o: Outlook) -> str:
    """« 2 éligibles, 1 sous condition, 1 à vérifier » (« aucune » when none applies)."""
    counts = (
        (len(o.eligible), "éligible" + ("s" if len(o.eligible) > 1 else "")),
        (len(o.sous_condition), "sous condition"),
        (len(o.a_verifier), "à vérifier"),
    )
    return ", ".join(f"{n} {word}" for n, word in counts if n) or "aucune"


def around_rows(state: service.ViewState, radius: float, on: dt.date) -> list[AroundRow]:
    """The communes within ``radius`` km of the state's place for its concrete profile on
    ``on``, by guaranteed euros (most first), then distance, then code."""
    if state.profile is None:
        raise ValueError("a concrete profile is expected")
    near = communes_within(state, radius)
    region, places = evaluate(state.profile, on, state.situation)
    rows = []
    for place, row in zip(places, region.rows, strict=True):
        km = near.get(row.insee)
        if km is None:
            continue
        o = row.outlook
        zone = row.zonage_medecins or "non classée"
        rows.append(
            AroundRow(
                insee=row.insee,
                commune=row.nom,
                departement=f"{place.departement} {place.departement_nom}",
                zone=f"{zone} (ZIP selon l'adresse)" if o.zone_depends else zone,
                garantis=first_year(o.guaranteed),
                possibles=_most(o.possible),
                par_an=o.possible.per_year_max,
                aides=_aids_text(o),
                km=round(km, 1),
            )
        )
    return sorted(rows, key=lambda r: (-r.garantis, r.km, r.insee))


def rows_frame(rows: list[AroundRow]) -> pd.DataFrame:
    """The rows as a table with the French headers of :data:`HEADERS`."""
    frame = pd.DataFrame([r.__dict__ for r in rows], columns=list(HEADERS))
    return frame.rename(columns=HEADERS)


def spreadsheet_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as a CSV file a French spreadsheet opens as is: UTF-8 with a byte order mark,
    ``;`` between cells, decimal comma; a text that a spreadsheet would run as a formula
    starts with an apostrophe."""
    text = formula_safe(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def zoom_for(radius_km: float) -> int:
    """The map zoom that shows about ``radius_km`` around a place in the app's map (640 px at
    the latitude of Occitanie: some 113.5 km per pixel at zoom 0)."""
    return max(6, min(13, math.floor(math.log2(31_780 / radius_km))))


def _remember_radius(place: PlaceFacts) -> None:
    """The radius chosen goes into the link at once (the page reads the link on each run),
    and the map shows it around the place."""
    radius = st.session_state[RADIUS_KEY]
    st.query_params[RADIUS_KEY] = str(radius)
    centre_on(place.insee, place, zoom_for(radius))


def _remember_limit(place: PlaceFacts) -> None:
    if st.session_state.get(LIMIT_KEY):
        radius = st.session_state.get(RADIUS_KEY, DEFAULT_RADIUS_KM)
        st.query_params[RADIUS_KEY] = str(radius)
        centre_on(place.insee, place, zoom_for(radius))
    else:
        st.query_params.pop(RADIUS_KEY, None)


def radius_in_force(state: service.ViewState, region: RegionState) -> int | None:
    """The radius the map and the table are limited to (None: the whole region), as the
    widgets hold it, or as the link says before they are drawn."""
    if not state.has_place:
        return None
    session = st.session_state
    if LIMIT_KEY in session and not session[LIMIT_KEY]:
        return None
    if LIMIT_KEY in session:
        return int(session.get(RADIUS_KEY, region.radius_km or DEFAULT_RADIUS_KM))
    return region.radius_km


def show(state: service.ViewState, region: RegionState) -> RegionState:
    """The panel for the state's place; returns the region part of the link with the radius
    shown."""
    view = service.view_for(replace(state, profile=None))
    if view.place is None:
        if view.error:
            st.error(md(view.error))
        else:
            st.info("Choisissez un lieu (carte ou recherche) pour voir les communes autour.")
        return region
    place = view.place
    where = "du point choisi à" if place.precision == "point" else "de"
    st.subheader(md(f"Autour {where} {place.nom} ({place.insee})"))
    if state.profile is None or state.profile == ALL:
        st.info(
            "Choisissez un profil précis (« Je suis… ») pour comparer les communes autour en euros."
        )
        return replace(region, radius_km=None)
    limited = st.toggle(
        "Seulement les communes proches de ce lieu", value=region.radius_km is not None,
        key=LIMIT_KEY, on_change=_remember_limit, args=(place,),
        help="La carte et le tableau ne gardent que les communes dans le rayon choisi.",
    )  # fmt: skip
    if not limited:
        return replace(region, radius_km=None)
    low, high = RADIUS_KM
    radius = st.slider(
        "Rayon (km)", min_value=low, max_value=high, value=region.radius_km or DEFAULT_RADIUS_KM,
        key=RADIUS_KEY, on_change=_remember_radius, args=(place,),
        help="Distance du lieu choisi au territoire de chaque commune.",
    )  # fmt: skip
    region = replace(region, radius_km=radius)
    on = state.date or dt.date.today()
    rows = around_rows(state, radius, on)
    st.caption(
        md(
            f"{len(rows)} communes à {radius} km au plus ; aides et zonages en vigueur le"
            f" {fr_date(on)} (catalogue des aides, sources citées par chaque aide dans « Carte"
            f" et aides ») ; {EXPLAINED}"
        )
    )
    frame = rows_frame(rows)
    numbers = st.column_config.NumberColumn(format="localized")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={HEADERS[k]: numbers for k in ("garantis", "possibles", "par_an", "km")},
    )
    st.download_button(
        "Télécharger ce tableau (CSV)",
        spreadsheet_csv(frame),
        f"autour-{place.insee}-{radius}km-{state.profile}-{on.isoformat()}.csv",
        "text/csv",
        key="autour_csv",
        help="Pour un tableur : séparateur « ; », virgule décimale, UTF-8.",
    )
    return region
