"""Every source through its loader, then joined into one row per current commune.

Each loader turns its source into a clean frame keyed by the current INSEE code (COG 2026);
:func:`join_communes` merges them onto the commune polygons, with the columns and types of
:mod:`geo.schema`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.loaders.cog import CodeMapper, Cog, load_cog, load_history
from geo.loaders.communes import CommunePolygons, load_commune_polygons, load_outlines
from geo.loaders.massifs import MassifCommunes, load_massif_communes, load_massif_outlines
from geo.loaders.qpv import (
    Qpv2015,
    Qpv2024,
    load_qpv2015,
    load_qpv2024,
    qpv2015_by_commune,
    undeclared_overlaps,
)
from geo.loaders.zonage_medecins import DoctorZoning, build_index, load_doctor_zoning
from geo.loaders.zrr_frr import Frr, Zrr, load_frr, load_zrr
from geo.manifest import Progress, VerifiedSources
from geo.schema import COMMUNE_COLUMNS, LIST_COLUMNS
from zonage.place import PRIORITY_DEPARTMENTS


@dataclass(frozen=True)
class Loaded:
    """Every source turned into a clean frame keyed by the current INSEE code."""

    cog: Cog
    polygons: CommunePolygons
    departements: gpd.GeoDataFrame
    region: gpd.GeoDataFrame
    zoning: DoctorZoning
    qpv2015: Qpv2015
    qpv2015_lists: pd.DataFrame
    qpv2015_overlaps: list[dict[str, Any]]
    qpv2024: Qpv2024
    massifs: MassifCommunes
    massif_outlines: gpd.GeoDataFrame
    zrr: Zrr
    frr: Frr


def load_sources(src: VerifiedSources, step: Progress) -> Loaded:
    """Run every loader on verified sources (one progress line per step)."""
    step("historique des communes (INSEE) et tables COG 2026")
    history = load_history(src.path("cog_history"))
    cog = load_cog(
        src.path("cog2026_communes"),
        src.path("cog2026_epci"),
        src.path("cog2026_departements"),
        history,
    )
    mapper = CodeMapper.from_cog(cog, history)

    step("contours 2018 regroupés aux communes du COG 2026")
    polygons = load_commune_polygons(src.all("communes_2018"), mapper)
    dep_names = dict(zip(cog.departements["code"], cog.departements["nom"], strict=True))
    departements, region = load_outlines(
        src.path("departements_2018"), src.path("region_2018"), dep_names
    )

    step("zonage médecins : appariement code postal / nom / historique")
    index = build_index(
        cog, mapper, history, src.path("cog2022_communes"), src.path("codes_postaux")
    )
    zoning = load_doctor_zoning(src.path("zonage_medecins"), cog, index)

    step("QPV 2015 (contours réparés) et QPV 2024 (liste par commune)")
    qpv15 = load_qpv2015(src.path("qpv2015"), mapper, cog.communes)

    step("massifs, ZRR 2017, FRR 2025")
    return Loaded(
        cog=cog,
        polygons=polygons,
        departements=departements,
        region=region,
        zoning=zoning,
        qpv2015=qpv15,
        qpv2015_lists=qpv2015_by_commune(qpv15.frame),
        qpv2015_overlaps=undeclared_overlaps(qpv15.frame, polygons.frame),
        qpv2024=load_qpv2024(src.path("qpv2024"), mapper),
        massifs=load_massif_communes(src.path("massifs_communes"), mapper),
        massif_outlines=load_massif_outlines(
            src.path("massifs_polygones"), region.geometry.iloc[0]
        ),
        zrr=load_zrr(src.path("zrr"), mapper),
        frr=load_frr(src.path("frr"), mapper),
    )


def join_communes(loaded: Loaded) -> gpd.GeoDataFrame:
    """One row per current commune with every attribute (columns in ``COMMUNE_COLUMNS``)."""
    classes = loaded.zoning.classes[["insee", "zonage_medecins", "route"]]
    df = loaded.cog.communes.merge(
        classes.rename(columns={"route": "zonage_medecins_route"}), on="insee", how="left"
    )
    for extra in (
        loaded.massifs.frame,
        loaded.zrr.frame,
        loaded.frr.frame,
        loaded.qpv2015_lists,
        loaded.qpv2024.frame,
    ):
        df = df.merge(extra, on="insee", how="left")
    for col in LIST_COLUMNS:
        df[col] = [v if isinstance(v, list) else [] for v in df[col]]
    df["frr_code"] = df["frr_code"].astype("Int64")
    df["departement_prioritaire"] = df["departement"].isin(PRIORITY_DEPARTMENTS)
    df = df.astype({c: object for c in ("zonage_medecins", "zonage_medecins_route", "massif")})
    for col in ("zonage_medecins", "zonage_medecins_route", "massif", "zrr", "zrr_detail"):
        df[col] = df[col].where(df[col].notna(), None)
    gdf = gpd.GeoDataFrame(
        df.merge(loaded.polygons.frame, on="insee", how="left"),
        geometry="geometry",
        crs=settings.STORAGE_CRS,
    )
    return gdf[list(COMMUNE_COLUMNS)].sort_values("insee", ignore_index=True)
