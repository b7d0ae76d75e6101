"""Dated doctor zoning, zone de montagne and the FRR check, on a layer built from the real
mirror with the DataSanté-format fixture table (``data build --zoning-table``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from application import about
from application.cli import main
from geo import assets, settings
from tests.conftest import APP

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "geo" / "tests" / "fixtures" / "datasante" / "zonages_communes.csv"
# Albi is ZAR in the reference version and ZAC in the fixture table from 30/10/2025.
ALBI = "81004"
# Pamiers is ZAC in the reference version and ZIP in the fixture table from 30/10/2025: the
# map's codes of the zoning layer (style.ZONAGE).
PAMIERS = "09225"
ZAC_CODE, ZIP_CODE = "C", "I"


@pytest.fixture(scope="session")
def dated_build(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The layer built once with the fixture table in place of the mirror's extract."""
    out = tmp_path_factory.mktemp("dated") / "build"
    code = main(
        [
            "data",
            "build",
            "--mirror",
            str(mirror_dir),
            "--out",
            str(out),
            "--zoning-table",
            str(TABLE),
        ]
    )
    assert code == 0
    return out


@pytest.fixture
def cli(dated_build: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run a command on the dated build; returns its JSON output."""
    monkeypatch.setattr(settings, "BUILD_DIR", dated_build)

    def run(*args: str) -> dict:
        capsys.readouterr()
        assert main([*args, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    return run


def test_lookup_answers_the_version_in_force_on_the_date(cli) -> None:
    before = cli("lookup", "--insee", ALBI, "--date", "2025-10-29")
    after = cli("lookup", "--insee", ALBI, "--date", "2025-10-30")
    assert (before["zonage_medecins"], before["zonage_medecins_arrete"]) == ("ZAR", "2022-05-04")
    assert (after["zonage_medecins"], after["zonage_medecins_arrete"]) == ("ZAC", "2025-10-30")
    assert after["tvs"]["code"] and not after["date_notes"]
    assert after["date"] == "2025-10-30"


def test_a_commune_the_table_does_not_class_says_so_once(cli) -> None:
    # Toulouse's row has an unknown class: the 2022 class stays, with one note.
    doc = cli("lookup", "--insee", "31555", "--date", "2026-01-15")
    assert doc["zonage_medecins_arrete"] == "2022-05-04" and doc["tvs"] is None
    assert len(doc["date_notes"]) == 1 and "ARS Occitanie" in doc["date_notes"][0]
    assert "CartoSanté" in doc["date_notes"][0]
    aids = cli("aids", "--insee", "31555", "--date", "2026-01-15")
    assert len(aids["place"]["date_notes"]) == 1
    assert not any("30/10/2025" in n for a in aids["aids"] for n in a["notes"])
    assert not cli("lookup", "--insee", "31555", "--date", "2025-06-01")["date_notes"]


def test_aids_follow_the_zoning_of_the_date(cli) -> None:
    def cesp(on: str) -> str:
        doc = cli(
            "aids",
            "--insee",
            ALBI,
            "--profile",
            "etudiant-2e-cycle",
            "--aid",
            "cesp",
            "--all",
            "--date",
            on,
        )
        return doc["aids"][0]["status"]

    assert cesp("2025-06-01") == "non_applicable"
    assert cesp("2025-11-15") == "eligible"


def test_zone_montagne_and_the_ars_contract(cli) -> None:
    doc = cli("lookup", "--insee", "31365")
    assert doc["zone_montagne"] is True and doc["massif"] is None
    aids = cli(
        "aids",
        "--insee",
        "31365",
        "--profile",
        "liberal-installation",
        "--date",
        "2024-03-01",
        "--all",
    )
    ars = next(a for a in aids["aids"] if a["id"] == "contrat-ars-territoires")
    assert ars["status"] in ("eligible", "a_verifier")
    assert "zone_montagne" in ars["vintages"]


def test_build_report_counts(dated_build: Path) -> None:
    report = json.loads((dated_build / "build_report.json").read_text(encoding="utf-8"))
    table = report["zonage_medecins_date"]
    assert table["lignes_par_statut"]["autre_region"] == 4
    assert table["lignes_par_statut"]["code_inconnu"] == 1
    assert table["changements"]["81"] == [
        {"insee": ALBI, "nom": "Albi", "avant": "ZAR", "apres": "ZAC", "depuis": "2025-10-30"}
    ]
    assert len(report["zone_montagne"]["classees_hors_massif"]) == 19
    assert report["frr_controle"]["differences"] == []
    versions = report["zonage_versions"]
    assert [v["fichier"] for v in versions][1] == TABLE.name
    metadata = json.loads((dated_build / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["inputs"][TABLE.name] == versions[1]["sha256"]
    shown = about.zoning_versions(metadata)
    assert [v["En vigueur depuis"] for v in shown] == ["2022-05-04", "2022-05-04, 2025-10-30"]
    markdown = (dated_build / "build_report.md").read_text(encoding="utf-8")
    assert "## Versions du zonage médecins" in markdown and "## Zone de montagne" in markdown


def test_app_uses_the_zoning_of_its_date(dated_build: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ZONAGE_BUILD_DIR", str(dated_build))
    monkeypatch.setattr(settings, "BUILD_DIR", dated_build)

    def page(on: str) -> str:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(insee=ALBI, profil="etudiant-2e-cycle", date=on)
        at.run()
        assert not at.exception
        return "\n".join(str(h.proto.body) for h in at.get("html"))

    assert 'data-aid="cesp"' not in page("2025-06-01")
    assert 'data-aid="cesp"' in page("2025-11-15")


def test_fetch_zoning_table_downloads_the_current_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from geo.tests.fixtures import datagouv_server as datagouv

    with datagouv.serve() as fake:
        monkeypatch.setattr(settings, "DATASANTE_DATASET_URL", fake.dataset_url)
        assert main(["data", "fetch", "--zoning-table", str(tmp_path / "dl")]) == 0
    out = capsys.readouterr().out
    (path,) = (tmp_path / "dl").glob("*.csv")
    assert path.read_bytes() == TABLE.read_bytes() and "--zoning-table" in out


def test_data_diff_lists_the_changes_by_department(cli) -> None:
    doc = cli("data", "diff", "--from", "2025-06-01", "--to", "2025-11-01")
    changes = doc["par_departement"]
    assert sorted(changes) == ["09", "12", "30", "81"]
    assert changes["81"] == [
        {"insee": ALBI, "nom": "Albi", "avant": "ZAR", "apres": "ZAC", "arrete": "2025-10-30"}
    ]
    assert changes["12"][0]["avant"] is None
    assert (
        cli("data", "diff", "--from", "2024-01-01", "--to", "2025-06-01")["par_departement"] == {}
    )


def _zoning_code(data: dict, insee: str) -> str:
    """The map's code of the zoning layer for one commune, in the data ``webmap.js`` draws."""
    zonage = next(spec for spec in data["layers"] if spec["id"] == "zonage")
    return zonage["values"][data["communes"]["insee"].index(insee)]


def test_exported_map_colours_the_zoning_of_its_date(
    dated_build: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(settings, "BUILD_DIR", dated_build)

    def export(on: str) -> dict:
        out = tmp_path / f"ariege-{on}.html"
        argv = ["export-map", "--out", str(out), "--date", on, "--departement", "09"]
        assert main([*argv, "--layers", "zonage", "--no-tiles"]) == 0
        call = out.read_text(encoding="utf-8").rsplit("zonageWebMap(", 1)[-1]
        data, _ = json.JSONDecoder().raw_decode(call, call.index("{"))
        return data

    before, after = export("2025-10-29"), export("2025-10-30")
    assert _zoning_code(before, PAMIERS) == ZAC_CODE
    assert _zoning_code(after, PAMIERS) == ZIP_CODE
    zonage = before["layers"][0]
    assert zonage["title"] == "Zonage médecins en vigueur le 29/10/2025 (ZIP, ZAC, ZAR)"
    assert "DataSanté" not in zonage["source"]
    assert after["layers"][0]["title"].startswith("Zonage médecins en vigueur le 30/10/2025")
    assert "table DataSanté des communes, arrêté du 30/10/2025" in after["layers"][0]["source"]
    assert [zonage["title"], zonage["source"]] in before["title"]["sources"]


def test_app_map_shows_the_zoning_of_the_sidebar_date(
    dated_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONAGE_BUILD_DIR", str(dated_build))
    monkeypatch.setattr(settings, "BUILD_DIR", dated_build)

    def shown(at: AppTest) -> dict:
        """The data of the app's map: the file its frame loads from the static folder."""
        assert not at.exception
        (frame,) = [e for e in at.get("component_instance")]
        path = re.search(r"data/[0-9a-f]+\.json", frame.proto.json_args)
        assert path is not None
        return json.loads((assets.STATIC_DIR / path.group(0)).read_text(encoding="utf-8"))

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(date="2025-06-01")
    at.run()
    assert _zoning_code(shown(at), PAMIERS) == ZAC_CODE
    at.sidebar.date_input(key="date").set_value(dt.date(2025, 11, 15)).run()
    data = shown(at)
    assert _zoning_code(data, PAMIERS) == ZIP_CODE
    assert data["layers"][0]["title"].startswith("Zonage médecins en vigueur le 15/11/2025")
