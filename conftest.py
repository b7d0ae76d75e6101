"""Test-wide fixtures and marks: the network is blocked (only loopback is allowed), the real
mirror is located, the commune layer is built once per session from it, and the fake address
service (``geo/tests/fixtures/ban_server.py``) is at hand. Every test that needs the mirror is
marked ``mirror``, every real-Chromium test ``browser``: ``pytest -m "not mirror and not
browser"`` runs the fast suite."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from geo import settings

pytest_plugins = ("geo.tests.fixtures.ban_server",)

_real_connect = socket.socket.connect

#: Fixtures that need the real mirror (the session build and its layers read it).
MIRROR_FIXTURES = frozenset({"mirror_dir", "built_dir", "layers"})


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by mark, and xdist groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``mirror`` every test that uses a fixture of :data:`MIRROR_FIXTURES`, directly or
    through another fixture (``fixturenames`` is the whole closure), and ``browser`` every test
    that uses the ``browser`` fixture; marks written in the tests are kept.

    Under ``pytest-xdist`` (``--dist loadgroup``) a module runs whole on one worker (its module
    fixtures are made once, its tests keep their order) and the browser tests all on one (one
    Chromium, one app server at a time).
    """
    grouped = config.pluginmanager.hasplugin("xdist")
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & MIRROR_FIXTURES:
            item.add_marker(pytest.mark.mirror)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)
        if grouped:
            group = "browser" if item.get_closest_marker("browser") else item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(group))


def _guarded_connect(self: socket.socket, address) -> None:  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (
        host.startswith("127.") or host in ("localhost", "::1") or self.family == socket.AF_UNIX
    ):
        return _real_connect(self, address)
    raise OSError(f"network blocked in tests: connection to {address!r} refused")


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach outside services; they replay recorded responses instead (and do not
    wait between attempts at a service they cannot reach)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(settings, "BAN_BACKOFF_S", 0.0)


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The real data mirror; the suite needs it (CI has it at ../shared/data/raw)."""
    path = settings.MIRROR_DIR
    if not path.is_dir():
        pytest.fail(f"data mirror not found at {path}: set ZONAGE_MIRROR to the raw data folder")
    return path


@pytest.fixture(scope="session")
def built_dir(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The commune layer built from the real mirror, once per test session.

    ``ZONAGE_TEST_REUSE_BUILD=1`` reuses ``data/build`` when it is there (local iteration only).
    """
    from geo.build import build

    if (
        os.environ.get("ZONAGE_TEST_REUSE_BUILD") == "1"
        and (settings.BUILD_DIR / "communes.parquet").exists()
    ):
        return settings.BUILD_DIR
    out = tmp_path_factory.mktemp("build")
    build(mirror=mirror_dir, out_dir=out)
    return out


@pytest.fixture(scope="session")
def layers(built_dir: Path):
    """The loaded layers (``geo.layer.Layers``) of the session build."""
    from geo.layer import load

    return load(built_dir)
