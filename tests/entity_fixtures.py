"""A small but complete gazetteer for entity tests: stable ids, every file format covered."""

from __future__ import annotations

from pathlib import Path

from pipeline.entities.nlp import build_pipeline
from pipeline.entities.summary import mentions
from pipeline.settings import EntitySettings

FILES = {
    "provincies.csv": """code,name,variants,adjectives
PV20,Groningen,,Groningse
PV21,Fryslân,Friesland,Friese
PV22,Drenthe,,Drentse
PV23,Overijssel,,Overijsselse
PV25,Gelderland,,Gelderse
PV26,Utrecht,,Utrechtse
PV30,Noord-Brabant,Brabant,Brabantse
PV31,Limburg,,Limburgse
""",
    "arbeidsmarktregios.csv": """code,name,variants
AM01,Groningen,
AM02,Friesland,
AM03,Drenthe,
AM05,Twente,
AM28,Zuidoost-Brabant,
AM30,Zuid-Limburg,
AM32,Helmond-De Peel,Helmond-Peelland
""",
    "gemeenten.csv": """code,name,region_code,province_code,variants,needs_evidence
GM0014,Groningen,AM01,PV20,,0
GM0106,Assen,AM01,PV22,,0
GM0114,Emmen,AM03,PV22,,0
GM0153,Enschede,AM05,PV23,,0
GM0164,Hengelo (O.),AM05,PV23,Hengelo,0
GM1900,Súdwest-Fryslân,AM02,PV21,,0
GM0080,Leeuwarden,AM02,PV21,,0
GM0753,Best,AM28,PV30,,1
GM0772,Eindhoven,AM28,PV30,,0
GM0861,Veldhoven,AM28,PV30,,0
GM0228,Ede,AM05,PV25,,1
GM1883,Sittard-Geleen,AM30,PV31,,0
GM1641,Maasgouw,AM30,PV31,,0
GM0971,Stein (L.),AM30,PV31,Stein,1
GM0794,Helmond,AM32,PV30,,0
""",
    "regio_adjectieven.csv": "adjective,target_code\nTwentse,AM05\n",
    "regio_uncertain.csv": "name,note\nHollands Midden,oude regio\n",
    "voormalige_gemeenten.csv": (
        "name,old_code,last_year,region_code_then,successor_code,successor_certain\n"
        """Boarnsterhim,GM0051,2013,AM02,GM1900,1
Oudgemeente,GM9999,2015,AM05,,0
"""),
    "landen.csv": "code,name,variants\nLAND:SY,Syrië,Syrie\nLAND:ER,Eritrea,\n",
    "organisaties.yaml": """
- id: ORG:uwv
  name: UWV
  kind: uwv
  sector: publiek
  aliases: [Uitvoeringsinstituut Werknemersverzekeringen]
- id: ORG:abu
  name: ABU
  kind: brancheorganisatie
  sector: privaat
  aliases: [Algemene Bond Uitzendondernemingen]
- id: ORG:randstad
  name: Randstad
  kind: uitzendbureau
  sector: privaat
  case_sensitive: [Randstad]
- id: ORG:servicepunt-flex
  name: Servicepunt Flex
  kind: kennis-advies
  sector: semipubliek
- id: ORG:roc-van-twente
  name: ROC van Twente
  kind: onderwijs
  sector: semipubliek
""",
    "actortypen.yaml": """
- id: ACTOR:uitzendbureaus
  name: uitzendbureaus
  kind: uitzendbureau
  sector: privaat
  terms: [uitzendbureau]
- id: ACTOR:brancheorganisaties
  name: brancheorganisaties
  kind: brancheorganisatie
  sector: privaat
  terms: [branchevereniging, brancheverenigingen]
- id: ACTOR:werkgeversservicepunten
  name: werkgeversservicepunten
  kind: uwv
  sector: publiek
  terms: [werkgeversservicepunt, werkgeversservicepunten]
- id: ACTOR:werkgevers
  name: werkgevers
  kind: werkgever
  sector: privaat
  terms: [werkgever]
- id: ACTOR:gemeenten
  name: gemeenten
  kind: gemeente
  sector: publiek
  terms: [gemeenten]
""",
    "doelgroepen.yaml": """
- id: DG:statushouders
  name: statushouders
  terms: [statushouder, vergunninghouder]
  not: [VluchtelingenWerk Nederland]
- id: DG:ww
  name: WW'ers
  terms: ["WW'er", "WW'ers"]
  phrases: [mensen uit de WW]
- id: DG:ouderen
  name: ouderen
  terms: [50-plussers]
  patterns:
    - [{LOWER: {REGEX: "^(4[05]|5[05]|6[05])-?plussers?$"}}]
- id: DG:werkzoekenden
  name: werkzoekenden
  terms: [werkzoekende, kandidaat, kandidaten]
  weak: true
- id: DG:werkzoekenden-bestand-test
  name: not a group
  terms: [nietsbijzonders]
""",
}


def write_gazetteer(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text.lstrip("\n"), encoding="utf-8")
    return folder


def extract(text: str, folder: Path, **overrides) -> list[dict]:
    """Mentions of one text, with the fixture gazetteer and any entity settings."""
    settings = EntitySettings(gazetteer_dir=str(folder), **overrides)
    doc = build_pipeline(settings)(text)
    return mentions(doc, [0])


def pairs(found: list[dict], type_: str | None = None) -> list[tuple[str, str]]:
    return [(m["text"], m["id"]) for m in found if type_ is None or m["type"] == type_]
