"""The web-ready layer: commune and QPV polygons simplified for the browser, computed once.

:func:`prepare` is a pure function of the built layer: coordinates rounded to a grid of
``step`` degrees (1e-4°, about 10 m), the commune coverage simplified with its topology kept
(GEOS coverage simplification: neighbours keep one shared border, no gap, no overlap), and the
result stored as a TopoJSON topology (:mod:`geo.webmap.topology`) with the few attributes the
map shows. :func:`check` verifies the topology the browser will decode.

:func:`web_layer` is what callers use: the same result, read from ``data/build/web/`` when the
built layer has not changed (the file name carries a fingerprint of the layer's content and of
the parameters), computed and written there atomically otherwise.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import GeometryArray

from geo import atomic, integrity, settings
from geo.per_build import per_build
from geo.webmap import topology
from geo.webmap.style import LAYERS
from zonage.errors import DataError, InvalidInput

#: Version of the web layer format (bump it when :func:`prepare` changes its output).
FORMAT_VERSION = 2  # 2: the dated doctor zoning columns
#: Coverage simplification tolerance, in metres (about the square root of the largest
#: triangle area removed): borders move by about 100 m at the median, 200 m at worst for 99 %.
TOLERANCE_M = 150.0
#: Same for the QPV outlines (small neighbourhoods: a few hundred metres across).
QPV_TOLERANCE_M = 10.0
#: Grid of the coordinates sent to the browser, in degrees (1e-4° ≈ 8 m east-west, 11 m
#: north-south in Occitanie).
GRID_STEP = 1e-4
#: Sub-folder of the build folder where :func:`web_layer` keeps its result (so that it goes
#: away with the build it was made from when the layer is rebuilt).
CACHE_SUBDIR = "web"

#: Commune columns kept for the map: the styles' columns, the names shown in tooltips and the
#: dated doctor zoning (the map colours the class in force on its date).
COMMUNE_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys(
        ["insee", "nom", "departement", "departement_nom"]
        + [s.column for s in LAYERS if s.column is not None]
        + ["zonage_medecins_2", "zonage_medecins_2_arrete"]
    )
)
QPV_COLUMNS: tuple[str, ...] = ("code_qp", "nom_qp", "insee")


@dataclass(frozen=True)
class WebLayer:
    """Simplified geometries (one TopoJSON topology) and the attributes the map shows.

    ``topology`` has two objects, ``communes`` and ``qpv``, whose geometries are in the row
    order of the ``communes`` and ``qpv`` frames. ``stats`` records the parameters, vertex
    counts, timings and the result of :func:`check`.
    """

    topology: dict[str, Any]
    communes: pd.DataFrame
    qpv: pd.DataFrame
    vintages: dict[str, str]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def departements(self) -> dict[str, str]:
        """Department code → name, for the departments present."""
        pairs = self.communes[["departement", "departement_nom"]].drop_duplicates()
        return dict(sorted(zip(pairs["departement"], pairs["departement_nom"], strict=True)))

    def subset(self, departement: str) -> WebLayer:
        """The same layer limited to one department (its communes and QPV; unused arcs dropped).

        Raises :class:`InvalidInput` when no commune of the layer is in ``departement``.
        """
        known = self.departements
        if departement not in known:
            choices = ", ".join(known)
            raise InvalidInput(
                f"département absent de la carte : « {departement} ».",
                hint=f"Choisissez parmi : {choices}.",
            )
        keep_c = np.flatnonzero(self.communes["departement"].to_numpy() == departement)
        insee = set(self.communes["insee"].iloc[keep_c])
        keep_q = np.flatnonzero(self.qpv["insee"].isin(insee).to_numpy())
        topo = topology.subset(self.topology, {"communes": keep_c.tolist(), "qpv": keep_q.tolist()})
        stats = dict(self.stats, departement=departement, points_web=topology.count_points(topo))
        return replace(
            self,
            topology=topo,
            communes=self.communes.iloc[keep_c].reset_index(drop=True),
            qpv=self.qpv.iloc[keep_q].reset_index(drop=True),
            stats=stats,
        )

    def to_json(self) -> str:
        """The whole layer as one JSON document (the cache file's content)."""
        doc = {
            "format": FORMAT_VERSION,
            "stats": self.stats,
            "vintages": self.vintages,
            "communes": _columns(self.communes),
            "qpv": _columns(self.qpv),
            "topology": self.topology,
        }
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> WebLayer:
        """Read what :meth:`to_json` wrote; raises ``ValueError`` on another format."""
        doc = json.loads(text)
        if doc.get("format") != FORMAT_VERSION:
            raise ValueError("web layer of another format")
        return cls(
            topology=doc["topology"],
            communes=pd.DataFrame(doc["communes"]),
            qpv=pd.DataFrame(doc["qpv"]),
            vintages=dict(doc["vintages"]),
            stats=dict(doc["stats"]),
        )


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    return {
        col: [None if _is_missing(v) else _plain(v) for v in frame[col].tolist()]
        for col in frame.columns
    }


def _is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _round_coverage(geoms: np.ndarray, step: float) -> np.ndarray:
    """Coordinates of a coverage rounded to multiples of ``step``, repeated points dropped.

    Every vertex is rounded on its own, so the vertices neighbours share stay shared and the
    coverage stays one (``shapely.set_precision`` could drop a vertex on one side only).
    """
    rounded = shapely.transform(geoms, lambda xy: np.rint(xy / step) * step)
    try:
        return shapely.remove_repeated_points(rounded)
    except shapely.errors.GEOSException as exc:
        raise DataError(
            f"un contour de commune disparaît une fois arrondi au pas de {step}° ({exc})",
            hint="réduisez le pas de la grille (GRID_STEP) de la carte web.",
        ) from None


def _simplify(geoms: np.ndarray, tolerance_m: float, step: float, *, coverage: bool) -> np.ndarray:
    """Round to the grid, then simplify in Lambert-93 (metres).

    Rounding comes first: the coverage simplifier keeps a subset of its input vertices and
    keeps the polygons valid, so its output stays on the grid (the projection round trip moves
    a vertex by far less than half a step). Polygons that are not a coverage (QPV: separate
    neighbourhoods) are snapped with ``set_precision``, which removes what collapses.
    """
    rounded = _round_coverage(geoms, step) if coverage else shapely.set_precision(geoms, step)
    metric = gpd.GeoSeries(rounded, crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS)
    simplified = shapely.coverage_simplify(metric.values, tolerance_m)
    back = gpd.GeoSeries(simplified, crs=settings.METRIC_CRS).to_crs(settings.STORAGE_CRS)
    return np.asarray(back.values)


def prepare(
    layers: Any,
    *,
    tolerance_m: float = TOLERANCE_M,
    qpv_tolerance_m: float = QPV_TOLERANCE_M,
    step: float = GRID_STEP,
) -> WebLayer:
    """Simplify the built layer for the web (a pure function of ``layers``).

    ``layers`` is a :class:`geo.layer.Layers`. Raises :class:`DataError` if the topology the
    browser would decode fails :func:`check` (gaps, overlaps, invalid or lost polygons).
    """
    start = time.perf_counter()
    communes = layers.communes.reset_index(drop=True)
    qpv = layers.qpv2015.reset_index(drop=True)
    commune_geoms = _simplify(communes.geometry.values, tolerance_m, step, coverage=True)
    qpv_geoms = _simplify(qpv.geometry.values, qpv_tolerance_m, step, coverage=False)
    topo = topology.encode({"communes": commune_geoms, "qpv": qpv_geoms}, step=step)
    seconds = time.perf_counter() - start
    attrs = pd.DataFrame({col: communes[col].astype(object) for col in COMMUNE_COLUMNS})
    web = WebLayer(
        topology=topo,
        communes=attrs,
        qpv=pd.DataFrame({col: qpv[col].astype(object) for col in QPV_COLUMNS}),
        vintages=dict(layers.vintages),
        stats={
            "tolerance_m": tolerance_m,
            "qpv_tolerance_m": qpv_tolerance_m,
            "grid_step_deg": step,
            "vertices_source": int(shapely.get_num_coordinates(communes.geometry.values).sum()),
            "vertices_qpv_source": int(shapely.get_num_coordinates(qpv.geometry.values).sum()),
            "vertices_web": int(shapely.get_num_coordinates(commune_geoms).sum()),
            "points_web": topology.count_points(topo),
            "arcs": len(topo["arcs"]),
            "seconds": round(seconds, 3),
        },
    )
    result = check(web, communes.geometry.values)
    web.stats["check"] = result
    if not result["ok"]:
        raise DataError(
            f"la carte simplifiée n'est pas un pavage valide des communes ({result['problems']})",
            hint="signalez-le aux mainteneurs ; la couche communale elle-même n'est pas en cause.",
        )
    return web


def check(
    web: WebLayer, reference: GeometryArray | None = None, *, area_change: bool = False
) -> dict[str, Any]:
    """Verify the commune polygons exactly as the browser will decode them.

    Checks, in Lambert-93: every commune still has a valid polygon; the polygons form a valid
    coverage (no overlap; neighbours share exactly the same border points, with no gap narrower
    than 50 m between them); the sum of their areas equals the area of their union (no
    overlap) and the union has the same number of holes as the reference's (no new gap).
    ``reference`` (the source polygons, lon/lat, same order) also gives how far borders moved
    (Hausdorff distance per commune) and, with ``area_change``, the share of the area that
    changed commune (slower: one polygon difference per commune).
    """
    decoded = topology.decode(web.topology, "communes")
    problems: list[str] = []
    lost = [i for i, g in enumerate(decoded) if g is None or g.is_empty]
    if lost:
        problems.append(f"{len(lost)} commune(s) sans polygone")
    geoms = np.array([g if g is not None else shapely.Polygon() for g in decoded], dtype=object)
    metric = gpd.GeoSeries(geoms, crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS).values
    invalid = int((~shapely.is_valid(metric)).sum())
    if invalid:
        problems.append(f"{invalid} polygone(s) invalide(s)")
    coverage_ok = bool(shapely.coverage_is_valid(metric, gap_width=50.0))
    if not coverage_ok:
        problems.append("pavage invalide (chevauchement ou bord non partagé)")
    area_sum = float(shapely.area(metric).sum())
    union = shapely.union_all(metric)
    area_union = float(union.area)
    overlap_share = abs(area_sum - area_union) / area_union
    if overlap_share > 1e-9:
        problems.append(f"chevauchements : {overlap_share:.2e} de la surface")
    holes = _count_holes(union)
    result: dict[str, Any] = {
        "communes": len(decoded),
        "lost": len(lost),
        "invalid": invalid,
        "coverage_valid": coverage_ok,
        "area_sum_km2": round(area_sum / 1e6, 3),
        "area_union_km2": round(area_union / 1e6, 3),
        "overlap_share": overlap_share,
        "holes": holes,
    }
    if reference is not None:
        ref = gpd.GeoSeries(reference, crs=settings.STORAGE_CRS).to_crs(settings.METRIC_CRS).values
        # The source is a valid coverage (checked by the build): its fast union is exact.
        ref_holes = _count_holes(shapely.coverage_union_all(ref))
        result["holes_reference"] = ref_holes
        if holes != ref_holes:
            problems.append(f"{holes - ref_holes} trou(s) nouveau(x) entre communes")
        moved = shapely.hausdorff_distance(ref, metric)
        result["hausdorff_m"] = {
            "p50": round(float(np.median(moved)), 1),
            "p99": round(float(np.percentile(moved, 99)), 1),
            "max": round(float(moved.max()), 1),
        }
        if area_change:
            result["area_change_share"] = round(
                float(shapely.area(shapely.symmetric_difference(ref, metric)).sum())
                / float(shapely.area(ref).sum()),
                5,
            )
    result["problems"] = "; ".join(problems)
    result["ok"] = not problems
    return result


def _count_holes(geom: Any) -> int:
    return int(sum(len(p.interiors) for p in shapely.get_parts(geom)))


def fingerprint(layers: Any, **params: float) -> str:
    """A digest of what :func:`prepare` reads from ``layers`` and of its parameters."""
    h = hashlib.sha256()
    h.update(json.dumps({"format": FORMAT_VERSION, **params}, sort_keys=True).encode())
    for frame, columns in ((layers.communes, COMMUNE_COLUMNS), (layers.qpv2015, QPV_COLUMNS)):
        for geom_wkb in shapely.to_wkb(frame.geometry.values):
            h.update(geom_wkb)
        h.update(
            json.dumps(_columns(frame[list(columns)]), ensure_ascii=False, default=str).encode()
        )
    h.update(json.dumps(layers.vintages, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def default_cache_dir(layers: Any) -> Path:
    """``web/`` inside the build folder ``layers`` was loaded from (else ``settings.BUILD_DIR``)."""
    build_dir = getattr(layers, "build_dir", None)
    return Path(build_dir or settings.BUILD_DIR) / CACHE_SUBDIR


def web_layer(
    layers: Any,
    *,
    cache_dir: Path | None = None,
    cache: bool = True,
    tolerance_m: float = TOLERANCE_M,
    qpv_tolerance_m: float = QPV_TOLERANCE_M,
    step: float = GRID_STEP,
) -> WebLayer:
    """The web layer of ``layers``: read from the cache if computed before, else prepared.

    The cache is ``cache_dir`` (default :func:`default_cache_dir`); ``cache=False`` skips it.
    A newly prepared layer is written there atomically, under a name carrying the fingerprint
    of its input and parameters; older files there are removed.
    """
    params = {"tolerance_m": tolerance_m, "qpv_tolerance_m": qpv_tolerance_m, "step": step}
    digest = fingerprint(layers, **params)[:20]
    if not cache:
        web = prepare(layers, **params)
        web.stats["fingerprint"] = digest
        return web
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir(layers)
    path = folder / f"web-{digest}.json"
    seal = path.with_suffix(".sha256")  # the cache file's own checksum: a damaged one is redone
    if path.is_file() and _sealed(path, seal):
        try:
            return WebLayer.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError):
            pass  # damaged or older format: prepared again below
    web = prepare(layers, **params)
    web.stats["fingerprint"] = digest
    try:
        atomic.write_text(path, web.to_json())
        atomic.write_text(seal, integrity.file_sha256(path))
    except OSError:
        return web  # a read-only build folder: the layer is prepared again next time
    for old in [*folder.glob("web-*.json"), *folder.glob("web-*.sha256")]:
        if old not in (path, seal):
            old.unlink(missing_ok=True)
    return web


def _sealed(path: Path, seal: Path) -> bool:
    """Whether the cache file ``path`` still has the checksum written beside it."""
    try:
        return seal.read_text(encoding="utf-8").strip() == integrity.file_sha256(path)
    except (OSError, UnicodeDecodeError):
        return False


@per_build
def get_web_layer(build_dir: Path) -> WebLayer:
    """The web layer of the built layer in ``build_dir`` (default ``settings.BUILD_DIR``),
    kept in memory once per build (read from its cache folder, or prepared there once)."""
    from geo import layer

    return web_layer(layer.get(build_dir))
