"""The app's HTML cards of the render model: the place summary and one card per aid.

Every text is HTML-escaped here; the only markup is this module's own, and the only links are
the model's :class:`~application.render.model.Link` pieces (addresses from the catalogue).
"""

from __future__ import annotations

from html import escape

from application.render.model import Card, Link, Rich, Row
from zonage.engine import STATUS_LABELS

_STATUS_CLASS = {"eligible": "ok", "a_verifier": "check", "non_applicable": "no"}

CSS = """
<style>
.zc-card{border:1px solid #d0d7de;border-left:6px solid #2e7d32;border-radius:6px;
  padding:.6rem .9rem;margin:.5rem 0;background:#fff}
.zc-card.check{border-left-color:#ef6c00;background:#fff8f0}
.zc-card.no{border-left-color:#9e9e9e;background:#fafafa}
.zc-card h4{margin:.1rem 0 .3rem 0;font-size:1.02rem}
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
.zc-place dl{display:grid;grid-template-columns:minmax(8rem,45%) 1fr;gap:.1rem .7rem;margin:0}
.zc-place dt{font-weight:600;color:#444}
.zc-place dd{margin:0}
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


def place_html(card: Card) -> str:
    """The place card: its name, code and department, its facts, notes, and the sources of
    the data folded under « Sources des données »."""
    notes = _items(tuple((n,) for n in card.notes))
    return (
        f'<div class="zc-place"><h3>{escape(card.title)} ({escape(card.key)}) — '
        f"{escape(card.context or '')}</h3>{_rows(card.rows)}"
        + (f"<p><b>Notes</b></p><ul>{notes}</ul>" if notes else "")
        + '<details class="zc-src"><summary>Sources des données</summary>'
        f"<ul>{_items(card.sources)}</ul></details></div>"
    )


def aid_html(card: Card) -> str:
    """An aid card, coloured by its status: badge and name, rows, notes, sources."""
    status = card.status or "eligible"
    notes = _items(tuple((n,) for n in card.notes))
    return (
        f'<div class="zc-card {_STATUS_CLASS[status]}" data-aid="{escape(card.key)}">'
        f'<h4><span class="zc-badge">{escape(STATUS_LABELS[status])}</span>'
        f"<b>{escape(card.title)}</b></h4>{_rows(card.rows)}"
        + (f'<ul class="zc-src">{notes}</ul>' if notes else "")
        + f'<div class="zc-src">Source : <ul>{_items(card.sources)}</ul></div></div>'
    )
