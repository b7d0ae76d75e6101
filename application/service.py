"""What the app does on each user action, as plain functions: a click, a search or a shared link
becomes a place and its aids.

It wires the spatial lookup (``geo``) to the domain engine (``zonage``). Every user error becomes
a French message in the returned :class:`View`, never an exception, so the page only has to
show it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zonage.engine import Answer, aids_at, parse_date
from zonage.errors import InvalidInput, ZonageError
from zonage.place import PlaceFacts
from zonage.profiles import ALL, parse_profile
from zonage.text import quoted

# Unicode categories of characters never found in a place's name: controls (Cc), invisible
# formatting such as bidirectional overrides (Cf), lone surrogates (Cs), private use (Co).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})

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


#: Query parameters a link may carry; any other is ignored (Streamlit, link shorteners and
#: trackers add their own, and a link must still open).
QUERY_KEYS = ("insee", "lat", "lon", "profil", "date")
#: How a link names its place, in order of precedence when it names several (one is kept).
PLACE_KEYS = ("insee", "lat/lon")


def _value(params: Mapping[str, object], key: str, notes: list[str]) -> str | None:
    """The text of one parameter (None when absent or blank).

    A parameter repeated with different values keeps its last one, as Streamlit's
    ``st.query_params`` does, and says so in ``notes``.
    """
    value = params.get(key)
    if isinstance(value, list | tuple):
        values = [str(v) for v in value if v is not None and str(v).strip()]
        if len(set(values)) > 1:
            notes.append(
                f"Paramètre {key} répété ({len(values)} valeurs) : seule la dernière,"
                f" {quoted(values[-1])}, est utilisée."
            )
        value = values[-1] if values else None
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def state_from_query(params: Mapping[str, object]) -> tuple[ViewState, list[str]]:
    """Read a shared link's query parameters (``insee``, ``lat``, ``lon``, ``profil``, ``date``).

    Bad parameters are dropped with a French message each, so a damaged link still opens.
    A link names one place: ``insee`` or ``lat`` and ``lon``. When it names both, ``insee`` is
    kept (see :data:`PLACE_KEYS`) and a message says that ``lat``/``lon`` were ignored. A
    repeated parameter keeps its last value; unknown parameters are ignored.
    """
    from geo.lookup import parse_coordinate
    from geo.names import parse_insee

    errors: list[str] = []
    raw = {key: _value(params, key, errors) for key in QUERY_KEYS}
    profile = ALL
    try:
        profile = parse_profile(raw["profil"])
    except InvalidInput as exc:
        errors.append(str(exc))
    date = None
    if raw["date"] is not None:
        try:
            date = parse_date(raw["date"])
        except InvalidInput as exc:
            errors.append(str(exc))
    given = []
    if raw["insee"] is not None:
        given.append("insee")
    if raw["lat"] is not None or raw["lon"] is not None:
        given.append("lat/lon")
    if len(given) > 1:
        kept = min(given, key=PLACE_KEYS.index)
        errors.append(f"Plusieurs lieux donnés ({' et '.join(given)}) : seul {kept} est utilisé.")
        given = [kept]
    insee = lat = lon = None
    if given == ["insee"]:
        try:
            insee = parse_insee(raw["insee"] or "")
        except ZonageError as exc:
            errors.append(str(exc))
    elif given == ["lat/lon"]:
        try:
            lat = parse_coordinate(raw["lat"], "lat")
            lon = parse_coordinate(raw["lon"], "lon")
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


def check_search_text(text: str) -> str:
    """``text`` if it holds no control or invisible formatting character; else
    :class:`InvalidInput`.

    No address, commune or postal code contains a terminal escape, a NUL, a bidirectional
    override or a lone surrogate (undecodable bytes): such a text is refused before any search,
    and quoted with its characters escaped. Tabs and line breaks count as spaces.
    """
    for ch in text:
        if ch not in "\t\n\r" and unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            raise InvalidInput(
                f"Adresse {quoted(text)} : caractère invisible ou de contrôle (U+{ord(ch):04X})"
                " non admis.",
                hint="Retapez l'adresse, ex. « 1 place du Capitole, Toulouse ».",
            )
    return text


def search(
    text: str, lookup: PlaceLookup | None = None, geocoder: Geocoder | None = None
) -> SearchOutcome:
    """What the search box finds for an address, a commune name, a postal code or "lat, lon".

    A name shared by several communes gives the list to choose from rather than a guess; when
    the address service cannot be reached the answer is at commune level and says so.
    """
    from geo.geocode import default_geocoder, place_from_text
    from geo.lookup import get_lookup

    try:
        check_search_text(text or "")
    except InvalidInput as exc:
        return SearchOutcome(error=str(exc))
    lookup = lookup or get_lookup()
    try:
        place = place_from_text(text, lookup, default_geocoder() if geocoder is None else geocoder)
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
