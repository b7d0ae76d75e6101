"""Checksums of a built layer: written by the build, verified by every reader.

Every file of a build folder has its sha256 and size in ``metadata.json`` (key ``files``); the
marker file of the folder (:data:`MARKER_FILE`) names the project and holds the sha256 of
``metadata.json`` itself, so one flipped byte anywhere in the build is caught before it can
answer a wrong commune. Hashing is done once per file version and process: the result is kept
by (path, size, mtime_ns, inode), so a server loading the layer many times pays once.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from geo import atomic
from geo.schema import METADATA_FILE
from zonage.errors import DataError
from zonage.text import quoted

#: Marker written in every build folder: recognises a build of this project (only such a
#: folder may be replaced by ``zonage data build --out``) and seals ``metadata.json``.
MARKER_FILE = ".zonage-build"
#: Value of the ``projet`` key of the marker.
MARKER_PROJECT = "carte-aides-medecins-occitanie"
#: Files of a build folder that are not sealed in ``metadata.json`` (the web-map cache, in
#: ``web/``, is derived data checked by its own fingerprint).
_UNSEALED = frozenset({MARKER_FILE, METADATA_FILE})

_REBUILD = "Relancez `zonage data build`."

_lock = threading.Lock()
_digests: dict[tuple[str, int, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """The sha256 of ``path``, computed once per (path, size, mtime_ns, inode) and process."""
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ino)
    with _lock:
        found = _digests.get(key)
    if found is not None:
        return found
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    with _lock:
        _digests[key] = digest
    return digest


def _corrupt(name: str) -> DataError:
    return DataError(
        f"couche corrompue : {name} ne correspond plus à sa somme de contrôle ;",
        hint="relancez `zonage data build`.",
    )


def write_marker(build_dir: Path, metadata_sha256: str | None = None) -> None:
    """Write the marker of ``build_dir`` (``metadata_sha256`` None: a build in progress)."""
    marker: dict[str, Any] = {"projet": MARKER_PROJECT}
    if metadata_sha256 is not None:
        marker["metadata_sha256"] = metadata_sha256
    atomic.write_text(Path(build_dir) / MARKER_FILE, json.dumps(marker) + "\n")


def read_marker(build_dir: Path) -> dict[str, Any] | None:
    """The marker of ``build_dir`` if it is one of this project's, else None."""
    try:
        marker = json.loads((Path(build_dir) / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("projet") != MARKER_PROJECT:
        return None
    return marker


def read_metadata(build_dir: Path) -> dict[str, Any]:
    """``metadata.json`` of ``build_dir`` as a dict; :class:`DataError` if absent or not one."""
    path = Path(build_dir) / METADATA_FILE
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"métadonnées de la couche absentes dans {quoted(build_dir)}.", hint=_REBUILD
        ) from None
    except (OSError, ValueError):
        raise DataError(
            f"métadonnées de la couche illisibles : {quoted(path)}.", hint=_REBUILD
        ) from None
    if not isinstance(metadata, dict):
        raise DataError(f"métadonnées de la couche illisibles : {quoted(path)}.", hint=_REBUILD)
    return metadata


def _sealed_files(build_dir: Path) -> list[str]:
    # Hidden files are the marker and the temporary files of atomic writes.
    return sorted(
        p.name
        for p in Path(build_dir).iterdir()
        if p.is_file()
        and not p.is_symlink()
        and not p.name.startswith(".")
        and p.name not in _UNSEALED
    )


def seal(build_dir: Path) -> None:
    """(Re)write the sha256 and size of every file of ``build_dir`` into its metadata.

    Every regular file directly in the folder is sealed, except the metadata and hidden files;
    the marker then receives the sha256 of the new metadata.
    """
    build_dir = Path(build_dir)
    metadata = read_metadata(build_dir)
    metadata["files"] = {
        name: {
            "sha256": file_sha256(build_dir / name),
            "size": (build_dir / name).stat().st_size,
        }
        for name in _sealed_files(build_dir)
    }
    text = json.dumps(metadata, ensure_ascii=False, indent=1) + "\n"
    atomic.write_text(build_dir / METADATA_FILE, text)
    write_marker(build_dir, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _checked_name(name: Any) -> str:
    # A name from the metadata is a plain file name of the folder, never a path out of it.
    if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
        raise DataError("couche corrompue : liste des fichiers illisible ;", hint=_REBUILD.lower())
    return name


def verify(build_dir: Path) -> None:
    """Check every file of ``build_dir`` against the checksums of its metadata.

    Raises :class:`DataError` naming the first file that is missing or no longer matches.
    """
    build_dir = Path(build_dir)
    marker = read_marker(build_dir)
    if marker is None or not isinstance(marker.get("metadata_sha256"), str):
        raise DataError(
            f"couche sans sommes de contrôle dans {quoted(build_dir)} (construite par une version "
            "précédente du projet, ou construction interrompue).",
            hint=_REBUILD,
        )
    try:
        if file_sha256(build_dir / METADATA_FILE) != marker["metadata_sha256"]:
            raise _corrupt(METADATA_FILE)
    except OSError:
        raise DataError(
            f"métadonnées de la couche absentes ou illisibles dans {quoted(build_dir)}.",
            hint=_REBUILD,
        ) from None
    files = read_metadata(build_dir).get("files")
    if not isinstance(files, dict) or not files:
        raise DataError("couche corrompue : liste des fichiers absente ;", hint=_REBUILD.lower())
    for name, want in files.items():
        name = _checked_name(name)
        if not isinstance(want, dict):
            raise _corrupt(METADATA_FILE)
        path = build_dir / name
        try:
            size = path.stat().st_size
            ok = size == want.get("size") and file_sha256(path) == want.get("sha256")
        except FileNotFoundError:
            raise DataError(
                f"couche incomplète : {name} absent de {quoted(build_dir)}.", hint=_REBUILD
            ) from None
        except OSError as exc:
            from geo.paths import reason  # geo.paths builds on this module

            raise DataError(f"couche illisible : {name} ({reason(exc)}).", hint=_REBUILD) from None
        if not ok:
            raise _corrupt(name)


def forget() -> None:
    """Drop the digests kept by this process (to measure a cold verification)."""
    with _lock:
        _digests.clear()
