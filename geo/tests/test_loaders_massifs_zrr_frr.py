"""Massif membership and outlines, ZRR 2017 mapped to today's communes, FRR classes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from sample_sources import sample_cog, square, write_geojson, write_text

from geo.loaders.cog import CodeMapper, load_cog, load_history
from geo.loaders.massifs import load_massif_communes, load_massif_outlines
from geo.loaders.zrr_frr import (
    compare_frr,
    load_frr,
    load_frr_labels,
    read_zrr_sheet,
    zrr_from_sheet,
)
from geo.manifest import load_manifest
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
    assert isinstance(detail, str)
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


FRR_LIST = (
    "Code_insee;Departement;Commune;Classement FRR et FRR+ au 10 juillet 2025;\r\n"
    "01001;01;L'Abergement-Clémenciat;Non classée;\r\n"
    "09001;09;A;FRR socle;\r\n"
    "09002;09;B;Non classée;\r\n"
    "09004;09;C;FRR+;\r\n"
    "09005;09;D;FRR bénéficiaire;\r\n"
    "09008;09;E;FRR bénéficiaire partiellement;\r\n"
)


def test_frr_labels_agree_with_the_codes(world) -> None:
    tmp_path, mapper = world
    labels = load_frr_labels(write_text(tmp_path / "list.csv", FRR_LIST), mapper)
    assert labels.frame.set_index("insee")["frr_code"].to_dict() == {
        "09001": 4,
        "09002": 0,
        "09004": 5,
        "09005": 1,
        "09008": 2,
    }
    assert labels.report["lignes"] == 6 and labels.report["lignes_region"] == 5
    frr = load_frr(write_text(tmp_path / "frr.csv", FRR), mapper)
    diff = compare_frr(frr, labels)
    assert diff["communes_comparees"] == 5 and diff["differences"] == []
    assert diff["absentes_de_la_liste"] == [] and diff["absentes_du_fichier_frr"] == []
    assert diff["communes_partielles"] == [
        {"insee": "09008", "frr_libelle": "FRR bénéficiaire partiellement"}
    ]


def test_frr_label_differences_are_listed(world) -> None:
    tmp_path, mapper = world
    text = FRR_LIST.replace("09002;09;B;Non classée", "09002;09;B;FRR+").replace(
        "09005;09;D;FRR bénéficiaire;\r\n", ""
    )
    labels = load_frr_labels(write_text(tmp_path / "list.csv", text), mapper)
    diff = compare_frr(load_frr(write_text(tmp_path / "frr.csv", FRR), mapper), labels)
    assert diff["differences"] == [{"insee": "09002", "frr_code": 0, "frr_libelle": "FRR+"}]
    assert diff["absentes_de_la_liste"] == ["09005"]
    with pytest.raises(DataError, match=r"classement FRR inconnu « FRR\+\+ »"):
        load_frr_labels(write_text(tmp_path / "a.csv", FRR_LIST + "09007;09;X;FRR++;\r\n"), mapper)
    with pytest.raises(DataError, match="b.csv : colonne.*Classement FRR"):
        load_frr_labels(write_text(tmp_path / "b.csv", "Code_insee;Commune\n09001;A\n"), mapper)
    with pytest.raises(DataError, match="09008 rattachée à deux classements FRR"):
        load_frr_labels(write_text(tmp_path / "c.csv", FRR_LIST + "09007;09;X;FRR+;\r\n"), mapper)


@pytest.mark.mirror
def test_labelled_frr_list_confirms_the_codes_of_the_build(mirror_dir) -> None:
    manifest = load_manifest()

    def path(role: str):
        return mirror_dir / manifest.one(role).path

    history = load_history(path("cog_history"))
    cog = load_cog(
        path("cog2026_communes"), path("cog2026_epci"), path("cog2026_departements"), history
    )
    mapper = CodeMapper.from_cog(cog, history)
    labels = load_frr_labels(path("frr_labels"), mapper)
    assert labels.report["lignes_region"] == 4446
    assert labels.report["codes_introuvables"] == []
    assert labels.report["communes_par_libelle"] == {
        "FRR bénéficiaire": 173,
        "FRR bénéficiaire partiellement": 1,
        "FRR socle": 2787,
        "FRR+": 555,
        "Non classée": 930,
    }
    diff = compare_frr(load_frr(path("frr"), mapper), labels)
    assert diff["communes_comparees"] == 4446
    assert diff["differences"] == []
    assert diff["absentes_de_la_liste"] == [] and diff["absentes_du_fichier_frr"] == []
    # the only partly classed commune: its classed part is « bénéficiaire », not « socle »
    assert diff["communes_partielles"] == [
        {"insee": "30329", "frr_libelle": "FRR bénéficiaire partiellement"}
    ]
