"""Text from the data, a link or the search box is shown as text, never as HTML or Markdown.

A copy of the real build carries a commune name, a QPV name and a vintage full of HTML,
Markdown and script (:mod:`tests.hostile`); the app (Streamlit AppTest), the standalone export
and the command line must show them as they are. Hostile query parameters must give warnings
that render as plain text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from application.cli import main
from application.safe_text import markdown
from application.tests.html_parts import HtmlParts
from geo import settings
from geo.export import render_html
from geo.layer import load
from geo.webmap import web_layer
from tests import hostile
from tests.conftest import app_test


@pytest.fixture
def hostile_app(hostile_build: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return app_test(hostile_build, monkeypatch)


def _markdown_bodies(at: AppTest) -> list[str]:
    """Every body the page renders as Markdown (text, alerts, captions, headings)."""
    kinds = ("markdown", "caption", "subheader", "header", "title", "warning", "error", "info")
    return [str(e.value) for kind in kinds for e in at.get(kind)] + [
        str(e.value) for kind in ("warning", "error", "info") for e in at.sidebar.get(kind)
    ]


# --- Planted names in the app, the export and the command line ------------------------------


def _catalogue_addresses() -> set[str]:
    """Every address the catalogue's contacts and sources may link to."""
    from application.render.model import Link, linkify
    from zonage.catalogue import load_catalogue

    catalogue = load_catalogue()
    texts = [c.how for c in catalogue.contacts.values()]
    urls = {d.url for d in catalogue.documents.values() if d.url}
    return urls | {p.href for t in texts for p in linkify(t) if isinstance(p, Link)}


def test_app_shows_planted_names_as_text(hostile_app: AppTest) -> None:
    at = hostile_app
    lat, lon = hostile.POINT
    at.query_params.update(lat=str(lat), lon=str(lon), profil="liberal-installation")
    at.run()
    assert not at.exception
    panel = next(h.proto.body for h in at.get("html") if "zc-place" in h.proto.body)
    tags = HtmlParts(panel)
    assert "img" not in tags.tags and "script" not in tags.tags
    # The only links are the catalogue's own addresses (contacts, sources), none from the data.
    assert tags.hrefs and all(hostile.EVIL_HOST not in h for h in tags.hrefs)
    assert set(tags.hrefs) <= _catalogue_addresses()
    assert f"{hostile.NAME} ({hostile.INSEE})" in tags.text
    assert hostile.QPV_NAME in tags.text  # the QPV at the point
    for body in _markdown_bodies(at):
        assert hostile.EVIL_HOST not in body.replace("\\", ""), body
    # The chosen spot on the map: its tooltip is set as text, its script holds no markup.
    (component,) = at.get("component_instance")
    selection = json.loads(component.proto.json_args)["feature_group"]
    assert "<img" not in selection and "`" not in selection and "</script" not in selection
    literal = selection.split("node.textContent = ", 1)[1].split(";\n", 1)[0]
    assert json.loads(literal) == hostile.NAME


def test_about_view_shows_planted_vintage_as_text(hostile_app: AppTest) -> None:
    at = hostile_app
    at.run()
    at.button_group(key="vue").set_value("À propos des données").run()
    assert not at.exception
    lines = [b for b in _markdown_bodies(at) if hostile.EVIL_HOST in b.replace("\\", "")]
    assert lines and all(markdown(hostile.VINTAGE) in line for line in lines), lines


def test_export_shows_planted_names_as_text(hostile_build: Path) -> None:
    page = render_html(web_layer(load(hostile_build)), departement="09")
    assert "<img src=x" not in page and hostile.NAME not in page
    call = page.rsplit("zonageWebMap(", 1)[-1]
    data, end = json.JSONDecoder().raw_decode(call, call.index("{"))
    assert "</script" not in call[:end].lower()
    assert hostile.NAME in data["communes"]["nom"]
    assert hostile.QPV_NAME in data["qpv"]["nom_qp"]
    assert [
        "Massifs (loi Montagne)",
        hostile.VINTAGE,
    ] in data["title"]["sources"]


@pytest.mark.parametrize("command", ["lookup", "aids"])
def test_cli_prints_planted_names_as_they_are(
    command: str,
    hostile_build: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(settings, "BUILD_DIR", hostile_build)
    assert main([command, "--insee", hostile.INSEE]) == 0
    out, err = capsys.readouterr()
    assert hostile.NAME in out and err == ""
    assert main([command, "--insee", hostile.INSEE, "--json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    place = doc if command == "lookup" else doc["place"]
    assert place["commune"]["nom"] == hostile.NAME and err == ""


# --- Hostile links and searches -------------------------------------------------------------

HOSTILE_PARAMS = [
    {"profil": "[Cliquez ici](https://evil.example/phish)"},
    {"profil": "![t](https://evil.example/track.png)"},
    {"profil": "<img src=x onerror=alert(1)>"},
    {"insee": "https://evil.example"},
    {"insee": "[09122](https://evil.example)"},
    {"date": "<script>alert(1)</script>"},
    {"date": "`code` **gras** $x^2$ :red[rouge] www.evil.example"},
    {"lat": "javascript:alert(1)", "lon": "1.44"},
    {"lat": "43.6", "lon": "[1.44](https://evil.example)"},
    {"profil": "[x](https://evil.example/" + "a" * 100_000 + ")"},
    {"profil": "a\x1b[31mb\x00c\n# Titre\r\n- liste"},
    {"date": "\u202e2024-01-01\u200b<b>"},
    # The region views' and « Ma situation »'s parameters.
    {"vue": "[x](https://evil.example)"},
    {"rayon": "<img src=x onerror=alert(1)>"},
    {"comparer": "[09122](https://evil.example)"},
    {"aides": "<script>alert(1)</script>"},
    {"secteur": "[1](https://evil.example)"},
    {"aide_installation": "<b>2020-01-01</b>"},
    {"cabinet_qpv": "![t](https://evil.example/t.png)"},
]


@pytest.mark.probe
@pytest.mark.parametrize("params", HOSTILE_PARAMS, ids=lambda p: repr(p)[:40])
def test_hostile_link_gives_plain_text_warnings(app: AppTest, params: dict[str, str]) -> None:
    app.query_params.update(params)
    app.run()
    assert not app.exception
    warnings = [w.value for w in app.warning]
    assert warnings, "a damaged link says what is wrong"
    for body in warnings:
        assert body.startswith("Lien incomplet : ")
        assert hostile.live_markdown(body.removeprefix("Lien incomplet : ")) == [], body
        assert "\\[" in body or "\\<" in body or "\\:" in body or "\\$" in body
        assert not any(ch in body for ch in "\x00\x1b\n\r"), body
        assert len(body) < 2_000, f"{len(body)} characters"


@pytest.mark.probe
@pytest.mark.parametrize(
    "text",
    [
        "[Cliquez ici](https://evil.example/phish)",
        "![t](https://evil.example/track.png) <img src=x onerror=alert(1)>",
        "Saint-[Michel](https://evil.example)",
    ],
)
def test_hostile_search_gives_plain_text_messages(app: AppTest, text: str) -> None:
    app.run()
    app.text_input(key="texte").input(text)
    app.button(key="chercher").click()
    app.run()
    assert not app.exception
    messages = [m.value for kind in ("error", "warning") for m in app.get(kind)]
    assert messages
    for body in messages:
        assert hostile.live_markdown(body) == [], body
