"""Read the catalogue's YAML files (the packaged ones by default) into validated objects."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from zonage.catalogue.key_figures import parse_key_figures
from zonage.catalogue.model import Catalogue, KeyFigureGroup
from zonage.catalogue.parse import parse_catalogue
from zonage.errors import DataError

_DATA_DIR: Path = Path(__file__).resolve().parent.parent
CATALOGUE_PATH: Path = _DATA_DIR / "catalogue.yaml"
KEY_FIGURES_PATH: Path = _DATA_DIR / "key_figures.yaml"


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Load and validate the catalogue (the packaged ``catalogue.yaml`` by default, cached)."""
    if path is None:
        return _default_catalogue()
    path = Path(path)
    return parse_catalogue(_read_yaml(path, "Catalogue des aides"), path.name)


@functools.lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return parse_catalogue(_read_yaml(CATALOGUE_PATH, "Catalogue des aides"), CATALOGUE_PATH.name)


def load_key_figures(
    path: Path | str | None = None, catalogue: Catalogue | None = None
) -> tuple[KeyFigureGroup, ...]:
    """Load and validate the key figures ("chiffres clés"), each group with date and source."""
    path = Path(path) if path is not None else KEY_FIGURES_PATH
    catalogue = catalogue or load_catalogue()
    return parse_key_figures(_read_yaml(path, "Fichier des chiffres clés"), path.name, catalogue)


def _read_yaml(path: Path, what: str) -> Mapping[str, Any]:
    """The YAML table in ``path``; a one-line :class:`DataError` naming ``what`` otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(
            f"{what} introuvable : {path.name}.",
            hint="Réinstallez le paquet ou restaurez le fichier.",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{what} illisible ({path.name}) : {exc}.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", ligne {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntaxe YAML invalide"
        raise DataError(
            f"{what} illisible ({path.name}{line}) : {problem}.", hint="Corrigez la syntaxe YAML."
        ) from None
    if not isinstance(data, Mapping):
        raise DataError(f"{what} invalide ({path.name}) : une table YAML est attendue.")
    return data
