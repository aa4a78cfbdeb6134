"""The words and shapes the detector weighs (:mod:`pipeline.entities.detector`) and the person
filter (:mod:`pipeline.entities.people`) share: what a name looks like, which words before or
after it say an organisation, a place or a person follows, and two token helpers.

Word lists, not a trained model: each cue is a line a reader can check and a curator can
extend, and each one was added for a kind of sentence, not for a name.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from .rules import FUNCTION_WORDS

CAPITAL = re.compile(r"^(?:\d{2,4}|\d{1,4}-[A-ZÀ-Ý][\w\-]*|[A-ZÀ-Ý][\w&'’.\-]*)$")
# A lower-case word ending in one of these names a kind of organisation ("kantoormeubelmaker
# Ahrend", "zorgverzekeraar VGZ", "lunchroom 's Lands Bakkie"): the capitalised run after it
# is that organisation's name.
ORG_NOUN_ENDINGS = ("bedrijf", "maker", "makers", "verzekeraar", "vereniging", "werkplaats",
                    "bureau", "instelling", "organisatie", "winkel", "boerderij", "fabriek",
                    "fabrikant", "producent", "leverancier", "school", "zaak", "keten",
                    "corporatie", "aanbieder", "bank", "omroep", "krant", "room", "restaurant",
                    "hotel", "kwekerij", "tuincentrum", "groothandel", "supermarkt", "academie",
                    "stichting", "coöperatie", "platform", "netwerk", "uitzender", "detacheerder",
                    "partner", "werkgever", "opleider", "inrichting", "centrum", "huis")
FUNCTION = re.compile(rf"^(?:{FUNCTION_WORDS})$")
ACRONYM = re.compile(r"^[A-Z][A-Z&]{1,5}$")
LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿ][a-zà-ÿ0-9'’-]*(?![\w'’-])")
CONNECTORS = {"van", "de", "der", "den", "voor", "aan", "het", "'s", "’s", "op", "&", "en"}

# Words right before a name that say an organisation follows, with their weight.
BEFORE = {
    "bij": 0.55, "werkgever": 0.8, "werkgevers": 0.5, "bedrijf": 0.8, "bedrijven": 0.5,
    "organisatie": 0.8, "organisaties": 0.5, "firma": 0.9, "uitzendbureau": 0.85,
    "uitzender": 0.85, "zorginstelling": 0.85, "zorgorganisatie": 0.85, "instelling": 0.7,
    "opleider": 0.8, "leverancier": 0.8, "school": 0.6, "werkgeversorganisatie": 0.85,
    "brancheorganisatie": 0.85, "branchevereniging": 0.85, "partner": 0.6, "partners": 0.5,
    "via": 0.45, "namens": 0.5, "met": 0.3, "door": 0.3, "en": 0.15, "klant": 0.6,
    "ggz-instelling": 0.85, "zorgaanbieder": 0.85, "werkontwikkelbedrijf": 0.85,
    "woningcorporatie": 0.85, "supermarkt": 0.75, "omroep": 0.8, "krant": 0.7,
}
# Nouns after "X, een ..." / "X, het ..." that describe an organisation (appositions).
APPOSITION_NOUNS = re.compile(
    r"(bedrijf|bedrijven|organisatie|instelling|fabrikant|producent|leverancier|groep|"
    r"stichting|vereniging|school|opleider|aanbieder|uitzendbureau|zorggroep|keten|winkel|"
    r"fonds|platform|netwerk|coöperatie|cooperatie|werkgever|academie|centrum|bureau|"
    r"onderneming|firma|omroep|krant|partij|orgaan|dienst|agentschap|instituut)$")
# The last (or only) word of a name says what it is: "Vivium Zorggroep", "Ondernemershuis".
HEAD_SUFFIXES = ("bedrijf", "bedrijven", "groep", "fabriek", "centrum", "academie", "school",
                 "huis", "instituut", "college", "fonds", "alliantie", "loket", "board",
                 "diensten", "dienst", "bank", "bureau", "partners", "services", "service",
                 "zorg", "hotel", "kantine", "werkplaats", "praktijk", "vereniging", "stichting",
                 "coöperatie", "makelaardij", "lijstenmakerij", "bakkerij", "kwekerij",
                 "drukkerij", "transport", "logistiek", "installatietechniek", "techniek",
                 "opleidingen", "consult", "consultancy", "media", "omroep", "punt", "team",
                 "desk", "café", "plein")
# Endings no surname has ("Velthuis" and "Kamphuis" end in -huis, so that one is not here)
STRONG_SUFFIXES = ("bedrijf", "bedrijven", "groep", "fabriek", "academie", "instituut",
                   "college", "fonds", "centrum", "school", "services", "zorg", "loket", "punt")
NAME_TAILS = {"Werkt": 0.35, "Nederland": 0.6, "Groep": 0.8, "Group": 0.8, "Holding": 0.9,
              "Zorggroep": 0.85, "Academie": 0.8, "Fonds": 0.8, "Services": 0.8,
              "Nederland.": 0.6}
PLACE_BEFORE = {"in", "uit", "te", "naar", "rond", "nabij"}
PERSON_TITLES = {
    "wethouder", "burgemeester", "minister", "staatssecretaris", "gedeputeerde", "directeur",
    "manager", "projectleider", "programmamanager", "coördinator", "coordinator", "adviseur",
    "voorzitter", "medewerker", "jobcoach", "consulent", "accountmanager", "klantmanager",
    "eigenaar", "oprichter", "teamleider", "bestuurder", "kwartiermaker", "beleidsmedewerker",
    "beleidsadviseur", "woordvoerder", "mevrouw", "meneer", "dhr.", "mevr.", "mw.", "dr.",
    "prof.", "ir.", "drs.", "mr.", "ing.", "collega", "deelnemer", "cursist", "werkzoekende",
    "leidinggevende", "trajectbegeleider", "ondernemer", "zaakvoerder", "initiatiefnemer",
    "docent", "leraar", "student", "moeder", "vader", "zoon", "dochter", "vrouw", "man",
}
SPEECH = {"zegt", "zei", "vertelt", "vertelde", "aldus", "benadrukt", "legt", "stelt", "vindt",
          "lacht", "vult", "geeft", "weet", "denkt", "merkt", "hoopt", "ziet", "antwoordt",
          "licht", "verklaart", "reageert", "concludeert", "beaamt", "glimlacht", "knikt"}

ROLE_NOUNS = re.compile(r"(coach|coaches|medewerker|medewerkers|directeur|manager|adviseur|"
                        r"collega's|collega|vertegenwoordiger|vertegenwoordigers|eigenaar|"
                        r"projectleider|coördinator|woordvoerder|voorzitter|begeleider|"
                        r"begeleiders|consulent|consulenten|mensen|ondernemer|ondernemers|"
                        r"oprichter|oprichters|eigenaren|werknemers|leden)$")

LEGAL_HEADS = ("Stichting", "Vereniging", "Coöperatie", "Cooperatie")


def line_start(doc: Doc, index: int) -> bool:
    """A heading or bullet starts a line: its capital says nothing about a name."""
    i = index - 1
    return i >= 0 and (doc[i].is_space or doc[i].text in {"•", "-", "–", "*", ":", "|"})


def word_before(doc: Doc, index: int):
    i = index - 1
    return doc[i] if i >= 0 and not doc[i].is_punct and not doc[i].is_space else None
