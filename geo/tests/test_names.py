"""Name normalisation and commune search: pure rules on a small table, then the real layer."""

from __future__ import annotations

import pytest

from geo.names import NameIndex, alias_note, normalize_name, parse_insee, pick_one
from zonage.errors import InvalidInput, NotFound, OutsideRegion


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Saint-Girons", "st girons"),
        ("Saint-Girons", "SAINT GIRONS"),
        ("Sainte-Croix-Volvestre", "Ste Croix Volvestre"),
        ("L'Aiguillon", "Aiguillon"),
        ("L'Aiguillon", "Aiguillon (L')"),
        ("La Bastide-de-Sérou", "bastide de serou"),
        ("Les Cabannes", "cabannes"),
        ("Escornebœuf", "escorneboeuf"),
        ("Nîmes", "NIMES"),
        ("Castelnau-d'Estrétefonds", "castelnau d estretefonds"),
        ("Saint-Jean-de-Védas", "St-Jean de Vedas"),
    ],
)
def test_normalisation_forgives_case_accents_articles_hyphens_saint(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_normalisation_keeps_words_that_matter():
    assert normalize_name("Saint-Michel") != normalize_name("Sainte-Michel")
    assert normalize_name("Le Vernet") != normalize_name("Vernet-les-Bains")
    assert normalize_name("La") == "la"  # a lone word is never dropped as an article


@pytest.mark.parametrize("code", ["31555", " 31555 ", "09122", "2A004", "2b033"])
def test_parse_insee_accepts(code):
    assert parse_insee(code) == code.strip().upper()


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("", "vide"),
        ("   ", "vide"),
        ("315555", "6 chiffres"),
        ("3155", "4 chiffres"),
        ("9122", "0 initial"),
        ("abcde", "n'est pas un code INSEE"),
        ("31 555", "n'est pas un code INSEE"),
        ("Toulouse", "n'est pas un code INSEE"),
    ],
)
def test_parse_insee_rejects_with_french_one_liner(code, needle):
    with pytest.raises(InvalidInput) as info:
        parse_insee(code)
    message = str(info.value)
    assert needle in message and "\n" not in message


# The grammar: five ASCII digits, or 2A/2B and three digits (either case), spaces around
# forgiven. Other scripts' digits and anything else are refused.
@pytest.mark.parametrize(
    ("text", "code"),
    [("31555", "31555"), ("2a004", "2A004"), ("2B033", "2B033"), ("\t09122\n", "09122")],
)
def test_insee_grammar_accepts(text, code):
    assert parse_insee(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "３１５５５",  # full-width digits
        "٣١٥٥٥",  # Arabic-Indic digits
        "३१५५५",  # Devanagari digits
        "31５55",
        "²1555",  # a superscript is a digit for str.isdigit()
        "2Ａ004",
        "2C004",
        "20004A",
        "31_555",
        "+31555",
        "-31555",
        "31555.0",
        "3.1e4",
        "0x7AB3",
        "\u00a031555",
        "31555\x00",
        "\x1b[31m31555",
        "\u202e31555",
        "31555 31555",
        "ıı555",  # "ı".upper() is "I"
        "x" * 100_000,
    ],
)
def test_insee_grammar_rejects(text):
    with pytest.raises(InvalidInput) as info:
        parse_insee(text)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    assert not any(ch in message for ch in "\x00\x1b\u202e")
    assert "département" not in message  # never read as a code of another region


def test_insee_message_quotes_input_escaped():
    with pytest.raises(InvalidInput) as info:
        parse_insee("\x1b]0;titre\x07" + "9" * 500)
    message = str(info.value)
    assert "\\x1b]0;titre\\x07" in message and "(510 caractères)" in message


@pytest.fixture
def small_index() -> NameIndex:
    """Five communes with the awkward cases: homonyms, an article, an alias, shared postcode."""
    return NameIndex(
        insee=["09001", "09280", "31500", "32389", "12218"],
        nom=["L'Aiguillon", "Saint-Michel", "Saint-Michel", "Saint-Michel", "Conques-en-Rouergue"],
        departement=["09", "09", "31", "32", "12"],
        population=[500, 80, 300, 200, 1600],
        alias_noms=[
            [],
            [],
            [],
            [],
            ["Conques", "Grand-Vabre", "Noailhac", "Saint-Cyprien-sur-Dourdou"],
        ],
        codes_postaux=[["09300"], ["09100"], ["31220"], ["32300"], ["12320"]],
        former_codes=[[], [], [], [], ["12076", "12114", "12173"]],
    )


def test_homonyms_are_ranked_and_ambiguous(small_index):
    found = small_index.search("saint michel")
    assert [c.insee for c in found] == ["31500", "32389", "09280"]  # by population
    with pytest.raises(InvalidInput) as info:
        pick_one("saint michel", found)
    assert "plusieurs communes" in str(info.value) and "(32)" in str(info.value)


def test_department_or_postal_code_narrows_homonyms(small_index):
    assert [c.insee for c in small_index.search("Saint-Michel (32)")] == ["32389"]
    assert [c.insee for c in small_index.search("saint michel, 09")] == ["09280"]
    assert [c.insee for c in small_index.search("Saint-Michel 31220")] == ["31500"]
    assert [c.insee for c in small_index.search("31220 Saint-Michel")] == ["31500"]


def test_alias_leads_to_parent_with_note(small_index):
    (found,) = small_index.search("grand vabre")
    assert found.insee == "12218" and found.kind == "alias"
    assert "Conques-en-Rouergue (12218)" in (alias_note(found) or "")
    assert pick_one("grand vabre", [found]) is found


def test_current_name_beats_alias(small_index):
    found = small_index.search("Conques-en-Rouergue")
    assert found[0].kind == "nom" and alias_note(found[0]) is None


def test_postal_code(small_index):
    (found,) = small_index.search("12320")
    assert found.insee == "12218" and found.kind == "code_postal"
    assert small_index.resolve_postal("12320") == [4]
    with pytest.raises(OutsideRegion, match="75001"):
        small_index.resolve_postal("75001")
    with pytest.raises(NotFound, match="31999"):
        small_index.resolve_postal("31999")
    with pytest.raises(InvalidInput):
        small_index.resolve_postal("3100")


def test_former_code(small_index):
    index, note = small_index.resolve_code("12114")
    assert index == 4 and "ancien code" in note and "12218" in note
    assert small_index.resolve_code("12218") == (4, None)


def test_unknown_codes(small_index):
    with pytest.raises(OutsideRegion, match="département 75"):
        small_index.resolve_code("75056")
    with pytest.raises(NotFound, match="31999"):
        small_index.resolve_code("31999")


def test_prefix_and_typo(small_index):
    assert small_index.search("Conques")[0].insee == "12218"  # the alias "Conques" is exact
    assert small_index.search("Conques-en-Rou")[0].insee == "12218"  # prefix
    typo = small_index.search("Aiguilon")
    assert typo[0].insee == "09001" and typo[0].score < 0.9
    with pytest.raises(NotFound, match="Vouliez-vous dire"):
        pick_one("Aiguilon", typo)


def test_nothing_found(small_index):
    assert small_index.search("") == []
    assert small_index.search("   ") == []
    assert small_index.search("zzqxw") == []
    with pytest.raises(NotFound):
        pick_one("zzqxw", [])


# --- the real layer ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lookup(built_dir):
    from geo.lookup import get_lookup

    return get_lookup(built_dir)


def test_every_current_name_finds_its_commune(lookup, layers):
    communes = layers.communes
    for insee, nom in zip(communes["insee"], communes["nom"], strict=True):
        found = lookup.search(nom, limit=50)
        exact = [c.insee for c in found if c.score == 1.0]
        assert insee in exact, nom


def test_every_alias_finds_its_parent(lookup, layers):
    checked = 0
    for insee, nom, aliases in zip(
        layers.communes["insee"], layers.communes["nom"], layers.communes["alias_noms"], strict=True
    ):
        for alias in aliases if aliases is not None else ():
            found = lookup.search(alias, limit=50)
            assert insee in {c.insee for c in found if c.score >= 0.9}, (alias, nom)
            checked += 1
    assert checked > 100


def test_every_former_or_delegated_code_maps_to_a_current_commune(lookup, layers):
    communes = layers.communes
    current = set(communes["insee"])
    checked = 0
    for column in ("anciens_codes", "alias_codes"):
        for insee, olds in zip(communes["insee"], communes[column], strict=True):
            for old in olds if olds is not None else ():
                if old in current:
                    continue
                facts = lookup.commune(old)
                assert facts.insee == insee, (column, old)
                assert any(old in n and "ancien code" in n for n in facts.notes)
                checked += 1
    assert checked > 100


def test_every_postal_code_finds_its_communes(lookup, layers):
    for insee, codes in zip(
        layers.communes["insee"], layers.communes["codes_postaux"], strict=True
    ):
        for cp in codes:
            assert insee in {f.insee for f in lookup.postal_code(cp)}


def test_real_examples(lookup):
    assert lookup.name("st girons").insee == "09261"
    assert lookup.name("aiguillon").nom == "L'Aiguillon"
    assert lookup.name("toulouse").insee == "31555"
    conques = lookup.name("Grand-Vabre")
    assert conques.insee == "12218" and any("déléguée" in n for n in conques.notes)
    assert lookup.commune("12076").insee == "12218"
    assert lookup.name("31000").insee == "31555"
    with pytest.raises(InvalidInput, match="plusieurs communes"):
        lookup.name("Saint-Michel")
    assert lookup.name("Saint-Michel (32)").departement == "32"
    with pytest.raises(InvalidInput, match="code postal couvre plusieurs"):
        lookup.name("09200")
    assert lookup.search("Toulose")[0].insee == "31555"
    with pytest.raises(InvalidInput):
        lookup.name("  ")
