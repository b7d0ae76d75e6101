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

from application.render.policy import frr_title, is_priority, priority_title, zrr_title
from zonage.catalogue import load_catalogue
from zonage.engine import A_VERIFIER, ELIGIBLE, NON_APPLICABLE, STATUS_LABELS, AidResult, Status
from zonage.place import PlaceFacts, Qpv
from zonage.text import ZRR_LABELS, fr_date, fr_number, refs, validity, zone_text


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
    ``status`` the aid's status (``None`` for a place).
    """

    key: str
    title: str
    rows: tuple[Row, ...]
    context: str | None = None
    status: Status | None = None
    notes: tuple[str, ...] = ()
    sources: tuple[Rich, ...] = ()


def plain(value: Rich) -> str:
    """The text of a rich value, links as their text."""
    return "".join(p if isinstance(p, str) else p.text for p in value)


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


def _contacts(items: Iterable[dict[str, str]]) -> tuple[Rich, ...]:
    return tuple((f"{c['name']} — ", *linkify(c["how"])) for c in items)


def _amount_rows(r: AidResult) -> list[Row]:
    rows = [_row("Montant", r.amount["text"])]
    for part in r.amount["parts"]:
        if part["status"] != ELIGIBLE:
            why = f" ({part['reason']})" if part["reason"] else ""
            state = STATUS_LABELS[part["status"]].lower()
            rows.append(_row(state, f"{part['text']}{why}", detail=True))
    return rows


def _applicable_rows(r: AidResult) -> list[Row]:
    rows: list[Row] = []
    if r.status == A_VERIFIER:
        rows += [_row("À vérifier", r.reason or ""), _row("Demander à", *_contacts(r.ask))]
    rows += _amount_rows(r)
    rows.append(_row("Financeur" if len(r.funders) == 1 else "Financeurs", ", ".join(r.funders)))
    if r.duration:
        rows.append(_row("Durée", r.duration))
    if r.commitment:
        rows.append(_row("Engagement", r.commitment))
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
    rows.append(_row("Contact", *_contacts(r.contact)))
    return rows


def aid_card(r: AidResult) -> Card:
    """One aid for one place, profile and date: its status, then why it is to check and whom
    to ask, amount, funders, duration, commitment, conditions, exclusions, the aids it goes
    with, validity and contact, notes and sources; an aid that does not apply gives only its
    reason and its main source."""
    if r.status == NON_APPLICABLE:
        rows, sources = [_row("Raison", r.reason or "")], r.source[:1]
    else:
        rows, sources = _applicable_rows(r), r.source
    return Card(
        key=r.id,
        title=r.display_name,
        status=r.status,
        rows=tuple(rows),
        notes=r.notes,
        sources=tuple(linkify(s["text"]) for s in sources),
    )
