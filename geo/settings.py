"""Settings in one place: every path, URL and limit the project reads, with its default.

Each value can be overridden by an environment variable (named beside it) or, for a single
call, by passing the argument explicitly to the function that uses it.

Reading the environment never raises: a value that cannot be used (``ZONAGE_BAN_TIMEOUT=abc``,
a negative count, an ``ftp://`` URL, a path with a name over 255 bytes) is noted and its
default applies meanwhile. Entry points call :func:`check` first, which raises
:class:`~zonage.errors.InvalidInput` with one French line per such variable. A variable that
is unset or blank takes its default.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import urlsplit

from zonage.errors import InvalidInput
from zonage.text import quoted

#: Root of the project checkout (the folder holding ``pyproject.toml``).
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent

# Longest name of one path component and longest whole path, in bytes (Linux limits).
_NAME_MAX = 255
_PATH_MAX = 4096

# Variable name → the line :func:`check` reports for it.
_problems: dict[str, str] = {}


def _env(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(name)
    return value if value is not None and value.strip() else None


def _bad(name: str, value: str, expected: str) -> None:
    _problems[name] = f"{name}={quoted(value)} : {expected}."


def _fr(number: float) -> str:
    return f"{number:g}".replace(".", ",")


def _path(env: str, default: Path) -> Path:
    value = _env(env)
    if value is None:
        return default
    raw = os.fsencode(value)
    longest = max(len(part) for part in raw.split(b"/"))
    if longest > _NAME_MAX:
        _bad(
            env,
            value,
            f"un nom de {longest} octets (au plus {_NAME_MAX}) ; chemin plus court attendu",
        )
        return default
    if len(raw) > _PATH_MAX:
        _bad(
            env,
            value,
            f"chemin de {len(raw)} octets (au plus {_PATH_MAX}) ; chemin plus court attendu",
        )
        return default
    try:
        return Path(value).expanduser()
    except RuntimeError:  # "~someone" with no such user
        _bad(env, value, "dossier personnel inconnu ; chemin attendu (ex. ~/donnees)")
        return default


def _number(
    env: str, default: float, *, low: float, high: float, kind: str, integer: bool = False
) -> float:
    """A number in ``[low, high]`` (French decimal comma accepted), else ``default``."""
    value = _env(env)
    if value is None:
        return default
    text = value.strip()
    try:
        number = int(text) if integer else float(text.replace(",", "."))
    except ValueError:
        _bad(env, value, f"{kind} attendu (ex. {_fr(default)})")
        return default
    if not (math.isfinite(number) and low <= number <= high):
        _bad(env, value, f"{kind} de {_fr(low)} à {_fr(high)} attendu (ex. {_fr(default)})")
        return default
    return number


def _url(env: str, default: str) -> str:
    """An ``http(s)://host…`` URL without spaces, query or fragment, else ``default``."""
    value = _env(env)
    if value is None:
        return default
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        _bad(env, value, f"adresse http:// ou https:// sans espace attendue (ex. {default})")
        return default
    return value


def problems() -> list[str]:
    """One French line per environment variable that could not be used (its default applies)."""
    return list(_problems.values())


def check() -> None:
    """Raise :class:`InvalidInput` (exit code 2) naming each environment variable that could
    not be used, one line each; return quietly when every setting is usable."""
    if _problems:
        raise InvalidInput("\n".join(_problems.values()))


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
BAN_URL: str = _url("ZONAGE_BAN_URL", "https://api-adresse.data.gouv.fr")
#: Longest wait for any one read from the address API, in seconds (``ZONAGE_BAN_TIMEOUT``).
BAN_TIMEOUT_S: float = _number(
    "ZONAGE_BAN_TIMEOUT", 3.0, low=0.1, high=60, kind="nombre de secondes"
)
#: Retries on HTTP 429 / 5xx and connection errors (``ZONAGE_BAN_RETRIES``), with exponential
#: backoff starting at ``BAN_BACKOFF_S`` seconds (``ZONAGE_BAN_BACKOFF``).
BAN_RETRIES: int = int(
    _number("ZONAGE_BAN_RETRIES", 2, low=0, high=10, kind="nombre entier d'essais", integer=True)
)
BAN_BACKOFF_S: float = _number("ZONAGE_BAN_BACKOFF", 0.5, low=0, high=30, kind="nombre de secondes")
#: Total time one address search may take, retries and waits included, in seconds
#: (``ZONAGE_BAN_DEADLINE``): a service that answers slowly, even byte by byte, is then
#: abandoned for the offline answer.
BAN_DEADLINE_S: float = _number(
    "ZONAGE_BAN_DEADLINE", 5.0, low=0.5, high=120, kind="nombre de secondes"
)
#: Largest address API answer read, in bytes (one answer is a few kilobytes).
BAN_MAX_BYTES: int = 1_000_000
#: How long the address API counts as down after a failure, in seconds (``ZONAGE_BAN_DOWN_S``):
#: searches meanwhile get the offline answer at once instead of waiting for retries; 0: never.
BAN_DOWN_S: float = _number("ZONAGE_BAN_DOWN_S", 60.0, low=0, high=3600, kind="nombre de secondes")

#: Download timeout for a source file fetched from its origin.
DOWNLOAD_TIMEOUT_S: float = _number(
    "ZONAGE_DOWNLOAD_TIMEOUT", 60.0, low=1, high=3600, kind="nombre de secondes"
)

#: data.gouv.fr API of the DataSanté dataset of health-professional zonings, whose commune
#: table gives the doctor zoning in force and the date of its order (``ZONAGE_DATASANTE_URL``).
DATASANTE_DATASET_URL: str = _url(
    "ZONAGE_DATASANTE_URL",
    "https://www.data.gouv.fr/api/1/datasets/zonages-des-professionnels-de-sante-liberaux/",
)

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
NPM_REGISTRY_URL: str = _url("ZONAGE_NPM_REGISTRY", "https://registry.npmjs.org")

#: Show the traceback of an unexpected error rather than its one-line message (``ZONAGE_DEBUG=1``).
DEBUG: bool = (_env("ZONAGE_DEBUG") or "0").strip() not in ("0", "")

#: Version of the built-layer format; ``geo.layer.load`` refuses a build of another version.
LAYER_FORMAT_VERSION: int = 2  # 2: zoning versions and zone de montagne, no priority column

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
