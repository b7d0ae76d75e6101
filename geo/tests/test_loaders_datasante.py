"""The DataSanté commune table as a dated version of the doctor zoning (its download from
data.gouv.fr: ``test_loaders_datasante_fetch.py``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from datasante_sample import TABLE, small_world
from frames import row_values
from sample_sources import write_text

from geo.loaders.cog import CodeMapper, load_cog, load_history
from geo.loaders.datasante import (
    BUCKETS,
    class_changes,
    load_datasante,
    parse_date,
    parse_population,
)
from geo.loaders.zonage_medecins import build_index, load_doctor_zoning
from geo.manifest import load_manifest
from zonage.errors import DataError

#: Classes of these communes in the CartoSanté export of May 2025 (``zonage_medecins`` loader).
MAY_2025 = {
    "09088": "ZAC",
    "09122": "ZAC",
    "09225": "ZAC",
    "11132": "ZAC",
    "11262": "ZAR",
    "30032": "ZIP",
    "30329": "ZAC",
    "31483": "ZAC",
    "31555": "ZAR",
    "34172": "ZAR",
    "46042": "ZAC",
    "48095": "ZAC",
    "65440": "ZAC",
    "81004": "ZAR",
    "82121": "ZAC",
}


@pytest.fixture
def world(tmp_path: Path) -> tuple[CodeMapper, pd.DataFrame]:
    return small_world(tmp_path)


def _text() -> str:
    return TABLE.read_text(encoding="utf-8")


def _row(code: str, region: str, niveau: str, date: str, lib: str = "X") -> str:
    """One row in the table's format (every field quoted), other columns filled."""
    fields = ["DataSanté", "30/07/2026", "COM", code, lib, code, lib, region, "1 000"]
    fields += [region, code[:2], code, lib, region, code[:2], code, lib, "Bassin de vie"]
    fields += [niveau, date] + ["3_intermediaire", "29/10/2024"] * 5
    return ",".join(f'"{f}"' for f in fields) + "\n"


# --- the loader on the hand-written table -------------------------------------------------------


def test_every_row_ends_in_exactly_one_bucket(world) -> None:
    mapper, communes = world
    result = load_datasante(TABLE, mapper, communes)
    report = result.report
    assert report["lignes_lues"] == 24 == len(result.rows)
    assert sum(report["lignes_par_statut"].values()) == report["lignes_lues"]
    assert set(result.rows["statut"]) <= set(BUCKETS) and result.rows["statut"].notna().all()
    assert report["lignes_par_statut"] == {
        "autre_region": 4,
        "region_incoherente": 0,
        "code_invalide": 1,
        "hors_occitanie": 1,
        "code_inconnu": 1,
        "code_ambigu": 0,
        "classe_invalide": 1,
        "date_invalide": 2,
        "conflit": 2,
        "doublon": 2,
        "retenue": 10,
    }
    assert report["lignes_occitanie"] == 20
    assert report["lignes_autres_regions"] == {
        "Mayotte": 1,
        "Nouvelle-Aquitaine": 2,
        "Île-de-France": 1,
    }
    assert [r["com_code"] for r in report["codes_inconnus"]] == ["31999"]
    assert [r["com_code"] for r in report["codes_invalides"]] == ["9122"]
    assert [r["com_code"] for r in report["hors_occitanie"]] == ["13055"]
    assert report["classes_invalides"][0]["zmed_niveau"] == "5_ZXX"
    assert [(r["insee"], r["zmed_date_arrete"]) for r in report["dates_invalides"]] == [
        ("82121", "31/02/2025"),
        ("46042", ""),
    ]
    assert report["conflits"] == [
        {
            "insee": "30329",
            "lignes": [11, 12],
            "codes": ["30094", "30329"],
            "classes": ["2_ZAC", "4_ZAR"],
            "dates": ["30/10/2025"],
        }
    ]
    assert report["codes_par_route"] == {"anciensCodes": 3, "identique": 14}
    assert report["population_illisible"] == 1


def test_classes_dates_and_tvs_by_current_commune(world) -> None:
    mapper, communes = world
    result = load_datasante(TABLE, mapper, communes)
    frame = result.frame.set_index("insee")
    oct30, may4 = dt.date(2025, 10, 30), dt.date(2022, 5, 4)
    assert frame.loc["12218"].to_dict() == {  # read under its former code 12076
        "zonage_medecins": "ZIP",
        "arrete": oct30,
        "tvs_code": "12076",
        "tvs_nom": "Conques-en-Rouergue",
        "statut": "ok",
    }
    assert row_values(frame, "11132", ["tvs_code", "tvs_nom"]) == ["11203", "Lézignan-Corbières"]
    assert frame["zonage_medecins"].to_dict() == {
        "09088": "ZAC",
        "09225": "ZIP",
        "11132": "ZAC",
        "11262": "ZAR",
        "12218": "ZIP",
        "30032": "ZAC",
        "30329": None,
        "31555": None,
        "34172": "ZAR",
        "46042": None,
        "48095": "ZAC",
        "65440": "ZAC",
        "81004": "ZAC",
        "82121": None,
    }
    assert frame["statut"].to_dict() == {
        **dict.fromkeys(frame.index, "ok"),
        "30329": "conflit",
        "31555": "classe_invalide",
        "46042": "date_invalide",
        "82121": "date_invalide",
    }
    assert frame.loc["48095", "arrete"] == may4 and frame.loc["30329", "arrete"] == oct30
    assert frame.loc["46042", "arrete"] is None
    assert all(isinstance(d, dt.date) for d in frame["arrete"].dropna())
    assert result.report["dates_arrete"] == {"2022-05-04": 1, "2025-10-30": 9}
    assert result.report["communes_par_classe"] == {"ZAC": 6, "ZAR": 2, "ZIP": 2}
    assert result.report["communes_regroupees"] == {
        "09088": ["09088", "09287"],
        "30329": ["30094", "30329"],
    }
    assert [c["insee"] for c in result.report["communes_absentes"]] == ["09122", "31483"]
    populations = result.rows.set_index("com_code")["population"]
    assert populations[["11132", "11262", "34172", "81004"]].tolist() == [
        1306,
        57587,
        310240,
        51290,
    ]
    assert pd.isna(populations["31999"])


def test_changes_against_the_may_2025_export(world) -> None:
    mapper, communes = world
    result = load_datasante(TABLE, mapper, communes)
    previous = pd.DataFrame({"insee": list(MAY_2025), "zonage_medecins": list(MAY_2025.values())})
    changes = class_changes(result.frame, previous)
    assert changes[["insee", "avant", "apres"]].values.tolist() == [
        ["09225", "ZAC", "ZIP"],
        ["12218", None, "ZIP"],
        ["30032", "ZIP", "ZAC"],
        ["81004", "ZAR", "ZAC"],
    ]
    assert set(changes["arrete"]) == {dt.date(2025, 10, 30)}


def test_split_code_other_region_and_hors_zonage(world, tmp_path: Path) -> None:
    mapper, communes = world
    extra = (
        _row("31998", "Occitanie", "2_ZAC", "30/10/2025")  # split between two communes
        + _row("31483", "Nouvelle-Aquitaine", "2_ZAC", "30/10/2025")  # region disagrees
        + _row("09122", "OCCITANIE", "3_HZ", "30/10/2025")  # known label, no class
    )
    path = write_text(tmp_path / "t.csv", _text() + extra)
    result = load_datasante(path, mapper, communes)
    report = result.report
    assert sum(report["lignes_par_statut"].values()) == report["lignes_lues"] == 27
    assert report["codes_ambigus"] == [
        {"ligne": 26, "com_code": "31998", "com_lib": "X", "candidats": ["31483", "31555"]}
    ]
    assert [r["com_code"] for r in report["region_incoherente"]] == ["31483"]
    foix = result.frame.set_index("insee").loc["09122"]
    assert foix["zonage_medecins"] is None and foix["statut"] == "hors_zonage"
    assert foix["arrete"] == dt.date(2025, 10, 30)
    assert [c["insee"] for c in report["communes_absentes"]] == ["31483"]


def test_bom_and_unreadable_tables(world, tmp_path: Path) -> None:
    mapper, communes = world
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + TABLE.read_bytes())
    plain = load_datasante(TABLE, mapper, communes)
    pd.testing.assert_frame_equal(load_datasante(bom, mapper, communes).frame, plain.frame)

    no_cols = write_text(tmp_path / "cols.csv", _text().replace('"zmed_niveau"', '"niveau_med"', 1))
    with pytest.raises(
        DataError, match=r"« cols.csv » : colonne\(s\) manquante\(s\) : zmed_niveau"
    ):
        load_datasante(no_cols, mapper, communes)
    semicolons = write_text(tmp_path / "semi.csv", _text().replace('","', '";"'))
    with pytest.raises(DataError, match="semi.csv.*com_code, com_region, zmed_niveau") as err:
        load_datasante(semicolons, mapper, communes)
    assert err.value.exit_code == 4 and "\n" not in str(err.value)
    binary = tmp_path / "table.xlsx"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe\x80" * 50)
    with pytest.raises(DataError, match="table.xlsx.*pas un CSV lisible.*com_code"):
        load_datasante(binary, mapper, communes)
    html = write_text(tmp_path / "page.csv", "<html><body>Not found</body></html>\n")
    with pytest.raises(DataError, match="page.csv.*manquante.*com_code"):
        load_datasante(html, mapper, communes)
    with pytest.raises(DataError, match="absent"):
        load_datasante(tmp_path / "none.csv", mapper, communes)
    evil = tmp_path / ("x\x1b[31m" + "y" * 120 + ".csv")
    with pytest.raises(DataError) as err:
        load_datasante(evil, mapper, communes)
    assert "\x1b" not in str(err.value) and "\\x1b" in str(err.value)


def test_dates_and_populations() -> None:
    assert parse_date("30/10/2025") == dt.date(2025, 10, 30)
    assert parse_date(" 04/05/2022 ") == dt.date(2022, 5, 4)
    for bad in ("31/02/2025", "2025-10-30", "30/10/25", "", "NC"):
        assert parse_date(bad) is None, bad
    for text in ("1\u202f306", "1\u2009306", "1\u00a0306", "1 306", "1306"):
        assert parse_population(text) == 1306, repr(text)
    assert parse_population("2 113 705") == 2113705
    assert parse_population("n.d.") is None and parse_population("") is None


# --- the real files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(mirror_dir: Path):
    manifest = load_manifest()

    def path(role: str) -> Path:
        return mirror_dir / manifest.one(role).path

    history = load_history(path("cog_history"))
    cog = load_cog(
        path("cog2026_communes"), path("cog2026_epci"), path("cog2026_departements"), history
    )
    return cog, CodeMapper.from_cog(cog, history), history, path


@pytest.mark.mirror
def test_the_mirror_extract(real) -> None:
    cog, mapper, _history, path = real
    result = load_datasante(path("datasante_extrait"), mapper, cog.communes)
    report = result.report
    assert report["lignes_lues"] == 4 and report["lignes_occitanie"] == 3
    assert report["lignes_autres_regions"] == {"Mayotte": 1}
    assert report["lignes_par_statut"]["retenue"] == 3
    assert sum(report["lignes_par_statut"].values()) == 4
    assert result.frame[["insee", "zonage_medecins"]].values.tolist() == [
        ["11132", "ZAC"],
        ["11262", "ZAR"],
        ["34172", "ZAR"],
    ]
    assert report["dates_arrete"] == {"2025-10-30": 3}
    assert report["date_maj"] == ["30/07/2026"]
    assert len(report["communes_absentes"]) == 4446 - 3
    assert result.rows["population"].tolist() == [1306, 57587, 310240, 13934]


@pytest.mark.mirror
def test_fixture_changes_against_the_real_may_2025_export(real) -> None:
    cog, mapper, history, path = real
    index = build_index(cog, mapper, history, path("cog2022_communes"), path("codes_postaux"))
    may = load_doctor_zoning(path("zonage_medecins"), cog, index).classes
    assert {
        k: v for k, v in zip(may["insee"], may["zonage_medecins"], strict=True) if k in MAY_2025
    } == MAY_2025
    result = load_datasante(TABLE, mapper, cog.communes)  # old codes through the real history
    assert result.report["codes_par_route"] == {"anciensCodes": 3, "identique": 14}
    changes = class_changes(result.frame, may)
    assert changes[["insee", "avant", "apres"]].values.tolist() == [
        ["09225", "ZAC", "ZIP"],
        ["12218", None, "ZIP"],
        ["30032", "ZIP", "ZAC"],
        ["81004", "ZAR", "ZAC"],
    ]
    extract = load_datasante(path("datasante_extrait"), mapper, cog.communes)
    assert class_changes(extract.frame, may).empty  # the published rows agree with May 2025
