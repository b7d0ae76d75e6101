"""The render model of a place and of an aid: a card with a title, a status, rows of (label,
value), notes and sources, links where the catalogue gives an address.

Every writer (the app's HTML cards, the command line's text) reads these cards and nothing
else, so a place or an aid says the same thing wherever it is shown. Links are found only in
the catalogue's own texts (contacts, sources), never in place data from the data files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from application.render.policy import frr_title, is_priority, priority_title, zrr_title
from zonage.catalogue import load_catalogue
from zonage.engine import (
    A_VERIFIER,
    ELIGIBLE,
    NON_APPLICABLE,
    SOUS_CONDITION,
    STATUS_LABELS,
    AidResult,
    Question,
    Status,
)
from zonage.place import PlaceFacts, Qpv
from zonage.text import ZRR_LABELS, fr_date, fr_euros, fr_number, refs, validity, zone_text


@dataclass(frozen=True)
class Link:
    """A part of a text that is an address: its text and where it leads (https, mailto, tel)."""

    text: str
    href: str


#: A text in pieces, plain strings and links; joined, the pieces read as the text.
Rich = tuple[str | Link, ...]


@dataclass(frozen=True)
class Row:
    """One labelled line of a card; ``values`` are shown one per line, or as a bulleted list
    when ``bullets``; ``detail`` marks a detail of the row above (a part of an amount)."""

    label: str
    values: tuple[Rich, ...]
    bullets: bool = False
    detail: bool = False


@dataclass(frozen=True)
class Card:
    """A place or an aid, ready for any writer.

    ``key`` is the commune's INSEE code or the aid's id; ``context`` the place's department;
    ``status`` the aid's status (``None`` for a place); ``details`` the rows a writer may fold
    (an aid's conditions, exclusions, validity…), ``rows`` those always shown.
    """

    key: str
    title: str
    rows: tuple[Row, ...]
    context: str | None = None
    status: Status | None = None
    notes: tuple[str, ...] = ()
    sources: tuple[Rich, ...] = ()
    details: tuple[Row, ...] = ()


def plain(value: Rich) -> str:
    """The text of a rich value, links as their text."""
    return "".join(p if isinstance(p, str) else p.text for p in value)


def plain_with_addresses(value: Rich) -> str:
    """The text of a rich value for paper or a terminal: a link whose text is not its
    address is followed by the address (``titre <https://…>``)."""
    return "".join(
        p
        if isinstance(p, str)
        else p.text
        if p.href.removeprefix("mailto:").removeprefix("tel:") in p.text.replace(" ", "")
        or p.href in p.text
        else f"{p.text} <{p.href}>"
        for p in value
    )


# An address in a catalogue text: a web address (without the punctuation that ends a
# sentence), an e-mail address, or a French phone number (10 digits, or a 4-digit service
# number such as 36 08).
_ADDRESS = re.compile(
    r"(?P<url>https?://[^\s<>\"«»;\[\]]*[^\s<>\"«»;\[\].,:)])"
    r"|(?P<mail>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<tel>(?<![\d/])(?:0[1-9](?:[ .\u00a0]?\d\d){4}|3\d ?\d\d)(?![\d/]))"
)


def linkify(text: str) -> Rich:
    """``text`` in pieces, each web address, e-mail address or phone number a :class:`Link`."""
    pieces: list[str | Link] = []
    end = 0
    for m in _ADDRESS.finditer(text):
        pieces.append(text[end : m.start()])
        found = m.group(0)
        if m.lastgroup == "mail":
            href = f"mailto:{found}"
        elif m.lastgroup == "tel":
            href = "tel:" + re.sub(r"\D", "", found)
        else:
            href = found
        pieces.append(Link(found, href))
        end = m.end()
    pieces.append(text[end:])
    return tuple(p for p in pieces if p != "")


def _row(label: str, *values: str | Rich, bullets: bool = False, detail: bool = False) -> Row:
    rich = tuple((v,) if isinstance(v, str) else v for v in values)
    return Row(label, rich, bullets=bullets, detail=detail)


# ----------------------------------------------------------------------------- place


def _qpvs(qpvs: Iterable[Qpv]) -> str:
    return "; ".join(f"{q.code} {q.nom}".strip() for q in qpvs) or "aucun"


_MONTAGNE = {True: "commune classée", False: "commune non classée"}


def _zoning_text(place: PlaceFacts) -> str:
    """The class, the order it comes from and the territoire de vie-santé when known."""
    text = zone_text(place.zonage_medecins)
    if place.zonage_medecins_arrete:
        text += f" (arrêté du {fr_date(place.zonage_medecins_arrete)})"
    if place.tvs:
        text += f" ; territoire de vie-santé {place.tvs['code']} {place.tvs['nom']}".rstrip()
    return text


def place_card(place: PlaceFacts, *, on: dt.date | None = None, notes: bool = True) -> Card:
    """The place and its zone facts, the catalogue's dated rules read on ``on`` (today by
    default), with the source of each layer; ``notes=False`` leaves out the place's notes (the
    command line has already written them on stderr), not those of the date."""
    rules, on = load_catalogue().rules, on or dt.date.today()
    if place.precision == "point" and place.lat is not None and place.lon is not None:
        where = f"point lat {place.lat:.5f}, lon {place.lon:.5f}"
        qpv = _qpvs([place.qpv] if place.qpv else [])
    else:
        where = "commune entière (pas de point précis)"
        qpv = "non déterminé (il faut une adresse ou un point précis)"
    rows = [
        _row("Lieu", where),
        _row("Zonage médecins", _zoning_text(place)),
        _row("QPV au point (contours 2015)", qpv),
        _row("QPV de la commune (liste 2015)", _qpvs(place.qpv2015_commune)),
        _row("QPV de la commune (liste 2024)", _qpvs(place.qpv2024)),
        _row("Zone de montagne", _MONTAGNE.get(place.zone_montagne, "non déterminé")),
        _row("Massif", place.massif or "hors massif"),
        _row(zrr_title(rules), ZRR_LABELS.get(place.zrr, place.zrr)),
        _row(frr_title(rules), place.frr),
        _row(priority_title(rules, on), "oui" if is_priority(place, rules, on) else "non"),
    ]
    if place.population is not None:
        rows.append(_row("Population municipale", fr_number(place.population)))
    if place.codes_postaux:
        rows.append(_row("Codes postaux", ", ".join(place.codes_postaux)))
    return Card(
        key=place.insee,
        title=place.nom,
        context=f"{place.departement_nom} ({place.departement})",
        rows=tuple(rows),
        # Notes tied to the date (a newer zoning order) were never written on stderr.
        notes=(place.notes if notes else ()) + place.date_notes,
        # Texts of the data files: shown as they are, never searched for links.
        sources=tuple((v,) for v in place.vintages.values()),
    )


# ----------------------------------------------------------------------------- aid


def contacts_rich(items: Iterable[dict[str, str]]) -> tuple[Rich, ...]:
    """Each contact as « name — how », its addresses and numbers as links."""
    return tuple((f"{c['name']} — ", *linkify(c["how"])) for c in items)


_PERIOD = {"per_month": " par mois", "per_quarter": " par trimestre", "per_year": " par an"}


def part_figure(part: dict[str, Any]) -> str | None:
    """A counted amount part in a few words (« 5 000 € », « 31 250 € à 50 000 € », « 1 200 €
    par mois », « jusqu'à 2 170 € par mois », « 10 % plafonné à 20 000 € par an »); None for
    a part without a figure."""
    kind, period = part["kind"], _PERIOD.get(part["kind"], "")
    if kind == "percentage_with_cap" and part.get("percent") is not None:
        cap = f" plafonné à {fr_euros(part['cap'])}" if part.get("cap") is not None else ""
        return f"{fr_number(part['percent'])} %{cap}{_PERIOD.get(part.get('cap_period'), '')}"
    if kind not in ("fixed", "range", *_PERIOD):
        return None
    if part.get("value") is not None:
        return fr_euros(part["value"]) + period
    low, high = part.get("min"), part.get("max")
    if low is not None and high is not None:
        return f"{fr_euros(low)} à {fr_euros(high)}{period}"
    if high is not None:
        return f"jusqu'à {fr_euros(high)}{period}"
    return None


def amount_short(r: AidResult) -> str:
    """The aid's amount in figures when every part that may apply has one, else its text."""
    parts = [p for p in r.amount["parts"] if p["status"] != NON_APPLICABLE]
    figures = [part_figure(p) for p in parts]
    if not parts or any(f is None for f in figures):
        return str(r.amount["text"])
    paid = [f for f, p in zip(figures, parts, strict=True) if p.get("paid", True)]
    floors = [f for f, p in zip(figures, parts, strict=True) if not p.get("paid", True)]
    return " ; ".join([" + ".join(paid)] * bool(paid) + [f"garantie de {f}" for f in floors])


def _amount_rows(r: AidResult, brief: bool = False) -> list[Row]:
    rows = [_row("Montant", amount_short(r) if brief else r.amount["text"])]
    for part in r.amount["parts"]:
        if part["status"] != ELIGIBLE:
            why = f" ({part['reason']})" if part["reason"] else ""
            state = STATUS_LABELS[part["status"]].lower()
            rows.append(_row(state, f"{part['text']}{why}", detail=True))
    return rows


def _names(contacts: Iterable[dict[str, str]]) -> str:
    return ", ".join(c["name"] for c in contacts)


def question_text(q: Question) -> str:
    """« question ? — il faut : réponse »."""
    return f"{q.text} — il faut : {q.wanted_label}"


def _head_rows(r: AidResult, brief: bool, reason: str | None = None) -> list[Row]:
    """What decides: the amount, the question that settles it or why it is to check, the
    obligations, whom to contact; ``brief`` when a summary above already lists the questions
    and contacts (then only whom to ask is named here)."""
    rows = _amount_rows(r, brief)
    personal = [q for q in r.questions if q.personal]
    if not brief and (r.status == SOUS_CONDITION or (r.status == A_VERIFIER and personal)):
        rows.append(_row("Si", *map(question_text, personal), bullets=len(personal) > 1))
    if r.status == A_VERIFIER:
        # Said short when the check is a question the summary asks (the zone of a QPV…).
        asked = [question_text(q) for q in r.questions if not q.personal]
        why = (asked[0] if brief and asked else reason or r.reason) or ""
        if brief:  # whom to ask in a few words: the summary gives how to reach them
            rows.append(_row("À vérifier", f"{why} Demander à : {_names(r.ask)}."))
        else:
            rows += [_row("À vérifier", why), _row("Demander à", *contacts_rich(r.ask))]
    if not brief:  # the summary lists the obligations and contacts once
        if r.commitment:
            rows.append(_row("Engagement", r.commitment))
        rows.append(_row("Contact", *contacts_rich(r.contact)))
    return rows


def _detail_rows(r: AidResult, brief: bool) -> list[Row]:
    rows = [_row("Montant (texte de la source)", r.amount["text"])] if brief else []
    rows.append(_row("Financeur" if len(r.funders) == 1 else "Financeurs", ", ".join(r.funders)))
    if r.duration:
        rows.append(_row("Durée", r.duration))
    if brief:
        if r.commitment:
            rows.append(_row("Engagement", r.commitment))
        rows.append(_row("Contact", *contacts_rich(r.contact)))
    if r.conditions:
        rows.append(_row("Conditions", *r.conditions, bullets=True))
    exclusions = " ; ".join(x for x in (refs(r.not_combinable_with), *r.other_exclusions) if x)
    for label, text in (
        ("Non cumulable avec", exclusions),
        ("Suppose", refs(r.requires)),
        ("Possible à l'issue de", refs(r.may_follow)),
        ("Peut être suivi de", refs(r.may_be_followed_by)),
    ):
        if text:
            rows.append(_row(label, text))
    rows.append(_row("Validité", validity(r.valid_from, r.valid_until, r.validity_text)))
    return rows


def source_rich(source: dict[str, Any]) -> Rich:
    """A source by its title, page and section, linked to its address when it has one (never
    by the name of a file)."""
    text = source["text"]
    return (Link(text, source["url"]),) if source.get("url") else (text,)


def aid_card(
    r: AidResult,
    *,
    skip_notes: Iterable[str] = (),
    brief: bool = False,
    reason: str | None = None,
) -> Card:
    """One aid for one place, profile and date: its status, amount, the question that settles
    it or why it is to check, obligations and contact first; funders, conditions, exclusions,
    the aids it goes with and validity as details; notes (but ``skip_notes``, said elsewhere)
    and sources (``brief``: see :func:`_head_rows`; ``reason``: a shorter « à vérifier » text,
    when the same check was said for another aid). An aid that does not apply gives only its
    reason and its main source."""
    skip = set(skip_notes)
    if r.status == NON_APPLICABLE:
        rows, details, sources = [_row("Raison", r.reason or "")], [], r.source[:1]
    else:
        rows, details = _head_rows(r, brief, reason), _detail_rows(r, brief)
        sources = r.source
    return Card(
        key=r.id,
        title=r.display_name,
        status=r.status,
        rows=tuple(rows),
        details=tuple(details),
        notes=tuple(n for n in r.notes if n not in skip),
        sources=tuple(source_rich(s) for s in sources),
    )
