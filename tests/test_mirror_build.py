"""Integration: the commune layer built from the real mirror (once per session) and its checks."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import shapely

from application.cli import main
from geo import settings
from geo.build import build
from geo.check import run_checks
from geo.layer import load
from geo.manifest import load_manifest
from geo.schema import COMMUNE_COLUMNS
from zonage.errors import DataError

pytestmark = pytest.mark.mirror


def test_one_row_per_current_commune(layers) -> None:
    c = layers.communes
    assert len(c) == 4446 and c["insee"].is_unique
    assert tuple(c.columns) == COMMUNE_COLUMNS
    assert c.crs.to_epsg() == 4326
    assert c.groupby("departement").size().to_dict() == {
        "09": 325,
        "11": 433,
        "12": 285,
        "30": 350,
        "31": 586,
        "32": 458,
        "34": 341,
        "46": 312,
        "48": 152,
        "65": 469,
        "66": 226,
        "81": 314,
        "82": 195,
    }
    assert c.is_valid.all()
    assert c.geom_type.isin(["Polygon", "MultiPolygon"]).all()


def test_attributes_from_cog_2026(layers) -> None:
    c = layers.communes.set_index("insee")
    assert c.loc["09003", "nom"] == "L'Aiguillon"  # article kept (the 2018 polygons lack it)
    assert c.loc["31555", "epci_nom"] == "Toulouse Métropole"
    assert c.loc["31555", "codes_postaux"][:2] == ["31000", "31100"]
    assert c.loc["31555", "population"] > 500_000
    assert c.loc["31555", "departement_nom"] == "Haute-Garonne"
    assert c["epci_code"].notna().all()
    # Conques-en-Rouergue: its 2018 polygon is 12076 (code changed in 2024); déléguées as aliases
    assert c.loc["12218", "anciens_codes"] == ["12076", "12114", "12173"]
    assert {"Conques", "Grand-Vabre", "Noailhac", "Saint-Cyprien-sur-Dourdou"} <= set(
        c.loc["12218", "alias_noms"]
    )
    assert c.loc["09296", "alias_noms"] == ["Aulos", "Sinsat"]
    assert c.loc["09296", "alias_codes"] == ["09028"]


def test_topology_no_gap_no_overlap(layers) -> None:
    metric = layers.communes.geometry.to_crs(settings.METRIC_CRS).values
    region = layers.region.geometry.to_crs(settings.METRIC_CRS).values[0]
    union = shapely.coverage_union_all(metric)
    assert shapely.symmetric_difference(union, region).area / region.area < 0.001
    assert abs(shapely.area(metric).sum() - union.area) / union.area < 1e-6
    assert shapely.coverage_is_valid(layers.communes.geometry.values)


def test_doctor_zoning_covers_every_commune_but_12218(layers) -> None:
    c = layers.communes
    unclassed = sorted(c.loc[c["zonage_medecins"].isna(), "insee"])
    assert unclassed == ["12218"]
    assert set(c["zonage_medecins"].dropna()) == {"ZIP", "ZAC", "ZAR"}
    report = layers.report["zonage_medecins"]
    assert report["lignes_region"] == 4696
    assert report["lignes_region"] + report["lignes_hors_region"] == report["lignes_fichier"]
    assert sum(report["lignes_par_statut"].values()) == report["lignes_region"]
    # the only unmatched row of the region: Laveyrune, a commune of Ardèche with a 48 postal code
    assert [(u["code_postal"], u["nom_commune"]) for u in report["lignes_non_appariees"]] == [
        ("48250", "Laveyrune")
    ]
    routes = {r["insee"]: r["route"] for r in report["communes_hors_nom_actuel"]}
    assert routes["12083"] == "code postal + historique"  # Cransac, renamed in 2025
    assert routes["31522"] == "code postal + historique"  # Salerm -> Salherm
    assert routes["30329"] == "code postal + alias"
    c = c.set_index("insee")
    assert c.loc["12083", "zonage_medecins_route"] == "code postal + historique"
    assert c.loc["31555", "zonage_medecins"] == "ZAR"


def test_massifs_qpv_zrr_frr_priority(layers) -> None:
    c = layers.communes
    assert c["massif"].value_counts().to_dict() == {"Massif central": 1047, "Pyrénées": 1005}
    assert sorted(layers.massifs["massif"]) == ["Massif central", "Pyrénées"]
    q = layers.qpv2015
    assert len(q) == 105 and q.is_valid.all() and q["code_qp"].is_unique
    assert q.crs.to_epsg() == 4326
    idx = c.set_index("insee")
    assert "QP065003" in idx.loc["65417", "qpv2015_codes"]  # Séméac shares a QPV with Tarbes
    assert len(idx.loc["31555", "qpv2024_codes"]) == 12
    assert idx.loc["31555", "qpv2024_codes"][0].startswith("QN031")
    assert c["frr_code"].value_counts().to_dict() == {4: 2787, 0: 930, 5: 555, 1: 173, 2: 1}
    assert idx.loc["30329", "zrr"] == "partiellement_classee"
    assert "30094 Corbès : NC" in idx.loc["30329", "zrr_detail"]
    assert set(c["zrr"]) == {"classee", "non_classee", "partiellement_classee"}
    # Policy facts (the priority departments) are the catalogue's, read on a date: not stored.
    assert "departement_prioritaire" not in c.columns
    assert len(layers.departements) == 13 and len(layers.region) == 1


def test_vintages_sources_and_report_files(layers, built_dir: Path) -> None:
    assert set(layers.vintages) == {
        "communes",
        "zonage_medecins",
        "qpv2015",
        "qpv2024",
        "massif",
        "zrr",
        "frr",
        "zone_montagne",
    }
    assert all(s["origin"] and s["licence"] and s["vintage"] for s in layers.sources)
    meta = json.loads((built_dir / "metadata.json").read_text())
    assert meta["inputs"] == {f.path: f.sha256 for f in load_manifest().files}
    assert meta["crs"] == "EPSG:4326"
    md = (built_dir / "build_report.md").read_text()
    assert "Laveyrune" in md and "Conques-en-Rouergue" in md
    assert (built_dir / "zonage_medecins_lignes.csv").read_text().count("\n") == 4696 + 1
    deps = {d["departement"]: d for d in layers.report["par_departement"]}
    assert sum(d["communes"] for d in deps.values()) == 4446
    assert deps["12"]["sans_zonage"] == 1


def test_history_and_anciens_codes_agree(layers) -> None:
    assert layers.report["communes"]["controle_croise_historique"] == []
    assert layers.report["zrr"]["codes_2017_introuvables"] == []


def test_check_passes_on_the_built_layer(built_dir: Path, capsys: pytest.CaptureFixture) -> None:
    results = run_checks(built_dir)
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    assert main(["data", "check", "--dir", str(built_dir)]) == 0
    out = capsys.readouterr().out
    assert "4446 communes" in out and "Massif central 1047" in out


def test_check_fails_and_names_the_check(built_dir: Path, capsys: pytest.CaptureFixture) -> None:
    expect = dict(load_manifest().expect, communes=4447)
    failed = [r.name for r in run_checks(built_dir, expect) if not r.ok]
    assert failed == ["nombre de communes"]


def test_missing_layer_is_a_data_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(DataError, match="couche communale absente.*zonage data build"):
        load(tmp_path)
    assert main(["data", "check", "--dir", str(tmp_path)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "zonage data build" in err


def test_a_failed_build_leaves_the_previous_layer(
    mirror_dir: Path, built_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # a mirror of links to the real files, one of them corrupt
    mirror = tmp_path / "mirror"
    manifest = load_manifest()
    for f in manifest.files:
        (mirror / f.path).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(mirror_dir / f.path, mirror / f.path)
    corrupt = manifest.one("zonage_medecins").path
    (mirror / corrupt).unlink()
    (mirror / corrupt).write_bytes((mirror_dir / corrupt).read_bytes()[:-10])
    out = tmp_path / "build"  # a previous build
    shutil.copytree(built_dir, out)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir())
    with pytest.raises(DataError, match=f"corrompu : {corrupt}"):
        build(mirror=mirror, out_dir=out, progress=None)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "mirror"]  # no half build
    assert load(out).communes.shape[0] == 4446
    # the command line says it in one line with exit code 4
    (mirror / corrupt).unlink()
    code = main(["data", "build", "--mirror", str(mirror), "--out", str(out)])
    assert code == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("zonage : erreur : fichier source absent : zonage_medecins/")
    assert main(["data", "build", "--mirror", str(tmp_path / "nowhere")]) == 4


def test_build_if_missing_keeps_a_readable_layer(built_dir: Path, capsys) -> None:
    assert main(["data", "build", "--if-missing", "--out", str(built_dir)]) == 0
    assert "rien à faire" in capsys.readouterr().err


def test_fetch_copies_the_mirror_into_a_cache(mirror_dir: Path, tmp_path: Path, capsys) -> None:
    from geo.manifest import verify_sources

    cache = tmp_path / "cache"
    assert main(["data", "fetch", "--mirror", str(mirror_dir), "--cache", str(cache)]) == 0
    assert len(verify_sources(cache).paths) == 31
    err = capsys.readouterr().err
    assert err.count("copié du miroir") == 31


def test_stale_layer_is_rebuilt_by_if_missing(built_dir: Path, tmp_path: Path) -> None:
    from application.cli.data import _up_to_date

    assert _up_to_date(built_dir)
    copy = tmp_path / "build"
    shutil.copytree(built_dir, copy)
    meta = json.loads((copy / "metadata.json").read_text())
    meta["inputs"]["zrr/diffusion-zonages-zrr-cog2021.xls"] = "0" * 64
    (copy / "metadata.json").write_text(json.dumps(meta))
    assert _up_to_date(copy) is None
