"""The plain-text writer of the render model (the command line's readable output), wrapped to
100 columns: the summary of an answer, the place, the aids, « Ne s'applique pas ici », notes."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from application.render.model import Card, Row, plain_with_addresses
from application.render.summary import AnswerView
from zonage.engine import A_VERIFIER, ELIGIBLE, NON_APPLICABLE, SOUS_CONDITION
from zonage.situation import KEYS, NO_SITUATION, Situation, answer_label

WIDTH = 100
INDENT = "    "
_TAGS = {
    ELIGIBLE: "[ÉLIGIBLE]",
    SOUS_CONDITION: "[SOUS CONDITION]",
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
            lines += _wrap("", f"- {plain_with_addresses(value)}", indent + "  ")
        return lines
    label = f"  {row.label}" if row.detail else row.label
    return [
        line for value in row.values for line in _wrap(label, plain_with_addresses(value), indent)
    ]


def place_text(card: Card) -> str:
    """The place: ``Nom (INSEE code) — Département (dd)``, one line per fact, the sources."""
    lines = [f"{card.title} (INSEE {card.key}) — {card.context or ''}"]
    for row in card.rows:
        lines += _row_lines(row, "")
    lines += _items("Notes", card.notes)
    lines += _items("Sources", map(plain_with_addresses, card.sources))
    return "\n".join(lines) + "\n"


def _items(title: str, items: Iterable[str]) -> list[str]:
    """``title :`` and one ``- item`` per item, wrapped; nothing when there is no item."""
    lines = [line for item in items for line in _wrap("", f"- {item}", "  ")]
    return [f"{title} :", *lines] if lines else []


def aid_text(card: Card) -> str:
    """An aid: ``[STATUT] name``, then its rows, sources and notes, indented."""
    lines = [f"{_TAGS[card.status or ELIGIBLE]} {card.title}"]
    for row in (*card.rows, *card.details):
        lines += _row_lines(row, INDENT)
    for source in card.sources:
        lines += _wrap("Source", plain_with_addresses(source))
    for note in card.notes:
        lines += _wrap("Note", note)
    return "\n".join(lines) + "\n"


def situation_text(situation: Situation) -> str:
    """The answers of « Ma situation » on one line (empty when none was given)."""
    return " ; ".join(
        f"{KEYS[key].label} : {answer_label(key, value)}"
        for key, value in situation.to_query().items()
    )


def summary_text(view: AnswerView, *, situation: Situation = NO_SITUATION) -> str:
    """« Ce que vous pouvez percevoir ici »: the figures (certain part first), the answers
    given, the questions that settle the rest, obligations and contacts."""
    lines = [view.title, *_wrap("", view.context, "")]
    for line in view.lines:
        value = f"{line.value} ({line.detail})" if line.detail else line.value
        lines += _wrap(line.label, value)
    if situation.answers:
        lines += _wrap("Votre situation", situation_text(situation))
    lines += _items("Questions qui décident", view.questions)
    lines += _items("Obligations principales", view.obligations)
    lines += _items("Qui contacter", map(plain_with_addresses, view.contacts))
    return "\n".join(lines) + "\n"


def not_here_text(view: AnswerView) -> str:
    """« Ne s'applique pas ici »: each aid of the profile with its full reason (a terminal
    folds nothing); the aids of other profiles only counted. Empty when there is nothing."""
    lines = _items("Ne s'applique pas ici", (f"{item[0]} : {item[-1]}" for item in view.not_here))
    if view.other_profiles:
        others = f"{view.other_profiles} autre(s) aide(s) concernent d'autres profils."
        lines += _wrap("", others, "  ")
    return "\n".join(lines) + "\n" if lines else ""


def notes_text(notes: Iterable[str]) -> str:
    """The notes of an answer, each said once (empty when there is none)."""
    lines = _items("Notes", dict.fromkeys(notes))
    return "\n".join(lines) + "\n" if lines else ""
