"""Click / search / link → place → aids, as the app calls it, on the real layer."""

from __future__ import annotations

import datetime as dt

import pytest

from application import service
from application.render import cards
from application.render.model import aid_card, place_card
from geo.geocode import BAN_SERVICE, BanGeocoder
from geo.layer import Layers
from geo.lookup import PlaceLookup
from geo.tests.fixtures.ban_server import FakeBan, Reply, load_fixture
from zonage.engine import A_VERIFIER, ELIGIBLE, NON_APPLICABLE


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
    assert later["caim"] == NON_APPLICABLE  # closed since 1 Jan 2026 (« Ne s'applique pas »)
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
    assert state.insee is None and state.profile is None and state.date is None
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


# --- what the search did: the fallback to a whole commune, and why --------------------------

CAPITOLE = "1 place du Capitole, Toulouse"
ADVICE_DOWN = "réessayez plus tard ou cliquez sur la carte à l'emplacement du cabinet."


def _ban(url: str) -> BanGeocoder:
    """The real address client, at ``url``, without retries nor memory of failures."""
    return BanGeocoder(url, retries=0, down_s=0)


def test_service_down_address_falls_back_and_says_why(
    lookup: PlaceLookup, closed_ban_url: str
) -> None:
    outcome = service.search(CAPITOLE, lookup, _ban(closed_ban_url))
    assert outcome.place is not None and outcome.place.insee == "31555"
    assert outcome.notice == (
        "Service d'adresses injoignable : résultat pour toute la commune de Toulouse (31555) ; "
        + ADVICE_DOWN
    )
    (said,) = outcome.said  # the service's own message; the panel shows the commune level
    assert said.startswith(f"{BAN_SERVICE} est injoignable : connexion impossible")
    assert service.state_for_place(outcome.place, "tous", None).insee == "31555"


def test_unusable_answer_is_not_called_unreachable(lookup: PlaceLookup, fake_ban: FakeBan) -> None:
    fake_ban.always = Reply(body=b"<html>maintenance</html>", content_type="text/html")
    outcome = service.search(CAPITOLE, lookup, _ban(fake_ban.url))
    assert outcome.notice is not None
    assert outcome.notice.startswith("Service d'adresses indisponible : résultat pour toute")
    assert "autre chose que des données JSON" in outcome.said[0]


def test_address_not_found_falls_back_to_its_commune(
    lookup: PlaceLookup, fake_ban: FakeBan
) -> None:
    outcome = service.search(CAPITOLE, lookup, _ban(fake_ban.url))  # no match for this spelling
    assert outcome.notice is not None and outcome.notice.startswith(
        "Adresse non trouvée : résultat pour toute la commune de Toulouse (31555) ; précisez"
    )
    fake_ban.bodies["5 rue Inconnue, Foix"] = load_fixture("search_foix")  # the commune only
    only_commune = service.search("5 rue Inconnue, Foix", lookup, _ban(fake_ban.url))
    assert only_commune.notice is not None and "commune de Foix (09122)" in only_commune.notice
    assert any("Adresse retenue" in n for n in only_commune.said)


@pytest.mark.parametrize("text", ["Foix", "Mende", "31000", "Toulouse 31000", "Foix (09)"])
def test_a_commune_asked_is_no_fallback(
    lookup: PlaceLookup, closed_ban_url: str, fake_ban: FakeBan, text: str
) -> None:
    for url in (closed_ban_url, fake_ban.url):
        outcome = service.search(text, lookup, _ban(url))
        assert outcome.place is not None and outcome.fallback is None and outcome.notice is None


def test_address_found_at_a_point_says_which(lookup: PlaceLookup, fake_ban: FakeBan) -> None:
    outcome = service.search("1 place du Capitole Toulouse", lookup, _ban(fake_ban.url))
    assert outcome.place is not None and outcome.place.precision == "point"
    assert outcome.fallback is None
    assert outcome.said == (
        "Adresse retenue (Base Adresse Nationale) : « 1 Place du Capitole 31000 Toulouse ».",
    )


def test_address_among_homonyms_offers_choices_and_keeps_the_reason(
    lookup: PlaceLookup, closed_ban_url: str
) -> None:
    outcome = service.search("3 rue de l'Église, Saint-Michel", lookup, _ban(closed_ban_url))
    assert outcome.place is None and {"31505", "32397"} <= {i for i, _ in outcome.choices}
    assert outcome.error is not None
    assert outcome.error.startswith("Service d'adresses injoignable. Ce nom désigne")
    assert outcome.fallback is not None
    assert outcome.fallback.line("Saint-Michel (32, 32397)").startswith(
        "Service d'adresses injoignable : résultat pour toute la commune de Saint-Michel (32,"
    )
    bare = service.search("Saint-Michel", lookup, _ban(closed_ban_url))  # a name: no reason
    assert bare.fallback is None and bare.error and not bare.error.startswith("Service")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Toulouse (31555)", "de Toulouse (31555)"),
        ("Albi (81004)", "d'Albi (81004)"),
        ("Le Vigan (30350)", "du Vigan (30350)"),
        ("Les Cammazes (81061)", "des Cammazes (81061)"),
        ("Écueillé", "d'Écueillé"),
    ],
)
def test_fallback_line_names_the_commune_in_french(name: str, expected: str) -> None:
    line = service.Fallback("Adresse non trouvée", "précisez").line(name)
    assert line == f"Adresse non trouvée : résultat pour toute la commune {expected} ; précisez."


def test_cards_escape_and_show_sources(lookup: PlaceLookup) -> None:
    view = service.view_for(service.ViewState(insee="31555", profile="tous"), lookup)
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


# --- « Je suis… » and « Ma situation » in a link ----------------------------------------------


def test_link_without_profile_shows_the_place_and_asks_who_you_are(lookup: PlaceLookup) -> None:
    state, errors = service.state_from_query({"insee": "09261"})
    assert errors == [] and state.profile is None
    view = service.view_for(state, lookup)
    assert view.place is not None and view.place.nom == "Saint-Girons" and view.answer is None
    assert "profil" not in service.query_from_state(state)


def test_situation_travels_in_the_link(lookup: PlaceLookup) -> None:
    query = {"insee": "09261", "profil": "liberal-installation", "date": "2026-11-29"}
    state, errors = service.state_from_query(
        {**query, "secteur": "1", "aide_installation": "aucune", "cabinet_qpv": "non"}
    )
    assert errors == []
    assert state.situation.to_query() == {
        "secteur": "1", "aide_installation": "aucune", "cabinet_qpv": "non"
    }  # fmt: skip
    assert service.state_from_query(service.query_from_state(state))[0] == state
    view = service.view_for(state, lookup)
    assert view.answer is not None and view.answer.summary is not None
    assert view.answer.summary.guaranteed.one_off_min == 5000


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("secteur", "3", "Valeurs possibles : 1, 2-optam, 2-sans-optam"),
        ("aide_installation", "hier", "une date AAAA-MM-JJ"),
        ("cabinet_qpv", "<b>oui</b>", "Valeurs possibles : oui, non"),
    ],
)
def test_bad_situation_in_a_link_is_dropped_with_a_message(key: str, value: str, said: str) -> None:
    state, errors = service.state_from_query({"insee": "09261", key: value})
    assert state.insee == "09261" and key not in state.situation.to_query()
    (error,) = errors
    assert said in error
