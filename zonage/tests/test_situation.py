"""« Ma situation »: the personal answers (secteur, last installation aid, cabinet in a QPV,
zone confirmed by the ARS), how they are read, and each status they lead to.

The answers table: place facts × profile × date × answers → one aid's status, the question
left open and the words the reason must name.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zonage.catalogue import load_catalogue
from zonage.engine import evaluate_aid
from zonage.errors import InvalidInput
from zonage.situation import (
    KEYS,
    NO_SITUATION,
    Situation,
    answer_label,
    parse_situation,
)
from zonage.tests.places import (
    BACKUP,
    D2025,
    D2026,
    INSTALL,
    MASSIF_ZAR,
    PRACTICE,
    SECONDARY,
    ZAC,
    ZAC_QPV_COMMUNE,
    ZAC_QPV_POINT_IN,
    ZAR,
    ZAR_OLD_QPV_POINT_IN,
    ZAR_QPV_COMMUNE,
    ZAR_QPV_POINT_IN,
    ZIP,
    E,
    N,
    S,
    V,
)

ZIP_AID, ZAC_AID = "aide-installation-zip", "aide-installation-zac"
SECONDARY_AID, ARS = "aide-cabinet-secondaire-zip", "contrat-ars-territoires"
DECREE = dt.date(2025, 3, 12)  # décret n° 2025-231: no second installation aid within 10 years
FIRST = ["secteur=1", "aide_installation=aucune"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# ----------------------------------------------------------------------------- reading answers


def test_the_vocabulary_is_the_documented_one():
    assert {k: tuple(v.values) for k, v in KEYS.items()} == {
        "secteur": ("1", "2-optam", "2-sans-optam"),
        "aide_installation": (),
        "cabinet_qpv": ("oui", "non"),
        "zone_cabinet": ("ZIP", "ZAC"),
    }
    for key in KEYS.values():
        assert key.label and key.help and key.question.endswith("?")


@pytest.mark.parametrize(
    ("key", "value"),
    [(k, v) for k, spec in KEYS.items() for v in spec.values] + [("aide_installation", "aucune")],
)
def test_every_value_of_every_key(key, value):
    situation = parse_situation([f"{key}={value}"])
    assert situation.answers == {key: value} and situation.get(key) == value
    assert answer_label(key, value) == KEYS[key].values.get(value, "aucune")


@pytest.mark.parametrize(
    ("pairs", "answers"),
    [
        pytest.param(["aide_installation=2016-03-01"], {"aide_installation": "2016-03-01"},
                     id="date"),
        pytest.param([" aide_installation = 2016-03-01 "], {"aide_installation": "2016-03-01"},
                     id="spaces-forgiven"),
        pytest.param({"secteur": "2-optam", "cabinet_qpv": "non"},
                     {"secteur": "2-optam", "cabinet_qpv": "non"}, id="mapping"),
        pytest.param([], {}, id="nothing"),
        pytest.param({}, {}, id="empty-mapping"),
    ],
)  # fmt: skip
def test_parse_situation(pairs, answers):
    assert parse_situation(pairs).answers == answers


@pytest.mark.parametrize(
    ("pairs", "fragments"),
    [
        pytest.param(["secteurs=1"], ["« secteurs »",
                     "secteur, aide_installation, cabinet_qpv, zone_cabinet"], id="unknown-key"),
        pytest.param(["secteur=3"], ["« 3 »", "1, 2-optam, 2-sans-optam"], id="unknown-value"),
        pytest.param(["zone_cabinet=zip"], ["« zip »", "ZIP, ZAC"], id="value-case"),
        pytest.param(["cabinet_qpv="], ["cabinet_qpv", "oui, non"], id="empty-value"),
        pytest.param(["aide_installation=2024-02-30"], ["« 2024-02-30 »", "AAAA-MM-JJ"],
                     id="no-such-day"),
        pytest.param(["aide_installation=01/02/2024"], ["« 01/02/2024 »", "aucune"],
                     id="french-date"),
        pytest.param(["aide_installation=2024-1-1"], ["« 2024-1-1 »"], id="short-date"),
        pytest.param(["aide_installation=20240101"], ["« 20240101 »"], id="compact-date"),
        pytest.param(["aide_installation=2024-W01-1"], ["« 2024-W01-1 »"], id="week-date"),
        pytest.param(["aide_installation=jamais"], ["« jamais »"], id="word"),
        pytest.param(["aide_installation=２０２４-01-01"], ["AAAA-MM-JJ"], id="full-width"),
        pytest.param(["aide_installation=٢٠٢٤-٠١-٠١"], ["AAAA-MM-JJ"], id="arabic-indic"),
        pytest.param(["secteur"], ["« secteur »", "clé=valeur"], id="no-equals"),
        pytest.param(["secteur=1", "secteur=2-optam"], ["secteur", "deux fois"], id="twice"),
        pytest.param(["cabinet_qpv=oui", "cabinet_qpv=oui"], ["deux fois"], id="twice-same"),
        pytest.param({"secteur": "1", "zone": "ZIP"}, ["« zone »"], id="mapping-unknown-key"),
    ],
)  # fmt: skip
def test_bad_situation(pairs, fragments):
    with pytest.raises(InvalidInput) as exc:
        parse_situation(pairs)
    message = str(exc.value)
    assert all(f in message for f in fragments), message
    assert "\n" not in message and exc.value.exit_code == 2


def test_to_query_follows_the_keys_order():
    every = parse_situation(
        ["zone_cabinet=ZIP", "cabinet_qpv=oui", "aide_installation=aucune", "secteur=1"]
    )
    assert list(every.to_query()) == ["secteur", "aide_installation", "cabinet_qpv", "zone_cabinet"]
    some = parse_situation(["zone_cabinet=ZAC", "secteur=2-optam"])
    assert some.to_query() == {"secteur": "2-optam", "zone_cabinet": "ZAC"}
    assert list(some.to_query()) == ["secteur", "zone_cabinet"]
    assert parse_situation(every.to_query()) == every  # a link gives back the same answers
    assert NO_SITUATION.to_query() == {}


def test_situation_helpers():
    dated = parse_situation(["aide_installation=2016-03-01"])
    assert dated.received_on() == dt.date(2016, 3, 1)
    assert parse_situation(["aide_installation=aucune"]).received_on() is None
    assert NO_SITUATION.received_on() is None and NO_SITUATION.get("secteur") is None
    more = dated.with_answer("secteur", "1")
    assert more.answers == {"aide_installation": "2016-03-01", "secteur": "1"}
    assert dated.answers == {"aide_installation": "2016-03-01"}  # unchanged
    assert answer_label("aide_installation", "2016-03-01") == "01/03/2016"
    assert isinstance(more, Situation)


# ----------------------------------------------------------------------------- each answer

# (case id, place, profile, date, answers, aid id, status, open question (key, wanted) or None,
#  words the reason — or, when eligible, the checks — must name)
CASES = [
    # ---- secteur: the 2026 primo-installation aids need secteur 1 or Optam
    ("secteur-1", ZIP, INSTALL, D2026, FIRST, ZIP_AID, E, None, ["Secteur 1 (votre réponse)"]),
    ("secteur-2-optam", ZIP, INSTALL, D2026, ["secteur=2-optam", "aide_installation=aucune"],
     ZIP_AID, E, None, ["Optam-ACO (votre réponse)"]),
    ("secteur-2-sans-optam", ZIP, INSTALL, D2026,
     ["secteur=2-sans-optam", "aide_installation=aucune"], ZIP_AID, N, None,
     ["Secteur 2 sans Optam (votre réponse)", "réservée à : Secteur 1 ou Secteur 2 avec Optam"]),
    ("secteur-2-sans-optam-zac", ZAC, INSTALL, D2026,
     ["secteur=2-sans-optam", "aide_installation=aucune"], ZAC_AID, N, None, ["sans Optam"]),
    ("secteur-unanswered", ZIP, INSTALL, D2026, ["aide_installation=aucune"], ZIP_AID, S,
     ("secteur", ("1", "2-optam")), ["Secteur 1 ou Secteur 2 avec Optam ou Optam-ACO exigé"]),
    ("secteur-not-asked-for-a-secondary-practice", ZIP, SECONDARY, D2026,
     ["secteur=2-sans-optam", "aide_installation=aucune"], SECONDARY_AID, E, None, []),
    # ---- aide_installation: none within 10 years (décret n° 2025-231), on the date asked
    ("aid-none", ZIP, INSTALL, D2026, FIRST, ZIP_AID, E, None,
     ["Aucune aide à l'installation reçue depuis le 02/03/2016 (votre réponse)"]),
    ("aid-ten-years-to-the-day", ZIP, INSTALL, D2026,
     ["secteur=1", "aide_installation=2016-03-01"], ZIP_AID, E, None,
     ["reçue le 01/03/2016", "délai de 10 ans écoulé le 01/03/2026"]),
    ("aid-long-ago", ZIP, INSTALL, D2026, ["secteur=1", "aide_installation=2009-05-20"],
     ZIP_AID, E, None, ["écoulé le 20/05/2019"]),
    ("aid-a-day-too-recent", ZIP, INSTALL, D2026, ["secteur=1", "aide_installation=2016-03-02"],
     ZIP_AID, N, None, ["reçue le 02/03/2016", "pas de nouvelle aide", "avant le 02/03/2026"]),
    ("aid-recent", ZIP, INSTALL, D2026, ["secteur=1", "aide_installation=2024-01-15"],
     ZIP_AID, N, None, ["avant le 15/01/2034"]),
    ("aid-unanswered", ZIP, INSTALL, D2026, ["secteur=1"], ZIP_AID, S,
     ("aide_installation", ("aucune",)), ["depuis le 02/03/2016 : à confirmer"]),
    # a 29 February: ten years later is the 28th
    ("aid-leap-day-over", ZIP, INSTALL, dt.date(2026, 2, 28),
     ["secteur=1", "aide_installation=2016-02-29"], ZIP_AID, E, None, ["écoulé le 28/02/2026"]),
    ("aid-leap-day-not-yet", ZIP, INSTALL, dt.date(2026, 2, 27),
     ["secteur=1", "aide_installation=2016-02-29"], ZIP_AID, N, None, ["avant le 28/02/2026"]),
    ("secondary-aid-recent", ZIP, SECONDARY, D2026, ["aide_installation=2020-06-01"],
     SECONDARY_AID, N, None, ["avant le 01/06/2030"]),
    ("secondary-aid-unanswered", ZIP, SECONDARY, D2026, [], SECONDARY_AID, S,
     ("aide_installation", ("aucune",)), ["à confirmer"]),
    # the rule applies from the decree's date: before it, neither asked nor held against anyone
    ("ars-before-decree-recent-aid", MASSIF_ZAR, INSTALL, DECREE - dt.timedelta(days=1),
     ["aide_installation=2024-01-01"], ARS, E, None, ["massif"]),
    ("ars-before-decree-unanswered", MASSIF_ZAR, INSTALL, DECREE - dt.timedelta(days=1), [],
     ARS, E, None, ["massif"]),
    ("ars-decree-recent-aid", MASSIF_ZAR, INSTALL, DECREE, ["aide_installation=2024-01-01"],
     ARS, N, None, ["avant le 01/01/2034"]),
    ("ars-decree-unanswered", MASSIF_ZAR, INSTALL, DECREE, [], ARS, S,
     ("aide_installation", ("aucune",)), ["depuis le 13/03/2015"]),
    # ---- cabinet_qpv: where the data cannot tell, the user's answer decides
    ("zac-aid-qpv-unanswered", ZAC_QPV_COMMUNE, INSTALL, D2026, FIRST, ZAC_AID, S,
     ("cabinet_qpv", ("non",)), ["le lieu peut être en ZIP"]),
    ("zac-aid-outside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "cabinet_qpv=non"],
     ZAC_AID, E, None, ["Commune en ZAC (zonage médecins)"]),
    ("zac-aid-inside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "cabinet_qpv=oui"],
     ZAC_AID, V, ("zone_cabinet", ("ZAC",)), ["dans un QPV de la commune (votre réponse)"]),
    ("zip-aid-qpv-unanswered", ZAC_QPV_COMMUNE, INSTALL, D2026, FIRST, ZIP_AID, V,
     ("zone_cabinet", ("ZIP",)), ["le lieu peut être en ZIP"]),
    ("zip-aid-outside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "cabinet_qpv=non"],
     ZIP_AID, N, None, ["réservée à la zone ZIP"]),
    ("zip-aid-inside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "cabinet_qpv=oui"],
     ZIP_AID, V, ("zone_cabinet", ("ZIP",)), ["(votre réponse)"]),
    ("ars-qpv-unanswered", ZAR_QPV_COMMUNE, INSTALL, D2025, ["aide_installation=aucune"], ARS,
     S, ("cabinet_qpv", ("oui",)), ["« Quartier 2024 »"]),
    ("ars-inside-qpv", ZAR_QPV_COMMUNE, INSTALL, D2025,
     ["aide_installation=aucune", "cabinet_qpv=oui"], ARS, E, None, ["dans un QPV"]),
    ("ars-outside-qpv", ZAR_QPV_COMMUNE, INSTALL, D2025,
     ["aide_installation=aucune", "cabinet_qpv=non"], ARS, N, None, ["hors des QPV"]),
    ("ars-zac-inside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2025,
     ["aide_installation=aucune", "cabinet_qpv=oui"], ARS, E, None, ["dans un QPV"]),
    ("ars-zac-outside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2025,
     ["aide_installation=aucune", "cabinet_qpv=non"], ARS, N, None, ["hors des QPV"]),
    ("cstm-outside-qpv", ZAC_QPV_COMMUNE, PRACTICE, D2025, ["cabinet_qpv=non"], "cstm", E,
     None, ["commune en ZAC, hors ZIP"]),
    ("cstm-inside-qpv", ZAC_QPV_COMMUNE, PRACTICE, D2025, ["cabinet_qpv=oui"], "cstm", V,
     ("zone_cabinet", ("ZAC",)), ["dans un QPV"]),
    # where the data decides, the answer changes nothing
    ("point-in-qpv-says-no", ZAR_QPV_POINT_IN, INSTALL, D2025,
     ["aide_installation=aucune", "cabinet_qpv=non"], ARS, E, None, ["QP031001"]),
    ("old-qpv-says-yes", ZAR_OLD_QPV_POINT_IN, INSTALL, D2025,
     ["aide_installation=aucune", "cabinet_qpv=oui"], ARS, N, None, ["liste 2024"]),
    ("no-qpv-says-yes", ZAR, INSTALL, D2025, ["aide_installation=aucune", "cabinet_qpv=oui"],
     ARS, N, None, ["commune sans QPV"]),
    # ---- zone_cabinet: the ARS said which zone the QPV of the cabinet is in
    ("zone-zip-zip-aid", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "zone_cabinet=ZIP"],
     ZIP_AID, E, None, ["Cabinet en ZIP (votre réponse, d'après l'ARS)"]),
    ("zone-zip-zac-aid", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "zone_cabinet=ZIP"],
     ZAC_AID, N, None, ["Cabinet en ZIP (votre réponse"]),
    ("zone-zac-zac-aid", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "zone_cabinet=ZAC"],
     ZAC_AID, E, None, ["Cabinet en ZAC (votre réponse"]),
    ("zone-zac-zip-aid", ZAC_QPV_COMMUNE, INSTALL, D2026, [*FIRST, "zone_cabinet=ZAC"],
     ZIP_AID, N, None, ["Cabinet en ZAC"]),
    ("zone-zip-point-in-qpv", ZAC_QPV_POINT_IN, INSTALL, D2025,
     ["zone_cabinet=ZIP", "aide_installation=aucune"], "caim", E,
     None, ["Cabinet en ZIP"]),
    ("zone-zip-renfort", ZAC_QPV_COMMUNE, BACKUP, D2025, ["zone_cabinet=ZIP"], "cstm", E, None,
     ["renfort : cabinet en ZIP (votre réponse"]),
    ("zone-unanswered-renfort", ZAC_QPV_COMMUNE, BACKUP, D2025, [], "cstm", V,
     ("zone_cabinet", ("ZIP",)), ["le lieu peut être en ZIP"]),
    ("zone-zip-practice", ZAC_QPV_COMMUNE, PRACTICE, D2025, ["zone_cabinet=ZIP"], "cstm", N,
     None, ["Lieu de votre cabinet", "cabinet en ZIP (votre réponse"]),
    # where the data decides, the answer changes nothing
    ("zone-zip-no-qpv", ZAC, INSTALL, D2026, [*FIRST, "zone_cabinet=ZIP"], ZIP_AID, N, None,
     ["Commune en ZAC"]),
    ("zone-zac-in-zip", ZIP, INSTALL, D2026, [*FIRST, "zone_cabinet=ZAC"], ZIP_AID, E, None,
     ["Commune en ZIP"]),
    ("zone-zip-outside-qpv", ZAC_QPV_COMMUNE, INSTALL, D2026,
     [*FIRST, "cabinet_qpv=non", "zone_cabinet=ZIP"], ZIP_AID, N, None, ["Commune en ZAC"]),
]  # fmt: skip

PERSONAL = {"secteur", "aide_installation", "cabinet_qpv"}


@pytest.mark.parametrize(
    ("place", "profile", "on", "pairs", "aid_id", "status", "question", "words"),
    [pytest.param(*row[1:], id=row[0]) for row in CASES],
)
def test_each_answer(catalogue, place, profile, on, pairs, aid_id, status, question, words):
    situation = parse_situation(pairs)
    r = evaluate_aid(catalogue.get(aid_id), place, profile, on, catalogue, situation)
    assert r.status == status, r.reason
    text = r.reason if status != E else " ".join(c["text"] for c in r.checks)
    assert text is not None and all(w in text for w in words), text
    if question is None:
        assert r.question is None and not r.questions
        return
    assert r.question is not None
    assert (r.question.key, r.question.wanted) == question
    assert r.question.personal is (r.question.key in PERSONAL)
    assert r.question.text.endswith("?") and r.question.wanted_label
    assert all(q.key not in situation.answers for q in r.questions)


def test_every_open_question_is_listed_once(catalogue):
    r = evaluate_aid(catalogue.get(ZAC_AID), ZAC_QPV_COMMUNE, INSTALL, D2026, catalogue)
    assert r.status == S
    assert [q.key for q in r.questions] == ["cabinet_qpv", "secteur", "aide_installation"]
    cabinet = r.questions[0]
    assert "« Quartier 2015 »" in cabinet.text  # the QPV list of the zoning order's day
    assert (cabinet.wanted, cabinet.wanted_label, cabinet.personal) == (("non",), "non", True)
    assert cabinet.to_dict() == {
        "key": "cabinet_qpv",
        "text": cabinet.text,
        "wanted": ["non"],
        "wanted_label": "non",
        "personal": True,
    }
    since = r.questions[2]
    assert since.text == "Avez-vous reçu une aide à l'installation depuis le 02/03/2016 ?"
    assert (since.wanted, since.wanted_label) == (("aucune",), "non")


def test_a_non_applicable_aid_asks_nothing(catalogue):
    situation = parse_situation(["secteur=2-sans-optam"])
    r = evaluate_aid(catalogue.get(ZIP_AID), ZIP, INSTALL, D2026, catalogue, situation)
    assert r.status == N and not r.questions and r.question is None
    assert not r.money.counted  # nothing to count for an aid that does not apply


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"key": "aide_installation", "none_within_years": 10, "in": ["aucune"]}, "in"),
        ({"key": "secteur", "in": ["1"], "none_within_years": 10}, "none_within_years"),
    ],
)
def test_a_situation_field_of_the_other_kind_is_refused(entry: dict, field: str) -> None:
    """A catalogue typo must not be silently ignored."""
    from zonage.catalogue.parse_aid import _situation
    from zonage.catalogue.validate import Ctx
    from zonage.errors import DataError

    with pytest.raises(DataError, match=field):
        _situation({"situation": [entry]}, Ctx("catalogue.yaml", "aide « x »"), {})
