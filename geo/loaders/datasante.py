"""Doctor zoning from the official DataSanté commune table (data.gouv.fr dataset
``zonages-des-professionnels-de-sante-liberaux``): one dated version of the zoning, keyed by the
current (COG 2026) INSEE code.

The table has one row per commune of France, every field quoted: ``com_code`` (INSEE),
``com_region``, ``zmed_niveau`` (``1_ZIP``, ``2_ZAC``, ``4_ZAR``, ``3_HZ`` hors zonage…),
``zmed_date_arrete`` (date of the ARS order in force, ``dd/mm/yyyy``), ``tvs_code`` /
``tvs_lib`` (territoire de vie-santé) and ``pop`` (thousands separated by a space, thin or
not). Its COG vintage is not stated: codes are followed through the commune history.

Every row ends in exactly one bucket of ``report["lignes_par_statut"]``:

- ``autre_region``: a commune of another region (``com_region``), counted by region;
- ``region_incoherente``: another region is named but the code is of an Occitanie department;
- ``code_invalide``: not a 5-character INSEE code;
- ``hors_occitanie``: Occitanie is named but the code is of another department;
- ``code_inconnu``: no current commune of the region, even through the history;
- ``code_ambigu``: a former commune split between several current communes;
- ``classe_invalide``: ``zmed_niveau`` is no known class;
- ``date_invalide``: ``zmed_date_arrete`` missing or not a ``dd/mm/yyyy`` date;
- ``conflit``: rows of one current commune that disagree on class or date;
- ``doublon``: another row of a current commune, agreeing with the kept one;
- ``retenue``: the row that gives the commune its class and date.

A current commune of the region named by at least one row gets a line of the frame; its
``statut`` says whether the class can be used (``ok``, ``hors_zonage``) or not
(``classe_invalide``, ``date_invalide``, ``conflit``: ``zonage_medecins`` is then None).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from geo.loaders._common import INSEE_CODE, in_region
from geo.loaders.cog import CodeMapper
from geo.loaders.text import name_key
from geo.loaders.zonage_medecins import ZONE_LABELS
from zonage.errors import DataError
from zonage.text import quoted

#: Columns the loader reads; ``com_lib``, ``pop`` and ``date_maj`` are read when present.
COLUMNS: tuple[str, ...] = (
    "com_code",
    "com_region",
    "zmed_niveau",
    "zmed_date_arrete",
    "tvs_code",
    "tvs_lib",
)
REGION_NAME = "Occitanie"
#: ``zmed_niveau`` values that are known but give no class of the region.
UNCLASSED_LABELS: dict[str, str] = {"3_HZ": "hors zonage"}
#: The table does not state its COG: every change since 2024 is followed (codes absorbed
#: into a current commune are found through ``anciensCodes`` whatever their date).
DATASANTE_SINCE = "2024-01-02"
BUCKETS: tuple[str, ...] = (
    "autre_region",
    "region_incoherente",
    "code_invalide",
    "hors_occitanie",
    "code_inconnu",
    "code_ambigu",
    "classe_invalide",
    "date_invalide",
    "conflit",
    "doublon",
    "retenue",
)
FRAME_COLUMNS: tuple[str, ...] = (
    "insee",
    "zonage_medecins",
    "arrete",
    "tvs_code",
    "tvs_nom",
    "statut",
)
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
# Thousands separators seen in ``pop``: space, no-break space, thin and narrow no-break spaces.
_SEPARATORS = re.compile(r"[ \u00a0\u2009\u202f]")
_HINT = (
    "Donnez la table des communes du jeu de données DataSanté « Zonages des professionnels "
    "de santé libéraux » (data.gouv.fr), telle que publiée."
)
_HZ = "HZ"
#: Source columns read row by row (``com_lib`` and ``pop`` may be absent).
_SOURCE_COLUMNS: tuple[str, ...] = (*COLUMNS, "com_lib", "pop")
#: Columns of the row records; the last four are dropped once the communes are made.
_RECORD_COLUMNS: tuple[str, ...] = (
    "ligne",
    "com_code",
    "com_lib",
    "com_region",
    "zmed_niveau",
    "zmed_date_arrete",
    "population",
    "insee",
    "route",
    "statut",
    "candidats",
    "tvs_code",
    "tvs_nom",
    "classe",
    "date",
)


@dataclass(frozen=True)
class DataSanteZoning:
    """One dated version of the doctor zoning."""

    frame: pd.DataFrame
    """One row per current commune of the region named by the table: ``insee,
    zonage_medecins`` (ZIP / ZAC / ZAR or None), ``arrete`` (``datetime.date`` or None),
    ``tvs_code, tvs_nom, statut``."""
    rows: pd.DataFrame
    """Every row of the table: ``ligne, com_code, com_lib, com_region, zmed_niveau,
    zmed_date_arrete, population, insee, route, statut, candidats``."""
    report: dict = field(default_factory=dict)


def table_error(path: Path | str, what: str) -> DataError:
    """A DataError naming the table file (its name is quoted: it may come from a user)."""
    return DataError(f"table DataSanté {quoted(Path(path).name)} : {what}.", hint=_HINT)


def read_table(path: Path) -> pd.DataFrame:
    """The table as text columns; a file that is not the commune table is a DataError naming
    the file and the missing columns."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise table_error(path, "fichier absent") from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise table_error(
            path,
            f"pas un CSV lisible ({type(exc).__name__}) ; colonnes attendues : "
            + ", ".join(COLUMNS),
        ) from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise table_error(path, f"colonne(s) manquante(s) : {', '.join(missing)}")
    return df


def parse_date(text: str) -> dt.date | None:
    """``30/10/2025`` -> ``date(2025, 10, 30)``; None when it is not a real ``dd/mm/yyyy`` date."""
    m = _DATE.match(str(text).strip())
    if not m:
        return None
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


def parse_population(text: str) -> int | None:
    """``"1 306"`` (any space as thousands separator) -> 1306; None when unreadable."""
    digits = _SEPARATORS.sub("", str(text).strip())
    return int(digits) if digits.isdigit() else None


def _split_targets(code: str, mapper: CodeMapper) -> list[str]:
    """Current communes a former code was split into (empty without a history)."""
    history = mapper.history
    if history is None:
        return []
    m = history.moves
    after = m[(m["COM_AV"] == code) & (m["COM_AP"] != code) & (m["COM_AP"] != "")]
    targets = {
        mapper.to_current(new, date)[0]
        for new, date in zip(after["COM_AP"], after["DATE_EFF"], strict=True)
    }
    return sorted(t for t in targets if t)


def map_code(code: str, mapper: CodeMapper) -> tuple[str | None, str, list[str]]:
    """``(current code, route or bucket, candidates)`` of a code of an Occitanie row."""
    if not INSEE_CODE.match(code):
        return None, "code_invalide", []
    if not in_region(code):
        return None, "hors_occitanie", []
    insee, route = mapper.to_current(code, DATASANTE_SINCE)
    if insee is not None:
        return insee, route, []
    targets = _split_targets(code, mapper)
    return None, ("code_ambigu" if len(targets) > 1 else "code_inconnu"), targets


def _row_class(label: str) -> str | None:
    """ZIP / ZAC / ZAR, ``HZ`` for a known label without class, None for an unknown one."""
    label = str(label).strip()
    if label in ZONE_LABELS:
        return ZONE_LABELS[label]
    if label in UNCLASSED_LABELS:
        return _HZ
    return None


def load_datasante(path: Path, mapper: CodeMapper, communes: pd.DataFrame) -> DataSanteZoning:
    """Read the DataSanté commune table and give the region's current communes their class.

    ``communes`` holds the current communes of the region (``insee, nom, departement``: the
    COG table), to list those the table does not name.
    """
    raw = read_table(path)
    n = len(raw)
    # Plain lists: reading cell by cell from the frame costs seconds on the national table.
    col = {c: raw[c].tolist() if c in raw.columns else [""] * n for c in _SOURCE_COLUMNS}
    region_key = name_key(REGION_NAME)
    of_region = {v: name_key(v) == region_key for v in set(col["com_region"])}
    records = []
    for i in range(n):
        code = str(col["com_code"][i]).strip()
        rec: dict[str, Any] = {
            "ligne": i + 2,  # line 1 is the header
            "com_code": code,
            "com_lib": col["com_lib"][i],
            "com_region": col["com_region"][i],
            "zmed_niveau": col["zmed_niveau"][i],
            "zmed_date_arrete": col["zmed_date_arrete"][i],
            "population": parse_population(col["pop"][i]),
            "tvs_code": str(col["tvs_code"][i]).strip() or None,
            "tvs_nom": str(col["tvs_lib"][i]).strip() or None,
            "insee": None,
            "route": None,
            "statut": None,
            "candidats": [],
            "classe": None,
            "date": None,
        }
        records.append(rec)
        if not of_region[col["com_region"][i]]:
            rec["statut"] = "region_incoherente" if in_region(code) else "autre_region"
            continue
        insee, route, candidates = map_code(code, mapper)
        rec["candidats"] = candidates
        if insee is None:
            rec["statut"] = route
            continue
        rec["insee"], rec["route"] = insee, route
        rec["classe"] = _row_class(rec["zmed_niveau"])
        rec["date"] = parse_date(rec["zmed_date_arrete"])
        if rec["classe"] is None:
            rec["statut"] = "classe_invalide"
        elif rec["date"] is None:
            rec["statut"] = "date_invalide"

    frame = _communes(records)
    rows = pd.DataFrame.from_records(records, columns=list(_RECORD_COLUMNS))
    report = _report(path, raw, rows, frame, communes)
    rows = rows[list(_RECORD_COLUMNS[:-4])].astype({"population": "Int64"})
    return DataSanteZoning(frame=frame, rows=rows, report=report)


def _communes(records: list[dict]) -> pd.DataFrame:
    """One line per current commune from its rows; sets the bucket of the rows left open."""
    by_commune: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        if rec["insee"] is not None:
            by_commune[rec["insee"]].append(rec)
    out = []
    for insee, group in sorted(by_commune.items()):
        valid = [r for r in group if r["statut"] is None]
        versions = {(r["classe"], r["date"]) for r in valid}
        if len(versions) == 1:
            kept = valid[0]
            for r in valid:
                r["statut"] = "doublon" if r is not kept else "retenue"
            classe, date = kept["classe"], kept["date"]
            statut = "hors_zonage" if classe == _HZ else "ok"
        elif versions:
            for r in valid:
                r["statut"] = "conflit"
            kept = valid[0]
            dates = {d for _, d in versions}
            classe, date, statut = None, (dates.pop() if len(dates) == 1 else None), "conflit"
        else:  # every row has an invalid class or date: the class is not usable
            kept = group[0]
            classe, date, statut = None, kept["date"], kept["statut"]
        out.append(
            {
                "insee": insee,
                "zonage_medecins": None if classe in (None, _HZ) else classe,
                "arrete": date,
                "tvs_code": kept["tvs_code"],
                "tvs_nom": kept["tvs_nom"],
                "statut": statut,
            }
        )
    frame = pd.DataFrame.from_records(out, columns=list(FRAME_COLUMNS))
    return frame.astype(object).where(frame.notna(), None)


def _listing(rows: pd.DataFrame, statut: str, columns: list[str]) -> list[dict]:
    return rows.loc[rows["statut"] == statut, columns].to_dict("records")


def _report(
    path: Path, raw: pd.DataFrame, rows: pd.DataFrame, frame: pd.DataFrame, communes: pd.DataFrame
) -> dict:
    occitanie = rows[~rows["statut"].isin(("autre_region", "region_incoherente"))]
    others = rows[rows["statut"] == "autre_region"]
    named = set(frame["insee"])
    absent = communes[~communes["insee"].isin(named)]
    ok = frame[frame["statut"].isin(("ok", "hors_zonage"))]
    key = ["ligne", "com_code", "com_lib"]
    conflicts = []
    for insee, group in rows[rows["statut"] == "conflit"].groupby("insee", sort=True):
        conflicts.append(
            {
                "insee": insee,
                "lignes": [int(x) for x in group["ligne"]],
                "codes": sorted(set(group["com_code"])),
                "classes": sorted({str(x) for x in group["zmed_niveau"]}),
                "dates": sorted({str(x) for x in group["zmed_date_arrete"]}),
            }
        )
    grouped: dict[str, set[str]] = defaultdict(set)
    for code, insee in zip(rows["com_code"], rows["insee"], strict=True):
        if isinstance(insee, str):
            grouped[insee].add(code)
    return {
        "fichier": Path(path).name,
        "lignes_lues": len(raw),
        "lignes_occitanie": len(occitanie),
        "lignes_autres_regions": dict(sorted(Counter(others["com_region"]).items())),
        "lignes_par_statut": {b: int((rows["statut"] == b).sum()) for b in BUCKETS},
        "codes_par_route": dict(sorted(Counter(occitanie["route"].dropna()).items())),
        "region_incoherente": _listing(rows, "region_incoherente", [*key, "com_region"]),
        "codes_invalides": _listing(rows, "code_invalide", key),
        "hors_occitanie": _listing(rows, "hors_occitanie", key),
        "codes_inconnus": _listing(rows, "code_inconnu", [*key, "candidats"]),
        "codes_ambigus": _listing(rows, "code_ambigu", [*key, "candidats"]),
        "classes_invalides": _listing(rows, "classe_invalide", [*key, "insee", "zmed_niveau"]),
        "dates_invalides": _listing(rows, "date_invalide", [*key, "insee", "zmed_date_arrete"]),
        "conflits": conflicts,
        "communes_regroupees": {k: sorted(v) for k, v in sorted(grouped.items()) if len(v) > 1},
        "dates_arrete": dict(
            sorted(Counter(d.isoformat() for d in ok["arrete"] if d is not None).items())
        ),
        "date_maj": sorted(set(raw["date_maj"])) if "date_maj" in raw.columns else [],
        "communes_nommees": len(frame),
        "communes_par_statut": dict(sorted(Counter(frame["statut"]).items())),
        "communes_par_classe": dict(sorted(Counter(ok["zonage_medecins"].dropna()).items())),
        "communes_absentes": absent[["insee", "nom", "departement"]].to_dict("records"),
        "population_illisible": (
            int(occitanie["population"].isna().sum()) if "pop" in raw.columns else None
        ),
    }


def class_changes(frame: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Communes whose class differs from ``previous`` (``insee, zonage_medecins``, e.g. the
    CartoSanté classes): ``insee, avant, apres, arrete``, for communes with a usable class."""
    new = frame[frame["statut"] == "ok"][["insee", "zonage_medecins", "arrete"]]
    old = previous[["insee", "zonage_medecins"]].rename(columns={"zonage_medecins": "avant"})
    merged = new.rename(columns={"zonage_medecins": "apres"}).merge(old, on="insee", how="left")
    merged = merged.astype(object).where(merged.notna(), None)
    changed = merged[merged["avant"] != merged["apres"]]
    return changed[["insee", "avant", "apres", "arrete"]].sort_values("insee", ignore_index=True)
