"""Names no list contains (the detector), the new list types (woonplaatsen, class lists, first
names) and the target groups added to the taxonomy, on sentences written for these tests."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.entities.gazetteer import load_gazetteer
from pipeline.entities.nlp import build_pipeline
from pipeline.entities.summary import mentions, resolve_regions


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(load_config(None, []).entities)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer(load_config(None, []).entities.gazetteer_dir)


def found(nlp, text: str, type_: str | None = None, source: str | None = None):
    return [(m["text"], m["type"]) for m in mentions(nlp(text), [0])
            if (type_ is None or m["type"] == type_) and (source is None or m["source"] == source)]


@pytest.mark.parametrize("text, name", [
    ("Sinds vorig jaar werkt hij bij Bakkerij Zonnegloed in de productie.", "Bakkerij Zonnegloed"),
    ("De kandidaten gingen aan de slag bij werkgever Kwekerij Van Leeuwen.",
     "Kwekerij Van Leeuwen"),
    ("Ook zorgverzekeraar Zilverkruis betaalt mee aan het project.", "Zilverkruis"),
    ("Hij loopt stage bij Hovenier Groenrijk B.V. in de wijk.", "Hovenier Groenrijk B.V."),
    ("Aan tafel zaten het Opleidingscentrum Maasland en de gemeente.",
     "Opleidingscentrum Maasland"),
    ("Merel Jansen (Drukkerij Lettergoed, Assen) vertelt over haar ervaringen.",
     "Drukkerij Lettergoed"),
    ("Zes bedrijven (Bloemenhof, Stalenkamp en Kiwa Noord) doen mee.", "Stalenkamp"),
    ("Het Centrum voor Werk en Techniek (CWT) leidt monteurs op.",
     "Centrum voor Werk en Techniek"),
    ("De vestiging van Tuincentrum Groenoord uit Emmen neemt drie mensen aan.",
     "Tuincentrum Groenoord"),
])
def test_organisations_no_list_holds_are_found_from_their_context(nlp, text, name):
    names = [n for n, t in found(nlp, text, "ORGANISATION") if t == "ORGANISATION"]
    assert name in names, names


@pytest.mark.parametrize("text, person", [
    ("Volgens wethouder Marieke Vos is het een succes.", "Marieke Vos"),
    ("Het plan komt van Henk Velthuis, die al jaren in de techniek werkt.", "Henk Velthuis"),
    ('"We gaan door," zegt Ruud Veldkamp tevreden.', "Ruud Veldkamp"),
    ("Jurgen Klaasman, directeur van de coöperatie, ziet kansen.", "Jurgen Klaasman"),
    ("Staatssecretaris Tamara van Ark bezocht het bedrijf.", "Ark"),
])
def test_people_are_not_organisations(nlp, text, person):
    texts = [n for n, _ in found(nlp, text, "ORGANISATION")]
    assert not any(person in t or t in person for t in texts), texts


def test_ordinary_capitalised_words_are_not_names(nlp):
    text = ("Doelgroep\n\nDe doelgroep bestaat uit jongeren. Logistiek is een groeisector en in "
            "de logistiek is werk genoeg.")
    assert found(nlp, text, "ORGANISATION", "detector") == []


def test_detected_names_carry_source_and_confidence(nlp):
    doc = nlp("Hij werkt nu bij Bakkerij Zonnegloed, een familiebedrijf.")
    detected = [m for m in mentions(doc, [0]) if m["source"] == "detector"]
    assert detected and all(0.5 <= m["confidence"] <= 1.0 for m in detected)
    assert detected[0]["id"] == "ORG:bakkerij-zonnegloed"


def test_a_village_maps_to_its_municipality_region_and_province(nlp, gazetteer):
    found_mentions = mentions(nlp("De werkplaats staat in Bennekom, vlak bij de Veluwe."), [0])
    village = [m for m in found_mentions if m["text"] == "Bennekom"]
    assert village and village[0]["kind"] == "woonplaats"
    assert village[0]["gemeente"] == "GM0228"                      # Ede
    regions = resolve_regions(found_mentions, gazetteer, True)
    assert "GM0228" in regions["gemeenten"] and "PV25" in regions["provincies"]
    assert regions["arbeidsmarktregios"] == [gazetteer.entries["GM0228"].region_code]


def test_a_village_name_that_is_a_surname_needs_a_place_word(nlp):
    assert found(nlp, "Volgens Jan van Veen gaat het goed.", "REGION") == []
    assert found(nlp, "Projectleider Carolien Doesburg is tevreden.", "REGION") == []
    assert ("Veen", "REGION") in found(nlp, "Het bedrijf zit in Veen.", "REGION")


def test_class_lists_are_loaded_from_every_organisaties_file(gazetteer):
    # one entry from each class file: a national agency (ROO) and a hogeschool (DUO)
    assert [e.kind for e in gazetteer.lookup("Agentschap Telecom") or
            gazetteer.lookup("Rijksdienst voor Ondernemend Nederland")]
    agencies = [e for e in gazetteer.entries.values()
                if e.type == "ORGANISATION" and e.id.startswith("ORG:")]
    assert len(agencies) > 380


def test_first_names_keep_no_place_or_function_word(gazetteer):
    names = gazetteer.first_names
    assert {"Henk", "Marieke", "Tamara"} <= names
    assert not {"Van", "Den", "Emmen", "Bennekom"} & names


@pytest.mark.parametrize("text, group", [
    ("Het project helpt mensen met psychische klachten aan een baan.", "DG:psychische-klachten"),
    ("Zij-instromers in de zorg krijgen een opleiding.", "DG:zij-instromers"),
    ("Voor dak- en thuislozen is er een werkplaats.", "DG:dak-en-thuislozen"),
    ("Ook zzp'ers zonder opdrachten kunnen zich melden.", "DG:zzp-ers"),
    ("Mensen met een WIA-uitkering zoeken passend werk.", "DG:arbeidsongeschikten"),
])
def test_target_groups_added_to_the_taxonomy(nlp, text, group):
    ids = [m["id"] for m in mentions(nlp(text), [0]) if m["type"] == "DOELGROEP"]
    assert group in ids, ids


def test_places_in_another_form_adjectives_datelines_and_lists(nlp):
    regions = dict(found(nlp, "De Boskoopse kwekers en Goudse bedrijven zoeken personeel.",
                         "REGION"))
    assert {"Boskoopse", "Goudse"} <= set(regions)
    assert ("SÚDWEST-FRYSLÂN", "REGION") in found(nlp, "SÚDWEST-FRYSLÂN - Het imago van "
                                                       "de logistiek moet beter.", "REGION")
    assert ("Ruurlo", "REGION") in found(nlp, "We zoeken in Borculo en Ruurlo personeel.")
    # no place: a country adjective, and surnames in a list
    assert found(nlp, "De Nederlandse overheid geeft Europese subsidie.", "REGION") == []
    assert found(nlp, "Het werk van Jansen en Veen is klaar.", "REGION") == []
