"""The app's HTML cards of the render model: the place summary and one card per aid.

Every text is HTML-escaped here; the only markup is this module's own, and the only links are
the model's :class:`~application.render.model.Link` pieces (addresses from the catalogue).
"""

from __future__ import annotations

from html import escape

from application.render.model import Card, Link, Rich, Row
from application.render.summary import AnswerView
from zonage.engine import STATUS_LABELS

_STATUS_CLASS = {
    "eligible": "ok",
    "sous_condition": "cond",
    "a_verifier": "check",
    "non_applicable": "no",
}

CSS = """
<style>
.zc-card{border:1px solid #d0d7de;border-left:6px solid #2e7d32;border-radius:6px;
  padding:.6rem .9rem;margin:.5rem 0;background:#fff}
.zc-card.check{border-left-color:#ef6c00;background:#fff8f0}
.zc-card.no{border-left-color:#9e9e9e;background:#fafafa}
.zc-card h3{margin:.1rem 0 .3rem 0;font-size:1.02rem}
.zc-badge{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:8px;
  background:#e8f5e9;color:#1b5e20;margin-right:.4rem;vertical-align:middle}
.zc-card.check .zc-badge{background:#ffe0b2;color:#8a3c00}
.zc-card.no .zc-badge{background:#eeeeee;color:#424242}
.zc-card dl{margin:0;display:grid;grid-template-columns:minmax(6rem,28%) 1fr;gap:.15rem .7rem}
.zc-card dt{font-weight:600;color:#444}
.zc-card dt.zc-sub{font-weight:400;padding-left:.8rem}
.zc-card dd{margin:0}
.zc-card ul{margin:0;padding-left:1.1rem}
.zc-src{font-size:.8rem;color:#555}
.zc-place dl{display:grid;grid-template-columns:minmax(7rem,35%) 1fr;gap:.1rem .7rem;margin:0}
.zc-place dt{font-weight:600;color:#444}
.zc-place dd{margin:0}
.zc-card.cond{border-left-color:#1565c0;background:#f3f8fd}
.zc-card.cond .zc-badge{background:#dbe9f8;color:#0d47a1}
.zc-card details{margin-top:.3rem}
.zc-card summary,.zc-sum summary{cursor:pointer;color:#0b57a4}
.zc-card,.zc-sum,.zc-place{overflow-wrap:anywhere}
.zc-sum{border:2px solid #1b5e20;border-radius:8px;padding:.6rem .9rem;margin:.4rem 0 .8rem 0;
  background:#f6fbf6}
.zc-sum h2{margin:0 0 .2rem 0;font-size:1.15rem}
.zc-sum .zc-ctx{margin:0 0 .4rem 0;color:#333;font-size:.9rem}
.zc-sum dl{display:grid;grid-template-columns:minmax(7rem,30%) 1fr;gap:.2rem .7rem;margin:0}
.zc-sum dt{font-weight:600;color:#333}
.zc-sum dd{margin:0}
.zc-sum .zc-fig{font-size:1.2rem;font-weight:700;color:#1b5e20}
.zc-sum .zc-val{font-weight:600}
.zc-sum h3{margin:.5rem 0 .1rem 0;font-size:.95rem}
.zc-sum ul{margin:0;padding-left:1.1rem}
.zc-out{font-size:.9rem}
.zc-out h3{font-size:1rem;margin:.6rem 0 .2rem 0}
.zc-place h3{font-size:1.05rem}
.zc-out li{margin:.1rem 0}
</style>
"""


def _piece(piece: str | Link) -> str:
    if isinstance(piece, str):
        return escape(piece)
    return (
        f'<a href="{escape(piece.href)}" target="_blank" rel="noopener noreferrer">'
        f"{escape(piece.text)}</a>"
    )


def _rich(value: Rich) -> str:
    return "".join(map(_piece, value))


def _items(values: tuple[Rich, ...]) -> str:
    return "".join(f"<li>{_rich(v)}</li>" for v in values)


def _rows(rows: tuple[Row, ...]) -> str:
    out = []
    for row in rows:
        shown = (
            f"<ul>{_items(row.values)}</ul>"
            if row.bullets
            else "<br>".join(_rich(v) for v in row.values)
        )
        dt = '<dt class="zc-sub">' if row.detail else "<dt>"
        out.append(f"{dt}{escape(row.label)}</dt><dd>{shown or '—'}</dd>")
    return f"<dl>{''.join(out)}</dl>"


def place_html(card: Card, *, folded: bool = False) -> str:
    """The place card: its name, code and department, its facts, notes, and the sources of
    the data folded under « Sources des données »; ``folded``: only the name and the first
    two facts (where, doctor zoning) shown, the rest under « Zones et sources »."""
    notes = _items(tuple((n,) for n in card.notes))
    head = f"<h3>{escape(card.title)} ({escape(card.key)}) — {escape(card.context or '')}</h3>"
    rest = (
        (f"<p><b>Notes</b></p><ul>{notes}</ul>" if notes else "")
        + '<details class="zc-src"><summary>Sources des données</summary>'
        f"<ul>{_items(card.sources)}</ul></details>"
    )
    if not folded:
        return f'<div class="zc-place">{head}{_rows(card.rows)}{rest}</div>'
    return (
        f'<div class="zc-place">{head}{_rows(card.rows[:2])}'
        f"<details><summary>Zones et sources</summary>{_rows(card.rows[2:])}"
        f"{rest}</details></div>"
    )


def aid_html(card: Card) -> str:
    """An aid card, coloured by its status: badge and name, the rows that decide, then its
    details, notes and sources folded under « Détails »."""
    status = card.status or "eligible"
    notes = _items(tuple((n,) for n in card.notes))
    folded = (
        (_rows(card.details) if card.details else "")
        + (f'<ul class="zc-src">{notes}</ul>' if notes else "")
        + f'<div class="zc-src">Sources : <ul>{_items(card.sources)}</ul></div>'
    )
    return (
        f'<div class="zc-card {_STATUS_CLASS[status]}" data-aid="{escape(card.key)}">'
        f'<h3><span class="zc-badge">{escape(STATUS_LABELS[status])}</span>'
        f"<b>{escape(card.title)}</b></h3>{_rows(card.rows)}"
        f"<details><summary>Détails</summary>{folded}</details></div>"
    )


def _figure_class(value: str) -> str:
    """Sums of money stand out; other values of the summary are only bold."""
    return "zc-fig" if "€" in value else "zc-val"


def summary_html(view: AnswerView) -> str:
    """« Ce que vous pouvez percevoir ici »: the figures (certain part first), the questions
    that settle them, obligations and contacts."""
    lines = "".join(
        f"<dt>{escape(line.label)}</dt><dd>"
        f'<span class="{_figure_class(line.value)}">{escape(line.value)}</span>'
        + (f"<br>{escape(line.detail)}" if line.detail else "")
        + "</dd>"
        for line in view.lines
    )
    parts = [
        f'<div class="zc-sum" data-summary="1"><h2>{escape(view.title)}</h2>'
        f'<p class="zc-ctx">{escape(view.context)}</p><dl>{lines}</dl>'
    ]
    for title, values in (
        ("Questions qui décident", tuple((q,) for q in view.questions)),
        ("Obligations principales", tuple((o,) for o in view.obligations)),
        ("Qui contacter", view.contacts),
    ):
        if values:
            parts.append(f"<h3>{escape(title)}</h3><ul>{_items(values)}</ul>")
    return "".join(parts) + "</div>"


def not_here_html(view: AnswerView) -> str:
    """« Ne s'applique pas ici »: one line of reason per aid of the profile; the aids of other
    profiles only counted."""
    items = "".join(
        f"<li><b>{escape(name)}</b> : {escape(short)}</li>"
        if short == full
        else f"<li><details><summary><b>{escape(name)}</b> : {escape(short)}</summary>"
        f"{escape(full)}</details></li>"
        for name, short, full in view.not_here
    )
    others = (
        f"<p>{view.other_profiles} autre(s) aide(s) concernent d'autres profils.</p>"
        if view.other_profiles
        else ""
    )
    if not items and not others:
        return ""
    return (
        '<div class="zc-out"><h3>Ne s\'applique pas ici</h3>'
        + (f"<ul>{items}</ul>" if items else "")
        + f"{others}</div>"
    )


def notes_html(view: AnswerView) -> str:
    """The notes of the answer, each said once."""
    if not view.notes:
        return ""
    items = _items(tuple((n,) for n in view.notes))
    return f'<div class="zc-src"><b>Notes</b><ul>{items}</ul></div>'
