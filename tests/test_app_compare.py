"""« Comparer » driven by Streamlit's AppTest on the real layer: places from a shared link side
by side, the lines that differ marked, bad codes warned one by one, the pins kept in the link
(« Épingler ce lieu », « Retirer »), planted names shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from application.compare_view import DIFFERS
from application.safe_text import markdown
from tests import hostile
from tests.conftest import app_test

LINK = {"vue": "comparer", "comparer": "09261,31555", "profil": "liberal-installation"}


def _open(at: AppTest, **params: str) -> AppTest:
    at.query_params.update(params)
    at.run()
    assert not at.exception
    return at


def _cells(at: AppTest) -> list[str]:
    """The compared lines, one Markdown body per place and line."""
    return [str(m.value) for m in at.markdown if " : " in str(m.value)]


def _line(at: AppTest, label: str) -> list[str]:
    """The bodies of one compared line (one per place)."""
    return [c for c in _cells(at) if c.removeprefix(f"{DIFFERS} ").startswith(label)]


def _compared(at: AppTest) -> str:
    value = at.query_params.get("comparer", "")
    return value[-1] if isinstance(value, list) else value


def test_a_shared_link_shows_the_places_side_by_side(app: AppTest) -> None:
    at = _open(app, **LINK, date="2026-01-15")
    heads = [str(h.value) for h in at.subheader]
    assert heads == ["Saint\\-Girons \\(09261\\)", "Toulouse \\(31555\\)"]
    assert len([b for b in at.button if b.label == "Retirer"]) == 2
    assert len(at.columns) >= 2 and not at.warning
    # Saint-Girons is in Ariège, a priority department; Toulouse is not: marked, in bold.
    priority = _line(at, "Département")
    assert len(priority) == 2 and all(c.startswith(f"{DIFFERS} ") for c in priority)
    assert priority[0].endswith("**oui**") and priority[1].endswith("**non**")
    # Both get no euro for sure without « Ma situation »: the same, not marked.
    guaranteed = _line(at, "€ garantis")
    assert guaranteed == [guaranteed[0]] * 2 and not guaranteed[0].startswith(DIFFERS)
    assert _line(at, "Éligibles") and _line(at, "Engagements")
    assert _compared(at) == "09261,31555"


def test_a_bad_code_gets_one_warning_and_the_rest_is_shown(app: AppTest) -> None:
    at = _open(app, **{**LINK, "comparer": "09261,99999,abc,46102"})
    warnings = [str(w.value) for w in at.warning]
    assert len(warnings) == 2, warnings
    assert any("99999" in w for w in warnings) and any("abc" in w for w in warnings)
    assert [str(h.value) for h in at.subheader] == [
        "Saint\\-Girons \\(09261\\)",
        "Figeac \\(46102\\)",
    ]
    at.button(key="retirer_46102").click().run()  # the codes that name no commune go too
    assert _compared(at) == "09261"


def test_a_commune_named_twice_is_compared_once(app: AppTest, layers) -> None:
    current = set(layers.communes["insee"])
    today, former = next(
        (row.insee, code)
        for row in layers.communes.sort_values("insee").itertuples()
        for code in row.anciens_codes
        if code not in current
    )
    at = _open(app, **{**LINK, "comparer": f"{today},{former}"})
    assert len(at.subheader) == 1
    (warning,) = at.warning
    assert former in warning.value and "déjà comparé" in warning.value


def test_without_a_profile_it_asks_who_you_are(app: AppTest) -> None:
    at = _open(app, vue="comparer", comparer="09261,31555")
    assert at.selectbox(key="profil_panneau").value is None
    assert _line(at, "Zonage médecins") and not _line(at, "€ garantis")


def test_retirer_removes_a_place_from_the_link(app: AppTest) -> None:
    at = _open(app, **LINK)
    at.button(key="retirer_31555").click().run()
    assert not at.exception
    assert _compared(at) == "09261"
    assert [str(h.value) for h in at.subheader] == ["Saint\\-Girons \\(09261\\)"]


def test_pin_this_place_adds_it_to_the_link(app: AppTest) -> None:
    at = _open(app, insee="46102", profil="liberal-installation", comparer="09261")
    at.button(key="epingler").click().run()
    assert not at.exception
    assert _compared(at) == "09261,46102"
    assert any("Figeac est épinglé" in str(c.value) for c in at.caption)


def test_no_fourth_pin(app: AppTest) -> None:
    at = _open(app, insee="11069", comparer="09261,31555,46102")
    assert at.button(key="epingler").disabled


def test_planted_names_are_shown_as_text(
    hostile_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(app_test(hostile_build, monkeypatch), **LINK)
    kinds = ("subheader", "caption", "markdown", "warning", "info")
    bodies = [str(e.value) for kind in kinds for e in at.get(kind)]
    assert markdown(f"{hostile.NAME} ({hostile.INSEE})") in bodies
    assert any(markdown(hostile.QPV_NAME) in b for b in bodies)  # the commune's QPV list
    for body in bodies:
        assert hostile.live_markdown(body.replace("**", "")) == [], body


def test_a_point_can_be_pinned(app: AppTest) -> None:
    at = _open(app, lat="42.96530", lon="1.60690", profil="liberal-installation")
    at.button(key="epingler").click().run()
    assert not at.exception and _compared(at) == "42.96530:1.60690"


def test_a_point_is_compared_with_its_commune(app: AppTest) -> None:
    """A clicked point of Foix (in its QPV) beside the whole commune: the QPV at the point
    tells them apart."""
    at = _open(app, **{**LINK, "comparer": "42.96530:1.60690,09122"})
    assert not at.warning
    heads = [str(h.value) for h in at.subheader]
    assert heads == ["Foix \\(09122\\)"] * 2
    assert any("point 42.96530, 1.60690" in str(c.value).replace("\\", "") for c in at.caption)
    qpv = _line(at, "QPV au point")
    assert len(qpv) == 2 and all(c.startswith(f"{DIFFERS} ") for c in qpv)


def test_a_bad_point_gets_one_warning(app: AppTest) -> None:
    at = _open(app, **{**LINK, "comparer": "09261,91.0:1.5,43.6:abc"})
    warnings = [str(w.value) for w in at.warning]
    assert len(warnings) == 2 and all("Comparer" in w for w in warnings)


def test_the_figures_say_their_date(app: AppTest) -> None:
    at = _open(app, **LINK, date="2026-01-15")
    captions = [str(c.value).replace("\\", "") for c in at.caption]
    assert any("en vigueur le 15/01/2026" in c for c in captions), captions
