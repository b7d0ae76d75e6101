"""App benchmark (prints figures, asserts nothing): first map on screen and click → aid panel.

Run after ``zonage data build`` and ``python -m geo.webmap``::

    .venv/bin/python scripts/bench_app.py            # everything below
    .venv/bin/python scripts/bench_app.py --clicks   # only the clicks in a browser (panel, in-map)

- server time of one click: ``application.service.view_for`` on random points of the region, and a
  whole Streamlit rerun of the page for a clicked point (``AppTest``, which runs the script as
  the server does);
- first map on screen: ``streamlit run serve.py`` (what ``scripts/app.sh`` runs) on a free local
  port and a real Chromium, offline (no host name but the local server's resolves). Time from
  navigation start to the page's title and to the commune fills drawn, for the first visit
  after the server has loaded its data, for new visitors (a new browser profile each: nothing
  cached) and for a returning visitor (Streamlit's own scripts in the browser cache). For
  scale, the same browser opens a bare Streamlit page (one title, nothing else) on the same
  machine: no Streamlit app can show anything sooner;
- click round trip in the browser: the app (``serve.py``, opened on Toulouse) and a bare
  ``st_folium`` page that only echoes the clicked point (``scripts/bare_folium_page.py``, a map
  of the same size), served at once and clicked in turn in the same Chromium, offline (Playwright
  blocks every request not to 127.0.0.1). Both maps get the same view; each click lands in
  another commune. Time on the browser clock from the click event in the map's frame to the
  first animation frame where the panel shows the new place (the app: the title of its place
  card; the bare page: the echoed point). The design target: the app within 1.4× of the bare
  page.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from geo import settings  # noqa: E402

if TYPE_CHECKING:
    from geo.lookup import PlaceLookup


def _ms(values: list[float]) -> str:
    q = np.percentile(np.array(values) * 1000, [50, 99])
    return f"p50 {q[0]:.1f} ms, p99 {q[1]:.1f} ms"


def click_server_time() -> None:
    from application import service
    from geo.lookup import get_lookup

    lookup = get_lookup()
    minx, miny, maxx, maxy = lookup.bounds
    rng = np.random.default_rng(7)
    times: list[float] = []
    while len(times) < 300:
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if lookup.try_point(lon, lat) is None:
            continue
        state = service.ViewState(profile="tous", lat=lat, lon=lon)
        start = time.perf_counter()
        service.view_for(state, lookup)
        times.append(time.perf_counter() - start)
    print(f"click -> place and aids (all profiles), 300 points: {_ms(times)}")

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()  # loads the layers and the map once, as the server's first visitor does
    reruns: list[float] = []
    for lat, lon in [(42.9653, 1.6069), (43.6045, 1.444), (44.5181, 3.5006), (43.3, 2.35)] * 5:
        at.query_params.update(lat=str(lat), lon=str(lon), profil="tous")
        start = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - start)
    print(f"whole page rerun with a clicked point (AppTest), 20 runs: {_ms(reruns)}"
          "  [target click -> aid panel <= 300 ms server time]")  # fmt: skip


# Evaluated in a page until true: the time (browser clock, ms since the epoch) it became true.
_WHEN = "() => ({test}) ? performance.timeOrigin + performance.now() : 0"
TITLE_JS = _WHEN.format(test="document.querySelector('h1')")
DRAWN_JS = _WHEN.format(
    test="(document.querySelector('canvas.zonage-communes') || {dataset: {}}).dataset.drawn > 4000"
)
READY = "données de la carte chargées"  # serve.py's log line once the data is loaded
# Offline as on a closed network: every host name but the local server's fails to resolve.
# (Playwright's page.route blocks them too, but holds each of the page's ~120 requests for a
# round trip through this script: 0.4 s more per page load here, which no user has.)
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


@contextmanager
def _server(script: Path, ready: str | None = None) -> Iterator[str]:
    """``streamlit run script`` on a free local port; its URL once it answers (and logs
    ``ready``)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    streamlit = Path(sys.executable).with_name("streamlit")
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [str(streamlit), "run", str(script), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.1)
            while ready:
                log.seek(0)
                if ready in log.read():
                    break
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _visit(context: Any, base: str, *, map_: bool = True) -> tuple[float, float | None]:
    """Seconds from navigation start to the page's title, and to the commune fills drawn
    (both read from the browser's clock, at the first animation frame that shows them)."""
    page = context.new_page()
    page.goto(base, wait_until="commit")
    start = page.evaluate("performance.timeOrigin")
    title = page.wait_for_function(TITLE_JS, polling="raf", timeout=120_000).json_value()
    drawn = None
    if map_:
        frame = None
        while frame is None:
            frame = next((f for f in page.frames if "st_folium" in f.url), None)
            page.wait_for_timeout(10)
        drawn = frame.wait_for_function(DRAWN_JS, polling="raf", timeout=120_000).json_value()
        drawn = (drawn - start) / 1000
    page.close()
    return (title - start) / 1000, drawn


def _s(values: list[float]) -> str:
    q = np.percentile(values, [50, 90])
    return f"median {q[0]:.2f} s, p90 {q[1]:.2f} s"


def first_map(visits: int = 12) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(
            executable_path=str(settings.CHROMIUM_PATH), args=[*settings.CHROMIUM_ARGS, OFFLINE]
        )
        viewport = {"viewport": {"width": 1400, "height": 1000}}
        warmup = browser.new_page()  # the browser's own first page is slower than any other
        warmup.goto("data:text/html,<h1>ok</h1>")
        warmup.close()

        bare = Path(tmp) / "bare.py"
        bare.write_text('import streamlit as st\n\nst.title("Bonjour")\n', encoding="utf-8")
        with _server(bare) as base:
            titles = []
            for _ in range(visits):
                context = browser.new_context(**viewport)
                titles.append(_visit(context, base, map_=False)[0])
                context.close()
        print(f"bare Streamlit page (one title), {visits} new visitors: title {_s(titles)}")

        with _server(ROOT / "serve.py", ready=READY) as base:
            context = browser.new_context(**viewport)
            title, drawn = _visit(context, base)
            context.close()
            print(f"first visit after the server loaded its data: title {title:.2f} s,"
                  f" map {drawn:.2f} s")  # fmt: skip
            titles, maps = [], []
            for _ in range(visits):
                context = browser.new_context(**viewport)
                title, drawn = _visit(context, base)
                titles.append(title)
                maps.append(drawn)
                context.close()
            print(f"new visitors (nothing cached), {visits} visits: title {_s(titles)};"
                  f" map {_s(maps)}  [target first map <= 3 s]")  # fmt: skip
            context = browser.new_context(**viewport)
            _visit(context, base)
            again = [_visit(context, base)[1] for _ in range(visits)]
            context.close()
            print(f"returning visitor (browser cache), {visits} visits: map {_s(again)}")
        browser.close()


APP_START = "/?insee=31555&profil=liberal-installation"  # Toulouse: a place already shown
#: Where each page shows the clicked place: the title of the app's place card (« Foix
#: (09122) — … »; written with the rest of the answer panel, in one block, even when folded),
#: the bare page's echo of the point.
APP_PANEL = ".zc-place h3"
BARE_PANEL = ".st-key-point-clique [data-testid='stText']"
#: Every URL Playwright blocks: all but the local servers' (matched inside the browser driver,
#: so the local requests are not held up by a round trip through this script).
NOT_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:|about:)")
# In the map's frame: the browser clock (ms since the epoch) of the latest click on it.
CLICK_HOOK_JS = """() => {
    if (window.__benchClick === undefined) {
        window.addEventListener("click", (e) => {
            window.__benchClick = performance.timeOrigin + e.timeStamp;
        }, true);
    }
    window.__benchClick = 0;
}"""
# In the page: the browser clock at the first animation frame where the panel's text differs.
PANEL_WATCH_JS = """([selector, before]) => {
    window.__benchPanel = 0;
    const tick = () => {
        const el = document.querySelector(selector);
        if (el && el.textContent !== before) {
            window.__benchPanel = performance.timeOrigin + performance.now();
        } else {
            requestAnimationFrame(tick);
        }
    };
    requestAnimationFrame(tick);
}"""
REGION_ZOOM = 7  # the whole region in a 550 × 640 px map
IDLE_JS = (
    "() => document.querySelector('[data-test-script-state=\"notRunning\"]')"
    " && !document.querySelector('[data-stale=\"true\"]')"
)


class _ClickPage:
    """A page with a st_folium map, opened offline, and where it shows the clicked place."""

    def __init__(self, browser: Any, url: str, panel: str, ready_text: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        self.blocked: list[str] = []
        self.context.route(NOT_LOCAL, self._block)
        self.page, self.panel = self.context.new_page(), panel
        self.page.goto(url)
        while not (frames := [f for f in self.page.frames if "st_folium" in f.url]):
            self.page.wait_for_timeout(50)
        self.frame = frame = frames[0]
        frame.wait_for_function("() => window.map", timeout=120_000)
        if panel == APP_PANEL:  # the app's map is ready once its commune fills are drawn
            frame.wait_for_function(DRAWN_JS, polling="raf", timeout=120_000)
        self.page.locator(panel, has_text=ready_text).wait_for(state="attached", timeout=120_000)
        self.settle()

    def _block(self, route: Any) -> None:
        self.blocked.append(route.request.url)
        route.abort()

    def settle(self) -> None:
        """Wait until the page's script run is over and nothing is left stale."""
        self.page.wait_for_timeout(300)
        self.page.wait_for_function(IDLE_JS, timeout=60_000)

    def show(self, lat: float, lon: float, zoom: int) -> tuple[float, float, float, float]:
        """Centre the map on ``(lat, lon)`` at ``zoom``; ``(west, south, east, north)`` of the
        view then, a tenth in from each side (clear of the map's controls)."""
        self.frame.evaluate(
            "([lat, lon, zoom]) => window.map.setView([lat, lon], zoom, {animate: false})",
            [lat, lon, zoom],
        )
        self.settle()
        return tuple(self.frame.evaluate(
            "() => { const b = window.map.getBounds().pad(-0.1);"
            " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
        ))  # fmt: skip

    def map_size(self) -> str:
        box = self.frame.frame_element().bounding_box()
        return f"{box['width']:.0f}×{box['height']:.0f} px"

    def click(self, lat: float, lon: float) -> float:
        """Seconds from a mouse click on the map at ``(lat, lon)`` to the panel showing the
        new place (both on the browser clock)."""
        before = self.page.locator(self.panel).first.text_content()
        self.frame.evaluate(CLICK_HOOK_JS)
        self.page.evaluate(PANEL_WATCH_JS, [self.panel, before])
        x, y = self.frame.evaluate(
            """([lat, lon]) => {
                const p = window.map.latLngToContainerPoint([lat, lon]);
                const r = window.map.getContainer().getBoundingClientRect();
                return [r.left + p.x, r.top + p.y];
            }""",
            [lat, lon],
        )
        box = self.frame.frame_element().bounding_box()
        self.page.mouse.click(box["x"] + x, box["y"] + y)
        shown = self.page.wait_for_function("() => window.__benchPanel", timeout=60_000)
        clicked = self.frame.evaluate("() => window.__benchClick")
        if not clicked:
            raise RuntimeError(f"the click at {lat}, {lon} did not reach the map")
        self.settle()
        return (shown.json_value() - clicked) / 1000


def _click_points(
    lookup: PlaceLookup, views: list[tuple[float, float, float, float]], count: int
) -> list[tuple[float, float]]:
    """``count`` points, each inside another commune (none in Toulouse, the app's first
    place), all within every view."""
    west, south = max(v[0] for v in views), max(v[1] for v in views)
    east, north = min(v[2] for v in views), min(v[3] for v in views)
    inside = []
    for index in range(len(lookup)):
        lon, lat = lookup.anchor(index)
        if west < lon < east and south < lat < north and lookup.facts(index).insee != "31555":
            inside.append((lat, lon))
    rng = np.random.default_rng(11)
    return [inside[i] for i in rng.choice(len(inside), size=count, replace=False)]


def _bare_page(folder: Path) -> Path:
    """A copy of ``scripts/bare_folium_page.py`` in ``folder``, beside a link to the app's
    ``static/`` (Streamlit serves the ``static/`` folder next to the page it runs)."""
    page = folder / "bare_folium_page.py"
    page.write_text((ROOT / "scripts" / page.name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "static").symlink_to(ROOT / "static", target_is_directory=True)
    return page


def _ms90(values: list[float]) -> str:
    q = np.percentile(np.array(values) * 1000, [50, 90])
    return f"p50 {q[0]:.0f} ms, p90 {q[1]:.0f} ms"


def click_round_trip(clicks: int = 15, warmups: int = 2) -> None:
    """A mouse click on the map → the panel showing the clicked place, in the app and in a bare
    st_folium page that echoes the point: both served at once, clicked in turn, in one
    browser, offline."""
    from playwright.sync_api import sync_playwright

    from geo.lookup import get_lookup

    lookup = get_lookup()
    with (
        sync_playwright() as p,
        tempfile.TemporaryDirectory() as tmp,
        _server(_bare_page(Path(tmp))) as bare_base,
        _server(ROOT / "serve.py", ready=READY) as app_base,
    ):
        browser = p.chromium.launch(
            executable_path=str(settings.CHROMIUM_PATH), args=list(settings.CHROMIUM_ARGS)
        )
        bare = _ClickPage(browser, bare_base, BARE_PANEL, "Aucun point")
        app = _ClickPage(browser, app_base + APP_START, APP_PANEL, "(31555)")
        # One view for both maps (same size, same view: the same pixels are clicked), the
        # whole region at a zoom level that both maps allow (the app's snaps to quarters).
        minx, miny, maxx, maxy = lookup.bounds
        centre = ((miny + maxy) / 2, (minx + maxx) / 2)
        views = [page.show(*centre, REGION_ZOOM) for page in (bare, app)]
        points = _click_points(lookup, views, warmups + clicks)
        times: dict[str, list[float]] = {"bare": [], "app": []}
        for n, (lat, lon) in enumerate(points):
            for name, page in (("bare", bare), ("app", app)):
                elapsed = page.click(lat, lon)
                if n >= warmups:
                    times[name].append(elapsed)
        print(f"maps: app {app.map_size()}, bare page {bare.map_size()}; {clicks} clicks each,"
              f" in turn, after {warmups} warm-ups, each in another commune"
              " (browser clock: click event -> first frame showing the new text)")  # fmt: skip
        print(f"bare st_folium page, click -> point echoed: {_ms90(times['bare'])}")
        ratio = np.median(times["app"]) / np.median(times["bare"])
        ratio90 = np.percentile(times["app"], 90) / np.percentile(times["bare"], 90)
        print(f"app, click -> place card of the new commune: {_ms90(times['app'])};"
              f" app/bare p50 {ratio:.2f}×, p90 {ratio90:.2f}×  [target <= 1.4×]")  # fmt: skip
        blocked = sorted({url.split("/")[2] for url in bare.blocked + app.blocked})
        print(f"requests blocked (not local): {', '.join(blocked) or 'none'}")
        browser.close()


def in_map_summary(clicks: int = 20) -> None:
    """A click on a commune of the « Où m'installer » map → its summary inside the map (from
    the page's own data): the exported page for one profile, offline, clicked at random points
    of the region (browser clock: click event -> the frame after the summary was filled)."""
    import datetime as dt

    from playwright.sync_api import sync_playwright

    from application import region_layer
    from geo.export import write_html
    from geo.lookup import get_lookup
    from geo.webmap import get_web_layer

    region = region_layer.evaluate("liberal-installation", dt.date.today())
    lookup, rng = get_lookup(), np.random.default_rng(11)
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "installer.html"
        write_html(get_web_layer(), out, tiles=False, values=region_layer.value_layer(region))
        browser = p.chromium.launch(
            executable_path=str(settings.CHROMIUM_PATH), args=list(settings.CHROMIUM_ARGS)
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(out.as_uri())
        page.wait_for_selector("canvas.zonage-communes[data-drawn]")
        times: list[float] = []
        while len(times) < clicks:
            lon, lat = rng.uniform(*lookup.bounds[0::2]), rng.uniform(*lookup.bounds[1::2])
            x, y = page.evaluate(
                """([lat, lon]) => {
                    const div = document.querySelector(".folium-map"), map = window[div.id];
                    const q = map.latLngToContainerPoint([lat, lon]);
                    const under = document.elementFromPoint(q.x, q.y);
                    if (!under || under.closest(".leaflet-control")) return [-1, -1];
                    window.zonageClick = new Promise((done) => map.getContainer()
                        .addEventListener("click", (e) => requestAnimationFrame(() => setTimeout(
                            () => done(performance.now() - e.timeStamp), 0))), {once: true});
                    return [q.x, q.y];
                }""",
                [lat, lon],
            )
            if x < 0 or lookup.try_point(lon, lat) is None:
                continue
            page.mouse.click(x, y)
            times.append(page.evaluate("() => window.zonageClick") / 1000)
        print(f"« Où m'installer », click -> commune summary inside the map, {clicks} clicks:"
              f" {_ms(times)}  [target <= 100 ms]")  # fmt: skip
        browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--clicks",
        action="store_true",
        help="only the clicks: round trip (app vs bare page) and the summary inside the map",
    )
    parser.add_argument("-n", type=int, default=15, help="measured clicks per page (default 15)")
    args = parser.parse_args(argv)
    print("== app")
    if not args.clicks:
        click_server_time()
        first_map()
    click_round_trip(args.n)
    in_map_summary()


if __name__ == "__main__":
    main()
