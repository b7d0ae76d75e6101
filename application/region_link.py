"""What a link keeps of the region views: which view (``vue``), the radius around the chosen
place (``rayon``, km), the places pinned for comparison (``comparer``: INSEE codes or points
``lat:lon``) and the aids whose map
is asked (``aides``). Bad values are dropped one by one with a French message each, so a
damaged link still opens (the place, profile, date and situation are
:mod:`application.service`'s)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zonage.errors import InvalidInput, ZonageError
from zonage.text import quoted

#: The views a link may name (``vue=``), with their French label.
VIEWS: dict[str, str] = {
    "carte": "Carte et aides",
    "installer": "Où m'installer",
    "comparer": "Comparer",
    "exporter": "Exporter",
    "apropos": "À propos des données",
}
DEFAULT_VIEW = "carte"
#: Radius around a place, in km, and how many places may be compared.
RADIUS_KM = (5, 100)
MAX_COMPARED = 3


@dataclass(frozen=True)
class RegionState:
    """The region views' part of a link."""

    view: str = DEFAULT_VIEW
    radius_km: int | None = None
    compared: tuple[str, ...] = ()
    aid_filter: tuple[str, ...] = ()


def _text(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None or not str(value).strip() else str(value).strip()


def region_state_from_query(
    params: Mapping[str, object], aid_ids: tuple[str, ...]
) -> tuple[RegionState, list[str]]:
    """The region views' parameters of a link, and a message per bad value (``aid_ids``: the
    catalogue's ids, for ``aides``)."""
    errors: list[str] = []
    view = _text(params, "vue") or DEFAULT_VIEW
    if view not in VIEWS:
        errors.append(f"Vue inconnue {quoted(view)} : vues possibles : {', '.join(VIEWS)}.")
        view = DEFAULT_VIEW
    radius = None
    if (raw := _text(params, "rayon")) is not None:
        low, high = RADIUS_KM
        if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
            radius = int(raw)
        else:
            errors.append(f"Rayon {quoted(raw)} : un nombre entier de {low} à {high} km attendu.")
    compared: list[str] = []
    for token in (_text(params, "comparer") or "").split(","):
        if not token.strip():
            continue
        try:
            pin = parse_pin(token)
        except ZonageError as exc:
            errors.append(f"Comparer : {exc}")
            continue
        if pin not in compared:
            compared.append(pin)
    if len(compared) > MAX_COMPARED:
        errors.append(
            f"Comparer : {MAX_COMPARED} lieux au plus ; seuls les {MAX_COMPARED} premiers sont"
            " gardés."
        )
        compared = compared[:MAX_COMPARED]
    aids: list[str] = []
    for aid in (_text(params, "aides") or "").split(","):
        if aid.strip() and aid.strip() not in aid_ids:
            errors.append(str(InvalidInput(f"Aide inconnue {quoted(aid.strip())} ignorée.")))
        elif aid.strip() and aid.strip() not in aids:
            aids.append(aid.strip())
    return RegionState(view, radius, tuple(compared), tuple(aids)), errors


def parse_pin(token: str) -> str:
    """A pinned place of ``comparer=``: an INSEE code, or a point ``lat:lon`` (written back
    with 5 decimals); :class:`InvalidInput` saying the grammar otherwise."""
    from geo.lookup import parse_coordinate
    from geo.names import parse_insee

    if ":" not in token:
        return parse_insee(token)
    lat, _, lon = token.partition(":")
    return point_pin(parse_coordinate(lat.strip(), "lat"), parse_coordinate(lon.strip(), "lon"))


def point_pin(lat: float, lon: float) -> str:
    """The ``comparer=`` token of a point."""
    return f"{lat:.5f}:{lon:.5f}"


def pin_point(pin: str) -> tuple[float, float] | None:
    """``(lat, lon)`` of a point's token, None for a commune's code."""
    if ":" not in pin:
        return None
    lat, _, lon = pin.partition(":")
    return float(lat), float(lon)


def region_query(state: RegionState) -> dict[str, str]:
    """The parameters of a link that reopens these views (the default view says nothing)."""
    params: dict[str, str] = {}
    if state.view != DEFAULT_VIEW:
        params["vue"] = state.view
    if state.radius_km is not None:
        params["rayon"] = str(state.radius_km)
    if state.compared:
        params["comparer"] = ",".join(state.compared)
    if state.aid_filter:
        params["aides"] = ",".join(state.aid_filter)
    return params
