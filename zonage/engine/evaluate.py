"""The evaluation of the aids at a place, for a profile, on a date: one aid's status with its
reasons, whom to ask, amounts and notes (:func:`evaluate_aid`), every aid (:func:`evaluate`),
and the answer for a profile or for ``tous`` (:func:`aids_at`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zonage.catalogue import Aid, AmountPart, Catalogue, Note, load_catalogue
from zonage.engine.answer import (
    A_VERIFIER,
    ELIGIBLE,
    NON_APPLICABLE,
    RANK,
    SOUS_CONDITION,
    AidResult,
    Answer,
    ProfileGroup,
    Status,
)
from zonage.engine.money import NOTHING, total
from zonage.engine.outcome import Outcome, Question, upper_first
from zonage.engine.personal import personal_test
from zonage.engine.place_tests import place_on, run_test, zone_test
from zonage.engine.references import (
    aid_ref,
    contact_dicts,
    latest_source,
    merged_sources,
    source_dicts,
)
from zonage.errors import InvalidInput
from zonage.place import PlaceFacts
from zonage.profiles import ALL, PROFILE_IDS, label, parse_profile
from zonage.situation import NO_SITUATION, Situation
from zonage.text import fr_date


@dataclass
class _Verdict:
    """An aid's status as it is being decided, with its reasons and whom to ask."""

    status: Status = ELIGIBLE
    reasons: list[str] = field(default_factory=list)
    asks: list[str] = field(default_factory=list)


def evaluate_aid(
    aid: Aid,
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    catalogue: Catalogue | None = None,
    situation: Situation = NO_SITUATION,
) -> AidResult:
    """Evaluate one aid for one concrete profile (not ``tous``) at a place on a date, with
    the answers of « Ma situation »."""
    catalogue = catalogue or load_catalogue()
    verdict, outcomes = _where(aid, place, profile, on, catalogue, situation)
    parts: list[dict[str, Any]] = []
    part_outcomes: list[Outcome] = []
    part_asks: list[str] = []
    for part in aid.amounts:
        if part.profiles is None or profile in part.profiles:
            data, outs, part_ask = _amount_part(part, place, on, catalogue, situation)
            parts.append(data)
            part_outcomes += outs
            part_asks += part_ask
    _through_parts(verdict, parts, part_asks)
    if verdict.status != NON_APPLICABLE:
        _dated_checks(verdict, aid, on)
    all_outcomes = outcomes + part_outcomes
    notes = _notes(aid, on, catalogue, all_outcomes) if verdict.status != NON_APPLICABLE else []
    return _result(aid, place, profile, on, catalogue, verdict, parts, all_outcomes, notes)


def _where(
    aid: Aid,
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    catalogue: Catalogue,
    situation: Situation,
) -> tuple[_Verdict, list[Outcome]]:
    """Profile, date, the aid's place tests (those for this profile) and personal conditions."""
    if profile not in aid.profiles:
        reason = "Aide réservée à : " + ", ".join(label(p) for p in aid.profiles) + "."
        return _Verdict(NON_APPLICABLE, [reason]), []
    if closed := _date_status(aid, on):
        return _Verdict(NON_APPLICABLE, [closed]), []
    tests = [t for t in aid.where if t.profiles is None or profile in t.profiles]
    outcomes = [run_test(t, place, on, catalogue, situation) for t in tests]
    outcomes += [o for t in aid.situation if (o := personal_test(t, on, situation)) is not None]
    return _Verdict(*_combine(outcomes)), outcomes


def _through_parts(verdict: _Verdict, parts: list[dict[str, Any]], part_asks: list[str]) -> None:
    """Amount parts may have their own place tests (e.g. a centre de santé): the aid holds only
    through the parts that hold."""
    if verdict.status == NON_APPLICABLE or any(p["status"] == ELIGIBLE for p in parts):
        return
    if all(p["status"] == NON_APPLICABLE for p in parts):
        verdict.status, verdict.reasons = NON_APPLICABLE, [p["reason"] for p in parts]
        verdict.asks = []
        return
    best = min((p["status"] for p in parts), key=RANK.__getitem__)
    if RANK[best] > RANK[verdict.status]:
        verdict.status = best
    verdict.reasons += [p["reason"] for p in parts if p["status"] == best]
    if best == A_VERIFIER:
        verdict.asks += part_asks


def _dated_checks(verdict: _Verdict, aid: Aid, on: dt.date) -> None:
    """The aid's dated "à vérifier" periods and its standing "à vérifier", if any (the
    personal questions of a conditional aid stay in its questions, not in the reason)."""
    if verdict.status == SOUS_CONDITION and (
        aid.verify is not None or any(_in_range(on, c.start, c.end) for c in aid.checks)
    ):
        verdict.reasons = []
    for check in aid.checks:
        if _in_range(on, check.start, check.end):
            verdict.status = A_VERIFIER
            verdict.reasons.append(check.reason)
            verdict.asks += check.ask
    if aid.verify is not None:
        verdict.status = A_VERIFIER
        verdict.reasons.append(aid.verify.reason)
        verdict.asks += aid.verify.ask


def _notes(aid: Aid, on: dt.date, catalogue: Catalogue, outcomes: Sequence[Outcome]) -> list[str]:
    """Notes of an applicable aid: its dated notes, its tests' notes and how old its most
    recent source is (the zoning's notes go once with the place: see :func:`aids_at`)."""
    notes = _notes_on(aid.notes, on)
    notes += [n for o in outcomes for n in o.notes]
    latest = latest_source(aid, catalogue)
    if latest and on > latest[0]:
        whom = " ou ".join(catalogue.contacts[c].name for c in aid.contact)
        notes.append(
            f"Source la plus récente pour cette aide : {latest[1]}. Rien de plus récent "
            f"n'est connu ici ; à confirmer (contact : {whom})."
        )
    return notes


def _result(
    aid: Aid,
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    catalogue: Catalogue,
    verdict: _Verdict,
    parts: list[dict[str, Any]],
    outcomes: Sequence[Outcome],
    notes: list[str],
) -> AidResult:
    """The aid's :class:`AidResult` once its status is decided."""
    layers = dict.fromkeys(layer for o in outcomes for layer in o.layers)
    inverse = [
        aid_ref(other.id, catalogue, f.note)
        for other in catalogue.aids
        for f in other.may_follow
        if f.id == aid.id
    ]
    amount_text = " ".join(p["text"] for p in parts if p["status"] != NON_APPLICABLE)
    questions: dict[str, Question] = {}
    for o in outcomes:
        if o.result == "unknown" and o.question is not None:
            questions.setdefault(o.question.key, o.question)
    validity = aid.validity
    return AidResult(
        id=aid.id,
        profile=profile,
        status=verdict.status,
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
        other_exclusions=tuple(_notes_on(aid.other_exclusions, on)),
        may_follow=tuple(aid_ref(f.id, catalogue, f.note) for f in aid.may_follow),
        may_be_followed_by=tuple(inverse),
        requires=tuple(aid_ref(r, catalogue) for r in aid.requires),
        valid_from=validity.valid_from.isoformat() if validity.valid_from else None,
        valid_until=validity.valid_until.isoformat() if validity.valid_until else None,
        validity_text=validity.since,
        contact=contact_dicts(aid.contact, catalogue),
        source=source_dicts(merged_sources(aid), catalogue),
        reason=" ".join(_sentence(r) for r in dict.fromkeys(verdict.reasons)) or None,
        ask=contact_dicts(verdict.asks, catalogue) if verdict.status == A_VERIFIER else (),
        checks=tuple({"result": o.result, "text": o.text} for o in outcomes),
        notes=tuple(dict.fromkeys(notes)),
        vintages={k: place.vintages[k] for k in layers if k in place.vintages},
        questions=tuple(questions.values()) if verdict.status != NON_APPLICABLE else (),
        money=total(parts) if verdict.status != NON_APPLICABLE else NOTHING,
    )


def _in_range(on: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or on >= start) and (end is None or on <= end)


def _date_status(aid: Aid, on: dt.date) -> str | None:
    """The reason the aid is closed on this date, or None if open."""
    v = aid.validity
    if v.valid_from and on < v.valid_from:
        assert v.not_yet_reason is not None  # the catalogue requires it with valid_from
        opening = fr_date(v.valid_from)
        return f"{v.not_yet_reason.rstrip('.')} (ouverture le {opening})."
    if v.valid_until and on > v.valid_until:
        return v.closed_reason
    return None


def _exclusions(
    aid: Aid, place: PlaceFacts, on: dt.date, catalogue: Catalogue
) -> tuple[dict[str, Any], ...]:
    """The exclusions that hold here on this date: both aids exist by then (one that has
    closed still counts: a contract already signed bars the other), and a zone-scoped one
    also when the zone is uncertain."""
    return tuple(
        aid_ref(e.id, catalogue, e.note)
        for e in aid.not_combinable_with
        if _started(aid, on)
        and _started(catalogue.get(e.id), on)
        and (
            e.zones is None or zone_test(place, e.zones, on, catalogue, inside=True).result != "no"
        )
    )


def _started(aid: Aid, on: dt.date) -> bool:
    return aid.validity.valid_from is None or on >= aid.validity.valid_from


def _combine(outcomes: Sequence[Outcome]) -> tuple[Status, list[str], list[str]]:
    """Status of a set of tests that must all hold, with the reasons and whom to ask: an
    unknown the user can settle (a personal question) is « sous condition », any other is
    « à vérifier »."""
    if failed := [o for o in outcomes if o.result == "no"]:
        return NON_APPLICABLE, [o.text for o in failed], []
    unknown = [o for o in outcomes if o.result == "unknown"]
    if open_ := [o for o in unknown if o.question is None or not o.question.personal]:
        return A_VERIFIER, [o.text for o in open_], [a for o in open_ for a in o.ask]
    if unknown:
        return SOUS_CONDITION, [o.text for o in unknown], []
    return ELIGIBLE, [], []


def _amount_part(
    part: AmountPart, place: PlaceFacts, on: dt.date, catalogue: Catalogue, situation: Situation
) -> tuple[dict[str, Any], list[Outcome], list[str]]:
    """One amount part as a dictionary with its own status, its test outcomes and asks."""
    outcomes = [run_test(t, place, on, catalogue, situation) for t in part.where]
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
        "paid": part.paid,
        "text": part.text,
        "status": status,
        "reason": " ; ".join(reasons) or None,
    }
    return data, outcomes, asks


def _notes_on(notes: Iterable[Note], on: dt.date) -> list[str]:
    return [n.text for n in notes if _in_range(on, n.start, n.end)]


def _sentence(text: str) -> str:
    text = upper_first(text.strip())
    return text if text.endswith((".", "!", "?", ")")) and not text.endswith("...") else f"{text}."


def evaluate(
    place: PlaceFacts,
    profile: str,
    on: dt.date,
    catalogue: Catalogue | None = None,
    aid_ids: Sequence[str] | None = None,
    situation: Situation = NO_SITUATION,
) -> tuple[AidResult, ...]:
    """Every aid (or those of ``aid_ids``) for one concrete profile, best status first."""
    catalogue = catalogue or load_catalogue()
    if profile == ALL or profile not in PROFILE_IDS:
        raise InvalidInput(
            f"Profil « {profile} » : un profil précis est attendu ici.",
            hint=f"Profils valides : {', '.join(PROFILE_IDS)}.",
        )
    aids = [catalogue.get(i) for i in aid_ids] if aid_ids else list(catalogue.aids)
    place = place.on(on)  # the doctor zoning version in force that day
    results = [evaluate_aid(a, place, profile, on, catalogue, situation) for a in aids]
    order = {a.id: i for i, a in enumerate(catalogue.aids)}
    return tuple(sorted(results, key=lambda r: (RANK[r.status], order[r.id])))


def aids_at(
    place: PlaceFacts,
    profile: str = ALL,
    on: dt.date | None = None,
    *,
    include_all: bool = False,
    aid_ids: Sequence[str] | None = None,
    catalogue: Catalogue | None = None,
    situation: Situation = NO_SITUATION,
) -> Answer:
    """Which aids apply at this place, for this profile (or ``tous``), on this date, with the
    answers of « Ma situation ».

    Non-applicable aids are left out unless ``include_all``; with ``tous`` they are listed only
    under the profiles they are meant for. For one profile the answer carries its summary
    (what is certain, what depends on a question, what is to check: :mod:`.summary`).
    """
    from zonage.engine.summary import summarize

    catalogue = catalogue or load_catalogue()
    profile = parse_profile(profile)
    on = on or dt.date.today()
    place = place_on(place, on, catalogue)
    if aid_ids:
        for aid_id in aid_ids:
            catalogue.get(aid_id)
    groups = []
    every: tuple[AidResult, ...] = ()
    for p in PROFILE_IDS if profile == ALL else (profile,):
        results = every = evaluate(place, p, on, catalogue, aid_ids, situation)
        if profile == ALL:
            results = tuple(r for r in results if p in catalogue.get(r.id).profiles)
        if not include_all:
            results = tuple(r for r in results if r.applicable)
        groups.append(ProfileGroup(profile=p, label=label(p), results=results))
    summary = None
    if profile != ALL and not aid_ids:
        summary = summarize(place, profile, on, situation, catalogue, every)
    return Answer(
        place=place,
        date=on,
        profile=profile,
        include_all=include_all,
        groups=tuple(groups),
        situation=situation,
        summary=summary,
    )
