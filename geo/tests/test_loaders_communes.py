"""Commune polygons dissolved into current communes, and outlines, on small files."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from sample_sources import SQUARES_2018, polygons_2018, square, write_geojson, write_sample
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from geo.loaders.cog import CodeMapper, load_cog, load_history
from geo.loaders.communes import load_commune_polygons, load_outlines
from zonage.errors import DataError


def same(a, b) -> bool:
    """Same surface up to the GeoJSON round trip of coordinates."""
    return a.symmetric_difference(b).area < 1e-12


@pytest.fixture
def sample(tmp_path):
    return write_sample(tmp_path)


@pytest.fixture
def mapper(sample):
    history = load_history(sample["cog_history"])
    cog = load_cog(
        sample["cog2026_communes"], sample["cog2026_epci"], sample["cog2026_departements"], history
    )
    return CodeMapper.from_cog(cog, history)


def test_polygons_are_dissolved_into_current_communes(sample, mapper) -> None:
    result = load_commune_polygons([sample["communes_2018"]], mapper)
    frame = result.frame.set_index("insee")
    assert list(frame.index) == ["09001", "09002", "09004", "09005", "09008"]
    assert frame.crs == "EPSG:4326"
    # 09002 = its own square + the square of 09003 (merged in 2019), as one polygon
    merged = frame.loc["09002", "geometry"]
    assert isinstance(merged, BaseGeometry) and merged.geom_type == "Polygon"
    assert same(merged, shapely.union_all([square(1, 0), square(2, 0)]))
    # 09008 takes the polygon of 09007 (change of chef-lieu code)
    assert same(frame.loc["09008", "geometry"], square(2, 1))
    assert frame.is_valid.all()
    # no gap, no overlap: the union of the communes equals the union of the source squares
    assert same(shapely.union_all(frame.geometry.values), polygons_2018().union_all())
    summed = shapely.area(frame.geometry.values).sum()
    assert abs(summed - shapely.area(polygons_2018().geometry.values).sum()) < 1e-12
    assert result.report["polygones_par_route"] == {"anciensCodes": 2, "identique": 4}
    assert result.report["communes_regroupees"] == {"09002": ["09002", "09003"], "09008": ["09007"]}
    assert set(result.parts.columns) == {"code_2018", "nom_2018", "insee", "route"}


def test_polygon_without_current_commune_is_an_error(tmp_path, mapper) -> None:
    squares = {**SQUARES_2018, "09099": (3, 0)}  # a polygon no current commune descends from
    path = write_geojson(tmp_path / "c.geojson", polygons_2018(squares))
    with pytest.raises(DataError, match="09099"):
        load_commune_polygons([path], mapper)


def test_current_commune_without_polygon_is_an_error(tmp_path, mapper) -> None:
    squares = {"09001": (0, 0), "09002": (1, 0), "09004": (0, 1), "09005": (1, 1)}
    path = write_geojson(tmp_path / "c.geojson", polygons_2018(squares))
    with pytest.raises(DataError, match="sans polygone : 09008"):
        load_commune_polygons([path], mapper)


def test_invalid_geometry_missing_column_and_bad_code(tmp_path, mapper) -> None:
    gdf = polygons_2018()
    bowtie = Polygon([(1.0, 43.0), (1.01, 43.01), (1.01, 43.0), (1.0, 43.01)])
    # pandas-stubs take only scalars as cell values, where geometries are valid ones.
    gdf.loc[0, "geometry"] = bowtie  # type: ignore[call-overload]
    path = write_geojson(tmp_path / "bowtie.geojson", gdf)
    with pytest.raises(DataError, match="géométrie invalide pour 09001"):
        load_commune_polygons([path], mapper)

    path = write_geojson(
        tmp_path / "nocode.geojson", polygons_2018().rename(columns={"code": "insee"})
    )
    with pytest.raises(DataError, match="colonne.*code"):
        load_commune_polygons([path], mapper)

    gdf = polygons_2018()
    gdf.loc[0, "code"] = "ABCDE"
    path = write_geojson(tmp_path / "badcode.geojson", gdf)
    with pytest.raises(DataError, match="ABCDE"):
        load_commune_polygons([path], mapper)

    (tmp_path / "broken.geojson").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="broken.geojson"):
        load_commune_polygons([tmp_path / "broken.geojson"], mapper)


def test_outlines(sample, tmp_path) -> None:
    deps, region = load_outlines(
        sample["departements_2018"], sample["region_2018"], {"09": "Ariège"}, departments=("09",)
    )
    assert list(deps["nom"]) == ["Ariège"]
    assert len(region) == 1 and region.crs == "EPSG:4326"
    with pytest.raises(DataError, match="absent.*11"):
        load_outlines(sample["departements_2018"], sample["region_2018"], departments=("09", "11"))
    other = write_geojson(
        tmp_path / "r.geojson",
        gpd.GeoDataFrame(
            {"code": ["75"], "nom": ["IDF"]}, geometry=[square(0, 0)], crs="EPSG:4326"
        ),
    )
    with pytest.raises(DataError, match="région 76"):
        load_outlines(sample["departements_2018"], other, departments=("09",))
