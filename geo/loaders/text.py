"""Normalisation of commune names for matching across sources.

Two spellings of one commune name give the same key: accents, case, the ligatures œ/æ,
hyphens, apostrophes, dots and spaces, a leading article (Le, La, Les, L') or one put in
brackets at the end ("Vigan (Le)"), and the abbreviations St / Ste / Sts / Stes.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_TRAILING_ARTICLE = re.compile(r"^(?P<name>.*?)\s*\((?P<article>les|le|la|l')\)\s*$", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
# A leading article, matched before accents are removed so that "Lès" (near) is kept.
_LEADING_ARTICLE = re.compile(r"^(?:(?:les|le|la)\s+|l'\s*)(?=\S)", re.IGNORECASE)
_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE", "STS": "SAINTS", "STES": "SAINTES"}


def name_key(name: str) -> str:
    """The matching key of a commune name: ``"L'Isle-en-Dodon"`` -> ``"ISLE EN DODON"``."""
    text = str(name).strip().replace("’", "'")
    m = _TRAILING_ARTICLE.match(text)
    if m:
        text = m["name"]
    text = _LEADING_ARTICLE.sub("", text)
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    tokens = [_ABBREVIATIONS.get(t, t) for t in _NON_ALNUM.sub(" ", text).split()]
    return " ".join(tokens)


def postal_code(value: object) -> str | None:
    """A French postal code as five digits, restoring a lost leading zero (``9000`` -> ``"09000"``).

    Returns ``None`` when the value is not a postal code.
    """
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit() or not 4 <= len(text) <= 5:
        return None
    return text.zfill(5)
