"""Shared reading and validation helpers of the loaders (errors as one French line)."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from zonage.errors import DataError

INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_HINT = "Vérifiez le fichier (son sha256 dans data/manifest.toml) ou relancez `zonage data fetch`."


def data_error(path: Path | str, what: str) -> DataError:
    """A DataError naming the file and the problem."""
    return DataError(f"{Path(path).name} : {what}.", hint=_HINT)


def read_json(path: Path) -> Any:
    """Parse a JSON file."""
    try:
        return json.loads(Path(path).read_bytes())
    except FileNotFoundError:
        raise data_error(path, "fichier absent.") from None
    except ValueError as exc:
        raise data_error(path, f"JSON illisible ({exc}).") from None


def read_csv(path: Path, **kwargs: Any) -> pd.DataFrame:
    """Read a CSV file as text columns."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, **kwargs)
    except FileNotFoundError:
        raise data_error(path, "fichier absent.") from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise data_error(path, f"CSV illisible ({type(exc).__name__}).") from None


def read_geo(path: Path) -> gpd.GeoDataFrame:
    """Read a GeoJSON file into EPSG:4326 (RFC 7946 files without a ``crs`` member are WGS84)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = gpd.read_file(path, engine="pyogrio")
    except FileNotFoundError:
        raise data_error(path, "fichier absent.") from None
    except Exception as exc:  # pyogrio raises its own error types for unreadable files
        raise data_error(path, f"GeoJSON illisible ({type(exc).__name__}).") from None
    if gdf.crs is None:
        gdf = gdf.set_crs(settings.STORAGE_CRS)
    elif not gdf.crs.equals(settings.STORAGE_CRS):
        gdf = gdf.to_crs(settings.STORAGE_CRS)
    return gdf


def require_columns(df: pd.DataFrame, columns: Iterable[str], path: Path | str) -> None:
    """Raise when a needed column is missing."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise data_error(path, f"colonne(s) manquante(s) : {', '.join(missing)}.")


def check_insee_codes(codes: pd.Series, path: Path | str, what: str = "code INSEE") -> None:
    """Raise on the first value that is not a 5-character INSEE commune code."""
    bad = codes[~codes.astype(str).str.match(INSEE_CODE)]
    if len(bad):
        raise data_error(path, f"{what} invalide « {bad.iloc[0]} » ({len(bad)} ligne(s)).")


def check_geometries(gdf: gpd.GeoDataFrame, path: Path | str, key: str) -> None:
    """Raise when a geometry is missing, empty, not polygonal or invalid."""
    geoms = gdf.geometry.values
    missing = gdf.geometry.isna().to_numpy() | shapely.is_empty(geoms)
    if missing.any():
        raise data_error(path, f"géométrie absente pour {gdf.loc[missing, key].iloc[0]}.")
    polygonal = gdf.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if not polygonal.all():
        raise data_error(path, f"géométrie non surfacique pour {gdf.loc[~polygonal, key].iloc[0]}.")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        first = gdf.loc[invalid, key].iloc[0]
        reason = shapely.is_valid_reason(geoms[invalid][0])
        raise data_error(
            path, f"géométrie invalide pour {first} ({reason}), {invalid.sum()} en tout."
        )


def polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep the polygonal parts of a geometry (after ``make_valid``) as a (Multi)Polygon."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def in_region(code: str) -> bool:
    """True when an INSEE or postal code belongs to an Occitanie department."""
    return str(code)[:2] in settings.DEPARTMENTS
