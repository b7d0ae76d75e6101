"""Labels and map facts made from the catalogue's dated policy rules (priority departments, end
of the ZRR, start of the FRR): the one formatter the app, the command line and the map share."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from zonage.catalogue import Catalogue, Rules, load_catalogue
from zonage.place import PlaceFacts

if TYPE_CHECKING:  # the map's package loads folium: only the map's callers pay for it
    from geo.webmap.style import MapPolicy

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def long_date(day: dt.date) -> str:
    """``2024-07-01`` → ``1er juillet 2024``."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month - 1]} {day.year}"


def zrr_title(rules: Rules) -> str:
    """``ZRR (jusqu'au 30 juin 2024)``: the regime with its last day."""
    return f"ZRR (jusqu'au {long_date(rules.zrr_until.date)})"


def frr_title(rules: Rules) -> str:
    """``FRR (depuis le 1er juillet 2024)``: the regime with its first day."""
    return f"FRR (depuis le {long_date(rules.frr_from.date)})"


def priority_title(rules: Rules, on: dt.date) -> str:
    """``Département prioritaire (09, 32, 65)``: the departments in force on ``on``."""
    codes = ", ".join(sorted(rules.priority_departments_on(on))) or "aucun à cette date"
    return f"Département prioritaire ({codes})"


def is_priority(place: PlaceFacts, rules: Rules, on: dt.date) -> bool:
    """Whether the place's department is one of the priority departments on ``on``."""
    return place.departement in rules.priority_departments_on(on)


def map_policy(on: dt.date | None = None, catalogue: Catalogue | None = None) -> MapPolicy:
    """What the map draws of the catalogue's rules on ``on`` (today by default): the priority
    departments, with their source, and the ZRR and FRR layers titled with their dates."""
    from geo.webmap.style import MapPolicy

    catalogue = catalogue or load_catalogue()
    rules, on = catalogue.rules, on or dt.date.today()
    entry = rules.priority_entry_on(on)
    sources = (("departements_prioritaires", catalogue.cite(entry.source)),) if entry else ()
    return MapPolicy(
        priority_departments=tuple(sorted(rules.priority_departments_on(on))),
        titles=(("zrr", zrr_title(rules)), ("frr", frr_title(rules))),
        sources=sources,
    )
