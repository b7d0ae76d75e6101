"""The catalogue's ``rules`` section → :class:`Rules`: the dated, sourced policy facts (QPV list
renewal, priority departments, ZRR end and FRR start, doctor zoning orders, zoning notes)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zonage.catalogue.model import DatedFact, DatedSet, Document, Rules
from zonage.catalogue.parse_parts import parse_notes, parse_source_ref
from zonage.catalogue.validate import Ctx, as_list, as_mapping, check_keys, get_date, show

_RULE_KEYS = (
    "qpv_list_2024_from",
    "priority_departments",
    "zrr_until",
    "frr_from",
    "doctor_zoning_orders",
    "zoning_notes",
)
# A French department code: 01-95 (no 20), 2A, 2B, or an overseas 971-976.
_DEPARTMENT = re.compile(r"(0[1-9]|1\d|[3-8]\d|9[0-5]|2[1-9]|2A|2B|97[1-6])")


def parse_rules(data: Mapping[str, Any], filename: str, documents: Mapping[str, Document]) -> Rules:
    """The ``rules`` section, every value dated and every source a known document."""
    ctx = Ctx(filename, "section « rules »")
    rd = as_mapping(data.get("rules"), ctx, "rules")
    check_keys(rd, _RULE_KEYS, ctx, "")
    qpv_from = get_date(rd, "qpv_list_2024_from", ctx, "qpv_list_2024_from")
    if qpv_from is None:
        raise ctx.error("qpv_list_2024_from", "valeur obligatoire manquante")
    orders = tuple(
        _fact(raw, ctx, f"doctor_zoning_orders[{i}]", documents)
        for i, raw in enumerate(_entries(rd, "doctor_zoning_orders", ctx))
    )
    _check_increasing([o.date for o in orders], ctx, "doctor_zoning_orders")
    zrr_until = _fact(rd.get("zrr_until"), ctx, "zrr_until", documents)
    frr_from = _fact(rd.get("frr_from"), ctx, "frr_from", documents)
    if frr_from.date <= zrr_until.date:
        raise ctx.error("frr_from", f"le régime FRR ({frr_from.date}) doit suivre la ZRR")
    return Rules(
        qpv_list_2024_from=qpv_from,
        zrr_until=zrr_until,
        frr_from=frr_from,
        doctor_zoning_orders=orders,
        priority_departments=_priority_departments(rd, ctx, documents),
        zoning_notes=parse_notes(rd.get("zoning_notes"), ctx, "zoning_notes", documents),
    )


def _entries(rd: Mapping[str, Any], key: str, ctx: Ctx) -> list[Any]:
    """A required, non-empty list of dated entries."""
    if rd.get(key) is None:
        raise ctx.error(key, "liste obligatoire manquante")
    items = as_list(rd[key], ctx, key)
    if not items:
        raise ctx.error(key, "liste vide")
    return items


def _fact(value: Any, ctx: Ctx, name: str, documents: Mapping[str, Document]) -> DatedFact:
    """A ``{date, source}`` entry."""
    if value is None:
        raise ctx.error(name, "valeur obligatoire manquante")
    d = as_mapping(value, ctx, name)
    check_keys(d, ("date", "source"), ctx, f"{name}.")
    day = get_date(d, "date", ctx, f"{name}.date")
    if day is None:
        raise ctx.error(f"{name}.date", "date obligatoire manquante")
    if d.get("source") is None:
        raise ctx.error(f"{name}.source", "source obligatoire manquante")
    return DatedFact(
        date=day, source=parse_source_ref(d["source"], ctx, f"{name}.source", documents)
    )


def _priority_departments(
    rd: Mapping[str, Any], ctx: Ctx, documents: Mapping[str, Document]
) -> tuple[DatedSet, ...]:
    """The ``{from, values, source}`` entries, in date order, each a set of department codes."""
    out = []
    for i, raw in enumerate(_entries(rd, "priority_departments", ctx)):
        name = f"priority_departments[{i}]"
        d = as_mapping(raw, ctx, name)
        check_keys(d, ("from", "values", "source"), ctx, f"{name}.")
        start = get_date(d, "from", ctx, f"{name}.from")
        if start is None:
            raise ctx.error(f"{name}.from", "date obligatoire manquante")
        values = as_list(d.get("values"), ctx, f"{name}.values")
        for code in values:
            if not isinstance(code, str) or not _DEPARTMENT.fullmatch(code):
                raise ctx.error(
                    f"{name}.values",
                    f"code de département inconnu {show(code)} (deux caractères entre "
                    'guillemets, ex. "09")',
                )
        if len(set(values)) != len(values):
            raise ctx.error(f"{name}.values", "valeur en double")
        if d.get("source") is None:
            raise ctx.error(f"{name}.source", "source obligatoire manquante")
        source = parse_source_ref(d["source"], ctx, f"{name}.source", documents)
        out.append(DatedSet(start=start, values=frozenset(values), source=source))
    _check_increasing([s.start for s in out], ctx, "priority_departments")
    return tuple(out)


def _check_increasing(days: list[Any], ctx: Ctx, name: str) -> None:
    """Refuse dated entries out of order or sharing a date."""
    for before, after in zip(days, days[1:], strict=False):
        if after <= before:
            raise ctx.error(
                name, f"dates dans l'ordre croissant attendues ({after} après {before})"
            )
