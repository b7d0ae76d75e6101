"""What the app does on each user action, as plain functions: a click, a search or a shared link
becomes a place and its aids.

This module and :mod:`zonage.cli` are the only parts of ``zonage`` that reach into ``geo``: they
wire the spatial lookup to the domain engine. Every user error becomes a French message in the
returned :class:`View`, never an exception, so the page only has to show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zonage.engine import Answer, aids_at, parse_date
from zonage.errors import InvalidInput, ZonageError
from zonage.place import PlaceFacts
from zonage.profiles import ALL, parse_profile

if TYPE_CHECKING:
    from geo.geocode import Geocoder
    from geo.lookup import PlaceLookup


@dataclass(frozen=True)
class ViewState:
    """What a link keeps: the place (a commune or a point), the profile and the date."""

    profile: str = ALL
    date: dt.date | None = None  # None: today
    insee: str | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def has_place(self) -> bool:
        return self.insee is not None or (self.lat is not None and self.lon is not None)


@dataclass(frozen=True)
class View:
    """The answer shown for one state: the place, its aids, or a message saying what is wrong."""

    place: PlaceFacts | None = None
    answer: Answer | None = None
    error: str | None = None


@dataclass(frozen=True)
class SearchOutcome:
    """The result of the search box: one place, several communes to choose from, or an error."""

    place: PlaceFacts | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (insee, label)
    error: str | None = None


def _first(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def state_from_query(params: Mapping[str, object]) -> tuple[ViewState, list[str]]:
    """Read a shared link's query parameters (``insee``, ``lat``, ``lon``, ``profil``, ``date``).

    Bad parameters are dropped with a French message each, so a damaged link still opens.
    """
    from geo.lookup import parse_coordinate
    from geo.names import parse_insee

    errors: list[str] = []
    profile = ALL
    try:
        profile = parse_profile(_first(params, "profil"))
    except InvalidInput as exc:
        errors.append(str(exc))
    date = None
    if (raw_date := _first(params, "date")) is not None:
        try:
            date = parse_date(raw_date)
        except InvalidInput as exc:
            errors.append(str(exc))
    insee = lat = lon = None
    if (raw_insee := _first(params, "insee")) is not None:
        try:
            insee = parse_insee(raw_insee)
        except ZonageError as exc:
            errors.append(str(exc))
    elif _first(params, "lat") is not None or _first(params, "lon") is not None:
        try:
            lat = parse_coordinate(_first(params, "lat"), "lat")
            lon = parse_coordinate(_first(params, "lon"), "lon")
        except InvalidInput as exc:
            lat = lon = None
            errors.append(str(exc))
    return ViewState(profile=profile, date=date, insee=insee, lat=lat, lon=lon), errors


def query_from_state(state: ViewState) -> dict[str, str]:
    """The query parameters of a link that reopens this view."""
    params: dict[str, str] = {"profil": state.profile}
    if state.date is not None:
        params["date"] = state.date.isoformat()
    if state.insee is not None:
        params["insee"] = state.insee
    elif state.lat is not None and state.lon is not None:
        params["lat"] = f"{state.lat:.5f}"
        params["lon"] = f"{state.lon:.5f}"
    return params


def view_for(
    state: ViewState, lookup: PlaceLookup | None = None, today: dt.date | None = None
) -> View:
    """The place and aids of a state; an empty view when it names no place."""
    from geo.lookup import get_lookup

    if not state.has_place:
        return View()
    lookup = lookup or get_lookup()
    on = state.date or today or dt.date.today()
    try:
        if state.insee is not None:
            place = lookup.commune(state.insee)
        else:
            place = lookup.try_point(state.lon, state.lat)
            if place is None:
                raise lookup.outside_error(state.lon, state.lat)
        answer = aids_at(place, state.profile, on)
    except ZonageError as exc:
        return View(error=str(exc))
    return View(place=place, answer=answer)


def search(
    text: str, lookup: PlaceLookup | None = None, geocoder: Geocoder | None = None
) -> SearchOutcome:
    """What the search box finds for an address, a commune name, a postal code or "lat, lon".

    A name shared by several communes gives the list to choose from rather than a guess; when
    the address service cannot be reached the answer is at commune level and says so.
    """
    from geo.geocode import place_from_text
    from geo.lookup import get_lookup

    lookup = lookup or get_lookup()
    try:
        place = place_from_text(text, lookup, geocoder)
    except InvalidInput as exc:
        candidates = lookup.search(text, limit=12) if (text or "").strip() else []
        if len(candidates) > 1:
            return SearchOutcome(
                choices=tuple((c.insee, c.label) for c in candidates), error=str(exc)
            )
        return SearchOutcome(error=str(exc))
    except ZonageError as exc:
        return SearchOutcome(error=str(exc))
    return SearchOutcome(place=place)


def state_for_place(place: PlaceFacts, profile: str, date: dt.date | None) -> ViewState:
    """The state that shows ``place``: a point when it is known precisely, else the commune."""
    if place.precision == "point" and place.lat is not None and place.lon is not None:
        return ViewState(profile=profile, date=date, lat=place.lat, lon=place.lon)
    return ViewState(profile=profile, date=date, insee=place.insee)
