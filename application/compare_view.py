"""The « Comparer » view (Streamlit): 2 or 3 pinned places (communes or points) side by side —
zone facts, euros for the profile, aids by status, obligations — each line whose values differ
marked « ≠ » and in bold; and the « Épingler ce lieu » button that pins the current commune or
point (``comparer=``).

The pins live in the link: the buttons change ``st.query_params`` in their callbacks, before
the page runs again and reads the link."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import streamlit as st

from application import answer_panel, service
from application.region_link import MAX_COMPARED, RegionState, pin_point, point_pin
from application.render.model import place_card, plain
from application.render.summary import money_text
from application.safe_text import markdown as md
from zonage.engine import A_VERIFIER, ELIGIBLE, SOUS_CONDITION, Answer
from zonage.place import PlaceFacts
from zonage.profiles import ALL, PROFILE_IDS
from zonage.text import fr_date, fr_euros

COMPARE_KEY = "comparer"
DIFFERS = "≠"
# Rows of the place card that say nothing a comparison needs (same for every commune, or
# naming it rather than its zones).
_SKIPPED_FACTS = frozenset(
    {"Lieu", "QPV au point (contours 2015)", "Population municipale", "Codes postaux"}
)
_STATUSES = (
    (ELIGIBLE, "Éligibles"),
    (SOUS_CONDITION, "Sous condition"),
    (A_VERIFIER, "À vérifier"),
)


@dataclass(frozen=True)
class Line:
    """One compared line: its label and each place's value (lines of text; several make a
    list)."""

    section: str
    label: str
    values: tuple[tuple[str, ...], ...]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def _line(section: str, label: str, texts: Sequence[str]) -> Line:
    return Line(section, label, tuple((t,) for t in texts))


def _set_compared(codes: Sequence[str]) -> None:
    if codes:
        st.query_params[COMPARE_KEY] = ",".join(codes)
    elif COMPARE_KEY in st.query_params:
        del st.query_params[COMPARE_KEY]


def pin_button(state: service.ViewState, region: RegionState) -> None:
    """« Épingler ce lieu »: adds the state's commune to the places compared (3 at most)."""
    view = service.view_for(replace(state, profile=None))
    if view.place is None:
        return
    point = state.lat is not None and state.lon is not None and state.insee is None
    code = point_pin(state.lat, state.lon) if point else view.place.insee  # type: ignore[arg-type]
    pinned = list(region.compared)
    if code in pinned:
        st.caption(md(f"{view.place.nom} est épinglé pour « Comparer » ({len(pinned)} lieux)."))
        return
    full = len(pinned) >= MAX_COMPARED
    st.button(
        "Épingler ce lieu", key="epingler", disabled=full, on_click=_set_compared,
        args=([*pinned, code],),
        help=f"{MAX_COMPARED} lieux au plus : retirez-en un dans « Comparer »." if full
        else "Ajoute cette commune à la vue « Comparer » (2 ou 3 lieux côte à côte).",
    )  # fmt: skip


def fact_lines(places: Sequence[PlaceFacts], on: dt.date) -> list[Line]:
    """The zone facts of each place on ``on``, as the place card says them."""
    cards = [place_card(p.on(on), on=on, notes=False) for p in places]
    skipped = _SKIPPED_FACTS
    if any(p.precision == "point" for p in places):  # then the QPV at the point tells them apart
        skipped = skipped - {"QPV au point (contours 2015)"}
    labels = [r.label for r in cards[0].rows if r.label not in skipped]
    values = [{r.label: tuple(plain(x) for x in r.values) for r in c.rows} for c in cards]
    return [Line("Zones", label, tuple(v.get(label, ("",)) for v in values)) for label in labels]


def money_lines(answers: Sequence[Answer]) -> list[Line]:
    """For answers of one concrete profile: the euros, the aid names by status and the
    obligations."""
    summaries = [a.summary for a in answers if a.summary is not None]
    if len(summaries) != len(answers):
        return []
    guaranteed = [money_text(s.guaranteed, low=True) or fr_euros(0) for s in summaries]
    possible = [money_text(s.possible, low=False) or fr_euros(0) for s in summaries]
    per_year = [
        f"{fr_euros(s.guaranteed.per_year_min)} – {fr_euros(s.possible.per_year_max)}"
        for s in summaries
    ]
    lines = [
        _line("Euros", "€ garantis", guaranteed),
        _line("Euros", "€ possibles (au plus)", possible),
        _line("Euros", "€ par an (garantis – au plus)", per_year),
    ]
    results = [[r for g in a.groups for r in g.results] for a in answers]
    for status, heading in _STATUSES:
        names = [tuple(r.display_name for r in rs if r.status == status) for rs in results]
        lines.append(Line("Aides", heading, tuple(n or ("aucune",) for n in names)))
    obligations = []
    for rs, summary in zip(results, summaries, strict=True):
        named = {r.id: r.display_name for r in rs}
        obligations.append(tuple(f"{named.get(i, i)} : {t}" for i, t in summary.obligations))
    lines.append(Line("Obligations", "Engagements", tuple(o or ("aucun",) for o in obligations)))
    return lines


def _cell(line: Line, values: tuple[str, ...]) -> str:
    """One place's value as Markdown, every text escaped; bold and « ≠ » when they differ."""
    texts = [md(v) for v in values]
    if line.differs:
        texts = [f"**{t}**" for t in texts]
    head = f"{DIFFERS} " if line.differs else ""
    label = f"{head}{md(line.label)}"
    if len(texts) == 1:
        return f"{label} : {texts[0]}"
    return f"{label} :\n" + "\n".join(f"- {t}" for t in texts)


def _places(state: service.ViewState, region: RegionState) -> list[tuple[str, service.View]]:
    """The pinned places (communes or points) with their views, each once; a warning for each
    pin that names no place (or one already compared)."""
    found: dict[str, service.View] = {}
    for code in region.compared:
        point = pin_point(code)
        if point is None:
            view = service.view_for(replace(state, insee=code, lat=None, lon=None))
        else:
            view = service.view_for(replace(state, insee=None, lat=point[0], lon=point[1]))
        key = code if point else view.place.insee if view.place else code
        if view.place is None:
            st.warning(md(f"Comparer : {view.error or code}"))
        elif key in found:
            st.warning(md(f"Comparer : {code} désigne {view.place.nom}, déjà comparé."))
        else:
            found[key] = view
    return list(found.items())


def _heads(pins: Sequence[str], places: Sequence[PlaceFacts]) -> None:
    """Each place's name and department (and its point), and its « Retirer » button (which
    also drops the codes of the link that name no place)."""
    for column, pin, place in zip(st.columns(len(places)), pins, places, strict=True):
        with column:
            st.subheader(md(f"{place.nom} ({place.insee})"))
            where = f"{place.departement_nom} ({place.departement})"
            if pin_point(pin) is not None:
                where += f" — point {pin.replace(':', ', ')}"
            st.caption(md(where))
            st.button(
                "Retirer", key=f"retirer_{pin}", on_click=_set_compared,
                args=([c for c in pins if c != pin],),
                help="Retire ce lieu de la comparaison.",
            )  # fmt: skip


def show(state: service.ViewState, region: RegionState) -> RegionState:
    """The view: the pinned places side by side, or how to pin them."""
    pinned = _places(state, region)
    views = [v for _, v in pinned]
    places = [v.place for v in views if v.place is not None]
    if not places:
        st.info(
            "Épinglez 2 ou 3 communes (bouton « Épingler ce lieu » sous la réponse de la vue"
            " « Carte et aides ») pour les voir côte à côte."
        )
        return region
    if len(places) == 1:
        st.info("Épinglez un deuxième lieu pour comparer.")
    _heads([pin for pin, _ in pinned], places)
    lines = fact_lines(places, state.date or dt.date.today())
    if state.profile is None or state.profile == ALL:
        answer_panel.ask_profile("Choisissez votre profil pour comparer les aides", PROFILE_IDS)
    else:
        lines += money_lines([v.answer for v in views if v.answer is not None])
    on = fr_date(state.date or dt.date.today())
    st.caption(
        md(
            f"{DIFFERS} et gras : la valeur diffère d'un lieu à l'autre. Zonages et aides en"
            f" vigueur le {on} (sources et millésimes : « À propos des données » ; sources de"
            " chaque aide : « Carte et aides »)."
        )
    )
    section = ""
    for line in lines:
        if line.section != section:
            section = line.section
            st.markdown(f"**{md(section)}**")
        for column, values in zip(st.columns(len(places)), line.values, strict=True):
            column.markdown(_cell(line, values))
    return region
