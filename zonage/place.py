"""Place facts: what the map knows about one spot, in the domain's own vocabulary.

This is the contract between the spatial side (``geo`` builds these from the commune layer)
and the eligibility engine (which reads them). It holds no geometry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
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

# How precisely the place is known: a point (click, address) decides QPV membership;
# a commune (code, name, postal code) does not.
Precision = Literal["point", "commune"]


@dataclass(frozen=True)
class Qpv:
    """A quartier prioritaire de la politique de la ville."""

    code: str
    nom: str


@dataclass(frozen=True)
class ZoningVersion:
    """One version of the doctor zoning of a commune, in force from ``depuis`` (ISO date).

    ``classe`` is None when that version gives the commune no usable class; ``arrete`` is the
    ISO date of the ARS order, None when unknown; ``tvs_code`` / ``tvs_nom`` the territoire de
    vie-santé when the source gives it."""

    depuis: str
    classe: Zone | None
    arrete: str | None
    source: str
    tvs_code: str | None = None
    tvs_nom: str | None = None


def version_in_force(versions: Sequence[ZoningVersion], on: dt.date) -> ZoningVersion | None:
    """The zoning version in force on ``on`` among ``versions`` (oldest first): the latest one
    started by then, else the oldest known (None when no version is known)."""
    day = on.isoformat()
    started = [v for v in versions if v.depuis <= day]
    if started:
        return started[-1]
    return versions[0] if versions else None


@dataclass(frozen=True)
class PlaceFacts:
    """Every zoning fact the aids depend on, for one place.

    ``qpv`` is the 2015 QPV polygon that contains the point (only meaningful when
    ``precision == "point"``); ``qpv2024`` lists the 2024 QPV of the whole commune
    (their shapes are not available, so they never decide a point).
    ``zonage_medecins`` is ``None`` when the source does not class the commune.
    ``vintages`` maps a layer name to a short text saying which source and year it is.
    ``zonage_versions`` lists the doctor zoning versions known for the commune, oldest first;
    ``zonage_medecins`` and ``zonage_medecins_arrete`` are those of the version in use (the
    oldest unless :meth:`on` chose another). ``zone_montagne`` is None when the commune is
    partly classed or absent from the list. ``date_notes`` are notes that hold on the date of
    the question (a newer zoning order not loaded for the commune).
    """

    insee: str
    nom: str
    departement: str
    departement_nom: str
    zonage_medecins: Zone | None
    massif: str | None
    zrr: ZrrStatus
    frr_code: int
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
    zone_montagne: bool | None = None
    zonage_medecins_arrete: str | None = None
    tvs: dict[str, str] | None = None
    zonage_versions: tuple[ZoningVersion, ...] = ()
    date_notes: tuple[str, ...] = ()

    def version_on(self, on: dt.date) -> ZoningVersion | None:
        """The zoning version in force on ``on`` (see :func:`version_in_force`)."""
        return version_in_force(self.zonage_versions, on)

    def on(self, on: dt.date) -> PlaceFacts:
        """The same facts with the doctor zoning of the version in force on ``on``."""
        version = self.version_on(on)
        if version is None or (
            version.classe == self.zonage_medecins and version.arrete == self.zonage_medecins_arrete
        ):
            return self
        tvs = None
        if version.tvs_code:
            tvs = {"code": version.tvs_code, "nom": version.tvs_nom or ""}
        return dataclasses.replace(
            self,
            zonage_medecins=version.classe,
            zonage_medecins_arrete=version.arrete,
            tvs=tvs or self.tvs,
        )

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
