"""QPV (quartiers prioritaires de la politique de la ville).

- 2015 list: polygons of the region's QPV, repaired with ``make_valid`` (their coordinates
  were rounded to about 10 m upstream, which made some self-intersect); kept as their own
  layer, and listed per commune: the source's commune code and every commune its
  ``nom_commune`` names (a QPV may span two communes, e.g. "Séméac, Tarbes").
- 2024 list: commune-level only (the source's points are commune centres, not QPV shapes).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.loaders._common import (
    check_insee_codes,
    data_error,
    in_region,
    polygonal_part,
    read_geo,
    require_columns,
)
from geo.loaders.cog import CodeMapper
from geo.loaders.text import name_key

QPV2015_CODE = re.compile(r"^QP\d{6}$")
QPV2024_CODE = re.compile(r"^QN[0-9A-Z]{6}$")
QPV2015_SINCE = "2015-01-02"
QPV2024_SINCE = "2024-01-02"
#: Share of a QPV's area lying in a commune it does not list above which the build report
#: flags it (borders were rounded to about 10 m upstream, so thinner slivers are ignored).
MIN_OVERLAP_SHARE = 0.01


@dataclass(frozen=True)
class Qpv2015:
    frame: gpd.GeoDataFrame
    """``code_qp, nom_qp, insee, departement, insee_communes, geometry`` (EPSG:4326, valid
    polygons; ``insee_communes`` lists every commune the QPV lies in, per the source)."""
    report: dict = field(default_factory=dict)


def load_qpv2015(path: Path, mapper: CodeMapper, communes: pd.DataFrame | None = None) -> Qpv2015:
    """Read the 2015 QPV polygons, repair invalid ones and key them by the current commune.

    ``communes`` (``insee, nom, departement``) resolves the names of ``nom_commune`` into the
    ``insee_communes`` list; without it each QPV lists its own commune only.
    """
    gdf = read_geo(path)
    _check_qpv2015(gdf, path)
    invalid = ~shapely.is_valid(gdf.geometry.values)
    metric_before = gdf.to_crs(settings.METRIC_CRS).area.sum()
    repaired = [polygonal_part(g) for g in shapely.make_valid(gdf.geometry.values[invalid])]
    # pandas-stubs take only scalars as cell values, where geometries are valid ones.
    gdf.loc[invalid, "geometry"] = repaired  # type: ignore[index, assignment]
    still_bad = ~gdf.is_valid | gdf.is_empty | ~gdf.geom_type.isin(["Polygon", "MultiPolygon"])
    if still_bad.any():
        raise data_error(
            path, f"géométrie irréparable pour {gdf.loc[still_bad, 'code_qp'].iloc[0]}."
        )
    metric_after = gdf.to_crs(settings.METRIC_CRS).area.sum()

    gdf = mapper.with_current_codes(gdf, "code_commune", QPV2015_SINCE)
    lost = gdf[gdf["insee"].isna()]
    if len(lost):
        raise data_error(
            path,
            f"commune inconnue « {lost['code_commune'].iloc[0]} » pour {lost['code_qp'].iloc[0]}.",
        )
    gdf["departement"] = gdf["insee"].str[:2]
    gdf["insee_communes"], unnamed = _communes_of(gdf, communes)
    frame = gdf[
        ["code_qp", "nom_qp", "insee", "departement", "insee_communes", "geometry"]
    ].sort_values("code_qp", ignore_index=True)
    report = {
        "qpv": len(frame),
        "reparees": sorted(gdf.loc[invalid, "code_qp"]),
        "surface_km2_avant": round(metric_before / 1e6, 3),
        "surface_km2_apres": round(metric_after / 1e6, 3),
        "par_departement": frame["departement"].value_counts().sort_index().to_dict(),
        "intercommunaux": {
            q: c
            for q, c in zip(frame["code_qp"], frame["insee_communes"], strict=True)
            if len(c) > 1
        },
        "noms_de_commune_non_reconnus": unnamed,
        "commune_changee": [
            {"code_qp": q, "code_source": s, "insee": c}
            for q, s, c in zip(gdf["code_qp"], gdf["code_commune"], gdf["insee"], strict=True)
            if s != c
        ],
    }
    return Qpv2015(frame=frame, report=report)


def _check_qpv2015(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Raise on a missing column, a bad or repeated QPV code, a bad commune code or a
    missing geometry."""
    require_columns(gdf, ("code_qp", "nom_qp", "code_commune"), path)
    bad = gdf.loc[~gdf["code_qp"].astype(str).str.match(QPV2015_CODE), "code_qp"]
    if len(bad):
        raise data_error(path, f"code QPV invalide « {bad.iloc[0]} ».")
    dupes = gdf["code_qp"][gdf["code_qp"].duplicated()]
    if len(dupes):
        raise data_error(path, f"QPV en double : {dupes.iloc[0]}.")
    check_insee_codes(gdf["code_commune"], path, "code commune")
    empty = gdf.geometry.isna().to_numpy() | shapely.is_empty(gdf.geometry.values)
    if empty.any():
        raise data_error(path, f"géométrie absente pour {gdf.loc[empty, 'code_qp'].iloc[0]}.")


def _communes_of(
    gdf: gpd.GeoDataFrame, communes: pd.DataFrame | None
) -> tuple[list[list[str]], list[dict[str, str]]]:
    """Per QPV, the sorted codes of its own commune and of every commune its ``nom_commune``
    names (in its department); and the names no commune of ``communes`` has."""
    by_name = {}
    if communes is not None:
        by_name = {
            (dep, name_key(nom)): insee
            for insee, nom, dep in zip(
                communes["insee"], communes["nom"], communes["departement"], strict=True
            )
        }
    listed, unnamed = [], []
    names = gdf["nom_commune"] if "nom_commune" in gdf.columns else [""] * len(gdf)
    for code, own, dep, text in zip(
        gdf["code_qp"], gdf["insee"], gdf["departement"], names, strict=True
    ):
        found = {own}
        for name in filter(None, (n.strip() for n in str(text or "").split(","))):
            insee = by_name.get((dep, name_key(name)))
            if insee:
                found.add(insee)
            elif by_name:
                unnamed.append({"code_qp": code, "nom_commune": name})
        listed.append(sorted(found))
    return listed, unnamed


def qpv2015_by_commune(qpv: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per current commune, the 2015 QPV it holds (``insee, qpv2015_codes, qpv2015_noms``),
    from the communes each QPV lists (``insee_communes``)."""
    by_commune: dict[str, dict[str, str]] = defaultdict(dict)
    for code, nom, communes in zip(
        qpv["code_qp"], qpv["nom_qp"], qpv["insee_communes"], strict=True
    ):
        for insee in communes:
            by_commune[insee][code] = nom
    return pd.DataFrame(
        [
            {"insee": k, "qpv2015_codes": sorted(v), "qpv2015_noms": [v[x] for x in sorted(v)]}
            for k, v in sorted(by_commune.items())
        ],
        columns=["insee", "qpv2015_codes", "qpv2015_noms"],
    )


def undeclared_overlaps(
    qpv: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, min_share: float = MIN_OVERLAP_SHARE
) -> list[dict]:
    """QPV covering at least ``min_share`` of their area in a commune they do not list
    (to check: the polygons were rounded to about 10 m upstream)."""
    q = qpv.to_crs(settings.METRIC_CRS)
    c = communes[["insee", "geometry"]].to_crs(settings.METRIC_CRS)
    pairs = gpd.sjoin(q, c, how="inner", predicate="intersects", rsuffix="commune")
    q_geom = dict(zip(q["code_qp"], q.geometry.values, strict=True))
    c_geom = dict(zip(c["insee"], c.geometry.values, strict=True))
    listed = dict(zip(q["code_qp"], q["insee_communes"], strict=True))
    out = []
    for code, other in zip(pairs["code_qp"], pairs["insee_commune"], strict=True):
        if other in listed[code]:
            continue
        share = shapely.intersection(q_geom[code], c_geom[other]).area / q_geom[code].area
        if share >= min_share:
            out.append({"code_qp": code, "insee": other, "part_surface": round(share, 4)})
    return out


@dataclass(frozen=True)
class Qpv2024:
    frame: pd.DataFrame
    """``insee, qpv2024_codes, qpv2024_noms`` for the region's communes that have a 2024 QPV."""
    report: dict = field(default_factory=dict)


def load_qpv2024(path: Path, mapper: CodeMapper) -> Qpv2024:
    """Read the national per-commune 2024 QPV list and keep the region's communes."""
    gdf = read_geo(path)
    require_columns(gdf, ("insee_com", "code_qp", "lib_qp"), path)
    check_insee_codes(gdf["insee_com"], path, "code commune")
    region = gdf[gdf["insee_com"].map(in_region)]
    lists: dict[str, dict[str, str]] = defaultdict(dict)
    unknown = []
    for insee, codes, names in zip(
        region["insee_com"], region["code_qp"], region["lib_qp"], strict=True
    ):
        code_list = [c.strip() for c in str(codes).split(",")]
        name_list = [n.strip() for n in str(names).split(",")]
        if len(code_list) != len(name_list):
            raise data_error(
                path, f"commune {insee} : {len(code_list)} codes QPV pour {len(name_list)} noms."
            )
        bad = [c for c in code_list if not QPV2024_CODE.match(c)]
        if bad:
            raise data_error(path, f"code QPV invalide « {bad[0]} » (commune {insee}).")
        current, _ = mapper.to_current(insee, QPV2024_SINCE)
        if current is None:
            unknown.append(insee)
            continue
        lists[current].update(zip(code_list, name_list, strict=True))
    if unknown:
        raise data_error(path, f"commune inconnue au COG 2026 : {unknown[0]}.")
    frame = pd.DataFrame(
        [
            {"insee": k, "qpv2024_codes": sorted(v), "qpv2024_noms": [v[x] for x in sorted(v)]}
            for k, v in sorted(lists.items())
        ],
        columns=["insee", "qpv2024_codes", "qpv2024_noms"],
    )
    report = {
        "lignes_fichier": len(gdf),
        "communes_region": len(frame),
        "qpv_region": int(frame["qpv2024_codes"].map(len).sum()) if len(frame) else 0,
    }
    return Qpv2024(frame=frame, report=report)
