"""Private HTTP helper: GET JSON within a total deadline, with retries and backoff.

- ``deadline`` bounds the whole call, retries and waits included. Every read from the socket
  waits at most ``timeout`` seconds and never past the deadline (sessions made by
  :func:`new_session`), so a service that answers byte by byte, headers or body, is
  abandoned at the deadline; the body is also streamed with the clock checked between chunks.
- The body is read up to ``max_bytes``; a longer one is refused (an address answer is a few
  kilobytes).
- A 200 answer must say it is JSON (``application/json`` or ``…+json``) and be valid JSON: an
  HTML page with status 200 (a captive portal, a proxy's error page) is not the service.
- Retries on HTTP 429 and 5xx and on connection errors (not on timeouts), waiting
  ``backoff * 2**attempt`` seconds (or the server's ``Retry-After``, capped), unless the wait
  would outlast the deadline.

Anything that still fails becomes :class:`~zonage.errors.ServiceUnavailable` with a French
message; a 4xx answer other than 429 becomes :class:`HttpClientError` for the caller to translate.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

from zonage.errors import ServiceUnavailable
from zonage.text import quoted

log = logging.getLogger(__name__)

USER_AGENT = "carte-aides-medecins-occitanie/0.1"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 5.0
#: Largest body read when no other limit is given, in bytes.
MAX_BODY_BYTES = 1_000_000
#: Largest error body read to find the service's explanation of a refusal, in bytes.
_MAX_ERROR_BYTES = 64_000
_CHUNK_BYTES = 16_384

# What a failing request can raise besides requests' own errors (a malformed header, a
# connection cut while reading): all of them mean the service did not answer properly.
_NETWORK_ERRORS = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    http.client.HTTPException,
    OSError,
)


class HttpClientError(Exception):
    """The service refused the request itself (HTTP 4xx other than 429).

    ``message`` is the service's own explanation (the ``message`` or ``detail`` of a JSON
    error body), or None when the body gives none.
    """

    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


# --- reads bounded by the deadline -----------------------------------------------------------

# (deadline on the monotonic clock, longest single read) of the call running in this context.
_READ_LIMITS: ContextVar[tuple[float, float] | None] = ContextVar("_READ_LIMITS", default=None)


def _cap_read_timeout(sock: socket.socket) -> None:
    limits = _READ_LIMITS.get()
    if limits is None:
        return
    end, per_read = limits
    left = end - time.monotonic()
    if left <= 0:
        raise TimeoutError("total deadline reached")
    sock.settimeout(min(per_read, left))


class _BoundedSocket(socket.socket):
    """A socket whose reads wait no longer than the time left to the call (``_READ_LIMITS``)."""

    __slots__ = ()

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        _cap_read_timeout(self)
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        _cap_read_timeout(self)
        return super().recv(bufsize, flags)


class _BoundedSSLSocket(ssl.SSLSocket):
    """The same for a TLS socket (its timeout applies to each encrypted read)."""

    def recv_into(self, buffer: Any, nbytes: int | None = None, flags: int = 0) -> int:
        _cap_read_timeout(self)
        return super().recv_into(buffer, nbytes, flags)

    def recv(self, buflen: int = 1024, flags: int = 0) -> bytes:
        _cap_read_timeout(self)
        return super().recv(buflen, flags)


def _bound(sock: object) -> None:
    # The socket is made by urllib3 (and wrapped by ssl): giving it the subclass's reads is the
    # one place where a read can be cut at the deadline while headers or body trickle in.
    # Both subclasses add no state, so the change of class is safe.
    if type(sock) is socket.socket:
        sock.__class__ = _BoundedSocket
    elif type(sock) is ssl.SSLSocket:
        sock.__class__ = _BoundedSSLSocket


class _HTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _bound(self.sock)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _bound(self.sock)


class _BoundedAdapter(HTTPAdapter):
    """requests' adapter, whose connections read within the deadline of :func:`get_json`."""

    def get_connection_with_tls_context(
        self, *args: Any, **kwargs: Any
    ) -> urllib3.HTTPConnectionPool:
        pool = super().get_connection_with_tls_context(*args, **kwargs)
        # requests' stubs say ConnectionPool; its pool manager only makes HTTP(S)ConnectionPools.
        assert isinstance(pool, urllib3.HTTPConnectionPool)
        pool.ConnectionCls = _HTTPSConnection if pool.scheme == "https" else _HTTPConnection
        return pool


def new_session() -> requests.Session:
    """A session for :func:`get_json` (keeps connections open between calls)."""
    session = requests.Session()
    adapter = _BoundedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --- responses -------------------------------------------------------------------------------


def _retry_after(response: requests.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return default
    if math.isnan(seconds):
        return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _read_body(response: requests.Response, end: float, limit: int, service: str) -> bytes:
    """The body, streamed: at most ``limit`` bytes, abandoned at ``end`` (monotonic clock)."""
    shown = f"{limit / 1e6:g} Mo" if limit >= 1_000_000 else f"{limit / 1e3:g} ko"
    too_big = ServiceUnavailable(
        f"{service} a renvoyé une réponse trop volumineuse (plus de {shown.replace('.', ',')}).",
        hint="Réessayez plus tard.",
    )
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise too_big
        if time.monotonic() >= end:
            raise requests.Timeout("total deadline reached")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(response: requests.Response, end: float, limit: int, service: str) -> Any:
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise ServiceUnavailable(
            f"{service} a renvoyé autre chose que des données JSON (type {quoted(media)}).",
            hint="Réessayez plus tard.",
        )
    body = _read_body(response, end, limit, service)
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, bad encoding, or nested beyond reason
        raise ServiceUnavailable(
            f"{service} a renvoyé une réponse illisible.", hint="Réessayez plus tard."
        ) from None


def _error_message(response: requests.Response, end: float, service: str) -> str | None:
    """The explanation of a JSON error body (``message`` or ``detail``), else None."""
    try:
        body = json.loads(_read_body(response, end, _MAX_ERROR_BYTES, service))
    except (ServiceUnavailable, ValueError, RecursionError, *_NETWORK_ERRORS):
        return None
    if isinstance(body, Mapping):
        for key in ("message", "detail"):
            if isinstance(body.get(key), str) and body[key].strip():
                return body[key].strip()[:200]
    return None


def _is_timeout(exc: BaseException) -> bool:
    # A timeout while streaming the body reaches us as requests.ConnectionError(ReadTimeoutError).
    return isinstance(exc, requests.Timeout | TimeoutError) or any(
        isinstance(arg, urllib3.exceptions.TimeoutError) for arg in exc.args
    )


def get_json(
    url: str,
    params: Mapping[str, Any],
    *,
    service: str,
    timeout: float,
    retries: int,
    backoff: float,
    deadline: float | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """GET ``url`` with ``params`` and return the decoded JSON body.

    ``service`` is the French name used in error messages (e.g. "Le service d'adresses (BAN)").
    ``timeout`` bounds each connection and read; ``deadline`` (seconds, None for none) the
    whole call. Use a session from :func:`new_session` (the default) for reads to be cut at
    the deadline; any other session is only checked between chunks of the body.
    """
    http = session or new_session()
    end = time.monotonic() + deadline if deadline is not None else math.inf
    last_problem = "aucune réponse"
    attempts = 0
    for attempt in range(retries + 1):
        left = end - time.monotonic()
        if left <= 0:
            last_problem = f"pas de réponse complète en {deadline:g} s"
            break
        attempts += 1
        wait = backoff * (2**attempt)
        limits = _READ_LIMITS.set((end, timeout))
        try:
            with http.get(
                url,
                params=dict(params),
                timeout=min(timeout, left),
                headers={"User-Agent": USER_AGENT},
                stream=True,
            ) as response:
                status = response.status_code
                if status == 200:
                    return _decode(response, end, max_bytes, service)
                if status in RETRY_STATUSES:
                    last_problem = f"erreur HTTP {status}"
                    if status == 429:
                        wait = _retry_after(response, wait)
                elif 400 <= status < 500:
                    raise HttpClientError(status, _error_message(response, end, service))
                else:
                    raise ServiceUnavailable(
                        f"{service} a donné une réponse inattendue (HTTP {status}).",
                        hint="Réessayez plus tard.",
                    )
        except _NETWORK_ERRORS as exc:
            if time.monotonic() >= end:
                last_problem = f"pas de réponse complète en {deadline:g} s"
                break
            if _is_timeout(exc):
                # A slow service stays slow: waiting again would only delay the offline answer.
                last_problem = f"pas de réponse en {timeout:g} s"
                break
            cut = isinstance(exc, requests.exceptions.ChunkedEncodingError)
            lead = "réponse interrompue" if cut else "connexion impossible"
            last_problem = f"{lead} ({type(exc).__name__})"
        finally:
            _READ_LIMITS.reset(limits)
        if attempt < retries:
            if wait >= end - time.monotonic():
                break  # the deadline would pass while waiting
            log.info("%s: %s, new attempt in %.2f s", url, last_problem, wait)
            sleep(wait)
    raise ServiceUnavailable(
        f"{service} est injoignable : {last_problem}"
        f" ({attempts} essai{'s' if attempts > 1 else ''}).",
        hint="Réessayez plus tard.",
    )
