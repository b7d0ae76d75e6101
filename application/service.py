"""What the app does on each user action, as plain functions: a click, a search or a shared link
becomes a place and its aids.

It wires the spatial lookup (``geo``) to the domain engine (``zonage``). Every user error becomes
a French message in the returned :class:`View`, never an exception, so the page only has to
show it.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from zonage.engine import Answer, aids_at, parse_date
from zonage.errors import InvalidInput, OutsideRegion, ServiceUnavailable, ZonageError
from zonage.place import PlaceFacts
from zonage.profiles import parse_profile
from zonage.situation import KEYS as SITUATION_KEYS
from zonage.situation import NO_SITUATION, Situation, parse_answer
from zonage.text import quoted

# Unicode categories of characters never found in a place's name: controls (Cc), invisible
# formatting such as bidirectional overrides (Cf), lone surrogates (Cs), private use (Co).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
T = TypeVar("T")

if TYPE_CHECKING:
    from geo.geocode import Geocoder, GeocodeResult
    from geo.lookup import PlaceLookup


@dataclass(frozen=True)
class ViewState:
    """What a link keeps: the place (a commune or a point), the profile (None until the
    visitor says « Je suis… »), the date and the answers of « Ma situation »."""

    profile: str | None = None
    date: dt.date | None = None  # None: today
    insee: str | None = None
    lat: float | None = None
    lon: float | None = None
    situation: Situation = NO_SITUATION

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
class Fallback:
    """Why an address search ended at commune level, and what the user can do about it."""

    cause: str  # e.g. "Adresse non trouvée", "Service d'adresses injoignable"
    advice: str

    def line(self, commune: str) -> str:
        """The one line the results start with, e.g. « Adresse non trouvée : résultat pour
        toute la commune de Toulouse (31555) ; … »."""
        return f"{self.cause} : résultat pour toute la commune {_of(commune)} ; {self.advice}."


@dataclass(frozen=True)
class SearchOutcome:
    """The result of the search box: one place, several communes to choose from, or an error.

    ``fallback`` is set when an address search ended at commune level (for ``choices``: at
    whichever commune is chosen); ``said`` holds what the search found out that the panel of
    the place does not show (the address kept, an approximate position, a service failure).
    """

    place: PlaceFacts | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (insee, label)
    error: str | None = None
    fallback: Fallback | None = None
    said: tuple[str, ...] = ()

    @property
    def notice(self) -> str | None:
        """The fallback line of the place found, if the search fell back to its commune."""
        if self.fallback is None or self.place is None:
            return None
        return self.fallback.line(f"{self.place.nom} ({self.place.insee})")


#: Query parameters a link may carry; any other is ignored (Streamlit, link shorteners and
#: trackers add their own, and a link must still open).
QUERY_KEYS = ("insee", "lat", "lon", "profil", "date", *SITUATION_KEYS)
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


def _parsed(value: str | None, parse: Callable[[str], T], errors: list[str]) -> T | None:
    """``parse(value)``, or None when absent or bad (its message then added to ``errors``)."""
    if value is None:
        return None
    try:
        return parse(value)
    except InvalidInput as exc:
        errors.append(str(exc))
        return None


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
    profile = _parsed(raw["profil"], parse_profile, errors)
    answers = {
        key: value
        for key in SITUATION_KEYS
        if (value := _parsed(raw[key], functools.partial(parse_answer, key), errors))
    }
    date = _parsed(raw["date"], parse_date, errors)
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
    state = ViewState(
        profile=profile, date=date, insee=insee, lat=lat, lon=lon, situation=Situation(answers)
    )
    return state, errors


def query_from_state(state: ViewState) -> dict[str, str]:
    """The query parameters of a link that reopens this view."""
    params: dict[str, str] = {"profil": state.profile} if state.profile else {}
    params.update(state.situation.to_query())
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
        if state.profile is None:  # the panel asks « Je suis… » first
            return View(place=place)
        answer = aids_at(place, state.profile, on, include_all=True, situation=state.situation)
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
    the address service cannot be reached, or finds only the commune of a text that names
    more than a commune, the answer is at commune level and its ``fallback`` says why.
    """
    from geo.geocode import default_geocoder, place_from_text
    from geo.lookup import get_lookup

    try:
        check_search_text(text or "")
    except InvalidInput as exc:
        return SearchOutcome(error=str(exc))
    lookup = lookup or get_lookup()
    witness = _Witness(default_geocoder() if geocoder is None else geocoder)
    try:
        place = place_from_text(text, lookup, witness)
    except ZonageError as exc:
        return _not_found(text, exc, lookup, witness)
    fallback = _fallback(text, lookup, witness) if place.precision == "commune" else None
    return SearchOutcome(place=place, fallback=fallback, said=_said(place, lookup))


#: Most communes offered to choose from (a postal code may cover dozens).
_MAX_CHOICES = 40


class _Witness:
    """The geocoder of one search, remembering how the address service answered it."""

    def __init__(self, geocoder: Geocoder) -> None:
        self.geocoder = geocoder
        self.asked = False  # the service answered (with results or none)
        self.failure: ServiceUnavailable | None = None

    def search(
        self, text: str, *, limit: int = 5, citycode: str | None = None,
        postcode: str | None = None,
    ) -> list[GeocodeResult]:  # fmt: skip
        try:
            results = self.geocoder.search(text, limit=limit, citycode=citycode, postcode=postcode)
        except ServiceUnavailable as exc:
            self.failure = exc
            raise
        self.asked = True
        return results


def _service_cause(failure: ServiceUnavailable) -> str:
    """The failure of the address service in a few words (its message says more)."""
    unreachable = "injoignable" in failure.message  # no answer at all, or 5xx until the end
    return "Service d'adresses " + ("injoignable" if unreachable else "indisponible")


def _fallback(text: str, lookup: PlaceLookup, witness: _Witness) -> Fallback | None:
    """Why a search of ``text`` ended at commune level; None when the text names a commune
    (a name, a postal code: the commune is what was asked) or the service was not asked."""
    from geo.names import is_exact

    named = lookup.search(" ".join(text.split()), limit=1)
    if named and is_exact(named[0]):
        return None
    if witness.failure is not None:
        return Fallback(
            _service_cause(witness.failure),
            "réessayez plus tard ou cliquez sur la carte à l'emplacement du cabinet",
        )
    if witness.asked:
        return Fallback(
            "Adresse non trouvée",
            "précisez le numéro, la voie et le code postal, ou cliquez sur la carte à"
            " l'emplacement du cabinet",
        )
    return None


def _not_found(
    text: str, exc: ZonageError, lookup: PlaceLookup, witness: _Witness
) -> SearchOutcome:
    """The outcome of a search that found no one place: communes to choose from, or the
    error (saying first when the address service could not be used)."""
    from geo.geocode import GazetteerGeocoder
    from geo.names import is_exact

    error = str(exc)
    fallback = _fallback(text, lookup, witness)
    if fallback is not None and witness.failure is not None and not isinstance(exc, OutsideRegion):
        error = f"{fallback.cause}. {error}"
    if isinstance(exc, InvalidInput) and (text or "").strip():
        # The communes the text names equally (homonyms, a shared postal code), found as the
        # offline search finds them: a name, or the end of an address.
        found = GazetteerGeocoder(lookup).candidates(text, limit=_MAX_CHOICES)
        exact = [c for c in found if is_exact(c)]
        if len(exact) > 1:
            choices = tuple((c.insee, c.label) for c in exact)
            return SearchOutcome(choices=choices, error=error, fallback=fallback)
    return SearchOutcome(error=error)


def _said(place: PlaceFacts, lookup: PlaceLookup) -> tuple[str, ...]:
    """The notes of the search that the panel will not show: the panel shows the place as
    the lookup knows it (the commune, or the point), with its own notes."""
    from geo.geocode import COMMUNE_LEVEL_NOTE

    if place.precision == "point" and place.lon is not None and place.lat is not None:
        own = lookup.try_point(place.lon, place.lat)
    else:
        own = lookup.commune(place.insee)
    shown = {COMMUNE_LEVEL_NOTE, *(own.notes if own is not None else ())}
    return tuple(n for n in place.notes if n not in shown)


def _of(name: str) -> str:
    """« de Toulouse », « d'Albi », « du Vigan », « des Cammazes »."""
    if name.startswith("Les "):
        return "des " + name[4:]
    if name.startswith("Le "):
        return "du " + name[3:]
    first = unicodedata.normalize("NFD", name[:1])[:1]
    return ("d'" if first and first in "AEIOUY" else "de ") + name


def state_for_place(place: PlaceFacts, profile: str, date: dt.date | None) -> ViewState:
    """The state that shows ``place``: a point when it is known precisely, else the commune."""
    if place.precision == "point" and place.lat is not None and place.lon is not None:
        return ViewState(profile=profile, date=date, lat=place.lat, lon=place.lon)
    return ViewState(profile=profile, date=date, insee=place.insee)
