"""Profile vocabulary: the brochure's "Je suis…" personas, with their French labels.

The ids are stable: the engine, the command line, the app and the tests use them.
``tous`` is not a persona but the request for every profile at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from zonage.errors import InvalidInput
from zonage.text import quoted

ALL = "tous"

# Spaces around an id (shell quoting, a paste) are forgiven; nothing else is.
_BLANKS = " \t\r\n"
# Longest part of a mistyped id quoted back: ids are at most 26 characters.
_ID_QUOTE_LIMIT = 40


@dataclass(frozen=True)
class Profile:
    """One persona: id, French label and a one-line description."""

    id: str
    label: str
    description: str


PROFILES: tuple[Profile, ...] = (
    Profile(
        "etudiant-2e-cycle",
        "Étudiant en médecine (2e cycle)",
        "Étudiant en médecine en 2e cycle (stages, projet d'installation).",
    ),
    Profile(
        "etudiant-3e-cycle",
        "Étudiant en médecine (3e cycle, interne)",
        "Interne en médecine (3e cycle) : stages, remplacements, projet d'installation.",
    ),
    Profile(
        "maitre-de-stage",
        "Médecin maître de stage universitaire (MSU)",
        "Médecin libéral qui accueille des étudiants en stage.",
    ),
    Profile(
        "medecin-remplacant",
        "Jeune médecin remplaçant",
        "Médecin remplaçant (toutes spécialités) qui envisage de s'installer.",
    ),
    Profile(
        "liberal-installation",
        "Médecin libéral : première installation",
        "Médecin libéral (toutes spécialités) qui s'installe ici.",
    ),
    Profile(
        "liberal-cabinet-secondaire",
        "Médecin libéral : cabinet secondaire",
        "Médecin libéral qui ouvre ici un cabinet secondaire.",
    ),
    Profile(
        "liberal-en-exercice",
        "Médecin libéral en exercice",
        "Médecin libéral (toutes spécialités) qui exerce déjà ici.",
    ),
    Profile(
        "liberal-fin-de-carriere",
        "Médecin libéral de plus de 60 ans accueillant un successeur",
        "Médecin libéral de plus de 60 ans qui prépare sa retraite et accueille un médecin "
        "de moins de 50 ans.",
    ),
    Profile(
        "liberal-renfort",
        "Médecin libéral venant en renfort",
        "Médecin libéral installé hors ZIP qui vient exercer des journées ici.",
    ),
    Profile(
        "generaliste-salarie",
        "Médecin généraliste salarié",
        "Médecin généraliste salarié (centre de santé, établissement).",
    ),
    Profile(
        "structure-coordonnee",
        "Structure d'exercice coordonné (ESP, MSP, CDS, CPTS)",
        "Équipe ou structure d'exercice coordonné : ESP, MSP, centre de santé, CPTS.",
    ),
)

PROFILE_IDS: tuple[str, ...] = tuple(p.id for p in PROFILES)
_BY_ID: dict[str, Profile] = {p.id: p for p in PROFILES}


def get_profile(profile_id: str) -> Profile:
    """The profile with this id; :class:`InvalidInput` (French, one line) if unknown."""
    try:
        return _BY_ID[profile_id]
    except KeyError:
        raise _unknown(profile_id) from None


def label(profile_id: str) -> str:
    """French label of a profile id (``tous`` included)."""
    if profile_id == ALL:
        return "Tous les profils"
    return get_profile(profile_id).label


def parse_profile(text: str | None) -> str:
    """Normalise a user-given profile (``None`` or empty means ``tous``) and check it exists.

    Case and spaces around it are forgiven; the id must otherwise be spelled as listed.
    """
    value = (text or "").strip(_BLANKS)
    if value.isascii():
        value = value.lower()
    if not value:
        return ALL
    if value == ALL or value in _BY_ID:
        return value
    raise _unknown(value)


def _unknown(value: str) -> InvalidInput:
    # The message stays short (one terminal line): the closest id, a few examples, and where
    # the full list is, rather than all twelve ids.
    close = (
        get_close_matches(value, (*PROFILE_IDS, ALL), n=1, cutoff=0.7) if len(value) < 64 else []
    )
    guess = f"Vouliez-vous dire « {close[0]} » ? " if close else ""
    return InvalidInput(
        f"Profil inconnu {quoted(value, _ID_QUOTE_LIMIT)}.",
        hint=f"{guess}Exemples : liberal-installation, medecin-remplacant, {ALL} ;"
        " liste complète : zonage aids --help.",
    )
