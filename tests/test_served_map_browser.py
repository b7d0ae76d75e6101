"""The app's map page ("served" mode) in a real Chromium, from a local HTTP server: it draws
from its published data file, and says so on the map when that file cannot be loaded."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo.webmap import build_map, web_layer
from geo.webmap.builder import DATA_UNAVAILABLE
from tests.conftest import needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keeps the test output clean
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on a free local port, and its URL."""
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _open(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(url.rsplit("/", 1)[0]) else r.abort(),
    )
    page.goto(url)
    return context, page, errors


def test_served_map_draws_then_reports_missing_data(browser: Any, layers, site) -> None:  # noqa: ANN001
    folder, base = site
    static = folder / "static"
    fmap = build_map(
        web_layer(layers), mode="served", static_dir=static, static_url=f"{base}/static/"
    )
    (folder / "map.html").write_text(fmap.get_root().render(), encoding="utf-8")

    context, page, errors = _open(browser, f"{base}/map.html")
    page.wait_for_selector("canvas.zonage-communes[data-drawn]")
    assert page.locator("canvas.zonage-communes").get_attribute("data-drawn") == "4446"
    assert page.locator(".zonage-error").count() == 0 and errors == []
    context.close()

    for data in (static / "data").glob("*.json"):
        data.unlink()  # e.g. static/ cleaned while the server runs
    context, page, errors = _open(browser, f"{base}/map.html")
    message = page.locator(".zonage-error")
    message.wait_for(timeout=30_000)
    assert message.inner_text() == DATA_UNAVAILABLE
    assert page.locator("canvas.zonage-communes").count() == 0 and errors == []
    context.close()
