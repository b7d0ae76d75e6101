"""Geocoder: BAN response parsing, HTTP retries/backoff/cache against the fake address service,
the Lambert-93 check, the offline gazetteer, and text → place facts with fallback."""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest

from geo.geocode import (
    COMMUNE_LEVEL_NOTE,
    BanGeocoder,
    GazetteerGeocoder,
    check_query,
    lambert93_gap,
    parse_ban_response,
    parse_lat_lon_text,
    place_from_gazetteer,
    place_from_text,
)
from geo.geocode.ban_answer import _to_lambert93
from geo.tests.fixtures.ban_server import load_fixture, recorded_bodies
from zonage.errors import InvalidInput, NotFound, OutsideRegion, ServiceUnavailable


def fast_ban(url: str, **kwargs) -> BanGeocoder:
    """A BAN geocoder with short waits, so retry tests stay quick."""
    options: dict[str, Any] = {"timeout": 2.0, "retries": 2, "backoff": 0.01}
    options.update(kwargs)
    return BanGeocoder(url, **options)


# --- parsing -------------------------------------------------------------------------------


def test_parse_recorded_housenumber_response():
    results = parse_ban_response(load_fixture("search_capitole"))
    assert [r.kind for r in results] == ["housenumber", "street"]
    first = results[0]
    assert first.label == "1 Place du Capitole 31000 Toulouse"
    assert (first.lon, first.lat) == (1.44333, 43.60445)
    assert first.citycode == "31555" and first.postcode == "31000" and first.city == "Toulouse"
    assert first.source == "ban" and first.precision == "point"
    assert 0 < first.score <= 1


def test_every_recorded_body_is_self_consistent_in_lambert93():
    for body in recorded_bodies().values():
        for feature in body["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            props = feature["properties"]
            assert lambert93_gap(lon, lat, props["x"], props["y"]) < 1.0, props["label"]


def test_municipality_result_is_commune_level():
    (result,) = parse_ban_response(load_fixture("search_foix"))
    assert result.kind == "municipality" and result.precision == "commune"
    assert result.citycode == "09122"


def test_feature_with_inconsistent_lambert93_is_dropped():
    body = copy.deepcopy(load_fixture("search_capitole"))
    body["features"][0]["properties"]["x"] += 500.0  # 500 m off: not the same place
    results = parse_ban_response(body)
    assert [r.kind for r in results] == ["street"]


def test_all_features_inconsistent_means_unusable_answer():
    body = copy.deepcopy(load_fixture("search_bellefontaine"))
    body["features"][0]["properties"]["y"] -= 2000.0
    with pytest.raises(ServiceUnavailable):
        parse_ban_response(body)


def test_empty_answer_is_no_result_and_garbage_is_unavailable():
    assert parse_ban_response(load_fixture("search_empty")) == []
    with pytest.raises(ServiceUnavailable):
        parse_ban_response({"code": 500})
    with pytest.raises(ServiceUnavailable):
        parse_ban_response(["not", "geojson"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("43.6045, 1.4440", (43.6045, 1.444)),
        ("43.6045,1.4440", (43.6045, 1.444)),
        ("43,6045; 1,4440", (43.6045, 1.444)),
        ("43,6045, 1,4440", (43.6045, 1.444)),
        ("43.6045 1.4440", (43.6045, 1.444)),
        ("  -0.5 , 42  ", (-0.5, 42.0)),
    ],
)
def test_lat_lon_text(text, expected):
    assert parse_lat_lon_text(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["Toulouse", "31000", "12 rue de la Paix 31000 Toulouse", ""])
def test_not_lat_lon_text(text):
    assert parse_lat_lon_text(text) is None


def test_lat_lon_text_out_of_range_is_invalid():
    with pytest.raises(InvalidInput, match="Latitude"):
        parse_lat_lon_text("143.6, 1.44")


@pytest.mark.parametrize("text", ["", "   ", "ab", "--", "x" * 201])
def test_bad_address_text_is_invalid_input(text):
    with pytest.raises(InvalidInput):
        check_query(text)


def test_query_is_tidied():
    assert check_query("  1  place du   Capitole ") == "1 place du Capitole"


# --- HTTP: parameters, retries, backoff, cache ------------------------------------------------


def test_search_sends_q_limit_and_filters(fake_ban):
    ban = fast_ban(fake_ban.url)
    results = ban.search(
        "1 place du Capitole Toulouse", limit=3, citycode="31555", postcode="31000"
    )
    assert results and results[0].citycode == "31555"
    assert fake_ban.requests == [
        {
            "q": "1 place du Capitole Toulouse",
            "limit": "3",
            "citycode": "31555",
            "postcode": "31000",
        }
    ]


def test_retries_on_5xx_then_succeeds(fake_ban):
    fake_ban.script = [503, 502]
    results = fast_ban(fake_ban.url).search("Foix")
    assert results[0].citycode == "09122"
    assert len(fake_ban.requests) == 3


def test_retries_on_429_honouring_retry_after(fake_ban):
    fake_ban.script, fake_ban.retry_after = [429], "0.2"
    start = time.perf_counter()
    results = fast_ban(fake_ban.url, backoff=0.0).search("Foix")
    elapsed = time.perf_counter() - start
    assert results[0].citycode == "09122"
    assert len(fake_ban.requests) == 2
    assert elapsed >= 0.2  # waited what the server asked, not the (zero) backoff


def test_backoff_doubles_between_attempts(fake_ban):
    waits: list[float] = []
    from geo import _http

    fake_ban.script = [500, 500, 500]
    with pytest.raises(ServiceUnavailable, match="HTTP 500"):
        _http.get_json(
            f"{fake_ban.url}/search/",
            {"q": "Foix"},
            service="Le service",
            timeout=2,
            retries=2,
            backoff=0.5,
            sleep=waits.append,
        )
    assert waits == [0.5, 1.0]
    assert len(fake_ban.requests) == 3


def test_gives_up_after_retries_with_french_message(fake_ban):
    fake_ban.script = [500] * 10
    with pytest.raises(ServiceUnavailable) as info:
        fast_ban(fake_ban.url, retries=1).search("Foix")
    assert len(fake_ban.requests) == 2
    assert "injoignable" in str(info.value) and "2 essais" in str(info.value)


def test_refused_query_is_invalid_input_without_retry(fake_ban):
    fake_ban.script = [400]
    with pytest.raises(InvalidInput, match="Adresse refusée"):
        fast_ban(fake_ban.url).search("Foix")
    assert len(fake_ban.requests) == 1


def test_wrong_endpoint_is_unavailable(fake_ban):
    with pytest.raises(ServiceUnavailable, match="HTTP 404"):
        fast_ban(fake_ban.url + "/not-the-api").search("Foix")


def test_timeout_is_not_retried(fake_ban):
    fake_ban.delay_s = 0.5
    with pytest.raises(ServiceUnavailable, match=r"pas de réponse en 0.1 s \(1 essai\)"):
        fast_ban(fake_ban.url, timeout=0.1, retries=2).search("Foix")
    assert len(fake_ban.requests) == 1


def test_timeout_is_unavailable(fake_ban):
    fake_ban.delay_s = 1.0
    start = time.perf_counter()
    with pytest.raises(ServiceUnavailable, match="pas de réponse en 0.2 s"):
        fast_ban(fake_ban.url, timeout=0.2, retries=0).search("Foix")
    assert time.perf_counter() - start < 0.9


def test_connection_refused_is_unavailable(closed_ban_url):
    with pytest.raises(ServiceUnavailable, match="connexion impossible"):
        fast_ban(closed_ban_url, retries=1).search("Foix")


def test_corrupt_body_is_unavailable(fake_ban):
    fake_ban.raw_body = b"<html>maintenance</html>"
    with pytest.raises(ServiceUnavailable, match="illisible"):
        fast_ban(fake_ban.url).search("Foix")


def test_memory_cache_avoids_second_request(fake_ban):
    ban = fast_ban(fake_ban.url)
    first = ban.search("Foix")
    second = ban.search("Foix")
    assert first == second
    assert len(fake_ban.requests) == 1


def test_disk_cache_survives_a_new_geocoder(tmp_path, fake_ban):
    fast_ban(fake_ban.url, cache_dir=tmp_path).search("Foix")
    again = fast_ban(fake_ban.url, cache_dir=tmp_path).search("Foix")
    assert again[0].citycode == "09122"
    assert len(fake_ban.requests) == 1
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_failures_are_not_cached(tmp_path, fake_ban):
    fake_ban.script = [500, 500, 500]
    ban = fast_ban(fake_ban.url, cache_dir=tmp_path, down_s=0)  # no memory of the failure
    with pytest.raises(ServiceUnavailable):
        ban.search("Foix")
    assert ban.search("Foix")[0].citycode == "09122"
    assert len(fake_ban.requests) == 4


# --- on the real layer: gazetteer and text → place facts ---------------------------------------


@pytest.fixture(scope="module")
def lookup(built_dir):
    from geo.lookup import get_lookup

    return get_lookup(built_dir)


def test_address_with_housenumber_gives_point_facts(lookup, fake_ban):
    place = place_from_text("1 place du Capitole Toulouse", lookup, fast_ban(fake_ban.url))
    assert place.insee == "31555" and place.precision == "point"
    assert (place.lon, place.lat) == (1.44333, 43.60445)
    assert place.qpv is None
    assert any("1 Place du Capitole 31000 Toulouse" in n for n in place.notes)


def test_address_in_a_qpv(lookup, fake_ban):
    place = place_from_text(
        "12 allée de Bellefontaine 31100 Toulouse", lookup, fast_ban(fake_ban.url)
    )
    assert place.insee == "31555"
    assert place.qpv is not None and place.qpv.code == "QP031007"


def test_street_result_says_position_is_approximate(lookup, fake_ban):
    place = place_from_text("place de la comedie montpellier", lookup, fast_ban(fake_ban.url))
    assert place.insee == "34172" and place.precision == "point"
    assert any("approximative" in n for n in place.notes)


def test_first_result_outside_occitanie_is_skipped(lookup, fake_ban):
    place = place_from_text("8 bd du port", lookup, fast_ban(fake_ban.url))
    assert place.insee == "34157"  # Mèze, not Amiens
    assert any("incertaine" in n for n in place.notes)  # low BAN score is flagged


def test_municipality_answer_is_commune_level(lookup, fake_ban):
    place = place_from_text("Foix", lookup, fast_ban(fake_ban.url))
    assert place.insee == "09122" and place.precision == "commune" and place.qpv is None
    assert COMMUNE_LEVEL_NOTE in place.notes


def test_address_outside_occitanie(lookup, fake_ban):
    with pytest.raises(OutsideRegion, match="10 Rue de Rivoli 75004 Paris"):
        place_from_text("10 rue de Rivoli Paris", lookup, fast_ban(fake_ban.url))


def test_service_down_falls_back_to_gazetteer_at_commune_level(lookup, closed_ban_url):
    ban = fast_ban(closed_ban_url, retries=0)
    place = place_from_text("Saint-Girons", lookup, ban)
    assert place.nom == "Saint-Girons" and place.departement == "09"
    assert place.precision == "commune" and place.qpv is None
    assert any("injoignable" in n for n in place.notes)
    assert COMMUNE_LEVEL_NOTE in place.notes


def test_service_timeout_falls_back_to_gazetteer(lookup, fake_ban):
    fake_ban.delay_s = 1.0
    place = place_from_text("31000", lookup, fast_ban(fake_ban.url, timeout=0.2, retries=0))
    assert place.insee == "31555" and place.precision == "commune"


def test_no_ban_match_falls_back_to_gazetteer(lookup, fake_ban):
    # no recorded answer: empty FeatureCollection
    place = place_from_text("Escornebœuf", lookup, fast_ban(fake_ban.url))
    assert place.nom == "Escornebœuf" and place.precision == "commune"
    assert len(fake_ban.requests) == 1


def test_neither_backend_resolves_is_not_found(lookup, fake_ban, closed_ban_url):
    with pytest.raises(NotFound, match="Adresse introuvable"):
        place_from_text("zzqxw vvbnk", lookup, fast_ban(fake_ban.url))
    with pytest.raises(NotFound, match="introuvable hors ligne"):
        place_from_text("zzqxw vvbnk", lookup, fast_ban(closed_ban_url, retries=0))


def test_lat_lon_text_never_calls_the_service(lookup, fake_ban):
    place = place_from_text("43.56685, 1.39737", lookup, fast_ban(fake_ban.url))
    assert place.precision == "point" and place.qpv is not None and place.qpv.code == "QP031007"
    assert fake_ban.requests == []


def test_gazetteer_kinds(lookup):
    gaz = GazetteerGeocoder(lookup)
    (coord,) = gaz.search("43.6045, 1.4440")
    assert coord.precision == "point" and coord.kind == "coordonnees"
    toulouse = gaz.search("toulouse")[0]
    assert toulouse.citycode == "31555" and toulouse.precision == "commune"
    assert "commune" in (toulouse.note or "")
    assert lookup.names.code_index(toulouse.citycode) is not None
    assert {r.citycode for r in gaz.search("09200", limit=50)} >= {"09261"}
    conques = gaz.search("Grand-Vabre")[0]
    assert conques.citycode == "12218" and "déléguée" in (conques.note or "")
    # the anchor point lies in the commune it names
    assert lookup.locate(conques.lon, conques.lat) == lookup.names.code_index("12218")


def test_gazetteer_finds_the_commune_at_the_end_of_an_address(lookup):
    gaz = GazetteerGeocoder(lookup)
    assert gaz.search("3 rue Pasteur, 09200 Saint-Girons")[0].citycode == "09261"
    assert gaz.search("3 rue Pasteur Saint-Girons")[0].citycode == "09261"
    assert gaz.search("3 rue Pasteur 31000")[0].citycode == "31555"


def test_gazetteer_postal_code_outside_region(lookup):
    with pytest.raises(OutsideRegion, match="75001"):
        place_from_gazetteer("75001", lookup)


def test_bare_name_with_homonyms_in_occitanie_is_ambiguous(lookup, fake_ban):
    with pytest.raises(InvalidInput) as info:
        place_from_text("Saint-Michel", lookup, fast_ban(fake_ban.url))
    message = str(info.value)
    assert "plusieurs communes d'Occitanie" in message and "32300" in message
    assert "\n" not in message


def test_name_with_postal_code_lets_ban_decide(lookup, fake_ban):
    body = copy.deepcopy(load_fixture("search_saint_michel"))
    body["query"] = "Saint-Michel 32300"
    body["features"].sort(key=lambda f: f["properties"]["postcode"] != "32300")
    fake_ban.bodies = {"Saint-Michel 32300": body}
    place = place_from_text("Saint-Michel 32300", lookup, fast_ban(fake_ban.url))
    assert place.insee == "32397" and place.precision == "commune"


def test_point_and_ban_commune_disagree_is_flagged(lookup, fake_ban):
    body = copy.deepcopy(load_fixture("search_capitole"))
    body["features"][0]["properties"]["citycode"] = "31044"  # Balma: not where the point is
    fake_ban.bodies = {body["query"]: body}
    place = place_from_text(body["query"], lookup, fast_ban(fake_ban.url))
    assert place.insee == "31555"
    assert any("31044" in n and "à vérifier" in n for n in place.notes)


def test_ban_citycode_of_a_former_commune_is_not_a_disagreement(lookup, fake_ban):
    body = copy.deepcopy(load_fixture("search_capitole"))
    point = lookup.anchor(lookup.names.code_index("12218"))  # Conques-en-Rouergue
    props = body["features"][0]["properties"]
    body["features"] = body["features"][:1]
    body["features"][0]["geometry"]["coordinates"] = list(point)
    props["x"], props["y"] = _to_lambert93().transform(*point)
    props["citycode"] = "12076"  # Conques, merged into 12218
    fake_ban.bodies = {body["query"]: body}
    place = place_from_text(body["query"], lookup, fast_ban(fake_ban.url))
    assert place.insee == "12218"
    assert not any("à vérifier" in n for n in place.notes)
