"""The app in a real Chromium: ``streamlit run serve.py`` (what scripts/app.sh runs) on a free
local port, offline.

Waits for the map, clicks inside a known commune with the mouse, and reads the place and a
known aid in the panel; every request that leaves the machine is blocked (base-map tiles are the
only ones expected). A screenshot is kept in ``test-artifacts/``. Hostile link parameters and
names planted in the data must show as text (no link, image, request or script).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from geo import settings
from tests import hostile
from tests.conftest import ARTIFACTS, needs_chromium
from tests.hostile import EVIL_HOST

pytestmark = [pytest.mark.browser, needs_chromium]

FOIX = (42.9653, 1.6069)  # a point in the town centre of Foix (09122)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _streamlit(script: str, built_dir: Path, log: Path, ready: str = "") -> Iterator[str]:
    """``streamlit run SCRIPT`` on a free local port; yields its URL once it answers and its
    log shows ``ready``."""
    port = _free_port()
    env = {**os.environ, "ZONAGE_BUILD_DIR": str(built_dir)}
    streamlit = Path(sys.executable).with_name("streamlit")
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(streamlit), "run", script, "--server.headless", "true",
                "--server.address", "127.0.0.1", "--server.port", str(port),
                "--browser.gatherUsageStats", "false",
            ],
            cwd=settings.PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    if ready in log.read_text():
                        break
                except OSError:
                    pass
                if proc.poll() is not None:
                    pytest.fail(f"streamlit stopped: {log.read_text()}")
                time.sleep(0.2)
            else:
                pytest.fail(f"streamlit did not start: {log.read_text()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


#: What serve.py logs once the data is loaded, before any visit.
WARM = "données de la carte chargées"


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("streamlit") / "server.log"


@pytest.fixture(scope="module")
def server(built_dir: Path, server_log: Path) -> Iterator[str]:
    """``streamlit run serve.py``, ready once it has loaded the data (no visit before that)."""
    with _streamlit("serve.py", built_dir, server_log, ready=WARM) as url:
        yield url


def _communes_drawn(frame: Any) -> int:
    """Communes the map's colour layer drew in its last frame (read from its canvas)."""
    canvas = frame.locator("canvas.zonage-communes[data-drawn]")
    return int(canvas.first.get_attribute("data-drawn")) if canvas.count() else 0


class OfflinePage:
    """A page that reaches only the local server and records what it tried elsewhere."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith((self.base, "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def map_frame(self, timeout_s: float = 90) -> Any:
        """The streamlit-folium frame once its communes are drawn."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if "st_folium" in frame.url and _communes_drawn(frame) == 4446:
                    return frame
            self.page.wait_for_timeout(250)  # lets Playwright process the page's events
        raise AssertionError("the map did not draw its communes")

    def point_at(self, frame: Any, lat: float, lon: float) -> tuple[float, float]:
        """Where a WGS84 position of the map is, in the page."""
        x, y = frame.evaluate(
            """([lat, lon]) => {
                const p = window.map.latLngToContainerPoint([lat, lon]);
                const r = window.map.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            [lat, lon],
        )
        box = frame.frame_element().bounding_box()
        return box["x"] + x, box["y"] + y

    def click_at(self, frame: Any, lat: float, lon: float) -> None:
        """A real mouse click on the map at a WGS84 position."""
        self.page.mouse.click(*self.point_at(frame, lat, lon))

    def hover_at(self, frame: Any, lat: float, lon: float) -> None:
        """The mouse moved onto a WGS84 position of the map (from one pixel aside)."""
        x, y = self.point_at(frame, lat, lon)
        self.page.mouse.move(x + 1, y)
        self.page.mouse.move(x, y)


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    yield OfflinePage(context.new_page(), server)
    context.close()


def test_click_on_foix_shows_place_and_aids(page: OfflinePage, server: str) -> None:
    page.page.goto(f"{server}/?profil=liberal-installation")
    frame = page.map_frame()
    page.click_at(frame, *FOIX)
    panel = page.page.get_by_role("heading", name="Foix (09122)")
    panel.wait_for(timeout=30_000)
    page.page.locator('[data-aid="contrat-ars-territoires"]').first.wait_for(timeout=10_000)
    frame.locator("path.zonage-selection").wait_for(timeout=10_000)  # the chosen spot is drawn
    assert "lat=42.9" in page.page.url and "profil=liberal-installation" in page.page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "app-clic-foix.png"), full_page=True)
    assert page.errors == []
    assert all("basemaps.cartocdn.com" in url for url in page.blocked), page.blocked


def test_shared_link_reopens_the_view(page: OfflinePage, server: str) -> None:
    page.page.goto(f"{server}/?insee=12218&profil=liberal-installation&date=2025-06-01")
    page.page.get_by_role("heading", name="Conques-en-Rouergue (12218)").wait_for(timeout=60_000)
    page.page.locator('[data-aid="caim"]').first.wait_for(timeout=10_000)
    assert page.errors == []


def test_serve_loads_the_data_as_it_starts(
    page: OfflinePage, server: str, server_log: Path
) -> None:
    """``streamlit run serve.py``: the data was loaded before the first visit (the ``server``
    fixture waits for it), and the visits leave no error in the server's log."""
    page.page.goto(f"{server}/?insee=31555&profil=liberal-installation")
    page.map_frame()
    page.page.get_by_role("heading", name="Toulouse (31555)").wait_for(timeout=30_000)
    assert page.errors == []
    text = server_log.read_text()
    assert "Traceback" not in text and "Error" not in text, text


def _dialogs(page: Any) -> list[str]:
    """Messages of the dialogs (``alert`` …) the page opens, each dismissed."""
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


def _evil_elements(page: Any) -> int:
    """Links and images pointing to the hostile host, in the page and its frames."""
    selector = f'a[href*="{EVIL_HOST}"], img[src*="{EVIL_HOST}"], img[src="x"]'
    return sum(frame.locator(selector).count() for frame in page.frames)


def test_hostile_link_shows_plain_text(page: OfflinePage, server: str) -> None:
    """Markdown and HTML in a shared link's parameters show as text in the warnings: no live
    link, no image fetched, no script."""
    dialogs = _dialogs(page.page)
    params = {
        "profil": "[Cliquez ici](https://evil.example/phish)",
        "date": "![t](https://evil.example/track.png)",
        "insee": "<img src=x onerror=alert(1)> www.evil.example a@evil.example",
    }
    page.page.goto(f"{server}/?{urlencode(params)}")
    alerts = page.page.get_by_text("Lien incomplet")
    alerts.nth(2).wait_for(timeout=60_000)
    page.page.get_by_text("Cliquez sur la carte").wait_for(timeout=30_000)
    # As typed, with no backslash (the word joiners that break autolinks are invisible).
    shown = "\n".join(alerts.all_inner_texts()).replace("\u2060", "")
    assert shown.count("](https://evil.example/") == 2
    assert "\\" not in shown
    assert _evil_elements(page.page) == 0
    assert dialogs == [] and page.errors == []
    assert [url for url in page.blocked if EVIL_HOST in url] == []


@pytest.fixture(scope="module")
def hostile_server(hostile_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` (the page alone) on the build with planted texts."""
    log = tmp_path_factory.mktemp("streamlit") / "hostile.log"
    with _streamlit("app.py", hostile_build, log) as url:
        yield url


def test_planted_name_shows_as_text(browser: Any, hostile_server: str) -> None:
    """A commune name full of HTML, Markdown and script (planted in a sealed copy of the
    build) shows as text in the panel, the chosen spot's tooltip and the commune tooltip."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = OfflinePage(context.new_page(), hostile_server)
    dialogs = _dialogs(page.page)
    lat, lon = hostile.OUTSIDE_QPV
    page.page.goto(f"{hostile_server}/?lat={lat}&lon={lon}&profil=liberal-installation")
    frame = page.map_frame()
    heading = page.page.locator("h3", has_text=f"({hostile.INSEE})")
    heading.wait_for(timeout=30_000)
    assert heading.inner_text().startswith(f"{hostile.NAME} ({hostile.INSEE})")
    frame.locator("path.zonage-selection").wait_for(timeout=10_000)
    frame.evaluate(
        "([lat, lon]) => window.map.setView([lat, lon], 14, {animate: false})", [lat, lon]
    )
    page.hover_at(frame, lat, lon)  # the chosen spot
    tip = frame.locator(".leaflet-tooltip", has_text="gras")
    tip.wait_for(timeout=10_000)
    assert tip.inner_text().strip() == hostile.NAME
    page.hover_at(frame, *hostile.OUTSIDE_QPV_2)  # the commune fill, away from the spot
    fill_tip = frame.locator(".zonage-commune-tooltip", has_text=hostile.INSEE)
    fill_tip.wait_for(timeout=10_000)
    assert fill_tip.inner_text().startswith(f"{hostile.NAME} ({hostile.INSEE})")
    page.hover_at(frame, *hostile.POINT)  # the QPV
    qpv_tip = frame.locator(".leaflet-tooltip", has_text="QP009001")
    qpv_tip.wait_for(timeout=10_000)
    assert qpv_tip.inner_text().startswith(f"{hostile.QPV_NAME} (QP009001) : {hostile.NAME}")
    assert _evil_elements(page.page) == 0
    assert dialogs == [] and page.errors == []
    assert [url for url in page.blocked if EVIL_HOST in url] == []
    context.close()
