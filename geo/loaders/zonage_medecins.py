"""Doctor zoning (ZIP / ZAC / ZAR): the CartoSanté file by postal code and commune name,
matched to current INSEE codes.

The file has no INSEE code. Each row of the region (postal code of an Occitanie department,
restoring the leading zero lost when the column was read as a number) is matched in this
order, the first step that finds exactly one commune winning:

1. ``code postal + nom`` — a commune bearing this postal code (COG 2026, COG 2022 or the
   codes-postaux file) whose current name has the row's name key (see :mod:`geo.loaders.text`);
2. ``code postal + alias`` — same, with the name of one of its communes déléguées / associées
   or of a former commune merged into it;
3. ``code postal + historique`` — same, with a name the commune had before (INSEE history,
   COG 2022, codes-postaux file): renamed or merged communes;
4. ``nom + département`` — no commune of that postal code has the name: the only commune of
   the postal code's department that has or had it.

A step that finds several communes stops the matching: the row is reported as ambiguous.
When rows matched to one commune disagree on the class, rows matched on the current name win;
if they still disagree the most favourable class (ZIP, then ZAC, then ZAR) is kept and the
commune is flagged "à vérifier" in the report. Every unmatched row of the region and every
commune left without a class is listed in the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.loaders._common import data_error, in_region, read_csv, read_json, require_columns
from geo.loaders.cog import CodeMapper, Cog, CommuneHistory
from geo.loaders.text import name_key, postal_code

#: Source labels -> zone. Other labels (3_HZ "hors zonage", "N/A …") give no class.
ZONE_LABELS: dict[str, str] = {"1_ZIP": "ZIP", "2_ZAC": "ZAC", "4_ZAR": "ZAR"}
#: Order of preference when rows of one commune disagree (most favourable first).
ZONE_PRIORITY: tuple[str, ...] = ("ZIP", "ZAC", "ZAR")
ROUTES: tuple[str, ...] = (
    "code postal + nom",
    "code postal + alias",
    "code postal + historique",
    "nom + département",
)
COLUMNS = ("Code_postal", "Nom_commune", "Zonage")
#: Vintages of the secondary tables, to follow their codes to today's communes.
COG2022_SINCE = "2022-01-02"
CODES_POSTAUX_SINCE = "2023-01-02"


@dataclass(frozen=True)
class DoctorZoning:
    """Matched doctor zoning."""

    classes: pd.DataFrame
    """One row per classed commune: ``insee, zonage_medecins, route, lignes``."""
    rows: pd.DataFrame
    """Every row of the region: ``ligne, code_postal, nom_commune, zonage, statut, insee, route,
    candidats``."""
    report: dict = field(default_factory=dict)


@dataclass
class MatchIndex:
    """Postal codes and name keys of the current communes, by matching step."""

    by_postal: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: {r: defaultdict(set) for r in ROUTES[:3]}
    )
    department: dict[str, str] = field(default_factory=dict)

    def add_name(self, route: str, name: str, code: str | None) -> None:
        if code and name:
            self.names[route][name_key(name)].add(code)

    def any_name(self, key: str) -> set[str]:
        return set().union(*(self.names[r].get(key, set()) for r in ROUTES[:3]))


def build_index(
    cog: Cog,
    mapper: CodeMapper,
    history: CommuneHistory | None = None,
    cog2022_path: Path | None = None,
    codes_postaux_path: Path | None = None,
) -> MatchIndex:
    """Gather postal codes and names of every current commune from all the tables."""
    idx = MatchIndex()
    c = cog.communes
    idx.department = dict(zip(c["insee"], c["departement"], strict=True))
    for code, nom, postals, alias in zip(
        c["insee"], c["nom"], c["codes_postaux"], c["alias_noms"], strict=True
    ):
        idx.add_name(ROUTES[0], nom, code)
        for p in postals:
            idx.by_postal[p].add(code)
        for a in alias:
            idx.add_name(ROUTES[1], a, code)

    if cog2022_path is not None:
        rows = read_json(cog2022_path)
        for r in rows:
            if not isinstance(r, dict) or "code" not in r or not in_region(r["code"]):
                continue
            own = r["code"] if r.get("type") == "commune-actuelle" else r.get("chefLieu", r["code"])
            code, _ = mapper.to_current(str(own), COG2022_SINCE)
            idx.add_name(ROUTES[2], r.get("nom", ""), code)
            for p in r.get("codesPostaux", []) or []:
                if code:
                    idx.by_postal[str(p)].add(code)

    if codes_postaux_path is not None:
        rows = read_json(codes_postaux_path)
        for r in rows:
            if not isinstance(r, dict) or not in_region(r.get("codeCommune", "")):
                continue
            code, _ = mapper.to_current(r["codeCommune"], CODES_POSTAUX_SINCE)
            idx.add_name(ROUTES[2], r.get("nomCommune", ""), code)
            if code and r.get("codePostal"):
                idx.by_postal[str(r["codePostal"])].add(code)

    if history is not None:
        current = mapper.current
        for code, name, date, before in history.names():
            if not in_region(code):
                continue
            later = history.resolve(code, date if before else _next_day(date))
            target = later if later in current else mapper.former.get(later)
            idx.add_name(ROUTES[2], name, target)
    return idx


def _next_day(date: str) -> str:
    return (pd.Timestamp(date) + pd.Timedelta(days=1)).strftime("%Y-%m-%d")


def match_row(idx: MatchIndex, postal: str, name: str) -> tuple[str, str | None, list[str]]:
    """``(status, insee, candidates)`` of one row; status ``apparie``, ``ambigu`` or
    ``non_apparie``; the route is the status detail for matched rows."""
    key = name_key(name)
    by_postal = idx.by_postal.get(postal, set())
    for route in ROUTES[:3]:
        found = idx.names[route].get(key, set()) & by_postal
        if len(found) == 1:
            return route, next(iter(found)), []
        if len(found) > 1:
            return "ambigu", None, sorted(found)
    same_dep = {c for c in idx.any_name(key) if idx.department.get(c) == postal[:2]}
    if len(same_dep) == 1:
        return ROUTES[3], next(iter(same_dep)), []
    if len(same_dep) > 1:
        return "ambigu", None, sorted(same_dep)
    return "non_apparie", None, []


def load_doctor_zoning(path: Path, cog: Cog, index: MatchIndex) -> DoctorZoning:
    """Read the CartoSanté file and class the current communes of the region."""
    raw = read_csv(path)
    require_columns(raw, COLUMNS, path)
    postals = raw["Code_postal"].map(postal_code)
    bad = raw.loc[postals.isna(), "Code_postal"]
    if len(bad):
        raise data_error(path, f"code postal invalide « {bad.iloc[0]} » ({len(bad)} ligne(s)).")
    raw = raw.assign(code_postal=postals, ligne=raw.index + 2)  # line 1 is the header
    region = raw[raw["code_postal"].map(in_region)]

    records = []
    route: str | None
    columns = ("ligne", "code_postal", "Nom_commune", "Zonage")
    for ligne, code_postal, nom_commune, zonage in zip(*(region[c] for c in columns), strict=True):
        route, insee, candidates = match_row(index, code_postal, nom_commune)
        zone = ZONE_LABELS.get(zonage)
        if insee is None:
            statut = route
            route = None
        elif zone is None:
            statut = "sans_classe"
        else:
            statut = "apparie"
        records.append(
            {
                "ligne": int(ligne),
                "code_postal": code_postal,
                "nom_commune": nom_commune,
                "zonage": zonage,
                "statut": statut,
                "insee": insee,
                "route": route,
                "candidats": candidates,
            }
        )
    rows = pd.DataFrame.from_records(
        records,
        columns=[
            "ligne",
            "code_postal",
            "nom_commune",
            "zonage",
            "statut",
            "insee",
            "route",
            "candidats",
        ],
    )

    classes, conflicts = _classes(rows)
    communes = cog.communes
    unclassed = communes[~communes["insee"].isin(set(classes["insee"]))]
    report = {
        "lignes_fichier": len(raw),
        "lignes_hors_region": len(raw) - len(region),
        "lignes_region": len(region),
        "lignes_par_statut": dict(Counter(rows["statut"])),
        "lignes_par_route": dict(Counter(rows["route"].dropna())),
        "lignes_par_classe_source": dict(Counter(region["Zonage"])),
        "lignes_non_appariees": rows[rows["statut"] != "apparie"][
            ["ligne", "code_postal", "nom_commune", "zonage", "statut", "candidats"]
        ].to_dict("records"),
        "communes_classees": len(classes),
        "communes_par_route": dict(Counter(classes["route"])),
        "communes_hors_nom_actuel": classes[classes["route"] != ROUTES[0]][
            ["insee", "route", "zonage_medecins"]
        ]
        .merge(communes[["insee", "nom"]], on="insee")
        .to_dict("records"),
        "conflits": conflicts,
        "communes_sans_classe": unclassed[["insee", "nom", "departement"]].to_dict("records"),
    }
    return DoctorZoning(classes=classes, rows=rows, report=report)


def _classes(rows: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """One class per commune from its matched rows (rule in the module docstring)."""
    matched = rows[rows["statut"] == "apparie"]
    by_commune: dict[str, list] = defaultdict(list)
    for r in matched.itertuples(index=False):
        by_commune[str(r.insee)].append(r)
    records, conflicts = [], []
    for insee, group in sorted(by_commune.items()):
        zones = {ZONE_LABELS[r.zonage] for r in group}
        on_name = [r for r in group if r.route == ROUTES[0]]
        chosen_rows = on_name or group
        chosen = {ZONE_LABELS[r.zonage] for r in chosen_rows}
        zone = next(z for z in ZONE_PRIORITY if z in chosen)
        # the commune's route: the best route among the rows that gave its class
        route = min(
            (r.route for r in chosen_rows if ZONE_LABELS[r.zonage] == zone), key=ROUTES.index
        )
        if len(zones) > 1:
            conflicts.append(
                {
                    "insee": insee,
                    "classes": sorted(zones, key=ZONE_PRIORITY.index),
                    "retenue": zone,
                    "regle": "nom actuel" if len(chosen) == 1 and on_name else "plus favorable",
                    "a_verifier": len(chosen) > 1,
                    "lignes": [int(r.ligne) for r in group],
                }
            )
        records.append(
            {
                "insee": insee,
                "zonage_medecins": zone,
                "route": route,
                "lignes": [int(r.ligne) for r in group],
            }
        )
    classes = pd.DataFrame.from_records(
        records, columns=["insee", "zonage_medecins", "route", "lignes"]
    )
    return classes, conflicts
