"""Objects computed once per built layer and kept for the life of the process.

The app's server, the command line and the tests ask many times for the same loaded layer,
lookup index or web layer. :func:`per_build` keeps one result per build folder and per build:
a new ``zonage data build`` (the folder, a link, is switched to a new version folder with a new
metadata file) is picked up by the next call, without restarting the server. Errors are not
kept: a missing layer is reported again, and loaded as soon as it has been built.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TypeVar

from geo import settings
from geo.schema import METADATA_FILE  # a new build comes with a new one: it stamps the build

T = TypeVar("T")

#: What identifies one build: the folder the link resolves to, and its metadata file.
Stamp = tuple[Path, int, int]


def _key(build_dir: Path | str | None) -> tuple[Path, Path, Stamp | None]:
    """The folder as asked for, the folder it resolves to now, and the stamp of that build."""
    asked = Path(os.path.abspath(build_dir if build_dir is not None else settings.BUILD_DIR))
    try:
        folder = asked.resolve()
        stat = (folder / METADATA_FILE).stat()
    except (OSError, RuntimeError):  # absent, or a loop of links: ``make`` reports it
        return asked, asked, None
    return asked, folder, (folder, stat.st_ino, stat.st_mtime_ns)


def per_build(make: Callable[[Path], T]) -> Callable[..., T]:
    """``make(build_dir)`` computed once per build folder and build (thread-safe).

    The wrapped function takes ``build_dir`` (default ``settings.BUILD_DIR``); ``make`` is
    given the resolved folder, so everything it reads comes from one build. One result is kept
    per folder asked for, and dropped once that folder is gone: a server rebuilt many times
    does not keep the old builds in memory.
    """
    lock = threading.Lock()
    cache: dict[Path, tuple[Stamp | None, T]] = {}

    @wraps(make)
    def get(build_dir: Path | str | None = None) -> T:
        asked, folder, stamp = _key(build_dir)
        with lock:  # one computation at a time: a second caller waits and reuses it
            found = cache.get(asked)
            if found is not None and stamp is not None and found[0] == stamp:
                return found[1]
            value = make(folder)
            cache[asked] = (stamp, value)
            for gone in [p for p in cache if not p.exists()]:  # builds removed since
                del cache[gone]
            return value

    return get
