"""Accessibility and phone layout in a real Chromium, offline.

axe-core (``node_modules/axe-core``, pinned in package.json) finds no serious or critical
violation in the app's three views and in a map written by ``zonage export-map``, on a desktop
and on a phone's screen. The app's page is in French and its results panel is a live region.
On a 390×844 touch screen the map is shorter, one finger scrolls the page over it (two move
the map), nothing is wider than the screen or its card, and the sidebar closes when
``application.page_style.close_sidebar_on_phone`` is called. Nothing of the page is excluded
from axe's checks. Screenshots are kept in ``test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.cli import main
from application.page_style import RESULTS_LABEL
from geo import settings
from tests.conftest import ARTIFACTS, needs_chromium
from tests.test_app_browser import WARM, OfflinePage, _streamlit

pytestmark = [pytest.mark.browser, needs_chromium]

AXE = settings.PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PLACE = "/?insee=09261&profil=liberal-installation"
PLACE_NAME = "Saint-Girons"  # 09261
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run serve.py``, ready once it has loaded the data."""
    log = tmp_path_factory.mktemp("streamlit") / "a11y.log"
    with _streamlit("serve.py", built_dir, log, ready=WARM) as url:
        yield url


def _context(browser: Any, phone: bool) -> Any:
    if phone:
        return browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="fr-FR"
        )
    return browser.new_context(viewport=DESKTOP, locale="fr-FR")


@pytest.fixture
def desktop(browser: Any, server: str) -> Iterator[OfflinePage]:
    context = _context(browser, phone=False)
    yield OfflinePage(context.new_page(), server)
    context.close()


@pytest.fixture
def phone(browser: Any, server: str) -> Iterator[OfflinePage]:
    context = _context(browser, phone=True)
    yield OfflinePage(context.new_page(), server)
    context.close()


def _settled(page: Any) -> None:
    """Wait until Streamlit has finished its run: a stale (faded) element would fail the
    contrast check for a reason of its own."""
    page.wait_for_function(
        """() => !document.querySelector(
            '[data-stale="true"], [data-testid="stStatusWidgetRunningIcon"]')""",
        timeout=60_000,
    )


def _violations(page: Any) -> list[dict[str, Any]]:
    """What axe-core finds in the page, its frames included (each gets axe first: the
    top-level run then asks them too, and their targets start with the frame's selector)."""
    for frame in page.frames:
        frame.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => JSON.stringify(n.target)),
            }));
        }"""
    )


def _assert_no_blocking(page: Any, where: str) -> None:
    found = [v for v in _violations(page) if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['targets'][:5])}" for v in found
    )
    assert not found, f"axe-core, {where}:\n{report}"


def _results(page: Any) -> Any:
    return page.get_by_role("region", name=RESULTS_LABEL)


def _open_place(page: OfflinePage, server: str) -> Any:
    """The app on the shared link of Pamiers, its map drawn and the panel filled."""
    page.page.goto(server + PLACE)
    frame = page.map_frame()
    _results(page.page).get_by_text(PLACE_NAME).first.wait_for(timeout=60_000)
    _settled(page.page)
    return frame


@pytest.mark.parametrize("phone_screen", [False, True], ids=["bureau", "telephone"])
def test_app_views_have_no_serious_violation(browser: Any, server: str, phone_screen: bool) -> None:
    """The map with a place shown, the export view and the about view (chosen with the view
    switch), in French."""
    context = _context(browser, phone_screen)
    page = OfflinePage(context.new_page(), server)
    _open_place(page, server)
    p = page.page
    assert p.evaluate("document.documentElement.lang") == "fr"
    _assert_no_blocking(p, "vue « Carte et aides »")
    p.get_by_text("Où m'installer", exact=True).click()
    p.get_by_text("Euros pour moi si vos réponses", exact=False).first.wait_for(timeout=60_000)
    page.map_frame()
    _settled(p)
    _assert_no_blocking(p, "vue « Où m'installer »")
    p.get_by_text("Exporter", exact=True).click()
    p.get_by_role("button", name="Télécharger la carte (HTML)").wait_for(timeout=60_000)
    _settled(p)
    _assert_no_blocking(p, "vue « Exporter »")
    p.get_by_text("À propos des données", exact=True).click()
    p.get_by_text("Documents sources des aides").wait_for(timeout=60_000)
    _settled(p)
    _assert_no_blocking(p, "vue « À propos des données »")
    assert p.evaluate("document.documentElement.lang") == "fr"
    assert page.errors == []
    context.close()


def test_results_panel_is_a_live_region(desktop: OfflinePage, server: str) -> None:
    """The panel beside the map is announced when it changes, and stays so after the view
    switch has drawn the map view anew."""
    _open_place(desktop, server)
    p = desktop.page
    panel = _results(p)
    assert panel.get_attribute("aria-live") == "polite"
    assert panel.locator("iframe").count() == 0  # the panel, not the map's column
    p.get_by_text("À propos des données", exact=True).click()
    p.get_by_text("Documents sources des aides").wait_for(timeout=60_000)
    assert _results(p).count() == 0
    p.get_by_text("Carte et aides", exact=True).click()
    _results(p).get_by_text(PLACE_NAME).first.wait_for(timeout=60_000)
    assert _results(p).get_attribute("aria-live") == "polite"
    assert desktop.errors == []


def test_desktop_map_keeps_its_size_and_drag(desktop: OfflinePage, server: str) -> None:
    frame = _open_place(desktop, server)
    box = frame.frame_element().bounding_box()
    assert box["height"] == pytest.approx(640, abs=1)
    state = frame.evaluate(
        "() => ({height: map.getContainer().clientHeight, drag: map.dragging.enabled()})"
    )
    assert state == {"height": 640, "drag": True}


# Where the element is from the top of the page (Streamlit scrolls its main block, not the
# document), and the elements wider than the screen, or than their card.
_MEASURE = """(panel) => {
    let scroller = panel.parentElement;
    while (scroller && !(scroller.scrollHeight > scroller.clientHeight
            && /auto|scroll/.test(getComputedStyle(scroller).overflowY))) {
        scroller = scroller.parentElement;
    }
    const name = (e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "");
    const wide = [];
    for (const e of [document.documentElement, scroller, panel]) {
        if (e.scrollWidth > e.clientWidth) {
            wide.push(`${name(e)} ${e.scrollWidth}>${e.clientWidth}`);
        }
    }
    for (const e of panel.querySelectorAll("*")) {
        const right = e.getBoundingClientRect().right;
        const card = e.parentElement.closest(".zc-card, .zc-place");
        if (right > innerWidth + 0.5) wide.push(`${name(e)} ${right}>${innerWidth}`);
        else if (card && right > card.getBoundingClientRect().right + 0.5) {
            wide.push(`${name(e)} out of its card: ${e.textContent.slice(0, 60)}`);
        }
    }
    return {
        top: panel.getBoundingClientRect().top + scroller.scrollTop,
        scrolled: scroller.scrollTop,
        wide: wide,
    };
}"""


def _swipe(page: Any, frame: Any, fingers: int) -> None:
    """A real touch gesture: ``fingers`` side by side moved 250 px up on the map."""
    cdp = page.context.new_cdp_session(page)
    box = frame.frame_element().bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8

    def touch(kind: str, dy: float) -> None:
        points = [
            {"x": x + 80 * (i - (fingers - 1) / 2), "y": y - dy, "id": i} for i in range(fingers)
        ]
        event = {"type": kind, "touchPoints": [] if kind == "touchEnd" else points}
        cdp.send("Input.dispatchTouchEvent", event)

    for step in range(11):
        touch("touchStart" if step == 0 else "touchMove", 25 * step)
        page.wait_for_timeout(16)
    touch("touchEnd", 250)
    page.wait_for_timeout(600)
    cdp.detach()


def test_phone_layout(phone: OfflinePage, server: str) -> None:
    """390×844, touch: a short map, the results within two screens, nothing too wide; one
    finger scrolls the page over the map, two move the map."""
    frame = _open_place(phone, server)
    p = phone.page
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "app-telephone.png"))
    map_height = frame.frame_element().bounding_box()["height"]
    assert map_height <= 0.55 * PHONE["height"]
    inner = frame.evaluate("() => map.getContainer().clientHeight")
    assert inner == pytest.approx(map_height, abs=1)  # the map fills its shorter frame
    panel = _results(p).element_handle()
    measured = panel.evaluate(_MEASURE)
    assert measured["top"] <= 2 * PHONE["height"], measured
    assert measured["wide"] == []

    centre = frame.evaluate("() => map.getCenter()")
    _swipe(p, frame, fingers=1)
    assert panel.evaluate(_MEASURE)["scrolled"] >= 100  # the page moved, not the map
    assert frame.evaluate("() => map.getCenter()") == centre
    p.screenshot(path=str(ARTIFACTS / "app-telephone-defile.png"))
    scrolled = panel.evaluate(_MEASURE)["scrolled"]
    _swipe(p, frame, fingers=2)
    assert frame.evaluate("() => map.getCenter()")["lat"] < centre["lat"]  # map moved south
    assert panel.evaluate(_MEASURE)["scrolled"] == scrolled
    assert phone.errors == []


# The answer a doctor decides with: its euros on the first screen of a desktop, within two
# screens of a phone, from a shared link.
SAINT_GIRONS = "/?insee=09261&profil=liberal-installation&date=2026-11-29"


def _first_figure(page: OfflinePage, server: str) -> dict[str, float]:
    """Where the first sum of the summary (« 5 000 € ») stands from the top of the page."""
    page.page.goto(server + SAINT_GIRONS)
    page.map_frame()
    figure = page.page.locator(".zc-sum .zc-fig").first
    figure.wait_for(timeout=60_000)
    _settled(page.page)
    assert figure.inner_text().replace("\u202f", " ") == "5 000 €"
    box = figure.bounding_box()
    assert box is not None
    return box


def test_desktop_shows_the_euros_on_the_first_screen(desktop: OfflinePage, server: str) -> None:
    screen = {"width": 1400, "height": 900}
    desktop.page.set_viewport_size(screen)
    box = _first_figure(desktop, server)
    ARTIFACTS.mkdir(exist_ok=True)
    desktop.page.screenshot(path=str(ARTIFACTS / "app-reponse-bureau.png"))
    assert box["y"] + box["height"] <= screen["height"], box
    assert desktop.errors == []


def test_phone_shows_the_euros_within_two_screens(phone: OfflinePage, server: str) -> None:
    box = _first_figure(phone, server)
    phone.page.screenshot(path=str(ARTIFACTS / "app-reponse-telephone.png"))
    assert box["y"] + box["height"] <= 2 * PHONE["height"], box
    assert phone.errors == []


# A page that asks for the sidebar to close on each press of its sidebar's button.
_SIDEBAR_PAGE = """
import streamlit as st

from application import page_style

st.title("Essai")
page_style.apply()
if st.sidebar.button("Chercher"):
    st.session_state["fois"] = st.session_state.get("fois", 0) + 1
    page_style.close_sidebar_on_phone()
st.write(f"Recherches : {st.session_state.get('fois', 0)}")
"""


@pytest.fixture(scope="module")
def sidebar_server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("sidebar")
    script = folder / "page.py"
    script.write_text(_SIDEBAR_PAGE, encoding="utf-8")
    with _streamlit(str(script), built_dir, folder / "server.log") as url:
        yield url


def _sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def _search(page: Any, times: int) -> None:
    _sidebar(page).get_by_role("button", name="Chercher").click()
    page.get_by_text(f"Recherches : {times}").wait_for(timeout=30_000)
    _settled(page)


def test_close_sidebar_on_phone(browser: Any, sidebar_server: str) -> None:
    """On a phone the sidebar closes each time the page run asks; on a desktop it stays."""
    context = _context(browser, phone=True)
    p = context.new_page()
    p.goto(sidebar_server)
    p.get_by_text("Recherches : 0").wait_for(timeout=60_000)
    for times in (1, 2):
        p.get_by_test_id("stExpandSidebarButton").click()
        p.wait_for_selector('[data-testid="stSidebar"][data-collapsed="false"]')
        _search(p, times)
        p.wait_for_selector('[data-testid="stSidebar"][data-collapsed="true"]', timeout=10_000)
    context.close()

    context = _context(browser, phone=False)
    p = context.new_page()
    p.goto(sidebar_server)
    p.get_by_text("Recherches : 0").wait_for(timeout=60_000)
    _search(p, 1)
    p.wait_for_timeout(500)
    assert _sidebar(p).get_attribute("data-collapsed") == "false"
    context.close()


class FilePage:
    """A page that reaches only ``file:`` and ``data:`` addresses (tiles are blocked)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort()
            ),
        )


@pytest.mark.parametrize("phone_screen", [False, True], ids=["bureau", "telephone"])
def test_exported_map_has_no_serious_violation(
    browser: Any,
    built_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    phone_screen: bool,
) -> None:
    """The file of ``zonage export-map``: in French, zoomable; on a phone its layer switcher
    and legend start folded (open, they would hide the map)."""
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    out = tmp_path / "carte.html"
    assert main(["export-map", "--out", str(out)]) == 0
    context = _context(browser, phone_screen)
    page = FilePage(context.new_page())
    p = page.page
    p.goto(out.as_uri())
    p.wait_for_selector("canvas.zonage-communes[data-drawn]")
    p.wait_for_selector(".zonage-legend section[data-layer='zonage']", state="attached")
    assert p.evaluate("document.documentElement.lang") == "fr"
    assert "maximum-scale" not in p.locator('meta[name="viewport"]').get_attribute("content")
    _assert_no_blocking(p, "carte exportée")
    folded = p.locator(".leaflet-control-layers-expanded").count() == 0
    legend_open = p.locator(".zonage-legend details").get_attribute("open") is not None
    assert (folded, legend_open) == ((True, False) if phone_screen else (False, True))
    if phone_screen:
        ARTIFACTS.mkdir(exist_ok=True)
        p.screenshot(path=str(ARTIFACTS / "export-telephone.png"))
    assert page.errors == []
    context.close()
