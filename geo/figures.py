"""The figures of the build report: where every source row went, counts per department and
the topology of the joined layer (the dictionary written as ``build_report.json``)."""

from __future__ import annotations

from typing import Any, cast

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from geo.join import Loaded
from geo.loaders.datasante import class_changes
from geo.manifest import Manifest
from geo.schema import DATED_ZONING_SOURCE, REFERENCE_ZONING_ORDER, REFERENCE_ZONING_SOURCE


def topology_figures(communes: gpd.GeoDataFrame, region: gpd.GeoDataFrame) -> dict[str, Any]:
    """Areas (km², Lambert-93) of the communes, their union and the region outline."""
    metric = communes.geometry.to_crs(settings.METRIC_CRS).values
    outline = region.geometry.to_crs(settings.METRIC_CRS).values[0]
    union = shapely.coverage_union_all(metric)
    sum_area = float(shapely.area(metric).sum())
    union_area = float(union.area)
    region_area = float(outline.area)
    sym = float(shapely.symmetric_difference(union, outline).area)
    return {
        "somme_surfaces_km2": round(sum_area / 1e6, 3),
        "surface_union_km2": round(union_area / 1e6, 3),
        "surface_region_km2": round(region_area / 1e6, 3),
        "ecart_union_region_km2": round(sym / 1e6, 3),
        "ecart_union_region_part": sym / region_area,
        "ecart_somme_union_part": abs(sum_area - union_area) / union_area,
    }


def per_department(communes: pd.DataFrame) -> list[dict[str, Any]]:
    """Counts per department: communes, population, zones, massifs, ZRR, FRR, QPV."""
    out = []
    for dep, g in communes.groupby("departement", sort=True):
        z = g["zonage_medecins"].value_counts()
        m = g["massif"].value_counts()
        r = g["zrr"].value_counts()
        f = g["frr_code"].value_counts()
        out.append(
            {
                "departement": dep,
                "nom": g["departement_nom"].iloc[0],
                "communes": len(g),
                "population": int(g["population"].sum()),
                "ZIP": int(z.get("ZIP", 0)),
                "ZAC": int(z.get("ZAC", 0)),
                "ZAR": int(z.get("ZAR", 0)),
                "sans_zonage": int(g["zonage_medecins"].isna().sum()),
                "massif_central": int(m.get("Massif central", 0)),
                "pyrenees": int(m.get("Pyrénées", 0)),
                "zrr_classee": int(r.get("classee", 0)),
                "zrr_partielle": int(r.get("partiellement_classee", 0)),
                "zrr_non_classee": int(r.get("non_classee", 0)),
                **{f"frr_{k}": int(f.get(k, 0)) for k in (0, 1, 2, 4, 5)},
                "communes_qpv2015": int((g["qpv2015_codes"].map(len) > 0).sum()),
                "communes_qpv2024": int((g["qpv2024_codes"].map(len) > 0).sum()),
            }
        )
    return out


def _summary(
    manifest: Manifest, loaded: Loaded, communes: gpd.GeoDataFrame, topology: dict[str, Any]
) -> dict[str, Any]:
    """The ``resume`` of the report; marks each commune without a class with its documented
    exception (from the manifest), if any."""
    zoning = loaded.zoning
    exceptions = manifest.expect.get("zonage_medecins_exceptions", {})
    unclassed = zoning.report["communes_sans_classe"]
    for c in unclassed:
        c["exception_documentee"] = exceptions.get(c["insee"])
    return {
        "communes": len(communes),
        "population": int(communes["population"].sum()),
        "communes_par_zonage_medecins": {
            k: int(v) for k, v in communes["zonage_medecins"].value_counts().items()
        },
        "communes_sans_zonage_medecins": len(unclassed),
        "communes_sans_zonage_non_documentees": sum(
            1 for c in unclassed if not c["exception_documentee"]
        ),
        "lignes_zonage_non_appariees": len(zoning.report["lignes_non_appariees"]),
        "conflits_de_classe": len(zoning.report["conflits"]),
        "communes_par_massif": {k: int(v) for k, v in communes["massif"].value_counts().items()},
        "communes_par_zrr": {k: int(v) for k, v in communes["zrr"].value_counts().items()},
        "communes_sans_zrr": int(communes["zrr"].isna().sum()),
        "communes_par_frr": {  # the index holds the FRR codes
            int(cast(float, k)): int(v) for k, v in communes["frr_code"].value_counts().items()
        },
        "communes_sans_frr": int(communes["frr_code"].isna().sum()),
        "qpv2015": len(loaded.qpv2015.frame),
        "communes_avec_qpv2015": int((communes["qpv2015_codes"].map(len) > 0).sum()),
        "communes_avec_qpv2024": int((communes["qpv2024_codes"].map(len) > 0).sum()),
        "qpv2024": int(communes["qpv2024_codes"].map(len).sum()),
        "contours_massifs": sorted(loaded.massif_outlines["massif"]),
        "topologie": topology,
    }


def build_report(
    manifest: Manifest, loaded: Loaded, communes: gpd.GeoDataFrame, topology: dict[str, Any]
) -> dict[str, Any]:
    """The build report: summary, vintages, per-department counts, and per source where every
    row went."""
    return {
        "resume": _summary(manifest, loaded, communes, topology),
        "millesimes": manifest.vintages(),
        "par_departement": per_department(communes),
        "communes": {**loaded.cog.report, **loaded.polygons.report},
        "zonage_medecins": loaded.zoning.report,
        "qpv2015": {
            **loaded.qpv2015.report,
            "chevauchements_non_declares": loaded.qpv2015_overlaps,
        },
        "qpv2024": loaded.qpv2024.report,
        "massifs": loaded.massifs.report,
        "zrr": loaded.zrr.report,
        "frr": loaded.frr.report,
        "zonage_versions": zoning_versions(manifest, loaded),
        "zonage_medecins_date": {
            **loaded.zoning_table.report,
            "changements": zoning_changes(loaded),
        },
        "zone_montagne": {
            **loaded.montagne.report,
            "classees_hors_massif": loaded.montagne_outside_massifs,
        },
        "frr_controle": loaded.frr_check,
        "sources": [f.as_dict() for f in manifest.files],
    }


def zoning_versions(manifest: Manifest, loaded: Loaded) -> list[dict[str, Any]]:
    """Each doctor zoning version of the layer: from when, its source file and checksum."""
    reference = manifest.one("zonage_medecins")
    table = loaded.zoning_table.report
    return [
        {
            "depuis": REFERENCE_ZONING_ORDER,
            "source": REFERENCE_ZONING_SOURCE,
            "fichier": reference.path.rsplit("/", 1)[-1],
            "sha256": reference.sha256,
            "communes": int(loaded.zoning.classes["zonage_medecins"].notna().sum()),
        },
        {
            "depuis": ", ".join(table["dates_arrete"]) or None,
            "source": DATED_ZONING_SOURCE,
            "fichier": loaded.zoning_table_path.name,
            "sha256": loaded.zoning_table_sha256,
            "communes": sum(table["communes_par_classe"].values()),
        },
    ]


def zoning_changes(loaded: Loaded) -> dict[str, list[dict[str, Any]]]:
    """Communes whose class differs between the reference version and the dated table, by
    department."""
    changes = class_changes(loaded.zoning_table.frame, loaded.zoning.classes)
    cog = loaded.cog.communes
    names = dict(zip(cog["insee"], cog["nom"], strict=True))
    deps = dict(zip(cog["insee"], cog["departement"], strict=True))
    out: dict[str, list[dict[str, Any]]] = {}
    columns = ("insee", "avant", "apres", "arrete")
    for insee, avant, apres, arrete in zip(*(changes[c] for c in columns), strict=True):
        out.setdefault(deps[insee], []).append(
            {
                "insee": insee,
                "nom": names.get(insee),
                "avant": avant,
                "apres": apres,
                "depuis": arrete.isoformat() if arrete else None,
            }
        )
    return out
