"""Atomic writes: a reader never sees a half-written file or folder.

Files are written to a temporary file in the same folder and moved over the target with
``os.replace``. A build folder is versioned: each build is written into a new hidden sibling
folder (``.NAME-<stamp>-<random>``) and ``NAME`` is a symbolic link to the current one, switched
by one ``os.replace`` of a new link over it. A reader resolving ``NAME`` always gets a complete
build, the old or the new one; a failed or killed build leaves the link as it was.

Why a link and not ``renameat2(RENAME_EXCHANGE)`` of two folders: ``os.replace`` of a link is
portable and atomic on every POSIX file system, and the old build stays readable, at its own
path, by a process still reading it. The exchange is used only once, to turn a folder written by
an earlier version of the project into a link (a rename cannot replace a folder by a link).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path


def _umask() -> int:
    # Read once, when the module is imported: os.umask can only be read by setting it.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: Mode of the files written here: what ``open(path, "w")`` would give (the temporary file
#: itself is created private), so an exported map or a served file is readable as usual.
_UMASK = _umask()
FILE_MODE = 0o666 & ~_UMASK
#: Mode of a version folder (what ``mkdir`` would give).
DIR_MODE = 0o777 & ~_UMASK

#: Random part of the names ``tempfile`` makes (8 characters of this alphabet).
_RANDOM = r"[a-z0-9_]{8}"


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def sync_dir(folder: Path) -> None:
    """Flush every file directly in ``folder``, then the folder itself, to the disk."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _sync(folder)


def _sync(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` in one step (Linux ``renameat2``); False where it is unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(a))


@contextlib.contextmanager
def replace_dir(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``target``; on success it replaces ``target``.

    If the block raises, the temporary folder is removed and ``target`` is left as it was.
    The swap is one exchange where the system has it (else two renames).
    """
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    os.chmod(tmp, DIR_MODE)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if target.exists() and exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # now the old folder
        return
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- versioned folders: NAME -> .NAME-<stamp>-<random> -------------------------------------


def version_pattern(target: Path) -> re.Pattern[str]:
    """Names of the version folders of ``target`` (see :func:`new_version`)."""
    return re.compile(rf"\.{re.escape(Path(target).name)}-\d{{8}}T\d{{6}}-{_RANDOM}")


def temp_pattern(target: Path) -> re.Pattern[str]:
    """Names of the temporary entries a switch or an earlier folder swap may leave behind."""
    return re.compile(rf"\.{re.escape(Path(target).name)}\.(?:new|old|link)-{_RANDOM}")


def new_version(target: Path) -> Path:
    """A new empty version folder beside ``target`` (``.NAME-<UTC stamp>-<random>``)."""
    target = Path(target)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}-{stamp}-", dir=target.parent))
    os.chmod(folder, DIR_MODE)
    return folder


def current_version(target: Path) -> Path | None:
    """The version folder the link ``target`` points to (None if ``target`` is not a link)."""
    target = Path(target)
    if not target.is_symlink():
        return None
    return (target.parent / os.readlink(target)).resolve()


def switch(target: Path, version: Path) -> Path | None:
    """Point ``target`` at ``version`` (a sibling folder) in one atomic step.

    ``target`` may be absent, a link (replaced) or a folder (exchanged with the new link, then
    returned: the caller removes it). Returns that old folder, or None.
    """
    target, version = Path(target), Path(version)
    link = target.parent / f".{target.name}.link-{secrets.token_hex(4)}"
    os.symlink(version.name, link)
    try:
        if target.is_dir() and not target.is_symlink():
            if exchange(link, target):
                _sync(target.parent)
                return link  # the old folder, now at the link's temporary name
            old = target.parent / f".{target.name}.old-{secrets.token_hex(4)}"
            os.replace(target, old)
            os.replace(link, target)
            _sync(target.parent)
            return old
        os.replace(link, target)
    except BaseException:
        with contextlib.suppress(OSError):
            if link.is_symlink():
                link.unlink()
        raise
    _sync(target.parent)
    return None


@contextlib.contextmanager
def exclusive(folder: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for the block (released if the process dies).

    When another process holds it, ``on_wait()`` is called, then the lock is waited for.
    """
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
