"""geo.per_build: one object per build folder and build; rebuilds picked up, errors not kept."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from geo import settings
from geo.per_build import per_build
from geo.schema import METADATA_FILE
from zonage.errors import DataError


def _build(folder: Path, text: str) -> None:
    """A stand-in build: a folder swapped in whole, as ``zonage data build`` does."""
    tmp = folder.with_name(folder.name + ".new")
    tmp.mkdir()
    (tmp / METADATA_FILE).write_text(text)
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(tmp, folder)


@pytest.fixture
def loader() -> tuple[list[Path], object]:
    calls: list[Path] = []

    @per_build
    def read(build_dir: Path) -> str:
        calls.append(build_dir)
        meta = build_dir / METADATA_FILE
        if not meta.is_file():
            raise DataError(f"couche absente ({build_dir}).")
        return meta.read_text()

    return calls, read


def test_computed_once_per_build(loader, tmp_path: Path) -> None:  # noqa: ANN001
    calls, read = loader
    build = tmp_path / "build"
    _build(build, "a")
    assert read(build) == read(str(build)) == "a"
    assert len(calls) == 1
    _build(build, "b")  # rebuilt while the process runs
    assert read(build) == "b"
    assert len(calls) == 2


def test_default_folder_is_the_settings_one(loader, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    calls, read = loader
    _build(tmp_path / "one", "1")
    _build(tmp_path / "two", "2")
    monkeypatch.setattr(settings, "BUILD_DIR", tmp_path / "one")
    assert read() == "1"
    monkeypatch.setattr(settings, "BUILD_DIR", tmp_path / "two")
    assert read() == "2"


def test_errors_are_not_kept(loader, tmp_path: Path) -> None:  # noqa: ANN001
    calls, read = loader
    build = tmp_path / "build"
    with pytest.raises(DataError):
        read(build)
    _build(build, "a")
    assert read(build) == "a"


def test_a_switched_build_is_seen_and_only_the_current_one_kept(tmp_path: Path) -> None:
    from geo import atomic

    made: list[Path] = []

    @per_build
    def read(build_dir: Path) -> str:
        made.append(build_dir)
        return (build_dir / METADATA_FILE).read_text()

    link = tmp_path / "build"
    for text in ("a", "b", "c"):
        version = atomic.new_version(link)
        (version / METADATA_FILE).write_text(text)
        atomic.switch(link, version)
        assert read(link) == read(link) == text
        assert made[-1] == version.resolve()  # computed from the folder the link points to
    assert len(made) == 3
    # one entry per folder asked for: a server rebuilt many times does not pile up old builds
    (cache,) = [
        c.cell_contents for c in read.__closure__ or () if isinstance(c.cell_contents, dict)
    ]
    assert list(cache) == [link]
    # asked by version folder (as the web layer asks for the loaded layer): dropped once removed
    old = made[-1]
    assert read(old) == "c"
    version = atomic.new_version(link)
    (version / METADATA_FILE).write_text("d")
    atomic.switch(link, version)
    shutil.rmtree(old)  # the next build removes the one before
    assert read(version.resolve()) == "d"
    assert sorted(cache) == sorted([link, version.resolve()])


def test_concurrent_callers_share_one_computation(tmp_path: Path) -> None:
    build = tmp_path / "build"
    _build(build, "a")
    calls = []

    @per_build
    def slow(build_dir: Path) -> object:
        calls.append(1)
        threading.Event().wait(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(slow(build))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1
