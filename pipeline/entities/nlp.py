"""Building the spaCy pipeline the entity stage runs with.

``entities.nlp.model`` names an installed package or a path to a saved pipeline (default
``nl_core_news_sm``). When it cannot be loaded, the stage runs with a blank Dutch pipeline with
lookup lemmas (spacy-lookups-data), a sentencizer and the rules, says so once, and records
which pipeline it used; ``entities.nlp.require_model: true`` turns that into an error.
Our components go before the statistical NER, so gazetteer and pattern matches win.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex

from ..errors import ConfigError
from ..settings.entities import EntitySettings
from . import (
    components,  # noqa: F401  (registers the rd_resolver and rd_merger factories)
    detector,  # noqa: F401  (registers the rd_detector factory)
)
from .gazetteer import Gazetteer, load_gazetteer
from .rules import organisation_patterns

log = logging.getLogger("rodedraden")
INSTALL_HINT = ("install it with 'make model' (needs access to spaCy's model releases) or "
                "point entities.nlp.model at a saved spaCy pipeline")
FALLBACK_LOSS = ("no statistical NER (organisations and places missing from the gazetteers and "
                 "the patterns are not found), no POS tags or dependency parse")


def pipeline_identity(settings: EntitySettings) -> dict[str, Any]:
    """What pipeline a run will use, without loading it: part of the cache key and outputs."""
    model = settings.nlp.model
    path = Path(model)
    if path.is_dir() and (path / "meta.json").is_file():
        meta = spacy.util.load_meta(path / "meta.json")
        return {"requested": model, "used": f"{meta['lang']}_{meta['name']}",
                "version": meta["version"], "path": str(path.resolve()), "fallback": False}
    if spacy.util.is_package(model):
        return {"requested": model, "used": model, "version": metadata.version(model),
                "fallback": False}
    if settings.nlp.require_model:
        raise ConfigError(f"spaCy pipeline {model!r} is not installed and "
                          "entities.nlp.require_model is true", hint=INSTALL_HINT, code="RD130")
    return {"requested": model, "used": "blank:nl", "version": spacy.__version__,
            "lemmatizer": "lookup (spacy-lookups-data)", "fallback": True}


def describe(identity: dict[str, Any]) -> str:
    if identity["fallback"]:
        return f"blank:nl + lookup lemmas + rules ({identity['requested']} not installed)"
    return f"{identity['used']} {identity['version']}"


def warn_if_fallback(identity: dict[str, Any]) -> None:
    if identity["fallback"]:
        log.warning("entities: spaCy pipeline %r is not installed; running with a blank Dutch "
                    "pipeline and rules only: %s. To fix: %s.", identity["requested"],
                    FALLBACK_LOSS, INSTALL_HINT)


@lru_cache(maxsize=2)
def _build(settings_json: str) -> Language:
    settings = EntitySettings.model_validate_json(settings_json)
    identity = pipeline_identity(settings)
    if identity["fallback"]:
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
    else:
        nlp = spacy.load(identity.get("path") or settings.nlp.model)
    _customise_tokenizer(nlp, load_gazetteer(settings.gazetteer_dir))
    _add_components(nlp, settings)
    return nlp


def build_pipeline(settings: EntitySettings) -> Language:
    """The full entity pipeline (built once per process and settings)."""
    return _build(settings.model_dump_json())


def _customise_tokenizer(nlp: Language, gazetteer: Gazetteer) -> None:
    """Split words at a slash ('Groningen/Drenthe' names two regions) and drop the Dutch
    abbreviation exceptions that would swallow the full stop after a name ('in Best.')."""
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[\w)])/(?=[\w(])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    rules = dict(nlp.tokenizer.rules)
    clashes = {key for key in rules if key.endswith(".") and (
        key[:-1] in gazetteer.exact or key[:-1].lower() in gazetteer.lower)}
    if clashes:
        nlp.tokenizer.rules = {key: value for key, value in rules.items() if key not in clashes}


def _add_components(nlp: Language, settings: EntitySettings) -> None:
    gazetteer = load_gazetteer(settings.gazetteer_dir)
    before = "ner" if "ner" in nlp.pipe_names else None
    common = {"spans_key": components.SPANS_KEY, "overwrite": False, "annotate_ents": False,
              "validate": False}
    exact = nlp.add_pipe("span_ruler", name="rd_gazetteer_exact", before=before,
                         config={**common, "phrase_matcher_attr": "ORTH"})
    # A pattern's id lists every entry its surface form can mean; the resolver picks one.
    exact.add_patterns([{"label": "GAZ_EXACT", "pattern": surface, "id": "|".join(sorted(ids))}
                        for surface, ids in sorted(gazetteer.exact.items())])
    lower = nlp.add_pipe("span_ruler", name="rd_gazetteer_lower", before=before,
                         config={**common, "phrase_matcher_attr": "LOWER"})
    lower.add_patterns([{"label": "GAZ_LOWER", "pattern": surface, "id": "|".join(sorted(ids))}
                        for surface, ids in sorted(gazetteer.lower.items())]
                       + [{"label": "NOT", "pattern": surface}
                          for surface in sorted(gazetteer.excluded)])
    rules = nlp.add_pipe("span_ruler", name="rd_organisation_rules", before=before,
                         config=common)
    rules.add_patterns(organisation_patterns()
                       + [{"label": "GAZ_PATTERN", "id": entry_id, "pattern": pattern}
                          for entry_id, pattern in gazetteer.token_patterns])
    nlp.add_pipe("rd_resolver", before=before, config={
        "gazetteer_dir": settings.gazetteer_dir, "evidence_words": settings.evidence_words,
        "regions_inside_organisations": settings.regions_inside_organisations,
        "generic_actors": settings.generic_actors,
        "weak_doelgroepen": settings.weak_doelgroepen})
    if settings.detector.enabled:
        nlp.add_pipe("rd_detector", before=before, config={
            "gazetteer_dir": settings.gazetteer_dir,
            "min_confidence": settings.detector.min_confidence,
            "places": settings.detector.places})
    nlp.add_pipe("rd_merger", last=True, config={
        "gazetteer_dir": settings.gazetteer_dir, "ner_labels": settings.ner_labels})
