"""Massif membership and outlines, ZRR 2017 mapped to today's communes, FRR classes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from sample_sources import sample_cog, square, write_geojson, write_text

from geo.loaders.massifs import load_massif_communes, load_massif_outlines
from geo.loaders.zrr_frr import load_frr, read_zrr_sheet, zrr_from_sheet
from zonage.errors import DataError


@pytest.fixture
def world(tmp_path):
    _, _, _, mapper = sample_cog(tmp_path)
    return tmp_path, mapper


MASSIFS = (
    "\ufeffinsee_com,lib_com,niveau_montagne\n"
    "09001,L'Aiguillon,08 - Massif des Pyrénées\n"
    "09002,Saint-Girons,08 - Massif des Pyrénées\n"
    "09004,Les Cabannes,06 - Massif Central\n"
    "01002,Ailleurs,02 - Massif du Jura\n"
)


def test_massif_per_commune_with_normalised_labels(world) -> None:
    tmp_path, mapper = world
    result = load_massif_communes(write_text(tmp_path / "m.csv", MASSIFS), mapper)
    assert result.frame.to_dict("records") == [
        {"insee": "09001", "massif": "Pyrénées"},
        {"insee": "09002", "massif": "Pyrénées"},
        {"insee": "09004", "massif": "Massif central"},
    ]
    assert result.report["communes_par_massif"] == {"Massif central": 1, "Pyrénées": 2}
    assert result.report["lignes_fichier"] == 4


def test_massif_errors(world) -> None:
    tmp_path, mapper = world
    with pytest.raises(DataError, match="massif inconnu « 10 - Massif du Nord »"):
        load_massif_communes(
            write_text(tmp_path / "a.csv", MASSIFS + "09005,X,10 - Massif du Nord\n"), mapper
        )
    with pytest.raises(DataError, match="09001 rattachée à deux massifs"):
        load_massif_communes(
            write_text(tmp_path / "b.csv", MASSIFS + "09001,X,06 - Massif Central\n"), mapper
        )
    with pytest.raises(DataError, match="colonne.*niveau_montagne"):
        load_massif_communes(write_text(tmp_path / "c.csv", "insee_com,lib_com\n09001,X\n"), mapper)
    with pytest.raises(DataError, match="inconnue au COG 2026 : 09999"):
        load_massif_communes(
            write_text(tmp_path / "d.csv", MASSIFS + "09999,X,06 - Massif Central\n"), mapper
        )


def test_massif_outlines_touching_the_region(tmp_path) -> None:
    gdf = gpd.GeoDataFrame(
        {"niveau_montagne": ["08 - Massif des Pyrénées", "03 - Massif des Alpes"]},
        geometry=[square(0, 0), square(50, 50)],
        crs=4326,
    )
    path = write_geojson(tmp_path / "m.geojson", gdf)
    outlines = load_massif_outlines(path, square(0, 0).buffer(0.001))
    assert list(outlines["massif"]) == ["Pyrénées"]


def sheet(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["CODGEO", "LIBGEO", "ZRR_SIMP", "ZONAGE_ZRR"])


C = ("C - Classée en ZRR", "C - Classée en ZRR")
NC = ("NC - Non classée", "NC - Non classée")
M = ("C - Classée en ZRR", "M - Sortante en 2017 classée en zone de montagne")


def test_zrr_2017_codes_mapped_to_current_communes(world) -> None:
    _tmp, mapper = world
    rows = sheet(
        [
            ("09001", "L'Aiguillon", *C),
            ("09002", "Saint-Girons", *NC),
            ("09003", "Vieux-Bourg", *M),  # merged into 09002 in 2019: 09002 is partly classed
            ("09004", "Les Cabannes", *NC),
            ("09005", "Ancien-Nom", *C),
            ("09007", "Ville", *C),  # code 09008 since 2024
            ("75056", "Paris", *NC),
        ]
    )
    result = zrr_from_sheet(rows, mapper, "zrr.xls")
    frame = result.frame.set_index("insee")
    assert frame["zrr"].to_dict() == {
        "09001": "classee",
        "09002": "partiellement_classee",
        "09004": "non_classee",
        "09005": "classee",
        "09008": "classee",
    }
    assert frame.loc["09001", "zrr_detail"] == "C - Classée en ZRR"
    detail = frame.loc["09002", "zrr_detail"]
    assert (
        "09002 Saint-Girons : NC - Non classée" in detail and "09003 Vieux-Bourg : M - " in detail
    )
    assert result.report["codes_2017_par_route"] == {"identique": 4, "anciensCodes": 2}
    assert result.report["communes_regroupees"] == {"09002": ["09002", "09003"]}


def test_zrr_errors(world, tmp_path) -> None:
    _tmp, mapper = world
    with pytest.raises(DataError, match="classement ZRR inconnu « X - Autre »"):
        zrr_from_sheet(sheet([("09001", "A", "X - Autre", "X")]), mapper, "zrr.xls")
    with pytest.raises(DataError, match="colonne.*ZONAGE_ZRR"):
        zrr_from_sheet(sheet([("09001", "A", *C)]).drop(columns="ZONAGE_ZRR"), mapper, "zrr.xls")
    with pytest.raises(DataError, match="code INSEE invalide « 9001 »"):
        zrr_from_sheet(sheet([("9001", "A", *C)]), mapper, "zrr.xls")
    not_xls = write_text(tmp_path / "zrr.xls", "this is not a workbook")
    with pytest.raises(DataError, match="zrr.xls : classeur illisible"):
        read_zrr_sheet(not_xls)


FRR = "code_insee,nom,codefrr\n09001,A,4\n09002,B,0\n09004,C,5\n09005,D,1\n09008,E,2\n01001,F,4\n"


def test_frr_codes(world) -> None:
    tmp_path, mapper = world
    result = load_frr(write_text(tmp_path / "frr.csv", FRR), mapper)
    assert result.frame.set_index("insee")["frr_code"].to_dict() == {
        "09001": 4,
        "09002": 0,
        "09004": 5,
        "09005": 1,
        "09008": 2,
    }
    assert result.report["lignes"] == 6


def test_frr_errors(world) -> None:
    tmp_path, mapper = world
    with pytest.raises(DataError, match="code FRR invalide « 3 »"):
        load_frr(write_text(tmp_path / "a.csv", FRR + "09006,X,3\n"), mapper)
    with pytest.raises(DataError, match="commune en double : 09001"):
        load_frr(write_text(tmp_path / "b.csv", FRR + "09001,X,4\n"), mapper)
    with pytest.raises(DataError, match="inconnue au COG 2026 : 09003"):
        load_frr(write_text(tmp_path / "c.csv", FRR + "09003,X,4\n"), mapper)
    with pytest.raises(DataError, match="colonne.*codefrr"):
        load_frr(write_text(tmp_path / "d.csv", "code_insee,nom\n09001,A\n"), mapper)
