"""Front-end files of the map: the pinned npm packages (Leaflet, topojson-client), and its own.

Nothing is fetched from a CDN: the packages are installed into ``node_modules/`` by
``npm ci`` (``scripts/setup.sh``) at the exact versions of ``package.json``. Two ways to use
them:

- :func:`inline_js` / :func:`inline_css`: their text, for a standalone HTML file (the CSS's
  images become ``data:`` URIs, source-map comments are dropped);
- :func:`prepare_static` copies them under ``static/vendor/`` beside ``app.py``, which
  Streamlit serves at ``/app/static/`` when ``server.enableStaticServing`` is on
  (``.streamlit/config.toml``); :func:`served_links` gives the URLs to load them from.
  Streamlit refuses to serve a symbolic link that leads outside ``static/``, hence a copy.

:func:`publish` writes a file of the map's own (its scripts, its data) into ``static/`` under
a name taken from its content.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo import atomic, settings
from zonage.errors import DataError

_SETUP_HINT = "lancez `bash scripts/setup.sh` (il installe les paquets npm avec `npm ci`)."

#: Folder served by Streamlit at ``/app/static/`` (beside ``app.py``; git-ignored).
STATIC_DIR: Path = settings.PROJECT_ROOT / "static"
#: Sub-folder of :data:`STATIC_DIR` holding the copied packages.
VENDOR = "vendor"
#: Sub-folder of :data:`STATIC_DIR` holding the map data the app's page fetches.
DATA = "data"
#: Sub-folder of :data:`STATIC_DIR` holding the map's own scripts and style sheet.
WEBMAP = "webmap"
#: URL of :data:`STATIC_DIR` as seen from streamlit-folium's component frame, which is served
#: at ``<app>/component/streamlit_folium.st_folium/index.html``: relative, so that it also
#: works when Streamlit runs under a ``server.baseUrlPath``.
COMPONENT_STATIC_URL = "../../app/static/"


@dataclass(frozen=True)
class Asset:
    """One file of an npm package that the map loads."""

    package: str
    path: str  # inside the package folder
    kind: str  # "js" or "css"


#: What the map needs, in load order (Leaflet before the plugins that use it).
ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "dist/leaflet.css", "css"),
    Asset("leaflet", "dist/leaflet.js", "js"),
    Asset("topojson-client", "dist/topojson-client.min.js", "js"),
)
#: Extra files a served copy needs (images that ``leaflet.css`` refers to).
SERVED_EXTRAS: tuple[tuple[str, str], ...] = (("leaflet", "dist/images"),)

_SOURCE_MAP = re.compile(r"\n?/[/*]# sourceMappingURL=[^\n]*?(\*/)?\s*$")
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^'\")]+)\1\)")


def pinned_versions(project_root: Path | None = None) -> dict[str, str]:
    """Package → exact version pinned in ``package.json``."""
    path = Path(project_root or settings.PROJECT_ROOT) / "package.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["dependencies"])
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"package.json illisible ({exc})", hint=_SETUP_HINT) from None


def package_dir(package: str, assets_dir: Path | None = None) -> Path:
    """The installed package folder, checked against the version pinned in ``package.json``.

    Raises :class:`DataError` when it is missing or of another version.
    """
    folder = Path(assets_dir or settings.ASSETS_DIR) / package
    try:
        installed = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise DataError(
            f"ressource front-end absente : paquet npm {package} dans {folder.parent}",
            hint=_SETUP_HINT,
        ) from None
    pinned = pinned_versions().get(package)
    if pinned is not None and installed != pinned:
        raise DataError(
            f"paquet npm {package} en version {installed} au lieu de {pinned} (package.json)",
            hint=_SETUP_HINT,
        )
    return folder


def _read(asset: Asset, assets_dir: Path | None) -> str:
    path = package_dir(asset.package, assets_dir) / asset.path
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise DataError(f"fichier absent du paquet npm : {path}", hint=_SETUP_HINT) from None


def _data_uri(path: Path) -> str:
    mime = {"png": "image/png", "svg": "image/svg+xml"}.get(path.suffix.lstrip("."), "image/png")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_js(assets_dir: Path | None = None) -> list[tuple[str, str]]:
    """``(name, source)`` of each script, source-map comments removed."""
    return [
        (f"{a.package}/{a.path}", _SOURCE_MAP.sub("", _read(a, assets_dir)))
        for a in ASSETS
        if a.kind == "js"
    ]


def inline_css(assets_dir: Path | None = None) -> list[tuple[str, str]]:
    """``(name, text)`` of each style sheet, its images inlined as ``data:`` URIs."""
    out = []
    for a in ASSETS:
        if a.kind != "css":
            continue
        base = (package_dir(a.package, assets_dir) / a.path).parent

        def to_data(match: re.Match[str], base: Path = base) -> str:
            image = base / match.group(2)
            return f'url("{_data_uri(image)}")' if image.is_file() else match.group(0)

        out.append(
            (
                f"{a.package}/{a.path}",
                _CSS_URL.sub(to_data, _SOURCE_MAP.sub("", _read(a, assets_dir))),
            )
        )
    return out


def _served_name(asset_package: str, version: str) -> str:
    return f"{asset_package}@{version}"


# Vendor folders already prepared by this process: the app's reruns skip the file checks.
_prepared: set[tuple[Path, Path | None]] = set()


def prepare_static(static_dir: Path | None = None, assets_dir: Path | None = None) -> Path:
    """Copy the assets into ``static/vendor/<package>@<version>/`` (idempotent); return it.

    Each package gets a folder named after its version, so a browser never keeps an old copy
    in its cache after an upgrade; a file is only rewritten when its content differs. Done once
    per process and folder.
    """
    vendor = Path(static_dir or STATIC_DIR) / VENDOR
    if (vendor, assets_dir) in _prepared and vendor.is_dir():
        return vendor
    files: list[tuple[Path, Path]] = []
    for a in ASSETS:
        src_pkg = package_dir(a.package, assets_dir)
        files.append((src_pkg / a.path, Path(_folder(a.package, assets_dir)) / Path(a.path).name))
    for package, extra in SERVED_EXTRAS:
        src = package_dir(package, assets_dir) / extra
        for image in sorted(src.glob("*")):
            files.append(
                (image, Path(_folder(package, assets_dir)) / Path(extra).name / image.name)
            )
    for src, rel in files:
        target = vendor / rel
        data = src.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            atomic.write_bytes(target, data)
    wanted = {_folder(a.package, assets_dir) for a in ASSETS}
    for old in vendor.iterdir():
        if old.is_dir() and old.name not in wanted:
            shutil.rmtree(old, ignore_errors=True)
    _prepared.add((vendor, assets_dir))
    return vendor


def publish(
    text: str,
    static_dir: Path | None = None,
    *,
    suffix: str = ".json",
    folder: str = DATA,
    keep: int = 20,
) -> str:
    """Write ``text`` under ``static/<folder>/`` with a name taken from its content (and ending
    in ``suffix``); return the path relative to the ``static/`` folder (to append to its URL).

    The name changes with the content, so a browser never keeps an old copy in its cache.
    Written atomically and only once; the folder keeps the ``keep`` most recent files of
    each suffix.
    """
    target_dir = Path(static_dir or STATIC_DIR) / folder
    data = text.encode("utf-8")
    name = f"{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
    target = target_dir / name
    if not target.is_file():
        atomic.write_bytes(target, data)
        files = sorted(target_dir.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
    return f"{folder}/{name}"


@cache  # read once per process, like prepare_static (a rerun of the app reads no file)
def _folder(package: str, assets_dir: Path | None) -> str:
    folder = package_dir(package, assets_dir)
    version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    return _served_name(package, version)


def served_links(
    base_url: str = COMPONENT_STATIC_URL, assets_dir: Path | None = None
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(js, css)`` lists of ``(name, url)`` for the copies made by :func:`prepare_static`.

    ``base_url`` is the URL of the ``static/`` folder as the page loading the map sees it
    (default: from inside streamlit-folium's frame).
    """
    base = base_url if base_url.endswith("/") else base_url + "/"
    js: list[tuple[str, str]] = []
    css: list[tuple[str, str]] = []
    for a in ASSETS:
        url = f"{base}{VENDOR}/{_folder(a.package, assets_dir)}/{Path(a.path).name}"
        (js if a.kind == "js" else css).append((f"{a.package}/{a.path}", url))
    return js, css


def main() -> int:
    """``python -m geo.assets``: copy the assets into ``static/`` (run before ``streamlit run``)."""
    from zonage.errors import ZonageError

    try:
        folder = prepare_static()
    except ZonageError as exc:
        print(f"ressources front-end : erreur : {exc}")
        return exc.exit_code
    print(f"ressources front-end copiées dans {folder.relative_to(settings.PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
