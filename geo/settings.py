"""Settings in one place: every path, URL and limit the project reads, with its default.

Each value can be overridden by an environment variable (named beside it) or, for a single
call, by passing the argument explicitly to the function that uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the project checkout (the folder holding ``pyproject.toml``).
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).expanduser() if value else default


#: Folder holding the source files under their manifest names (``ZONAGE_MIRROR``).
#: Developers and CI have a read-only mirror at ``../shared/data/raw`` beside the project.
MIRROR_DIR: Path = _path("ZONAGE_MIRROR", PROJECT_ROOT.parent / "shared" / "data" / "raw")

#: Where fetched sources are cached when downloaded from their origin (``ZONAGE_CACHE``).
CACHE_DIR: Path = _path("ZONAGE_CACHE", PROJECT_ROOT / "data" / "cache")

#: Where the built layers and the build report are written (``ZONAGE_BUILD_DIR``).
BUILD_DIR: Path = _path("ZONAGE_BUILD_DIR", PROJECT_ROOT / "data" / "build")

#: The source manifest (committed).
MANIFEST_PATH: Path = PROJECT_ROOT / "data" / "manifest.toml"

#: Front-end assets (Leaflet and friends) installed from the npm registry by the setup script.
ASSETS_DIR: Path = _path("ZONAGE_ASSETS", PROJECT_ROOT / "node_modules")

#: CRS of the stored layers (the sources' own, WGS84 lon/lat) and of metric work (Lambert-93).
STORAGE_CRS: str = "EPSG:4326"
METRIC_CRS: str = "EPSG:2154"

#: Base URL of the national address API (BAN / IGN Géoplateforme) (``ZONAGE_BAN_URL``).
BAN_URL: str = os.environ.get("ZONAGE_BAN_URL", "https://api-adresse.data.gouv.fr")
#: Seconds before one address request is abandoned.
BAN_TIMEOUT_S: float = float(os.environ.get("ZONAGE_BAN_TIMEOUT", "3"))
#: Retries on HTTP 429 / 5xx, with exponential backoff starting at ``BAN_BACKOFF_S``.
BAN_RETRIES: int = int(os.environ.get("ZONAGE_BAN_RETRIES", "2"))
BAN_BACKOFF_S: float = float(os.environ.get("ZONAGE_BAN_BACKOFF", "0.5"))

#: Download timeout for a source file fetched from its origin.
DOWNLOAD_TIMEOUT_S: float = float(os.environ.get("ZONAGE_DOWNLOAD_TIMEOUT", "60"))

#: Region and its departments.
REGION_CODE: str = "76"
DEPARTMENTS: tuple[str, ...] = (
    "09",
    "11",
    "12",
    "30",
    "31",
    "32",
    "34",
    "46",
    "48",
    "65",
    "66",
    "81",
    "82",
)

#: npm registry used to download the sources published as npm packages (``ZONAGE_NPM_REGISTRY``).
NPM_REGISTRY_URL: str = os.environ.get("ZONAGE_NPM_REGISTRY", "https://registry.npmjs.org")

#: Version of the built-layer format; ``geo.layer.load`` refuses a build of another version.
LAYER_FORMAT_VERSION: int = 1

#: Debian's Chromium, driven by the browser tests and the app benchmark, and its flags: without
#: the background-networking ones it keeps calling home, which a closed network refuses noisily.
CHROMIUM_PATH: Path = _path("ZONAGE_CHROMIUM", Path("/usr/bin/chromium"))
CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
