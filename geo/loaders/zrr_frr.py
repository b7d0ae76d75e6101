"""ZRR (zones de revitalisation rurale, 2017 list) mapped to today's communes, and the FRR
(France Ruralités Revitalisation, 2025 state) class of each commune.

The ZRR sheet is in 2017 codes: each is followed to its current commune through the INSEE
history. A current commune whose former communes had different statuses is
``partiellement_classee``; ``zrr_detail`` keeps the source text(s).
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.loaders._common import (
    check_insee_codes,
    data_error,
    in_region,
    read_csv,
    require_columns,
)
from geo.loaders.cog import CodeMapper, rows_by_commune
from zonage.place import FRR_LABELS
from zonage.text import quoted

ZRR_SHEET = "Classement ZRR (COG 2017)"
ZRR_SKIPROWS = 5
ZRR_SINCE = "2017-01-02"
#: First letters of ``ZRR_SIMP`` -> status.
ZRR_STATUS: dict[str, str] = {
    "C": "classee",
    "NC": "non_classee",
    "P": "partiellement_classee",
}


@dataclass(frozen=True)
class Zrr:
    frame: pd.DataFrame
    """``insee, zrr, zrr_detail`` for every current commune found in the sheet."""
    report: dict = field(default_factory=dict)


def _status(simple: str, path: Path | str) -> str:
    prefix = str(simple).split(" - ", 1)[0].strip()
    try:
        return ZRR_STATUS[prefix]
    except KeyError:
        raise data_error(path, f"classement ZRR inconnu « {simple} ».") from None


def read_zrr_sheet(path: Path) -> pd.DataFrame:
    """The 2017 ZRR sheet as text columns."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas warns that the xlrd engine is deprecated
            return pd.read_excel(
                path, sheet_name=ZRR_SHEET, skiprows=ZRR_SKIPROWS, dtype=str, engine="xlrd"
            )
    except FileNotFoundError:
        raise data_error(path, "fichier absent.") from None
    except ValueError as exc:
        raise data_error(path, f"feuille « {ZRR_SHEET} » illisible ({exc}).") from None
    except Exception as exc:  # xlrd raises its own XLRDError on a file that is not .xls
        raise data_error(path, f"classeur illisible ({type(exc).__name__}).") from None


def load_zrr(path: Path, mapper: CodeMapper) -> Zrr:
    """Read the 2017 ZRR sheet and give each current commune of the region its status."""
    return zrr_from_sheet(read_zrr_sheet(path), mapper, path)


def zrr_from_sheet(df: pd.DataFrame, mapper: CodeMapper, path: Path | str) -> Zrr:
    """The ZRR status of each current commune from the rows of the 2017 sheet (``path``
    names the file in errors)."""
    require_columns(df, ("CODGEO", "LIBGEO", "ZRR_SIMP", "ZONAGE_ZRR"), path)
    df = df.dropna(subset=["CODGEO"])
    check_insee_codes(df["CODGEO"], path)
    region = df[df["CODGEO"].map(in_region)].copy()
    region["statut"] = [_status(v, path) for v in region["ZRR_SIMP"]]
    region = mapper.with_current_codes(region, "CODGEO", ZRR_SINCE)
    lost = region[region["insee"].isna()]
    parts = rows_by_commune(region)
    records = []
    for insee, rows in sorted(parts.items()):
        statuses = {r.statut for r in rows}
        status = statuses.pop() if len(statuses) == 1 else "partiellement_classee"
        if len(rows) == 1:
            detail = str(rows[0].ZONAGE_ZRR)
        else:
            detail = " ; ".join(f"{r.CODGEO} {r.LIBGEO} : {r.ZONAGE_ZRR}" for r in rows)
        records.append({"insee": insee, "zrr": status, "zrr_detail": detail})
    frame = pd.DataFrame.from_records(records, columns=["insee", "zrr", "zrr_detail"])
    report = {
        "lignes_feuille": len(df),
        "lignes_region": len(region),
        "codes_2017_par_route": dict(Counter(region["route"])),
        "codes_2017_introuvables": sorted(lost["CODGEO"]),
        "communes_par_statut": dict(sorted(Counter(frame["zrr"]).items())),
        "communes_partiellement_classees": frame[frame["zrr"] == "partiellement_classee"][
            ["insee", "zrr_detail"]
        ].to_dict("records"),
        "communes_regroupees": {
            k: sorted(r.CODGEO for r in v) for k, v in parts.items() if len(v) > 1
        },
    }
    return Zrr(frame=frame, report=report)


@dataclass(frozen=True)
class Frr:
    frame: pd.DataFrame
    """``insee, frr_code`` (int: 0, 1, 2, 4, 5)."""
    report: dict = field(default_factory=dict)


def load_frr(path: Path, mapper: CodeMapper) -> Frr:
    """Read the FRR class of the region's communes."""
    df = read_csv(path)
    require_columns(df, ("code_insee", "codefrr"), path)
    check_insee_codes(df["code_insee"], path)
    codes = pd.to_numeric(df["codefrr"], errors="coerce")
    bad = df.loc[codes.isna() | ~codes.isin(list(FRR_LABELS)), "codefrr"]
    if len(bad):
        raise data_error(path, f"code FRR invalide « {bad.iloc[0]} ».")
    df = df.assign(frr_code=codes.astype(int))
    region = df[df["code_insee"].map(in_region)]
    dupes = region["code_insee"][region["code_insee"].duplicated()]
    if len(dupes):
        raise data_error(path, f"commune en double : {dupes.iloc[0]}.")
    unknown = sorted(set(region["code_insee"]) - mapper.current)
    if unknown:
        raise data_error(path, f"commune inconnue au COG 2026 : {unknown[0]}.")
    frame = region.rename(columns={"code_insee": "insee"})[["insee", "frr_code"]].reset_index(
        drop=True
    )
    report = {
        "lignes": len(df),
        "communes_par_code": {
            f"{k} {FRR_LABELS[k]}": v for k, v in sorted(Counter(frame["frr_code"]).items())
        },
    }
    return Frr(frame=frame, report=report)


#: Labels of the national FRR list (« classement au 10 juillet 2025 ») -> the Observatoire's
#: ``codefrr``. Both partial labels are code 2: the label says which class the classed part has.
FRR_LIST_CODES: dict[str, int] = {
    "Non classée": 0,
    "FRR bénéficiaire": 1,
    "Classée FRR partiellement": 2,
    "FRR bénéficiaire partiellement": 2,
    "FRR socle": 4,
    "FRR+": 5,
}
#: The label column is named after the date of the list (« Classement FRR et FRR+ au … »).
FRR_LIST_LABEL_PREFIX = "Classement FRR"
#: The list of July 2025 is in COG 2025 codes.
FRR_LIST_SINCE = "2025-01-02"


@dataclass(frozen=True)
class FrrLabels:
    frame: pd.DataFrame
    """``insee, frr_libelle, frr_code`` for the region's communes of the labelled list."""
    report: dict = field(default_factory=dict)


def load_frr_labels(path: Path, mapper: CodeMapper) -> FrrLabels:
    """Read the labelled national FRR list (``;``-separated) and keep the region's communes."""
    df = read_csv(path, sep=";", encoding="utf-8-sig")
    labels = [c for c in df.columns if str(c).startswith(FRR_LIST_LABEL_PREFIX)]
    require_columns(df, ("Code_insee",), path)
    if len(labels) != 1:
        raise data_error(path, f"colonne(s) manquante(s) : {FRR_LIST_LABEL_PREFIX} … au <date>")
    label = labels[0]
    check_insee_codes(df["Code_insee"], path)
    region = df[df["Code_insee"].map(in_region)].copy()
    region["frr_libelle"] = region[label].str.strip()
    unknown = region.loc[~region["frr_libelle"].isin(list(FRR_LIST_CODES)), "frr_libelle"]
    if len(unknown):
        raise data_error(path, f"classement FRR inconnu {quoted(unknown.iloc[0])}")
    region = mapper.with_current_codes(region, "Code_insee", FRR_LIST_SINCE)
    lost = region[region["insee"].isna()]
    kept = region.dropna(subset=["insee"])
    clash = kept.groupby("insee")["frr_libelle"].nunique()
    if (clash > 1).any():
        first = clash[clash > 1].index[0]
        raise data_error(path, f"commune {first} rattachée à deux classements FRR")
    frame = kept.drop_duplicates("insee").sort_values("insee", ignore_index=True)
    frame = frame.assign(frr_code=frame["frr_libelle"].map(FRR_LIST_CODES))
    frame = frame[["insee", "frr_libelle", "frr_code"]]
    report = {
        "lignes": len(df),
        "lignes_region": len(region),
        "codes_par_route": dict(sorted(Counter(region["route"]).items())),
        "codes_introuvables": sorted(lost["Code_insee"]),
        "communes_par_libelle": dict(sorted(Counter(frame["frr_libelle"]).items())),
        "colonne_libelle": label,
    }
    return FrrLabels(frame=frame, report=report)


def compare_frr(frr: Frr, labels: FrrLabels) -> dict:
    """Differences between the FRR codes the build uses and the labelled list: communes whose
    code differs from their label's, and communes missing from either side."""
    merged = frr.frame.merge(labels.frame, on="insee", how="outer", indicator=True)
    both = merged[merged["_merge"] == "both"]
    differ = both[both["frr_code_x"] != both["frr_code_y"]]
    partial = both[both["frr_code_x"] == 2]
    return {
        "communes_comparees": len(both),
        "communes_par_libelle": labels.report.get("communes_par_libelle", {}),
        "communes_par_code": frr.report.get("communes_par_code", {}),
        "differences": [
            {"insee": insee, "frr_code": int(code), "frr_libelle": libelle}
            for insee, code, libelle in zip(
                differ["insee"], differ["frr_code_x"], differ["frr_libelle"], strict=True
            )
        ],
        "absentes_de_la_liste": sorted(merged.loc[merged["_merge"] == "left_only", "insee"]),
        "absentes_du_fichier_frr": sorted(merged.loc[merged["_merge"] == "right_only", "insee"]),
        "communes_partielles": [
            {"insee": r.insee, "frr_libelle": r.frr_libelle}
            for r in partial.itertuples(index=False)
        ],
    }
