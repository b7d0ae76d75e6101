"""The files of a build: written into a new version folder, sealed, and switched in one step.

A build writes into a version folder beside the build folder, marked as a build in progress;
its checksums are then sealed into the metadata and the build folder (a symbolic link) is
switched to it (see :mod:`geo.atomic`). What killed builds leave behind is removed by the next
one. A write error (disk full, permission…) becomes one French line.
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo import atomic, integrity, paths
from geo.join import Loaded
from geo.manifest import Progress
from geo.report import render_markdown
from geo.schema import (
    COMMUNES_FILE,
    DEPARTEMENTS_FILE,
    MASSIFS_FILE,
    METADATA_FILE,
    QPV2015_FILE,
    REGION_FILE,
    REPORT_JSON,
    REPORT_MD,
    ZONING_ROWS_FILE,
)
from zonage.errors import DataError, InvalidInput, ZonageError
from zonage.text import quoted


def start_version(out_dir: Path, say: Progress) -> Path:
    """Remove the leftovers of earlier builds beside ``out_dir``, then make a new version
    folder there, marked as a build in progress of the project."""
    with writing(out_dir):
        removed = clean_leftovers(out_dir)
        if removed:
            say(f"{removed} reste(s) de constructions interrompues supprimé(s)")
        version = atomic.new_version(out_dir)
        try:
            integrity.write_marker(version)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        return version


def write_layer(
    folder: Path,
    communes: gpd.GeoDataFrame,
    loaded: Loaded,
    report: dict[str, Any],
    metadata: dict[str, Any],
) -> None:
    """Write every file of the layer (see :mod:`geo.schema`) into ``folder``."""
    with writing(folder):
        communes.to_parquet(folder / COMMUNES_FILE, index=False)
        loaded.qpv2015.frame.to_parquet(folder / QPV2015_FILE, index=False)
        loaded.massif_outlines.to_parquet(folder / MASSIFS_FILE, index=False)
        loaded.departements.to_parquet(folder / DEPARTEMENTS_FILE, index=False)
        loaded.region.to_parquet(folder / REGION_FILE, index=False)
        rows = loaded.zoning.rows
        rows.assign(candidats=rows["candidats"].map(" ".join)).to_csv(
            folder / ZONING_ROWS_FILE, index=False
        )
        (folder / REPORT_JSON).write_text(_dumps(report), encoding="utf-8")
        (folder / REPORT_MD).write_text(render_markdown(report), encoding="utf-8")
        (folder / METADATA_FILE).write_text(_dumps(metadata), encoding="utf-8")


def seal_and_switch(version: Path, out_dir: Path) -> Path | None:
    """Seal the checksums of ``version`` and switch ``out_dir`` to it in one step.

    Returns the folder of an earlier format that the link replaced (for the caller to remove
    once the switch is done), or None.
    """
    with writing(out_dir):
        integrity.seal(version)
        atomic.sync_dir(version)
        paths.check_build_dir(out_dir)  # still replaceable after the work
        return atomic.switch(out_dir, version)


def clean_leftovers(out_dir: Path) -> int:
    """Remove what killed or earlier builds left beside ``out_dir``; returns how many.

    Only entries named as this module names them are looked at: version folders that the
    link does not point to (a marked build, or an empty folder), temporary links, and the
    temporary folders of the earlier two-rename swap.
    """
    versions, temps = atomic.version_pattern(out_dir), atomic.temp_pattern(out_dir)
    current = atomic.current_version(out_dir)
    removed = 0
    for entry in out_dir.parent.iterdir():
        name = entry.name
        if temps.fullmatch(name):
            if entry.is_symlink():
                entry.unlink()
            elif entry.is_dir():
                shutil.rmtree(entry)
            else:
                continue
        elif versions.fullmatch(name) and entry.is_dir() and not entry.is_symlink():
            if entry.resolve() == current:
                continue
            if integrity.read_marker(entry) is None and any(entry.iterdir()):
                continue  # not ours after all: left alone
            shutil.rmtree(entry)
        else:
            continue
        removed += 1
    return removed


#: Write errors of the build, and the type of error they become (others are raised as is).
_WRITE_ERRORS: dict[int, type[ZonageError]] = {
    errno.ENOSPC: DataError,
    errno.EDQUOT: DataError,
    errno.EFBIG: DataError,
    errno.EIO: DataError,
    errno.EACCES: InvalidInput,
    errno.EPERM: InvalidInput,
    errno.EROFS: InvalidInput,
    errno.ENAMETOOLONG: InvalidInput,
}


@contextlib.contextmanager
def writing(out_dir: Path) -> Iterator[None]:
    """Turn a write error of the build (disk full, size limit, permission…) into one line."""
    try:
        yield
    except OSError as exc:
        if exc.errno is None:  # pyarrow: OSError("... [errno 28] No space left ...")
            found = re.search(r"errno (\d+)", str(exc), re.IGNORECASE)
            exc.errno = int(found.group(1)) if found else None
        kind = _WRITE_ERRORS.get(exc.errno or 0)
        if kind is None:
            raise
        raise kind(
            f"écriture de la couche impossible dans {quoted(out_dir.parent)} : "
            f"{paths.reason(exc)} ; la couche précédente est inchangée.",
            hint="Libérez de la place ou choisissez un autre dossier avec --out, puis relancez "
            "`zonage data build`.",
        ) from None


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=_json_default) + "\n"


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
