"""The doctor zoning the map colours: each commune's class in force on the map's date, with
the layer titled with that date and citing the versions it shows.

A map without a date shows today's zoning: every version of the built layer already in force,
i.e. the latest data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import pandas as pd

from geo.places import versions_on
from geo.schema import REFERENCE_ZONING_SOURCE
from geo.webmap.layer import WebLayer
from geo.webmap.style import LayerStyle
from zonage.text import fr_communes, fr_date

TITLE = "Zonage médecins en vigueur le {date} (ZIP, ZAC, ZAR)"


def map_date(on: dt.date | None) -> dt.date:
    """The date the map shows: ``on``, or today when None."""
    return on if on is not None else dt.date.today()


def on_date(web: WebLayer, style: LayerStyle, on: dt.date) -> tuple[WebLayer, LayerStyle]:
    """``web`` with the class in force on ``on`` in the zoning layer's column, and that
    layer's ``style`` titled with the date, its source naming each newer order applied."""
    assert style.column is not None  # the zoning layer reads a commune column
    versions = versions_on(web.communes, on)
    classes = pd.Series([v.classe for v in versions], index=web.communes.index, dtype=object)
    communes = web.communes.assign(**{style.column: classes})
    newer = Counter((v.source, v.arrete) for v in versions if v.source != REFERENCE_ZONING_SOURCE)
    source = style.source or web.vintages.get(style.vintage or "")
    for (name, arrete), n in sorted(newer.items(), key=lambda item: str(item[0][1])):
        applied = (
            f"{name}, arrêté du {fr_date(arrete) if arrete else 'date inconnue'} ({fr_communes(n)})"
        )
        source = f"{source} ; {applied}" if source else applied
    dated = replace(style, title=TITLE.format(date=fr_date(on)), source=source)
    return replace(web, communes=communes), dated
