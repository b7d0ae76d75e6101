"""App benchmark (prints figures, asserts nothing): first map on screen and click → aid panel.

Run after ``zonage data build`` and ``python -m geo.webmap``::

    .venv/bin/python scripts/bench_app.py

- server time of one click: ``application.service.view_for`` on random points of the region, and a
  whole Streamlit rerun of the page for a clicked point (``AppTest``, which runs the script as
  the server does);
- first map on screen: ``streamlit run serve.py`` (what ``scripts/app.sh`` runs) on a free local
  port and a real Chromium, offline (no host name but the local server's resolves). Time from
  navigation start to the page's title and to the commune fills drawn, for the first visit
  after the server has loaded its data, for new visitors (a new browser profile each: nothing
  cached) and for a returning visitor (Streamlit's own scripts in the browser cache). For
  scale, the same browser opens a bare Streamlit page (one title, nothing else) on the same
  machine: no Streamlit app can show anything sooner.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from geo import settings  # noqa: E402


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


if __name__ == "__main__":
    print("== app")
    click_server_time()
    first_map()
