"""The Streamlit page driven by Streamlit's AppTest: sidebar flow, query parameters, messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.tests.fixtures.ban_server import FakeBan
from tests.conftest import APP


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [str(h.proto.body) for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


def _search(at: AppTest, text: str) -> None:
    """Run a fresh page, then search ``text``."""
    at.run()
    _search_again(at, text)


def _search_again(at: AppTest, text: str) -> None:
    """Type ``text`` in the search box above the map and press « Chercher »."""
    at.text_input(key="texte").input(text)
    at.button(key="chercher").click()
    at.run()
    assert not at.exception


def test_opens_with_invitation_to_click(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "Cliquez sur la carte" in _text(app)
    assert app.sidebar.radio(key="profil").value is None  # « Je suis… » asked first


def test_link_reopens_place_profile_and_date(app: AppTest) -> None:
    app.query_params.update(insee="09122", profil="liberal-installation", date="2025-03-01")
    app.run()
    assert not app.exception
    text = _text(app)
    assert "Foix" in text and "Ariège" in text
    assert 'data-aid="contrat-ars-territoires"' in text
    assert app.sidebar.radio(key="profil").value == "liberal-installation"
    assert app.query_params["insee"] == ["09122"] or app.query_params["insee"] == "09122"


def test_bad_link_gives_messages(app: AppTest) -> None:
    app.query_params.update(insee="99999", profil="chirurgien", date="demain")
    app.run()
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "Profil inconnu" in warnings and "Date illisible" in warnings
    assert any("99999" in e.value for e in app.error)


def test_profile_change_updates_aids(app: AppTest) -> None:
    app.query_params.update(insee="31555")
    app.run()
    app.sidebar.radio(key="profil").set_value("etudiant-3e-cycle")
    app.run()
    assert not app.exception
    assert app.query_params["profil"] in ("etudiant-3e-cycle", ["etudiant-3e-cycle"])
    assert 'data-aid="forfait-transport"' in _text(app)


def test_about_view_lists_sources_and_limits(app: AppTest) -> None:
    app.run()
    app.button_group(key="vue").set_value("À propos des données").run()
    assert not app.exception
    text = _text(app)
    assert "Limites connues" in text and "à vérifier" in text
    assert len(app.dataframe) >= 3


def test_export_view_offers_the_standalone_file(app: AppTest) -> None:
    app.run()
    app.button_group(key="vue").set_value("Exporter").run()
    assert not app.exception
    assert app.selectbox(key="export_dep").value == ""
    app.selectbox(key="export_dep").select("09").run()
    assert not app.exception


# --- Failures: one French message, never a traceback ----------------------------------------

UNEXPECTED = "Une erreur inattendue est survenue"


def _fail(*args: object, **kwargs: object) -> None:
    raise RuntimeError("panne interne dans /srv/zonage/secret.py")


def _shown(at: AppTest) -> str:
    return _text(at) + "\n".join(e.value for e in at.sidebar.error)


def test_unexpected_failure_shows_one_french_message(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from application import service

    monkeypatch.setattr(service, "view_for", _fail)
    app.query_params.update(insee="31555")
    app.run()
    assert not app.exception
    (error,) = app.error
    assert error.value.startswith(UNEXPECTED) and "Rechargez la page" in error.value
    assert "si elle persiste" in error.value
    assert "secret" not in _shown(app) and "RuntimeError" not in _shown(app)


def test_failed_search_shows_one_french_message(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from application import service

    monkeypatch.setattr(service, "search", _fail)
    _search(app, "Foix")
    assert [e.value[: len(UNEXPECTED)] for e in app.error] == [UNEXPECTED]
    assert "secret" not in _shown(app)
    app.run()  # the message is shown once, not on every later run
    assert not app.exception and not app.error


def test_data_error_shows_its_own_message(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    from application import service
    from zonage.errors import DataError

    def corrupt(*args: object, **kwargs: object) -> None:
        raise DataError("couche corrompue : communes.parquet.", hint="Relancez la construction.")

    monkeypatch.setattr(service, "view_for", corrupt)
    app.query_params.update(insee="31555")
    app.run()
    assert not app.exception
    (error,) = app.error
    assert "couche corrompue" in error.value and "Relancez la construction" in error.value
    assert UNEXPECTED not in error.value


def test_server_never_shows_error_details() -> None:
    import tomllib

    config = Path(APP).with_name(".streamlit") / "config.toml"
    client = tomllib.loads(config.read_text(encoding="utf-8"))["client"]
    # "none": no message, type or trace (the legacy false still shows the trace).
    assert client["showErrorDetails"] == "none"


def test_malformed_setting_is_named_on_the_page(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``ZONAGE_*`` variable the server could not use is named on the page, with what is
    expected, instead of the app running on a silently different setting."""
    from geo import settings

    monkeypatch.setitem(
        settings._problems,
        "ZONAGE_BAN_TIMEOUT",
        "ZONAGE_BAN_TIMEOUT=« abc » : nombre de secondes attendu (ex. 3).",
    )
    app.run()
    assert not app.exception
    errors = [e.value.replace("\\", "") for e in app.error]  # shown as escaped Markdown
    assert len(errors) == 1 and "ZONAGE_BAN_TIMEOUT=« abc »" in errors[0], errors


# --- The search box: above the map, saying what it did ---------------------------------------

CAPITOLE = "1 place du Capitole, Toulouse"


@pytest.fixture
def ban_down(monkeypatch: pytest.MonkeyPatch, closed_ban_url: str) -> str:
    """The address service is down (nothing listens at its address)."""
    from geo import settings

    monkeypatch.setattr(settings, "BAN_URL", closed_ban_url)
    return closed_ban_url


@pytest.fixture
def ban_up(monkeypatch: pytest.MonkeyPatch, fake_ban: FakeBan) -> FakeBan:
    """The address service answers (the fake one, with its recorded answers)."""
    from geo import settings

    monkeypatch.setattr(settings, "BAN_URL", fake_ban.url)
    return fake_ban


def _plain(values: object) -> list[str]:
    """Message texts as the user reads them (Markdown escapes and word joiners removed)."""
    return [str(v).replace("\\", "").replace("\u2060", "") for v in values]  # type: ignore[attr-defined]


def _warnings(at: AppTest) -> list[str]:
    return _plain(w.value for w in at.warning)


def _captions(at: AppTest) -> list[str]:
    return _plain(c.value for c in at.caption)


def _query(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def _click(at: AppTest, lat: float, lon: float) -> None:
    """A click on the map, as streamlit-folium reports it."""
    at.session_state["carte"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at.run()
    assert not at.exception


def test_search_box_is_above_the_map_not_in_the_sidebar(app: AppTest) -> None:
    app.run()
    assert [t.key for t in app.text_input] == ["texte"] and not app.sidebar.text_input
    assert app.text_input(key="texte").label.startswith("Rechercher un lieu")


def test_search_found_address_moves_map_and_says_what_it_kept(app: AppTest, ban_up) -> None:
    _search(app, "1 place du Capitole Toulouse")  # recorded: a house number in Toulouse
    assert "Toulouse (31555)" in _text(app) and not app.error
    assert not any("résultat pour toute la commune" in w for w in _warnings(app))
    assert any("1 Place du Capitole 31000 Toulouse" in c for c in _captions(app))
    query = _query(app)
    assert "lat" in query and "insee" not in query and "Capitole" not in str(query)
    lat, lon = app.session_state["centre"]
    assert abs(lat - 43.6045) < 0.01 and abs(lon - 1.4440) < 0.01
    assert app.session_state["zoom"] == 14


def test_search_commune_moves_map_without_fallback_line(app: AppTest, ban_up) -> None:
    _search(app, "Foix")  # recorded: the commune
    assert "Foix (09122)" in _text(app)
    assert not any("toute la commune" in w for w in _warnings(app))
    assert app.session_state["zoom"] == 11
    _search_again(app, "Foix")  # again: the map is given a new centre, so it moves back
    assert app.session_state["zoom"] != 11 and round(app.session_state["zoom"]) == 11


def test_search_not_found_is_an_error_next_to_the_box(app: AppTest, ban_up) -> None:
    _search(app, "zzzz qqqq introuvable")
    assert any("introuvable" in e.value for e in app.main.error)
    assert not app.sidebar.error and "Cliquez sur la carte" in _text(app)


def test_address_unknown_to_the_service_falls_back_to_its_commune(app: AppTest, ban_up) -> None:
    _search(app, CAPITOLE)  # the fake service finds nothing for this spelling
    assert _warnings(app)[0].startswith(
        "Adresse non trouvée : résultat pour toute la commune de Toulouse (31555) ;"
    )
    assert _query(app)["insee"] == "31555"


def test_address_where_the_service_finds_only_the_commune(app: AppTest, ban_up) -> None:
    from geo.tests.fixtures.ban_server import load_fixture

    body = load_fixture("search_foix") | {"query": "5 rue Inconnue, Foix"}
    ban_up.bodies["5 rue Inconnue, Foix"] = body
    _search(app, "5 rue Inconnue, Foix")
    assert _warnings(app)[0].startswith("Adresse non trouvée : résultat pour toute la commune de")
    assert "Foix (09122)" in _warnings(app)[0]


def test_service_down_says_so_keeps_it_then_a_click_clears_it(app: AppTest, ban_down) -> None:
    _search(app, CAPITOLE)
    (line,) = [w for w in _warnings(app) if "toute la commune" in w]
    assert line == (
        "Service d'adresses injoignable : résultat pour toute la commune de Toulouse (31555) ;"
        " réessayez plus tard ou cliquez sur la carte à l'emplacement du cabinet."
    )
    assert any("injoignable : connexion impossible" in c for c in _captions(app))
    assert _query(app)["insee"] == "31555"  # the link names the commune, never the text
    app.run()  # the next run reads the place from the link
    assert line in _warnings(app)  # still about the place shown
    _click(app, 43.6045, 1.4440)
    assert not any("toute la commune" in w for w in _warnings(app))
    assert not any("injoignable" in c for c in _captions(app))
    assert "lat" in _query(app)


def test_service_down_with_a_commune_name_needs_no_fallback_line(app: AppTest, ban_down) -> None:
    _search(app, "Mende")
    assert "Mende (48095)" in _text(app)
    assert not any("toute la commune" in w for w in _warnings(app))
    assert any("injoignable" in c for c in _captions(app))  # what the search did, quietly


def test_homonyms_are_chosen_in_french(app: AppTest, ban_down) -> None:
    _search(app, "Saint-Michel")
    choix = app.selectbox(key="choix")
    assert choix.label == "Commune recherchée"
    assert choix.proto.placeholder == "Choisissez la commune"  # not Streamlit's English one
    assert choix.value is None and len(choix.options) >= 2
    assert "choix" not in [w.key for w in app.sidebar.selectbox]  # next to the box, in sight
    assert any("plusieurs communes" in w for w in _warnings(app))
    choix.select("32397").run()
    assert "Saint-Michel (32397)" in _text(app)
    assert app.selectbox(key="choix").value == "32397"  # the list stays to pick another
    assert not any("toute la commune" in w for w in _warnings(app))  # a name was asked


def test_address_among_homonyms_with_service_down(app: AppTest, ban_down) -> None:
    _search(app, "3 rue de l'Église, Saint-Michel")
    assert app.warning[0].value.replace("\\", "").startswith("Service d'adresses injoignable.")
    app.selectbox(key="choix").select("32397").run()
    assert any(
        w.startswith("Service d'adresses injoignable : résultat pour toute la commune de")
        and "32397" in w
        for w in _warnings(app)
    )
    _click(app, 43.6045, 1.4440)  # elsewhere: the list and the line are gone
    assert "choix" not in [w.key for w in app.selectbox]
    assert not any("toute la commune" in w for w in _warnings(app))


@pytest.mark.parametrize(
    "text", ["Zzqxwv", "31555", "Saint-Michel", "Toulous", CAPITOLE, "2A004", "99999", "45.0, 5.0"]
)
def test_search_messages_name_no_command_line_option(app: AppTest, ban_down, text: str) -> None:
    _search(app, text)
    shown = "\n".join(_plain(m.value for kind in ("error", "warning") for m in app.get(kind)))
    shown += "\n".join(_captions(app))
    assert shown.strip()
    for flag in ("--insee", "--lat", "--lon", "--address", "`zonage"):
        assert flag not in shown, shown
