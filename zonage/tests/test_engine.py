"""The eligibility engine, rule by rule: place facts × profile × date → expected status.

Places are hand-made :class:`PlaceFacts` (the engine never touches geometry); each row of the
table says what a careful reader of the brochures and of the dated changes would answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from zonage.catalogue import load_catalogue
from zonage.engine import (
    A_VERIFIER,
    ELIGIBLE,
    NON_APPLICABLE,
    aids_at,
    evaluate,
    evaluate_aid,
    may_be_in_qpv,
    parse_date,
)
from zonage.errors import InvalidInput
from zonage.place import PlaceFacts, Qpv
from zonage.profiles import PROFILE_IDS, parse_profile

E, V, N = ELIGIBLE, A_VERIFIER, NON_APPLICABLE

QPV_2015 = Qpv("QP031001", "Quartier 2015")
QPV_2024 = Qpv("QN03101A", "Quartier 2024")


def make_place(
    zone: str | None = "ZIP",
    *,
    departement: str = "31",
    massif: str | None = None,
    zrr: str = "non_classee",
    frr: int = 0,
    precision: str = "commune",
    qpv: Qpv | None = None,
    qpv2015: tuple[Qpv, ...] = (),
    qpv2024: tuple[Qpv, ...] = (),
) -> PlaceFacts:
    """A place with only the facts the engine reads."""
    return PlaceFacts(
        insee=f"{departement}999",
        nom="Commune test",
        departement=departement,
        departement_nom={"09": "Ariège", "12": "Aveyron", "31": "Haute-Garonne"}.get(
            departement, "Département"
        ),
        zonage_medecins=zone,  # type: ignore[arg-type]
        massif=massif,
        zrr=zrr,  # type: ignore[arg-type]
        frr_code=frr,
        departement_prioritaire=departement in ("09", "32", "65"),
        precision=precision,  # type: ignore[arg-type]
        lon=1.0 if precision == "point" else None,
        lat=43.0 if precision == "point" else None,
        qpv=qpv,
        qpv2015_commune=qpv2015,
        qpv2024=qpv2024,
        vintages={
            "zonage_medecins": "zonage test",
            "massif": "massifs test",
            "qpv2015": "QPV 2015 test",
            "qpv2024": "QPV 2024 test",
            "zrr": "ZRR test",
            "frr": "FRR test",
        },
    )


# Places (departement 31: not prioritaire; no massif unless said).
ZIP = make_place("ZIP", zrr="classee", frr=4)
ZAC = make_place("ZAC")
ZAR = make_place("ZAR")
UNCLASSED = make_place(None)  # like 12218, absent from the zoning file
ZIP_ZRR_PARTIAL = make_place("ZIP", zrr="partiellement_classee", frr=2)
ZIP_FRR_PLUS = make_place("ZIP", frr=5)
ZIP_FRR_TRANSITION = make_place("ZIP", frr=1)
MASSIF_ZAR = make_place("ZAR", departement="12", massif="Massif central")
DEP09_ZAR = make_place("ZAR", departement="09")
# A ZAC commune with QPV: known as a commune, or as a point inside / outside the polygons.
ZAC_QPV_COMMUNE = make_place("ZAC", qpv2015=(QPV_2015,), qpv2024=(QPV_2024,))
ZAC_QPV_POINT_IN = replace(ZAC_QPV_COMMUNE, precision="point", lon=1.0, lat=43.0, qpv=QPV_2015)
ZAC_QPV_POINT_OUT = replace(ZAC_QPV_COMMUNE, precision="point", lon=1.0, lat=43.0)
# A point outside the 2015 polygons of a commune that has no QPV left in the 2024 list.
ZAC_OLD_QPV_POINT_OUT = make_place("ZAC", precision="point", qpv2015=(QPV_2015,))
ZAR_QPV_COMMUNE = make_place("ZAR", qpv2015=(QPV_2015,), qpv2024=(QPV_2024,))
ZAR_QPV_POINT_IN = replace(ZAR_QPV_COMMUNE, precision="point", lon=1.0, lat=43.0, qpv=QPV_2015)
ZAR_OLD_QPV_POINT_IN = make_place("ZAR", precision="point", qpv=QPV_2015, qpv2015=(QPV_2015,))

D2022 = dt.date(2022, 1, 15)
D2023 = dt.date(2023, 6, 1)  # CDE, CDER, ZRR, CAIM open; CET not yet
D2023_AUTUMN = dt.date(2023, 10, 2)  # CET open
D2024 = dt.date(2024, 3, 1)  # CDE/CDER closed; ZRR still open; FRR not yet
D2024_H2 = dt.date(2024, 9, 1)  # ZRR closed; FRR open
D2025 = dt.date(2025, 6, 1)  # CAIM still open; no 2026 aid yet
D2025_DEC = dt.date(2025, 12, 31)  # last day of CAIM
D2026 = dt.date(2026, 3, 1)  # CAIM closed; 2026 installation aids open
D2027 = dt.date(2027, 3, 1)  # CET experiment over

ETU2, ETU3 = "etudiant-2e-cycle", "etudiant-3e-cycle"
MSU, REMPL = "maitre-de-stage", "medecin-remplacant"
INSTALL, SECONDARY = "liberal-installation", "liberal-cabinet-secondaire"
PRACTICE, END, BACKUP = "liberal-en-exercice", "liberal-fin-de-carriere", "liberal-renfort"
SALARIED, STRUCTURE = "generaliste-salarie", "structure-coordonnee"

# (case id, place, profile, date, {aid id: expected status})
CASES = [
    # ---- studies
    ("cesp-zip", ZIP, ETU2, D2025, {"cesp": E}),
    ("cesp-zac-3e", ZAC, ETU3, D2025, {"cesp": E}),
    ("cesp-zar", ZAR, ETU2, D2025, {"cesp": N}),
    ("cesp-wrong-profile", ZIP, INSTALL, D2025, {"cesp": N}),
    ("cesp-unclassed", UNCLASSED, ETU2, D2025, {"cesp": V}),
    ("cesp-zac-qpv-no-doubt", ZAC_QPV_COMMUNE, ETU2, D2025, {"cesp": E}),
    ("cet-open-verify", ZIP, ETU3, D2024, {"cet": V}),
    ("cet-install", ZAC, INSTALL, D2023_AUTUMN, {"cet": V}),
    ("cet-before", ZIP, ETU3, D2023, {"cet": N}),
    ("cet-after", ZIP, ETU3, D2027, {"cet": N}),
    ("cet-zar", ZAR, ETU2, D2024, {"cet": N}),
    ("cet-wrong-profile", ZIP, MSU, D2024, {"cet": N}),
    ("transport-any-zone", ZAR, ETU2, D2025, {"forfait-transport": E}),
    ("transport-3e", UNCLASSED, ETU3, D2025, {"forfait-transport": E}),
    ("transport-wrong-profile", ZAR, MSU, D2025, {"forfait-transport": N}),
    ("housing-zac", ZAC, ETU3, D2025, {"forfait-hebergement": E}),
    ("housing-zip", ZIP, ETU2, D2025, {"forfait-hebergement": E}),
    ("housing-zar", ZAR, ETU3, D2025, {"forfait-hebergement": N}),
    ("housing-wrong-profile", ZIP, REMPL, D2025, {"forfait-hebergement": N}),
    ("cder-student", ZIP, ETU3, D2023, {"cder": E}),
    ("cder-replacement", ZAC, REMPL, D2023, {"cder": E}),
    ("cder-closed-2024", ZAC, REMPL, D2024, {"cder": N}),
    ("cder-zar", ZAR, REMPL, D2023, {"cder": N}),
    ("cder-2e-cycle", ZIP, ETU2, D2023, {"cder": N}),
    ("adjoint-verify", ZIP, ETU2, D2025, {"contrat-adjoint": V}),
    ("adjoint-zar", ZAR, ETU3, D2025, {"contrat-adjoint": N}),
    ("adjoint-wrong-profile", ZIP, PRACTICE, D2025, {"contrat-adjoint": N}),
    ("msu-zip", ZIP, MSU, D2025, {"coscom-msu": E}),
    ("msu-zac", ZAC, MSU, D2025, {"coscom-msu": N}),
    ("msu-2026", ZIP, MSU, D2026, {"coscom-msu": V}),
    ("msu-wrong-profile", ZIP, PRACTICE, D2025, {"coscom-msu": N}),
    # ---- installation
    ("caim-zip", ZIP, INSTALL, D2025, {"caim": E, "aide-installation-zip": N}),
    ("caim-last-day", ZIP, INSTALL, D2025_DEC, {"caim": E}),
    ("caim-closed-2026", ZIP, INSTALL, D2026, {"caim": N, "aide-installation-zip": E}),
    ("caim-zac", ZAC, INSTALL, D2025, {"caim": N}),
    ("caim-zar", ZAR, INSTALL, D2025, {"caim": N}),
    ("caim-wrong-profile", ZIP, PRACTICE, D2025, {"caim": N}),
    ("caim-unclassed", UNCLASSED, INSTALL, D2025, {"caim": V}),
    (
        "install-2026-zac",
        ZAC,
        INSTALL,
        D2026,
        {"aide-installation-zac": E, "aide-installation-zip": N, "caim": N},
    ),
    ("install-2026-zar", ZAR, INSTALL, D2026, {"aide-installation-zip": N,
                                               "aide-installation-zac": N}),
    ("install-2026-before", ZAC, INSTALL, D2025, {"aide-installation-zac": N}),
    ("install-2026-wrong-profile", ZIP, SECONDARY, D2026, {"aide-installation-zip": N}),
    ("secondary-zip", ZIP, SECONDARY, D2026, {"aide-cabinet-secondaire-zip": E}),
    ("secondary-zac", ZAC, SECONDARY, D2026, {"aide-cabinet-secondaire-zip": N}),
    ("secondary-before", ZIP, SECONDARY, D2025, {"aide-cabinet-secondaire-zip": N}),
    ("secondary-wrong-profile", ZIP, INSTALL, D2026, {"aide-cabinet-secondaire-zip": N}),
    ("ars-massif", MASSIF_ZAR, INSTALL, D2025, {"contrat-ars-territoires": E}),
    ("ars-dep09", DEP09_ZAR, INSTALL, D2025, {"contrat-ars-territoires": E}),
    ("ars-qpv-point", ZAR_QPV_POINT_IN, INSTALL, D2025, {"contrat-ars-territoires": E}),
    ("ars-qpv-point-2023", ZAR_QPV_POINT_IN, INSTALL, D2023, {"contrat-ars-territoires": E}),
    ("ars-qpv-commune", ZAR_QPV_COMMUNE, INSTALL, D2025, {"contrat-ars-territoires": V}),
    ("ars-qpv-point-out-2024", ZAC_QPV_POINT_OUT, INSTALL, D2025, {"contrat-ars-territoires": V}),
    ("ars-qpv-point-out-2023", ZAC_QPV_POINT_OUT, INSTALL, D2023, {"contrat-ars-territoires": N}),
    ("ars-old-qpv-2023", ZAR_OLD_QPV_POINT_IN, INSTALL, D2023, {"contrat-ars-territoires": E}),
    ("ars-old-qpv-2025", ZAR_OLD_QPV_POINT_IN, INSTALL, D2025, {"contrat-ars-territoires": N}),
    ("ars-none", ZAR, INSTALL, D2025, {"contrat-ars-territoires": N}),
    ("ars-zip-plain", ZIP, INSTALL, D2025, {"contrat-ars-territoires": N, "caim": E}),
    ("ars-before-2022", MASSIF_ZAR, INSTALL, D2022, {"contrat-ars-territoires": N}),
    ("ars-revision-2026", MASSIF_ZAR, INSTALL, D2026, {"contrat-ars-territoires": V}),
    ("ars-wrong-profile", MASSIF_ZAR, PRACTICE, D2025, {"contrat-ars-territoires": N}),
    ("cde-zac", ZAC, INSTALL, D2023, {"cde": E}),
    ("cde-closed", ZAC, INSTALL, D2024, {"cde": N}),
    ("cde-zar", ZAR, INSTALL, D2023, {"cde": N}),
    ("cde-wrong-profile", ZAC, REMPL, D2023, {"cde": N}),
    ("400mg-v1-any", ZAR, SALARIED, D2025, {"contrat-400mg-partage": E}),
    ("400mg-v1-wrong-profile", ZAR, INSTALL, D2025, {"contrat-400mg-partage": N}),
    ("400mg-v2-zip", ZIP, SALARIED, D2025, {"contrat-400mg-ambulatoire": E}),
    ("400mg-v2-zar", ZAR, SALARIED, D2025, {"contrat-400mg-ambulatoire": N}),
    ("400mg-v2-zac-qpv", ZAC_QPV_COMMUNE, SALARIED, D2025, {"contrat-400mg-ambulatoire": V}),
    ("400mg-v2-wrong-profile", ZIP, PRACTICE, D2025, {"contrat-400mg-ambulatoire": N}),
    # ---- tax: ZRR until 30 June 2024, then FRR
    ("zrr-classee", ZIP, INSTALL, D2024, {"exoneration-zrr": E, "exoneration-frr": N}),
    ("zrr-last-day", ZIP, INSTALL, dt.date(2024, 6, 30), {"exoneration-zrr": E}),
    ("zrr-closed", ZIP, INSTALL, D2024_H2, {"exoneration-zrr": N, "exoneration-frr": E}),
    ("zrr-not-classed", ZAC, INSTALL, D2024, {"exoneration-zrr": N}),
    ("zrr-partial", ZIP_ZRR_PARTIAL, INSTALL, D2024, {"exoneration-zrr": V}),
    ("zrr-wrong-profile", ZIP, PRACTICE, D2024, {"exoneration-zrr": N}),
    ("frr-first-day", ZIP, INSTALL, dt.date(2024, 7, 1), {"exoneration-frr": E}),
    ("frr-plus", ZIP_FRR_PLUS, INSTALL, D2025, {"exoneration-frr": E}),
    ("frr-none", ZAC, INSTALL, D2025, {"exoneration-frr": N}),
    ("frr-partial", ZIP_ZRR_PARTIAL, INSTALL, D2025, {"exoneration-frr": V}),
    ("frr-transition", ZIP_FRR_TRANSITION, INSTALL, D2025, {"exoneration-frr": V}),
    ("frr-wrong-profile", ZIP, SALARIED, D2025, {"exoneration-frr": N}),
    # ---- keeping a practice in ZIP
    ("coscom-zip", ZIP, PRACTICE, D2025, {"coscom": E, "cstm": N}),
    ("coscom-zac", ZAC, PRACTICE, D2025, {"coscom": N, "cstm": E}),
    ("coscom-2026", ZIP, PRACTICE, D2026, {"coscom": V}),
    ("coscom-wrong-profile", ZIP, INSTALL, D2025, {"coscom": N}),
    ("cotram-zip", ZIP, END, D2025, {"cotram": E}),
    ("cotram-zar", ZAR, END, D2025, {"cotram": N}),
    ("cotram-2026", ZIP, END, D2026, {"cotram": V}),
    ("cotram-wrong-profile", ZIP, PRACTICE, D2025, {"cotram": N}),
    ("cstm-renfort-zip", ZIP, BACKUP, D2025, {"cstm": E}),
    ("cstm-renfort-zac", ZAC, BACKUP, D2025, {"cstm": N}),
    ("cstm-practice-outside-zip", ZAR, PRACTICE, D2025, {"cstm": E}),
    ("cstm-renfort-zac-qpv", ZAC_QPV_COMMUNE, BACKUP, D2025, {"cstm": V}),
    ("cstm-practice-zac-qpv", ZAC_QPV_COMMUNE, PRACTICE, D2025, {"cstm": V}),
    ("cstm-2026", ZIP, BACKUP, D2026, {"cstm": V}),
    ("cstm-wrong-profile", ZIP, INSTALL, D2025, {"cstm": N}),
    ("pdsa-zip", ZIP, PRACTICE, D2025, {"exoneration-pdsa": E}),
    ("pdsa-zip-install", ZIP, INSTALL, D2026, {"exoneration-pdsa": E}),
    ("pdsa-zac", ZAC, END, D2025, {"exoneration-pdsa": V}),
    ("pdsa-zar", ZAR, PRACTICE, D2025, {"exoneration-pdsa": V}),
    ("pdsa-unclassed", UNCLASSED, PRACTICE, D2025, {"exoneration-pdsa": V}),
    ("pdsa-wrong-profile", ZIP, ETU3, D2025, {"exoneration-pdsa": N}),
    # ---- collective
    ("esp", ZAR, STRUCTURE, D2025, {"esp": E, "msp": E, "cpts": E, "cds": E, "dac": E}),
    ("collective-wrong-profile", ZIP, INSTALL, D2025,
     {"esp": N, "msp": N, "cpts": N, "cds": N, "dac": N}),
    ("dac-practice", ZAR, PRACTICE, D2025, {"dac": E}),
    ("dac-student", ZAR, ETU2, D2025, {"dac": N}),
    # ---- a QPV inside a ZAC commune may be classed ZIP
    ("zac-qpv-commune", ZAC_QPV_COMMUNE, INSTALL, D2025,
     {"caim": V, "contrat-ars-territoires": V, "cde": N}),
    ("zac-qpv-point-in", ZAC_QPV_POINT_IN, INSTALL, D2025,
     {"caim": V, "contrat-ars-territoires": E}),
    ("zac-qpv-point-out", ZAC_QPV_POINT_OUT, INSTALL, D2025, {"caim": V}),
    ("zac-qpv-point-out-2023", ZAC_QPV_POINT_OUT, INSTALL, D2023, {"caim": N}),
    ("zac-old-qpv-point-out", ZAC_OLD_QPV_POINT_OUT, INSTALL, D2025, {"caim": N}),
    ("zac-qpv-2026", ZAC_QPV_COMMUNE, INSTALL, D2026,
     {"aide-installation-zip": V, "aide-installation-zac": V}),
    ("zac-qpv-msu", ZAC_QPV_POINT_IN, MSU, D2025, {"coscom-msu": V}),
    ("zac-qpv-cotram", ZAC_QPV_COMMUNE, END, D2025, {"cotram": V}),
    ("zar-qpv-not-zip", ZAR_QPV_COMMUNE, INSTALL, D2025, {"caim": N}),
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.mark.parametrize(
    ("place", "profile", "on", "expected"),
    [pytest.param(p, prof, d, exp, id=cid) for cid, p, prof, d, exp in CASES],
)
def test_status_table(catalogue, place, profile, on, expected):
    results = {r.id: r for r in evaluate(place, profile, on, catalogue)}
    got = {aid_id: results[aid_id].status for aid_id in expected}
    assert got == expected, {k: results[k].reason for k in expected}
    for aid_id in expected:
        r = results[aid_id]
        if r.status == NON_APPLICABLE:
            assert r.reason, f"{aid_id}: a non-applicable aid must say why"
        if r.status == A_VERIFIER:
            assert r.reason and r.ask, f"{aid_id}: « à vérifier » must say why and whom to ask"
        if r.status == ELIGIBLE:
            assert r.reason is None and not r.ask


def test_table_covers_every_aid_both_ways(catalogue):
    """Each aid is applicable at least once and not applicable at least once (zone, profile,
    date), and eligible at least once unless the catalogue marks it as always to check."""
    seen: dict[str, set[str]] = {a: set() for a in catalogue.ids}
    for _cid, _p, _prof, _d, expected in CASES:
        for aid_id, status in expected.items():
            seen[aid_id].add(status)
    for aid in catalogue.aids:
        statuses = seen[aid.id]
        assert N in statuses, f"{aid.id} never non applicable in the table"
        wanted = V if aid.verify is not None else E
        assert wanted in statuses, f"{aid.id} never {wanted} in the table"


def test_reasons_name_the_rule(catalogue):
    def reason(place, profile, on, aid_id):
        return {r.id: r for r in evaluate(place, profile, on, catalogue)}[aid_id].reason

    assert "1er janvier 2024" in reason(ZAC, INSTALL, D2024, "cde")
    assert "31 décembre 2023" in reason(ZAC, INSTALL, D2024, "cde")
    assert "janvier 2024" in reason(ZAC, REMPL, D2024, "cder")
    assert "30 juin 2024" in reason(ZIP, INSTALL, D2024_H2, "exoneration-zrr")
    assert "1er juillet 2024" in reason(ZIP, INSTALL, D2024, "exoneration-frr")
    assert "1er janvier 2026" in reason(ZIP, INSTALL, D2026, "caim")
    assert "01/01/2026" in reason(ZIP, INSTALL, D2025, "aide-installation-zip")
    assert "2023-2026" in reason(ZIP, ETU3, D2027, "cet")
    assert "ZIP" in reason(ZAC, INSTALL, D2025, "caim")
    assert "Médecin libéral : première installation" in reason(ZIP, PRACTICE, D2025, "caim")
    assert "hors massif" in reason(ZAR, INSTALL, D2025, "contrat-ars-territoires")
    assert "09, 32, 65" in reason(ZAR, INSTALL, D2025, "contrat-ars-territoires")
    assert "secteur de garde" in reason(ZAR, PRACTICE, D2025, "exoneration-pdsa")
    assert "classés ZIP" in reason(ZAC_QPV_COMMUNE, INSTALL, D2025, "caim")
    assert "Quartier 2015" in reason(ZAC_QPV_POINT_IN, INSTALL, D2025, "caim")
    assert "contours" in reason(ZAC_QPV_POINT_OUT, INSTALL, D2025, "caim")
    assert "pas de classement" in reason(UNCLASSED, INSTALL, D2025, "caim")
    assert "révisée" in reason(MASSIF_ZAR, INSTALL, D2026, "contrat-ars-territoires")
    assert "partiellement" in reason(ZIP_ZRR_PARTIAL, INSTALL, D2024, "exoneration-zrr")
    assert "transitoire" in reason(ZIP_FRR_TRANSITION, INSTALL, D2025, "exoneration-frr")


# ----------------------------------------------------------------------------- à vérifier


@pytest.mark.parametrize(
    ("place", "profile", "on", "aid_id", "ask"),
    [
        pytest.param(ZAR, PRACTICE, D2025, "exoneration-pdsa", {"ars", "ddfip"}, id="pdsa"),
        pytest.param(ZAC_QPV_COMMUNE, INSTALL, D2025, "caim", {"ars"}, id="zac-qpv"),
        pytest.param(ZAC_QPV_COMMUNE, PRACTICE, D2025, "exoneration-pdsa", {"ars", "ddfip"},
                     id="pdsa-zac-qpv"),
        pytest.param(UNCLASSED, INSTALL, D2025, "caim", {"ars"}, id="unclassed"),
        pytest.param(ZAR_QPV_COMMUNE, INSTALL, D2025, "contrat-ars-territoires", {"ars"},
                     id="ars-qpv-commune"),
        pytest.param(ZIP_ZRR_PARTIAL, INSTALL, D2024, "exoneration-zrr", {"ddfip"}, id="zrr"),
        pytest.param(ZIP_ZRR_PARTIAL, INSTALL, D2025, "exoneration-frr", {"ddfip"}, id="frr"),
        pytest.param(ZIP, ETU2, D2024, "cet", {"ars"}, id="cet"),
        pytest.param(ZIP, ETU2, D2024, "contrat-adjoint", {"cdom", "ars", "prefecture"},
                     id="adjoint"),
        pytest.param(ZIP, PRACTICE, D2026, "coscom", {"cpam"}, id="coscom-2026"),
        pytest.param(MASSIF_ZAR, INSTALL, D2026, "contrat-ars-territoires", {"ars"},
                     id="ars-revision"),
    ],
)  # fmt: skip
def test_a_verifier_says_whom_to_ask(catalogue, place, profile, on, aid_id, ask):
    r = evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue)
    assert r.status == A_VERIFIER
    assert {c["id"] for c in r.ask} == ask
    assert all(c["name"] and c["how"] for c in r.ask)


def test_may_be_in_qpv_depends_on_the_list_in_force(catalogue):
    assert may_be_in_qpv(ZAC_QPV_POINT_IN, D2023, catalogue)[0]
    assert not may_be_in_qpv(ZAC_QPV_POINT_OUT, D2023, catalogue)[0]
    assert may_be_in_qpv(ZAC_QPV_POINT_OUT, D2025, catalogue)[0]
    assert may_be_in_qpv(ZAC_QPV_COMMUNE, D2023, catalogue)[0]
    assert not may_be_in_qpv(ZAC_OLD_QPV_POINT_OUT, D2025, catalogue)[0]
    assert not may_be_in_qpv(ZAC, D2025, catalogue)[0]


# ----------------------------------------------------------------------------- exclusions


def _result(catalogue, place, profile, on, aid_id):
    return evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue)


def _ids(items) -> set[str]:
    return {x["id"] for x in items}


@pytest.mark.parametrize(
    ("place", "profile", "on", "aid_id", "excluded"),
    [
        pytest.param(ZIP, INSTALL, D2025, "caim",
                     {"coscom", "cotram", "cstm", "contrat-ars-territoires",
                      "aide-installation-zip", "aide-installation-zac"}, id="caim"),
        pytest.param(ZIP, PRACTICE, D2025, "coscom", {"caim", "cotram", "cstm"}, id="coscom"),
        pytest.param(ZIP, END, D2025, "cotram", {"caim", "coscom", "cstm"}, id="cotram"),
        pytest.param(ZIP, BACKUP, D2025, "cstm", {"caim", "coscom", "cotram"}, id="cstm"),
        pytest.param(ZIP, INSTALL, D2026, "aide-installation-zip",
                     {"caim", "aide-installation-zac"}, id="install-2026-zip"),
        pytest.param(ZAC, INSTALL, D2026, "aide-installation-zac",
                     {"caim", "aide-installation-zip"}, id="install-2026-zac"),
        pytest.param(make_place("ZIP", massif="Pyrénées"), INSTALL, D2025,
                     "contrat-ars-territoires", {"caim"}, id="ars-in-zip"),
        pytest.param(MASSIF_ZAR, INSTALL, D2025, "contrat-ars-territoires", set(),
                     id="ars-outside-zip"),
        pytest.param(replace(ZAC_QPV_POINT_IN, massif="Pyrénées"), INSTALL, D2025,
                     "contrat-ars-territoires", {"caim"}, id="ars-maybe-zip"),
    ],
)  # fmt: skip
def test_exclusions(catalogue, place, profile, on, aid_id, excluded):
    r = _result(catalogue, place, profile, on, aid_id)
    assert r.status != NON_APPLICABLE, r.reason
    assert _ids(r.not_combinable_with) == excluded
    for x in r.not_combinable_with:
        assert x["name"] == catalogue.get(x["id"]).display_name


def test_caim_other_exclusions_and_notes(catalogue):
    r = _result(catalogue, ZIP, INSTALL, D2025, "caim")
    assert any("Options démographiques" in x for x in r.other_exclusions)
    ten_years = {x["id"]: x["note"] for x in r.not_combinable_with}
    assert "2025-231" in ten_years["aide-installation-zip"]
    assert "ZIP" in ten_years["contrat-ars-territoires"]


def test_what_may_follow(catalogue):
    caim = _result(catalogue, ZIP, INSTALL, D2025, "caim")
    assert _ids(caim.may_be_followed_by) == {"coscom", "cotram"}
    coscom = _result(catalogue, ZIP, PRACTICE, D2025, "coscom")
    assert _ids(coscom.may_follow) == {"caim", "cotram"}
    cotram = _result(catalogue, ZIP, END, D2025, "cotram")
    assert _ids(cotram.may_follow) == {"caim"}
    assert _ids(cotram.may_be_followed_by) == {"coscom"}
    msu = _result(catalogue, ZIP, MSU, D2025, "coscom-msu")
    assert _ids(msu.requires) == {"coscom"}


# ----------------------------------------------------------------------------- amounts, notes


def test_amount_parts_follow_profile_and_zone(catalogue):
    h2 = _result(catalogue, ZIP, ETU2, D2025, "forfait-hebergement")
    h3 = _result(catalogue, ZIP, ETU3, D2025, "forfait-hebergement")
    assert [p["value"] for p in h2.amount["parts"]] == [150]
    assert [p["value"] for p in h3.amount["parts"]] == [300]
    assert "300 €" in h3.amount["text"] and "150" not in h3.amount["text"]

    def parts(place):
        r = _result(catalogue, place, STRUCTURE, D2025, "cds")
        return r.status, [p["status"] for p in r.amount["parts"]]

    assert parts(ZIP) == (E, [E, E, E])
    assert parts(ZAC) == (E, [E, N, E])
    assert parts(ZAR) == (E, [N, N, E])
    assert parts(ZAC_QPV_COMMUNE) == (E, [E, V, E])
    zar = _result(catalogue, ZAR, STRUCTURE, D2025, "cds")
    assert "50 000" not in zar.amount["text"] and "ACI" in zar.amount["text"]


def test_structured_amounts_are_exposed(catalogue):
    cotram = _result(catalogue, ZIP, END, D2025, "cotram").amount["parts"][0]
    assert (cotram["kind"], cotram["percent"], cotram["cap"], cotram["cap_period"]) == (
        "percentage_with_cap",
        10,
        20000,
        "per_year",
    )
    cpts = _result(catalogue, ZAR, STRUCTURE, D2025, "cpts").amount["parts"]
    assert {"kind": "per_year", "min": 220000, "max": 450000}.items() <= cpts[-1].items()


def test_notes_source_age_and_dated_facts(catalogue):
    old = _result(catalogue, ZIP, ETU2, D2025, "cesp")
    assert any("27 décembre 2023" in n and "Rien de plus récent" in n for n in old.notes)
    fresh = _result(catalogue, ZIP, ETU2, D2023, "cesp")
    assert not any("Rien de plus récent" in n for n in fresh.notes)
    # The zoning announced for late 2025 is flagged on zone-dependent aids only.
    assert any("nouveau zonage" in n for n in old.notes) is False
    later = _result(catalogue, ZIP, ETU2, D2026, "cesp")
    assert any("nouveau zonage" in n for n in later.notes)
    transport = _result(catalogue, ZIP, ETU2, D2026, "forfait-transport")
    assert not any("nouveau zonage" in n for n in transport.notes)
    # QPV decided on 2015 contours after the 2024 renewal says so.
    ars = _result(catalogue, ZAR_QPV_POINT_IN, INSTALL, D2025, "contrat-ars-territoires")
    assert any("contours 2024" in n for n in ars.notes)
    # The dated note on the 2026 aid only shows from 2026.
    ars_zip = make_place("ZIP", massif="Pyrénées")
    assert not any(
        "2026" in n
        for n in _result(catalogue, ars_zip, INSTALL, D2025, "contrat-ars-territoires").notes
    )


def test_result_carries_source_contact_dates_and_vintages(catalogue):
    r = _result(catalogue, ZIP, INSTALL, D2025, "caim")
    d = r.to_dict()
    for key in (
        "id",
        "status",
        "name",
        "funders",
        "amount",
        "conditions",
        "not_combinable_with",
        "valid_from",
        "valid_until",
        "contact",
        "source",
    ):
        assert key in d
    assert d["valid_until"] == "2025-12-31" and d["valid_from"] is None
    assert any(s["page"] == "#12" and s["file"] == "001_0750eaca64f720c4.txt" for s in d["source"])
    assert any("36 08" in c["how"] for c in d["contact"])
    assert d["vintages"] == {"zonage_medecins": "zonage test"}
    # each cited place once
    keys = [(s["doc"], s["page"], s["section"]) for s in d["source"]]
    assert len(keys) == len(set(keys))


# ----------------------------------------------------------------------------- tous, answer


def test_tous_groups_by_profile(catalogue):
    answer = aids_at(ZIP, "tous", D2025, catalogue=catalogue)
    assert [g.profile for g in answer.groups] == list(PROFILE_IDS)
    for g in answer.groups:
        for r in g.results:
            assert r.applicable and g.profile in catalogue.get(r.id).profiles
    flat = {a["id"]: a for a in answer.aids()}
    assert flat["cstm"]["profiles"] == [BACKUP]
    assert flat["dac"]["profiles"] == [PRACTICE, SALARIED, STRUCTURE]
    assert flat["exoneration-pdsa"]["profiles"] == [INSTALL, PRACTICE, END]
    assert "cde" not in flat  # closed in 2025
    doc = answer.to_dict()
    assert doc["profile"] == "tous" and doc["date"] == "2025-06-01"
    assert doc["counts"][NON_APPLICABLE] == 0
    assert len(doc["groups"]) == len(PROFILE_IDS)


def test_tous_with_all_lists_reasons_under_the_intended_profiles(catalogue):
    answer = aids_at(ZIP, "tous", D2025, include_all=True, catalogue=catalogue)
    remplacant = next(g for g in answer.groups if g.profile == REMPL)
    assert {r.id: r.status for r in remplacant.results} == {"cder": N}
    assert "janvier 2024" in remplacant.results[0].reason


def test_one_profile_all_lists_every_aid(catalogue):
    answer = aids_at(ZAR, INSTALL, D2025, include_all=True, catalogue=catalogue)
    results = answer.groups[0].results
    assert len(results) == len(catalogue.aids)
    ranks = [(E, V, N).index(r.status) for r in results]
    assert ranks == sorted(ranks)
    assert all(r.reason for r in results if r.status == N)
    only = aids_at(ZAR, INSTALL, D2025, catalogue=catalogue)
    assert all(r.applicable for r in only.groups[0].results)


def test_aid_filter(catalogue):
    answer = aids_at(ZIP, "tous", D2025, aid_ids=["caim"], include_all=True, catalogue=catalogue)
    assert {r.id for g in answer.groups for r in g.results} == {"caim"}


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("text", ["2024-02-30", "01/02/2024", "20240101", "demain", "2024-1-1"])
def test_bad_date(text):
    with pytest.raises(InvalidInput) as exc:
        parse_date(text)
    assert "AAAA-MM-JJ" in str(exc.value) and text in str(exc.value)


def test_date_default_is_today():
    assert parse_date(None, today=dt.date(2030, 1, 2)) == dt.date(2030, 1, 2)
    assert parse_date(" 2024-07-01 ") == dt.date(2024, 7, 1)


def test_bad_profile():
    with pytest.raises(InvalidInput) as exc:
        parse_profile("medecin")
    message = str(exc.value)
    assert "medecin" in message and "liberal-installation" in message and "tous" in message
    assert "\n" not in message
    assert parse_profile(None) == "tous"
    assert parse_profile(" Liberal-Installation ") == "liberal-installation"


def test_unknown_profile_in_engine(catalogue):
    with pytest.raises(InvalidInput):
        aids_at(ZIP, "interne", D2025, catalogue=catalogue)
    with pytest.raises(InvalidInput):
        evaluate(ZIP, "tous", D2025, catalogue)


def test_unknown_aid(catalogue):
    with pytest.raises(InvalidInput) as exc:
        aids_at(ZIP, INSTALL, D2025, aid_ids=["caimm"], catalogue=catalogue)
    assert "caimm" in str(exc.value) and "caim" in str(exc.value)
