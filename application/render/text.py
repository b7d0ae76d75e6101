"""The plain-text writer of the render model (the command line's readable output), wrapped to
100 columns."""

from __future__ import annotations

import textwrap

from application.render.model import Card, Row, plain
from zonage.engine import A_VERIFIER, ELIGIBLE, NON_APPLICABLE

WIDTH = 100
INDENT = "    "
_TAGS = {
    ELIGIBLE: "[ÉLIGIBLE]",
    A_VERIFIER: "[À VÉRIFIER]",
    NON_APPLICABLE: "[NON APPLICABLE]",
}


def _wrap(label: str, text: str, indent: str = INDENT) -> list[str]:
    """``label : text`` (or ``text`` alone) wrapped to :data:`WIDTH` columns, at ``indent``
    and two more spaces on the following lines."""
    # Non-breaking spaces inside French quotes keep « name » on one line.
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return textwrap.wrap(
        f"{label} : {text}" if label else text,
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )


def _row_lines(row: Row, indent: str) -> list[str]:
    if row.bullets:
        lines = [f"{indent}{row.label} :"]
        for value in row.values:
            lines += _wrap("", f"- {plain(value)}", indent + "  ")
        return lines
    label = f"  {row.label}" if row.detail else row.label
    return [line for value in row.values for line in _wrap(label, plain(value), indent)]


def place_text(card: Card) -> str:
    """The place: ``Nom (INSEE code) — Département (dd)``, one line per fact, the sources."""
    lines = [f"{card.title} (INSEE {card.key}) — {card.context or ''}"]
    for row in card.rows:
        lines += _row_lines(row, "")
    for title, items in (("Notes", card.notes), ("Sources", tuple(map(plain, card.sources)))):
        if items:
            lines.append(f"{title} :")
            for item in items:
                lines += _wrap("", f"- {item}", "  ")
    return "\n".join(lines) + "\n"


def aid_text(card: Card) -> str:
    """An aid: ``[STATUT] name``, then its rows, sources and notes, indented."""
    lines = [f"{_TAGS[card.status or ELIGIBLE]} {card.title}"]
    for row in card.rows:
        lines += _row_lines(row, INDENT)
    for source in card.sources:
        lines += _wrap("Source", plain(source))
    for note in card.notes:
        lines += _wrap("Note", note)
    return "\n".join(lines) + "\n"
