"""The « Où m'installer » map's data: a region's outlook for one profile turned into the map's
value layer (:class:`geo.webmap.values.ValueLayer`), shared by the app and ``zonage
export-map --profile``.

Each commune is classed by the euros guaranteed to the profile (one-off amounts plus one year
of the yearly ones, certain minimum), marked « plus selon l'adresse ou vos réponses » when more
may come (a higher possible maximum, or a zone that depends on the address), and given the
lines its hover and its click show. Communes sharing all of this share one case. The texts are
plain: the map shows them as text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from application.render.summary import money_text
from geo.webmap.values import ValueCase, ValueLayer
from zonage.engine.money import Money
from zonage.engine.region import Outlook, Region, RegionRow
from zonage.profiles import label
from zonage.situation import KEYS, NO_SITUATION, Situation, answer_label
from zonage.text import fr_communes, fr_date, fr_euros

#: Where the classes of euros change, after « 0 € » and « moins de 5 000 € ».
BOUNDS: tuple[int, ...] = (5_000, 10_000, 30_000)
TITLE = "Euros garantis pour moi (première année)"
#: The title while personal questions are open: nothing would be « guaranteed » yet, so the
#: map shows what the answers would make certain (and says so).
TITLE_IF_ANSWERED = "Euros pour moi si vos réponses à « Ma situation » conviennent (première année)"
MARK_LABEL = "Plus selon l'adresse ou vos réponses"
FILTER_LABEL = "Aucune des aides choisies n'y est éligible ou sous condition"
APP_NOTE = "La réponse complète s'affiche à côté de la carte."


def class_labels() -> tuple[str, ...]:
    """« 0 € », « moins de 5 000 € », « 5 000 € à moins de 10 000 € »… « 30 000 € ou plus »."""
    labels = [fr_euros(0), f"moins de {fr_euros(BOUNDS[0])}"]
    for low, high in zip(BOUNDS, BOUNDS[1:], strict=False):
        labels.append(f"{fr_euros(low)} à moins de {fr_euros(high)}")
    return (*labels, f"{fr_euros(BOUNDS[-1])} ou plus")


def first_year(money: Money) -> float:
    """The certain euros of ``money``: its one-off minimum and one year of its yearly one."""
    return money.one_off_min + money.per_year_min


def euro_class(amount: float) -> int:
    """The class of an amount: 0 for nothing, 1 below the first bound, then one more per
    bound reached."""
    return 1 + sum(1 for bound in BOUNDS if amount >= bound) if amount > 0 else 0


def more_possible(o: Outlook) -> bool:
    """Whether the address or the answers may bring more than the guaranteed euros."""
    return o.zone_depends or bool(_most(o))


def _most(o: Outlook) -> str:
    """The possible maximum in words when it is above the guaranteed euros, else empty."""
    g, p = o.guaranteed, o.possible
    higher = p.one_off_max > g.one_off_min or p.per_year_max > g.per_year_min
    return money_text(p, low=False) if higher else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def _zone_line(row: RegionRow) -> str:
    zone = row.zonage_medecins or "non classée (à vérifier auprès de l'ARS)"
    line = f"Zonage médecins : {zone}"
    return line + " ; ZIP possible selon l'adresse (quartier prioritaire)" if (
        row.outlook.zone_depends
    ) else line  # fmt: skip


def _guaranteed_line(money: Money) -> str:
    text = money_text(money, low=True) or fr_euros(0)
    extra = " et des avantages non chiffrés" if money.unquantified else ""
    return f"Garanti pour moi : {text}{extra}"


def _aids_line(o: Outlook) -> str:
    counts = [
        (len(o.eligible), "éligible", True),
        (len(o.sous_condition), "sous condition", False),
        (len(o.a_verifier), "à vérifier", False),
    ]
    total = sum(n for n, _, _ in counts)
    if not total:
        return "Aucune aide pour ce profil ici"
    parts = [f"{n} {word}{'s' if plural and n > 1 else ''}" for n, word, plural in counts if n]
    return f"{_plural(total, 'aide')} : {', '.join(parts)}"


def tip_lines(row: RegionRow) -> tuple[str, ...]:
    """What the mouse over a commune shows under its name."""
    o = row.outlook
    lines = [_zone_line(row), _guaranteed_line(o.guaranteed)]
    if more_possible(o):
        most = _most(o)
        lines.append(f"Jusqu'à {most} selon l'adresse ou vos réponses" if most else MARK_LABEL)
    lines.append(_aids_line(o))
    return tuple(lines)


def summary_lines(row: RegionRow, names: Mapping[str, str]) -> tuple[str, ...]:
    """What a click on a commune shows in the map: the euros, then the aids by status."""
    o = row.outlook
    lines = [_zone_line(row), _guaranteed_line(o.guaranteed)]
    if first_year(o.conditional) > first_year(o.guaranteed):
        lines.append(f"Si vos réponses conviennent : {money_text(o.conditional, low=True)}")
    if most := _most(o):
        lines.append(f"Au plus : {most}")
    for heading, ids in (
        ("Éligibles", o.eligible),
        ("Sous condition", o.sous_condition),
        ("À vérifier", o.a_verifier),
    ):
        if ids:
            lines.append(f"{heading} : {', '.join(names.get(i, i) for i in ids)}")
    if not (o.eligible or o.sous_condition or o.a_verifier):
        lines.append("Aucune aide pour ce profil ici.")
    if o.obligation:
        lines.append(f"Engagement principal : {o.obligation[1]}")
    return tuple(lines)


def aid_names() -> dict[str, str]:
    """Each aid of the catalogue by id, with its name as a user reads it (catalogue order)."""
    from zonage.catalogue import load_catalogue

    return {aid.id: aid.display_name for aid in load_catalogue().aids}


def _situation_text(situation: Situation) -> str:
    answers = situation.to_query()
    if not answers:
        return "sans réponse à « Ma situation »"
    said = [f"{KEYS[k].label} : {answer_label(k, v)}" for k, v in answers.items()]
    return f"selon vos réponses ({' ; '.join(said)})"


def value_layer(region: Region, *, note: str = "", detail: bool = True) -> ValueLayer:
    """The value layer of ``region``: each commune's class, mark and texts (one case per
    distinct set of them), the legend's labels, heading and source. A click shows the aids by
    name (``detail``), or the hover's lines when a fuller answer is shown beside the map;
    ``note`` ends each of these summaries."""
    names = aid_names()
    # Until « Ma situation » is answered nothing is guaranteed for most profiles: an all-white
    # map would hide where the money is; the euros the answers would make certain show instead.
    open_questions = any(
        first_year(r.outlook.conditional) > first_year(r.outlook.guaranteed) for r in region.rows
    )
    shown = "conditional" if open_questions else "guaranteed"
    cases: dict[ValueCase, int] = {}
    case_of: dict[str, int] = {}
    # Rows of one fact set share their outlook: its texts are written once per zone.
    seen: dict[tuple[int, str | None], int] = {}
    for row in region.rows:
        key = (id(row.outlook), row.zonage_medecins)
        if key not in seen:
            case = ValueCase(
                value=euro_class(first_year(getattr(row.outlook, shown))),
                marked=more_possible(row.outlook),
                tip=tip_lines(row),
                summary=summary_lines(row, names) if detail else tip_lines(row),
            )
            seen[key] = cases.setdefault(case, len(cases))
        case_of[row.insee] = seen[key]
    day = fr_date(region.date)
    who = label(region.profile)
    return ValueLayer(
        title=TITLE_IF_ANSWERED if open_questions else TITLE,
        classes=class_labels(),
        cases=tuple(cases),
        case_of=case_of,
        mark_label=MARK_LABEL,
        source=(
            (
                "Montants certains si vos réponses conviennent"
                if open_questions
                else "Montants certains"
            )
            + ", versements uniques et une année des montants annuels ; calcul"
            f" d'après le catalogue des aides et les zonages en vigueur le {day} : profil"
            f" « {who} », {_situation_text(region.situation)}."
        ),
        keep_label=FILTER_LABEL,
        heading=f"Où m'installer : les aides pour « {who} » au {day}",
        note=note,
    )


def communes_by_aid(region: Region) -> dict[str, frozenset[str]]:
    """For each aid, the communes where it is eligible or sous condition (« où s'applique
    cette aide »); an aid that applies nowhere is absent."""
    found: dict[str, set[str]] = {}
    for row in region.rows:
        for aid in (*row.outlook.eligible, *row.outlook.sous_condition):
            found.setdefault(aid, set()).add(row.insee)
    return {aid: frozenset(communes) for aid, communes in found.items()}


def where_aids_apply(
    by_aid: Mapping[str, frozenset[str]], aid_ids: Iterable[str]
) -> frozenset[str] | None:
    """The communes where one of ``aid_ids`` applies (see :func:`communes_by_aid`); None
    when no aid is chosen (every commune kept)."""
    chosen = list(aid_ids)
    if not chosen:
        return None
    return frozenset().union(*(by_aid.get(aid, frozenset()) for aid in chosen))


def keeping(layer: ValueLayer, keep: frozenset[str] | None, why: str = FILTER_LABEL) -> ValueLayer:
    """``layer`` with only the communes of ``keep`` in colour (None: all); ``why`` says in
    the legend why the others are grey."""
    return dataclasses.replace(layer, keep=keep, keep_label=why)


def legend_text(layer: ValueLayer) -> str:
    """The legend in one sentence, with the count of communes in each class (for the page
    around the map, and for a reader who cannot see its colours)."""
    kept = [
        layer.cases[case]
        for insee, case in layer.case_of.items()
        if layer.keep is None or insee in layer.keep
    ]
    counts = [sum(1 for c in kept if c.value == i) for i in range(len(layer.classes))]
    parts = [
        f"{fr_communes(n)} à {text}" for n, text in zip(counts, layer.classes, strict=True) if n
    ]
    marked = sum(1 for c in kept if c.marked)
    text = f"{layer.title} : " + (", ".join(parts) if parts else "aucune commune")
    if marked:
        text += f" ; hachurées, {fr_communes(marked)} où l'adresse ou vos réponses peuvent"
        text += " apporter plus"
    if layer.keep is not None:
        rest = len(layer.case_of) - len(kept)
        why = layer.keep_label[:1].lower() + layer.keep_label[1:]
        text += f" ; en gris, {fr_communes(rest)} ({why})"
    return text + "."


def evaluate(profile: str, on: dt.date, situation: Situation = NO_SITUATION) -> Region:
    """Every commune of the region for one profile on ``on`` (about 0.1 s once the lookup is
    loaded; the last regions are kept per build, shared with the table of aids)."""
    from application.region_table import evaluate as evaluate_table

    return evaluate_table(profile, on, situation)[0]
