"""The app's answer panel (Streamlit): for the chosen place, profile, date and situation, the
summary in euros first, then the compact aid cards, « Ne s'applique pas ici », the place's
facts and the notes — one HTML block written from the render model."""

from __future__ import annotations

import dataclasses

import streamlit as st

from application import service
from application.render import cards
from application.render.fiche import fiche_html
from application.render.model import place_card
from application.render.summary import answer_view
from application.safe_text import markdown as md
from zonage.profiles import ALL, PROFILE_IDS, label

#: Session key of the panel's own « Je suis… » (shown while no profile is chosen).
_PANEL_PROFILE = "profil_panneau"


def _choose_profile() -> None:
    chosen = st.session_state.get(_PANEL_PROFILE)
    if chosen:
        st.session_state["profil"] = chosen


def ask_profile(
    placeholder: str = "Choisissez votre profil pour voir ce que vous pouvez percevoir ici",
    options: tuple[str, ...] = (*PROFILE_IDS, ALL),
) -> None:
    """« Je suis… » in the page while no profile is chosen (the choice goes to the sidebar)."""
    st.selectbox(
        "Je suis…", list(options), index=None, format_func=label, key=_PANEL_PROFILE,
        placeholder=placeholder, on_change=_choose_profile,
    )  # fmt: skip


def show(view: service.View, profile: str | None) -> None:
    """The panel of one view: a message, the place and « Je suis… », or the whole answer."""
    if view.error:
        st.error(md(view.error))
        return
    if view.place is None:
        st.info(
            "Cliquez sur la carte, ou cherchez une adresse ou une commune au-dessus de la"
            " carte, pour voir les aides qui s'y appliquent."
        )
        return
    if view.answer is None or profile is None:
        ask_profile()
        st.html(cards.CSS + cards.place_html(place_card(view.place)))
        return
    answer = view.answer
    shown = answer_view(answer)
    place = place_card(view.place, on=answer.date)
    # The answer's notes (the zoning order's among them) are said once, below the answer.
    place = dataclasses.replace(place, notes=tuple(n for n in place.notes if n not in shown.notes))
    head = ""
    if profile == ALL:
        head = (
            "<p>Tous les profils : chaque aide une fois, avec son meilleur statut. Choisissez"
            " votre profil (« Je suis… ») pour le résumé en euros et les questions qui"
            " décident.</p>"
        )
    body = "".join(cards.aid_html(card) for card in shown.cards) or (
        "<p>Aucune aide ne s'applique ici pour ce profil à cette date.</p>"
    )
    if answer.summary is not None:
        st.download_button(
            "Fiche à imprimer (HTML, 2 pages A4 au plus)",
            fiche_html(answer).encode("utf-8"),
            f"fiche-aides-{answer.place.insee}-{answer.profile}.html",
            "text/html",
            key="fiche",
            help="Une page à ouvrir dans le navigateur puis à imprimer (ou enregistrer en PDF).",
        )
    st.html(
        cards.CSS
        + '<div class="zc-answer">'
        + (cards.summary_html(shown) if answer.summary is not None else head)
        + cards.place_html(place, folded=True)
        + body
        + cards.not_here_html(shown)
        + cards.notes_html(shown)
        + "</div>"
    )
