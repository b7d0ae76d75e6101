"""Parts shared by catalogue entries: source references, "à vérifier" outcomes, place tests,
amounts and dated notes, each built from its YAML table and checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zonage.catalogue.model import (
    AMOUNT_KINDS,
    CAP_PERIODS,
    TERRITORY_FACTS,
    TEST_KINDS,
    ZRR_VALUES,
    AmountPart,
    Contact,
    Document,
    Note,
    PlaceTest,
    SourceRef,
    Verify,
)
from zonage.catalogue.validate import (
    Ctx,
    as_list,
    as_mapping,
    check_keys,
    check_order,
    get_date,
    get_ids,
    get_number,
    get_text,
    show,
)
from zonage.place import FRR_LABELS, ZONES
from zonage.profiles import PROFILE_IDS


def parse_source_ref(
    value: Any, ctx: Ctx, name: str, documents: Mapping[str, Document]
) -> SourceRef:
    """A ``{doc, page?, section?, quote?}`` reference to a known document."""
    d = as_mapping(value, ctx, name)
    check_keys(d, ("doc", "page", "section", "quote"), ctx, f"{name}.")
    doc = get_text(d, "doc", ctx, f"{name}.doc")
    if doc not in documents:
        raise ctx.error(f"{name}.doc", f"document inconnu « {doc} »")
    page = d.get("page")
    if page is not None:
        page = str(page).strip()
        if not page.startswith("#"):
            raise ctx.error(f"{name}.page", f"repère de page attendu (« #12 »), trouvé {page!r}")
    return SourceRef(
        doc=doc,
        page=page,
        section=get_text(d, "section", ctx, f"{name}.section", required=False),
        quote=get_text(d, "quote", ctx, f"{name}.quote", required=False),
    )


def parse_verify(value: Any, ctx: Ctx, name: str, contacts: Mapping[str, Contact]) -> Verify:
    """A ``{reason, ask}`` "à vérifier" outcome naming known contacts."""
    d = as_mapping(value, ctx, name)
    check_keys(d, ("reason", "ask"), ctx, f"{name}.")
    return Verify(
        reason=get_text(d, "reason", ctx, f"{name}.reason"),
        ask=get_ids(d, "ask", ctx, f"{name}.ask", contacts, required=True, what="contact"),
    )


def parse_place_tests(
    value: Any, ctx: Ctx, name: str, contacts: Mapping[str, Contact]
) -> tuple[PlaceTest, ...]:
    """A ``where`` list: one test kind per item, its values from the zone vocabulary."""
    if value is None:
        return ()
    tests = []
    for i, raw in enumerate(as_list(value, ctx, name)):
        tname = f"{name}[{i}]"
        d = as_mapping(raw, ctx, tname)
        check_keys(d, (*TEST_KINDS, "profiles", "role", "otherwise"), ctx, f"{tname}.")
        kinds = [k for k in TEST_KINDS if k in d]
        if len(kinds) != 1:
            raise ctx.error(tname, f"un seul test attendu parmi {', '.join(TEST_KINDS)}")
        kind = kinds[0]
        kname = f"{tname}.{kind}"
        values = tuple(as_list(d[kind], ctx, kname))
        if not values:
            raise ctx.error(kname, "liste vide")
        valid: tuple[Any, ...] = {
            "zones": ZONES,
            "outside_zones": ZONES,
            "any_of": TERRITORY_FACTS,
            "zrr": ZRR_VALUES,
            "frr": tuple(FRR_LABELS),
        }[kind]
        for v in values:
            if v not in valid or isinstance(v, bool):
                raise ctx.error(kname, f"valeur inconnue {show(v)} (valides : {list(valid)})")
        profiles = None
        if "profiles" in d:
            profiles = get_ids(
                d, "profiles", ctx, f"{tname}.profiles", PROFILE_IDS, required=True, what="profil"
            )
        otherwise = None
        if d.get("otherwise") is not None:
            otherwise = parse_verify(d["otherwise"], ctx, f"{tname}.otherwise", contacts)
        tests.append(
            PlaceTest(
                kind=kind,
                values=values,
                profiles=profiles,
                role=get_text(d, "role", ctx, f"{tname}.role", required=False),
                otherwise=otherwise,
            )
        )
    return tuple(tests)


_AMOUNT_KEYS = (
    "kind", "text", "label", "value", "min", "max", "percent", "cap", "cap_period", "profiles",
    "where", "paid",
)  # fmt: skip


def parse_amount(
    raw: Any, ctx: Ctx, name: str, aid_profiles: tuple[str, ...], contacts: Mapping[str, Contact]
) -> AmountPart:
    """One amount part: the numbers its ``kind`` needs and no others."""
    d = as_mapping(raw, ctx, name)
    check_keys(d, _AMOUNT_KEYS, ctx, f"{name}.")
    kind = get_text(d, "kind", ctx, f"{name}.kind")
    if kind not in AMOUNT_KINDS:
        raise ctx.error(
            f"{name}.kind", f"type inconnu « {kind} » (valides : {', '.join(AMOUNT_KINDS)})"
        )
    nums = {
        k: get_number(d, k, ctx, f"{name}.{k}") for k in ("value", "min", "max", "percent", "cap")
    }
    present = {k for k, v in nums.items() if v is not None}
    needed: dict[str, tuple[set[str], set[str]]] = {
        # kind: (required, allowed)
        "fixed": ({"value"}, {"value"}),
        "range": ({"min", "max"}, {"min", "max"}),
        "percentage_with_cap": ({"percent", "cap"}, {"percent", "cap"}),
    }
    if kind in needed:
        required, allowed = needed[kind]
    elif kind.startswith("per_"):
        required, allowed = set(), {"value", "min", "max"}
        if not present & allowed:
            raise ctx.error(name, f"« {kind} » demande value, min ou max")
    else:
        required, allowed = set(), set()
    if missing := sorted(required - present):
        raise ctx.error(f"{name}.{missing[0]}", f"valeur obligatoire pour « {kind} »")
    if extra := sorted(present - allowed):
        raise ctx.error(f"{name}.{extra[0]}", f"sans objet pour « {kind} »")
    if nums["min"] is not None and nums["max"] is not None and nums["min"] > nums["max"]:
        raise ctx.error(f"{name}.min", "min supérieur à max")
    cap_period = d.get("cap_period")
    if kind == "percentage_with_cap":
        if cap_period not in CAP_PERIODS:
            raise ctx.error(f"{name}.cap_period", f"une valeur parmi {', '.join(CAP_PERIODS)}")
    elif cap_period is not None:
        raise ctx.error(f"{name}.cap_period", f"sans objet pour « {kind} »")
    profiles = None
    if "profiles" in d:
        profiles = get_ids(
            d,
            "profiles",
            ctx,
            f"{name}.profiles",
            aid_profiles,
            required=True,
            what="profil (de l'aide)",
        )
    paid = d.get("paid", True)
    if not isinstance(paid, bool):
        raise ctx.error(f"{name}.paid", f"true ou false attendu, trouvé {show(paid)}")
    if not paid and kind in ("exemption", "unspecified", "none"):
        raise ctx.error(f"{name}.paid", f"sans objet pour « {kind} »")
    return AmountPart(
        kind=kind,
        paid=paid,
        text=get_text(d, "text", ctx, f"{name}.text"),
        label=get_text(d, "label", ctx, f"{name}.label", required=False),
        cap_period=cap_period,
        profiles=profiles,
        where=parse_place_tests(d.get("where"), ctx, f"{name}.where", contacts),
        **nums,
    )


def parse_notes(
    value: Any, ctx: Ctx, name: str, documents: Mapping[str, Document]
) -> tuple[Note, ...]:
    """Notes: texts, or ``{text, from?, until?, source?}`` shown only between two dates."""
    notes = []
    for i, raw in enumerate(as_list(value, ctx, name) if value is not None else []):
        nname = f"{name}[{i}]"
        if isinstance(raw, str) and raw.strip():
            notes.append(Note(text=raw.strip()))
            continue
        d = as_mapping(raw, ctx, nname)
        check_keys(d, ("text", "from", "until", "source"), ctx, f"{nname}.")
        start, end = (
            get_date(d, "from", ctx, f"{nname}.from"),
            get_date(d, "until", ctx, f"{nname}.until"),
        )
        check_order(start, end, ctx, f"{nname}.from")
        source = None
        if d.get("source") is not None:
            source = parse_source_ref(d["source"], ctx, f"{nname}.source", documents)
        notes.append(
            Note(
                text=get_text(d, "text", ctx, f"{nname}.text"), start=start, end=end, source=source
            )
        )
    return tuple(notes)
