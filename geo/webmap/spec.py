"""What ``webmap.js`` is told about each layer and the title box: the code of each commune,
the classes with their colours and counted labels, and the sources of what is shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geo.webmap.layer import WebLayer
from geo.webmap.style import NONE_CODE, LayerStyle
from zonage.text import fr_communes, fr_number

#: What a legend says of a layer whose source is not known.
UNKNOWN_SOURCE = "source non précisée (à vérifier)"

TITLE = "Zonages des aides aux médecins en Occitanie"
SOURCES_TITLE = "Sources et millésimes"


def _source(style: LayerStyle, vintages: dict[str, str]) -> str:
    if style.source:
        return style.source
    return vintages.get(style.vintage or "", UNKNOWN_SOURCE)


def layer_spec(style: LayerStyle, web: WebLayer) -> dict[str, Any]:
    """What ``webmap.js`` needs to draw one layer: codes per commune, classes, texts."""
    spec: dict[str, Any] = {
        "id": style.id,
        "kind": style.kind,
        "title": style.title,
        "tooltip": style.tooltip,
        "source": str(_source(style, web.vintages)),
        "shown": style.shown,
        "style": dict(style.style),
    }
    communes = web.communes
    if style.kind == "qpv":
        c = style.classes[0]
        spec["classes"] = {
            c.code: {
                "label": f"{c.label} ({fr_number(len(web.qpv))})",
                "tip": c.label,
                "color": c.color,
            }
        }
        return spec
    column = communes[style.column].tolist()
    if style.members is not None:
        column = [v in style.members for v in column]
    if style.kind == "mesh":
        keys = {v: chr(0x41 + i) for i, v in enumerate(dict.fromkeys(column))}
        spec["values"] = "".join(keys[v] for v in column)
        c = style.classes[0]
        spec["classes"] = {c.code: {"label": c.label, "color": c.color}}
        return spec
    code_of = {c.value: c.code for c in style.classes}
    fallback = style.missing.code if style.missing else NONE_CODE
    codes = "".join(code_of.get(None if _missing(v) else v, fallback) for v in column)
    spec["values"] = codes
    classes = list(style.classes) + ([style.missing] if style.missing else [])
    spec["classes"] = {}
    for c in classes:
        n = codes.count(c.code)
        if n == 0:
            continue  # the legend lists what the map shows
        label = c.label
        if style.names_departements:
            rows = communes[[code == c.code for code in codes]]
            names = dict(zip(rows["departement"], rows["departement_nom"], strict=True))
            label = f"{label} : " + ", ".join(f"{names[k]} ({k})" for k in sorted(names))
        spec["classes"][c.code] = {
            "label": f"{label} ({fr_communes(n)})",
            "tip": label,
            "color": c.color,
            "count": n,
        }
    return spec


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)  # None, NaN, pd.NA
    except TypeError:
        return True


def title_box(
    web: WebLayer, shown: Sequence[LayerStyle], departement: str | None, heading: str = TITLE
) -> dict[str, Any]:
    """The title box as texts: ``heading`` (with the department if given), one line on the
    precision, and the sources."""
    where = "Occitanie"
    if departement is not None:
        where = f"{web.departements[departement]} ({departement})"
    title = heading if departement is None else f"{heading} : {where}"
    sources = [("Contours et communes", web.vintages.get("communes", ""))]
    for style in shown:
        if style.vintage == "communes":
            continue
        sources.append((style.title, _source(style, web.vintages)))
    moved = web.stats.get("check", {}).get("hausdorff_m", {}).get("p99")
    precision = (
        f"contours simplifiés pour le web (à environ {fr_number(-(-moved // 50) * 50)} m près) ; "
        if moved
        else "contours simplifiés pour le web ; "
    )
    return {
        "heading": title,
        "text": f"{fr_number(len(web.communes))} communes, {precision}près d'une limite, vérifiez"
        " la commune d'une adresse dans l'application.",
        "sources_title": SOURCES_TITLE,
        "sources": [[str(name), str(text)] for name, text in sources],
    }
