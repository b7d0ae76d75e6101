"""Address search: a geocoder interface with two backends, and text → place facts.

- :class:`BanGeocoder` asks the national address API (Base Adresse Nationale, ``/search``)
  within a total deadline (retries on 429/5xx with backoff included), and keeps its answers in
  a cache (memory, optionally disk). Answers are checked strictly (:func:`parse_ban_response`):
  a body of the wrong structure is a service failure, a feature with wrong values is dropped,
  and each answer's Lambert-93 ``x``/``y`` must match its WGS84 position (pyproj).
- :class:`GazetteerGeocoder` works offline from the commune layer: commune names, communes
  déléguées and former communes, postal codes, and ``"lat, lon"`` text. Its results are at
  commune level (except coordinates), which it says plainly.

:func:`place_from_text` is what ``--address`` and the app's address box call: BAN first, the
gazetteer when the service cannot be reached or finds nothing, and a clear error otherwise.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

import requests

from geo import atomic, settings
from geo._http import HttpClientError, get_json, new_session
from geo.lookup import PlaceLookup, parse_coordinate
from geo.names import Candidate, alias_note, is_exact, normalize_name, pick_one
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

log = logging.getLogger(__name__)

Source = Literal["ban", "gazetteer"]
Precision = Literal["point", "commune"]

BAN_SERVICE = "Le service d'adresses (Base Adresse Nationale)"
#: Largest accepted gap between BAN's Lambert-93 x/y and its WGS84 point, in metres.
L93_TOLERANCE_M = 10.0
#: BAN match score below which the result is flagged as uncertain.
LOW_SCORE = 0.5
#: Logged (level INFO, with the traceback) when an answer fails in an unforeseen way.
UNUSABLE_LOG = "BAN answer could not be used"
#: The kinds of BAN results, and the longest label or city name kept.
BAN_KINDS = frozenset({"housenumber", "street", "locality", "municipality"})
MAX_LABEL = 200
_CITYCODE = re.compile(r"\d[\dAB]\d{3}")  # INSEE code (2A / 2B in Corsica)
_POSTCODE = re.compile(r"\d{5}")
COMMUNE_LEVEL_NOTE = (
    "Résultat au niveau de la commune : le QPV n'est pas déterminé ;"
    " donnez une adresse précise ou un point pour le connaître."
)

# "43.6045, 1.4440", "43,6045; 1,4440", "43.6045 1.4440", "43,6045, 1,4440" (latitude first).
_NUM = r"[-+]?\d{1,3}(?:[.,]\d+)?"
_LAT_LON_PATTERNS = (
    re.compile(rf"^\s*(?P<lat>{_NUM})\s*;\s*(?P<lon>{_NUM})\s*$"),
    re.compile(r"^\s*(?P<lat>[-+]?\d{1,3}(?:\.\d+)?)\s*,\s*(?P<lon>[-+]?\d{1,3}(?:\.\d+)?)\s*$"),
    re.compile(rf"^\s*(?P<lat>{_NUM})\s+(?P<lon>{_NUM})\s*$"),
    re.compile(r"^\s*(?P<lat>[-+]?\d{1,3},\d+)\s*,\s*(?P<lon>[-+]?\d{1,3},\d+)\s*$"),
)
_POSTAL_IN_TEXT = re.compile(r"(?<!\d)(\d{5})(?!\d)")


@dataclass(frozen=True)
class GeocodeResult:
    """One answer of a geocoder, best first in a result list."""

    label: str
    lon: float
    lat: float
    score: float
    kind: str  # BAN type (housenumber, street, locality, municipality) or commune / coordonnees
    citycode: str | None
    postcode: str | None
    city: str | None
    source: Source
    precision: Precision
    x: float | None = None  # Lambert-93 (EPSG:2154), as BAN gives it
    y: float | None = None
    note: str | None = None


class Geocoder(Protocol):
    """Anything that turns a text into ranked :class:`GeocodeResult` (may raise ZonageError)."""

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        citycode: str | None = None,
        postcode: str | None = None,
    ) -> list[GeocodeResult]: ...


def parse_lat_lon_text(text: str) -> tuple[float, float] | None:
    """``(lat, lon)`` from a text such as "43.6045, 1.4440", or None if it is not one.

    Raises :class:`InvalidInput` when it looks like a coordinate pair but is out of range.
    """
    for pattern in _LAT_LON_PATTERNS:
        m = pattern.match(text)
        if m:
            return parse_coordinate(m.group("lat"), "lat"), parse_coordinate(m.group("lon"), "lon")
    return None


@lru_cache(maxsize=1)
def _to_lambert93():
    from pyproj import Transformer

    return Transformer.from_crs(settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True)


def lambert93_gap(lon: float, lat: float, x: float, y: float) -> float:
    """Distance in metres between BAN's Lambert-93 ``x``/``y`` and its WGS84 point projected."""
    px, py = _to_lambert93().transform(lon, lat)
    return float(((px - x) ** 2 + (py - y) ** 2) ** 0.5)


class _Dropped(ValueError):
    """One feature's values cannot be used: the feature is dropped, the others are kept."""


def parse_ban_response(body: Any) -> list[GeocodeResult]:
    """Results of a BAN ``/search`` GeoJSON body, keeping only sound features.

    The structure must be the API's: an object of ``type`` ``FeatureCollection`` whose
    ``features`` is a list of ``Feature`` objects, each with a ``Point`` ``geometry`` (a
    ``coordinates`` list) and an object of ``properties``. Anything else means the service is
    not working (:class:`ServiceUnavailable`), so callers fall back to the gazetteer.

    A feature whose values are wrong is dropped (logged): coordinates that are not finite
    numbers within range, a ``score`` that is not a number from 0 to 1, an unknown ``type``,
    a missing or overlong label, a malformed INSEE or postal code, or Lambert-93 ``x``/``y``
    more than :data:`L93_TOLERANCE_M` from the WGS84 point. If every feature was dropped the
    answer is unusable (:class:`ServiceUnavailable`).
    """
    results, dropped = _parse(body)
    if not results and dropped:
        raise ServiceUnavailable(f"{BAN_SERVICE} a renvoyé des positions ou valeurs invalides.")
    return results


def _parse(body: Any) -> tuple[list[GeocodeResult], int]:
    """The sound results of ``body`` and how many features were dropped."""
    features = body.get("features") if isinstance(body, Mapping) else None
    if (
        not isinstance(body, Mapping)
        or body.get("type") != "FeatureCollection"
        or not isinstance(features, list)
        or not all(_is_feature(f) for f in features)
    ):
        raise ServiceUnavailable(f"{BAN_SERVICE} a renvoyé une réponse inattendue.")
    results: list[GeocodeResult] = []
    dropped = 0
    for feature in features:
        try:
            results.append(_result_of(feature))
        except _Dropped as exc:
            log.info("BAN feature dropped: %s", exc)  # the user's note says it; no stderr noise
            dropped += 1
    return results, dropped


def _is_feature(feature: Any) -> bool:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        return False
    geometry = feature.get("geometry")
    return (
        isinstance(geometry, Mapping)
        and geometry.get("type") == "Point"
        and isinstance(geometry.get("coordinates"), list)
        and isinstance(feature.get("properties"), Mapping)
    )


def _number(value: Any, what: str) -> float:
    """A finite JSON number (not a boolean, not a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Dropped(f"{what} is not a number: {value!r:.40}")
    try:
        number = float(value)
    except OverflowError:  # an integer of 400 digits
        number = math.inf
    if not math.isfinite(number):
        raise _Dropped(f"{what} is not finite: {value!r:.40}")
    return number


def _text(value: Any, what: str, pattern: re.Pattern[str] | None = None) -> str | None:
    """An optional one-line text of at most :data:`MAX_LABEL` characters (or a code)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_LABEL or not value.isprintable():
        raise _Dropped(f"{what} is not a one-line text: {value!r:.40}")
    if pattern is not None and not pattern.fullmatch(value):
        raise _Dropped(f"{what} is malformed: {value!r:.40}")
    return value


def _result_of(feature: Mapping[str, Any]) -> GeocodeResult:
    coordinates = feature["geometry"]["coordinates"]
    props = feature["properties"]
    if len(coordinates) not in (2, 3):
        raise _Dropped(f"{len(coordinates)} coordinates")
    lon = _number(coordinates[0], "longitude")
    lat = _number(coordinates[1], "latitude")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise _Dropped(f"position out of range: {lon}, {lat}")
    label = _text(props.get("label") or props.get("name"), "label")
    if label is None:
        raise _Dropped("no label")
    score = _number(props.get("score"), "score")
    if not 0.0 <= score <= 1.0:
        raise _Dropped(f"score out of range: {score}")
    kind = props.get("type")
    if kind not in BAN_KINDS:
        raise _Dropped(f"unknown type: {kind!r:.40}")
    x = y = None
    if props.get("x") is not None or props.get("y") is not None:
        x, y = _number(props.get("x"), "x"), _number(props.get("y"), "y")
        gap = lambert93_gap(lon, lat, x, y)
        if not gap <= L93_TOLERANCE_M:  # also when the projection gives inf or NaN
            raise _Dropped(f"{label!r}: Lambert-93 and WGS84 differ by {gap:.0f} m")
    return GeocodeResult(
        label=label,
        lon=lon,
        lat=lat,
        score=score,
        kind=kind,
        citycode=_text(props.get("citycode"), "citycode", _CITYCODE),
        postcode=_text(props.get("postcode"), "postcode", _POSTCODE),
        city=_text(props.get("city"), "city"),
        source="ban",
        precision="commune" if kind == "municipality" else "point",
        x=x,
        y=y,
    )


def _body_of(results: list[GeocodeResult]) -> dict[str, Any]:
    """Sound results as a BAN body: what the disk cache keeps, read back by :func:`_parse`."""
    features = []
    for r in results:
        props = {
            "label": r.label,
            "score": r.score,
            "type": r.kind,
            "citycode": r.citycode,
            "postcode": r.postcode,
            "city": r.city,
            "x": r.x,
            "y": r.y,
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
                "properties": {k: v for k, v in props.items() if v is not None},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def check_query(text: str) -> str:
    """The address text as BAN accepts it (3 to 200 characters, starting with a letter or
    digit), or :class:`InvalidInput` saying what to change."""
    q = " ".join((text or "").split())
    if not q:
        raise InvalidInput(
            "Adresse vide : indiquez une adresse, ex. « 1 place du Capitole, Toulouse »."
        )
    q = q.lstrip("-,;.:'\"()[]/#")
    if len(q) < 3:
        raise InvalidInput(
            f"Adresse {quoted(text.strip())} trop courte : au moins 3 caractères"
            " (lettres ou chiffres)."
        )
    if len(q) > 200:
        raise InvalidInput(
            "Adresse trop longue : 200 caractères au plus ; gardez numéro, voie et commune."
        )
    return q


class _Cache:
    """Small LRU cache of sound results in memory, optionally backed by one JSON file per key
    on disk. Only results that passed :func:`parse_ban_response` are kept; an entry read back
    from disk is checked again, and one that is damaged or no longer sound is ignored."""

    def __init__(self, size: int, directory: Path | None, ttl_s: float) -> None:
        self._memory: OrderedDict[str, tuple[GeocodeResult, ...]] = OrderedDict()
        self._size = size
        self._dir = directory
        self._ttl = ttl_s

    @staticmethod
    def key(url: str, params: Mapping[str, Any]) -> str:
        raw = json.dumps([url, sorted(params.items())], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()

    def get(self, key: str) -> list[GeocodeResult] | None:
        if key in self._memory:
            self._memory.move_to_end(key)
            return list(self._memory[key])
        if self._dir is None:
            return None
        path = self._dir / f"{key}.json"
        try:
            if time.time() - path.stat().st_mtime > self._ttl:
                return None
            results, dropped = _parse(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError, ServiceUnavailable) as exc:
            log.info("BAN cache entry %s ignored: %s", path.name, exc)
            return None
        if dropped:
            log.info("BAN cache entry %s ignored: %d unsound results", path.name, dropped)
            return None
        self._remember(key, results)
        return results

    def put(self, key: str, results: list[GeocodeResult]) -> None:
        self._remember(key, results)
        if self._dir is None:
            return
        try:
            text = json.dumps(_body_of(results), ensure_ascii=False, allow_nan=False)
            atomic.write_text(self._dir / f"{key}.json", text)
        except (OSError, ValueError) as exc:  # a cache not written is no error for the user
            log.info("BAN cache not written: %s", exc)

    def _remember(self, key: str, results: list[GeocodeResult]) -> None:
        self._memory[key] = tuple(results)
        self._memory.move_to_end(key)
        while len(self._memory) > self._size:
            self._memory.popitem(last=False)

    def __len__(self) -> int:
        return len(self._memory)


class BanGeocoder:
    """The Base Adresse Nationale ``/search`` endpoint (api-adresse.data.gouv.fr).

    Settings default to :mod:`geo.settings` (``BAN_URL``, ``BAN_TIMEOUT_S``, ``BAN_RETRIES``,
    ``BAN_BACKOFF_S``, ``BAN_DEADLINE_S``, ``BAN_MAX_BYTES``) read when the geocoder is
    created. ``cache_dir`` keeps sound answers on disk for ``cache_ttl_s`` seconds (the CLI
    uses ``data/cache/ban``); the memory cache always runs. A failed or unusable answer is
    never cached.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
        cache_size: int = 256,
        cache_dir: Path | None = None,
        cache_ttl_s: float = 7 * 24 * 3600,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = (base_url or settings.BAN_URL).rstrip("/")
        self.timeout = settings.BAN_TIMEOUT_S if timeout is None else timeout
        self.retries = settings.BAN_RETRIES if retries is None else retries
        self.backoff = settings.BAN_BACKOFF_S if backoff is None else backoff
        self.deadline = settings.BAN_DEADLINE_S if deadline is None else deadline
        self.max_bytes = settings.BAN_MAX_BYTES if max_bytes is None else max_bytes
        self.cache = _Cache(cache_size, cache_dir, cache_ttl_s)
        self._session = session or new_session()

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        citycode: str | None = None,
        postcode: str | None = None,
    ) -> list[GeocodeResult]:
        """Ranked addresses for ``text``, answered within the deadline.

        Raises :class:`ServiceUnavailable` when BAN cannot answer soundly in time and
        :class:`InvalidInput` when it refuses the query itself.
        """
        params: dict[str, Any] = {"q": check_query(text), "limit": int(limit)}
        if citycode:
            params["citycode"] = citycode
        if postcode:
            params["postcode"] = postcode
        url = f"{self.base_url}/search/"
        key = self.cache.key(url, params)
        results = self.cache.get(key)
        if results is None:
            results = self._ask(url, params)
            self.cache.put(key, results)
        return results

    def _ask(self, url: str, params: Mapping[str, Any]) -> list[GeocodeResult]:
        try:
            body = get_json(
                url,
                params,
                service=BAN_SERVICE,
                timeout=self.timeout,
                retries=self.retries,
                backoff=self.backoff,
                deadline=self.deadline,
                max_bytes=self.max_bytes,
                session=self._session,
            )
            return parse_ban_response(body)
        except HttpClientError as exc:
            if exc.status == 400 and exc.message:
                raise InvalidInput(
                    f"Adresse refusée par la Base Adresse Nationale : {quoted(exc.message)}.",
                    hint="Reformulez : numéro, voie, code postal et commune.",
                ) from None
            raise ServiceUnavailable(
                f"{BAN_SERVICE} a refusé la requête (HTTP {exc.status}).",
                hint="Vérifiez l'adresse du service (ZONAGE_BAN_URL).",
            ) from None
        except ZonageError:
            raise
        except Exception:  # an outside service must never break the page or the command
            log.info(UNUSABLE_LOG, exc_info=True)
            raise ServiceUnavailable(
                f"{BAN_SERVICE} a renvoyé une réponse inutilisable.", hint="Réessayez plus tard."
            ) from None


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
        raw = " ".join((text or "").split())
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
        raw = " ".join((text or "").split())
        names = self.lookup.names
        found = names.search(raw, limit=limit)
        if any(is_exact(c) for c in found):
            return found
        # A full address: look for the commune at its end, after a postal code or a comma.
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


def place_from_gazetteer(
    text: str, lookup: PlaceLookup, *, reason: str | None = None
) -> PlaceFacts:
    """Facts for ``text`` from the offline gazetteer alone (commune level, or a point for
    "lat, lon"). ``reason`` is prepended to the notes (why the gazetteer was used)."""
    raw = " ".join((text or "").split())
    if not raw:
        raise InvalidInput("Texte vide : indiquez une adresse, une commune ou un code postal.")
    coords = parse_lat_lon_text(raw)
    if coords is not None:
        lat, lon = coords
        return with_notes(lookup.point(lon=lon, lat=lat), [reason])
    if _POSTAL_IN_TEXT.fullmatch(raw):
        lookup.names.resolve_postal(raw)  # outside-region or unknown postal code: clear error
    chosen = pick_one(raw, GazetteerGeocoder(lookup).candidates(raw))
    notes = [reason, alias_note(chosen)]
    if chosen.kind == "code_postal":
        notes.append(f"Code postal {chosen.matched} : commune {chosen.nom} ({chosen.insee}).")
    notes.append(COMMUNE_LEVEL_NOTE)
    return with_notes(lookup.facts(chosen.index), notes)


def place_from_text(
    text: str,
    lookup: PlaceLookup,
    geocoder: Geocoder | None = None,
) -> PlaceFacts:
    """Facts of the place a user typed: an address, a commune, a postal code or "lat, lon".

    Asks the address API (``geocoder``, BAN by default) first and keeps its best answer that
    lies in Occitanie. When the service cannot be reached (or finds nothing), falls back to the
    offline gazetteer, whose answer is at commune level and says so in ``notes``.
    Raises :class:`InvalidInput`, :class:`NotFound` or :class:`OutsideRegion` otherwise.
    """
    raw = " ".join((text or "").split())
    if not raw:
        raise InvalidInput(
            "Adresse vide : indiquez une adresse, ex. « 1 place du Capitole, Toulouse »."
        )
    coords = parse_lat_lon_text(raw)
    if coords is not None:
        lat, lon = coords
        return lookup.point(lon=lon, lat=lat)
    if len(raw) < 3:
        # Too short for the address API ("Oô" is a commune): the gazetteer alone answers.
        return _fallback(raw, lookup, None, not_found=True)
    geocoder = geocoder if geocoder is not None else BanGeocoder()
    try:
        results = geocoder.search(raw, limit=5)
    except ServiceUnavailable as exc:
        return _fallback(
            raw, lookup, f"{exc.message} Recherche hors ligne dans la liste des communes."
        )
    for result in results:
        facts = _facts_of_result(result, lookup)
        if facts is not None:
            if result.kind == "municipality":
                _refuse_homonyms(raw, result, results, lookup)
            return facts
    if results:
        best = results[0]
        raise OutsideRegion(
            f"L'adresse trouvée, {quoted(best.label, MAX_LABEL)}, est hors d'Occitanie.",
            hint="Précisez la commune ou le code postal de l'adresse en Occitanie.",
        )
    return _fallback(raw, lookup, None, not_found=True)


def _fallback(
    raw: str, lookup: PlaceLookup, reason: str | None, *, not_found: bool = False
) -> PlaceFacts:
    try:
        return place_from_gazetteer(raw, lookup, reason=reason)
    except NotFound as exc:
        if isinstance(exc, OutsideRegion):
            raise
        lead = "Adresse introuvable" if not_found else "Adresse introuvable hors ligne"
        raise NotFound(
            f"{lead} : {quoted(raw)}.",
            hint="Vérifiez l'adresse, ou donnez la commune, le code INSEE (--insee)"
            " ou un point (--lat/--lon).",
        ) from None


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
            hint="Ajoutez le code postal ou le département, ex. « Saint-Michel 32300 »,"
            " ou donnez le code INSEE (--insee).",
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
