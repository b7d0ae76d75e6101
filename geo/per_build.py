"""Objects computed once per built layer and kept for the life of the process.

The app's server, the command line and the tests ask many times for the same loaded layer,
lookup index or web layer. :func:`per_build` keeps one result per build folder and per build:
a new ``zonage data build`` (the folder is swapped in whole, with a new metadata file) is picked
up by the next call, without restarting the server. Errors are not kept: a missing layer is
reported again, and loaded as soon as it has been built.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TypeVar

from geo import settings
from geo.build import METADATA_FILE  # a new build comes with a new one: it stamps the build

T = TypeVar("T")


def _key(build_dir: Path | str | None) -> tuple[Path, tuple[int, int] | None]:
    folder = Path(build_dir if build_dir is not None else settings.BUILD_DIR).resolve()
    try:
        stat = (folder / METADATA_FILE).stat()
    except OSError:
        return folder, None
    return folder, (stat.st_ino, stat.st_mtime_ns)


def per_build(make: Callable[[Path], T]) -> Callable[..., T]:
    """``make(build_dir)`` computed once per build folder and build (thread-safe).

    The wrapped function takes ``build_dir`` (default ``settings.BUILD_DIR``).
    """
    lock = threading.Lock()
    cache: dict[Path, tuple[tuple[int, int] | None, T]] = {}

    @wraps(make)
    def get(build_dir: Path | str | None = None) -> T:
        folder, stamp = _key(build_dir)
        with lock:  # one computation at a time: a second caller waits and reuses it
            found = cache.get(folder)
            if found is not None and stamp is not None and found[0] == stamp:
                return found[1]
            value = make(folder)
            cache[folder] = (stamp, value)
            return value

    return get
