"""Web map page: the standalone page (offline, everything inline, under budget), the app's
page (served files), the data handed to ``webmap.js`` (layers, escaping), the export and the
``zonage export-map`` command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from application.cli import main
from geo import assets
from geo.export import render_html, write_html
from geo.webmap import LAYER_IDS, app_map, build_map, check_layers, payload, prepare, web_layer
from geo.webmap.layer import WebLayer
from geo.webmap.style import MapPolicy
from zonage.errors import DataError, InvalidInput

MAX_EXPORT_BYTES = 2_000_000  # DESIGN.md: whole region, all layers, assets inline


@pytest.fixture(scope="module")
def web(layers) -> WebLayer:  # noqa: ANN001
    """The web layer of the session's build (cached in its build folder)."""
    return web_layer(layers)


# --- The map ------------------------------------------------------------------------------------


def _scripts_and_links(page: str) -> list[str]:
    return re.findall(r"<script[^>]*\bsrc=|<link[^>]*\bhref=", page)


def _own(name: str) -> str:
    return (Path(__file__).parents[1] / "webmap" / name).read_text(encoding="utf-8")


def test_standalone_page_is_offline_and_under_budget(web: WebLayer) -> None:
    page = render_html(web)
    size = len(page.encode("utf-8"))
    assert size <= MAX_EXPORT_BYTES, f"{size} bytes"
    assert _scripts_and_links(page) == []  # every script and style sheet is inline
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page and "bootstrap" not in page
    assert 'version="1.9.4"' in page or 't.version="1.9.4"' in page  # Leaflet, inline
    assert "topojson-client" in page
    assert "url(images/" not in page  # Leaflet's images are data: URIs
    assert "sourceMappingURL" not in page
    for name in ("communes.js", "webmap.js", "webmap.css"):  # the map's own files, inline
        assert _own(name) in page
    # The only remote URL the page would load is the tile template (blank offline).
    loaded = set(re.findall(r'"(https?://[^"]*\{[xyz]\}[^"]*)"', page))
    assert loaded == {"https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png"}
    assert '<html lang="fr">' in page and "<title>Zonages des aides" in page


# Policy facts as the application reads them from the catalogue (geo knows no aid rule).
POLICY = MapPolicy(
    priority_departments=("09", "32", "65"),
    titles=(("zrr", "ZRR (jusqu'au 30 juin 2024)"),),
    sources=(("departements_prioritaires", "brochure test, page #13"),),
)


def test_page_data_describes_every_layer(web: WebLayer) -> None:
    data = payload(web, policy=POLICY)
    assert [spec["id"] for spec in data["layers"]] == list(LAYER_IDS)
    n = len(web.communes)
    zonage = data["layers"][0]
    assert len(zonage["values"]) == n
    assert sum(c["count"] for c in zonage["classes"].values()) == n
    assert "CartoSanté" in zonage["source"] and "2025" in zonage["source"]
    assert zonage["classes"]["I"]["count"] == (web.communes["zonage_medecins"] == "ZIP").sum()
    assert zonage["classes"]["X"]["count"] == web.communes["zonage_medecins"].isna().sum()
    prio = next(s for s in data["layers"] if s["id"] == "departements_prioritaires")
    assert "Ariège (09)" in prio["classes"]["P"]["label"]
    assert "Gers (32)" in prio["classes"]["P"]["label"]
    fills = [s["id"] for s in data["layers"] if s["kind"] == "choropleth" and s["shown"]]
    assert fills == ["zonage"]
    assert data["title"]["sources_title"] == "Sources et millésimes"
    sources = {text for _, text in data["title"]["sources"]}
    for key in ("qpv2015", "massif", "zrr", "frr"):
        assert web.vintages[key] in sources
    # The zoning's source: the reference version, then each newer order in force on the date.
    assert any(text.startswith(web.vintages["zonage_medecins"]) for text in sources)


def test_policy_facts_come_from_the_caller(web: WebLayer) -> None:
    """The priority departments, dated titles and their source are the caller's: another set
    draws other departments, with no new web layer (nothing of it is stored in the build)."""
    layers = ["zrr", "departements_prioritaires"]

    def prio(policy: MapPolicy) -> dict:
        data = payload(web, layers, policy=policy)
        return data["layers"][1] | {"zrr_title": data["layers"][0]["title"]}

    given = prio(POLICY)
    n = int(web.communes["departement"].isin(["09", "32", "65"]).sum())
    assert given["values"].count("P") == given["classes"]["P"]["count"] == n
    assert given["source"] == "brochure test, page #13"
    assert given["zrr_title"] == "ZRR (jusqu'au 30 juin 2024)"
    other = prio(MapPolicy(priority_departments=("48",)))
    assert other["values"].count("P") == int((web.communes["departement"] == "48").sum())
    assert "Lozère (48)" in other["classes"]["P"]["label"]
    assert "Ariège" not in other["classes"]["P"]["label"]
    assert other["zrr_title"].startswith("ZRR (") and "2024" not in other["zrr_title"]
    none = prio(MapPolicy())
    assert none["classes"] == {} and "P" not in none["values"]


def test_page_data_sends_the_arcs_flat(web: WebLayer) -> None:
    data = payload(web)
    assert "arcs" not in data["topology"]
    pairs = [[flat[i : i + 2] for i in range(0, len(flat), 2)] for flat in data["arcs"]]
    assert pairs == web.topology["arcs"]


def test_layer_choice_and_department(web: WebLayer) -> None:
    data = payload(web.subset("32"), ["frr", "departements"], departement="32")
    assert [s["id"] for s in data["layers"]] == ["frr", "departements"]
    assert data["layers"][0]["shown"]  # the only colour layer asked for is drawn
    assert "qpv" not in data["topology"]["objects"]
    assert len(data["arcs"]) < len(web.subset("32").topology["arcs"])
    assert "Gers (32)" in data["title"]["heading"]
    small = render_html(web, departement="32", layers=["zonage"])
    assert len(small) < len(render_html(web)) / 4
    with pytest.raises(InvalidInput, match="couche inconnue : « routes »"):
        check_layers(["zonage", "routes"])
    with pytest.raises(InvalidInput, match="Choisissez parmi"):
        build_map(web, departement="2A")


def test_names_are_sent_as_text(layers) -> None:  # noqa: ANN001
    """Names and sources reach the page's data as they are, as plain text (``webmap.js`` sets
    them with ``textContent``), and nothing in them can end the script early."""
    communes = layers.communes[layers.communes["departement"] == "48"].copy()  # fast to prepare
    evil = '<script>alert("x")</script> & <b>Cie</b> `${alert(2)}` </SCRIPT >'
    communes.loc[communes.index[0], "nom"] = evil
    qpv = layers.qpv2015.iloc[:1].copy()
    qpv.loc[qpv.index[0], "nom_qp"] = "<img src=x onerror=alert(1)>"
    qpv.loc[qpv.index[0], "insee"] = communes["insee"].iloc[0]
    vintages = dict(layers.vintages, zonage_medecins="export <i>2025</i> & co")
    web = prepare(dataclasses.replace(layers, communes=communes, qpv2015=qpv, vintages=vintages))
    page = render_html(web)
    for raw in ("<script>alert", "<img src=x", "<i>2025</i>", "<b>Cie</b>", "</SCRIPT"):
        assert raw not in page
    call = page.rsplit("zonageWebMap(", 1)[-1]
    data, end = json.JSONDecoder().raw_decode(call, call.index("{"))
    assert "</script" not in call[:end].lower()  # nothing can end the data's script early
    assert evil in data["communes"]["nom"]
    assert data["qpv"]["nom_qp"] == ["<img src=x onerror=alert(1)>"]
    zonage = next(spec for spec in data["layers"] if spec["id"] == "zonage")
    assert zonage["source"] == "export <i>2025</i> & co"
    today = dt.date.today().strftime("%d/%m/%Y")
    assert [
        f"Zonage médecins en vigueur le {today} (ZIP, ZAC, ZAR)",
        "export <i>2025</i> & co",
    ] in (data["title"]["sources"])
    # The script puts data texts in the page as text only.
    script = (Path(__file__).parents[1] / "webmap" / "webmap.js").read_text(encoding="utf-8")
    assert [line for line in script.splitlines() if "innerHTML" in line] == [
        '  function escapeHtml(value) { return el("span", null, [String(value)]).innerHTML; }'
    ]


def test_served_map_links_local_copies(web: WebLayer, tmp_path: Path) -> None:
    fmap = build_map(web, mode="served", static_dir=tmp_path, title=False, collapsed=True)
    page = fmap.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "../../app/static/vendor/leaflet@1.9.4/leaflet.js" in urls
    assert "../../app/static/vendor/topojson-client@3.1.0/topojson-client.min.js" in urls
    assert "../../app/static/vendor/leaflet@1.9.4/leaflet.css" in urls
    assert not [u for u in urls if u.startswith("http")]
    for url in urls:
        assert (tmp_path / url.removeprefix("../../app/static/")).is_file(), url
    assert (tmp_path / "vendor/leaflet@1.9.4/images/layers.png").is_file()
    # The data is fetched from a file named after its content, by a loader script linked
    # before Leaflet (it starts the download while the libraries load); the page stays small.
    loader_url = re.findall(r'<script src="\.\./\.\./app/static/(data/[0-9a-f]+\.js)"', page)
    assert len(loader_url) == 1 and page.index(loader_url[0]) < page.index("leaflet.js")
    loader = (tmp_path / loader_url[0]).read_text(encoding="utf-8")
    (data_url,) = re.findall(r'fetch\("\.\./\.\./app/static/(data/[0-9a-f]+\.json)"\)', loader)
    data = json.loads((tmp_path / data_url).read_text(encoding="utf-8"))
    assert data["collapsed"] is True and data["title"] is None
    assert f'window.zonageData["../../app/static/{data_url}"]' in page
    # The map's own scripts and style sheet are files too, named after their content and
    # published once; the page a rerun of the app sends only calls them.
    scripts = re.findall(r'<script src="\.\./\.\./app/static/(webmap/[0-9a-f]+\.js)"', page)
    (style,) = re.findall(r'<link [^>]*href="\.\./\.\./app/static/(webmap/[0-9a-f]+\.css)"', page)
    assert [(tmp_path / path).read_text(encoding="utf-8") for path in scripts] == [
        _own("communes.js"),
        _own("webmap.js"),
    ]
    assert (tmp_path / style).read_text(encoding="utf-8") == _own("webmap.css")
    assert page.index("topojson-client.min.js") < page.index(scripts[0])
    assert "window.ZonageCommunes" not in page and "zonage-legend" not in page
    assert len(page) < 5_000
    # Built again (a rerun of the app): same files, nothing rewritten.
    again = build_map(web, mode="served", static_dir=tmp_path, title=False, collapsed=True)
    assert data_url in loader and loader_url[0] in again.get_root().render()
    assert len(list((tmp_path / "data").iterdir())) == 2
    assert len(list((tmp_path / "webmap").iterdir())) == 3


def test_app_map_uses_served_assets(
    web: WebLayer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    page = app_map(web).get_root().render()
    assert "../../app/static/vendor/leaflet@1.9.4/leaflet.js" in page
    assert (tmp_path / "vendor" / "leaflet@1.9.4" / "leaflet.js").is_file()


def test_missing_npm_assets_say_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="npm ci"):
        assets.inline_js(assets_dir=tmp_path)
    fake = tmp_path / "leaflet"
    fake.mkdir()
    (fake / "package.json").write_text('{"version": "0.7.0"}', encoding="utf-8")
    with pytest.raises(DataError, match="0.7.0 au lieu de 1.9.4"):
        assets.package_dir("leaflet", assets_dir=tmp_path)


# --- Export and command line ----------------------------------------------------------------


def test_write_html_is_atomic_and_checks_the_path(web: WebLayer, tmp_path: Path) -> None:
    out = tmp_path / "carte.html"
    result = write_html(web, out, departement="48")
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert result.bytes == out.stat().st_size
    assert [p.name for p in tmp_path.iterdir()] == ["carte.html"]  # no temporary file left
    with pytest.raises(InvalidInput, match=r"\.html"):
        write_html(web, tmp_path / "carte.pdf")
    with pytest.raises(InvalidInput, match="dossier de sortie introuvable"):
        write_html(web, tmp_path / "absent" / "carte.html")


@pytest.fixture
def cli_build(built_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from geo import settings as geo_settings

    monkeypatch.setattr(geo_settings, "BUILD_DIR", built_dir)
    return built_dir


def test_cli_export_map(
    cli_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gers.html"
    code = main(
        [
            "export-map",
            "--out",
            str(out),
            "--departement",
            "32",
            "--layers",
            "zonage,qpv",
            "departements",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Carte écrite" in printed and "zonage, qpv, departements" in printed
    page = out.read_text(encoding="utf-8")
    assert "Gers (32)" in page
    assert '"id":"zonage"' in page and '"id":"massifs"' not in page


def test_cli_export_map_draws_the_catalogue_rules(cli_build: Path, tmp_path: Path) -> None:
    """``export-map`` reads the priority departments and the ZRR/FRR dates from the catalogue
    (today's rules) and hands them to the map."""
    out = tmp_path / "gers.html"
    layers = "zrr,frr,departements_prioritaires"
    assert main(["export-map", "--out", str(out), "--departement", "32", "--layers", layers]) == 0
    call = out.read_text(encoding="utf-8").rsplit("zonageWebMap(", 1)[-1]
    data, _ = json.JSONDecoder().raw_decode(call, call.index("{"))
    zrr, frr, prio = data["layers"]
    assert zrr["title"] == "ZRR (jusqu'au 30 juin 2024)"
    assert frr["title"] == "FRR (depuis le 1er juillet 2024)"
    assert set(prio["values"]) == {"P"} and "Gers (32)" in prio["classes"]["P"]["label"]
    assert "page #13" in prio["source"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--departement", "75"], "département inconnu en Occitanie : « 75 »"),
        (["--layers", "zonage", "routes"], "couche inconnue : « routes »"),
        (["--layers", ","], "aucune couche indiquée après --layers"),
    ],
)
def test_cli_export_map_bad_input(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["export-map", "--out", str(tmp_path / "x.html"), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Choisissez parmi" in err
    assert err.count("\n") == 1  # one line, no traceback
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("value", ["2025-13-01", "demain", "30/10/2025"])
def test_cli_export_map_bad_date(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.html"
    code = main(["export-map", "--out", str(out), "--date", value])
    err = capsys.readouterr().err
    assert code == 2
    assert f"Date illisible « {value} »" in err and "AAAA-MM-JJ" in err
    assert err.count("\n") == 1 and not out.exists()
