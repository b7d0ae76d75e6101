"""Web map benchmark: map weight and build times.

Prints: the HTML size of the source polygons written straight into ``folium.GeoJson`` (the
naive map, CDN assets not counted), the size of the exported whole-region page with every
layer and its assets inline (and of each department's page), vertex counts before and after
simplification, the check of the simplified coverage, and the times of each step (simplify
and encode, read from the cache, build and render the page, build the app's map on a rerun).

Run with ``python -m geo.bench webmap`` after ``zonage data build``. Prints figures; asserts
nothing (target: whole region ≤ 2 MB with assets inline, no gap or overlap).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.layer import Layers
    from geo.webmap import WebLayer

TARGET_EXPORT_BYTES = 2_000_000


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def _ok(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER"


def run(out: Callable[[str], None] = print) -> None:
    """Print the web map figures."""
    from geo.layer import load
    from geo.webmap import web_layer
    from zonage.errors import DataError

    try:
        layers = load()
    except DataError as exc:
        out(f"webmap: no built layer ({exc}); run `zonage data build` first")
        return
    naive_bytes = _naive_map(layers, out)
    _simplification(layers, out)
    with tempfile.TemporaryDirectory() as tmp:
        web_layer(layers, cache_dir=Path(tmp))
        start = time.perf_counter()
        cached = web_layer(layers, cache_dir=Path(tmp))
        out(f"web_layer read from the disk cache: {time.perf_counter() - start:.3f} s")
        _standalone_page(cached, naive_bytes, out)
        _app_map(cached, Path(tmp) / "static", out)


def _naive_map(layers: Layers, out: Callable[[str], None]) -> int:
    """The source polygons straight into ``folium.GeoJson``; returns the page's size."""
    import folium

    communes = layers.communes
    start = time.perf_counter()
    naive = folium.Map(location=[43.7, 2.2], zoom_start=7)
    folium.GeoJson(communes[["insee", "nom", "geometry"]]).add_to(naive)
    naive_bytes = len(naive.get_root().render().encode("utf-8"))
    out(
        f"naive folium.GeoJson of the {len(communes)} source polygons: {_mb(naive_bytes)}"
        f" (CDN links, assets not inline), rendered in {time.perf_counter() - start:.2f} s"
    )
    return naive_bytes


def _simplification(layers: Layers, out: Callable[[str], None]) -> None:
    """Simplification and encoding (what the cache saves), and the check of the result."""
    from geo.webmap import check as check_web
    from geo.webmap import prepare

    start = time.perf_counter()
    web = prepare(layers)
    prepared = time.perf_counter() - start
    s = web.stats
    start = time.perf_counter()
    check = check_web(web, layers.communes.geometry.values, area_change=True)
    checked = time.perf_counter() - start
    out(
        f"prepare (round to {s['grid_step_deg']}°, coverage-simplify {s['tolerance_m']:.0f} m,"
        f" TopoJSON): {s['seconds']:.2f} s, with the coverage check {prepared:.2f} s"
        f" (check with the area change: {checked:.2f} s)"
    )
    out(
        f"vertices: source {s['vertices_source']:,}, simplified {s['vertices_web']:,}"
        f" (each shared border twice); stored in {s['arcs']:,} arcs: {s['points_web']:,} points"
        f" ({s['vertices_source'] / s['points_web']:.1f}x fewer)"
    )
    out(
        f"check: ok={check['ok']} lost={check['lost']} invalid={check['invalid']}"
        f" coverage_valid={check['coverage_valid']} overlap_share={check['overlap_share']:.1e}"
        f" holes={check['holes']} (reference {check['holes_reference']});"
        f" border shift p50/p99/max {check['hausdorff_m']['p50']:.0f}/"
        f"{check['hausdorff_m']['p99']:.0f}/{check['hausdorff_m']['max']:.0f} m;"
        f" area moved {100 * check['area_change_share']:.2f} %"
    )


def _standalone_page(cached: WebLayer, naive_bytes: int, out: Callable[[str], None]) -> None:
    """The exported page of the whole region (and of each department), assets inline."""
    from geo import assets, settings
    from geo.export import render_html
    from geo.webmap import payload
    from geo.webmap.builder import _script_json
    from geo.webmap.style import MapPolicy

    # The priority departments come from the aid catalogue (the application passes them); the
    # size is measured with all 13 departments drawn, an upper bound of that layer's weight.
    every = MapPolicy(priority_departments=settings.DEPARTMENTS)
    start = time.perf_counter()
    page = render_html(cached, policy=every)
    built = time.perf_counter() - start
    page_bytes = len(page.encode("utf-8"))
    asset_bytes = sum(
        len(text.encode("utf-8")) for _, text in assets.inline_js() + assets.inline_css()
    )
    data = payload(cached)
    data_bytes = len(_script_json(data).encode("utf-8"))
    topo_bytes = len(_script_json([data["topology"], data["arcs"]]).encode("utf-8"))
    out(
        f"exported whole region, all layers (all departments priority), assets inline:"
        f" {_mb(page_bytes)}"
        f"  [target <= {_mb(TARGET_EXPORT_BYTES)}: {_ok(page_bytes, TARGET_EXPORT_BYTES)}];"
        f" {naive_bytes / page_bytes:.1f}x lighter than the naive map;"
        f" built and rendered in {built:.2f} s"
    )
    rest = page_bytes - asset_bytes - data_bytes
    out(
        f"  of which assets {_mb(asset_bytes)}, map data {_mb(data_bytes)}"
        f" (TopoJSON {_mb(topo_bytes)}), page and script {_mb(rest)};"
        f" without the assets {_mb(page_bytes - asset_bytes)}:"
        f" {naive_bytes / (page_bytes - asset_bytes):.1f}x lighter than the naive map"
        f"  [target >= 3.4x]"
    )
    sizes = {dep: len(render_html(cached, departement=dep).encode()) for dep in cached.departements}
    small, large = min(sizes, key=sizes.__getitem__), max(sizes, key=sizes.__getitem__)
    out(f"department pages: {_mb(sizes[small])} ({small}) to {_mb(sizes[large])} ({large})")


def _app_map(cached: WebLayer, static: Path, out: Callable[[str], None]) -> None:
    """The app's map: assets and data served from ``static`` (a temporary folder here)."""
    from geo.webmap import build_map

    start = time.perf_counter()
    build_map(cached, mode="served", static_dir=static)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    again = build_map(cached, mode="served", static_dir=static)
    script = again.get_root().render()
    rerun_s = time.perf_counter() - start
    out(
        f"app map (served assets): first build {first_s:.2f} s (publishes the data file),"
        f" rerun build + render {1000 * rerun_s:.0f} ms, page script {len(script) / 1e3:.0f} kB"
    )
