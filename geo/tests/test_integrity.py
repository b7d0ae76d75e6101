"""geo.integrity: every file of a build sealed in its metadata, verified by every reader."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from geo import integrity
from zonage.errors import DataError


@pytest.fixture
def sealed(tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    folder.mkdir()
    (folder / "metadata.json").write_text(json.dumps({"format_version": 1}))
    (folder / "communes.parquet").write_bytes(bytes(range(256)) * 64)
    (folder / "build_report.md").write_text("# rapport\n")
    integrity.seal(folder)
    return folder


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at % len(data)] ^= 0x01
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(bytes(data))
    os.replace(tmp, path)  # a new file: a new inode, whatever the clock's resolution


def test_seal_records_every_file_and_the_marker_seals_the_metadata(sealed: Path) -> None:
    meta = json.loads((sealed / "metadata.json").read_text())
    assert set(meta["files"]) == {"communes.parquet", "build_report.md"}
    assert meta["files"]["communes.parquet"]["size"] == 256 * 64
    assert meta["format_version"] == 1  # the rest is kept
    marker = integrity.read_marker(sealed)
    assert marker is not None and marker["metadata_sha256"]
    integrity.verify(sealed)


@pytest.mark.parametrize("name", ["communes.parquet", "build_report.md", "metadata.json"])
def test_one_flipped_byte_in_any_file_is_caught(sealed: Path, name: str) -> None:
    integrity.verify(sealed)  # digests kept in this process: the change must still be seen
    _flip(sealed / name, 1000)
    with pytest.raises(DataError) as err:
        integrity.verify(sealed)
    assert str(err.value) == (
        f"couche corrompue : {name} ne correspond plus à sa somme de contrôle ; "
        "relancez `zonage data build`."
    )


def test_metadata_that_is_not_an_object_is_a_data_error(sealed: Path) -> None:
    (sealed / "metadata.json").write_text("[1, 2, 3]")
    with pytest.raises(DataError, match="metadata.json ne correspond plus"):
        integrity.verify(sealed)
    with pytest.raises(DataError, match="illisibles"):
        integrity.read_metadata(sealed)
    integrity.write_marker(sealed, "0" * 64)  # even with a marker that agrees on nothing
    with pytest.raises(DataError):
        integrity.seal(sealed)


def test_missing_file_marker_or_checksums(sealed: Path) -> None:
    (sealed / "build_report.md").unlink()
    with pytest.raises(DataError, match="couche incomplète : build_report.md absent"):
        integrity.verify(sealed)
    (sealed / integrity.MARKER_FILE).unlink()
    with pytest.raises(DataError, match="sans sommes de contrôle"):
        integrity.verify(sealed)


def test_a_name_out_of_the_folder_is_refused(sealed: Path) -> None:
    meta = json.loads((sealed / "metadata.json").read_text())
    meta["files"]["../escape"] = {"sha256": "0" * 64, "size": 0}
    (sealed / "metadata.json").write_text(json.dumps(meta))
    integrity.write_marker(sealed, integrity.file_sha256(sealed / "metadata.json"))
    with pytest.raises(DataError, match="liste des fichiers illisible"):
        integrity.verify(sealed)


def test_digests_are_computed_once_per_file_version(sealed: Path) -> None:
    integrity.forget()
    integrity.verify(sealed)
    kept = dict(integrity._digests)
    assert len(kept) == 3  # metadata and the two files
    integrity.verify(sealed)
    assert integrity._digests == kept
    (sealed / "extra.csv").write_text("a\n")  # a new file, sealed again
    integrity.seal(sealed)
    integrity.verify(sealed)
    assert len(integrity._digests) > len(kept)
