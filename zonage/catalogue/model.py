"""The catalogue's model: the typed records an aid entry becomes, and the vocabulary it may use.

Plain frozen data: reading and checking the YAML is :mod:`zonage.catalogue.parse`'s job, deciding
eligibility the engine's (:mod:`zonage.engine`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from zonage.errors import InvalidInput

CATEGORIES: tuple[str, ...] = ("etudes", "installation", "exercice", "fiscal", "collectif")
AMOUNT_KINDS: tuple[str, ...] = (
    "fixed",
    "range",
    "per_month",
    "per_quarter",
    "per_year",
    "percentage_with_cap",
    "exemption",
    "unspecified",
    "none",
)
CAP_PERIODS: tuple[str, ...] = ("per_month", "per_quarter", "per_year", "total")
# Facts an ``any_of`` place test may combine.
TERRITORY_FACTS: tuple[str, ...] = ("zone_montagne", "massif", "qpv", "departement_prioritaire")
ZRR_VALUES: tuple[str, ...] = ("classee", "non_classee", "partiellement_classee")
# Kinds of place test, i.e. the key that names the test in the file.
TEST_KINDS: tuple[str, ...] = ("zones", "outside_zones", "any_of", "zrr", "frr")
# Contacts the engine names when a place test cannot decide (see zonage.engine.place_tests).
REQUIRED_CONTACTS: tuple[str, ...] = ("ars", "ddfip")


@dataclass(frozen=True)
class Document:
    """A source document: a brochure of the seeds or a public page, with its date."""

    id: str
    title: str
    publisher: str | None
    file: str | None
    url: str | None
    date: dt.date | None
    date_text: str


@dataclass(frozen=True)
class Contact:
    """Whom to contact and how (as the brochure says)."""

    id: str
    name: str
    how: str


@dataclass(frozen=True)
class SourceRef:
    """A pointer into a source document: page marker, section heading, quote."""

    doc: str
    page: str | None = None
    section: str | None = None
    quote: str | None = None


@dataclass(frozen=True)
class Verify:
    """An "à vérifier" outcome: why, and whom to ask (contact ids)."""

    reason: str
    ask: tuple[str, ...]


@dataclass(frozen=True)
class PlaceTest:
    """One condition on the place (see the field reference at the top of catalogue.yaml)."""

    kind: str
    values: tuple[Any, ...]
    profiles: tuple[str, ...] | None = None
    role: str | None = None
    otherwise: Verify | None = None


@dataclass(frozen=True)
class DatedCheck:
    """Between two dates, the aid is "à vérifier" for the given reason."""

    start: dt.date | None
    end: dt.date | None
    reason: str
    ask: tuple[str, ...]
    source: SourceRef | None


@dataclass(frozen=True)
class Note:
    """A note shown with the aid, optionally only between two dates."""

    text: str
    start: dt.date | None = None
    end: dt.date | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class Condition:
    """A personal condition, optionally for some profiles only."""

    text: str
    profiles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SituationTest:
    """A personal condition the user can answer in « Ma situation » (see
    :mod:`zonage.situation`): the answers that qualify, or, for the date of the last
    installation aid, none received within ``years`` before the date asked; from ``start``."""

    key: str
    values: tuple[str, ...] = ()
    years: int | None = None
    start: dt.date | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class AmountPart:
    """One part of an aid's amount, structured, plus the text a user reads."""

    kind: str
    text: str
    label: str | None = None
    value: float | None = None
    min: float | None = None
    max: float | None = None
    percent: float | None = None
    cap: float | None = None
    cap_period: str | None = None
    profiles: tuple[str, ...] | None = None
    where: tuple[PlaceTest, ...] = ()
    # False for a figure that is not money the user receives (e.g. a salary floor the aid
    # tops up to): shown, never added to a total.
    paid: bool = True


@dataclass(frozen=True)
class Exclusion:
    """Not combinable with another aid (optionally only in some zones)."""

    id: str
    zones: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Follow:
    """This aid may be signed at the end of another one."""

    id: str
    note: str | None = None


@dataclass(frozen=True)
class Validity:
    """When new contracts are open (both ends inclusive), and why not outside."""

    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    since: str | None = None
    not_yet_reason: str | None = None
    closed_reason: str | None = None
    source: SourceRef | None = None


@dataclass(frozen=True)
class Aid:
    """One aid of the catalogue."""

    id: str
    name: str
    acronym: str | None
    category: tuple[str, ...]
    funders: tuple[str, ...]
    profiles: tuple[str, ...]
    summary: str
    where: tuple[PlaceTest, ...]
    amounts: tuple[AmountPart, ...]
    duration: str | None
    commitment: str | None
    conditions: tuple[Condition, ...]
    situation: tuple[SituationTest, ...]
    not_combinable_with: tuple[Exclusion, ...]
    other_exclusions: tuple[Note, ...]
    may_follow: tuple[Follow, ...]
    requires: tuple[str, ...]
    validity: Validity
    checks: tuple[DatedCheck, ...]
    verify: Verify | None
    notes: tuple[Note, ...]
    contact: tuple[str, ...]
    sources: tuple[SourceRef, ...]

    @property
    def display_name(self) -> str:
        """Name with its acronym, as a user reads it."""
        if not self.acronym or self.acronym in self.name:
            return self.name
        return f"{self.name} ({self.acronym})"


@dataclass(frozen=True)
class DatedSet:
    """A set of values in force from a date (until the next entry's date), with its source."""

    start: dt.date
    values: frozenset[str]
    source: SourceRef


@dataclass(frozen=True)
class DatedFact:
    """A date a policy fact turns on (a regime's last or first day, an order), with its source."""

    date: dt.date
    source: SourceRef


@dataclass(frozen=True)
class Rules:
    """Catalogue-wide dated facts the engine needs (policy as data: a change of policy is an
    edit of ``catalogue.yaml``, never a rebuild of the data).

    ``priority_departments`` are in date order (no department before the first entry);
    ``doctor_zoning_orders`` are the ARS zoning orders, oldest first.
    """

    qpv_list_2024_from: dt.date
    zrr_until: DatedFact
    frr_from: DatedFact
    doctor_zoning_orders: tuple[DatedFact, ...]
    priority_departments: tuple[DatedSet, ...] = ()
    zoning_notes: tuple[Note, ...] = ()

    def priority_entry_on(self, on: dt.date) -> DatedSet | None:
        """The entry of ``priority_departments`` in force on ``on`` (None before the first)."""
        started = [s for s in self.priority_departments if s.start <= on]
        return started[-1] if started else None

    def priority_departments_on(self, on: dt.date) -> frozenset[str]:
        """The codes of the ARS contract's priority departments on ``on``."""
        entry = self.priority_entry_on(on)
        return entry.values if entry is not None else frozenset()

    def zrr_in_force(self, on: dt.date) -> bool:
        """Whether the ZRR regime still applies on ``on`` (its last day included)."""
        return on <= self.zrr_until.date

    def frr_in_force(self, on: dt.date) -> bool:
        """Whether the FRR regime applies on ``on`` (from its first day)."""
        return on >= self.frr_from.date

    def zoning_order_on(self, on: dt.date) -> dt.date:
        """The date of the doctor zoning order in force on ``on``: the latest one by then (the
        first one for an earlier date)."""
        started = [o.date for o in self.doctor_zoning_orders if o.date <= on]
        return started[-1] if started else self.doctor_zoning_orders[0].date


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue: documents, contacts, rules and aids (in file order)."""

    documents: dict[str, Document]
    contacts: dict[str, Contact]
    rules: Rules
    aids: tuple[Aid, ...]
    by_id: dict[str, Aid] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id.update({a.id: a for a in self.aids})

    @property
    def ids(self) -> tuple[str, ...]:
        """Aid ids in file order."""
        return tuple(a.id for a in self.aids)

    def get(self, aid_id: str) -> Aid:
        """The aid with this id; :class:`InvalidInput` listing the valid ids if unknown."""
        try:
            return self.by_id[aid_id]
        except KeyError:
            raise InvalidInput(
                f"Aide inconnue « {aid_id} ».",
                hint=f"Identifiants valides : {', '.join(self.ids)}.",
            ) from None

    def cite(self, ref: SourceRef) -> str:
        """One French line citing a source reference by its title, date, page and section (its
        address, if any, is the document's ``url``; a file name is never shown)."""
        doc = self.documents[ref.doc]
        text = f"{doc.title} ({doc.date_text})"
        if ref.page:
            text += f", page {ref.page}"
        if ref.section:
            text += f", « {ref.section} »"
        return text


@dataclass(frozen=True)
class KeyFigure:
    """One key figure of a brochure."""

    id: str
    theme: str
    value: int
    label: str
    detail: str
    qualifier: str | None
    aids: tuple[str, ...]


@dataclass(frozen=True)
class KeyFigureGroup:
    """Key figures sharing a date and a source."""

    id: str
    title: str
    date: dt.date
    date_text: str
    source: SourceRef
    figures: tuple[KeyFigure, ...]
