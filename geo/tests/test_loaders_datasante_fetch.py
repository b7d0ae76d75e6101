"""The download of the DataSanté commune table from data.gouv.fr (replayed by a local server:
the network is blocked): the right resource, its origin recorded, nothing written unless the
file is right, and every failure as one line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
from pathlib import Path

import pandas as pd
import pytest
from datasante_sample import TABLE, small_world

from geo.loaders.cog import CodeMapper
from geo.loaders.datasante import load_datasante
from geo.loaders.datasante_fetch import Resource, fetch_commune_table, pick_commune_table
from geo.tests.fixtures import datagouv_server as datagouv
from zonage.errors import DataError, ServiceUnavailable


@pytest.fixture
def world(tmp_path: Path) -> tuple[CodeMapper, pd.DataFrame]:
    return small_world(tmp_path)


NOW = dt.datetime(2026, 8, 1, 7, 30, tzinfo=dt.UTC)


def _fetch(fake, folder: Path, **kwargs):
    return fetch_commune_table(
        folder, fake.dataset_url, retries=2, backoff=0.01, now=lambda: NOW, **kwargs
    )


def test_fetch_picks_the_commune_table_and_records_its_origin(tmp_path: Path, world) -> None:
    mapper, communes = world
    lines: list[str] = []
    with datagouv.serve() as fake:
        got = _fetch(fake, tmp_path / "dl", progress=lines.append)
        assert fake.requests == [datagouv.DATASET_PATH, datagouv.TABLE_PATH]
        table_url = fake.url + datagouv.TABLE_PATH
    assert got.path == tmp_path / "dl" / "datasante_zonages_communes_2026-07-30.csv"
    assert got.path.read_bytes() == TABLE.read_bytes()
    assert sorted(p.name for p in got.path.parent.iterdir()) == [
        "datasante_zonages_communes_2026-07-30.csv",
        "datasante_zonages_communes_2026-07-30.json",
    ]
    meta = json.loads(got.sidecar.read_text(encoding="utf-8"))
    assert meta["ressource"]["url"] == table_url
    assert meta["ressource"]["last_modified"] == "2026-07-30T09:12:44.518000+00:00"
    assert meta["sha256"] == hashlib.sha256(TABLE.read_bytes()).hexdigest() == got.sha256
    assert meta["telecharge_le"] == "2026-08-01T07:30:00+00:00"
    assert meta["taille"] == TABLE.stat().st_size
    assert meta["jeu_de_donnees"].endswith(datagouv.DATASET_PATH)
    assert "« Zonages des professionnels de santé — communes » du 2026-07-30" in lines[0]
    # the downloaded table is the one the loader reads
    assert load_datasante(got.path, mapper, communes).report["lignes_lues"] == 24


def test_the_commune_table_is_told_apart_from_the_others() -> None:
    body = json.loads(datagouv.listing_template().replace("{base}", "https://x"))
    resources = [Resource.from_api(item) for item in body["resources"]]
    picked = pick_commune_table([r for r in resources if r])
    assert picked.url.endswith("/20260730-091244/zonages_com.csv")
    assert picked.checksum_type == "sha1" and picked.filesize == TABLE.stat().st_size
    others = [r for r in resources if r and "zonages_com" not in r.url]
    with pytest.raises(DataError, match="table des communes introuvable.*QPV"):
        pick_commune_table(others)


def _corrupt_table() -> bytes:
    return TABLE.read_bytes().replace(b"2_ZAC", b"1_ZIP", 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"files": _corrupt_table()}, "corrompue : sha1"),
        ({"files": TABLE.read_bytes()[:-10], "drop": ("checksum",)}, "incomplète"),
        (
            {"files": b"<html>maintenance</html>\n", "drop": ("checksum", "filesize")},
            "n'est pas la table des communes.*com_code",
        ),
    ],
)
def test_fetch_writes_nothing_unless_the_file_is_right(
    tmp_path: Path, change: dict, message: str
) -> None:
    fake = datagouv.FakeDataGouv()
    fake.files[datagouv.TABLE_PATH] = change["files"]
    if "drop" in change:
        body = json.loads(fake.listing)
        for key in change["drop"]:
            body["resources"][0].pop(key)
        fake.listing = json.dumps(body)
    folder = tmp_path / "dl"
    with datagouv.serve(fake), pytest.raises(DataError, match=message) as err:
        _fetch(fake, folder)
    assert err.value.exit_code == 4 and "\n" not in str(err.value)
    assert not folder.exists() or not any(folder.iterdir())


def _closed_port() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def _fails(fake, folder: Path, error: type, match: str):
    with datagouv.serve(fake), pytest.raises(error, match=match) as err:
        _fetch(fake, folder)
    assert "\n" not in str(err.value)
    return err.value


def test_fetch_errors_name_the_problem(tmp_path: Path) -> None:
    folder = tmp_path / "dl"
    Fake = datagouv.FakeDataGouv
    # the API keeps failing: service unavailable (exit 5) after the retries
    fake = Fake(script=[503, 503, 503])
    err = _fails(fake, folder, ServiceUnavailable, "data.gouv.fr est injoignable")
    assert err.exit_code == 5 and len(fake.requests) == 3
    # one failure then the answer: retried
    with datagouv.serve(Fake(script=[503])) as fake:
        assert _fetch(fake, folder).path.is_file()
    for p in folder.iterdir():
        p.unlink()
    with pytest.raises(ServiceUnavailable, match="injoignable"):
        fetch_commune_table(folder, _closed_port() + "/api/", retries=0, backoff=0.01)
    # the dataset is gone, or the answer is not a dataset
    err = _fails(Fake(script=[404]), folder, DataError, r"introuvable sur data.gouv.fr \(HTTP 404")
    assert err.exit_code == 4
    _fails(Fake(listing='{"data": []}'), folder, DataError, "pas de liste « resources »")
    # the file itself: gone (4xx) or its host failing (5xx)
    _fails(Fake(file_script=[404]), folder, DataError, r"non téléchargeable \(HTTP 404\)")
    _fails(Fake(file_script=[502]), folder, ServiceUnavailable, "erreur HTTP 502")
    assert not any(folder.iterdir())
    # a folder that cannot be written (a file stands in its way)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    _fails(Fake(), blocker / "dl", DataError, "écriture impossible dans le dossier")
