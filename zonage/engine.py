"""Eligibility engine: pure functions of (place facts, profile, date) over the aid catalogue.

For each aid the engine answers ``eligible`` (place, profile and date qualify; personal
conditions are listed), ``a_verifier`` (the place may qualify but the data cannot say; whom to
ask is given) or ``non_applicable`` (with the reason). It reads the rules from the catalogue and
knows only the generic vocabulary of place tests (zones, outside_zones, any_of, zrr, frr): no
rule is written here for one aid in particular.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from zonage.catalogue import (
    Aid,
    AmountPart,
    Catalogue,
    Exclusion,
    Note,
    PlaceTest,
    SourceRef,
    load_catalogue,
)
from zonage.errors import InvalidInput
from zonage.place import PRIORITY_DEPARTMENTS, PlaceFacts
from zonage.profiles import ALL, PROFILE_IDS, label, parse_profile
from zonage.text import quoted

Status = Literal["eligible", "a_verifier", "non_applicable"]
ELIGIBLE: Status = "eligible"
A_VERIFIER: Status = "a_verifier"
NON_APPLICABLE: Status = "non_applicable"
STATUSES: tuple[Status, ...] = (ELIGIBLE, A_VERIFIER, NON_APPLICABLE)
STATUS_LABELS: dict[str, str] = {
    ELIGIBLE: "Éligible",
    A_VERIFIER: "À vérifier",
    NON_APPLICABLE: "Non applicable",
}
_RANK = {s: i for i, s in enumerate(STATUSES)}

Result = Literal["yes", "no", "unknown"]

# Whom to ask when a place test cannot decide, by kind of test (contact ids of the catalogue).
_DEFAULT_ASK: dict[str, tuple[str, ...]] = {
    "zones": ("ars",),
    "outside_zones": ("ars",),
    "any_of": ("ars",),
    "zrr": ("ddfip",),
    "frr": ("ddfip",),
}
# FRR codes that never decide on their own (see zonage.place.FRR_LABELS).
_FRR_UNCERTAIN: dict[int, str] = {
    1: "commune bénéficiaire du régime FRR à titre transitoire (ancienne ZRR) : durée et "
    "conditions à vérifier",
    2: "commune nouvelle partiellement classée FRR : le classement dépend de l'adresse exacte",
}
# ASCII digits only: "\d" alone would take other scripts' digits (full-width "２０２４").
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
# Spaces around a date (shell quoting, a paste) are forgiven; nothing else is.
_BLANKS = " \t\r\n"


# ----------------------------------------------------------------------------- inputs


def parse_date(text: str | None, *, today: dt.date | None = None) -> dt.date:
    """A ``YYYY-MM-DD`` date in ASCII digits, spaces around it forgiven (``None`` or empty
    means today); :class:`InvalidInput` otherwise."""
    if text is None or not text.strip(_BLANKS):
        return today or dt.date.today()
    value = text.strip(_BLANKS)
    if _DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(
        f"Date illisible {quoted(value)}.",
        hint="Format attendu : AAAA-MM-JJ (par exemple 2024-07-01).",
    )


# ----------------------------------------------------------------------------- place tests


@dataclass(frozen=True)
class Outcome:
    """What one place test says about a place: yes, no or unknown, and why."""

    result: Result
    text: str
    ask: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _names(qpvs: Iterable[Any]) -> str:
    return ", ".join(f"« {q.nom} »" for q in qpvs)


def may_be_in_qpv(place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> tuple[bool, str]:
    """Whether the place may lie in a QPV on that date, and the French explanation.

    Before the 2024 list took over only the 2015 list counts; afterwards a point outside every
    2015 polygon may still be in a 2024 QPV of its commune (their shapes are not available).
    """
    list_2024 = on >= catalogue.rules.qpv_list_2024_from
    if place.precision == "point":
        if place.qpv is not None:
            return True, f"le lieu est dans le QPV « {place.qpv.nom} » ({place.qpv.code})"
        if list_2024 and place.qpv2024:
            return True, (
                "le lieu est hors des QPV de 2015 mais la commune compte des QPV de la liste "
                f"2024 ({_names(place.qpv2024)}) dont les contours ne sont pas disponibles"
            )
        return False, "le lieu n'est dans aucun QPV"
    qpvs = (place.qpv2024 or place.qpv2015_commune) if list_2024 else place.qpv2015_commune
    if qpvs:
        return True, f"la commune compte des QPV ({_names(qpvs)}) et le lieu exact n'est pas connu"
    return False, "la commune ne compte aucun QPV"


def _zone_test(
    place: PlaceFacts, zones: Sequence[str], on: dt.date, catalogue: Catalogue, *, inside: bool
) -> Outcome:
    zone = place.zonage_medecins
    wanted = " ou ".join(zones)
    layers: tuple[str, ...] = ("zonage_medecins",)
    if zone is None:
        return Outcome(
            "unknown",
            "la commune n'a pas de classement dans le fichier du zonage médecins : "
            "classement à vérifier",
            layers=layers,
        )
    # In a ZAC commune, a QPV may be classed ZIP: that only matters when the test tells ZIP
    # from ZAC (ZIP-only, ZAC-only, outside ZIP), not for "ZIP or ZAC".
    if zone == "ZAC" and ("ZIP" in zones) != ("ZAC" in zones):
        maybe, why = may_be_in_qpv(place, on, catalogue)
        layers += ("qpv2015", "qpv2024")
        if maybe:
            return Outcome(
                "unknown",
                f"commune en ZAC, mais {why} ; certains QPV des communes en ZAC sont classés ZIP "
                "(liste non disponible ici) : le lieu peut être en ZIP",
                layers=layers,
            )
    member = zone in zones
    if inside:
        if member:
            return Outcome("yes", f"commune en {zone} (zonage médecins)", layers=layers)
        return Outcome("no", f"commune en {zone} : aide réservée à la zone {wanted}", layers=layers)
    if member:
        return Outcome(
            "no", f"commune en {zone} : aide réservée aux lieux hors {wanted}", layers=layers
        )
    return Outcome("yes", f"commune en {zone}, hors {wanted} (zonage médecins)", layers=layers)


def _qpv_status(place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    """QPV membership on a date: the 2015 list before the 2024 list took over."""
    if on < catalogue.rules.qpv_list_2024_from:
        layers = ("qpv2015",)
        if place.precision == "point":
            if place.qpv is not None:
                return Outcome(
                    "yes", f"lieu dans le QPV « {place.qpv.nom} » ({place.qpv.code})", layers=layers
                )
            return Outcome("no", "lieu hors QPV", layers=layers)
        if place.qpv2015_commune:
            return Outcome(
                "unknown",
                f"la commune compte des QPV ({_names(place.qpv2015_commune)}) et le lieu exact "
                "n'est pas connu",
                layers=layers,
            )
        return Outcome("no", "commune sans QPV", layers=layers)
    layers = ("qpv2015", "qpv2024")
    since = catalogue.rules.qpv_list_2024_from.strftime("%d/%m/%Y")
    if not place.qpv2024:
        notes: tuple[str, ...] = ()
        if place.precision == "point" and place.qpv is not None:
            notes = (
                f"Le lieu est dans l'ancien QPV « {place.qpv.nom} » (liste 2015), absent de la "
                f"liste des QPV en vigueur depuis le {since} pour cette commune.",
            )
        return Outcome("no", "commune sans QPV (liste 2024)", layers=layers, notes=notes)
    if place.precision == "point":
        if place.qpv is not None:
            return Outcome(
                "yes",
                f"lieu dans le QPV « {place.qpv.nom} » ({place.qpv.code})",
                layers=layers,
                notes=(
                    f"Appartenance au QPV établie sur les contours de 2015 ; la liste des QPV a "
                    f"été renouvelée le {since} et les contours 2024 ne sont pas disponibles.",
                ),
            )
        return Outcome(
            "unknown",
            "lieu hors des QPV de 2015, mais la commune compte des QPV de la liste 2024 "
            f"({_names(place.qpv2024)}) dont les contours ne sont pas disponibles",
            layers=layers,
        )
    return Outcome(
        "unknown",
        f"la commune compte des QPV ({_names(place.qpv2024)}) et le lieu exact n'est pas connu",
        layers=layers,
    )


def _territory_fact(fact: str, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    if fact == "massif":
        if place.massif:
            return Outcome("yes", f"commune du massif « {place.massif} »", layers=("massif",))
        return Outcome("no", "commune hors massif (montagne ou massif)", layers=("massif",))
    if fact == "departement_prioritaire":
        if place.departement_prioritaire:
            return Outcome(
                "yes", f"département prioritaire {place.departement} {place.departement_nom}"
            )
        return Outcome(
            "no",
            f"département {place.departement} hors des départements prioritaires "
            f"({', '.join(PRIORITY_DEPARTMENTS)})",
        )
    return _qpv_status(place, on, catalogue)


def _any_of(test: PlaceTest, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    parts = [_territory_fact(f, place, on, catalogue) for f in test.values]
    layers = tuple(dict.fromkeys(layer for p in parts for layer in p.layers))
    notes = tuple(dict.fromkeys(n for p in parts for n in p.notes))
    for result in ("yes", "unknown"):
        chosen = [p for p in parts if p.result == result]
        if chosen:
            # Notes of facts that did not decide would only confuse.
            kept = tuple(dict.fromkeys(n for p in chosen for n in p.notes))
            return Outcome(result, " ; ".join(p.text for p in chosen), layers=layers, notes=kept)
    return Outcome("no", " ; ".join(p.text for p in parts), layers=layers, notes=notes)


def _zrr_test(test: PlaceTest, place: PlaceFacts) -> Outcome:
    layers = ("zrr",)
    if place.zrr in test.values:
        return Outcome("yes", f"commune {_ZRR_TEXT[place.zrr]}", layers=layers)
    if place.zrr == "partiellement_classee":
        return Outcome(
            "unknown",
            "commune partiellement classée en ZRR (commune fusionnée) : le classement dépend de "
            "l'adresse exacte",
            layers=layers,
        )
    return Outcome("no", f"commune {_ZRR_TEXT.get(place.zrr, place.zrr)}", layers=layers)


_ZRR_TEXT = {
    "classee": "classée en ZRR",
    "non_classee": "non classée en ZRR",
    "partiellement_classee": "partiellement classée en ZRR",
}


def _frr_test(test: PlaceTest, place: PlaceFacts) -> Outcome:
    layers = ("frr",)
    if place.frr_code in test.values:
        return Outcome("yes", f"commune classée « {place.frr} »", layers=layers)
    if place.frr_code in _FRR_UNCERTAIN:
        return Outcome("unknown", _FRR_UNCERTAIN[place.frr_code], layers=layers)
    return Outcome("no", f"classement FRR de la commune : « {place.frr} »", layers=layers)


def run_test(test: PlaceTest, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> Outcome:
    """Run one place test of the catalogue (role, default asks and ``otherwise`` applied)."""
    if test.kind in ("zones", "outside_zones"):
        out = _zone_test(place, test.values, on, catalogue, inside=test.kind == "zones")
    elif test.kind == "any_of":
        out = _any_of(test, place, on, catalogue)
    elif test.kind == "zrr":
        out = _zrr_test(test, place)
    else:
        out = _frr_test(test, place)
    text, ask = out.text, _DEFAULT_ASK[test.kind] if out.result == "unknown" else ()
    result: Result = out.result
    if test.otherwise is not None:
        if result == "no":
            result, ask, text = "unknown", test.otherwise.ask, test.otherwise.reason
        elif result == "unknown":
            ask = tuple(dict.fromkeys((*ask, *test.otherwise.ask)))
    if test.role:
        text = f"{_upper_first(test.role)} : {text}"
    return Outcome(result, _upper_first(text), ask=ask, layers=out.layers, notes=out.notes)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class AidResult:
    """One aid evaluated for one place, profile and date, ready to show or serialise."""

    id: str
    profile: str
    status: Status
    name: str
    acronym: str | None
    display_name: str
    category: tuple[str, ...]
    funders: tuple[str, ...]
    summary: str
    amount: dict[str, Any]
    duration: str | None
    commitment: str | None
    conditions: tuple[str, ...]
    not_combinable_with: tuple[dict[str, Any], ...]
    other_exclusions: tuple[str, ...]
    may_follow: tuple[dict[str, Any], ...]
    may_be_followed_by: tuple[dict[str, Any], ...]
    requires: tuple[dict[str, Any], ...]
    valid_from: str | None
    valid_until: str | None
    validity_text: str | None
    contact: tuple[dict[str, str], ...]
    source: tuple[dict[str, Any], ...]
    reason: str | None
    ask: tuple[dict[str, str], ...]
    checks: tuple[dict[str, str], ...]
    notes: tuple[str, ...]
    vintages: dict[str, str] = field(default_factory=dict)

    @property
    def applicable(self) -> bool:
        """True for ``eligible`` and ``a_verifier``."""
        return self.status != NON_APPLICABLE

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``zonage aids --json`` shape of one aid)."""
        return {
            "id": self.id,
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "profile": self.profile,
            "name": self.name,
            "acronym": self.acronym,
            "display_name": self.display_name,
            "category": list(self.category),
            "funders": list(self.funders),
            "summary": self.summary,
            "amount": self.amount,
            "duration": self.duration,
            "commitment": self.commitment,
            "conditions": list(self.conditions),
            "not_combinable_with": [dict(x) for x in self.not_combinable_with],
            "other_exclusions": list(self.other_exclusions),
            "may_follow": [dict(x) for x in self.may_follow],
            "may_be_followed_by": [dict(x) for x in self.may_be_followed_by],
            "requires": [dict(x) for x in self.requires],
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "validity_text": self.validity_text,
            "contact": [dict(x) for x in self.contact],
            "source": [dict(x) for x in self.source],
            "reason": self.reason,
            "ask": [dict(x) for x in self.ask],
            "checks": [dict(x) for x in self.checks],
            "notes": list(self.notes),
            "vintages": dict(self.vintages),
        }


def _in_range(on: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or on >= start) and (end is None or on <= end)


def _fr_date(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def _date_status(aid: Aid, on: dt.date) -> str | None:
    """The reason the aid is closed on this date, or None if open."""
    v = aid.validity
    if v.valid_from and on < v.valid_from:
        return f"{v.not_yet_reason.rstrip('.')} (ouverture le {_fr_date(v.valid_from)})."
    if v.valid_until and on > v.valid_until:
        return v.closed_reason
    return None


def _source_dicts(refs: Iterable[SourceRef], catalogue: Catalogue) -> tuple[dict[str, Any], ...]:
    out = []
    for ref in refs:
        doc = catalogue.documents[ref.doc]
        out.append(
            {
                "doc": ref.doc,
                "title": doc.title,
                "publisher": doc.publisher,
                "date": doc.date.isoformat() if doc.date else None,
                "date_text": doc.date_text,
                "file": doc.file,
                "url": doc.url,
                "page": ref.page,
                "section": ref.section,
                "quote": ref.quote,
                "text": catalogue.cite(ref),
            }
        )
    return tuple(out)


def _merged_sources(aid: Aid) -> list[SourceRef]:
    """The aid's sources plus the source of its dated facts, each place cited once."""
    refs: dict[tuple[str, str | None, str | None], SourceRef] = {}
    extra = [aid.validity.source] if aid.validity.source else []
    for ref in [*aid.sources, *extra]:
        key = (ref.doc, ref.page, ref.section)
        if key in refs:
            if ref.quote and not refs[key].quote:
                refs[key] = ref
            continue
        refs[key] = ref
    return list(refs.values())


def _contacts(ids: Iterable[str], catalogue: Catalogue) -> tuple[dict[str, str], ...]:
    out = []
    for cid in dict.fromkeys(ids):
        c = catalogue.contacts[cid]
        out.append({"id": c.id, "name": c.name, "how": c.how})
    return tuple(out)


def _aid_ref(aid_id: str, catalogue: Catalogue, note: str | None = None) -> dict[str, Any]:
    return {"id": aid_id, "name": catalogue.get(aid_id).display_name, "note": note}


def _exclusions(
    aid: Aid, place: PlaceFacts, on: dt.date, catalogue: Catalogue
) -> tuple[dict[str, Any], ...]:
    """The exclusions that hold here (a zone-scoped one also when the zone is uncertain)."""
    out = []
    for e in aid.not_combinable_with:
        if e.zones is not None and not _exclusion_applies(e, place, on, catalogue):
            continue
        out.append(_aid_ref(e.id, catalogue, e.note))
    return tuple(out)


def _exclusion_applies(e: Exclusion, place: PlaceFacts, on: dt.date, catalogue: Catalogue) -> bool:
    assert e.zones is not None
    return _zone_test(place, e.zones, on, catalogue, inside=True).result != "no"


def _combine(outcomes: Sequence[Outcome]) -> tuple[Status, list[str], list[str]]:
    """Status of a set of place tests that must all hold, with the reasons and whom to ask."""
    if failed := [o for o in outcomes if o.result == "no"]:
        return NON_APPLICABLE, [o.text for o in failed], []
    if unknown := [o for o in outcomes if o.result == "unknown"]:
        return A_VERIFIER, [o.text for o in unknown], [a for o in unknown for a in o.ask]
    return ELIGIBLE, [], []


def _amount_part(
    part: AmountPart, place: PlaceFacts, on: dt.date, catalogue: Catalogue
) -> tuple[dict[str, Any], list[Outcome], list[str]]:
    """One amount part as a dictionary with its own status, its test outcomes and asks."""
    outcomes = [run_test(t, place, on, catalogue) for t in part.where]
    status, reasons, asks = _combine(outcomes)
    data = {
        "kind": part.kind,
        "label": part.label,
        "value": part.value,
        "min": part.min,
        "max": part.max,
        "percent": part.percent,
        "cap": part.cap,
        "cap_period": part.cap_period,
        "currency": None if part.kind in ("exemption", "none") else "EUR",
        "text": part.text,
        "status": status,
        "reason": " ; ".join(reasons) or None,
    }
    return data, outcomes, asks


def _latest_source(aid: Aid, catalogue: Catalogue) -> tuple[dt.date, str] | None:
    refs = [*aid.sources, *(c.source for c in aid.checks if c.source)]
    if aid.validity.source:
        refs.append(aid.validity.source)
    dated = [catalogue.documents[r.doc] for r in refs if catalogue.documents[r.doc].date]
    if not dated:
        return None
    doc = max(dated, key=lambda d: d.date)  # type: ignore[arg-type,return-value]
    assert doc.date is not None
    return doc.date, f"{doc.title} ({doc.date_text})"


def _notes_on(notes: Iterable[Note], on: dt.date) -> list[str]:
    return [n.text for n in notes if _in_range(on, n.start, n.end)]


def evaluate_aid(
    aid: Aid,
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    catalogue: Catalogue | None = None,
) -> AidResult:
    """Evaluate one aid for one concrete profile (not ``tous``) at a place on a date."""
    catalogue = catalogue or load_catalogue()
    status: Status = ELIGIBLE
    reasons: list[str] = []
    asks: list[str] = []
    outcomes: list[Outcome] = []
    notes: list[str] = []
    parts: list[dict[str, Any]] = []

    closed = _date_status(aid, on)
    if profile not in aid.profiles:
        status = NON_APPLICABLE
        reasons.append("Aide réservée à : " + ", ".join(label(p) for p in aid.profiles) + ".")
    elif closed:
        status = NON_APPLICABLE
        reasons.append(closed)
    else:
        tests = [t for t in aid.where if t.profiles is None or profile in t.profiles]
        outcomes = [run_test(t, place, on, catalogue) for t in tests]
        status, reasons, asks = _combine(outcomes)

    # Amount parts may have their own place tests (e.g. a centre de santé): the aid holds only
    # through the parts that hold.
    part_outcomes: list[Outcome] = []
    part_asks: list[str] = []
    for part in aid.amounts:
        if part.profiles is None or profile in part.profiles:
            data, outs, part_ask = _amount_part(part, place, on, catalogue)
            parts.append(data)
            part_outcomes += outs
            part_asks += part_ask
    if status != NON_APPLICABLE and not any(p["status"] == ELIGIBLE for p in parts):
        if all(p["status"] == NON_APPLICABLE for p in parts):
            status, reasons, asks = NON_APPLICABLE, [p["reason"] for p in parts], []
        else:
            status = A_VERIFIER
            reasons += [p["reason"] for p in parts if p["status"] == A_VERIFIER]
            asks += part_asks

    if status != NON_APPLICABLE:
        for check in aid.checks:
            if _in_range(on, check.start, check.end):
                status = A_VERIFIER
                reasons.append(check.reason)
                asks += check.ask
        if aid.verify is not None:
            status = A_VERIFIER
            reasons.append(aid.verify.reason)
            asks += aid.verify.ask

    all_outcomes = outcomes + part_outcomes
    if status != NON_APPLICABLE:
        notes += _notes_on(aid.notes, on)
        notes += [n for o in all_outcomes for n in o.notes]
        if any("zonage_medecins" in o.layers for o in all_outcomes):
            notes += _notes_on(catalogue.rules.zoning_notes, on)
        latest = _latest_source(aid, catalogue)
        if latest and on > latest[0]:
            whom = " ou ".join(catalogue.contacts[c].name for c in aid.contact)
            notes.append(
                f"Source la plus récente pour cette aide : {latest[1]}. Rien de plus récent "
                f"n'est connu ici ; à confirmer (contact : {whom})."
            )

    layers = dict.fromkeys(layer for o in all_outcomes for layer in o.layers)
    inverse = [
        _aid_ref(other.id, catalogue, f.note)
        for other in catalogue.aids
        for f in other.may_follow
        if f.id == aid.id
    ]
    amount_text = " ".join(p["text"] for p in parts if p["status"] != NON_APPLICABLE)
    return AidResult(
        id=aid.id,
        profile=profile,
        status=status,
        name=aid.name,
        acronym=aid.acronym,
        display_name=aid.display_name,
        category=aid.category,
        funders=aid.funders,
        summary=aid.summary,
        amount={"text": amount_text or " ".join(p["text"] for p in parts), "parts": parts},
        duration=aid.duration,
        commitment=aid.commitment,
        conditions=tuple(
            c.text for c in aid.conditions if c.profiles is None or profile in c.profiles
        ),
        not_combinable_with=_exclusions(aid, place, on, catalogue),
        other_exclusions=aid.other_exclusions,
        may_follow=tuple(_aid_ref(f.id, catalogue, f.note) for f in aid.may_follow),
        may_be_followed_by=tuple(inverse),
        requires=tuple(_aid_ref(r, catalogue) for r in aid.requires),
        valid_from=aid.validity.valid_from.isoformat() if aid.validity.valid_from else None,
        valid_until=aid.validity.valid_until.isoformat() if aid.validity.valid_until else None,
        validity_text=aid.validity.since,
        contact=_contacts(aid.contact, catalogue),
        source=_source_dicts(_merged_sources(aid), catalogue),
        reason=" ".join(_sentence(r) for r in dict.fromkeys(reasons)) or None,
        ask=_contacts(asks, catalogue) if status == A_VERIFIER else (),
        checks=tuple({"result": o.result, "text": o.text} for o in all_outcomes),
        notes=tuple(dict.fromkeys(notes)),
        vintages={k: place.vintages[k] for k in layers if k in place.vintages},
    )


def _sentence(text: str) -> str:
    text = _upper_first(text.strip())
    return text if text.endswith((".", "!", "?", ")")) and not text.endswith("...") else f"{text}."


def evaluate(
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    catalogue: Catalogue | None = None,
    aid_ids: Sequence[str] | None = None,
) -> tuple[AidResult, ...]:
    """Every aid (or those of ``aid_ids``) for one concrete profile, best status first."""
    catalogue = catalogue or load_catalogue()
    if profile == ALL or profile not in PROFILE_IDS:
        raise InvalidInput(
            f"Profil « {profile} » : un profil précis est attendu ici.",
            hint=f"Profils valides : {', '.join(PROFILE_IDS)}.",
        )
    aids = [catalogue.get(i) for i in aid_ids] if aid_ids else list(catalogue.aids)
    results = [evaluate_aid(a, place, profile, on, catalogue) for a in aids]
    order = {a.id: i for i, a in enumerate(catalogue.aids)}
    return tuple(sorted(results, key=lambda r: (_RANK[r.status], order[r.id])))


# ----------------------------------------------------------------------------- answer


@dataclass(frozen=True)
class ProfileGroup:
    """The aids of one profile."""

    profile: str
    label: str
    results: tuple[AidResult, ...]


@dataclass(frozen=True)
class Answer:
    """The answer to "which aids, here, for this profile, on this date"."""

    place: PlaceFacts
    date: dt.date
    profile: str
    include_all: bool
    groups: tuple[ProfileGroup, ...]

    def aids(self) -> list[dict[str, Any]]:
        """The aids as dictionaries; for ``tous``, each aid once with its best status and the
        profiles it applies to."""
        if self.profile != ALL:
            return [r.to_dict() for g in self.groups for r in g.results]
        best: dict[str, AidResult] = {}
        profiles: dict[str, list[str]] = {}
        for g in self.groups:
            for r in g.results:
                if r.applicable:
                    profiles.setdefault(r.id, []).append(g.profile)
                if r.id not in best or _RANK[r.status] < _RANK[best[r.id].status]:
                    best[r.id] = r
        out = []
        for aid_id, r in best.items():
            d = r.to_dict()
            d["profiles"] = profiles.get(aid_id, [])
            out.append(d)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (the ``zonage aids --json`` shape)."""
        aids = self.aids()
        counts = {s: 0 for s in STATUSES}
        for a in aids:
            counts[a["status"]] += 1
        return {
            "place": self.place.to_dict(),
            "date": self.date.isoformat(),
            "profile": self.profile,
            "profile_label": label(self.profile),
            "counts": counts,
            "aids": aids,
            "groups": [
                {"profile": g.profile, "label": g.label, "aids": [r.to_dict() for r in g.results]}
                for g in self.groups
            ],
        }


def aids_at(
    place: PlaceFacts,
    profile: str = ALL,
    on: dt.date | None = None,
    *,
    include_all: bool = False,
    aid_ids: Sequence[str] | None = None,
    catalogue: Catalogue | None = None,
) -> Answer:
    """Which aids apply at this place, for this profile (or ``tous``), on this date.

    Non-applicable aids are left out unless ``include_all``; with ``tous`` they are listed only
    under the profiles they are meant for.
    """
    catalogue = catalogue or load_catalogue()
    profile = parse_profile(profile)
    on = on or dt.date.today()
    if aid_ids:
        for aid_id in aid_ids:
            catalogue.get(aid_id)
    groups = []
    for p in PROFILE_IDS if profile == ALL else (profile,):
        results = evaluate(place, p, on, catalogue, aid_ids)
        if profile == ALL:
            results = tuple(r for r in results if p in catalogue.get(r.id).profiles)
        if not include_all:
            results = tuple(r for r in results if r.applicable)
        groups.append(ProfileGroup(profile=p, label=label(p), results=results))
    return Answer(
        place=place, date=on, profile=profile, include_all=include_all, groups=tuple(groups)
    )
