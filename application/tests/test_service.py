"""Click / search / link → place → aids, as the app calls it, on the real layer."""

from __future__ import annotations

import datetime as dt

import pytest

from application import service
from application.render import cards
from application.render.model import aid_card, place_card
from geo.layer import Layers
from geo.lookup import PlaceLookup
from zonage.engine import A_VERIFIER, ELIGIBLE


@pytest.fixture(scope="module")
def lookup(layers: Layers) -> PlaceLookup:
    return PlaceLookup(layers)


def _statuses(view: service.View) -> dict[str, str]:
    assert view.answer is not None
    return {r.id: r.status for g in view.answer.groups for r in g.results}


def test_click_in_foix_gives_place_and_ars_contract(lookup: PlaceLookup) -> None:
    state = service.ViewState(profile="liberal-installation", lat=42.9653, lon=1.6069)
    view = service.view_for(state, lookup, today=dt.date(2025, 3, 1))
    assert view.error is None
    assert view.place is not None and view.place.insee == "09122"
    assert view.place.precision == "point"
    assert _statuses(view)["contrat-ars-territoires"] == ELIGIBLE  # Ariège: priority department
    later = _statuses(service.view_for(state, lookup, today=dt.date(2026, 3, 1)))
    assert "caim" not in later  # closed since 1 Jan 2026: left out
    # The spot is in the QPV "Centre Ancien" of a ZAC commune: it may be classed ZIP.
    assert view.place.qpv is not None and view.place.qpv.code == "QP009002"
    assert later["aide-installation-zac"] == A_VERIFIER


def test_click_at_sea_is_a_message_not_an_exception(lookup: PlaceLookup) -> None:
    view = service.view_for(service.ViewState(lat=43.2, lon=3.9), lookup)
    assert view.place is None
    assert view.error and "Occitanie" in view.error


def test_commune_state_from_link(lookup: PlaceLookup) -> None:
    state, errors = service.state_from_query(
        {"insee": "12218", "profil": "liberal-installation", "date": "2025-06-01"}
    )
    assert errors == []
    view = service.view_for(state, lookup)
    assert view.place is not None and view.place.nom == "Conques-en-Rouergue"
    assert _statuses(view)["caim"] == A_VERIFIER  # no zoning class in the source
    assert view.answer is not None and view.answer.date == dt.date(2025, 6, 1)


def test_damaged_link_still_opens_with_messages() -> None:
    state, errors = service.state_from_query(
        {"insee": "3155", "profil": "chirurgien", "date": "2025-02-30"}
    )
    assert state.insee is None and state.profile == "tous" and state.date is None
    assert len(errors) == 3
    assert any("Profil inconnu" in e for e in errors)


def test_link_round_trip() -> None:
    state = service.ViewState(
        profile="maitre-de-stage", date=dt.date(2024, 5, 2), lat=43.6, lon=1.44
    )
    again, errors = service.state_from_query(service.query_from_state(state))
    assert errors == [] and again == state


def test_search_homonyms_offer_choices(lookup: PlaceLookup) -> None:
    outcome = service.search("Saint-Michel", lookup)
    assert outcome.place is None
    assert len(outcome.choices) >= 2
    assert {insee[:2] for insee, _ in outcome.choices} >= {"31", "32"}


def test_search_offline_is_commune_level(lookup: PlaceLookup) -> None:
    outcome = service.search("Mende", lookup)  # the address service is unreachable in tests
    assert outcome.error is None and outcome.place is not None
    assert outcome.place.insee == "48095"
    assert any("commune" in n for n in outcome.place.notes)


def test_search_nothing_found(lookup: PlaceLookup) -> None:
    outcome = service.search("zzzz qqqq introuvable", lookup)
    assert outcome.place is None and outcome.error


def test_cards_escape_and_show_sources(lookup: PlaceLookup) -> None:
    view = service.view_for(service.ViewState(insee="31555"), lookup)
    assert view.place is not None and view.answer is not None
    html = cards.place_html(place_card(view.place))
    assert "Toulouse" in html and "CartoSanté" in html
    result = view.answer.groups[0].results[0]
    card = cards.aid_html(aid_card(result))
    assert f'data-aid="{result.id}"' in card and "Source" in card


# --- a link's grammar: one place, repeated and unknown parameters ---------------------------


def test_link_with_two_places_keeps_insee_and_says_so() -> None:
    state, errors = service.state_from_query({"insee": "09122", "lat": "43.6", "lon": "1.44"})
    assert state.insee == "09122" and state.lat is None and state.lon is None
    assert errors == ["Plusieurs lieux donnés (insee et lat/lon) : seul insee est utilisé."]
    # The rule holds whatever the order, even with half a point or a bad code.
    state, errors = service.state_from_query({"lon": "1.44", "insee": "31555"})
    assert state.insee == "31555" and state.lon is None and len(errors) == 1
    state, errors = service.state_from_query({"insee": "abc", "lat": "43.6", "lon": "1.44"})
    assert state.insee is None and state.lat is None
    assert "seul insee" in errors[0] and "n'est pas un code INSEE" in errors[1]


@pytest.mark.parametrize(
    ("params", "expected", "warned"),
    [
        ({"insee": ["31555", "09122"]}, "09122", True),  # the last one, as Streamlit keeps
        ({"insee": ["09122", "09122"]}, "09122", False),
        ({"insee": ["", "09122"]}, "09122", False),
        ({"insee": []}, None, False),
        ({"insee": ("31555",)}, "31555", False),
    ],
)
def test_link_with_a_repeated_parameter(params, expected, warned) -> None:
    state, errors = service.state_from_query(params)
    assert state.insee == expected
    assert bool(errors) == warned
    if warned:
        assert errors == ["Paramètre insee répété (2 valeurs) : seule la dernière, « 09122 »,"
                          " est utilisée."]  # fmt: skip


def test_link_ignores_unknown_parameters() -> None:
    state, errors = service.state_from_query(
        {"insee": "09122", "utm_source": "x\x1b", "embed": "true", "INSEE": "31555", "": "?"}
    )
    assert state.insee == "09122" and errors == []


def test_link_values_follow_the_grammar() -> None:
    state, errors = service.state_from_query(
        {"insee": "３１５５５", "date": "２０２４-０１-０１", "profil": "tous"}
    )
    assert state.insee is None and state.date is None and len(errors) == 2
    state, errors = service.state_from_query({"lat": "4_3.6", "lon": "1e0"})
    assert state.lat is None and state.lon is None
    assert errors == [
        "Latitude « 4_3.6 » illisible : un nombre en degrés décimaux est attendu (chiffres 0-9,"
        " un signe - éventuel, un point ou une virgule), ex. 43.6045."
    ]
    state, errors = service.state_from_query({"lat": "43.6"})
    assert state.lat is None and errors and "Longitude vide" in errors[0]
    state, errors = service.state_from_query({"lat": 43.6, "lon": 1.44})  # not text: still read
    assert (state.lat, state.lon) == (43.6, 1.44) and errors == []


@pytest.mark.parametrize("key", ["insee", "lat", "date", "profil"])
def test_link_messages_quote_hostile_values_short_and_escaped(key: str) -> None:
    params = {key: "\x1b[31m\u202e" + "9" * 100_000}
    if key == "lat":
        params["lon"] = "1.44"
    _, errors = service.state_from_query(params)
    assert len(errors) == 1
    message = errors[0]
    assert len(message) <= 300 and "(100006 caractères)" in message
    assert "\\x1b[31m\\u202e" in message
    assert not any(ch in message for ch in "\x1b\u202e\x00\n")


@pytest.mark.parametrize("text", ["Foix\x1b[2J", "Foix\x00", "\u202eFoix", "Foix\ud800"])
def test_search_refuses_control_characters(text: str, lookup: PlaceLookup) -> None:
    outcome = service.search(text, lookup)
    assert outcome.place is None and outcome.error and "non admis" in outcome.error
    assert not any(ch in outcome.error for ch in "\x1b\x00\u202e\ud800")


@pytest.mark.parametrize(
    "text", ["Zzqxwv", "31555", "Saint-Michel", "Toulous", "12 rue imaginaire, Nulle-Part"]
)
def test_search_messages_name_no_command_line_option(lookup: PlaceLookup, text: str) -> None:
    """The search box's messages say what to type in the box, not the CLI's options."""
    outcome = service.search(text, lookup)
    message = outcome.error or ""
    assert "--insee" not in message and "--lat" not in message, message
