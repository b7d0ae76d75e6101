"""The Streamlit page driven by Streamlit's AppTest: sidebar flow, query parameters, messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def app(built_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ZONAGE_BUILD_DIR", str(built_dir))
    from geo import settings

    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    return AppTest.from_file(APP, default_timeout=60)


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [str(h.proto.body) for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


def _search(at: AppTest, text: str) -> None:
    """Type ``text`` in the search box and press « Chercher » (from a fresh page)."""
    at.run()
    at.sidebar.text_input(key="texte").input(text)
    at.sidebar.button[0].click()
    at.run()
    assert not at.exception


def test_opens_with_invitation_to_click(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "Cliquez sur la carte" in _text(app)
    assert app.sidebar.radio(key="profil").value == "tous"


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


def test_search_then_choose_among_homonyms(app: AppTest) -> None:
    _search(app, "Saint-Michel")
    choix = app.sidebar.selectbox(key="choix")
    assert len(choix.options) >= 2
    choix.select("32397")
    app.run()
    assert "Saint-Michel (32397)" in _text(app)


def test_search_unknown_address_is_a_clear_error(app: AppTest) -> None:
    _search(app, "zzzz qqqq introuvable")
    assert any("introuvable" in e.value for e in app.sidebar.error)


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
    app.button_group(key="vue").set_value("Exporter la carte").run()
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
