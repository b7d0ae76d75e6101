"""QPV 2015 polygons (repair, communes) and the 2024 per-commune list, on small files."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pytest
import shapely
from sample_sources import sample_cog, square, write_geojson
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.loaders.qpv import load_qpv2015, load_qpv2024, qpv2015_by_commune, undeclared_overlaps
from zonage.errors import DataError

# a self-intersecting ring: two triangles touching at their tips
BOWTIE = Polygon([(1.0, 43.0), (1.004, 43.004), (1.004, 43.0), (1.0, 43.004)])


@pytest.fixture
def world(tmp_path):
    _, cog, _, mapper = sample_cog(tmp_path)
    return tmp_path, cog, mapper


def qpv2015_file(tmp_path, **overrides):
    data: dict[str, Any] = {
        "code_qp": ["QP009001", "QP009002"],
        "nom_qp": ["Centre", "Gare"],
        "code_commune": ["09001", "09003"],  # 09003 was merged into 09002 in 2019
        "nom_commune": ["L'Aiguillon, Saint-Girons", "Vieux-Bourg"],
    }
    data.update(overrides)
    geoms = data.pop("geometry", [BOWTIE, square(1, 0).buffer(-0.002)])
    return write_geojson(tmp_path / "qpv.geojson", gpd.GeoDataFrame(data, geometry=geoms, crs=4326))


def test_qpv2015_repaired_and_keyed_by_current_commune(world) -> None:
    tmp_path, cog, mapper = world
    result = load_qpv2015(qpv2015_file(tmp_path), mapper, cog.communes)
    frame = result.frame.set_index("code_qp")
    assert frame.is_valid.all()
    repaired = frame.loc["QP009001", "geometry"]
    assert isinstance(repaired, BaseGeometry) and repaired.geom_type == "MultiPolygon"
    assert result.report["reparees"] == ["QP009001"]
    # make_valid keeps both lobes of the bow tie: two triangles of 0.004 × 0.002 / 2 each
    lobes = 2 * (0.004 * 0.002 / 2)
    assert shapely.area(repaired) == pytest.approx(lobes, rel=1e-6)
    assert frame.loc["QP009002", "insee"] == "09002"
    assert frame.loc["QP009002", "departement"] == "09"
    # the QPV names two communes
    assert frame.loc["QP009001", "insee_communes"] == ["09001", "09002"]
    assert result.report["intercommunaux"] == {"QP009001": ["09001", "09002"]}
    lists = qpv2015_by_commune(result.frame).set_index("insee")
    assert lists.loc["09002", "qpv2015_codes"] == ["QP009001", "QP009002"]
    assert lists.loc["09002", "qpv2015_noms"] == ["Centre", "Gare"]
    assert lists.loc["09001", "qpv2015_codes"] == ["QP009001"]


def test_qpv2015_overlap_not_declared_is_reported(world) -> None:
    tmp_path, cog, mapper = world
    # a QPV of 09001 lying half in 09004 (the square above)
    straddling = (
        square(0, 0).union(square(0, 1)).intersection(shapely.box(1.002, 43.005, 1.008, 43.015))
    )
    path = qpv2015_file(
        tmp_path,
        code_qp=["QP009001"],
        nom_qp=["Centre"],
        code_commune=["09001"],
        nom_commune=["L'Aiguillon"],
        geometry=[straddling],
    )
    qpv = load_qpv2015(path, mapper, cog.communes).frame
    communes = gpd.GeoDataFrame(
        {"insee": ["09001", "09004"]}, geometry=[square(0, 0), square(0, 1)], crs=4326
    )
    found = undeclared_overlaps(qpv, communes)
    assert [(f["code_qp"], f["insee"]) for f in found] == [("QP009001", "09004")]
    assert found[0]["part_surface"] == pytest.approx(0.5, abs=0.01)


def test_qpv2015_errors(world) -> None:
    tmp_path, cog, mapper = world
    with pytest.raises(DataError, match="code QPV invalide « QX1 »"):
        load_qpv2015(qpv2015_file(tmp_path, code_qp=["QX1", "QP009002"]), mapper)
    with pytest.raises(DataError, match="commune inconnue « 09999 »"):
        load_qpv2015(qpv2015_file(tmp_path, code_commune=["09001", "09999"]), mapper)
    path = write_geojson(
        tmp_path / "nocol.geojson",
        gpd.GeoDataFrame({"code_qp": ["QP009001"]}, geometry=[square(0, 0)], crs=4326),
    )
    with pytest.raises(DataError, match="colonne.*nom_qp"):
        load_qpv2015(path, mapper)
    # a ring that cannot be made a surface
    line_like = Polygon([(1.0, 43.0), (1.001, 43.0), (1.002, 43.0)])
    with pytest.raises(DataError, match="irréparable pour QP009001"):
        load_qpv2015(qpv2015_file(tmp_path, geometry=[line_like, square(1, 0)]), mapper)


def qpv2024_file(tmp_path, codes: str, names: str):
    gdf = gpd.GeoDataFrame(
        {
            "insee_com": ["09003", "75056"],
            "lib_com": ["Vieux-Bourg", "Paris"],
            "code_qp": [codes, "QN07501A"],
            "lib_qp": [names, "Paris"],
        },
        geometry=[Point(1.02, 43.0), Point(2.35, 48.85)],
        crs=4326,
    )
    return write_geojson(tmp_path / "qpv2024.geojson", gdf)


def test_qpv2024_per_commune(world) -> None:
    tmp_path, _cog, mapper = world
    result = load_qpv2024(qpv2024_file(tmp_path, "QN00902M, QN00901M", "Gare, Centre"), mapper)
    assert result.frame.to_dict("records") == [
        {
            "insee": "09002",
            "qpv2024_codes": ["QN00901M", "QN00902M"],
            "qpv2024_noms": ["Centre", "Gare"],
        }
    ]
    assert result.report["communes_region"] == 1 and result.report["qpv_region"] == 2


def test_qpv2024_errors(world) -> None:
    tmp_path, _cog, mapper = world
    with pytest.raises(DataError, match="2 codes QPV pour 1 noms"):
        load_qpv2024(qpv2024_file(tmp_path, "QN00902M, QN00901M", "Gare"), mapper)
    with pytest.raises(DataError, match="code QPV invalide « QP1 »"):
        load_qpv2024(qpv2024_file(tmp_path, "QP1", "Gare"), mapper)
