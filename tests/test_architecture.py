"""Data flows one way: the domain (``zonage``) knows nothing of geometry, ``geo`` nothing of aids.

Only the entry points (``zonage/cli``, ``zonage/service.py``) wire the two; ``geo`` may use the
shared vocabulary (``zonage.place``), errors (``zonage.errors``) and wording (``zonage.text``) only.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO_MAY_IMPORT = {"zonage.place", "zonage.errors", "zonage.text"}
WIRING = {"zonage/service.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _sources(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "tests" not in p.parts]


def test_domain_modules_do_not_import_geo_or_geometry() -> None:
    offenders = {}
    for path in _sources("zonage"):
        rel = path.relative_to(ROOT).as_posix()
        if rel in WIRING or rel.startswith("zonage/cli/"):
            continue
        bad = {
            m for m in _imports(path)
            if m.split(".")[0] in {"geo", "geopandas", "shapely", "pyproj", "folium"}
        }  # fmt: skip
        if bad:
            offenders[rel] = bad
    assert offenders == {}


def test_geo_knows_nothing_of_aids() -> None:
    offenders = {}
    for path in _sources("geo"):
        bad = {m for m in _imports(path) if m.startswith("zonage") and m not in GEO_MAY_IMPORT}
        if bad:
            offenders[path.relative_to(ROOT).as_posix()] = bad
    assert offenders == {}
