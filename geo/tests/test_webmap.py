"""Web layer: TopoJSON encoding (shared arcs, round trip), simplification of the real layer with
no gap or overlap, and the disk cache (the map page itself: ``test_webmap_page.py``)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.webmap import check as check_web
from geo.webmap import prepare, web_layer
from geo.webmap import topology as topo
from geo.webmap.layer import FORMAT_VERSION, WebLayer
from zonage.errors import DataError, InvalidInput

# --- TopoJSON encoding on small hand-made coverages -----------------------------------------


def _grid(nx: int, ny: int, size: float = 0.01) -> list[shapely.Polygon]:
    return [
        shapely.box(x * size, y * size, (x + 1) * size, (y + 1) * size)
        for y in range(ny)
        for x in range(nx)
    ]


def _same(a: shapely.Geometry | None, b: shapely.Geometry | None) -> bool:
    """Same shape, up to float noise (decoding computes ``q * step + origin``)."""
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-9))


def _refs(geometry: dict) -> list[int]:
    out: list[int] = []

    def walk(arcs: list) -> None:
        for a in arcs:
            walk(a) if isinstance(a, list) else out.append(a)

    walk(geometry["arcs"])
    return out


def test_shared_border_is_one_arc_used_both_ways() -> None:
    left, right = _grid(2, 1)
    t = topo.encode({"c": [left, right]}, step=1e-4)
    a, b = (set(_refs(g)) for g in t["objects"]["c"]["geometries"])
    shared = {r if r >= 0 else ~r for r in a} & {r if r >= 0 else ~r for r in b}
    assert len(shared) == 1
    arc = shared.pop()
    # One polygon walks the shared arc forwards, the other backwards.
    assert (arc in a and ~arc in b) or (~arc in a and arc in b)
    assert len(t["arcs"]) == 3  # the shared border and each square's outer border


def test_round_trip_gives_back_the_polygons_on_the_grid() -> None:
    polys = _grid(3, 2)
    t = topo.encode({"c": polys}, step=1e-4)
    decoded = topo.decode(t, "c")
    for before, after in zip(polys, decoded, strict=True):
        assert after is not None and after.is_valid
        assert _same(before, after)  # the corners are on the 1e-4 grid already
    assert t["bbox"] == pytest.approx([0.0, 0.0, 0.03, 0.02])


def test_junction_where_four_squares_meet() -> None:
    t = topo.encode({"c": _grid(2, 2)}, step=1e-4)
    # 4 inner half-borders meeting at the centre + 4 outer borders.
    assert len(t["arcs"]) == 8
    ends: set[tuple[int, ...]] = set()
    for arc in t["arcs"]:
        pts = np.cumsum(np.asarray(arc), axis=0)
        ends.update(map(tuple, pts[[0, -1]].tolist()))
    assert (100, 100) in ends  # the centre (0.01, 0.01) is an arc end


def test_enclave_and_its_hole_share_one_arc() -> None:
    outer = shapely.box(0, 0, 0.1, 0.1).difference(shapely.box(0.04, 0.04, 0.06, 0.06))
    inner = shapely.box(0.04, 0.04, 0.06, 0.06)
    t = topo.encode({"c": [outer, inner]}, step=1e-4)
    assert len(t["arcs"]) == 2
    decoded = topo.decode(t, "c")
    assert _same(decoded[0], outer) and _same(decoded[1], inner)


def test_exteriors_clockwise_holes_counter_clockwise() -> None:
    outer = shapely.box(0, 0, 0.1, 0.1).difference(shapely.box(0.04, 0.04, 0.06, 0.06))
    t = topo.encode({"c": [shapely.orient_polygons(outer, exterior_cw=False)]}, step=1e-4)
    poly = topo.decode(t, "c")[0]
    assert isinstance(poly, shapely.Polygon)
    assert not poly.exterior.is_ccw
    assert poly.interiors[0].is_ccw


def test_subset_drops_unused_arcs_and_renumbers() -> None:
    polys = _grid(3, 1)
    t = topo.encode({"c": polys, "q": [shapely.box(0.5, 0.5, 0.51, 0.51)]}, step=1e-4)
    sub = topo.subset(t, {"c": [2]})
    assert list(sub["objects"]) == ["c"]
    refs = {r if r >= 0 else ~r for r in _refs(sub["objects"]["c"]["geometries"][0])}
    assert refs == set(range(len(sub["arcs"])))
    assert _same(topo.decode(sub, "c")[0], polys[2])
    assert sub["bbox"] == pytest.approx([0.02, 0.0, 0.03, 0.01])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 40),
    step=st.sampled_from([1e-4, 1e-3]),
)
def test_random_coverages_stay_gap_and_overlap_free(seed: int, n: int, step: float) -> None:
    """Voronoi cells of random points (a coverage with irregular junctions) survive the encoding:
    valid polygons, a valid coverage, the same total area as their union."""
    rng = np.random.default_rng(seed)
    box = shapely.box(0, 0, 0.5, 0.3)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(rng.random((n, 2)) * [0.5, 0.3]))
    )
    cells = np.array([shapely.intersection(c, box) for c in cells], dtype=object)
    cells = shapely.transform(cells, lambda xy: np.rint(xy / step) * step)
    cells = cells[~shapely.is_empty(cells) & shapely.is_valid(cells)]
    if not shapely.coverage_is_valid(cells):
        return  # rounding broke the input itself: nothing to test
    decoded = np.array(topo.decode(topo.encode({"c": cells}, step=step), "c"), dtype=object)
    assert all(g is not None and g.is_valid for g in decoded)
    assert shapely.coverage_is_valid(decoded)
    assert shapely.area(decoded).sum() == pytest.approx(shapely.union_all(decoded).area, rel=1e-9)
    assert shapely.area(decoded).sum() == pytest.approx(shapely.area(cells).sum(), rel=1e-9)


# --- The real layer ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(layers) -> WebLayer:  # noqa: ANN001
    """The web layer of the session's build (cached in its build folder)."""
    return web_layer(layers)


def _adjacent_pairs(geoms: np.ndarray) -> set[tuple[int, int]]:
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    shared = shapely.length(
        shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b]))
    )
    return set(zip(a[shared > 0].tolist(), b[shared > 0].tolist(), strict=True))


def test_real_layer_simplified_without_gaps_or_overlaps(web: WebLayer, layers) -> None:  # noqa: ANN001
    check = web.stats["check"]
    assert check["ok"], check["problems"]
    assert check["communes"] == len(layers.communes) == 4446
    assert check["lost"] == 0 and check["invalid"] == 0 and check["coverage_valid"]
    assert check["overlap_share"] < 1e-9
    assert check["holes"] == check["holes_reference"]  # Llívia (Spanish enclave), nothing new
    # The map stays close to the source: borders move by little; areas barely change.
    assert check["hausdorff_m"]["p50"] < 150
    assert check["hausdorff_m"]["p99"] < 400
    measured = check_web(web, layers.communes.geometry.values, area_change=True)
    assert measured["ok"] and measured["area_change_share"] < 0.03
    assert web.stats["points_web"] < web.stats["vertices_source"] / 2


def test_real_layer_neighbours_keep_their_shared_border(web: WebLayer, layers) -> None:  # noqa: ANN001
    decoded = np.array(topo.decode(web.topology, "communes"), dtype=object)
    before = _adjacent_pairs(layers.communes.geometry.values)
    after = _adjacent_pairs(decoded)
    assert after == before
    # Neighbours are drawn from the same points: their common border has no width.
    a, b = np.array(sorted(after)).T
    assert shapely.area(shapely.intersection(decoded[a], decoded[b])).max() == 0


def test_real_layer_rows_follow_the_layer(web: WebLayer, layers) -> None:  # noqa: ANN001
    assert web.communes["insee"].tolist() == layers.communes["insee"].tolist()
    assert len(web.topology["objects"]["qpv"]["geometries"]) == len(layers.qpv2015) == 105
    qpv = topo.decode(web.topology, "qpv")
    assert all(g is not None and g.is_valid for g in qpv)
    # A decoded commune contains the source's representative point (mostly: borders moved).
    pts = shapely.point_on_surface(layers.communes.geometry.values)
    inside = shapely.contains(np.array(topo.decode(web.topology, "communes"), dtype=object), pts)
    assert inside.mean() > 0.97


def test_department_subset(web: WebLayer) -> None:
    sub = web.subset("09")
    assert set(sub.communes["departement"]) == {"09"}
    assert len(sub.communes) == (web.communes["departement"] == "09").sum()
    assert set(sub.qpv["insee"]).issubset(set(sub.communes["insee"]))
    full = topo.decode(web.topology, "communes")
    rows = np.flatnonzero(web.communes["departement"].to_numpy() == "09")
    for row, geom in zip(rows[:25], topo.decode(sub.topology, "communes")[:25], strict=False):
        assert _same(full[row], geom)
    with pytest.raises(InvalidInput, match="Choisissez parmi : 09, 11"):
        web.subset("75")


# --- Cache --------------------------------------------------------------------------------------


def _small(layers, departement: str = "48"):  # noqa: ANN001, ANN202
    """The session's layers cut down to one department (fast to prepare)."""
    communes = layers.communes[layers.communes["departement"] == departement]
    qpv = layers.qpv2015[layers.qpv2015["insee"].isin(communes["insee"])]
    return dataclasses.replace(layers, communes=communes.copy(), qpv2015=qpv.copy())


def test_cache_written_once_then_read(layers, tmp_path: Path) -> None:  # noqa: ANN001
    small = _small(layers, "66")
    first = web_layer(small, cache_dir=tmp_path)
    files = list(tmp_path.glob("web-*.json"))
    assert len(files) == 1
    stamp = files[0].stat().st_mtime_ns
    again = web_layer(small, cache_dir=tmp_path)
    assert files[0].stat().st_mtime_ns == stamp  # read, not written again
    assert again.topology == json.loads(json.dumps(first.topology))
    assert again.communes["nom"].tolist() == first.communes["nom"].tolist()
    # A change in the layer gives another fingerprint: prepared again, old file removed.
    renamed = small.communes.copy()
    renamed.loc[renamed.index[0], "nom"] = "Commune renommée"
    third = web_layer(dataclasses.replace(small, communes=renamed), cache_dir=tmp_path)
    assert third.communes["nom"].iloc[0] == "Commune renommée"
    assert [p.name for p in tmp_path.glob("web-*.json")] != [files[0].name]
    assert len(list(tmp_path.glob("web-*.json"))) == 1


def test_damaged_cache_is_prepared_again(layers, tmp_path: Path) -> None:  # noqa: ANN001
    small = _small(layers, "48")
    web_layer(small, cache_dir=tmp_path)
    (path,) = tmp_path.glob("web-*.json")
    path.write_text("{not json", encoding="utf-8")
    web = web_layer(small, cache_dir=tmp_path)
    assert web.stats["check"]["ok"]
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT_VERSION


def test_prepare_refuses_a_layer_that_is_not_a_coverage(layers) -> None:  # noqa: ANN001
    small = _small(layers, "48")
    communes = small.communes.copy()
    # Grow one commune over its neighbours: the simplified map would overlap.
    first = communes.index[0]
    communes.loc[first, "geometry"] = communes.loc[first, "geometry"].buffer(0.02)
    with pytest.raises(DataError, match="pavage"):
        prepare(dataclasses.replace(small, communes=communes))
