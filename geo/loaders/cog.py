"""The official geographic code (COG): current communes of Occitanie with their attributes,
the commune history since 1943, and the mapping of older codes to current ones.

Sources: ``@etalab/decoupage-administratif`` tables (COG 2026 and 2022) and the INSEE file of
commune changes (``mouvements-communes``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from geo import settings
from geo.loaders._common import (
    INSEE_CODE,
    check_insee_codes,
    data_error,
    read_csv,
    read_json,
    require_columns,
)

# INSEE change codes (MOD) that move a whole commune to another code: simple merger, commune
# nouvelle, merger-association, association turned merger, change of department, change of
# chef-lieu code. Creations and restorations (20, 21) split a commune and cannot be followed.
_CODE_CHANGES = frozenset({"31", "32", "33", "34", "41", "50"})
_HISTORY_COLUMNS = (
    "MOD",
    "DATE_EFF",
    "TYPECOM_AV",
    "COM_AV",
    "LIBELLE_AV",
    "TYPECOM_AP",
    "COM_AP",
    "LIBELLE_AP",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

DataFrameT = TypeVar("DataFrameT", bound=pd.DataFrame)


@dataclass(frozen=True)
class CommuneHistory:
    """INSEE commune changes, able to follow a code forward in time."""

    moves: pd.DataFrame
    # code -> sorted [(date, new code)] of the changes that move the whole commune
    transitions: dict[str, list[tuple[str, str]]]
    # code -> the last name it had as a commune before a change
    last_names: dict[str, str]

    def resolve(self, code: str, since: str) -> str:
        """The code that ``code`` (valid on ``since``, ``YYYY-MM-DD``) became after every change
        dated ``since`` or later. Unchanged codes come back as they are."""
        seen = {code}
        while True:
            steps = self.transitions.get(code)
            if not steps:
                return code
            i = bisect_left(steps, (since, ""))
            if i == len(steps):
                return code
            since, new = steps[i]
            if new in seen:
                return new
            seen.add(new)
            code = new

    def names(self) -> list[tuple[str, str, str, bool]]:
        """Every (code, name, date, before) the file gives: the name a code had before
        (``before=True``) or from (``False``) the change dated ``date``."""
        m = self.moves
        before = zip(m["COM_AV"], m["LIBELLE_AV"], m["DATE_EFF"], [True] * len(m), strict=True)
        after = zip(m["COM_AP"], m["LIBELLE_AP"], m["DATE_EFF"], [False] * len(m), strict=True)
        return [n for n in (*before, *after) if n[0]]

    def name_before_merge(self, code: str) -> str | None:
        """The last name of a commune before it was merged into another (or None)."""
        return self.last_names.get(code)


def load_history(path: Path) -> CommuneHistory:
    """Read the INSEE ``mouvements-communes`` CSV."""
    moves = read_csv(path)
    require_columns(moves, _HISTORY_COLUMNS, path)
    bad_date = moves[~moves["DATE_EFF"].str.match(_DATE)]
    if len(bad_date):
        raise data_error(path, f"date invalide « {bad_date['DATE_EFF'].iloc[0]} ».")
    for col in ("COM_AV", "COM_AP"):  # empty before a creation (20) or after a deletion (30)
        check_insee_codes(moves.loc[moves[col] != "", col], path, f"code commune ({col})")
    moves = moves[list(_HISTORY_COLUMNS)].copy()
    moved = moves[
        moves["MOD"].isin(_CODE_CHANGES)
        & (moves["TYPECOM_AV"] == "COM")
        & (moves["TYPECOM_AP"] == "COM")
        & (moves["COM_AV"] != moves["COM_AP"])
    ]
    transitions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for old, date, new in zip(moved["COM_AV"], moved["DATE_EFF"], moved["COM_AP"], strict=True):
        transitions[old].append((date, new))
    for steps in transitions.values():
        steps.sort()
    as_commune = moves[moves["TYPECOM_AV"] == "COM"].sort_values("DATE_EFF", kind="stable")
    last_names = dict(zip(as_commune["COM_AV"], as_commune["LIBELLE_AV"], strict=True))
    return CommuneHistory(moves=moves, transitions=dict(transitions), last_names=last_names)


@dataclass(frozen=True)
class Cog:
    """Current communes of the region (COG 2026) and their déléguées / associées."""

    communes: pd.DataFrame
    """One row per current commune: ``insee, nom, departement, departement_nom, epci_code,
    epci_nom, codes_postaux, population, anciens_codes, alias_noms, alias_codes``."""
    members: pd.DataFrame
    """Communes déléguées and associées: ``code, nom, type, parent``."""
    departements: pd.DataFrame
    """``code, nom`` of the region's departments."""
    report: dict = field(default_factory=dict)

    @property
    def codes(self) -> set[str]:
        """The current INSEE codes."""
        return set(self.communes["insee"])

    def former_codes(self) -> dict[str, str]:
        """Absorbed code (``anciensCodes``) -> current code."""
        return {
            old: code
            for code, olds in zip(
                self.communes["insee"], self.communes["anciens_codes"], strict=True
            )
            for old in olds
        }


def _rows(path: Path, keys: tuple[str, ...]) -> list[dict]:
    rows = read_json(path)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise data_error(path, "une liste d'objets JSON était attendue.")
    for r in rows:
        missing = [k for k in keys if k not in r]
        if missing:
            raise data_error(path, f"champ(s) manquant(s) {', '.join(missing)} (ligne {r}).")
    return rows


def load_cog(
    communes_path: Path,
    epci_path: Path,
    departements_path: Path,
    history: CommuneHistory | None = None,
) -> Cog:
    """Read the COG tables of the region into one row per current commune.

    Names keep their article ("L'Aiguillon"). The EPCI comes from the ``membres`` of the EPCI
    table. Déléguées and associées become aliases (names and codes) of their parent
    (``chefLieu``), as do the former communes of ``anciensCodes`` (named from ``history``).
    """
    rows = _rows(communes_path, ("code", "nom", "type", "departement"))
    frame = pd.DataFrame([r for r in rows if r["departement"] in settings.DEPARTMENTS])
    check_insee_codes(frame["code"], communes_path)
    current = _current_communes(frame, communes_path)
    members = _members(frame, current, communes_path)
    epci_of = _epci_membership(epci_path)
    dep_rows = _rows(departements_path, ("code", "nom"))
    departements = pd.DataFrame(
        [
            {"code": d["code"], "nom": d["nom"]}
            for d in dep_rows
            if d["code"] in settings.DEPARTMENTS
        ]
    )
    dep_name = dict(zip(departements["code"], departements["nom"], strict=True))
    aliases: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, nom, parent in zip(members["code"], members["nom"], members["parent"], strict=True):
        aliases[parent].append((code, nom))
    records = [
        _commune_record(r, aliases, epci_of, dep_name, history, communes_path)
        for r in current.itertuples(index=False)
    ]
    communes = pd.DataFrame.from_records(records).sort_values("insee", ignore_index=True)
    report = {
        "communes_actuelles": len(communes),
        "communes_deleguees": int((members["type"] == "commune-deleguee").sum()),
        "communes_associees": int((members["type"] == "commune-associee").sum()),
        "sans_epci": sorted(communes.loc[communes["epci_code"].isna(), "insee"]),
        "sans_code_postal": sorted(communes.loc[communes["codes_postaux"].map(len) == 0, "insee"]),
        "departements_sans_nom": sorted(
            set(communes.loc[communes["departement_nom"].isna(), "departement"])
        ),
    }
    return Cog(communes=communes, members=members, departements=departements, report=report)


def _current_communes(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The rows of the current communes (``commune-actuelle``), checked."""
    current = frame[frame["type"] == "commune-actuelle"].copy()
    if current.empty:
        raise data_error(path, "aucune commune actuelle de la région.")
    require_columns(current, ("codesPostaux", "population"), path)
    dupes = current["code"][current["code"].duplicated()]
    if len(dupes):
        raise data_error(path, f"commune actuelle en double : {dupes.iloc[0]}.")
    if "anciensCodes" not in current.columns:
        current["anciensCodes"] = None
    if current["population"].isna().any():
        bad = current.loc[current["population"].isna(), "code"].iloc[0]
        raise data_error(path, f"population absente pour {bad}.")
    return current


def _members(frame: pd.DataFrame, current: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Communes déléguées and associées (``code, nom, type, parent``), each attached to a
    current commune."""
    members = frame[frame["type"] != "commune-actuelle"].copy()
    if not len(members):
        return pd.DataFrame(columns=["code", "nom", "type", "parent"])
    require_columns(members, ("chefLieu",), path)
    members = members.rename(columns={"chefLieu": "parent"})[["code", "nom", "type", "parent"]]
    orphans = members[~members["parent"].isin(set(current["code"]))]
    if len(orphans):
        raise data_error(
            path,
            f"commune {orphans['type'].iloc[0]} {orphans['code'].iloc[0]} rattachée à une "
            f"commune actuelle inconnue ({orphans['parent'].iloc[0]}).",
        )
    return members


def _epci_membership(path: Path) -> dict[str, tuple[str, str]]:
    """Commune code -> ``(EPCI code, EPCI name)``, from the ``membres`` of the EPCI table."""
    epci_of: dict[str, tuple[str, str]] = {}
    for e in _rows(path, ("code", "nom", "membres")):
        for m in e["membres"]:
            code = m.get("code")
            if code in epci_of and epci_of[code][0] != e["code"]:
                raise data_error(path, f"commune {code} membre de deux EPCI.")
            epci_of[code] = (e["code"], e["nom"])
    return epci_of


def _commune_record(
    r: Any,
    aliases: dict[str, list[tuple[str, str]]],
    epci_of: dict[str, tuple[str, str]],
    dep_name: dict[str, str],
    history: CommuneHistory | None,
    path: Path,
) -> dict[str, Any]:
    """The row of one current commune (``r``: a row of the COG table)."""
    olds = [str(c) for c in (r.anciensCodes if isinstance(r.anciensCodes, list) else [])]
    bad = [c for c in olds if not INSEE_CODE.match(c)]
    if bad:
        raise data_error(path, f"ancien code invalide « {bad[0]} » pour {r.code}.")
    postal = [str(p) for p in (r.codesPostaux if isinstance(r.codesPostaux, list) else [])]
    pairs = list(aliases.get(r.code, []))
    if history is not None:
        pairs += [(old, history.name_before_merge(old) or "") for old in olds]
    else:
        pairs += [(old, "") for old in olds]
    epci = epci_of.get(r.code, (None, None))
    return {
        "insee": r.code,
        "nom": r.nom,
        "departement": r.departement,
        "departement_nom": dep_name.get(r.departement),
        "epci_code": epci[0],
        "epci_nom": epci[1],
        "codes_postaux": sorted(set(postal)),
        "population": int(r.population),
        "anciens_codes": sorted(set(olds)),
        "alias_noms": sorted({n for _, n in pairs if n and n != r.nom}),
        "alias_codes": sorted({c for c, _ in pairs if c != r.code}),
    }


@dataclass(frozen=True)
class CodeMapper:
    """Maps a commune code of an older vintage to the current (COG 2026) code."""

    current: frozenset[str]
    former: dict[str, str]
    history: CommuneHistory | None = None

    @classmethod
    def from_cog(cls, cog: Cog, history: CommuneHistory | None = None) -> CodeMapper:
        return cls(current=frozenset(cog.codes), former=cog.former_codes(), history=history)

    def with_current_codes(self, frame: DataFrameT, column: str, since: str) -> DataFrameT:
        """``frame`` with, for the code in ``column`` (valid on ``since``), its current code
        (``insee``, None when it has none) and the route that led there (``route``)."""
        mapped = [self.to_current(c, since) for c in frame[column]]
        # list[Any]: pandas' stubs want a list of scalars, and None is not one for them.
        insee: list[Any] = [m[0] for m in mapped]
        return frame.assign(insee=insee, route=[m[1] for m in mapped])

    def to_current(self, code: str, since: str) -> tuple[str | None, str]:
        """``(current code, route)`` for a code valid on ``since`` (``YYYY-MM-DD``).

        Route: ``"identique"`` (code unchanged since), ``"anciensCodes"`` (absorbed code listed
        by the COG 2026 table), ``"historique"`` (followed through the INSEE changes) or
        ``"introuvable"`` (code None).
        """
        later = self.history.resolve(code, since) if self.history else code
        if later == code and code in self.current:
            return code, "identique"
        if code in self.former:
            return self.former[code], "anciensCodes"
        if later in self.current:
            return later, "historique"
        if later in self.former:
            return self.former[later], "historique"
        return None, "introuvable"

    def cross_check(self, codes: list[str], since: str) -> list[dict[str, str]]:
        """Codes where the COG 2026 ``anciensCodes`` and the dated history disagree."""
        if self.history is None:
            return []
        out = []
        for code in codes:
            if code not in self.former:
                continue
            later = self.history.resolve(code, since)
            via_history = later if later in self.current else self.former.get(later)
            if via_history != self.former[code]:
                out.append(
                    {
                        "code": code,
                        "anciensCodes": self.former[code],
                        "historique": via_history or "",
                    }
                )
        return out


def rows_by_commune(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """The rows of ``frame`` (named tuples, in order) per current commune (``insee``: see
    :meth:`CodeMapper.with_current_codes`); rows without a current commune are left out."""
    parts: dict[str, list[Any]] = defaultdict(list)
    for r in frame.dropna(subset=["insee"]).itertuples(index=False):
        parts[str(r.insee)].append(r)
    return dict(parts)
