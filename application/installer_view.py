"""The « Où m'installer » view (Streamlit): above the map, « Je suis… » while no precise
profile is chosen, else the legend in words and « Où s'applique cette aide »; it gives the
page the value layer to colour the map with (the map and the clicked commune's full answer
are drawn by the page's map block)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from application import answer_panel, around_view, region_layer
from application.region_link import RegionState
from application.safe_text import markdown as md
from application.service import ViewState
from geo.webmap.values import ValueLayer
from zonage.errors import ZonageError
from zonage.profiles import ALL, PROFILE_IDS
from zonage.situation import Situation

#: Session key of « Où s'applique cette aide » (the aid ids chosen; ``aides=`` in the link).
AID_FILTER = "aides_filtre"
HOW_TO = "Survolez une commune pour son résumé, cliquez-la pour la réponse complète."
ANSWER_HINT = (
    "Des montants restent **sous condition** : répondez à « Ma situation » dans le panneau"
    " latéral (secteur, dernière aide à l'installation…) pour les voir garantis."
)


@st.cache_data(show_spinner=False)
def aid_names() -> dict[str, str]:
    """The catalogue's aids, id → name (the choices of « Où s'applique cette aide »)."""
    return region_layer.aid_names()


def aid_ids() -> tuple[str, ...]:
    """The ids a link's ``aides=`` may name."""
    return tuple(aid_names())


@dataclasses.dataclass(frozen=True)
class _Region:
    layer: ValueLayer
    by_aid: dict[str, frozenset[str]]
    open_questions: bool  # some commune has euros that answers would make certain


@st.cache_resource(max_entries=16, show_spinner="Calcul de la carte pour votre profil…")
def _region(
    profile: str, on: dt.date, answers: tuple[tuple[str, str], ...], build: str | None
) -> _Region:
    """The value layer of one profile, date and situation (``build``: the data's fingerprint,
    so a rebuild is seen), kept for the next runs: a click must not compute it again."""
    region = region_layer.evaluate(profile, on, Situation(dict(answers)))
    return _Region(
        layer=region_layer.value_layer(region, note=region_layer.APP_NOTE, detail=False),
        by_aid=region_layer.communes_by_aid(region),
        open_questions=any(
            region_layer.first_year(r.outlook.conditional)
            > region_layer.first_year(r.outlook.guaranteed)
            for r in region.rows
        ),
    )


def show(
    state: ViewState, region_state: RegionState, build: str | None
) -> tuple[ValueLayer | None, RegionState]:
    """The view's head; returns the layer to draw (None while no precise profile is chosen)
    and the region part of the link with the aids chosen."""
    if state.profile is None or state.profile == ALL:
        st.info(
            "Dites qui vous êtes : la carte montre, commune par commune, ce que vous pouvez"
            " percevoir en vous y installant."
            + (" Elle se calcule pour un profil précis, pas « tous »." if state.profile else "")
        )
        answer_panel.ask_profile("Choisissez votre profil pour colorer la carte", PROFILE_IDS)
        return None, region_state
    on = state.date or dt.date.today()
    region = _region(state.profile, on, tuple(state.situation.to_query().items()), build)
    names = aid_names()
    # The aids that apply somewhere for this profile, and those the link names.
    options = [a for a in names if a in region.by_aid or a in region_state.aid_filter]
    default: list[str] | None = list(region_state.aid_filter)
    if AID_FILTER in st.session_state:  # kept from an earlier run: what still is a choice
        st.session_state[AID_FILTER] = [a for a in st.session_state[AID_FILTER] if a in options]
        default = None
    chosen = st.multiselect(
        "Où s'applique cette aide", options, default=default, key=AID_FILTER,
        format_func=lambda aid: names.get(aid, aid), placeholder="Toutes les communes",
        help="Les communes où aucune des aides choisies n'est éligible ou sous condition"
        " sont grisées.",
    )  # fmt: skip
    keep = region_layer.where_aids_apply(region.by_aid, chosen)
    # « Seulement les communes proches de ce lieu » (the around panel under the map).
    why = region_layer.FILTER_LABEL
    radius = around_view.radius_in_force(state, region_state)
    near: frozenset[str] | None = None
    if radius is not None:
        try:
            near = frozenset(around_view.communes_within(state, radius))
        except ZonageError:  # an unknown place: the panel beside the map says so
            near = None
    if near is not None:
        why = f"À plus de {radius} km du lieu choisi" + (
            f", ou : {why[:1].lower()}{why[1:]}" if keep is not None else ""
        )
        keep = near if keep is None else near & keep
    layer = region_layer.keeping(region.layer, keep, why)
    st.caption(md(f"{region_layer.legend_text(layer)} {HOW_TO}"))
    if keep is not None and not keep:
        st.warning("Aucune commune : les aides choisies ne s'appliquent nulle part pour ce profil.")
    if region.open_questions:
        st.info(ANSWER_HINT)
    return layer, dataclasses.replace(region_state, aid_filter=tuple(chosen))
