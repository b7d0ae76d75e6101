"""COG tables, commune history and the old-code -> current-code mapping, on small files."""

from __future__ import annotations

import json

import pytest
from sample_sources import HISTORY_HEADER, HISTORY_ROWS, write_json, write_sample, write_text

from geo.loaders.cog import CodeMapper, load_cog, load_history
from zonage.errors import DataError


@pytest.fixture
def sample(tmp_path):
    return write_sample(tmp_path)


@pytest.fixture
def history(sample):
    return load_history(sample["cog_history"])


@pytest.fixture
def cog(sample, history):
    return load_cog(
        sample["cog2026_communes"], sample["cog2026_epci"], sample["cog2026_departements"], history
    )


def test_history_follows_chains_of_mergers(history) -> None:
    assert history.resolve("09006", "2015-01-01") == "09002"  # 2016 into 09003, 2019 into 09002
    assert history.resolve("09003", "2018-01-02") == "09002"
    assert history.resolve("09003", "2020-01-01") == "09003"  # no change after 2020
    assert history.resolve("09001", "2015-01-01") == "09001"


def test_history_follows_a_code_taken_back_after_a_merger(history) -> None:
    # 09008 merged into 09007 in 2016; the commune took the code 09008 in 2024
    assert history.resolve("09008", "2015-01-02") == "09008"
    assert history.resolve("09007", "2018-01-02") == "09008"
    assert history.resolve("09007", "2025-01-01") == "09007"


def test_history_names_and_last_names(history) -> None:
    names = {(code, name) for code, name, _date, _before in history.names()}
    assert ("09005", "Ancien-Nom") in names and ("09005", "Nouveau-Nom") in names
    assert history.name_before_merge("09003") == "Vieux-Bourg"
    assert history.name_before_merge("09999") is None


def test_history_rejects_missing_column_and_bad_code(tmp_path) -> None:
    bad = write_text(tmp_path / "h.csv", "MOD,DATE_EFF\n10,2020-01-01\n")
    with pytest.raises(DataError, match="colonne"):
        load_history(bad)
    rows = [HISTORY_ROWS[0].replace("09006", "9X06")]
    bad = write_text(tmp_path / "h2.csv", "\n".join([HISTORY_HEADER, *rows]))
    with pytest.raises(DataError, match="9X06"):
        load_history(bad)
    rows = [HISTORY_ROWS[0].replace("2016-01-01", "01/01/2016")]
    bad = write_text(tmp_path / "h3.csv", "\n".join([HISTORY_HEADER, *rows]))
    with pytest.raises(DataError, match="date invalide"):
        load_history(bad)


def test_cog_current_communes_with_aliases_and_epci(cog) -> None:
    c = cog.communes.set_index("insee")
    assert list(c.index) == ["09001", "09002", "09004", "09005", "09008"]
    assert c.loc["09001", "nom"] == "L'Aiguillon"
    assert c.loc["09001", "departement_nom"] == "Ariège"
    assert c.loc["09002", "epci_code"] == "200000001"
    assert c.loc["09002", "alias_codes"] == ["09003", "09006"]
    assert c.loc["09002", "alias_noms"] == ["Hameau", "Vieux-Bourg"]
    # the déléguée carrying the parent's own code and name is not an alias of itself
    assert c.loc["09008", "alias_codes"] == ["09007"]
    assert "Bourg-Neuf" not in c.loc["09008", "alias_noms"]
    assert c.loc["09002", "codes_postaux"] == ["09200"]
    assert c.loc["09002", "population"] == 6000
    assert cog.report["communes_deleguees"] == 2
    assert cog.report["sans_epci"] == []


def test_code_mapper_routes(cog, history) -> None:
    mapper = CodeMapper.from_cog(cog, history)
    assert mapper.to_current("09001", "2018-01-02") == ("09001", "identique")
    assert mapper.to_current("09003", "2018-01-02") == ("09002", "anciensCodes")
    assert mapper.to_current("09007", "2018-01-02") == ("09008", "anciensCodes")
    assert mapper.to_current("09999", "2018-01-02") == (None, "introuvable")
    # a code absent from anciensCodes is followed through the history
    former = {k: v for k, v in mapper.former.items() if k != "09006"}
    partial = CodeMapper(current=mapper.current, former=former, history=history)
    assert partial.to_current("09006", "2015-01-02") == ("09002", "historique")
    assert mapper.cross_check(["09003", "09006", "09007"], "2015-01-02") == []


def test_cog_errors(tmp_path, sample) -> None:
    rows = json.loads(sample["cog2026_communes"].read_text())
    args = (sample["cog2026_epci"], sample["cog2026_departements"])

    missing = [{k: v for k, v in r.items() if k != "nom"} for r in rows]
    with pytest.raises(DataError, match="champ"):
        load_cog(write_json(tmp_path / "a.json", missing), *args)

    bad_code = [dict(rows[0], code="9001"), *rows[1:]]
    with pytest.raises(DataError, match="9001"):
        load_cog(write_json(tmp_path / "b.json", bad_code), *args)

    orphan = [
        *rows,
        {
            "code": "09010",
            "nom": "X",
            "type": "commune-deleguee",
            "chefLieu": "09099",
            "departement": "09",
        },
    ]
    with pytest.raises(DataError, match="09099"):
        load_cog(write_json(tmp_path / "c.json", orphan), *args)

    two_epci = [
        *json.loads(sample["cog2026_epci"].read_text()),
        {"code": "200000002", "nom": "CC Bis", "membres": [{"code": "09001"}]},
    ]
    with pytest.raises(DataError, match="deux EPCI"):
        load_cog(
            sample["cog2026_communes"],
            write_json(tmp_path / "e.json", two_epci),
            sample["cog2026_departements"],
        )

    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    with pytest.raises(DataError, match="JSON illisible"):
        load_cog(tmp_path / "broken.json", *args)
