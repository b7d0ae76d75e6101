"""Small source files written by the loader tests: a toy department 09 of five current
communes with a merger, a chain of mergers, a rename and a change of chef-lieu code.

Current communes (COG "2026"):
- 09001 L'Aiguillon (09300)
- 09002 Saint-Girons (09200), absorbed 09003 Vieux-Bourg in 2019 (now its commune déléguée),
  which itself had absorbed 09006 Hameau in 2016
- 09004 Les Cabannes (09310)
- 09005 Nouveau-Nom (09400), called Ancien-Nom until 2025
- 09008 Bourg-Neuf (09500): 09008 was merged into 09007 in 2016, then the commune took the
  code 09008 back in 2024 (change of chef-lieu code, like 12076 -> 12218)
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box

from geo.loaders.cog import CodeMapper, Cog, CommuneHistory, load_cog, load_history

HISTORY_HEADER = (
    "MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,"
    "TYPECOM_AP,COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP"
)
HISTORY_ROWS = [
    "31,2016-01-01,COM,09006,0,HAMEAU,Hameau,Hameau,COM,09003,0,VIEUX BOURG,"
    "Vieux-Bourg,Vieux-Bourg",
    "32,2016-01-01,COM,09008,0,BOURG NEUF,Bourg-Neuf,Bourg-Neuf,COM,09007,0,VILLE,Ville,Ville",
    "32,2016-01-01,COM,09008,0,BOURG NEUF,Bourg-Neuf,Bourg-Neuf,COMD,09008,0,BOURG NEUF,"
    "Bourg-Neuf,Bourg-Neuf",
    "32,2019-01-01,COM,09003,0,VIEUX BOURG,Vieux-Bourg,Vieux-Bourg,COM,09002,0,SAINT GIRONS,"
    "Saint-Girons,Saint-Girons",
    "32,2019-01-01,COM,09003,0,VIEUX BOURG,Vieux-Bourg,Vieux-Bourg,COMD,09003,0,VIEUX BOURG,"
    "Vieux-Bourg,Vieux-Bourg",
    "50,2024-03-04,COM,09007,0,VILLE,Ville,Ville,COM,09008,0,BOURG NEUF,Bourg-Neuf,Bourg-Neuf",
    "10,2025-01-01,COM,09005,0,ANCIEN NOM,Ancien-Nom,Ancien-Nom,COM,09005,0,NOUVEAU NOM,"
    "Nouveau-Nom,Nouveau-Nom",
    "20,2011-03-31,,,,,,,COM,97601,1,ACOUA,Acoua,Acoua",
]


def _commune(code: str, nom: str, postal: list[str], population: int, **extra) -> dict:
    return {
        "code": code,
        "nom": nom,
        "type": "commune-actuelle",
        "departement": "09",
        "region": "76",
        "codesPostaux": postal,
        "population": population,
        **extra,
    }


def communes_2026() -> list[dict]:
    return [
        _commune("09001", "L'Aiguillon", ["09300"], 372),
        _commune("09002", "Saint-Girons", ["09200"], 6000, anciensCodes=["09003", "09006"]),
        _commune("09004", "Les Cabannes", ["09310"], 400),
        _commune("09005", "Nouveau-Nom", ["09400"], 100),
        _commune("09008", "Bourg-Neuf", ["09500"], 900, anciensCodes=["09007"]),
        {
            "code": "09003",
            "nom": "Vieux-Bourg",
            "type": "commune-deleguee",
            "chefLieu": "09002",
            "departement": "09",
        },
        {
            "code": "09008",
            "nom": "Bourg-Neuf",
            "type": "commune-deleguee",
            "chefLieu": "09008",
            "departement": "09",
        },
        # a commune of another region is ignored
        {
            "code": "75056",
            "nom": "Paris",
            "type": "commune-actuelle",
            "departement": "75",
            "codesPostaux": ["75001"],
            "population": 2,
        },
    ]


EPCI = [
    {
        "code": "200000001",
        "nom": "CC Test",
        "membres": [{"code": c} for c in ("09001", "09002", "09004", "09005", "09008")],
    }
]
DEPARTEMENTS = [{"code": "09", "nom": "Ariège"}, {"code": "75", "nom": "Paris"}]

#: 2018 polygons (COG 2018): 09003 already holds 09006; 09007 holds 09008.
SQUARES_2018 = {
    "09001": (0, 0),
    "09002": (1, 0),
    "09003": (2, 0),
    "09004": (0, 1),
    "09005": (1, 1),
    "09007": (2, 1),
}
ORIGIN, SIZE = (1.0, 43.0), 0.01


def square(col: int, row: int) -> Polygon:
    x, y = ORIGIN[0] + col * SIZE, ORIGIN[1] + row * SIZE
    return box(x, y, x + SIZE, y + SIZE)


def write_json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_geojson(path: Path, gdf: gpd.GeoDataFrame) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf.to_file(path, driver="GeoJSON")
    return path


def polygons_2018(squares: dict[str, tuple[int, int]] | None = None) -> gpd.GeoDataFrame:
    squares = squares or SQUARES_2018
    return gpd.GeoDataFrame(
        {"code": list(squares), "nom": [f"Nom {c}" for c in squares]},
        geometry=[square(*v) for v in squares.values()],
        crs="EPSG:4326",
    )


def write_sample(root: Path) -> dict[str, Path]:
    """Write the toy sources under ``root``; return their paths by role."""
    paths = {
        "cog_history": write_text(
            root / "history.csv", "\n".join([HISTORY_HEADER, *HISTORY_ROWS]) + "\n"
        ),
        "cog2026_communes": write_json(root / "communes.json", communes_2026()),
        "cog2026_epci": write_json(root / "epci.json", EPCI),
        "cog2026_departements": write_json(root / "departements.json", DEPARTEMENTS),
        "communes_2018": write_geojson(root / "communes-09.geojson", polygons_2018()),
    }
    outline = polygons_2018().union_all()
    paths["departements_2018"] = write_geojson(
        root / "departements.geojson",
        gpd.GeoDataFrame({"code": ["09"], "nom": ["ARIEGE"]}, geometry=[outline], crs="EPSG:4326"),
    )
    paths["region_2018"] = write_geojson(
        root / "region.geojson",
        gpd.GeoDataFrame(
            {"code": ["76"], "nom": ["Occitanie"]}, geometry=[outline], crs="EPSG:4326"
        ),
    )
    return paths


def sample_cog(root: Path) -> tuple[dict[str, Path], Cog, CommuneHistory, CodeMapper]:
    """The sample written under ``root``, its COG and history loaded, and their code mapper."""
    sample = write_sample(root)
    history = load_history(sample["cog_history"])
    cog = load_cog(
        sample["cog2026_communes"], sample["cog2026_epci"], sample["cog2026_departements"], history
    )
    return sample, cog, history, CodeMapper.from_cog(cog, history)
