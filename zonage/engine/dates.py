"""The date a question is asked for: ``YYYY-MM-DD`` in ASCII digits, today by default."""

from __future__ import annotations

import datetime as dt

from zonage.errors import InvalidInput
from zonage.text import iso_date, quoted

# Spaces around a date (shell quoting, a paste) are forgiven; nothing else is.
_BLANKS = " \t\r\n"


def parse_date(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """A ``YYYY-MM-DD`` date in ASCII digits, spaces around it forgiven (``None`` or empty
    means today); :class:`InvalidInput` otherwise."""
    if text is None or not text.strip(_BLANKS):
        return today or dt.date.today()
    value = text.strip(_BLANKS)
    if (date := iso_date(value)) is not None:
        return date
    raise InvalidInput(
        f"Date illisible {quoted(value)}.",
        hint="Format attendu : AAAA-MM-JJ (par exemple 2024-07-01).",
    )
