"""Token patterns for organisations that no list contains.

Dutch organisation names mostly start with a head noun that says what they are ("Stichting
Werkkracht Walcheren", "Werkbedrijf Lekstroom", "Servicepunt Techniek Achterhoek", "ROC van
Twente") or end in a legal form ("Bouwbedrijf Van Dijk B.V."). The head decides the kind and
sector; the name runs over capitalised words and the short connectors Dutch names contain.
"""

from __future__ import annotations

from typing import Any

# A capitalised word that is not a sentence-initial function word ("Het Drenthe College",
# "Toen Bouwbedrijf X"); numbers never continue a name ("Stichting X op 11 maart").
FUNCTION_WORDS = ("De|Het|Een|Toen|Ook|Dat|Die|Dit|Deze|Daar|Zo|En|In|Op|Bij|Voor|Met|Als|"
                  "Maar|Volgens|Namens|Via|Door|Na|Nu|Sinds|Tijdens|Wie|Wat|Hoe|Waar|Omdat")
NAME_BODY = rf"(?!(?:{FUNCTION_WORDS})$)[A-ZÀ-Ý][\w&'’.\-]*|&"
# No "en": "Servicepunt Flex en Werkbedrijf Lekstroom" is two organisations. Names that do
# contain "en" ("Stichting Lezen en Schrijven") belong in organisaties.yaml.
# No "in"/"op": "Servicepunt Techniek Achterhoek in Doetinchem" ends before "in".
CONNECTOR_BODY = r"van|de|der|den|voor|aan|het|naar|tot|'s|’s|'t|’t"
NAME = rf"^(?:{NAME_BODY})$"
CONNECTOR = rf"^(?:{CONNECTOR_BODY})$"
NAME_OR_CONNECTOR = rf"^(?:{NAME_BODY}|{CONNECTOR_BODY})$"
LEGAL_FORMS = ["B.V.", "BV", "N.V.", "NV", "B.V", "V.O.F.", "vof"]

# head noun(s) -> (rule id, kind, sector). Matched case-sensitively: "Stichting" starts a
# name, "stichting" in running text does not.
HEADS: dict[str, tuple[str, str, str]] = {
    "Stichting": ("stichting", "overig", "onbekend"),
    "Vereniging": ("vereniging", "overig", "onbekend"),
    "Coöperatie": ("cooperatie", "overig", "onbekend"),
    "Werkbedrijf": ("werkbedrijf", "gemeente", "publiek"),
    "Leerwerkbedrijf": ("werkbedrijf", "gemeente", "publiek"),
    "Regionaal Werkbedrijf": ("werkbedrijf", "samenwerkingsverband", "publiek"),
    "Werkplein": ("werkplein", "samenwerkingsverband", "publiek"),
    "Werkpunt": ("werkpunt", "gemeente", "publiek"),
    "Werkgeversservicepunt": ("wsp", "samenwerkingsverband", "publiek"),
    "WSP": ("wsp", "samenwerkingsverband", "publiek"),
    "Sociale Dienst": ("sociale-dienst", "gemeente", "publiek"),
    "Jongerenloket": ("jongerenloket", "gemeente", "publiek"),
    "Jongerenpunt": ("jongerenloket", "gemeente", "publiek"),
    "Leerwerkloket": ("leerwerkloket", "samenwerkingsverband", "semipubliek"),
    "Mobiliteitscentrum": ("mobiliteit", "samenwerkingsverband", "semipubliek"),
    "Mobiliteitsteam": ("mobiliteit", "samenwerkingsverband", "semipubliek"),
    "Servicepunt": ("servicepunt", "samenwerkingsverband", "semipubliek"),
    "Taalhuis": ("taalhuis", "overig", "semipubliek"),
    "Coachpunt": ("coachpunt", "re-integratiebedrijf", "privaat"),
    "Jobcoach Groep": ("coachpunt", "re-integratiebedrijf", "privaat"),
    "Jobhunters": ("jobhunters", "samenwerkingsverband", "onbekend"),
    "Uitzendbureau": ("uitzendbureau", "uitzendbureau", "privaat"),
    "O&O-fonds": ("fonds", "fonds", "semipubliek"),
    "Opleidingsfonds": ("fonds", "fonds", "semipubliek"),
    "Sectorfonds": ("fonds", "fonds", "semipubliek"),
    "ROC": ("onderwijs", "onderwijs", "semipubliek"),
    "Hogeschool": ("onderwijs", "onderwijs", "semipubliek"),
    "Universiteit": ("onderwijs", "onderwijs", "semipubliek"),
    "Platform": ("platform", "samenwerkingsverband", "onbekend"),
    "Agentschap": ("agentschap", "overig", "publiek"),
    "Kenniscentrum": ("kenniscentrum", "kennis-advies", "semipubliek"),
    "Expertisecentrum": ("kenniscentrum", "kennis-advies", "semipubliek"),
    "Werkcentrum": ("werkcentrum", "samenwerkingsverband", "publiek"),
    "Regionaal Werkcentrum": ("werkcentrum", "samenwerkingsverband", "publiek"),
}
# A capitalised compound ending in "bedrijf"/"groep" names an employer ("Bouwbedrijf Jansen"),
# except the municipal work companies listed above.
EMPLOYER_HEAD = r"^(?!(?:Leer)?[Ww]erkbedrijf$)[A-ZÀ-Ý]\w*(?:bedrijf|bedrijven|groep|fabriek)$"
TAIL_HEADS = {"College": ("onderwijs", "onderwijs", "semipubliek")}


def rule_attributes(rule_id: str) -> tuple[str, str]:
    """(kind, sector) for a rule id, as declared above."""
    for rid, kind, sector in [*HEADS.values(), *TAIL_HEADS.values()]:
        if rid == rule_id:
            return kind, sector
    return {"bv": ("werkgever", "privaat"), "employer": ("werkgever", "privaat"),
            "ministerie": ("ministerie", "publiek")}.get(rule_id, ("overig", "onbekend"))


def _name_run() -> list[dict[str, Any]]:
    """Capitalised words and connectors, ending in a capitalised word ("van Twente")."""
    return [{"TEXT": {"REGEX": NAME_OR_CONNECTOR}, "OP": "*"}, {"TEXT": {"REGEX": NAME}}]


def organisation_patterns() -> list[dict[str, Any]]:
    """SpanRuler patterns, label ``ORG_RULE``, id ``rule:<rule id>``."""
    patterns = []
    for head, (rule_id, _, _) in HEADS.items():
        head_tokens = [{"ORTH": word} for word in head.split(" ")]
        patterns.append({"label": "ORG_RULE", "id": f"rule:{rule_id}",
                         "pattern": head_tokens + _name_run()})
    patterns.append({"label": "ORG_RULE", "id": "rule:employer",
                     "pattern": [{"TEXT": {"REGEX": EMPLOYER_HEAD}}] + _name_run()})
    patterns.append({"label": "ORG_RULE", "id": "rule:bv",
                     "pattern": _name_run() + [{"ORTH": {"IN": LEGAL_FORMS}}]})
    for tail, (rule_id, _, _) in TAIL_HEADS.items():
        patterns.append({"label": "ORG_RULE", "id": f"rule:{rule_id}",
                         "pattern": [{"TEXT": {"REGEX": NAME}}, {"TEXT": {"REGEX": NAME},
                                                                 "OP": "?"}, {"ORTH": tail}]})
    patterns.append({"label": "ORG_RULE", "id": "rule:ministerie",
                     "pattern": [{"LOWER": "ministerie"}, {"LOWER": "van"},
                                 {"TEXT": {"REGEX": NAME}},
                                 {"TEXT": {"REGEX": rf"^(?:{NAME_BODY}|en)$"}, "OP": "*"},
                                 {"TEXT": {"REGEX": NAME}, "OP": "?"}]})
    return patterns
