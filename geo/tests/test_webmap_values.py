"""The value layer of the map: the caller's classes, marks, texts and kept communes laid out in
the web layer's order, its legend and colours, the title box, the app's served files, and its
texts kept as text in the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from geo.export import render_html
from geo.webmap import build_map, payload, web_layer
from geo.webmap.builder import VALUES_FOLDER
from geo.webmap.layer import WebLayer
from geo.webmap.values import (
    NOTHING_COLOUR,
    REST_COLOUR,
    SEQUENCE,
    ValueCase,
    ValueLayer,
    colours,
    values_spec,
)

CLASSES = ("rien", "un peu", "assez", "beaucoup", "énormément")


def _web(codes: list[str]) -> WebLayer:
    """A web layer reduced to what the value layer reads: the communes' codes, in order."""
    return WebLayer(topology={}, communes=pd.DataFrame({"insee": codes}), qpv=pd.DataFrame(),
                    vintages={})  # fmt: skip


def _layer(**changes: object) -> ValueLayer:
    base = {
        "title": "Euros",
        "classes": CLASSES,
        "cases": (
            ValueCase(0, tip=("zéro",), summary=("rien ici",)),
            ValueCase(2, marked=True, tip=("deux",), summary=("assez ici", "et plus")),
            ValueCase(4),
        ),
        "case_of": {"09122": 1, "31555": 0, "46102": 2, "12202": 1},
        "mark_label": "Plus selon l'adresse",
        "keep_label": "Hors filtre",
    }
    return ValueLayer(**(base | changes))  # type: ignore[arg-type]


def test_colours_are_white_then_the_sequence() -> None:
    assert colours(5) == (NOTHING_COLOUR, *SEQUENCE)
    assert colours(2) == (NOTHING_COLOUR, SEQUENCE[-1])
    assert colours(3) == (NOTHING_COLOUR, SEQUENCE[0], SEQUENCE[-1])
    assert len(set(colours(5))) == 5 and REST_COLOUR not in colours(5)


def test_layer_refuses_what_it_cannot_draw() -> None:
    with pytest.raises(ValueError, match="classes"):
        _layer(classes=("un",))
    with pytest.raises(ValueError, match="classes"):
        _layer(classes=tuple("abcdef"))
    with pytest.raises(ValueError, match="class"):
        _layer(cases=(ValueCase(7),), case_of={})
    with pytest.raises(ValueError, match="case"):
        _layer(case_of={"09122": 3})


def test_spec_follows_the_web_layer_order() -> None:
    web = _web(["31555", "09122", "46102", "11069", "12202"])
    spec = values_spec(_layer(), web)
    assert spec["values"] == "024X2"  # 11069 was given no value
    assert spec["marked"] == "01001"
    assert spec["cases"] == [0, 1, 2, -1, 1]
    assert spec["texts"][1] == {"tip": ["deux"], "summary": ["assez ici", "et plus"]}
    # Every class of the scale is in the legend, in order, with its count; then « no value ».
    assert list(spec["classes"]) == ["0", "1", "2", "3", "4", "X"]
    assert spec["classes"]["2"]["label"] == "assez (2 communes)"
    assert spec["classes"]["1"]["label"] == "un peu (0 commune)"
    assert spec["classes"]["0"]["color"] == NOTHING_COLOUR
    assert spec["mark"] == {"label": "Plus selon l'adresse (2 communes)", "count": 2}
    assert spec["kind"] == "values" and spec["shown"]


def test_kept_communes_and_the_greyed_rest() -> None:
    web = _web(["31555", "09122", "46102", "12202"])
    spec = values_spec(_layer(keep=frozenset({"09122", "46102"})), web)
    assert spec["values"] == "-24-"
    assert spec["marked"] == "0100"  # a greyed commune is not hatched
    assert spec["classes"]["-"] == {
        "label": "Hors filtre (2 communes)", "tip": "Hors filtre", "color": REST_COLOUR,
        "count": 2,
    }  # fmt: skip
    assert spec["mark"]["count"] == 1
    nothing = values_spec(_layer(keep=frozenset()), web)
    assert nothing["values"] == "----" and nothing["classes"]["2"]["count"] == 0


def test_no_mark_label_no_mark_in_the_legend() -> None:
    assert values_spec(_layer(mark_label=""), _web(["09122"]))["mark"] is None


# --- In the page ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lozere(layers) -> WebLayer:  # noqa: ANN001
    """One department of the session's web layer (quick to render)."""
    return web_layer(layers).subset("48")


def _lozere_layer(web: WebLayer, **changes: object) -> ValueLayer:
    codes = web.communes["insee"].tolist()
    return _layer(**({"case_of": {code: i % 3 for i, code in enumerate(codes)}} | changes))


def test_payload_puts_the_values_first_in_the_title_box(lozere: WebLayer) -> None:
    layer = _lozere_layer(lozere, heading="Où m'installer", source="calcul test")
    data = payload(lozere, departement="48", values=layer)
    assert data["values"]["id"] == "valeurs" and len(data["values"]["values"]) == len(
        lozere.communes
    )
    assert data["title"]["heading"] == "Où m'installer : Lozère (48)"
    assert data["title"]["sources"][1] == ["Euros", "calcul test"]
    assert "values" not in payload(lozere, departement="48")


def test_texts_stay_text_in_the_page(lozere: WebLayer) -> None:
    evil = '<script>alert("x")</script> <img src=x onerror=alert(1)> </SCRIPT >'
    case = ValueCase(1, marked=True, tip=(evil,), summary=(evil, "**gras**"))
    layer = _lozere_layer(
        lozere, cases=(case,), case_of={c: 0 for c in lozere.communes["insee"]},
        title=evil, source=evil, heading=evil, note=evil, mark_label=evil, keep_label=evil,
    )  # fmt: skip
    page = render_html(lozere, departement="48", values=layer)
    for raw in ("<script>alert", "<img src=x", "</SCRIPT"):
        assert raw not in page
    call = page.rsplit("zonageWebMap(", 1)[-1]
    data, end = json.JSONDecoder().raw_decode(call, call.index("{"))
    assert "</script" not in call[:end].lower()
    assert data["values"]["texts"] == [{"tip": [evil], "summary": [evil, "**gras**"]}]
    assert data["values"]["note"] == evil and data["values"]["title"] == evil
    assert "&lt;script&gt;" in page.split("<title>")[1].split("</title>")[0]


def test_served_map_loads_the_values_from_a_file_of_their_own(
    lozere: WebLayer, tmp_path: Path
) -> None:
    layer = _lozere_layer(lozere)
    page = build_map(lozere, mode="served", static_dir=tmp_path, values=layer).get_root().render()
    loaders = re.findall(r'<script src="\.\./\.\./app/static/([a-z]+/[0-9a-f]+\.js)"', page)
    assert [path.split("/")[0] for path in loaders[:2]] == ["data", VALUES_FOLDER]
    loader = (tmp_path / loaders[1]).read_text(encoding="utf-8")
    (url,) = re.findall(
        rf'fetch\("\.\./\.\./app/static/({VALUES_FOLDER}/[0-9a-f]+\.json)"\)', loader
    )
    assert json.loads((tmp_path / url).read_text(encoding="utf-8")) == values_spec(layer, lozere)
    assert f'window.zonageData["../../app/static/{url}"]' in page
    assert len(page) < 5_000
    # A rerun with the same values writes nothing; other values, one more data file.
    build_map(lozere, mode="served", static_dir=tmp_path, values=layer)
    assert len(list((tmp_path / VALUES_FOLDER).glob("*.json"))) == 1
    other = _lozere_layer(lozere, keep=frozenset())
    build_map(lozere, mode="served", static_dir=tmp_path, values=other)
    assert len(list((tmp_path / VALUES_FOLDER).glob("*.json"))) == 2
    assert len(list((tmp_path / "data").glob("*.json"))) == 1  # the map's own data is shared
