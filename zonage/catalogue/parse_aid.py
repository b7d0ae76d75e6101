"""One aid entry of ``catalogue.yaml`` → :class:`Aid`, every field checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zonage.catalogue.model import (
    CATEGORIES,
    Aid,
    Condition,
    Contact,
    DatedCheck,
    Document,
    Exclusion,
    Follow,
    SituationTest,
    SourceRef,
    Validity,
)
from zonage.catalogue.parse_parts import (
    parse_amount,
    parse_notes,
    parse_place_tests,
    parse_source_ref,
    parse_verify,
)
from zonage.catalogue.validate import (
    Ctx,
    as_list,
    as_mapping,
    check_keys,
    check_order,
    get_date,
    get_ids,
    get_text,
    get_texts,
    show,
)
from zonage.place import ZONES
from zonage.profiles import PROFILE_IDS
from zonage.situation import KEYS

_AID_KEYS = (
    "id", "name", "acronym", "category", "funders", "profiles", "summary", "where", "amounts",
    "duration", "commitment", "conditions", "situation", "not_combinable_with", "other_exclusions",
    "may_follow", "requires", "validity", "checks", "verify", "notes", "contact", "sources",
)  # fmt: skip
_VALIDITY_KEYS = ("valid_from", "valid_until", "since", "not_yet_reason", "closed_reason", "source")


def parse_aid(
    raw: Any,
    index: int,
    filename: str,
    documents: Mapping[str, Document],
    contacts: Mapping[str, Contact],
) -> Aid:
    """The ``index``-th entry of the ``aids`` list (references to other aids are checked later,
    by :func:`zonage.catalogue.parse.parse_catalogue`)."""
    owner_ctx = Ctx(filename, f"aide n° {index + 1}")
    d = as_mapping(raw, owner_ctx, "aids")
    aid_id = d.get("id")
    if not isinstance(aid_id, str) or not aid_id.strip():
        raise owner_ctx.error("id", f"identifiant texte attendu, trouvé {show(aid_id)}")
    ctx = Ctx(filename, f"aide « {aid_id} »")
    check_keys(d, _AID_KEYS, ctx, "")
    profiles = get_ids(d, "profiles", ctx, "profiles", PROFILE_IDS, required=True, what="profil")
    category = get_ids(d, "category", ctx, "category", CATEGORIES, required=True, what="catégorie")
    amounts = tuple(
        parse_amount(raw_part, ctx, f"amounts[{i}]", profiles, contacts)
        for i, raw_part in enumerate(as_list(d.get("amounts"), ctx, "amounts"))
    )
    if not amounts:
        raise ctx.error("amounts", "au moins un montant (ou kind: none) est attendu")
    conditions = _conditions(d, ctx, profiles)
    exclusions = _exclusions(d, ctx)
    follows = _follows(d, ctx)
    validity = _validity(d, ctx, documents)
    checks = _checks(d, ctx, documents, contacts)
    sources = _sources(d, ctx, documents)
    return Aid(
        id=aid_id.strip(),
        name=get_text(d, "name", ctx, "name"),
        acronym=get_text(d, "acronym", ctx, "acronym", required=False),
        category=category,
        funders=get_texts(d, "funders", ctx, "funders", required=True),
        profiles=profiles,
        summary=get_text(d, "summary", ctx, "summary"),
        where=parse_place_tests(d.get("where"), ctx, "where", contacts),
        amounts=amounts,
        duration=get_text(d, "duration", ctx, "duration", required=False),
        commitment=get_text(d, "commitment", ctx, "commitment", required=False),
        conditions=conditions,
        situation=_situation(d, ctx, documents),
        not_combinable_with=exclusions,
        other_exclusions=parse_notes(d.get("other_exclusions"), ctx, "other_exclusions", documents),
        may_follow=follows,
        requires=get_texts(d, "requires", ctx, "requires", required=False),
        validity=validity,
        checks=checks,
        verify=parse_verify(d["verify"], ctx, "verify", contacts) if d.get("verify") else None,
        notes=parse_notes(d.get("notes"), ctx, "notes", documents),
        contact=get_ids(d, "contact", ctx, "contact", contacts, required=True, what="contact"),
        sources=sources,
    )


def _conditions(d: Mapping[str, Any], ctx: Ctx, profiles: tuple[str, ...]) -> tuple[Condition, ...]:
    """Personal conditions: texts, or ``{text, profiles}`` among the aid's profiles."""
    conditions = []
    for i, c in enumerate(as_list(d.get("conditions") or [], ctx, "conditions")):
        if isinstance(c, str) and c.strip():
            conditions.append(Condition(c.strip()))
            continue
        cd = as_mapping(c, ctx, f"conditions[{i}]")
        check_keys(cd, ("text", "profiles"), ctx, f"conditions[{i}].")
        conditions.append(
            Condition(
                text=get_text(cd, "text", ctx, f"conditions[{i}].text"),
                profiles=get_ids(
                    cd,
                    "profiles",
                    ctx,
                    f"conditions[{i}].profiles",
                    profiles,
                    required=True,
                    what="profil (de l'aide)",
                ),
            )
        )
    return tuple(conditions)


def _situation(
    d: Mapping[str, Any], ctx: Ctx, documents: Mapping[str, Document]
) -> tuple[SituationTest, ...]:
    """``situation``: ``{key, in | none_within_years, from?, source?}`` (keys and answers of
    :mod:`zonage.situation`)."""
    tests = []
    for i, raw in enumerate(as_list(d.get("situation") or [], ctx, "situation")):
        name = f"situation[{i}]"
        sd = as_mapping(raw, ctx, name)
        check_keys(sd, ("key", "in", "none_within_years", "from", "source"), ctx, f"{name}.")
        key = get_text(sd, "key", ctx, f"{name}.key")
        if key not in KEYS:
            raise ctx.error(f"{name}.key", f"question inconnue {show(key)} ({', '.join(KEYS)})")
        spec = KEYS[key]
        values: tuple[str, ...] = ()
        years = sd.get("none_within_years")
        # Each kind of answer has one field: a date is not matched against « in », a choice
        # not counted in years (a field given for the other kind would be silently ignored).
        unused = "in" if spec.is_date else "none_within_years"
        if unused in sd:
            raise ctx.error(f"{name}.{unused}", f"sans objet pour la question {key}")
        if spec.is_date:
            if not isinstance(years, int) or isinstance(years, bool) or years < 1:
                raise ctx.error(f"{name}.none_within_years", "nombre d'années attendu")
        else:
            values = get_ids(sd, "in", ctx, f"{name}.in", tuple(spec.values), required=True,
                             what="réponse")  # fmt: skip
        source = sd.get("source")
        tests.append(
            SituationTest(
                key=key,
                values=values,
                years=years if spec.is_date else None,
                start=get_date(sd, "from", ctx, f"{name}.from"),
                source=parse_source_ref(source, ctx, f"{name}.source", documents)
                if source is not None
                else None,
            )
        )
    return tuple(tests)


def _exclusions(d: Mapping[str, Any], ctx: Ctx) -> tuple[Exclusion, ...]:
    """``not_combinable_with``: aid ids, or ``{id, zones?, note?}``."""
    exclusions = []
    for i, e in enumerate(as_list(d.get("not_combinable_with") or [], ctx, "not_combinable_with")):
        ename = f"not_combinable_with[{i}]"
        if isinstance(e, str):
            exclusions.append(Exclusion(id=e))
            continue
        ed = as_mapping(e, ctx, ename)
        check_keys(ed, ("id", "zones", "note"), ctx, f"{ename}.")
        zones = None
        if "zones" in ed:
            zones = get_ids(ed, "zones", ctx, f"{ename}.zones", ZONES, required=True, what="zone")
        exclusions.append(
            Exclusion(
                id=get_text(ed, "id", ctx, f"{ename}.id"),
                zones=zones,
                note=get_text(ed, "note", ctx, f"{ename}.note", required=False),
            )
        )
    return tuple(exclusions)


def _follows(d: Mapping[str, Any], ctx: Ctx) -> tuple[Follow, ...]:
    """``may_follow``: ``{id, note?}`` of the aids this one may follow."""
    follows = []
    for i, f in enumerate(as_list(d.get("may_follow") or [], ctx, "may_follow")):
        fd = as_mapping(f, ctx, f"may_follow[{i}]")
        check_keys(fd, ("id", "note"), ctx, f"may_follow[{i}].")
        follows.append(
            Follow(
                id=get_text(fd, "id", ctx, f"may_follow[{i}].id"),
                note=get_text(fd, "note", ctx, f"may_follow[{i}].note", required=False),
            )
        )
    return tuple(follows)


def _validity(d: Mapping[str, Any], ctx: Ctx, documents: Mapping[str, Document]) -> Validity:
    """When new contracts are open; each end date needs the reason shown outside it."""
    vd = as_mapping(d.get("validity") or {}, ctx, "validity")
    check_keys(vd, _VALIDITY_KEYS, ctx, "validity.")
    validity = Validity(
        valid_from=get_date(vd, "valid_from", ctx, "validity.valid_from"),
        valid_until=get_date(vd, "valid_until", ctx, "validity.valid_until"),
        since=get_text(vd, "since", ctx, "validity.since", required=False),
        not_yet_reason=get_text(
            vd, "not_yet_reason", ctx, "validity.not_yet_reason", required=False
        ),
        closed_reason=get_text(vd, "closed_reason", ctx, "validity.closed_reason", required=False),
        source=(
            parse_source_ref(vd["source"], ctx, "validity.source", documents)
            if vd.get("source") is not None
            else None
        ),
    )
    check_order(validity.valid_from, validity.valid_until, ctx, "validity.valid_from")
    if validity.valid_until and not validity.closed_reason:
        raise ctx.error("validity.closed_reason", "obligatoire quand valid_until est donné")
    if validity.valid_from and not validity.not_yet_reason:
        raise ctx.error("validity.not_yet_reason", "obligatoire quand valid_from est donné")
    return validity


def _checks(
    d: Mapping[str, Any],
    ctx: Ctx,
    documents: Mapping[str, Document],
    contacts: Mapping[str, Contact],
) -> tuple[DatedCheck, ...]:
    """Dated "à vérifier" periods, each with its source."""
    checks = []
    for i, c in enumerate(as_list(d.get("checks") or [], ctx, "checks")):
        cname = f"checks[{i}]"
        cd = as_mapping(c, ctx, cname)
        check_keys(cd, ("from", "until", "reason", "ask", "source"), ctx, f"{cname}.")
        start, end = (
            get_date(cd, "from", ctx, f"{cname}.from"),
            get_date(cd, "until", ctx, f"{cname}.until"),
        )
        check_order(start, end, ctx, f"{cname}.from")
        if cd.get("source") is None:
            raise ctx.error(f"{cname}.source", "source obligatoire pour un fait daté")
        checks.append(
            DatedCheck(
                start=start,
                end=end,
                reason=get_text(cd, "reason", ctx, f"{cname}.reason"),
                ask=get_ids(
                    cd, "ask", ctx, f"{cname}.ask", contacts, required=True, what="contact"
                ),
                source=parse_source_ref(cd["source"], ctx, f"{cname}.source", documents),
            )
        )
    return tuple(checks)


def _sources(
    d: Mapping[str, Any], ctx: Ctx, documents: Mapping[str, Document]
) -> tuple[SourceRef, ...]:
    """The aid's sources: at least one."""
    sources = tuple(
        parse_source_ref(s, ctx, f"sources[{i}]", documents)
        for i, s in enumerate(as_list(d.get("sources"), ctx, "sources"))
    )
    if not sources:
        raise ctx.error("sources", "au moins une source est obligatoire")
    return sources
