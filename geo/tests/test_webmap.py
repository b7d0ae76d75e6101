"""Web map: TopoJSON encoding (shared arcs, round trip), simplification of the real layer with
no gap or overlap, the disk cache, the Folium map (offline assets, escaping, layer choice),
the standalone export and the ``zonage export-map`` command."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from application.cli import main
from geo import assets
from geo.export import render_html, write_html
from geo.webmap import LAYER_IDS, app_map, build_map, check_layers, payload, prepare, web_layer
from geo.webmap import check as check_web
from geo.webmap import topology as topo
from geo.webmap.layer import WebLayer
from zonage.errors import DataError, InvalidInput

MAX_EXPORT_BYTES = 2_000_000  # DESIGN.md: whole region, all layers, assets inline


# --- TopoJSON encoding on small hand-made coverages -----------------------------------------


def _grid(nx: int, ny: int, size: float = 0.01) -> list[shapely.Polygon]:
    return [
        shapely.box(x * size, y * size, (x + 1) * size, (y + 1) * size)
        for y in range(ny)
        for x in range(nx)
    ]


def _same(a: shapely.Geometry, b: shapely.Geometry) -> bool:
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
        assert after.is_valid
        assert _same(before, after)  # the corners are on the 1e-4 grid already
    assert t["bbox"] == pytest.approx([0.0, 0.0, 0.03, 0.02])


def test_junction_where_four_squares_meet() -> None:
    t = topo.encode({"c": _grid(2, 2)}, step=1e-4)
    # 4 inner half-borders meeting at the centre + 4 outer borders.
    assert len(t["arcs"]) == 8
    ends = set()
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
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1


def test_prepare_refuses_a_layer_that_is_not_a_coverage(layers) -> None:  # noqa: ANN001
    small = _small(layers, "48")
    communes = small.communes.copy()
    # Grow one commune over its neighbours: the simplified map would overlap.
    first = communes.index[0]
    communes.loc[first, "geometry"] = communes.loc[first, "geometry"].buffer(0.02)
    with pytest.raises(DataError, match="pavage"):
        prepare(dataclasses.replace(small, communes=communes))


# --- The map ------------------------------------------------------------------------------------


def _scripts_and_links(page: str) -> list[str]:
    return re.findall(r"<script[^>]*\bsrc=|<link[^>]*\bhref=", page)


def test_standalone_page_is_offline_and_under_budget(web: WebLayer) -> None:
    page = render_html(web)
    size = len(page.encode("utf-8"))
    assert size <= MAX_EXPORT_BYTES, f"{size} bytes"
    assert _scripts_and_links(page) == []  # every script and style sheet is inline
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page and "bootstrap" not in page
    assert 'version="1.9.4"' in page or 't.version="1.9.4"' in page  # Leaflet, inline
    assert "topojson-client" in page
    assert "url(images/" not in page  # Leaflet's images are data: URIs
    assert "sourceMappingURL" not in page
    # The only remote URL the page would load is the tile template (blank offline).
    loaded = set(re.findall(r'"(https?://[^"]*\{[xyz]\}[^"]*)"', page))
    assert loaded == {"https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"}
    assert '<html lang="fr">' in page and "<title>Zonages des aides" in page


def test_page_data_describes_every_layer(web: WebLayer) -> None:
    data = payload(web)
    assert [spec["id"] for spec in data["layers"]] == list(LAYER_IDS)
    n = len(web.communes)
    zonage = data["layers"][0]
    assert len(zonage["values"]) == n
    assert sum(c["count"] for c in zonage["classes"].values()) == n
    assert "CartoSanté" in zonage["source"] and "2025" in zonage["source"]
    assert zonage["classes"]["I"]["count"] == (web.communes["zonage_medecins"] == "ZIP").sum()
    assert zonage["classes"]["X"]["count"] == web.communes["zonage_medecins"].isna().sum()
    prio = next(s for s in data["layers"] if s["id"] == "departements_prioritaires")
    assert "Ariège (09)" in prio["classes"]["P"]["label"]
    assert "Gers (32)" in prio["classes"]["P"]["label"]
    fills = [s["id"] for s in data["layers"] if s["kind"] == "choropleth" and s["shown"]]
    assert fills == ["zonage"]
    assert data["title"]["sources_title"] == "Sources et millésimes"
    sources = {text for _, text in data["title"]["sources"]}
    for key in ("zonage_medecins", "qpv2015", "massif", "zrr", "frr"):
        assert web.vintages[key] in sources


def test_page_data_sends_the_arcs_flat(web: WebLayer) -> None:
    data = payload(web)
    assert "arcs" not in data["topology"]
    pairs = [[flat[i : i + 2] for i in range(0, len(flat), 2)] for flat in data["arcs"]]
    assert pairs == web.topology["arcs"]


def test_layer_choice_and_department(web: WebLayer) -> None:
    data = payload(web.subset("32"), ["frr", "departements"], departement="32")
    assert [s["id"] for s in data["layers"]] == ["frr", "departements"]
    assert data["layers"][0]["shown"]  # the only colour layer asked for is drawn
    assert "qpv" not in data["topology"]["objects"]
    assert len(data["arcs"]) < len(web.subset("32").topology["arcs"])
    assert "Gers (32)" in data["title"]["heading"]
    small = render_html(web, departement="32", layers=["zonage"])
    assert len(small) < len(render_html(web)) / 4
    with pytest.raises(InvalidInput, match="couche inconnue : « routes »"):
        check_layers(["zonage", "routes"])
    with pytest.raises(InvalidInput, match="Choisissez parmi"):
        build_map(web, departement="2A")


def test_names_are_sent_as_text(layers) -> None:  # noqa: ANN001
    """Names and sources reach the page's data as they are, as plain text (``webmap.js`` sets
    them with ``textContent``), and nothing in them can end the script early."""
    small = _small(layers, "48")
    communes = small.communes.copy()
    evil = '<script>alert("x")</script> & <b>Cie</b> `${alert(2)}` </SCRIPT >'
    communes.loc[communes.index[0], "nom"] = evil
    qpv = layers.qpv2015.iloc[:1].copy()
    qpv.loc[qpv.index[0], "nom_qp"] = "<img src=x onerror=alert(1)>"
    qpv.loc[qpv.index[0], "insee"] = communes["insee"].iloc[0]
    vintages = dict(small.vintages, zonage_medecins="export <i>2025</i> & co")
    web = prepare(dataclasses.replace(small, communes=communes, qpv2015=qpv, vintages=vintages))
    page = render_html(web)
    for raw in ("<script>alert", "<img src=x", "<i>2025</i>", "<b>Cie</b>", "</SCRIPT"):
        assert raw not in page
    call = page.rsplit("zonageWebMap(", 1)[-1]
    data, end = json.JSONDecoder().raw_decode(call, call.index("{"))
    assert "</script" not in call[:end].lower()  # nothing can end the data's script early
    assert evil in data["communes"]["nom"]
    assert data["qpv"]["nom_qp"] == ["<img src=x onerror=alert(1)>"]
    zonage = next(spec for spec in data["layers"] if spec["id"] == "zonage")
    assert zonage["source"] == "export <i>2025</i> & co"
    assert ["Zonage médecins généralistes (ZIP, ZAC, ZAR)", "export <i>2025</i> & co"] in (
        data["title"]["sources"]
    )
    # The script puts data texts in the page as text only.
    script = (Path(__file__).parents[1] / "webmap" / "webmap.js").read_text(encoding="utf-8")
    assert [line for line in script.splitlines() if "innerHTML" in line] == [
        '  function escapeHtml(value) { return el("span", null, [String(value)]).innerHTML; }'
    ]


def test_served_map_links_local_copies(web: WebLayer, tmp_path: Path) -> None:
    fmap = build_map(web, mode="served", static_dir=tmp_path, title=False, collapsed=True)
    page = fmap.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "../../app/static/vendor/leaflet@1.9.4/leaflet.js" in urls
    assert "../../app/static/vendor/topojson-client@3.1.0/topojson-client.min.js" in urls
    assert "../../app/static/vendor/leaflet@1.9.4/leaflet.css" in urls
    assert not [u for u in urls if u.startswith("http")]
    for url in urls:
        assert (tmp_path / url.removeprefix("../../app/static/")).is_file(), url
    assert (tmp_path / "vendor/leaflet@1.9.4/images/layers.png").is_file()
    # The data is fetched from a file named after its content, by a loader script linked
    # before Leaflet (it starts the download while the libraries load); the page stays small.
    loader_url = re.findall(r'<script src="\.\./\.\./app/static/(data/[0-9a-f]+\.js)"', page)
    assert len(loader_url) == 1 and page.index(loader_url[0]) < page.index("leaflet.js")
    loader = (tmp_path / loader_url[0]).read_text(encoding="utf-8")
    (data_url,) = re.findall(r'fetch\("\.\./\.\./app/static/(data/[0-9a-f]+\.json)"\)', loader)
    data = json.loads((tmp_path / data_url).read_text(encoding="utf-8"))
    assert data["collapsed"] is True and data["title"] is None
    assert f'window.zonageData["../../app/static/{data_url}"]' in page
    assert len(page) < 100_000
    # Built again (a rerun of the app): same files, nothing rewritten.
    again = build_map(web, mode="served", static_dir=tmp_path, title=False, collapsed=True)
    assert data_url in loader and loader_url[0] in again.get_root().render()
    assert len(list((tmp_path / "data").iterdir())) == 2


def test_app_map_uses_served_assets(
    web: WebLayer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    page = app_map(web).get_root().render()
    assert "../../app/static/vendor/leaflet@1.9.4/leaflet.js" in page
    assert (tmp_path / "vendor" / "leaflet@1.9.4" / "leaflet.js").is_file()


def test_missing_npm_assets_say_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="npm ci"):
        assets.inline_js(assets_dir=tmp_path)
    fake = tmp_path / "leaflet"
    fake.mkdir()
    (fake / "package.json").write_text('{"version": "0.7.0"}', encoding="utf-8")
    with pytest.raises(DataError, match="0.7.0 au lieu de 1.9.4"):
        assets.package_dir("leaflet", assets_dir=tmp_path)


# --- Export and command line ----------------------------------------------------------------


def test_write_html_is_atomic_and_checks_the_path(web: WebLayer, tmp_path: Path) -> None:
    out = tmp_path / "carte.html"
    result = write_html(web, out, departement="48")
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert result.bytes == out.stat().st_size
    assert [p.name for p in tmp_path.iterdir()] == ["carte.html"]  # no temporary file left
    with pytest.raises(InvalidInput, match=r"\.html"):
        write_html(web, tmp_path / "carte.pdf")
    with pytest.raises(InvalidInput, match="dossier de sortie introuvable"):
        write_html(web, tmp_path / "absent" / "carte.html")


@pytest.fixture
def cli_build(built_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from geo import settings as geo_settings

    monkeypatch.setattr(geo_settings, "BUILD_DIR", built_dir)
    return built_dir


def test_cli_export_map(
    cli_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gers.html"
    code = main(
        [
            "export-map",
            "--out",
            str(out),
            "--departement",
            "32",
            "--layers",
            "zonage,qpv",
            "departements",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Carte écrite" in printed and "zonage, qpv, departements" in printed
    page = out.read_text(encoding="utf-8")
    assert "Gers (32)" in page
    assert '"id":"zonage"' in page and '"id":"massifs"' not in page


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--departement", "75"], "département inconnu en Occitanie : « 75 »"),
        (["--layers", "zonage", "routes"], "couche inconnue : « routes »"),
        (["--layers", ","], "aucune couche indiquée après --layers"),
    ],
)
def test_cli_export_map_bad_input(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export-map", "--out", str(tmp_path / "x.html"), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Choisissez parmi" in err
    assert err.count("\n") == 1  # one line, no traceback
    assert not (tmp_path / "x.html").exists()
