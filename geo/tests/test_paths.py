"""geo.paths: what ``--out``, ``--dir`` and ``--mirror`` accept, checked before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import integrity, paths
from zonage.errors import DataError, InvalidInput

LONG = "a" * 300


def _legacy_build(folder: Path) -> Path:
    """A layer as the previous version of the project wrote it (no marker, no checksums)."""
    folder.mkdir()
    (folder / "metadata.json").write_text(json.dumps({"format_version": 1}))
    (folder / "communes.parquet").write_bytes(b"PAR1")
    return folder


def test_a_folder_that_is_not_a_build_is_refused_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "a.txt").write_text("keep")
    with pytest.raises(InvalidInput, match="n'est pas une couche construite par le projet"):
        paths.check_build_dir(folder)
    assert (folder / "a.txt").read_text() == "keep"


def test_the_current_folder_is_refused(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput):
        paths.check_build_dir(Path("."))
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(InvalidInput, match="n'est pas une couche"):
        paths.check_build_dir(Path("."))
    with pytest.raises(InvalidInput):
        paths.check_build_dir(Path("/"))


def test_a_file_or_a_path_under_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(InvalidInput, match="n'est pas un dossier de couche"):
        paths.check_build_dir(file)
    with pytest.raises(InvalidInput, match="pas un dossier"):
        paths.check_build_dir(file / "sub")
    assert file.read_text() == "x"


def test_long_names_and_unwritable_places_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="nom trop long.*300 octets"):
        paths.check_build_dir(tmp_path / LONG)
    with pytest.raises(InvalidInput, match="chemin trop long"):
        paths.check_build_dir(tmp_path.joinpath(*["b" * 200] * 25))
    with pytest.raises(InvalidInput, match="impossible d'écrire dans « /proc »"):
        paths.check_build_dir(Path("/proc/x"))
    with pytest.raises(InvalidInput, match="introuvable"):
        paths.check_build_dir(tmp_path / "missing" / "build")


def test_builds_empty_and_absent_folders_are_accepted(tmp_path: Path) -> None:
    assert paths.check_build_dir(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    assert paths.check_build_dir(tmp_path / "empty") == tmp_path / "empty"
    assert paths.is_build_dir(_legacy_build(tmp_path / "legacy"))
    paths.check_build_dir(tmp_path / "legacy")
    marked = tmp_path / "marked"
    marked.mkdir()
    integrity.write_marker(marked)
    (marked / "x").write_text("x")
    paths.check_build_dir(marked)
    # a link is accepted only when it points to a build
    (tmp_path / "link").symlink_to("marked")
    paths.check_build_dir(tmp_path / "link")
    (tmp_path / "other").symlink_to("empty")
    with pytest.raises(InvalidInput):
        paths.check_build_dir(tmp_path / "other")


def test_a_legacy_layer_needs_an_integer_version_and_the_commune_file(tmp_path: Path) -> None:
    folder = _legacy_build(tmp_path / "b")
    (folder / "metadata.json").write_text(json.dumps({"format_version": "1"}))
    assert not paths.is_build_dir(folder)
    (folder / "metadata.json").write_text("[1, 2, 3]")
    assert not paths.is_build_dir(folder)
    (folder / "metadata.json").write_text(json.dumps({"format_version": 1}))
    (folder / "communes.parquet").unlink()
    assert not paths.is_build_dir(folder)


def test_output_file_checks(tmp_path: Path) -> None:
    assert paths.check_output_file(tmp_path / "carte.html") == tmp_path / "carte.html"
    with pytest.raises(InvalidInput, match="est un dossier"):
        paths.check_output_file(tmp_path)
    with pytest.raises(InvalidInput, match="introuvable"):
        paths.check_output_file(tmp_path / "nope" / "carte.html")
    with pytest.raises(InvalidInput, match="nom trop long"):
        paths.check_output_file(tmp_path / f"{LONG}.html")
    with pytest.raises(InvalidInput, match="impossible d'écrire"):
        paths.check_output_file(Path("/proc/x.html"))
    with pytest.raises(InvalidInput, match="pas un fichier ordinaire"):
        paths.check_output_file(Path("/dev/null"))
    assert list(tmp_path.iterdir()) == []  # the write probe leaves nothing


def test_input_folder_checks(tmp_path: Path) -> None:
    assert paths.check_input_dir(tmp_path, "le miroir", "Donnez-le.") == tmp_path
    with pytest.raises(InvalidInput, match="nom trop long"):
        paths.check_input_dir(tmp_path / LONG, "le miroir", "Donnez-le.")
    with pytest.raises(DataError, match="introuvable.*Donnez-le"):
        paths.check_input_dir(tmp_path / "nope", "le miroir", "Donnez-le.")


def test_write_output_names_the_cause_when_refused(tmp_path: Path) -> None:
    """An output the system refuses: one message naming the file and the cause, nothing left."""

    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match="impossible d'écrire"):
        paths.write_output(tmp_path / "fichier" / "table.csv", b"a,b\n")
    paths.write_output(tmp_path / "table.csv", b"a,b\n")
    assert (tmp_path / "table.csv").read_bytes() == b"a,b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fichier", "table.csv"]
