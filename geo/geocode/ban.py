"""The address API client: BAN ``/search`` over HTTP, with its cache and down memory.

- :class:`BanGeocoder` asks the national address API (Base Adresse Nationale) within a total
  deadline (retries on 429/5xx with backoff included) and reads the answer strictly
  (:mod:`geo.geocode.ban_answer`). Sound answers are kept in a cache (memory, optionally disk).
- After a failure (unreachable, deadline, bad shape, 5xx…) the geocoder remembers for
  ``down_s`` seconds that the service is down: searches meanwhile fail at once with the same
  message, so the offline answer comes without waiting for retries. A success forgets it.
- :func:`default_geocoder` is the process's one geocoder (its cache, open connections and
  memory serve every search).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from geo import atomic, settings
from geo._http import HttpClientError, get_json, new_session
from geo.geocode.ban_answer import BAN_SERVICE, body_of, parse_ban_response, read_body
from geo.geocode.contract import GeocodeResult, tidy
from zonage.errors import InvalidInput, ServiceUnavailable, ZonageError
from zonage.text import quoted

log = logging.getLogger(__name__)

#: Logged (level INFO, with the traceback) when an answer fails in an unforeseen way.
UNUSABLE_LOG = "BAN answer could not be used"


def check_query(text: str) -> str:
    """The address text as BAN accepts it (3 to 200 characters, starting with a letter or
    digit), or :class:`InvalidInput` saying what to change."""
    q = tidy(text)
    if not q:
        raise InvalidInput(
            "Adresse vide : indiquez une adresse, ex. « 1 place du Capitole, Toulouse »."
        )
    q = q.lstrip("-,;.:'\"()[]/#")
    if len(q) < 3:
        raise InvalidInput(
            f"Adresse {quoted(text.strip())} trop courte : au moins 3 caractères"
            " (lettres ou chiffres)."
        )
    if len(q) > 200:
        raise InvalidInput(
            "Adresse trop longue : 200 caractères au plus ; gardez numéro, voie et commune."
        )
    return q


class _Cache:
    """Small LRU cache of sound results in memory, optionally backed by one JSON file per key
    on disk. Only results that passed :func:`parse_ban_response` are kept; an entry read back
    from disk is checked again, and one that is damaged or no longer sound is ignored."""

    def __init__(self, size: int, directory: Path | None, ttl_s: float) -> None:
        self._memory: OrderedDict[str, tuple[GeocodeResult, ...]] = OrderedDict()
        self._lock = threading.Lock()  # the app searches from several threads
        self._size = size
        self._dir = directory
        self._ttl = ttl_s

    @staticmethod
    def key(url: str, params: Mapping[str, Any]) -> str:
        raw = json.dumps([url, sorted(params.items())], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()

    def get(self, key: str) -> list[GeocodeResult] | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return list(self._memory[key])
        if self._dir is None:
            return None
        path = self._dir / f"{key}.json"
        try:
            if time.time() - path.stat().st_mtime > self._ttl:
                return None
            results, dropped = read_body(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError, ServiceUnavailable) as exc:
            log.info("BAN cache entry %s ignored: %s", path.name, exc)
            return None
        if dropped:
            log.info("BAN cache entry %s ignored: %d unsound results", path.name, dropped)
            return None
        self._remember(key, results)
        return results

    def put(self, key: str, results: list[GeocodeResult]) -> None:
        self._remember(key, results)
        if self._dir is None:
            return
        try:
            text = json.dumps(body_of(results), ensure_ascii=False, allow_nan=False)
            atomic.write_text(self._dir / f"{key}.json", text)
        except (OSError, ValueError) as exc:  # a cache not written is no error for the user
            log.info("BAN cache not written: %s", exc)

    def _remember(self, key: str, results: list[GeocodeResult]) -> None:
        with self._lock:
            self._memory[key] = tuple(results)
            self._memory.move_to_end(key)
            while len(self._memory) > self._size:
                self._memory.popitem(last=False)

    def __len__(self) -> int:
        return len(self._memory)


class BanGeocoder:
    """The Base Adresse Nationale ``/search`` endpoint (api-adresse.data.gouv.fr).

    Settings default to :mod:`geo.settings` (``BAN_URL``, ``BAN_TIMEOUT_S``, ``BAN_RETRIES``,
    ``BAN_BACKOFF_S``, ``BAN_DEADLINE_S``, ``BAN_MAX_BYTES``, ``BAN_DOWN_S``) read when the
    geocoder is created. ``cache_dir`` keeps sound answers on disk for ``cache_ttl_s`` seconds;
    the memory cache always runs. A failed or unusable answer is never cached; it makes the
    geocoder consider the service down for ``down_s`` seconds (0: never).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        deadline: float | None = None,
        max_bytes: int | None = None,
        down_s: float | None = None,
        cache_size: int = 256,
        cache_dir: Path | None = None,
        cache_ttl_s: float = 7 * 24 * 3600,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = (base_url or settings.BAN_URL).rstrip("/")
        self.timeout = settings.BAN_TIMEOUT_S if timeout is None else timeout
        self.retries = settings.BAN_RETRIES if retries is None else retries
        self.backoff = settings.BAN_BACKOFF_S if backoff is None else backoff
        self.deadline = settings.BAN_DEADLINE_S if deadline is None else deadline
        self.max_bytes = settings.BAN_MAX_BYTES if max_bytes is None else max_bytes
        self.down_s = settings.BAN_DOWN_S if down_s is None else down_s
        self.cache = _Cache(cache_size, cache_dir, cache_ttl_s)
        self._session = session or new_session()
        # (monotonic time until which the service counts as down, the failure that said so)
        self._down: tuple[float, ServiceUnavailable] | None = None

    def search(
        self,
        text: str,
        *,
        limit: int = 5,
        citycode: str | None = None,
        postcode: str | None = None,
    ) -> list[GeocodeResult]:
        """Ranked addresses for ``text``, answered within the deadline (or from the cache).

        Raises :class:`ServiceUnavailable` when BAN cannot answer soundly in time, or failed
        less than ``down_s`` seconds ago (with that failure's message), and
        :class:`InvalidInput` when it refuses the query itself.
        """
        params: dict[str, Any] = {"q": check_query(text), "limit": int(limit)}
        if citycode:
            params["citycode"] = citycode
        if postcode:
            params["postcode"] = postcode
        url = f"{self.base_url}/search/"
        key = self.cache.key(url, params)
        results = self.cache.get(key)
        if results is None:
            results = self._ask_unless_down(url, params)
            self.cache.put(key, results)
        return results

    def _ask_unless_down(self, url: str, params: Mapping[str, Any]) -> list[GeocodeResult]:
        down = self._down
        if down is not None and time.monotonic() < down[0]:
            failure = down[1]
            raise ServiceUnavailable(failure.message, hint=failure.hint)
        try:
            results = self._ask(url, params)
        except ServiceUnavailable as exc:
            if self.down_s > 0:
                log.info("%s: counted as down for %g s", self.base_url, self.down_s)
                self._down = (time.monotonic() + self.down_s, exc)
            raise
        self._down = None
        return results

    def _ask(self, url: str, params: Mapping[str, Any]) -> list[GeocodeResult]:
        try:
            body = get_json(
                url,
                params,
                service=BAN_SERVICE,
                timeout=self.timeout,
                retries=self.retries,
                backoff=self.backoff,
                deadline=self.deadline,
                max_bytes=self.max_bytes,
                session=self._session,
            )
            return parse_ban_response(body)
        except HttpClientError as exc:
            if exc.status == 400 and exc.message:
                raise InvalidInput(
                    f"Adresse refusée par la Base Adresse Nationale : {quoted(exc.message)}.",
                    hint="Reformulez : numéro, voie, code postal et commune.",
                ) from None
            raise ServiceUnavailable(
                f"{BAN_SERVICE} a refusé la requête (HTTP {exc.status}).",
                hint="Vérifiez l'adresse du service (ZONAGE_BAN_URL).",
            ) from None
        except ZonageError:
            raise
        except Exception:  # an outside service must never break the page or the command
            log.info(UNUSABLE_LOG, exc_info=True)
            raise ServiceUnavailable(
                f"{BAN_SERVICE} a renvoyé une réponse inutilisable.", hint="Réessayez plus tard."
            ) from None


_default_lock = threading.Lock()
_default: tuple[tuple[object, ...], BanGeocoder] | None = None


def _settings_key() -> tuple[object, ...]:
    return (
        settings.BAN_URL,
        settings.BAN_TIMEOUT_S,
        settings.BAN_RETRIES,
        settings.BAN_BACKOFF_S,
        settings.BAN_DEADLINE_S,
        settings.BAN_MAX_BYTES,
        settings.BAN_DOWN_S,
        settings.CACHE_DIR,
    )


def default_geocoder() -> BanGeocoder:
    """The process's BAN geocoder, built from :mod:`geo.settings` on first use, with its disk
    cache under ``CACHE_DIR / "ban"``; every search of the command line and the app uses it.

    Thread-safe. It is built again only if those settings change (tests set them per test).
    """
    global _default
    key = _settings_key()
    with _default_lock:
        if _default is None or _default[0] != key:
            _default = (key, BanGeocoder(cache_dir=settings.CACHE_DIR / "ban"))
        return _default[1]
