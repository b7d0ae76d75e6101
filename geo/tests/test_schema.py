"""geo.schema: the readers of the built layer know its files and columns without loading the
build (its fetcher, the HTTP client and the source loaders)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from geo import schema

ROOT = Path(__file__).resolve().parents[2]
#: Modules of the build only: a reader of the layer must not load them.
BUILD_ONLY = ("geo.build", "geo.fetch", "geo.loaders", "requests")


def _modules_after(statement: str) -> set[str]:
    """``sys.modules`` of a fresh interpreter after ``statement``."""
    code = f"{statement}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return set(proc.stdout.split())


def test_reading_the_layer_loads_nothing_of_the_build() -> None:
    modules = _modules_after("import geo.lookup\nimport geo.layer")
    assert {"geo.lookup", "geo.layer", "geo.schema"} <= modules
    assert not sorted(m for m in modules if m.startswith(BUILD_ONLY))


def test_the_layer_columns_are_described() -> None:
    columns = set(schema.COMMUNE_COLUMNS)
    assert len(columns) == len(schema.COMMUNE_COLUMNS)
    assert set(schema.LIST_COLUMNS) <= columns
    assert set(schema.NULLABLE_TEXT_COLUMNS) <= columns
    assert not set(schema.LIST_COLUMNS) & set(schema.NULLABLE_TEXT_COLUMNS)
