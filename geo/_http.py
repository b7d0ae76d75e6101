"""Private HTTP helper: GET JSON with a short timeout and retries with backoff.

Retries on HTTP 429 and 5xx and on connection errors (not on timeouts), waiting
``backoff * 2**attempt`` seconds (or the server's ``Retry-After``, capped). Anything that
still fails becomes :class:`~zonage.errors.ServiceUnavailable` with a French message;
a 4xx answer other than 429 becomes :class:`HttpClientError` for the caller to translate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from zonage.errors import ServiceUnavailable

log = logging.getLogger(__name__)

USER_AGENT = "carte-aides-medecins-occitanie/0.1"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 5.0


class HttpClientError(Exception):
    """The service refused the request itself (HTTP 4xx other than 429)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


def _retry_after(response: requests.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return default


def _error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, Mapping):
        return str(body.get("message") or body.get("detail") or body)[:200]
    return str(body)[:200]


def get_json(
    url: str,
    params: Mapping[str, Any],
    *,
    service: str,
    timeout: float,
    retries: int,
    backoff: float,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """GET ``url`` with ``params`` and return the decoded JSON body.

    ``service`` is the French name used in error messages (e.g. "Le service d'adresses (BAN)").
    """
    http = session or requests.Session()
    last_problem = "aucune réponse"
    for attempt in range(retries + 1):
        wait = backoff * (2**attempt)
        try:
            response = http.get(
                url, params=dict(params), timeout=timeout, headers={"User-Agent": USER_AGENT}
            )
        except requests.Timeout:
            # A slow service stays slow: waiting again would only delay the offline fallback.
            last_problem = f"pas de réponse en {timeout:g} s"
            attempts = attempt + 1
            break
        except requests.RequestException as exc:
            last_problem = f"connexion impossible ({type(exc).__name__})"
        else:
            if response.status_code == 200:
                try:
                    return response.json()
                except ValueError:
                    raise ServiceUnavailable(
                        f"{service} a renvoyé une réponse illisible.",
                        hint="Réessayez plus tard.",
                    ) from None
            if response.status_code in RETRY_STATUSES:
                last_problem = f"erreur HTTP {response.status_code}"
                if response.status_code == 429:
                    wait = _retry_after(response, wait)
            else:
                raise HttpClientError(response.status_code, _error_message(response))
        if attempt < retries:
            log.info("%s: %s, new attempt in %.2f s", url, last_problem, wait)
            sleep(wait)
    else:
        attempts = retries + 1
    raise ServiceUnavailable(
        f"{service} est injoignable : {last_problem}"
        f" ({attempts} essai{'s' if attempts > 1 else ''}).",
        hint="Réessayez plus tard.",
    )
