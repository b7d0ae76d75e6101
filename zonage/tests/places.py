"""Hand-made places, dates and profiles for the engine's tests: the engine never touches
geometry, so each place is a :class:`PlaceFacts` with only the facts the rules read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from zonage.engine import A_VERIFIER, ELIGIBLE, NON_APPLICABLE, SOUS_CONDITION
from zonage.place import PlaceFacts, Precision, Qpv, Zone, ZrrStatus
from zonage.situation import NO_SITUATION, parse_situation

E, S, V, N = ELIGIBLE, SOUS_CONDITION, A_VERIFIER, NON_APPLICABLE

# « Ma situation » answered so that the personal conditions hold and the place decides: a
# first installation in secteur 1 with no installation aid received (the 2026 primo-installation
# aids), or only the latter (the secondary-practice aid, the ARS contract).
FIRST_INSTALL = parse_situation(["secteur=1", "aide_installation=aucune"])
NO_AID = parse_situation(["aide_installation=aucune"])

QPV_2015 = Qpv("QP031001", "Quartier 2015")
QPV_2024 = Qpv("QN03101A", "Quartier 2024")


def make_place(
    zone: Zone | None = "ZIP",
    *,
    departement: str = "31",
    massif: str | None = None,
    zrr: ZrrStatus = "non_classee",
    frr: int = 0,
    precision: Precision = "commune",
    qpv: Qpv | None = None,
    qpv2015: tuple[Qpv, ...] = (),
    qpv2024: tuple[Qpv, ...] = (),
    insee: str | None = None,
    nom: str = "Commune test",
    zone_montagne: bool | None = None,
) -> PlaceFacts:
    """A place with only the facts the engine reads."""
    return PlaceFacts(
        insee=insee or f"{departement}999",
        nom=nom,
        departement=departement,
        departement_nom={
            "09": "Ariège",
            "12": "Aveyron",
            "31": "Haute-Garonne",
            "34": "Hérault",
            "48": "Lozère",
        }.get(departement, "Département"),
        zonage_medecins=zone,
        massif=massif,
        zrr=zrr,
        frr_code=frr,
        precision=precision,
        lon=1.0 if precision == "point" else None,
        lat=43.0 if precision == "point" else None,
        qpv=qpv,
        qpv2015_commune=qpv2015,
        qpv2024=qpv2024,
        zone_montagne=bool(massif) if zone_montagne is None else zone_montagne,
        vintages={
            "zonage_medecins": "zonage test",
            "massif": "massifs test",
            "qpv2015": "QPV 2015 test",
            "qpv2024": "QPV 2024 test",
            "zrr": "ZRR test",
            "frr": "FRR test",
        },
    )


# Places (departement 31: not prioritaire; no massif unless said).
ZIP = make_place("ZIP", zrr="classee", frr=4)
ZAC = make_place("ZAC")
ZAR = make_place("ZAR")
UNCLASSED = make_place(None)  # like 12218, absent from the zoning file
ZIP_ZRR_PARTIAL = make_place("ZIP", zrr="partiellement_classee", frr=2)
ZIP_FRR_PLUS = make_place("ZIP", frr=5)
ZIP_FRR_TRANSITION = make_place("ZIP", frr=1)
MASSIF_ZAR = make_place("ZAR", departement="12", massif="Massif central")
DEP09_ZAR = make_place("ZAR", departement="09")
# A ZAC commune with QPV: known as a commune, or as a point inside / outside the polygons.
ZAC_QPV_COMMUNE = make_place("ZAC", qpv2015=(QPV_2015,), qpv2024=(QPV_2024,))
ZAC_QPV_POINT_IN = replace(ZAC_QPV_COMMUNE, precision="point", lon=1.0, lat=43.0, qpv=QPV_2015)
ZAC_QPV_POINT_OUT = replace(ZAC_QPV_COMMUNE, precision="point", lon=1.0, lat=43.0)
# A point outside the 2015 polygons of a commune that has no QPV left in the 2024 list.
ZAC_OLD_QPV_POINT_OUT = make_place("ZAC", precision="point", qpv2015=(QPV_2015,))
ZAR_QPV_COMMUNE = make_place("ZAR", qpv2015=(QPV_2015,), qpv2024=(QPV_2024,))
ZAR_QPV_POINT_IN = replace(ZAR_QPV_COMMUNE, precision="point", lon=1.0, lat=43.0, qpv=QPV_2015)
ZAR_OLD_QPV_POINT_IN = make_place("ZAR", precision="point", qpv=QPV_2015, qpv2015=(QPV_2015,))

D2022 = dt.date(2022, 1, 15)
D2023 = dt.date(2023, 6, 1)  # CDE, CDER, ZRR, CAIM open; CET not yet
D2023_AUTUMN = dt.date(2023, 10, 2)  # CET open
D2024 = dt.date(2024, 3, 1)  # CDE/CDER closed; ZRR still open; FRR not yet
D2024_H2 = dt.date(2024, 9, 1)  # ZRR closed; FRR open
D2025 = dt.date(2025, 6, 1)  # CAIM still open; no 2026 aid yet
D2025_DEC = dt.date(2025, 12, 31)  # last day of CAIM
D2026 = dt.date(2026, 3, 1)  # CAIM closed; 2026 installation aids open
D2027 = dt.date(2027, 3, 1)  # CET experiment over

ETU2, ETU3 = "etudiant-2e-cycle", "etudiant-3e-cycle"
MSU, REMPL = "maitre-de-stage", "medecin-remplacant"
INSTALL, SECONDARY = "liberal-installation", "liberal-cabinet-secondaire"
PRACTICE, END, BACKUP = "liberal-en-exercice", "liberal-fin-de-carriere", "liberal-renfort"
SALARIED, STRUCTURE = "generaliste-salarie", "structure-coordonnee"


def status_params(cases: Sequence[tuple[Any, ...]]) -> list[Any]:
    """``(id, place, profile, date, {aid: status}[, situation])`` rows as pytest parameters
    ``(place, profile, on, expected, situation)``, with no situation unless given."""
    return [
        pytest.param(*row[1:5], row[5] if len(row) > 5 else NO_SITUATION, id=row[0])
        for row in cases
    ]
