"""The eligibility engine, rule by rule: place facts × profile × date (× « Ma situation »)
→ expected status.

Places are hand-made :class:`PlaceFacts` (the engine never touches geometry, see
``places.py``); each row of the table says what a careful reader of the brochures and of the
dated changes would answer. A row that tests a place rule of an aid with personal conditions
answers them (``FIRST_INSTALL``, ``NO_AID``) so that the place decides; the answers themselves
are tested in ``test_situation.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zonage.catalogue import load_catalogue
from zonage.engine import (
    A_VERIFIER,
    ELIGIBLE,
    NON_APPLICABLE,
    SOUS_CONDITION,
    evaluate,
    evaluate_aid,
)
from zonage.tests.places import (
    BACKUP,
    D2022,
    D2023,
    D2023_AUTUMN,
    D2024,
    D2024_H2,
    D2025,
    D2025_DEC,
    D2026,
    D2027,
    DEP09_ZAR,
    END,
    ETU2,
    ETU3,
    FIRST_INSTALL,
    INSTALL,
    MASSIF_ZAR,
    MSU,
    NO_AID,
    PRACTICE,
    REMPL,
    SALARIED,
    SECONDARY,
    STRUCTURE,
    UNCLASSED,
    ZAC,
    ZAC_OLD_QPV_POINT_OUT,
    ZAC_QPV_COMMUNE,
    ZAC_QPV_POINT_IN,
    ZAC_QPV_POINT_OUT,
    ZAR,
    ZAR_OLD_QPV_POINT_IN,
    ZAR_QPV_COMMUNE,
    ZAR_QPV_POINT_IN,
    ZIP,
    ZIP_FRR_PLUS,
    ZIP_FRR_TRANSITION,
    ZIP_ZRR_PARTIAL,
    E,
    N,
    S,
    V,
    status_params,
)

# (case id, place, profile, date, {aid id: expected status}[, « Ma situation »])
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
    ("cder-open-2024", ZAC, REMPL, D2024, {"cder": E}),
    ("cder-zar", ZAR, REMPL, D2023, {"cder": N}),
    ("cder-2e-cycle", ZIP, ETU2, D2023, {"cder": N}),
    ("adjoint-verify", ZIP, ETU2, D2025, {"contrat-adjoint": V}),
    ("adjoint-zar", ZAR, ETU3, D2025, {"contrat-adjoint": N}),
    ("adjoint-wrong-profile", ZIP, PRACTICE, D2025, {"contrat-adjoint": N}),
    ("msu-zip", ZIP, MSU, D2025, {"coscom-msu": E}),
    ("msu-zac", ZAC, MSU, D2025, {"coscom-msu": N}),
    ("msu-2026", ZIP, MSU, D2026, {"coscom-msu": N}),
    ("msu-wrong-profile", ZIP, PRACTICE, D2025, {"coscom-msu": N}),
    # ---- installation
    # From 12 March 2025 the CAIM, like every installation aid, needs no installation aid in
    # the last ten years (décret n° 2025-231): answered, so that the date and the place decide.
    ("caim-zip", ZIP, INSTALL, D2025, {"caim": E, "aide-installation-zip": N}, NO_AID),
    ("caim-last-day", ZIP, INSTALL, D2025_DEC, {"caim": E}, NO_AID),
    ("caim-zip-unanswered", ZIP, INSTALL, D2025, {"caim": S}),
    # The 2026 primo-installation aids, the secondary-practice aid and (from 12 March 2025) the
    # ARS contract have personal conditions: answered, so that the date and the place decide.
    ("caim-closed-2026", ZIP, INSTALL, D2026, {"caim": N, "aide-installation-zip": E},
     FIRST_INSTALL),
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
        FIRST_INSTALL,
    ),
    ("install-2026-zar", ZAR, INSTALL, D2026, {"aide-installation-zip": N,
                                               "aide-installation-zac": N}),
    ("install-2026-before", ZAC, INSTALL, D2025, {"aide-installation-zac": N}),
    ("install-2026-wrong-profile", ZIP, SECONDARY, D2026, {"aide-installation-zip": N}),
    ("secondary-zip", ZIP, SECONDARY, D2026, {"aide-cabinet-secondaire-zip": E}, NO_AID),
    ("secondary-zac", ZAC, SECONDARY, D2026, {"aide-cabinet-secondaire-zip": N}),
    ("secondary-before", ZIP, SECONDARY, D2025, {"aide-cabinet-secondaire-zip": N}),
    ("secondary-wrong-profile", ZIP, INSTALL, D2026, {"aide-cabinet-secondaire-zip": N}),
    ("ars-massif", MASSIF_ZAR, INSTALL, D2025, {"contrat-ars-territoires": E}, NO_AID),
    ("ars-dep09", DEP09_ZAR, INSTALL, D2025, {"contrat-ars-territoires": E}, NO_AID),
    ("ars-qpv-point", ZAR_QPV_POINT_IN, INSTALL, D2025, {"contrat-ars-territoires": E}, NO_AID),
    ("ars-qpv-point-2023", ZAR_QPV_POINT_IN, INSTALL, D2023, {"contrat-ars-territoires": E}),
    # The only unknown is whether the cabinet is in a QPV of the list in force: the user knows
    # (« cabinet_qpv »), so « sous condition » (was « à vérifier »).
    ("ars-qpv-commune", ZAR_QPV_COMMUNE, INSTALL, D2025, {"contrat-ars-territoires": S}, NO_AID),
    ("ars-qpv-point-out-2024", ZAC_QPV_POINT_OUT, INSTALL, D2025, {"contrat-ars-territoires": S},
     NO_AID),
    ("ars-qpv-point-out-2023", ZAC_QPV_POINT_OUT, INSTALL, D2023, {"contrat-ars-territoires": N}),
    ("ars-old-qpv-2023", ZAR_OLD_QPV_POINT_IN, INSTALL, D2023, {"contrat-ars-territoires": E}),
    ("ars-old-qpv-2025", ZAR_OLD_QPV_POINT_IN, INSTALL, D2025, {"contrat-ars-territoires": N}),
    ("ars-none", ZAR, INSTALL, D2025, {"contrat-ars-territoires": N}),
    ("ars-zip-plain", ZIP, INSTALL, D2025, {"contrat-ars-territoires": N, "caim": E}, NO_AID),
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
    ("coscom-2026", ZIP, PRACTICE, D2026, {"coscom": N}),
    ("coscom-wrong-profile", ZIP, INSTALL, D2025, {"coscom": N}),
    ("cotram-zip", ZIP, END, D2025, {"cotram": E}),
    ("cotram-zar", ZAR, END, D2025, {"cotram": N}),
    ("cotram-2026", ZIP, END, D2026, {"cotram": N}),
    ("cotram-wrong-profile", ZIP, PRACTICE, D2025, {"cotram": N}),
    ("cstm-renfort-zip", ZIP, BACKUP, D2025, {"cstm": E}),
    ("cstm-renfort-zac", ZAC, BACKUP, D2025, {"cstm": N}),
    ("cstm-practice-outside-zip", ZAR, PRACTICE, D2025, {"cstm": E}),
    ("cstm-renfort-zac-qpv", ZAC_QPV_COMMUNE, BACKUP, D2025, {"cstm": V}),
    # "Outside ZIP" holds for a cabinet outside the commune's QPVs, which the user knows
    # (« cabinet_qpv » = non): « sous condition » (was « à vérifier »); coming to work in a ZIP
    # (renfort) needs the ARS to say whether the QPV is classed ZIP: still « à vérifier ».
    ("cstm-practice-zac-qpv", ZAC_QPV_COMMUNE, PRACTICE, D2025, {"cstm": S}),
    ("cstm-2026", ZIP, BACKUP, D2026, {"cstm": N}),
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
    # ---- a QPV inside a ZAC commune may be classed ZIP (only a QPV of the zoning order's day:
    # the 2015 list; see test_qpv.py). Whether that QPV is classed ZIP only the ARS knows (ZIP
    # aid: « à vérifier »); whether the cabinet is in a QPV at all the user knows: the ARS
    # contract (QPV on the date) and a ZAC-only aid (cabinet outside the QPVs) are « sous
    # condition » (were « à vérifier »). Personal conditions answered: the place decides.
    ("zac-qpv-commune", ZAC_QPV_COMMUNE, INSTALL, D2025,
     {"caim": V, "contrat-ars-territoires": S, "cde": N}, FIRST_INSTALL),
    ("zac-qpv-point-in", ZAC_QPV_POINT_IN, INSTALL, D2025,
     {"caim": V, "contrat-ars-territoires": E}, FIRST_INSTALL),
    ("zac-qpv-point-out", ZAC_QPV_POINT_OUT, INSTALL, D2025,
     {"caim": N, "contrat-ars-territoires": S}, FIRST_INSTALL),
    ("zac-qpv-point-out-2023", ZAC_QPV_POINT_OUT, INSTALL, D2023, {"caim": N}),
    ("zac-old-qpv-point-out", ZAC_OLD_QPV_POINT_OUT, INSTALL, D2025, {"caim": N}),
    ("zac-qpv-2026", ZAC_QPV_COMMUNE, INSTALL, D2026,
     {"aide-installation-zip": V, "aide-installation-zac": S}, FIRST_INSTALL),
    ("zac-qpv-msu", ZAC_QPV_POINT_IN, MSU, D2025, {"coscom-msu": V}),
    ("zac-qpv-cotram", ZAC_QPV_COMMUNE, END, D2025, {"cotram": V}),
    ("zar-qpv-not-zip", ZAR_QPV_COMMUNE, INSTALL, D2025, {"caim": N}),
    # ---- personal conditions left unanswered: « sous condition », whatever the place
    ("install-2026-zip-unanswered", ZIP, INSTALL, D2026, {"aide-installation-zip": S}),
    ("install-2026-zac-unanswered", ZAC, INSTALL, D2026, {"aide-installation-zac": S}),
    ("secondary-zip-unanswered", ZIP, SECONDARY, D2026, {"aide-cabinet-secondaire-zip": S}),
    ("ars-massif-unanswered", MASSIF_ZAR, INSTALL, D2025, {"contrat-ars-territoires": S}),
    # the dated check of the ARS contract (2026 revision) outranks an open personal question
    ("ars-revision-unanswered", MASSIF_ZAR, INSTALL, D2026, {"contrat-ars-territoires": V}),
    # a place rule that fails is not made conditional by an open personal question
    ("install-2026-zar-unanswered", ZAR, INSTALL, D2026,
     {"aide-installation-zip": N, "aide-installation-zac": N}),
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.mark.parametrize(("place", "profile", "on", "expected", "situation"), status_params(CASES))
def test_status_table(catalogue, place, profile, on, expected, situation):
    results = {r.id: r for r in evaluate(place, profile, on, catalogue, situation=situation)}
    got = {aid_id: results[aid_id].status for aid_id in expected}
    assert got == expected, {k: results[k].reason for k in expected}
    for aid_id in expected:
        r = results[aid_id]
        if r.status == NON_APPLICABLE:
            assert r.reason, f"{aid_id}: a non-applicable aid must say why"
            assert not r.questions and not r.money.counted
        if r.status == A_VERIFIER:
            assert r.reason and r.ask, f"{aid_id}: « à vérifier » must say why and whom to ask"
        if r.status == SOUS_CONDITION:
            assert r.reason and not r.ask, f"{aid_id}: « sous condition » says why, asks nobody"
            assert r.questions and all(q.personal for q in r.questions), r.questions
            assert r.question == r.questions[0]
        if r.status == ELIGIBLE:
            assert r.reason is None and not r.ask and not r.questions


def test_table_covers_every_aid_both_ways(catalogue):
    """Each aid is applicable at least once and not applicable at least once (zone, profile,
    date), and eligible at least once unless the catalogue marks it as always to check."""
    seen: dict[str, set[str]] = {a: set() for a in catalogue.ids}
    for row in CASES:
        expected = row[4]
        assert isinstance(expected, dict)
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
    assert "31 décembre 2025" in reason(ZIP, PRACTICE, D2026, "coscom")
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
    assert "04/05/2022" in reason(ZAC_QPV_COMMUNE, INSTALL, D2025, "caim")
    assert "contours" in reason(ZAC_QPV_POINT_OUT, INSTALL, D2025, "contrat-ars-territoires")
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
        pytest.param(ZIP_ZRR_PARTIAL, INSTALL, D2024, "exoneration-zrr", {"ddfip"}, id="zrr"),
        pytest.param(ZIP_ZRR_PARTIAL, INSTALL, D2025, "exoneration-frr", {"ddfip"}, id="frr"),
        pytest.param(ZIP, ETU2, D2024, "cet", {"ars"}, id="cet"),
        pytest.param(ZIP, ETU2, D2024, "contrat-adjoint", {"cdom", "ars", "prefecture"},
                     id="adjoint"),
        pytest.param(MASSIF_ZAR, INSTALL, D2026, "contrat-ars-territoires", {"ars"},
                     id="ars-revision"),
    ],
)  # fmt: skip
def test_a_verifier_says_whom_to_ask(catalogue, place, profile, on, aid_id, ask):
    r = evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue)
    assert r.status == A_VERIFIER
    assert {c["id"] for c in r.ask} == ask
    assert all(c["name"] and c["how"] for c in r.ask)
