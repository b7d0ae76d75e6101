"""App benchmark (prints figures, asserts nothing): first map on screen and click → aid panel.

Run after ``zonage data build`` and ``python -m geo.webmap``::

    .venv/bin/python scripts/bench_app.py

- server time of one click: ``zonage.service.view_for`` on random points of the region, and a
  whole Streamlit rerun of the page for a clicked point (``AppTest``, which runs the script as
  the server does);
- first map on screen: ``streamlit run app.py`` on a free local port, a real Chromium (offline:
  every non-local request is blocked), time from navigation to the communes drawn, on a fresh
  server and on a warm one.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from geo import settings  # noqa: E402


def _ms(values: list[float]) -> str:
    q = np.percentile(np.array(values) * 1000, [50, 99])
    return f"p50 {q[0]:.1f} ms, p99 {q[1]:.1f} ms"


def click_server_time() -> None:
    from geo.lookup import get_lookup
    from zonage import service

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


def first_map() -> None:
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    streamlit = Path(sys.executable).with_name("streamlit")
    proc = subprocess.Popen(
        [str(streamlit), "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(settings.CHROMIUM_PATH), args=list(settings.CHROMIUM_ARGS)
            )
            times = []
            for _ in range(4):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
                )
                start = time.perf_counter()
                page.goto(base)
                frame = None
                while frame is None:
                    frame = next((f for f in page.frames if "st_folium" in f.url), None)
                    page.wait_for_timeout(20)
                frame.wait_for_function(
                    "(document.querySelector('canvas.zonage-communes') || {dataset: {}})"
                    ".dataset.drawn > 4000",
                    polling="raf",
                    timeout=120_000,
                )
                times.append(time.perf_counter() - start)
                page.close()
            browser.close()
        print(f"first map on screen, fresh server (layers and map loaded once): {times[0]:.2f} s")
        print(f"first map on screen, warm server, 3 page loads: median"
              f" {statistics.median(times[1:]):.2f} s  [target <= 3 s]")  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    print("== app")
    click_server_time()
    first_map()
