"""The geocoder contract: the text a search takes, the results it gives, the Geocoder protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Source = Literal["ban", "gazetteer"]
Precision = Literal["point", "commune"]

COMMUNE_LEVEL_NOTE = (
    "Résultat au niveau de la commune : le QPV n'est pas déterminé ;"
    " donnez une adresse précise ou un point pour le connaître."
)


def tidy(text: str | None) -> str:
    """``text`` on one line, its runs of spaces, tabs and line breaks made single spaces."""
    return " ".join((text or "").split())


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
