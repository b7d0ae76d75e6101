"""The « Où m'installer » map's data (:mod:`application.region_layer`): classes of euros
guaranteed, the « plus selon l'adresse ou vos réponses » mark, the hover and click texts (plain
text, one case per distinct set), the legend, and the communes where chosen aids apply."""

from __future__ import annotations

import datetime as dt

import pytest

from application import region_layer as rl
from zonage.engine.money import NOTHING, Money
from zonage.engine.region import Outlook, Region, RegionRow
from zonage.situation import NO_SITUATION, parse_situation

DAY = dt.date(2026, 3, 2)
NNBSP = "\u202f"


def _outlook(
    guaranteed: Money = NOTHING,
    conditional: Money | None = None,
    possible: Money | None = None,
    *,
    eligible: tuple[str, ...] = (),
    sous_condition: tuple[str, ...] = (),
    a_verifier: tuple[str, ...] = (),
    obligation: tuple[str, str] | None = None,
    zone_depends: bool = False,
) -> Outlook:
    return Outlook(
        eligible=eligible,
        sous_condition=sous_condition,
        a_verifier=a_verifier,
        guaranteed=guaranteed,
        conditional=conditional or guaranteed,
        possible=possible or guaranteed,
        obligation=obligation,
        zone_depends=zone_depends,
    )


def _row(insee: str, outlook: Outlook, zone: str | None = "ZAC") -> RegionRow:
    return RegionRow(insee, f"Commune {insee}", insee[:2], zone, "2022-05-04", outlook)  # type: ignore[arg-type]


def _region(*rows: RegionRow, situation=NO_SITUATION) -> Region:  # noqa: ANN001
    return Region("liberal-installation", DAY, situation, rows, fact_sets=len(rows), facts_read=())


FIVE_K = Money(one_off_min=5000, one_off_max=5000)
INSTALL_ZAC = _outlook(
    FIVE_K,
    conditional=Money(one_off_min=10000, one_off_max=10000),
    possible=Money(one_off_min=5000, one_off_max=60000, unquantified=True),
    eligible=("exoneration-frr",),
    sous_condition=("aide-installation-zac",),
    a_verifier=("contrat-ars-territoires", "cet"),
    obligation=("contrat-ars-territoires", "Exercer en <b>groupe</b> & PDSA."),
)


def test_class_labels_in_french() -> None:
    assert rl.class_labels() == (
        f"0{NNBSP}€",
        f"moins de 5{NNBSP}000{NNBSP}€",
        f"5{NNBSP}000{NNBSP}€ à moins de 10{NNBSP}000{NNBSP}€",
        f"10{NNBSP}000{NNBSP}€ à moins de 30{NNBSP}000{NNBSP}€",
        f"30{NNBSP}000{NNBSP}€ ou plus",
    )


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(0, 0), (-1, 0), (0.5, 1), (4999.99, 1), (5000, 2), (9999.5, 2), (10000, 3), (29999, 3),
     (30000, 4), (2e6, 4)],
)  # fmt: skip
def test_euro_class(amount: float, expected: int) -> None:
    assert rl.euro_class(amount) == expected


def test_first_year_adds_one_year_of_the_yearly_amounts() -> None:
    money = Money(one_off_min=5000, one_off_max=9000, per_year_min=1200, per_year_max=14400)
    assert rl.first_year(money) == 6200


def test_mark_when_more_may_come() -> None:
    assert rl.more_possible(INSTALL_ZAC)
    assert not rl.more_possible(_outlook(FIVE_K))
    assert rl.more_possible(_outlook(FIVE_K, zone_depends=True))  # the address decides
    yearly = Money(per_year_min=1000, per_year_max=1000)
    assert rl.more_possible(_outlook(yearly, possible=Money(per_year_min=1000, per_year_max=9e3)))


def test_layer_classes_marks_and_shared_cases() -> None:
    region = _region(
        _row("09122", INSTALL_ZAC),
        _row("09225", INSTALL_ZAC),  # same zone and outlook: same case
        _row("31555", _outlook(), zone="ZAR"),
        _row("46102", _outlook(Money(per_year_min=52860, per_year_max=79560)), zone="ZIP"),
    )
    layer = rl.value_layer(region, note=rl.APP_NOTE)
    assert len(layer.cases) == 3
    assert layer.case_of["09122"] == layer.case_of["09225"]
    foix, toulouse, cahors = (layer.cases[layer.case_of[c]] for c in ("09122", "31555", "46102"))
    # A personal question is open (Foix's 10 000 € if the answers fit): the classes show what
    # the answers would make certain, and the title says so.
    assert layer.title == rl.TITLE_IF_ANSWERED
    assert (foix.value, foix.marked) == (3, True)
    assert (toulouse.value, toulouse.marked) == (0, False)
    assert (cahors.value, cahors.marked) == (4, True)  # 52 860 € the first year
    assert foix.tip == (
        "Zonage médecins : ZAC",
        f"Garanti pour moi : 5{NNBSP}000{NNBSP}€",
        f"Jusqu'à 60{NNBSP}000{NNBSP}€ selon l'adresse ou vos réponses",
        "4 aides : 1 éligible, 1 sous condition, 2 à vérifier",
    )
    assert toulouse.tip == (
        "Zonage médecins : ZAR",
        f"Garanti pour moi : 0{NNBSP}€",
        "Aucune aide pour ce profil ici",
    )
    summary = "\n".join(foix.summary)
    assert f"Si vos réponses conviennent : 10{NNBSP}000{NNBSP}€" in summary
    assert f"Au plus : 60{NNBSP}000{NNBSP}€" in summary
    assert "Éligibles : Exonérations fiscales France Ruralités Revitalisation (FRR)" in summary
    assert "Sous condition : Aide à la primo-installation en ZAC" in summary
    assert "À vérifier : Contrat ARS" in summary and "(CET)" in summary
    # Texts are plain: the map shows them as text, so nothing is escaped here.
    assert "Engagement principal : Exercer en <b>groupe</b> & PDSA." in summary
    assert layer.note == rl.APP_NOTE and layer.mark_label == rl.MARK_LABEL
    assert layer.classes == rl.class_labels() and layer.keep is None


def test_zone_by_address_and_unclassed_commune() -> None:
    region = _region(
        _row("09122", _outlook(FIVE_K, zone_depends=True)),
        _row("46001", _outlook(), zone=None),
    )
    layer = rl.value_layer(region)
    depends = layer.cases[layer.case_of["09122"]]
    assert depends.marked and depends.tip[0].endswith(
        "ZIP possible selon l'adresse (quartier prioritaire)"
    )
    assert depends.tip[2] == rl.MARK_LABEL  # no higher figure: the mark's own words
    unclassed = layer.cases[layer.case_of["46001"]]
    assert "non classée (à vérifier auprès de l'ARS)" in unclassed.tip[0]


def test_heading_and_source_say_who_when_and_which_answers() -> None:
    situation = parse_situation(["secteur=1"])
    layer = rl.value_layer(_region(_row("09122", INSTALL_ZAC), situation=situation))
    assert layer.heading == "Où m'installer : les aides pour « Médecin libéral : première" \
        " installation » au 02/03/2026"  # fmt: skip
    assert "02/03/2026" in layer.source and "Secteur conventionnel : Secteur 1" in layer.source
    plain = rl.value_layer(_region(_row("09122", INSTALL_ZAC)))
    assert "sans réponse à « Ma situation »" in plain.source


def test_where_aids_apply_and_the_legend_sentence() -> None:
    region = _region(
        _row("09122", INSTALL_ZAC),
        _row("31555", _outlook(a_verifier=("aide-installation-zac",)), zone="ZAR"),
        _row("46102", _outlook(FIVE_K, eligible=("aide-installation-zip",)), zone="ZIP"),
    )
    by_aid = rl.communes_by_aid(region)
    assert by_aid["aide-installation-zac"] == {"09122"}  # « à vérifier » does not count
    assert rl.where_aids_apply(by_aid, []) is None
    assert rl.where_aids_apply(by_aid, ["cesp"]) == frozenset()
    both = rl.where_aids_apply(by_aid, ["aide-installation-zac", "aide-installation-zip"])
    assert both == {"09122", "46102"}
    layer = rl.keeping(rl.value_layer(region), both)
    assert layer.keep == both
    text = rl.legend_text(layer)
    assert text.startswith(layer.title)
    # Foix counts with what its answers would make certain (10 000 €), Cahors with its 5 000 €.
    assert f"1 commune à 5{NNBSP}000{NNBSP}€ à moins de 10{NNBSP}000{NNBSP}€" in text
    assert f"1 commune à 10{NNBSP}000{NNBSP}€ à moins de 30{NNBSP}000{NNBSP}€" in text
    assert "hachurées, 1 commune où l'adresse ou vos réponses peuvent apporter plus" in text
    assert (
        "en gris, 1 commune (aucune des aides choisies n'y est éligible ou sous condition)" in text
    )
    assert "à 0" not in text  # Toulouse is greyed, not counted at 0 €
