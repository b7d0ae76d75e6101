"""Massif perimeter (loi Montagne, art. 5): the massif of each commune and the massif outlines.

The perimeter is one of the two readings of the brochure's "communes de montagne et de massif";
the other, the zone de montagne classification, has its own loader (:mod:`geo.loaders.montagne`):
some classed communes lie outside every massif perimeter.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.loaders._common import (
    check_geometries,
    check_insee_codes,
    data_error,
    in_region,
    read_csv,
    read_geo,
    require_columns,
)
from geo.loaders.cog import CodeMapper

#: Source label (``niveau_montagne``) -> massif name shown to users.
MASSIF_LABELS: dict[str, str] = {
    "01 - Massif des Vosges": "Vosges",
    "02 - Massif du Jura": "Jura",
    "03 - Massif des Alpes": "Alpes",
    "04 - Massif de Guadeloupe": "Guadeloupe",
    "05 - Massif de Corse": "Corse",
    "06 - Massif Central": "Massif central",
    "07 - Massif de Martinique": "Martinique",
    "08 - Massif des Pyrénées": "Pyrénées",
    "09 - Massif des Hauts de la Réunion": "Hauts de la Réunion",
}
#: The perimeter was cleaned in March 2026: its codes are those of COG 2026.
MASSIF_SINCE = "2026-01-02"


def massif_name(label: str, path: Path | str) -> str:
    """The massif name of a source label; unknown labels are a data error."""
    try:
        return MASSIF_LABELS[str(label).strip()]
    except KeyError:
        raise data_error(path, f"massif inconnu « {label} ».") from None


@dataclass(frozen=True)
class MassifCommunes:
    frame: pd.DataFrame
    """``insee, massif`` for the region's communes in a massif perimeter."""
    report: dict = field(default_factory=dict)


def load_massif_communes(path: Path, mapper: CodeMapper) -> MassifCommunes:
    """Read the per-commune massif file and keep the region's communes."""
    df = read_csv(path, encoding="utf-8-sig")
    require_columns(df, ("insee_com", "niveau_montagne"), path)
    check_insee_codes(df["insee_com"], path)
    region = df[df["insee_com"].map(in_region)].copy()
    region["massif"] = [massif_name(v, path) for v in region["niveau_montagne"]]
    region = mapper.with_current_codes(region, "insee_com", MASSIF_SINCE)
    unknown = region[region["insee"].isna()]
    if len(unknown):
        raise data_error(path, f"commune inconnue au COG 2026 : {unknown['insee_com'].iloc[0]}.")
    clash = region.groupby("insee")["massif"].nunique()
    clash = clash[clash > 1]
    if len(clash):
        raise data_error(path, f"commune {clash.index[0]} rattachée à deux massifs.")
    frame = region.drop_duplicates("insee")[["insee", "massif"]].sort_values(
        "insee", ignore_index=True
    )
    report = {
        "lignes_fichier": len(df),
        "lignes_region": len(region),
        "communes_par_massif": dict(sorted(Counter(frame["massif"]).items())),
    }
    return MassifCommunes(frame=frame, report=report)


def load_massif_outlines(path: Path, region: shapely.Geometry) -> gpd.GeoDataFrame:
    """Massif outlines (``massif, geometry``) that touch the region."""
    gdf = read_geo(path)
    require_columns(gdf, ("niveau_montagne",), path)
    check_geometries(gdf, path, "niveau_montagne")
    gdf["massif"] = [massif_name(v, path) for v in gdf["niveau_montagne"]]
    touching = gdf[gdf.intersects(region)]
    return touching[["massif", "geometry"]].sort_values("massif", ignore_index=True)
