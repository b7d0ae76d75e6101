"""Build :class:`~zonage.place.PlaceFacts` from the commune layer.

Every commune's facts are computed once, when the layer is loaded (:func:`build_table`), so that
a lookup only picks a prebuilt record and, for a point, adds the position and the QPV.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from geo.schema import (
    DATED_ZONING_COLUMNS,
    DATED_ZONING_SOURCE,
    REFERENCE_ZONING_ORDER,
    REFERENCE_ZONING_SOURCE,
)
from zonage.place import PlaceFacts, Qpv, Zone, ZoningVersion, ZrrStatus, version_in_force


def as_list(value: Any) -> list[Any]:
    """A list from a layer cell that may be a list, a numpy/arrow array, None or NaN."""
    if value is None:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def optional_str(value: Any) -> str | None:
    """A string cell, or None for a missing value (None, NaN, pandas NA, empty string)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value)
    return text or None


def qpv_list(codes: Any, noms: Any) -> tuple[Qpv, ...]:
    """Pair QPV codes with their names (names may be missing); cells as :func:`as_list` takes."""
    codes, noms = as_list(codes), as_list(noms)
    return tuple(
        Qpv(code=str(c), nom=str(noms[k]) if k < len(noms) else "") for k, c in enumerate(codes)
    )


def optional_zone(value: Any) -> Zone | None:
    """A doctor-zoning class cell (the layer's codes are checked when it is built)."""
    return cast("Zone | None", optional_str(value))


def optional_bool(value: Any) -> bool | None:
    """A true/false cell, or None for a missing value."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value)


def zoning_versions(row: Mapping[str, Any]) -> tuple[ZoningVersion, ...]:
    """The doctor zoning versions of one commune row, oldest first: the reference one, then
    the dated table's when it is known for the commune."""
    versions = [
        ZoningVersion(
            depuis=REFERENCE_ZONING_ORDER,
            classe=optional_zone(row.get("zonage_medecins")),
            arrete=REFERENCE_ZONING_ORDER,
            source=REFERENCE_ZONING_SOURCE,
        )
    ]
    arrete = optional_str(row.get("zonage_medecins_2_arrete"))
    if arrete is not None:
        versions.append(
            ZoningVersion(
                depuis=arrete,
                classe=optional_zone(row.get("zonage_medecins_2")),
                arrete=arrete,
                source=DATED_ZONING_SOURCE,
                tvs_code=optional_str(row.get("tvs_code")),
                tvs_nom=optional_str(row.get("tvs_nom")),
            )
        )
    return tuple(sorted(versions, key=lambda v: v.depuis))


def versions_on(communes: pd.DataFrame, on: dt.date) -> list[ZoningVersion]:
    """The doctor zoning version in force on ``on`` of each row of a commune frame (in row
    order; its ``classe`` is the class the commune has that day). Reads ``zonage_medecins`` and
    the :data:`~geo.schema.DATED_ZONING_COLUMNS` present."""
    columns = [c for c in ("zonage_medecins", *DATED_ZONING_COLUMNS) if c in communes.columns]
    rows = cast(list[dict[str, Any]], pd.DataFrame(communes[columns]).to_dict("records"))
    # A row always has its reference version, so one is in force on any date.
    return [cast(ZoningVersion, version_in_force(zoning_versions(r), on)) for r in rows]


def commune_facts(row: Mapping[str, Any], vintages: Mapping[str, str]) -> PlaceFacts:
    """Commune-level place facts of one row of the commune layer (doctor zoning: the
    reference version; :meth:`PlaceFacts.on` picks the one in force on a date)."""
    population: Any = row.get("population")
    return PlaceFacts(
        insee=str(row["insee"]),
        nom=str(row["nom"]),
        departement=str(row["departement"]),
        departement_nom=str(row.get("departement_nom") or ""),
        zonage_medecins=optional_zone(row.get("zonage_medecins")),
        massif=optional_str(row.get("massif")),
        zrr=cast(ZrrStatus, str(row["zrr"])),
        frr_code=int(row["frr_code"]),
        precision="commune",
        qpv2015_commune=qpv_list(row.get("qpv2015_codes"), row.get("qpv2015_noms")),
        qpv2024=qpv_list(row.get("qpv2024_codes"), row.get("qpv2024_noms")),
        population=None if optional_str(population) is None else int(population),
        codes_postaux=tuple(str(c) for c in as_list(row.get("codes_postaux"))),
        vintages=dict(vintages),
        zone_montagne=optional_bool(row.get("zone_montagne")),
        zonage_medecins_arrete=REFERENCE_ZONING_ORDER,
        zonage_versions=zoning_versions(row),
    )


def with_notes(facts: PlaceFacts, notes: Iterable[str | None]) -> PlaceFacts:
    """The same facts with extra French notes (empty ones skipped)."""
    extra = tuple(n for n in notes if n)
    if not extra:
        return facts
    return dataclasses.replace(facts, notes=facts.notes + extra)


def point_facts(
    base: PlaceFacts, lon: float, lat: float, qpv: Qpv | None, notes: Sequence[str] = ()
) -> PlaceFacts:
    """Point-level facts: the commune's facts plus the position and the QPV containing it.

    This is on the hot path of every click, so it copies the prebuilt record's fields
    directly instead of going through ``dataclasses.replace`` (which re-runs ``__init__``).
    """
    new = object.__new__(PlaceFacts)
    state = dict(base.__dict__)
    state["precision"] = "point"
    state["lon"] = lon
    state["lat"] = lat
    state["qpv"] = qpv
    state["vintages"] = dict(base.vintages)
    if notes:
        state["notes"] = base.notes + tuple(notes)
    new.__dict__.update(state)
    return new


@dataclass(frozen=True)
class CommuneTable:
    """Per-commune facts, in the order of the rows given (position = commune index).

    Columns are numpy arrays for vectorised lookups; ``facts`` holds the commune-level
    :class:`PlaceFacts` for scalar lookups.
    """

    insee: np.ndarray
    nom: np.ndarray
    departement: np.ndarray
    departement_nom: np.ndarray
    zonage_medecins: np.ndarray
    massif: np.ndarray
    zrr: np.ndarray
    frr_code: np.ndarray
    facts: tuple[PlaceFacts, ...]

    def __len__(self) -> int:
        return len(self.facts)


def build_table(communes: pd.DataFrame, vintages: Mapping[str, str]) -> CommuneTable:
    """Precompute the facts of every commune row (rows keep their order)."""
    rows = communes.drop(columns=["geometry"], errors="ignore").to_dict("records")
    records = cast(list[dict[str, Any]], rows)  # the layer's column names are strings
    facts = tuple(commune_facts(r, vintages) for r in records)

    def column(name: str) -> np.ndarray:
        return np.array([getattr(f, name) for f in facts], dtype=object)

    return CommuneTable(
        insee=column("insee"),
        nom=column("nom"),
        departement=column("departement"),
        departement_nom=column("departement_nom"),
        zonage_medecins=column("zonage_medecins"),
        massif=column("massif"),
        zrr=column("zrr"),
        frr_code=np.array([f.frr_code for f in facts], dtype=np.int16),
        facts=facts,
    )
