"""The app's « Ma situation » box (Streamlit): a few optional answers that turn a conditional
aid into a decision, kept in the session and in the page's link."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from zonage.situation import KEYS, NONE_RECEIVED, Situation

#: Session keys of the widgets, one per question (the date of the last installation aid has
#: a choice and, when « une date » is chosen, a date field).
_WIDGET = {key: f"sit_{key}" for key in KEYS}
_DATE_WIDGET = "sit_aide_installation_date"
_UNSET = ""
_A_DATE = "date"


def from_session(state_situation: Situation) -> Situation:
    """The answers the widgets hold (those of the link before the box is first drawn)."""
    session = st.session_state
    if not any(w in session for w in _WIDGET.values()):
        return state_situation
    answers: dict[str, str] = {}
    for key, widget in _WIDGET.items():
        value = session.get(widget, _UNSET)
        if value == _A_DATE:
            day = session.get(_DATE_WIDGET)
            value = day.isoformat() if isinstance(day, dt.date) else _UNSET
        if value:
            answers[key] = value
    return Situation(answers)


def draw(situation: Situation) -> None:
    """The box in the sidebar, folded unless some answer is given."""
    with st.sidebar.expander("Ma situation (facultatif)", expanded=bool(situation.answers)):
        st.caption(
            "Vos réponses transforment les aides « sous condition » en réponses fermes ;"
            " laissez « Je ne sais pas » sinon."
        )
        for key, spec in KEYS.items():
            if spec.is_date:
                _date_answer(situation)
                continue
            options = [_UNSET, *spec.values]
            given = situation.get(key) or _UNSET
            st.selectbox(
                spec.label, options, index=options.index(given), key=_WIDGET[key],
                format_func=lambda v, s=spec: s.values.get(v, "Je ne sais pas / non renseigné"),
                help=spec.help,
            )  # fmt: skip


def _date_answer(situation: Situation) -> None:
    spec = KEYS["aide_installation"]
    given = situation.get("aide_installation")
    options = [_UNSET, NONE_RECEIVED, _A_DATE]
    choice = _UNSET if given is None else NONE_RECEIVED if given == NONE_RECEIVED else _A_DATE
    labels = {
        _UNSET: "Je ne sais pas / non renseigné",
        NONE_RECEIVED: "Aucune",
        _A_DATE: "Oui, à une date",
    }
    st.selectbox(
        spec.label, options, index=options.index(choice), key=_WIDGET["aide_installation"],
        format_func=labels.__getitem__, help=spec.help,
    )  # fmt: skip
    if st.session_state.get(_WIDGET["aide_installation"], choice) == _A_DATE:
        received = situation.received_on() or dt.date.today()
        st.date_input(
            "Date de cette aide", value=received, format="DD/MM/YYYY", key=_DATE_WIDGET,
            min_value=dt.date(1990, 1, 1), max_value=dt.date.today(),
        )  # fmt: skip
