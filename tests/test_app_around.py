"""« Autour de … » and the export view's table, driven by Streamlit's AppTest on the real layer:
the communes within the radius sorted by guaranteed euros then distance, the radius kept in
the link, the CSV files offered (their bytes read back from Streamlit's media store)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime import memory_media_file_storage
from streamlit.testing.v1 import AppTest

from application.around_view import HEADERS
from geo.around import communes_within
from tests.conftest import app_test

BOM = "\ufeff".encode()
TOULOUSE = "31555"
Store = memory_media_file_storage.MemoryMediaFileStorage


def _around_page() -> None:
    """The panel alone, as the page calls it: the place and the profile from the link."""
    import streamlit as st

    from application import around_view, service
    from application.region_link import region_state_from_query

    params = st.query_params.to_dict()
    state, _ = service.state_from_query(params)
    region, _ = region_state_from_query(params, ())
    around_view.show(state, region)


@pytest.fixture
def stores(monkeypatch: pytest.MonkeyPatch) -> list[Store]:
    """The media stores of the runs (AppTest makes one per run and drops it after)."""
    made: list[Store] = []
    real_init = Store.__init__

    def init(self: Store, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Store, "__init__", init)
    return made


def _download(at: AppTest, stores: list[Store], label: str) -> tuple[str, bytes]:
    """The label and bytes of the download button whose label starts with ``label``."""
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith(label)]
    return button.proto.label, stores[-1].get_file(os.path.basename(button.proto.url)).content


@pytest.fixture
def around(built_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return app_test(built_dir, monkeypatch, _around_page)


def test_communes_within_the_radius_by_guaranteed_euros_then_distance(
    around: AppTest, stores: list[Store], built_dir: Path
) -> None:
    around.query_params.update(
        insee=TOULOUSE, profil="medecin-remplacant", date="2026-01-15", rayon="20"
    )
    around.run()
    assert not around.exception
    assert around.slider(key="rayon").value == 20
    frame = around.dataframe[0].value
    assert list(frame.columns) == list(HEADERS.values())
    assert set(frame["Code INSEE"]) == set(communes_within(TOULOUSE, 20, build_dir=built_dir))
    euros, km = frame["€ garantis"].tolist(), frame["Distance (km)"].tolist()
    assert euros[0] > euros[-1] == 0  # some communes pay the profile for sure, others not
    keys = [(-e, d) for e, d in zip(euros, km, strict=True)]
    assert keys == sorted(keys) and max(km) <= 20
    toulouse = frame[frame["Code INSEE"] == TOULOUSE].iloc[0]
    assert toulouse["Distance (km)"] == 0 and toulouse["Département"] == "31 Haute-Garonne"

    label, data = _download(around, stores, "Télécharger ce tableau")
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(HEADERS.values())
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Code INSEE": str})
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_dtype=False)
    # The euros depend on the date: the caption says it.
    assert any("en vigueur le 15/01/2026" in str(c.value).replace("\\", "") for c in around.caption)


def test_the_radius_chosen_goes_into_the_link(around: AppTest) -> None:
    around.query_params.update(insee="09261", profil="etudiant-3e-cycle", date="2026-01-15")
    around.run()
    assert around.toggle(key="rayon_actif").value is False and not around.dataframe
    around.toggle(key="rayon_actif").set_value(True).run()
    assert around.slider(key="rayon").value == 20 and around.query_params["rayon"] in ("20", ["20"])
    before = len(around.dataframe[0].value)
    around.slider(key="rayon").set_value(35).run()
    assert not around.exception
    assert around.query_params["rayon"] in ("35", ["35"])
    frame = around.dataframe[0].value
    assert len(frame) > before and frame["Distance (km)"].max() <= 35


def test_without_a_place_or_a_precise_profile_it_says_what_to_do(around: AppTest) -> None:
    around.run()
    assert not around.exception and not around.dataframe
    assert "Choisissez un lieu" in around.info[0].value
    around.query_params.update(insee="09261", profil="tous")
    around.run()
    assert not around.dataframe and "profil précis" in around.info[0].value


# --- the export view: the table of the aids per commune ----------------------------------


def test_export_view_offers_the_table_of_the_sidebar_profile(
    app: AppTest, stores: list[Store]
) -> None:
    from application.region_table import encode, evaluate, table_records
    from zonage.engine import parse_date
    from zonage.situation import Situation

    app.query_params.update(
        vue="exporter", profil="liberal-installation", date="2026-01-15", secteur="1"
    )
    app.run()
    assert not app.exception
    label, data = _download(app, stores, "Tableau des aides par commune (CSV)")
    region, places = evaluate(
        "liberal-installation", parse_date("2026-01-15"), Situation({"secteur": "1"})
    )
    assert data == encode(table_records(region, places), "csv")  # what export-table writes
    table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert len(table) == 4446 and set(table["situation"]) == {"secteur=1"}


def test_export_view_asks_for_a_precise_profile(app: AppTest) -> None:
    app.query_params.update(vue="exporter", profil="tous")
    app.run()
    assert not app.exception
    assert not [b for b in app.get("download_button") if "Tableau" in b.proto.label]
    assert any("profil précis" in i.value for i in app.info)


def test_spreadsheet_csv_keeps_formulas_as_text() -> None:
    from application.around_view import spreadsheet_csv

    frame = pd.DataFrame({"Commune": ['=HYPERLINK("x")', "-1+2", "Foix"], "km": [1.5, 0.0, 2.25]})
    text = spreadsheet_csv(frame).decode("utf-8-sig")
    assert text.split("\r\n")[:4] == [
        "Commune;km",
        '"\'=HYPERLINK(""x"")";1,5',
        "'-1+2;0,0",
        "Foix;2,25",
    ]
