"""The QPV rule: is a place inside a quartier prioritaire of the list in force on a date?

Every place test that needs QPV membership asks :func:`in_qpv`, and only it:

- QPV membership is point-level: a point decides, a commune does not (a commune with QPVs
  gives "unknown", one without gives "no");
- the list in force on a date is the 2015 list until the 2024 list's date
  (``rules.qpv_list_2024_from`` in ``catalogue.yaml``), the 2024 list from that day;
- only the 2015 shapes are available, the 2024 list only commune by commune: a point inside a
  2015 polygon of a commune that still has 2024 QPVs counts as inside (and says so), a point
  outside them in such a commune is "unknown", and a commune with no 2024 QPV has none;
- where the data leaves it unknown, the user's answer « cabinet dans un QPV » (``cabinet_qpv``
  of « Ma situation ») decides; without it, the unknown outcome carries that question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from zonage.catalogue import Rules
from zonage.engine.outcome import Outcome, Question
from zonage.place import PlaceFacts, Qpv
from zonage.text import fr_date


def qpv_list_on(on: dt.date, rules: Rules) -> str:
    """The QPV list in force on ``on``: ``"2015"`` or ``"2024"``."""
    return "2015" if on < rules.qpv_list_2024_from else "2024"


def in_qpv(place: PlaceFacts, on: dt.date, rules: Rules, cabinet_qpv: str | None = None) -> Outcome:
    """Whether the place lies in a QPV of the list in force on ``on``: yes, no or unknown
    (``cabinet_qpv``: the user's « oui » / « non », used only where the data cannot tell)."""
    if qpv_list_on(on, rules) == "2015":
        out = _on_2015_list(place)
        listed = place.qpv2015_commune
    else:
        out = _on_2024_list(place, rules.qpv_list_2024_from)
        listed = place.qpv2024
    if out.result != "unknown":
        return out
    if cabinet_qpv == "oui":
        return Outcome(
            "yes", "cabinet dans un QPV de la commune (votre réponse)", layers=out.layers
        )
    if cabinet_qpv == "non":
        return Outcome(
            "no", "cabinet hors des QPV de la commune (votre réponse)", layers=out.layers
        )
    return Outcome(
        "unknown",
        out.text,
        layers=out.layers,
        notes=out.notes,
        question=cabinet_question(listed, wanted="oui"),
    )


def cabinet_question(qpvs: Iterable[Qpv], wanted: str) -> Question:
    """« Votre cabinet est-il dans le QPV … ? », holding for the answer ``wanted``."""
    qpvs = tuple(qpvs)
    names = _names(qpvs)
    return Question(
        "cabinet_qpv",
        f"Votre cabinet est-il dans le quartier prioritaire (QPV) {names} ?"
        if len(qpvs) == 1
        else f"Votre cabinet est-il dans l'un des quartiers prioritaires (QPV) {names} ?",
        (wanted,),
        wanted,
    )


def _on_2015_list(place: PlaceFacts) -> Outcome:
    layers = ("qpv2015",)
    if place.precision == "point":
        if place.qpv is not None:
            return Outcome("yes", _inside(place.qpv), layers=layers)
        return Outcome("no", "lieu hors QPV", layers=layers)
    if place.qpv2015_commune:
        return Outcome("unknown", _commune_has(place.qpv2015_commune), layers=layers)
    return Outcome("no", "commune sans QPV", layers=layers)


def _on_2024_list(place: PlaceFacts, since_date: dt.date) -> Outcome:
    layers = ("qpv2015", "qpv2024")
    since = fr_date(since_date)
    point = place.precision == "point"
    if not place.qpv2024:
        notes: tuple[str, ...] = ()
        if point and place.qpv is not None:
            notes = (
                f"Le lieu est dans l'ancien QPV « {place.qpv.nom} » (liste 2015), absent de la "
                f"liste des QPV en vigueur depuis le {since} pour cette commune.",
            )
        return Outcome("no", "commune sans QPV (liste 2024)", layers=layers, notes=notes)
    if point and place.qpv is not None:
        return Outcome(
            "yes",
            _inside(place.qpv),
            layers=layers,
            notes=(
                f"Appartenance au QPV établie sur les contours de 2015 ; la liste des QPV a "
                f"été renouvelée le {since} et les contours 2024 ne sont pas disponibles.",
            ),
        )
    if point:
        return Outcome(
            "unknown",
            "lieu hors des QPV de 2015, mais la commune compte des QPV de la liste 2024 "
            f"({_names(place.qpv2024)}) dont les contours ne sont pas disponibles",
            layers=layers,
        )
    return Outcome("unknown", _commune_has(place.qpv2024), layers=layers)


def _inside(qpv: Qpv) -> str:
    return f"lieu dans le QPV « {qpv.nom} » ({qpv.code})"


def _commune_has(qpvs: Iterable[Qpv]) -> str:
    return f"la commune compte des QPV ({_names(qpvs)}) et le lieu exact n'est pas connu"


def _names(qpvs: Iterable[Qpv]) -> str:
    return ", ".join(f"« {q.nom} »" for q in qpvs)
