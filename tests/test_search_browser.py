"""The search box in a real Chromium: ``streamlit run serve.py`` with the fake address service
(``geo/tests/fixtures/ban_server.py``) on loopback.

An address searched while the address service is down says so in one line that is in the first
screen (1400×900; a screenshot is kept in ``test-artifacts/``); a search moves the map to a
commune or to an address point, and a later click on the map does not move it back; an error
shows under the box, above the map.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.tests.fixtures.ban_server import FakeBan, Reply, serve
from tests.conftest import ARTIFACTS, needs_chromium
from tests.test_app_browser import WARM, OfflinePage, _streamlit

pytestmark = [pytest.mark.browser, needs_chromium]

CAPITOLE = (43.60445, 1.44333)  # 1 place du Capitole, as the recorded answer places it
FOIX = (42.9653, 1.6069)
FALLBACK = (
    "Service d'adresses injoignable : résultat pour toute la commune de Toulouse (31555) ;"
    " réessayez plus tard ou cliquez sur la carte à l'emplacement du cabinet."
)


@pytest.fixture(scope="module")
def ban() -> Iterator[FakeBan]:
    """The fake address service the app's server asks (its answers are set per test)."""
    with serve() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(
    built_dir: Path, ban: FakeBan, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """``streamlit run serve.py`` asking the fake address service, with no retry and no
    memory of its failures (each test says how the service behaves)."""
    folder = tmp_path_factory.mktemp("search")
    with contextlib.ExitStack() as stack:
        with pytest.MonkeyPatch.context() as env:  # for the server's process only
            env.setenv("ZONAGE_BAN_URL", ban.url)
            env.setenv("ZONAGE_BAN_RETRIES", "0")
            env.setenv("ZONAGE_BAN_DOWN_S", "0")
            env.setenv("ZONAGE_CACHE", str(folder / "cache"))
            url = stack.enter_context(_streamlit("serve.py", built_dir, folder / "log", WARM))
        yield url


@pytest.fixture
def page(browser: Any, server: str, ban: FakeBan) -> Iterator[OfflinePage]:
    """A fresh visit in a 1400×900 window; the address service answers as recorded."""
    ban.always = None
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    yield OfflinePage(context.new_page(), server)
    context.close()


def _search(page: OfflinePage, text: str) -> None:
    """Type ``text`` in the search box and press « Chercher »."""
    box = page.page.locator('input[aria-label^="Rechercher un lieu"]')
    box.fill(text)
    page.page.get_by_role("button", name="Chercher").click()


def _click(page: OfflinePage, frame: Any, lat: float, lon: float) -> None:
    """A real click on the map, once the map is wholly in the window: Leaflet focuses the map
    on mouse down, which scrolls a page whose map is partly hidden, and the click then lands
    elsewhere."""
    frame.frame_element().scroll_into_view_if_needed()
    page.click_at(frame, lat, lon)


def _wait_url(page: OfflinePage, part: str) -> None:
    """Wait until the page's link holds ``part`` (the place shown)."""
    page.page.wait_for_function(f"() => location.search.includes({part!r})", timeout=30_000)


def _view(frame: Any) -> tuple[float, float, float]:
    """The map's centre (lat, lon) and zoom."""
    lat, lon, zoom = frame.evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"
    )
    return lat, lon, zoom


def _wait_view(frame: Any, lat: float, lon: float, zoom: int, within: float = 1e-3) -> None:
    """Wait until the map is centred on (lat, lon), ``within`` degrees, at ``zoom``."""
    deadline = time.monotonic() + 30
    while True:
        now = _view(frame)
        if abs(now[0] - lat) < within and abs(now[1] - lon) < within and now[2] == zoom:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the map stays at {now}, not at {(lat, lon, zoom)}")
        frame.page.wait_for_timeout(200)


def test_address_with_service_down_says_so_in_the_first_screen(
    page: OfflinePage, server: str, ban: FakeBan
) -> None:
    """The line heads the results panel, in the first screen; the link names the commune,
    never the text; a click on the map (the cabinet) clears the line."""
    ban.always = Reply(reset=True)  # every connection cut: the service cannot be reached
    page.page.goto(f"{server}/?profil=liberal-installation")
    frame = page.map_frame()
    _search(page, "1 place du Capitole, Toulouse")
    line = page.page.get_by_text("Service d'adresses injoignable :")
    line.wait_for(timeout=30_000)
    assert line.inner_text().replace("\u2060", "") == FALLBACK  # invisible joiners: text only
    _wait_url(page, "insee=31555")
    box = line.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    _wait_view(frame, *CAPITOLE, zoom=11, within=0.08)  # the commune, whole
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "app-recherche-service-injoignable.png"))
    assert "Capitole" not in page.page.url  # the link names the commune, never the text
    _click(page, frame, 43.5950, 1.4300)  # the cabinet, clicked on the map
    _wait_url(page, "lat=43.59")
    line.wait_for(state="detached", timeout=30_000)
    assert page.errors == []


def test_search_moves_the_map_and_a_click_leaves_it_there(page: OfflinePage, server: str) -> None:
    """An error shows under the box, above the map; a commune, then an address, moves the map;
    a click leaves it; the same search again brings it back after the user panned away."""
    page.page.goto(f"{server}/?profil=liberal-installation")
    frame = page.map_frame()
    _search(page, "zzqxw vvbnk")  # recorded: nothing found
    error = page.page.get_by_text("Adresse introuvable")
    error.wait_for(timeout=30_000)
    box, map_box = error.bounding_box(), frame.frame_element().bounding_box()
    assert box is not None and map_box is not None
    assert box["y"] + box["height"] <= map_box["y"] < 900  # under the search box, in sight
    _search(page, "Foix")  # recorded: the commune
    _wait_url(page, "insee=09122")
    _wait_view(frame, *FOIX, zoom=11, within=0.08)
    _search(page, "1 place du Capitole Toulouse")  # recorded: a house number
    _wait_url(page, "lat=43.60445")
    page.page.get_by_text("1 Place du Capitole 31000 Toulouse", exact=False).wait_for()
    _wait_view(frame, *CAPITOLE, zoom=14)
    _click(page, frame, CAPITOLE[0] + 0.004, CAPITOLE[1] + 0.006)
    _wait_url(page, "lat=43.608")
    page.page.wait_for_timeout(1500)  # the page run after the click is drawn
    after = _view(frame)
    assert abs(after[0] - CAPITOLE[0]) < 1e-3 and abs(after[1] - CAPITOLE[1]) < 1e-3, after
    frame.evaluate("() => window.map.setView([43.3, 2.2], 9, {animate: false})")
    _search(page, "1 place du Capitole Toulouse")  # the same place again: the map comes back
    _wait_view(frame, *CAPITOLE, zoom=14)
    assert page.errors == []
