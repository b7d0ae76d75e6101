"""French wording shared by every output (command line, app, export): numbers, euros, dates,
validity, references to other aids, zone labels."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

ZONE_LABELS: dict[str, str] = {
    "ZIP": "zone d'intervention prioritaire",
    "ZAC": "zone d'action complémentaire",
    "ZAR": "zone d'appui régional",
}
ZRR_LABELS: dict[str, str] = {
    "classee": "classée",
    "non_classee": "non classée",
    "partiellement_classee": (
        "partiellement classée (commune nouvelle : à vérifier pour l'adresse exacte)"
    ),
}


# ASCII digits only: "\d" alone would take other scripts' digits (full-width "２０２４").
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def iso_date(text: str) -> dt.date | None:
    """The date of a strict ``YYYY-MM-DD`` text in ASCII digits (no week or compact forms),
    or None."""
    if not _ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def fr_date(value: str | dt.date) -> str:
    """``2024-06-30`` → ``30/06/2024``."""
    d = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return d.strftime("%d/%m/%Y")


#: Narrow no-break space: French thousands separator, and before a unit such as €.
NARROW_NBSP = "\u202f"


def fr_number(value: float, decimals: int = 0) -> str:
    """``5000`` → ``5 000`` and ``1085.5, 2`` → ``1 085,50`` (narrow no-break spaces)."""
    return f"{value:,.{decimals}f}".replace(",", NARROW_NBSP).replace(".", ",")


def fr_communes(n: int) -> str:
    """``1 commune``, ``4 446 communes``."""
    return f"{fr_number(n)} commune{'s' if n > 1 else ''}"


def fr_euros(value: float) -> str:
    """``5000`` → ``5 000 €``; cents only when there are some: ``1085.5`` → ``1 085,50 €``."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{fr_number(value, decimals)}{NARROW_NBSP}€"


def validity(valid_from: str | None, valid_until: str | None, text: str | None = None) -> str:
    """An aid's validity in words, e.g. "du 01/09/2023 au 31/12/2026 — expérimentation"."""
    if valid_from and valid_until:
        out = f"du {fr_date(valid_from)} au {fr_date(valid_until)}"
    elif valid_from:
        out = f"depuis le {fr_date(valid_from)}"
    elif valid_until:
        out = f"jusqu'au {fr_date(valid_until)}"
    else:
        out = "pas de date de fin connue"
    return f"{out} — {text}" if text else out


def refs(items: Iterable[Mapping[str, Any]]) -> str:
    """Other aids named with their note: "CAIM — une seule aide ; COSCOM"."""
    return " ; ".join(f"{x['name']} — {x['note']}" if x.get("note") else x["name"] for x in items)


def zone_text(zone: str | None) -> str:
    """ "ZAC (zone d'action complémentaire)", or what to do when the source has no class."""
    if not zone:
        return "non classée dans la source : à vérifier auprès de l'ARS Occitanie"
    return f"{zone} ({ZONE_LABELS.get(zone, '')})"


#: Longest part of a user's input quoted back in a message.
QUOTE_LIMIT = 80


def quoted(text: object, limit: int = QUOTE_LIMIT) -> str:
    """A user's input as it may be quoted in a message: at most ``limit`` characters, control
    and terminal escape characters shown as ``\\x1b``-style escapes, in French quotes.

    Every message that echoes an input (a code, a date, an address, a URL parameter, a path)
    goes through here, so a 100 kB input or a terminal escape sequence is never printed back.
    """
    raw = str(text)
    cut = raw[:limit]
    shown = "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in cut
    )
    if len(raw) > limit:
        shown += f"… ({len(raw)} caractères)"
    return f"« {shown} »"
