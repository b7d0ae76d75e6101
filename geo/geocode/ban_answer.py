"""Strict reading of the address API's answers: a BAN ``/search`` body → sound results.

The structure must be the API's: an object of ``type`` ``FeatureCollection`` whose ``features``
is a list of ``Feature`` objects, each with a ``Point`` ``geometry`` (a ``coordinates`` list)
and an object of ``properties``. Anything else means the service is not working
(:class:`~zonage.errors.ServiceUnavailable`), so callers fall back to the gazetteer.

A feature whose values are wrong is dropped (logged): coordinates that are not finite numbers
within range, a ``score`` that is not a number from 0 to 1, an unknown ``type``, a missing or
overlong label, a malformed INSEE or postal code, or Lambert-93 ``x``/``y`` more than
:data:`L93_TOLERANCE_M` from the WGS84 point (pyproj).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from geo import settings
from geo.geocode.contract import GeocodeResult
from zonage.errors import ServiceUnavailable

log = logging.getLogger(__name__)

BAN_SERVICE = "Le service d'adresses (Base Adresse Nationale)"
#: Largest accepted gap between BAN's Lambert-93 x/y and its WGS84 point, in metres.
L93_TOLERANCE_M = 10.0
#: The kinds of BAN results, and the longest label or city name kept.
BAN_KINDS = frozenset({"housenumber", "street", "locality", "municipality"})
MAX_LABEL = 200
_CITYCODE = re.compile(r"\d[\dAB]\d{3}")  # INSEE code (2A / 2B in Corsica)
_POSTCODE = re.compile(r"\d{5}")


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

    Raises :class:`ServiceUnavailable` for a body of the wrong structure, and when every
    feature was dropped (the answer is then unusable).
    """
    results, dropped = read_body(body)
    if not results and dropped:
        raise ServiceUnavailable(f"{BAN_SERVICE} a renvoyé des positions ou valeurs invalides.")
    return results


def read_body(body: Any) -> tuple[list[GeocodeResult], int]:
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


def body_of(results: list[GeocodeResult]) -> dict[str, Any]:
    """Sound results as a BAN body: what the disk cache keeps, read back by :func:`read_body`."""
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
