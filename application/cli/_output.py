"""Writing a command's answer (indented UTF-8 JSON for scripts, or readable French text) and its
messages, and turning a failed write into one French line.

Standard output that cannot be written (a full disk, ``> /dev/full``, a closed descriptor) is
an unusable output given by the user: :class:`InvalidInput`, exit 2. A closed pipe (``| head``)
is not an error: the reader has what it wanted.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import unicodedata
from collections.abc import Callable
from typing import Any, TextIO

from zonage.errors import InvalidInput
from zonage.text import quoted

# French reasons of the system errors a user meets when writing (strerror is in English).
_REASONS: dict[int, str] = {
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EFBIG: "fichier trop gros",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EEXIST: "existe déjà",
    errno.EIO: "erreur d'entrée-sortie",
    errno.EBADF: "descripteur fermé",
    errno.EINVAL: "opération impossible sur ce fichier",
    errno.ENXIO: "périphérique absent",
    errno.ENODEV: "périphérique absent",
}

# Longest message written to stderr: past this, a message is cut (a safety net; every message
# that quotes an input already cuts it with :func:`zonage.text.quoted`).
MESSAGE_LIMIT = 500
# Unicode categories never written raw to a terminal: controls and escapes (Cc), invisible
# formatting such as bidirectional overrides (Cf), surrogates (Cs), private use (Co), line and
# paragraph separators (Zl, Zp).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def os_error_reason(exc: OSError) -> str:
    """The French reason of a system error (its English text when it has no translation)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or type(exc).__name__


def discard(stream: TextIO | None) -> None:
    """Point a standard stream that failed at ``/dev/null``.

    What it still holds is then dropped when Python exits, instead of failing a second time
    (Python would print another error and exit with 120).
    """
    if stream is None:
        return
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real descriptor (captured in tests): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
    with contextlib.suppress(OSError, ValueError):
        stream.flush()


def stdout_error(exc: OSError | None) -> InvalidInput:
    """The French error for standard output that cannot be written (it is discarded)."""
    discard(sys.stdout)
    reason = os_error_reason(exc) if exc is not None else "fermée"
    return InvalidInput(
        f"impossible d'écrire la réponse sur la sortie standard ({reason}).",
        hint="Redirigez-la vers un fichier sur un disque qui a de la place.",
    )


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout and flush it; :class:`InvalidInput` (exit 2) if stdout cannot
    take it. :class:`BrokenPipeError` passes through (the caller stays quiet)."""
    if sys.stdout is None:
        raise stdout_error(None)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise stdout_error(exc) from None


def flush_stdout() -> None:
    """Flush what was printed to stdout (same errors as :func:`write_stdout`)."""
    write_stdout("")


def emit(as_json: bool, document: Callable[[], Any], text: Callable[[], str]) -> None:
    """Write ``document()`` as JSON when ``as_json``, else ``text()``, to stdout.

    The answer is made whole before the first byte is written, so a failure while making it
    leaves no half answer.
    """
    write_stdout(json.dumps(document(), ensure_ascii=False, indent=2) + "\n" if as_json else text())


def safe_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` as one terminal line: control and invisible characters escaped, line breaks
    included, and cut at ``limit`` characters."""
    shown = "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES
        else ch
        for ch in text[: limit + 1]
    )
    return shown if len(shown) <= limit and len(text) <= limit else shown[:limit] + "…"


def say(line: str) -> None:
    """Write one message line to stderr, made safe by :func:`safe_line`.

    Raises :class:`InvalidInput` when stderr cannot be written (the caller's final report then
    stays silent, see :func:`report`).
    """
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(safe_line(line) + "\n")
        stream.flush()
    except OSError as exc:
        discard(stream)
        raise InvalidInput(
            f"impossible d'écrire les messages sur la sortie d'erreur ({os_error_reason(exc)})."
        ) from None


def report(line: str) -> None:
    """Write the last message of a failed command to stderr; silent if stderr is unusable too
    (the exit code still says what happened)."""
    with contextlib.suppress(InvalidInput):
        say(line)


def file_error(exc: OSError) -> InvalidInput:
    """The French error for a file given by the user that cannot be written or read."""
    where = f" {quoted(exc.filename)}" if exc.filename is not None else ""
    return InvalidInput(
        f"fichier inutilisable{where} ({os_error_reason(exc)}).",
        hint="Vérifiez le chemin donné et la place disponible.",
    )
