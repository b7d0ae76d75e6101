"""Download the current DataSanté commune table from data.gouv.fr.

The dataset page of the data.gouv.fr API (``settings.DATASANTE_DATASET_URL``) lists its
``resources``, each with ``title``, ``url``, ``format``, ``last_modified``, ``checksum``
(``{type, value}``) and ``filesize``. The commune table is the CSV resource whose URL or title
matches ``zonages[-_]com`` (the QPV and grands-quartiers tables do not). It is downloaded into a
folder as ``datasante_zonages_communes_<date of the resource>.csv``, with a JSON sidecar of the
same name recording where and when it came from and its sha256. Nothing is written unless the
whole file arrived, its declared size and checksum agree and its header is the commune table's.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

from geo import atomic, settings
from geo._http import USER_AGENT, HttpClientError, get_json
from geo.loaders.datasante import COLUMNS
from geo.manifest import Progress
from zonage.errors import DataError, ServiceUnavailable
from zonage.text import quoted

COMMUNE_TABLE = re.compile(r"zonages[-_]com", re.IGNORECASE)
SERVICE = "L'API de data.gouv.fr"
#: data.gouv.fr checksum types (``sha2`` is its name for sha256) -> hashlib names.
CHECKSUM_TYPES: dict[str, str] = {
    "sha1": "sha1",
    "sha2": "sha256",
    "sha256": "sha256",
    "md5": "md5",
}
#: Refuse a download larger than this (the national table is about 10 MB).
MAX_BYTES = 200 * 1024 * 1024
FILE_STEM = "datasante_zonages_communes"
_CHUNK = 1 << 16
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_HINT = (
    "Réessayez plus tard, ou téléchargez la table des communes du jeu de données "
    "« Zonages des professionnels de santé libéraux » sur data.gouv.fr."
)
_HINT_CHANGED = (
    "Le jeu de données a peut-être changé : téléchargez sa table des communes depuis "
    "data.gouv.fr et vérifiez ses colonnes."
)


@dataclass(frozen=True)
class Resource:
    """One resource of a data.gouv.fr dataset, as its API describes it."""

    title: str
    url: str
    format: str
    last_modified: str
    checksum_type: str | None
    checksum: str | None
    filesize: int | None

    @classmethod
    def from_api(cls, item: Any) -> Resource | None:
        """The resource of one ``resources`` item; None when it has no usable URL."""
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            return None
        checksum = item.get("checksum")
        if not isinstance(checksum, dict):
            checksum = {}
        size = item.get("filesize")
        return cls(
            title=str(item.get("title") or ""),
            url=item["url"],
            format=str(item.get("format") or "").lower(),
            last_modified=str(item.get("last_modified") or ""),
            checksum_type=(str(checksum["type"]).lower() if checksum.get("type") else None),
            checksum=(str(checksum["value"]).lower() if checksum.get("value") else None),
            filesize=size if isinstance(size, int) and size >= 0 else None,
        )

    @property
    def date(self) -> str | None:
        """``YYYY-MM-DD`` of ``last_modified`` (None when absent)."""
        m = _ISO_DATE.match(self.last_modified)
        return m[0] if m else None


@dataclass(frozen=True)
class FetchedTable:
    """A downloaded commune table and its sidecar."""

    path: Path
    sidecar: Path
    resource: Resource
    sha256: str
    size: int
    downloaded_at: str


def list_resources(
    dataset_url: str | None = None,
    *,
    session: requests.Session | None = None,
    retries: int = 2,
    backoff: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Resource]:
    """The resources of the dataset, from the data.gouv.fr API."""
    url = dataset_url or settings.DATASANTE_DATASET_URL
    try:
        body = get_json(
            url,
            {},
            service=SERVICE,
            timeout=settings.DOWNLOAD_TIMEOUT_S,
            retries=retries,
            backoff=backoff,
            session=session,
            sleep=sleep,
        )
    except HttpClientError as exc:
        raise DataError(
            f"jeu de données DataSanté introuvable sur data.gouv.fr (HTTP {exc.status}) : "
            f"{quoted(url)}.",
            hint="Vérifiez l'adresse (ZONAGE_DATASANTE_URL).",
        ) from None
    items = body.get("resources") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise DataError(
            f"réponse inattendue de data.gouv.fr pour {quoted(url)} : pas de liste « resources ».",
            hint=_HINT_CHANGED,
        )
    return [r for r in (Resource.from_api(item) for item in items) if r is not None]


def pick_commune_table(resources: list[Resource]) -> Resource:
    """The commune table among the resources: a CSV whose URL or title matches
    ``zonages[-_]com``, the most recently modified when there are several."""
    found = [
        r
        for r in resources
        if (COMMUNE_TABLE.search(r.url) or COMMUNE_TABLE.search(r.title))
        and (r.format == "csv" or r.url.lower().split("?", 1)[0].endswith(".csv"))
    ]
    if not found:
        titles = ", ".join(quoted(r.title) for r in resources[:5]) or "aucune"
        raise DataError(
            "table des communes introuvable dans le jeu de données DataSanté "
            f"(ressources : {titles}).",
            hint=_HINT_CHANGED,
        )
    return max(found, key=lambda r: r.last_modified)


def _download(resource: Resource, session: requests.Session | None) -> bytes:
    http = session or requests.Session()
    try:
        with http.get(
            resource.url,
            stream=True,
            timeout=settings.DOWNLOAD_TIMEOUT_S,
            headers={"User-Agent": USER_AGENT},
        ) as response:
            if response.status_code != 200:
                if 400 <= response.status_code < 500:
                    raise DataError(
                        f"table DataSanté non téléchargeable (HTTP {response.status_code}) : "
                        f"{quoted(resource.url)}.",
                        hint=_HINT,
                    )
                raise ServiceUnavailable(
                    f"{SERVICE} est injoignable : erreur HTTP {response.status_code} pour "
                    f"{quoted(resource.url)}.",
                    hint="Réessayez plus tard.",
                )
            data = bytearray()
            for chunk in response.iter_content(_CHUNK):
                data += chunk
                if len(data) > MAX_BYTES:
                    raise DataError(
                        f"table DataSanté trop grande (plus de {MAX_BYTES // 2**20} Mo) : "
                        f"{quoted(resource.url)}.",
                        hint=_HINT,
                    )
            return bytes(data)
    except requests.RequestException as exc:
        raise ServiceUnavailable(
            f"{SERVICE} est injoignable : téléchargement interrompu ({type(exc).__name__}) "
            f"pour {quoted(resource.url)}.",
            hint="Réessayez plus tard.",
        ) from None


def check_download(resource: Resource, data: bytes) -> None:
    """Raise unless ``data`` has the declared size and checksum and the commune table's header."""
    where = quoted(resource.url)
    if resource.filesize is not None and len(data) != resource.filesize:
        raise DataError(
            f"table DataSanté incomplète : {len(data)} octets reçus au lieu de "
            f"{resource.filesize} ({where}).",
            hint=_HINT,
        )
    algorithm = CHECKSUM_TYPES.get(resource.checksum_type or "")
    if algorithm and resource.checksum:
        got = hashlib.new(algorithm, data).hexdigest()
        if got != resource.checksum:
            raise DataError(
                f"table DataSanté corrompue : {resource.checksum_type} {got[:12]}… au lieu de "
                f"{resource.checksum[:12]}… ({where}).",
                hint=_HINT,
            )
    try:
        first = data[:65536].decode("utf-8-sig").splitlines()[0]
        header = next(csv.reader(io.StringIO(first)))
    except (UnicodeDecodeError, IndexError, StopIteration, csv.Error):
        header = []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataError(
            f"le fichier téléchargé n'est pas la table des communes DataSanté ({where}) : "
            f"colonne(s) manquante(s) {', '.join(missing)}.",
            hint=_HINT_CHANGED,
        )


def fetch_commune_table(
    folder: Path,
    dataset_url: str | None = None,
    *,
    session: requests.Session | None = None,
    progress: Progress | None = None,
    retries: int = 2,
    backoff: float = 0.5,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> FetchedTable:
    """Resolve the commune table through the dataset API, download it into ``folder`` and
    write its sidecar (``.json`` beside it). Returns what was written."""
    say = progress or (lambda _line: None)
    api = dataset_url or settings.DATASANTE_DATASET_URL
    resource = pick_commune_table(
        list_resources(api, session=session, retries=retries, backoff=backoff)
    )
    say(f"table des communes DataSanté : {quoted(resource.title)} du {resource.date or '?'}")
    data = _download(resource, session)
    check_download(resource, data)
    stamp = now()
    name = f"{FILE_STEM}_{resource.date or stamp.date().isoformat()}"
    path = Path(folder) / f"{name}.csv"
    sidecar = Path(folder) / f"{name}.json"
    sha256 = hashlib.sha256(data).hexdigest()
    downloaded_at = stamp.replace(microsecond=0).isoformat()
    meta = {
        "jeu_de_donnees": api,
        "ressource": asdict(resource),
        "fichier": path.name,
        "taille": len(data),
        "sha256": sha256,
        "telecharge_le": downloaded_at,
    }
    try:
        atomic.write_bytes(path, data)
        try:
            atomic.write_text(sidecar, json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        except BaseException:
            # A table without its sidecar would have no known origin: leave neither.
            path.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise DataError(
            f"écriture impossible dans le dossier {quoted(str(folder))} ({exc.strerror}).",
            hint="Choisissez un dossier où vous pouvez écrire.",
        ) from None
    say(f"écrit : {quoted(path.name)} ({len(data)} octets, sha256 {sha256[:12]}…)")
    return FetchedTable(
        path=path,
        sidecar=sidecar,
        resource=resource,
        sha256=sha256,
        size=len(data),
        downloaded_at=downloaded_at,
    )
