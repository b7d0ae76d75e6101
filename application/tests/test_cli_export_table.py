"""``zonage export-table``: one row per commune of the layer built from the real mirror, the
same statuses and euros as ``zonage aids --json`` commune by commune (a sample across every
class), CSV / Parquet / GeoJSON readable, bad input and a bad ``--out`` refused with exit 2
before any work, the file written whole or not at all. In this process, but for one real
``zonage`` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from application.cli import main
from geo import settings
from geo.lookup import get_lookup

ROOT = Path(__file__).resolve().parents[2]
N_COMMUNES = 4446
COLUMNS = (
    "insee", "nom", "departement", "zonage_medecins", "zonage_medecins_arrete", "qpv2024",
    "massif", "zone_montagne", "frr", "aides_eligibles", "aides_sous_condition",
    "aides_a_verifier", "montant_garanti_eur", "montant_possible_eur", "montant_annuel_eur",
    "date",
)  # fmt: skip
STATUS_COLUMNS = {
    "eligible": "aides_eligibles",
    "sous_condition": "aides_sous_condition",
    "a_verifier": "aides_a_verifier",
}


@pytest.fixture
def cli(built_dir, tmp_path, monkeypatch, capsys):
    """Run ``zonage`` in-process on the session build; returns (code, stdout, stderr)."""
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _cell(value: object) -> object:
    """A table cell, None where it is missing (a row of mixed types reads None as NaN)."""
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sample(built_dir) -> list[str]:
    """INSEE codes across every class of the real layer: ZIP, ZAC with and without QPV, ZAR,
    massif, montagne only or partly, every FRR code and ZRR status, the priority departments
    and others, unclassed, and the communes with a newer DataSanté zoning version."""
    facts = get_lookup(built_dir).all_communes()
    picks = {
        "ZIP": lambda p: p.zonage_medecins == "ZIP",
        "ZAC avec QPV": lambda p: p.zonage_medecins == "ZAC" and bool(p.qpv2024),
        "ZAC avec QPV 2015 seulement": lambda p: (
            p.zonage_medecins == "ZAC" and bool(p.qpv2015_commune) and not p.qpv2024
        ),
        "ZAC sans QPV": lambda p: p.zonage_medecins == "ZAC" and not p.qpv2015_commune,
        "ZAR": lambda p: p.zonage_medecins == "ZAR" and not p.massif,
        "ZAR avec QPV": lambda p: p.zonage_medecins == "ZAR" and bool(p.qpv2024),
        "non classée": lambda p: p.zonage_medecins is None,
        "massif hors montagne": lambda p: bool(p.massif) and p.zone_montagne is False,
        "montagne seule": lambda p: p.zone_montagne is True and not p.massif,
        "montagne en partie": lambda p: p.zone_montagne is None,
        "ZRR en partie": lambda p: p.zrr == "partiellement_classee",
        **{f"FRR {c}": (lambda p, c=c: p.frr_code == c) for c in (0, 1, 2, 4, 5)},
        **{
            f"dép. {d}": (lambda p, d=d: p.departement == d) for d in ("09", "32", "65", "31", "34")
        },
    }
    codes = {what: next((p.insee for p in facts if test(p)), None) for what, test in picks.items()}
    codes.update({f"version {p.insee}": p.insee for p in facts if len(p.zonage_versions) > 1})
    # Classes the engine knows that this build may not have.
    assert {k for k, v in codes.items() if v is None} <= {"non classée", "montagne en partie"}
    assert any(k.startswith("version ") for k in codes)
    return list(dict.fromkeys(v for v in codes.values() if v is not None))


def test_one_row_per_commune_with_its_columns(cli, tmp_path):
    out = tmp_path / "aides.csv"
    code, stdout, err = cli(
        "export-table",
        "--profile",
        "liberal-installation",
        "--date",
        "2026-11-29",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert f"{N_COMMUNES} communes, csv" in stdout
    table = _read_csv(out)
    assert len(table) == N_COMMUNES and table["insee"].is_unique
    assert list(table["insee"]) == [p.insee for p in get_lookup().all_communes()]
    for column in COLUMNS:
        assert column in table.columns, column
    assert set(table["date"]) == {"2026-11-29"} and set(table["profil"]) == {"liberal-installation"}
    assert set(table["zonage_medecins"]) <= {"ZIP", "ZAC", "ZAR", ""}
    assert (
        table["montant_possible_eur"].astype(float) >= table["montant_garanti_eur"].astype(float)
    ).all()
    assert table["aides_eligibles"].str.contains(";").any()  # ids joined by ;


@pytest.mark.parametrize(
    ("profile", "date", "situation"),
    [
        ("liberal-installation", "2024-03-01", ()),
        ("liberal-installation", "2025-06-01", ("secteur=1", "aide_installation=aucune")),
        ("liberal-installation", "2026-11-29", ()),
        ("liberal-installation", "2026-11-29", ("cabinet_qpv=non", "secteur=1")),
        ("liberal-en-exercice", "2025-06-01", ()),
        ("liberal-cabinet-secondaire", "2026-11-29", ("aide_installation=aucune",)),
        ("etudiant-3e-cycle", "2024-03-01", ()),
    ],
)
def test_agrees_with_zonage_aids(cli, tmp_path, sample, profile, date, situation):
    given = [a for s in situation for a in ("--situation", s)]
    out = tmp_path / "aides.parquet"
    code, _, err = cli(
        "export-table", "--profile", profile, "--date", date, *given, "--out", str(out)
    )
    assert code == 0, err
    table = pd.read_parquet(out).set_index("insee")
    for insee in sample:
        code, stdout, err = cli(
            "aids", "--insee", insee, "--profile", profile, "--date", date, *given, "--json"
        )
        assert code == 0, err
        doc, row = json.loads(stdout), table.loc[insee]
        where = f"{insee} {profile} {date} {situation}"
        for status, column in STATUS_COLUMNS.items():
            ids = [a["id"] for a in doc["aids"] if a["status"] == status]
            assert row[column] == ";".join(ids), where
        summary = doc["summary"]
        assert row["montant_garanti_eur"] == summary["guaranteed"]["one_off"]["min"], where
        assert row["montant_conditionnel_eur"] == summary["conditional"]["one_off"]["min"], where
        assert row["montant_possible_eur"] == summary["possible"]["one_off"]["max"], where
        assert row["montant_annuel_eur"] == summary["possible"]["per_year"]["max"], where
        assert row["zone_selon_adresse"] == summary["zone_depends_on_address"], where
        place = doc["place"]
        for column in ("zonage_medecins", "zonage_medecins_arrete", "massif", "zone_montagne"):
            assert _cell(row[column]) == place[column], (where, column)
        assert row["departement_prioritaire"] == place["departement_prioritaire"], where
        assert row["frr"] == place["frr"] and row["zrr"] == place["zrr"], where


def test_geojson_carries_the_web_outlines(cli, tmp_path, built_dir):
    out = tmp_path / "aides.geojson"
    code, stdout, err = cli("export-table", "--profile", "medecin-remplacant", "--out", str(out))
    assert code == 0, err
    assert f"{N_COMMUNES} communes, geojson" in stdout  # from the name of --out
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == N_COMMUNES
    minx, miny, maxx, maxy = get_lookup(built_dir).bounds
    for feature in doc["features"]:
        geometry = feature["geometry"]
        assert geometry["type"] in ("Polygon", "MultiPolygon"), feature["properties"]["insee"]
        ring = (
            geometry["coordinates"][0]
            if geometry["type"] == "Polygon"
            else geometry["coordinates"][0][0]
        )
        lon, lat = ring[0]
        assert minx - 0.01 <= lon <= maxx + 0.01 and miny - 0.01 <= lat <= maxy + 0.01
        assert len(str(lon).split(".")[-1]) <= 4  # the web grid (1e-4°), not float noise
    import geopandas as gpd

    frame = gpd.read_file(out)
    assert len(frame) == N_COMMUNES and frame.crs.to_epsg() == 4326
    assert frame.is_valid.all()
    assert set(COLUMNS) <= set(frame.columns)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--profile", "tous"), "pas « tous »"),
        (("--profile", "interne"), "Profil inconnu"),
        (("--profile", "medecin-remplacant", "--format", "xlsx"), "format inconnu"),
        (("--profile", "medecin-remplacant", "--date", "2025-13-01"), "Date"),
        (("--profile", "medecin-remplacant", "--situation", "secteur=3"), "Valeurs possibles : 1"),
        (("--profile", "medecin-remplacant", "--situation", "age=40"), "Questions possibles"),
    ],
)
def test_bad_input_is_exit_2_and_leaves_the_file(cli, tmp_path, args, message):
    out = tmp_path / "aides.csv"
    out.write_text("ancien\n", encoding="utf-8")
    code, stdout, err = cli("export-table", *args, "--out", str(out))
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and message.lower() in err.lower(), err
    assert out.read_text(encoding="utf-8") == "ancien\n"


def test_bad_out_is_exit_2(cli, tmp_path):
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    for out, message in (
        (tmp_path, "est un dossier"),
        (tmp_path / "absent" / "aides.csv", "dossier de sortie introuvable"),
        (tmp_path / "fichier" / "aides.csv", "n'est pas un dossier"),
        (tmp_path / ("x" * 300 + ".csv"), "nom trop long"),
        (Path("/dev/null"), "pas un fichier ordinaire"),
    ):
        code, stdout, err = cli(
            "export-table", "--profile", "medecin-remplacant", "--out", str(out)
        )
        assert code == 2 and stdout == "", out
        assert err.count("\n") == 1 and message in err, err
    assert {p.name for p in tmp_path.iterdir()} <= {"cache", "fichier"}  # nothing written


def test_out_of_another_kind_is_never_replaced(cli, tmp_path):
    """A name that is not a table's (a text, the app's own code) is refused, untouched."""
    notes = tmp_path / "notes.txt"
    notes.write_text("à garder\n", encoding="utf-8")
    for args, message in (
        (("--out", str(notes)), "doit finir par .csv"),
        (("--format", "parquet", "--out", str(tmp_path / "t.csv")), "ne vont pas ensemble"),
    ):
        code, stdout, err = cli("export-table", "--profile", "medecin-remplacant", *args)
        assert code == 2 and stdout == "" and message in err, err
    assert notes.read_text(encoding="utf-8") == "à garder\n"
    assert not (tmp_path / "t.csv").exists()


def test_csv_cells_never_run_as_formulas():
    """A name from a data file that starts like a formula is written as text."""
    from application.region_table import encode

    data = encode([{"nom": '=HYPERLINK("https://evil.example","x")', "montant": -5}], "csv")
    text = data.decode("utf-8")
    assert "'=HYPERLINK(" in text  # read as text by a spreadsheet
    assert text.rstrip().endswith(",-5")  # numbers stay numbers


def test_help_is_french(cli):
    code, stdout, _ = cli("export-table", "--help")
    assert code == 0
    assert "une ligne par commune" in stdout and "liberal-installation" in stdout


def test_a_real_zonage_process(built_dir, tmp_path):
    env = {**os.environ, "ZONAGE_BUILD_DIR": str(built_dir), "ZONAGE_CACHE": str(tmp_path / "c")}
    out = tmp_path / "aides.parquet"
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("zonage")), "export-table", "--profile",
         "liberal-installation", "--date", "2026-11-29", "--situation", "secteur=1",
         "--out", str(out)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Tableau écrit : {out} ({N_COMMUNES} communes, parquet")
    table = pd.read_parquet(out)
    assert len(table) == N_COMMUNES and set(table["situation"]) == {"secteur=1"}
    assert not list(tmp_path.glob(".aides.parquet.*"))  # no temporary file left
