"""Load the built layers (``data/build``) for lookup, the map and the app."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely

from geo import integrity, schema, settings
from geo.per_build import per_build
from zonage.errors import DataError
from zonage.text import quoted

_MISSING_HINT = "Lancez `zonage data build` (ou `zonage data build --mirror DIR`)."


@dataclass(frozen=True)
class Layers:
    """The built layers, all in EPSG:4326 (columns: ``geo.schema.COMMUNE_COLUMNS``)."""

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


def _read(path: Path, *, lenient_geometry: bool = False) -> gpd.GeoDataFrame:
    """One GeoParquet file of the build; a geometry that cannot be decoded is a
    :class:`DataError` naming its row, or, with ``lenient_geometry``, a missing geometry."""
    if not path.is_file():
        raise DataError(
            f"couche absente : {path.name} dans {quoted(path.parent)}.", hint=_MISSING_HINT
        )
    try:
        return gpd.read_parquet(path)
    except shapely.errors.ShapelyError:
        frame, bad = _read_damaged(path)
    except Exception as exc:  # pyarrow raises several error types on damaged files
        raise DataError(
            f"couche illisible : {quoted(path)} ({type(exc).__name__}).", hint=_MISSING_HINT
        ) from None
    if not lenient_geometry:
        rows = ", ".join(str(frame.iloc[i, 0]) for i in bad[:5])
        raise DataError(
            f"couche corrompue : {len(bad)} géométrie(s) illisible(s) dans {path.name} ({rows}).",
            hint=_MISSING_HINT,
        )
    return frame


def _read_damaged(path: Path) -> tuple[gpd.GeoDataFrame, list[int]]:
    """Read ``path`` with every undecodable geometry as None; returns the frame and their rows."""
    try:
        table = pq.read_table(path)
        geo = json.loads(table.schema.metadata[b"geo"])
        column = geo["primary_column"]
        wkb = np.array(table[column].to_pylist(), dtype=object)
        frame = table.drop([column]).to_pandas()
    except Exception as exc:  # noqa: BLE001 - any failure here is a damaged file
        raise DataError(
            f"couche illisible : {quoted(path)} ({type(exc).__name__}).", hint=_MISSING_HINT
        ) from None
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    bad = [int(i) for i in np.flatnonzero(pd.isna(geoms) & pd.notna(wkb))]
    crs = geo["columns"][column].get("crs", "OGC:CRS84")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=crs)), bad


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


def load(build_dir: Path | None = None, *, lenient_geometry: bool = False) -> Layers:
    """Load the layers built by ``zonage data build`` (default folder ``settings.BUILD_DIR``).

    The build folder is resolved once (it is a link to the current build), and every file is
    checked against its checksum first (:func:`geo.integrity.verify`). Raises
    :class:`DataError` when the layer is missing, damaged or from another format version.
    ``lenient_geometry`` (for ``zonage data check``) loads a geometry that cannot be decoded
    as a missing one instead of refusing the layer.
    """
    given = Path(build_dir or settings.BUILD_DIR)
    try:
        build_dir = given.resolve()
        found = (build_dir / schema.COMMUNES_FILE).is_file()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
        reason = exc.strerror if isinstance(exc, OSError) else "boucle de liens"
        raise DataError(
            f"dossier de la couche inaccessible : {quoted(given)} ({reason}).",
            hint=_MISSING_HINT,
        ) from None
    if not found:
        raise DataError(
            f"couche communale absente ({quoted(given / schema.COMMUNES_FILE)}).",
            hint=_MISSING_HINT,
        )
    integrity.verify(build_dir)
    metadata = integrity.read_metadata(build_dir)
    if metadata.get("format_version") != settings.LAYER_FORMAT_VERSION:
        raise DataError(
            "la couche communale a été construite par une autre version du projet.",
            hint="Relancez `zonage data build`.",
        )
    try:
        report = json.loads((build_dir / schema.REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(
            f"rapport de construction absent ou illisible dans {quoted(given)}.", hint=_MISSING_HINT
        ) from None
    read = partial(_read, lenient_geometry=lenient_geometry)
    try:
        communes = read(build_dir / schema.COMMUNES_FILE)
        _as_lists(communes, schema.LIST_COLUMNS)
        communes["population"] = communes["population"].astype(int)
        if communes["frr_code"].notna().all():
            communes["frr_code"] = communes["frr_code"].astype(int)
        _nullable_text(communes, schema.NULLABLE_TEXT_COLUMNS)
        qpv2015 = read(build_dir / schema.QPV2015_FILE)
        _as_lists(qpv2015, schema.QPV2015_LIST_COLUMNS)
        return Layers(
            communes=communes,
            qpv2015=qpv2015,
            massifs=read(build_dir / schema.MASSIFS_FILE),
            departements=read(build_dir / schema.DEPARTEMENTS_FILE),
            region=read(build_dir / schema.REGION_FILE),
            vintages=dict(metadata.get("vintages", {})),
            sources=list(metadata.get("sources", [])),
            report=report,
            metadata=metadata,
            build_dir=build_dir,
        )
    except (KeyError, ValueError, TypeError) as exc:
        # A sealed layer whose columns are not what this version writes
        raise DataError(
            f"couche incohérente dans {quoted(given)} ({type(exc).__name__} : {quoted(exc)}).",
            hint="Relancez `zonage data build`.",
        ) from None


@per_build
def get(build_dir: Path) -> Layers:
    """The layers of ``build_dir`` (default ``settings.BUILD_DIR``), loaded once per build."""
    return load(build_dir)
