"""« Ma situation »: the optional personal answers that turn a conditional aid into a decision.

Like the profiles, the vocabulary is fixed here (the URL, the command line and the catalogue's
``situation`` requirements use these keys and values); which aid needs which answer is data, in
``catalogue.yaml``. An answer left out stays a question: the aid is then ``sous_condition``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zonage.errors import InvalidInput
from zonage.text import fr_date, iso_date, quoted

#: The answer "none received" of ``aide_installation`` (else an ISO date).
NONE_RECEIVED = "aucune"
# AAAA-MM-JJ in ASCII digits only: ``fromisoformat`` alone also takes "20240101", "2024-W01-1".


@dataclass(frozen=True)
class Key:
    """One question of « Ma situation »: its label, its values (value → label) and, for a
    date answer, ``values`` empty."""

    id: str
    label: str
    values: Mapping[str, str]
    help: str
    question: str

    @property
    def is_date(self) -> bool:
        return not self.values


KEYS: dict[str, Key] = {
    k.id: k
    for k in (
        Key(
            "secteur",
            "Secteur conventionnel",
            {
                "1": "Secteur 1",
                "2-optam": "Secteur 2 avec Optam ou Optam-ACO",
                "2-sans-optam": "Secteur 2 sans Optam",
            },
            "Les aides de l'Assurance Maladie à l'installation exigent le secteur 1 ou l'Optam.",
            "Dans quel secteur conventionnel exercez-vous ?",
        ),
        Key(
            "aide_installation",
            "Dernière aide à l'installation reçue",
            {},
            f"« {NONE_RECEIVED} » ou sa date (AAAA-MM-JJ) : le décret n° 2025-231 interdit une"
            " nouvelle aide de la même catégorie avant dix ans.",
            "Avez-vous reçu une aide à l'installation depuis le {depuis} ?",
        ),
        Key(
            "cabinet_qpv",
            "Cabinet dans un quartier prioritaire (QPV) de la commune",
            {"oui": "Oui", "non": "Non"},
            "Utile quand la commune compte des QPV et que l'adresse exacte n'est pas connue.",
            "Votre cabinet est-il dans un quartier prioritaire (QPV) de la commune ?",
        ),
        Key(
            "zone_cabinet",
            "Zone du cabinet confirmée par l'ARS",
            {"ZIP": "ZIP", "ZAC": "ZAC"},
            "Dans une commune en ZAC, certains QPV sont classés ZIP : l'ARS dit lequel.",
            "Le quartier prioritaire (QPV) de votre cabinet est-il classé ZIP par l'ARS ?",
        ),
    )
}


@dataclass(frozen=True)
class Situation:
    """The answers given (key → value), every one checked against :data:`KEYS`."""

    answers: Mapping[str, str]

    def get(self, key: str) -> str | None:
        """The answer to ``key``, or None when it was not given."""
        return self.answers.get(key)

    def with_answer(self, key: str, value: str) -> Situation:
        """The same answers with ``key`` set to ``value`` (a hypothesis of the summary)."""
        return Situation({**self.answers, key: value})

    def received_on(self) -> dt.date | None:
        """The date of the last installation aid received, when one was given."""
        value = self.get("aide_installation")
        return None if value in (None, NONE_RECEIVED) else dt.date.fromisoformat(str(value))

    def to_query(self) -> dict[str, str]:
        """The answers in :data:`KEYS` order (for a link or a JSON answer)."""
        return {k: self.answers[k] for k in KEYS if k in self.answers}


NO_SITUATION = Situation({})


def answer_label(key: str, value: str) -> str:
    """The French label of an answer (a date as DD/MM/YYYY)."""
    spec = KEYS[key]
    if spec.is_date:
        if value == NONE_RECEIVED:
            return "aucune"
        return fr_date(value)
    return spec.values[value]


def parse_answer(key: str, value: str) -> str:
    """``value`` checked for ``key``; :class:`InvalidInput` listing what is allowed."""
    spec = KEYS.get(key)
    if spec is None:
        raise InvalidInput(
            f"Situation : question inconnue {quoted(key)}.",
            hint=f"Questions possibles : {', '.join(KEYS)}.",
        )
    value = value.strip()
    if spec.is_date:
        if value == NONE_RECEIVED:
            return value
        if (date := iso_date(value)) is not None:
            return date.isoformat()
        raise InvalidInput(
            f"Situation {key} : {quoted(value)} n'est ni « {NONE_RECEIVED} » ni une date.",
            hint=f"Valeurs possibles : {NONE_RECEIVED} ou une date AAAA-MM-JJ.",
        )
    if value not in spec.values:
        raise InvalidInput(
            f"Situation {key} : valeur inconnue {quoted(value)}.",
            hint=f"Valeurs possibles : {', '.join(spec.values)}.",
        )
    return value


def parse_situation(pairs: Iterable[str] | Mapping[str, str]) -> Situation:
    """Answers from ``key=value`` texts (command line) or a mapping (a link); a key given twice,
    an unknown key or value → :class:`InvalidInput` naming it and what is allowed."""
    items: list[tuple[str, str]] = []
    if isinstance(pairs, Mapping):
        items = [(str(k), str(v)) for k, v in pairs.items()]
    else:
        for pair in pairs:
            key, sep, value = pair.partition("=")
            if not sep:
                raise InvalidInput(
                    f"Situation {quoted(pair)} : la forme attendue est clé=valeur.",
                    hint=f"Questions possibles : {', '.join(KEYS)}.",
                )
            items.append((key.strip(), value))
    answers: dict[str, str] = {}
    for key, value in items:
        checked = parse_answer(key, value)
        if key in answers:
            raise InvalidInput(
                f"Situation {key} donnée deux fois.", hint="Donnez chaque question une fois."
            )
        answers[key] = checked
    return Situation(answers)
