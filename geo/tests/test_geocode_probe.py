"""The address service misbehaving, against the local replay server: every bad answer (wrong
structure or values, HTML, errors, resets, hangs, slow drips, huge bodies) ends in the offline
answer within the deadline, and nothing unsound is ever cached."""

from __future__ import annotations

import copy
import json
import logging
import math
import shutil
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from geo import _http
from geo.geocode import (
    BAN_SERVICE,
    COMMUNE_LEVEL_NOTE,
    UNUSABLE_LOG,
    BanGeocoder,
    parse_ban_response,
    place_from_text,
)
from geo.tests.fixtures.ban_server import Reply, load_fixture
from zonage.errors import ServiceUnavailable

FOIX = load_fixture("search_foix")
CAPITOLE = load_fixture("search_capitole")
HTML = b"<html><body><h1>Maintenance</h1><a href='https://example.org'>ici</a></body></html>"
BIG = 2_000_000  # twice the largest body read

# The table's geocoder: a total deadline of 0.7 s, shorter than one read's timeout (3 s) and
# than the backoff (0.4 s, then 0.8 s): a wait that would outlast the deadline is not made.
DEADLINE = 0.7
TABLE_OPTIONS: dict[str, Any] = {"timeout": 3.0, "retries": 2, "backoff": 0.4, "deadline": DEADLINE}
# For a single hang or drip: a short deadline is enough to show that it alone stops the call.
SHORT_DEADLINE = 0.3


def _body(doc: dict[str, Any] = FOIX, **changes: Any) -> dict[str, Any]:
    """A copy of ``doc`` whose first feature has ``changes`` (``None`` deletes the key);
    keys of its properties are written ``p_<key>``, of its geometry ``g_<key>``."""
    body = copy.deepcopy(doc)
    feature = body["features"][0]
    for key, value in changes.items():
        target, name = feature, key
        if key.startswith("p_"):
            target, name = feature["properties"], key[2:]
        elif key.startswith("g_"):
            target, name = feature["geometry"], key[2:]
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return body


def _raw(doc: dict[str, Any], old: str, new: str) -> bytes:
    text = json.dumps(doc)
    assert old in text
    return text.replace(old, new).encode()


# --- the table --------------------------------------------------------------------------------

BAD_ANSWERS = {
    # structure: the service is not working
    "features-number": Reply.json({**FOIX, "features": 5}),
    "features-missing": Reply.json({"type": "FeatureCollection"}),
    "feature-number": Reply.json({**FOIX, "features": [5]}),
    "properties-text": Reply.json(_body(properties="oops")),
    "properties-missing": Reply.json(_body(properties=None)),
    "geometry-missing": Reply.json(_body(geometry=None)),
    "geometry-polygon": Reply.json(_body(g_type="Polygon")),
    "coordinates-text": Reply.json(_body(g_coordinates="1.6,42.96")),
    "not-a-collection": Reply.json({**FOIX, "type": "Feature"}),
    "json-null": Reply(body=b"null"),
    "json-list": Reply(body=b"[1, 2]"),
    # values: the feature is dropped (it is the only one: nothing usable)
    "score-text": Reply.json(_body(p_score="high")),
    "score-out-of-range": Reply.json(_body(p_score=7)),
    "coordinates-strings": Reply.json(_body(g_coordinates=["1.607", "42.9653"])),
    "coordinates-nan": Reply.json(_body(g_coordinates=[math.nan, math.nan], p_x=None, p_y=None)),
    "coordinates-infinity": Reply.json(_body(g_coordinates=[math.inf, 42.9], p_x=None, p_y=None)),
    "coordinates-overflow": Reply(body=_raw(_body(p_x=None, p_y=None), "1.607", "1e999")),
    "coordinates-out-of-range": Reply.json(_body(g_coordinates=[200.0, 95.0], p_x=None, p_y=None)),
    "coordinates-one": Reply.json(_body(g_coordinates=[1.6])),
    "coordinates-booleans": Reply.json(_body(g_coordinates=[True, False], p_x=None, p_y=None)),
    "xy-text": Reply.json(_body(p_x="586249.79", p_y="6208328.66")),
    "xy-nan": Reply.json(_body(p_x=math.nan)),
    "label-missing": Reply.json(_body(p_label=None, p_name=None)),
    "label-multiline": Reply.json(_body(p_label="Foix\n<script>alert(1)</script>")),
    "label-huge": Reply.json(_body(p_label="Foix " * 10_000)),
    "type-unknown": Reply.json(_body(p_type="planet")),
    "citycode-malformed": Reply.json(_body(p_citycode="<b>09122</b>")),
    # bodies that are not the service's JSON
    "not-json": Reply(body=b"{not json"),
    "empty-body": Reply(body=b""),
    "html-200": Reply(body=HTML, content_type="text/html; charset=utf-8"),
    "json-as-html": Reply.json(FOIX, content_type="text/html"),
    "no-content-type-html": Reply(body=HTML, content_type=None),
    "bad-utf8": Reply(body=b'{"type": "Feature\xff\xfeCollection"}'),
    "deep-nesting": Reply(body=b"[" * 200_000),
    "huge-declared": Reply.json(_body(p_pad="x" * BIG)),
    "huge-undeclared": Reply.json(_body(p_pad="x" * BIG), content_length=False),
    "truncated": Reply.json(FOIX, headers={"Content-Length": "100000"}),
    # HTTP errors, with the HTML page a proxy or a maintenance page sends
    "http-500-html": Reply(status=500, body=HTML, content_type="text/html"),
    "http-503-html": Reply(status=503, body=HTML, content_type="text/html"),
    "http-429-html": Reply(
        status=429, body=HTML, content_type="text/html", headers={"Retry-After": "nan"}
    ),
    "http-404-html": Reply(status=404, body=HTML, content_type="text/html"),
    "http-400-html": Reply(status=400, body=HTML, content_type="text/html"),
    "http-204": Reply(status=204, content_type=None),
    "redirect-loop": Reply(status=302, headers={"Location": "/search/?q=Foix"}),
    # the connection itself
    "reset": Reply(reset=True),
    "hang": Reply(hang=True),
    "drip-headers": Reply.json(FOIX, drip_s=0.1, drip_headers=True),
}


@pytest.fixture(scope="module")
def lookup(built_dir):
    from geo.lookup import get_lookup

    return get_lookup(built_dir)


@pytest.mark.probe
@pytest.mark.parametrize("case", list(BAD_ANSWERS), ids=list(BAD_ANSWERS))
def test_bad_answer_gives_the_offline_answer_within_the_deadline(case, lookup, caplog, fake_ban):
    caplog.set_level(logging.INFO, logger="geo.geocode")
    fake_ban.always = BAD_ANSWERS[case]
    start = time.perf_counter()
    place = place_from_text("Foix", lookup, BanGeocoder(fake_ban.url, **TABLE_OPTIONS))
    elapsed = time.perf_counter() - start
    assert place.insee == "09122" and place.precision == "commune"
    assert COMMUNE_LEVEL_NOTE in place.notes
    assert any(n.startswith(BAN_SERVICE) for n in place.notes), place.notes
    assert all("\n" not in n and "<" not in n for n in place.notes)
    assert elapsed <= DEADLINE + 1.0, f"{elapsed:.2f} s"
    assert fake_ban.requests  # the service was asked
    # handled as a known failure, not by the last-resort guard
    assert UNUSABLE_LOG not in caplog.messages


# --- the deadline -----------------------------------------------------------------------------


@pytest.mark.probe
def test_slow_drip_is_abandoned_at_the_deadline(lookup, fake_ban):
    """One byte every 0.3 s, each within the 3 s read timeout: only the deadline stops it."""
    deadline = 1.0
    fake_ban.always = Reply.json(FOIX, drip_s=0.3)
    ban = BanGeocoder(fake_ban.url, timeout=3.0, retries=2, backoff=0.5, deadline=deadline)
    start = time.perf_counter()
    place = place_from_text("Foix", lookup, ban)
    elapsed = time.perf_counter() - start
    assert place.precision == "commune" and COMMUNE_LEVEL_NOTE in place.notes
    assert any(f"pas de réponse complète en {deadline:g} s" in n for n in place.notes)
    assert elapsed <= deadline + 1.0, f"{elapsed:.2f} s"
    assert len(fake_ban.requests) == 1  # a slow service is not asked again


@pytest.mark.probe
def test_hang_is_abandoned_at_the_deadline_before_the_read_timeout(fake_ban):
    fake_ban.always = Reply(hang=True)
    ban = BanGeocoder(fake_ban.url, timeout=3.0, retries=0, deadline=SHORT_DEADLINE)
    start = time.perf_counter()
    with pytest.raises(ServiceUnavailable, match=r"complète en 0\.3 s"):
        ban.search("Foix")
    elapsed = time.perf_counter() - start
    assert elapsed <= SHORT_DEADLINE + 1.0, f"{elapsed:.2f} s"


@pytest.fixture(scope="module")
def tls_context(tmp_path_factory) -> tuple[ssl.SSLContext, Path]:
    """A server context with a certificate for 127.0.0.1 made by openssl, and that certificate."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context, cert


@pytest.mark.probe
def test_tls_answer_dripped_from_its_headers_is_cut_at_the_deadline(tls_context, serve_ban):
    context, cert = tls_context
    session = _http.new_session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the test's own authority
    session.verify = str(cert)
    fake = serve_ban(tls=context)
    (result,) = BanGeocoder(fake.url, session=session).search("Foix")
    assert result.citycode == "09122"
    fake.always = Reply.json(FOIX, drip_s=0.1, drip_headers=True)
    ban = BanGeocoder(fake.url, timeout=3.0, retries=0, deadline=SHORT_DEADLINE, session=session)
    start = time.perf_counter()
    with pytest.raises(ServiceUnavailable, match=r"complète en 0\.3 s"):
        ban.search("Foix")
    elapsed = time.perf_counter() - start
    assert elapsed <= SHORT_DEADLINE + 1.0, f"{elapsed:.2f} s"


def test_default_deadline_is_five_seconds():
    assert BanGeocoder("http://127.0.0.1:9").deadline == 5.0


def test_backoff_that_would_outlast_the_deadline_is_not_waited(fake_ban):
    waits: list[float] = []
    fake_ban.script = [500] * 5
    with pytest.raises(ServiceUnavailable, match=r"HTTP 500 \(1 essai\)"):
        _http.get_json(
            f"{fake_ban.url}/search/",
            {"q": "Foix"},
            service="Le service",
            timeout=2,
            retries=3,
            backoff=1.0,
            deadline=0.5,
            sleep=waits.append,
        )
    assert waits == [] and len(fake_ban.requests) == 1


def test_declared_huge_body_is_refused_unread(fake_ban):
    fake_ban.always = Reply.json(_body(p_pad="x" * BIG))
    with pytest.raises(ServiceUnavailable, match="trop volumineuse"):
        _http.get_json(
            f"{fake_ban.url}/search/", {"q": "Foix"}, service="Le service", timeout=2, retries=0,
            backoff=0, max_bytes=10_000,
        )  # fmt: skip


# --- structure against values -----------------------------------------------------------------


def test_feature_with_wrong_values_is_dropped_and_the_others_kept():
    body = copy.deepcopy(CAPITOLE)
    body["features"][0]["geometry"]["coordinates"] = [math.nan, 43.6]
    (kept,) = parse_ban_response(body)
    assert kept.kind == "street"


@pytest.mark.parametrize(
    "change",
    [
        {"properties": "oops"},
        {"geometry": None},
        {"type": "Topology"},
    ],
)
def test_feature_of_wrong_structure_fails_the_whole_answer(change):
    body = copy.deepcopy(CAPITOLE)
    body["features"][0].update(change)
    with pytest.raises(ServiceUnavailable, match="inattendue"):
        parse_ban_response(body)


# --- the cache --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [math.nan, math.inf], ids=["nan", "infinity"])
def test_non_finite_coordinates_are_never_cached(tmp_path, value, fake_ban):
    body = _body(g_coordinates=[value, 42.96], p_x=None, p_y=None)
    fake_ban.always = Reply.json(body)
    ban = BanGeocoder(fake_ban.url, retries=0, down_s=0, cache_dir=tmp_path)  # no memory of it
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            ban.search("Foix")
    assert len(fake_ban.requests) == 2  # asked again: nothing was kept in memory
    assert list(tmp_path.iterdir()) == []  # nor on disk


def test_only_sound_results_reach_the_disk(tmp_path, fake_ban):
    body = copy.deepcopy(CAPITOLE)
    body["features"][0]["geometry"]["coordinates"] = [math.nan, 43.6]
    fake_ban.always = Reply.json(body)
    first = BanGeocoder(fake_ban.url, cache_dir=tmp_path).search(body["query"])
    again = BanGeocoder(fake_ban.url, cache_dir=tmp_path).search(body["query"])
    assert [r.kind for r in first] == [r.kind for r in again] == ["street"]
    assert len(fake_ban.requests) == 1
    (entry,) = tmp_path.glob("*.json")
    assert "NaN" not in entry.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content",
    [
        "{damaged",
        "5",
        '{"type": "FeatureCollection", "features": "oops"}',
        json.dumps(_body(g_coordinates=[math.nan, math.nan])),
        "[" * 100_000,
    ],
    ids=["not-json", "number", "bad-structure", "nan", "deep-nesting"],
)
def test_damaged_cache_entry_is_ignored(tmp_path, content, fake_ban):
    BanGeocoder(fake_ban.url, cache_dir=tmp_path).search("Foix")
    (entry,) = tmp_path.glob("*.json")
    entry.write_text(content, encoding="utf-8")
    (result,) = BanGeocoder(fake_ban.url, cache_dir=tmp_path).search("Foix")
    assert result.citycode == "09122"
    assert len(fake_ban.requests) == 2  # the damaged entry was ignored, the service asked again
    assert json.loads(entry.read_text(encoding="utf-8"))["features"]  # and replaced
