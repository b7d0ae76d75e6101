"""The « Où m'installer » view driven by Streamlit's AppTest: reached by a link and by the view
switch, « Je suis… » first, the legend in words, « Où s'applique cette aide » kept in the link,
a bad ``aides=`` value named, a click answered in the panel."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

INSTALLER = "Où m'installer"


def _plain(values: object) -> list[str]:
    """Texts as the user reads them (Markdown escapes and word joiners removed)."""
    return [str(v).replace("\\", "").replace("\u2060", "") for v in values]  # type: ignore[attr-defined]


def _query(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def _legend(at: AppTest) -> str:
    (line,) = [c for c in _plain(c.value for c in at.caption) if c.startswith("Euros ")]
    return line


def test_link_opens_the_view_with_its_legend(app: AppTest) -> None:
    app.query_params.update(vue="installer", profil="liberal-installation")
    app.run()
    assert not app.exception and not app.error
    assert app.button_group(key="vue").value == INSTALLER
    legend = _legend(app)
    # Nothing is certain without answers: the map shows what the answers would make certain.
    assert legend.startswith("Euros pour moi si vos réponses à « Ma situation » conviennent")
    assert "4\u202f446 communes à 0\u202f€" not in legend
    assert "où l'adresse ou vos réponses peuvent apporter plus" in legend
    assert any("Ma situation" in i for i in _plain(i.value for i in app.info))
    assert _query(app) == {"vue": "installer", "profil": "liberal-installation"}


def test_answers_make_euros_certain(app: AppTest) -> None:
    app.query_params.update(
        vue="installer", profil="liberal-installation", secteur="1", aide_installation="aucune"
    )
    app.run()
    assert not app.exception
    legend = _legend(app)
    assert legend.startswith("Euros garantis pour moi")
    assert "5\u202f000\u202f€ à moins de 10\u202f000\u202f€" in legend
    assert "10\u202f000\u202f€ à moins de 30\u202f000\u202f€" in legend


def test_aid_filter_is_kept_in_the_link(app: AppTest) -> None:
    app.query_params.update(vue="installer", profil="liberal-installation")
    app.run()
    choice = app.multiselect(key="aides_filtre")
    assert choice.label == "Où s'applique cette aide" and choice.value == []
    assert "Aide à la primo-installation en ZIP" in choice.options  # names shown, ids kept
    assert "Contrat d'engagement de service public (CESP)" not in choice.options  # not for me
    choice.set_value(["aide-installation-zip"]).run()
    assert not app.exception
    assert _query(app)["aides"] == "aide-installation-zip"
    grey = "en gris, 3\u202f027 communes (aucune des aides choisies n'y est éligible"
    assert grey in _legend(app)
    app.multiselect(key="aides_filtre").set_value([]).run()
    assert "aides" not in _query(app) and "en gris" not in _legend(app)


def test_bad_aid_in_the_link_is_named_and_dropped(app: AppTest) -> None:
    app.query_params.update(
        vue="installer", profil="liberal-installation", aides="aide-installation-zac,<b>x</b>"
    )
    app.run()
    assert not app.exception
    warnings = _plain(w.value for w in app.warning)
    assert any("Aide inconnue « <b>x</b> » ignorée" in w for w in warnings), warnings
    assert app.multiselect(key="aides_filtre").value == ["aide-installation-zac"]
    assert _query(app)["aides"] == "aide-installation-zac"


def test_first_visit_asks_who_you_are(app: AppTest) -> None:
    app.query_params.update(vue="installer")
    app.run()
    assert not app.exception and not app.multiselect
    who = app.selectbox(key="profil_panneau")
    assert who.label == "Je suis…" and "tous" not in who.options
    who.select("etudiant-3e-cycle").run()
    assert not app.exception
    assert _query(app)["profil"] == "etudiant-3e-cycle"
    assert "communes à 30\u202f000\u202f€ ou plus" in _legend(app)  # a year of CESP and more


def test_every_profile_is_not_a_profile_here(app: AppTest) -> None:
    app.query_params.update(vue="installer", profil="tous")
    app.run()
    assert not app.exception
    assert any("pas « tous »" in i for i in _plain(i.value for i in app.info))
    assert app.selectbox(key="profil_panneau")


def test_view_switch_and_a_click_answered_in_the_panel(app: AppTest) -> None:
    app.query_params.update(profil="liberal-installation")
    app.run()
    assert "vue" not in _query(app)
    app.button_group(key="vue").set_value(INSTALLER).run()
    assert not app.exception and _query(app)["vue"] == "installer"
    app.session_state["carte"] = {"last_clicked": {"lat": 42.9653, "lng": 1.6069}}  # Foix
    app.run()
    assert not app.exception
    html = "\n".join(str(h.proto.body) for h in app.get("html"))
    assert "Foix (09122)" in html and 'data-aid="aide-installation-zac"' in html
    assert "lat" in _query(app) and _query(app)["vue"] == "installer"
    app.button_group(key="vue").set_value("Carte et aides").run()
    assert not app.exception and "vue" not in _query(app)
    assert "Foix (09122)" in "\n".join(str(h.proto.body) for h in app.get("html"))


def test_radius_from_the_link_keeps_the_communes_near_the_place(app: AppTest) -> None:
    app.query_params.update(
        vue="installer", profil="liberal-installation", insee="09261", rayon="10"
    )
    app.run()
    assert not app.exception and not app.error
    legend = _legend(app)
    assert "(à plus de 10 km du lieu choisi)" in legend  # grey: the communes farther away
    limit = app.toggle(key="rayon_actif")
    assert limit.value is True and app.slider(key="rayon").value == 10
    table = app.dataframe[0].value
    assert "Saint-Girons" in set(table["Commune"]) and table["Distance (km)"].max() <= 10
    limit.set_value(False).run()
    assert not app.exception
    assert "en gris" not in _legend(app) and "rayon" not in _query(app)


def test_radius_around_an_unknown_place_keeps_the_page(app: AppTest) -> None:
    """A link naming no commune of the region: one message, the map and its legend stay."""
    app.query_params.update(
        vue="installer", profil="liberal-installation", insee="31999", rayon="20"
    )
    app.run()
    assert not app.exception
    assert _legend(app) and "en gris" not in _legend(app)
    assert any("31999" in str(e.value) for e in app.error)
