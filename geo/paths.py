"""Checks of the paths a user gives on the command line, made before any work.

A build folder given to ``zonage data build --out`` is replaced only if it is a previous build
of this project (its marker file, or a layer of the previous format), an empty folder or
absent; an output file must be writable in an existing folder; every name is checked against
the usual file-system limits so that a long name is one clear line, not a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

from geo import integrity
from geo.schema import COMMUNES_FILE, METADATA_FILE
from zonage.errors import DataError, InvalidInput
from zonage.text import quoted

#: Longest name of one path component and longest whole path, in bytes (Linux limits).
NAME_MAX = 255
PATH_MAX = 4096


#: French words for the errors a write may meet.
_REASONS = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota disque atteint",
    errno.EFBIG: "taille de fichier maximale atteinte",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ENOENT: "on ne peut pas y créer de fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ELOOP: "trop de liens symboliques",
    errno.EEXIST: "le fichier existe déjà",
}


def reason(exc: OSError) -> str:
    """What an :class:`OSError` of a write means, in French."""
    return _REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def check_length(path: Path, what: str) -> Path:
    """``path`` itself, if each of its names and its whole length fit the file-system limits.

    Raises :class:`InvalidInput` otherwise.
    """
    raw = os.fsencode(os.fspath(path))
    if len(raw) > PATH_MAX:
        raise InvalidInput(
            f"chemin trop long pour {what} ({len(raw)} octets, au plus {PATH_MAX}) : "
            f"{quoted(path)}.",
            hint="Choisissez un chemin plus court.",
        )
    for part in raw.split(b"/"):
        if len(part) > NAME_MAX:
            raise InvalidInput(
                f"nom trop long pour {what} ({len(part)} octets, au plus {NAME_MAX}) : "
                f"{quoted(os.fsdecode(part))}.",
                hint="Choisissez un nom plus court.",
            )
    return Path(path)


def is_build_dir(path: Path) -> bool:
    """Whether ``path`` is a build folder of this project: its marker, or (a build of the
    previous format) a metadata file with a format version beside a commune layer."""
    path = Path(path)
    if not path.is_dir():
        return False
    if integrity.read_marker(path) is not None:
        return True
    try:
        metadata = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    version = metadata.get("format_version") if isinstance(metadata, dict) else None
    return (
        isinstance(version, int)
        and not isinstance(version, bool)
        and (path / COMMUNES_FILE).is_file()
    )


def _stat(path: Path, what: str) -> os.stat_result | None:
    """``lstat`` of ``path`` (None if absent); a path that cannot be looked at is bad input."""
    try:
        return path.lstat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise InvalidInput(
            f"{what} {quoted(path)} passe par un fichier qui n'est pas un dossier.",
            hint="Choisissez un chemin dans un dossier existant.",
        ) from None
    except OSError as exc:
        raise InvalidInput(
            f"{what} {quoted(path)} inaccessible ({reason(exc)}).",
            hint="Choisissez un autre chemin.",
        ) from None


def _writable_folder(folder: Path, what: str) -> None:
    """``folder`` exists, is a folder, and a file can be created in it (checked by trying)."""
    st = _stat(folder, "dossier de sortie")
    if st is None:
        raise InvalidInput(
            f"dossier de sortie introuvable : {quoted(folder)}.",
            hint="Créez-le d'abord ou choisissez un dossier existant.",
        )
    if not folder.is_dir():
        raise InvalidInput(
            f"{quoted(folder)} n'est pas un dossier : impossible d'y écrire {what}.",
            hint="Choisissez un chemin dans un dossier existant.",
        )
    try:  # os.access says yes to root on /proc or a read-only bind: try for real
        fd, probe = tempfile.mkstemp(prefix=".zonage-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire dans {quoted(folder)} ({reason(exc)}).",
            hint="Choisissez un dossier où vous pouvez écrire.",
        ) from None


def check_build_dir(path: Path) -> Path:
    """The absolute path of the build folder ``path`` given to ``zonage data build --out``.

    Accepted: an absent path in a writable folder, an empty folder, or a previous build of
    this project (possibly through a symbolic link). Anything else raises
    :class:`InvalidInput` and nothing is touched.
    """
    check_length(path, "la couche")
    path = Path(os.path.abspath(path))
    if path == path.parent or path.name in ("", ".", ".."):
        raise InvalidInput(
            f"{quoted(path)} ne peut pas recevoir la couche.",
            hint="Donnez un nouveau dossier, par exemple --out data/build.",
        )
    if _stat(path, "dossier de sortie") is not None:
        try:
            _check_replaceable(path)
        except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
            why = reason(exc) if isinstance(exc, OSError) else "boucle de liens"
            raise InvalidInput(
                f"{quoted(path)} inaccessible ({why}).",
                hint="Donnez un dossier nouveau ou une couche déjà construite par le projet.",
            ) from None
    _writable_folder(path.parent, "la couche")
    return path


def _check_replaceable(path: Path) -> None:
    """``path`` exists: it may be replaced if it is a build, or an empty folder not in use."""
    target = path.resolve() if path.is_symlink() else path
    if not target.is_dir():
        raise InvalidInput(
            f"{quoted(path)} existe et n'est pas un dossier de couche : il ne sera ni "
            "remplacé ni déplacé.",
            hint="Donnez un dossier nouveau ou une couche déjà construite par le projet.",
        )
    if not is_build_dir(target) and (path.is_symlink() or any(target.iterdir())):
        raise InvalidInput(
            f"{quoted(path)} n'est pas une couche construite par le projet : son contenu "
            "ne sera pas remplacé.",
            hint="Donnez un dossier nouveau ou vide, ou une couche déjà construite.",
        )
    cwd = Path.cwd()
    if target == cwd or target in cwd.parents:
        raise InvalidInput(
            f"{quoted(path)} est le dossier courant ou l'un de ses parents.",
            hint="Donnez un autre dossier, par exemple --out data/build.",
        )


def check_output_file(path: Path, what: str = "la carte", example: str = "carte.html") -> Path:
    """``path`` as given, if a file can be written there: not a folder nor a special file,
    in an existing writable folder, a name within the limits (``example``: a file name shown in
    the hint). Raises :class:`InvalidInput`."""
    check_length(path, what)
    path = Path(path)
    st = _stat(path, "fichier de sortie")
    if st is not None:
        if path.is_dir():
            raise InvalidInput(
                f"{quoted(path)} est un dossier.",
                hint=f"Donnez un nom de fichier, par exemple {example}.",
            )
        if not path.is_file():
            raise InvalidInput(
                f"{quoted(path)} n'est pas un fichier ordinaire : il ne sera pas remplacé.",
                hint=f"Donnez un nom de fichier, par exemple {example}.",
            )
    _writable_folder(Path(os.path.abspath(path)).parent, what)
    return path


def check_typed_file(path: Path, what: str, suffixes: tuple[str, ...], example: str) -> Path:
    """``path`` if ``what`` (« la carte », « le tableau »…) can be written there: a name ending
    with one of ``suffixes`` (so that no other kind of file is replaced; ``example`` shows one)
    and :func:`check_output_file`'s conditions."""
    path = check_output_file(Path(path), what, example)
    if path.suffix.lower() not in suffixes:
        raise InvalidInput(
            f"le fichier de sortie doit finir par {' ou '.join(suffixes)} : {quoted(path.name)}.",
            hint=f"Par exemple : --out {example}.",
        )
    return path


def write_output(path: Path, data: bytes) -> None:
    """Write a user's output file atomically (a reader never sees half of it);
    :class:`InvalidInput` naming the cause when the system refuses."""
    from geo import atomic

    try:
        atomic.write_bytes(path, data)
    except OSError as exc:
        raise InvalidInput(
            f"impossible d'écrire {quoted(path)} ({reason(exc)}).",
            hint="Choisissez un dossier où vous pouvez écrire.",
        ) from None


def check_html_file(path: Path, what: str, example: str) -> Path:
    """``path`` if an HTML page (« la carte », « la fiche ») can be written there."""
    return check_typed_file(path, what, (".html", ".htm"), example)


def check_input_dir(path: Path, what: str, hint: str) -> Path:
    """``path`` if it is an existing folder: a name too long is :class:`InvalidInput`, an absent
    folder :class:`DataError` (``hint`` says what to give)."""
    check_length(path, what)
    path = Path(path)
    try:
        found = path.is_dir()
    except OSError:
        found = False
    if not found:
        raise DataError(f"dossier introuvable pour {what} : {quoted(path)}.", hint=hint)
    return path
