"""Integration: ``zonage data build`` never loses data, never leaves a half build, and every
reader refuses a layer whose files no longer match their checksums (real mirror)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely

from application.cli import main
from geo import integrity, settings
from geo.build import build
from geo.layer import load
from zonage.errors import DataError

pytestmark = pytest.mark.mirror

ROOT = Path(__file__).resolve().parent.parent
LONG = "a" * 300


def _one_error_line(capsys: pytest.CaptureFixture) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# --- paths given to --out are checked before any work -------------------------------------


def test_out_on_a_folder_that_is_not_a_build_keeps_it(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "v"
    folder.mkdir()
    (folder / "a.txt").write_text("keep")
    assert main(["data", "build", "--out", str(folder)]) == 2
    assert "n'est pas une couche construite par le projet" in _one_error_line(capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["v"]
    assert (folder / "a.txt").read_text() == "keep"


def test_out_dot_in_a_working_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "notes.txt").write_text("keep")
    monkeypatch.chdir(tmp_path)
    assert main(["data", "build", "--out", "."]) == 2
    _one_error_line(capsys)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("file", "n'est pas un dossier de couche"),
        ("file/sub", "n'est pas un dossier"),
        (LONG, "nom trop long"),
        ("/proc/x", "impossible d'écrire dans « /proc »"),
    ],
)
def test_out_bad_paths_are_exit_2_before_any_work(
    tmp_path: Path, capsys, out: str, message: str
) -> None:
    (tmp_path / "file").write_text("keep")
    assert main(["data", "build", "--out", str(tmp_path / out)]) == 2
    assert message in _one_error_line(capsys)  # one line: no source was even looked at
    assert (tmp_path / "file").read_text() == "keep"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_long_dir_and_mirror_names(tmp_path: Path, capsys) -> None:
    for argv in (
        ["data", "check", "--dir", str(tmp_path / LONG)],
        ["data", "build", "--mirror", str(tmp_path / LONG), "--out", str(tmp_path / "b")],
        ["data", "fetch", "--mirror", str(tmp_path / LONG)],
    ):
        assert main(argv) == 2, argv
        assert "nom trop long" in _one_error_line(capsys)


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (f"{LONG}.html", "nom trop long"),
        ("/proc/x.html", "impossible d'écrire"),
        (".", "est un dossier"),
        ("nope/carte.html", "introuvable"),
    ],
)
def test_export_map_out_is_checked_before_any_work(
    tmp_path: Path, monkeypatch, capsys, out: str, message: str
) -> None:
    monkeypatch.setattr(settings, "BUILD_DIR", tmp_path / "no-build")  # not even loaded
    monkeypatch.chdir(tmp_path)
    assert main(["export-map", "--out", out]) == 2
    assert message in _one_error_line(capsys)


# --- killed builds, write errors ------------------------------------------------------------

_KILLED_BUILD = """
import os, signal, sys
from geo.build import build

def progress(line):
    if sys.argv[3] in line:
        os.kill(os.getpid(), signal.SIGKILL)

build(mirror=sys.argv[1], out_dir=sys.argv[2], progress=progress)
"""


def _legacy_copy(built_dir: Path, folder: Path) -> Path:
    """The layer as the previous version of the project left it: a plain folder, no checksums."""
    shutil.copytree(built_dir, folder)
    (folder / integrity.MARKER_FILE).unlink()
    meta = json.loads((folder / "metadata.json").read_text())
    del meta["files"]
    (folder / "metadata.json").write_text(json.dumps(meta))
    return folder


def _stamp(out: Path) -> str:
    return integrity.read_marker(out.resolve())["metadata_sha256"]


def _copy_build(built_dir: Path, folder: Path) -> Path:
    """A copy of the session build laid out as ``build`` leaves it (a link named like
    ``built_dir`` to its version folder beside it), without building again."""
    version = built_dir.resolve()
    shutil.copytree(version, folder / version.name)
    out = folder / built_dir.name
    out.symlink_to(version.name)
    return out


def test_killed_builds_leave_the_previous_one_and_are_cleaned_next_time(
    mirror_dir: Path, built_dir: Path, tmp_path: Path
) -> None:
    out = _legacy_copy(built_dir, tmp_path / "build")
    with pytest.raises(DataError, match="sans sommes de contrôle"):
        load(out)
    build(mirror=mirror_dir, out_dir=out, progress=None)  # upgraded in place
    assert out.is_symlink() and load(out).communes.shape[0] == 4446
    previous = _stamp(out)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    points = ("vérification des", "écriture de la couche", "sommes de contrôle et bascule")
    for point in points:
        proc = subprocess.run(
            [sys.executable, "-c", _KILLED_BUILD, str(mirror_dir), str(out), point],
            env=env,
            capture_output=True,
            check=False,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        assert _stamp(out) == previous  # the next load still gets the previous build
        assert load(out).communes.shape[0] == 4446
        # the current build and what the killed one left (the one before was cleaned by it)
        assert len([p for p in tmp_path.iterdir() if p.name.startswith(".build-")]) == 2

    build(mirror=mirror_dir, out_dir=out, progress=None)
    assert _stamp(out) != previous
    names = {p.name for p in tmp_path.iterdir()}
    current = out.resolve().name
    # the link, the new build and the one it replaced (kept for readers until the next build)
    assert len(names) == 3 and {"build", current} < names
    assert load(out).communes.shape[0] == 4446


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_a_file_size_limit_during_the_build_is_one_line_and_keeps_the_layer(
    mirror_dir: Path, built_dir: Path, tmp_path: Path
) -> None:
    out = _copy_build(built_dir, tmp_path)
    before = _stamp(out)
    proc = subprocess.run(
        [sys.executable, "-m", "application", "data", "build", "--mirror", str(mirror_dir)]
        + ["--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_limit_file_size,  # noqa: PLW1509 - the limit is the point of the test
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 4
    last = proc.stderr.strip().splitlines()[-1]
    assert "taille de fichier maximale atteinte" in last
    assert "la couche précédente est inchangée" in last and "Traceback" not in proc.stderr
    assert _stamp(out) == before and load(out).communes.shape[0] == 4446
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}-")]) == 1


# --- checksums ------------------------------------------------------------------------------


def _flip(path: Path) -> bytes:
    data = path.read_bytes()
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x01
    _replace(path, bytes(damaged))
    return data


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_one_flipped_byte_in_any_built_file_is_exit_4(
    built_dir: Path, tmp_path: Path, capsys
) -> None:
    copy = tmp_path / "build"
    shutil.copytree(built_dir, copy)
    names = [*json.loads((copy / "metadata.json").read_text())["files"], "metadata.json"]
    assert len(names) == 9
    for name in names:
        data = _flip(copy / name)
        message = (
            f"couche corrompue : {name} ne correspond plus à sa somme de contrôle ; "
            "relancez `zonage data build`."
        )
        with pytest.raises(DataError) as err:
            load(copy)
        assert str(err.value) == message
        assert main(["data", "check", "--dir", str(copy)]) == 4
        assert message in _one_error_line(capsys)
        _replace(copy / name, data)
    assert load(copy).communes.shape[0] == 4446


def test_metadata_that_is_a_list_is_exit_4(built_dir: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / "build"
    shutil.copytree(built_dir, copy)
    (copy / "metadata.json").write_text("[1, 2, 3]")
    assert main(["data", "check", "--dir", str(copy)]) == 4
    assert "couche corrompue : metadata.json" in _one_error_line(capsys)


def _plant_geometry(copy: Path, row: int, wkb: bytes) -> str:
    """Put ``wkb`` as the geometry of ``row`` of the commune layer, then seal the copy."""
    path = copy / "communes.parquet"
    table = pq.read_table(path)
    column = table.schema.get_field_index("geometry")
    geoms = table["geometry"].to_pylist()
    geoms[row] = wkb
    table = table.set_column(column, table.schema.field(column), pa.array(geoms, pa.binary()))
    pq.write_table(table, path)
    integrity.seal(copy)
    return table["insee"][row].as_py()


def test_damaged_geometry_is_listed_by_check_without_traceback(
    built_dir: Path, tmp_path: Path, capsys
) -> None:
    copy = tmp_path / "build"
    shutil.copytree(built_dir, copy)
    truncated = pq.read_table(copy / "communes.parquet")["geometry"][3].as_py()[:21]
    insee = _plant_geometry(copy, 3, truncated)
    with pytest.raises(DataError, match=f"géométrie\\(s\\) illisible\\(s\\).*{insee}"):
        load(copy)
    assert main(["data", "check", "--dir", str(copy)]) == 4
    out = capsys.readouterr()
    assert "ÉCHEC géométries valides" in out.out and insee in out.out
    assert "Traceback" not in out.err and out.err.count("\n") == 1

    bowtie = shapely.to_wkb(shapely.from_wkt("POLYGON ((1 43, 2 44, 2 43, 1 44, 1 43))"))
    insee = _plant_geometry(copy, 5, bowtie)  # decodes, but makes GEOS raise in the checks
    assert main(["data", "check", "--dir", str(copy)]) == 4
    out = capsys.readouterr()
    assert insee in out.out and "contrôle impossible : GEOSException" in out.out
    assert "Traceback" not in out.err and out.err.count("\n") == 1


def test_export_map_blames_the_corrupt_layer(
    built_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    copy = tmp_path / "build"
    shutil.copytree(built_dir, copy)
    _flip(copy / "communes.parquet")
    monkeypatch.setattr(settings, "BUILD_DIR", copy)
    assert main(["export-map", "--out", str(tmp_path / "carte.html")]) == 4
    assert "couche corrompue : communes.parquet" in _one_error_line(capsys)
    assert not (tmp_path / "carte.html").exists()


def test_verification_cost_on_the_real_layer(built_dir: Path) -> None:
    """Not a timed test: prints what checking the checksums adds to one load (``-s``)."""
    import time

    integrity.forget()
    start = time.perf_counter()
    integrity.verify(built_dir.resolve())
    cold = time.perf_counter() - start
    start = time.perf_counter()
    integrity.verify(built_dir.resolve())
    warm = time.perf_counter() - start
    start = time.perf_counter()
    load(built_dir)
    whole = time.perf_counter() - start
    size = sum(p.stat().st_size for p in built_dir.resolve().iterdir() if p.is_file())
    print(
        f"\nchecksums of {size / 1e6:.1f} MB: cold {cold * 1e3:.1f} ms, warm {warm * 1e3:.2f} ms;"
        f" one whole load (warm checksums) {whole * 1e3:.0f} ms"
    )
