"""Build the joined commune layer from the source files (``zonage data build``).

Every source checksum is verified first; then each loader turns its source into a clean frame
keyed by the current INSEE code; the frames are joined onto the dissolved commune polygons and
written, with the other layers, the metadata and the build report, into a new version folder
beside the build folder; the checksums of every file are sealed into the metadata and the build
folder (a symbolic link) is switched to the new version in one step (see :mod:`geo.atomic`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import atomic, integrity, paths, settings
from geo.fetch import prepare_sources, stderr_progress
from geo.loaders.cog import CodeMapper, Cog, load_cog, load_history
from geo.loaders.communes import CommunePolygons, load_commune_polygons, load_outlines
from geo.loaders.massifs import MassifCommunes, load_massif_communes, load_massif_outlines
from geo.loaders.qpv import (
    Qpv2015,
    Qpv2024,
    load_qpv2015,
    load_qpv2024,
    qpv2015_by_commune,
    undeclared_overlaps,
)
from geo.loaders.zonage_medecins import DoctorZoning, build_index, load_doctor_zoning
from geo.loaders.zrr_frr import Frr, Zrr, load_frr, load_zrr
from geo.manifest import Manifest, VerifiedSources, load_manifest, verify_sources
from geo.report import render_markdown
from zonage.errors import DataError, InvalidInput, ZonageError
from zonage.place import PRIORITY_DEPARTMENTS
from zonage.text import quoted

Progress = Callable[[str], None]

#: Files of a build folder.
COMMUNES_FILE = "communes.parquet"
QPV2015_FILE = "qpv2015.parquet"
MASSIFS_FILE = "massifs.parquet"
DEPARTEMENTS_FILE = "departements.parquet"
REGION_FILE = "region.parquet"
METADATA_FILE = integrity.METADATA_FILE
REPORT_JSON = "build_report.json"
REPORT_MD = "build_report.md"
ZONING_ROWS_FILE = "zonage_medecins_lignes.csv"

#: Column order of the commune layer (the contract of ``geo.layer``).
COMMUNE_COLUMNS = (
    "insee",
    "nom",
    "departement",
    "departement_nom",
    "epci_code",
    "epci_nom",
    "codes_postaux",
    "population",
    "anciens_codes",
    "alias_noms",
    "alias_codes",
    "zonage_medecins",
    "zonage_medecins_route",
    "massif",
    "zrr",
    "zrr_detail",
    "frr_code",
    "departement_prioritaire",
    "qpv2015_codes",
    "qpv2015_noms",
    "qpv2024_codes",
    "qpv2024_noms",
    "geometry",
)
LIST_COLUMNS = (
    "codes_postaux",
    "anciens_codes",
    "alias_noms",
    "alias_codes",
    "qpv2015_codes",
    "qpv2015_noms",
    "qpv2024_codes",
    "qpv2024_noms",
)


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


@dataclass(frozen=True)
class Loaded:
    """Every source turned into a clean frame keyed by the current INSEE code."""

    cog: Cog
    polygons: CommunePolygons
    departements: gpd.GeoDataFrame
    region: gpd.GeoDataFrame
    zoning: DoctorZoning
    qpv2015: Qpv2015
    qpv2015_lists: pd.DataFrame
    qpv2015_overlaps: list[dict[str, Any]]
    qpv2024: Qpv2024
    massifs: MassifCommunes
    massif_outlines: gpd.GeoDataFrame
    zrr: Zrr
    frr: Frr


def load_sources(src: VerifiedSources, step: Progress) -> Loaded:
    """Run every loader on verified sources (one progress line per step)."""
    step("historique des communes (INSEE) et tables COG 2026")
    history = load_history(src.path("cog_history"))
    cog = load_cog(
        src.path("cog2026_communes"),
        src.path("cog2026_epci"),
        src.path("cog2026_departements"),
        history,
    )
    mapper = CodeMapper.from_cog(cog, history)

    step("contours 2018 regroupés aux communes du COG 2026")
    polygons = load_commune_polygons(src.all("communes_2018"), mapper)
    dep_names = dict(zip(cog.departements["code"], cog.departements["nom"], strict=True))
    departements, region = load_outlines(
        src.path("departements_2018"), src.path("region_2018"), dep_names
    )

    step("zonage médecins : appariement code postal / nom / historique")
    index = build_index(
        cog, mapper, history, src.path("cog2022_communes"), src.path("codes_postaux")
    )
    zoning = load_doctor_zoning(src.path("zonage_medecins"), cog, index)

    step("QPV 2015 (contours réparés) et QPV 2024 (liste par commune)")
    qpv15 = load_qpv2015(src.path("qpv2015"), mapper, cog.communes)

    step("massifs, ZRR 2017, FRR 2025")
    return Loaded(
        cog=cog,
        polygons=polygons,
        departements=departements,
        region=region,
        zoning=zoning,
        qpv2015=qpv15,
        qpv2015_lists=qpv2015_by_commune(qpv15.frame),
        qpv2015_overlaps=undeclared_overlaps(qpv15.frame, polygons.frame),
        qpv2024=load_qpv2024(src.path("qpv2024"), mapper),
        massifs=load_massif_communes(src.path("massifs_communes"), mapper),
        massif_outlines=load_massif_outlines(
            src.path("massifs_polygones"), region.geometry.iloc[0]
        ),
        zrr=load_zrr(src.path("zrr"), mapper),
        frr=load_frr(src.path("frr"), mapper),
    )


def build(
    mirror: Path | None = None,
    out_dir: Path | None = None,
    manifest: Manifest | None = None,
    progress: Progress | None = stderr_progress,
) -> BuildResult:
    """Build the layer from the sources in ``mirror`` into ``out_dir`` (default
    ``settings.BUILD_DIR``).

    Without ``mirror``: the configured mirror, else the cache, fetching missing files from their
    origin (see :func:`geo.fetch.prepare_sources`). ``out_dir`` is checked before any work
    (:func:`geo.paths.check_build_dir`); the build is written into a new version folder beside
    it, sealed with its checksums, and ``out_dir`` switched to it in one step
    (:mod:`geo.atomic`). On any error the previous build is left as it was.
    """
    out_dir = paths.check_build_dir(Path(out_dir or settings.BUILD_DIR))
    manifest = manifest or load_manifest()
    step = _Steps(progress)
    waiting = "une autre construction vers ce dossier est en cours : attente de sa fin"
    with atomic.exclusive(out_dir.parent, on_wait=lambda: step(waiting)):
        with _writing(out_dir):
            removed = clean_leftovers(out_dir)
            if removed:
                step(f"{removed} reste(s) de constructions interrompues supprimé(s)")
            version = _new_version(out_dir)
        try:
            report = _build_into(version, mirror, manifest, step)
            step(f"sommes de contrôle et bascule de {out_dir}")
            with _writing(out_dir):
                integrity.seal(version)
                atomic.sync_dir(version)
                paths.check_build_dir(out_dir)  # still replaceable after the work
                old = atomic.switch(out_dir, version)
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
    folder: Path, mirror: Path | None, manifest: Manifest, step: _Steps
) -> dict[str, Any]:
    """Load, join and write every file of the layer into ``folder``; returns the report."""
    root = prepare_sources(mirror, manifest, step.say)
    step(f"vérification des {len(manifest.files)} fichiers sources dans {root}")
    src = verify_sources(root, manifest, step.say)
    loaded = load_sources(src, step)

    step("jointure de la couche communale")
    communes = join_communes(loaded)

    step("contrôles de topologie (Lambert-93)")
    topology = topology_figures(communes, loaded.region)
    report = _report(manifest, loaded, communes, topology)
    report["construit_le"] = datetime.now(UTC).isoformat(timespec="seconds")
    metadata = {
        "format_version": settings.LAYER_FORMAT_VERSION,
        "built_at": report["construit_le"],
        "crs": settings.STORAGE_CRS,
        "vintages": manifest.vintages(),
        "sources": [f.as_dict() for f in manifest.files],
        "inputs": {f.path: f.sha256 for f in manifest.files},
        "counts": report["resume"],
    }

    step(f"écriture de la couche dans {folder}")
    with _writing(folder):
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
    return report


def _new_version(out_dir: Path) -> Path:
    """A new version folder beside ``out_dir``, marked as a build in progress of the project."""
    version = atomic.new_version(out_dir)
    try:
        integrity.write_marker(version)
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    return version


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
def _writing(out_dir: Path) -> Iterator[None]:
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


def join_communes(loaded: Loaded) -> gpd.GeoDataFrame:
    """One row per current commune with every attribute (columns in ``COMMUNE_COLUMNS``)."""
    classes = loaded.zoning.classes[["insee", "zonage_medecins", "route"]]
    df = loaded.cog.communes.merge(
        classes.rename(columns={"route": "zonage_medecins_route"}), on="insee", how="left"
    )
    for extra in (
        loaded.massifs.frame,
        loaded.zrr.frame,
        loaded.frr.frame,
        loaded.qpv2015_lists,
        loaded.qpv2024.frame,
    ):
        df = df.merge(extra, on="insee", how="left")
    for col in LIST_COLUMNS:
        df[col] = [v if isinstance(v, list) else [] for v in df[col]]
    df["frr_code"] = df["frr_code"].astype("Int64")
    df["departement_prioritaire"] = df["departement"].isin(PRIORITY_DEPARTMENTS)
    df = df.astype({c: object for c in ("zonage_medecins", "zonage_medecins_route", "massif")})
    for col in ("zonage_medecins", "zonage_medecins_route", "massif", "zrr", "zrr_detail"):
        df[col] = df[col].where(df[col].notna(), None)
    gdf = gpd.GeoDataFrame(
        df.merge(loaded.polygons.frame, on="insee", how="left"),
        geometry="geometry",
        crs=settings.STORAGE_CRS,
    )
    return gdf[list(COMMUNE_COLUMNS)].sort_values("insee", ignore_index=True)


def topology_figures(communes: gpd.GeoDataFrame, region: gpd.GeoDataFrame) -> dict[str, Any]:
    """Areas (km², Lambert-93) of the communes, their union and the region outline."""
    metric = communes.geometry.to_crs(settings.METRIC_CRS).values
    outline = region.geometry.to_crs(settings.METRIC_CRS).values[0]
    union = shapely.coverage_union_all(metric)
    sum_area = float(shapely.area(metric).sum())
    union_area = float(union.area)
    region_area = float(outline.area)
    sym = float(shapely.symmetric_difference(union, outline).area)
    return {
        "somme_surfaces_km2": round(sum_area / 1e6, 3),
        "surface_union_km2": round(union_area / 1e6, 3),
        "surface_region_km2": round(region_area / 1e6, 3),
        "ecart_union_region_km2": round(sym / 1e6, 3),
        "ecart_union_region_part": sym / region_area,
        "ecart_somme_union_part": abs(sum_area - union_area) / union_area,
    }


def per_department(communes: pd.DataFrame) -> list[dict[str, Any]]:
    """Counts per department: communes, population, zones, massifs, ZRR, FRR, QPV."""
    out = []
    for dep, g in communes.groupby("departement", sort=True):
        z = g["zonage_medecins"].value_counts()
        m = g["massif"].value_counts()
        r = g["zrr"].value_counts()
        f = g["frr_code"].value_counts()
        out.append(
            {
                "departement": dep,
                "nom": g["departement_nom"].iloc[0],
                "communes": len(g),
                "population": int(g["population"].sum()),
                "ZIP": int(z.get("ZIP", 0)),
                "ZAC": int(z.get("ZAC", 0)),
                "ZAR": int(z.get("ZAR", 0)),
                "sans_zonage": int(g["zonage_medecins"].isna().sum()),
                "massif_central": int(m.get("Massif central", 0)),
                "pyrenees": int(m.get("Pyrénées", 0)),
                "zrr_classee": int(r.get("classee", 0)),
                "zrr_partielle": int(r.get("partiellement_classee", 0)),
                "zrr_non_classee": int(r.get("non_classee", 0)),
                **{f"frr_{k}": int(f.get(k, 0)) for k in (0, 1, 2, 4, 5)},
                "communes_qpv2015": int((g["qpv2015_codes"].map(len) > 0).sum()),
                "communes_qpv2024": int((g["qpv2024_codes"].map(len) > 0).sum()),
                "prioritaire": bool(g["departement_prioritaire"].iloc[0]),
            }
        )
    return out


def _report(
    manifest: Manifest, loaded: Loaded, communes: gpd.GeoDataFrame, topology: dict[str, Any]
) -> dict[str, Any]:
    """The build report: summary, vintages, per-department counts, and per source where every
    row went."""
    zoning = loaded.zoning
    exceptions = manifest.expect.get("zonage_medecins_exceptions", {})
    unclassed = zoning.report["communes_sans_classe"]
    for c in unclassed:
        c["exception_documentee"] = exceptions.get(c["insee"])
    unmatched = zoning.report["lignes_non_appariees"]
    resume = {
        "communes": len(communes),
        "population": int(communes["population"].sum()),
        "communes_par_zonage_medecins": {
            k: int(v) for k, v in communes["zonage_medecins"].value_counts().items()
        },
        "communes_sans_zonage_medecins": len(unclassed),
        "communes_sans_zonage_non_documentees": sum(
            1 for c in unclassed if not c["exception_documentee"]
        ),
        "lignes_zonage_non_appariees": len(unmatched),
        "conflits_de_classe": len(zoning.report["conflits"]),
        "communes_par_massif": {k: int(v) for k, v in communes["massif"].value_counts().items()},
        "communes_par_zrr": {k: int(v) for k, v in communes["zrr"].value_counts().items()},
        "communes_sans_zrr": int(communes["zrr"].isna().sum()),
        "communes_par_frr": {
            int(k): int(v) for k, v in communes["frr_code"].value_counts().items()
        },
        "communes_sans_frr": int(communes["frr_code"].isna().sum()),
        "qpv2015": len(loaded.qpv2015.frame),
        "communes_avec_qpv2015": int((communes["qpv2015_codes"].map(len) > 0).sum()),
        "communes_avec_qpv2024": int((communes["qpv2024_codes"].map(len) > 0).sum()),
        "qpv2024": int(communes["qpv2024_codes"].map(len).sum()),
        "contours_massifs": sorted(loaded.massif_outlines["massif"]),
        "topologie": topology,
    }
    return {
        "resume": resume,
        "millesimes": manifest.vintages(),
        "par_departement": per_department(communes),
        "communes": {**loaded.cog.report, **loaded.polygons.report},
        "zonage_medecins": zoning.report,
        "qpv2015": {
            **loaded.qpv2015.report,
            "chevauchements_non_declares": loaded.qpv2015_overlaps,
        },
        "qpv2024": loaded.qpv2024.report,
        "massifs": loaded.massifs.report,
        "zrr": loaded.zrr.report,
        "frr": loaded.frr.report,
        "sources": [f.as_dict() for f in manifest.files],
    }
