"""The offline gazetteer: commune names, aliases, postal codes and "lat, lon" text → places.

It works from the commune layer alone (commune names, communes déléguées and former communes,
postal codes), so its answers are at commune level, which it says plainly; a ``"lat, lon"``
text is a point. :class:`GazetteerGeocoder` gives ranked results like any geocoder;
:func:`commune_place` gives the facts of the one commune a text names (the address search's
offline answer).
"""

from __future__ import annotations

import re

from geo.geocode.contract import COMMUNE_LEVEL_NOTE, GeocodeResult, tidy
from geo.lookup import PlaceLookup, parse_coordinate
from geo.names import Candidate, alias_note, is_exact, pick_one
from geo.places import with_notes
from zonage.errors import InvalidInput
from zonage.place import PlaceFacts

# "43.6045, 1.4440", "43,6045; 1,4440", "43.6045 1.4440", "43,6045, 1,4440" (latitude first).
_NUM = r"[-+]?\d{1,3}(?:[.,]\d+)?"
_LAT_LON_PATTERNS = (
    re.compile(rf"^\s*(?P<lat>{_NUM})\s*;\s*(?P<lon>{_NUM})\s*$"),
    re.compile(r"^\s*(?P<lat>[-+]?\d{1,3}(?:\.\d+)?)\s*,\s*(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)\s*$"),
    re.compile(rf"^\s*(?P<lat>{_NUM})\s+(?P<lon>{_NUM})\s*$"),
    re.compile(r"^\s*(?P<lat>[-+]?\d{1,3},\d+)\s*,\s*(?P<lon>[-+]?\d{1,3},\d+)\s*$"),
)
_POSTAL_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def parse_lat_lon_text(text: str) -> tuple[float, float] | None:
    """``(lat, lon)`` from a text such as "43.6045, 1.4440", or None if it is not one.

    Raises :class:`InvalidInput` when it looks like a coordinate pair but is out of range.
    """
    for pattern in _LAT_LON_PATTERNS:
        m = pattern.match(text)
        if m:
            return parse_coordinate(m.group("lat"), "lat"), parse_coordinate(m.group("lon"), "lon")
    return None


class GazetteerGeocoder:
    """Offline geocoder over the commune layer: names, aliases, postal codes, "lat, lon".

    Results are at commune level (their position is a point inside the commune), except a
    ``"lat, lon"`` text, which is a point.
    """

    def __init__(self, lookup: PlaceLookup) -> None:
        self.lookup = lookup

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        citycode: str | None = None,
        postcode: str | None = None,
    ) -> list[GeocodeResult]:
        """Ranked commune-level results for ``text`` (an empty list when nothing matches)."""
        raw = tidy(text)
        if not raw:
            raise InvalidInput("Texte vide : indiquez une commune, un code postal ou « lat, lon ».")
        coords = parse_lat_lon_text(raw)
        if coords is not None:
            lat, lon = coords
            return [
                GeocodeResult(
                    label=f"{lat:.6f}, {lon:.6f}",
                    lon=lon,
                    lat=lat,
                    score=1.0,
                    kind="coordonnees",
                    citycode=None,
                    postcode=None,
                    city=None,
                    source="gazetteer",
                    precision="point",
                )
            ]
        found = self.candidates(raw, limit=limit + 20 if citycode or postcode else limit)
        if citycode:
            found = [c for c in found if c.insee == citycode]
        if postcode:
            found = [c for c in found if postcode in self.lookup.facts(c.index).codes_postaux]
        return [self._result(c) for c in found[:limit]]

    def candidates(self, text: str, limit: int = 20) -> list[Candidate]:
        """Ranked communes for a commune name, postal code or full address text.

        For an address ("3 rue X, 09200 Saint-Girons") the commune is looked for at its end:
        after the postal code, or in its last words.
        """
        raw = tidy(text)
        names = self.lookup.names
        found = names.search(raw, limit=limit)
        if any(is_exact(c) for c in found):
            return found
        postal = _POSTAL_IN_TEXT.findall(raw)
        if postal:
            code = postal[-1]
            after = raw.rsplit(code, 1)[1].strip(" ,;")
            if after:
                named = names.search(f"{after} {code}", limit=limit)
                if any(is_exact(c) for c in named):
                    return named
            by_code = names.search(code, limit=limit)
            if by_code:
                return by_code
        tokens = re.split(r"[\s,;]+", raw)
        for start in range(max(0, len(tokens) - 6), len(tokens)):
            tail = " ".join(tokens[start:])
            named = names.search(tail, limit=limit)
            if any(is_exact(c) for c in named):
                return named
        return found

    def _result(self, candidate: Candidate) -> GeocodeResult:
        facts = self.lookup.facts(candidate.index)
        lon, lat = self.lookup.anchor(candidate.index)
        if candidate.kind == "code_postal":
            postcode: str | None = candidate.matched
        else:
            postcode = facts.codes_postaux[0] if facts.codes_postaux else None
        return GeocodeResult(
            label=f"{facts.nom} ({facts.departement})",
            lon=lon,
            lat=lat,
            score=candidate.score,
            kind="commune",
            citycode=facts.insee,
            postcode=postcode,
            city=facts.nom,
            source="gazetteer",
            precision="commune",
            note=" ".join(n for n in (alias_note(candidate), COMMUNE_LEVEL_NOTE) if n),
        )


def commune_place(raw: str, lookup: PlaceLookup, reason: str | None = None) -> PlaceFacts:
    """Commune-level facts of the one commune that the tidied text ``raw`` names (a name, an
    alias, a postal code or an address ending with them); ``reason`` leads the notes.

    Raises :class:`InvalidInput` for a name shared by several communes, :class:`NotFound` or
    :class:`OutsideRegion` when no commune of Occitanie matches.
    """
    if _POSTAL_IN_TEXT.fullmatch(raw):
        lookup.names.resolve_postal(raw)  # outside-region or unknown postal code: clear error
    chosen = pick_one(raw, GazetteerGeocoder(lookup).candidates(raw))
    notes = [reason, alias_note(chosen)]
    if chosen.kind == "code_postal":
        notes.append(f"Code postal {chosen.matched} : commune {chosen.nom} ({chosen.insee}).")
    notes.append(COMMUNE_LEVEL_NOTE)
    return with_notes(lookup.facts(chosen.index), notes)


def place_from_gazetteer(
    text: str, lookup: PlaceLookup, *, reason: str | None = None
) -> PlaceFacts:
    """Facts for ``text`` from the offline gazetteer alone (commune level, or a point for
    "lat, lon"). ``reason`` is prepended to the notes (why the gazetteer was used)."""
    raw = tidy(text)
    if not raw:
        raise InvalidInput("Texte vide : indiquez une adresse, une commune ou un code postal.")
    coords = parse_lat_lon_text(raw)
    if coords is not None:
        lat, lon = coords
        return with_notes(lookup.point(lon=lon, lat=lat), [reason])
    return commune_place(raw, lookup, reason)
