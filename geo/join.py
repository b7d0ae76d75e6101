"""Every source through its loader, then joined into one row per current commune.

Each loader turns its source into a clean frame keyed by the current INSEE code (COG 2026);
:func:`join_communes` merges them onto the commune polygons, with the columns and types of
:mod:`geo.schema`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.loaders.cog import CodeMapper, Cog, load_cog, load_history
from geo.loaders.communes import CommunePolygons, load_commune_polygons, load_outlines
from geo.loaders.datasante import DataSanteZoning, load_datasante
from geo.loaders.massifs import MassifCommunes, load_massif_communes, load_massif_outlines
from geo.loaders.montagne import ZoneMontagne, classed_outside_massifs, load_zone_montagne
from geo.loaders.qpv import (
    Qpv2015,
    Qpv2024,
    load_qpv2015,
    load_qpv2024,
    qpv2015_by_commune,
    undeclared_overlaps,
)
from geo.loaders.zonage_medecins import DoctorZoning, build_index, load_doctor_zoning
from geo.loaders.zrr_frr import Frr, Zrr, compare_frr, load_frr, load_frr_labels, load_zrr
from geo.manifest import Progress, VerifiedSources
from geo.schema import (
    COMMUNE_COLUMNS,
    DATED_ZONING_COLUMNS,
    LIST_COLUMNS,
    NULLABLE_TEXT_COLUMNS,
)


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
    zoning_table: DataSanteZoning
    zoning_table_path: Path
    zoning_table_sha256: str
    montagne: ZoneMontagne
    montagne_outside_massifs: list[str]
    frr_check: dict[str, Any]


def load_sources(src: VerifiedSources, step: Progress, zoning_table: Path | None = None) -> Loaded:
    """Run every loader on verified sources (one progress line per step); ``zoning_table``
    is a DataSanté commune table to use instead of the mirror's extract."""
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

    table = zoning_table or src.path("datasante_extrait")
    step(f"zonage médecins daté : table DataSanté {table.name}")
    datasante = load_datasante(table, mapper, cog.communes)

    step("zone de montagne, massifs, ZRR 2017, FRR 2025")
    massifs = load_massif_communes(src.path("massifs_communes"), mapper)
    montagne = load_zone_montagne(src.path("zone_montagne"), mapper, cog.communes)
    frr = load_frr(src.path("frr"), mapper)
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
        massifs=massifs,
        massif_outlines=load_massif_outlines(
            src.path("massifs_polygones"), region.geometry.iloc[0]
        ),
        zrr=load_zrr(src.path("zrr"), mapper),
        frr=frr,
        zoning_table=datasante,
        zoning_table_path=table,
        zoning_table_sha256=hashlib.sha256(table.read_bytes()).hexdigest(),
        montagne=montagne,
        montagne_outside_massifs=classed_outside_massifs(montagne.frame, massifs.frame),
        frr_check=compare_frr(frr, load_frr_labels(src.path("frr_labels"), mapper)),
    )


def join_communes(loaded: Loaded) -> gpd.GeoDataFrame:
    """One row per current commune with every attribute (columns in ``COMMUNE_COLUMNS``)."""
    classes = loaded.zoning.classes[["insee", "zonage_medecins", "route"]]
    df = loaded.cog.communes.merge(
        classes.rename(columns={"route": "zonage_medecins_route"}), on="insee", how="left"
    )
    dated = loaded.zoning_table.frame
    # Only a usable class makes a version; the others are in the build report.
    dated = dated[dated["statut"].isin(("ok", "hors_zonage"))].rename(
        columns={"zonage_medecins": "zonage_medecins_2", "arrete": "zonage_medecins_2_arrete"}
    )
    dated = dated.assign(zonage_medecins_2_arrete=dated["zonage_medecins_2_arrete"].map(str))
    for extra in (
        dated[["insee", "zonage_medecins_2", "zonage_medecins_2_arrete", "tvs_code", "tvs_nom"]],
        loaded.montagne.frame,
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
    df = df.astype({c: object for c in ("zonage_medecins", "zonage_medecins_route", "massif")})
    df = df.astype({c: object for c in (*DATED_ZONING_COLUMNS, "zone_montagne")})
    for col in NULLABLE_TEXT_COLUMNS + ("zone_montagne",):
        df[col] = df[col].where(df[col].notna(), None)
    gdf = gpd.GeoDataFrame(
        df.merge(loaded.polygons.frame, on="insee", how="left"),
        geometry="geometry",
        crs=settings.STORAGE_CRS,
    )
    return gdf[list(COMMUNE_COLUMNS)].sort_values("insee", ignore_index=True)
