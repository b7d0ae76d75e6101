"""The "À propos des données" page as data: the layers' sources, the brochures' key figures and
the known limits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from zonage.catalogue import load_catalogue, load_key_figures


def sources_table(sources: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One row per dataset (files of a dataset share title, vintage, licence and page)."""
    rows: dict[str, dict[str, str]] = {}
    for s in sources:
        key = str(s.get("dataset") or s.get("title") or s.get("name"))
        row = rows.setdefault(
            key,
            {
                "Donnée": str(s.get("title", "")),
                "Millésime": str(s.get("vintage", "")),
                "Licence": str(s.get("licence", "")),
                "Page": str(s.get("landing_page", "")),
                "Fichiers": "0",
            },
        )
        row["Fichiers"] = str(int(row["Fichiers"]) + 1)
    return list(rows.values())


def zoning_versions(metadata: Mapping[str, Any]) -> list[dict[str, str]]:
    """Each doctor zoning version of the build (its metadata): from when, source, file and
    checksum."""
    return [
        {
            "En vigueur depuis": str(v.get("depuis") or "?"),
            "Source": str(v.get("source", "")),
            "Fichier": str(v.get("fichier", "")),
            "Communes classées": str(v.get("communes", "")),
            "sha256": str(v.get("sha256", "")),
        }
        for v in metadata.get("zonage_versions", [])
    ]


def key_figures() -> list[dict[str, Any]]:
    """The brochures' key figures, grouped, each group with its date and source line."""
    catalogue = load_catalogue()
    return [
        {
            "title": g.title,
            "date": g.date,
            "source": catalogue.cite(g.source),
            "rows": [
                {"Thème": f.theme, "Chiffre": f.value, "Objet": f.label, "Détail": f.detail}
                for f in g.figures
            ],
        }
        for g in load_key_figures(catalogue=catalogue)
    ]


def brochures() -> list[dict[str, str]]:
    """The documents the catalogue cites, with their date."""
    return [
        {
            "Document": d.title,
            "Éditeur": d.publisher or "",
            "Date": d.date_text,
            "Où": d.url or d.file or "",
        }
        for d in load_catalogue().documents.values()
    ]


def known_limits() -> str:
    """What the data cannot decide and whom to ask (Markdown, French)."""
    return resources.files("application").joinpath("about.md").read_text(encoding="utf-8")
