"""The catalogue file: every stable aid id is there with its source, amounts and dates as the
brochures say, and a broken file stops with a clear error naming the aid and the field."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from zonage.catalogue import (
    CATALOGUE_PATH,
    KEY_FIGURES_PATH,
    load_catalogue,
    load_key_figures,
)
from zonage.errors import DataError
from zonage.profiles import PROFILE_IDS

# The stable ids of the aids and profiles: the contract of the engine, the command line, the app
# and the tests.
DESIGN_AID_IDS = (
    "cesp", "cet", "forfait-transport", "forfait-hebergement", "cder", "contrat-adjoint",
    "coscom-msu", "caim", "aide-installation-zip", "aide-installation-zac",
    "aide-cabinet-secondaire-zip", "contrat-ars-territoires", "cde", "contrat-400mg-partage",
    "contrat-400mg-ambulatoire", "exoneration-zrr", "exoneration-frr", "coscom", "cotram", "cstm",
    "exoneration-pdsa", "esp", "msp", "cds", "cpts", "dac",
)  # fmt: skip
DESIGN_PROFILE_IDS = (
    "etudiant-2e-cycle", "etudiant-3e-cycle", "maitre-de-stage", "medecin-remplacant",
    "liberal-installation", "liberal-cabinet-secondaire", "liberal-en-exercice",
    "liberal-fin-de-carriere", "liberal-renfort", "generaliste-salarie", "structure-coordonnee",
)  # fmt: skip

SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_design_aid_is_in_the_catalogue(catalogue):
    assert set(catalogue.ids) == set(DESIGN_AID_IDS)
    assert len(catalogue.ids) == len(DESIGN_AID_IDS)


def test_profiles_are_the_design_ones():
    assert PROFILE_IDS == DESIGN_PROFILE_IDS


def test_every_profile_has_aids(catalogue):
    for profile in PROFILE_IDS:
        assert any(profile in a.profiles for a in catalogue.aids), profile


def test_every_entry_has_a_source_and_a_contact(catalogue):
    for aid in catalogue.aids:
        assert aid.sources, aid.id
        assert aid.contact, aid.id
        assert aid.funders and aid.name and aid.summary, aid.id
        for ref in aid.sources:
            doc = catalogue.documents[ref.doc]
            assert doc.file or doc.url
            assert catalogue.cite(ref)
            if ref.doc == "brochure-2023-12":
                # Pages of the December 2023 brochure run from #3 (key figures) to #28.
                assert ref.page and 3 <= int(ref.page[1:]) <= 28, (aid.id, ref.page)
        for check in aid.checks:
            assert check.source is not None, aid.id
        if aid.validity.valid_from or aid.validity.valid_until:
            assert aid.validity.source or aid.sources, aid.id


def _squash(text: str) -> str:
    """Compare texts whatever their spacing (the brochure's text copy letter-spaces some
    passages), apostrophes and markdown stars."""
    return re.sub(r"[\s*]+", "", text.replace("’", "'"))


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the brochures are not beside the project")
def test_quotes_of_the_brochures_are_literal(catalogue):
    texts = {
        doc.id: _squash((SEEDS_DIR / doc.file).read_text(encoding="utf-8"))
        for doc in catalogue.documents.values()
        if doc.file
    }
    refs = [(a.id, r) for a in catalogue.aids for r in a.sources]
    refs += [(a.id, a.validity.source) for a in catalogue.aids if a.validity.source]
    checked = 0
    for aid_id, ref in refs:
        if ref.quote and ref.doc in texts:
            for fragment in ref.quote.split("…"):
                assert _squash(fragment) in texts[ref.doc], (aid_id, fragment)
            checked += 1
    assert checked >= 10


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the brochures are not beside the project")
def test_explicit_page_markers_exist_in_the_brochure(catalogue):
    text = (SEEDS_DIR / catalogue.documents["brochure-2023-12"].file).read_text(encoding="utf-8")
    markers = set(re.findall(r"#(\d+)", text))
    # The markers the header of catalogue.yaml counts the other pages from.
    assert {"4", "5", "6", "11", "13", "14", "18", "20", "23", "24", "25", "26"} <= markers


@pytest.mark.parametrize(
    ("aid_id", "expected"),
    [
        ("cesp", [("per_month", {"value": 1200})]),
        ("forfait-transport", [("per_month", {"value": 130})]),
        ("forfait-hebergement", [("per_month", {"value": 150}), ("per_month", {"value": 300})]),
        ("cder", [("per_quarter", {"min": 8325, "max": 15000}), ("unspecified", {})]),
        ("coscom-msu", [("per_month", {"value": 300})]),
        ("caim", [("range", {"min": 31250, "max": 50000})]),
        ("aide-installation-zip", [("fixed", {"value": 10000})]),
        ("aide-installation-zac", [("fixed", {"value": 5000})]),
        ("aide-cabinet-secondaire-zip", [("fixed", {"value": 3000})]),
        ("contrat-ars-territoires", [("range", {"min": 31250, "max": 50000})]),
        ("contrat-400mg-ambulatoire",
         [("per_month", {"value": 6900}), ("per_month", {"max": 2170})]),
        ("coscom", [("per_year", {"value": 5000})]),
        ("cotram", [("percentage_with_cap", {"percent": 10, "cap": 20000})]),
        ("cstm", [("percentage_with_cap", {"percent": 25, "cap": 50000}), ("unspecified", {})]),
        ("exoneration-pdsa", [("exemption", {})]),
        ("esp", [("fixed", {"value": 30000})]),
        ("msp", [("fixed", {"value": 50000}), ("unspecified", {}), ("unspecified", {})]),
        ("cds", [("fixed", {"value": 50000}), ("unspecified", {}), ("unspecified", {})]),
        ("cpts", [("fixed", {"value": 50000}), ("unspecified", {}),
                  ("per_year", {"min": 220000, "max": 450000})]),
        ("dac", [("none", {})]),
    ],
)  # fmt: skip
def test_amounts_as_the_brochures_say(catalogue, aid_id, expected):
    parts = catalogue.get(aid_id).amounts
    assert [p.kind for p in parts] == [k for k, _ in expected]
    for part, (_kind, values) in zip(parts, expected, strict=True):
        for key, value in values.items():
            assert getattr(part, key) == value, (aid_id, key)
        assert part.text


def test_amount_texts_quote_the_figures(catalogue):
    assert "1 085 € net" in catalogue.get("cesp").amounts[0].text
    assert "29 à 53 jours" in catalogue.get("cder").amounts[0].text
    assert "165 actes" in catalogue.get("contrat-400mg-ambulatoire").amounts[0].text
    assert "60 jours par an" in catalogue.get("exoneration-pdsa").amounts[0].text
    assert "frais de déplacement" in catalogue.get("cstm").amounts[1].text


@pytest.mark.parametrize(
    ("aid_id", "valid_from", "valid_until"),
    [
        ("cde", dt.date(2021, 11, 1), dt.date(2023, 12, 31)),
        ("cder", dt.date(2021, 11, 1), None),
        ("exoneration-zrr", None, dt.date(2024, 6, 30)),
        ("exoneration-frr", dt.date(2024, 7, 1), None),
        ("caim", None, dt.date(2025, 12, 31)),
        ("aide-installation-zip", dt.date(2026, 1, 1), None),
        ("aide-installation-zac", dt.date(2026, 1, 1), None),
        ("aide-cabinet-secondaire-zip", dt.date(2026, 1, 1), None),
        ("cet", dt.date(2023, 9, 1), dt.date(2026, 12, 31)),
    ],
)
def test_dated_changes(catalogue, aid_id, valid_from, valid_until):
    v = catalogue.get(aid_id).validity
    assert (v.valid_from, v.valid_until) == (valid_from, valid_until)


def test_decree_2025_231_condition_on_2026_aids(catalogue):
    for aid_id in ("aide-installation-zip", "aide-installation-zac", "aide-cabinet-secondaire-zip"):
        assert any(
            "2025-231" in c.text and "10" in c.text for c in catalogue.get(aid_id).conditions
        )


def test_exclusions_are_mutual(catalogue):
    for aid in catalogue.aids:
        for e in aid.not_combinable_with:
            other = catalogue.get(e.id)
            back = [x for x in other.not_combinable_with if x.id == aid.id]
            assert back, f"{e.id} does not exclude {aid.id}"
            assert back[0].zones == e.zones


def test_declared_exclusions_of_the_brochure(catalogue):
    def excluded(aid_id):
        return {e.id for e in catalogue.get(aid_id).not_combinable_with}

    assert {"coscom", "cotram", "cstm"} <= excluded("caim")
    assert {"caim", "cotram", "cstm"} == excluded("coscom")
    assert {"caim", "coscom", "cstm"} == excluded("cotram")
    assert {"caim", "coscom", "cotram"} == excluded("cstm")
    ars = catalogue.get("contrat-ars-territoires").not_combinable_with
    assert [(e.id, e.zones) for e in ars] == [("caim", ("ZIP",))]


def test_key_figures(catalogue):
    groups = {g.id: g for g in load_key_figures(catalogue=catalogue)}
    jan = groups["chiffres-cles-2024"]
    assert jan.date == dt.date(2024, 1, 1)
    assert (jan.source.doc, jan.source.page) == ("brochure-2023-12", "#3")
    values = {f.id: f.value for f in jan.figures}
    assert values == {
        "cesp": 627, "ipa": 172, "caim": 193, "debut-exercice": 266,
        "contrat-ars-territoires": 158, "contrat-400mg": 64, "contrats-exercice-medecins": 307,
        "contrats-exercice-autres": 233, "esp": 38, "msp": 329, "cds": 255, "cpts": 82, "dac": 13,
    }  # fmt: skip
    assert "274 COSCOM" in next(
        f.detail for f in jan.figures if f.id == "contrats-exercice-medecins"
    )
    leaflet = groups["data-depliant-2023"]
    assert leaflet.source.doc == "depliant-2023" and leaflet.date_text == "2023"
    assert {f.id: f.value for f in leaflet.figures}["medecins-liberaux"] == 11642


# ----------------------------------------------------------------------------- broken files


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def _aid(data: dict, aid_id: str) -> dict:
    return next(a for a in data["aids"] if a["id"] == aid_id)


def _set_until(d):
    _aid(d, "caim")["validity"]["valid_until"] = "2025-13-01"


def _bad_profile(d):
    _aid(d, "coscom")["profiles"] = ["liberal-en-exercice", "interne"]


def _no_source(d):
    _aid(d, "cesp")["sources"] = []


def _range_without_max(d):
    del _aid(d, "caim")["amounts"][0]["max"]


def _unknown_exclusion(d):
    _aid(d, "cotram")["not_combinable_with"] = ["caim", "cosom"]


def _typo_key(d):
    v = _aid(d, "cde")["validity"]
    v["valid_untill"] = v.pop("valid_until")


def _duplicate_id(d):
    d["aids"].append(copy.deepcopy(_aid(d, "esp")))


def _bad_zone(d):
    _aid(d, "coscom")["where"] = [{"zones": ["ZIPP"]}]


def _unknown_contact(d):
    _aid(d, "exoneration-pdsa")["contact"] = ["ars", "impots"]


def _unknown_doc(d):
    _aid(d, "msp")["sources"][0]["doc"] = "brochure-2099"


def _missing_closed_reason(d):
    del _aid(d, "exoneration-zrr")["validity"]["closed_reason"]


def _reversed_dates(d):
    _aid(d, "cet")["validity"]["valid_from"] = dt.date(2027, 1, 1)


def _amount_kind(d):
    _aid(d, "coscom")["amounts"][0]["kind"] = "per_decade"


def _two_tests_in_one(d):
    _aid(d, "caim")["where"] = [{"zones": ["ZIP"], "zrr": ["classee"]}]


@pytest.mark.parametrize(
    ("breaker", "aid_id", "fieldname"),
    [
        (_set_until, "caim", "validity.valid_until"),
        (_bad_profile, "coscom", "profiles"),
        (_no_source, "cesp", "sources"),
        (_range_without_max, "caim", "amounts[0].max"),
        (_unknown_exclusion, "cotram", "not_combinable_with"),
        (_typo_key, "cde", "validity.valid_untill"),
        (_duplicate_id, "esp", "id"),
        (_bad_zone, "coscom", "where[0].zones"),
        (_unknown_contact, "exoneration-pdsa", "contact"),
        (_unknown_doc, "msp", "sources[0].doc"),
        (_missing_closed_reason, "exoneration-zrr", "validity.closed_reason"),
        (_reversed_dates, "cet", "validity.valid_from"),
        (_amount_kind, "coscom", "amounts[0].kind"),
        (_two_tests_in_one, "caim", "where[0]"),
    ],
)
def test_broken_catalogue_names_aid_and_field(tmp_path, raw, breaker, aid_id, fieldname):
    data = copy.deepcopy(raw)
    breaker(data)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_catalogue(path)
    message = str(exc.value)
    assert f"aide « {aid_id} »" in message and f"champ « {fieldname} »" in message, message
    assert "catalogue.yaml" in message and "\n" not in message
    assert exc.value.exit_code == 4


def test_intact_copy_loads(tmp_path, raw):
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_catalogue(path).ids == load_catalogue().ids


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("documents: {}\naids:\n  - id: caim\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_catalogue(path)
    assert "ligne" in str(exc.value) and "catalogue.yaml" in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as exc:
        load_catalogue(tmp_path / "absent.yaml")
    assert "introuvable" in str(exc.value)


def test_missing_required_contact(tmp_path, raw):
    data = copy.deepcopy(raw)
    del data["contacts"]["ddfip"]
    for aid in data["aids"]:
        aid["contact"] = [c for c in aid["contact"] if c != "ddfip"] or ["ars"]
        for test in aid.get("where") or []:
            if "otherwise" in test:
                test["otherwise"]["ask"] = ["ars"]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_catalogue(path)
    assert "ddfip" in str(exc.value)


def test_broken_key_figures(tmp_path, catalogue):
    data = yaml.safe_load(KEY_FIGURES_PATH.read_text(encoding="utf-8"))
    data["groups"][0]["figures"][2]["aids"] = ["caim-bis"]
    path = tmp_path / "key_figures.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_key_figures(path, catalogue)
    assert "caim-bis" in str(exc.value) and "figures[2].aids" in str(exc.value)
