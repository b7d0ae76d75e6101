"""Fixtures of the integration and browser tests: a real Debian Chromium driven by Playwright,
and the session build with hostile texts planted in it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo import settings

CHROMIUM = settings.CHROMIUM_PATH
ARTIFACTS = settings.PROJECT_ROOT / "test-artifacts"
#: The Streamlit page the AppTest tests drive.
APP = str(settings.PROJECT_ROOT / "app.py")

# Locally a missing chromium skips the browser tests; in CI (which installs it) it fails them.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (scripts/setup.sh --browser installs it)",
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=list(settings.CHROMIUM_ARGS)
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def hostile_build(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sealed copy of the session build with the texts of :mod:`tests.hostile` planted, made
    once: its web layer, prepared by the first test that needs it, is kept in it for the next."""
    from tests import hostile

    return hostile.plant(built_dir, tmp_path_factory.mktemp("hostile") / "build")


def app_test(
    build: Path, monkeypatch: pytest.MonkeyPatch, page: object = APP, cache: Path | None = None
) -> Any:
    """Streamlit's AppTest of ``page`` (the app's file, or a function) reading the layer built
    in ``build`` (and keeping address answers in ``cache``)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ZONAGE_BUILD_DIR", str(build))
    monkeypatch.setattr(settings, "BUILD_DIR", build)
    if cache is not None:
        monkeypatch.setattr(settings, "CACHE_DIR", cache)
    if isinstance(page, str):
        return AppTest.from_file(page, default_timeout=60)
    return AppTest.from_function(page, default_timeout=60)  # type: ignore[arg-type]


@pytest.fixture
def app(built_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """The app on the session's build, driven by AppTest."""
    return app_test(built_dir, monkeypatch, cache=tmp_path / "cache")
