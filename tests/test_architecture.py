"""Imports go one way: the application layer → ``geo`` → the ``zonage`` domain.

- ``zonage`` (aids, profiles, zones, engine) imports neither ``geo`` nor the application, nor
  any geometry library;
- ``geo`` (everything spatial) knows nothing of aids: of ``zonage`` it reads only the shared
  contracts (place facts, errors, wording), and never the application;
- ``application`` (command line, service, renderers), ``app.py`` and ``serve.py`` sit on top.

Imports are read from the syntax tree, including ``importlib.import_module("…")`` and
``__import__("…")`` with a literal name, so a dynamic import cannot hide an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEO_MAY_IMPORT = {"zonage.place", "zonage.errors", "zonage.text"}
GEOMETRY = {"geopandas", "shapely", "pyproj", "pyogrio", "folium", "branca"}


def _dynamic_name(node: ast.Call) -> str | None:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in {"import_module", "__import__"} or not node.args:
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values:  # f"pkg.{name}": its literal start
        first = arg.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value.rstrip(".")
    return "<non-literal>"


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, statically or by a literal dynamic import."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and (name := _dynamic_name(node)) is not None:
            names.add(name)
    return names


def _sources(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "tests" not in p.parts]


def _offenders(package: str, bad: callable) -> dict[str, set[str]]:  # type: ignore[valid-type]
    found = {}
    for path in _sources(package):
        wrong = {m for m in imports_of(path) if bad(m)}
        if wrong:
            found[path.relative_to(ROOT).as_posix()] = wrong
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def test_domain_imports_neither_geo_nor_the_application_nor_geometry() -> None:
    forbidden = {"geo", "application", *GEOMETRY}
    assert _offenders("zonage", lambda m: _top(m) in forbidden or m == "<non-literal>") == {}


def test_geo_knows_nothing_of_aids_nor_of_the_application() -> None:
    def bad(m: str) -> bool:
        return (
            (_top(m) == "zonage" and m not in GEO_MAY_IMPORT)
            or _top(m) == "application"
            or m == "<non-literal>"
        )

    assert _offenders("geo", bad) == {}


def test_the_checker_sees_dynamic_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import importlib\n"
        "importlib.import_module('geo.lookup')\n"
        "__import__('application.cli')\n"
        "name = 'x'\n"
        "importlib.import_module(f'zonage.{name}')\n"
        "importlib.import_module(name)\n",
        encoding="utf-8",
    )
    assert imports_of(probe) >= {"geo.lookup", "application.cli", "zonage", "<non-literal>"}


def test_pages_are_thin_over_the_application_layer() -> None:
    """``app.py`` and ``serve.py`` call the application layer; neither reads the domain's
    catalogue files or the build's files directly."""
    for page in ("app.py", "serve.py"):
        names = imports_of(ROOT / page)
        assert not {
            m for m in names if m.startswith(("geo.build", "geo.loaders", "zonage.catalogue"))
        }
