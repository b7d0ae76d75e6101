"""Distances from a place to every commune of the region, in km, measured in Lambert-93.

The origin is a commune (its polygon) or a WGS84 point; the distance to a commune is the
shortest distance to its polygon, not to its centroid: 0 for the commune itself, for a
commune that touches it or contains the point. The exact commune outlines of the lookup
(:func:`geo.lookup.get_lookup`) are projected once per build (:func:`get_distances`); a
radius first asks the tree for the communes within it (``dwithin``), then measures those only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely
from pyproj import Transformer
from shapely import STRtree

from geo import settings
from geo.per_build import per_build
from zonage.errors import InvalidInput
from zonage.text import quoted

if TYPE_CHECKING:
    from geo.lookup import PlaceLookup

#: A commune's INSEE code (current or former), or a ``(lon, lat)`` WGS84 point.
Origin = str | tuple[float, float]

# Origins whose distances are kept (a radius slider asks again for the same place).
_KEPT_ORIGINS = 32


class CommuneDistances:
    """The commune polygons of the lookup, in Lambert-93 (EPSG:2154), with their tree."""

    def __init__(self, lookup: PlaceLookup) -> None:
        self._lookup = lookup
        self.insee: tuple[str, ...] = tuple(lookup.table.insee)
        to_metric = Transformer.from_crs(
            settings.STORAGE_CRS, settings.METRIC_CRS, always_xy=True
        ).transform
        self._to_metric: Callable[..., tuple[float, float]] = to_metric
        wgs84 = np.array([lookup.outline(code) for code in self.insee], dtype=object)
        self.geoms: np.ndarray = shapely.transform(
            wgs84, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1]))
        )
        self._tree = STRtree(self.geoms)
        self._measure = lru_cache(maxsize=_KEPT_ORIGINS)(self._measured)

    def origin(self, where: Origin) -> shapely.Geometry:
        """The origin in Lambert-93: a commune's polygon (typed errors of
        :meth:`~geo.names.NameIndex.resolve_code` for a bad code) or a point."""
        if isinstance(where, str):
            index, _ = self._lookup.names.resolve_code(where)
            return self.geoms[index]
        lon, lat = (float(v) for v in where)
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise InvalidInput("Point d'origine invalide : longitude et latitude finies attendues.")
        return shapely.Point(*self._to_metric(lon, lat))

    def within(self, where: Origin, radius_km: float | None = None) -> dict[str, float]:
        """INSEE code → distance in km from ``where`` to each commune within ``radius_km``
        (every commune when None), nearest first, then by code."""
        limit = None if radius_km is None else _radius(radius_km)
        key = where if isinstance(where, str) else (float(where[0]), float(where[1]))
        indices, km = self._measure(key, limit)
        return {self.insee[i]: float(d) for i, d in zip(indices, km, strict=True)}

    def _measured(self, where: Origin, limit: float | None) -> tuple[np.ndarray, np.ndarray]:
        """Commune positions and their distances (km), nearest first, for one origin."""
        origin = self.origin(where)
        if limit is None:
            indices = np.arange(len(self.geoms))
        else:
            indices = self._tree.query(origin, predicate="dwithin", distance=limit * 1000.0)
        km = shapely.distance(origin, self.geoms[indices]) / 1000.0
        if limit is not None:  # the tree's test and the distance agree to a rounding error
            keep = km <= limit
            indices, km = indices[keep], km[keep]
        order = np.lexsort((indices, km))
        indices, km = indices[order], km[order]
        indices.flags.writeable = km.flags.writeable = False  # shared by later calls
        return indices, km


def _radius(value: float) -> float:
    """A radius in km: a finite number, zero or more."""
    radius = float(value)
    if not math.isfinite(radius) or radius < 0:
        raise InvalidInput(
            f"Rayon {quoted(value)} : un nombre de kilomètres positif ou nul attendu."
        )
    return radius


@per_build
def get_distances(build_dir: Path) -> CommuneDistances:
    """The commune polygons of ``build_dir`` in Lambert-93, projected once per build."""
    from geo.lookup import get_lookup

    return CommuneDistances(get_lookup(build_dir))


def communes_within(
    where: Origin, radius_km: float | None = None, build_dir: Path | None = None
) -> dict[str, float]:
    """INSEE code → km from ``where`` (a commune code or a ``(lon, lat)`` point) to every
    commune within ``radius_km`` (all when None), nearest first."""
    return get_distances(build_dir).within(where, radius_km)
