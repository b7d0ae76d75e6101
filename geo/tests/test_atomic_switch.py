"""geo.atomic: a build folder is a link switched to a complete version in one step, and the
leftovers of killed builds are cleaned by the next one, never anything else."""

from __future__ import annotations

import json
from pathlib import Path

from geo import atomic, integrity
from geo.build_files import clean_leftovers


def _version(target: Path, text: str) -> Path:
    folder = atomic.new_version(target)
    (folder / "metadata.json").write_text(json.dumps({"format_version": 1, "text": text}))
    (folder / "communes.parquet").write_text(text)
    integrity.seal(folder)
    return folder


def test_the_link_is_switched_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "build"
    one = _version(target, "1")
    assert atomic.version_pattern(target).fullmatch(one.name)
    assert atomic.switch(target, one) is None
    assert target.is_symlink() and (target / "communes.parquet").read_text() == "1"
    reader = target.resolve()  # a reader resolves the link once and reads one build
    two = _version(target, "2")
    atomic.switch(target, two)
    assert (target / "communes.parquet").read_text() == "2"
    assert (reader / "communes.parquet").read_text() == "1"  # still complete for that reader
    assert atomic.current_version(target) == two.resolve()
    assert not [p for p in tmp_path.iterdir() if ".link-" in p.name]


def test_a_folder_of_the_earlier_format_is_exchanged_for_the_link(tmp_path: Path) -> None:
    target = tmp_path / "build"
    target.mkdir()
    (target / "communes.parquet").write_text("old")
    new = _version(target, "new")
    old = atomic.switch(target, new)
    assert target.is_symlink() and (target / "communes.parquet").read_text() == "new"
    assert old is not None and (old / "communes.parquet").read_text() == "old"


def test_leftovers_are_cleaned_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "build"
    previous = _version(target, "previous")
    current = _version(target, "current")
    atomic.switch(target, current)
    killed = atomic.new_version(target)  # a build killed after writing its marker
    integrity.write_marker(killed)
    (killed / "communes.parquet").write_text("half")
    empty = atomic.new_version(target)  # killed before its marker
    (tmp_path / ".build.link-0a1b2c3d").symlink_to(current.name)  # killed before the switch
    (tmp_path / ".build.new-abcd1234").mkdir()  # the earlier two-rename swap
    (tmp_path / ".build.old-abcd1234").mkdir()
    mine = tmp_path / ".build-20260101T000000-abcdefgh"  # same pattern, not a build: kept
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    other = tmp_path / ".cache-20260101T000000-abcdefgh"  # another name's folder: kept
    other.mkdir()
    (tmp_path / "user.txt").write_text("keep")

    assert clean_leftovers(target) == 6
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["build", current.name, mine.name, other.name, "user.txt"])
    assert not previous.exists() and not killed.exists() and not empty.exists()
    assert (target / "communes.parquet").read_text() == "current"
    assert clean_leftovers(target) == 0
