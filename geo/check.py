"""Validation of the built layer (``zonage data check``).

What is expected (counts, tolerance, documented exceptions) is data, in the ``[expect]`` table of
the manifest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

from geo import settings
from geo.layer import Layers, load
from geo.manifest import load_manifest
from geo.schema import ZRR_VALUES
from zonage.place import FRR_LABELS, ZONES
from zonage.text import quoted


@dataclass(frozen=True)
class CheckResult:
    """One named check: passed or not, and what was measured (French)."""

    name: str
    ok: bool
    detail: str


def _communes(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    c = layers.communes
    n, want = len(c), expect["communes"]
    unique = c["insee"].is_unique
    ok = n == want and unique and c["insee"].str.fullmatch(r"\d{5}|2[AB]\d{3}").all()
    return CheckResult(
        "nombre de communes", bool(ok), f"{n} communes (attendu {want}), codes uniques : {unique}"
    )


def _crs(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    frames = {
        "communes": layers.communes,
        "qpv2015": layers.qpv2015,
        "massifs": layers.massifs,
        "departements": layers.departements,
        "region": layers.region,
    }
    wrong = [
        k for k, f in frames.items() if f.crs is None or not f.crs.equals(settings.STORAGE_CRS)
    ]
    return CheckResult(
        "SCR enregistré",
        not wrong,
        f"{settings.STORAGE_CRS} pour les {len(frames)} couches"
        if not wrong
        else f"SCR absent ou autre : {', '.join(wrong)}",
    )


def _valid(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    g = layers.communes.geometry.values
    invalid = ~shapely.is_valid(g)
    empty = shapely.is_empty(g) | shapely.is_missing(g)
    wrong_type = ~layers.communes.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    bad = invalid | empty | wrong_type
    detail = f"{int(bad.sum())} géométrie(s) invalide(s), vide(s) ou non surfacique(s)"
    if bad.any():
        detail += " : " + ", ".join(layers.communes.loc[bad, "insee"][:5])
    return CheckResult("géométries valides", not bad.any(), detail)


def _metric(layers: Layers) -> tuple[Any, Any]:
    communes = layers.communes.geometry.to_crs(settings.METRIC_CRS).values
    region = layers.region.geometry.to_crs(settings.METRIC_CRS).values[0]
    return communes, region


def _gaps(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    communes, region = _metric(layers)
    union = shapely.coverage_union_all(communes)
    gap = shapely.symmetric_difference(union, region).area / region.area
    tol = expect["area_tolerance"]
    return CheckResult(
        "pas de trou : union des communes = contour régional",
        bool(gap <= tol),
        f"écart {gap:.4%} de la surface régionale ({region.area / 1e6:,.0f} km²), "
        f"tolérance {tol:.1%}",
    )


def _overlaps(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    communes, _ = _metric(layers)
    union = shapely.union_all(communes)
    total = float(shapely.area(communes).sum())
    share = abs(total - union.area) / union.area
    coverage = bool(shapely.coverage_is_valid(layers.communes.geometry.values))
    tol = expect["area_tolerance"]
    return CheckResult(
        "pas de chevauchement entre communes voisines",
        bool(share <= tol and coverage),
        f"somme des surfaces − union = {share:.4%} de l'union (tolérance {tol:.1%}) ; "
        f"bords communs identiques : {'oui' if coverage else 'non'}",
    )


def _zoning(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    c = layers.communes
    exceptions = set(expect.get("zonage_medecins_exceptions", {}))
    missing = set(c.loc[c["zonage_medecins"].isna(), "insee"])
    undocumented = sorted(missing - exceptions)
    unknown = sorted(set(c["zonage_medecins"].dropna()) - set(ZONES))
    ok = not undocumented and not unknown
    detail = (
        f"{len(c) - len(missing)} communes classées ; sans classe : "
        f"{', '.join(sorted(missing)) or 'aucune'} "
        f"(exceptions documentées : {', '.join(sorted(exceptions)) or 'aucune'})"
    )
    if undocumented:
        detail += f" ; NON DOCUMENTÉES : {', '.join(undocumented[:10])}"
    if unknown:
        detail += f" ; classes inconnues : {', '.join(unknown)}"
    return CheckResult("zonage médecins sur toutes les communes", ok, detail)


def _massifs(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    want = dict(expect["massif_counts"])
    got = {str(k): int(v) for k, v in layers.communes["massif"].value_counts().items()}
    return CheckResult(
        "communes par massif",
        got == want,
        " ; ".join(f"{k} {got.get(k, 0)} (attendu {v})" for k, v in want.items())
        + ("" if set(got) <= set(want) else f" ; autres : {sorted(set(got) - set(want))}"),
    )


def _qpv(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    q = layers.qpv2015
    g = q.geometry.values
    valid = int((shapely.is_valid(g) & ~shapely.is_empty(g)).sum())
    polygonal = q.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    want = expect["qpv2015"]
    ok = len(q) == want and valid == len(q) and polygonal and q["code_qp"].is_unique
    return CheckResult("QPV 2015", bool(ok), f"{len(q)} contours (attendu {want}), {valid} valides")


def _zrr_frr(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    c = layers.communes
    bad_zrr = c.loc[~c["zrr"].isin(ZRR_VALUES), "insee"]
    bad_frr = c.loc[~c["frr_code"].isin(list(FRR_LABELS)), "insee"]
    ok = bad_zrr.empty and bad_frr.empty
    detail = f"ZRR et FRR renseignés sur {len(c) - max(len(bad_zrr), len(bad_frr))} communes"
    if not ok:
        detail += (
            f" ; ZRR manquant : {', '.join(bad_zrr[:5])} ; FRR manquant : {', '.join(bad_frr[:5])}"
        )
    return CheckResult("ZRR et FRR sur toutes les communes", ok, detail)


def _departements(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    d = layers.departements
    c = layers.communes
    same = set(d["code"]) == set(c["departement"]) == set(settings.DEPARTMENTS)
    ok = len(d) == expect["departements"] and same
    return CheckResult(
        "départements",
        bool(ok),
        f"{len(d)} contours (attendu {expect['departements']}), les mêmes que ceux des communes : "
        f"{'oui' if same else 'NON'}",
    )


def _frr_labels(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    f = layers.report["frr_controle"]
    want = expect["frr_libelles"]
    ok = f["communes_par_libelle"] == want and not f["differences"]
    ok = ok and not f["absentes_de_la_liste"] and not f["absentes_du_fichier_frr"]
    counts = ", ".join(f"{k} {v}" for k, v in f["communes_par_libelle"].items())
    return CheckResult(
        "FRR contrôlé par la liste à libellés",
        bool(ok),
        f"{f['communes_comparees']} communes ({counts}), {len(f['differences'])} différence(s)",
    )


def _montagne(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    c = layers.communes
    classed = int(c["zone_montagne"].map(lambda v: v is True).sum())
    outside = int(c["zone_montagne"].map(lambda v: v is True)[c["massif"].isna()].sum())
    want = expect["zone_montagne"]
    ok = classed == want["classees"] and outside == want["hors_massif"]
    return CheckResult(
        "zone de montagne",
        ok,
        f"{classed} communes classées (attendu {want['classees']}), dont {outside} hors massif"
        f" (attendu {want['hors_massif']})",
    )


def _zoning_versions(layers: Layers, expect: dict[str, Any]) -> CheckResult:
    c = layers.communes
    dated = c[c["zonage_medecins_2_arrete"].notna()]
    bad_class = dated["zonage_medecins_2"].dropna().map(lambda z: z not in ZONES).sum()
    bad_date = (~dated["zonage_medecins_2_arrete"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")).sum()
    dates = ", ".join(sorted(set(dated["zonage_medecins_2_arrete"]))) or "aucune"
    return CheckResult(
        "versions datées du zonage médecins",
        bool(bad_class == 0 and bad_date == 0),
        f"{len(dated)} commune(s) avec une version datée (arrêtés : {dates}) ; classes"
        f" invalides : {bad_class}, dates invalides : {bad_date}",
    )


CHECKS: tuple[Callable[[Layers, dict[str, Any]], CheckResult], ...] = (
    _communes,
    _crs,
    _valid,
    _gaps,
    _overlaps,
    _zoning,
    _massifs,
    _qpv,
    _zrr_frr,
    _departements,
    _zoning_versions,
    _montagne,
    _frr_labels,
)


def run_checks(
    build_dir: Path | None = None, expect: dict[str, Any] | None = None
) -> list[CheckResult]:
    """Run every check on the layer in ``build_dir`` (default ``settings.BUILD_DIR``).

    The layer's checksums are verified first (a :class:`DataError` if a file was altered); a
    geometry that cannot be decoded is loaded as missing, so that the checks name it. A check
    that fails to run (damaged geometry…) is reported as failed, with the error.
    """
    layers = load(build_dir, lenient_geometry=True)
    expect = expect if expect is not None else load_manifest().expect
    return [_run(check, layers, expect) for check in CHECKS]


#: Name of each check, for the line of a check that could not run.
_NAMES = {
    "_communes": "nombre de communes",
    "_crs": "SCR enregistré",
    "_valid": "géométries valides",
    "_gaps": "pas de trou : union des communes = contour régional",
    "_overlaps": "pas de chevauchement entre communes voisines",
    "_zoning": "zonage médecins sur toutes les communes",
    "_massifs": "communes par massif",
    "_qpv": "QPV 2015",
    "_zrr_frr": "ZRR et FRR sur toutes les communes",
    "_departements": "départements",
    "_zoning_versions": "versions datées du zonage médecins",
    "_montagne": "zone de montagne",
    "_frr_labels": "FRR contrôlé par la liste à libellés",
}


def _name(check: Callable[..., CheckResult]) -> str:
    return _NAMES.get(check.__name__, check.__name__.strip("_"))


def _run(
    check: Callable[[Layers, dict[str, Any]], CheckResult], layers: Layers, expect: dict[str, Any]
) -> CheckResult:
    try:
        return check(layers, expect)
    except Exception as exc:  # noqa: BLE001 - a damaged layer makes GEOS or pandas raise anything
        return CheckResult(
            _name(check), False, f"contrôle impossible : {type(exc).__name__} : {quoted(exc)}"
        )
