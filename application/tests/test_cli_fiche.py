"""``zonage fiche``: the printable page on the layer built from the real mirror (its content,
escaping, links, the answers of « Ma situation »), the profile it needs, and the ``--out``
paths it refuses with nothing written. Its two A4 pages are measured in Chromium by
``tests/test_fiche_browser.py``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from application.cli import main
from application.render.fiche import fiche_html
from geo import settings
from geo.lookup import get_lookup
from zonage.engine import aids_at
from zonage.situation import parse_situation
from zonage.text import NARROW_NBSP

SAINT_GIRONS = ("--insee", "09261", "--profile", "liberal-installation", "--date", "2026-11-29")
#: A seed brochure's file name (``001_0750eaca64f720c4.txt``): never shown to a reader.
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}")
LINK_SCHEMES = ("https://", "http://", "mailto:", "tel:")


class _Tags(HTMLParser):
    """The tags of a page, their attributes, and its visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    return tags


@pytest.fixture
def cli(built_dir, tmp_path, monkeypatch, capsys):
    """Run ``zonage fiche`` in-process on the session build; returns (code, stdout, stderr)."""
    monkeypatch.setattr(settings, "BUILD_DIR", built_dir)
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["fiche", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_saint_girons_fiche(cli, tmp_path):
    out = tmp_path / "fiche.html"
    code, stdout, err = cli(*SAINT_GIRONS, "--out", str(out))
    assert code == 0, err
    assert stdout.startswith(f"Fiche écrite : {out} (") and "Saint-Girons" in stdout
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "@page{size:A4" in page
    text = " ".join("".join(_parse(page).text).replace(NARROW_NBSP, " ").split())
    assert "5 000 €" in text  # the primo-installation aid in ZAC
    assert "Ce que vous pouvez percevoir ici" in text and "Questions qui décident" in text
    assert "Aide à la primo-installation en ZAC" in text
    assert "Ne s'applique pas ici" in text and "Contrat de début d'exercice (CDE)" in text
    assert "Données : " in text and "réponse au 29/11/2026" in text
    assert "page #13" in text  # a brochure source by its title and page
    assert not SEED_FILE.search(page)
    hrefs = [a["href"] or "" for tag, a in _parse(page).tags if tag == "a"]
    assert "https://www.occitanie.paps.sante.fr/index.php/linstallation-45" in hrefs
    assert hrefs and all(h.startswith(LINK_SCHEMES) for h in hrefs)
    # On paper, a link's address is printed once, the first time.
    assert page.count("&lt;https://www.occitanie.paps.sante.fr/index.php/linstallation-45&gt;") == 1


def test_page_is_the_app_function_and_holds_no_script(cli, tmp_path):
    out = tmp_path / "fiche.html"
    code, _, err = cli(*SAINT_GIRONS, "--situation", "secteur=1", "--out", str(out))
    assert code == 0, err
    answer = aids_at(
        get_lookup().commune("09261"),
        "liberal-installation",
        dt.date(2026, 11, 29),
        include_all=True,
        situation=parse_situation(["secteur=1"]),
    )
    page = out.read_text(encoding="utf-8")
    assert page == fiche_html(answer)
    assert "Votre situation :</b> Secteur conventionnel : Secteur 1" in page
    for tag, attrs in _parse(page).tags:
        assert tag not in ("script", "iframe", "object", "embed", "img", "form"), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)


def test_planted_texts_are_escaped(cli):
    """A place name, a note and a vintage full of markup stay text."""
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>[lien](https://evil.example)"
    answer = aids_at(get_lookup().commune("09261"), "liberal-installation", dt.date(2026, 11, 29))
    place = dataclasses.replace(
        answer.place, nom=evil, notes=(evil,), vintages={**answer.place.vintages, "massif": evil}
    )
    page = fiche_html(dataclasses.replace(answer, place=place))
    tags = _parse(page)
    assert not any(tag in ("img", "script") for tag, _ in tags.tags)
    assert "evil.example" not in " ".join(a.get("href") or "" for _, a in tags.tags)
    assert "".join(tags.text).count(evil) >= 3  # title, notes, « Données »


def test_busy_zip_commune(cli, tmp_path):
    out = tmp_path / "fiche.html"
    args = ("--insee", "30132", "--profile", "structure-coordonnee", "--date", "2026-11-29")
    code, _, err = cli(*args, "--out", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "ZIP (zone d'intervention prioritaire)" in "".join(_parse(page).text)
    assert page.count('class="aid"') >= 5


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--insee", "09261", "--profile", "tous"), "choisissez un profil"),
        (("--insee", "09261", "--profile", "TOUS"), "choisissez un profil"),
        (("--insee", "09261"), "--profile"),
        (("--insee", "09261", "--profile", "interne"), "Profil inconnu « interne »"),
        (("--profile", "liberal-installation"), "Aucun lieu"),
        (("--insee", "09261", "--profile", "liberal-installation", "--date", "demain"), "AAAA"),
        (
            ("--insee", "09261", "--profile", "liberal-installation", "--situation", "x=1"),
            "secteur, aide_installation",
        ),
    ],
)
def test_bad_input_exit_2_and_no_file(args, needle, tmp_path, capsys):
    out = tmp_path / "fiche.html"
    code = main(["fiche", *args, "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 2 and stdout == "" and err.count("\n") == 1 and needle in err, err
    assert not out.exists()


def test_no_out_exit_2(capsys):
    code = main(["fiche", *SAINT_GIRONS])
    stdout, err = capsys.readouterr()
    assert code == 2 and stdout == "" and "--out" in err


def test_place_not_found_exit_3_and_no_file(cli, tmp_path):
    out = tmp_path / "fiche.html"
    code, stdout, err = cli(
        "--insee", "75056", "--profile", "liberal-installation", "--out", str(out)
    )
    assert code == 3 and stdout == "" and err.count("\n") == 1
    assert not out.exists()


@pytest.fixture
def paths(tmp_path) -> dict[str, str]:
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder\n", encoding="utf-8")
    file = tmp_path / "fichier.txt"
    file.write_text("à garder\n", encoding="utf-8")
    return {"tmp": str(tmp_path), "folder": str(folder), "file": str(file)}


@pytest.mark.parametrize(
    ("out", "needle"),
    [
        ("{folder}", "est un dossier"),
        ("{tmp}/absent/fiche.html", "introuvable"),
        ("/dev/full", "n'est pas un fichier ordinaire"),
        ("/proc/fiche.html", "impossible d'écrire"),
        ("{file}/fiche.html", "n'est pas un dossier"),
        ("{tmp}/fiche.txt", "doit finir par .html"),
        ("{file}", "doit finir par .html"),
        ("{tmp}/" + "f" * 300 + ".html", "nom trop long"),
        ("", "est un dossier"),
    ],
)
def test_bad_out_exit_2_nothing_written(cli, paths, out, needle):
    code, stdout, err = cli(*SAINT_GIRONS, "--out", out.format(**paths))
    assert code == 2 and stdout == "" and err.count("\n") == 1, err
    assert needle in err, err
    folder = Path(paths["folder"])
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert Path(paths["file"]).read_text(encoding="utf-8") == "à garder\n"
    assert sorted(p.name for p in Path(paths["tmp"]).iterdir()) == ["dossier", "fichier.txt"]
    assert Path("/dev/full").is_char_device()


def test_existing_fiche_is_replaced_whole(cli, tmp_path):
    folder = tmp_path / "sortie"
    folder.mkdir()
    out = folder / "fiche.html"
    out.write_text("ancienne fiche\n", encoding="utf-8")
    code, _, err = cli(*SAINT_GIRONS, "--out", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in folder.iterdir()] == ["fiche.html"]  # no temporary file left
