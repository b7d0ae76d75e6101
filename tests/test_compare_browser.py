"""« Comparer » in a real Chromium, opened from a shared link (``streamlit run serve.py``,
offline): the three places side by side, a line that differs marked « ≠ » and in bold, « Retirer »
changing the link, no serious accessibility violation (axe-core); a screenshot is kept in
``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, needs_chromium
from tests.test_a11y_browser import _assert_no_blocking, _settled
from tests.test_app_browser import WARM, OfflinePage, _streamlit

pytestmark = [pytest.mark.browser, needs_chromium]

LINK = "/?vue=comparer&comparer=09261,31555,46102&profil=liberal-installation&date=2026-01-15"
PLACES = ("Saint-Girons (09261)", "Toulouse (31555)", "Figeac (46102)")


@pytest.fixture(scope="module")
def server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("compare") / "server.log"
    with _streamlit("serve.py", built_dir, log, ready=WARM) as url:
        yield url


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    yield OfflinePage(context.new_page(), server)
    context.close()


def test_a_shared_link_compares_three_places_side_by_side(page: OfflinePage, server: str) -> None:
    page.page.goto(server + LINK)
    heads = [page.page.get_by_role("heading", name=name) for name in PLACES]
    for head in heads:
        head.wait_for(timeout=60_000)
    _settled(page.page)
    boxes = [head.bounding_box() for head in heads]
    # One row, left to right: the headings overlap vertically.
    assert max(b["y"] for b in boxes) < min(b["y"] + b["height"] for b in boxes), boxes
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    # The massif differs (Pyrénées, none, Massif central): marked and in bold in each column.
    massif = page.page.locator("p", has_text="≠ Massif")
    massif.nth(2).wait_for(timeout=30_000)  # the lines come in as the run goes on
    assert massif.count() == 3
    assert massif.first.locator("strong").inner_text() == "Pyrénées"
    euros = page.page.locator("p", has_text="€ garantis")
    euros.nth(2).wait_for(timeout=30_000)
    assert euros.count() == 3
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "app-comparer.png"), full_page=True)
    _assert_no_blocking(page.page, "vue « Comparer »")

    page.page.get_by_role("button", name="Retirer").nth(1).click()  # Toulouse
    page.page.get_by_role("heading", name=PLACES[1]).wait_for(state="detached", timeout=30_000)
    page.page.wait_for_function("location.search.includes('comparer=09261%2C46102')")
    assert page.page.get_by_role("heading", name=PLACES[0]).is_visible()
    assert page.errors == [] and page.blocked == []
