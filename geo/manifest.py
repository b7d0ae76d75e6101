"""The source manifest (``data/manifest.toml``): what each source file is, where it comes from,
its checksum, licence and vintage; and the checksum verification of a folder of sources."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from geo import settings
from zonage.errors import DataError

Progress = Callable[[str], None]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NPM = re.compile(r"^npm:(?P<package>@?[^@]+)@(?P<version>[^@/]+)$")
_FILE_KEYS = {
    "path",
    "role",
    "dataset",
    "origin",
    "sha256",
    "member",
    "subset",
    "derive",
    "derive_from",
    "derive_labels",
}


@dataclass(frozen=True)
class Dataset:
    """One published dataset (several files may belong to it)."""

    key: str
    title: str
    licence: str
    vintage: str
    landing_page: str
    note: str = ""


@dataclass(frozen=True)
class SourceFile:
    """One source file under its local name (path relative to the mirror root)."""

    path: str
    role: str
    dataset: Dataset
    origin: str
    sha256: str
    member: str | None = None
    subset: dict[str, Any] | None = None
    derive: str | None = None
    derive_from: tuple[str, ...] = ()
    derive_labels: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.dataset.title

    @property
    def licence(self) -> str:
        return self.dataset.licence

    @property
    def vintage(self) -> str:
        return self.dataset.vintage

    @property
    def landing_page(self) -> str:
        return self.dataset.landing_page

    @property
    def npm(self) -> tuple[str, str] | None:
        """``(package, version)`` when the origin is an npm package, else ``None``."""
        m = _NPM.match(self.origin)
        return (m["package"], m["version"]) if m else None

    def origin_text(self) -> str:
        """The origin as a reader would cite it (French)."""
        text = self.origin
        if self.npm:
            package, version = self.npm
            text = f"paquet npm {package}@{version}, fichier {self.member}"
        if self.subset:
            text += " (lignes d'Occitanie seulement)"
        if self.derive:
            text += " (fichier dérivé : codes d'Occitanie ré-écrits en CSV)"
        return text

    def as_dict(self) -> dict[str, str]:
        """The public description of the file (for metadata and the « À propos » page)."""
        return {
            "name": self.path,
            "dataset": self.dataset.key,
            "title": self.title,
            "origin": self.origin_text(),
            "licence": self.licence,
            "vintage": self.vintage,
            "landing_page": self.landing_page,
            "note": self.dataset.note,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest."""

    path: Path
    datasets: dict[str, Dataset]
    files: tuple[SourceFile, ...]
    layers: dict[str, dict[str, Any]]
    expect: dict[str, Any]

    def by_role(self, role: str) -> list[SourceFile]:
        """Every file with that role, in manifest order."""
        found = [f for f in self.files if f.role == role]
        if not found:
            raise DataError(
                f"manifeste des sources : aucun fichier pour le rôle « {role} ».",
                hint=f"Complétez {self.path.name}.",
            )
        return found

    def one(self, role: str) -> SourceFile:
        """The single file with that role."""
        found = self.by_role(role)
        if len(found) != 1:
            raise DataError(
                f"manifeste des sources : {len(found)} fichiers pour le rôle « {role} » "
                "au lieu d'un.",
                hint=f"Corrigez {self.path.name}.",
            )
        return found[0]

    def file(self, path: str) -> SourceFile:
        """The file with that local name."""
        for f in self.files:
            if f.path == path:
                return f
        raise DataError(f"manifeste des sources : fichier inconnu {path}.")

    def vintages(self) -> dict[str, str]:
        """Layer name -> French text naming its source and vintage."""
        return {name: str(layer["vintage"]) for name, layer in self.layers.items()}


def _invalid(path: Path, what: str) -> DataError:
    return DataError(f"manifeste des sources invalide ({path.name}) : {what}.", hint="Corrigez-le.")


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and validate the manifest (default: ``settings.MANIFEST_PATH``)."""
    path = Path(path or settings.MANIFEST_PATH)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"manifeste des sources absent : {path}.", hint="Restaurez data/manifest.toml."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _invalid(path, str(exc)) from None

    datasets: dict[str, Dataset] = {}
    for key, d in raw.get("datasets", {}).items():
        try:
            datasets[key] = Dataset(
                key=key,
                title=d["title"],
                licence=d["licence"],
                vintage=d["vintage"],
                landing_page=d["landing_page"],
                note=d.get("note", ""),
            )
        except KeyError as exc:
            raise _invalid(path, f"jeu de données « {key} » sans champ {exc}.") from None

    files: list[SourceFile] = []
    seen: set[str] = set()
    for i, f in enumerate(raw.get("files", []), start=1):
        missing = {"path", "role", "dataset", "origin", "sha256"} - f.keys()
        if missing:
            raise _invalid(path, f"fichier n°{i} sans champ {', '.join(sorted(missing))}.")
        unknown = f.keys() - _FILE_KEYS
        if unknown:
            raise _invalid(
                path, f"fichier {f['path']} : champ inconnu {', '.join(sorted(unknown))}."
            )
        rel = PurePosixPath(f["path"])
        if rel.is_absolute() or ".." in rel.parts:
            raise _invalid(path, f"chemin non relatif {f['path']}.")
        if f["path"] in seen:
            raise _invalid(path, f"fichier en double {f['path']}.")
        seen.add(f["path"])
        if f["dataset"] not in datasets:
            raise _invalid(path, f"fichier {f['path']} : jeu de données inconnu {f['dataset']}.")
        if not _SHA256.match(f["sha256"]):
            raise _invalid(path, f"fichier {f['path']} : sha256 mal formé.")
        source = SourceFile(
            path=f["path"],
            role=f["role"],
            dataset=datasets[f["dataset"]],
            origin=f["origin"],
            sha256=f["sha256"],
            member=f.get("member"),
            subset=f.get("subset"),
            derive=f.get("derive"),
            derive_from=tuple(f.get("derive_from", ())),
            derive_labels=dict(f.get("derive_labels", {})),
        )
        if source.npm and not source.member:
            raise _invalid(path, f"fichier {f['path']} : origine npm sans « member ».")
        files.append(source)
    if not files:
        raise _invalid(path, "aucun fichier.")
    return Manifest(
        path=path,
        datasets=datasets,
        files=tuple(files),
        layers=dict(raw.get("layers", {})),
        expect=dict(raw.get("expect", {})),
    )


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_file(source: SourceFile, root: Path) -> Path:
    """Return the path of ``source`` under ``root`` after checking its sha256.

    Raises :class:`DataError` naming the file when it is missing or its checksum differs.
    """
    local = Path(root) / source.path
    if not local.is_file():
        raise DataError(
            f"fichier source absent : {source.path} (dossier {root}).",
            hint="Lancez `zonage data fetch`, ou donnez le miroir avec --mirror DIR "
            "(ou ZONAGE_MIRROR).",
        )
    got = sha256_of(local)
    if got != source.sha256:
        raise DataError(
            f"fichier source corrompu : {source.path} (sha256 {got[:12]}… au lieu de "
            f"{source.sha256[:12]}…).",
            hint="Remplacez-le par la copie d'origine (`zonage data fetch` ou le miroir).",
        )
    return local


@dataclass(frozen=True)
class VerifiedSources:
    """The files of a manifest, every checksum verified, under one root folder."""

    manifest: Manifest
    root: Path
    paths: dict[str, Path]

    def path(self, role: str) -> Path:
        """Local path of the single file with that role."""
        return self.paths[self.manifest.one(role).path]

    def all(self, role: str) -> list[Path]:
        """Local paths of every file with that role."""
        return [self.paths[f.path] for f in self.manifest.by_role(role)]


def verify_sources(
    root: Path, manifest: Manifest | None = None, progress: Progress | None = None
) -> VerifiedSources:
    """Check every file of the manifest under ``root``; one progress line per file."""
    manifest = manifest or load_manifest()
    paths: dict[str, Path] = {}
    n = len(manifest.files)
    for i, source in enumerate(manifest.files, start=1):
        paths[source.path] = check_file(source, root)
        if progress:
            progress(f"[{i:2d}/{n}] sha256 vérifié : {source.path}")
    return VerifiedSources(manifest=manifest, root=Path(root), paths=paths)
