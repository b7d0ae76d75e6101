"""Load the built layers (``data/build``) for lookup, the map and the app."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from geo import build as _build
from geo import settings
from geo.per_build import per_build
from zonage.errors import DataError

_NULLABLE_TEXT = (
    "epci_code",
    "epci_nom",
    "departement_nom",
    "zonage_medecins",
    "zonage_medecins_route",
    "massif",
    "zrr",
    "zrr_detail",
)
_MISSING_HINT = "Lancez `zonage data build` (ou `zonage data build --mirror DIR`)."


@dataclass(frozen=True)
class Layers:
    """The built layers, all in EPSG:4326 (see the contract in ``geo.build.COMMUNE_COLUMNS``)."""

    communes: gpd.GeoDataFrame
    qpv2015: gpd.GeoDataFrame
    massifs: gpd.GeoDataFrame
    departements: gpd.GeoDataFrame
    region: gpd.GeoDataFrame
    vintages: dict[str, str]
    sources: list[dict[str, str]]
    report: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    build_dir: Path | None = None


def _read(path: Path) -> gpd.GeoDataFrame:
    if not path.is_file():
        raise DataError(f"couche absente : {path.name} dans {path.parent}.", hint=_MISSING_HINT)
    try:
        return gpd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several error types on damaged files
        raise DataError(
            f"couche illisible : {path} ({type(exc).__name__}).", hint=_MISSING_HINT
        ) from None


def _as_lists(gdf: gpd.GeoDataFrame, columns: tuple[str, ...]) -> None:
    for col in columns:
        gdf[col] = [
            [str(x) for x in v] if isinstance(v, (list, tuple, np.ndarray)) else []
            for v in gdf[col]
        ]


def _nullable_text(gdf: gpd.GeoDataFrame, columns: tuple[str, ...]) -> None:
    """Text columns that may be empty hold ``None`` (not NaN) where a value is missing."""
    for col in columns:
        values = gdf[col].astype(object)
        gdf[col] = values.where(values.notna(), None)


def load(build_dir: Path | None = None) -> Layers:
    """Load the layers built by ``zonage data build`` (default folder ``settings.BUILD_DIR``).

    Raises :class:`DataError` when the layer is missing, damaged or from another format version.
    """
    build_dir = Path(build_dir or settings.BUILD_DIR)
    communes_path = build_dir / _build.COMMUNES_FILE
    if not communes_path.is_file():
        raise DataError(
            f"couche communale absente ({build_dir / _build.COMMUNES_FILE}).", hint=_MISSING_HINT
        )
    meta_path = build_dir / _build.METADATA_FILE
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        report = json.loads((build_dir / _build.REPORT_JSON).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise DataError(
            f"métadonnées de la couche absentes ou illisibles dans {build_dir}.", hint=_MISSING_HINT
        ) from None
    if metadata.get("format_version") != settings.LAYER_FORMAT_VERSION:
        raise DataError(
            "la couche communale a été construite par une autre version du projet.",
            hint="Relancez `zonage data build`.",
        )
    communes = _read(communes_path)
    _as_lists(communes, _build.LIST_COLUMNS)
    communes["population"] = communes["population"].astype(int)
    if communes["frr_code"].notna().all():
        communes["frr_code"] = communes["frr_code"].astype(int)
    _nullable_text(communes, _NULLABLE_TEXT)
    qpv2015 = _read(build_dir / _build.QPV2015_FILE)
    _as_lists(qpv2015, ("insee_communes",))
    return Layers(
        communes=communes,
        qpv2015=qpv2015,
        massifs=_read(build_dir / _build.MASSIFS_FILE),
        departements=_read(build_dir / _build.DEPARTEMENTS_FILE),
        region=_read(build_dir / _build.REGION_FILE),
        vintages=dict(metadata.get("vintages", {})),
        sources=list(metadata.get("sources", [])),
        report=report,
        metadata=metadata,
        build_dir=build_dir,
    )


@per_build
def get(build_dir: Path) -> Layers:
    """The layers of ``build_dir`` (default ``settings.BUILD_DIR``), loaded once per build."""
    return load(build_dir)
