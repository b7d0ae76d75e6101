"""TopoJSON for the web: shared borders stored once, coordinates quantized on a fixed grid.

A polygon coverage (communes: no gaps, no overlaps, neighbours sharing the same vertices) is
quantized onto a grid of ``step`` degrees (1e-4° is about 10 m in Occitanie: coordinates
rounded to 4 decimals) and cut into arcs at the points where three or more polygons meet. Each
border between two neighbours becomes one arc that both reference, so the browser draws them
from the same points: no gap and no sliver can appear between neighbours, whatever the
simplification. Arcs are delta-encoded integers, as the TopoJSON specification allows, and
decoded in the browser by ``topojson-client``.

:func:`decode` reads the same topology back into shapely geometries (for checks and tests).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

Ring = list[int]  # a closed ring as point keys (first point repeated at the end)


def _key(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """One int64 per grid point (x and y are non-negative and below 2**31)."""
    return (x.astype(np.int64) << 32) | y.astype(np.int64)


def _xy(key: int) -> tuple[int, int]:
    return key >> 32, key & 0xFFFFFFFF


def _signed_area2(ring: np.ndarray) -> int:
    """Twice the signed area of a closed integer ring (positive when counter-clockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return int(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def _quantized_polygons(
    geoms: Collection[BaseGeometry | None], origin: tuple[int, int], step: float
) -> list[list[list[np.ndarray]]]:
    """Each geometry as its polygons, each polygon as its closed integer rings.

    Exterior rings are made clockwise and holes counter-clockwise (the TopoJSON convention,
    which ``topojson.merge`` relies on to stitch rings). Consecutive repeated points are
    dropped; a ring left with fewer than three distinct points is dropped (with its holes when
    it is an exterior).
    """
    out: list[list[list[np.ndarray]]] = []
    for geom in geoms:
        polys: list[list[np.ndarray]] = []
        if geom is not None and not geom.is_empty:
            for part in shapely.get_parts(geom):
                rings: list[np.ndarray] = []
                for i, ring in enumerate(shapely.get_rings(part)):
                    xy = shapely.get_coordinates(ring)
                    q = np.rint(xy / step).astype(np.int64) - np.asarray(origin, dtype=np.int64)
                    keep = np.ones(len(q), dtype=bool)
                    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
                    q = q[keep]
                    if len(q) < 4 or not np.array_equal(q[0], q[-1]):
                        if i == 0:
                            break  # the exterior collapsed: the part is dropped
                        continue
                    clockwise = _signed_area2(q) < 0
                    if clockwise != (i == 0):
                        q = q[::-1]
                    rings.append(q)
                if rings:
                    polys.append(rings)
        out.append(polys)
    return out


def _junctions(rings: Iterable[np.ndarray]) -> set[int]:
    """Points where the rings passing through them do not all share the same two neighbours."""
    points, neighbours = [], []
    for ring in rings:
        keys = _key(ring[:-1, 0], ring[:-1, 1])
        points += [keys, keys]
        neighbours += [np.roll(keys, 1), np.roll(keys, -1)]
    if not points:
        return set()
    pairs = np.unique(
        np.stack([np.concatenate(points), np.concatenate(neighbours)], axis=1), axis=0
    )
    pts, counts = np.unique(pairs[:, 0], return_counts=True)
    return set(pts[counts > 2].tolist())


class _ArcIndex:
    """Arcs met so far; a ring piece already seen (in either direction) is referenced again."""

    def __init__(self) -> None:
        self.arcs: list[tuple[int, ...]] = []
        self._index: dict[tuple[int, ...], int] = {}

    def ref(self, arc: tuple[int, ...]) -> int:
        if arc in self._index:
            return self._index[arc]
        reverse = arc[::-1]
        if reverse in self._index:
            return ~self._index[reverse]
        self._index[arc] = len(self.arcs)
        self.arcs.append(arc)
        return len(self.arcs) - 1

    def ring(self, keys: list[int], junctions: set[int]) -> list[int]:
        """Arc references of one closed ring (``keys`` without its repeated last point)."""
        cuts = [i for i, k in enumerate(keys) if k in junctions]
        if not cuts:
            # No junction: the whole ring is one arc, started at its smallest point so that the
            # same ring seen from the other side (an enclave and its hole) is found, reversed.
            start = int(np.argmin(keys))
            rotated = keys[start:] + keys[:start]
            return [self.ref(tuple(rotated + [rotated[0]]))]
        rotated = keys[cuts[0] :] + keys[: cuts[0]]
        offsets = [c - cuts[0] for c in cuts] + [len(keys)]
        closed = rotated + [rotated[0]]
        return [
            self.ref(tuple(closed[a : b + 1])) for a, b in zip(offsets, offsets[1:], strict=False)
        ]


def encode(
    objects: Mapping[str, Collection[BaseGeometry | None]], step: float = 1e-4
) -> dict[str, Any]:
    """A quantized TopoJSON topology of the given named lists of (multi)polygons.

    ``objects`` maps an object name to its geometries (lon/lat); the topology's object of that
    name is a ``GeometryCollection`` whose geometries keep the same order (an empty or
    collapsed geometry becomes ``{"type": null}``). Coordinates are rounded to multiples of
    ``step`` degrees.
    """
    all_geoms = [g for geoms in objects.values() for g in geoms if g is not None and not g.is_empty]
    if not all_geoms:
        raise ValueError("nothing to encode")
    minx, miny, _, _ = shapely.total_bounds(np.asarray(all_geoms, dtype=object))
    origin = (int(np.floor(minx / step)), int(np.floor(miny / step)))
    quantized = {name: _quantized_polygons(geoms, origin, step) for name, geoms in objects.items()}
    junctions = _junctions(
        ring
        for polys_list in quantized.values()
        for polys in polys_list
        for rings in polys
        for ring in rings
    )
    index = _ArcIndex()
    out_objects: dict[str, Any] = {}
    for name, polys_list in quantized.items():
        geometries: list[dict[str, Any]] = []
        for polys in polys_list:
            arcs = [
                [index.ring(_key(r[:-1, 0], r[:-1, 1]).tolist(), junctions) for r in rings]
                for rings in polys
            ]
            if not arcs:
                geometries.append({"type": None})
            elif len(arcs) == 1:
                geometries.append({"type": "Polygon", "arcs": arcs[0]})
            else:
                geometries.append({"type": "MultiPolygon", "arcs": arcs})
        out_objects[name] = {"type": "GeometryCollection", "geometries": geometries}
    topo: dict[str, Any] = {
        "type": "Topology",
        "transform": {"scale": [step, step], "translate": [origin[0] * step, origin[1] * step]},
        "arcs": [_delta(arc) for arc in index.arcs],
        "objects": out_objects,
    }
    topo["bbox"] = bbox(topo)
    return topo


def _delta(arc: tuple[int, ...]) -> list[list[int]]:
    xy = np.array([_xy(k) for k in arc], dtype=np.int64)
    d = np.vstack([xy[:1], np.diff(xy, axis=0)])
    return d.tolist()


def subset(topology: Mapping[str, Any], keep: Mapping[str, Sequence[int]]) -> dict[str, Any]:
    """The topology restricted to some geometries of each object, unused arcs dropped.

    ``keep`` maps an object name to the positions of the geometries to keep (in that order);
    objects not named are dropped.
    """
    objects = {
        name: [topology["objects"][name]["geometries"][i] for i in positions]
        for name, positions in keep.items()
    }
    used: dict[int, int] = {}

    def walk(arcs: Any) -> None:
        for a in arcs:
            if isinstance(a, list):
                walk(a)
            else:
                used.setdefault(a if a >= 0 else ~a, 0)

    for geometries in objects.values():
        for g in geometries:
            walk(g.get("arcs", []))
    old = sorted(used)
    renum = {o: n for n, o in enumerate(old)}

    def remap(arcs: Any) -> Any:
        return [
            remap(a) if isinstance(a, list) else (renum[a] if a >= 0 else ~renum[~a]) for a in arcs
        ]

    out = {
        "type": "Topology",
        "transform": dict(topology["transform"]),
        "arcs": [topology["arcs"][o] for o in old],
        "objects": {
            name: {
                "type": "GeometryCollection",
                "geometries": [
                    {**g, "arcs": remap(g["arcs"])} if "arcs" in g else dict(g) for g in geometries
                ],
            }
            for name, geometries in objects.items()
        },
    }
    out["bbox"] = bbox(out)
    return out


def bbox(topology: Mapping[str, Any]) -> list[float]:
    """``[min lon, min lat, max lon, max lat]`` of the points of the topology's arcs."""
    if not topology["arcs"]:
        return []
    pts = np.vstack([np.cumsum(np.asarray(a, dtype=np.int64), axis=0) for a in topology["arcs"]])
    scale = np.asarray(topology["transform"]["scale"], dtype=float)
    translate = np.asarray(topology["transform"]["translate"], dtype=float)
    lo = pts.min(axis=0) * scale + translate
    hi = pts.max(axis=0) * scale + translate
    return [round(float(v), 6) for v in (*lo, *hi)]


def decode(topology: Mapping[str, Any], name: str) -> list[BaseGeometry | None]:
    """The geometries of object ``name`` as shapely (multi)polygons, lon/lat (``None``: empty)."""
    scale = np.asarray(topology["transform"]["scale"], dtype=float)
    translate = np.asarray(topology["transform"]["translate"], dtype=float)
    arcs = [np.cumsum(np.asarray(a, dtype=np.int64), axis=0) for a in topology["arcs"]]

    def ring(refs: list[int]) -> np.ndarray:
        pieces: list[np.ndarray] = []
        for r in refs:
            pts = arcs[r] if r >= 0 else arcs[~r][::-1]
            pieces.append(pts if not pieces else pts[1:])
        return np.vstack(pieces) * scale + translate

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        coords = [ring(r) for r in rings]
        return shapely.Polygon(coords[0], coords[1:])

    out: list[BaseGeometry | None] = []
    for g in topology["objects"][name]["geometries"]:
        if g.get("type") == "Polygon":
            out.append(polygon(g["arcs"]))
        elif g.get("type") == "MultiPolygon":
            out.append(shapely.MultiPolygon([polygon(p) for p in g["arcs"]]))
        else:
            out.append(None)
    return out


def count_points(topology: Mapping[str, Any]) -> int:
    """Number of points stored in the topology's arcs (each shared border counted once)."""
    return sum(len(a) for a in topology["arcs"])
