"""Zone de montagne (code rural, art. D113-14): whether each current commune of the region is
classed, from the national list of classed communes keyed by INSEE code.

The list (``code_commune``, ``nom_commune``, ``zone_montagne``) is in an older COG (2024): its
codes are followed to today's communes through the commune history. Values:

- ``C`` (classée) -> ``True``; ``NC`` (non classée) -> ``False``;
- ``P`` / ``PC`` (partiellement classée, a value the file uses in its other columns) ->
  ``None``, since a point of the commune may or may not be classed.

A current commune made of several communes of the list is ``True`` when all were classed,
``False`` when none was, ``None`` (« partiellement classée ») otherwise; a current commune the
list does not name is ``None`` (« absente de la liste »). ``zone_montagne_detail`` says which
case applies, with the former communes when there are several. Any other value is a data error.

This classification differs from the massif perimeter (:mod:`geo.loaders.massifs`): some
classed communes are in no massif, and most of the perimeter is not classed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from geo import settings
from geo.loaders._common import check_insee_codes, data_error, in_region, read_csv, require_columns
from geo.loaders.cog import CodeMapper, rows_by_commune
from zonage.text import quoted

COLUMNS: tuple[str, ...] = ("code_commune", "nom_commune", "zone_montagne")
#: Source value -> (classed?, French text).
VALUES: dict[str, tuple[bool | None, str]] = {
    "C": (True, "classée"),
    "NC": (False, "non classée"),
    "P": (None, "partiellement classée"),
    "PC": (None, "partiellement classée"),
}
#: The list is in COG 2024 codes (it still has the communes merged on 1 January 2025).
MONTAGNE_SINCE = "2024-01-02"
PARTLY = "partiellement classée"
ABSENT = "absente de la liste"
#: Statuses of a current commune in the report.
STATUSES: tuple[str, ...] = ("classee", "non_classee", "partiellement_classee", "absente")


@dataclass(frozen=True)
class ZoneMontagne:
    frame: pd.DataFrame
    """One row per current commune of the region: ``insee, zone_montagne`` (True / False /
    None), ``zone_montagne_detail`` (French text)."""
    report: dict = field(default_factory=dict)


def _status(value: bool | None, detail: str) -> str:
    if value is True:
        return "classee"
    if value is False:
        return "non_classee"
    return "absente" if detail == ABSENT else "partiellement_classee"


def load_zone_montagne(path: Path, mapper: CodeMapper, communes: pd.DataFrame) -> ZoneMontagne:
    """Read the national list and class every current commune of the region.

    ``communes`` holds the current communes (``insee, nom``: the COG table).
    """
    df = read_csv(path, encoding="utf-8-sig")
    require_columns(df, COLUMNS, path)
    check_insee_codes(df["code_commune"], path)
    region = df[df["code_commune"].map(in_region)].copy()
    region["valeur"] = region["zone_montagne"].str.strip()
    unknown = region.loc[~region["valeur"].isin(list(VALUES))]
    if len(unknown):
        first = unknown.iloc[0]
        raise data_error(
            path,
            f"valeur de zone_montagne inconnue {quoted(first['zone_montagne'])} pour "
            f"{first['code_commune']} ({len(unknown)} ligne(s))",
        )
    region = mapper.with_current_codes(region, "code_commune", MONTAGNE_SINCE)
    parts = rows_by_commune(region)
    records = []
    for insee in sorted(communes["insee"]):
        value, detail = _classify(parts.get(insee, []))
        records.append({"insee": insee, "zone_montagne": value, "zone_montagne_detail": detail})
    frame = pd.DataFrame.from_records(
        records, columns=["insee", "zone_montagne", "zone_montagne_detail"]
    ).astype({"zone_montagne": object})
    report = _report(df, region, frame, parts, communes)
    return ZoneMontagne(frame=frame, report=report)


def _classify(rows: list[Any]) -> tuple[bool | None, str]:
    """Classed or not, and the French detail, of a current commune from its rows in the list
    (one per former commune)."""
    values = {VALUES[r.valeur][0] for r in rows}
    if not rows:
        return None, ABSENT
    if len(values) == 1 and len(rows) == 1:
        return values.pop(), VALUES[rows[0].valeur][1]
    if len(values) == 1 and None not in values:
        former = ", ".join(sorted(r.code_commune for r in rows))
        return values.pop(), f"{VALUES[rows[0].valeur][1]} (anciennes communes {former})"
    return None, f"{PARTLY} : " + " ; ".join(
        f"{r.code_commune} {r.nom_commune} : {VALUES[r.valeur][1]}"
        for r in sorted(rows, key=lambda r: r.code_commune)
    )


def _report(
    df: pd.DataFrame,
    region: pd.DataFrame,
    frame: pd.DataFrame,
    parts: dict[str, list[Any]],
    communes: pd.DataFrame,
) -> dict[str, Any]:
    """Where every row of the region went, and the communes per status."""
    statuses = Counter(
        _status(v, d)
        for v, d in zip(frame["zone_montagne"], frame["zone_montagne_detail"], strict=True)
    )
    names = dict(zip(communes["insee"], communes["nom"], strict=True))
    lost = region[region["insee"].isna()]
    outside = region[~region["insee"].isna() & ~region["insee"].isin(set(communes["insee"]))]
    report = {
        "lignes_fichier": len(df),
        "lignes_region": len(region),
        "lignes_region_par_valeur": dict(sorted(Counter(region["valeur"]).items())),
        "codes_par_route": dict(sorted(Counter(region["route"]).items())),
        "codes_introuvables": sorted(lost["code_commune"]),
        "codes_hors_communes": sorted(outside["code_commune"]),
        "communes": len(frame),
        "communes_par_statut": {s: statuses.get(s, 0) for s in STATUSES},
        "communes_regroupees": {
            k: sorted(r.code_commune for r in v) for k, v in sorted(parts.items()) if len(v) > 1
        },
        "communes_partiellement_classees": [
            {"insee": i, "nom": names.get(i), "detail": d}
            for i, v, d in frame.itertuples(index=False)
            if v is None and d != ABSENT
        ],
        "communes_absentes": [
            {"insee": i, "nom": names.get(i)}
            for i, d in zip(frame["insee"], frame["zone_montagne_detail"], strict=True)
            if d == ABSENT
        ],
    }
    if "Code région" in df.columns:
        # The department decides the region; a row whose region code disagrees is reported.
        by_code = df["Code région"].str.strip() == settings.REGION_CODE
        report["lignes_region_incoherente"] = sorted(
            df.loc[by_code != df["code_commune"].map(in_region), "code_commune"]
        )
    return report


def classed_outside_massifs(zone: pd.DataFrame, massifs: pd.DataFrame) -> list[str]:
    """Communes classed zone de montagne that are in no massif perimeter (``massifs``:
    ``insee, massif``)."""
    classed = zone.loc[zone["zone_montagne"].map(lambda v: v is True), "insee"]
    return sorted(set(classed) - set(massifs["insee"]))
