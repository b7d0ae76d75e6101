"""The render model and its two writers (app HTML cards, command-line text), on hand-made
places and the real catalogue: no layer needed."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest

from application.render import cards, text
from application.render.model import Link, aid_card, linkify, place_card, plain
from application.tests.html_parts import HtmlParts
from zonage.engine import A_VERIFIER, NON_APPLICABLE, AidResult, aids_at
from zonage.place import PlaceFacts, Qpv
from zonage.text import fr_euros, fr_number

EVIL = "<img src=x onerror=alert(1)>[lien](https://evil.example/x) www.evil.example"


def _place(**changes: object) -> PlaceFacts:
    facts: dict = {
        "insee": "31999",
        "nom": "Commune test",
        "departement": "31",
        "departement_nom": "Haute-Garonne",
        "zonage_medecins": "ZAC",
        "massif": None,
        "zrr": "non_classee",
        "frr_code": 0,
        "qpv2015_commune": (Qpv("QP031001", "Quartier A"), Qpv("QP031002", "Quartier B")),
        "population": 12345,
        "codes_postaux": ("31000", "31100"),
        "vintages": {"communes": "COG test", "massif": "massifs test"},
        "notes": ("Résultat au niveau de la commune.",),
    }
    facts.update(changes)
    return PlaceFacts(**facts)


def _results(place: PlaceFacts, profile: str = "liberal-installation") -> list[AidResult]:
    answer = aids_at(place, profile, dt.date(2025, 6, 1), include_all=True)
    return [r for g in answer.groups for r in g.results]


# --- shared formatters ----------------------------------------------------------------------


def test_numbers_and_euros_in_french() -> None:
    assert fr_number(514819) == "514\u202f819"
    assert fr_number(0) == "0" and fr_number(-1234) == "-1\u202f234"
    assert fr_number(1085.5, 2) == "1\u202f085,50"
    assert fr_euros(5000) == "5\u202f000\u202f€"
    assert fr_euros(1085.5) == "1\u202f085,50\u202f€"


@pytest.mark.parametrize(
    ("given", "hrefs"),
    [
        ("écrire à ARS-OC@ars.sante.fr ; portail https://www.x.fr/", ["mailto:ARS-OC@ars.sante.fr", "https://www.x.fr/"]),
        ("guichet : 36 08 ; accueil 05 61 00 00 00.", ["tel:3608", "tel:0561000000"]),
        ("Brochure (2023) [https://a.fr/page?x=1].", ["https://a.fr/page?x=1"]),
        ("voir http://rezone.ameli.fr/rezone/, puis appeler", ["http://rezone.ameli.fr/rezone/"]),
        ("du 01/09/2023 au 31/12/2026, page #28, 2024 ; 3 rue X", []),
    ],
)  # fmt: skip
def test_linkify_finds_addresses_and_keeps_the_text(given: str, hrefs: list[str]) -> None:
    pieces = linkify(given)
    assert plain(pieces) == given
    assert [p.href for p in pieces if isinstance(p, Link)] == hrefs


# --- the place ------------------------------------------------------------------------------


def test_place_card_commune_and_point() -> None:
    card = place_card(_place())
    rows = {r.label: plain(r.values[0]) for r in card.rows}
    assert (card.key, card.title, card.context) == ("31999", "Commune test", "Haute-Garonne (31)")
    assert rows["Lieu"] == "commune entière (pas de point précis)"
    assert rows["QPV au point (contours 2015)"].startswith("non déterminé")
    assert rows["QPV de la commune (liste 2015)"] == "QP031001 Quartier A; QP031002 Quartier B"
    assert rows["QPV de la commune (liste 2024)"] == "aucun"
    assert rows["Zonage médecins"] == "ZAC (zone d'action complémentaire)"
    assert rows["Population municipale"] == "12\u202f345"
    assert rows["Codes postaux"] == "31000, 31100"
    assert card.notes and card.status is None
    assert place_card(_place(), notes=False).notes == ()
    point = place_card(
        _place(precision="point", lat=43.6, lon=1.44, qpv=Qpv("QP031001", "Quartier A"))
    )
    rows = {r.label: plain(r.values[0]) for r in point.rows}
    assert rows["Lieu"] == "point lat 43.60000, lon 1.44000"
    assert rows["QPV au point (contours 2015)"] == "QP031001 Quartier A"


def test_both_writers_show_every_row_of_the_place() -> None:
    card = place_card(_place())
    html = unescape(HtmlParts(cards.place_html(card)).text)
    out = text.place_text(card)
    assert out.startswith("Commune test (INSEE 31999) — Haute-Garonne (31)\n")
    assert "Commune test (31999) — Haute-Garonne (31)" in html
    for row in card.rows:
        shown = f"{row.label} : {plain(row.values[0])}"
        assert shown in out
        assert row.label in html and plain(row.values[0]) in html
    for source in ("COG test", "massifs test"):
        assert source in html and f"  - {source}" in out
    assert "Notes :" in out and "Résultat au niveau de la commune." in html


def test_place_data_is_text_in_html_and_never_a_link() -> None:
    place = _place(nom=EVIL, qpv2024=(Qpv("QN1", EVIL),), vintages={"massif": EVIL})
    parsed = HtmlParts(cards.place_html(place_card(place)))
    assert set(parsed.tags) <= {
        "div",
        "h3",
        "dl",
        "dt",
        "dd",
        "p",
        "b",
        "ul",
        "li",
        "details",
        "summary",
    }
    assert parsed.hrefs == []
    assert parsed.text.count(EVIL) == 3  # title, QPV and source, as typed
    out = text.place_text(place_card(place))
    assert out.splitlines()[0].startswith(EVIL)  # a title is never cut


def test_text_is_wrapped_to_100_columns() -> None:
    many = tuple(Qpv(f"QP0310{i:02d}", f"Quartier numéro {i}") for i in range(20))
    out = text.place_text(place_card(_place(qpv2024=many)))
    lines = out.splitlines()
    assert max(len(line) for line in lines[1:]) <= text.WIDTH
    assert any(line.startswith("  QP0310") for line in lines)  # continued lines are indented
    for r in _results(_place()):
        assert all(len(line) <= text.WIDTH for line in text.aid_text(aid_card(r)).splitlines()[1:])


# --- the aids -------------------------------------------------------------------------------


def test_aid_to_check_gives_amount_then_why_and_whom_to_ask() -> None:
    results = _results(_place(zonage_medecins=None))
    r = next(r for r in results if r.status == A_VERIFIER)
    card = aid_card(r)
    assert (card.key, card.title, card.status) == (r.id, r.display_name, A_VERIFIER)
    assert [row.label for row in card.rows[:3]] == ["Montant", "À vérifier", "Demander à"]
    contact = next(row for row in card.rows if row.label == "Contact")
    assert len(contact.values) == len(r.contact)
    html = cards.aid_html(card)
    parsed = HtmlParts(html)
    assert f'data-aid="{r.id}"' in html and 'class="zc-card check"' in html
    assert any(h.startswith(("mailto:", "https://", "tel:")) for h in parsed.hrefs)
    assert all(h.startswith(("mailto:", "https://", "http://", "tel:")) for h in parsed.hrefs)
    out = text.aid_text(card)
    assert out.startswith(f"[À VÉRIFIER] {r.display_name}\n")
    assert "    À vérifier : " in out and "    Demander à : " in out and "    Source : " in out


def test_aid_that_does_not_apply_gives_its_reason_and_main_source() -> None:
    r = next(r for r in _results(_place()) if r.status == NON_APPLICABLE)
    card = aid_card(r)
    assert [row.label for row in card.rows] == ["Raison"] and len(card.sources) == 1
    assert 'class="zc-card no"' in cards.aid_html(card)
    out = text.aid_text(card)
    assert out.startswith("[NON APPLICABLE] ") and out.count("    Source : ") == 1


def test_both_writers_show_every_row_of_every_aid() -> None:
    for r in _results(_place(zonage_medecins=None), "tous"):
        card = aid_card(r)
        html = unescape(HtmlParts(cards.aid_html(card)).text)
        out = " ".join(text.aid_text(card).replace("\u00a0", " ").split())
        for row in (*card.rows, *card.details):
            assert row.label in html and row.label in out
            for value in row.values:
                assert plain(value) in html
                assert " ".join(plain(value).split()) in out


def test_conditions_are_a_list_and_amount_parts_details() -> None:
    cds = next(r for r in _results(_place(), "structure-coordonnee") if r.id == "cds")
    card = aid_card(cds)
    (detail,) = [row for row in card.rows if row.detail]
    assert detail.label == "à vérifier"
    labels = [row.label for row in card.rows]
    assert labels.index("à vérifier") == labels.index("Montant") + 1
    # The conditions are a detail: folded in the app, under the rows that decide.
    assert not [row for row in card.rows if row.bullets]
    (conditions,) = [row for row in card.details if row.bullets]
    assert conditions.label == "Conditions" and len(conditions.values) == len(cds.conditions)
    html = cards.aid_html(card)
    assert (
        '<dt class="zc-sub">à vérifier</dt>' in html and "<dt>Conditions</dt><dd><ul><li>" in html
    )
    out = text.aid_text(card)
    assert "\n      à vérifier : " in out and "\n    Conditions :\n      - " in out
