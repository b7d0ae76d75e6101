"""Place facts: what the map knows about one spot, in the domain's own vocabulary.

This is the contract between the spatial side (``geo`` builds these from the commune layer)
and the eligibility engine (which reads them). It holds no geometry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Zone = Literal["ZIP", "ZAC", "ZAR"]
ZONES: tuple[str, ...] = ("ZIP", "ZAC", "ZAR")

# ZRR status of a current commune, from the 2017 list mapped through the commune history.
ZrrStatus = Literal["classee", "non_classee", "partiellement_classee"]

# FRR code of the Observatoire des territoires (codefrr) and its label.
FRR_LABELS: dict[int, str] = {
    0: "Non classée",
    1: "FRR bénéficiaire (ex-ZRR, transitoire)",
    2: "Commune nouvelle partiellement classée",
    4: "FRR socle",
    5: "FRR+",
}

PRIORITY_DEPARTMENTS: tuple[str, ...] = ("09", "32", "65")

# How precisely the place is known: a point (click, address) decides QPV membership;
# a commune (code, name, postal code) does not.
Precision = Literal["point", "commune"]


@dataclass(frozen=True)
class Qpv:
    """A quartier prioritaire de la politique de la ville."""

    code: str
    nom: str


@dataclass(frozen=True)
class PlaceFacts:
    """Every zoning fact the aids depend on, for one place.

    ``qpv`` is the 2015 QPV polygon that contains the point (only meaningful when
    ``precision == "point"``); ``qpv2024`` lists the 2024 QPV of the whole commune
    (their shapes are not available, so they never decide a point).
    ``zonage_medecins`` is ``None`` when the source does not class the commune.
    ``vintages`` maps a layer name to a short text saying which source and year it is.
    """

    insee: str
    nom: str
    departement: str
    departement_nom: str
    zonage_medecins: Zone | None
    massif: str | None
    zrr: ZrrStatus
    frr_code: int
    departement_prioritaire: bool
    precision: Precision = "commune"
    lon: float | None = None
    lat: float | None = None
    qpv: Qpv | None = None
    qpv2015_commune: tuple[Qpv, ...] = ()
    qpv2024: tuple[Qpv, ...] = ()
    population: int | None = None
    codes_postaux: tuple[str, ...] = ()
    vintages: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def frr(self) -> str:
        """French label of the FRR class."""
        return FRR_LABELS.get(self.frr_code, f"code FRR {self.frr_code}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``zonage lookup --json`` shape)."""
        d = asdict(self)
        d["commune"] = {
            "insee": self.insee,
            "nom": self.nom,
            "departement": self.departement,
            "departement_nom": self.departement_nom,
        }
        d["frr"] = self.frr
        return d
