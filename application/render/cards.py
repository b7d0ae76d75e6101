"""HTML fragments of the app: the place summary and one card per aid.

Every text (place facts from the data files, aid texts from the catalogue) is HTML-escaped
here; the only markup is this module's own, built by :func:`_list` and :func:`_contacts`
from escaped pieces and marked :class:`_Html` so that :func:`_row` does not escape it twice.
"""

from __future__ import annotations

from html import escape

from zonage.engine import A_VERIFIER, NON_APPLICABLE, STATUS_LABELS, AidResult
from zonage.place import PRIORITY_DEPARTMENTS, PlaceFacts
from zonage.text import ZRR_LABELS, refs, validity, zone_text

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
.zc-card dd{margin:0}
.zc-card ul{margin:0;padding-left:1.1rem}
.zc-src{font-size:.8rem;color:#555}
.zc-place dl{display:grid;grid-template-columns:minmax(8rem,45%) 1fr;gap:.1rem .7rem;margin:0}
.zc-place dt{font-weight:600;color:#444}
.zc-place dd{margin:0}
</style>
"""


class _Html(str):
    """A fragment of HTML built by this module from escaped texts (never from data as is)."""


def _row(label: str, value: str) -> str:
    shown = value if isinstance(value, _Html) else escape(value)
    return f"<dt>{escape(label)}</dt><dd>{shown}</dd>"


def _list(items: list[str]) -> _Html:
    return _Html("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")


def place_html(place: PlaceFacts) -> str:
    """The place and its zone facts, each with the source it comes from."""
    if place.precision == "point" and place.lat is not None and place.lon is not None:
        where = f"point lat {place.lat:.5f}, lon {place.lon:.5f}"
        qpv = f"{place.qpv.code} {place.qpv.nom}" if place.qpv else "aucun (contours 2015)"
    else:
        where = "commune entière (pas de point précis)"
        qpv = "non déterminé : cliquez sur la carte ou donnez une adresse"
    qpv2024 = ", ".join(f"{q.code} {q.nom}" for q in place.qpv2024) or "aucun"
    prio = "oui" if place.departement_prioritaire else "non"
    rows = [
        _row("Lieu", where),
        _row("Zonage médecins", zone_text(place.zonage_medecins)),
        _row("QPV au point", qpv),
        _row("QPV de la commune (liste 2024)", qpv2024),
        _row("Massif", place.massif or "hors massif"),
        _row("ZRR (jusqu'au 30/06/2024)", ZRR_LABELS.get(place.zrr, place.zrr)),
        _row("FRR (depuis le 01/07/2024)", place.frr),
        _row(f"Département prioritaire ({', '.join(PRIORITY_DEPARTMENTS)})", prio),
    ]
    if place.population is not None:
        rows.append(_row("Population municipale", f"{place.population:,}".replace(",", "\u202f")))
    sources = "".join(f"<li>{escape(v)}</li>" for v in place.vintages.values())
    notes = "".join(f"<li>{escape(n)}</li>" for n in place.notes)
    return (
        f'<div class="zc-place"><h3>{escape(place.nom)} ({escape(place.insee)}) — '
        f"{escape(place.departement_nom)} ({escape(place.departement)})</h3>"
        f"<dl>{''.join(rows)}</dl>"
        + (f"<p><b>Notes</b></p><ul>{notes}</ul>" if notes else "")
        + f'<details class="zc-src"><summary>Sources des données</summary><ul>{sources}</ul>'
        "</details></div>"
    )


def aid_html(r: AidResult) -> str:
    """One aid as a card: status, amount, funders, conditions, exclusions, validity, contact,
    source."""
    head = (
        f'<span class="zc-badge">{escape(STATUS_LABELS[r.status])}</span>'
        f"<b>{escape(r.display_name)}</b>"
    )
    rows: list[str] = []
    if r.status == NON_APPLICABLE:
        rows.append(_row("Raison", r.reason or ""))
    else:
        if r.status == A_VERIFIER:
            rows.append(_row("À vérifier", r.reason or ""))
            rows.append(_row("Demander à", _contacts(r.ask)))
        rows.append(_row("Montant", r.amount["text"]))
        rows.append(
            _row("Financeur" if len(r.funders) == 1 else "Financeurs", ", ".join(r.funders))
        )
        if r.duration:
            rows.append(_row("Durée", r.duration))
        if r.commitment:
            rows.append(_row("Engagement", r.commitment))
        if r.conditions:
            rows.append(_row("Conditions", _list(list(r.conditions))))
        exclusions = [x for x in (refs(r.not_combinable_with), *r.other_exclusions) if x]
        if exclusions:
            rows.append(_row("Non cumulable avec", " ; ".join(exclusions)))
        if r.may_follow:
            rows.append(_row("Possible à l'issue de", refs(r.may_follow)))
        if r.may_be_followed_by:
            rows.append(_row("Peut être suivi de", refs(r.may_be_followed_by)))
        rows.append(_row("Validité", validity(r.valid_from, r.valid_until, r.validity_text)))
        rows.append(_row("Contact", _contacts(r.contact)))
    sources = "".join(f"<li>{escape(s['text'])}</li>" for s in r.source)
    notes = "".join(f"<li>{escape(n)}</li>" for n in r.notes)
    return (
        f'<div class="zc-card {_STATUS_CLASS[r.status]}" data-aid="{escape(r.id)}">'
        f"<h4>{head}</h4><dl>{''.join(rows)}</dl>"
        + (f'<ul class="zc-src">{notes}</ul>' if notes else "")
        + f'<div class="zc-src">Source : <ul>{sources}</ul></div></div>'
    )


def _contacts(items: tuple[dict[str, str], ...]) -> _Html:
    return _Html("<br>".join(f"{escape(c['name'])} — {escape(c['how'])}" for c in items) or "—")
