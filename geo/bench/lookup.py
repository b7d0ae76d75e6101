"""Lookup benchmark: one point → complete place facts, 100,000 points → facts table (against a
bare ``geopandas.sjoin`` of the same points, timed in the same run), and name search.

Run with ``python -m geo.bench lookup`` after ``zonage data build``. Prints figures; asserts
nothing (targets: p50 ≤ 30 µs per point, ≤ 0.5 s and ≤ 4× sjoin for 100,000 points,
name search p50 ≤ 5 ms).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from geo.layer import Layers
    from geo.lookup import PlaceLookup

TARGET_POINT_P50_US = 30.0
TARGET_MANY_S = 0.5
TARGET_SJOIN_RATIO = 4.0
TARGET_NAME_P50_MS = 5.0
N_SINGLE = 5_000
N_MANY = 100_000


def _random_points_in(region, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform random points inside ``region`` (rejection sampling in its bounds)."""
    minx, miny, maxx, maxy = region.bounds
    xs, ys, have = [], [], 0
    while have < n:
        x = rng.uniform(minx, maxx, 2 * n)
        y = rng.uniform(miny, maxy, 2 * n)
        keep = shapely.contains_xy(region, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _percentiles_us(samples_ns: list[int]) -> tuple[float, float]:
    arr = np.asarray(samples_ns, dtype=float) / 1_000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def _best_round(
    fn: Callable[[float, float], object], pairs: list[tuple[float, float]], rounds: int = 3
) -> tuple[float, float]:
    """p50 and p99 (µs) of one call per pair, from the best of ``rounds`` rounds (the machine
    is shared: the best round is the least disturbed one)."""
    best: tuple[float, float] | None = None
    for _ in range(rounds):
        samples = []
        for lon, lat in pairs:
            start = time.perf_counter_ns()
            fn(lon, lat)
            samples.append(time.perf_counter_ns() - start)
        result = _percentiles_us(samples)
        if best is None or result[0] < best[0]:
            best = result
    assert best is not None
    return best


def _per_call(fn: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def _best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _ok(value: float, target: float) -> str:
    return "ok" if value <= target else "ABOVE TARGET"


def run(out: Callable[[str], None] = print) -> None:
    """Print the lookup figures."""
    from geo import settings
    from geo.layer import load
    from geo.lookup import PlaceLookup
    from zonage.errors import DataError

    try:
        start = time.perf_counter()
        layers = load()
        loaded = time.perf_counter() - start
    except DataError as exc:
        out(f"lookup: no built layer ({exc}); run `zonage data build` first")
        return
    start = time.perf_counter()
    lookup = PlaceLookup(layers)
    indexed = time.perf_counter() - start
    out(
        f"layer {settings.BUILD_DIR.name}: {len(lookup)} communes, {len(layers.qpv2015)} QPV 2015;"
        f" load {loaded:.2f} s, index and precompute {indexed:.2f} s"
    )

    rng = np.random.default_rng(20260101)
    region = shapely.union_all(np.asarray(layers.region.geometry.values))
    shapely.prepare(region)
    _one_point(lookup, layers, region, rng, out)
    _many_points(lookup, layers, region, rng, out)
    _name_search(lookup, layers, rng, out)


def _one_point(
    lookup: PlaceLookup,
    layers: Layers,
    region: shapely.Geometry,
    rng: np.random.Generator,
    out: Callable[[str], None],
) -> None:
    """One point -> complete place facts (commune, zones, QPV point-in-polygon), in-process."""
    x1, y1 = _random_points_in(region, N_SINGLE, rng)
    pairs = [(float(a), float(b)) for a, b in zip(x1, y1, strict=True)]
    for lon, lat in pairs[:200]:  # warm-up
        lookup.try_point(lon, lat)
    p50, p99 = _best_round(lookup.try_point, pairs)
    out(
        f"one point -> place facts (try_point), {N_SINGLE} random points in the region:"
        f" p50 {p50:.1f} µs, p99 {p99:.1f} µs (best of 3 rounds)"
        f"  [target p50 <= {TARGET_POINT_P50_US:.0f} µs: {_ok(p50, TARGET_POINT_P50_US)}]"
    )
    p50v, p99v = _best_round(lookup.point, pairs)
    out(f"one point with input checks (point): p50 {p50v:.1f} µs, p99 {p99v:.1f} µs")
    qpv_points = [
        (g.representative_point().x, g.representative_point().y) for g in layers.qpv2015.geometry
    ]
    p50q, p99q = _best_round(lookup.try_point, qpv_points * 20)
    out(f"one point inside a QPV (105 QPV x 20): p50 {p50q:.1f} µs, p99 {p99q:.1f} µs")


def _many_points(
    lookup: PlaceLookup,
    layers: Layers,
    region: shapely.Geometry,
    rng: np.random.Generator,
    out: Callable[[str], None],
) -> None:
    """100,000 points -> facts table, against a bare sjoin of the same points."""
    import geopandas as gpd

    from geo import settings

    xs, ys = _random_points_in(region, N_MANY, rng)
    lookup.points(xs[:1000], ys[:1000])  # warm-up
    many = _best_of(lambda: lookup.points(xs, ys), repeat=3)
    table = lookup.points(xs, ys)
    points_gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xs, ys), crs=settings.STORAGE_CRS)
    communes_gdf = layers.communes[["insee", "geometry"]]
    _ = communes_gdf.sindex  # built once, as the lookup's tree is
    sjoin = _best_of(
        lambda: gpd.sjoin(points_gdf, communes_gdf, how="left", predicate="intersects"), repeat=3
    )
    ratio = many / sjoin
    out(
        f"{N_MANY:,} random points -> facts table (points): {many:.3f} s"
        f" ({table['inside'].mean():.1%} inside, {table['qpv_code'].notna().sum()} in a QPV)"
        f"  [target <= {TARGET_MANY_S} s: {_ok(many, TARGET_MANY_S)}]"
    )
    out(
        f"bare geopandas.sjoin of the same points with the communes: {sjoin:.3f} s;"
        f" ratio {ratio:.2f}x"
        f"  [target <= {TARGET_SJOIN_RATIO:.0f}x: {_ok(ratio, TARGET_SJOIN_RATIO)}]"
    )
    locate = _best_of(lambda: lookup.locate_many(xs, ys), repeat=3)
    out(f"commune index only (locate_many): {locate:.3f} s")


def _name_search(
    lookup: PlaceLookup, layers: Layers, rng: np.random.Generator, out: Callable[[str], None]
) -> None:
    """Name search: exact, without accents, with a typo, prefixes, aliases, postal codes."""
    names = list(layers.communes["nom"])
    picks = rng.choice(len(names), 400, replace=False)
    aliases = [a for row in layers.communes["alias_noms"] for a in row][:100]
    postal = sorted({cp for row in layers.communes["codes_postaux"] for cp in row})[:100]
    queries = {
        "exact name": [names[i] for i in picks[:100]],
        "lower-case, no accents": [
            n.lower().replace("é", "e").replace("è", "e")
            for n in (names[i] for i in picks[100:200])
        ],
        "typo (one letter dropped)": [
            n[:3] + n[4:] for n in (names[i] for i in picks[200:300]) if len(n) > 5
        ],
        "prefix (first 5 letters)": [names[i][:5] for i in picks[300:400]],
        "alias (déléguée, former commune)": aliases,
        "postal code": postal,
    }
    everything: list[int] = []
    for kind, texts in queries.items():
        samples = [_per_call(partial(lookup.search, t)) for t in texts]
        everything.extend(samples)
        p50n, p99n = _percentiles_us(samples)
        out(
            f"name search, {kind} ({len(texts)}):"
            f" p50 {p50n / 1000:.3f} ms, p99 {p99n / 1000:.3f} ms"
        )
    p50n, p99n = _percentiles_us(everything)
    out(
        f"name search, all kinds ({len(everything)}): p50 {p50n / 1000:.3f} ms, p99"
        f" {p99n / 1000:.3f} ms  [target p50 <= {TARGET_NAME_P50_MS:.0f} ms:"
        f" {_ok(p50n / 1000, TARGET_NAME_P50_MS)}]"
    )


if __name__ == "__main__":
    run()
