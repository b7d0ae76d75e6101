"""Commune polygons: the 2018 polygons (IGN ADMIN EXPRESS COG 2018) dissolved into the current
(COG 2026) communes, and the department and region outlines.

The 2018 polygons share their borders exactly (topology kept at the source), so the union of
the parts of a current commune leaves neither gap nor overlap with its neighbours.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.loaders._common import (
    check_geometries,
    check_insee_codes,
    data_error,
    polygonal_part,
    read_geo,
    require_columns,
)
from geo.loaders.cog import CodeMapper

#: The 2018 polygons give the communes as they were on 1 January 2018.
POLYGONS_SINCE = "2018-01-02"


@dataclass(frozen=True)
class CommunePolygons:
    """Current communes with their dissolved polygon: ``insee, geometry`` (EPSG:4326)."""

    frame: gpd.GeoDataFrame
    parts: pd.DataFrame
    """One row per source polygon: ``code_2018, nom_2018, insee, route``."""
    report: dict = field(default_factory=dict)


def load_commune_polygons(paths: list[Path], mapper: CodeMapper) -> CommunePolygons:
    """Read the 2018 commune polygons and dissolve them into the current communes.

    Every polygon must map to a current commune and every current commune must get a polygon;
    otherwise :class:`DataError` names the codes.
    """
    frames = []
    for path in paths:
        gdf = read_geo(path)
        require_columns(gdf, ("code", "nom"), path)
        check_insee_codes(gdf["code"], path)
        check_geometries(gdf, path, "code")
        gdf["source"] = Path(path).name
        frames.append(gdf[["code", "nom", "source", "geometry"]])
    if not frames:
        raise data_error("communes-*.geojson", "aucun fichier de contours communaux.")
    polys = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=settings.STORAGE_CRS)
    dupes = polys["code"][polys["code"].duplicated()]
    if len(dupes):
        raise data_error(polys["source"].iloc[0], f"polygone en double pour {dupes.iloc[0]}.")

    polys = mapper.with_current_codes(polys, "code", POLYGONS_SINCE)
    orphans = polys[polys["insee"].isna()]
    if len(orphans):
        raise data_error(
            orphans["source"].iloc[0],
            f"polygone 2018 sans commune actuelle : {', '.join(orphans['code'][:5])}"
            f" ({len(orphans)} en tout).",
        )
    without = sorted(mapper.current - set(polys["insee"]))
    if without:
        raise data_error(
            "communes-*.geojson",
            f"commune(s) actuelle(s) sans polygone : {', '.join(without[:5])} "
            f"({len(without)} en tout).",
        )

    groups = polys.groupby("insee", sort=True)["geometry"]
    merged = groups.apply(
        lambda g: g.iloc[0] if len(g) == 1 else shapely.union_all(np.asarray(g.values))
    )
    frame = gpd.GeoDataFrame(
        {"insee": merged.index.astype(str)}, geometry=list(merged.values), crs=settings.STORAGE_CRS
    )
    invalid = ~frame.is_valid
    repaired = sorted(frame.loc[invalid, "insee"])
    if repaired:
        # pandas-stubs take only scalars as cell values, where geometries are valid ones.
        frame.loc[invalid, "geometry"] = [  # type: ignore[index, assignment]
            polygonal_part(g)
            for g in shapely.make_valid(np.asarray(frame.loc[invalid, "geometry"].values))
        ]
    routes = Counter(polys["route"])
    report = {
        "polygones_2018": len(polys),
        "communes_actuelles": len(frame),
        "polygones_par_route": dict(sorted(routes.items())),
        "communes_regroupees": {
            code: sorted(group["code"])
            for code, group in polys.groupby("insee")
            if len(group) > 1 or group["code"].iloc[0] != code
        },
        "controle_croise_historique": mapper.cross_check(list(polys["code"]), POLYGONS_SINCE),
        "reparees_apres_fusion": repaired,
    }
    parts = pd.DataFrame(polys[["code", "nom", "insee", "route"]]).rename(
        columns={"code": "code_2018", "nom": "nom_2018"}
    )
    return CommunePolygons(frame=frame, parts=parts, report=report)


def load_outlines(
    departements_path: Path,
    region_path: Path,
    names: dict[str, str] | None = None,
    departments: tuple[str, ...] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Department outlines (``code, nom, geometry``) and the region outline (one row).

    ``names`` (department code -> name) replaces the source names when given; ``departments``
    (default: the region's) must all be present.
    """
    departments = departments or settings.DEPARTMENTS
    deps = read_geo(departements_path)
    require_columns(deps, ("code", "nom"), departements_path)
    check_geometries(deps, departements_path, "code")
    deps = deps[deps["code"].isin(departments)]
    missing = sorted(set(departments) - set(deps["code"]))
    if missing:
        raise data_error(departements_path, f"département(s) absent(s) : {', '.join(missing)}.")
    if names:
        deps["nom"] = deps["code"].map(names).fillna(deps["nom"])
    deps = deps[["code", "nom", "geometry"]].sort_values("code", ignore_index=True)

    region = read_geo(region_path)
    require_columns(region, ("code", "nom"), region_path)
    check_geometries(region, region_path, "code")
    region = region[region["code"] == settings.REGION_CODE]
    if len(region) != 1:
        raise data_error(region_path, f"contour de la région {settings.REGION_CODE} introuvable.")
    return deps, region[["code", "nom", "geometry"]].reset_index(drop=True)
