"""The process's one geocoder and its memory that the address service is down.

After a failure, searches go straight to the offline answer (no request) until it expires."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from geo import settings
from geo.geocode import COMMUNE_LEVEL_NOTE, BanGeocoder, default_geocoder, place_from_text
from geo.tests.fixtures.ban_server import Reply
from zonage.errors import InvalidInput, ServiceUnavailable


def fast_ban(url: str, **kwargs) -> BanGeocoder:
    """A BAN geocoder with short waits."""
    return BanGeocoder(url, **{"timeout": 2.0, "backoff": 0.0, **kwargs})


@pytest.fixture(scope="module")
def lookup(built_dir):
    from geo.lookup import get_lookup

    return get_lookup(built_dir)


def test_second_search_after_a_failure_asks_nothing(fake_ban):
    fake_ban.always = Reply(status=503)
    ban = fast_ban(fake_ban.url, retries=1, down_s=60)
    with pytest.raises(ServiceUnavailable) as first:
        ban.search("Foix")
    assert len(fake_ban.requests) == 2
    start = time.perf_counter()
    with pytest.raises(ServiceUnavailable) as second:
        ban.search("Pamiers")
    assert time.perf_counter() - start < 0.1
    assert str(second.value) == str(first.value)  # the same message, hence the same note
    assert len(fake_ban.requests) == 2  # the service was not asked again


def test_the_memory_expires_and_a_success_clears_it(fake_ban):
    fake_ban.replies = [Reply(status=500)]
    ban = fast_ban(fake_ban.url, retries=0, down_s=0.3)
    for _ in range(2):
        with pytest.raises(ServiceUnavailable, match="HTTP 500"):
            ban.search("Foix")
    assert len(fake_ban.requests) == 1
    time.sleep(0.4)
    assert ban.search("Foix")[0].citycode == "09122"  # asked again, and it answered
    assert ban.search("Pamiers") == []
    assert len(fake_ban.requests) == 3


def test_cached_answers_are_given_while_the_service_is_down(fake_ban):
    ban = fast_ban(fake_ban.url, retries=0)
    ban.search("Foix")
    fake_ban.always = Reply(reset=True)
    with pytest.raises(ServiceUnavailable):
        ban.search("Pamiers")
    assert ban.search("Foix")[0].citycode == "09122"
    assert len(fake_ban.requests) == 2


def test_a_refused_query_is_no_failure_of_the_service(fake_ban):
    fake_ban.script = [400]
    ban = fast_ban(fake_ban.url)
    with pytest.raises(InvalidInput):
        ban.search("Foix")
    assert ban.search("Foix")[0].citycode == "09122"


@pytest.fixture
def ban_settings(monkeypatch, tmp_path):
    """Point the settings at a given address service, with a memory of ``down_s`` seconds."""

    def use(url: str, down_s: float = 60.0) -> None:
        monkeypatch.setattr(settings, "BAN_URL", url)
        monkeypatch.setattr(settings, "BAN_RETRIES", 2)
        monkeypatch.setattr(settings, "BAN_DOWN_S", down_s)
        monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")

    return use


def test_default_geocoder_is_one_per_process(ban_settings, fake_ban, tmp_path):
    ban_settings(fake_ban.url)
    with ThreadPoolExecutor(4) as pool:
        built = set(map(id, pool.map(lambda _: default_geocoder(), range(8))))
    ban = default_geocoder()
    assert built == {id(ban)}
    assert ban.base_url == fake_ban.url and ban.down_s == 60.0
    ban.search("Foix")
    assert len(list((tmp_path / "cache" / "ban").glob("*.json"))) == 1  # the disk cache


def test_offline_search_after_a_failure_answers_at_once(lookup, ban_settings, fake_ban):
    ban_settings(fake_ban.url)
    fake_ban.always = Reply(status=502)
    first = place_from_text("Saint-Girons", lookup)
    assert len(fake_ban.requests) == 3  # one try and two retries
    start = time.perf_counter()
    second = place_from_text("Saint-Girons", lookup)
    elapsed = time.perf_counter() - start
    assert len(fake_ban.requests) == 3
    assert second.notes == first.notes and "HTTP 502" in second.notes[0]
    assert second.insee == "09261" and COMMUNE_LEVEL_NOTE in second.notes
    assert elapsed < 0.5, f"{elapsed:.2f} s"


def test_default_geocoder_asks_again_once_the_memory_expired(lookup, ban_settings, fake_ban):
    ban_settings(fake_ban.url, down_s=0.2)
    fake_ban.always = Reply(status=503)
    for _ in range(2):
        place = place_from_text("Foix", lookup)
        assert any("HTTP 503" in n for n in place.notes)
    assert len(fake_ban.requests) == 3
    fake_ban.always = None  # the service is back
    time.sleep(0.3)
    place = place_from_text("Foix", lookup)
    assert len(fake_ban.requests) == 4
    assert any(n.startswith("Adresse retenue (Base Adresse Nationale)") for n in place.notes)


@pytest.mark.parametrize(("value", "expected"), [("abc", "attendu"), ("-1", "de 0 à 3600")])
def test_bad_down_setting_is_described(value, expected):
    proc = subprocess.run(
        [sys.executable, "-c", "from geo import settings; print(*settings.problems())"],
        capture_output=True,
        text=True,
        env={**os.environ, "ZONAGE_BAN_DOWN_S": value},
        cwd=settings.PROJECT_ROOT,
        timeout=60,
    )
    assert proc.stdout.startswith(f"ZONAGE_BAN_DOWN_S=« {value} » : nombre de secondes")
    assert expected in proc.stdout
