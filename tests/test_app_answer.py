"""The answer panel driven by Streamlit's AppTest: the summary in euros first, « Je suis… » on
a first visit, « Ma situation » from the link and the sidebar, « Ne s'applique pas ici », notes
said once, no file name of the sources, and the length of the answer."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.test_app import _text

SAINT_GIRONS = {"insee": "09261", "profil": "liberal-installation", "date": "2026-11-29"}


def _panel(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html") if "zc-" in str(h.proto.body))


def visible_words(html: str) -> int:
    """Words a reader sees before unfolding anything (styles, scripts and the folded part of
    each ``<details>`` left out; its summary line counted)."""
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(
        r"<details[^>]*>\s*<summary>(.*?)</summary>.*?</details>", r" \1 ", text, flags=re.S
    )
    return len(re.sub(r"<[^>]+>", " ", text).split())


def _open(at: AppTest, **params: str) -> str:
    at.query_params.update(params)
    at.run()
    assert not at.exception
    return _panel(at)


def test_summary_comes_first_with_the_euros(app: AppTest) -> None:
    panel = _open(app, **SAINT_GIRONS)
    assert panel.index("Ce que vous pouvez percevoir ici") < panel.index('data-aid="')
    assert "5\u202f000\u202f€" in panel.split('data-aid="')[0]
    assert "Questions qui décident" in panel and "secteur" in panel
    assert 'class="zc-card cond"' in panel  # the ZAC aid is « sous condition »


def test_answer_for_one_profile_is_short_and_names_no_file(app: AppTest) -> None:
    panel = _open(app, **SAINT_GIRONS)
    assert visible_words(panel) <= 600
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", panel)
    # Repeated caveats are said once.
    assert panel.count("Rien de plus récent") == 1
    assert panel.count("nouvel arrêté de zonage") == 1


def test_first_visit_asks_who_you_are(app: AppTest) -> None:
    panel = _open(app, insee="09261")
    assert "Ce que vous pouvez percevoir ici" not in panel
    chooser = app.selectbox(key="profil_panneau")
    assert chooser.value is None and chooser.label == "Je suis…"
    chooser.set_value("liberal-installation").run()
    assert not app.exception
    assert "Ce que vous pouvez percevoir ici" in _panel(app)
    assert app.query_params["profil"] == "liberal-installation"


def test_situation_from_the_link_decides(app: AppTest) -> None:
    panel = _open(app, **SAINT_GIRONS, secteur="1", aide_installation="aucune", cabinet_qpv="non")
    summary = panel.split('data-aid="')[0]
    assert "Ouvert ici" in summary and "5\u202f000\u202f€" in summary
    assert 'data-aid="aide-installation-zac"' in panel
    assert 'class="zc-card ok" data-aid="aide-installation-zac"' in panel
    assert app.query_params["secteur"] == "1"


def test_situation_answer_that_excludes(app: AppTest) -> None:
    panel = _open(app, **SAINT_GIRONS, secteur="2-sans-optam", cabinet_qpv="non")
    assert 'data-aid="aide-installation-zac"' not in panel.split("Ne s'applique pas ici")[0]
    assert "Secteur 2 sans Optam" in panel


def test_situation_box_in_the_sidebar_updates_link(app: AppTest) -> None:
    _open(app, **SAINT_GIRONS)
    app.sidebar.selectbox(key="sit_secteur").set_value("2-optam").run()
    assert not app.exception
    assert app.query_params["secteur"] == "2-optam"


def test_bad_situation_in_link_is_named(app: AppTest) -> None:
    _open(app, **SAINT_GIRONS, secteur="3")
    text = _text(app)
    assert "Situation secteur" in text and "Valeurs possibles" in text
    assert "Ce que vous pouvez percevoir ici" in text  # the rest still shown


def test_student_is_told_why_cesp_is_absent(app: AppTest) -> None:
    panel = _open(app, insee="31555", profil="etudiant-2e-cycle", date="2026-11-29")
    not_here = panel.split("Ne s'applique pas ici")[1]
    assert "Contrat d&#x27;engagement de service public (CESP)" in not_here
    assert "ZAR" in not_here


def test_all_profiles_show_each_aid_once(app: AppTest) -> None:
    panel = _open(app, insee="11076", profil="tous", date="2026-11-29")
    ids = re.findall(r'data-aid="([^"]+)"', panel)
    assert ids and len(ids) == len(set(ids))


def test_printable_fiche_is_offered(app: AppTest) -> None:
    _open(app, **SAINT_GIRONS)
    (button,) = [b for b in app.get("download_button") if "Fiche à imprimer" in b.proto.label]
    assert button.proto.label.startswith("Fiche à imprimer")
