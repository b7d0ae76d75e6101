"""The region views' part of a link: view, radius, compared places, aid filter; bad values
dropped one by one with a message."""

from __future__ import annotations

import pytest

from application.region_link import RegionState, region_query, region_state_from_query

IDS = ("cesp", "aide-installation-zac", "contrat-ars-territoires")


def test_round_trip() -> None:
    state = RegionState("installer", 30, ("09261", "31555"), ("aide-installation-zac",))
    params = region_query(state)
    assert params == {
        "vue": "installer", "rayon": "30", "comparer": "09261,31555",
        "aides": "aide-installation-zac",
    }  # fmt: skip
    assert region_state_from_query(params, IDS) == (state, [])
    assert region_query(RegionState()) == {}


@pytest.mark.parametrize(
    ("params", "expected", "said"),
    [
        ({"vue": "satellite"}, RegionState(), "Vue inconnue"),
        ({"rayon": "500"}, RegionState(), "de 5 à 100 km"),
        ({"rayon": "2e1"}, RegionState(), "nombre entier"),
        ({"rayon": "３０"}, RegionState(), "nombre entier"),
        ({"comparer": "09261,abc,31555"}, RegionState(compared=("09261", "31555")), "Comparer"),
        (
            {"comparer": "09261,31555,46102,11076"},
            RegionState(compared=("09261", "31555", "46102")),
            "3 lieux au plus",
        ),
        ({"aides": "cesp,<script>"}, RegionState(aid_filter=("cesp",)), "Aide inconnue"),
    ],
)
def test_bad_values_are_dropped_with_a_message(
    params: dict[str, str], expected: RegionState, said: str
) -> None:
    state, errors = region_state_from_query(params, IDS)
    assert state == expected
    assert len(errors) == 1 and said in errors[0]


def test_repeated_codes_are_kept_once() -> None:
    state, errors = region_state_from_query({"comparer": "09261,09261"}, IDS)
    assert state.compared == ("09261",) and errors == []


def test_points_can_be_pinned() -> None:
    state, errors = region_state_from_query(
        {"comparer": "43.6045:1.444, 09261,43.60450:1.44400"}, IDS
    )
    assert errors == [] and state.compared == ("43.60450:1.44400", "09261")
    bad, errors = region_state_from_query({"comparer": "91:1,43.6:1e1,43.6"}, IDS)
    assert bad.compared == () and len(errors) == 3
