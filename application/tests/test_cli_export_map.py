"""``zonage export-map --profile``: the map coloured by the euros guaranteed to a profile (the
layer of « Où m'installer »), and the options' bad input (one line, exit 2, no file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from application import region_layer
from application.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--situation", "secteur=1"], "--situation colore la carte pour un profil"),
        (["--profile", "tous"], "choisissez un profil, pas « tous »"),
        (["--profile", "chirurgien"], "Profil inconnu"),
        (["--profile", "liberal-installation", "--situation", "secteur=9"], "secteur"),
    ],
)
def test_bad_profile_options(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.html"
    code = main(["export-map", "--out", str(out), *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err
    assert err.count("\n") == 1 and not out.exists()


def _data(page: str) -> dict:
    call = page.rsplit("zonageWebMap(", 1)[-1]
    return json.JSONDecoder().raw_decode(call, call.index("{"))[0]


def test_profile_colours_the_map(
    built_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from geo import settings

    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    out = tmp_path / "ariege.html"
    argv = ["export-map", "--out", str(out), "--departement", "09", "--date", "2026-03-02"]
    answers = ["--situation", "secteur=1", "--situation", "aide_installation=aucune"]
    assert main([*argv, "--profile", "liberal-installation", *answers]) == 0
    assert "en euros pour le profil liberal-installation" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    data = _data(page)
    values = data["values"]
    assert values["title"] == region_layer.TITLE
    assert len(values["values"]) == len(data["communes"]["insee"])
    assert sum(c["count"] for c in values["classes"].values()) == len(values["values"])
    assert values["classes"]["2"]["count"] > 0  # 5 000 € once secteur 1 is said
    assert (
        "Secteur conventionnel : Secteur 1" in values["source"] and "02/03/2026" in values["source"]
    )
    assert data["title"]["heading"].startswith("Où m'installer : les aides pour « Médecin")
    assert data["title"]["heading"].endswith("au 02/03/2026 : Ariège (09)")
    assert "<title>Où m&#x27;installer : les aides pour" in page  # escaped once
    # Without --profile, the map as before.
    assert main(argv) == 0
    assert "values" not in _data(out.read_text(encoding="utf-8"))
