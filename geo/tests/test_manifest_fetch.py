"""Source manifest, checksum verification, fetching from a mirror or from origins served by a
local HTTP server (the network is blocked in tests), and atomic writes."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import os
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest

from geo import atomic, settings
from geo.fetch import derive_frr_csv, dump_rows, fetch, npm_tarball_url, select_rows
from geo.manifest import Manifest, check_file, load_manifest, verify_sources
from zonage.errors import DataError

LAYER_KEYS = {
    "communes",
    "zonage_medecins",
    "qpv2015",
    "qpv2024",
    "massif",
    "zrr",
    "frr",
    "zone_montagne",
}
ROLES = {
    "communes_2018",
    "departements_2018",
    "region_2018",
    "cog2026_communes",
    "cog2026_epci",
    "cog2026_departements",
    "cog2022_communes",
    "cog_history",
    "codes_postaux",
    "zonage_medecins",
    "qpv2015",
    "qpv2024",
    "massifs_communes",
    "massifs_polygones",
    "zrr",
    "frr",
    "datasante_extrait",
    "zone_montagne",
    "frr_labels",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


DATASET = """
[datasets.d]
title = "Jeu de test"
licence = "Licence Ouverte"
vintage = "2026"
landing_page = "https://example.org/"
"""


def file_entry(path: str, origin: str, data: bytes, role: str = "r", **extra: str) -> str:
    lines = [
        "[[files]]",
        f'path = "{path}"',
        f'role = "{role}"',
        'dataset = "d"',
        f'origin = "{origin}"',
        f'sha256 = "{sha(data)}"',
    ]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def write_manifest(tmp_path: Path, *entries: str, name: str = "manifest.toml") -> Path:
    path = tmp_path / name
    path.write_text(DATASET + "\n".join(entries), encoding="utf-8")
    return path


# --- the real manifest ----------------------------------------------------------------------


def test_project_manifest_lists_every_source_with_its_metadata() -> None:
    manifest = load_manifest()
    assert len(manifest.files) == 31
    assert {f.role for f in manifest.files} == ROLES
    assert len(manifest.by_role("communes_2018")) == 13
    assert set(manifest.vintages()) == LAYER_KEYS
    for f in manifest.files:
        assert f.title and f.licence and f.vintage and f.landing_page.startswith("https://")
        assert f.origin.startswith(("https://raw.githubusercontent.com/", "npm:"))
        if f.origin.startswith("https://"):
            commit = f.origin.split("/")[5]
            assert len(commit) == 40, f"{f.path}: origin not pinned to a commit"
    frr = manifest.one("frr")
    assert frr.derive == "frr-csv" and "dérivé" in frr.origin_text()
    npm = manifest.one("cog2026_communes")
    assert npm.npm == ("@etalab/decoupage-administratif", "6.0.0")
    assert "lignes d'Occitanie" in npm.origin_text()
    assert set(manifest.expect["zonage_medecins_exceptions"]) == {"12218"}


@pytest.mark.mirror
def test_every_checksum_of_the_mirror_verifies(mirror_dir: Path) -> None:
    lines: list[str] = []
    sources = verify_sources(mirror_dir, progress=lines.append)
    assert len(sources.paths) == 31 and len(lines) == 31
    assert sources.path("zrr").name == "diffusion-zonages-zrr-cog2021.xls"


def test_invalid_manifests_are_rejected(tmp_path: Path) -> None:
    good = file_entry("a.csv", "https://example.org/a.csv", b"a")
    cases = {
        "sans champ sha256": good.replace(f'sha256 = "{sha(b"a")}"\n', ""),
        "sha256 mal formé": good.replace(sha(b"a"), "abc"),
        "jeu de données inconnu": good.replace('dataset = "d"', 'dataset = "x"'),
        "chemin non relatif": good.replace('path = "a.csv"', 'path = "../a.csv"'),
        "champ inconnu": good + 'colour = "red"\n',
        "origine npm sans « member »": good.replace("https://example.org/a.csv", "npm:pkg@1.0.0"),
    }
    for i, (message, text) in enumerate(cases.items()):
        with pytest.raises(DataError, match=message):
            load_manifest(write_manifest(tmp_path, text, name=f"m{i}.toml"))
    with pytest.raises(DataError, match="fichier en double"):
        load_manifest(write_manifest(tmp_path, good, good, name="dup.toml"))
    (tmp_path / "broken.toml").write_text("[[files]\n", encoding="utf-8")
    with pytest.raises(DataError, match="manifeste des sources invalide"):
        load_manifest(tmp_path / "broken.toml")
    with pytest.raises(DataError, match="manifeste des sources absent"):
        load_manifest(tmp_path / "none.toml")


def test_missing_and_corrupt_files_are_named(tmp_path: Path) -> None:
    manifest = load_manifest(
        write_manifest(tmp_path, file_entry("sub/a.csv", "https://example.org/a.csv", b"abc"))
    )
    root = tmp_path / "mirror"
    with pytest.raises(DataError, match=r"fichier source absent : sub/a.csv") as err:
        verify_sources(root, manifest)
    assert "zonage data fetch" in str(err.value)
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.csv").write_bytes(b"abd")
    with pytest.raises(DataError, match=r"fichier source corrompu : sub/a.csv \(sha256"):
        check_file(manifest.files[0], root)
    (root / "sub" / "a.csv").write_bytes(b"abc")
    assert check_file(manifest.files[0], root) == root / "sub" / "a.csv"


# --- fetching from a mirror --------------------------------------------------------------------


def test_fetch_copies_from_the_mirror_then_reuses_the_cache(tmp_path: Path) -> None:
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    (mirror / "x").mkdir(parents=True)
    (mirror / "x" / "a.csv").write_bytes(b"a,b\n1,2\n")
    manifest = load_manifest(
        write_manifest(tmp_path, file_entry("x/a.csv", "https://example.org/a.csv", b"a,b\n1,2\n"))
    )
    lines: list[str] = []
    fetch(mirror=mirror, cache=cache, manifest=manifest, progress=lines.append)
    assert (cache / "x" / "a.csv").read_bytes() == b"a,b\n1,2\n"
    assert "copié du miroir : x/a.csv" in lines[0]
    lines.clear()
    fetch(mirror=mirror, cache=cache, manifest=manifest, progress=lines.append)
    assert "déjà en cache : x/a.csv" in lines[0]
    # a corrupt mirror copy is refused, naming the file
    (cache / "x" / "a.csv").unlink()
    (mirror / "x" / "a.csv").write_bytes(b"tampered")
    with pytest.raises(DataError, match="corrompu : x/a.csv"):
        fetch(mirror=mirror, cache=cache, manifest=manifest, progress=None)
    assert not (cache / "x" / "a.csv").exists()


# --- downloading from origins (local HTTP server) ----------------------------------------------


@pytest.fixture
def server(tmp_path: Path):
    """An HTTP server on 127.0.0.1 serving ``tmp_path / "www"``; yields (root folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _tarball(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


COMMUNES: list[dict[str, Any]] = [
    {
        "code": "09001",
        "nom": "L'Aiguillon",
        "type": "commune-actuelle",
        "departement": "09",
        "population": 372,
    },
    {"code": "09003", "nom": "Vieux", "type": "commune-deleguee", "departement": "09"},
    {
        "code": "75056",
        "nom": "Paris",
        "type": "commune-actuelle",
        "departement": "75",
        "population": 2100000,
    },
    {
        "code": "31555",
        "nom": "Toulouse",
        "type": "commune-actuelle",
        "departement": "31",
        "population": 514819,
    },
]
EPCI = [
    {"code": "1", "nom": "CC A", "membres": [{"code": "09001"}, {"code": "11001"}]},
    {"code": "2", "nom": "Métropole du Grand Paris", "membres": [{"code": "75056"}]},
]


#: The npm package the COG tables come from.
PACKAGE = "@etalab/decoupage-administratif"
#: The upstream FRR JSON (national groups of codes).
FRR_UPSTREAM = {"communes": {"0": "75056", "4": "09001 01001", "5": "31555"}}


def _publish_origins(www: Path, base: str) -> None:
    """Serve a raw file at a pinned URL, an npm package tarball and the upstream FRR JSON."""
    (www / "raw").mkdir()
    (www / "raw" / "history.csv").write_bytes(b"MOD,DATE_EFF\n10,2020-01-01\n")
    # an npm package tarball, filtered to the region's rows on download
    tarball = _tarball(
        {
            "package/data/communes.json": json.dumps(COMMUNES).encode(),
            "package/data/epci.json": json.dumps(EPCI).encode(),
        }
    )
    url = npm_tarball_url(PACKAGE, "6.0.0")
    assert url == f"{base}/{PACKAGE}/-/decoupage-administratif-6.0.0.tgz"
    target = www / "@etalab" / "decoupage-administratif" / "-"
    target.mkdir(parents=True)
    (target / "decoupage-administratif-6.0.0.tgz").write_bytes(tarball)
    (www / "raw" / "frr.json").write_text(json.dumps(FRR_UPSTREAM), encoding="utf-8")


def _recipe_manifest(
    tmp_path: Path, base: str, communes_bytes: bytes, epci_bytes: bytes, frr_bytes: bytes
) -> Manifest:
    """A manifest of the four files: raw, two npm members (subsets) and a derived file."""
    return load_manifest(
        write_manifest(
            tmp_path,
            file_entry(
                "frr.csv",
                f"{base}/raw/frr.json",
                frr_bytes,
                derive='"frr-csv"',
                derive_from='["cog/communes.json"]',
                derive_labels='{ "0" = "Non classée", "4" = "FRR socle", "5" = "FRR+" }',
            ),
            file_entry(
                "hist/history.csv", f"{base}/raw/history.csv", b"MOD,DATE_EFF\n10,2020-01-01\n"
            ),
            file_entry(
                "cog/communes.json",
                f"npm:{PACKAGE}@6.0.0",
                communes_bytes,
                member='"package/data/communes.json"',
                subset='{ field = "departement" }',
            ),
            file_entry(
                "cog/epci.json",
                f"npm:{PACKAGE}@6.0.0",
                epci_bytes,
                member='"package/data/epci.json"',
                subset='{ members_of = "package/data/communes.json" }',
            ),
        )
    )


def test_download_from_raw_url_npm_tarball_and_derived_recipe(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    www, base = server
    monkeypatch.setattr(settings, "NPM_REGISTRY_URL", base)
    _publish_origins(www, base)
    region_communes = [COMMUNES[0], COMMUNES[1], COMMUNES[3]]
    communes_bytes = dump_rows(region_communes)
    epci_bytes = dump_rows([EPCI[0]])
    labels = {"0": "Non classée", "4": "FRR socle", "5": "FRR+"}
    frr_bytes = derive_frr_csv(json.dumps(FRR_UPSTREAM).encode(), communes_bytes, labels)
    assert frr_bytes.decode().splitlines() == [
        "code_insee,nom,departement,codefrr,classement_frr_libelle_infere,population",
        "09001,L'Aiguillon,09,4,FRR socle,372.0",
        "31555,Toulouse,31,5,FRR+,514819.0",
    ]
    manifest = _recipe_manifest(tmp_path, base, communes_bytes, epci_bytes, frr_bytes)
    cache = tmp_path / "cache"
    lines: list[str] = []
    fetch(cache=cache, manifest=manifest, progress=lines.append)
    assert (cache / "hist" / "history.csv").read_bytes() == b"MOD,DATE_EFF\n10,2020-01-01\n"
    assert json.loads((cache / "cog" / "communes.json").read_bytes()) == region_communes
    assert json.loads((cache / "cog" / "epci.json").read_bytes()) == [EPCI[0]]
    assert (cache / "frr.csv").read_bytes() == frr_bytes
    assert sum("téléchargement" in line for line in lines) == 4
    assert lines[-2].endswith("frr.csv ← " + manifest.file("frr.csv").origin_text())

    # a changed origin fails the checksum, naming the file; the cache keeps no bad copy
    (www / "raw" / "history.csv").write_bytes(b"changed upstream\n")
    (cache / "hist" / "history.csv").unlink()
    with pytest.raises(DataError, match="téléchargé corrompu : hist/history.csv"):
        fetch(cache=cache, manifest=manifest, progress=None)
    assert not (cache / "hist" / "history.csv").exists()


def test_download_errors_are_one_line(tmp_path: Path, server) -> None:
    _www, base = server
    manifest = load_manifest(
        write_manifest(tmp_path, file_entry("a.csv", f"{base}/missing.csv", b"a"))
    )
    with pytest.raises(DataError, match="téléchargement impossible : .*missing.csv") as err:
        fetch(cache=tmp_path / "cache", manifest=manifest, progress=None)
    assert "--mirror" in str(err.value) and "\n" not in str(err.value)


# --- subsets and derived files reproduce the mirror byte for byte -------------------------------


@pytest.mark.mirror
def test_subset_rules_reproduce_the_mirror_files(mirror_dir: Path) -> None:
    manifest = load_manifest()
    for role in ("cog2026_communes", "cog2022_communes", "cog2026_departements", "codes_postaux"):
        source = manifest.one(role)
        data = (mirror_dir / source.path).read_bytes()
        assert source.subset is not None
        assert dump_rows(select_rows(json.loads(data), source.subset, lambda m: b"")) == data
    epci = manifest.one("cog2026_epci")
    communes = (mirror_dir / manifest.one("cog2026_communes").path).read_bytes()
    data = (mirror_dir / epci.path).read_bytes()
    assert epci.subset is not None
    assert dump_rows(select_rows(json.loads(data), epci.subset, lambda m: communes)) == data


@pytest.mark.mirror
def test_frr_recipe_rebuilds_the_mirror_csv(mirror_dir: Path) -> None:
    import csv

    manifest = load_manifest()
    frr = manifest.one("frr")
    data = (mirror_dir / frr.path).read_bytes()
    groups: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(data.decode())):
        groups.setdefault(row["codefrr"], []).append(row["code_insee"])
    groups["0"].insert(0, "01001")  # the upstream file is national
    upstream = json.dumps({"communes": {k: " ".join(v) for k, v in groups.items()}}).encode()
    cog = (mirror_dir / frr.derive_from[0]).read_bytes()
    assert derive_frr_csv(upstream, cog, frr.derive_labels) == data


# --- atomic writes ------------------------------------------------------------------------------


def test_replace_dir_swaps_only_a_complete_folder(tmp_path: Path) -> None:
    target = tmp_path / "build"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic.replace_dir(target) as tmp:
        (tmp / "half.txt").write_text("half")
        raise RuntimeError("build failed")
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["build"]  # no temporary folder left
    with atomic.replace_dir(target) as tmp:
        (tmp / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["build"]


def test_write_bytes_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "d" / "f.bin"
    atomic.write_bytes(path, b"1")
    atomic.write_text(path, "2")
    assert path.read_text() == "2"
    assert [p.name for p in path.parent.iterdir()] == ["f.bin"]
    # The mode open() would give (not private like the temporary file it was written to).
    umask = os.umask(0o022)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_prepare_sources_picks_a_complete_folder_or_fetches(
    tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo.fetch import prepare_sources

    www, base = server
    (www / "b.csv").write_bytes(b"b")
    manifest = load_manifest(
        write_manifest(
            tmp_path,
            file_entry("a.csv", f"{base}/a.csv", b"a"),
            file_entry("b.csv", f"{base}/b.csv", b"b"),
        )
    )
    mirror, cache = tmp_path / "mirror", tmp_path / "cache"
    mirror.mkdir()
    (mirror / "a.csv").write_bytes(b"a")
    monkeypatch.setattr(settings, "MIRROR_DIR", mirror)
    monkeypatch.setattr(settings, "CACHE_DIR", cache)
    explicit = tmp_path / "elsewhere"
    assert prepare_sources(explicit, manifest, progress=None) == explicit
    # the mirror lacks b.csv: a.csv is copied from it, b.csv downloaded from its origin
    lines: list[str] = []
    assert prepare_sources(None, manifest, progress=lines.append) == cache
    assert "copié du miroir : a.csv" in lines[0] and "téléchargement : b.csv" in lines[1]
    assert (cache / "b.csv").read_bytes() == b"b"
    # now the cache is complete: no more fetching
    assert prepare_sources(None, manifest, progress=lines.append) == cache
    assert len(lines) == 3
    (mirror / "b.csv").write_bytes(b"b")
    assert prepare_sources(None, manifest, progress=None) == mirror
