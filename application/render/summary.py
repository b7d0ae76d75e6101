"""The render model of a whole answer for one profile: « Ce que vous pouvez percevoir ici »
(the certain euros first, then what the questions would add, then what is to check), the
questions, obligations and contacts, the compact aid cards, « Ne s'applique pas ici » with one
reason per aid, and the notes said once. The app, the printable fiche and the command line
write this same model."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from application.render.model import Card, Rich, aid_card, contacts_rich, question_text
from zonage.catalogue import load_catalogue
from zonage.engine import A_VERIFIER, NON_APPLICABLE, AidResult, Answer, Money
from zonage.profiles import ALL, label
from zonage.text import fr_date, fr_euros

#: Shown once when several aids rest on sources older than the date asked.
STALE_NOTE = (
    "Rien de plus récent que les sources citées n'est connu ici : confirmez montants et"
    " conditions auprès du contact de chaque aide."
)
_STALE_PREFIX = "Source la plus récente pour cette aide"


@dataclass(frozen=True)
class Line:
    """One line of the summary: a label, a figure (or a short answer) and what it rests on."""

    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class AnswerView:
    """Everything a writer needs to show one answer, in the order it is read."""

    title: str
    context: str
    lines: tuple[Line, ...]
    questions: tuple[str, ...]
    obligations: tuple[str, ...]
    contacts: tuple[Rich, ...]
    cards: tuple[Card, ...]
    not_here: tuple[tuple[str, str, str], ...]  # aid, short reason, full reason
    other_profiles: int
    notes: tuple[str, ...]


def money_text(m: Money, *, low: bool) -> str:
    """``5 000 €``, ``5 000 € + 1 200 € par an`` (certain minimum when ``low``, else the
    possible maximum); empty when there is no figure."""
    one_off = m.one_off_min if low else m.one_off_max
    per_year = m.per_year_min if low else m.per_year_max
    parts = [fr_euros(one_off)] if one_off else []
    if per_year:
        parts.append(f"{fr_euros(per_year)} par an")
    return " + ".join(parts)


def answer_view(answer: Answer) -> AnswerView:
    """The view of ``answer`` (with ``include_all``, the aids that do not apply get one line
    of reason each under « Ne s'applique pas ici »)."""
    results = _unique_results(answer)
    shown = [r for r in results if r.status != NON_APPLICABLE]
    missing = [r for r in results if r.status == NON_APPLICABLE]
    repeated = _repeated_reasons(shown)
    common = _common_notes(shown)
    names = {r.id: r.display_name for r in results}
    summary = answer.summary
    lines, questions, obligations, contacts = _summary_parts(answer, names)
    stale = any(n.startswith(_STALE_PREFIX) for r in shown for n in r.notes)
    notes = tuple(answer.place.date_notes) + common + ((STALE_NOTE,) if stale else ())
    return AnswerView(
        title="Ce que vous pouvez percevoir ici",
        context=f"{answer.place.nom} ({answer.place.insee}) — "
        + (label(answer.profile) if answer.profile != ALL else "tous les profils")
        + f" — au {fr_date(answer.date)}",
        lines=lines if summary is not None else (),
        questions=questions,
        obligations=obligations,
        contacts=contacts,
        cards=tuple(
            aid_card(
                r,
                skip_notes=(*common, *_stale(r)),
                brief=answer.summary is not None,
                reason=repeated.get(r.id),
            )
            for r in shown
        ),
        not_here=tuple(
            (r.display_name, _short_reason(r, answer.date), r.reason or "")
            for r in missing
            if _for_profile(r)
        ),
        other_profiles=sum(not _for_profile(r) for r in missing),
        notes=notes,
    )


def _short_reason(r: AidResult, on: dt.date) -> str:
    """A closed or not yet open aid in a few words (its full reason is folded)."""
    if r.valid_until and on > dt.date.fromisoformat(r.valid_until):
        last = dt.date.fromisoformat(r.valid_until) + dt.timedelta(days=1)
        return f"fermée depuis le {fr_date(last)}"
    if r.valid_from and on < dt.date.fromisoformat(r.valid_from):
        return f"ouverte à partir du {fr_date(r.valid_from)}"
    return r.reason or ""


def _counted(answer: Answer) -> set[str]:
    """Ids of the aids of the answer that have a figure."""
    return {r.id for g in answer.groups for r in g.results if r.money.counted}


def _repeated_reasons(results: list[AidResult]) -> dict[str, str]:
    """For an aid « à vérifier » for the same reason as one above: a pointer to that one."""
    first: dict[str, str] = {}
    out = {}
    for r in results:
        if r.status == A_VERIFIER and r.reason:
            if r.reason in first:
                out[r.id] = f"même vérification que pour « {first[r.reason]} »."
            else:
                first[r.reason] = r.display_name
    return out


def _for_profile(r: AidResult) -> bool:
    """Whether the aid is meant for the profile it was evaluated for (else it is only
    counted, not listed, under « Ne s'applique pas ici »)."""
    return r.profile in load_catalogue().get(r.id).profiles


def _unique_results(answer: Answer) -> list[AidResult]:
    """Each aid once (for ``tous``, with its best status over the profiles)."""
    if answer.profile != ALL:
        return [r for g in answer.groups for r in g.results]
    best: dict[str, AidResult] = {}
    order = ("eligible", "sous_condition", "a_verifier", "non_applicable")
    for g in answer.groups:
        for r in g.results:
            if r.id not in best or order.index(r.status) < order.index(best[r.id].status):
                best[r.id] = r
    return sorted(best.values(), key=lambda r: order.index(r.status))


def _common_notes(results: list[AidResult]) -> tuple[str, ...]:
    """Notes that several aids share: said once for the answer."""
    counts = Counter(n for r in results for n in dict.fromkeys(r.notes))
    return tuple(n for n, c in counts.items() if c > 1 and not n.startswith(_STALE_PREFIX))


def _stale(r: AidResult) -> tuple[str, ...]:
    return tuple(n for n in r.notes if n.startswith(_STALE_PREFIX))


def _summary_parts(
    answer: Answer, names: dict[str, str]
) -> tuple[tuple[Line, ...], tuple[str, ...], tuple[str, ...], tuple[Rich, ...]]:
    """Summary lines (certain part first), questions, obligations and contacts."""
    s = answer.summary
    if s is None:
        return (), (), (), ()
    lines = []
    certain = money_text(s.guaranteed, low=True)
    conditional = money_text(s.conditional, low=True)
    possible = money_text(s.possible, low=False)
    if certain:
        lines.append(Line("Ouvert ici", certain, "conditions de chaque aide ci-dessous"))
    if conditional and conditional != certain:
        lines.append(
            Line(
                "Au moins" if certain else "Selon vos réponses",
                conditional,
                "si vos réponses ci-dessous conviennent",
            )
        )
    if possible and possible not in (certain, conditional):
        n = len(s.to_check)
        lines.append(
            Line(
                "Jusqu'à",
                possible,
                f"dont {n} aide(s) à vérifier" if n else "selon vos réponses",
            )
        )
    if s.set_aside:
        counted = [names[i] for i in s.kept if i in _counted(answer)]
        lines.append(
            Line(
                "Non cumulables",
                "montants pour : " + ", ".join(counted),
                "au lieu de : " + ", ".join(names[i] for i, _ in s.set_aside),
            )
        )
    if not lines:
        lines.append(Line("Aucune aide ici", "pour ce profil à cette date", ""))
    if s.zone_depends:
        lines.append(
            Line(
                "Zone du cabinet",
                "ZAC, ou ZIP selon l'adresse",
                "un QPV d'une commune en ZAC peut être classé ZIP : demandez à l'ARS Occitanie",
            )
        )
    # The ARS's own questions (the zone of a QPV) are the « Zone du cabinet » line's.
    questions = tuple(question_text(q) for q, _ in s.questions if q.personal)
    obligations = tuple(f"{names[i]} : {text}" for i, text in s.obligations)
    contacts = contacts_rich(s.contacts)
    return tuple(lines), questions, obligations, contacts
