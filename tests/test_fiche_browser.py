"""The printable fiche in a real Chromium: printed on A4 it takes at most two pages (Saint-Girons
for a first installation, a busy ZIP commune for a coordinated structure, the heaviest answer
met), asks the network for nothing, runs nothing; planted markup stays text. The screenshot and
the PDF of each are kept in ``test-artifacts/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from application.cli import main
from geo import settings
from tests.conftest import ARTIFACTS, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

MAX_PAGES = 2
CASES = [
    ("09261", "liberal-installation"),  # Saint-Girons: ZAC with a QPV, Ariège, massif
    ("30132", "structure-coordonnee"),  # La Grand-Combe: ZIP, every collective aid
    ("09122", "liberal-installation"),  # Foix: the longest answer of the catalogue
]
DATE = "2026-11-29"


class Page:
    """A Chromium page that records console errors and dialogs and blocks every request that
    is not the file itself."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 900, "height": 1200}, locale="fr-FR")
    yield Page(context.new_page())
    context.close()


def _fiche(build: Path, out: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(settings, "BUILD_DIR", build)
    assert main(["fiche", *args, "--date", DATE, "--out", str(out)]) == 0
    return out


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF written by Chromium: its page objects, checked against the count
    its page tree declares."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    declared = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    declared += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)]
    assert declared and max(declared) == pages, (pages, declared)
    return pages


@pytest.mark.parametrize(("insee", "profile"), CASES)
def test_fiche_prints_on_two_a4_pages(
    page: Page, built_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, insee, profile
) -> None:
    out = _fiche(
        built_dir,
        tmp_path / "fiche.html",
        "--insee",
        insee,
        "--profile",
        profile,
        monkeypatch=monkeypatch,
    )
    p = page.page
    p.goto(out.as_uri())
    assert p.locator("html").get_attribute("lang") == "fr"
    assert p.locator("h1").inner_text().startswith("Aides aux médecins — ")
    assert p.locator("article.aid").count() >= 1
    assert p.locator("script, img, iframe").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / f"fiche-{insee}-{profile}.png"), full_page=True)
    pdf = p.pdf(format="A4")
    (ARTIFACTS / f"fiche-{insee}-{profile}.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    assert 1 <= pages <= MAX_PAGES, f"{pages} pages A4"
    assert page.blocked == [] and page.errors == [] and page.dialogs == []


def test_planted_markup_stays_text(
    page: Page, hostile_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commune name, a QPV name and a vintage full of HTML, Markdown and script (planted in
    a sealed copy of the build) are printed as they are: no element made of them, no script
    run, nothing fetched."""
    from tests import hostile

    lat, lon = hostile.POINT
    out = _fiche(
        hostile_build,
        tmp_path / "fiche.html",
        "--lat",
        str(lat),
        "--lon",
        str(lon),
        "--profile",
        "liberal-installation",
        monkeypatch=monkeypatch,
    )
    p = page.page
    p.goto(out.as_uri())
    text = p.locator("body").inner_text()
    for planted in (hostile.NAME, hostile.QPV_NAME, hostile.VINTAGE):
        assert planted in text
    assert p.locator("script, img, iframe").count() == 0
    assert p.locator(f"a[href*='{hostile.EVIL_HOST}']").count() == 0
    p.pdf(format="A4")  # printing fetches nothing either
    assert page.blocked == [] and page.errors == [] and page.dialogs == []
