"""Zone de montagne (code rural D113-14) per current commune, through the commune history, and
its difference with the massif perimeter."""

from __future__ import annotations

from pathlib import Path

import pytest
from frames import row_values
from sample_sources import sample_cog, write_text

from geo.loaders.cog import CodeMapper, load_cog, load_history
from geo.loaders.massifs import load_massif_communes
from geo.loaders.montagne import classed_outside_massifs, load_zone_montagne
from geo.manifest import load_manifest
from zonage.errors import DataError

HEADER = (
    "Région,Code région,Code département,code_commune,nom_commune,zone_montagne,"
    "est_zone_vulnerable,est_zar,zone_ouest,zone_sud,zone_est,Dernière mise à jour,"
    "Dernière mise à jour par\n"
)


def line(code: str, name: str, value: str, region: str = "OCCITANIE,76") -> str:
    return f"{region},{code[:2]},{code},{name},{value},NC,,,,,2025-05-21 6:30pm,x\n"


ROWS = [
    line("09001", "AIGUILLON", "C"),
    line("09002", "SAINT GIRONS", "NC"),
    line("09003", "VIEUX BOURG", "C"),  # merged into 09002: partly classed
    line("09004", "LES CABANNES", "PC"),
    line("09005", "ANCIEN NOM", "C"),  # renamed in 2025, same code
    line("09007", "VILLE", "C"),  # code 09008 since 2024
    line("09999", "DISPARUE", "NC"),  # no current commune
    line("75056", "PARIS", "NC", region="ILE DE FRANCE,11"),
]


@pytest.fixture
def world(tmp_path: Path):
    _, cog, _, mapper = sample_cog(tmp_path)
    return tmp_path, cog, mapper


def test_classes_through_the_history(world) -> None:
    tmp_path, cog, mapper = world
    path = write_text(tmp_path / "zm.csv", HEADER + "".join(ROWS))
    result = load_zone_montagne(path, mapper, cog.communes)
    frame = result.frame.set_index("insee")
    assert frame["zone_montagne"].to_dict() == {
        "09001": True,
        "09002": None,
        "09004": None,
        "09005": True,
        "09008": True,
    }
    assert all(v is None or type(v) is bool for v in frame["zone_montagne"])
    assert frame.loc["09001", "zone_montagne_detail"] == "classée"
    assert frame.loc["09002", "zone_montagne_detail"] == (
        "partiellement classée : 09002 SAINT GIRONS : non classée ; 09003 VIEUX BOURG : classée"
    )
    assert frame.loc["09004", "zone_montagne_detail"] == "partiellement classée"
    report = result.report
    assert report["lignes_fichier"] == 8 and report["lignes_region"] == 7
    assert report["codes_par_route"] == {"anciensCodes": 2, "identique": 4, "introuvable": 1}
    assert report["codes_introuvables"] == ["09999"]
    assert report["communes_par_statut"] == {
        "classee": 3,
        "non_classee": 0,
        "partiellement_classee": 2,
        "absente": 0,
    }
    assert report["communes_regroupees"] == {"09002": ["09002", "09003"]}
    assert report["lignes_region_incoherente"] == []


def test_merged_communes_that_agree_and_absent_communes(world) -> None:
    tmp_path, cog, mapper = world
    rows = [r.replace(",C,", ",NC,") if "VIEUX" in r else r for r in ROWS if "CABANNES" not in r]
    rows.append(line("09006", "HAMEAU", "NC", region="AUVERGNE RHONE ALPES,84"))
    result = load_zone_montagne(
        write_text(tmp_path / "zm.csv", HEADER + "".join(rows)), mapper, cog.communes
    )
    frame = result.frame.set_index("insee")
    # 09006 is read although its row names another region: the department decides
    assert row_values(frame, "09002") == [
        False,
        "non classée (anciennes communes 09002, 09003, 09006)",
    ]
    assert row_values(frame, "09004") == [None, "absente de la liste"]
    assert result.report["communes_absentes"] == [{"insee": "09004", "nom": "Les Cabannes"}]
    assert result.report["lignes_region_incoherente"] == ["09006"]  # 09 named as region 84
    assert len(result.frame) == len(cog.communes)


def test_bad_files(world) -> None:
    tmp_path, cog, mapper = world
    with pytest.raises(DataError, match="zone_montagne inconnue « X » pour 09001"):
        load_zone_montagne(
            write_text(tmp_path / "a.csv", HEADER + line("09001", "A", "X")), mapper, cog.communes
        )
    # a value outside the region is not read
    other = line("75056", "PARIS", "??", region="ILE DE FRANCE,11")
    assert (
        len(
            load_zone_montagne(
                write_text(tmp_path / "b.csv", HEADER + other), mapper, cog.communes
            ).frame
        )
        == 5
    )
    with pytest.raises(DataError, match="b2.csv : colonne.*zone_montagne"):
        load_zone_montagne(
            write_text(tmp_path / "b2.csv", "code_commune,nom_commune\n09001,A\n"),
            mapper,
            cog.communes,
        )
    with pytest.raises(DataError, match="code INSEE invalide « 9001 »"):
        load_zone_montagne(
            write_text(tmp_path / "c.csv", HEADER + line("9001", "A", "C")), mapper, cog.communes
        )


# --- the real list -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(mirror_dir: Path):
    manifest = load_manifest()

    def path(role: str) -> Path:
        return mirror_dir / manifest.one(role).path

    history = load_history(path("cog_history"))
    cog = load_cog(
        path("cog2026_communes"), path("cog2026_epci"), path("cog2026_departements"), history
    )
    return cog, CodeMapper.from_cog(cog, history), path


@pytest.mark.mirror
def test_the_real_list_covers_every_current_commune(real) -> None:
    cog, mapper, path = real
    result = load_zone_montagne(path("zone_montagne"), mapper, cog.communes)
    report = result.report
    assert len(result.frame) == 4446 and result.frame["insee"].is_unique
    assert report["lignes_region"] == 4453
    assert report["lignes_region_par_valeur"] == {"C": 1581, "NC": 2872}
    # 8 former codes (COG 2024) followed to their current commune; none lost
    assert report["codes_par_route"] == {"anciensCodes": 8, "identique": 4445}
    assert report["codes_introuvables"] == [] and report["lignes_region_incoherente"] == []
    assert report["communes_regroupees"] == {
        "09088": ["09088", "09287"],
        "30329": ["30094", "30329"],
        "32365": ["32067", "32260", "32365", "32413"],
        "34144": ["34093", "34144"],
        "46172": ["46172", "46217"],
    }
    # the former communes of a current commune always agree: no commune is partly classed
    assert report["communes_par_statut"] == {
        "classee": 1578,
        "non_classee": 2868,
        "partiellement_classee": 0,
        "absente": 0,
    }
    frame = result.frame.set_index("insee")
    # 12218 Conques-en-Rouergue is absent under its code: read from 12076, its code until 2024
    assert row_values(frame, "12218") == [True, "classée"]
    assert frame.loc["32365", "zone_montagne"] is False
    assert frame.loc["30329", "zone_montagne_detail"] == "classée (anciennes communes 30094, 30329)"


@pytest.mark.mirror
def test_classed_communes_outside_every_massif(real) -> None:
    cog, mapper, path = real
    zone = load_zone_montagne(path("zone_montagne"), mapper, cog.communes).frame
    massifs = load_massif_communes(path("massifs_communes"), mapper).frame
    outside = classed_outside_massifs(zone, massifs)
    assert outside == [
        "11004",
        "11223",
        "30010",
        "30058",
        "31267",
        "31327",
        "31362",
        "31365",
        "31367",
        "31375",
        "31422",
        "31425",
        "31474",
        "31505",
        "34030",
        "34059",
        "34097",
        "34158",
        "34232",
    ]
    by_code = zone.set_index("insee")["zone_montagne"]
    for code in ("31365", "31422", "31505"):  # Montbrun-Bocage, Plagne, Saint-Michel
        assert by_code[code] is True and code not in set(massifs["insee"])
    # « commune de montagne ou de massif »: either list
    either = set(massifs["insee"]) | set(zone.loc[zone["zone_montagne"].eq(True), "insee"])
    assert len(either) == len(massifs) + 19 == 2071
