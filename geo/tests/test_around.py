"""Distances from a commune or a point to every commune, on the real layer: neighbours at 0 km,
a known pair against a direct Lambert-93 computation, radii nested, bad origins refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from geo.around import communes_within, get_distances
from zonage.errors import InvalidInput, NotFound, OutsideRegion

SAINT_GIRONS = "09261"
# The communes that share a border with Saint-Girons.
SAINT_GIRONS_NEIGHBOURS = {
    "09110": "Encourtiech",
    "09119": "Eycheil",
    "09209": "Montjoie-en-Couserans",
    "09214": "Moulis",
    "09268": "Saint-Lizier",
}
FOIX = "09122"
FOIX_CENTRE = (1.6069, 42.9653)  # lon, lat


def test_neighbours_and_the_commune_itself_are_at_zero(built_dir: Path) -> None:
    near = communes_within(SAINT_GIRONS, 5, build_dir=built_dir)
    at_zero = {code for code, km in near.items() if km == 0}
    assert at_zero == {SAINT_GIRONS, *SAINT_GIRONS_NEIGHBOURS}
    assert list(near)[: len(at_zero)] == sorted(at_zero)  # nearest first, then by code
    assert all(0 < km <= 5 for code, km in near.items() if code not in at_zero)


def test_a_known_pair_matches_a_direct_lambert93_computation(layers, built_dir: Path) -> None:
    communes = layers.communes.set_index("insee").geometry.to_crs("EPSG:2154")
    direct = shapely.distance(communes[SAINT_GIRONS], communes[FOIX]) / 1000
    assert 25 < direct < 35  # the two towns' territories, about 30 km apart
    found = communes_within(SAINT_GIRONS, 40, build_dir=built_dir)[FOIX]
    assert found == pytest.approx(direct, abs=1e-6)
    # Measured from the areas, not the centroids: the centroids are farther apart.
    centroids = shapely.distance(communes[SAINT_GIRONS].centroid, communes[FOIX].centroid) / 1000
    assert centroids > found + 3
    assert communes_within(FOIX, 40, build_dir=built_dir)[SAINT_GIRONS] == pytest.approx(found)


def test_a_point_is_at_zero_from_its_commune(built_dir: Path) -> None:
    near = communes_within(FOIX_CENTRE, 3, build_dir=built_dir)
    assert next(iter(near.items())) == (FOIX, 0.0)
    assert sum(km == 0 for km in near.values()) == 1
    assert 1 < len(near) < 30


def test_radii_are_nested_and_every_commune_has_a_distance(built_dir: Path) -> None:
    previous: dict[str, float] = {}
    for radius in (0, 5, 10, 20, 50, 100):
        found = communes_within(SAINT_GIRONS, radius, build_dir=built_dir)
        assert set(previous) <= set(found) and len(found) >= len(previous)
        assert all(found[code] == km for code, km in previous.items())
        assert max(found.values()) <= radius
        previous = found
    everything = communes_within(SAINT_GIRONS, None, build_dir=built_dir)
    assert len(everything) == len(get_distances(built_dir).insee) == 4446
    assert {c: km for c, km in everything.items() if km <= 100} == previous
    assert list(everything.values()) == sorted(everything.values())


def test_a_former_code_measures_from_todays_commune(layers, built_dir: Path) -> None:
    from geo.lookup import get_lookup

    current = set(layers.communes["insee"])
    today, former = next(
        (row.insee, code)
        for row in layers.communes.sort_values("insee").itertuples()
        for code in row.anciens_codes
        if code not in current
    )
    assert get_lookup(built_dir).commune(former).insee == today
    assert communes_within(former, 10, build_dir=built_dir) == communes_within(
        today, 10, build_dir=built_dir
    )


@pytest.mark.parametrize(
    ("origin", "radius", "error"),
    [
        ("99999", 10, NotFound),
        ("75056", 10, OutsideRegion),
        ("abc", 10, InvalidInput),
        ((float("nan"), 43.0), 10, InvalidInput),
        (SAINT_GIRONS, -1, InvalidInput),
        (SAINT_GIRONS, float("inf"), InvalidInput),
    ],
)
def test_bad_origins_and_radii_are_typed_errors(
    built_dir: Path, origin: str | tuple[float, float], radius: float, error: type[Exception]
) -> None:
    with pytest.raises(error):
        communes_within(origin, radius, build_dir=built_dir)
