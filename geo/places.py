"""Build :class:`~zonage.place.PlaceFacts` from the commune layer.

Every commune's facts are computed once, when the layer is loaded (:func:`build_table`), so that
a lookup only picks a prebuilt record and, for a point, adds the position and the QPV.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from zonage.place import PlaceFacts, Qpv


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


def qpv_list(codes: Iterable[str], noms: Iterable[str]) -> tuple[Qpv, ...]:
    """Pair QPV codes with their names (names may be missing)."""
    codes, noms = as_list(codes), as_list(noms)
    return tuple(
        Qpv(code=str(c), nom=str(noms[k]) if k < len(noms) else "") for k, c in enumerate(codes)
    )


def commune_facts(row: Mapping[str, Any], vintages: Mapping[str, str]) -> PlaceFacts:
    """Commune-level place facts of one row of the commune layer."""
    population = row.get("population")
    return PlaceFacts(
        insee=str(row["insee"]),
        nom=str(row["nom"]),
        departement=str(row["departement"]),
        departement_nom=str(row.get("departement_nom") or ""),
        zonage_medecins=optional_str(row.get("zonage_medecins")),  # type: ignore[arg-type]
        massif=optional_str(row.get("massif")),
        zrr=str(row["zrr"]),  # type: ignore[arg-type]
        frr_code=int(row["frr_code"]),
        departement_prioritaire=bool(row["departement_prioritaire"]),
        precision="commune",
        qpv2015_commune=qpv_list(row.get("qpv2015_codes"), row.get("qpv2015_noms")),
        qpv2024=qpv_list(row.get("qpv2024_codes"), row.get("qpv2024_noms")),
        population=None if optional_str(population) is None else int(population),
        codes_postaux=tuple(str(c) for c in as_list(row.get("codes_postaux"))),
        vintages=dict(vintages),
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
    departement_prioritaire: np.ndarray
    facts: tuple[PlaceFacts, ...]

    def __len__(self) -> int:
        return len(self.facts)


def build_table(communes: pd.DataFrame, vintages: Mapping[str, str]) -> CommuneTable:
    """Precompute the facts of every commune row (rows keep their order)."""
    records = communes.drop(columns=["geometry"], errors="ignore").to_dict("records")
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
        departement_prioritaire=np.array([f.departement_prioritaire for f in facts], dtype=bool),
        facts=facts,
    )
