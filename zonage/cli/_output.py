"""Writing a command's answer: indented UTF-8 JSON for scripts, or readable French text."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any


def emit(as_json: bool, document: Callable[[], Any], text: Callable[[], str]) -> None:
    """Write ``document()`` as JSON when ``as_json``, else ``text()``, to stdout."""
    if as_json:
        json.dump(document(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text())
