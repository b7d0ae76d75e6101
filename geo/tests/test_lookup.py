"""Point lookup on the real layer: known places, QPV, borders, outside points, bad input,
the vectorised form, and a property test over random points of the region."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo.lookup import get_lookup, parse_coordinate
from zonage.errors import InvalidInput, OutsideRegion
from zonage.place import PlaceFacts

# A central point (town hall or main square) of each department's prefecture, WGS84.
PREFECTURES = [
    ("Foix", "09122", 42.9653, 1.6070),
    ("Carcassonne", "11069", 43.2130, 2.3491),
    ("Rodez", "12202", 44.3506, 2.5750),
    ("Nîmes", "30189", 43.8367, 4.3601),
    ("Toulouse", "31555", 43.6045, 1.4440),
    ("Auch", "32013", 43.6465, 0.5855),
    ("Montpellier", "34172", 43.6108, 3.8767),
    ("Cahors", "46042", 44.4475, 1.4410),
    ("Mende", "48095", 44.5181, 3.5006),
    ("Tarbes", "65440", 43.2328, 0.0781),
    ("Perpignan", "66136", 42.6986, 2.8956),
    ("Albi", "81004", 43.9289, 2.1464),
    ("Montauban", "82121", 44.0176, 1.3550),
]

# Known spots inside two named 2015 QPV of Toulouse (metro stations / streets of the quarter).
KNOWN_QPV = [
    ("allée de Bellefontaine", 43.56685, 1.39737, "QP031007", "Grand Mirail"),
    ("métro Empalot", 43.5801, 1.4417, "QP031010", "Empalot"),
]

OUTSIDE = [
    ("Paris", 48.8566, 2.3522),
    ("Barcelone", 41.3874, 2.1686),
    ("Andorre-la-Vieille", 42.5063, 1.5218),
    ("Bordeaux", 44.8378, -0.5792),
    ("golfe du Lion, au large de Sète", 43.2, 3.8),
    ("en mer, au large de Leucate", 42.9, 3.3),
]


@pytest.fixture(scope="module")
def lookup(built_dir):
    return get_lookup(built_dir)


@pytest.fixture(scope="module")
def rows(layers):
    return layers.communes.set_index("insee")


@pytest.mark.parametrize(
    ("nom", "insee", "lat", "lon"), PREFECTURES, ids=[p[0] for p in PREFECTURES]
)
def test_prefecture_centres(lookup, rows, nom, insee, lat, lon):
    facts = lookup.point(lon=lon, lat=lat)
    assert (facts.insee, facts.nom) == (insee, nom)
    assert facts.departement == insee[:2]
    assert facts.precision == "point" and (facts.lon, facts.lat) == (lon, lat)
    row = rows.loc[insee]
    assert row.geometry.intersects(shapely.Point(lon, lat))
    assert facts.zonage_medecins == row["zonage_medecins"]
    assert facts.massif == (row["massif"] if isinstance(row["massif"], str) else None)
    assert facts.zrr == row["zrr"] and facts.frr_code == row["frr_code"]
    assert [q.code for q in facts.qpv2024] == list(row["qpv2024_codes"])


def test_vintages_come_from_the_layers(lookup, layers):
    facts = lookup.point(lon=1.4440, lat=43.6045)
    assert facts.vintages == layers.vintages
    assert set(facts.vintages) >= {
        "communes",
        "zonage_medecins",
        "qpv2015",
        "qpv2024",
        "massif",
        "zrr",
        "frr",
    }


@pytest.mark.parametrize(
    ("where", "lat", "lon", "code", "nom"), KNOWN_QPV, ids=[q[0] for q in KNOWN_QPV]
)
def test_known_point_in_a_named_qpv(lookup, where, lat, lon, code, nom):
    facts = lookup.point(lon=lon, lat=lat)
    assert facts.insee == "31555"
    assert facts.qpv is not None and (facts.qpv.code, facts.qpv.nom) == (code, nom)
    assert code in {q.code for q in facts.qpv2015_commune}


def test_every_qpv_polygon_is_found_from_inside(lookup, layers):
    qpv = layers.qpv2015
    assert len(qpv) == 105
    for code, nom, geom in zip(qpv["code_qp"], qpv["nom_qp"], qpv.geometry, strict=True):
        point = geom.representative_point()
        facts = lookup.point(lon=point.x, lat=point.y)
        holders = sorted(qpv["code_qp"][qpv.intersects(point)])
        assert facts.qpv is not None
        assert facts.qpv.code == holders[0], (code, nom)


def test_qpv_outline_spilling_into_a_neighbour_is_flagged(lookup, layers, rows):
    """The 2015 outlines are rounded to ~10 m: Mosson (Montpellier) spills into Grabels."""
    mosson = layers.qpv2015.set_index("code_qp").loc["QP034005"].geometry
    sliver = mosson.intersection(rows.loc["34116"].geometry)
    assert sliver.area > 0
    point = sliver.representative_point()
    facts = lookup.point(lon=point.x, lat=point.y)
    assert facts.insee == "34116" and facts.qpv is not None and facts.qpv.code == "QP034005"
    assert any("à vérifier" in n and "QP034005" in n for n in facts.notes)
    inside = mosson.intersection(rows.loc["34172"].geometry).representative_point()
    assert lookup.point(lon=inside.x, lat=inside.y).notes == ()


def test_point_facts_copy_equals_dataclass_replace(lookup):
    import dataclasses

    from geo.places import point_facts

    base = lookup.commune("09122")
    fast = point_facts(base, 1.607, 42.9653, None, ("note",))
    slow = dataclasses.replace(
        base, precision="point", lon=1.607, lat=42.9653, qpv=None, notes=("note",)
    )
    assert fast == slow and fast.to_dict() == slow.to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.insee = "00000"  # type: ignore[misc]


def test_point_outside_any_qpv_and_commune_precision(lookup):
    capitole = lookup.point(lon=1.44333, lat=43.60445)
    assert capitole.insee == "31555" and capitole.qpv is None
    by_code = lookup.commune("31555")
    assert by_code.precision == "commune" and by_code.qpv is None and by_code.lon is None
    assert (
        by_code.qpv2015_commune == capitole.qpv2015_commune
    )  # the commune's lists, not the point's


def _shared_border(a, b) -> shapely.LineString:
    """The longest piece of the border two communes share."""
    shared = shapely.intersection(a.boundary, b.boundary)
    parts = [
        g for g in shapely.get_parts(shapely.line_merge(shared)) if g.geom_type == "LineString"
    ]
    return max(parts, key=lambda g: g.length)


def test_points_just_across_a_commune_border(lookup, rows):
    a, b = rows.loc["31555"].geometry, rows.loc["31044"].geometry  # Toulouse | Balma
    border = _shared_border(a, b)
    coords = np.asarray(border.coords)
    k = len(coords) // 2
    (x0, y0), (x1, y1) = coords[k], coords[k + 1]
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    nx, ny = -(y1 - y0), x1 - x0
    norm = math.hypot(nx, ny)
    eps = 2e-5  # about 2 m
    sides = [
        (mx + eps * nx / norm, my + eps * ny / norm),
        (mx - eps * nx / norm, my - eps * ny / norm),
    ]
    found = {lookup.point(lon=x, lat=y).insee for x, y in sides}
    assert found == {"31555", "31044"}
    for x, y in sides:
        expected = "31555" if a.contains(shapely.Point(x, y)) else "31044"
        assert lookup.point(lon=x, lat=y).insee == expected


def test_point_exactly_on_a_border_resolves_to_lowest_code(lookup, rows):
    a, b = rows.loc["31555"].geometry, rows.loc["31044"].geometry
    x, y = np.asarray(_shared_border(a, b).coords)[1]  # a vertex both polygons share
    point = shapely.Point(x, y)
    assert a.intersects(point) and b.intersects(point)
    results = {lookup.point(lon=x, lat=y).insee for _ in range(3)}
    assert results == {"31044"}
    table = lookup.points([x, x], [y, y])
    assert list(table["insee"]) == ["31044", "31044"]


@pytest.mark.parametrize(("where", "lat", "lon"), OUTSIDE, ids=[o[0] for o in OUTSIDE])
def test_outside_region_or_at_sea(lookup, where, lat, lon):
    assert lookup.try_point(lon, lat) is None
    with pytest.raises(OutsideRegion) as info:
        lookup.point(lon=lon, lat=lat)
    message = str(info.value)
    assert "Occitanie" in message and "\n" not in message


def test_swapped_coordinates_get_a_hint(lookup):
    with pytest.raises(OutsideRegion, match="inversées"):
        lookup.point(lon=43.6045, lat=1.4440)


@pytest.mark.parametrize(
    ("lat", "lon", "needle"),
    [
        ("abc", "1.44", "Latitude « abc » illisible"),
        ("43.6", "x1", "Longitude « x1 » illisible"),
        ("", "1.44", "Latitude vide"),
        ("43.6", "  ", "Longitude vide"),
        ("95", "1.44", "hors de l'intervalle [-90, 90]"),
        ("-90.5", "1.44", "hors de l'intervalle [-90, 90]"),
        ("43.6", "181", "hors de l'intervalle [-180, 180]"),
        ("nan", "1.44", "Latitude « nan » illisible"),
        ("43.6", "inf", "Longitude « inf » illisible"),
        (float("nan"), 1.44, "invalide"),
        (43.6, float("inf"), "invalide"),
    ],
)
def test_bad_coordinates(lookup, lat, lon, needle):
    with pytest.raises(InvalidInput) as info:
        lookup.point(lon=lon, lat=lat)
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_coordinate_text_forms():
    assert parse_coordinate("43,6045", "lat") == 43.6045
    assert parse_coordinate(" 1.444 ", "lon") == 1.444
    assert parse_coordinate(-0.5, "lon") == -0.5
    assert parse_coordinate("90", "lat") == 90.0


# The grammar: ASCII digits, an optional leading "-", one "." or "," and an optional trailing
# "°", spaces around forgiven. Everything else Python's float() would take is refused.
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("43.6045", 43.6045),
        ("43,6045", 43.6045),
        ("-0.5", -0.5),
        ("-0", 0.0),
        ("43", 43.0),
        ("043.5", 43.5),
        ("43.6°", 43.6),
        (" 43.6 ", 43.6),
        ("\t43.6\n", 43.6),
        ("43.60450000000000000000001", 43.6045),
    ],
)
def test_coordinate_grammar_accepts(text, value):
    assert parse_coordinate(text, "lat") == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "4_3.6",  # float() takes digit separators
        "1e1",
        "1E1",
        "4.36e1",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "infinity",
        "0x10",
        "+43.6",
        "--43.6",
        "43.",
        ".5",
        "43.6.1",
        "43,6,1",
        "43 .6",
        "43.6 N",
        "N43.6",
        "4°3.6",
        "43.6°°",
        "４３.６",  # full-width digits
        "٤٣.٦",  # Arabic-Indic digits
        "४३.६",  # Devanagari digits
        "43\u00a0.6",
        "\u00a043.6",  # no-break space around: not forgiven
        "43.6\x00",
        "\x1b[31m43.6",
        "\u202e43.6",
        "1" * 33,  # longer than any coordinate worth reading
        "-",
        ",",
        "°",
    ],
)
def test_coordinate_grammar_rejects(text):
    with pytest.raises(InvalidInput) as info:
        parse_coordinate(text, "lat")
    message = str(info.value)
    assert "illisible" in message and "\n" not in message
    assert "\x1b" not in message and "\x00" not in message and "\u202e" not in message


@pytest.mark.parametrize("value", [True, None, [43.6], object()])
def test_coordinate_rejects_non_numbers(value):
    with pytest.raises(InvalidInput):
        parse_coordinate(value, "lon")


def test_coordinate_message_quotes_a_huge_input_short():
    with pytest.raises(InvalidInput) as info:
        parse_coordinate("9" * 100_000, "lat")
    message = str(info.value)
    assert len(message) < 300 and "100000 caractères" in message


@pytest.mark.parametrize(
    ("code", "error"),
    [("", InvalidInput), ("abc", InvalidInput), ("315555", InvalidInput), ("75056", OutsideRegion)],
)
def test_bad_codes(lookup, code, error):
    with pytest.raises(error):
        lookup.commune(code)


def test_vectorised_matches_scalar(lookup):
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = lookup.bounds
    x = rng.uniform(minx - 0.3, maxx + 0.3, 3000)
    y = rng.uniform(miny - 0.3, maxy + 0.3, 3000)
    x[:5], y[:5] = (
        [1.39737, 1.4417, 1.4440, 2.3522, np.nan],
        [43.56685, 43.5801, 43.6045, 48.8566, 43.6],
    )
    table = lookup.points(x, y)
    assert len(table) == 3000 and list(table["lon"][:4]) == list(x[:4])
    for i in range(len(x)):
        facts = lookup.try_point(float(x[i]), float(y[i])) if np.isfinite(x[i]) else None
        row = table.iloc[i]
        if facts is None:
            assert not row["inside"] and not isinstance(row["insee"], str)
            continue
        assert row["inside"]
        assert row["insee"] == facts.insee and row["nom"] == facts.nom
        assert row["departement"] == facts.departement
        assert (
            row["zonage_medecins"] if isinstance(row["zonage_medecins"], str) else None
        ) == facts.zonage_medecins
        assert (row["massif"] if isinstance(row["massif"], str) else None) == facts.massif
        assert row["zrr"] == facts.zrr and row["frr_code"] == facts.frr_code
        qpv = row["qpv_code"] if isinstance(row["qpv_code"], str) else None
        assert qpv == (facts.qpv.code if facts.qpv else None)
    assert table["inside"].sum() > 1000
    assert list(table["qpv_code"][:2]) == ["QP031007", "QP031010"]


def test_vectorised_input_checks(lookup):
    with pytest.raises(InvalidInput):
        lookup.points([1.0, 2.0], [43.0])
    empty = lookup.points([], [])
    assert len(empty) == 0 and "insee" in empty.columns


def test_point_facts_are_complete_place_facts(lookup):
    facts = lookup.point(lon=1.39737, lat=43.56685)
    assert isinstance(facts, PlaceFacts)
    d = facts.to_dict()
    assert d["commune"]["insee"] == "31555" and d["qpv"] == {
        "code": "QP031007",
        "nom": "Grand Mirail",
    }
    # the prebuilt commune record is not altered by point lookups
    assert lookup.commune("31555").qpv is None and lookup.commune("31555").lon is None
    facts.vintages["communes"] = "changed"
    assert lookup.commune("31555").vintages["communes"] != "changed"


@pytest.fixture(scope="module")
def region_box(layers):
    region = shapely.union_all(layers.region.geometry.values)
    shapely.prepare(region)
    return region, region.bounds


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(u=st.floats(0, 1), v=st.floats(0, 1))
def test_random_points_in_the_region_resolve_to_exactly_one_commune(
    lookup, layers, region_box, u, v
):
    region, (minx, miny, maxx, maxy) = region_box
    lon, lat = minx + u * (maxx - minx), miny + v * (maxy - miny)
    assume(region.contains(shapely.Point(lon, lat)))
    facts = lookup.point(lon=lon, lat=lat)  # never OutsideRegion inside the region
    index = lookup.names.code_index(facts.insee)
    assert index is not None
    # exactly one commune's interior holds the point (or it sits on a border it shares)
    geoms = lookup._geoms
    inside = [int(i) for i in lookup._tree.query(shapely.Point(lon, lat), predicate="within")]
    assert len(inside) <= 1
    if inside:
        assert inside == [index]
    assert list(lookup.points([lon], [lat])["insee"]) == [facts.insee]
    assert geoms[index].distance(shapely.Point(lon, lat)) < 1e-3


def test_outline_is_the_exact_commune_geometry(lookup, rows) -> None:
    assert lookup.outline("09122").equals(rows.loc["09122"].geometry)
    assert lookup.outline("99999") is None
