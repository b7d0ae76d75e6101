"""Commune names, codes and postal codes: normalisation and ranked search.

A user types "st girons", "Saint-Girons", "SAINT GIRONS (09)", "aiguillon" (for "L'Aiguillon"),
the name of a commune déléguée, or a postal code. :class:`NameIndex` turns all of these into
ranked :class:`Candidate` communes. It is built once from the commune table (plain sequences,
no geometry) and answers in well under a millisecond for exact names.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from geo import settings
from zonage.errors import InvalidInput, NotFound, OutsideRegion
from zonage.text import quoted

MatchKind = Literal["nom", "alias", "code_postal"]

# Abbreviations users type for the words commune names spell out.
_ABBREVIATIONS: dict[str, str] = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "nd": "notre dame",
}
_ARTICLES: frozenset[str] = frozenset({"le", "la", "les", "l"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# ASCII digits only: "\d" alone would take other scripts' digits (full-width "３１５５５").
_INSEE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$", re.ASCII)
_POSTAL_RE = re.compile(r"^\d{5}$", re.ASCII)
# Spaces around a code (shell quoting, a paste) are forgiven; nothing else is.
_BLANKS = " \t\r\n"
# "Saint-Michel (32)", "Saint-Michel 32", "Saint-Michel, 32" or a trailing postal code.
_QUALIFIER_RE = re.compile(r"^(?P<name>.*?)[\s,;]*\(?\s*(?P<code>\d{5}|\d{2}|2[AB])\s*\)?\s*$")
# "31000 Toulouse": a leading postal code, as written on an envelope.
_LEADING_POSTAL_RE = re.compile(r"^\s*(?P<code>\d{5})[\s,;]+(?P<name>.*\S)\s*$")

EXAMPLE_INSEE = "31555 pour Toulouse"


def fold(text: str) -> str:
    """Lower-case ASCII form of ``text``: accents removed, ligatures spelled out."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def normalize_name(text: str) -> str:
    """The search key of a commune name.

    Forgives case, accents, hyphens, apostrophes and other punctuation, "St"/"Ste" for
    "Saint"/"Sainte", and a leading article ("L'Aiguillon" and "Aiguillon" share a key;
    so does the register form "Aiguillon (L')").
    """
    had_parenthesis = "(" in text
    tokens: list[str] = []
    for token in _NON_ALNUM.sub(" ", fold(text)).split():
        tokens.extend(_ABBREVIATIONS.get(token, token).split())
    if len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    elif had_parenthesis and len(tokens) > 1 and tokens[-1] in _ARTICLES:
        tokens = tokens[:-1]
    return " ".join(tokens)


REGION_HINT = (
    "Choisissez un lieu en Occitanie (départements " + ", ".join(settings.DEPARTMENTS) + ")."
)


def outside_region(what: str, departement: str | None = None) -> OutsideRegion:
    """The French error for something outside Occitanie, e.g. ``Le code INSEE 75056``."""
    where = f" (département {departement})" if departement else ""
    return OutsideRegion(f"{what} est hors d'Occitanie{where}.", hint=REGION_HINT)


def department_of_code(code: str) -> str:
    """Department of an INSEE commune code or a postal code (first two or three characters)."""
    return code[:3] if code.startswith("97") else code[:2]


def parse_insee(text: str) -> str:
    """Check the shape of an INSEE commune code and return it cleaned.

    The grammar: five ASCII digits, or ``2A``/``2B`` and three digits (Corsica, either case),
    spaces around it forgiven. Raises :class:`InvalidInput` with a French one-line message
    saying how to fix it.
    """
    shown = ("" if text is None else str(text)).strip(_BLANKS)
    code = shown.upper() if shown.isascii() else shown
    if not code:
        raise InvalidInput(f"Code INSEE vide : indiquez 5 chiffres, ex. {EXAMPLE_INSEE}.")
    if _INSEE_RE.match(code):
        return code
    digits = code.isascii() and code.isdigit()
    if digits and len(code) == 4 and department_of_code("0" + code) in settings.DEPARTMENTS:
        raise InvalidInput(
            f"Code INSEE {quoted(shown)} : 4 chiffres au lieu de 5, le 0 initial manque"
            " sans doute.",
            hint=f"Essayez 0{code}.",
        )
    if digits:
        raise InvalidInput(
            f"Code INSEE {quoted(shown)} : {len(code)} chiffres au lieu de 5.",
            hint=f"Indiquez le code INSEE de la commune (5 chiffres, ex. {EXAMPLE_INSEE}),"
            " pas un code postal ni un SIRET.",
        )
    raise InvalidInput(
        f"{quoted(shown)} n'est pas un code INSEE (5 chiffres de 0 à 9 attendus,"
        f" ex. {EXAMPLE_INSEE}).",
        hint="Pour chercher une commune par son nom : la recherche de l'appli,"
        " ou `zonage … --address`.",
    )


@dataclass(frozen=True)
class Candidate:
    """One commune that matches a search, with how and how well it matched."""

    index: int  # position of the commune in the table the index was built from
    insee: str
    nom: str
    departement: str
    matched: str  # the name or postal code that matched
    kind: MatchKind
    score: float  # 1.0 exact current name; lower for aliases, prefixes and fuzzy matches
    population: int

    @property
    def label(self) -> str:
        """Short French label, e.g. "Saint-Michel (32, 32389)"."""
        return f"{self.nom} ({self.departement}, {self.insee})"


@dataclass(frozen=True)
class _Entry:
    index: int
    display: str
    kind: MatchKind


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class NameIndex:
    """Search communes by name, alias (déléguée, former commune), postal code or code.

    Built from parallel sequences, one item per commune (the commune layer's columns).
    """

    def __init__(
        self,
        insee: Iterable[str],
        nom: Iterable[str],
        departement: Iterable[str],
        population: Sequence[int],
        alias_noms: Sequence[Sequence[str]],
        codes_postaux: Sequence[Sequence[str]],
        former_codes: Sequence[Sequence[str]],
    ) -> None:
        self._insee = list(insee)
        self._nom = list(nom)
        self._dep = list(departement)
        self._pop = [int(p) if p is not None else 0 for p in population]
        self._by_code = {code: i for i, code in enumerate(self._insee)}
        self._by_key: dict[str, list[_Entry]] = defaultdict(list)
        self._by_postal: dict[str, list[int]] = defaultdict(list)
        self._by_former_code: dict[str, list[int]] = defaultdict(list)
        for i, name in enumerate(self._nom):
            self._by_key[normalize_name(name)].append(_Entry(i, name, "nom"))
            own_key = normalize_name(name)
            for alias in alias_noms[i] or ():
                key = normalize_name(alias)
                if key and key != own_key:
                    self._by_key[key].append(_Entry(i, alias, "alias"))
            for cp in codes_postaux[i] or ():
                self._by_postal[str(cp)].append(i)
            for old in former_codes[i] or ():
                if old != self._insee[i] and i not in self._by_former_code[old]:
                    self._by_former_code[old].append(i)
        self._keys = sorted(self._by_key)
        self._trigram_keys: dict[str, list[str]] = defaultdict(list)
        for key in self._keys:
            for tri in _trigrams(key):
                self._trigram_keys[tri].append(key)

    # --- codes -------------------------------------------------------------------------

    def code_index(self, code: str) -> int | None:
        """Position of the current commune with this INSEE code, or None."""
        return self._by_code.get(code)

    def former_code_indices(self, code: str) -> list[int]:
        """Current communes that absorbed the former (merged or delegated) INSEE ``code``."""
        return list(self._by_former_code.get(code, ()))

    def postal_indices(self, code: str) -> list[int]:
        """Current communes served by the postal code, most populated first."""
        found = self._by_postal.get(code, [])
        return sorted(found, key=lambda i: (-self._pop[i], self._insee[i]))

    def resolve_postal(self, code: str) -> list[int]:
        """Communes of a postal code (most populated first), or a clear French error."""
        code = code.strip()
        if not _POSTAL_RE.match(code):
            raise InvalidInput(
                f"{quoted(code)} n'est pas un code postal (5 chiffres attendus, ex. 31000)."
            )
        found = self.postal_indices(code)
        if found:
            return found
        dep = department_of_code(code)
        if dep not in settings.DEPARTMENTS:
            raise outside_region(f"Le code postal {code}", dep)
        raise NotFound(
            f"Aucune commune d'Occitanie n'a le code postal {code}.",
            hint="Vérifiez le code postal ou cherchez la commune par son nom.",
        )

    def resolve_code(self, text: str) -> tuple[int, str | None]:
        """Commune position for an INSEE code, current or former, and a French note if former.

        Raises :class:`InvalidInput` for a malformed code, :class:`OutsideRegion` for a code of
        another region, :class:`NotFound` for an Occitanie code that names no commune.
        """
        code = parse_insee(text)
        i = self._by_code.get(code)
        if i is not None:
            return i, None
        former = self._by_former_code.get(code)
        if former:
            i = min(former, key=lambda j: self._insee[j])
            note = (
                f"Le code INSEE {code} est un ancien code : la commune fait aujourd'hui partie de"
                f" {self._nom[i]} ({self._insee[i]})."
            )
            if len(former) > 1:
                others = ", ".join(f"{self._nom[j]} ({self._insee[j]})" for j in former if j != i)
                note += f" Il est aussi repris par {others} : à vérifier."
            return i, note
        dep = department_of_code(code)
        if dep not in settings.DEPARTMENTS:
            raise outside_region(f"Le code INSEE {code}", dep)
        raise NotFound(
            f"Aucune commune d'Occitanie n'a le code INSEE {code}.",
            hint="Vérifiez le code sur le Code officiel géographique de l'INSEE"
            " ou cherchez la commune par son nom (recherche de l'appli, ou `--address`).",
        )

    # --- names -------------------------------------------------------------------------

    def search(self, text: str, limit: int = 10) -> list[Candidate]:
        """Ranked candidate communes for a name or a postal code (best first).

        A trailing department ("Saint-Michel (32)") or postal code ("Toulouse 31000") narrows
        the search. Exact names rank first (current names before aliases), then prefixes, then
        close spellings; ties go to the most populated commune.
        """
        raw = (text or "").strip()
        if not raw:
            return []
        if _POSTAL_RE.match(raw):
            return [self._candidate(i, raw, "code_postal", 1.0) for i in self.postal_indices(raw)][
                :limit
            ]
        name, qualifier = raw, None
        m = _LEADING_POSTAL_RE.match(raw) or _QUALIFIER_RE.match(raw)
        if m and m.group("name").strip():
            name, qualifier = m.group("name"), m.group("code").upper()
        key = normalize_name(name)
        if not key:
            return []
        scored = self._score(key)
        if qualifier is not None:
            scored = {i: s for i, s in scored.items() if self._matches_qualifier(i, qualifier)}
        ranked = sorted(
            scored.items(), key=lambda kv: (-kv[1][0], -self._pop[kv[0]], self._insee[kv[0]])
        )
        return [
            self._candidate(i, display, kind, score) for i, (score, display, kind) in ranked[:limit]
        ]

    def _matches_qualifier(self, i: int, qualifier: str) -> bool:
        if len(qualifier) == 5:
            return i in self._by_postal.get(qualifier, ())
        return self._dep[i] == qualifier

    def _score(self, key: str) -> dict[int, tuple[float, str, MatchKind]]:
        best: dict[int, tuple[float, str, MatchKind]] = {}

        def offer(entry: _Entry, score: float) -> None:
            if entry.kind == "alias":
                score -= 0.05
            current = best.get(entry.index)
            if current is None or score > current[0]:
                best[entry.index] = (score, entry.display, entry.kind)

        for entry in self._by_key.get(key, ()):
            offer(entry, 1.0)
        if best:
            return best
        if len(key) >= 3:
            start = bisect.bisect_left(self._keys, key)
            for other in self._keys[start:]:
                if not other.startswith(key):
                    break
                # Completions all score the same, so population ranks them (autocompletion).
                for entry in self._by_key[other]:
                    offer(entry, 0.8)
        if best:
            return best
        for other, ratio in self._fuzzy(key):
            for entry in self._by_key[other]:
                offer(entry, 0.7 * ratio)
        return best

    def _fuzzy(self, key: str, keep: int = 40, cutoff: float = 0.75) -> list[tuple[str, float]]:
        """Keys spelled like ``key`` (typos, missing words): trigram shortlist, then difflib."""
        counts: Counter[str] = Counter()
        for tri in _trigrams(key):
            counts.update(self._trigram_keys.get(tri, ()))
        out: list[tuple[str, float]] = []
        for other, _ in counts.most_common(keep):
            ratio = SequenceMatcher(None, key, other).ratio()
            if ratio >= cutoff:
                out.append((other, ratio))
        return out

    def _candidate(self, i: int, matched: str, kind: MatchKind, score: float) -> Candidate:
        return Candidate(
            index=i,
            insee=self._insee[i],
            nom=self._nom[i],
            departement=self._dep[i],
            matched=matched,
            kind=kind,
            score=round(score, 4),
            population=self._pop[i],
        )


def is_exact(candidate: Candidate) -> bool:
    """True when the candidate matched a whole name or a postal code, not a guess."""
    return candidate.score >= 0.9


def alias_note(candidate: Candidate) -> str | None:
    """French note when a candidate was found through a former or delegated commune's name."""
    if candidate.kind != "alias":
        return None
    return (
        f"« {candidate.matched} » est une commune déléguée ou une ancienne commune, rattachée"
        f" aujourd'hui à {candidate.nom} ({candidate.insee})."
    )


def pick_one(text: str, candidates: list[Candidate]) -> Candidate:
    """The one commune a name or postal code designates, or a clear French error.

    Raises :class:`InvalidInput` when several communes match equally (homonyms, a postal code
    shared by several communes): the message lists them and says how to choose.
    Raises :class:`NotFound` when nothing matches closely enough.
    """
    shown = text.strip()
    if not candidates:
        raise NotFound(
            f"Aucune commune d'Occitanie ne correspond à {quoted(shown)}.",
            hint="Vérifiez l'orthographe, ou donnez le code postal"
            " ou un point « lat, lon » (ex. 43.6045, 1.4440).",
        )
    exact = [c for c in candidates if is_exact(c)]
    if len(exact) == 1 or (exact and len({c.insee for c in exact}) == 1):
        return exact[0]
    if not exact:
        listed = ", ".join(c.label for c in candidates[:5])
        raise NotFound(
            f"Aucune commune d'Occitanie ne s'appelle exactement {quoted(shown)}.",
            hint=f"Vouliez-vous dire : {listed} ? Reprenez le nom exact ou ajoutez le département.",
        )
    listed = ", ".join(c.label for c in exact[:6])
    more = f" et {len(exact) - 6} autres" if len(exact) > 6 else ""
    what = "Ce code postal couvre" if exact[0].kind == "code_postal" else "Ce nom désigne"
    raise InvalidInput(
        f"{what} plusieurs communes : {listed}{more}.",
        hint="Précisez le département, ex. « Saint-Michel (32) ».",
    )
