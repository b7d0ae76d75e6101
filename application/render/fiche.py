"""The printable fiche of an answer: one standalone HTML page for A4 paper (at most two pages),
written from the same render model as the app and the command line.

Every text is HTML-escaped here; the only markup is this module's own, the only links are the
model's :class:`~application.render.model.Link` pieces (addresses from the catalogue, web, mail
or phone only), and the page holds no script. Each thing is said once: a link's address is
printed after its text the first time (when the text does not show it), a contact in full
under « Qui contacter » only. Black on white: nothing needs a colour printer to be read.
"""

from __future__ import annotations

from html import escape

from application.render.model import Card, Link, Rich, Row, place_card, plain_with_addresses
from application.render.summary import AnswerView, answer_view
from application.render.text import situation_text
from zonage.engine import STATUS_LABELS, Answer
from zonage.profiles import ALL, label
from zonage.text import fr_date

#: The print stylesheet: A4, small margins, 9 pt, black and grey only.
CSS = """
@page{size:A4;margin:8mm 9mm}
*{box-sizing:border-box}
html{font:9pt/1.16 "DejaVu Sans","Liberation Sans",Arial,sans-serif;color:#000;background:#fff}
body{margin:0 auto;max-width:192mm;padding:0}
@media screen{body{padding:6mm}}
h1{font-size:13pt;margin:0}
h2{font-size:10.5pt;margin:2.2mm 0 1mm;border-bottom:.6pt solid #000;break-after:avoid}
h3{font-size:9.5pt;margin:1.6mm 0 .4mm;break-after:avoid}
p{margin:.4mm 0}
ul{margin:0;padding-left:4mm}
li{margin:0}
a{color:#000}
.ctx{font-size:10pt}
.href,.src,.small,footer{font-size:7.5pt;color:#333}
.href{overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:24mm 1fr;gap:.2mm 2mm;margin:0}
dt{font-weight:700}
dd{margin:0;overflow-wrap:anywhere}
dt.sub{font-weight:400;padding-left:2mm}
.facts{font-size:8pt;margin:1mm 0}
.sep{color:#555}
.sum{border:1pt solid #000;padding:1mm 2mm;margin-top:1.5mm}
.sum dl{grid-template-columns:34mm 1fr}
.fig{font-weight:700;font-size:10pt}
.aid{border-top:.4pt solid #777;padding-top:.6mm;margin-top:1mm}
.aid:first-of-type{border-top:0}
.details{font-size:8pt;margin:.4mm 0 0}
.tag{font-size:7.5pt;font-weight:700;border:.6pt solid #000;padding:0 1mm;margin-right:1mm;
  text-transform:uppercase;vertical-align:1pt}
footer{margin-top:2mm;border-top:.6pt solid #000;padding-top:.6mm}
"""


#: The addresses a link may lead to.
_SCHEMES = ("https://", "http://", "mailto:", "tel:")


def _name(contact: Rich) -> str | None:
    """The name a contact starts with (« name — how »), if it does."""
    first = contact[0] if contact else None
    return first.removesuffix(" — ") if isinstance(first, str) and first.endswith(" — ") else None


class _Writer:
    """Writes rich texts as HTML, saying each thing once on the page: on paper a link's address
    follows its text the first time only (when the text does not show it), and a contact
    listed under « Qui contacter » is then only named."""

    def __init__(self, contacts: tuple[Rich, ...] = ()) -> None:
        self._printed: set[str] = set()
        self._contacts = {c: name for c in contacts if (name := _name(c))}

    def piece(self, piece: str | Link) -> str:
        if isinstance(piece, str):
            return escape(piece)
        if not piece.href.startswith(_SCHEMES):
            return escape(piece.text)
        link = f'<a href="{escape(piece.href)}">{escape(piece.text)}</a>'
        if plain_with_addresses((piece,)) == piece.text or piece.href in self._printed:
            return link
        self._printed.add(piece.href)
        shown = piece.href.removeprefix("mailto:").removeprefix("tel:")
        return f'{link}<span class="href"> &lt;{escape(shown)}&gt;</span>'

    def rich(self, value: Rich) -> str:
        if value in self._contacts:
            return f"{escape(self._contacts[value])} (voir « Qui contacter »)"
        return "".join(map(self.piece, value))

    def contacts(self, values: tuple[Rich, ...]) -> str:
        """The contacts in full (the only place where they are)."""
        return "<ul>" + "".join(f"<li>{''.join(map(self.piece, v))}</li>" for v in values) + "</ul>"

    def items(self, values: tuple[Rich, ...]) -> str:
        return "<ul>" + "".join(f"<li>{self.rich(v)}</li>" for v in values) + "</ul>"

    def rows(self, rows: tuple[Row, ...]) -> str:
        """Rows as a definition list, a list of values on one line separated by bullets."""
        out = []
        for row in rows:
            sep = " • " if row.bullets else "<br>"
            shown = sep.join(self.rich(v) for v in row.values)
            head = '<dt class="sub">' if row.detail else "<dt>"
            out.append(f"{head}{escape(row.label)}</dt><dd>{shown or '—'}</dd>")
        return f"<dl>{''.join(out)}</dl>"

    def inline(self, rows: tuple[Row, ...], cls: str) -> str:
        """Rows as one paragraph: ``label : value · label : value``."""
        parts = (
            f"<b>{escape(row.label)}</b> : "
            + (" • " if row.bullets else " ; ").join(self.rich(v) for v in row.values)
            for row in rows
        )
        return f'<p class="{cls}">' + ' <span class="sep">·</span> '.join(parts) + "</p>"


def _section(title: str, body: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<section{attr}><h2>{escape(title)}</h2>{body}</section>" if body else ""


def _summary(w: _Writer, view: AnswerView, answer: Answer) -> str:
    """The figures (certain part first), the answers given, the questions, obligations and
    contacts."""
    lines = "".join(
        f'<dt>{escape(line.label)}</dt><dd><span class="fig">{escape(line.value)}</span>'
        + (f' <span class="small">— {escape(line.detail)}</span>' if line.detail else "")
        + "</dd>"
        for line in view.lines
    )
    parts = [f"<dl>{lines}</dl>" if lines else ""]
    given = situation_text(answer.situation)
    if given:
        parts.append(f"<p><b>Votre situation :</b> {escape(given)}</p>")
    for title, values in (
        ("Questions qui décident", tuple((q,) for q in view.questions)),
        ("Obligations principales", tuple((o,) for o in view.obligations)),
    ):
        if values:
            parts.append(f"<h3>{escape(title)}</h3>{w.items(values)}")
    if view.contacts:
        parts.append(f"<h3>Qui contacter</h3>{w.contacts(view.contacts)}")
    body = "".join(parts)
    return f'<section class="sum"><h2>{escape(view.title)}</h2>{body}</section>' if body else ""


def _aid(w: _Writer, card: Card) -> str:
    """One aid: status and name, the rows that decide, then its details, sources and notes in
    small print."""
    status = STATUS_LABELS[card.status or "eligible"]
    shown = {row.values for row in card.rows}
    details = tuple(row for row in card.details if row.values not in shown)  # said above
    sources = " ; ".join(w.rich(s) for s in card.sources)
    notes = " ".join(escape(n) for n in card.notes)
    return (
        f'<article class="aid" data-aid="{escape(card.key)}">'
        f'<h3><span class="tag">{escape(status)}</span>{escape(card.title)}</h3>'
        + w.rows(card.rows)
        + (w.inline(details, "details") if details else "")
        + (f'<p class="src"><b>Sources</b> : {sources}</p>' if sources else "")
        + (f'<p class="src"><b>Notes</b> : {notes}</p>' if notes else "")
        + "</article>"
    )


def _not_here(view: AnswerView) -> str:
    """One line of reason per aid of the profile that does not apply (its short reason); the
    others counted."""
    items = "".join(
        f"<li><b>{escape(item[0])}</b> : {escape(item[1])}</li>" for item in view.not_here
    )
    others = (
        f'<p class="small">{view.other_profiles} autre(s) aide(s) concernent d\'autres profils.</p>'
        if view.other_profiles
        else ""
    )
    return _section("Ne s'applique pas ici", (f"<ul>{items}</ul>" if items else "") + others, "out")


def fiche_html(answer: Answer) -> str:
    """The print-ready page of ``answer`` (one profile; ``include_all`` adds « Ne s'applique
    pas ici »): title, place, summary, each applicable aid, what does not apply, the notes
    once, and the dates of the data and of the answer."""
    view = answer_view(answer)
    w = _Writer(view.contacts)
    place = answer.place
    who = label(answer.profile) if answer.profile != ALL else "tous les profils"
    heading = f"{place.nom} ({place.insee}) — {place.departement_nom} ({place.departement})"
    aids = "".join(_aid(w, card) for card in view.cards) or (
        "<p>Aucune aide applicable ici à cette date.</p>"
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in dict.fromkeys((*place.notes, *view.notes)))
    data = " ; ".join(place.vintages.values())
    body = (
        f"<header><h1>Aides aux médecins — {escape(heading)}</h1>"
        f'<p class="ctx">{escape(who)} — au {fr_date(answer.date)}</p></header>'
        + w.inline(place_card(place, on=answer.date, notes=False).rows, "facts")
        + _summary(w, view, answer)
        + _section(f"Les aides qui s'appliquent ({len(view.cards)})", aids)
        + _not_here(view)
        + _section("Notes", f"<ul>{notes}</ul>" if notes else "", "small")
        + f"<footer>Données : {escape(data)} ; réponse au {fr_date(answer.date)}.</footer>"
    )
    title = f"Fiche aides médecins — {place.nom} — {who} — {fr_date(answer.date)}"
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
