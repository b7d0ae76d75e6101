"""The parsed ``key_figures.yaml`` → key figure groups ("chiffres clés"), each with its date and
source, every field checked against the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zonage.catalogue.model import Catalogue, KeyFigure, KeyFigureGroup
from zonage.catalogue.parse_parts import parse_source_ref
from zonage.catalogue.validate import (
    Ctx,
    as_list,
    as_mapping,
    check_keys,
    get_date,
    get_ids,
    get_text,
    show,
)
from zonage.text import fr_date

_GROUP_KEYS = ("id", "title", "date", "date_text", "source", "figures")
_FIGURE_KEYS = ("id", "theme", "value", "label", "detail", "qualifier", "aids")


def parse_key_figures(
    data: Mapping[str, Any], filename: str, catalogue: Catalogue
) -> tuple[KeyFigureGroup, ...]:
    """Validate the parsed YAML of the key figures; sources and aid ids from ``catalogue``."""
    top = Ctx(filename, "racine")
    check_keys(data, ("groups",), top, "")
    groups = []
    for gi, graw in enumerate(as_list(data.get("groups"), top, "groups")):
        gd = as_mapping(graw, top, f"groups[{gi}]")
        groups.append(_group(gd, Ctx(filename, f"groupe « {gd.get('id', gi + 1)} »"), catalogue))
    if not groups:
        raise top.error("groups", "aucun groupe")
    return tuple(groups)


def _group(gd: Mapping[str, Any], ctx: Ctx, catalogue: Catalogue) -> KeyFigureGroup:
    """One group: a date, a source and at least one figure."""
    check_keys(gd, _GROUP_KEYS, ctx, "")
    date = get_date(gd, "date", ctx, "date")
    if date is None:
        raise ctx.error("date", "valeur obligatoire manquante")
    if gd.get("source") is None:
        raise ctx.error("source", "source obligatoire")
    figures = [
        _figure(fraw, ctx, f"figures[{fi}]", catalogue)
        for fi, fraw in enumerate(as_list(gd.get("figures"), ctx, "figures"))
    ]
    if not figures:
        raise ctx.error("figures", "aucun chiffre")
    return KeyFigureGroup(
        id=get_text(gd, "id", ctx, "id"),
        title=get_text(gd, "title", ctx, "title"),
        date=date,
        date_text=get_text(gd, "date_text", ctx, "date_text", required=False) or fr_date(date),
        source=parse_source_ref(gd["source"], ctx, "source", catalogue.documents),
        figures=tuple(figures),
    )


def _figure(fraw: Any, ctx: Ctx, fname: str, catalogue: Catalogue) -> KeyFigure:
    """One figure: a whole number ≥ 0 with its label, optionally tied to aids."""
    fd = as_mapping(fraw, ctx, fname)
    check_keys(fd, _FIGURE_KEYS, ctx, f"{fname}.")
    value = fd.get("value")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ctx.error(f"{fname}.value", f"entier positif attendu, trouvé {show(value)}")
    detail = fd.get("detail", "")
    if not isinstance(detail, str):
        raise ctx.error(f"{fname}.detail", f"texte attendu, trouvé {show(detail)}")
    return KeyFigure(
        id=get_text(fd, "id", ctx, f"{fname}.id"),
        theme=get_text(fd, "theme", ctx, f"{fname}.theme"),
        value=value,
        label=get_text(fd, "label", ctx, f"{fname}.label"),
        detail=detail.strip(),
        qualifier=get_text(fd, "qualifier", ctx, f"{fname}.qualifier", required=False),
        aids=get_ids(fd, "aids", ctx, f"{fname}.aids", catalogue.ids, required=False, what="aide"),
    )
