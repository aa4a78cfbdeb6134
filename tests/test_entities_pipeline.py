"""The spaCy pipeline around the rules: a trained model merged in, the blank fallback and its
warning, and per-document caching in the entity stage."""

from __future__ import annotations

import logging
import random

import pytest
import spacy
from entity_fixtures import pairs, write_gazetteer
from spacy.training import Example

from pipeline import entities, ingest
from pipeline.config import validate
from pipeline.entities.nlp import build_pipeline, pipeline_identity, warn_if_fallback
from pipeline.entities.summary import mentions
from pipeline.errors import ConfigError
from pipeline.runner import Runner
from pipeline.settings import EntitySettings

TRAIN = [
    ("Zuivelhuis Kroon zoekt monteurs in Zwaagwesteinde.",
     [(0, 16, "ORG"), (35, 49, "GPE")]),
    ("Bij Zuivelhuis Kroon werken nu tien mensen uit Zwaagwesteinde.",
     [(4, 20, "ORG"), (47, 61, "GPE")]),
    ("UWV en Zuivelhuis Kroon tekenen een convenant.", [(0, 3, "ORG"), (7, 23, "ORG")]),
    ("Jan Klaassen van Zuivelhuis Kroon is tevreden.", [(0, 12, "PERSON"), (17, 33, "ORG")]),
]


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    return write_gazetteer(tmp_path_factory.mktemp("gazetteer"))


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A real (tiny) Dutch NER pipeline, trained and saved by the test itself."""
    spacy.util.fix_random_seed(0)
    random.seed(0)
    nlp = spacy.blank("nl")
    ner = nlp.add_pipe("ner")
    for label in ("ORG", "GPE", "PERSON"):
        ner.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents})
                for text, ents in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("model") / "nl_tiny_ner"
    nlp.meta["name"] = "tiny_ner"
    nlp.to_disk(path)
    return path


def test_trained_model_spans_are_merged_with_model_source(gaz, tiny_model):
    # the detector would claim the name first (see the test below); here the merge is tested
    settings = EntitySettings(gazetteer_dir=str(gaz), nlp={"model": str(tiny_model)},
                              detector={"enabled": False})
    identity = pipeline_identity(settings)
    assert identity["fallback"] is False and identity["used"] == "nl_tiny_ner"
    nlp = build_pipeline(settings)
    assert nlp.pipe_names.index("rd_resolver") < nlp.pipe_names.index("ner")
    found = mentions(nlp(TRAIN[0][0]), [0])
    assert [(m["text"], m["type"], m["id"], m["source"]) for m in found] == [
        ("Zuivelhuis Kroon", "ORGANISATION", "ORG:zuivelhuis-kroon", "model"),
        ("Zwaagwesteinde", "REGION", "PLAATS:zwaagwesteinde", "model")]


def test_rules_and_detector_win_over_the_model(gaz, tiny_model):
    """With the detector on, the name the model also finds is ours (source detector), and the
    pipeline order leaves the model only what rules and detector left."""
    settings = EntitySettings(gazetteer_dir=str(gaz), nlp={"model": str(tiny_model)})
    nlp = build_pipeline(settings)
    names = nlp.pipe_names
    assert names.index("rd_resolver") < names.index("rd_detector") < names.index("ner")
    found = mentions(nlp(TRAIN[0][0]), [0])
    assert ("Zuivelhuis Kroon", "detector") in [(m["text"], m["source"]) for m in found]


def test_gazetteer_wins_over_model_and_other_labels_are_dropped(gaz, tiny_model):
    settings = EntitySettings(gazetteer_dir=str(gaz), nlp={"model": str(tiny_model)},
                              detector={"enabled": False})
    nlp = build_pipeline(settings)
    found = mentions(nlp(TRAIN[2][0]), [0])
    assert [(m["text"], m["source"]) for m in found] == [
        ("UWV", "gazetteer"), ("Zuivelhuis Kroon", "model")]
    # the model does predict the person; the pipeline drops the label it does not map
    predicted = spacy.load(tiny_model)(TRAIN[3][0]).ents
    assert ("Jan Klaassen", "PERSON") in [(e.text, e.label_) for e in predicted]
    person = mentions(nlp(TRAIN[3][0]), [0])
    assert "Jan Klaassen" not in [m["text"] for m in person]


def test_ner_label_mapping_is_configurable(gaz, tiny_model):
    settings = EntitySettings(gazetteer_dir=str(gaz), nlp={"model": str(tiny_model)},
                              ner_labels={"ORG": "ORGANISATION"}, detector={"enabled": False})
    found = mentions(build_pipeline(settings)(TRAIN[0][0]), [0])
    assert pairs(found) == [("Zuivelhuis Kroon", "ORG:zuivelhuis-kroon")]


def test_missing_model_falls_back_to_blank_pipeline_with_one_clear_warning(gaz, caplog):
    settings = EntitySettings(gazetteer_dir=str(gaz), nlp={"model": "nl_model_not_installed"})
    identity = pipeline_identity(settings)
    assert identity["fallback"] is True and identity["used"] == "blank:nl"
    with caplog.at_level(logging.WARNING, logger="rodedraden"):
        warn_if_fallback(identity)
    (record,) = caplog.records
    assert "nl_model_not_installed" in record.message
    assert "no statistical NER" in record.message and "make model" in record.message
    nlp = build_pipeline(settings)
    assert "ner" not in nlp.pipe_names and "lemmatizer" in nlp.pipe_names
    assert pairs(mentions(nlp("UWV helpt in Emmen."), [0])) == [("UWV", "ORG:uwv"),
                                                                ("Emmen", "GM0114")]


def test_missing_model_is_an_error_when_required(gaz):
    settings = EntitySettings(gazetteer_dir=str(gaz),
                              nlp={"model": "nl_model_not_installed", "require_model": True})
    with pytest.raises(ConfigError, match="nl_model_not_installed") as caught:
        pipeline_identity(settings)
    assert caught.value.exit_code == 2 and "make model" in caught.value.hint


def _corpus(folder, texts):
    folder.mkdir(exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


STORIES = [
    "De gemeente Emmen werkt samen met UWV en Randstad aan een nieuwe aanpak. "
    "Statushouders uit Syrië vinden zo sneller werk in de regio Drenthe. ",
    "In Enschede organiseren werkgevers speeddates voor WW'ers en 50-plussers. "
    "Het Werkgeversservicepunt Twente nodigt kandidaten persoonlijk uit. ",
    "Stichting Werkkracht Walcheren begeleidt mensen naar een baan bij de ABU-leden. "
    "De resultaten worden elk kwartaal besproken met de gemeenten in de regio. ",
]


def test_entity_stage_caches_per_document_and_reruns_on_gazetteer_change(gaz, tmp_path):
    corpus = _corpus(tmp_path / "corpus", {f"{n}.txt": f"Verhaal {n}\n\n{story * 5}"
                                           for n, story in enumerate(STORIES)})
    settings = validate({"entities": {"gazetteer_dir": str(gaz)}})
    out = tmp_path / "out"

    def run():
        return Runner([ingest.STAGE, entities.STAGE], settings, corpus, out).run()

    first = run()
    assert first.reports[1].items["documents"] == {"total": 3, "cached": 0, "computed": 3}
    records = first.outputs["entities"]["documents.jsonl"]
    assert {"id", "source", "entities", "partners", "pps", "regions", "doelgroepen",
            "pipeline"} <= set(records[0])
    assert records[0]["pps"] is True and records[0]["doelgroepen"] == ["DG:statushouders"]
    assert "blank:nl" in records[0]["pipeline"]

    (corpus / "1.txt").write_text(f"Verhaal 1\n\n{STORIES[1] * 5} Een nieuwe zin over Best.",
                                  encoding="utf-8")
    second = run()
    assert second.reports[1].status == "ran"
    assert second.reports[1].items["documents"] == {"total": 3, "cached": 2, "computed": 1}

    assert run().reports[1].status == "cached"
    with open(gaz / "landen.csv", "a", encoding="utf-8") as handle:
        handle.write("LAND:UA,Oekraïne,Oekraine\n")
    reasons = Runner([ingest.STAGE, entities.STAGE], settings, corpus, out).status()
    assert reasons[1]["cached"] is False and "external inputs changed" in reasons[1]["reason"]


def test_a_story_longer_than_spacys_default_limit_is_read_whole(gaz, tmp_path):
    """spaCy refuses texts over 1,000,000 characters by default; ingest allows far more."""
    # distinct paragraphs: repeated ones would be removed as boilerplate
    paragraphs, size, n = [], 0, 0
    while size < 1_050_000:
        paragraphs.append(f"{STORIES[n % len(STORIES)]} Dit is alinea {n}.")
        size += len(paragraphs[-1]) + 2
        n += 1
    text = "Een lang verhaal\n\n" + "\n\n".join(paragraphs)
    corpus = _corpus(tmp_path / "corpus", {"lang.txt": text})
    settings = validate({"entities": {"gazetteer_dir": str(gaz)},
                         "ingest": {"dedup": {"near_duplicate_threshold": 1.0}}})
    result = Runner([ingest.STAGE, entities.STAGE], settings, corpus, tmp_path / "out").run()
    document = result.outputs["ingest"]["corpus.jsonl"][0]
    assert len(document["text"]) > 1_000_000
    record = result.outputs["entities"]["documents.jsonl"][0]
    assert record["entities"][-1]["end"] > 1_000_000       # found to the end of the text
