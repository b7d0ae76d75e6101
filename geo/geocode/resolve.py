"""Text → place: the facts of what a user typed, with notes saying how it was found.

The text is an address, a commune, a postal code or "lat, lon". :func:`place_from_text` is
what ``--address`` and the app's search box call; the path of a search is described in
:mod:`geo.geocode`.
"""

from __future__ import annotations

from geo.geocode.ban import default_geocoder
from geo.geocode.ban_answer import MAX_LABEL
from geo.geocode.contract import COMMUNE_LEVEL_NOTE, Geocoder, GeocodeResult, tidy
from geo.geocode.gazetteer import commune_place, parse_lat_lon_text
from geo.lookup import PlaceLookup
from geo.names import normalize_name
from geo.places import with_notes
from zonage.errors import (
    InvalidInput,
    NotFound,
    OutsideRegion,
    ServiceUnavailable,
    ZonageError,
)
from zonage.place import PlaceFacts
from zonage.text import quoted

#: BAN match score below which the result is flagged as uncertain.
LOW_SCORE = 0.5
#: Shortest text the address API accepts; a shorter one ("Oô" is a commune) goes offline.
_SHORTEST_QUERY = 3


def place_from_text(
    text: str,
    lookup: PlaceLookup,
    geocoder: Geocoder | None = None,
) -> PlaceFacts:
    """Facts of the place a user typed: an address, a commune, a postal code or "lat, lon".

    Asks the address API (``geocoder``, by default :func:`~geo.geocode.default_geocoder`)
    and keeps its best answer that lies in Occitanie. When the service cannot be reached (or
    finds nothing), the offline gazetteer answers at commune level and says so in ``notes``.
    Raises :class:`InvalidInput`, :class:`NotFound` or :class:`OutsideRegion` otherwise.
    """
    raw = tidy(text)
    if not raw:
        raise InvalidInput(
            "Adresse vide : indiquez une adresse, ex. « 1 place du Capitole, Toulouse »."
        )
    coords = parse_lat_lon_text(raw)
    if coords is not None:
        lat, lon = coords
        return lookup.point(lon=lon, lat=lat)
    if len(raw) < _SHORTEST_QUERY:
        return _offline(raw, lookup, None)
    try:
        results = (geocoder if geocoder is not None else default_geocoder()).search(raw, limit=5)
    except ServiceUnavailable as exc:
        reason = f"{exc.message} Recherche hors ligne dans la liste des communes."
        return _offline(raw, lookup, reason)
    if not results:
        return _offline(raw, lookup, None)
    return _place_of_results(raw, results, lookup)


def _offline(raw: str, lookup: PlaceLookup, reason: str | None) -> PlaceFacts:
    """The gazetteer's answer; ``reason`` (the service's failure) leads its notes."""
    try:
        return commune_place(raw, lookup, reason)
    except NotFound as exc:
        if isinstance(exc, OutsideRegion):
            raise
        lead = "Adresse introuvable hors ligne" if reason else "Adresse introuvable"
        raise NotFound(
            f"{lead} : {quoted(raw)}.",
            hint="Vérifiez l'adresse, ou donnez le nom de la commune, son code postal"
            " ou un point « lat, lon » (ex. 43.6045, 1.4440).",
        ) from None


def _place_of_results(raw: str, results: list[GeocodeResult], lookup: PlaceLookup) -> PlaceFacts:
    """Facts of the best result that lies in Occitanie, else :class:`OutsideRegion`."""
    for result in results:
        facts = _facts_of_result(result, lookup)
        if facts is not None:
            if result.kind == "municipality":
                _refuse_homonyms(raw, result, results, lookup)
            return facts
    raise OutsideRegion(
        f"L'adresse trouvée, {quoted(results[0].label, MAX_LABEL)}, est hors d'Occitanie.",
        hint="Précisez la commune ou le code postal de l'adresse en Occitanie.",
    )


def _refuse_homonyms(
    raw: str, chosen: GeocodeResult, results: list[GeocodeResult], lookup: PlaceLookup
) -> None:
    """A bare commune name that BAN finds in several communes of Occitanie is ambiguous: ask
    rather than pick one silently (the offline gazetteer does the same)."""
    key = normalize_name(raw)
    if key != normalize_name(chosen.city or chosen.label):
        return  # the text says more than the name (postal code, department): BAN decided
    same = [
        r
        for r in results
        if r.kind == "municipality"
        and r.citycode
        and lookup.names.code_index(r.citycode) is not None
        and normalize_name(r.city or r.label) == key
    ]
    if len({r.citycode for r in same}) > 1:
        listed = ", ".join(f"{r.label} ({r.postcode or r.citycode})" for r in same)
        raise InvalidInput(
            f"{quoted(raw)} désigne plusieurs communes d'Occitanie : {listed}.",
            hint="Ajoutez le code postal ou le département, ex. « Saint-Michel 32300 ».",
        )


def _facts_of_result(result: GeocodeResult, lookup: PlaceLookup) -> PlaceFacts | None:
    """Place facts of one BAN result, or None when it lies outside Occitanie."""
    notes: list[str] = [
        f"Adresse retenue (Base Adresse Nationale) : {quoted(result.label, MAX_LABEL)}."
    ]
    if result.score < LOW_SCORE:
        notes.append(f"Correspondance incertaine (score {result.score:.2f}) : vérifiez l'adresse.")
    if result.precision == "commune":
        if not result.citycode:
            return None
        try:
            facts = lookup.commune(result.citycode)
        except ZonageError:
            return None
        notes.append(COMMUNE_LEVEL_NOTE)
        return with_notes(facts, notes)
    located = lookup.try_point(result.lon, result.lat)
    if located is None:
        return None
    if result.kind in ("street", "locality"):
        notes.append(
            "Position approximative (centre de la voie ou du lieu-dit) : le QPV est évalué à ce"
            " point ; vérifiez-le pour le numéro exact."
        )
    if result.citycode and not _same_commune(result.citycode, located.insee, lookup):
        notes.append(
            f"La BAN rattache cette adresse à la commune {result.citycode} ; le point tombe dans"
            f" {located.nom} ({located.insee}) selon les contours utilisés : à vérifier."
        )
    return with_notes(located, notes)


def _same_commune(code: str, insee: str, lookup: PlaceLookup) -> bool:
    """True when INSEE ``code`` is ``insee`` or one of its former codes."""
    if code == insee:
        return True
    return insee in {lookup.facts(i).insee for i in lookup.names.former_code_indices(code)}
