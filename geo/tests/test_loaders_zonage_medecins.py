"""Doctor zoning matched to INSEE codes, on a small CartoSanté-like file."""

from __future__ import annotations

import pytest
from frames import row_values
from sample_sources import sample_cog, write_json, write_text

from geo.loaders.text import name_key, postal_code
from geo.loaders.zonage_medecins import build_index, load_doctor_zoning, match_row
from zonage.errors import DataError

ROWS = """Code_postal,Nom_commune,Zonage
9300,Aiguillon (L'),1_ZIP
9200,St Girons,2_ZAC
9200,Vieux Bourg,4_ZAR
9400,Ancien-Nom,4_ZAR
9310,LES CABANNES,1_ZIP
9310,Les Cabannes,2_ZAC
9999,Bourg Neuf,2_ZAC
9300,Inconnue,1_ZIP
9300,Autre-Ville,N/A - résultat non disponible
75001,Paris,2_ZAC
"""


@pytest.fixture
def world(tmp_path):
    _, cog, history, mapper = sample_cog(tmp_path)
    # a COG 2022 table: "Autre-Ville" was the 2022 name of 09001, with postal code 09300
    cog2022 = write_json(
        tmp_path / "cog2022.json",
        [
            {
                "code": "09001",
                "nom": "Autre-Ville",
                "type": "commune-actuelle",
                "codesPostaux": ["09300"],
            }
        ],
    )
    index = build_index(cog, mapper, history, cog2022, None)
    return tmp_path, cog, index


def test_name_key_normalises_spellings() -> None:
    assert name_key("L'Aiguillon") == name_key("Aiguillon (L')") == "AIGUILLON"
    assert name_key("St-Girons") == name_key("Saint Girons") == "SAINT GIRONS"
    assert name_key("Ste Croix-Volvestre") == "SAINTE CROIX VOLVESTRE"
    assert name_key("Cœur de Ville") == name_key("COEUR-DE-VILLE")
    assert name_key("Les Cabannes") == name_key("CABANNES (LES)") == "CABANNES"
    assert name_key("Lès Bordes’s") == "LES BORDES S"
    assert name_key("La") == "LA"  # an article alone is a name


def test_postal_code_restores_the_leading_zero() -> None:
    assert postal_code(9300) == "09300"
    assert postal_code("31000") == "31000"
    assert postal_code("9300.0") == "09300"
    assert postal_code("abc") is None
    assert postal_code("123") is None


def test_rows_are_matched_by_each_route(world) -> None:
    tmp_path, cog, index = world
    result = load_doctor_zoning(write_text(tmp_path / "z.csv", ROWS), cog, index)
    rows = result.rows.set_index("nom_commune")
    assert row_values(rows, "Aiguillon (L')", ["insee", "route"]) == ["09001", "code postal + nom"]
    assert row_values(rows, "St Girons", ["insee", "route"]) == ["09002", "code postal + nom"]
    assert row_values(rows, "Vieux Bourg", ["insee", "route"]) == ["09002", "code postal + alias"]
    assert row_values(rows, "Ancien-Nom", ["insee", "route"]) == [
        "09005",
        "code postal + historique",
    ]
    assert row_values(rows, "Bourg Neuf", ["insee", "route"]) == ["09008", "nom + département"]
    assert rows.loc["Inconnue", "statut"] == "non_apparie"
    assert rows.loc["Autre-Ville", "statut"] == "sans_classe"
    assert "Paris" not in rows.index  # outside the region
    assert result.report["lignes_hors_region"] == 1
    assert result.report["lignes_region"] == 9


def test_classes_conflicts_and_report(world) -> None:
    tmp_path, cog, index = world
    result = load_doctor_zoning(write_text(tmp_path / "z.csv", ROWS), cog, index)
    classes = result.classes.set_index("insee")["zonage_medecins"].to_dict()
    # 09002: current-name row (ZAC) wins over the alias row (ZAR)
    # 09004: two current-name rows disagree: the most favourable (ZIP), to check
    assert classes == {
        "09001": "ZIP",
        "09002": "ZAC",
        "09004": "ZIP",
        "09005": "ZAR",
        "09008": "ZAC",
    }
    conflicts = {c["insee"]: c for c in result.report["conflits"]}
    assert conflicts["09002"]["regle"] == "nom actuel" and not conflicts["09002"]["a_verifier"]
    assert conflicts["09004"]["regle"] == "plus favorable" and conflicts["09004"]["a_verifier"]
    unmatched = {u["nom_commune"]: u["statut"] for u in result.report["lignes_non_appariees"]}
    assert unmatched == {"Inconnue": "non_apparie", "Autre-Ville": "sans_classe"}
    assert result.report["communes_sans_classe"] == []
    routes = result.report["communes_par_route"]
    assert routes == {"code postal + nom": 3, "code postal + historique": 1, "nom + département": 1}


def test_commune_without_row_is_reported(world) -> None:
    tmp_path, cog, index = world
    text = "Code_postal,Nom_commune,Zonage\n9300,L'Aiguillon,1_ZIP\n"
    result = load_doctor_zoning(write_text(tmp_path / "z.csv", text), cog, index)
    missing = [c["insee"] for c in result.report["communes_sans_classe"]]
    assert missing == ["09002", "09004", "09005", "09008"]


def test_ambiguous_row(world) -> None:
    _tmp, _cog, index = world
    index.by_postal["09300"].add("09004")
    index.names["code postal + nom"][name_key("Double")] = {"09001", "09004"}
    assert match_row(index, "09300", "Double") == ("ambigu", None, ["09001", "09004"])


def test_malformed_files(world) -> None:
    tmp_path, cog, index = world
    with pytest.raises(DataError, match="colonne.*Zonage"):
        load_doctor_zoning(
            write_text(tmp_path / "a.csv", "Code_postal,Nom_commune\n9300,X\n"), cog, index
        )
    with pytest.raises(DataError, match="code postal invalide « 93A0 »"):
        load_doctor_zoning(
            write_text(tmp_path / "b.csv", "Code_postal,Nom_commune,Zonage\n93A0,X,1_ZIP\n"),
            cog,
            index,
        )
    with pytest.raises(DataError, match="fichier absent"):
        load_doctor_zoning(tmp_path / "nope.csv", cog, index)
