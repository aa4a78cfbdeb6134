"""Entity rules: context, ambiguity, variants, morphology, organisation patterns, summaries."""

from __future__ import annotations

import pytest
from entity_fixtures import extract, pairs, write_gazetteer

from pipeline.entities.gazetteer import load_gazetteer
from pipeline.entities.summary import document_record
from pipeline.errors import ConfigError


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    return write_gazetteer(tmp_path_factory.mktemp("gazetteer"))


def test_place_name_meaning_follows_its_context(gaz):
    found = extract("In de provincie Groningen groeit het werk. De regio Groningen doet "
                    "mee, net als Groningen zelf.", gaz)
    assert pairs(found, "REGION") == [("Groningen", "PV20"), ("Groningen", "AM01"),
                                      ("Groningen", "GM0014")]


def test_regio_prefix_carries_through_a_list_and_maps_cities_to_their_region(gaz):
    found = extract("In de regio's Groningen, Enschede en Eindhoven, en in Emmen.", gaz)
    assert pairs(found, "REGION") == [("Groningen", "AM01"), ("Enschede", "AM05"),
                                      ("Eindhoven", "AM28"), ("Emmen", "GM0114")]


def test_actor_type_describing_a_named_organisation_is_not_a_separate_actor(gaz):
    found = extract("De branchevereniging ABU tekent. Randstad, het uitzendbureau uit "
                    "Diemen, doet mee. UWV en het werkgeversservicepunt helpen. "
                    "Ook uitzendbureaus en een werkgever doen mee. UWV, gemeenten en "
                    "werkgevers overleggen.", gaz)
    assert pairs(found, "ORGANISATION") == [
        ("ABU", "ORG:abu"), ("Randstad", "ORG:randstad"), ("UWV", "ORG:uwv"),
        ("uitzendbureaus", "ACTOR:uitzendbureaus"), ("werkgever", "ACTOR:werkgevers"),
        ("UWV", "ORG:uwv"), ("gemeenten", "ACTOR:gemeenten"), ("werkgevers", "ACTOR:werkgevers")]


def test_gemeente_as_actor_is_an_organisation_but_as_place_a_region(gaz):
    actor = extract("Daarom besloot de gemeente Groningen mee te betalen.", gaz)
    assert pairs(actor) == [("gemeente Groningen", "ORG:gemeente:GM0014")]
    assert actor[0]["kind"] == "gemeente" and actor[0]["sector"] == "publiek"
    place = extract("Zij wonen in de gemeente Groningen.", gaz)
    assert pairs(place) == [("Groningen", "GM0014")]


@pytest.mark.parametrize("text, expected", [
    ("Het project start in Best en breidt later uit.", [("Best", "GM0753")]),
    ("Eindhoven, Best en Veldhoven werken samen.",
     [("Eindhoven", "GM0772"), ("Best", "GM0753"), ("Veldhoven", "GM0861")]),
    ("Werkgevers uit Best en Ede deden mee.", [("Best", "GM0753"), ("Ede", "GM0228")]),
    ("Ook wethouders van Best schoven aan.", [("Best", "GM0753")]),
])
def test_ambiguous_place_names_count_with_evidence(gaz, text, expected):
    assert pairs(extract(text, gaz), "REGION") == expected


@pytest.mark.parametrize("text", [
    "Het beste resultaat kwam uit de techniek.",
    "Best is om vroeg te beginnen met scholing.",
    "Stein de Vries vertelt over zijn werk.",
    "Men probeert het best eerst klein.",
    "De ede van trouw werd afgelegd.",
])
def test_ambiguous_words_without_evidence_are_not_places(gaz, text):
    assert pairs(extract(text, gaz), "REGION") == []


def test_name_variants_resolve_to_one_code(gaz):
    found = extract("Hengelo, Súdwest-Fryslân, Sudwest-Fryslan, Helmond-Peelland en Friesland.",
                    gaz)
    assert pairs(found, "REGION") == [
        ("Hengelo", "GM0164"), ("Súdwest-Fryslân", "GM1900"), ("Sudwest-Fryslan", "GM1900"),
        ("Helmond-Peelland", "AM32"), ("Friesland", "PV21")]


def test_former_municipalities_map_to_successor_only_when_certain(gaz):
    found = extract("In Boarnsterhim en Oudgemeente liep een proef.", gaz)
    assert pairs(found, "REGION") == [("Boarnsterhim", "GM1900"), ("Oudgemeente", "GM9999")]
    assert found[1]["certain"] is False
    record = document_record("d", "d.md", found, load_gazetteer(str(gaz)), True)
    assert record["regions"]["gemeenten"] == ["GM1900"]
    assert record["regions"]["onzeker"] == ["GM9999"]


def test_slash_adjectives_and_countries(gaz):
    found = extract("Groningen/Drenthe en Twentse bedrijven nemen mensen uit Syrië aan.", gaz)
    assert pairs(found, "REGION") == [("Groningen", "GM0014"), ("Drenthe", "PV22"),
                                      ("Twentse", "AM05"), ("Syrië", "LAND:SY")]


def test_target_group_morphology_and_spelling_variants(gaz):
    found = extract("Statushouders, een vergunninghouder, WW’ers, 50plussers en 50 plussers.",
                    gaz)
    assert pairs(found, "DOELGROEP") == [
        ("Statushouders", "DG:statushouders"), ("vergunninghouder", "DG:statushouders"),
        ("WW’ers", "DG:ww"), ("50plussers", "DG:ouderen"), ("50 plussers", "DG:ouderen")]


def test_curator_token_patterns_cover_forms_no_list_enumerates(gaz):
    found = extract("Ook 45-plussers en een 60plusser, maar geen 47-plussers.", gaz)
    assert pairs(found, "DOELGROEP") == [("45-plussers", "DG:ouderen"),
                                         ("60plusser", "DG:ouderen")]


def test_ruler_patterns_carry_the_canonical_ids(gaz):
    from pipeline.entities.nlp import build_pipeline
    from pipeline.settings import EntitySettings

    nlp = build_pipeline(EntitySettings(gazetteer_dir=str(gaz)))
    doc = nlp.make_doc("Groningen en UWV")
    for name in ("rd_gazetteer_exact", "rd_gazetteer_lower"):
        doc = nlp.get_pipe(name)(doc)
    assert sorted((s.text, s.id_) for s in doc.spans["rd"]) == [
        ("Groningen", "AM01|GM0014|PV20"), ("UWV", "ORG:uwv")]


def test_malformed_token_pattern_names_the_entry(tmp_path):
    folder = write_gazetteer(tmp_path / "g")
    (folder / "doelgroepen.yaml").write_text(
        "- id: DG:x\n  name: x\n  terms: [x]\n  patterns: [LOWER]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"doelgroepen.yaml entry 1 \(DG:x\).*token pattern"):
        load_gazetteer(str(folder))


def test_compounds_and_excluded_names_are_not_target_groups(gaz):
    found = extract("Het Statushoudersbestand en VluchtelingenWerk Nederland helpen.", gaz)
    assert pairs(found, "DOELGROEP") == []


def test_weak_target_group_dropped_only_next_to_a_specific_one(gaz):
    specific = extract("Kandidaten en statushouders kregen een baan.", gaz)
    assert pairs(specific, "DOELGROEP") == [("statushouders", "DG:statushouders")]
    alone = extract("Kandidaten kregen een baan. Statushouders volgden later.", gaz)
    assert ("Kandidaten", "DG:werkzoekenden") in pairs(alone, "DOELGROEP")
    kept = extract("Kandidaten en statushouders kregen een baan.", gaz, weak_doelgroepen="keep")
    assert ("Kandidaten", "DG:werkzoekenden") in pairs(kept, "DOELGROEP")


def test_aliases_and_case_sensitive_acronyms(gaz):
    found = extract("Het Uitvoeringsinstituut Werknemersverzekeringen (UWV) en de ABU. "
                    "Een abu is geen bond, en randstad is geen bedrijf.", gaz)
    assert pairs(found, "ORGANISATION") == [
        ("Uitvoeringsinstituut Werknemersverzekeringen", "ORG:uwv"), ("UWV", "ORG:uwv"),
        ("ABU", "ORG:abu")]


@pytest.mark.parametrize("text, name, kind, sector", [
    ("Stichting Werkkracht Walcheren helpt mee.", "Stichting Werkkracht Walcheren", "overig",
     "onbekend"),
    ("Stichting Van Uniform naar Werk is nieuw.", "Stichting Van Uniform naar Werk", "overig",
     "onbekend"),
    ("Werkbedrijf Lekstroom plaatst mensen.", "Werkbedrijf Lekstroom", "gemeente", "publiek"),
    ("Bouwbedrijf Van Dijk B.V. zoekt lassers.", "Bouwbedrijf Van Dijk B.V.", "werkgever",
     "privaat"),
    ("Het ministerie van Defensie betaalt.", "ministerie van Defensie", "ministerie", "publiek"),
    ("Servicepunt Techniek Achterhoek opent.", "Servicepunt Techniek Achterhoek",
     "samenwerkingsverband", "semipubliek"),
])
def test_organisation_patterns_find_unlisted_names(gaz, text, name, kind, sector):
    org = [m for m in extract(text, gaz) if m["type"] == "ORGANISATION"]
    assert [(m["text"], m["kind"], m["sector"], m["source"]) for m in org] == [
        (name, kind, sector, "pattern")]


def test_two_organisations_joined_by_en_stay_two(gaz):
    found = extract("Servicepunt Flex en Werkbedrijf Lekstroom werken samen.", gaz)
    assert pairs(found, "ORGANISATION") == [
        ("Servicepunt Flex", "ORG:servicepunt-flex"),
        ("Werkbedrijf Lekstroom", "ORG:werkbedrijf-lekstroom")]


def test_region_inside_organisation_only_when_configured(gaz):
    text = "Het ROC van Twente leidt op."
    assert pairs(extract(text, gaz), "REGION") == []
    inner = extract(text, gaz, regions_inside_organisations=True)
    regions = [m for m in inner if m["type"] == "REGION"]
    assert [(m["text"], m["id"], m["inside_organisation"]) for m in regions] == [
        ("Twente", "AM05", True)]


def test_partners_pps_and_regions_resolved_upward(gaz):
    found = extract("De gemeente Emmen, UWV en Randstad helpen WW'ers in Best. Ook "
                    "uitzendbureaus doen mee.", gaz)
    record = document_record("d", "d.md", found, load_gazetteer(str(gaz)), True)
    assert [(p["id"], p["sector"], p["generic"]) for p in record["partners"]] == [
        ("ACTOR:uitzendbureaus", "privaat", True), ("ORG:gemeente:GM0114", "publiek", False),
        ("ORG:randstad", "privaat", False), ("ORG:uwv", "publiek", False)]
    assert record["pps"] is True
    assert record["regions"]["gemeenten"] == ["GM0114", "GM0753"]
    assert record["regions"]["arbeidsmarktregios"] == ["AM03", "AM28"]
    assert record["regions"]["provincies"] == ["PV22", "PV30"]
    assert record["doelgroepen"] == ["DG:ww"]
    public_only = extract("De gemeente Emmen en UWV werken samen met werkgevers.", gaz)
    gazetteer = load_gazetteer(str(gaz))
    assert document_record("d", "d", public_only, gazetteer, True)["pps"] is False
    assert document_record("d", "d", public_only, gazetteer, True,
                           pps_includes_generic=True)["pps"] is True


def test_generic_actors_can_be_switched_off(gaz):
    text = "Gemeenten en werkgevers overleggen."
    assert pairs(extract(text, gaz), "ORGANISATION") == [
        ("Gemeenten", "ACTOR:gemeenten"), ("werkgevers", "ACTOR:werkgevers")]
    assert pairs(extract(text, gaz, generic_actors=False), "ORGANISATION") == []


def test_offsets_and_paragraph_index_point_into_the_text(gaz):
    from pipeline.entities.nlp import build_pipeline
    from pipeline.entities.summary import mentions
    from pipeline.settings import EntitySettings

    text = "Eerste alinea over Emmen.\n\nTweede alinea over UWV en statushouders."
    doc = build_pipeline(EntitySettings(gazetteer_dir=str(gaz)))(text)
    found = mentions(doc, [0, 27])
    assert [(text[m["start"]:m["end"]], m["paragraph"]) for m in found] == [
        ("Emmen", 0), ("UWV", 1), ("statushouders", 1)]


def test_broken_gazetteer_names_file_and_entry(tmp_path):
    folder = write_gazetteer(tmp_path / "g")
    (folder / "organisaties.yaml").write_text(
        "- id: ORG:x\n  name: X\n  kind: winkel\n  sector: privaat\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_gazetteer(str(folder))
    assert "organisaties.yaml entry 1 (ORG:x)" in caught.value.message
    assert "winkel" in caught.value.message


def test_missing_gazetteer_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="gazetteer folder not found"):
        load_gazetteer(str(tmp_path / "nowhere"))
