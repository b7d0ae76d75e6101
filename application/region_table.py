"""The table of the aids per commune for one profile, date and situation (one row per commune
of Occitanie) and its file formats: what ``zonage export-table`` writes and the app offers.

:func:`evaluate` keeps the last regions asked for, per build, so the app's views and
downloads share one evaluation of the region."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.per_build import per_build
from zonage.situation import NO_SITUATION, Situation

if TYPE_CHECKING:
    import pandas as pd

    from zonage.engine.region import Region
    from zonage.place import PlaceFacts

FORMATS = ("csv", "parquet", "geojson")
# Columns holding aid ids: one text, the ids joined by this separator.
ID_SEPARATOR = ";"
_ID_COLUMNS = ("aides_eligibles", "aides_sous_condition", "aides_a_verifier")
# Regions kept per build (profile × date × situation): a visitor switches between a few.
_KEPT_REGIONS = 8


class _Regions:
    """Every commune's facts of one build, and the regions evaluated over them."""

    def __init__(self, build_dir: Path) -> None:
        from geo.lookup import get_lookup

        self.places: tuple[PlaceFacts, ...] = tuple(get_lookup(build_dir).all_communes())
        self.evaluate = lru_cache(maxsize=_KEPT_REGIONS)(self._evaluate)

    def _evaluate(self, profile: str, on: dt.date, answers: tuple[tuple[str, str], ...]) -> Region:
        from zonage.engine.region import evaluate_region

        return evaluate_region(self.places, profile, on, situation=Situation(dict(answers)))


@per_build
def _regions(build_dir: Path) -> _Regions:
    return _Regions(build_dir)


def evaluate(
    profile: str,
    on: dt.date,
    situation: Situation = NO_SITUATION,
    build_dir: Path | None = None,
) -> tuple[Region, tuple[PlaceFacts, ...]]:
    """The region for one concrete profile on ``on`` (:func:`~zonage.engine.region.
    evaluate_region`; :class:`~zonage.errors.InvalidInput` for ``tous``) and the communes'
    facts, in the same order as its rows."""
    regions = _regions(build_dir)
    answers = tuple(situation.to_query().items())
    return regions.evaluate(profile, on, answers), regions.places


def table_records(region: Region, places: Sequence[PlaceFacts]) -> list[dict[str, Any]]:
    """One flat record per commune: its zones on the region's date, then its row (aid ids
    joined by :data:`ID_SEPARATOR`), then the profile, date and situation."""
    from application.render.policy import is_priority
    from zonage.catalogue import load_catalogue

    rules = load_catalogue().rules
    situation = ID_SEPARATOR.join(f"{k}={v}" for k, v in region.situation.to_query().items())
    records = []
    for place, row in zip(places, region.rows, strict=True):
        d = row.to_dict()
        for column in _ID_COLUMNS:
            d[column] = ID_SEPARATOR.join(d[column])
        zones = {
            "departement_nom": place.departement_nom,
            "departement_prioritaire": is_priority(place, rules, region.date),
            "qpv2015": ID_SEPARATOR.join(q.code for q in place.qpv2015_commune),
            "qpv2024": ID_SEPARATOR.join(q.code for q in place.qpv2024),
            "massif": place.massif,
            "zone_montagne": place.zone_montagne,
            "zrr": place.zrr,
            "frr": place.frr,
            "frr_code": place.frr_code,
        }
        head = {k: d.pop(k) for k in ("insee", "nom", "departement")}
        records.append(
            {
                **head,
                **zones,
                **d,
                "profil": region.profile,
                "date": region.date.isoformat(),
                "situation": situation,
            }
        )
    return records


# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text a spreadsheet would run as a formula (a name from a data file
    starting with « = »…) prefixed by an apostrophe: read as text, never run."""
    return frame.map(
        lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v
    )


def encode(records: list[dict[str, Any]], fmt: str) -> bytes:
    """The table as the bytes of a CSV (UTF-8, texts made formula-safe), Parquet or GeoJSON
    file."""
    if fmt == "geojson":
        return _geojson(records).encode("utf-8")
    import pandas as pd

    frame = pd.DataFrame.from_records(records)
    if fmt == "csv":
        return formula_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def file_name(region: Region, fmt: str) -> str:
    """The name a downloaded table gets, e.g. ``aides-par-commune-liberal-installation-
    2026-01-15.csv``."""
    return f"aides-par-commune-{region.profile}-{region.date.isoformat()}.{fmt}"


def _geojson(records: list[dict[str, Any]]) -> str:
    """A GeoJSON FeatureCollection: each record with its commune's outline from the web map
    (the simplified topology computed once per build, decoded here; WGS84)."""
    import numpy as np
    import shapely

    from geo.webmap.layer import GRID_STEP, get_web_layer
    from geo.webmap.topology import decode

    web = get_web_layer()
    # Decoded points are grid multiples up to float noise: written with the grid's decimals.
    decimals = round(-math.log10(GRID_STEP))
    geoms = [
        None if g is None else shapely.transform(g, lambda xy: np.round(xy, decimals))
        for g in decode(web.topology, "communes")
    ]
    outlines = dict(zip(web.communes["insee"], geoms, strict=True))
    features = []
    for record in records:
        outline = outlines.get(record["insee"])
        geometry = "null" if outline is None else shapely.to_geojson(outline)
        properties = json.dumps(record, ensure_ascii=False)
        features.append(f'{{"type":"Feature","geometry":{geometry},"properties":{properties}}}')
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(features) + "\n]}\n"
