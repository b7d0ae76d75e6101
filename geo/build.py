"""Build the joined commune layer from the source files (``zonage data build``).

Every source checksum is verified first; then each loader turns its source into a clean frame
keyed by the current INSEE code and the frames are joined onto the commune polygons
(:mod:`geo.join`); the layer, the other layers, the metadata and the build report
(:mod:`geo.figures`) are written into a new version folder beside the build folder, sealed,
and the build folder switched to it in one step (:mod:`geo.build_files`).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geo import atomic, paths, settings
from geo.build_files import seal_and_switch, start_version, write_layer
from geo.fetch import prepare_sources, stderr_progress
from geo.figures import build_report, topology_figures
from geo.join import join_communes, load_sources
from geo.manifest import Manifest, Progress, load_manifest, verify_sources
from geo.schema import REPORT_MD


@dataclass(frozen=True)
class BuildResult:
    """Where the layer was written and its report."""

    out_dir: Path
    report: dict[str, Any]
    seconds: float


class _Steps:
    """Numbered progress lines, one per step."""

    def __init__(self, progress: Progress | None) -> None:
        self.say = progress or (lambda _line: None)
        self.start = time.perf_counter()

    def __call__(self, text: str) -> None:
        self.say(f"[{time.perf_counter() - self.start:5.1f} s] {text}")


def build(
    mirror: Path | None = None,
    out_dir: Path | None = None,
    manifest: Manifest | None = None,
    progress: Progress | None = stderr_progress,
    zoning_table: Path | None = None,
) -> BuildResult:
    """Build the layer from the sources in ``mirror`` into ``out_dir`` (default
    ``settings.BUILD_DIR``).

    Without ``mirror``: the configured mirror, else the cache, fetching missing files from their
    origin (see :func:`geo.fetch.prepare_sources`). ``out_dir`` is checked before any work
    (:func:`geo.paths.check_build_dir`); the build is written into a new version folder beside
    it, sealed with its checksums, and ``out_dir`` switched to it in one step
    (:mod:`geo.atomic`). On any error the previous build is left as it was.
    ``zoning_table``: a DataSanté commune table read instead of the mirror's extract.
    """
    out_dir = paths.check_build_dir(Path(out_dir or settings.BUILD_DIR))
    manifest = manifest or load_manifest()
    step = _Steps(progress)
    waiting = "une autre construction vers ce dossier est en cours : attente de sa fin"
    with atomic.exclusive(out_dir.parent, on_wait=lambda: step(waiting)):
        version = start_version(out_dir, step)
        try:
            report = _build_into(version, mirror, manifest, step, zoning_table)
            step(f"sommes de contrôle et bascule de {out_dir}")
            old = seal_and_switch(version, out_dir)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        if old is not None:  # a folder of an earlier format, exchanged with the link
            shutil.rmtree(old, ignore_errors=True)
    seconds = time.perf_counter() - step.start
    resume = report["resume"]
    step(
        f"couche construite : {resume['communes']} communes, "
        f"{resume['communes_sans_zonage_medecins']} sans zonage médecins, "
        f"{resume['lignes_zonage_non_appariees']} ligne(s) de zonage non appariée(s) "
        f"(détail : {out_dir / REPORT_MD})"
    )
    return BuildResult(out_dir=out_dir, report=report, seconds=seconds)


def _build_into(
    folder: Path,
    mirror: Path | None,
    manifest: Manifest,
    step: _Steps,
    zoning_table: Path | None = None,
) -> dict[str, Any]:
    """Load, join and write every file of the layer into ``folder``; returns the report."""
    root = prepare_sources(mirror, manifest, step.say)
    step(f"vérification des {len(manifest.files)} fichiers sources dans {root}")
    src = verify_sources(root, manifest, step.say)
    loaded = load_sources(src, step, zoning_table)

    step("jointure de la couche communale")
    communes = join_communes(loaded)

    step("contrôles de topologie (Lambert-93)")
    topology = topology_figures(communes, loaded.region)
    report = build_report(manifest, loaded, communes, topology)
    report["construit_le"] = datetime.now(UTC).isoformat(timespec="seconds")
    metadata = {
        "format_version": settings.LAYER_FORMAT_VERSION,
        "built_at": report["construit_le"],
        "crs": settings.STORAGE_CRS,
        "vintages": manifest.vintages(),
        "sources": [f.as_dict() for f in manifest.files],
        "inputs": {
            **{f.path: f.sha256 for f in manifest.files},
            **({zoning_table.name: loaded.zoning_table_sha256} if zoning_table else {}),
        },
        "zonage_versions": report["zonage_versions"],
        "counts": report["resume"],
    }

    step(f"écriture de la couche dans {folder}")
    write_layer(folder, communes, loaded, report, metadata)
    return report
