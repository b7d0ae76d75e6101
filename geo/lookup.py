"""Find the place: a point, an INSEE code, a name or a postal code → :class:`PlaceFacts`.

:class:`PlaceLookup` is built once from the loaded layers (:func:`get_lookup` keeps it per
build). It keeps the commune polygons in a shapely ``STRtree`` (sorted by INSEE code, so a
point on a shared border goes to the lowest code, deterministically), the 2015 QPV polygons in a
second tree (a point decides QPV membership, not its commune), and every commune's facts
precomputed, so one point costs a tree query and a record copy.

Coordinates are WGS84 longitude/latitude (EPSG:4326). Functions taking both take them in the
order ``(lon, lat)`` like shapely; pass them by keyword when in doubt.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from geo.names import REGION_HINT, Candidate, NameIndex, alias_note, outside_region, pick_one
from geo.per_build import per_build
from geo.places import CommuneTable, as_list, build_table, point_facts, with_notes
from zonage.errors import InvalidInput, OutsideRegion
from zonage.place import PlaceFacts, Qpv
from zonage.text import quoted

if TYPE_CHECKING:
    from geo.layer import Layers

Axis = Literal["lat", "lon"]

# A point outside every commune polygon but inside the region outline (a sliver between
# polygons) goes to the nearest commune within this distance, in degrees (~100 m).
_SLIVER_MAX_DISTANCE_DEG = 1e-3

_AXIS_NAMES = {"lat": "Latitude", "lon": "Longitude"}
_AXIS_LIMITS = {"lat": 90.0, "lon": 180.0}
_AXIS_EXAMPLES = {"lat": "43.6045", "lon": "1.4440"}

# The grammar of a coordinate typed as text: ASCII digits, an optional leading minus, one
# decimal point or comma (the French way), an optional trailing degree sign. No "+", no
# exponent, no "_" separators, no nan/inf, no other script's digits (all of which float() takes).
_COORDINATE_RE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?°?", re.ASCII)
# Longest text read as a coordinate: more digits than this say nothing more about a place.
_COORDINATE_MAX_CHARS = 32
# Spaces around a value (shell quoting, a paste) are forgiven; nothing else is.
_BLANKS = " \t\r\n"


def parse_coordinate(value: str | float | int | None, axis: Axis) -> float:
    """A latitude or longitude in decimal degrees, from a number or a text.

    A text is ``-?DIGITS[.DIGITS]`` in ASCII digits, with a decimal point or comma ("43,6")
    and an optional trailing "°", spaces around it forgiven. Raises :class:`InvalidInput`
    (French, one line) for an empty, unreadable, infinite or out-of-range value.
    """
    label = _AXIS_NAMES[axis]
    example = _AXIS_EXAMPLES[axis]
    if value is None or (isinstance(value, str) and not value.strip(_BLANKS)):
        raise InvalidInput(f"{label} vide : indiquez un nombre en degrés décimaux, ex. {example}.")
    if isinstance(value, str):
        text = value.strip(_BLANKS)
        if len(text) > _COORDINATE_MAX_CHARS or not _COORDINATE_RE.fullmatch(text):
            raise InvalidInput(
                f"{label} {quoted(text)} illisible : un nombre en degrés décimaux est attendu"
                f" (chiffres 0-9, un signe - éventuel, un point ou une virgule), ex. {example}."
            )
        number = float(text.rstrip("°").replace(",", "."))
    elif isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InvalidInput(
            f"{label} {quoted(value)} illisible : un nombre est attendu, ex. {example}."
        )
    else:
        number = float(value)
    if not math.isfinite(number):
        raise InvalidInput(
            f"{label} {quoted(value)} invalide : un nombre fini est attendu, ex. {example}."
        )
    limit = _AXIS_LIMITS[axis]
    if not -limit <= number <= limit:
        hint = (
            "Latitude et longitude sont-elles inversées ?"
            if axis == "lat" and abs(number) <= 180
            else None
        )
        raise InvalidInput(
            f"{label} {number:g} hors de l'intervalle [-{limit:g}, {limit:g}] degrés.", hint=hint
        )
    return number


class PlaceLookup:
    """Point, code, name and postal-code lookup over the built commune layer."""

    def __init__(self, layers: Layers) -> None:
        communes = layers.communes.sort_values("insee", kind="stable").reset_index(drop=True)
        self.vintages: dict[str, str] = dict(layers.vintages)
        self.table: CommuneTable = build_table(communes, self.vintages)

        self._geoms = np.asarray(communes.geometry.values, dtype=object)
        shapely.prepare(self._geoms)
        self._tree = STRtree(self._geoms)
        minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(self._geoms))
        self.bounds: tuple[float, float, float, float] = (minx, miny, maxx, maxy)

        qpv = layers.qpv2015.sort_values("code_qp", kind="stable").reset_index(drop=True)
        self._qpv_geoms = np.asarray(qpv.geometry.values, dtype=object)
        shapely.prepare(self._qpv_geoms)
        self._qpv_tree = STRtree(self._qpv_geoms)
        self._qpv: tuple[Qpv, ...] = tuple(
            Qpv(code=str(c), nom=str(n)) for c, n in zip(qpv["code_qp"], qpv["nom_qp"], strict=True)
        )
        # Communes each QPV lies in, per the source (a few QPV span two communes).
        listed = qpv["insee_communes"] if "insee_communes" in qpv.columns else qpv["insee"]
        self._qpv_communes: tuple[frozenset[str], ...] = tuple(frozenset(_cell(v)) for v in listed)
        # Communes no QPV polygon touches skip the QPV query (most of them: a click is faster).
        self._may_have_qpv = np.zeros(len(self._geoms), dtype=bool)
        self._may_have_qpv[self._tree.query(self._qpv_geoms, predicate="intersects")[1]] = True

        region = shapely.union_all(np.asarray(layers.region.geometry.values, dtype=object))
        shapely.prepare(region)
        self._region = region

        self.names = NameIndex(
            insee=self.table.insee,
            nom=self.table.nom,
            departement=self.table.departement,
            population=[f.population or 0 for f in self.table.facts],
            alias_noms=list(communes["alias_noms"]),
            codes_postaux=[f.codes_postaux for f in self.table.facts],
            former_codes=[
                [*_cell(a), *_cell(b)]
                for a, b in zip(communes["anciens_codes"], communes["alias_codes"], strict=True)
            ],
        )
        self._columns = _FactColumns(self.table, self._qpv)
        self._anchors: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.table)

    # --- points ------------------------------------------------------------------------

    def locate(self, lon: float, lat: float) -> int | None:
        """Index of the commune containing the point (lowest INSEE code on a border), or None."""
        return self._index_of(shapely.Point(lon, lat))

    def _index_of(self, point: shapely.Point) -> int | None:
        hits = self._tree.query(point, predicate="intersects")
        if len(hits) == 1:
            return int(hits[0])
        if len(hits) > 1:
            return int(hits.min())
        return self._sliver(point)

    def _sliver(self, point: shapely.Point) -> int | None:
        """Nearest commune for a point inside the region outline that no polygon covers."""
        if not self._region.intersects(point):
            return None
        near = self._tree.query_nearest(
            point, max_distance=_SLIVER_MAX_DISTANCE_DEG, all_matches=True
        )
        return int(near.min()) if len(near) else None

    def try_point(self, lon: float, lat: float) -> PlaceFacts | None:
        """Point-level facts, or None when the point is outside Occitanie (or at sea).

        ``lon``/``lat`` must already be valid numbers (see :func:`parse_coordinate`).
        """
        point = shapely.Point(lon, lat)
        index = self._index_of(point)
        if index is None:
            return None
        base = self.table.facts[index]
        if not self._may_have_qpv[index]:
            return point_facts(base, lon, lat, None)
        qhits = self._qpv_tree.query(point, predicate="intersects")
        if len(qhits) == 0:
            return point_facts(base, lon, lat, None)
        q = int(qhits.min())
        notes: tuple[str, ...] = ()
        if base.insee not in self._qpv_communes[q]:
            # QPV outlines are rounded to ~10 m: near a commune border they can spill over.
            communes = ", ".join(sorted(self._qpv_communes[q]))
            notes = (
                f"Le point est dans le contour du QPV {self._qpv[q].code} ({self._qpv[q].nom}),"
                f" rattaché à la commune {communes}, mais tombe dans {base.nom} ({base.insee}) :"
                " limite à vérifier auprès de la préfecture ou de l'ANCT.",
            )
        return point_facts(base, lon, lat, self._qpv[q], notes)

    def point(self, lon: float | str, lat: float | str) -> PlaceFacts:
        """Point-level facts for a WGS84 position; raises a typed error on bad or outside input.

        :class:`InvalidInput` for an unreadable or out-of-range coordinate,
        :class:`OutsideRegion` for a point outside every commune of Occitanie (or at sea).
        """
        x = parse_coordinate(lon, "lon")
        y = parse_coordinate(lat, "lat")
        facts = self.try_point(x, y)
        if facts is not None:
            return facts
        raise self.outside_error(x, y)

    def outside_error(self, lon: float, lat: float) -> OutsideRegion:
        """The French error for a point that is in no commune of Occitanie."""
        where = f"(lat {lat:.5f}, lon {lon:.5f})"
        minx, miny, maxx, maxy = self.bounds
        if -90 <= lon <= 90 and self.locate(lat, lon) is not None:
            return OutsideRegion(
                f"Le point {where} est hors d'Occitanie.",
                hint="Latitude et longitude semblent inversées :"
                f" essayez lat {lon:.5f}, lon {lat:.5f}.",
            )
        if minx <= lon <= maxx and miny <= lat <= maxy:
            return OutsideRegion(
                f"Le point {where} n'est dans aucune commune d'Occitanie (en mer ou dans une"
                " région voisine).",
                hint=REGION_HINT,
            )
        return outside_region(f"Le point {where}")

    def locate_many(
        self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray
    ) -> np.ndarray:
        """Commune index per point (int32, -1 outside the region), vectorised."""
        x = np.asarray(lons, dtype=float)
        y = np.asarray(lats, dtype=float)
        points = shapely.points(x, y)
        assert isinstance(points, np.ndarray)  # 1-D coordinates give an array, never one Point
        return self._locate_points(points, x, y)

    def _locate_points(self, points: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        commune = _first_hit(self._tree, self._geoms, points, x, y)
        missing = np.flatnonzero(commune < 0)
        if len(missing):
            # Only points the region outline holds can be slivers; the rest are outside.
            inside = missing[shapely.contains_xy(self._region, x[missing], y[missing])]
            for i in inside:
                found = self._sliver(points[i])
                commune[i] = -1 if found is None else found
        return commune

    def points(
        self, lons: Sequence[float] | np.ndarray, lats: Sequence[float] | np.ndarray
    ) -> pd.DataFrame:
        """Facts table for many points at once, one row per point, in input order.

        Columns: ``lon``, ``lat``, ``inside`` (False outside Occitanie or at sea), ``insee``,
        ``nom``, ``departement``, ``zonage_medecins``, ``qpv_code``, ``qpv_nom`` (2015 QPV
        containing the point), ``massif``, ``zrr``, ``frr_code``.
        Text columns are categoricals; rows outside the region hold missing values.
        Non-finite coordinates are treated as outside.
        """
        x = np.asarray(lons, dtype=float)
        y = np.asarray(lats, dtype=float)
        if x.shape != y.shape or x.ndim != 1:
            raise InvalidInput("Longitudes et latitudes doivent être deux listes de même longueur.")
        points = shapely.points(x, y)
        assert isinstance(points, np.ndarray)  # 1-D coordinates give an array, never one Point
        commune = self._locate_points(points, x, y)
        qpv = _first_hit(self._qpv_tree, self._qpv_geoms, points, x, y)
        return self._columns.frame(x, y, commune, qpv)

    # --- codes, names, postal codes ------------------------------------------------------

    def facts(self, index: int) -> PlaceFacts:
        """Commune-level facts of the commune at ``index``."""
        return self.table.facts[index]

    def all_communes(self) -> tuple[PlaceFacts, ...]:
        """Commune-level facts of every commune, in INSEE order (the prebuilt records)."""
        return self.table.facts

    def anchor(self, index: int) -> tuple[float, float]:
        """``(lon, lat)`` of a point surely inside the commune (to centre a map on it)."""
        if self._anchors is None:
            self._anchors = shapely.get_coordinates(shapely.point_on_surface(self._geoms))
        lon, lat = self._anchors[index]
        return float(lon), float(lat)

    def outline(self, code: str) -> shapely.Geometry | None:
        """Exact (WGS84) outline of the current commune ``code``, or None if unknown."""
        index = self.names.code_index(code)
        return None if index is None else self._geoms[index]

    def commune(self, code: str) -> PlaceFacts:
        """Commune-level facts for an INSEE code (a former code maps to today's commune)."""
        index, note = self.names.resolve_code(code)
        return with_notes(self.table.facts[index], [note])

    def search(self, text: str, limit: int = 10) -> list[Candidate]:
        """Ranked candidate communes for a name or postal code (see :class:`NameIndex`)."""
        return self.names.search(text, limit=limit)

    def name(self, text: str) -> PlaceFacts:
        """Commune-level facts for a name, alias or postal code that designates one commune."""
        if not (text or "").strip():
            raise InvalidInput("Nom de commune vide : indiquez un nom, ex. Toulouse.")
        chosen = pick_one(text, self.names.search(text, limit=20))
        notes = [alias_note(chosen)]
        if chosen.kind == "code_postal":
            notes.append(f"Code postal {chosen.matched} : commune {chosen.nom} ({chosen.insee}).")
        return with_notes(self.table.facts[chosen.index], notes)

    def postal_code(self, code: str) -> list[PlaceFacts]:
        """Commune-level facts of every commune a postal code serves (most populated first)."""
        return [self.table.facts[i] for i in self.names.resolve_postal(code)]


def _first_hit(
    tree: STRtree, geoms: np.ndarray, points: np.ndarray, x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """Per point, the lowest tree index whose polygon covers it (int32, -1 if none).

    Bounding-box candidates from the tree, then point-in-polygon on the prepared polygons:
    about twice as fast as ``tree.query(points, predicate="intersects")``, which prepares the
    points rather than the polygons. Border ties go to the lowest index (lowest code).
    """
    sentinel = np.iinfo(np.int32).max
    first = np.full(len(points), sentinel, dtype=np.int32)
    src, cand = tree.query(points)
    hit = shapely.intersects_xy(geoms[cand], x[src], y[src])
    np.minimum.at(first, src[hit], cand[hit].astype(np.int32))
    first[first == sentinel] = -1
    return first


def _cell(value: object) -> list[str]:
    return [str(v) for v in as_list(value)]


class _FactColumns:
    """Per-commune columns laid out for fast vectorised ``take`` (index -1 = outside)."""

    _TEXT = ("insee", "nom", "departement", "zonage_medecins", "massif", "zrr")

    def __init__(self, table: CommuneTable, qpv: tuple[Qpv, ...]) -> None:
        self._text: dict[str, tuple[np.ndarray, pd.Index]] = {}
        for name in self._TEXT:
            values = getattr(table, name)
            self._text[name] = _encode(values)
        self._qpv_code = _encode(np.array([q.code for q in qpv], dtype=object))
        self._qpv_nom = _encode(np.array([q.nom for q in qpv], dtype=object))
        self._frr = table.frr_code.astype(np.int16)

    def frame(
        self, x: np.ndarray, y: np.ndarray, commune: np.ndarray, qpv: np.ndarray
    ) -> pd.DataFrame:
        inside = commune >= 0
        safe = np.where(inside, commune, 0)
        columns: dict[str, object] = {"lon": x, "lat": y, "inside": inside}
        for name in self._TEXT:
            columns[name] = _decode(self._text[name], commune)
        columns["qpv_code"] = _decode(self._qpv_code, qpv)
        columns["qpv_nom"] = _decode(self._qpv_nom, qpv)
        columns["frr_code"] = pd.arrays.IntegerArray(self._frr[safe], ~inside)
        order = [
            "lon",
            "lat",
            "inside",
            "insee",
            "nom",
            "departement",
            "zonage_medecins",
            "qpv_code",
            "qpv_nom",
            "massif",
            "zrr",
            "frr_code",
        ]
        return pd.DataFrame({k: columns[k] for k in order}, copy=False)


def _encode(values: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Category codes per item (None → -1) with a trailing -1 for "outside", and categories."""
    present = [v for v in values if v is not None]
    categories = pd.Index(sorted(set(present)), dtype=object)
    lookup = {v: k for k, v in enumerate(categories)}
    codes = np.array(
        [lookup.get(v, -1) if v is not None else -1 for v in values] + [-1], dtype=np.int32
    )
    return codes, categories


def _decode(encoded: tuple[np.ndarray, pd.Index], index: np.ndarray) -> pd.Categorical:
    codes, categories = encoded
    return pd.Categorical.from_codes(codes[index], categories=categories, validate=False)


@per_build
def get_lookup(build_dir: Path) -> PlaceLookup:
    """The lookup over the built layer of ``build_dir`` (default ``data/build``), built once
    per build (a rebuild is picked up by the next call)."""
    from geo import layer

    return PlaceLookup(layer.get(build_dir))
