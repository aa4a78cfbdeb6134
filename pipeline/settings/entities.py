"""``entities``: finding regions, organisations and target groups, and normalising them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import Section


class NlpSettings(Section):
    model: str = Field(
        "nl_core_news_sm", min_length=1,
        description="spaCy pipeline: an installed package name or a path to a saved pipeline.")
    require_model: bool = Field(
        False, description="false: when the model is missing, run with a blank Dutch pipeline "
        "(lookup lemmas + rules) and warn; true: a missing model is an error.")
    batch_size: int = Field(32, ge=1, le=4096, description="Documents per nlp.pipe batch.")


class DetectorSettings(Section):
    enabled: bool = Field(
        True, description="Find organisation and place names no gazetteer holds from the text "
        "itself (context, head nouns, legal forms, acronyms, repetition); reported with "
        "source 'detector' and a confidence. See pipeline/entities/detector.py.")
    min_confidence: float = Field(
        0.5, ge=0, le=1, description="Evidence a capitalised run needs to be reported (the "
        "weights of its clues combined as independent chances).")
    places: bool = Field(
        True, description="Also report unknown places after 'in', 'uit', 'te', 'naar', 'rond', "
        "'nabij' (villages, districts, foreign towns) as PLAATS ids.")


class EntitySettings(Section):
    nlp: NlpSettings = Field(default_factory=NlpSettings, description="The spaCy pipeline.")
    detector: DetectorSettings = Field(default_factory=DetectorSettings,
                                       description="Names no list contains.")
    gazetteer_dir: str = Field(
        "configs/gazetteers", min_length=1,
        description="Folder with the gazetteer files (regions, organisations, actor types, "
        "target groups); relative paths are taken from the working directory.")
    ner_labels: dict[str, Literal["REGION", "ORGANISATION"]] = Field(
        {"ORG": "ORGANISATION", "GPE": "REGION", "LOC": "REGION"},
        description="Statistical NER labels merged in, and the type each becomes; other "
        "labels (PERSON, EVENT...) are ignored. Gazetteer and pattern matches win on overlap.")
    regions_inside_organisations: bool = Field(
        False, description="Also report a region named inside an organisation name "
        "('Servicepunt Techniek Drenthe') as a region mention of its own.")
    region_of_gemeente_actor: bool = Field(
        True, description="Count the municipality of 'de gemeente X' in the document's "
        "regions (the organisation mention itself is always reported).")
    evidence_words: list[str] = Field(
        ["gemeente", "gemeenten", "in", "uit", "naar", "te", "regio", "rond", "bij", "van",
         "omgeving", "buurgemeente", "buurgemeenten", "tussen"],
        description="Words right before an ambiguous place name (Best, Ede, Putten...) that "
        "show it is the place.")
    generic_actors: bool = Field(
        True, description="Report actor types without a name ('uitzendbureaus', "
        "'werkgevers') as generic organisation mentions.")
    pps_includes_generic: bool = Field(
        False, description="Let actor types without a name ('werkgevers', 'uitzendbureaus') "
        "count for pps. Off by default: nearly every story mentions 'werkgevers' in passing, "
        "which would make almost every story a public-private partnership.")
    weak_doelgroepen: Literal["keep", "drop-if-specific"] = Field(
        "drop-if-specific", description="Broad target groups marked weak in the taxonomy "
        "('kandidaten'): keep always, or drop when a more specific group is in the same "
        "sentence.")
