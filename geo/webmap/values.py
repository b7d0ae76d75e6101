"""A value per commune drawn on the map: the caller's classes, marks, texts and kept communes
turned into what ``webmap.js`` draws, with the colours, the hatching and the legend.

The caller computes everything about the value (this package knows nothing of what it
means): each commune's class, whether it is marked (hatched on the map), the lines shown
when the mouse is over it and when it is clicked, and which communes are kept (the others
are greyed out). Communes that share all of this share one :class:`ValueCase`, so the page
carries each text once. :func:`values_spec` lays it out in the order of the web layer's
communes: one character per commune for its class and one for its mark, a case index per
commune, and the legend's classes with their colours and counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from geo.webmap.layer import WebLayer
from geo.webmap.spec import UNKNOWN_SOURCE
from zonage.text import fr_communes

#: Id of the value layer in the page (legend section, canvas).
LAYER_ID = "valeurs"
#: Colour of the first class, « nothing »: white, apart from the sequence.
NOTHING_COLOUR = "#ffffff"
#: Colours of the other classes, lightest first: ColorBrewer's YlGnBu, a sequence that stays
#: readable with the common colour-vision deficiencies, each step darker than the one before.
SEQUENCE: tuple[str, ...] = ("#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Colour of the communes outside the kept set (greyed out) and of communes given no value.
REST_COLOUR = "#a3a3a3"
MISSING_COLOUR = "#d9d9d9"
#: Codes of a greyed-out commune and of a commune given no value.
REST_CODE = "-"
MISSING_CODE = "X"
MISSING_LABEL = "Sans valeur (à vérifier)"


@dataclass(frozen=True)
class ValueCase:
    """What the communes of one case share: their class (an index into the layer's classes),
    whether they are marked, the lines under their name on hover and in the summary a click
    shows (plain text)."""

    value: int
    marked: bool = False
    tip: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValueLayer:
    """A value per commune, as plain data.

    ``classes``: the class labels, the first one meaning « nothing » (drawn white), the others
    in increasing order (drawn on :data:`SEQUENCE`). ``case_of``: the case of each commune by
    its INSEE code (a commune absent from it is drawn as having no value). ``keep``: the
    communes kept, None for all (the others are greyed out and listed in the legend as
    ``keep_label``). ``heading`` replaces the title box's heading, ``note`` ends every
    summary shown on a click.
    """

    title: str
    classes: tuple[str, ...]
    cases: tuple[ValueCase, ...]
    case_of: Mapping[str, int] = field(default_factory=dict)
    mark_label: str = ""
    source: str = ""
    keep: frozenset[str] | None = None
    keep_label: str = ""
    heading: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not 2 <= len(self.classes) <= len(SEQUENCE) + 1:
            raise ValueError(f"between 2 and {len(SEQUENCE) + 1} classes are drawn")
        if any(not 0 <= case.value < len(self.classes) for case in self.cases):
            raise ValueError("a case names a class the layer does not have")
        if any(not 0 <= i < len(self.cases) for i in self.case_of.values()):
            raise ValueError("a commune names a case the layer does not have")


def colours(n: int) -> tuple[str, ...]:
    """The colours of ``n`` classes: white, then ``n - 1`` steps spread over the sequence."""
    steps = n - 1
    last = len(SEQUENCE) - 1
    if steps == 1:
        return (NOTHING_COLOUR, SEQUENCE[-1])
    return (NOTHING_COLOUR, *(SEQUENCE[round(i * last / (steps - 1))] for i in range(steps)))


def values_spec(layer: ValueLayer, web: WebLayer) -> dict[str, Any]:
    """What ``webmap.js`` draws of ``layer`` over the communes of ``web`` (in their order)."""
    codes, marks, cases = [], [], []
    for insee in web.communes["insee"]:
        case = layer.case_of.get(insee)
        kept = layer.keep is None or insee in layer.keep
        if case is None:
            codes.append(MISSING_CODE)
        else:
            codes.append(str(layer.cases[case].value) if kept else REST_CODE)
        marks.append("1" if case is not None and kept and layer.cases[case].marked else "0")
        cases.append(-1 if case is None else case)
    values, marked = "".join(codes), "".join(marks)
    scale = zip(layer.classes, colours(len(layer.classes)), strict=True)
    entries = [(str(i), label, colour) for i, (label, colour) in enumerate(scale)]
    entries += [
        (REST_CODE, layer.keep_label, REST_COLOUR),
        (MISSING_CODE, MISSING_LABEL, MISSING_COLOUR),
    ]
    classes = {}
    for code, label, colour in entries:
        n = values.count(code)
        # Every class of the scale is in the legend, even when no commune falls in it.
        if n or code.isdigit():
            classes[code] = {
                "label": f"{label} ({fr_communes(n)})",
                "tip": label,
                "color": colour,
                "count": n,
            }
    n_marked = marked.count("1")
    return {
        "id": LAYER_ID,
        "kind": "values",
        "title": layer.title,
        "tooltip": "",
        "source": layer.source or UNKNOWN_SOURCE,
        "shown": True,
        "style": {},
        "values": values,
        "marked": marked,
        "cases": cases,
        "texts": [{"tip": list(c.tip), "summary": list(c.summary)} for c in layer.cases],
        "classes": classes,
        "mark": (
            {"label": f"{layer.mark_label} ({fr_communes(n_marked)})", "count": n_marked}
            if layer.mark_label
            else None
        ),
        "note": layer.note,
    }
