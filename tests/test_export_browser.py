"""The exported map in a real Chromium, offline: every layer and the legend render, tooltips
work, no console error, and the page asks the network for nothing but base-map tiles.

Every request that is not ``file:`` or ``data:`` is blocked and recorded; tiles are the only
ones allowed (and expected) to fail. A screenshot is kept in ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from application.cli import main
from application.render.policy import map_policy
from geo import settings
from geo.export import write_html
from geo.webmap import web_layer
from tests.conftest import ARTIFACTS, needs_chromium

TILE = re.compile(r"^https://[a-d]\.basemaps\.cartocdn\.com/light_all/\d+/\d+/\d+(@2x)?\.png$")

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


class Page:
    """A Chromium page that records console errors and blocks every non-local request."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.blocked: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if TILE.match(source) and source in self.blocked:
            return  # a blocked base-map tile: expected offline
        self.errors.append(f"{message.text} ({source})")

    def not_tiles(self) -> list[str]:
        return [url for url in self.blocked if not TILE.match(url)]


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield Page(context.new_page())
    context.close()


def _map_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Pixel position (in the page) of a WGS84 point on the Leaflet map."""
    return page.evaluate(
        """([lat, lon]) => {
            const div = document.querySelector(".folium-map");
            const p = window[div.id].latLngToContainerPoint([lat, lon]);
            const r = div.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [lat, lon],
    )


def _background_pixels(page: Any, lat: float, lon: float, zoom: int, size: int = 200) -> int:
    """Pixels of the bare map background in a square centred on a point, at a zoom level.

    Inside a department every pixel is covered by some commune: a background pixel there is a
    gap between neighbours as the browser draws them.
    """
    from PIL import Image

    page.evaluate(
        """([lat, lon, zoom]) => {
            const div = document.querySelector(".folium-map");
            window[div.id].setView([lat, lon], zoom, {animate: false});
        }""",
        [lat, lon, zoom],
    )
    page.wait_for_timeout(300)
    x, y = _map_point(page, lat, lon)
    png = page.screenshot(
        clip={"x": x - size / 2, "y": y - size / 2, "width": size, "height": size}
    )
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    background = np.array([0xDD, 0xDD, 0xDD])  # .leaflet-container
    return int((pixels == background).all(axis=2).sum())


def _paths(page: Any, pane: str) -> int:
    return page.locator(f".leaflet-zonage-{pane}-pane path").count()


def _communes_drawn(page: Any) -> int:
    """Communes the colour layer drew in its last frame (its canvas says so; 0 if none)."""
    canvas = page.locator(".leaflet-zonage-fill-pane canvas.zonage-communes")
    if canvas.count() != 1:
        return 0
    return int(canvas.get_attribute("data-drawn") or 0)


def test_exported_region_renders_offline(page: Page, layers, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "occitanie.html"
    write_html(web_layer(layers), out, policy=map_policy())
    p = page.page
    p.goto(out.as_uri())
    p.wait_for_selector(".zonage-legend section[data-layer='zonage']")

    # Every commune is drawn, plus the 105 QPV and the department borders.
    assert _communes_drawn(p) == len(layers.communes) == 4446
    assert _paths(p, "qpv") == len(layers.qpv2015) == 105
    assert _paths(p, "lines") >= 1
    legend = p.locator(".zonage-legend").inner_text()
    for text in ("Zonage médecins", "ZIP", "ZAC", "ZAR", "CartoSanté", "QPV", "départements"):
        assert text in legend
    title = p.locator(".zonage-title").inner_text()
    assert "Occitanie" in title and "Sources et millésimes" in title

    # A tooltip names the commune under the mouse and its class.
    x, y = _map_point(p, 43.6045, 1.4440)  # Toulouse, Capitole
    p.mouse.move(x, y)
    tooltip = p.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "Toulouse" in tooltip.inner_text() and "Zonage médecins" in tooltip.inner_text()

    # A QPV, zoomed in: its name, code and commune.
    p.evaluate(
        """() => {
            const div = document.querySelector(".folium-map");
            window[div.id].setView([43.5801, 1.4417], 14, {animate: false});
        }"""
    )
    x, y = _map_point(p, 43.5801, 1.4417)  # métro Empalot, in QPV QP031010
    p.mouse.move(x + 3, y + 3)
    p.mouse.move(x, y)
    p.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tooltip')]"
        ".some(t => t.textContent.includes('QP031010'))"
    )
    qpv_tip = p.locator(".leaflet-tooltip", has_text="QP031010").inner_text()
    assert "Empalot" in qpv_tip and "Toulouse" in qpv_tip and "liste 2015" in qpv_tip
    p.evaluate(
        """() => {
            const div = document.querySelector(".folium-map");
            window[div.id].setView([43.7, 2.2], 8, {animate: false});
        }"""
    )

    # The layer switcher: colour layers are radio buttons, outlines are checkboxes.
    control = p.locator(".leaflet-control-layers")
    control.get_by_text("ZRR (jusqu'au 30 juin 2024)").click()
    p.wait_for_selector(".zonage-legend section[data-layer='zrr']")
    assert p.locator(".zonage-legend section[data-layer='zonage']").count() == 0
    assert _communes_drawn(p) == 4446
    control.get_by_text("Massifs (loi Montagne)").click()
    p.wait_for_selector(".zonage-legend section[data-layer='massifs']")
    assert _paths(p, "zones") >= 2  # Pyrénées and Massif central, merged from communes
    control.get_by_text("Zonage médecins en vigueur le").click()
    p.wait_for_selector(".zonage-legend section[data-layer='zonage']")

    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "export-occitanie.png"))
    assert page.errors == []
    assert page.not_tiles() == []
    assert page.blocked, "the tiles were expected to be requested (and blocked)"


def test_exported_department_without_tiles_makes_no_request(
    page: Page,
    layers,
    built_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    out = tmp_path / "ariege.html"
    code = main(
        [
            "export-map",
            "--out",
            str(out),
            "--departement",
            "09",
            "--layers",
            "zonage",
            "qpv",
            "departements_prioritaires",
            "departements",
            "--no-tiles",
        ]
    )
    assert code == 0
    p = page.page
    p.goto(out.as_uri())
    p.wait_for_selector(".zonage-legend section[data-layer='zonage']")
    assert _communes_drawn(p) == (layers.communes["departement"] == "09").sum()
    assert _paths(p, "qpv") == (layers.qpv2015["departement"] == "09").sum() == 3
    assert "Ariège (09)" in p.locator(".zonage-title").inner_text()
    assert p.locator(".leaflet-control-layers-base input").count() == 2  # zonage, none
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "export-ariege.png"))
    # Zoomed in, no background shows between neighbouring communes (around Foix).
    for zoom in (11, 12, 13):
        assert _background_pixels(p, 42.95, 1.45, zoom) == 0, f"gap at zoom {zoom}"
    assert page.errors == []
    assert page.blocked == []


def test_tooltip_names_the_commune_under_the_mouse(page: Page, layers, tmp_path: Path) -> None:  # noqa: ANN001
    """The canvas layer's own hit test agrees with the drawn shapes, holes included.

    Points taken inside the simplified shapes the page draws (decoded from the same topology):
    every fourth of 120 communes spread over the region, and every commune lying inside a hole
    of another one (an enclave: the surrounding commune must not answer for it).
    """
    import shapely

    from geo.webmap import topology

    web = web_layer(layers)
    shapes = topology.decode(web.topology, "communes")
    enclaves = set()
    for geom in shapes:
        for part in shapely.get_parts(geom):
            for hole in part.interiors:
                inner = shapely.Polygon(hole)
                enclaves.update(
                    i for i, other in enumerate(shapes) if inner.contains(other.point_on_surface())
                )
    assert enclaves, "the region has enclaves (communes inside another commune's hole)"
    picks = sorted(set(range(0, len(shapes), len(shapes) // 30)) | enclaves)
    out = tmp_path / "occitanie.html"
    write_html(web, out)
    p = page.page
    p.goto(out.as_uri())
    p.wait_for_selector("canvas.zonage-communes[data-drawn]")
    wrong = []
    for i in picks:
        point = shapes[i].point_on_surface()
        p.evaluate(
            """([lat, lon]) => {
                const div = document.querySelector(".folium-map");
                window[div.id].setView([lat, lon], 13, {animate: false});
            }""",
            [point.y, point.x],
        )
        x, y = _map_point(p, point.y, point.x)
        p.mouse.move(x + 1, y)
        p.mouse.move(x, y)
        code = web.communes["insee"].iloc[i]
        tip = p.locator(".zonage-commune-tooltip")
        tip.wait_for()
        if f"({code})" not in tip.inner_text():
            wrong.append((code, tip.inner_text()))
    assert wrong == []
    assert page.errors == []


def test_planted_names_show_as_text(page: Page, hostile_build: Path, tmp_path: Path) -> None:
    """A commune name, a QPV name and a vintage full of HTML, Markdown and script (planted in
    a sealed copy of the build) show as text in the tooltips, the legend and the title: no
    element is made of them, no script runs, nothing is fetched."""
    from geo.layer import load
    from tests import hostile

    out = tmp_path / "ariege.html"
    write_html(web_layer(load(hostile_build)), out, departement="09", tiles=False)
    p = page.page
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.goto(out.as_uri())
    p.wait_for_selector(".zonage-legend section[data-layer='zonage']")

    lat, lon = hostile.POINT
    p.evaluate(
        """([lat, lon]) => {
            const div = document.querySelector(".folium-map");
            window[div.id].setView([lat, lon], 15, {animate: false});
        }""",
        [lat, lon],
    )
    x, y = _map_point(p, lat, lon)  # inside the QPV: its tooltip names the planted QPV
    p.mouse.move(x + 2, y + 2)
    p.mouse.move(x, y)
    qpv_tip = p.locator(".leaflet-tooltip", has_text="QP009001")
    qpv_tip.wait_for()
    assert hostile.QPV_NAME in qpv_tip.inner_text()
    assert hostile.NAME in qpv_tip.inner_text()  # the commune of the QPV
    p.mouse.click(x, y)
    # Beside the QPV, the commune fill's own tooltip.
    p.evaluate(
        """() => {
            const div = document.querySelector(".folium-map");
            window[div.id].setView([42.9665, 1.1400], 13, {animate: false});
        }"""
    )
    x, y = _map_point(p, *hostile.OUTSIDE_QPV)
    p.mouse.move(x + 2, y)
    p.mouse.move(x, y)
    tip = p.locator(".zonage-commune-tooltip")
    tip.wait_for()
    assert tip.inner_text().startswith(f"{hostile.NAME} ({hostile.INSEE})")
    p.mouse.click(x, y)

    title = p.locator(".zonage-title")
    title.locator("summary").click()
    assert f"Massifs (loi Montagne) : {hostile.VINTAGE}" in title.inner_text()
    p.locator(".leaflet-control-layers").hover()
    p.locator(".leaflet-control-layers").get_by_text("Massifs (loi Montagne)").click()
    section = p.locator(".zonage-legend section[data-layer='massifs']")
    section.wait_for()
    assert f"Source : {hostile.VINTAGE}" in section.inner_text()

    # Nothing of the planted texts became an element or ran.
    assert p.locator("img[src='x'], a[href*='evil.example'], img[src*='evil.example']").count() == 0
    assert p.evaluate("() => document.querySelectorAll('.leaflet-container img').length") == 0
    assert dialogs == []
    assert [url for url in page.blocked if hostile.EVIL_HOST in url] == []
    assert page.errors == []
    assert page.blocked == []
