"""The personal conditions of an aid (its ``situation`` requirements) read against « Ma
situation » on a date: yes, no, or unknown with the question to answer."""

from __future__ import annotations

import datetime as dt

from zonage.catalogue import SituationTest
from zonage.engine.outcome import Outcome, Question
from zonage.situation import KEYS, NONE_RECEIVED, Situation, answer_label
from zonage.text import fr_date


def personal_test(test: SituationTest, on: dt.date, situation: Situation) -> Outcome | None:
    """The outcome of one personal condition on ``on`` (None before the condition's start)."""
    if test.start is not None and on < test.start:
        return None
    if test.years is not None:
        return _no_aid_within(test.years, on, situation)
    spec = KEYS[test.key]
    wanted = " ou ".join(spec.values[v] for v in test.values)
    answer = situation.get(test.key)
    if answer is None:
        question = Question(test.key, spec.question, test.values, wanted)
        return Outcome("unknown", f"{spec.label} : {wanted} exigé", question=question)
    told = f"{spec.label} : {answer_label(test.key, answer)} (votre réponse)"
    if answer in test.values:
        return Outcome("yes", told)
    return Outcome("no", f"{told} ; aide réservée à : {wanted}")


def shift_years(on: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (earlier when negative; 28 February for a 29 February)."""
    try:
        return on.replace(year=on.year + years)
    except ValueError:
        return on.replace(year=on.year + years, day=28)


def _no_aid_within(years: int, on: dt.date, situation: Situation) -> Outcome:
    """No installation aid received in the ``years`` before ``on`` (décret n° 2025-231): an aid
    received ``years`` ago to the day is old enough, so the first day that counts is the next."""
    since = shift_years(on, -years) + dt.timedelta(days=1)
    answer = situation.get("aide_installation")
    if answer is None:
        text = KEYS["aide_installation"].question.format(depuis=fr_date(since))
        question = Question("aide_installation", text, (NONE_RECEIVED,), "non")
        return Outcome(
            "unknown",
            f"Aucune aide à l'installation reçue depuis le {fr_date(since)} : à confirmer",
            question=question,
        )
    received = situation.received_on()
    if received is None:
        return Outcome(
            "yes", f"Aucune aide à l'installation reçue depuis le {fr_date(since)} (votre réponse)"
        )
    told = f"Aide à l'installation reçue le {fr_date(received)} (votre réponse)"
    # The end of the delay decides (not ``since``): both agree but on a 29 February.
    until = shift_years(received, years)
    if until <= on:
        return Outcome("yes", f"{told} : délai de {years} ans écoulé le {fr_date(until)}")
    return Outcome(
        "no", f"{told} : pas de nouvelle aide de la même catégorie avant le {fr_date(until)}"
    )
